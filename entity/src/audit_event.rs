//! The append-only, hash-chained record of every change.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_event")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Position in the chain, from 1 without gaps.
    #[sea_orm(unique)]
    pub seq: i64,
    pub occurred_at: DateTimeUtc,
    /// None for the command line.
    pub actor_id: Option<Uuid>,
    pub actor_username: String,
    /// The role the action was allowed under.
    pub role: Option<String>,
    /// The unit the change concerns: what scopes reads of the trail.
    pub scope_unit_id: Option<Uuid>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Uuid,
    /// JSON of the entity before and after; None where it did not exist.
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

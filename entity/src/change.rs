//! One change of an entity behind a GraphQL node, written by the database
//! triggers of migration 21 (never by the application): the change feed.

use sea_orm::entity::prelude::*;

/// What happened to the entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum ChangeOp {
    /// The row was inserted.
    #[sea_orm(string_value = "CREATED")]
    Created,
    /// The row, or a row belonging to it, was changed.
    #[sea_orm(string_value = "UPDATED")]
    Updated,
    /// The row's end was set (a unit dissolved, a mandate revoked…).
    #[sea_orm(string_value = "ENDED")]
    Ended,
    /// The row was deleted.
    #[sea_orm(string_value = "DELETED")]
    Deleted,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "change")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Commit order; NULL on PostgreSQL until the writing transaction
    /// commits.
    pub seq: Option<i64>,
    /// The GraphQL type name of the entity.
    pub entity_type: String,
    pub entity_id: Uuid,
    pub op: ChangeOp,
    /// The unit the entity belongs to, where the table names one.
    pub scope_unit_id: Option<Uuid>,
    /// When the change committed (PostgreSQL) or was written (SQLite).
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

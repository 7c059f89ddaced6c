//! A recommendation (kiến nghị) of an inspection's conclusion: one owner
//! unit, a deadline, followed up until it is closed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_recommendation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub inspection_id: Uuid,
    /// The finding it answers, if one.
    pub finding_id: Option<Uuid>,
    /// Its number in the conclusion ("1.2").
    pub number: String,
    pub text: String,
    pub owner_unit_id: Uuid,
    pub owner_path: String,
    pub due_on: Date,
    /// Closed by the inspecting body.
    pub closed_at: Option<DateTimeUtc>,
    pub closed_by: Option<String>,
    pub close_note: Option<String>,
    pub created_at: DateTimeUtc,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! One period of a regime, with its data window and deadlines.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reporting_period")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub regime_id: Uuid,
    /// The `Period` as written: `2026Q1`, `2026H1`, `2026M09`, `2026`, …
    pub code: String,
    pub data_from: Date,
    /// The cut-off (ngày chốt số liệu).
    pub data_to: Date,
    pub deadline: Date,
    pub compiled_deadline: Date,
    pub opened_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

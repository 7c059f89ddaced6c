//! Report counters of one unit's subtree for one period.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_rollup")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub period_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: Uuid,
    pub parent_unit_id: Option<Uuid>,
    pub expected: i32,
    /// Reports submitted at least once.
    pub submitted: i32,
    pub on_time: i32,
    pub late: i32,
    /// Reports now returned to their reporter.
    pub returned: i32,
    pub accepted: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

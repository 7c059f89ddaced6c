//! The total of one indicator over the accepted reports of a unit's
//! subtree for one period.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator_rollup")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub period_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub indicator_code: String,
    pub total: f64,
    pub reports: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

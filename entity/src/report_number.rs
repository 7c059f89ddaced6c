//! A number a report went out under: it stays the report's in its unit
//! and year even when the report is returned and signed again.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_number")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub report_id: Uuid,
    /// The number folded for comparison ("12/BC-UBND").
    #[sea_orm(primary_key, auto_increment = false)]
    pub number_key: String,
    /// The year it was signed in.
    pub signed_year: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

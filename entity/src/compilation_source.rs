//! A unit report a compiled report includes, as it was compiled.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "compilation_source")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub compiled_report_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub report_id: Uuid,
    /// The report's version when it was compiled.
    pub report_version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

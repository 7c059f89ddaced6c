//! A day that breaks the Monday–Friday working week.

use sea_orm::entity::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum DayKind {
    /// A weekday off (ngày nghỉ lễ, Tết, nghỉ bù).
    #[sea_orm(string_value = "HOLIDAY")]
    Holiday,
    /// A weekend day worked in exchange for a day off (làm bù).
    #[sea_orm(string_value = "WORKDAY")]
    Workday,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "holiday")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    pub kind: DayKind,
    pub name: String,
    /// Where the day comes from: a document number, or `derived`.
    pub source: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! A figure every report of a regime gives (chỉ tiêu).

use sea_orm::entity::prelude::*;

/// How an indicator's values combine over units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum Aggregation {
    #[sea_orm(string_value = "SUM")]
    Sum,
    #[sea_orm(string_value = "AVG")]
    Avg,
    #[sea_orm(string_value = "LAST")]
    Last,
}

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "regime_indicator")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub regime_id: Uuid,
    pub code: String,
    pub name: String,
    /// The unit of measure (đơn vị tính).
    pub measure: String,
    pub aggregation: Aggregation,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

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

/// What kind of figure an indicator is, which decides the value a report
/// gives for it and how it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ValueType {
    /// A whole number (a count).
    #[sea_orm(string_value = "INTEGER")]
    Integer,
    /// Any number.
    #[sea_orm(string_value = "NUMBER")]
    Number,
    /// A percentage, 0 to 100 unless the regime says otherwise.
    #[sea_orm(string_value = "PERCENTAGE")]
    Percentage,
    /// Yes or no, stored as 1 or 0.
    #[sea_orm(string_value = "BOOLEAN")]
    Boolean,
    /// Free text, in `report_value.text_value`.
    #[sea_orm(string_value = "TEXT")]
    Text,
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
    pub value_type: ValueType,
    /// Smallest value a report may give (for a PERCENTAGE, 0 unless set).
    pub min_value: Option<f64>,
    /// Largest value a report may give (for a PERCENTAGE, 100 unless set).
    pub max_value: Option<f64>,
    /// For a computed indicator, the expression over other indicators'
    /// codes that gives its value; such an indicator is never entered.
    pub formula: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

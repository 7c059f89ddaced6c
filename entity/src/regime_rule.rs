//! A validation rule between the indicators of a regime (kiểm tra logic
//! số liệu), e.g. `DUNG_HAN <= TIEP_NHAN`: data on the regime, checked on
//! every report.

use sea_orm::entity::prelude::*;

/// How a rule's two sides compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(2))")]
pub enum Comparison {
    #[sea_orm(string_value = "<")]
    Lt,
    #[sea_orm(string_value = "<=")]
    Le,
    #[sea_orm(string_value = "=")]
    Eq,
    #[sea_orm(string_value = ">=")]
    Ge,
    #[sea_orm(string_value = ">")]
    Gt,
    #[sea_orm(string_value = "!=")]
    Ne,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "regime_rule")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub regime_id: Uuid,
    /// Code, unique within the regime.
    pub code: String,
    /// What the rule says, shown when it is broken.
    pub name: String,
    /// Left expression over indicator codes.
    pub left_expr: String,
    pub operator: Comparison,
    /// Right expression over indicator codes.
    pub right_expr: String,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! What a compiled province report holds beyond a unit report's fields:
//! Sở Nội vụ's texts, the tables computed when it was compiled, and UBND
//! tỉnh's directions on accepting it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "compilation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub report_id: Uuid,
    pub compiled_at: DateTimeUtc,
    /// Đánh giá chung.
    pub assessment: Option<String>,
    /// Kiến nghị.
    pub recommendations: Option<String>,
    /// Ý kiến chỉ đạo of UBND tỉnh, given on acceptance.
    pub directions: Option<String>,
    /// The tables by unit, mandate and sector, as JSON.
    pub tables: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! One province's annual evaluation round (đợt đánh giá hằng năm) and
//! the result Sở Nội vụ compiles from it for UBND tỉnh.

use sea_orm::entity::prelude::*;

/// Where a round stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum RoundStatus {
    /// Evaluations are being written.
    #[sea_orm(string_value = "OPEN")]
    Open,
    /// Sở Nội vụ compiled the province's evaluation.
    #[sea_orm(string_value = "COMPILED")]
    Compiled,
    /// UBND tỉnh accepted it: the round is locked.
    #[sea_orm(string_value = "ACCEPTED")]
    Accepted,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_round")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub province_unit_id: Uuid,
    pub province_path: String,
    pub year: i32,
    /// The day mandates and assignments are taken in force on.
    pub as_of: Date,
    pub due_on: Date,
    pub status: RoundStatus,
    pub opened_at: DateTimeUtc,
    pub opened_by: String,
    pub compiled_at: Option<DateTimeUtc>,
    pub compiled_by: Option<String>,
    /// Đánh giá chung of Sở Nội vụ.
    pub assessment: Option<String>,
    /// Kiến nghị of Sở Nội vụ.
    pub recommendations: Option<String>,
    /// The tables by mandate and by unit, as JSON, when compiled.
    pub tables: Option<String>,
    pub accepted_at: Option<DateTimeUtc>,
    pub accepted_by: Option<String>,
    /// Ý kiến chỉ đạo of UBND tỉnh.
    pub directions: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

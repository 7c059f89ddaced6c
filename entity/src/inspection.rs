//! An inspection (thanh tra, kiểm tra) of how delegated powers are used:
//! by Thanh tra tỉnh or Sở Nội vụ, over units and mandates in scope for a
//! period, from its decision to its conclusion report and the follow-up
//! of its recommendations.

use sea_orm::entity::prelude::*;

/// Where an inspection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum InspectionStatus {
    #[sea_orm(string_value = "PLANNED")]
    Planned,
    #[sea_orm(string_value = "IN_PROGRESS")]
    InProgress,
    #[sea_orm(string_value = "CONCLUDED")]
    Concluded,
    #[sea_orm(string_value = "FOLLOWING_UP")]
    FollowingUp,
    #[sea_orm(string_value = "CLOSED")]
    Closed,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub code: String,
    pub title: String,
    /// Thanh tra tỉnh or Sở Nội vụ.
    pub inspecting_unit_id: Uuid,
    pub inspecting_path: String,
    /// The decision (quyết định thanh tra, kiểm tra), when there is one.
    pub decision_document_id: Option<Uuid>,
    pub period_from: Date,
    pub period_to: Date,
    pub status: InspectionStatus,
    pub version: i32,
    /// The conclusion report (kết luận, báo cáo kết quả kiểm tra).
    pub conclusion_document_id: Option<Uuid>,
    pub conclusion_summary: Option<String>,
    pub created_at: DateTimeUtc,
    pub created_by: String,
    pub started_at: Option<DateTimeUtc>,
    pub concluded_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub closed_by: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

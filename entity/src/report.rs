//! One unit's report for one period, or the compiled report of a period.

use sea_orm::entity::prelude::*;

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ReportStatus {
    /// Expected, nothing saved yet.
    #[sea_orm(string_value = "NOT_STARTED")]
    NotStarted,
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "SUBMITTED")]
    Submitted,
    #[sea_orm(string_value = "RETURNED")]
    Returned,
    #[sea_orm(string_value = "ACCEPTED")]
    Accepted,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub period_id: Uuid,
    pub period_code: String,
    pub regime_id: Uuid,
    pub reporter_unit_id: Uuid,
    /// The reporter's path, for subtree filters.
    pub reporter_path: String,
    pub recipient_unit_id: Uuid,
    /// The province report Sở Nội vụ compiles for UBND tỉnh.
    pub compiled: bool,
    pub status: ReportStatus,
    pub version: i32,
    pub results: Option<String>,
    pub difficulties: Option<String>,
    pub proposals: Option<String>,
    pub return_reason: Option<String>,
    /// The end of the deadline day in Vietnam.
    pub deadline_at: DateTimeUtc,
    pub first_submitted_at: Option<DateTimeUtc>,
    pub submitted_at: Option<DateTimeUtc>,
    pub returned_at: Option<DateTimeUtc>,
    pub accepted_at: Option<DateTimeUtc>,
    pub reminder_count: i32,
    pub last_reminded_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! A proposal (đề xuất) to delegate, amend or revoke: from the proposing
//! unit to the body that drafts the decision (cơ quan tham mưu), through
//! opinions and Sở Tư pháp's appraisal to the decision of UBND tỉnh or a
//! resolution of HĐND.

use sea_orm::entity::prelude::*;

/// What a proposal asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ProposalKind {
    /// New delegation of the matters to the target units.
    #[sea_orm(string_value = "DELEGATE")]
    Delegate,
    /// A change to mandates in force (sửa đổi, bổ sung).
    #[sea_orm(string_value = "AMEND")]
    Amend,
    /// The end of mandates in force (bãi bỏ, thu hồi).
    #[sea_orm(string_value = "REVOKE")]
    Revoke,
}

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum ProposalStatus {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "SUBMITTED")]
    Submitted,
    #[sea_orm(string_value = "RETURNED")]
    Returned,
    #[sea_orm(string_value = "DRAFTING")]
    Drafting,
    #[sea_orm(string_value = "IN_APPRAISAL")]
    InAppraisal,
    #[sea_orm(string_value = "APPRAISED")]
    Appraised,
    #[sea_orm(string_value = "AWAITING_DECISION")]
    AwaitingDecision,
    #[sea_orm(string_value = "DECIDED")]
    Decided,
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
    #[sea_orm(string_value = "WITHDRAWN")]
    Withdrawn,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "proposal")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: ProposalKind,
    /// Trích yếu, e.g. "Đề xuất phân cấp cấp giấy phép xây dựng cho UBND xã".
    pub title: String,
    pub proposing_unit_id: Uuid,
    /// The body that drafts the decision (cơ quan tham mưu).
    pub drafting_unit_id: Uuid,
    pub justification: String,
    /// JSON array of catalogued matter codes.
    pub matter_codes: String,
    /// JSON array of unit ids that would receive the matters.
    pub target_unit_ids: String,
    /// JSON array of the mandates an AMEND or REVOKE proposal concerns.
    pub concerned_mandate_ids: String,
    /// JSON array of registered documents attached to the proposal.
    pub attachment_ids: String,
    pub legal_basis_id: Option<Uuid>,
    pub legal_basis_article: Option<String>,
    pub resource_budget_vnd: Option<i64>,
    pub resource_staff: Option<i32>,
    pub resource_facilities: Option<String>,
    pub resource_none_reason: Option<String>,
    /// The decision is a resolution of HĐND (budget phân cấp).
    pub requires_resolution: bool,
    pub status: ProposalStatus,
    pub version: i32,
    /// The annual evaluation the proposal was opened from.
    pub evaluation_id: Option<Uuid>,
    /// The inspection finding the proposal was opened from.
    pub inspection_finding_id: Option<Uuid>,
    /// The Tờ trình that carried it to the deciding body.
    pub submission_document_id: Option<Uuid>,
    /// The decision (QĐ of UBND tỉnh, or NQ of HĐND tỉnh).
    pub decision_document_id: Option<Uuid>,
    /// Issued (or adopted) on.
    pub decided_on: Option<Date>,
    /// Title and justification folded for search.
    pub search_text: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

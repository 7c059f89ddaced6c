//! Sở Tư pháp's appraisal (thẩm định) of draft mandates: its report
//! ("…/BCTĐ-STP") and conclusion.

use sea_orm::entity::prelude::*;

/// The appraisal's conclusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum Conclusion {
    /// Đủ điều kiện trình.
    #[sea_orm(string_value = "ELIGIBLE")]
    Eligible,
    /// Đủ điều kiện trình sau khi tiếp thu, chỉnh lý.
    #[sea_orm(string_value = "ELIGIBLE_AFTER_CHANGES")]
    EligibleAfterChanges,
    /// Chưa đủ điều kiện trình.
    #[sea_orm(string_value = "NOT_ELIGIBLE")]
    NotEligible,
}

impl Conclusion {
    /// Whether the drafts may go to the deciding body.
    pub fn favourable(self) -> bool {
        self != Conclusion::NotEligible
    }
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "appraisal")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// None for drafts appraised outside a proposal (recorded from paper).
    pub proposal_id: Option<Uuid>,
    /// The appraisal report, a registered BC of Sở Tư pháp.
    pub report_document_id: Uuid,
    pub conclusion: Conclusion,
    pub summary: Option<String>,
    pub appraised_at: DateTimeUtc,
    pub appraised_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

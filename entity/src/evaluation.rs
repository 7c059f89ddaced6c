//! One holder's evaluation of one mandate in a round: its self-assessment
//! and the delegator's assessment.

use sea_orm::entity::prelude::*;

/// Where an evaluation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum EvaluationStatus {
    #[sea_orm(string_value = "NOT_STARTED")]
    NotStarted,
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "SELF_ASSESSED")]
    SelfAssessed,
    #[sea_orm(string_value = "RETURNED")]
    Returned,
    #[sea_orm(string_value = "ASSESSED")]
    Assessed,
}

/// Kết quả thực hiện.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum EvaluationResult {
    #[sea_orm(string_value = "GOOD")]
    Good,
    #[sea_orm(string_value = "SATISFACTORY")]
    Satisfactory,
    #[sea_orm(string_value = "POOR")]
    Poor,
}

/// What should become of the mandate: the recommendation a report's item
/// makes too (KEEP, AMEND, REVOKE, EXPAND), one type for both.
pub use crate::report_item::Proposal as Recommendation;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub round_id: Uuid,
    pub mandate_id: Uuid,
    /// The delegatee unit that holds the mandate on the round's date.
    pub holder_unit_id: Uuid,
    pub holder_path: String,
    pub delegator_unit_id: Uuid,
    pub delegator_path: String,
    pub status: EvaluationStatus,
    pub version: i32,
    pub result: Option<EvaluationResult>,
    pub result_text: Option<String>,
    pub difficulties: Option<String>,
    pub recommendation: Option<Recommendation>,
    pub recommendation_reason: Option<String>,
    pub drafted_at: Option<DateTimeUtc>,
    pub drafted_by: Option<String>,
    pub self_assessed_at: Option<DateTimeUtc>,
    pub self_assessed_by: Option<String>,
    pub return_reason: Option<String>,
    pub returned_at: Option<DateTimeUtc>,
    pub assessment: Option<EvaluationResult>,
    pub assessment_text: Option<String>,
    pub delegator_recommendation: Option<Recommendation>,
    pub assessed_at: Option<DateTimeUtc>,
    pub assessed_by: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! A request for a body's opinion (lấy ý kiến) on a proposal, and its answer.

use sea_orm::entity::prelude::*;

/// What a body answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum OpinionAnswer {
    #[sea_orm(string_value = "AGREE")]
    Agree,
    #[sea_orm(string_value = "AGREE_WITH_CHANGES")]
    AgreeWithChanges,
    #[sea_orm(string_value = "DISAGREE")]
    Disagree,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "opinion_request")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub proposal_id: Uuid,
    /// The body asked.
    pub body_unit_id: Uuid,
    pub requested_at: DateTimeUtc,
    pub working_days: i32,
    pub due_on: Date,
    pub answer: Option<OpinionAnswer>,
    pub text: Option<String>,
    /// The letter carrying the opinion.
    pub document_id: Option<Uuid>,
    pub answered_at: Option<DateTimeUtc>,
    pub answered_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

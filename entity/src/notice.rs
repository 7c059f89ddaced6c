//! A notice in the outbox: what happened, to whom it goes, written in the
//! same transaction as the change it tells of.

use sea_orm::entity::prelude::*;

/// What a notice is about; webhooks subscribe to topics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum Topic {
    #[sea_orm(string_value = "REPORT_REMINDER")]
    ReportReminder,
    #[sea_orm(string_value = "REPORT_RETURNED")]
    ReportReturned,
    #[sea_orm(string_value = "OPINION_REQUESTED")]
    OpinionRequested,
    #[sea_orm(string_value = "OPINION_OVERDUE")]
    OpinionOverdue,
    #[sea_orm(string_value = "AUTHORIZATION_EXPIRING")]
    AuthorizationExpiring,
    #[sea_orm(string_value = "TASK_DUE")]
    TaskDue,
    #[sea_orm(string_value = "TASK_OVERDUE")]
    TaskOverdue,
    #[sea_orm(string_value = "TASK_RETURNED")]
    TaskReturned,
    #[sea_orm(string_value = "RECOMMENDATION_DUE")]
    RecommendationDue,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notice")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub topic: Topic,
    pub entity_type: String,
    pub entity_id: Uuid,
    /// The unit the notice concerns: who may read it.
    pub unit_id: Uuid,
    pub unit_path: String,
    /// One person it goes to, if any.
    pub recipient_user_id: Option<Uuid>,
    /// A unit whose holders of `recipient_role` it goes to, if any.
    pub recipient_unit_id: Option<Uuid>,
    pub recipient_path: Option<String>,
    pub recipient_role: Option<crate::role_grant::Role>,
    pub subject: String,
    pub body: String,
    /// JSON text.
    pub payload: String,
    /// Unique: a second notice with the same key is not written.
    pub dedupe_key: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

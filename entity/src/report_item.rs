//! A report's account of one mandate the reporter held in the period.

use sea_orm::entity::prelude::*;

/// How a mandate's implementation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ImplementationStatus {
    #[sea_orm(string_value = "NOT_STARTED")]
    NotStarted,
    #[sea_orm(string_value = "IN_PROGRESS")]
    InProgress,
    #[sea_orm(string_value = "DONE")]
    Done,
    #[sea_orm(string_value = "BLOCKED")]
    Blocked,
}

/// What the reporter proposes for a mandate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Proposal {
    #[sea_orm(string_value = "KEEP")]
    Keep,
    #[sea_orm(string_value = "AMEND")]
    Amend,
    #[sea_orm(string_value = "REVOKE")]
    Revoke,
    #[sea_orm(string_value = "EXPAND")]
    Expand,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_item")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub report_id: Uuid,
    pub mandate_id: Uuid,
    pub implementation_status: Option<ImplementationStatus>,
    pub procedures_received: Option<i32>,
    pub resolved_on_time: Option<i32>,
    pub resolved_late: Option<i32>,
    pub pending: Option<i32>,
    pub difficulties: Option<String>,
    pub proposal: Option<Proposal>,
    pub proposal_note: Option<String>,
    /// When the item was added: when its period opened, or later when the
    /// reporter came to hold the mandate in the window.
    pub created_at: DateTimeUtc,
    /// When the mandate stopped applying to the period's window (revoked
    /// from before it, carried over to a successor, amended away) while the
    /// item had to be kept; null while it applies.
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

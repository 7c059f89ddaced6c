//! A task (nhiệm vụ): one lead unit (chủ trì), coordinating units (phối
//! hợp), an expected output (sản phẩm) and a time; or, with no lead, the
//! group of the tasks one content gives to every unit of a kind.

use sea_orm::entity::prelude::*;

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum TaskStatus {
    #[sea_orm(string_value = "NOT_STARTED")]
    NotStarted,
    #[sea_orm(string_value = "IN_PROGRESS")]
    InProgress,
    #[sea_orm(string_value = "COMPLETED")]
    Completed,
    #[sea_orm(string_value = "ACCEPTED")]
    Accepted,
    #[sea_orm(string_value = "RETURNED")]
    Returned,
}

/// How a task's time is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum TimeKind {
    /// Before a date.
    #[sea_orm(string_value = "DATE")]
    Date,
    /// From a date to a date.
    #[sea_orm(string_value = "WINDOW")]
    Window,
    /// Every quarter or year within a window.
    #[sea_orm(string_value = "RECURRING")]
    Recurring,
    /// N working days after the plan is issued.
    #[sea_orm(string_value = "AFTER_ISSUE")]
    AfterIssue,
    /// N working days after another document arrives.
    #[sea_orm(string_value = "AFTER_DOCUMENT")]
    AfterDocument,
}

/// How often a recurring task falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Recurrence {
    #[sea_orm(string_value = "QUARTERLY")]
    Quarterly,
    #[sea_orm(string_value = "YEARLY")]
    Yearly,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub code: String,
    pub plan_id: Option<Uuid>,
    /// The group this task is one unit's part of.
    pub parent_id: Option<Uuid>,
    /// The inspection recommendation this task follows up, if any.
    pub recommendation_id: Option<Uuid>,
    /// The content's number in its plan (1, 2, …).
    pub position: i32,
    pub title: String,
    pub content: Option<String>,
    pub output: Option<String>,
    /// None for a group.
    pub lead_unit_id: Option<Uuid>,
    pub lead_path: Option<String>,
    /// A group's assignee spec: `DEPARTMENTS`, `DISTRICTS`, `COMMUNES`,
    /// comma-separated.
    pub assignees: Option<String>,
    /// Coordinators named in words ("các cơ quan báo chí").
    pub coordinators_note: Option<String>,
    pub monitor_unit_id: Uuid,
    pub monitor_path: String,
    pub time_kind: TimeKind,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub recurrence: Option<Recurrence>,
    pub working_days: Option<i32>,
    /// What an AFTER_DOCUMENT task waits for.
    pub trigger_note: Option<String>,
    pub trigger_document_id: Option<Uuid>,
    pub triggered_on: Option<Date>,
    /// The current due date; None while an AFTER_DOCUMENT task waits.
    pub due_on: Option<Date>,
    pub status: TaskStatus,
    pub percent: i32,
    pub version: i32,
    pub note: Option<String>,
    /// Why it is late (nguyên nhân), given with the report after its due date.
    pub cause: Option<String>,
    /// Who answers for the delay (trách nhiệm của tập thể, cá nhân).
    pub responsible_person: Option<String>,
    /// The due date the explanation was given for.
    pub explained_due: Option<Date>,
    pub completed_at: Option<DateTimeUtc>,
    pub completed_by: Option<String>,
    pub return_reason: Option<String>,
    pub returned_at: Option<DateTimeUtc>,
    pub accepted_at: Option<DateTimeUtc>,
    pub accepted_by: Option<String>,
    /// A recurring task's last accepted occurrence.
    pub accepted_due: Option<Date>,
    /// The task of an ended unit this one carries on.
    pub successor_of: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub created_by: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

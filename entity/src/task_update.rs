//! One entry of a task's history: the lead's progress, a coordinator's
//! contribution, the completion, the acceptance or the return.

use sea_orm::entity::prelude::*;

pub use crate::task::TaskStatus;

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum UpdateKind {
    #[sea_orm(string_value = "PROGRESS")]
    Progress,
    #[sea_orm(string_value = "CONTRIBUTION")]
    Contribution,
    #[sea_orm(string_value = "COMPLETION")]
    Completion,
    #[sea_orm(string_value = "ACCEPTANCE")]
    Acceptance,
    #[sea_orm(string_value = "RETURN")]
    Return,
    #[sea_orm(string_value = "TRANSFER")]
    Transfer,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task_update")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub task_id: Uuid,
    pub kind: UpdateKind,
    /// The unit that wrote it: the lead, a coordinator or the monitor.
    pub unit_id: Uuid,
    /// The task's status after the entry.
    pub status: TaskStatus,
    pub percent: Option<i32>,
    pub note: Option<String>,
    pub cause: Option<String>,
    pub responsible_person: Option<String>,
    /// Evidence documents: a JSON array of document ids.
    pub evidence: String,
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! Mutations of plans and tasks.

use super::*;

/// Registering a plan on its KH document.
#[derive(InputObject)]
pub struct CreatePlanInput {
    /// The registered KH document (createDocument first).
    pub document: ID,
    /// Who follows the plan and accepts its tasks (default: Sở Nội vụ of
    /// the issuer's province).
    pub monitor: Option<ID>,
}

/// A task's time.
#[derive(InputObject)]
pub struct TaskTimeInput {
    /// How the time is given.
    pub kind: TaskTimeKind,
    /// DATE: the day it is due by (trước ngày …).
    pub due_on: Option<Date>,
    /// WINDOW, RECURRING: the first day.
    pub from: Option<Date>,
    /// WINDOW, RECURRING: the last day.
    pub to: Option<Date>,
    /// RECURRING: how often.
    pub recurrence: Option<TaskRecurrence>,
    /// AFTER_ISSUE, AFTER_DOCUMENT: working days, 1 to 250.
    pub working_days: Option<i32>,
    /// AFTER_DOCUMENT: what is awaited, in the plan's words (at most
    /// 20,000 characters).
    #[graphql(validator(max_length = 20000))]
    pub note: Option<String>,
}

impl TaskTimeInput {
    /// The time, or INVALID_TASK_TIME naming what is missing or does not
    /// belong to its kind.
    pub fn parse(self) -> AppResult<TaskTime> {
        let kind = match self.kind {
            TaskTimeKind::Date => "DATE",
            TaskTimeKind::Window => "WINDOW",
            TaskTimeKind::Recurring => "RECURRING",
            TaskTimeKind::AfterIssue => "AFTER_ISSUE",
            TaskTimeKind::AfterDocument => "AFTER_DOCUMENT",
        };
        let missing = |what: &str| {
            AppError::rule(
                Some("time"),
                UserErrorCode::InvalidTaskTime,
                format!("a time of kind {kind} needs `{what}`"),
            )
        };
        let given = [
            (
                "dueOn",
                self.due_on.is_some(),
                matches!(self.kind, TaskTimeKind::Date),
            ),
            (
                "from",
                self.from.is_some(),
                matches!(self.kind, TaskTimeKind::Window | TaskTimeKind::Recurring),
            ),
            (
                "to",
                self.to.is_some(),
                matches!(self.kind, TaskTimeKind::Window | TaskTimeKind::Recurring),
            ),
            (
                "recurrence",
                self.recurrence.is_some(),
                matches!(self.kind, TaskTimeKind::Recurring),
            ),
            (
                "workingDays",
                self.working_days.is_some(),
                matches!(
                    self.kind,
                    TaskTimeKind::AfterIssue | TaskTimeKind::AfterDocument
                ),
            ),
            (
                "note",
                self.note.is_some(),
                matches!(self.kind, TaskTimeKind::AfterDocument),
            ),
        ];
        if let Some((field, ..)) = given.iter().find(|(_, set, belongs)| *set && !belongs) {
            return Err(AppError::rule(
                Some("time"),
                UserErrorCode::InvalidTaskTime,
                format!("`{field}` does not belong to a time of kind {kind}"),
            ));
        }
        let days = |n: Option<i32>| -> AppResult<u32> {
            match n {
                Some(n) if n >= 1 => Ok(n as u32),
                Some(_) => Err(AppError::rule(
                    Some("time"),
                    UserErrorCode::InvalidTaskTime,
                    "working days are counted from 1 to 250",
                )),
                None => Err(missing("workingDays")),
            }
        };
        Ok(match self.kind {
            TaskTimeKind::Date => TaskTime::Date {
                due: self.due_on.ok_or_else(|| missing("dueOn"))?.0,
            },
            TaskTimeKind::Window => TaskTime::Window {
                from: self.from.ok_or_else(|| missing("from"))?.0,
                to: self.to.ok_or_else(|| missing("to"))?.0,
            },
            TaskTimeKind::Recurring => TaskTime::Recurring {
                recurrence: self.recurrence.ok_or_else(|| missing("recurrence"))?.into(),
                from: self.from.ok_or_else(|| missing("from"))?.0,
                to: self.to.ok_or_else(|| missing("to"))?.0,
            },
            TaskTimeKind::AfterIssue => TaskTime::AfterIssue {
                working_days: days(self.working_days)?,
            },
            TaskTimeKind::AfterDocument => TaskTime::AfterDocument {
                working_days: days(self.working_days)?,
                note: self.note.clone(),
            },
        })
    }
}

/// One content of a plan.
#[derive(InputObject)]
pub struct AddPlanTaskInput {
    /// The plan.
    pub plan: ID,
    /// What is to be done, 1 to 1,000 characters.
    #[graphql(validator(max_length = 1000))]
    pub title: String,
    /// The content in full, at most 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub content: Option<String>,
    /// The expected output (sản phẩm), at most 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub output: Option<String>,
    /// Lead units named one by one (in force today, in the plan's
    /// province).
    #[graphql(default, validator(max_items = 200))]
    pub leads: Vec<ID>,
    /// Lead units by kind: every unit of the kind in force today.
    #[graphql(default, validator(max_items = 3))]
    pub lead_groups: Vec<AssigneeGroup>,
    /// Coordinating units named one by one.
    #[graphql(default, validator(max_items = 200))]
    pub coordinators: Vec<ID>,
    /// Coordinating units by kind.
    #[graphql(default, validator(max_items = 3))]
    pub coordinator_groups: Vec<AssigneeGroup>,
    /// Coordinators named in words only ("các cơ quan báo chí"), at most
    /// 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub coordinators_note: Option<String>,
    /// The time.
    pub time: TaskTimeInput,
}

/// The lead's progress report, or its completion.
#[derive(InputObject)]
pub struct TaskProgressInput {
    /// The task (never a group).
    pub task: ID,
    /// The `version` last read; a stale one is a CONFLICT.
    pub expected_version: i32,
    /// Percent done, 0 to 100 (ignored by completeTask: 100).
    #[graphql(default)]
    pub percent: i32,
    /// What was done (for completeTask: the output delivered), at most
    /// 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub note: Option<String>,
    /// Registered documents showing the work.
    #[graphql(default, validator(max_items = 20))]
    pub evidence: Vec<ID>,
    /// Why it is late: required once the task is overdue
    /// (OVERDUE_EXPLANATION_REQUIRED), at most 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub cause: Option<String>,
    /// Who answers for the delay: required with `cause`, at most 1,000
    /// characters.
    #[graphql(validator(max_length = 1000))]
    pub responsible_person: Option<String>,
}

/// A coordinator's contribution.
#[derive(InputObject)]
pub struct ContributeToTaskInput {
    /// The task or group.
    pub task: ID,
    /// The coordinating unit that contributes.
    pub unit: ID,
    /// What it did, 1 to 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub note: String,
    /// Registered documents showing it.
    #[graphql(default, validator(max_items = 20))]
    pub evidence: Vec<ID>,
}

/// Accepting a completed task.
#[derive(InputObject)]
pub struct AcceptTaskInput {
    /// The completed task.
    pub task: ID,
    /// The `version` last read; a stale one is a CONFLICT.
    pub expected_version: i32,
    /// The monitoring body's note, at most 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub note: Option<String>,
}

/// Sending a completed task back.
#[derive(InputObject)]
pub struct ReturnTaskInput {
    /// The completed task.
    pub task: ID,
    /// The `version` last read; a stale one is a CONFLICT.
    pub expected_version: i32,
    /// What the lead must still do, 1 to 5,000 characters.
    #[graphql(validator(max_length = 5000))]
    pub reason: String,
}

/// Carrying a task whose lead has ended over to its successor.
#[derive(InputObject)]
pub struct TransferTaskInput {
    /// The open task whose lead has ended.
    pub task: ID,
    /// The `version` last read; a stale one is a CONFLICT.
    pub expected_version: i32,
    /// The successor in force that carries it on; may be left out when the
    /// lead has exactly one.
    pub to: Option<ID>,
}

/// Recording the document an AFTER_DOCUMENT task waits for.
#[derive(InputObject)]
pub struct RecordTriggerDocumentInput {
    /// The task or group.
    pub task: ID,
    /// The registered document that arrived.
    pub document: ID,
}

/// The result of `createPlan`.
#[derive(SimpleObject)]
pub struct PlanPayload {
    /// The plan; null when refused.
    pub plan: Option<Plan>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of a change to a task.
#[derive(SimpleObject)]
pub struct TaskPayload {
    /// The task (or group) as changed; null when refused.
    pub task: Option<Task>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of `contributeToTask`.
#[derive(SimpleObject)]
pub struct TaskContributionPayload {
    /// The contribution recorded; null when refused.
    pub contribution: Option<TaskUpdate>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

fn task_payload(result: AppResult<task::Model>) -> async_graphql::Result<TaskPayload> {
    let (task, user_errors) = split(result)?;
    Ok(TaskPayload {
        task: task.map(Task),
        user_errors,
    })
}

fn document_ids(ids: &[ID], field: &str) -> AppResult<Vec<Uuid>> {
    ids.iter()
        .map(|id| decode_id_of(NodeKind::Document, field, id))
        .collect()
}

fn unit_ids(ids: &[ID], field: &str) -> AppResult<Vec<Uuid>> {
    ids.iter().map(|id| unit_id(field, id)).collect()
}

fn progress_of(input: &TaskProgressInput) -> AppResult<super::super::progress::Progress> {
    Ok(super::super::progress::Progress {
        percent: input.percent,
        note: input.note.clone(),
        evidence: document_ids(&input.evidence, "evidence")?,
        cause: input.cause.clone(),
        responsible_person: input.responsible_person.clone(),
    })
}

/// Mutations of plans and tasks.
#[derive(Default)]
pub struct PlanMutation;

#[Object]
impl PlanMutation {
    /// Registers a plan on its KH document (APPROVER or COORDINATOR of the
    /// issuer's province or of the monitoring body).
    #[graphql(guard = "RoleGuard(&[Role::Approver, Role::Coordinator])")]
    async fn create_plan(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document and the monitoring body.")] input: CreatePlanInput,
    ) -> async_graphql::Result<PlanPayload> {
        let viewer = ctx.signed_in()?;
        let new = service::NewPlan {
            document: decode_id_of(NodeKind::Document, "document", &input.document)?,
            monitor: input
                .monitor
                .as_ref()
                .map(|id| unit_id("monitor", id))
                .transpose()?,
        };
        let result = service::create_plan(ctx.db(), Authority::Viewer(viewer), new).await;
        let (plan, user_errors) = split(result)?;
        Ok(PlanPayload {
            plan: plan.map(Plan),
            user_errors,
        })
    }

    /// Adds a content to a plan (APPROVER or COORDINATOR of its province
    /// or monitoring body): one lead makes a task; several, or a group
    /// (every sở, every district, every commune in force today), make a
    /// group with one task per lead.
    #[graphql(guard = "RoleGuard(&[Role::Approver, Role::Coordinator])")]
    async fn add_plan_task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The plan and the content.")] input: AddPlanTaskInput,
    ) -> async_graphql::Result<TaskPayload> {
        let viewer = ctx.signed_in()?;
        let new = service::NewPlanTask {
            plan: plan_id(&input.plan)?,
            title: input.title,
            content: input.content,
            output: input.output,
            leads: unit_ids(&input.leads, "leads")?,
            lead_groups: input.lead_groups.into_iter().map(Into::into).collect(),
            coordinators: unit_ids(&input.coordinators, "coordinators")?,
            coordinator_groups: input
                .coordinator_groups
                .into_iter()
                .map(Into::into)
                .collect(),
            coordinators_note: input.coordinators_note,
            time: match input.time.parse() {
                Ok(t) => t,
                Err(e) => return task_payload(Err(e)),
            },
        };
        let result = service::add_plan_task(ctx.db(), Authority::Viewer(viewer), new).await;
        task_payload(result.map(|added| added.task))
    }

    /// Reports progress on a task (REPORTER or APPROVER of its lead); an
    /// overdue task's report gives the cause and who answers for it.
    #[graphql(guard = "RoleGuard(&[Role::Reporter, Role::Approver])")]
    async fn report_task_progress(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task, the version last read and the progress.")]
        input: TaskProgressInput,
    ) -> async_graphql::Result<TaskPayload> {
        let viewer = ctx.signed_in()?;
        let id = task_id(&input.task)?;
        let progress = progress_of(&input)?;
        let result = super::super::progress::report_progress(
            ctx.db(),
            Authority::Viewer(viewer),
            id,
            input.expected_version,
            progress,
        )
        .await;
        task_payload(result)
    }

    /// Completes a task with its output (REPORTER or APPROVER of its
    /// lead): COMPLETED, awaiting the monitoring body.
    #[graphql(guard = "RoleGuard(&[Role::Reporter, Role::Approver])")]
    async fn complete_task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task, the version last read and the output.")]
        input: TaskProgressInput,
    ) -> async_graphql::Result<TaskPayload> {
        let viewer = ctx.signed_in()?;
        let id = task_id(&input.task)?;
        let progress = progress_of(&input)?;
        let result = super::super::progress::complete(
            ctx.db(),
            Authority::Viewer(viewer),
            id,
            input.expected_version,
            progress,
        )
        .await;
        task_payload(result)
    }

    /// Records a coordinating unit's contribution to a task or group
    /// (REPORTER or APPROVER of that unit).
    #[graphql(guard = "RoleGuard(&[Role::Reporter, Role::Approver])")]
    async fn contribute_to_task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task, the unit and its contribution.")] input: ContributeToTaskInput,
    ) -> async_graphql::Result<TaskContributionPayload> {
        let viewer = ctx.signed_in()?;
        let id = task_id(&input.task)?;
        let contribution = super::super::progress::Contribution {
            unit: unit_id("unit", &input.unit)?,
            note: input.note,
            evidence: document_ids(&input.evidence, "evidence")?,
        };
        let result = super::super::progress::contribute(
            ctx.db(),
            Authority::Viewer(viewer),
            id,
            contribution,
        )
        .await;
        let (entry, user_errors) = split(result)?;
        Ok(TaskContributionPayload {
            contribution: entry.map(TaskUpdate),
            user_errors,
        })
    }

    /// Accepts a completed task (COORDINATOR of its monitoring body); a
    /// recurring task moves on to its next occurrence.
    #[graphql(guard = "RoleGuard(&[Role::Coordinator])")]
    async fn accept_task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task, the version last read and a note.")] input: AcceptTaskInput,
    ) -> async_graphql::Result<TaskPayload> {
        let viewer = ctx.signed_in()?;
        let id = task_id(&input.task)?;
        let result = super::super::progress::accept(
            ctx.db(),
            Authority::Viewer(viewer),
            id,
            input.expected_version,
            input.note,
        )
        .await;
        task_payload(result)
    }

    /// Sends a completed task back to its lead with a reason (COORDINATOR
    /// of its monitoring body).
    #[graphql(guard = "RoleGuard(&[Role::Coordinator])")]
    async fn return_task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task, the version last read and the reason.")] input: ReturnTaskInput,
    ) -> async_graphql::Result<TaskPayload> {
        let viewer = ctx.signed_in()?;
        let id = task_id(&input.task)?;
        let result = super::super::progress::send_back(
            ctx.db(),
            Authority::Viewer(viewer),
            id,
            input.expected_version,
            &input.reason,
        )
        .await;
        task_payload(result)
    }

    /// Carries an open task whose lead has ended at a reorganisation over
    /// to the lead's successor in force (COORDINATOR of its monitoring
    /// body); the task keeps its time, status and history.
    #[graphql(guard = "RoleGuard(&[Role::Coordinator])")]
    async fn transfer_task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task, the version last read and the successor.")]
        input: TransferTaskInput,
    ) -> async_graphql::Result<TaskPayload> {
        let viewer = ctx.signed_in()?;
        let id = task_id(&input.task)?;
        let to = input.to.as_ref().map(|to| unit_id("to", to)).transpose()?;
        let result = super::super::progress::carry_over(
            ctx.db(),
            Authority::Viewer(viewer),
            id,
            input.expected_version,
            to,
        )
        .await;
        task_payload(result)
    }

    /// Records the document an AFTER_DOCUMENT task or group waits for
    /// (COORDINATOR of its monitoring body): it is then due its working
    /// days after the document's date.
    #[graphql(guard = "RoleGuard(&[Role::Coordinator])")]
    async fn record_trigger_document(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task and the document.")] input: RecordTriggerDocumentInput,
    ) -> async_graphql::Result<TaskPayload> {
        let viewer = ctx.signed_in()?;
        let id = task_id(&input.task)?;
        let document = decode_id_of(NodeKind::Document, "document", &input.document)?;
        let result = super::super::progress::record_trigger(
            ctx.db(),
            Authority::Viewer(viewer),
            id,
            document,
        )
        .await;
        task_payload(result)
    }
}

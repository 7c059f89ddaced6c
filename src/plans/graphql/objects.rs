//! The `Plan`, `Task` and `TaskUpdate` objects, rollups, the dashboard's
//! items and what the viewer may do.

use super::*;

/// A plan (kế hoạch): a registered KH document whose contents are tasks.
pub struct Plan(pub plan::Model);

/// A plan (kế hoạch): a registered KH document of a province whose
/// contents (nội dung) are tasks with a lead, coordinators, an output and
/// a time, followed by its monitoring body.
#[Object]
impl Plan {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::Plan, self.0.id)
    }

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.0.id).await?)
    }

    /// The plan's document number, e.g. `89/KH-UBND`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The document's subject (trích yếu).
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The registered KH document.
    async fn document(&self, ctx: &Context<'_>) -> async_graphql::Result<Document> {
        let found = crate::mandates::graphql::document_node(ctx, self.0.document_id).await?;
        Ok(required(found, "document")?)
    }

    /// The document's issuer, as it was then.
    async fn issuer(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.issuer_unit_id, None).await
    }

    /// The province whose units carry the plan out (the issuer's, or its
    /// successor's since a reorganisation).
    async fn province(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.province_unit_id, None).await
    }

    /// Who follows, urges and checks the plan (theo dõi, đôn đốc, kiểm
    /// tra) and accepts its tasks: Sở Nội vụ unless said otherwise.
    async fn monitor(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.monitor_unit_id, None).await
    }

    /// The document's issue date; AFTER_ISSUE times count from it.
    async fn issued_on(&self) -> Date {
        self.0.issued_on.into()
    }

    /// The plan's contents in order: a task with one lead, or the group of
    /// the tasks one content gives to several units.
    async fn contents(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Task>> {
        Ok(read::contents(ctx.db(), self.0.id)
            .await?
            .into_iter()
            .map(Task)
            .collect())
    }

    /// When it was registered.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
}

/// A task's time as given.
pub struct TaskTimeInfo<'a>(&'a task::Model);

/// A task's time as the plan gives it; `Task.dueOn` is the date it
/// yields now.
#[Object]
impl TaskTimeInfo<'_> {
    /// How the time is given.
    async fn kind(&self) -> TaskTimeKind {
        self.0.time_kind.into()
    }

    /// A WINDOW's or recurrence's first day.
    async fn from(&self) -> Option<Date> {
        self.0.starts_on.map(Into::into)
    }

    /// A DATE's day, a WINDOW's or recurrence's last day.
    async fn to(&self) -> Option<Date> {
        self.0.ends_on.map(Into::into)
    }

    /// A RECURRING time's frequency.
    async fn recurrence(&self) -> Option<TaskRecurrence> {
        self.0.recurrence.map(Into::into)
    }

    /// Working days of an AFTER_ISSUE or AFTER_DOCUMENT time.
    async fn working_days(&self) -> Option<i32> {
        self.0.working_days
    }

    /// What an AFTER_DOCUMENT task waits for, in the plan's words.
    async fn note(&self) -> Option<&str> {
        self.0.trigger_note.as_deref()
    }

    /// The awaited document, once recorded.
    async fn trigger_document(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Document>> {
        match self.0.trigger_document_id {
            Some(id) => Ok(crate::mandates::graphql::document_node(ctx, id).await?),
            None => Ok(None),
        }
    }

    /// The awaited document's date, once recorded.
    async fn triggered_on(&self) -> Option<Date> {
        self.0.triggered_on.map(Into::into)
    }
}

/// What the caller may do with a task now.
#[derive(SimpleObject)]
pub struct TaskViewerCan {
    /// reportTaskProgress: REPORTER or APPROVER of the lead, while owed.
    pub report_progress: bool,
    /// completeTask: REPORTER or APPROVER of the lead, while owed.
    pub complete: bool,
    /// acceptTask: COORDINATOR of the monitoring body, once completed.
    pub accept: bool,
    /// returnTask: COORDINATOR of the monitoring body, once completed.
    pub return_task: bool,
    /// recordTriggerDocument: COORDINATOR of the monitoring body, while
    /// an AFTER_DOCUMENT task waits.
    pub record_trigger_document: bool,
}

/// A task (nhiệm vụ), or the group of the tasks one content gives to
/// several units.
pub struct Task(pub task::Model);

/// A task (nhiệm vụ): one lead unit (chủ trì), coordinating units (phối
/// hợp), an expected output (sản phẩm) and a time; reported on by its
/// lead and accepted or returned by its monitoring body. A group (no
/// lead) stands for a content given to several units: its parts are the
/// units' tasks.
#[Object]
impl Task {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::Task, self.0.id)
    }

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.0.id).await?)
    }

    /// Stable code.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The plan it belongs to, if any.
    async fn plan(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Plan>> {
        match self.0.plan_id {
            Some(id) => Ok(loaders(ctx).plans.load_one(id).await?.map(Plan)),
            None => Ok(None),
        }
    }

    /// The content's number in its plan.
    async fn position(&self) -> i32 {
        self.0.position
    }

    /// Whether this is a group of tasks rather than one unit's task.
    async fn is_group(&self) -> bool {
        self.0.lead_unit_id.is_none()
    }

    /// The group this task is one unit's part of.
    async fn group(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Task>> {
        match self.0.parent_id {
            Some(id) => Ok(loaders(ctx).tasks.load_one(id).await?.map(Task)),
            None => Ok(None),
        }
    }

    /// A group's parts, one per lead unit, by unit code (empty for a
    /// task); only those the caller may read.
    async fn parts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Task>> {
        if self.0.lead_unit_id.is_some() {
            return Ok(Vec::new());
        }
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        let viewer = ctx.viewer();
        let plan = match self.0.plan_id {
            Some(id) => loaders(ctx).plans.load_one(id).await?,
            None => None,
        };
        Ok(task::Entity::find()
            .filter(task::Column::ParentId.eq(self.0.id))
            .order_by_asc(task::Column::Code)
            .all(ctx.db())
            .await?
            .into_iter()
            .filter(|t| read::can_see(viewer, t, plan.as_ref()))
            .map(Task)
            .collect())
    }

    /// A group's parts counted (expected, done, accepted, overdue …): the
    /// content's progress as a whole; null for a task. Counts every part,
    /// whoever reads.
    async fn parts_progress(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<TaskFigures>> {
        if self.0.lead_unit_id.is_some() {
            return Ok(None);
        }
        let clock = clock(ctx).await?;
        let figures = read::parts_figures(ctx.db(), self.0.id, clock).await?;
        Ok(Some(figures.into()))
    }

    /// What is to be done (tên nhiệm vụ).
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The content in full, if given.
    async fn content(&self) -> Option<&str> {
        self.0.content.as_deref()
    }

    /// The expected output (sản phẩm, kết quả).
    async fn output(&self) -> Option<&str> {
        self.0.output.as_deref()
    }

    /// The lead unit (cơ quan chủ trì); null for a group.
    async fn lead(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Unit>> {
        match self.0.lead_unit_id {
            Some(id) => Ok(Some(unit_by_id(ctx, id, None).await?)),
            None => Ok(None),
        }
    }

    /// A group's lead groups (every sở, every district, every commune);
    /// empty for a task and for a group of units named one by one.
    async fn assignees(&self) -> Vec<AssigneeGroup> {
        self.0
            .assignees
            .as_deref()
            .map(Group::parse_all)
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// The coordinating units (cơ quan phối hợp); a part's are its group's.
    async fn coordinators(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Unit>> {
        let owner = self.0.parent_id.unwrap_or(self.0.id);
        let ids = loaders(ctx)
            .coordinators
            .load_one(owner)
            .await?
            .unwrap_or_default();
        let mut units = Vec::with_capacity(ids.len());
        for id in ids {
            units.push(unit_by_id(ctx, id, None).await?);
        }
        Ok(units)
    }

    /// Coordinators named in words ("các cơ quan báo chí").
    async fn coordinators_note(&self) -> Option<&str> {
        self.0.coordinators_note.as_deref()
    }

    /// The body that accepts or returns the completed task.
    async fn monitor(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.monitor_unit_id, None).await
    }

    /// The time as given.
    async fn time(&self) -> TaskTimeInfo<'_> {
        TaskTimeInfo(&self.0)
    }

    /// The current due date (a recurring task's next occurrence); null
    /// while an AFTER_DOCUMENT task waits for its document.
    async fn due_on(&self) -> Option<Date> {
        self.0.due_on.map(Into::into)
    }

    /// Where it stands (a group: NOT_STARTED; read its parts).
    async fn status(&self) -> TaskStatus {
        self.0.status.into()
    }

    /// The percent done the lead last reported.
    async fn percent(&self) -> i32 {
        self.0.percent
    }

    /// Changes with every write; pass it back as `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The lead's last note.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// Whether it is overdue today: still owed and due before the last
    /// working day up to today.
    async fn overdue(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(clock(ctx).await?.overdue(&self.0))
    }

    /// How many working days it is overdue (0 when not).
    async fn overdue_days(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        Ok(clock(ctx).await?.overdue_days(&self.0))
    }

    /// Why it is late (nguyên nhân), as the lead explained.
    async fn cause(&self) -> Option<&str> {
        self.0.cause.as_deref()
    }

    /// Who answers for the delay (trách nhiệm), as the lead said.
    async fn responsible_person(&self) -> Option<&str> {
        self.0.responsible_person.as_deref()
    }

    /// Why the monitoring body last sent it back.
    async fn return_reason(&self) -> Option<&str> {
        self.0.return_reason.as_deref()
    }

    /// When the lead last completed it.
    async fn completed_at(&self) -> Option<DateTime> {
        self.0.completed_at.map(DateTime)
    }

    /// When the monitoring body last accepted it.
    async fn accepted_at(&self) -> Option<DateTime> {
        self.0.accepted_at.map(DateTime)
    }

    /// Its history, oldest first: progress, contributions, completion,
    /// acceptance and returns.
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TaskUpdate>> {
        Ok(read::history(ctx.db(), self.0.id)
            .await?
            .into_iter()
            .map(TaskUpdate)
            .collect())
    }

    /// What the caller may do with it now.
    async fn viewer_can(&self, ctx: &Context<'_>) -> TaskViewerCan {
        let a = read::viewer_can(ctx.viewer(), &self.0);
        TaskViewerCan {
            report_progress: a.report,
            complete: a.complete,
            accept: a.accept,
            return_task: a.return_,
            record_trigger_document: a.record_trigger,
        }
    }
}

/// One entry of a task's history.
pub struct TaskUpdate(pub task_update::Model);

/// One entry of a task's history: the lead's progress or completion, a
/// coordinator's contribution, the acceptance or the return.
#[Object]
impl TaskUpdate {
    /// What it records.
    async fn kind(&self) -> TaskUpdateKind {
        self.0.kind.into()
    }

    /// The unit that wrote it.
    async fn unit(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.unit_id, None).await
    }

    /// The task's status after it.
    async fn status(&self) -> TaskStatus {
        self.0.status.into()
    }

    /// The percent reported.
    async fn percent(&self) -> Option<i32> {
        self.0.percent
    }

    /// What was said: progress, output, contribution, acceptance note or
    /// the reason for a return.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The cause of a delay, when explained with this report.
    async fn cause(&self) -> Option<&str> {
        self.0.cause.as_deref()
    }

    /// Who answers for the delay, when explained with this report.
    async fn responsible_person(&self) -> Option<&str> {
        self.0.responsible_person.as_deref()
    }

    /// The registered documents cited as evidence.
    async fn evidence(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Document>> {
        let ids: Vec<Uuid> = serde_json::from_str(&self.0.evidence).unwrap_or_default();
        let mut docs = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(d) = crate::mandates::graphql::document_node(ctx, id).await? {
                docs.push(d);
            }
        }
        Ok(docs)
    }

    /// The user who wrote it.
    async fn recorded_by(&self) -> &str {
        &self.0.recorded_by
    }

    /// When.
    async fn recorded_at(&self) -> DateTime {
        DateTime(self.0.recorded_at)
    }
}

/// Counts of tasks over a unit's subtree.
pub struct TaskProgress {
    pub(super) unit_id: Uuid,
    pub(super) figures: read::Figures,
    pub(super) children: Vec<TaskProgressRow>,
}

/// The tasks led under a unit, counted: the unit's line and one line per
/// unit below it that leads some.
#[Object]
impl TaskProgress {
    /// The unit counted over.
    async fn unit(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.unit_id, None).await
    }

    /// The counts over its whole subtree.
    async fn figures(&self) -> TaskFigures {
        self.figures.into()
    }

    /// One line per child unit that leads tasks, by code.
    async fn children(&self) -> &[TaskProgressRow] {
        &self.children
    }
}

/// One child unit's counts.
pub struct TaskProgressRow {
    pub(super) unit_id: Uuid,
    pub(super) figures: read::Figures,
}

/// One unit's line of a task rollup.
#[Object]
impl TaskProgressRow {
    /// The unit.
    async fn unit(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.unit_id, None).await
    }

    /// The counts over its subtree.
    async fn figures(&self) -> TaskFigures {
        self.figures.into()
    }
}

/// Counts of tasks.
#[derive(SimpleObject)]
pub struct TaskFigures {
    /// Tasks given.
    pub expected: i64,
    /// Not started.
    pub not_started: i64,
    /// In progress.
    pub in_progress: i64,
    /// Returned to their lead.
    pub returned: i64,
    /// Completed by their lead (awaiting acceptance or accepted).
    pub done: i64,
    /// Accepted by the monitoring body.
    pub accepted: i64,
    /// Overdue today.
    pub overdue: i64,
    /// The mean percent reported.
    pub percent: i32,
}

impl From<read::Figures> for TaskFigures {
    fn from(f: read::Figures) -> Self {
        TaskFigures {
            expected: f.expected,
            not_started: f.not_started,
            in_progress: f.in_progress,
            returned: f.returned,
            done: f.done,
            accepted: f.accepted,
            overdue: f.overdue,
            percent: f.percent(),
        }
    }
}

/// One thing a unit owes.
pub struct OwedItem(pub read::Owed);

/// One thing a unit owes: a report, a task, an evaluation or an opinion,
/// with its due date.
#[Object]
impl OwedItem {
    /// What it is.
    async fn kind(&self) -> OwedItemKind {
        self.0.kind.into()
    }

    /// The global id of the report, task, evaluation or opinion request
    /// (read it with `node`).
    async fn item_id(&self) -> ID {
        let kind = match self.0.kind {
            OwedKind::Report => NodeKind::Report,
            OwedKind::Task => NodeKind::Task,
            OwedKind::Evaluation => NodeKind::Evaluation,
            OwedKind::Opinion => NodeKind::OpinionRequest,
        };
        encode_id(kind, self.0.id)
    }

    /// What it is about.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// When it is due; null for a task waiting for a document.
    async fn due_on(&self) -> Option<Date> {
        self.0.due_on.map(Into::into)
    }

    /// Whether it is past due.
    async fn overdue(&self) -> bool {
        self.0.overdue
    }
}

/// A page of plans (Relay connection), by number.
pub struct PlanConnection {
    pub(super) page: Page<plan::Model>,
    pub(super) filter: PFilter,
}

/// A plan and its cursor.
#[derive(SimpleObject)]
pub struct PlanEdge {
    /// Pass as `after` or `before` to page from here.
    cursor: String,
    /// The plan.
    node: Plan,
}

/// A page of plans (Relay connection), ordered by number.
#[Object]
impl PlanConnection {
    /// The plans of this page with their cursors.
    async fn edges(&self) -> Vec<PlanEdge> {
        self.page
            .items
            .iter()
            .map(|p| PlanEdge {
                cursor: read::plan_cursor(p).encode(),
                node: Plan(p.clone()),
            })
            .collect()
    }

    /// The plans of this page.
    async fn nodes(&self) -> Vec<Plan> {
        self.page.items.iter().cloned().map(Plan).collect()
    }

    /// Where this page sits in the whole list.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.page, read::plan_cursor)
    }

    /// How many plans match the filter (counted when asked).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let viewer = ctx.signed_in()?;
        Ok(read::count_plans(ctx.db(), viewer, &self.filter).await?)
    }
}

/// A page of tasks (Relay connection), by code.
pub struct TaskConnection {
    pub(super) page: Page<task::Model>,
    pub(super) filter: TFilter,
}

/// A task and its cursor.
#[derive(SimpleObject)]
pub struct TaskEdge {
    /// Pass as `after` or `before` to page from here.
    cursor: String,
    /// The task.
    node: Task,
}

/// A page of tasks (Relay connection), ordered by code.
#[Object]
impl TaskConnection {
    /// The tasks of this page with their cursors.
    async fn edges(&self) -> Vec<TaskEdge> {
        self.page
            .items
            .iter()
            .map(|t| TaskEdge {
                cursor: read::cursor(t).encode(),
                node: Task(t.clone()),
            })
            .collect()
    }

    /// The tasks of this page.
    async fn nodes(&self) -> Vec<Task> {
        self.page.items.iter().cloned().map(Task).collect()
    }

    /// Where this page sits in the whole list.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.page, read::cursor)
    }

    /// How many tasks match the filter (counted when asked).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let clock = clock(ctx).await?;
        Ok(read::count_tasks(ctx.db(), ctx.viewer(), &self.filter, clock).await?)
    }
}

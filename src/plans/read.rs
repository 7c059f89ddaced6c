//! Who may read which plans and tasks, what they may do with them, lists,
//! the progress of a plan up the tree and a unit's dashboard of what it
//! owes.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use entity::evaluation::{self, EvaluationStatus};
use entity::evaluation_round::{self, RoundStatus};
use entity::opinion_request;
use entity::plan;
use entity::proposal::ProposalStatus;
use entity::report::{self, ReportStatus};
use entity::role_grant::Role;
use entity::task::{self, TaskStatus};
use entity::task_update;
use entity::unit;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::progress::lead_editable;
use super::time;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::pagination::{Cursor, Page, PageRequest};
use crate::reporting::periods::WorkCalendar;

/// The range of `col` paths at or below `path`.
fn within<C: ColumnTrait>(col: C, path: &str) -> Condition {
    let upper = format!("{}0", &path[..path.len() - 1]);
    Condition::all().add(col.gte(path)).add(col.lt(upper))
}

fn nothing() -> Condition {
    Condition::all().add(Expr::val(1).eq(0))
}

/// The statuses in which a task is still owed by its lead.
pub const OPEN: [TaskStatus; 3] = [
    TaskStatus::NotStarted,
    TaskStatus::InProgress,
    TaskStatus::Returned,
];

/// Today and the working calendar around it: what overdue is judged by.
#[derive(Debug, Clone)]
pub struct Clock {
    pub today: NaiveDate,
    /// Tasks due before this day are overdue (one working day has passed).
    pub overdue_before: NaiveDate,
    pub calendar: WorkCalendar,
}

impl Clock {
    /// The clock of today, with the calendar from a year and a half back.
    pub async fn now(db: &impl ConnectionTrait) -> AppResult<Clock> {
        let today = crate::calendar::today();
        let from = today - chrono::Days::new(3 * 366);
        let calendar = crate::reporting::holidays::calendar(db, from, today).await?;
        Ok(Clock {
            today,
            overdue_before: time::last_working_day(today, &calendar),
            calendar,
        })
    }

    /// Whether `t` is overdue: still owed by its lead and due before the
    /// last working day up to today.
    pub fn overdue(&self, t: &task::Model) -> bool {
        lead_editable(t.status)
            && t.lead_unit_id.is_some()
            && t.due_on.is_some_and(|d| d < self.overdue_before)
    }

    /// Working days `t` is late (0 unless overdue).
    pub fn overdue_days(&self, t: &task::Model) -> i64 {
        match t.due_on {
            Some(due) if self.overdue(t) => {
                time::working_days_late(due, self.today, &self.calendar)
            }
            _ => 0,
        }
    }
}

/// Whether `viewer` may read plan `p`: a grant over its province or a
/// unit in it (a plan is addressed to all its units).
pub fn can_see_plan(viewer: Option<&Viewer>, p: &plan::Model) -> bool {
    viewer.is_some_and(|v| {
        v.grants.iter().any(|g| {
            g.scope.path.starts_with(&p.province_path) || p.province_path.starts_with(&g.scope.path)
        })
    })
}

/// Tasks a viewer may read: the lead or the monitoring body lies in one of
/// the viewer's scopes. Groups are read through their plan.
pub fn visible_to(viewer: Option<&Viewer>) -> Condition {
    let Some(viewer) = viewer.filter(|v| !v.grants.is_empty()) else {
        return nothing();
    };
    let mut cond = Condition::any();
    for grant in &viewer.grants {
        cond = cond
            .add(within(task::Column::LeadPath, &grant.scope.path))
            .add(within(task::Column::MonitorPath, &grant.scope.path));
    }
    cond
}

/// Whether `viewer` may read task `t` (a group: whoever reads its plan,
/// or its monitoring body for a group of no plan).
pub fn can_see(viewer: Option<&Viewer>, t: &task::Model, plan: Option<&plan::Model>) -> bool {
    let Some(v) = viewer else {
        return false;
    };
    if v.covers_path(&t.monitor_path) {
        return true;
    }
    match &t.lead_path {
        Some(path) => v.covers_path(path),
        None => plan.is_some_and(|p| can_see_plan(viewer, p)),
    }
}

fn holds_over(viewer: &Viewer, roles: &[Role], path: &str) -> bool {
    viewer
        .grants
        .iter()
        .any(|g| roles.contains(&g.grant.role) && path.starts_with(&g.scope.path))
}

/// What a viewer may do with a task now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Abilities {
    pub report: bool,
    pub complete: bool,
    pub accept: bool,
    pub return_: bool,
    pub record_trigger: bool,
}

/// The lead's REPORTER or APPROVER reports and completes while the task
/// is owed; the monitoring body's COORDINATOR accepts or returns a
/// completed one and records an awaited document.
pub fn viewer_can(viewer: Option<&Viewer>, t: &task::Model) -> Abilities {
    let Some(v) = viewer else {
        return Abilities::default();
    };
    let lead = t
        .lead_path
        .as_deref()
        .is_some_and(|p| holds_over(v, &[Role::Reporter, Role::Approver], p));
    let monitor = holds_over(v, &[Role::Coordinator], &t.monitor_path);
    let completed = t.status == TaskStatus::Completed && t.lead_unit_id.is_some();
    Abilities {
        report: lead && lead_editable(t.status),
        complete: lead && lead_editable(t.status),
        accept: monitor && completed,
        return_: monitor && completed,
        record_trigger: monitor
            && t.time_kind == task::TimeKind::AfterDocument
            && t.trigger_document_id.is_none(),
    }
}

/// What plans are filtered by.
#[derive(Debug, Clone, Default)]
pub struct PlanFilter {
    /// Plans of the province whose path this is.
    pub province_path: Option<String>,
}

/// The cursor plans are paged by: `(code, id)`.
pub fn plan_cursor(p: &plan::Model) -> Cursor {
    Cursor::new(p.code.clone(), p.id)
}

fn plan_condition(viewer: &Viewer, filter: &PlanFilter) -> Condition {
    let mut visible = Condition::any();
    for g in &viewer.grants {
        // A grant over the province or a unit in it: the province's path
        // is a prefix of the grant's scope, or lies under it.
        visible = visible.add(within(plan::Column::ProvincePath, &g.scope.path));
        for id in crate::units::service::path_ids(&g.scope.path) {
            visible = visible.add(plan::Column::ProvinceUnitId.eq(id));
        }
    }
    if viewer.grants.is_empty() {
        visible = nothing();
    }
    let mut cond = Condition::all().add(visible);
    if let Some(path) = &filter.province_path {
        cond = cond.add(within(plan::Column::ProvincePath, path));
    }
    cond
}

/// One page of the plans `viewer` may read, by code.
pub async fn plans(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &PlanFilter,
    page: &PageRequest,
) -> AppResult<Page<plan::Model>> {
    page.fetch::<plan::Entity>(
        db,
        plan_condition(viewer, filter),
        plan::Column::Code,
        plan::Column::Id,
    )
    .await
}

/// How many plans match.
pub async fn count_plans(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &PlanFilter,
) -> AppResult<u64> {
    Ok(plan::Entity::find()
        .filter(plan_condition(viewer, filter))
        .count(db)
        .await?)
}

/// What tasks are filtered by.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub plan: Option<Uuid>,
    /// Leads at or below the unit with this path.
    pub within: Option<String>,
    pub statuses: Vec<TaskStatus>,
    /// Only overdue (true) or only not overdue (false) tasks.
    pub overdue: Option<bool>,
    /// Still owed and due from today to this day.
    pub due_by: Option<NaiveDate>,
    /// Tasks following up this recommendation.
    pub recommendation: Option<Uuid>,
    /// The parts of this group.
    pub parent: Option<Uuid>,
}

/// The cursor tasks are paged by: `(code, id)`, so a group's parts stay
/// together.
pub fn cursor(t: &task::Model) -> Cursor {
    Cursor::new(t.code.clone(), t.id)
}

fn task_condition(viewer: Option<&Viewer>, filter: &TaskFilter, clock: &Clock) -> Condition {
    let mut cond = Condition::all()
        .add(visible_to(viewer))
        .add(task::Column::LeadUnitId.is_not_null());
    if let Some(plan) = filter.plan {
        cond = cond.add(task::Column::PlanId.eq(plan));
    }
    if let Some(path) = &filter.within {
        cond = cond.add(within(task::Column::LeadPath, path));
    }
    if !filter.statuses.is_empty() {
        cond = cond.add(task::Column::Status.is_in(filter.statuses.iter().copied()));
    }
    let overdue = Condition::all()
        .add(task::Column::Status.is_in(OPEN))
        .add(task::Column::DueOn.lt(clock.overdue_before));
    match filter.overdue {
        Some(true) => cond = cond.add(overdue),
        Some(false) => cond = cond.add(overdue.not()),
        None => {}
    }
    if let Some(by) = filter.due_by {
        cond = cond
            .add(task::Column::Status.is_in(OPEN))
            .add(task::Column::DueOn.gte(clock.today))
            .add(task::Column::DueOn.lte(by));
    }
    if let Some(r) = filter.recommendation {
        cond = cond.add(task::Column::RecommendationId.eq(r));
    }
    if let Some(p) = filter.parent {
        cond = cond.add(task::Column::ParentId.eq(p));
    }
    cond
}

/// One page of the tasks (never groups) `viewer` may read.
pub async fn tasks(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    filter: &TaskFilter,
    clock: &Clock,
    page: &PageRequest,
) -> AppResult<Page<task::Model>> {
    page.fetch::<task::Entity>(
        db,
        task_condition(viewer, filter, clock),
        task::Column::Code,
        task::Column::Id,
    )
    .await
}

/// How many tasks match.
pub async fn count_tasks(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    filter: &TaskFilter,
    clock: &Clock,
) -> AppResult<u64> {
    Ok(task::Entity::find()
        .filter(task_condition(viewer, filter, clock))
        .count(db)
        .await?)
}

/// The contents of a plan: its tasks and groups, in order.
pub async fn contents(db: &impl ConnectionTrait, plan: Uuid) -> AppResult<Vec<task::Model>> {
    Ok(task::Entity::find()
        .filter(task::Column::PlanId.eq(plan))
        .filter(task::Column::ParentId.is_null())
        .order_by_asc(task::Column::Position)
        .order_by_asc(task::Column::Id)
        .all(db)
        .await?)
}

/// The history of a task, oldest first.
pub async fn history(db: &impl ConnectionTrait, task: Uuid) -> AppResult<Vec<task_update::Model>> {
    Ok(task_update::Entity::find()
        .filter(task_update::Column::TaskId.eq(task))
        .order_by_asc(task_update::Column::RecordedAt)
        .order_by_asc(task_update::Column::Id)
        .all(db)
        .await?)
}

/// Counts of tasks over a unit's subtree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    pub expected: i64,
    pub not_started: i64,
    pub in_progress: i64,
    pub returned: i64,
    /// Completed by the lead (awaiting acceptance or accepted).
    pub done: i64,
    pub accepted: i64,
    pub overdue: i64,
    /// The mean percent reported.
    pub percent_sum: i64,
}

impl Figures {
    fn add(&mut self, t: &task::Model, clock: &Clock) {
        self.expected += 1;
        match t.status {
            TaskStatus::NotStarted => self.not_started += 1,
            TaskStatus::InProgress => self.in_progress += 1,
            TaskStatus::Returned => self.returned += 1,
            TaskStatus::Completed => self.done += 1,
            TaskStatus::Accepted => {
                self.done += 1;
                self.accepted += 1;
            }
        }
        if clock.overdue(t) {
            self.overdue += 1;
        }
        self.percent_sum += i64::from(t.percent);
    }

    /// The mean percent of the tasks counted (0 when none).
    pub fn percent(&self) -> i32 {
        if self.expected == 0 {
            0
        } else {
            (self.percent_sum / self.expected) as i32
        }
    }
}

/// The tasks of `plan` (every plan when None) led at or below `head`,
/// counted for `head` and for each of its children that leads some: the
/// rollup up the tree. The viewer needs a grant over `head`.
pub async fn progress(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    plan: Option<Uuid>,
    head: &unit::Model,
    clock: &Clock,
) -> AppResult<(Figures, Vec<(unit::Model, Figures)>)> {
    if !viewer.covers(head) {
        return Err(AppError::Forbidden);
    }
    let mut query = task::Entity::find()
        .filter(task::Column::LeadUnitId.is_not_null())
        .filter(within(task::Column::LeadPath, &head.path));
    if let Some(p) = plan {
        query = query.filter(task::Column::PlanId.eq(p));
    }
    let rows = query.all(db).await?;
    let mut total = Figures::default();
    let mut children: BTreeMap<Uuid, Figures> = BTreeMap::new();
    for t in &rows {
        total.add(t, clock);
        let path = t.lead_path.as_deref().unwrap_or_default();
        let below = path.get(head.path.len()..).unwrap_or_default();
        if let Some(child) = below
            .split('/')
            .find(|s| !s.is_empty())
            .and_then(|s| Uuid::parse_str(s).ok())
        {
            children.entry(child).or_default().add(t, clock);
        }
    }
    let ids: Vec<Uuid> = children.keys().copied().collect();
    let mut units = crate::units::service::find_many(db, &ids).await?;
    units.sort_by(|a, b| a.code.cmp(&b.code));
    let children = units
        .into_iter()
        .map(|u| {
            let f = children[&u.id];
            (u, f)
        })
        .collect();
    Ok((total, children))
}

/// What a unit owes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OwedKind {
    Report,
    Task,
    Evaluation,
    Opinion,
}

/// One thing a unit owes, with its due date.
#[derive(Debug, Clone)]
pub struct Owed {
    pub kind: OwedKind,
    pub id: Uuid,
    pub title: String,
    pub due_on: Option<NaiveDate>,
    pub overdue: bool,
}

/// What `unit` owes now, soonest due first (undated last): its reports
/// not yet submitted (or returned), its open tasks, the evaluations it
/// writes in open rounds and the opinions asked of it and not answered.
/// The viewer needs a grant over the unit.
pub async fn dashboard(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    unit: &unit::Model,
    clock: &Clock,
) -> AppResult<Vec<Owed>> {
    if !viewer.covers(unit) {
        return Err(AppError::Forbidden);
    }
    let mut owed = Vec::new();
    let reports = report::Entity::find()
        .filter(report::Column::ReporterUnitId.eq(unit.id))
        .filter(report::Column::Status.is_in([
            ReportStatus::NotStarted,
            ReportStatus::Draft,
            ReportStatus::Returned,
        ]))
        .all(db)
        .await?;
    for r in reports {
        let due = crate::reporting::regimes::deadline_day(r.deadline_at);
        owed.push(Owed {
            kind: OwedKind::Report,
            id: r.id,
            title: format!("Báo cáo kỳ {}", r.period_code),
            due_on: Some(due),
            overdue: due < clock.today,
        });
    }
    let tasks = task::Entity::find()
        .filter(task::Column::LeadUnitId.eq(unit.id))
        .filter(task::Column::Status.is_in(OPEN))
        .all(db)
        .await?;
    for t in tasks {
        owed.push(Owed {
            kind: OwedKind::Task,
            id: t.id,
            title: t.title.clone(),
            due_on: t.due_on,
            overdue: clock.overdue(&t),
        });
    }
    let evaluations = evaluation::Entity::find()
        .filter(evaluation::Column::HolderUnitId.eq(unit.id))
        .filter(evaluation::Column::Status.is_in([
            EvaluationStatus::NotStarted,
            EvaluationStatus::Draft,
            EvaluationStatus::Returned,
        ]))
        .all(db)
        .await?;
    if !evaluations.is_empty() {
        let mut round_ids: Vec<Uuid> = evaluations.iter().map(|e| e.round_id).collect();
        round_ids.sort();
        round_ids.dedup();
        let rounds: BTreeMap<Uuid, evaluation_round::Model> = evaluation_round::Entity::find()
            .filter(evaluation_round::Column::Id.is_in(round_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        for e in evaluations {
            let Some(r) = rounds.get(&e.round_id) else {
                continue;
            };
            if r.status == RoundStatus::Accepted {
                continue;
            }
            owed.push(Owed {
                kind: OwedKind::Evaluation,
                id: e.id,
                title: format!("Đánh giá năm {} ({})", r.year, r.code),
                due_on: Some(r.due_on),
                overdue: r.due_on < clock.today,
            });
        }
    }
    let opinions = opinion_request::Entity::find()
        .filter(opinion_request::Column::BodyUnitId.eq(unit.id))
        .filter(opinion_request::Column::Answer.is_null())
        .all(db)
        .await?;
    if !opinions.is_empty() {
        let mut ids: Vec<Uuid> = opinions.iter().map(|o| o.proposal_id).collect();
        ids.sort();
        ids.dedup();
        let proposals: BTreeMap<Uuid, entity::proposal::Model> = entity::proposal::Entity::find()
            .filter(entity::proposal::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        for o in opinions {
            let Some(p) = proposals.get(&o.proposal_id) else {
                continue;
            };
            // A proposal decided, rejected or withdrawn no longer waits.
            if matches!(
                p.status,
                ProposalStatus::Decided | ProposalStatus::Rejected | ProposalStatus::Withdrawn
            ) {
                continue;
            }
            owed.push(Owed {
                kind: OwedKind::Opinion,
                id: o.id,
                title: format!("Ý kiến về đề xuất: {}", p.title),
                due_on: Some(o.due_on),
                overdue: o.due_on < clock.today,
            });
        }
    }
    owed.sort_by(|a, b| {
        (a.due_on.is_none(), a.due_on, a.kind, a.id).cmp(&(
            b.due_on.is_none(),
            b.due_on,
            b.kind,
            b.id,
        ))
    });
    Ok(owed)
}

//! Plans and tasks in GraphQL: `plans`, `plan`, `tasks`, `task`,
//! `taskProgress`, `dashboard`, and the mutations of a task's life.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::role_grant::Role;
use entity::{plan, task, task_update};
use uuid::Uuid;

use super::loaders::PlanLoaders;
use super::read::{self, Clock, OwedKind, PlanFilter as PFilter, TaskFilter as TFilter};
use super::service::{self, AssigneeGroup as Group};
use super::time::TaskTime;
use crate::auth::{Authority, RoleGuard};
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::graphql::{
    ContextExt, Date, DateTime, NodeKind, UserError, decode_id_of, encode_id, required, split,
};
use crate::mandates::graphql::Document;
use crate::pagination::{Page, PageInfo, PageRequest, page_complexity};
use crate::units::graphql::{Unit, unit_by_id};

mod mutations;
mod objects;

pub use mutations::*;
pub use objects::*;

fn loaders<'a>(ctx: &'a Context<'_>) -> &'a PlanLoaders {
    ctx.per_request::<PlanLoaders>()
}

async fn clock<'a>(ctx: &'a Context<'_>) -> AppResult<&'a Clock> {
    loaders(ctx).clock().await
}

/// Where a task stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::task::TaskStatus")]
pub enum TaskStatus {
    /// Given; its lead has reported nothing yet.
    NotStarted,
    /// Its lead reports progress.
    InProgress,
    /// Its lead completed it; it awaits the monitoring body's acceptance.
    Completed,
    /// The monitoring body accepted it.
    Accepted,
    /// The monitoring body sent it back with a reason; the lead works on.
    Returned,
}

crate::labels!(TaskStatus {
    NotStarted => "Chưa thực hiện",
    InProgress => "Đang thực hiện",
    Completed => "Đã hoàn thành",
    Accepted => "Đã xác nhận hoàn thành",
    Returned => "Bị trả lại",
});

/// How a task's time is given.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::task::TimeKind")]
pub enum TaskTimeKind {
    /// Before a date (trước ngày …): `dueOn`.
    Date,
    /// From a date to a date (từ … đến …): `from`, `to`; due on `to`.
    Window,
    /// Every quarter or year from `from` to `to`: due at each quarter's
    /// (year's) end in the window and on `to`.
    Recurring,
    /// `workingDays` working days after the plan's document is issued.
    AfterIssue,
    /// Open until a document is recorded against the task
    /// (`recordTriggerDocument`), then due `workingDays` working days
    /// after its date.
    AfterDocument,
}

crate::labels!(TaskTimeKind {
    Date => "Trước ngày",
    Window => "Từ ngày đến ngày",
    Recurring => "Định kỳ",
    AfterIssue => "Sau khi ban hành kế hoạch",
    AfterDocument => "Sau khi có văn bản",
});

/// How often a recurring task falls due.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::task::Recurrence")]
pub enum TaskRecurrence {
    /// At the end of every quarter (hằng quý).
    Quarterly,
    /// At the end of every year (hằng năm).
    Yearly,
}

crate::labels!(TaskRecurrence {
    Quarterly => "Hằng quý",
    Yearly => "Hằng năm",
});

/// Units of one kind a content is given to.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeGroup {
    /// Every department (các sở, ban, ngành) in force today.
    Departments,
    /// Every district (UBND các huyện, thành phố) in force today: none
    /// since 1 July 2025.
    Districts,
    /// Every commune, ward and special zone (UBND các xã, phường) in force
    /// today.
    Communes,
}

crate::labels!(AssigneeGroup {
    Departments => "Các sở, ban, ngành",
    Districts => "UBND các huyện, thành phố",
    Communes => "UBND các xã, phường",
});

impl From<AssigneeGroup> for Group {
    fn from(g: AssigneeGroup) -> Group {
        match g {
            AssigneeGroup::Departments => Group::Departments,
            AssigneeGroup::Districts => Group::Districts,
            AssigneeGroup::Communes => Group::Communes,
        }
    }
}

impl From<Group> for AssigneeGroup {
    fn from(g: Group) -> AssigneeGroup {
        match g {
            Group::Departments => AssigneeGroup::Departments,
            Group::Districts => AssigneeGroup::Districts,
            Group::Communes => AssigneeGroup::Communes,
        }
    }
}

/// What an entry of a task's history records.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::task_update::UpdateKind")]
pub enum TaskUpdateKind {
    /// The lead reported progress.
    Progress,
    /// A coordinating unit added its contribution.
    Contribution,
    /// The lead completed the task.
    Completion,
    /// The monitoring body accepted it.
    Acceptance,
    /// The monitoring body sent it back.
    Return,
    /// The monitoring body carried it over from a lead that ended to its
    /// successor.
    Transfer,
}

crate::labels!(TaskUpdateKind {
    Progress => "Báo cáo tiến độ",
    Contribution => "Ý kiến phối hợp",
    Completion => "Báo cáo hoàn thành",
    Acceptance => "Xác nhận hoàn thành",
    Return => "Trả lại",
    Transfer => "Chuyển giao",
});

/// What a unit owes (a dashboard item's kind).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwedItemKind {
    /// A report of a reporting period not yet submitted, or returned.
    Report,
    /// A task it leads, still open.
    Task,
    /// An evaluation it writes in an open round.
    Evaluation,
    /// An opinion asked of it on a proposal, not yet answered.
    Opinion,
}

crate::labels!(OwedItemKind {
    Report => "Báo cáo",
    Task => "Nhiệm vụ",
    Evaluation => "Đánh giá",
    Opinion => "Cho ý kiến",
});

impl From<OwedKind> for OwedItemKind {
    fn from(k: OwedKind) -> Self {
        match k {
            OwedKind::Report => OwedItemKind::Report,
            OwedKind::Task => OwedItemKind::Task,
            OwedKind::Evaluation => OwedItemKind::Evaluation,
            OwedKind::Opinion => OwedItemKind::Opinion,
        }
    }
}

pub(crate) fn task_id(id: &ID) -> AppResult<Uuid> {
    decode_id_of(NodeKind::Task, "task", id)
}

fn plan_id(id: &ID) -> AppResult<Uuid> {
    decode_id_of(NodeKind::Plan, "plan", id)
}

fn unit_id(field: &str, id: &ID) -> AppResult<Uuid> {
    decode_id_of(NodeKind::Unit, field, id)
}

/// The plan `id` names, if the caller may read it.
pub async fn plan_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Plan>> {
    let Some(p) = loaders(ctx).plans.load_one(id).await? else {
        return Ok(None);
    };
    let viewer = ctx.viewer().ok_or(AppError::Unauthenticated)?;
    if !read::can_see_plan(Some(viewer), &p) {
        return Err(AppError::Forbidden);
    }
    Ok(Some(Plan(p)))
}

/// The task `id` names, if the caller may read it.
pub async fn task_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Task>> {
    let Some(t) = loaders(ctx).tasks.load_one(id).await? else {
        return Ok(None);
    };
    let viewer = ctx.viewer().ok_or(AppError::Unauthenticated)?;
    let plan = match t.plan_id {
        Some(p) => loaders(ctx).plans.load_one(p).await?,
        None => None,
    };
    if !read::can_see(Some(viewer), &t, plan.as_ref()) {
        return Err(AppError::Forbidden);
    }
    Ok(Some(Task(t)))
}

/// Which plans to list.
#[derive(InputObject, Default)]
pub struct PlanFilter {
    /// Plans of this province (or of the province this unit is in).
    pub province: Option<ID>,
}

/// Which tasks to list.
#[derive(InputObject, Default)]
pub struct TaskFilter {
    /// Tasks of this plan.
    pub plan: Option<ID>,
    /// Tasks led by this unit or a unit under it.
    pub unit: Option<ID>,
    /// Any of these statuses.
    pub status: Option<Vec<TaskStatus>>,
    /// Only overdue tasks (true) or only tasks not overdue (false).
    pub overdue: Option<bool>,
    /// Only tasks still owed and due from today to this many working days
    /// ahead (0 to 250).
    pub due_within_days: Option<i32>,
    /// The parts of this group.
    pub group: Option<ID>,
}

/// Reads of plans and tasks.
#[derive(Default)]
pub struct PlanQuery;

#[Object]
impl PlanQuery {
    /// The plans the caller may read (a grant over the plan's province or
    /// a unit in it), by number.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    async fn plans(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to list (default: every plan the caller may read).")] filter: Option<
            PlanFilter,
        >,
        #[graphql(
            desc = "At most this many items from the start of the list (0 to 100; 20 when neither `first` nor `last` is given). Not together with `last`."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Only items after this cursor (an edge's `cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "At most this many items from the end of the list (0 to 100). Not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Only items before this cursor (an edge's `cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
    ) -> async_graphql::Result<PlanConnection> {
        let viewer = ctx.signed_in()?;
        let page = PageRequest::parse(first, after.as_deref(), last, before.as_deref())?;
        let f = filter.unwrap_or_default();
        let province_path = match &f.province {
            Some(id) => {
                let u = crate::units::service::existing(ctx.db(), unit_id("province", id)?).await?;
                let p = crate::units::service::province_of(&u).unwrap_or(u.id);
                Some(crate::units::service::existing(ctx.db(), p).await?.path)
            }
            None => None,
        };
        let filter = PFilter { province_path };
        let page = read::plans(ctx.db(), viewer, &filter, &page).await?;
        Ok(PlanConnection { page, filter })
    }

    /// One plan; null when it does not exist, FORBIDDEN outside the
    /// caller's province.
    async fn plan(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The plan's global id.")] id: ID,
    ) -> async_graphql::Result<Option<Plan>> {
        ctx.signed_in()?;
        Ok(plan_node(ctx, plan_id(&id)?).await?)
    }

    /// One task; null when it does not exist, FORBIDDEN when neither its
    /// lead nor its monitoring body is in the caller's scopes.
    async fn task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task's global id.")] id: ID,
    ) -> async_graphql::Result<Option<Task>> {
        ctx.signed_in()?;
        Ok(task_node(ctx, task_id(&id)?).await?)
    }

    /// Tasks (never groups) whose lead or monitoring body lies in the
    /// caller's scopes, by code (a group's parts together).
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    async fn tasks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to list (default: every task the caller may read).")] filter: Option<
            TaskFilter,
        >,
        #[graphql(
            desc = "At most this many items from the start of the list (0 to 100; 20 when neither `first` nor `last` is given). Not together with `last`."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Only items after this cursor (an edge's `cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "At most this many items from the end of the list (0 to 100). Not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Only items before this cursor (an edge's `cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
    ) -> async_graphql::Result<TaskConnection> {
        let viewer = ctx.signed_in()?;
        let page = PageRequest::parse(first, after.as_deref(), last, before.as_deref())?;
        let f = filter.unwrap_or_default();
        let clock = clock(ctx).await?;
        let within = match &f.unit {
            Some(id) => Some(
                crate::units::service::existing(ctx.db(), unit_id("unit", id)?)
                    .await?
                    .path,
            ),
            None => None,
        };
        let due_by = match f.due_within_days {
            Some(n) if (0..=250).contains(&n) => Some(if n == 0 {
                clock.today
            } else {
                clock.calendar.add_working_days(clock.today, n as u32)
            }),
            Some(_) => {
                return Err(AppError::rule(
                    Some("dueWithinDays"),
                    UserErrorCode::OutOfRange,
                    "dueWithinDays is 0 to 250 working days",
                )
                .into());
            }
            None => None,
        };
        let filter = TFilter {
            plan: f.plan.as_ref().map(plan_id).transpose()?,
            within,
            statuses: f
                .status
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            overdue: f.overdue,
            due_by,
            recommendation: None,
            parent: f.group.as_ref().map(task_id).transpose()?,
        };
        let page = read::tasks(ctx.db(), Some(viewer), &filter, clock, &page).await?;
        Ok(TaskConnection { page, filter })
    }

    /// The progress of a plan's tasks (or of every plan's, without
    /// `plan`) led under `within` (default: the plan's province; required
    /// without a plan), and under each unit below it that leads some: the
    /// rollup up the tree. Needs a grant over `within`.
    async fn task_progress(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The plan (default: every plan).")] plan: Option<ID>,
        #[graphql(desc = "The unit whose subtree is counted.")] within: Option<ID>,
    ) -> async_graphql::Result<TaskProgress> {
        let viewer = ctx.signed_in()?;
        let plan = match &plan {
            Some(id) => Some(
                plan_node(ctx, plan_id(id)?)
                    .await?
                    .ok_or(AppError::NotFound("plan"))?
                    .0,
            ),
            None => None,
        };
        let head = match (&within, &plan) {
            (Some(id), _) => unit_id("within", id)?,
            (None, Some(p)) => p.province_unit_id,
            (None, None) => {
                return Err(AppError::invalid("give a plan or a unit (within)").into());
            }
        };
        let head = crate::units::service::existing(ctx.db(), head).await?;
        let clock = clock(ctx).await?;
        let (total, children) =
            read::progress(ctx.db(), viewer, plan.map(|p| p.id), &head, clock).await?;
        Ok(TaskProgress {
            unit_id: head.id,
            figures: total,
            children: children
                .into_iter()
                .map(|(u, f)| TaskProgressRow {
                    unit_id: u.id,
                    figures: f,
                })
                .collect(),
        })
    }

    /// What a unit owes now, soonest due first: its reports not yet
    /// submitted or returned, the tasks it leads still open, the
    /// evaluations it writes in open rounds and the opinions asked of it.
    /// Needs a grant over the unit.
    async fn dashboard(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The unit.")] unit: ID,
    ) -> async_graphql::Result<Vec<OwedItem>> {
        let viewer = ctx.signed_in()?;
        let unit = crate::units::service::existing(ctx.db(), unit_id("unit", &unit)?).await?;
        let clock = clock(ctx).await?;
        Ok(read::dashboard(ctx.db(), viewer, &unit, clock)
            .await?
            .into_iter()
            .map(OwedItem)
            .collect())
    }
}

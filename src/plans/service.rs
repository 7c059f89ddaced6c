//! Registering a plan on its KH document and giving it tasks: every write
//! in one transaction with its audit event. [`create_task_in`] is the one
//! place a task is born, for plans and for other domains' follow-ups
//! (an inspection's recommendation) inside their own transactions.

use std::collections::HashMap;

use chrono::{NaiveDate, SubsecRound, Utc};
use entity::document::{self, DocumentType};
use entity::plan;
use entity::role_grant::Role;
use entity::task::{self, TaskStatus};
use entity::task_coordinator;
use entity::unit::{self, UnitKind};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, SqlErr,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::time::{self, TaskTime};
use crate::audit::{self, Actor, Change};
use crate::auth::Authority;
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::units::service::{self as units, existing as existing_unit, in_force};

/// Most characters of a task's title.
pub const MAX_TITLE: usize = 1_000;
/// Most characters of a task's content, output, note and the like.
pub const MAX_TEXT: usize = 20_000;
/// Most units named as leads or coordinators of one content.
pub const MAX_UNITS: usize = 200;
/// Most working days an AFTER_ISSUE or AFTER_DOCUMENT time counts.
pub const MAX_WORKING_DAYS: u32 = 250;
/// Rows per insert.
const CHUNK: usize = 500;

pub(crate) fn now() -> chrono::DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Units of one kind a content is given to ("các sở, ban, ngành", "UBND
/// các huyện, thành phố", "UBND các xã, phường").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AssigneeGroup {
    /// Every department (sở, ban, ngành) of the province.
    Departments,
    /// Every district (before 1 July 2025).
    Districts,
    /// Every commune, ward and special zone.
    Communes,
}

impl AssigneeGroup {
    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            AssigneeGroup::Departments => "DEPARTMENTS",
            AssigneeGroup::Districts => "DISTRICTS",
            AssigneeGroup::Communes => "COMMUNES",
        }
    }

    /// The stored name read back.
    pub fn parse(name: &str) -> Option<AssigneeGroup> {
        match name {
            "DEPARTMENTS" => Some(AssigneeGroup::Departments),
            "DISTRICTS" => Some(AssigneeGroup::Districts),
            "COMMUNES" => Some(AssigneeGroup::Communes),
            _ => None,
        }
    }

    fn kind(self) -> UnitKind {
        match self {
            AssigneeGroup::Departments => UnitKind::Department,
            AssigneeGroup::Districts => UnitKind::District,
            AssigneeGroup::Communes => UnitKind::Commune,
        }
    }

    /// A group spec as stored (`DEPARTMENTS,DISTRICTS`) read back.
    pub fn parse_all(spec: &str) -> Vec<AssigneeGroup> {
        spec.split(',').filter_map(AssigneeGroup::parse).collect()
    }
}

/// A plan that must exist.
pub async fn existing_plan(db: &impl ConnectionTrait, id: Uuid) -> AppResult<plan::Model> {
    plan::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("plan"))
}

/// A task that must exist.
pub async fn existing_task(db: &impl ConnectionTrait, id: Uuid) -> AppResult<task::Model> {
    task::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("task"))
}

/// The unit that carries on `unit` on `date`: itself while in force,
/// otherwise its successor of the same kind in force then (a province
/// merged on 1 July 2025 is the merged province).
pub async fn carried_on(
    db: &impl ConnectionTrait,
    unit: &unit::Model,
    date: NaiveDate,
) -> AppResult<unit::Model> {
    if in_force(unit, date) {
        return Ok(unit.clone());
    }
    let mut current = unit.clone();
    // Reorganisations are few: a handful of hops reach today.
    for _ in 0..5 {
        let next = units::successors_of(db, &current)
            .await?
            .into_iter()
            .find(|s| s.kind == unit.kind);
        match next {
            Some(s) if in_force(&s, date) => return Ok(s),
            Some(s) => current = s,
            None => break,
        }
    }
    Ok(unit.clone())
}

/// Sở Nội vụ of `province` in force today, if the tree has it.
pub async fn home_affairs(
    db: &impl ConnectionTrait,
    province: Uuid,
) -> AppResult<Option<unit::Model>> {
    crate::proposals::consult::department(db, province, "SNV").await
}

/// What `createPlan` asks for.
#[derive(Debug, Clone)]
pub struct NewPlan {
    /// The registered KH document.
    pub document: Uuid,
    /// Default: Sở Nội vụ of the issuer's province.
    pub monitor: Option<Uuid>,
}

fn plan_json(p: &plan::Model) -> Value {
    json!({
        "code": p.code, "document": p.document_id, "issuer": p.issuer_unit_id,
        "province": p.province_unit_id, "monitor": p.monitor_unit_id, "issuedOn": p.issued_on,
    })
}

/// Who acts on a plan of `issuer` (as carried on today) in `province`:
/// APPROVER or COORDINATOR over the issuer or over the province's Sở Nội
/// vụ. Never the monitoring body as such: a body named to monitor a plan
/// gains no power to give its tasks.
async fn plan_actor(
    txn: &DatabaseTransaction,
    by: Authority<'_>,
    issuer: &unit::Model,
    province: &unit::Model,
) -> AppResult<Actor> {
    let home = home_affairs(txn, province.id).await?;
    [Role::Approver, Role::Coordinator]
        .into_iter()
        .find_map(|role| {
            by.require(role, issuer)
                .or_else(|e| home.as_ref().map_or(Err(e), |h| by.require(role, h)))
                .ok()
        })
        .ok_or(AppError::Forbidden)
}

/// Registers a plan on its KH document: APPROVER or COORDINATOR over the
/// issuer or over the province's Sở Nội vụ (whatever monitoring body is
/// named, it gives no authority). The issuer is the
/// document's, carried on to the unit in force today when it was
/// reorganised since; the monitoring body defaults to its Sở Nội vụ and is
/// a unit in force of the same province.
pub async fn create_plan(
    db: &DatabaseConnection,
    by: Authority<'_>,
    input: NewPlan,
) -> AppResult<plan::Model> {
    let txn = crate::db::begin(db).await?;
    let doc = crate::mandates::documents::existing(&txn, input.document).await?;
    if doc.doc_type != DocumentType::Kh {
        return Err(AppError::rule(
            Some("document"),
            UserErrorCode::NotAPlanDocument,
            format!(
                "{} is a {}, not a plan (KH)",
                doc.number,
                doc.doc_type.to_value()
            ),
        ));
    }
    let Some(issuer_id) = doc.issuer_unit_id else {
        return Err(AppError::rule(
            Some("document"),
            UserErrorCode::MissingIssuer,
            format!("{} names no issuing unit of the tree", doc.number),
        ));
    };
    let issuer = existing_unit(&txn, issuer_id).await?;
    let today = crate::calendar::today();
    let current = carried_on(&txn, &issuer, today).await?;
    let province = units::province_row(&txn, &current).await?;
    let monitor = match input.monitor {
        Some(id) => existing_unit(&txn, id).await?,
        None => home_affairs(&txn, province.id).await?.ok_or_else(|| {
            AppError::rule(
                Some("monitor"),
                UserErrorCode::NoSuchBody,
                format!(
                    "{} has no Sở Nội vụ in force: name the monitoring body",
                    province.name
                ),
            )
        })?,
    };
    if !monitor.path.starts_with(&province.path) || !in_force(&monitor, today) {
        return Err(AppError::rule(
            Some("monitor"),
            UserErrorCode::InvalidAssignee,
            format!(
                "{} is not a unit in force of {}",
                monitor.name, province.name
            ),
        ));
    }
    let actor = plan_actor(&txn, by, &current, &province).await?;
    let taken = plan::Entity::find()
        .filter(plan::Column::DocumentId.eq(doc.id))
        .count(&txn)
        .await?;
    if taken > 0 {
        return Err(plan_exists(&doc));
    }
    let at = now();
    let p = plan::Model {
        id: Uuid::now_v7(),
        code: doc.number.clone(),
        document_id: doc.id,
        title: doc.subject.clone(),
        issuer_unit_id: issuer.id,
        province_unit_id: province.id,
        province_path: province.path.clone(),
        monitor_unit_id: monitor.id,
        issued_on: doc.issued_date,
        created_at: at,
        created_by: actor.username.clone(),
        updated_at: at,
    };
    let inserted = plan::Entity::insert(p.clone().into_active_model())
        .exec_without_returning(&txn)
        .await;
    if let Err(err) = inserted {
        return Err(match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => plan_exists(&doc),
            _ => err.into(),
        });
    }
    let change = Change {
        action: "createPlan",
        entity_type: "Plan",
        entity_id: p.id,
        scope_unit_id: Some(province.id),
        before: None,
        after: Some(plan_json(&p)),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(p)
}

fn plan_exists(doc: &document::Model) -> AppError {
    AppError::rule(
        Some("document"),
        UserErrorCode::PlanExists,
        format!("{} is registered as a plan already", doc.number),
    )
}

/// One task to create: what [`create_task_in`] takes. Other domains build
/// it for their follow-ups (an inspection's recommendation).
#[derive(Debug, Clone)]
pub struct TaskSpec {
    /// The plan the task belongs to, if any.
    pub plan_id: Option<Uuid>,
    /// The inspection recommendation the task follows up, if any.
    pub recommendation_id: Option<Uuid>,
    pub title: String,
    pub content: Option<String>,
    /// The lead unit (chủ trì), in force today.
    pub lead: Uuid,
    /// Coordinating units (phối hợp), in force today.
    pub coordinators: Vec<Uuid>,
    /// Coordinators named in words only.
    pub coordinators_note: Option<String>,
    /// The expected output (sản phẩm).
    pub output: Option<String>,
    pub due: TaskTime,
    /// Who accepts completion; default: the plan's monitoring body, or
    /// Sở Nội vụ of the lead's province.
    pub monitor: Option<Uuid>,
}

/// Checked texts and units of a task about to be written.
struct Checked {
    title: String,
    content: Option<String>,
    output: Option<String>,
    coordinators_note: Option<String>,
}

fn check_texts(
    title: &str,
    content: Option<&str>,
    output: Option<&str>,
    coordinators_note: Option<&str>,
) -> AppResult<Checked> {
    Ok(Checked {
        title: crate::text::check_long_text("title", Some(title), MAX_TITLE)?.ok_or_else(|| {
            AppError::rule(
                Some("title"),
                UserErrorCode::InvalidText,
                "a task has a title of 1 to 1000 characters",
            )
        })?,
        content: crate::text::check_long_text("content", content, MAX_TEXT)?,
        output: crate::text::check_long_text("output", output, MAX_TEXT)?,
        coordinators_note: crate::text::check_long_text(
            "coordinatorsNote",
            coordinators_note,
            MAX_TEXT,
        )?,
    })
}

/// Checks a time: a window ends after it starts, a recurrence's window
/// holds, working days are 1 to [`MAX_WORKING_DAYS`], an AFTER_ISSUE
/// time has a plan; INVALID_TASK_TIME otherwise.
fn check_time(time: &TaskTime, has_plan: bool) -> AppResult<TaskTime> {
    let bad =
        |message: String| AppError::rule(Some("time"), UserErrorCode::InvalidTaskTime, message);
    let years = |d: NaiveDate| (2000..=2100).contains(&chrono::Datelike::year(&d));
    match time {
        TaskTime::Date { due } if !years(*due) => Err(bad("a date from 2000 to 2100".into())),
        TaskTime::Window { from, to } | TaskTime::Recurring { from, to, .. }
            if from > to || !years(*from) || !years(*to) =>
        {
            Err(bad(format!(
                "the window from {from} to {to} is not a window of 2000 to 2100 that ends after it starts"
            )))
        }
        TaskTime::AfterIssue { working_days } | TaskTime::AfterDocument { working_days, .. }
            if !(1..=MAX_WORKING_DAYS).contains(working_days) =>
        {
            Err(bad(format!(
                "working days are counted from 1 to {MAX_WORKING_DAYS}"
            )))
        }
        TaskTime::AfterIssue { .. } if !has_plan => Err(bad(
            "only a plan's task is due after the plan is issued".into(),
        )),
        TaskTime::AfterDocument { working_days, note } => Ok(TaskTime::AfterDocument {
            working_days: *working_days,
            note: crate::text::check_long_text("time.note", note.as_deref(), MAX_TEXT)?,
        }),
        other => Ok(other.clone()),
    }
}

fn invalid_assignee(field: &'static str, unit: &unit::Model, province: &unit::Model) -> AppError {
    AppError::rule(
        Some(field),
        UserErrorCode::InvalidAssignee,
        format!(
            "{} is not a unit in force today under {}",
            unit.name, province.name
        ),
    )
}

/// The fields a new task row starts with.
struct Row<'a> {
    plan: Option<&'a plan::Model>,
    parent: Option<Uuid>,
    recommendation: Option<Uuid>,
    position: i32,
    texts: &'a Checked,
    lead: Option<&'a unit::Model>,
    assignees: Option<String>,
    monitor: &'a unit::Model,
    time: &'a TaskTime,
    due_on: Option<NaiveDate>,
    by: &'a Actor,
}

fn row(r: Row<'_>) -> task::Model {
    let at = now();
    let id = Uuid::now_v7();
    let (starts_on, ends_on, recurrence, working_days, trigger_note) = match r.time {
        TaskTime::Date { due } => (None, Some(*due), None, None, None),
        TaskTime::Window { from, to } => (Some(*from), Some(*to), None, None, None),
        TaskTime::Recurring {
            recurrence,
            from,
            to,
        } => (Some(*from), Some(*to), Some(*recurrence), None, None),
        TaskTime::AfterIssue { working_days } => {
            (None, None, None, Some(*working_days as i32), None)
        }
        TaskTime::AfterDocument { working_days, note } => {
            (None, None, None, Some(*working_days as i32), note.clone())
        }
    };
    task::Model {
        id,
        code: format!("NV-{}", id.simple()),
        plan_id: r.plan.map(|p| p.id),
        parent_id: r.parent,
        recommendation_id: r.recommendation,
        position: r.position,
        title: r.texts.title.clone(),
        content: r.texts.content.clone(),
        output: r.texts.output.clone(),
        lead_unit_id: r.lead.map(|u| u.id),
        lead_path: r.lead.map(|u| u.path.clone()),
        assignees: r.assignees,
        coordinators_note: r.texts.coordinators_note.clone(),
        monitor_unit_id: r.monitor.id,
        monitor_path: r.monitor.path.clone(),
        time_kind: r.time.kind(),
        starts_on,
        ends_on,
        recurrence,
        working_days,
        trigger_note,
        trigger_document_id: None,
        triggered_on: None,
        due_on: r.due_on,
        status: TaskStatus::NotStarted,
        percent: 0,
        version: 1,
        note: None,
        cause: None,
        responsible_person: None,
        explained_due: None,
        completed_at: None,
        completed_by: None,
        return_reason: None,
        returned_at: None,
        accepted_at: None,
        accepted_by: None,
        accepted_due: None,
        successor_of: None,
        created_at: at,
        created_by: r.by.username.clone(),
        updated_at: at,
    }
}

/// The JSON a task's audit events carry.
pub(crate) fn task_json(t: &task::Model) -> Value {
    json!({
        "code": t.code, "plan": t.plan_id, "parent": t.parent_id,
        "recommendation": t.recommendation_id, "title": t.title, "lead": t.lead_unit_id,
        "assignees": t.assignees, "monitor": t.monitor_unit_id,
        "time": t.time_kind.to_value(), "dueOn": t.due_on, "status": t.status.to_value(),
        "percent": t.percent, "version": t.version, "returnReason": t.return_reason,
        "cause": t.cause, "responsiblePerson": t.responsible_person,
    })
}

async fn insert_coordinators(
    txn: &DatabaseTransaction,
    task: Uuid,
    coordinators: &[unit::Model],
) -> AppResult<()> {
    let rows: Vec<task_coordinator::ActiveModel> = coordinators
        .iter()
        .map(|u| {
            task_coordinator::Model {
                task_id: task,
                unit_id: u.id,
                unit_path: u.path.clone(),
            }
            .into_active_model()
        })
        .collect();
    for chunk in rows.chunks(CHUNK) {
        task_coordinator::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Loads `ids` as units in force today under `province` (each once), or
/// INVALID_ASSIGNEE on `field`.
async fn units_under(
    txn: &DatabaseTransaction,
    ids: &[Uuid],
    province: &unit::Model,
    field: &'static str,
) -> AppResult<Vec<unit::Model>> {
    if ids.len() > MAX_UNITS {
        return Err(AppError::rule(
            Some(field),
            UserErrorCode::InvalidAssignee,
            format!("at most {MAX_UNITS} units"),
        ));
    }
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    let found = units::find_many(txn, &ids).await?;
    if found.len() != ids.len() {
        return Err(AppError::NotFound("unit"));
    }
    let today = crate::calendar::today();
    let mut found = found;
    found.sort_by(|a, b| a.code.cmp(&b.code));
    for u in &found {
        if !u.path.starts_with(&province.path) || u.id == province.id || !in_force(u, today) {
            return Err(invalid_assignee(field, u, province));
        }
    }
    Ok(found)
}

/// The working calendar for a task's time, and its due date now.
async fn first_due(
    db: &impl ConnectionTrait,
    time: &TaskTime,
    plan: Option<&plan::Model>,
) -> AppResult<Option<NaiveDate>> {
    let from = plan.map_or_else(crate::calendar::today, |p| p.issued_on);
    let calendar = crate::reporting::holidays::calendar(db, from, from).await?;
    Ok(time::due_on(
        time,
        plan.map(|p| p.issued_on),
        None,
        None,
        &calendar,
    ))
}

/// Creates one task inside the caller's transaction, as `actor`, who the
/// caller has authorised: the contract other domains (inspections'
/// follow-ups) build on. Checks the texts, the time, that the lead and the
/// coordinators are units in force today of the lead's province (the
/// plan's, for a plan's task), and that the monitoring body is one too;
/// writes the task NOT_STARTED with its coordinators and one audit event
/// (`createTask`). The caller commits.
pub async fn create_task_in(
    txn: &DatabaseTransaction,
    actor: &Actor,
    spec: TaskSpec,
) -> AppResult<task::Model> {
    let plan = match spec.plan_id {
        Some(id) => Some(existing_plan(txn, id).await?),
        None => None,
    };
    let texts = check_texts(
        &spec.title,
        spec.content.as_deref(),
        spec.output.as_deref(),
        spec.coordinators_note.as_deref(),
    )?;
    let time = check_time(&spec.due, plan.is_some())?;
    let lead = existing_unit(txn, spec.lead).await?;
    let province = match &plan {
        Some(p) => existing_unit(txn, p.province_unit_id).await?,
        None => units::province_row(txn, &lead).await?,
    };
    let lead = units_under(txn, &[lead.id], &province, "lead")
        .await?
        .remove(0);
    let coordinators = units_under(txn, &spec.coordinators, &province, "coordinators").await?;
    let monitor = resolve_monitor(txn, spec.monitor, plan.as_ref(), &province).await?;
    let due_on = first_due(txn, &time, plan.as_ref()).await?;
    let position = next_position(txn, plan.as_ref()).await?;
    let t = row(Row {
        plan: plan.as_ref(),
        parent: None,
        recommendation: spec.recommendation_id,
        position,
        texts: &texts,
        lead: Some(&lead),
        assignees: None,
        monitor: &monitor,
        time: &time,
        due_on,
        by: actor,
    });
    task::Entity::insert(t.clone().into_active_model())
        .exec_without_returning(txn)
        .await?;
    insert_coordinators(txn, t.id, &coordinators).await?;
    let change = Change {
        action: "createTask",
        entity_type: "Task",
        entity_id: t.id,
        scope_unit_id: Some(lead.id),
        before: None,
        after: Some(task_json(&t)),
    };
    audit::record(txn, actor, change).await?;
    Ok(t)
}

async fn resolve_monitor(
    txn: &DatabaseTransaction,
    monitor: Option<Uuid>,
    plan: Option<&plan::Model>,
    province: &unit::Model,
) -> AppResult<unit::Model> {
    match (monitor, plan) {
        (Some(id), _) => {
            let m = existing_unit(txn, id).await?;
            units_under(txn, &[m.id], province, "monitor")
                .await
                .map(|mut v| v.remove(0))
        }
        (None, Some(p)) => existing_unit(txn, p.monitor_unit_id).await,
        (None, None) => home_affairs(txn, province.id).await?.ok_or_else(|| {
            AppError::rule(
                Some("monitor"),
                UserErrorCode::NoSuchBody,
                format!(
                    "{} has no Sở Nội vụ in force: name the monitoring body",
                    province.name
                ),
            )
        }),
    }
}

/// The next content number of `plan` (1 for a task of no plan).
async fn next_position(txn: &DatabaseTransaction, plan: Option<&plan::Model>) -> AppResult<i32> {
    let Some(p) = plan else {
        return Ok(1);
    };
    let n = task::Entity::find()
        .filter(task::Column::PlanId.eq(p.id))
        .filter(task::Column::ParentId.is_null())
        .count(txn)
        .await?;
    Ok(n as i32 + 1)
}

/// One content of a plan to add: its leads by name or by group.
#[derive(Debug, Clone)]
pub struct NewPlanTask {
    pub plan: Uuid,
    pub title: String,
    pub content: Option<String>,
    pub output: Option<String>,
    /// Lead units named one by one.
    pub leads: Vec<Uuid>,
    /// Lead units by kind: every unit of the kind in force today.
    pub lead_groups: Vec<AssigneeGroup>,
    pub coordinators: Vec<Uuid>,
    pub coordinator_groups: Vec<AssigneeGroup>,
    pub coordinators_note: Option<String>,
    pub time: TaskTime,
}

/// What adding a content made: the task, or the group and its parts.
#[derive(Debug, Clone)]
pub struct Added {
    /// The content: a task with one lead, or the group of its parts.
    pub task: task::Model,
    /// One task per lead when the content has several.
    pub parts: Vec<task::Model>,
}

/// Every unit of `groups` in force today under `province`, by code.
async fn expand(
    txn: &DatabaseTransaction,
    province: &unit::Model,
    groups: &[AssigneeGroup],
    field: &'static str,
) -> AppResult<Vec<unit::Model>> {
    let today = crate::calendar::today();
    let mut found = Vec::new();
    for group in groups {
        let members = units::children_of(txn, &[province.id], Some(group.kind()), today).await?;
        let members: Vec<unit::Model> = if *group == AssigneeGroup::Communes {
            // Communes sit under districts before 1 July 2025 and under the
            // province since: every commune of the province's subtree.
            unit::Entity::find()
                .filter(units::subtree_of(&province.path))
                .filter(units::valid_on(today))
                .filter(unit::Column::Kind.eq(UnitKind::Commune))
                .all(txn)
                .await?
        } else {
            members
        };
        if members.is_empty() {
            return Err(AppError::rule(
                Some(field),
                UserErrorCode::NoAssignees,
                format!(
                    "{} has no unit of {} in force today",
                    province.name,
                    group.name()
                ),
            ));
        }
        found.extend(members);
    }
    Ok(found)
}

/// Adds a content to a plan: APPROVER or COORDINATOR over its issuer or
/// the province's Sở Nội vụ. A plan of the province (UBND tỉnh) gives
/// tasks to any unit of it; a plan of a sở or a commune leads only itself
/// and the units under it (others take part as coordinators). Leads named one by one and by
/// group (every sở, every district, every commune in force today under
/// the plan's province) together: one lead makes one task; several make
/// a group (no lead, the spec recorded) with one task per lead, each with
/// the content's coordinators, output and time.
pub async fn add_plan_task(
    db: &DatabaseConnection,
    by: Authority<'_>,
    input: NewPlanTask,
) -> AppResult<Added> {
    let txn = crate::db::begin(db).await?;
    let plan = existing_plan(&txn, input.plan).await?;
    let province = existing_unit(&txn, plan.province_unit_id).await?;
    let issuer = existing_unit(&txn, plan.issuer_unit_id).await?;
    let issuer = carried_on(&txn, &issuer, crate::calendar::today()).await?;
    let actor = plan_actor(&txn, by, &issuer, &province).await?;
    let monitor = existing_unit(&txn, plan.monitor_unit_id).await?;
    let own_plan = issuer.id != province.id;
    if own_plan && !input.lead_groups.is_empty() {
        return Err(AppError::rule(
            Some("leadGroups"),
            UserErrorCode::InvalidAssignee,
            format!(
                "only a plan of {} gives a content to every unit of a kind; a plan of {} leads itself and the units under it",
                province.name, issuer.name
            ),
        ));
    }
    let texts = check_texts(
        &input.title,
        input.content.as_deref(),
        input.output.as_deref(),
        input.coordinators_note.as_deref(),
    )?;
    let time = check_time(&input.time, true)?;
    let mut leads = units_under(&txn, &input.leads, &province, "leads").await?;
    if let Some(outside) = leads
        .iter()
        .find(|u| own_plan && !u.path.starts_with(&issuer.path))
    {
        return Err(AppError::rule(
            Some("leads"),
            UserErrorCode::InvalidAssignee,
            format!(
                "a plan of {} leads itself and the units under it, not {}: name it a coordinator",
                issuer.name, outside.name
            ),
        ));
    }
    let mut lead_groups = input.lead_groups.clone();
    lead_groups.sort();
    lead_groups.dedup();
    leads.extend(expand(&txn, &province, &lead_groups, "leadGroups").await?);
    let mut seen = std::collections::HashSet::new();
    leads.retain(|u| seen.insert(u.id));
    if leads.is_empty() {
        return Err(AppError::rule(
            Some("leads"),
            UserErrorCode::NoAssignees,
            "a content has a lead: name units or groups",
        ));
    }
    let mut coordinators =
        units_under(&txn, &input.coordinators, &province, "coordinators").await?;
    let mut coordinator_groups = input.coordinator_groups.clone();
    coordinator_groups.sort();
    coordinator_groups.dedup();
    coordinators.extend(expand(&txn, &province, &coordinator_groups, "coordinatorGroups").await?);
    let mut seen = std::collections::HashSet::new();
    coordinators.retain(|u| seen.insert(u.id));
    let due_on = first_due(&txn, &time, Some(&plan)).await?;
    let position = next_position(&txn, Some(&plan)).await?;
    let single = leads.len() == 1 && lead_groups.is_empty();
    let spec = (!lead_groups.is_empty()).then(|| {
        lead_groups
            .iter()
            .map(|g| g.name())
            .collect::<Vec<_>>()
            .join(",")
    });
    let head = row(Row {
        plan: Some(&plan),
        parent: None,
        recommendation: None,
        position,
        texts: &texts,
        lead: single.then(|| &leads[0]),
        assignees: if single {
            None
        } else {
            Some(spec.unwrap_or_else(|| "UNITS".into()))
        },
        monitor: &monitor,
        time: &time,
        due_on,
        by: &actor,
    });
    task::Entity::insert(head.clone().into_active_model())
        .exec_without_returning(&txn)
        .await?;
    insert_coordinators(&txn, head.id, &coordinators).await?;
    let mut parts = Vec::new();
    if !single {
        for lead in &leads {
            let mut part = row(Row {
                plan: Some(&plan),
                parent: Some(head.id),
                recommendation: None,
                position,
                texts: &texts,
                lead: Some(lead),
                assignees: None,
                monitor: &monitor,
                time: &time,
                due_on,
                by: &actor,
            });
            part.code = format!("{}-{}", head.code, lead.code);
            parts.push(part);
        }
        let rows: Vec<task::ActiveModel> = parts
            .iter()
            .map(|p| p.clone().into_active_model())
            .collect();
        for chunk in rows.chunks(CHUNK) {
            task::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&txn)
                .await?;
        }
    }
    let mut after = task_json(&head);
    after["parts"] = json!(parts.len());
    after["coordinators"] = json!(coordinators.len());
    let change = Change {
        action: "addPlanTask",
        entity_type: "Task",
        entity_id: head.id,
        scope_unit_id: Some(province.id),
        before: None,
        after: Some(after),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(Added { task: head, parts })
}

/// The coordinators of each task in `tasks` (a part's are its group's).
pub async fn coordinators_of(
    db: &impl ConnectionTrait,
    tasks: &[task::Model],
) -> AppResult<HashMap<Uuid, Vec<Uuid>>> {
    let owners: Vec<Uuid> = tasks.iter().map(|t| t.parent_id.unwrap_or(t.id)).collect();
    let rows = task_coordinator::Entity::find()
        .filter(task_coordinator::Column::TaskId.is_in(owners))
        .all(db)
        .await?;
    let mut by_owner: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for r in rows {
        by_owner.entry(r.task_id).or_default().push(r.unit_id);
    }
    Ok(tasks
        .iter()
        .map(|t| {
            (
                t.id,
                by_owner
                    .get(&t.parent_id.unwrap_or(t.id))
                    .cloned()
                    .unwrap_or_default(),
            )
        })
        .collect())
}

/// The follow-up tasks of inspection recommendations, by recommendation:
/// a recommendation's status is derived from its task's (ACCEPTED closes
/// it), so no callback is needed.
pub async fn tasks_of_recommendations(
    db: &impl ConnectionTrait,
    recommendations: &[Uuid],
) -> AppResult<Vec<task::Model>> {
    Ok(task::Entity::find()
        .filter(task::Column::RecommendationId.is_in(recommendations.iter().copied()))
        .all(db)
        .await?)
}

//! A task's life after it is given: the lead reports progress and
//! completes it, coordinators add contributions, the monitoring body
//! accepts or returns it, and an awaited document starts its clock. Every
//! change of a task is checked against the version the client read, under
//! the task's row lock, so two racing steps take effect once.

use chrono::NaiveDate;
use entity::role_grant::Role;
use entity::task::{self, TaskStatus, TimeKind};
use entity::task_update::{self, UpdateKind};
use entity::unit;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect,
};
use serde_json::json;
use uuid::Uuid;

use super::service::{MAX_TEXT, existing_task, now, task_json};
use super::time::{self, TaskTime};
use crate::audit::{self, Actor, Change};
use crate::auth::Authority;
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::units::service::existing as existing_unit;

/// Most evidence documents one entry cites.
pub const MAX_EVIDENCE: usize = 20;

/// What the lead reports (`reportTaskProgress`, `completeTask`).
#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// 0 to 100; a completion is 100.
    pub percent: i32,
    pub note: Option<String>,
    /// Registered documents showing the work.
    pub evidence: Vec<Uuid>,
    /// Why it is late: required once the task is overdue.
    pub cause: Option<String>,
    /// Who answers for the delay: required once the task is overdue.
    pub responsible_person: Option<String>,
}

/// Whether the lead may still report on a task in `status`.
pub fn lead_editable(status: TaskStatus) -> bool {
    matches!(
        status,
        TaskStatus::NotStarted | TaskStatus::InProgress | TaskStatus::Returned
    )
}

fn conflict(t: &task::Model) -> AppError {
    AppError::Conflict(format!(
        "the task changed since it was read (now version {}); reload it and try again",
        t.version
    ))
}

/// The task `id` locked for a change, at `expected_version`.
async fn locked(
    txn: &DatabaseTransaction,
    id: Uuid,
    expected_version: i32,
) -> AppResult<task::Model> {
    let t = task::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("task"))?;
    if t.version != expected_version {
        return Err(conflict(&t));
    }
    Ok(t)
}

fn not_a_group(t: &task::Model) -> AppResult<()> {
    if t.lead_unit_id.is_none() {
        return Err(AppError::rule(
            Some("task"),
            UserErrorCode::TaskIsGroup,
            format!(
                "\"{}\" is given to several units: each reports on its own part",
                t.title
            ),
        ));
    }
    Ok(())
}

/// Writes `next` over `current` with the next version.
async fn write(
    txn: &DatabaseTransaction,
    current: &task::Model,
    mut next: task::Model,
) -> AppResult<task::Model> {
    next.version = current.version + 1;
    next.updated_at = now();
    let result = task::Entity::update_many()
        .set(next.clone().into_active_model().reset_all())
        .filter(task::Column::Id.eq(current.id))
        .filter(task::Column::Version.eq(current.version))
        .exec(txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(conflict(current));
    }
    Ok(next)
}

async fn audit_task(
    txn: &DatabaseTransaction,
    actor: &Actor,
    action: &str,
    before: Option<&task::Model>,
    after: &task::Model,
) -> AppResult<()> {
    let change = Change {
        action,
        entity_type: "Task",
        entity_id: after.id,
        scope_unit_id: after.lead_unit_id.or(Some(after.monitor_unit_id)),
        before: before.map(task_json),
        after: Some(task_json(after)),
    };
    audit::record(txn, actor, change).await?;
    Ok(())
}

/// Checks evidence ids: registered documents, at most [`MAX_EVIDENCE`].
async fn check_evidence(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<String> {
    if ids.len() > MAX_EVIDENCE {
        return Err(AppError::rule(
            Some("evidence"),
            UserErrorCode::UnknownDocument,
            format!("at most {MAX_EVIDENCE} evidence documents"),
        ));
    }
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    let found = entity::document::Entity::find()
        .filter(entity::document::Column::Id.is_in(ids.iter().copied()))
        .select_only()
        .column(entity::document::Column::Id)
        .into_tuple::<Uuid>()
        .all(db)
        .await?;
    if found.len() != ids.len() {
        return Err(AppError::rule(
            Some("evidence"),
            UserErrorCode::UnknownDocument,
            "every evidence document is a registered document",
        ));
    }
    Ok(json!(ids).to_string())
}

/// How many working days `t` is late today (0 when not late, closed or
/// not yet due).
pub async fn days_late(db: &impl ConnectionTrait, t: &task::Model) -> AppResult<i64> {
    let Some(due) = t.due_on else {
        return Ok(0);
    };
    if !lead_editable(t.status) {
        return Ok(0);
    }
    let today = crate::calendar::today();
    if due >= today {
        return Ok(0);
    }
    let calendar = crate::reporting::holidays::calendar(db, due, today).await?;
    Ok(time::working_days_late(due, today, &calendar))
}

/// The lead's actor: REPORTER or APPROVER over the lead unit.
fn lead_actor(by: Authority<'_>, lead: &unit::Model) -> AppResult<Actor> {
    by.require(Role::Reporter, lead)
        .or_else(|_| by.require(Role::Approver, lead))
}

struct Checked {
    note: Option<String>,
    evidence: String,
    cause: Option<String>,
    responsible_person: Option<String>,
}

async fn check_progress(
    txn: &DatabaseTransaction,
    t: &task::Model,
    input: &Progress,
) -> AppResult<Checked> {
    if !(0..=100).contains(&input.percent) {
        return Err(AppError::rule(
            Some("percent"),
            UserErrorCode::InvalidPercent,
            "progress is a percent from 0 to 100",
        ));
    }
    let note = crate::text::check_long_text("note", input.note.as_deref(), MAX_TEXT)?;
    let cause = crate::text::check_long_text("cause", input.cause.as_deref(), MAX_TEXT)?;
    let responsible_person = crate::text::check_long_text(
        "responsiblePerson",
        input.responsible_person.as_deref(),
        1_000,
    )?;
    let evidence = check_evidence(txn, &input.evidence).await?;
    let late = days_late(txn, t).await?;
    if late > 0 && t.explained_due != t.due_on && (cause.is_none() || responsible_person.is_none())
    {
        return Err(AppError::rule(
            Some("cause"),
            UserErrorCode::OverdueExplanationRequired,
            format!(
                "the task is {late} working day(s) past its due date {}: say why (cause) and who answers for it (responsiblePerson)",
                t.due_on.map(|d| d.to_string()).unwrap_or_default()
            ),
        ));
    }
    Ok(Checked {
        note,
        evidence,
        cause,
        responsible_person,
    })
}

/// One entry of a task's history.
struct Entry<'a> {
    kind: UpdateKind,
    unit: Uuid,
    checked: Option<&'a Checked>,
    percent: Option<i32>,
    note: Option<String>,
}

async fn history(
    txn: &DatabaseTransaction,
    t: &task::Model,
    e: Entry<'_>,
    actor: &Actor,
) -> AppResult<()> {
    let entry = task_update::Model {
        id: Uuid::now_v7(),
        task_id: t.id,
        kind: e.kind,
        unit_id: e.unit,
        status: t.status,
        percent: e.percent,
        note: e.checked.map_or(e.note, |c| c.note.clone()),
        cause: e.checked.and_then(|c| c.cause.clone()),
        responsible_person: e.checked.and_then(|c| c.responsible_person.clone()),
        evidence: e
            .checked
            .map_or_else(|| "[]".into(), |c| c.evidence.clone()),
        recorded_by: actor.username.clone(),
        recorded_at: now(),
    };
    task_update::Entity::insert(entry.into_active_model())
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

fn closed(t: &task::Model) -> AppError {
    AppError::rule(
        Some("task"),
        UserErrorCode::TaskClosed,
        format!(
            "the task is {}: its lead reports again only once it is returned",
            t.status.to_value()
        ),
    )
}

/// Reports progress on a task: REPORTER or APPROVER of its lead, while it
/// is NOT_STARTED, IN_PROGRESS or RETURNED; it becomes IN_PROGRESS. An
/// overdue task's report states the cause and the person responsible
/// (once per due date).
pub async fn report_progress(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    input: Progress,
) -> AppResult<task::Model> {
    lead_step(db, by, id, expected_version, input, false).await
}

/// Completes a task with its output (note, evidence): REPORTER or
/// APPROVER of its lead; it becomes COMPLETED at 100% and awaits the
/// monitoring body's acceptance.
pub async fn complete(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    mut input: Progress,
) -> AppResult<task::Model> {
    input.percent = 100;
    lead_step(db, by, id, expected_version, input, true).await
}

async fn lead_step(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    input: Progress,
    completes: bool,
) -> AppResult<task::Model> {
    let txn = crate::db::begin(db).await?;
    let found = existing_task(&txn, id).await?;
    not_a_group(&found)?;
    let lead = existing_unit(&txn, found.lead_unit_id.unwrap_or_default()).await?;
    let actor = lead_actor(by, &lead)?;
    let current = locked(&txn, id, expected_version).await?;
    if !lead_editable(current.status) {
        return Err(closed(&current));
    }
    let checked = check_progress(&txn, &current, &input).await?;
    let mut next = current.clone();
    next.percent = input.percent;
    next.note = checked.note.clone().or(current.note.clone());
    if checked.cause.is_some() && checked.responsible_person.is_some() {
        next.cause = checked.cause.clone();
        next.responsible_person = checked.responsible_person.clone();
        next.explained_due = current.due_on;
    }
    if completes {
        next.status = TaskStatus::Completed;
        next.completed_at = Some(now());
        next.completed_by = Some(actor.username.clone());
    } else {
        next.status = TaskStatus::InProgress;
    }
    let next = write(&txn, &current, next).await?;
    let kind = if completes {
        UpdateKind::Completion
    } else {
        UpdateKind::Progress
    };
    history(
        &txn,
        &next,
        Entry {
            kind,
            unit: lead.id,
            checked: Some(&checked),
            percent: Some(next.percent),
            note: None,
        },
        &actor,
    )
    .await?;
    let action = if completes {
        "completeTask"
    } else {
        "reportTaskProgress"
    };
    audit_task(&txn, &actor, action, Some(&current), &next).await?;
    txn.commit().await?;
    Ok(next)
}

/// A coordinator's contribution (ý kiến, kết quả phối hợp).
#[derive(Debug, Clone)]
pub struct Contribution {
    /// The coordinating unit that contributes.
    pub unit: Uuid,
    pub note: String,
    pub evidence: Vec<Uuid>,
}

/// Records a coordinator's contribution to a task (or to a group, whose
/// coordinators its parts share): REPORTER or APPROVER of that unit,
/// which coordinates on it (NOT_A_COORDINATOR), until the task is
/// accepted. The task itself does not change.
pub async fn contribute(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    input: Contribution,
) -> AppResult<task_update::Model> {
    let txn = crate::db::begin(db).await?;
    let t = existing_task(&txn, id).await?;
    let unit = existing_unit(&txn, input.unit).await?;
    let actor = lead_actor(by, &unit)?;
    let owner = t.parent_id.unwrap_or(t.id);
    let coordinates = entity::task_coordinator::Entity::find_by_id((owner, unit.id))
        .one(&txn)
        .await?
        .is_some();
    if !coordinates {
        return Err(AppError::rule(
            Some("unit"),
            UserErrorCode::NotACoordinator,
            format!("{} does not coordinate on \"{}\"", unit.name, t.title),
        ));
    }
    if t.status == TaskStatus::Accepted {
        return Err(closed(&t));
    }
    let Some(note) = crate::text::check_long_text("note", Some(&input.note), MAX_TEXT)? else {
        return Err(AppError::rule(
            Some("note"),
            UserErrorCode::InvalidText,
            "a contribution says what was done",
        ));
    };
    let evidence = check_evidence(&txn, &input.evidence).await?;
    let entry = task_update::Model {
        id: Uuid::now_v7(),
        task_id: t.id,
        kind: UpdateKind::Contribution,
        unit_id: unit.id,
        status: t.status,
        percent: None,
        note: Some(note),
        cause: None,
        responsible_person: None,
        evidence,
        recorded_by: actor.username.clone(),
        recorded_at: now(),
    };
    task_update::Entity::insert(entry.clone().into_active_model())
        .exec_without_returning(&txn)
        .await?;
    let change = Change {
        action: "contributeToTask",
        entity_type: "Task",
        entity_id: t.id,
        scope_unit_id: Some(unit.id),
        before: None,
        after: Some(json!({ "unit": unit.id, "note": entry.note, "evidence": entry.evidence })),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(entry)
}

/// The monitoring body's actor: COORDINATOR over it.
async fn monitor_actor(
    txn: &DatabaseTransaction,
    by: Authority<'_>,
    t: &task::Model,
) -> AppResult<Actor> {
    let monitor = existing_unit(txn, t.monitor_unit_id).await?;
    by.require(Role::Coordinator, &monitor)
}

fn not_completed(t: &task::Model) -> AppError {
    AppError::rule(
        Some("task"),
        UserErrorCode::TaskNotCompleted,
        format!(
            "the lead has not completed the task: it is {}",
            t.status.to_value()
        ),
    )
}

/// Accepts a completed task: COORDINATOR of its monitoring body. A
/// recurring task with occurrences left starts its next one
/// (NOT_STARTED, due on the next occurrence); otherwise it is ACCEPTED.
pub async fn accept(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    note: Option<String>,
) -> AppResult<task::Model> {
    let txn = crate::db::begin(db).await?;
    let found = existing_task(&txn, id).await?;
    not_a_group(&found)?;
    let actor = monitor_actor(&txn, by, &found).await?;
    let current = locked(&txn, id, expected_version).await?;
    if current.status != TaskStatus::Completed {
        return Err(not_completed(&current));
    }
    let note = crate::text::check_long_text("note", note.as_deref(), MAX_TEXT)?;
    let mut next = current.clone();
    next.accepted_at = Some(now());
    next.accepted_by = Some(actor.username.clone());
    next.status = TaskStatus::Accepted;
    if current.time_kind == TimeKind::Recurring {
        let calendar = crate::reporting::holidays::calendar(
            &txn,
            crate::calendar::today(),
            crate::calendar::today(),
        )
        .await?;
        next.accepted_due = current.due_on;
        let following = time::due_on(
            &TaskTime::of(&current),
            None,
            None,
            current.due_on,
            &calendar,
        );
        if following.is_some() {
            next.due_on = following;
            next.status = TaskStatus::NotStarted;
            next.percent = 0;
        }
    }
    let next = write(&txn, &current, next).await?;
    history(
        &txn,
        &next,
        Entry {
            kind: UpdateKind::Acceptance,
            unit: current.monitor_unit_id,
            checked: None,
            percent: None,
            note,
        },
        &actor,
    )
    .await?;
    audit_task(&txn, &actor, "acceptTask", Some(&current), &next).await?;
    txn.commit().await?;
    Ok(next)
}

/// Closes, inside the caller's transaction, the open follow-up tasks of an
/// inspection's recommendation the inspecting body has just closed: they
/// become ACCEPTED with `note` in their history, so nobody is asked or
/// reminded about a matter already settled. Returns the tasks closed; the
/// caller's audit event records them.
pub async fn settle_follow_ups(
    txn: &DatabaseTransaction,
    actor: &Actor,
    recommendation: Uuid,
    note: &str,
) -> AppResult<Vec<Uuid>> {
    let open = task::Entity::find()
        .filter(task::Column::RecommendationId.eq(recommendation))
        .filter(task::Column::Status.ne(TaskStatus::Accepted))
        .lock_exclusive()
        .all(txn)
        .await?;
    let mut closed = Vec::with_capacity(open.len());
    for current in open {
        let mut next = current.clone();
        next.status = TaskStatus::Accepted;
        next.accepted_at = Some(now());
        next.accepted_by = Some(actor.username.clone());
        let next = write(txn, &current, next).await?;
        history(
            txn,
            &next,
            Entry {
                kind: UpdateKind::Acceptance,
                unit: current.monitor_unit_id,
                checked: None,
                percent: None,
                note: Some(format!("Đóng cùng kiến nghị: {note}")),
            },
            actor,
        )
        .await?;
        closed.push(next.id);
    }
    Ok(closed)
}

/// Sends a completed task back to its lead with a reason: COORDINATOR of
/// its monitoring body; it becomes RETURNED.
pub async fn send_back(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    reason: &str,
) -> AppResult<task::Model> {
    let txn = crate::db::begin(db).await?;
    let found = existing_task(&txn, id).await?;
    not_a_group(&found)?;
    let actor = monitor_actor(&txn, by, &found).await?;
    let current = locked(&txn, id, expected_version).await?;
    if current.status != TaskStatus::Completed {
        return Err(not_completed(&current));
    }
    let reason = crate::text::check_reason(reason, "why the task goes back")?;
    let mut next = current.clone();
    next.status = TaskStatus::Returned;
    next.return_reason = Some(reason.to_owned());
    next.returned_at = Some(now());
    let next = write(&txn, &current, next).await?;
    history(
        &txn,
        &next,
        Entry {
            kind: UpdateKind::Return,
            unit: current.monitor_unit_id,
            checked: None,
            percent: None,
            note: Some(reason.to_owned()),
        },
        &actor,
    )
    .await?;
    if let Some(lead) = next.lead_unit_id {
        let lead = existing_unit(&txn, lead).await?;
        crate::notices::notify(&txn, super::notices::returned(&next, &lead, reason)).await?;
    }
    audit_task(&txn, &actor, "returnTask", Some(&current), &next).await?;
    txn.commit().await?;
    Ok(next)
}

/// Carries an open task whose lead has ended (a reorganisation) over to
/// the lead's successor in force: COORDINATOR of its monitoring body, as an
/// assignment of a lapsed mandate is transferred. `to` names the successor;
/// it may be left out when there is exactly one (a district abolished in
/// 2025 has as many as its communes became). The task keeps its time,
/// status, percent and history; the new lead reports from here on.
pub async fn carry_over(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    to: Option<Uuid>,
) -> AppResult<task::Model> {
    let txn = crate::db::begin(db).await?;
    let found = existing_task(&txn, id).await?;
    not_a_group(&found)?;
    let actor = monitor_actor(&txn, by, &found).await?;
    let current = locked(&txn, id, expected_version).await?;
    if current.status == TaskStatus::Accepted {
        return Err(AppError::rule(
            Some("task"),
            UserErrorCode::TaskClosed,
            "the task is ACCEPTED: there is nothing left to carry over",
        ));
    }
    let Some(lead_id) = current.lead_unit_id else {
        return Err(AppError::NotFound("task"));
    };
    let lead = existing_unit(&txn, lead_id).await?;
    let today = crate::calendar::today();
    if crate::units::service::in_force(&lead, today) {
        return Err(AppError::rule(
            Some("task"),
            UserErrorCode::NotLapsed,
            format!(
                "{} is still in force: it carries its task itself",
                lead.name
            ),
        ));
    }
    let successors: Vec<unit::Model> = crate::units::service::successors_of(&txn, &lead)
        .await?
        .into_iter()
        .filter(|u| crate::units::service::in_force(u, today))
        .collect();
    let successor = match to {
        Some(to) => successors
            .iter()
            .find(|u| u.id == to)
            .cloned()
            .ok_or_else(|| {
                AppError::rule(
                    Some("to"),
                    UserErrorCode::InvalidAssignee,
                    format!(
                        "the unit named is not a successor in force of {}",
                        lead.name
                    ),
                )
            })?,
        None if successors.len() == 1 => successors[0].clone(),
        None if successors.is_empty() => {
            return Err(AppError::rule(
                Some("to"),
                UserErrorCode::InvalidAssignee,
                format!(
                    "{} has no successor in force to carry the task: close it or give the work anew",
                    lead.name
                ),
            ));
        }
        None => {
            return Err(AppError::rule(
                Some("to"),
                UserErrorCode::InvalidAssignee,
                format!(
                    "{} has {} successors in force: name the one that carries the task",
                    lead.name,
                    successors.len()
                ),
            ));
        }
    };
    let mut next = current.clone();
    next.lead_unit_id = Some(successor.id);
    next.lead_path = Some(successor.path.clone());
    let next = write(&txn, &current, next).await?;
    history(
        &txn,
        &next,
        Entry {
            kind: UpdateKind::Transfer,
            unit: current.monitor_unit_id,
            checked: None,
            percent: None,
            note: Some(format!("{} → {}", lead.name, successor.name)),
        },
        &actor,
    )
    .await?;
    audit_task(&txn, &actor, "transferTask", Some(&current), &next).await?;
    txn.commit().await?;
    Ok(next)
}

/// Records the document an AFTER_DOCUMENT task waits for ("sau khi có
/// văn bản của Bộ"): COORDINATOR of the monitoring body. The task — for a
/// group, every part — is then due its working days after the document's
/// date.
pub async fn record_trigger(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    document: Uuid,
) -> AppResult<task::Model> {
    let txn = crate::db::begin(db).await?;
    let found = existing_task(&txn, id).await?;
    let actor = monitor_actor(&txn, by, &found).await?;
    let current = task::Entity::find_by_id(id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("task"))?;
    if current.time_kind != TimeKind::AfterDocument || current.trigger_document_id.is_some() {
        return Err(AppError::rule(
            Some("task"),
            UserErrorCode::NotAwaitingDocument,
            "the task waits for no document: its time is not AFTER_DOCUMENT, or its document is recorded",
        ));
    }
    let doc = entity::document::Entity::find_by_id(document)
        .one(&txn)
        .await?
        .ok_or_else(|| {
            AppError::rule(
                Some("document"),
                UserErrorCode::UnknownDocument,
                "the awaited document is a registered document",
            )
        })?;
    let on: NaiveDate = doc.issued_date;
    let calendar = crate::reporting::holidays::calendar(&txn, on, on).await?;
    let due = time::due_on(&TaskTime::of(&current), None, Some(on), None, &calendar);
    let mut targets = vec![current.clone()];
    if current.lead_unit_id.is_none() {
        targets.extend(
            task::Entity::find()
                .filter(task::Column::ParentId.eq(current.id))
                .all(&txn)
                .await?,
        );
    }
    let mut head = current.clone();
    for t in targets {
        let mut next = t.clone();
        next.trigger_document_id = Some(doc.id);
        next.triggered_on = Some(on);
        next.due_on = due;
        let written = write(&txn, &t, next).await?;
        if written.id == current.id {
            head = written;
        }
    }
    let mut after = task_json(&head);
    after["triggerDocument"] = json!(doc.number);
    let change = Change {
        action: "recordTriggerDocument",
        entity_type: "Task",
        entity_id: head.id,
        scope_unit_id: head.lead_unit_id.or(Some(head.monitor_unit_id)),
        before: Some(task_json(&current)),
        after: Some(after),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(head)
}

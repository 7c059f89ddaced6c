//! Reports through their status machine, each change in one transaction
//! with its audit event and the rollup counters it moves.
//!
//! NOT_STARTED → DRAFT → SUBMITTED → (RETURNED → SUBMITTED)* → ACCEPTED.
//! Every edit and transition carries the version the client last read; a
//! stale one is a CONFLICT and changes nothing.

use std::collections::HashMap;

use chrono::{DateTime, SubsecRound, Utc};
use entity::regime_indicator::Aggregation;
use entity::report::{self, ReportStatus};
use entity::report_item::{ImplementationStatus, Proposal};
use entity::role_grant::Role;
use entity::unit;
use entity::{
    indicator_rollup, report_item, report_reminder, report_rollup, report_value, reporting_period,
    reporting_regime,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::regimes::{self, end_of_day, existing_period, indicators_of};
use crate::audit::{self, Actor, Change};
use crate::auth::{Authority, Viewer};
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::pagination::{Cursor, Page, PageRequest};
use crate::units::service::existing as existing_unit;
use crate::units::service::path_ids;

/// One item's figures as sent by the reporter; None leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ItemInput {
    pub mandate: Uuid,
    pub implementation_status: Option<ImplementationStatus>,
    pub received: Option<i32>,
    pub resolved_on_time: Option<i32>,
    pub resolved_late: Option<i32>,
    pub pending: Option<i32>,
    pub difficulties: Option<String>,
    pub proposal: Option<Proposal>,
    pub proposal_note: Option<String>,
}

/// A draft's changes; None leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct DraftInput {
    pub results: Option<String>,
    pub difficulties: Option<String>,
    pub proposals: Option<String>,
    pub items: Vec<ItemInput>,
    pub values: Vec<(String, f64)>,
}

/// A report and the status it left, for change notifications.
#[derive(Debug, Clone)]
pub struct Transition {
    pub report: report::Model,
    pub previous: ReportStatus,
}

/// A report that must exist.
pub async fn existing(db: &impl ConnectionTrait, id: Uuid) -> AppResult<report::Model> {
    report::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("report"))
}

/// Whether a report went in after its deadline, or is still out after it.
pub fn is_late(r: &report::Model, now: DateTime<Utc>) -> bool {
    match r.first_submitted_at {
        Some(at) => at >= r.deadline_at,
        None => now >= r.deadline_at,
    }
}

fn report_json(r: &report::Model, values: &[(String, f64)]) -> Value {
    json!({
        "status": r.status.to_value(), "version": r.version,
        "results": r.results, "difficulties": r.difficulties, "proposals": r.proposals,
        "returnReason": r.return_reason,
        "values": values.iter().map(|(c, v)| json!({ "indicator": c, "value": v })).collect::<Vec<_>>(),
    })
}

async fn values_of(db: &impl ConnectionTrait, report_id: Uuid) -> AppResult<Vec<(String, f64)>> {
    Ok(report_value::Entity::find()
        .filter(report_value::Column::ReportId.eq(report_id))
        .order_by_asc(report_value::Column::IndicatorCode)
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.indicator_code, v.value))
        .collect())
}

async fn audit_report(
    txn: &DatabaseTransaction,
    actor: &Actor,
    action: &str,
    before: Option<&report::Model>,
    after: &report::Model,
    values_before: &[(String, f64)],
) -> AppResult<()> {
    let values_after = values_of(txn, after.id).await?;
    let change = Change {
        action,
        entity_type: "Report",
        entity_id: after.id,
        scope_unit_id: Some(after.reporter_unit_id),
        before: before.map(|b| report_json(b, values_before)),
        after: Some(report_json(after, &values_after)),
    };
    audit::record(txn, actor, change).await?;
    Ok(())
}

fn conflict(r: &report::Model) -> AppError {
    AppError::Conflict(format!(
        "the report changed since it was read (now version {}); reload it and try again",
        r.version
    ))
}

/// Writes `next` over `current` if nobody wrote since `expected` was read,
/// and returns it with its version bumped.
async fn write(
    txn: &DatabaseTransaction,
    current: &report::Model,
    expected: i32,
    mut next: report::Model,
) -> AppResult<report::Model> {
    if current.version != expected {
        return Err(conflict(current));
    }
    next.version = expected + 1;
    next.updated_at = Utc::now();
    let mut changes = next.clone().into_active_model().reset_all();
    // Reminders are counted by remindMissing without a version bump; a
    // concurrent edit must not write back the count it read.
    changes.reminder_count = sea_orm::ActiveValue::NotSet;
    changes.last_reminded_at = sea_orm::ActiveValue::NotSet;
    let result = report::Entity::update_many()
        .set(changes)
        .filter(report::Column::Id.eq(current.id))
        .filter(report::Column::Version.eq(expected))
        .exec(txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(conflict(current));
    }
    Ok(next)
}

/// Adds `deltas` to the counters of the reporter and every unit above it.
async fn bump(
    txn: &DatabaseTransaction,
    r: &report::Model,
    deltas: &[(report_rollup::Column, i32)],
) -> AppResult<()> {
    if r.compiled || deltas.is_empty() {
        return Ok(());
    }
    let mut update = report_rollup::Entity::update_many();
    for (column, delta) in deltas {
        update = update.col_expr(*column, Expr::col(*column).add(*delta));
    }
    update
        .filter(report_rollup::Column::PeriodId.eq(r.period_id))
        .filter(report_rollup::Column::UnitId.is_in(path_ids(&r.reporter_path)))
        .exec(txn)
        .await?;
    Ok(())
}

/// The unit report `id`, for a change by the REPORTER of its unit, read
/// at `expected_version` and still with its reporter.
async fn for_reporter(
    txn: &DatabaseTransaction,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
) -> AppResult<(report::Model, Actor)> {
    let r = existing(txn, id).await?;
    let reporter = existing_unit(txn, r.reporter_unit_id).await?;
    let actor = by.require(Role::Reporter, &reporter)?;
    if r.compiled {
        return Err(AppError::rule(
            None,
            UserErrorCode::CompiledReport,
            "a compiled report is made by compileReport",
        ));
    }
    if r.version != expected_version {
        return Err(conflict(&r));
    }
    require_editable(&r)?;
    Ok((r, actor))
}

fn require_editable(r: &report::Model) -> AppResult<()> {
    match r.status {
        ReportStatus::NotStarted | ReportStatus::Draft | ReportStatus::Returned => Ok(()),
        ReportStatus::Submitted => Err(AppError::rule(
            None,
            UserErrorCode::NotEditable,
            "the report is with its recipient; it can be edited again if returned",
        )),
        ReportStatus::Accepted => Err(AppError::rule(
            None,
            UserErrorCode::ReportLocked,
            "an accepted report is locked",
        )),
    }
}

/// Most values one report holds (a regime has far fewer indicators).
pub const MAX_VALUES: usize = 500;

/// Largest magnitude of an indicator value: far above any count or sum in
/// đồng a report holds, and small enough that the totals of every unit of
/// the country stay exact to the unit and finite on both databases.
pub const MAX_VALUE: f64 = 1e15;

fn check_count(value: Option<i32>) -> AppResult<()> {
    if value.is_some_and(|v| v < 0) {
        return Err(AppError::rule(
            Some("items"),
            UserErrorCode::NegativeCount,
            "procedure counts are zero or more",
        ));
    }
    Ok(())
}

fn optional_text(
    field: &'static str,
    value: Option<String>,
    max: usize,
) -> AppResult<Option<String>> {
    match value {
        None => Ok(None),
        Some(text) => {
            let text = text.trim().to_owned();
            if text.chars().count() > max || text.contains('\0') {
                return Err(AppError::rule(
                    Some(field),
                    UserErrorCode::InvalidText,
                    format!("{field} has at most {max} characters"),
                ));
            }
            Ok(Some(text))
        }
    }
}

/// Saves a draft: REPORTER of the reporting unit, while the report is not
/// with its recipient. Items are matched by mandate; figures are checked
/// (received = on time + late + pending).
pub async fn save_draft(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    input: DraftInput,
) -> AppResult<Transition> {
    let txn = crate::db::begin(db).await?;
    let (current, actor) = for_reporter(&txn, by, id, expected_version).await?;
    let period = existing_period(&txn, current.period_id).await?;
    regimes::refresh_items(&txn, &current, &period).await?;
    let values_before = values_of(&txn, id).await?;
    let mut next = current.clone();
    if let Some(text) = optional_text("results", input.results, 20_000)? {
        next.results = Some(text).filter(|t| !t.is_empty());
    }
    if let Some(text) = optional_text("difficulties", input.difficulties, 20_000)? {
        next.difficulties = Some(text).filter(|t| !t.is_empty());
    }
    if let Some(text) = optional_text("proposals", input.proposals, 20_000)? {
        next.proposals = Some(text).filter(|t| !t.is_empty());
    }
    let items: HashMap<Uuid, report_item::Model> = report_item::Entity::find()
        .filter(report_item::Column::ReportId.eq(id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|i| (i.mandate_id, i))
        .collect();
    let distinct: std::collections::HashSet<Uuid> = input.items.iter().map(|i| i.mandate).collect();
    if distinct.len() != input.items.len() {
        return Err(AppError::rule(
            Some("items"),
            UserErrorCode::DuplicateItem,
            "give each mandate's item once",
        ));
    }
    for change in input.items {
        let Some(item) = items.get(&change.mandate) else {
            return Err(AppError::rule(
                Some("items"),
                UserErrorCode::UnknownItem,
                "the reporter did not hold that mandate in the period",
            ));
        };
        let mut item = item.clone();
        if let Some(status) = change.implementation_status {
            item.implementation_status = Some(status);
        }
        for (slot, value) in [
            (&mut item.procedures_received, change.received),
            (&mut item.resolved_on_time, change.resolved_on_time),
            (&mut item.resolved_late, change.resolved_late),
            (&mut item.pending, change.pending),
        ] {
            check_count(value)?;
            if value.is_some() {
                *slot = value;
            }
        }
        if let (Some(received), Some(on_time), Some(late), Some(pending)) = (
            item.procedures_received,
            item.resolved_on_time,
            item.resolved_late,
            item.pending,
        ) && on_time as i64 + late as i64 + pending as i64 != received as i64
        {
            return Err(AppError::rule(
                Some("items"),
                UserErrorCode::CountsDoNotAddUp,
                format!(
                    "procedures received ({received}) must equal resolved on time ({on_time}) + late ({late}) + pending ({pending})"
                ),
            ));
        }
        if let Some(text) = optional_text("items", change.difficulties, 5_000)? {
            item.difficulties = Some(text).filter(|t| !t.is_empty());
        }
        if let Some(proposal) = change.proposal {
            item.proposal = Some(proposal);
        }
        if let Some(text) = optional_text("items", change.proposal_note, 5_000)? {
            item.proposal_note = Some(text).filter(|t| !t.is_empty());
        }
        item.into_active_model().reset_all().update(&txn).await?;
    }
    if input.values.len() > MAX_VALUES {
        return Err(AppError::rule(
            Some("values"),
            UserErrorCode::TooManyValues,
            format!("a report holds at most {MAX_VALUES} values"),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some((code, _)) = input.values.iter().find(|(code, _)| !seen.insert(code)) {
        return Err(AppError::rule(
            Some("values"),
            UserErrorCode::DuplicateIndicator,
            format!("`{code}` is given twice"),
        ));
    }
    if !input.values.is_empty() {
        let known: Vec<String> = indicators_of(&txn, &[current.regime_id])
            .await?
            .into_iter()
            .map(|i| i.code)
            .collect();
        for (code, value) in &input.values {
            if !known.contains(code) {
                return Err(AppError::rule(
                    Some("values"),
                    UserErrorCode::UnknownIndicator,
                    format!("the regime has no indicator `{code}`"),
                ));
            }
            if !value.is_finite() || value.abs() > MAX_VALUE {
                return Err(AppError::rule(
                    Some("values"),
                    UserErrorCode::InvalidValue,
                    format!("`{code}` needs a finite number between -10^15 and 10^15"),
                ));
            }
            report_value::Entity::delete_many()
                .filter(report_value::Column::ReportId.eq(id))
                .filter(report_value::Column::IndicatorCode.eq(code.as_str()))
                .exec(&txn)
                .await?;
            report_value::Entity::insert(
                report_value::Model {
                    report_id: id,
                    indicator_code: code.clone(),
                    value: *value,
                }
                .into_active_model(),
            )
            .exec_without_returning(&txn)
            .await?;
        }
    }
    if next.status == ReportStatus::NotStarted {
        next.status = ReportStatus::Draft;
    }
    let next = write(&txn, &current, expected_version, next).await?;
    audit_report(
        &txn,
        &actor,
        "saveReportDraft",
        Some(&current),
        &next,
        &values_before,
    )
    .await?;
    txn.commit().await?;
    Ok(Transition {
        previous: current.status,
        report: next,
    })
}

/// What keeps `r` from being submitted, if anything.
async fn check_complete(txn: &DatabaseTransaction, r: &report::Model) -> AppResult<()> {
    if r.results.as_deref().is_none_or(str::is_empty) {
        return Err(AppError::rule(
            Some("results"),
            UserErrorCode::MissingNarrative,
            "state the results before submitting",
        ));
    }
    let items = report_item::Entity::find()
        .filter(report_item::Column::ReportId.eq(r.id))
        .all(txn)
        .await?;
    let incomplete = items.iter().filter(|i| {
        i.implementation_status.is_none()
            || i.procedures_received.is_none()
            || i.resolved_on_time.is_none()
            || i.resolved_late.is_none()
            || i.pending.is_none()
            || i.proposal.is_none()
    });
    let count = incomplete.count();
    if count > 0 {
        return Err(AppError::rule(
            Some("items"),
            UserErrorCode::IncompleteItems,
            format!(
                "{count} of {} mandate items lack a status, figures or a proposal",
                items.len()
            ),
        ));
    }
    let given: Vec<String> = values_of(txn, r.id)
        .await?
        .into_iter()
        .map(|v| v.0)
        .collect();
    let missing: Vec<String> = indicators_of(txn, &[r.regime_id])
        .await?
        .into_iter()
        .map(|i| i.code)
        .filter(|c| !given.contains(c))
        .collect();
    if !missing.is_empty() {
        return Err(AppError::rule(
            Some("values"),
            UserErrorCode::MissingIndicators,
            format!("no value for {}", missing.join(", ")),
        ));
    }
    Ok(())
}

/// Submits a report to its recipient: REPORTER of the unit, from DRAFT or
/// RETURNED, once it is complete. The first submission decides `late`.
pub async fn submit(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
) -> AppResult<Transition> {
    let txn = crate::db::begin(db).await?;
    let (current, actor) = for_reporter(&txn, by, id, expected_version).await?;
    check_complete(&txn, &current).await?;
    // Stored to the microsecond on both databases: compare what is stored.
    let now = Utc::now().trunc_subsecs(6);
    let mut next = current.clone();
    next.status = ReportStatus::Submitted;
    next.submitted_at = Some(now);
    let mut deltas = Vec::new();
    if current.first_submitted_at.is_none() {
        next.first_submitted_at = Some(now);
        deltas.push((report_rollup::Column::Submitted, 1));
        if now >= current.deadline_at {
            deltas.push((report_rollup::Column::Late, 1));
        } else {
            deltas.push((report_rollup::Column::OnTime, 1));
        }
    }
    if current.status == ReportStatus::Returned {
        deltas.push((report_rollup::Column::Returned, -1));
    }
    let next = write(&txn, &current, expected_version, next).await?;
    bump(&txn, &next, &deltas).await?;
    let values = values_of(&txn, id).await?;
    audit_report(&txn, &actor, "submitReport", Some(&current), &next, &values).await?;
    txn.commit().await?;
    Ok(Transition {
        previous: current.status,
        report: next,
    })
}

/// Which kind of report a review acts on, and the role it needs over the
/// recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    /// A unit report: REVIEWER over the recipient.
    Unit,
    /// The compiled province report: APPROVER over UBND tỉnh.
    Compiled,
}

async fn for_review(
    txn: &DatabaseTransaction,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    review: Review,
) -> AppResult<(report::Model, Actor)> {
    let r = existing(txn, id).await?;
    let recipient = existing_unit(txn, r.recipient_unit_id).await?;
    let role = match review {
        Review::Unit => Role::Reviewer,
        Review::Compiled => Role::Approver,
    };
    let actor = by.require(role, &recipient)?;
    match (review, r.compiled) {
        (Review::Unit, true) => {
            return Err(AppError::rule(
                None,
                UserErrorCode::CompiledReport,
                "the compiled report is accepted or returned by UBND tỉnh (acceptCompiledReport)",
            ));
        }
        (Review::Compiled, false) => {
            return Err(AppError::rule(
                None,
                UserErrorCode::NotCompiled,
                "a unit report is reviewed with acceptReport / returnReport",
            ));
        }
        _ => {}
    }
    if r.version != expected_version {
        return Err(conflict(&r));
    }
    if r.status != ReportStatus::Submitted {
        return Err(AppError::rule(
            None,
            UserErrorCode::NotSubmitted,
            format!(
                "only a submitted report is reviewed; this one is {}",
                r.status.to_value()
            ),
        ));
    }
    Ok((r, actor))
}

/// Returns a submitted report to its reporter with a reason.
pub async fn return_report(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    reason: &str,
    review: Review,
) -> AppResult<Transition> {
    let txn = crate::db::begin(db).await?;
    let (current, actor) = for_review(&txn, by, id, expected_version, review).await?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 5_000 || reason.contains('\0') {
        return Err(AppError::rule(
            Some("reason"),
            UserErrorCode::ReasonRequired,
            "say why the report goes back (1 to 5000 characters)",
        ));
    }
    let mut next = current.clone();
    next.status = ReportStatus::Returned;
    next.return_reason = Some(reason.to_owned());
    next.returned_at = Some(Utc::now());
    let next = write(&txn, &current, expected_version, next).await?;
    bump(&txn, &next, &[(report_rollup::Column::Returned, 1)]).await?;
    let values = values_of(&txn, id).await?;
    let action = match review {
        Review::Unit => "returnReport",
        Review::Compiled => "returnCompiledReport",
    };
    audit_report(&txn, &actor, action, Some(&current), &next, &values).await?;
    txn.commit().await?;
    Ok(Transition {
        previous: current.status,
        report: next,
    })
}

/// Accepts a submitted report, which locks it; its indicator values join
/// the totals of every unit above the reporter.
pub async fn accept(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    review: Review,
) -> AppResult<Transition> {
    let txn = crate::db::begin(db).await?;
    let (current, actor) = for_review(&txn, by, id, expected_version, review).await?;
    let mut next = current.clone();
    next.status = ReportStatus::Accepted;
    next.accepted_at = Some(Utc::now());
    let next = write(&txn, &current, expected_version, next).await?;
    bump(&txn, &next, &[(report_rollup::Column::Accepted, 1)]).await?;
    let values = values_of(&txn, id).await?;
    if !next.compiled {
        let above = path_ids(&next.reporter_path);
        for (code, value) in &values {
            indicator_rollup::Entity::update_many()
                .col_expr(
                    indicator_rollup::Column::Total,
                    Expr::col(indicator_rollup::Column::Total).add(*value),
                )
                .col_expr(
                    indicator_rollup::Column::Reports,
                    Expr::col(indicator_rollup::Column::Reports).add(1),
                )
                .filter(indicator_rollup::Column::PeriodId.eq(next.period_id))
                .filter(indicator_rollup::Column::UnitId.is_in(above.iter().copied()))
                .filter(indicator_rollup::Column::IndicatorCode.eq(code.as_str()))
                .exec(&txn)
                .await?;
        }
    }
    let action = match review {
        Review::Unit => "acceptReport",
        Review::Compiled => "acceptCompiledReport",
    };
    audit_report(&txn, &actor, action, Some(&current), &next, &values).await?;
    txn.commit().await?;
    Ok(Transition {
        previous: current.status,
        report: next,
    })
}

/// Holds off report writes until this transaction ends, so that what it
/// reads of reports and rollups is one consistent state (compiling,
/// rebuilding). Writers queue behind it; SQLite has one writer anyway.
pub async fn lock_reports(txn: &DatabaseTransaction) -> AppResult<()> {
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        txn.execute_unprepared("LOCK TABLE report IN SHARE MODE")
            .await?;
    }
    Ok(())
}

/// The value of an indicator over `reports` reports totalling `total`.
pub fn aggregate(aggregation: Aggregation, total: f64, reports: i32) -> Option<f64> {
    match aggregation {
        _ if reports == 0 => None,
        // The last value of each unit, added over units.
        Aggregation::Sum | Aggregation::Last => Some(total),
        Aggregation::Avg => Some(total / f64::from(reports)),
    }
}

/// Compiles the province report of a period from the accepted reports and
/// submits it to UBND tỉnh: COORDINATOR over the regime's recipient.
/// Figures come from the maintained totals of the province; difficulties
/// and proposals are collected unit by unit. A returned compilation can be
/// compiled again.
pub async fn compile(
    db: &DatabaseConnection,
    by: Authority<'_>,
    period_id: Uuid,
) -> AppResult<Transition> {
    let txn = crate::db::begin(db).await?;
    let period = existing_period(&txn, period_id).await?;
    let regime = regimes::existing(&txn, period.regime_id).await?;
    let recipient = existing_unit(&txn, regime.recipient_unit_id).await?;
    let actor = by.require(Role::Coordinator, &recipient)?;
    lock_reports(&txn).await?;
    // The province at the root of the recipient's path (a department's
    // parent, or the province itself).
    let province = path_ids(&recipient.path)
        .first()
        .copied()
        .ok_or(AppError::NotFound("unit"))?;
    let accepted = report::Entity::find()
        .filter(report::Column::PeriodId.eq(period.id))
        .filter(report::Column::Compiled.eq(false))
        .filter(report::Column::Status.eq(ReportStatus::Accepted))
        .order_by_asc(report::Column::ReporterPath)
        .all(&txn)
        .await?;
    if accepted.is_empty() {
        return Err(AppError::rule(
            Some("period"),
            UserErrorCode::NothingToCompile,
            "no report of the period has been accepted yet",
        ));
    }
    let existing_compiled = report::Entity::find()
        .filter(report::Column::PeriodId.eq(period.id))
        .filter(report::Column::Compiled.eq(true))
        .one(&txn)
        .await?;
    if let Some(c) = &existing_compiled {
        require_editable(c)?;
    }
    let counts = report_rollup::Entity::find()
        .filter(report_rollup::Column::PeriodId.eq(period.id))
        .filter(report_rollup::Column::UnitId.eq(province))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("rollup"))?;
    let names: HashMap<Uuid, String> = crate::units::service::find_many(
        &txn,
        &accepted
            .iter()
            .map(|r| r.reporter_unit_id)
            .collect::<Vec<_>>(),
    )
    .await?
    .into_iter()
    .map(|u: unit::Model| (u.id, u.name))
    .collect();
    let collect = |pick: fn(&report::Model) -> Option<&String>| {
        accepted
            .iter()
            .filter_map(|r| {
                pick(r).map(|text| {
                    format!(
                        "- {}: {text}",
                        names.get(&r.reporter_unit_id).map_or("?", String::as_str)
                    )
                })
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let results = format!(
        "Tổng hợp kỳ {}: {}/{} báo cáo đã được chấp nhận; {} đã gửi ({} đúng hạn, {} trễ hạn); {} chưa gửi.",
        period.code,
        counts.accepted,
        counts.expected,
        counts.submitted,
        counts.on_time,
        counts.late,
        counts.expected - counts.submitted,
    );
    let difficulties = collect(|r| r.difficulties.as_ref());
    let proposals = collect(|r| r.proposals.as_ref());
    let totals = indicator_rollup::Entity::find()
        .filter(indicator_rollup::Column::PeriodId.eq(period.id))
        .filter(indicator_rollup::Column::UnitId.eq(province))
        .all(&txn)
        .await?;
    let indicators = indicators_of(&txn, &[regime.id]).await?;
    let now = Utc::now();
    let (current, id) = match existing_compiled {
        Some(c) => (Some(c.clone()), c.id),
        None => (None, Uuid::now_v7()),
    };
    let mut next = current.clone().unwrap_or(report::Model {
        id,
        period_id: period.id,
        period_code: period.code.clone(),
        regime_id: regime.id,
        reporter_unit_id: recipient.id,
        reporter_path: recipient.path.clone(),
        recipient_unit_id: province,
        compiled: true,
        status: ReportStatus::NotStarted,
        version: 0,
        results: None,
        difficulties: None,
        proposals: None,
        return_reason: None,
        deadline_at: end_of_day(period.compiled_deadline),
        first_submitted_at: None,
        submitted_at: None,
        returned_at: None,
        accepted_at: None,
        reminder_count: 0,
        last_reminded_at: None,
        updated_at: now,
    });
    next.results = Some(results);
    next.difficulties = Some(difficulties).filter(|t| !t.is_empty());
    next.proposals = Some(proposals).filter(|t| !t.is_empty());
    next.status = ReportStatus::Submitted;
    next.submitted_at = Some(now);
    next.first_submitted_at.get_or_insert(now);
    let values_before = values_of(&txn, id).await?;
    let next = match &current {
        Some(current) => write(&txn, current, current.version, next).await?,
        None => {
            next.version = 1;
            report::Entity::insert(next.clone().into_active_model())
                .exec_without_returning(&txn)
                .await?;
            next
        }
    };
    report_value::Entity::delete_many()
        .filter(report_value::Column::ReportId.eq(id))
        .exec(&txn)
        .await?;
    let values: Vec<_> = indicators
        .iter()
        .filter_map(|i| {
            let total = totals.iter().find(|t| t.indicator_code == i.code)?;
            let value = aggregate(i.aggregation, total.total, total.reports)?;
            Some(
                report_value::Model {
                    report_id: id,
                    indicator_code: i.code.clone(),
                    value,
                }
                .into_active_model(),
            )
        })
        .collect();
    super::regimes::insert_all(&txn, values).await?;
    audit_report(
        &txn,
        &actor,
        "compileReport",
        current.as_ref(),
        &next,
        &values_before,
    )
    .await?;
    txn.commit().await?;
    Ok(Transition {
        previous: current.map_or(ReportStatus::NotStarted, |c| c.status),
        report: next,
    })
}

/// Records a reminder to every expected reporter that has not submitted
/// (NOT_STARTED or DRAFT) and returns their reports: COORDINATOR over the
/// regime's recipient.
pub async fn remind_missing(
    db: &DatabaseConnection,
    by: Authority<'_>,
    period_id: Uuid,
) -> AppResult<Vec<report::Model>> {
    let txn = crate::db::begin(db).await?;
    let period = existing_period(&txn, period_id).await?;
    let regime = regimes::existing(&txn, period.regime_id).await?;
    let recipient = existing_unit(&txn, regime.recipient_unit_id).await?;
    let actor = by.require(Role::Coordinator, &recipient)?;
    let missing = report::Entity::find()
        .filter(report::Column::PeriodId.eq(period.id))
        .filter(report::Column::Compiled.eq(false))
        .filter(report::Column::FirstSubmittedAt.is_null())
        .order_by_asc(report::Column::ReporterPath)
        .all(&txn)
        .await?;
    let now = Utc::now();
    let reminders: Vec<_> = missing
        .iter()
        .map(|r| {
            report_reminder::Model {
                id: Uuid::now_v7(),
                report_id: r.id,
                reminded_at: now,
                by_username: actor.username.clone(),
            }
            .into_active_model()
        })
        .collect();
    super::regimes::insert_all(&txn, reminders).await?;
    let ids: Vec<Uuid> = missing.iter().map(|r| r.id).collect();
    for chunk in ids.chunks(400) {
        report::Entity::update_many()
            .col_expr(
                report::Column::ReminderCount,
                Expr::col(report::Column::ReminderCount).add(1),
            )
            .col_expr(report::Column::LastRemindedAt, Expr::value(now))
            .filter(report::Column::Id.is_in(chunk.iter().copied()))
            .filter(report::Column::FirstSubmittedAt.is_null())
            .exec(&txn)
            .await?;
    }
    let change = Change {
        action: "remindMissing",
        entity_type: "ReportingPeriod",
        entity_id: period.id,
        scope_unit_id: Some(recipient.id),
        before: None,
        after: Some(json!({
            "period": period.code, "regime": regime.code,
            "reminded": missing.iter().map(|r| r.reporter_unit_id).collect::<Vec<_>>(),
        })),
    };
    audit::record(&txn, &actor, change).await?;
    let reminded = report::Entity::find()
        .filter(report::Column::Id.is_in(ids))
        .order_by_asc(report::Column::ReporterPath)
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(reminded)
}

/// The range of report paths at or below `path`.
fn reporter_within(path: &str) -> Condition {
    let upper = format!("{}0", &path[..path.len() - 1]);
    Condition::all()
        .add(report::Column::ReporterPath.gte(path))
        .add(report::Column::ReporterPath.lt(upper))
}

/// Reports a viewer may read: its reporter or its recipient lies in one of
/// the viewer's scopes. Nothing for anonymous callers.
pub fn visible_to(viewer: Option<&Viewer>) -> Condition {
    let Some(viewer) = viewer else {
        return Condition::all().add(Expr::val(1).eq(0));
    };
    let mut cond = Condition::any();
    let mut recipients = Condition::any();
    for grant in &viewer.grants {
        cond = cond.add(reporter_within(&grant.scope.path));
        recipients = recipients.add(crate::units::service::subtree_of(&grant.scope.path));
    }
    if viewer.grants.is_empty() {
        return Condition::all().add(Expr::val(1).eq(0));
    }
    cond.add(
        report::Column::RecipientUnitId.in_subquery(
            Query::select()
                .column(unit::Column::Id)
                .from(unit::Entity)
                .cond_where(recipients)
                .to_owned(),
        ),
    )
}

/// Whether `viewer` may read a report whose reporter is at
/// `reporter_path` and whose recipient is at `recipient_path`: a grant
/// over either side. Queries, `node` and the subscription all ask this.
pub fn can_see(viewer: Option<&Viewer>, reporter_path: &str, recipient_path: &str) -> bool {
    viewer.is_some_and(|v| v.covers_path(reporter_path) || v.covers_path(recipient_path))
}

/// What a viewer may do with a report now (`viewerCan`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Abilities {
    pub edit: bool,
    pub submit: bool,
    pub return_: bool,
    pub accept: bool,
}

/// What `viewer` may do with `r` (reporter `reporter`, recipient
/// `recipient`): a REPORTER over the reporter edits a report not yet
/// submitted or returned, and submits it once drafted; a REVIEWER over the
/// recipient (an APPROVER for a compiled report) returns or accepts a
/// submitted one. The transitions check the same.
pub fn viewer_can(
    viewer: Option<&Viewer>,
    r: &report::Model,
    reporter: &unit::Model,
    recipient: &unit::Model,
) -> Abilities {
    let Some(v) = viewer else {
        return Abilities::default();
    };
    let reporter_ok = !r.compiled && v.grant_covering(Role::Reporter, reporter).is_some();
    let review_role = if r.compiled {
        Role::Approver
    } else {
        Role::Reviewer
    };
    let reviewer_ok = v.grant_covering(review_role, recipient).is_some();
    let editable = matches!(
        r.status,
        ReportStatus::NotStarted | ReportStatus::Draft | ReportStatus::Returned
    );
    let submitted = r.status == ReportStatus::Submitted;
    Abilities {
        edit: reporter_ok && editable,
        submit: reporter_ok && editable && r.status != ReportStatus::NotStarted,
        return_: reviewer_ok && submitted,
        accept: reviewer_ok && submitted,
    }
}

/// What reports are filtered by.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub period: Option<String>,
    pub regime: Option<Uuid>,
    /// Path of a unit: reporters at or below it.
    pub within: Option<String>,
    pub statuses: Vec<ReportStatus>,
    pub late: Option<bool>,
    pub reporter: Option<Uuid>,
    pub recipient: Option<Uuid>,
    pub compiled: Option<bool>,
}

/// The cursor reports are paged by: `(reporter path, id)`, so a page reads
/// down the tree.
pub fn cursor(r: &report::Model) -> Cursor {
    Cursor::new(r.reporter_path.clone(), r.id)
}

fn filter_condition(viewer: Option<&Viewer>, filter: &ReportFilter) -> Condition {
    // Within a subtree one of the viewer's grants covers, every report is
    // visible: the condition stays a plain range on the reporter's path.
    let covered = filter
        .within
        .as_ref()
        .is_some_and(|path| viewer.is_some_and(|v| v.covers_path(path)));
    let mut cond = Condition::all();
    if !covered {
        cond = cond.add(visible_to(viewer));
    }
    if let Some(period) = &filter.period {
        cond = cond.add(report::Column::PeriodCode.eq(period.as_str()));
    }
    if let Some(regime) = filter.regime {
        cond = cond.add(report::Column::RegimeId.eq(regime));
    }
    if let Some(path) = &filter.within {
        cond = cond.add(reporter_within(path));
    }
    if !filter.statuses.is_empty() {
        cond = cond.add(report::Column::Status.is_in(filter.statuses.iter().copied()));
    }
    if let Some(id) = filter.reporter {
        cond = cond.add(report::Column::ReporterUnitId.eq(id));
    }
    if let Some(id) = filter.recipient {
        cond = cond.add(report::Column::RecipientUnitId.eq(id));
    }
    if let Some(compiled) = filter.compiled {
        cond = cond.add(report::Column::Compiled.eq(compiled));
    }
    if let Some(late) = filter.late {
        // Written out both ways: NOT over a NULL comparison would drop the
        // reports not yet submitted.
        let now = Utc::now();
        let first = || Expr::col(report::Column::FirstSubmittedAt);
        let deadline = || Expr::col(report::Column::DeadlineAt);
        let (submitted, missing) = if late {
            (first().gte(deadline()), report::Column::DeadlineAt.lte(now))
        } else {
            (first().lt(deadline()), report::Column::DeadlineAt.gt(now))
        };
        cond = cond.add(
            Condition::any()
                .add(
                    Condition::all()
                        .add(report::Column::FirstSubmittedAt.is_not_null())
                        .add(submitted),
                )
                .add(
                    Condition::all()
                        .add(report::Column::FirstSubmittedAt.is_null())
                        .add(missing),
                ),
        );
    }
    cond
}

/// One page of the reports `viewer` may read, down the tree.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    filter: &ReportFilter,
    page: &PageRequest,
) -> AppResult<Page<report::Model>> {
    let cond = filter_condition(viewer, filter)
        .add(page.keyset(report::Column::ReporterPath, report::Column::Id));
    let rows = report::Entity::find()
        .filter(cond)
        .order_by(report::Column::ReporterPath, page.order())
        .order_by(report::Column::Id, page.order())
        .limit(page.limit + 1)
        .all(db)
        .await?;
    Ok(Page::from_probe(rows, page))
}

/// How many reports match.
pub async fn count(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    filter: &ReportFilter,
) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(report::Entity::find()
        .filter(filter_condition(viewer, filter))
        .count(db)
        .await?)
}

/// The accepted unit reports a compiled report was made from (accepted by
/// its latest compilation), those `viewer` may read.
pub async fn compiled_from(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    compiled: &report::Model,
) -> AppResult<Vec<report::Model>> {
    let Some(compiled_at) = compiled.submitted_at else {
        return Ok(Vec::new());
    };
    Ok(report::Entity::find()
        .filter(visible_to(viewer))
        .filter(report::Column::PeriodId.eq(compiled.period_id))
        .filter(report::Column::Compiled.eq(false))
        .filter(report::Column::Status.eq(ReportStatus::Accepted))
        .filter(report::Column::AcceptedAt.lte(compiled_at))
        .order_by_asc(report::Column::ReporterPath)
        .all(db)
        .await?)
}

/// The periods open under `code`, optionally of one regime.
pub async fn periods_by_code(
    db: &impl ConnectionTrait,
    code: &str,
    regime: Option<Uuid>,
) -> AppResult<Vec<reporting_period::Model>> {
    let mut query =
        reporting_period::Entity::find().filter(reporting_period::Column::Code.eq(code));
    if let Some(regime) = regime {
        query = query.filter(reporting_period::Column::RegimeId.eq(regime));
    }
    Ok(query.all(db).await?)
}

/// The regimes a viewer may see: those whose recipient's province is in
/// one of their scopes, or whose recipient is.
pub async fn regimes_visible(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
) -> AppResult<Vec<reporting_regime::Model>> {
    let all = reporting_regime::Entity::find()
        .order_by_asc(reporting_regime::Column::Code)
        .all(db)
        .await?;
    let recipients = crate::units::service::find_many(
        db,
        &all.iter().map(|r| r.recipient_unit_id).collect::<Vec<_>>(),
    )
    .await?;
    Ok(all
        .into_iter()
        .filter(|r| {
            recipients
                .iter()
                .find(|u| u.id == r.recipient_unit_id)
                .is_some_and(|u| {
                    let province = path_ids(&u.path).first().copied();
                    viewer.grants.iter().any(|g| {
                        u.path.starts_with(&g.scope.path)
                            || province.is_some_and(|p| g.scope.path.starts_with(&format!("/{p}/")))
                    })
                })
        })
        .collect())
}

//! Reports through their status machine, each change in one transaction
//! with its audit event and the rollup counters it moves.
//!
//! NOT_STARTED → DRAFT → SUBMITTED → (RETURNED → SUBMITTED)* → ACCEPTED.
//! Every edit and transition carries the version the client last read; a
//! stale one is a CONFLICT and changes nothing.

use std::collections::{HashMap, HashSet};

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
    DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::figures::{self, Violation};
use super::regimes::{self, end_of_day, existing_period, indicators_of};
use crate::audit::{self, Actor, Change};
use crate::auth::{Authority, Viewer};
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::pagination::{Cursor, Page, PageRequest};
use crate::units::service::existing as existing_unit;
use crate::units::service::path_ids;

mod compile;
mod draft;
mod read;
mod remind;
mod review;
mod sign;

pub use compile::*;
pub use draft::*;
pub use read::*;
pub use remind::*;
pub use review::*;
pub use sign::*;

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

/// An indicator's value as sent: exactly the one field its type takes
/// (`value` for INTEGER, NUMBER, PERCENTAGE; `yes` for BOOLEAN; `text` for
/// TEXT).
#[derive(Debug, Clone, Default)]
pub struct ValueInput {
    pub indicator: String,
    pub value: Option<f64>,
    pub yes: Option<bool>,
    pub text: Option<String>,
}

impl ValueInput {
    /// A number for `indicator`.
    pub fn number(indicator: impl Into<String>, value: f64) -> Self {
        ValueInput {
            indicator: indicator.into(),
            value: Some(value),
            ..ValueInput::default()
        }
    }
}

/// A draft's changes; None leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct DraftInput {
    pub results: Option<String>,
    pub difficulties: Option<String>,
    pub proposals: Option<String>,
    pub items: Vec<ItemInput>,
    pub values: Vec<ValueInput>,
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

fn report_json(
    r: &report::Model,
    values: &[(String, f64)],
    texts: Option<&[(String, String)]>,
) -> Value {
    let mut json = json!({
        "status": r.status.to_value(), "version": r.version,
        "results": r.results, "difficulties": r.difficulties, "proposals": r.proposals,
        "returnReason": r.return_reason,
        "values": values.iter().map(|(c, v)| json!({ "indicator": c, "value": v })).collect::<Vec<_>>(),
    });
    if let Some(texts) = texts {
        json["texts"] = texts
            .iter()
            .map(|(c, t)| json!({ "indicator": c, "text": t }))
            .collect();
    }
    json
}

/// The answers of a report's TEXT indicators, by code.
async fn texts_of(db: &impl ConnectionTrait, report_id: Uuid) -> AppResult<Vec<(String, String)>> {
    Ok(report_value::Entity::find()
        .filter(report_value::Column::ReportId.eq(report_id))
        .filter(report_value::Column::TextValue.is_not_null())
        .order_by_asc(report_value::Column::IndicatorCode)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|v| Some((v.indicator_code, v.text_value?)))
        .collect())
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
    audit_report_with(
        txn,
        actor,
        action,
        before,
        after,
        values_before,
        None,
        json!({}),
    )
    .await
}

/// [`audit_report`] for a change that may change TEXT answers: with
/// `texts_before`, both sides list the answers.
async fn audit_report_texts(
    txn: &DatabaseTransaction,
    actor: &Actor,
    action: &str,
    before: Option<&report::Model>,
    after: &report::Model,
    values_before: &[(String, f64)],
    texts_before: Option<&[(String, String)]>,
) -> AppResult<()> {
    audit_report_with(
        txn,
        actor,
        action,
        before,
        after,
        values_before,
        texts_before,
        json!({}),
    )
    .await
}

/// [`audit_report_texts`] with `extra` fields (an object) beside the
/// report's own in the event's `after`.
#[allow(clippy::too_many_arguments)]
async fn audit_report_with(
    txn: &DatabaseTransaction,
    actor: &Actor,
    action: &str,
    before: Option<&report::Model>,
    after: &report::Model,
    values_before: &[(String, f64)],
    texts_before: Option<&[(String, String)]>,
    extra: Value,
) -> AppResult<()> {
    let values_after = values_of(txn, after.id).await?;
    let texts_after = match texts_before {
        Some(_) => Some(texts_of(txn, after.id).await?),
        None => None,
    };
    let mut after_json = report_json(after, &values_after, texts_after.as_deref());
    if let (Some(fields), Value::Object(extra)) = (after_json.as_object_mut(), extra) {
        fields.extend(extra);
    }
    let change = Change {
        action,
        entity_type: "Report",
        entity_id: after.id,
        scope_unit_id: Some(after.reporter_unit_id),
        before: before.map(|b| report_json(b, values_before, texts_before)),
        after: Some(after_json),
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

/// Most values one report holds (a regime has far fewer indicators).
pub const MAX_VALUES: usize = 500;

/// Largest magnitude of an indicator value: far above any count or sum in
/// đồng a report holds, and small enough that the totals of every unit of
/// the country stay exact to the unit and finite on both databases.
pub const MAX_VALUE: f64 = 1e15;

/// Most procedures one unit reports for one mandate in one period: far
/// above any unit's workload, and low enough that the totals of a
/// province's tables stay within GraphQL's 32-bit `Int`.
pub const MAX_COUNT: i32 = 1_000_000;

fn check_count(value: Option<i32>) -> AppResult<()> {
    if value.is_some_and(|v| v < 0) {
        return Err(AppError::rule(
            Some("items"),
            UserErrorCode::NegativeCount,
            "procedure counts are zero or more",
        ));
    }
    if value.is_some_and(|v| v > MAX_COUNT) {
        return Err(AppError::rule(
            Some("items"),
            UserErrorCode::InvalidValue,
            format!("a procedure count is at most {MAX_COUNT} for one mandate in one period"),
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
            if text.chars().count() > max || !crate::text::writable(&text) {
                return Err(AppError::rule(
                    Some(field),
                    UserErrorCode::InvalidText,
                    format!(
                        "{field} has at most {max} characters, with no control or text-direction characters but lines and tabs"
                    ),
                ));
            }
            Ok(Some(text))
        }
    }
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

/// Holds the compiled report of `period` until this transaction ends: a
/// reopening of a unit report and the sending of the compilation that
/// includes it each read the other's state, so both lock the compiled
/// report's row first (the sending through [`for_writer`], which locks
/// the report it writes) and one waits for the other (SQLite has one
/// writer anyway).
pub(super) async fn lock_compiled(txn: &DatabaseTransaction, period_id: Uuid) -> AppResult<()> {
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        use sea_orm::QuerySelect;
        report::Entity::find()
            .filter(report::Column::PeriodId.eq(period_id))
            .filter(report::Column::Compiled.eq(true))
            .lock_exclusive()
            .all(txn)
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

/// Which of `mandates` ask for procedure counts in a report: those whose
/// matter lists administrative procedures (TTHC) in the catalogue of
/// powers, as it lists them now. A power that is not a procedure (a
/// decision on budget, staff, planning) is reported on without counts.
pub async fn asking_procedures(
    db: &impl ConnectionTrait,
    mandates: &[Uuid],
) -> AppResult<HashSet<Uuid>> {
    let mut asking = HashSet::new();
    for chunk in mandates.chunks(regimes::CHUNK) {
        let rows = entity::mandate::Entity::find()
            .filter(entity::mandate::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        let codes: Vec<String> = rows.iter().map(|m| m.matter_code.clone()).collect();
        let with_procedures: HashSet<String> = entity::matter::Entity::find()
            .filter(entity::matter::Column::Code.is_in(codes))
            .filter(entity::matter::Column::ProcedureCodes.ne(""))
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.code)
            .collect();
        asking.extend(
            rows.into_iter()
                .filter(|m| with_procedures.contains(&m.matter_code))
                .map(|m| m.id),
        );
    }
    Ok(asking)
}

/// The validation rules of its regime that a report's figures break now.
pub async fn violations_of(
    db: &impl ConnectionTrait,
    r: &report::Model,
) -> AppResult<Vec<Violation>> {
    let rules = regimes::rules_of(db, &[r.regime_id]).await?;
    if rules.is_empty() {
        return Ok(Vec::new());
    }
    let indicators = indicators_of(db, &[r.regime_id]).await?;
    let stored = report_value::Entity::find()
        .filter(report_value::Column::ReportId.eq(r.id))
        .all(db)
        .await?;
    Ok(figures::violations(&indicators, &rules, &stored))
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
                    let province = crate::units::service::province_of(u);
                    viewer.grants.iter().any(|g| {
                        u.path.starts_with(&g.scope.path)
                            || province.is_some_and(|p| g.scope.path.starts_with(&format!("/{p}/")))
                    })
                })
        })
        .collect())
}

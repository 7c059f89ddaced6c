//! Regimes and the opening of their periods: who reports, to whom, on
//! which mandates, by when.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use entity::mandate::{self, MandateState};
use entity::regime_indicator::{self, Aggregation};
use entity::reporting_regime::{self, CutoffRule, Frequency};
use entity::role_grant::Role;
use entity::unit::{self, UnitKind};
use entity::{
    indicator_rollup, mandate_assignment, report, report::ReportStatus, report_item, report_rollup,
    reporting_period,
};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use serde_json::json;
use uuid::Uuid;

use super::holidays;
use super::periods::Period;
use crate::audit::{self, Change};
use crate::auth::Authority;
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::mandates::service::{check_code, territory};
use crate::text::check_text;
use crate::units::service::existing as existing_unit;
use crate::units::service::{in_force, path_ids, subtree_of, valid_on};

/// Rows per multi-row INSERT or `IN` list: well under SQLite's and
/// PostgreSQL's bound-parameter limits.
pub const CHUNK: usize = 400;

/// Inserts `rows` in multi-row statements of [`CHUNK`] rows.
pub async fn insert_all<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> AppResult<()>
where
    A: sea_orm::ActiveModelTrait + Clone + Send,
{
    for chunk in rows.chunks(CHUNK) {
        <A::Entity as EntityTrait>::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// An indicator as defined.
#[derive(Debug, Clone)]
pub struct IndicatorInput {
    pub code: String,
    pub name: String,
    pub measure: String,
    pub aggregation: Aggregation,
}

/// Who reports under a regime.
#[derive(Debug, Clone, Default)]
pub enum Reporters {
    /// Every unit holding a mandate during the period's window.
    #[default]
    Holders,
    Kinds(Vec<UnitKind>),
    Units(Vec<Uuid>),
}

/// A regime as created.
#[derive(Debug, Clone)]
pub struct RegimeInput {
    pub code: String,
    pub name: String,
    pub content: String,
    pub recipient: Uuid,
    pub frequency: Frequency,
    pub cutoff_rule: CutoffRule,
    pub deadline_days: i32,
    pub compiled_deadline_days: i32,
    /// Who reports: these kinds of units, or these units (not both), or,
    /// with neither, every unit holding a mandate.
    pub reporter_kinds: Option<Vec<UnitKind>>,
    pub reporter_units: Option<Vec<Uuid>>,
    pub indicators: Vec<IndicatorInput>,
}

impl RegimeInput {
    /// Who reports, as the input names them.
    fn reporters(&self) -> AppResult<Reporters> {
        match (&self.reporter_kinds, &self.reporter_units) {
            (Some(_), Some(_)) => Err(AppError::rule(
                Some("reporterKinds"),
                UserErrorCode::InvalidReporters,
                "give reporterKinds or reporterUnits, not both",
            )),
            (Some(kinds), None) => Ok(Reporters::Kinds(kinds.clone())),
            (None, Some(units)) => Ok(Reporters::Units(units.clone())),
            (None, None) => Ok(Reporters::Holders),
        }
    }
}

/// The `reporter_kinds`/`reporter_units` columns read back.
pub fn reporters_of(regime: &reporting_regime::Model) -> Reporters {
    if let Some(kinds) = &regime.reporter_kinds {
        return Reporters::Kinds(
            kinds
                .split(',')
                .filter_map(|k| UnitKind::try_from_value(&k.to_owned()).ok())
                .collect(),
        );
    }
    if let Some(units) = &regime.reporter_units {
        return Reporters::Units(serde_json::from_str(units).unwrap_or_default());
    }
    Reporters::Holders
}

/// A regime that must exist.
pub async fn existing(db: &impl ConnectionTrait, id: Uuid) -> AppResult<reporting_regime::Model> {
    reporting_regime::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("regime"))
}

/// The indicators of regimes, in their order.
pub async fn indicators_of(
    db: &impl ConnectionTrait,
    regimes: &[Uuid],
) -> AppResult<Vec<regime_indicator::Model>> {
    Ok(regime_indicator::Entity::find()
        .filter(regime_indicator::Column::RegimeId.is_in(regimes.iter().copied()))
        .order_by_asc(regime_indicator::Column::Position)
        .all(db)
        .await?)
}

fn check_deadlines(input: &RegimeInput) -> AppResult<()> {
    if !(1..=60).contains(&input.deadline_days) {
        return Err(AppError::rule(
            Some("deadlineDays"),
            UserErrorCode::InvalidDeadline,
            "a report is due 1 to 60 working days after the cut-off",
        ));
    }
    if !(1..=90).contains(&input.compiled_deadline_days)
        || input.compiled_deadline_days < input.deadline_days
    {
        return Err(AppError::rule(
            Some("compiledDeadlineDays"),
            UserErrorCode::DeadlineOrder,
            "the compiled report is due no earlier than the reports it compiles (1 to 90 working days)",
        ));
    }
    Ok(())
}

fn check_indicators(indicators: &[IndicatorInput]) -> AppResult<()> {
    if indicators.len() > 50 {
        return Err(AppError::rule(
            Some("indicators"),
            UserErrorCode::TooManyIndicators,
            "a regime has at most 50 indicators",
        ));
    }
    let mut seen = HashSet::new();
    for indicator in indicators {
        check_code(&indicator.code).map_err(|_| {
            AppError::rule(
                Some("indicators"),
                UserErrorCode::InvalidCode,
                format!(
                    "indicator code `{}`: 2 to 64 letters, digits, - _ . /",
                    indicator.code
                ),
            )
        })?;
        if !seen.insert(indicator.code.as_str()) {
            return Err(AppError::rule(
                Some("indicators"),
                UserErrorCode::DuplicateIndicator,
                format!("indicator `{}` is given twice", indicator.code),
            ));
        }
        check_text("indicators", &indicator.name, 300)?;
        check_text("indicators", &indicator.measure, 50)?;
    }
    Ok(())
}

/// Creates a regime: COORDINATOR over its recipient (Sở Nội vụ).
pub async fn create_regime(
    db: &DatabaseConnection,
    by: Authority<'_>,
    input: RegimeInput,
) -> AppResult<reporting_regime::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Reporting).await?;
    let recipient = existing_unit(&txn, input.recipient).await?;
    let actor = by.require(Role::Coordinator, &recipient)?;
    check_code(&input.code)?;
    let name = check_text("name", &input.name, 300)?;
    let content =
        crate::text::check_long_text("content", Some(&input.content), 4000)?.ok_or_else(|| {
            AppError::rule(
                Some("content"),
                UserErrorCode::InvalidText,
                "content has 1 to 4000 characters",
            )
        })?;
    check_deadlines(&input)?;
    check_indicators(&input.indicators)?;
    if !matches!(recipient.kind, UnitKind::Department | UnitKind::Province) {
        return Err(AppError::rule(
            Some("recipient"),
            UserErrorCode::InvalidRecipient,
            "reports go to a provincial body (Sở Nội vụ) or the province; a compiled report goes on to the province",
        ));
    }
    let (kinds, units) = match &input.reporters()? {
        Reporters::Holders => (None, None),
        Reporters::Kinds(kinds) => {
            if kinds.is_empty() || kinds.contains(&UnitKind::Province) {
                return Err(AppError::rule(
                    Some("reporterKinds"),
                    UserErrorCode::InvalidReporters,
                    "name departments, districts or communes; the province report is compiled",
                ));
            }
            let mut names: Vec<String> = kinds.iter().map(|k| k.to_value()).collect();
            names.sort();
            names.dedup();
            (Some(names.join(",")), None)
        }
        Reporters::Units(ids) => {
            let distinct: HashSet<_> = ids.iter().collect();
            if ids.is_empty() || ids.len() > 2000 || distinct.len() != ids.len() {
                return Err(AppError::rule(
                    Some("reporterUnits"),
                    UserErrorCode::InvalidReporters,
                    "name 1 to 2000 distinct units",
                ));
            }
            let area = territory(&txn, &recipient).await?;
            for id in ids {
                let unit = existing_unit(&txn, *id).await?;
                if !unit.path.starts_with(&area) || unit.kind == UnitKind::Province {
                    return Err(AppError::rule(
                        Some("reporterUnits"),
                        UserErrorCode::ReporterOutsideTerritory,
                        format!("{} does not report to {}", unit.name, recipient.name),
                    ));
                }
            }
            (
                None,
                Some(serde_json::to_string(ids).expect("ids serialise")),
            )
        }
    };
    let taken = reporting_regime::Entity::find()
        .filter(reporting_regime::Column::Code.eq(input.code.as_str()))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(AppError::rule(
            Some("code"),
            UserErrorCode::DuplicateCode,
            "another regime has that code",
        ));
    }
    let regime = reporting_regime::Model {
        id: Uuid::now_v7(),
        code: input.code,
        name,
        content,
        recipient_unit_id: recipient.id,
        frequency: input.frequency,
        cutoff_rule: input.cutoff_rule,
        deadline_days: input.deadline_days,
        compiled_deadline_days: input.compiled_deadline_days,
        reporter_kinds: kinds,
        reporter_units: units,
        created_at: Utc::now(),
    };
    reporting_regime::Entity::insert(regime.clone().into_active_model())
        .exec_without_returning(&txn)
        .await?;
    let indicators: Vec<_> = input
        .indicators
        .iter()
        .enumerate()
        .map(|(position, i)| {
            regime_indicator::Model {
                id: Uuid::now_v7(),
                regime_id: regime.id,
                code: i.code.clone(),
                name: i.name.trim().to_owned(),
                measure: i.measure.trim().to_owned(),
                aggregation: i.aggregation,
                position: position as i32,
            }
            .into_active_model()
        })
        .collect();
    insert_all(&txn, indicators).await?;
    let change = Change {
        action: "createRegime",
        entity_type: "ReportingRegime",
        entity_id: regime.id,
        scope_unit_id: Some(recipient.id),
        before: None,
        after: Some(json!({
            "code": regime.code, "name": regime.name, "recipientUnitId": regime.recipient_unit_id,
            "frequency": regime.frequency.to_value(), "cutoffRule": regime.cutoff_rule.to_value(),
            "deadlineDays": regime.deadline_days, "compiledDeadlineDays": regime.compiled_deadline_days,
            "reporterKinds": regime.reporter_kinds, "reporterUnits": regime.reporter_units,
            "indicators": input.indicators.iter().map(|i| json!({
                "code": i.code, "name": i.name, "measure": i.measure, "aggregation": i.aggregation.to_value(),
            })).collect::<Vec<_>>(),
        })),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(regime)
}

/// The instant a deadline day ends in Vietnam (UTC+7): reports submitted
/// before it are on time.
pub fn end_of_day(day: NaiveDate) -> chrono::DateTime<Utc> {
    let next = day.succ_opt().unwrap_or(day).and_time(NaiveTime::MIN);
    Utc.from_utc_datetime(&(next - chrono::Duration::hours(7)))
}

/// The deadline day that ends at `end` (the inverse of [`end_of_day`]).
pub fn deadline_day(end: chrono::DateTime<Utc>) -> NaiveDate {
    (end + chrono::Duration::hours(7))
        .date_naive()
        .pred_opt()
        .unwrap_or(NaiveDate::MIN)
}

/// One expected reporter of a period.
struct Expected {
    unit: unit::Model,
    recipient: Uuid,
    mandates: Vec<Uuid>,
}

/// Opens periods of a regime: COORDINATOR over its recipient. Each period
/// gets its window and deadlines from the holiday calendar, one report per
/// expected reporter with an item per mandate it held in the window, and
/// zeroed rollups for every unit above a reporter.
pub async fn open_periods(
    db: &DatabaseConnection,
    by: Authority<'_>,
    regime_id: Uuid,
    year: Option<i32>,
    explicit: Vec<Period>,
) -> AppResult<Vec<reporting_period::Model>> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Reporting).await?;
    let regime = existing(&txn, regime_id).await?;
    let recipient = existing_unit(&txn, regime.recipient_unit_id).await?;
    let actor = by.require(Role::Coordinator, &recipient)?;
    let mut periods = explicit;
    if let Some(year) = year {
        if !(2000..=2100).contains(&year) {
            return Err(AppError::rule(
                Some("year"),
                UserErrorCode::InvalidYear,
                "a year from 2000 to 2100",
            ));
        }
        if regime.frequency == Frequency::AdHoc {
            return Err(AppError::rule(
                Some("year"),
                UserErrorCode::AdHocNeedsDates,
                "an ad-hoc regime opens periods with explicit dates",
            ));
        }
        periods.extend(Period::all_in(year, regime.frequency));
    }
    let distinct: HashSet<_> = periods.iter().collect();
    if periods.is_empty() || periods.len() > 24 || distinct.len() != periods.len() {
        return Err(AppError::rule(
            Some("periods"),
            UserErrorCode::InvalidPeriods,
            "open 1 to 24 distinct periods (a year, or a list)",
        ));
    }
    if let Some(wrong) = periods.iter().find(|p| p.frequency() != regime.frequency) {
        return Err(AppError::rule(
            Some("periods"),
            UserErrorCode::PeriodFrequencyMismatch,
            format!(
                "{wrong} is not a period of a {} regime",
                regime.frequency.to_value()
            ),
        ));
    }
    let codes: Vec<String> = periods.iter().map(ToString::to_string).collect();
    let open = reporting_period::Entity::find()
        .filter(reporting_period::Column::RegimeId.eq(regime.id))
        .filter(reporting_period::Column::Code.is_in(codes.iter().map(String::as_str)))
        .one(&txn)
        .await?;
    if let Some(open) = open {
        return Err(AppError::rule(
            Some("periods"),
            UserErrorCode::PeriodAlreadyOpen,
            format!("{} is already open", open.code),
        ));
    }
    let windows: Vec<_> = periods
        .iter()
        .map(|p| p.window(regime.cutoff_rule))
        .collect();
    let first = windows
        .iter()
        .map(|w| w.0)
        .min()
        .expect("at least one period");
    let last = windows
        .iter()
        .map(|w| w.1)
        .max()
        .expect("at least one period");
    let calendar = holidays::calendar(&txn, first, last).await?;
    let area = territory(&txn, &recipient).await?;
    let indicators = indicators_of(&txn, &[regime.id]).await?;
    // A regime may be set up for past periods (to take in reports kept on
    // paper or spreadsheets), so the recipient is checked on each cut-off.
    if let Some((period, (_, to))) = periods
        .iter()
        .zip(&windows)
        .find(|(_, (_, to))| !in_force(&recipient, *to))
    {
        return Err(AppError::rule(
            Some("periods"),
            UserErrorCode::RecipientNotInForce,
            format!(
                "{} was not in force on {to}, the cut-off of {period}",
                recipient.name
            ),
        ));
    }
    let mut opened = Vec::new();
    for (period, (from, to)) in periods.iter().zip(windows) {
        let deadline = calendar.add_working_days(to, regime.deadline_days as u32);
        let compiled_deadline = calendar.add_working_days(to, regime.compiled_deadline_days as u32);
        let row = reporting_period::Model {
            id: Uuid::now_v7(),
            regime_id: regime.id,
            code: period.to_string(),
            data_from: from,
            data_to: to,
            deadline,
            compiled_deadline,
            opened_at: Utc::now(),
        };
        reporting_period::Entity::insert(row.clone().into_active_model())
            .exec_without_returning(&txn)
            .await?;
        let expected = expected_reporters(&txn, &regime, &recipient, &area, from, to).await?;
        let count = expected.len();
        create_reports(&txn, &regime, &row, &expected, &indicators).await?;
        let change = Change {
            action: "openPeriods",
            entity_type: "ReportingPeriod",
            entity_id: row.id,
            scope_unit_id: Some(recipient.id),
            before: None,
            after: Some(json!({
                "regime": regime.code, "period": row.code, "dataFrom": from, "dataTo": to,
                "deadline": deadline, "compiledDeadline": compiled_deadline, "expected": count,
            })),
        };
        audit::record(&txn, &actor, change).await?;
        opened.push(row);
    }
    txn.commit().await?;
    Ok(opened)
}

/// Assignments of issued mandates to `units` overlapping `from..=to`:
/// what each unit held in the window.
async fn held_in(
    db: &impl ConnectionTrait,
    units: &[Uuid],
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<HashMap<Uuid, Vec<Uuid>>> {
    let mut held: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for chunk in units.chunks(CHUNK) {
        let assignments = mandate_assignment::Entity::find()
            .filter(mandate_assignment::Column::DelegateeUnitId.is_in(chunk.iter().copied()))
            .filter(mandate_assignment::Column::ValidFrom.lte(to))
            .filter(
                Condition::any()
                    .add(mandate_assignment::Column::ValidTo.is_null())
                    .add(mandate_assignment::Column::ValidTo.gte(from)),
            )
            .all(db)
            .await?;
        let ids: HashSet<Uuid> = assignments.iter().map(|a| a.mandate_id).collect();
        let issued: HashSet<Uuid> = mandate::Entity::find()
            .filter(mandate::Column::Id.is_in(ids))
            .filter(mandate::Column::State.ne(MandateState::Draft))
            .all(db)
            .await?
            .into_iter()
            // A mandate revoked before it began never applied.
            .filter(|m| m.effective_to.is_none_or(|end| end >= m.effective_from))
            .map(|m| m.id)
            .collect();
        for a in assignments {
            if issued.contains(&a.mandate_id) && a.valid_to.is_none_or(|end| end >= a.valid_from) {
                let list = held.entry(a.delegatee_unit_id).or_default();
                if !list.contains(&a.mandate_id) {
                    list.push(a.mandate_id);
                }
            }
        }
    }
    Ok(held)
}

/// The units that report for the window ending `to`: those in force on the
/// cut-off within the recipient's province, chosen by the regime's rule,
/// with where each one's report goes (a commune under a district sends it
/// to the district, everyone else to the regime's recipient; the
/// recipient's own report goes to its province).
async fn expected_reporters(
    txn: &DatabaseTransaction,
    regime: &reporting_regime::Model,
    recipient: &unit::Model,
    area: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<Expected>> {
    let in_force = unit::Entity::find()
        .filter(subtree_of(area))
        .filter(valid_on(to))
        .filter(unit::Column::Kind.ne(UnitKind::Province))
        .order_by_asc(unit::Column::Path)
        .all(txn)
        .await?;
    let ids: Vec<Uuid> = in_force.iter().map(|u| u.id).collect();
    let held = held_in(txn, &ids, from, to).await?;
    let chosen: Vec<unit::Model> = match reporters_of(regime) {
        Reporters::Holders => in_force
            .into_iter()
            .filter(|u| held.contains_key(&u.id))
            .collect(),
        Reporters::Kinds(kinds) => in_force
            .into_iter()
            .filter(|u| kinds.contains(&u.kind))
            .collect(),
        Reporters::Units(list) => in_force
            .into_iter()
            .filter(|u| list.contains(&u.id))
            .collect(),
    };
    let kinds: HashMap<Uuid, UnitKind> = chosen.iter().map(|u| (u.id, u.kind)).collect();
    let parents: Vec<Uuid> = chosen.iter().filter_map(|u| u.parent_id).collect();
    let districts: HashSet<Uuid> = crate::units::service::find_many(txn, &parents)
        .await?
        .into_iter()
        .filter(|u| u.kind == UnitKind::District)
        .map(|u| u.id)
        .collect();
    Ok(chosen
        .into_iter()
        .map(|unit| {
            let recipient_id = match unit.parent_id {
                Some(parent)
                    if kinds.get(&unit.id) == Some(&UnitKind::Commune)
                        && districts.contains(&parent) =>
                {
                    parent
                }
                Some(parent) if unit.id == recipient.id => parent,
                _ => recipient.id,
            };
            let mandates = held.get(&unit.id).cloned().unwrap_or_default();
            Expected {
                unit,
                recipient: recipient_id,
                mandates,
            }
        })
        .collect())
}

async fn create_reports(
    txn: &DatabaseTransaction,
    regime: &reporting_regime::Model,
    period: &reporting_period::Model,
    expected: &[Expected],
    indicators: &[regime_indicator::Model],
) -> AppResult<()> {
    let now = Utc::now();
    let deadline_at = end_of_day(period.deadline);
    let mut reports = Vec::with_capacity(expected.len());
    let mut items = Vec::new();
    // Counts per unit at or above a reporter, with that unit's parent.
    let mut rollups: BTreeMap<Uuid, (Option<Uuid>, i32)> = BTreeMap::new();
    for e in expected {
        let id = Uuid::now_v7();
        reports.push(
            report::Model {
                id,
                period_id: period.id,
                period_code: period.code.clone(),
                regime_id: regime.id,
                reporter_unit_id: e.unit.id,
                reporter_path: e.unit.path.clone(),
                recipient_unit_id: e.recipient,
                compiled: false,
                status: ReportStatus::NotStarted,
                version: 1,
                results: None,
                difficulties: None,
                proposals: None,
                return_reason: None,
                deadline_at,
                first_submitted_at: None,
                submitted_at: None,
                returned_at: None,
                accepted_at: None,
                reminder_count: 0,
                last_reminded_at: None,
                updated_at: now,
            }
            .into_active_model(),
        );
        for mandate_id in &e.mandates {
            items.push(blank_item(id, *mandate_id).into_active_model());
        }
        let path = path_ids(&e.unit.path);
        for (depth, unit_id) in path.iter().enumerate() {
            let parent = depth.checked_sub(1).map(|d| path[d]);
            rollups.entry(*unit_id).or_insert((parent, 0)).1 += 1;
        }
    }
    insert_all(txn, reports).await?;
    insert_all(txn, items).await?;
    let counters: Vec<_> = rollups
        .iter()
        .map(|(unit_id, (parent, expected))| {
            report_rollup::Model {
                period_id: period.id,
                unit_id: *unit_id,
                parent_unit_id: *parent,
                expected: *expected,
                submitted: 0,
                on_time: 0,
                late: 0,
                returned: 0,
                accepted: 0,
            }
            .into_active_model()
        })
        .collect();
    insert_all(txn, counters).await?;
    let totals: Vec<_> = rollups
        .keys()
        .flat_map(|unit_id| {
            indicators.iter().map(|i| {
                indicator_rollup::Model {
                    period_id: period.id,
                    unit_id: *unit_id,
                    indicator_code: i.code.clone(),
                    total: 0.0,
                    reports: 0,
                }
                .into_active_model()
            })
        })
        .collect();
    insert_all(txn, totals).await?;
    Ok(())
}

/// An item with nothing reported yet.
pub fn blank_item(report_id: Uuid, mandate_id: Uuid) -> report_item::Model {
    report_item::Model {
        id: Uuid::now_v7(),
        report_id,
        mandate_id,
        implementation_status: None,
        procedures_received: None,
        resolved_on_time: None,
        resolved_late: None,
        pending: None,
        difficulties: None,
        proposal: None,
        proposal_note: None,
    }
}

/// A period that must exist.
pub async fn existing_period(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<reporting_period::Model> {
    reporting_period::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("period"))
}

/// The mandates `reporter` held in `period`'s window that its report has
/// no item for yet (a mandate issued after the period was opened).
pub async fn refresh_items(
    txn: &DatabaseTransaction,
    report: &report::Model,
    period: &reporting_period::Model,
) -> AppResult<()> {
    let held = held_in(
        txn,
        &[report.reporter_unit_id],
        period.data_from,
        period.data_to,
    )
    .await?;
    let Some(held) = held.get(&report.reporter_unit_id) else {
        return Ok(());
    };
    let present: HashSet<Uuid> = report_item::Entity::find()
        .filter(report_item::Column::ReportId.eq(report.id))
        .all(txn)
        .await?
        .into_iter()
        .map(|i| i.mandate_id)
        .collect();
    let missing: Vec<_> = held
        .iter()
        .filter(|m| !present.contains(m))
        .map(|m| blank_item(report.id, *m).into_active_model())
        .collect();
    insert_all(txn, missing).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_day_ends_at_midnight_in_vietnam() {
        let end = end_of_day("2026-03-16".parse().unwrap());
        assert_eq!(end.to_rfc3339(), "2026-03-16T17:00:00+00:00");
        assert_eq!(deadline_day(end), "2026-03-16".parse().unwrap());
    }
}

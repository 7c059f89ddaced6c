//! Reporting progress, read from the maintained rollups: a few statements
//! per request whatever the number of reports, and a rebuild that
//! recomputes the rollups from the reports (bulk loads, repairs, and the
//! check that the maintained counters are right).

use std::collections::{BTreeMap, HashMap};

use entity::regime_indicator::{self, Aggregation, ValueType};
use entity::report::{self, ReportStatus};
use entity::{indicator_rollup, report_rollup, report_value, reporting_period};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::figures;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::units::service::{self as units, path_ids};

/// Report counts of one subtree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub expected: i64,
    pub submitted: i64,
    pub on_time: i64,
    pub late: i64,
    pub returned: i64,
    pub accepted: i64,
}

impl Counts {
    fn add(&mut self, r: &report_rollup::Model) {
        self.expected += i64::from(r.expected);
        self.submitted += i64::from(r.submitted);
        self.on_time += i64::from(r.on_time);
        self.late += i64::from(r.late);
        self.returned += i64::from(r.returned);
        self.accepted += i64::from(r.accepted);
    }

    fn merge(&mut self, other: &Counts) {
        self.expected += other.expected;
        self.submitted += other.submitted;
        self.on_time += other.on_time;
        self.late += other.late;
        self.returned += other.returned;
        self.accepted += other.accepted;
    }

    /// Expected reports never submitted.
    pub fn missing(&self) -> i64 {
        self.expected - self.submitted
    }

    /// Submitted and waiting for the recipient.
    pub fn awaiting_review(&self) -> i64 {
        self.submitted - self.returned - self.accepted
    }
}

/// An indicator's total over a subtree's accepted reports.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorTotal {
    pub code: String,
    pub name: String,
    pub measure: String,
    pub aggregation: Aggregation,
    pub value_type: ValueType,
    /// The sum of the accepted reports' values; for a computed indicator,
    /// its value (0 when undefined).
    pub total: f64,
    /// Accepted reports that gave a value; for a computed indicator, the
    /// fewest any of its inputs has.
    pub reports: i64,
    /// The aggregated figure, a computed one by its formula over the
    /// others' figures ([`figures::rolled_up`]); None with no report, for
    /// TEXT, or when a formula divides by zero.
    pub value: Option<f64>,
}

/// Progress of one subtree.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// None for the whole country.
    pub unit_id: Option<Uuid>,
    pub counts: Counts,
    pub indicators: Vec<IndicatorTotal>,
}

/// `reportingProgress` for `viewer`: under `within` (a unit one of their
/// grants covers, else FORBIDDEN) and its children, or, without it, over
/// the provinces their grants are rooted at. Children read in the tree's
/// order: by kind, then code.
pub async fn progress_for(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    period_code: &str,
    regime: Option<Uuid>,
    within: Option<Uuid>,
) -> AppResult<(Progress, Vec<Progress>)> {
    if let Some(id) = within {
        let unit = units::existing(db, id).await?;
        if !viewer.covers(&unit) {
            return Err(AppError::Forbidden);
        }
    }
    let roots: Vec<Uuid> = viewer
        .grants
        .iter()
        .filter(|g| g.scope.parent_id.is_none())
        .map(|g| g.scope.id)
        .collect();
    let (head, mut children) = progress(db, period_code, regime, within, |id| {
        within.is_some() || roots.contains(&id)
    })
    .await?;
    let ids: Vec<Uuid> = children.iter().filter_map(|c| c.unit_id).collect();
    let found = units::find_many(db, &ids).await?;
    let key = |c: &Progress| {
        c.unit_id
            .and_then(|id| found.iter().find(|u| u.id == id))
            .map(|u| (u.kind as u8, u.code.clone()))
    };
    children.sort_by_cached_key(key);
    Ok((head, children))
}

/// `reportingProgress` of `regime` in each of its periods from `from` to
/// `to` (their cut-offs, inclusive), oldest first: at most 60 periods.
pub async fn trend(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    regime: Uuid,
    from: super::periods::Period,
    to: super::periods::Period,
    within: Option<Uuid>,
) -> AppResult<Vec<(reporting_period::Model, Progress, Vec<Progress>)>> {
    use crate::error::UserErrorCode;
    let found = super::regimes::existing(db, regime).await?;
    let (first, last) = (
        from.window(found.cutoff_rule).1,
        to.window(found.cutoff_rule).1,
    );
    if from.frequency() != found.frequency || to.frequency() != found.frequency || first > last {
        return Err(AppError::rule(
            Some("from"),
            UserErrorCode::InvalidPeriods,
            "give two periods of the regime's frequency, the first no later than the last",
        ));
    }
    let periods = reporting_period::Entity::find()
        .filter(reporting_period::Column::RegimeId.eq(regime))
        .filter(reporting_period::Column::DataTo.between(first, last))
        .order_by_asc(reporting_period::Column::DataTo)
        .all(db)
        .await?;
    if periods.len() > 60 {
        return Err(AppError::rule(
            Some("to"),
            UserErrorCode::InvalidPeriods,
            "a trend spans at most 60 periods",
        ));
    }
    let mut points = Vec::with_capacity(periods.len());
    for period in periods {
        let (head, children) = progress_for(db, viewer, &period.code, Some(regime), within).await?;
        points.push((period, head, children));
    }
    Ok(points)
}

/// Progress for `period` under `within` (None: every province, as
/// children) and for each child with reports, restricted to `allowed`
/// children when given. Summed over the regimes with that period.
pub async fn progress(
    db: &impl ConnectionTrait,
    period_code: &str,
    regime: Option<Uuid>,
    within: Option<Uuid>,
    allowed: impl Fn(Uuid) -> bool,
) -> AppResult<(Progress, Vec<Progress>)> {
    let periods = super::reports::periods_by_code(db, period_code, regime).await?;
    if periods.is_empty() {
        return Ok((
            Progress {
                unit_id: within,
                ..Progress::default()
            },
            Vec::new(),
        ));
    }
    let period_ids: Vec<Uuid> = periods.iter().map(|p| p.id).collect();
    let scope = match within {
        Some(id) => Condition::any()
            .add(report_rollup::Column::UnitId.eq(id))
            .add(report_rollup::Column::ParentUnitId.eq(id)),
        None => Condition::all().add(report_rollup::Column::ParentUnitId.is_null()),
    };
    let rows = report_rollup::Entity::find()
        .filter(report_rollup::Column::PeriodId.is_in(period_ids.iter().copied()))
        .filter(scope)
        .all(db)
        .await?;
    let mut own = Counts::default();
    let mut children: BTreeMap<Uuid, Counts> = BTreeMap::new();
    for row in &rows {
        if Some(row.unit_id) == within {
            own.add(row);
        } else if allowed(row.unit_id) {
            children.entry(row.unit_id).or_default().add(row);
        }
    }
    if within.is_none() {
        for counts in children.values() {
            own.merge(counts);
        }
    }
    let mut units: Vec<Uuid> = children.keys().copied().collect();
    units.extend(within);
    let definitions = regime_indicator::Entity::find()
        .filter(
            regime_indicator::Column::RegimeId
                .is_in(periods.iter().map(|p| p.regime_id).collect::<Vec<_>>()),
        )
        .order_by_asc(regime_indicator::Column::Position)
        .all(db)
        .await?;
    let mut totals: HashMap<(Uuid, String), (f64, i64)> = HashMap::new();
    for chunk in units.chunks(400) {
        let rows = indicator_rollup::Entity::find()
            .filter(indicator_rollup::Column::PeriodId.is_in(period_ids.iter().copied()))
            .filter(indicator_rollup::Column::UnitId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        for row in rows {
            let slot = totals.entry((row.unit_id, row.indicator_code)).or_default();
            slot.0 += row.total;
            slot.1 += i64::from(row.reports);
        }
    }
    // Indicators by code, first definition wins (regimes of one period
    // normally share their indicators).
    let mut codes: Vec<regime_indicator::Model> = Vec::new();
    for d in definitions {
        if !codes.iter().any(|c| c.code == d.code) {
            codes.push(d);
        }
    }
    let indicators_of = |unit: Option<Uuid>, sum_over: &[Uuid]| -> Vec<IndicatorTotal> {
        let sums: HashMap<&str, (f64, i64)> = codes
            .iter()
            .map(|d| {
                let sum = match unit {
                    Some(u) => totals
                        .get(&(u, d.code.clone()))
                        .copied()
                        .unwrap_or_default(),
                    None => sum_over.iter().fold((0.0, 0), |acc, u| {
                        let t = totals
                            .get(&(*u, d.code.clone()))
                            .copied()
                            .unwrap_or_default();
                        (acc.0 + t.0, acc.1 + t.1)
                    }),
                };
                (d.code.as_str(), sum)
            })
            .collect();
        let values = figures::rolled_up(&codes, |code| sums.get(code).copied());
        codes
            .iter()
            .zip(values)
            .map(|(d, value)| {
                let (total, reports) = match &d.formula {
                    None => sums.get(d.code.as_str()).copied().unwrap_or_default(),
                    Some(formula) => {
                        let inputs = figures::parse(formula)
                            .map(|e| {
                                e.codes()
                                    .iter()
                                    .filter_map(|c| sums.get(c).map(|s| s.1))
                                    .min()
                                    .unwrap_or(0)
                            })
                            .unwrap_or(0);
                        (value.unwrap_or(0.0), inputs)
                    }
                };
                IndicatorTotal {
                    code: d.code.clone(),
                    name: d.name.clone(),
                    measure: d.measure.clone(),
                    aggregation: d.aggregation,
                    value_type: d.value_type,
                    total,
                    reports,
                    value,
                }
            })
            .collect()
    };
    let child_ids: Vec<Uuid> = children.keys().copied().collect();
    let head = Progress {
        unit_id: within,
        counts: own,
        indicators: indicators_of(within, &child_ids),
    };
    let rest = children
        .iter()
        .map(|(id, counts)| Progress {
            unit_id: Some(*id),
            counts: *counts,
            indicators: indicators_of(Some(*id), &[]),
        })
        .collect();
    Ok((head, rest))
}

/// Recomputes the rollups of `period` from its reports, replacing what is
/// stored; returns how many counter rows it wrote.
pub async fn rebuild(
    txn: &DatabaseTransaction,
    period: &reporting_period::Model,
) -> AppResult<usize> {
    let reports = report::Entity::find()
        .filter(report::Column::PeriodId.eq(period.id))
        .filter(report::Column::Compiled.eq(false))
        .all(txn)
        .await?;
    let indicators = super::regimes::indicators_of(txn, &[period.regime_id]).await?;
    let mut counters: BTreeMap<Uuid, report_rollup::Model> = BTreeMap::new();
    let mut totals: BTreeMap<(Uuid, String), (f64, i32)> = BTreeMap::new();
    let mut accepted_ids = Vec::new();
    for r in &reports {
        let path = path_ids(&r.reporter_path);
        for (depth, unit_id) in path.iter().enumerate() {
            let row = counters.entry(*unit_id).or_insert(report_rollup::Model {
                period_id: period.id,
                unit_id: *unit_id,
                parent_unit_id: depth.checked_sub(1).map(|d| path[d]),
                expected: 0,
                submitted: 0,
                on_time: 0,
                late: 0,
                returned: 0,
                accepted: 0,
            });
            row.expected += 1;
            if let Some(at) = r.first_submitted_at {
                row.submitted += 1;
                if at >= r.deadline_at {
                    row.late += 1;
                } else {
                    row.on_time += 1;
                }
            }
            match r.status {
                ReportStatus::Returned => row.returned += 1,
                ReportStatus::Accepted => row.accepted += 1,
                _ => {}
            }
            for i in &indicators {
                totals.entry((*unit_id, i.code.clone())).or_default();
            }
        }
        if r.status == ReportStatus::Accepted {
            accepted_ids.push((r.id, path));
        }
    }
    for chunk in accepted_ids.chunks(400) {
        let values = report_value::Entity::find()
            .filter(report_value::Column::ReportId.is_in(chunk.iter().map(|(id, _)| *id)))
            .all(txn)
            .await?;
        let paths: HashMap<Uuid, &Vec<Uuid>> = chunk.iter().map(|(id, p)| (*id, p)).collect();
        for v in values {
            for unit_id in paths[&v.report_id].iter() {
                if let Some(slot) = totals.get_mut(&(*unit_id, v.indicator_code.clone())) {
                    slot.0 += v.value;
                    slot.1 += 1;
                }
            }
        }
    }
    report_rollup::Entity::delete_many()
        .filter(report_rollup::Column::PeriodId.eq(period.id))
        .exec(txn)
        .await?;
    indicator_rollup::Entity::delete_many()
        .filter(indicator_rollup::Column::PeriodId.eq(period.id))
        .exec(txn)
        .await?;
    let written = counters.len();
    let rows: Vec<_> = counters
        .into_values()
        .map(IntoActiveModel::into_active_model)
        .collect();
    super::regimes::insert_all(txn, rows).await?;
    let rows: Vec<_> = totals
        .into_iter()
        .map(|((unit_id, code), (total, reports))| {
            indicator_rollup::Model {
                period_id: period.id,
                unit_id,
                indicator_code: code,
                total,
                reports,
            }
            .into_active_model()
        })
        .collect();
    super::regimes::insert_all(txn, rows).await?;
    Ok(written)
}

/// Rebuilds every period's rollups in one transaction (one commit, not
/// one per period); returns (periods, counter rows).
pub async fn rebuild_all(db: &DatabaseConnection) -> AppResult<(usize, usize)> {
    // The Reporting write set keeps opening and the mandate changes that
    // move `expected` off meanwhile.
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Reporting).await?;
    super::reports::lock_reports(&txn).await?;
    let periods = reporting_period::Entity::find()
        .order_by_asc(reporting_period::Column::Code)
        .all(&txn)
        .await?;
    let mut rows = 0;
    for period in &periods {
        rows += rebuild(&txn, period).await?;
    }
    txn.commit().await?;
    Ok((periods.len(), rows))
}

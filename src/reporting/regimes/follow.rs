//! Reports follow the mandates: while a period is open (its compiled report
//! not accepted), issuing, revoking, amending, extending or transferring a
//! mandate brings, in the same transaction, the reports of the units it
//! touches in line with what opening the period today would make: who is
//! expected, on which mandates, and the rollups.

use chrono::SubsecRound;
use entity::{report_reminder, report_value};
use sea_orm::QuerySelect;
use sea_orm::sea_query::Expr;

use super::*;

/// One delegatee's hold on a mandate over a time (an assignment, or the
/// window of a report that has an item for the mandate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub unit: Uuid,
    pub from: NaiveDate,
    /// None: open-ended.
    pub to: Option<NaiveDate>,
}

impl Span {
    /// The first day the span reaches: its start, or its end when it ends
    /// before it starts (a mandate withdrawn before its first day).
    fn first(&self) -> NaiveDate {
        self.to.map_or(self.from, |to| to.min(self.from))
    }

    /// The last day it reaches (None: no end).
    fn last(&self) -> Option<NaiveDate> {
        self.to.map(|to| to.max(self.from))
    }

    fn overlaps(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.first() <= to && self.last().is_none_or(|last| last >= from)
    }
}

/// What bringing reports in line with the mandates changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Followed {
    /// Open periods looked at.
    pub periods: usize,
    pub reports_added: usize,
    /// Reports no longer expected and never submitted.
    pub reports_removed: usize,
    pub items_added: usize,
    /// Items whose mandate no longer applies to the window, kept because
    /// the reporter wrote in them or the report was submitted.
    pub items_closed: usize,
    /// Blank items of never-submitted reports whose mandate no longer
    /// applies.
    pub items_removed: usize,
    /// Closed items whose mandate applies again.
    pub items_reopened: usize,
    /// Reports kept whose items changed (their version moved).
    pub reports_changed: usize,
}

impl Followed {
    fn add(&mut self, other: Followed) {
        self.periods += other.periods;
        self.reports_added += other.reports_added;
        self.reports_removed += other.reports_removed;
        self.items_added += other.items_added;
        self.items_closed += other.items_closed;
        self.items_removed += other.items_removed;
        self.items_reopened += other.items_reopened;
        self.reports_changed += other.reports_changed;
    }

    /// Whether anything changed.
    pub fn is_empty(&self) -> bool {
        Followed {
            periods: 0,
            ..*self
        } == Followed::default()
    }
}

/// The assignments of `mandates` as spans.
pub async fn spans_of(db: &impl ConnectionTrait, mandates: &[Uuid]) -> AppResult<Vec<Span>> {
    let mut spans = Vec::new();
    for chunk in mandates.chunks(CHUNK) {
        let rows = mandate_assignment::Entity::find()
            .filter(mandate_assignment::Column::MandateId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        spans.extend(rows.into_iter().map(|a| Span {
            unit: a.delegatee_unit_id,
            from: a.valid_from,
            to: a.valid_to,
        }));
    }
    Ok(spans)
}

/// Brings the open periods `spans` touch in line with the mandates, for
/// the units of the spans: a period is touched when its window overlaps a
/// span of one of its regime's units (a unit in the territory of the
/// regime's recipient). Takes the Reporting write set first, so that it
/// and `openPeriods` run one after the other. Called by every mandate
/// change with the spans of the assignments it changed, as they were
/// before and as they are after.
pub async fn follow_mandates(txn: &DatabaseTransaction, spans: &[Span]) -> AppResult<Followed> {
    crate::db::hold(txn, crate::db::WriteSet::Reporting).await?;
    let mut followed = Followed::default();
    let Some(first) = spans.iter().map(Span::first).min() else {
        return Ok(followed);
    };
    let last = spans
        .iter()
        .map(Span::last)
        .try_fold(NaiveDate::MIN, |acc, l| l.map(|l| acc.max(l)));
    let mut query =
        reporting_period::Entity::find().filter(reporting_period::Column::DataTo.gte(first));
    if let Some(last) = last {
        query = query.filter(reporting_period::Column::DataFrom.lte(last));
    }
    let periods = open_only(txn, query.all(txn).await?).await?;
    if periods.is_empty() {
        return Ok(followed);
    }
    let mut by_unit: HashMap<Uuid, Vec<Span>> = HashMap::new();
    for span in spans {
        by_unit.entry(span.unit).or_default().push(*span);
    }
    let ids: Vec<Uuid> = by_unit.keys().copied().collect();
    let mut units = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        units.extend(crate::units::service::find_many(txn, chunk).await?);
    }
    let provinces: HashSet<Uuid> = units
        .iter()
        .filter_map(crate::units::service::province_of)
        .collect();
    let regime_ids: Vec<Uuid> = periods
        .iter()
        .map(|p| p.regime_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let regimes = reporting_regime::Entity::find()
        .filter(reporting_regime::Column::Id.is_in(regime_ids.iter().copied()))
        .all(txn)
        .await?;
    let recipients: Vec<Uuid> = regimes.iter().map(|r| r.recipient_unit_id).collect();
    let recipients: HashMap<Uuid, unit::Model> = crate::units::service::find_many(txn, &recipients)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let indicators = indicators_of(txn, &regime_ids).await?;
    for regime in &regimes {
        let Some(recipient) = recipients.get(&regime.recipient_unit_id) else {
            continue;
        };
        // A regime's territory lies within its recipient's province: only
        // regimes of a province the spans reach need their territory.
        let province = crate::units::service::province_of(recipient);
        if !province.is_some_and(|p| provinces.contains(&p)) {
            continue;
        }
        let area = territory(txn, recipient).await?;
        let inside: Vec<&unit::Model> =
            units.iter().filter(|u| u.path.starts_with(&area)).collect();
        if inside.is_empty() {
            continue;
        }
        let own: Vec<regime_indicator::Model> = indicators
            .iter()
            .filter(|i| i.regime_id == regime.id)
            .cloned()
            .collect();
        let scope = Scope {
            regime,
            recipient,
            area: &area,
            indicators: &own,
        };
        for period in periods.iter().filter(|p| p.regime_id == regime.id) {
            let touched: Vec<Uuid> = inside
                .iter()
                .filter(|u| {
                    by_unit[&u.id]
                        .iter()
                        .any(|s| s.overlaps(period.data_from, period.data_to))
                })
                .map(|u| u.id)
                .collect();
            if touched.is_empty() {
                continue;
            }
            let (changed, _) = reconcile(txn, &scope, period, Some(&touched)).await?;
            followed.add(changed);
            followed.periods += 1;
        }
    }
    Ok(followed)
}

/// `periods` less those closed: a period is open until its compiled report
/// is accepted.
async fn open_only(
    txn: &DatabaseTransaction,
    periods: Vec<reporting_period::Model>,
) -> AppResult<Vec<reporting_period::Model>> {
    let ids: Vec<Uuid> = periods.iter().map(|p| p.id).collect();
    let mut closed = HashSet::new();
    for chunk in ids.chunks(CHUNK) {
        let found: Vec<Uuid> = report::Entity::find()
            .select_only()
            .column(report::Column::PeriodId)
            .filter(report::Column::PeriodId.is_in(chunk.iter().copied()))
            .filter(report::Column::Compiled.eq(true))
            .filter(report::Column::Status.eq(ReportStatus::Accepted))
            .into_tuple()
            .all(txn)
            .await?;
        closed.extend(found);
    }
    Ok(periods
        .into_iter()
        .filter(|p| !closed.contains(&p.id))
        .collect())
}

/// `phancap reports follow-mandates`: brings the open periods in line with
/// mandate `code` (the periods its assignments reach and those its items
/// are in), or with every mandate (every open period, whole), in one
/// transaction; a repair, since every mandate change does it already.
pub async fn follow_again(db: &DatabaseConnection, code: Option<&str>) -> AppResult<Followed> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let followed = match code {
        Some(code) => {
            let m = mandate::Entity::find()
                .filter(mandate::Column::Code.eq(code))
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound("mandate"))?;
            let mut spans = spans_of(&txn, &[m.id]).await?;
            spans.extend(item_spans(&txn, m.id).await?);
            follow_mandates(&txn, &spans).await?
        }
        None => follow_every_period(&txn).await?,
    };
    txn.commit().await?;
    Ok(followed)
}

/// The windows of the reports that have an item for `mandate`, as spans of
/// their reporters: what to look at again when the assignments no longer
/// say where the mandate was.
async fn item_spans(txn: &DatabaseTransaction, mandate: Uuid) -> AppResult<Vec<Span>> {
    let reports: Vec<Uuid> = report_item::Entity::find()
        .select_only()
        .column(report_item::Column::ReportId)
        .filter(report_item::Column::MandateId.eq(mandate))
        .into_tuple()
        .all(txn)
        .await?;
    let mut spans = Vec::new();
    let mut windows: HashMap<Uuid, (NaiveDate, NaiveDate)> = HashMap::new();
    for chunk in reports.chunks(CHUNK) {
        let rows = report::Entity::find()
            .filter(report::Column::Id.is_in(chunk.iter().copied()))
            .all(txn)
            .await?;
        let missing: Vec<Uuid> = rows
            .iter()
            .map(|r| r.period_id)
            .filter(|p| !windows.contains_key(p))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        for p in reporting_period::Entity::find()
            .filter(reporting_period::Column::Id.is_in(missing))
            .all(txn)
            .await?
        {
            windows.insert(p.id, (p.data_from, p.data_to));
        }
        spans.extend(rows.iter().filter_map(|r| {
            windows.get(&r.period_id).map(|(from, to)| Span {
                unit: r.reporter_unit_id,
                from: *from,
                to: Some(*to),
            })
        }));
    }
    Ok(spans)
}

/// `period` brought in line, whole: after UBND tỉnh reopens its province
/// report the period is open again, and the mandate changes made while it
/// was closed apply to it now. The caller holds the Reporting write set.
pub async fn follow_period(
    txn: &DatabaseTransaction,
    period: &reporting_period::Model,
) -> AppResult<Followed> {
    let regime = existing(txn, period.regime_id).await?;
    let recipient = existing_unit(txn, regime.recipient_unit_id).await?;
    let area = territory(txn, &recipient).await?;
    let indicators = indicators_of(txn, &[regime.id]).await?;
    let scope = Scope {
        regime: &regime,
        recipient: &recipient,
        area: &area,
        indicators: &indicators,
    };
    Ok(reconcile(txn, &scope, period, None).await?.0)
}

/// Every open period brought in line, whole.
async fn follow_every_period(txn: &DatabaseTransaction) -> AppResult<Followed> {
    crate::db::hold(txn, crate::db::WriteSet::Reporting).await?;
    let periods = open_only(
        txn,
        reporting_period::Entity::find()
            .order_by_asc(reporting_period::Column::DataFrom)
            .all(txn)
            .await?,
    )
    .await?;
    let mut followed = Followed::default();
    for period in &periods {
        followed.add(follow_period(txn, period).await?);
        followed.periods += 1;
    }
    Ok(followed)
}

/// What a reconciliation writes.
#[derive(Default)]
struct Plan {
    new_reports: Vec<report::ActiveModel>,
    new_items: Vec<report_item::ActiveModel>,
    removed_reports: Vec<Uuid>,
    removed_items: Vec<Uuid>,
    closed: Vec<Uuid>,
    reopened: Vec<Uuid>,
    changed: Vec<Uuid>,
    /// Change of `expected` per unit at or above a reporter, with the
    /// unit's parent.
    rollups: BTreeMap<Uuid, (Option<Uuid>, i32)>,
}

impl Plan {
    fn count(&mut self, reporter_path: &str, delta: i32) {
        let path = path_ids(reporter_path);
        for (depth, unit_id) in path.iter().enumerate() {
            let parent = depth.checked_sub(1).map(|d| path[d]);
            self.rollups.entry(*unit_id).or_insert((parent, 0)).1 += delta;
        }
    }
}

/// Brings `period`'s reports for `among` (None: every unit of the area)
/// in line with the rules of opening, set-based ([`CHUNK`] rows a
/// statement): a unit expected without a report gets one (NOT_STARTED,
/// routed as opening routes it) with a blank item per mandate it held in
/// the window, and its rollup rows up the tree; a report gets an item for
/// each mandate newly held; an item whose mandate no longer applies is
/// deleted if blank in a never-submitted report, closed otherwise (and
/// reopened if the mandate applies again); a report no longer expected is
/// deleted with its items, values and reminders if never submitted, kept
/// otherwise. Every kept report whose items changed gets a new version.
/// Returns what changed and how many reporters are expected among `among`.
pub(super) async fn reconcile(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    period: &reporting_period::Model,
    among: Option<&[Uuid]>,
) -> AppResult<(Followed, usize)> {
    // Stored to the microsecond on both databases: compare what is stored.
    let now = Utc::now().trunc_subsecs(6);
    let (expected, held) =
        expected_reporters(txn, scope, period.data_from, period.data_to, among).await?;
    let reports = reports_of(txn, period.id, among).await?;
    let ids: Vec<Uuid> = reports.iter().map(|r| r.id).collect();
    let mut items: HashMap<Uuid, Vec<report_item::Model>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        for item in report_item::Entity::find()
            .filter(report_item::Column::ReportId.is_in(chunk.iter().copied()))
            .all(txn)
            .await?
        {
            items.entry(item.report_id).or_default().push(item);
        }
    }
    let reporting: HashSet<Uuid> = reports.iter().map(|r| r.reporter_unit_id).collect();
    let wanted: HashSet<Uuid> = expected.iter().map(|e| e.unit.id).collect();
    let deadline_at = end_of_day(period.deadline);
    let mut plan = Plan::default();
    for e in expected.iter().filter(|e| !reporting.contains(&e.unit.id)) {
        let id = Uuid::now_v7();
        plan.new_reports.push(
            report::Model {
                id,
                period_id: period.id,
                period_code: period.code.clone(),
                regime_id: scope.regime.id,
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
            plan.new_items
                .push(blank_item(id, *mandate_id, now).into_active_model());
        }
        plan.count(&e.unit.path, 1);
    }
    let (no_items, no_mandates) = (Vec::new(), Vec::new());
    for r in &reports {
        let submitted = r.first_submitted_at.is_some();
        if !wanted.contains(&r.reporter_unit_id) && !submitted {
            plan.removed_reports.push(r.id);
            plan.count(&r.reporter_path, -1);
            continue;
        }
        let mine = items.get(&r.id).unwrap_or(&no_items);
        let holds = held.get(&r.reporter_unit_id).unwrap_or(&no_mandates);
        let before = plan.new_items.len()
            + plan.removed_items.len()
            + plan.closed.len()
            + plan.reopened.len();
        for mandate_id in holds {
            if !mine.iter().any(|i| i.mandate_id == *mandate_id) {
                plan.new_items
                    .push(blank_item(r.id, *mandate_id, now).into_active_model());
            }
        }
        for item in mine {
            match (holds.contains(&item.mandate_id), item.closed_at) {
                (true, Some(_)) => plan.reopened.push(item.id),
                (false, None) if !submitted && is_blank(item) => plan.removed_items.push(item.id),
                (false, None) => plan.closed.push(item.id),
                _ => {}
            }
        }
        let after = plan.new_items.len()
            + plan.removed_items.len()
            + plan.closed.len()
            + plan.reopened.len();
        if after != before {
            plan.changed.push(r.id);
        }
    }
    let new_item_count = plan.new_items.len();
    let changed = Followed {
        periods: 0,
        reports_added: plan.new_reports.len(),
        reports_removed: plan.removed_reports.len(),
        items_added: new_item_count,
        items_closed: plan.closed.len(),
        items_removed: plan.removed_items.len(),
        items_reopened: plan.reopened.len(),
        reports_changed: plan.changed.len(),
    };
    write(txn, scope, period, plan, now).await?;
    Ok((changed, expected.len()))
}

/// The unit reports of `period` by `among` (None: all), locked until the
/// transaction ends on PostgreSQL, so that a save, submission or review
/// under way finishes first and one that comes later finds the new version
/// (SQLite has one writer anyway).
async fn reports_of(
    txn: &DatabaseTransaction,
    period: Uuid,
    among: Option<&[Uuid]>,
) -> AppResult<Vec<report::Model>> {
    let query = || {
        report::Entity::find()
            .filter(report::Column::PeriodId.eq(period))
            .filter(report::Column::Compiled.eq(false))
            .lock_exclusive()
    };
    Ok(match among {
        None => query().all(txn).await?,
        Some(units) => {
            let mut found = Vec::new();
            for chunk in units.chunks(CHUNK) {
                found.extend(
                    query()
                        .filter(report::Column::ReporterUnitId.is_in(chunk.iter().copied()))
                        .all(txn)
                        .await?,
                );
            }
            found
        }
    })
}

async fn write(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    period: &reporting_period::Model,
    plan: Plan,
    now: chrono::DateTime<Utc>,
) -> AppResult<()> {
    use sea_orm::sea_query::ExprTrait;
    for chunk in plan.removed_reports.chunks(CHUNK) {
        let ids = || chunk.iter().copied();
        report_item::Entity::delete_many()
            .filter(report_item::Column::ReportId.is_in(ids()))
            .exec(txn)
            .await?;
        report_value::Entity::delete_many()
            .filter(report_value::Column::ReportId.is_in(ids()))
            .exec(txn)
            .await?;
        report_reminder::Entity::delete_many()
            .filter(report_reminder::Column::ReportId.is_in(ids()))
            .exec(txn)
            .await?;
        entity::report_signature::Entity::delete_many()
            .filter(entity::report_signature::Column::ReportId.is_in(ids()))
            .exec(txn)
            .await?;
        report::Entity::delete_many()
            .filter(report::Column::Id.is_in(ids()))
            .exec(txn)
            .await?;
    }
    for chunk in plan.removed_items.chunks(CHUNK) {
        report_item::Entity::delete_many()
            .filter(report_item::Column::Id.is_in(chunk.iter().copied()))
            .exec(txn)
            .await?;
    }
    for (ids, closed_at) in [(&plan.closed, Some(now)), (&plan.reopened, None)] {
        for chunk in ids.chunks(CHUNK) {
            report_item::Entity::update_many()
                .col_expr(report_item::Column::ClosedAt, Expr::value(closed_at))
                .filter(report_item::Column::Id.is_in(chunk.iter().copied()))
                .exec(txn)
                .await?;
        }
    }
    insert_all(txn, plan.new_reports).await?;
    insert_all(txn, plan.new_items).await?;
    for chunk in plan.changed.chunks(CHUNK) {
        // A draft signed before its items changed no longer says what was
        // signed; what was submitted stays as submitted.
        entity::report_signature::Entity::delete_many()
            .filter(entity::report_signature::Column::ReportId.is_in(chunk.iter().copied()))
            .filter(
                entity::report_signature::Column::ReportId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(report::Column::Id)
                        .from(report::Entity)
                        .and_where(report::Column::Id.is_in(chunk.iter().copied()))
                        .and_where(
                            report::Column::FirstSubmittedAt
                                .is_null()
                                .or(report::Column::Status.eq(ReportStatus::Returned)),
                        )
                        .to_owned(),
                ),
            )
            .exec(txn)
            .await?;
        report::Entity::update_many()
            .col_expr(
                report::Column::Version,
                Expr::col(report::Column::Version).add(1),
            )
            .col_expr(report::Column::UpdatedAt, Expr::value(now))
            .filter(report::Column::Id.is_in(chunk.iter().copied()))
            .exec(txn)
            .await?;
    }
    write_rollups(txn, scope, period, plan.rollups).await
}

/// Moves `expected` of the rollup rows by `deltas`: rows inserted where
/// missing (with their indicator rows), moved where present, deleted where
/// no report is left below them, as a rebuild would have them. Only
/// opening and this maintenance move `expected`, both under the Reporting
/// write set, so what is read here stays true until the end.
async fn write_rollups(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    period: &reporting_period::Model,
    deltas: BTreeMap<Uuid, (Option<Uuid>, i32)>,
) -> AppResult<()> {
    use sea_orm::sea_query::ExprTrait;
    let units: Vec<Uuid> = deltas
        .iter()
        .filter(|(_, (_, d))| *d != 0)
        .map(|(u, _)| *u)
        .collect();
    let mut present: HashMap<Uuid, i32> = HashMap::new();
    for chunk in units.chunks(CHUNK) {
        let rows: Vec<(Uuid, i32)> = report_rollup::Entity::find()
            .select_only()
            .column(report_rollup::Column::UnitId)
            .column(report_rollup::Column::Expected)
            .filter(report_rollup::Column::PeriodId.eq(period.id))
            .filter(report_rollup::Column::UnitId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(txn)
            .await?;
        present.extend(rows);
    }
    let mut inserted = Vec::new();
    let mut emptied = Vec::new();
    let mut moved: BTreeMap<i32, Vec<Uuid>> = BTreeMap::new();
    for unit_id in &units {
        let (parent, delta) = deltas[unit_id];
        match present.get(unit_id) {
            Some(expected) if expected + delta <= 0 => emptied.push(*unit_id),
            Some(_) => moved.entry(delta).or_default().push(*unit_id),
            None if delta > 0 => inserted.push(report_rollup::Model {
                period_id: period.id,
                unit_id: *unit_id,
                parent_unit_id: parent,
                expected: delta,
                submitted: 0,
                on_time: 0,
                late: 0,
                returned: 0,
                accepted: 0,
            }),
            // Nothing to take a report from: only rollups broken by hand
            // lack the row (`reports rebuild-rollups` repairs them).
            None => {}
        }
    }
    for (delta, units) in moved {
        for chunk in units.chunks(CHUNK) {
            report_rollup::Entity::update_many()
                .col_expr(
                    report_rollup::Column::Expected,
                    Expr::col(report_rollup::Column::Expected).add(delta),
                )
                .filter(report_rollup::Column::PeriodId.eq(period.id))
                .filter(report_rollup::Column::UnitId.is_in(chunk.iter().copied()))
                .exec(txn)
                .await?;
        }
    }
    for chunk in emptied.chunks(CHUNK) {
        report_rollup::Entity::delete_many()
            .filter(report_rollup::Column::PeriodId.eq(period.id))
            .filter(report_rollup::Column::UnitId.is_in(chunk.iter().copied()))
            .exec(txn)
            .await?;
        indicator_rollup::Entity::delete_many()
            .filter(indicator_rollup::Column::PeriodId.eq(period.id))
            .filter(indicator_rollup::Column::UnitId.is_in(chunk.iter().copied()))
            .exec(txn)
            .await?;
    }
    let totals: Vec<_> = inserted
        .iter()
        .flat_map(|row| {
            scope.indicators.iter().map(|i| {
                indicator_rollup::Model {
                    period_id: period.id,
                    unit_id: row.unit_id,
                    indicator_code: i.code.clone(),
                    total: 0.0,
                    reports: 0,
                }
                .into_active_model()
            })
        })
        .collect();
    insert_all(
        txn,
        inserted
            .into_iter()
            .map(IntoActiveModel::into_active_model)
            .collect(),
    )
    .await?;
    insert_all(txn, totals).await?;
    Ok(())
}

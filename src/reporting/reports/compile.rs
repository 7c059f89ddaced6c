//! The province report Sở Nội vụ compiles from the accepted unit reports:
//! a draft it writes, with tables computed from the reports it includes,
//! compiled again to take in reports accepted later, submitted to UBND
//! tỉnh, which accepts it with its directions or returns it.

use entity::mandate::{self, Sector};
use entity::{compilation, compilation_source};
use serde::{Deserialize, Serialize};

use super::*;

/// Procedure counts added over items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureTotals {
    pub received: i64,
    pub on_time: i64,
    pub late: i64,
    pub pending: i64,
}

/// Items counted by implementation status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusTally {
    pub not_started: i64,
    pub in_progress: i64,
    pub done: i64,
    pub blocked: i64,
    /// Items with no status (closed or added after submission).
    pub unanswered: i64,
}

/// Items counted by what the reporters propose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalTally {
    pub keep: i64,
    pub amend: i64,
    pub revoke: i64,
    pub expand: i64,
}

/// What a group of items adds up to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemTotals {
    pub items: i64,
    pub statuses: StatusTally,
    pub procedures: ProcedureTotals,
    pub proposals: ProposalTally,
}

impl ItemTotals {
    /// Adds the totals of another group.
    fn merge(&mut self, other: &ItemTotals) {
        self.items += other.items;
        let (s, o) = (&mut self.statuses, other.statuses);
        s.not_started += o.not_started;
        s.in_progress += o.in_progress;
        s.done += o.done;
        s.blocked += o.blocked;
        s.unanswered += o.unanswered;
        let (p, o) = (&mut self.procedures, other.procedures);
        p.received += o.received;
        p.on_time += o.on_time;
        p.late += o.late;
        p.pending += o.pending;
        let (q, o) = (&mut self.proposals, other.proposals);
        q.keep += o.keep;
        q.amend += o.amend;
        q.revoke += o.revoke;
        q.expand += o.expand;
    }

    fn add(&mut self, i: &report_item::Model) {
        self.items += 1;
        let s = &mut self.statuses;
        match i.implementation_status {
            Some(ImplementationStatus::NotStarted) => s.not_started += 1,
            Some(ImplementationStatus::InProgress) => s.in_progress += 1,
            Some(ImplementationStatus::Done) => s.done += 1,
            Some(ImplementationStatus::Blocked) => s.blocked += 1,
            None => s.unanswered += 1,
        }
        let p = &mut self.procedures;
        p.received += i64::from(i.procedures_received.unwrap_or(0));
        p.on_time += i64::from(i.resolved_on_time.unwrap_or(0));
        p.late += i64::from(i.resolved_late.unwrap_or(0));
        p.pending += i64::from(i.pending.unwrap_or(0));
        let q = &mut self.proposals;
        match i.proposal {
            Some(Proposal::Keep) => q.keep += 1,
            Some(Proposal::Amend) => q.amend += 1,
            Some(Proposal::Revoke) => q.revoke += 1,
            Some(Proposal::Expand) => q.expand += 1,
            None => {}
        }
    }
}

/// One expected reporter in the compiled report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRow {
    pub unit_id: Uuid,
    pub report_id: Uuid,
    /// The report's status when compiled.
    pub status: String,
    pub late: bool,
    pub first_submitted_at: Option<DateTime<Utc>>,
    /// Whether its figures are in the compilation (accepted by then).
    pub included: bool,
    pub totals: ItemTotals,
}

/// One delegated content (mandate) over the reports included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MandateRow {
    pub mandate_id: Uuid,
    pub totals: ItemTotals,
}

/// One sector over the reports included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectorRow {
    pub sector: Sector,
    pub mandates: i64,
    pub totals: ItemTotals,
}

/// The tables of a compiled report, as computed when it was compiled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tables {
    pub by_unit: Vec<UnitRow>,
    pub by_mandate: Vec<MandateRow>,
    pub by_sector: Vec<SectorRow>,
}

/// The tables over `reports` (every unit report of the period), with
/// the figures of the `included` ones.
async fn tables(
    txn: &DatabaseTransaction,
    reports: &[report::Model],
    included: &[Uuid],
) -> AppResult<Tables> {
    let mut items: HashMap<Uuid, Vec<report_item::Model>> = HashMap::new();
    for chunk in included.chunks(regimes::CHUNK) {
        for item in report_item::Entity::find()
            .filter(report_item::Column::ReportId.is_in(chunk.iter().copied()))
            .all(txn)
            .await?
        {
            items.entry(item.report_id).or_default().push(item);
        }
    }
    let now = Utc::now();
    let mut by_mandate: std::collections::BTreeMap<Uuid, ItemTotals> = Default::default();
    let by_unit = reports
        .iter()
        .map(|r| {
            let mut totals = ItemTotals::default();
            for item in items.get(&r.id).into_iter().flatten() {
                totals.add(item);
                by_mandate.entry(item.mandate_id).or_default().add(item);
            }
            UnitRow {
                unit_id: r.reporter_unit_id,
                report_id: r.id,
                status: r.status.to_value(),
                late: is_late(r, now),
                first_submitted_at: r.first_submitted_at,
                included: included.contains(&r.id),
                totals,
            }
        })
        .collect();
    let mut mandates = Vec::new();
    let ids: Vec<Uuid> = by_mandate.keys().copied().collect();
    for chunk in ids.chunks(regimes::CHUNK) {
        mandates.extend(
            mandate::Entity::find()
                .filter(mandate::Column::Id.is_in(chunk.iter().copied()))
                .all(txn)
                .await?,
        );
    }
    mandates.sort_by(|a, b| a.code.cmp(&b.code));
    let mut by_sector: Vec<SectorRow> = Vec::new();
    for m in &mandates {
        let totals = by_mandate[&m.id];
        let row = match by_sector.iter_mut().find(|row| row.sector == m.sector) {
            Some(row) => row,
            None => {
                by_sector.push(SectorRow {
                    sector: m.sector,
                    mandates: 0,
                    totals: ItemTotals::default(),
                });
                by_sector.last_mut().expect("just pushed")
            }
        };
        row.mandates += 1;
        row.totals.merge(&totals);
    }
    by_sector.sort_by_key(|row| row.sector.to_value());
    Ok(Tables {
        by_unit,
        by_mandate: mandates
            .iter()
            .map(|m| MandateRow {
                mandate_id: m.id,
                totals: by_mandate[&m.id],
            })
            .collect(),
        by_sector,
    })
}

/// The compilation record of a compiled report.
pub async fn compilation_of(
    db: &impl ConnectionTrait,
    report_id: Uuid,
) -> AppResult<Option<compilation::Model>> {
    Ok(compilation::Entity::find_by_id(report_id).one(db).await?)
}

/// The unit reports a compiled report includes.
pub async fn included_in(db: &impl ConnectionTrait, compiled_id: Uuid) -> AppResult<Vec<Uuid>> {
    Ok(compilation_source::Entity::find()
        .filter(compilation_source::Column::CompiledReportId.eq(compiled_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.report_id)
        .collect())
}

/// The unit reports of `period` accepted now.
async fn accepted_of(txn: &DatabaseTransaction, period_id: Uuid) -> AppResult<Vec<report::Model>> {
    Ok(report::Entity::find()
        .filter(report::Column::PeriodId.eq(period_id))
        .filter(report::Column::Compiled.eq(false))
        .filter(report::Column::Status.eq(ReportStatus::Accepted))
        .order_by_asc(report::Column::ReporterPath)
        .all(txn)
        .await?)
}

/// Compiles the province report of a period, or compiles it again: the
/// COORDINATOR of the regime's recipient (Sở Nội vụ). It includes every
/// unit report accepted now; its figures and tables are computed from
/// them; the first compilation opens it as a DRAFT with a summary of the
/// counts as its results, and compiling again refreshes figures and
/// tables but keeps what Sở Nội vụ wrote. Compiling changes what a
/// signature covered, so it removes it. Refused while UBND tỉnh holds the
/// report (SUBMITTED) and once it is accepted.
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
    let accepted = accepted_of(&txn, period.id).await?;
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
    let totals = indicator_rollup::Entity::find()
        .filter(indicator_rollup::Column::PeriodId.eq(period.id))
        .filter(indicator_rollup::Column::UnitId.eq(province))
        .all(&txn)
        .await?;
    let indicators = indicators_of(&txn, &[regime.id]).await?;
    let now = Utc::now().trunc_subsecs(6);
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
        status: ReportStatus::Draft,
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
    if next.results.is_none() {
        next.results = Some(format!(
            "Kỳ {}: {}/{} báo cáo đã được chấp nhận và tổng hợp; {} đã gửi ({} đúng hạn, {} trễ hạn); {} chưa gửi.",
            period.code,
            counts.accepted,
            counts.expected,
            counts.submitted,
            counts.on_time,
            counts.late,
            counts.expected - counts.submitted,
        ));
    }
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
    // Rates come from the province's totals by their formula, never from
    // the units' rates.
    let rolled = figures::rolled_up(&indicators, |code| {
        let total = totals.iter().find(|t| t.indicator_code == code)?;
        Some((total.total, i64::from(total.reports)))
    });
    let values: Vec<_> = indicators
        .iter()
        .zip(rolled)
        .filter_map(|(i, value)| {
            Some(
                report_value::Model {
                    report_id: id,
                    indicator_code: i.code.clone(),
                    value: value?,
                    text_value: None,
                }
                .into_active_model(),
            )
        })
        .collect();
    super::regimes::insert_all(&txn, values).await?;
    let reports = report::Entity::find()
        .filter(report::Column::PeriodId.eq(period.id))
        .filter(report::Column::Compiled.eq(false))
        .order_by_asc(report::Column::ReporterPath)
        .all(&txn)
        .await?;
    let included: Vec<Uuid> = accepted.iter().map(|r| r.id).collect();
    let tables = tables(&txn, &reports, &included).await?;
    let record = compilation_of(&txn, id).await?;
    compilation::Entity::delete_many()
        .filter(compilation::Column::ReportId.eq(id))
        .exec(&txn)
        .await?;
    compilation::Entity::insert(
        compilation::Model {
            report_id: id,
            compiled_at: now,
            assessment: record.as_ref().and_then(|r| r.assessment.clone()),
            recommendations: record.as_ref().and_then(|r| r.recommendations.clone()),
            directions: None,
            tables: serde_json::to_string(&tables).expect("tables serialise"),
        }
        .into_active_model(),
    )
    .exec_without_returning(&txn)
    .await?;
    compilation_source::Entity::delete_many()
        .filter(compilation_source::Column::CompiledReportId.eq(id))
        .exec(&txn)
        .await?;
    let sources: Vec<_> = accepted
        .iter()
        .map(|r| {
            compilation_source::Model {
                compiled_report_id: id,
                report_id: r.id,
                report_version: r.version,
            }
            .into_active_model()
        })
        .collect();
    super::regimes::insert_all(&txn, sources).await?;
    unsign(&txn, id).await?;
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

/// What keeps the compiled report `r` from being signed or sent: its
/// results and assessment must be written, and it must include exactly
/// the unit reports accepted now (compile again after one more is
/// accepted or one is reopened).
pub(super) async fn check_compilation(
    txn: &DatabaseTransaction,
    r: &report::Model,
) -> AppResult<()> {
    let record = compilation_of(txn, r.id)
        .await?
        .ok_or(AppError::NotFound("compilation"))?;
    if r.results.as_deref().is_none_or(str::is_empty) {
        return Err(AppError::rule(
            Some("results"),
            UserErrorCode::MissingNarrative,
            "state the results before sending the province report",
        ));
    }
    if record.assessment.as_deref().is_none_or(str::is_empty) {
        return Err(AppError::rule(
            Some("assessment"),
            UserErrorCode::MissingNarrative,
            "write Sở Nội vụ's assessment (đánh giá chung) before sending the province report",
        ));
    }
    // Which reports, and each as it was compiled: one reopened, changed
    // and accepted again (or given an item by a mandate change) has moved
    // its version since.
    let mut included: Vec<(Uuid, i32)> = compilation_source::Entity::find()
        .filter(compilation_source::Column::CompiledReportId.eq(r.id))
        .all(txn)
        .await?
        .into_iter()
        .map(|s| (s.report_id, s.report_version))
        .collect();
    included.sort();
    let mut accepted: Vec<(Uuid, i32)> = accepted_of(txn, r.period_id)
        .await?
        .into_iter()
        .map(|a| (a.id, a.version))
        .collect();
    accepted.sort();
    if included != accepted {
        let changed = included
            .iter()
            .filter(|(id, version)| {
                accepted
                    .iter()
                    .any(|(other, now)| other == id && now != version)
            })
            .count();
        return Err(AppError::rule(
            None,
            UserErrorCode::CompilationOutdated,
            format!(
                "the compilation includes {} reports but {} are accepted now, {changed} of them changed since: compile again (compileReport) to bring it up to date",
                included.len(),
                accepted.len()
            ),
        ));
    }
    Ok(())
}

/// Sở Nội vụ's texts of the compiled report; None leaves one as it is, an
/// empty text clears it.
#[derive(Debug, Clone, Default)]
pub struct CompiledText {
    pub results: Option<String>,
    pub assessment: Option<String>,
    pub difficulties: Option<String>,
    pub proposals: Option<String>,
    pub recommendations: Option<String>,
}

/// Edits the compiled report's texts: COORDINATOR of Sở Nội vụ, while it
/// is a DRAFT or RETURNED. Removes a signature.
pub async fn save_compiled(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    input: CompiledText,
) -> AppResult<Transition> {
    use crate::text::check_long_text;
    let txn = crate::db::begin(db).await?;
    let (current, actor) = for_writer(&txn, by, id, expected_version, Review::Compiled).await?;
    let mut record = compilation_of(&txn, id)
        .await?
        .ok_or(AppError::NotFound("compilation"))?;
    let mut next = current.clone();
    let texts = [
        ("results", input.results, &mut next.results),
        ("difficulties", input.difficulties, &mut next.difficulties),
        ("proposals", input.proposals, &mut next.proposals),
        ("assessment", input.assessment, &mut record.assessment),
        (
            "recommendations",
            input.recommendations,
            &mut record.recommendations,
        ),
    ];
    for (field, value, slot) in texts {
        if let Some(text) = value {
            *slot = check_long_text(field, Some(&text), 50_000)?;
        }
    }
    let next = write(&txn, &current, expected_version, next).await?;
    compilation::Entity::update(record.clone().into_active_model().reset_all())
        .exec(&txn)
        .await?;
    unsign(&txn, id).await?;
    let values = values_of(&txn, id).await?;
    audit_report(
        &txn,
        &actor,
        "saveCompiledReport",
        Some(&current),
        &next,
        &values,
    )
    .await?;
    txn.commit().await?;
    Ok(Transition {
        previous: current.status,
        report: next,
    })
}

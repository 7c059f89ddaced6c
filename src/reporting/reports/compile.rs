//! The province report Sở Nội vụ compiles from the accepted unit reports.

use super::*;

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

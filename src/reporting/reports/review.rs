//! The recipient's review: return or accept a submitted report, reopen
//! an accepted one.

use entity::{compilation, compilation_source};
use sea_orm::PaginatorTrait;

use super::*;
use crate::notices::{Notice, Topic, notify};

/// Which kind of report an action is on: a unit's report, or the
/// compiled province report; it decides the roles that act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    /// A unit report: REVIEWER over the recipient.
    Unit,
    /// The compiled province report: APPROVER over UBND tỉnh.
    Compiled,
}

pub(super) async fn for_review(
    txn: &DatabaseTransaction,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    review: Review,
    wanted: ReportStatus,
) -> AppResult<(report::Model, Actor)> {
    let r = existing(txn, id).await?;
    let recipient = existing_unit(txn, r.recipient_unit_id).await?;
    let role = match review {
        Review::Unit => Role::Reviewer,
        Review::Compiled => Role::Approver,
    };
    let actor = by.require(role, &recipient)?;
    check_kind(&r, review)?;
    if r.version != expected_version {
        return Err(conflict(&r));
    }
    if r.status != wanted {
        let (code, what) = match wanted {
            ReportStatus::Accepted => (UserErrorCode::NotAccepted, "reopened"),
            _ => (UserErrorCode::NotSubmitted, "reviewed"),
        };
        return Err(AppError::rule(
            None,
            code,
            format!(
                "only a {} report is {what}; this one is {}",
                wanted.to_value(),
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
    let (current, actor) = for_review(
        &txn,
        by,
        id,
        expected_version,
        review,
        ReportStatus::Submitted,
    )
    .await?;
    let reason = crate::text::check_reason(reason, "why the report goes back")?;
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
    let regime = regimes::existing(&txn, next.regime_id).await?;
    let notice = Notice::at(
        Topic::ReportReturned,
        "Report",
        next.id,
        next.reporter_unit_id,
        &next.reporter_path,
    )
    .for_role(Role::Reporter)
    .text(
        format!(
            "Báo cáo bị trả lại: {} kỳ {}",
            regime.name, next.period_code
        ),
        format!(
            "Báo cáo \"{}\" kỳ {} đã bị trả lại để hoàn thiện. Lý do: {reason}",
            regime.name, next.period_code
        ),
    )
    .payload(json!({
        "report": crate::graphql::encode_id(crate::graphql::NodeKind::Report, next.id).0, "period": next.period_code, "regime": regime.code, "reason": reason,
    }));
    notify(&txn, notice).await?;
    txn.commit().await?;
    Ok(Transition {
        previous: current.status,
        report: next,
    })
}

/// Adds `sign` × each of `values` to the indicator totals of every unit
/// above the reporter of unit report `r` (accepting adds, reopening takes
/// away).
async fn move_totals(
    txn: &DatabaseTransaction,
    r: &report::Model,
    values: &[(String, f64)],
    sign: i32,
) -> AppResult<()> {
    if r.compiled {
        return Ok(());
    }
    let above = path_ids(&r.reporter_path);
    for (code, value) in values {
        indicator_rollup::Entity::update_many()
            .col_expr(
                indicator_rollup::Column::Total,
                Expr::col(indicator_rollup::Column::Total).add(value * f64::from(sign)),
            )
            .col_expr(
                indicator_rollup::Column::Reports,
                Expr::col(indicator_rollup::Column::Reports).add(sign),
            )
            .filter(indicator_rollup::Column::PeriodId.eq(r.period_id))
            .filter(indicator_rollup::Column::UnitId.is_in(above.iter().copied()))
            .filter(indicator_rollup::Column::IndicatorCode.eq(code.as_str()))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// Refuses to accept the compiled report `r` while units may still
/// report: before the end of the units' deadline day, unless it already
/// includes every expected report.
async fn check_units_done(txn: &DatabaseTransaction, r: &report::Model) -> AppResult<()> {
    let period = existing_period(txn, r.period_id).await?;
    if Utc::now() >= end_of_day(period.deadline) {
        return Ok(());
    }
    let expected = report::Entity::find()
        .filter(report::Column::PeriodId.eq(r.period_id))
        .filter(report::Column::Compiled.eq(false))
        .count(txn)
        .await?;
    let included = included_in(txn, r.id).await?.len() as u64;
    if included < expected {
        return Err(AppError::rule(
            None,
            UserErrorCode::ReportsStillDue,
            format!(
                "the units have until {} to report and the compilation includes {included} of {expected} expected reports: accept it after the deadline, or once every report is in",
                period.deadline
            ),
        ));
    }
    Ok(())
}

/// Accepts a submitted report, which locks it; a unit report's indicator
/// values join the totals of every unit above the reporter. The compiled
/// report is accepted with UBND tỉnh's directions (ý kiến chỉ đạo), and
/// not before the units' deadline unless every expected report is in;
/// `directions` are kept for the compiled report only.
pub async fn accept(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    review: Review,
    directions: Option<String>,
) -> AppResult<Transition> {
    let txn = crate::db::begin(db).await?;
    let (current, actor) = for_review(
        &txn,
        by,
        id,
        expected_version,
        review,
        ReportStatus::Submitted,
    )
    .await?;
    let directions = crate::text::check_long_text("directions", directions.as_deref(), 20_000)?;
    if review == Review::Compiled {
        check_units_done(&txn, &current).await?;
        let mut record = compilation_of(&txn, id)
            .await?
            .ok_or(AppError::NotFound("compilation"))?;
        record.directions = directions.clone();
        compilation::Entity::update(record.into_active_model().reset_all())
            .exec(&txn)
            .await?;
    }
    let mut next = current.clone();
    next.status = ReportStatus::Accepted;
    next.accepted_at = Some(Utc::now());
    let next = write(&txn, &current, expected_version, next).await?;
    bump(&txn, &next, &[(report_rollup::Column::Accepted, 1)]).await?;
    let values = values_of(&txn, id).await?;
    move_totals(&txn, &next, &values, 1).await?;
    let action = match review {
        Review::Unit => "acceptReport",
        Review::Compiled => "acceptCompiledReport",
    };
    audit_report_with(
        &txn,
        &actor,
        action,
        Some(&current),
        &next,
        &values,
        None,
        json!({ "directions": directions }),
    )
    .await?;
    txn.commit().await?;
    Ok(Transition {
        previous: current.status,
        report: next,
    })
}

/// Reopens an accepted report with a reason, as DHIS2's unapprove: it goes
/// back to its writer RETURNED, its figures leave the totals, and it is
/// accepted again only after it is sent again. A unit report the compiled
/// report includes is reopened only while that one is still Sở Nội vụ's
/// draft (return or reopen the compiled report first). Reopening the
/// compiled report reopens its period: the mandate changes made while it
/// was closed are applied to its reports then.
pub async fn reopen(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    reason: &str,
    review: Review,
) -> AppResult<Transition> {
    let txn = crate::db::begin(db).await?;
    if review == Review::Compiled {
        // Reopening the province report reopens its period, which mandate
        // changes follow again: ordered with them, before any row lock.
        crate::db::hold(&txn, crate::db::WriteSet::Reporting).await?;
    }
    let (current, actor) = for_review(
        &txn,
        by,
        id,
        expected_version,
        review,
        ReportStatus::Accepted,
    )
    .await?;
    let reason = crate::text::check_reason(reason, "why the report goes back")?;
    if review == Review::Unit {
        lock_compiled(&txn, current.period_id).await?;
        let holders = compilation_source::Entity::find()
            .filter(compilation_source::Column::ReportId.eq(id))
            .all(&txn)
            .await?;
        for holder in holders {
            let compiled = existing(&txn, holder.compiled_report_id).await?;
            if matches!(
                compiled.status,
                ReportStatus::Submitted | ReportStatus::Accepted
            ) {
                return Err(AppError::rule(
                    None,
                    UserErrorCode::ReportInCompilation,
                    format!(
                        "the province report of {} includes this report and is {}: UBND tỉnh returns or reopens it first",
                        compiled.period_code,
                        compiled.status.to_value()
                    ),
                ));
            }
        }
    }
    let mut next = current.clone();
    next.status = ReportStatus::Returned;
    next.return_reason = Some(reason.to_owned());
    next.returned_at = Some(Utc::now());
    next.accepted_at = None;
    let next = write(&txn, &current, expected_version, next).await?;
    bump(
        &txn,
        &next,
        &[
            (report_rollup::Column::Accepted, -1),
            (report_rollup::Column::Returned, 1),
        ],
    )
    .await?;
    let values = values_of(&txn, id).await?;
    move_totals(&txn, &next, &values, -1).await?;
    if review == Review::Compiled {
        let period = existing_period(&txn, next.period_id).await?;
        regimes::follow_period(&txn, &period).await?;
    }
    let action = match review {
        Review::Unit => "reopenReport",
        Review::Compiled => "reopenCompiledReport",
    };
    audit_report(&txn, &actor, action, Some(&current), &next, &values).await?;
    txn.commit().await?;
    Ok(Transition {
        previous: current.status,
        report: next,
    })
}

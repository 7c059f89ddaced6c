//! The recipient's review: return or accept a submitted report.

use super::*;

/// Which kind of report a review acts on, and the role it needs over the
/// recipient.
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

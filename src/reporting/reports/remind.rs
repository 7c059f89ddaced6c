//! Reminders to the reporters whose reports are missing.

use super::*;
use crate::notices::{Notice, Topic, notify};

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
    for r in &missing {
        let notice = Notice::at(
            Topic::ReportReminder,
            "Report",
            r.id,
            r.reporter_unit_id,
            &r.reporter_path,
        )
        .for_role(Role::Reporter)
        .text(
            format!("Nhắc nộp báo cáo: {} kỳ {}", regime.name, period.code),
            format!(
                "{} nhắc đơn vị nộp báo cáo \"{}\" kỳ {}. Hạn nộp: ngày {}.",
                recipient.name,
                regime.name,
                period.code,
                period.deadline.format("%d/%m/%Y")
            ),
        )
        .payload(json!({
            "report": crate::graphql::encode_id(crate::graphql::NodeKind::Report, r.id).0, "period": period.code, "regime": regime.code,
            "deadline": period.deadline, "reminder": r.reminder_count + 1,
        }));
        notify(&txn, notice).await?;
    }
    let reminded = report::Entity::find()
        .filter(report::Column::Id.is_in(ids))
        .order_by_asc(report::Column::ReporterPath)
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(reminded)
}

//! Notices of tasks: to the lead when its task is sent back
//! (TASK_RETURNED, written by `returnTask`), and the sweep's due dates:
//! TASK_DUE a few working days before and on the day, TASK_OVERDUE once a
//! working day has passed.

use std::collections::HashMap;

use entity::role_grant::Role;
use entity::task;
use entity::unit;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::read::OPEN;
use super::time;
use crate::error::AppResult;
use crate::notices::sweep::{Stage, SweepDay};
use crate::notices::{Notice, Topic};

/// The notice `returnTask` writes: to the lead's REPORTER, with the reason.
pub fn returned(t: &task::Model, lead: &unit::Model, reason: &str) -> Notice {
    Notice::new(Topic::TaskReturned, "Task", t.id, lead)
        .for_role(Role::Reporter)
        .text(
            format!("Nhiệm vụ bị trả lại: {}", short(&t.title)),
            format!(
                "Cơ quan theo dõi đã trả lại nhiệm vụ \"{}\" của {}.\nLý do: {reason}",
                t.title, lead.name
            ),
        )
        .payload(json!({ "task": crate::graphql::encode_id(crate::graphql::NodeKind::Task, t.id).0, "code": t.code, "reason": reason, "dueOn": t.due_on }))
}

fn short(title: &str) -> String {
    let mut s: String = title.chars().take(200).collect();
    if title.chars().count() > 200 {
        s.push('…');
    }
    s
}

/// The sweep source of tasks: each open task with a lead whose due date
/// is within the horizon or today (TASK_DUE) or passed by at least one
/// working day within the look-back (TASK_OVERDUE), to its lead's
/// REPORTER, once per stage and due date.
pub async fn due_tasks(txn: &DatabaseTransaction, day: &SweepDay) -> AppResult<Vec<Notice>> {
    let tasks = task::Entity::find()
        .filter(task::Column::LeadUnitId.is_not_null())
        .filter(task::Column::Status.is_in(OPEN))
        .filter(task::Column::DueOn.between(day.look_back(), day.horizon()))
        .order_by_asc(task::Column::Id)
        .all(txn)
        .await?;
    let mut ids: Vec<uuid::Uuid> = tasks.iter().filter_map(|t| t.lead_unit_id).collect();
    ids.sort();
    ids.dedup();
    let leads: HashMap<uuid::Uuid, unit::Model> = crate::units::service::find_many(txn, &ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut notices = Vec::new();
    for t in tasks {
        let (Some(due), Some(lead)) = (t.due_on, t.lead_unit_id.and_then(|l| leads.get(&l))) else {
            continue;
        };
        let Some(stage) = day.stage(due) else {
            continue;
        };
        let notice = match stage {
            Stage::Before | Stage::OnTheDay => Notice::new(Topic::TaskDue, "Task", t.id, lead)
                .for_role(Role::Reporter)
                .text(
                    format!("Sắp đến hạn nhiệm vụ: {}", short(&t.title)),
                    format!(
                        "Nhiệm vụ \"{}\" do {} chủ trì đến hạn ngày {}.",
                        t.title,
                        lead.name,
                        due.format("%d/%m/%Y")
                    ),
                ),
            Stage::After => {
                let late = time::working_days_late(due, day.today, &day.calendar);
                if late == 0 {
                    continue;
                }
                Notice::new(Topic::TaskOverdue, "Task", t.id, lead)
                    .for_role(Role::Reporter)
                    .text(
                        format!("Quá hạn nhiệm vụ: {}", short(&t.title)),
                        format!(
                            "Nhiệm vụ \"{}\" do {} chủ trì đã quá hạn {late} ngày làm việc (hạn ngày {}). Đề nghị báo cáo tiến độ, nêu rõ nguyên nhân và trách nhiệm.",
                            t.title,
                            lead.name,
                            due.format("%d/%m/%Y")
                        ),
                    )
            }
        };
        notices.push(
            notice
                .payload(json!({
                    "task": crate::graphql::encode_id(crate::graphql::NodeKind::Task, t.id).0, "code": t.code, "dueOn": due, "stage": stage.as_str(),
                    "status": sea_orm::ActiveEnum::to_value(&t.status),
                }))
                .dedupe(day.key(
                    if stage == Stage::After {
                        "task-overdue"
                    } else {
                        "task-due"
                    },
                    t.id,
                    stage,
                    due,
                )),
        );
    }
    Ok(notices)
}

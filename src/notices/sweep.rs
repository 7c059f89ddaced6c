//! The scheduled sweep: due-date notices (N working days before a
//! deadline, on the day, after it) computed from the data and written
//! with [`notify_once`], so that running it twice, or on two servers at
//! once, writes each notice once. On PostgreSQL one server sweeps at a
//! time (a transaction-scoped advisory lock; the others skip that round).
//!
//! Each domain adds a [`SweepSource`] to [`SWEEP_SOURCES`].

use std::future::Future;
use std::pin::Pin;

use chrono::{Days, NaiveDate};
use entity::mandate::{self, MandateKind, MandateState};
use entity::proposal::{self, ProposalStatus};
use entity::role_grant::Role;
use entity::{mandate_assignment, opinion_request};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder,
};
use serde_json::json;

use super::{Notice, Topic, notify_once};
use crate::error::AppResult;
use crate::reporting::periods::WorkCalendar;

/// How far back a sweep looks for deadlines already past: a server that
/// was down a few weeks still tells of what fell due meanwhile, once.
pub const LOOK_BACK_DAYS: u64 = 31;

/// The day a sweep runs for, with the working calendar around it.
#[derive(Debug, Clone)]
pub struct SweepDay {
    pub today: NaiveDate,
    /// Notices go this many working days before a deadline.
    pub days_before: u32,
    pub calendar: WorkCalendar,
}

/// Where a deadline stands on the sweep's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Within `days_before` working days ahead.
    Before,
    /// Today.
    OnTheDay,
    /// Past.
    After,
}

impl Stage {
    /// The stage's name in dedupe keys and payloads.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Before => "BEFORE",
            Stage::OnTheDay => "ON_THE_DAY",
            Stage::After => "AFTER",
        }
    }
}

impl SweepDay {
    /// The last deadline a `Before` notice is due for: `days_before`
    /// working days after today.
    pub fn horizon(&self) -> NaiveDate {
        if self.days_before == 0 {
            self.today
        } else {
            self.calendar.add_working_days(self.today, self.days_before)
        }
    }

    /// The earliest deadline still told of as past.
    pub fn look_back(&self) -> NaiveDate {
        self.today - Days::new(LOOK_BACK_DAYS)
    }

    /// The stage of `deadline` today; None when it is further ahead than
    /// the horizon or further back than the look-back.
    pub fn stage(&self, deadline: NaiveDate) -> Option<Stage> {
        if deadline == self.today {
            Some(Stage::OnTheDay)
        } else if deadline > self.today {
            (deadline <= self.horizon()).then_some(Stage::Before)
        } else {
            (deadline >= self.look_back()).then_some(Stage::After)
        }
    }

    /// The dedupe key of a due-date notice: `<what>:<id>:<stage>:<deadline>`
    /// (a moved deadline is told of again).
    pub fn key(&self, what: &str, id: uuid::Uuid, stage: Stage, deadline: NaiveDate) -> String {
        format!("{what}:{id}:{}:{deadline}", stage.as_str())
    }
}

/// What a sweep source returns.
pub type SweepFuture<'a> = Pin<Box<dyn Future<Output = AppResult<Vec<Notice>>> + Send + 'a>>;

/// One kind of due-date notice: `collect` reads the data on the sweep's
/// day and returns the notices due, each with its dedupe key set
/// ([`Notice::dedupe`], e.g. with [`SweepDay::key`]); notices without one
/// are skipped.
#[derive(Clone, Copy)]
pub struct SweepSource {
    pub name: &'static str,
    pub collect: for<'a> fn(&'a DatabaseTransaction, &'a SweepDay) -> SweepFuture<'a>,
}

/// Every source a sweep runs, in order.
pub const SWEEP_SOURCES: &[SweepSource] = &[
    SweepSource {
        name: "authorizations",
        collect: |txn, day| Box::pin(expiring_authorizations(txn, day)),
    },
    SweepSource {
        name: "opinions",
        collect: |txn, day| Box::pin(overdue_opinions(txn, day)),
    },
    SweepSource {
        name: "tasks",
        collect: |txn, day| Box::pin(crate::plans::notices::due_tasks(txn, day)),
    },
];

/// The advisory lock key of the sweep (phancap's key space, "ph" high).
const SWEEP_LOCK: i64 = (0x7068_i64 << 32) | 0x5357;

/// Runs every source for `today` and writes the notices due; returns how
/// many were written (0 when another server holds the sweep).
pub async fn sweep(
    db: &DatabaseConnection,
    today: NaiveDate,
    days_before: u32,
) -> AppResult<usize> {
    let txn = crate::db::begin(db).await?;
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        let row = txn
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DatabaseBackend::Postgres,
                format!("SELECT pg_try_advisory_xact_lock({SWEEP_LOCK}) AS locked"),
            ))
            .await?;
        let locked = match row {
            Some(row) => row.try_get::<bool>("", "locked")?,
            None => false,
        };
        if !locked {
            txn.rollback().await?;
            return Ok(0);
        }
    }
    let calendar =
        crate::reporting::holidays::calendar(&txn, today - Days::new(LOOK_BACK_DAYS + 10), today)
            .await?;
    let day = SweepDay {
        today,
        days_before,
        calendar,
    };
    let mut written = 0;
    for source in SWEEP_SOURCES {
        for notice in (source.collect)(&txn, &day).await? {
            let Some(key) = notice.dedupe_key.clone() else {
                tracing::warn!(
                    source = source.name,
                    "a sweep notice without a dedupe key was skipped"
                );
                continue;
            };
            if notify_once(&txn, notice, key).await? {
                written += 1;
            }
        }
    }
    txn.commit().await?;
    Ok(written)
}

/// Issued authorizations (ủy quyền) whose end date is near, today or
/// past: to the delegator's APPROVERs (who would renew it) and to each
/// delegatee's APPROVERs (who act under it).
async fn expiring_authorizations(
    txn: &DatabaseTransaction,
    day: &SweepDay,
) -> AppResult<Vec<Notice>> {
    let mandates = mandate::Entity::find()
        .filter(mandate::Column::Kind.eq(MandateKind::Authorization))
        .filter(mandate::Column::State.eq(MandateState::Issued))
        .filter(mandate::Column::EffectiveTo.between(day.look_back(), day.horizon()))
        .order_by_asc(mandate::Column::Id)
        .all(txn)
        .await?;
    let mut notices = Vec::new();
    for m in mandates {
        let Some(end) = m.effective_to else { continue };
        let Some(stage) = day.stage(end) else {
            continue;
        };
        let delegator = crate::units::service::existing(txn, m.delegator_unit_id).await?;
        let (subject, when) = match stage {
            Stage::Before => (
                "Ủy quyền sắp hết hạn",
                format!("sẽ hết hạn ngày {}", end.format("%d/%m/%Y")),
            ),
            Stage::OnTheDay => (
                "Ủy quyền hết hạn hôm nay",
                format!("hết hạn hôm nay, ngày {}", end.format("%d/%m/%Y")),
            ),
            Stage::After => (
                "Ủy quyền đã hết hạn",
                format!("đã hết hạn ngày {}", end.format("%d/%m/%Y")),
            ),
        };
        let body = format!("Nội dung ủy quyền {} – {} {}.", m.code, m.title, when);
        let payload = json!({
            "mandate": crate::graphql::encode_id(crate::graphql::NodeKind::Mandate, m.id).0, "code": m.code, "effectiveTo": end, "stage": stage.as_str(),
        });
        notices.push(
            Notice::new(Topic::AuthorizationExpiring, "Mandate", m.id, &delegator)
                .for_role(Role::Approver)
                .text(format!("{subject}: {}", m.code), body.clone())
                .payload(payload.clone())
                .dedupe(day.key("authorization-expiring", m.id, stage, end)),
        );
        let assignments = mandate_assignment::Entity::find()
            .filter(mandate_assignment::Column::MandateId.eq(m.id))
            .filter(mandate_assignment::Column::Transferred.eq(false))
            .all(txn)
            .await?;
        for a in assignments {
            let delegatee = crate::units::service::existing(txn, a.delegatee_unit_id).await?;
            notices.push(
                Notice::new(Topic::AuthorizationExpiring, "Mandate", m.id, &delegatee)
                    .for_role(Role::Approver)
                    .text(format!("{subject}: {}", m.code), body.clone())
                    .payload(payload.clone())
                    .dedupe(day.key("authorization-expiring", a.id, stage, end)),
            );
        }
    }
    Ok(notices)
}

/// Opinion requests (lấy ý kiến) still unanswered after their due date,
/// on proposals still open: to the asked body's APPROVERs.
async fn overdue_opinions(txn: &DatabaseTransaction, day: &SweepDay) -> AppResult<Vec<Notice>> {
    let requests = opinion_request::Entity::find()
        .filter(opinion_request::Column::AnsweredAt.is_null())
        .filter(opinion_request::Column::DueOn.between(day.look_back(), day.today - Days::new(1)))
        .order_by_asc(opinion_request::Column::Id)
        .all(txn)
        .await?;
    let mut notices = Vec::new();
    for r in requests {
        let Some(p) = proposal::Entity::find_by_id(r.proposal_id).one(txn).await? else {
            continue;
        };
        if matches!(
            p.status,
            ProposalStatus::Decided | ProposalStatus::Rejected | ProposalStatus::Withdrawn
        ) {
            continue;
        }
        let body = crate::units::service::existing(txn, r.body_unit_id).await?;
        notices.push(
            Notice::new(Topic::OpinionOverdue, "OpinionRequest", r.id, &body)
                .for_role(Role::Approver)
                .text(
                    format!("Quá hạn cho ý kiến: {}", p.title),
                    format!(
                        "{} chưa cho ý kiến về đề xuất \"{}\"; hạn là ngày {}.",
                        body.name,
                        p.title,
                        r.due_on.format("%d/%m/%Y")
                    ),
                )
                .payload(json!({ "proposal": crate::graphql::encode_id(crate::graphql::NodeKind::Proposal, p.id).0, "opinionRequest": crate::graphql::encode_id(crate::graphql::NodeKind::OpinionRequest, r.id).0, "dueOn": r.due_on }))
                .dedupe(day.key("opinion-overdue", r.id, Stage::After, r.due_on)),
        );
    }
    Ok(notices)
}

//! The dispatcher: an in-process task that claims due deliveries, sends
//! them (webhook POST or e-mail), and records the outcome in the delivery
//! log, retrying with exponential backoff until it gives up.
//!
//! A claim is a lease (`claimed_until`): on PostgreSQL several servers
//! claim with `FOR UPDATE SKIP LOCKED` and never take the same delivery
//! twice while a lease runs; a server that dies mid-send leaves a lease
//! that lapses, and the delivery is sent again (at least once: receivers
//! dedupe on `X-Phancap-Delivery`). Nothing is sent inside a transaction.

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::delivery::{self, Channel, DeliveryStatus};
use entity::{notice, webhook};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::json;
use uuid::Uuid;

use super::events::NoticeEvents;
use super::smtp::SmtpSettings;
use crate::error::{AppError, AppResult};
use crate::graphql::{NodeKind, encode_id};

/// How notices are delivered and swept (`serve` flags, `PHANCAP_*`).
#[derive(Debug, Clone)]
pub struct NoticeSettings {
    /// Run the dispatcher and the sweep in this server (off in tests that
    /// count statements).
    pub background: bool,
    /// The SMTP server e-mails go through; None: e-mail deliveries wait
    /// for a server that has one.
    pub smtp: Option<SmtpSettings>,
    /// How often the dispatcher looks for due deliveries and new notices.
    pub poll: Duration,
    /// How long a claimed delivery is reserved for its sender.
    pub lease: Duration,
    /// The wait after the first failure; doubled after each next one.
    pub retry_base: Duration,
    /// The longest wait between attempts.
    pub retry_cap: Duration,
    /// Attempts before a delivery is given up (GAVE_UP).
    pub max_attempts: u32,
    /// How long a webhook receiver may take to answer.
    pub webhook_timeout: Duration,
    /// How often the sweep of due dates runs (and once at start).
    pub sweep_every: Duration,
    /// Notices go this many working days before a deadline.
    pub days_before: u32,
}

impl Default for NoticeSettings {
    fn default() -> Self {
        NoticeSettings {
            background: true,
            smtp: None,
            poll: Duration::from_secs(2),
            lease: Duration::from_secs(60),
            retry_base: Duration::from_secs(30),
            retry_cap: Duration::from_secs(6 * 3600),
            max_attempts: 10,
            webhook_timeout: Duration::from_secs(10),
            sweep_every: Duration::from_secs(3600),
            days_before: 3,
        }
    }
}

impl NoticeSettings {
    /// The wait before attempt `attempts + 1` after `attempts` failures:
    /// base × 2^(attempts−1), at most the cap.
    pub fn backoff(&self, attempts: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(30));
        self.retry_base.saturating_mul(factor).min(self.retry_cap)
    }
}

/// Most deliveries claimed at once.
const BATCH: u64 = 20;

/// Starts the dispatcher and the sweep; abort the handles to stop them.
pub fn start(
    db: DatabaseConnection,
    settings: NoticeSettings,
    events: NoticeEvents,
) -> Vec<tokio::task::JoinHandle<()>> {
    if !settings.background {
        return Vec::new();
    }
    let sweeper = {
        let db = db.clone();
        let settings = settings.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(settings.sweep_every);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                let today = crate::calendar::today();
                match super::sweep(&db, today, settings.days_before).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(notices = n, "the sweep wrote due-date notices"),
                    Err(err) => {
                        tracing::warn!(error = %err, "the sweep failed; it runs again later")
                    }
                }
            }
        })
    };
    let dispatcher = tokio::spawn(async move {
        let client = match reqwest::Client::builder()
            .timeout(settings.webhook_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
        {
            Ok(client) => client,
            Err(err) => {
                tracing::error!(error = %err, "no HTTP client: webhooks are not delivered");
                return;
            }
        };
        let mut feed = Feed::new(Utc::now());
        loop {
            if let Err(err) = feed.publish_new(&db, &events).await {
                tracing::warn!(error = %err, "reading new notices failed");
            }
            match dispatch_once(&db, &settings, &client).await {
                Ok(n) if n as u64 == BATCH => continue,
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "dispatching notices failed"),
            }
            tokio::select! {
                () = tokio::time::sleep(settings.poll) => {}
                () = events.woken() => {}
            }
        }
    });
    vec![sweeper, dispatcher]
}

/// Claims the due deliveries, sends them and records the outcomes;
/// returns how many were claimed.
pub async fn dispatch_once(
    db: &DatabaseConnection,
    settings: &NoticeSettings,
    client: &reqwest::Client,
) -> AppResult<usize> {
    let claimed = claim(db, settings).await?;
    for d in &claimed {
        let outcome = send(db, settings, client, d).await;
        record(db, settings, d, outcome).await?;
    }
    Ok(claimed.len())
}

/// Reserves up to [`BATCH`] due deliveries for this server.
async fn claim(
    db: &DatabaseConnection,
    settings: &NoticeSettings,
) -> AppResult<Vec<delivery::Model>> {
    let now = Utc::now();
    let until = now + settings.lease;
    let txn = crate::db::begin(db).await?;
    let mut query = delivery::Entity::find()
        .filter(delivery::Column::Status.is_in([DeliveryStatus::Pending, DeliveryStatus::Failed]))
        .filter(delivery::Column::NextAttemptAt.lte(now))
        .filter(
            sea_orm::Condition::any()
                .add(delivery::Column::ClaimedUntil.is_null())
                .add(delivery::Column::ClaimedUntil.lt(now)),
        )
        .order_by_asc(delivery::Column::NextAttemptAt)
        .limit(BATCH);
    if settings.smtp.is_none() {
        // E-mail waits for a server that can send it.
        query = query.filter(delivery::Column::Channel.eq(Channel::Webhook));
    }
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let due = query.all(&txn).await?;
    if due.is_empty() {
        txn.commit().await?;
        return Ok(due);
    }
    delivery::Entity::update_many()
        .col_expr(delivery::Column::ClaimedUntil, Expr::value(until))
        .filter(delivery::Column::Id.is_in(due.iter().map(|d| d.id)))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(due)
}

/// What one attempt came to.
#[derive(Debug)]
pub enum Outcome {
    Delivered {
        status_code: Option<u16>,
    },
    Failed {
        status_code: Option<u16>,
        error: String,
    },
    /// Not worth trying again (the webhook was deactivated).
    Dropped {
        error: String,
    },
}

async fn send(
    db: &DatabaseConnection,
    settings: &NoticeSettings,
    client: &reqwest::Client,
    d: &delivery::Model,
) -> Outcome {
    let notice = match notice::Entity::find_by_id(d.notice_id).one(db).await {
        Ok(Some(n)) => n,
        Ok(None) => {
            return Outcome::Dropped {
                error: "the notice is gone".into(),
            };
        }
        Err(err) => {
            return Outcome::Failed {
                status_code: None,
                error: format!("database: {err}"),
            };
        }
    };
    match d.channel {
        Channel::Webhook => {
            let hook = match d.webhook_id {
                Some(id) => webhook::Entity::find_by_id(id).one(db).await,
                None => Ok(None),
            };
            let hook = match hook {
                Ok(Some(h)) if h.active => h,
                Ok(_) => {
                    return Outcome::Dropped {
                        error: "the webhook is deactivated".into(),
                    };
                }
                Err(err) => {
                    return Outcome::Failed {
                        status_code: None,
                        error: format!("database: {err}"),
                    };
                }
            };
            post(client, &hook, d.id, &notice).await
        }
        Channel::Email => {
            let (Some(smtp), Some(to)) = (&settings.smtp, &d.email) else {
                return Outcome::Failed {
                    status_code: None,
                    error: "no SMTP server configured".into(),
                };
            };
            match super::smtp::send(smtp, to, &notice.subject, &notice.body, d.id).await {
                Ok(()) => Outcome::Delivered { status_code: None },
                Err(err) => Outcome::Failed {
                    status_code: err.code,
                    error: err.message,
                },
            }
        }
    }
}

/// The JSON body a webhook receives.
pub fn webhook_body(delivery_id: Uuid, notice: &notice::Model) -> serde_json::Value {
    let data: serde_json::Value =
        serde_json::from_str(&notice.payload).unwrap_or(serde_json::Value::Null);
    json!({
        "delivery": encode_id(NodeKind::WebhookDelivery, delivery_id).0,
        "notice": encode_id(NodeKind::Notice, notice.id).0,
        "topic": super::outbox::topic_name(notice.topic),
        "entity": {
            "type": notice.entity_type,
            "id": NodeKind::from_type_name(&notice.entity_type)
                .map_or_else(|| notice.entity_id.to_string(), |k| encode_id(k, notice.entity_id).0),
        },
        "unit": encode_id(NodeKind::Unit, notice.unit_id).0,
        "subject": notice.subject,
        "body": notice.body,
        "data": data,
        "createdAt": notice.created_at.to_rfc3339(),
    })
}

async fn post(
    client: &reqwest::Client,
    hook: &webhook::Model,
    delivery_id: Uuid,
    notice: &notice::Model,
) -> Outcome {
    let body = webhook_body(delivery_id, notice).to_string();
    let timestamp = Utc::now().timestamp();
    let signature = super::signature::sign(&hook.secret, timestamp, body.as_bytes());
    let sent = client
        .post(&hook.url)
        .header("content-type", "application/json")
        .header("user-agent", "phancap-webhook/1")
        .header("x-phancap-signature", signature)
        .header("x-phancap-timestamp", timestamp.to_string())
        .header(
            "x-phancap-delivery",
            encode_id(NodeKind::WebhookDelivery, delivery_id).0,
        )
        .header("x-phancap-topic", super::outbox::topic_name(notice.topic))
        .body(body)
        .send()
        .await;
    match sent {
        Ok(response) if response.status().is_success() => Outcome::Delivered {
            status_code: Some(response.status().as_u16()),
        },
        Ok(response) => Outcome::Failed {
            status_code: Some(response.status().as_u16()),
            error: format!("the receiver answered {}", response.status()),
        },
        Err(err) => Outcome::Failed {
            status_code: None,
            // Without the URL: it may carry a token of the receiver's.
            error: short_error(&err.without_url()),
        },
    }
}

fn short_error(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.chars().take(500).collect()
}

async fn record(
    db: &DatabaseConnection,
    settings: &NoticeSettings,
    d: &delivery::Model,
    outcome: Outcome,
) -> AppResult<()> {
    let now = Utc::now();
    let attempts = d.attempts + 1;
    let mut update = delivery::Entity::update_many()
        .col_expr(delivery::Column::Attempts, Expr::value(attempts))
        .col_expr(
            delivery::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(delivery::Column::Id.eq(d.id));
    match outcome {
        Outcome::Delivered { status_code } => {
            tracing::info!(delivery.id = %d.id, attempts, "notice delivered");
            update = update
                .col_expr(
                    delivery::Column::Status,
                    Expr::value(DeliveryStatus::Delivered),
                )
                .col_expr(delivery::Column::DeliveredAt, Expr::value(now))
                .col_expr(
                    delivery::Column::LastError,
                    Expr::value(Option::<String>::None),
                )
                .col_expr(
                    delivery::Column::LastStatusCode,
                    Expr::value(status_code.map(i32::from)),
                );
        }
        Outcome::Failed { status_code, error } => {
            let gave_up = attempts as u32 >= settings.max_attempts;
            tracing::warn!(delivery.id = %d.id, attempts, gave_up, error = %error, "notice delivery failed");
            let status = if gave_up {
                DeliveryStatus::GaveUp
            } else {
                DeliveryStatus::Failed
            };
            update = update
                .col_expr(delivery::Column::Status, Expr::value(status))
                .col_expr(delivery::Column::LastError, Expr::value(error))
                .col_expr(
                    delivery::Column::LastStatusCode,
                    Expr::value(status_code.map(i32::from)),
                )
                .col_expr(
                    delivery::Column::NextAttemptAt,
                    Expr::value(now + settings.backoff(attempts as u32)),
                );
        }
        Outcome::Dropped { error } => {
            update = update
                .col_expr(
                    delivery::Column::Status,
                    Expr::value(DeliveryStatus::GaveUp),
                )
                .col_expr(delivery::Column::LastError, Expr::value(error));
        }
    }
    let txn = crate::db::begin(db).await?;
    update.exec(&txn).await?;
    txn.commit().await.map_err(AppError::from)
}

/// Tells this server's subscribers of notices as they are written (by any
/// server): polls for notices newer than the last it saw.
struct Feed {
    since: DateTime<Utc>,
    seen: VecDeque<(DateTime<Utc>, Uuid)>,
    seen_ids: HashSet<Uuid>,
}

/// Most notices read per poll.
const FEED_PAGE: u64 = 1000;

/// A notice committed this long after its `created_at` (a long
/// transaction) is still told of.
const FEED_OVERLAP: chrono::Duration = chrono::Duration::seconds(30);

impl Feed {
    fn new(start: DateTime<Utc>) -> Self {
        Feed {
            since: start,
            seen: VecDeque::new(),
            seen_ids: HashSet::new(),
        }
    }

    async fn publish_new(
        &mut self,
        db: &DatabaseConnection,
        events: &NoticeEvents,
    ) -> AppResult<()> {
        if events.receivers() == 0 {
            // Nobody listens: skip ahead.
            self.since = Utc::now() - FEED_OVERLAP;
            return Ok(());
        }
        let from = self.since;
        let fresh = notice::Entity::find()
            .filter(notice::Column::CreatedAt.gte(from))
            .order_by_asc(notice::Column::CreatedAt)
            .order_by_asc(notice::Column::Id)
            .limit(FEED_PAGE)
            .all(db)
            .await?;
        // A full page: the next poll reads on from its last notice.
        let full_page_end = (fresh.len() == FEED_PAGE as usize)
            .then(|| fresh.last().map(|n| n.created_at))
            .flatten();
        for n in fresh {
            if self.seen_ids.insert(n.id) {
                self.seen.push_back((n.created_at, n.id));
                events.publish(n);
            }
        }
        let horizon = Utc::now() - FEED_OVERLAP;
        self.since = self.since.max(horizon);
        if let Some(end) = full_page_end {
            self.since = self.since.max(end);
        }
        while let Some((at, id)) = self.seen.front().copied() {
            if at >= horizon {
                break;
            }
            self.seen.pop_front();
            self.seen_ids.remove(&id);
        }
        Ok(())
    }
}

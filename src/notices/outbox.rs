//! The outbox: a notice is written inside the transaction of the change it
//! tells of (a rollback takes it with it), together with one delivery per
//! matching webhook and per recipient e-mail address. The dispatcher sends
//! the deliveries after commit.

use chrono::Utc;
use entity::delivery::{self, Channel, DeliveryStatus};
use entity::notice::{self, Topic};
use entity::role_grant::{self, Role};
use entity::{app_user, unit, webhook};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter,
};
use serde_json::Value;
use uuid::Uuid;

use crate::error::AppResult;
use crate::units::service::path_ids;

/// Longest subject kept (an e-mail subject line).
const MAX_SUBJECT_CHARS: usize = 400;

/// A notice to write: what happened (`topic`, the entity), the unit it
/// concerns (whose readers, and webhooks whose owner reads it, may see
/// it), who it goes to, its Vietnamese text and a JSON payload.
///
/// ```ignore
/// let n = Notice::new(Topic::TaskDue, "Task", task.id, &lead_unit)
///     .for_role(Role::Reporter)
///     .text("Nhiệm vụ sắp đến hạn", "Nhiệm vụ … đến hạn ngày 05/12/2026.")
///     .payload(json!({ "dueOn": "2026-12-05" }));
/// notify(&txn, n).await?;
/// ```
#[derive(Debug, Clone)]
pub struct Notice {
    pub topic: Topic,
    /// The GraphQL type name of the entity, e.g. "Report", "Task".
    pub entity_type: &'static str,
    pub entity_id: Uuid,
    /// The unit the notice concerns (for visibility).
    pub unit_id: Uuid,
    pub unit_path: String,
    /// A person it goes to.
    pub recipient_user: Option<Uuid>,
    /// A unit whose holders of the role (grants covering the unit) it goes to.
    pub recipient_unit: Option<(Uuid, String, Role)>,
    pub subject: String,
    pub body: String,
    pub payload: Value,
    pub dedupe_key: Option<String>,
}

impl Notice {
    /// A notice of `topic` about `entity_type` `entity_id`, concerning
    /// `unit`; it goes to nobody in particular (webhooks only) until
    /// `for_role`, `for_unit` or `for_user` says to whom.
    pub fn new(
        topic: Topic,
        entity_type: &'static str,
        entity_id: Uuid,
        unit: &unit::Model,
    ) -> Self {
        Notice::at(topic, entity_type, entity_id, unit.id, &unit.path)
    }

    /// As [`Notice::new`], given the unit's id and path only.
    pub fn at(
        topic: Topic,
        entity_type: &'static str,
        entity_id: Uuid,
        unit_id: Uuid,
        unit_path: &str,
    ) -> Self {
        Notice {
            topic,
            entity_type,
            entity_id,
            unit_id,
            unit_path: unit_path.to_owned(),
            recipient_user: None,
            recipient_unit: None,
            subject: String::new(),
            body: String::new(),
            payload: Value::Object(Default::default()),
            dedupe_key: None,
        }
    }

    /// To the holders of `role` over the unit the notice concerns.
    pub fn for_role(mut self, role: Role) -> Self {
        self.recipient_unit = Some((self.unit_id, self.unit_path.clone(), role));
        self
    }

    /// To the holders of `role` over `unit` (another unit than the one
    /// the notice concerns, e.g. the recipient of a report).
    pub fn for_unit(mut self, unit: &unit::Model, role: Role) -> Self {
        self.recipient_unit = Some((unit.id, unit.path.clone(), role));
        self
    }

    /// To one user.
    pub fn for_user(mut self, user_id: Uuid) -> Self {
        self.recipient_user = Some(user_id);
        self
    }

    /// The e-mail subject and the plain-text body, in Vietnamese.
    pub fn text(mut self, subject: impl Into<String>, body: impl Into<String>) -> Self {
        self.subject = subject.into().chars().take(MAX_SUBJECT_CHARS).collect();
        self.body = body.into();
        self
    }

    /// Machine-readable details, sent as `data` in webhook bodies.
    pub fn payload(mut self, payload: Value) -> Self {
        self.payload = payload;
        self
    }

    /// The key that makes the notice be written once (see [`notify_once`]).
    pub fn dedupe(mut self, key: impl Into<String>) -> Self {
        self.dedupe_key = Some(key.into());
        self
    }
}

/// Writes `notice` and its deliveries inside the writer's transaction.
pub async fn notify(txn: &DatabaseTransaction, notice: Notice) -> AppResult<()> {
    write(txn, notice).await.map(|_| ())
}

/// Writes `notice` unless one with the same dedupe key (set by
/// [`Notice::dedupe`], or `key` here) was written before, on either
/// database and by any server: INSERT … ON CONFLICT DO NOTHING. Returns
/// whether it was written.
pub async fn notify_once(
    txn: &DatabaseTransaction,
    notice: Notice,
    key: impl Into<String>,
) -> AppResult<bool> {
    write(txn, notice.dedupe(key)).await
}

async fn write(txn: &DatabaseTransaction, notice: Notice) -> AppResult<bool> {
    let now = Utc::now();
    let id = Uuid::now_v7();
    let model = notice::Model {
        id,
        topic: notice.topic,
        entity_type: notice.entity_type.to_owned(),
        entity_id: notice.entity_id,
        unit_id: notice.unit_id,
        unit_path: notice.unit_path.clone(),
        recipient_user_id: notice.recipient_user,
        recipient_unit_id: notice.recipient_unit.as_ref().map(|r| r.0),
        recipient_path: notice.recipient_unit.as_ref().map(|r| r.1.clone()),
        recipient_role: notice.recipient_unit.as_ref().map(|r| r.2),
        subject: notice.subject.clone(),
        body: notice.body.clone(),
        payload: notice.payload.to_string(),
        dedupe_key: notice.dedupe_key.clone(),
        created_at: now,
    };
    let inserted = notice::Entity::insert(model.into_active_model())
        .on_conflict(
            OnConflict::column(notice::Column::DedupeKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    if inserted == 0 {
        return Ok(false);
    }
    // Delivered to every server's listener when (and if) this commits.
    crate::relay::send(txn, &crate::relay::Signal::Notice { id }).await?;
    for target in webhooks_for(txn, &notice).await? {
        pending(id, Channel::Webhook, Some(target), None, now)
            .insert(txn)
            .await?;
    }
    for email in emails_for(txn, &notice).await? {
        pending(id, Channel::Email, None, Some(email), now)
            .insert(txn)
            .await?;
    }
    Ok(true)
}

fn pending(
    notice_id: Uuid,
    channel: Channel,
    webhook_id: Option<Uuid>,
    email: Option<String>,
    now: chrono::DateTime<Utc>,
) -> delivery::ActiveModel {
    delivery::Model {
        id: Uuid::now_v7(),
        notice_id,
        channel,
        webhook_id,
        email,
        status: DeliveryStatus::Pending,
        attempts: 0,
        next_attempt_at: now,
        claimed_until: None,
        last_error: None,
        last_status_code: None,
        delivered_at: None,
        created_at: now,
    }
    .into_active_model()
}

/// The active webhooks listening to the notice's topic whose owner is
/// active and holds a grant (of any role: webhooks carry what their owner
/// may read) covering the unit the notice concerns.
async fn webhooks_for(txn: &impl ConnectionTrait, notice: &Notice) -> AppResult<Vec<Uuid>> {
    let hooks: Vec<webhook::Model> = webhook::Entity::find()
        .filter(webhook::Column::Active.eq(true))
        .all(txn)
        .await?
        .into_iter()
        .filter(|w| listens(&w.topics, notice.topic))
        .collect();
    if hooks.is_empty() {
        return Ok(Vec::new());
    }
    let owners: Vec<Uuid> = hooks.iter().map(|w| w.owner_user_id).collect();
    let readers: Vec<Uuid> = role_grant::Entity::find()
        .filter(role_grant::Column::UserId.is_in(owners))
        .filter(role_grant::Column::RevokedAt.is_null())
        .filter(role_grant::Column::ScopeUnitId.is_in(path_ids(&notice.unit_path)))
        .all(txn)
        .await?
        .into_iter()
        .map(|g| g.user_id)
        .collect();
    let active: Vec<Uuid> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(readers))
        .filter(app_user::Column::Active.eq(true))
        .all(txn)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    Ok(hooks
        .into_iter()
        .filter(|w| active.contains(&w.owner_user_id))
        .map(|w| w.id)
        .collect())
}

/// Whether a webhook's comma-separated topics include `topic`.
pub fn listens(topics: &str, topic: Topic) -> bool {
    let name = topic_name(topic);
    topics.split(',').any(|t| t.trim() == name)
}

/// The stored (and GraphQL) name of a topic.
pub fn topic_name(topic: Topic) -> String {
    use sea_orm::ActiveEnum;
    topic.to_value()
}

/// The e-mail addresses of the notice's recipients: its user, and the
/// active holders of the role over the recipient unit, that have one.
async fn emails_for(txn: &impl ConnectionTrait, notice: &Notice) -> AppResult<Vec<String>> {
    let mut users: Vec<Uuid> = notice.recipient_user.into_iter().collect();
    if let Some((_, path, role)) = &notice.recipient_unit {
        let holders = role_grant::Entity::find()
            .filter(role_grant::Column::Role.eq(*role))
            .filter(role_grant::Column::RevokedAt.is_null())
            .filter(role_grant::Column::ScopeUnitId.is_in(path_ids(path)))
            .all(txn)
            .await?;
        users.extend(holders.into_iter().map(|g| g.user_id));
    }
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let mut emails: Vec<String> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(users))
        .filter(app_user::Column::Active.eq(true))
        .filter(app_user::Column::Email.is_not_null())
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|u| u.email)
        .collect();
    emails.sort();
    emails.dedup();
    Ok(emails)
}

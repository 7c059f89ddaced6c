//! Webhooks, the delivery log, users' e-mail addresses and the notices a
//! user received: the rules of each, once.

use chrono::Utc;
use entity::delivery::{self, Channel, DeliveryStatus};
use entity::notice::{self, Topic};
use entity::role_grant::Role;
use entity::{app_user, webhook};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use uuid::Uuid;

use super::outbox::topic_name;
use super::smtp::valid_email;
use crate::audit::{self, Change};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::pagination::{Page, PageRequest};
use crate::units::service as units;

/// Longest webhook URL.
pub const MAX_URL_CHARS: usize = 2000;
/// Most webhooks one account may have active.
pub const MAX_ACTIVE_WEBHOOKS: u64 = 20;

/// Checks a webhook URL: `http://host[:port][/path]`, printable ASCII, no
/// credentials.
pub fn check_url(url: &str) -> AppResult<&str> {
    let bad = |why: &str| {
        AppError::rule(
            Some("url"),
            UserErrorCode::InvalidWebhookUrl,
            format!("the webhook URL {why}"),
        )
    };
    if url.chars().count() > MAX_URL_CHARS {
        return Err(bad(&format!("is longer than {MAX_URL_CHARS} characters")));
    }
    if !url.chars().all(|c| c.is_ascii_graphic()) {
        return Err(bad(
            "has spaces, control or non-ASCII characters (percent-encode them)",
        ));
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return Err(bad(
            "must start with http:// (HTTPS is not built in: put a TLS-terminating proxy in front of the receiver)",
        ));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') {
        return Err(bad("must name a host, without a user or password"));
    }
    let parsed = reqwest::Url::parse(url).map_err(|_| bad("is not a URL"))?;
    if parsed.port() == Some(0) {
        return Err(bad("names port 0"));
    }
    if parsed.fragment().is_some() {
        return Err(bad("has a #fragment, which is never sent"));
    }
    let Some(host) = parsed.host_str() else {
        return Err(bad("is not a URL"));
    };
    let ip = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
        .ok();
    let v4_unroutable = |ip: std::net::Ipv4Addr| {
        ip.is_link_local() || ip.is_unspecified() || ip.is_broadcast() || ip.is_multicast()
    };
    let unroutable = match ip {
        Some(std::net::IpAddr::V4(ip)) => v4_unroutable(ip),
        Some(std::net::IpAddr::V6(ip)) => {
            let seg = ip.segments();
            let tail = std::net::Ipv4Addr::from(ip.to_bits() as u32);
            // IPv4 addresses carried inside IPv6: mapped and compatible
            // (::ffff:a.b.c.d, ::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and
            // 6to4 (2002:aabb:ccdd::).
            let embedded = [
                ip.to_ipv4(),
                (seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0]).then_some(tail),
                (seg[0] == 0x2002).then(|| {
                    std::net::Ipv4Addr::from((u32::from(seg[1]) << 16) | u32::from(seg[2]))
                }),
            ];
            ip.is_unspecified()
                || ip.is_multicast()
                || (seg[0] & 0xffc0) == 0xfe80
                || embedded.into_iter().flatten().any(v4_unroutable)
        }
        None => false,
    };
    if unroutable {
        return Err(bad(
            "names a link-local, unspecified, broadcast or multicast address (cloud metadata services live there)",
        ));
    }
    Ok(url)
}

/// Whether `viewer` may manage `hook`: its owner, or an ADMIN over the
/// owner's home unit.
pub async fn can_manage(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    hook: &webhook::Model,
) -> AppResult<bool> {
    if hook.owner_user_id == viewer.user.id {
        return Ok(true);
    }
    let Some(owner) = app_user::Entity::find_by_id(hook.owner_user_id)
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let home = units::existing(db, owner.home_unit_id).await?;
    Ok(viewer.grant_covering(Role::Admin, &home).is_some())
}

/// A webhook registered, with its secret (shown once).
pub struct Registered {
    pub webhook: webhook::Model,
}

/// Registers a webhook owned by the caller: a service account, or an
/// ADMIN (for trying it out). The server makes the secret.
pub async fn register(
    db: &DatabaseConnection,
    viewer: &Viewer,
    url: &str,
    topics: &[Topic],
) -> AppResult<Registered> {
    let role = if viewer.user.kind == app_user::UserKind::Service {
        None
    } else if viewer.holds(Role::Admin) {
        Some(Role::Admin)
    } else {
        return Err(AppError::Forbidden);
    };
    let url = check_url(url.trim())?;
    let mut names: Vec<String> = topics.iter().map(|t| topic_name(*t)).collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        return Err(AppError::rule(
            Some("topics"),
            UserErrorCode::NoTopics,
            "name at least one topic the webhook listens to",
        ));
    }
    let txn = crate::db::begin(db).await?;
    let active = webhook::Entity::find()
        .filter(webhook::Column::OwnerUserId.eq(viewer.user.id))
        .filter(webhook::Column::Active.eq(true))
        .count(&txn)
        .await?;
    if active >= MAX_ACTIVE_WEBHOOKS {
        return Err(AppError::rule(
            None,
            UserErrorCode::OutOfRange,
            format!(
                "an account has at most {MAX_ACTIVE_WEBHOOKS} active webhooks; deactivate one first"
            ),
        ));
    }
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| AppError::internal(format!("no randomness: {e}")))?;
    let hook = webhook::Model {
        id: Uuid::now_v7(),
        owner_user_id: viewer.user.id,
        url: url.to_owned(),
        secret: super::signature::hex(&secret),
        topics: names.join(","),
        active: true,
        created_at: Utc::now(),
        deactivated_at: None,
    }
    .into_active_model()
    .insert(&txn)
    .await?;
    let change = Change {
        action: "registerWebhook",
        entity_type: "Webhook",
        entity_id: hook.id,
        scope_unit_id: Some(viewer.user.home_unit_id),
        before: None,
        // Never the secret.
        after: Some(json!({ "url": hook.url, "topics": names })),
    };
    audit::record(&txn, &viewer.actor(role), change).await?;
    txn.commit().await?;
    Ok(Registered { webhook: hook })
}

/// The webhook `id`, if the viewer may manage it (FORBIDDEN otherwise).
pub async fn visible(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<Option<webhook::Model>> {
    let Some(hook) = webhook::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    if !can_manage(db, viewer, &hook).await? {
        return Err(AppError::Forbidden);
    }
    Ok(Some(hook))
}

/// The caller's webhooks, newest first; an ADMIN also sees those of the
/// accounts whose home unit is in scope.
pub async fn list(db: &impl ConnectionTrait, viewer: &Viewer) -> AppResult<Vec<webhook::Model>> {
    let mut owners = vec![viewer.user.id];
    let admin_scopes = viewer.scopes(&[Role::Admin]);
    if !admin_scopes.is_empty() {
        let mut cond = Condition::any();
        for scope in admin_scopes {
            let upper = format!("{}0", &scope.path[..scope.path.len() - 1]);
            cond = cond.add(
                Condition::all()
                    .add(entity::unit::Column::Path.gte(scope.path.as_str()))
                    .add(entity::unit::Column::Path.lt(upper)),
            );
        }
        let homes: Vec<Uuid> = entity::unit::Entity::find()
            .filter(cond)
            .select_only()
            .column(entity::unit::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
        let hooked: Vec<Uuid> = webhook::Entity::find()
            .select_only()
            .column(webhook::Column::OwnerUserId)
            .distinct()
            .into_tuple()
            .all(db)
            .await?;
        let users = app_user::Entity::find()
            .filter(app_user::Column::Id.is_in(hooked))
            .all(db)
            .await?;
        owners.extend(
            users
                .into_iter()
                .filter(|u| homes.contains(&u.home_unit_id))
                .map(|u| u.id),
        );
    }
    Ok(webhook::Entity::find()
        .filter(webhook::Column::OwnerUserId.is_in(owners))
        .order_by_desc(webhook::Column::Id)
        .all(db)
        .await?)
}

/// Stops a webhook: nothing more is sent to it (deliveries waiting are
/// given up when their turn comes).
pub async fn deactivate(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<webhook::Model> {
    let txn = crate::db::begin(db).await?;
    let hook = visible(&txn, viewer, id)
        .await?
        .ok_or(AppError::NotFound("webhook"))?;
    if !hook.active {
        return Err(AppError::rule(
            Some("webhook"),
            UserErrorCode::AlreadyInactive,
            "the webhook is already deactivated",
        ));
    }
    let mut active = hook.clone().into_active_model();
    active.active = sea_orm::Set(false);
    active.deactivated_at = sea_orm::Set(Some(Utc::now()));
    let after = active.update(&txn).await?;
    let role = (hook.owner_user_id != viewer.user.id).then_some(Role::Admin);
    let change = Change {
        action: "deactivateWebhook",
        entity_type: "Webhook",
        entity_id: hook.id,
        scope_unit_id: Some(viewer.user.home_unit_id),
        before: Some(json!({ "active": true })),
        after: Some(json!({ "active": false })),
    };
    audit::record(&txn, &viewer.actor(role), change).await?;
    txn.commit().await?;
    Ok(after)
}

/// The rows of a list ordered newest first by id, for `page`.
pub async fn page_by_id<E>(
    db: &impl ConnectionTrait,
    cond: Condition,
    id: E::Column,
    page: &PageRequest,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
{
    let mut cond = cond;
    if let Some(after) = &page.after {
        cond = cond.add(id.lt(after.id));
    }
    if let Some(before) = &page.before {
        cond = cond.add(id.gt(before.id));
    }
    let order = if page.backward {
        sea_orm::Order::Asc
    } else {
        sea_orm::Order::Desc
    };
    let rows = E::find()
        .filter(cond)
        .order_by(id, order)
        .limit(page.limit + 1)
        .all(db)
        .await?;
    Ok(Page::from_probe(rows, page))
}

/// The delivery log of a webhook, newest first.
pub async fn deliveries(
    db: &impl ConnectionTrait,
    hook: Uuid,
    page: &PageRequest,
) -> AppResult<Page<delivery::Model>> {
    page_by_id::<delivery::Entity>(
        db,
        Condition::all().add(delivery::Column::WebhookId.eq(hook)),
        delivery::Column::Id,
        page,
    )
    .await
}

/// How many deliveries a webhook has had.
pub async fn delivery_count(db: &impl ConnectionTrait, hook: Uuid) -> AppResult<u64> {
    Ok(delivery::Entity::find()
        .filter(delivery::Column::WebhookId.eq(hook))
        .count(db)
        .await?)
}

/// The delivery `id` if the viewer may see it: one of a webhook they
/// manage, or an e-mail to them.
pub async fn visible_delivery(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<Option<delivery::Model>> {
    let Some(d) = delivery::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let allowed = match d.webhook_id {
        Some(hook) => match webhook::Entity::find_by_id(hook).one(db).await? {
            Some(h) => can_manage(db, viewer, &h).await?,
            None => false,
        },
        None => d.email.is_some() && d.email == viewer.user.email,
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    Ok(Some(d))
}

/// Sends a DELIVERED or GAVE_UP delivery again, as soon as the dispatcher
/// comes by, with a fresh count of attempts (the log keeps the last error).
pub async fn redeliver(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<delivery::Model> {
    let txn = crate::db::begin(db).await?;
    let d = visible_delivery(&txn, viewer, id)
        .await?
        .ok_or(AppError::NotFound("delivery"))?;
    if matches!(d.status, DeliveryStatus::Pending | DeliveryStatus::Failed) {
        return Err(AppError::rule(
            Some("delivery"),
            UserErrorCode::DeliveryPending,
            "the delivery is still being tried; only DELIVERED or GAVE_UP deliveries are sent again",
        ));
    }
    if d.channel == Channel::Webhook {
        let active = match d.webhook_id {
            Some(hook) => webhook::Entity::find_by_id(hook)
                .one(&txn)
                .await?
                .is_some_and(|h| h.active),
            None => false,
        };
        if !active {
            return Err(AppError::rule(
                Some("delivery"),
                UserErrorCode::WebhookInactive,
                "the webhook was deactivated",
            ));
        }
    }
    let now = Utc::now();
    delivery::Entity::update_many()
        .col_expr(
            delivery::Column::Status,
            Expr::value(DeliveryStatus::Pending),
        )
        .col_expr(delivery::Column::Attempts, Expr::value(0))
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(now))
        .col_expr(
            delivery::Column::ClaimedUntil,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .filter(delivery::Column::Id.eq(d.id))
        .exec(&txn)
        .await?;
    let change = Change {
        action: "redeliver",
        entity_type: "WebhookDelivery",
        entity_id: d.id,
        scope_unit_id: Some(viewer.user.home_unit_id),
        before: Some(json!({ "status": format!("{:?}", d.status), "attempts": d.attempts })),
        after: Some(json!({ "status": "Pending" })),
    };
    audit::record(&txn, &viewer.actor(None), change).await?;
    let after = delivery::Entity::find_by_id(d.id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("delivery"))?;
    txn.commit().await?;
    Ok(after)
}

/// Sets (or clears, with None) the e-mail address of `user`: your own, or
/// as ADMIN over their home unit.
pub async fn set_email(
    db: &DatabaseConnection,
    viewer: &Viewer,
    user: Uuid,
    email: Option<&str>,
) -> AppResult<app_user::Model> {
    let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) if valid_email(e) => Some(e.to_owned()),
        Some(_) => {
            return Err(AppError::rule(
                Some("email"),
                UserErrorCode::InvalidEmail,
                "not an e-mail address like van.thu@snv.thainguyen.gov.vn",
            ));
        }
        None => None,
    };
    let txn = crate::db::begin(db).await?;
    let target = app_user::Entity::find_by_id(user)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let home = units::existing(&txn, target.home_unit_id).await?;
    let role = if target.id == viewer.user.id {
        None
    } else {
        viewer.require(Role::Admin, &home)?;
        Some(Role::Admin)
    };
    let before = target.email.clone();
    let mut active = target.into_active_model();
    active.email = sea_orm::Set(email.clone());
    let after = active.update(&txn).await?;
    let change = Change {
        action: "setEmail",
        entity_type: "User",
        entity_id: after.id,
        scope_unit_id: Some(home.id),
        before: Some(json!({ "email": before })),
        after: Some(json!({ "email": email })),
    };
    audit::record(&txn, &viewer.actor(role), change).await?;
    txn.commit().await?;
    Ok(after)
}

/// The notices that reach `viewer`: those to them, and those to the
/// holders of a role over a unit one of their grants of that role covers.
pub fn received_by(viewer: &Viewer) -> Condition {
    let mut cond = Condition::any().add(notice::Column::RecipientUserId.eq(viewer.user.id));
    for g in &viewer.grants {
        let path = g.scope.path.as_str();
        let upper = format!("{}0", &path[..path.len() - 1]);
        cond = cond.add(
            Condition::all()
                .add(notice::Column::RecipientRole.eq(g.grant.role))
                .add(notice::Column::RecipientPath.gte(path))
                .add(notice::Column::RecipientPath.lt(upper)),
        );
    }
    cond
}

/// Whether `n` reaches `viewer` (the rule of [`received_by`], in Rust).
pub fn reaches(viewer: &Viewer, n: &notice::Model) -> bool {
    if n.recipient_user_id == Some(viewer.user.id) {
        return true;
    }
    match (&n.recipient_path, n.recipient_role) {
        (Some(path), Some(role)) => viewer
            .grants
            .iter()
            .any(|g| g.grant.role == role && path.starts_with(&g.scope.path)),
        _ => false,
    }
}

/// The notices that reached the viewer, newest first.
pub async fn my_notices(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    topic: Option<Topic>,
    page: &PageRequest,
) -> AppResult<Page<notice::Model>> {
    let mut cond = Condition::all().add(received_by(viewer));
    if let Some(topic) = topic {
        cond = cond.add(notice::Column::Topic.eq(topic));
    }
    page_by_id::<notice::Entity>(db, cond, notice::Column::Id, page).await
}

/// How many notices reached the viewer.
pub async fn my_notice_count(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    topic: Option<Topic>,
) -> AppResult<u64> {
    let mut cond = Condition::all().add(received_by(viewer));
    if let Some(topic) = topic {
        cond = cond.add(notice::Column::Topic.eq(topic));
    }
    Ok(notice::Entity::find().filter(cond).count(db).await?)
}

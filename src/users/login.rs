//! Signing in with a password, with throttling per username. Neither the
//! errors nor the time taken tell whether a username exists.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use entity::app_user::{self, UserKind};
use entity::login_throttle;
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, EntityTrait, IntoActiveModel, Set, TransactionTrait,
};
use serde_json::json;

use super::service::by_username;
use crate::audit::{self, Actor, Change};
use crate::auth::{TokenService, password};
use crate::error::{AppError, AppResult};
use crate::metrics::Metrics;

/// Failed attempts allowed within [`WINDOW`] before the username is locked.
pub const MAX_FAILURES: i32 = 5;
/// How long failures are remembered.
pub const WINDOW: Duration = Duration::minutes(15);
/// How long a username stays locked.
pub const LOCK: Duration = Duration::minutes(15);

/// A successful sign-in.
pub struct Session {
    pub user: app_user::Model,
    pub access_token: String,
    pub expires_at: DateTime<Utc>,
}

/// Where a sign-in comes from, for the security log and the metrics.
#[derive(Default, Clone, Copy)]
pub struct Origin<'a> {
    pub client: Option<IpAddr>,
    pub metrics: Option<&'a Metrics>,
}

/// Checks the password and issues an access token. Failed and throttled
/// attempts are logged (target `phancap::security`) with the username and
/// the client's address, so that an attack can be seen, and counted.
pub async fn login(
    db: &DatabaseConnection,
    tokens: &TokenService,
    username: &str,
    pass: &str,
    origin: Origin<'_>,
) -> AppResult<Session> {
    let username = username.trim().to_lowercase();
    let result = attempt(db, tokens, &username, pass).await;
    let client = origin.client.map(|c| c.to_string());
    let client = client.as_deref().unwrap_or("-");
    match &result {
        Err(AppError::Rule { code, .. }) if *code == "THROTTLED" => {
            tracing::warn!(target: "phancap::security", username = %username, client, "sign-in refused: the username is locked");
            if let Some(metrics) = origin.metrics {
                metrics.login_throttled();
            }
        }
        Err(AppError::Rule { code, .. }) if *code == "INVALID_CREDENTIALS" => {
            tracing::warn!(target: "phancap::security", username = %username, client, "sign-in failed");
            if let Some(metrics) = origin.metrics {
                metrics.login_failed();
            }
        }
        _ => {}
    }
    result
}

async fn attempt(
    db: &DatabaseConnection,
    tokens: &TokenService,
    username: &str,
    pass: &str,
) -> AppResult<Session> {
    let username = username.to_owned();
    let now = Utc::now();
    let throttle = login_throttle::Entity::find_by_id(username.clone())
        .one(db)
        .await?;
    if let Some(until) = throttle
        .as_ref()
        .and_then(|t| t.locked_until)
        .filter(|t| *t > now)
    {
        return Err(AppError::rule(
            None,
            "THROTTLED",
            format!(
                "too many failed sign-ins for this username; try again after {}",
                until.format("%Y-%m-%d %H:%M UTC")
            ),
        ));
    }
    let user = by_username(db, &username).await?;
    let signed_in = match &user {
        Some(u) if u.active && u.kind == UserKind::Human => u
            .password_hash
            .as_deref()
            .is_some_and(|h| password::verify(pass, h)),
        _ => {
            password::verify_nothing(pass);
            false
        }
    };
    let Some(user) = user.filter(|_| signed_in) else {
        record_failure(db, &username, throttle, now).await?;
        return Err(AppError::rule(
            None,
            "INVALID_CREDENTIALS",
            "the username or password is not correct",
        ));
    };
    let (access_token, expires_at) = tokens.issue(user.id, None).map_err(AppError::invalid)?;
    let txn = db.begin().await?;
    login_throttle::Entity::delete_by_id(username)
        .exec(&txn)
        .await?;
    let actor = Actor {
        user_id: Some(user.id),
        username: user.username.clone(),
        role: None,
    };
    audit::record(
        &txn,
        &actor,
        Change {
            action: "login",
            entity_type: "User",
            entity_id: user.id,
            scope_unit_id: Some(user.home_unit_id),
            before: None,
            after: Some(json!({ "expiresAt": expires_at })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Session {
        user,
        access_token,
        expires_at,
    })
}

async fn record_failure(
    db: &DatabaseConnection,
    username: &str,
    throttle: Option<login_throttle::Model>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    match throttle {
        Some(t) => {
            let fresh = now - t.window_started_at > WINDOW;
            let failures = if fresh { 1 } else { t.failures + 1 };
            let mut row = t.into_active_model();
            if fresh {
                row.window_started_at = Set(now);
            }
            row.failures = Set(failures);
            row.locked_until = Set((failures >= MAX_FAILURES).then_some(now + LOCK));
            row.update(db).await?;
        }
        None => {
            login_throttle::Model {
                username: username.to_owned(),
                failures: 1,
                window_started_at: now,
                locked_until: None,
            }
            .into_active_model()
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

//! Signing in with a password. Failures are counted per username and
//! address and per username, atomically, before the password is checked:
//! a lock holds whatever the concurrency. Neither the errors nor the time
//! taken tell whether a username exists.

use std::net::IpAddr;

use chrono::{DateTime, TimeZone, Utc};
use entity::app_user::{self, UserKind};
use entity::login_throttle;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter,
    Statement,
};
use serde_json::json;

use super::service::by_username;
use crate::audit::{self, Actor, Change};
use crate::auth::{TokenService, password};
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::metrics::Metrics;

/// Failed attempts from one address allowed within [`WINDOW`] before the
/// username is locked for that address.
pub const MAX_FAILURES: i32 = 5;
/// Failed attempts from all addresses together allowed within [`WINDOW`]
/// before the username is locked everywhere: high enough that an attacker
/// elsewhere cannot lock an official out with a few guesses, low enough to
/// stop guessing from many addresses.
pub const MAX_FAILURES_ANYWHERE: i32 = 50;
/// How long failures are remembered, in seconds.
pub const WINDOW: i64 = 15 * 60;
/// How long a username stays locked, in seconds.
pub const LOCK: i64 = 15 * 60;
/// Longest username (as `createUser` enforces).
pub const MAX_USERNAME: usize = 64;

/// A successful sign-in.
pub struct Session {
    pub user: app_user::Model,
    pub access_token: String,
    pub expires_at: DateTime<Utc>,
}

/// Where a sign-in comes from, for the throttle, the security log and the
/// metrics.
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
    let result = attempt(db, tokens, &username, pass, origin.client).await;
    let client = origin.client.map(|c| c.to_string());
    let client = client.as_deref().unwrap_or("-");
    let shown = printable(&username);
    match &result {
        Err(AppError::Rule { code, .. }) if *code == UserErrorCode::Throttled => {
            tracing::warn!(target: "phancap::security", username = %shown, client, "sign-in refused: the username is locked");
            if let Some(metrics) = origin.metrics {
                metrics.login_throttled();
            }
        }
        Err(AppError::Rule { code, .. }) if *code == UserErrorCode::InvalidCredentials => {
            tracing::warn!(target: "phancap::security", username = %shown, client, "sign-in failed");
            if let Some(metrics) = origin.metrics {
                metrics.login_failed();
            }
        }
        _ => {}
    }
    result
}

/// A username as the log shows it: control characters escaped, so that
/// it cannot forge a log line or colour a terminal, and cut to the longest
/// username there can be.
fn printable(username: &str) -> String {
    let mut shown = String::with_capacity(username.len().min(4 * MAX_USERNAME));
    for c in username.chars().take(MAX_USERNAME) {
        if c.is_control() {
            shown.extend(c.escape_unicode());
        } else {
            shown.push(c);
        }
    }
    shown
}

fn invalid_credentials() -> AppError {
    AppError::rule(
        None,
        UserErrorCode::InvalidCredentials,
        "the username or password is not correct",
    )
}

async fn attempt(
    db: &DatabaseConnection,
    tokens: &TokenService,
    username: &str,
    pass: &str,
    client: Option<IpAddr>,
) -> AppResult<Session> {
    let impossible = username.is_empty()
        || username.chars().count() > MAX_USERNAME
        || username.chars().any(char::is_control)
        || pass.chars().count() > password::MAX_LENGTH;
    if impossible {
        // No such user or password can exist: refused before any database
        // work, so that nothing of it is stored.
        return Err(invalid_credentials());
    }
    let now = Utc::now().timestamp();
    // By the address's /64 for IPv6, as the rate limits count it: one
    // subscriber's block is one client.
    let client_key = format!(
        "client:{}:{username}",
        client.map_or_else(
            || "-".to_owned(),
            |c| crate::ratelimit::bucket_key(c).to_string()
        )
    );
    let user_key = format!("user:{username}");
    for (key, max) in [
        (&client_key, MAX_FAILURES),
        (&user_key, MAX_FAILURES_ANYWHERE),
    ] {
        let (attempts, locked_until) = count_attempt(db, key, max, now).await?;
        if attempts > max {
            let until = Utc
                .timestamp_opt(locked_until.unwrap_or(now + LOCK), 0)
                .single()
                .unwrap_or_else(Utc::now);
            return Err(AppError::rule(
                None,
                UserErrorCode::Throttled,
                format!(
                    "too many failed sign-ins for this username; try again after {}",
                    crate::calendar::time_en(until)
                ),
            )
            .with_vi(format!(
                "Đăng nhập sai quá nhiều lần với tên đăng nhập này; vui lòng thử lại sau {}.",
                crate::calendar::time_vi(until)
            )));
        }
    }
    let user = by_username(db, username).await?;
    let hash = user
        .as_ref()
        .filter(|u| u.active && u.kind == UserKind::Human)
        .and_then(|u| u.password_hash.as_deref());
    let signed_in = password::verify_async(pass, hash).await? && hash.is_some();
    let Some(user) = user.filter(|_| signed_in) else {
        return Err(invalid_credentials());
    };
    let (access_token, expires_at) = tokens
        .issue(user.id, user.token_version, None)
        .map_err(AppError::internal)?;
    let txn = crate::db::begin(db).await?;
    // This address starts afresh; the attempt is taken back from the
    // username's count, which only failures should fill.
    login_throttle::Entity::delete_by_id(client_key)
        .exec(&txn)
        .await?;
    login_throttle::Entity::update_many()
        .col_expr(
            login_throttle::Column::Failures,
            Expr::col(login_throttle::Column::Failures).sub(1),
        )
        .filter(login_throttle::Column::ThrottleKey.eq(user_key))
        .filter(login_throttle::Column::Failures.gt(0))
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

/// Counts one attempt under `key` in a single statement, before the
/// password is checked, and returns the attempts in the window and the
/// lock. The window starts afresh once it is over (and any lock with it);
/// the attempt that reaches `max` locks the key for [`LOCK`] seconds.
pub(crate) async fn count_attempt(
    db: &DatabaseConnection,
    key: &str,
    max: i32,
    now: i64,
) -> AppResult<(i32, Option<i64>)> {
    let backend = db.get_database_backend();
    let param = match backend {
        DatabaseBackend::Postgres => "$1",
        _ => "?",
    };
    let expired = format!(
        "(t.locked_until IS NULL AND t.window_started_at <= {window_start}) \
         OR (t.locked_until IS NOT NULL AND t.locked_until <= {now})",
        window_start = now - WINDOW
    );
    let lock = now + LOCK;
    // Only integers are formatted into the statement; the key is bound.
    let sql = format!(
        "INSERT INTO login_throttle AS t (throttle_key, failures, window_started_at, locked_until) \
         VALUES ({param}, 1, {now}, {first_lock}) \
         ON CONFLICT (throttle_key) DO UPDATE SET \
           failures = CASE WHEN {expired} THEN 1 ELSE t.failures + 1 END, \
           window_started_at = CASE WHEN {expired} THEN {now} ELSE t.window_started_at END, \
           locked_until = CASE WHEN {expired} THEN {first_lock} \
                               WHEN t.failures + 1 >= {max} THEN COALESCE(t.locked_until, {lock}) \
                               ELSE t.locked_until END \
         RETURNING failures, locked_until",
        first_lock = if max <= 1 {
            lock.to_string()
        } else {
            "NULL".into()
        },
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [key.into()]))
        .await?
        .ok_or_else(|| AppError::internal("the sign-in could not be counted"))?;
    Ok((
        row.try_get::<i32>("", "failures")?,
        row.try_get::<Option<i64>>("", "locked_until")?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_username_cannot_forge_a_log_line() {
        assert_eq!(printable("viewer.tn"), "viewer.tn");
        let forged = printable("ghost\n2026-11-30T12:00:00Z  INFO fake\u{1b}[31m");
        assert!(
            !forged.contains('\n') && !forged.contains('\u{1b}'),
            "{forged}"
        );
        assert!(forged.contains("\\u{a}"), "{forged}");
        assert_eq!(printable(&"x".repeat(500)).len(), MAX_USERNAME);
    }
}

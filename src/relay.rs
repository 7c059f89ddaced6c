//! Events carried between servers over one PostgreSQL database with
//! LISTEN/NOTIFY: a server sends a small signal naming what changed (ids,
//! never rows: a payload holds at most 8000 bytes), and every server,
//! itself included, runs one listener that loads what the signal names and
//! feeds its own subscribers.
//!
//! The channel is `phancap_` and the MD5 of the database's name and the
//! session's schema, so that servers over other schemas of one database
//! (the tests' isolation) never hear each other. SQLite has one server per
//! file and no relay: its events stay in the process.
//!
//! A notice's signal is sent inside the transaction that writes it,
//! and PostgreSQL delivers it only if that commits; a report's is sent
//! right after its transaction commits (a server dying in between loses
//! that one event, as the in-process channel would). While a listener's
//! connection is lost, the report changes made meanwhile are not heard by
//! its subscribers (they are not replayed); notices are not lost, since
//! the dispatcher also polls the outbox.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::report::{self, ReportStatus};
use entity::unit;
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{
    ActiveEnum, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, Statement,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppResult;
use crate::notices::events::NoticeEvents;
use crate::reporting::events::{ReportEvent, ReportEvents};

/// The session's channel, as SQL (the same on every server over one schema).
const CHANNEL_QUERY: &str =
    "SELECT 'phancap_' || md5(current_database() || '/' || current_schema()) AS channel";

/// Sends a signal on the session's channel.
const NOTIFY_SQL: &str =
    "SELECT pg_notify('phancap_' || md5(current_database() || '/' || current_schema()), $1)";

/// The longest wait between two attempts to reconnect the listener.
const BACKOFF_CAP: Duration = Duration::from_secs(30);

/// What a signal names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Signal {
    /// A report changed status from `previous` at `at`.
    Report {
        id: Uuid,
        previous: String,
        at: DateTime<Utc>,
    },
    /// A notice was written to the outbox.
    Notice { id: Uuid },
}

/// Sends `signal` to every server over this database through `conn` (a
/// transaction delivers it on commit only); nothing on SQLite.
pub async fn send<C: ConnectionTrait>(conn: &C, signal: &Signal) -> AppResult<()> {
    if conn.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    let payload = serde_json::to_string(signal).map_err(crate::error::AppError::internal)?;
    conn.execute_raw(Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        NOTIFY_SQL,
        [payload.into()],
    ))
    .await?;
    Ok(())
}

/// Starts this server's listener on PostgreSQL (None on SQLite); abort
/// the handle to stop it.
pub fn start(
    db: DatabaseConnection,
    reports: ReportEvents,
    notices: NoticeEvents,
) -> Option<tokio::task::JoinHandle<()>> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return None;
    }
    Some(tokio::spawn(async move {
        let mut backoff = Duration::from_millis(250);
        loop {
            let err = listen(&db, &reports, &notices, &mut backoff).await;
            tracing::warn!(
                error = %err,
                retry_in_ms = backoff.as_millis() as u64,
                "the listener for other servers' events lost PostgreSQL; report changes made until it is back are not heard"
            );
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(BACKOFF_CAP);
        }
    }))
}

/// Listens until the connection fails for good; the error says why.
async fn listen(
    db: &DatabaseConnection,
    reports: &ReportEvents,
    notices: &NoticeEvents,
    backoff: &mut Duration,
) -> sea_orm::sqlx::Error {
    let mut listener = match PgListener::connect_with(db.get_postgres_connection_pool()).await {
        Ok(listener) => listener,
        Err(err) => return err,
    };
    let channel: String = match sea_orm::sqlx::query_scalar(CHANNEL_QUERY)
        .fetch_one(&mut listener)
        .await
    {
        Ok(channel) => channel,
        Err(err) => return err,
    };
    if let Err(err) = listener.listen(&channel).await {
        return err;
    }
    tracing::info!(channel, "listening for other servers' events");
    *backoff = Duration::from_millis(250);
    // Notices written while nobody listened are found by the next poll.
    notices.wake();
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => {
                match serde_json::from_str::<Signal>(notification.payload()) {
                    Ok(signal) => deliver(db, reports, notices, signal).await,
                    Err(err) => tracing::warn!(error = %err, "an unreadable relay signal"),
                }
            }
            Ok(None) => {
                // sqlx reconnected and listens again.
                tracing::warn!(
                    "the listener for other servers' events reconnected; report changes made meanwhile were not heard"
                );
                notices.wake();
            }
            Err(err) => return err,
        }
    }
}

/// Feeds this server's subscribers with what `signal` names.
async fn deliver(
    db: &DatabaseConnection,
    reports: &ReportEvents,
    notices: &NoticeEvents,
    signal: Signal,
) {
    match signal {
        Signal::Notice { .. } => notices.wake(),
        Signal::Report { id, previous, at } => {
            if reports.receivers() == 0 {
                return;
            }
            match load_report_event(db, id, &previous, at).await {
                Ok(Some(event)) => reports.publish(event),
                Ok(None) => {}
                Err(err) => {
                    tracing::warn!(error = %err, report.id = %id, "a relayed report change could not be read")
                }
            }
        }
    }
}

/// The event a report signal names, with the report as it is now (a later
/// change may already show).
async fn load_report_event(
    db: &DatabaseConnection,
    id: Uuid,
    previous: &str,
    at: DateTime<Utc>,
) -> AppResult<Option<ReportEvent>> {
    let Ok(previous) = ReportStatus::try_from_value(&previous.to_owned()) else {
        return Ok(None);
    };
    let Some(report) = report::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let recipient_path = unit::Entity::find_by_id(report.recipient_unit_id)
        .one(db)
        .await?
        .map(|u| u.path)
        .unwrap_or_default();
    Ok(Some(ReportEvent {
        report,
        previous,
        recipient_path,
        at,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signal_is_small_json_naming_ids() {
        let signal = Signal::Report {
            id: Uuid::nil(),
            previous: "SUBMITTED".into(),
            at: DateTime::from_timestamp(0, 0).unwrap(),
        };
        let text = serde_json::to_string(&signal).unwrap();
        assert!(text.len() < 200, "{text}");
        assert_eq!(serde_json::from_str::<Signal>(&text).unwrap(), signal);
    }
}

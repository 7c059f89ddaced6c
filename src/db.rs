//! Connecting to SQLite or PostgreSQL and keeping the schema current.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// The embedded default: a SQLite file in the working directory, created
/// when missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://phancap.db?mode=rwc";

/// Counts the SQL statements a connection has run: how the tests show that
/// nested reads are batched.
#[derive(Debug, Clone, Default)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    /// Statements run so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Opens a pool on `url` (`sqlite:…` or `postgres://…`). `schema` puts a
/// PostgreSQL session in that schema (the tests' isolation).
pub async fn connect(
    url: &str,
    schema: Option<&str>,
    counter: &StatementCounter,
) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url);
    options.sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // One connection: SQLite has one writer, and an in-memory database
        // lives and dies with its connection, so it must never be recycled.
        options
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None::<Duration>)
            .max_lifetime(None::<Duration>)
            .map_sqlx_sqlite_opts(|o| {
                o.foreign_keys(true)
                    .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .busy_timeout(Duration::from_secs(5))
            });
    } else {
        options
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10));
    }
    if let Some(schema) = schema {
        options.set_schema_search_path(schema);
    }
    let mut db = Database::connect(options).await?;
    let count = counter.0.clone();
    db.set_metric_callback(move |_| {
        count.fetch_add(1, Ordering::Relaxed);
    });
    Ok(db)
}

/// Applies every pending migration and installs the shipped holiday days
/// the database lacks.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await?;
    // The shipped holiday calendar is reference data the deadlines need.
    crate::reporting::holidays::install_shipped(db).await?;
    Ok(())
}

/// `url` with any password replaced, for logs and messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_logs() {
        assert_eq!(
            redact("postgres://phancap:s3cret@db:5432/phancap"),
            "postgres://phancap:***@db:5432/phancap"
        );
        assert_eq!(redact(DEFAULT_DATABASE_URL), DEFAULT_DATABASE_URL);
    }
}

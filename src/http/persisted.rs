//! Apollo's automatic persisted queries: queries kept by their SHA-256.

use super::*;

pub(super) fn sha256_hex(text: &str) -> String {
    crate::text::sha256_hex(text.as_bytes())
}

/// Queries registered by Apollo's automatic persisted queries protocol,
/// by SHA-256. Kept in the database (table `persisted_query`, shared by
/// every server on it: a hash registered through one server is usable
/// through all) and remembered by each server, both bounded in total size
/// with the oldest going first. A hash names its text for good, so a
/// server's memory is never stale; a client whose hash is unknown
/// everywhere sends the query again, as the protocol provides.
pub struct PersistedQueries {
    pub(super) max_bytes: usize,
    pub(super) inner: Mutex<PersistedInner>,
    /// The shared table; None keeps the queries in this process only.
    pub(super) db: Option<DatabaseConnection>,
}

#[derive(Default)]
pub(super) struct PersistedInner {
    pub(super) queries: HashMap<String, Arc<str>>,
    pub(super) order: VecDeque<String>,
    pub(super) bytes: usize,
}

impl PersistedQueries {
    /// A store in this process's memory holding at most `max_bytes` of
    /// query text.
    pub fn new(max_bytes: usize) -> Self {
        PersistedQueries {
            max_bytes,
            inner: Mutex::default(),
            db: None,
        }
    }

    /// A store in `db`, shared by the servers on it, holding at most
    /// `max_bytes` of query text there and in this server's memory.
    pub fn shared(db: DatabaseConnection, max_bytes: usize) -> Self {
        PersistedQueries {
            db: Some(db),
            ..PersistedQueries::new(max_bytes)
        }
    }

    /// The query registered under `hash`: from memory, else from the
    /// database (then remembered).
    pub(super) async fn get(&self, hash: &str) -> Option<Arc<str>> {
        if let Some(query) = self.remembered(hash) {
            return Some(query);
        }
        let db = self.db.as_ref()?;
        let backend = db.get_database_backend();
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                "SELECT query FROM persisted_query WHERE hash = $1",
                [hash.into()],
            ))
            .await;
        let query: String = match row {
            Ok(Some(row)) => row.try_get("", "query").ok()?,
            Ok(None) => return None,
            Err(err) => {
                tracing::warn!(error = %err, "persisted queries could not be read");
                return None;
            }
        };
        // The table is written only with checked hashes; checked again, as
        // it costs little beside running the query.
        if sha256_hex(&query) != hash {
            return None;
        }
        self.remember(hash.to_owned(), &query);
        self.remembered(hash)
    }

    fn remembered(&self, hash: &str) -> Option<Arc<str>> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.queries.get(hash).cloned()
    }

    /// Registers `query` under its checked `hash`, here and in the
    /// database; the database then drops its oldest beyond the budget.
    pub(super) async fn insert(&self, hash: String, query: &str) {
        if !self.remember(hash.clone(), query) {
            return;
        }
        let Some(db) = &self.db else {
            return;
        };
        if let Err(err) = store(db, &hash, query, self.max_bytes).await {
            tracing::warn!(error = %err, "a persisted query was not shared");
        }
    }

    /// Keeps `query` in memory; whether it was new there.
    fn remember(&self, hash: String, query: &str) -> bool {
        if query.len() > self.max_bytes {
            return false;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.queries.contains_key(&hash) {
            return false;
        }
        while inner.bytes + query.len() > self.max_bytes {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some(gone) = inner.queries.remove(&oldest) {
                inner.bytes -= gone.len();
            }
        }
        inner.bytes += query.len();
        inner.order.push_back(hash.clone());
        inner.queries.insert(hash, Arc::from(query));
        true
    }
}

/// Writes a query into the shared table unless there already, and when it
/// was new, drops the oldest rows whose text goes beyond `max_bytes` (one
/// statement each).
async fn store(
    db: &DatabaseConnection,
    hash: &str,
    query: &str,
    max_bytes: usize,
) -> Result<(), sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let now = match backend {
        sea_orm::DatabaseBackend::Postgres => "extract(epoch from clock_timestamp())::float8",
        _ => "((julianday('now') - 2440587.5) * 86400.0)",
    };
    let inserted = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "INSERT INTO persisted_query (hash, query, bytes, created_at) \
                 VALUES ($1, $2, $3, {now}) ON CONFLICT (hash) DO NOTHING"
            ),
            [hash.into(), query.into(), (query.len() as i64).into()],
        ))
        .await?
        .rows_affected();
    if inserted == 0 {
        return Ok(());
    }
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        "DELETE FROM persisted_query WHERE hash IN (\
           SELECT hash FROM (\
             SELECT hash, SUM(bytes) OVER (ORDER BY created_at DESC, hash DESC \
               ROWS UNBOUNDED PRECEDING) AS kept \
             FROM persisted_query) newest \
           WHERE kept > $1)",
        [(max_bytes as i64).into()],
    ))
    .await?;
    Ok(())
}

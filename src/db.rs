//! Connecting to SQLite or PostgreSQL and keeping the schema current.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::postgres::PgConnectOptions;
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
/// PostgreSQL session in that schema (the tests' isolation). PostgreSQL
/// statements are cancelled after `PHANCAP_STATEMENT_TIMEOUT` (default
/// 60s, `0` for never).
pub async fn connect(
    url: &str,
    schema: Option<&str>,
    counter: &StatementCounter,
) -> Result<DatabaseConnection, DbErr> {
    let timeout = match std::env::var("PHANCAP_STATEMENT_TIMEOUT") {
        Ok(text) if text.trim() == "0" => None,
        Ok(text) => Some(
            crate::auth::tokens::parse_ttl(text.trim())
                .map_err(|e| DbErr::Custom(format!("PHANCAP_STATEMENT_TIMEOUT: {e}")))?,
        ),
        Err(_) => Some(DEFAULT_STATEMENT_TIMEOUT),
    };
    connect_with(url, schema, counter, timeout).await
}

/// How long a PostgreSQL statement may run by default: far beyond any
/// request's, short enough that a runaway one does not hold a connection.
pub const DEFAULT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(60);

/// Readers an embedded SQLite file gets beside its writer.
const SQLITE_CONNECTIONS: u32 = 4;

/// Connections to PostgreSQL by default. A GraphQL request holds one only
/// while a statement runs (a level of a nested query is one statement), so
/// a few per core serve many concurrent requests: on the 2-core bench
/// machine 16 kept every request of 32 concurrent deep queries supplied
/// (`bench/peer.sh`), and PostgreSQL's default limit of 100 leaves room for
/// several servers. `PHANCAP_DB_POOL` sets it (1 to 1,000).
pub const DEFAULT_PG_POOL: u32 = 16;

/// The PostgreSQL pool size: `PHANCAP_DB_POOL`, else [`DEFAULT_PG_POOL`].
/// A value that is no number from 1 to 1,000 is ignored with a warning.
fn pg_pool_size() -> u32 {
    match std::env::var("PHANCAP_DB_POOL") {
        Ok(text) => match text.trim().parse::<u32>() {
            Ok(n) if (1..=1000).contains(&n) => n,
            _ => {
                tracing::warn!(value = %text, "PHANCAP_DB_POOL is not a number from 1 to 1000; using {DEFAULT_PG_POOL}");
                DEFAULT_PG_POOL
            }
        },
        Err(_) => DEFAULT_PG_POOL,
    }
}

/// Whether the PostgreSQL URL (or the environment, `PGSSLMODE`) chooses
/// an `sslmode` itself.
fn tls_configured(url: &str) -> bool {
    // The keys and the variable as sqlx reads them: lower case, and an
    // empty PGSSLMODE is no choice.
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let in_url = query.split('&').any(|pair| {
        let key = percent_decoded(pair.split_once('=').map_or(pair, |(k, _)| k));
        key == "sslmode" || key == "ssl-mode"
    });
    in_url || std::env::var_os("PGSSLMODE").is_some_and(|v| !v.is_empty())
}

/// `text` with its `%XX` escapes decoded, as a URL's query is read.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `options` without TLS when they reach a server on this machine.
fn without_tls_if_local(options: PgConnectOptions) -> PgConnectOptions {
    if options.get_socket().is_some() || is_loopback(options.get_host()) {
        options.ssl_mode(sea_orm::sqlx::postgres::PgSslMode::Disable)
    } else {
        options
    }
}

/// A host name or address that is this machine.
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// [`connect`] with an explicit statement timeout for PostgreSQL.
pub async fn connect_with(
    url: &str,
    schema: Option<&str>,
    counter: &StatementCounter,
    statement_timeout: Option<Duration>,
) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url);
    options.sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // A file gets several connections: in WAL mode readers proceed
        // beside the one writer, and writers wait their turn (busy
        // timeout; write transactions begin IMMEDIATE, see `begin`). An
        // in-memory database lives and dies with its one connection, so it
        // keeps exactly one, never recycled.
        let memory = url.contains(":memory:") || url.contains("mode=memory");
        let connections = if memory { 1 } else { SQLITE_CONNECTIONS };
        if !memory {
            enable_wal(url).await?;
        }
        options
            .max_connections(connections)
            .min_connections(1)
            .idle_timeout(None::<Duration>)
            .max_lifetime(None::<Duration>)
            .acquire_timeout(Duration::from_secs(30))
            .map_sqlx_sqlite_opts(|o| {
                o.foreign_keys(true)
                    .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
            });
    } else {
        options
            .max_connections(pg_pool_size())
            .acquire_timeout(Duration::from_secs(10))
            // A ping before every statement was a round trip each (sqlx's
            // default): only a connection idle for a while is checked
            // before use, one that may have been cut meanwhile.
            .test_before_acquire_if_idle_for(Duration::from_secs(30));
        if !tls_configured(url) {
            // TLS to a server on this machine protects nothing and cost
            // PostgreSQL ~13 % of its CPU (issue 17): loopback and Unix
            // sockets go without it unless `sslmode` (in the URL or
            // PGSSLMODE) says otherwise. Other hosts keep sqlx's `prefer`.
            options.map_sqlx_postgres_opts(without_tls_if_local);
        }
        // One hook per pool: it sets the tests' schema too, which
        // `set_schema_search_path` would do through a hook of its own.
        // Notices ("relation seaql_migrations already exists, skipping")
        // are not news for a server or a command: warnings and worse only.
        let mut setup = String::from("SET client_min_messages TO warning");
        if let Some(timeout) = statement_timeout {
            setup.push_str(&format!(
                "; SET statement_timeout = {}",
                timeout.as_millis()
            ));
        }
        if let Some(s) = schema {
            setup.push_str(&format!("; SET search_path TO \"{}\"", s.replace('"', "")));
        }
        options.map_sqlx_postgres_pool_opts(move |pool| {
            let setup = setup.clone();
            pool.after_connect(move |conn, _| {
                let setup = setup.clone();
                Box::pin(async move {
                    disable_nagle();
                    sea_orm::sqlx::Executor::execute(conn, sea_orm::sqlx::AssertSqlSafe(setup))
                        .await?;
                    Ok(())
                })
            })
        });
    }
    let mut db = Database::connect(options).await?;
    let count = counter.0.clone();
    db.set_metric_callback(move |_| {
        count.fetch_add(1, Ordering::Relaxed);
    });
    Ok(db)
}

/// Lets SQLite's planner know the tables' sizes: `PRAGMA optimize` with
/// the mask SQLite recommends when a connection opens, which analyzes the
/// tables never analyzed or grown much since. Without statistics SQLite
/// read a province's communes through the index on `kind` (every commune
/// of the country) instead of the one on `parent_id`: 20 ms for the
/// three-level query's statement instead of 0.8 ms (issue 17). It is cheap
/// when the statistics are current. PostgreSQL analyzes by itself
/// (autovacuum); there this does nothing.
pub async fn refresh_statistics(db: &impl sea_orm::ConnectionTrait) -> Result<(), DbErr> {
    if db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
        db.execute_unprepared("PRAGMA optimize=0x10002").await?;
    }
    Ok(())
}

/// Puts a SQLite file in WAL mode through one connection of its own before
/// the pool opens several. Switching the journal mode takes an exclusive
/// lock that SQLite does not wait for: two connections of a new pool doing
/// it at once made one fail with "database is locked" (seen under load when
/// a fresh server or command opened a new file). The mode is kept in the
/// file, so the pool's own connections then find it already set.
async fn enable_wal(url: &str) -> Result<(), DbErr> {
    let mut options = ConnectOptions::new(url);
    options
        .sqlx_logging(false)
        .max_connections(1)
        .min_connections(1)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
        });
    let db = Database::connect(options).await?;
    refresh_statistics(&db).await?;
    db.close().await
}

/// sqlx 0.9.0 stopped setting `TCP_NODELAY` (sqlx issue #4335, fixed
/// upstream by #4336, not yet released): a statement sent in pieces then
/// waits ~40 ms for the server's delayed ACK. sqlx does not hand out a
/// connection's socket, so after each new connection every TCP socket of
/// the process gets the option (harmless for the others: HTTP wants it
/// too). Remove once sqlx sets it again.
fn disable_nagle() {
    #[cfg(target_os = "linux")]
    {
        let Ok(entries) = std::fs::read_dir("/proc/self/fd") else {
            return;
        };
        for entry in entries.flatten() {
            let socket = std::fs::read_link(entry.path())
                .is_ok_and(|target| target.to_string_lossy().starts_with("socket:"));
            let fd = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<i32>().ok());
            if let (true, Some(fd)) = (socket, fd) {
                let on: libc::c_int = 1;
                // SAFETY: setsockopt reads `size_of::<c_int>()` bytes from
                // `on`, which lives across the call. A descriptor that is no
                // TCP socket (or was closed and reused since) makes it fail
                // with an error, which changes nothing and is ignored.
                unsafe {
                    libc::setsockopt(
                        fd,
                        libc::IPPROTO_TCP,
                        libc::TCP_NODELAY,
                        (&raw const on).cast(),
                        std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                    );
                }
            }
        }
    }
}

/// A set of rules that read before they write: the transactions of one
/// set run one at a time, so that two of them cannot both pass a check the
/// other's write would have failed (two mandates for the same matter and
/// territory, one draft issued twice, a username taken twice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteSet {
    /// Units, documents and mandates: the mandate rules read all three.
    Delegation = 1,
    /// Users and their grants.
    Identity = 2,
    /// Regimes and the periods they open.
    Reporting = 3,
    /// The holiday calendar.
    Calendar = 4,
}

/// Begins a transaction that will write. On SQLite it takes the write lock
/// at once (BEGIN IMMEDIATE), waiting for another writer if need be: a
/// transaction that read first and then tried to write after another had
/// written would fail instead.
pub async fn begin(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    match db.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => {
            db.begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            })
            .await
        }
        _ => db.begin().await,
    }
}

/// Begins a transaction that will write and holds `set` until it ends: on
/// PostgreSQL a transaction-scoped advisory lock; on SQLite the write lock
/// of [`begin`] already serialises every writer.
pub async fn begin_write(
    db: &DatabaseConnection,
    set: WriteSet,
) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    let txn = begin(db).await?;
    hold(&txn, set).await?;
    Ok(txn)
}

/// Takes `set` too inside a transaction that [`begin_write`] opened, until
/// it ends: a write that spans two sets (a mandate change that updates the
/// reports of open periods) takes them in the order of [`WriteSet`]'s
/// values, Delegation before Reporting, so that two such writers cannot
/// wait for each other.
pub async fn hold(txn: &sea_orm::DatabaseTransaction, set: WriteSet) -> Result<(), DbErr> {
    use sea_orm::ConnectionTrait;
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        // The key space is phancap's own: 0x7068 ("ph") in the high bits.
        let key = (0x7068_i64 << 32) | set as i64;
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({key})"))
            .await?;
    }
    Ok(())
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

    #[cfg(target_os = "linux")]
    #[test]
    fn every_tcp_socket_of_the_process_gets_nodelay() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        client.set_nodelay(false).unwrap();
        assert!(!client.nodelay().unwrap());
        disable_nagle();
        assert!(client.nodelay().unwrap());
    }

    #[test]
    fn a_server_on_this_machine_is_reached_without_tls_unless_configured() {
        use sea_orm::sqlx::postgres::PgSslMode;
        let mode = |url: &str| {
            let options: PgConnectOptions = url.parse().unwrap();
            without_tls_if_local(options).get_ssl_mode()
        };
        for local in [
            "postgres://postgres@127.0.0.1:5432/phancap",
            "postgres://postgres@localhost/phancap",
            "postgres://postgres@[::1]:5432/phancap",
            "postgres://postgres@127.0.0.2/phancap",
            "postgres:///phancap?host=/var/run/postgresql",
        ] {
            assert!(matches!(mode(local), PgSslMode::Disable), "{local}");
        }
        assert!(matches!(
            mode("postgres://phancap@db.example.org/phancap"),
            PgSslMode::Prefer
        ));
        assert!(tls_configured("postgres://u@127.0.0.1/db?sslmode=require"));
        assert!(tls_configured(
            "postgres://u@127.0.0.1/db?a=1&ssl-mode=verify-full"
        ));
        assert!(!tls_configured(
            "postgres://u@127.0.0.1/db?application_name=sslmode"
        ));
        assert!(!tls_configured("postgres://u@127.0.0.1/sslmode"));
        // Escaped as sqlx reads it.
        assert!(tls_configured(
            "postgres://u@127.0.0.1/db?ssl%6Dode=require"
        ));
        // sqlx ignores a key in capitals: so does the check.
        assert!(!tls_configured("postgres://u@127.0.0.1/db?SSLMODE=require"));
    }

    #[test]
    fn passwords_never_reach_logs() {
        assert_eq!(
            redact("postgres://phancap:s3cret@db:5432/phancap"),
            "postgres://phancap:***@db:5432/phancap"
        );
        assert_eq!(redact(DEFAULT_DATABASE_URL), DEFAULT_DATABASE_URL);
    }
}

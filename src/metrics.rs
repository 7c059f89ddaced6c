//! Prometheus metrics at `GET /metrics` (text exposition format 0.0.4):
//! GraphQL requests by operation name and outcome, their latency, the
//! database pool, open subscriptions and websockets, and sign-in failures
//! and throttles. Written by hand: a handful of counters needs no crate.
//!
//! Operation names come from clients, so they are bounded: a name that is
//! not a GraphQL name, or longer than 64 characters, counts as `invalid`,
//! and past [`MAX_OPERATIONS`] distinct names new ones count as `other`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use sea_orm::{DatabaseBackend, DatabaseConnection};

/// Most distinct operation names kept as labels from signed-in callers.
pub const MAX_OPERATIONS: usize = 150;
/// Most distinct operation names kept as labels from anonymous callers: a
/// stranger cannot use up the labels of the signed-in.
pub const MAX_ANONYMOUS_OPERATIONS: usize = 50;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// How a GraphQL request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Data and no errors.
    Ok,
    /// Executed, with errors in the response (refusals, bad arguments).
    Errors,
    /// Refused before execution: not JSON, no query, unknown persisted query.
    Rejected,
    /// A bad, expired or foreign token (401).
    Unauthenticated,
    /// The server failed.
    Internal,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Errors => "errors",
            Outcome::Rejected => "rejected",
            Outcome::Unauthenticated => "unauthenticated",
            Outcome::Internal => "internal",
        }
    }
}

#[derive(Default)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Requests {
    counts: BTreeMap<(String, Outcome), u64>,
    latency: BTreeMap<String, Histogram>,
    /// Labels taken by signed-in and by anonymous callers.
    signed_in_names: usize,
    anonymous_names: usize,
}

/// The server's counters; one per application.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<Requests>,
    login_failures: AtomicU64,
    login_throttled: AtomicU64,
    subscriptions: AtomicI64,
    websockets: AtomicI64,
    turns_held: AtomicI64,
    turns_waiting: AtomicI64,
}

/// Keeps a gauge up while it lives.
pub struct OpenOwned(std::sync::Arc<Metrics>, Gauge);

#[derive(Clone, Copy)]
enum Gauge {
    Subscriptions,
    Websockets,
    TurnsHeld,
    TurnsWaiting,
}

impl Drop for OpenOwned {
    fn drop(&mut self) {
        self.0.gauge(self.1).fetch_sub(1, Ordering::Relaxed);
    }
}

/// The label for a client's operation name.
pub fn operation_label(name: Option<&str>) -> &str {
    match name {
        None => "anonymous",
        Some(n) if is_graphql_name(n) => n,
        Some(_) => "invalid",
    }
}

fn is_graphql_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= 64
        && chars
            .next()
            .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

impl Metrics {
    /// Counts one GraphQL operation (one of a batch counts alone).
    pub fn record_request(
        &self,
        operation: &str,
        signed_in: bool,
        outcome: Outcome,
        took: Duration,
    ) {
        let mut requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        let label = if requests.latency.contains_key(operation) {
            operation
        } else if signed_in && requests.signed_in_names < MAX_OPERATIONS {
            requests.signed_in_names += 1;
            operation
        } else if !signed_in && requests.anonymous_names < MAX_ANONYMOUS_OPERATIONS {
            requests.anonymous_names += 1;
            operation
        } else {
            "other"
        };
        *requests
            .counts
            .entry((label.to_owned(), outcome))
            .or_default() += 1;
        let histogram = requests.latency.entry(label.to_owned()).or_default();
        let seconds = took.as_secs_f64();
        for (bucket, bound) in histogram.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        histogram.count += 1;
        histogram.sum += seconds;
    }

    /// A wrong password, an unknown or inactive user.
    pub fn login_failed(&self) {
        self.login_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// A sign-in refused because the username is locked.
    pub fn login_throttled(&self) {
        self.login_throttled.fetch_add(1, Ordering::Relaxed);
    }

    fn gauge(&self, gauge: Gauge) -> &AtomicI64 {
        match gauge {
            Gauge::Subscriptions => &self.subscriptions,
            Gauge::Websockets => &self.websockets,
            Gauge::TurnsHeld => &self.turns_held,
            Gauge::TurnsWaiting => &self.turns_waiting,
        }
    }

    fn open(self: &std::sync::Arc<Self>, gauge: Gauge) -> OpenOwned {
        self.gauge(gauge).fetch_add(1, Ordering::Relaxed);
        OpenOwned(self.clone(), gauge)
    }

    /// A subscription stream that counts until dropped.
    pub fn subscription_opened(self: &std::sync::Arc<Self>) -> OpenOwned {
        self.open(Gauge::Subscriptions)
    }

    /// A websocket connection that counts until dropped.
    pub fn websocket_opened(self: &std::sync::Arc<Self>) -> OpenOwned {
        self.open(Gauge::Websockets)
    }

    /// A turn for subtree reads held, counted until dropped.
    pub fn turn_held(self: &std::sync::Arc<Self>) -> OpenOwned {
        self.open(Gauge::TurnsHeld)
    }

    /// An operation waiting for a turn, counted until dropped.
    pub fn turn_waiting(self: &std::sync::Arc<Self>) -> OpenOwned {
        self.open(Gauge::TurnsWaiting)
    }

    /// The exposition text, with the pool of `db` read now.
    pub fn render(&self, db: &DatabaseConnection) -> String {
        let mut out = String::with_capacity(4096);
        {
            let requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
            out.push_str("# HELP phancap_graphql_requests_total GraphQL operations by operation name and outcome.\n# TYPE phancap_graphql_requests_total counter\n");
            for ((operation, outcome), n) in &requests.counts {
                let _ = writeln!(
                    out,
                    "phancap_graphql_requests_total{{operation=\"{operation}\",outcome=\"{}\"}} {n}",
                    outcome.as_str()
                );
            }
            out.push_str("# HELP phancap_graphql_request_duration_seconds Time to answer a GraphQL operation.\n# TYPE phancap_graphql_request_duration_seconds histogram\n");
            for (operation, h) in &requests.latency {
                for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                    let _ = writeln!(
                        out,
                        "phancap_graphql_request_duration_seconds_bucket{{operation=\"{operation}\",le=\"{bound}\"}} {n}"
                    );
                }
                let _ = writeln!(
                    out,
                    "phancap_graphql_request_duration_seconds_bucket{{operation=\"{operation}\",le=\"+Inf\"}} {}\nphancap_graphql_request_duration_seconds_sum{{operation=\"{operation}\"}} {}\nphancap_graphql_request_duration_seconds_count{{operation=\"{operation}\"}} {}",
                    h.count, h.sum, h.count
                );
            }
        }
        let (size, idle, max) = pool_use(db);
        let _ = write!(
            out,
            "# HELP phancap_db_pool_connections Database connections by state.\n# TYPE phancap_db_pool_connections gauge\nphancap_db_pool_connections{{state=\"in_use\"}} {}\nphancap_db_pool_connections{{state=\"idle\"}} {idle}\n# HELP phancap_db_pool_max_connections Most connections the pool opens.\n# TYPE phancap_db_pool_max_connections gauge\nphancap_db_pool_max_connections {max}\n",
            (size as usize).saturating_sub(idle)
        );
        out.push_str(&self.render_gauges());
        out
    }

    /// The exposition text of the gauges and counters kept here.
    pub(crate) fn render_gauges(&self) -> String {
        let mut out = String::with_capacity(1024);
        let singles = [
            (
                "phancap_subscriptions_open",
                "Subscription streams being served.",
                "gauge",
                self.subscriptions.load(Ordering::Relaxed),
            ),
            (
                "phancap_websockets_open",
                "Websocket connections at /graphql/ws.",
                "gauge",
                self.websockets.load(Ordering::Relaxed),
            ),
            (
                "phancap_subtree_turns_held",
                "Operations holding a turn to read subtrees (PHANCAP_MAX_SUBTREE_READS).",
                "gauge",
                self.turns_held.load(Ordering::Relaxed),
            ),
            (
                "phancap_subtree_turns_waiting",
                "Operations waiting for a turn to read subtrees.",
                "gauge",
                self.turns_waiting.load(Ordering::Relaxed),
            ),
            (
                "phancap_login_failures_total",
                "Sign-ins refused for a wrong password or an unknown or inactive user.",
                "counter",
                self.login_failures.load(Ordering::Relaxed) as i64,
            ),
            (
                "phancap_login_throttled_total",
                "Sign-ins refused because the username was locked.",
                "counter",
                self.login_throttled.load(Ordering::Relaxed) as i64,
            ),
        ];
        for (name, help, kind, value) in singles {
            let _ = write!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"
            );
        }
        out
    }
}

/// Open, idle and most connections of the pool behind `db`.
fn pool_use(db: &DatabaseConnection) -> (u32, usize, u32) {
    match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        DatabaseBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        _ => (0, 0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_are_bounded() {
        assert_eq!(operation_label(None), "anonymous");
        assert_eq!(operation_label(Some("UnitTree_2")), "UnitTree_2");
        assert_eq!(operation_label(Some("x\"} 1\n")), "invalid");
        assert_eq!(operation_label(Some(&"a".repeat(65))), "invalid");
        let metrics = Metrics::default();
        for i in 0..MAX_ANONYMOUS_OPERATIONS + 5 {
            let name = format!("Anon{i}");
            metrics.record_request(&name, false, Outcome::Ok, Duration::from_millis(3));
        }
        for i in 0..MAX_OPERATIONS + 5 {
            let name = format!("Op{i}");
            metrics.record_request(&name, true, Outcome::Ok, Duration::from_millis(3));
        }
        let requests = metrics.requests.lock().unwrap();
        assert_eq!(
            requests.latency.len(),
            MAX_ANONYMOUS_OPERATIONS + MAX_OPERATIONS + 1
        );
        assert_eq!(requests.counts[&("other".to_owned(), Outcome::Ok)], 10);
        let h = &requests.latency["Op0"];
        assert_eq!((h.count, h.buckets[0], h.buckets[2]), (1, 0, 1));
    }
}

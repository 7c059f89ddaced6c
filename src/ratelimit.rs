//! Per-address rate limits: a token bucket for each client address, full
//! at first, refilled at a steady rate. Anonymous requests and sign-ins
//! each have their own limiter; an address over its limit is answered 429
//! with `Retry-After`. IPv6 clients are counted per /64, the block one
//! subscriber usually holds, so that changing addresses within it gains
//! nothing.
//!
//! A server keeps its buckets in the database (table `rate_bucket`), so
//! that several servers behind a load balancer share one limit per
//! address: each check is one atomic UPSERT (INSERT … ON CONFLICT DO
//! UPDATE … RETURNING) on SQLite and PostgreSQL alike, timed by the
//! database's clock. An in-memory limiter remains for a single process.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

/// Addresses remembered before idle ones (buckets full again) are dropped.
const MAX_ADDRESSES: usize = 100_000;

/// Checks between two sweeps of the idle buckets of a shared limiter.
const SWEEP_EVERY: u64 = 1024;

/// A limit of `per_minute` requests per address, in bursts of up to as many.
pub struct RateLimiter {
    per_minute: u32,
    store: Store,
}

/// Where the buckets are kept.
enum Store {
    Memory(Mutex<HashMap<IpAddr, Bucket>>),
    Shared {
        db: DatabaseConnection,
        /// Which limit the rows are of (`anonymous`, `sign_in`).
        scope: &'static str,
        checks: AtomicU64,
    },
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    /// A limiter in this process's memory allowing `per_minute` per
    /// address; 0 turns it off.
    pub fn new(per_minute: u32) -> Self {
        RateLimiter {
            per_minute,
            store: Store::Memory(Mutex::default()),
        }
    }

    /// A limiter kept in `db`'s `rate_bucket` rows of `scope`, shared by
    /// every server on that database; 0 turns it off (and reads nothing).
    pub fn shared(db: DatabaseConnection, scope: &'static str, per_minute: u32) -> Self {
        RateLimiter {
            per_minute,
            store: Store::Shared {
                db,
                scope,
                checks: AtomicU64::new(0),
            },
        }
    }

    /// Takes one request for `client`: Ok, or Err with the whole seconds
    /// to wait before the next one is allowed. A database that cannot be
    /// reached lets the request through (the request then meets the same
    /// database and fails on its own).
    pub async fn check(&self, client: IpAddr) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        match &self.store {
            Store::Memory(_) => self.check_at(client, Instant::now()),
            Store::Shared { db, scope, checks } => {
                if checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
                    sweep(db, scope).await;
                }
                match take_shared(db, scope, bucket_key(client), self.per_minute).await {
                    Ok(result) => result,
                    Err(err) => {
                        tracing::warn!(error = %err, "the rate limit could not be read; the request goes through");
                        Ok(())
                    }
                }
            }
        }
    }

    fn check_at(&self, client: IpAddr, now: Instant) -> Result<(), u64> {
        let Store::Memory(buckets) = &self.store else {
            return Ok(());
        };
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let key = bucket_key(client);
        let mut buckets = buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_ADDRESSES && !buckets.contains_key(&key) {
            buckets.retain(|_, b| {
                b.tokens + now.duration_since(b.updated).as_secs_f64() * per_second < capacity
            });
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / per_second).ceil().max(1.0) as u64)
        }
    }
}

/// The database's clock in seconds since the epoch, as SQL.
fn now_sql(backend: DatabaseBackend) -> &'static str {
    match backend {
        DatabaseBackend::Postgres => "extract(epoch from statement_timestamp())::float8",
        _ => "((julianday('now') - 2440587.5) * 86400.0)",
    }
}

/// Takes a token from the shared bucket of (`scope`, `key`) in one
/// statement: a new bucket starts full less this request; an existing one
/// is refilled for the time since its last request (at most full), then
/// gives a token when it has one. Concurrent checks of one address queue
/// on its row, so no token is spent twice.
async fn take_shared(
    db: &DatabaseConnection,
    scope: &str,
    key: IpAddr,
    per_minute: u32,
) -> Result<Result<(), u64>, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let (least, greatest) = match backend {
        DatabaseBackend::Postgres => ("LEAST", "GREATEST"),
        _ => ("MIN", "MAX"),
    };
    let now = now_sql(backend);
    // The bucket refilled up to now; $3 is the capacity, $4 the refill per
    // second.
    let refill = format!("{least}($3, b.tokens + {greatest}(0, {now} - b.updated_at) * $4)");
    let sql = format!(
        "INSERT INTO rate_bucket AS b (scope, address, tokens, allowed, updated_at) \
         VALUES ($1, $2, $3 - 1, TRUE, {now}) \
         ON CONFLICT (scope, address) DO UPDATE SET \
         tokens = CASE WHEN {refill} >= 1 THEN {refill} - 1 ELSE {refill} END, \
         allowed = ({refill} >= 1), \
         updated_at = {greatest}(b.updated_at, {now}) \
         RETURNING tokens, allowed"
    );
    let capacity = f64::from(per_minute);
    let per_second = capacity / 60.0;
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [
                scope.into(),
                key.to_string().into(),
                capacity.into(),
                per_second.into(),
            ],
        ))
        .await?
        .ok_or_else(|| sea_orm::DbErr::RecordNotFound("the bucket's row".into()))?;
    let allowed: bool = row.try_get("", "allowed")?;
    let tokens: f64 = row.try_get("", "tokens")?;
    Ok(if allowed {
        Ok(())
    } else {
        Err(((1.0 - tokens) / per_second).ceil().max(1.0) as u64)
    })
}

/// Forgets the buckets of `scope` idle for a minute: a bucket refills
/// from empty to full in a minute, so a missing row means the same.
async fn sweep(db: &DatabaseConnection, scope: &str) {
    let backend = db.get_database_backend();
    let sql = format!(
        "DELETE FROM rate_bucket WHERE scope = $1 AND updated_at < {} - 60",
        now_sql(backend)
    );
    if let Err(err) = db
        .execute_raw(Statement::from_sql_and_values(backend, sql, [scope.into()]))
        .await
    {
        tracing::warn!(error = %err, "idle rate-limit buckets were not swept");
    }
}

/// The address a bucket is kept for: IPv4 as it is, IPv6 by its /64.
pub fn bucket_key(client: IpAddr) -> IpAddr {
    match client {
        IpAddr::V4(_) => client,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn an_address_gets_its_burst_then_waits_for_the_refill() {
        let limiter = RateLimiter::new(6);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let start = Instant::now();
        for _ in 0..6 {
            assert!(limiter.check_at(a, start).is_ok());
        }
        assert_eq!(limiter.check_at(a, start), Err(10), "one every 10 s");
        assert!(limiter.check_at(b, start).is_ok(), "another address");
        assert!(limiter.check_at(a, start + Duration::from_secs(10)).is_ok());
        assert!(
            limiter
                .check_at(a, start + Duration::from_secs(11))
                .is_err()
        );
    }

    #[test]
    fn ipv6_addresses_of_one_block_share_a_bucket() {
        let limiter = RateLimiter::new(1);
        let now = Instant::now();
        assert!(
            limiter
                .check_at("2001:db8::1".parse().unwrap(), now)
                .is_ok()
        );
        assert!(
            limiter
                .check_at("2001:db8::ffff".parse().unwrap(), now)
                .is_err()
        );
        assert!(
            limiter
                .check_at("2001:db8:0:1::1".parse().unwrap(), now)
                .is_ok()
        );
    }

    #[test]
    fn zero_turns_the_limit_off() {
        let limiter = RateLimiter::new(0);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        assert!((0..1000).all(|_| limiter.check_at(a, Instant::now()).is_ok()));
    }
}

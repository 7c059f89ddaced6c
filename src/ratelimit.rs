//! Per-address rate limits: a token bucket for each client address, full
//! at first, refilled at a steady rate. Anonymous requests and sign-ins
//! each have their own limiter; an address over its limit is answered 429
//! with `Retry-After`. IPv6 clients are counted per /64, the block one
//! subscriber usually holds, so that changing addresses within it gains
//! nothing.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Addresses remembered before idle ones (buckets full again) are dropped.
const MAX_ADDRESSES: usize = 100_000;

/// A limit of `per_minute` requests per address, in bursts of up to as many.
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` per address; 0 turns it off.
    pub fn new(per_minute: u32) -> Self {
        RateLimiter {
            per_minute,
            buckets: Mutex::default(),
        }
    }

    /// Takes one request for `client`: Ok, or Err with the whole seconds
    /// to wait before the next one is allowed.
    pub fn check(&self, client: IpAddr) -> Result<(), u64> {
        self.check_at(client, Instant::now())
    }

    fn check_at(&self, client: IpAddr, now: Instant) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let key = bucket_key(client);
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
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
        assert!((0..1000).all(|_| limiter.check(a).is_ok()));
    }
}

//! Turns to execute: at most so many GraphQL operations over HTTP run at
//! once, the others wait in arrival order.
//!
//! Each operation holds its answer (rows, values, the response being
//! built) while it runs; a burst of large reads running all at once
//! multiplies that memory and, on a few cores, only interleaves work that
//! would finish sooner one after another. Waiting for a turn costs a
//! lookup nothing while the server is not saturated (a turn is free), and
//! the limit is set well above the cores, so operations that wait for the
//! database leave the CPU to the others.

use std::sync::Arc;

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::metrics::{Metrics, OpenOwned};

/// Turns for `PHANCAP_MAX_EXECUTING` operations at once (None: no limit).
pub struct Turns(Option<Semaphore>);

/// A turn: the operation executes while it lives.
pub struct Turn<'a> {
    _permit: Option<SemaphorePermit<'a>>,
    _executing: OpenOwned,
}

impl Turns {
    /// At most `limit` operations at once; 0 for no limit.
    pub fn new(limit: usize) -> Self {
        Turns((limit > 0).then(|| Semaphore::new(limit.min(Semaphore::MAX_PERMITS))))
    }

    /// The default limit: four operations per core the server may use.
    pub fn default_limit() -> usize {
        4 * std::thread::available_parallelism().map_or(1, |n| n.get())
    }

    /// Waits for a turn (counted in `phancap_operations_waiting` while
    /// waiting, then in `phancap_operations_executing`).
    pub async fn take(&self, metrics: &Arc<Metrics>) -> Turn<'_> {
        let permit = match &self.0 {
            None => None,
            Some(semaphore) => match semaphore.try_acquire() {
                Ok(permit) => Some(permit),
                Err(_) => {
                    let _waiting = metrics.operation_waiting();
                    // The semaphore is never closed.
                    semaphore.acquire().await.ok()
                }
            },
        };
        Turn {
            _permit: permit,
            _executing: metrics.operation_executing(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;

    fn gauge(metrics: &Metrics, name: &str) -> Option<i64> {
        metrics
            .render_gauges()
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
    }

    #[tokio::test]
    async fn an_operation_past_the_limit_waits_for_a_turn_in_order() {
        let metrics = Arc::new(Metrics::default());
        let turns = Turns::new(2);
        let first = turns.take(&metrics).await;
        let _second = turns.take(&metrics).await;
        assert_eq!(gauge(&metrics, "phancap_operations_executing"), Some(2));
        let mut third = Box::pin(turns.take(&metrics));
        let mut fourth = Box::pin(turns.take(&metrics));
        assert!((&mut third).now_or_never().is_none());
        assert!((&mut fourth).now_or_never().is_none());
        assert_eq!(gauge(&metrics, "phancap_operations_waiting"), Some(2));
        drop(first);
        // The earlier waiter goes first.
        assert!((&mut fourth).now_or_never().is_none());
        let third = (&mut third).now_or_never().expect("a turn was freed");
        assert_eq!(gauge(&metrics, "phancap_operations_waiting"), Some(1));
        assert_eq!(gauge(&metrics, "phancap_operations_executing"), Some(2));
        drop(third);
        let _fourth = fourth.now_or_never().expect("a turn was freed");
        assert_eq!(gauge(&metrics, "phancap_operations_waiting"), Some(0));
    }

    #[tokio::test]
    async fn no_limit_never_waits() {
        let metrics = Arc::new(Metrics::default());
        let turns = Turns::new(0);
        let held: Vec<Turn<'_>> = (0..1000)
            .map(|_| turns.take(&metrics).now_or_never().expect("no wait"))
            .collect();
        assert_eq!(gauge(&metrics, "phancap_operations_executing"), Some(1000));
        drop(held);
        assert_eq!(gauge(&metrics, "phancap_operations_executing"), Some(0));
    }
}

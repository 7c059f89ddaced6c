//! Turns for subtree reads: at most so many operations read whole
//! subtrees at once; the others wait for a turn in arrival order.
//!
//! An operation that reads a subtree (a page of children whose children
//! it also asks for, in a query) holds every row of it and the answer
//! being built until it ends: 32 whole-country reads running at once on
//! two cores held 245 MiB and came no sooner than taking eight turns (127
//! MiB, 52 against 67 answers a second). Only such operations take a turn, when they make their
//! first subtree read, and keep it until they end: lookups, flat pages
//! and mutations never wait behind a flood of national reads (a first
//! version made every operation take a turn, and a lookup by code then
//! waited 0.68 s instead of 0.05 s under such a flood). An operation takes
//! one turn at most, and waits for it holding no connection and no other
//! turn, so turns cannot deadlock. The websocket serves subscriptions
//! only, which never take turns (the turn lives in the data of operations
//! over HTTP). Between a turn's release and its next holder's first step
//! the gauges may show one held fewer for a moment.

use std::sync::Arc;

use tokio::sync::{OnceCell, OwnedSemaphorePermit, Semaphore};

use crate::metrics::{Metrics, OpenOwned};

/// Turns for `PHANCAP_MAX_SUBTREE_READS` operations at once (None: no
/// limit).
pub struct Turns(Option<Arc<Semaphore>>);

/// A turn, held while it lives.
pub struct Turn {
    _permit: Option<OwnedSemaphorePermit>,
    _held: OpenOwned,
}

impl Turns {
    /// At most `limit` operations at once; 0 for no limit.
    pub fn new(limit: usize) -> Self {
        Turns((limit > 0).then(|| Arc::new(Semaphore::new(limit.min(Semaphore::MAX_PERMITS)))))
    }

    /// The default limit: four per core the server may use (measured
    /// best of 2, 4 and 8 per core on two cores).
    pub fn default_limit() -> usize {
        4 * std::thread::available_parallelism().map_or(1, |n| n.get())
    }

    /// Waits for a turn (counted in `phancap_subtree_turns_waiting` while
    /// waiting, then in `phancap_subtree_turns_held`).
    pub async fn take(&self, metrics: &Arc<Metrics>) -> Turn {
        let permit = match &self.0 {
            None => None,
            Some(semaphore) => match semaphore.clone().try_acquire_owned() {
                Ok(permit) => Some(permit),
                Err(_) => {
                    let _waiting = metrics.turn_waiting();
                    // The semaphore is never closed.
                    semaphore.clone().acquire_owned().await.ok()
                }
            },
        };
        Turn {
            _permit: permit,
            _held: metrics.turn_held(),
        }
    }
}

/// The turn of one operation: taken at its first subtree read, given
/// back when the operation ends (with the request's data).
pub struct OperationTurn {
    turns: Arc<Turns>,
    metrics: Arc<Metrics>,
    turn: OnceCell<Turn>,
}

impl OperationTurn {
    pub fn new(turns: Arc<Turns>, metrics: Arc<Metrics>) -> Self {
        OperationTurn {
            turns,
            metrics,
            turn: OnceCell::new(),
        }
    }

    /// Waits for the operation's turn unless it holds it already.
    pub async fn hold(&self) {
        self.turn
            .get_or_init(|| self.turns.take(&self.metrics))
            .await;
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
        assert_eq!(gauge(&metrics, "phancap_subtree_turns_held"), Some(2));
        let mut third = Box::pin(turns.take(&metrics));
        let mut fourth = Box::pin(turns.take(&metrics));
        assert!((&mut third).now_or_never().is_none());
        assert!((&mut fourth).now_or_never().is_none());
        assert_eq!(gauge(&metrics, "phancap_subtree_turns_waiting"), Some(2));
        drop(first);
        // The earlier waiter goes first.
        assert!((&mut fourth).now_or_never().is_none());
        let third = (&mut third).now_or_never().expect("a turn was freed");
        assert_eq!(gauge(&metrics, "phancap_subtree_turns_waiting"), Some(1));
        assert_eq!(gauge(&metrics, "phancap_subtree_turns_held"), Some(2));
        drop(third);
        let _fourth = fourth.now_or_never().expect("a turn was freed");
        assert_eq!(gauge(&metrics, "phancap_subtree_turns_waiting"), Some(0));
    }

    #[tokio::test]
    async fn no_limit_never_waits() {
        let metrics = Arc::new(Metrics::default());
        let turns = Turns::new(0);
        let held: Vec<Turn> = (0..1000)
            .map(|_| turns.take(&metrics).now_or_never().expect("no wait"))
            .collect();
        assert_eq!(gauge(&metrics, "phancap_subtree_turns_held"), Some(1000));
        drop(held);
        assert_eq!(gauge(&metrics, "phancap_subtree_turns_held"), Some(0));
    }

    #[tokio::test]
    async fn an_operation_takes_one_turn_at_its_first_subtree_read_and_keeps_it() {
        let metrics = Arc::new(Metrics::default());
        let turns = Arc::new(Turns::new(1));
        let first = OperationTurn::new(turns.clone(), metrics.clone());
        let second = OperationTurn::new(turns.clone(), metrics.clone());
        // Not taken until asked for.
        assert_eq!(gauge(&metrics, "phancap_subtree_turns_held"), Some(0));
        first.hold().await;
        first.hold().await;
        assert_eq!(gauge(&metrics, "phancap_subtree_turns_held"), Some(1));
        let mut waiting = Box::pin(second.hold());
        assert!((&mut waiting).now_or_never().is_none());
        assert_eq!(gauge(&metrics, "phancap_subtree_turns_waiting"), Some(1));
        // The operation ends: its turn goes to the next.
        drop(first);
        assert!((&mut waiting).now_or_never().is_some());
        assert_eq!(gauge(&metrics, "phancap_subtree_turns_held"), Some(1));
        assert_eq!(gauge(&metrics, "phancap_subtree_turns_waiting"), Some(0));
    }
}

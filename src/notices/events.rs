//! Notices fanned out to this server's subscribers of `notices`. The
//! dispatcher feeds it from the outbox table, so a notice written through
//! any server reaches every server's subscribers; on PostgreSQL the relay
//! wakes the dispatcher as soon as a notice is committed, else it finds
//! it at its next poll.

use std::sync::Arc;

use entity::notice;
use tokio::sync::{Notify, broadcast};

/// The server's channel of new notices.
#[derive(Clone)]
pub struct NoticeEvents {
    sender: broadcast::Sender<notice::Model>,
    /// Wakes the dispatcher before its next poll.
    wake: Arc<Notify>,
}

impl Default for NoticeEvents {
    fn default() -> Self {
        NoticeEvents {
            sender: broadcast::channel(1024).0,
            wake: Arc::default(),
        }
    }
}

impl NoticeEvents {
    /// Tells every subscriber; nobody listening is fine.
    pub fn publish(&self, notice: notice::Model) {
        let _ = self.sender.send(notice);
    }

    /// A new subscriber's receiver.
    pub fn subscribe(&self) -> broadcast::Receiver<notice::Model> {
        self.sender.subscribe()
    }

    /// How many subscribers listen now.
    pub fn receivers(&self) -> usize {
        self.sender.receiver_count()
    }

    /// Wakes the dispatcher (a notice was committed somewhere); a wake
    /// while it works is kept for its next wait.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Completes at the next [`NoticeEvents::wake`].
    pub async fn woken(&self) {
        self.wake.notified().await;
    }
}

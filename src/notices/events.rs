//! Notices fanned out to this server's subscribers of `notices`. The
//! dispatcher feeds it from the outbox table, so a notice written through
//! any server reaches every server's subscribers.

use entity::notice;
use tokio::sync::broadcast;

/// The server's channel of new notices.
#[derive(Clone)]
pub struct NoticeEvents(broadcast::Sender<notice::Model>);

impl Default for NoticeEvents {
    fn default() -> Self {
        NoticeEvents(broadcast::channel(1024).0)
    }
}

impl NoticeEvents {
    /// Tells every subscriber; nobody listening is fine.
    pub fn publish(&self, notice: notice::Model) {
        let _ = self.0.send(notice);
    }

    /// A new subscriber's receiver.
    pub fn subscribe(&self) -> broadcast::Receiver<notice::Model> {
        self.0.subscribe()
    }

    /// How many subscribers listen now.
    pub fn receivers(&self) -> usize {
        self.0.receiver_count()
    }
}

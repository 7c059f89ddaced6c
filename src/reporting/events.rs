//! Report status changes, fanned out to subscribers of this server.
//!
//! The channel is in-process: with several servers behind a load balancer
//! a subscriber hears the changes made through its own server only (a
//! PostgreSQL LISTEN/NOTIFY relay would carry them across; not built yet).

use chrono::{DateTime, Utc};
use entity::report::{self, ReportStatus};
use tokio::sync::broadcast;

/// One change of a report's status.
#[derive(Debug, Clone)]
pub struct ReportEvent {
    pub report: report::Model,
    pub previous: ReportStatus,
    /// Path of the report's recipient, to decide who may hear of it.
    pub recipient_path: String,
    pub at: DateTime<Utc>,
}

/// The server's channel of report changes.
#[derive(Clone)]
pub struct ReportEvents(broadcast::Sender<ReportEvent>);

impl Default for ReportEvents {
    fn default() -> Self {
        // A subscriber more than this many changes behind skips ahead.
        ReportEvents(broadcast::channel(1024).0)
    }
}

impl ReportEvents {
    /// Tells every subscriber; nobody listening is fine.
    pub fn publish(&self, event: ReportEvent) {
        let _ = self.0.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<ReportEvent> {
        self.0.subscribe()
    }
}

//! Report status changes, fanned out to subscribers of this server.
//!
//! On PostgreSQL a change is announced to every server over the database
//! through [`crate::relay`], and each server's listener publishes it here;
//! on SQLite (one server per file) it is published here directly.

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
pub struct ReportEvents {
    sender: broadcast::Sender<ReportEvent>,
    /// Announced through the database (PostgreSQL) rather than published
    /// here directly.
    relayed: bool,
}

impl Default for ReportEvents {
    fn default() -> Self {
        // A subscriber more than this many changes behind skips ahead.
        ReportEvents {
            sender: broadcast::channel(1024).0,
            relayed: false,
        }
    }
}

impl ReportEvents {
    /// A channel whose changes go through the database's relay, which
    /// [`crate::relay::start`] must run.
    pub fn relayed() -> Self {
        ReportEvents {
            relayed: true,
            ..ReportEvents::default()
        }
    }

    /// Tells every subscriber of this server; nobody listening is fine.
    pub fn publish(&self, event: ReportEvent) {
        let _ = self.sender.send(event);
    }

    /// Tells the subscribers of every server over `db` of a committed
    /// change: through the relay when relayed (this server hears it back
    /// like the others), else here. A relay that fails tells this server's
    /// subscribers at least.
    pub async fn announce(&self, db: &sea_orm::DatabaseConnection, event: ReportEvent) {
        if self.relayed {
            let signal = crate::relay::Signal::Report {
                id: event.report.id,
                previous: sea_orm::ActiveEnum::to_value(&event.previous),
                at: event.at,
            };
            match crate::relay::send(db, &signal).await {
                Ok(()) => return,
                Err(err) => {
                    tracing::warn!(error = %err, "a report change was not relayed to the other servers")
                }
            }
        }
        self.publish(event);
    }

    /// How many subscribers listen now.
    pub fn receivers(&self) -> usize {
        self.sender.receiver_count()
    }

    /// A new subscriber's receiver.
    pub fn subscribe(&self) -> broadcast::Receiver<ReportEvent> {
        self.sender.subscribe()
    }
}

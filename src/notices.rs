//! Notices that reach people: the outbox written in the writer's
//! transaction ([`notify`], [`notify_once`]), the dispatcher that delivers
//! it by webhook and e-mail with retries, the subscription, and the
//! scheduled sweep of due dates.

pub mod dispatch;
pub mod events;
pub mod graphql;
pub mod outbox;
pub mod signature;
pub mod smtp;
pub mod sweep;
pub mod webhooks;

pub use entity::notice::Topic;
pub use outbox::{Notice, notify, notify_once};
pub use sweep::{SWEEP_SOURCES, SweepSource, sweep};

//! The audit trail: every mutation appends one event in its own
//! transaction, chained by SHA-256 so that editing, deleting or reordering
//! an event is detectable (`phancap audit verify`).

pub mod graphql;
pub mod service;

pub use service::{Actor, BrokenLink, Change, record, verify};

//! The change feed: what changed since a cursor, in commit order, with the
//! visibility of `node(id)`, and every node's `updatedAt`. The rows are
//! written by database triggers (migration 21), so every path that writes
//! (mutations, the unit import, the demo, sweeps) reaches the feed.

pub mod graphql;
pub mod loaders;
pub mod service;

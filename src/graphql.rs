//! The toolkit every domain's GraphQL face uses: global ids, scalars,
//! mutation payloads, the error-code extension, request-context accessors
//! and batched loaders. It knows no domain; `schema` assembles them.

pub mod codes;
mod context;
mod ids;
mod payload;
mod scalars;

use crate::error::AppError;

pub use context::{ClientAddr, ContextExt};
pub use ids::{NodeKind, decode_id, decode_id_of, encode_id};
pub use payload::{UserError, refusal_message, split};
pub use scalars::{Date, DateTime, Json, YEARS};

/// A related object that always exists: its absence is a broken record,
/// INTERNAL (logged), never a null the client must handle.
pub fn required<T>(found: Option<T>, what: &str) -> Result<T, AppError> {
    found.ok_or_else(|| AppError::internal(format!("a {what} is referred to but missing")))
}

/// How long a DataLoader waits for more keys before it runs a batch.
/// Sibling fields of one level enqueue their keys within this window even
/// when a level holds hundreds of rows; the default 1 ms split such levels.
const BATCH_WINDOW: std::time::Duration = std::time::Duration::from_millis(3);

/// A per-request DataLoader with phancap's batch window.
pub fn batched<T>(loader: T) -> async_graphql::dataloader::DataLoader<T> {
    async_graphql::dataloader::DataLoader::new(loader, tokio::spawn).delay(BATCH_WINDOW)
}

//! The DataLoader behind every node's `updatedAt`: one statement per
//! level of a query, whatever the types of the nodes on it.

use std::collections::HashMap;

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::graphql::{ContextExt, batched};

/// The feed loaders of one request.
pub struct FeedLoaders {
    pub updated_at: DataLoader<UpdatedAt>,
}

impl FeedLoaders {
    pub fn new(db: &DatabaseConnection) -> Self {
        FeedLoaders {
            updated_at: batched(UpdatedAt(db.clone())),
        }
    }
}

/// The latest change of entities by id (ids are UUIDs, unique across
/// types).
pub struct UpdatedAt(DatabaseConnection);

impl Loader<Uuid> for UpdatedAt {
    type Value = DateTime<Utc>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, DateTime<Utc>>, AppError> {
        super::service::latest(&self.0, keys).await
    }
}

/// When the entity `id` last changed: the time of its latest change in the
/// feed. Every row has one (the migration wrote a CREATED change for the
/// rows already there, the triggers one for every later write); the Unix
/// epoch stands for none, which cannot happen.
pub async fn updated_at(ctx: &Context<'_>, id: Uuid) -> AppResult<crate::graphql::DateTime> {
    let found = ctx
        .per_request::<FeedLoaders>()
        .updated_at
        .load_one(id)
        .await?;
    Ok(crate::graphql::DateTime(found.unwrap_or_default()))
}

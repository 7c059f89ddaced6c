//! What a resolver reads from its request's context, by name instead of
//! by type: the database, the viewer, and the per-request data (loaders)
//! that `schema::per_request` registers.

use std::any::Any;

use async_graphql::Context;
use sea_orm::DatabaseConnection;

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};

/// The address a request came from, for sign-in throttling and its log.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub std::net::IpAddr);

/// Accessors on a resolver's [`Context`].
pub trait ContextExt {
    /// The database every resolver reads through.
    fn db(&self) -> &DatabaseConnection;
    /// The signed-in caller, if any.
    fn viewer(&self) -> Option<&Viewer>;
    /// The signed-in caller, or UNAUTHENTICATED.
    fn signed_in(&self) -> AppResult<&Viewer>;
    /// Data registered for every request, such as a domain's loaders.
    fn per_request<T: Any + Send + Sync>(&self) -> &T;
}

impl ContextExt for Context<'_> {
    fn db(&self) -> &DatabaseConnection {
        self.data_unchecked::<DatabaseConnection>()
    }

    fn viewer(&self) -> Option<&Viewer> {
        self.data_opt::<Viewer>()
    }

    fn signed_in(&self) -> AppResult<&Viewer> {
        self.viewer().ok_or(AppError::Unauthenticated)
    }

    fn per_request<T: Any + Send + Sync>(&self) -> &T {
        self.data_unchecked::<T>()
    }
}

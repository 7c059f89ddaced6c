//! `extensions.code` on every error, set in one place for POST and the
//! websocket alike: an async-graphql extension wrapped around each request
//! and each subscription stream.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextRequest, NextSubscribe,
};
use async_graphql::futures_util::StreamExt;
use async_graphql::futures_util::stream::BoxStream;
use async_graphql::{Response, ServerError, Value};

use crate::error::AppError;

/// The extension that codes every error of a response.
pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes)
    }
}

#[async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        code_all(next.run(ctx).await)
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        next.run(ctx, stream).map(code_all).boxed()
    }
}

/// `response` with every error coded ([`set_code`]).
pub fn code_all(mut response: Response) -> Response {
    for error in &mut response.errors {
        set_code(error);
    }
    response
}

/// Sets `extensions.code` from the error's [`AppError`] source, logging an
/// internal cause once (its message to the client is already generic).
/// An error that already carries a code keeps it (and is not logged
/// again); any other comes from
/// parsing, validation, limits or argument coercion: the caller's query
/// was wrong, so BAD_USER_INPUT. Returns the code.
pub fn set_code(error: &mut ServerError) -> String {
    if let Some(Value::String(code)) = error.extensions.as_ref().and_then(|e| e.get("code")) {
        return code.clone();
    }
    if let Some(app) = error.source::<AppError>() {
        if let AppError::Internal(cause) = app {
            tracing::error!(error = %cause, path = ?error.path, "internal error");
        }
        let code = app.code();
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
        return code.to_owned();
    }
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", "BAD_USER_INPUT");
    "BAD_USER_INPUT".to_owned()
}

/// An error with `code`, for refusals made outside a resolver.
pub fn coded_error(message: impl Into<String>, code: &str) -> ServerError {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    error
}

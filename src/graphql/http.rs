//! `POST /graphql`: parses single or batched requests, caps batches,
//! attaches per-request DataLoaders, and gives every error a stable code.

use async_graphql::http::GraphiQLSource;
use async_graphql::{Request, Response, ServerError};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

use std::sync::Arc;

use super::AppSchema;
use crate::auth::{TokenService, Viewer};
use crate::error::AppError;
use crate::mandates::loaders::MandateLoaders;
use crate::reporting::loaders::ReportLoaders;
use crate::units::loaders::UnitLoaders;

/// What the GraphQL handler needs.
#[derive(Clone)]
pub struct GraphqlState {
    pub schema: AppSchema,
    pub db: DatabaseConnection,
    pub tokens: Arc<TokenService>,
    /// Most operations accepted in one batched request.
    pub max_batch: usize,
}

/// Executes a GraphQL request (or a JSON array of them).
pub async fn graphql_post(
    State(state): State<GraphqlState>,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    let viewer = match authenticate(&state, &headers).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let requests = match parse_body(&body, state.max_batch) {
        Ok(requests) => requests,
        Err(message) => return reject(message),
    };
    match requests {
        Operations::Single(request) => {
            Json(execute(&state, *request, viewer.as_ref()).await).into_response()
        }
        Operations::Batch(requests) => {
            let mut responses = Vec::with_capacity(requests.len());
            for request in requests {
                responses.push(execute(&state, request, viewer.as_ref()).await);
            }
            Json(responses).into_response()
        }
    }
}

/// The viewer of a bearer token. No `Authorization` header means an
/// anonymous caller; a header that does not carry a valid token of an
/// active user is a 401, never a silent fall back to anonymous.
async fn authenticate(
    state: &GraphqlState,
    headers: &HeaderMap,
) -> Result<Option<Viewer>, axum::response::Response> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(subject) = token.and_then(|t| state.tokens.verify(t)) else {
        return Err(unauthenticated());
    };
    match Viewer::load(&state.db, &subject).await {
        Ok(Some(viewer)) => Ok(Some(viewer)),
        Ok(None) => Err(unauthenticated()),
        Err(err) => {
            tracing::error!(error = %err, "loading the viewer failed");
            let body = json!({
                "errors": [{ "message": "internal error", "extensions": { "code": "INTERNAL" } }]
            });
            Err((StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response())
        }
    }
}

fn unauthenticated() -> axum::response::Response {
    let body = json!({
        "errors": [{
            "message": "the access token is invalid, expired or of an inactive user",
            "extensions": { "code": "UNAUTHENTICATED" }
        }]
    });
    let mut response = (StatusCode::UNAUTHORIZED, Json(body)).into_response();
    response.headers_mut().insert(
        WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    response
}

enum Operations {
    Single(Box<Request>),
    Batch(Vec<Request>),
}

/// Reads one operation or a batch of at most `max_batch`; each must carry
/// a non-empty `query`.
fn parse_body(body: &[u8], max_batch: usize) -> Result<Operations, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    match value {
        Value::Array(items) if items.is_empty() => Err("the batch is empty".into()),
        Value::Array(items) if items.len() > max_batch => Err(format!(
            "a batch may hold at most {max_batch} operations, got {}",
            items.len()
        )),
        Value::Array(items) => Ok(Operations::Batch(
            items
                .into_iter()
                .map(parse_operation)
                .collect::<Result<_, _>>()?,
        )),
        value => Ok(Operations::Single(Box::new(parse_operation(value)?))),
    }
}

fn parse_operation(value: Value) -> Result<Request, String> {
    let has_query = value
        .get("query")
        .and_then(Value::as_str)
        .is_some_and(|q| !q.trim().is_empty());
    if !has_query {
        return Err("each operation needs a non-empty `query` string".into());
    }
    serde_json::from_value(value).map_err(|e| format!("not a GraphQL request: {e}"))
}

async fn execute(state: &GraphqlState, request: Request, viewer: Option<&Viewer>) -> Response {
    let mut request = request
        .data(UnitLoaders::new(&state.db))
        .data(MandateLoaders::new(&state.db))
        .data(ReportLoaders::new(&state.db));
    if let Some(viewer) = viewer {
        request = request.data(viewer.clone());
    }
    let mut response = state.schema.execute(request).await;
    for error in &mut response.errors {
        ensure_code(error);
    }
    response
}

/// Sets `extensions.code` from the error's [`AppError`] source, logging an
/// internal cause once (its message to the client is already generic).
/// Errors without that source come from parsing, validation, limits or
/// argument coercion: the caller's query was wrong, so BAD_USER_INPUT.
fn ensure_code(error: &mut ServerError) {
    let code = match error.source::<AppError>() {
        Some(app) => {
            if let AppError::Internal(cause) = app {
                tracing::error!(error = %cause, path = ?error.path, "internal error");
            }
            app.code()
        }
        None => "BAD_USER_INPUT",
    };
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
}

fn reject(message: String) -> axum::response::Response {
    let body = json!({
        "errors": [{ "message": message, "extensions": { "code": "BAD_USER_INPUT" } }]
    });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// GraphiQL, for trying the API from a browser.
pub async fn graphiql() -> impl IntoResponse {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .title("phancap")
            .finish(),
    )
}

/// `GET /graphql/ws`: subscriptions over graphql-transport-ws (and the
/// older graphql-ws). The caller authenticates in `connection_init` with
/// `{"Authorization": "Bearer <token>"}`; a bad token closes the
/// connection, none subscribes anonymously (and is then refused).
pub async fn graphql_ws(
    State(state): State<GraphqlState>,
    protocol: async_graphql_axum::GraphQLProtocol,
    upgrade: axum::extract::WebSocketUpgrade,
) -> axum::response::Response {
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            let schema = state.schema.clone();
            async_graphql_axum::GraphQLWebSocket::new(socket, schema, protocol)
                .on_connection_init(move |payload| connection_data(state, payload))
                .serve()
        })
}

async fn connection_data(
    state: GraphqlState,
    payload: Value,
) -> async_graphql::Result<async_graphql::Data> {
    let mut data = async_graphql::Data::default();
    data.insert(UnitLoaders::new(&state.db));
    data.insert(MandateLoaders::new(&state.db));
    data.insert(ReportLoaders::new(&state.db));
    let header = ["Authorization", "authorization"]
        .iter()
        .find_map(|k| payload.get(*k).and_then(Value::as_str));
    let Some(header) = header else {
        return Ok(data);
    };
    let subject = header
        .strip_prefix("Bearer ")
        .map(str::trim)
        .and_then(|t| state.tokens.verify(t))
        .ok_or_else(|| async_graphql::Error::new("the access token is invalid or expired"))?;
    match Viewer::load(&state.db, &subject).await {
        Ok(Some(viewer)) => {
            data.insert(viewer);
            Ok(data)
        }
        Ok(None) => Err(async_graphql::Error::new("the user is unknown or inactive")),
        Err(err) => {
            tracing::error!(error = %err, "loading the viewer failed");
            Err(async_graphql::Error::new("internal error"))
        }
    }
}

//! GraphQL over HTTP: `POST /graphql` (one operation or a batch), `GET
//! /graphql?query=…` for queries a cache may keep, Apollo's automatic
//! persisted queries on both, and the websocket at `/graphql/ws`. Every
//! response is put in the specification's shape ([`shape`]), every
//! error carries a stable code, and every operation is counted.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_graphql::parser::types::OperationType;
use async_graphql::{Request, Response, ServerError, Variables};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::header::{
    ACCEPT, ALLOW, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, HOST, ORIGIN, RETRY_AFTER, VARY,
    WWW_AUTHENTICATE,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde::Deserialize;
use serde_json::Value;
#[cfg(test)]
use serde_json::json;
use uuid::Uuid;

mod graphiql;
mod shape;

pub use graphiql::{ASSETS as GRAPHIQL_ASSETS, asset as graphiql_asset};
pub use shape::TypeIndex;

use crate::auth::{TokenService, Viewer};
use crate::graphql::ClientAddr;
use crate::graphql::codes::{code_all, coded_error, set_code};
use crate::idempotency::{self, Claim};
use crate::metrics::{Metrics, Outcome, operation_label};
use crate::ratelimit::RateLimiter;
use crate::schema::{AppSchema, per_request};
use shape::{Plan, Refused};

mod operations;
pub(crate) mod uploads;

pub use uploads::file_download;
mod persisted;
mod ws;

use operations::*;
pub use persisted::*;
pub use ws::*;

mod answer;
mod execute;

pub use answer::error_response;
use answer::*;
use execute::*;

/// What the GraphQL handlers need.
#[derive(Clone)]
pub struct GraphqlState {
    pub schema: AppSchema,
    pub db: DatabaseConnection,
    pub tokens: Arc<TokenService>,
    /// Most operations accepted in one batched request.
    pub max_batch: usize,
    pub metrics: Arc<Metrics>,
    pub types: Arc<TypeIndex>,
    pub persisted: Arc<PersistedQueries>,
    /// `max-age` of anonymous query results fetched with GET, in seconds.
    pub public_max_age: u32,
    /// Serve GraphiQL to browsers at `GET /graphql`.
    pub graphiql: bool,
    /// Requests without a token, per client address.
    pub anonymous_limit: Arc<RateLimiter>,
    /// Sign-ins, per client address.
    pub login_limit: Arc<RateLimiter>,
    /// Seconds an idempotency key is remembered.
    pub idempotency_ttl: u64,
    /// Origins listed for CORS, which may also open the websocket.
    pub allowed_origins: Arc<Vec<String>>,
    /// Largest JSON request body, in bytes.
    pub max_body_bytes: usize,
    /// Where attached files are kept (and the largest one).
    pub files: crate::mandates::attachments::FileStore,
    /// Turns for subtree reads (`PHANCAP_MAX_SUBTREE_READS`).
    pub turns: Arc<crate::turns::Turns>,
}

/// What the access log line tells of a GraphQL request, handed from the
/// handler to the logging middleware in the response's extensions.
#[derive(Debug, Clone, Default)]
pub struct RequestNote {
    /// Operation names (comma-separated for a batch).
    pub operation: String,
    pub outcome: Option<Outcome>,
    pub user: Option<Uuid>,
}

/// `POST /graphql`: one operation or a JSON array of them.
pub async fn graphql_post(
    State(state): State<GraphqlState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> axum::response::Response {
    let started = Instant::now();
    // Only JSON, or files by the multipart spec with a token: a page
    // elsewhere can send text/plain or a form without asking first (no
    // CORS preflight), and must not reach the API so; a form with an
    // Authorization header cannot be sent without asking.
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let json = essence == "application/json" || essence.ends_with("+json");
    let multipart = match uploads::boundary(content_type) {
        Some(boundary) if essence == "multipart/form-data" => Some(boundary),
        _ => None,
    };
    if !json && multipart.is_none() {
        return rejected(
            &state,
            started,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the request as JSON (Content-Type: application/json), or files as multipart/form-data".into(),
        );
    }
    let limit = match multipart {
        // Room for the file and the operation around it.
        Some(_) => state.files.max_bytes + state.max_body_bytes,
        None => state.max_body_bytes,
    };
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return rejected(
            &state,
            started,
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is larger than {limit} bytes"),
        );
    }
    if multipart.is_some() {
        // Files are accepted only from a valid token, checked before a
        // byte of the body is read.
        match authenticate(&state, &headers).await {
            Ok(Some(_)) => {}
            Ok(None) => return unauthenticated(crate::labels::Lang::from_headers(&headers)),
            Err((response, _)) => return response,
        }
        if headers.contains_key(IDEMPOTENCY_KEY) {
            return rejected(
                &state,
                started,
                StatusCode::BAD_REQUEST,
                "an upload cannot carry an Idempotency-Key (each client picks a new multipart boundary, so a retry never matches): attaching the same content twice is already one attachment".into(),
            );
        }
    }
    let body = match axum::body::to_bytes(body, limit).await {
        Ok(body) => body,
        Err(_) => {
            return rejected(
                &state,
                started,
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the request body is larger than {limit} bytes"),
            );
        }
    };
    let parsed = match multipart {
        Some(boundary) => uploads::parse(body.clone(), boundary, state.max_batch).await,
        None => parse_body(&body, state.max_batch),
    };
    let operations = match parsed {
        Ok(operations) => operations,
        Err(message) => return rejected(&state, started, StatusCode::BAD_REQUEST, message),
    };
    // A retry of a signed-in caller's request is recognised by its key
    // and the hash of its body.
    let idempotent = match headers.get(IDEMPOTENCY_KEY) {
        None => None,
        Some(value) => match value.to_str().ok().filter(|k| idempotency::valid_key(k)) {
            Some(key) => Some(Idempotent {
                key: key.to_owned(),
                hash: crate::text::sha256_hex(&body),
            }),
            None => {
                return rejected(
                    &state,
                    started,
                    StatusCode::BAD_REQUEST,
                    format!(
                        "an Idempotency-Key has 1 to {} visible ASCII characters",
                        idempotency::MAX_KEY
                    ),
                );
            }
        },
    };
    if idempotent.is_none() {
        let request = Incoming {
            headers: &headers,
            peer,
            method: Method::Post,
            started,
            idempotent,
        };
        return respond(&state, request, operations).await;
    }
    // A keyed request runs to its end even if the client goes away, so
    // that its answer is kept for the retry that will come.
    let task = tokio::spawn(async move {
        let request = Incoming {
            headers: &headers,
            peer,
            method: Method::Post,
            started,
            idempotent,
        };
        respond(&state, request, operations).await
    });
    task.await.unwrap_or_else(|err| {
        tracing::error!(error = %err, "a keyed request failed");
        error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "internal error",
        )
    })
}

/// `GET /graphql`: a query from the URL (`query`, `operationName`,
/// `variables`, `extensions`), or GraphiQL for a browser.
pub async fn graphql_get(
    State(state): State<GraphqlState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> axum::response::Response {
    let started = Instant::now();
    let params: HashMap<String, String> = query
        .as_deref()
        .map(|q| serde_urlencoded::from_str(q).unwrap_or_default())
        .unwrap_or_default();
    let accept = headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let has_operation = params.contains_key("query") || params.contains_key("extensions");
    // A browser opening a link (it asks for HTML) gets GraphiQL, with the
    // link's query in the editor; programs (`fetch`, curl: `*/*` or JSON)
    // get the query's result. With no query, only a program that accepts
    // JSON alone is told what is missing.
    let json_only = accept.contains("json") && !accept.contains("text/html");
    let page = if has_operation {
        accept.contains("text/html")
    } else {
        !json_only
    };
    if state.graphiql && page {
        return graphiql::page().into_response();
    }
    if !has_operation {
        return rejected(
            &state,
            started,
            StatusCode::BAD_REQUEST,
            "a GET request needs a `query` (or a persisted query's `extensions`) parameter".into(),
        );
    }
    let operation = match operation_from_params(params) {
        Ok(operation) => operation,
        Err(message) => return rejected(&state, started, StatusCode::BAD_REQUEST, message),
    };
    let request = Incoming {
        headers: &headers,
        peer,
        method: Method::Get,
        started,
        idempotent: None,
    };
    respond(&state, request, Operations::Single(operation)).await
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
}

/// An `Idempotency-Key` and the hash of the body it came with.
struct Idempotent {
    key: String,
    hash: String,
}

/// What `respond` needs of the HTTP request.
struct Incoming<'a> {
    headers: &'a HeaderMap,
    peer: SocketAddr,
    method: Method,
    started: Instant,
    idempotent: Option<Idempotent>,
}

async fn respond(
    state: &GraphqlState,
    request: Incoming<'_>,
    operations: Operations,
) -> axum::response::Response {
    let Incoming {
        headers,
        peer,
        method,
        started,
        idempotent,
    } = request;
    let lang = crate::labels::Lang::from_headers(headers);
    let viewer = match authenticate(state, headers).await {
        Ok(viewer) => viewer,
        Err((mut response, outcome)) => {
            let count = operations.count();
            note(&mut response, String::new(), outcome, None);
            for _ in 0..count {
                state
                    .metrics
                    .record_request(UNKNOWN, false, outcome, started.elapsed());
            }
            return response;
        }
    };
    if viewer.is_none()
        && let Err(wait) = state.anonymous_limit.check(peer.ip()).await
    {
        return too_many(state, operations.count(), started, wait, lang);
    }
    // Keys are a signed-in caller's: anonymous callers can only sign in,
    // and a sign-in's token is never kept for a replay.
    let idempotent = idempotent.zip(viewer.as_ref().map(|v| v.user.id.to_string()));
    if let Some((idem, user)) = &idempotent {
        let now = chrono::Utc::now().timestamp();
        let ttl = state.idempotency_ttl as i64;
        match idempotency::claim(&state.db, user, &idem.key, &idem.hash, now, ttl).await {
            Ok(Claim::New) => {}
            Ok(Claim::Replay { status, body }) => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                let mut response = (
                    status,
                    [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
                    body,
                )
                    .into_response();
                let headers = response.headers_mut();
                headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
                headers.insert(REPLAYED, HeaderValue::from_static("true"));
                note(
                    &mut response,
                    String::new(),
                    Outcome::Ok,
                    viewer.map(|v| v.user.id),
                );
                return response;
            }
            Ok(Claim::InProgress) => {
                return error_response(
                    StatusCode::CONFLICT,
                    "CONFLICT",
                    lang.pick(
                        "Một yêu cầu với cùng khóa Idempotency-Key đang được xử lý; vui lòng thử lại sau giây lát.",
                        "a request with this Idempotency-Key is still being answered; retry shortly",
                    ),
                );
            }
            Ok(Claim::Reused) => {
                return error_response(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "IDEMPOTENCY_KEY_REUSED",
                    lang.pick(
                        "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác; hãy dùng khóa mới.",
                        "this Idempotency-Key was used for another request; use a new key",
                    ),
                );
            }
            Err(err) => {
                tracing::error!(error = %err, "claiming an idempotency key failed");
                return error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "INTERNAL",
                    "internal error",
                );
            }
        }
    }
    let mut context = Context {
        state,
        viewer: viewer.as_ref(),
        client: ClientAddr(peer.ip()),
        lang,
        method,
        logins: 0,
        sign_ins: 0,
        retry_after: None,
    };
    let mut names = Vec::new();
    let (mut response, outcome, ok) = match operations {
        Operations::Single(operation) => {
            let done = context.run(operation).await;
            names.push(done.label.clone());
            let ok = done.response.is_ok();
            let outcome = done.outcome;
            let response = match done.refusal {
                Some(refusal) => refusal,
                None => Json(Body(&done.response)).into_response(),
            };
            (response, outcome, ok)
        }
        Operations::Batch(operations) => {
            let mut responses = Vec::with_capacity(operations.len());
            let mut worst = Outcome::Ok;
            for operation in operations {
                let done = context.run(operation).await;
                worst = worst.max(done.outcome);
                names.push(done.label);
                responses.push(done.response);
            }
            let ok = responses.iter().all(Response::is_ok);
            let bodies: Vec<Body<'_>> = responses.iter().map(Body).collect();
            (Json(bodies).into_response(), worst, ok)
        }
    };
    if let Some(wait) = context.retry_after {
        // A sign-in over its limit: the whole request is refused, and its
        // key freed for the retry after the wait.
        if let Some((idem, user)) = &idempotent
            && let Err(err) = idempotency::release(&state.db, user, &idem.key).await
        {
            tracing::error!(error = %err, "freeing an idempotency key failed");
        }
        return too_many(state, 0, started, wait, lang);
    }
    // A sign-in's answer holds a token: it is never kept.
    let signs_in = context.sign_ins > 0;
    let cache = match (
        method,
        viewer.is_some(),
        ok && response.status() == StatusCode::OK,
    ) {
        (_, true, _) => "private, no-store".to_owned(),
        (Method::Get, false, true) => format!("public, max-age={}", state.public_max_age),
        _ => "no-store".to_owned(),
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&cache) {
        headers.insert(CACHE_CONTROL, value);
    }
    headers.append(VARY, HeaderValue::from_static("authorization"));
    // Messages and times are written in the caller's language.
    headers.append(VARY, HeaderValue::from_static("accept-language"));
    if method == Method::Get {
        // The same URL is GraphiQL for a browser asking for HTML.
        headers.append(VARY, HeaderValue::from_static("accept"));
    }
    note(
        &mut response,
        names.join(","),
        outcome,
        viewer.map(|v| v.user.id),
    );
    match idempotent {
        Some((idem, user)) => keep_for_replay(state, &user, &idem.key, response, signs_in).await,
        None => response,
    }
}

/// The viewer of a bearer token. No `Authorization` header means an
/// anonymous caller; a header that does not carry a valid token of an
/// active user is a 401, never a silent fall back to anonymous.
async fn authenticate(
    state: &GraphqlState,
    headers: &HeaderMap,
) -> Result<Option<Viewer>, (axum::response::Response, Outcome)> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let header = value.to_str().unwrap_or("");
    match Viewer::from_authorization(&state.db, &state.tokens, header).await {
        Ok(Some((viewer, _))) => Ok(Some(viewer)),
        Ok(None) => Err((
            unauthenticated(crate::labels::Lang::from_headers(headers)),
            Outcome::Unauthenticated,
        )),
        Err(err) => {
            tracing::error!(error = %err, "loading the viewer failed");
            Err((
                error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "INTERNAL",
                    "internal error",
                ),
                Outcome::Internal,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn persisted_queries_keep_within_their_budget() {
        let store = PersistedQueries::new(10);
        store.insert("a".into(), "{ aaaa }").await;
        assert!(store.get("a").await.is_some());
        store.insert("b".into(), "{ bbbb }").await;
        assert!(store.get("a").await.is_none(), "the oldest made room");
        assert_eq!(store.get("b").await.as_deref(), Some("{ bbbb }"));
        store
            .insert("c".into(), "{ far too long for the store }")
            .await;
        assert!(store.get("c").await.is_none());
        assert!(store.get("b").await.is_some());
    }

    #[test]
    fn a_get_carries_its_variables_as_json() {
        let params = HashMap::from([
            (
                "query".to_owned(),
                "query($c: String!) { unitByCode(code: $c) { name } }".to_owned(),
            ),
            ("variables".to_owned(), "{\"c\":\"19\"}".to_owned()),
        ]);
        let op = operation_from_params(params).unwrap();
        assert_eq!(op.variables, Some(json!({ "c": "19" })));
        let params = HashMap::from([
            ("query".to_owned(), "{ x }".to_owned()),
            ("variables".to_owned(), "{oops".to_owned()),
        ]);
        assert!(
            operation_from_params(params)
                .unwrap_err()
                .contains("variables")
        );
    }
}

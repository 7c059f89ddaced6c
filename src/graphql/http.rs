//! GraphQL over HTTP: `POST /graphql` (one operation or a batch), `GET
//! /graphql?query=…` for queries a cache may keep, Apollo's automatic
//! persisted queries on both, and the websocket at `/graphql/ws`. Every
//! response is put in the specification's shape ([`super::shape`]), every
//! error carries a stable code, and every operation is counted.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_graphql::parser::types::OperationType;
use async_graphql::{Request, Response, ServerError, Variables};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::header::{
    ACCEPT, ALLOW, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, HOST, ORIGIN, RETRY_AFTER, VARY,
    WWW_AUTHENTICATE,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use serde_json::Value;
#[cfg(test)]
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::AppSchema;
use super::codes::{coded_error, set_code};
use super::shape::{Plan, Refused, TypeIndex};
use crate::auth::{TokenService, Viewer};
use crate::idempotency::{self, Claim};
use crate::metrics::{Metrics, Outcome, operation_label};
use crate::ratelimit::RateLimiter;

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
}

/// The address a request came from, for the sign-in log.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

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
    body: Result<Bytes, BytesRejection>,
) -> axum::response::Response {
    let started = Instant::now();
    // Only JSON: a page elsewhere can send text/plain or a form without
    // asking first (no CORS preflight), and must not reach the API so.
    let json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|essence| essence.trim().to_ascii_lowercase())
        .is_some_and(|essence| essence == "application/json" || essence.ends_with("+json"));
    if !json {
        return rejected(
            &state,
            started,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the request as JSON (Content-Type: application/json)".into(),
        );
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            let status = rejection.status();
            return rejected(&state, started, status, rejection.body_text());
        }
    };
    let operations = match parse_body(&body, state.max_batch) {
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
                hash: sha256_hex_bytes(&body),
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
        return super::graphiql::page().into_response();
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
        && let Err(wait) = state.anonymous_limit.check(peer.ip())
    {
        return too_many(state, operations.count(), started, wait);
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
                    "a request with this Idempotency-Key is still being answered; retry shortly",
                );
            }
            Ok(Claim::Reused) => {
                return error_response(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "IDEMPOTENCY_KEY_REUSED",
                    "this Idempotency-Key was used for another request; use a new key",
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
        return too_many(state, 0, started, wait);
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

/// Keeps an answered request's body for replays of its key. A server
/// error frees the key (nothing was changed; a retry runs again). An
/// answer too large to keep, or one holding a sign-in's token, is kept as
/// a notice that the request ran, so that a retry never runs it twice.
async fn keep_for_replay(
    state: &GraphqlState,
    user: &str,
    key: &str,
    response: axum::response::Response,
    signs_in: bool,
) -> axum::response::Response {
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let text = std::str::from_utf8(&bytes).ok();
    const NOT_KEPT: &str = r#"{"errors":[{"message":"this request ran; its answer was not kept (too large, or a sign-in's token): read the result with a query","extensions":{"code":"ANSWER_NOT_KEPT"}}]}"#;
    let status = parts.status.as_u16();
    let kept = match text {
        _ if parts.status.is_server_error() => idempotency::release(&state.db, user, key).await,
        Some(text) if !signs_in && bytes.len() <= idempotency::MAX_KEPT => {
            idempotency::complete(&state.db, user, key, status, text).await
        }
        _ => idempotency::complete(&state.db, user, key, status, NOT_KEPT).await,
    };
    if let Err(err) = kept {
        tracing::error!(error = %err, "keeping an idempotent answer failed");
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

fn note(
    response: &mut axum::response::Response,
    operation: String,
    outcome: Outcome,
    user: Option<Uuid>,
) {
    response.extensions_mut().insert(RequestNote {
        operation,
        outcome: Some(outcome),
        user,
    });
}

/// A request refused before any operation ran: counted, noted, coded.
fn rejected(
    state: &GraphqlState,
    started: Instant,
    status: StatusCode,
    message: String,
) -> axum::response::Response {
    state
        .metrics
        .record_request(UNKNOWN, false, Outcome::Rejected, started.elapsed());
    let mut response = error_response(status, "BAD_USER_INPUT", &message);
    note(&mut response, String::new(), Outcome::Rejected, None);
    response
}

/// 429 with `Retry-After`, counting `count` operations as rejected.
fn too_many(
    state: &GraphqlState,
    count: usize,
    started: Instant,
    wait: u64,
) -> axum::response::Response {
    for _ in 0..count {
        state
            .metrics
            .record_request(UNKNOWN, false, Outcome::Rejected, started.elapsed());
    }
    let mut response = error_response(
        StatusCode::TOO_MANY_REQUESTS,
        "RATE_LIMITED",
        &format!("too many requests from this address; try again in {wait} s"),
    );
    if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    note(&mut response, String::new(), Outcome::Rejected, None);
    response
}

/// The metric label of operations that did not run as named.
const UNKNOWN: &str = "unknown";

/// `{"errors":[{"message":…,"extensions":{"code":…}}]}`, keys in that
/// order, with `status`.
fn error_response(status: StatusCode, code: &str, message: &str) -> axum::response::Response {
    #[derive(serde::Serialize)]
    struct Body<'a> {
        errors: [Item<'a>; 1],
    }
    #[derive(serde::Serialize)]
    struct Item<'a> {
        message: &'a str,
        extensions: Code<'a>,
    }
    #[derive(serde::Serialize)]
    struct Code<'a> {
        code: &'a str,
    }
    let body = Body {
        errors: [Item {
            message,
            extensions: Code { code },
        }],
    };
    (status, Json(body)).into_response()
}

/// A GraphQL response as the specification writes it: `data` absent when
/// the request failed before execution (errors without a path), `errors`
/// and `extensions` only when there are some.
struct Body<'a>(&'a Response);

impl serde::Serialize for Body<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let response = self.0;
        let executed = !matches!(response.data, async_graphql::Value::Null)
            || response.errors.is_empty()
            || response.errors.iter().any(|e| !e.path.is_empty());
        let mut map = serializer.serialize_map(None)?;
        if executed {
            map.serialize_entry("data", &response.data)?;
        }
        if !response.errors.is_empty() {
            map.serialize_entry("errors", &response.errors)?;
        }
        if !response.extensions.is_empty() {
            map.serialize_entry("extensions", &response.extensions)?;
        }
        map.end()
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
        Ok(None) => Err((unauthenticated(), Outcome::Unauthenticated)),
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

fn unauthenticated() -> axum::response::Response {
    let mut response = error_response(
        StatusCode::UNAUTHORIZED,
        "UNAUTHENTICATED",
        "the access token is invalid, expired or of an inactive user",
    );
    response.headers_mut().insert(
        WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    response
}

/// One operation as a client sent it, before persisted queries are looked
/// up.
#[derive(Debug, Deserialize)]
struct RawOperation {
    #[serde(default)]
    query: Option<String>,
    #[serde(default, rename = "operationName")]
    operation_name: Option<String>,
    #[serde(default)]
    variables: Option<Value>,
    #[serde(default)]
    extensions: Option<Value>,
}

enum Operations {
    Single(RawOperation),
    Batch(Vec<RawOperation>),
}

impl Operations {
    fn count(&self) -> usize {
        match self {
            Operations::Single(_) => 1,
            Operations::Batch(ops) => ops.len(),
        }
    }
}

/// Reads one operation or a batch of at most `max_batch`; each must carry
/// a non-empty `query` or a persisted query's hash.
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
        value => Ok(Operations::Single(parse_operation(value)?)),
    }
}

fn parse_operation(value: Value) -> Result<RawOperation, String> {
    let operation: RawOperation =
        serde_json::from_value(value).map_err(|e| format!("not a GraphQL request: {e}"))?;
    operation.check()?;
    Ok(operation)
}

impl RawOperation {
    fn check(&self) -> Result<(), String> {
        let has_query = self.query.as_deref().is_some_and(|q| !q.trim().is_empty());
        let persisted = self
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("persistedQuery").is_some());
        if !has_query && !persisted {
            return Err(
                "each operation needs a non-empty `query` string or a persisted query's hash"
                    .into(),
            );
        }
        if self
            .variables
            .as_ref()
            .is_some_and(|v| !v.is_object() && !v.is_null())
        {
            return Err("`variables` must be an object".into());
        }
        Ok(())
    }

    /// The SHA-256 (lower-case hex) of `extensions.persistedQuery`, when
    /// the operation has one; an error when it is not version 1 with a
    /// `sha256Hash` string.
    fn persisted_hash(&self) -> Result<Option<String>, &'static str> {
        let Some(pq) = self
            .extensions
            .as_ref()
            .and_then(|e| e.get("persistedQuery"))
        else {
            return Ok(None);
        };
        if pq.get("version").and_then(Value::as_f64) != Some(1.0) {
            return Err("only version 1 of persisted queries is supported (`\"version\": 1`)");
        }
        match pq.get("sha256Hash").and_then(Value::as_str) {
            Some(hash) => Ok(Some(hash.to_ascii_lowercase())),
            None => Err("a persisted query needs its `sha256Hash` as a string"),
        }
    }
}

/// The operation of a GET's URL parameters; `variables` and `extensions`
/// are JSON text.
fn operation_from_params(mut params: HashMap<String, String>) -> Result<RawOperation, String> {
    let json = |name: &str, text: Option<String>| -> Result<Option<Value>, String> {
        text.filter(|t| !t.is_empty())
            .map(|t| serde_json::from_str(&t).map_err(|e| format!("`{name}` is not JSON: {e}")))
            .transpose()
    };
    let operation = RawOperation {
        query: params.remove("query"),
        operation_name: params.remove("operationName").filter(|n| !n.is_empty()),
        variables: json("variables", params.remove("variables"))?,
        extensions: json("extensions", params.remove("extensions"))?,
    };
    operation.check()?;
    Ok(operation)
}

/// An operation's response, how it ended, its metric label, and, for a
/// GET that may not run it, the refusal to send instead.
struct Done {
    response: Response,
    outcome: Outcome,
    label: String,
    refusal: Option<axum::response::Response>,
}

impl Done {
    /// The same, counted under the operation's `label`.
    fn labelled(mut self, label: String) -> Done {
        self.label = label;
        self
    }

    fn error(code: &'static str, message: &str, outcome: Outcome) -> Done {
        Done {
            response: Response::from_errors(vec![coded_error(message, code)]),
            outcome,
            label: UNKNOWN.to_owned(),
            refusal: None,
        }
    }
}

/// Sign-ins one HTTP request may carry (a batch included): each costs a
/// password hash, so aliases and batches must not multiply them.
const LOGINS_PER_REQUEST: usize = 1;

/// What the operations of one HTTP request share.
struct Context<'a> {
    state: &'a GraphqlState,
    viewer: Option<&'a Viewer>,
    client: ClientAddr,
    method: Method,
    /// Password checks (sign-ins and changes) run so far in this request.
    logins: usize,
    /// Sign-ins among them, whose answers hold a token.
    sign_ins: usize,
    /// Set when a sign-in went over the address's limit: seconds to wait.
    retry_after: Option<u64>,
}

impl Context<'_> {
    /// Runs one operation and counts it.
    async fn run(&mut self, operation: RawOperation) -> Done {
        let started = Instant::now();
        let done = self.run_inner(operation).await;
        self.state.metrics.record_request(
            &done.label,
            self.viewer.is_some(),
            done.outcome,
            started.elapsed(),
        );
        done
    }

    async fn run_inner(&mut self, operation: RawOperation) -> Done {
        let state = self.state;

        let persisted = match operation.persisted_hash() {
            Ok(persisted) => persisted,
            Err(message) => return Done::error("BAD_USER_INPUT", message, Outcome::Rejected),
        };
        let query = match (&persisted, operation.query.filter(|q| !q.trim().is_empty())) {
            (Some(hash), None) => match state.persisted.get(hash) {
                Some(query) => query.to_string(),
                None => {
                    return Done::error(
                        "PERSISTED_QUERY_NOT_FOUND",
                        "PersistedQueryNotFound",
                        Outcome::Rejected,
                    );
                }
            },
            (Some(hash), Some(query)) => {
                if sha256_hex(&query) != *hash {
                    return Done::error(
                        "PERSISTED_QUERY_HASH_MISMATCH",
                        "the persisted query's sha256Hash is not the SHA-256 of its query",
                        Outcome::Rejected,
                    );
                }
                query
            }
            (None, Some(query)) => query,
            (None, None) => unreachable!("checked when parsed"),
        };
        let mut request = Request::new(query.clone());
        if let Some(name) = operation.operation_name {
            request = request.operation_name(name);
        }
        if let Some(variables) = operation.variables {
            request = request.variables(Variables::from_json(variables));
        }
        let mut document = match async_graphql::parser::parse_query(&query) {
            Ok(document) => document,
            Err(error) => {
                let mut error = ServerError::from(error);
                set_code(&mut error);
                let mut done = Done::error("BAD_USER_INPUT", "", Outcome::Errors);
                done.response = Response::from_errors(vec![error]);
                return done;
            }
        };
        let plan = match Plan::new(
            &state.types,
            &mut document,
            request.operation_name.as_deref(),
        ) {
            Ok(plan) => plan,
            Err(Refused(message)) => {
                return Done::error("BAD_USER_INPUT", &message, Outcome::Rejected);
            }
        };
        request.set_parsed_query(document);
        if let Some(hash) = persisted {
            state.persisted.insert(hash, &query);
        }
        // Named only once the name is known to select an operation: a
        // client cannot fill the metric labels with names that run nothing.
        let label = match &plan {
            Some(_) => operation_label(request.operation_name.as_deref()).to_owned(),
            None => UNKNOWN.to_owned(),
        };
        if let Some(plan) = &plan {
            if self.method == Method::Get && plan.ty != OperationType::Query {
                let mut done = Done::error(
                    "BAD_USER_INPUT",
                    "only queries may be sent with GET; send mutations and subscriptions with POST",
                    Outcome::Rejected,
                );
                let mut refusal =
                    (StatusCode::METHOD_NOT_ALLOWED, Json(Body(&done.response))).into_response();
                refusal
                    .headers_mut()
                    .insert(ALLOW, HeaderValue::from_static("POST"));
                done.refusal = Some(refusal);
                done.label = label;
                return done;
            }
            // Each checks a password: a sign-in, or a change of password.
            let logins = match plan.ty {
                OperationType::Mutation => {
                    plan.root_fields_named("login") + plan.root_fields_named("changePassword")
                }
                _ => 0,
            };
            if plan.ty == OperationType::Mutation {
                self.sign_ins += plan.root_fields_named("login");
            }
            if logins > 0 {
                self.logins += logins;
                if self.logins > LOGINS_PER_REQUEST {
                    return Done::error(
                        "BAD_USER_INPUT",
                        "a request may check one password: send one `login` or `changePassword` per request",
                        Outcome::Rejected,
                    )
                    .labelled(label);
                }
                if let Err(wait) = state.login_limit.check(self.client.0) {
                    self.retry_after = Some(wait);
                    return Done::error(
                        "RATE_LIMITED",
                        "too many sign-ins from this address",
                        Outcome::Rejected,
                    )
                    .labelled(label);
                }
            }
        }
        let mut request = request.data(self.client);
        super::per_request(&mut request.data, &state.db);
        if let Some(viewer) = self.viewer {
            request = request.data(viewer.clone());
        }
        let mut response = state.schema.execute(request).await;
        if let Some(plan) = &plan {
            plan.apply(&mut response);
        }
        let mut outcome = Outcome::Ok;
        for error in &mut response.errors {
            let code = set_code(error);
            outcome = outcome.max(if code == "INTERNAL" {
                Outcome::Internal
            } else {
                Outcome::Errors
            });
        }
        Done {
            response,
            outcome,
            label,
            refusal: None,
        }
    }
}

fn sha256_hex(text: &str) -> String {
    sha256_hex_bytes(text.as_bytes())
}

fn sha256_hex_bytes(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The request header naming a retry's key.
const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// The response header of an answer given again.
const REPLAYED: &str = "idempotent-replayed";

/// Queries registered by Apollo's automatic persisted queries protocol,
/// by SHA-256. Bounded in total size: the oldest go first. Each server
/// keeps its own; a client whose hash is unknown here sends the query
/// again, as the protocol provides.
pub struct PersistedQueries {
    max_bytes: usize,
    inner: Mutex<PersistedInner>,
}

#[derive(Default)]
struct PersistedInner {
    queries: HashMap<String, Arc<str>>,
    order: VecDeque<String>,
    bytes: usize,
}

impl PersistedQueries {
    /// A store holding at most `max_bytes` of query text.
    pub fn new(max_bytes: usize) -> Self {
        PersistedQueries {
            max_bytes,
            inner: Mutex::default(),
        }
    }

    fn get(&self, hash: &str) -> Option<Arc<str>> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.queries.get(hash).cloned()
    }

    fn insert(&self, hash: String, query: &str) {
        if query.len() > self.max_bytes {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.queries.contains_key(&hash) {
            return;
        }
        while inner.bytes + query.len() > self.max_bytes {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some(gone) = inner.queries.remove(&oldest) {
                inner.bytes -= gone.len();
            }
        }
        inner.bytes += query.len();
        inner.order.push_back(hash.clone());
        inner.queries.insert(hash, Arc::from(query));
    }
}

/// `GET /graphql/ws`: subscriptions over graphql-transport-ws (and the
/// older graphql-ws). The caller authenticates in `connection_init` with
/// `{"Authorization": "Bearer <token>"}`; a bad token closes the
/// connection, none subscribes anonymously (and is then refused).
pub async fn graphql_ws(
    State(state): State<GraphqlState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    protocol: async_graphql_axum::GraphQLProtocol,
    upgrade: axum::extract::WebSocketUpgrade,
) -> axum::response::Response {
    // Browsers do not apply CORS to websockets: the origin is checked here.
    if let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let same = origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host));
        if !same && !state.allowed_origins.iter().any(|o| o == origin) {
            return error_response(
                StatusCode::FORBIDDEN,
                "FORBIDDEN",
                "this origin may not open the websocket (PHANCAP_CORS_ORIGINS)",
            );
        }
    }
    // Each connection counts as one anonymous request of its address.
    if let Err(wait) = state.anonymous_limit.check(peer.ip()) {
        return too_many(&state, 0, Instant::now(), wait);
    }
    upgrade
        .max_message_size(WS_MAX_MESSAGE)
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            let _open = state.metrics.websocket_opened();
            let schema = state.schema.clone();
            async_graphql_axum::GraphQLWebSocket::new(socket, SubscriptionsOnly(schema), protocol)
                .on_connection_init(move |payload| connection_data(state, payload, peer))
                .serve()
                .await
        })
}

/// Largest websocket message: a subscription document and its variables.
const WS_MAX_MESSAGE: usize = 64 * 1024;

/// The websocket's executor: only subscriptions, each within the size a
/// document may have. Queries and mutations (a sign-in among them) go to
/// `POST /graphql`, where the viewer is checked at every request and the
/// per-request limits apply.
#[derive(Clone)]
struct SubscriptionsOnly(AppSchema);

impl SubscriptionsOnly {
    /// Why `request` is not served here, if it is not.
    fn refusal(request: &Request) -> Option<ServerError> {
        let document = match async_graphql::parser::parse_query(&request.query) {
            Ok(document) => document,
            Err(error) => return Some(ServerError::from(error)),
        };
        if let Err(Refused(message)) = super::shape::check_size(&document) {
            return Some(coded_error(message, "BAD_USER_INPUT"));
        }
        let other = document
            .operations
            .iter()
            .any(|(_, op)| op.node.ty != OperationType::Subscription);
        other.then(|| {
            coded_error(
                "only subscriptions are served over the websocket; send queries and mutations to POST /graphql",
                "BAD_USER_INPUT",
            )
        })
    }
}

impl async_graphql::Executor for SubscriptionsOnly {
    async fn execute(&self, request: Request) -> Response {
        match Self::refusal(&request) {
            Some(error) => Response::from_errors(vec![error]),
            None => async_graphql::Executor::execute(&self.0, request).await,
        }
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<async_graphql::Data>>,
    ) -> async_graphql::futures_util::stream::BoxStream<'static, Response> {
        use async_graphql::futures_util::StreamExt;
        match Self::refusal(&request) {
            Some(error) => async_graphql::futures_util::stream::once(async move {
                Response::from_errors(vec![error])
            })
            .boxed(),
            None => async_graphql::Executor::execute_stream(&self.0, request, session_data),
        }
    }
}

async fn connection_data(
    state: GraphqlState,
    payload: Value,
    peer: SocketAddr,
) -> async_graphql::Result<async_graphql::Data> {
    let mut data = async_graphql::Data::default();
    super::per_request(&mut data, &state.db);
    data.insert(ClientAddr(peer.ip()));
    let header = ["Authorization", "authorization"]
        .iter()
        .find_map(|k| payload.get(*k).and_then(Value::as_str));
    let Some(header) = header else {
        return Ok(data);
    };
    match Viewer::from_authorization(&state.db, &state.tokens, header).await {
        Ok(Some((viewer, session))) => {
            data.insert(viewer);
            data.insert(session);
            Ok(data)
        }
        Ok(None) => Err(async_graphql::Error::new(
            "the access token is invalid or expired, or the user is inactive",
        )),
        Err(err) => {
            tracing::error!(error = %err, "loading the viewer failed");
            Err(async_graphql::Error::new("internal error"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persisted_queries_keep_within_their_budget() {
        let store = PersistedQueries::new(10);
        store.insert("a".into(), "{ aaaa }");
        assert!(store.get("a").is_some());
        store.insert("b".into(), "{ bbbb }");
        assert!(store.get("a").is_none(), "the oldest made room");
        assert_eq!(store.get("b").as_deref(), Some("{ bbbb }"));
        store.insert("c".into(), "{ far too long for the store }");
        assert!(store.get("c").is_none());
        assert!(store.get("b").is_some());
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

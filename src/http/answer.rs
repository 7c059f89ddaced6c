//! Answers at the edge: errors as JSON, the response body in the
//! specification's key order, a replayed answer for a retried key.

use super::*;

/// Keeps an answered request's body for replays of its key. A server
/// error frees the key (nothing was changed; a retry runs again). An
/// answer too large to keep, or one holding a sign-in's token, is kept as
/// a notice that the request ran, so that a retry never runs it twice.
pub(super) async fn keep_for_replay(
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

pub(super) fn note(
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
pub(super) fn rejected(
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
pub(super) fn too_many(
    state: &GraphqlState,
    count: usize,
    started: Instant,
    wait: u64,
    lang: crate::labels::Lang,
) -> axum::response::Response {
    for _ in 0..count {
        state
            .metrics
            .record_request(UNKNOWN, false, Outcome::Rejected, started.elapsed());
    }
    let mut response = error_response(
        StatusCode::TOO_MANY_REQUESTS,
        "RATE_LIMITED",
        &match lang {
            crate::labels::Lang::Vi => {
                format!("Có quá nhiều yêu cầu từ địa chỉ này; vui lòng thử lại sau {wait} giây.")
            }
            crate::labels::Lang::En => {
                format!("too many requests from this address; try again in {wait} s")
            }
        },
    );
    if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    note(&mut response, String::new(), Outcome::Rejected, None);
    response
}

/// The metric label of operations that did not run as named.
pub(super) const UNKNOWN: &str = "unknown";

/// `{"errors":[{"message":…,"extensions":{"code":…}}]}`, keys in that
/// order, with `status`.
pub fn error_response(status: StatusCode, code: &str, message: &str) -> axum::response::Response {
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
pub(super) struct Body<'a>(pub(super) &'a Response);

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

pub(super) fn unauthenticated(lang: crate::labels::Lang) -> axum::response::Response {
    let mut response = error_response(
        StatusCode::UNAUTHORIZED,
        "UNAUTHENTICATED",
        lang.pick(
            "Phiên đăng nhập không hợp lệ hoặc đã hết hạn (hoặc tài khoản đã bị vô hiệu hóa); vui lòng đăng nhập lại.",
            "the access token is invalid, expired or of an inactive user",
        ),
    );
    response.headers_mut().insert(
        WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    response
}

/// The request header naming a retry's key.
pub(super) const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The response header of an answer given again.
pub(super) const REPLAYED: &str = "idempotent-replayed";

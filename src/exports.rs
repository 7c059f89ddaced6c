//! Exports people open in Excel and machines read: `GET /export/…` for
//! the compiled province report and a unit's report, the mandate registry
//! and the unit tree, as XLSX, CSV (UTF-8 with BOM, CRLF) or NDJSON.
//!
//! The caller is the bearer of an access token, as on `/graphql`, or
//! holds a signed link `exportUrl` gave (`user`, `ver`, `exp`, `sig`
//! parameters: an HMAC of the path and query under a key derived from the
//! token secret, good for 15 minutes, for that user under that token
//! version while active). What a caller may read is decided by the same
//! service functions as the GraphQL queries; what it may not read is 404.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use sea_orm::DatabaseConnection;
use tokio::sync::mpsc;

use crate::auth::Viewer;
use crate::auth::tokens::Subject;
use crate::error::{AppError, AppResult};
use crate::http::GraphqlState;

pub mod graphql;
mod registry;
mod reports;
mod sheet;
mod tree;

pub use sheet::neutralised;

/// How long a signed export link works, in seconds.
pub const LINK_SECONDS: i64 = 15 * 60;

/// The format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    Csv,
    Ndjson,
}

impl ExportFormat {
    /// The `format` parameter's value and the file's extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Csv => "csv",
            ExportFormat::Ndjson => "ndjson",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [ExportFormat::Xlsx, ExportFormat::Csv, ExportFormat::Ndjson]
            .into_iter()
            .find(|f| f.extension().eq_ignore_ascii_case(text))
    }
}

/// Why an export is refused before it starts: the HTTP status, the
/// stable code and the message of the JSON error body the HTTP edge
/// sends (`{"errors":[{"message","extensions":{"code"}}]}`).
#[derive(Debug)]
pub(crate) struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
}

/// The result of a step that may refuse an export.
type Refused<T> = Result<T, Refusal>;

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        crate::http::error_response(self.status, self.code, &self.message)
    }
}

/// 400 BAD_USER_INPUT.
fn bad(message: impl Into<String>) -> Refusal {
    Refusal {
        status: StatusCode::BAD_REQUEST,
        code: "BAD_USER_INPUT",
        message: message.into(),
    }
}

/// 404 NOT_FOUND: what does not exist and what the caller may not read
/// look the same.
fn not_found(what: &str) -> Refusal {
    Refusal {
        status: StatusCode::NOT_FOUND,
        code: "NOT_FOUND",
        message: format!("no such {what}"),
    }
}

/// 401 UNAUTHENTICATED.
fn unauthenticated(message: &str) -> Refusal {
    Refusal {
        status: StatusCode::UNAUTHORIZED,
        code: "UNAUTHENTICATED",
        message: message.into(),
    }
}

impl From<AppError> for Refusal {
    fn from(err: AppError) -> Self {
        match err {
            AppError::Unauthenticated => unauthenticated("authentication required"),
            AppError::Forbidden | AppError::NotFound(_) => not_found("export"),
            AppError::Invalid(message) | AppError::Rule { message, .. } => bad(message),
            AppError::Conflict(message) => Refusal {
                status: StatusCode::CONFLICT,
                code: "CONFLICT",
                message,
            },
            AppError::Internal(cause) => {
                tracing::error!(error = %cause, "an export failed");
                Refusal {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    code: "INTERNAL",
                    message: "internal error".into(),
                }
            }
        }
    }
}

/// The parameters of the link itself, which every export accepts.
const LINK_PARAMETERS: [&str; 4] = ["user", "ver", "exp", "sig"];

/// The query parameters of a request, each at most once, all known.
struct Params(BTreeMap<String, String>);

impl Params {
    fn parse(query: Option<&str>, known: &[&str]) -> Refused<Params> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or_default())
            .map_err(|_| bad("the query string is malformed"))?;
        let mut map = BTreeMap::new();
        for (key, value) in pairs {
            if !known.contains(&key.as_str()) && !LINK_PARAMETERS.contains(&key.as_str()) {
                return Err(bad(format!(
                    "unknown parameter `{key}`; this export takes {}",
                    known.join(", ")
                )));
            }
            if map.insert(key.clone(), value).is_some() {
                return Err(bad(format!("parameter `{key}` is given twice")));
            }
        }
        Ok(Params(map))
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// The `format` parameter, required.
    fn format(&self) -> Refused<ExportFormat> {
        let text = self
            .get("format")
            .ok_or_else(|| bad("parameter `format` is required: xlsx, csv or ndjson"))?;
        ExportFormat::parse(text)
            .ok_or_else(|| bad(format!("format `{text}` is not one of xlsx, csv or ndjson")))
    }

    /// A `YYYY-MM-DD` parameter.
    fn date(&self, key: &str) -> Refused<Option<chrono::NaiveDate>> {
        self.get(key)
            .map(|text| {
                text.parse()
                    .map_err(|_| bad(format!("`{key}` must be a date YYYY-MM-DD, got `{text}`")))
            })
            .transpose()
    }
}

/// The caller: the signed link's user when the query carries `sig`, else
/// the bearer of the `Authorization` header. 401 for neither, a bad or
/// expired link, or a token or user no longer valid.
async fn caller(
    state: &GraphqlState,
    headers: &HeaderMap,
    uri: &Uri,
    params: &Params,
) -> Refused<Viewer> {
    if params.get("sig").is_some() {
        let subject = verify_link(state, uri, params, chrono::Utc::now().timestamp())
            .map_err(unauthenticated)?;
        return Viewer::load(&state.db, &subject).await?.ok_or_else(|| {
            unauthenticated("the link's user is no longer active or has changed password since")
        });
    }
    let Some(header) = headers.get(AUTHORIZATION).and_then(|h| h.to_str().ok()) else {
        return Err(unauthenticated(
            "send `Authorization: Bearer <token>` or use a signed link from `exportUrl`",
        ));
    };
    Viewer::from_authorization(&state.db, &state.tokens, header)
        .await?
        .map(|(viewer, _)| viewer)
        .ok_or_else(|| unauthenticated("the token is invalid or expired"))
}

/// The subject a signed link names, or why it is refused. The signature
/// covers the path and every parameter before `sig`, which comes last.
fn verify_link(
    state: &GraphqlState,
    uri: &Uri,
    params: &Params,
    now: i64,
) -> Result<Subject, &'static str> {
    let invalid = "the export link is invalid";
    let query = uri.query().unwrap_or_default();
    let signed = match query.rfind("&sig=") {
        Some(at) => &query[..at],
        None => return Err(invalid),
    };
    let signature = params.get("sig").unwrap_or_default();
    if !query[signed.len() + "&sig=".len()..].eq(signature) {
        return Err(invalid);
    }
    let message = format!("{}?{signed}", uri.path());
    if !state.tokens.verify_link(&message, signature) {
        return Err(invalid);
    }
    let (Some(Ok(id)), Some(Ok(version)), Some(Ok(exp))) = (
        params.get("user").map(uuid::Uuid::parse_str),
        params.get("ver").map(str::parse::<i32>),
        params.get("exp").map(str::parse::<i64>),
    ) else {
        return Err(invalid);
    };
    if now > exp {
        return Err("the export link has expired; ask for a new one");
    }
    if exp > now + LINK_SECONDS + 60 {
        return Err(invalid);
    }
    Ok(Subject::User { id, version })
}

/// `path_and_query` (path-absolute, e.g. `/export/units/…?format=csv`)
/// signed for `user` under token `version` until `now` + 15 minutes.
pub fn sign_link(
    tokens: &crate::auth::TokenService,
    path_and_query: &str,
    user: uuid::Uuid,
    version: i32,
    now: i64,
) -> String {
    sign_link_until(tokens, path_and_query, user, version, now + LINK_SECONDS)
}

/// `path_and_query` signed for `user` under `version` until `exp` (Unix
/// seconds); the tests make expired links with it.
pub fn sign_link_until(
    tokens: &crate::auth::TokenService,
    path_and_query: &str,
    user: uuid::Uuid,
    version: i32,
    exp: i64,
) -> String {
    let separator = if path_and_query.contains('?') {
        '&'
    } else {
        '?'
    };
    let unsigned = format!("{path_and_query}{separator}user={user}&ver={version}&exp={exp}");
    let sig = tokens.sign_link(&unsigned);
    format!("{unsigned}&sig={sig}")
}

/// The channel a producer fills and the task that fills it; an error of
/// the producer is sent down the channel and ends the export.
fn produce<F>(
    db: DatabaseConnection,
    make: impl FnOnce(DatabaseConnection, sheet::Rows) -> F,
) -> mpsc::Receiver<AppResult<sheet::Event>>
where
    F: Future<Output = AppResult<()>> + Send + 'static,
{
    let (tx, rx) = mpsc::channel(sheet::CHANNEL_ROWS);
    let task = make(db, tx.clone());
    tokio::spawn(async move {
        if let Err(err) = task.await {
            let _ = tx.send(Err(err)).await;
        }
    });
    rx
}

/// Sends one event; false once the client has gone (the producer stops).
async fn send(rows: &sheet::Rows, event: sheet::Event) -> bool {
    rows.send(Ok(event)).await.is_ok()
}

/// What every export reads first: its parameters (those in `known` and a
/// signed link's), its caller and its format.
async fn open(
    state: &GraphqlState,
    headers: &HeaderMap,
    uri: &Uri,
    known: &[&str],
) -> Refused<(Params, Viewer, ExportFormat)> {
    let params = Params::parse(uri.query(), known)?;
    let viewer = caller(state, headers, uri, &params).await?;
    let format = params.format()?;
    Ok((params, viewer, format))
}

/// `GET /export/reports/{id}`: a report (a unit's, or the compiled
/// province report) its reader may read. Parameters `format`, and for
/// CSV `table` (compiled: `units`, `mandates`, `sectors`; unit report:
/// `items`, `values`; default the first).
pub async fn report(
    State(state): State<GraphqlState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    async {
        let (params, viewer, format) = open(&state, &headers, &uri, &["format", "table"]).await?;
        reports::export(&state.db, viewer, &id, format, params.get("table")).await
    }
    .await
    .unwrap_or_else(IntoResponse::into_response)
}

/// `GET /export/mandates`: the mandate registry as the `mandates` query
/// lists it. Parameters `format`, `within`, `delegator`, `delegatee`
/// (unit ids), `status`, `sector`, `kind` (the GraphQL enum values),
/// `search`, `asOf` (YYYY-MM-DD, default today).
pub async fn mandates(State(state): State<GraphqlState>, headers: HeaderMap, uri: Uri) -> Response {
    async {
        let (params, viewer, format) = open(&state, &headers, &uri, registry::PARAMETERS).await?;
        registry::export(&state.db, viewer, &params, format).await
    }
    .await
    .unwrap_or_else(IntoResponse::into_response)
}

/// `GET /export/units/{id}`: a unit and its whole subtree on `asOf`
/// (default today, or the nearest day the unit was in force). Parameters
/// `format`, `asOf`.
pub async fn units(
    State(state): State<GraphqlState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    async {
        let (params, viewer, format) = open(&state, &headers, &uri, &["format", "asOf"]).await?;
        let as_of = params.date("asOf")?;
        tree::export(&state.db, viewer, Some(&id), as_of, format).await
    }
    .await
    .unwrap_or_else(IntoResponse::into_response)
}
/// `GET /export/units`: every unit in force on `asOf` (default today),
/// the national tree, ordered by code. Parameters `format`, `asOf`.
pub async fn all_units(
    State(state): State<GraphqlState>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    async {
        let (params, viewer, format) = open(&state, &headers, &uri, &["format", "asOf"]).await?;
        let as_of = params.date("asOf")?;
        tree::export(&state.db, viewer, None, as_of, format).await
    }
    .await
    .unwrap_or_else(IntoResponse::into_response)
}

/// The name a body prints at the head of its documents: a People's
/// Committee for a province, district or commune ("ỦY BAN NHÂN DÂN TỈNH
/// THÁI NGUYÊN"), the body's own name otherwise ("SỞ NỘI VỤ").
fn body_name(unit: &entity::unit::Model) -> String {
    use entity::unit::UnitKind;
    match unit.kind {
        UnitKind::Department => unit.name.to_uppercase(),
        _ => format!("ỦY BAN NHÂN DÂN {}", unit.name.to_uppercase()),
    }
}

/// The heading of an export issued by `issuer`: its superior, itself, and
/// its province's name and `date` ("Thái Nguyên, ngày …").
async fn heading_for(
    db: &DatabaseConnection,
    issuer: &entity::unit::Model,
    title: String,
    subtitle: String,
    date: chrono::NaiveDate,
) -> AppResult<sheet::Heading> {
    use crate::units::service as units;
    let superior = match issuer.parent_id {
        Some(id) => units::find(db, id).await?,
        None => None,
    };
    let root = match units::path_ids(&issuer.path).first() {
        Some(id) if *id != issuer.id => units::find(db, *id).await?,
        _ => Some(issuer.clone()),
    };
    // A department is printed under its People's Committee, so the
    // province in its own name ("Sở Nội vụ tỉnh Thái Nguyên") is left
    // out: "SỞ NỘI VỤ".
    let mut issuer_name = body_name(issuer);
    if let Some(root) = root.as_ref().filter(|r| r.id != issuer.id) {
        let suffix = format!(" {}", root.name.to_uppercase());
        if let Some(short) = issuer_name.strip_suffix(&suffix) {
            issuer_name = short.to_owned();
        }
    }
    let place = root
        .map(|r| {
            ["Tỉnh ", "Thành phố ", "tỉnh ", "thành phố "]
                .iter()
                .find_map(|p| r.name.strip_prefix(p))
                .unwrap_or(&r.name)
                .to_owned()
        })
        .unwrap_or_default();
    Ok(sheet::Heading {
        superior: superior.as_ref().map(body_name).unwrap_or_default(),
        issuer: issuer_name,
        place_date: format!("{place}, {}", sheet::long_date(date)),
        title,
        subtitle,
    })
}

//! Building the HTTP application and running it until a signal stops it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};

use crate::mandates::attachments::FileStore;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowCredentials, AllowOrigin, CorsLayer};

use crate::auth::TokenService;
use crate::http::{self, GraphqlState, PersistedQueries, RequestNote, TypeIndex};
use crate::metrics::Metrics;
use crate::notices::events::NoticeEvents;
use crate::ratelimit::RateLimiter;
use crate::reporting::events::ReportEvents;
use crate::schema::{self, Limits};

/// How the server is run; the CLI fills it from flags and environment.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    /// Serve GraphiQL at `GET /graphql` (to browsers) and its files at
    /// `/graphiql/`.
    pub graphiql: bool,
    pub limits: Limits,
    /// Most operations in one batched request.
    pub max_batch: usize,
    /// Operations reading whole subtrees at once; the others wait their
    /// turn (0: no limit). See [`crate::turns`].
    pub max_subtree_reads: usize,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Origins whose browser pages may call the API (CORS); none by
    /// default. Each is `scheme://host[:port]`.
    pub cors_origins: Vec<String>,
    /// Where `/metrics` is served: None on the main address, Some on a
    /// separate one (then not on the main address).
    pub metrics_listen: Option<SocketAddr>,
    /// `max-age` of anonymous query results fetched with GET, in seconds.
    pub public_max_age: u32,
    /// Query text kept for automatic persisted queries, in bytes.
    pub persisted_query_bytes: usize,
    /// Requests without a token allowed per client address and minute
    /// (0: no limit).
    pub anonymous_per_minute: u32,
    /// Sign-ins allowed per client address and minute (0: no limit).
    pub logins_per_minute: u32,
    /// How long an idempotency key is remembered, in seconds.
    pub idempotency_ttl: u64,
    /// Where files attached to documents are kept, and the largest one.
    pub files: FileStore,
    /// The day of the year evaluation rounds are taken on by default
    /// (`PHANCAP_EVALUATION_DAY`, MM-DD, default 12-15).
    pub evaluation_day: crate::evaluations::service::EvaluationDay,
    /// Delivering notices (webhooks, e-mail) and sweeping due dates.
    pub notices: crate::notices::dispatch::NoticeSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            graphiql: true,
            limits: Limits::default(),
            max_batch: 10,
            max_subtree_reads: crate::turns::Turns::default_limit(),
            max_body_bytes: 256 * 1024,
            cors_origins: Vec::new(),
            metrics_listen: None,
            public_max_age: 60,
            persisted_query_bytes: 4 * 1024 * 1024,
            anonymous_per_minute: 1200,
            logins_per_minute: 20,
            idempotency_ttl: 24 * 3600,
            // The command line puts them beside the database.
            files: FileStore {
                dir: std::env::temp_dir().join("phancap-files"),
                max_bytes: crate::mandates::attachments::DEFAULT_MAX_FILE_BYTES,
            },
            evaluation_day: crate::evaluations::service::EvaluationDay::default(),
            notices: crate::notices::dispatch::NoticeSettings::default(),
        }
    }
}

/// A bound, not yet running server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    metrics: Option<(TcpListener, Router)>,
    /// What the dispatcher and the sweep need; they start with `run_until`.
    background: (
        DatabaseConnection,
        crate::notices::dispatch::NoticeSettings,
        NoticeEvents,
        ReportEvents,
    ),
}

/// Stops the background tasks when the server stops (or its future is
/// dropped).
struct Background(Vec<tokio::task::JoinHandle<()>>);

impl Drop for Background {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

impl Application {
    /// Binds `settings.listen` (port 0 picks a free port) over `db`, whose
    /// schema must be migrated.
    pub async fn build(
        settings: &Settings,
        db: DatabaseConnection,
        tokens: Arc<TokenService>,
    ) -> std::io::Result<Self> {
        let cors = cors_layer(&settings.cors_origins)?;
        let metrics = Arc::new(Metrics::default());
        let notice_events = NoticeEvents::default();
        // On PostgreSQL, every server over the database hears each change.
        let report_events = match db.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => ReportEvents::relayed(),
            _ => ReportEvents::default(),
        };
        let background = (
            db.clone(),
            settings.notices.clone(),
            notice_events.clone(),
            report_events.clone(),
        );
        let schema = schema::build_schema(
            db.clone(),
            tokens.clone(),
            settings.limits,
            metrics.clone(),
            settings.files.clone(),
            settings.evaluation_day,
            schema::Channels {
                notices: notice_events,
                reports: report_events,
            },
        );
        let types = Arc::new(TypeIndex::from_sdl(&schema.sdl()));
        let state = GraphqlState {
            schema,
            db: db.clone(),
            tokens,
            max_batch: settings.max_batch,
            metrics,
            types,
            // Shared through the database by every server over it.
            persisted: Arc::new(PersistedQueries::shared(
                db.clone(),
                settings.persisted_query_bytes,
            )),
            public_max_age: settings.public_max_age,
            graphiql: settings.graphiql,
            anonymous_limit: Arc::new(RateLimiter::shared(
                db.clone(),
                "anonymous",
                settings.anonymous_per_minute,
            )),
            login_limit: Arc::new(RateLimiter::shared(
                db.clone(),
                "sign_in",
                settings.logins_per_minute,
            )),
            idempotency_ttl: settings.idempotency_ttl,
            allowed_origins: Arc::new(
                settings
                    .cors_origins
                    .iter()
                    .map(|o| o.trim().trim_end_matches('/').to_owned())
                    .collect(),
            ),
            max_body_bytes: settings.max_body_bytes,
            files: settings.files.clone(),
            turns: Arc::new(crate::turns::Turns::new(settings.max_subtree_reads)),
        };
        let mut router = Router::new()
            .route("/graphql", get(http::graphql_get).post(http::graphql_post))
            .route("/graphql/ws", get(http::graphql_ws))
            .route("/healthz", get(healthz))
            .route("/attachments/{id}", get(http::file_download))
            .route(
                "/import/templates/{file}",
                get(crate::imports::templates::download),
            )
            .route("/export/reports/{id}", get(crate::exports::report))
            .route("/export/mandates", get(crate::exports::mandates))
            .route("/export/units", get(crate::exports::all_units))
            .route("/export/units/{id}", get(crate::exports::units));
        if settings.graphiql {
            router = router.route("/graphiql/{file}", get(http::graphiql_asset));
        }
        let metrics = match settings.metrics_listen {
            None => {
                router = router.route("/metrics", get(metrics_text));
                None
            }
            Some(addr) => {
                let listener = TcpListener::bind(addr).await?;
                let router = Router::new()
                    .route("/metrics", get(metrics_text))
                    .with_state(state.clone());
                Some((listener, router))
            }
        };
        let mut router = router
            .layer(DefaultBodyLimit::max(settings.max_body_bytes))
            .layer(CompressionLayer::new())
            .with_state(state);
        if let Some(cors) = cors {
            router = router.layer(cors);
        }
        // Outermost, so that preflights answered by CORS are logged too.
        let router = router.layer(middleware::from_fn(access_log));
        let listener = TcpListener::bind(settings.listen).await?;
        Ok(Application {
            listener,
            router,
            metrics,
            background,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The address `/metrics` is bound to when it has its own.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics
            .as_ref()
            .and_then(|(listener, _)| listener.local_addr().ok())
    }

    /// Serves until `shutdown` completes, then finishes requests in flight.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        if let Some((listener, router)) = self.metrics {
            tokio::spawn(async move {
                let service = router.into_make_service_with_connect_info::<SocketAddr>();
                if let Err(err) = axum::serve(listener, service).await {
                    tracing::error!(error = %err, "the metrics listener stopped");
                }
            });
        }
        let (db, notices, events, reports) = self.background;
        let mut tasks = crate::notices::dispatch::start(db.clone(), notices, events.clone());
        tasks.extend(crate::relay::start(db, reports, events));
        let _background = Background(tasks);
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// CORS for the configured origins, or none (the browser's same-origin
/// rule then stands). Credentials (cookies, HTTP auth) are allowed only
/// for a listed origin; preflights are cached for 10 minutes.
fn cors_layer(origins: &[String]) -> std::io::Result<Option<CorsLayer>> {
    if origins.is_empty() {
        return Ok(None);
    }
    let mut allowed = Vec::with_capacity(origins.len());
    for origin in origins {
        let origin = origin.trim().trim_end_matches('/');
        let valid = (origin.starts_with("http://") || origin.starts_with("https://"))
            && !origin["https://".len().min(origin.len())..].contains('/')
            && origin != "*";
        let value = HeaderValue::from_str(origin).ok().filter(|_| valid).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("PHANCAP_CORS_ORIGINS: `{origin}` is not an origin like https://portal.example.gov.vn"),
            )
        })?;
        allowed.push(value);
    }
    let listed = allowed.clone();
    Ok(Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(allowed))
            .allow_credentials(AllowCredentials::predicate(move |origin, _| {
                listed.contains(origin)
            }))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([
                AUTHORIZATION,
                CONTENT_TYPE,
                HeaderName::from_static("idempotency-key"),
            ])
            .expose_headers([
                HeaderName::from_static("retry-after"),
                HeaderName::from_static("idempotent-replayed"),
            ])
            .max_age(Duration::from_secs(600)),
    ))
}

/// One line per request (target `phancap::access`): never a token, a
/// password, a query or its variables. The request runs in one span of
/// its own (`request`, with its method and path), which whatever it logs
/// carries; nothing below opens spans per field or per batch.
async fn access_log(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let span = tracing::info_span!("request", method = %method, path = %path);
    let response = tracing::Instrument::instrument(next.run(request), span).await;
    let note = response.extensions().get::<RequestNote>();
    let user = note.and_then(|n| n.user).map(|u| u.to_string());
    tracing::info!(
        target: "phancap::access",
        method = %method,
        path,
        status = response.status().as_u16(),
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        operation = note.map(|n| n.operation.as_str()).filter(|o| !o.is_empty()),
        outcome = note.and_then(|n| n.outcome).map(|o| o.as_str()),
        user = user.as_deref(),
        client = %peer.ip(),
        "request"
    );
    response
}

/// `GET /metrics`: Prometheus text format.
async fn metrics_text(State(state): State<GraphqlState>) -> Response {
    (
        [(
            CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        state.metrics.render(&state.db),
    )
        .into_response()
}

/// 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<GraphqlState>) -> (StatusCode, &'static str) {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(err) => {
            tracing::warn!(error = %err, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Completes on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received, finishing requests in flight");
}

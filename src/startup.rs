//! Building the HTTP application and running it until a signal stops it.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::auth::TokenService;
use crate::graphql::{self, GraphqlState, Limits};

/// How the server is run; the CLI fills it from flags and environment.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    /// Serve GraphiQL at `GET /graphql`.
    pub graphiql: bool,
    pub limits: Limits,
    /// Most operations in one batched request.
    pub max_batch: usize,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            graphiql: true,
            limits: Limits::default(),
            max_batch: 10,
            max_body_bytes: 256 * 1024,
        }
    }
}

/// A bound, not yet running server.
pub struct Application {
    listener: TcpListener,
    router: Router,
}

impl Application {
    /// Binds `settings.listen` (port 0 picks a free port) over `db`, whose
    /// schema must be migrated.
    pub async fn build(
        settings: &Settings,
        db: DatabaseConnection,
        tokens: Arc<TokenService>,
    ) -> std::io::Result<Self> {
        let state = GraphqlState {
            schema: graphql::build_schema(db.clone(), tokens.clone(), settings.limits),
            db,
            tokens,
            max_batch: settings.max_batch,
        };
        let graphql_route = if settings.graphiql {
            get(graphql::graphiql).post(graphql::graphql_post)
        } else {
            post(graphql::graphql_post)
        };
        let router = Router::new()
            .route("/graphql", graphql_route)
            .route("/graphql/ws", get(graphql::graphql_ws))
            .route("/healthz", get(healthz))
            .layer(DefaultBodyLimit::max(settings.max_body_bytes))
            .with_state(state);
        let listener = TcpListener::bind(settings.listen).await?;
        Ok(Application { listener, router })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then finishes requests in flight.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await
    }
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

//! phancap: a GraphQL API for the delegation of state-management powers
//! (phân cấp, phân quyền, ủy quyền) down a Vietnamese province's hierarchy.

/// The hash-chained audit trail.
pub mod audit;
/// Passwords, tokens, the viewer and their grants.
pub mod auth;
/// Today's date in Vietnam and date ranges.
pub mod calendar;
/// The command line: `serve`, `migrate`, `import-units`, `demo`, `schema`.
pub mod cli;
/// Connecting to SQLite or PostgreSQL and migrating.
pub mod db;
/// Demo data: a real province ready to explore.
pub mod demo;
/// The error type and its stable codes.
pub mod error;
/// The annual evaluation of every delegated content.
pub mod evaluations;
/// Exports as XLSX, CSV and NDJSON under `/export/…`.
pub mod exports;
/// The change feed and every node's `updatedAt`.
pub mod feed;
/// The GraphQL toolkit of every domain: ids, scalars, payloads, codes.
pub mod graphql;
/// The HTTP edge: POST and GET /graphql, the websocket, GraphiQL.
pub mod http;
/// Idempotency keys for retried mutations.
pub mod idempotency;
/// Bulk imports: the mandate registry and report figures from files.
pub mod imports;
/// Inspections of delegated powers, their findings and follow-up.
pub mod inspections;
/// Vietnamese labels of enum values and the language of a request.
pub mod labels;
/// Mandates, their rules, and legal documents.
pub mod mandates;
/// Prometheus metrics.
pub mod metrics;
/// Notices: the outbox, webhooks, e-mail, the subscription, the sweep.
pub mod notices;
/// Relay cursor pagination.
pub mod pagination;
/// Plans (kế hoạch) and their tasks.
pub mod plans;
/// Proposals, opinions, the appraisal and the decision.
pub mod proposals;
/// Per-address rate limits.
pub mod ratelimit;
/// Events carried between servers over one PostgreSQL (LISTEN/NOTIFY).
pub mod relay;
/// The schema: roots, `node`, per-request data and limits.
pub mod schema;

/// The reporting cycle after Nghị định 09/2019/NĐ-CP.
pub mod reporting;
/// The HTTP application and its lifecycle.
pub mod startup;
/// Logging.
pub mod telemetry;
/// Search folding and input checks for free text.
pub mod text;
/// Turns for operations that read whole subtrees.
pub mod turns;
/// The dated unit tree, its import and its GraphQL API.
pub mod units;
/// Users, role grants and signing in.
pub mod users;

/// Any error, for the command line and setup code.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

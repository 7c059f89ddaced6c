//! Test harness: `spawn_app()` for a fresh database per test, `national()`
//! for the read-only tests that share one import of the real data.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use entity::app_user::UserKind;
use entity::mandate::MandateKind;
use entity::role_grant::Role;
use entity::unit::AdminType;
use phancap::auth::{Authority, ExternalKey, TokenService};
use phancap::db::{self, StatementCounter};
use phancap::graphql::{NodeKind, encode_id};
use phancap::mandates::service::{self as mandates, MandateInput, Resources};
use phancap::startup::{Application, Settings};
use phancap::units::import::{self, ImportSummary, Source, Structure};
use phancap::units::{admin, service};
use phancap::users::service as users;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};
use uuid::Uuid;

/// The HS256 secret of every test server.
pub const TEST_SECRET: &[u8] = b"phancap-tests-secret-of-32-bytes-or-more";

/// The token service of every test server (`external`: an identity
/// provider's key it also accepts).
pub fn test_tokens(external: Option<ExternalKey>) -> Arc<TokenService> {
    Arc::new(TokenService::new(TEST_SECRET, Duration::from_secs(3600), external).unwrap())
}

/// A running server and the database behind it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub tokens: Arc<TokenService>,
    /// None for the shared app, whose connection lives on another runtime.
    pub db: Option<DatabaseConnection>,
    pub statements: StatementCounter,
    /// `http://addr` of `/metrics` when it has its own listener.
    pub metrics_address: Option<String>,
    /// The PostgreSQL schema this app's database lives in, dropped with it.
    pub pg_schema: Option<String>,
    /// Stops the server and its background tasks (see [`TestApp::stop`]),
    /// and tells when it has stopped.
    pub stop: Option<(
        tokio::sync::oneshot::Sender<()>,
        tokio::sync::oneshot::Receiver<()>,
    )>,
}

/// The PostgreSQL server of the tests, when they run on PostgreSQL.
pub fn pg_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

/// Drops a test schema and everything in it, from a thread of its own so
/// that it works from `Drop` and at exit, whatever runtime is current.
pub fn drop_pg_schema(schema: &str) {
    let Some(url) = pg_url() else {
        return;
    };
    let sql = format!("SET lock_timeout = '10s'; DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
    let dropped = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let admin = db::connect(&url, None, &StatementCounter::default()).await?;
            let done = admin.execute_unprepared(&sql).await.map(|_| ());
            admin.close().await.ok();
            done
        })
    })
    .join();
    if let Ok(Err(err)) = dropped {
        eprintln!("could not drop test schema {schema}: {err}");
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // A dropped app keeps serving, as it always has: only `stop` stops it.
        if let Some(stop) = self.stop.take() {
            std::mem::forget(stop);
        }
        if let Some(schema) = self.pg_schema.take() {
            drop_pg_schema(&schema);
        }
    }
}

/// The shared app's schema, dropped when the test binary exits.
static NATIONAL_SCHEMA: OnceLock<String> = OnceLock::new();

extern "C" fn drop_national_schema() {
    if let Some(schema) = NATIONAL_SCHEMA.get() {
        drop_pg_schema(schema);
    }
}

/// A fresh, migrated, empty database, named for the log of a failure, and
/// its PostgreSQL schema.
async fn fresh_database(counter: &StatementCounter) -> (DatabaseConnection, Option<String>) {
    let mut pg_schema = None;
    let conn = match pg_url() {
        Some(url) => {
            let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
            pg_schema = Some(schema.clone());
            let admin = db::connect(&url, None, &StatementCounter::default())
                .await
                .expect("TEST_DATABASE_URL must be reachable");
            admin
                .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
                .await
                .expect("create test schema");
            admin.close().await.ok();
            db::connect(&url, Some(&schema), counter)
                .await
                .expect("connect to test schema")
        }
        _ => db::connect("sqlite::memory:", None, counter)
            .await
            .expect("open SQLite in memory"),
    };
    db::migrate(&conn).await.expect("migrations apply");
    (conn, pg_schema)
}

async fn serve(
    conn: DatabaseConnection,
    pg_schema: Option<String>,
    statements: StatementCounter,
    settings: Settings,
    tokens: Arc<TokenService>,
) -> TestApp {
    let files = phancap::mandates::attachments::FileStore {
        dir: std::env::temp_dir().join(format!("phancap-test-files-{}", Uuid::now_v7())),
        ..settings.files.clone()
    };
    let settings = Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        files,
        ..settings
    };
    let app = Application::build(&settings, conn.clone(), tokens.clone())
        .await
        .expect("server binds");
    let address = format!("http://{}", app.local_addr().unwrap());
    let metrics_address = app.metrics_addr().map(|a| format!("http://{a}"));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = app
            .run_until(async move {
                let _ = stop_rx.await;
            })
            .await;
        let _ = done_tx.send(());
    });
    TestApp {
        stop: Some((stop_tx, done_rx)),
        address,
        tokens,
        // No pooled connections: the shared app is called from many tests'
        // runtimes, and a pooled connection dies with the runtime that made it.
        // Messages in English, whose particulars (a line, an indicator, a
        // count) the tests read; `vietnamese.rs` checks the Vietnamese
        // default with a client of its own.
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(0)
            .default_headers(
                [(
                    reqwest::header::ACCEPT_LANGUAGE,
                    reqwest::header::HeaderValue::from_static("en"),
                )]
                .into_iter()
                .collect(),
            )
            .build()
            .unwrap(),
        db: Some(conn),
        statements,
        metrics_address,
        pg_schema,
    }
}

/// The settings of `spawn_app` and `national`: the defaults without the
/// per-address rate limits, since every test client is 127.0.0.1 (the
/// limits have tests of their own).
pub fn unlimited() -> Settings {
    Settings {
        anonymous_per_minute: 0,
        logins_per_minute: 0,
        // No dispatcher or sweep: their statements would blur the tests
        // that count statements; the notices tests turn them on.
        notices: phancap::notices::dispatch::NoticeSettings {
            background: false,
            ..Default::default()
        },
        ..Settings::default()
    }
}

/// The default settings, rate limits included, without the background
/// notice tasks (the shared app only reads).
fn unlimited_with_limits() -> Settings {
    Settings {
        notices: unlimited().notices,
        ..Settings::default()
    }
}

/// A new server with `settings` over the database of an app stopped
/// before (a restart); it takes over dropping the PostgreSQL schema.
pub async fn spawn_app_on(
    db: DatabaseConnection,
    pg_schema: Option<String>,
    settings: Settings,
) -> TestApp {
    serve(
        db,
        pg_schema,
        StatementCounter::default(),
        settings,
        test_tokens(None),
    )
    .await
}

impl TestApp {
    /// Stops the server and its background tasks (the dispatcher is
    /// aborted wherever it is, as a crash would), and waits until it has.
    pub async fn stop(&mut self) {
        if let Some((stop, done)) = self.stop.take() {
            let _ = stop.send(());
            let _ = tokio::time::timeout(Duration::from_secs(30), done).await;
        }
    }
}

/// The server on a fresh, empty database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(unlimited()).await
}

/// The server with `settings` on a fresh, empty database.
pub async fn spawn_app_with(settings: Settings) -> TestApp {
    spawn_app_full(settings, test_tokens(None)).await
}

/// The server with `settings` and `tokens` on a fresh, empty database.
pub async fn spawn_app_full(settings: Settings, tokens: Arc<TokenService>) -> TestApp {
    let statements = StatementCounter::default();
    let (conn, pg_schema) = fresh_database(&statements).await;
    serve(conn, pg_schema, statements, settings, tokens).await
}

/// The server over one shared database holding the real national data and
/// the demo's departments, imported once for all tests that only read.
/// It runs on its own runtime so that it outlives every test's runtime.
pub fn national() -> &'static TestApp {
    static APP: OnceLock<TestApp> = OnceLock::new();
    APP.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime.block_on(async move {
                let statements = StatementCounter::default();
                let (conn, pg_schema) = fresh_database(&statements).await;
                if let Some(schema) = pg_schema {
                    NATIONAL_SCHEMA.set(schema).ok();
                    // SAFETY: registers a plain `extern "C" fn` with no
                    // arguments, as atexit requires.
                    unsafe { libc::atexit(drop_national_schema) };
                }
                phancap::demo::load(&conn).await.expect("demo data loads");
                let mut app = serve(
                    conn,
                    None,
                    statements,
                    unlimited_with_limits(),
                    test_tokens(None),
                )
                .await;
                app.db = None;
                tx.send(app).unwrap();
                std::future::pending::<()>().await;
            });
        });
        rx.recv().expect("the shared app starts")
    })
}

impl TestApp {
    /// The database; only apps of `spawn_app` have one in reach.
    pub fn db(&self) -> &DatabaseConnection {
        self.db
            .as_ref()
            .expect("this app's database is not reachable from tests")
    }

    /// Posts one GraphQL operation and returns the JSON response.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        let (status, body) = self
            .post(json!({ "query": query, "variables": variables }))
            .await;
        assert_eq!(status, 200, "GraphQL over HTTP answers 200: {body}");
        body
    }

    /// Posts one GraphQL operation with a bearer token.
    pub async fn graphql_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let (status, body) = self
            .post_with(
                Some(token),
                json!({ "query": query, "variables": variables }),
            )
            .await;
        assert_eq!(status, 200, "GraphQL over HTTP answers 200: {body}");
        body
    }

    /// Posts any JSON body to /graphql; returns status and JSON.
    pub async fn post(&self, body: Value) -> (u16, Value) {
        self.post_with(None, body).await
    }

    /// Posts any JSON body, with a bearer token when given.
    pub async fn post_with(&self, token: Option<&str>, body: Value) -> (u16, Value) {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request reaches the server");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Imports a structure from the bundled data.
    pub async fn import(&self, structure: Structure) -> ImportSummary {
        import::import(self.db(), structure, Source::Bundled)
            .await
            .expect("bundled data imports")
    }

    /// Cao Bằng (06) and Thái Nguyên (19) in the legacy structure, and
    /// Thái Nguyên's 2025 communes beside them with their lineage.
    pub async fn import_two_provinces(&self) {
        self.import_csv(
            Structure::Legacy,
            &bundled_rows("units-legacy.csv", &["06", "19"]),
        )
        .await
        .unwrap();
        self.import_csv(Structure::Current, &bundled_rows("units-2025.csv", &["19"]))
            .await
            .unwrap();
    }

    /// Imports a CSV text.
    pub async fn import_csv(
        &self,
        structure: Structure,
        text: &str,
    ) -> Result<ImportSummary, import::ImportError> {
        import::import(
            self.db(),
            structure,
            Source::Csv {
                name: "test.csv",
                text,
            },
        )
        .await
    }

    /// Global id of the unit bearing `code` on `as_of`.
    pub async fn unit_id(&self, code: &str, as_of: &str) -> String {
        let body = self
            .graphql(
                "query($code: String!, $asOf: Date) { unitByCode(code: $code, asOf: $asOf) { id } }",
                json!({ "code": code, "asOf": as_of }),
            )
            .await;
        body["data"]["unitByCode"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("unit {code} on {as_of}: {body}"))
            .to_owned()
    }
}

/// The `extensions.code` of the first error.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {body}"))
}

/// Rows of a bundled CSV whose first column is one of `provinces`, with the header.
pub fn bundled_rows(file: &str, provinces: &[&str]) -> String {
    let path = format!("{}/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for line in lines.filter(|l| provinces.iter().any(|p| l.starts_with(&format!("{p},")))) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Every role, in a fixed order.
pub const ROLES: [Role; 8] = [
    Role::Viewer,
    Role::Reporter,
    Role::Reviewer,
    Role::Approver,
    Role::Coordinator,
    Role::LegalReviewer,
    Role::Inspector,
    Role::Admin,
];

/// The stored name of a role, as GraphQL spells it too.
pub fn role_name(role: Role) -> &'static str {
    phancap::audit::service::role_name(role)
}

/// A province of the fixture with a department and a commune.
pub struct Province {
    pub id: Uuid,
    pub department: Uuid,
    pub commune: Uuid,
}

/// Two provinces of the 2025 structure: Thái Nguyên (19), where every role
/// user `<role>.tn` holds their one role, and Cao Bằng (04), outside their
/// scope; and `root`, who holds every role over both.
pub struct Fixture {
    pub inside: Province,
    pub outside: Province,
}

/// Global id of an entity.
pub fn gid(kind: NodeKind, id: Uuid) -> String {
    encode_id(kind, id).0
}

/// The username of the fixture's user holding `role` over province 19.
pub fn role_user(role: Role) -> String {
    format!("{}.tn", role_name(role).to_lowercase().replace('_', "-"))
}

impl TestApp {
    /// Loads the fixture: units, a department per province, the users.
    pub async fn seed(&self) -> Fixture {
        let db = self.db();
        let csv = bundled_rows("units-2025.csv", &["19", "04"]);
        import::import(
            db,
            Structure::Current,
            Source::Csv {
                name: "fixture.csv",
                text: &csv,
            },
        )
        .await
        .expect("fixture units import");
        let mut provinces = Vec::new();
        for (code, commune) in [("19", "05482"), ("04", "01273")] {
            let province = service::find_by_code(db, code, None, today())
                .await
                .unwrap()
                .unwrap();
            let department = admin::create_unit(
                db,
                Authority::Cli,
                admin::CreateUnit {
                    parent: province.id,
                    code: format!("{code}-SNV"),
                    name: format!("Sở Nội vụ {code}"),
                    admin_type: AdminType::So,
                    valid_from: "2025-07-01".parse().unwrap(),
                    valid_to: None,
                },
            )
            .await
            .unwrap();
            let commune = service::find_by_code(db, commune, None, today())
                .await
                .unwrap()
                .unwrap();
            provinces.push(Province {
                id: province.id,
                department: department.id,
                commune: commune.id,
            });
        }
        let outside = provinces.pop().unwrap();
        let inside = provinces.pop().unwrap();
        let root = self
            .create_user("root", inside.id, Some("root-password-1"))
            .await;
        for role in ROLES {
            for scope in [inside.id, outside.id] {
                users::grant_role(db, Authority::Cli, root, role, scope)
                    .await
                    .unwrap();
            }
            let user = self
                .create_user(&role_user(role), inside.id, Some("role-password-1"))
                .await;
            users::grant_role(db, Authority::Cli, user, role, inside.id)
                .await
                .unwrap();
        }
        Fixture { inside, outside }
    }

    /// Creates a user from the command line (a service account when no
    /// password is given) and returns its id.
    pub async fn create_user(&self, username: &str, home: Uuid, password: Option<&str>) -> Uuid {
        let kind = if password.is_some() {
            UserKind::Human
        } else {
            UserKind::Service
        };
        let create = users::CreateUser {
            username: username.into(),
            full_name: username.into(),
            home_unit: home,
            kind,
            password: password.map(str::to_owned),
        };
        users::create_user(self.db(), Authority::Cli, create)
            .await
            .unwrap()
            .id
    }

    /// A body (ban) under `parent` in force from `from`, ended on
    /// `last_day` when given; returns its id.
    pub async fn body(
        &self,
        parent: Uuid,
        code: &str,
        from: chrono::NaiveDate,
        last_day: Option<chrono::NaiveDate>,
    ) -> Uuid {
        let create = admin::CreateUnit {
            parent,
            code: code.into(),
            name: format!("Ban {code}"),
            admin_type: AdminType::Ban,
            valid_from: from,
            valid_to: last_day,
        };
        admin::create_unit(self.db(), Authority::Cli, create)
            .await
            .unwrap()
            .id
    }

    /// A token of a new user holding VIEWER over `scope` only.
    pub async fn viewer_over(&self, username: &str, scope: Uuid) -> String {
        let user = self
            .create_user(username, scope, Some("viewer-password-1"))
            .await;
        users::grant_role(self.db(), Authority::Cli, user, Role::Viewer, scope)
            .await
            .unwrap();
        self.token(username).await
    }

    /// A valid access token of `username`.
    pub async fn token(&self, username: &str) -> String {
        let user = users::by_username(self.db(), username)
            .await
            .unwrap()
            .expect("user exists");
        self.tokens
            .issue(user.id, user.token_version, None)
            .unwrap()
            .0
    }

    /// Everything a refused call must leave as it was.
    pub async fn snapshot(&self) -> String {
        let db = self.db();
        let head = entity::audit_head::Entity::find().all(db).await.unwrap();
        let units = entity::unit::Entity::find()
            .order_by_asc(entity::unit::Column::Id)
            .all(db)
            .await
            .unwrap();
        let users = entity::app_user::Entity::find()
            .order_by_asc(entity::app_user::Column::Id)
            .all(db)
            .await
            .unwrap();
        let grants = entity::role_grant::Entity::find()
            .order_by_asc(entity::role_grant::Column::Id)
            .all(db)
            .await
            .unwrap();
        let mandates = entity::mandate::Entity::find()
            .order_by_asc(entity::mandate::Column::Id)
            .all(db)
            .await
            .unwrap();
        let assignments = entity::mandate_assignment::Entity::find()
            .order_by_asc(entity::mandate_assignment::Column::Id)
            .all(db)
            .await
            .unwrap();
        let documents = entity::document::Entity::find()
            .order_by_asc(entity::document::Column::Id)
            .all(db)
            .await
            .unwrap();
        let links = entity::document_link::Entity::find()
            .order_by_asc(entity::document_link::Column::FromDocumentId)
            .order_by_asc(entity::document_link::Column::ToDocumentId)
            .all(db)
            .await
            .unwrap();
        let matters = entity::matter::Entity::find()
            .order_by_asc(entity::matter::Column::Id)
            .all(db)
            .await
            .unwrap();
        let reporting = reporting_snapshot(db).await;
        let proposals = proposal_snapshot(db).await;
        let rounds = entity::evaluation_round::Entity::find()
            .order_by_asc(entity::evaluation_round::Column::Id)
            .all(db)
            .await
            .unwrap();
        let evaluations = entity::evaluation::Entity::find()
            .order_by_asc(entity::evaluation::Column::Id)
            .all(db)
            .await
            .unwrap();
        let plans = entity::plan::Entity::find()
            .order_by_asc(entity::plan::Column::Id)
            .all(db)
            .await
            .unwrap();
        let tasks = entity::task::Entity::find()
            .order_by_asc(entity::task::Column::Id)
            .all(db)
            .await
            .unwrap();
        let coordinators = entity::task_coordinator::Entity::find()
            .order_by_asc(entity::task_coordinator::Column::TaskId)
            .order_by_asc(entity::task_coordinator::Column::UnitId)
            .all(db)
            .await
            .unwrap();
        let updates = entity::task_update::Entity::find()
            .order_by_asc(entity::task_update::Column::Id)
            .all(db)
            .await
            .unwrap();
        format!(
            "{head:?}{units:?}{users:?}{grants:?}{mandates:?}{assignments:?}{documents:?}{links:?}{matters:?}{reporting}{proposals}{rounds:?}{evaluations:?}{plans:?}{tasks:?}{coordinators:?}{updates:?}"
        )
    }

    /// A cheap stand-in for [`snapshot`](Self::snapshot): the audit head
    /// and the row count of every table the snapshot covers, in one query.
    /// An audited write moves the head, an insert or delete a count; an
    /// unaudited update in place takes the full snapshot to see.
    pub async fn fingerprint(&self) -> String {
        use entity::*;
        use sea_orm::{EntityName, Statement};
        let db = self.db();
        let head = audit_head::Entity::find().all(db).await.unwrap();
        let tables = [
            unit::Entity.table_name(),
            app_user::Entity.table_name(),
            role_grant::Entity.table_name(),
            mandate::Entity.table_name(),
            mandate_assignment::Entity.table_name(),
            document::Entity.table_name(),
            document_link::Entity.table_name(),
            matter::Entity.table_name(),
            holiday::Entity.table_name(),
            reporting_regime::Entity.table_name(),
            regime_indicator::Entity.table_name(),
            regime_rule::Entity.table_name(),
            reporting_period::Entity.table_name(),
            report::Entity.table_name(),
            report_item::Entity.table_name(),
            report_value::Entity.table_name(),
            report_reminder::Entity.table_name(),
            report_rollup::Entity.table_name(),
            indicator_rollup::Entity.table_name(),
            proposal::Entity.table_name(),
            proposal_event::Entity.table_name(),
            opinion_request::Entity.table_name(),
            appraisal::Entity.table_name(),
            appraisal_mandate::Entity.table_name(),
            delegation_policy::Entity.table_name(),
            evaluation_round::Entity.table_name(),
            evaluation::Entity.table_name(),
            plan::Entity.table_name(),
            task::Entity.table_name(),
            task_coordinator::Entity.table_name(),
            task_update::Entity.table_name(),
        ];
        let counts = tables
            .iter()
            .map(|table| format!("(SELECT COUNT(*) FROM \"{table}\")"))
            .collect::<Vec<_>>()
            .join(", ");
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT {counts}"),
            ))
            .await
            .unwrap()
            .expect("a row of counts");
        let counts = tables
            .iter()
            .enumerate()
            .map(|(i, table)| {
                let count: i64 = row.try_get_by_index(i).unwrap();
                format!("{table}={count}")
            })
            .collect::<Vec<_>>()
            .join(" ");
        format!("{head:?} {counts}")
    }

    /// The number of audit events.
    pub async fn audit_len(&self) -> u64 {
        entity::audit_event::Entity::find()
            .count(self.db())
            .await
            .unwrap()
    }
}

/// A demo user's token, signed in through GraphQL with the demo password
/// (for the shared app, whose database is out of reach).
pub async fn demo_token(app: &TestApp, username: &str) -> String {
    let body = app
        .graphql(
            "mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { accessToken } }",
            json!({ "u": username, "p": phancap::demo::DEMO_PASSWORD }),
        )
        .await;
    body["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{username} signs in: {body}"))
        .to_owned()
}

/// Today in Vietnam.
pub fn today() -> chrono::NaiveDate {
    phancap::calendar::today()
}

/// Registers a document of UBND tỉnh 19 (the instrument its mandates
/// rest on) from the command line; returns its id. A normative one is a
/// decision of UBND (its number must carry the year), any other a công văn
/// (its number must not).
pub async fn document(app: &TestApp, number: &str, normative: bool) -> Uuid {
    let province = service::find_by_code(app.db(), "19", None, today())
        .await
        .unwrap()
        .unwrap();
    document_of(app, number, normative, province.id, "2025-01-01").await
}

/// Registers a decision of UBND (normative) or a công văn (not) of
/// `issuer`, issued and in force on `issued`; returns its id.
pub async fn document_of(
    app: &TestApp,
    number: &str,
    normative: bool,
    issuer: Uuid,
    issued: &str,
) -> Uuid {
    let doc_type = if normative {
        entity::document::DocumentType::QdUbnd
    } else {
        entity::document::DocumentType::Cv
    };
    instrument(app, number, doc_type, issuer, issued).await
}

/// Registers a document of `doc_type` by `issuer` (normative when its
/// number carries a year), issued and in force on `issued`; returns its
/// id.
pub async fn instrument(
    app: &TestApp,
    number: &str,
    doc_type: entity::document::DocumentType,
    issuer: Uuid,
    issued: &str,
) -> Uuid {
    create_test_document(app, number, doc_type, Some(issuer), issued).await
}

/// Registers a law of Quốc hội (a central, normative document) in force
/// from 2020; returns its id.
pub async fn law(app: &TestApp, number: &str) -> Uuid {
    let luat = entity::document::DocumentType::Luat;
    create_test_document(app, number, luat, None, "2020-01-01").await
}

async fn create_test_document(
    app: &TestApp,
    number: &str,
    doc_type: entity::document::DocumentType,
    issuer: Option<Uuid>,
    issued: &str,
) -> Uuid {
    let subject = format!("Văn bản thử {number}");
    document_about(app, number, doc_type, issuer, issued, &subject).await
}

/// Registers a document about `subject` (its trích yếu); returns its id.
pub async fn document_about(
    app: &TestApp,
    number: &str,
    doc_type: entity::document::DocumentType,
    issuer: Option<Uuid>,
    issued: &str,
    subject: &str,
) -> Uuid {
    let create = phancap::mandates::documents::CreateDocument {
        number: number.into(),
        doc_type,
        issuer_unit: issuer,
        issuer_name: issuer.is_none().then(|| "Quốc hội".to_owned()),
        subject: subject.to_owned(),
        signer: None,
        signer_title: None,
        signer_capacity: None,
        recipients: Vec::new(),
        links: Vec::new(),
        issued_date: issued.parse().unwrap(),
        effective_from: issued.parse().unwrap(),
        effective_to: None,
    };
    phancap::mandates::documents::create_document(app.db(), Authority::Cli, create)
        .await
        .unwrap()
        .id
}

/// A lawful mandate from `delegator` to `delegatees` (decentralization on a
/// normative basis with resources), for a test to adjust.
pub fn mandate_input(
    code: &str,
    matter: &str,
    delegator: Uuid,
    delegatees: Vec<Uuid>,
    basis: Uuid,
) -> MandateInput {
    MandateInput {
        code: code.into(),
        title: format!("Nội dung {code}"),
        sector: entity::mandate::Sector::XayDung,
        matter_code: matter.into(),
        kind: MandateKind::Decentralization,
        delegator,
        delegator_capacity: entity::mandate::DelegatorCapacity::Collective,
        delegatee_capacity: entity::mandate::DelegatorCapacity::Collective,
        legal_basis: Some(basis),
        legal_basis_article: Some("Điều 1".into()),
        conditions: None,
        resources: Resources {
            staff: Some(1),
            ..Resources::default()
        },
        effective_from: "2025-08-01".parse().unwrap(),
        effective_to: None,
        allow_onward: false,
        parent: None,
        delegatees,
        procedure_publication: None,
        proposal: None,
    }
}

/// Puts matter `code` in the catalogue of powers (an ordinary delegable
/// matter of UBND tỉnh) unless it is there already. Written straight to
/// the table, as the migration catalogues existing codes: the tests'
/// short matter codes ("A", "C1") predate the code syntax.
pub async fn catalogue(app: &TestApp, code: &str) {
    catalogue_held_by(app, code, entity::matter::MatterHolder::UbndProvince).await;
}

/// Catalogues matter `code` as held originally by `holder`, unless it is
/// there already.
pub async fn catalogue_held_by(app: &TestApp, code: &str, holder: entity::matter::MatterHolder) {
    use phancap::mandates::matters;
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
    if matters::by_code(app.db(), code).await.unwrap().is_some() {
        return;
    }
    entity::matter::Model {
        id: Uuid::now_v7(),
        code: code.into(),
        name: format!("Việc {code}"),
        search_name: format!("viec {}", code.to_lowercase()),
        sector: entity::mandate::Sector::XayDung,
        law: "Luật Xây dựng 2014".into(),
        law_document_id: None,
        holder,
        holder_department: None,
        non_delegable: false,
        non_delegable_basis: None,
        autonomy_related: false,
        procedure_codes: String::new(),
        changes_procedure: false,
        valid_from: None,
        valid_to: None,
    }
    .into_active_model()
    .insert(app.db())
    .await
    .unwrap();
}

/// Catalogues matter `code` (as [`catalogue`] does) listing the
/// administrative procedures `procedures` (`;`-separated TTHC codes),
/// unless it is there already.
pub async fn catalogue_with_procedures(app: &TestApp, code: &str, procedures: &str) {
    catalogue(app, code).await;
    entity::matter::Entity::update_many()
        .col_expr(
            entity::matter::Column::ProcedureCodes,
            sea_orm::sea_query::Expr::value(procedures),
        )
        .filter(entity::matter::Column::Code.eq(code))
        .exec(app.db())
        .await
        .unwrap();
}

/// Drafts (and, when `issue`, issues) a mandate from the command line,
/// with Sở Tư pháp's favourable appraisal where it needs one.
pub async fn make_mandate(
    app: &TestApp,
    input: MandateInput,
    issue: bool,
) -> entity::mandate::Model {
    catalogue(app, &input.matter_code).await;
    let m = mandates::draft_mandate(app.db(), Authority::Cli, input)
        .await
        .unwrap();
    // Appraised as drafted (Sở Tư pháp's report recorded from paper), so
    // that issuing it meets the appraisal gate and the other rules speak.
    appraise_if_needed(app, &m).await;
    if issue {
        mandates::issue_mandate(app.db(), Authority::Cli, m.id)
            .await
            .unwrap()
    } else {
        m
    }
}

/// The Sở Tư pháp of the province `unit` belongs to ("19-STP"), created
/// from the command line the first time it is asked for.
pub async fn justice_department(app: &TestApp, unit: Uuid) -> Uuid {
    let unit = service::existing(app.db(), unit).await.unwrap();
    let province_id = service::path_ids(&unit.path)[0];
    let code = service::existing(app.db(), province_id).await.unwrap().code;
    // The province of that code now: a merged province keeps its code.
    let province = service::find_by_code(app.db(), &code, None, today())
        .await
        .unwrap()
        .unwrap();
    department(app, &province, "STP", "Sở Tư pháp").await
}

/// The sở `{province code}-{abbr}` of `province`, created from the
/// command line the first time it is asked for.
pub async fn department(
    app: &TestApp,
    province: &entity::unit::Model,
    abbr: &str,
    name: &str,
) -> Uuid {
    let code = format!("{}-{abbr}", province.code);
    if let Some(u) = service::find_by_code(app.db(), &code, None, today())
        .await
        .unwrap()
    {
        return u.id;
    }
    admin::create_unit(
        app.db(),
        Authority::Cli,
        admin::CreateUnit {
            parent: province.id,
            code,
            name: format!("{name} {}", province.code),
            admin_type: AdminType::So,
            valid_from: province.valid_from.unwrap_or(chrono::NaiveDate::MIN),
            valid_to: None,
        },
    )
    .await
    .unwrap()
    .id
}

/// An appraisal report ("1/BCTĐ-STP") of the Sở Tư pháp of `unit`'s
/// province, registered once.
pub async fn appraisal_report(app: &TestApp, unit: Uuid) -> Uuid {
    appraisal_report_numbered(app, unit, "1/BCTĐ-STP").await
}

/// The appraisal report `number` ("…/BCTĐ-STP") of the Sở Tư pháp of
/// `unit`'s province, issued on 1/7/2025, registered once.
pub async fn appraisal_report_numbered(app: &TestApp, unit: Uuid, number: &str) -> Uuid {
    let justice = justice_department(app, unit).await;
    match phancap::mandates::documents::by_number(app.db(), number, Some(justice))
        .await
        .unwrap()
    {
        Some(d) => d.id,
        None => {
            let bc = entity::document::DocumentType::Bc;
            instrument(app, number, bc, justice, "2025-07-01").await
        }
    }
}

/// Records Sở Tư pháp's favourable appraisal of an amendment of the
/// issued mandate `m` from the command line (what amendMandate needs for a
/// decentralization).
pub async fn appraise_amendment(app: &TestApp, m: &entity::mandate::Model) {
    use phancap::proposals::consult;
    // Its own report, dated today: after the decision it amends.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(700);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let justice = justice_department(app, m.delegator_unit_id).await;
    let bc = entity::document::DocumentType::Bc;
    let number = format!("{n}/BCTĐ-STP");
    let report = instrument(app, &number, bc, justice, &today().to_string()).await;
    let input = consult::AppraisalInput {
        report,
        conclusion: entity::appraisal::Conclusion::Eligible,
        summary: None,
        notes: Vec::new(),
    };
    consult::record_appraisal(app.db(), Authority::Cli, &[m.id], input)
        .await
        .unwrap();
}

/// Records Sở Tư pháp's favourable appraisal of the draft `m` from the
/// command line, when it needs one to be issued.
pub async fn appraise_if_needed(app: &TestApp, m: &entity::mandate::Model) {
    use phancap::proposals::consult;
    let delegator = service::existing(app.db(), m.delegator_unit_id)
        .await
        .unwrap();
    if !consult::needs_appraisal(app.db(), m, &delegator)
        .await
        .unwrap()
    {
        return;
    }
    let report = appraisal_report(app, m.delegator_unit_id).await;
    let input = consult::AppraisalInput {
        report,
        conclusion: entity::appraisal::Conclusion::Eligible,
        summary: None,
        notes: Vec::new(),
    };
    consult::record_appraisal(app.db(), Authority::Cli, &[m.id], input)
        .await
        .unwrap();
}

/// Every table of proposals, in a stable order.
async fn proposal_snapshot(db: &DatabaseConnection) -> String {
    use entity::*;
    let proposals = proposal::Entity::find()
        .order_by_asc(proposal::Column::Id)
        .all(db)
        .await
        .unwrap();
    let events = proposal_event::Entity::find()
        .order_by_asc(proposal_event::Column::Id)
        .all(db)
        .await
        .unwrap();
    let opinions = opinion_request::Entity::find()
        .order_by_asc(opinion_request::Column::Id)
        .all(db)
        .await
        .unwrap();
    let appraisals = appraisal::Entity::find()
        .order_by_asc(appraisal::Column::Id)
        .all(db)
        .await
        .unwrap();
    let notes = appraisal_mandate::Entity::find()
        .order_by_asc(appraisal_mandate::Column::AppraisalId)
        .order_by_asc(appraisal_mandate::Column::MandateId)
        .all(db)
        .await
        .unwrap();
    let policies = delegation_policy::Entity::find().all(db).await.unwrap();
    format!("{proposals:?}{events:?}{opinions:?}{appraisals:?}{notes:?}{policies:?}")
}

/// Every reporting table, in a stable order.
async fn reporting_snapshot(db: &DatabaseConnection) -> String {
    use entity::*;
    let holidays = holiday::Entity::find()
        .order_by_asc(holiday::Column::Day)
        .all(db)
        .await
        .unwrap();
    let regimes = reporting_regime::Entity::find()
        .order_by_asc(reporting_regime::Column::Id)
        .all(db)
        .await
        .unwrap();
    let indicators = regime_indicator::Entity::find()
        .order_by_asc(regime_indicator::Column::Id)
        .all(db)
        .await
        .unwrap();
    let rules = regime_rule::Entity::find()
        .order_by_asc(regime_rule::Column::Id)
        .all(db)
        .await
        .unwrap();
    let periods = reporting_period::Entity::find()
        .order_by_asc(reporting_period::Column::Id)
        .all(db)
        .await
        .unwrap();
    let reports = report::Entity::find()
        .order_by_asc(report::Column::Id)
        .all(db)
        .await
        .unwrap();
    let items = report_item::Entity::find()
        .order_by_asc(report_item::Column::Id)
        .all(db)
        .await
        .unwrap();
    let values = report_value::Entity::find()
        .order_by_asc(report_value::Column::ReportId)
        .order_by_asc(report_value::Column::IndicatorCode)
        .all(db)
        .await
        .unwrap();
    let reminders = report_reminder::Entity::find()
        .order_by_asc(report_reminder::Column::Id)
        .all(db)
        .await
        .unwrap();
    let rollups = report_rollup::Entity::find()
        .order_by_asc(report_rollup::Column::PeriodId)
        .order_by_asc(report_rollup::Column::UnitId)
        .all(db)
        .await
        .unwrap();
    let totals = indicator_rollup::Entity::find()
        .order_by_asc(indicator_rollup::Column::PeriodId)
        .order_by_asc(indicator_rollup::Column::UnitId)
        .order_by_asc(indicator_rollup::Column::IndicatorCode)
        .all(db)
        .await
        .unwrap();
    format!(
        "{holidays:?}{regimes:?}{indicators:?}{rules:?}{periods:?}{reports:?}{items:?}{values:?}{reminders:?}{rollups:?}{totals:?}"
    )
}

/// A regime of one province with one open period and one expected report.
pub struct Cycle {
    pub regime: Uuid,
    pub period: Uuid,
    /// The commune's report, to Sở Nội vụ.
    pub report: Uuid,
}

/// The period a reporting cycle opens: the fourth quarter of next year,
/// whose deadline is always ahead, so submissions are on time.
pub fn cycle_period() -> String {
    use chrono::Datelike;
    format!("{}Q4", today().year() + 1)
}

/// The quarter whose data window (Nghị định 09/2019) holds today: its
/// reports can be signed today and are not late yet.
pub fn current_quarter() -> String {
    use chrono::Datelike;
    use phancap::reporting::periods::Period;
    let today = today();
    (today.year()..=today.year() + 1)
        .flat_map(|year| Period::all_in(year, entity::reporting_regime::Frequency::Quarter))
        .find(|p| {
            let (from, to) = p.window(entity::reporting_regime::CutoffRule::Decree09);
            (from..=to).contains(&today)
        })
        .expect("a quarter holds today")
        .to_string()
}

/// Sets up, from the command line, a quarterly regime of `province`'s Sở
/// Nội vụ in which its commune reports on a mandate it holds, with
/// [`cycle_period`] open. `n` keeps codes apart.
pub async fn reporting_cycle(app: &TestApp, province: &Province, n: usize) -> Cycle {
    reporting_cycle_in(app, province, n, &cycle_period()).await
}

/// [`reporting_cycle`] with `period` open.
pub async fn reporting_cycle_in(
    app: &TestApp,
    province: &Province,
    n: usize,
    period: &str,
) -> Cycle {
    use phancap::reporting::periods::Period;
    use phancap::reporting::regimes::{self, IndicatorInput, RegimeInput};
    let db = app.db();
    // One mandate per commune serves every cycle.
    let code = format!("RM-{}", province.commune.simple());
    let held = entity::mandate::Entity::find()
        .filter(entity::mandate::Column::Code.eq(code.as_str()))
        .one(db)
        .await
        .unwrap();
    if held.is_none() {
        // A power that is an administrative procedure: its item asks for
        // procedure counts.
        catalogue_with_procedures(app, &code, "1.009993").await;
        let basis = document_of(
            app,
            &format!("9{n}/2025/QĐ-UBND"),
            true,
            province.id,
            "2025-01-01",
        )
        .await;
        let input = mandate_input(&code, &code, province.id, vec![province.commune], basis);
        make_mandate(app, input, true).await;
    }
    let regime = regimes::create_regime(
        db,
        Authority::Cli,
        RegimeInput {
            code: format!("BC-{n}"),
            name: "Báo cáo quý phân cấp".into(),
            content: "Tình hình thực hiện".into(),
            recipient: province.department,
            frequency: entity::reporting_regime::Frequency::Quarter,
            cutoff_rule: entity::reporting_regime::CutoffRule::Decree09,
            deadline_days: 5,
            compiled_deadline_days: 10,
            reporter_kinds: None,
            reporter_units: Some(vec![province.commune]),
            sign_off: false,
            indicators: vec![IndicatorInput {
                code: "HO_SO".into(),
                name: "Hồ sơ tiếp nhận".into(),
                measure: "hồ sơ".into(),
                aggregation: entity::regime_indicator::Aggregation::Sum,
                ..IndicatorInput::default()
            }],
            rules: Vec::new(),
        },
    )
    .await
    .unwrap();
    let periods = regimes::open_periods(
        db,
        Authority::Cli,
        regime.id,
        None,
        vec![period.parse::<Period>().unwrap()],
    )
    .await
    .unwrap();
    let report = entity::report::Entity::find()
        .filter(entity::report::Column::PeriodId.eq(periods[0].id))
        .one(db)
        .await
        .unwrap()
        .expect("the commune's report");
    Cycle {
        regime: regime.id,
        period: periods[0].id,
        report: report.id,
    }
}

/// Fills a report in completely from the command line (every item, with
/// procedure counts where it asks for them, the narrative, `value` for
/// every entered indicator) and returns its version.
pub async fn fill_report(app: &TestApp, report: Uuid, value: f64) -> i32 {
    use phancap::reporting::reports::{self, DraftInput, ItemInput, ValueInput};
    let db = app.db();
    let current = reports::existing(db, report).await.unwrap();
    let items = entity::report_item::Entity::find()
        .filter(entity::report_item::Column::ReportId.eq(report))
        .all(db)
        .await
        .unwrap();
    let indicators = phancap::reporting::regimes::indicators_of(db, &[current.regime_id])
        .await
        .unwrap();
    let mandates: Vec<Uuid> = items.iter().map(|i| i.mandate_id).collect();
    let asking = reports::asking_procedures(db, &mandates).await.unwrap();
    let draft = DraftInput {
        results: Some("Đã thực hiện".into()),
        difficulties: Some("Thiếu biên chế".into()),
        proposals: Some("Bổ sung biên chế".into()),
        items: items
            .iter()
            .map(|i| {
                let count = |n: i32| asking.contains(&i.mandate_id).then_some(n);
                ItemInput {
                    mandate: i.mandate_id,
                    implementation_status: Some(entity::report_item::ImplementationStatus::Done),
                    received: count(10),
                    resolved_on_time: count(7),
                    resolved_late: count(1),
                    pending: count(2),
                    difficulties: None,
                    proposal: Some(entity::report_item::Proposal::Keep),
                    proposal_note: None,
                }
            })
            .collect(),
        values: indicators
            .iter()
            .filter(|i| i.formula.is_none())
            .map(|i| ValueInput::number(i.code.clone(), value))
            .collect(),
    };
    reports::save_draft(db, Authority::Cli, report, current.version, draft)
        .await
        .unwrap()
        .report
        .version
}

/// Fills and submits a report from the command line; returns its version.
pub async fn submit_report(app: &TestApp, report: Uuid, value: f64) -> i32 {
    let version = fill_report(app, report, value).await;
    phancap::reporting::reports::submit(
        app.db(),
        Authority::Cli,
        report,
        version,
        phancap::reporting::reports::Review::Unit,
    )
    .await
    .unwrap()
    .report
    .version
}

/// Fills, submits and accepts a report from the command line.
pub async fn accept_report(app: &TestApp, report: Uuid, value: f64) -> i32 {
    use phancap::reporting::reports::{self, Review};
    let version = submit_report(app, report, value).await;
    reports::accept(
        app.db(),
        Authority::Cli,
        report,
        version,
        Review::Unit,
        None,
    )
    .await
    .unwrap()
    .report
    .version
}

/// What phancap has logged (JSON lines) since the first call, in this
/// test binary: the tests of the access and security logs read it.
pub fn logs() -> String {
    static BUFFER: OnceLock<Arc<std::sync::Mutex<Vec<u8>>>> = OnceLock::new();
    let buffer = BUFFER.get_or_init(|| {
        let buffer = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = buffer.clone();
        phancap::telemetry::init_with(phancap::telemetry::LogFormat::Json, false, move || {
            LogSink(sink.clone())
        });
        buffer
    });
    String::from_utf8_lossy(&buffer.lock().unwrap()).into_owned()
}

struct LogSink(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogSink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A write transaction held open on `db`, as a slow request would.
pub async fn begin_immediate(db: &DatabaseConnection) -> sea_orm::DatabaseTransaction {
    phancap::db::begin(db)
        .await
        .expect("a write transaction begins")
}

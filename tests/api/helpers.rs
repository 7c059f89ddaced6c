//! Test harness: `spawn_app()` for a fresh database per test, `national()`
//! for the read-only tests that share one import of the real data.

use std::sync::OnceLock;
use std::time::Duration;

use phancap::db::{self, StatementCounter};
use phancap::startup::{Application, Settings};
use phancap::units::import::{self, ImportSummary, Source, Structure};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};

/// A running server and the database behind it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// None for the shared app, whose connection lives on another runtime.
    pub db: Option<DatabaseConnection>,
    pub statements: StatementCounter,
}

/// A fresh, migrated, empty database, named for the log of a failure.
async fn fresh_database(counter: &StatementCounter) -> DatabaseConnection {
    let conn = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
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
    conn
}

async fn serve(
    conn: DatabaseConnection,
    statements: StatementCounter,
    settings: Settings,
) -> TestApp {
    let settings = Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..settings
    };
    let app = Application::build(&settings, conn.clone())
        .await
        .expect("server binds");
    let address = format!("http://{}", app.local_addr().unwrap());
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        address,
        // No pooled connections: the shared app is called from many tests'
        // runtimes, and a pooled connection dies with the runtime that made it.
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(0)
            .build()
            .unwrap(),
        db: Some(conn),
        statements,
    }
}

/// The server on a fresh, empty database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Settings::default()).await
}

/// The server with `settings` on a fresh, empty database.
pub async fn spawn_app_with(settings: Settings) -> TestApp {
    let statements = StatementCounter::default();
    let conn = fresh_database(&statements).await;
    serve(conn, statements, settings).await
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
                let conn = fresh_database(&statements).await;
                phancap::demo::load(&conn).await.expect("demo data loads");
                let mut app = serve(conn, statements, Settings::default()).await;
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

    /// Posts any JSON body to /graphql; returns status and JSON.
    pub async fn post(&self, body: Value) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&body)
            .send()
            .await
            .expect("request reaches the server");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Imports a structure from the bundled data.
    pub async fn import(&self, structure: Structure) -> ImportSummary {
        import::import(self.db(), structure, Source::Bundled)
            .await
            .expect("bundled data imports")
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

//! Several servers over one PostgreSQL database behave as one: two real
//! server processes share a fresh schema; what is done through one is
//! heard by the other's subscribers (LISTEN/NOTIFY), its rate limits are
//! the other's, and a persisted query registered on one runs on the other.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use async_graphql::futures_util::{SinkExt, StreamExt};
use entity::role_grant::Role;
use phancap::graphql::NodeKind;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::helpers::{
    TEST_SECRET, TestApp, fill_report, gid, pg_url, reporting_cycle, role_user, spawn_app,
    test_tokens,
};

/// A child process killed when the test ends, however it ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// Anonymous requests each server allows an address per minute.
const ANONYMOUS_PER_MINUTE: u32 = 6;

/// Starts the real binary on `database_url` and waits until it serves and
/// listens for the other servers' events; returns the process and its
/// `http://addr`.
async fn start_server(database_url: &str) -> (Child, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_phancap"));
    for (name, _) in std::env::vars() {
        if name.starts_with("PHANCAP_") || name == "DATABASE_URL" {
            command.env_remove(name);
        }
    }
    let files = std::env::temp_dir().join(format!("phancap-servers-{}", uuid::Uuid::now_v7()));
    let mut child = Child(
        command
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("DATABASE_URL", database_url)
            .env(
                "PHANCAP_JWT_SECRET",
                std::str::from_utf8(TEST_SECRET).unwrap(),
            )
            .env(
                "PHANCAP_ANONYMOUS_PER_MINUTE",
                ANONYMOUS_PER_MINUTE.to_string(),
            )
            .env("PHANCAP_FILES_DIR", &files)
            .env("PHANCAP_LOG_FORMAT", "json")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts"),
    );
    let (tx, rx) = std::sync::mpsc::channel::<Result<String, String>>();
    let stdout = child.0.stdout.take().unwrap();
    let stderr = child.0.stderr.take().unwrap();
    let out = tx.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("GraphiQL: ") {
                out.send(Ok(url.trim_end_matches("/graphql").to_owned()))
                    .ok();
            }
        }
    });
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let listening = line.contains("listening for other servers' events");
            tx.send(Err(if listening { String::new() } else { line }))
                .ok();
        }
    });
    let (address, said) = tokio::task::spawn_blocking(move || {
        let mut address = None;
        let mut listening = false;
        let mut said = String::new();
        let deadline = std::time::Instant::now() + Duration::from_secs(120);
        while !(listening && address.is_some()) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match rx.recv_timeout(left) {
                Ok(Ok(url)) => address = Some(url),
                Ok(Err(line)) if line.is_empty() => listening = true,
                Ok(Err(line)) => {
                    said.push_str(&line);
                    said.push('\n');
                }
                Err(_) => return (None, said),
            }
        }
        (address, said)
    })
    .await
    .unwrap();
    let Some(address) = address else {
        panic!("the server did not come up listening; it said:\n{said}");
    };
    (child, address)
}

/// A client of the server at `address` over the database of `app`.
fn client_of(app: &TestApp, address: String) -> TestApp {
    TestApp {
        address,
        client: reqwest::Client::new(),
        tokens: test_tokens(None),
        db: app.db.clone(),
        statements: Default::default(),
        metrics_address: None,
        pg_schema: None,
        stop: None,
    }
}

pub(crate) type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A websocket on `app` signed in with `token`, subscribed to `query`.
pub(crate) async fn subscribe(app: &TestApp, token: &str, query: &str) -> Socket {
    let url = format!("{}/graphql/ws", app.address.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
    socket.send(Message::text(init.to_string())).await.unwrap();
    let sub = json!({ "id": "1", "type": "subscribe", "payload": { "query": query } });
    socket.send(Message::text(sub.to_string())).await.unwrap();
    socket
}

/// The next `next` message of a subscription within `wait`, if any.
pub(crate) async fn next_event(socket: &mut Socket, wait: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                let v: Value = serde_json::from_str(&text).unwrap();
                if v["type"] == "next" {
                    return Some(v);
                }
                assert_ne!(v["type"], "error", "{v}");
            }
            Ok(Some(Ok(_))) => {}
            _ => return None,
        }
    }
}

#[tokio::test]
async fn two_servers_over_one_postgresql_share_events_limits_and_persisted_queries() {
    let Some(url) = pg_url() else {
        println!(
            "skipped: several servers need PostgreSQL (LISTEN/NOTIFY and one database they share); set TEST_DATABASE_URL"
        );
        return;
    };
    // The data, seeded in-process in a fresh schema; then two real servers
    // over that schema.
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let cycle = reporting_cycle(&app, &fixture.inside, 1).await;
    let schema = app.pg_schema.clone().unwrap();
    let separator = if url.contains('?') { '&' } else { '?' };
    let scoped = format!("{url}{separator}options=-c%20search_path%3D{schema}");
    let ((_a_process, a_address), (_b_process, b_address)) =
        tokio::join!(start_server(&scoped), start_server(&scoped));
    let a = client_of(&app, a_address);
    let b = client_of(&app, b_address);

    // Subscribers on B (each websocket is one anonymous request of B's).
    let viewer = b.token(&role_user(Role::Viewer)).await;
    let mut statuses = subscribe(
        &b,
        &viewer,
        "subscription { reportStatusChanged { status previousStatus report { id } } }",
    )
    .await;
    let reporter = b.token(&role_user(Role::Reporter)).await;
    let mut notices = subscribe(&b, &reporter, "subscription { notices { topic } }").await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    // A notice written through A (a reminder to the report's reporter) is
    // heard on B, whose dispatcher its NOTIFY wakes before the 2 s poll.
    let coordinator = a.token(&role_user(Role::Coordinator)).await;
    let body = a
        .graphql_as(
            &coordinator,
            "mutation($input: PeriodInput!) { remindMissing(input: $input) { userErrors { code } } }",
            json!({ "input": { "period": gid(NodeKind::ReportingPeriod, cycle.period) } }),
        )
        .await;
    assert_eq!(
        body["data"]["remindMissing"]["userErrors"],
        json!([]),
        "{body}"
    );
    let started = std::time::Instant::now();
    let event = next_event(&mut notices, Duration::from_secs(5))
        .await
        .expect("B's subscriber hears the notice written through A");
    assert_eq!(
        event["payload"]["data"]["notices"]["topic"], "REPORT_REMINDER",
        "{event}"
    );
    println!(
        "a notice reached the other server in {:?}",
        started.elapsed()
    );

    // A report submitted through A is heard on B.
    let version = fill_report(&a, cycle.report, 1.0).await;
    let started = std::time::Instant::now();
    let body = a
        .graphql_as(
            &reporter,
            "mutation($input: ReportTransitionInput!) { submitReport(input: $input) { report { status } userErrors { code } } }",
            json!({ "input": { "report": gid(NodeKind::Report, cycle.report), "expectedVersion": version } }),
        )
        .await;
    assert_eq!(
        body["data"]["submitReport"]["report"]["status"], "SUBMITTED",
        "{body}"
    );
    let event = next_event(&mut statuses, Duration::from_secs(5))
        .await
        .expect("B's subscriber hears the report submitted through A");
    let change = &event["payload"]["data"]["reportStatusChanged"];
    assert_eq!(change["status"], "SUBMITTED", "{event}");
    assert_eq!(change["previousStatus"], "DRAFT", "{event}");
    assert_eq!(
        change["report"]["id"],
        gid(NodeKind::Report, cycle.report),
        "{event}"
    );
    println!(
        "a report change reached the other server in {:?}",
        started.elapsed()
    );

    // A query registered through A by its hash runs on B by its hash only.
    let query = "query SharedHash { units(kind: PROVINCE, first: 1) { totalCount } }";
    let hash = {
        use sha2::Digest;
        sha2::Sha256::digest(query.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let persisted = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let (_, unknown) = b
        .post_with(Some(&viewer), json!({ "extensions": persisted }))
        .await;
    assert_eq!(
        unknown["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND",
        "{unknown}"
    );
    let (status, registered) = a
        .post_with(
            Some(&viewer),
            json!({ "query": query, "extensions": persisted }),
        )
        .await;
    assert_eq!(status, 200, "{registered}");
    assert!(registered["errors"].is_null(), "{registered}");
    let (status, by_hash) = b
        .post_with(Some(&viewer), json!({ "extensions": persisted }))
        .await;
    assert_eq!(status, 200, "{by_hash}");
    assert_eq!(by_hash["data"], registered["data"], "{by_hash}");

    // Anonymous requests through A use up the address's limit on B too.
    let mut allowed_on_a = 0;
    loop {
        let (status, body) = a.post(json!({ "query": "{ __typename }" })).await;
        if status == 429 {
            break;
        }
        assert_eq!(status, 200, "{body}");
        allowed_on_a += 1;
        assert!(allowed_on_a <= ANONYMOUS_PER_MINUTE, "A never refused");
    }
    assert!(
        allowed_on_a < ANONYMOUS_PER_MINUTE,
        "B's websockets counted against the same limit ({allowed_on_a} allowed on A)"
    );
    let (status, body) = b.post(json!({ "query": "{ __typename }" })).await;
    assert_eq!(status, 429, "B refuses the address A exhausted: {body}");
    drop(app);
}

#[tokio::test]
async fn concurrent_requests_of_one_address_never_spend_a_token_twice() {
    let app = crate::helpers::spawn_app_with(phancap::startup::Settings {
        anonymous_per_minute: 10,
        ..crate::helpers::unlimited()
    })
    .await;
    let requests = (0..30).map(|_| app.post(json!({ "query": "{ __typename }" })));
    let answers = async_graphql::futures_util::future::join_all(requests).await;
    let allowed = answers.iter().filter(|(status, _)| *status == 200).count();
    let refused = answers.iter().filter(|(status, _)| *status == 429).count();
    assert_eq!(allowed + refused, 30, "{answers:?}");
    // Ten in the bucket; an eleventh may have dripped in (one every 6 s)
    // on a slow machine, never more.
    assert!(
        (10..=11).contains(&allowed),
        "{allowed} of 30 concurrent requests were let in by a bucket of 10"
    );
}

#[tokio::test]
async fn the_shared_persisted_queries_keep_within_their_budget_oldest_out() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = crate::helpers::spawn_app_with(phancap::startup::Settings {
        persisted_query_bytes: 200,
        ..crate::helpers::unlimited()
    })
    .await;
    let register = |n: usize| {
        let query = format!(
            "query Q{n} {{ units(kind: PROVINCE, first: {n}) {{ totalCount }} }} # {}",
            "x".repeat(40)
        );
        let hash = {
            use sha2::Digest;
            sha2::Sha256::digest(query.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        let app = &app;
        async move {
            let (status, body) = app
                .post(json!({ "query": query, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } }))
                .await;
            assert_eq!(status, 200, "{body}");
            assert!(body["errors"].is_null(), "{body}");
            (hash, query.len())
        }
    };
    let mut hashes = Vec::new();
    for n in 1..=4 {
        hashes.push(register(n).await);
    }
    let db = app.db();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT hash, bytes FROM persisted_query ORDER BY created_at, hash",
        ))
        .await
        .unwrap();
    let kept: Vec<(String, i64)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get("", "hash").unwrap(),
                r.try_get("", "bytes").unwrap(),
            )
        })
        .collect();
    let total: i64 = kept.iter().map(|(_, b)| b).sum();
    assert!(total <= 200, "{kept:?}");
    let newest = &hashes[3].0;
    assert!(
        kept.iter().any(|(h, _)| h == newest),
        "the newest stays: {kept:?}"
    );
    assert!(
        !kept.iter().any(|(h, _)| *h == hashes[0].0),
        "the oldest made room: {kept:?}"
    );
    assert_eq!(kept.len(), 200 / hashes[0].1, "as many as fit: {kept:?}");
}

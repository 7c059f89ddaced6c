//! Notices: the outbox written with the change, delivered by signed
//! webhooks (retried with backoff, logged) and by e-mail through a local
//! SMTP sink, nothing sent for a change that rolled back, nothing lost
//! across a restart, the sweep writing each due-date notice once, and who
//! may register and manage webhooks and e-mail addresses.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use entity::delivery::{self, Channel, DeliveryStatus};
use entity::mandate::MandateKind;
use entity::notice;
use entity::role_grant::Role;
use hmac::{Hmac, KeyInit, Mac};
use phancap::auth::Authority;
use phancap::graphql::NodeKind;
use phancap::notices::dispatch::NoticeSettings;
use phancap::notices::smtp::SmtpSettings;
use phancap::startup::Settings;
use phancap::users::service as users;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use uuid::Uuid;

use crate::helpers::{
    Fixture, TestApp, document_of, error_code, gid, make_mandate, mandate_input, reporting_cycle,
    role_user, spawn_app_on, spawn_app_with, today, unlimited,
};

/// Settings with a quick dispatcher: polls every 50 ms, retries after
/// 200 ms then 400 ms, gives up after 3 attempts.
fn quick() -> Settings {
    Settings {
        notices: NoticeSettings {
            background: true,
            poll: Duration::from_millis(50),
            lease: Duration::from_secs(1),
            retry_base: Duration::from_millis(200),
            retry_cap: Duration::from_millis(400),
            max_attempts: 3,
            webhook_timeout: Duration::from_secs(30),
            ..NoticeSettings::default()
        },
        ..unlimited()
    }
}

/// A local webhook receiver: answers 500 to the first `fail_first`
/// requests, hangs while `hang` is set, and keeps what it acknowledged.
#[derive(Clone, Default)]
struct Receiver {
    acknowledged: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    requests: Arc<AtomicUsize>,
    fail_first: Arc<AtomicUsize>,
    hang: Arc<AtomicBool>,
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    r.requests.fetch_add(1, Ordering::SeqCst);
    if r.fail_first
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    if r.hang.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
    r.acknowledged.lock().unwrap().push((headers, body));
    StatusCode::OK
}

impl Receiver {
    /// Starts it; returns it and its URL.
    async fn start(fail_first: usize) -> (Receiver, String) {
        let receiver = Receiver::default();
        receiver.fail_first.store(fail_first, Ordering::SeqCst);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks/phancap", listener.local_addr().unwrap());
        let router = axum::Router::new()
            .route("/hooks/phancap", axum::routing::post(receive))
            .with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        (receiver, url)
    }

    fn acknowledged(&self) -> Vec<(HeaderMap, Value)> {
        self.acknowledged
            .lock()
            .unwrap()
            .iter()
            .map(|(h, b)| (h.clone(), serde_json::from_slice(b).unwrap()))
            .collect()
    }

    /// Checks every acknowledged request's signature with `secret`.
    fn verify(&self, secret: &str) {
        for (headers, body) in self.acknowledged.lock().unwrap().iter() {
            let timestamp = headers["x-phancap-timestamp"].to_str().unwrap();
            let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
            mac.update(timestamp.as_bytes());
            mac.update(b".");
            mac.update(body);
            let expected: String = mac
                .finalize()
                .into_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(
                headers["x-phancap-signature"].to_str().unwrap(),
                format!("sha256={expected}")
            );
            let age = chrono::Utc::now().timestamp() - timestamp.parse::<i64>().unwrap();
            assert!((0..60).contains(&age), "a fresh timestamp: {age}");
        }
    }
}

/// Waits up to 15 s for `done`.
async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..300 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("waited 15 s for {what}");
}

/// Waits up to 15 s for `done` to read true from the database.
async fn eventually_db<F, Fut>(what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..300 {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("waited 15 s for {what}");
}

/// The fixture with a reporting cycle of Thái Nguyên's commune and a
/// service account `he-thong.tn` reading the province.
struct World {
    app: TestApp,
    fixture: Fixture,
    period: Uuid,
    report: Uuid,
}

async fn world(settings: Settings) -> World {
    let app = spawn_app_with(settings).await;
    let fixture = app.seed().await;
    let cycle = reporting_cycle(&app, &fixture.inside, 1).await;
    let service = app
        .create_user("he-thong.tn", fixture.inside.id, None)
        .await;
    users::grant_role(
        app.db(),
        Authority::Cli,
        service,
        Role::Viewer,
        fixture.inside.id,
    )
    .await
    .unwrap();
    World {
        app,
        fixture,
        period: cycle.period,
        report: cycle.report,
    }
}

const REGISTER: &str = "mutation($input: RegisterWebhookInput!) { registerWebhook(input: $input) { webhook { id url topics active } secret userErrors { field code message } } }";

/// Registers a webhook as `username`; returns its id and secret.
async fn register(app: &TestApp, username: &str, url: &str, topics: &[&str]) -> (String, String) {
    let token = app.token(username).await;
    let body = app
        .graphql_as(
            &token,
            REGISTER,
            json!({ "input": { "url": url, "topics": topics } }),
        )
        .await;
    let payload = &body["data"]["registerWebhook"];
    assert_eq!(payload["userErrors"], json!([]), "{body}");
    (
        payload["webhook"]["id"].as_str().unwrap().to_owned(),
        payload["secret"].as_str().unwrap().to_owned(),
    )
}

async fn remind(app: &TestApp, period: Uuid) {
    let token = app.token(&role_user(Role::Coordinator)).await;
    let body = app
        .graphql_as(
            &token,
            "mutation($input: PeriodInput!) { remindMissing(input: $input) { reminded { id } userErrors { code } } }",
            json!({ "input": { "period": gid(NodeKind::ReportingPeriod, period) } }),
        )
        .await;
    assert_eq!(
        body["data"]["remindMissing"]["userErrors"],
        json!([]),
        "{body}"
    );
}

const LOG: &str = "query($id: ID!) { node(id: $id) { ... on Webhook { deliveries { totalCount nodes { id status attempts lastStatusCode lastError deliveredAt channel notice { topic subject } } } } } }";

async fn log_of(app: &TestApp, username: &str, hook: &str) -> Value {
    let token = app.token(username).await;
    let body = app.graphql_as(&token, LOG, json!({ "id": hook })).await;
    body["data"]["node"]["deliveries"].clone()
}

async fn notices(app: &TestApp) -> u64 {
    notice::Entity::find().count(app.db()).await.unwrap()
}

#[tokio::test]
async fn a_reminder_reaches_the_webhook_signed_and_the_reporters_notices() {
    let w = world(quick()).await;
    let (receiver, url) = Receiver::start(0).await;
    let (hook, secret) = register(&w.app, "he-thong.tn", &url, &["REPORT_REMINDER"]).await;
    assert_eq!(secret.len(), 64, "a 256-bit secret in hex");
    remind(&w.app, w.period).await;
    eventually("the webhook delivery", || {
        receiver.acknowledged().len() == 1
    })
    .await;
    receiver.verify(&secret);
    let (headers, body) = receiver.acknowledged().remove(0);
    assert_eq!(body["topic"], "REPORT_REMINDER");
    assert_eq!(body["entity"]["type"], "Report");
    assert_eq!(
        body["entity"]["id"],
        gid(NodeKind::Report, w.report),
        "ids as the API gives them"
    );
    assert_eq!(body["data"]["report"], gid(NodeKind::Report, w.report));
    assert!(
        body["subject"]
            .as_str()
            .unwrap()
            .starts_with("Nhắc nộp báo cáo"),
        "{body}"
    );
    assert_eq!(
        headers["x-phancap-delivery"],
        body["delivery"].as_str().unwrap()
    );
    assert_eq!(headers["x-phancap-topic"], "REPORT_REMINDER");
    // The log shows one attempt, delivered with 200.
    eventually_db("the log to say DELIVERED", || async {
        log_of(&w.app, "he-thong.tn", &hook).await["nodes"][0]["status"] == "DELIVERED"
    })
    .await;
    let log = log_of(&w.app, "he-thong.tn", &hook).await;
    assert_eq!(log["totalCount"], 1, "{log}");
    assert_eq!(log["nodes"][0]["attempts"], 1);
    assert_eq!(log["nodes"][0]["lastStatusCode"], 200);
    assert_eq!(log["nodes"][0]["channel"], "WEBHOOK");
    assert_eq!(log["nodes"][0]["notice"]["topic"], "REPORT_REMINDER");
    // The reporters of the commune see it; the province's viewer of
    // another province does not.
    let mine = "{ myNotices { totalCount nodes { topic subject body entityId unit { code } } } }";
    let reporter = w.app.token(&role_user(Role::Reporter)).await;
    let body = w.app.graphql_as(&reporter, mine, json!({})).await;
    assert_eq!(body["data"]["myNotices"]["totalCount"], 1, "{body}");
    let n = &body["data"]["myNotices"]["nodes"][0];
    assert_eq!(n["topic"], "REPORT_REMINDER");
    assert_eq!(n["entityId"], gid(NodeKind::Report, w.report));
    assert!(n["body"].as_str().unwrap().contains("Hạn nộp"), "{n}");
    let stranger = w.app.viewer_over("xem.cb", w.fixture.outside.id).await;
    let body = w.app.graphql_as(&stranger, mine, json!({})).await;
    assert_eq!(body["data"]["myNotices"]["totalCount"], 0, "{body}");
    // Nor do the province's REVIEWERs: reminders go to REPORTERs.
    let reviewer = w.app.token(&role_user(Role::Reviewer)).await;
    let body = w.app.graphql_as(&reviewer, mine, json!({})).await;
    assert_eq!(body["data"]["myNotices"]["totalCount"], 0, "{body}");
}

#[tokio::test]
async fn a_webhook_of_another_topic_or_outside_its_owners_scope_hears_nothing() {
    let w = world(quick()).await;
    let (other_topic, url_a) = Receiver::start(0).await;
    register(&w.app, "he-thong.tn", &url_a, &["TASK_DUE"]).await;
    let outsider = w
        .app
        .create_user("he-thong.cb", w.fixture.outside.id, None)
        .await;
    users::grant_role(
        w.app.db(),
        Authority::Cli,
        outsider,
        Role::Viewer,
        w.fixture.outside.id,
    )
    .await
    .unwrap();
    let (out_of_scope, url_b) = Receiver::start(0).await;
    register(&w.app, "he-thong.cb", &url_b, &["REPORT_REMINDER"]).await;
    remind(&w.app, w.period).await;
    assert_eq!(notices(&w.app).await, 1);
    assert_eq!(
        delivery::Entity::find().count(w.app.db()).await.unwrap(),
        0,
        "no webhook matches the reminder"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(other_topic.requests.load(Ordering::SeqCst), 0);
    assert_eq!(out_of_scope.requests.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_receiver_that_fails_first_gets_the_notice_again_after_backoff() {
    let w = world(quick()).await;
    let (receiver, url) = Receiver::start(2).await;
    let (hook, secret) = register(&w.app, "he-thong.tn", &url, &["REPORT_REMINDER"]).await;
    remind(&w.app, w.period).await;
    eventually("the third attempt", || receiver.acknowledged().len() == 1).await;
    receiver.verify(&secret);
    assert_eq!(
        receiver.requests.load(Ordering::SeqCst),
        3,
        "two failures, then success"
    );
    eventually_db("the log to say DELIVERED", || async {
        log_of(&w.app, "he-thong.tn", &hook).await["nodes"][0]["status"] == "DELIVERED"
    })
    .await;
    let log = log_of(&w.app, "he-thong.tn", &hook).await;
    assert_eq!(log["nodes"][0]["attempts"], 3, "{log}");
    assert_eq!(log["nodes"][0]["lastStatusCode"], 200);
    assert_eq!(log["nodes"][0]["lastError"], Value::Null);
}

#[tokio::test]
async fn a_delivery_that_always_fails_is_given_up_and_can_be_redelivered() {
    let w = world(quick()).await;
    let (receiver, url) = Receiver::start(usize::MAX).await;
    let (hook, _) = register(&w.app, "he-thong.tn", &url, &["REPORT_REMINDER"]).await;
    remind(&w.app, w.period).await;
    eventually_db("GAVE_UP", || async {
        log_of(&w.app, "he-thong.tn", &hook).await["nodes"][0]["status"] == "GAVE_UP"
    })
    .await;
    let log = log_of(&w.app, "he-thong.tn", &hook).await;
    assert_eq!(log["nodes"][0]["attempts"], 3, "max attempts: {log}");
    assert_eq!(log["nodes"][0]["lastStatusCode"], 500);
    assert!(
        log["nodes"][0]["lastError"]
            .as_str()
            .unwrap()
            .contains("500"),
        "{log}"
    );
    assert_eq!(receiver.requests.load(Ordering::SeqCst), 3);
    // The receiver is repaired; redelivering sends it once more.
    receiver.fail_first.store(0, Ordering::SeqCst);
    let token = w.app.token("he-thong.tn").await;
    let redeliver = "mutation($input: RedeliverInput!) { redeliver(input: $input) { delivery { status attempts } userErrors { code } } }";
    let id = log["nodes"][0]["id"].clone();
    let body = w
        .app
        .graphql_as(&token, redeliver, json!({ "input": { "delivery": id } }))
        .await;
    assert_eq!(
        body["data"]["redeliver"]["delivery"]["status"], "PENDING",
        "{body}"
    );
    eventually("the redelivery", || receiver.acknowledged().len() == 1).await;
    eventually_db("DELIVERED", || async {
        log_of(&w.app, "he-thong.tn", &hook).await["nodes"][0]["status"] == "DELIVERED"
    })
    .await;
    // Another account may not redeliver it.
    let stranger = w.app.viewer_over("xem.cb", w.fixture.outside.id).await;
    let body = w
        .app
        .graphql_as(&stranger, redeliver, json!({ "input": { "delivery": id } }))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
}

/// A local SMTP sink: speaks just enough SMTP and keeps each conversation.
#[derive(Clone, Default)]
struct Sink {
    conversations: Arc<Mutex<Vec<String>>>,
}

impl Sink {
    async fn start() -> (Sink, u16) {
        let sink = Sink::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let keep = sink.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let keep = keep.clone();
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut read = BufReader::new(read);
                    let mut log = String::new();
                    write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                    let mut in_data = false;
                    loop {
                        let mut line = String::new();
                        if read.read_line(&mut line).await.unwrap_or(0) == 0 {
                            break;
                        }
                        log.push_str(&line);
                        if in_data {
                            if line == ".\r\n" {
                                in_data = false;
                                write.write_all(b"250 queued\r\n").await.unwrap();
                            }
                            continue;
                        }
                        let reply: &[u8] =
                            match line.get(..4).unwrap_or("").to_ascii_uppercase().as_str() {
                                "EHLO" => b"250-sink\r\n250 AUTH PLAIN\r\n",
                                "AUTH" => b"235 ok\r\n",
                                "MAIL" | "RCPT" => b"250 ok\r\n",
                                "DATA" => {
                                    in_data = true;
                                    b"354 go on\r\n"
                                }
                                "QUIT" => {
                                    write.write_all(b"221 bye\r\n").await.unwrap();
                                    break;
                                }
                                _ => b"500 what\r\n",
                            };
                        write.write_all(reply).await.unwrap();
                    }
                    keep.conversations.lock().unwrap().push(log);
                });
            }
        });
        (sink, port)
    }

    fn conversations(&self) -> Vec<String> {
        self.conversations.lock().unwrap().clone()
    }
}

/// Decodes the RFC 2047 words of a Subject header.
fn subject_of(message: &str) -> String {
    let start = message.find("Subject: ").unwrap() + "Subject: ".len();
    let mut header = String::new();
    for (i, line) in message[start..].split("\r\n").enumerate() {
        if i > 0 && !line.starts_with(' ') {
            break;
        }
        header.push_str(line.trim());
        header.push(' ');
    }
    header
        .split_whitespace()
        .map(|w| {
            let inner = w
                .strip_prefix("=?UTF-8?B?")
                .unwrap()
                .strip_suffix("?=")
                .unwrap();
            String::from_utf8(B64.decode(inner).unwrap()).unwrap()
        })
        .collect()
}

#[tokio::test]
async fn an_email_reaches_the_smtp_sink_with_its_vietnamese_subject() {
    let (sink, port) = Sink::start().await;
    let mut settings = quick();
    settings.notices.smtp = Some(
        SmtpSettings::parse(
            &format!("smtp://van-thu:mat%40khau@127.0.0.1:{port}"),
            "no-reply@thainguyen.gov.vn",
        )
        .unwrap(),
    );
    let w = world(settings).await;
    let reporter = w.app.token(&role_user(Role::Reporter)).await;
    let set = "mutation($input: SetEmailInput!) { setEmail(input: $input) { user { email } userErrors { code } } }";
    let body = w
        .app
        .graphql_as(
            &reporter,
            set,
            json!({ "input": { "email": "bao-cao@xa.thainguyen.gov.vn" } }),
        )
        .await;
    assert_eq!(
        body["data"]["setEmail"]["user"]["email"], "bao-cao@xa.thainguyen.gov.vn",
        "{body}"
    );
    remind(&w.app, w.period).await;
    eventually("the e-mail", || !sink.conversations().is_empty()).await;
    let talk = sink.conversations().remove(0);
    assert!(
        talk.contains("MAIL FROM:<no-reply@thainguyen.gov.vn>"),
        "{talk}"
    );
    assert!(
        talk.contains("RCPT TO:<bao-cao@xa.thainguyen.gov.vn>"),
        "{talk}"
    );
    let auth = talk.lines().find(|l| l.starts_with("AUTH PLAIN ")).unwrap();
    let plain = B64.decode(auth.trim_start_matches("AUTH PLAIN ")).unwrap();
    assert_eq!(plain, b"\0van-thu\0mat@khau");
    let subject = subject_of(&talk);
    assert!(
        subject.starts_with("Nhắc nộp báo cáo: Báo cáo quý phân cấp kỳ "),
        "{subject}"
    );
    let encoded: String = talk
        .split("\r\n\r\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| *l != ".")
        .collect();
    let text = String::from_utf8(B64.decode(encoded).unwrap()).unwrap();
    assert!(text.contains("Hạn nộp: ngày"), "{text}");
    eventually_db("the e-mail delivery logged", || async {
        delivery::Entity::find()
            .filter(delivery::Column::Channel.eq(Channel::Email))
            .filter(delivery::Column::Status.eq(DeliveryStatus::Delivered))
            .count(w.app.db())
            .await
            .unwrap()
            == 1
    })
    .await;
}

#[tokio::test]
async fn a_change_that_rolls_back_writes_and_sends_nothing() {
    let w = world(quick()).await;
    let (receiver, url) = Receiver::start(0).await;
    register(
        &w.app,
        "he-thong.tn",
        &url,
        &["REPORT_REMINDER", "TASK_DUE"],
    )
    .await;
    // A refused reminder (Cao Bằng's coordinator has no grant here).
    let outside_coordinator = w
        .app
        .create_user(
            "dieu-phoi.cb",
            w.fixture.outside.id,
            Some("role-password-1"),
        )
        .await;
    users::grant_role(
        w.app.db(),
        Authority::Cli,
        outside_coordinator,
        Role::Coordinator,
        w.fixture.outside.id,
    )
    .await
    .unwrap();
    let token = w.app.token("dieu-phoi.cb").await;
    let before = w.app.fingerprint().await;
    let body = w
        .app
        .graphql_as(
            &token,
            "mutation($input: PeriodInput!) { remindMissing(input: $input) { reminded { id } } }",
            json!({ "input": { "period": gid(NodeKind::ReportingPeriod, w.period) } }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    assert_eq!(w.app.fingerprint().await, before);
    // A notice written in a transaction that then rolls back.
    let province = phancap::units::service::existing(w.app.db(), w.fixture.inside.id)
        .await
        .unwrap();
    let txn = phancap::db::begin(w.app.db()).await.unwrap();
    let n = phancap::notices::Notice::new(
        phancap::notices::Topic::TaskDue,
        "Report",
        w.report,
        &province,
    )
    .for_role(Role::Reporter)
    .text("Nhiệm vụ sắp đến hạn", "…");
    phancap::notices::notify(&txn, n).await.unwrap();
    assert_eq!(
        delivery::Entity::find().count(&txn).await.unwrap(),
        1,
        "the webhook's delivery is written in the transaction"
    );
    txn.rollback().await.unwrap();
    assert_eq!(notices(&w.app).await, 0);
    assert_eq!(delivery::Entity::find().count(w.app.db()).await.unwrap(), 0);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        receiver.requests.load(Ordering::SeqCst),
        0,
        "nothing was sent"
    );
}

#[tokio::test]
async fn deliveries_survive_a_crash_mid_send_and_a_stop_and_arrive_once_after_restart() {
    let w = world(quick()).await;
    let World {
        mut app, period, ..
    } = w;
    let (receiver, url) = Receiver::start(0).await;
    let (hook, secret) = register(&app, "he-thong.tn", &url, &["REPORT_REMINDER"]).await;
    // The receiver hangs: the first delivery is in flight when the server dies.
    receiver.hang.store(true, Ordering::SeqCst);
    remind(&app, period).await;
    eventually("the first attempt in flight", || {
        receiver.requests.load(Ordering::SeqCst) == 1
    })
    .await;
    app.stop().await;
    // Written while no server runs (from the command line).
    phancap::reporting::reports::remind_missing(app.db(), Authority::Cli, period)
        .await
        .unwrap();
    assert_eq!(notices(&app).await, 2);
    receiver.hang.store(false, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        receiver.acknowledged().is_empty(),
        "nothing is sent while stopped"
    );
    // A new server on the same database, once the dead one's lease lapsed.
    let db = app.db().clone();
    let schema = app.pg_schema.take();
    let app = spawn_app_on(db, schema, quick()).await;
    eventually("both deliveries", || receiver.acknowledged().len() == 2).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got = receiver.acknowledged();
    assert_eq!(got.len(), 2, "each delivered once");
    let mut ids: Vec<&str> = got
        .iter()
        .map(|(h, _)| h["x-phancap-delivery"].to_str().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 2, "two distinct deliveries");
    receiver.verify(&secret);
    let log = log_of(&app, "he-thong.tn", &hook).await;
    assert_eq!(log["totalCount"], 2, "{log}");
    for d in log["nodes"].as_array().unwrap() {
        assert_eq!(d["status"], "DELIVERED", "{log}");
    }
}

/// Issues an authorization of Thái Nguyên to its Sở Nội vụ ending on `end`.
async fn authorization_ending(app: &TestApp, fixture: &Fixture, end: chrono::NaiveDate) -> Uuid {
    let province = &fixture.inside;
    let basis = document_of(app, "81/2025/QĐ-UBND", true, province.id, "2025-01-01").await;
    let mut input = mandate_input("UQ-1", "X1", province.id, vec![province.department], basis);
    input.kind = MandateKind::Authorization;
    input.delegatee_capacity = entity::mandate::DelegatorCapacity::Head;
    input.conditions = Some("Báo cáo hằng quý".into());
    input.effective_to = Some(end);
    make_mandate(app, input, true).await.id
}

#[tokio::test]
async fn the_sweep_tells_of_an_expiring_authorization_once_per_stage() {
    use phancap::notices::sweep;
    let app = spawn_app_with(unlimited()).await;
    let fixture = app.seed().await;
    let end = today() + chrono::Days::new(30);
    let mandate = authorization_ending(&app, &fixture, end).await;
    let db = app.db();
    // Far ahead: nothing yet.
    assert_eq!(sweep(db, today(), 3).await.unwrap(), 0);
    // The day before: to the delegator's and the delegatee's APPROVERs.
    let before = end - chrono::Days::new(1);
    assert_eq!(sweep(db, before, 3).await.unwrap(), 2);
    assert_eq!(
        sweep(db, before, 3).await.unwrap(),
        0,
        "a second run writes nothing"
    );
    // On the day and after: once each.
    assert_eq!(sweep(db, end, 3).await.unwrap(), 2);
    assert_eq!(sweep(db, end + chrono::Days::new(1), 3).await.unwrap(), 2);
    assert_eq!(sweep(db, end + chrono::Days::new(2), 3).await.unwrap(), 0);
    let keys: Vec<String> = notice::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.dedupe_key.unwrap())
        .collect();
    assert_eq!(keys.len(), 6);
    for stage in ["BEFORE", "ON_THE_DAY", "AFTER"] {
        assert!(
            keys.contains(&format!("authorization-expiring:{mandate}:{stage}:{end}")),
            "{keys:?}"
        );
    }
    // The province's APPROVER sees them; its REPORTER does not.
    let approver = app.token(&role_user(Role::Approver)).await;
    let mine =
        "{ myNotices(topic: AUTHORIZATION_EXPIRING) { totalCount nodes { subject entityId } } }";
    let body = app.graphql_as(&approver, mine, json!({})).await;
    assert_eq!(body["data"]["myNotices"]["totalCount"], 6, "{body}");
    assert_eq!(
        body["data"]["myNotices"]["nodes"][0]["entityId"],
        gid(NodeKind::Mandate, mandate)
    );
    let reporter = app.token(&role_user(Role::Reporter)).await;
    let body = app.graphql_as(&reporter, mine, json!({})).await;
    assert_eq!(body["data"]["myNotices"]["totalCount"], 0, "{body}");
}

#[tokio::test]
async fn two_sweeps_racing_write_each_notice_once() {
    use phancap::notices::sweep;
    let app = spawn_app_with(unlimited()).await;
    let fixture = app.seed().await;
    let end = today() + chrono::Days::new(30);
    authorization_ending(&app, &fixture, end).await;
    let db = app.db();
    let day = end - chrono::Days::new(1);
    let runs = futures_util::future::join_all((0..4).map(|_| sweep(db, day, 3))).await;
    let written: usize = runs.into_iter().map(|r| r.unwrap()).sum();
    assert_eq!(written, 2, "the racing sweeps wrote the two notices once");
    assert_eq!(notices(&app).await, 2);
}

#[tokio::test]
async fn notify_once_writes_a_key_once() {
    let app = spawn_app_with(unlimited()).await;
    let fixture = app.seed().await;
    let province = phancap::units::service::existing(app.db(), fixture.inside.id)
        .await
        .unwrap();
    for expected in [true, false] {
        let txn = phancap::db::begin(app.db()).await.unwrap();
        let n = phancap::notices::Notice::new(
            phancap::notices::Topic::TaskOverdue,
            "Unit",
            province.id,
            &province,
        );
        let written = phancap::notices::notify_once(&txn, n, "task-overdue:x:AFTER:2026-12-01")
            .await
            .unwrap();
        txn.commit().await.unwrap();
        assert_eq!(written, expected);
    }
    assert_eq!(notices(&app).await, 1);
}

#[tokio::test]
async fn only_service_accounts_and_admins_register_webhooks() {
    let w = world(Settings { ..unlimited() }).await;
    let app = &w.app;
    let input =
        json!({ "input": { "url": "http://127.0.0.1:9/hook", "topics": ["REPORT_RETURNED"] } });
    let before = app.fingerprint().await;
    for role in [
        Role::Reporter,
        Role::Viewer,
        Role::Coordinator,
        Role::Approver,
    ] {
        let token = app.token(&role_user(role)).await;
        let body = app.graphql_as(&token, REGISTER, input.clone()).await;
        assert_eq!(error_code(&body), "FORBIDDEN", "{role:?}: {body}");
    }
    let body = app.graphql(REGISTER, input.clone()).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED", "{body}");
    assert_eq!(app.fingerprint().await, before);
    let events = app.audit_len().await;
    register(
        app,
        "he-thong.tn",
        "http://127.0.0.1:9/hook",
        &["REPORT_RETURNED"],
    )
    .await;
    register(
        app,
        &role_user(Role::Admin),
        "http://127.0.0.1:9/admin",
        &["TASK_DUE"],
    )
    .await;
    assert_eq!(app.audit_len().await, events + 2, "one audit event each");
    // Each sees their own; the ADMIN also those of accounts in scope.
    let list = "{ webhooks { url active } }";
    let token = app.token("he-thong.tn").await;
    let body = app.graphql_as(&token, list, json!({})).await;
    assert_eq!(
        body["data"]["webhooks"],
        json!([{ "url": "http://127.0.0.1:9/hook", "active": true }])
    );
    let token = app.token(&role_user(Role::Admin)).await;
    let body = app.graphql_as(&token, list, json!({})).await;
    assert_eq!(
        body["data"]["webhooks"].as_array().unwrap().len(),
        2,
        "{body}"
    );
    // The secret never shows again, nor in the audit trail.
    let audit = entity::audit_event::Entity::find()
        .all(app.db())
        .await
        .unwrap();
    let hooks = entity::webhook::Entity::find().all(app.db()).await.unwrap();
    for event in audit {
        let text = format!("{:?}", event.after);
        for h in &hooks {
            assert!(!text.contains(&h.secret), "a secret in the audit trail");
        }
    }
}

#[tokio::test]
async fn bad_webhooks_are_refused_with_their_codes_and_change_nothing() {
    let w = world(unlimited()).await;
    let app = &w.app;
    let token = app.token("he-thong.tn").await;
    let before = app.fingerprint().await;
    let hooks_before = entity::webhook::Entity::find()
        .count(app.db())
        .await
        .unwrap();
    for (url, topics, code) in [
        (
            "https://receiver.example.vn/hook",
            json!(["TASK_DUE"]),
            "INVALID_WEBHOOK_URL",
        ),
        (
            "ftp://receiver.example.vn/hook",
            json!(["TASK_DUE"]),
            "INVALID_WEBHOOK_URL",
        ),
        (
            "http://user:pw@receiver.example.vn/hook",
            json!(["TASK_DUE"]),
            "INVALID_WEBHOOK_URL",
        ),
        ("http:///hook", json!(["TASK_DUE"]), "INVALID_WEBHOOK_URL"),
        (
            "http://169.254.169.254/latest/meta-data/",
            json!(["TASK_DUE"]),
            "INVALID_WEBHOOK_URL",
        ),
        (
            "http://[fe80::1]:8080/hook",
            json!(["TASK_DUE"]),
            "INVALID_WEBHOOK_URL",
        ),
        (
            "http://[::ffff:0.0.0.0]/",
            json!(["TASK_DUE"]),
            "INVALID_WEBHOOK_URL",
        ),
        (
            "http://[::169.254.169.254]/",
            json!(["TASK_DUE"]),
            "INVALID_WEBHOOK_URL",
        ),
        (
            "http://[64:ff9b::a9fe:a9fe]/",
            json!(["TASK_DUE"]),
            "INVALID_WEBHOOK_URL",
        ),
        (
            "http://[2002:a9fe:a9fe::]/",
            json!(["TASK_DUE"]),
            "INVALID_WEBHOOK_URL",
        ),
        (
            "http://0.0.0.0:9/hook",
            json!(["TASK_DUE"]),
            "INVALID_WEBHOOK_URL",
        ),
        (
            "http://receiver.example.vn:0/hook",
            json!(["TASK_DUE"]),
            "INVALID_WEBHOOK_URL",
        ),
        (
            "http://receiver.example.vn/hook#part",
            json!(["TASK_DUE"]),
            "INVALID_WEBHOOK_URL",
        ),
        (
            "http://receiver.example.vn/a b",
            json!(["TASK_DUE"]),
            "INVALID_WEBHOOK_URL",
        ),
        (
            "http://receiver.example.vn/\u{0}",
            json!(["TASK_DUE"]),
            "INVALID_WEBHOOK_URL",
        ),
        ("http://receiver.example.vn/hook", json!([]), "NO_TOPICS"),
    ] {
        let body = app
            .graphql_as(
                &token,
                REGISTER,
                json!({ "input": { "url": url, "topics": topics } }),
            )
            .await;
        let errors = &body["data"]["registerWebhook"]["userErrors"];
        assert_eq!(errors[0]["code"], code, "{url}: {body}");
        assert_eq!(body["data"]["registerWebhook"]["secret"], Value::Null);
    }
    let long = format!("http://receiver.example.vn/{}", "a".repeat(2000));
    let body = app
        .graphql_as(
            &token,
            REGISTER,
            json!({ "input": { "url": long, "topics": ["TASK_DUE"] } }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    let body = app
        .graphql_as(
            &token,
            REGISTER,
            json!({ "input": { "url": "http://x.vn/", "topics": ["NOT_A_TOPIC"] } }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(app.fingerprint().await, before);
    assert_eq!(
        entity::webhook::Entity::find()
            .count(app.db())
            .await
            .unwrap(),
        hooks_before
    );
}

#[tokio::test]
async fn a_webhook_is_managed_by_its_owner_or_an_admin_in_scope_only() {
    // No dispatcher: deliveries stay as written.
    let w = world(unlimited()).await;
    let app = &w.app;
    let (hook, _) = register(
        app,
        "he-thong.tn",
        "http://127.0.0.1:9/hook",
        &["REPORT_REMINDER"],
    )
    .await;
    remind(app, w.period).await;
    let delivery = delivery::Entity::find()
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let delivery_id = gid(NodeKind::WebhookDelivery, delivery.id);
    let redeliver = "mutation($input: RedeliverInput!) { redeliver(input: $input) { delivery { status } userErrors { code } } }";
    let deactivate = "mutation($input: DeactivateWebhookInput!) { deactivateWebhook(input: $input) { webhook { active deactivatedAt } userErrors { code } } }";
    let owner = app.token("he-thong.tn").await;
    // Still PENDING: DELIVERY_PENDING.
    let body = app
        .graphql_as(
            &owner,
            redeliver,
            json!({ "input": { "delivery": delivery_id } }),
        )
        .await;
    assert_eq!(
        body["data"]["redeliver"]["userErrors"][0]["code"], "DELIVERY_PENDING",
        "{body}"
    );
    // Others: FORBIDDEN, on reads and writes, and nothing changes.
    let other_service = app
        .create_user("he-thong-2.tn", w.fixture.inside.id, None)
        .await;
    users::grant_role(
        app.db(),
        Authority::Cli,
        other_service,
        Role::Viewer,
        w.fixture.inside.id,
    )
    .await
    .unwrap();
    let outside_admin = app
        .create_user("quan-tri.cb", w.fixture.outside.id, Some("role-password-1"))
        .await;
    users::grant_role(
        app.db(),
        Authority::Cli,
        outside_admin,
        Role::Admin,
        w.fixture.outside.id,
    )
    .await
    .unwrap();
    let before = app.fingerprint().await;
    for who in [
        "he-thong-2.tn",
        "quan-tri.cb",
        &role_user(Role::Coordinator),
    ] {
        let token = app.token(who).await;
        let body = app
            .graphql_as(&token, deactivate, json!({ "input": { "webhook": hook } }))
            .await;
        assert_eq!(error_code(&body), "FORBIDDEN", "{who}: {body}");
        let body = app.graphql_as(&token, LOG, json!({ "id": hook })).await;
        assert_eq!(error_code(&body), "FORBIDDEN", "{who}: {body}");
        let body = app
            .graphql_as(
                &token,
                redeliver,
                json!({ "input": { "delivery": delivery_id } }),
            )
            .await;
        assert_eq!(error_code(&body), "FORBIDDEN", "{who}: {body}");
    }
    assert_eq!(app.fingerprint().await, before);
    // The ADMIN over the account's home unit deactivates it; twice is refused.
    let admin = app.token(&role_user(Role::Admin)).await;
    let body = app
        .graphql_as(&admin, deactivate, json!({ "input": { "webhook": hook } }))
        .await;
    assert_eq!(
        body["data"]["deactivateWebhook"]["webhook"]["active"], false,
        "{body}"
    );
    let body = app
        .graphql_as(&owner, deactivate, json!({ "input": { "webhook": hook } }))
        .await;
    assert_eq!(
        body["data"]["deactivateWebhook"]["userErrors"][0]["code"], "ALREADY_INACTIVE",
        "{body}"
    );
    // A given-up delivery of a deactivated webhook: WEBHOOK_INACTIVE.
    let mut given_up: delivery::ActiveModel = delivery.into();
    given_up.status = sea_orm::Set(DeliveryStatus::GaveUp);
    sea_orm::ActiveModelTrait::update(given_up, app.db())
        .await
        .unwrap();
    let body = app
        .graphql_as(
            &owner,
            redeliver,
            json!({ "input": { "delivery": delivery_id } }),
        )
        .await;
    assert_eq!(
        body["data"]["redeliver"]["userErrors"][0]["code"], "WEBHOOK_INACTIVE",
        "{body}"
    );
    // A deactivated webhook is written no more deliveries.
    remind(app, w.period).await;
    assert_eq!(delivery::Entity::find().count(app.db()).await.unwrap(), 1);
}

#[tokio::test]
async fn users_set_their_own_email_and_admins_in_scope_set_others() {
    let w = world(unlimited()).await;
    let app = &w.app;
    let set = "mutation($input: SetEmailInput!) { setEmail(input: $input) { user { username email } userErrors { field code } } }";
    let reporter = app.token(&role_user(Role::Reporter)).await;
    let reporter_id = users::by_username(app.db(), &role_user(Role::Reporter))
        .await
        .unwrap()
        .unwrap()
        .id;
    let before = app.fingerprint().await;
    for bad in ["not-an-address", "a@b", "hai @xa.vn", "<x>@xa.vn"] {
        let body = app
            .graphql_as(&reporter, set, json!({ "input": { "email": bad } }))
            .await;
        assert_eq!(
            body["data"]["setEmail"]["userErrors"][0]["code"], "INVALID_EMAIL",
            "{bad}: {body}"
        );
    }
    let body = app
        .graphql_as(
            &reporter,
            set,
            json!({ "input": { "email": "a\u{0}@xa.vn" } }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    // Another user's address: FORBIDDEN but for an ADMIN over their home.
    let viewer = app.token(&role_user(Role::Viewer)).await;
    let input =
        json!({ "input": { "user": gid(NodeKind::User, reporter_id), "email": "x@xa.vn" } });
    let body = app.graphql_as(&viewer, set, input.clone()).await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    assert_eq!(app.fingerprint().await, before);
    let admin = app.token(&role_user(Role::Admin)).await;
    let body = app.graphql_as(&admin, set, input).await;
    assert_eq!(
        body["data"]["setEmail"]["user"]["email"], "x@xa.vn",
        "{body}"
    );
    let body = app
        .graphql_as(
            &reporter,
            set,
            json!({ "input": { "email": "bao-cao@xa.thainguyen.gov.vn" } }),
        )
        .await;
    assert_eq!(
        body["data"]["setEmail"]["user"]["email"], "bao-cao@xa.thainguyen.gov.vn",
        "{body}"
    );
    // Shown to the user and the ADMIN, not to other readers.
    let read = "query($id: ID!) { node(id: $id) { ... on User { email } } }";
    let vars = json!({ "id": gid(NodeKind::User, reporter_id) });
    let body = app.graphql_as(&viewer, read, vars.clone()).await;
    assert_eq!(body["data"]["node"]["email"], Value::Null, "{body}");
    let body = app.graphql_as(&admin, read, vars).await;
    assert_eq!(
        body["data"]["node"]["email"], "bao-cao@xa.thainguyen.gov.vn",
        "{body}"
    );
    // Blank clears it.
    let body = app
        .graphql_as(&reporter, set, json!({ "input": { "email": "" } }))
        .await;
    assert_eq!(
        body["data"]["setEmail"]["user"]["email"],
        Value::Null,
        "{body}"
    );
}

#[tokio::test]
async fn returning_a_report_tells_its_reporters_why() {
    let w = world(unlimited()).await;
    let app = &w.app;
    crate::helpers::submit_report(app, w.report, 1.0).await;
    let version = phancap::reporting::reports::existing(app.db(), w.report)
        .await
        .unwrap()
        .version;
    let reviewer = app.token(&role_user(Role::Reviewer)).await;
    let body = app
        .graphql_as(
            &reviewer,
            "mutation($input: ReturnReportInput!) { returnReport(input: $input) { report { status } userErrors { code } } }",
            json!({ "input": { "report": gid(NodeKind::Report, w.report), "expectedVersion": version, "reason": "Thiếu số liệu hồ sơ" } }),
        )
        .await;
    assert_eq!(
        body["data"]["returnReport"]["report"]["status"], "RETURNED",
        "{body}"
    );
    let reporter = app.token(&role_user(Role::Reporter)).await;
    let body = app
        .graphql_as(
            &reporter,
            "{ myNotices(topic: REPORT_RETURNED) { nodes { subject body data } } }",
            json!({}),
        )
        .await;
    let n = &body["data"]["myNotices"]["nodes"][0];
    assert!(
        n["body"].as_str().unwrap().contains("Thiếu số liệu hồ sơ"),
        "{body}"
    );
    assert_eq!(n["data"]["reason"], "Thiếu số liệu hồ sơ");
    let _ = w.fixture;
}

#[test]
fn the_backoff_doubles_up_to_its_cap() {
    let s = NoticeSettings {
        retry_base: Duration::from_secs(30),
        retry_cap: Duration::from_secs(300),
        ..NoticeSettings::default()
    };
    let waits: Vec<u64> = (1..=6).map(|n| s.backoff(n).as_secs()).collect();
    assert_eq!(waits, [30, 60, 120, 240, 300, 300]);
}

#[tokio::test]
async fn an_asked_body_is_told_and_told_again_when_its_opinion_is_overdue() {
    use entity::proposal::ProposalStatus;
    use phancap::notices::sweep;
    let app = spawn_app_with(unlimited()).await;
    let fixture = app.seed().await;
    let (proposal, _) =
        crate::authz::proposal_at(&app, &fixture.inside, 1, ProposalStatus::Drafting).await;
    let body = app
        .body(
            fixture.inside.id,
            "19-BQL",
            "2025-07-01".parse().unwrap(),
            None,
        )
        .await;
    let (_, asked) = phancap::proposals::consult::request_opinions(
        app.db(),
        Authority::Cli,
        proposal,
        &[body],
        3,
    )
    .await
    .unwrap();
    let written = notice::Entity::find().all(app.db()).await.unwrap();
    assert_eq!(written.len(), 1);
    assert_eq!(written[0].topic, phancap::notices::Topic::OpinionRequested);
    assert_eq!(written[0].recipient_unit_id, Some(body));
    assert_eq!(written[0].recipient_role, Some(Role::Approver));
    // Not yet due: the sweep says nothing; the day after: once.
    let due = asked[0].due_on;
    assert_eq!(sweep(app.db(), due, 3).await.unwrap(), 0);
    assert_eq!(
        sweep(app.db(), due + chrono::Days::new(1), 3)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        sweep(app.db(), due + chrono::Days::new(2), 3)
            .await
            .unwrap(),
        0
    );
    let approver = app.token(&role_user(Role::Approver)).await;
    let body = app
        .graphql_as(
            &approver,
            "{ myNotices { nodes { topic entityId } } }",
            json!({}),
        )
        .await;
    let topics: Vec<&str> = body["data"]["myNotices"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["topic"].as_str().unwrap())
        .collect();
    assert_eq!(
        topics,
        ["OPINION_OVERDUE", "OPINION_REQUESTED"],
        "newest first: {body}"
    );
    assert_eq!(
        body["data"]["myNotices"]["nodes"][0]["entityId"],
        gid(NodeKind::OpinionRequest, asked[0].id)
    );
}

#[tokio::test]
async fn subscribers_hear_the_notices_that_reach_them() {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let w = world(quick()).await;
    let url = format!("{}/graphql/ws", w.app.address.replace("http://", "ws://"));
    let connect = |token: String| {
        let url = url.clone();
        async move {
            let mut request = url.into_client_request().unwrap();
            request.headers_mut().insert(
                "sec-websocket-protocol",
                "graphql-transport-ws".parse().unwrap(),
            );
            let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
            let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
            socket.send(Message::text(init.to_string())).await.unwrap();
            let sub = json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { notices { topic subject } }" } });
            socket.send(Message::text(sub.to_string())).await.unwrap();
            socket
        }
    };
    let mut reporter = connect(w.app.token(&role_user(Role::Reporter)).await).await;
    let mut reviewer = connect(w.app.token(&role_user(Role::Reviewer)).await).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    remind(&w.app, w.period).await;
    let heard = next_notice(&mut reporter, 10_000)
        .await
        .expect("the reporter hears the reminder");
    assert_eq!(
        heard["payload"]["data"]["notices"]["topic"], "REPORT_REMINDER",
        "{heard}"
    );
    assert!(
        next_notice(&mut reviewer, 500).await.is_none(),
        "the reviewer is not its recipient"
    );
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next `next` message of a subscription within `wait_ms`, if any.
async fn next_notice(socket: &mut Socket, wait_ms: u64) -> Option<Value> {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let deadline = tokio::time::Instant::now() + Duration::from_millis(wait_ms);
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                let v: Value = serde_json::from_str(&text).unwrap();
                if v["type"] == "next" {
                    return Some(v);
                }
            }
            Ok(Some(Ok(_))) => {}
            _ => return None,
        }
    }
}

#[tokio::test]
async fn the_demo_shows_the_notices_of_a_returned_report_and_of_reminders() {
    let app = crate::helpers::national();
    let mut seen = Vec::new();
    for username in ["reporter.sxd", "reporter.xa"] {
        let body = app
            .graphql(
                "mutation($u: String!) { login(input: { username: $u, password: \"phancap-demo-2026\" }) { accessToken } }",
                json!({ "u": username }),
            )
            .await;
        let token = body["data"]["login"]["accessToken"]
            .as_str()
            .unwrap()
            .to_owned();
        let body = app
            .graphql_as(
                &token,
                "{ myNotices { nodes { topic subject unit { code } } } }",
                json!({}),
            )
            .await;
        seen.push(body["data"]["myNotices"]["nodes"].clone());
    }
    let returned = seen[0].as_array().unwrap();
    assert!(
        returned
            .iter()
            .any(|n| n["topic"] == "REPORT_RETURNED" && n["unit"]["code"] == "19-SXD"),
        "Sở Xây dựng's reporter is told its report came back: {returned:?}"
    );
    let reminded = seen[1].as_array().unwrap();
    assert!(
        reminded.iter().any(|n| n["topic"] == "REPORT_REMINDER"
            && n["subject"]
                .as_str()
                .unwrap()
                .starts_with("Nhắc nộp báo cáo")),
        "the commune's reporter is reminded: {reminded:?}"
    );
}

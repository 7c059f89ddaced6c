//! The edge clients meet: the token secret of a server started the
//! README's way, GraphiQL without a network, CORS, responses in the
//! specification's shape, persisted queries and GET, compression, metrics
//! and logs.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::Duration;

use async_graphql::futures_util::SinkExt;
use entity::role_grant::Role;
use phancap::graphql::NodeKind;
use phancap::startup::Settings;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{
    TestApp, error_code, gid, logs, national, pg_url, role_user, spawn_app, spawn_app_with,
};

/// The HS256 secret that was committed to the repository until it was
/// removed: whoever read it could sign a token for anyone. Kept here only
/// to prove that no server accepts it.
const PUBLISHED_SECRET: &[u8] = b"e9d85fc0f7c1727c668eb5a64a8d323a548fdef2f55f61985dcef5b8b074f0d6";

/// A request to `path` of `app` with `headers`, answered as it came.
async fn raw(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = app.client.request(method, format!("{}{path}", app.address));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("the server answers")
}

/// A GET of `path` with `headers`.
async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    raw(app, reqwest::Method::GET, path, headers, None).await
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

/// A child process killed when the test ends, however it ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

#[tokio::test]
async fn a_server_started_the_readme_way_refuses_the_published_secret() {
    if pg_url().is_some() {
        // The README's way is the embedded SQLite default; PostgreSQL
        // servers must be given a secret and generate none.
        return;
    }
    let dir = std::env::temp_dir().join(format!("phancap-readme-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_phancap"));
    for (name, _) in std::env::vars() {
        if name.starts_with("PHANCAP_") || name == "DATABASE_URL" {
            command.env_remove(name);
        }
    }
    let mut child = Child(
        command
            .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
            .env("PHANCAP_LOG_FORMAT", "json")
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts"),
    );
    let stdout = child.0.stdout.take().unwrap();
    let mut stderr = child.0.stderr.take().unwrap();
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).ok();
        text
    });
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("GraphiQL: ") {
                tx.send(url.trim_end_matches("/graphql").to_owned()).ok();
            }
        }
    });
    let address =
        match tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(600)))
            .await
            .unwrap()
        {
            Ok(address) => address,
            Err(waited) => {
                // Say why the server did not come up: its own words.
                child.0.kill().ok();
                let status = child.0.wait().ok();
                let said = err_reader.join().unwrap_or_default();
                panic!("the server printed no address ({waited}; {status:?}); it said:\n{said}");
            }
        };
    let app = TestApp {
        address,
        client: reqwest::Client::new(),
        tokens: crate::helpers::test_tokens(None),
        db: None,
        statements: Default::default(),
        metrics_address: None,
        pg_schema: None,
        stop: None,
    };

    // The generated secret is private and is not the published one.
    let secret_file = dir.join("phancap.db.jwt-secret");
    let generated = std::fs::read(&secret_file).expect("a secret was generated");
    assert_ne!(generated, PUBLISHED_SECRET);
    assert!(generated.len() >= 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secret_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // The demo ADMIN signs in; a token forged with the published secret
    // for the same user and claims is refused.
    let login = "mutation SignIn($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken userErrors { code } } }";
    let password = phancap::demo::DEMO_PASSWORD;
    let body = app
        .graphql(login, json!({ "u": "admin.thainguyen", "p": password }))
        .await;
    let token = body["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let claims: Value = {
        use base64::Engine;
        let payload = token.split('.').nth(1).unwrap();
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    };
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(PUBLISHED_SECRET),
    )
    .unwrap();
    let me =
        json!({ "query": "query Me { me { username grants { role } } }", "operationName": "Me" });
    let (status, body) = app.post_with(Some(&forged), me.clone()).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    let (status, body) = app.post_with(Some(&token), me).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["me"]["username"], "admin.thainguyen", "{body}");

    // A wrong password is logged with the username and the client.
    let wrong = "not-the-password-2026";
    let body = app
        .graphql(login, json!({ "u": "admin.thainguyen", "p": wrong }))
        .await;
    assert_eq!(
        body["data"]["login"]["userErrors"][0]["code"],
        "INVALID_CREDENTIALS"
    );

    drop(child);
    let log = err_reader.join().unwrap();
    assert!(!log.contains('\u{1b}'), "no colour codes in a pipe");
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let access: Vec<&Value> = lines
        .iter()
        .filter(|l| l["target"] == "phancap::access")
        .collect();
    let user = claims["sub"].as_str().unwrap();
    assert!(
        access.iter().any(|l| l["operation"] == "Me"
            && l["status"] == 200
            && l["user"] == user
            && l["client"] == "127.0.0.1"),
        "an access line names the operation, status, user and client: {access:?}"
    );
    assert!(
        access.iter().any(|l| l["status"] == 401
            && l["outcome"] == "unauthenticated"
            && l["user"].is_null()),
        "{access:?}"
    );
    assert!(
        lines.iter().any(|l| l["target"] == "phancap::security"
            && l["username"] == "admin.thainguyen"
            && l["client"] == "127.0.0.1"
            && l["message"] == "sign-in failed"),
        "{log}"
    );
    for secret in [wrong, password, token.as_str(), forged.as_str()] {
        assert!(!log.contains(secret), "the log holds no password or token");
    }
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn graphiql_and_its_scripts_come_from_the_server_itself() {
    let app = spawn_app().await;
    let page = get(&app, "/graphql", &[("accept", "text/html")]).await;
    assert_eq!(page.status(), 200);
    assert!(
        header(&page, "content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    let mut referenced = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for part in html.split(attribute).skip(1) {
            let url = part.split('"').next().unwrap();
            if url.starts_with("data:") {
                continue;
            }
            assert!(url.starts_with("/graphiql/"), "only local files: {url}");
            referenced.push(url.to_owned());
        }
    }
    assert!(referenced.len() >= 5, "{referenced:?}");
    for url in &referenced {
        let response = get(&app, url, &[]).await;
        assert_eq!(response.status(), 200, "{url}");
        let kind = header(&response, "content-type").unwrap().to_owned();
        let text = response.text().await.unwrap();
        assert!(text.len() > 100, "{url}");
        if url.ends_with(".js") {
            assert!(kind.starts_with("text/javascript"), "{url}: {kind}");
            for cdn in ["unpkg.com", "jsdelivr", "esm.sh", "cdnjs"] {
                assert!(
                    !text.contains(&format!("https://{cdn}")),
                    "{url} loads from {cdn}"
                );
            }
        }
    }
    // Subscriptions go to the server's own websocket.
    let script = get(&app, "/graphiql/phancap-graphiql.js", &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(script.contains("/graphql/ws"));
    // The licences ship beside the files.
    for licence in ["graphiql", "react", "react-dom", "graphql-ws"] {
        let response = get(&app, &format!("/graphiql/LICENSE.{licence}.txt"), &[]).await;
        assert_eq!(response.status(), 200);
        assert!(response.text().await.unwrap().contains("MIT License"));
    }
    let missing = get(&app, "/graphiql/../Cargo.toml", &[]).await;
    assert_eq!(missing.status(), 404);
    // Without GraphiQL, neither the page nor its files are served.
    let bare = spawn_app_with(Settings {
        graphiql: false,
        ..Settings::default()
    })
    .await;
    let page = get(&bare, "/graphql", &[("accept", "text/html")]).await;
    assert_eq!(page.status(), 400);
    let file = get(&bare, "/graphiql/graphiql.min.js", &[]).await;
    assert_eq!(file.status(), 404);
}

#[tokio::test]
async fn cors_admits_only_the_listed_origins() {
    let listed = "https://portal.thainguyen.gov.vn";
    let app = spawn_app_with(Settings {
        cors_origins: vec![listed.into()],
        ..Settings::default()
    })
    .await;
    let preflight = async |origin: &str| {
        raw(
            &app,
            reqwest::Method::OPTIONS,
            "/graphql",
            &[
                ("origin", origin),
                ("access-control-request-method", "POST"),
                (
                    "access-control-request-headers",
                    "authorization, content-type",
                ),
            ],
            None,
        )
        .await
    };
    let ok = preflight(listed).await;
    assert!(ok.status().is_success(), "{}", ok.status());
    assert_eq!(header(&ok, "access-control-allow-origin"), Some(listed));
    assert_eq!(
        header(&ok, "access-control-allow-credentials"),
        Some("true")
    );
    let allowed = header(&ok, "access-control-allow-headers")
        .unwrap()
        .to_lowercase();
    assert!(allowed.contains("authorization") && allowed.contains("content-type"));
    assert!(
        header(&ok, "access-control-allow-methods")
            .unwrap()
            .contains("POST")
    );

    let foreign = preflight("https://evil.example").await;
    assert_eq!(header(&foreign, "access-control-allow-origin"), None);
    assert_eq!(header(&foreign, "access-control-allow-credentials"), None);

    let query = json!({ "query": "{ __typename }" });
    let post = raw(
        &app,
        reqwest::Method::POST,
        "/graphql",
        &[("origin", listed)],
        Some(query.clone()),
    )
    .await;
    assert_eq!(header(&post, "access-control-allow-origin"), Some(listed));
    let post = raw(
        &app,
        reqwest::Method::POST,
        "/graphql",
        &[("origin", "https://evil.example")],
        Some(query.clone()),
    )
    .await;
    assert_eq!(header(&post, "access-control-allow-origin"), None);

    // None by default.
    let closed = spawn_app().await;
    let post = raw(
        &closed,
        reqwest::Method::POST,
        "/graphql",
        &[("origin", listed)],
        Some(query),
    )
    .await;
    assert_eq!(header(&post, "access-control-allow-origin"), None);

    // A malformed origin stops the server from starting.
    for bad in ["*", "portal.example", "https://portal.example/path"] {
        let settings = Settings {
            listen: "127.0.0.1:0".parse().unwrap(),
            cors_origins: vec![bad.into()],
            ..Settings::default()
        };
        let db = phancap::db::connect("sqlite::memory:", None, &Default::default())
            .await
            .unwrap();
        let built =
            phancap::startup::Application::build(&settings, db, crate::helpers::test_tokens(None))
                .await;
        assert!(built.is_err(), "{bad} is refused");
    }
}

/// Byte offsets of `needles` in `text`, which must all occur.
fn offsets(text: &str, needles: &[&str]) -> Vec<usize> {
    needles
        .iter()
        .map(|n| {
            text.find(n)
                .unwrap_or_else(|| panic!("{n} missing in {text}"))
        })
        .collect()
}

fn ascending(v: &[usize]) -> bool {
    v.windows(2).all(|w| w[0] < w[1])
}

#[tokio::test]
async fn response_keys_follow_the_selection_set() {
    let app = national();
    let query = r#"query Order {
      b: __typename
      units(kind: PROVINCE, first: 2) { nodes { name code } totalCount }
      a: __typename
      ...Extra
      ... on Query { c: __typename }
      unitByCode(code: "19") { validFrom id name }
    }
    fragment Extra on Query { z: __typename b: __typename }"#;
    let response = raw(
        app,
        reqwest::Method::POST,
        "/graphql",
        &[],
        Some(json!({ "query": query })),
    )
    .await;
    let text = response.text().await.unwrap();
    let top = offsets(
        &text,
        &[
            "\"b\":",
            "\"units\":",
            "\"a\":",
            "\"z\":",
            "\"c\":",
            "\"unitByCode\":",
        ],
    );
    assert!(ascending(&top), "{text}");
    assert!(
        ascending(&offsets(
            &text,
            &["\"nodes\":", "\"name\":", "\"code\":", "\"totalCount\":"]
        )),
        "{text}"
    );
    let unit = &text[text.find("\"unitByCode\"").unwrap()..];
    assert!(
        ascending(&offsets(unit, &["\"validFrom\":", "\"id\":", "\"name\":"])),
        "{text}"
    );
    assert_eq!(
        text.matches("\"b\":").count(),
        1,
        "one key for the merged field"
    );
}

#[tokio::test]
async fn field_errors_null_what_the_specification_says() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let user = app
        .create_user(
            "probe.user",
            fixture.inside.commune,
            Some("probe-password-1"),
        )
        .await;
    // A nullable field that fails is null, in its place.
    let query = "query($id: ID!) { x: __typename node(id: $id) { id } y: __typename }";
    let response = raw(
        &app,
        reqwest::Method::POST,
        "/graphql",
        &[],
        Some(json!({ "query": query, "variables": { "id": gid(NodeKind::User, user) } })),
    )
    .await;
    let text = response.text().await.unwrap();
    assert!(
        text.contains(r#""data":{"x":"Query","node":null,"y":"Query"}"#),
        "{text}"
    );
    // A non-null root field that fails nulls `data`: a refused mutation
    // does not vanish from an otherwise empty object.
    let mutation = "mutation { createUnit(input: { parent: \"x\", code: \"X-1\", name: \"x\", adminType: BAN }) { unit { id } } }";
    let response = raw(
        &app,
        reqwest::Method::POST,
        "/graphql",
        &[],
        Some(json!({ "query": mutation })),
    )
    .await;
    let body: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(body["data"], Value::Null);
    assert!(body.as_object().unwrap().contains_key("data"), "{body}");
    assert_eq!(body["errors"][0]["path"], json!(["createUnit"]));
    // A non-null field failing under a nullable one nulls the nullable one.
    let viewer = app.token(&role_user(Role::Viewer)).await;
    let (_, body) = app
        .post_with(
            Some(&viewer),
            json!({ "query": "{ me { username } auditEvents(first: 1) { edges { cursor } } }" }),
        )
        .await;
    if body["errors"].as_array().is_some_and(|e| !e.is_empty()) {
        assert_eq!(body["data"], Value::Null, "auditEvents is non-null: {body}");
    } else {
        assert!(body["data"]["me"]["username"].is_string(), "{body}");
    }
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn automatic_persisted_queries_follow_apollos_protocol() {
    let app = spawn_app().await;
    app.seed().await;
    let query = "query Province($c: String!) { unitByCode(code: $c) { name } }";
    let hash = sha256_hex(query);
    let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let variables = json!({ "c": "19" });
    // The hash alone, unknown yet: the client is told to send the query.
    let (status, body) = app
        .post(json!({ "extensions": extensions, "variables": variables }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(error_code(&body), "PERSISTED_QUERY_NOT_FOUND");
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
    // The retry with the query registers it ...
    let (_, body) = app
        .post(json!({ "query": query, "extensions": extensions, "variables": variables }))
        .await;
    assert_eq!(
        body["data"]["unitByCode"]["name"], "Tỉnh Thái Nguyên",
        "{body}"
    );
    // ... and the hash alone now runs it, by POST or by GET.
    let (_, body) = app
        .post(json!({ "extensions": extensions, "variables": { "c": "04" } }))
        .await;
    assert_eq!(
        body["data"]["unitByCode"]["name"], "Tỉnh Cao Bằng",
        "{body}"
    );
    let url = format!(
        "/graphql?extensions={}&variables={}",
        urlencode(&extensions.to_string()),
        urlencode(&variables.to_string())
    );
    let response = get(&app, &url, &[]).await;
    assert_eq!(response.status(), 200);
    assert!(
        header(&response, "cache-control")
            .unwrap()
            .starts_with("public")
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["unitByCode"]["name"], "Tỉnh Thái Nguyên");
    // A hash that is not the query's is refused and registers nothing.
    let other = "{ __typename }";
    let (_, body) = app
        .post(json!({ "query": other, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": sha256_hex("{ me { id } }") } } }))
        .await;
    assert_eq!(error_code(&body), "PERSISTED_QUERY_HASH_MISMATCH");
    let (_, body) = app
        .post(json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": sha256_hex("{ me { id } }") } } }))
        .await;
    assert_eq!(error_code(&body), "PERSISTED_QUERY_NOT_FOUND");
    // Neither a query nor a hash: a bad request.
    let (status, _) = app.post(json!({ "variables": {} })).await;
    assert_eq!(status, 400);
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn queries_over_get_are_cacheable_and_mutations_are_not_allowed() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let query = urlencode("{ unitByCode(code: \"19\") { name } }");
    let response = get(&app, &format!("/graphql?query={query}"), &[]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "cache-control"),
        Some("public, max-age=60")
    );
    assert!(header(&response, "vary").is_some_and(|v| v.contains("authorization")));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["unitByCode"]["name"], "Tỉnh Thái Nguyên");
    // A signed-in reader's answer is private.
    let token = app.token(&role_user(Role::Viewer)).await;
    let bearer = format!("Bearer {token}");
    let response = get(
        &app,
        &format!("/graphql?query={query}"),
        &[("authorization", &bearer)],
    )
    .await;
    assert_eq!(
        header(&response, "cache-control"),
        Some("private, no-store")
    );
    // An error is not cached.
    let broken = urlencode("{ unitByCode { name } }");
    let response = get(&app, &format!("/graphql?query={broken}"), &[]).await;
    assert_eq!(header(&response, "cache-control"), Some("no-store"));
    // A mutation over GET is refused and changes nothing.
    let admin = app.token(&role_user(Role::Admin)).await;
    let before = app.snapshot().await;
    let mutation = format!(
        "mutation {{ createUnit(input: {{ parent: \"{}\", code: \"19-GET\", name: \"Ban GET\", adminType: BAN }}) {{ unit {{ id }} }} }}",
        gid(NodeKind::Unit, fixture.inside.id)
    );
    let response = raw(
        &app,
        reqwest::Method::GET,
        &format!("/graphql?query={}", urlencode(&mutation)),
        &[("authorization", &format!("Bearer {admin}"))],
        None,
    )
    .await;
    assert_eq!(response.status(), 405);
    assert_eq!(header(&response, "allow"), Some("POST"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(app.snapshot().await, before);
    // A browser following a link with a query gets GraphiQL, which shows it.
    let response = get(
        &app,
        &format!("/graphql?query={query}"),
        &[("accept", "text/html,application/xhtml+xml,*/*;q=0.8")],
    )
    .await;
    assert!(
        header(&response, "content-type")
            .unwrap()
            .starts_with("text/html")
    );
    // A GET without a query, from a program, is a bad request.
    let response = get(&app, "/graphql", &[("accept", "application/json")]).await;
    assert_eq!(response.status(), 400);
    let response = get(
        &app,
        "/graphql?query=%7B%20__typename%20%7D&variables=%7Boops",
        &[],
    )
    .await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn responses_are_compressed_when_the_client_asks() {
    let app = national();
    let query = json!({ "query": "{ units(kind: COMMUNE, first: 100) { nodes { id code name adminType validFrom } } }" });
    let plain = raw(
        app,
        reqwest::Method::POST,
        "/graphql",
        &[("accept-encoding", "identity")],
        Some(query.clone()),
    )
    .await;
    assert_eq!(header(&plain, "content-encoding"), None);
    let plain = plain.bytes().await.unwrap();
    let mut sizes = vec![("identity", plain.len())];
    for encoding in ["gzip", "br", "zstd"] {
        let response = raw(
            app,
            reqwest::Method::POST,
            "/graphql",
            &[("accept-encoding", encoding)],
            Some(query.clone()),
        )
        .await;
        assert_eq!(header(&response, "content-encoding"), Some(encoding));
        let bytes = response.bytes().await.unwrap();
        assert!(
            bytes.len() * 4 < plain.len(),
            "{encoding}: {} of {}",
            bytes.len(),
            plain.len()
        );
        if encoding == "gzip" {
            let mut text = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut text)
                .unwrap();
            assert_eq!(text, plain.to_vec());
        }
        sizes.push((encoding, bytes.len()));
    }
    println!("100 communes: {sizes:?} bytes");
}

/// The value of a metric line `name` in the exposition `text`.
fn metric(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn metrics_count_operations_sign_ins_and_subscriptions() {
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let app = spawn_app().await;
    app.seed().await;
    for _ in 0..3 {
        let (_, body) = app
            .post(json!({ "query": "query MetricsProbe { unitByCode(code: \"19\") { name } }", "operationName": "MetricsProbe" }))
            .await;
        assert!(body["data"]["unitByCode"].is_object());
    }
    app.post(json!({ "query": "query Refused { auditEvents { edges { cursor } } }" }))
        .await;
    let login = "mutation($u: String!) { login(input: {username: $u, password: \"wrong-password-1\"}) { userErrors { code } } }";
    for _ in 0..6 {
        app.graphql(login, json!({ "u": "viewer.tn" })).await;
    }
    let url = format!("{}/graphql/ws", app.address.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let token = app.token(&role_user(Role::Viewer)).await;
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
    socket.send(Message::text(init.to_string())).await.unwrap();
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { reportStatusChanged { status } }" } });
    socket
        .send(Message::text(subscribe.to_string()))
        .await
        .unwrap();
    let mut text = String::new();
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        text = get(&app, "/metrics", &[]).await.text().await.unwrap();
        if metric(&text, "phancap_subscriptions_open") == Some(1.0) {
            break;
        }
    }
    assert_eq!(
        metric(
            &text,
            r#"phancap_graphql_requests_total{operation="MetricsProbe",outcome="ok"}"#
        ),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        metric(
            &text,
            r#"phancap_graphql_requests_total{operation="Refused",outcome="errors"}"#
        ),
        None,
        "the operation name comes from operationName, not the document"
    );
    assert_eq!(
        metric(
            &text,
            r#"phancap_graphql_request_duration_seconds_count{operation="MetricsProbe"}"#
        ),
        Some(3.0)
    );
    assert_eq!(
        metric(
            &text,
            r#"phancap_graphql_request_duration_seconds_bucket{operation="MetricsProbe",le="+Inf"}"#
        ),
        Some(3.0)
    );
    assert_eq!(
        metric(&text, "phancap_login_failures_total"),
        Some(5.0),
        "{text}"
    );
    assert_eq!(metric(&text, "phancap_login_throttled_total"), Some(1.0));
    assert_eq!(
        metric(&text, "phancap_subscriptions_open"),
        Some(1.0),
        "{text}"
    );
    assert_eq!(metric(&text, "phancap_websockets_open"), Some(1.0));
    assert!(metric(&text, "phancap_db_pool_max_connections").is_some_and(|n| n >= 1.0));
    assert!(metric(&text, r#"phancap_db_pool_connections{state="idle"}"#).is_some());
    socket.close(None).await.ok();
    drop(socket);
    let mut closed = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let text = get(&app, "/metrics", &[]).await.text().await.unwrap();
        if metric(&text, "phancap_subscriptions_open") == Some(0.0)
            && metric(&text, "phancap_websockets_open") == Some(0.0)
        {
            closed = true;
            break;
        }
    }
    assert!(closed, "a closed socket stops counting");

    // On an address of its own, /metrics leaves the main one.
    let separate = spawn_app_with(Settings {
        metrics_listen: Some("127.0.0.1:0".parse().unwrap()),
        ..Settings::default()
    })
    .await;
    let main = get(&separate, "/metrics", &[]).await;
    assert_eq!(main.status(), 404);
    let own = separate.metrics_address.clone().unwrap();
    let text = reqwest::get(format!("{own}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("# TYPE phancap_graphql_requests_total counter"));
}

#[tokio::test]
async fn the_log_tells_who_did_what_and_who_failed_to_sign_in() {
    logs();
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let intruder = format!("intruder-{}", uuid::Uuid::now_v7().simple());
    let secret = "guessed-password-77";
    let login = "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { userErrors { code } } }";
    for _ in 0..6 {
        app.graphql(login, json!({ "u": intruder, "p": secret }))
            .await;
    }
    let user = app
        .create_user(
            "log.reader",
            fixture.inside.commune,
            Some("log-reader-password"),
        )
        .await;
    let token = app.token("log.reader").await;
    let operation = format!("LogProbe{}", uuid::Uuid::now_v7().simple());
    let (status, _) = app
        .post_with(
            Some(&token),
            json!({ "query": format!("query {operation} {{ me {{ username }} }}"), "operationName": operation }),
        )
        .await;
    assert_eq!(status, 200);
    let mut found = (false, false, false);
    for _ in 0..50 {
        let log = logs();
        let lines: Vec<Value> = log
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        found.0 = lines.iter().any(|l| {
            l["target"] == "phancap::security"
                && l["message"] == "sign-in failed"
                && l["username"] == intruder.as_str()
                && l["client"] == "127.0.0.1"
        });
        found.1 = lines.iter().any(|l| {
            l["target"] == "phancap::security"
                && l["message"] == "sign-in refused: the username is locked"
                && l["username"] == intruder.as_str()
        });
        found.2 = lines.iter().any(|l| {
            l["target"] == "phancap::access"
                && l["operation"] == operation.as_str()
                && l["status"] == 200
                && l["user"] == user.to_string()
                && l["duration_ms"].is_number()
        });
        assert!(!log.contains(secret), "no password reaches the log");
        assert!(!log.contains(&token), "no token reaches the log");
        if found == (true, true, true) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(found, (true, true, true));
}

#[tokio::test]
async fn postgresql_runs_leave_no_schema_and_print_no_notice() {
    let Some(url) = pg_url() else {
        return;
    };
    let app = spawn_app().await;
    let schema = app.pg_schema.clone().unwrap();
    let admin = phancap::db::connect(&url, None, &Default::default())
        .await
        .unwrap();
    let count = |admin: sea_orm::DatabaseConnection, schema: String| async move {
        use sea_orm::ConnectionTrait;
        let row = admin
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DatabaseBackend::Postgres,
                format!("SELECT count(*) AS n FROM information_schema.schemata WHERE schema_name = '{schema}'"),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    };
    assert_eq!(count(admin.clone(), schema.clone()).await, 1);
    drop(app);
    assert_eq!(
        count(admin.clone(), schema.clone()).await,
        0,
        "the schema went with its app"
    );

    // `phancap migrate` twice on the same database prints no notice.
    let scratch = format!("t_cli_{}", uuid::Uuid::now_v7().simple());
    {
        use sea_orm::ConnectionTrait;
        admin
            .execute_unprepared(&format!("CREATE SCHEMA {scratch}"))
            .await
            .unwrap();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    let scoped = format!("{url}{separator}options=-c%20search_path%3D{scratch}");
    for _ in 0..2 {
        let output = Command::new(env!("CARGO_BIN_EXE_phancap"))
            .args(["migrate"])
            .env("DATABASE_URL", &scoped)
            .env_remove("PHANCAP_LOG")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(!stderr.contains("already exists"), "{stderr}");
        assert!(!stderr.to_lowercase().contains("notice"), "{stderr}");
    }
    crate::helpers::drop_pg_schema(&scratch);
    assert_eq!(count(admin, scratch).await, 0);
}

#[tokio::test]
async fn objects_of_an_interface_follow_their_own_type_and_are_never_lost() {
    let app = national();
    let (_, body) = app
        .post(json!({ "query": "{ units(kind: PROVINCE, first: 1) { nodes { id } } mandates(first: 1) { nodes { id } } }" }))
        .await;
    let unit = body["data"]["units"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mandate = body["data"]["mandates"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let text = |query: String| async move {
        raw(
            app,
            reqwest::Method::POST,
            "/graphql",
            &[],
            Some(json!({ "query": query })),
        )
        .await
        .text()
        .await
        .unwrap()
    };
    // Each object in the order of the fragments that apply to its own type.
    let out = text(format!(
        r#"{{ nodes(ids: ["{unit}", "{mandate}"]) {{ ... on Mandate {{ code title }} ... on Unit {{ name code }} }} }}"#
    ))
    .await;
    let unit_part = &out[..out.find("\"title\"").unwrap_or(out.len())];
    assert!(
        ascending(&offsets(unit_part, &["\"name\":", "\"code\":"])),
        "{out}"
    );
    let mandate_part = &out[out.find("},{").unwrap()..];
    assert!(
        ascending(&offsets(mandate_part, &["\"code\":", "\"title\":"])),
        "{out}"
    );
    // Nothing selected for the runtime type: `{}`, not null.
    let out = text(format!(
        r#"{{ node(id: "{unit}") {{ ... on Mandate {{ code }} }} }}"#
    ))
    .await;
    assert_eq!(out, r#"{"data":{"node":{}}}"#);
    let out =
        text("{ units(kind: PROVINCE, first: 2) { nodes { code @skip(if: true) } } }".into()).await;
    assert_eq!(out, r#"{"data":{"units":{"nodes":[{},{}]}}}"#);
    // The same key selected twice, one of them skipped: nothing is lost.
    let out = text(r#"{ a: unitByCode(code: "19") { code @skip(if: true) } a: unitByCode(code: "19") { name } }"#.into()).await;
    assert_eq!(out, r#"{"data":{"a":{"name":"Tỉnh Thái Nguyên"}}}"#);
    // The alias phancap uses for the runtime type is reserved.
    let (_, body) = app
        .post(json!({ "query": "{ _phancapType: __typename }" }))
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("reserved")
    );
}

#[tokio::test]
async fn documents_that_would_exhaust_the_server_are_refused_and_it_stays_up() {
    let app = spawn_app().await;
    let mut chain = String::from("mutation { ...F0 }");
    for i in 0..3000 {
        chain.push_str(&format!(" fragment F{i} on Mutation {{ ...F{} }}", i + 1));
    }
    chain.push_str(" fragment F3000 on Mutation { __typename }");
    let mut doubling = String::from("{ ...F0 }");
    for i in 0..26 {
        doubling.push_str(&format!(
            " fragment F{i} on Query {{ ...F{n} ...F{n} }}",
            n = i + 1
        ));
    }
    doubling.push_str(" fragment F26 on Query { __typename }");
    for query in [chain, doubling] {
        let started = std::time::Instant::now();
        let (status, body) = app.post(json!({ "query": query })).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(error_code(&body), "BAD_USER_INPUT");
        assert!(started.elapsed() < Duration::from_secs(10));
    }
    let health = get(&app, "/healthz", &[]).await;
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn requests_refused_before_execution_say_so_plainly() {
    let app = spawn_app().await;
    // A page elsewhere may send text/plain without a preflight: refused.
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "text/plain")
        .body(r#"{"query":"mutation { login(input: {username: \"x.y\", password: \"wrong-password\"}) { accessToken } }"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    let metrics = get(&app, "/metrics", &[]).await.text().await.unwrap();
    assert_eq!(metric(&metrics, "phancap_login_failures_total"), Some(0.0));
    // Too large a body: 413, as JSON with a code.
    let big = "x".repeat(300 * 1024);
    let response = raw(
        &app,
        reqwest::Method::POST,
        "/graphql",
        &[],
        Some(json!({ "query": big })),
    )
    .await;
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    // A request that never ran has no `data`; keys are message, extensions.
    let text = raw(
        &app,
        reqwest::Method::POST,
        "/graphql",
        &[],
        Some(json!({ "query": "{ nope }" })),
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(text.starts_with(r#"{"errors":[{"message":"#), "{text}");
    let text = raw(
        &app,
        reqwest::Method::POST,
        "/graphql",
        &[],
        Some(json!({ "variables": {} })),
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(text.starts_with(r#"{"errors":[{"message":"#), "{text}");
    // A malformed persisted query says what is wrong with it.
    let (_, body) = app
        .post(json!({ "extensions": { "persistedQuery": { "version": "1", "sha256Hash": "ab" } } }))
        .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("version 1"),
        "{body}"
    );
    // A GET answer varies with Accept (GraphiQL for a browser).
    let response = get(&app, "/graphql?query=%7B__typename%7D", &[]).await;
    let vary: Vec<_> = response
        .headers()
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(vary.iter().any(|v| v.contains("accept")), "{vary:?}");
    // An operation name that selects nothing is not a metric label.
    app.post(json!({ "query": "query Real { __typename }", "operationName": "Invented" }))
        .await;
    let metrics = get(&app, "/metrics", &[]).await.text().await.unwrap();
    assert!(!metrics.contains("Invented"), "{metrics}");
    assert!(metrics.contains(r#"operation="unknown""#));
}

#[tokio::test]
async fn a_request_signs_in_at_most_once() {
    let app = spawn_app().await;
    app.seed().await;
    let twice = "mutation { a: login(input: {username: \"viewer.tn\", password: \"wrong-password-1\"}) { accessToken } b: login(input: {username: \"viewer.tn\", password: \"wrong-password-2\"}) { accessToken } }";
    let (_, body) = app.post(json!({ "query": twice })).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert!(body.get("data").is_none_or(Value::is_null), "{body}");
    let once = json!({ "query": "mutation { login(input: {username: \"viewer.tn\", password: \"wrong-password-3\"}) { userErrors { code } } }" });
    let (_, bodies) = app.post(json!([once, once])).await;
    assert_eq!(
        bodies[0]["data"]["login"]["userErrors"][0]["code"],
        "INVALID_CREDENTIALS"
    );
    assert_eq!(error_code(&bodies[1]), "BAD_USER_INPUT");
    // Only the one that ran was counted.
    let metrics = get(&app, "/metrics", &[]).await.text().await.unwrap();
    assert_eq!(metric(&metrics, "phancap_login_failures_total"), Some(1.0));
}

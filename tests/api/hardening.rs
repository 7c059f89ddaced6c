//! Hardening: sign-ins that cannot be raced or used to lock officials out,
//! tokens that end when they should, and subscriptions that stop with them.

use std::net::IpAddr;
use std::time::Duration;

use async_graphql::futures_util::{SinkExt, StreamExt};
use entity::role_grant::Role;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::helpers::{
    TestApp, error_code, fill_report, gid, reporting_cycle, role_user, spawn_app,
};

const LOGIN: &str = "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken userErrors { code message } } }";

/// Signs in as `username` from the loopback address `from` (127.0.0.x are
/// all this machine, so each is a different client to the server); the
/// access token, or the userError code.
async fn sign_in(
    app: &TestApp,
    from: [u8; 4],
    username: &str,
    password: &str,
) -> Result<String, String> {
    let client = reqwest::Client::builder()
        .local_address(IpAddr::from(from))
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let response = client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": LOGIN, "variables": { "u": username, "p": password } }))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    let login = &body["data"]["login"];
    match login["accessToken"].as_str() {
        Some(token) => Ok(token.to_owned()),
        None => Err(login["userErrors"][0]["code"]
            .as_str()
            .or_else(|| body["errors"][0]["extensions"]["code"].as_str())
            .unwrap_or_else(|| panic!("{body}"))
            .to_owned()),
    }
}

#[tokio::test]
async fn failures_from_one_address_lock_that_address_only() {
    let app = spawn_app().await;
    app.seed().await;
    let viewer = role_user(Role::Viewer);
    let attacker = [127, 0, 0, 1];
    for _ in 0..5 {
        assert_eq!(
            sign_in(&app, attacker, &viewer, "wrong-password-0").await,
            Err("INVALID_CREDENTIALS".into())
        );
    }
    // The attacker's address is locked, even with the right password ...
    assert_eq!(
        sign_in(&app, attacker, &viewer, "role-password-1").await,
        Err("THROTTLED".into())
    );
    // ... while the official signs in from their own.
    assert!(
        sign_in(&app, [127, 0, 0, 2], &viewer, "role-password-1")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn failures_from_many_addresses_lock_the_username_everywhere() {
    let app = spawn_app().await;
    app.seed().await;
    let viewer = role_user(Role::Viewer);
    for host in 2..12u8 {
        for _ in 0..5 {
            assert_eq!(
                sign_in(&app, [127, 0, 1, host], &viewer, "wrong-password-0").await,
                Err("INVALID_CREDENTIALS".into())
            );
        }
    }
    assert_eq!(
        sign_in(&app, [127, 0, 2, 1], &viewer, "role-password-1").await,
        Err("THROTTLED".into()),
        "50 failures from anywhere lock the username"
    );
}

#[tokio::test]
async fn racing_guesses_get_no_more_tries_than_the_lock_allows() {
    let app = spawn_app().await;
    app.seed().await;
    let viewer = role_user(Role::Viewer);
    let attempts = (0..40).map(|i| {
        let app = &app;
        let viewer = viewer.clone();
        async move { sign_in(app, [127, 0, 0, 1], &viewer, &format!("wrong-password-{i}")).await }
    });
    let outcomes = async_graphql::futures_util::future::join_all(attempts).await;
    let count = |code: &str| {
        outcomes
            .iter()
            .filter(|o| o.as_ref().err().map(String::as_str) == Some(code))
            .count()
    };
    assert_eq!(count("INVALID_CREDENTIALS"), 5, "{outcomes:?}");
    assert_eq!(count("THROTTLED"), 35, "{outcomes:?}");
    assert_eq!(
        sign_in(&app, [127, 0, 0, 1], &viewer, "role-password-1").await,
        Err("THROTTLED".into())
    );
}

#[tokio::test]
async fn an_impossible_username_is_refused_alike_and_stores_nothing() {
    let app = spawn_app().await;
    app.seed().await;
    let before = app.snapshot().await;
    // Too long: refused with the input; unprintable: like an unknown user.
    for (username, code) in [
        ("x".repeat(65), "BAD_USER_INPUT"),
        ("x".repeat(200_000), "BAD_USER_INPUT"),
        ("ghost\n\u{1b}[31m".into(), "INVALID_CREDENTIALS"),
    ] {
        assert_eq!(
            sign_in(&app, [127, 0, 0, 1], &username, "some-password-1").await,
            Err(code.into())
        );
    }
    assert_eq!(app.snapshot().await, before);
    let rows = entity::login_throttle::Entity::find()
        .all(app.db())
        .await
        .unwrap();
    assert!(rows.is_empty(), "{rows:?}");
}

/// Deactivates `user` as `admin`, which must succeed.
async fn deactivate(app: &TestApp, admin: &str, user: uuid::Uuid) {
    let body = app
        .graphql_as(
            admin,
            "mutation($u: ID!) { deactivateUser(input: {user: $u}) { userErrors { code } } }",
            json!({ "u": gid(phancap::graphql::NodeKind::User, user) }),
        )
        .await;
    assert_eq!(
        body["data"]["deactivateUser"]["userErrors"],
        json!([]),
        "{body}"
    );
}

#[tokio::test]
async fn changing_the_password_or_deactivating_ends_the_tokens_issued_before() {
    let app = spawn_app().await;
    app.seed().await;
    let viewer = role_user(Role::Viewer);
    let token = sign_in(&app, [127, 0, 0, 1], &viewer, "role-password-1")
        .await
        .unwrap();
    let change = "mutation { changePassword(input: {currentPassword: \"role-password-1\", newPassword: \"role-password-2\"}) { userErrors { code } } }";
    let body = app.graphql_as(&token, change, json!({})).await;
    assert_eq!(
        body["data"]["changePassword"]["userErrors"],
        json!([]),
        "{body}"
    );
    let (status, _) = app
        .post_with(Some(&token), json!({ "query": "{ me { username } }" }))
        .await;
    assert_eq!(status, 401, "the token issued before the change is over");
    let fresh = sign_in(&app, [127, 0, 0, 1], &viewer, "role-password-2")
        .await
        .unwrap();
    let (status, _) = app
        .post_with(Some(&fresh), json!({ "query": "{ me { username } }" }))
        .await;
    assert_eq!(status, 200);

    // Deactivated: the token ends, and stays ended if the user returns.
    let admin = app.token(&role_user(Role::Admin)).await;
    let user = phancap::users::service::by_username(app.db(), &viewer)
        .await
        .unwrap()
        .unwrap();
    deactivate(&app, &admin, user.id).await;
    let mut row = entity::app_user::Entity::find_by_id(user.id)
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    row.active = Set(true);
    row.update(app.db()).await.unwrap();
    let (status, _) = app
        .post_with(Some(&fresh), json!({ "query": "{ me { username } }" }))
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn the_bearer_scheme_is_read_in_any_case() {
    let app = spawn_app().await;
    app.seed().await;
    let token = app.token(&role_user(Role::Viewer)).await;
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("authorization", format!("{scheme} {token}"))
            .json(&json!({ "query": "{ me { username } }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{scheme}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["data"]["me"]["username"], "viewer.tn");
    }
    let (status, body) = app
        .post_with(None, json!({ "query": "{ me { username } }" }))
        .await;
    assert_eq!((status, body["data"]["me"].clone()), (200, Value::Null));
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("authorization", format!("Basic {token}"))
        .json(&json!({ "query": "{ me { username } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A subscription to report changes signed in with `token`, acknowledged.
async fn subscribe(app: &TestApp, token: &str) -> Socket {
    let url = format!("{}/graphql/ws", app.address.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("bearer {token}") } });
    socket.send(Message::text(init.to_string())).await.unwrap();
    assert_eq!(next(&mut socket).await["type"], "connection_ack");
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { reportStatusChanged { status } }" } });
    socket
        .send(Message::text(subscribe.to_string()))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    socket
}

async fn next(socket: &mut Socket) -> Value {
    match tokio::time::timeout(Duration::from_secs(10), socket.next()).await {
        Ok(Some(Ok(Message::Text(text)))) => serde_json::from_str(&text).unwrap(),
        other => panic!("no message: {other:?}"),
    }
}

#[tokio::test]
async fn a_subscription_ends_with_its_user_or_its_token() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let cycle = reporting_cycle(&app, &fixture.inside, 1).await;
    let viewer = role_user(Role::Viewer);
    let user = phancap::users::service::by_username(app.db(), &viewer)
        .await
        .unwrap()
        .unwrap();

    // A token that expires in two seconds: the stream completes then,
    // with no event needed.
    let (short, _) = app
        .tokens
        .issue(user.id, user.token_version, Some(Duration::from_secs(2)))
        .unwrap();
    let mut expiring = subscribe(&app, &short).await;
    let done = next(&mut expiring).await;
    assert_eq!(done["type"], "complete", "{done}");

    // A user deactivated while listening hears nothing more.
    let token = app.token(&viewer).await;
    let mut listening = subscribe(&app, &token).await;
    let report = gid(phancap::graphql::NodeKind::Report, cycle.report);
    let version = fill_report(&app, cycle.report, 1.0).await;
    let reporter = app.token(&role_user(Role::Reporter)).await;
    let submit = "mutation($r: ID!, $v: Int!) { submitReport(input: {report: $r, expectedVersion: $v}) { report { version } userErrors { code } } }";
    let body = app
        .graphql_as(&reporter, submit, json!({ "r": report, "v": version }))
        .await;
    let version = body["data"]["submitReport"]["report"]["version"]
        .as_i64()
        .unwrap_or_else(|| panic!("{body}"));
    let heard = next(&mut listening).await;
    assert_eq!(heard["type"], "next", "{heard}");
    let admin = app.token(&role_user(Role::Admin)).await;
    deactivate(&app, &admin, user.id).await;
    let reviewer = app.token(&role_user(Role::Reviewer)).await;
    let accept = "mutation($r: ID!, $v: Int!) { acceptReport(input: {report: $r, expectedVersion: $v}) { report { status } userErrors { code } } }";
    let body = app
        .graphql_as(&reviewer, accept, json!({ "r": report, "v": version }))
        .await;
    assert_eq!(
        body["data"]["acceptReport"]["report"]["status"], "ACCEPTED",
        "{body}"
    );
    let after = next(&mut listening).await;
    assert_eq!(after["type"], "complete", "{after}");
}

/// The rule code with which saving `values` into version 1 of `report`
/// from the command line is refused.
async fn draft_refusal(app: &TestApp, report: uuid::Uuid, values: Vec<(String, f64)>) -> String {
    let draft = phancap::reporting::reports::DraftInput {
        values: values
            .into_iter()
            .map(|(code, value)| phancap::reporting::reports::ValueInput::number(code, value))
            .collect(),
        ..Default::default()
    };
    let refused = phancap::reporting::reports::save_draft(
        app.db(),
        phancap::auth::Authority::Cli,
        report,
        1,
        draft,
    )
    .await;
    match refused {
        Err(phancap::error::AppError::Rule { code, .. }) => code.name(),
        other => panic!("not refused by a rule: {other:?}"),
    }
}

/// The `userErrors` code of a mutation's payload, or the error code.
fn refusal(body: &Value, field: &str) -> String {
    match body["data"][field]["userErrors"][0]["code"].as_str() {
        Some(code) => code.to_owned(),
        None => error_code(body).to_owned(),
    }
}

#[tokio::test]
async fn national_events_are_seen_by_every_admin_and_inspector() {
    let app = spawn_app().await;
    app.seed().await;
    let admin = app.token(&role_user(Role::Admin)).await;
    let body = app
        .graphql_as(
            &admin,
            "mutation { addHoliday(input: {date: \"2027-12-31\", kind: HOLIDAY, name: \"Nghỉ bù (thử)\", source: \"TB thử\"}) { userErrors { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["addHoliday"]["userErrors"],
        json!([]),
        "{body}"
    );
    let events = "{ auditEvents(first: 100) { edges { node { action } } } }";
    for role in [Role::Admin, Role::Inspector] {
        let token = app.token(&role_user(role)).await;
        let body = app.graphql_as(&token, events, json!({})).await;
        let actions: Vec<&str> = body["data"]["auditEvents"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["node"]["action"].as_str())
            .collect();
        assert!(actions.contains(&"addHoliday"), "{role:?}: {actions:?}");
    }
    let viewer = app.token(&role_user(Role::Viewer)).await;
    let body = app.graphql_as(&viewer, events, json!({})).await;
    assert_eq!(error_code(&body), "FORBIDDEN");
}

#[tokio::test]
async fn values_budgets_names_and_days_stay_within_what_readers_can_use() {
    use phancap::auth::Authority;
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let cycle = reporting_cycle(&app, &fixture.inside, 1).await;
    let basis = crate::helpers::document(&app, "12/2025/QĐ-UBND", true).await;
    crate::helpers::catalogue(&app, "NS-01").await;
    let before = app.snapshot().await;

    // Indicator values: finite and at most 10^15 in magnitude.
    for value in [1.7e308, -1e16, f64::INFINITY] {
        let code = draft_refusal(&app, cycle.report, vec![("HO_SO".into(), value)]).await;
        assert_eq!(code, "INVALID_VALUE", "{value}");
    }

    // Budgets: never negative, never beyond what JavaScript reads exactly.
    for (budget, staff, code) in [
        (Some(-1), None, "NEGATIVE_RESOURCES"),
        (None, Some(-2), "NEGATIVE_RESOURCES"),
        (Some(1i64 << 53), None, "BUDGET_TOO_LARGE"),
    ] {
        let mut input = crate::helpers::mandate_input(
            "19-NS-01",
            "NS-01",
            fixture.inside.id,
            vec![fixture.inside.commune],
            basis,
        );
        input.resources.budget_vnd = budget;
        input.resources.staff = staff;
        let refused =
            phancap::mandates::service::draft_mandate(app.db(), Authority::Cli, input).await;
        assert!(
            matches!(&refused, Err(phancap::error::AppError::Rule { code: c, .. }) if c.name() == code),
            "{budget:?} {staff:?}: {refused:?}"
        );
    }

    // Names: no text-direction overrides, not accents alone.
    let admin = app.token(&role_user(Role::Admin)).await;
    let parent = gid(phancap::graphql::NodeKind::Unit, fixture.inside.id);
    for name in [
        "Sở \u{202E}vụ iộN",
        "\u{0301}\u{0323}",
        "Ban\u{2067}x\u{2069}",
    ] {
        let body = app
            .graphql_as(
                &admin,
                "mutation($p: ID!, $n: String!) { createUnit(input: {parent: $p, code: \"19-BQL\", name: $n, adminType: BAN}) { userErrors { code } } }",
                json!({ "p": parent, "n": name }),
            )
            .await;
        assert_eq!(
            refusal(&body, "createUnit"),
            "INVALID_NAME",
            "{name:?}: {body}"
        );
    }

    // Days: only within the years the calendar reads.
    for date in ["1999-12-31", "2101-01-03"] {
        let body = app
            .graphql_as(
                &admin,
                "mutation($d: Date!) { addHoliday(input: {date: $d, kind: HOLIDAY, name: \"x\", source: \"y\"}) { userErrors { code } } }",
                json!({ "d": date }),
            )
            .await;
        assert_eq!(
            refusal(&body, "addHoliday"),
            "OUT_OF_RANGE",
            "{date}: {body}"
        );
    }
    assert!(
        app.snapshot().await == before,
        "a refusal changed the database"
    );
}

/// A POST from the loopback address `from`, with a token when given.
async fn post_from(
    app: &TestApp,
    from: [u8; 4],
    token: Option<&str>,
    body: Value,
) -> reqwest::Response {
    let client = reqwest::Client::builder()
        .local_address(IpAddr::from(from))
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let mut request = client.post(format!("{}/graphql", app.address)).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn an_address_over_its_limits_waits_and_others_do_not() {
    let app = crate::helpers::spawn_app_with(phancap::startup::Settings {
        anonymous_per_minute: 4,
        logins_per_minute: 2,
        ..phancap::startup::Settings::default()
    })
    .await;
    app.seed().await;
    let read = json!({ "query": "{ unitByCode(code: \"19\") { name } }" });
    for _ in 0..4 {
        assert_eq!(
            post_from(&app, [127, 0, 0, 1], None, read.clone())
                .await
                .status(),
            200
        );
    }
    let refused = post_from(&app, [127, 0, 0, 1], None, read.clone()).await;
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=15).contains(&wait), "{wait}");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(error_code(&body), "RATE_LIMITED");
    // Another address, and a signed-in caller, are not held back.
    assert_eq!(
        post_from(&app, [127, 0, 0, 2], None, read.clone())
            .await
            .status(),
        200
    );
    let token = app.token(&role_user(Role::Viewer)).await;
    assert_eq!(
        post_from(&app, [127, 0, 0, 1], Some(&token), read)
            .await
            .status(),
        200
    );

    // Sign-ins have a limit of their own, counted before the password.
    let login =
        |p: &str| json!({ "query": LOGIN, "variables": { "u": role_user(Role::Viewer), "p": p } });
    for _ in 0..2 {
        let response = post_from(&app, [127, 0, 0, 3], None, login("wrong-password-1")).await;
        assert_eq!(response.status(), 200);
    }
    let refused = post_from(&app, [127, 0, 0, 3], None, login("role-password-1")).await;
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers()["retry-after"].to_str().unwrap(), "30");
    let metrics = reqwest::get(format!("{}/metrics", app.address))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("phancap_login_failures_total 2"),
        "{metrics}"
    );
}

/// An introspected type reference, flattened to the GraphQL spelling
/// (`[String!]!`) and its named type.
fn type_ref(t: &Value) -> (String, String) {
    match t["kind"].as_str().unwrap() {
        "NON_NULL" => {
            let (s, n) = type_ref(&t["ofType"]);
            (format!("{s}!"), n)
        }
        "LIST" => {
            let (s, n) = type_ref(&t["ofType"]);
            (format!("[{s}]"), n)
        }
        _ => {
            let name = t["name"].as_str().unwrap().to_owned();
            (name.clone(), name)
        }
    }
}

/// A value of type `t` with every required field filled, and `long` put at
/// `path` (input field names below this value).
fn sample(types: &Value, t: &Value, path: &[String], long: &str, id: &str) -> Value {
    match t["kind"].as_str().unwrap() {
        "NON_NULL" => sample(types, &t["ofType"], path, long, id),
        "LIST" => json!([sample(types, &t["ofType"], path, long, id)]),
        _ => {
            let name = t["name"].as_str().unwrap();
            let ty = types
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["name"] == name)
                .unwrap();
            match ty["kind"].as_str().unwrap() {
                "ENUM" => ty["enumValues"][0]["name"].clone(),
                "INPUT_OBJECT" => {
                    let mut object = serde_json::Map::new();
                    for field in ty["inputFields"].as_array().unwrap() {
                        let fname = field["name"].as_str().unwrap();
                        let on_path = path.first().is_some_and(|p| p == fname);
                        if on_path || field["type"]["kind"] == "NON_NULL" {
                            let (rest, text) = if on_path {
                                (&path[1..], long)
                            } else {
                                (&[][..], "")
                            };
                            object.insert(
                                fname.to_owned(),
                                sample(types, &field["type"], rest, text, id),
                            );
                        }
                    }
                    Value::Object(object)
                }
                _ if path.is_empty() && name == "String" && !long.is_empty() => json!(long),
                _ => match name {
                    "String" => json!("x"),
                    "ID" => json!(id),
                    "Int" => json!(1),
                    "Float" => json!(1.0),
                    "Boolean" => json!(false),
                    "Date" => json!("2026-01-05"),
                    "DateTime" => json!("2026-01-05T00:00:00Z"),
                    "Period" => json!("2026Q1"),
                    other => panic!("no sample for scalar {other}"),
                },
            }
        }
    }
}

/// Every path to a String input field below type `t`.
fn string_paths(types: &Value, t: &Value, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let (_, name) = type_ref(t);
    if name == "String" {
        out.push(prefix);
        return;
    }
    let Some(ty) = types
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == name.as_str() && x["kind"] == "INPUT_OBJECT")
    else {
        return;
    };
    for field in ty["inputFields"].as_array().unwrap() {
        let mut path = prefix.clone();
        path.push(field["name"].as_str().unwrap().to_owned());
        if path.len() < 5 {
            string_paths(types, &field["type"], path, out);
        }
    }
}

#[tokio::test]
async fn every_string_input_of_every_mutation_is_bounded_before_the_database() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let root = app.token("root").await;
    let id = gid(phancap::graphql::NodeKind::Unit, fixture.inside.id);
    let schema = app
        .graphql(
            "{ __schema { mutationType { fields { name args { name type { ...T } } } }
               types { name kind enumValues { name } inputFields { name type { ...T } } } } }
             fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }",
            json!({}),
        )
        .await;
    let types = &schema["data"]["__schema"]["types"];
    let mutations = schema["data"]["__schema"]["mutationType"]["fields"]
        .as_array()
        .unwrap();
    let mut checked = 0;
    for mutation in mutations {
        let name = mutation["name"].as_str().unwrap();
        let args = mutation["args"].as_array().unwrap();
        for (at, arg) in args.iter().enumerate() {
            let mut paths = Vec::new();
            string_paths(types, &arg["type"], Vec::new(), &mut paths);
            for path in paths {
                for length in [2, 65, 201, 501, 100_000] {
                    // Multi-byte letters where the column counts characters;
                    // ASCII for the longest, to stay under the body limit;
                    // a NUL, which PostgreSQL refuses in text, in the shortest.
                    let long = match length {
                        2 => "x\u{0}".to_owned(),
                        100_000 => "x".repeat(length),
                        _ => "ẫ".repeat(length),
                    };
                    let mut declared = Vec::new();
                    let mut passed = Vec::new();
                    let mut variables = serde_json::Map::new();
                    for (i, a) in args.iter().enumerate() {
                        let required = a["type"]["kind"] == "NON_NULL";
                        if i != at && !required {
                            continue;
                        }
                        let aname = a["name"].as_str().unwrap();
                        let (spelled, _) = type_ref(&a["type"]);
                        declared.push(format!("${aname}: {spelled}"));
                        passed.push(format!("{aname}: ${aname}"));
                        let (p, l) = if i == at {
                            (&path[..], long.as_str())
                        } else {
                            (&[][..], "")
                        };
                        variables.insert(aname.to_owned(), sample(types, &a["type"], p, l, &id));
                    }
                    let query = format!(
                        "mutation({}) {{ {name}({}) {{ __typename }} }}",
                        declared.join(", "),
                        passed.join(", ")
                    );
                    let (status, body) = app
                        .post_with(
                            Some(&root),
                            json!({ "query": query, "variables": variables }),
                        )
                        .await;
                    let code = body["errors"][0]["extensions"]["code"].as_str();
                    let field = format!("{name}.{}.{}", arg["name"], path.join("."));
                    assert!(
                        status < 500 && code != Some("INTERNAL"),
                        "{field} ({length}): {body}"
                    );
                    if length == 100_000 {
                        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
                        assert_eq!(status, 200, "{field}: {body}");
                        assert_eq!(code, Some("BAD_USER_INPUT"), "{field}: {body}");
                        assert!(
                            message.contains("length"),
                            "{field} is bounded before any database work: {body}"
                        );
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 150, "{checked}");
}

const ISSUE: &str = "mutation($id: ID!) { issueMandate(input: { id: $id }) { mandate { status } userErrors { code } } }";

/// Runs `n` issueMandate calls for `ids` (round robin) at once; the codes
/// (`ISSUED` for a success).
async fn issue_at_once(app: &TestApp, token: &str, ids: &[String], n: usize) -> Vec<String> {
    let calls = (0..n).map(|i| {
        let id = ids[i % ids.len()].clone();
        async move {
            let body = app.graphql_as(token, ISSUE, json!({ "id": id })).await;
            let payload = &body["data"]["issueMandate"];
            match payload["userErrors"][0]["code"].as_str() {
                Some(code) => code.to_owned(),
                None if payload["mandate"]["status"].is_string() => "ISSUED".to_owned(),
                None => panic!("{body}"),
            }
        }
    });
    async_graphql::futures_util::future::join_all(calls).await
}

#[tokio::test]
async fn racing_issues_of_one_draft_or_one_matter_issue_exactly_one() {
    use phancap::auth::Authority;
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let basis = crate::helpers::document(&app, "15/2025/QĐ-UBND", true).await;
    let root = app.token("root").await;
    let draft = |code: &'static str, matter: &'static str| {
        crate::helpers::mandate_input(
            code,
            matter,
            fixture.inside.id,
            vec![fixture.inside.commune],
            basis,
        )
    };
    crate::helpers::catalogue(&app, "XD-RACE-1").await;
    crate::helpers::catalogue(&app, "XD-RACE-2").await;
    // One draft issued ten times at once: issued once, audited once.
    let one = phancap::mandates::service::draft_mandate(
        app.db(),
        Authority::Cli,
        draft("19-RACE-01", "XD-RACE-1"),
    )
    .await
    .unwrap();
    crate::helpers::appraise_if_needed(&app, &one).await;
    let id = gid(phancap::graphql::NodeKind::Mandate, one.id);
    let outcomes = issue_at_once(&app, &root, &[id], 10).await;
    assert_eq!(
        outcomes.iter().filter(|o| *o == "ISSUED").count(),
        1,
        "{outcomes:?}"
    );
    assert!(
        outcomes.iter().all(|o| o == "ISSUED" || o == "NOT_DRAFT"),
        "{outcomes:?}"
    );
    let events = entity::audit_event::Entity::find()
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "issueMandate")
        .count();
    assert_eq!(events, 1);

    // Two drafts of the same matter for the same commune, issued at once:
    // one leads it, the other is refused.
    let a = phancap::mandates::service::draft_mandate(
        app.db(),
        Authority::Cli,
        draft("19-RACE-02", "XD-RACE-2"),
    )
    .await
    .unwrap();
    let b = phancap::mandates::service::draft_mandate(
        app.db(),
        Authority::Cli,
        draft("19-RACE-03", "XD-RACE-2"),
    )
    .await
    .unwrap();
    crate::helpers::appraise_if_needed(&app, &a).await;
    crate::helpers::appraise_if_needed(&app, &b).await;
    let ids = [
        gid(phancap::graphql::NodeKind::Mandate, a.id),
        gid(phancap::graphql::NodeKind::Mandate, b.id),
    ];
    let outcomes = issue_at_once(&app, &root, &ids, 2).await;
    let mut sorted = outcomes.clone();
    sorted.sort();
    assert_eq!(sorted, ["ISSUED", "OVERLAPPING_LEAD"], "{outcomes:?}");
}

/// A POST with an `Idempotency-Key`: status, replayed or not, body text.
async fn post_keyed(app: &TestApp, token: &str, key: &str, body: &Value) -> (u16, bool, String) {
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let replayed = response.headers().contains_key("idempotent-replayed");
    (status, replayed, response.text().await.unwrap())
}

#[tokio::test]
async fn a_retried_mutation_returns_its_first_answer_and_changes_nothing_more() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let root = app.token("root").await;
    let province = gid(phancap::graphql::NodeKind::Unit, fixture.inside.id);
    // Mutations that succeed, each sent twice under one key.
    let real = [
        json!({ "query": "mutation($p: ID!) { createUnit(input: {parent: $p, code: \"19-BQLDA\", name: \"Ban Quản lý dự án\", adminType: BAN}) { unit { id } userErrors { code } } }", "variables": { "p": province } }),
        json!({ "query": "mutation { addHoliday(input: {date: \"2027-12-30\", kind: HOLIDAY, name: \"Nghỉ (thử)\", source: \"TB thử\"}) { holiday { date } userErrors { code } } }" }),
        json!({ "query": "mutation { createDocument(input: {number: \"77/2025/QĐ-UBND\", type: QD_UBND, subject: \"Văn bản thử\", issuerName: \"UBND tỉnh Thái Nguyên\", issuedDate: \"2025-07-01\", effectiveFrom: \"2025-07-10\"}) { document { id } userErrors { code } } }" }),
    ];
    for (i, body) in real.iter().enumerate() {
        let key = format!("retry-{i}");
        let (status, replayed, first) = post_keyed(&app, &root, &key, body).await;
        assert_eq!((status, replayed), (200, false), "{first}");
        assert!(!first.contains("\"errors\""), "{first}");
        let after_first = app.snapshot().await;
        let (status, replayed, again) = post_keyed(&app, &root, &key, body).await;
        assert_eq!((status, replayed), (200, true));
        assert_eq!(again, first, "the first answer, word for word");
        assert!(
            app.snapshot().await == after_first,
            "a replay changes nothing"
        );
        // The key with another request is refused, and changes nothing.
        let other = json!({ "query": "{ __typename }" });
        let (status, _, refused) = post_keyed(&app, &root, &key, &other).await;
        assert_eq!(status, 422, "{refused}");
        assert!(refused.contains("IDEMPOTENCY_KEY_REUSED"));
        assert!(app.snapshot().await == after_first);
    }
    // Every mutation kind, even when refused, is answered once per key.
    let schema = app
        .graphql(
            "{ __schema { mutationType { fields { name } } } }",
            json!({}),
        )
        .await;
    for field in schema["data"]["__schema"]["mutationType"]["fields"]
        .as_array()
        .unwrap()
    {
        let name = field["name"].as_str().unwrap();
        let body =
            json!({ "query": format!("mutation {{ {name}(input: {{}}) {{ __typename }} }}") });
        let key = format!("kind-{name}");
        let (_, _, first) = post_keyed(&app, &root, &key, &body).await;
        let before = app.snapshot().await;
        let (_, replayed, again) = post_keyed(&app, &root, &key, &body).await;
        assert!(replayed, "{name}");
        if name == "login" {
            // A sign-in's answer is never kept: it may hold a token.
            assert!(again.contains("ANSWER_NOT_KEPT"), "{again}");
        } else {
            assert_eq!(again, first, "{name}");
        }
        assert!(app.snapshot().await == before, "{name}");
    }
    // A malformed key is refused.
    let (status, _, _) = post_keyed(&app, &root, "two words", &real[0]).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn racing_retries_of_one_key_run_once_and_keys_expire() {
    let app = crate::helpers::spawn_app_with(phancap::startup::Settings {
        idempotency_ttl: 2,
        ..crate::helpers::unlimited()
    })
    .await;
    let fixture = app.seed().await;
    let root = app.token("root").await;
    let province = gid(phancap::graphql::NodeKind::Unit, fixture.inside.id);
    let create = |code: &str| json!({ "query": "mutation($p: ID!, $c: String!) { createUnit(input: {parent: $p, code: $c, name: \"Ban thử\", adminType: BAN}) { unit { id } userErrors { code } } }", "variables": { "p": province, "c": code } });
    let body = create("19-RACE");
    let calls = (0..5).map(|_| post_keyed(&app, &root, "same-retry", &body));
    let answers = async_graphql::futures_util::future::join_all(calls).await;
    let created = answers
        .iter()
        .filter(|(status, replayed, text)| {
            *status == 200 && !replayed && text.contains("\"unit\":{")
        })
        .count();
    assert_eq!(created, 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .all(|(status, replayed, _)| (*status == 200) || (*status == 409 && !replayed)),
        "{answers:?}"
    );
    // After the key expires, the same request runs again (and is refused
    // by the code rule this time).
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (status, replayed, text) = post_keyed(&app, &root, "same-retry", &body).await;
    assert_eq!((status, replayed), (200, false));
    assert!(text.contains("DUPLICATE_CODE"), "{text}");
}

#[tokio::test]
async fn one_busy_connection_holds_up_no_other_request() {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    if let Some(url) = crate::helpers::pg_url() {
        // PostgreSQL: a runaway statement is cancelled.
        let conn = phancap::db::connect_with(
            &url,
            None,
            &Default::default(),
            Some(Duration::from_secs(1)),
        )
        .await
        .unwrap();
        let err = conn
            .execute_unprepared("SELECT pg_sleep(5)")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("statement timeout"), "{err}");
        return;
    }
    // An embedded SQLite file, as the README runs it.
    let dir = std::env::temp_dir().join(format!("phancap-wal-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("phancap.db").display());
    let conn = phancap::db::connect(&url, None, &Default::default())
        .await
        .unwrap();
    phancap::db::migrate(&conn).await.unwrap();
    let settings = phancap::startup::Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..crate::helpers::unlimited()
    };
    let app = phancap::startup::Application::build(
        &settings,
        conn.clone(),
        crate::helpers::test_tokens(None),
    )
    .await
    .unwrap();
    let address = format!("http://{}", app.local_addr().unwrap());
    tokio::spawn(app.run_until(std::future::pending()));

    // A slow request holds a connection and the write lock ...
    let slow = crate::helpers::begin_immediate(&conn).await;
    // ... and a read still answers at once.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let read = client
        .post(format!("{address}/graphql"))
        .json(&json!({ "query": "{ holidays(year: 2026) { date } }" }))
        .send()
        .await
        .expect("a read answers beside a write");
    let body: Value = read.json().await.unwrap();
    assert!(
        body["data"]["holidays"]
            .as_array()
            .is_some_and(|h| !h.is_empty()),
        "{body}"
    );
    // A write waits for the lock rather than failing, then goes through.
    let writer = tokio::spawn({
        let conn = conn.clone();
        async move {
            let txn = conn.begin().await.unwrap();
            txn.execute_unprepared("UPDATE holiday SET name = name WHERE day = '2026-01-01'")
                .await
                .map(|_| ())
                .and(txn.commit().await)
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    slow.commit().await.unwrap();
    writer
        .await
        .unwrap()
        .expect("the waiting write went through");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn the_websocket_serves_subscriptions_only_and_to_its_own_origins() {
    let app = spawn_app().await;
    app.seed().await;
    let url = format!("{}/graphql/ws", app.address.replace("http://", "ws://"));
    // A page of another origin cannot open it.
    let mut request = url.clone().into_client_request().unwrap();
    let headers = request.headers_mut();
    headers.insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    headers.insert("origin", "https://evil.example".parse().unwrap());
    assert!(tokio_tungstenite::connect_async(request).await.is_err());
    let token = app.token(&role_user(Role::Admin)).await;
    let mut socket = subscribe(&app, &token).await;
    // Queries and mutations (a sign-in among them) go to POST /graphql;
    // documents refused before the schema runs carry their code too.
    let only_subscriptions = Some("only subscriptions");
    for (id, query, says) in [
        ("q", "{ me { username } }", only_subscriptions),
        (
            "m",
            "mutation { login(input: {username: \"viewer.tn\", password: \"x-wrong-pass\"}) { accessToken } }",
            only_subscriptions,
        ),
        ("p", "subscription {", None),
        (
            "two",
            "subscription { reportStatusChanged { status } } subscription { reportStatusChanged { status } }",
            None,
        ),
    ] {
        let message = json!({ "id": id, "type": "subscribe", "payload": { "query": query } });
        socket
            .send(Message::text(message.to_string()))
            .await
            .unwrap();
        let answer = loop {
            let m = next(&mut socket).await;
            if m["id"] == id {
                break m;
            }
        };
        assert_eq!(
            answer["payload"]["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{answer}"
        );
        if let Some(text) = says {
            assert!(answer.to_string().contains(text), "{answer}");
            assert_eq!(answer["payload"]["data"], Value::Null, "{answer}");
        }
    }
    let metrics = reqwest::get(format!("{}/metrics", app.address))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("phancap_login_failures_total 0"),
        "{metrics}"
    );
}

#[tokio::test]
async fn what_the_edge_review_found_stays_fixed() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    // A document whose unused fragments double per level is refused at once.
    let mut bomb = String::from(
        "query A { __typename } query B { ...F21 } fragment F0 on Query { __typename }",
    );
    for i in 1..=21 {
        bomb.push_str(&format!(
            " fragment F{i} on Query {{ ...F{p} ...F{p} }}",
            p = i - 1
        ));
    }
    let started = std::time::Instant::now();
    let (_, body) = app
        .post(json!({ "query": bomb, "operationName": "A" }))
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(started.elapsed() < Duration::from_secs(2));
    // A browser-safe content type that mentions JSON is still not JSON.
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "text/plain;charset=json")
        .body(r#"{"query":"{ __typename }"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    // Dates beyond 1900–2200 are bad input.
    let (_, body) = app
        .post(json!({ "query": "{ unitByCode(code: \"19\", asOf: \"+262142-12-31\") { name } }" }))
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    // A wrong current password is counted: a token cannot guess it.
    let viewer = app.token(&role_user(Role::Viewer)).await;
    let change = |current: &str| json!({ "query": format!("mutation {{ changePassword(input: {{currentPassword: \"{current}\", newPassword: \"new-password-77\"}}) {{ userErrors {{ code }} }} }}") });
    let mut codes = Vec::new();
    for i in 0..6 {
        let (_, body) = app
            .post_with(Some(&viewer), change(&format!("guess-{i}-long")))
            .await;
        codes.push(body["data"]["changePassword"]["userErrors"][0]["code"].clone());
    }
    assert_eq!(codes[4], "INVALID_CREDENTIALS");
    assert_eq!(codes[5], "THROTTLED");
    let (_, body) = app
        .post_with(Some(&viewer), change("role-password-1"))
        .await;
    assert_eq!(
        body["data"]["changePassword"]["userErrors"][0]["code"],
        "THROTTLED"
    );
    // One password check per request.
    let admin = app.token(&role_user(Role::Admin)).await;
    let twice = "mutation { a: changePassword(input: {currentPassword: \"x-wrong-1\", newPassword: \"new-password-77\"}) { userErrors { code } } b: changePassword(input: {currentPassword: \"x-wrong-2\", newPassword: \"new-password-77\"}) { userErrors { code } } }";
    let (_, body) = app.post_with(Some(&admin), json!({ "query": twice })).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    // A keyed sign-in keeps no token for its replay.
    let root = app.token("root").await;
    let login = json!({ "query": "mutation { login(input: {username: \"reporter.tn\", password: \"role-password-1\"}) { accessToken } }" });
    let (_, _, first) = post_keyed(&app, &root, "keyed-login", &login).await;
    assert!(first.contains("accessToken\":\""), "{first}");
    let (_, replayed, again) = post_keyed(&app, &root, "keyed-login", &login).await;
    assert!(
        replayed && again.contains("ANSWER_NOT_KEPT") && !again.contains("accessToken\":\""),
        "{again}"
    );
    // Duplicate indicator values are refused.
    let cycle = reporting_cycle(&app, &fixture.inside, 1).await;
    let values = vec![("HO_SO".into(), 1.0), ("HO_SO".into(), 2.0)];
    let code = draft_refusal(&app, cycle.report, values).await;
    assert_eq!(code, "DUPLICATE_INDICATOR");
}

/// Resident and peak memory of process `pid`, in MiB.
fn memory_mib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|kib| kib.parse::<u64>().ok())
            .unwrap_or(0)
            / 1024
    };
    (field("VmRSS:"), field("VmHWM:"))
}

#[tokio::test]
async fn memory_stays_flat_under_repeated_sign_ins() {
    if crate::helpers::pg_url().is_some() {
        // The server process is the README's, on its embedded SQLite.
        return;
    }
    let dir = std::env::temp_dir().join(format!("phancap-mem-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let bin = env!("CARGO_BIN_EXE_phancap");
    let run = |args: &[&str]| {
        let mut command = std::process::Command::new(bin);
        for (name, _) in std::env::vars() {
            if name.starts_with("PHANCAP_") || name == "DATABASE_URL" {
                command.env_remove(name);
            }
        }
        command
            .args(args)
            .current_dir(&dir)
            .env("PHANCAP_LOGINS_PER_MINUTE", "0")
            .env("PHANCAP_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null());
        command
    };
    assert!(
        run(&["import-units", "--structure", "2025"])
            .status()
            .unwrap()
            .success()
    );
    let mut server = run(&["serve", "--listen", "127.0.0.1:0"]).spawn().unwrap();
    let stdout = server.stdout.take().unwrap();
    let address = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|l| l.strip_prefix("GraphiQL: ").map(str::to_owned))
    })
    .await
    .unwrap()
    .expect("the server starts");
    let client = reqwest::Client::new();
    let attempt = |i: usize| {
        let client = client.clone();
        let address = address.clone();
        async move {
            let body = json!({ "query": LOGIN, "variables": { "u": format!("nobody.{i}"), "p": "wrong-password" } });
            client
                .post(&address)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    for i in 0..10 {
        assert_eq!(attempt(i).await, 200);
    }
    let (warm, _) = memory_mib(server.id());
    for round in 0..4 {
        let batch = (0..16).map(|i| attempt(100 + round * 16 + i));
        async_graphql::futures_util::future::join_all(batch).await;
    }
    let (after, peak) = memory_mib(server.id());
    server.kill().ok();
    server.wait().ok();
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        after <= warm + 48,
        "74 more sign-ins grew the server from {warm} MiB to {after} MiB (peak {peak})"
    );
}

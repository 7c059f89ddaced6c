//! Limits on what one request may cost, error codes for malformed
//! requests, and the statement count of nested reads.

use phancap::schema::Limits;
use phancap::startup::Settings;
use phancap::units::import::Structure;
use serde_json::{Value, json};

use crate::helpers::{bundled_rows, error_code, national, spawn_app, spawn_app_with};

#[tokio::test]
async fn a_query_nested_too_deep_is_refused() {
    let mut query = String::from("code");
    for _ in 0..20 {
        query = format!("parent {{ {query} }}");
    }
    let body = national()
        .graphql(
            &format!("{{ unitByCode(code: \"19\") {{ {query} }} }}"),
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nested too deep"),
        "{body}"
    );
    assert_eq!(body["data"], Value::Null);
}

#[tokio::test]
async fn a_query_too_complex_is_refused_before_it_runs() {
    let body = national()
        .graphql(
            "{ units(first: 100) { nodes { children(first: 100) { nodes { children(first: 100) { nodes { code } } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("complex"),
        "{body}"
    );
    assert_eq!(body["data"], Value::Null);
}

#[tokio::test]
async fn batches_are_answered_in_order_up_to_ten_operations() {
    let op =
        |code: &str| json!({ "query": format!("{{ unitByCode(code: \"{code}\") {{ code }} }}") });
    let (status, body) = national().post(json!([op("19"), op("01")])).await;
    assert_eq!(status, 200);
    assert_eq!(body[0]["data"]["unitByCode"]["code"], "19");
    assert_eq!(body[1]["data"]["unitByCode"]["code"], "01");

    let eleven: Vec<Value> = (0..11).map(|_| op("19")).collect();
    let (status, body) = national().post(Value::Array(eleven)).await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    let (status, body) = national().post(json!([])).await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
}

#[tokio::test]
async fn a_body_that_is_not_graphql_or_too_large_is_refused() {
    let app = national();
    let (status, body) = app.post(json!({ "nothing": "here" })).await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "BAD_USER_INPUT");

    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);

    let huge = format!(
        "{{ unitByCode(code: \"19\") {{ code }} }} #{}",
        "x".repeat(300 * 1024)
    );
    let (status, _) = app.post(json!({ "query": huge })).await;
    assert_eq!(status, 413);
}

#[tokio::test]
async fn invalid_queries_and_arguments_are_bad_user_input() {
    for (query, why) in [
        ("{ unitByCode(code: \"19\") { nonsense } }", "unknown field"),
        (
            "{ unitByCode(code: \"19\", asOf: \"2025-13-45\") { code } }",
            "bad date",
        ),
        (
            "{ units(kind: VILLAGE) { totalCount } }",
            "unknown enum value",
        ),
        ("{ units(first: \"ten\") { totalCount } }", "wrong type"),
        ("{ units { ", "syntax"),
    ] {
        let body = national().graphql(query, json!({})).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{why}: {body}");
    }
}

#[tokio::test]
async fn introspection_can_be_switched_off() {
    let app = spawn_app_with(Settings {
        limits: Limits {
            introspection: false,
            ..Limits::default()
        },
        ..Settings::default()
    })
    .await;
    let body = app
        .graphql("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(body["data"]["__schema"], Value::Null, "{body}");
    let body = national()
        .graphql("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query");
}

/// Province → districts → communes → successors → their province: the
/// statements run depend on the depth of the query, not on how many rows
/// each level holds.
#[tokio::test]
async fn nested_reads_cost_one_statement_per_level_not_per_row() {
    let app = spawn_app().await;
    app.import_csv(
        Structure::Legacy,
        &bundled_rows("units-legacy.csv", &["06", "19"]),
    )
    .await
    .unwrap();
    app.import_csv(Structure::Current, &bundled_rows("units-2025.csv", &["19"]))
        .await
        .unwrap();
    let query = "query($code: String!) { unitByCode(code: $code, asOf: \"2025-06-30\") {
        children(first: 100) { nodes { name children(first: 100) { nodes { name
          successors { kind successor { name parent { name } } } } } } } } }";
    let mut statements = Vec::new();
    for (code, communes) in [("19", 172), ("06", 108)] {
        let before = app.statements.get();
        let body = app.graphql(query, json!({ "code": code })).await;
        statements.push(app.statements.get() - before);
        let districts = body["data"]["unitByCode"]["children"]["nodes"]
            .as_array()
            .unwrap();
        let read: usize = districts
            .iter()
            .map(|d| {
                let nodes = d["children"]["nodes"].as_array().unwrap();
                assert!(
                    nodes
                        .iter()
                        .all(|c| !c["successors"].as_array().unwrap().is_empty())
                );
                nodes.len()
            })
            .sum();
        assert_eq!(read, communes, "province {code}");
    }
    // unit, districts, communes, lineage, successor units, their parents:
    // six levels, six statements. A loaded machine (a build beside the
    // tests) may run a level's batch before all its fields have enqueued,
    // hence the slack; a per-row cost would be hundreds.
    assert!(
        statements.iter().all(|n| (6..=12).contains(n)),
        "statements per query for 19 and 06: {statements:?}"
    );
}

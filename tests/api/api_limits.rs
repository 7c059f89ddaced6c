//! Limits on what one request may cost, error codes for malformed
//! requests, and the statement count of nested reads.

use phancap::schema::Limits;
use phancap::startup::Settings;
use serde_json::{Value, json};

use crate::helpers::{error_code, national, spawn_app, spawn_app_with};

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
    app.import_two_provinces().await;
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
    // unit, districts with their communes (one planned statement),
    // lineage, successor units, their parents: five statements for six
    // levels. A loaded machine (a build beside the tests) may run a level's
    // batch before all its fields have enqueued, hence the slack; a per-row
    // cost would be hundreds.
    assert!(
        statements.iter().all(|n| (5..=10).contains(n)),
        "statements per query for 19 and 06: {statements:?}"
    );
}

/// The codes of a list of units in a response.
fn codes_of(nodes: &Value) -> Vec<&str> {
    nodes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect()
}

/// A query that asks for a unit's children and their children reads both
/// levels in one statement (the look-ahead plans it), and answers exactly
/// as the level-by-level read does: the same units in the same order, with
/// the grandchildren's own `kind` and `asOf`, through `nodes` or `edges`.
/// Where the query asks for two different levels of grandchildren
/// (aliases), nothing is planned and each level costs its statement.
#[tokio::test]
async fn a_subtree_asked_for_is_read_in_one_statement() {
    let app = spawn_app().await;
    app.import_two_provinces().await;
    let run = |query: &'static str| {
        let app = &app;
        async move {
            let before = app.statements.get();
            let body = app.graphql(query, json!({})).await;
            assert!(body.get("errors").is_none(), "{body}");
            (body, app.statements.get() - before)
        }
    };
    // The legacy Thái Nguyên read on its last day: nine districts, 172
    // communes, departments left out by `kind`.
    let (planned, n) = run(r#"{ unitByCode(code: "19", asOf: "2025-06-30") {
        children(kind: DISTRICT, first: 100) { nodes { code name
          children(kind: COMMUNE, first: 100) { nodes { code name } } } } } }"#)
    .await;
    assert_eq!(n, 2, "the unit, then districts and communes together");
    let districts = planned["data"]["unitByCode"]["children"]["nodes"]
        .as_array()
        .unwrap();
    assert_eq!(districts.len(), 9);
    let communes: Vec<&Value> = districts
        .iter()
        .flat_map(|d| d["children"]["nodes"].as_array().unwrap())
        .collect();
    assert_eq!(communes.len(), 172);
    assert!(
        communes
            .iter()
            .all(|c| c["code"].as_str().unwrap().len() == 5)
    );
    // The same through edges, and through the unplanned read: two
    // grandchildren levels under aliases cannot share one statement.
    let (edges, n) = run(r#"{ unitByCode(code: "19", asOf: "2025-06-30") {
        children(kind: DISTRICT, first: 100) { edges { node { code name
          children(kind: COMMUNE, first: 100) { nodes { code name } } } } } } }"#)
    .await;
    assert_eq!(n, 2);
    let (unplanned, n) = run(r#"{ unitByCode(code: "19", asOf: "2025-06-30") {
        children(kind: DISTRICT, first: 100) { nodes { code name
          children(kind: COMMUNE, first: 100) { nodes { code name } }
          none: children(kind: DEPARTMENT) { nodes { code } } } } } }"#)
    .await;
    assert_eq!(n, 4, "the unit, districts, then each grandchildren level");
    let plain = |body: &Value, path: &str| -> Vec<(String, Vec<String>)> {
        body["data"]["unitByCode"]["children"][path]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let d = if path == "edges" { &d["node"] } else { d };
                let kids = d["children"]["nodes"].as_array().unwrap();
                (
                    d["code"].as_str().unwrap().to_owned(),
                    kids.iter()
                        .map(|c| c["code"].as_str().unwrap().to_owned())
                        .collect(),
                )
            })
            .collect()
    };
    let reference = plain(&unplanned, "nodes");
    assert_eq!(plain(&planned, "nodes"), reference);
    assert_eq!(plain(&edges, "edges"), reference);
    assert_eq!(reference.iter().map(|(_, c)| c.len()).sum::<usize>(), 172);
    // Each district's communes in code order, as the unplanned read has them.
    for (_, kids) in &reference {
        assert!(kids.windows(2).all(|w| w[0] < w[1]), "{kids:?}");
    }
    // The grandchildren's own day: Thái Nguyên's 2025 communes hang under
    // the 2025 province, so legacy districts read on 2025-07-01 have none,
    // while their province on 2025-06-30 has them all; `first`/`last`
    // still page the planned lists.
    let (later, n) = run(r#"{ unitByCode(code: "19", asOf: "2025-06-30") {
        children(kind: DISTRICT, first: 50) { nodes { code
          children(asOf: "2025-07-01") { totalCount nodes { code } } } } } }"#)
    .await;
    assert_eq!(n, 2);
    let later = later["data"]["unitByCode"]["children"]["nodes"]
        .as_array()
        .unwrap();
    assert_eq!(later.len(), 9);
    assert!(later.iter().all(|d| d["children"]["totalCount"] == 0));
    let (paged, n) = run(r#"{ unitByCode(code: "19", asOf: "2025-06-30") {
        children(kind: DISTRICT, last: 50) { nodes { code
          children(kind: COMMUNE, last: 3) { pageInfo { hasPreviousPage } nodes { code } } } } } }"#)
    .await;
    assert_eq!(n, 2);
    let last = &paged["data"]["unitByCode"]["children"]["nodes"][8];
    let (code, all) = reference.last().unwrap();
    assert_eq!(last["code"], code.as_str());
    let tail = codes_of(&last["children"]["nodes"]);
    assert_eq!(
        tail,
        all[all.len() - 3..]
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    assert_eq!(last["children"]["pageInfo"]["hasPreviousPage"], true);
    // Lists of children are read without their paths unless the query
    // asks for a field that needs one: then whole, still one statement for
    // both levels.
    let (whole, n) = run(r#"{ unitByCode(code: "19", asOf: "2025-06-30") {
        children(kind: DISTRICT, first: 50) { nodes { code ancestors { code }
          descendantCount(kind: COMMUNE)
          children(kind: COMMUNE, first: 1) { nodes { code ancestors { code } } } } } } }"#)
    .await;
    // The unit, both levels, the district's ancestors and commune count,
    // the commune's ancestors (five; the two ancestor reads may share a
    // batch, a loaded machine may split one). Reading the paths afterwards
    // would cost two more.
    assert!((4..=6).contains(&n), "{n} statements");
    let district = &whole["data"]["unitByCode"]["children"]["nodes"][0];
    let (code, communes) = &reference[0];
    assert_eq!(district["code"], code.as_str());
    assert_eq!(district["ancestors"], json!([{ "code": "19" }]));
    assert_eq!(district["descendantCount"], communes.len());
    assert_eq!(
        district["children"]["nodes"][0]["ancestors"],
        json!([{ "code": "19" }, { "code": code }])
    );
    // A small page, or one after a cursor, is not planned: the plan reads
    // the children of every child, shown or not, and `first: 1` over the
    // country would read whole provinces to show one commune each.
    for page in ["first: 2", "last: 49", "first: 100, after: $after"] {
        let declared = if page.contains("$after") {
            "($after: String)"
        } else {
            ""
        };
        let query = format!(
            r#"query{declared} {{ unitByCode(code: "19", asOf: "2025-06-30") {{
              children(kind: DISTRICT, {page}) {{ nodes {{ code
                children(kind: COMMUNE) {{ totalCount }} }} }} }} }}"#
        );
        let cursor = app
            .graphql(
                r#"{ unitByCode(code: "19", asOf: "2025-06-30") {
                  children(kind: DISTRICT, first: 1) { pageInfo { endCursor } } } }"#,
                json!({}),
            )
            .await["data"]["unitByCode"]["children"]["pageInfo"]["endCursor"]
            .clone();
        let before = app.statements.get();
        let variables = if declared.is_empty() {
            json!({})
        } else {
            json!({ "after": cursor })
        };
        let body = app.graphql(&query, variables).await;
        assert_eq!(app.statements.get() - before, 3, "{page}: {body}");
        let shown = body["data"]["unitByCode"]["children"]["nodes"]
            .as_array()
            .unwrap();
        assert!(!shown.is_empty(), "{page}: {body}");
        for d in shown {
            let (_, communes) = reference.iter().find(|(c, _)| *c == d["code"]).unwrap();
            assert_eq!(d["children"]["totalCount"], communes.len(), "{page}");
        }
    }
    // A list holding a unit and its child (a search finds the province
    // and the city of Thái Nguyên): the city's communes are the city's
    // children and the province's grandchildren in the same statement, and
    // come once.
    let (both, n) = run(
        r#"{ units(search: "thai nguyen", asOf: "2025-06-30", first: 10) {
        nodes { code children(first: 50) { totalCount nodes { code
          children(first: 50) { totalCount nodes { code } } } } } } }"#,
    )
    .await;
    assert_eq!(n, 2, "the list, then both levels below it");
    let listed = both["data"]["units"]["nodes"].as_array().unwrap();
    let city = listed.iter().find(|u| u["code"] == "164").unwrap();
    let (_, communes) = reference.iter().find(|(c, _)| c == "164").unwrap();
    let codes = codes_of(&city["children"]["nodes"]);
    assert_eq!(
        codes,
        communes.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!(city["children"]["totalCount"], communes.len());
    let province = listed.iter().find(|u| u["code"] == "19").unwrap();
    let under = province["children"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "164")
        .unwrap();
    assert_eq!(under["children"]["totalCount"], communes.len());
}

/// On SQLite a unit import leaves the planner statistics of the unit
/// table: without them SQLite read a province's communes through the index
/// on `kind` (every commune of the country) instead of the one on
/// `parent_id`, 25 times slower. PostgreSQL analyzes by itself.
#[tokio::test]
async fn an_import_leaves_sqlite_knowing_the_unit_table() {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    let app = spawn_app().await;
    let db = app.db();
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return;
    }
    let stats = |db: &sea_orm::DatabaseConnection| {
        let db = db.clone();
        async move {
            let sql = "SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'";
            let row = db
                .query_one_raw(Statement::from_string(DatabaseBackend::Sqlite, sql))
                .await
                .unwrap()
                .unwrap();
            if row.try_get::<i64>("", "n").unwrap() == 0 {
                return None;
            }
            let sql = "SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_unit_parent_code'";
            db.query_one_raw(Statement::from_string(DatabaseBackend::Sqlite, sql))
                .await
                .unwrap()
                .map(|row| row.try_get::<String>("", "stat").unwrap())
        }
    };
    app.import_two_provinces().await;
    let stat = stats(db).await.expect("statistics of the parent index");
    // "rows, rows per parent, …": the table's size is known.
    let rows: u64 = stat.split(' ').next().unwrap().parse().unwrap();
    assert!(rows > 200, "{stat}");
}

/// `descendantCount` on a level of ~1,500 units: their roots are counted a
/// few hundred per statement. One statement for all of them nested an `OR`
/// per root, which overflowed the server's stack (an anonymous request
/// aborted the process) and went past SQLite's expression depth of 1,000.
#[tokio::test]
async fn descendants_of_a_level_of_thousands_are_counted_in_chunks() {
    let app = spawn_app().await;
    app.import_csv(
        phancap::units::import::Structure::Legacy,
        &crate::helpers::bundled_rows("units-legacy.csv", &["01", "38", "40"]),
    )
    .await
    .unwrap();
    let body = app
        .graphql(
            r#"{ units(kind: PROVINCE, asOf: "2020-01-01", first: 3) { nodes { code descendantCount(kind: COMMUNE)
              children(first: 100) { nodes { children(first: 100) { nodes { code descendantCount } } } } } } }"#,
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let provinces = body["data"]["units"]["nodes"].as_array().unwrap();
    assert_eq!(provinces.len(), 3);
    let mut communes = 0;
    for province in provinces {
        let mut listed = 0;
        for district in province["children"]["nodes"].as_array().unwrap() {
            for commune in district["children"]["nodes"].as_array().unwrap() {
                assert_eq!(commune["descendantCount"], 0, "{commune}");
                listed += 1;
            }
        }
        assert_eq!(province["descendantCount"], listed, "{}", province["code"]);
        communes += listed;
    }
    assert!(communes > 1_400, "{communes} communes in one level");
}

/// JSON with each object's keys in the order the server wrote them.
#[derive(Debug, PartialEq)]
enum Ordered {
    Scalar(Value),
    List(Vec<Ordered>),
    Object(Vec<(String, Ordered)>),
}

macro_rules! scalars {
    ($($visit:ident: $ty:ty),*) => {
        $(fn $visit<E>(self, v: $ty) -> Result<Ordered, E> {
            Ok(Ordered::Scalar(v.into()))
        })*
    };
}

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            // Every scalar as serde_json reads it.
            scalars!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64, visit_str: &str);
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(Value::Null))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = a.next_element()? {
                    items.push(item);
                }
                Ok(Ordered::List(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Ordered, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = a.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered::Object(entries))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl Ordered {
    fn get(&self, key: &str) -> &Ordered {
        match self {
            Ordered::Object(entries) => entries
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
                .unwrap_or_else(|| panic!("no `{key}` in {self:?}")),
            _ => panic!("`{key}` asked of {self:?}"),
        }
    }

    fn items(&self) -> &[Ordered] {
        match self {
            Ordered::List(items) => items,
            _ => panic!("not a list: {self:?}"),
        }
    }
}

/// A `nodes` list asked only for the units' own columns is answered
/// without async-graphql's futures (`UnitNodes`). Its answer, keys in
/// order, is the one async-graphql gives the same selection through
/// `edges { node }`: every column, aliases, a key asked twice, fragments
/// on `Unit`, on `Node` and on no type, and a selection that is not all
/// columns (answered by async-graphql both ways).
#[tokio::test]
async fn a_plain_list_is_answered_as_async_graphql_would() {
    let app = national();
    let selections = [
        "code name",
        "__typename id code name kind adminType depth validFrom validTo",
        "n: name code n: name c: code kind: name",
        "...Named code ...Named",
        "... on Node { id } ... { depth code } ... on Unit { code validTo }",
        "code parent { code } name",
    ];
    for day in ["2025-06-30", "2025-07-01"] {
        for selection in selections {
            let fragment = match selection.contains("...Named") {
                true => "fragment Named on Unit { name kind }",
                false => "",
            };
            let query = format!(
                r#"{{ unitByCode(code: "19", asOf: "{day}") {{
                     fast: children(first: 100) {{ nodes {{ {selection} }} }}
                     slow: children(first: 100) {{ edges {{ node {{ {selection} }} }} }} }} }}
                   {fragment}"#
            );
            let text = app
                .client
                .post(format!("{}/graphql", app.address))
                .json(&json!({ "query": query }))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let body: Ordered = serde_json::from_str(&text).unwrap();
            let unit = body.get("data").get("unitByCode");
            let fast = unit.get("fast").get("nodes").items();
            let slow: Vec<&Ordered> = unit
                .get("slow")
                .get("edges")
                .items()
                .iter()
                .map(|edge| edge.get("node"))
                .collect();
            assert!(fast.len() >= 9, "{day}: {text}");
            assert_eq!(
                fast.iter().collect::<Vec<_>>(),
                slow,
                "{selection} on {day}"
            );
        }
    }
    // The columns themselves, as the schema promises them.
    let body = app
        .graphql(
            r#"{ unitByCode(code: "19", asOf: "2025-06-30") { children(kind: DISTRICT, first: 1) {
                 nodes { __typename kind adminType depth validFrom validTo } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["unitByCode"]["children"]["nodes"][0],
        json!({ "__typename": "Unit", "kind": "DISTRICT", "adminType": "THANH_PHO",
                "depth": 1, "validFrom": null, "validTo": "2025-06-30" }),
        "{body}"
    );
}

/// With one turn for subtree reads (`PHANCAP_MAX_SUBTREE_READS=1`)
/// operations that read subtrees take them one after another, the
/// operations of a batch included, and every one is answered in full; the
/// gauges fall back to zero.
#[tokio::test]
async fn operations_past_the_limit_wait_their_turn_and_all_answer() {
    let app = spawn_app_with(Settings {
        max_subtree_reads: 1,
        ..crate::helpers::unlimited()
    })
    .await;
    app.import_two_provinces().await;
    let single = json!({ "query": r#"{ unitByCode(code: "19", asOf: "2025-06-30") {
        children(kind: DISTRICT, first: 100) { nodes { code children(first: 100) { nodes { code } } } } } }"# });
    let batch = json!([single, single, single]);
    let answers = futures_util::future::join_all((0..8).map(|i| {
        let body = if i % 2 == 0 { &single } else { &batch };
        app.post(body.clone())
    }))
    .await;
    let communes = |answer: &Value| -> usize {
        answer["data"]["unitByCode"]["children"]["nodes"]
            .as_array()
            .unwrap_or_else(|| panic!("{answer}"))
            .iter()
            .map(|d| d["children"]["nodes"].as_array().unwrap().len())
            .sum()
    };
    for (i, (status, body)) in answers.iter().enumerate() {
        assert_eq!(*status, 200, "{body}");
        let each: Vec<&Value> = match i % 2 {
            0 => vec![body],
            _ => body.as_array().unwrap().iter().collect(),
        };
        assert_eq!(each.len(), if i % 2 == 0 { 1 } else { 3 });
        for answer in each {
            assert_eq!(communes(answer), 172);
        }
    }
    let text = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for gauge in [
        "phancap_subtree_turns_held 0",
        "phancap_subtree_turns_waiting 0",
    ] {
        assert!(text.lines().any(|l| l == gauge), "{gauge}: {text}");
    }
}

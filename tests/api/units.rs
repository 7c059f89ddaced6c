//! Reads of the unit tree over the real national data.

use serde_json::{Value, json};

use crate::helpers::{error_code, national};

const COUNT: &str = "query($kind: UnitKind, $asOf: Date, $within: ID, $parent: ID, $search: String) {
  units(kind: $kind, asOf: $asOf, within: $within, parent: $parent, search: $search, first: 0) { totalCount }
}";

async fn count(vars: Value) -> u64 {
    let body = national().graphql(COUNT, vars).await;
    body["data"]["units"]["totalCount"]
        .as_u64()
        .unwrap_or_else(|| panic!("{body}"))
}

#[tokio::test]
async fn the_legacy_structure_has_63_provinces_696_districts_and_10035_communes() {
    let on = "2025-06-30";
    assert_eq!(count(json!({ "kind": "PROVINCE", "asOf": on })).await, 63);
    assert_eq!(count(json!({ "kind": "DISTRICT", "asOf": on })).await, 696);
    assert_eq!(
        count(json!({ "kind": "COMMUNE", "asOf": on })).await,
        10_035
    );
    assert_eq!(count(json!({ "kind": "DEPARTMENT", "asOf": on })).await, 0);
}

#[tokio::test]
async fn the_2025_structure_has_34_provinces_3321_communes_and_no_district() {
    let on = "2025-07-01";
    assert_eq!(count(json!({ "kind": "PROVINCE", "asOf": on })).await, 34);
    assert_eq!(count(json!({ "kind": "DISTRICT", "asOf": on })).await, 0);
    assert_eq!(count(json!({ "kind": "COMMUNE", "asOf": on })).await, 3_321);
    assert_eq!(count(json!({ "kind": "DEPARTMENT", "asOf": on })).await, 12);
}

#[tokio::test]
async fn a_code_names_different_units_before_and_after_the_reorganisation() {
    let query = "query($asOf: Date) { unitByCode(code: \"05482\", asOf: $asOf) { id name validFrom validTo } }";
    let before = national()
        .graphql(query, json!({ "asOf": "2025-06-30" }))
        .await;
    let after = national()
        .graphql(query, json!({ "asOf": "2025-07-01" }))
        .await;
    let (before, after) = (&before["data"]["unitByCode"], &after["data"]["unitByCode"]);
    assert_eq!(before["name"], "Phường Tân Long");
    assert_eq!(before["validTo"], "2025-06-30");
    assert_eq!(before["validFrom"], Value::Null);
    assert_eq!(after["name"], "Phường Quan Triều");
    assert_eq!(after["validFrom"], "2025-07-01");
    assert_ne!(before["id"], after["id"]);
}

#[tokio::test]
async fn as_of_defaults_to_today_and_an_ended_unit_is_not_found_then() {
    let body = national()
        .graphql("{ today: unitByCode(code: \"19\") { name validFrom } bacKan: unitByCode(code: \"06\") { name } }", json!({}))
        .await;
    assert_eq!(body["data"]["today"]["validFrom"], "2025-07-01");
    assert_eq!(body["data"]["bacKan"], Value::Null);
    let body = national()
        .graphql(
            "{ unitByCode(code: \"06\", kind: PROVINCE, asOf: \"2020-01-01\") { name kind } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["unitByCode"]["name"], "Tỉnh Bắc Kạn");
}

#[tokio::test]
async fn within_reads_a_whole_subtree_and_parent_only_the_children() {
    let legacy = national().unit_id("19", "2025-06-30").await;
    let current = national().unit_id("19", "2025-07-01").await;
    let on = "2025-06-30";
    assert_eq!(
        count(json!({ "within": legacy, "asOf": on })).await,
        9 + 172
    );
    assert_eq!(
        count(json!({ "within": legacy, "kind": "COMMUNE", "asOf": on })).await,
        172
    );
    assert_eq!(count(json!({ "parent": legacy, "asOf": on })).await, 9);
    assert_eq!(
        count(json!({ "parent": legacy, "kind": "COMMUNE", "asOf": on })).await,
        0
    );
    // Without asOf, a subtree anchored on an ended unit reads as on its last day.
    assert_eq!(count(json!({ "within": legacy })).await, 181);
    assert_eq!(
        count(json!({ "within": current, "kind": "COMMUNE" })).await,
        92
    );
    assert_eq!(
        count(json!({ "within": current, "kind": "DEPARTMENT" })).await,
        12
    );
    // The legacy subtree has nothing in force in the 2025 structure.
    assert_eq!(
        count(json!({ "within": legacy, "asOf": "2025-07-01" })).await,
        0
    );
}

#[tokio::test]
async fn a_unit_knows_its_parent_ancestors_children_and_descendants() {
    let body = national()
        .graphql(
            "{ unitByCode(code: \"05443\", asOf: \"2025-01-01\") {
                 name depth parent { code name }
                 ancestors { code kind }
               }
               tn: unitByCode(code: \"19\", asOf: \"2025-01-01\") {
                 depth descendantCount
                 communes: descendantCount(kind: COMMUNE)
                 after: descendantCount(asOf: \"2025-07-01\")
                 children(kind: DISTRICT, first: 100) { totalCount nodes { code descendantCount } }
               } }",
            json!({}),
        )
        .await;
    let commune = &body["data"]["unitByCode"];
    assert_eq!(commune["depth"], 2);
    assert_eq!(commune["parent"]["code"], "164");
    let ancestors: Vec<&str> = commune["ancestors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(ancestors, ["PROVINCE", "DISTRICT"]);
    let tn = &body["data"]["tn"];
    assert_eq!(tn["depth"], 0);
    assert_eq!(tn["descendantCount"], 181);
    assert_eq!(tn["communes"], 172);
    assert_eq!(tn["after"], 0);
    let districts = tn["children"]["nodes"].as_array().unwrap();
    assert_eq!(districts.len(), 9);
    let sum: u64 = districts
        .iter()
        .map(|d| d["descendantCount"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, 172);
}

#[tokio::test]
async fn search_ignores_case_and_diacritics() {
    let names = |body: Value| -> Vec<String> {
        body["data"]["units"]["nodes"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"))
            .iter()
            .map(|n| n["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let query = "query($s: String, $asOf: Date, $kind: UnitKind) { units(search: $s, asOf: $asOf, kind: $kind) { nodes { name } } }";
    for search in [
        "thai nguyen",
        "THÁI NGUYÊN",
        "Thai Nguyen",
        "  thái   nguyên ",
    ] {
        let found = names(
            national()
                .graphql(query, json!({ "s": search, "kind": "PROVINCE" }))
                .await,
        );
        assert_eq!(found, ["Tỉnh Thái Nguyên"], "search {search:?}");
    }
    // "d" matches "đ" and the other way round.
    for search in ["dong da", "Đống Đa"] {
        let found = names(
            national()
                .graphql(
                    query,
                    json!({ "s": search, "kind": "DISTRICT", "asOf": "2025-06-30" }),
                )
                .await,
        );
        assert_eq!(found, ["Quận Đống Đa"], "search {search:?}");
    }
    // LIKE wildcards are literal text.
    assert!(names(national().graphql(query, json!({ "s": "%" })).await).is_empty());
    assert!(names(national().graphql(query, json!({ "s": "_" })).await).is_empty());
}

#[tokio::test]
async fn a_search_with_a_nul_byte_is_bad_input_not_a_database_error() {
    let body = national()
        .graphql(
            "query($s: String) { units(search: $s) { totalCount } }",
            json!({ "s": "thai\u{0}nguyen" }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("NUL")
    );
    let body = national()
        .graphql(
            "query($c: String!) { unitByCode(code: $c) { id } }",
            json!({ "c": "1\u{0}9" }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
}

const PAGE: &str = "query($first: Int, $after: String, $last: Int, $before: String, $parent: ID) {
  units(parent: $parent, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { code } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}";

fn codes(body: &Value) -> Vec<String> {
    body["data"]["units"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| e["node"]["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn pages_follow_each_other_in_code_order_without_gaps_or_overlaps() {
    let tn = national().unit_id("19", "2025-07-01").await;
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let body = national()
            .graphql(PAGE, json!({ "parent": tn, "first": 25, "after": after }))
            .await;
        assert_eq!(body["data"]["units"]["totalCount"], 104);
        seen.extend(codes(&body));
        let info = &body["data"]["units"]["pageInfo"];
        assert_eq!(info["hasPreviousPage"], after.is_some());
        if info["hasNextPage"] == false {
            break;
        }
        after = Some(info["endCursor"].as_str().unwrap().to_owned());
    }
    assert_eq!(seen.len(), 104, "92 communes and 12 departments");
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted, "ordered by code, each once");

    // Backwards from the end gives the same last items.
    let body = national()
        .graphql(PAGE, json!({ "parent": tn, "last": 3 }))
        .await;
    assert_eq!(codes(&body), seen[seen.len() - 3..].to_vec());
    assert_eq!(body["data"]["units"]["pageInfo"]["hasPreviousPage"], true);
    let start = body["data"]["units"]["pageInfo"]["startCursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = national()
        .graphql(PAGE, json!({ "parent": tn, "last": 2, "before": start }))
        .await;
    assert_eq!(codes(&body), seen[seen.len() - 5..seen.len() - 3].to_vec());
}

#[tokio::test]
async fn a_page_larger_than_100_or_a_foreign_cursor_is_bad_input() {
    for vars in [
        json!({ "first": 101 }),
        json!({ "last": 101 }),
        json!({ "first": -1 }),
        json!({ "first": 1, "last": 1 }),
        json!({ "after": "not-a-cursor" }),
    ] {
        let body = national().graphql(PAGE, vars.clone()).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{vars}");
        assert_eq!(body["data"], Value::Null, "{vars}");
    }
    let body = national().graphql(PAGE, json!({ "first": 100 })).await;
    assert_eq!(codes(&body).len(), 100);
}

#[tokio::test]
async fn children_are_paged_like_any_connection() {
    let body = national()
        .graphql(
            "{ unitByCode(code: \"164\", asOf: \"2025-01-01\") { children(first: 5) { totalCount pageInfo { hasNextPage endCursor } nodes { code } } } }",
            json!({}),
        )
        .await;
    let children = &body["data"]["unitByCode"]["children"];
    assert_eq!(children["totalCount"], 32);
    assert_eq!(children["nodes"].as_array().unwrap().len(), 5);
    let cursor = children["pageInfo"]["endCursor"].as_str().unwrap();
    let body = national()
        .graphql(
            "query($after: String) { unitByCode(code: \"164\", asOf: \"2025-01-01\") { children(first: 30, after: $after) { pageInfo { hasNextPage hasPreviousPage } nodes { code } } } }",
            json!({ "after": cursor }),
        )
        .await;
    let children = &body["data"]["unitByCode"]["children"];
    assert_eq!(children["nodes"].as_array().unwrap().len(), 27);
    assert_eq!(children["pageInfo"]["hasNextPage"], false);
    assert_eq!(children["pageInfo"]["hasPreviousPage"], true);
}

#[tokio::test]
async fn node_and_nodes_resolve_global_ids() {
    let id = national().unit_id("19", "2025-07-01").await;
    let body = national()
        .graphql(
            "query($id: ID!, $ids: [ID!]!) { node(id: $id) { __typename id ... on Unit { code } } nodes(ids: $ids) { id } unit(id: $id) { name } }",
            json!({ "id": id, "ids": [id, "VW5pdDowMTkwMDAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDA"] }),
        )
        .await;
    assert_eq!(body["data"]["node"]["__typename"], "Unit");
    assert_eq!(body["data"]["node"]["code"], "19");
    assert_eq!(body["data"]["nodes"][0]["id"], id.as_str());
    assert_eq!(
        body["data"]["nodes"][1],
        Value::Null,
        "a well-formed id of nothing is null"
    );
    assert_eq!(body["data"]["unit"]["name"], "Tỉnh Thái Nguyên");

    let body = national()
        .graphql("{ node(id: \"garbage\") { id } }", json!({}))
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    let ids: Vec<String> = (0..101).map(|_| id.clone()).collect();
    let body = national()
        .graphql(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": ids }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
}

#[tokio::test]
async fn an_anchor_that_does_not_exist_is_not_found() {
    let body = national()
        .graphql(
            "query($id: ID) { units(within: $id) { totalCount } }",
            json!({ "id": "VW5pdDowMTkwMDAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDA" }),
        )
        .await;
    assert_eq!(error_code(&body), "NOT_FOUND");
}

#[tokio::test]
async fn a_district_read_by_id_shows_its_communes_as_on_its_last_day() {
    let id = national().unit_id("164", "2025-01-01").await;
    let body = national()
        .graphql(
            "query($id: ID!) { unit(id: $id) { validTo children { totalCount } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(body["data"]["unit"]["validTo"], "2025-06-30");
    assert_eq!(body["data"]["unit"]["children"]["totalCount"], 32);
}

//! Lineage between the legacy and 2025 structures, on the real data.

use serde_json::{Value, json};

use crate::helpers::national;

fn edges<'a>(body: &'a Value, field: &str) -> Vec<&'a Value> {
    body["data"]["unitByCode"][field]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .collect()
}

#[tokio::test]
async fn a_merged_commune_lists_its_predecessors() {
    let body = national()
        .graphql(
            "{ unitByCode(code: \"05482\", asOf: \"2025-07-01\") {
                 name
                 predecessors { kind effectiveDate document predecessor { code name validTo } }
               } }",
            json!({}),
        )
        .await;
    let mut codes: Vec<&str> = edges(&body, "predecessors")
        .iter()
        .map(|e| {
            assert_eq!(e["kind"], "MERGE");
            assert_eq!(e["effectiveDate"], "2025-07-01");
            assert_eq!(e["document"], "1683/NQ-UBTVQH15");
            assert_eq!(e["predecessor"]["validTo"], "2025-06-30");
            e["predecessor"]["code"].as_str().unwrap()
        })
        .collect();
    codes.sort();
    assert_eq!(codes, ["05431", "05434", "05482", "05653"]);
}

#[tokio::test]
async fn bac_kan_province_merged_into_thai_nguyen() {
    let body = national()
        .graphql(
            "{ unitByCode(code: \"06\", asOf: \"2025-06-30\") {
                 name successors { kind effectiveDate document successor { code name validFrom } }
               } }",
            json!({}),
        )
        .await;
    let successors = edges(&body, "successors");
    assert_eq!(successors.len(), 1);
    assert_eq!(successors[0]["kind"], "MERGE");
    assert_eq!(successors[0]["effectiveDate"], "2025-07-01");
    assert_eq!(successors[0]["document"], "202/2025/QH15");
    assert_eq!(successors[0]["successor"]["code"], "19");
    assert_eq!(successors[0]["successor"]["name"], "Tỉnh Thái Nguyên");

    let body = national()
        .graphql(
            "{ unitByCode(code: \"19\", asOf: \"2025-07-01\") { predecessors { kind predecessor { name } } } }",
            json!({}),
        )
        .await;
    let mut names: Vec<&str> = edges(&body, "predecessors")
        .iter()
        .map(|e| e["predecessor"]["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["Tỉnh Bắc Kạn", "Tỉnh Thái Nguyên"]);
}

#[tokio::test]
async fn a_split_commune_has_several_successors() {
    let body = national()
        .graphql(
            "{ unitByCode(code: \"31268\", asOf: \"2025-06-30\") { name successors { kind successor { code } } } }",
            json!({}),
        )
        .await;
    let mut codes: Vec<&str> = edges(&body, "successors")
        .iter()
        .map(|e| {
            assert_eq!(e["kind"], "SPLIT");
            e["successor"]["code"].as_str().unwrap()
        })
        .collect();
    codes.sort();
    assert_eq!(codes, ["31288", "31666"]);
}

#[tokio::test]
async fn an_island_district_became_a_special_zone() {
    let body = national()
        .graphql(
            "{ unitByCode(code: \"498\", asOf: \"2025-06-30\") { name successors { kind successor { code name adminType } } } }",
            json!({}),
        )
        .await;
    let successors = edges(&body, "successors");
    assert_eq!(successors.len(), 1);
    assert_eq!(successors[0]["kind"], "RECLASSIFY");
    assert_eq!(successors[0]["successor"]["code"], "20333");
    assert_eq!(successors[0]["successor"]["adminType"], "DAC_KHU");
}

#[tokio::test]
async fn a_province_kept_whole_is_a_continuation() {
    let body = national()
        .graphql(
            "{ unitByCode(code: \"04\", asOf: \"2025-06-30\") { name successors { kind successor { code } } } }",
            json!({}),
        )
        .await;
    let successors = edges(&body, "successors");
    assert_eq!(body["data"]["unitByCode"]["name"], "Tỉnh Cao Bằng");
    assert_eq!(successors.len(), 1);
    assert_eq!(successors[0]["kind"], "CONTINUATION");
}

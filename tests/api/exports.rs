//! Exports under `/export/…`: the demo's compiled report read back from
//! XLSX with a real reader, CSV with its BOM and CRLF, NDJSON with global
//! ids, the mandate registry filtered like `mandates`, the unit tree,
//! visibility, signed links and the CSV injection rule.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::{Datelike, NaiveDate};
use entity::unit::AdminType;
use phancap::auth::Authority;
use phancap::graphql::{NodeKind, decode_id};
use phancap::units::admin;
use phancap::users::service as users;
use serde_json::{Value, json};

use crate::helpers::{TestApp, demo_token, national, spawn_app};

/// GETs `path` (path-absolute), with a bearer token when given; returns
/// the status, the content type and the body.
async fn get(app: &TestApp, path: &str, token: Option<&str>) -> (u16, String, Vec<u8>) {
    let mut request = app.client.get(format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        status,
        content_type,
        response.bytes().await.unwrap().to_vec(),
    )
}

/// The `extensions.code` of an HTTP error body.
fn code_of(body: &[u8]) -> String {
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    json["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The text of a cell, whatever its type.
fn text(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => f.to_string(),
        Some(Data::Int(i)) => i.to_string(),
        Some(Data::DateTime(d)) => {
            let day = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()
                + chrono::Duration::days(d.as_f64() as i64);
            format!("{:02}/{:02}/{}", day.day(), day.month(), day.year())
        }
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// The row whose column `col` reads `value`, from row 7 (the first data
/// row under the heading).
fn row_with(range: &calamine::Range<Data>, col: u32, value: &str) -> Option<u32> {
    (7..range.end().map_or(0, |e| e.0 + 1)).find(|r| text(range, *r, col) == value)
}

/// The demo's compiled report as Sở Nội vụ's coordinator reads it.
async fn compiled_report(app: &TestApp, token: &str) -> Value {
    let body = app
        .graphql_as(
            token,
            r#"{ reports(filter: { compiled: true }, first: 5) { nodes {
                id period exportUrl(format: XLSX)
                csv: exportUrl(format: CSV) ndjson: exportUrl(format: NDJSON)
                compilation { tables {
                  byUnit { unit { code name } status late firstSubmittedAt included totals { items done } }
                  byMandate { mandate { code title } totals { items done } }
                } } } } }"#,
            json!({}),
        )
        .await;
    body["data"]["reports"]["nodes"]
        .as_array()
        .and_then(|nodes| nodes.iter().find(|n| !n["compilation"].is_null()))
        .unwrap_or_else(|| panic!("the demo has a compiled report: {body}"))
        .clone()
}

#[tokio::test]
async fn the_demos_compiled_report_reads_back_from_xlsx_with_its_heading_and_tables() {
    let app = national();
    let token = demo_token(app, "coordinator.snv").await;
    let report = compiled_report(app, &token).await;
    let url = report["exportUrl"].as_str().unwrap();
    assert!(
        url.starts_with("/export/reports/"),
        "a path-absolute link: {url}"
    );
    // The signed link works without a header.
    let (status, content_type, bytes) = get(app, url, None).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(
        content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut workbook = Xlsx::new(Cursor::new(bytes)).expect("a real XLSX");
    let names = workbook.sheet_names();
    assert_eq!(
        names,
        [
            "I. Tổng hợp theo đơn vị",
            "II. Tổng hợp theo nội dung",
            "III. Tổng hợp theo lĩnh vực"
        ]
    );
    let units = workbook.worksheet_range(&names[0]).unwrap();
    assert_eq!(text(&units, 0, 0), "ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN");
    assert_eq!(text(&units, 1, 0), "SỞ NỘI VỤ");
    let motto_col = (1..30)
        .find(|c| text(&units, 0, *c) == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        .expect("the national motto heads the sheet");
    assert_eq!(text(&units, 1, motto_col), "Độc lập - Tự do - Hạnh phúc");
    assert!(text(&units, 2, motto_col).starts_with("Thái Nguyên, ngày "));
    assert!(!text(&units, 3, 0).is_empty(), "the report's title");
    let period = text(&units, 4, 0);
    assert!(
        period.contains(report["period"].as_str().unwrap())
            && period
                .split(' ')
                .any(|w| w.len() == 10 && w.as_bytes()[2] == b'/'),
        "the period with dates dd/mm/yyyy: {period}"
    );
    assert_eq!(text(&units, 6, 0), "STT");
    assert_eq!(text(&units, 6, 1), "Mã đơn vị");
    let tables = &report["compilation"]["tables"];
    let by_unit = tables["byUnit"].as_array().unwrap();
    assert!(!by_unit.is_empty());
    for row in by_unit {
        let code = row["unit"]["code"].as_str().unwrap();
        let r = row_with(&units, 1, code).unwrap_or_else(|| panic!("unit {code} has its row"));
        assert_eq!(text(&units, r, 2), row["unit"]["name"].as_str().unwrap());
        assert_eq!(
            text(&units, r, 6),
            if row["included"] == true {
                "Có"
            } else {
                "Không"
            }
        );
        assert_eq!(text(&units, r, 7), row["totals"]["items"].to_string());
        assert_eq!(text(&units, r, 10), row["totals"]["done"].to_string());
        if let Some(at) = row["firstSubmittedAt"].as_str() {
            let at: chrono::DateTime<chrono::Utc> = at.parse().unwrap();
            let day = phancap::calendar::day_of(at);
            assert_eq!(
                text(&units, r, 5),
                format!("{:02}/{:02}/{}", day.day(), day.month(), day.year()),
                "dates read dd/mm/yyyy"
            );
        }
    }
    let mandates = workbook.worksheet_range(&names[1]).unwrap();
    let by_mandate = tables["byMandate"].as_array().unwrap();
    assert!(!by_mandate.is_empty());
    for row in by_mandate {
        let code = row["mandate"]["code"].as_str().unwrap();
        let r =
            row_with(&mandates, 1, code).unwrap_or_else(|| panic!("mandate {code} has its row"));
        assert_eq!(
            text(&mandates, r, 2),
            row["mandate"]["title"].as_str().unwrap()
        );
        assert_eq!(text(&mandates, r, 4), row["totals"]["items"].to_string());
        assert_eq!(text(&mandates, r, 7), row["totals"]["done"].to_string());
    }
    // No cell is a formula.
    for name in &names {
        let formulas = workbook.worksheet_formula(name).unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    }
}

#[tokio::test]
async fn the_compiled_report_as_csv_has_a_bom_crlf_and_parses() {
    let app = national();
    let token = demo_token(app, "coordinator.snv").await;
    let report = compiled_report(app, &token).await;
    let (status, content_type, bytes) = get(app, report["csv"].as_str().unwrap(), None).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/csv; charset=utf-8");
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 with BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.contains("\r\n") && !text.replace("\r\n", "").contains('\n'));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[1], "Mã đơn vị");
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let by_unit = report["compilation"]["tables"]["byUnit"]
        .as_array()
        .unwrap();
    assert_eq!(
        records.len(),
        by_unit.len(),
        "one row per expected reporter"
    );
    for (record, row) in records.iter().zip(by_unit) {
        assert_eq!(&record[1], row["unit"]["code"].as_str().unwrap());
    }
    // Another table with `table`, through the header this time.
    let id = report["id"].as_str().unwrap();
    let (status, _, bytes) = get(
        app,
        &format!("/export/reports/{id}?format=csv&table=mandates"),
        Some(&token),
    )
    .await;
    assert_eq!(status, 200);
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(&reader.headers().unwrap()[1], "Mã nội dung");
    let by_mandate = report["compilation"]["tables"]["byMandate"]
        .as_array()
        .unwrap();
    assert_eq!(reader.records().count(), by_mandate.len());
}

#[tokio::test]
async fn the_compiled_report_as_ndjson_carries_global_ids_on_every_line() {
    let app = national();
    let token = demo_token(app, "coordinator.snv").await;
    let report = compiled_report(app, &token).await;
    let (status, content_type, bytes) = get(app, report["ndjson"].as_str().unwrap(), None).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/x-ndjson");
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let units: Vec<&Value> = lines.iter().filter(|l| l["table"] == "units").collect();
    let tables = &report["compilation"]["tables"];
    assert_eq!(units.len(), tables["byUnit"].as_array().unwrap().len());
    for line in &units {
        let id = async_graphql::ID(line["unitId"].as_str().unwrap().to_owned());
        assert_eq!(decode_id(&id).unwrap().0, NodeKind::Unit);
        let id = async_graphql::ID(line["reportId"].as_str().unwrap().to_owned());
        assert_eq!(decode_id(&id).unwrap().0, NodeKind::Report);
        assert!(line["items"].is_i64());
        let status = line["status"].as_str().unwrap_or_default();
        assert!(
            ["NOT_STARTED", "DRAFT", "SUBMITTED", "RETURNED", "ACCEPTED"].contains(&status),
            "{line}"
        );
    }
    let mandates = lines.iter().filter(|l| l["table"] == "mandates").count();
    assert_eq!(mandates, tables["byMandate"].as_array().unwrap().len());
}

#[tokio::test]
async fn a_commune_reads_its_own_report_and_not_another_communes() {
    let app = national();
    let admin = demo_token(app, "admin.thainguyen").await;
    let body = app
        .graphql_as(
            &admin,
            "{ reports(filter: { compiled: false }, first: 100) { nodes { id reporter { code kind } } } }",
            json!({}),
        )
        .await;
    let nodes = body["data"]["reports"]["nodes"].as_array().unwrap();
    let own = nodes
        .iter()
        .find(|n| n["reporter"]["code"] == "05482")
        .expect("the demo commune has a report");
    let other = nodes
        .iter()
        .find(|n| n["reporter"]["kind"] == "COMMUNE" && n["reporter"]["code"] != "05482")
        .expect("another commune has a report");
    let token = demo_token(app, "reporter.xa").await;
    let path = |n: &Value| format!("/export/reports/{}?format=xlsx", n["id"].as_str().unwrap());
    let (status, _, bytes) = get(app, &path(own), Some(&token)).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    let mut workbook = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        ["I. Tình hình thực hiện", "II. Số liệu"]
    );
    let items = workbook.worksheet_range("I. Tình hình thực hiện").unwrap();
    assert!(text(&items, 1, 0).starts_with("ỦY BAN NHÂN DÂN"));
    let (status, _, bytes) = get(app, &path(other), Some(&token)).await;
    assert_eq!(status, 404, "another commune's report is not there for it");
    assert_eq!(code_of(&bytes), "NOT_FOUND");
    let (status, _, bytes) = get(app, &path(own), None).await;
    assert_eq!(status, 401, "an anonymous caller");
    assert_eq!(code_of(&bytes), "UNAUTHENTICATED");
    let (status, _, bytes) = get(app, &path(own), Some("not-a-token")).await;
    assert_eq!(status, 401);
    assert_eq!(code_of(&bytes), "UNAUTHENTICATED");
}

#[tokio::test]
async fn bad_parameters_are_refused_with_400() {
    let app = national();
    let token = demo_token(app, "coordinator.snv").await;
    let report = compiled_report(app, &token).await;
    let id = report["id"].as_str().unwrap();
    for path in [
        format!("/export/reports/{id}"),
        format!("/export/reports/{id}?format=pdf"),
        format!("/export/reports/{id}?format=csv&table=nothing"),
        format!("/export/reports/{id}?format=xlsx&table=units"),
        format!("/export/reports/{id}?format=csv&color=red"),
        format!("/export/reports/{id}?format=csv&format=xlsx"),
        "/export/reports/not-an-id?format=csv".to_owned(),
        "/export/mandates?format=csv&status=SLEEPING".to_owned(),
        "/export/mandates?format=csv&asOf=yesterday".to_owned(),
        "/export/mandates?format=csv&within=xyz".to_owned(),
        "/export/units/xyz?format=csv".to_owned(),
    ] {
        let (status, _, bytes) = get(app, &path, Some(&token)).await;
        assert_eq!(status, 400, "{path}: {}", String::from_utf8_lossy(&bytes));
        assert_eq!(code_of(&bytes), "BAD_USER_INPUT", "{path}");
    }
}

#[tokio::test]
async fn the_mandate_registry_exports_what_the_mandates_query_lists() {
    let app = national();
    let token = demo_token(app, "coordinator.snv").await;
    let body = app
        .graphql_as(
            &token,
            r#"{ unitByCode(code: "19") { id }
                 active: mandates(filter: { status: ACTIVE }, first: 100) { totalCount nodes { id code } }
                 all: mandates(first: 1) { totalCount } }"#,
            json!({}),
        )
        .await;
    let province = body["data"]["unitByCode"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let active = body["data"]["active"]["totalCount"].as_u64().unwrap();
    let all = body["data"]["all"]["totalCount"].as_u64().unwrap();
    assert!(
        active > 0 && all > active,
        "the demo has mandates in several states"
    );
    let body = app
        .graphql_as(
            &token,
            "query($p: ID!) { mandatesExportUrl(filter: { status: ACTIVE, within: $p }, format: NDJSON) }",
            json!({ "p": province }),
        )
        .await;
    let url = body["data"]["mandatesExportUrl"].as_str().unwrap();
    assert!(
        url.starts_with("/export/mandates?format=ndjson&within="),
        "{url}"
    );
    let (status, _, bytes) = get(app, url, None).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    let lines: Vec<Value> = String::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let listed = app
        .graphql_as(
            &token,
            r#"query($p: ID!) { mandates(filter: { status: ACTIVE, within: $p }, first: 100) { nodes { id } } }"#,
            json!({ "p": province }),
        )
        .await;
    let listed = body_ids(&listed);
    let exported: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(exported, listed, "the same mandates in the same order");
    // Machines get the GraphQL enum values, people the labels (CSV below).
    assert!(lines.iter().all(|l| l["status"] == "ACTIVE"), "{lines:?}");
    assert!(
        lines
            .iter()
            .all(|l| ["DECENTRALIZATION", "AUTHORIZATION", "DEVOLUTION"]
                .contains(&l["kind"].as_str().unwrap_or_default())),
        "{lines:?}"
    );
    // Every mandate the coordinator may see, as CSV with a header.
    let (status, _, bytes) = get(app, "/export/mandates?format=csv", Some(&token)).await;
    assert_eq!(status, 200);
    let rows = csv::Reader::from_reader(&bytes[3..]).records().count() as u64;
    assert_eq!(rows, all);
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("Đang có hiệu lực") && !text.contains(",ACTIVE"));
    // An anonymous caller gets no link.
    let body = app
        .graphql("{ mandatesExportUrl(format: CSV) }", json!({}))
        .await;
    assert_eq!(body["data"]["mandatesExportUrl"], Value::Null);
}

fn body_ids(body: &Value) -> Vec<&str> {
    body["data"]["mandates"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect()
}

/// A fresh app with the fixture and a viewer over province 19; returns
/// the app, the viewer's token, its user id, and the province's id.
async fn fixture_with_viewer() -> (TestApp, String, uuid::Uuid, crate::helpers::Fixture) {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let token = app.viewer_over("export.viewer", fixture.inside.id).await;
    let user = users::by_username(app.db(), "export.viewer")
        .await
        .unwrap()
        .unwrap();
    (app, token, user.id, fixture)
}

#[tokio::test]
async fn the_unit_tree_exports_a_subtree_with_its_link_bound_to_user_path_and_time() {
    let (app, token, user, fixture) = fixture_with_viewer().await;
    let province = crate::helpers::gid(NodeKind::Unit, fixture.inside.id);
    let body = app
        .graphql_as(
            &token,
            "query($id: ID!) { unit(id: $id) { exportUrl(format: CSV) ndjson: exportUrl(format: NDJSON) } }",
            json!({ "id": province }),
        )
        .await;
    let url = body["data"]["unit"]["exportUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _, bytes) = get(&app, &url, None).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let records: Vec<_> = reader.records().map(Result::unwrap).collect();
    assert_eq!(&records[0][1], "19", "the unit itself comes first");
    assert!(
        records.len() > 10,
        "the province and its units: {}",
        records.len()
    );
    let (status, _, bytes) =
        get(&app, body["data"]["unit"]["ndjson"].as_str().unwrap(), None).await;
    assert_eq!(status, 200);
    let lines: Vec<Value> = String::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), records.len());
    assert_eq!(lines[0]["id"], province.as_str());
    assert_eq!(
        lines[0]["kind"], "PROVINCE",
        "the enum value, not the label"
    );
    assert!(lines[1..].iter().all(|l| l["parentId"].is_string()));

    // Another path under the same signature is refused.
    let other = crate::helpers::gid(NodeKind::Unit, fixture.outside.id);
    let forged = url.replace(&province, &other);
    let (status, _, bytes) = get(&app, &forged, None).await;
    assert_eq!(status, 401);
    assert_eq!(code_of(&bytes), "UNAUTHENTICATED");
    // So is another query.
    let (status, _, _) = get(&app, &url.replace("format=csv", "format=xlsx"), None).await;
    assert_eq!(status, 401);
    // An expired link is refused.
    let expired = phancap::exports::sign_link_until(
        &app.tokens,
        &format!("/export/units/{province}?format=csv"),
        user,
        1,
        chrono::Utc::now().timestamp() - 1,
    );
    let (status, _, bytes) = get(&app, &expired, None).await;
    assert_eq!(status, 401);
    assert!(String::from_utf8_lossy(&bytes).contains("expired"));
    // Once the user is deactivated, the link stops working.
    users::deactivate_user(app.db(), Authority::Cli, user)
        .await
        .unwrap();
    let (status, _, bytes) = get(&app, &url, None).await;
    assert_eq!(status, 401);
    assert_eq!(code_of(&bytes), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_formula_in_a_name_is_neutralised_in_csv_and_a_plain_string_in_xlsx() {
    let (app, token, _, fixture) = fixture_with_viewer().await;
    let name = "=HYPERLINK(\"http://evil.example\",\"Bấm vào đây\")";
    admin::create_unit(
        app.db(),
        Authority::Cli,
        admin::CreateUnit {
            parent: fixture.inside.id,
            code: "19-XSS".into(),
            name: name.into(),
            admin_type: AdminType::Ban,
            valid_from: "2025-07-01".parse().unwrap(),
            valid_to: None,
        },
    )
    .await
    .unwrap();
    let province = crate::helpers::gid(NodeKind::Unit, fixture.inside.id);
    let (status, _, bytes) = get(
        &app,
        &format!("/export/units/{province}?format=csv"),
        Some(&token),
    )
    .await;
    assert_eq!(status, 200);
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[1] == "19-XSS")
        .expect("the body is exported");
    assert_eq!(&row[2], format!("'{name}"), "a leading apostrophe");

    let (status, _, bytes) = get(
        &app,
        &format!("/export/units/{province}?format=xlsx"),
        Some(&token),
    )
    .await;
    assert_eq!(status, 200);
    let mut workbook = Xlsx::new(Cursor::new(bytes)).unwrap();
    let sheet = workbook.sheet_names()[0].clone();
    let range = workbook.worksheet_range(&sheet).unwrap();
    let r = row_with(&range, 1, "19-XSS").unwrap();
    assert_eq!(range.get_value((r, 2)), Some(&Data::String(name.into())));
    let formulas = workbook.worksheet_formula(&sheet).unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "never a formula"
    );
}

#[tokio::test]
async fn the_national_tree_exports_every_unit_in_force_ordered_by_code() {
    let (app, token, _, _) = fixture_with_viewer().await;
    let body = app
        .graphql_as(
            &token,
            r#"{ unitsExportUrl(format: NDJSON)
                 before: unitsExportUrl(format: CSV, asOf: "2025-06-30")
                 units(first: 0) { totalCount } }"#,
            json!({}),
        )
        .await;
    let url = body["data"]["unitsExportUrl"].as_str().expect("a link");
    let (status, content_type, bytes) = get(&app, url, None).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(content_type, "application/x-ndjson");
    let lines: Vec<Value> = String::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len() as i64,
        body["data"]["units"]["totalCount"].as_i64().unwrap(),
        "every unit `units` lists, once"
    );
    let codes: Vec<&str> = lines.iter().map(|l| l["code"].as_str().unwrap()).collect();
    assert!(codes.windows(2).all(|w| w[0] <= w[1]), "{codes:?}");
    for code in ["19", "04", "05482", "19-SNV"] {
        assert!(codes.contains(&code), "{code} is in the national tree");
    }
    // Before the 2025 structure took effect none of these units was.
    let (status, _, bytes) = get(&app, body["data"]["before"].as_str().unwrap(), None).await;
    assert_eq!(status, 200);
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(&reader.headers().unwrap()[1], "Mã đơn vị");
    assert_eq!(reader.records().count(), 0);
    // The XLSX names the whole country in its title.
    let (status, _, bytes) = get(&app, "/export/units?format=xlsx", Some(&token)).await;
    assert_eq!(status, 200);
    let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("Danh mục đơn vị").unwrap();
    assert_eq!(text(&sheet, 3, 0), "DANH MỤC ĐƠN VỊ HÀNH CHÍNH TOÀN QUỐC");
    // Neither a token nor a link: refused.
    let (status, _, bytes) = get(&app, "/export/units?format=csv", None).await;
    assert_eq!(status, 401);
    assert_eq!(code_of(&bytes), "UNAUTHENTICATED");
}

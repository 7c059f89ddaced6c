//! Imports of the mandate registry (CSV, XLSX) and of report figures
//! (CSV, ADX JSON): all or nothing, every bad row by line and column, dry
//! runs that write nothing, one audit event with the file's hash, the
//! same rights and rules as the mutations, and the served templates.

use entity::document::DocumentType;
use entity::regime_indicator::{Aggregation, ValueType};
use phancap::auth::Authority;
use phancap::reporting::periods::Period;
use phancap::reporting::regimes::{self, IndicatorInput, RegimeInput};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    Fixture, Province, TestApp, catalogue, catalogue_held_by, cycle_period, instrument,
    reporting_cycle, role_user, spawn_app,
};

const IMPORT_MANDATES: &str = "mutation($file: Upload!, $dryRun: Boolean!) {
  importMandates(file: $file, dryRun: $dryRun) {
    summary { dryRun format fileName sha256 rows created updated moreErrors
      errors { line column code message } }
    mandates { code status } } }";

const IMPORT_FIGURES: &str = "mutation($file: Upload!, $dryRun: Boolean!) {
  importReportFigures(file: $file, dryRun: $dryRun) {
    summary { dryRun format fileName sha256 rows created updated moreErrors
      errors { line column code message } }
    reports { status } } }";

/// Sends `query` with `file` as its `$file` by the multipart request spec.
async fn upload(
    app: &TestApp,
    token: &str,
    query: &str,
    file_name: &str,
    content: &[u8],
    dry_run: bool,
) -> Value {
    let boundary = "phancapImport5e1a";
    let operations = json!({
        "query": query,
        "variables": { "file": null, "dryRun": dry_run },
    });
    let mut body = Vec::new();
    let mut part = |headers: &str, content: &[u8]| {
        body.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    };
    part(
        "Content-Disposition: form-data; name=\"operations\"",
        operations.to_string().as_bytes(),
    );
    part(
        "Content-Disposition: form-data; name=\"map\"",
        br#"{"0": ["variables.file"]}"#,
    );
    part(
        &format!(
            "Content-Disposition: form-data; name=\"0\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream"
        ),
        content,
    );
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .unwrap();
    response.json().await.unwrap()
}

fn summary<'a>(body: &'a Value, field: &str) -> &'a Value {
    assert!(body["errors"].is_null(), "{body}");
    &body["data"][field]["summary"]
}

/// The (line, column, code) of each fault listed.
fn faults(summary: &Value) -> Vec<(i64, String, String)> {
    summary["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_i64().unwrap(),
                e["column"].as_str().unwrap_or_default().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn sha256(content: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

struct Registry {
    app: TestApp,
    fixture: Fixture,
    approver: String,
}

/// The fixture with a catalogued matter and UBND tỉnh's decision 2/QĐ-UBND
/// (what it authorizes its sở by).
async fn registry() -> Registry {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    for matter in ["IM-A", "IM-B", "IM-C"] {
        catalogue(&app, matter).await;
    }
    instrument(
        &app,
        "2/QĐ-UBND",
        DocumentType::QdUbnd,
        fixture.inside.id,
        "2025-01-01",
    )
    .await;
    let approver = app
        .token(&role_user(entity::role_grant::Role::Approver))
        .await;
    Registry {
        app,
        fixture,
        approver,
    }
}

const HEADER: &str = "code,title,sector,matter,kind,delegator,delegatees,delegatee_capacity,decision_number,legal_basis_article,conditions,staff,effective_from,effective_to,status";

/// A lawful authorization of Sở Nội vụ 19 by UBND tỉnh 19 (issued), as a
/// CSV line.
fn authorization(code: &str, matter: &str) -> String {
    format!(
        "{code},Nội dung {code},XAY_DUNG,{matter},ủy quyền,19,19-SNV,HEAD,2/QĐ-UBND,Điều 1,Báo cáo kết quả hằng quý,1,01/08/2025,2030-12-31,ISSUED"
    )
}

/// A draft decentralization of the same (no decision yet).
fn draft(code: &str, matter: &str) -> String {
    format!(
        "{code},Nội dung {code},XAY_DUNG,{matter},DECENTRALIZATION,19,19-SNV,,,,,1,2025-08-01,,DRAFT"
    )
}

fn csv(lines: &[String]) -> Vec<u8> {
    let mut text = String::from(HEADER);
    for line in lines {
        text.push('\n');
        text.push_str(line);
    }
    text.push('\n');
    text.into_bytes()
}

async fn last_event(app: &TestApp) -> entity::audit_event::Model {
    entity::audit_event::Entity::find()
        .order_by_desc(entity::audit_event::Column::Seq)
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_registry_in_csv_is_issued_and_drafted_row_by_row_under_one_audit_event() {
    let r = registry().await;
    let file = csv(&[authorization("IM-1", "IM-A"), draft("IM-2", "IM-B")]);
    let events = r.app.audit_len().await;
    let body = upload(
        &r.app,
        &r.approver,
        IMPORT_MANDATES,
        "so-theo-doi.csv",
        &file,
        false,
    )
    .await;
    let s = summary(&body, "importMandates");
    assert_eq!(s["errors"], json!([]), "{s}");
    assert_eq!(s["format"], "CSV");
    assert_eq!(
        (s["rows"].as_i64(), s["created"].as_i64()),
        (Some(2), Some(2))
    );
    assert_eq!(
        body["data"]["importMandates"]["mandates"],
        json!([{"code": "IM-1", "status": "ACTIVE"}, {"code": "IM-2", "status": "DRAFT"}])
    );
    // One event for the whole file, with its counts and hash.
    assert_eq!(r.app.audit_len().await, events + 1);
    let event = last_event(&r.app).await;
    assert_eq!(event.action, "importMandates");
    let after: Value = serde_json::from_str(event.after.as_deref().unwrap()).unwrap();
    assert_eq!(after["sha256"], sha256(&file));
    assert_eq!(s["sha256"], sha256(&file));
    assert_eq!(after["fileName"], "so-theo-doi.csv");
    assert_eq!(after["format"], "CSV");
    assert_eq!(
        (after["rows"].as_i64(), after["created"].as_i64()),
        (Some(2), Some(2))
    );
    assert_eq!(
        (after["issued"].as_i64(), after["drafted"].as_i64()),
        (Some(1), Some(1))
    );
    let m = entity::mandate::Entity::find()
        .filter(entity::mandate::Column::Code.eq("IM-1"))
        .one(r.app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        m.delegatee_capacity,
        entity::mandate::DelegatorCapacity::Head
    );
    assert_eq!(m.effective_from.to_string(), "2025-08-01");
}

#[tokio::test]
async fn a_registry_in_xlsx_is_read_with_its_dates_and_numbers_as_typed_cells() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let r = registry().await;
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let header: Vec<&str> = HEADER.split(',').collect();
    for (c, name) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *name).unwrap();
    }
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (row, code) in [(1u32, "IM-X1"), (2, "IM-X2")] {
        let line = authorization(code, if row == 1 { "IM-A" } else { "IM-B" });
        for (c, cell) in line.split(',').enumerate() {
            match header[c] {
                "staff" => {
                    sheet.write_number(row, c as u16, 2).unwrap();
                }
                "effective_from" => {
                    let d = ExcelDateTime::from_ymd(2025, 8, 1).unwrap();
                    sheet
                        .write_datetime_with_format(row, c as u16, &d, &date)
                        .unwrap();
                }
                _ => {
                    sheet.write_string(row, c as u16, cell).unwrap();
                }
            }
        }
    }
    let file = workbook.save_to_buffer().unwrap();
    let body = upload(
        &r.app,
        &r.approver,
        IMPORT_MANDATES,
        "registry.xlsx",
        &file,
        false,
    )
    .await;
    let s = summary(&body, "importMandates");
    assert_eq!(s["errors"], json!([]), "{s}");
    assert_eq!(s["format"], "XLSX");
    assert_eq!(s["created"], 2);
    let m = entity::mandate::Entity::find()
        .filter(entity::mandate::Column::Code.eq("IM-X2"))
        .one(r.app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.resource_staff, Some(2));
    assert_eq!(m.effective_from.to_string(), "2025-08-01");
}

#[tokio::test]
async fn a_dry_run_checks_every_row_and_writes_nothing_not_even_the_audit() {
    let r = registry().await;
    let file = csv(&[authorization("IM-1", "IM-A"), draft("IM-2", "IM-B")]);
    let before = r.app.snapshot().await;
    let events = r.app.audit_len().await;
    let body = upload(&r.app, &r.approver, IMPORT_MANDATES, "a.csv", &file, true).await;
    let s = summary(&body, "importMandates");
    assert_eq!(s["errors"], json!([]), "{s}");
    assert_eq!(
        (s["dryRun"].as_bool(), s["created"].as_i64()),
        (Some(true), Some(2))
    );
    assert_eq!(r.app.snapshot().await, before);
    assert_eq!(r.app.audit_len().await, events);
    // Nothing stored, so no mandate to show: the summary counts them.
    assert_eq!(
        body["data"]["importMandates"]["mandates"],
        json!([]),
        "{body}"
    );
    // The same file then imports.
    let body = upload(&r.app, &r.approver, IMPORT_MANDATES, "a.csv", &file, false).await;
    assert_eq!(summary(&body, "importMandates")["created"], 2);
    assert_eq!(
        body["data"]["importMandates"]["mandates"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "{body}"
    );
}

#[tokio::test]
async fn one_bad_row_among_good_ones_writes_nothing_and_every_fault_is_listed_by_line_and_column() {
    let r = registry().await;
    let file = csv(&[
        authorization("IM-1", "IM-A"),
        authorization("IM-2", "IM-B").replace("XAY_DUNG", "XAY-DUNG"),
        authorization("IM-3", "IM-C").replace(",19-SNV,", ",19-KHONG-CO,"),
        authorization("IM-4", "KHONG-CO"),
        authorization("IM-5", "IM-C").replace("2030-12-31", "31/02/2030"),
        authorization("IM-6", "IM-C").replace("Báo cáo kết quả hằng quý", ""),
        draft("IM-7", "IM-C"),
    ]);
    let before = r.app.snapshot().await;
    let body = upload(&r.app, &r.approver, IMPORT_MANDATES, "a.csv", &file, false).await;
    let s = summary(&body, "importMandates");
    assert_eq!(
        faults(s),
        [
            (3, "sector".into(), "MALFORMED_FILE".into()),
            (4, "delegatees".into(), "UNKNOWN_UNIT".into()),
            (5, "matter".into(), "UNKNOWN_MATTER".into()),
            (6, "effective_to".into(), "MALFORMED_FILE".into()),
            (7, "conditions".into(), "MISSING_CONDITIONS".into()),
        ],
        "{s}"
    );
    assert_eq!(
        (s["created"].as_i64(), s["moreErrors"].as_i64()),
        (Some(0), Some(0))
    );
    assert_eq!(body["data"]["importMandates"]["mandates"], json!([]));
    assert_eq!(r.app.snapshot().await, before);
}

#[tokio::test]
async fn a_code_twice_in_a_file_is_a_duplicate_row_and_a_taken_code_a_duplicate_code() {
    let r = registry().await;
    let first = csv(&[draft("IM-1", "IM-A")]);
    let body = upload(&r.app, &r.approver, IMPORT_MANDATES, "a.csv", &first, false).await;
    assert_eq!(summary(&body, "importMandates")["created"], 1);
    let file = csv(&[
        draft("IM-2", "IM-A"),
        draft("im-2", "IM-B"),
        draft("IM-1", "IM-C"),
    ]);
    let before = r.app.snapshot().await;
    let body = upload(&r.app, &r.approver, IMPORT_MANDATES, "a.csv", &file, false).await;
    let s = summary(&body, "importMandates");
    assert_eq!(
        faults(s),
        [
            (3, "code".into(), "DUPLICATE_ROW".into()),
            (4, "code".into(), "DUPLICATE_CODE".into()),
        ],
        "{s}"
    );
    assert!(
        s["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("line 2")
    );
    assert_eq!(r.app.snapshot().await, before);
}

#[tokio::test]
async fn a_row_outside_the_approvers_scope_is_out_of_scope_and_other_roles_are_refused() {
    let r = registry().await;
    let file = csv(&[
        draft("IM-1", "IM-A"),
        draft("IM-2", "IM-B").replace(",19,19-SNV,", ",04,04-SNV,"),
    ]);
    let before = r.app.snapshot().await;
    let body = upload(&r.app, &r.approver, IMPORT_MANDATES, "a.csv", &file, false).await;
    let s = summary(&body, "importMandates");
    assert_eq!(
        faults(s),
        [(3, String::new(), "OUT_OF_SCOPE".into())],
        "{s}"
    );
    assert_eq!(r.app.snapshot().await, before);
    // The root, APPROVER over both provinces, imports both rows.
    let root = r.app.token("root").await;
    let body = upload(&r.app, &root, IMPORT_MANDATES, "a.csv", &file, false).await;
    assert_eq!(summary(&body, "importMandates")["created"], 2);
    // A reporter may not import mandates at all.
    let reporter = r
        .app
        .token(&role_user(entity::role_grant::Role::Reporter))
        .await;
    let body = upload(&r.app, &reporter, IMPORT_MANDATES, "a.csv", &file, true).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    let _ = &r.fixture;
}

#[tokio::test]
async fn a_header_that_lacks_or_repeats_columns_and_an_unreadable_file_are_faults_of_line_one() {
    let r = registry().await;
    let body = upload(
        &r.app,
        &r.approver,
        IMPORT_MANDATES,
        "a.csv",
        b"code,title,title,colour\nX,Y,Y,red\n",
        false,
    )
    .await;
    let s = summary(&body, "importMandates");
    let listed = faults(s);
    assert!(
        listed.contains(&(1, "title".into(), "MALFORMED_FILE".into())),
        "{s}"
    );
    assert!(
        listed.contains(&(1, "colour".into(), "MALFORMED_FILE".into())),
        "{s}"
    );
    assert!(
        listed.contains(&(1, "sector".into(), "MALFORMED_FILE".into())),
        "{s}"
    );
    // An unknown header of any length is echoed cut short.
    let long = "x".repeat(100_000);
    let file = format!("{HEADER},{long}\n");
    let body = upload(
        &r.app,
        &r.approver,
        IMPORT_MANDATES,
        "a.csv",
        file.as_bytes(),
        true,
    )
    .await;
    let s = summary(&body, "importMandates");
    let fault = &s["errors"][0];
    assert_eq!(fault["column"], format!("{}…", "x".repeat(60)), "{s}");
    assert!(fault["message"].as_str().unwrap().len() < 200, "{s}");
    let body = upload(
        &r.app,
        &r.approver,
        IMPORT_MANDATES,
        "a.xlsx",
        b"PK\x03\x04 not really a workbook",
        false,
    )
    .await;
    let s = summary(&body, "importMandates");
    assert_eq!(faults(s), [(1, String::new(), "MALFORMED_FILE".into())]);
    // Too many rows: counted before any is checked.
    let mut big = String::from(HEADER);
    for i in 0..=phancap::imports::MAX_ROWS {
        big.push_str(&format!("\nX{i}"));
    }
    let body = upload(
        &r.app,
        &r.approver,
        IMPORT_MANDATES,
        "big.csv",
        big.as_bytes(),
        true,
    )
    .await;
    let s = summary(&body, "importMandates");
    assert_eq!(faults(s)[0].2, "TOO_MANY_ROWS", "{s}");
}

#[tokio::test]
async fn more_than_a_thousand_faults_are_counted_beyond_those_listed() {
    let r = registry().await;
    let lines: Vec<String> = (0..1005)
        .map(|i| draft(&format!("IM-{i}"), "KHONG-CO"))
        .collect();
    let body = upload(
        &r.app,
        &r.approver,
        IMPORT_MANDATES,
        "a.csv",
        &csv(&lines),
        true,
    )
    .await;
    let s = summary(&body, "importMandates");
    assert_eq!(s["errors"].as_array().unwrap().len(), 1000);
    assert_eq!(s["moreErrors"], 5);
}

#[tokio::test]
async fn the_templates_download_and_their_thai_nguyen_example_passes_a_dry_run() {
    let r = registry().await;
    // What the example rests on, as the demo has it.
    catalogue_held_by(
        &r.app,
        "NV-VI-TRI-VIEC-LAM",
        entity::matter::MatterHolder::ChairProvince,
    )
    .await;
    instrument(
        &r.app,
        "902/QĐ-UBND",
        DocumentType::QdCtUbnd,
        r.fixture.inside.id,
        "2025-07-25",
    )
    .await;
    let get = |file: &'static str| {
        let url = format!("{}/import/templates/{file}", r.app.address);
        let client = r.app.client.clone();
        async move {
            let response = client.get(url).send().await.unwrap();
            assert_eq!(response.status().as_u16(), 200);
            let kind = response.headers()["content-type"]
                .to_str()
                .unwrap()
                .to_owned();
            (kind, response.bytes().await.unwrap().to_vec())
        }
    };
    let (kind, csv_template) = get("mandates.csv").await;
    assert!(kind.starts_with("text/csv"), "{kind}");
    assert!(csv_template.starts_with(b"\xEF\xBB\xBFcode,title,"));
    let (kind, xlsx_template) = get("mandates.xlsx").await;
    assert!(kind.contains("spreadsheetml"), "{kind}");
    {
        use calamine::{Reader, Xlsx};
        let mut book = Xlsx::new(std::io::Cursor::new(xlsx_template.clone())).unwrap();
        assert_eq!(book.sheet_names(), ["Nội dung", "Hướng dẫn"]);
        let help = book.worksheet_range("Hướng dẫn").unwrap();
        assert!(help.rows().any(|row| row[0] == "decision_number"));
    }
    for (name, file) in [
        ("mandates.csv", &csv_template),
        ("mandates.xlsx", &xlsx_template),
    ] {
        let body = upload(&r.app, &r.approver, IMPORT_MANDATES, name, file, true).await;
        let s = summary(&body, "importMandates");
        assert_eq!(s["errors"], json!([]), "{name}: {s}");
        assert_eq!(
            (s["rows"].as_i64(), s["created"].as_i64()),
            (Some(1), Some(1)),
            "{name}: {s}"
        );
    }
    let missing = r
        .app
        .client
        .get(format!("{}/import/templates/units.xlsx", r.app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);
}

/// A regime of the commune of `province` with typed indicators: SO_HO_SO
/// (INTEGER, 0 to 1000), DAT (BOOLEAN), GHI_CHU (TEXT) and TY_LE
/// (computed), with the next year's fourth quarter open; its report.
async fn typed_cycle(app: &TestApp, province: &Province) -> Uuid {
    // The mandate the commune reports on.
    reporting_cycle(app, province, 70).await;
    let indicator = |code: &str, value_type, min, max, formula: Option<&str>| IndicatorInput {
        code: code.into(),
        name: format!("Chỉ tiêu {code}"),
        measure: "hồ sơ".into(),
        aggregation: Aggregation::Sum,
        value_type,
        min,
        max,
        formula: formula.map(str::to_owned),
    };
    let regime = regimes::create_regime(
        app.db(),
        Authority::Cli,
        RegimeInput {
            code: "BC-SO-LIEU".into(),
            name: "Báo cáo số liệu".into(),
            content: "Số liệu".into(),
            recipient: province.department,
            frequency: entity::reporting_regime::Frequency::Quarter,
            cutoff_rule: entity::reporting_regime::CutoffRule::Decree09,
            deadline_days: 5,
            compiled_deadline_days: 10,
            reporter_kinds: None,
            reporter_units: Some(vec![province.commune]),
            sign_off: false,
            indicators: vec![
                indicator(
                    "SO_HO_SO",
                    ValueType::Integer,
                    Some(0.0),
                    Some(1000.0),
                    None,
                ),
                indicator("DAT", ValueType::Boolean, None, None, None),
                indicator("GHI_CHU", ValueType::Text, None, None, None),
                indicator(
                    "GAP_DOI",
                    ValueType::Number,
                    None,
                    None,
                    Some("SO_HO_SO * 2"),
                ),
            ],
            rules: Vec::new(),
        },
    )
    .await
    .unwrap();
    let periods = regimes::open_periods(
        app.db(),
        Authority::Cli,
        regime.id,
        None,
        vec![cycle_period().parse::<Period>().unwrap()],
    )
    .await
    .unwrap();
    entity::report::Entity::find()
        .filter(entity::report::Column::PeriodId.eq(periods[0].id))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn values_of(app: &TestApp, report: Uuid) -> Vec<(String, f64, Option<String>)> {
    entity::report_value::Entity::find()
        .filter(entity::report_value::Column::ReportId.eq(report))
        .order_by_asc(entity::report_value::Column::IndicatorCode)
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.indicator_code, v.value, v.text_value))
        .collect()
}

#[tokio::test]
async fn figures_in_csv_go_into_the_commune_reports_draft_under_one_audit_event() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let report = typed_cycle(&app, &fixture.inside).await;
    let period = cycle_period();
    let file = format!(
        "unit,period,indicator,value,comment\n05482,{period},SO_HO_SO,12,Nhập từ báo cáo giấy\n05482,{period},DAT,có,\n05482,{period},GHI_CHU,\"Đủ, đúng hạn\",\n"
    );
    let reporter = app
        .token(&role_user(entity::role_grant::Role::Reporter))
        .await;
    let events = app.audit_len().await;
    // Its reviewer hears the report move, as after `saveReportDraft`.
    let mut socket = crate::servers::subscribe(
        &app,
        &app.token("root").await,
        "subscription { reportStatusChanged { status previousStatus } }",
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let body = upload(
        &app,
        &reporter,
        IMPORT_FIGURES,
        "so-lieu.csv",
        file.as_bytes(),
        false,
    )
    .await;
    let s = summary(&body, "importReportFigures");
    assert_eq!(s["errors"], json!([]), "{s}");
    assert_eq!(
        (s["rows"].as_i64(), s["created"].as_i64()),
        (Some(3), Some(3))
    );
    assert_eq!(
        body["data"]["importReportFigures"]["reports"],
        json!([{"status": "DRAFT"}])
    );
    assert_eq!(
        values_of(&app, report).await,
        [
            ("DAT".into(), 1.0, None),
            ("GHI_CHU".into(), 0.0, Some("Đủ, đúng hạn".into())),
            ("SO_HO_SO".into(), 12.0, None),
        ]
    );
    let heard = crate::servers::next_event(&mut socket, std::time::Duration::from_secs(5))
        .await
        .expect("reportStatusChanged after the import");
    assert_eq!(
        heard["payload"]["data"]["reportStatusChanged"],
        json!({ "status": "DRAFT", "previousStatus": "NOT_STARTED" })
    );
    assert_eq!(app.audit_len().await, events + 1);
    let event = last_event(&app).await;
    assert_eq!(event.action, "importReportFigures");
    let after: Value = serde_json::from_str(event.after.as_deref().unwrap()).unwrap();
    assert_eq!(after["sha256"], sha256(file.as_bytes()));
    assert_eq!(after["comments"][0]["comment"], "Nhập từ báo cáo giấy");
    // A second import replaces a value: counted as updated.
    let again = format!("unit,period,indicator,value\n05482,{period},SO_HO_SO,15\n");
    let body = upload(
        &app,
        &reporter,
        IMPORT_FIGURES,
        "b.csv",
        again.as_bytes(),
        false,
    )
    .await;
    let s = summary(&body, "importReportFigures");
    assert_eq!(
        (s["created"].as_i64(), s["updated"].as_i64()),
        (Some(0), Some(1)),
        "{s}"
    );
}

#[tokio::test]
async fn figures_in_adx_json_are_imported_and_a_dry_run_writes_nothing() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let report = typed_cycle(&app, &fixture.inside).await;
    let adx = json!({
        "dataSet": "BC-SO-LIEU",
        "groups": [{
            "orgUnit": "05482",
            "period": cycle_period(),
            "dataValues": [
                {"dataElement": "SO_HO_SO", "value": 40},
                {"dataElement": "DAT", "value": false, "comment": "chưa đạt"},
            ],
        }],
    })
    .to_string();
    let reporter = app
        .token(&role_user(entity::role_grant::Role::Reporter))
        .await;
    let before = app.snapshot().await;
    let events = app.audit_len().await;
    let body = upload(
        &app,
        &reporter,
        IMPORT_FIGURES,
        "adx.json",
        adx.as_bytes(),
        true,
    )
    .await;
    let s = summary(&body, "importReportFigures");
    assert_eq!(s["errors"], json!([]), "{s}");
    assert_eq!(
        (s["format"].as_str(), s["created"].as_i64()),
        (Some("ADX_JSON"), Some(2))
    );
    assert_eq!(app.snapshot().await, before);
    assert_eq!(app.audit_len().await, events);
    let body = upload(
        &app,
        &reporter,
        IMPORT_FIGURES,
        "adx.json",
        adx.as_bytes(),
        false,
    )
    .await;
    assert_eq!(summary(&body, "importReportFigures")["created"], 2);
    assert_eq!(
        values_of(&app, report).await,
        [("DAT".into(), 0.0, None), ("SO_HO_SO".into(), 40.0, None)]
    );
}

#[tokio::test]
async fn figures_breaking_an_indicators_type_or_bounds_are_refused_by_line_and_column() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let report = typed_cycle(&app, &fixture.inside).await;
    let p = cycle_period();
    let file = format!(
        "unit,period,indicator,value\n\
         05482,{p},SO_HO_SO,12.5\n\
         05482,{p},DAT,có\n\
         05482,{p},DAT,không\n\
         05482,{p},GAP_DOI,24\n\
         05482,{p},KHONG_CO,1\n\
         99999,{p},SO_HO_SO,1\n\
         01273,{p},SO_HO_SO,1\n\
         05482,2020Q1,SO_HO_SO,1\n"
    );
    let reporter = app
        .token(&role_user(entity::role_grant::Role::Reporter))
        .await;
    let before = app.snapshot().await;
    let body = upload(
        &app,
        &reporter,
        IMPORT_FIGURES,
        "a.csv",
        file.as_bytes(),
        false,
    )
    .await;
    let s = summary(&body, "importReportFigures");
    assert_eq!(
        faults(s),
        [
            (2, "value".into(), "WRONG_VALUE_TYPE".into()),
            (4, "indicator".into(), "DUPLICATE_ROW".into()),
            (5, "value".into(), "COMPUTED_INDICATOR".into()),
            (6, "period".into(), "NO_REPORT".into()),
            (7, "unit".into(), "UNKNOWN_UNIT".into()),
            (8, "period".into(), "NO_REPORT".into()),
            (9, "period".into(), "NO_REPORT".into()),
        ],
        "{s}"
    );
    assert_eq!(app.snapshot().await, before);
    let out_of_bounds = format!("unit,period,indicator,value\n05482,{p},SO_HO_SO,1001\n");
    let body = upload(
        &app,
        &reporter,
        IMPORT_FIGURES,
        "a.csv",
        out_of_bounds.as_bytes(),
        false,
    )
    .await;
    let s = summary(&body, "importReportFigures");
    assert_eq!(
        faults(s),
        [(2, "value".into(), "VALUE_OUT_OF_RANGE".into())],
        "{s}"
    );
    assert!(values_of(&app, report).await.is_empty());
}

#[tokio::test]
async fn figures_of_a_unit_outside_the_reporters_scope_or_of_a_submitted_report_are_refused() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let inside = typed_cycle(&app, &fixture.inside).await;
    let p = cycle_period();
    // A reporter of the other province only.
    let outsider = app
        .create_user("reporter.bk", fixture.outside.id, Some("role-password-1"))
        .await;
    phancap::users::service::grant_role(
        app.db(),
        Authority::Cli,
        outsider,
        entity::role_grant::Role::Reporter,
        fixture.outside.id,
    )
    .await
    .unwrap();
    let token = app.token("reporter.bk").await;
    let file = format!("unit,period,indicator,value\n05482,{p},SO_HO_SO,3\n");
    let body = upload(
        &app,
        &token,
        IMPORT_FIGURES,
        "a.csv",
        file.as_bytes(),
        false,
    )
    .await;
    let s = summary(&body, "importReportFigures");
    assert_eq!(
        faults(s),
        [(2, "unit".into(), "OUT_OF_SCOPE".into())],
        "{s}"
    );
    // An approver is no reporter: the mutation is refused.
    let approver = app
        .token(&role_user(entity::role_grant::Role::Approver))
        .await;
    let body = upload(
        &app,
        &approver,
        IMPORT_FIGURES,
        "a.csv",
        file.as_bytes(),
        true,
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    // A submitted report is with its recipient.
    let current = phancap::reporting::reports::existing(app.db(), inside)
        .await
        .unwrap();
    entity::report::Entity::update_many()
        .col_expr(
            entity::report::Column::Status,
            sea_orm::sea_query::Expr::value("SUBMITTED"),
        )
        .filter(entity::report::Column::Id.eq(current.id))
        .exec(app.db())
        .await
        .unwrap();
    let reporter = app
        .token(&role_user(entity::role_grant::Role::Reporter))
        .await;
    let body = upload(
        &app,
        &reporter,
        IMPORT_FIGURES,
        "a.csv",
        file.as_bytes(),
        false,
    )
    .await;
    let s = summary(&body, "importReportFigures");
    assert_eq!(
        faults(s),
        [(2, "unit".into(), "NOT_EDITABLE".into())],
        "{s}"
    );
}

#[tokio::test]
async fn two_imports_of_the_same_rows_at_once_create_them_once() {
    // Only PostgreSQL runs writers side by side; SQLite has one.
    if crate::helpers::pg_url().is_none() {
        return;
    }
    let r = registry().await;
    let file = csv(&[draft("IM-1", "IM-A"), draft("IM-2", "IM-B")]);
    let (a, b) = tokio::join!(
        upload(&r.app, &r.approver, IMPORT_MANDATES, "a.csv", &file, false),
        upload(&r.app, &r.approver, IMPORT_MANDATES, "a.csv", &file, false),
    );
    let created: Vec<i64> = [&a, &b]
        .iter()
        .map(|body| summary(body, "importMandates")["created"].as_i64().unwrap())
        .collect();
    assert!(created == [2, 0] || created == [0, 2], "{a} {b}");
    let loser = if created[0] == 0 { &a } else { &b };
    let listed = faults(summary(loser, "importMandates"));
    assert_eq!(
        listed,
        [
            (2, "code".into(), "DUPLICATE_CODE".into()),
            (3, "code".into(), "DUPLICATE_CODE".into()),
        ]
    );
    let count = entity::mandate::Entity::find()
        .filter(entity::mandate::Column::Code.is_in(["IM-1", "IM-2"]))
        .all(r.app.db())
        .await
        .unwrap()
        .len();
    assert_eq!(count, 2);
}

/// A workbook whose first sheet holds `cells` (row, column, text).
fn sheet_of(cells: &[(u32, u16, &str)]) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (row, column, text) in cells {
        sheet.write_string(*row, *column, *text).unwrap();
    }
    workbook.save_to_buffer().unwrap()
}

#[tokio::test]
async fn a_sheet_is_read_by_its_cells_not_by_its_stated_size() {
    let r = registry().await;
    // Two cells at opposite corners of a sheet: laid out whole, the range
    // would take half a terabyte. It is a fault of the far cell's row.
    let corners = sheet_of(&[(0, 0, "code"), (1_048_575, 16_383, "x")]);
    let body = upload(
        &r.app,
        &r.approver,
        IMPORT_MANDATES,
        "corners.xlsx",
        &corners,
        true,
    )
    .await;
    let s = summary(&body, "importMandates");
    assert_eq!(
        faults(s),
        [(1_048_576, String::new(), "MALFORMED_FILE".into())],
        "{s}"
    );
    // A table that starts at C3 with a row far below is read as a
    // spreadsheet shows it: the header on line 3, the row on its own line.
    let header: Vec<&str> = HEADER.split(',').collect();
    let row_text = draft("IM-FAR", "KHONG-CO");
    let row: Vec<&str> = row_text.split(',').collect();
    let mut cells = Vec::new();
    for (i, (h, v)) in header.iter().zip(&row).enumerate() {
        cells.push((2, 2 + i as u16, *h));
        if !v.is_empty() {
            cells.push((900_000, 2 + i as u16, *v));
        }
    }
    let body = upload(
        &r.app,
        &r.approver,
        IMPORT_MANDATES,
        "far.xlsx",
        &sheet_of(&cells),
        true,
    )
    .await;
    let s = summary(&body, "importMandates");
    assert_eq!(s["rows"], 1, "{s}");
    assert_eq!(
        faults(s),
        [(900_001, "matter".into(), "UNKNOWN_MATTER".into())],
        "{s}"
    );
}

#[tokio::test]
async fn a_parent_the_approver_may_not_read_is_as_unknown_as_a_code_nobody_bears() {
    let r = registry().await;
    let f = &r.fixture;
    // Another province's draft: only its own side reads it.
    let basis =
        crate::helpers::document_of(&r.app, "9/2025/QĐ-UBND", true, f.outside.id, "2025-01-01")
            .await;
    let input = crate::helpers::mandate_input(
        "OUT-DRAFT",
        "IM-C",
        f.outside.id,
        vec![f.outside.commune],
        basis,
    );
    crate::helpers::make_mandate(&r.app, input, false).await;
    let row = |parent: &str| {
        format!(
            "code,title,sector,matter,kind,delegator,delegatees,effective_from,status,parent\n\
             IM-P,Nội dung IM-P,XAY_DUNG,IM-A,DECENTRALIZATION,19,19-SNV,2025-08-01,DRAFT,{parent}\n"
        )
    };
    let mut answers = Vec::new();
    for parent in ["OUT-DRAFT", "NO-SUCH-CODE"] {
        let file = row(parent);
        let body = upload(
            &r.app,
            &r.approver,
            IMPORT_MANDATES,
            "p.csv",
            file.as_bytes(),
            true,
        )
        .await;
        let s = summary(&body, "importMandates");
        assert_eq!(
            faults(s),
            [(2, "parent".into(), "UNKNOWN_REFERENCE".into())],
            "{parent}: {s}"
        );
        answers.push(
            s["errors"][0]["message"]
                .as_str()
                .unwrap()
                .replace(parent, "…"),
        );
    }
    assert_eq!(answers[0], answers[1], "the same answer either way");
}

#[tokio::test]
async fn a_workbook_whose_texts_unpack_past_their_bound_is_refused_before_it_is_read() {
    use std::io::{Read, Write};
    let r = registry().await;
    // A real workbook whose shared strings are swapped for 65 MiB of one
    // repeated text: 1 MiB or so packed, gigabytes once calamine holds it.
    let base = sheet_of(&[(0, 0, "code"), (1, 0, "x")]);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(base)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        out.start_file(name.as_str(), options).unwrap();
        if name == "xl/sharedStrings.xml" {
            out.write_all(b"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>code</t></si><si><t>x</t></si>")
                .unwrap();
            let filler = "<si><t>a</t></si>".repeat(1 << 16);
            for _ in 0..(65 * 1024 * 1024 / filler.len() + 1) {
                out.write_all(filler.as_bytes()).unwrap();
            }
            out.write_all(b"</sst>").unwrap();
        } else {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            out.write_all(&bytes).unwrap();
        }
    }
    let bomb = out.finish().unwrap().into_inner();
    assert!(bomb.len() < 4 * 1024 * 1024, "{} bytes packed", bomb.len());
    let body = upload(
        &r.app,
        &r.approver,
        IMPORT_MANDATES,
        "bomb.xlsx",
        &bomb,
        true,
    )
    .await;
    let s = summary(&body, "importMandates");
    assert_eq!(
        faults(s),
        [(1, String::new(), "MALFORMED_FILE".into())],
        "{s}"
    );
    assert!(
        s["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("shared strings"),
        "{s}"
    );
}

#[tokio::test]
async fn a_nul_in_any_cell_is_a_fault_of_its_cell_on_both_databases() {
    let r = registry().await;
    let row = draft("IM-NUL", "IM-A").replacen(",,,,,", ",,9/QĐ\0UBND,,,", 1);
    let file = format!("{HEADER}\n{row}\n");
    let body = upload(
        &r.app,
        &r.approver,
        IMPORT_MANDATES,
        "nul.csv",
        file.as_bytes(),
        true,
    )
    .await;
    let s = summary(&body, "importMandates");
    assert_eq!(
        faults(s),
        [(2, "decision_number".into(), "MALFORMED_FILE".into())],
        "{s}"
    );
    let reporter = r
        .app
        .token(&role_user(entity::role_grant::Role::Reporter))
        .await;
    let figures = format!(
        "unit,period,indicator,value\n05\u{0}482,{},SO_HO_SO,1\n",
        cycle_period()
    );
    let body = upload(
        &r.app,
        &reporter,
        IMPORT_FIGURES,
        "nul.csv",
        figures.as_bytes(),
        true,
    )
    .await;
    let s = summary(&body, "importReportFigures");
    assert_eq!(
        faults(s),
        [(2, "unit".into(), "MALFORMED_FILE".into())],
        "{s}"
    );
    let adx = br#"{"groups": [{"orgUnit": "05\u0000482", "period": "2026Q3", "dataValues": []}]}"#;
    let body = upload(&r.app, &reporter, IMPORT_FIGURES, "nul.json", adx, true).await;
    let s = summary(&body, "importReportFigures");
    assert_eq!(faults(s), [(1, "$".into(), "MALFORMED_FILE".into())], "{s}");
}

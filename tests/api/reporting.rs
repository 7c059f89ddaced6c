//! The reporting cycle over HTTP: periods and deadlines, the status
//! machine with optimistic versions, routing, the compiled report,
//! reminders, progress from rollups, every refusal's code (and that it
//! changed nothing), and the status subscription.

use entity::role_grant::Role;
use phancap::auth::Authority;
use phancap::graphql::NodeKind;
use phancap::reporting::{progress, regimes};
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    TestApp, accept_report, bundled_rows, cycle_period, error_code, fill_report, gid,
    reporting_cycle, role_user, spawn_app, submit_report,
};

const REPORT_FIELDS: &str = "report { id status version late returnReason deadline \
    reporter { code } recipient { code } narrative { results } \
    items { mandate { code } implementationStatus procedures { received resolvedOnTime resolvedLate pending } proposal } \
    values { indicator { code } value } viewerCan { edit submit return accept } } userErrors { field code message }";

fn save_mutation() -> String {
    format!(
        "mutation($input: SaveReportDraftInput!) {{ saveReportDraft(input: $input) {{ {REPORT_FIELDS} }} }}"
    )
}

fn transition(name: &str, input: &str) -> String {
    format!("mutation($input: {input}!) {{ {name}(input: $input) {{ {REPORT_FIELDS} }} }}")
}

async fn token(app: &TestApp, role: Role) -> String {
    app.token(&role_user(role)).await
}

/// The rule code of a payload, checking that nothing changed.
async fn refused(app: &TestApp, token: &str, query: &str, vars: Value, field: &str) -> String {
    let before = app.snapshot().await;
    let body = app.graphql_as(token, query, vars).await;
    assert!(body["errors"].is_null(), "{body}");
    let code = body["data"][field]["userErrors"][0]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("{field} was not refused: {body}"))
        .to_owned();
    assert_eq!(
        app.snapshot().await,
        before,
        "{field} refused with {code} changed something"
    );
    code
}

async fn progress_of(app: &TestApp, token: &str, period: &str, within: Uuid) -> Value {
    let body = app
        .graphql_as(
            token,
            "query($p: Period!, $w: ID) { reportingProgress(period: $p, within: $w) { expected submitted onTime late missing returned accepted awaitingReview indicators { code total reports value } children { unit { code } expected submitted accepted } } }",
            json!({ "p": period, "w": gid(NodeKind::Unit, within) }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["reportingProgress"].clone()
}

#[tokio::test]
async fn periods_open_with_decree_windows_and_working_day_deadlines() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let coordinator = token(&app, Role::Coordinator).await;
    let body = app
        .graphql_as(
            &coordinator,
            "mutation($input: CreateRegimeInput!) { createRegime(input: $input) { regime { id code frequency cutoffRule reportersAreHolders indicators { code aggregation } recipient { code } } userErrors { code } } }",
            json!({ "input": {
                "code": "BC-Q", "name": "Báo cáo quý", "content": "Phân cấp", "recipient": gid(NodeKind::Unit, fixture.inside.department),
                "frequency": "QUARTER", "deadlineDays": 5, "compiledDeadlineDays": 10,
                "reporterUnits": [gid(NodeKind::Unit, fixture.inside.commune)],
                "indicators": [{ "code": "HO_SO", "name": "Hồ sơ", "measure": "hồ sơ", "aggregation": "SUM" },
                               { "code": "TY_LE", "name": "Tỷ lệ", "measure": "%", "aggregation": "AVG" }],
            } }),
        )
        .await;
    let regime = &body["data"]["createRegime"]["regime"];
    assert_eq!(regime["cutoffRule"], "DECREE_09", "{body}");
    assert_eq!(regime["reportersAreHolders"], false);
    assert_eq!(regime["indicators"][1]["aggregation"], "AVG");
    assert_eq!(regime["recipient"]["code"], "19-SNV");
    let body = app
        .graphql_as(
            &coordinator,
            "mutation($input: OpenPeriodsInput!) { openPeriods(input: $input) { periods { id period dataFrom dataTo deadline compiledDeadline } userErrors { code } } }",
            json!({ "input": { "regime": regime["id"], "year": 2026 } }),
        )
        .await;
    let periods = body["data"]["openPeriods"]["periods"].as_array().unwrap();
    let got: Vec<_> = periods
        .iter()
        .map(|p| {
            format!(
                "{} {}..{} due {} compiled {}",
                p["period"].as_str().unwrap(),
                p["dataFrom"].as_str().unwrap(),
                p["dataTo"].as_str().unwrap(),
                p["deadline"].as_str().unwrap(),
                p["compiledDeadline"].as_str().unwrap()
            )
        })
        .collect();
    // Q1 closes on Saturday 14/3: five working days after is Friday 20/3,
    // ten is Friday 27/3. Q2 closes on Sunday 14/6. Q3 on Monday 14/9.
    // Q4 on Monday 14/12.
    assert_eq!(
        got,
        [
            "2026Q1 2025-12-15..2026-03-14 due 2026-03-20 compiled 2026-03-27",
            "2026Q2 2026-03-15..2026-06-14 due 2026-06-19 compiled 2026-06-26",
            "2026Q3 2026-06-15..2026-09-14 due 2026-09-21 compiled 2026-09-28",
            "2026Q4 2026-09-15..2026-12-14 due 2026-12-21 compiled 2026-12-28",
        ]
    );
    // One report per period for the one reporter, NOT_STARTED, no item
    // (the commune holds no mandate), counted as expected and missing.
    let progress = progress_of(&app, &coordinator, "2026Q1", fixture.inside.id).await;
    assert_eq!(progress["expected"], 1);
    assert_eq!(progress["missing"], 1);
    assert_eq!(progress["children"][0]["unit"]["code"], "05482");
    // Reopening one of them is refused and changes nothing.
    let code = refused(
        &app,
        &coordinator,
        "mutation($input: OpenPeriodsInput!) { openPeriods(input: $input) { periods { id } userErrors { code } } }",
        json!({ "input": { "regime": regime["id"], "periods": ["2026Q2"] } }),
        "openPeriods",
    )
    .await;
    assert_eq!(code, "PERIOD_ALREADY_OPEN");
}

#[tokio::test]
async fn a_report_goes_through_draft_return_acceptance_and_compilation() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let cycle = reporting_cycle(&app, &fixture.inside, 1).await;
    let reporter = token(&app, Role::Reporter).await;
    let reviewer = token(&app, Role::Reviewer).await;
    let coordinator = token(&app, Role::Coordinator).await;
    let approver = token(&app, Role::Approver).await;
    let id = gid(NodeKind::Report, cycle.report);
    let body = app
        .graphql_as(&reporter, "query($id: ID!) { report(id: $id) { status version items { mandate { id } } viewerCan { edit submit return accept } } }", json!({ "id": id }))
        .await;
    let report = &body["data"]["report"];
    assert_eq!(report["status"], "NOT_STARTED", "{body}");
    assert_eq!(
        report["viewerCan"],
        json!({ "edit": true, "submit": false, "return": false, "accept": false })
    );
    let mandate = report["items"][0]["mandate"]["id"].clone();
    let body = app
        .graphql_as(
            &reporter,
            &save_mutation(),
            json!({ "input": {
                "report": id, "expectedVersion": 1, "results": "Đã tiếp nhận, giải quyết", "difficulties": "Thiếu nhân lực",
                "items": [{ "mandate": mandate, "implementationStatus": "IN_PROGRESS", "received": 12, "resolvedOnTime": 9,
                            "resolvedLate": 1, "pending": 2, "proposal": "EXPAND" }],
                "values": [{ "indicator": "HO_SO", "value": 12 }],
            } }),
        )
        .await;
    let report = &body["data"]["saveReportDraft"]["report"];
    assert_eq!(report["status"], "DRAFT", "{body}");
    assert_eq!(report["version"], 2);
    assert_eq!(report["recipient"]["code"], "19-SNV");
    assert_eq!(report["items"][0]["procedures"]["resolvedOnTime"], 9);
    assert_eq!(report["items"][0]["proposal"], "EXPAND");
    assert_eq!(report["values"][0]["value"], 12.0);
    assert_eq!(report["late"], false);
    let submit = transition("submitReport", "ReportTransitionInput");
    let body = app
        .graphql_as(
            &reporter,
            &submit,
            json!({ "input": { "report": id, "expectedVersion": 2 } }),
        )
        .await;
    assert_eq!(
        body["data"]["submitReport"]["report"]["status"], "SUBMITTED",
        "{body}"
    );
    let progress = progress_of(&app, &coordinator, &cycle_period(), fixture.inside.id).await;
    assert_eq!(
        (
            progress["submitted"].clone(),
            progress["onTime"].clone(),
            progress["awaitingReview"].clone(),
            progress["missing"].clone()
        ),
        (json!(1), json!(1), json!(1), json!(0))
    );
    // A return needs a reason, then sends it back.
    let ret = transition("returnReport", "ReturnReportInput");
    let code = refused(
        &app,
        &reviewer,
        &ret,
        json!({ "input": { "report": id, "expectedVersion": 3, "reason": "  " } }),
        "returnReport",
    )
    .await;
    assert_eq!(code, "REASON_REQUIRED");
    let body = app
        .graphql_as(&reviewer, &ret, json!({ "input": { "report": id, "expectedVersion": 3, "reason": "Số liệu chưa khớp" } }))
        .await;
    let report = &body["data"]["returnReport"]["report"];
    assert_eq!(report["status"], "RETURNED", "{body}");
    assert_eq!(report["returnReason"], "Số liệu chưa khớp");
    assert_eq!(
        progress_of(&app, &coordinator, &cycle_period(), fixture.inside.id).await["returned"],
        1
    );
    // Fixed and sent again; then accepted, which locks it.
    let body = app
        .graphql_as(&reporter, &save_mutation(), json!({ "input": { "report": id, "expectedVersion": 4, "values": [{ "indicator": "HO_SO", "value": 15 }] } }))
        .await;
    assert_eq!(
        body["data"]["saveReportDraft"]["report"]["status"], "RETURNED",
        "{body}"
    );
    let body = app
        .graphql_as(
            &reporter,
            &submit,
            json!({ "input": { "report": id, "expectedVersion": 5 } }),
        )
        .await;
    assert_eq!(
        body["data"]["submitReport"]["report"]["status"], "SUBMITTED",
        "{body}"
    );
    let accept = transition("acceptReport", "ReportTransitionInput");
    let body = app
        .graphql_as(
            &reviewer,
            &accept,
            json!({ "input": { "report": id, "expectedVersion": 6 } }),
        )
        .await;
    assert_eq!(
        body["data"]["acceptReport"]["report"]["status"], "ACCEPTED",
        "{body}"
    );
    let progress = progress_of(&app, &coordinator, &cycle_period(), fixture.inside.id).await;
    assert_eq!(progress["accepted"], 1);
    assert_eq!(progress["returned"], 0);
    assert_eq!(
        progress["submitted"], 1,
        "a resubmission is not a second report"
    );
    assert_eq!(progress["indicators"][0]["total"], 15.0);
    let code = refused(
        &app,
        &reporter,
        &save_mutation(),
        json!({ "input": { "report": id, "expectedVersion": 7, "results": "sửa" } }),
        "saveReportDraft",
    )
    .await;
    assert_eq!(code, "REPORT_LOCKED");
    // Compiled as Sở Nội vụ's draft, written, sent to UBND tỉnh, which
    // returns it once and then accepts it with its directions.
    let compile = "mutation($input: PeriodInput!) { compileReport(input: $input) { report { id status version compiled recipient { code } reporter { code } narrative { results difficulties } values { indicator { code } value } compiledFrom { reporter { code } } } userErrors { code } } }";
    let period_input =
        json!({ "input": { "period": gid(NodeKind::ReportingPeriod, cycle.period) } });
    let body = app
        .graphql_as(&coordinator, compile, period_input.clone())
        .await;
    let compiled = body["data"]["compileReport"]["report"].clone();
    assert_eq!(compiled["status"], "DRAFT", "{body}");
    assert_eq!(compiled["compiled"], true);
    assert_eq!(compiled["recipient"]["code"], "19");
    assert_eq!(compiled["reporter"]["code"], "19-SNV");
    assert_eq!(compiled["values"][0]["value"], 15.0);
    assert_eq!(compiled["compiledFrom"][0]["reporter"]["code"], "05482");
    assert!(
        compiled["narrative"]["results"]
            .as_str()
            .unwrap()
            .contains("1/1"),
        "{compiled}"
    );
    let cid = compiled["id"].clone();
    let submit_compiled = transition("submitCompiledReport", "ReportTransitionInput");
    // Not sent before Sở Nội vụ has written its assessment.
    let code = refused(
        &app,
        &coordinator,
        &submit_compiled,
        json!({ "input": { "report": cid, "expectedVersion": 1 } }),
        "submitCompiledReport",
    )
    .await;
    assert_eq!(code, "MISSING_NARRATIVE");
    let save_compiled = "mutation($input: SaveCompiledReportInput!) { saveCompiledReport(input: $input) { report { version compilation { assessment recommendations } } userErrors { code } } }";
    let body = app
        .graphql_as(&coordinator, save_compiled, json!({ "input": { "report": cid, "expectedVersion": 1,
            "assessment": "Các đơn vị thực hiện nghiêm túc", "recommendations": "Đề nghị UBND tỉnh chỉ đạo rà soát thủ tục" } }))
        .await;
    let saved = &body["data"]["saveCompiledReport"]["report"];
    assert_eq!(saved["version"], 2, "{body}");
    assert_eq!(
        saved["compilation"]["assessment"],
        "Các đơn vị thực hiện nghiêm túc"
    );
    let body = app
        .graphql_as(
            &coordinator,
            &submit_compiled,
            json!({ "input": { "report": cid, "expectedVersion": 2 } }),
        )
        .await;
    assert_eq!(
        body["data"]["submitCompiledReport"]["report"]["status"], "SUBMITTED",
        "{body}"
    );
    // While UBND tỉnh holds it, it is not compiled again.
    let code = refused(
        &app,
        &coordinator,
        compile,
        period_input.clone(),
        "compileReport",
    )
    .await;
    assert_eq!(code, "NOT_EDITABLE");
    // A reviewer of Sở Nội vụ cannot act on it; the unit-report mutation refuses it.
    let root = app.token("root").await;
    let code = refused(
        &app,
        &root,
        &transition("acceptReport", "ReportTransitionInput"),
        json!({ "input": { "report": cid, "expectedVersion": 3 } }),
        "acceptReport",
    )
    .await;
    assert_eq!(code, "COMPILED_REPORT");
    let ret = transition("returnCompiledReport", "ReturnReportInput");
    let body = app
        .graphql_as(&approver, &ret, json!({ "input": { "report": cid, "expectedVersion": 3, "reason": "Bổ sung phân tích" } }))
        .await;
    assert_eq!(
        body["data"]["returnCompiledReport"]["report"]["status"], "RETURNED",
        "{body}"
    );
    let body = app
        .graphql_as(&coordinator, compile, period_input.clone())
        .await;
    assert_eq!(
        body["data"]["compileReport"]["report"]["status"], "RETURNED",
        "compiling again keeps it with Sở Nội vụ: {body}"
    );
    assert_eq!(
        body["data"]["compileReport"]["report"]["id"], cid,
        "one compiled report per period"
    );
    let version = body["data"]["compileReport"]["report"]["version"].clone();
    let body = app
        .graphql_as(
            &coordinator,
            &submit_compiled,
            json!({ "input": { "report": cid, "expectedVersion": version } }),
        )
        .await;
    let version = body["data"]["submitCompiledReport"]["report"]["version"].clone();
    assert_eq!(
        body["data"]["submitCompiledReport"]["report"]["status"], "SUBMITTED",
        "{body}"
    );
    let accept_compiled = "mutation($input: AcceptCompiledReportInput!) { acceptCompiledReport(input: $input) { report { status compilation { directions assessment } } userErrors { code } } }";
    let body = app
        .graphql_as(
            &approver,
            accept_compiled,
            json!({ "input": { "report": cid, "expectedVersion": version, "directions": "Giao Sở Nội vụ theo dõi, đôn đốc" } }),
        )
        .await;
    let accepted = &body["data"]["acceptCompiledReport"]["report"];
    assert_eq!(accepted["status"], "ACCEPTED", "{body}");
    assert_eq!(
        accepted["compilation"]["directions"],
        "Giao Sở Nội vụ theo dõi, đôn đốc"
    );
    assert_eq!(
        accepted["compilation"]["assessment"], "Các đơn vị thực hiện nghiêm túc",
        "compiling again kept what Sở Nội vụ wrote"
    );
    let code = refused(&app, &coordinator, compile, period_input, "compileReport").await;
    assert_eq!(code, "REPORT_LOCKED");
    // Every step above was audited.
    let actions: Vec<String> = entity::audit_event::Entity::find()
        .order_by_asc(entity::audit_event::Column::Seq)
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.contains("Report"))
        .collect();
    assert_eq!(
        actions,
        [
            "saveReportDraft",
            "submitReport",
            "returnReport",
            "saveReportDraft",
            "submitReport",
            "acceptReport",
            "compileReport",
            "saveCompiledReport",
            "submitCompiledReport",
            "returnCompiledReport",
            "compileReport",
            "submitCompiledReport",
            "acceptCompiledReport"
        ]
    );
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_changes_nothing() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let cycle = reporting_cycle(&app, &fixture.inside, 1).await;
    let version = fill_report(&app, cycle.report, 4.0).await;
    let reporter = token(&app, Role::Reporter).await;
    let id = gid(NodeKind::Report, cycle.report);
    for (query, vars) in [
        (
            save_mutation(),
            json!({ "input": { "report": id, "expectedVersion": version - 1, "results": "cũ" } }),
        ),
        (
            transition("submitReport", "ReportTransitionInput"),
            json!({ "input": { "report": id, "expectedVersion": version + 1 } }),
        ),
    ] {
        let before = app.snapshot().await;
        let body = app.graphql_as(&reporter, &query, vars).await;
        assert_eq!(error_code(&body), "CONFLICT", "{body}");
        assert_eq!(app.snapshot().await, before);
    }
    let version = submit_report_from(&app, &reporter, &id, version).await;
    let reviewer = token(&app, Role::Reviewer).await;
    let before = app.snapshot().await;
    let body = app
        .graphql_as(
            &reviewer,
            &transition("acceptReport", "ReportTransitionInput"),
            json!({ "input": { "report": id, "expectedVersion": version - 1 } }),
        )
        .await;
    assert_eq!(error_code(&body), "CONFLICT", "{body}");
    assert_eq!(app.snapshot().await, before);
}

async fn submit_report_from(app: &TestApp, token: &str, id: &str, version: i32) -> i32 {
    let body = app
        .graphql_as(
            token,
            &transition("submitReport", "ReportTransitionInput"),
            json!({ "input": { "report": id, "expectedVersion": version } }),
        )
        .await;
    body["data"]["submitReport"]["report"]["version"]
        .as_i64()
        .unwrap_or_else(|| panic!("{body}")) as i32
}

#[tokio::test]
async fn every_refusal_of_a_report_has_its_code_and_changes_nothing() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let cycle = reporting_cycle(&app, &fixture.inside, 1).await;
    let reporter = token(&app, Role::Reporter).await;
    let reviewer = token(&app, Role::Reviewer).await;
    let coordinator = token(&app, Role::Coordinator).await;
    let id = gid(NodeKind::Report, cycle.report);
    let mandate = {
        let items = entity::report_item::Entity::find()
            .all(app.db())
            .await
            .unwrap();
        gid(NodeKind::Mandate, items[0].mandate_id)
    };
    let stranger = {
        reporting_cycle(&app, &fixture.outside, 2).await;
        let items = entity::report_item::Entity::find()
            .all(app.db())
            .await
            .unwrap();
        let foreign = items
            .iter()
            .find(|i| gid(NodeKind::Mandate, i.mandate_id) != mandate)
            .unwrap();
        gid(NodeKind::Mandate, foreign.mandate_id)
    };
    let save = save_mutation();
    let submit = transition("submitReport", "ReportTransitionInput");
    let item = |extra: Value| {
        let mut base = json!({ "mandate": mandate });
        base.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({ "input": { "report": id, "expectedVersion": 1, "items": [base] } })
    };
    let cases: Vec<(&str, &str, Value, &str)> = vec![
        (
            "saveReportDraft",
            &save,
            item(json!({ "received": -1 })),
            "NEGATIVE_COUNT",
        ),
        (
            "saveReportDraft",
            &save,
            item(json!({ "received": 5, "resolvedOnTime": 3, "resolvedLate": 1, "pending": 2 })),
            "COUNTS_DO_NOT_ADD_UP",
        ),
        (
            "saveReportDraft",
            &save,
            json!({ "input": { "report": id, "expectedVersion": 1, "items": [{ "mandate": stranger }] } }),
            "UNKNOWN_ITEM",
        ),
        (
            "saveReportDraft",
            &save,
            json!({ "input": { "report": id, "expectedVersion": 1, "items": [{ "mandate": mandate, "received": 1 }, { "mandate": mandate, "received": 2 }] } }),
            "DUPLICATE_ITEM",
        ),
        (
            "saveReportDraft",
            &save,
            json!({ "input": { "report": id, "expectedVersion": 1, "values": [{ "indicator": "KHONG_CO", "value": 1 }] } }),
            "UNKNOWN_INDICATOR",
        ),
        (
            "saveReportDraft",
            &save,
            json!({ "input": { "report": id, "expectedVersion": 1, "results": "x\u{0}" } }),
            "INVALID_TEXT",
        ),
        (
            "submitReport",
            &submit,
            json!({ "input": { "report": id, "expectedVersion": 1 } }),
            "MISSING_NARRATIVE",
        ),
    ];
    for (field, query, vars, expected) in cases {
        assert_eq!(
            refused(&app, &reporter, query, vars, field).await,
            expected,
            "{field}"
        );
    }
    // With a narrative only, the items are incomplete; with the items, an
    // indicator is missing.
    let body = app
        .graphql_as(
            &reporter,
            &save,
            json!({ "input": { "report": id, "expectedVersion": 1, "results": "Kết quả" } }),
        )
        .await;
    assert_eq!(
        body["data"]["saveReportDraft"]["report"]["version"], 2,
        "{body}"
    );
    let code = refused(
        &app,
        &reporter,
        &submit,
        json!({ "input": { "report": id, "expectedVersion": 2 } }),
        "submitReport",
    )
    .await;
    assert_eq!(code, "INCOMPLETE_ITEMS");
    let body = app.graphql_as(&reporter, &save, item(json!({ "implementationStatus": "DONE", "received": 3, "resolvedOnTime": 3, "resolvedLate": 0, "pending": 0, "proposal": "KEEP" }))
        .as_object().map(|o| { let mut o = o.clone(); o["input"]["expectedVersion"] = json!(2); Value::Object(o) }).unwrap()).await;
    assert_eq!(
        body["data"]["saveReportDraft"]["userErrors"],
        json!([]),
        "{body}"
    );
    let code = refused(
        &app,
        &reporter,
        &submit,
        json!({ "input": { "report": id, "expectedVersion": 3 } }),
        "submitReport",
    )
    .await;
    assert_eq!(code, "MISSING_INDICATORS");
    // A report not yet submitted cannot be reviewed; a submitted one not edited.
    let accept = transition("acceptReport", "ReportTransitionInput");
    let code = refused(
        &app,
        &reviewer,
        &accept,
        json!({ "input": { "report": id, "expectedVersion": 3 } }),
        "acceptReport",
    )
    .await;
    assert_eq!(code, "NOT_SUBMITTED");
    let body = app.graphql_as(&reporter, &save, json!({ "input": { "report": id, "expectedVersion": 3, "values": [{ "indicator": "HO_SO", "value": 2 }] } })).await;
    assert_eq!(
        body["data"]["saveReportDraft"]["report"]["version"], 4,
        "{body}"
    );
    submit_report_from(&app, &reporter, &id, 4).await;
    let code = refused(
        &app,
        &reporter,
        &save,
        json!({ "input": { "report": id, "expectedVersion": 5, "results": "sửa" } }),
        "saveReportDraft",
    )
    .await;
    assert_eq!(code, "NOT_EDITABLE");
    let code = refused(
        &app,
        &reporter,
        &submit,
        json!({ "input": { "report": id, "expectedVersion": 5 } }),
        "submitReport",
    )
    .await;
    assert_eq!(code, "NOT_EDITABLE");
    // Nothing accepted yet: nothing to compile; a unit report is not compiled.
    let period = gid(NodeKind::ReportingPeriod, cycle.period);
    let code = refused(&app, &coordinator, "mutation($input: PeriodInput!) { compileReport(input: $input) { report { id } userErrors { code } } }", json!({ "input": { "period": period } }), "compileReport").await;
    assert_eq!(code, "NOTHING_TO_COMPILE");
    let approver = token(&app, Role::Approver).await;
    let code = refused(
        &app,
        &approver,
        &transition("acceptCompiledReport", "ReportTransitionInput"),
        json!({ "input": { "report": id, "expectedVersion": 5 } }),
        "acceptCompiledReport",
    )
    .await;
    assert_eq!(code, "NOT_COMPILED");
}

#[tokio::test]
async fn values_and_texts_the_api_cannot_send_are_refused_by_the_service() {
    // JSON cannot carry NaN; other callers of the service can.
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let cycle = reporting_cycle(&app, &fixture.inside, 1).await;
    let before = app.snapshot().await;
    let draft = phancap::reporting::reports::DraftInput {
        values: vec![phancap::reporting::reports::ValueInput::number(
            "HO_SO",
            f64::NAN,
        )],
        ..Default::default()
    };
    let refused =
        phancap::reporting::reports::save_draft(app.db(), Authority::Cli, cycle.report, 1, draft)
            .await;
    assert!(
        matches!(
            refused,
            Err(phancap::error::AppError::Rule {
                code: phancap::error::UserErrorCode::InvalidValue,
                ..
            })
        ),
        "{refused:?}"
    );
    // An implementation status or proposal is typed end to end: a text
    // the schema does not list never reaches the service.
    let reporter = token(&app, Role::Reporter).await;
    let report = gid(NodeKind::Report, cycle.report);
    let mandate = entity::report_item::Entity::find()
        .all(app.db())
        .await
        .unwrap()[0]
        .mandate_id;
    for item in [
        json!({ "implementationStatus": "FINISHED" }),
        json!({ "proposal": "ABOLISH" }),
    ] {
        let mut item = item;
        item["mandate"] = json!(gid(NodeKind::Mandate, mandate));
        let body = app
            .graphql_as(
                &reporter,
                &save_mutation(),
                json!({ "input": { "report": report, "expectedVersion": 1, "items": [item] } }),
            )
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    }
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn every_refusal_of_a_regime_or_period_has_its_code() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let coordinator = token(&app, Role::Coordinator).await;
    let snv = gid(NodeKind::Unit, fixture.inside.department);
    let create = "mutation($input: CreateRegimeInput!) { createRegime(input: $input) { regime { id } userErrors { field code } } }";
    let regime = |extra: Value| {
        let mut input = json!({
            "code": "BC-X", "name": "Báo cáo", "content": "Nội dung", "recipient": snv,
            "frequency": "QUARTER", "deadlineDays": 5, "compiledDeadlineDays": 10,
        });
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({ "input": input })
    };
    let indicator = |code: &str| json!({ "code": code, "name": "Chỉ tiêu", "measure": "cái", "aggregation": "SUM" });
    let many: Vec<Value> = (0..51).map(|i| indicator(&format!("C{i:02}"))).collect();
    let cases = [
        (json!({ "deadlineDays": 0 }), "INVALID_DEADLINE"),
        (
            json!({ "deadlineDays": 8, "compiledDeadlineDays": 6 }),
            "DEADLINE_ORDER",
        ),
        (
            json!({ "indicators": [indicator("A1"), indicator("A1")] }),
            "DUPLICATE_INDICATOR",
        ),
        (json!({ "indicators": many }), "TOO_MANY_INDICATORS"),
        (
            json!({ "indicators": [indicator("có dấu")] }),
            "INVALID_CODE",
        ),
        (json!({ "code": "x" }), "INVALID_CODE"),
        (json!({ "name": " " }), "INVALID_TEXT"),
        (
            json!({ "reporterKinds": ["PROVINCE"] }),
            "INVALID_REPORTERS",
        ),
        (
            json!({ "reporterKinds": ["COMMUNE"], "reporterUnits": [snv] }),
            "INVALID_REPORTERS",
        ),
        (
            json!({ "reporterUnits": [gid(NodeKind::Unit, fixture.outside.commune)] }),
            "REPORTER_OUTSIDE_TERRITORY",
        ),
        (
            json!({ "recipient": gid(NodeKind::Unit, fixture.inside.commune) }),
            "INVALID_RECIPIENT",
        ),
    ];
    for (extra, expected) in cases {
        assert_eq!(
            refused(
                &app,
                &coordinator,
                create,
                regime(extra.clone()),
                "createRegime"
            )
            .await,
            expected,
            "{extra}"
        );
    }
    let body = app
        .graphql_as(&coordinator, create, regime(json!({})))
        .await;
    let id = body["data"]["createRegime"]["regime"]["id"].clone();
    assert!(id.is_string(), "{body}");
    assert_eq!(
        refused(
            &app,
            &coordinator,
            create,
            regime(json!({})),
            "createRegime"
        )
        .await,
        "DUPLICATE_CODE"
    );
    let open = "mutation($input: OpenPeriodsInput!) { openPeriods(input: $input) { periods { id } userErrors { code } } }";
    let cases = [
        (
            json!({ "regime": id, "periods": ["2026M01"] }),
            "PERIOD_FREQUENCY_MISMATCH",
        ),
        (
            json!({ "regime": id, "periods": ["2026Q1", "2026Q1"] }),
            "INVALID_PERIODS",
        ),
        (json!({ "regime": id }), "INVALID_PERIODS"),
        (json!({ "regime": id, "year": 1999 }), "INVALID_YEAR"),
        (
            json!({ "regime": id, "periods": ["2025Q1"] }),
            "RECIPIENT_NOT_IN_FORCE",
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(
            refused(
                &app,
                &coordinator,
                open,
                json!({ "input": input }),
                "openPeriods"
            )
            .await,
            expected,
            "{input}"
        );
    }
    let body = app
        .graphql_as(
            &coordinator,
            create,
            regime(json!({ "code": "BC-AH", "frequency": "AD_HOC" })),
        )
        .await;
    let adhoc = body["data"]["createRegime"]["regime"]["id"].clone();
    assert_eq!(
        refused(
            &app,
            &coordinator,
            open,
            json!({ "input": { "regime": adhoc, "year": 2026 } }),
            "openPeriods"
        )
        .await,
        "AD_HOC_NEEDS_DATES"
    );
    // An ad-hoc period with explicit dates opens; a malformed period is bad input.
    let body = app
        .graphql_as(&coordinator, "mutation($input: OpenPeriodsInput!) { openPeriods(input: $input) { periods { period dataFrom dataTo deadline } userErrors { code } } }",
            json!({ "input": { "regime": adhoc, "periods": ["2026-08-01..2026-08-28"] } }))
        .await;
    let period = &body["data"]["openPeriods"]["periods"][0];
    assert_eq!(period["period"], "2026-08-01..2026-08-28", "{body}");
    // 28/8/2026 is a Friday; 31/8, 1/9 and 2/9 are off: the fifth working day is 9/9.
    assert_eq!(period["deadline"], "2026-09-09");
    let body = app
        .graphql_as(
            &coordinator,
            open,
            json!({ "input": { "regime": id, "periods": ["2026Q5"] } }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
}

#[tokio::test]
async fn communes_of_the_legacy_structure_report_to_their_district() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let csv = bundled_rows("units-legacy.csv", &["19"]);
    phancap::units::import::import(
        app.db(),
        phancap::units::import::Structure::Legacy,
        phancap::units::import::Source::Csv {
            name: "legacy.csv",
            text: &csv,
        },
    )
    .await
    .unwrap();
    let old_province =
        phancap::units::service::find_by_code(app.db(), "19", None, "2025-01-01".parse().unwrap())
            .await
            .unwrap()
            .unwrap();
    // The legacy Sở Nội vụ, in force until the reorganisation.
    let old_snv = app
        .body(
            old_province.id,
            "19-SNV-CU",
            "2020-01-01".parse().unwrap(),
            Some("2025-06-30".parse().unwrap()),
        )
        .await;
    let root = app.token("root").await;
    let grant = phancap::users::service::grant_role;
    let root_id = phancap::users::service::by_username(app.db(), "root")
        .await
        .unwrap()
        .unwrap()
        .id;
    for role in [Role::Coordinator, Role::Viewer] {
        grant(app.db(), Authority::Cli, root_id, role, old_province.id)
            .await
            .unwrap();
    }
    let root = {
        let _ = root;
        app.token("root").await
    };
    let body = app
        .graphql_as(&root, "mutation($input: CreateRegimeInput!) { createRegime(input: $input) { regime { id } userErrors { code } } }",
            json!({ "input": { "code": "BC-CU", "name": "Báo cáo quý (trước sắp xếp)", "content": "Phân cấp", "recipient": gid(NodeKind::Unit, old_snv),
                "frequency": "QUARTER", "deadlineDays": 5, "compiledDeadlineDays": 10, "reporterKinds": ["DISTRICT", "COMMUNE"], "signOff": false } }))
        .await;
    let regime = body["data"]["createRegime"]["regime"]["id"].clone();
    let body = app
        .graphql_as(&root, "mutation($input: OpenPeriodsInput!) { openPeriods(input: $input) { periods { id } userErrors { code } } }",
            json!({ "input": { "regime": regime, "periods": ["2025Q1"] } }))
        .await;
    assert_eq!(
        body["data"]["openPeriods"]["userErrors"],
        json!([]),
        "{body}"
    );
    let district =
        phancap::units::service::find_by_code(app.db(), "164", None, "2025-01-01".parse().unwrap())
            .await
            .unwrap()
            .unwrap();
    let body = app
        .graphql_as(&root, "query($w: ID!) { reports(filter: { period: \"2025Q1\", within: $w }, first: 100) { totalCount nodes { id version reporter { code kind } recipient { code } } } }",
            json!({ "w": gid(NodeKind::Unit, district.id) }))
        .await;
    let nodes = body["data"]["reports"]["nodes"].as_array().unwrap();
    assert!(nodes.len() > 5, "{body}");
    for node in nodes {
        let expected = if node["reporter"]["kind"] == "DISTRICT" {
            "19-SNV-CU"
        } else {
            "164"
        };
        assert_eq!(node["recipient"]["code"], expected, "{node}");
    }
    // A reviewer of the district accepts its communes' reports; a reviewer
    // of the legacy Sở Nội vụ cannot.
    let commune_report = nodes
        .iter()
        .find(|n| n["reporter"]["kind"] == "COMMUNE")
        .unwrap();
    let report_id = commune_report["id"].as_str().unwrap();
    let report_uuid = phancap::graphql::decode_id(&async_graphql::ID(report_id.into()))
        .unwrap()
        .1;
    let version = submit_report(&app, report_uuid, 1.0).await;
    let district_reviewer = app
        .create_user("reviewer.164", district.id, Some("reviewer-password-1"))
        .await;
    grant(
        app.db(),
        Authority::Cli,
        district_reviewer,
        Role::Reviewer,
        district.id,
    )
    .await
    .unwrap();
    let snv_reviewer = app
        .create_user("reviewer.snvcu", old_snv, Some("reviewer-password-1"))
        .await;
    grant(
        app.db(),
        Authority::Cli,
        snv_reviewer,
        Role::Reviewer,
        old_snv,
    )
    .await
    .unwrap();
    let accept = transition("acceptReport", "ReportTransitionInput");
    let vars = json!({ "input": { "report": report_id, "expectedVersion": version } });
    let before = app.snapshot().await;
    let body = app
        .graphql_as(&app.token("reviewer.snvcu").await, &accept, vars.clone())
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    assert_eq!(app.snapshot().await, before);
    let body = app
        .graphql_as(&app.token("reviewer.164").await, &accept, vars)
        .await;
    assert_eq!(
        body["data"]["acceptReport"]["report"]["status"], "ACCEPTED",
        "{body}"
    );
    // The rollups moved for the commune, its district and the province.
    let progress = progress_of(&app, &root, "2025Q1", district.id).await;
    assert_eq!(progress["accepted"], 1);
    assert_eq!(progress["expected"].as_i64().unwrap(), nodes.len() as i64);
    let _ = fixture;
}

#[tokio::test]
async fn reminders_go_to_every_reporter_that_has_not_submitted() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let cycle = reporting_cycle(&app, &fixture.inside, 1).await;
    let coordinator = token(&app, Role::Coordinator).await;
    let remind = "mutation($input: PeriodInput!) { remindMissing(input: $input) { reminded { reporter { code } reminderCount lastRemindedAt } userErrors { code } } }";
    let vars = json!({ "input": { "period": gid(NodeKind::ReportingPeriod, cycle.period) } });
    // Not yet due: not late, and listed as such.
    let late = "query($late: Boolean) { reports(filter: { late: $late }) { totalCount nodes { status late } } }";
    let body = app
        .graphql_as(&coordinator, late, json!({ "late": false }))
        .await;
    assert_eq!(body["data"]["reports"]["totalCount"], 1, "{body}");
    assert_eq!(body["data"]["reports"]["nodes"][0]["late"], false);
    let body = app
        .graphql_as(&coordinator, late, json!({ "late": true }))
        .await;
    assert_eq!(body["data"]["reports"]["totalCount"], 0, "{body}");
    let body = app.graphql_as(&coordinator, remind, vars.clone()).await;
    let reminded = &body["data"]["remindMissing"]["reminded"];
    assert_eq!(reminded[0]["reporter"]["code"], "05482", "{body}");
    assert_eq!(reminded[0]["reminderCount"], 1);
    assert!(reminded[0]["lastRemindedAt"].is_string());
    let body = app.graphql_as(&coordinator, remind, vars.clone()).await;
    assert_eq!(
        body["data"]["remindMissing"]["reminded"][0]["reminderCount"], 2,
        "{body}"
    );
    submit_report(&app, cycle.report, 1.0).await;
    let body = app.graphql_as(&coordinator, remind, vars).await;
    assert_eq!(
        body["data"]["remindMissing"]["reminded"],
        json!([]),
        "{body}"
    );
}

#[tokio::test]
async fn reports_are_read_only_within_a_grant_and_filtered() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let inside = reporting_cycle(&app, &fixture.inside, 1).await;
    let outside = reporting_cycle(&app, &fixture.outside, 2).await;
    accept_report(&app, inside.report, 3.0).await;
    let viewer = token(&app, Role::Viewer).await;
    let list = "query($f: ReportFilter) { reports(filter: $f, first: 10) { totalCount nodes { reporter { code } status late viewerCan { edit accept } } } }";
    let body = app.graphql_as(&viewer, list, json!({})).await;
    assert_eq!(
        body["data"]["reports"]["totalCount"], 1,
        "only province 19's: {body}"
    );
    assert_eq!(
        body["data"]["reports"]["nodes"][0]["viewerCan"],
        json!({ "edit": false, "accept": false })
    );
    let body = app
        .graphql_as(
            &viewer,
            list,
            json!({ "f": { "status": ["ACCEPTED"], "period": cycle_period(), "late": false } }),
        )
        .await;
    assert_eq!(body["data"]["reports"]["totalCount"], 1, "{body}");
    let body = app
        .graphql_as(
            &viewer,
            list,
            json!({ "f": { "status": ["DRAFT", "SUBMITTED"] } }),
        )
        .await;
    assert_eq!(body["data"]["reports"]["totalCount"], 0, "{body}");
    let body = app
        .graphql_as(&viewer, list, json!({ "f": { "late": true } }))
        .await;
    assert_eq!(body["data"]["reports"]["totalCount"], 0, "{body}");
    let node = "query($id: ID!) { node(id: $id) { ... on Report { status } } }";
    let body = app
        .graphql_as(
            &viewer,
            node,
            json!({ "id": gid(NodeKind::Report, outside.report) }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    let body = app
        .graphql(node, json!({ "id": gid(NodeKind::Report, inside.report) }))
        .await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED", "{body}");
    let body = app.graphql(list, json!({})).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED", "{body}");
    // Progress outside one's scope is refused.
    let body = app
        .graphql_as(
            &viewer,
            "query($p: Period!, $w: ID) { reportingProgress(period: $p, within: $w) { expected } }",
            json!({ "p": cycle_period(), "w": gid(NodeKind::Unit, fixture.outside.id) }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    // Without `within`: the provinces one has a grant over.
    let body = app
        .graphql_as(&viewer, "query($p: Period!) { reportingProgress(period: $p) { expected accepted children { unit { code } expected } } }", json!({ "p": cycle_period() }))
        .await;
    assert_eq!(body["data"]["reportingProgress"]["expected"], 1, "{body}");
    assert_eq!(
        body["data"]["reportingProgress"]["children"][0]["unit"]["code"],
        "19"
    );
    let root = app.token("root").await;
    let body = app
        .graphql_as(&root, "query($p: Period!) { reportingProgress(period: $p) { expected accepted children { unit { code } } } }", json!({ "p": cycle_period() }))
        .await;
    assert_eq!(body["data"]["reportingProgress"]["expected"], 2, "{body}");
    assert_eq!(body["data"]["reportingProgress"]["accepted"], 1);
}

#[tokio::test]
async fn maintained_rollups_equal_a_rebuild_from_the_reports() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let a = reporting_cycle(&app, &fixture.inside, 1).await;
    accept_report(&app, a.report, 7.5).await;
    let b = reporting_cycle(&app, &fixture.inside, 2).await;
    let version = submit_report(&app, b.report, 2.0).await;
    phancap::reporting::reports::return_report(
        app.db(),
        Authority::Cli,
        b.report,
        version,
        "sửa",
        phancap::reporting::reports::Review::Unit,
    )
    .await
    .unwrap();
    reporting_cycle(&app, &fixture.outside, 3).await;
    let rows = || async {
        let counters = entity::report_rollup::Entity::find()
            .order_by_asc(entity::report_rollup::Column::PeriodId)
            .order_by_asc(entity::report_rollup::Column::UnitId)
            .all(app.db())
            .await
            .unwrap();
        let totals = entity::indicator_rollup::Entity::find()
            .order_by_asc(entity::indicator_rollup::Column::PeriodId)
            .order_by_asc(entity::indicator_rollup::Column::UnitId)
            .all(app.db())
            .await
            .unwrap();
        format!("{counters:?}{totals:?}")
    };
    let maintained = rows().await;
    assert!(
        maintained.contains("accepted: 1") && maintained.contains("returned: 1"),
        "{maintained}"
    );
    assert!(maintained.contains("total: 7.5"));
    let (periods, _) = progress::rebuild_all(app.db()).await.unwrap();
    assert_eq!(periods, 3);
    assert_eq!(rows().await, maintained);
    let period = regimes::existing_period(app.db(), a.period).await.unwrap();
    assert_eq!(period.code, cycle_period());
}

#[tokio::test]
async fn the_holiday_calendar_ships_and_an_admin_adds_days() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let body = app
        .graphql(
            "{ holidays(year: 2026) { date kind name source } }",
            json!({}),
        )
        .await;
    let days = body["data"]["holidays"].as_array().unwrap();
    assert!(
        days.iter()
            .any(|d| d["date"] == "2026-02-17" && d["kind"] == "HOLIDAY"),
        "{body}"
    );
    assert!(
        days.iter()
            .any(|d| d["date"] == "2026-01-10" && d["kind"] == "WORKDAY")
    );
    let add = "mutation($input: AddHolidayInput!) { addHoliday(input: $input) { holiday { date kind } userErrors { code } } }";
    let admin = token(&app, Role::Admin).await;
    let day = |date: &str, kind: &str| json!({ "input": { "date": date, "kind": kind, "name": "Nghỉ bù", "source": "TB 1/TB-BNV" } });
    for (date, kind, expected) in [
        ("2026-11-28", "HOLIDAY", "NOT_A_WEEKDAY"),
        ("2026-11-23", "WORKDAY", "NOT_A_WEEKEND_DAY"),
        ("2026-02-17", "HOLIDAY", "DUPLICATE_DAY"),
    ] {
        assert_eq!(
            refused(&app, &admin, add, day(date, kind), "addHoliday").await,
            expected,
            "{date}"
        );
    }
    for role in [Role::Coordinator, Role::Viewer] {
        let before = app.snapshot().await;
        let body = app
            .graphql_as(&token(&app, role).await, add, day("2026-11-23", "HOLIDAY"))
            .await;
        assert_eq!(error_code(&body), "FORBIDDEN", "{role:?}: {body}");
        assert_eq!(app.snapshot().await, before);
    }
    let body = app.graphql(add, day("2026-11-23", "HOLIDAY")).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED", "{body}");
    let events = app.audit_len().await;
    let body = app
        .graphql_as(&admin, add, day("2026-11-23", "HOLIDAY"))
        .await;
    assert_eq!(
        body["data"]["addHoliday"]["holiday"]["date"], "2026-11-23",
        "{body}"
    );
    assert_eq!(app.audit_len().await, events + 1);
    // The added day moves deadlines of periods opened after it: an ad-hoc
    // period closing on Friday 20/11 is now due Wednesday 25/11 (23 and 24 off).
    let cycle = reporting_cycle(&app, &fixture.inside, 1).await;
    let _ = cycle;
    let coordinator = token(&app, Role::Coordinator).await;
    let body = app
        .graphql_as(&coordinator, "mutation($input: CreateRegimeInput!) { createRegime(input: $input) { regime { id } } }",
            json!({ "input": { "code": "BC-AH", "name": "Đột xuất", "content": "Rà soát", "recipient": gid(NodeKind::Unit, fixture.inside.department),
                "frequency": "AD_HOC", "deadlineDays": 1, "compiledDeadlineDays": 1 } }))
        .await;
    let regime = body["data"]["createRegime"]["regime"]["id"].clone();
    let body = app
        .graphql_as(&coordinator, "mutation($input: OpenPeriodsInput!) { openPeriods(input: $input) { periods { deadline } userErrors { code } } }",
            json!({ "input": { "regime": regime, "periods": ["2026-11-01..2026-11-20"] } }))
        .await;
    assert_eq!(
        body["data"]["openPeriods"]["periods"][0]["deadline"], "2026-11-25",
        "{body}"
    );
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next message of a socket as JSON (`{"closed": code}` for a close).
async fn next_json(socket: &mut Socket) -> Value {
    use async_graphql::futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    match tokio::time::timeout(std::time::Duration::from_secs(10), socket.next()).await {
        Ok(Some(Ok(Message::Text(text)))) => serde_json::from_str::<Value>(&text).unwrap(),
        Ok(Some(Ok(Message::Close(frame)))) => {
            json!({ "closed": frame.map(|f| u16::from(f.code)) })
        }
        other => panic!("no message: {other:?}"),
    }
}

#[tokio::test]
async fn subscribers_hear_status_changes_within_their_scope() {
    use async_graphql::futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let inside = reporting_cycle(&app, &fixture.inside, 1).await;
    let outside = reporting_cycle(&app, &fixture.outside, 2).await;
    let url = format!("{}/graphql/ws", app.address.replace("http://", "ws://"));
    let connect = |token: Option<String>| {
        let url = url.clone();
        async move {
            let mut request = url.into_client_request().unwrap();
            request.headers_mut().insert(
                "sec-websocket-protocol",
                "graphql-transport-ws".parse().unwrap(),
            );
            let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
            let payload = match token {
                Some(t) => json!({ "Authorization": format!("Bearer {t}") }),
                None => json!({}),
            };
            socket
                .send(Message::text(
                    json!({ "type": "connection_init", "payload": payload }).to_string(),
                ))
                .await
                .unwrap();
            socket
        }
    };
    let mut socket = connect(Some(token(&app, Role::Viewer).await)).await;
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { reportStatusChanged { status previousStatus report { reporter { code } } } }" } });
    socket
        .send(Message::text(subscribe.to_string()))
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    // A change outside the viewer's province is not heard; one inside is.
    submit_report(&app, outside.report, 1.0).await;
    let version = fill_report(&app, inside.report, 1.0).await;
    let reporter = token(&app, Role::Reporter).await;
    submit_report_from(
        &app,
        &reporter,
        &gid(NodeKind::Report, inside.report),
        version,
    )
    .await;
    let event = next_json(&mut socket).await;
    assert_eq!(event["type"], "next", "{event}");
    let change = &event["payload"]["data"]["reportStatusChanged"];
    assert_eq!(change["status"], "SUBMITTED", "{event}");
    assert_eq!(change["previousStatus"], "DRAFT");
    assert_eq!(change["report"]["reporter"]["code"], "05482");
    // Without a token the subscription is refused; a bad token closes the connection.
    let mut anonymous = connect(None).await;
    assert_eq!(next_json(&mut anonymous).await["type"], "connection_ack");
    anonymous
        .send(Message::text(subscribe.to_string()))
        .await
        .unwrap();
    let answer = next_json(&mut anonymous).await;
    assert_eq!(answer["payload"]["data"], Value::Null, "{answer}");
    assert_eq!(
        answer["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{answer}"
    );
    // Subscribing under a unit outside one's grants is refused.
    let mut nosy = connect(Some(token(&app, Role::Viewer).await)).await;
    assert_eq!(next_json(&mut nosy).await["type"], "connection_ack");
    let outside_sub = json!({ "id": "2", "type": "subscribe", "payload": {
        "query": "subscription($w: ID) { reportStatusChanged(within: $w) { status } }",
        "variables": { "w": gid(NodeKind::Unit, fixture.outside.id) } } });
    nosy.send(Message::text(outside_sub.to_string()))
        .await
        .unwrap();
    let answer = next_json(&mut nosy).await;
    assert_eq!(
        answer["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{answer}"
    );
    let mut forged = connect(Some("not-a-token".into())).await;
    let answer = next_json(&mut forged).await;
    assert!(answer["closed"].is_number(), "{answer}");
}

#[tokio::test]
async fn the_demo_dashboard_shows_reports_in_every_state() {
    let app = crate::helpers::national();
    let body = app
        .graphql(
            "mutation { login(input: { username: \"viewer.tn\", password: \"phancap-demo-2026\" }) { accessToken } }",
            json!({}),
        )
        .await;
    let token = body["data"]["login"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = app
        .graphql_as(
            &token,
            "{ regimes { code periods { period } } unitByCode(code: \"19\") { id } }",
            json!({}),
        )
        .await;
    let regime = &body["data"]["regimes"][0];
    assert_eq!(regime["code"], "19-BC-PCPQ-QUY", "{body}");
    let province = body["data"]["unitByCode"]["id"].clone();
    let mut progress = Vec::new();
    for period in regime["periods"].as_array().unwrap() {
        let body = app
            .graphql_as(
                &token,
                "query($p: Period!, $w: ID) { reportingProgress(period: $p, within: $w) { expected late missing returned accepted awaitingReview indicators { value } } }",
                json!({ "p": period["period"], "w": province }),
            )
            .await;
        progress.push(body["data"]["reportingProgress"].clone());
    }
    let closed = progress
        .iter()
        .find(|p| p["accepted"] == 4)
        .unwrap_or_else(|| panic!("a closed quarter with four accepted reports: {progress:?}"));
    assert_eq!(
        closed["late"], 5,
        "everything sent for a closed quarter is late, the paper report too"
    );
    assert!(closed["missing"].as_i64().unwrap() > 0);
    assert!(closed["indicators"][0]["value"].as_f64().unwrap() > 0.0);
    let open = progress
        .iter()
        .find(|p| p["returned"] == 1)
        .unwrap_or_else(|| panic!("an open quarter with a returned report: {progress:?}"));
    assert_eq!(open["accepted"], 1);
    assert_eq!(open["awaitingReview"], 1);
    assert_eq!(open["late"], 0);
    assert!(
        open["missing"].as_i64().unwrap() > 1,
        "a draft and the not started are missing"
    );
    let body = app
        .graphql_as(&token, "{ reports(filter: { status: [DRAFT], compiled: false }) { totalCount } compiled: reports(filter: { compiled: true }) { nodes { status recipient { code } } } }", json!({}))
        .await;
    assert_eq!(body["data"]["reports"]["totalCount"], 1, "{body}");
    assert_eq!(
        body["data"]["compiled"]["nodes"][0]["status"], "SUBMITTED",
        "Sở Nội vụ's report of the closed quarter, with UBND tỉnh"
    );
    assert_eq!(
        body["data"]["compiled"]["nodes"][0]["recipient"]["code"],
        "19"
    );
    // Signed by Sở Nội vụ's director, written, with its tables; the
    // commune's paper report is in it.
    let body = app
        .graphql_as(&token, "{ compiled: reports(filter: { compiled: true }) { nodes { signature { number signerTitle } \
            compilation { assessment recommendations tables { byUnit { unit { code } included } byMandate { totals { items } } } } } } \
            paper: reports(filter: { compiled: false }, first: 100) { nodes { reporter { code } late signature { number paper receivedOn } } } }", json!({}))
        .await;
    let compiled = &body["data"]["compiled"]["nodes"][0];
    assert_eq!(compiled["signature"]["number"], "245/BC-SNV", "{body}");
    assert!(
        compiled["compilation"]["assessment"]
            .as_str()
            .unwrap()
            .contains("phân cấp")
    );
    assert!(compiled["compilation"]["recommendations"].is_string());
    let included: Vec<&str> = compiled["compilation"]["tables"]["byUnit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["included"] == true)
        .map(|r| r["unit"]["code"].as_str().unwrap())
        .collect();
    assert!(included.contains(&"05482"), "{included:?}");
    assert_eq!(included.len(), 4);
    let paper: Vec<&Value> = body["data"]["paper"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["signature"]["paper"] == true)
        .collect();
    assert_eq!(paper.len(), 1, "{body}");
    assert_eq!(paper[0]["signature"]["number"], "15/BC-UBND");
    assert_eq!(paper[0]["late"], true);
}

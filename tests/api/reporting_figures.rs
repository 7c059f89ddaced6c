//! Figures that validate, over HTTP: typed indicators with bounds,
//! computed rates (per report, and from totals in progress and the
//! compiled report), validation rules warned at draft and refused at
//! submit, procedure counts asked only where a power is a procedure, and
//! every refusal's code (and that it changed nothing).

use entity::role_grant::Role;
use phancap::graphql::NodeKind;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    Fixture, TestApp, catalogue, catalogue_with_procedures, cycle_period, document_of, gid,
    make_mandate, mandate_input, role_user, spawn_app,
};

const REPORT_FIELDS: &str = "report { id status version \
    items { mandate { code } asksProcedures procedures { received resolvedOnTime resolvedLate pending } } \
    values { indicator { code valueType } value yes text } \
    ruleViolations { rule { code } left right message } } \
    userErrors { field code message } \
    warnings { rule { code name text } left right message }";

fn save() -> String {
    format!(
        "mutation($input: SaveReportDraftInput!) {{ saveReportDraft(input: $input) {{ {REPORT_FIELDS} }} }}"
    )
}

fn submit() -> String {
    format!(
        "mutation($input: ReportTransitionInput!) {{ submitReport(input: $input) {{ {REPORT_FIELDS} }} }}"
    )
}

fn accept() -> String {
    format!(
        "mutation($input: ReportTransitionInput!) {{ acceptReport(input: $input) {{ {REPORT_FIELDS} }} }}"
    )
}

const CREATE: &str = "mutation($input: CreateRegimeInput!) { createRegime(input: $input) { \
    regime { id indicators { code valueType min max formula } rules { code name left operator right text } } \
    userErrors { field code message } } }";

async fn token(app: &TestApp, role: Role) -> String {
    app.token(&role_user(role)).await
}

/// The rule code and message of a payload, checking that nothing changed.
async fn refused(
    app: &TestApp,
    token: &str,
    query: &str,
    vars: Value,
    field: &str,
) -> (String, String) {
    let before = app.snapshot().await;
    let body = app.graphql_as(token, query, vars).await;
    assert!(body["errors"].is_null(), "{body}");
    let error = &body["data"][field]["userErrors"][0];
    let code = error["code"]
        .as_str()
        .unwrap_or_else(|| panic!("{field} was not refused: {body}"))
        .to_owned();
    assert_eq!(
        app.snapshot().await,
        before,
        "{field} refused with {code} changed something"
    );
    (
        code,
        error["message"].as_str().unwrap_or_default().to_owned(),
    )
}

/// The indicators of the figures regime: Biểu số 06's dossier counts, the
/// on-time rate computed from them, a satisfaction rate, a yes/no and a
/// text answer.
fn indicators() -> Value {
    let count = |code: &str, name: &str| json!({ "code": code, "name": name, "measure": "hồ sơ", "aggregation": "SUM", "valueType": "INTEGER", "min": 0 });
    json!([
        count("TIEP_NHAN", "Hồ sơ tiếp nhận"),
        count("DA_GIAI_QUYET", "Hồ sơ đã giải quyết"),
        count("DUNG_HAN", "Hồ sơ giải quyết đúng hạn"),
        { "code": "TY_LE_DUNG_HAN", "name": "Tỷ lệ giải quyết đúng hạn", "measure": "%", "aggregation": "SUM",
          "valueType": "PERCENTAGE", "formula": "100 * DUNG_HAN / DA_GIAI_QUYET" },
        { "code": "HAI_LONG", "name": "Tỷ lệ hài lòng", "measure": "%", "aggregation": "AVG", "valueType": "PERCENTAGE" },
        { "code": "CONG_KHAI", "name": "Đã công khai TTHC", "measure": "có/không", "aggregation": "SUM", "valueType": "BOOLEAN" },
        { "code": "GHI_CHU", "name": "Ghi chú", "measure": "văn bản", "aggregation": "SUM", "valueType": "TEXT" },
    ])
}

fn rules() -> Value {
    json!([
        { "code": "DUNG_HAN_TOI_DA", "name": "Hồ sơ đúng hạn không vượt số tiếp nhận",
          "left": "DUNG_HAN", "operator": "LE", "right": "TIEP_NHAN" },
        { "code": "GIAI_QUYET_TOI_DA", "name": "Hồ sơ đã giải quyết không vượt số tiếp nhận",
          "left": "DA_GIAI_QUYET", "operator": "LE", "right": "TIEP_NHAN" },
    ])
}

/// A complete set of values.
fn values(received: i64, resolved: i64, on_time: i64, satisfied: f64, published: bool) -> Value {
    json!([
        { "indicator": "TIEP_NHAN", "value": received },
        { "indicator": "DA_GIAI_QUYET", "value": resolved },
        { "indicator": "DUNG_HAN", "value": on_time },
        { "indicator": "HAI_LONG", "value": satisfied },
        { "indicator": "CONG_KHAI", "yes": published },
        { "indicator": "GHI_CHU", "text": "Đã rà soát" },
    ])
}

/// A commune of province 19 other than the fixture's.
async fn second_commune(app: &TestApp, fixture: &Fixture) -> Uuid {
    entity::unit::Entity::find()
        .filter(entity::unit::Column::ParentId.eq(fixture.inside.id))
        .filter(entity::unit::Column::Kind.eq(entity::unit::UnitKind::Commune))
        .filter(entity::unit::Column::Id.ne(fixture.inside.commune))
        .order_by_asc(entity::unit::Column::Code)
        .one(app.db())
        .await
        .unwrap()
        .expect("a second commune")
        .id
}

/// A regime of Sở Nội vụ 19 with the figures' indicators and rules in
/// which `reporters` report, its period [`cycle_period`] open; returns the
/// period's id and each reporter's report id.
async fn figures_cycle(
    app: &TestApp,
    fixture: &Fixture,
    reporters: &[Uuid],
) -> (String, Vec<String>) {
    let coordinator = token(app, Role::Coordinator).await;
    let body = app
        .graphql_as(
            &coordinator,
            CREATE,
            json!({ "input": {
                "code": "BC-SO-LIEU", "name": "Báo cáo quý", "content": "Giải quyết TTHC",
                "recipient": gid(NodeKind::Unit, fixture.inside.department),
                "frequency": "QUARTER", "deadlineDays": 5, "compiledDeadlineDays": 10, "signOff": false,
                "reporterUnits": reporters.iter().map(|u| gid(NodeKind::Unit, *u)).collect::<Vec<_>>(),
                "indicators": indicators(), "rules": rules(),
            } }),
        )
        .await;
    let regime = body["data"]["createRegime"]["regime"]["id"].clone();
    assert!(regime.is_string(), "{body}");
    let body = app
        .graphql_as(
            &coordinator,
            "mutation($input: OpenPeriodsInput!) { openPeriods(input: $input) { periods { id } userErrors { code } } }",
            json!({ "input": { "regime": regime, "periods": [cycle_period()] } }),
        )
        .await;
    let period = body["data"]["openPeriods"]["periods"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let period_id =
        phancap::graphql::decode_id_of(NodeKind::ReportingPeriod, "period", &period.clone().into())
            .unwrap();
    let mut reports = Vec::new();
    for unit in reporters {
        let report = entity::report::Entity::find()
            .filter(entity::report::Column::PeriodId.eq(period_id))
            .filter(entity::report::Column::ReporterUnitId.eq(*unit))
            .one(app.db())
            .await
            .unwrap()
            .expect("the reporter's report");
        reports.push(gid(NodeKind::Report, report.id));
    }
    (period, reports)
}

fn draft(report: &str, version: i64, extra: Value) -> Value {
    let mut input =
        json!({ "report": report, "expectedVersion": version, "results": "Đã thực hiện" });
    input
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    json!({ "input": input })
}

/// The value fields of indicator `code` in a report's `values`.
fn value_of<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["indicator"]["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {report}"))
}

#[tokio::test]
async fn values_of_the_wrong_type_or_out_of_bounds_are_refused_naming_the_indicator() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let (_, reports) = figures_cycle(&app, &fixture, &[fixture.inside.commune]).await;
    let reporter = token(&app, Role::Reporter).await;
    let one = |value: Value| draft(&reports[0], 1, json!({ "values": [value] }));
    let cases = [
        // −3 dossiers: below the count's minimum.
        (
            one(json!({ "indicator": "TIEP_NHAN", "value": -3 })),
            "VALUE_OUT_OF_RANGE",
            "`TIEP_NHAN` (Hồ sơ tiếp nhận) cannot be -3: it is at least 0",
        ),
        // A 250 % satisfaction rate: a PERCENTAGE is 0 to 100.
        (
            one(json!({ "indicator": "HAI_LONG", "value": 250 })),
            "VALUE_OUT_OF_RANGE",
            "`HAI_LONG` (Tỷ lệ hài lòng) cannot be 250: it is from 0 to 100",
        ),
        (
            one(json!({ "indicator": "TIEP_NHAN", "value": 1.5 })),
            "WRONG_VALUE_TYPE",
            "`TIEP_NHAN` is INTEGER: 1.5 is not a whole number",
        ),
        (
            one(json!({ "indicator": "CONG_KHAI", "value": 1 })),
            "WRONG_VALUE_TYPE",
            "`CONG_KHAI` is BOOLEAN: give yes (true or false) and nothing else",
        ),
        (
            one(json!({ "indicator": "GHI_CHU", "yes": true })),
            "WRONG_VALUE_TYPE",
            "`GHI_CHU` is TEXT: give text and nothing else",
        ),
        (
            one(json!({ "indicator": "TIEP_NHAN", "value": 3, "text": "ba" })),
            "WRONG_VALUE_TYPE",
            "`TIEP_NHAN` is INTEGER: give value (a number) and nothing else",
        ),
        (
            one(json!({ "indicator": "TIEP_NHAN" })),
            "WRONG_VALUE_TYPE",
            "`TIEP_NHAN` is INTEGER: give value (a number) and nothing else",
        ),
        // A rate is computed, never entered.
        (
            one(json!({ "indicator": "TY_LE_DUNG_HAN", "value": 95 })),
            "COMPUTED_INDICATOR",
            "`TY_LE_DUNG_HAN` is computed as 100 * DUNG_HAN / DA_GIAI_QUYET; give the values it is computed from",
        ),
        (
            one(json!({ "indicator": "GHI_CHU", "text": "  " })),
            "INVALID_TEXT",
            "`GHI_CHU` needs a text of 1 to 5000 characters",
        ),
    ];
    for (vars, expected, message) in cases {
        let (code, got) = refused(&app, &reporter, &save(), vars.clone(), "saveReportDraft").await;
        assert_eq!((code.as_str(), got.as_str()), (expected, message), "{vars}");
    }
    // In bounds, the same figures are taken.
    let body = app
        .graphql_as(
            &reporter,
            &save(),
            draft(
                &reports[0],
                1,
                json!({ "values": [{ "indicator": "TIEP_NHAN", "value": 0 }, { "indicator": "HAI_LONG", "value": 100 }] }),
            ),
        )
        .await;
    let report = &body["data"]["saveReportDraft"]["report"];
    assert_eq!(report["version"], 2, "{body}");
    assert_eq!(value_of(report, "TIEP_NHAN")["value"], 0.0);
    assert_eq!(value_of(report, "HAI_LONG")["value"], 100.0);
}

#[tokio::test]
async fn five_thousand_on_time_of_96_received_is_warned_at_draft_and_refused_at_submit() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let (_, reports) = figures_cycle(&app, &fixture, &[fixture.inside.commune]).await;
    let reporter = token(&app, Role::Reporter).await;
    let id = &reports[0];
    // The draft is saved, with the rule it breaks as a warning.
    let body = app
        .graphql_as(
            &reporter,
            &save(),
            draft(id, 1, json!({ "values": values(96, 90, 5000, 90.0, true) })),
        )
        .await;
    let payload = &body["data"]["saveReportDraft"];
    assert_eq!(payload["userErrors"], json!([]), "{body}");
    assert_eq!(payload["report"]["version"], 2);
    let broken = json!([{
        "rule": { "code": "DUNG_HAN_TOI_DA", "name": "Hồ sơ đúng hạn không vượt số tiếp nhận", "text": "DUNG_HAN <= TIEP_NHAN" },
        "left": 5000.0, "right": 96.0,
        "message": "rule DUNG_HAN_TOI_DA (Hồ sơ đúng hạn không vượt số tiếp nhận) is broken: DUNG_HAN = 5000 is not <= TIEP_NHAN = 96",
    }]);
    assert_eq!(payload["warnings"], broken);
    // Read back, the report says the same.
    assert_eq!(
        payload["report"]["ruleViolations"][0]["rule"]["code"],
        "DUNG_HAN_TOI_DA"
    );
    assert_eq!(payload["report"]["ruleViolations"][0]["left"], 5000.0);
    // Submission is refused, naming the rule and both sides.
    let (code, message) = refused(
        &app,
        &reporter,
        &submit(),
        json!({ "input": { "report": id, "expectedVersion": 2 } }),
        "submitReport",
    )
    .await;
    assert_eq!(code, "RULE_BROKEN");
    assert_eq!(message, broken[0]["message"]);
    let body = app
        .graphql_as(
            &reporter,
            &submit(),
            json!({ "input": { "report": id, "expectedVersion": 2 } }),
        )
        .await;
    assert_eq!(
        body["data"]["submitReport"]["userErrors"][0]["field"],
        "values"
    );
    // With a second rule broken too, both are warned and the refusal
    // names the first and counts the rest.
    let body = app
        .graphql_as(
            &reporter,
            &save(),
            draft(
                id,
                2,
                json!({ "values": [{ "indicator": "DA_GIAI_QUYET", "value": 200 }] }),
            ),
        )
        .await;
    let warned: Vec<&str> = body["data"]["saveReportDraft"]["warnings"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|w| w["rule"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(warned, ["DUNG_HAN_TOI_DA", "GIAI_QUYET_TOI_DA"]);
    let (code, message) = refused(
        &app,
        &reporter,
        &submit(),
        json!({ "input": { "report": id, "expectedVersion": 3 } }),
        "submitReport",
    )
    .await;
    assert_eq!(code, "RULE_BROKEN");
    assert_eq!(
        message,
        format!("{} (and 1 more)", broken[0]["message"].as_str().unwrap())
    );
    // Corrected, it goes in: no warning, its rate computed from its own figures.
    let body = app
        .graphql_as(
            &reporter,
            &save(),
            draft(
                id,
                3,
                json!({ "values": [{ "indicator": "DUNG_HAN", "value": 81 }, { "indicator": "DA_GIAI_QUYET", "value": 90 }] }),
            ),
        )
        .await;
    let payload = &body["data"]["saveReportDraft"];
    assert_eq!(payload["warnings"], json!([]), "{body}");
    assert_eq!(payload["report"]["ruleViolations"], json!([]));
    assert_eq!(
        value_of(&payload["report"], "TY_LE_DUNG_HAN")["value"],
        90.0,
        "100 × 81 / 90"
    );
    let body = app
        .graphql_as(
            &reporter,
            &submit(),
            json!({ "input": { "report": id, "expectedVersion": 4 } }),
        )
        .await;
    let payload = &body["data"]["submitReport"];
    assert_eq!(payload["report"]["status"], "SUBMITTED", "{body}");
    assert_eq!(payload["warnings"], json!([]));
}

#[tokio::test]
async fn yes_no_and_text_answers_round_trip() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let (_, reports) = figures_cycle(&app, &fixture, &[fixture.inside.commune]).await;
    let reporter = token(&app, Role::Reporter).await;
    let body = app
        .graphql_as(
            &reporter,
            &save(),
            draft(
                &reports[0],
                1,
                json!({ "values": [
                    { "indicator": "CONG_KHAI", "yes": false },
                    { "indicator": "GHI_CHU", "text": "  Chưa cập nhật Cổng dịch vụ công  " },
                ] }),
            ),
        )
        .await;
    let report = &body["data"]["saveReportDraft"]["report"];
    assert_eq!(
        report["values"],
        json!([
            { "indicator": { "code": "CONG_KHAI", "valueType": "BOOLEAN" }, "value": null, "yes": false, "text": null },
            { "indicator": { "code": "GHI_CHU", "valueType": "TEXT" }, "value": null, "yes": null, "text": "Chưa cập nhật Cổng dịch vụ công" },
        ]),
        "{body}"
    );
    let body = app
        .graphql_as(
            &reporter,
            "query($id: ID!) { report(id: $id) { values { indicator { code } yes text } } }",
            json!({ "id": reports[0] }),
        )
        .await;
    assert_eq!(
        body["data"]["report"]["values"],
        json!([
            { "indicator": { "code": "CONG_KHAI" }, "yes": false, "text": null },
            { "indicator": { "code": "GHI_CHU" }, "yes": null, "text": "Chưa cập nhật Cổng dịch vụ công" },
        ])
    );
    // The text is in the audit trail, both sides of the change.
    let event = entity::audit_event::Entity::find()
        .filter(entity::audit_event::Column::Action.eq("saveReportDraft"))
        .one(app.db())
        .await
        .unwrap()
        .expect("the draft's audit event");
    let after = format!("{:?}", event);
    assert!(after.contains("Chưa cập nhật Cổng dịch vụ công"), "{after}");
}

#[tokio::test]
async fn a_rate_is_computed_from_totals_in_progress_and_the_compiled_report() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let other = second_commune(&app, &fixture).await;
    let (period, reports) = figures_cycle(&app, &fixture, &[fixture.inside.commune, other]).await;
    let reporter = token(&app, Role::Reporter).await;
    let reviewer = token(&app, Role::Reviewer).await;
    let coordinator = token(&app, Role::Coordinator).await;
    // 9 of 10 resolved on time (90 %) and 1 of 90 (1.11 %): the average of
    // the rates is 45.56 %, the rate of the totals 10 of 100, 10 %.
    let figures = [(12, 10, 9, 80.0, true), (95, 90, 1, 90.0, false)];
    let mut rates = Vec::new();
    for (report, (received, resolved, on_time, satisfied, published)) in reports.iter().zip(figures)
    {
        let body = app
            .graphql_as(
                &reporter,
                &save(),
                draft(
                    report,
                    1,
                    json!({ "values": values(received, resolved, on_time, satisfied, published) }),
                ),
            )
            .await;
        let saved = &body["data"]["saveReportDraft"]["report"];
        rates.push(value_of(saved, "TY_LE_DUNG_HAN")["value"].as_f64().unwrap());
        let body = app
            .graphql_as(
                &reporter,
                &submit(),
                json!({ "input": { "report": report, "expectedVersion": 2 } }),
            )
            .await;
        assert_eq!(
            body["data"]["submitReport"]["report"]["status"], "SUBMITTED",
            "{body}"
        );
        let body = app
            .graphql_as(
                &reviewer,
                &accept(),
                json!({ "input": { "report": report, "expectedVersion": 3 } }),
            )
            .await;
        assert_eq!(
            body["data"]["acceptReport"]["report"]["status"], "ACCEPTED",
            "{body}"
        );
    }
    assert_eq!(rates, [90.0, 100.0 / 90.0]);
    let average = (rates[0] + rates[1]) / 2.0;
    assert!((average - 45.555).abs() < 0.001, "{average}");
    let body = app
        .graphql_as(
            &coordinator,
            "query($p: Period!, $w: ID) { reportingProgress(period: $p, within: $w) { accepted indicators { code valueType total reports value } } }",
            json!({ "p": cycle_period(), "w": gid(NodeKind::Unit, fixture.inside.id) }),
        )
        .await;
    let progress = &body["data"]["reportingProgress"];
    assert_eq!(progress["accepted"], 2, "{body}");
    let indicator = |code: &str| {
        progress["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == code)
            .cloned()
            .unwrap_or_else(|| panic!("no {code}: {body}"))
    };
    assert_eq!(
        indicator("TY_LE_DUNG_HAN"),
        json!({ "code": "TY_LE_DUNG_HAN", "valueType": "PERCENTAGE", "total": 10.0, "reports": 2, "value": 10.0 })
    );
    assert_eq!(indicator("DUNG_HAN")["value"], 10.0);
    assert_eq!(indicator("DA_GIAI_QUYET")["value"], 100.0);
    assert_eq!(
        indicator("HAI_LONG")["value"],
        85.0,
        "an AVG stays an average"
    );
    assert_eq!(indicator("CONG_KHAI")["value"], 1.0, "one unit said yes");
    assert_eq!(indicator("GHI_CHU")["value"], Value::Null);
    // The compiled report carries the same rate, from the province's totals.
    let body = app
        .graphql_as(
            &coordinator,
            "mutation($input: PeriodInput!) { compileReport(input: $input) { report { compiled values { indicator { code } value yes text } } userErrors { code } warnings { message } } }",
            json!({ "input": { "period": period } }),
        )
        .await;
    let compiled = &body["data"]["compileReport"];
    assert_eq!(compiled["report"]["compiled"], true, "{body}");
    assert_eq!(compiled["warnings"], json!([]));
    assert_eq!(
        compiled["report"]["values"],
        json!([
            { "indicator": { "code": "TIEP_NHAN" }, "value": 107.0, "yes": null, "text": null },
            { "indicator": { "code": "DA_GIAI_QUYET" }, "value": 100.0, "yes": null, "text": null },
            { "indicator": { "code": "DUNG_HAN" }, "value": 10.0, "yes": null, "text": null },
            { "indicator": { "code": "TY_LE_DUNG_HAN" }, "value": 10.0, "yes": null, "text": null },
            { "indicator": { "code": "HAI_LONG" }, "value": 85.0, "yes": null, "text": null },
            { "indicator": { "code": "CONG_KHAI" }, "value": 1.0, "yes": null, "text": null },
        ])
    );
}

#[tokio::test]
async fn a_rate_over_nothing_resolved_is_null_not_an_error() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let (_, reports) = figures_cycle(&app, &fixture, &[fixture.inside.commune]).await;
    let reporter = token(&app, Role::Reporter).await;
    let body = app
        .graphql_as(
            &reporter,
            &save(),
            draft(
                &reports[0],
                1,
                json!({ "values": values(0, 0, 0, 0.0, false) }),
            ),
        )
        .await;
    let report = &body["data"]["saveReportDraft"]["report"];
    assert!(body["errors"].is_null(), "{body}");
    assert_eq!(value_of(report, "TY_LE_DUNG_HAN")["value"], Value::Null);
    let body = app
        .graphql_as(
            &reporter,
            &submit(),
            json!({ "input": { "report": reports[0], "expectedVersion": 2 } }),
        )
        .await;
    assert_eq!(
        body["data"]["submitReport"]["report"]["status"], "SUBMITTED",
        "{body}"
    );
}

#[tokio::test]
async fn items_ask_for_procedure_counts_only_where_the_power_is_a_procedure() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let commune = fixture.inside.commune;
    let basis = document_of(
        &app,
        "71/2025/QĐ-UBND",
        true,
        fixture.inside.id,
        "2025-01-01",
    )
    .await;
    // A building permit is a procedure (TTHC 1.009993); deciding the
    // commune's budget is not.
    catalogue_with_procedures(&app, "XD-GPXD", "1.009993").await;
    catalogue(&app, "NS-DU-TOAN").await;
    make_mandate(
        &app,
        mandate_input(
            "PC-GPXD",
            "XD-GPXD",
            fixture.inside.id,
            vec![commune],
            basis,
        ),
        true,
    )
    .await;
    make_mandate(
        &app,
        mandate_input(
            "PC-NS",
            "NS-DU-TOAN",
            fixture.inside.id,
            vec![commune],
            basis,
        ),
        true,
    )
    .await;
    let (_, reports) = figures_cycle(&app, &fixture, &[commune]).await;
    let reporter = token(&app, Role::Reporter).await;
    let id = &reports[0];
    let body = app
        .graphql_as(
            &reporter,
            "query($id: ID!) { report(id: $id) { items { mandate { id code } asksProcedures procedures { received } } } }",
            json!({ "id": id }),
        )
        .await;
    let mut items = body["data"]["report"]["items"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("{body}"));
    items.sort_by_key(|i| i["mandate"]["code"].as_str().unwrap().to_owned());
    assert_eq!(items[0]["mandate"]["code"], "PC-GPXD");
    assert_eq!(items[0]["asksProcedures"], true);
    assert_eq!(items[0]["procedures"], json!({ "received": null }));
    assert_eq!(items[1]["mandate"]["code"], "PC-NS");
    assert_eq!(items[1]["asksProcedures"], false);
    assert_eq!(items[1]["procedures"], Value::Null);
    let (permit, budget) = (
        items[0]["mandate"]["id"].clone(),
        items[1]["mandate"]["id"].clone(),
    );
    // Counts for the budget are refused, whichever count is given.
    for count in ["received", "resolvedOnTime", "resolvedLate", "pending"] {
        let (code, _) = refused(
            &app,
            &reporter,
            &save(),
            draft(id, 1, json!({ "items": [{ "mandate": budget, count: 0 }] })),
            "saveReportDraft",
        )
        .await;
        assert_eq!(code, "PROCEDURES_NOT_ASKED", "{count}");
    }
    // Without counts for it, and with them for the permit, it goes in.
    let body = app
        .graphql_as(
            &reporter,
            &save(),
            draft(id, 1, json!({
                "items": [
                    { "mandate": permit, "implementationStatus": "DONE", "received": 5, "resolvedOnTime": 4, "resolvedLate": 0, "pending": 1, "proposal": "KEEP" },
                    { "mandate": budget, "implementationStatus": "IN_PROGRESS", "proposal": "AMEND" },
                ],
                "values": values(5, 4, 4, 95.0, true),
            })),
        )
        .await;
    assert_eq!(
        body["data"]["saveReportDraft"]["userErrors"],
        json!([]),
        "{body}"
    );
    let body = app
        .graphql_as(
            &reporter,
            &submit(),
            json!({ "input": { "report": id, "expectedVersion": 2 } }),
        )
        .await;
    let report = &body["data"]["submitReport"]["report"];
    assert_eq!(report["status"], "SUBMITTED", "{body}");
}

#[tokio::test]
async fn a_procedure_item_still_needs_its_counts_to_be_submitted() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let commune = fixture.inside.commune;
    let basis = document_of(
        &app,
        "72/2025/QĐ-UBND",
        true,
        fixture.inside.id,
        "2025-01-01",
    )
    .await;
    catalogue_with_procedures(&app, "XD-GPXD", "1.009993").await;
    make_mandate(
        &app,
        mandate_input(
            "PC-GPXD",
            "XD-GPXD",
            fixture.inside.id,
            vec![commune],
            basis,
        ),
        true,
    )
    .await;
    let (_, reports) = figures_cycle(&app, &fixture, &[commune]).await;
    let reporter = token(&app, Role::Reporter).await;
    let id = &reports[0];
    let body = app
        .graphql_as(
            &reporter,
            "query($id: ID!) { report(id: $id) { items { mandate { id } } } }",
            json!({ "id": id }),
        )
        .await;
    let permit = body["data"]["report"]["items"][0]["mandate"]["id"].clone();
    let body = app
        .graphql_as(
            &reporter,
            &save(),
            draft(id, 1, json!({
                "items": [{ "mandate": permit, "implementationStatus": "DONE", "proposal": "KEEP" }],
                "values": values(5, 4, 4, 95.0, true),
            })),
        )
        .await;
    assert_eq!(
        body["data"]["saveReportDraft"]["userErrors"],
        json!([]),
        "{body}"
    );
    let (code, _) = refused(
        &app,
        &reporter,
        &submit(),
        json!({ "input": { "report": id, "expectedVersion": 2 } }),
        "submitReport",
    )
    .await;
    assert_eq!(code, "INCOMPLETE_ITEMS");
}

#[tokio::test]
async fn regimes_with_bad_bounds_formulas_or_rules_are_refused_before_the_database() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let coordinator = token(&app, Role::Coordinator).await;
    let regime = |indicators: Value, rules: Value| {
        json!({ "input": {
            "code": "BC-X", "name": "Báo cáo", "content": "Nội dung",
            "recipient": gid(NodeKind::Unit, fixture.inside.department),
            "frequency": "QUARTER", "deadlineDays": 5, "compiledDeadlineDays": 10, "signOff": false,
            "indicators": indicators, "rules": rules,
        } })
    };
    let with = |extra: Value| {
        let mut list = indicators().as_array().unwrap().clone();
        list.push(extra);
        Value::Array(list)
    };
    let indicator = |extra: Value| {
        let mut base =
            json!({ "code": "KHAC", "name": "Khác", "measure": "cái", "aggregation": "SUM" });
        base.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        with(base)
    };
    let rule = |left: &str, operator: &str, right: &str| json!([{ "code": "R1", "name": "Quy tắc", "left": left, "operator": operator, "right": right }]);
    let deep = format!("{}DUNG_HAN{}", "(".repeat(20), ")".repeat(20));
    let long = format!("DUNG_HAN{}", " + 1".repeat(130));
    let many: Vec<Value> = (0..51)
        .map(|i| json!({ "code": format!("R{i:02}"), "name": "Quy tắc", "left": "DUNG_HAN", "operator": "LE", "right": "TIEP_NHAN" }))
        .collect();
    let cases = [
        (
            indicator(json!({ "min": 10, "max": 5 })),
            json!([]),
            "INVALID_RANGE",
        ),
        (
            indicator(json!({ "valueType": "PERCENTAGE", "min": 50, "max": 500.0e15 })),
            json!([]),
            "INVALID_RANGE",
        ),
        (
            indicator(json!({ "valueType": "BOOLEAN", "min": 0 })),
            json!([]),
            "INVALID_RANGE",
        ),
        (
            indicator(json!({ "valueType": "TEXT", "max": 1 })),
            json!([]),
            "INVALID_RANGE",
        ),
        (
            indicator(json!({ "formula": "DUNG_HAN + 1", "max": 100 })),
            json!([]),
            "INVALID_RANGE",
        ),
        (
            indicator(json!({ "formula": "100 * (DUNG_HAN" })),
            json!([]),
            "INVALID_EXPRESSION",
        ),
        (
            indicator(json!({ "formula": "100 * DUNG_HAN %" })),
            json!([]),
            "INVALID_EXPRESSION",
        ),
        (
            indicator(json!({ "formula": deep })),
            json!([]),
            "INVALID_EXPRESSION",
        ),
        (
            indicator(json!({ "formula": long })),
            json!([]),
            "INVALID_EXPRESSION",
        ),
        (
            indicator(json!({ "formula": "GHI_CHU + 1" })),
            json!([]),
            "INVALID_EXPRESSION",
        ),
        (
            indicator(json!({ "formula": "TY_LE_DUNG_HAN / 100" })),
            json!([]),
            "INVALID_EXPRESSION",
        ),
        (
            indicator(json!({ "formula": "KHAC + 1" })),
            json!([]),
            "INVALID_EXPRESSION",
        ),
        (
            indicator(json!({ "valueType": "BOOLEAN", "formula": "DUNG_HAN" })),
            json!([]),
            "INVALID_EXPRESSION",
        ),
        (
            indicator(json!({ "formula": "100 * DUNG_HAN / KHONG_CO" })),
            json!([]),
            "UNKNOWN_INDICATOR",
        ),
        (
            indicators(),
            rule("DUNG_HAN", "LE", "KHONG_CO"),
            "UNKNOWN_INDICATOR",
        ),
        (
            indicators(),
            rule("DUNG_HAN <=", "LE", "TIEP_NHAN"),
            "INVALID_EXPRESSION",
        ),
        (
            indicators(),
            rule("GHI_CHU", "NE", "0"),
            "INVALID_EXPRESSION",
        ),
        (indicators(), rule("1", "LT", "2"), "INVALID_EXPRESSION"),
        (
            indicators(),
            rule(&long, "LE", "TIEP_NHAN"),
            "INVALID_EXPRESSION",
        ),
        (
            indicators(),
            json!([rules()[0].clone(), rules()[0].clone()]),
            "DUPLICATE_RULE",
        ),
        (indicators(), Value::Array(many), "TOO_MANY_RULES"),
        (
            indicators(),
            json!([{ "code": "có dấu", "name": "Quy tắc", "left": "DUNG_HAN", "operator": "LE", "right": "TIEP_NHAN" }]),
            "INVALID_CODE",
        ),
        (
            indicators(),
            json!([{ "code": "R1", "name": " ", "left": "DUNG_HAN", "operator": "LE", "right": "TIEP_NHAN" }]),
            "INVALID_TEXT",
        ),
    ];
    for (indicators, rules, expected) in cases {
        let vars = regime(indicators, rules);
        let (code, message) =
            refused(&app, &coordinator, CREATE, vars.clone(), "createRegime").await;
        assert_eq!(code, expected, "{message}: {vars}");
    }
    // A sound regime reads back as defined: a PERCENTAGE bounded 0..100
    // unless said otherwise, a computed rate without bounds, and rules,
    // one on the computed rate.
    let mut list = rules().as_array().unwrap().clone();
    list.push(json!({ "code": "TY_LE_TOI_DA", "name": "Tỷ lệ không vượt 100 %", "left": "TY_LE_DUNG_HAN", "operator": "LE", "right": "100" }));
    let body = app
        .graphql_as(
            &coordinator,
            CREATE,
            regime(indicators(), Value::Array(list)),
        )
        .await;
    let created = &body["data"]["createRegime"]["regime"];
    assert_eq!(
        body["data"]["createRegime"]["userErrors"],
        json!([]),
        "{body}"
    );
    assert_eq!(
        created["indicators"][3],
        json!({ "code": "TY_LE_DUNG_HAN", "valueType": "PERCENTAGE", "min": null, "max": null, "formula": "100 * DUNG_HAN / DA_GIAI_QUYET" })
    );
    assert_eq!(
        created["indicators"][4],
        json!({ "code": "HAI_LONG", "valueType": "PERCENTAGE", "min": 0.0, "max": 100.0, "formula": null })
    );
    assert_eq!(
        created["indicators"][0],
        json!({ "code": "TIEP_NHAN", "valueType": "INTEGER", "min": 0.0, "max": null, "formula": null })
    );
    assert_eq!(
        created["rules"][0],
        json!({ "code": "DUNG_HAN_TOI_DA", "name": "Hồ sơ đúng hạn không vượt số tiếp nhận", "left": "DUNG_HAN", "operator": "LE", "right": "TIEP_NHAN", "text": "DUNG_HAN <= TIEP_NHAN" })
    );
    assert_eq!(created["rules"][2]["text"], "TY_LE_DUNG_HAN <= 100");
    // An indicator without a type is a NUMBER, as before.
    let body = app
        .graphql_as(
            &coordinator,
            CREATE,
            json!({ "input": {
                "code": "BC-Y", "name": "Báo cáo", "content": "Nội dung",
                "recipient": gid(NodeKind::Unit, fixture.inside.department),
                "frequency": "QUARTER", "deadlineDays": 5, "compiledDeadlineDays": 10, "signOff": false,
                "indicators": [{ "code": "HO_SO", "name": "Hồ sơ", "measure": "hồ sơ", "aggregation": "SUM" }],
            } }),
        )
        .await;
    assert_eq!(
        body["data"]["createRegime"]["regime"]["indicators"][0],
        json!({ "code": "HO_SO", "valueType": "NUMBER", "min": null, "max": null, "formula": null }),
        "{body}"
    );
    assert_eq!(body["data"]["createRegime"]["regime"]["rules"], json!([]));
}

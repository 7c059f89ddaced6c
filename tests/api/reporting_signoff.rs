//! A report's way out of its unit and up to UBND tỉnh: the head's
//! signature, paper reports entered by their recipient, the province
//! report Sở Nội vụ writes and compiles again, acceptance with directions,
//! reopening, and the trend over periods.

use entity::role_grant::Role;
use entity::unit::UnitKind;
use phancap::auth::Authority;
use phancap::graphql::NodeKind;
use phancap::reporting::periods::Period;
use phancap::reporting::progress;
use phancap::reporting::regimes::{self, IndicatorInput, RegimeInput};
use phancap::reporting::reports;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    Province, TestApp, accept_report, current_quarter, fill_report, gid, reporting_cycle_in,
    role_user, spawn_app, submit_report, today,
};

const REPORT: &str = "report { id status version late signature { number signerName signerTitle signedOn paper receivedOn } \
    viewerCan { edit sign submit return accept reopen recordPaper } } userErrors { field code message }";

async fn token(app: &TestApp, role: Role) -> String {
    app.token(&role_user(role)).await
}

fn mutation(name: &str, input: &str) -> String {
    format!("mutation($input: {input}!) {{ {name}(input: $input) {{ {REPORT} }} }}")
}

/// Runs `name`, which must succeed, and returns its report.
async fn run(app: &TestApp, token: &str, name: &str, input: &str, vars: Value) -> Value {
    let body = app
        .graphql_as(token, &mutation(name, input), json!({ "input": vars }))
        .await;
    assert!(body["errors"].is_null(), "{name}: {body}");
    assert_eq!(
        body["data"][name]["userErrors"],
        json!([]),
        "{name}: {body}"
    );
    body["data"][name]["report"].clone()
}

/// Runs `name`, which must be refused without changing anything, and
/// returns the code.
async fn refused(app: &TestApp, token: &str, name: &str, input: &str, vars: Value) -> String {
    let before = app.snapshot().await;
    let body = app
        .graphql_as(token, &mutation(name, input), json!({ "input": vars }))
        .await;
    let code = match body["data"][name]["userErrors"][0]["code"].as_str() {
        Some(code) => code.to_owned(),
        None => body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("{name} was not refused: {body}"))
            .to_owned(),
    };
    assert_eq!(
        app.snapshot().await,
        before,
        "{name} refused with {code} changed something"
    );
    code
}

/// Two communes of the province (the fixture's, which holds a mandate,
/// and the next one by code).
async fn two_communes(app: &TestApp, province: &Province) -> (Uuid, Uuid) {
    let other = entity::unit::Entity::find()
        .filter(entity::unit::Column::ParentId.eq(province.id))
        .filter(entity::unit::Column::Kind.eq(UnitKind::Commune))
        .filter(entity::unit::Column::Id.ne(province.commune))
        .order_by_asc(entity::unit::Column::Code)
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    (province.commune, other.id)
}

/// A quarterly regime of Sở Nội vụ in which `units` report, with `periods`
/// open; returns it and the periods' ids in order.
async fn regime(
    app: &TestApp,
    province: &Province,
    code: &str,
    units: Vec<Uuid>,
    sign_off: bool,
    periods: &[String],
) -> (Uuid, Vec<Uuid>) {
    // The fixture commune's mandate (made by the first cycle).
    let n = 90
        + entity::reporting_regime::Entity::find()
            .count(app.db())
            .await
            .unwrap() as usize;
    reporting_cycle_in(app, province, n, &periods[0]).await;
    let regime = regimes::create_regime(
        app.db(),
        Authority::Cli,
        RegimeInput {
            code: code.into(),
            name: "Báo cáo quý".into(),
            content: "Tình hình thực hiện phân cấp".into(),
            recipient: province.department,
            frequency: entity::reporting_regime::Frequency::Quarter,
            cutoff_rule: entity::reporting_regime::CutoffRule::Decree09,
            deadline_days: 5,
            compiled_deadline_days: 10,
            reporter_kinds: None,
            reporter_units: Some(units),
            indicators: vec![IndicatorInput {
                code: "HO_SO".into(),
                name: "Hồ sơ tiếp nhận".into(),
                measure: "hồ sơ".into(),
                aggregation: entity::regime_indicator::Aggregation::Sum,
                ..IndicatorInput::default()
            }],
            sign_off,
            ..RegimeInput::default()
        },
    )
    .await
    .unwrap();
    let opened = regimes::open_periods(
        app.db(),
        Authority::Cli,
        regime.id,
        None,
        periods
            .iter()
            .map(|p| p.parse::<Period>().unwrap())
            .collect(),
    )
    .await
    .unwrap();
    let mut opened: Vec<_> = opened.into_iter().collect();
    opened.sort_by_key(|p| p.data_to);
    (regime.id, opened.into_iter().map(|p| p.id).collect())
}

/// The report of `unit` in `period`.
async fn report_of(app: &TestApp, period: Uuid, unit: Uuid) -> entity::report::Model {
    entity::report::Entity::find()
        .filter(entity::report::Column::PeriodId.eq(period))
        .filter(entity::report::Column::ReporterUnitId.eq(unit))
        .filter(entity::report::Column::Compiled.eq(false))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
}

fn previous_quarter() -> String {
    let current: Period = current_quarter().parse().unwrap();
    let Period::Quarter { year, quarter } = current else {
        unreachable!()
    };
    if quarter == 1 {
        format!("{}Q4", year - 1)
    } else {
        format!("{year}Q{}", quarter - 1)
    }
}

fn signature(report: Uuid, version: i64, number: &str, signed_on: &str) -> Value {
    json!({ "report": gid(NodeKind::Report, report), "expectedVersion": version, "number": number,
        "signerName": "Nguyễn Văn A", "signerTitle": "Chủ tịch", "signedOn": signed_on })
}

#[tokio::test]
async fn a_report_goes_out_only_under_its_heads_signature() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let province = &fixture.inside;
    let quarter = current_quarter();
    let (_, periods) = regime(
        &app,
        province,
        "BC-KY",
        vec![province.commune],
        true,
        std::slice::from_ref(&quarter),
    )
    .await;
    let report = report_of(&app, periods[0], province.commune).await;
    let (reporter, approver) = (
        token(&app, Role::Reporter).await,
        token(&app, Role::Approver).await,
    );
    let today = today().to_string();
    let sign = |version: i64, number: &str, on: &str| signature(report.id, version, number, on);
    // Nothing written yet: nothing to sign.
    let code = refused(
        &app,
        &approver,
        "signReport",
        "SignReportInput",
        sign(1, "12/BC-UBND", &today),
    )
    .await;
    assert_eq!(code, "NOTHING_TO_SIGN");
    // A draft with results but no figures is not signed either.
    let body = app
        .graphql_as(&reporter, "mutation($input: SaveReportDraftInput!) { saveReportDraft(input: $input) { report { version } userErrors { code } } }",
            json!({ "input": { "report": gid(NodeKind::Report, report.id), "expectedVersion": 1, "results": "Đang tổng hợp" } }))
        .await;
    assert_eq!(
        body["data"]["saveReportDraft"]["report"]["version"], 2,
        "{body}"
    );
    let code = refused(
        &app,
        &approver,
        "signReport",
        "SignReportInput",
        sign(2, "12/BC-UBND", &today),
    )
    .await;
    assert_eq!(code, "INCOMPLETE_ITEMS");
    let version = i64::from(fill_report(&app, report.id, 4.0).await);
    // Unsigned, it does not go out.
    let submit = json!({ "report": gid(NodeKind::Report, report.id), "expectedVersion": version });
    let code = refused(
        &app,
        &reporter,
        "submitReport",
        "ReportTransitionInput",
        submit.clone(),
    )
    .await;
    assert_eq!(code, "UNSIGNED");
    // The reporter may not sign; the approver sees that they may.
    let code = refused(
        &app,
        &reporter,
        "signReport",
        "SignReportInput",
        sign(version, "12/BC-UBND", &today),
    )
    .await;
    assert_eq!(code, "FORBIDDEN");
    let body = app
        .graphql_as(
            &approver,
            "query($id: ID!) { report(id: $id) { viewerCan { sign submit } } }",
            json!({ "id": gid(NodeKind::Report, report.id) }),
        )
        .await;
    assert_eq!(
        body["data"]["report"]["viewerCan"],
        json!({ "sign": true, "submit": false }),
        "{body}"
    );
    // Every part of the signature is checked.
    let tomorrow = (crate::helpers::today() + chrono::Days::new(1)).to_string();
    let window_start = Period::window(
        &quarter.parse::<Period>().unwrap(),
        entity::reporting_regime::CutoffRule::Decree09,
    )
    .0;
    let before_window = (window_start - chrono::Days::new(1)).to_string();
    for (input, code) in [
        (sign(version, "mười hai", &today), "MALFORMED_NUMBER"),
        (sign(version, "12/QĐ-UBND", &today), "NUMBER_TYPE_MISMATCH"),
        (sign(version, "12/BC-SNV", &today), "NUMBER_ISSUER_MISMATCH"),
        (
            sign(version, "12/2026/BC-UBND", &today),
            "NUMBER_YEAR_NOT_ALLOWED",
        ),
        (sign(version, "12/BC-UBND", &tomorrow), "INVALID_DATE"),
        (sign(version, "12/BC-UBND", &before_window), "INVALID_DATE"),
        (
            json!({ "report": gid(NodeKind::Report, report.id), "expectedVersion": version, "number": "12/BC-UBND",
                "signerName": "  ", "signerTitle": "Chủ tịch", "signedOn": today }),
            "INVALID_TEXT",
        ),
        (sign(version - 1, "12/BC-UBND", &today), "CONFLICT"),
    ] {
        let got = refused(
            &app,
            &approver,
            "signReport",
            "SignReportInput",
            input.clone(),
        )
        .await;
        assert_eq!(got, code, "{input}");
    }
    let signed = run(
        &app,
        &approver,
        "signReport",
        "SignReportInput",
        sign(version, "12/BC-UBND", &today),
    )
    .await;
    assert_eq!(signed["signature"]["number"], "12/BC-UBND");
    assert_eq!(signed["signature"]["signerTitle"], "Chủ tịch");
    assert_eq!(signed["signature"]["paper"], false);
    assert_eq!(
        signed["version"],
        version + 1,
        "a signature bumps the version"
    );
    // A change to the draft removes the signature: it no longer says what was signed.
    let body = app
        .graphql_as(&reporter, "mutation($input: SaveReportDraftInput!) { saveReportDraft(input: $input) { report { version signature { number } } userErrors { code } } }",
            json!({ "input": { "report": gid(NodeKind::Report, report.id), "expectedVersion": version + 1, "results": "Đã thực hiện đầy đủ" } }))
        .await;
    let saved = &body["data"]["saveReportDraft"]["report"];
    assert!(saved["signature"].is_null(), "{body}");
    let version = saved["version"].as_i64().unwrap();
    let code = refused(
        &app,
        &reporter,
        "submitReport",
        "ReportTransitionInput",
        json!({ "report": gid(NodeKind::Report, report.id), "expectedVersion": version }),
    )
    .await;
    assert_eq!(code, "UNSIGNED");
    let can = |who: &str| {
        let (app, id) = (&app, gid(NodeKind::Report, report.id));
        let who = who.to_owned();
        async move {
            app.graphql_as(
                &who,
                "query($id: ID!) { report(id: $id) { viewerCan { submit } } }",
                json!({ "id": id }),
            )
            .await["data"]["report"]["viewerCan"]["submit"]
                .clone()
        }
    };
    assert_eq!(
        can(&reporter).await,
        false,
        "unsigned: viewerCan says it cannot go out"
    );
    let signed = run(
        &app,
        &approver,
        "signReport",
        "SignReportInput",
        sign(version, "12/BC-UBND", &today),
    )
    .await;
    assert_eq!(can(&reporter).await, true);
    let sent = run(
        &app,
        &reporter,
        "submitReport",
        "ReportTransitionInput",
        json!({ "report": gid(NodeKind::Report, report.id), "expectedVersion": signed["version"] }),
    )
    .await;
    assert_eq!(sent["status"], "SUBMITTED");
    assert_eq!(sent["signature"]["number"], "12/BC-UBND");
    // The commune's next report of the year may not carry the same number.
    let (_, others) = regime(
        &app,
        province,
        "BC-KY2",
        vec![province.commune],
        true,
        std::slice::from_ref(&quarter),
    )
    .await;
    let other = report_of(&app, others[0], province.commune).await;
    let version = i64::from(fill_report(&app, other.id, 1.0).await);
    let code = refused(
        &app,
        &approver,
        "signReport",
        "SignReportInput",
        signature(other.id, version, "12/BC-UBND", &today),
    )
    .await;
    assert_eq!(code, "DUPLICATE_DOCUMENT");
    // Returned and edited, the first report loses its signature, but the
    // number it went out under stays taken; it may carry it again itself.
    let reviewer = token(&app, Role::Reviewer).await;
    let returned = run(&app, &reviewer, "returnReport", "ReturnReportInput",
        json!({ "report": gid(NodeKind::Report, report.id), "expectedVersion": sent["version"], "reason": "Bổ sung" })).await;
    let body = app
        .graphql_as(&reporter, "mutation($input: SaveReportDraftInput!) { saveReportDraft(input: $input) { report { version signature { number } } userErrors { code } } }",
            json!({ "input": { "report": gid(NodeKind::Report, report.id), "expectedVersion": returned["version"], "results": "Đã bổ sung" } }))
        .await;
    let edited = body["data"]["saveReportDraft"]["report"].clone();
    assert!(edited["signature"].is_null(), "{body}");
    let code = refused(
        &app,
        &approver,
        "signReport",
        "SignReportInput",
        signature(other.id, version, "12/BC-UBND", &today),
    )
    .await;
    assert_eq!(
        code, "DUPLICATE_DOCUMENT",
        "a number that went out stays taken"
    );
    run(
        &app,
        &approver,
        "signReport",
        "SignReportInput",
        sign(edited["version"].as_i64().unwrap(), "12/BC-UBND", &today),
    )
    .await;
    run(
        &app,
        &approver,
        "signReport",
        "SignReportInput",
        signature(other.id, version, "13/BC-UBND", &today),
    )
    .await;
    // Report texts refuse control and text-direction characters; a count
    // has a ceiling.
    let other_version = reports::existing(app.db(), other.id).await.unwrap().version;
    let mandate = entity::report_item::Entity::find()
        .filter(entity::report_item::Column::ReportId.eq(other.id))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .mandate_id;
    for (input, code) in [
        (
            json!({ "report": gid(NodeKind::Report, other.id), "expectedVersion": other_version, "results": "a\u{202e}b" }),
            "INVALID_TEXT",
        ),
        (
            json!({ "report": gid(NodeKind::Report, other.id), "expectedVersion": other_version, "proposals": "a\u{1}b" }),
            "INVALID_TEXT",
        ),
        (
            json!({ "report": gid(NodeKind::Report, other.id), "expectedVersion": other_version,
            "items": [{ "mandate": gid(NodeKind::Mandate, mandate), "difficulties": "a\u{1b}b" }] }),
            "INVALID_TEXT",
        ),
        (
            json!({ "report": gid(NodeKind::Report, other.id), "expectedVersion": other_version,
            "items": [{ "mandate": gid(NodeKind::Mandate, mandate), "received": 1_000_001 }] }),
            "INVALID_VALUE",
        ),
    ] {
        let got = refused(
            &app,
            &reporter,
            "saveReportDraft",
            "SaveReportDraftInput",
            input.clone(),
        )
        .await;
        assert_eq!(got, code, "{input}");
    }
    // Signing is audited with the signature.
    let event = entity::audit_event::Entity::find()
        .filter(entity::audit_event::Column::Action.eq("signReport"))
        .order_by_desc(entity::audit_event::Column::Seq)
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert!(event.after.unwrap().contains("13/BC-UBND"));
}

#[tokio::test]
async fn so_noi_vu_writes_the_province_report_compiles_it_again_and_ubnd_directs() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let province = &fixture.inside;
    let (a, b) = two_communes(&app, province).await;
    let (_, periods) = regime(
        &app,
        province,
        "BC-TH",
        vec![a, b],
        false,
        &[current_quarter()],
    )
    .await;
    let period = periods[0];
    let (coordinator, approver, reviewer) = (
        token(&app, Role::Coordinator).await,
        token(&app, Role::Approver).await,
        token(&app, Role::Reviewer).await,
    );
    let report_a = report_of(&app, period, a).await;
    let report_b = report_of(&app, period, b).await;
    accept_report(&app, report_a.id, 7.0).await;
    let compile = "mutation($input: PeriodInput!) { compileReport(input: $input) { report { id status version values { value } \
        compilation { assessment tables { byUnit { unit { id } status included totals { items procedures { received } } } \
        byMandate { mandate { code } totals { items done procedures { received resolvedOnTime } } } bySector { sector mandates totals { items } } } } } userErrors { code } } }";
    let period_input = json!({ "input": { "period": gid(NodeKind::ReportingPeriod, period) } });
    let body = app
        .graphql_as(&coordinator, compile, period_input.clone())
        .await;
    let compiled = body["data"]["compileReport"]["report"].clone();
    assert_eq!(compiled["status"], "DRAFT", "{body}");
    let tables = &compiled["compilation"]["tables"];
    assert_eq!(
        tables["byUnit"].as_array().unwrap().len(),
        2,
        "every expected reporter has a row: {tables}"
    );
    let row_a = tables["byUnit"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit"]["id"] == gid(NodeKind::Unit, a))
        .unwrap();
    assert_eq!(row_a["included"], true);
    assert_eq!(row_a["totals"]["procedures"]["received"], 10);
    let row_b = tables["byUnit"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit"]["id"] == gid(NodeKind::Unit, b))
        .unwrap();
    assert_eq!(
        (row_b["included"].clone(), row_b["status"].clone()),
        (json!(false), json!("NOT_STARTED"))
    );
    assert_eq!(
        tables["byMandate"][0]["totals"]["procedures"]["resolvedOnTime"],
        7
    );
    assert_eq!(tables["byMandate"][0]["totals"]["done"], 1);
    assert_eq!(tables["bySector"][0]["mandates"], 1);
    let cid = compiled["id"].as_str().unwrap().to_owned();
    let report_input = |version: &Value| json!({ "report": cid, "expectedVersion": version });
    // Sent only once written: the assessment is Sở Nội vụ's.
    let code = refused(
        &app,
        &coordinator,
        "submitCompiledReport",
        "ReportTransitionInput",
        report_input(&compiled["version"]),
    )
    .await;
    assert_eq!(code, "MISSING_NARRATIVE");
    // Only the coordinator writes it; the unit-report mutations refuse it.
    let code = refused(
        &app,
        &approver,
        "saveCompiledReport",
        "SaveCompiledReportInput",
        json!({ "report": cid, "expectedVersion": compiled["version"], "assessment": "x" }),
    )
    .await;
    assert_eq!(code, "FORBIDDEN");
    let root = app.token("root").await;
    let code = refused(
        &app,
        &root,
        "saveReportDraft",
        "SaveReportDraftInput",
        json!({ "report": cid, "expectedVersion": compiled["version"], "results": "x" }),
    )
    .await;
    assert_eq!(code, "COMPILED_REPORT");
    let code = refused(&app, &root, "saveCompiledReport", "SaveCompiledReportInput",
        json!({ "report": gid(NodeKind::Report, report_b.id), "expectedVersion": 1, "assessment": "x" })).await;
    assert_eq!(code, "NOT_COMPILED");
    let saved = run(&app, &coordinator, "saveCompiledReport", "SaveCompiledReportInput",
        json!({ "report": cid, "expectedVersion": compiled["version"], "assessment": "Cơ bản hoàn thành", "recommendations": "Đề nghị bổ sung biên chế" })).await;
    let sent = run(
        &app,
        &coordinator,
        "submitCompiledReport",
        "ReportTransitionInput",
        report_input(&saved["version"]),
    )
    .await;
    assert_eq!(sent["status"], "SUBMITTED");
    // 1 of 2 before the units' deadline: UBND tỉnh waits.
    let accept = "mutation($input: AcceptCompiledReportInput!) { acceptCompiledReport(input: $input) { report { status compilation { directions } } userErrors { code } } }";
    let before = app.snapshot().await;
    let body = app.graphql_as(&approver, accept, json!({ "input": { "report": cid, "expectedVersion": sent["version"], "directions": "Giao Sở Nội vụ đôn đốc" } })).await;
    assert_eq!(
        body["data"]["acceptCompiledReport"]["userErrors"][0]["code"], "REPORTS_STILL_DUE",
        "{body}"
    );
    assert_eq!(app.snapshot().await, before);
    // While UBND tỉnh holds it, a report it includes is not reopened.
    let accepted_a = reports::existing(app.db(), report_a.id).await.unwrap();
    let reopen_a = json!({ "report": gid(NodeKind::Report, report_a.id), "expectedVersion": accepted_a.version, "reason": "Sai số liệu" });
    let code = refused(
        &app,
        &reviewer,
        "reopenReport",
        "ReturnReportInput",
        reopen_a.clone(),
    )
    .await;
    assert_eq!(code, "REPORT_IN_COMPILATION");
    let returned = run(
        &app,
        &approver,
        "returnCompiledReport",
        "ReturnReportInput",
        json!({ "report": cid, "expectedVersion": sent["version"], "reason": "Chờ đủ báo cáo" }),
    )
    .await;
    // Commune B reports late in the cycle; sending the old compilation is refused.
    accept_report(&app, report_b.id, 5.0).await;
    let code = refused(
        &app,
        &coordinator,
        "submitCompiledReport",
        "ReportTransitionInput",
        report_input(&returned["version"]),
    )
    .await;
    assert_eq!(code, "COMPILATION_OUTDATED");
    let body = app
        .graphql_as(&coordinator, compile, period_input.clone())
        .await;
    let again = &body["data"]["compileReport"]["report"];
    assert_eq!(again["status"], "RETURNED", "{body}");
    assert_eq!(
        again["compilation"]["assessment"], "Cơ bản hoàn thành",
        "what Sở Nội vụ wrote stays"
    );
    assert_eq!(again["values"][0]["value"], 12.0, "7 + 5");
    let included = again["compilation"]["tables"]["byUnit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["included"] == true)
        .count();
    assert_eq!(included, 2);
    let sent = run(
        &app,
        &coordinator,
        "submitCompiledReport",
        "ReportTransitionInput",
        report_input(&again["version"]),
    )
    .await;
    let body = app.graphql_as(&approver, accept, json!({ "input": { "report": cid, "expectedVersion": sent["version"], "directions": "Giao Sở Nội vụ đôn đốc" } })).await;
    let accepted = &body["data"]["acceptCompiledReport"]["report"];
    assert_eq!(accepted["status"], "ACCEPTED", "every report is in: {body}");
    assert_eq!(
        accepted["compilation"]["directions"],
        "Giao Sở Nội vụ đôn đốc"
    );
    let event = entity::audit_event::Entity::find()
        .filter(entity::audit_event::Column::Action.eq("acceptCompiledReport"))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert!(
        event.after.unwrap().contains("Giao Sở Nội vụ đôn đốc"),
        "the directions are audited"
    );
    // The period reads as closed, with its province report, to those who
    // may read that report; a commune's viewer sees the period only.
    let period_query = "query($id: ID!) { node(id: $id) { ... on ReportingPeriod { closed compiledReport { id } } } }";
    let period_vars = json!({ "id": gid(NodeKind::ReportingPeriod, period) });
    let body = app
        .graphql_as(&coordinator, period_query, period_vars.clone())
        .await;
    assert_eq!(
        body["data"]["node"],
        json!({ "closed": true, "compiledReport": { "id": cid } }),
        "{body}"
    );
    let commune_viewer = app.viewer_over("xem.xa", a).await;
    let body = app
        .graphql_as(&commune_viewer, period_query, period_vars.clone())
        .await;
    assert_eq!(
        body["data"]["node"],
        json!({ "closed": true, "compiledReport": null }),
        "{body}"
    );
    // Reopening: the compiled report first, then a unit report it included.
    let accepted_a = reports::existing(app.db(), report_a.id).await.unwrap();
    let reopen_a = json!({ "report": gid(NodeKind::Report, report_a.id), "expectedVersion": accepted_a.version, "reason": "Sai số liệu" });
    let code = refused(
        &app,
        &reviewer,
        "reopenReport",
        "ReturnReportInput",
        reopen_a.clone(),
    )
    .await;
    assert_eq!(code, "REPORT_IN_COMPILATION");
    let compiled_now = reports::existing(app.db(), cid_uuid(&cid)).await.unwrap();
    let code = refused(
        &app,
        &approver,
        "reopenCompiledReport",
        "ReturnReportInput",
        json!({ "report": cid, "expectedVersion": compiled_now.version, "reason": " " }),
    )
    .await;
    assert_eq!(code, "REASON_REQUIRED");
    let reopened = run(&app, &approver, "reopenCompiledReport", "ReturnReportInput",
        json!({ "report": cid, "expectedVersion": compiled_now.version, "reason": "Bổ sung đánh giá" })).await;
    assert_eq!(reopened["status"], "RETURNED");
    let body = app
        .graphql_as(&coordinator, period_query, period_vars)
        .await;
    assert_eq!(
        body["data"]["node"]["closed"], false,
        "reopened, the period is open again"
    );
    let progress_before = province_progress(&app, &coordinator, province.id).await;
    let reopened = run(
        &app,
        &reviewer,
        "reopenReport",
        "ReturnReportInput",
        reopen_a,
    )
    .await;
    assert_eq!(reopened["status"], "RETURNED");
    assert_eq!(
        reopened["viewerCan"]["edit"], false,
        "the reviewer does not edit it"
    );
    let progress_after = province_progress(&app, &coordinator, province.id).await;
    assert_eq!(
        progress_after["accepted"],
        progress_before["accepted"].as_i64().unwrap() - 1
    );
    assert_eq!(
        progress_after["returned"],
        progress_before["returned"].as_i64().unwrap() + 1
    );
    assert_eq!(
        progress_after["indicators"][0]["total"], 5.0,
        "A's 7 left the total"
    );
    // A report that is not accepted is not reopened.
    let now_a = reports::existing(app.db(), report_a.id).await.unwrap();
    let code = refused(&app, &reviewer, "reopenReport", "ReturnReportInput",
        json!({ "report": gid(NodeKind::Report, report_a.id), "expectedVersion": now_a.version, "reason": "x" })).await;
    assert_eq!(code, "NOT_ACCEPTED");
    // The maintained rollups equal a rebuild from the reports.
    let before = rollups(&app).await;
    let txn = phancap::db::begin(app.db()).await.unwrap();
    progress::rebuild(
        &txn,
        &phancap::reporting::regimes::existing_period(&txn, period)
            .await
            .unwrap(),
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    assert_eq!(rollups(&app).await, before);
    // A answers again and is accepted again: the same report, changed.
    accept_report(&app, report_a.id, 9.0).await;
    let code = refused(
        &app,
        &coordinator,
        "submitCompiledReport",
        "ReportTransitionInput",
        json!({ "report": cid, "expectedVersion": reopened_version(&app, &cid).await }),
    )
    .await;
    assert_eq!(
        code, "COMPILATION_OUTDATED",
        "an included report changed since it was compiled"
    );
    // A reopened once more: the compilation lacks it.
    let now_a = reports::existing(app.db(), report_a.id).await.unwrap();
    run(&app, &reviewer, "reopenReport", "ReturnReportInput",
        json!({ "report": gid(NodeKind::Report, report_a.id), "expectedVersion": now_a.version, "reason": "Kiểm tra lại" })).await;
    // The compilation now lacks A: compiling again is needed before sending.
    let code = refused(
        &app,
        &coordinator,
        "submitCompiledReport",
        "ReportTransitionInput",
        json!({ "report": cid, "expectedVersion": reopened_version(&app, &cid).await }),
    )
    .await;
    assert_eq!(code, "COMPILATION_OUTDATED");
}

fn cid_uuid(id: &str) -> Uuid {
    phancap::graphql::decode_id_of(
        NodeKind::Report,
        "report",
        &async_graphql::ID(id.to_owned()),
    )
    .unwrap()
}

async fn reopened_version(app: &TestApp, id: &str) -> i32 {
    reports::existing(app.db(), cid_uuid(id))
        .await
        .unwrap()
        .version
}

async fn province_progress(app: &TestApp, token: &str, province: Uuid) -> Value {
    let body = app
        .graphql_as(token, "query($p: Period!, $w: ID) { reportingProgress(period: $p, within: $w) { expected submitted onTime late missing returned accepted indicators { total } } }",
            json!({ "p": current_quarter(), "w": gid(NodeKind::Unit, province) }))
        .await;
    body["data"]["reportingProgress"].clone()
}

async fn rollups(app: &TestApp) -> String {
    let counts = entity::report_rollup::Entity::find()
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
    format!("{counts:?}{totals:?}")
}

#[tokio::test]
async fn a_paper_report_is_late_or_on_time_by_the_day_it_arrived() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let province = &fixture.inside;
    let (a, b) = two_communes(&app, province).await;
    let past = previous_quarter();
    let (_, periods) = regime(
        &app,
        province,
        "BC-GIAY",
        vec![a, b],
        true,
        std::slice::from_ref(&past),
    )
    .await;
    let period = regimes::existing_period(app.db(), periods[0])
        .await
        .unwrap();
    let (reviewer, reporter) = (
        token(&app, Role::Reviewer).await,
        token(&app, Role::Reporter).await,
    );
    let report_a = report_of(&app, period.id, a).await;
    let report_b = report_of(&app, period.id, b).await;
    let mandate = entity::report_item::Entity::find()
        .filter(entity::report_item::Column::ReportId.eq(report_a.id))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .mandate_id;
    let paper = |report: Uuid,
                 number: &str,
                 signed: chrono::NaiveDate,
                 received: chrono::NaiveDate,
                 items: Value| {
        json!({
            "report": gid(NodeKind::Report, report), "expectedVersion": 1, "number": number, "signerName": "Trần Thị B",
            "signerTitle": "KT. Chủ tịch, Phó Chủ tịch", "signedOn": signed.to_string(), "receivedOn": received.to_string(),
            "content": { "results": "Đã thực hiện theo kế hoạch", "values": [{ "indicator": "HO_SO", "value": 6 }], "items": items },
        })
    };
    let items = json!([{ "mandate": gid(NodeKind::Mandate, mandate), "implementationStatus": "DONE", "received": 6,
        "resolvedOnTime": 6, "resolvedLate": 0, "pending": 0, "proposal": "KEEP" }]);
    let deadline = period.deadline;
    let signed = period.data_to;
    // Refusals first, each changing nothing.
    let tomorrow = crate::helpers::today() + chrono::Days::new(1);
    for (input, code, who) in [
        (
            paper(report_a.id, "5/BC-UBND", signed, deadline, items.clone()),
            "FORBIDDEN",
            &reporter,
        ),
        (
            paper(
                report_a.id,
                "5/BC-UBND",
                signed,
                signed - chrono::Days::new(1),
                items.clone(),
            ),
            "INVALID_DATE",
            &reviewer,
        ),
        (
            paper(report_a.id, "5/BC-UBND", signed, tomorrow, items.clone()),
            "INVALID_DATE",
            &reviewer,
        ),
        (
            paper(report_a.id, "5/BC-UBND", signed, deadline, json!([])),
            "INCOMPLETE_ITEMS",
            &reviewer,
        ),
        (
            paper(report_a.id, "5/BC-SNV", signed, deadline, items.clone()),
            "NUMBER_ISSUER_MISMATCH",
            &reviewer,
        ),
    ] {
        let got = refused(
            &app,
            who,
            "recordPaperReport",
            "RecordPaperReportInput",
            input.clone(),
        )
        .await;
        assert_eq!(got, code, "{input}");
    }
    // Received on the deadline day: on time, though entered today.
    let a_in = run(
        &app,
        &reviewer,
        "recordPaperReport",
        "RecordPaperReportInput",
        paper(report_a.id, "5/BC-UBND", signed, deadline, items.clone()),
    )
    .await;
    assert_eq!(a_in["status"], "SUBMITTED");
    assert_eq!(a_in["late"], false, "{a_in}");
    assert_eq!(a_in["signature"]["paper"], true);
    assert_eq!(a_in["signature"]["receivedOn"], deadline.to_string());
    assert_eq!(
        a_in["signature"]["signerTitle"],
        "KT. Chủ tịch, Phó Chủ tịch"
    );
    let body = app
        .graphql_as(&reviewer, "query($id: ID!) { report(id: $id) { submittedAt firstSubmittedAt items { implementationStatus addedAfterSubmission } } }",
            json!({ "id": gid(NodeKind::Report, report_a.id) }))
        .await;
    let entered = &body["data"]["report"];
    assert_eq!(entered["items"][0]["addedAfterSubmission"], false, "{body}");
    assert_eq!(entered["items"][0]["implementationStatus"], "DONE");
    assert!(
        entered["firstSubmittedAt"].as_str().unwrap() < entered["submittedAt"].as_str().unwrap(),
        "late or on time by the day it arrived, entered now: {body}"
    );
    // Received the day after: late.
    let b_in = run(
        &app,
        &reviewer,
        "recordPaperReport",
        "RecordPaperReportInput",
        paper(
            report_b.id,
            "7/BC-UBND",
            signed,
            deadline + chrono::Days::new(1),
            json!([]),
        ),
    )
    .await;
    assert_eq!(b_in["late"], true, "{b_in}");
    let body = app
        .graphql_as(&reviewer, "query($p: Period!, $w: ID) { reportingProgress(period: $p, within: $w) { submitted onTime late } }",
            json!({ "p": past, "w": gid(NodeKind::Unit, province.id) }))
        .await;
    assert_eq!(
        body["data"]["reportingProgress"],
        json!({ "submitted": 2, "onTime": 1, "late": 1 }),
        "{body}"
    );
    // Once in, a paper copy changes nothing; a compiled report has no paper form.
    let code = refused(&app, &reviewer, "recordPaperReport", "RecordPaperReportInput",
        json!({ "report": gid(NodeKind::Report, report_a.id), "expectedVersion": a_in["version"], "number": "9/BC-UBND", "signerName": "A",
            "signerTitle": "Chủ tịch", "signedOn": signed.to_string(), "receivedOn": deadline.to_string(), "content": {} })).await;
    assert_eq!(code, "ALREADY_SUBMITTED");
    // Reviewed like any other report.
    let accepted = run(
        &app,
        &reviewer,
        "acceptReport",
        "ReportTransitionInput",
        json!({ "report": gid(NodeKind::Report, report_a.id), "expectedVersion": a_in["version"] }),
    )
    .await;
    assert_eq!(accepted["status"], "ACCEPTED");
    let compiled = reports::compile(app.db(), Authority::Cli, period.id)
        .await
        .unwrap()
        .report;
    let code = refused(&app, &reviewer, "recordPaperReport", "RecordPaperReportInput",
        json!({ "report": gid(NodeKind::Report, compiled.id), "expectedVersion": compiled.version, "number": "9/BC-UBND", "signerName": "A",
            "signerTitle": "Chủ tịch", "signedOn": signed.to_string(), "receivedOn": deadline.to_string(), "content": {} })).await;
    assert!(
        ["COMPILED_REPORT", "FORBIDDEN"].contains(&code.as_str()),
        "the compiled report goes to UBND tỉnh, not to this reviewer: {code}"
    );
    let root = app.token("root").await;
    let code = refused(&app, &root, "recordPaperReport", "RecordPaperReportInput",
        json!({ "report": gid(NodeKind::Report, compiled.id), "expectedVersion": compiled.version, "number": "9/BC-UBND", "signerName": "A",
            "signerTitle": "Chủ tịch", "signedOn": signed.to_string(), "receivedOn": deadline.to_string(), "content": {} })).await;
    assert_eq!(code, "COMPILED_REPORT");
}

#[tokio::test]
async fn the_trend_shows_each_period_of_a_regime() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let province = &fixture.inside;
    let (a, b) = two_communes(&app, province).await;
    let (past, current) = (previous_quarter(), current_quarter());
    let (regime_id, periods) = regime(
        &app,
        province,
        "BC-XH",
        vec![a, b],
        false,
        &[past.clone(), current.clone()],
    )
    .await;
    // The past quarter: A sends now, late; B never does. The current one: A on time.
    submit_report(&app, report_of(&app, periods[0], a).await.id, 1.0).await;
    submit_report(&app, report_of(&app, periods[1], a).await.id, 1.0).await;
    let coordinator = token(&app, Role::Coordinator).await;
    let query = "query($r: ID!, $f: Period!, $t: Period!, $w: ID) { reportingTrend(regime: $r, from: $f, to: $t, within: $w) { period deadline progress { expected onTime late missing children { unit { id } late missing } } } }";
    let vars = |from: &str, to: &str| json!({ "r": gid(NodeKind::Regime, regime_id), "f": from, "t": to, "w": gid(NodeKind::Unit, province.id) });
    let body = app
        .graphql_as(&coordinator, query, vars(&past, &current))
        .await;
    let points = body["data"]["reportingTrend"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .clone();
    assert_eq!(points.len(), 2, "{body}");
    assert_eq!(points[0]["period"], past);
    assert_eq!(
        (
            points[0]["progress"]["expected"].clone(),
            points[0]["progress"]["onTime"].clone(),
            points[0]["progress"]["late"].clone(),
            points[0]["progress"]["missing"].clone()
        ),
        (json!(2), json!(0), json!(1), json!(1))
    );
    assert_eq!(points[1]["period"], current);
    assert_eq!(
        (
            points[1]["progress"]["onTime"].clone(),
            points[1]["progress"]["late"].clone(),
            points[1]["progress"]["missing"].clone()
        ),
        (json!(1), json!(0), json!(1))
    );
    assert_eq!(
        points[1]["progress"]["children"].as_array().unwrap().len(),
        2,
        "one row per commune"
    );
    // The range is the regime's periods, in order; a reversed one is refused.
    for (from, to) in [(current.as_str(), past.as_str()), ("2026M01", "2026M02")] {
        let body = app.graphql_as(&coordinator, query, vars(from, to)).await;
        assert_eq!(
            crate::helpers::error_code(&body),
            "BAD_USER_INPUT",
            "{body}"
        );
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("regime's frequency"),
            "{body}"
        );
    }
    // Outside the caller's grants: forbidden.
    let body = app
        .graphql_as(&coordinator, query, json!({ "r": gid(NodeKind::Regime, regime_id), "f": past, "t": current, "w": gid(NodeKind::Unit, fixture.outside.id) }))
        .await;
    assert_eq!(crate::helpers::error_code(&body), "FORBIDDEN", "{body}");
}

/// Reopening a unit report and sending the compilation that includes it,
/// at the same time: UBND tỉnh never receives a compilation that includes
/// a report no longer accepted.
#[tokio::test]
async fn a_reopening_and_the_sending_of_its_compilation_never_both_win() {
    use chrono::Datelike;
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let province = &fixture.inside;
    let year = crate::helpers::today().year();
    let quarters: Vec<String> = (1..=2)
        .flat_map(|y| (1..=4).map(move |q| format!("{}Q{q}", year + y)))
        .collect();
    let (_, periods) = regime(
        &app,
        province,
        "BC-DUA",
        vec![province.commune],
        false,
        &quarters,
    )
    .await;
    let db = app.db();
    let mut outcomes = std::collections::BTreeMap::new();
    for period in periods {
        let unit_report = report_of(&app, period, province.commune).await;
        let version = accept_report(&app, unit_report.id, 2.0).await;
        let compiled = reports::compile(db, Authority::Cli, period)
            .await
            .unwrap()
            .report;
        let text = reports::CompiledText {
            assessment: Some("Đạt yêu cầu".into()),
            ..Default::default()
        };
        let compiled =
            reports::save_compiled(db, Authority::Cli, compiled.id, compiled.version, text)
                .await
                .unwrap()
                .report;
        let (reopened, sent) = tokio::join!(
            reports::reopen(
                db,
                Authority::Cli,
                unit_report.id,
                version,
                "Sai số liệu",
                reports::Review::Unit
            ),
            reports::submit(
                db,
                Authority::Cli,
                compiled.id,
                compiled.version,
                reports::Review::Compiled
            ),
        );
        let unit_now = reports::existing(db, unit_report.id).await.unwrap();
        let compiled_now = reports::existing(db, compiled.id).await.unwrap();
        assert!(
            !(compiled_now.status == entity::report::ReportStatus::Submitted
                && unit_now.status != entity::report::ReportStatus::Accepted),
            "the compilation went out with a reopened report: {reopened:?} {sent:?}"
        );
        let key = format!(
            "reopen {} / send {}",
            if reopened.is_ok() { "won" } else { "refused" },
            if sent.is_ok() { "won" } else { "refused" }
        );
        *outcomes.entry(key).or_insert(0) += 1;
    }
    assert!(
        !outcomes.contains_key("reopen won / send won"),
        "{outcomes:?}"
    );
}

//! The province's reporting walked through end to end, as issue 13 found
//! it broken: a phân cấp issued mid-quarter to every commune of Thái
//! Nguyên (2025 structure) while quarters are open; every commune expected
//! and able to report; a figure refused, a rule warned and refused; the
//! head's signature; Sở Nội vụ's draft edited and sent; a late report taken
//! in by compiling again; UBND tỉnh's acceptance with directions.

use chrono::Days;
use entity::role_grant::Role;
use entity::unit::UnitKind;
use phancap::graphql::NodeKind;
use phancap::reporting::periods::Period;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, catalogue_with_procedures, current_quarter, document_of, gid, role_user, spawn_app,
    today,
};

const REPORT: &str = "report { id status version late signature { number } } \
    warnings { rule { code } } userErrors { field code message }";

async fn call(app: &TestApp, token: &str, name: &str, input_type: &str, input: Value) -> Value {
    let query =
        format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ {REPORT} }} }}");
    let body = app
        .graphql_as(token, &query, json!({ "input": input }))
        .await;
    assert!(body["errors"].is_null(), "{name}: {body}");
    body["data"][name].clone()
}

async fn ok(app: &TestApp, token: &str, name: &str, input_type: &str, input: Value) -> Value {
    let payload = call(app, token, name, input_type, input).await;
    assert_eq!(payload["userErrors"], json!([]), "{name}: {payload}");
    payload["report"].clone()
}

async fn refused(app: &TestApp, token: &str, name: &str, input_type: &str, input: Value) -> String {
    let before = app.snapshot().await;
    let payload = call(app, token, name, input_type, input).await;
    let code = payload["userErrors"][0]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("{name} was not refused: {payload}"))
        .to_owned();
    assert_eq!(app.snapshot().await, before, "{name} refused with {code}");
    code
}

fn previous_quarter() -> Period {
    let Period::Quarter { year, quarter } = current_quarter().parse().unwrap() else {
        unreachable!()
    };
    if quarter == 1 {
        Period::Quarter {
            year: year - 1,
            quarter: 4,
        }
    } else {
        Period::Quarter {
            year,
            quarter: quarter - 1,
        }
    }
}

struct Walk {
    app: TestApp,
    reporter: String,
    approver: String,
    reviewer: String,
}

impl Walk {
    /// Drafts, signs, submits and accepts the report `id` of a commune
    /// numbered `serial`, with `received` dossiers all resolved on time.
    async fn report(&self, id: &str, mandate: &str, serial: u32, received: i32) -> Value {
        let saved = ok(
            &self.app,
            &self.reporter,
            "saveReportDraft",
            "SaveReportDraftInput",
            json!({ "report": id, "expectedVersion": version(&self.app, id).await, "results": "Đã tiếp nhận và giải quyết",
                "items": [{ "mandate": mandate, "implementationStatus": "IN_PROGRESS", "received": received,
                    "resolvedOnTime": received, "resolvedLate": 0, "pending": 0, "proposal": "KEEP" }],
                "values": [{ "indicator": "TIEP_NHAN", "value": received }, { "indicator": "DUNG_HAN", "value": received }] }),
        )
        .await;
        let signed = ok(
            &self.app,
            &self.approver,
            "signReport",
            "SignReportInput",
            json!({ "report": id, "expectedVersion": saved["version"], "number": format!("{serial}/BC-UBND"),
                "signerName": "Nguyễn Văn A", "signerTitle": "Chủ tịch", "signedOn": today().to_string() }),
        )
        .await;
        let sent = ok(
            &self.app,
            &self.reporter,
            "submitReport",
            "ReportTransitionInput",
            json!({ "report": id, "expectedVersion": signed["version"] }),
        )
        .await;
        ok(
            &self.app,
            &self.reviewer,
            "acceptReport",
            "ReportTransitionInput",
            json!({ "report": id, "expectedVersion": sent["version"] }),
        )
        .await
    }
}

async fn version(app: &TestApp, id: &str) -> i64 {
    let body = app
        .graphql_as(
            &app.token("root").await,
            "query($id: ID!) { report(id: $id) { version } }",
            json!({ "id": id }),
        )
        .await;
    body["data"]["report"]["version"].as_i64().unwrap()
}

#[tokio::test]
async fn a_quarter_of_thai_nguyen_from_a_mid_quarter_mandate_to_ubnd_directions() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let province = &fixture.inside;
    let token = |role| {
        let app = &app;
        async move { app.token(&role_user(role)).await }
    };
    let coordinator = token(Role::Coordinator).await;
    let walk = Walk {
        reporter: token(Role::Reporter).await,
        approver: token(Role::Approver).await,
        reviewer: token(Role::Reviewer).await,
        app,
    };
    let app = &walk.app;
    // Sở Nội vụ's quarterly regime, every holder of a mandate reporting,
    // typed counts, a computed on-time rate and the rule on-time ≤ received.
    let past = previous_quarter();
    let (past_from, past_to) = past.window(entity::reporting_regime::CutoffRule::Decree09);
    let body = app
        .graphql_as(&coordinator, "mutation($input: CreateRegimeInput!) { createRegime(input: $input) { regime { id signOff } userErrors { code } } }",
            json!({ "input": { "code": "19-BC-PC-QUY", "name": "Báo cáo quý tình hình thực hiện phân cấp",
                "content": "Kết quả thực hiện nội dung được phân cấp; giải quyết thủ tục hành chính",
                "recipient": gid(NodeKind::Unit, province.department), "frequency": "QUARTER", "deadlineDays": 5, "compiledDeadlineDays": 10,
                "indicators": [
                    { "code": "TIEP_NHAN", "name": "Hồ sơ tiếp nhận", "measure": "hồ sơ", "aggregation": "SUM", "valueType": "INTEGER", "min": 0 },
                    { "code": "DUNG_HAN", "name": "Hồ sơ giải quyết đúng hạn", "measure": "hồ sơ", "aggregation": "SUM", "valueType": "INTEGER", "min": 0 },
                    { "code": "TY_LE", "name": "Tỷ lệ đúng hạn", "measure": "%", "aggregation": "SUM", "valueType": "PERCENTAGE", "formula": "100 * DUNG_HAN / TIEP_NHAN" }],
                "rules": [{ "code": "DUNG_HAN_TOI_DA", "name": "Đúng hạn không quá số tiếp nhận", "left": "DUNG_HAN", "operator": "LE", "right": "TIEP_NHAN" }] } }))
        .await;
    let regime = body["data"]["createRegime"]["regime"].clone();
    assert_eq!(regime["signOff"], true, "{body}");
    let body = app
        .graphql_as(&coordinator, "mutation($input: OpenPeriodsInput!) { openPeriods(input: $input) { periods { id period deadline } userErrors { code } } }",
            json!({ "input": { "regime": regime["id"], "periods": [past.to_string(), current_quarter()] } }))
        .await;
    let periods = body["data"]["openPeriods"]["periods"].clone();
    assert_eq!(periods.as_array().map(Vec::len), Some(2), "{body}");
    assert!(
        periods[0]["deadline"].as_str().unwrap() < today().to_string().as_str(),
        "the past quarter's deadline has passed"
    );
    // Nobody holds a mandate yet: nobody is expected.
    let count = |period: &Value| {
        let period = period["period"].as_str().unwrap().to_owned();
        let coordinator = coordinator.clone();
        async move {
            let body = app
                .graphql_as(&coordinator, "query($p: Period!) { reports(filter: { period: $p, compiled: false }) { totalCount } }", json!({ "p": period }))
                .await;
            body["data"]["reports"]["totalCount"].as_i64().unwrap()
        }
    };
    assert_eq!(count(&periods[0]).await, 0);
    // Mid-quarter, UBND tỉnh decentralizes a procedure-bearing power to
    // every commune of the province.
    let communes: Vec<entity::unit::Model> = entity::unit::Entity::find()
        .filter(entity::unit::Column::ParentId.eq(province.id))
        .filter(entity::unit::Column::Kind.eq(UnitKind::Commune))
        .order_by_asc(entity::unit::Column::Code)
        .all(app.db())
        .await
        .unwrap();
    assert_eq!(
        communes.len(),
        92,
        "Thái Nguyên has 92 communes since 1/7/2025"
    );
    catalogue_with_procedures(app, "XD-CAP-PHEP", "1.009993").await;
    let basis = document_of(
        app,
        "25/2026/QĐ-UBND",
        true,
        province.id,
        &past_from.to_string(),
    )
    .await;
    let middle = past_from + Days::new((past_to - past_from).num_days() as u64 / 2);
    let body = app
        .graphql_as(&walk.approver, "mutation($input: DraftMandateInput!) { draftMandate(input: $input) { mandate { id } userErrors { code message } } }",
            json!({ "input": { "code": "PC-XD-2026", "title": "Cấp giấy phép xây dựng nhà ở riêng lẻ", "sector": "XAY_DUNG", "matterCode": "XD-CAP-PHEP",
                "kind": "DECENTRALIZATION", "delegator": gid(NodeKind::Unit, province.id), "legalBasis": gid(NodeKind::Document, basis),
                "resources": { "staff": 1 }, "effectiveFrom": middle.to_string(),
                "delegatees": communes.iter().map(|c| gid(NodeKind::Unit, c.id)).collect::<Vec<_>>() } }))
        .await;
    let mandate = body["data"]["draftMandate"]["mandate"]["id"].clone();
    assert!(mandate.is_string(), "{body}");
    let draft = phancap::graphql::decode_id(&async_graphql::ID(mandate.as_str().unwrap().into()))
        .unwrap()
        .1;
    let draft = phancap::mandates::service::existing(app.db(), draft)
        .await
        .unwrap();
    crate::helpers::appraise_if_needed(app, &draft).await;
    let body = app
        .graphql_as(&walk.approver, "mutation($input: IssueMandateInput!) { issueMandate(input: $input) { mandate { status } userErrors { code message } } }",
            json!({ "input": { "id": mandate } }))
        .await;
    assert_eq!(
        body["data"]["issueMandate"]["userErrors"],
        json!([]),
        "{body}"
    );
    // Every commune is now expected in both open quarters, with an item
    // that asks for procedure counts, and can write its report.
    assert_eq!(count(&periods[0]).await, 92);
    assert_eq!(count(&periods[1]).await, 92);
    let body = app
        .graphql_as(&walk.reporter, "query($p: Period!) { reports(filter: { period: $p }, first: 100) { nodes { id status reporter { code } \
            items { mandate { id } asksProcedures } viewerCan { edit } } } }", json!({ "p": past.to_string() }))
        .await;
    let reports = body["data"]["reports"]["nodes"].as_array().unwrap().clone();
    assert_eq!(reports.len(), 92, "{body}");
    for r in &reports {
        assert_eq!(r["status"], "NOT_STARTED");
        assert_eq!(r["items"][0]["mandate"]["id"], mandate);
        assert_eq!(r["items"][0]["asksProcedures"], true);
        assert_eq!(r["viewerCan"]["edit"], true, "{r}");
    }
    let id = |n: usize| reports[n]["id"].as_str().unwrap().to_owned();
    let mandate = mandate.as_str().unwrap();
    // Commune 1: a negative count is refused; 5,000 on time of 96 is saved
    // with a warning, cannot be signed, and is corrected.
    let first = id(0);
    let code = refused(app, &walk.reporter, "saveReportDraft", "SaveReportDraftInput",
        json!({ "report": first, "expectedVersion": 1, "values": [{ "indicator": "TIEP_NHAN", "value": -3 }] })).await;
    assert_eq!(code, "VALUE_OUT_OF_RANGE");
    let payload = call(app, &walk.reporter, "saveReportDraft", "SaveReportDraftInput",
        json!({ "report": first, "expectedVersion": 1, "results": "Đã tiếp nhận và giải quyết",
            "items": [{ "mandate": mandate, "implementationStatus": "IN_PROGRESS", "received": 96, "resolvedOnTime": 90, "resolvedLate": 4, "pending": 2, "proposal": "KEEP" }],
            "values": [{ "indicator": "TIEP_NHAN", "value": 96 }, { "indicator": "DUNG_HAN", "value": 5000 }] })).await;
    assert_eq!(
        payload["warnings"][0]["rule"]["code"], "DUNG_HAN_TOI_DA",
        "{payload}"
    );
    let sign = |version: &Value| {
        json!({ "report": first, "expectedVersion": version, "number": "31/BC-UBND",
        "signerName": "Nguyễn Văn A", "signerTitle": "Chủ tịch", "signedOn": today().to_string() })
    };
    let code = refused(
        app,
        &walk.approver,
        "signReport",
        "SignReportInput",
        sign(&payload["report"]["version"]),
    )
    .await;
    assert_eq!(code, "RULE_BROKEN");
    let fixed = ok(app, &walk.reporter, "saveReportDraft", "SaveReportDraftInput",
        json!({ "report": first, "expectedVersion": payload["report"]["version"], "values": [{ "indicator": "DUNG_HAN", "value": 90 }] })).await;
    // Unsigned, it does not go out; signed by the commune's Chủ tịch, it does.
    let code = refused(
        app,
        &walk.reporter,
        "submitReport",
        "ReportTransitionInput",
        json!({ "report": first, "expectedVersion": fixed["version"] }),
    )
    .await;
    assert_eq!(code, "UNSIGNED");
    let signed = ok(
        app,
        &walk.approver,
        "signReport",
        "SignReportInput",
        sign(&fixed["version"]),
    )
    .await;
    assert_eq!(signed["signature"]["number"], "31/BC-UBND");
    let sent = ok(
        app,
        &walk.reporter,
        "submitReport",
        "ReportTransitionInput",
        json!({ "report": first, "expectedVersion": signed["version"] }),
    )
    .await;
    assert_eq!(
        (sent["status"].clone(), sent["late"].clone()),
        (json!("SUBMITTED"), json!(true))
    );
    ok(
        app,
        &walk.reviewer,
        "acceptReport",
        "ReportTransitionInput",
        json!({ "report": first, "expectedVersion": sent["version"] }),
    )
    .await;
    // Commune 2 reports too; Sở Nội vụ compiles its draft from the two.
    walk.report(&id(1), mandate, 32, 40).await;
    let period = periods[0]["id"].clone();
    let compile = "mutation($input: PeriodInput!) { compileReport(input: $input) { report { id status version values { indicator { code } value } \
        compilation { assessment tables { byUnit { included } byMandate { totals { items procedures { received resolvedOnTime } } } } } } userErrors { code } } }";
    let body = app
        .graphql_as(
            &coordinator,
            compile,
            json!({ "input": { "period": period } }),
        )
        .await;
    let compiled = body["data"]["compileReport"]["report"].clone();
    assert_eq!(compiled["status"], "DRAFT", "{body}");
    let tables = &compiled["compilation"]["tables"];
    assert_eq!(tables["byUnit"].as_array().unwrap().len(), 92);
    assert_eq!(
        tables["byUnit"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["included"] == true)
            .count(),
        2
    );
    assert_eq!(
        tables["byMandate"][0]["totals"]["procedures"]["received"],
        136
    );
    let values: Vec<(String, f64)> = compiled["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["indicator"]["code"].as_str().unwrap().to_owned(),
                v["value"].as_f64().unwrap(),
            )
        })
        .collect();
    assert!(values.contains(&("TIEP_NHAN".into(), 136.0)), "{values:?}");
    let rate = values.iter().find(|(c, _)| c == "TY_LE").unwrap().1;
    assert!(
        (rate - 100.0 * 130.0 / 136.0).abs() < 1e-9,
        "the rate from the totals: {rate}"
    );
    let cid = compiled["id"].clone();
    // Sở Nội vụ writes it, its director signs it, it goes to UBND tỉnh.
    let written = ok(app, &coordinator, "saveCompiledReport", "SaveCompiledReportInput",
        json!({ "report": cid, "expectedVersion": compiled["version"], "assessment": "Các xã bước đầu thực hiện tốt nội dung được phân cấp",
            "recommendations": "Đề nghị UBND tỉnh chỉ đạo các xã gửi báo cáo đúng hạn" })).await;
    let sign_snv = |version: &Value| {
        json!({ "report": cid, "expectedVersion": version, "number": "45/BC-SNV",
        "signerName": "Trần Thị B", "signerTitle": "Giám đốc", "signedOn": today().to_string() })
    };
    let signed = ok(
        app,
        &walk.approver,
        "signReport",
        "SignReportInput",
        sign_snv(&written["version"]),
    )
    .await;
    let sent = ok(
        app,
        &coordinator,
        "submitCompiledReport",
        "ReportTransitionInput",
        json!({ "report": cid, "expectedVersion": signed["version"] }),
    )
    .await;
    assert_eq!(sent["status"], "SUBMITTED");
    // A commune reports late: UBND tỉnh returns the report to take it in.
    walk.report(&id(2), mandate, 33, 10).await;
    let returned = ok(app, &walk.approver, "returnCompiledReport", "ReturnReportInput",
        json!({ "report": cid, "expectedVersion": sent["version"], "reason": "Tổng hợp bổ sung báo cáo của các xã gửi muộn" })).await;
    let code = refused(
        app,
        &coordinator,
        "submitCompiledReport",
        "ReportTransitionInput",
        json!({ "report": cid, "expectedVersion": returned["version"] }),
    )
    .await;
    assert_eq!(code, "COMPILATION_OUTDATED");
    let body = app
        .graphql_as(
            &coordinator,
            compile,
            json!({ "input": { "period": period } }),
        )
        .await;
    let again = body["data"]["compileReport"]["report"].clone();
    assert_eq!(
        again["compilation"]["tables"]["byUnit"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["included"] == true)
            .count(),
        3,
        "{body}"
    );
    assert_eq!(
        again["compilation"]["assessment"],
        "Các xã bước đầu thực hiện tốt nội dung được phân cấp"
    );
    let code = refused(
        app,
        &coordinator,
        "submitCompiledReport",
        "ReportTransitionInput",
        json!({ "report": cid, "expectedVersion": again["version"] }),
    )
    .await;
    assert_eq!(code, "UNSIGNED", "compiling again removed the signature");
    let signed = ok(
        app,
        &walk.approver,
        "signReport",
        "SignReportInput",
        sign_snv(&again["version"]),
    )
    .await;
    let sent = ok(
        app,
        &coordinator,
        "submitCompiledReport",
        "ReportTransitionInput",
        json!({ "report": cid, "expectedVersion": signed["version"] }),
    )
    .await;
    // The units' deadline has passed: UBND tỉnh accepts with its directions.
    let body = app
        .graphql_as(&walk.approver, "mutation($input: AcceptCompiledReportInput!) { acceptCompiledReport(input: $input) { report { status compilation { directions } } userErrors { code } } }",
            json!({ "input": { "report": cid, "expectedVersion": sent["version"],
                "directions": "Giao Sở Nội vụ đôn đốc 89 xã chưa gửi báo cáo; Sở Xây dựng hướng dẫn cấp giấy phép" } }))
        .await;
    let accepted = &body["data"]["acceptCompiledReport"]["report"];
    assert_eq!(accepted["status"], "ACCEPTED", "{body}");
    assert!(
        accepted["compilation"]["directions"]
            .as_str()
            .unwrap()
            .starts_with("Giao Sở Nội vụ")
    );
    // What the province learned of the quarter.
    let body = app
        .graphql_as(&coordinator, "query($p: Period!, $w: ID) { reportingProgress(period: $p, within: $w) { expected submitted late accepted missing } }",
            json!({ "p": past.to_string(), "w": gid(NodeKind::Unit, province.id) }))
        .await;
    assert_eq!(
        body["data"]["reportingProgress"],
        json!({ "expected": 92, "submitted": 3, "late": 3, "accepted": 3, "missing": 89 }),
        "{body}"
    );
}

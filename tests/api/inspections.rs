//! Inspections: an inspection by Sở Nội vụ from its decision through its
//! findings and conclusion to closed recommendations over GraphQL, every
//! rule with its code (each refusal changing nothing), who reads what,
//! the proposal a finding opens, and the 6085 follow-up in the demo.

use entity::document::DocumentType;
use entity::inspection_finding::{FindingKind, MandateAction};
use entity::inspection_member::MemberRole;
use entity::proposal::{ProposalKind, ProposalStatus};
use entity::role_grant::Role;
use phancap::auth::Authority;
use phancap::error::AppError;
use phancap::graphql::NodeKind;
use phancap::inspections::service::{
    self as inspections, NewFinding, NewInspection, NewMember, NewRecommendation,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    Province, TestApp, department, document_of, error_code, gid, instrument, make_mandate,
    mandate_input, role_user, spawn_app,
};

/// A change to an inspection's input.
type Change<'a> = Box<dyn Fn(&mut NewInspection) + 'a>;

/// The code of a refusal, after checking it changed nothing.
async fn refused<T: std::fmt::Debug>(
    app: &TestApp,
    before: &str,
    result: Result<T, AppError>,
) -> String {
    let code = match result {
        Err(AppError::Rule { code, .. }) => code.name().to_owned(),
        Err(other) => format!("{other:?}"),
        Ok(v) => panic!("expected a refusal, got {v:?}"),
    };
    assert_eq!(app.snapshot().await, before, "{code} changed nothing");
    code
}

/// What an inspection of province 19 needs: its Sở Nội vụ, a mandate of
/// the province to it, the commune, a decision and a conclusion report.
pub struct Setting {
    pub province: Uuid,
    pub snv: Uuid,
    pub commune: Uuid,
    pub mandate: Uuid,
    pub decision: Uuid,
    pub report: Uuid,
}

/// Registers what an inspection of `p` needs; `n` keeps numbers apart.
pub async fn setting(app: &TestApp, p: &Province, n: usize) -> Setting {
    let abbr = "SNV";
    let basis = document_of(app, &format!("9{n}/2025/QĐ-UBND"), true, p.id, "2025-01-01").await;
    let m = make_mandate(
        app,
        mandate_input(
            &format!("KT-{n}"),
            &format!("K{n}"),
            p.id,
            vec![p.department],
            basis,
        ),
        true,
    )
    .await;
    let decision = instrument(
        app,
        &format!("1{n}/QĐ-{abbr}"),
        DocumentType::QdSo,
        p.department,
        "2025-08-05",
    )
    .await;
    let report = instrument(
        app,
        &format!("2{n}/BC-{abbr}"),
        DocumentType::Bc,
        p.department,
        "2025-09-20",
    )
    .await;
    Setting {
        province: p.id,
        snv: p.department,
        commune: p.commune,
        mandate: m.id,
        decision,
        report,
    }
}

/// The inspection of `s` as the tests record it.
pub fn new_inspection(s: &Setting, code: &str) -> NewInspection {
    NewInspection {
        code: code.into(),
        title: "Kiểm tra việc thực hiện nội dung phân cấp năm 2025".into(),
        inspecting_unit: s.snv,
        decision: Some(s.decision),
        period_from: "2025-07-01".parse().unwrap(),
        period_to: "2025-09-30".parse().unwrap(),
        units: vec![s.commune, s.snv],
        mandates: vec![s.mandate],
        members: vec![
            NewMember {
                full_name: "Nguyễn Văn A".into(),
                title: Some("Phó Giám đốc Sở Nội vụ".into()),
                role: MemberRole::Lead,
            },
            NewMember {
                full_name: "Trần Thị B".into(),
                title: None,
                role: MemberRole::Member,
            },
        ],
    }
}

/// The stages an inspection is taken to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Planned,
    InProgress,
    Concluded,
    FollowingUp,
}

/// An inspection of `s` moved from the command line to `upto`; with a
/// finding about the mandate at the commune (AMEND) once in progress, and
/// one recommendation to the commune due on 2025-12-31 once following up.
pub async fn inspection_at(app: &TestApp, s: &Setting, code: &str, upto: Stage) -> Uuid {
    let db = app.db();
    let cli = Authority::Cli;
    let i = inspections::create_inspection(db, cli, new_inspection(s, code))
        .await
        .unwrap();
    if upto >= Stage::InProgress {
        inspections::start_inspection(db, cli, i.id).await.unwrap();
        inspections::record_finding(db, cli, finding(i.id, s.commune, Some(s.mandate)))
            .await
            .unwrap();
    }
    if upto >= Stage::Concluded {
        inspections::conclude_inspection(db, cli, i.id, s.report, None)
            .await
            .unwrap();
    }
    if upto >= Stage::FollowingUp {
        inspections::add_recommendation(db, cli, recommendation(i.id, s.commune, "1"))
            .await
            .unwrap();
    }
    i.id
}

/// A SHORTCOMING at `unit` recommending to amend `mandate`.
pub fn finding(inspection: Uuid, unit: Uuid, mandate: Option<Uuid>) -> NewFinding {
    NewFinding {
        inspection,
        unit,
        mandate,
        kind: FindingKind::Shortcoming,
        text: "Chưa bố trí đủ nhân lực; hồ sơ giải quyết quá hạn".into(),
        evidence: Vec::new(),
        action: if mandate.is_some() {
            MandateAction::Amend
        } else {
            MandateAction::None
        },
    }
}

/// Recommendation `number` to `owner`, due on 2025-12-31.
pub fn recommendation(inspection: Uuid, owner: Uuid, number: &str) -> NewRecommendation {
    NewRecommendation {
        inspection,
        finding: None,
        number: number.into(),
        text: "Làm rõ nguyên nhân, trách nhiệm đối với nhiệm vụ quá hạn".into(),
        owner,
        due_on: "2025-12-31".parse().unwrap(),
    }
}

/// The uuid of a global id.
fn decode(id: &str) -> Uuid {
    phancap::graphql::decode_id(&async_graphql::ID(id.to_owned()))
        .unwrap()
        .1
}

async fn gql(app: &TestApp, token: &str, query: &str, vars: Value) -> Value {
    let body = app.graphql_as(token, query, vars).await;
    assert!(body["errors"].is_null(), "{body}");
    body
}

const INSPECTION: &str = "id code status version inspectingUnit { code } decision { number }
    periodFrom periodTo units { code } mandates { code } members { fullName title role }
    findings { id unit { code } mandate { code } kind text evidence { number } action proposal { id } }
    conclusionReport { number } conclusionSummary
    recommendations { id number owner { code } dueOn status overdue closeNote }
    followUp { total open done closed overdue }
    viewerCan { start recordFinding conclude addRecommendation close }";

#[tokio::test]
async fn an_inspection_runs_from_its_decision_to_closed_recommendations() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let s = setting(&app, &fixture.inside, 1).await;
    let token = app.token(&role_user(Role::Inspector)).await;
    let evidence = instrument(&app, "31/BC-SNV", DocumentType::Bc, s.snv, "2025-09-01").await;

    let body = gql(
        &app,
        &token,
        &format!("mutation($input: CreateInspectionInput!) {{ createInspection(input: $input) {{ inspection {{ {INSPECTION} }} userErrors {{ code }} }} }}"),
        json!({ "input": {
            "code": "KT-SNV-2025-01",
            "title": "Kiểm tra việc thực hiện nội dung phân cấp năm 2025",
            "inspectingUnit": gid(NodeKind::Unit, s.snv),
            "decision": gid(NodeKind::Document, s.decision),
            "periodFrom": "2025-07-01", "periodTo": "2025-09-30",
            "units": [gid(NodeKind::Unit, s.commune), gid(NodeKind::Unit, s.snv)],
            "mandates": [gid(NodeKind::Mandate, s.mandate)],
            "members": [{ "fullName": "Nguyễn Văn A", "title": "Phó Giám đốc", "role": "LEAD" },
                        { "fullName": "Trần Thị B" }],
        } }),
    )
    .await;
    let i = &body["data"]["createInspection"]["inspection"];
    assert_eq!(i["status"], "PLANNED", "{body}");
    assert_eq!(i["decision"]["number"], "11/QĐ-SNV");
    assert_eq!(i["units"].as_array().unwrap().len(), 2);
    assert_eq!(i["mandates"][0]["code"], "KT-1");
    assert_eq!(i["members"][1]["role"], "MEMBER");
    assert_eq!(i["viewerCan"]["start"], true);
    assert_eq!(i["viewerCan"]["recordFinding"], false);
    let id = i["id"].as_str().unwrap().to_owned();

    let step = |name: &str| {
        format!(
            "mutation($input: InspectionStepInput!) {{ {name}(input: $input) {{ inspection {{ {INSPECTION} }} userErrors {{ code message }} }} }}"
        )
    };
    let body = gql(
        &app,
        &token,
        &step("startInspection"),
        json!({ "input": { "inspection": id } }),
    )
    .await;
    assert_eq!(
        body["data"]["startInspection"]["inspection"]["status"],
        "IN_PROGRESS"
    );

    let record = "mutation($input: RecordInspectionFindingInput!) { recordInspectionFinding(input: $input) { finding { id kind action unit { code } evidence { number } inspection { code } } userErrors { code } } }";
    let body = gql(&app, &token, record, json!({ "input": {
        "inspection": id, "unit": gid(NodeKind::Unit, s.commune), "mandate": gid(NodeKind::Mandate, s.mandate),
        "kind": "SHORTCOMING", "text": "Hồ sơ giải quyết quá hạn", "evidence": [gid(NodeKind::Document, evidence)],
        "action": "AMEND" } })).await;
    let f = &body["data"]["recordInspectionFinding"]["finding"];
    assert_eq!(
        (f["kind"].as_str(), f["action"].as_str()),
        (Some("SHORTCOMING"), Some("AMEND"))
    );
    assert_eq!(f["evidence"][0]["number"], "31/BC-SNV");
    let finding_id = f["id"].as_str().unwrap().to_owned();
    let body = gql(
        &app,
        &token,
        record,
        json!({ "input": {
        "inspection": id, "unit": gid(NodeKind::Unit, s.snv), "kind": "COMPLIANT",
        "text": "Thực hiện đúng quy định" } }),
    )
    .await;
    assert_eq!(
        body["data"]["recordInspectionFinding"]["finding"]["action"],
        "NONE"
    );

    let body = gql(&app, &token,
        &format!("mutation($input: ConcludeInspectionInput!) {{ concludeInspection(input: $input) {{ inspection {{ {INSPECTION} }} userErrors {{ code }} }} }}"),
        json!({ "input": { "inspection": id, "report": gid(NodeKind::Document, s.report), "summary": "Cơ bản thực hiện tốt" } })).await;
    let i = &body["data"]["concludeInspection"]["inspection"];
    assert_eq!(i["status"], "CONCLUDED");
    assert_eq!(i["conclusionReport"]["number"], "21/BC-SNV");
    assert_eq!(i["viewerCan"]["close"], true, "nothing recommended yet");

    let add = "mutation($input: AddInspectionRecommendationInput!) { addInspectionRecommendation(input: $input) { recommendation { id number status overdue dueOn owner { code } finding { id } inspection { status } } userErrors { code } } }";
    let mut recs = Vec::new();
    for (number, owner, due) in [("1", s.commune, "2025-10-15"), ("2", s.snv, "2099-12-31")] {
        let body = gql(
            &app,
            &token,
            add,
            json!({ "input": {
            "inspection": id, "number": number, "text": "Khắc phục tồn tại, hạn chế",
            "owner": gid(NodeKind::Unit, owner), "dueOn": due, "finding": finding_id } }),
        )
        .await;
        let r = &body["data"]["addInspectionRecommendation"]["recommendation"];
        assert_eq!(r["status"], "OPEN", "{body}");
        assert_eq!(r["inspection"]["status"], "FOLLOWING_UP");
        assert_eq!(r["finding"]["id"], finding_id.as_str());
        recs.push(r["id"].as_str().unwrap().to_owned());
    }
    let read =
        format!("query($id: ID!) {{ node(id: $id) {{ ... on Inspection {{ {INSPECTION} }} }} }}");
    let body = gql(&app, &token, &read, json!({ "id": id })).await;
    let i = &body["data"]["node"];
    assert_eq!(
        i["followUp"],
        json!({ "total": 2, "open": 2, "done": 0, "closed": 0, "overdue": 1 })
    );
    assert_eq!(i["recommendations"][0]["overdue"], true, "due 2025-10-15");
    assert_eq!(i["viewerCan"]["close"], false);

    // Not closed while a recommendation is open, and nothing changes.
    let before = app.snapshot().await;
    let body = gql(
        &app,
        &token,
        &step("closeInspection"),
        json!({ "input": { "inspection": id } }),
    )
    .await;
    assert_eq!(
        body["data"]["closeInspection"]["userErrors"][0]["code"], "RECOMMENDATIONS_OPEN",
        "{body}"
    );
    assert!(
        body["data"]["closeInspection"]["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("1, 2")
    );
    assert_eq!(app.snapshot().await, before);

    // Each owner in force leads a follow-up task the inspecting body
    // monitors.
    let recs_q = "query($id: ID!) { node(id: $id) { ... on InspectionRecommendation { status followUpTask { id status lead { code } monitor { code } dueOn } } } }";
    let body = gql(&app, &token, recs_q, json!({ "id": recs[0] })).await;
    let task = &body["data"]["node"]["followUpTask"];
    assert_eq!(task["lead"]["code"], "05482", "{body}");
    assert_eq!(task["monitor"]["code"], "19-SNV");
    assert_eq!(task["dueOn"], "2025-10-15");
    let task = phancap::plans::service::tasks_of_recommendations(app.db(), &[decode(&recs[0])])
        .await
        .unwrap()
        .remove(0);

    // The commune completes its task late, with the cause; Sở Nội vụ
    // accepts it: the recommendation is DONE.
    let done = phancap::plans::progress::complete(
        app.db(),
        Authority::Cli,
        task.id,
        task.version,
        phancap::plans::progress::Progress {
            note: Some("Đã khắc phục".into()),
            cause: Some("Thiếu công chức địa chính".into()),
            responsible_person: Some("Chủ tịch UBND phường".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let body = gql(&app, &token, recs_q, json!({ "id": recs[0] })).await;
    assert_eq!(
        body["data"]["node"]["status"], "OPEN",
        "completed awaits acceptance"
    );
    phancap::plans::progress::accept(app.db(), Authority::Cli, done.id, done.version, None)
        .await
        .unwrap();
    let body = gql(&app, &token, recs_q, json!({ "id": recs[0] })).await;
    assert_eq!(body["data"]["node"]["status"], "DONE", "{body}");

    let close = "mutation($input: CloseInspectionRecommendationInput!) { closeInspectionRecommendation(input: $input) { recommendation { status closeNote closedBy } userErrors { code } } }";
    let body = gql(
        &app,
        &token,
        close,
        json!({ "input": { "recommendation": recs[1], "note": "Đã khắc phục, có báo cáo" } }),
    )
    .await;
    let r = &body["data"]["closeInspectionRecommendation"]["recommendation"];
    assert_eq!(r["status"], "CLOSED", "{body}");
    assert_eq!(r["closedBy"], role_user(Role::Inspector));
    // Its follow-up task is settled with it: nobody is reminded of it.
    let body = gql(&app, &token, recs_q, json!({ "id": recs[1] })).await;
    assert_eq!(
        body["data"]["node"]["followUpTask"]["status"], "ACCEPTED",
        "{body}"
    );
    let body = gql(
        &app,
        &token,
        &step("closeInspection"),
        json!({ "input": { "inspection": id } }),
    )
    .await;
    let i = &body["data"]["closeInspection"]["inspection"];
    assert_eq!(i["status"], "CLOSED", "{body}");
    assert_eq!(
        i["followUp"],
        json!({ "total": 2, "open": 0, "done": 1, "closed": 1, "overdue": 0 })
    );
    assert_eq!(i["viewerCan"]["addRecommendation"], false);

    let body = gql(
        &app,
        &token,
        "{ inspections(filter: { status: [CLOSED] }) { totalCount nodes { code } } }",
        json!({}),
    )
    .await;
    assert_eq!(body["data"]["inspections"]["totalCount"], 1);
    assert_eq!(
        body["data"]["inspections"]["nodes"][0]["code"],
        "KT-SNV-2025-01"
    );
}

#[tokio::test]
async fn only_thanh_tra_or_so_noi_vu_inspects_with_documents_of_its_own() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let s = setting(&app, &fixture.inside, 2).await;
    let db = app.db();
    let cli = Authority::Cli;
    let province = phancap::units::service::existing(db, s.province)
        .await
        .unwrap();
    let construction = department(&app, &province, "SXD", "Sở Xây dựng").await;
    let inspectorate = department(&app, &province, "TTT", "Thanh tra tỉnh").await;

    let before = app.snapshot().await;
    let mut input = new_inspection(&s, "KT-X");
    input.inspecting_unit = construction;
    input.decision = None;
    let r = inspections::create_inspection(db, cli, input).await;
    assert_eq!(refused(&app, &before, r).await, "INVALID_INSPECTING_BODY");

    // A letter is no decision; Sở Xây dựng's decision is not Sở Nội vụ's.
    let letter = document_of(&app, "41/SNV-TCBC", false, s.snv, "2025-08-01").await;
    let other = instrument(
        &app,
        "42/QĐ-SXD",
        DocumentType::QdSo,
        construction,
        "2025-08-01",
    )
    .await;
    let before = app.snapshot().await;
    for (decision, code) in [(letter, "WRONG_DOCUMENT_TYPE"), (other, "WRONG_ISSUER")] {
        let mut input = new_inspection(&s, "KT-X");
        input.decision = Some(decision);
        let r = inspections::create_inspection(db, cli, input).await;
        assert_eq!(refused(&app, &before, r).await, code);
    }

    // Thanh tra tỉnh inspects too, with no decision (under a plan).
    let mut input = new_inspection(&s, "KT-TTT");
    input.inspecting_unit = inspectorate;
    input.decision = None;
    let i = inspections::create_inspection(db, cli, input)
        .await
        .unwrap();
    inspections::start_inspection(db, cli, i.id).await.unwrap();
    // Its conclusion is its own report, dated within reach of the period.
    let before = app.snapshot().await;
    let r = inspections::conclude_inspection(db, cli, i.id, s.report, None).await;
    assert_eq!(refused(&app, &before, r).await, "WRONG_ISSUER");
    let early = instrument(
        &app,
        "43/BC-TTT",
        DocumentType::Bc,
        inspectorate,
        "2025-06-01",
    )
    .await;
    let own = instrument(
        &app,
        "44/QĐ-TTT",
        DocumentType::QdSo,
        inspectorate,
        "2025-10-01",
    )
    .await;
    let before = app.snapshot().await;
    let r = inspections::conclude_inspection(db, cli, i.id, early, None).await;
    assert_eq!(refused(&app, &before, r).await, "INVALID_DATE");
    let r = inspections::conclude_inspection(db, cli, i.id, own, None).await;
    assert_eq!(refused(&app, &before, r).await, "WRONG_DOCUMENT_TYPE");
}

#[tokio::test]
async fn an_inspection_keeps_to_its_scope_its_stages_and_its_input() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let s = setting(&app, &fixture.inside, 3).await;
    let out = setting(&app, &fixture.outside, 4).await;
    let db = app.db();
    let cli = Authority::Cli;

    let before = app.snapshot().await;
    let cases: Vec<(Change, &str)> = vec![
        (
            Box::new(|i| i.units = vec![out.commune]),
            "OUTSIDE_INSPECTION_SCOPE",
        ),
        (
            Box::new(|i| i.units = vec![s.province]),
            "OUTSIDE_INSPECTION_SCOPE",
        ),
        (
            Box::new(|i| i.units = Vec::new()),
            "OUTSIDE_INSPECTION_SCOPE",
        ),
        (
            Box::new(|i| i.period_to = "2025-06-30".parse().unwrap()),
            "INVALID_DATE",
        ),
        (
            Box::new(|i| i.period_from = "1900-01-01".parse().unwrap()),
            "INVALID_DATE",
        ),
        (Box::new(|i| i.code = "K T".into()), "INVALID_CODE"),
        (Box::new(|i| i.title = "  ".into()), "INVALID_TEXT"),
        (
            Box::new(|i| i.title = "Kiểm tra\u{0}".into()),
            "INVALID_TEXT",
        ),
        (
            Box::new(|i| i.members[0].full_name = "x".repeat(201)),
            "INVALID_TEXT",
        ),
        (
            Box::new(|i| i.units = vec![s.commune; 201]),
            "TOO_MANY_VALUES",
        ),
        (
            Box::new(|i| i.units = vec![Uuid::now_v7()]),
            "NotFound(\"unit\")",
        ),
    ];
    for (change, code) in cases {
        let mut input = new_inspection(&s, "KT-3");
        change(&mut input);
        let r = inspections::create_inspection(db, cli, input).await;
        assert_eq!(refused(&app, &before, r).await, code);
    }
    let id = inspection_at(&app, &s, "KT-3", Stage::Planned).await;
    let before = app.snapshot().await;
    let r = inspections::create_inspection(db, cli, new_inspection(&s, "KT-3")).await;
    assert_eq!(refused(&app, &before, r).await, "DUPLICATE_CODE");

    // Each step at its stage.
    let r = inspections::record_finding(db, cli, finding(id, s.commune, None)).await;
    assert_eq!(refused(&app, &before, r).await, "WRONG_STAGE");
    let r = inspections::conclude_inspection(db, cli, id, s.report, None).await;
    assert_eq!(refused(&app, &before, r).await, "WRONG_STAGE");
    let r = inspections::add_recommendation(db, cli, recommendation(id, s.commune, "1")).await;
    assert_eq!(refused(&app, &before, r).await, "WRONG_STAGE");
    let r = inspections::close_inspection(db, cli, id).await;
    assert_eq!(refused(&app, &before, r).await, "WRONG_STAGE");
    inspections::start_inspection(db, cli, id).await.unwrap();
    let before = app.snapshot().await;
    let r = inspections::start_inspection(db, cli, id).await;
    assert_eq!(refused(&app, &before, r).await, "WRONG_STAGE");

    // Findings: a unit and a mandate in scope, the mandate for a change.
    let outside_mandate = out.mandate;
    let cases = [
        (finding(id, out.commune, None), "OUTSIDE_INSPECTION_SCOPE"),
        (
            finding(id, s.commune, Some(outside_mandate)),
            "OUTSIDE_INSPECTION_SCOPE",
        ),
        (
            NewFinding {
                action: MandateAction::Revoke,
                ..finding(id, s.commune, None)
            },
            "MANDATES_REQUIRED",
        ),
        (
            NewFinding {
                text: " ".into(),
                ..finding(id, s.commune, None)
            },
            "INVALID_TEXT",
        ),
        (
            NewFinding {
                evidence: vec![Uuid::now_v7()],
                ..finding(id, s.commune, None)
            },
            "NotFound(\"document\")",
        ),
    ];
    for (input, code) in cases {
        let r = inspections::record_finding(db, cli, input).await;
        assert_eq!(refused(&app, &before, r).await, code);
    }
    let f = inspections::record_finding(db, cli, finding(id, s.commune, None))
        .await
        .unwrap();
    inspections::conclude_inspection(db, cli, id, s.report, None)
        .await
        .unwrap();

    // Recommendations: an owner of the province, a deadline after the
    // conclusion, one number per owner, a finding of this inspection.
    let other = inspection_at(&app, &s, "KT-3B", Stage::InProgress).await;
    let other_finding = entity::inspection_finding::Entity::find()
        .filter(entity::inspection_finding::Column::InspectionId.eq(other))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let before = app.snapshot().await;
    let cases = [
        (
            recommendation(id, out.commune, "1"),
            "OUTSIDE_INSPECTION_SCOPE",
        ),
        (
            NewRecommendation {
                due_on: "2025-09-19".parse().unwrap(),
                ..recommendation(id, s.commune, "1")
            },
            "INVALID_DATE",
        ),
        (
            NewRecommendation {
                due_on: "2200-01-01".parse().unwrap(),
                ..recommendation(id, s.commune, "1")
            },
            "INVALID_DATE",
        ),
        (
            NewRecommendation {
                finding: Some(other_finding),
                ..recommendation(id, s.commune, "1")
            },
            "OUTSIDE_INSPECTION_SCOPE",
        ),
        (
            NewRecommendation {
                number: "".into(),
                ..recommendation(id, s.commune, "1")
            },
            "INVALID_TEXT",
        ),
    ];
    for (input, code) in cases {
        let r = inspections::add_recommendation(db, cli, input).await;
        assert_eq!(refused(&app, &before, r).await, code);
    }
    let r1 = inspections::add_recommendation(
        db,
        cli,
        NewRecommendation {
            finding: Some(f.id),
            ..recommendation(id, s.commune, "1")
        },
    )
    .await
    .unwrap();
    // The same number goes to another owner, not twice to one.
    inspections::add_recommendation(db, cli, recommendation(id, s.snv, "1"))
        .await
        .unwrap();
    let before = app.snapshot().await;
    let r = inspections::add_recommendation(db, cli, recommendation(id, s.commune, "1")).await;
    assert_eq!(refused(&app, &before, r).await, "DUPLICATE_CODE");

    // A recommendation is closed once, with a note.
    let r = inspections::close_recommendation(db, cli, r1.id, " ").await;
    assert_eq!(refused(&app, &before, r).await, "REASON_REQUIRED");
    inspections::close_recommendation(db, cli, r1.id, "Đã khắc phục")
        .await
        .unwrap();
    let before = app.snapshot().await;
    let r = inspections::close_recommendation(db, cli, r1.id, "Lần nữa").await;
    assert_eq!(refused(&app, &before, r).await, "RECOMMENDATION_CLOSED");
    let r = inspections::close_inspection(db, cli, id).await;
    assert_eq!(refused(&app, &before, r).await, "RECOMMENDATIONS_OPEN");
}

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

#[tokio::test]
async fn a_finding_opens_the_proposal_to_amend_its_mandate_once() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let s = setting(&app, &fixture.inside, 5).await;
    let db = app.db();
    let cli = Authority::Cli;
    let id = inspection_at(&app, &s, "KT-5", Stage::InProgress).await;
    let plain = inspections::record_finding(db, cli, finding(id, s.commune, None))
        .await
        .unwrap();
    let amend = entity::inspection_finding::Entity::find()
        .filter(entity::inspection_finding::Column::InspectionId.eq(id))
        .filter(entity::inspection_finding::Column::Action.eq(MandateAction::Amend))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let token = app.token(&role_user(Role::Inspector)).await;
    let propose = "mutation($input: ProposeFromFindingInput!) { proposeFromFinding(input: $input) { proposal { id kind status title proposingUnit { code } draftingUnit { code } concernedMandates { code } justification inspectionFinding { id } } userErrors { code } } }";

    let before = app.snapshot().await;
    let body = gql(
        &app,
        &token,
        propose,
        json!({ "input": { "finding": gid(NodeKind::InspectionFinding, plain.id) } }),
    )
    .await;
    assert_eq!(
        body["data"]["proposeFromFinding"]["userErrors"][0]["code"],
        "NO_CHANGE_RECOMMENDED"
    );
    assert_eq!(app.snapshot().await, before);

    let body = gql(
        &app,
        &token,
        propose,
        json!({ "input": { "finding": gid(NodeKind::InspectionFinding, amend.id) } }),
    )
    .await;
    let p = &body["data"]["proposeFromFinding"]["proposal"];
    assert_eq!(p["kind"], "AMEND", "{body}");
    assert_eq!(p["status"], "DRAFT");
    assert_eq!(p["proposingUnit"]["code"], "19-SNV");
    assert_eq!(p["draftingUnit"]["code"], "19-SNV");
    assert_eq!(p["concernedMandates"][0]["code"], "KT-5");
    assert!(p["justification"].as_str().unwrap().contains("quá hạn"));
    assert_eq!(
        p["inspectionFinding"]["id"],
        gid(NodeKind::InspectionFinding, amend.id)
    );
    let stored = entity::proposal::Entity::find()
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.kind, ProposalKind::Amend);
    assert_eq!(stored.status, ProposalStatus::Draft);
    assert_eq!(stored.inspection_finding_id, Some(amend.id));
    let body = gql(
        &app,
        &token,
        &format!("query($id: ID!) {{ node(id: $id) {{ ... on Inspection {{ {INSPECTION} }} }} }}"),
        json!({ "id": gid(NodeKind::Inspection, id) }),
    )
    .await;
    let findings = body["data"]["node"]["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["proposal"]["id"] == p["id"]));

    let before = app.snapshot().await;
    let body = gql(
        &app,
        &token,
        propose,
        json!({ "input": { "finding": gid(NodeKind::InspectionFinding, amend.id) } }),
    )
    .await;
    assert_eq!(
        body["data"]["proposeFromFinding"]["userErrors"][0]["code"],
        "ALREADY_PROPOSED"
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn units_in_scope_read_their_own_findings_and_others_nothing() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let s = setting(&app, &fixture.inside, 6).await;
    let out = setting(&app, &fixture.outside, 7).await;
    let db = app.db();
    let cli = Authority::Cli;
    inspection_at(&app, &s, "KT-6", Stage::Concluded).await;
    inspection_at(&app, &out, "KT-7", Stage::Planned).await;
    let inspection = inspection_at(&app, &s, "KT-6B", Stage::InProgress).await;
    inspections::record_finding(db, cli, finding(inspection, s.snv, None))
        .await
        .unwrap();
    inspections::conclude_inspection(db, cli, inspection, s.report, None)
        .await
        .unwrap();
    inspections::add_recommendation(db, cli, recommendation(inspection, s.snv, "1"))
        .await
        .unwrap();
    inspections::add_recommendation(db, cli, recommendation(inspection, s.commune, "2"))
        .await
        .unwrap();

    let commune = app.viewer_over("viewer.commune", s.commune).await;
    let read =
        format!("query($id: ID!) {{ node(id: $id) {{ ... on Inspection {{ {INSPECTION} }} }} }}");
    let body = gql(
        &app,
        &commune,
        &read,
        json!({ "id": gid(NodeKind::Inspection, inspection) }),
    )
    .await;
    let i = &body["data"]["node"];
    let units: Vec<&str> = i["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["unit"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(units, ["05482"], "the commune's own finding only");
    let owners: Vec<&str> = i["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["owner"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(owners, ["05482"]);
    assert_eq!(i["followUp"]["total"], 1);
    assert_eq!(i["viewerCan"]["start"], false);
    let body = gql(
        &app,
        &commune,
        "{ inspections { totalCount nodes { code } } }",
        json!({}),
    )
    .await;
    assert_eq!(body["data"]["inspections"]["totalCount"], 2, "{body}");

    // The inspecting side reads it whole, and filters.
    let inspector = app.token(&role_user(Role::Inspector)).await;
    let body = gql(
        &app,
        &inspector,
        &read,
        json!({ "id": gid(NodeKind::Inspection, inspection) }),
    )
    .await;
    assert_eq!(
        body["data"]["node"]["findings"].as_array().unwrap().len(),
        2
    );
    assert_eq!(body["data"]["node"]["followUp"]["total"], 2);
    let filtered =
        "query($f: InspectionFilter) { inspections(filter: $f) { totalCount nodes { code } } }";
    let body = gql(
        &app,
        &inspector,
        filtered,
        json!({ "f": { "unit": gid(NodeKind::Unit, s.commune), "status": ["FOLLOWING_UP"] } }),
    )
    .await;
    assert_eq!(
        body["data"]["inspections"]["nodes"],
        json!([{ "code": "KT-6B" }])
    );
    let body = gql(
        &app,
        &inspector,
        filtered,
        json!({ "f": { "inspectingUnit": gid(NodeKind::Unit, s.snv) } }),
    )
    .await;
    assert_eq!(
        body["data"]["inspections"]["totalCount"], 2,
        "not the other province's"
    );

    // Outside: FORBIDDEN; anonymous: UNAUTHENTICATED; lists show nothing.
    let outsider = app.viewer_over("viewer.cb", out.commune).await;
    let body = app
        .graphql_as(
            &outsider,
            &read,
            json!({ "id": gid(NodeKind::Inspection, inspection) }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    let body = gql(&app, &outsider, "{ inspections { totalCount } }", json!({})).await;
    assert_eq!(
        body["data"]["inspections"]["totalCount"], 1,
        "its own province's only"
    );
    let body = app
        .graphql(
            &read,
            json!({ "id": gid(NodeKind::Inspection, inspection) }),
        )
        .await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED", "{body}");
    let body = app
        .graphql("{ inspections { totalCount } }", json!({}))
        .await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED", "{body}");
}

/// Two closes of one recommendation and two closes of one inspection,
/// side by side: each takes effect once (the inspection's row lock on
/// PostgreSQL, one writer at a time on SQLite).
#[tokio::test]
async fn racing_closes_take_effect_once() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let s = setting(&app, &fixture.inside, 8).await;
    let db = app.db();
    let cli = Authority::Cli;
    let code = |r: Result<(), AppError>| match r {
        Ok(()) => "OK".to_owned(),
        Err(AppError::Rule { code, .. }) => code.name().to_owned(),
        Err(other) => panic!("{other:?}"),
    };
    for round in 0..3 {
        let id = inspection_at(&app, &s, &format!("KT-RACE-{round}"), Stage::FollowingUp).await;
        let r = inspections::recommendations_of(db, id).await.unwrap()[0].id;
        let (one, two) = tokio::join!(
            inspections::close_recommendation(db, cli, r, "Đã khắc phục"),
            inspections::close_recommendation(db, cli, r, "Đã khắc phục"),
        );
        let mut codes = [code(one.map(|_| ())), code(two.map(|_| ()))];
        codes.sort();
        assert_eq!(codes, ["OK", "RECOMMENDATION_CLOSED"]);
        let (one, two) = tokio::join!(
            inspections::close_inspection(db, cli, id),
            inspections::close_inspection(db, cli, id),
        );
        let mut codes = [code(one.map(|_| ())), code(two.map(|_| ()))];
        codes.sort();
        assert_eq!(codes, ["OK", "WRONG_STAGE"]);
    }
}

/// The demo models 6085/UBND-TTPVHCC: Sở Nội vụ's inspection of 2023,
/// concluded by 269/BC-SNV, its findings at the units the letter
/// addresses (one opening a proposal to amend a mandate), and the
/// letter's numbered directions as recommendations, some closed, some
/// open, one overdue; a district reads its own findings only.
#[tokio::test]
async fn the_demo_follows_up_6085_after_the_report_269() {
    let app = crate::helpers::national();
    let login = async |user: &str| {
        let body = app
            .graphql(
                "mutation($u: String!) { login(input: { username: $u, password: \"phancap-demo-2026\" }) { accessToken } }",
                json!({ "u": user }),
            )
            .await;
        body["data"]["login"]["accessToken"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let inspector = login("inspector.ttt").await;
    let query = format!(
        "{{ inspections(filter: {{ status: [FOLLOWING_UP] }}) {{ nodes {{ title {INSPECTION} }} }} }}"
    );
    let body = gql(app, &inspector, &query, json!({})).await;
    let nodes = body["data"]["inspections"]["nodes"].as_array().unwrap();
    let i = nodes
        .iter()
        .find(|i| i["code"] == phancap::demo::DEMO_INSPECTION)
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(i["inspectingUnit"]["code"], "19-SNV");
    assert_eq!(i["conclusionReport"]["number"], "269/BC-SNV");
    assert!(
        i["conclusionSummary"]
            .as_str()
            .unwrap()
            .contains("6085/UBND-TTPVHCC")
    );
    assert_eq!(i["periodFrom"], "2023-01-01");
    let findings = i["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 5);
    assert!(
        findings
            .iter()
            .all(|f| f["evidence"][0]["number"] == "269/BC-SNV")
    );
    let amend = findings.iter().find(|f| f["action"] == "AMEND").unwrap();
    assert_eq!(amend["mandate"]["code"], "19-PC-YT-01");
    assert!(amend["proposal"]["id"].is_string(), "{amend}");
    let body = gql(app, &inspector, "query($id: ID!) { node(id: $id) { ... on Proposal { kind status proposingUnit { code } attachments { number } timeline { action } } } }", json!({ "id": amend["proposal"]["id"] })).await;
    let p = &body["data"]["node"];
    assert_eq!(
        (p["kind"].as_str(), p["status"].as_str()),
        (Some("AMEND"), Some("DRAFT"))
    );
    assert_eq!(p["attachments"][0]["number"], "269/BC-SNV");
    assert_eq!(p["timeline"][0]["action"], "proposeFromFinding");
    let numbers: Vec<&str> = i["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["number"].as_str().unwrap())
        .collect();
    for n in ["1.2", "1.6", "1.11", "2", "3"] {
        assert!(numbers.contains(&n), "{numbers:?}");
    }
    assert_eq!(
        i["followUp"],
        json!({ "total": 8, "open": 2, "done": 1, "closed": 5, "overdue": 1 })
    );
    let overdue = i["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["overdue"] == true)
        .unwrap();
    assert_eq!(overdue["owner"]["code"], "19-SXD");
    let body = gql(app, &inspector, "query($id: ID!) { node(id: $id) { ... on InspectionRecommendation { followUpTask { status lead { code } monitor { code } overdue cause responsiblePerson } } } }", json!({ "id": overdue["id"] })).await;
    let task = &body["data"]["node"]["followUpTask"];
    assert_eq!(task["status"], "IN_PROGRESS", "{body}");
    assert_eq!(task["monitor"]["code"], "19-SNV");
    assert_eq!(task["overdue"], true);
    assert!(task["cause"].as_str().unwrap().contains("Bộ Xây dựng"));
    assert!(task["responsiblePerson"].is_string());
    let done = i["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "DONE")
        .unwrap();
    assert_eq!(done["owner"]["code"], "19-STP");
    // A district of 2023 has ended: its recommendation has no task and
    // was closed by Sở Nội vụ.
    let ended = i["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["owner"]["code"] == "173")
        .unwrap();
    assert_eq!(ended["status"], "CLOSED");
    let body = gql(
        app,
        &inspector,
        "query($id: ID!) { node(id: $id) { ... on InspectionRecommendation { followUpTask { id } } } }",
        json!({ "id": ended["id"] }),
    )
    .await;
    assert!(body["data"]["node"]["followUpTask"].is_null(), "{body}");
    assert_eq!(i["viewerCan"]["close"], false);

    // The district of 2023 reads its own findings and recommendations.
    let district = login("reviewer.huyen").await;
    let read =
        format!("query($id: ID!) {{ node(id: $id) {{ ... on Inspection {{ {INSPECTION} }} }} }}");
    let body = gql(app, &district, &read, json!({ "id": i["id"] })).await;
    let own = &body["data"]["node"];
    let units: std::collections::BTreeSet<&str> = own["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["unit"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(units.into_iter().collect::<Vec<_>>(), ["164"]);
    assert_eq!(own["followUp"]["total"], 2);
}

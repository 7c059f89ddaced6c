//! Proposals: the whole way of a real matter from a sở's proposal to the
//! decision over GraphQL, and every rule of the way with its code, each
//! refusal changing nothing.

use chrono::Days;
use entity::document::DocumentType;
use entity::mandate::MandateKind;
use entity::opinion_request::OpinionAnswer;
use entity::proposal::{ProposalKind, ProposalStatus};
use phancap::auth::Authority;
use phancap::error::AppError;
use phancap::graphql::NodeKind;
use phancap::mandates::service::{self as mandates, Resources};
use phancap::proposals::consult::{self, AppraisalInput, OpinionInput};
use phancap::proposals::{decide, service as proposals};
use sea_orm::{EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    TestApp, appraisal_report, catalogue, department, document_of, gid, instrument, mandate_input,
    spawn_app, today,
};

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

/// The bodies of province 19 a proposal needs.
struct Bodies {
    province: Uuid,
    construction: Uuid,
    finance: Uuid,
    home: Uuid,
    communes: Vec<Uuid>,
}

async fn bodies(app: &TestApp, home: Uuid) -> Bodies {
    let province = phancap::units::service::find_by_code(app.db(), "19", None, today())
        .await
        .unwrap()
        .unwrap();
    let construction = department(app, &province, "SXD", "Sở Xây dựng").await;
    let finance = department(app, &province, "STC", "Sở Tài chính").await;
    department(app, &province, "STP", "Sở Tư pháp").await;
    let communes = phancap::units::service::children_of(
        app.db(),
        &[province.id],
        Some(entity::unit::UnitKind::Commune),
        today(),
    )
    .await
    .unwrap()
    .into_iter()
    .map(|u| u.id)
    .collect();
    Bodies {
        province: province.id,
        construction,
        finance,
        home,
        communes,
    }
}

fn proposal_input(b: &Bodies, matter: &str, targets: Vec<Uuid>) -> proposals::ProposalInput {
    proposals::ProposalInput {
        kind: ProposalKind::Delegate,
        title: "Đề xuất phân cấp cấp giấy phép xây dựng cho UBND cấp xã".into(),
        proposing_unit: b.construction,
        drafting_unit: b.construction,
        justification: "Rút ngắn thời gian giải quyết, giải quyết tại chỗ cho người dân".into(),
        matter_codes: vec![matter.into()],
        targets,
        concerned_mandates: Vec::new(),
        attachments: Vec::new(),
        legal_basis: None,
        legal_basis_article: None,
        resources: Resources {
            staff: Some(1),
            ..Resources::default()
        },
        requires_resolution: false,
        evaluation: None,
        inspection_finding: None,
    }
}

const PROPOSAL: &str = "id status version
    timeline { action fromStatus toStatus actor reason }
    opinions { id answer late body { code } }
    appraisals { conclusion favourable report { number } notes { note mandate { code } } }
    submission { number } decision { number } decidedOn
    mandates { code status assignments { id } proposal { id } }
    viewerCan { edit submit takeUp sendBack requestAppraisal appraise submitForDecision decide }";

async fn call(app: &TestApp, token: &str, field: &str, input: &str, vars: Value) -> Value {
    let query = format!(
        "mutation($input: {input}) {{ {field}(input: $input) {{ proposal {{ {PROPOSAL} }} userErrors {{ code message }} }} }}"
    );
    let body = app.graphql_as(token, &query, vars).await;
    assert!(body["errors"].is_null(), "{field}: {body}");
    assert_eq!(
        body["data"][field]["userErrors"],
        json!([]),
        "{field}: {body}"
    );
    body["data"][field]["proposal"].clone()
}

async fn by_id(app: &TestApp, token: &str, field: &str, id: &Value) -> Value {
    let query = format!(
        "mutation($id: ID!) {{ {field}(id: $id) {{ proposal {{ {PROPOSAL} }} userErrors {{ code message }} }} }}"
    );
    let body = app.graphql_as(token, &query, json!({ "id": id })).await;
    body["data"][field].clone()
}

/// Sở Xây dựng proposes to decentralize building permits to every commune
/// of Thái Nguyên; Sở Tài chính and Sở Nội vụ give opinions; Sở Tư pháp
/// returns it once, then appraises it favourably; UBND tỉnh decides; the
/// mandate comes from the proposal and shows its way.
#[tokio::test]
async fn a_proposal_goes_from_a_so_to_the_decision_of_ubnd_tinh() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let b = bodies(&app, fixture.inside.department).await;
    assert!(b.communes.len() > 90, "every commune of 2025 Thái Nguyên");
    catalogue(&app, "XD-GPXD").await;
    let reporter = app.token("reporter.tn").await;
    let approver = app.token("approver.tn").await;
    let legal = app.token("legal-reviewer.tn").await;
    let unit = |id: Uuid| gid(NodeKind::Unit, id);

    let p = call(&app, &reporter, "createProposal", "CreateProposalInput!", json!({ "input": {
        "kind": "DELEGATE", "title": "Đề xuất phân cấp cấp giấy phép xây dựng cho UBND cấp xã",
        "proposingUnit": unit(b.construction), "draftingUnit": unit(b.construction),
        "justification": "Giải quyết tại chỗ, rút ngắn thời gian cho người dân",
        "matterCodes": ["XD-GPXD"], "targets": b.communes.iter().map(|c| unit(*c)).collect::<Vec<_>>(),
        "resources": { "budgetVnd": 500_000_000, "staff": 92 } } })).await;
    assert_eq!(p["status"], "DRAFT");
    assert_eq!(p["viewerCan"]["edit"], true);
    let id = p["id"].clone();
    let p = call(
        &app,
        &approver,
        "submitProposal",
        "SubmitProposalInput!",
        json!({ "input": { "id": id, "version": p["version"] } }),
    )
    .await;
    assert_eq!(p["status"], "SUBMITTED");
    let p = by_id(&app, &approver, "takeUpProposal", &id).await;
    assert_eq!(p["proposal"]["status"], "DRAFTING", "{p}");

    // The sở drafts the decision's mandate from the proposal.
    let effective = today() + Days::new(20);
    let body = app.graphql_as(&reporter, "mutation($input: DraftMandateInput!) { draftMandate(input: $input) { mandate { id proposal { id } } userErrors { code } } }",
        json!({ "input": { "code": "19-PC-GPXD", "title": "Cấp giấy phép xây dựng nhà ở riêng lẻ", "sector": "XAY_DUNG",
            "matterCode": "XD-GPXD", "kind": "DECENTRALIZATION", "delegator": unit(b.province),
            "resources": { "budgetVnd": 500_000_000, "staff": 92 }, "effectiveFrom": effective.to_string(),
            "delegatees": b.communes.iter().map(|c| unit(*c)).collect::<Vec<_>>(), "proposal": id } })).await;
    assert_eq!(
        body["data"]["draftMandate"]["userErrors"],
        json!([]),
        "{body}"
    );
    assert_eq!(
        body["data"]["draftMandate"]["mandate"]["proposal"]["id"],
        id
    );

    // Opinions of Sở Tài chính and Sở Nội vụ, within 5 working days.
    let body = app.graphql_as(&approver, "mutation($input: RequestOpinionsInput!) { requestOpinions(input: $input) { opinions { id dueOn } userErrors { code } } }",
        json!({ "input": { "id": id, "bodies": [unit(b.finance), unit(b.home)], "workingDays": 5 } })).await;
    let asked = body["data"]["requestOpinions"]["opinions"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(asked.len(), 2, "{body}");
    let early = by_id(&app, &approver, "requestAppraisal", &id).await;
    assert_eq!(
        early["userErrors"][0]["code"], "OPINIONS_PENDING",
        "{early}"
    );
    let waiting = app
        .graphql_as(
            &approver,
            &format!("query($id: ID!) {{ node(id: $id) {{ ... on Proposal {{ {PROPOSAL} }} }} }}"),
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        waiting["data"]["node"]["viewerCan"]["requestAppraisal"], false,
        "opinions pending: {waiting}"
    );
    for (request, answer, text) in [
        (
            &asked[0]["id"],
            "AGREE_WITH_CHANGES",
            Some("Bổ sung nguồn kinh phí từ ngân sách cấp xã"),
        ),
        (&asked[1]["id"], "AGREE", None),
    ] {
        let body = app.graphql_as(&approver, "mutation($input: AnswerOpinionInput!) { answerOpinion(input: $input) { opinion { answer late } userErrors { code } } }",
            json!({ "input": { "request": request, "answer": answer, "text": text } })).await;
        assert_eq!(
            body["data"]["answerOpinion"]["opinion"]["answer"], answer,
            "{body}"
        );
        assert_eq!(body["data"]["answerOpinion"]["opinion"]["late"], false);
    }

    let ready = app
        .graphql_as(
            &approver,
            &format!("query($id: ID!) {{ node(id: $id) {{ ... on Proposal {{ {PROPOSAL} }} }} }}"),
            json!({ "id": id }),
        )
        .await;
    let can = &ready["data"]["node"]["viewerCan"];
    assert_eq!(can["requestAppraisal"], true, "{ready}");
    assert_eq!(
        can["submitForDecision"], false,
        "a decentralization needs the appraisal first"
    );
    // Sở Tư pháp returns it once, then appraises it favourably.
    let p = by_id(&app, &approver, "requestAppraisal", &id).await;
    assert_eq!(p["proposal"]["status"], "IN_APPRAISAL", "{p}");
    assert_eq!(p["proposal"]["viewerCan"]["submitForDecision"], false);
    let p = call(&app, &legal, "returnProposal", "ProposalReasonInput!", json!({ "input": { "id": id, "reason": "Bổ sung căn cứ pháp lý tại Điều 103 Luật Xây dựng" } })).await;
    assert_eq!(p["status"], "DRAFTING");
    let p = by_id(&app, &approver, "requestAppraisal", &id).await;
    assert_eq!(p["proposal"]["status"], "IN_APPRAISAL", "{p}");
    let justice = crate::helpers::justice_department(&app, b.province).await;
    let report = instrument(
        &app,
        "12/BCTĐ-STP",
        DocumentType::Bc,
        justice,
        &today().to_string(),
    )
    .await;
    let draft = proposals::drafts_of(
        app.db(),
        phancap::graphql::decode_id(&async_graphql::ID(id.as_str().unwrap().into()))
            .unwrap()
            .1,
    )
    .await
    .unwrap()[0]
        .id;
    let body = app.graphql_as(&legal, &format!("mutation($input: AppraiseProposalInput!) {{ appraiseProposal(input: $input) {{ appraisal {{ favourable }} proposal {{ {PROPOSAL} }} userErrors {{ code }} }} }}"),
        json!({ "input": { "id": id, "report": gid(NodeKind::Document, report), "conclusion": "ELIGIBLE_AFTER_CHANGES",
            "summary": "Đủ điều kiện trình sau khi tiếp thu", "notes": [{ "mandate": gid(NodeKind::Mandate, draft), "note": "Làm rõ điều kiện về nhân lực" }] } })).await;
    let p = &body["data"]["appraiseProposal"]["proposal"];
    assert_eq!(p["status"], "APPRAISED", "{body}");
    assert_eq!(
        p["appraisals"][0]["notes"][0]["note"],
        "Làm rõ điều kiện về nhân lực"
    );

    // The Tờ trình, then the decision of UBND tỉnh.
    let ttr = instrument(
        &app,
        "45/TTr-SXD",
        DocumentType::Ttr,
        b.construction,
        &today().to_string(),
    )
    .await;
    let p = call(
        &app,
        &approver,
        "submitForDecision",
        "ProposalDocumentInput!",
        json!({ "input": { "id": id, "document": gid(NodeKind::Document, ttr) } }),
    )
    .await;
    assert_eq!(p["status"], "AWAITING_DECISION");
    assert_eq!(p["viewerCan"]["decide"], true);
    let year = chrono::Datelike::year(&today());
    let decision = document_of(
        &app,
        &format!("15/{year}/QĐ-UBND"),
        true,
        b.province,
        &today().to_string(),
    )
    .await;
    let body = app.graphql_as(&approver, &format!("mutation($input: ProposalDocumentInput!) {{ decideProposal(input: $input) {{ mandates {{ code status legalBasis {{ number }} }} proposal {{ {PROPOSAL} }} userErrors {{ code message }} }} }}"),
        json!({ "input": { "id": id, "document": gid(NodeKind::Document, decision) } })).await;
    let decided = &body["data"]["decideProposal"];
    assert_eq!(decided["userErrors"], json!([]), "{body}");
    assert_eq!(decided["mandates"][0]["status"], "SCHEDULED", "{body}");
    assert_eq!(
        decided["mandates"][0]["legalBasis"]["number"],
        format!("15/{year}/QĐ-UBND")
    );
    let p = &decided["proposal"];
    assert_eq!(p["status"], "DECIDED");
    assert_eq!(p["decidedOn"], today().to_string());
    assert_eq!(
        p["mandates"][0]["assignments"].as_array().unwrap().len(),
        b.communes.len()
    );
    assert_eq!(p["mandates"][0]["proposal"]["id"], id);
    let steps: Vec<&str> = p["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "createProposal",
            "submitProposal",
            "takeUpProposal",
            "draftMandate",
            "requestOpinions",
            "answerOpinion",
            "answerOpinion",
            "requestAppraisal",
            "returnProposal",
            "requestAppraisal",
            "appraiseProposal",
            "submitForDecision",
            "decideProposal"
        ]
    );
    assert_eq!(
        p["timeline"][3]["reason"], "19-PC-GPXD",
        "the draft is named"
    );
    let returned = &p["timeline"][8];
    assert_eq!(returned["fromStatus"], "IN_APPRAISAL");
    assert_eq!(
        returned["reason"],
        "Bổ sung căn cứ pháp lý tại Điều 103 Luật Xây dựng"
    );
    assert_eq!(returned["actor"], "legal-reviewer.tn");

    // A year later, the evaluation round finds the power short of staff
    // in a commune, recommends an amendment, and the commune opens the
    // proposal to amend it in one step.
    let mandate = decided["mandates"][0]["code"].as_str().unwrap().to_owned();
    let mandate = {
        use sea_orm::ColumnTrait;
        entity::mandate::Entity::find()
            .filter(entity::mandate::Column::Code.eq(mandate))
            .one(app.db())
            .await
            .unwrap()
            .unwrap()
    };
    let as_of = effective + Days::new(365);
    let coordinator = app.token("coordinator.tn").await;
    let body = app.graphql_as(&coordinator, "mutation($input: OpenEvaluationRoundInput!) { openEvaluationRound(input: $input) { round { id } userErrors { code message } } }",
        json!({ "input": { "province": unit(b.province), "year": chrono::Datelike::year(&as_of), "asOf": as_of.to_string() } })).await;
    assert_eq!(
        body["data"]["openEvaluationRound"]["userErrors"],
        json!([]),
        "{body}"
    );
    let evaluation = {
        use sea_orm::ColumnTrait;
        entity::evaluation::Entity::find()
            .filter(entity::evaluation::Column::MandateId.eq(mandate.id))
            .filter(entity::evaluation::Column::HolderUnitId.eq(b.communes[0]))
            .one(app.db())
            .await
            .unwrap()
            .expect("the decided mandate is evaluated in every commune")
    };
    {
        use phancap::evaluations::service as evaluations;
        let amend = evaluations::SelfAssessment {
            result: Some(entity::evaluation::EvaluationResult::Satisfactory),
            result_text: Some("Đã cấp 37 giấy phép, 5 hồ sơ quá hạn".into()),
            difficulties: Some("Xã chưa có công chức chuyên ngành xây dựng".into()),
            recommendation: Some(entity::evaluation::Recommendation::Amend),
            recommendation_reason: Some("Bổ sung biên chế và kinh phí thẩm định hồ sơ".into()),
        };
        let e = evaluations::save_self_assessment(
            app.db(),
            Authority::Cli,
            evaluation.id,
            evaluation.version,
            amend,
        )
        .await
        .unwrap();
        evaluations::submit_self_assessment(app.db(), Authority::Cli, e.id, e.version)
            .await
            .unwrap();
    }
    let body = app.graphql_as(&reporter, &format!("mutation($input: ProposeFromEvaluationInput!) {{ proposeFromEvaluation(input: $input) {{ proposal {{ {PROPOSAL} kind justification evaluation {{ id }} concernedMandates {{ code }} proposingUnit {{ id }} }} userErrors {{ code }} }} }}"),
        json!({ "input": { "evaluation": gid(NodeKind::Evaluation, evaluation.id), "draftingUnit": unit(b.construction) } })).await;
    let next = &body["data"]["proposeFromEvaluation"]["proposal"];
    assert_eq!(next["kind"], "AMEND", "{body}");
    assert_eq!(next["status"], "DRAFT");
    assert_eq!(next["concernedMandates"][0]["code"], "19-PC-GPXD");
    assert_eq!(next["proposingUnit"]["id"], unit(b.communes[0]));
    assert_eq!(
        next["evaluation"]["id"],
        gid(NodeKind::Evaluation, evaluation.id)
    );
    assert!(
        next["justification"]
            .as_str()
            .unwrap()
            .contains("Bổ sung biên chế"),
        "{body}"
    );
    let again = app.graphql_as(&reporter, "mutation($input: ProposeFromEvaluationInput!) { proposeFromEvaluation(input: $input) { userErrors { code } } }",
        json!({ "input": { "evaluation": gid(NodeKind::Evaluation, evaluation.id), "draftingUnit": unit(b.construction) } })).await;
    assert_eq!(
        again["data"]["proposeFromEvaluation"]["userErrors"][0]["code"], "ALREADY_PROPOSED",
        "{again}"
    );

    // The proposing unit's own reporter sees the way; an anonymous caller
    // and a viewer of another province do not.
    let list = app
        .graphql_as(
            &reporter,
            "{ proposals(filter: { matterCode: \"XD-GPXD\" }) { nodes { status } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        list["data"]["proposals"]["nodes"][0]["status"], "DECIDED",
        "{list}"
    );
    let anonymous = app
        .graphql("{ proposals { nodes { id } } }", json!({}))
        .await;
    assert_eq!(anonymous["data"]["proposals"]["nodes"], json!([]));
    let outsider = app.viewer_over("outsider", fixture.outside.id).await;
    let node = app
        .graphql_as(
            &outsider,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(node["data"]["node"], Value::Null, "{node}");
}

/// Moves a proposal of Sở Xây dựng for `matter` to DRAFTING with one
/// decentralization drafted from it; returns it and the draft.
async fn drafting(app: &TestApp, b: &Bodies, matter: &str, budget: i64) -> (Uuid, Uuid) {
    catalogue(app, matter).await;
    let mut input = proposal_input(b, matter, vec![b.communes[0]]);
    input.resources.budget_vnd = Some(budget);
    let p = proposals::create_proposal(app.db(), Authority::Cli, input)
        .await
        .unwrap();
    let p = proposals::submit_proposal(app.db(), Authority::Cli, p.id, p.version)
        .await
        .unwrap();
    let p = proposals::take_up_proposal(app.db(), Authority::Cli, p.id)
        .await
        .unwrap();
    let mut m = mandate_input(
        &format!("19-{matter}"),
        matter,
        b.province,
        vec![b.communes[0]],
        Uuid::nil(),
    );
    m.legal_basis = None;
    m.effective_from = today() + Days::new(10);
    m.resources.budget_vnd = Some(budget);
    m.proposal = Some(p.id);
    let draft = mandates::draft_mandate(app.db(), Authority::Cli, m)
        .await
        .unwrap();
    (p.id, draft.id)
}

fn appraisal(report: Uuid, conclusion: entity::appraisal::Conclusion) -> AppraisalInput {
    AppraisalInput {
        report,
        conclusion,
        summary: None,
        notes: Vec::new(),
    }
}

#[tokio::test]
async fn every_rule_of_the_way_has_its_code_and_changes_nothing() {
    use entity::appraisal::Conclusion;
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let b = bodies(&app, fixture.inside.department).await;
    let db = app.db();
    let cli = Authority::Cli;
    catalogue(&app, "XD-R1").await;

    // The drafting body is a sở of the proposing unit's province.
    let before = app.snapshot().await;
    let mut input = proposal_input(&b, "XD-R1", vec![b.communes[0]]);
    input.drafting_unit = b.communes[1];
    assert_eq!(
        refused(
            &app,
            &before,
            proposals::create_proposal(db, cli, input).await
        )
        .await,
        "INVALID_DRAFTING_BODY"
    );
    let mut input = proposal_input(&b, "XD-R1", vec![b.communes[0]]);
    input.drafting_unit = fixture.outside.department;
    assert_eq!(
        refused(
            &app,
            &before,
            proposals::create_proposal(db, cli, input).await
        )
        .await,
        "INVALID_DRAFTING_BODY"
    );
    let mut input = proposal_input(&b, "XD-R1", vec![b.communes[0]]);
    input.matter_codes = vec!["KHONG-CO".into()];
    assert_eq!(
        refused(
            &app,
            &before,
            proposals::create_proposal(db, cli, input).await
        )
        .await,
        "UNKNOWN_MATTER"
    );

    // What a proposal must say before it leaves its unit.
    for (change, code) in [
        (0, "MISSING_NARRATIVE"),
        (1, "MISSING_RESOURCES"),
        (2, "MANDATES_REQUIRED"),
        (3, "INVALID_DELEGATEES"),
    ] {
        let mut input = proposal_input(&b, "XD-R1", vec![b.communes[0]]);
        match change {
            0 => input.justification = "  ".into(),
            1 => input.resources = Resources::default(),
            2 => input.kind = ProposalKind::Amend,
            _ => input.targets = Vec::new(),
        }
        let p = proposals::create_proposal(db, cli, input).await.unwrap();
        let before = app.snapshot().await;
        assert_eq!(
            refused(
                &app,
                &before,
                proposals::submit_proposal(db, cli, p.id, p.version).await
            )
            .await,
            code
        );
        // Stale versions conflict; steps out of their stage are refused.
        assert!(
            refused(
                &app,
                &before,
                proposals::submit_proposal(db, cli, p.id, p.version + 1).await
            )
            .await
            .starts_with("Conflict")
        );
        assert_eq!(
            refused(
                &app,
                &before,
                proposals::take_up_proposal(db, cli, p.id).await
            )
            .await,
            "WRONG_STAGE"
        );
        assert_eq!(
            refused(
                &app,
                &before,
                proposals::withdraw_proposal(db, cli, p.id, " ").await
            )
            .await,
            "REASON_REQUIRED"
        );
    }

    // Drafting: only the proposed matters; the appraisal needs drafts,
    // opinions in and, with a budget, Sở Tài chính's.
    let (p, draft) = drafting(&app, &b, "XD-R2", 300_000_000).await;
    let before = app.snapshot().await;
    let mut other = mandate_input(
        "19-OTHER",
        "XD-R1",
        b.province,
        vec![b.communes[0]],
        Uuid::nil(),
    );
    other.legal_basis = None;
    other.proposal = Some(p);
    assert_eq!(
        refused(&app, &before, mandates::draft_mandate(db, cli, other).await).await,
        "NOT_PROPOSED_MATTER"
    );
    assert_eq!(
        refused(&app, &before, mandates::issue_mandate(db, cli, draft).await).await,
        "ISSUED_BY_DECISION"
    );
    assert_eq!(
        refused(&app, &before, consult::request_appraisal(db, cli, p).await).await,
        "FINANCE_OPINION_REQUIRED"
    );
    let ttr = instrument(
        &app,
        "7/TTr-SXD",
        DocumentType::Ttr,
        b.construction,
        "2025-08-01",
    )
    .await;
    let before = app.snapshot().await;
    assert_eq!(
        refused(
            &app,
            &before,
            decide::submit_for_decision(db, cli, p, ttr).await
        )
        .await,
        "FINANCE_OPINION_REQUIRED"
    );
    assert_eq!(
        refused(
            &app,
            &before,
            consult::request_opinions(db, cli, p, &[b.construction], 5).await
        )
        .await,
        "INVALID_OPINION_BODY"
    );
    assert_eq!(
        refused(
            &app,
            &before,
            consult::request_opinions(db, cli, p, &[fixture.outside.department], 5).await
        )
        .await,
        "INVALID_OPINION_BODY"
    );
    // UBND tỉnh decides; it is not asked.
    let province = consult::request_opinions(db, cli, p, &[b.province], 5).await;
    assert_eq!(
        refused(&app, &before, province).await,
        "INVALID_OPINION_BODY"
    );
    assert_eq!(
        refused(
            &app,
            &before,
            consult::request_opinions(db, cli, p, &[b.finance], 31).await
        )
        .await,
        "OUT_OF_RANGE"
    );
    let (_, asked) = consult::request_opinions(db, cli, p, &[b.finance], 3)
        .await
        .unwrap();
    let before = app.snapshot().await;
    assert_eq!(
        refused(
            &app,
            &before,
            consult::request_opinions(db, cli, p, &[b.finance], 3).await
        )
        .await,
        "ALREADY_REQUESTED"
    );
    assert_eq!(
        refused(&app, &before, consult::request_appraisal(db, cli, p).await).await,
        "OPINIONS_PENDING"
    );
    let disagree = OpinionInput {
        answer: OpinionAnswer::Disagree,
        text: None,
        document: None,
    };
    assert_eq!(
        refused(
            &app,
            &before,
            consult::answer_opinion(db, cli, asked[0].id, disagree).await
        )
        .await,
        "MISSING_NARRATIVE"
    );
    let not_theirs = document_of(&app, "3/2025/QĐ-UBND", true, b.province, "2025-07-01").await;
    let before = app.snapshot().await;
    let wrong_letter = OpinionInput {
        answer: OpinionAnswer::Agree,
        text: None,
        document: Some(not_theirs),
    };
    assert_eq!(
        refused(
            &app,
            &before,
            consult::answer_opinion(db, cli, asked[0].id, wrong_letter).await
        )
        .await,
        "WRONG_ISSUER"
    );
    let agree = OpinionInput {
        answer: OpinionAnswer::Agree,
        text: None,
        document: None,
    };
    consult::answer_opinion(db, cli, asked[0].id, agree.clone())
        .await
        .unwrap();
    let before = app.snapshot().await;
    assert_eq!(
        refused(
            &app,
            &before,
            consult::answer_opinion(db, cli, asked[0].id, agree).await
        )
        .await,
        "ALREADY_ANSWERED"
    );
    // A decentralization goes to the decision only after its appraisal.
    assert_eq!(
        refused(
            &app,
            &before,
            decide::submit_for_decision(db, cli, p, ttr).await
        )
        .await,
        "APPRAISAL_REQUIRED"
    );

    // The drafting body reads the drafts it writes, though the delegator
    // (UBND tỉnh) is above it; a sở with no part in the proposal does not.
    let sxd = app.viewer_over("sxd.viewer", b.construction).await;
    let stc = app.viewer_over("stc.viewer", b.finance).await;
    let read = "query($id: ID!) { node(id: $id) { ... on Mandate { code } } }";
    let vars = json!({ "id": gid(NodeKind::Mandate, draft) });
    let seen = app.graphql_as(&sxd, read, vars.clone()).await;
    assert_eq!(seen["data"]["node"]["code"], "19-XD-R2", "{seen}");
    let unseen = app.graphql_as(&stc, read, vars).await;
    assert!(unseen["data"]["node"].is_null(), "{unseen}");

    // A second draft written by mistake is discarded, by the drafting body.
    let mut extra = mandate_input(
        "19-EXTRA",
        "XD-R2",
        b.province,
        vec![b.communes[1]],
        Uuid::nil(),
    );
    extra.legal_basis = None;
    extra.proposal = Some(p);
    let extra = mandates::draft_mandate(db, cli, extra).await.unwrap();
    let discarded = mandates::discard_draft(db, cli, extra.id).await.unwrap();
    assert_eq!(discarded.code, "19-EXTRA");
    assert_eq!(proposals::drafts_of(db, p).await.unwrap().len(), 1);

    // The appraisal: only a BCTĐ of the province's Sở Tư pháp; NOT_ELIGIBLE
    // sends it back; the gate reads the latest appraisal.
    consult::request_appraisal(db, cli, p).await.unwrap();
    // Under appraisal nobody changes the drafts, not even the delegator.
    let before = app.snapshot().await;
    let patch = mandates::MandatePatch {
        title: Some("Đổi tên".into()),
        ..Default::default()
    };
    assert_eq!(
        refused(
            &app,
            &before,
            mandates::update_draft(db, cli, draft, patch).await
        )
        .await,
        "WRONG_STAGE"
    );
    assert_eq!(
        refused(&app, &before, mandates::discard_draft(db, cli, draft).await).await,
        "WRONG_STAGE"
    );
    let wrong = instrument(
        &app,
        "8/BC-SXD",
        DocumentType::Bc,
        b.construction,
        "2025-08-01",
    )
    .await;
    let before = app.snapshot().await;
    assert_eq!(
        refused(
            &app,
            &before,
            consult::appraise_proposal(db, cli, p, appraisal(wrong, Conclusion::Eligible)).await
        )
        .await,
        "NOT_APPRAISAL_REPORT"
    );
    let report = appraisal_report(&app, b.province).await;
    let mut noted = appraisal(report, Conclusion::Eligible);
    noted.notes = vec![(Uuid::now_v7(), "Ghi chú".into())];
    let before = app.snapshot().await;
    assert_eq!(
        refused(
            &app,
            &before,
            consult::appraise_proposal(db, cli, p, noted).await
        )
        .await,
        "UNKNOWN_ITEM"
    );
    let (after, _) =
        consult::appraise_proposal(db, cli, p, appraisal(report, Conclusion::NotEligible))
            .await
            .unwrap();
    assert_eq!(after.status, ProposalStatus::Drafting);
    consult::request_appraisal(db, cli, p).await.unwrap();
    consult::appraise_proposal(db, cli, p, appraisal(report, Conclusion::Eligible))
        .await
        .unwrap();

    // A proposal's report serves no other appraisal.
    let mut outside = mandate_input(
        "19-R9",
        "XD-R1",
        b.province,
        vec![b.communes[3]],
        Uuid::nil(),
    );
    outside.legal_basis = None;
    let outside = mandates::draft_mandate(db, cli, outside).await.unwrap();
    let before = app.snapshot().await;
    let reused = consult::record_appraisal(
        db,
        cli,
        &[outside.id],
        appraisal(report, Conclusion::Eligible),
    )
    .await;
    assert_eq!(
        refused(&app, &before, reused).await,
        "DOCUMENT_ALREADY_USED"
    );

    // The Tờ trình is a TTR of the drafting body.
    let letter = instrument(
        &app,
        "9/SXD-QLXD",
        DocumentType::Cv,
        b.construction,
        "2025-08-01",
    )
    .await;
    let home_ttr = instrument(
        &app,
        "10/TTr-SNV",
        DocumentType::Ttr,
        fixture.inside.department,
        "2025-08-01",
    )
    .await;
    let before = app.snapshot().await;
    assert_eq!(
        refused(
            &app,
            &before,
            decide::submit_for_decision(db, cli, p, letter).await
        )
        .await,
        "WRONG_INSTRUMENT_TYPE"
    );
    assert_eq!(
        refused(
            &app,
            &before,
            decide::submit_for_decision(db, cli, p, home_ttr).await
        )
        .await,
        "WRONG_ISSUER"
    );
    decide::submit_for_decision(db, cli, p, ttr).await.unwrap();

    // The decision: of the deciding body, a resolution where required,
    // and all its drafts lawful or nothing.
    let home_decision = instrument(
        &app,
        "11/QĐ-SNV",
        DocumentType::QdSo,
        fixture.inside.department,
        "2025-08-01",
    )
    .await;
    let year = chrono::Datelike::year(&today());
    let decision = document_of(
        &app,
        &format!("16/{year}/QĐ-UBND"),
        true,
        b.province,
        &today().to_string(),
    )
    .await;
    let before = app.snapshot().await;
    assert_eq!(
        refused(
            &app,
            &before,
            decide::decide_proposal(db, cli, p, home_decision).await
        )
        .await,
        "WRONG_ISSUER"
    );
    entity::proposal::Entity::update_many()
        .col_expr(
            entity::proposal::Column::RequiresResolution,
            sea_orm::sea_query::Expr::value(true),
        )
        .filter(sea_orm::ColumnTrait::eq(&entity::proposal::Column::Id, p))
        .exec(db)
        .await
        .unwrap();
    let before = app.snapshot().await;
    assert_eq!(
        refused(
            &app,
            &before,
            decide::decide_proposal(db, cli, p, decision).await
        )
        .await,
        "RESOLUTION_REQUIRED"
    );
    entity::proposal::Entity::update_many()
        .col_expr(
            entity::proposal::Column::RequiresResolution,
            sea_orm::sea_query::Expr::value(false),
        )
        .filter(sea_orm::ColumnTrait::eq(&entity::proposal::Column::Id, p))
        .exec(db)
        .await
        .unwrap();
    let (decided, issued) = decide::decide_proposal(db, cli, p, decision).await.unwrap();
    assert_eq!(decided.status, ProposalStatus::Decided);
    assert_eq!(issued[0].legal_basis_id, Some(decision));
    let before = app.snapshot().await;
    assert_eq!(
        refused(
            &app,
            &before,
            mandates::discard_draft(db, cli, issued[0].id).await
        )
        .await,
        "WRONG_STAGE"
    );
    let before = app.snapshot().await;
    assert_eq!(
        refused(
            &app,
            &before,
            proposals::withdraw_proposal(db, cli, p, "Muộn").await
        )
        .await,
        "WRONG_STAGE"
    );
}

/// Sở Tài chính's word is in a budget proposal it drafts itself: it is
/// not asked (it cannot be: the drafting body is never asked).
#[tokio::test]
async fn a_budget_proposal_drafted_by_so_tai_chinh_needs_no_opinion_of_its_own() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let b = bodies(&app, fixture.inside.department).await;
    let db = app.db();
    catalogue(&app, "TC-S1").await;
    let mut input = proposal_input(&b, "TC-S1", vec![b.communes[0]]);
    input.proposing_unit = b.finance;
    input.drafting_unit = b.finance;
    input.resources.budget_vnd = Some(1_000_000);
    let p = proposals::create_proposal(db, Authority::Cli, input)
        .await
        .unwrap();
    let p = proposals::submit_proposal(db, Authority::Cli, p.id, p.version)
        .await
        .unwrap();
    let p = proposals::take_up_proposal(db, Authority::Cli, p.id)
        .await
        .unwrap();
    let mut m = mandate_input(
        "19-TC-S1",
        "TC-S1",
        b.province,
        vec![b.communes[0]],
        Uuid::nil(),
    );
    m.legal_basis = None;
    m.proposal = Some(p.id);
    m.resources.budget_vnd = Some(1_000_000);
    mandates::draft_mandate(db, Authority::Cli, m)
        .await
        .unwrap();
    let p = consult::request_appraisal(db, Authority::Cli, p.id)
        .await
        .unwrap();
    assert_eq!(p.status, ProposalStatus::InAppraisal);
}

#[tokio::test]
async fn the_appraisal_gate_holds_for_decentralizations_and_as_the_province_says_for_authorizations()
 {
    use entity::appraisal::Conclusion;
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let b = bodies(&app, fixture.inside.department).await;
    let db = app.db();
    let cli = Authority::Cli;
    catalogue(&app, "XD-G1").await;
    catalogue(&app, "XD-G2").await;
    let basis = document_of(&app, "20/2025/QĐ-UBND", true, b.province, "2025-07-01").await;
    // A decentralization drafted outside a proposal: refused until Sở Tư
    // pháp's latest appraisal of it is favourable.
    let d = mandates::draft_mandate(
        db,
        cli,
        mandate_input("19-G1", "XD-G1", b.province, vec![b.communes[0]], basis),
    )
    .await
    .unwrap();
    let before = app.snapshot().await;
    assert_eq!(
        refused(&app, &before, mandates::issue_mandate(db, cli, d.id).await).await,
        "APPRAISAL_REQUIRED"
    );
    let report = appraisal_report(&app, b.province).await;
    consult::record_appraisal(db, cli, &[d.id], appraisal(report, Conclusion::NotEligible))
        .await
        .unwrap();
    let before = app.snapshot().await;
    assert_eq!(
        refused(&app, &before, mandates::issue_mandate(db, cli, d.id).await).await,
        "APPRAISAL_REQUIRED"
    );
    consult::record_appraisal(
        db,
        cli,
        &[d.id],
        appraisal(report, Conclusion::EligibleAfterChanges),
    )
    .await
    .unwrap();
    mandates::issue_mandate(db, cli, d.id).await.unwrap();
    let before = app.snapshot().await;
    assert_eq!(
        refused(&app, &before, mandates::discard_draft(db, cli, d.id).await).await,
        "NOT_DRAFT"
    );
    // Its amendment needs an appraisal of the amendment: the draft's own
    // does not stand for it.
    let amendment = || mandates::Amendment {
        code: "19-G1-2".into(),
        legal_basis: basis,
        effective_from: today() + Days::new(30),
        patch: mandates::MandatePatch {
            delegatees: Some(vec![b.communes[0], b.communes[1]]),
            ..Default::default()
        },
    };
    let before = app.snapshot().await;
    let amend = mandates::amend_mandate(db, cli, d.id, amendment()).await;
    assert_eq!(refused(&app, &before, amend).await, "APPRAISAL_REQUIRED");
    // Not with a report dated before the decision it amends.
    let later = document_of(&app, "22/2025/QĐ-UBND", true, b.province, "2025-09-01").await;
    let mut input = mandate_input("19-G3", "XD-G3", b.province, vec![b.communes[2]], later);
    input.effective_from = "2025-09-01".parse().unwrap();
    let g3 = crate::helpers::make_mandate(&app, input, true).await;
    let before = app.snapshot().await;
    let stale =
        consult::record_appraisal(db, cli, &[g3.id], appraisal(report, Conclusion::Eligible)).await;
    assert_eq!(refused(&app, &before, stale).await, "DOCUMENT_OUT_OF_ORDER");
    let of_amendment = appraisal(report, Conclusion::Eligible);
    consult::record_appraisal(db, cli, &[d.id], of_amendment)
        .await
        .unwrap();
    let amended = mandates::amend_mandate(db, cli, d.id, amendment())
        .await
        .unwrap();
    assert_eq!(amended.proposal_id, None);
    // A superseded mandate is not appraised any more.
    let before = app.snapshot().await;
    let again =
        consult::record_appraisal(db, cli, &[d.id], appraisal(report, Conclusion::Eligible)).await;
    assert_eq!(refused(&app, &before, again).await, "WRONG_STAGE");
    assert_eq!(
        refused(
            &app,
            &before,
            consult::record_appraisal(db, cli, &[], appraisal(report, Conclusion::Eligible)).await
        )
        .await,
        "MANDATES_REQUIRED"
    );

    // An authorization needs none by default, and one where the province
    // says so.
    let decision = instrument(
        &app,
        "21/QĐ-UBND",
        DocumentType::QdUbnd,
        b.province,
        "2025-07-01",
    )
    .await;
    let authorization = |code: &str| {
        let mut m = mandate_input(code, "XD-G2", b.province, vec![b.construction], decision);
        m.kind = MandateKind::Authorization;
        m.delegatee_capacity = entity::mandate::DelegatorCapacity::Head;
        m.conditions = Some("Báo cáo kết quả hằng quý".into());
        m.effective_to = Some("2026-12-31".parse().unwrap());
        m
    };
    let mut first = authorization("19-UQ-1");
    first.effective_to = Some("2025-12-31".parse().unwrap());
    let a = mandates::draft_mandate(db, cli, first).await.unwrap();
    mandates::issue_mandate(db, cli, a.id).await.unwrap();
    let before = app.snapshot().await;
    assert_eq!(
        refused(
            &app,
            &before,
            consult::set_delegation_policy(db, cli, b.construction, true).await
        )
        .await,
        "NOT_A_PROVINCE"
    );
    consult::set_delegation_policy(db, cli, b.province, true)
        .await
        .unwrap();
    let mut second = authorization("19-UQ-2");
    second.effective_from = "2026-01-01".parse().unwrap();
    let a2 = mandates::draft_mandate(db, cli, second).await.unwrap();
    let before = app.snapshot().await;
    assert_eq!(
        refused(&app, &before, mandates::issue_mandate(db, cli, a2.id).await).await,
        "APPRAISAL_REQUIRED"
    );
    let policy = app
        .graphql(
            &format!(
                "{{ delegationPolicy(province: \"{}\") {{ authorizationsNeedAppraisal }} }}",
                gid(NodeKind::Unit, b.province)
            ),
            json!({}),
        )
        .await;
    assert_eq!(
        policy["data"]["delegationPolicy"]["authorizationsNeedAppraisal"], true,
        "{policy}"
    );
}

/// An amendment's decision supersedes the mandate it concerns with the
/// draft of the same matter; a revocation's ends the mandates concerned.
#[tokio::test]
async fn an_amendment_or_revocation_proposal_is_carried_out_by_its_decision() {
    use entity::appraisal::Conclusion;
    use entity::mandate::MandateState;
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let b = bodies(&app, fixture.inside.department).await;
    let db = app.db();
    let cli = Authority::Cli;
    let basis = document_of(&app, "30/2025/QĐ-UBND", true, b.province, "2025-07-01").await;
    let old = crate::helpers::make_mandate(
        &app,
        mandate_input("19-A1", "XD-A1", b.province, vec![b.communes[0]], basis),
        true,
    )
    .await;
    let report = appraisal_report(&app, b.province).await;
    let year = chrono::Datelike::year(&today());

    for (kind, n) in [(ProposalKind::Amend, 31)] {
        let mut input = proposal_input(&b, "XD-A1", Vec::new());
        input.kind = kind;
        input.concerned_mandates = vec![old.id];
        let p = proposals::create_proposal(db, cli, input).await.unwrap();
        let p = proposals::submit_proposal(db, cli, p.id, p.version)
            .await
            .unwrap();
        let p = proposals::take_up_proposal(db, cli, p.id).await.unwrap();
        if kind == ProposalKind::Amend {
            let mut m = mandate_input(
                "19-A1-2",
                "XD-A1",
                b.province,
                vec![b.communes[0], b.communes[1]],
                basis,
            );
            m.legal_basis = None;
            m.effective_from = today() + Days::new(5);
            m.proposal = Some(p.id);
            mandates::draft_mandate(db, cli, m).await.unwrap();
        }
        consult::request_appraisal(db, cli, p.id).await.unwrap();
        consult::appraise_proposal(db, cli, p.id, appraisal(report, Conclusion::Eligible))
            .await
            .unwrap();
        let t = instrument(
            &app,
            &format!("{n}/TTr-SXD"),
            DocumentType::Ttr,
            b.construction,
            "2025-08-01",
        )
        .await;
        decide::submit_for_decision(db, cli, p.id, t).await.unwrap();
        let decision = instrument(
            &app,
            &format!("{n}/{year}/QĐ-UBND"),
            DocumentType::QdUbnd,
            b.province,
            &today().to_string(),
        )
        .await;
        let (_, changed) = decide::decide_proposal(db, cli, p.id, decision)
            .await
            .unwrap();
        let now = mandates::existing(db, old.id).await.unwrap();
        if kind == ProposalKind::Amend {
            assert_eq!(now.state, MandateState::Superseded);
            assert_eq!(now.superseded_by_id, Some(changed[0].id));
            assert_eq!(changed[0].proposal_id, Some(p.id));
            // The amended version is what a revocation concerns next.
            return_revocation_of(&app, &b, changed[0].id, year).await;
        }
    }
}

/// Revokes `mandate` by a proposal carried to its decision.
async fn return_revocation_of(app: &TestApp, b: &Bodies, mandate: Uuid, year: i32) {
    let report = crate::helpers::appraisal_report_numbered(app, b.province, "2/BCTĐ-STP").await;
    use entity::appraisal::Conclusion;
    use entity::mandate::MandateState;
    let db = app.db();
    let cli = Authority::Cli;
    let mut input = proposal_input(b, "XD-A1", Vec::new());
    input.kind = ProposalKind::Revoke;
    input.concerned_mandates = vec![mandate];
    input.resources = Resources::default();
    let p = proposals::create_proposal(db, cli, input).await.unwrap();
    let p = proposals::submit_proposal(db, cli, p.id, p.version)
        .await
        .unwrap();
    let p = proposals::take_up_proposal(db, cli, p.id).await.unwrap();
    consult::request_appraisal(db, cli, p.id).await.unwrap();
    // The amendment's appraisal report, Tờ trình and decision are its own.
    let amendment = |number: &'static str| async move {
        phancap::mandates::documents::by_number(db, number, None)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let used = amendment("1/BCTĐ-STP").await;
    let before = app.snapshot().await;
    let again =
        consult::appraise_proposal(db, cli, p.id, appraisal(used, Conclusion::Eligible)).await;
    assert_eq!(refused(app, &before, again).await, "DOCUMENT_ALREADY_USED");
    consult::appraise_proposal(db, cli, p.id, appraisal(report, Conclusion::Eligible))
        .await
        .unwrap();
    let used = amendment("31/TTr-SXD").await;
    let before = app.snapshot().await;
    let again = decide::submit_for_decision(db, cli, p.id, used).await;
    assert_eq!(refused(app, &before, again).await, "DOCUMENT_ALREADY_USED");
    let t = instrument(
        app,
        "33/TTr-SXD",
        DocumentType::Ttr,
        b.construction,
        "2025-08-01",
    )
    .await;
    decide::submit_for_decision(db, cli, p.id, t).await.unwrap();
    let used = amendment(Box::leak(format!("31/{year}/QĐ-UBND").into_boxed_str())).await;
    let before = app.snapshot().await;
    let again = decide::decide_proposal(db, cli, p.id, used).await;
    assert_eq!(refused(app, &before, again).await, "DOCUMENT_ALREADY_USED");
    let early = instrument(
        app,
        "35/2025/QĐ-UBND",
        DocumentType::QdUbnd,
        b.province,
        "2025-07-20",
    )
    .await;
    let before = app.snapshot().await;
    let again = decide::decide_proposal(db, cli, p.id, early).await;
    assert_eq!(refused(app, &before, again).await, "DOCUMENT_OUT_OF_ORDER");
    let decision = instrument(
        app,
        &format!("34/{year}/QĐ-UBND"),
        DocumentType::QdUbnd,
        b.province,
        &today().to_string(),
    )
    .await;
    decide::decide_proposal(db, cli, p.id, decision)
        .await
        .unwrap();
    let now = mandates::existing(db, mandate).await.unwrap();
    assert_eq!(now.state, MandateState::Revoked);
    assert_eq!(now.ended_document_id, Some(decision));
}

/// An evaluation opens a proposal only once the holder has submitted it,
/// only for an amendment or revocation (the delegator's word first), and
/// once while that proposal lives.
#[tokio::test]
async fn an_evaluation_opens_a_proposal_only_when_it_recommends_a_change() {
    use entity::evaluation::{EvaluationResult, Recommendation};
    use phancap::evaluations::service as evaluations;
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let b = bodies(&app, fixture.inside.department).await;
    let db = app.db();
    let cli = Authority::Cli;
    let basis = document_of(&app, "40/2025/QĐ-UBND", true, b.province, "2025-07-01").await;
    let m = crate::helpers::make_mandate(
        &app,
        mandate_input("19-E1", "XD-E1", b.province, vec![b.communes[0]], basis),
        true,
    )
    .await;
    let open = evaluations::OpenRound {
        province: b.province,
        year: 2026,
        as_of: Some("2026-11-15".parse().unwrap()),
        due_on: None,
    };
    let round = evaluations::open_round(db, cli, Default::default(), open)
        .await
        .unwrap()
        .round;
    let e = {
        use sea_orm::ColumnTrait;
        entity::evaluation::Entity::find()
            .filter(entity::evaluation::Column::RoundId.eq(round.id))
            .filter(entity::evaluation::Column::MandateId.eq(m.id))
            .one(db)
            .await
            .unwrap()
            .unwrap()
    };
    let before = app.snapshot().await;
    assert_eq!(
        refused(
            &app,
            &before,
            proposals::propose_from_evaluation(db, cli, e.id, b.construction).await
        )
        .await,
        "EVALUATION_NOT_SELF_ASSESSED"
    );
    let keep = evaluations::SelfAssessment {
        result: Some(EvaluationResult::Good),
        result_text: Some("Hoàn thành".into()),
        recommendation: Some(Recommendation::Keep),
        ..Default::default()
    };
    let e = evaluations::save_self_assessment(db, cli, e.id, e.version, keep)
        .await
        .unwrap();
    let e = evaluations::submit_self_assessment(db, cli, e.id, e.version)
        .await
        .unwrap();
    let before = app.snapshot().await;
    assert_eq!(
        refused(
            &app,
            &before,
            proposals::propose_from_evaluation(db, cli, e.id, b.construction).await
        )
        .await,
        "NO_CHANGE_RECOMMENDED"
    );
    assert_eq!(
        refused(
            &app,
            &before,
            proposals::propose_from_evaluation(db, cli, e.id, b.communes[1]).await
        )
        .await,
        "NO_CHANGE_RECOMMENDED"
    );
    // The delegator's recommendation counts over the holder's.
    let assessment = evaluations::Assessment {
        assessment: EvaluationResult::Satisfactory,
        text: "Cần thu hồi do xã chưa đủ điều kiện".into(),
        recommendation: Recommendation::Revoke,
    };
    let e = evaluations::assess(db, cli, e.id, e.version, assessment)
        .await
        .unwrap();
    let before = app.snapshot().await;
    assert_eq!(
        refused(
            &app,
            &before,
            proposals::propose_from_evaluation(db, cli, e.id, b.communes[1]).await
        )
        .await,
        "INVALID_DRAFTING_BODY"
    );
    let p = proposals::propose_from_evaluation(db, cli, e.id, b.construction)
        .await
        .unwrap();
    assert_eq!(p.kind, ProposalKind::Revoke);
    assert_eq!(p.evaluation_id, Some(e.id));
    assert_eq!(p.proposing_unit_id, b.communes[0]);
    let before = app.snapshot().await;
    assert_eq!(
        refused(
            &app,
            &before,
            proposals::propose_from_evaluation(db, cli, e.id, b.construction).await
        )
        .await,
        "ALREADY_PROPOSED"
    );
    proposals::withdraw_proposal(db, cli, p.id, "Gộp vào đề xuất chung của tỉnh")
        .await
        .unwrap();
    let again = proposals::propose_from_evaluation(db, cli, e.id, b.construction)
        .await
        .unwrap();
    assert_eq!(again.status, ProposalStatus::Draft);
}

/// The demo holds one proposal at every stage, between Thái Nguyên's
/// bodies, and the decided one's mandate is in force with its way.
#[tokio::test]
async fn the_demo_shows_a_proposal_at_every_stage() {
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
            "{ proposals(first: 50) { nodes { status proposingUnit { code } draftingUnit { name } attachments { number }
                mandates { code status } timeline { action reason } opinions { answer } appraisals { conclusion } evaluation { id } inspectionFinding { id } } } }",
            json!({}),
        )
        .await;
    let nodes = body["data"]["proposals"]["nodes"].as_array().unwrap();
    let statuses: std::collections::BTreeSet<&str> = nodes
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    for status in [
        "DRAFT",
        "SUBMITTED",
        "RETURNED",
        "DRAFTING",
        "IN_APPRAISAL",
        "APPRAISED",
        "AWAITING_DECISION",
        "DECIDED",
        "REJECTED",
        "WITHDRAWN",
    ] {
        assert!(
            statuses.contains(status),
            "the demo has a {status} proposal: {body}"
        );
    }
    assert!(
        nodes
            .iter()
            .all(|p| p["attachments"][0]["number"] == "1785/UBND-NC"
                || !p["evaluation"].is_null()
                || !p["inspectionFinding"].is_null()),
        "{body}"
    );
    let decided = nodes.iter().find(|p| p["status"] == "DECIDED").unwrap();
    assert_eq!(decided["mandates"][0]["code"], "19-PC-XD-QH-01");
    assert_eq!(decided["mandates"][0]["status"], "ACTIVE", "{body}");
    let in_appraisal = nodes
        .iter()
        .find(|p| p["status"] == "IN_APPRAISAL")
        .unwrap();
    assert!(
        in_appraisal["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "returnProposal")
    );
    assert!(
        nodes.iter().any(|p| !p["evaluation"].is_null()),
        "one opened from the 2025 evaluation"
    );

    // Paged two at a time, forward and backward, the list is the same.
    let ids = |p: &Value| -> Vec<String> {
        p["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let page = |args: String| {
        let token = token.clone();
        async move {
            let query = format!(
                "{{ proposals({args}) {{ nodes {{ id }} pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} }} }}"
            );
            app.graphql_as(&token, &query, json!({})).await["data"]["proposals"].clone()
        }
    };
    let all = ids(&page("first: 50".into()).await);
    assert!(all.len() >= 10);
    let mut forward = Vec::new();
    let mut args = "first: 2".to_owned();
    loop {
        let p = page(args).await;
        forward.extend(ids(&p));
        assert!(forward.len() <= all.len(), "paging forward ends");
        if p["pageInfo"]["hasNextPage"] != true {
            break;
        }
        args = format!(
            "first: 2, after: \"{}\"",
            p["pageInfo"]["endCursor"].as_str().unwrap()
        );
    }
    assert_eq!(forward, all);
    let mut backward: Vec<String> = Vec::new();
    let mut args = "last: 2".to_owned();
    loop {
        let p = page(args).await;
        let mut earlier = ids(&p);
        earlier.extend(backward);
        backward = earlier;
        assert!(backward.len() <= all.len(), "paging backward ends");
        if p["pageInfo"]["hasPreviousPage"] != true {
            break;
        }
        args = format!(
            "last: 2, before: \"{}\"",
            p["pageInfo"]["startCursor"].as_str().unwrap()
        );
    }
    assert_eq!(backward, all);
}

/// The races a step can lose: two decisions of one proposal, two answers
/// of one request, two proposals from one evaluation. Each time exactly
/// one wins and the other is refused with the code a later call gets.
#[tokio::test]
async fn racing_steps_of_one_proposal_take_effect_once() {
    use entity::appraisal::Conclusion;
    use entity::evaluation::{EvaluationResult, Recommendation};
    use phancap::evaluations::service as evaluations;
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let b = bodies(&app, fixture.inside.department).await;
    let db = app.db();
    let cli = Authority::Cli;
    let year = chrono::Datelike::year(&today());
    let code = |r: Result<(), AppError>| match r {
        Ok(()) => "OK".to_owned(),
        Err(AppError::Rule { code, .. }) => code.name().to_owned(),
        Err(other) => panic!("{other:?}"),
    };
    for round in 0..3 {
        let number = format!("6{round}/BCTĐ-STP");
        let report = crate::helpers::appraisal_report_numbered(&app, b.province, &number).await;
        let (p, _) = drafting(&app, &b, &format!("XD-RACE-{round}"), 0).await;
        let (_, asked) = consult::request_opinions(db, cli, p, &[b.finance], 3)
            .await
            .unwrap();
        let agree = || OpinionInput {
            answer: OpinionAnswer::Agree,
            text: None,
            document: None,
        };
        let (one, two) = tokio::join!(
            consult::answer_opinion(db, cli, asked[0].id, agree()),
            consult::answer_opinion(db, cli, asked[0].id, agree()),
        );
        let mut codes = [code(one.map(|_| ())), code(two.map(|_| ()))];
        codes.sort();
        assert_eq!(codes, ["ALREADY_ANSWERED", "OK"]);

        consult::request_appraisal(db, cli, p).await.unwrap();
        consult::appraise_proposal(db, cli, p, appraisal(report, Conclusion::Eligible))
            .await
            .unwrap();
        let ttr = instrument(
            &app,
            &format!("5{round}/TTr-SXD"),
            DocumentType::Ttr,
            b.construction,
            "2025-08-01",
        )
        .await;
        decide::submit_for_decision(db, cli, p, ttr).await.unwrap();
        let decision = instrument(
            &app,
            &format!("5{round}/{year}/QĐ-UBND"),
            DocumentType::QdUbnd,
            b.province,
            &today().to_string(),
        )
        .await;
        let (one, two) = tokio::join!(
            decide::decide_proposal(db, cli, p, decision),
            decide::decide_proposal(db, cli, p, decision),
        );
        let mut codes = [code(one.map(|_| ())), code(two.map(|_| ()))];
        codes.sort();
        assert_eq!(codes, ["OK", "WRONG_STAGE"]);
        let issued = proposals::drafts_of(db, p).await.unwrap();
        assert_eq!(issued.len(), 1);
        assert_eq!(issued[0].state, entity::mandate::MandateState::Issued);
        let assignments = mandates::assignments_of(db, &[issued[0].id]).await.unwrap();
        assert_eq!(assignments.len(), 1, "issued once");

        // Two proposals from one evaluation at once.
        let open = evaluations::OpenRound {
            province: b.province,
            year: 2030 + round,
            as_of: None,
            due_on: None,
        };
        let r = evaluations::open_round(db, cli, Default::default(), open)
            .await
            .unwrap()
            .round;
        let e = {
            use sea_orm::ColumnTrait;
            entity::evaluation::Entity::find()
                .filter(entity::evaluation::Column::RoundId.eq(r.id))
                .filter(entity::evaluation::Column::MandateId.eq(issued[0].id))
                .one(db)
                .await
                .unwrap()
                .unwrap()
        };
        let amend = evaluations::SelfAssessment {
            result: Some(EvaluationResult::Poor),
            result_text: Some("Chậm".into()),
            recommendation: Some(Recommendation::Amend),
            recommendation_reason: Some("Bổ sung nhân lực".into()),
            ..Default::default()
        };
        let e = evaluations::save_self_assessment(db, cli, e.id, e.version, amend)
            .await
            .unwrap();
        evaluations::submit_self_assessment(db, cli, e.id, e.version)
            .await
            .unwrap();
        let (one, two) = tokio::join!(
            proposals::propose_from_evaluation(db, cli, e.id, b.construction),
            proposals::propose_from_evaluation(db, cli, e.id, b.construction),
        );
        let mut codes = [code(one.map(|_| ())), code(two.map(|_| ()))];
        codes.sort();
        assert_eq!(codes, ["ALREADY_PROPOSED", "OK"]);
    }
}

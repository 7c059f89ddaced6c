//! The annual evaluation: which evaluations a round opens, the holder's
//! self-assessment and the delegator's assessment through their status
//! machine, progress, Sở Nội vụ's compilation and UBND tỉnh's acceptance,
//! and who may read and do what.

use entity::role_grant::Role;
use entity::unit::UnitKind;
use phancap::auth::Authority;
use phancap::evaluations::service as evaluations;
use phancap::graphql::NodeKind;
use phancap::startup::Settings;
use phancap::users::service as users;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    Fixture, Province, TestApp, document_of, error_code, gid, make_mandate, mandate_input,
    spawn_app, spawn_app_with, unlimited,
};

const OPEN: &str =
    "mutation($input: OpenEvaluationRoundInput!) { openEvaluationRound(input: $input) {
    round { id code year asOf dueOn status } userErrors { field code message } } }";
const SAVE: &str = "mutation($input: SaveSelfAssessmentInput!) { saveSelfAssessment(input: $input) {
    evaluation { id status version result recommendation recommendationReason draftedBy } userErrors { field code message } } }";
const SUBMIT: &str =
    "mutation($input: EvaluationTransitionInput!) { submitSelfAssessment(input: $input) {
    evaluation { id status version selfAssessedBy } userErrors { field code message } } }";
const RETURN: &str =
    "mutation($input: ReturnSelfAssessmentInput!) { returnSelfAssessment(input: $input) {
    evaluation { id status version returnReason } userErrors { field code message } } }";
const ASSESS: &str = "mutation($input: AssessEvaluationInput!) { assessEvaluation(input: $input) {
    evaluation { id status version assessment delegatorRecommendation assessedBy } userErrors { field code message } } }";
const COMPILE: &str = "mutation($input: CompileEvaluationInput!) { compileEvaluation(input: $input) {
    round { id status assessment tables { totals { evaluations selfAssessed assessed recommendations { keep amend revoke expand } results { good satisfactory poor } delegatorRecommendations { keep amend } }
      byMandate { mandate { code } tally { evaluations assessed recommendations { amend } } }
      byUnit { unit { id } tally { evaluations } } } } userErrors { field code message } } }";
const ACCEPT: &str = "mutation($input: AcceptEvaluationInput!) { acceptEvaluation(input: $input) {
    round { id status directions acceptedBy } userErrors { field code message } } }";

fn unit(id: Uuid) -> String {
    gid(NodeKind::Unit, id)
}

/// Three communes of the province, the fixture's first.
async fn three_communes(app: &TestApp, province: &Province) -> Vec<Uuid> {
    let mut others: Vec<Uuid> = entity::unit::Entity::find()
        .filter(entity::unit::Column::ParentId.eq(province.id))
        .filter(entity::unit::Column::Kind.eq(UnitKind::Commune))
        .filter(entity::unit::Column::Id.ne(province.commune))
        .order_by_asc(entity::unit::Column::Code)
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .take(2)
        .map(|u| u.id)
        .collect();
    others.insert(0, province.commune);
    others
}

/// An issued mandate `code` of `province` to `holders` from 2025-08-01.
async fn mandate(
    app: &TestApp,
    province: &Province,
    code: &str,
    holders: Vec<Uuid>,
    issue: bool,
) -> entity::mandate::Model {
    let basis = basis(app, province).await;
    make_mandate(
        app,
        mandate_input(code, code, province.id, holders, basis),
        issue,
    )
    .await
}

/// A new normative decision of `province` to base mandates on.
async fn basis(app: &TestApp, province: &Province) -> Uuid {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(600);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    document_of(
        app,
        &format!("{n}/2025/QĐ-UBND"),
        true,
        province.id,
        "2025-01-01",
    )
    .await
}

/// Sets a mandate's stored state and last day by hand (what revoking or
/// an end date leave).
async fn end_mandate(app: &TestApp, id: Uuid, state: entity::mandate::MandateState, last: &str) {
    let mut m = entity::mandate::Entity::find_by_id(id)
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    m.state = Set(state);
    m.effective_to = Set(Some(last.parse().unwrap()));
    m.update(app.db()).await.unwrap();
}

async fn gql(app: &TestApp, user: &str, query: &str, vars: Value) -> Value {
    let token = app.token(user).await;
    app.graphql_as(&token, query, vars).await
}

/// The payload of `field`, which must carry no GraphQL error.
fn payload<'a>(body: &'a Value, field: &str) -> &'a Value {
    assert!(body["errors"].is_null(), "{body}");
    &body["data"][field]
}

/// The one user error's code of `field`'s payload.
fn refused(body: &Value, field: &str) -> String {
    let p = payload(body, field);
    assert_eq!(p["userErrors"].as_array().map(Vec::len), Some(1), "{body}");
    p["userErrors"][0]["code"].as_str().unwrap().to_owned()
}

/// A round of 2025 for province 19 opened by its coordinator.
async fn open_2025(app: &TestApp, fixture: &Fixture) -> Value {
    let body = gql(
        app,
        "coordinator.tn",
        OPEN,
        json!({ "input": { "province": unit(fixture.inside.id), "year": 2025 } }),
    )
    .await;
    let p = payload(&body, "openEvaluationRound");
    assert_eq!(p["userErrors"], json!([]), "{body}");
    p["round"].clone()
}

/// The evaluations of a round as (mandate code, holder id, id, version,
/// status), down the tree.
async fn listed(app: &TestApp, user: &str, round: &str) -> Vec<Row> {
    let body = gql(
        app,
        user,
        "query($round: ID!) { evaluations(filter: { round: $round }, first: 100) { totalCount
            nodes { id version status mandate { code } holder { id } } } }",
        json!({ "round": round }),
    )
    .await;
    assert!(body["errors"].is_null(), "{body}");
    let list = &body["data"]["evaluations"];
    let nodes = list["nodes"].as_array().unwrap();
    assert_eq!(list["totalCount"].as_u64(), Some(nodes.len() as u64));
    let mut rows: Vec<_> = nodes
        .iter()
        .map(|n| {
            (
                n["mandate"]["code"].as_str().unwrap().to_owned(),
                n["holder"]["id"].as_str().unwrap().to_owned(),
                n["id"].as_str().unwrap().to_owned(),
                n["version"].as_i64().unwrap(),
                n["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    rows.sort();
    rows
}

#[tokio::test]
async fn a_round_opens_one_evaluation_per_mandate_and_holder_in_force_on_its_day() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let p = &fixture.inside;
    let communes = three_communes(&app, p).await;
    mandate(&app, p, "EV-THREE", communes.clone(), true).await;
    mandate(&app, p, "EV-DRAFT", vec![communes[0]], false).await;
    let revoked = mandate(&app, p, "EV-REVOKED", vec![communes[0]], true).await;
    end_mandate(
        &app,
        revoked.id,
        entity::mandate::MandateState::Revoked,
        "2025-10-31",
    )
    .await;
    let expired = mandate(&app, p, "EV-EXPIRED", vec![communes[0]], true).await;
    end_mandate(
        &app,
        expired.id,
        entity::mandate::MandateState::Issued,
        "2025-12-14",
    )
    .await;
    // Revoked with a last day after the round's day: still in force on it.
    let later = mandate(&app, p, "EV-LATER", vec![communes[1]], true).await;
    end_mandate(
        &app,
        later.id,
        entity::mandate::MandateState::Revoked,
        "2026-03-31",
    )
    .await;
    // One of its two assignments ended before the round's day.
    let partly = mandate(&app, p, "EV-PARTLY", vec![communes[0], communes[1]], true).await;
    let mut ended = entity::mandate_assignment::Entity::find()
        .filter(entity::mandate_assignment::Column::MandateId.eq(partly.id))
        .filter(entity::mandate_assignment::Column::DelegateeUnitId.eq(communes[1]))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    ended.valid_to = Set(Some("2025-11-30".parse().unwrap()));
    ended.update(app.db()).await.unwrap();
    // Scheduled after the round's day, and another province's.
    let mut scheduled_input = mandate_input(
        "EV-SCHEDULED",
        "EV-SCHEDULED",
        p.id,
        vec![communes[2]],
        basis(&app, p).await,
    );
    scheduled_input.effective_from = "2026-01-01".parse().unwrap();
    make_mandate(&app, scheduled_input, true).await;
    mandate(
        &app,
        &fixture.outside,
        "EV-OUTSIDE",
        vec![fixture.outside.commune],
        true,
    )
    .await;

    let events = app.audit_len().await;
    let round = open_2025(&app, &fixture).await;
    assert_eq!(app.audit_len().await, events + 1, "one audit event");
    assert_eq!(round["code"], "DG-19-2025");
    assert_eq!(round["asOf"], "2025-12-15", "the default evaluation day");
    assert_eq!(round["dueOn"], "2025-12-29", "10 working days later");
    assert_eq!(round["status"], "OPEN");
    let rows = listed(&app, "coordinator.tn", round["id"].as_str().unwrap()).await;
    let mut expected: Vec<(String, String)> = communes
        .iter()
        .map(|c| ("EV-THREE".to_owned(), unit(*c)))
        .collect();
    expected.push(("EV-LATER".into(), unit(communes[1])));
    expected.push(("EV-PARTLY".into(), unit(communes[0])));
    expected.sort();
    let got: Vec<(String, String)> = rows.iter().map(|r| (r.0.clone(), r.1.clone())).collect();
    assert_eq!(got, expected);
    assert!(rows.iter().all(|r| r.3 == 1 && r.4 == "NOT_STARTED"));
}

#[tokio::test]
async fn opening_is_refused_with_a_code_and_changes_nothing() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let p = &fixture.inside;
    mandate(&app, p, "EV-ONE", vec![p.commune], true).await;
    open_2025(&app, &fixture).await;
    let cases = [
        (
            json!({ "province": unit(p.id), "year": 2025 }),
            "EVALUATION_ROUND_EXISTS",
        ),
        (
            json!({ "province": unit(p.id), "year": 1999 }),
            "INVALID_YEAR",
        ),
        (
            json!({ "province": unit(p.id), "year": 2026, "asOf": "2025-12-15" }),
            "INVALID_DATE",
        ),
        (
            json!({ "province": unit(p.id), "year": 2026, "asOf": "2026-12-15", "dueOn": "2026-12-15" }),
            "INVALID_DATE",
        ),
        (
            json!({ "province": unit(p.department), "year": 2026 }),
            "NOT_A_PROVINCE",
        ),
    ];
    for (input, code) in cases {
        let before = app.snapshot().await;
        let body = gql(&app, "coordinator.tn", OPEN, json!({ "input": input })).await;
        assert_eq!(refused(&body, "openEvaluationRound"), code, "{input}");
        assert_eq!(app.snapshot().await, before, "{code} changed nothing");
    }
    // Another province is outside the coordinator's scope.
    let body = gql(
        &app,
        "coordinator.tn",
        OPEN,
        json!({ "input": { "province": unit(fixture.outside.id), "year": 2025 } }),
    )
    .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
}

#[tokio::test]
async fn the_configured_evaluation_day_and_explicit_days_set_the_round() {
    let app = spawn_app_with(Settings {
        evaluation_day: "11-30".parse().unwrap(),
        ..unlimited()
    })
    .await;
    let fixture = app.seed().await;
    let round = open_2025(&app, &fixture).await;
    assert_eq!(round["asOf"], "2025-11-30");
    let body = gql(
        &app,
        "coordinator.tn",
        OPEN,
        json!({ "input": { "province": unit(fixture.inside.id), "year": 2026, "asOf": "2026-06-30", "dueOn": "2026-07-31" } }),
    )
    .await;
    let round = &payload(&body, "openEvaluationRound")["round"];
    assert_eq!(
        (round["asOf"].as_str(), round["dueOn"].as_str()),
        (Some("2026-06-30"), Some("2026-07-31"))
    );
    let body = gql(
        &app,
        "reporter.tn",
        "query($p: ID!) { evaluationRounds(province: $p) { year } }",
        json!({ "p": unit(fixture.inside.id) }),
    )
    .await;
    assert_eq!(
        body["data"]["evaluationRounds"],
        json!([{ "year": 2026 }, { "year": 2025 }])
    );
}

/// A round of 2025 over one mandate to three communes: the round's id and
/// the evaluations (mandate code, holder, id, version, status).
async fn one_mandate_round(
    app: &TestApp,
    fixture: &Fixture,
) -> (
    String,
    Vec<Uuid>,
    Vec<(String, String, String, i64, String)>,
) {
    let communes = three_communes(app, &fixture.inside).await;
    mandate(app, &fixture.inside, "EV-THREE", communes.clone(), true).await;
    let round = open_2025(app, fixture).await;
    let id = round["id"].as_str().unwrap().to_owned();
    let rows = listed(app, "coordinator.tn", &id).await;
    (id, communes, rows)
}

/// An evaluation (mandate code, holder, id, version, status) of a list.
type Row = (String, String, String, i64, String);

fn evaluation_of(rows: &[Row], holder: Uuid) -> &Row {
    rows.iter().find(|r| r.1 == unit(holder)).unwrap()
}

#[tokio::test]
async fn a_self_assessment_goes_from_draft_to_submitted_returned_and_assessed() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let (_, communes, rows) = one_mandate_round(&app, &fixture).await;
    let id = evaluation_of(&rows, communes[0]).2.clone();
    let can = "query($id: ID!) { evaluation(id: $id) { status version viewerCan { saveSelfAssessment submitSelfAssessment returnSelfAssessment assess } } }";
    let view = async |user: &str| {
        gql(&app, user, can, json!({ "id": id })).await["data"]["evaluation"].clone()
    };
    assert_eq!(
        view("reporter.tn").await["viewerCan"],
        json!({ "saveSelfAssessment": true, "submitSelfAssessment": false, "returnSelfAssessment": false, "assess": false })
    );
    // Nothing to submit yet.
    let body = gql(
        &app,
        "approver.tn",
        SUBMIT,
        json!({ "input": { "evaluation": id, "expectedVersion": 1 } }),
    )
    .await;
    assert_eq!(
        refused(&body, "submitSelfAssessment"),
        "EVALUATION_INCOMPLETE"
    );
    // The delegator cannot assess what was not submitted.
    let assess_input = |version: i64| {
        json!({ "input": { "evaluation": id, "expectedVersion": version,
        "assessment": "SATISFACTORY", "assessmentText": "Thực hiện đạt yêu cầu", "recommendation": "AMEND" } })
    };
    let body = gql(&app, "approver.tn", ASSESS, assess_input(1)).await;
    assert_eq!(
        refused(&body, "assessEvaluation"),
        "EVALUATION_NOT_SELF_ASSESSED"
    );

    let events = app.audit_len().await;
    let body = gql(
        &app,
        "reporter.tn",
        SAVE,
        json!({ "input": { "evaluation": id, "expectedVersion": 1,
        "result": "SATISFACTORY", "resultText": "Đã tiếp nhận và giải quyết 120 hồ sơ",
        "difficulties": "Thiếu công chức địa chính", "recommendation": "AMEND" } }),
    )
    .await;
    let e = &payload(&body, "saveSelfAssessment")["evaluation"];
    assert_eq!(
        (e["status"].as_str(), e["version"].as_i64()),
        (Some("DRAFT"), Some(2))
    );
    assert_eq!(e["draftedBy"], "reporter.tn");
    assert_eq!(app.audit_len().await, events + 1);
    // A stale version is a conflict and changes nothing.
    let before = app.snapshot().await;
    let body = gql(
        &app,
        "reporter.tn",
        SAVE,
        json!({ "input": { "evaluation": id, "expectedVersion": 1, "result": "GOOD" } }),
    )
    .await;
    assert_eq!(error_code(&body), "CONFLICT");
    // AMEND is submitted with its reason only.
    let body = gql(
        &app,
        "approver.tn",
        SUBMIT,
        json!({ "input": { "evaluation": id, "expectedVersion": 2 } }),
    )
    .await;
    assert_eq!(
        refused(&body, "submitSelfAssessment"),
        "RECOMMENDATION_REASON_REQUIRED"
    );
    assert_eq!(app.snapshot().await, before);
    let body = gql(
        &app,
        "reporter.tn",
        SAVE,
        json!({ "input": { "evaluation": id, "expectedVersion": 2,
        "recommendationReason": "Đề nghị điều chỉnh thời hạn giải quyết từ 15 lên 20 ngày" } }),
    )
    .await;
    assert_eq!(
        payload(&body, "saveSelfAssessment")["evaluation"]["result"],
        "SATISFACTORY",
        "kept"
    );
    assert_eq!(
        view("approver.tn").await["viewerCan"]["submitSelfAssessment"],
        true
    );
    let body = gql(
        &app,
        "approver.tn",
        SUBMIT,
        json!({ "input": { "evaluation": id, "expectedVersion": 3 } }),
    )
    .await;
    let e = &payload(&body, "submitSelfAssessment")["evaluation"];
    assert_eq!(
        (e["status"].as_str(), e["selfAssessedBy"].as_str()),
        (Some("SELF_ASSESSED"), Some("approver.tn"))
    );
    // The holder no longer writes it.
    let body = gql(
        &app,
        "reporter.tn",
        SAVE,
        json!({ "input": { "evaluation": id, "expectedVersion": 4, "result": "GOOD" } }),
    )
    .await;
    assert_eq!(
        refused(&body, "saveSelfAssessment"),
        "EVALUATION_NOT_EDITABLE"
    );
    assert_eq!(
        view("approver.tn").await["viewerCan"],
        json!({ "saveSelfAssessment": false, "submitSelfAssessment": false, "returnSelfAssessment": true, "assess": true })
    );
    // Returned with a reason, not without.
    let body = gql(
        &app,
        "approver.tn",
        RETURN,
        json!({ "input": { "evaluation": id, "expectedVersion": 4, "reason": "  " } }),
    )
    .await;
    assert_eq!(refused(&body, "returnSelfAssessment"), "REASON_REQUIRED");
    let body = gql(&app, "approver.tn", RETURN, json!({ "input": { "evaluation": id, "expectedVersion": 4, "reason": "Bổ sung số liệu hồ sơ quá hạn" } })).await;
    let e = &payload(&body, "returnSelfAssessment")["evaluation"];
    assert_eq!(
        (e["status"].as_str(), e["returnReason"].as_str()),
        (Some("RETURNED"), Some("Bổ sung số liệu hồ sơ quá hạn"))
    );
    let body = gql(&app, "approver.tn", ASSESS, assess_input(5)).await;
    assert_eq!(
        refused(&body, "assessEvaluation"),
        "EVALUATION_NOT_SELF_ASSESSED"
    );
    let body = gql(
        &app,
        "approver.tn",
        SUBMIT,
        json!({ "input": { "evaluation": id, "expectedVersion": 5 } }),
    )
    .await;
    assert_eq!(
        payload(&body, "submitSelfAssessment")["evaluation"]["status"],
        "SELF_ASSESSED"
    );
    // The assessment needs its text.
    let body = gql(
        &app,
        "approver.tn",
        ASSESS,
        json!({ "input": { "evaluation": id, "expectedVersion": 6,
        "assessment": "GOOD", "assessmentText": " ", "recommendation": "KEEP" } }),
    )
    .await;
    assert_eq!(refused(&body, "assessEvaluation"), "EVALUATION_INCOMPLETE");
    let body = gql(&app, "approver.tn", ASSESS, assess_input(6)).await;
    let e = &payload(&body, "assessEvaluation")["evaluation"];
    assert_eq!(
        (
            e["status"].as_str(),
            e["assessment"].as_str(),
            e["delegatorRecommendation"].as_str(),
            e["assessedBy"].as_str()
        ),
        (
            Some("ASSESSED"),
            Some("SATISFACTORY"),
            Some("AMEND"),
            Some("approver.tn")
        )
    );
    // Assessed again while the round is open.
    let body = gql(&app, "approver.tn", ASSESS, assess_input(7)).await;
    assert_eq!(
        payload(&body, "assessEvaluation")["evaluation"]["version"],
        8
    );
    // The mandate lists it.
    let body = gql(
        &app,
        "coordinator.tn",
        "query { mandates(first: 5) { nodes { code evaluations { status holder { id } } } } }",
        json!({}),
    )
    .await;
    assert!(body["errors"].is_null(), "{body}");
    let evaluations = &body["data"]["mandates"]["nodes"][0]["evaluations"];
    assert_eq!(evaluations.as_array().map(Vec::len), Some(3), "{body}");
}

#[tokio::test]
async fn each_side_acts_only_over_its_own_unit_and_reads_only_its_own() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let (round, communes, rows) = one_mandate_round(&app, &fixture).await;
    let (first, second) = (
        evaluation_of(&rows, communes[0]).2.clone(),
        evaluation_of(&rows, communes[1]).2.clone(),
    );
    // People of the second commune: a reporter, an approver, a viewer.
    let db = app.db();
    for (name, role) in [
        ("reporter.xa2", Role::Reporter),
        ("approver.xa2", Role::Approver),
    ] {
        let user = app
            .create_user(name, communes[1], Some("role-password-1"))
            .await;
        users::grant_role(db, Authority::Cli, user, role, communes[1])
            .await
            .unwrap();
    }
    let viewer = app.viewer_over("viewer.xa2", communes[1]).await;
    // The second commune's reporter cannot write the first commune's.
    let body = gql(
        &app,
        "reporter.xa2",
        SAVE,
        json!({ "input": { "evaluation": first, "expectedVersion": 1, "result": "GOOD" } }),
    )
    .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let body = gql(
        &app,
        "reporter.xa2",
        SAVE,
        json!({ "input": { "evaluation": second, "expectedVersion": 1,
        "result": "GOOD", "resultText": "Thực hiện tốt", "recommendation": "KEEP" } }),
    )
    .await;
    assert_eq!(
        payload(&body, "saveSelfAssessment")["userErrors"],
        json!([])
    );
    // A reporter does not submit; the commune's approver does.
    let body = gql(
        &app,
        "reporter.xa2",
        SUBMIT,
        json!({ "input": { "evaluation": second, "expectedVersion": 2 } }),
    )
    .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let body = gql(
        &app,
        "approver.xa2",
        SUBMIT,
        json!({ "input": { "evaluation": second, "expectedVersion": 2 } }),
    )
    .await;
    assert_eq!(
        payload(&body, "submitSelfAssessment")["evaluation"]["status"],
        "SELF_ASSESSED"
    );
    // The holder's approver does not assess or return its own evaluation:
    // the delegator (the province) does.
    let before = app.snapshot().await;
    let body = gql(
        &app,
        "approver.xa2",
        ASSESS,
        json!({ "input": { "evaluation": second, "expectedVersion": 3,
        "assessment": "GOOD", "assessmentText": "Tốt", "recommendation": "KEEP" } }),
    )
    .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let body = gql(
        &app,
        "approver.xa2",
        RETURN,
        json!({ "input": { "evaluation": second, "expectedVersion": 3, "reason": "x" } }),
    )
    .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    // Nor does Sở Nội vụ's coordinator (the guard refuses the role).
    let body = gql(
        &app,
        "coordinator.tn",
        ASSESS,
        json!({ "input": { "evaluation": second, "expectedVersion": 3,
        "assessment": "GOOD", "assessmentText": "Tốt", "recommendation": "KEEP" } }),
    )
    .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    assert_eq!(app.snapshot().await, before);
    // The commune reads its own evaluation only, and the round.
    let list = listed(&app, "viewer.xa2", &round).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].2, second);
    let node = "query($id: ID!) { node(id: $id) { id } }";
    let body = app.graphql_as(&viewer, node, json!({ "id": first })).await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let body = app.graphql_as(&viewer, node, json!({ "id": round })).await;
    assert_eq!(body["data"]["node"]["id"], round.as_str(), "{body}");
    let body = app.graphql_as(&viewer, "query($id: ID!) { evaluationRound(id: $id) { tables { totals { evaluations } } assessment } }", json!({ "id": round })).await;
    assert_eq!(
        body["data"]["evaluationRound"]["tables"],
        Value::Null,
        "province tables need a grant over the province"
    );
    // Another province's people read nothing of it.
    let outsider = app.viewer_over("viewer.cb", fixture.outside.id).await;
    let body = app
        .graphql_as(&outsider, node, json!({ "id": round }))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let body = app
        .graphql_as(
            &outsider,
            "query($r: ID!) { evaluations(filter: { round: $r }) { totalCount } }",
            json!({ "r": round }),
        )
        .await;
    assert_eq!(body["data"]["evaluations"]["totalCount"], 0);
    // Anonymous callers read no evaluation, and see none on a mandate.
    let body = app
        .graphql(
            "query($r: ID!) { evaluations(filter: { round: $r }) { totalCount } }",
            json!({ "r": round }),
        )
        .await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    let body = app
        .graphql(
            "query { mandates(first: 5) { nodes { code evaluations { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["mandates"]["nodes"][0]["evaluations"],
        json!([]),
        "{body}"
    );
}

#[tokio::test]
async fn progress_counts_the_round_under_a_unit_and_each_child() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let (round, communes, rows) = one_mandate_round(&app, &fixture).await;
    let (first, second) = (
        evaluation_of(&rows, communes[0]).2.clone(),
        evaluation_of(&rows, communes[1]).2.clone(),
    );
    for id in [&first, &second] {
        let body = gql(
            &app,
            "reporter.tn",
            SAVE,
            json!({ "input": { "evaluation": id, "expectedVersion": 1,
            "result": "GOOD", "resultText": "Tốt", "recommendation": "KEEP" } }),
        )
        .await;
        assert_eq!(
            payload(&body, "saveSelfAssessment")["userErrors"],
            json!([])
        );
    }
    let body = gql(
        &app,
        "approver.tn",
        SUBMIT,
        json!({ "input": { "evaluation": first, "expectedVersion": 2 } }),
    )
    .await;
    assert_eq!(
        payload(&body, "submitSelfAssessment")["userErrors"],
        json!([])
    );
    let body = gql(
        &app,
        "approver.tn",
        ASSESS,
        json!({ "input": { "evaluation": first, "expectedVersion": 3,
        "assessment": "GOOD", "assessmentText": "Tốt", "recommendation": "KEEP" } }),
    )
    .await;
    assert_eq!(payload(&body, "assessEvaluation")["userErrors"], json!([]));
    let query = "query($r: ID!, $w: ID) { evaluationRound(id: $r) { progress(within: $w) { unit { id } expected notStarted drafted returned selfAssessed assessed missing overdue
        children { unit { id } expected selfAssessed assessed missing } } } }";
    let body = gql(&app, "coordinator.tn", query, json!({ "r": round })).await;
    let p = &body["data"]["evaluationRound"]["progress"];
    assert_eq!(p["unit"]["id"], unit(fixture.inside.id), "{body}");
    assert_eq!(
        [
            &p["expected"],
            &p["notStarted"],
            &p["drafted"],
            &p["returned"],
            &p["selfAssessed"],
            &p["assessed"],
            &p["missing"],
            &p["overdue"]
        ],
        [3, 1, 1, 0, 1, 1, 2, 2].map(|n| json!(n)).each_ref(),
        "the round was due on 2025-12-29: what is missing is overdue"
    );
    let children = p["children"].as_array().unwrap();
    assert_eq!(children.len(), 3);
    let of = |c: Uuid| {
        children
            .iter()
            .find(|x| x["unit"]["id"] == unit(c))
            .unwrap()
            .clone()
    };
    assert_eq!(
        of(communes[0]),
        json!({ "unit": { "id": unit(communes[0]) }, "expected": 1, "selfAssessed": 1, "assessed": 1, "missing": 0 })
    );
    assert_eq!(of(communes[1])["missing"], 1);
    let body = gql(
        &app,
        "coordinator.tn",
        query,
        json!({ "r": round, "w": unit(communes[1]) }),
    )
    .await;
    assert_eq!(body["data"]["evaluationRound"]["progress"]["expected"], 1);
    // A commune's viewer counts its own commune, not the province.
    let viewer = app.viewer_over("viewer.xa", communes[1]).await;
    let body = app.graphql_as(&viewer, query, json!({ "r": round })).await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let body = app
        .graphql_as(
            &viewer,
            query,
            json!({ "r": round, "w": unit(communes[1]) }),
        )
        .await;
    assert_eq!(
        body["data"]["evaluationRound"]["progress"]["drafted"], 1,
        "{body}"
    );
}

/// Brings an evaluation to ASSESSED from the command line with `recommendation`.
async fn assessed(app: &TestApp, id: &str, recommendation: entity::evaluation::Recommendation) {
    let (_, uuid) = phancap::graphql::decode_id(&async_graphql::ID(id.to_owned())).unwrap();
    let e = evaluations::existing(app.db(), uuid).await.unwrap();
    let draft = evaluations::SelfAssessment {
        result: Some(entity::evaluation::EvaluationResult::Good),
        result_text: Some("Đã thực hiện".into()),
        recommendation: Some(recommendation),
        recommendation_reason: Some("Thủ tục chồng chéo với Sở Xây dựng".into()),
        ..Default::default()
    };
    let e = evaluations::save_self_assessment(app.db(), Authority::Cli, uuid, e.version, draft)
        .await
        .unwrap();
    let e = evaluations::submit_self_assessment(app.db(), Authority::Cli, uuid, e.version)
        .await
        .unwrap();
    let assessment = evaluations::Assessment {
        assessment: entity::evaluation::EvaluationResult::Satisfactory,
        text: "Đạt".into(),
        recommendation,
    };
    evaluations::assess(app.db(), Authority::Cli, uuid, e.version, assessment)
        .await
        .unwrap();
}

#[tokio::test]
async fn sở_nội_vụ_compiles_and_ubnd_tỉnh_accepts_which_locks_the_round() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let (round, communes, rows) = one_mandate_round(&app, &fixture).await;
    let ids: Vec<String> = communes
        .iter()
        .map(|c| evaluation_of(&rows, *c).2.clone())
        .collect();
    assessed(&app, &ids[0], entity::evaluation::Recommendation::Amend).await;
    assessed(&app, &ids[1], entity::evaluation::Recommendation::Keep).await;
    // Not before it is compiled.
    let body = gql(
        &app,
        "approver.tn",
        ACCEPT,
        json!({ "input": { "round": round } }),
    )
    .await;
    assert_eq!(
        refused(&body, "acceptEvaluation"),
        "EVALUATION_ROUND_NOT_COMPILED"
    );
    // One evaluation is still out: refused, naming it.
    let before = app.snapshot().await;
    let body = gql(
        &app,
        "coordinator.tn",
        COMPILE,
        json!({ "input": { "round": round } }),
    )
    .await;
    assert_eq!(refused(&body, "compileEvaluation"), "EVALUATIONS_MISSING");
    let message = body["data"]["compileEvaluation"]["userErrors"][0]["message"]
        .as_str()
        .unwrap();
    assert!(
        message.starts_with("1 of 3 evaluations")
            && message.contains("EV-THREE")
            && message.contains("NOT_STARTED"),
        "{message}"
    );
    assert_eq!(app.snapshot().await, before);
    let body = gql(&app, "coordinator.tn", COMPILE, json!({ "input": { "round": round, "allowMissing": true,
        "assessment": "Các xã thực hiện đạt yêu cầu", "recommendations": "Điều chỉnh thời hạn giải quyết" } })).await;
    let r = &payload(&body, "compileEvaluation")["round"];
    assert_eq!(r["status"], "COMPILED", "{body}");
    let totals = &r["tables"]["totals"];
    assert_eq!(
        totals,
        &json!({ "evaluations": 3, "selfAssessed": 2, "assessed": 2,
            "recommendations": { "keep": 1, "amend": 1, "revoke": 0, "expand": 0 },
            "results": { "good": 2, "satisfactory": 0, "poor": 0 },
            "delegatorRecommendations": { "keep": 1, "amend": 1 } })
    );
    assert_eq!(
        r["tables"]["byMandate"],
        json!([{ "mandate": { "code": "EV-THREE" }, "tally": { "evaluations": 3, "assessed": 2, "recommendations": { "amend": 1 } } }])
    );
    assert_eq!(r["tables"]["byUnit"].as_array().map(Vec::len), Some(3));
    // A late change outdates the compilation.
    assessed(&app, &ids[2], entity::evaluation::Recommendation::Expand).await;
    let body = gql(
        &app,
        "approver.tn",
        ACCEPT,
        json!({ "input": { "round": round } }),
    )
    .await;
    assert_eq!(
        refused(&body, "acceptEvaluation"),
        "EVALUATION_COMPILATION_OUTDATED"
    );
    let body = gql(
        &app,
        "coordinator.tn",
        COMPILE,
        json!({ "input": { "round": round } }),
    )
    .await;
    assert_eq!(
        payload(&body, "compileEvaluation")["round"]["tables"]["totals"]["assessed"],
        3
    );
    let events = app.audit_len().await;
    let body = gql(
        &app,
        "approver.tn",
        ACCEPT,
        json!({ "input": { "round": round, "directions": "Giao Sở Nội vụ tham mưu điều chỉnh" } }),
    )
    .await;
    let r = &payload(&body, "acceptEvaluation")["round"];
    assert_eq!(
        (r["status"].as_str(), r["acceptedBy"].as_str()),
        (Some("ACCEPTED"), Some("approver.tn"))
    );
    assert_eq!(app.audit_len().await, events + 1);
    // Locked.
    let before = app.snapshot().await;
    let body = gql(
        &app,
        "coordinator.tn",
        COMPILE,
        json!({ "input": { "round": round } }),
    )
    .await;
    assert_eq!(
        refused(&body, "compileEvaluation"),
        "EVALUATION_ROUND_CLOSED"
    );
    let body = gql(
        &app,
        "approver.tn",
        ACCEPT,
        json!({ "input": { "round": round } }),
    )
    .await;
    assert_eq!(
        refused(&body, "acceptEvaluation"),
        "EVALUATION_ROUND_CLOSED"
    );
    let body = gql(
        &app,
        "approver.tn",
        ASSESS,
        json!({ "input": { "evaluation": ids[0], "expectedVersion": 5,
        "assessment": "GOOD", "assessmentText": "Tốt", "recommendation": "KEEP" } }),
    )
    .await;
    assert_eq!(
        refused(&body, "assessEvaluation"),
        "EVALUATION_ROUND_CLOSED"
    );
    assert_eq!(app.snapshot().await, before);
    let body = gql(
        &app,
        "approver.tn",
        "query($r: ID!) { evaluationRound(id: $r) { viewerCan { compile accept } } }",
        json!({ "r": round }),
    )
    .await;
    assert_eq!(
        body["data"]["evaluationRound"]["viewerCan"],
        json!({ "compile": false, "accept": false })
    );
}

#[tokio::test]
async fn two_openings_of_the_same_round_at_once_open_it_once() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    mandate(
        &app,
        &fixture.inside,
        "EV-RACE",
        vec![fixture.inside.commune],
        true,
    )
    .await;
    let token = app.token("coordinator.tn").await;
    let vars = json!({ "input": { "province": unit(fixture.inside.id), "year": 2025 } });
    let rounds = if crate::helpers::pg_url().is_some() {
        8
    } else {
        2
    };
    let calls = (0..rounds).map(|_| app.graphql_as(&token, OPEN, vars.clone()));
    let answers = futures_util::future::join_all(calls).await;
    let mut opened = 0;
    for body in &answers {
        let p = payload(body, "openEvaluationRound");
        if p["round"].is_object() {
            opened += 1;
        } else {
            assert_eq!(
                p["userErrors"][0]["code"], "EVALUATION_ROUND_EXISTS",
                "{body}"
            );
        }
    }
    assert_eq!(opened, 1);
    let count = entity::evaluation::Entity::find()
        .all(app.db())
        .await
        .unwrap()
        .len();
    assert_eq!(count, 1, "one round's evaluations");
}

#[tokio::test]
async fn the_demo_opens_the_2025_round_of_thái_nguyên_with_an_amendment_to_consider() {
    let app = crate::helpers::national();
    let body = app
        .graphql(
            "mutation { login(input: { username: \"approver.ubnd\", password: \"phancap-demo-2026\" }) { accessToken } }",
            json!({}),
        )
        .await;
    let token = body["data"]["login"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = app
        .graphql_as(&token, "{ unitByCode(code: \"19\") { id } }", json!({}))
        .await;
    let province = body["data"]["unitByCode"]["id"].clone();
    let body = app
        .graphql_as(
            &token,
            "query($p: ID!) { evaluationRounds(province: $p) { id code asOf status progress { expected selfAssessed assessed } } }",
            json!({ "p": province }),
        )
        .await;
    let round = &body["data"]["evaluationRounds"][0];
    assert_eq!(
        (round["code"].as_str(), round["asOf"].as_str()),
        (Some("DG-19-2025"), Some("2025-12-15")),
        "{body}"
    );
    let progress = &round["progress"];
    assert!(
        progress["expected"].as_i64().unwrap() > progress["selfAssessed"].as_i64().unwrap(),
        "some are left to try: {body}"
    );
    assert!(progress["assessed"].as_i64().unwrap() >= 2, "{body}");
    let body = app
        .graphql_as(
            &token,
            "query($r: ID!) { evaluations(filter: { round: $r, recommendation: [AMEND] }) { nodes { status difficulties recommendationReason viewerCan { assess } } } }",
            json!({ "r": round["id"] }),
        )
        .await;
    let amend = &body["data"]["evaluations"]["nodes"][0];
    assert_eq!(amend["status"], "ASSESSED", "{body}");
    assert!(
        amend["recommendationReason"]
            .as_str()
            .unwrap()
            .contains("sửa đổi, bổ sung")
    );
    assert!(
        amend["difficulties"]
            .as_str()
            .unwrap()
            .contains("nguồn nhân lực")
    );
    assert_eq!(
        amend["viewerCan"]["assess"], true,
        "UBND tỉnh may assess again until it accepts"
    );
}

//! Every mutation × every role × a target inside and outside the role's
//! scope: allowed only for its role (ADMIN for units, users and grants,
//! APPROVER for documents, mandates and the compiled report, COORDINATOR
//! for regimes, periods, compilation and reminders, REPORTER and REVIEWER
//! for unit reports) inside, FORBIDDEN otherwise,
//! UNAUTHENTICATED without a token; a refused call changes nothing and an
//! allowed one appends exactly one audit event.

use entity::role_grant::Role;
use phancap::auth::Authority;
use phancap::graphql::NodeKind;
use phancap::units::admin;
use phancap::users::service as users;
use serde_json::{Value, json};

use crate::helpers::{
    Fixture, Province, ROLES, TestApp, accept_report, document, error_code, fill_report, gid,
    make_mandate, mandate_input, reporting_cycle, role_user, spawn_app, submit_report, today,
};

#[derive(Debug, Clone, Copy)]
enum Mutation {
    CreateUnit,
    UpdateUnit,
    EndUnit,
    CreateUser,
    GrantRole,
    RevokeGrant,
    DeactivateUser,
    CreateDocument,
    DraftMandate,
    UpdateDraftMandate,
    IssueMandate,
    AmendMandate,
    RevokeMandate,
    ExtendAuthorization,
    TransferAssignments,
    CreateRegime,
    OpenPeriods,
    SaveReportDraft,
    SubmitReport,
    ReturnReport,
    AcceptReport,
    CompileReport,
    AcceptCompiledReport,
    ReturnCompiledReport,
    RemindMissing,
}

impl Mutation {
    /// The one role that may run it over its target.
    fn allowed(self) -> Role {
        match self {
            Mutation::CreateUnit
            | Mutation::UpdateUnit
            | Mutation::EndUnit
            | Mutation::CreateUser
            | Mutation::GrantRole
            | Mutation::RevokeGrant
            | Mutation::DeactivateUser => Role::Admin,
            Mutation::CreateRegime
            | Mutation::OpenPeriods
            | Mutation::CompileReport
            | Mutation::RemindMissing => Role::Coordinator,
            Mutation::SaveReportDraft | Mutation::SubmitReport => Role::Reporter,
            Mutation::ReturnReport | Mutation::AcceptReport => Role::Reviewer,
            _ => Role::Approver,
        }
    }
}

const MUTATIONS: [Mutation; 25] = [
    Mutation::CreateUnit,
    Mutation::UpdateUnit,
    Mutation::EndUnit,
    Mutation::CreateUser,
    Mutation::GrantRole,
    Mutation::RevokeGrant,
    Mutation::DeactivateUser,
    Mutation::CreateDocument,
    Mutation::DraftMandate,
    Mutation::UpdateDraftMandate,
    Mutation::IssueMandate,
    Mutation::AmendMandate,
    Mutation::RevokeMandate,
    Mutation::ExtendAuthorization,
    Mutation::TransferAssignments,
    Mutation::CreateRegime,
    Mutation::OpenPeriods,
    Mutation::SaveReportDraft,
    Mutation::SubmitReport,
    Mutation::ReturnReport,
    Mutation::AcceptReport,
    Mutation::CompileReport,
    Mutation::AcceptCompiledReport,
    Mutation::ReturnCompiledReport,
    Mutation::RemindMissing,
];

/// Prepares a fresh target in `province` and returns the operation, its
/// variables and the payload field.
async fn prepare(
    app: &TestApp,
    mutation: Mutation,
    province: &Province,
    n: usize,
) -> (String, Value, &'static str) {
    let db = app.db();
    let unit = |id| gid(NodeKind::Unit, id);
    match mutation {
        Mutation::CreateUnit => (
            "mutation($input: CreateUnitInput!) { createUnit(input: $input) { unit { id } userErrors { code } } }".into(),
            json!({ "input": { "parent": unit(province.id), "code": format!("T-{n}"), "name": "Ban thử", "adminType": "BAN" } }),
            "createUnit",
        ),
        Mutation::UpdateUnit => (
            "mutation($input: UpdateUnitInput!) { updateUnit(input: $input) { unit { name } userErrors { code } } }".into(),
            json!({ "input": { "id": unit(province.department), "name": format!("Sở Nội vụ (đổi tên {n})") } }),
            "updateUnit",
        ),
        Mutation::EndUnit => {
            let body = app.body(province.id, &format!("E-{n}"), today(), None).await;
            (
                "mutation($input: EndUnitInput!) { endUnit(input: $input) { unit { validTo } userErrors { code } } }".into(),
                json!({ "input": { "id": unit(body), "validTo": today().to_string() } }),
                "endUnit",
            )
        }
        Mutation::CreateUser => (
            "mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { code } } }".into(),
            json!({ "input": { "username": format!("new.user{n}"), "fullName": "Người mới", "homeUnit": unit(province.id), "kind": "SERVICE" } }),
            "createUser",
        ),
        Mutation::GrantRole => {
            let user = app.create_user(&format!("grantee{n}"), province.id, None).await;
            (
                "mutation($input: GrantRoleInput!) { grantRole(input: $input) { grant { id } userErrors { code } } }".into(),
                json!({ "input": { "user": gid(NodeKind::User, user), "role": "ADMIN", "scope": unit(province.commune) } }),
                "grantRole",
            )
        }
        Mutation::RevokeGrant => {
            let user = app.create_user(&format!("revokee{n}"), province.id, None).await;
            let grant = users::grant_role(db, Authority::Cli, user, Role::Viewer, province.commune).await.unwrap();
            (
                "mutation($input: RevokeGrantInput!) { revokeGrant(input: $input) { grant { revokedAt } userErrors { code } } }".into(),
                json!({ "input": { "grant": gid(NodeKind::RoleGrant, grant.id) } }),
                "revokeGrant",
            )
        }
        Mutation::DeactivateUser => {
            let user = app.create_user(&format!("leaver{n}"), province.id, None).await;
            (
                "mutation($input: DeactivateUserInput!) { deactivateUser(input: $input) { user { active } userErrors { code } } }".into(),
                json!({ "input": { "user": gid(NodeKind::User, user) } }),
                "deactivateUser",
            )
        }
        Mutation::CreateDocument => (
            "mutation($input: CreateDocumentInput!) { createDocument(input: $input) { document { id } userErrors { code } } }".into(),
            json!({ "input": { "number": format!("{n}/2026/QĐ-UBND"), "type": "QD_UBND", "normative": true, "issuer": unit(province.id), "issuedDate": "2026-01-05" } }),
            "createDocument",
        ),
        Mutation::DraftMandate => {
            let basis = document(app, &format!("D{n}/QĐ"), true).await;
            (
                "mutation($input: DraftMandateInput!) { draftMandate(input: $input) { mandate { id } userErrors { code } } }".into(),
                json!({ "input": {
                    "code": format!("M-{n}"), "title": "Cấp phép", "sector": "XAY_DUNG", "matterCode": format!("X{n}"),
                    "kind": "DECENTRALIZATION", "delegator": unit(province.id), "legalBasis": gid(NodeKind::Document, basis),
                    "resources": { "staff": 1 }, "effectiveFrom": "2026-01-01", "delegatees": [unit(province.department)],
                } }),
                "draftMandate",
            )
        }
        Mutation::UpdateDraftMandate | Mutation::IssueMandate => {
            let basis = document(app, &format!("D{n}/QĐ"), true).await;
            let input = mandate_input(&format!("M-{n}"), &format!("X{n}"), province.id, vec![province.department], basis);
            let m = make_mandate(app, input, false).await;
            let id = gid(NodeKind::Mandate, m.id);
            if matches!(mutation, Mutation::IssueMandate) {
                (
                    "mutation($input: IssueMandateInput!) { issueMandate(input: $input) { mandate { status } userErrors { code } } }".into(),
                    json!({ "input": { "id": id } }),
                    "issueMandate",
                )
            } else {
                (
                    "mutation($input: UpdateDraftMandateInput!) { updateDraftMandate(input: $input) { mandate { title } userErrors { code } } }".into(),
                    json!({ "input": { "id": id, "title": "Tên mới" } }),
                    "updateDraftMandate",
                )
            }
        }
        Mutation::AmendMandate | Mutation::RevokeMandate | Mutation::ExtendAuthorization => {
            let basis = document(app, &format!("D{n}/QĐ"), true).await;
            let mut input = mandate_input(&format!("M-{n}"), &format!("X{n}"), province.id, vec![province.department], basis);
            input.kind = entity::mandate::MandateKind::Authorization;
            input.conditions = Some("Báo cáo hằng quý".into());
            input.effective_to = Some(today() + chrono::Days::new(30));
            let m = make_mandate(app, input, true).await;
            let id = gid(NodeKind::Mandate, m.id);
            let doc = gid(NodeKind::Document, basis);
            match mutation {
                Mutation::AmendMandate => (
                    "mutation($input: AmendMandateInput!) { amendMandate(input: $input) { mandate { code } userErrors { code } } }".into(),
                    json!({ "input": { "id": id, "code": format!("M-{n}-A"), "legalBasis": doc, "effectiveFrom": (today() + chrono::Days::new(1)).to_string() } }),
                    "amendMandate",
                ),
                Mutation::RevokeMandate => (
                    "mutation($input: RevokeMandateInput!) { revokeMandate(input: $input) { mandate { code } userErrors { code } } }".into(),
                    json!({ "input": { "id": id, "document": doc, "lastDay": today().to_string() } }),
                    "revokeMandate",
                ),
                _ => (
                    "mutation($input: ExtendAuthorizationInput!) { extendAuthorization(input: $input) { mandate { code } userErrors { code } } }".into(),
                    json!({ "input": { "id": id, "document": doc, "effectiveTo": (today() + chrono::Days::new(60)).to_string() } }),
                    "extendAuthorization",
                ),
            }
        }
        Mutation::TransferAssignments => {
            let body = app.body(province.id, &format!("L-{n}"), "2025-07-01".parse().unwrap(), None).await;
            let basis = document(app, &format!("D{n}/QĐ"), true).await;
            let input = mandate_input(&format!("M-{n}"), &format!("X{n}"), province.id, vec![body], basis);
            let m = make_mandate(app, input, true).await;
            admin::end_unit(db, Authority::Cli, body, today() - chrono::Days::new(1)).await.unwrap();
            let assignment = phancap::mandates::service::assignments_of(db, &[m.id]).await.unwrap()[0].id;
            (
                "mutation($input: TransferAssignmentsInput!) { transferAssignments(input: $input) { mandate { code } userErrors { code } } }".into(),
                json!({ "input": {
                    "assignment": gid(NodeKind::MandateAssignment, assignment),
                    "successors": [unit(province.department)],
                    "document": gid(NodeKind::Document, basis),
                    "effectiveFrom": today().to_string(),
                } }),
                "transferAssignments",
            )
        }
        Mutation::CreateRegime => (
            "mutation($input: CreateRegimeInput!) { createRegime(input: $input) { regime { id } userErrors { code } } }".into(),
            json!({ "input": {
                "code": format!("BC-NEW-{n}"), "name": "Báo cáo quý", "content": "Phân cấp", "recipient": unit(province.department),
                "frequency": "QUARTER", "deadlineDays": 5, "compiledDeadlineDays": 10,
                "indicators": [{ "code": "HO_SO", "name": "Hồ sơ", "measure": "hồ sơ", "aggregation": "SUM" }],
            } }),
            "createRegime",
        ),
        Mutation::OpenPeriods => {
            let cycle = reporting_cycle(app, province, n).await;
            (
                "mutation($input: OpenPeriodsInput!) { openPeriods(input: $input) { periods { period } userErrors { code } } }".into(),
                json!({ "input": { "regime": gid(NodeKind::Regime, cycle.regime), "periods": ["2027Q1"] } }),
                "openPeriods",
            )
        }
        Mutation::CompileReport | Mutation::RemindMissing => {
            let cycle = reporting_cycle(app, province, n).await;
            let field = if matches!(mutation, Mutation::CompileReport) {
                accept_report(app, cycle.report, 3.0).await;
                "compileReport"
            } else {
                "remindMissing"
            };
            let selection = if field == "compileReport" { "report { status }" } else { "reminded { id }" };
            (
                format!("mutation($input: PeriodInput!) {{ {field}(input: $input) {{ {selection} userErrors {{ code }} }} }}"),
                json!({ "input": { "period": gid(NodeKind::ReportingPeriod, cycle.period) } }),
                field,
            )
        }
        Mutation::SaveReportDraft => {
            let cycle = reporting_cycle(app, province, n).await;
            (
                "mutation($input: SaveReportDraftInput!) { saveReportDraft(input: $input) { report { status } userErrors { code } } }".into(),
                json!({ "input": { "report": gid(NodeKind::Report, cycle.report), "expectedVersion": 1, "results": "Kết quả" } }),
                "saveReportDraft",
            )
        }
        Mutation::SubmitReport | Mutation::ReturnReport | Mutation::AcceptReport => {
            let cycle = reporting_cycle(app, province, n).await;
            let report = gid(NodeKind::Report, cycle.report);
            match mutation {
                Mutation::SubmitReport => {
                    let version = fill_report(app, cycle.report, 2.0).await;
                    (
                        "mutation($input: ReportTransitionInput!) { submitReport(input: $input) { report { status } userErrors { code } } }".into(),
                        json!({ "input": { "report": report, "expectedVersion": version } }),
                        "submitReport",
                    )
                }
                Mutation::ReturnReport => {
                    let version = submit_report(app, cycle.report, 2.0).await;
                    (
                        "mutation($input: ReturnReportInput!) { returnReport(input: $input) { report { status } userErrors { code } } }".into(),
                        json!({ "input": { "report": report, "expectedVersion": version, "reason": "Thiếu số liệu" } }),
                        "returnReport",
                    )
                }
                _ => {
                    let version = submit_report(app, cycle.report, 2.0).await;
                    (
                        "mutation($input: ReportTransitionInput!) { acceptReport(input: $input) { report { status } userErrors { code } } }".into(),
                        json!({ "input": { "report": report, "expectedVersion": version } }),
                        "acceptReport",
                    )
                }
            }
        }
        Mutation::AcceptCompiledReport | Mutation::ReturnCompiledReport => {
            let cycle = reporting_cycle(app, province, n).await;
            accept_report(app, cycle.report, 2.0).await;
            let compiled = phancap::reporting::reports::compile(db, Authority::Cli, cycle.period)
                .await
                .unwrap()
                .report;
            let report = gid(NodeKind::Report, compiled.id);
            if matches!(mutation, Mutation::AcceptCompiledReport) {
                (
                    "mutation($input: ReportTransitionInput!) { acceptCompiledReport(input: $input) { report { status } userErrors { code } } }".into(),
                    json!({ "input": { "report": report, "expectedVersion": compiled.version } }),
                    "acceptCompiledReport",
                )
            } else {
                (
                    "mutation($input: ReturnReportInput!) { returnCompiledReport(input: $input) { report { status } userErrors { code } } }".into(),
                    json!({ "input": { "report": report, "expectedVersion": compiled.version, "reason": "Bổ sung số liệu" } }),
                    "returnCompiledReport",
                )
            }
        }
    }
}

/// Runs one attempt and checks its outcome; returns a description.
async fn attempt(
    app: &TestApp,
    fixture: &Fixture,
    mutation: Mutation,
    role: Option<Role>,
    inside: bool,
    n: usize,
) {
    let province = if inside {
        &fixture.inside
    } else {
        &fixture.outside
    };
    let (query, vars, field) = prepare(app, mutation, province, n).await;
    let token = match role {
        Some(role) => Some(app.token(&role_user(role)).await),
        None => None,
    };
    let before = app.snapshot().await;
    let events = app.audit_len().await;
    let (status, body) = app
        .post_with(
            token.as_deref(),
            json!({ "query": query, "variables": vars }),
        )
        .await;
    let case = format!(
        "{mutation:?} by {role:?} {}",
        if inside { "inside" } else { "outside" }
    );
    assert_eq!(status, 200, "{case}: {body}");
    match role {
        Some(role) if inside && role == mutation.allowed() => {
            assert!(body["errors"].is_null(), "{case} is allowed: {body}");
            assert_eq!(
                body["data"][field]["userErrors"],
                json!([]),
                "{case}: {body}"
            );
            assert_eq!(
                app.audit_len().await,
                events + 1,
                "{case} appends one audit event"
            );
        }
        _ => {
            let expected = if role.is_some() {
                "FORBIDDEN"
            } else {
                "UNAUTHENTICATED"
            };
            assert_eq!(error_code(&body), expected, "{case}: {body}");
            assert_eq!(body["data"][field], Value::Null, "{case}: {body}");
            assert_eq!(app.snapshot().await, before, "{case} changed nothing");
        }
    }
}

#[tokio::test]
async fn only_the_right_role_in_scope_may_run_each_mutation() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let mut n = 0;
    for mutation in MUTATIONS {
        for role in ROLES.map(Some).into_iter().chain([None]) {
            for inside in [true, false] {
                n += 1;
                attempt(&app, &fixture, mutation, role, inside, n).await;
            }
        }
    }
}

#[tokio::test]
async fn every_signed_in_user_may_change_only_their_own_password() {
    let app = spawn_app().await;
    app.seed().await;
    let query = "mutation($input: ChangePasswordInput!) { changePassword(input: $input) { user { username } userErrors { code } } }";
    let vars = json!({ "input": { "currentPassword": "role-password-1", "newPassword": "a-new-password-2" } });
    for role in ROLES {
        let token = app.token(&role_user(role)).await;
        let events = app.audit_len().await;
        let body = app.graphql_as(&token, query, vars.clone()).await;
        assert_eq!(
            body["data"]["changePassword"]["user"]["username"],
            role_user(role),
            "{body}"
        );
        assert_eq!(app.audit_len().await, events + 1);
        let login = app
            .graphql(
                "mutation($u: String!) { login(input: { username: $u, password: \"a-new-password-2\" }) { accessToken } }",
                json!({ "u": role_user(role) }),
            )
            .await;
        assert!(login["data"]["login"]["accessToken"].is_string(), "{login}");
    }
    let before = app.snapshot().await;
    let body = app.graphql(query, vars).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn an_admin_cannot_grant_a_role_they_do_not_hold() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let user = app.create_user("candidate", fixture.inside.id, None).await;
    let query = "mutation($input: GrantRoleInput!) { grantRole(input: $input) { grant { role } userErrors { code } } }";
    let vars = |role: &str| json!({ "input": { "user": gid(NodeKind::User, user), "role": role, "scope": gid(NodeKind::Unit, fixture.inside.id) } });
    let admin = app.token(&role_user(Role::Admin)).await;
    let before = app.snapshot().await;
    let body = app.graphql_as(&admin, query, vars("APPROVER")).await;
    assert_eq!(
        error_code(&body),
        "FORBIDDEN",
        "ADMIN without APPROVER: {body}"
    );
    assert_eq!(app.snapshot().await, before);
    // Someone who holds APPROVER over the scope may pass it on.
    let root = app.token("root").await;
    let body = app.graphql_as(&root, query, vars("APPROVER")).await;
    assert_eq!(
        body["data"]["grantRole"]["grant"]["role"], "APPROVER",
        "{body}"
    );
}

#[tokio::test]
async fn users_are_readable_only_within_a_grant_scope() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let near = app.create_user("near", fixture.inside.commune, None).await;
    let far = app.create_user("far", fixture.outside.commune, None).await;
    let viewer = app.token(&role_user(Role::Viewer)).await;
    let query = "query($id: ID!) { node(id: $id) { ... on User { username homeUnit { code } } } }";
    let body = app
        .graphql_as(&viewer, query, json!({ "id": gid(NodeKind::User, near) }))
        .await;
    assert_eq!(body["data"]["node"]["username"], "near", "{body}");
    let body = app
        .graphql_as(&viewer, query, json!({ "id": gid(NodeKind::User, far) }))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    let body = app
        .graphql(query, json!({ "id": gid(NodeKind::User, far) }))
        .await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED", "{body}");
    // The viewer's own record is always readable.
    let body = app
        .graphql_as(
            &viewer,
            "{ me { username grants { role scope { code } } } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["me"]["grants"][0]["role"], "VIEWER");
    assert_eq!(body["data"]["me"]["grants"][0]["scope"]["code"], "19");
}

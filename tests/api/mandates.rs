//! Mandates: each rule refuses with its code and changes nothing; status by
//! date; lapse and transfer at the 2025 reorganisation; amendments,
//! revocations, extensions; who may read what.

use chrono::Days;
use entity::document::DocumentType;
use entity::mandate::{DelegatorCapacity, MandateKind};
use phancap::auth::Authority;
use phancap::graphql::NodeKind;
use phancap::mandates::service::{self as mandates, MandateInput, Resources};
use phancap::units::import::Structure;
use sea_orm::{ActiveModelTrait, IntoActiveModel};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    Fixture, TestApp, bundled_rows, catalogue_held_by, document, document_of, error_code, gid,
    instrument, law, make_mandate, mandate_input, role_user, spawn_app, today,
};

const ISSUE: &str = "mutation($id: ID!) { issueMandate(input: { id: $id }) {
  mandate { code status } userErrors { field code message } } }";

struct Setup {
    app: TestApp,
    fixture: Fixture,
    normative: Uuid,
    letter: Uuid,
    /// A decision of the fixture's sở (QĐ-SNV): what its director
    /// authorizes communes by.
    dept_decision: Uuid,
    /// A later normative decision of UBND tỉnh: what revokes the
    /// decentralizations made on `normative`.
    ending: Uuid,
    /// A later decision of UBND tỉnh, not normative: what revokes or
    /// extends the authorizations made on `letter`.
    ending_letter: Uuid,
    root: String,
}

async fn setup() -> Setup {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let normative = document(&app, "1/2025/QĐ-UBND", true).await;
    // A decision of UBND tỉnh that is not normative: what it authorizes by.
    let letter = instrument(
        &app,
        "2/QĐ-UBND",
        DocumentType::QdUbnd,
        fixture.inside.id,
        "2025-01-01",
    )
    .await;
    let root = app.token("root").await;
    let dept_decision = instrument(
        &app,
        "3/QĐ-SNV",
        DocumentType::QdSo,
        fixture.inside.department,
        "2025-01-01",
    )
    .await;
    let ending = document(&app, "4/2025/QĐ-UBND", true).await;
    let ending_letter = instrument(
        &app,
        "5/QĐ-UBND",
        DocumentType::QdUbnd,
        fixture.inside.id,
        "2025-01-01",
    )
    .await;
    Setup {
        app,
        fixture,
        normative,
        letter,
        dept_decision,
        ending,
        ending_letter,
        root,
    }
}

impl Setup {
    fn input(
        &self,
        code: &str,
        matter: &str,
        delegator: Uuid,
        delegatees: Vec<Uuid>,
    ) -> MandateInput {
        mandate_input(code, matter, delegator, delegatees, self.normative)
    }

    /// An authorization (ủy quyền) lawful under Luật 72/2025 Điều 14 k1:
    /// from UBND tỉnh to the director of its sở on the province's decision,
    /// or from that director to UBND xã on the sở's decision.
    fn authorization(
        &self,
        code: &str,
        matter: &str,
        delegator: Uuid,
        delegatees: Vec<Uuid>,
    ) -> MandateInput {
        let mut input = self.input(code, matter, delegator, delegatees);
        input.kind = MandateKind::Authorization;
        input.delegatee_capacity = entity::mandate::DelegatorCapacity::Head;
        input.conditions = Some("Báo cáo kết quả hằng quý".into());
        input.effective_to = Some("2030-12-31".parse().unwrap());
        if delegator == self.fixture.inside.department {
            input.delegator_capacity = DelegatorCapacity::Head;
            input.legal_basis = Some(self.dept_decision);
        } else {
            input.delegatee_capacity = DelegatorCapacity::Head;
            input.legal_basis = Some(self.letter);
        }
        input
    }

    /// Drafts `input` and tries to issue it over the API: returns the
    /// first user error code (None when issued) after checking that a
    /// refusal changed nothing.
    async fn try_issue(&self, input: MandateInput) -> Option<String> {
        let draft = make_mandate(&self.app, input, false).await;
        let before = self.app.snapshot().await;
        let events = self.app.audit_len().await;
        let body = self
            .app
            .graphql_as(
                &self.root,
                ISSUE,
                json!({ "id": gid(NodeKind::Mandate, draft.id) }),
            )
            .await;
        assert!(body["errors"].is_null(), "{body}");
        let code = body["data"]["issueMandate"]["userErrors"][0]["code"]
            .as_str()
            .map(str::to_owned);
        if code.is_some() {
            assert_eq!(
                self.app.snapshot().await,
                before,
                "a refused issue changed nothing"
            );
            assert_eq!(self.app.audit_len().await, events);
            let state = mandates::existing(self.app.db(), draft.id)
                .await
                .unwrap()
                .state;
            assert_eq!(state, entity::mandate::MandateState::Draft);
        } else {
            // Issued: ACTIVE today, or LAPSED when its legacy delegatee has ended.
            let status = &body["data"]["issueMandate"]["mandate"]["status"];
            assert!(status == "ACTIVE" || status == "LAPSED", "{body}");
            assert_eq!(self.app.audit_len().await, events + 1);
        }
        code
    }
}

#[tokio::test]
async fn rule_1_the_delegatee_is_lower_inside_the_territory_and_in_force() {
    let s = setup().await;
    let (tn, cb) = (&s.fixture.inside, &s.fixture.outside);
    let mut to_province = s.input("R1-A", "R1", tn.id, vec![tn.id]);
    to_province.kind = MandateKind::Devolution;
    to_province.legal_basis = Some(law(&s.app, "1/2020/QH14").await);
    assert_eq!(
        s.try_issue(to_province).await.as_deref(),
        Some("DELEGATEE_NOT_LOWER")
    );
    let to_itself = s.input("R1-B", "R1", tn.id, vec![tn.id]);
    assert_eq!(
        s.try_issue(to_itself).await.as_deref(),
        Some("DECENTRALIZATION_TARGET_NOT_ALLOWED")
    );
    let elsewhere = s.input("R1-C", "R1", tn.id, vec![cb.commune]);
    assert_eq!(
        s.try_issue(elsewhere).await.as_deref(),
        Some("DELEGATEE_OUTSIDE_TERRITORY")
    );
    // Before 1 July 2025 the merged province did not exist.
    let mut too_early = s.input("R1-D", "R1", tn.id, vec![tn.commune]);
    too_early.effective_from = "2025-01-01".parse().unwrap();
    assert_eq!(
        s.try_issue(too_early).await.as_deref(),
        Some("DELEGATOR_NOT_IN_FORCE")
    );
    let ended = s
        .app
        .body(
            tn.id,
            "19-BQL",
            "2025-07-01".parse().unwrap(),
            Some("2025-07-31".parse().unwrap()),
        )
        .await;
    let to_ended = s.input("R1-F", "R1", tn.id, vec![ended]);
    assert_eq!(
        s.try_issue(to_ended).await.as_deref(),
        Some("DELEGATEE_NOT_IN_FORCE")
    );
    let lawful = s.input("R1-E", "R1", tn.id, vec![tn.commune]);
    assert_eq!(
        s.try_issue(lawful).await,
        None,
        "a province delegates to its commune"
    );
}

#[tokio::test]
async fn rule_2_an_authorization_ends_states_conditions_and_is_never_passed_on() {
    let s = setup().await;
    let tn = &s.fixture.inside;
    let authorization = |code: &str, matter: &str| {
        let mut input = s.authorization(code, matter, tn.id, vec![tn.department]);
        input.effective_to = Some("2027-02-28".parse().unwrap());
        input
    };
    let mut no_end = authorization("R2-A", "R2A");
    no_end.effective_to = None;
    assert_eq!(
        s.try_issue(no_end).await.as_deref(),
        Some("MISSING_END_DATE")
    );
    let mut no_conditions = authorization("R2-B", "R2A");
    no_conditions.conditions = Some("  ".into());
    assert_eq!(
        s.try_issue(no_conditions).await.as_deref(),
        Some("MISSING_CONDITIONS")
    );
    let mut onward = authorization("R2-C", "R2A");
    onward.allow_onward = true;
    assert_eq!(
        s.try_issue(onward).await.as_deref(),
        Some("AUTHORIZATION_NOT_ONWARD")
    );
    // An authorization on a plain decision (not normative) is lawful.
    assert_eq!(s.try_issue(authorization("R2-D", "R2A")).await, None);

    // R5: what the director received by authorization is not passed on.
    let parent = mandates::existing(s.app.db(), mandate_id(&s, "R2-D").await)
        .await
        .unwrap();
    let mut passed_on = s.authorization("R2-E", "R2A", tn.department, vec![tn.commune]);
    passed_on.parent = Some(parent.id);
    assert_eq!(
        s.try_issue(passed_on).await.as_deref(),
        Some("ONWARD_FROM_AUTHORIZATION")
    );

    // R6: a sở cannot decentralize onward (it issues no normative
    // document), so the flag is refused on a decentralization to it.
    let mut open = s.input("R2-H", "R2H", tn.id, vec![tn.department]);
    open.allow_onward = true;
    assert_eq!(
        s.try_issue(open).await.as_deref(),
        Some("ONWARD_NOT_ISSUABLE")
    );
    // What the sở received by decentralization its director may authorize
    // to a commune without any flag (Điều 14 k1).
    let closed = make_mandate(
        &s.app,
        s.input("R2-F", "R2F", tn.id, vec![tn.department]),
        true,
    )
    .await;
    let mut onward = s.authorization("R2-I", "R2F", tn.department, vec![tn.commune]);
    onward.parent = Some(closed.id);
    assert_eq!(
        s.try_issue(onward).await,
        None,
        "the director authorizes onward what the sở holds"
    );
}

#[tokio::test]
async fn who_may_delegate_what_to_whom_and_by_which_instrument() {
    let s = setup().await;
    let tn = &s.fixture.inside;
    let head = DelegatorCapacity::Head;
    // R1: a sở cannot decentralize (phân cấp), as a body or through its head.
    let by_so = s.input("W-A", "W", tn.department, vec![tn.commune]);
    assert_eq!(
        s.try_issue(by_so).await.as_deref(),
        Some("DECENTRALIZER_NOT_ALLOWED")
    );
    // R2: a People's Council never authorizes.
    let mut by_council = s.authorization("W-B", "W", tn.id, vec![tn.department]);
    by_council.delegator_capacity = DelegatorCapacity::Council;
    assert_eq!(
        s.try_issue(by_council).await.as_deref(),
        Some("AUTHORIZER_NOT_ALLOWED")
    );
    // R2: UBND tỉnh authorizes the director of a sở, not the sở as a body;
    // its Chủ tịch authorizes Chủ tịch UBND xã, not UBND xã.
    let mut to_the_so = s.authorization("W-C", "W", tn.id, vec![tn.department]);
    to_the_so.delegatee_capacity = DelegatorCapacity::Collective;
    assert_eq!(
        s.try_issue(to_the_so).await.as_deref(),
        Some("AUTHORIZATION_TARGET_NOT_ALLOWED")
    );
    let mut chair_to_committee = s.authorization("W-D", "W", tn.id, vec![tn.commune]);
    chair_to_committee.delegator_capacity = head;
    chair_to_committee.delegatee_capacity = DelegatorCapacity::Collective;
    assert_eq!(
        s.try_issue(chair_to_committee).await.as_deref(),
        Some("AUTHORIZATION_TARGET_NOT_ALLOWED")
    );
    // R7: the power is UBND tỉnh's; its Chủ tịch cannot give it away.
    let mut chair_gives = s.authorization("W-N", "WN", tn.id, vec![tn.department]);
    chair_gives.delegator_capacity = head;
    assert_eq!(s.try_issue(chair_gives).await.as_deref(), Some("NOT_HELD"));
    // A sở has no People's Council.
    let mut so_council = s.input("W-E", "W", tn.id, vec![tn.department]);
    so_council.delegatee_capacity = DelegatorCapacity::Council;
    assert_eq!(
        s.try_issue(so_council).await.as_deref(),
        Some("NO_SUCH_BODY")
    );
    // R3: the instrument is the decentralizer's own normative document.
    let other = document_of(
        &s.app,
        "7/2025/QĐ-UBND",
        true,
        s.fixture.outside.id,
        "2025-01-01",
    )
    .await;
    let mut foreign = s.input("W-F", "W", tn.id, vec![tn.department]);
    foreign.legal_basis = Some(other);
    assert_eq!(
        s.try_issue(foreign).await.as_deref(),
        Some("INSTRUMENT_NOT_DELEGATORS")
    );
    let plan = instrument(&s.app, "89/KH-UBND", DocumentType::Kh, tn.id, "2025-01-01").await;
    let mut on_a_plan = s.input("W-G", "W", tn.id, vec![tn.department]);
    on_a_plan.legal_basis = Some(plan);
    assert_eq!(
        s.try_issue(on_a_plan).await.as_deref(),
        Some("WRONG_INSTRUMENT_TYPE")
    );
    // R15: the basis is in force on the first day; an authorization ends
    // no later than its basis.
    let mut before_basis = s.input("W-H", "W", tn.id, vec![tn.department]);
    before_basis.legal_basis =
        Some(document_of(&s.app, "8/2025/QĐ-UBND", true, tn.id, "2025-09-01").await);
    assert_eq!(
        s.try_issue(before_basis).await.as_deref(),
        Some("BASIS_NOT_IN_FORCE")
    );
    let short = phancap::mandates::documents::create_document(
        s.app.db(),
        Authority::Cli,
        phancap::mandates::documents::CreateDocument {
            number: "9/QĐ-UBND".into(),
            doc_type: DocumentType::QdUbnd,
            issuer_unit: Some(tn.id),
            issuer_name: None,
            subject: "Về việc ủy quyền có thời hạn".into(),
            signer: None,
            signer_title: None,
            signer_capacity: None,
            recipients: Vec::new(),
            links: Vec::new(),
            issued_date: "2025-07-01".parse().unwrap(),
            effective_from: "2025-07-01".parse().unwrap(),
            effective_to: Some("2026-12-31".parse().unwrap()),
        },
    )
    .await
    .unwrap();
    let mut outliving = s.authorization("W-I", "W", tn.id, vec![tn.department]);
    outliving.legal_basis = Some(short.id);
    outliving.effective_to = Some("2075-12-31".parse().unwrap());
    assert_eq!(
        s.try_issue(outliving).await.as_deref(),
        Some("BASIS_ENDS_FIRST")
    );
    // UBND tỉnh authorizes its own Chủ tịch (Điều 14 k1): the same unit.
    let mut own_chair = s.authorization("W-J", "WJ", tn.id, vec![tn.id]);
    own_chair.legal_basis = Some(short.id);
    own_chair.effective_to = Some("2026-12-31".parse().unwrap());
    assert_eq!(s.try_issue(own_chair).await, None);
    // A public service unit under UBND tỉnh receives a decentralization.
    let hospital = phancap::units::admin::create_unit(
        s.app.db(),
        Authority::Cli,
        phancap::units::admin::CreateUnit {
            parent: tn.id,
            code: "19-BVDK".into(),
            name: "Bệnh viện Đa khoa tỉnh".into(),
            admin_type: entity::unit::AdminType::Dvsncl,
            valid_from: "2025-07-01".parse().unwrap(),
            valid_to: None,
        },
    )
    .await
    .unwrap();
    let to_hospital = s.input("W-K", "WK", tn.id, vec![hospital.id]);
    assert_eq!(s.try_issue(to_hospital).await, None);
    // R9: its head is authorized only what increases its autonomy.
    let authorize_hospital =
        |code: &str, matter: &str| s.authorization(code, matter, tn.id, vec![hospital.id]);
    assert_eq!(
        s.try_issue(authorize_hospital("W-L", "WL"))
            .await
            .as_deref(),
        Some("AUTONOMY_REQUIRED")
    );
    crate::helpers::catalogue(&s.app, "WM").await;
    let mut autonomy = phancap::mandates::matters::by_code(s.app.db(), "WM")
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    autonomy.autonomy_related = sea_orm::Set(true);
    autonomy.update(s.app.db()).await.unwrap();
    assert_eq!(s.try_issue(authorize_hospital("W-M", "WM")).await, None);
}

#[tokio::test]
async fn a_mandate_ends_by_an_instrument_of_its_own_form_or_before_it_starts() {
    let s = setup().await;
    let tn = &s.fixture.inside;
    let mut scheduled = s.input("X-A", "X", tn.id, vec![tn.department]);
    scheduled.effective_from = today() + Days::new(30);
    let scheduled = make_mandate(&s.app, scheduled, true).await;
    let report = instrument(&s.app, "45/BC-UBND", DocumentType::Bc, tn.id, "2025-01-01").await;
    let other = document_of(
        &s.app,
        "7/2025/QĐ-UBND",
        true,
        s.fixture.outside.id,
        "2025-01-01",
    )
    .await;
    let revoke = "mutation($input: RevokeMandateInput!) { revokeMandate(input: $input) { mandate { status effectiveTo } userErrors { code } } }";
    let day_before = (scheduled.effective_from - Days::new(1)).to_string();
    let vars = |doc: Uuid, last_day: &str| json!({ "input": { "id": gid(NodeKind::Mandate, scheduled.id), "document": gid(NodeKind::Document, doc), "lastDay": last_day } });
    for (doc, last_day, code) in [
        (report, day_before.as_str(), "WRONG_INSTRUMENT_TYPE"),
        (other, day_before.as_str(), "INSTRUMENT_NOT_DELEGATORS"),
        (s.letter, day_before.as_str(), "NOT_NORMATIVE"),
        (
            s.normative,
            &(scheduled.effective_from - Days::new(2)).to_string(),
            "INVALID_DATE",
        ),
    ] {
        let before = s.app.snapshot().await;
        let body = s.app.graphql_as(&s.root, revoke, vars(doc, last_day)).await;
        assert_eq!(
            body["data"]["revokeMandate"]["userErrors"][0]["code"], code,
            "{body}"
        );
        assert_eq!(s.app.snapshot().await, before, "{code} changed nothing");
    }
    // Withdrawn the day before its first day, by a normative decision of
    // the same UBND: never active.
    let body = s
        .app
        .graphql_as(&s.root, revoke, vars(s.ending, &day_before))
        .await;
    // Withdrawn: it reads REVOKED today already, and on every later date.
    assert_eq!(
        body["data"]["revokeMandate"]["mandate"],
        json!({ "status": "REVOKED", "effectiveTo": day_before }),
        "{body}"
    );
    let m = mandates::existing(s.app.db(), scheduled.id).await.unwrap();
    assert_eq!(
        read(&s, "X-A", &m.effective_from.to_string()).await["status"],
        "REVOKED"
    );
    // An unrelated law does not end it, nor a decision dated after the
    // day it would apply from; the province's decision ends its sở's
    // authorization.
    let other_matter = make_mandate(
        &s.app,
        s.input("X-B", "XB", tn.id, vec![tn.department]),
        true,
    )
    .await;
    let later = document_of(&s.app, "20/2026/QĐ-UBND", true, tn.id, &today().to_string()).await;
    let a_law = law(&s.app, "2/2020/QH14").await;
    for (doc, last_day, code) in [
        (a_law, today(), "WRONG_INSTRUMENT_TYPE"),
        // Issued today, it cannot end the mandate a month ago.
        (later, today() - Days::new(30), "DOCUMENT_NOT_IN_FORCE"),
        // The decision that made it does not end it.
        (s.normative, today(), "DOCUMENT_NOT_IN_FORCE"),
    ] {
        let body = s
            .app
            .graphql_as(
                &s.root,
                revoke,
                json!({ "input": { "id": gid(NodeKind::Mandate, other_matter.id), "document": gid(NodeKind::Document, doc), "lastDay": last_day.to_string() } }),
            )
            .await;
        assert_eq!(
            body["data"]["revokeMandate"]["userErrors"][0]["code"], code,
            "{body}"
        );
    }
    let to_so = make_mandate(
        &s.app,
        s.input("X-P", "XC", tn.id, vec![tn.department]),
        true,
    )
    .await;
    let mut onward = s.authorization("X-C", "XC", tn.department, vec![tn.commune]);
    onward.parent = Some(to_so.id);
    let by_so = make_mandate(&s.app, onward, true).await;
    let body = s
        .app
        .graphql_as(
            &s.root,
            revoke,
            json!({ "input": { "id": gid(NodeKind::Mandate, by_so.id), "document": gid(NodeKind::Document, later), "lastDay": today().to_string() } }),
        )
        .await;
    assert_eq!(
        body["data"]["revokeMandate"]["userErrors"],
        json!([]),
        "{body}"
    );
}

#[tokio::test]
async fn what_is_passed_on_lives_within_what_is_held() {
    let s = setup().await;
    let tn = &s.fixture.inside;
    let mut parent = s.input("O-A", "O", tn.id, vec![tn.department]);
    parent.effective_to = Some("2027-01-31".parse().unwrap());
    let parent = make_mandate(&s.app, parent, true).await;
    let onward = |code: &str, to: &str| {
        let mut input = s.authorization(code, "O", tn.department, vec![tn.commune]);
        input.parent = Some(parent.id);
        input.effective_to = Some(to.parse().unwrap());
        input
    };
    assert_eq!(
        s.try_issue(onward("O-B", "2030-12-31")).await.as_deref(),
        Some("OUTLIVES_PARENT")
    );
    assert_eq!(s.try_issue(onward("O-C", "2027-01-31")).await, None);
    // Nor can it be extended past its parent.
    let child = mandates::existing(s.app.db(), mandate_id(&s, "O-C").await)
        .await
        .unwrap();
    let extension = instrument(
        &s.app,
        "6/QĐ-SNV",
        DocumentType::QdSo,
        tn.department,
        "2025-01-01",
    )
    .await;
    let extended = mandates::extend_authorization(
        s.app.db(),
        Authority::Cli,
        child.id,
        "2028-12-31".parse().unwrap(),
        extension,
    )
    .await;
    assert!(
        matches!(&extended, Err(phancap::error::AppError::Rule { code, .. }) if *code == phancap::error::UserErrorCode::OutlivesParent),
        "{extended:?}"
    );
    // An amendment that takes the power from the sở would leave O-C
    // resting on nothing.
    crate::helpers::appraise_amendment(&s.app, &parent).await;
    let amend = "mutation($input: AmendMandateInput!) { amendMandate(input: $input) { mandate { code } userErrors { code } } }";
    let before = s.app.snapshot().await;
    let body = s
        .app
        .graphql_as(
            &s.root,
            amend,
            json!({ "input": { "id": gid(NodeKind::Mandate, parent.id), "code": "O-A2", "legalBasis": gid(NodeKind::Document, s.normative), "effectiveFrom": "2026-01-01", "delegatees": [gid(NodeKind::Unit, tn.commune)] } }),
        )
        .await;
    assert_eq!(
        body["data"]["amendMandate"]["userErrors"][0]["code"], "ONWARD_DEPENDENTS",
        "{body}"
    );
    assert_eq!(s.app.snapshot().await, before);
}

#[tokio::test]
async fn a_body_is_created_within_its_province_validity() {
    let s = setup().await;
    let (province, _, _) = with_legacy(&s).await;
    let root = phancap::users::service::by_username(s.app.db(), "root")
        .await
        .unwrap()
        .unwrap();
    phancap::users::service::grant_role(
        s.app.db(),
        Authority::Cli,
        root.id,
        entity::role_grant::Role::Admin,
        province,
    )
    .await
    .unwrap();
    let create = "mutation($input: CreateUnitInput!) { createUnit(input: $input) { unit { code validTo } userErrors { code } } }";
    let input = |valid_to: Option<&str>| json!({ "input": { "parent": gid(NodeKind::Unit, province), "code": "19-SCN", "name": "Sở Công nghiệp", "adminType": "SO", "validFrom": "2020-01-01", "validTo": valid_to } });
    let before = s.app.snapshot().await;
    for end in [None, Some("2026-01-01")] {
        let body = s.app.graphql_as(&s.root, create, input(end)).await;
        assert_eq!(
            body["data"]["createUnit"]["userErrors"][0]["code"], "OUTSIDE_PARENT_VALIDITY",
            "{body}"
        );
    }
    assert_eq!(s.app.snapshot().await, before);
    let body = s
        .app
        .graphql_as(&s.root, create, input(Some("2025-06-30")))
        .await;
    assert_eq!(
        body["data"]["createUnit"]["unit"]["validTo"], "2025-06-30",
        "{body}"
    );
}

async fn mandate_id(s: &Setup, code: &str) -> Uuid {
    let body = s
        .app
        .graphql_as(
            &s.root,
            "query($c: String!) { mandateByCode(code: $c) { id } }",
            json!({ "c": code }),
        )
        .await;
    let id = body["data"]["mandateByCode"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"));
    phancap::graphql::decode_id(&async_graphql::ID(id.to_owned()))
        .unwrap()
        .1
}

/// Loads Thái Nguyên's legacy districts and communes (and lineage).
async fn with_legacy(s: &Setup) -> (Uuid, Uuid, Uuid) {
    s.app
        .import_csv(
            Structure::Legacy,
            &bundled_rows("units-legacy.csv", &["19"]),
        )
        .await
        .unwrap();
    let on = "2025-01-01".parse().unwrap();
    let find = |code: &'static str| async move {
        phancap::units::service::find_by_code(s.app.db(), code, None, on)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let province = find("19").await;
    // The root holds every role over the legacy province too.
    let root = phancap::users::service::by_username(s.app.db(), "root")
        .await
        .unwrap()
        .unwrap();
    phancap::users::service::grant_role(
        s.app.db(),
        Authority::Cli,
        root.id,
        entity::role_grant::Role::Approver,
        province,
    )
    .await
    .unwrap();
    (province, find("164").await, find("05431").await)
}

#[tokio::test]
async fn rule_3_one_matter_spans_at_most_two_levels() {
    let s = setup().await;
    let (province, district, commune) = with_legacy(&s).await;
    let by_province = document_of(&s.app, "5/2023/QĐ-UBND", true, province, "2023-12-01").await;
    let by_district = document_of(&s.app, "6/2023/QĐ-UBND", true, district, "2023-12-01").await;
    let legacy = |code: &str, delegator, delegatees| {
        let mut input = s.input(code, "R3", delegator, delegatees);
        input.effective_from = "2024-01-01".parse().unwrap();
        input.legal_basis = Some(if delegator == province {
            by_province
        } else {
            by_district
        });
        input
    };
    let mut to_district = legacy("R3-A", province, vec![district]);
    to_district.allow_onward = true;
    let to_district = make_mandate(&s.app, to_district, true).await;
    let mut to_commune = legacy("R3-B", district, vec![commune]);
    to_commune.parent = Some(to_district.id);
    assert_eq!(
        s.try_issue(to_commune).await.as_deref(),
        Some("TOO_MANY_LEVELS")
    );
    // Province straight to a commune is two levels.
    let direct = legacy("R3-C", province, vec![commune]);
    let direct = MandateInput {
        matter_code: "R3C".into(),
        ..direct
    };
    assert_eq!(s.try_issue(direct).await, None);
}

#[tokio::test]
async fn rule_4_a_unit_delegates_only_what_it_holds() {
    let s = setup().await;
    let tn = &s.fixture.inside;
    catalogue_held_by(&s.app, "R4", entity::matter::MatterHolder::DepartmentByLaw).await;
    let by_department = s.authorization("R4-A", "R4", tn.department, vec![tn.commune]);
    assert_eq!(
        s.try_issue(by_department).await.as_deref(),
        Some("NOT_HELD")
    );
    // The law gives R4 to a sở; UBND tỉnh's own powers are never devolved.
    let mut not_the_holder = s.input("R4-X", "R4X", tn.id, vec![tn.department]);
    not_the_holder.kind = MandateKind::Devolution;
    not_the_holder.resources = Resources::default();
    not_the_holder.legal_basis = Some(law(&s.app, "3/2020/QH14").await);
    assert_eq!(
        s.try_issue(not_the_holder).await.as_deref(),
        Some("DEVOLUTION_NOT_TO_HOLDER")
    );
    // A power the catalogue gives Sở Y tế is not devolved to Sở Nội vụ.
    catalogue_held_by(
        &s.app,
        "R4-YT",
        entity::matter::MatterHolder::DepartmentByLaw,
    )
    .await;
    let mut yt = phancap::mandates::matters::by_code(s.app.db(), "R4-YT")
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    yt.holder_department = sea_orm::Set(Some("SYT".into()));
    yt.update(s.app.db()).await.unwrap();
    let mut to_the_wrong_so = s.input("R4-Y", "R4-YT", tn.id, vec![tn.department]);
    to_the_wrong_so.kind = MandateKind::Devolution;
    to_the_wrong_so.resources = Resources::default();
    to_the_wrong_so.legal_basis = Some(law(&s.app, "4/2020/QH14").await);
    assert_eq!(
        s.try_issue(to_the_wrong_so).await.as_deref(),
        Some("DEVOLUTION_NOT_TO_HOLDER")
    );
    // The law gives it to the sở, not to its director.
    let mut to_the_director = s.input("R4-H", "R4", tn.id, vec![tn.department]);
    to_the_director.kind = MandateKind::Devolution;
    to_the_director.delegatee_capacity = DelegatorCapacity::Head;
    to_the_director.resources = Resources::default();
    to_the_director.legal_basis = Some(law(&s.app, "5/2020/QH14").await);
    assert_eq!(
        s.try_issue(to_the_director).await.as_deref(),
        Some("DEVOLUTION_NOT_TO_HOLDER")
    );
    // Once the law's devolution to the department is recorded, it holds the matter.
    let mut devolution = s.input("R4-LAW", "R4", tn.id, vec![tn.department]);
    devolution.kind = MandateKind::Devolution;
    devolution.resources = Resources::default();
    devolution.legal_basis = Some(law(&s.app, "1/2020/QH14").await);
    make_mandate(&s.app, devolution, true).await;
    let by_department = s.authorization("R4-B", "R4", tn.department, vec![tn.commune]);
    assert_eq!(s.try_issue(by_department).await, None);
}

#[tokio::test]
async fn rule_5_one_lead_per_matter_and_territory() {
    let s = setup().await;
    let tn = &s.fixture.inside;
    make_mandate(
        &s.app,
        s.input("R5-A", "R5", tn.id, vec![tn.department]),
        true,
    )
    .await;
    // The department acts over the whole province, the commune inside it.
    let second = s.input("R5-B", "R5", tn.id, vec![tn.commune]);
    assert_eq!(
        s.try_issue(second).await.as_deref(),
        Some("OVERLAPPING_LEAD")
    );
    // Two delegatees of one mandate whose territories overlap.
    let pair = s.input("R5-P", "R5-PAIR", tn.id, vec![tn.department, tn.commune]);
    assert_eq!(s.try_issue(pair).await.as_deref(), Some("OVERLAPPING_LEAD"));
    // Two onward delegations from one parent to the same unit.
    let open = s.input("R5-S", "R5-SIB", tn.id, vec![tn.department]);
    let open = make_mandate(&s.app, open, true).await;
    let mut first = s.authorization("R5-S1", "R5-SIB", tn.department, vec![tn.commune]);
    first.parent = Some(open.id);
    assert_eq!(s.try_issue(first).await, None);
    let mut sibling = s.authorization("R5-S2", "R5-SIB", tn.department, vec![tn.commune]);
    sibling.parent = Some(open.id);
    assert_eq!(
        s.try_issue(sibling).await.as_deref(),
        Some("OVERLAPPING_LEAD")
    );
    let other_matter = s.input("R5-C", "R5-OTHER", tn.id, vec![tn.commune]);
    assert_eq!(s.try_issue(other_matter).await, None);
    // After a period that does not overlap, the matter can move.
    let mut later = s.input("R5-D", "R5", tn.id, vec![tn.commune]);
    let first = mandates::existing(s.app.db(), mandate_id(&s, "R5-A").await)
        .await
        .unwrap();
    mandates::revoke_mandate(
        s.app.db(),
        Authority::Cli,
        first.id,
        s.ending,
        "2025-12-31".parse().unwrap(),
    )
    .await
    .unwrap();
    later.effective_from = "2026-01-01".parse().unwrap();
    assert_eq!(s.try_issue(later).await, None);
}

#[tokio::test]
async fn rules_6_and_7_a_normative_basis_and_stated_resources() {
    let s = setup().await;
    let tn = &s.fixture.inside;
    let mut on_a_letter = s.input("R6-A", "R6", tn.id, vec![tn.department]);
    on_a_letter.legal_basis = Some(s.letter);
    assert_eq!(
        s.try_issue(on_a_letter).await.as_deref(),
        Some("NOT_NORMATIVE")
    );
    let mut no_basis = s.input("R6-B", "R6", tn.id, vec![tn.department]);
    no_basis.legal_basis = None;
    assert_eq!(
        s.try_issue(no_basis).await.as_deref(),
        Some("MISSING_LEGAL_BASIS")
    );
    let mut no_resources = s.input("R7-A", "R7", tn.id, vec![tn.department]);
    no_resources.resources = Resources::default();
    assert_eq!(
        s.try_issue(no_resources).await.as_deref(),
        Some("MISSING_RESOURCES")
    );
    let mut both = s.input("R7-B", "R7", tn.id, vec![tn.department]);
    both.resources.none_reason = Some("không phát sinh".into());
    assert_eq!(
        s.try_issue(both).await.as_deref(),
        Some("MISSING_RESOURCES")
    );
    let mut explicitly_none = s.input("R7-C", "R7", tn.id, vec![tn.department]);
    explicitly_none.resources = Resources {
        none_reason: Some("Thực hiện bằng bộ máy và kinh phí hiện có".into()),
        ..Resources::default()
    };
    assert_eq!(s.try_issue(explicitly_none).await, None);
}

const READ: &str = "query($code: String!, $asOf: Date) { mandateByCode(code: $code, asOf: $asOf) {
  code status effectiveTo
  assignments { status delegatee { code } successors { code } } } }";

async fn read(s: &Setup, code: &str, as_of: &str) -> Value {
    let body = s
        .app
        .graphql_as(&s.root, READ, json!({ "code": code, "asOf": as_of }))
        .await;
    body["data"]["mandateByCode"].clone()
}

#[tokio::test]
async fn status_follows_the_dates_without_anyone_touching_it() {
    let s = setup().await;
    let tn = &s.fixture.inside;
    let mut input = s.input("S-A", "S", tn.id, vec![tn.department]);
    input.kind = MandateKind::Authorization;
    input.delegatee_capacity = entity::mandate::DelegatorCapacity::Head;
    input.conditions = Some("Báo cáo hằng quý".into());
    input.effective_to = Some("2026-06-30".parse().unwrap());
    make_mandate(&s.app, input, true).await;
    make_mandate(
        &s.app,
        s.input("S-B", "S2", tn.id, vec![tn.department]),
        false,
    )
    .await;
    assert_eq!(read(&s, "S-A", "2025-07-15").await["status"], "SCHEDULED");
    assert_eq!(read(&s, "S-A", "2026-01-01").await["status"], "ACTIVE");
    assert_eq!(read(&s, "S-A", "2026-07-01").await["status"], "EXPIRED");
    assert_eq!(
        read(&s, "S-A", "2026-07-01").await["assignments"][0]["status"],
        "ENDED"
    );
    assert_eq!(read(&s, "S-B", "2026-01-01").await["status"], "DRAFT");
}

#[tokio::test]
async fn every_status_filter_lists_exactly_the_mandates_that_read_that_status() {
    let s = setup().await;
    let tn = &s.fixture.inside;
    // An onward delegation scheduled to start after its parent is
    // revoked: it ends before it ever starts.
    let parent = s.input("F-PAR", "F1", tn.id, vec![tn.department]);
    let parent = make_mandate(&s.app, parent, true).await;
    let mut early = s.authorization("F-REV", "F1", tn.department, vec![tn.commune]);
    early.parent = Some(parent.id);
    early.effective_from = "2027-06-01".parse().unwrap();
    make_mandate(&s.app, early, true).await;
    mandates::revoke_mandate(
        s.app.db(),
        Authority::Cli,
        parent.id,
        s.ending,
        "2027-01-31".parse().unwrap(),
    )
    .await
    .unwrap();
    make_mandate(
        &s.app,
        s.input("F-ACT", "F2", tn.id, vec![tn.department]),
        true,
    )
    .await;
    make_mandate(
        &s.app,
        s.input("F-DRA", "F3", tn.id, vec![tn.department]),
        false,
    )
    .await;
    let statuses = [
        "DRAFT",
        "SCHEDULED",
        "ACTIVE",
        "LAPSED",
        "EXPIRED",
        "REVOKED",
        "SUPERSEDED",
    ];
    for as_of in ["2026-01-15", "2027-01-31", "2027-03-01", "2027-07-01"] {
        let all = s
            .app
            .graphql_as(
                &s.root,
                "query($d: Date!) { mandates(asOf: $d, first: 100, filter: { search: \"F-\" }) { nodes { code status } } }",
                json!({ "d": as_of }),
            )
            .await;
        let all = all["data"]["mandates"]["nodes"].as_array().unwrap().clone();
        let mut listed = 0;
        for status in statuses {
            let body = s
                .app
                .graphql_as(
                    &s.root,
                    "query($d: Date!, $s: MandateStatus!) { mandates(asOf: $d, first: 100, filter: { search: \"F-\", status: $s }) { totalCount nodes { code status } } }",
                    json!({ "d": as_of, "s": status }),
                )
                .await;
            let found = &body["data"]["mandates"];
            let codes: Vec<&Value> = found["nodes"].as_array().unwrap().iter().collect();
            for node in &codes {
                assert_eq!(node["status"], status, "{as_of}: {body}");
            }
            let expected = all.iter().filter(|m| m["status"] == status).count();
            assert_eq!(codes.len(), expected, "{as_of} {status}: {body}");
            assert_eq!(found["totalCount"], expected, "{as_of} {status}");
            listed += codes.len();
        }
        assert_eq!(listed, all.len(), "{as_of}: every mandate has one status");
    }
    let revoked = read(&s, "F-REV", "2027-03-01").await;
    assert_eq!(revoked["status"], "REVOKED", "{revoked}");
}

#[tokio::test]
async fn a_mandate_to_an_abolished_district_lapses_and_is_transferred_to_its_successors() {
    let s = setup().await;
    let (province, district, _) = with_legacy(&s).await;
    let mut input = s.input("L-A", "L", province, vec![district]);
    input.effective_from = "2024-01-01".parse().unwrap();
    input.legal_basis =
        Some(document_of(&s.app, "5/2023/QĐ-UBND", true, province, "2023-12-01").await);
    let m = make_mandate(&s.app, input, true).await;
    let before = read(&s, "L-A", "2025-06-30").await;
    assert_eq!(before["status"], "ACTIVE");
    let lapsed = read(&s, "L-A", "2025-08-01").await;
    assert_eq!(lapsed["status"], "LAPSED", "{lapsed}");
    assert_eq!(lapsed["assignments"][0]["status"], "LAPSED");
    // The list filter decides as the field does: LAPSED finds it, ACTIVE
    // does not, on the same day; before the district ended, the reverse.
    let listed = |status: &'static str, as_of: &'static str| {
        let app = &s.app;
        let root = &s.root;
        async move {
            let body = app
                .graphql_as(
                    root,
                    "query($s: MandateStatus!, $d: Date!) { mandates(asOf: $d, filter: { status: $s, search: \"L-A\" }) { totalCount nodes { code status } } }",
                    json!({ "s": status, "d": as_of }),
                )
                .await;
            assert!(body["errors"].is_null(), "{body}");
            body["data"]["mandates"].clone()
        }
    };
    let found = listed("LAPSED", "2025-08-01").await;
    assert_eq!(found["totalCount"], 1, "{found}");
    assert_eq!(found["nodes"][0]["status"], "LAPSED");
    assert_eq!(listed("ACTIVE", "2025-08-01").await["totalCount"], 0);
    assert_eq!(listed("LAPSED", "2025-06-30").await["totalCount"], 0);
    assert_eq!(listed("ACTIVE", "2025-06-30").await["totalCount"], 1);
    let successors: Vec<&str> = lapsed["assignments"][0]["successors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert!(
        successors.contains(&"05482"),
        "Phường Quan Triều succeeds communes of TP Thái Nguyên: {successors:?}"
    );
    // The new province's coverage lists it: its district ended, and the
    // units that succeeded it lie in the new province.
    let body = s
        .app
        .graphql_as(
            &s.root,
            "query($id: ID!) { coverage(within: $id, asOf: \"2025-08-01\") { lapsed { matterCode status latest { code } } } }",
            json!({ "id": gid(NodeKind::Unit, s.fixture.inside.id) }),
        )
        .await;
    assert_eq!(
        body["data"]["coverage"]["lapsed"],
        json!([{ "matterCode": "L", "status": "LAPSED", "latest": { "code": "L-A" } }]),
        "{body}"
    );

    let assignment = mandates::assignments_of(s.app.db(), &[m.id]).await.unwrap()[0].id;
    let transfer =
        "mutation($input: TransferAssignmentsInput!) { transferAssignments(input: $input) {
        mandate { status assignments { status delegatee { code } } } userErrors { code } } }";
    let input = json!({ "input": {
        "assignment": gid(NodeKind::MandateAssignment, assignment),
        "document": gid(NodeKind::Document, s.normative),
        "effectiveFrom": "2025-07-01",
    } });
    // Only an APPROVER over the delegator's successor may carry it over.
    let viewer = s
        .app
        .token(&role_user(entity::role_grant::Role::Viewer))
        .await;
    let body = s.app.graphql_as(&viewer, transfer, input.clone()).await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let approver = s
        .app
        .token(&role_user(entity::role_grant::Role::Approver))
        .await;
    // viewerCan answers as the mutation will: the APPROVER may transfer
    // today (the district ended in 2025), the VIEWER may not.
    let can = "query($c: String!) { mandateByCode(code: $c) { viewerCan { transfer update } } }";
    let asked = s
        .app
        .graphql_as(&approver, can, json!({ "c": "L-A" }))
        .await;
    assert_eq!(
        asked["data"]["mandateByCode"]["viewerCan"],
        json!({ "transfer": true, "update": false }),
        "{asked}"
    );
    let asked = s.app.graphql_as(&viewer, can, json!({ "c": "L-A" })).await;
    assert_eq!(
        asked["data"]["mandateByCode"]["viewerCan"]["transfer"],
        false
    );
    // A report carries nothing over, and a transfer is recorded once it
    // applies.
    let report = instrument(
        &s.app,
        "269/BC-UBND",
        DocumentType::Bc,
        s.fixture.inside.id,
        "2025-07-01",
    )
    .await;
    let mut by_report = input.clone();
    by_report["input"]["document"] = json!(gid(NodeKind::Document, report));
    let mut ahead = input.clone();
    ahead["input"]["effectiveFrom"] = json!((today() + Days::new(10)).to_string());
    for (refused, code) in [
        (by_report, "WRONG_INSTRUMENT_TYPE"),
        (ahead, "INVALID_DATE"),
    ] {
        let before = s.app.snapshot().await;
        let body = s.app.graphql_as(&approver, transfer, refused).await;
        assert_eq!(
            body["data"]["transferAssignments"]["userErrors"][0]["code"], code,
            "{body}"
        );
        assert_eq!(s.app.snapshot().await, before);
    }
    let body = s.app.graphql_as(&approver, transfer, input.clone()).await;
    assert_eq!(
        body["data"]["transferAssignments"]["userErrors"],
        json!([]),
        "{body}"
    );
    let asked = s
        .app
        .graphql_as(&approver, can, json!({ "c": "L-A" }))
        .await;
    assert_eq!(
        asked["data"]["mandateByCode"]["viewerCan"]["transfer"], false,
        "{asked}"
    );
    let after = read(&s, "L-A", "2025-08-01").await;
    assert_eq!(after["status"], "ACTIVE", "{after}");
    let statuses: Vec<&str> = after["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses[0], "TRANSFERRED");
    assert_eq!(statuses.len(), 1 + successors.len());
    assert!(statuses[1..].iter().all(|s| *s == "ACTIVE"));
    let body = s.app.graphql_as(&approver, transfer, input).await;
    assert_eq!(
        body["data"]["transferAssignments"]["userErrors"][0]["code"],
        "ALREADY_TRANSFERRED"
    );
}

#[tokio::test]
async fn an_amendment_supersedes_and_a_revocation_ends_onward_delegations() {
    let s = setup().await;
    let tn = &s.fixture.inside;
    let parent = s.input("A-A", "A", tn.id, vec![tn.department]);
    let parent = make_mandate(&s.app, parent, true).await;
    let mut child = s.authorization("A-B", "A", tn.department, vec![tn.commune]);
    child.parent = Some(parent.id);
    make_mandate(&s.app, child, true).await;
    crate::helpers::appraise_amendment(&s.app, &parent).await;

    let amend = "mutation($input: AmendMandateInput!) { amendMandate(input: $input) { mandate { code status } userErrors { code } } }";
    let body = s
        .app
        .graphql_as(
            &s.root,
            amend,
            json!({ "input": { "id": gid(NodeKind::Mandate, parent.id), "code": "A-A2", "legalBasis": gid(NodeKind::Document, s.normative),
                "effectiveFrom": "2026-01-01", "title": "Nội dung đã sửa đổi" } }),
        )
        .await;
    assert_eq!(
        body["data"]["amendMandate"]["userErrors"],
        json!([]),
        "{body}"
    );
    assert_eq!(read(&s, "A-A", "2026-02-01").await["status"], "SUPERSEDED");
    assert_eq!(read(&s, "A-A", "2025-12-31").await["status"], "ACTIVE");
    assert_eq!(read(&s, "A-A2", "2026-02-01").await["status"], "ACTIVE");

    let new = mandate_id(&s, "A-A2").await;
    let child = mandates::existing(s.app.db(), mandate_id(&s, "A-B").await)
        .await
        .unwrap();
    assert_eq!(
        child.parent_mandate_id,
        Some(new),
        "onward delegations rest on the amended version"
    );
    let revoke = "mutation($input: RevokeMandateInput!) { revokeMandate(input: $input) { mandate { effectiveTo } userErrors { code } } }";
    let body = s
        .app
        .graphql_as(&s.root, revoke, json!({ "input": { "id": gid(NodeKind::Mandate, new), "document": gid(NodeKind::Document, s.ending), "lastDay": "2026-06-30" } }))
        .await;
    assert_eq!(
        body["data"]["revokeMandate"]["mandate"]["effectiveTo"], "2026-06-30",
        "{body}"
    );
    assert_eq!(read(&s, "A-A2", "2026-07-01").await["status"], "REVOKED");
    assert_eq!(
        read(&s, "A-B", "2026-07-01").await["status"],
        "REVOKED",
        "the onward delegation ends with it"
    );
    let body = s
        .app
        .graphql_as(&s.root, revoke, json!({ "input": { "id": gid(NodeKind::Mandate, new), "document": gid(NodeKind::Document, s.ending), "lastDay": "2026-05-30" } }))
        .await;
    assert_eq!(
        body["data"]["revokeMandate"]["userErrors"][0]["code"],
        "NOT_REVOCABLE"
    );
}

#[tokio::test]
async fn an_authorization_is_extended_and_shows_among_the_expiring() {
    let s = setup().await;
    let tn = &s.fixture.inside;
    let mut input = s.input("E-A", "E", tn.id, vec![tn.department]);
    input.kind = MandateKind::Authorization;
    input.delegatee_capacity = entity::mandate::DelegatorCapacity::Head;
    input.conditions = Some("Báo cáo hằng quý".into());
    input.legal_basis = Some(s.letter);
    input.effective_to = Some(today() + Days::new(10));
    let m = make_mandate(&s.app, input, true).await;
    let decentralization = make_mandate(
        &s.app,
        s.input("E-B", "E2", tn.id, vec![tn.department]),
        true,
    )
    .await;
    let expiring = "query($days: Int!) { expiringAuthorizations(withinDays: $days) { code } }";
    let body = s.app.graphql(expiring, json!({ "days": 30 })).await;
    assert_eq!(
        body["data"]["expiringAuthorizations"],
        json!([{ "code": "E-A" }]),
        "{body}"
    );
    let body = s.app.graphql(expiring, json!({ "days": 5 })).await;
    assert_eq!(body["data"]["expiringAuthorizations"], json!([]));
    let body = s.app.graphql(expiring, json!({ "days": 400 })).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");

    let extend = "mutation($input: ExtendAuthorizationInput!) { extendAuthorization(input: $input) { mandate { effectiveTo } userErrors { code } } }";
    let new_end = (today() + Days::new(90)).to_string();
    let vars = |id: Uuid, end: &str| json!({ "input": { "id": gid(NodeKind::Mandate, id), "effectiveTo": end, "document": gid(NodeKind::Document, s.ending_letter) } });
    let body = s
        .app
        .graphql_as(&s.root, extend, vars(m.id, &new_end))
        .await;
    assert_eq!(
        body["data"]["extendAuthorization"]["mandate"]["effectiveTo"],
        new_end.as_str(),
        "{body}"
    );
    let body = s
        .app
        .graphql_as(&s.root, extend, vars(m.id, &today().to_string()))
        .await;
    assert_eq!(
        body["data"]["extendAuthorization"]["userErrors"][0]["code"],
        "INVALID_DATE"
    );
    let body = s
        .app
        .graphql_as(&s.root, extend, vars(decentralization.id, &new_end))
        .await;
    assert_eq!(
        body["data"]["extendAuthorization"]["userErrors"][0]["code"],
        "NOT_AUTHORIZATION"
    );
    let body = s.app.graphql(expiring, json!({ "days": 30 })).await;
    assert_eq!(body["data"]["expiringAuthorizations"], json!([]));
}

#[tokio::test]
async fn anonymous_callers_see_active_mandates_only_and_drafts_stay_in_scope() {
    let s = setup().await;
    let tn = &s.fixture.inside;
    let active = make_mandate(
        &s.app,
        s.input("V-A", "V", tn.id, vec![tn.department]),
        true,
    )
    .await;
    let draft = make_mandate(
        &s.app,
        s.input("V-B", "V2", tn.id, vec![tn.department]),
        false,
    )
    .await;
    let list = "{ mandates(first: 50) { edges { node { code } } } }";
    let codes = |body: Value| -> Vec<String> {
        body["data"]["mandates"]["edges"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"))
            .iter()
            .map(|e| e["node"]["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(codes(s.app.graphql(list, json!({})).await), ["V-A"]);
    assert_eq!(
        codes(s.app.graphql_as(&s.root, list, json!({})).await),
        ["V-A", "V-B"]
    );
    let node = "query($id: ID!) { node(id: $id) { ... on Mandate { code } } }";
    let body = s
        .app
        .graphql(node, json!({ "id": gid(NodeKind::Mandate, draft.id) }))
        .await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    let body = s
        .app
        .graphql(node, json!({ "id": gid(NodeKind::Mandate, active.id) }))
        .await;
    assert_eq!(body["data"]["node"]["code"], "V-A");
    // A user whose grants do not cover the delegator sees no draft.
    let token = s.app.viewer_over("outsider", s.fixture.outside.id).await;
    let body = s
        .app
        .graphql_as(
            &token,
            node,
            json!({ "id": gid(NodeKind::Mandate, draft.id) }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    // Units list what they hold and what they delegated.
    let body = s
        .app
        .graphql(
            "query($id: ID!, $p: ID!) { dept: node(id: $id) { ... on Unit { mandatesHeld { code } } } prov: node(id: $p) { ... on Unit { mandatesDelegated { code } } } }",
            json!({ "id": gid(NodeKind::Unit, tn.department), "p": gid(NodeKind::Unit, tn.id) }),
        )
        .await;
    assert_eq!(
        body["data"]["dept"]["mandatesHeld"],
        json!([{ "code": "V-A" }]),
        "{body}"
    );
    assert_eq!(
        body["data"]["prov"]["mandatesDelegated"],
        json!([{ "code": "V-A" }])
    );
}

#[tokio::test]
async fn coverage_returns_revoked_matters_to_their_holder_and_lists_the_lapsed() {
    let s = setup().await;
    let tn = &s.fixture.inside;
    let kept = make_mandate(
        &s.app,
        s.input("C-A", "C1", tn.id, vec![tn.department]),
        true,
    )
    .await;
    let dropped = make_mandate(&s.app, s.input("C-B", "C2", tn.id, vec![tn.commune]), true).await;
    mandates::revoke_mandate(
        s.app.db(),
        Authority::Cli,
        dropped.id,
        s.ending,
        "2025-12-31".parse().unwrap(),
    )
    .await
    .unwrap();
    // A department that ends leaves its matters without a holder.
    let body = s
        .app
        .body(tn.id, "19-BQL", "2025-07-01".parse().unwrap(), None)
        .await;
    make_mandate(&s.app, s.input("C-C", "C3", tn.id, vec![body]), true).await;
    phancap::units::admin::end_unit(
        s.app.db(),
        Authority::Cli,
        body,
        "2025-12-31".parse().unwrap(),
    )
    .await
    .unwrap();
    // A revoked matter is back with its original holder, not a gap; the
    // one whose delegatee ended has lapsed, awaiting transfer.
    let query = "query($id: ID!) { coverage(within: $id, asOf: \"2026-01-15\") { matters entries { matterCode status latest { code } } gaps { matterCode } lapsed { matterCode } overlaps { matterCode } } }";
    let vars = json!({ "id": gid(NodeKind::Unit, tn.id) });
    let body = s.app.graphql_as(&s.root, query, vars.clone()).await;
    let coverage = &body["data"]["coverage"];
    assert_eq!(coverage["matters"], 3, "{body}");
    assert_eq!(
        coverage["entries"],
        json!([
            { "matterCode": "C1", "status": "DELEGATED", "latest": { "code": "C-A" } },
            { "matterCode": "C2", "status": "ORIGINAL", "latest": { "code": "C-B" } },
            { "matterCode": "C3", "status": "LAPSED", "latest": { "code": "C-C" } }
        ])
    );
    assert_eq!(coverage["gaps"], json!([]));
    assert_eq!(coverage["lapsed"], json!([{ "matterCode": "C3" }]));
    assert_eq!(coverage["overlaps"], json!([]));
    let _ = kept;
    let body = s.app.graphql(query, vars.clone()).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    let token = s.app.viewer_over("outsider", s.fixture.outside.id).await;
    let body = s.app.graphql_as(&token, query, vars).await;
    assert_eq!(error_code(&body), "FORBIDDEN");
}

#[tokio::test]
async fn each_document_and_lifecycle_rule_has_its_code_and_changes_nothing() {
    let s = setup().await;
    crate::helpers::catalogue(&s.app, "LC9").await;
    let tn = &s.fixture.inside;
    let unit = |id| gid(NodeKind::Unit, id);
    let doc = gid(NodeKind::Document, s.normative);
    let issued = make_mandate(
        &s.app,
        s.input("LC-A", "LC", tn.id, vec![tn.department]),
        true,
    )
    .await;
    let draft = make_mandate(
        &s.app,
        s.input("LC-B", "LC2", tn.id, vec![tn.department]),
        false,
    )
    .await;
    let revoked = make_mandate(
        &s.app,
        s.input("LC-C", "LC3", tn.id, vec![tn.commune]),
        true,
    )
    .await;
    mandates::revoke_mandate(
        s.app.db(),
        Authority::Cli,
        revoked.id,
        s.ending,
        "2025-12-31".parse().unwrap(),
    )
    .await
    .unwrap();
    let mut auth = s.input("LC-D", "LC4", tn.id, vec![tn.department]);
    auth.kind = MandateKind::Authorization;
    auth.delegatee_capacity = entity::mandate::DelegatorCapacity::Head;
    auth.conditions = Some("Báo cáo".into());
    auth.legal_basis = Some(s.letter);
    auth.effective_to = Some("2025-12-31".parse().unwrap());
    let mut past = auth.clone();
    past.code = "LC-F".into();
    past.matter_code = "LC6".into();
    let lapsed_by_date = make_mandate(&s.app, past, true).await;
    let expired = make_mandate(&s.app, auth, true).await;
    mandates::revoke_mandate(
        s.app.db(),
        Authority::Cli,
        expired.id,
        s.ending,
        "2025-10-31".parse().unwrap(),
    )
    .await
    .unwrap();
    // A body that ends, with a mandate whose assignment then lapses.
    let body = s
        .app
        .body(tn.id, "19-BQL", "2025-07-01".parse().unwrap(), None)
        .await;
    let to_body = make_mandate(&s.app, s.input("LC-E", "LC5", tn.id, vec![body]), true).await;
    phancap::units::admin::end_unit(s.app.db(), Authority::Cli, body, today() - Days::new(1))
        .await
        .unwrap();
    let lapsed = mandates::assignments_of(s.app.db(), &[to_body.id])
        .await
        .unwrap()[0]
        .id;
    let live = mandates::assignments_of(s.app.db(), &[issued.id])
        .await
        .unwrap()[0]
        .id;

    let create_document = "mutation($input: CreateDocumentInput!) { createDocument(input: $input) { document { id } userErrors { code } } }";
    let draft_mandate = "mutation($input: DraftMandateInput!) { draftMandate(input: $input) { mandate { id } userErrors { code } } }";
    let update = "mutation($input: UpdateDraftMandateInput!) { updateDraftMandate(input: $input) { mandate { id } userErrors { code } } }";
    let amend = "mutation($input: AmendMandateInput!) { amendMandate(input: $input) { mandate { id } userErrors { code } } }";
    let revoke = "mutation($input: RevokeMandateInput!) { revokeMandate(input: $input) { mandate { id } userErrors { code } } }";
    let extend = "mutation($input: ExtendAuthorizationInput!) { extendAuthorization(input: $input) { mandate { id } userErrors { code } } }";
    let transfer = "mutation($input: TransferAssignmentsInput!) { transferAssignments(input: $input) { mandate { id } userErrors { code } } }";
    let new_draft = |code: &str, title: &str, delegatees: Vec<String>| {
        json!({ "code": code, "title": title, "sector": "XAY_DUNG", "matterCode": "LC9", "kind": "DECENTRALIZATION",
                "delegator": unit(tn.id), "effectiveFrom": "2026-01-01", "delegatees": delegatees })
    };
    let m = |id: Uuid| gid(NodeKind::Mandate, id);
    let cases: Vec<(&str, &str, Value, &str)> = vec![
        (
            "createDocument",
            create_document,
            json!({ "number": " ", "type": "QD_UBND", "subject": "Thử", "issuer": unit(tn.id), "issuedDate": "2026-01-01" }),
            "INVALID_NUMBER",
        ),
        (
            "createDocument",
            create_document,
            json!({ "number": "5/QĐ-UBND", "type": "QD_UBND", "subject": "Thử", "issuer": unit(tn.id), "issuedDate": "2026-01-01", "effectiveFrom": "2025-12-01" }),
            "INVALID_DATE",
        ),
        (
            "createDocument",
            create_document,
            json!({ "number": "5/2026/QH15", "type": "LUAT", "subject": "Thử", "issuedDate": "2026-01-01" }),
            "MISSING_ISSUER",
        ),
        (
            "createDocument",
            create_document,
            json!({ "number": "1/2025/QĐ-UBND", "type": "QD_UBND", "subject": "Thử", "issuer": unit(tn.id), "issuedDate": "2025-01-01" }),
            "DUPLICATE_DOCUMENT",
        ),
        (
            "draftMandate",
            draft_mandate,
            new_draft("LC-A", "Tên", vec![unit(tn.department)]),
            "DUPLICATE_CODE",
        ),
        (
            "draftMandate",
            draft_mandate,
            new_draft("bad code!", "Tên", vec![unit(tn.department)]),
            "INVALID_CODE",
        ),
        (
            "draftMandate",
            draft_mandate,
            new_draft("LC-N", " ", vec![unit(tn.department)]),
            "INVALID_TEXT",
        ),
        (
            "draftMandate",
            draft_mandate,
            new_draft("LC-N", "Tên", vec![]),
            "INVALID_DELEGATEES",
        ),
        (
            "draftMandate",
            draft_mandate,
            new_draft(
                "LC-N",
                "Tên",
                vec![unit(tn.department), unit(tn.department)],
            ),
            "INVALID_DELEGATEES",
        ),
        (
            "updateDraftMandate",
            update,
            json!({ "id": m(issued.id), "title": "Khác" }),
            "NOT_DRAFT",
        ),
        (
            "amendMandate",
            amend,
            json!({ "id": m(draft.id), "code": "LC-X", "legalBasis": doc, "effectiveFrom": "2026-02-01" }),
            "NOT_AMENDABLE",
        ),
        (
            "amendMandate",
            amend,
            json!({ "id": m(issued.id), "code": "LC-X", "legalBasis": doc, "effectiveFrom": "2025-08-01" }),
            "INVALID_DATE",
        ),
        (
            "revokeMandate",
            revoke,
            json!({ "id": m(issued.id), "document": doc, "lastDay": "2025-01-01" }),
            "INVALID_DATE",
        ),
        (
            "extendAuthorization",
            extend,
            json!({ "id": m(expired.id), "document": doc, "effectiveTo": "2027-01-01" }),
            "NOT_ACTIVE",
        ),
        (
            "extendAuthorization",
            extend,
            json!({ "id": m(lapsed_by_date.id), "document": doc, "effectiveTo": "2027-01-01" }),
            "NOT_ACTIVE",
        ),
        (
            "transferAssignments",
            transfer,
            json!({ "assignment": gid(NodeKind::MandateAssignment, live), "document": doc, "effectiveFrom": today().to_string() }),
            "NOT_LAPSED",
        ),
        (
            "transferAssignments",
            transfer,
            json!({ "assignment": gid(NodeKind::MandateAssignment, lapsed), "document": doc, "effectiveFrom": today().to_string() }),
            "NO_SUCCESSOR",
        ),
    ];
    for (field, query, input, code) in cases {
        let before = s.app.snapshot().await;
        let body = s
            .app
            .graphql_as(&s.root, query, json!({ "input": input }))
            .await;
        assert!(body["errors"].is_null(), "{field} {code}: {body}");
        assert_eq!(
            body["data"][field]["userErrors"][0]["code"], code,
            "{field}: {body}"
        );
        assert_eq!(
            s.app.snapshot().await,
            before,
            "{field} {code} changed nothing"
        );
    }
}

/// A list of mandates with their delegators, bases, parents, assignments
/// and delegatees costs a few statements whether it holds 3 mandates or 12.
#[tokio::test]
async fn nested_mandate_reads_cost_one_statement_per_level() {
    let s = setup().await;
    let tn = &s.fixture.inside;
    let query = "{ mandates(first: 100) { nodes { code status delegator { code } legalBasis { number }
        parent { code } onward { code } assignments { status delegatee { code parent { code } } } } } }";
    let mut counts = Vec::new();
    let mut made = 0;
    for total in [3, 12] {
        while made < total {
            let commune_or_dept = if made % 2 == 0 {
                tn.department
            } else {
                tn.commune
            };
            let input = s.input(
                &format!("N-{made:02}"),
                &format!("N{made}"),
                tn.id,
                vec![commune_or_dept],
            );
            make_mandate(&s.app, input, true).await;
            made += 1;
        }
        let before = s.app.statements.get();
        let body = s.app.graphql(query, json!({})).await;
        counts.push(s.app.statements.get() - before);
        assert_eq!(
            body["data"]["mandates"]["nodes"].as_array().unwrap().len(),
            total,
            "{body}"
        );
    }
    // Seven levels of loading (list, units, documents, parents, onward,
    // assignments, their units' parents); loaders may merge levels whose
    // keys arrive in the same turn of the scheduler, never split a level per row.
    assert!(
        counts.iter().all(|n| (5..=8).contains(n)),
        "statements for 3 and for 12 mandates: {counts:?}"
    );
}

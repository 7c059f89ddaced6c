//! Every mutation × every role × a target inside and outside the role's
//! scope: allowed only for its role (ADMIN for units, users and grants,
//! APPROVER for documents, mandates and the compiled report, COORDINATOR
//! for regimes, periods, compilation and reminders, REPORTER and REVIEWER
//! for unit reports, ADMIN for others' e-mail addresses and webhooks; for the annual evaluation COORDINATOR opens and
//! compiles, REPORTER saves, APPROVER submits, returns, assesses and
//! accepts) inside, FORBIDDEN otherwise,
//! UNAUTHENTICATED without a token; a refused call changes nothing and an
//! allowed one appends exactly one audit event (two where it opens a
//! follow-up task). Every mutation of the
//! schema has a row here or a reason in [`EXEMPT`].

use std::collections::BTreeSet;

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
use entity::mandate::MandateKind;
use entity::role_grant::Role;
use phancap::auth::Authority;
use phancap::graphql::NodeKind;
use phancap::units::admin;
use phancap::users::service as users;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    Province, ROLES, TestApp, accept_report, appraisal_report, catalogue, current_quarter,
    document_of, error_code, fill_report, gid, instrument, make_mandate, mandate_input,
    reporting_cycle, reporting_cycle_in, role_user, spawn_app, submit_report, today,
};
use entity::proposal::ProposalStatus;

/// A row of the matrix. Every variant must be in [`MUTATIONS`] (one left
/// out is never constructed, which the dead-code lint refuses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    DiscardDraftMandate,
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
    SignReport,
    RecordPaperReport,
    SaveCompiledReport,
    SubmitCompiledReport,
    ReopenReport,
    ReopenCompiledReport,
    ReturnCompiledReport,
    RemindMissing,
    CreateProposal,
    UpdateProposal,
    SubmitProposal,
    WithdrawProposal,
    TakeUpProposal,
    ReturnProposal,
    RejectProposal,
    RequestOpinions,
    AnswerOpinion,
    RequestAppraisal,
    AppraiseProposal,
    RecordAppraisal,
    SubmitForDecision,
    DecideProposal,
    SetDelegationPolicy,
    ProposeFromEvaluation,
    OpenEvaluationRound,
    SaveSelfAssessment,
    SubmitSelfAssessment,
    ReturnSelfAssessment,
    AssessEvaluation,
    CompileEvaluation,
    AcceptEvaluation,
    CreateInspection,
    StartInspection,
    RecordInspectionFinding,
    ProposeFromFinding,
    ConcludeInspection,
    AddInspectionRecommendation,
    CloseInspectionRecommendation,
    CloseInspection,
    CreatePlan,
    AddPlanTask,
    ReportTaskProgress,
    CompleteTask,
    ContributeToTask,
    AcceptTask,
    ReturnTask,
    RecordTriggerDocument,
    TransferTask,
    SetEmail,
    DeactivateWebhook,
    Redeliver,
}

/// The parts of the matrix that run as tests of their own, each on its own
/// database, so that the harness runs them side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Domain {
    UnitsAndUsers,
    Mandates,
    UnitReports,
    CompiledReports,
    Proposals,
    Evaluations,
    Inspections,
    Plans,
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
            | Mutation::DeactivateUser
            | Mutation::SetDelegationPolicy
            | Mutation::SetEmail
            | Mutation::DeactivateWebhook
            | Mutation::Redeliver => Role::Admin,
            Mutation::CreateDocument
            | Mutation::DraftMandate
            | Mutation::UpdateDraftMandate
            | Mutation::IssueMandate
            | Mutation::DiscardDraftMandate
            | Mutation::AmendMandate
            | Mutation::RevokeMandate
            | Mutation::ExtendAuthorization
            | Mutation::TransferAssignments
            | Mutation::AcceptCompiledReport
            | Mutation::ReturnCompiledReport
            | Mutation::SignReport
            | Mutation::ReopenCompiledReport
            | Mutation::SubmitSelfAssessment
            | Mutation::ReturnSelfAssessment
            | Mutation::AssessEvaluation
            | Mutation::AcceptEvaluation
            | Mutation::SubmitProposal
            | Mutation::WithdrawProposal
            | Mutation::TakeUpProposal
            | Mutation::ReturnProposal
            | Mutation::RejectProposal
            | Mutation::RequestOpinions
            | Mutation::AnswerOpinion
            | Mutation::RequestAppraisal
            | Mutation::SubmitForDecision
            | Mutation::DecideProposal => Role::Approver,
            Mutation::CreateRegime
            | Mutation::OpenPeriods
            | Mutation::CompileReport
            | Mutation::SaveCompiledReport
            | Mutation::SubmitCompiledReport
            | Mutation::RemindMissing
            | Mutation::OpenEvaluationRound
            | Mutation::CompileEvaluation
            | Mutation::CreatePlan
            | Mutation::AddPlanTask
            | Mutation::AcceptTask
            | Mutation::ReturnTask
            | Mutation::RecordTriggerDocument
            | Mutation::TransferTask => Role::Coordinator,
            Mutation::SaveReportDraft
            | Mutation::SubmitReport
            | Mutation::SaveSelfAssessment
            | Mutation::CreateProposal
            | Mutation::UpdateProposal
            | Mutation::ProposeFromEvaluation
            | Mutation::ReportTaskProgress
            | Mutation::CompleteTask
            | Mutation::ContributeToTask => Role::Reporter,
            Mutation::AppraiseProposal | Mutation::RecordAppraisal => Role::LegalReviewer,
            Mutation::CreateInspection
            | Mutation::StartInspection
            | Mutation::RecordInspectionFinding
            | Mutation::ProposeFromFinding
            | Mutation::ConcludeInspection
            | Mutation::AddInspectionRecommendation
            | Mutation::CloseInspectionRecommendation
            | Mutation::CloseInspection => Role::Inspector,
            Mutation::ReturnReport
            | Mutation::AcceptReport
            | Mutation::RecordPaperReport
            | Mutation::ReopenReport => Role::Reviewer,
        }
    }

    /// The audit events an allowed call appends: one, but two for
    /// addInspectionRecommendation, whose follow-up task is recorded by
    /// its own `createTask` event (plans' create_task_in).
    fn events(self) -> u64 {
        match self {
            Mutation::AddInspectionRecommendation => 2,
            _ => 1,
        }
    }

    /// Its field of the schema's Mutation type.
    fn field(self) -> &'static str {
        match self {
            Mutation::CreateUnit => "createUnit",
            Mutation::UpdateUnit => "updateUnit",
            Mutation::EndUnit => "endUnit",
            Mutation::CreateUser => "createUser",
            Mutation::GrantRole => "grantRole",
            Mutation::RevokeGrant => "revokeGrant",
            Mutation::DeactivateUser => "deactivateUser",
            Mutation::CreateDocument => "createDocument",
            Mutation::DraftMandate => "draftMandate",
            Mutation::UpdateDraftMandate => "updateDraftMandate",
            Mutation::IssueMandate => "issueMandate",
            Mutation::DiscardDraftMandate => "discardDraftMandate",
            Mutation::AmendMandate => "amendMandate",
            Mutation::RevokeMandate => "revokeMandate",
            Mutation::ExtendAuthorization => "extendAuthorization",
            Mutation::TransferAssignments => "transferAssignments",
            Mutation::CreateRegime => "createRegime",
            Mutation::OpenPeriods => "openPeriods",
            Mutation::SaveReportDraft => "saveReportDraft",
            Mutation::SubmitReport => "submitReport",
            Mutation::ReturnReport => "returnReport",
            Mutation::AcceptReport => "acceptReport",
            Mutation::CompileReport => "compileReport",
            Mutation::AcceptCompiledReport => "acceptCompiledReport",
            Mutation::ReturnCompiledReport => "returnCompiledReport",
            Mutation::RemindMissing => "remindMissing",
            Mutation::SignReport => "signReport",
            Mutation::RecordPaperReport => "recordPaperReport",
            Mutation::SaveCompiledReport => "saveCompiledReport",
            Mutation::SubmitCompiledReport => "submitCompiledReport",
            Mutation::ReopenReport => "reopenReport",
            Mutation::ReopenCompiledReport => "reopenCompiledReport",
            Mutation::CreateProposal => "createProposal",
            Mutation::UpdateProposal => "updateProposal",
            Mutation::SubmitProposal => "submitProposal",
            Mutation::WithdrawProposal => "withdrawProposal",
            Mutation::TakeUpProposal => "takeUpProposal",
            Mutation::ReturnProposal => "returnProposal",
            Mutation::RejectProposal => "rejectProposal",
            Mutation::RequestOpinions => "requestOpinions",
            Mutation::AnswerOpinion => "answerOpinion",
            Mutation::RequestAppraisal => "requestAppraisal",
            Mutation::AppraiseProposal => "appraiseProposal",
            Mutation::RecordAppraisal => "recordAppraisal",
            Mutation::SubmitForDecision => "submitForDecision",
            Mutation::DecideProposal => "decideProposal",
            Mutation::SetDelegationPolicy => "setDelegationPolicy",
            Mutation::ProposeFromEvaluation => "proposeFromEvaluation",
            Mutation::OpenEvaluationRound => "openEvaluationRound",
            Mutation::SaveSelfAssessment => "saveSelfAssessment",
            Mutation::SubmitSelfAssessment => "submitSelfAssessment",
            Mutation::ReturnSelfAssessment => "returnSelfAssessment",
            Mutation::AssessEvaluation => "assessEvaluation",
            Mutation::CompileEvaluation => "compileEvaluation",
            Mutation::AcceptEvaluation => "acceptEvaluation",
            Mutation::CreateInspection => "createInspection",
            Mutation::StartInspection => "startInspection",
            Mutation::RecordInspectionFinding => "recordInspectionFinding",
            Mutation::ProposeFromFinding => "proposeFromFinding",
            Mutation::ConcludeInspection => "concludeInspection",
            Mutation::AddInspectionRecommendation => "addInspectionRecommendation",
            Mutation::CloseInspectionRecommendation => "closeInspectionRecommendation",
            Mutation::CloseInspection => "closeInspection",
            Mutation::CreatePlan => "createPlan",
            Mutation::AddPlanTask => "addPlanTask",
            Mutation::ReportTaskProgress => "reportTaskProgress",
            Mutation::CompleteTask => "completeTask",
            Mutation::ContributeToTask => "contributeToTask",
            Mutation::AcceptTask => "acceptTask",
            Mutation::ReturnTask => "returnTask",
            Mutation::RecordTriggerDocument => "recordTriggerDocument",
            Mutation::TransferTask => "transferTask",
            Mutation::SetEmail => "setEmail",
            Mutation::DeactivateWebhook => "deactivateWebhook",
            Mutation::Redeliver => "redeliver",
        }
    }

    /// The test it runs in.
    fn domain(self) -> Domain {
        match self {
            Mutation::CreateUnit
            | Mutation::UpdateUnit
            | Mutation::EndUnit
            | Mutation::CreateUser
            | Mutation::GrantRole
            | Mutation::RevokeGrant
            | Mutation::DeactivateUser
            | Mutation::SetEmail
            | Mutation::DeactivateWebhook
            | Mutation::Redeliver => Domain::UnitsAndUsers,
            Mutation::CreateDocument
            | Mutation::DraftMandate
            | Mutation::UpdateDraftMandate
            | Mutation::IssueMandate
            | Mutation::DiscardDraftMandate
            | Mutation::AmendMandate
            | Mutation::RevokeMandate
            | Mutation::ExtendAuthorization
            | Mutation::TransferAssignments => Domain::Mandates,
            Mutation::CreateRegime
            | Mutation::OpenPeriods
            | Mutation::SaveReportDraft
            | Mutation::SubmitReport
            | Mutation::ReturnReport
            | Mutation::AcceptReport
            | Mutation::SignReport
            | Mutation::RecordPaperReport
            | Mutation::ReopenReport => Domain::UnitReports,
            Mutation::CompileReport
            | Mutation::AcceptCompiledReport
            | Mutation::ReturnCompiledReport
            | Mutation::SaveCompiledReport
            | Mutation::SubmitCompiledReport
            | Mutation::ReopenCompiledReport
            | Mutation::RemindMissing => Domain::CompiledReports,
            Mutation::CreateProposal
            | Mutation::UpdateProposal
            | Mutation::SubmitProposal
            | Mutation::WithdrawProposal
            | Mutation::TakeUpProposal
            | Mutation::ReturnProposal
            | Mutation::RejectProposal
            | Mutation::RequestOpinions
            | Mutation::AnswerOpinion
            | Mutation::RequestAppraisal
            | Mutation::AppraiseProposal
            | Mutation::RecordAppraisal
            | Mutation::SubmitForDecision
            | Mutation::DecideProposal
            | Mutation::SetDelegationPolicy
            | Mutation::ProposeFromEvaluation => Domain::Proposals,
            Mutation::OpenEvaluationRound
            | Mutation::SaveSelfAssessment
            | Mutation::SubmitSelfAssessment
            | Mutation::ReturnSelfAssessment
            | Mutation::AssessEvaluation
            | Mutation::CompileEvaluation
            | Mutation::AcceptEvaluation => Domain::Evaluations,
            Mutation::CreateInspection
            | Mutation::StartInspection
            | Mutation::RecordInspectionFinding
            | Mutation::ProposeFromFinding
            | Mutation::ConcludeInspection
            | Mutation::AddInspectionRecommendation
            | Mutation::CloseInspectionRecommendation
            | Mutation::CloseInspection => Domain::Inspections,
            Mutation::CreatePlan
            | Mutation::AddPlanTask
            | Mutation::ReportTaskProgress
            | Mutation::CompleteTask
            | Mutation::ContributeToTask
            | Mutation::AcceptTask
            | Mutation::ReturnTask
            | Mutation::RecordTriggerDocument
            | Mutation::TransferTask => Domain::Plans,
        }
    }

    /// A second role that may run it too inside its scope (the plan's
    /// APPROVER beside its COORDINATOR, the lead's APPROVER beside its
    /// REPORTER): the matrix skips it inside, where the domain's own tests
    /// show it allowed, and holds it refused outside.
    fn also_allowed(self) -> Option<Role> {
        match self {
            Mutation::CreatePlan | Mutation::AddPlanTask => Some(Role::Approver),
            Mutation::ReportTaskProgress | Mutation::CompleteTask | Mutation::ContributeToTask => {
                Some(Role::Approver)
            }
            _ => None,
        }
    }
}

const MUTATIONS: [Mutation; 75] = [
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
    Mutation::DiscardDraftMandate,
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
    Mutation::SignReport,
    Mutation::RecordPaperReport,
    Mutation::SaveCompiledReport,
    Mutation::SubmitCompiledReport,
    Mutation::ReopenReport,
    Mutation::ReopenCompiledReport,
    Mutation::CreateProposal,
    Mutation::UpdateProposal,
    Mutation::SubmitProposal,
    Mutation::WithdrawProposal,
    Mutation::TakeUpProposal,
    Mutation::ReturnProposal,
    Mutation::RejectProposal,
    Mutation::RequestOpinions,
    Mutation::AnswerOpinion,
    Mutation::RequestAppraisal,
    Mutation::AppraiseProposal,
    Mutation::RecordAppraisal,
    Mutation::SubmitForDecision,
    Mutation::DecideProposal,
    Mutation::SetDelegationPolicy,
    Mutation::ProposeFromEvaluation,
    Mutation::OpenEvaluationRound,
    Mutation::SaveSelfAssessment,
    Mutation::SubmitSelfAssessment,
    Mutation::ReturnSelfAssessment,
    Mutation::AssessEvaluation,
    Mutation::CompileEvaluation,
    Mutation::AcceptEvaluation,
    Mutation::CreateInspection,
    Mutation::StartInspection,
    Mutation::RecordInspectionFinding,
    Mutation::ProposeFromFinding,
    Mutation::ConcludeInspection,
    Mutation::AddInspectionRecommendation,
    Mutation::CloseInspectionRecommendation,
    Mutation::CloseInspection,
    Mutation::CreatePlan,
    Mutation::AddPlanTask,
    Mutation::ReportTaskProgress,
    Mutation::CompleteTask,
    Mutation::ContributeToTask,
    Mutation::AcceptTask,
    Mutation::ReturnTask,
    Mutation::RecordTriggerDocument,
    Mutation::TransferTask,
    Mutation::SetEmail,
    Mutation::DeactivateWebhook,
    Mutation::Redeliver,
];

/// The mutations of the schema that have no role × scope rule, so no row,
/// and why. Each must still be a mutation of the schema.
const EXEMPT: [(&str, &str); 11] = [
    (
        "registerWebhook",
        "by the caller's kind, not a unit: service accounts and ADMINs anywhere own the webhooks they register: only_service_accounts_and_admins_register_webhooks",
    ),
    (
        "login",
        "public: it is how a caller gets a token, so no role or scope applies",
    ),
    (
        "changePassword",
        "any signed-in user, on their own account only: every_signed_in_user_may_change_only_their_own_password",
    ),
    (
        "addHoliday",
        "the calendar is national, ADMIN anywhere with no unit to be inside or outside: only_an_admin_may_add_a_holiday",
    ),
    (
        "createMatter",
        "the catalogue of powers is national, ADMIN or LEGAL_REVIEWER anywhere with no unit to be inside or outside: only_an_admin_or_a_legal_reviewer_keeps_the_catalogue",
    ),
    (
        "updateMatter",
        "the catalogue of powers is national, ADMIN or LEGAL_REVIEWER anywhere: only_an_admin_or_a_legal_reviewer_keeps_the_catalogue",
    ),
    (
        "detachFile",
        "the rights of attachFile (one service check), tested with it: a reporter is refused, the issuer's APPROVER removes, a second removal is NOT_FOUND: an_upload_is_signed_in_typed_by_its_content_and_bounded",
    ),
    (
        "attachFile",
        "sent as a multipart request, which this matrix's JSON requests cannot carry; APPROVER over the issuer as createDocument: an_upload_is_signed_in_typed_by_its_content_and_bounded",
    ),
    (
        "importMandates",
        "sent as a multipart request, which this matrix's JSON requests cannot carry; APPROVER (guard), then each row APPROVER over its delegator as draftMandate: a_row_outside_the_approvers_scope_is_out_of_scope_and_other_roles_are_refused",
    ),
    (
        "importReportFigures",
        "sent as a multipart request, which this matrix's JSON requests cannot carry; REPORTER (guard), then each row REPORTER of its unit on a report still with it, as saveReportDraft: figures_of_a_unit_outside_the_reporters_scope_or_of_a_submitted_report_are_refused",
    ),
    (
        "importMatters",
        "the catalogue of powers is national, ADMIN or LEGAL_REVIEWER anywhere: only_an_admin_or_a_legal_reviewer_keeps_the_catalogue",
    ),
];

/// The fields of the schema's mutation type.
fn schema_mutations() -> BTreeSet<String> {
    let document = parse_schema(phancap::schema::sdl()).expect("the SDL parses");
    let root = document
        .definitions
        .iter()
        .find_map(|definition| match definition {
            TypeSystemDefinition::Schema(schema) => schema.node.mutation.as_ref(),
            _ => None,
        })
        .map_or("Mutation", |name| name.node.as_str())
        .to_owned();
    let mut fields = BTreeSet::new();
    for definition in &document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            continue;
        };
        if ty.node.name.node.as_str() != root {
            continue;
        }
        if let TypeKind::Object(object) = &ty.node.kind {
            fields.extend(object.fields.iter().map(|f| f.node.name.node.to_string()));
        }
    }
    assert!(!fields.is_empty(), "the SDL has no {root} fields");
    fields
}

/// Fails naming every mutation of the schema that has neither a row nor a
/// reason, every row or exemption that names no mutation, and every name
/// listed twice.
#[test]
fn every_mutation_of_the_schema_has_a_row_or_a_reason() {
    let schema = schema_mutations();
    let mut problems = Vec::new();
    let mut rows = BTreeSet::new();
    for mutation in MUTATIONS {
        if !rows.insert(mutation.field()) {
            problems.push(format!("{} has two rows", mutation.field()));
        }
    }
    let mut exempt = BTreeSet::new();
    for (name, why) in EXEMPT {
        if why.trim().is_empty() {
            problems.push(format!("{name} is exempt without a reason"));
        }
        if rows.contains(name) {
            problems.push(format!("{name} has a row and is exempt"));
        }
        if !exempt.insert(name) {
            problems.push(format!("{name} is exempt twice"));
        }
    }
    for name in &schema {
        if !rows.contains(name.as_str()) && !exempt.contains(name.as_str()) {
            problems.push(format!(
                "{name} has no row in the authorization matrix: add one, \
                 or an entry in EXEMPT saying why none applies"
            ));
        }
    }
    for name in rows.iter().chain(&exempt) {
        if !schema.contains(*name) {
            problems.push(format!("{name} is listed but is no mutation of the schema"));
        }
    }
    assert!(problems.is_empty(), "\n  {}", problems.join("\n  "));
}

/// A target of a mutation: the operation and its variables.
struct Target {
    query: String,
    variables: Value,
}

fn target(query: &str, variables: Value) -> Target {
    Target {
        query: query.into(),
        variables,
    }
}

/// A webhook of a new service account homed in `province`.
async fn webhook_of(app: &TestApp, province: &Province, n: usize) -> Uuid {
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
    let owner = app
        .create_user(&format!("lien-thong{n}"), province.id, None)
        .await;
    entity::webhook::Model {
        id: Uuid::now_v7(),
        owner_user_id: owner,
        url: "http://127.0.0.1:9/hook".into(),
        secret: "0".repeat(64),
        topics: "REPORT_REMINDER".into(),
        active: true,
        created_at: chrono::Utc::now(),
        deactivated_at: None,
    }
    .into_active_model()
    .insert(app.db())
    .await
    .unwrap()
    .id
}

/// A DELIVERED delivery to a webhook of [`webhook_of`].
async fn delivered_of(app: &TestApp, province: &Province, n: usize) -> Uuid {
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
    let hook = webhook_of(app, province, n).await;
    let now = chrono::Utc::now();
    let notice = entity::notice::Model {
        id: Uuid::now_v7(),
        topic: entity::notice::Topic::ReportReminder,
        entity_type: "Unit".into(),
        entity_id: province.id,
        unit_id: province.id,
        unit_path: format!("/{}/", province.id),
        recipient_user_id: None,
        recipient_unit_id: None,
        recipient_path: None,
        recipient_role: None,
        subject: "Thử".into(),
        body: "Thử".into(),
        payload: "{}".into(),
        dedupe_key: None,
        created_at: now,
    }
    .into_active_model()
    .insert(app.db())
    .await
    .unwrap();
    entity::delivery::Model {
        id: Uuid::now_v7(),
        notice_id: notice.id,
        channel: entity::delivery::Channel::Webhook,
        webhook_id: Some(hook),
        email: None,
        status: entity::delivery::DeliveryStatus::Delivered,
        attempts: 1,
        next_attempt_at: now,
        claimed_until: None,
        last_error: None,
        last_status_code: Some(200),
        delivered_at: Some(now),
        created_at: now,
    }
    .into_active_model()
    .insert(app.db())
    .await
    .unwrap()
    .id
}

/// Drafts a lawful mandate of `province` to its department.
async fn draft(app: &TestApp, province: &Province, n: usize) -> Uuid {
    let basis = document_of(
        app,
        &format!("8{n}/2025/QĐ-UBND"),
        true,
        province.id,
        "2025-01-01",
    )
    .await;
    let input = mandate_input(
        &format!("M-{n}"),
        &format!("X{n}"),
        province.id,
        vec![province.department],
        basis,
    );
    make_mandate(app, input, false).await.id
}

/// A proposal of `province`'s commune to its department (delegating
/// matter X{n} to the commune), moved from the command line up to
/// `upto`; returns it and its version. Its draft is a decentralization
/// resting on 8{n}/2025/QĐ-UBND once decided.
pub(crate) async fn proposal_at(
    app: &TestApp,
    province: &Province,
    n: usize,
    upto: ProposalStatus,
) -> (Uuid, i32) {
    use phancap::proposals::{consult, decide, service as proposals};
    let db = app.db();
    catalogue(app, &format!("X{n}")).await;
    let input = proposals::ProposalInput {
        kind: entity::proposal::ProposalKind::Delegate,
        title: format!("Đề xuất {n}"),
        proposing_unit: province.commune,
        drafting_unit: province.department,
        justification: "Giảm thời gian giải quyết thủ tục".into(),
        matter_codes: vec![format!("X{n}")],
        targets: vec![province.commune],
        concerned_mandates: Vec::new(),
        attachments: Vec::new(),
        legal_basis: None,
        legal_basis_article: None,
        resources: phancap::mandates::service::Resources {
            staff: Some(1),
            ..Default::default()
        },
        requires_resolution: false,
        evaluation: None,
        inspection_finding: None,
    };
    let mut p = proposals::create_proposal(db, Authority::Cli, input)
        .await
        .unwrap();
    let steps = [
        ProposalStatus::Draft,
        ProposalStatus::Submitted,
        ProposalStatus::Drafting,
        ProposalStatus::InAppraisal,
        ProposalStatus::Appraised,
        ProposalStatus::AwaitingDecision,
    ];
    for next in steps.into_iter().skip(1) {
        if steps.iter().position(|s| *s == p.status) >= steps.iter().position(|s| *s == upto) {
            break;
        }
        p = match next {
            ProposalStatus::Submitted => {
                proposals::submit_proposal(db, Authority::Cli, p.id, p.version).await
            }
            ProposalStatus::Drafting => {
                let p = proposals::take_up_proposal(db, Authority::Cli, p.id)
                    .await
                    .unwrap();
                let basis = document_of(
                    app,
                    &format!("8{n}/2025/QĐ-UBND"),
                    true,
                    province.id,
                    "2025-07-15",
                )
                .await;
                let mut input = mandate_input(
                    &format!("P-{n}"),
                    &format!("X{n}"),
                    province.id,
                    vec![province.commune],
                    basis,
                );
                input.legal_basis = None;
                input.proposal = Some(p.id);
                phancap::mandates::service::draft_mandate(db, Authority::Cli, input)
                    .await
                    .unwrap();
                Ok(p)
            }
            ProposalStatus::InAppraisal => {
                consult::request_appraisal(db, Authority::Cli, p.id).await
            }
            ProposalStatus::Appraised => {
                let number = format!("{n}/BCTĐ-STP");
                let report =
                    crate::helpers::appraisal_report_numbered(app, province.id, &number).await;
                let appraisal = consult::AppraisalInput {
                    report,
                    conclusion: entity::appraisal::Conclusion::Eligible,
                    summary: None,
                    notes: Vec::new(),
                };
                consult::appraise_proposal(db, Authority::Cli, p.id, appraisal)
                    .await
                    .map(|(p, _)| p)
            }
            _ => {
                let ttr = instrument(
                    app,
                    &format!("{n}/TTr-SNV"),
                    entity::document::DocumentType::Ttr,
                    province.department,
                    "2025-07-01",
                )
                .await;
                decide::submit_for_decision(db, Authority::Cli, p.id, ttr).await
            }
        }
        .unwrap();
    }
    assert_eq!(p.status, upto);
    (p.id, p.version)
}

/// Issues an authorization of `province` to its department ending in 30
/// days; returns it and a later decision that may amend, revoke or extend
/// it.
async fn authorization(app: &TestApp, province: &Province, n: usize) -> (Uuid, Uuid) {
    let basis = document_of(
        app,
        &format!("8{n}/2025/QĐ-UBND"),
        true,
        province.id,
        "2025-01-01",
    )
    .await;
    let mut input = mandate_input(
        &format!("M-{n}"),
        &format!("X{n}"),
        province.id,
        vec![province.department],
        basis,
    );
    input.kind = MandateKind::Authorization;
    input.delegatee_capacity = entity::mandate::DelegatorCapacity::Head;
    input.conditions = Some("Báo cáo hằng quý".into());
    input.effective_to = Some(today() + chrono::Days::new(30));
    let later = document_of(
        app,
        &format!("7{n}/2025/QĐ-UBND"),
        true,
        province.id,
        "2025-01-01",
    )
    .await;
    (make_mandate(app, input, true).await.id, later)
}

/// Compiles the province report of a fresh cycle; returns it and its version.
/// A compiled report of a fresh cycle in `province`: Sở Nội vụ's draft,
/// with its assessment written; sent to UBND tỉnh when `submitted`.
async fn compiled(app: &TestApp, province: &Province, n: usize) -> (Uuid, i32) {
    compiled_as(app, province, n, true).await
}

async fn compiled_as(app: &TestApp, province: &Province, n: usize, submitted: bool) -> (Uuid, i32) {
    use phancap::reporting::reports::{self, CompiledText, Review};
    let db = app.db();
    let cycle = reporting_cycle(app, province, n).await;
    accept_report(app, cycle.report, 2.0).await;
    let compiled = reports::compile(db, Authority::Cli, cycle.period)
        .await
        .unwrap()
        .report;
    let text = CompiledText {
        assessment: Some("Các đơn vị thực hiện đầy đủ".into()),
        ..CompiledText::default()
    };
    let saved = reports::save_compiled(db, Authority::Cli, compiled.id, compiled.version, text)
        .await
        .unwrap()
        .report;
    if !submitted {
        return (saved.id, saved.version);
    }
    let sent = reports::submit(
        db,
        Authority::Cli,
        saved.id,
        saved.version,
        Review::Compiled,
    )
    .await
    .unwrap()
    .report;
    (sent.id, sent.version)
}

/// Prepares a fresh target of `mutation` in `province`. The future of
/// one match arm per mutation is large (it overflowed a test thread's
/// stack on PostgreSQL), so it lives on the heap.
fn prepare<'a>(
    app: &'a TestApp,
    mutation: Mutation,
    province: &'a Province,
    n: usize,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Target> + Send + 'a>> {
    Box::pin(prepare_in_place(app, mutation, province, n))
}

async fn prepare_in_place(
    app: &TestApp,
    mutation: Mutation,
    province: &Province,
    n: usize,
) -> Target {
    let db = app.db();
    let unit = |id| gid(NodeKind::Unit, id);
    match mutation {
        Mutation::CreateUnit => target(
            "mutation($input: CreateUnitInput!) { createUnit(input: $input) { unit { id } userErrors { code } } }",
            json!({ "input": { "parent": unit(province.id), "code": format!("T-{n}"), "name": "Ban thử", "adminType": "BAN" } }),
        ),
        Mutation::UpdateUnit => target(
            "mutation($input: UpdateUnitInput!) { updateUnit(input: $input) { unit { name } userErrors { code } } }",
            json!({ "input": { "id": unit(province.department), "name": format!("Sở Nội vụ (đổi tên {n})") } }),
        ),
        Mutation::EndUnit => {
            let body = app
                .body(province.id, &format!("E-{n}"), today(), None)
                .await;
            target(
                "mutation($input: EndUnitInput!) { endUnit(input: $input) { unit { validTo } userErrors { code } } }",
                json!({ "input": { "id": unit(body), "validTo": today().to_string() } }),
            )
        }
        Mutation::CreateUser => target(
            "mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { code } } }",
            json!({ "input": { "username": format!("new.user{n}"), "fullName": "Người mới", "homeUnit": unit(province.id), "kind": "SERVICE" } }),
        ),
        Mutation::GrantRole => {
            let user = app
                .create_user(&format!("grantee{n}"), province.id, None)
                .await;
            target(
                "mutation($input: GrantRoleInput!) { grantRole(input: $input) { grant { id } userErrors { code } } }",
                json!({ "input": { "user": gid(NodeKind::User, user), "role": "ADMIN", "scope": unit(province.commune) } }),
            )
        }
        Mutation::RevokeGrant => {
            let user = app
                .create_user(&format!("revokee{n}"), province.id, None)
                .await;
            let grant = users::grant_role(db, Authority::Cli, user, Role::Viewer, province.commune)
                .await
                .unwrap();
            target(
                "mutation($input: RevokeGrantInput!) { revokeGrant(input: $input) { grant { revokedAt } userErrors { code } } }",
                json!({ "input": { "grant": gid(NodeKind::RoleGrant, grant.id) } }),
            )
        }
        Mutation::DeactivateUser => {
            let user = app
                .create_user(&format!("leaver{n}"), province.id, None)
                .await;
            target(
                "mutation($input: DeactivateUserInput!) { deactivateUser(input: $input) { user { active } userErrors { code } } }",
                json!({ "input": { "user": gid(NodeKind::User, user) } }),
            )
        }
        Mutation::SetEmail => {
            let user = app
                .create_user(&format!("mailer{n}"), province.id, None)
                .await;
            target(
                "mutation($input: SetEmailInput!) { setEmail(input: $input) { user { email } userErrors { code } } }",
                json!({ "input": { "user": gid(NodeKind::User, user), "email": format!("hop-thu{n}@example.gov.vn") } }),
            )
        }
        Mutation::DeactivateWebhook => {
            let hook = webhook_of(app, province, n).await;
            target(
                "mutation($input: DeactivateWebhookInput!) { deactivateWebhook(input: $input) { webhook { active } userErrors { code } } }",
                json!({ "input": { "webhook": gid(NodeKind::Webhook, hook) } }),
            )
        }
        Mutation::Redeliver => {
            let delivery = delivered_of(app, province, n).await;
            target(
                "mutation($input: RedeliverInput!) { redeliver(input: $input) { delivery { status } userErrors { code } } }",
                json!({ "input": { "delivery": gid(NodeKind::WebhookDelivery, delivery) } }),
            )
        }
        Mutation::CreateDocument => target(
            "mutation($input: CreateDocumentInput!) { createDocument(input: $input) { document { id } userErrors { code } } }",
            json!({ "input": { "number": format!("{n}/2026/QĐ-UBND"), "type": "QD_UBND", "subject": "Văn bản thử", "issuer": unit(province.id), "issuedDate": "2026-01-05" } }),
        ),
        Mutation::DraftMandate => {
            let basis = document_of(
                app,
                &format!("8{n}/2025/QĐ-UBND"),
                true,
                province.id,
                "2025-01-01",
            )
            .await;
            crate::helpers::catalogue(app, &format!("X{n}")).await;
            target(
                "mutation($input: DraftMandateInput!) { draftMandate(input: $input) { mandate { id } userErrors { code } } }",
                json!({ "input": {
                    "code": format!("M-{n}"), "title": "Cấp phép", "sector": "XAY_DUNG", "matterCode": format!("X{n}"),
                    "kind": "DECENTRALIZATION", "delegator": unit(province.id), "legalBasis": gid(NodeKind::Document, basis),
                    "resources": { "staff": 1 }, "effectiveFrom": "2026-01-01", "delegatees": [unit(province.department)],
                } }),
            )
        }
        Mutation::UpdateDraftMandate => {
            let id = gid(NodeKind::Mandate, draft(app, province, n).await);
            target(
                "mutation($input: UpdateDraftMandateInput!) { updateDraftMandate(input: $input) { mandate { title } userErrors { code } } }",
                json!({ "input": { "id": id, "title": "Tên mới" } }),
            )
        }
        Mutation::IssueMandate => {
            let id = gid(NodeKind::Mandate, draft(app, province, n).await);
            target(
                "mutation($input: IssueMandateInput!) { issueMandate(input: $input) { mandate { status } userErrors { code } } }",
                json!({ "input": { "id": id } }),
            )
        }
        Mutation::DiscardDraftMandate => {
            let id = gid(NodeKind::Mandate, draft(app, province, n).await);
            target(
                "mutation($input: IssueMandateInput!) { discardDraftMandate(input: $input) { mandate { code } userErrors { code } } }",
                json!({ "input": { "id": id } }),
            )
        }
        Mutation::AmendMandate => {
            let (id, basis) = authorization(app, province, n).await;
            target(
                "mutation($input: AmendMandateInput!) { amendMandate(input: $input) { mandate { code } userErrors { code } } }",
                json!({ "input": {
                    "id": gid(NodeKind::Mandate, id), "code": format!("M-{n}-A"), "legalBasis": gid(NodeKind::Document, basis),
                    "effectiveFrom": (today() + chrono::Days::new(1)).to_string(),
                } }),
            )
        }
        Mutation::RevokeMandate => {
            let (id, basis) = authorization(app, province, n).await;
            target(
                "mutation($input: RevokeMandateInput!) { revokeMandate(input: $input) { mandate { code } userErrors { code } } }",
                json!({ "input": { "id": gid(NodeKind::Mandate, id), "document": gid(NodeKind::Document, basis), "lastDay": today().to_string() } }),
            )
        }
        Mutation::ExtendAuthorization => {
            let (id, basis) = authorization(app, province, n).await;
            target(
                "mutation($input: ExtendAuthorizationInput!) { extendAuthorization(input: $input) { mandate { code } userErrors { code } } }",
                json!({ "input": {
                    "id": gid(NodeKind::Mandate, id), "document": gid(NodeKind::Document, basis),
                    "effectiveTo": (today() + chrono::Days::new(60)).to_string(),
                } }),
            )
        }
        Mutation::TransferAssignments => {
            let body = app
                .body(
                    province.id,
                    &format!("L-{n}"),
                    "2025-07-01".parse().unwrap(),
                    None,
                )
                .await;
            let basis = document_of(
                app,
                &format!("8{n}/2025/QĐ-UBND"),
                true,
                province.id,
                "2025-01-01",
            )
            .await;
            let input = mandate_input(
                &format!("M-{n}"),
                &format!("X{n}"),
                province.id,
                vec![body],
                basis,
            );
            let m = make_mandate(app, input, true).await;
            admin::end_unit(db, Authority::Cli, body, today() - chrono::Days::new(1))
                .await
                .unwrap();
            let assignment = phancap::mandates::service::assignments_of(db, &[m.id])
                .await
                .unwrap()[0]
                .id;
            target(
                "mutation($input: TransferAssignmentsInput!) { transferAssignments(input: $input) { mandate { code } userErrors { code } } }",
                json!({ "input": {
                    "assignment": gid(NodeKind::MandateAssignment, assignment),
                    "successors": [unit(province.department)],
                    "document": gid(NodeKind::Document, basis),
                    "effectiveFrom": today().to_string(),
                } }),
            )
        }
        Mutation::CreateRegime => target(
            "mutation($input: CreateRegimeInput!) { createRegime(input: $input) { regime { id } userErrors { code } } }",
            json!({ "input": {
                "code": format!("BC-NEW-{n}"), "name": "Báo cáo quý", "content": "Phân cấp", "recipient": unit(province.department),
                "frequency": "QUARTER", "deadlineDays": 5, "compiledDeadlineDays": 10,
                "indicators": [{ "code": "HO_SO", "name": "Hồ sơ", "measure": "hồ sơ", "aggregation": "SUM" }],
            } }),
        ),
        Mutation::OpenPeriods => {
            let cycle = reporting_cycle(app, province, n).await;
            target(
                "mutation($input: OpenPeriodsInput!) { openPeriods(input: $input) { periods { period } userErrors { code } } }",
                json!({ "input": { "regime": gid(NodeKind::Regime, cycle.regime), "periods": ["2027Q1"] } }),
            )
        }
        Mutation::SaveReportDraft => {
            let cycle = reporting_cycle(app, province, n).await;
            target(
                "mutation($input: SaveReportDraftInput!) { saveReportDraft(input: $input) { report { status } userErrors { code } } }",
                json!({ "input": { "report": gid(NodeKind::Report, cycle.report), "expectedVersion": 1, "results": "Kết quả" } }),
            )
        }
        Mutation::SubmitReport => {
            let cycle = reporting_cycle(app, province, n).await;
            let version = fill_report(app, cycle.report, 2.0).await;
            target(
                "mutation($input: ReportTransitionInput!) { submitReport(input: $input) { report { status } userErrors { code } } }",
                json!({ "input": { "report": gid(NodeKind::Report, cycle.report), "expectedVersion": version } }),
            )
        }
        Mutation::ReturnReport => {
            let cycle = reporting_cycle(app, province, n).await;
            let version = submit_report(app, cycle.report, 2.0).await;
            target(
                "mutation($input: ReturnReportInput!) { returnReport(input: $input) { report { status } userErrors { code } } }",
                json!({ "input": { "report": gid(NodeKind::Report, cycle.report), "expectedVersion": version, "reason": "Thiếu số liệu" } }),
            )
        }
        Mutation::AcceptReport => {
            let cycle = reporting_cycle(app, province, n).await;
            let version = submit_report(app, cycle.report, 2.0).await;
            target(
                "mutation($input: ReportTransitionInput!) { acceptReport(input: $input) { report { status } userErrors { code } } }",
                json!({ "input": { "report": gid(NodeKind::Report, cycle.report), "expectedVersion": version } }),
            )
        }
        Mutation::CompileReport => {
            let cycle = reporting_cycle(app, province, n).await;
            accept_report(app, cycle.report, 3.0).await;
            target(
                "mutation($input: PeriodInput!) { compileReport(input: $input) { report { status } userErrors { code } } }",
                json!({ "input": { "period": gid(NodeKind::ReportingPeriod, cycle.period) } }),
            )
        }
        Mutation::AcceptCompiledReport => {
            let (report, version) = compiled(app, province, n).await;
            target(
                "mutation($input: AcceptCompiledReportInput!) { acceptCompiledReport(input: $input) { report { status } userErrors { code } } }",
                json!({ "input": { "report": gid(NodeKind::Report, report), "expectedVersion": version, "directions": "Giao Sở Nội vụ theo dõi" } }),
            )
        }
        Mutation::SignReport => {
            let cycle = reporting_cycle_in(app, province, n, &current_quarter()).await;
            let version = fill_report(app, cycle.report, 2.0).await;
            target(
                "mutation($input: SignReportInput!) { signReport(input: $input) { report { signature { number } } userErrors { code } } }",
                json!({ "input": { "report": gid(NodeKind::Report, cycle.report), "expectedVersion": version,
                    "number": format!("{}/BC-UBND", 100 + n), "signerName": "Nguyễn Văn A", "signerTitle": "Chủ tịch", "signedOn": today().to_string() } }),
            )
        }
        Mutation::RecordPaperReport => {
            let cycle = reporting_cycle_in(app, province, n, &current_quarter()).await;
            let mandate = entity::report_item::Entity::find()
                .filter(entity::report_item::Column::ReportId.eq(cycle.report))
                .one(db)
                .await
                .unwrap()
                .unwrap()
                .mandate_id;
            target(
                "mutation($input: RecordPaperReportInput!) { recordPaperReport(input: $input) { report { status } userErrors { code } } }",
                json!({ "input": { "report": gid(NodeKind::Report, cycle.report), "expectedVersion": 1,
                    "number": format!("{}/BC-UBND", 100 + n), "signerName": "Nguyễn Văn A", "signerTitle": "Chủ tịch",
                    "signedOn": today().to_string(), "receivedOn": today().to_string(),
                    "content": { "results": "Đã thực hiện", "values": [{ "indicator": "HO_SO", "value": 3 }],
                        "items": [{ "mandate": gid(NodeKind::Mandate, mandate), "implementationStatus": "DONE", "received": 3,
                            "resolvedOnTime": 3, "resolvedLate": 0, "pending": 0, "proposal": "KEEP" }] } } }),
            )
        }
        Mutation::SaveCompiledReport => {
            let (report, version) = compiled_as(app, province, n, false).await;
            target(
                "mutation($input: SaveCompiledReportInput!) { saveCompiledReport(input: $input) { report { status } userErrors { code } } }",
                json!({ "input": { "report": gid(NodeKind::Report, report), "expectedVersion": version, "recommendations": "Kiến nghị" } }),
            )
        }
        Mutation::SubmitCompiledReport => {
            let (report, version) = compiled_as(app, province, n, false).await;
            target(
                "mutation($input: ReportTransitionInput!) { submitCompiledReport(input: $input) { report { status } userErrors { code } } }",
                json!({ "input": { "report": gid(NodeKind::Report, report), "expectedVersion": version } }),
            )
        }
        Mutation::ReopenReport => {
            let cycle = reporting_cycle(app, province, n).await;
            let version = accept_report(app, cycle.report, 2.0).await;
            target(
                "mutation($input: ReturnReportInput!) { reopenReport(input: $input) { report { status } userErrors { code } } }",
                json!({ "input": { "report": gid(NodeKind::Report, cycle.report), "expectedVersion": version, "reason": "Sai số liệu" } }),
            )
        }
        Mutation::ReopenCompiledReport => {
            let (report, version) = compiled(app, province, n).await;
            let accepted = phancap::reporting::reports::accept(
                app.db(),
                Authority::Cli,
                report,
                version,
                phancap::reporting::reports::Review::Compiled,
                None,
            )
            .await
            .unwrap()
            .report;
            target(
                "mutation($input: ReturnReportInput!) { reopenCompiledReport(input: $input) { report { status } userErrors { code } } }",
                json!({ "input": { "report": gid(NodeKind::Report, report), "expectedVersion": accepted.version, "reason": "Bổ sung" } }),
            )
        }
        Mutation::ReturnCompiledReport => {
            let (report, version) = compiled(app, province, n).await;
            target(
                "mutation($input: ReturnReportInput!) { returnCompiledReport(input: $input) { report { status } userErrors { code } } }",
                json!({ "input": { "report": gid(NodeKind::Report, report), "expectedVersion": version, "reason": "Bổ sung số liệu" } }),
            )
        }
        Mutation::CreateProposal => {
            catalogue(app, &format!("X{n}")).await;
            target(
                "mutation($input: CreateProposalInput!) { createProposal(input: $input) { proposal { status } userErrors { code } } }",
                json!({ "input": { "kind": "DELEGATE", "title": "Đề xuất phân cấp", "proposingUnit": unit(province.commune),
                    "draftingUnit": unit(province.department), "justification": "Giảm thời gian giải quyết",
                    "matterCodes": [format!("X{n}")], "targets": [unit(province.commune)], "resources": { "staff": 1 } } }),
            )
        }
        Mutation::UpdateProposal => {
            let (id, version) = proposal_at(app, province, n, ProposalStatus::Draft).await;
            target(
                "mutation($input: UpdateProposalInput!) { updateProposal(input: $input) { proposal { title } userErrors { code } } }",
                json!({ "input": { "id": gid(NodeKind::Proposal, id), "version": version, "title": "Tên mới" } }),
            )
        }
        Mutation::SubmitProposal => {
            let (id, version) = proposal_at(app, province, n, ProposalStatus::Draft).await;
            target(
                "mutation($input: SubmitProposalInput!) { submitProposal(input: $input) { proposal { status } userErrors { code } } }",
                json!({ "input": { "id": gid(NodeKind::Proposal, id), "version": version } }),
            )
        }
        Mutation::WithdrawProposal => {
            let (id, _) = proposal_at(app, province, n, ProposalStatus::Draft).await;
            target(
                "mutation($input: ProposalReasonInput!) { withdrawProposal(input: $input) { proposal { status } userErrors { code } } }",
                json!({ "input": { "id": gid(NodeKind::Proposal, id), "reason": "Không còn cần thiết" } }),
            )
        }
        Mutation::TakeUpProposal => {
            let (id, _) = proposal_at(app, province, n, ProposalStatus::Submitted).await;
            target(
                "mutation($id: ID!) { takeUpProposal(id: $id) { proposal { status } userErrors { code } } }",
                json!({ "id": gid(NodeKind::Proposal, id) }),
            )
        }
        Mutation::ReturnProposal | Mutation::RejectProposal => {
            let (id, _) = proposal_at(app, province, n, ProposalStatus::Submitted).await;
            let field = mutation.field();
            target(
                &format!(
                    "mutation($input: ProposalReasonInput!) {{ {field}(input: $input) {{ proposal {{ status }} userErrors {{ code }} }} }}"
                ),
                json!({ "input": { "id": gid(NodeKind::Proposal, id), "reason": "Chưa đủ cơ sở" } }),
            )
        }
        Mutation::RequestOpinions => {
            let (id, _) = proposal_at(app, province, n, ProposalStatus::Drafting).await;
            target(
                "mutation($input: RequestOpinionsInput!) { requestOpinions(input: $input) { opinions { dueOn } userErrors { code } } }",
                json!({ "input": { "id": gid(NodeKind::Proposal, id), "bodies": [unit(province.commune)] } }),
            )
        }
        Mutation::AnswerOpinion => {
            let (id, _) = proposal_at(app, province, n, ProposalStatus::Drafting).await;
            let (_, asked) = phancap::proposals::consult::request_opinions(
                db,
                Authority::Cli,
                id,
                &[province.commune],
                5,
            )
            .await
            .unwrap();
            target(
                "mutation($input: AnswerOpinionInput!) { answerOpinion(input: $input) { opinion { answer } userErrors { code } } }",
                json!({ "input": { "request": gid(NodeKind::OpinionRequest, asked[0].id), "answer": "AGREE" } }),
            )
        }
        Mutation::RequestAppraisal => {
            let (id, _) = proposal_at(app, province, n, ProposalStatus::Drafting).await;
            target(
                "mutation($id: ID!) { requestAppraisal(id: $id) { proposal { status } userErrors { code } } }",
                json!({ "id": gid(NodeKind::Proposal, id) }),
            )
        }
        Mutation::AppraiseProposal => {
            let (id, _) = proposal_at(app, province, n, ProposalStatus::InAppraisal).await;
            let number = format!("{n}/BCTĐ-STP");
            let report = crate::helpers::appraisal_report_numbered(app, province.id, &number).await;
            target(
                "mutation($input: AppraiseProposalInput!) { appraiseProposal(input: $input) { proposal { status } userErrors { code } } }",
                json!({ "input": { "id": gid(NodeKind::Proposal, id), "report": gid(NodeKind::Document, report), "conclusion": "ELIGIBLE" } }),
            )
        }
        Mutation::RecordAppraisal => {
            let id = draft(app, province, n).await;
            let report = appraisal_report(app, province.id).await;
            target(
                "mutation($input: RecordAppraisalInput!) { recordAppraisal(input: $input) { appraisal { conclusion } userErrors { code } } }",
                json!({ "input": { "mandates": [gid(NodeKind::Mandate, id)], "report": gid(NodeKind::Document, report), "conclusion": "ELIGIBLE" } }),
            )
        }
        Mutation::SubmitForDecision => {
            let (id, _) = proposal_at(app, province, n, ProposalStatus::Appraised).await;
            let ttr = instrument(
                app,
                &format!("{n}/TTr-SNV"),
                entity::document::DocumentType::Ttr,
                province.department,
                "2025-07-01",
            )
            .await;
            target(
                "mutation($input: ProposalDocumentInput!) { submitForDecision(input: $input) { proposal { status } userErrors { code } } }",
                json!({ "input": { "id": gid(NodeKind::Proposal, id), "document": gid(NodeKind::Document, ttr) } }),
            )
        }
        Mutation::DecideProposal => {
            let (id, _) = proposal_at(app, province, n, ProposalStatus::AwaitingDecision).await;
            let number = format!("8{n}/2025/QĐ-UBND");
            let decision = phancap::mandates::documents::by_number(db, &number, Some(province.id))
                .await
                .unwrap()
                .unwrap()
                .id;
            target(
                "mutation($input: ProposalDocumentInput!) { decideProposal(input: $input) { mandates { status } userErrors { code message } } }",
                json!({ "input": { "id": gid(NodeKind::Proposal, id), "document": gid(NodeKind::Document, decision) } }),
            )
        }
        Mutation::ProposeFromEvaluation => {
            use phancap::evaluations::service as evaluations;
            let (id, version) = evaluation_at(app, province, n, Stage::Drafted).await;
            let amend = evaluations::SelfAssessment {
                recommendation: Some(entity::evaluation::Recommendation::Amend),
                recommendation_reason: Some("Bổ sung nguồn lực".into()),
                ..Default::default()
            };
            let e = evaluations::save_self_assessment(db, Authority::Cli, id, version, amend)
                .await
                .unwrap();
            evaluations::submit_self_assessment(db, Authority::Cli, id, e.version)
                .await
                .unwrap();
            target(
                "mutation($input: ProposeFromEvaluationInput!) { proposeFromEvaluation(input: $input) { proposal { kind } userErrors { code } } }",
                json!({ "input": { "evaluation": gid(NodeKind::Evaluation, id), "draftingUnit": unit(province.department) } }),
            )
        }
        Mutation::SetDelegationPolicy => target(
            "mutation($input: DelegationPolicyInput!) { setDelegationPolicy(input: $input) { policy { authorizationsNeedAppraisal } userErrors { code } } }",
            json!({ "input": { "province": unit(province.id), "authorizationsNeedAppraisal": true } }),
        ),
        Mutation::RemindMissing => {
            let cycle = reporting_cycle(app, province, n).await;
            target(
                "mutation($input: PeriodInput!) { remindMissing(input: $input) { reminded { id } userErrors { code } } }",
                json!({ "input": { "period": gid(NodeKind::ReportingPeriod, cycle.period) } }),
            )
        }
        Mutation::OpenEvaluationRound => target(
            "mutation($input: OpenEvaluationRoundInput!) { openEvaluationRound(input: $input) { round { id } userErrors { code } } }",
            json!({ "input": { "province": unit(province.id), "year": 2030 + n as i32 } }),
        ),
        Mutation::SaveSelfAssessment => {
            let (id, version) = evaluation_at(app, province, n, Stage::NotStarted).await;
            target(
                "mutation($input: SaveSelfAssessmentInput!) { saveSelfAssessment(input: $input) { evaluation { id } userErrors { code } } }",
                json!({ "input": { "evaluation": gid(NodeKind::Evaluation, id), "expectedVersion": version, "result": "GOOD" } }),
            )
        }
        Mutation::SubmitSelfAssessment => {
            let (id, version) = evaluation_at(app, province, n, Stage::Drafted).await;
            target(
                "mutation($input: EvaluationTransitionInput!) { submitSelfAssessment(input: $input) { evaluation { id } userErrors { code } } }",
                json!({ "input": { "evaluation": gid(NodeKind::Evaluation, id), "expectedVersion": version } }),
            )
        }
        Mutation::ReturnSelfAssessment => {
            let (id, version) = evaluation_at(app, province, n, Stage::Submitted).await;
            target(
                "mutation($input: ReturnSelfAssessmentInput!) { returnSelfAssessment(input: $input) { evaluation { id } userErrors { code } } }",
                json!({ "input": { "evaluation": gid(NodeKind::Evaluation, id), "expectedVersion": version, "reason": "Bổ sung số liệu" } }),
            )
        }
        Mutation::AssessEvaluation => {
            let (id, version) = evaluation_at(app, province, n, Stage::Submitted).await;
            target(
                "mutation($input: AssessEvaluationInput!) { assessEvaluation(input: $input) { evaluation { id } userErrors { code } } }",
                json!({ "input": { "evaluation": gid(NodeKind::Evaluation, id), "expectedVersion": version,
                    "assessment": "GOOD", "assessmentText": "Thực hiện tốt", "recommendation": "KEEP" } }),
            )
        }
        Mutation::CompileEvaluation => {
            let round = round_with_evaluation(app, province, n, Stage::NotStarted)
                .await
                .0;
            target(
                "mutation($input: CompileEvaluationInput!) { compileEvaluation(input: $input) { round { id } userErrors { code } } }",
                json!({ "input": { "round": gid(NodeKind::EvaluationRound, round), "allowMissing": true } }),
            )
        }
        Mutation::AcceptEvaluation => {
            let round = round_with_evaluation(app, province, n, Stage::NotStarted)
                .await
                .0;
            phancap::evaluations::service::compile(
                app.db(),
                Authority::Cli,
                round,
                phancap::evaluations::service::Compile {
                    allow_missing: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            target(
                "mutation($input: AcceptEvaluationInput!) { acceptEvaluation(input: $input) { round { id } userErrors { code } } }",
                json!({ "input": { "round": gid(NodeKind::EvaluationRound, round), "directions": "Giao Sở Nội vụ theo dõi" } }),
            )
        }
        Mutation::CreateInspection => {
            let s = crate::inspections::setting(app, province, n).await;
            target(
                "mutation($input: CreateInspectionInput!) { createInspection(input: $input) { inspection { id } userErrors { code } } }",
                json!({ "input": { "code": format!("KT-M-{n}"), "title": "Kiểm tra phân cấp",
                    "inspectingUnit": unit(s.snv), "decision": gid(NodeKind::Document, s.decision),
                    "periodFrom": "2025-07-01", "periodTo": "2025-09-30", "units": [unit(s.commune)],
                    "mandates": [gid(NodeKind::Mandate, s.mandate)] } }),
            )
        }
        Mutation::StartInspection | Mutation::CloseInspection => {
            use crate::inspections::{Stage, inspection_at, setting};
            let s = setting(app, province, n).await;
            let stage = if mutation == Mutation::StartInspection {
                Stage::Planned
            } else {
                Stage::Concluded
            };
            let id = inspection_at(app, &s, &format!("KT-M-{n}"), stage).await;
            target(
                &format!(
                    "mutation($input: InspectionStepInput!) {{ {}(input: $input) {{ inspection {{ status }} userErrors {{ code }} }} }}",
                    mutation.field()
                ),
                json!({ "input": { "inspection": gid(NodeKind::Inspection, id) } }),
            )
        }
        Mutation::RecordInspectionFinding => {
            use crate::inspections::{Stage, inspection_at, setting};
            let s = setting(app, province, n).await;
            let id = inspection_at(app, &s, &format!("KT-M-{n}"), Stage::InProgress).await;
            target(
                "mutation($input: RecordInspectionFindingInput!) { recordInspectionFinding(input: $input) { finding { id } userErrors { code } } }",
                json!({ "input": { "inspection": gid(NodeKind::Inspection, id), "unit": unit(s.commune),
                    "kind": "COMPLIANT", "text": "Thực hiện đúng quy định" } }),
            )
        }
        Mutation::ProposeFromFinding => {
            use crate::inspections::{Stage, inspection_at, setting};
            use sea_orm::QueryFilter as _;
            let s = setting(app, province, n).await;
            let id = inspection_at(app, &s, &format!("KT-M-{n}"), Stage::InProgress).await;
            let f = entity::inspection_finding::Entity::find()
                .filter(entity::inspection_finding::Column::InspectionId.eq(id))
                .one(db)
                .await
                .unwrap()
                .unwrap();
            target(
                "mutation($input: ProposeFromFindingInput!) { proposeFromFinding(input: $input) { proposal { kind } userErrors { code } } }",
                json!({ "input": { "finding": gid(NodeKind::InspectionFinding, f.id) } }),
            )
        }
        Mutation::ConcludeInspection => {
            use crate::inspections::{Stage, inspection_at, setting};
            let s = setting(app, province, n).await;
            let id = inspection_at(app, &s, &format!("KT-M-{n}"), Stage::InProgress).await;
            target(
                "mutation($input: ConcludeInspectionInput!) { concludeInspection(input: $input) { inspection { status } userErrors { code } } }",
                json!({ "input": { "inspection": gid(NodeKind::Inspection, id), "report": gid(NodeKind::Document, s.report) } }),
            )
        }
        Mutation::AddInspectionRecommendation => {
            use crate::inspections::{Stage, inspection_at, setting};
            let s = setting(app, province, n).await;
            let id = inspection_at(app, &s, &format!("KT-M-{n}"), Stage::Concluded).await;
            target(
                "mutation($input: AddInspectionRecommendationInput!) { addInspectionRecommendation(input: $input) { recommendation { status } userErrors { code } } }",
                json!({ "input": { "inspection": gid(NodeKind::Inspection, id), "number": "1",
                    "text": "Khắc phục tồn tại", "owner": unit(s.commune), "dueOn": "2025-12-31" } }),
            )
        }
        Mutation::CloseInspectionRecommendation => {
            use crate::inspections::{Stage, inspection_at, setting};
            let s = setting(app, province, n).await;
            let id = inspection_at(app, &s, &format!("KT-M-{n}"), Stage::FollowingUp).await;
            let r = phancap::inspections::service::recommendations_of(db, id)
                .await
                .unwrap()[0]
                .id;
            target(
                "mutation($input: CloseInspectionRecommendationInput!) { closeInspectionRecommendation(input: $input) { recommendation { status } userErrors { code } } }",
                json!({ "input": { "recommendation": gid(NodeKind::InspectionRecommendation, r), "note": "Đã khắc phục" } }),
            )
        }
        Mutation::CreatePlan => {
            let doc = plan_document(app, province, n).await;
            target(
                "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { id } userErrors { code } } }",
                json!({ "input": { "document": gid(NodeKind::Document, doc) } }),
            )
        }
        Mutation::AddPlanTask => {
            let plan = plan_of(app, province, n).await;
            target(
                "mutation($input: AddPlanTaskInput!) { addPlanTask(input: $input) { task { id } userErrors { code } } }",
                json!({ "input": { "plan": gid(NodeKind::Plan, plan), "title": "Tuyên truyền",
                    "leads": [unit(province.department)], "time": { "kind": "DATE", "dueOn": (today() + chrono::Days::new(30)).to_string() } } }),
            )
        }
        Mutation::ReportTaskProgress | Mutation::CompleteTask => {
            let (id, version) = task_at(app, province, n, TaskStage::Given).await;
            let field = mutation.field();
            target(
                &format!(
                    "mutation($input: TaskProgressInput!) {{ {field}(input: $input) {{ task {{ id }} userErrors {{ code }} }} }}"
                ),
                json!({ "input": { "task": gid(NodeKind::Task, id), "expectedVersion": version, "percent": 50, "note": "Đã triển khai" } }),
            )
        }
        Mutation::ContributeToTask => {
            let (id, _) = task_at(app, province, n, TaskStage::Given).await;
            target(
                "mutation($input: ContributeToTaskInput!) { contributeToTask(input: $input) { contribution { note } userErrors { code } } }",
                json!({ "input": { "task": gid(NodeKind::Task, id), "unit": unit(province.commune), "note": "Đã phối hợp" } }),
            )
        }
        Mutation::AcceptTask => {
            let (id, version) = task_at(app, province, n, TaskStage::Completed).await;
            target(
                "mutation($input: AcceptTaskInput!) { acceptTask(input: $input) { task { id } userErrors { code } } }",
                json!({ "input": { "task": gid(NodeKind::Task, id), "expectedVersion": version } }),
            )
        }
        Mutation::ReturnTask => {
            let (id, version) = task_at(app, province, n, TaskStage::Completed).await;
            target(
                "mutation($input: ReturnTaskInput!) { returnTask(input: $input) { task { id } userErrors { code } } }",
                json!({ "input": { "task": gid(NodeKind::Task, id), "expectedVersion": version, "reason": "Thiếu sản phẩm" } }),
            )
        }
        Mutation::RecordTriggerDocument => {
            let (id, _) = task_at(app, province, n, TaskStage::Awaiting).await;
            let letter = document_of(
                app,
                &format!("{n}/UBND-NC"),
                false,
                province.id,
                "2025-09-01",
            )
            .await;
            target(
                "mutation($input: RecordTriggerDocumentInput!) { recordTriggerDocument(input: $input) { task { id } userErrors { code } } }",
                json!({ "input": { "task": gid(NodeKind::Task, id), "document": gid(NodeKind::Document, letter) } }),
            )
        }
        Mutation::TransferTask => {
            let (id, version) = task_at(app, province, n, TaskStage::Lapsed).await;
            target(
                "mutation($input: TransferTaskInput!) { transferTask(input: $input) { task { id } userErrors { code } } }",
                json!({ "input": { "task": gid(NodeKind::Task, id), "expectedVersion": version } }),
            )
        }
    }
}

/// How far an evaluation has gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    NotStarted,
    Drafted,
    Submitted,
}

/// A round of `province` (year 2040 + `n`) over a new mandate of the
/// province to its commune, with the commune's evaluation brought to
/// `stage` from the command line: the round's id, the evaluation's id and
/// version.
async fn round_with_evaluation(
    app: &TestApp,
    province: &Province,
    n: usize,
    stage: Stage,
) -> (Uuid, Uuid, i32) {
    use phancap::evaluations::service as evaluations;
    let basis = document_of(
        app,
        &format!("7{n}/2025/QĐ-UBND"),
        true,
        province.id,
        "2025-01-01",
    )
    .await;
    let input = mandate_input(
        &format!("EV-{n}"),
        &format!("EV{n}"),
        province.id,
        vec![province.commune],
        basis,
    );
    let mandate = make_mandate(app, input, true).await;
    let open = evaluations::OpenRound {
        province: province.id,
        year: 2040 + n as i32,
        as_of: None,
        due_on: None,
    };
    let round = evaluations::open_round(app.db(), Authority::Cli, Default::default(), open)
        .await
        .unwrap()
        .round;
    let mut e = entity::evaluation::Entity::find()
        .filter(entity::evaluation::Column::RoundId.eq(round.id))
        .filter(entity::evaluation::Column::MandateId.eq(mandate.id))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    if stage != Stage::NotStarted {
        let draft = evaluations::SelfAssessment {
            result: Some(entity::evaluation::EvaluationResult::Good),
            result_text: Some("Đã thực hiện".into()),
            recommendation: Some(entity::evaluation::Recommendation::Keep),
            ..Default::default()
        };
        e = evaluations::save_self_assessment(app.db(), Authority::Cli, e.id, e.version, draft)
            .await
            .unwrap();
    }
    if stage == Stage::Submitted {
        e = evaluations::submit_self_assessment(app.db(), Authority::Cli, e.id, e.version)
            .await
            .unwrap();
    }
    (round.id, e.id, e.version)
}

/// [`round_with_evaluation`]'s evaluation and version.
async fn evaluation_at(app: &TestApp, province: &Province, n: usize, stage: Stage) -> (Uuid, i32) {
    let (_, id, version) = round_with_evaluation(app, province, n, stage).await;
    (id, version)
}

/// One call of the matrix: who runs `mutation` over which target.
struct Case<'a> {
    mutation: Mutation,
    role: Option<Role>,
    token: Option<&'a str>,
    inside: bool,
}

impl Case<'_> {
    fn name(&self) -> String {
        let side = if self.inside { "inside" } else { "outside" };
        format!("{:?} by {:?} {side}", self.mutation, self.role)
    }

    /// Posts the call and returns the response, which must be a 200.
    async fn run(&self, app: &TestApp, target: &Target) -> Value {
        let request = json!({ "query": target.query, "variables": target.variables });
        let (status, body) = app.post_with(self.token, request).await;
        assert_eq!(status, 200, "{}: {body}", self.name());
        body
    }

    /// The call is refused and changes nothing. The right role outside its
    /// scope passes the schema's guard and is refused deepest in the
    /// service, so that call is held to the full snapshot; the others to
    /// the audit head and row counts, which cost a query instead of a read
    /// of every table.
    async fn refused(&self, app: &TestApp, target: &Target) {
        let (name, field) = (self.name(), self.mutation.field());
        let full = !self.inside && self.role == Some(self.mutation.allowed());
        let state = async || {
            if full {
                app.snapshot().await
            } else {
                app.fingerprint().await
            }
        };
        let before = state().await;
        let body = self.run(app, target).await;
        let expected = if self.role.is_some() {
            "FORBIDDEN"
        } else {
            "UNAUTHENTICATED"
        };
        assert_eq!(error_code(&body), expected, "{name}: {body}");
        assert_eq!(body["data"][field], Value::Null, "{name}: {body}");
        assert_eq!(state().await, before, "{name} changed nothing");
    }

    /// The call succeeds and appends exactly one audit event.
    async fn allowed(&self, app: &TestApp, target: &Target) {
        let (name, field) = (self.name(), self.mutation.field());
        let events = app.audit_len().await;
        let body = self.run(app, target).await;
        assert!(body["errors"].is_null(), "{name} is allowed: {body}");
        assert_eq!(
            body["data"][field]["userErrors"],
            json!([]),
            "{name}: {body}"
        );
        assert_eq!(
            app.audit_len().await,
            events + self.mutation.events(),
            "{name} appends its audit events"
        );
    }
}

/// Runs every row of `domain`: each role and no token, inside and outside.
/// A refused call changes nothing, so the refusals of one side share one
/// target; the allowed call comes last on the inside target.
async fn matrix(domain: Domain) {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let mut callers = Vec::new();
    for role in ROLES {
        callers.push((Some(role), Some(app.token(&role_user(role)).await)));
    }
    callers.push((None, None));
    let mut n = 0;
    for mutation in MUTATIONS.into_iter().filter(|m| m.domain() == domain) {
        for (inside, province) in [(true, &fixture.inside), (false, &fixture.outside)] {
            n += 1;
            let target = prepare(&app, mutation, province, n).await;
            let mut allowed = None;
            for (role, token) in &callers {
                let case = Case {
                    mutation,
                    role: *role,
                    token: token.as_deref(),
                    inside,
                };
                if inside && *role == Some(mutation.allowed()) {
                    allowed = Some(case);
                } else if inside && role.is_some() && *role == mutation.also_allowed() {
                    continue;
                } else {
                    case.refused(&app, &target).await;
                }
            }
            if inside {
                let case = allowed.expect("the allowed role is a caller");
                case.allowed(&app, &target).await;
            }
        }
    }
}

#[tokio::test]
async fn only_an_admin_in_scope_may_change_units_users_and_grants() {
    matrix(Domain::UnitsAndUsers).await;
}

#[tokio::test]
async fn only_an_approver_in_scope_may_register_documents_and_change_mandates() {
    matrix(Domain::Mandates).await;
}

#[tokio::test]
async fn only_a_coordinator_reporter_or_reviewer_in_scope_may_run_unit_reports() {
    matrix(Domain::UnitReports).await;
}

#[tokio::test]
async fn only_a_coordinator_or_approver_in_scope_may_compile_and_decide_the_province_report() {
    matrix(Domain::CompiledReports).await;
}

#[tokio::test]
async fn each_step_of_a_proposal_is_taken_by_its_role_in_scope() {
    matrix(Domain::Proposals).await;
}

#[tokio::test]
async fn only_a_coordinator_reporter_or_approver_in_scope_may_run_the_annual_evaluation() {
    matrix(Domain::Evaluations).await;
}

#[tokio::test]
async fn only_an_inspector_over_the_inspecting_body_records_and_follows_up_an_inspection() {
    matrix(Domain::Inspections).await;
}

#[tokio::test]
async fn each_step_of_a_plan_and_its_tasks_is_taken_by_its_role_in_scope() {
    matrix(Domain::Plans).await;
}

#[tokio::test]
async fn only_an_admin_may_add_a_holiday() {
    let app = spawn_app().await;
    app.seed().await;
    let query = "mutation($input: AddHolidayInput!) { addHoliday(input: $input) { holiday { date } userErrors { code } } }";
    let vars = json!({ "input": { "date": "2026-11-23", "kind": "HOLIDAY", "name": "Nghỉ bù", "source": "TB 1/TB-BNV" } });
    let refusals = ROLES
        .into_iter()
        .filter(|role| *role != Role::Admin)
        .map(Some)
        .chain([None]);
    for role in refusals {
        let token = match role {
            Some(role) => Some(app.token(&role_user(role)).await),
            None => None,
        };
        let before = app.snapshot().await;
        let (status, body) = app
            .post_with(
                token.as_deref(),
                json!({ "query": query, "variables": vars }),
            )
            .await;
        assert_eq!(status, 200, "{role:?}: {body}");
        let expected = if role.is_some() {
            "FORBIDDEN"
        } else {
            "UNAUTHENTICATED"
        };
        assert_eq!(error_code(&body), expected, "{role:?}: {body}");
        assert_eq!(body["data"]["addHoliday"], Value::Null, "{role:?}: {body}");
        assert_eq!(app.snapshot().await, before, "{role:?} changed nothing");
    }
    // ADMIN over one province is enough: the calendar is national.
    let admin = app.token(&role_user(Role::Admin)).await;
    let events = app.audit_len().await;
    let body = app.graphql_as(&admin, query, vars).await;
    assert_eq!(
        body["data"]["addHoliday"]["holiday"]["date"], "2026-11-23",
        "{body}"
    );
    assert_eq!(app.audit_len().await, events + 1);
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

/// The catalogue mutations, each for every role and without a token:
/// ADMIN and LEGAL_REVIEWER may (one audit event each), every other role
/// is FORBIDDEN and an anonymous caller UNAUTHENTICATED, changing nothing.
#[tokio::test]
async fn only_an_admin_or_a_legal_reviewer_keeps_the_catalogue() {
    let app = spawn_app().await;
    app.seed().await;
    let create = "mutation($input: CreateMatterInput!) { createMatter(input: $input) { matter { code } userErrors { code } } }";
    let update = "mutation($input: UpdateMatterInput!) { updateMatter(input: $input) { matter { code } userErrors { code } } }";
    let import = "mutation($input: ImportMattersInput!) { importMatters(input: $input) { created userErrors { code } } }";
    let mut n = 0;
    for role in ROLES.into_iter().map(Some).chain([None]) {
        let allowed = matches!(role, Some(Role::Admin | Role::LegalReviewer));
        let token = match role {
            Some(role) => Some(app.token(&role_user(role)).await),
            None => None,
        };
        n += 1;
        let calls = [
            (
                create,
                "createMatter",
                json!({ "input": { "code": format!("AZ-{n}"), "name": "Việc thử", "sector": "XAY_DUNG", "law": "Luật Xây dựng 2014", "holder": "UBND_PROVINCE" } }),
            ),
            (
                update,
                "updateMatter",
                json!({ "input": { "code": format!("AZ-{n}"), "name": format!("Việc thử {n}") } }),
            ),
            (
                import,
                "importMatters",
                json!({ "input": { "csv": format!("code,name,sector,law,holder\nAZI-{n},Việc nhập,XAY_DUNG,Luật Xây dựng 2014,UBND_PROVINCE\n") } }),
            ),
        ];
        for (query, field, vars) in calls {
            let before = app.snapshot().await;
            let events = app.audit_len().await;
            let (status, body) = app
                .post_with(
                    token.as_deref(),
                    json!({ "query": query, "variables": vars }),
                )
                .await;
            assert_eq!(status, 200, "{body}");
            if allowed {
                assert!(body["errors"].is_null(), "{role:?} {field}: {body}");
                assert_eq!(body["data"][field]["userErrors"], json!([]), "{body}");
                assert_eq!(app.audit_len().await, events + 1, "{role:?} {field}");
            } else {
                let expected = if role.is_some() {
                    "FORBIDDEN"
                } else {
                    "UNAUTHENTICATED"
                };
                assert_eq!(error_code(&body), expected, "{role:?} {field}: {body}");
                assert_eq!(app.snapshot().await, before, "{role:?} {field}");
            }
        }
    }
}

/// A plan (KH) of `province` numbered from `n`, registered as a document.
async fn plan_document(app: &TestApp, province: &Province, n: usize) -> Uuid {
    instrument(
        app,
        &format!("{n}/KH-UBND"),
        entity::document::DocumentType::Kh,
        province.id,
        "2025-08-01",
    )
    .await
}

/// A plan of `province` registered from the command line.
async fn plan_of(app: &TestApp, province: &Province, n: usize) -> Uuid {
    let document = plan_document(app, province, n).await;
    let new = phancap::plans::service::NewPlan {
        document,
        monitor: None,
    };
    phancap::plans::service::create_plan(app.db(), Authority::Cli, new)
        .await
        .unwrap()
        .id
}

/// A department of `province` in force when a task is given to it (ended
/// by the caller after), with the province's department as its successor.
async fn ended_department(app: &TestApp, province: &Province, n: usize) -> Uuid {
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
    let created = admin::create_unit(
        app.db(),
        Authority::Cli,
        admin::CreateUnit {
            parent: province.id,
            code: format!("T{n}-SCU"),
            name: format!("Sở cũ {n}"),
            admin_type: entity::unit::AdminType::So,
            valid_from: "2025-07-01".parse().unwrap(),
            valid_to: None,
        },
    )
    .await
    .unwrap();
    entity::unit_lineage::Model {
        id: Uuid::now_v7(),
        predecessor_id: created.id,
        successor_id: province.department,
        kind: entity::unit_lineage::LineageKind::Merge,
        effective_date: today(),
        document: None,
    }
    .into_active_model()
    .insert(app.db())
    .await
    .unwrap();
    created.id
}

/// How far a task has gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TaskStage {
    Given,
    Completed,
    Awaiting,
    /// Led by a department that has since ended, succeeded by the
    /// province's department.
    Lapsed,
}

/// A task of a new plan of `province` led by its department with its
/// commune coordinating, due in 30 days (or waiting for a document),
/// brought to `stage` from the command line: its id and version.
async fn task_at(app: &TestApp, province: &Province, n: usize, stage: TaskStage) -> (Uuid, i32) {
    use phancap::plans::{progress, service, time::TaskTime};
    let plan = plan_of(app, province, n).await;
    let time = match stage {
        TaskStage::Awaiting => TaskTime::AfterDocument {
            working_days: 10,
            note: None,
        },
        _ => TaskTime::Date {
            due: today() + chrono::Days::new(30),
        },
    };
    let lead = if stage == TaskStage::Lapsed {
        ended_department(app, province, n).await
    } else {
        province.department
    };
    let new = service::NewPlanTask {
        plan,
        title: format!("Nhiệm vụ {n}"),
        content: None,
        output: None,
        leads: vec![lead],
        lead_groups: Vec::new(),
        coordinators: vec![province.commune],
        coordinator_groups: Vec::new(),
        coordinators_note: None,
        time,
    };
    let mut t = service::add_plan_task(app.db(), Authority::Cli, new)
        .await
        .unwrap()
        .task;
    if stage == TaskStage::Lapsed {
        use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
        let ended = entity::unit::Entity::find_by_id(lead)
            .one(app.db())
            .await
            .unwrap()
            .unwrap();
        let mut row = ended.into_active_model();
        row.valid_to = Set(Some(today() - chrono::Days::new(1)));
        row.update(app.db()).await.unwrap();
    }
    if stage == TaskStage::Completed {
        t = progress::complete(
            app.db(),
            Authority::Cli,
            t.id,
            t.version,
            Default::default(),
        )
        .await
        .unwrap();
    }
    (t.id, t.version)
}

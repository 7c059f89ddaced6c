//! Opinions (lấy ý kiến) and Sở Tư pháp's appraisal (thẩm định), and the
//! gate a draft passes before it is issued.

use chrono::{Days, Utc};
use entity::appraisal::{self, Conclusion};
use entity::document::{self, DocumentType};
use entity::mandate::{self, MandateKind, MandateState};
use entity::opinion_request::{self, OpinionAnswer};
use entity::proposal::{self, ProposalKind, ProposalStatus};
use entity::role_grant::Role;
use entity::unit::{self, UnitKind};
use entity::{appraisal_mandate, delegation_policy};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::service::{locked, open_drafts, require_stage, step};
use crate::audit::{self, Actor, Change};
use crate::auth::Authority;
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::notices::{Notice, Topic, notify};
use crate::text::check_long_text;
use crate::units::service::{existing as existing_unit, in_force, province_of};

/// Working days a body may be given to answer: 1 to 30.
pub const MAX_OPINION_DAYS: i32 = 30;
/// Most bodies one request asks.
pub const MAX_BODIES: usize = 50;

/// The sở of `province` whose code ends in `-{abbr}` (STC: Sở Tài chính,
/// STP: Sở Tư pháp), in force today.
pub async fn department(
    db: &impl ConnectionTrait,
    province: Uuid,
    abbr: &str,
) -> AppResult<Option<unit::Model>> {
    let today = crate::calendar::today();
    Ok(unit::Entity::find()
        .filter(unit::Column::ParentId.eq(province))
        .filter(unit::Column::Kind.eq(UnitKind::Department))
        .all(db)
        .await?
        .into_iter()
        .find(|u| is_department(u, abbr) && in_force(u, today)))
}

pub use crate::units::service::is_department;

/// Asks `bodies` for their opinion on a proposal within `working_days`
/// (1 to 30) of today: the drafting body's APPROVER (the request is its
/// letter), while it
/// is DRAFTING or APPRAISED. Each body is a unit in force of the same
/// province other than the drafting body (INVALID_OPINION_BODY), not
/// already asked and yet to answer (ALREADY_REQUESTED).
pub async fn request_opinions(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    bodies: &[Uuid],
    working_days: i32,
) -> AppResult<(proposal::Model, Vec<opinion_request::Model>)> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let before = locked(&txn, id).await?;
    let drafting = existing_unit(&txn, before.drafting_unit_id).await?;
    let actor = by.require(Role::Approver, &drafting)?;
    require_stage(
        &before,
        &[ProposalStatus::Drafting, ProposalStatus::Appraised],
        "asking opinions",
    )?;
    if !(1..=MAX_OPINION_DAYS).contains(&working_days) {
        return Err(AppError::rule(
            Some("workingDays"),
            UserErrorCode::OutOfRange,
            format!("give 1 to {MAX_OPINION_DAYS} working days to answer"),
        ));
    }
    if bodies.is_empty() || bodies.len() > MAX_BODIES {
        return Err(AppError::rule(
            Some("bodies"),
            UserErrorCode::InvalidOpinionBody,
            format!("ask 1 to {MAX_BODIES} bodies"),
        ));
    }
    let today = crate::calendar::today();
    let open = opinion_request::Entity::find()
        .filter(opinion_request::Column::ProposalId.eq(id))
        .filter(opinion_request::Column::AnsweredAt.is_null())
        .all(&txn)
        .await?;
    let calendar =
        crate::reporting::holidays::calendar(&txn, today, today + Days::new(120)).await?;
    let due_on = calendar.add_working_days(today, working_days as u32);
    let mut made = Vec::new();
    for body_id in bodies {
        let body = existing_unit(&txn, *body_id).await?;
        if body.id == drafting.id
            || body.kind == UnitKind::Province
            || province_of(&body) != province_of(&drafting)
            || !in_force(&body, today)
            || made
                .iter()
                .any(|r: &opinion_request::Model| r.body_unit_id == body.id)
        {
            return Err(AppError::rule(
                Some("bodies"),
                UserErrorCode::InvalidOpinionBody,
                format!(
                    "{} cannot be asked: ask distinct bodies in force of the province, other than the drafting body and UBND tỉnh (which decides)",
                    body.name
                ),
            ));
        }
        if open.iter().any(|r| r.body_unit_id == body.id) {
            return Err(AppError::rule(
                Some("bodies"),
                UserErrorCode::AlreadyRequested,
                format!("{} has been asked already and has yet to answer", body.name),
            ));
        }
        let request = opinion_request::Model {
            id: Uuid::now_v7(),
            proposal_id: id,
            body_unit_id: body.id,
            requested_at: Utc::now(),
            working_days,
            due_on,
            answer: None,
            text: None,
            document_id: None,
            answered_at: None,
            answered_by: None,
        }
        .into_active_model()
        .insert(&txn)
        .await?;
        made.push(request);
    }
    let names: Vec<String> = {
        let units = crate::units::service::find_many(&txn, bodies).await?;
        units.into_iter().map(|u| u.name).collect()
    };
    let note = format!("asked {} by {due_on}", names.join(", "));
    let after = step(
        &txn,
        &actor,
        &before,
        before.status,
        "requestOpinions",
        drafting.id,
        Some(&note),
    )
    .await?;
    for request in &made {
        let body = existing_unit(&txn, request.body_unit_id).await?;
        let notice = Notice::new(Topic::OpinionRequested, "OpinionRequest", request.id, &body)
            .for_role(Role::Approver)
            .text(
                format!("Đề nghị cho ý kiến: {}", after.title),
                format!(
                    "{} đề nghị {} cho ý kiến về đề xuất \"{}\" trước ngày {}.",
                    drafting.name,
                    body.name,
                    after.title,
                    request.due_on.format("%d/%m/%Y")
                ),
            )
            .payload(serde_json::json!({
                "proposal": crate::graphql::encode_id(crate::graphql::NodeKind::Proposal, after.id).0, "opinionRequest": crate::graphql::encode_id(crate::graphql::NodeKind::OpinionRequest, request.id).0, "dueOn": request.due_on,
            }));
        notify(&txn, notice).await?;
    }
    txn.commit().await?;
    Ok((after, made))
}

/// A body's answer.
#[derive(Debug, Clone)]
pub struct OpinionInput {
    pub answer: OpinionAnswer,
    pub text: Option<String>,
    pub document: Option<Uuid>,
}

/// The statuses in which the drafting body still listens.
const LISTENING: [ProposalStatus; 4] = [
    ProposalStatus::Drafting,
    ProposalStatus::InAppraisal,
    ProposalStatus::Appraised,
    ProposalStatus::AwaitingDecision,
];

/// Answers a request for an opinion: APPROVER of the body asked, once
/// (ALREADY_ANSWERED), while the proposal is still being prepared. Agreeing
/// with changes or disagreeing says what and why (MISSING_NARRATIVE); the
/// letter, if given, is the body's own (WRONG_ISSUER). An answer after the
/// due day is taken and shows as late.
pub async fn answer_opinion(
    db: &DatabaseConnection,
    by: Authority<'_>,
    request_id: Uuid,
    input: OpinionInput,
) -> AppResult<opinion_request::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let request = opinion_request::Entity::find_by_id(request_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("opinion request"))?;
    let before = locked(&txn, request.proposal_id).await?;
    let body = existing_unit(&txn, request.body_unit_id).await?;
    let actor = by.require(Role::Approver, &body)?;
    if request.answered_at.is_some() {
        return Err(AppError::rule(
            None,
            UserErrorCode::AlreadyAnswered,
            format!("{} has answered already", body.name),
        ));
    }
    require_stage(&before, &LISTENING, "answering")?;
    let text = check_long_text("text", input.text.as_deref(), 20_000)?;
    if input.answer != OpinionAnswer::Agree && text.is_none() {
        return Err(AppError::rule(
            Some("text"),
            UserErrorCode::MissingNarrative,
            "say which changes, or why not",
        ));
    }
    if let Some(doc) = input.document {
        let doc = crate::mandates::documents::existing(&txn, doc).await?;
        require_issuer(&doc, &body, "document")?;
    }
    let mut row = request.into_active_model();
    row.answer = sea_orm::Set(Some(input.answer));
    row.text = sea_orm::Set(text);
    row.document_id = sea_orm::Set(input.document);
    row.answered_at = sea_orm::Set(Some(Utc::now()));
    row.answered_by = sea_orm::Set(Some(actor.username.clone()));
    let answered = row.update(&txn).await?;
    let note = format!("{}: {}", body.name, answer_name(input.answer));
    step(
        &txn,
        &actor,
        &before,
        before.status,
        "answerOpinion",
        body.id,
        Some(&note),
    )
    .await?;
    txn.commit().await?;
    Ok(answered)
}

fn answer_name(a: OpinionAnswer) -> &'static str {
    match a {
        OpinionAnswer::Agree => "AGREE",
        OpinionAnswer::AgreeWithChanges => "AGREE_WITH_CHANGES",
        OpinionAnswer::Disagree => "DISAGREE",
    }
}

/// WRONG_ISSUER unless `doc` was issued by `unit`.
pub(crate) fn require_issuer(
    doc: &document::Model,
    unit: &unit::Model,
    field: &'static str,
) -> AppResult<()> {
    if doc.issuer_unit_id != Some(unit.id) {
        return Err(AppError::rule(
            Some(field),
            UserErrorCode::WrongIssuer,
            format!("{} is not a document of {}", doc.number, unit.name),
        ));
    }
    Ok(())
}

/// What a proposal needs before it goes to appraisal or to the deciding
/// body: its draft mandates (NO_DRAFT_MANDATES; a revocation has none),
/// every opinion asked answered or past its due day (OPINIONS_PENDING),
/// and, where a budget goes with it, the answer of Sở Tài chính (R13,
/// FINANCE_OPINION_REQUIRED).
pub(crate) async fn check_ready(txn: &impl ConnectionTrait, p: &proposal::Model) -> AppResult<()> {
    let drafts = open_drafts(txn, p.id).await?;
    if p.kind != ProposalKind::Revoke && drafts.is_empty() {
        return Err(AppError::rule(
            None,
            UserErrorCode::NoDraftMandates,
            "draft the mandates the decision would issue first (draftMandate with this proposal)",
        ));
    }
    let requests = opinion_request::Entity::find()
        .filter(opinion_request::Column::ProposalId.eq(p.id))
        .all(txn)
        .await?;
    let today = crate::calendar::today();
    if let Some(waiting) = requests
        .iter()
        .find(|r| r.answered_at.is_none() && r.due_on >= today)
    {
        let body = existing_unit(txn, waiting.body_unit_id).await?;
        return Err(AppError::rule(
            None,
            UserErrorCode::OpinionsPending,
            format!(
                "{} has until {} to answer",
                body.name,
                waiting.due_on.format("%d/%m/%Y")
            ),
        ));
    }
    let budget = p.resource_budget_vnd.is_some_and(|b| b > 0)
        || drafts
            .iter()
            .any(|m| m.resource_budget_vnd.is_some_and(|b| b > 0));
    if budget {
        let drafting = existing_unit(txn, p.drafting_unit_id).await?;
        let finance = match province_of(&drafting) {
            Some(province) => department(txn, province, "STC").await?,
            None => None,
        };
        // Sở Tài chính's word is in a proposal it makes or drafts itself.
        let answered = finance.as_ref().is_some_and(|f| {
            f.id == p.drafting_unit_id
                || f.id == p.proposing_unit_id
                || requests
                    .iter()
                    .any(|r| r.body_unit_id == f.id && r.answered_at.is_some())
        });
        if !answered {
            return Err(AppError::rule(
                None,
                UserErrorCode::FinanceOpinionRequired,
                "a budget goes with it: Sở Tài chính's opinion is required before it goes on (R13)",
            ));
        }
    }
    Ok(())
}

/// Sends a proposal to Sở Tư pháp for appraisal: APPROVER of the drafting
/// body, from DRAFTING, once ready (see [`check_ready`]).
pub async fn request_appraisal(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
) -> AppResult<proposal::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let before = locked(&txn, id).await?;
    let drafting = existing_unit(&txn, before.drafting_unit_id).await?;
    let actor = by.require(Role::Approver, &drafting)?;
    require_stage(&before, &[ProposalStatus::Drafting], "asking for appraisal")?;
    check_ready(&txn, &before).await?;
    let after = step(
        &txn,
        &actor,
        &before,
        ProposalStatus::InAppraisal,
        "requestAppraisal",
        drafting.id,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// An appraisal as Sở Tư pháp writes it.
#[derive(Debug, Clone)]
pub struct AppraisalInput {
    /// The appraisal report, a registered BC of Sở Tư pháp ("…/BCTĐ-STP").
    pub report: Uuid,
    pub conclusion: Conclusion,
    pub summary: Option<String>,
    /// Notes on single drafts.
    pub notes: Vec<(Uuid, String)>,
}

/// The appraisal report is a báo cáo thẩm định (BC numbered "…/BCTĐ-…")
/// of the Sở Tư pháp of `province` (NOT_APPRAISAL_REPORT).
async fn check_report(
    txn: &DatabaseTransaction,
    report: Uuid,
    province: Option<Uuid>,
) -> AppResult<document::Model> {
    let doc = crate::mandates::documents::existing(txn, report).await?;
    // The province by its code: a province that was merged keeps its
    // code, and its Sở Tư pháp appraised the drafts of before and after.
    let issuer = match doc.issuer_unit_id {
        Some(id) => Some(existing_unit(txn, id).await?),
        None => None,
    };
    let issuer_province = match issuer.as_ref().and_then(province_of) {
        Some(id) => Some(existing_unit(txn, id).await?.code),
        None => None,
    };
    let province = match province {
        Some(id) => Some(existing_unit(txn, id).await?.code),
        None => None,
    };
    let justice = issuer.is_some_and(|u| is_department(&u, "STP"))
        && issuer_province.is_some()
        && issuer_province == province;
    let folded = entity::search::fold(&doc.number);
    if doc.doc_type != DocumentType::Bc || !folded.contains("/bctd-") || !justice {
        return Err(AppError::rule(
            Some("report"),
            UserErrorCode::NotAppraisalReport,
            format!(
                "{} is not an appraisal report (báo cáo thẩm định, \"…/BCTĐ-STP\") of the province's Sở Tư pháp",
                doc.number
            ),
        ));
    }
    Ok(doc)
}

/// Writes an appraisal of `drafts` with its notes; returns it.
async fn insert_appraisal(
    txn: &DatabaseTransaction,
    actor: &Actor,
    proposal: Option<Uuid>,
    drafts: &[mandate::Model],
    input: &AppraisalInput,
) -> AppResult<appraisal::Model> {
    let summary = check_long_text("summary", input.summary.as_deref(), 20_000)?;
    for (id, _) in &input.notes {
        if !drafts.iter().any(|m| m.id == *id) {
            return Err(AppError::rule(
                Some("notes"),
                UserErrorCode::UnknownItem,
                "a note is on one of the drafts appraised",
            ));
        }
    }
    let a = appraisal::Model {
        id: Uuid::now_v7(),
        proposal_id: proposal,
        report_document_id: input.report,
        conclusion: input.conclusion,
        summary,
        appraised_at: Utc::now(),
        appraised_by: actor.user_id.map(|_| actor.username.clone()),
    }
    .into_active_model()
    .insert(txn)
    .await?;
    for m in drafts {
        let note = input
            .notes
            .iter()
            .find(|(id, _)| *id == m.id)
            .map(|(_, n)| check_long_text("notes", Some(n), 5_000))
            .transpose()?
            .flatten();
        appraisal_mandate::Model {
            appraisal_id: a.id,
            mandate_id: m.id,
            note,
            amendment: m.state != MandateState::Draft,
        }
        .into_active_model()
        .insert(txn)
        .await?;
    }
    Ok(a)
}

/// Sở Tư pháp appraises a proposal in appraisal: LEGAL_REVIEWER over the
/// drafting body. The appraisal covers the drafts as they are; a
/// favourable one (ELIGIBLE, ELIGIBLE_AFTER_CHANGES) makes it APPRAISED,
/// NOT_ELIGIBLE sends it back to DRAFTING.
pub async fn appraise_proposal(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    input: AppraisalInput,
) -> AppResult<(proposal::Model, appraisal::Model)> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let before = locked(&txn, id).await?;
    let drafting = existing_unit(&txn, before.drafting_unit_id).await?;
    let actor = by.require(Role::LegalReviewer, &drafting)?;
    require_stage(&before, &[ProposalStatus::InAppraisal], "appraising")?;
    let report = check_report(&txn, input.report, province_of(&drafting)).await?;
    let elsewhere = appraisal::Entity::find()
        .filter(appraisal::Column::ReportDocumentId.eq(report.id))
        .filter(appraisal::Column::ProposalId.ne(id))
        .one(&txn)
        .await?;
    if elsewhere.is_some() {
        return Err(super::decide::used_elsewhere(&report, "report"));
    }
    let drafts = open_drafts(&txn, id).await?;
    let a = insert_appraisal(&txn, &actor, Some(id), &drafts, &input).await?;
    let to = if input.conclusion.favourable() {
        ProposalStatus::Appraised
    } else {
        ProposalStatus::Drafting
    };
    let note = format!("{}: {}", report.number, conclusion_name(input.conclusion));
    let after = step(
        &txn,
        &actor,
        &before,
        to,
        "appraiseProposal",
        report.issuer_unit_id.unwrap_or(drafting.id),
        Some(&note),
    )
    .await?;
    txn.commit().await?;
    Ok((after, a))
}

fn conclusion_name(c: Conclusion) -> &'static str {
    match c {
        Conclusion::Eligible => "ELIGIBLE",
        Conclusion::EligibleAfterChanges => "ELIGIBLE_AFTER_CHANGES",
        Conclusion::NotEligible => "NOT_ELIGIBLE",
    }
}

/// Records the appraisal of drafts prepared outside a proposal (from the
/// paper report): LEGAL_REVIEWER over each draft's delegator. Naming an
/// issued mandate in force records the appraisal of its amendment, which
/// `amendMandate` then needs. Drafts of a proposal are appraised on it,
/// and other mandates not at all (WRONG_STAGE).
pub async fn record_appraisal(
    db: &DatabaseConnection,
    by: Authority<'_>,
    mandates: &[Uuid],
    input: AppraisalInput,
) -> AppResult<appraisal::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    if mandates.is_empty() || mandates.len() > super::service::MAX_LISTED {
        return Err(AppError::rule(
            Some("mandates"),
            UserErrorCode::MandatesRequired,
            "name 1 to 500 draft mandates",
        ));
    }
    let mut drafts = Vec::new();
    let mut actor = None;
    let mut province = None;
    for id in mandates {
        let m = crate::mandates::service::existing(&txn, *id).await?;
        let delegator = existing_unit(&txn, m.delegator_unit_id).await?;
        actor = Some(by.require(Role::LegalReviewer, &delegator)?);
        let draft = m.state == MandateState::Draft && m.proposal_id.is_none();
        let amendable = m.state == MandateState::Issued && m.superseded_by_id.is_none();
        if !draft && !amendable {
            return Err(AppError::rule(
                Some("mandates"),
                UserErrorCode::WrongStage,
                format!(
                    "{} is neither a draft outside a proposal (a proposal's drafts are appraised on it, appraiseProposal) nor an issued mandate to amend",
                    m.code
                ),
            ));
        }
        if province.is_some_and(|p| Some(p) != province_of(&delegator)) {
            return Err(AppError::rule(
                Some("mandates"),
                UserErrorCode::InvalidValue,
                "one appraisal covers drafts of one province",
            ));
        }
        province = province_of(&delegator);
        if !drafts.iter().any(|d: &mandate::Model| d.id == m.id) {
            drafts.push(m);
        }
    }
    let actor = actor.ok_or(AppError::Forbidden)?;
    let report = check_report(&txn, input.report, province).await?;
    // A proposal's report is its own; an amendment's is dated after the
    // decision it amends.
    let on_proposal = appraisal::Entity::find()
        .filter(appraisal::Column::ReportDocumentId.eq(report.id))
        .filter(appraisal::Column::ProposalId.is_not_null())
        .one(&txn)
        .await?;
    if on_proposal.is_some() {
        return Err(super::decide::used_elsewhere(&report, "report"));
    }
    for m in drafts.iter().filter(|m| m.state != MandateState::Draft) {
        if let Some(basis) = m.legal_basis_id {
            let basis = crate::mandates::documents::existing(&txn, basis).await?;
            super::decide::check_order(&basis, &report)?;
        }
    }
    let a = insert_appraisal(&txn, &actor, None, &drafts, &input).await?;
    audit::record(
        &txn,
        &actor,
        Change {
            action: "recordAppraisal",
            entity_type: "Appraisal",
            entity_id: a.id,
            scope_unit_id: province,
            before: None,
            after: Some(serde_json::json!({
                "appraisal": a,
                "mandates": drafts.iter().map(|m| m.id).collect::<Vec<_>>(),
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(a)
}

/// Whether `m` needs a favourable appraisal before it is issued: every
/// decentralization (its decision is a normative document Sở Tư pháp
/// appraises, Luật 64/2025 and LAW.md §5.2); an authorization where its
/// province's policy says so; never a devolution (it records the law).
pub async fn needs_appraisal(
    db: &impl ConnectionTrait,
    m: &mandate::Model,
    delegator: &unit::Model,
) -> AppResult<bool> {
    Ok(match m.kind {
        MandateKind::Decentralization => true,
        MandateKind::Devolution => false,
        MandateKind::Authorization => match province_of(delegator) {
            Some(province) => policy(db, province).await?.authorizations_need_appraisal,
            None => false,
        },
    })
}

/// The latest appraisal covering `m` as a draft (or, with `amendment`,
/// covering an amendment of it), if any.
pub async fn latest_appraisal(
    db: &impl ConnectionTrait,
    m: Uuid,
    amendment: bool,
) -> AppResult<Option<appraisal::Model>> {
    let covering: Vec<Uuid> = appraisal_mandate::Entity::find()
        .filter(appraisal_mandate::Column::MandateId.eq(m))
        .filter(appraisal_mandate::Column::Amendment.eq(amendment))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.appraisal_id)
        .collect();
    if covering.is_empty() {
        return Ok(None);
    }
    Ok(appraisal::Entity::find()
        .filter(appraisal::Column::Id.is_in(covering))
        .order_by_desc(appraisal::Column::AppraisedAt)
        .order_by_desc(appraisal::Column::Id)
        .one(db)
        .await?)
}

/// The appraisal gate: a draft that needs an appraisal (see
/// [`needs_appraisal`]) is issued only when the latest appraisal covering
/// it is favourable (APPRAISAL_REQUIRED).
pub async fn check_appraised(txn: &impl ConnectionTrait, m: &mandate::Model) -> AppResult<()> {
    let delegator = existing_unit(txn, m.delegator_unit_id).await?;
    if !needs_appraisal(txn, m, &delegator).await? {
        return Ok(());
    }
    match latest_appraisal(txn, m.id, false).await? {
        Some(a) if a.conclusion.favourable() => Ok(()),
        latest => Err(AppError::rule(
            None,
            UserErrorCode::AppraisalRequired,
            match latest {
                Some(_) => format!(
                    "Sở Tư pháp's latest appraisal found {} not eligible; it is issued after a favourable one",
                    m.code
                ),
                None => format!(
                    "{} needs Sở Tư pháp's favourable appraisal (thẩm định) first: ask for it (requestAppraisal) or record it (recordAppraisal)",
                    m.code
                ),
            },
        )),
    }
}

/// The gate of `amendMandate`: an amendment `new` of `old` that needs an
/// appraisal (see [`needs_appraisal`]) is issued only when the latest
/// appraisal of an amendment of `old` (recordAppraisal naming it) is
/// favourable (APPRAISAL_REQUIRED); an amendment decided on a proposal
/// passes its own gate.
pub async fn check_amendment_appraised(
    txn: &DatabaseTransaction,
    old: &mandate::Model,
    new: &mandate::Model,
) -> AppResult<()> {
    let delegator = existing_unit(txn, new.delegator_unit_id).await?;
    if !needs_appraisal(txn, new, &delegator).await? {
        return Ok(());
    }
    match latest_appraisal(txn, old.id, true).await? {
        Some(a) if a.conclusion.favourable() => Ok(()),
        _ => Err(AppError::rule(
            None,
            UserErrorCode::AppraisalRequired,
            format!(
                "amending {} needs Sở Tư pháp's favourable appraisal of the amendment: record it (recordAppraisal naming {}) or amend through an AMEND proposal",
                old.code, old.code
            ),
        )),
    }
}

/// A province's delegation policy (the defaults when it set none).
pub async fn policy(
    db: &impl ConnectionTrait,
    province: Uuid,
) -> AppResult<delegation_policy::Model> {
    Ok(delegation_policy::Entity::find_by_id(province)
        .one(db)
        .await?
        .unwrap_or(delegation_policy::Model {
            province_unit_id: province,
            authorizations_need_appraisal: false,
            updated_at: chrono::DateTime::<Utc>::UNIX_EPOCH,
        }))
}

/// Sets whether a province's authorizations need an appraisal too: ADMIN
/// over the province (NOT_A_PROVINCE for another unit).
pub async fn set_delegation_policy(
    db: &DatabaseConnection,
    by: Authority<'_>,
    province: Uuid,
    authorizations_need_appraisal: bool,
) -> AppResult<delegation_policy::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let unit = existing_unit(&txn, province).await?;
    let actor = by.require(Role::Admin, &unit)?;
    if unit.kind != UnitKind::Province {
        return Err(AppError::rule(
            Some("province"),
            UserErrorCode::NotAProvince,
            format!("{} is not a province", unit.name),
        ));
    }
    let before = delegation_policy::Entity::find_by_id(province)
        .one(&txn)
        .await?;
    let after = delegation_policy::Model {
        province_unit_id: province,
        authorizations_need_appraisal,
        updated_at: Utc::now(),
    };
    let row = after.clone().into_active_model().reset_all();
    if before.is_some() {
        row.update(&txn).await?;
    } else {
        row.insert(&txn).await?;
    }
    audit::record(
        &txn,
        &actor,
        Change {
            action: "setDelegationPolicy",
            entity_type: "Unit",
            entity_id: province,
            scope_unit_id: Some(province),
            before: before.map(|b| serde_json::json!(b)),
            after: Some(serde_json::json!(after)),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

//! The Tờ trình that carries a proposal to the deciding body, and the
//! decision (QĐ of UBND tỉnh, or a resolution of HĐND tỉnh where the law
//! gives the matter to HĐND) that issues its drafts, amends or revokes.

use chrono::Days;
use entity::document::DocumentType;
use entity::mandate;
use entity::proposal::{self, ProposalKind, ProposalStatus};
use entity::role_grant::Role;
use entity::unit;
use sea_orm::{ActiveModelTrait, DatabaseConnection, DatabaseTransaction, IntoActiveModel, Set};
use uuid::Uuid;

use super::consult::{check_appraised, check_ready, needs_appraisal, require_issuer};
use super::service::{
    Move, drafts_of, ids, locked, open_drafts, require_stage, stage_error, step_with,
};
use crate::auth::Authority;
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::mandates::service as mandates;
use crate::units::service::existing as existing_unit;

/// The body that decides: the sở that drafts, when every draft and every
/// mandate concerned is its own (a Giám đốc Sở's authorization); UBND
/// tỉnh (the province) otherwise.
pub async fn deciding_body(
    txn: &impl sea_orm::ConnectionTrait,
    p: &proposal::Model,
) -> AppResult<unit::Model> {
    let drafting = existing_unit(txn, p.drafting_unit_id).await?;
    let mut delegators: Vec<Uuid> = drafts_of(txn, p.id)
        .await?
        .iter()
        .map(|m| m.delegator_unit_id)
        .collect();
    for id in ids(&p.concerned_mandate_ids) {
        delegators.push(mandates::existing(txn, id).await?.delegator_unit_id);
    }
    if !delegators.is_empty() && delegators.iter().all(|d| *d == drafting.id) {
        return Ok(drafting);
    }
    let province =
        crate::units::service::province_of(&drafting).ok_or(AppError::NotFound("unit"))?;
    existing_unit(txn, province).await
}

/// DOCUMENT_ALREADY_USED: `doc` already serves another proposal as
/// its `field`.
pub(crate) fn used_elsewhere(doc: &entity::document::Model, field: &'static str) -> AppError {
    AppError::rule(
        Some(field),
        UserErrorCode::DocumentAlreadyUsed,
        format!(
            "{} already serves another proposal: each proposal has its own appraisal report, Tờ trình and decision",
            doc.number
        ),
    )
}

/// Refuses `doc` when another proposal has it in `column` (its Tờ
/// trình or its decision).
async fn check_unused(
    txn: &DatabaseTransaction,
    p: &proposal::Model,
    doc: &entity::document::Model,
    column: proposal::Column,
    field: &'static str,
) -> AppResult<()> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let other = proposal::Entity::find()
        .filter(column.eq(doc.id))
        .filter(proposal::Column::Id.ne(p.id))
        .one(txn)
        .await?;
    match other {
        Some(_) => Err(used_elsewhere(doc, field)),
        None => Ok(()),
    }
}

/// DOCUMENT_OUT_OF_ORDER unless `later` is dated on or after `earlier`:
/// the Tờ trình after the appraisal report it carries, the decision after
/// the Tờ trình it answers.
pub(crate) fn check_order(
    earlier: &entity::document::Model,
    later: &entity::document::Model,
) -> AppResult<()> {
    if later.issued_date < earlier.issued_date {
        return Err(AppError::rule(
            Some("document"),
            UserErrorCode::DocumentOutOfOrder,
            format!(
                "{} is dated {}, before {} ({}) it follows",
                later.number,
                later.issued_date.format("%d/%m/%Y"),
                earlier.number,
                earlier.issued_date.format("%d/%m/%Y")
            ),
        ));
    }
    Ok(())
}

/// The code of the first draft or concerned mandate of `p` that needs an
/// appraisal, if any.
async fn first_needing_appraisal(
    db: &impl sea_orm::ConnectionTrait,
    p: &proposal::Model,
) -> AppResult<Option<String>> {
    let (drafts, concerned) = parts(db, p).await?;
    for m in drafts.into_iter().chain(concerned) {
        let delegator = existing_unit(db, m.delegator_unit_id).await?;
        if needs_appraisal(db, &m, &delegator).await? {
            return Ok(Some(m.code));
        }
    }
    Ok(None)
}

/// Whether anything in `p` needs Sở Tư pháp's appraisal.
pub async fn needs_any_appraisal(
    db: &impl sea_orm::ConnectionTrait,
    p: &proposal::Model,
) -> AppResult<bool> {
    Ok(first_needing_appraisal(db, p).await?.is_some())
}

/// The drafts a decision would issue (those still drafts) and the
/// mandates it would end.
async fn parts(
    txn: &impl sea_orm::ConnectionTrait,
    p: &proposal::Model,
) -> AppResult<(Vec<mandate::Model>, Vec<mandate::Model>)> {
    let drafts = open_drafts(txn, p.id).await?;
    let mut concerned = Vec::new();
    for id in ids(&p.concerned_mandate_ids) {
        concerned.push(mandates::existing(txn, id).await?);
    }
    Ok((drafts, concerned))
}

/// Sends a proposal to the deciding body with its Tờ trình: APPROVER of
/// the drafting body. From APPRAISED; from DRAFTING only when nothing in it
/// needs an appraisal (APPRAISAL_REQUIRED). Ready as for the appraisal
/// (opinions, Sở Tài chính's where a budget goes with it), every draft
/// covered by a favourable appraisal where it needs one, and the Tờ trình
/// a registered TTR of the drafting body (WRONG_INSTRUMENT_TYPE,
/// WRONG_ISSUER).
pub async fn submit_for_decision(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    submission: Uuid,
) -> AppResult<proposal::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let before = locked(&txn, id).await?;
    let drafting = existing_unit(&txn, before.drafting_unit_id).await?;
    let actor = by.require(Role::Approver, &drafting)?;
    require_stage(
        &before,
        &[ProposalStatus::Drafting, ProposalStatus::Appraised],
        "submitting for decision",
    )?;
    check_ready(&txn, &before).await?;
    let (drafts, _) = parts(&txn, &before).await?;
    if before.status == ProposalStatus::Drafting
        && let Some(code) = first_needing_appraisal(&txn, &before).await?
    {
        return Err(AppError::rule(
            None,
            UserErrorCode::AppraisalRequired,
            format!(
                "{code} needs Sở Tư pháp's appraisal: ask for it (requestAppraisal) before the Tờ trình"
            ),
        ));
    }
    for m in &drafts {
        check_appraised(&txn, m).await?;
    }
    let doc = crate::mandates::documents::existing(&txn, submission).await?;
    if doc.doc_type != DocumentType::Ttr {
        return Err(AppError::rule(
            Some("document"),
            UserErrorCode::WrongInstrumentType,
            format!("{} is not a Tờ trình (TTR)", doc.number),
        ));
    }
    require_issuer(&doc, &drafting, "document")?;
    check_unused(
        &txn,
        &before,
        &doc,
        proposal::Column::SubmissionDocumentId,
        "document",
    )
    .await?;
    // The Tờ trình carries the appraisal: it is dated on or after it.
    let appraised = crate::proposals::read::appraisals(&txn, id).await?;
    if let Some(a) = appraised.last() {
        let report = crate::mandates::documents::existing(&txn, a.report_document_id).await?;
        check_order(&report, &doc)?;
    }
    let note = doc.number.clone();
    let m = Move {
        to: ProposalStatus::AwaitingDecision,
        action: "submitForDecision",
        unit: drafting.id,
        reason: Some(&note),
        mandates: Vec::new(),
    };
    let after = step_with(&txn, &actor, &before, m, |row| {
        row.submission_document_id = Set(Some(submission));
    })
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// The deciding body decides: APPROVER over it, while the proposal awaits
/// its decision. The decision is a registered document of the deciding
/// body (WRONG_ISSUER): a resolution of HĐND (NQ_HDND) where the proposal
/// requires one (RESOLUTION_REQUIRED), recorded as adopted on its date.
/// In one transaction it becomes the legal basis of every draft, which is
/// issued after every rule and the appraisal gate; an amendment's draft
/// supersedes the concerned mandate of the same matter (NO_DRAFT_MANDATES
/// for one left without); a revocation ends the concerned mandates the
/// day before the decision takes effect. Any refusal leaves all as it was.
pub async fn decide_proposal(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    decision: Uuid,
) -> AppResult<(proposal::Model, Vec<mandate::Model>)> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let before = locked(&txn, id).await?;
    let decider = deciding_body(&txn, &before).await?;
    let actor = by.require(Role::Approver, &decider)?;
    if before.status != ProposalStatus::AwaitingDecision {
        return Err(stage_error(
            &before,
            &[ProposalStatus::AwaitingDecision],
            "deciding",
        ));
    }
    let doc = crate::mandates::documents::existing(&txn, decision).await?;
    if before.requires_resolution && doc.doc_type != DocumentType::NqHdnd {
        return Err(AppError::rule(
            Some("document"),
            UserErrorCode::ResolutionRequired,
            format!(
                "the matter is decided by a resolution of HĐND (NQ_HDND), not by {}",
                doc.number
            ),
        ));
    }
    require_issuer(&doc, &decider, "document")?;
    check_unused(
        &txn,
        &before,
        &doc,
        proposal::Column::DecisionDocumentId,
        "document",
    )
    .await?;
    if let Some(submission) = before.submission_document_id {
        let submission = crate::mandates::documents::existing(&txn, submission).await?;
        check_order(&submission, &doc)?;
    }
    let (drafts, concerned) = parts(&txn, &before).await?;
    let mut changed = Vec::new();
    match before.kind {
        ProposalKind::Revoke => {
            for old in &concerned {
                // A mandate not yet in force is withdrawn before its first day.
                let last_day = doc.effective_from.max(old.effective_from) - Days::new(1);
                changed.push(mandates::revoke_in(&txn, old, doc.id, last_day).await?);
            }
        }
        ProposalKind::Delegate | ProposalKind::Amend => {
            if drafts.is_empty() {
                return Err(AppError::rule(
                    None,
                    UserErrorCode::NoDraftMandates,
                    "the proposal has no draft mandate to issue",
                ));
            }
            let mut replaced = Vec::new();
            for draft in &drafts {
                let old = concerned
                    .iter()
                    .find(|c| c.matter_code.eq_ignore_ascii_case(&draft.matter_code));
                let mut row = draft.clone().into_active_model();
                row.legal_basis_id = Set(Some(doc.id));
                let draft = row.update(&txn).await?;
                changed.push(mandates::issue_in(&txn, &draft, old).await?);
                replaced.extend(old.map(|o| o.id));
            }
            if let Some(left) = concerned.iter().find(|c| !replaced.contains(&c.id)) {
                return Err(AppError::rule(
                    None,
                    UserErrorCode::NoDraftMandates,
                    format!(
                        "{} is concerned but no draft of matter {} amends it",
                        left.code, left.matter_code
                    ),
                ));
            }
        }
    }
    let note = doc.number.clone();
    let m = Move {
        to: ProposalStatus::Decided,
        action: "decideProposal",
        unit: decider.id,
        reason: Some(&note),
        mandates: changed.iter().map(|m| m.id).collect(),
    };
    let decided_on = doc.issued_date;
    let after = step_with(&txn, &actor, &before, m, |row| {
        row.decision_document_id = Set(Some(decision));
        row.decided_on = Set(Some(decided_on));
    })
    .await?;
    txn.commit().await?;
    Ok((after, changed))
}

//! A mandate's life: draft, edit, issue, amend, revoke, extend.

use crate::reporting::regimes::{Span, follow_mandates, spans_of};

use super::*;

/// Drafts a mandate: APPROVER over the delegator, or, for a draft of a
/// proposal, its drafting body (see [`may_draft`]). A draft may be
/// incomplete; the rules are checked when it is issued.
pub async fn draft_mandate(
    db: &DatabaseConnection,
    by: Authority<'_>,
    input: MandateInput,
) -> AppResult<mandate::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let delegator = existing_unit(&txn, input.delegator).await?;
    let actor = may_draft(&txn, by, input.proposal, &delegator, &input.matter_code).await?;
    let m = new_mandate(&txn, input, MandateState::Draft).await?;
    audit_mandate(&txn, &actor, "draftMandate", None, &m).await?;
    if let Some(p) = m.proposal_id {
        note_draft_change(&txn, &actor, p, "draftMandate", &m.code).await?;
    }
    txn.commit().await?;
    Ok(m)
}

pub(crate) async fn new_mandate(
    txn: &DatabaseTransaction,
    input: MandateInput,
    state: MandateState,
) -> AppResult<mandate::Model> {
    check_code(&input.code)?;
    let taken = mandate::Entity::find()
        .filter(mandate::Column::Code.eq(input.code.as_str()))
        .one(txn)
        .await?;
    if taken.is_some() {
        return Err(AppError::rule(
            Some("code"),
            UserErrorCode::DuplicateCode,
            "another mandate has that code",
        ));
    }
    let mut m = mandate::Model {
        proposal_id: input.proposal,
        id: Uuid::now_v7(),
        code: input.code.clone(),
        title: String::new(),
        name_key: String::new(),
        sector: input.sector,
        matter_code: String::new(),
        kind: input.kind,
        delegator_unit_id: input.delegator,
        delegator_capacity: input.delegator_capacity,
        delegatee_capacity: input.delegatee_capacity,
        legal_basis_id: None,
        legal_basis_article: None,
        conditions: None,
        resource_budget_vnd: None,
        resource_staff: None,
        resource_facilities: None,
        resource_none_reason: None,
        effective_from: input.effective_from,
        effective_to: None,
        allow_onward: false,
        parent_mandate_id: None,
        state,
        superseded_by_id: None,
        ended_document_id: None,
        procedure_publication_id: None,
        created_at: Utc::now(),
        search_text: String::new(),
    };
    fill(txn, &mut m, &input).await?;
    m.clone().into_active_model().insert(txn).await?;
    replace_assignments(txn, &m, &input.delegatees).await?;
    Ok(m)
}

/// Changes a draft.
pub async fn update_draft(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    patch: MandatePatch,
) -> AppResult<mandate::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let before = existing(&txn, id).await?;
    let delegator = existing_unit(&txn, before.delegator_unit_id).await?;
    let actor = may_draft(
        &txn,
        by,
        before.proposal_id,
        &delegator,
        &before.matter_code,
    )
    .await?;
    require_draft(&before)?;
    let current = current_delegatees(&txn, &before).await?;
    let mut input = MandateInput::of(&before, current.clone());
    patch.apply(&mut input);
    let mut m = before.clone();
    fill(&txn, &mut m, &input).await?;
    let delegatees = input.delegatees;
    let old = mandate_json(&before, &current);
    m.clone()
        .into_active_model()
        .reset_all()
        .update(&txn)
        .await?;
    replace_assignments(&txn, &m, &delegatees).await?;
    audit_mandate(&txn, &actor, "updateDraftMandate", Some(old), &m).await?;
    if let Some(p) = m.proposal_id {
        note_draft_change(&txn, &actor, p, "updateDraftMandate", &m.code).await?;
    }
    txn.commit().await?;
    Ok(m)
}

/// Discards a draft that was never issued, with the same rights as
/// editing it (for a proposal's draft, while the proposal is DRAFTING or
/// APPRAISED): its delegatees and the appraisal notes on it go with it.
/// NOT_DRAFT for an issued mandate; ONWARD_DEPENDENTS while another draft
/// names it as its parent. Returns it as it was.
pub async fn discard_draft(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
) -> AppResult<mandate::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let before = existing(&txn, id).await?;
    let delegator = existing_unit(&txn, before.delegator_unit_id).await?;
    let actor = may_draft(
        &txn,
        by,
        before.proposal_id,
        &delegator,
        &before.matter_code,
    )
    .await?;
    require_draft(&before)?;
    let child = mandate::Entity::find()
        .filter(mandate::Column::ParentMandateId.eq(id))
        .one(&txn)
        .await?;
    if let Some(child) = child {
        return Err(AppError::rule(
            None,
            UserErrorCode::OnwardDependents,
            format!(
                "{} names {} as its parent; discard or change it first",
                child.code, before.code
            ),
        ));
    }
    let old = mandate_json(&before, &current_delegatees(&txn, &before).await?);
    mandate_assignment::Entity::delete_many()
        .filter(mandate_assignment::Column::MandateId.eq(id))
        .exec(&txn)
        .await?;
    entity::appraisal_mandate::Entity::delete_many()
        .filter(entity::appraisal_mandate::Column::MandateId.eq(id))
        .exec(&txn)
        .await?;
    mandate::Entity::delete_by_id(id).exec(&txn).await?;
    let change = Change {
        action: "discardDraftMandate",
        entity_type: "Mandate",
        entity_id: id,
        scope_unit_id: Some(before.delegator_unit_id),
        before: Some(old),
        after: None,
    };
    audit::record(&txn, &actor, change).await?;
    if let Some(p) = before.proposal_id {
        note_draft_change(&txn, &actor, p, "discardDraftMandate", &before.code).await?;
    }
    txn.commit().await?;
    Ok(before)
}

/// Issues a draft: checks every rule, then makes it binding from its
/// effective date.
pub async fn issue_mandate(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
) -> AppResult<mandate::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let (before, _, actor) = for_change(&txn, by, id).await?;
    require_draft(&before)?;
    if before.proposal_id.is_some() {
        return Err(AppError::rule(
            None,
            UserErrorCode::IssuedByDecision,
            format!(
                "{} is a draft of a proposal: the decision on the proposal issues it (decideProposal)",
                before.code
            ),
        ));
    }
    let m = issue_in(&txn, &before, None).await?;
    audit_mandate(&txn, &actor, "issueMandate", None, &m).await?;
    txn.commit().await?;
    Ok(m)
}

/// Issues the draft `before` inside `txn` after every rule, the appraisal
/// (see [`check_appraised`]) included; when it `replaces` a mandate in
/// force (an amendment decided on a proposal), that one is superseded
/// from the new one's first day. Brings the reports in line.
pub(crate) async fn issue_in(
    txn: &DatabaseTransaction,
    before: &mandate::Model,
    replaces: Option<&mandate::Model>,
) -> AppResult<mandate::Model> {
    let delegatees = units_by_id(txn, &current_delegatees(txn, before).await?).await?;
    let ignore: Vec<Uuid> = replaces.iter().map(|old| old.id).collect();
    if let Some(old) = replaces {
        check_amendable(old, before.effective_from)?;
    }
    let parent = check_lawful(txn, before, &delegatees, &ignore).await?;
    check_appraised(txn, before).await?;
    let mut row = before.clone().into_active_model();
    row.state = Set(MandateState::Issued);
    row.parent_mandate_id = Set(parent);
    let m = row.update(txn).await?;
    match replaces {
        Some(old) => supersede(txn, old, &m).await?,
        None => follow(txn, Vec::new(), &[m.id]).await?,
    }
    Ok(m)
}

/// `old` may be amended from `from`: issued, in force or scheduled then,
/// and begun before it (NOT_AMENDABLE, INVALID_DATE).
fn check_amendable(old: &mandate::Model, from: NaiveDate) -> AppResult<()> {
    let status = rules::dated_status(old, from);
    if old.state != MandateState::Issued
        || !matches!(status, DatedStatus::Active | DatedStatus::Scheduled)
    {
        return Err(AppError::rule(
            None,
            UserErrorCode::NotAmendable,
            format!("{} is not in force on that date", old.code),
        ));
    }
    if from <= old.effective_from {
        return Err(AppError::rule(
            Some("effectiveFrom"),
            UserErrorCode::InvalidDate,
            "an amendment starts after the mandate it amends",
        ));
    }
    Ok(())
}

/// Ends `old` the day before `new` begins, as superseded by it; onward
/// delegations resting on `old` move to `new` (which must still carry
/// them); the reports follow.
async fn supersede(
    txn: &DatabaseTransaction,
    old: &mandate::Model,
    new: &mandate::Model,
) -> AppResult<()> {
    check_onward_still_held(txn, old, new).await?;
    let last_day = new.effective_from - Days::new(1);
    let spans = spans_of(txn, &[old.id]).await?;
    end_mandate(txn, old, MandateState::Superseded, last_day, None).await?;
    let mut row = existing(txn, old.id).await?.into_active_model();
    row.superseded_by_id = Set(Some(new.id));
    row.update(txn).await?;
    // Onward delegations now rest on the amended version.
    mandate::Entity::update_many()
        .col_expr(
            mandate::Column::ParentMandateId,
            sea_orm::sea_query::Expr::value(new.id),
        )
        .filter(mandate::Column::ParentMandateId.eq(old.id))
        .exec(txn)
        .await?;
    follow(txn, spans, &[old.id, new.id]).await
}

/// What an amendment changes; the new mandate starts on `effective_from`.
#[derive(Debug, Clone)]
pub struct Amendment {
    pub code: String,
    pub legal_basis: Uuid,
    pub effective_from: NaiveDate,
    pub patch: MandatePatch,
}

/// Issues a new mandate that supersedes `id` from the amendment's date.
pub async fn amend_mandate(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    amendment: Amendment,
) -> AppResult<mandate::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let (old, _, actor) = for_change(&txn, by, id).await?;
    check_amendable(&old, amendment.effective_from)?;
    let mut input = MandateInput::of(&old, current_delegatees(&txn, &old).await?);
    input.code = amendment.code;
    // Made by amendMandate, not by a proposal's decision.
    input.proposal = None;
    input.legal_basis = Some(amendment.legal_basis);
    input.effective_from = amendment.effective_from;
    amendment.patch.apply(&mut input);
    let new = new_mandate(&txn, input, MandateState::Issued).await?;
    let units = units_by_id(&txn, &current_delegatees(&txn, &new).await?).await?;
    check_lawful(&txn, &new, &units, &[old.id]).await?;
    crate::proposals::consult::check_amendment_appraised(&txn, &old, &new).await?;
    supersede(&txn, &old, &new).await?;
    let before = mandate_json(&old, &current_delegatees(&txn, &old).await?);
    audit_mandate(&txn, &actor, "amendMandate", Some(before), &new).await?;
    txn.commit().await?;
    Ok(new)
}

/// R7 on amendment: the mandates passed on from `old` move to `new`, so
/// each one's delegator must still be among `new`'s delegatees, for as
/// long as it lasts.
async fn check_onward_still_held(
    txn: &DatabaseTransaction,
    old: &mandate::Model,
    new: &mandate::Model,
) -> AppResult<()> {
    let onward = mandate::Entity::find()
        .filter(mandate::Column::ParentMandateId.eq(old.id))
        .filter(mandate::Column::State.eq(MandateState::Issued))
        .all(txn)
        .await?;
    let holders = current_delegatees(txn, new).await?;
    for child in onward
        .iter()
        .filter(|c| c.effective_to.is_none_or(|to| to >= new.effective_from))
    {
        let outlives = new
            .effective_to
            .is_some_and(|end| child.effective_to.is_none_or(|to| to > end));
        if !holders.contains(&child.delegator_unit_id) || outlives {
            return Err(AppError::rule(
                Some("delegatees"),
                UserErrorCode::OnwardDependents,
                format!(
                    "{} passes {} on and would no longer rest on it; revoke or amend {} first",
                    child.code, old.code, child.code
                ),
            ));
        }
    }
    Ok(())
}

/// Ends `m` on `last_day` with `state`, closing its assignments then.
pub(super) async fn end_mandate(
    txn: &DatabaseTransaction,
    m: &mandate::Model,
    state: MandateState,
    last_day: NaiveDate,
    document: Option<Uuid>,
) -> AppResult<()> {
    let mut row = m.clone().into_active_model();
    row.state = Set(state);
    row.effective_to = Set(Some(last_day));
    if document.is_some() {
        row.ended_document_id = Set(document);
    }
    row.update(txn).await?;
    for a in assignments_of(txn, &[m.id]).await? {
        if a.valid_to.is_none_or(|to| to > last_day) {
            let mut row = a.into_active_model();
            row.valid_to = Set(Some(last_day));
            row.update(txn).await?;
        }
    }
    Ok(())
}

/// Revokes a mandate from the day after `last_day`, citing `document`;
/// onward delegations resting on it end with it.
pub async fn revoke_mandate(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    document: Uuid,
    last_day: NaiveDate,
) -> AppResult<mandate::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let (before, _, actor) = for_change(&txn, by, id).await?;
    let after = revoke_in(&txn, &before, document, last_day).await?;
    let old = mandate_json(&before, &current_delegatees(&txn, &before).await?);
    audit_mandate(&txn, &actor, "revokeMandate", Some(old), &after).await?;
    txn.commit().await?;
    Ok(after)
}

/// Revokes `before` from the day after `last_day` inside `txn`, citing
/// `document`, with the onward delegations resting on it; returns it as
/// revoked.
pub(crate) async fn revoke_in(
    txn: &DatabaseTransaction,
    before: &mandate::Model,
    document: Uuid,
    last_day: NaiveDate,
) -> AppResult<mandate::Model> {
    let doc = documents::existing(txn, document).await?;
    if before.state != MandateState::Issued {
        return Err(AppError::rule(
            None,
            UserErrorCode::NotRevocable,
            format!("{} is not an issued mandate in force", before.code),
        ));
    }
    // The day before the first day withdraws a scheduled mandate before it
    // takes effect: it is then never active.
    if last_day + Days::new(1) < before.effective_from
        || before.effective_to.is_some_and(|to| last_day >= to)
    {
        return Err(AppError::rule(
            Some("lastDay"),
            UserErrorCode::InvalidDate,
            "the last day falls between the day before the mandate's first day and its planned end",
        ));
    }
    check_ending_instrument(txn, before, &doc, last_day + Days::new(1), "document").await?;
    let mut ended = vec![before.clone()];
    let mut i = 0;
    while i < ended.len() {
        let children = mandate::Entity::find()
            .filter(mandate::Column::ParentMandateId.eq(ended[i].id))
            .filter(mandate::Column::State.eq(MandateState::Issued))
            .all(txn)
            .await?;
        ended.extend(
            children
                .into_iter()
                .filter(|c| c.effective_to.is_none_or(|to| to > last_day)),
        );
        i += 1;
    }
    let ids: Vec<Uuid> = ended.iter().map(|m| m.id).collect();
    let spans = spans_of(txn, &ids).await?;
    for m in &ended {
        end_mandate(txn, m, MandateState::Revoked, last_day, Some(document)).await?;
    }
    follow(txn, spans, &ids).await?;
    existing(txn, before.id).await
}

/// Moves an authorization's end date later, citing `document`.
pub async fn extend_authorization(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    new_end: NaiveDate,
    document: Uuid,
) -> AppResult<mandate::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let (before, _, actor) = for_change(&txn, by, id).await?;
    let doc = documents::existing(&txn, document).await?;
    if before.kind != MandateKind::Authorization {
        return Err(AppError::rule(
            None,
            UserErrorCode::NotAuthorization,
            "only an authorization (ủy quyền) is extended",
        ));
    }
    let live = matches!(
        rules::dated_status(&before, crate::calendar::today()),
        DatedStatus::Active | DatedStatus::Scheduled
    );
    if before.state != MandateState::Issued || !live {
        return Err(AppError::rule(
            None,
            UserErrorCode::NotActive,
            format!("{} is not in force", before.code),
        ));
    }
    let old_end = before.effective_to.unwrap_or(new_end);
    if new_end <= old_end {
        return Err(AppError::rule(
            Some("effectiveTo"),
            UserErrorCode::InvalidDate,
            "the new end is after the current one",
        ));
    }
    check_ending_instrument(&txn, &before, &doc, old_end + Days::new(1), "document").await?;
    rules::check_within_basis(before.kind, Some(new_end), &doc, "document")?;
    if let Some(parent) = before.parent_mandate_id {
        let parent = existing(&txn, parent).await?;
        if let Some(end) = parent.effective_to.filter(|end| new_end > *end) {
            return Err(AppError::rule(
                Some("effectiveTo"),
                UserErrorCode::OutlivesParent,
                format!(
                    "{} holds the matter by {} only until {end}",
                    before.code, parent.code
                ),
            ));
        }
    }
    let mut extended = before.clone();
    extended.effective_to = Some(new_end);
    let current: Vec<mandate_assignment::Model> = assignments_of(&txn, &[id])
        .await?
        .into_iter()
        .filter(|a| !a.transferred && a.valid_to == Some(old_end))
        .collect();
    let delegatees = units_by_id(
        &txn,
        &current
            .iter()
            .map(|a| a.delegatee_unit_id)
            .collect::<Vec<_>>(),
    )
    .await?;
    let mut window = extended.clone();
    window.effective_from = old_end + Days::new(1);
    let line: Vec<Uuid> = ancestors(&txn, before.parent_mandate_id)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    check_overlap(&txn, &window, &delegatees, &line, &[id]).await?;
    let spans = spans_of(&txn, &[id]).await?;
    let mut row = before.clone().into_active_model();
    row.effective_to = Set(Some(new_end));
    let after = row.update(&txn).await?;
    for a in current {
        let mut row = a.into_active_model();
        row.valid_to = Set(Some(new_end));
        row.update(&txn).await?;
    }
    follow(&txn, spans, &[id]).await?;
    let old = mandate_json(&before, &current_delegatees(&txn, &before).await?);
    audit_mandate(&txn, &actor, "extendAuthorization", Some(old), &after).await?;
    txn.commit().await?;
    Ok(after)
}

/// Brings the reports of open periods in line with `mandates` as they now
/// are, where their assignments reach now or reached before the change
/// (`before`): in the change's transaction, so that no period stays with
/// the reporters it had (see the README, "Reports follow the mandates").
pub(super) async fn follow(
    txn: &DatabaseTransaction,
    mut before: Vec<Span>,
    mandates: &[Uuid],
) -> AppResult<()> {
    before.extend(spans_of(txn, mandates).await?);
    follow_mandates(txn, &before).await?;
    Ok(())
}

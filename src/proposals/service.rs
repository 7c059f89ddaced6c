//! A proposal from its draft to the drafting body: create, edit, submit,
//! withdraw, take up, return and reject; the step every transition records.

use chrono::Utc;
use entity::mandate::MandateState;
use entity::proposal::{self, ProposalKind, ProposalStatus};
use entity::role_grant::Role;
use entity::unit::{self, UnitKind};
use entity::{mandate, proposal_event};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, IntoActiveModel, QueryFilter, QuerySelect,
};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Actor, Change};
use crate::auth::Authority;
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::mandates::service::Resources;
use crate::text::{check_long_text, check_reason, check_text};
use crate::units::service::existing as existing_unit;

/// Most matters, target units, concerned mandates or attachments a
/// proposal lists.
pub const MAX_LISTED: usize = 500;

/// A proposal as its unit writes it.
#[derive(Debug, Clone)]
pub struct ProposalInput {
    pub kind: ProposalKind,
    pub title: String,
    pub proposing_unit: Uuid,
    pub drafting_unit: Uuid,
    pub justification: String,
    pub matter_codes: Vec<String>,
    pub targets: Vec<Uuid>,
    pub concerned_mandates: Vec<Uuid>,
    pub attachments: Vec<Uuid>,
    pub legal_basis: Option<Uuid>,
    pub legal_basis_article: Option<String>,
    pub resources: Resources,
    pub requires_resolution: bool,
    pub evaluation: Option<Uuid>,
    pub inspection_finding: Option<Uuid>,
}

/// Changes to a proposal in DRAFT or RETURNED; None keeps a field.
#[derive(Debug, Clone, Default)]
pub struct ProposalPatch {
    pub title: Option<String>,
    pub drafting_unit: Option<Uuid>,
    pub justification: Option<String>,
    pub matter_codes: Option<Vec<String>>,
    pub targets: Option<Vec<Uuid>>,
    pub concerned_mandates: Option<Vec<Uuid>>,
    pub attachments: Option<Vec<Uuid>>,
    pub legal_basis: Option<Uuid>,
    pub legal_basis_article: Option<String>,
    pub resources: Option<Resources>,
    pub requires_resolution: Option<bool>,
}

impl ProposalInput {
    /// The input that would write `p` again: what a patch starts from.
    pub fn of(p: &proposal::Model) -> Self {
        ProposalInput {
            kind: p.kind,
            title: p.title.clone(),
            proposing_unit: p.proposing_unit_id,
            drafting_unit: p.drafting_unit_id,
            justification: p.justification.clone(),
            matter_codes: list(&p.matter_codes),
            targets: list(&p.target_unit_ids),
            concerned_mandates: list(&p.concerned_mandate_ids),
            attachments: list(&p.attachment_ids),
            legal_basis: p.legal_basis_id,
            legal_basis_article: p.legal_basis_article.clone(),
            resources: resources_of(p),
            requires_resolution: p.requires_resolution,
            evaluation: p.evaluation_id,
            inspection_finding: p.inspection_finding_id,
        }
    }
}

impl ProposalPatch {
    fn apply(self, input: &mut ProposalInput) {
        let ProposalPatch {
            title,
            drafting_unit,
            justification,
            matter_codes,
            targets,
            concerned_mandates,
            attachments,
            legal_basis,
            legal_basis_article,
            resources,
            requires_resolution,
        } = self;
        if let Some(v) = title {
            input.title = v;
        }
        if let Some(v) = drafting_unit {
            input.drafting_unit = v;
        }
        if let Some(v) = justification {
            input.justification = v;
        }
        if let Some(v) = matter_codes {
            input.matter_codes = v;
        }
        if let Some(v) = targets {
            input.targets = v;
        }
        if let Some(v) = concerned_mandates {
            input.concerned_mandates = v;
        }
        if let Some(v) = attachments {
            input.attachments = v;
        }
        if legal_basis.is_some() {
            input.legal_basis = legal_basis;
        }
        if legal_basis_article.is_some() {
            input.legal_basis_article = legal_basis_article;
        }
        if let Some(v) = resources {
            input.resources = v;
        }
        if let Some(v) = requires_resolution {
            input.requires_resolution = v;
        }
    }
}

/// The resources a proposal states.
fn resources_of(p: &proposal::Model) -> Resources {
    Resources {
        budget_vnd: p.resource_budget_vnd,
        staff: p.resource_staff,
        facilities: p.resource_facilities.clone(),
        none_reason: p.resource_none_reason.clone(),
    }
}

/// A JSON list column read back (empty when unreadable).
pub fn list<T: serde::de::DeserializeOwned>(column: &str) -> Vec<T> {
    serde_json::from_str(column).unwrap_or_default()
}

/// The units of a proposal's JSON list column.
pub fn ids(column: &str) -> Vec<Uuid> {
    list(column)
}

/// A proposal that must exist, locked for a change until the transaction
/// ends (PostgreSQL; SQLite writers run one at a time).
pub(crate) async fn locked(txn: &DatabaseTransaction, id: Uuid) -> AppResult<proposal::Model> {
    proposal::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("proposal"))
}

/// A proposal that must exist.
pub async fn existing(db: &impl ConnectionTrait, id: Uuid) -> AppResult<proposal::Model> {
    proposal::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("proposal"))
}

/// WRONG_STAGE unless `p` is in one of `allowed`.
pub(crate) fn require_stage(
    p: &proposal::Model,
    allowed: &[ProposalStatus],
    action: &str,
) -> AppResult<()> {
    if allowed.contains(&p.status) {
        return Ok(());
    }
    Err(stage_error(p, allowed, action))
}

/// WRONG_STAGE: `action` needs one of `allowed`.
pub(crate) fn stage_error(
    p: &proposal::Model,
    allowed: &[ProposalStatus],
    action: &str,
) -> AppError {
    let names: Vec<String> = allowed.iter().map(|s| status_name(*s)).collect();
    AppError::rule(
        None,
        UserErrorCode::WrongStage,
        format!(
            "the proposal is {}; {action} is done when it is {}",
            status_name(p.status),
            names.join(" or ")
        ),
    )
}

/// The status as the API spells it (IN_APPRAISAL).
pub fn status_name(s: ProposalStatus) -> String {
    use sea_orm::ActiveEnum;
    s.to_value()
}

/// One step of a proposal: the new status, the event on its timeline and
/// the audit event, in the caller's transaction. `reason` is required of a
/// return, a rejection and a withdrawal. Returns the proposal as it now is.
pub(crate) async fn step(
    txn: &DatabaseTransaction,
    actor: &Actor,
    before: &proposal::Model,
    to: ProposalStatus,
    action: &str,
    unit: Uuid,
    reason: Option<&str>,
) -> AppResult<proposal::Model> {
    let m = Move {
        to,
        action,
        unit,
        reason,
        mandates: Vec::new(),
    };
    step_with(txn, actor, before, m, |_| {}).await
}

/// Where a step takes a proposal, who for, and why.
pub(crate) struct Move<'a> {
    pub to: ProposalStatus,
    pub action: &'a str,
    pub unit: Uuid,
    pub reason: Option<&'a str>,
    /// The mandates the step issued, amended or revoked (the decision),
    /// recorded in its audit event.
    pub mandates: Vec<Uuid>,
}

/// [`step`] that also sets the fields `edit` sets (the Tờ trình, the
/// decision).
pub(crate) async fn step_with(
    txn: &DatabaseTransaction,
    actor: &Actor,
    before: &proposal::Model,
    m: Move<'_>,
    edit: impl FnOnce(&mut proposal::ActiveModel),
) -> AppResult<proposal::Model> {
    let mut row = before.clone().into_active_model();
    row.status = sea_orm::Set(m.to);
    row.version = sea_orm::Set(before.version + 1);
    row.updated_at = sea_orm::Set(Utc::now());
    edit(&mut row);
    let after = row.update(txn).await?;
    record(txn, actor, before, &after, &m).await?;
    Ok(after)
}

/// Records a change of `before` into `after` (status moved or not) on
/// the timeline and in the audit trail.
pub(crate) async fn record(
    txn: &DatabaseTransaction,
    actor: &Actor,
    before: &proposal::Model,
    after: &proposal::Model,
    m: &Move<'_>,
) -> AppResult<()> {
    let Move {
        action,
        unit,
        reason,
        ref mandates,
        ..
    } = *m;
    proposal_event::Model {
        id: Uuid::now_v7(),
        proposal_id: after.id,
        at: Utc::now(),
        action: action.to_owned(),
        // A creation is recorded from a blank of version 0.
        from_status: (before.version > 0).then_some(before.status),
        to_status: after.status,
        actor: actor.user_id.map(|_| actor.username.clone()),
        unit_id: Some(unit),
        reason: reason.map(str::to_owned),
    }
    .into_active_model()
    .insert(txn)
    .await?;
    audit::record(
        txn,
        actor,
        Change {
            action,
            entity_type: "Proposal",
            entity_id: after.id,
            scope_unit_id: Some(after.proposing_unit_id),
            before: Some(json!(before)),
            after: Some(if mandates.is_empty() {
                json!(after)
            } else {
                let mut value = json!(after);
                value["mandates"] = json!(mandates);
                value
            }),
        },
    )
    .await?;
    Ok(())
}

/// Checks `input` and writes it into `p`: the one place a proposal's
/// fields are checked.
async fn fill(
    txn: &DatabaseTransaction,
    p: &mut proposal::Model,
    input: &ProposalInput,
) -> AppResult<()> {
    p.kind = input.kind;
    p.title = check_text("title", &input.title, 500)?;
    p.justification =
        check_long_text("justification", Some(&input.justification), 20_000)?.unwrap_or_default();
    let proposing = existing_unit(txn, input.proposing_unit).await?;
    let drafting = existing_unit(txn, input.drafting_unit).await?;
    check_drafting_body(&proposing, &drafting)?;
    p.proposing_unit_id = proposing.id;
    p.drafting_unit_id = drafting.id;
    for (field, n) in [
        ("matterCodes", input.matter_codes.len()),
        ("targets", input.targets.len()),
        ("concernedMandates", input.concerned_mandates.len()),
        ("attachments", input.attachments.len()),
    ] {
        if n > MAX_LISTED {
            return Err(AppError::rule(
                Some(field),
                UserErrorCode::TooManyValues,
                format!("a proposal lists at most {MAX_LISTED} {field}"),
            ));
        }
    }
    let mut matters: Vec<String> = Vec::new();
    for code in &input.matter_codes {
        let matter = crate::mandates::matters::catalogued(txn, code.trim()).await?;
        if !matters.contains(&matter.code) {
            matters.push(matter.code);
        }
    }
    p.matter_codes = json!(matters).to_string();
    let targets = dedup(&input.targets);
    crate::units::service::find_many(txn, &targets)
        .await?
        .len()
        .eq(&targets.len())
        .then_some(())
        .ok_or(AppError::NotFound("unit"))?;
    p.target_unit_ids = json!(targets).to_string();
    let concerned = dedup(&input.concerned_mandates);
    for id in &concerned {
        let m = crate::mandates::service::existing(txn, *id).await?;
        if m.state != MandateState::Issued {
            return Err(AppError::rule(
                Some("concernedMandates"),
                UserErrorCode::NotActive,
                format!("{} is not an issued mandate", m.code),
            ));
        }
    }
    p.concerned_mandate_ids = json!(concerned).to_string();
    let attachments = dedup(&input.attachments);
    if crate::mandates::service::documents_by_id(txn, &attachments)
        .await?
        .len()
        != attachments.len()
    {
        return Err(AppError::NotFound("document"));
    }
    p.attachment_ids = json!(attachments).to_string();
    if let Some(id) = input.legal_basis {
        crate::mandates::documents::existing(txn, id).await?;
    }
    p.legal_basis_id = input.legal_basis;
    p.legal_basis_article = check_long_text(
        "legalBasisArticle",
        input.legal_basis_article.as_deref(),
        200,
    )?;
    let r = input.resources.checked()?;
    p.resource_budget_vnd = r.budget_vnd;
    p.resource_staff = r.staff;
    p.resource_facilities = r.facilities;
    p.resource_none_reason = r.none_reason;
    p.requires_resolution = input.requires_resolution;
    p.evaluation_id = input.evaluation;
    p.inspection_finding_id = input.inspection_finding;
    p.search_text = crate::text::fold_all(&[&p.title, &p.justification]);
    Ok(())
}

fn dedup(ids: &[Uuid]) -> Vec<Uuid> {
    let mut out: Vec<Uuid> = Vec::new();
    for id in ids {
        if !out.contains(id) {
            out.push(*id);
        }
    }
    out
}

/// The drafting body (cơ quan tham mưu) is a sở of the proposing unit's
/// province, or the proposing sở itself (INVALID_DRAFTING_BODY).
fn check_drafting_body(proposing: &unit::Model, drafting: &unit::Model) -> AppResult<()> {
    let province = crate::units::service::province_of;
    let today = crate::calendar::today();
    if drafting.kind != UnitKind::Department
        || province(drafting) != province(proposing)
        || !crate::units::service::in_force(drafting, today)
    {
        return Err(AppError::rule(
            Some("draftingUnit"),
            UserErrorCode::InvalidDraftingBody,
            format!(
                "{} cannot draft the decision: the body that drafts (cơ quan tham mưu) is a sở in force of the proposing unit's province",
                drafting.name
            ),
        ));
    }
    Ok(())
}

/// Creates a proposal in DRAFT: REPORTER of the proposing unit.
pub async fn create_proposal(
    db: &DatabaseConnection,
    by: Authority<'_>,
    input: ProposalInput,
) -> AppResult<proposal::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let proposing = existing_unit(&txn, input.proposing_unit).await?;
    let actor = writer(by, &proposing)?;
    let p = insert_proposal(&txn, &actor, &proposing, input).await?;
    txn.commit().await?;
    Ok(p)
}

/// Writes a new proposal in DRAFT with its first event, for `actor`.
async fn insert_proposal(
    txn: &DatabaseTransaction,
    actor: &Actor,
    proposing: &unit::Model,
    input: ProposalInput,
) -> AppResult<proposal::Model> {
    let now = Utc::now();
    let mut p = proposal::Model {
        id: Uuid::now_v7(),
        kind: input.kind,
        title: String::new(),
        proposing_unit_id: proposing.id,
        drafting_unit_id: input.drafting_unit,
        justification: String::new(),
        matter_codes: "[]".into(),
        target_unit_ids: "[]".into(),
        concerned_mandate_ids: "[]".into(),
        attachment_ids: "[]".into(),
        legal_basis_id: None,
        legal_basis_article: None,
        resource_budget_vnd: None,
        resource_staff: None,
        resource_facilities: None,
        resource_none_reason: None,
        requires_resolution: false,
        status: ProposalStatus::Draft,
        version: 1,
        evaluation_id: None,
        inspection_finding_id: None,
        submission_document_id: None,
        decision_document_id: None,
        decided_on: None,
        search_text: String::new(),
        created_at: now,
        updated_at: now,
    };
    fill(txn, &mut p, &input).await?;
    let p = p.into_active_model().insert(txn).await?;
    let mut blank = p.clone();
    blank.version = 0;
    let action = match (input.evaluation, input.inspection_finding) {
        (Some(_), _) => "proposeFromEvaluation",
        (None, Some(_)) => "proposeFromFinding",
        (None, None) => "createProposal",
    };
    let m = Move {
        to: p.status,
        action,
        unit: proposing.id,
        reason: None,
        mandates: Vec::new(),
    };
    record(txn, actor, &blank, &p, &m).await?;
    Ok(p)
}

/// REPORTER of `unit`: who writes its proposals (its APPROVER submits).
pub(crate) fn writer(by: Authority<'_>, unit: &unit::Model) -> AppResult<Actor> {
    by.require(Role::Reporter, unit)
}

/// Changes a proposal in DRAFT or RETURNED, read at `expected_version`.
pub async fn update_proposal(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    patch: ProposalPatch,
) -> AppResult<proposal::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let before = locked(&txn, id).await?;
    let proposing = existing_unit(&txn, before.proposing_unit_id).await?;
    let actor = writer(by, &proposing)?;
    check_version(&before, expected_version)?;
    require_stage(
        &before,
        &[ProposalStatus::Draft, ProposalStatus::Returned],
        "editing",
    )?;
    let mut input = ProposalInput::of(&before);
    patch.apply(&mut input);
    let mut p = before.clone();
    fill(&txn, &mut p, &input).await?;
    p.version += 1;
    p.updated_at = Utc::now();
    let after = p.into_active_model().reset_all().update(&txn).await?;
    let m = Move {
        to: after.status,
        action: "updateProposal",
        unit: proposing.id,
        reason: None,
        mandates: Vec::new(),
    };
    record(&txn, &actor, &before, &after, &m).await?;
    txn.commit().await?;
    Ok(after)
}

fn check_version(p: &proposal::Model, expected: i32) -> AppResult<()> {
    if p.version != expected {
        return Err(AppError::Conflict(format!(
            "the proposal changed since you read it (version {} now, {expected} read); read it again",
            p.version
        )));
    }
    Ok(())
}

/// What a proposal must say before it leaves its unit: at least one
/// catalogued matter, the target units of a delegation (INVALID_DELEGATEES)
/// or the mandates an amendment or revocation concerns
/// (MANDATES_REQUIRED), a justification (MISSING_NARRATIVE), and its
/// resources or why none (R13, MISSING_RESOURCES).
fn check_complete(p: &proposal::Model) -> AppResult<()> {
    if list::<String>(&p.matter_codes).is_empty() {
        return Err(AppError::rule(
            Some("matterCodes"),
            UserErrorCode::UnknownMatter,
            "name at least one catalogued matter the proposal is about",
        ));
    }
    if p.kind == ProposalKind::Delegate && ids(&p.target_unit_ids).is_empty() {
        return Err(AppError::rule(
            Some("targets"),
            UserErrorCode::InvalidDelegatees,
            "name the units that would receive the matters",
        ));
    }
    if p.kind != ProposalKind::Delegate && ids(&p.concerned_mandate_ids).is_empty() {
        return Err(AppError::rule(
            Some("concernedMandates"),
            UserErrorCode::MandatesRequired,
            "an amendment or a revocation names the mandates in force it concerns",
        ));
    }
    if p.justification.trim().is_empty() {
        return Err(AppError::rule(
            Some("justification"),
            UserErrorCode::MissingNarrative,
            "say why (sự cần thiết, cơ sở thực tiễn)",
        ));
    }
    if p.kind != ProposalKind::Revoke {
        resources_of(p).require_stated()?;
    }
    Ok(())
}

/// Sends a proposal to its drafting body: APPROVER of the proposing unit,
/// from DRAFT or RETURNED, once it is complete.
pub async fn submit_proposal(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
) -> AppResult<proposal::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let before = locked(&txn, id).await?;
    let proposing = existing_unit(&txn, before.proposing_unit_id).await?;
    let actor = by.require(Role::Approver, &proposing)?;
    check_version(&before, expected_version)?;
    require_stage(
        &before,
        &[ProposalStatus::Draft, ProposalStatus::Returned],
        "submitting",
    )?;
    check_complete(&before)?;
    let drafting = existing_unit(&txn, before.drafting_unit_id).await?;
    check_drafting_body(&proposing, &drafting)?;
    let after = step(
        &txn,
        &actor,
        &before,
        ProposalStatus::Submitted,
        "submitProposal",
        proposing.id,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// The statuses a proposal can still be withdrawn from.
pub const OPEN: [ProposalStatus; 7] = [
    ProposalStatus::Draft,
    ProposalStatus::Submitted,
    ProposalStatus::Returned,
    ProposalStatus::Drafting,
    ProposalStatus::InAppraisal,
    ProposalStatus::Appraised,
    ProposalStatus::AwaitingDecision,
];

/// Withdraws a proposal before its decision, with a reason: APPROVER of
/// the proposing unit. Its draft mandates stay as drafts nobody can issue.
pub async fn withdraw_proposal(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    reason: &str,
) -> AppResult<proposal::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let before = locked(&txn, id).await?;
    let proposing = existing_unit(&txn, before.proposing_unit_id).await?;
    let actor = by.require(Role::Approver, &proposing)?;
    let reason = check_reason(reason, "why the proposal is withdrawn")?;
    require_stage(&before, &OPEN, "withdrawing")?;
    let after = step(
        &txn,
        &actor,
        &before,
        ProposalStatus::Withdrawn,
        "withdrawProposal",
        proposing.id,
        Some(reason),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// The drafting body takes a submitted proposal up: APPROVER of the
/// drafting unit; it then drafts the mandates (DRAFTING).
pub async fn take_up_proposal(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
) -> AppResult<proposal::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let before = locked(&txn, id).await?;
    let drafting = existing_unit(&txn, before.drafting_unit_id).await?;
    let actor = by.require(Role::Approver, &drafting)?;
    require_stage(&before, &[ProposalStatus::Submitted], "taking up")?;
    let after = step(
        &txn,
        &actor,
        &before,
        ProposalStatus::Drafting,
        "takeUpProposal",
        drafting.id,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Who sends a proposal back at its stage, and where to: the drafting
/// body's APPROVER returns a submitted proposal to its unit (RETURNED);
/// Sở Tư pháp's LEGAL_REVIEWER returns one in appraisal, and the deciding
/// body's APPROVER one awaiting its decision, to the drafting body
/// (DRAFTING).
async fn returner(
    txn: &DatabaseTransaction,
    by: Authority<'_>,
    p: &proposal::Model,
    action: &str,
) -> AppResult<(Actor, Uuid, ProposalStatus)> {
    let drafting = existing_unit(txn, p.drafting_unit_id).await?;
    match p.status {
        ProposalStatus::Submitted => Ok((
            by.require(Role::Approver, &drafting)?,
            drafting.id,
            ProposalStatus::Returned,
        )),
        ProposalStatus::InAppraisal => Ok((
            by.require(Role::LegalReviewer, &drafting)?,
            drafting.id,
            ProposalStatus::Drafting,
        )),
        ProposalStatus::AwaitingDecision => {
            let decider = crate::proposals::decide::deciding_body(txn, p).await?;
            Ok((
                by.require(Role::Approver, &decider)?,
                decider.id,
                ProposalStatus::Drafting,
            ))
        }
        _ => {
            // FORBIDDEN before WRONG_STAGE for those with no part in it.
            crate::proposals::read::require_party(txn, by, p).await?;
            Err(stage_error(
                p,
                &[
                    ProposalStatus::Submitted,
                    ProposalStatus::InAppraisal,
                    ProposalStatus::AwaitingDecision,
                ],
                action,
            ))
        }
    }
}

/// Sends a proposal back a step with a reason (see [`returner`]).
pub async fn return_proposal(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    reason: &str,
) -> AppResult<proposal::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let before = locked(&txn, id).await?;
    let (actor, unit, to) = returner(&txn, by, &before, "returning").await?;
    let reason = check_reason(reason, "why the proposal goes back")?;
    let after = step(
        &txn,
        &actor,
        &before,
        to,
        "returnProposal",
        unit,
        Some(reason),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Refuses a proposal for good, with a reason: the drafting body's
/// APPROVER when it is submitted to it, the deciding body's when it awaits
/// its decision.
pub async fn reject_proposal(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    reason: &str,
) -> AppResult<proposal::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let before = locked(&txn, id).await?;
    let rejectable = [ProposalStatus::Submitted, ProposalStatus::AwaitingDecision];
    if !rejectable.contains(&before.status) {
        crate::proposals::read::require_party(&txn, by, &before).await?;
        return Err(stage_error(&before, &rejectable, "rejecting"));
    }
    let (actor, unit, _) = returner(&txn, by, &before, "rejecting").await?;
    let reason = check_reason(reason, "why the proposal is rejected")?;
    let after = step(
        &txn,
        &actor,
        &before,
        ProposalStatus::Rejected,
        "rejectProposal",
        unit,
        Some(reason),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Who may draft, or edit a draft of, a mandate: with no proposal, an
/// APPROVER over the delegator; for a proposal, also its drafting body
/// (REPORTER or APPROVER of the drafting unit), while the proposal is
/// DRAFTING or APPRAISED (hoàn thiện after the appraisal), and only for
/// the matters it proposes (NOT_PROPOSED_MATTER).
pub(crate) async fn may_draft(
    txn: &DatabaseTransaction,
    by: Authority<'_>,
    proposal: Option<Uuid>,
    delegator: &unit::Model,
    matter_code: &str,
) -> AppResult<Actor> {
    let Some(id) = proposal else {
        return by.require(Role::Approver, delegator);
    };
    let p = locked(txn, id).await?;
    let drafting = existing_unit(txn, p.drafting_unit_id).await?;
    let actor = by
        .require(Role::Approver, delegator)
        .or_else(|_| writer(by, &drafting))
        .or_else(|_| by.require(Role::Approver, &drafting))?;
    require_stage(
        &p,
        &[ProposalStatus::Drafting, ProposalStatus::Appraised],
        "drafting its mandates",
    )?;
    if !list::<String>(&p.matter_codes)
        .iter()
        .any(|c| c.eq_ignore_ascii_case(matter_code.trim()))
    {
        return Err(AppError::rule(
            Some("matterCode"),
            UserErrorCode::NotProposedMatter,
            format!(
                "the proposal is about {}; {matter_code} is not among them",
                list::<String>(&p.matter_codes).join(", ")
            ),
        ));
    }
    Ok(actor)
}

/// Puts a change of one of the proposal's drafts on its timeline (the
/// mandate's own audit event records the change): a new version and an
/// event naming the draft, so that a client sees the drafts moved.
pub(crate) async fn note_draft_change(
    txn: &DatabaseTransaction,
    actor: &Actor,
    proposal_id: Uuid,
    action: &str,
    code: &str,
) -> AppResult<()> {
    let p = locked(txn, proposal_id).await?;
    let mut row = p.clone().into_active_model();
    row.version = sea_orm::Set(p.version + 1);
    row.updated_at = sea_orm::Set(Utc::now());
    row.update(txn).await?;
    proposal_event::Model {
        id: Uuid::now_v7(),
        proposal_id,
        at: Utc::now(),
        action: action.to_owned(),
        from_status: Some(p.status),
        to_status: p.status,
        actor: actor.user_id.map(|_| actor.username.clone()),
        unit_id: Some(p.drafting_unit_id),
        reason: Some(code.to_owned()),
    }
    .into_active_model()
    .insert(txn)
    .await?;
    Ok(())
}

/// Whether `viewer` may draft, edit or discard the drafts of proposal
/// `id` now (the rights of [`may_draft`], without a matter to check).
pub async fn may_edit_drafts(
    db: &impl ConnectionTrait,
    viewer: &crate::auth::Viewer,
    id: Uuid,
    delegator: &unit::Model,
) -> AppResult<bool> {
    let p = existing(db, id).await?;
    if !matches!(
        p.status,
        ProposalStatus::Drafting | ProposalStatus::Appraised
    ) {
        return Ok(false);
    }
    let drafting = existing_unit(db, p.drafting_unit_id).await?;
    Ok(viewer.grant_covering(Role::Approver, delegator).is_some()
        || viewer.grant_covering(Role::Reporter, &drafting).is_some()
        || viewer.grant_covering(Role::Approver, &drafting).is_some())
}

/// The mandates of a proposal still drafts (what its decision would
/// issue), by code.
pub async fn open_drafts(db: &impl ConnectionTrait, id: Uuid) -> AppResult<Vec<mandate::Model>> {
    Ok(drafts_of(db, id)
        .await?
        .into_iter()
        .filter(|m| m.state == MandateState::Draft)
        .collect())
}

/// The mandates drafted from a proposal (drafts, or issued by its
/// decision), by code.
pub async fn drafts_of(db: &impl ConnectionTrait, id: Uuid) -> AppResult<Vec<mandate::Model>> {
    use sea_orm::QueryOrder;
    Ok(mandate::Entity::find()
        .filter(mandate::Column::ProposalId.eq(id))
        .order_by_asc(mandate::Column::Code)
        .all(db)
        .await?)
}

/// Opens, in one step, the proposal an annual evaluation recommends: an
/// AMEND or REVOKE recommendation (the delegator's, or else the holder's)
/// becomes a DRAFT proposal of the holder unit (its REPORTER) to
/// `drafting_unit`, about the evaluated mandate, with the evaluation's
/// reasons and difficulties as its justification and the mandate's
/// resources. NO_CHANGE_RECOMMENDED for KEEP or EXPAND (an expansion is a
/// new delegation: createProposal), EVALUATION_NOT_SELF_ASSESSED before the
/// holder has submitted, ALREADY_PROPOSED while a proposal opened from it
/// is neither rejected nor withdrawn.
pub async fn propose_from_evaluation(
    db: &DatabaseConnection,
    by: Authority<'_>,
    evaluation: Uuid,
    drafting_unit: Uuid,
) -> AppResult<proposal::Model> {
    use entity::evaluation::{EvaluationStatus, Recommendation};
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let e = crate::evaluations::service::existing(&txn, evaluation).await?;
    let holder = existing_unit(&txn, e.holder_unit_id).await?;
    let actor = writer(by, &holder)?;
    if !matches!(
        e.status,
        EvaluationStatus::SelfAssessed | EvaluationStatus::Assessed
    ) {
        return Err(AppError::rule(
            Some("evaluation"),
            UserErrorCode::EvaluationNotSelfAssessed,
            "the holder's self-assessment is submitted before a proposal is opened from it",
        ));
    }
    let kind = match e.delegator_recommendation.or(e.recommendation) {
        Some(Recommendation::Amend) => ProposalKind::Amend,
        Some(Recommendation::Revoke) => ProposalKind::Revoke,
        _ => {
            return Err(AppError::rule(
                Some("evaluation"),
                UserErrorCode::NoChangeRecommended,
                "the evaluation recommends neither an amendment nor a revocation",
            ));
        }
    };
    let taken = proposal::Entity::find()
        .filter(proposal::Column::EvaluationId.eq(e.id))
        .filter(
            proposal::Column::Status
                .is_not_in([ProposalStatus::Rejected, ProposalStatus::Withdrawn]),
        )
        .one(&txn)
        .await?;
    if let Some(p) = taken {
        return Err(AppError::rule(
            Some("evaluation"),
            UserErrorCode::AlreadyProposed,
            format!(
                "the proposal \"{}\" was opened from this evaluation",
                p.title
            ),
        ));
    }
    let m = crate::mandates::service::existing(&txn, e.mandate_id).await?;
    let justification: Vec<&str> = [
        e.recommendation_reason.as_deref(),
        e.difficulties.as_deref(),
        e.assessment_text.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let opened = Opened {
        kind,
        proposing: &holder,
        drafting_unit,
        mandate: &m,
        justification: justification.join("\n\n"),
        attachments: Vec::new(),
        source: Source::Evaluation(e.id),
    };
    let p = open_about_mandate(&txn, &actor, opened).await?;
    txn.commit().await?;
    Ok(p)
}

/// What a proposal opened in one step comes from.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    /// An annual evaluation recommending AMEND or REVOKE.
    Evaluation(Uuid),
    /// An inspection finding recommending AMEND or REVOKE.
    InspectionFinding(Uuid),
}

/// A proposal about one mandate in force, opened in one step from what
/// recommended it.
pub struct Opened<'a> {
    pub kind: ProposalKind,
    pub proposing: &'a unit::Model,
    pub drafting_unit: Uuid,
    pub mandate: &'a mandate::Model,
    pub justification: String,
    /// Registered documents to attach (a finding's evidence).
    pub attachments: Vec<Uuid>,
    pub source: Source,
}

/// Writes, in the caller's transaction, the DRAFT proposal an evaluation
/// or an inspection finding recommends: to amend or revoke `mandate`,
/// titled after it, with its legal basis and resources, and `source` as
/// its origin. The one place both ways open a proposal.
pub(crate) async fn open_about_mandate(
    txn: &DatabaseTransaction,
    actor: &Actor,
    o: Opened<'_>,
) -> AppResult<proposal::Model> {
    let m = o.mandate;
    let verb = if o.kind == ProposalKind::Amend {
        "sửa đổi, bổ sung"
    } else {
        "bãi bỏ"
    };
    let title: String = format!("Đề xuất {verb}: {}", m.title)
        .chars()
        .take(500)
        .collect();
    let (evaluation, inspection_finding) = match o.source {
        Source::Evaluation(id) => (Some(id), None),
        Source::InspectionFinding(id) => (None, Some(id)),
    };
    let input = ProposalInput {
        kind: o.kind,
        title,
        proposing_unit: o.proposing.id,
        drafting_unit: o.drafting_unit,
        justification: o.justification,
        matter_codes: vec![m.matter_code.clone()],
        targets: Vec::new(),
        concerned_mandates: vec![m.id],
        attachments: o.attachments,
        legal_basis: m.legal_basis_id,
        legal_basis_article: m.legal_basis_article.clone(),
        resources: Resources::of(m),
        requires_resolution: false,
        evaluation,
        inspection_finding,
    };
    insert_proposal(txn, actor, o.proposing, input).await
}

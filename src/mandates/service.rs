//! Drafting, issuing, amending, revoking, extending and transferring
//! mandates, each in one transaction with its audit event, and the reads.
//! Every write that makes a mandate binding checks all seven rules.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{Days, NaiveDate, Utc};
use entity::mandate::{self, DelegatorCapacity, MandateKind, MandateState, Sector};
use entity::role_grant::Role;
use entity::unit::{self, UnitKind};
use entity::{document, mandate_assignment};
use sea_orm::sea_query::{Query, SimpleExpr};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::documents;
use super::rules::{self, DatedStatus};
use super::status::{self, AssignmentStatus, MandateStatus};
use crate::audit::{self, Actor, Change};
use crate::auth::{Authority, Viewer};
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::pagination::{Cursor, Page, PageRequest};
use crate::units::service::existing as existing_unit;
use crate::units::service::{self as units, subtree_of};

/// Resources that go with a power (or explicitly none, with a reason).
#[derive(Debug, Clone, Default)]
pub struct Resources {
    pub budget_vnd: Option<i64>,
    pub staff: Option<i32>,
    pub facilities: Option<String>,
    pub none_reason: Option<String>,
}

/// A mandate as drafted.
#[derive(Debug, Clone)]
pub struct MandateInput {
    pub code: String,
    pub title: String,
    pub sector: Sector,
    pub matter_code: String,
    pub kind: MandateKind,
    pub delegator: Uuid,
    pub delegator_capacity: DelegatorCapacity,
    pub legal_basis: Option<Uuid>,
    pub legal_basis_article: Option<String>,
    pub conditions: Option<String>,
    pub resources: Resources,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub allow_onward: bool,
    pub parent: Option<Uuid>,
    pub delegatees: Vec<Uuid>,
}

/// Changes to a draft; None leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct MandatePatch {
    pub title: Option<String>,
    pub sector: Option<Sector>,
    pub legal_basis: Option<Uuid>,
    pub legal_basis_article: Option<String>,
    pub conditions: Option<String>,
    pub resources: Option<Resources>,
    pub effective_from: Option<NaiveDate>,
    pub effective_to: Option<NaiveDate>,
    pub allow_onward: Option<bool>,
    pub delegatees: Option<Vec<Uuid>>,
}

/// The audit form of a mandate.
pub fn mandate_json(m: &mandate::Model, delegatees: &[Uuid]) -> Value {
    json!({
        "code": m.code, "title": m.title, "sector": m.sector.to_value(), "matterCode": m.matter_code,
        "kind": m.kind.to_value(), "state": m.state.to_value(),
        "delegatorUnitId": m.delegator_unit_id, "delegatorCapacity": m.delegator_capacity.to_value(),
        "legalBasisId": m.legal_basis_id, "legalBasisArticle": m.legal_basis_article,
        "conditions": m.conditions,
        "resources": {
            "budgetVnd": m.resource_budget_vnd, "staff": m.resource_staff,
            "facilities": m.resource_facilities, "noneReason": m.resource_none_reason,
        },
        "effectiveFrom": m.effective_from, "effectiveTo": m.effective_to,
        "allowOnward": m.allow_onward, "parentMandateId": m.parent_mandate_id,
        "delegatees": delegatees,
    })
}

/// A mandate that must exist.
pub async fn existing(db: &impl ConnectionTrait, id: Uuid) -> AppResult<mandate::Model> {
    mandate::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("mandate"))
}

/// The assignments of mandates, oldest first.
pub async fn assignments_of(
    db: &impl ConnectionTrait,
    mandates: &[Uuid],
) -> AppResult<Vec<mandate_assignment::Model>> {
    Ok(mandate_assignment::Entity::find()
        .filter(mandate_assignment::Column::MandateId.is_in(mandates.iter().copied()))
        .order_by_asc(mandate_assignment::Column::ValidFrom)
        .order_by_asc(mandate_assignment::Column::Id)
        .all(db)
        .await?)
}

pub(crate) use crate::text::{check_long_text, check_text};

pub(crate) fn check_code(code: &str) -> AppResult<()> {
    let ok = (2..=64).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(AppError::rule(
            Some("code"),
            UserErrorCode::InvalidCode,
            "a code has 2 to 64 letters, digits, dashes, dots, slashes or underscores",
        ))
    }
}

async fn units_by_id(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<unit::Model>> {
    let found = units::find_many(db, ids).await?;
    ids.iter()
        .map(|id| {
            found
                .iter()
                .find(|u| u.id == *id)
                .cloned()
                .ok_or(AppError::NotFound("unit"))
        })
        .collect()
}

/// The path a unit acts over: a department's province, else its own.
pub(crate) async fn territory(db: &impl ConnectionTrait, unit: &unit::Model) -> AppResult<String> {
    match (unit.kind, unit.parent_id) {
        (UnitKind::Department, Some(parent)) => Ok(existing_unit(db, parent).await?.path),
        _ => Ok(unit.path.clone()),
    }
}

/// Largest budget accepted: 2^53 − 1 đồng, the largest integer a
/// JavaScript client reads exactly (and far above a province's budget).
pub const MAX_BUDGET_VND: i64 = (1 << 53) - 1;

fn apply_resources(m: &mut mandate::Model, r: &Resources) -> AppResult<()> {
    if r.budget_vnd.is_some_and(|b| b < 0) || r.staff.is_some_and(|s| s < 0) {
        return Err(AppError::rule(
            Some("resources"),
            UserErrorCode::NegativeResources,
            "a budget or a number of staff cannot be negative",
        ));
    }
    if r.budget_vnd.is_some_and(|b| b > MAX_BUDGET_VND) {
        return Err(AppError::rule(
            Some("resources"),
            UserErrorCode::BudgetTooLarge,
            format!("a budget is at most {MAX_BUDGET_VND} đồng"),
        ));
    }
    m.resource_budget_vnd = r.budget_vnd;
    m.resource_staff = r.staff;
    m.resource_facilities = check_long_text("resources", r.facilities.as_deref(), 10_000)?;
    m.resource_none_reason = check_long_text("resources", r.none_reason.as_deref(), 10_000)?;
    Ok(())
}

async fn replace_assignments(
    txn: &DatabaseTransaction,
    m: &mandate::Model,
    delegatees: &[Uuid],
) -> AppResult<()> {
    mandate_assignment::Entity::delete_many()
        .filter(mandate_assignment::Column::MandateId.eq(m.id))
        .exec(txn)
        .await?;
    for delegatee in delegatees {
        mandate_assignment::Model {
            id: Uuid::now_v7(),
            mandate_id: m.id,
            delegatee_unit_id: *delegatee,
            valid_from: m.effective_from,
            valid_to: m.effective_to,
            transferred: false,
            successor_of: None,
            transfer_document_id: None,
        }
        .into_active_model()
        .insert(txn)
        .await?;
    }
    Ok(())
}

fn check_delegatee_list(delegatees: &[Uuid]) -> AppResult<()> {
    let distinct: HashSet<_> = delegatees.iter().collect();
    if delegatees.is_empty() || distinct.len() != delegatees.len() || delegatees.len() > 500 {
        return Err(AppError::rule(
            Some("delegatees"),
            UserErrorCode::InvalidDelegatees,
            "name 1 to 500 distinct delegatee units",
        ));
    }
    Ok(())
}

/// Drafts a mandate: APPROVER over the delegator. A draft may be
/// incomplete; the rules are checked when it is issued.
pub async fn draft_mandate(
    db: &DatabaseConnection,
    by: Authority<'_>,
    input: MandateInput,
) -> AppResult<mandate::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let delegator = existing_unit(&txn, input.delegator).await?;
    let actor = by.require(Role::Approver, &delegator)?;
    let m = new_mandate(&txn, input, MandateState::Draft).await?;
    audit_mandate(&txn, &actor, "draftMandate", None, &m).await?;
    txn.commit().await?;
    Ok(m)
}

async fn new_mandate(
    txn: &DatabaseTransaction,
    input: MandateInput,
    state: MandateState,
) -> AppResult<mandate::Model> {
    check_code(&input.code)?;
    let title = check_text("title", &input.title, 500)?;
    let matter_code = check_text("matterCode", &input.matter_code, 64)?;
    check_delegatee_list(&input.delegatees)?;
    units_by_id(txn, &input.delegatees).await?;
    if let Some(id) = input.legal_basis {
        documents::existing(txn, id).await?;
    }
    if let Some(id) = input.parent {
        existing(txn, id).await?;
    }
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
        id: Uuid::now_v7(),
        code: input.code,
        title,
        sector: input.sector,
        matter_code,
        kind: input.kind,
        delegator_unit_id: input.delegator,
        delegator_capacity: input.delegator_capacity,
        legal_basis_id: input.legal_basis,
        legal_basis_article: check_long_text(
            "legalBasisArticle",
            input.legal_basis_article.as_deref(),
            200,
        )?,
        conditions: check_long_text("conditions", input.conditions.as_deref(), 10_000)?,
        resource_budget_vnd: None,
        resource_staff: None,
        resource_facilities: None,
        resource_none_reason: None,
        effective_from: input.effective_from,
        effective_to: input.effective_to,
        allow_onward: input.allow_onward,
        parent_mandate_id: input.parent,
        state,
        superseded_by_id: None,
        ended_document_id: None,
        created_at: Utc::now(),
    };
    apply_resources(&mut m, &input.resources)?;
    m.clone().into_active_model().insert(txn).await?;
    replace_assignments(txn, &m, &input.delegatees).await?;
    Ok(m)
}

async fn audit_mandate(
    txn: &DatabaseTransaction,
    actor: &Actor,
    action: &str,
    before: Option<Value>,
    m: &mandate::Model,
) -> AppResult<()> {
    let delegatees: Vec<Uuid> = assignments_of(txn, &[m.id])
        .await?
        .iter()
        .filter(|a| !a.transferred)
        .map(|a| a.delegatee_unit_id)
        .collect();
    let change = Change {
        action,
        entity_type: "Mandate",
        entity_id: m.id,
        scope_unit_id: Some(m.delegator_unit_id),
        before,
        after: Some(mandate_json(m, &delegatees)),
    };
    audit::record(txn, actor, change).await?;
    Ok(())
}

/// Loads a mandate for a change by an APPROVER over its delegator.
async fn for_change(
    txn: &DatabaseTransaction,
    by: Authority<'_>,
    id: Uuid,
) -> AppResult<(mandate::Model, unit::Model, Actor)> {
    let m = existing(txn, id).await?;
    let delegator = existing_unit(txn, m.delegator_unit_id).await?;
    let actor = by.require(Role::Approver, &delegator)?;
    Ok((m, delegator, actor))
}

fn require_draft(m: &mandate::Model) -> AppResult<()> {
    if m.state == MandateState::Draft {
        Ok(())
    } else {
        Err(AppError::rule(
            None,
            UserErrorCode::NotDraft,
            format!("{} has been issued; amend it instead", m.code),
        ))
    }
}

/// Changes a draft.
pub async fn update_draft(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    patch: MandatePatch,
) -> AppResult<mandate::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let (before, _, actor) = for_change(&txn, by, id).await?;
    require_draft(&before)?;
    let mut m = before.clone();
    if let Some(title) = &patch.title {
        m.title = check_text("title", title, 500)?;
    }
    if let Some(sector) = patch.sector {
        m.sector = sector;
    }
    if let Some(basis) = patch.legal_basis {
        documents::existing(&txn, basis).await?;
        m.legal_basis_id = Some(basis);
    }
    if patch.legal_basis_article.is_some() {
        m.legal_basis_article = check_long_text(
            "legalBasisArticle",
            patch.legal_basis_article.as_deref(),
            200,
        )?;
    }
    if patch.conditions.is_some() {
        m.conditions = check_long_text("conditions", patch.conditions.as_deref(), 10_000)?;
    }
    if let Some(resources) = &patch.resources {
        apply_resources(&mut m, resources)?;
    }
    if let Some(from) = patch.effective_from {
        m.effective_from = from;
    }
    if patch.effective_to.is_some() {
        m.effective_to = patch.effective_to;
    }
    if let Some(onward) = patch.allow_onward {
        m.allow_onward = onward;
    }
    let delegatees = match patch.delegatees {
        Some(list) => {
            check_delegatee_list(&list)?;
            units_by_id(&txn, &list).await?;
            list
        }
        None => current_delegatees(&txn, &before).await?,
    };
    let old = mandate_json(&before, &current_delegatees(&txn, &before).await?);
    m.clone()
        .into_active_model()
        .reset_all()
        .update(&txn)
        .await?;
    replace_assignments(&txn, &m, &delegatees).await?;
    audit_mandate(&txn, &actor, "updateDraftMandate", Some(old), &m).await?;
    txn.commit().await?;
    Ok(m)
}

async fn current_delegatees(db: &impl ConnectionTrait, m: &mandate::Model) -> AppResult<Vec<Uuid>> {
    Ok(assignments_of(db, &[m.id])
        .await?
        .into_iter()
        .filter(|a| !a.transferred)
        .map(|a| a.delegatee_unit_id)
        .collect())
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
    let delegatees = units_by_id(&txn, &current_delegatees(&txn, &before).await?).await?;
    let parent = check_lawful(&txn, &before, &delegatees, &[]).await?;
    let mut row = before.clone().into_active_model();
    row.state = Set(MandateState::Issued);
    row.parent_mandate_id = Set(parent);
    let m = row.update(&txn).await?;
    audit_mandate(&txn, &actor, "issueMandate", None, &m).await?;
    txn.commit().await?;
    Ok(m)
}

/// The parent chain of a mandate, nearest first.
async fn ancestors(
    db: &impl ConnectionTrait,
    parent: Option<Uuid>,
) -> AppResult<Vec<mandate::Model>> {
    let mut chain = Vec::new();
    let mut next = parent;
    while let Some(id) = next {
        if chain.iter().any(|m: &mandate::Model| m.id == id) || chain.len() > 16 {
            break;
        }
        let m = existing(db, id).await?;
        next = m.parent_mandate_id;
        chain.push(m);
    }
    Ok(chain)
}

/// Rules 1 to 7 for `m` with `delegatees`. `ignore` lists mandates that
/// the change replaces, whose leads do not count as overlaps. Returns the
/// parent to record: the given one, or the devolution by which a delegator
/// other than the province holds the matter, so that the line of
/// delegation is explicit.
async fn check_lawful(
    txn: &DatabaseTransaction,
    m: &mandate::Model,
    delegatees: &[unit::Model],
    ignore: &[Uuid],
) -> AppResult<Option<Uuid>> {
    let basis = match m.legal_basis_id {
        Some(id) => Some(documents::existing(txn, id).await?),
        None => None,
    };
    rules::check_form(m, basis.as_ref())?;
    let delegator = existing_unit(txn, m.delegator_unit_id).await?;
    if !rules::in_force(&delegator, m.effective_from) {
        return Err(AppError::rule(
            Some("delegator"),
            UserErrorCode::DelegatorNotInForce,
            format!("{} is not in force on {}", delegator.name, m.effective_from),
        ));
    }
    let delegator_territory = territory(txn, &delegator).await?;
    for delegatee in delegatees {
        rules::check_delegatee(
            m.kind,
            &delegator,
            &delegator_territory,
            delegatee,
            m.effective_from,
        )?;
    }
    let given = ancestors(txn, m.parent_mandate_id).await?;
    if let Some(parent) = given.first() {
        rules::check_onward(parent)?;
    }
    let holder = check_holds(txn, m, &delegator, given.first()).await?;
    let parent = m.parent_mandate_id.or(holder);
    let chain = ancestors(txn, parent).await?;
    check_levels(txn, m, &delegator, delegatees, &chain).await?;
    let line: Vec<Uuid> = chain.iter().map(|c| c.id).collect();
    check_overlap(txn, m, delegatees, &line, ignore).await?;
    Ok(parent)
}

/// Rule 4: the delegator holds the matter on the effective date, as the
/// province (original holder), through the parent mandate, or by law
/// (an active DEVOLUTION naming it). Returns the mandate it holds by.
async fn check_holds(
    txn: &DatabaseTransaction,
    m: &mandate::Model,
    delegator: &unit::Model,
    parent: Option<&mandate::Model>,
) -> AppResult<Option<Uuid>> {
    if m.kind == MandateKind::Devolution
        || (delegator.kind == UnitKind::Province && parent.is_none())
    {
        return Ok(None);
    }
    let date = m.effective_from;
    let candidates: Vec<mandate::Model> = match parent {
        Some(parent) if parent.matter_code == m.matter_code => vec![parent.clone()],
        Some(_) => Vec::new(),
        None => {
            mandate::Entity::find()
                .filter(mandate::Column::MatterCode.eq(m.matter_code.as_str()))
                .filter(mandate::Column::Kind.eq(MandateKind::Devolution))
                .filter(mandate::Column::State.ne(MandateState::Draft))
                .all(txn)
                .await?
        }
    };
    let ids: Vec<Uuid> = candidates.iter().map(|c| c.id).collect();
    let assignments = assignments_of(txn, &ids).await?;
    let holds = candidates.iter().find(|c| {
        rules::dated_status(c, date) == DatedStatus::Active
            && assignments.iter().any(|a| {
                a.mandate_id == c.id
                    && a.delegatee_unit_id == delegator.id
                    && rules::covers(a, date)
            })
    });
    if let Some(holding) = holds {
        Ok(Some(holding.id))
    } else {
        Err(AppError::rule(
            Some("delegator"),
            UserErrorCode::NotHeld,
            format!(
                "{} does not hold matter {} on {date}",
                delegator.name, m.matter_code
            ),
        ))
    }
}

/// Rule 3: along the chain of delegation one matter spans at most two
/// administrative levels.
async fn check_levels(
    txn: &DatabaseTransaction,
    m: &mandate::Model,
    delegator: &unit::Model,
    delegatees: &[unit::Model],
    chain: &[mandate::Model],
) -> AppResult<()> {
    let root_delegator = match chain.last() {
        Some(root) => existing_unit(txn, root.delegator_unit_id).await?,
        None => delegator.clone(),
    };
    let mut levels = BTreeSet::from([rules::level(root_delegator.kind)]);
    levels.extend(delegatees.iter().map(|d| rules::level(d.kind)));
    let ids: Vec<Uuid> = chain.iter().map(|c| c.id).collect();
    // The levels that hold the matter along the line on the new mandate's
    // first day: a delegatee whose assignment was carried to successors
    // no longer counts.
    let held_by: Vec<Uuid> = assignments_of(txn, &ids)
        .await?
        .iter()
        .filter(|a| rules::covers(a, m.effective_from))
        .map(|a| a.delegatee_unit_id)
        .collect();
    levels.extend(
        units::find_many(txn, &held_by)
            .await?
            .iter()
            .map(|u| rules::level(u.kind)),
    );
    if levels.len() > 2 {
        return Err(AppError::rule(
            Some("delegatees"),
            UserErrorCode::TooManyLevels,
            format!(
                "matter {} would be managed by {} administrative levels; at most two",
                m.matter_code,
                levels.len()
            ),
        ));
    }
    Ok(())
}

/// Rule 5: one lead per matter and territory on any date. An assignment
/// of the same matter whose dates and territory overlap one of
/// `delegatees` is refused, unless it belongs to `ignore` or descends from
/// it (onward delegation within one chain is one line of leadership).
async fn check_overlap(
    txn: &DatabaseTransaction,
    m: &mandate::Model,
    delegatees: &[unit::Model],
    chain: &[Uuid],
    replaced: &[Uuid],
) -> AppResult<()> {
    let same_matter: HashMap<Uuid, mandate::Model> = mandate::Entity::find()
        .filter(mandate::Column::MatterCode.eq(m.matter_code.as_str()))
        .filter(mandate::Column::State.ne(MandateState::Draft))
        .all(txn)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    // The ancestors themselves are the line this mandate continues; what
    // descends from a replaced mandate (or this one) moves with it.
    let in_ignored_line = |mut id: Uuid| {
        if chain.contains(&id) {
            return true;
        }
        for _ in 0..16 {
            if replaced.contains(&id) || id == m.id {
                return true;
            }
            match same_matter.get(&id).and_then(|c| c.parent_mandate_id) {
                Some(parent) => id = parent,
                None => return false,
            }
        }
        false
    };
    let mut mine = Vec::new();
    for d in delegatees {
        let t = territory(txn, d).await?;
        if let Some((other, _)) = mine.iter().find(|(_, o): &&(&unit::Model, String)| {
            t.starts_with(o.as_str()) || o.starts_with(t.as_str())
        }) {
            return Err(AppError::rule(
                Some("delegatees"),
                UserErrorCode::OverlappingLead,
                format!(
                    "{} and {} would both lead matter {} over the same territory",
                    other.name, d.name, m.matter_code
                ),
            ));
        }
        mine.push((d, t));
    }
    let ids: Vec<Uuid> = same_matter
        .values()
        .filter(|c| {
            rules::ranges_overlap(
                c.effective_from,
                c.effective_to,
                m.effective_from,
                m.effective_to,
            )
        })
        .filter(|c| !in_ignored_line(c.id))
        .map(|c| c.id)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let assignments = assignments_of(txn, &ids).await?;
    let holder_ids: Vec<Uuid> = assignments.iter().map(|a| a.delegatee_unit_id).collect();
    let holders = units::find_many(txn, &holder_ids).await?;
    for a in assignments.iter().filter(|a| {
        rules::ranges_overlap(a.valid_from, a.valid_to, m.effective_from, m.effective_to)
    }) {
        let Some(holder) = holders.iter().find(|u| u.id == a.delegatee_unit_id) else {
            continue;
        };
        let theirs = territory(txn, holder).await?;
        if let Some((d, _)) = mine
            .iter()
            .find(|(_, t)| t.starts_with(&theirs) || theirs.starts_with(t.as_str()))
        {
            let other = &same_matter[&a.mandate_id];
            return Err(AppError::rule(
                Some("delegatees"),
                UserErrorCode::OverlappingLead,
                format!(
                    "matter {} already has a lead over {} ({} under {}); one lead per matter and territory",
                    m.matter_code, d.name, holder.name, other.code
                ),
            ));
        }
    }
    Ok(())
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
    let status = rules::dated_status(&old, amendment.effective_from);
    if old.state != MandateState::Issued
        || !matches!(status, DatedStatus::Active | DatedStatus::Scheduled)
    {
        return Err(AppError::rule(
            None,
            UserErrorCode::NotAmendable,
            format!("{} is not in force on that date", old.code),
        ));
    }
    if amendment.effective_from <= old.effective_from {
        return Err(AppError::rule(
            Some("effectiveFrom"),
            UserErrorCode::InvalidDate,
            "an amendment starts after the mandate it amends",
        ));
    }
    let patch = amendment.patch;
    let delegatees = match patch.delegatees.clone() {
        Some(list) => list,
        None => current_delegatees(&txn, &old).await?,
    };
    let resources = patch.resources.clone().unwrap_or(Resources {
        budget_vnd: old.resource_budget_vnd,
        staff: old.resource_staff,
        facilities: old.resource_facilities.clone(),
        none_reason: old.resource_none_reason.clone(),
    });
    let input = MandateInput {
        code: amendment.code,
        title: patch.title.unwrap_or_else(|| old.title.clone()),
        sector: patch.sector.unwrap_or(old.sector),
        matter_code: old.matter_code.clone(),
        kind: old.kind,
        delegator: old.delegator_unit_id,
        delegator_capacity: old.delegator_capacity,
        legal_basis: Some(amendment.legal_basis),
        legal_basis_article: patch
            .legal_basis_article
            .or_else(|| old.legal_basis_article.clone()),
        conditions: patch.conditions.or_else(|| old.conditions.clone()),
        resources,
        effective_from: amendment.effective_from,
        effective_to: patch.effective_to.or(old.effective_to),
        allow_onward: patch.allow_onward.unwrap_or(old.allow_onward),
        parent: old.parent_mandate_id,
        delegatees,
    };
    let new = new_mandate(&txn, input, MandateState::Issued).await?;
    let units = units_by_id(&txn, &current_delegatees(&txn, &new).await?).await?;
    check_lawful(&txn, &new, &units, &[old.id]).await?;
    let last_day = amendment.effective_from - Days::new(1);
    end_mandate(&txn, &old, MandateState::Superseded, last_day, None).await?;
    let mut row = existing(&txn, old.id).await?.into_active_model();
    row.superseded_by_id = Set(Some(new.id));
    row.update(&txn).await?;
    // Onward delegations now rest on the amended version.
    mandate::Entity::update_many()
        .col_expr(
            mandate::Column::ParentMandateId,
            sea_orm::sea_query::Expr::value(new.id),
        )
        .filter(mandate::Column::ParentMandateId.eq(old.id))
        .exec(&txn)
        .await?;
    let before = mandate_json(&old, &current_delegatees(&txn, &old).await?);
    audit_mandate(&txn, &actor, "amendMandate", Some(before), &new).await?;
    txn.commit().await?;
    Ok(new)
}

/// Ends `m` on `last_day` with `state`, closing its assignments then.
async fn end_mandate(
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
    documents::existing(&txn, document).await?;
    if before.state != MandateState::Issued {
        return Err(AppError::rule(
            None,
            UserErrorCode::NotRevocable,
            format!("{} is not an issued mandate in force", before.code),
        ));
    }
    if last_day < before.effective_from || before.effective_to.is_some_and(|to| last_day >= to) {
        return Err(AppError::rule(
            Some("lastDay"),
            UserErrorCode::InvalidDate,
            "the last day falls between the mandate's first day and its planned end",
        ));
    }
    let mut ended = vec![before.clone()];
    let mut i = 0;
    while i < ended.len() {
        let children = mandate::Entity::find()
            .filter(mandate::Column::ParentMandateId.eq(ended[i].id))
            .filter(mandate::Column::State.eq(MandateState::Issued))
            .all(&txn)
            .await?;
        ended.extend(
            children
                .into_iter()
                .filter(|c| c.effective_to.is_none_or(|to| to > last_day)),
        );
        i += 1;
    }
    for m in &ended {
        end_mandate(&txn, m, MandateState::Revoked, last_day, Some(document)).await?;
    }
    let after = existing(&txn, id).await?;
    let old = mandate_json(&before, &current_delegatees(&txn, &before).await?);
    audit_mandate(&txn, &actor, "revokeMandate", Some(old), &after).await?;
    txn.commit().await?;
    Ok(after)
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
    documents::existing(&txn, document).await?;
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
    let mut row = before.clone().into_active_model();
    row.effective_to = Set(Some(new_end));
    let after = row.update(&txn).await?;
    for a in current {
        let mut row = a.into_active_model();
        row.valid_to = Set(Some(new_end));
        row.update(&txn).await?;
    }
    let old = mandate_json(&before, &current_delegatees(&txn, &before).await?);
    audit_mandate(&txn, &actor, "extendAuthorization", Some(old), &after).await?;
    txn.commit().await?;
    Ok(after)
}

/// Who acts for `delegator` on `day`: itself while in force; once it has
/// ended, its successors in force.
async fn acting_for(
    db: &impl ConnectionTrait,
    delegator: &unit::Model,
    day: NaiveDate,
) -> AppResult<Vec<unit::Model>> {
    if rules::in_force(delegator, day) {
        return Ok(vec![delegator.clone()]);
    }
    Ok(units::successors_of(db, delegator)
        .await?
        .into_iter()
        .filter(|u| rules::in_force(u, day))
        .collect())
}

/// The units an APPROVER over any of may transfer a mandate's
/// assignments: the delegator and whoever acts for it.
fn transferrers(acting: &[unit::Model], delegator: &unit::Model) -> Vec<unit::Model> {
    let mut over = acting.to_vec();
    over.push(delegator.clone());
    over
}

/// Carries a lapsed assignment (its delegatee ended) to successor units
/// from `from`, citing `document`. Without `successors`, the delegatee's
/// successors through lineage.
pub async fn transfer_assignments(
    db: &DatabaseConnection,
    by: Authority<'_>,
    assignment: Uuid,
    successors: Option<Vec<Uuid>>,
    document: Uuid,
    from: NaiveDate,
) -> AppResult<mandate::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let old = mandate_assignment::Entity::find_by_id(assignment)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("assignment"))?;
    let m = existing(&txn, old.mandate_id).await?;
    let delegator = existing_unit(&txn, m.delegator_unit_id).await?;
    let acting = acting_for(&txn, &delegator, from).await?;
    let actor = by.require_any(Role::Approver, &transferrers(&acting, &delegator))?;
    documents::existing(&txn, document).await?;
    if old.transferred {
        return Err(AppError::rule(
            Some("assignment"),
            UserErrorCode::AlreadyTransferred,
            "already carried over",
        ));
    }
    if rules::dated_status(&m, from) != DatedStatus::Active {
        return Err(AppError::rule(
            None,
            UserErrorCode::NotActive,
            format!("{} is not in force on {from}", m.code),
        ));
    }
    let delegatee = existing_unit(&txn, old.delegatee_unit_id).await?;
    if status::assignment(&m, &old, &delegatee, from) != AssignmentStatus::Lapsed {
        return Err(AppError::rule(
            Some("assignment"),
            UserErrorCode::NotLapsed,
            format!("{} is still in force on {from}", delegatee.name),
        ));
    }
    let successors = match successors {
        Some(ids) => units_by_id(&txn, &ids).await?,
        None => units::successors_of(&txn, &delegatee).await?,
    };
    if successors.is_empty() {
        return Err(AppError::rule(
            Some("successors"),
            UserErrorCode::NoSuccessor,
            format!("{} has no successor; name one", delegatee.name),
        ));
    }
    for s in &successors {
        let mut last = Ok(());
        for d in &acting {
            let t = territory(&txn, d).await?;
            last = rules::check_delegatee(m.kind, d, &t, s, from);
            if last.is_ok() {
                break;
            }
        }
        if acting.is_empty() {
            last = Err(AppError::rule(
                None,
                UserErrorCode::DelegatorEnded,
                "the delegator has no successor in force",
            ));
        }
        last?;
    }
    let mut window = m.clone();
    window.effective_from = from;
    let line: Vec<Uuid> = ancestors(&txn, m.parent_mandate_id)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    check_overlap(&txn, &window, &successors, &line, &[m.id]).await?;
    let before = mandate_json(&m, &current_delegatees(&txn, &m).await?);
    let mut row = old.clone().into_active_model();
    row.transferred = Set(true);
    row.valid_to = Set(Some(from - Days::new(1)));
    row.update(&txn).await?;
    for s in &successors {
        mandate_assignment::Model {
            id: Uuid::now_v7(),
            mandate_id: m.id,
            delegatee_unit_id: s.id,
            valid_from: from,
            valid_to: m.effective_to,
            transferred: false,
            successor_of: Some(old.id),
            transfer_document_id: Some(document),
        }
        .into_active_model()
        .insert(&txn)
        .await?;
    }
    audit_mandate(&txn, &actor, "transferAssignments", Some(before), &m).await?;
    txn.commit().await?;
    Ok(m)
}

/// What a list of mandates is filtered by.
#[derive(Debug, Clone, Default)]
pub struct MandateFilter {
    pub delegator: Option<Uuid>,
    pub delegatee: Option<Uuid>,
    /// Path: delegator or a delegatee in this subtree.
    pub within: Option<String>,
    pub sector: Option<Sector>,
    pub kind: Option<MandateKind>,
    pub status: Option<MandateStatus>,
    pub search: Option<String>,
}

fn units_below(paths: &[&str]) -> SimpleExpr {
    let mut cond = Condition::any();
    for path in paths {
        cond = cond.add(subtree_of(path));
    }
    mandate::Column::DelegatorUnitId.in_subquery(
        Query::select()
            .column(unit::Column::Id)
            .from(unit::Entity)
            .cond_where(cond)
            .to_owned(),
    )
}

fn assigned_to(units: Condition) -> SimpleExpr {
    mandate::Column::Id.in_subquery(
        Query::select()
            .column(mandate_assignment::Column::MandateId)
            .from(mandate_assignment::Entity)
            .cond_where(
                mandate_assignment::Column::DelegateeUnitId.in_subquery(
                    Query::select()
                        .column(unit::Column::Id)
                        .from(unit::Entity)
                        .cond_where(units)
                        .to_owned(),
                ),
            )
            .to_owned(),
    )
}

/// Who may see what: a mandate in force on `as_of` is public
/// (transparency); anything else only to viewers with a grant over its
/// delegator.
pub fn visible_to(viewer: Option<&Viewer>, as_of: NaiveDate) -> Condition {
    let mut cond = Condition::any().add(status::in_force_by_dates(as_of));
    if let Some(viewer) = viewer {
        let paths: Vec<&str> = viewer
            .grants
            .iter()
            .map(|g| g.scope.path.as_str())
            .collect();
        if !paths.is_empty() {
            cond = cond.add(units_below(&paths));
        }
    }
    cond
}

/// Whether `viewer` may see `m` on `as_of`.
pub fn can_see(
    viewer: Option<&Viewer>,
    m: &mandate::Model,
    delegator: &unit::Model,
    as_of: NaiveDate,
) -> bool {
    rules::dated_status(m, as_of) == DatedStatus::Active
        || viewer.is_some_and(|v| v.covers(delegator))
}

/// What a viewer may do with a mandate now (`viewerCan`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Abilities {
    pub update: bool,
    pub issue: bool,
    pub amend: bool,
    pub revoke: bool,
    pub extend: bool,
    pub transfer: bool,
}

/// What `viewer` may do with `m` today, its assignments reading
/// `assignments`: an APPROVER over the delegator edits and issues drafts,
/// amends, revokes and (for an authorization) extends what is in force or
/// scheduled; an APPROVER over the delegator or whoever acts for it
/// transfers a lapsed assignment. The mutations check the same roles
/// (`for_change`, `transfer_assignments`) and states.
pub async fn viewer_can(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    m: &mandate::Model,
    delegator: &unit::Model,
    assignments: &[AssignmentStatus],
    today: NaiveDate,
) -> AppResult<Abilities> {
    let Some(viewer) = viewer else {
        return Ok(Abilities::default());
    };
    let approver = viewer.grant_covering(Role::Approver, delegator).is_some();
    let draft = m.state == MandateState::Draft;
    let live = m.state == MandateState::Issued
        && matches!(
            status::mandate(m, assignments.iter().copied(), today),
            MandateStatus::Active | MandateStatus::Scheduled | MandateStatus::Lapsed
        );
    let transfer = live
        && assignments.contains(&AssignmentStatus::Lapsed)
        && transferrers(&acting_for(db, delegator, today).await?, delegator)
            .iter()
            .any(|u| viewer.grant_covering(Role::Approver, u).is_some());
    Ok(Abilities {
        update: approver && draft,
        issue: approver && draft,
        amend: approver && live,
        revoke: approver && live,
        extend: approver && live && m.kind == MandateKind::Authorization,
        transfer,
    })
}

/// The cursor mandates are paged by: `(code, id)`.
pub fn cursor(m: &mandate::Model) -> Cursor {
    Cursor::new(m.code.clone(), m.id)
}

/// The mandates `viewer` may see on `as_of` that match `filter`.
fn list_condition(viewer: Option<&Viewer>, filter: &MandateFilter, as_of: NaiveDate) -> Condition {
    let mut cond = Condition::all().add(visible_to(viewer, as_of));
    if let Some(id) = filter.delegator {
        cond = cond.add(mandate::Column::DelegatorUnitId.eq(id));
    }
    if let Some(id) = filter.delegatee {
        cond = cond.add(assigned_to(Condition::all().add(unit::Column::Id.eq(id))));
    }
    if let Some(path) = &filter.within {
        cond = cond.add(
            Condition::any()
                .add(units_below(&[path.as_str()]))
                .add(assigned_to(subtree_of(path))),
        );
    }
    if let Some(sector) = &filter.sector {
        cond = cond.add(mandate::Column::Sector.eq(*sector));
    }
    if let Some(kind) = filter.kind {
        cond = cond.add(mandate::Column::Kind.eq(kind));
    }
    if let Some(status) = filter.status {
        cond = cond.add(status::condition(status, as_of));
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.is_empty()) {
        cond = cond.add(
            Condition::any()
                .add(mandate::Column::Title.contains(search))
                .add(mandate::Column::Code.starts_with(search))
                .add(mandate::Column::MatterCode.eq(search)),
        );
    }
    cond
}

/// One page of the mandates `viewer` may see, ordered by code.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    filter: &MandateFilter,
    as_of: NaiveDate,
    page: &PageRequest,
) -> AppResult<Page<mandate::Model>> {
    let mut cond = list_condition(viewer, filter, as_of);
    cond = cond.add(page.keyset(mandate::Column::Code, mandate::Column::Id));
    let rows = mandate::Entity::find()
        .filter(cond)
        .order_by(mandate::Column::Code, page.order())
        .order_by(mandate::Column::Id, page.order())
        .limit(page.limit + 1)
        .all(db)
        .await?;
    Ok(Page::from_probe(rows, page))
}

/// How many mandates `viewer` may see on `as_of` match `filter`.
pub async fn count(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    filter: &MandateFilter,
    as_of: NaiveDate,
) -> AppResult<u64> {
    Ok(mandate::Entity::find()
        .filter(list_condition(viewer, filter, as_of))
        .count(db)
        .await?)
}

/// Active authorizations whose last day falls within `days` of `today`,
/// delegated within `paths` (any when empty).
pub async fn expiring_authorizations(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    days: u64,
    paths: &[&str],
) -> AppResult<Vec<mandate::Model>> {
    let mut cond = Condition::all()
        .add(status::in_force_by_dates(today))
        .add(mandate::Column::Kind.eq(MandateKind::Authorization))
        .add(mandate::Column::EffectiveTo.lte(today + Days::new(days)));
    if !paths.is_empty() {
        let mut within = Condition::any().add(units_below(paths));
        for path in paths {
            within = within.add(assigned_to(subtree_of(path)));
        }
        cond = cond.add(within);
    }
    Ok(mandate::Entity::find()
        .filter(cond)
        .order_by_asc(mandate::Column::EffectiveTo)
        .order_by_asc(mandate::Column::Code)
        .all(db)
        .await?)
}

/// A matter's situation in a territory on a date.
#[derive(Debug, Clone)]
pub struct MatterCoverage {
    pub matter_code: String,
    /// The latest mandate of the matter in the territory.
    pub latest: mandate::Model,
    /// Active assignments on the date, with their mandates.
    pub holders: Vec<(mandate_assignment::Model, mandate::Model)>,
    /// Pairs of holders whose territories overlap outside one chain.
    pub overlapping: bool,
}

/// A territory's coverage: how many matters were delegated in it, those
/// nobody holds (gaps) and those whose holders overlap.
#[derive(Debug, Clone)]
pub struct CoverageReport {
    pub matters: usize,
    pub gaps: Vec<MatterCoverage>,
    pub overlaps: Vec<MatterCoverage>,
}

/// `coverage` for `viewer` over the subtree of unit `within` (a grant of
/// theirs must cover it) on `as_of`.
pub async fn coverage_for(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    within: Uuid,
    as_of: NaiveDate,
) -> AppResult<CoverageReport> {
    let unit = existing_unit(db, within).await?;
    if !viewer.covers(&unit) {
        return Err(AppError::Forbidden);
    }
    let matters = coverage(db, &unit.path, as_of).await?;
    let mut report = CoverageReport {
        matters: matters.len(),
        gaps: Vec::new(),
        overlaps: Vec::new(),
    };
    for c in matters {
        if c.holders.is_empty() {
            report.gaps.push(c);
        } else if c.overlapping {
            report.overlaps.push(c);
        }
    }
    Ok(report)
}

/// For every matter delegated within the subtree at `path`: who holds it
/// on `as_of`, and whether holders overlap.
pub async fn coverage(
    db: &impl ConnectionTrait,
    path: &str,
    as_of: NaiveDate,
) -> AppResult<Vec<MatterCoverage>> {
    let mandates = mandate::Entity::find()
        .filter(mandate::Column::State.ne(MandateState::Draft))
        .filter(
            Condition::any()
                .add(units_below(&[path]))
                .add(assigned_to(subtree_of(path))),
        )
        .order_by_asc(mandate::Column::MatterCode)
        .order_by_asc(mandate::Column::EffectiveFrom)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = mandates.iter().map(|m| m.id).collect();
    let assignments = assignments_of(db, &ids).await?;
    let holder_ids: Vec<Uuid> = assignments.iter().map(|a| a.delegatee_unit_id).collect();
    let holders = units::find_many(db, &holder_ids).await?;
    let by_id: HashMap<Uuid, &mandate::Model> = mandates.iter().map(|m| (m.id, m)).collect();
    let mut out: Vec<MatterCoverage> = Vec::new();
    for m in &mandates {
        if out.last().is_none_or(|c| c.matter_code != m.matter_code) {
            out.push(MatterCoverage {
                matter_code: m.matter_code.clone(),
                latest: m.clone(),
                holders: Vec::new(),
                overlapping: false,
            });
        }
        let entry = out.last_mut().expect("pushed above");
        entry.latest = m.clone();
        if rules::dated_status(m, as_of) != DatedStatus::Active {
            continue;
        }
        for a in assignments
            .iter()
            .filter(|a| a.mandate_id == m.id && rules::covers(a, as_of))
        {
            // A holder counts while in force; a department acts over its
            // whole province, so it counts wherever the question is asked.
            let in_force = holders
                .iter()
                .find(|u| u.id == a.delegatee_unit_id)
                .is_some_and(|u| {
                    rules::in_force(u, as_of)
                        && (u.path.starts_with(path) || u.kind == UnitKind::Department)
                });
            if in_force {
                entry.holders.push((a.clone(), m.clone()));
            }
        }
    }
    for entry in &mut out {
        let chain_of = |mut id: Uuid| {
            let mut line = vec![id];
            while let Some(parent) = by_id.get(&id).and_then(|m| m.parent_mandate_id) {
                if line.contains(&parent) {
                    break;
                }
                line.push(parent);
                id = parent;
            }
            line
        };
        let mut territories = Vec::new();
        for (a, m) in &entry.holders {
            if let Some(u) = holders.iter().find(|u| u.id == a.delegatee_unit_id) {
                territories.push((territory(db, u).await?, chain_of(m.id)));
            }
        }
        entry.overlapping = territories.iter().enumerate().any(|(i, (t1, c1))| {
            territories[i + 1..].iter().any(|(t2, c2)| {
                let related = c1.contains(&c2[0]) || c2.contains(&c1[0]);
                !related && (t1.starts_with(t2.as_str()) || t2.starts_with(t1.as_str()))
            })
        });
    }
    Ok(out)
}

/// The ids of the documents `ids` name.
pub async fn documents_by_id(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<Vec<document::Model>> {
    Ok(document::Entity::find()
        .filter(document::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

//! Drafting, issuing, amending, revoking, extending and transferring
//! mandates, each in one transaction with its audit event, and the reads.
//! Every write that makes a mandate binding checks all seven rules.

use std::collections::{HashMap, HashSet};

use chrono::{Days, NaiveDate, Utc};
use entity::mandate::{self, DelegatorCapacity, MandateKind, MandateState, Sector};
use entity::role_grant::Role;
use entity::unit::{self, UnitKind};
use entity::{document, mandate_assignment};
use sea_orm::sea_query::{Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
    Set,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::bodies;
use super::documents;
use super::rules::{self, DatedStatus};
use super::status::{self, AssignmentStatus, MandateStatus};
use crate::audit::{self, Actor, Change};
use crate::auth::{Authority, Viewer};
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::pagination::{Cursor, ListOrder, Page, PageRequest};
use crate::units::service::existing as existing_unit;
use crate::units::service::{self as units, subtree_of};

mod catalogue;
mod lawful;
mod lifecycle;
mod read;
mod transfer;

use crate::proposals::consult::check_appraised;
use crate::proposals::service::{may_draft, note_draft_change};
use catalogue::*;
use lawful::*;
pub use lifecycle::*;
pub use read::*;
pub use transfer::*;

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
    /// Who receives in each delegatee unit: the body or its head.
    pub delegatee_capacity: DelegatorCapacity,
    pub legal_basis: Option<Uuid>,
    pub legal_basis_article: Option<String>,
    pub conditions: Option<String>,
    pub resources: Resources,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub allow_onward: bool,
    pub parent: Option<Uuid>,
    pub delegatees: Vec<Uuid>,
    /// The decision publishing the procedures the delegation changes
    /// (R16), for a matter that `changesProcedure`.
    pub procedure_publication: Option<Uuid>,
    /// The proposal the mandate is drafted from: its drafting body may
    /// then draft it, and only its decision issues it.
    pub proposal: Option<Uuid>,
}

/// Changes to a draft; None leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct MandatePatch {
    pub title: Option<String>,
    pub sector: Option<Sector>,
    pub delegatee_capacity: Option<DelegatorCapacity>,
    pub legal_basis: Option<Uuid>,
    pub legal_basis_article: Option<String>,
    pub conditions: Option<String>,
    pub resources: Option<Resources>,
    pub effective_from: Option<NaiveDate>,
    pub effective_to: Option<NaiveDate>,
    pub allow_onward: Option<bool>,
    pub delegatees: Option<Vec<Uuid>>,
    pub procedure_publication: Option<Uuid>,
}

impl MandateInput {
    /// The input that would draft `m` again with `delegatees`: what a
    /// patch (an edit of a draft or an amendment) starts from.
    pub fn of(m: &mandate::Model, delegatees: Vec<Uuid>) -> Self {
        MandateInput {
            code: m.code.clone(),
            title: m.title.clone(),
            sector: m.sector,
            matter_code: m.matter_code.clone(),
            kind: m.kind,
            delegator: m.delegator_unit_id,
            delegator_capacity: m.delegator_capacity,
            delegatee_capacity: m.delegatee_capacity,
            legal_basis: m.legal_basis_id,
            legal_basis_article: m.legal_basis_article.clone(),
            conditions: m.conditions.clone(),
            resources: Resources::of(m),
            effective_from: m.effective_from,
            effective_to: m.effective_to,
            allow_onward: m.allow_onward,
            parent: m.parent_mandate_id,
            delegatees,
            procedure_publication: m.procedure_publication_id,
            proposal: m.proposal_id,
        }
    }
}

impl MandatePatch {
    /// Puts every field the patch gives into `input`; the others stay.
    /// Editing a draft and amending a mandate both go through here.
    pub fn apply(self, input: &mut MandateInput) {
        let MandatePatch {
            title,
            sector,
            delegatee_capacity,
            legal_basis,
            legal_basis_article,
            conditions,
            resources,
            effective_from,
            effective_to,
            allow_onward,
            delegatees,
            procedure_publication,
        } = self;
        if let Some(title) = title {
            input.title = title;
        }
        if let Some(sector) = sector {
            input.sector = sector;
        }
        if let Some(capacity) = delegatee_capacity {
            input.delegatee_capacity = capacity;
        }
        if legal_basis.is_some() {
            input.legal_basis = legal_basis;
        }
        if legal_basis_article.is_some() {
            input.legal_basis_article = legal_basis_article;
        }
        if conditions.is_some() {
            input.conditions = conditions;
        }
        if let Some(resources) = resources {
            input.resources = resources;
        }
        if let Some(from) = effective_from {
            input.effective_from = from;
        }
        if effective_to.is_some() {
            input.effective_to = effective_to;
        }
        if let Some(onward) = allow_onward {
            input.allow_onward = onward;
        }
        if let Some(delegatees) = delegatees {
            input.delegatees = delegatees;
        }
        if procedure_publication.is_some() {
            input.procedure_publication = procedure_publication;
        }
    }
}

/// Checks `input`'s writable fields and puts them into `m`: the one place
/// a drafted, edited or amended mandate's fields are checked.
async fn fill(
    txn: &DatabaseTransaction,
    m: &mut mandate::Model,
    input: &MandateInput,
) -> AppResult<()> {
    m.title = check_text("title", &input.title, 500)?;
    m.sector = input.sector;
    m.matter_code = check_text("matterCode", &input.matter_code, 64)?;
    super::matters::catalogued(txn, &m.matter_code).await?;
    m.kind = input.kind;
    m.delegator_unit_id = input.delegator;
    m.delegator_capacity = input.delegator_capacity;
    m.delegatee_capacity = input.delegatee_capacity;
    check_delegatee_list(&input.delegatees)?;
    units_by_id(txn, &input.delegatees).await?;
    if let Some(id) = input.legal_basis {
        documents::existing(txn, id).await?;
    }
    m.legal_basis_id = input.legal_basis;
    m.legal_basis_article = check_long_text(
        "legalBasisArticle",
        input.legal_basis_article.as_deref(),
        200,
    )?;
    m.conditions = check_long_text("conditions", input.conditions.as_deref(), 10_000)?;
    apply_resources(m, &input.resources)?;
    m.effective_from = input.effective_from;
    m.effective_to = input.effective_to;
    m.allow_onward = input.allow_onward;
    if let Some(id) = input.parent {
        existing(txn, id).await?;
    }
    m.parent_mandate_id = input.parent;
    // What `mandates(filter: {search})` matches: kept by every write,
    // since drafting, editing and amending all come through here.
    m.search_text = crate::text::fold_all(&[&m.code, &m.title, &m.matter_code]);
    // What `orderBy: {field: NAME}` sorts by.
    m.name_key = crate::text::sort_key(&m.title);
    if let Some(id) = input.procedure_publication {
        documents::existing(txn, id).await?;
    }
    m.procedure_publication_id = input.procedure_publication;
    Ok(())
}

/// The audit form of a mandate: its row as the model has it (so a new
/// column appears without a change here) and its delegatees.
pub fn mandate_json(m: &mandate::Model, delegatees: &[Uuid]) -> Value {
    let mut value = serde_json::to_value(m).unwrap_or_else(|_| json!({ "id": m.id }));
    value["delegatees"] = json!(delegatees);
    value
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
    let r = r.checked()?;
    m.resource_budget_vnd = r.budget_vnd;
    m.resource_staff = r.staff;
    m.resource_facilities = r.facilities;
    m.resource_none_reason = r.none_reason;
    Ok(())
}

impl Resources {
    /// The resources of `m`.
    pub fn of(m: &mandate::Model) -> Self {
        Resources {
            budget_vnd: m.resource_budget_vnd,
            staff: m.resource_staff,
            facilities: m.resource_facilities.clone(),
            none_reason: m.resource_none_reason.clone(),
        }
    }

    /// Checked and trimmed: no negative figures (NEGATIVE_RESOURCES), a
    /// budget within [`MAX_BUDGET_VND`] (BUDGET_TOO_LARGE), texts of at
    /// most 10,000 characters; blank texts become None.
    pub fn checked(&self) -> AppResult<Resources> {
        if self.budget_vnd.is_some_and(|b| b < 0) || self.staff.is_some_and(|s| s < 0) {
            return Err(AppError::rule(
                Some("resources"),
                UserErrorCode::NegativeResources,
                "a budget or a number of staff cannot be negative",
            ));
        }
        if self.budget_vnd.is_some_and(|b| b > MAX_BUDGET_VND) {
            return Err(AppError::rule(
                Some("resources"),
                UserErrorCode::BudgetTooLarge,
                format!("a budget is at most {MAX_BUDGET_VND} đồng"),
            ));
        }
        Ok(Resources {
            budget_vnd: self.budget_vnd,
            staff: self.staff,
            facilities: check_long_text("resources", self.facilities.as_deref(), 10_000)?,
            none_reason: check_long_text("resources", self.none_reason.as_deref(), 10_000)?,
        })
    }

    /// R13: the budget, staff or facilities that go with a power are
    /// stated, or that none do and why, not both (MISSING_RESOURCES).
    pub fn require_stated(&self) -> AppResult<()> {
        let stated = self.budget_vnd.is_some_and(|b| b > 0)
            || self.staff.is_some_and(|s| s > 0)
            || self
                .facilities
                .as_deref()
                .is_some_and(|f| !f.trim().is_empty());
        let none = self
            .none_reason
            .as_deref()
            .is_some_and(|r| !r.trim().is_empty());
        if stated == none {
            return Err(AppError::rule(
                Some("resources"),
                UserErrorCode::MissingResources,
                "state the budget, staff or facilities that go with the power, or that none do and why",
            ));
        }
        Ok(())
    }
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

async fn current_delegatees(db: &impl ConnectionTrait, m: &mandate::Model) -> AppResult<Vec<Uuid>> {
    Ok(assignments_of(db, &[m.id])
        .await?
        .into_iter()
        .filter(|a| !a.transferred)
        .map(|a| a.delegatee_unit_id)
        .collect())
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

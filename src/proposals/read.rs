//! Who sees a proposal, the lists, and what a viewer may do with one.

use entity::opinion_request;
use entity::proposal::{self, ProposalKind, ProposalStatus};
use entity::role_grant::Role;
use entity::unit;
use sea_orm::sea_query::{Query, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::service::{OPEN, existing};
use crate::auth::{Authority, Viewer};
use crate::error::{AppError, AppResult};
use crate::pagination::{Cursor, Page, PageRequest};
use crate::units::service::{existing as existing_unit, subtree_of};

/// The units within `viewer`'s grants, as a subquery.
fn within_grants(viewer: &Viewer) -> Option<sea_orm::sea_query::SelectStatement> {
    let mut cond = Condition::any();
    let scopes: Vec<&unit::Model> = viewer.grants.iter().map(|g| &g.scope).collect();
    if scopes.is_empty() {
        return None;
    }
    for scope in scopes {
        cond = cond.add(subtree_of(&scope.path));
    }
    Some(
        Query::select()
            .column(unit::Column::Id)
            .from(unit::Entity)
            .cond_where(cond)
            .to_owned(),
    )
}

/// The proposals `viewer` may read: those whose proposing unit, drafting
/// body or a body asked for its opinion one of their grants covers.
/// Anonymous callers read none (proposals are internal until decided; the
/// decision and its mandates are public).
pub fn visible_to(viewer: Option<&Viewer>) -> SimpleExpr {
    let Some(units) = viewer.and_then(within_grants) else {
        return proposal::Column::Id.is_null();
    };
    Condition::any()
        .add(proposal::Column::ProposingUnitId.in_subquery(units.clone()))
        .add(proposal::Column::DraftingUnitId.in_subquery(units.clone()))
        .add(
            proposal::Column::Id.in_subquery(
                Query::select()
                    .column(opinion_request::Column::ProposalId)
                    .from(opinion_request::Entity)
                    .cond_where(opinion_request::Column::BodyUnitId.in_subquery(units))
                    .to_owned(),
            ),
        )
        .into()
}

/// Whether `viewer` may read `p`.
pub async fn can_read(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    p: &proposal::Model,
) -> AppResult<bool> {
    let Some(viewer) = viewer else {
        return Ok(false);
    };
    for id in [p.proposing_unit_id, p.drafting_unit_id] {
        if viewer.covers(&existing_unit(db, id).await?) {
            return Ok(true);
        }
    }
    let bodies: Vec<Uuid> = opinion_request::Entity::find()
        .filter(opinion_request::Column::ProposalId.eq(p.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.body_unit_id)
        .collect();
    Ok(crate::units::service::find_many(db, &bodies)
        .await?
        .iter()
        .any(|u| viewer.covers(u)))
}

/// FORBIDDEN unless `by` may read `p` (the command line may).
pub(crate) async fn require_party(
    db: &impl ConnectionTrait,
    by: Authority<'_>,
    p: &proposal::Model,
) -> AppResult<()> {
    match by {
        Authority::Cli => Ok(()),
        Authority::Viewer(v) if can_read(db, Some(v), p).await? => Ok(()),
        Authority::Viewer(_) => Err(AppError::Forbidden),
    }
}

/// The proposal `id`, if `viewer` may read it.
pub async fn proposal_for(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    id: Uuid,
) -> AppResult<Option<proposal::Model>> {
    let Some(p) = proposal::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(can_read(db, viewer, &p).await?.then_some(p))
}

/// What `proposals` filters by.
#[derive(Debug, Clone, Default)]
pub struct ProposalFilter {
    pub statuses: Vec<ProposalStatus>,
    pub kind: Option<ProposalKind>,
    pub proposing_unit: Option<Uuid>,
    pub drafting_unit: Option<Uuid>,
    pub matter_code: Option<String>,
    pub search: Option<String>,
    /// Only those still open (neither decided, rejected nor withdrawn).
    pub open: bool,
}

/// The cursor proposals are paged by: their id alone, time-ordered
/// (UUID v7), so oldest first.
pub fn cursor(p: &proposal::Model) -> Cursor {
    Cursor::new(String::new(), p.id)
}

/// One page of the proposals `viewer` may read matching `filter`, oldest
/// first (ids are time-ordered).
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    filter: &ProposalFilter,
    page: &PageRequest,
) -> AppResult<Page<proposal::Model>> {
    let mut cond = Condition::all().add(visible_to(viewer));
    if !filter.statuses.is_empty() {
        cond = cond.add(proposal::Column::Status.is_in(filter.statuses.clone()));
    }
    if filter.open {
        cond = cond.add(proposal::Column::Status.is_in(OPEN));
    }
    if let Some(kind) = filter.kind {
        cond = cond.add(proposal::Column::Kind.eq(kind));
    }
    if let Some(id) = filter.proposing_unit {
        cond = cond.add(proposal::Column::ProposingUnitId.eq(id));
    }
    if let Some(id) = filter.drafting_unit {
        cond = cond.add(proposal::Column::DraftingUnitId.eq(id));
    }
    if let Some(code) = filter.matter_code.as_deref() {
        let quoted = serde_json::to_string(code.trim()).unwrap_or_default();
        let pattern = format!(
            "%{}%",
            quoted
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        cond = cond.add(
            proposal::Column::MatterCodes
                .like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\')),
        );
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
        cond = cond.add(proposal::Column::SearchText.like(crate::text::folded_contains(search)));
    }
    // Ids are time-ordered (UUID v7): the keyset is the id alone.
    use sea_orm::{QueryOrder, QuerySelect};
    if let Some(c) = &page.after {
        cond = cond.add(proposal::Column::Id.gt(c.id));
    }
    if let Some(c) = &page.before {
        cond = cond.add(proposal::Column::Id.lt(c.id));
    }
    let rows = proposal::Entity::find()
        .filter(cond)
        .order_by(proposal::Column::Id, page.order())
        .limit(page.limit + 1)
        .all(db)
        .await?;
    Ok(Page::from_probe(rows, page))
}

/// The events of a proposal's way, in order.
pub async fn timeline(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<Vec<entity::proposal_event::Model>> {
    use entity::proposal_event;
    Ok(proposal_event::Entity::find()
        .filter(proposal_event::Column::ProposalId.eq(id))
        .order_by_asc(proposal_event::Column::At)
        .order_by_asc(proposal_event::Column::Id)
        .all(db)
        .await?)
}

/// The opinions asked on a proposal, in the order asked.
pub async fn opinions(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<Vec<opinion_request::Model>> {
    Ok(opinion_request::Entity::find()
        .filter(opinion_request::Column::ProposalId.eq(id))
        .order_by_asc(opinion_request::Column::Id)
        .all(db)
        .await?)
}

/// The appraisals of a proposal, oldest first.
pub async fn appraisals(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<Vec<entity::appraisal::Model>> {
    use entity::appraisal;
    Ok(appraisal::Entity::find()
        .filter(appraisal::Column::ProposalId.eq(id))
        .order_by_asc(appraisal::Column::AppraisedAt)
        .order_by_asc(appraisal::Column::Id)
        .all(db)
        .await?)
}

/// What a viewer may do with a proposal now (each still checked when
/// done).
#[derive(Debug, Clone, Copy, Default)]
pub struct Abilities {
    pub edit: bool,
    pub submit: bool,
    pub withdraw: bool,
    pub take_up: bool,
    pub send_back: bool,
    pub reject: bool,
    pub draft_mandates: bool,
    pub request_opinions: bool,
    pub request_appraisal: bool,
    pub appraise: bool,
    pub submit_for_decision: bool,
    pub decide: bool,
}

/// The abilities of `viewer` on `p`, by role and stage.
pub async fn viewer_can(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    p: &proposal::Model,
) -> AppResult<Abilities> {
    let Some(viewer) = viewer else {
        return Ok(Abilities::default());
    };
    let proposing = existing_unit(db, p.proposing_unit_id).await?;
    let drafting = existing_unit(db, p.drafting_unit_id).await?;
    let has = |role: Role, u: &unit::Model| viewer.grant_covering(role, u).is_some();
    let own_writer = has(Role::Reporter, &proposing);
    let own_head = has(Role::Approver, &proposing);
    let drafter = has(Role::Reporter, &drafting) || has(Role::Approver, &drafting);
    let drafting_head = has(Role::Approver, &drafting);
    let s = p.status;
    use ProposalStatus as S;
    let editable = matches!(s, S::Draft | S::Returned);
    // Whether the next step would pass what it checks of the proposal:
    // drafts, opinions, Sở Tài chính's word, the appraisal where needed.
    let ready = matches!(s, S::Drafting | S::Appraised)
        && drafting_head
        && super::consult::check_ready(db, p).await.is_ok();
    // From DRAFTING, nothing may need an appraisal; from APPRAISED, every
    // draft needing one is covered by a favourable one.
    let needs_appraisal = match s {
        S::Drafting if ready => super::decide::needs_any_appraisal(db, p).await?,
        S::Appraised if ready => {
            let mut missing = false;
            for m in super::service::open_drafts(db, p.id).await? {
                if super::consult::check_appraised(db, &m).await.is_err() {
                    missing = true;
                }
            }
            missing
        }
        _ => false,
    };
    let decider_head = if s == S::AwaitingDecision {
        let decider = super::decide::deciding_body(db, p).await?;
        has(Role::Approver, &decider)
    } else {
        false
    };
    Ok(Abilities {
        edit: own_writer && editable,
        submit: own_head && editable,
        withdraw: own_head && OPEN.contains(&s),
        take_up: drafting_head && s == S::Submitted,
        send_back: (drafting_head && s == S::Submitted)
            || (has(Role::LegalReviewer, &drafting) && s == S::InAppraisal)
            || decider_head,
        reject: (drafting_head && s == S::Submitted) || decider_head,
        draft_mandates: drafter && matches!(s, S::Drafting | S::Appraised),
        request_opinions: drafting_head && matches!(s, S::Drafting | S::Appraised),
        request_appraisal: ready && s == S::Drafting,
        appraise: has(Role::LegalReviewer, &drafting) && s == S::InAppraisal,
        submit_for_decision: ready && !needs_appraisal,
        decide: decider_head,
    })
}

/// The proposal a mandate was drafted from, if `viewer` may read it.
pub async fn of_mandate(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    proposal: Option<Uuid>,
) -> AppResult<Option<proposal::Model>> {
    match proposal {
        Some(id) => proposal_for(db, viewer, id).await,
        None => Ok(None),
    }
}

/// Whether `viewer` belongs to the body drafting the proposal `m` was
/// drafted from (any grant covering the drafting unit): it reads the
/// drafts it writes, whoever the delegator is.
pub async fn drafting_body_sees(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    m: &entity::mandate::Model,
) -> AppResult<bool> {
    let (Some(viewer), Some(id)) = (viewer, m.proposal_id) else {
        return Ok(false);
    };
    let p = existing(db, id).await?;
    Ok(viewer.covers(&existing_unit(db, p.drafting_unit_id).await?))
}

//! The `Mandate` and `MandateAssignment` objects, read as of a date.

use super::*;

/// What goes with a power (nguồn lực).
#[derive(SimpleObject)]
pub struct Resources {
    /// Budget in đồng (VND); null when none is stated.
    pub budget_vnd: Option<i64>,
    /// Staff positions (biên chế); null when none are stated.
    pub staff: Option<i32>,
    /// Facilities and equipment, as free text; null when none are stated.
    pub facilities: Option<String>,
    /// Why no resources go with it; null when resources are stated.
    pub none_reason: Option<String>,
}

/// What the viewer may do with a mandate now: each flag is true when the
/// viewer holds the role the mutation needs (APPROVER over the delegator;
/// for `transfer`, over the delegator or the units that succeeded it) and
/// the mandate is in a state that allows it.
#[derive(SimpleObject)]
pub struct MandateViewerCan {
    /// `updateDraftMandate`: the mandate is a draft.
    pub update: bool,
    /// `issueMandate`: the mandate is a draft.
    pub issue: bool,
    /// `amendMandate`: issued, in force or scheduled, and its delegator
    /// still in force.
    pub amend: bool,
    /// `revokeMandate`: issued and in force or scheduled.
    pub revoke: bool,
    /// `extendAuthorization`: an authorization (ủy quyền), issued and in
    /// force or scheduled.
    pub extend: bool,
    /// `transferAssignments`: issued, in force or scheduled, and a
    /// delegatee has lapsed.
    pub transfer: bool,
}

impl From<service::Abilities> for MandateViewerCan {
    fn from(a: service::Abilities) -> Self {
        MandateViewerCan {
            update: a.update,
            issue: a.issue,
            amend: a.amend,
            revoke: a.revoke,
            extend: a.extend,
            transfer: a.transfer,
        }
    }
}

/// One delegated content (nội dung phân cấp, ủy quyền, phân quyền).
pub struct Mandate {
    model: mandate::Model,
    as_of: NaiveDate,
}

impl Mandate {
    pub fn new(model: mandate::Model, as_of: NaiveDate) -> Self {
        Mandate { model, as_of }
    }

    async fn assignment_list(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<mandate_assignment::Model>> {
        Ok(loaders(ctx)
            .assignments
            .load_one(self.model.id)
            .await?
            .unwrap_or_default())
    }

    /// Its assignments' statuses on `day`.
    async fn assignment_statuses(
        &self,
        ctx: &Context<'_>,
        day: NaiveDate,
    ) -> async_graphql::Result<Vec<status::AssignmentStatus>> {
        let assignments = self.assignment_list(ctx).await?;
        let mut statuses = Vec::with_capacity(assignments.len());
        for a in &assignments {
            statuses.push(assignment_status(ctx, a, &self.model, day).await?);
        }
        Ok(statuses)
    }
}

/// One delegated content (nội dung phân cấp, ủy quyền, phân quyền): what
/// power moves, from which delegator to which delegatees, on which legal
/// basis, with which resources and for which dates. Fields are read as of
/// the `asOf` the mandate was fetched with (default today).
#[Object]
impl Mandate {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::Mandate, self.model.id)
    }

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.model.id).await?)
    }

    /// Stable business code, e.g. "19-PC-XD-01" (2 to 64 letters, digits,
    /// `-`, `_`, `.` or `/`); unique across mandates.
    async fn code(&self) -> &str {
        &self.model.code
    }

    /// What is delegated, in words (at most 500 characters).
    async fn title(&self) -> &str {
        &self.model.title
    }

    /// Sector (lĩnh vực).
    async fn sector(&self) -> Sector {
        self.model.sector.into()
    }

    /// The matter (việc) this content concerns, e.g. a procedure code; the
    /// two-level and one-lead rules compare mandates by it.
    async fn matter_code(&self) -> &str {
        &self.model.matter_code
    }

    /// The catalogued matter (power) this content delegates.
    async fn matter(&self, ctx: &Context<'_>) -> async_graphql::Result<Matter> {
        let found = loaders(ctx)
            .matters
            .load_one(self.model.matter_code.clone())
            .await?;
        Ok(Matter(found.ok_or(AppError::NotFound("matter"))?))
    }

    /// The decision publishing the administrative procedures this
    /// delegation changes (required when the matter `changesProcedure`);
    /// null when none is cited.
    async fn procedure_publication(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Document>> {
        match self.model.procedure_publication_id {
            Some(id) => Ok(loaders(ctx).documents.load_one(id).await?.map(Document)),
            None => Ok(None),
        }
    }

    /// Decentralization, authorization or devolution.
    async fn kind(&self) -> MandateKind {
        self.model.kind.into()
    }

    /// Where it stands on the date it is read as of.
    async fn status(&self, ctx: &Context<'_>) -> async_graphql::Result<MandateStatus> {
        let assignments = self.assignment_statuses(ctx, self.as_of).await?;
        Ok(status::mandate(&self.model, assignments, self.as_of).into())
    }

    /// The unit that delegates.
    async fn delegator(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.model.delegator_unit_id, Some(self.as_of)).await
    }

    /// The body as a whole, its head or its council.
    async fn delegator_capacity(&self) -> DelegatorCapacity {
        self.model.delegator_capacity.into()
    }

    /// Whether each delegatee unit receives as a body or through its head.
    async fn delegatee_capacity(&self) -> DelegatorCapacity {
        self.model.delegatee_capacity.into()
    }

    /// The proposal (đề xuất) it was drafted from, if the caller may read
    /// it; null for a mandate made without one.
    async fn proposal(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::proposals::graphql::Proposal>> {
        let found =
            crate::proposals::read::of_mandate(ctx.db(), ctx.viewer(), self.model.proposal_id)
                .await?;
        Ok(found.map(crate::proposals::graphql::Proposal))
    }

    /// The document it rests on (for a DECENTRALIZATION, a normative one);
    /// null on a draft that does not cite one yet.
    async fn legal_basis(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Document>> {
        match self.model.legal_basis_id {
            Some(id) => Ok(loaders(ctx).documents.load_one(id).await?.map(Document)),
            None => Ok(None),
        }
    }

    /// Article, clause, point of the basis (điều, khoản, điểm),
    /// e.g. "Điều 3, khoản 2"; null when not given.
    async fn legal_basis_article(&self) -> Option<&str> {
        self.model.legal_basis_article.as_deref()
    }

    /// Conditions of use (required for an authorization); null when none
    /// are given.
    async fn conditions(&self) -> Option<&str> {
        self.model.conditions.as_deref()
    }

    /// Resources that go with it (nguồn lực), or why none do.
    async fn resources(&self) -> Resources {
        Resources {
            budget_vnd: self.model.resource_budget_vnd,
            staff: self.model.resource_staff,
            facilities: self.model.resource_facilities.clone(),
            none_reason: self.model.resource_none_reason.clone(),
        }
    }

    /// First day in force.
    async fn effective_from(&self) -> Date {
        Date(self.model.effective_from)
    }

    /// Last day in force (required for an authorization); null while it
    /// has no end date.
    async fn effective_to(&self) -> Option<Date> {
        self.model.effective_to.map(Date)
    }

    /// Whether the delegatees may pass it on (never for an authorization).
    async fn allow_onward(&self) -> bool {
        self.model.allow_onward
    }

    /// The mandate this one passes on (onward delegation), or the
    /// devolution (phân quyền) by which the delegator holds the matter;
    /// null when there is none (a province delegating what it holds, a
    /// devolution) or when the caller may not see it.
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Mandate>> {
        let Some(id) = self.model.parent_mandate_id else {
            return Ok(None);
        };
        let found = loaders(ctx).by_id.load_one(id).await?;
        Ok(visible(ctx, found.into_iter().collect(), self.as_of)
            .await?
            .pop())
    }

    /// Onward delegations resting on this one that the viewer may see.
    async fn onward(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Mandate>> {
        let children = loaders(ctx)
            .onward
            .load_one(self.model.id)
            .await?
            .unwrap_or_default();
        visible(ctx, children, self.as_of).await
    }

    /// One entry per delegatee, including transferred ones.
    async fn assignments(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<MandateAssignment>> {
        Ok(self
            .assignment_list(ctx)
            .await?
            .into_iter()
            .map(|a| MandateAssignment {
                model: a,
                mandate: self.model.clone(),
                as_of: self.as_of,
            })
            .collect())
    }

    /// The amendment that replaces it (from the amendment's first day; the
    /// mandate still reads ACTIVE until then); null when it was never
    /// amended or the caller may not see the amendment.
    async fn superseded_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Mandate>> {
        let Some(id) = self.model.superseded_by_id else {
            return Ok(None);
        };
        let found = loaders(ctx).by_id.load_one(id).await?;
        Ok(visible(ctx, found.into_iter().collect(), self.as_of)
            .await?
            .pop())
    }

    /// The document that revoked it (set as soon as the revocation is
    /// recorded; the mandate reads REVOKED after its last day); null when
    /// it was never revoked.
    async fn ended_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Document>> {
        match self.model.ended_document_id {
            Some(id) => Ok(loaders(ctx).documents.load_one(id).await?.map(Document)),
            None => Ok(None),
        }
    }

    /// Its annual evaluations the caller may read (a grant over the holder
    /// or the delegator), latest round first, down the tree; empty for
    /// anonymous callers.
    async fn evaluations(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<crate::evaluations::graphql::Evaluation>> {
        crate::evaluations::graphql::evaluations_of_mandate(ctx, self.model.id).await
    }

    /// What the viewer may do with it now.
    async fn viewer_can(&self, ctx: &Context<'_>) -> async_graphql::Result<MandateViewerCan> {
        let delegator = units(ctx)
            .by_id
            .load_one(self.model.delegator_unit_id)
            .await?
            .ok_or(AppError::NotFound("unit"))?;
        let today = calendar::today();
        let assignments = self.assignment_statuses(ctx, today).await?;
        let viewer = ctx.viewer();
        let can = service::viewer_can(
            ctx.db(),
            viewer,
            &self.model,
            &delegator,
            &assignments,
            today,
        )
        .await?;
        Ok(can.into())
    }
}

pub(super) async fn assignment_status(
    ctx: &Context<'_>,
    a: &mandate_assignment::Model,
    m: &mandate::Model,
    as_of: NaiveDate,
) -> async_graphql::Result<status::AssignmentStatus> {
    let delegatee = units(ctx)
        .by_id
        .load_one(a.delegatee_unit_id)
        .await?
        .ok_or(AppError::NotFound("unit"))?;
    Ok(status::assignment(m, a, &delegatee, as_of))
}

/// One delegatee of a mandate.
pub struct MandateAssignment {
    pub(super) model: mandate_assignment::Model,
    pub(super) mandate: mandate::Model,
    pub(super) as_of: NaiveDate,
}

/// One delegatee of a mandate (bên nhận phân cấp, ủy quyền), with its own
/// dates. An assignment ends early when its unit ends and is carried over
/// to the unit's successors.
#[Object]
impl MandateAssignment {
    /// Opaque global id (what `transferAssignments` takes).
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::MandateAssignment, self.model.id)
    }

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.model.id).await?)
    }

    /// The unit that received the power.
    async fn delegatee(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.model.delegatee_unit_id, Some(self.as_of)).await
    }

    /// First day the delegatee holds the power.
    async fn valid_from(&self) -> Date {
        Date(self.model.valid_from)
    }

    /// Last day the delegatee holds the power; null while open-ended.
    async fn valid_to(&self) -> Option<Date> {
        self.model.valid_to.map(Date)
    }

    /// Where it stands on the date read.
    async fn status(&self, ctx: &Context<'_>) -> async_graphql::Result<AssignmentStatus> {
        Ok(
            assignment_status(ctx, &self.model, &self.mandate, self.as_of)
                .await?
                .into(),
        )
    }

    /// For a lapsed or transferred assignment: the units the delegatee
    /// became, through lineage. Empty otherwise.
    async fn successors(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Unit>> {
        let status = assignment_status(ctx, &self.model, &self.mandate, self.as_of).await?;
        if !matches!(
            status,
            status::AssignmentStatus::Lapsed | status::AssignmentStatus::Transferred
        ) {
            return Ok(Vec::new());
        }
        let db = ctx.db();
        let Some(delegatee) = units::find(db, self.model.delegatee_unit_id).await? else {
            return Ok(Vec::new());
        };
        let found = units::successors_of(db, &delegatee).await?;
        Ok(found
            .into_iter()
            .map(|u| Unit::new(u, self.as_of))
            .collect())
    }

    /// The lapsed assignment this one carries over; null for an original
    /// assignment.
    async fn successor_of(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<MandateAssignment>> {
        let Some(id) = self.model.successor_of else {
            return Ok(None);
        };
        let all = loaders(ctx)
            .assignments
            .load_one(self.mandate.id)
            .await?
            .unwrap_or_default();
        Ok(all
            .into_iter()
            .find(|a| a.id == id)
            .map(|a| MandateAssignment {
                model: a,
                mandate: self.mandate.clone(),
                as_of: self.as_of,
            }))
    }

    /// The document of the transfer; null for an original assignment.
    async fn transfer_document(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Document>> {
        match self.model.transfer_document_id {
            Some(id) => Ok(loaders(ctx).documents.load_one(id).await?.map(Document)),
            None => Ok(None),
        }
    }

    /// The mandate this assignment belongs to.
    async fn mandate(&self) -> Mandate {
        Mandate::new(self.mandate.clone(), self.as_of)
    }
}

/// Keeps the mandates the caller may see on `as_of`.
pub(super) async fn visible(
    ctx: &Context<'_>,
    list: Vec<mandate::Model>,
    as_of: NaiveDate,
) -> async_graphql::Result<Vec<Mandate>> {
    let viewer = ctx.viewer();
    let ids: Vec<Uuid> = list.iter().map(|m| m.delegator_unit_id).collect();
    let delegators = ctx
        .per_request::<UnitLoaders>()
        .by_id
        .load_many(ids)
        .await?;
    Ok(list
        .into_iter()
        .filter(|m| {
            delegators
                .get(&m.delegator_unit_id)
                .is_some_and(|d| service::can_see(viewer, m, d, as_of))
        })
        .map(|m| Mandate::new(m, as_of))
        .collect())
}

/// The mandate `id` names, if the caller may see it.
pub async fn mandate_node(
    ctx: &Context<'_>,
    id: Uuid,
    as_of: NaiveDate,
) -> AppResult<Option<Mandate>> {
    let Some(m) = loaders(ctx).by_id.load_one(id).await? else {
        return Ok(None);
    };
    let db = ctx.db();
    let delegator = crate::units::service::existing(db, m.delegator_unit_id).await?;
    let viewer = ctx.viewer();
    if !service::can_see(viewer, &m, &delegator, as_of)
        && !crate::proposals::read::drafting_body_sees(db, viewer, &m).await?
    {
        return Err(if viewer.is_some() {
            AppError::Forbidden
        } else {
            AppError::Unauthenticated
        });
    }
    Ok(Some(Mandate::new(m, as_of)))
}

/// The assignment `id` names, if the caller may see its mandate.
pub async fn assignment_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<MandateAssignment>> {
    use sea_orm::EntityTrait;
    let db = ctx.db();
    let Some(a) = mandate_assignment::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let as_of = calendar::today();
    let Some(m) = mandate_node(ctx, a.mandate_id, as_of).await? else {
        return Ok(None);
    };
    Ok(Some(MandateAssignment {
        model: a,
        mandate: m.model,
        as_of,
    }))
}

/// The mandates a unit holds on a date.
pub async fn held_by(
    ctx: &Context<'_>,
    unit: Uuid,
    as_of: NaiveDate,
) -> async_graphql::Result<Vec<Mandate>> {
    let list = loaders(ctx)
        .held
        .load_one((unit, as_of))
        .await?
        .unwrap_or_default();
    visible(ctx, list, as_of).await
}

/// The mandates a unit has delegated, in force on a date.
pub async fn delegated_by(
    ctx: &Context<'_>,
    unit: Uuid,
    as_of: NaiveDate,
) -> async_graphql::Result<Vec<Mandate>> {
    let list = loaders(ctx)
        .delegated
        .load_one((unit, as_of))
        .await?
        .unwrap_or_default();
    visible(ctx, list, as_of).await
}

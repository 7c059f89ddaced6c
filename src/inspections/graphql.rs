//! Inspections in GraphQL: the inspection with its scope, team, findings
//! and recommendations, the follow-up counts, and their mutations.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::inspection;
use entity::inspection_finding as finding;
use entity::inspection_mandate;
use entity::inspection_member as member;
use entity::inspection_recommendation as recommendation;
use entity::inspection_unit;
use entity::role_grant::Role;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::loaders::InspectionLoaders;
use super::read::{self, FollowUp, Followed, InspectionFilter as Filter};
use super::service::{self, NewFinding, NewInspection, NewMember, NewRecommendation};
use crate::auth::{Authority, RoleGuard};
use crate::calendar;
use crate::error::{AppError, AppResult};
use crate::graphql::{
    ContextExt, Date, DateTime, NodeKind, UserError, decode_id_of, encode_id, split,
};
use crate::mandates::graphql::{Document, Mandate};
use crate::pagination::{Page, PageInfo, PageRequest, page_complexity};
use crate::proposals::graphql::Proposal;
use crate::units::graphql::{Unit, unit_by_id};

/// Where an inspection stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::inspection::InspectionStatus")]
pub enum InspectionStatus {
    /// Recorded; the team has not started.
    Planned,
    /// The team is inspecting and records findings.
    InProgress,
    /// The conclusion report is registered; recommendations follow.
    Concluded,
    /// Its recommendations are being followed up.
    FollowingUp,
    /// Every recommendation is done or closed.
    Closed,
}

crate::labels!(InspectionStatus {
    Planned => "Đã lập kế hoạch",
    InProgress => "Đang tiến hành",
    Concluded => "Đã kết luận",
    FollowingUp => "Đang theo dõi kiến nghị",
    Closed => "Đã kết thúc",
});

/// What kind of finding.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::inspection_finding::FindingKind")]
pub enum FindingKind {
    /// Done as required.
    Compliant,
    /// Tồn tại, hạn chế: a shortcoming to remedy.
    Shortcoming,
    /// Vi phạm: a breach of the rules.
    Violation,
}

crate::labels!(FindingKind {
    Compliant => "Thực hiện đúng quy định",
    Shortcoming => "Tồn tại, hạn chế",
    Violation => "Vi phạm",
});

/// What a finding recommends for its mandate.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::inspection_finding::MandateAction")]
pub enum MandateAction {
    /// Nothing to change.
    None,
    /// Amend the mandate (sửa đổi, bổ sung): opens a proposal.
    Amend,
    /// Revoke the mandate (bãi bỏ, thu hồi): opens a proposal.
    Revoke,
}

crate::labels!(MandateAction {
    None => "Không điều chỉnh",
    Amend => "Sửa đổi, bổ sung",
    Revoke => "Bãi bỏ, thu hồi",
});

/// A member's part in the inspection team.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::inspection_member::MemberRole")]
pub enum InspectionMemberRole {
    /// Trưởng đoàn.
    Lead,
    /// Phó trưởng đoàn.
    Deputy,
    /// Thành viên.
    Member,
}

crate::labels!(InspectionMemberRole {
    Lead => "Trưởng đoàn",
    Deputy => "Phó trưởng đoàn",
    Member => "Thành viên",
});

/// Where a recommendation stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "super::service::RecommendationStatus")]
pub enum RecommendationStatus {
    /// Its owner is working on it.
    Open,
    /// Its follow-up work was accepted by the inspecting body.
    Done,
    /// The inspecting body closed it, with a note.
    Closed,
}

crate::labels!(RecommendationStatus {
    Open => "Đang thực hiện",
    Done => "Đã hoàn thành",
    Closed => "Kết thúc theo dõi",
});

fn loaders<'a>(ctx: &'a Context<'_>) -> &'a InspectionLoaders {
    ctx.per_request::<InspectionLoaders>()
}

/// The recommendations of `i` the caller reads, with their status.
async fn followed(ctx: &Context<'_>, i: &inspection::Model) -> AppResult<Vec<Followed>> {
    let rows = loaders(ctx)
        .recommendations
        .load_one(i.id)
        .await?
        .unwrap_or_default();
    Ok(read::followed(ctx.viewer(), i, rows))
}

fn inspection_id(id: &ID) -> AppResult<Uuid> {
    decode_id_of(NodeKind::Inspection, "inspection", id)
}

fn unit_id(field: &str, id: &ID) -> AppResult<Uuid> {
    decode_id_of(NodeKind::Unit, field, id)
}

/// The inspection `id` names, if the caller may read it.
pub async fn inspection_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Inspection>> {
    let Some(i) = inspection::Entity::find_by_id(id).one(ctx.db()).await? else {
        return Ok(None);
    };
    let viewer = ctx.viewer().ok_or(AppError::Unauthenticated)?;
    if !read::can_see(ctx.db(), Some(viewer), &i).await? {
        return Err(AppError::Forbidden);
    }
    Ok(Some(Inspection(i)))
}

/// The finding `id` names, if the caller may read it.
pub async fn finding_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<InspectionFinding>> {
    let Some(f) = finding::Entity::find_by_id(id).one(ctx.db()).await? else {
        return Ok(None);
    };
    let viewer = ctx.viewer().ok_or(AppError::Unauthenticated)?;
    let i = service::existing(ctx.db(), f.inspection_id).await?;
    if !read::can_see_finding(Some(viewer), &i, &f) {
        return Err(AppError::Forbidden);
    }
    Ok(Some(InspectionFinding(f)))
}

/// The recommendation `id` names, if the caller may read it.
pub async fn recommendation_node(
    ctx: &Context<'_>,
    id: Uuid,
) -> AppResult<Option<InspectionRecommendation>> {
    let Some(r) = recommendation::Entity::find_by_id(id).one(ctx.db()).await? else {
        return Ok(None);
    };
    let viewer = ctx.viewer().ok_or(AppError::Unauthenticated)?;
    let i = service::existing(ctx.db(), r.inspection_id).await?;
    if !read::can_see_recommendation(Some(viewer), &i, &r) {
        return Err(AppError::Forbidden);
    }
    Ok(Some(followed_one(ctx, r).await?))
}

async fn followed_one(
    ctx: &Context<'_>,
    r: recommendation::Model,
) -> AppResult<InspectionRecommendation> {
    let accepted = service::accepted_follow_ups(ctx.db(), &[r.id]).await?;
    let status = service::status_of(&r, accepted.contains(&r.id));
    Ok(InspectionRecommendation(Followed {
        overdue: read::overdue(status, r.due_on, calendar::today()),
        status,
        recommendation: r,
    }))
}

/// The finding a proposal was opened from, if the caller may read it
/// (`Proposal.inspectionFinding`).
pub async fn finding_of_proposal(
    ctx: &Context<'_>,
    id: Option<Uuid>,
) -> async_graphql::Result<Option<InspectionFinding>> {
    match id {
        Some(id) => match finding_node(ctx, id).await {
            Err(AppError::Forbidden) => Ok(None),
            found => Ok(found?),
        },
        None => Ok(None),
    }
}

/// A member of the inspection team.
#[derive(SimpleObject)]
pub struct InspectionMember {
    /// Họ và tên.
    pub full_name: String,
    /// Chức vụ, đơn vị công tác; null when not given.
    pub title: Option<String>,
    /// Their part in the team.
    pub role: InspectionMemberRole,
}

/// How the recommendations the caller reads stand.
#[derive(SimpleObject)]
pub struct InspectionFollowUp {
    /// Every recommendation.
    pub total: i64,
    /// Still worked on by their owner.
    pub open: i64,
    /// Follow-up work accepted.
    pub done: i64,
    /// Closed by the inspecting body.
    pub closed: i64,
    /// Open past their deadline.
    pub overdue: i64,
}

impl From<FollowUp> for InspectionFollowUp {
    fn from(f: FollowUp) -> Self {
        InspectionFollowUp {
            total: f.total,
            open: f.open,
            done: f.done,
            closed: f.closed,
            overdue: f.overdue,
        }
    }
}

/// What the caller may do with an inspection now (INSPECTOR over its
/// inspecting body, at each step's stage).
#[derive(SimpleObject)]
pub struct InspectionViewerCan {
    /// startInspection: while PLANNED.
    pub start: bool,
    /// recordInspectionFinding: while IN_PROGRESS.
    pub record_finding: bool,
    /// concludeInspection: while IN_PROGRESS.
    pub conclude: bool,
    /// addInspectionRecommendation and closeInspectionRecommendation: once
    /// CONCLUDED, until CLOSED.
    pub add_recommendation: bool,
    /// closeInspection: once no recommendation is open.
    pub close: bool,
}

/// An inspection (thanh tra, kiểm tra) of how delegated powers are used.
pub struct Inspection(pub inspection::Model);

/// An inspection (thanh tra, kiểm tra) of how delegated powers are used:
/// its inspecting body (Thanh tra tỉnh or Sở Nội vụ), decision, scope,
/// team and period; its findings per unit and mandate; its conclusion
/// report; its recommendations and their follow-up. The inspecting side
/// reads it whole; a unit in scope reads its own findings, an owner its
/// recommendations.
#[Object]
impl Inspection {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::Inspection, self.0.id)
    }

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.0.id).await?)
    }

    /// Its business code, unique.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// What is inspected (nội dung kiểm tra).
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Thanh tra tỉnh or Sở Nội vụ.
    async fn inspecting_unit(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.inspecting_unit_id, None).await
    }

    /// The decision (quyết định thanh tra, kiểm tra); null when the
    /// inspection was held under a plan without one.
    async fn decision(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Document>> {
        document(ctx, self.0.decision_document_id).await
    }

    /// First day of the period inspected.
    async fn period_from(&self) -> Date {
        Date(self.0.period_from)
    }

    /// Last day of the period inspected.
    async fn period_to(&self) -> Date {
        Date(self.0.period_to)
    }

    /// Where it stands.
    async fn status(&self) -> InspectionStatus {
        self.0.status.into()
    }

    /// Changes with every step.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The units in scope, in code order.
    async fn units(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Unit>> {
        let ids: Vec<Uuid> = inspection_unit::Entity::find()
            .filter(inspection_unit::Column::InspectionId.eq(self.0.id))
            .all(ctx.db())
            .await?
            .into_iter()
            .map(|u| u.unit_id)
            .collect();
        let mut units = crate::units::service::find_many(ctx.db(), &ids).await?;
        units.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(units
            .into_iter()
            .map(|u| Unit::new(u, self.0.period_to))
            .collect())
    }

    /// The mandates in scope, read as of the period's last day, by code.
    async fn mandates(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Mandate>> {
        let ids: Vec<Uuid> = inspection_mandate::Entity::find()
            .filter(inspection_mandate::Column::InspectionId.eq(self.0.id))
            .all(ctx.db())
            .await?
            .into_iter()
            .map(|m| m.mandate_id)
            .collect();
        let mut found = entity::mandate::Entity::find()
            .filter(entity::mandate::Column::Id.is_in(ids))
            .all(ctx.db())
            .await?;
        found.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(found
            .into_iter()
            .map(|m| Mandate::new(m, self.0.period_to))
            .collect())
    }

    /// The team, in the decision's order.
    async fn members(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<InspectionMember>> {
        Ok(member::Entity::find()
            .filter(member::Column::InspectionId.eq(self.0.id))
            .order_by_asc(member::Column::Position)
            .all(ctx.db())
            .await?
            .into_iter()
            .map(|m| InspectionMember {
                full_name: m.full_name,
                title: m.title,
                role: m.member_role.into(),
            })
            .collect())
    }

    /// The findings the caller reads (the inspecting side all, a unit in
    /// scope its own), down the unit tree.
    async fn findings(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<InspectionFinding>> {
        let viewer = ctx.viewer();
        Ok(loaders(ctx)
            .findings
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .filter(|f| read::can_see_finding(viewer, &self.0, f))
            .map(InspectionFinding)
            .collect())
    }

    /// The conclusion report (báo cáo kết quả, kết luận); null until
    /// concluded.
    async fn conclusion_report(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Document>> {
        document(ctx, self.0.conclusion_document_id).await
    }

    /// The conclusion in a few words; null when not given.
    async fn conclusion_summary(&self) -> Option<&str> {
        self.0.conclusion_summary.as_deref()
    }

    /// The recommendations the caller reads (the inspecting side all, an
    /// owner its own), by number and owner.
    async fn recommendations(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<InspectionRecommendation>> {
        Ok(followed(ctx, &self.0)
            .await?
            .into_iter()
            .map(InspectionRecommendation)
            .collect())
    }

    /// How the recommendations the caller reads stand.
    async fn follow_up(&self, ctx: &Context<'_>) -> async_graphql::Result<InspectionFollowUp> {
        let rows = followed(ctx, &self.0).await?;
        Ok(read::tally(&rows).into())
    }

    /// When it was recorded.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    /// When it was concluded; null before.
    async fn concluded_at(&self) -> Option<DateTime> {
        self.0.concluded_at.map(Into::into)
    }

    /// When it was closed; null before.
    async fn closed_at(&self) -> Option<DateTime> {
        self.0.closed_at.map(Into::into)
    }

    /// What the caller may do with it now.
    async fn viewer_can(&self, ctx: &Context<'_>) -> async_graphql::Result<InspectionViewerCan> {
        let open = if read::is_inspecting_side(ctx.viewer(), &self.0) {
            let rows = followed(ctx, &self.0).await?;
            read::tally(&rows).open as usize
        } else {
            0
        };
        let a = read::viewer_can(ctx.viewer(), &self.0, open);
        Ok(InspectionViewerCan {
            start: a.start,
            record_finding: a.record_finding,
            conclude: a.conclude,
            add_recommendation: a.add_recommendation,
            close: a.close,
        })
    }
}

async fn document(ctx: &Context<'_>, id: Option<Uuid>) -> async_graphql::Result<Option<Document>> {
    Ok(
        crate::mandates::service::documents_by_id(ctx.db(), id.as_slice())
            .await?
            .pop()
            .map(Document),
    )
}

/// What an inspection found at one unit.
pub struct InspectionFinding(pub finding::Model);

/// What an inspection found at one unit in its scope, about one mandate
/// in scope or the unit's work in general, with its evidence and what it
/// recommends for the mandate.
#[Object]
impl InspectionFinding {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::InspectionFinding, self.0.id)
    }

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.0.id).await?)
    }

    /// The inspection it belongs to.
    async fn inspection(&self, ctx: &Context<'_>) -> async_graphql::Result<Inspection> {
        Ok(Inspection(
            service::existing(ctx.db(), self.0.inspection_id).await?,
        ))
    }

    /// The unit it is about.
    async fn unit(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.unit_id, None).await
    }

    /// The mandate it is about; null for the unit's work in general.
    async fn mandate(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Mandate>> {
        let Some(id) = self.0.mandate_id else {
            return Ok(None);
        };
        let m = crate::mandates::service::existing(ctx.db(), id).await?;
        Ok(Some(Mandate::new(m, calendar::day_of(self.0.created_at))))
    }

    /// What kind of finding.
    async fn kind(&self) -> FindingKind {
        self.0.kind.into()
    }

    /// What was found.
    async fn text(&self) -> &str {
        &self.0.text
    }

    /// The documents that show it.
    async fn evidence(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Document>> {
        let ids: Vec<Uuid> = crate::proposals::service::ids(&self.0.evidence_document_ids);
        let mut docs = crate::mandates::service::documents_by_id(ctx.db(), &ids).await?;
        docs.sort_by_key(|d| ids.iter().position(|i| *i == d.id));
        Ok(docs.into_iter().map(Document).collect())
    }

    /// What it recommends for the mandate.
    async fn action(&self) -> MandateAction {
        self.0.action.into()
    }

    /// The proposal opened from it (proposeFromFinding), latest first, if
    /// the caller may read it; null when none.
    async fn proposal(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Proposal>> {
        let found = entity::proposal::Entity::find()
            .filter(entity::proposal::Column::InspectionFindingId.eq(self.0.id))
            .order_by_desc(entity::proposal::Column::CreatedAt)
            .one(ctx.db())
            .await?;
        match found {
            Some(p) => match crate::proposals::graphql::proposal_node(ctx, p.id).await {
                Err(AppError::Forbidden | AppError::Unauthenticated) => Ok(None),
                found => Ok(found?),
            },
            None => Ok(None),
        }
    }

    /// When it was recorded.
    async fn recorded_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    /// Who recorded it.
    async fn recorded_by(&self) -> &str {
        &self.0.created_by
    }
}

/// A recommendation and where it stands.
pub struct InspectionRecommendation(pub Followed);

/// A recommendation (kiến nghị) of an inspection's conclusion: what its
/// owner must do, by when, and where it stands.
#[Object]
impl InspectionRecommendation {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::InspectionRecommendation, self.0.recommendation.id)
    }

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.0.recommendation.id).await?)
    }

    /// The inspection it belongs to.
    async fn inspection(&self, ctx: &Context<'_>) -> async_graphql::Result<Inspection> {
        let id = self.0.recommendation.inspection_id;
        Ok(Inspection(service::existing(ctx.db(), id).await?))
    }

    /// Its number in the conclusion ("1", "2.a").
    async fn number(&self) -> &str {
        &self.0.recommendation.number
    }

    /// What is recommended.
    async fn text(&self) -> &str {
        &self.0.recommendation.text
    }

    /// The unit that must carry it out.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.recommendation.owner_unit_id, None).await
    }

    /// Its deadline.
    async fn due_on(&self) -> Date {
        Date(self.0.recommendation.due_on)
    }

    /// Where it stands.
    async fn status(&self) -> RecommendationStatus {
        self.0.status.into()
    }

    /// Open past its deadline (today in Vietnam).
    async fn overdue(&self) -> bool {
        self.0.overdue
    }

    /// The finding it answers, if the caller may read it; null when it
    /// answers none.
    async fn finding(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<InspectionFinding>> {
        finding_of_proposal(ctx, self.0.recommendation.finding_id).await
    }

    /// Its follow-up task (led by the owner, monitored by the inspecting
    /// body), if the caller may read it; null for an owner that has ended
    /// since (no task: the inspecting body closes it).
    async fn follow_up_task(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::plans::graphql::Task>> {
        let id = self.0.recommendation.id;
        let found = crate::plans::service::tasks_of_recommendations(ctx.db(), &[id]).await?;
        match found.into_iter().next() {
            Some(t) => match crate::plans::graphql::task_node(ctx, t.id).await {
                Err(AppError::Forbidden | AppError::Unauthenticated) => Ok(None),
                found => Ok(found?),
            },
            None => Ok(None),
        }
    }

    /// When the inspecting body closed it; null while not closed.
    async fn closed_at(&self) -> Option<DateTime> {
        self.0.recommendation.closed_at.map(Into::into)
    }

    /// Who closed it; null while not closed.
    async fn closed_by(&self) -> Option<&str> {
        self.0.recommendation.closed_by.as_deref()
    }

    /// How it was settled; null while not closed.
    async fn close_note(&self) -> Option<&str> {
        self.0.recommendation.close_note.as_deref()
    }
}

/// What to list.
#[derive(InputObject, Default)]
pub struct InspectionFilter {
    /// Inspections by this inspecting body.
    pub inspecting_unit: Option<ID>,
    /// Inspections with a unit in scope in this unit's subtree.
    pub unit: Option<ID>,
    /// Any of these statuses.
    pub status: Option<Vec<InspectionStatus>>,
}

/// A page of inspections (Relay connection), by code.
pub struct InspectionConnection {
    page: Page<inspection::Model>,
    filter: Filter,
}

/// An inspection and its cursor.
#[derive(SimpleObject)]
pub struct InspectionEdge {
    /// Pass as `after` or `before` to page from here.
    cursor: String,
    /// The inspection.
    node: Inspection,
}

/// A page of inspections (Relay connection), by code.
#[Object]
impl InspectionConnection {
    /// The inspections of this page with their cursors.
    async fn edges(&self) -> Vec<InspectionEdge> {
        self.page
            .items
            .iter()
            .map(|i| InspectionEdge {
                cursor: read::cursor(i).encode(),
                node: Inspection(i.clone()),
            })
            .collect()
    }

    /// The inspections of this page.
    async fn nodes(&self) -> Vec<Inspection> {
        self.page.items.iter().cloned().map(Inspection).collect()
    }

    /// Where this page sits in the whole list.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.page, read::cursor)
    }

    /// How many inspections match the filter (counted when asked).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        Ok(read::count(ctx.db(), ctx.viewer(), &self.filter).await?)
    }
}

/// Reads of inspections.
#[derive(Default)]
pub struct InspectionQuery;

#[Object]
impl InspectionQuery {
    /// One inspection; null when it does not exist, FORBIDDEN when the
    /// caller is neither on its inspecting side nor over a unit in its
    /// scope or an owner of its recommendations.
    async fn inspection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The inspection's global id.")] id: ID,
    ) -> async_graphql::Result<Option<Inspection>> {
        ctx.signed_in()?;
        Ok(inspection_node(ctx, inspection_id(&id)?).await?)
    }

    /// The inspections the caller may read, by code.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    async fn inspections(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to list (default: every inspection the caller may read).")]
        filter: Option<InspectionFilter>,
        #[graphql(
            desc = "At most this many items from the start of the list (0 to 100; 20 when neither `first` nor `last` is given). Not together with `last`."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Only items after this cursor (an edge's `cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "At most this many items from the end of the list (0 to 100). Not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Only items before this cursor (an edge's `cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
    ) -> async_graphql::Result<InspectionConnection> {
        let viewer = ctx.signed_in()?;
        let page = PageRequest::parse(first, after.as_deref(), last, before.as_deref())?;
        let f = filter.unwrap_or_default();
        let path = |id: Option<ID>, field: &'static str| async move {
            match id {
                Some(id) => Ok::<_, AppError>(Some(
                    crate::units::service::existing(ctx.db(), unit_id(field, &id)?)
                        .await?
                        .path,
                )),
                None => Ok(None),
            }
        };
        let filter = Filter {
            inspecting: path(f.inspecting_unit, "inspectingUnit").await?,
            unit: path(f.unit, "unit").await?,
            statuses: f
                .status
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
        };
        let page = read::list(ctx.db(), Some(viewer), &filter, &page).await?;
        Ok(InspectionConnection { page, filter })
    }
}

/// A member of the team as the decision lists them.
#[derive(InputObject)]
pub struct InspectionMemberInput {
    /// Họ và tên, 1 to 200 characters.
    #[graphql(validator(max_length = 200))]
    pub full_name: String,
    /// Chức vụ, đơn vị công tác, at most 200 characters.
    #[graphql(validator(max_length = 200))]
    pub title: Option<String>,
    /// Their part in the team (default MEMBER).
    #[graphql(default_with = "InspectionMemberRole::Member")]
    pub role: InspectionMemberRole,
}

/// Recording a planned inspection.
#[derive(InputObject)]
pub struct CreateInspectionInput {
    /// A unique code, 2 to 64 letters, digits, dashes, dots, slashes or
    /// underscores.
    #[graphql(validator(max_length = 64))]
    pub code: String,
    /// What is inspected, 1 to 1,000 characters.
    #[graphql(validator(max_length = 1000))]
    pub title: String,
    /// Thanh tra tỉnh or Sở Nội vụ, over which you hold INSPECTOR.
    pub inspecting_unit: ID,
    /// The decision (QD_SO of the inspecting body), when there is one.
    pub decision: Option<ID>,
    /// First day of the period inspected.
    pub period_from: Date,
    /// Last day of the period inspected, not before `periodFrom`.
    pub period_to: Date,
    /// The units in scope: 1 to 200 bodies or local governments of the
    /// province.
    pub units: Vec<ID>,
    /// The issued mandates in scope, at most 200.
    #[graphql(default)]
    pub mandates: Vec<ID>,
    /// The team, at most 200.
    #[graphql(default)]
    pub members: Vec<InspectionMemberInput>,
}

/// An inspection to move a step.
#[derive(InputObject)]
pub struct InspectionStepInput {
    /// The inspection.
    pub inspection: ID,
}

/// A finding to record.
#[derive(InputObject)]
pub struct RecordInspectionFindingInput {
    /// The inspection, IN_PROGRESS.
    pub inspection: ID,
    /// A unit in its scope.
    pub unit: ID,
    /// A mandate in its scope; required for AMEND or REVOKE.
    pub mandate: Option<ID>,
    /// What kind of finding.
    pub kind: FindingKind,
    /// What was found, 1 to 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub text: String,
    /// Documents that show it, at most 200.
    #[graphql(default)]
    pub evidence: Vec<ID>,
    /// What it recommends for the mandate (default NONE).
    #[graphql(default_with = "MandateAction::None")]
    pub action: MandateAction,
}

/// A finding to open a proposal from.
#[derive(InputObject)]
pub struct ProposeFromFindingInput {
    /// The finding recommending AMEND or REVOKE.
    pub finding: ID,
    /// The sở that drafts the decision (cơ quan tham mưu); default: the
    /// inspecting body.
    pub drafting_unit: Option<ID>,
}

/// The conclusion to register.
#[derive(InputObject)]
pub struct ConcludeInspectionInput {
    /// The inspection, IN_PROGRESS.
    pub inspection: ID,
    /// The conclusion report: a BC of the inspecting body, issued on or
    /// after the period's first day.
    pub report: ID,
    /// The conclusion in a few words, at most 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub summary: Option<String>,
}

/// A recommendation to give.
#[derive(InputObject)]
pub struct AddInspectionRecommendationInput {
    /// The inspection, CONCLUDED or FOLLOWING_UP.
    pub inspection: ID,
    /// Its number in the conclusion, 1 to 32 characters; once per owner.
    #[graphql(validator(max_length = 32))]
    pub number: String,
    /// What is recommended, 1 to 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub text: String,
    /// The unit that must carry it out: a body or local government of the
    /// province.
    pub owner: ID,
    /// Its deadline, on or after the conclusion report's date.
    pub due_on: Date,
    /// The finding it answers, one of the inspection's.
    pub finding: Option<ID>,
}

/// A recommendation to close.
#[derive(InputObject)]
pub struct CloseInspectionRecommendationInput {
    /// The recommendation.
    pub recommendation: ID,
    /// How it was settled, 1 to 5,000 characters (REASON_REQUIRED).
    #[graphql(validator(max_length = 5000))]
    pub note: String,
}

/// The result of a change to an inspection.
#[derive(SimpleObject)]
pub struct InspectionPayload {
    /// The inspection as changed; null when refused.
    pub inspection: Option<Inspection>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of `recordInspectionFinding`.
#[derive(SimpleObject)]
pub struct InspectionFindingPayload {
    /// The finding recorded; null when refused.
    pub finding: Option<InspectionFinding>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of a change to a recommendation.
#[derive(SimpleObject)]
pub struct InspectionRecommendationPayload {
    /// The recommendation as changed; null when refused.
    pub recommendation: Option<InspectionRecommendation>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

fn inspection_payload(
    result: AppResult<inspection::Model>,
) -> async_graphql::Result<InspectionPayload> {
    let (inspection, user_errors) = split(result)?;
    Ok(InspectionPayload {
        inspection: inspection.map(Inspection),
        user_errors,
    })
}

async fn recommendation_payload(
    ctx: &Context<'_>,
    result: AppResult<recommendation::Model>,
) -> async_graphql::Result<InspectionRecommendationPayload> {
    let (r, user_errors) = split(result)?;
    let recommendation = match r {
        Some(r) => Some(followed_one(ctx, r).await?),
        None => None,
    };
    Ok(InspectionRecommendationPayload {
        recommendation,
        user_errors,
    })
}

fn ids(kind: NodeKind, field: &str, ids: &[ID]) -> AppResult<Vec<Uuid>> {
    ids.iter().map(|id| decode_id_of(kind, field, id)).collect()
}

/// Mutations of inspections: all by an INSPECTOR over the inspecting body.
#[derive(Default)]
pub struct InspectionMutation;

#[Object]
impl InspectionMutation {
    /// Records a planned inspection by Thanh tra tỉnh or Sở Nội vụ
    /// (INSPECTOR over it): its decision, scope, period and team.
    #[graphql(guard = "RoleGuard(&[Role::Inspector])")]
    async fn create_inspection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The inspection.")] input: CreateInspectionInput,
    ) -> async_graphql::Result<InspectionPayload> {
        let viewer = ctx.signed_in()?;
        let new = NewInspection {
            code: input.code,
            title: input.title,
            inspecting_unit: unit_id("inspectingUnit", &input.inspecting_unit)?,
            decision: input
                .decision
                .as_ref()
                .map(|id| decode_id_of(NodeKind::Document, "decision", id))
                .transpose()?,
            period_from: input.period_from.0,
            period_to: input.period_to.0,
            units: ids(NodeKind::Unit, "units", &input.units)?,
            mandates: ids(NodeKind::Mandate, "mandates", &input.mandates)?,
            members: input
                .members
                .into_iter()
                .map(|m| NewMember {
                    full_name: m.full_name,
                    title: m.title,
                    role: m.role.into(),
                })
                .collect(),
        };
        inspection_payload(
            service::create_inspection(ctx.db(), Authority::Viewer(viewer), new).await,
        )
    }

    /// Starts a planned inspection (IN_PROGRESS).
    #[graphql(guard = "RoleGuard(&[Role::Inspector])")]
    async fn start_inspection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The inspection.")] input: InspectionStepInput,
    ) -> async_graphql::Result<InspectionPayload> {
        let viewer = ctx.signed_in()?;
        let id = inspection_id(&input.inspection)?;
        inspection_payload(service::start_inspection(ctx.db(), Authority::Viewer(viewer), id).await)
    }

    /// Records a finding at a unit in scope, about a mandate in scope or
    /// its work in general, while IN_PROGRESS.
    #[graphql(guard = "RoleGuard(&[Role::Inspector])")]
    async fn record_inspection_finding(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The finding.")] input: RecordInspectionFindingInput,
    ) -> async_graphql::Result<InspectionFindingPayload> {
        let viewer = ctx.signed_in()?;
        let new = NewFinding {
            inspection: inspection_id(&input.inspection)?,
            unit: unit_id("unit", &input.unit)?,
            mandate: input
                .mandate
                .as_ref()
                .map(|id| decode_id_of(NodeKind::Mandate, "mandate", id))
                .transpose()?,
            kind: input.kind.into(),
            text: input.text,
            evidence: ids(NodeKind::Document, "evidence", &input.evidence)?,
            action: input.action.into(),
        };
        let (finding, user_errors) =
            split(service::record_finding(ctx.db(), Authority::Viewer(viewer), new).await)?;
        Ok(InspectionFindingPayload {
            finding: finding.map(InspectionFinding),
            user_errors,
        })
    }

    /// Opens in one step the proposal a finding recommends (AMEND or
    /// REVOKE): a DRAFT of the inspecting body about the finding's
    /// mandate, with the finding as its justification.
    #[graphql(guard = "RoleGuard(&[Role::Inspector])")]
    async fn propose_from_finding(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The finding and the drafting body.")] input: ProposeFromFindingInput,
    ) -> async_graphql::Result<crate::proposals::graphql::ProposalPayload> {
        let viewer = ctx.signed_in()?;
        let finding = decode_id_of(NodeKind::InspectionFinding, "finding", &input.finding)?;
        let drafting = input
            .drafting_unit
            .as_ref()
            .map(|id| unit_id("draftingUnit", id))
            .transpose()?;
        let result =
            service::propose_from_finding(ctx.db(), Authority::Viewer(viewer), finding, drafting)
                .await;
        crate::proposals::graphql::payload(result)
    }

    /// Registers the conclusion report (CONCLUDED).
    #[graphql(guard = "RoleGuard(&[Role::Inspector])")]
    async fn conclude_inspection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The inspection and its conclusion report.")]
        input: ConcludeInspectionInput,
    ) -> async_graphql::Result<InspectionPayload> {
        let viewer = ctx.signed_in()?;
        let id = inspection_id(&input.inspection)?;
        let report = decode_id_of(NodeKind::Document, "report", &input.report)?;
        let result = service::conclude_inspection(
            ctx.db(),
            Authority::Viewer(viewer),
            id,
            report,
            input.summary,
        )
        .await;
        inspection_payload(result)
    }

    /// Gives a recommendation of the conclusion to its owner with a
    /// deadline; the first moves the inspection to FOLLOWING_UP.
    #[graphql(guard = "RoleGuard(&[Role::Inspector])")]
    async fn add_inspection_recommendation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The recommendation.")] input: AddInspectionRecommendationInput,
    ) -> async_graphql::Result<InspectionRecommendationPayload> {
        let viewer = ctx.signed_in()?;
        let new = NewRecommendation {
            inspection: inspection_id(&input.inspection)?,
            finding: input
                .finding
                .as_ref()
                .map(|id| decode_id_of(NodeKind::InspectionFinding, "finding", id))
                .transpose()?,
            number: input.number,
            text: input.text,
            owner: unit_id("owner", &input.owner)?,
            due_on: input.due_on.0,
        };
        let result = service::add_recommendation(ctx.db(), Authority::Viewer(viewer), new).await;
        recommendation_payload(ctx, result).await
    }

    /// Closes a recommendation with a note saying how it was settled.
    #[graphql(guard = "RoleGuard(&[Role::Inspector])")]
    async fn close_inspection_recommendation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The recommendation and the note.")]
        input: CloseInspectionRecommendationInput,
    ) -> async_graphql::Result<InspectionRecommendationPayload> {
        let viewer = ctx.signed_in()?;
        let id = decode_id_of(
            NodeKind::InspectionRecommendation,
            "recommendation",
            &input.recommendation,
        )?;
        let result =
            service::close_recommendation(ctx.db(), Authority::Viewer(viewer), id, &input.note)
                .await;
        recommendation_payload(ctx, result).await
    }

    /// Closes the inspection once every recommendation is done or closed.
    #[graphql(guard = "RoleGuard(&[Role::Inspector])")]
    async fn close_inspection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The inspection.")] input: InspectionStepInput,
    ) -> async_graphql::Result<InspectionPayload> {
        let viewer = ctx.signed_in()?;
        let id = inspection_id(&input.inspection)?;
        inspection_payload(service::close_inspection(ctx.db(), Authority::Viewer(viewer), id).await)
    }
}

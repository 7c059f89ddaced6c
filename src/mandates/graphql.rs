//! GraphQL face of mandates and legal documents.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::NaiveDate;
use entity::mandate;
use entity::role_grant::Role;
use entity::{document, mandate_assignment, unit};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::loaders::MandateLoaders;
use super::{documents, service, status};
use crate::auth::{Authority, RoleGuard, Viewer, viewer};
use crate::calendar;
use crate::error::{AppError, AppResult};
use crate::graphql::{Date, NodeKind, UserError, decode_id_of, encode_id, split};
use crate::pagination::{Page, PageInfo, PageRequest, page_complexity};
use crate::text;
use crate::units::graphql::{Unit, unit_by_id};
use crate::units::loaders::UnitLoaders;
use crate::units::service as units;

/// Sector (lĩnh vực) of a mandate.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::mandate::Sector")]
pub enum Sector {
    /// Nội vụ.
    NoiVu,
    /// Tư pháp.
    TuPhap,
    /// Tài chính (incl. former kế hoạch và đầu tư).
    TaiChinh,
    /// Công Thương.
    CongThuong,
    /// Nông nghiệp và Môi trường.
    NongNghiepMoiTruong,
    /// Đất đai.
    DatDai,
    /// Xây dựng.
    XayDung,
    /// Khoa học và Công nghệ.
    KhoaHocCongNghe,
    /// Văn hóa, Thể thao và Du lịch.
    VanHoaTheThaoDuLich,
    /// Giáo dục và Đào tạo.
    GiaoDucDaoTao,
    /// Y tế.
    YTe,
    /// Thanh tra.
    ThanhTra,
    /// Another sector.
    Khac,
}

/// Type of a legal document (loại văn bản).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::document::DocumentType")]
pub enum DocumentType {
    /// Luật.
    Luat,
    /// Nghị quyết của Quốc hội.
    NqQh,
    /// Nghị quyết của Ủy ban Thường vụ Quốc hội.
    NqUbtvqh,
    /// Nghị định.
    Nd,
    /// Quyết định của Thủ tướng.
    QdTtg,
    /// Thông tư.
    Tt,
    /// Nghị quyết HĐND.
    NqHdnd,
    /// Quyết định UBND.
    QdUbnd,
    /// Quyết định của Chủ tịch UBND.
    QdCtUbnd,
    /// Quyết định của sở.
    QdSo,
    /// Kế hoạch.
    Kh,
    /// Công văn.
    Cv,
    /// Báo cáo.
    Bc,
    /// Tờ trình.
    Ttr,
}

/// In which capacity a document was signed.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::document::SignerCapacity")]
pub enum SignerCapacity {
    /// Thay mặt (on behalf of a collective).
    Tm,
    /// Ký thay (a deputy signing for the head).
    Kt,
    /// Thừa lệnh.
    Tl,
    /// Thừa ủy quyền.
    Tuq,
}

/// Who delegates: the body as a whole or its head.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::mandate::DelegatorCapacity")]
pub enum DelegatorCapacity {
    /// The committee or department as a collective (UBND, Sở).
    Collective,
    /// Its head (Chủ tịch UBND, Giám đốc Sở).
    Head,
}

/// How a power moves.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::mandate::MandateKind")]
pub enum MandateKind {
    /// Phân cấp: permanent, by a normative document.
    Decentralization,
    /// Ủy quyền: temporary, with an end date and conditions; never passed on.
    Authorization,
    /// Phân quyền: given by law; recorded, not granted.
    Devolution,
}

/// Where a mandate stands on a date.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "status::MandateStatus")]
pub enum MandateStatus {
    /// Being prepared; not binding.
    Draft,
    /// Issued, not yet in force.
    Scheduled,
    /// In force.
    Active,
    /// In force by its dates, but every delegatee has ended (reorganisation);
    /// see the assignments' successors and `transferAssignments`.
    Lapsed,
    /// Past its end date.
    Expired,
    /// Ended by revocation.
    Revoked,
    /// Replaced by an amendment.
    Superseded,
}

/// Where one delegatee's assignment stands on a date.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "status::AssignmentStatus")]
pub enum AssignmentStatus {
    /// Not yet in force.
    Scheduled,
    /// In force.
    Active,
    /// The delegatee unit has ended; the power awaits transfer to its successors.
    Lapsed,
    /// Carried over to successor units.
    Transferred,
    /// Ended with its mandate.
    Ended,
}

fn loaders<'a>(ctx: &'a Context<'_>) -> &'a MandateLoaders {
    ctx.data_unchecked::<MandateLoaders>()
}

fn db<'a>(ctx: &'a Context<'_>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

fn units<'a>(ctx: &'a Context<'_>) -> &'a UnitLoaders {
    ctx.data_unchecked::<UnitLoaders>()
}

/// A legal document (văn bản).
pub struct Document(pub document::Model);

/// A legal document (văn bản): a law, decree, resolution, decision or
/// official letter, with its number, issuer, signer and dates. Documents
/// are public.
#[Object]
impl Document {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::Document, self.0.id)
    }

    /// Number and symbol as written, e.g. "57/NQ-HĐND".
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// Type of document.
    async fn r#type(&self) -> DocumentType {
        self.0.doc_type.into()
    }

    /// A normative legal document (văn bản quy phạm pháp luật).
    async fn normative(&self) -> bool {
        self.0.normative
    }

    /// Name of the issuing body.
    async fn issuer_name(&self) -> &str {
        &self.0.issuer_name
    }

    /// The issuing unit, when it is in the tree; null for a central body
    /// (Quốc hội, Chính phủ, a ministry).
    async fn issuer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Unit>> {
        match self.0.issuer_unit_id {
            Some(id) => Ok(Some(unit_by_id(ctx, id, Some(self.0.issued_date)).await?)),
            None => Ok(None),
        }
    }

    /// Who signed it, by name; null when not recorded.
    async fn signer(&self) -> Option<&str> {
        self.0.signer.as_deref()
    }

    /// In which capacity it was signed (TM, KT, TL, TUQ); null when not
    /// recorded.
    async fn signer_capacity(&self) -> Option<SignerCapacity> {
        self.0.signer_capacity.map(Into::into)
    }

    /// Date of issue.
    async fn issued_date(&self) -> Date {
        Date(self.0.issued_date)
    }

    /// First day in force.
    async fn effective_from(&self) -> Date {
        Date(self.0.effective_from)
    }

    /// Last day in force; null while it has no end date.
    async fn effective_to(&self) -> Option<Date> {
        self.0.effective_to.map(Date)
    }
}

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
/// viewer is APPROVER over the delegator and the mandate is in a state
/// that allows the mutation.
#[derive(SimpleObject)]
pub struct MandateViewerCan {
    /// `updateDraftMandate`: the mandate is a draft.
    pub update: bool,
    /// `issueMandate`: the mandate is a draft.
    pub issue: bool,
    /// `amendMandate`: issued and in force or scheduled.
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

    /// The body as a whole or its head.
    async fn delegator_capacity(&self) -> DelegatorCapacity {
        self.model.delegator_capacity.into()
    }

    /// The document it rests on (for a DECENTRALIZATION, a normative one);
    /// null on a draft that does not cite one yet.
    async fn legal_basis(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Document>> {
        match self.model.legal_basis_id {
            Some(id) => Ok(loaders(ctx).documents.load_one(id).await?.map(Document)),
            None => Ok(None),
        }
    }

    /// Article, clause, point of the basis (điều, khoản, điểm), e.g.
    /// "Điều 3, khoản 2"; null when not given.
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

    /// The amendment that replaced it; null unless SUPERSEDED (or when the
    /// caller may not see the amendment).
    async fn superseded_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Mandate>> {
        let Some(id) = self.model.superseded_by_id else {
            return Ok(None);
        };
        let found = loaders(ctx).by_id.load_one(id).await?;
        Ok(visible(ctx, found.into_iter().collect(), self.as_of)
            .await?
            .pop())
    }

    /// The document that revoked it; null unless revoked.
    async fn ended_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Document>> {
        match self.model.ended_document_id {
            Some(id) => Ok(loaders(ctx).documents.load_one(id).await?.map(Document)),
            None => Ok(None),
        }
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
        let viewer = ctx.data_opt::<Viewer>();
        let can = service::viewer_can(
            db(ctx),
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

async fn assignment_status(
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
    model: mandate_assignment::Model,
    mandate: mandate::Model,
    as_of: NaiveDate,
}

/// One delegatee of a mandate (bên nhận phân cấp, ủy quyền), with its own
/// dates: an assignment ends early when its unit ends and is carried over
/// to the unit's successors.
#[Object]
impl MandateAssignment {
    /// Opaque global id (what `transferAssignments` takes).
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::MandateAssignment, self.model.id)
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
        let db = ctx.data_unchecked::<DatabaseConnection>();
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
async fn visible(
    ctx: &Context<'_>,
    list: Vec<mandate::Model>,
    as_of: NaiveDate,
) -> async_graphql::Result<Vec<Mandate>> {
    let viewer = ctx.data_opt::<Viewer>();
    let ids: Vec<Uuid> = list.iter().map(|m| m.delegator_unit_id).collect();
    let delegators = ctx
        .data_unchecked::<UnitLoaders>()
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
    let db = ctx.data_unchecked::<DatabaseConnection>();
    let delegator = crate::units::service::existing(db, m.delegator_unit_id).await?;
    let viewer = ctx.data_opt::<Viewer>();
    if !service::can_see(viewer, &m, &delegator, as_of) {
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
    let db = ctx.data_unchecked::<DatabaseConnection>();
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

/// The document `id` names (documents are public).
pub async fn document_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Document>> {
    Ok(loaders(ctx).documents.load_one(id).await?.map(Document))
}

/// What to list.
#[derive(InputObject, Default)]
pub struct MandateFilter {
    /// Delegated by this unit.
    pub delegator: Option<ID>,
    /// Assigned to this unit.
    pub delegatee: Option<ID>,
    /// Delegator or a delegatee in this unit's subtree.
    pub within: Option<ID>,
    /// Of this sector (lĩnh vực).
    pub sector: Option<Sector>,
    /// Of this kind: phân cấp, ủy quyền or phân quyền.
    pub kind: Option<MandateKind>,
    /// Where they stand on `asOf`, as the `status` field reads.
    pub status: Option<MandateStatus>,
    /// Text in the title, the start of the code, or the exact matter code
    /// (at most 100 characters).
    #[graphql(validator(max_length = 100))]
    pub search: Option<String>,
}

/// A page of mandates (Relay connection).
pub struct MandateConnection {
    page: Page<mandate::Model>,
    as_of: NaiveDate,
    viewer: Option<Viewer>,
    filter: service::MandateFilter,
}

/// A page of mandates (Relay connection), ordered by code.
#[Object]
impl MandateConnection {
    /// The mandates of this page with their cursors.
    async fn edges(&self) -> Vec<MandateEdge> {
        self.page
            .items
            .iter()
            .map(|m| MandateEdge {
                cursor: service::cursor(m).encode(),
                node: Mandate::new(m.clone(), self.as_of),
            })
            .collect()
    }

    /// The mandates of this page.
    async fn nodes(&self) -> Vec<Mandate> {
        self.page
            .items
            .iter()
            .map(|m| Mandate::new(m.clone(), self.as_of))
            .collect()
    }

    /// Where this page sits in the whole list.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.page, service::cursor)
    }

    /// How many mandates match, over all pages (counted when asked).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let viewer = self.viewer.as_ref();
        Ok(service::count(db(ctx), viewer, &self.filter, self.as_of).await?)
    }
}

/// A mandate and its cursor.
#[derive(SimpleObject)]
pub struct MandateEdge {
    /// Pass as `after` or `before` to page from here.
    cursor: String,
    /// The mandate.
    node: Mandate,
}

/// A matter's coverage in a territory.
#[derive(SimpleObject)]
pub struct MatterCoverage {
    /// The matter (việc), as in `Mandate.matterCode`.
    pub matter_code: String,
    /// Its latest mandate in the territory (by first day in force).
    pub latest: Mandate,
    /// The assignments that hold it on the date; empty for a gap.
    pub holders: Vec<MandateAssignment>,
}

/// Matters without a holder and matters with overlapping holders.
#[derive(SimpleObject)]
pub struct Coverage {
    /// The day the coverage is for.
    pub as_of: Date,
    /// How many matters have been delegated within the territory.
    pub matters: i32,
    /// Matters no unit holds on the date (a gap: no managing body).
    pub gaps: Vec<MatterCoverage>,
    /// Matters whose holders' territories overlap (more than one lead).
    pub overlaps: Vec<MatterCoverage>,
}

async fn anchor(ctx: &Context<'_>, field: &str, id: &ID) -> AppResult<unit::Model> {
    let uuid = decode_id_of(NodeKind::Unit, field, id)?;
    crate::units::service::existing(ctx.data_unchecked::<DatabaseConnection>(), uuid).await
}

/// Queries of mandates and documents.
#[derive(Default)]
pub struct MandateQuery;

#[Object]
impl MandateQuery {
    /// A mandate by id; null when there is none. Anyone may read a mandate
    /// in force on `asOf`; any other needs a grant over its delegator
    /// (FORBIDDEN, or UNAUTHENTICATED for an anonymous caller).
    async fn mandate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mandate's global id.")] id: ID,
        #[graphql(desc = "The day to read the mandate on (default: today, Vietnam time).")]
        as_of: Option<Date>,
    ) -> async_graphql::Result<Option<Mandate>> {
        let uuid = decode_id_of(NodeKind::Mandate, "id", &id)?;
        Ok(mandate_node(ctx, uuid, as_of.map_or_else(calendar::today, |d| d.0)).await?)
    }

    /// A mandate by its business code; null when no mandate has it
    /// (visibility as for `mandate`).
    async fn mandate_by_code(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mandate's code, e.g. \"19-PC-XD-01\" (at most 64 characters).")]
        code: String,
        #[graphql(desc = "The day to read the mandate on (default: today, Vietnam time).")]
        as_of: Option<Date>,
    ) -> async_graphql::Result<Option<Mandate>> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let code = text::checked("code", &code, 64)?;
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let found = mandate::Entity::find()
            .filter(mandate::Column::Code.eq(code))
            .one(db)
            .await?;
        match found {
            Some(m) => {
                Ok(mandate_node(ctx, m.id, as_of.map_or_else(calendar::today, |d| d.0)).await?)
            }
            None => Ok(None),
        }
    }

    /// Mandates the caller may see (anyone: those in force on `asOf`;
    /// signed-in users also the others delegated within their grants'
    /// scope), ordered by code.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn mandates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to list (default: everything the caller may see).")] filter: Option<
            MandateFilter,
        >,
        #[graphql(
            desc = "The day statuses and visibility are read on (default: today, Vietnam time)."
        )]
        as_of: Option<Date>,
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
    ) -> async_graphql::Result<MandateConnection> {
        let page = PageRequest::parse(first, after.as_deref(), last, before.as_deref())?;
        let as_of = as_of.map_or_else(calendar::today, |d| d.0);
        let filter = filter.unwrap_or_default();
        let within = match &filter.within {
            Some(id) => Some(anchor(ctx, "within", id).await?.path),
            None => None,
        };
        let search = match &filter.search {
            Some(s) => Some(text::checked("search", s, 100)?.to_owned()),
            None => None,
        };
        let query = service::MandateFilter {
            delegator: filter
                .delegator
                .as_ref()
                .map(|id| decode_id_of(NodeKind::Unit, "delegator", id))
                .transpose()?,
            delegatee: filter
                .delegatee
                .as_ref()
                .map(|id| decode_id_of(NodeKind::Unit, "delegatee", id))
                .transpose()?,
            within,
            sector: filter.sector.map(Into::into),
            kind: filter.kind.map(Into::into),
            status: filter.status.map(Into::into),
            search,
        };
        let viewer = ctx.data_opt::<Viewer>();
        let page = service::list(db(ctx), viewer, &query, as_of, &page).await?;
        Ok(MandateConnection {
            page,
            as_of,
            viewer: viewer.cloned(),
            filter: query,
        })
    }

    /// Authorizations (ủy quyền) in force that end within `withinDays`
    /// (0 to 366) from today, delegated within `within` (default: your
    /// grants' scopes; everything for anonymous callers).
    async fn expiring_authorizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many days ahead to look, 0 to 366 (0: those ending today).")]
        within_days: i32,
        #[graphql(
            desc = "Only authorizations whose delegator or a delegatee lies in this unit's subtree."
        )]
        within: Option<ID>,
    ) -> async_graphql::Result<Vec<Mandate>> {
        if !(0..=366).contains(&within_days) {
            return Err(AppError::invalid("`withinDays` must be between 0 and 366").into());
        }
        let scope_paths: Vec<String> = match (&within, ctx.data_opt::<Viewer>()) {
            (Some(id), _) => vec![anchor(ctx, "within", id).await?.path],
            (None, Some(v)) => v.grants.iter().map(|g| g.scope.path.clone()).collect(),
            (None, None) => Vec::new(),
        };
        let paths: Vec<&str> = scope_paths.iter().map(String::as_str).collect();
        let today = calendar::today();
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let found = service::expiring_authorizations(db, today, within_days as u64, &paths).await?;
        Ok(found.into_iter().map(|m| Mandate::new(m, today)).collect())
    }

    /// Matters delegated within a unit's subtree that no unit holds on
    /// `asOf` (gaps) and matters whose holders overlap. For users with a
    /// grant over that unit.
    async fn coverage(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The unit whose territory is checked; you need a grant over it.")]
        within: ID,
        #[graphql(desc = "The day to check (default: today, Vietnam time).")] as_of: Option<Date>,
    ) -> async_graphql::Result<Coverage> {
        let viewer = viewer(ctx)?;
        let within = decode_id_of(NodeKind::Unit, "within", &within)?;
        let as_of = as_of.map_or_else(calendar::today, |d| d.0);
        let found = service::coverage_for(db(ctx), viewer, within, as_of).await?;
        let convert = |c: service::MatterCoverage| MatterCoverage {
            matter_code: c.matter_code,
            latest: Mandate::new(c.latest, as_of),
            holders: c
                .holders
                .into_iter()
                .map(|(a, m)| MandateAssignment {
                    model: a,
                    mandate: m,
                    as_of,
                })
                .collect(),
        };
        Ok(Coverage {
            as_of: Date(as_of),
            matters: found.matters as i32,
            gaps: found.gaps.into_iter().map(convert).collect(),
            overlaps: found.overlaps.into_iter().map(convert).collect(),
        })
    }
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

/// A document to register.
#[derive(InputObject)]
pub struct CreateDocumentInput {
    /// Number and symbol as written, e.g. "57/NQ-HĐND".
    #[graphql(validator(max_length = 100))]
    pub number: String,
    /// Type of document (loại văn bản).
    pub r#type: DocumentType,
    /// A normative legal document (văn bản QPPL).
    pub normative: bool,
    /// The issuing unit, when it is in the tree (you need APPROVER over it).
    pub issuer: Option<ID>,
    /// The issuing body's name (default: the issuer unit's name).
    #[graphql(validator(max_length = 200))]
    pub issuer_name: Option<String>,
    /// Name of the signer, at most 200 characters.
    #[graphql(validator(max_length = 200))]
    pub signer: Option<String>,
    /// In which capacity it was signed (TM, KT, TL, TUQ).
    pub signer_capacity: Option<SignerCapacity>,
    /// Date of issue (ngày ban hành).
    pub issued_date: Date,
    /// First day in force, not before the issue date (default: the issue
    /// date).
    pub effective_from: Option<Date>,
    /// Last day in force, not before `effectiveFrom`; omit while it has no
    /// end date.
    pub effective_to: Option<Date>,
}

/// Resources that go with a power.
#[derive(InputObject, Default)]
pub struct ResourcesInput {
    /// Budget in đồng: 0 to 2^53 − 1 (NEGATIVE_RESOURCES, BUDGET_TOO_LARGE).
    pub budget_vnd: Option<i64>,
    /// Staff positions (biên chế), 0 or more.
    pub staff: Option<i32>,
    /// Facilities and equipment, as free text (at most 10,000 characters).
    #[graphql(validator(max_length = 10000))]
    pub facilities: Option<String>,
    /// Say why none go with it (and give no budget, staff or facilities);
    /// at most 10,000 characters.
    #[graphql(validator(max_length = 10000))]
    pub none_reason: Option<String>,
}

impl From<ResourcesInput> for service::Resources {
    fn from(r: ResourcesInput) -> Self {
        service::Resources {
            budget_vnd: r.budget_vnd,
            staff: r.staff,
            facilities: r.facilities,
            none_reason: r.none_reason,
        }
    }
}

/// A new mandate, drafted for issue.
#[derive(InputObject)]
pub struct DraftMandateInput {
    /// Stable business code, e.g. "19-PC-XD-01": 2 to 64 letters, digits,
    /// `-`, `_`, `.` or `/`, unique across mandates.
    #[graphql(validator(max_length = 64))]
    pub code: String,
    /// What is delegated, 1 to 500 characters.
    #[graphql(validator(max_length = 500))]
    pub title: String,
    /// Sector (lĩnh vực).
    pub sector: Sector,
    /// The matter (việc) delegated, e.g. a procedure code, 1 to 64
    /// characters; the two-level and one-lead rules compare mandates by it.
    #[graphql(validator(max_length = 64))]
    pub matter_code: String,
    /// Phân cấp, ủy quyền or phân quyền.
    pub kind: MandateKind,
    /// The delegating unit; you need APPROVER over it.
    pub delegator: ID,
    /// Whether the body as a whole or its head delegates.
    #[graphql(default_with = "DelegatorCapacity::Collective")]
    pub delegator_capacity: DelegatorCapacity,
    /// The document it rests on (a normative one for a DECENTRALIZATION or
    /// DEVOLUTION); required to issue.
    pub legal_basis: Option<ID>,
    /// Article, clause, point of the basis (điều, khoản, điểm), at most 200
    /// characters.
    #[graphql(validator(max_length = 200))]
    pub legal_basis_article: Option<String>,
    /// Conditions of use, at most 10,000 characters; required to issue an
    /// AUTHORIZATION.
    #[graphql(validator(max_length = 10000))]
    pub conditions: Option<String>,
    /// Budget, staff or facilities that go with the power, or why none do;
    /// required to issue, except for a DEVOLUTION.
    #[graphql(default)]
    pub resources: ResourcesInput,
    /// First day in force.
    pub effective_from: Date,
    /// Last day in force, not before `effectiveFrom`; required for an
    /// AUTHORIZATION.
    pub effective_to: Option<Date>,
    /// Whether the delegatees may pass it on (never for an AUTHORIZATION).
    #[graphql(default)]
    pub allow_onward: bool,
    /// The mandate this one passes on (onward delegation).
    pub parent_mandate: Option<ID>,
    /// The receiving units, 1 to 500 distinct ids.
    pub delegatees: Vec<ID>,
}

/// Changes to a draft; omitted fields stay.
#[derive(InputObject)]
pub struct UpdateDraftMandateInput {
    /// The draft to change; an issued mandate is amended instead.
    pub id: ID,
    /// What is delegated, 1 to 500 characters.
    #[graphql(validator(max_length = 500))]
    pub title: Option<String>,
    /// Sector (lĩnh vực).
    pub sector: Option<Sector>,
    /// The document it rests on.
    pub legal_basis: Option<ID>,
    /// Article, clause, point of the basis, at most 200 characters.
    #[graphql(validator(max_length = 200))]
    pub legal_basis_article: Option<String>,
    /// Conditions of use, at most 10,000 characters.
    #[graphql(validator(max_length = 10000))]
    pub conditions: Option<String>,
    /// Replaces all the resources stated so far.
    pub resources: Option<ResourcesInput>,
    /// First day in force.
    pub effective_from: Option<Date>,
    /// Last day in force.
    pub effective_to: Option<Date>,
    /// Whether the delegatees may pass it on (never for an AUTHORIZATION).
    pub allow_onward: Option<bool>,
    /// Replaces the receiving units: 1 to 500 distinct ids.
    pub delegatees: Option<Vec<ID>>,
}

/// A mandate to issue.
#[derive(InputObject)]
pub struct IssueMandateInput {
    /// The draft to issue.
    pub id: ID,
}

/// An amendment: a new mandate that supersedes `id` from `effectiveFrom`.
#[derive(InputObject)]
pub struct AmendMandateInput {
    /// The issued mandate to amend; it must be in force on `effectiveFrom`.
    pub id: ID,
    /// Code of the new mandate (2 to 64 letters, digits, `-`, `_`, `.` or
    /// `/`; unique).
    #[graphql(validator(max_length = 64))]
    pub code: String,
    /// The amending document.
    pub legal_basis: ID,
    /// First day of the new mandate, after the amended one's first day;
    /// the amended one ends the day before.
    pub effective_from: Date,
    /// New title, 1 to 500 characters (default: unchanged).
    #[graphql(validator(max_length = 500))]
    pub title: Option<String>,
    /// New article, clause, point of the basis, at most 200 characters
    /// (default: unchanged).
    #[graphql(validator(max_length = 200))]
    pub legal_basis_article: Option<String>,
    /// New conditions of use, at most 10,000 characters (default: unchanged).
    #[graphql(validator(max_length = 10000))]
    pub conditions: Option<String>,
    /// New resources (default: unchanged).
    pub resources: Option<ResourcesInput>,
    /// New last day in force (default: unchanged).
    pub effective_to: Option<Date>,
    /// Whether the delegatees may pass it on (default: unchanged).
    pub allow_onward: Option<bool>,
    /// New receiving units, 1 to 500 distinct ids (default: unchanged).
    pub delegatees: Option<Vec<ID>>,
}

/// A revocation.
#[derive(InputObject)]
pub struct RevokeMandateInput {
    /// The issued mandate to revoke.
    pub id: ID,
    /// The revoking document.
    pub document: ID,
    /// Last day in force: from its first day to before its planned end.
    pub last_day: Date,
}

/// An extension of an authorization.
#[derive(InputObject)]
pub struct ExtendAuthorizationInput {
    /// The authorization (ủy quyền) to extend, in force or scheduled.
    pub id: ID,
    /// New last day, after the current one.
    pub effective_to: Date,
    /// The extending document.
    pub document: ID,
}

/// Carrying a lapsed assignment to successor units.
#[derive(InputObject)]
pub struct TransferAssignmentsInput {
    /// The lapsed assignment (`MandateAssignment.id`) whose delegatee ended.
    pub assignment: ID,
    /// The units that take it over (default: the delegatee's successors
    /// through lineage).
    pub successors: Option<Vec<ID>>,
    /// The document that decides the transfer.
    pub document: ID,
    /// First day for the successors.
    pub effective_from: Date,
}

/// The result of a mutation on a document.
#[derive(SimpleObject)]
pub struct DocumentPayload {
    /// The document registered; null when it was refused.
    pub document: Option<Document>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of a mutation on a mandate.
#[derive(SimpleObject)]
pub struct MandatePayload {
    /// The mandate as changed (for an amendment, the new one); null when
    /// the change was refused.
    pub mandate: Option<Mandate>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

fn mandate_payload(result: AppResult<mandate::Model>) -> async_graphql::Result<MandatePayload> {
    let (m, user_errors) = split(result)?;
    Ok(MandatePayload {
        mandate: m.map(|m| Mandate::new(m, calendar::today())),
        user_errors,
    })
}

fn ids(field: &str, list: &[ID]) -> AppResult<Vec<Uuid>> {
    list.iter()
        .map(|id| decode_id_of(NodeKind::Unit, field, id))
        .collect()
}

fn doc_id(field: &str, id: &ID) -> AppResult<Uuid> {
    decode_id_of(NodeKind::Document, field, id)
}

/// Mutations of mandates and documents (APPROVER over the delegator).
#[derive(Default)]
pub struct MandateMutation;

#[Object]
impl MandateMutation {
    /// Registers a legal document.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn create_document(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document to register.")] input: CreateDocumentInput,
    ) -> async_graphql::Result<DocumentPayload> {
        let viewer = viewer(ctx)?;
        let create = documents::CreateDocument {
            number: input.number,
            doc_type: input.r#type.into(),
            normative: input.normative,
            issuer_unit: input
                .issuer
                .as_ref()
                .map(|id| decode_id_of(NodeKind::Unit, "issuer", id))
                .transpose()?,
            issuer_name: input.issuer_name,
            signer: input.signer,
            signer_capacity: input.signer_capacity.map(Into::into),
            issued_date: input.issued_date.0,
            effective_from: input.effective_from.unwrap_or(input.issued_date).0,
            effective_to: input.effective_to.map(|d| d.0),
        };
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let (doc, user_errors) =
            split(documents::create_document(db, Authority::Viewer(viewer), create).await)?;
        Ok(DocumentPayload {
            document: doc.map(Document),
            user_errors,
        })
    }

    /// Drafts a mandate; rules are checked when it is issued.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn draft_mandate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mandate to draft.")] input: DraftMandateInput,
    ) -> async_graphql::Result<MandatePayload> {
        let viewer = viewer(ctx)?;
        let draft = service::MandateInput {
            code: input.code,
            title: input.title,
            sector: input.sector.into(),
            matter_code: input.matter_code,
            kind: input.kind.into(),
            delegator: decode_id_of(NodeKind::Unit, "delegator", &input.delegator)?,
            delegator_capacity: input.delegator_capacity.into(),
            legal_basis: input
                .legal_basis
                .as_ref()
                .map(|id| doc_id("legalBasis", id))
                .transpose()?,
            legal_basis_article: input.legal_basis_article,
            conditions: input.conditions,
            resources: input.resources.into(),
            effective_from: input.effective_from.0,
            effective_to: input.effective_to.map(|d| d.0),
            allow_onward: input.allow_onward,
            parent: input
                .parent_mandate
                .as_ref()
                .map(|id| decode_id_of(NodeKind::Mandate, "parentMandate", id))
                .transpose()?,
            delegatees: ids("delegatees", &input.delegatees)?,
        };
        let db = ctx.data_unchecked::<DatabaseConnection>();
        mandate_payload(service::draft_mandate(db, Authority::Viewer(viewer), draft).await)
    }

    /// Changes a draft.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn update_draft_mandate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft and the fields to change.")] input: UpdateDraftMandateInput,
    ) -> async_graphql::Result<MandatePayload> {
        let viewer = viewer(ctx)?;
        let id = decode_id_of(NodeKind::Mandate, "id", &input.id)?;
        let patch = service::MandatePatch {
            title: input.title,
            sector: input.sector.map(Into::into),
            legal_basis: input
                .legal_basis
                .as_ref()
                .map(|id| doc_id("legalBasis", id))
                .transpose()?,
            legal_basis_article: input.legal_basis_article,
            conditions: input.conditions,
            resources: input.resources.map(Into::into),
            effective_from: input.effective_from.map(|d| d.0),
            effective_to: input.effective_to.map(|d| d.0),
            allow_onward: input.allow_onward,
            delegatees: input
                .delegatees
                .as_deref()
                .map(|l| ids("delegatees", l))
                .transpose()?,
        };
        let db = ctx.data_unchecked::<DatabaseConnection>();
        mandate_payload(service::update_draft(db, Authority::Viewer(viewer), id, patch).await)
    }

    /// Issues a draft after checking every rule.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn issue_mandate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft to issue.")] input: IssueMandateInput,
    ) -> async_graphql::Result<MandatePayload> {
        let viewer = viewer(ctx)?;
        let id = decode_id_of(NodeKind::Mandate, "id", &input.id)?;
        let db = ctx.data_unchecked::<DatabaseConnection>();
        mandate_payload(service::issue_mandate(db, Authority::Viewer(viewer), id).await)
    }

    /// Issues a new mandate that supersedes an issued one.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn amend_mandate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mandate to amend and the new version.")] input: AmendMandateInput,
    ) -> async_graphql::Result<MandatePayload> {
        let viewer = viewer(ctx)?;
        let id = decode_id_of(NodeKind::Mandate, "id", &input.id)?;
        let amendment = service::Amendment {
            code: input.code,
            legal_basis: doc_id("legalBasis", &input.legal_basis)?,
            effective_from: input.effective_from.0,
            patch: service::MandatePatch {
                title: input.title,
                legal_basis_article: input.legal_basis_article,
                conditions: input.conditions,
                resources: input.resources.map(Into::into),
                effective_to: input.effective_to.map(|d| d.0),
                allow_onward: input.allow_onward,
                delegatees: input
                    .delegatees
                    .as_deref()
                    .map(|l| ids("delegatees", l))
                    .transpose()?,
                ..Default::default()
            },
        };
        let db = ctx.data_unchecked::<DatabaseConnection>();
        mandate_payload(service::amend_mandate(db, Authority::Viewer(viewer), id, amendment).await)
    }

    /// Revokes a mandate (and the onward delegations resting on it).
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn revoke_mandate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mandate, the revoking document and the last day.")]
        input: RevokeMandateInput,
    ) -> async_graphql::Result<MandatePayload> {
        let viewer = viewer(ctx)?;
        let id = decode_id_of(NodeKind::Mandate, "id", &input.id)?;
        let document = doc_id("document", &input.document)?;
        let db = ctx.data_unchecked::<DatabaseConnection>();
        mandate_payload(
            service::revoke_mandate(
                db,
                Authority::Viewer(viewer),
                id,
                document,
                input.last_day.0,
            )
            .await,
        )
    }

    /// Moves an authorization's end date later.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn extend_authorization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The authorization, its new last day and the extending document.")]
        input: ExtendAuthorizationInput,
    ) -> async_graphql::Result<MandatePayload> {
        let viewer = viewer(ctx)?;
        let id = decode_id_of(NodeKind::Mandate, "id", &input.id)?;
        let document = doc_id("document", &input.document)?;
        let db = ctx.data_unchecked::<DatabaseConnection>();
        mandate_payload(
            service::extend_authorization(
                db,
                Authority::Viewer(viewer),
                id,
                input.effective_to.0,
                document,
            )
            .await,
        )
    }

    /// Carries a lapsed assignment to the delegatee's successors.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn transfer_assignments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lapsed assignment, its successors and the deciding document.")]
        input: TransferAssignmentsInput,
    ) -> async_graphql::Result<MandatePayload> {
        let viewer = viewer(ctx)?;
        let assignment =
            decode_id_of(NodeKind::MandateAssignment, "assignment", &input.assignment)?;
        let successors = input
            .successors
            .as_deref()
            .map(|l| ids("successors", l))
            .transpose()?;
        let document = doc_id("document", &input.document)?;
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let result = service::transfer_assignments(
            db,
            Authority::Viewer(viewer),
            assignment,
            successors,
            document,
            input.effective_from.0,
        )
        .await;
        mandate_payload(result)
    }
}

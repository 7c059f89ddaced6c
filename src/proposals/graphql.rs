//! Proposals in GraphQL: the `Proposal` type with its opinions,
//! appraisals and timeline, the `proposals` list, and the mutations of its
//! way from draft to decision.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::role_grant::Role;
use entity::{appraisal, opinion_request, proposal, proposal_event};
use uuid::Uuid;

use super::consult::{self, AppraisalInput, OpinionInput};
use super::read::{self, ProposalFilter};
use super::{decide, service};
use crate::auth::{Authority, RoleGuard, Viewer};
use crate::calendar;
use crate::error::{AppError, AppResult};
use crate::graphql::ContextExt;
use crate::graphql::{Date, DateTime, NodeKind, UserError, decode_id_of, encode_id, split};
use crate::mandates::graphql::{Document, Mandate, Resources, ResourcesInput};
use crate::pagination::{Page, PageInfo, PageRequest, page_complexity};
use crate::units::graphql::{Unit, unit_by_id};

/// What a proposal asks for.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::proposal::ProposalKind")]
pub enum ProposalKind {
    /// Delegate the matters to the target units (phân cấp or ủy quyền mới).
    Delegate,
    /// Amend mandates in force (sửa đổi, bổ sung).
    Amend,
    /// Revoke mandates in force (bãi bỏ, thu hồi).
    Revoke,
}

crate::labels!(ProposalKind {
    Delegate => "Phân cấp, ủy quyền",
    Amend => "Sửa đổi, bổ sung",
    Revoke => "Bãi bỏ, thu hồi",
});

/// Where a proposal stands on its way to a decision.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::proposal::ProposalStatus")]
pub enum ProposalStatus {
    /// Written by the proposing unit, not yet sent.
    Draft,
    /// Sent to the drafting body, awaiting it.
    Submitted,
    /// Sent back to the proposing unit with a reason, to edit and send again.
    Returned,
    /// Taken up by the drafting body: drafting mandates, asking opinions.
    Drafting,
    /// With Sở Tư pháp for appraisal.
    InAppraisal,
    /// Favourably appraised; the drafting body finishes it (hoàn thiện).
    Appraised,
    /// Carried by its Tờ trình to the deciding body.
    AwaitingDecision,
    /// Decided: its mandates are issued, amended or revoked.
    Decided,
    /// Refused for good, with a reason.
    Rejected,
    /// Withdrawn by the proposing unit, with a reason.
    Withdrawn,
}

crate::labels!(ProposalStatus {
    Draft => "Đang soạn",
    Submitted => "Đã gửi",
    Returned => "Bị trả lại",
    Drafting => "Đang xây dựng dự thảo",
    InAppraisal => "Đang thẩm định",
    Appraised => "Đã thẩm định",
    AwaitingDecision => "Đã trình, chờ quyết định",
    Decided => "Đã quyết định",
    Rejected => "Không chấp thuận",
    Withdrawn => "Đã rút",
});

/// A body's answer to a request for its opinion.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::opinion_request::OpinionAnswer")]
pub enum OpinionAnswer {
    /// Nhất trí.
    Agree,
    /// Nhất trí, with the changes the text says.
    AgreeWithChanges,
    /// Không nhất trí, for the reasons the text says.
    Disagree,
}

crate::labels!(OpinionAnswer {
    Agree => "Nhất trí",
    AgreeWithChanges => "Nhất trí, có đề nghị chỉnh sửa",
    Disagree => "Không nhất trí",
});

/// Sở Tư pháp's conclusion on the drafts.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::appraisal::Conclusion")]
pub enum AppraisalConclusion {
    /// Đủ điều kiện trình.
    Eligible,
    /// Đủ điều kiện trình sau khi tiếp thu, chỉnh lý.
    EligibleAfterChanges,
    /// Chưa đủ điều kiện trình: back to the drafting body.
    NotEligible,
}

crate::labels!(AppraisalConclusion {
    Eligible => "Đủ điều kiện trình",
    EligibleAfterChanges => "Đủ điều kiện trình sau khi tiếp thu, chỉnh lý",
    NotEligible => "Chưa đủ điều kiện trình",
});

/// A proposal (đề xuất) to delegate, amend or revoke, on its way from the
/// proposing unit through the drafting body, opinions and Sở Tư pháp's
/// appraisal to the decision.
pub struct Proposal(pub proposal::Model);

/// A proposal (đề xuất) to delegate, amend or revoke, on its way from the
/// proposing unit through the drafting body, opinions and Sở Tư pháp's
/// appraisal to the decision.
#[Object]
impl Proposal {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::Proposal, self.0.id)
    }

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.0.id).await?)
    }

    /// Delegate, amend or revoke.
    async fn kind(&self) -> ProposalKind {
        self.0.kind.into()
    }

    /// Trích yếu.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Where it stands.
    async fn status(&self) -> ProposalStatus {
        self.0.status.into()
    }

    /// Incremented by every change; pass it back to edit or submit.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The unit that proposes.
    async fn proposing_unit(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.proposing_unit_id, None).await
    }

    /// The body that drafts the decision (cơ quan tham mưu).
    async fn drafting_unit(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.drafting_unit_id, None).await
    }

    /// Why (sự cần thiết, cơ sở thực tiễn).
    async fn justification(&self) -> &str {
        &self.0.justification
    }

    /// The catalogued matters it is about.
    async fn matter_codes(&self) -> Vec<String> {
        service::list(&self.0.matter_codes)
    }

    /// The units that would receive the matters.
    async fn targets(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Unit>> {
        let mut out = Vec::new();
        for id in service::ids(&self.0.target_unit_ids) {
            out.push(unit_by_id(ctx, id, None).await?);
        }
        Ok(out)
    }

    /// The mandates in force an amendment or revocation concerns.
    async fn concerned_mandates(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Mandate>> {
        Ok(mandates(ctx, &service::ids(&self.0.concerned_mandate_ids)).await?)
    }

    /// Documents attached (reports, letters, studies).
    async fn attachments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Document>> {
        Ok(documents(ctx, &service::ids(&self.0.attachment_ids)).await?)
    }

    /// The legal basis it rests on; null when none is cited.
    async fn legal_basis(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Document>> {
        Ok(documents(ctx, self.0.legal_basis_id.as_slice())
            .await?
            .pop())
    }

    /// Article, clause, point of the basis; null when not given.
    async fn legal_basis_article(&self) -> Option<&str> {
        self.0.legal_basis_article.as_deref()
    }

    /// Resources that would go with the matters, or why none.
    async fn resources(&self) -> Resources {
        Resources {
            budget_vnd: self.0.resource_budget_vnd,
            staff: self.0.resource_staff,
            facilities: self.0.resource_facilities.clone(),
            none_reason: self.0.resource_none_reason.clone(),
        }
    }

    /// The decision is a resolution of HĐND tỉnh (budget phân cấp).
    async fn requires_resolution(&self) -> bool {
        self.0.requires_resolution
    }

    /// The mandates drafted from it (drafts until the decision issues
    /// them), those the caller may see: a draft within their grants over
    /// its delegator, as `mandate(id:)`.
    async fn mandates(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Mandate>> {
        let drafts = service::drafts_of(ctx.db(), self.0.id).await?;
        let ids: Vec<Uuid> = drafts.iter().map(|m| m.id).collect();
        Ok(mandates(ctx, &ids).await?)
    }

    /// The opinions asked, in the order asked.
    async fn opinions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OpinionRequest>> {
        let list = read::opinions(ctx.db(), self.0.id).await?;
        Ok(list.into_iter().map(OpinionRequest).collect())
    }

    /// Sở Tư pháp's appraisals, oldest first; the last one counts.
    async fn appraisals(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Appraisal>> {
        let list = read::appraisals(ctx.db(), self.0.id).await?;
        Ok(list.into_iter().map(Appraisal).collect())
    }

    /// The Tờ trình that carried it to the deciding body; null before.
    async fn submission(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Document>> {
        Ok(documents(ctx, self.0.submission_document_id.as_slice())
            .await?
            .pop())
    }

    /// The decision (QĐ of UBND, or NQ of HĐND); null before it is decided.
    async fn decision(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Document>> {
        Ok(documents(ctx, self.0.decision_document_id.as_slice())
            .await?
            .pop())
    }

    /// The annual evaluation it was opened from (proposeFromEvaluation),
    /// if the caller may read it.
    async fn evaluation(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::evaluations::graphql::Evaluation>> {
        match self.0.evaluation_id {
            // Those who read the proposal but not the evaluation get null.
            Some(id) => match crate::evaluations::graphql::evaluation_node(ctx, id).await {
                Err(AppError::Forbidden) => Ok(None),
                found => Ok(found?),
            },
            None => Ok(None),
        }
    }

    /// The inspection finding it was opened from (proposeFromFinding), if
    /// the caller may read it.
    async fn inspection_finding(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::inspections::graphql::InspectionFinding>> {
        crate::inspections::graphql::finding_of_proposal(ctx, self.0.inspection_finding_id).await
    }

    /// The day the decision was issued (or the resolution adopted).
    async fn decided_on(&self) -> Option<Date> {
        self.0.decided_on.map(Date)
    }

    /// Every step of its way, oldest first, with who, when and why.
    async fn timeline(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProposalEvent>> {
        let list = read::timeline(ctx.db(), self.0.id).await?;
        Ok(list.into_iter().map(ProposalEvent).collect())
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// What the caller may do with it now.
    async fn viewer_can(&self, ctx: &Context<'_>) -> async_graphql::Result<ProposalViewerCan> {
        let a = read::viewer_can(ctx.db(), ctx.viewer(), &self.0).await?;
        Ok(ProposalViewerCan {
            edit: a.edit,
            submit: a.submit,
            withdraw: a.withdraw,
            take_up: a.take_up,
            send_back: a.send_back,
            reject: a.reject,
            draft_mandates: a.draft_mandates,
            request_opinions: a.request_opinions,
            request_appraisal: a.request_appraisal,
            appraise: a.appraise,
            submit_for_decision: a.submit_for_decision,
            decide: a.decide,
        })
    }
}

/// The mandates `ids` the caller may see as `mandate(id:)` would show
/// them (a draft only within the caller's grants over its delegator),
/// in order; the others are left out.
async fn mandates(ctx: &Context<'_>, ids: &[Uuid]) -> AppResult<Vec<Mandate>> {
    let today = calendar::today();
    let mut out = Vec::new();
    for id in ids {
        let m = crate::mandates::service::existing(ctx.db(), *id).await?;
        let delegator = crate::units::service::existing(ctx.db(), m.delegator_unit_id).await?;
        if crate::mandates::service::can_see(ctx.viewer(), &m, &delegator, today)
            || read::drafting_body_sees(ctx.db(), ctx.viewer(), &m).await?
        {
            out.push(Mandate::new(m, today));
        }
    }
    Ok(out)
}

async fn documents(ctx: &Context<'_>, ids: &[Uuid]) -> AppResult<Vec<Document>> {
    let mut docs = crate::mandates::service::documents_by_id(ctx.db(), ids).await?;
    docs.sort_by_key(|d| ids.iter().position(|i| *i == d.id));
    Ok(docs.into_iter().map(Document).collect())
}

/// What the caller may do with a proposal now; each is checked again
/// when done.
#[derive(SimpleObject)]
pub struct ProposalViewerCan {
    /// updateProposal (REPORTER of the proposing unit).
    pub edit: bool,
    /// submitProposal (APPROVER of the proposing unit).
    pub submit: bool,
    /// withdrawProposal (APPROVER of the proposing unit).
    pub withdraw: bool,
    /// takeUpProposal (APPROVER of the drafting body).
    pub take_up: bool,
    /// returnProposal at this stage.
    pub send_back: bool,
    /// rejectProposal at this stage.
    pub reject: bool,
    /// draftMandate with this proposal (the drafting body).
    pub draft_mandates: bool,
    /// requestOpinions (APPROVER of the drafting body).
    pub request_opinions: bool,
    /// requestAppraisal (APPROVER of the drafting body).
    pub request_appraisal: bool,
    /// appraiseProposal (LEGAL_REVIEWER, Sở Tư pháp).
    pub appraise: bool,
    /// submitForDecision (APPROVER of the drafting body).
    pub submit_for_decision: bool,
    /// decideProposal (APPROVER of the deciding body).
    pub decide: bool,
}

/// A request for a body's opinion on a proposal, and its answer.
pub struct OpinionRequest(pub opinion_request::Model);

/// A request for a body's opinion on a proposal, and its answer.
#[Object]
impl OpinionRequest {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::OpinionRequest, self.0.id)
    }

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.0.id).await?)
    }

    /// The body asked.
    async fn body(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.body_unit_id, None).await
    }

    /// When it was asked.
    async fn requested_at(&self) -> DateTime {
        DateTime(self.0.requested_at)
    }

    /// Working days given to answer.
    async fn working_days(&self) -> i32 {
        self.0.working_days
    }

    /// The last day to answer, by the working-day calendar.
    async fn due_on(&self) -> Date {
        Date(self.0.due_on)
    }

    /// The answer; null until it is given.
    async fn answer(&self) -> Option<OpinionAnswer> {
        self.0.answer.map(Into::into)
    }

    /// What the body said; null when it said nothing beyond agreeing.
    async fn text(&self) -> Option<&str> {
        self.0.text.as_deref()
    }

    /// The letter carrying the opinion; null when none is registered.
    async fn document(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Document>> {
        Ok(documents(ctx, self.0.document_id.as_slice()).await?.pop())
    }

    /// Who answered (username); null until then, or from the command line.
    async fn answered_by(&self) -> Option<&str> {
        self.0.answered_by.as_deref()
    }

    /// When it was answered; null until then.
    async fn answered_at(&self) -> Option<DateTime> {
        self.0.answered_at.map(DateTime)
    }

    /// Answered after its due day, or unanswered past it.
    async fn late(&self) -> bool {
        let due_end = self.0.due_on;
        match self.0.answered_at {
            Some(at) => calendar::day_of(at) > due_end,
            None => calendar::today() > due_end,
        }
    }
}

/// Sở Tư pháp's appraisal (thẩm định) of the drafts.
pub struct Appraisal(pub appraisal::Model);

/// Sở Tư pháp's appraisal (thẩm định) of the drafts.
#[Object]
impl Appraisal {
    /// The appraisal report (báo cáo thẩm định, "…/BCTĐ-STP").
    async fn report(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Document>> {
        Ok(documents(ctx, &[self.0.report_document_id]).await?.pop())
    }

    /// The conclusion.
    async fn conclusion(&self) -> AppraisalConclusion {
        self.0.conclusion.into()
    }

    /// Whether it lets the drafts go on to the decision.
    async fn favourable(&self) -> bool {
        self.0.conclusion.favourable()
    }

    /// The appraiser's summary; null when none.
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }

    /// When it was recorded.
    async fn appraised_at(&self) -> DateTime {
        DateTime(self.0.appraised_at)
    }

    /// The drafts it covered that the caller may see, each with the
    /// appraiser's note.
    async fn notes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AppraisalNote>> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let rows = entity::appraisal_mandate::Entity::find()
            .filter(entity::appraisal_mandate::Column::AppraisalId.eq(self.0.id))
            .all(ctx.db())
            .await
            .map_err(AppError::from)?;
        let mut notes = Vec::new();
        for row in rows {
            if let Some(mandate) = mandates(ctx, &[row.mandate_id]).await?.pop() {
                notes.push(AppraisalNote {
                    mandate,
                    note: row.note,
                });
            }
        }
        Ok(notes)
    }
}

/// A draft an appraisal covered, with the appraiser's note.
#[derive(SimpleObject)]
pub struct AppraisalNote {
    /// The draft mandate.
    pub mandate: Mandate,
    /// The note on it; null when none.
    pub note: Option<String>,
}

/// One step of a proposal's way.
pub struct ProposalEvent(pub proposal_event::Model);

/// One step of a proposal's way.
#[Object]
impl ProposalEvent {
    /// When.
    async fn at(&self) -> DateTime {
        DateTime(self.0.at)
    }

    /// The mutation that made it, e.g. "submitProposal".
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// The status before; null for the creation.
    async fn from_status(&self) -> Option<ProposalStatus> {
        self.0.from_status.map(Into::into)
    }

    /// The status after.
    async fn to_status(&self) -> ProposalStatus {
        self.0.to_status.into()
    }

    /// Who (username); null for the command line.
    async fn actor(&self) -> Option<&str> {
        self.0.actor.as_deref()
    }

    /// The unit the actor acted for.
    async fn unit(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Unit>> {
        match self.0.unit_id {
            Some(id) => Ok(Some(unit_by_id(ctx, id, None).await?)),
            None => Ok(None),
        }
    }

    /// The reason of a return, rejection or withdrawal; what was asked,
    /// answered or registered for the other steps.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
}

/// A page of proposals (Relay connection), oldest first.
pub struct ProposalConnection(Page<proposal::Model>);

/// A page of proposals (Relay connection), oldest first.
#[Object]
impl ProposalConnection {
    /// The proposals of this page with their cursors.
    async fn edges(&self) -> Vec<ProposalEdge> {
        self.0
            .items
            .iter()
            .map(|p| ProposalEdge {
                cursor: read::cursor(p).encode(),
                node: Proposal(p.clone()),
            })
            .collect()
    }

    /// The proposals of this page.
    async fn nodes(&self) -> Vec<Proposal> {
        self.0.items.iter().cloned().map(Proposal).collect()
    }

    /// Paging information.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.0, read::cursor)
    }
}

/// A proposal with its cursor.
#[derive(SimpleObject)]
pub struct ProposalEdge {
    /// Pass as `after` or `before` to page from here.
    cursor: String,
    /// The proposal.
    node: Proposal,
}

/// What `proposals` returns.
#[derive(InputObject, Default)]
pub struct ProposalFilterInput {
    /// Only these statuses.
    #[graphql(default)]
    pub statuses: Vec<ProposalStatus>,
    /// Only those still open (not decided, rejected or withdrawn).
    #[graphql(default)]
    pub open: bool,
    /// Only this kind.
    pub kind: Option<ProposalKind>,
    /// Only those of this proposing unit.
    pub proposing_unit: Option<ID>,
    /// Only those with this drafting body.
    pub drafting_unit: Option<ID>,
    /// Only those about this matter code.
    #[graphql(validator(max_length = 64))]
    pub matter_code: Option<String>,
    /// Words of the title or justification, ignoring case and diacritics.
    #[graphql(validator(max_length = 100))]
    pub search: Option<String>,
}

/// Reading proposals.
#[derive(Default)]
pub struct ProposalQuery;

#[Object]
impl ProposalQuery {
    /// Proposals the caller may read (their unit proposes, drafts, or was
    /// asked an opinion, within their grants), oldest first.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn proposals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to return.")] filter: Option<ProposalFilterInput>,
        #[graphql(desc = "Page size from the start, 0 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to page forward from.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to page backward from.")] before: Option<String>,
    ) -> async_graphql::Result<ProposalConnection> {
        let page = PageRequest::parse(first, after.as_deref(), last, before.as_deref())?;
        let f = filter.unwrap_or_default();
        let unit = |field: &str, id: &Option<ID>| {
            id.as_ref()
                .map(|id| decode_id_of(NodeKind::Unit, field, id))
                .transpose()
        };
        let query = ProposalFilter {
            statuses: f.statuses.into_iter().map(Into::into).collect(),
            kind: f.kind.map(Into::into),
            proposing_unit: unit("proposingUnit", &f.proposing_unit)?,
            drafting_unit: unit("draftingUnit", &f.drafting_unit)?,
            matter_code: crate::text::checked_opt("matterCode", &f.matter_code, 64)?,
            search: crate::text::checked_opt("search", &f.search, 100)?,
            open: f.open,
        };
        let found = read::list(ctx.db(), ctx.viewer(), &query, &page).await?;
        Ok(ProposalConnection(found))
    }

    /// A province's delegation policy (the defaults when it set none).
    async fn delegation_policy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The province.")] province: ID,
    ) -> async_graphql::Result<DelegationPolicy> {
        let id = decode_id_of(NodeKind::Unit, "province", &province)?;
        Ok(DelegationPolicy(consult::policy(ctx.db(), id).await?))
    }
}

/// The proposal `id` names, if the caller may read it.
pub async fn proposal_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Proposal>> {
    Ok(read::proposal_for(ctx.db(), ctx.viewer(), id)
        .await?
        .map(Proposal))
}

/// The opinion request `id` names, if the caller may read its proposal.
pub async fn opinion_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<OpinionRequest>> {
    use sea_orm::EntityTrait;
    let Some(r) = opinion_request::Entity::find_by_id(id)
        .one(ctx.db())
        .await?
    else {
        return Ok(None);
    };
    let readable = read::proposal_for(ctx.db(), ctx.viewer(), r.proposal_id).await?;
    Ok(readable.map(|_| OpinionRequest(r)))
}

/// What a province decided about its way to decisions.
pub struct DelegationPolicy(entity::delegation_policy::Model);

/// What a province decided about its way to decisions.
#[Object]
impl DelegationPolicy {
    /// The province.
    async fn province(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.province_unit_id, None).await
    }

    /// Authorizations (ủy quyền) need Sở Tư pháp's favourable appraisal
    /// too; decentralizations always do.
    async fn authorizations_need_appraisal(&self) -> bool {
        self.0.authorizations_need_appraisal
    }
}

/// A new proposal.
#[derive(InputObject)]
pub struct CreateProposalInput {
    /// Delegate, amend or revoke.
    pub kind: ProposalKind,
    /// Trích yếu, 1 to 500 characters.
    #[graphql(validator(max_length = 500))]
    pub title: String,
    /// The unit that proposes; you need REPORTER over it.
    pub proposing_unit: ID,
    /// The sở of the province that drafts the decision (cơ quan tham
    /// mưu): usually the sở of the sector, Sở Nội vụ for plans across
    /// sectors (INVALID_DRAFTING_BODY).
    pub drafting_unit: ID,
    /// Why, at most 20,000 characters; required to submit.
    #[graphql(validator(max_length = 20000))]
    pub justification: String,
    /// Catalogued matter codes, at most 500 (UNKNOWN_MATTER).
    #[graphql(default, validator(list, max_length = 64))]
    pub matter_codes: Vec<String>,
    /// Units that would receive the matters (a delegation), at most 500.
    #[graphql(default)]
    pub targets: Vec<ID>,
    /// Issued mandates an amendment or revocation concerns, at most 500.
    #[graphql(default)]
    pub concerned_mandates: Vec<ID>,
    /// Registered documents attached, at most 500.
    #[graphql(default)]
    pub attachments: Vec<ID>,
    /// The legal basis.
    pub legal_basis: Option<ID>,
    /// Article, clause, point of the basis, at most 200 characters.
    #[graphql(validator(max_length = 200))]
    pub legal_basis_article: Option<String>,
    /// Budget, staff, facilities, or why none (required to submit, R13).
    #[graphql(default)]
    pub resources: ResourcesInput,
    /// The decision is a resolution of HĐND tỉnh (budget phân cấp).
    #[graphql(default)]
    pub requires_resolution: bool,
}

/// Changes to a proposal in DRAFT or RETURNED; omitted fields keep their
/// value.
#[derive(InputObject)]
pub struct UpdateProposalInput {
    /// The proposal.
    pub id: ID,
    /// The version read (CONFLICT when it moved).
    pub version: i32,
    /// Trích yếu.
    #[graphql(validator(max_length = 500))]
    pub title: Option<String>,
    /// The drafting body.
    pub drafting_unit: Option<ID>,
    /// Why.
    #[graphql(validator(max_length = 20000))]
    pub justification: Option<String>,
    /// Matter codes (replaces the list).
    #[graphql(validator(list, max_length = 64))]
    pub matter_codes: Option<Vec<String>>,
    /// Target units (replaces the list).
    pub targets: Option<Vec<ID>>,
    /// Concerned mandates (replaces the list).
    pub concerned_mandates: Option<Vec<ID>>,
    /// Attached documents (replaces the list).
    pub attachments: Option<Vec<ID>>,
    /// The legal basis.
    pub legal_basis: Option<ID>,
    /// Article, clause, point of the basis.
    #[graphql(validator(max_length = 200))]
    pub legal_basis_article: Option<String>,
    /// Resources (replaces them).
    pub resources: Option<ResourcesInput>,
    /// The decision is a resolution of HĐND tỉnh.
    pub requires_resolution: Option<bool>,
}

fn unit_ids(field: &str, list: &[ID]) -> AppResult<Vec<Uuid>> {
    list.iter()
        .map(|id| decode_id_of(NodeKind::Unit, field, id))
        .collect()
}

fn mandate_ids(field: &str, list: &[ID]) -> AppResult<Vec<Uuid>> {
    list.iter()
        .map(|id| decode_id_of(NodeKind::Mandate, field, id))
        .collect()
}

fn doc_ids(field: &str, list: &[ID]) -> AppResult<Vec<Uuid>> {
    list.iter()
        .map(|id| decode_id_of(NodeKind::Document, field, id))
        .collect()
}

fn doc(field: &str, id: &Option<ID>) -> AppResult<Option<Uuid>> {
    id.as_ref()
        .map(|id| decode_id_of(NodeKind::Document, field, id))
        .transpose()
}

fn proposal_id(id: &ID) -> AppResult<Uuid> {
    decode_id_of(NodeKind::Proposal, "id", id)
}

/// The result of a mutation on a proposal.
#[derive(SimpleObject)]
pub struct ProposalPayload {
    /// The proposal as it now is; null when refused.
    pub proposal: Option<Proposal>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The payload of a change that gives a proposal.
pub(crate) fn payload(
    result: AppResult<proposal::Model>,
) -> async_graphql::Result<ProposalPayload> {
    let (p, user_errors) = split(result)?;
    Ok(ProposalPayload {
        proposal: p.map(Proposal),
        user_errors,
    })
}

/// An evaluation to open a proposal from.
#[derive(InputObject)]
pub struct ProposeFromEvaluationInput {
    /// The evaluation recommending AMEND or REVOKE.
    pub evaluation: ID,
    /// The sở that drafts the decision (cơ quan tham mưu), usually the
    /// sở of the mandate's sector.
    pub drafting_unit: ID,
}

/// A proposal and a reason.
#[derive(InputObject)]
pub struct ProposalReasonInput {
    /// The proposal.
    pub id: ID,
    /// Why, 1 to 5,000 characters (REASON_REQUIRED).
    #[graphql(validator(max_length = 5000))]
    pub reason: String,
}

/// A proposal at a version.
#[derive(InputObject)]
pub struct SubmitProposalInput {
    /// The proposal.
    pub id: ID,
    /// The version read (CONFLICT when it moved).
    pub version: i32,
}

/// Bodies asked for their opinion.
#[derive(InputObject)]
pub struct RequestOpinionsInput {
    /// The proposal.
    pub id: ID,
    /// The bodies asked, 1 to 50 units of the province.
    pub bodies: Vec<ID>,
    /// Working days to answer, 1 to 30 (default 7).
    #[graphql(default = 7)]
    pub working_days: i32,
}

/// The result of `requestOpinions`.
#[derive(SimpleObject)]
pub struct RequestOpinionsPayload {
    /// The proposal as it now is; null when refused.
    pub proposal: Option<Proposal>,
    /// The requests made.
    pub opinions: Vec<OpinionRequest>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// A body's answer.
#[derive(InputObject)]
pub struct AnswerOpinionInput {
    /// The request answered.
    pub request: ID,
    /// Agree, agree with changes, or disagree.
    pub answer: OpinionAnswer,
    /// What and why, at most 20,000 characters; required unless AGREE.
    #[graphql(validator(max_length = 20000))]
    pub text: Option<String>,
    /// The body's letter carrying the opinion, registered.
    pub document: Option<ID>,
}

/// The result of `answerOpinion`.
#[derive(SimpleObject)]
pub struct OpinionPayload {
    /// The request with its answer; null when refused.
    pub opinion: Option<OpinionRequest>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// A note on one draft.
#[derive(InputObject)]
pub struct AppraisalNoteInput {
    /// The draft mandate.
    pub mandate: ID,
    /// The note, 1 to 5,000 characters.
    #[graphql(validator(max_length = 5000))]
    pub note: String,
}

/// Sở Tư pháp's appraisal of a proposal in appraisal.
#[derive(InputObject)]
pub struct AppraiseProposalInput {
    /// The proposal.
    pub id: ID,
    /// The appraisal report, a registered BC of the province's Sở Tư pháp
    /// numbered "…/BCTĐ-STP" (NOT_APPRAISAL_REPORT).
    pub report: ID,
    /// The conclusion.
    pub conclusion: AppraisalConclusion,
    /// A summary, at most 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub summary: Option<String>,
    /// Notes on single drafts of the proposal.
    #[graphql(default)]
    pub notes: Vec<AppraisalNoteInput>,
}

/// The appraisal of drafts prepared outside a proposal.
#[derive(InputObject)]
pub struct RecordAppraisalInput {
    /// The draft mandates appraised (not drafts of a proposal), 1 to 500.
    pub mandates: Vec<ID>,
    /// The appraisal report, as for `appraiseProposal`.
    pub report: ID,
    /// The conclusion.
    pub conclusion: AppraisalConclusion,
    /// A summary, at most 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub summary: Option<String>,
    /// Notes on single drafts.
    #[graphql(default)]
    pub notes: Vec<AppraisalNoteInput>,
}

fn appraisal_input(
    report: &ID,
    conclusion: AppraisalConclusion,
    summary: Option<String>,
    notes: Vec<AppraisalNoteInput>,
) -> AppResult<AppraisalInput> {
    Ok(AppraisalInput {
        report: decode_id_of(NodeKind::Document, "report", report)?,
        conclusion: conclusion.into(),
        summary,
        notes: notes
            .into_iter()
            .map(|n| {
                Ok((
                    decode_id_of(NodeKind::Mandate, "notes", &n.mandate)?,
                    n.note,
                ))
            })
            .collect::<AppResult<_>>()?,
    })
}

/// The result of an appraisal.
#[derive(SimpleObject)]
pub struct AppraisalPayload {
    /// The appraisal; null when refused.
    pub appraisal: Option<Appraisal>,
    /// The proposal as it now is (null for drafts outside a proposal).
    pub proposal: Option<Proposal>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// A proposal and a registered document.
#[derive(InputObject)]
pub struct ProposalDocumentInput {
    /// The proposal.
    pub id: ID,
    /// The document: the Tờ trình for `submitForDecision`, the decision
    /// for `decideProposal`.
    pub document: ID,
}

/// The result of `decideProposal`.
#[derive(SimpleObject)]
pub struct DecisionPayload {
    /// The proposal, DECIDED; null when refused.
    pub proposal: Option<Proposal>,
    /// The mandates issued (or revoked) by the decision.
    pub mandates: Vec<Mandate>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// A province's policy.
#[derive(InputObject)]
pub struct DelegationPolicyInput {
    /// The province; you need ADMIN over it.
    pub province: ID,
    /// Authorizations need a favourable appraisal too.
    pub authorizations_need_appraisal: bool,
}

/// The result of `setDelegationPolicy`.
#[derive(SimpleObject)]
pub struct DelegationPolicyPayload {
    /// The policy; null when refused.
    pub policy: Option<DelegationPolicy>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The way of a proposal: each mutation checks the caller's role at the
/// stage (see each one).
#[derive(Default)]
pub struct ProposalMutation;

fn by(viewer: &Viewer) -> Authority<'_> {
    Authority::Viewer(viewer)
}

#[Object]
impl ProposalMutation {
    /// Writes a new proposal (DRAFT): REPORTER of the proposing unit.
    #[graphql(guard = "RoleGuard(&[Role::Reporter])")]
    async fn create_proposal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal.")] input: CreateProposalInput,
    ) -> async_graphql::Result<ProposalPayload> {
        let viewer = ctx.signed_in()?;
        let parsed = service::ProposalInput {
            kind: input.kind.into(),
            title: input.title,
            proposing_unit: decode_id_of(NodeKind::Unit, "proposingUnit", &input.proposing_unit)?,
            drafting_unit: decode_id_of(NodeKind::Unit, "draftingUnit", &input.drafting_unit)?,
            justification: input.justification,
            matter_codes: input.matter_codes,
            targets: unit_ids("targets", &input.targets)?,
            concerned_mandates: mandate_ids("concernedMandates", &input.concerned_mandates)?,
            attachments: doc_ids("attachments", &input.attachments)?,
            legal_basis: doc("legalBasis", &input.legal_basis)?,
            legal_basis_article: input.legal_basis_article,
            resources: input.resources.into(),
            requires_resolution: input.requires_resolution,
            evaluation: None,
            inspection_finding: None,
        };
        payload(service::create_proposal(ctx.db(), by(viewer), parsed).await)
    }

    /// Edits a proposal in DRAFT or RETURNED: REPORTER of the proposing
    /// unit.
    #[graphql(guard = "RoleGuard(&[Role::Reporter])")]
    async fn update_proposal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal, its version and the changes.")] input: UpdateProposalInput,
    ) -> async_graphql::Result<ProposalPayload> {
        let viewer = ctx.signed_in()?;
        let id = proposal_id(&input.id)?;
        let patch = service::ProposalPatch {
            title: input.title,
            drafting_unit: input
                .drafting_unit
                .as_ref()
                .map(|id| decode_id_of(NodeKind::Unit, "draftingUnit", id))
                .transpose()?,
            justification: input.justification,
            matter_codes: input.matter_codes,
            targets: input
                .targets
                .as_deref()
                .map(|l| unit_ids("targets", l))
                .transpose()?,
            concerned_mandates: input
                .concerned_mandates
                .as_deref()
                .map(|l| mandate_ids("concernedMandates", l))
                .transpose()?,
            attachments: input
                .attachments
                .as_deref()
                .map(|l| doc_ids("attachments", l))
                .transpose()?,
            legal_basis: doc("legalBasis", &input.legal_basis)?,
            legal_basis_article: input.legal_basis_article,
            resources: input.resources.map(Into::into),
            requires_resolution: input.requires_resolution,
        };
        let db = ctx.db();
        payload(service::update_proposal(db, by(viewer), id, input.version, patch).await)
    }

    /// Opens in one step the proposal an annual evaluation recommends
    /// (AMEND or REVOKE): a DRAFT of the holder unit (its REPORTER) about
    /// the evaluated mandate, with the evaluation's reasons.
    #[graphql(guard = "RoleGuard(&[Role::Reporter])")]
    async fn propose_from_evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The evaluation and the drafting body.")]
        input: ProposeFromEvaluationInput,
    ) -> async_graphql::Result<ProposalPayload> {
        let viewer = ctx.signed_in()?;
        let evaluation = decode_id_of(NodeKind::Evaluation, "evaluation", &input.evaluation)?;
        let drafting = decode_id_of(NodeKind::Unit, "draftingUnit", &input.drafting_unit)?;
        let db = ctx.db();
        payload(service::propose_from_evaluation(db, by(viewer), evaluation, drafting).await)
    }

    /// Sends a proposal to its drafting body: APPROVER of the proposing
    /// unit, once complete.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn submit_proposal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal and its version.")] input: SubmitProposalInput,
    ) -> async_graphql::Result<ProposalPayload> {
        let viewer = ctx.signed_in()?;
        let id = proposal_id(&input.id)?;
        payload(service::submit_proposal(ctx.db(), by(viewer), id, input.version).await)
    }

    /// Withdraws a proposal before its decision: APPROVER of the proposing
    /// unit, with a reason.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn withdraw_proposal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal and why.")] input: ProposalReasonInput,
    ) -> async_graphql::Result<ProposalPayload> {
        let viewer = ctx.signed_in()?;
        let id = proposal_id(&input.id)?;
        payload(service::withdraw_proposal(ctx.db(), by(viewer), id, &input.reason).await)
    }

    /// The drafting body takes a submitted proposal up (DRAFTING):
    /// APPROVER of the drafting body.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn take_up_proposal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal.")] id: ID,
    ) -> async_graphql::Result<ProposalPayload> {
        let viewer = ctx.signed_in()?;
        let id = proposal_id(&id)?;
        payload(service::take_up_proposal(ctx.db(), by(viewer), id).await)
    }

    /// Sends a proposal back a step with a reason: a submitted one to its
    /// unit (APPROVER of the drafting body), one in appraisal to the
    /// drafting body (LEGAL_REVIEWER), one awaiting the decision to the
    /// drafting body (APPROVER of the deciding body).
    #[graphql(guard = "RoleGuard(&[Role::Approver, Role::LegalReviewer])")]
    async fn return_proposal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal and why.")] input: ProposalReasonInput,
    ) -> async_graphql::Result<ProposalPayload> {
        let viewer = ctx.signed_in()?;
        let id = proposal_id(&input.id)?;
        payload(service::return_proposal(ctx.db(), by(viewer), id, &input.reason).await)
    }

    /// Refuses a proposal for good with a reason: APPROVER of the drafting
    /// body when submitted to it, of the deciding body when awaiting its
    /// decision.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn reject_proposal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal and why.")] input: ProposalReasonInput,
    ) -> async_graphql::Result<ProposalPayload> {
        let viewer = ctx.signed_in()?;
        let id = proposal_id(&input.id)?;
        payload(service::reject_proposal(ctx.db(), by(viewer), id, &input.reason).await)
    }

    /// Asks bodies for their opinion within working days: APPROVER of the
    /// drafting body, while DRAFTING or APPRAISED.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn request_opinions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal, the bodies and the time to answer.")]
        input: RequestOpinionsInput,
    ) -> async_graphql::Result<RequestOpinionsPayload> {
        let viewer = ctx.signed_in()?;
        let id = proposal_id(&input.id)?;
        let bodies = unit_ids("bodies", &input.bodies)?;
        let result =
            consult::request_opinions(ctx.db(), by(viewer), id, &bodies, input.working_days).await;
        let (done, user_errors) = split(result)?;
        let (proposal, opinions) = done.unzip();
        Ok(RequestOpinionsPayload {
            proposal: proposal.map(Proposal),
            opinions: opinions
                .unwrap_or_default()
                .into_iter()
                .map(OpinionRequest)
                .collect(),
            user_errors,
        })
    }

    /// Answers a request for an opinion: APPROVER of the body asked, once.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn answer_opinion(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request and the answer.")] input: AnswerOpinionInput,
    ) -> async_graphql::Result<OpinionPayload> {
        let viewer = ctx.signed_in()?;
        let request = decode_id_of(NodeKind::OpinionRequest, "request", &input.request)?;
        let answer = OpinionInput {
            answer: input.answer.into(),
            text: input.text,
            document: doc("document", &input.document)?,
        };
        let result = consult::answer_opinion(ctx.db(), by(viewer), request, answer).await;
        let (opinion, user_errors) = split(result)?;
        Ok(OpinionPayload {
            opinion: opinion.map(OpinionRequest),
            user_errors,
        })
    }

    /// Sends a proposal to Sở Tư pháp for appraisal: APPROVER of the
    /// drafting body, from DRAFTING, with its drafts made and the opinions
    /// in (OPINIONS_PENDING, FINANCE_OPINION_REQUIRED, NO_DRAFT_MANDATES).
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn request_appraisal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal.")] id: ID,
    ) -> async_graphql::Result<ProposalPayload> {
        let viewer = ctx.signed_in()?;
        let id = proposal_id(&id)?;
        payload(consult::request_appraisal(ctx.db(), by(viewer), id).await)
    }

    /// Appraises a proposal in appraisal: LEGAL_REVIEWER (Sở Tư pháp). A
    /// favourable conclusion makes it APPRAISED, NOT_ELIGIBLE sends it back
    /// to DRAFTING.
    #[graphql(guard = "RoleGuard(&[Role::LegalReviewer])")]
    async fn appraise_proposal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal and the appraisal.")] input: AppraiseProposalInput,
    ) -> async_graphql::Result<AppraisalPayload> {
        let viewer = ctx.signed_in()?;
        let id = proposal_id(&input.id)?;
        let parsed = appraisal_input(&input.report, input.conclusion, input.summary, input.notes)?;
        let result = consult::appraise_proposal(ctx.db(), by(viewer), id, parsed).await;
        let (done, user_errors) = split(result)?;
        let (proposal, appraisal) = done.unzip();
        Ok(AppraisalPayload {
            appraisal: appraisal.map(Appraisal),
            proposal: proposal.map(Proposal),
            user_errors,
        })
    }

    /// Records Sở Tư pháp's appraisal of drafts prepared outside a
    /// proposal, from its report: LEGAL_REVIEWER over their delegator.
    #[graphql(guard = "RoleGuard(&[Role::LegalReviewer])")]
    async fn record_appraisal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The drafts and the appraisal.")] input: RecordAppraisalInput,
    ) -> async_graphql::Result<AppraisalPayload> {
        let viewer = ctx.signed_in()?;
        let drafts = mandate_ids("mandates", &input.mandates)?;
        let parsed = appraisal_input(&input.report, input.conclusion, input.summary, input.notes)?;
        let result = consult::record_appraisal(ctx.db(), by(viewer), &drafts, parsed).await;
        let (appraisal, user_errors) = split(result)?;
        Ok(AppraisalPayload {
            appraisal: appraisal.map(Appraisal),
            proposal: None,
            user_errors,
        })
    }

    /// Carries a proposal to the deciding body with its Tờ trình (a TTR of
    /// the drafting body): APPROVER of the drafting body, once appraised
    /// where an appraisal is needed (APPRAISAL_REQUIRED).
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn submit_for_decision(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal and its Tờ trình.")] input: ProposalDocumentInput,
    ) -> async_graphql::Result<ProposalPayload> {
        let viewer = ctx.signed_in()?;
        let id = proposal_id(&input.id)?;
        let submission = decode_id_of(NodeKind::Document, "document", &input.document)?;
        payload(decide::submit_for_decision(ctx.db(), by(viewer), id, submission).await)
    }

    /// Decides a proposal awaiting decision with its registered decision:
    /// APPROVER of the deciding body. Issues its drafts (every rule and the
    /// appraisal gate), supersedes or revokes the mandates concerned, all
    /// or nothing.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn decide_proposal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal and its decision.")] input: ProposalDocumentInput,
    ) -> async_graphql::Result<DecisionPayload> {
        let viewer = ctx.signed_in()?;
        let id = proposal_id(&input.id)?;
        let decision = decode_id_of(NodeKind::Document, "document", &input.document)?;
        let result = decide::decide_proposal(ctx.db(), by(viewer), id, decision).await;
        let (done, user_errors) = split(result)?;
        let (proposal, changed) = done.unzip();
        let today = calendar::today();
        Ok(DecisionPayload {
            proposal: proposal.map(Proposal),
            mandates: changed
                .unwrap_or_default()
                .into_iter()
                .map(|m| Mandate::new(m, today))
                .collect(),
            user_errors,
        })
    }

    /// Sets whether a province's authorizations need an appraisal too:
    /// ADMIN over the province.
    #[graphql(guard = "RoleGuard(&[Role::Admin])")]
    async fn set_delegation_policy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The province and its policy.")] input: DelegationPolicyInput,
    ) -> async_graphql::Result<DelegationPolicyPayload> {
        let viewer = ctx.signed_in()?;
        let province = decode_id_of(NodeKind::Unit, "province", &input.province)?;
        let result = consult::set_delegation_policy(
            ctx.db(),
            by(viewer),
            province,
            input.authorizations_need_appraisal,
        )
        .await;
        let (policy, user_errors) = split(result)?;
        Ok(DelegationPolicyPayload {
            policy: policy.map(DelegationPolicy),
            user_errors,
        })
    }
}

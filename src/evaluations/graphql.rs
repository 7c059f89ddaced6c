//! The annual evaluation in GraphQL: rounds, evaluations, progress, the
//! compiled tables and their mutations.

use async_graphql::{ComplexObject, Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::evaluation::{self as ev};
use entity::evaluation_round;
use entity::role_grant::Role;
use uuid::Uuid;

use super::loaders::EvaluationLoaders;
use super::read::{self, EvaluationFilter as Filter, Figures};
use super::service::{self, Assessment, Compile, EvaluationDay, OpenRound, SelfAssessment, Tally};
use crate::auth::{Authority, RoleGuard};
use crate::calendar;
use crate::error::{AppError, AppResult};
use crate::graphql::{
    ContextExt, Date, DateTime, NodeKind, UserError, decode_id_of, encode_id, required, split,
};
use crate::mandates::graphql::Mandate;
use crate::pagination::{Page, PageInfo, PageRequest, page_complexity};
use crate::units::graphql::{Unit, unit_by_id};

mod mutations;
mod objects;

pub use mutations::*;
pub use objects::*;

fn loaders<'a>(ctx: &'a Context<'_>) -> &'a EvaluationLoaders {
    ctx.per_request::<EvaluationLoaders>()
}

/// Where an evaluation stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::evaluation::EvaluationStatus")]
pub enum EvaluationStatus {
    /// Expected; the holder has saved nothing yet.
    NotStarted,
    /// The holder's REPORTER is writing the self-assessment.
    Draft,
    /// The holder's APPROVER submitted it to the delegator.
    SelfAssessed,
    /// The delegator sent it back with a reason; the holder writes again.
    Returned,
    /// The delegator assessed it.
    Assessed,
}

crate::labels!(EvaluationStatus {
    NotStarted => "Chưa thực hiện",
    Draft => "Đang soạn",
    SelfAssessed => "Đã tự đánh giá",
    Returned => "Bị trả lại",
    Assessed => "Đã đánh giá",
});

/// Kết quả thực hiện: how the mandate was carried out.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::evaluation::EvaluationResult")]
pub enum EvaluationResult {
    /// Tốt: carried out well.
    Good,
    /// Đạt: carried out satisfactorily.
    Satisfactory,
    /// Chưa đạt: not carried out satisfactorily.
    Poor,
}

crate::labels!(EvaluationResult {
    Good => "Tốt",
    Satisfactory => "Đạt",
    Poor => "Chưa đạt",
});

/// What should become of a mandate (kiến nghị): the enum a report's item
/// uses too, `Recommendation` in the schema.
pub use crate::reporting::graphql::Proposal as Recommendation;

/// Where a round stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::evaluation_round::RoundStatus")]
pub enum EvaluationRoundStatus {
    /// The evaluations are being written.
    Open,
    /// Sở Nội vụ compiled the province's evaluation; compiled again after
    /// a late change.
    Compiled,
    /// UBND tỉnh accepted it; the round is locked.
    Accepted,
}

crate::labels!(EvaluationRoundStatus {
    Open => "Đang đánh giá",
    Compiled => "Đã tổng hợp",
    Accepted => "Đã phê duyệt",
});

fn evaluation_id(id: &ID) -> AppResult<Uuid> {
    decode_id_of(NodeKind::Evaluation, "evaluation", id)
}

fn round_id(id: &ID) -> AppResult<Uuid> {
    decode_id_of(NodeKind::EvaluationRound, "round", id)
}

/// The evaluation `id` names, if the caller may read it.
pub async fn evaluation_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Evaluation>> {
    use sea_orm::EntityTrait;
    let Some(e) = ev::Entity::find_by_id(id).one(ctx.db()).await? else {
        return Ok(None);
    };
    let viewer = ctx.viewer().ok_or(AppError::Unauthenticated)?;
    if !read::can_see(Some(viewer), &e) {
        return Err(AppError::Forbidden);
    }
    Ok(Some(Evaluation(e)))
}

/// The round `id` names, if the caller may read it.
pub async fn round_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<EvaluationRound>> {
    use sea_orm::EntityTrait;
    let Some(r) = evaluation_round::Entity::find_by_id(id)
        .one(ctx.db())
        .await?
    else {
        return Ok(None);
    };
    let viewer = ctx.viewer().ok_or(AppError::Unauthenticated)?;
    if !read::can_see_round(Some(viewer), &r) {
        return Err(AppError::Forbidden);
    }
    Ok(Some(EvaluationRound(r)))
}

/// The evaluations of a mandate the caller may read, latest round first
/// (`Mandate.evaluations`): none for anonymous callers.
pub async fn evaluations_of_mandate(
    ctx: &Context<'_>,
    mandate: Uuid,
) -> async_graphql::Result<Vec<Evaluation>> {
    let viewer = ctx.viewer();
    if viewer.is_none() {
        return Ok(Vec::new());
    }
    Ok(loaders(ctx)
        .of_mandate
        .load_one(mandate)
        .await?
        .unwrap_or_default()
        .into_iter()
        .filter(|e| read::can_see(viewer, e))
        .map(Evaluation)
        .collect())
}

/// What to list.
#[derive(InputObject, Default)]
pub struct EvaluationFilter {
    /// Evaluations of this round.
    pub round: Option<ID>,
    /// Holders in this unit's subtree.
    pub unit: Option<ID>,
    /// Evaluations of this mandate.
    pub mandate: Option<ID>,
    /// Any of these statuses.
    pub status: Option<Vec<EvaluationStatus>>,
    /// Any of these holder recommendations.
    pub recommendation: Option<Vec<Recommendation>>,
}

/// Reads of the annual evaluation.
#[derive(Default)]
pub struct EvaluationQuery;

#[Object]
impl EvaluationQuery {
    /// The evaluation rounds of a province the caller may read (a grant
    /// over the province or a unit in it), latest year first.
    async fn evaluation_rounds(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The province.")] province: ID,
    ) -> async_graphql::Result<Vec<EvaluationRound>> {
        let viewer = ctx.signed_in()?;
        let province = decode_id_of(NodeKind::Unit, "province", &province)?;
        Ok(read::rounds_of(ctx.db(), Some(viewer), province)
            .await?
            .into_iter()
            .map(EvaluationRound)
            .collect())
    }

    /// One round; null when it does not exist, FORBIDDEN outside the
    /// caller's province.
    async fn evaluation_round(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The round's global id.")] id: ID,
    ) -> async_graphql::Result<Option<EvaluationRound>> {
        ctx.signed_in()?;
        Ok(round_node(ctx, round_id(&id)?).await?)
    }

    /// One evaluation; null when it does not exist, FORBIDDEN when neither
    /// its holder nor its delegator is in the caller's scopes.
    async fn evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The evaluation's global id.")] id: ID,
    ) -> async_graphql::Result<Option<Evaluation>> {
        ctx.signed_in()?;
        Ok(evaluation_node(ctx, evaluation_id(&id)?).await?)
    }

    /// Evaluations whose holder or delegator lies in the caller's scopes,
    /// ordered down the unit tree.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    async fn evaluations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to list (default: every evaluation the caller may read).")]
        filter: Option<EvaluationFilter>,
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
    ) -> async_graphql::Result<EvaluationConnection> {
        let viewer = ctx.signed_in()?;
        let page = PageRequest::parse(first, after.as_deref(), last, before.as_deref())?;
        let f = filter.unwrap_or_default();
        let within = match &f.unit {
            Some(id) => Some(
                crate::units::service::existing(
                    ctx.db(),
                    decode_id_of(NodeKind::Unit, "unit", id)?,
                )
                .await?
                .path,
            ),
            None => None,
        };
        let filter = Filter {
            round: f.round.as_ref().map(round_id).transpose()?,
            within,
            mandate: f
                .mandate
                .as_ref()
                .map(|id| decode_id_of(NodeKind::Mandate, "mandate", id))
                .transpose()?,
            statuses: f
                .status
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            recommendations: f
                .recommendation
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
        };
        let page = read::list(ctx.db(), Some(viewer), &filter, &page).await?;
        Ok(EvaluationConnection { page, filter })
    }
}

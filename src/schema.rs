//! The schema: the root objects every domain adds to, global object
//! identification (`node`), the per-request data, and the limits. The
//! HTTP edge serves it; the domains know nothing of it.

use std::sync::Arc;

use async_graphql::{
    Context, ID, Interface, MergedObject, MergedSubscription, Object, Schema, SchemaBuilder,
};
use sea_orm::DatabaseConnection;

use crate::audit::graphql::AuditQuery;
use crate::auth::TokenService;
use crate::error::AppError;
use crate::evaluations::graphql::{
    Evaluation, EvaluationMutation, EvaluationQuery, EvaluationRound,
};
use crate::graphql::{NodeKind, decode_id};
use crate::inspections::graphql::{
    Inspection, InspectionFinding, InspectionMutation, InspectionQuery, InspectionRecommendation,
};
use crate::mandates::graphql::{
    Document, Mandate, MandateAssignment, MandateMutation, MandateQuery, MatterMutation,
    MatterQuery,
};
use crate::metrics::Metrics;
use crate::notices::events::NoticeEvents;
use crate::notices::graphql::{
    Notice, NoticeMutation, NoticeQuery, NoticeSubscription, Webhook, WebhookDelivery,
};
use crate::plans::graphql::{Plan, PlanMutation, PlanQuery, Task};
use crate::proposals::graphql::{OpinionRequest, Proposal, ProposalMutation, ProposalQuery};
use crate::reporting::events::ReportEvents;
use crate::reporting::graphql::{
    Regime, Report, ReportSignOffMutation, ReportingMutation, ReportingPeriod, ReportingQuery,
    ReportingSubscription,
};
use crate::units::graphql::{Unit, UnitMutation, UnitQuery};
use crate::users::graphql::{RoleGrant, User, UserMutation, UserQuery};

/// The schema type served at `/graphql`.
pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// Most ids `nodes(ids:)` resolves in one call.
pub const MAX_NODES: usize = 100;

/// Limits that keep one request from exhausting the server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    pub max_complexity: usize,
    pub introspection: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 16,
            max_complexity: 200_000,
            introspection: true,
        }
    }
}

/// Every object that can be fetched by its global id.
#[derive(Interface)]
#[graphql(
    field(name = "id", ty = "ID", desc = "Opaque global id."),
    field(
        name = "updated_at",
        ty = "crate::graphql::DateTime",
        desc = "When it last changed: the time of its latest change in the change feed (`changes`), its own or one of what belongs to it."
    )
)]
pub enum Node {
    Unit(Unit),
    User(User),
    RoleGrant(RoleGrant),
    Document(Document),
    Mandate(Mandate),
    MandateAssignment(MandateAssignment),
    Regime(Regime),
    ReportingPeriod(ReportingPeriod),
    Report(Report),
    Proposal(Proposal),
    OpinionRequest(OpinionRequest),
    EvaluationRound(EvaluationRound),
    Evaluation(Evaluation),
    Plan(Plan),
    Task(Task),
    Notice(Notice),
    Webhook(Webhook),
    WebhookDelivery(WebhookDelivery),
    Inspection(Inspection),
    InspectionFinding(InspectionFinding),
    InspectionRecommendation(InspectionRecommendation),
}

/// The root query: reads of the unit tree, mandates and documents, the
/// reporting cycle, identity and the audit trail. Anonymous callers may
/// read units, documents, the holiday calendar and mandates in force;
/// everything else needs a token.
#[derive(MergedObject, Default)]
pub struct Query(
    NodeQuery,
    crate::feed::graphql::FeedQuery,
    UnitQuery,
    MandateQuery,
    MatterQuery,
    ReportingQuery,
    ProposalQuery,
    EvaluationQuery,
    PlanQuery,
    InspectionQuery,
    UserQuery,
    AuditQuery,
    NoticeQuery,
    crate::exports::graphql::ExportQuery,
    crate::labels::LabelsQuery,
);

/// The root mutation. Each mutation takes one `input` and returns a payload
/// whose `userErrors` list the business rules that refused it (nothing is
/// changed then); missing rights and malformed input are GraphQL errors
/// with `extensions.code`.
#[derive(MergedObject, Default)]
pub struct Mutation(
    UserMutation,
    UnitMutation,
    MandateMutation,
    MatterMutation,
    ReportingMutation,
    ReportSignOffMutation,
    ProposalMutation,
    EvaluationMutation,
    PlanMutation,
    NoticeMutation,
    InspectionMutation,
    crate::imports::graphql::ImportMutation,
);

/// The root subscription, served over graphql-transport-ws at
/// `/graphql/ws`.
#[derive(MergedSubscription, Default)]
pub struct Subscription(ReportingSubscription, NoticeSubscription);

/// Global object identification (Relay).
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by its global id; null when it does not exist, FORBIDDEN
    /// when it exists outside what the caller may read (UNAUTHENTICATED
    /// when an anonymous caller may not read it).
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An opaque global id, as returned in any `id` field.")] id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        Ok(resolve_node(ctx, &id).await?)
    }

    /// Several objects by global id, in the order asked (null where missing);
    /// at most 100 ids.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Up to 100 opaque global ids.")] ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(AppError::invalid(format!("at most {MAX_NODES} ids per call")).into());
        }
        let mut nodes = Vec::with_capacity(ids.len());
        for id in &ids {
            nodes.push(resolve_node(ctx, id).await?);
        }
        Ok(nodes)
    }
}

/// The object behind a global id, with the visibility of `node(id)`:
/// the one definition the change feed reuses.
pub(crate) async fn resolve_node(ctx: &Context<'_>, id: &ID) -> Result<Option<Node>, AppError> {
    use crate::mandates::graphql as mg;
    use crate::proposals::graphql as pg;
    use crate::reporting::graphql as rg;
    let (kind, uuid) = decode_id(id)?;
    Ok(match kind {
        NodeKind::Unit => crate::units::graphql::unit_node(ctx, uuid)
            .await?
            .map(Node::Unit),
        NodeKind::User => crate::users::graphql::user_node(ctx, uuid)
            .await?
            .map(Node::User),
        NodeKind::RoleGrant => crate::users::graphql::grant_node(ctx, uuid)
            .await?
            .map(Node::RoleGrant),
        NodeKind::Document => mg::document_node(ctx, uuid).await?.map(Node::Document),
        NodeKind::Mandate => mg::mandate_node(ctx, uuid, crate::calendar::today())
            .await?
            .map(Node::Mandate),
        NodeKind::MandateAssignment => mg::assignment_node(ctx, uuid)
            .await?
            .map(Node::MandateAssignment),
        NodeKind::Regime => rg::regime_node(ctx, uuid).await?.map(Node::Regime),
        NodeKind::ReportingPeriod => rg::period_node(ctx, uuid).await?.map(Node::ReportingPeriod),
        NodeKind::Report => rg::report_node(ctx, uuid).await?.map(Node::Report),
        NodeKind::Proposal => pg::proposal_node(ctx, uuid).await?.map(Node::Proposal),
        NodeKind::OpinionRequest => pg::opinion_node(ctx, uuid).await?.map(Node::OpinionRequest),
        NodeKind::EvaluationRound => crate::evaluations::graphql::round_node(ctx, uuid)
            .await?
            .map(Node::EvaluationRound),
        NodeKind::Evaluation => crate::evaluations::graphql::evaluation_node(ctx, uuid)
            .await?
            .map(Node::Evaluation),
        NodeKind::Plan => crate::plans::graphql::plan_node(ctx, uuid)
            .await?
            .map(Node::Plan),
        NodeKind::Task => crate::plans::graphql::task_node(ctx, uuid)
            .await?
            .map(Node::Task),
        NodeKind::Notice => crate::notices::graphql::notice_node(ctx, uuid)
            .await?
            .map(Node::Notice),
        NodeKind::Webhook => crate::notices::graphql::webhook_node(ctx, uuid)
            .await?
            .map(Node::Webhook),
        NodeKind::WebhookDelivery => crate::notices::graphql::delivery_node(ctx, uuid)
            .await?
            .map(Node::WebhookDelivery),
        NodeKind::Inspection => crate::inspections::graphql::inspection_node(ctx, uuid)
            .await?
            .map(Node::Inspection),
        NodeKind::InspectionFinding => crate::inspections::graphql::finding_node(ctx, uuid)
            .await?
            .map(Node::InspectionFinding),
        NodeKind::InspectionRecommendation => {
            crate::inspections::graphql::recommendation_node(ctx, uuid)
                .await?
                .map(Node::InspectionRecommendation)
        }
    })
}

/// Puts what one request's resolvers share into `data`: the DataLoaders
/// of every domain (their caches live as long as the request). POST
/// requests and websocket connections both call this.
pub fn per_request(data: &mut async_graphql::Data, db: &DatabaseConnection) {
    data.insert(crate::units::loaders::UnitLoaders::new(db));
    data.insert(crate::mandates::loaders::MandateLoaders::new(db));
    data.insert(crate::reporting::loaders::ReportLoaders::new(db));
    data.insert(crate::evaluations::loaders::EvaluationLoaders::new(db));
    data.insert(crate::inspections::loaders::InspectionLoaders::new(db));
    data.insert(crate::plans::loaders::PlanLoaders::new(db));
    data.insert(crate::feed::loaders::FeedLoaders::new(db));
}

/// The schema with its limits, before per-deployment data is attached.
pub fn schema_builder(limits: Limits) -> SchemaBuilder<Query, Mutation, Subscription> {
    let builder = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .limit_depth(limits.max_depth)
    .limit_complexity(limits.max_complexity)
    .limit_recursive_depth(32)
    .limit_directives(8);
    if limits.introspection {
        builder
    } else {
        builder.disable_introspection()
    }
}

/// The channels subscriptions hear, shared with the tasks that feed them.
#[derive(Clone, Default)]
pub struct Channels {
    /// New notices (fed by the dispatcher).
    pub notices: NoticeEvents,
    /// Report status changes (fed by the mutations, or on PostgreSQL by
    /// the relay's listener).
    pub reports: ReportEvents,
}

/// The schema served over `db`, issuing tokens with `tokens` and counting
/// in `metrics`.
pub fn build_schema(
    db: DatabaseConnection,
    tokens: Arc<TokenService>,
    limits: Limits,
    metrics: Arc<Metrics>,
    files: crate::mandates::attachments::FileStore,
    evaluation_day: crate::evaluations::service::EvaluationDay,
    channels: Channels,
) -> AppSchema {
    schema_builder(limits)
        .data(files)
        .data(evaluation_day)
        .data(db)
        .data(tokens)
        .data(metrics)
        .data(channels.reports)
        .data(channels.notices)
        .finish()
}

/// The SDL clients build against (`phancap schema`), with the
/// `@specifiedBy` URLs of the scalars that follow a published format.
pub fn sdl() -> String {
    let sdl = schema_builder(Limits::default())
        .finish()
        .sdl_with_options(async_graphql::SDLExportOptions::new().include_specified_by());
    // async-graphql prints the built-in directives' arguments bare; give
    // them the descriptions the GraphQL specification does, so that every
    // element of the published SDL is documented.
    BUILT_IN_ARGUMENTS
        .iter()
        .fold(sdl, |sdl, (bare, described)| sdl.replace(bare, described))
}

/// The built-in directives' argument lists, as printed and as described.
const BUILT_IN_ARGUMENTS: [(&str, &str); 3] = [
    (
        "directive @include(if: Boolean!)",
        "directive @include(\n\t\"\"\"\n\tIncluded when true.\n\t\"\"\"\n\tif: Boolean!\n)",
    ),
    (
        "directive @skip(if: Boolean!)",
        "directive @skip(\n\t\"\"\"\n\tSkipped when true.\n\t\"\"\"\n\tif: Boolean!\n)",
    ),
    (
        "directive @specifiedBy(url: String!)",
        "directive @specifiedBy(\n\t\"\"\"\n\tThe URL that specifies the behavior of this scalar.\n\t\"\"\"\n\turl: String!\n)",
    ),
];

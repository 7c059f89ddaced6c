//! The `EvaluationRound` and `Evaluation` objects, their progress and
//! compiled tables, and what the viewer may do with them.

use super::*;

/// What the caller may do with an evaluation now.
#[derive(SimpleObject)]
pub struct EvaluationViewerCan {
    /// saveSelfAssessment: REPORTER over the holder, while the holder writes.
    pub save_self_assessment: bool,
    /// submitSelfAssessment: APPROVER over the holder, once drafted.
    pub submit_self_assessment: bool,
    /// returnSelfAssessment: APPROVER over the delegator, once submitted.
    pub return_self_assessment: bool,
    /// assessEvaluation: APPROVER over the delegator, once submitted.
    pub assess: bool,
}

/// What the caller may do with a round now.
#[derive(SimpleObject)]
pub struct EvaluationRoundViewerCan {
    /// compileEvaluation: COORDINATOR over the province, until accepted.
    pub compile: bool,
    /// acceptEvaluation: APPROVER over the province, once compiled.
    pub accept: bool,
}

/// One holder's evaluation of one mandate in a round (đánh giá việc thực
/// hiện nội dung phân cấp, ủy quyền): its self-assessment and the
/// delegator's assessment.
pub struct Evaluation(pub ev::Model);

/// One holder's evaluation of one mandate in a round: the holder's
/// self-assessment (REPORTER drafts, APPROVER submits) and the
/// delegator's assessment (its APPROVER).
#[Object]
impl Evaluation {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::Evaluation, self.0.id)
    }

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.0.id).await?)
    }

    /// The round it belongs to.
    async fn round(&self, ctx: &Context<'_>) -> async_graphql::Result<EvaluationRound> {
        let found = loaders(ctx).rounds.load_one(self.0.round_id).await?;
        Ok(EvaluationRound(required(found, "evaluation round")?))
    }

    /// The mandate evaluated, read as of the round's day.
    async fn mandate(&self, ctx: &Context<'_>) -> async_graphql::Result<Mandate> {
        let found = ctx
            .per_request::<crate::mandates::loaders::MandateLoaders>()
            .by_id
            .load_one(self.0.mandate_id)
            .await?;
        let round = loaders(ctx).rounds.load_one(self.0.round_id).await?;
        let as_of = round.map_or_else(calendar::today, |r| r.as_of);
        Ok(Mandate::new(required(found, "mandate")?, as_of))
    }

    /// The unit that held the mandate on the round's day and assesses
    /// itself.
    async fn holder(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.holder_unit_id, None).await
    }

    /// The mandate's delegator, who assesses the holder.
    async fn delegator(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.delegator_unit_id, None).await
    }

    /// Where it stands.
    async fn status(&self) -> EvaluationStatus {
        self.0.status.into()
    }

    /// Changes with every write; pass it back as `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The holder's result (kết quả thực hiện); null until given.
    async fn result(&self) -> Option<EvaluationResult> {
        self.0.result.map(Into::into)
    }

    /// The holder's account of what was done; null until given.
    async fn result_text(&self) -> Option<&str> {
        self.0.result_text.as_deref()
    }

    /// Difficulties met (khó khăn, vướng mắc); null when none are given.
    async fn difficulties(&self) -> Option<&str> {
        self.0.difficulties.as_deref()
    }

    /// What the holder recommends; null until given.
    async fn recommendation(&self) -> Option<Recommendation> {
        self.0.recommendation.map(Into::into)
    }

    /// Why the holder recommends a change (required to submit anything
    /// but KEEP); null when not given.
    async fn recommendation_reason(&self) -> Option<&str> {
        self.0.recommendation_reason.as_deref()
    }

    /// When the holder's REPORTER last saved it; null before.
    async fn drafted_at(&self) -> Option<DateTime> {
        self.0.drafted_at.map(Into::into)
    }

    /// Who last saved it; null before.
    async fn drafted_by(&self) -> Option<&str> {
        self.0.drafted_by.as_deref()
    }

    /// When the holder's APPROVER last submitted it; null before.
    async fn self_assessed_at(&self) -> Option<DateTime> {
        self.0.self_assessed_at.map(Into::into)
    }

    /// Who last submitted it; null before.
    async fn self_assessed_by(&self) -> Option<&str> {
        self.0.self_assessed_by.as_deref()
    }

    /// Submitted after the round's due day, or still not submitted after
    /// it.
    async fn late(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let round = loaders(ctx).rounds.load_one(self.0.round_id).await?;
        let due = required(round, "evaluation round")?.due_on;
        Ok(match self.0.self_assessed_at {
            Some(at) => calendar::day_of(at) > due,
            None => calendar::today() > due,
        })
    }

    /// Why the delegator last sent it back; null if it never was.
    async fn return_reason(&self) -> Option<&str> {
        self.0.return_reason.as_deref()
    }

    /// When it was last sent back; null if it never was.
    async fn returned_at(&self) -> Option<DateTime> {
        self.0.returned_at.map(Into::into)
    }

    /// The delegator's result; null until assessed.
    async fn assessment(&self) -> Option<EvaluationResult> {
        self.0.assessment.map(Into::into)
    }

    /// The delegator's assessment in words; null until assessed.
    async fn assessment_text(&self) -> Option<&str> {
        self.0.assessment_text.as_deref()
    }

    /// What the delegator recommends; null until assessed.
    async fn delegator_recommendation(&self) -> Option<Recommendation> {
        self.0.delegator_recommendation.map(Into::into)
    }

    /// When the delegator assessed it; null before.
    async fn assessed_at(&self) -> Option<DateTime> {
        self.0.assessed_at.map(Into::into)
    }

    /// Who assessed it; null before.
    async fn assessed_by(&self) -> Option<&str> {
        self.0.assessed_by.as_deref()
    }

    /// What the caller may do with it now.
    async fn viewer_can(&self, ctx: &Context<'_>) -> async_graphql::Result<EvaluationViewerCan> {
        let round = loaders(ctx).rounds.load_one(self.0.round_id).await?;
        let status = required(round, "evaluation round")?.status;
        let a = read::viewer_can(ctx.viewer(), &self.0, status);
        Ok(EvaluationViewerCan {
            save_self_assessment: a.save,
            submit_self_assessment: a.submit,
            return_self_assessment: a.return_,
            assess: a.assess,
        })
    }
}

/// A province's annual evaluation round (đợt đánh giá hằng năm) and the
/// evaluation Sở Nội vụ compiles from it for UBND tỉnh.
pub struct EvaluationRound(pub evaluation_round::Model);

/// A province's annual evaluation round: opened by Sở Nội vụ, compiled by
/// it for UBND tỉnh, accepted by UBND tỉnh, which locks it.
#[Object]
impl EvaluationRound {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::EvaluationRound, self.0.id)
    }

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.0.id).await?)
    }

    /// Stable business code, `DG-<province code>-<year>`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The province evaluated.
    async fn province(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.province_unit_id, Some(self.0.as_of)).await
    }

    /// The year evaluated.
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// The day the mandates and their holders were taken in force on.
    async fn as_of(&self) -> Date {
        self.0.as_of.into()
    }

    /// The day the holders' self-assessments are due.
    async fn due_on(&self) -> Date {
        self.0.due_on.into()
    }

    /// Where it stands.
    async fn status(&self) -> EvaluationRoundStatus {
        self.0.status.into()
    }

    /// When Sở Nội vụ opened it.
    async fn opened_at(&self) -> DateTime {
        self.0.opened_at.into()
    }

    /// Who opened it.
    async fn opened_by(&self) -> &str {
        &self.0.opened_by
    }

    /// When it was last compiled; null before.
    async fn compiled_at(&self) -> Option<DateTime> {
        self.0.compiled_at.map(Into::into)
    }

    /// Who last compiled it; null before.
    async fn compiled_by(&self) -> Option<&str> {
        self.0.compiled_by.as_deref()
    }

    /// Sở Nội vụ's overall assessment (đánh giá chung); null until given.
    /// Read with a grant over the province.
    async fn assessment(&self, ctx: &Context<'_>) -> Option<&str> {
        read::sees_province(ctx.viewer(), &self.0)
            .then_some(self.0.assessment.as_deref())
            .flatten()
    }

    /// Sở Nội vụ's recommendations (kiến nghị); null until given. Read
    /// with a grant over the province.
    async fn recommendations(&self, ctx: &Context<'_>) -> Option<&str> {
        read::sees_province(ctx.viewer(), &self.0)
            .then_some(self.0.recommendations.as_deref())
            .flatten()
    }

    /// The tables of the last compilation; null before it, or without a
    /// grant over the province.
    async fn tables(&self, ctx: &Context<'_>) -> Option<EvaluationTables> {
        if !read::sees_province(ctx.viewer(), &self.0) {
            return None;
        }
        service::Tables::read(&self.0).map(EvaluationTables)
    }

    /// When UBND tỉnh accepted it; null before.
    async fn accepted_at(&self) -> Option<DateTime> {
        self.0.accepted_at.map(Into::into)
    }

    /// Who accepted it; null before.
    async fn accepted_by(&self) -> Option<&str> {
        self.0.accepted_by.as_deref()
    }

    /// UBND tỉnh's directions (ý kiến chỉ đạo); null until given.
    async fn directions(&self) -> Option<&str> {
        self.0.directions.as_deref()
    }

    /// Progress under `within` (default: the province) and each of its
    /// children with evaluations, counted now.
    async fn progress(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The unit whose subtree is counted; you need a grant over it.")]
        within: Option<ID>,
    ) -> async_graphql::Result<EvaluationProgress> {
        let viewer = ctx.signed_in()?;
        let within = within
            .as_ref()
            .map(|id| decode_id_of(NodeKind::Unit, "within", id))
            .transpose()?;
        let (head, total, children) = read::progress(ctx.db(), viewer, &self.0, within).await?;
        Ok(EvaluationProgress {
            unit_id: head.id,
            figures: total,
            children: children
                .into_iter()
                .map(|(u, f)| EvaluationProgress {
                    unit_id: u.id,
                    figures: f,
                    children: Vec::new(),
                })
                .collect(),
        })
    }

    /// What the caller may do with it now.
    async fn viewer_can(&self, ctx: &Context<'_>) -> EvaluationRoundViewerCan {
        let a = read::round_viewer_can(ctx.viewer(), &self.0);
        EvaluationRoundViewerCan {
            compile: a.compile,
            accept: a.accept,
        }
    }
}

/// Progress of a round over a unit's subtree.
pub struct EvaluationProgress {
    unit_id: Uuid,
    figures: Figures,
    children: Vec<EvaluationProgress>,
}

/// Progress of a round over a unit's subtree: each evaluation is counted
/// once by its status.
#[Object]
impl EvaluationProgress {
    /// The unit whose subtree is counted.
    async fn unit(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.unit_id, None).await
    }

    /// Evaluations expected of holders in the subtree.
    async fn expected(&self) -> i64 {
        self.figures.expected
    }

    /// NOT_STARTED.
    async fn not_started(&self) -> i64 {
        self.figures.not_started
    }

    /// DRAFT.
    async fn drafted(&self) -> i64 {
        self.figures.drafted
    }

    /// RETURNED to the holder.
    async fn returned(&self) -> i64 {
        self.figures.returned
    }

    /// Submitted by the holder (SELF_ASSESSED or ASSESSED).
    async fn self_assessed(&self) -> i64 {
        self.figures.self_assessed
    }

    /// ASSESSED by the delegator.
    async fn assessed(&self) -> i64 {
        self.figures.assessed
    }

    /// Not submitted by the holder yet (NOT_STARTED, DRAFT, RETURNED).
    async fn missing(&self) -> i64 {
        self.figures.missing
    }

    /// Missing after the due day.
    async fn overdue(&self) -> i64 {
        self.figures.overdue
    }

    /// The same for each child unit with evaluations, by code; empty below
    /// the first level.
    async fn children(&self) -> &[EvaluationProgress] {
        &self.children
    }
}

/// How many of three results were given.
#[derive(SimpleObject)]
pub struct ResultCounts {
    /// GOOD (tốt).
    pub good: i64,
    /// SATISFACTORY (đạt).
    pub satisfactory: i64,
    /// POOR (chưa đạt).
    pub poor: i64,
}

impl From<service::ResultCounts> for ResultCounts {
    fn from(c: service::ResultCounts) -> Self {
        ResultCounts {
            good: c.good,
            satisfactory: c.satisfactory,
            poor: c.poor,
        }
    }
}

/// How many of each recommendation were given.
#[derive(SimpleObject)]
pub struct RecommendationCounts {
    /// KEEP.
    pub keep: i64,
    /// AMEND.
    pub amend: i64,
    /// REVOKE.
    pub revoke: i64,
    /// EXPAND.
    pub expand: i64,
}

impl From<service::RecommendationCounts> for RecommendationCounts {
    fn from(c: service::RecommendationCounts) -> Self {
        RecommendationCounts {
            keep: c.keep,
            amend: c.amend,
            revoke: c.revoke,
            expand: c.expand,
        }
    }
}

/// What a set of evaluations adds up to at compilation: the holders'
/// submitted self-assessments and the delegators' assessments.
#[derive(SimpleObject)]
pub struct EvaluationTally {
    /// Evaluations counted.
    pub evaluations: i64,
    /// Submitted by the holder; the others are missing.
    pub self_assessed: i64,
    /// Assessed by the delegator.
    pub assessed: i64,
    /// The holders' results.
    pub results: ResultCounts,
    /// The holders' recommendations.
    pub recommendations: RecommendationCounts,
    /// The delegators' results.
    pub assessments: ResultCounts,
    /// The delegators' recommendations.
    pub delegator_recommendations: RecommendationCounts,
}

impl From<Tally> for EvaluationTally {
    fn from(t: Tally) -> Self {
        EvaluationTally {
            evaluations: t.evaluations,
            self_assessed: t.self_assessed,
            assessed: t.assessed,
            results: t.results.into(),
            recommendations: t.recommendations.into(),
            assessments: t.assessments.into(),
            delegator_recommendations: t.delegator_recommendations.into(),
        }
    }
}

/// One mandate's line of the compiled tables.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct MandateEvaluationRow {
    #[graphql(skip)]
    mandate_id: Uuid,
    /// Its evaluations, added up.
    pub tally: EvaluationTally,
}

#[ComplexObject]
impl MandateEvaluationRow {
    /// The mandate.
    async fn mandate(&self, ctx: &Context<'_>) -> async_graphql::Result<Mandate> {
        let found = ctx
            .per_request::<crate::mandates::loaders::MandateLoaders>()
            .by_id
            .load_one(self.mandate_id)
            .await?;
        Ok(Mandate::new(required(found, "mandate")?, calendar::today()))
    }
}

/// One holder unit's line of the compiled tables.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct UnitEvaluationRow {
    #[graphql(skip)]
    unit_id: Uuid,
    /// Its evaluations, added up.
    pub tally: EvaluationTally,
}

#[ComplexObject]
impl UnitEvaluationRow {
    /// The holder unit.
    async fn unit(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.unit_id, None).await
    }
}

/// The tables of a compiled round.
pub struct EvaluationTables(service::Tables);

/// The tables of a compiled round, as they were at its last compilation.
#[Object]
impl EvaluationTables {
    /// The province's totals.
    async fn totals(&self) -> EvaluationTally {
        self.0.totals.into()
    }

    /// One line per mandate evaluated, by mandate code.
    async fn by_mandate(&self) -> Vec<MandateEvaluationRow> {
        self.0
            .by_mandate
            .iter()
            .map(|r| MandateEvaluationRow {
                mandate_id: r.id,
                tally: r.tally.into(),
            })
            .collect()
    }

    /// One line per holder unit, down the tree.
    async fn by_unit(&self) -> Vec<UnitEvaluationRow> {
        self.0
            .by_unit
            .iter()
            .map(|r| UnitEvaluationRow {
                unit_id: r.id,
                tally: r.tally.into(),
            })
            .collect()
    }
}

/// A page of evaluations (Relay connection), down the unit tree.
pub struct EvaluationConnection {
    pub(super) page: Page<ev::Model>,
    pub(super) filter: Filter,
}

/// An evaluation and its cursor.
#[derive(SimpleObject)]
pub struct EvaluationEdge {
    /// Pass as `after` or `before` to page from here.
    cursor: String,
    /// The evaluation.
    node: Evaluation,
}

/// A page of evaluations (Relay connection), ordered down the unit tree.
#[Object]
impl EvaluationConnection {
    /// The evaluations of this page with their cursors.
    async fn edges(&self) -> Vec<EvaluationEdge> {
        self.page
            .items
            .iter()
            .map(|e| EvaluationEdge {
                cursor: read::cursor(e).encode(),
                node: Evaluation(e.clone()),
            })
            .collect()
    }

    /// The evaluations of this page.
    async fn nodes(&self) -> Vec<Evaluation> {
        self.page.items.iter().cloned().map(Evaluation).collect()
    }

    /// Where this page sits in the whole list.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.page, read::cursor)
    }

    /// How many evaluations match the filter (counted when asked).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        Ok(read::count(ctx.db(), ctx.viewer(), &self.filter).await?)
    }
}

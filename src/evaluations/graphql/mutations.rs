//! Mutations of the annual evaluation.

use super::*;

/// Opening a province's round.
#[derive(InputObject)]
pub struct OpenEvaluationRoundInput {
    /// The province, over which you hold COORDINATOR.
    pub province: ID,
    /// The year evaluated, 2000 to 2100; one round per province and year.
    pub year: i32,
    /// The day mandates and holders are taken in force on, in `year`
    /// (default: the server's evaluation day of that year, 15 December
    /// unless `PHANCAP_EVALUATION_DAY` says otherwise).
    pub as_of: Option<Date>,
    /// The day self-assessments are due, after `asOf` (default: 10 working
    /// days after it, by the holiday calendar).
    pub due_on: Option<Date>,
}

/// The result of `openEvaluationRound`.
#[derive(SimpleObject)]
pub struct EvaluationRoundPayload {
    /// The round; null when refused.
    pub round: Option<EvaluationRound>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The holder's self-assessment to save; an omitted field is left as it
/// is, a blank text clears it.
#[derive(InputObject)]
pub struct SaveSelfAssessmentInput {
    /// The evaluation.
    pub evaluation: ID,
    /// The `version` last read; a stale one is a CONFLICT.
    pub expected_version: i32,
    /// Kết quả thực hiện.
    pub result: Option<EvaluationResult>,
    /// What was done, at most 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub result_text: Option<String>,
    /// Difficulties met (khó khăn, vướng mắc), at most 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub difficulties: Option<String>,
    /// What should become of the mandate.
    pub recommendation: Option<Recommendation>,
    /// Why, at most 20,000 characters; required to submit AMEND, REVOKE or
    /// EXPAND.
    #[graphql(validator(max_length = 20000))]
    pub recommendation_reason: Option<String>,
}

/// An evaluation and the version last read.
#[derive(InputObject)]
pub struct EvaluationTransitionInput {
    /// The evaluation.
    pub evaluation: ID,
    /// The `version` last read; a stale one is a CONFLICT.
    pub expected_version: i32,
}

/// Sending a self-assessment back to its holder.
#[derive(InputObject)]
pub struct ReturnSelfAssessmentInput {
    /// The submitted evaluation.
    pub evaluation: ID,
    /// The `version` last read; a stale one is a CONFLICT.
    pub expected_version: i32,
    /// What the holder must change, 1 to 5,000 characters.
    #[graphql(validator(max_length = 5000))]
    pub reason: String,
}

/// The delegator's assessment.
#[derive(InputObject)]
pub struct AssessEvaluationInput {
    /// The submitted evaluation.
    pub evaluation: ID,
    /// The `version` last read; a stale one is a CONFLICT.
    pub expected_version: i32,
    /// The delegator's result.
    pub assessment: EvaluationResult,
    /// The assessment in words, 1 to 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub assessment_text: String,
    /// What the delegator recommends.
    pub recommendation: Recommendation,
}

/// The result of a change to an evaluation.
#[derive(SimpleObject)]
pub struct EvaluationPayload {
    /// The evaluation as changed; null when refused.
    pub evaluation: Option<Evaluation>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Compiling the province's evaluation.
#[derive(InputObject)]
pub struct CompileEvaluationInput {
    /// The round.
    pub round: ID,
    /// Sở Nội vụ's overall assessment (đánh giá chung), at most 20,000
    /// characters.
    #[graphql(validator(max_length = 20000))]
    pub assessment: Option<String>,
    /// Sở Nội vụ's recommendations (kiến nghị), at most 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub recommendations: Option<String>,
    /// Compile although some evaluations are not assessed: they count as
    /// missing in the tables (default false).
    #[graphql(default)]
    pub allow_missing: bool,
}

/// Accepting the compiled evaluation.
#[derive(InputObject)]
pub struct AcceptEvaluationInput {
    /// The compiled round.
    pub round: ID,
    /// UBND tỉnh's directions (ý kiến chỉ đạo), at most 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub directions: Option<String>,
}

fn evaluation_payload(result: AppResult<ev::Model>) -> async_graphql::Result<EvaluationPayload> {
    let (evaluation, user_errors) = split(result)?;
    Ok(EvaluationPayload {
        evaluation: evaluation.map(Evaluation),
        user_errors,
    })
}

fn round_payload(
    result: AppResult<evaluation_round::Model>,
) -> async_graphql::Result<EvaluationRoundPayload> {
    let (round, user_errors) = split(result)?;
    Ok(EvaluationRoundPayload {
        round: round.map(EvaluationRound),
        user_errors,
    })
}

/// Mutations of the annual evaluation.
#[derive(Default)]
pub struct EvaluationMutation;

#[Object]
impl EvaluationMutation {
    /// Opens a province's evaluation round for a year (COORDINATOR over
    /// the province): one evaluation per mandate delegated in the province
    /// and in force on `asOf`, per holder on that day.
    #[graphql(guard = "RoleGuard(&[Role::Coordinator])")]
    async fn open_evaluation_round(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The province, the year and the days.")] input: OpenEvaluationRoundInput,
    ) -> async_graphql::Result<EvaluationRoundPayload> {
        let viewer = ctx.signed_in()?;
        let open = OpenRound {
            province: decode_id_of(NodeKind::Unit, "province", &input.province)?,
            year: input.year,
            as_of: input.as_of.map(|d| d.0),
            due_on: input.due_on.map(|d| d.0),
        };
        let day = ctx.data_opt::<EvaluationDay>().copied().unwrap_or_default();
        let result = service::open_round(ctx.db(), Authority::Viewer(viewer), day, open).await;
        round_payload(result.map(|opened| opened.round))
    }

    /// Saves the holder's self-assessment as a draft (REPORTER over the
    /// holder).
    #[graphql(guard = "RoleGuard(&[Role::Reporter])")]
    async fn save_self_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The evaluation, the version last read and the changes.")]
        input: SaveSelfAssessmentInput,
    ) -> async_graphql::Result<EvaluationPayload> {
        let viewer = ctx.signed_in()?;
        let id = evaluation_id(&input.evaluation)?;
        let changes = SelfAssessment {
            result: input.result.map(Into::into),
            result_text: input.result_text,
            difficulties: input.difficulties,
            recommendation: input.recommendation.map(Into::into),
            recommendation_reason: input.recommendation_reason,
        };
        let result = service::save_self_assessment(
            ctx.db(),
            Authority::Viewer(viewer),
            id,
            input.expected_version,
            changes,
        )
        .await;
        evaluation_payload(result)
    }

    /// Submits the holder's self-assessment to the delegator (APPROVER
    /// over the holder).
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn submit_self_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The evaluation and the version last read.")]
        input: EvaluationTransitionInput,
    ) -> async_graphql::Result<EvaluationPayload> {
        let viewer = ctx.signed_in()?;
        let id = evaluation_id(&input.evaluation)?;
        let result = service::submit_self_assessment(
            ctx.db(),
            Authority::Viewer(viewer),
            id,
            input.expected_version,
        )
        .await;
        evaluation_payload(result)
    }

    /// Sends a submitted self-assessment back to its holder with a reason
    /// (APPROVER over the delegator).
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn return_self_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The evaluation, the version last read and the reason.")]
        input: ReturnSelfAssessmentInput,
    ) -> async_graphql::Result<EvaluationPayload> {
        let viewer = ctx.signed_in()?;
        let id = evaluation_id(&input.evaluation)?;
        let result = service::return_self_assessment(
            ctx.db(),
            Authority::Viewer(viewer),
            id,
            input.expected_version,
            &input.reason,
        )
        .await;
        evaluation_payload(result)
    }

    /// Records the delegator's assessment of a submitted self-assessment,
    /// or replaces it until the round is accepted (APPROVER over the
    /// delegator).
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn assess_evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The evaluation, the version last read and the assessment.")]
        input: AssessEvaluationInput,
    ) -> async_graphql::Result<EvaluationPayload> {
        let viewer = ctx.signed_in()?;
        let id = evaluation_id(&input.evaluation)?;
        let assessment = Assessment {
            assessment: input.assessment.into(),
            text: input.assessment_text,
            recommendation: input.recommendation.into(),
        };
        let result = service::assess(
            ctx.db(),
            Authority::Viewer(viewer),
            id,
            input.expected_version,
            assessment,
        )
        .await;
        evaluation_payload(result)
    }

    /// Compiles the province's evaluation for UBND tỉnh (COORDINATOR over
    /// the province): tables by mandate and by unit, with Sở Nội vụ's
    /// texts; refused while evaluations are not assessed unless
    /// `allowMissing`.
    #[graphql(guard = "RoleGuard(&[Role::Coordinator])")]
    async fn compile_evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The round and Sở Nội vụ's texts.")] input: CompileEvaluationInput,
    ) -> async_graphql::Result<EvaluationRoundPayload> {
        let viewer = ctx.signed_in()?;
        let id = round_id(&input.round)?;
        let compile = Compile {
            assessment: input.assessment,
            recommendations: input.recommendations,
            allow_missing: input.allow_missing,
        };
        let result = service::compile(ctx.db(), Authority::Viewer(viewer), id, compile).await;
        round_payload(result)
    }

    /// Accepts the compiled evaluation with UBND tỉnh's directions
    /// (APPROVER over the province), which locks the round.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn accept_evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The round and UBND tỉnh's directions.")] input: AcceptEvaluationInput,
    ) -> async_graphql::Result<EvaluationRoundPayload> {
        let viewer = ctx.signed_in()?;
        let id = round_id(&input.round)?;
        let result =
            service::accept(ctx.db(), Authority::Viewer(viewer), id, input.directions).await;
        round_payload(result)
    }
}

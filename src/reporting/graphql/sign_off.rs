//! Mutations around a report's signature and the province report: signing
//! inside the unit, paper reports, Sở Nội vụ's texts of the compiled
//! report, acceptance with directions and reopening.

use super::*;
use crate::reporting::reports::{CompiledText, PaperInput, SignatureInput};

/// A signature: the report's number and who signed it.
#[derive(InputObject)]
pub struct SignReportInput {
    /// The report: DRAFT or RETURNED and complete, of a unit where you are
    /// APPROVER (Sở Nội vụ for the compiled report).
    pub report: ID,
    /// The `version` last read; a stale one is a CONFLICT.
    pub expected_version: i32,
    /// The report's number (số, ký hiệu), e.g. `12/BC-UBND` for a commune or
    /// `45/BC-SNV` for Sở Nội vụ: a report's symbol and the unit's own,
    /// unique among the unit's reports of the year.
    #[graphql(validator(max_length = 64))]
    pub number: String,
    /// Who signs, 1 to 200 characters, e.g. "Nguyễn Văn An".
    #[graphql(validator(max_length = 200))]
    pub signer_name: String,
    /// The signer's title with the capacity, 1 to 200 characters, e.g.
    /// "Chủ tịch" or "KT. Chủ tịch, Phó Chủ tịch".
    #[graphql(validator(max_length = 200))]
    pub signer_title: String,
    /// The day it is signed: from the first day of the period's data to
    /// today.
    pub signed_on: Date,
}

/// What a report says, as written in a draft or read off paper.
#[derive(InputObject)]
pub struct ReportContentInput {
    /// Results achieved (kết quả thực hiện), at most 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub results: Option<String>,
    /// Difficulties met (khó khăn, vướng mắc), at most 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub difficulties: Option<String>,
    /// Proposals (đề xuất, kiến nghị), at most 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub proposals: Option<String>,
    /// The mandate items, each mandate once.
    #[graphql(default)]
    pub items: Vec<ReportItemInput>,
    /// Indicator values (at most 500, each indicator once).
    #[graphql(default)]
    pub values: Vec<IndicatorValueInput>,
}

/// A report kept on paper, entered by its recipient.
#[derive(InputObject)]
pub struct RecordPaperReportInput {
    /// The unit report, never submitted, whose recipient you are REVIEWER
    /// over.
    pub report: ID,
    /// The `version` last read; a stale one is a CONFLICT.
    pub expected_version: i32,
    /// The paper's number (số, ký hiệu), e.g. `12/BC-UBND`.
    #[graphql(validator(max_length = 64))]
    pub number: String,
    /// Who signed it, 1 to 200 characters.
    #[graphql(validator(max_length = 200))]
    pub signer_name: String,
    /// The signer's title with the capacity, 1 to 200 characters.
    #[graphql(validator(max_length = 200))]
    pub signer_title: String,
    /// The day it was signed, from the first day of the period's data.
    pub signed_on: Date,
    /// The day it arrived (no earlier than signed, no later than today):
    /// lateness is counted from it.
    pub received_on: Date,
    /// What the paper says; complete, as a submission must be.
    pub content: ReportContentInput,
}

/// Sở Nội vụ's texts of the compiled report; omitted fields stay as they
/// are, an empty text clears one.
#[derive(InputObject)]
pub struct SaveCompiledReportInput {
    /// The compiled report, DRAFT or RETURNED.
    pub report: ID,
    /// The `version` last read; a stale one is a CONFLICT.
    pub expected_version: i32,
    /// Results (kết quả), at most 50,000 characters; required to send.
    #[graphql(validator(max_length = 50000))]
    pub results: Option<String>,
    /// Overall assessment (đánh giá chung), at most 50,000 characters;
    /// required to send.
    #[graphql(validator(max_length = 50000))]
    pub assessment: Option<String>,
    /// Difficulties (khó khăn, vướng mắc), at most 50,000 characters.
    #[graphql(validator(max_length = 50000))]
    pub difficulties: Option<String>,
    /// Proposals (đề xuất), at most 50,000 characters.
    #[graphql(validator(max_length = 50000))]
    pub proposals: Option<String>,
    /// Recommendations to UBND tỉnh (kiến nghị), at most 50,000 characters.
    #[graphql(validator(max_length = 50000))]
    pub recommendations: Option<String>,
}

/// Accepting the compiled province report.
#[derive(InputObject)]
pub struct AcceptCompiledReportInput {
    /// The submitted compiled report.
    pub report: ID,
    /// The `version` last read; a stale one is a CONFLICT.
    pub expected_version: i32,
    /// UBND tỉnh's directions (ý kiến chỉ đạo), at most 20,000 characters.
    #[graphql(validator(max_length = 20000))]
    pub directions: Option<String>,
}

/// A signature as the service takes it.
fn signature(
    number: String,
    signer_name: String,
    signer_title: String,
    on: Date,
) -> SignatureInput {
    SignatureInput {
        number,
        signer_name,
        signer_title,
        signed_on: on.0,
    }
}

/// Mutations of a report's sign-off and of the province report.
#[derive(Default)]
pub struct ReportSignOffMutation;

#[Object]
impl ReportSignOffMutation {
    /// Signs a finished draft with its number (APPROVER of the reporting
    /// unit); under a regime with `signOff` a report is sent only signed,
    /// and a later change to the draft removes the signature.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn sign_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report, the version last read and the signature.")]
        input: SignReportInput,
    ) -> async_graphql::Result<ReportPayload> {
        let viewer = ctx.signed_in()?;
        let id = report_id(&input.report)?;
        let result = reports::sign(
            ctx.db(),
            Authority::Viewer(viewer),
            id,
            input.expected_version,
            signature(
                input.number,
                input.signer_name,
                input.signer_title,
                input.signed_on,
            ),
        )
        .await;
        report_payload(ctx, result).await
    }

    /// Enters a report kept on paper (REVIEWER over its recipient): it
    /// arrives SUBMITTED under the paper's signature, late or on time by the
    /// day it was received.
    #[graphql(guard = "RoleGuard(&[Role::Reviewer])")]
    async fn record_paper_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The report, the version last read, the paper's signature, date and content."
        )]
        input: RecordPaperReportInput,
    ) -> async_graphql::Result<ReportPayload> {
        let viewer = ctx.signed_in()?;
        let id = report_id(&input.report)?;
        let c = input.content;
        let paper = PaperInput {
            signature: signature(
                input.number,
                input.signer_name,
                input.signer_title,
                input.signed_on,
            ),
            received_on: input.received_on.0,
            content: draft_input(c.results, c.difficulties, c.proposals, c.items, c.values)?,
        };
        let result = reports::record_paper(
            ctx.db(),
            Authority::Viewer(viewer),
            id,
            input.expected_version,
            paper,
        )
        .await;
        report_payload(ctx, result).await
    }

    /// Edits Sở Nội vụ's texts of the compiled report (COORDINATOR of Sở
    /// Nội vụ); removes a signature.
    #[graphql(guard = "RoleGuard(&[Role::Coordinator])")]
    async fn save_compiled_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The compiled report, the version last read and the texts.")]
        input: SaveCompiledReportInput,
    ) -> async_graphql::Result<ReportPayload> {
        let viewer = ctx.signed_in()?;
        let id = report_id(&input.report)?;
        let text = CompiledText {
            results: input.results,
            assessment: input.assessment,
            difficulties: input.difficulties,
            proposals: input.proposals,
            recommendations: input.recommendations,
        };
        let result = reports::save_compiled(
            ctx.db(),
            Authority::Viewer(viewer),
            id,
            input.expected_version,
            text,
        )
        .await;
        report_payload(ctx, result).await
    }

    /// Sends the compiled report to UBND tỉnh (COORDINATOR of Sở Nội vụ):
    /// written, up to date with the accepted reports, and signed where the
    /// regime asks.
    #[graphql(guard = "RoleGuard(&[Role::Coordinator])")]
    async fn submit_compiled_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The compiled report and the version last read.")]
        input: ReportTransitionInput,
    ) -> async_graphql::Result<ReportPayload> {
        let viewer = ctx.signed_in()?;
        let id = report_id(&input.report)?;
        let result = reports::submit(
            ctx.db(),
            Authority::Viewer(viewer),
            id,
            input.expected_version,
            Review::Compiled,
        )
        .await;
        report_payload(ctx, result).await
    }

    /// Accepts the compiled province report with directions (APPROVER over
    /// UBND tỉnh); not before the units' deadline unless every expected
    /// report is in.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn accept_compiled_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The compiled report, the version last read and the directions.")]
        input: AcceptCompiledReportInput,
    ) -> async_graphql::Result<ReportPayload> {
        let transition = ReportTransitionInput {
            report: input.report,
            expected_version: input.expected_version,
        };
        accept_as(ctx, transition, Review::Compiled, input.directions).await
    }

    /// Reopens an accepted unit report with a reason (REVIEWER over its
    /// recipient): it goes back RETURNED and its figures leave the totals.
    #[graphql(guard = "RoleGuard(&[Role::Reviewer])")]
    async fn reopen_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report, the version last read and the reason.")]
        input: ReturnReportInput,
    ) -> async_graphql::Result<ReportPayload> {
        reopen_as(ctx, input, Review::Unit).await
    }

    /// Reopens the accepted compiled report with a reason (APPROVER over
    /// UBND tỉnh): it goes back to Sở Nội vụ RETURNED.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn reopen_compiled_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The compiled report, the version last read and the reason.")]
        input: ReturnReportInput,
    ) -> async_graphql::Result<ReportPayload> {
        reopen_as(ctx, input, Review::Compiled).await
    }
}

async fn reopen_as(
    ctx: &Context<'_>,
    input: ReturnReportInput,
    review: Review,
) -> async_graphql::Result<ReportPayload> {
    let viewer = ctx.signed_in()?;
    let id = report_id(&input.report)?;
    let result = reports::reopen(
        ctx.db(),
        Authority::Viewer(viewer),
        id,
        input.expected_version,
        &input.reason,
        review,
    )
    .await;
    report_payload(ctx, result).await
}

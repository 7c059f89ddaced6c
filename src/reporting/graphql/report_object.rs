//! The `Report` object with its items, figures and what the viewer may do.

use super::*;

/// Procedure counts of a mandate in the period.
#[derive(SimpleObject)]
pub struct ProcedureCounts {
    /// Administrative procedures handled in the period, carry-over included;
    /// equals on time + late + pending. Null until the reporter gives it.
    pub received: Option<i32>,
    /// Resolved by their due date (giải quyết đúng hạn); null until given.
    pub resolved_on_time: Option<i32>,
    /// Resolved after their due date (quá hạn); null until given.
    pub resolved_late: Option<i32>,
    /// Still being handled at the cut-off (đang giải quyết); null until
    /// given.
    pub pending: Option<i32>,
}

/// A report's account of one mandate the reporter held in the period,
/// with when its report was last submitted.
pub struct ReportItem(report_item::Model, Option<chrono::DateTime<Utc>>);

/// A report's account of one mandate the reporter held in the period.
#[Object]
impl ReportItem {
    /// The mandate reported on.
    async fn mandate(&self, ctx: &Context<'_>) -> async_graphql::Result<Mandate> {
        let found = ctx
            .per_request::<crate::mandates::loaders::MandateLoaders>()
            .by_id
            .load_one(self.0.mandate_id)
            .await?;
        Ok(Mandate::new(required(found, "mandate")?, calendar::today()))
    }

    /// How implementation stands; null until the reporter gives it.
    async fn implementation_status(&self) -> Option<ImplementationStatus> {
        self.0.implementation_status.map(Into::into)
    }

    /// Whether the item asks for procedure counts: the mandate's matter
    /// lists administrative procedures (TTHC) in the catalogue of powers.
    /// A power that is not a procedure is reported on without counts.
    async fn asks_procedures(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(loaders(ctx)
            .asks_procedures
            .load_one(self.0.mandate_id)
            .await?
            .unwrap_or(false))
    }

    /// Counts of administrative procedures handled under the mandate; null
    /// when the item does not ask for them (`asksProcedures`).
    async fn procedures(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<ProcedureCounts>> {
        if !self.asks_procedures(ctx).await? {
            return Ok(None);
        }
        Ok(Some(ProcedureCounts {
            received: self.0.procedures_received,
            resolved_on_time: self.0.resolved_on_time,
            resolved_late: self.0.resolved_late,
            pending: self.0.pending,
        }))
    }

    /// Difficulties met with this mandate (khó khăn, vướng mắc); null when
    /// none are given.
    async fn difficulties(&self) -> Option<&str> {
        self.0.difficulties.as_deref()
    }

    /// What the reporter proposes for the mandate; null until given.
    async fn proposal(&self) -> Option<Proposal> {
        self.0.proposal.map(Into::into)
    }

    /// Why, or what to change; null when not given.
    async fn proposal_note(&self) -> Option<&str> {
        self.0.proposal_note.as_deref()
    }

    /// The mandate no longer applies to the period's window (revoked from
    /// before it, carried over to a successor, amended away) since the
    /// report was written in or submitted: kept as it was, not required
    /// for submission.
    async fn closed(&self) -> bool {
        self.0.closed_at.is_some()
    }

    /// The day (in Vietnam) the item was closed; null while it is open.
    async fn closed_on(&self) -> Option<Date> {
        self.0.closed_at.map(|at| calendar::day_of(at).into())
    }

    /// Added after the report was last submitted (a mandate issued or
    /// carried over to the reporter later): what was submitted does not
    /// answer it, and it stays blank until the recipient returns the
    /// report (or reopens an accepted one) to have it answered.
    async fn added_after_submission(&self) -> bool {
        self.1
            .is_some_and(|submitted| self.0.created_at > submitted)
    }
}

/// A report's value of one indicator: the one field its type gives.
#[derive(SimpleObject)]
pub struct IndicatorValue {
    /// The indicator.
    pub indicator: Indicator,
    /// The figure, in the indicator's unit of measure, for INTEGER, NUMBER
    /// and PERCENTAGE; for a computed indicator its formula over this
    /// report's values, null when that divides by zero. In a compiled
    /// report a BOOLEAN's figure is here too: how many units said yes (the
    /// share with AVG). Null otherwise.
    pub value: Option<f64>,
    /// A BOOLEAN's answer in a unit report; null otherwise.
    pub yes: Option<bool>,
    /// A TEXT's answer; null otherwise.
    pub text: Option<String>,
}

/// A validation rule a report's figures break, with both sides' values.
#[derive(SimpleObject)]
pub struct RuleViolation {
    /// The rule broken.
    pub rule: ValidationRule,
    /// The value of its left side over the report's figures.
    pub left: f64,
    /// The value of its right side over the report's figures.
    pub right: f64,
    /// What to tell the reporter: the rule's code and name and both sides.
    pub message: String,
}

impl From<&Violation> for RuleViolation {
    fn from(v: &Violation) -> Self {
        RuleViolation {
            rule: (&v.rule).into(),
            left: v.left,
            right: v.right,
            message: v.message(),
        }
    }
}

/// The narrative part of a report.
#[derive(SimpleObject)]
pub struct Narrative {
    /// Results achieved (kết quả thực hiện).
    pub results: Option<String>,
    /// Difficulties met (khó khăn, vướng mắc).
    pub difficulties: Option<String>,
    /// Proposals (đề xuất, kiến nghị).
    pub proposals: Option<String>,
}

/// What the caller may do with a report now.
#[derive(SimpleObject)]
pub struct ReportViewerCan {
    /// saveReportDraft, or saveCompiledReport for a compiled report.
    pub edit: bool,
    /// signReport.
    pub sign: bool,
    /// submitReport, or submitCompiledReport for a compiled report.
    pub submit: bool,
    /// returnReport, or returnCompiledReport for a compiled report.
    #[graphql(name = "return")]
    pub return_: bool,
    /// acceptReport, or acceptCompiledReport for a compiled report.
    pub accept: bool,
    /// reopenReport, or reopenCompiledReport for a compiled report.
    pub reopen: bool,
    /// recordPaperReport.
    pub record_paper: bool,
}

impl From<reports::Abilities> for ReportViewerCan {
    fn from(a: reports::Abilities) -> Self {
        ReportViewerCan {
            edit: a.edit,
            sign: a.sign,
            submit: a.submit,
            return_: a.return_,
            accept: a.accept,
            reopen: a.reopen,
            record_paper: a.record_paper,
        }
    }
}

/// One unit's report for a period, or the province report compiled from
/// them (`compiled`).
pub struct Report(pub report::Model);

/// A report (báo cáo): one unit's submission for one period of a regime,
/// or the province report Sở Nội vụ compiles from them (`compiled`).
#[Object]
impl Report {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::Report, self.0.id)
    }

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.0.id).await?)
    }

    /// Stable business code: `<regime>/<period>/<reporter code>`, with
    /// `/TH` for the compiled report.
    async fn code(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let regime = loaders(ctx).regimes.load_one(self.0.regime_id).await?;
        let reporter = ctx
            .per_request::<UnitLoaders>()
            .by_id
            .load_one(self.0.reporter_unit_id)
            .await?;
        Ok(format!(
            "{}/{}/{}{}",
            regime.map(|r| r.code).unwrap_or_default(),
            self.0.period_code,
            reporter.map(|u| u.code).unwrap_or_default(),
            if self.0.compiled { "/TH" } else { "" }
        ))
    }

    /// The period, e.g. `2026Q1`.
    async fn period(&self) -> &str {
        &self.0.period_code
    }

    /// The period it reports on, with its window and deadlines.
    async fn reporting_period(&self, ctx: &Context<'_>) -> async_graphql::Result<ReportingPeriod> {
        let found = loaders(ctx).periods.load_one(self.0.period_id).await?;
        Ok(ReportingPeriod(required(found, "reporting period")?))
    }

    /// The regime it is due under.
    async fn regime(&self, ctx: &Context<'_>) -> async_graphql::Result<Regime> {
        let found = loaders(ctx).regimes.load_one(self.0.regime_id).await?;
        Ok(Regime(required(found, "regime")?))
    }

    /// The unit that reports (for a compiled report, the regime's
    /// recipient, Sở Nội vụ).
    async fn reporter(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.reporter_unit_id, None).await
    }

    /// The unit it goes to: the regime's recipient; the district for a
    /// commune under one; the province (UBND tỉnh) for the recipient's own
    /// report and the compiled report.
    async fn recipient(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.recipient_unit_id, None).await
    }

    /// The province report Sở Nội vụ compiles for UBND tỉnh.
    async fn compiled(&self) -> bool {
        self.0.compiled
    }

    /// Where it stands: NOT_STARTED → DRAFT → SUBMITTED → RETURNED or
    /// ACCEPTED.
    async fn status(&self) -> ReportStatus {
        self.0.status.into()
    }

    /// Increases with every change; send it back as `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The narrative part: results, difficulties, proposals.
    async fn narrative(&self) -> Narrative {
        Narrative {
            results: self.0.results.clone(),
            difficulties: self.0.difficulties.clone(),
            proposals: self.0.proposals.clone(),
        }
    }

    /// Why the recipient returned it (the latest return); null if never
    /// returned.
    async fn return_reason(&self) -> Option<&str> {
        self.0.return_reason.as_deref()
    }

    /// One item per mandate the reporter held in the period.
    async fn items(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ReportItem>> {
        let items = loaders(ctx).items.load_one(self.0.id).await?;
        Ok(items
            .unwrap_or_default()
            .into_iter()
            .map(|item| ReportItem(item, self.0.submitted_at))
            .collect())
    }

    /// Indicator values given, in the regime's order, with each computed
    /// indicator once every input it reads is given.
    async fn values(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<IndicatorValue>> {
        let values = loaders(ctx)
            .values
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let indicators = loaders(ctx)
            .indicators
            .load_one(self.0.regime_id)
            .await?
            .unwrap_or_default();
        Ok(figures::figures_of(&indicators, &values, self.0.compiled)
            .into_iter()
            .filter_map(|f| {
                let indicator = indicators.iter().find(|i| i.code == f.code)?;
                Some(IndicatorValue {
                    indicator: indicator.into(),
                    value: f.value,
                    yes: f.yes,
                    text: f.text,
                })
            })
            .collect())
    }

    /// The validation rules of the regime its figures break now (a rule is
    /// judged once every indicator it reads has a value). Empty for a
    /// report that can be submitted as far as the rules go.
    async fn rule_violations(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<RuleViolation>> {
        let rules = loaders(ctx)
            .rules
            .load_one(self.0.regime_id)
            .await?
            .unwrap_or_default();
        if rules.is_empty() {
            return Ok(Vec::new());
        }
        let values = loaders(ctx)
            .values
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let indicators = loaders(ctx)
            .indicators
            .load_one(self.0.regime_id)
            .await?
            .unwrap_or_default();
        Ok(figures::violations(&indicators, &rules, &values)
            .iter()
            .map(Into::into)
            .collect())
    }

    /// Last day to submit.
    async fn deadline(&self) -> Date {
        regimes::deadline_day(self.0.deadline_at).into()
    }

    /// Submitted after the deadline, or not submitted and the deadline has passed.
    async fn late(&self) -> bool {
        reports::is_late(&self.0, Utc::now())
    }

    /// When it was first submitted, which decides `late`; null until then.
    async fn first_submitted_at(&self) -> Option<DateTime> {
        self.0.first_submitted_at.map(DateTime)
    }

    /// When it was last submitted; null until then.
    async fn submitted_at(&self) -> Option<DateTime> {
        self.0.submitted_at.map(DateTime)
    }

    /// When it was last returned; null if never returned.
    async fn returned_at(&self) -> Option<DateTime> {
        self.0.returned_at.map(DateTime)
    }

    /// When it was accepted; null until then.
    async fn accepted_at(&self) -> Option<DateTime> {
        self.0.accepted_at.map(DateTime)
    }

    /// Reminders sent while it was missing.
    async fn reminder_count(&self) -> i32 {
        self.0.reminder_count
    }

    /// When the latest reminder was sent (`remindMissing`); null if none.
    async fn last_reminded_at(&self) -> Option<DateTime> {
        self.0.last_reminded_at.map(DateTime)
    }

    /// The signature it went out under (its number and signer); null
    /// while unsigned. Any change to the draft removes it.
    async fn signature(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Signature>> {
        Ok(loaders(ctx)
            .signatures
            .load_one(self.0.id)
            .await?
            .map(Signature))
    }

    /// For a compiled report: Sở Nội vụ's texts, the tables and UBND
    /// tỉnh's directions; null for a unit report.
    async fn compilation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Compilation>> {
        if !self.0.compiled {
            return Ok(None);
        }
        Ok(reports::compilation_of(ctx.db(), self.0.id)
            .await?
            .map(Compilation))
    }

    /// For a compiled report: the unit reports it includes (those accepted
    /// when it was last compiled). Empty for a unit report.
    async fn compiled_from(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Report>> {
        if !self.0.compiled {
            return Ok(Vec::new());
        }
        Ok(reports::compiled_from(ctx.db(), ctx.viewer(), &self.0)
            .await?
            .into_iter()
            .map(Report)
            .collect())
    }

    /// A link (path-absolute) to this report as a file: a unit report's
    /// items and figures, or the compiled report's tables by unit, by
    /// mandate and by sector. Signed for the caller for 15 minutes, while
    /// the caller stays active under the same password; without its
    /// signature parameters it works with an `Authorization` header.
    async fn export_url(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file's format.")] format: crate::exports::graphql::ExportFormat,
    ) -> Option<String> {
        crate::exports::graphql::report_url(ctx, self.0.id, format)
    }

    /// What the caller may do with it now (all false for an anonymous
    /// caller).
    async fn viewer_can(&self, ctx: &Context<'_>) -> async_graphql::Result<ReportViewerCan> {
        let units = ctx.per_request::<UnitLoaders>();
        let reporter = units.by_id.load_one(self.0.reporter_unit_id).await?;
        let recipient = units.by_id.load_one(self.0.recipient_unit_id).await?;
        let (Some(reporter), Some(recipient)) = (reporter, recipient) else {
            return Err(AppError::NotFound("unit").into());
        };
        let viewer = ctx.viewer();
        let regime = loaders(ctx).regimes.load_one(self.0.regime_id).await?;
        let awaiting_signature = regime.is_some_and(|r| r.sign_off)
            && loaders(ctx).signatures.load_one(self.0.id).await?.is_none();
        Ok(reports::viewer_can(viewer, &self.0, &reporter, &recipient, awaiting_signature).into())
    }
}

/// The report `id` names, if the caller may read it.
pub async fn report_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Report>> {
    let Some(r) = report_by_id(ctx.db(), id).await? else {
        return Ok(None);
    };
    let recipient = crate::units::service::existing(ctx.db(), r.recipient_unit_id).await?;
    let viewer = ctx.viewer();
    if viewer.is_none() {
        return Err(AppError::Unauthenticated);
    }
    if !reports::can_see(viewer, &r.reporter_path, &recipient.path) {
        return Err(AppError::Forbidden);
    }
    Ok(Some(Report(r)))
}

pub(super) async fn report_by_id(
    db: &DatabaseConnection,
    id: Uuid,
) -> AppResult<Option<report::Model>> {
    use sea_orm::EntityTrait;
    Ok(report::Entity::find_by_id(id).one(db).await?)
}

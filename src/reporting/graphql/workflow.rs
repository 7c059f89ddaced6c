//! Mutations of the reporting cycle: the calendar, regimes and periods, and
//! a report's way from draft to acceptance, compilation and reminders.

use super::*;

/// A day to add to the calendar.
#[derive(InputObject)]
pub struct AddHolidayInput {
    /// The day, in the years 2000 to 2100; a day is recorded once.
    pub date: Date,
    /// HOLIDAY for a weekday, WORKDAY for a Saturday or Sunday.
    pub kind: DayKind,
    /// What the day is, 1 to 200 characters, e.g. "Nghỉ bù Quốc khánh".
    #[graphql(validator(max_length = 200))]
    pub name: String,
    /// The notice it comes from, 1 to 200 characters.
    #[graphql(validator(max_length = 200))]
    pub source: String,
}

/// The result of `addHoliday`.
#[derive(SimpleObject)]
pub struct HolidayPayload {
    /// The day added; null when it was refused.
    pub holiday: Option<Holiday>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// An indicator of a new regime (chỉ tiêu).
#[derive(InputObject)]
#[graphql(name = "IndicatorInput")]
pub struct IndicatorInputObject {
    /// Code, unique within the regime: 2 to 64 letters, digits, `-`, `_`,
    /// `.` or `/`.
    #[graphql(validator(max_length = 64))]
    pub code: String,
    /// What is counted or measured, 1 to 300 characters.
    #[graphql(validator(max_length = 300))]
    pub name: String,
    /// Unit of measure (đơn vị tính), 1 to 50 characters, e.g. "hồ sơ".
    #[graphql(validator(max_length = 50))]
    pub measure: String,
    /// How values combine over units in rollups.
    pub aggregation: Aggregation,
    /// What kind of figure it is (default NUMBER).
    #[graphql(default_with = "ValueType::Number")]
    pub value_type: ValueType,
    /// Smallest value a report may give (a finite number within ±10^15);
    /// a PERCENTAGE has 0 unless given. Not for BOOLEAN, TEXT or a computed
    /// indicator.
    pub min: Option<f64>,
    /// Largest value a report may give, at least `min`; a PERCENTAGE has
    /// 100 unless given. Not for BOOLEAN, TEXT or a computed indicator.
    pub max: Option<f64>,
    /// Makes it a computed indicator (INTEGER, NUMBER or PERCENTAGE): an
    /// expression of at most 500 characters over numbers and the codes of
    /// this regime's entered, non-TEXT indicators with `+ - * /` (also `− ×
    /// ÷`) and parentheses, e.g. `100 * DUNG_HAN / DA_GIAI_QUYET`. A code
    /// with `-` or `/`, or starting with a digit, is written in brackets:
    /// `[HO-SO]`. Reports never give its value: it is worked out per report
    /// and, over several units, from their totals; a division by zero
    /// gives null.
    #[graphql(validator(max_length = 1000))]
    pub formula: Option<String>,
}

/// A validation rule between a new regime's indicators: `left operator
/// right`, e.g. `DUNG_HAN` LE `TIEP_NHAN`. Each side is an expression as
/// in `IndicatorInput.formula`, and may read computed indicators too; the
/// two sides read one indicator at least.
#[derive(InputObject)]
pub struct ValidationRuleInput {
    /// Code, unique within the regime: 2 to 64 letters, digits, `-`, `_`,
    /// `.` or `/`.
    #[graphql(validator(max_length = 64))]
    pub code: String,
    /// What the rule says, 1 to 300 characters, shown when it is broken,
    /// e.g. "Hồ sơ giải quyết đúng hạn không vượt số tiếp nhận".
    #[graphql(validator(max_length = 300))]
    pub name: String,
    /// The left side, at most 500 characters.
    #[graphql(validator(max_length = 1000))]
    pub left: String,
    /// How the sides compare.
    pub operator: Comparison,
    /// The right side, at most 500 characters.
    #[graphql(validator(max_length = 1000))]
    pub right: String,
}

/// A new regime.
#[derive(InputObject)]
pub struct CreateRegimeInput {
    /// Stable business code: 2 to 64 letters, digits, `-`, `_`, `.` or
    /// `/`, unique across regimes.
    #[graphql(validator(max_length = 64))]
    pub code: String,
    /// Name of the regime, 1 to 300 characters.
    #[graphql(validator(max_length = 300))]
    pub name: String,
    /// What the reports cover, 1 to 4,000 characters.
    #[graphql(validator(max_length = 4000))]
    pub content: String,
    /// The unit receiving reports (Sở Nội vụ): a provincial body or the
    /// province, over which you hold COORDINATOR.
    pub recipient: ID,
    /// How often reports are due.
    pub frequency: Frequency,
    /// Where each period's data window ends (default: Nghị định 09/2019).
    #[graphql(default_with = "CutoffRule::Decree09")]
    pub cutoff_rule: CutoffRule,
    /// Working days after the cut-off (1 to 60).
    pub deadline_days: i32,
    /// Working days after the cut-off for the compiled report (up to 90, no
    /// fewer than `deadlineDays`).
    pub compiled_deadline_days: i32,
    /// Kinds of unit that report; give this or `reporterUnits`, or neither
    /// for every unit holding a mandate in the period.
    pub reporter_kinds: Option<Vec<UnitKind>>,
    /// The units that report (1 to 2,000, in the recipient's province);
    /// give this or `reporterKinds`, not both.
    pub reporter_units: Option<Vec<ID>>,
    /// The figures every report gives or works out, in order (at most 50).
    #[graphql(default)]
    pub indicators: Vec<IndicatorInputObject>,
    /// Whether a report needs its unit head's signature (`signReport` by
    /// the unit's APPROVER) before it is sent; default true, as a report is
    /// an administrative document of its unit.
    #[graphql(default = true)]
    pub sign_off: bool,
    /// Validation rules between the indicators (at most 50): a draft that
    /// breaks one is saved with a warning, a report that breaks one cannot
    /// be submitted.
    #[graphql(default)]
    pub rules: Vec<ValidationRuleInput>,
}

/// The result of `createRegime`.
#[derive(SimpleObject)]
pub struct RegimePayload {
    /// The regime created; null when it was refused.
    pub regime: Option<Regime>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Periods to open: every period of `year`, and/or a list (ad-hoc
/// regimes need the list, with dates).
#[derive(InputObject)]
pub struct OpenPeriodsInput {
    /// The regime; you need COORDINATOR over its recipient.
    pub regime: ID,
    /// Open every period of this year (2000 to 2100) at the regime's
    /// frequency; not for an AD_HOC regime.
    pub year: Option<i32>,
    /// Periods to open, of the regime's frequency; with `year`, 1 to 24
    /// distinct periods in all, none already open.
    #[graphql(default)]
    pub periods: Vec<PeriodValue>,
}

/// The result of `openPeriods`.
#[derive(SimpleObject)]
pub struct OpenPeriodsPayload {
    /// The periods opened; null when refused.
    pub periods: Option<Vec<ReportingPeriod>>,
    /// Why they were refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// An item's figures; omitted fields stay as they are.
#[derive(InputObject)]
pub struct ReportItemInput {
    /// The mandate the item is about; one the reporter held in the period,
    /// given once per save.
    pub mandate: ID,
    /// How implementation stands.
    pub implementation_status: Option<ImplementationStatus>,
    /// Procedures handled in the period, carry-over included (0 or more).
    /// Once all four counts are known, received = on time + late + pending.
    pub received: Option<i32>,
    /// Procedures resolved on time (0 or more).
    pub resolved_on_time: Option<i32>,
    /// Procedures resolved late (0 or more).
    pub resolved_late: Option<i32>,
    /// Procedures still pending at the cut-off (0 or more).
    pub pending: Option<i32>,
    /// Difficulties met, at most 5,000 characters; an empty text clears it.
    #[graphql(validator(max_length = 10000))]
    pub difficulties: Option<String>,
    /// What the reporter proposes for the mandate.
    pub proposal: Option<Proposal>,
    /// Why, or what to change; at most 5,000 characters, an empty text
    /// clears it.
    #[graphql(validator(max_length = 10000))]
    pub proposal_note: Option<String>,
}

/// An indicator's value: exactly the one field its type takes.
#[derive(InputObject)]
pub struct IndicatorValueInput {
    /// The indicator's code; not a computed indicator (one with a formula).
    #[graphql(validator(max_length = 64))]
    pub indicator: String,
    /// The figure of an INTEGER (a whole number), NUMBER or PERCENTAGE
    /// indicator, a finite number between -10^15 and 10^15 within the
    /// indicator's `min` and `max`.
    pub value: Option<f64>,
    /// The answer of a BOOLEAN indicator.
    pub yes: Option<bool>,
    /// The answer of a TEXT indicator, 1 to 5,000 characters.
    #[graphql(validator(max_length = 10000))]
    pub text: Option<String>,
}

/// Changes to a report; omitted fields stay as they are.
#[derive(InputObject)]
pub struct SaveReportDraftInput {
    /// The report; NOT_STARTED, DRAFT or RETURNED, of a unit where you are
    /// REPORTER.
    pub report: ID,
    /// The `version` last read; a stale one is a CONFLICT.
    pub expected_version: i32,
    /// Results achieved (kết quả thực hiện), at most 20,000 characters; an
    /// empty text clears it. Required to submit.
    #[graphql(validator(max_length = 20000))]
    pub results: Option<String>,
    /// Difficulties met (khó khăn, vướng mắc), at most 20,000 characters;
    /// an empty text clears it.
    #[graphql(validator(max_length = 20000))]
    pub difficulties: Option<String>,
    /// Proposals (đề xuất, kiến nghị), at most 20,000 characters; an empty
    /// text clears it.
    #[graphql(validator(max_length = 20000))]
    pub proposals: Option<String>,
    /// Changes to mandate items; items not named stay as they are.
    #[graphql(default)]
    pub items: Vec<ReportItemInput>,
    /// Indicator values to set (at most 500, each indicator once).
    #[graphql(default)]
    pub values: Vec<IndicatorValueInput>,
}

/// A transition of a report.
#[derive(InputObject)]
pub struct ReportTransitionInput {
    /// The report.
    pub report: ID,
    /// The `version` last read; a stale one is a CONFLICT.
    pub expected_version: i32,
}

/// Sending a report back.
#[derive(InputObject)]
pub struct ReturnReportInput {
    /// The submitted report.
    pub report: ID,
    /// The `version` last read; a stale one is a CONFLICT.
    pub expected_version: i32,
    /// Why it goes back (required, at most 10,000 characters).
    #[graphql(validator(max_length = 10000))]
    pub reason: String,
}

/// A period to act on.
#[derive(InputObject)]
pub struct PeriodInput {
    /// The period's global id (`ReportingPeriod.id`).
    pub period: ID,
}

/// The result of a mutation on a report.
#[derive(SimpleObject)]
pub struct ReportPayload {
    /// The report as changed; null when the change was refused.
    pub report: Option<Report>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
    /// For saveReportDraft: the validation rules the saved figures break
    /// (the draft is saved, but cannot be submitted until they hold).
    /// Empty for other mutations and when refused.
    pub warnings: Vec<RuleViolation>,
}

/// The result of `remindMissing`.
#[derive(SimpleObject)]
pub struct RemindMissingPayload {
    /// The reports of the reporters reminded.
    pub reminded: Option<Vec<Report>>,
    /// Why nothing was sent; empty on success.
    pub user_errors: Vec<UserError>,
}

/// A report's content as the service takes it.
pub(super) fn draft_input(
    results: Option<String>,
    difficulties: Option<String>,
    proposals: Option<String>,
    items: Vec<ReportItemInput>,
    values: Vec<IndicatorValueInput>,
) -> AppResult<DraftInput> {
    let items = items
        .into_iter()
        .map(|i| {
            Ok(ItemInput {
                mandate: decode_id_of(NodeKind::Mandate, "items", &i.mandate)?,
                implementation_status: i.implementation_status.map(Into::into),
                received: i.received,
                resolved_on_time: i.resolved_on_time,
                resolved_late: i.resolved_late,
                pending: i.pending,
                difficulties: i.difficulties,
                proposal: i.proposal.map(Into::into),
                proposal_note: i.proposal_note,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(DraftInput {
        results,
        difficulties,
        proposals,
        items,
        values: values
            .into_iter()
            .map(|v| ValueInput {
                indicator: v.indicator,
                value: v.value,
                yes: v.yes,
                text: v.text,
            })
            .collect(),
    })
}

pub(super) fn report_id(id: &ID) -> AppResult<Uuid> {
    decode_id_of(NodeKind::Report, "report", id)
}

pub(super) fn period_id(id: &ID) -> AppResult<Uuid> {
    decode_id_of(NodeKind::ReportingPeriod, "period", id)
}

/// Tells the subscribers of a committed transition, when it changed the
/// report's status (`reportStatusChanged`, on every server).
pub(crate) async fn announce(ctx: &Context<'_>, t: &Transition) -> async_graphql::Result<()> {
    if t.previous != t.report.status
        && let Some(events) = ctx.data_opt::<ReportEvents>()
    {
        let recipient = ctx
            .per_request::<UnitLoaders>()
            .by_id
            .load_one(t.report.recipient_unit_id)
            .await?;
        events
            .announce(
                ctx.db(),
                ReportEvent {
                    report: t.report.clone(),
                    previous: t.previous,
                    recipient_path: recipient.map(|u| u.path).unwrap_or_default(),
                    at: Utc::now(),
                },
            )
            .await;
    }
    Ok(())
}

/// Tells subscribers of a committed change and builds the payload.
pub(super) async fn report_payload(
    ctx: &Context<'_>,
    result: AppResult<Transition>,
) -> async_graphql::Result<ReportPayload> {
    let (transition, user_errors) = split(result)?;
    let Some(t) = transition else {
        return Ok(ReportPayload {
            report: None,
            user_errors,
            warnings: Vec::new(),
        });
    };
    announce(ctx, &t).await?;
    Ok(ReportPayload {
        report: Some(Report(t.report)),
        user_errors,
        warnings: Vec::new(),
    })
}

/// Accepts a report as its reviewer (`review` says which kind).
pub(super) async fn accept_as(
    ctx: &Context<'_>,
    input: ReportTransitionInput,
    review: Review,
    directions: Option<String>,
) -> async_graphql::Result<ReportPayload> {
    let viewer = ctx.signed_in()?;
    let id = report_id(&input.report)?;
    let result = reports::accept(
        ctx.db(),
        Authority::Viewer(viewer),
        id,
        input.expected_version,
        review,
        directions,
    )
    .await;
    report_payload(ctx, result).await
}

/// Returns a report as its reviewer (`review` says which kind).
pub(super) async fn return_as(
    ctx: &Context<'_>,
    input: ReturnReportInput,
    review: Review,
) -> async_graphql::Result<ReportPayload> {
    let viewer = ctx.signed_in()?;
    let id = report_id(&input.report)?;
    let result = reports::return_report(
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

/// Mutations of the reporting cycle.
#[derive(Default)]
pub struct ReportingMutation;

#[Object]
impl ReportingMutation {
    /// Adds a day to the holiday calendar (ADMIN).
    #[graphql(guard = "RoleGuard(&[Role::Admin])")]
    async fn add_holiday(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day to add.")] input: AddHolidayInput,
    ) -> async_graphql::Result<HolidayPayload> {
        let viewer = ctx.signed_in()?;
        let result = holidays::add_holiday(
            ctx.db(),
            Authority::Viewer(viewer),
            holidays::NewHoliday {
                day: input.date.0,
                kind: input.kind.into(),
                name: input.name,
                source: input.source,
            },
        )
        .await;
        let (day, user_errors) = split(result)?;
        Ok(HolidayPayload {
            holiday: day.map(Into::into),
            user_errors,
        })
    }

    /// Creates a reporting regime (COORDINATOR over its recipient).
    #[graphql(guard = "RoleGuard(&[Role::Coordinator])")]
    async fn create_regime(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The regime to create.")] input: CreateRegimeInput,
    ) -> async_graphql::Result<RegimePayload> {
        let viewer = ctx.signed_in()?;
        let reporter_units = input
            .reporter_units
            .map(|ids| {
                ids.iter()
                    .map(|id| unit_id("reporterUnits", id))
                    .collect::<AppResult<Vec<_>>>()
            })
            .transpose()?;
        let regime = RegimeInput {
            code: input.code,
            name: input.name,
            content: input.content,
            recipient: unit_id("recipient", &input.recipient)?,
            frequency: input.frequency.into(),
            cutoff_rule: input.cutoff_rule.into(),
            deadline_days: input.deadline_days,
            compiled_deadline_days: input.compiled_deadline_days,
            reporter_kinds: input
                .reporter_kinds
                .map(|kinds| kinds.into_iter().map(Into::into).collect()),
            reporter_units,
            indicators: input
                .indicators
                .into_iter()
                .map(|i| IndicatorInput {
                    code: i.code,
                    name: i.name,
                    measure: i.measure,
                    aggregation: i.aggregation.into(),
                    value_type: i.value_type.into(),
                    min: i.min,
                    max: i.max,
                    formula: i.formula,
                })
                .collect(),
            rules: input
                .rules
                .into_iter()
                .map(|r| RuleInput {
                    code: r.code,
                    name: r.name,
                    left: r.left,
                    operator: r.operator.into(),
                    right: r.right,
                })
                .collect(),
            sign_off: input.sign_off,
        };
        let (regime, user_errors) =
            split(regimes::create_regime(ctx.db(), Authority::Viewer(viewer), regime).await)?;
        Ok(RegimePayload {
            regime: regime.map(Regime),
            user_errors,
        })
    }

    /// Opens periods of a regime with their reports (COORDINATOR).
    #[graphql(guard = "RoleGuard(&[Role::Coordinator])")]
    async fn open_periods(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The regime and the periods to open.")] input: OpenPeriodsInput,
    ) -> async_graphql::Result<OpenPeriodsPayload> {
        let viewer = ctx.signed_in()?;
        let regime = decode_id_of(NodeKind::Regime, "regime", &input.regime)?;
        let periods = input.periods.into_iter().map(|p| p.0).collect();
        let result = regimes::open_periods(
            ctx.db(),
            Authority::Viewer(viewer),
            regime,
            input.year,
            periods,
        )
        .await;
        let (periods, user_errors) = split(result)?;
        Ok(OpenPeriodsPayload {
            periods: periods.map(|list| list.into_iter().map(ReportingPeriod).collect()),
            user_errors,
        })
    }

    /// Saves a report's draft (REPORTER of its unit); `warnings` lists the
    /// validation rules the saved figures break.
    #[graphql(guard = "RoleGuard(&[Role::Reporter])")]
    async fn save_report_draft(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report, the version last read and the changes.")]
        input: SaveReportDraftInput,
    ) -> async_graphql::Result<ReportPayload> {
        let viewer = ctx.signed_in()?;
        let id = report_id(&input.report)?;
        let draft = draft_input(
            input.results,
            input.difficulties,
            input.proposals,
            input.items,
            input.values,
        )?;
        let result = reports::save_draft_warned(
            ctx.db(),
            Authority::Viewer(viewer),
            id,
            input.expected_version,
            draft,
        )
        .await;
        let (result, warnings) = match result {
            Ok((transition, warnings)) => (Ok(transition), warnings),
            Err(e) => (Err(e), Vec::new()),
        };
        let mut payload = report_payload(ctx, result).await?;
        payload.warnings = warnings.iter().map(Into::into).collect();
        Ok(payload)
    }

    /// Submits a report to its recipient (REPORTER of its unit).
    #[graphql(guard = "RoleGuard(&[Role::Reporter])")]
    async fn submit_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report and the version last read.")] input: ReportTransitionInput,
    ) -> async_graphql::Result<ReportPayload> {
        let viewer = ctx.signed_in()?;
        let id = report_id(&input.report)?;
        let result = reports::submit(
            ctx.db(),
            Authority::Viewer(viewer),
            id,
            input.expected_version,
            Review::Unit,
        )
        .await;
        report_payload(ctx, result).await
    }

    /// Returns a submitted report with a reason (REVIEWER over its recipient).
    #[graphql(guard = "RoleGuard(&[Role::Reviewer])")]
    async fn return_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report, the version last read and the reason.")]
        input: ReturnReportInput,
    ) -> async_graphql::Result<ReportPayload> {
        return_as(ctx, input, Review::Unit).await
    }

    /// Accepts a submitted report, locking it (REVIEWER over its recipient).
    #[graphql(guard = "RoleGuard(&[Role::Reviewer])")]
    async fn accept_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report and the version last read.")] input: ReportTransitionInput,
    ) -> async_graphql::Result<ReportPayload> {
        accept_as(ctx, input, Review::Unit, None).await
    }

    /// Compiles the province report of a period from the accepted reports,
    /// or compiles it again to take in reports accepted since: a draft Sở
    /// Nội vụ writes and then sends (COORDINATOR over the regime's
    /// recipient).
    #[graphql(guard = "RoleGuard(&[Role::Coordinator])")]
    async fn compile_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The period to compile.")] input: PeriodInput,
    ) -> async_graphql::Result<ReportPayload> {
        let viewer = ctx.signed_in()?;
        let id = period_id(&input.period)?;
        let result = reports::compile(ctx.db(), Authority::Viewer(viewer), id).await;
        report_payload(ctx, result).await
    }

    /// Returns the compiled province report to Sở Nội vụ with a reason
    /// (APPROVER over UBND tỉnh).
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn return_compiled_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The compiled report, the version last read and the reason.")]
        input: ReturnReportInput,
    ) -> async_graphql::Result<ReportPayload> {
        return_as(ctx, input, Review::Compiled).await
    }

    /// Records a reminder to every reporter of the period that has not
    /// submitted, and returns their reports (COORDINATOR).
    #[graphql(guard = "RoleGuard(&[Role::Coordinator])")]
    async fn remind_missing(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The period whose missing reporters to remind.")] input: PeriodInput,
    ) -> async_graphql::Result<RemindMissingPayload> {
        let viewer = ctx.signed_in()?;
        let id = period_id(&input.period)?;
        let result = reports::remind_missing(ctx.db(), Authority::Viewer(viewer), id).await;
        let (reminded, user_errors) = split(result)?;
        Ok(RemindMissingPayload {
            reminded: reminded.map(|list| list.into_iter().map(Report).collect()),
            user_errors,
        })
    }
}

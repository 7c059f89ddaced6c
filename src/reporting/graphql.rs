//! The reporting cycle in GraphQL: regimes, periods, reports, progress,
//! the holiday calendar, their mutations and the status subscription.

use async_graphql::futures_util::Stream;
use async_graphql::{
    ComplexObject, Context, Enum, ID, InputObject, InputValueError, InputValueResult, Object,
    Scalar, ScalarType, SimpleObject, Subscription, Value,
};
use chrono::Utc;
use entity::report;
use entity::role_grant::Role;
use entity::{holiday, regime_indicator, report_item, reporting_period, reporting_regime};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::events::{ReportEvent, ReportEvents};
use super::holidays;
use super::loaders::ReportLoaders;
use super::periods::Period;
use super::progress::{self, IndicatorTotal, Progress};
use super::regimes::{self, IndicatorInput, RegimeInput, Reporters};
use super::reports::{self, DraftInput, ItemInput, Review, Transition};
use crate::auth::{Authority, RoleGuard, Session, Viewer, viewer};
use crate::calendar;
use crate::error::{AppError, AppResult};
use crate::graphql::{
    Date, DateTime, NodeKind, UserError, decode_id_of, encode_id, required, split,
};
use crate::mandates::graphql::Mandate;
use crate::pagination::{Page, PageInfo, PageRequest, page_complexity};
use crate::units::graphql::{Unit, UnitKind, unit_by_id};
use crate::units::loaders::UnitLoaders;

/// A reporting period: `2026M09` (or `2026-09`), `2026Q1`, `2026H1`,
/// `2026H2`, `2026N9` (nine months), `2026`, or an ad-hoc window
/// `2026-03-15..2026-04-20`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodValue(pub Period);

/// A reporting period (kỳ báo cáo) as text: a month `2026M09` (input also
/// `2026-09`), a quarter `2026Q1`, a half year `2026H1` or `2026H2`, nine
/// months `2026N9`, a year `2026` (years 2000 to 2100), or an ad-hoc
/// window `2026-03-15..2026-04-20` of at most a year. Output is always the
/// canonical form (`2026M09`).
#[Scalar(name = "Period")]
impl ScalarType for PeriodValue {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => s
                .parse::<Period>()
                .map(PeriodValue)
                .map_err(InputValueError::custom),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

/// How often a regime asks for reports.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::reporting_regime::Frequency")]
pub enum Frequency {
    /// Monthly (báo cáo tháng): periods `2026M01` … `2026M12`.
    Month,
    /// Quarterly (báo cáo quý): periods `2026Q1` … `2026Q4`.
    Quarter,
    /// Half-yearly (báo cáo 6 tháng): periods `2026H1`, `2026H2`.
    HalfYear,
    /// Nine months (báo cáo 9 tháng): period `2026N9`.
    NineMonth,
    /// Yearly (báo cáo năm): period `2026`.
    Year,
    /// Ad hoc (báo cáo đột xuất): periods with explicit dates,
    /// `2026-03-15..2026-04-20`.
    AdHoc,
}

/// Where a period's data window ends.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::reporting_regime::CutoffRule")]
pub enum CutoffRule {
    /// Nghị định 09/2019: the 15th of the month before to the 14th of the last month.
    Decree09,
    /// Whole calendar months.
    Calendar,
}

/// How an indicator combines over units: SUM adds, AVG averages the
/// reports, LAST adds each unit's latest value.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::regime_indicator::Aggregation")]
pub enum Aggregation {
    /// The values of the accepted reports are added.
    Sum,
    /// The values of the accepted reports are averaged.
    Avg,
    /// Each unit's latest value (a stock, e.g. staff on hand), added over
    /// units.
    Last,
}

/// Where a report stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::report::ReportStatus")]
pub enum ReportStatus {
    /// Expected; nothing saved yet.
    NotStarted,
    /// Being written by the reporter.
    Draft,
    /// With the recipient.
    Submitted,
    /// Sent back to the reporter with a reason.
    Returned,
    /// Accepted by the recipient; locked.
    Accepted,
}

/// A weekday off or a weekend day worked.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::holiday::DayKind")]
pub enum DayKind {
    /// A weekday off (lễ, Tết, nghỉ bù).
    Holiday,
    /// A Saturday or Sunday worked in exchange (làm bù).
    Workday,
}

/// How a mandate's implementation stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::report_item::ImplementationStatus")]
pub enum ImplementationStatus {
    /// Not started yet (chưa triển khai).
    NotStarted,
    /// Being carried out (đang triển khai).
    InProgress,
    /// Carried out (đã hoàn thành).
    Done,
    /// Held up (vướng mắc); say why in `difficulties`.
    Blocked,
}

/// What the reporter proposes for a mandate.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::report_item::Proposal")]
pub enum Proposal {
    /// Keep the mandate as it is (giữ nguyên).
    Keep,
    /// Amend it (sửa đổi, bổ sung).
    Amend,
    /// Revoke it (bãi bỏ, thu hồi).
    Revoke,
    /// Delegate more of the matter (mở rộng phân cấp).
    Expand,
}

fn loaders<'a>(ctx: &'a Context<'_>) -> &'a ReportLoaders {
    ctx.data_unchecked::<ReportLoaders>()
}

fn db<'a>(ctx: &'a Context<'_>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

/// A figure every report of a regime gives (chỉ tiêu).
#[derive(SimpleObject)]
pub struct Indicator {
    /// Code, unique within the regime; `IndicatorValueInput.indicator` names it.
    pub code: String,
    /// What is counted or measured.
    pub name: String,
    /// Unit of measure (đơn vị tính), e.g. "hồ sơ".
    pub measure: String,
    /// How values combine over units in rollups.
    pub aggregation: Aggregation,
}

impl From<&regime_indicator::Model> for Indicator {
    fn from(i: &regime_indicator::Model) -> Self {
        Indicator {
            code: i.code.clone(),
            name: i.name.clone(),
            measure: i.measure.clone(),
            aggregation: i.aggregation.into(),
        }
    }
}

/// A reporting regime (chế độ báo cáo) after Nghị định 09/2019/NĐ-CP.
pub struct Regime(pub reporting_regime::Model);

/// A reporting regime (chế độ báo cáo) after Nghị định 09/2019/NĐ-CP: what
/// is reported, by whom, to whom, how often and by when.
#[Object]
impl Regime {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::Regime, self.0.id)
    }

    /// Stable business code, unique across regimes.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Name of the regime.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What the reports cover.
    async fn content(&self) -> &str {
        &self.0.content
    }

    /// Who receives the reports (Sở Nội vụ); communes under a district
    /// report to the district.
    async fn recipient(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.recipient_unit_id, None).await
    }

    /// How often reports are due: the kind of period it opens.
    async fn frequency(&self) -> Frequency {
        self.0.frequency.into()
    }

    /// Where each period's data window ends.
    async fn cutoff_rule(&self) -> CutoffRule {
        self.0.cutoff_rule.into()
    }

    /// Working days after the cut-off by which a unit's report is due.
    async fn deadline_days(&self) -> i32 {
        self.0.deadline_days
    }

    /// Working days after the cut-off by which the compiled report is due.
    async fn compiled_deadline_days(&self) -> i32 {
        self.0.compiled_deadline_days
    }

    /// The kinds of unit that report; null when the regime names units or
    /// asks every holder of a mandate.
    async fn reporter_kinds(&self) -> Option<Vec<UnitKind>> {
        match regimes::reporters_of(&self.0) {
            Reporters::Kinds(kinds) => Some(kinds.into_iter().map(Into::into).collect()),
            _ => None,
        }
    }

    /// The units that report, when the regime names them; null otherwise.
    async fn reporter_units(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<Unit>>> {
        let Reporters::Units(ids) = regimes::reporters_of(&self.0) else {
            return Ok(None);
        };
        let mut units = Vec::new();
        for id in ids {
            units.push(unit_by_id(ctx, id, None).await?);
        }
        Ok(Some(units))
    }

    /// Whether every unit holding a mandate in a period reports.
    async fn reporters_are_holders(&self) -> bool {
        matches!(regimes::reporters_of(&self.0), Reporters::Holders)
    }

    /// The figures every report gives (chỉ tiêu), in order; may be empty.
    async fn indicators(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Indicator>> {
        let list = loaders(ctx).indicators.load_one(self.0.id).await?;
        Ok(list
            .unwrap_or_default()
            .iter()
            .map(Indicator::from)
            .collect())
    }

    /// The periods opened, newest first.
    async fn periods(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ReportingPeriod>> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        let rows = reporting_period::Entity::find()
            .filter(reporting_period::Column::RegimeId.eq(self.0.id))
            .order_by_desc(reporting_period::Column::DataTo)
            .all(db(ctx))
            .await
            .map_err(AppError::from)?;
        Ok(rows.into_iter().map(ReportingPeriod).collect())
    }
}

/// One period of a regime.
pub struct ReportingPeriod(pub reporting_period::Model);

/// One period of a regime (kỳ báo cáo), e.g. `2026Q1`, with its data
/// window and deadlines in working days from the holiday calendar.
#[Object]
impl ReportingPeriod {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::ReportingPeriod, self.0.id)
    }

    /// The period, e.g. `2026Q1`.
    async fn period(&self) -> &str {
        &self.0.code
    }

    /// The regime the period belongs to.
    async fn regime(&self, ctx: &Context<'_>) -> async_graphql::Result<Regime> {
        let found = loaders(ctx).regimes.load_one(self.0.regime_id).await?;
        Ok(Regime(required(found, "regime")?))
    }

    /// First day of the data window.
    async fn data_from(&self) -> Date {
        self.0.data_from.into()
    }

    /// The cut-off: last day of the data window.
    async fn data_to(&self) -> Date {
        self.0.data_to.into()
    }

    /// Last day to submit a unit's report (working days after the cut-off).
    async fn deadline(&self) -> Date {
        self.0.deadline.into()
    }

    /// Last day to submit the compiled report to UBND tỉnh.
    async fn compiled_deadline(&self) -> Date {
        self.0.compiled_deadline.into()
    }

    /// When the period was opened (`openPeriods`).
    async fn opened_at(&self) -> DateTime {
        DateTime(self.0.opened_at)
    }
}

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

/// A report's account of one mandate the reporter held in the period.
pub struct ReportItem(report_item::Model);

/// A report's account of one mandate the reporter held in the period.
#[Object]
impl ReportItem {
    /// The mandate reported on.
    async fn mandate(&self, ctx: &Context<'_>) -> async_graphql::Result<Mandate> {
        let found = ctx
            .data_unchecked::<crate::mandates::loaders::MandateLoaders>()
            .by_id
            .load_one(self.0.mandate_id)
            .await?;
        Ok(Mandate::new(required(found, "mandate")?, calendar::today()))
    }

    /// How implementation stands; null until the reporter gives it.
    async fn implementation_status(&self) -> Option<ImplementationStatus> {
        self.0.implementation_status.map(Into::into)
    }

    /// Counts of administrative procedures handled under the mandate.
    async fn procedures(&self) -> ProcedureCounts {
        ProcedureCounts {
            received: self.0.procedures_received,
            resolved_on_time: self.0.resolved_on_time,
            resolved_late: self.0.resolved_late,
            pending: self.0.pending,
        }
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
}

/// A report's value of one indicator.
#[derive(SimpleObject)]
pub struct IndicatorValue {
    /// The indicator.
    pub indicator: Indicator,
    /// The figure, in the indicator's unit of measure.
    pub value: f64,
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
    /// saveReportDraft.
    pub edit: bool,
    /// submitReport.
    pub submit: bool,
    /// returnReport, or returnCompiledReport for a compiled report.
    #[graphql(name = "return")]
    pub return_: bool,
    /// acceptReport, or acceptCompiledReport for a compiled report.
    pub accept: bool,
}

impl From<reports::Abilities> for ReportViewerCan {
    fn from(a: reports::Abilities) -> Self {
        ReportViewerCan {
            edit: a.edit,
            submit: a.submit,
            return_: a.return_,
            accept: a.accept,
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

    /// Stable business code: `<regime>/<period>/<reporter code>`, with
    /// `/TH` for the compiled report.
    async fn code(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let regime = loaders(ctx).regimes.load_one(self.0.regime_id).await?;
        let reporter = ctx
            .data_unchecked::<UnitLoaders>()
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
            .map(ReportItem)
            .collect())
    }

    /// Indicator values, in the regime's order.
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
        Ok(indicators
            .iter()
            .filter_map(|i| {
                let v = values.iter().find(|v| v.indicator_code == i.code)?;
                Some(IndicatorValue {
                    indicator: i.into(),
                    value: v.value,
                })
            })
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

    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }

    /// For a compiled report: the accepted unit reports it was made from
    /// (the per-unit table). Empty for a unit report.
    async fn compiled_from(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Report>> {
        if !self.0.compiled {
            return Ok(Vec::new());
        }
        Ok(
            reports::compiled_from(db(ctx), ctx.data_opt::<Viewer>(), &self.0)
                .await?
                .into_iter()
                .map(Report)
                .collect(),
        )
    }

    /// What the caller may do with it now (all false for an anonymous
    /// caller).
    async fn viewer_can(&self, ctx: &Context<'_>) -> async_graphql::Result<ReportViewerCan> {
        let units = ctx.data_unchecked::<UnitLoaders>();
        let reporter = units.by_id.load_one(self.0.reporter_unit_id).await?;
        let recipient = units.by_id.load_one(self.0.recipient_unit_id).await?;
        let (Some(reporter), Some(recipient)) = (reporter, recipient) else {
            return Err(AppError::NotFound("unit").into());
        };
        let viewer = ctx.data_opt::<Viewer>();
        Ok(reports::viewer_can(viewer, &self.0, &reporter, &recipient).into())
    }
}

/// The report `id` names, if the caller may read it.
pub async fn report_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Report>> {
    let Some(r) = report_by_id(db(ctx), id).await? else {
        return Ok(None);
    };
    let recipient = crate::units::service::existing(db(ctx), r.recipient_unit_id).await?;
    let viewer = ctx.data_opt::<Viewer>();
    if viewer.is_none() {
        return Err(AppError::Unauthenticated);
    }
    if !reports::can_see(viewer, &r.reporter_path, &recipient.path) {
        return Err(AppError::Forbidden);
    }
    Ok(Some(Report(r)))
}

async fn report_by_id(db: &DatabaseConnection, id: Uuid) -> AppResult<Option<report::Model>> {
    use sea_orm::EntityTrait;
    Ok(report::Entity::find_by_id(id).one(db).await?)
}

/// The regime `id` names, if the caller may see it.
pub async fn regime_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Regime>> {
    let viewer = viewer(ctx)?;
    let visible = reports::regimes_visible(db(ctx), viewer).await?;
    match visible.into_iter().find(|r| r.id == id) {
        Some(r) => Ok(Some(Regime(r))),
        None => match regimes::existing(db(ctx), id).await {
            Ok(_) => Err(AppError::Forbidden),
            Err(AppError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        },
    }
}

/// The period `id` names, if the caller may see its regime.
pub async fn period_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<ReportingPeriod>> {
    let Some(p) = loaders(ctx).periods.load_one(id).await? else {
        return Ok(None);
    };
    regime_node(ctx, p.regime_id).await?;
    Ok(Some(ReportingPeriod(p)))
}

/// What to list.
#[derive(InputObject, Default)]
pub struct ReportFilter {
    /// Reports of this period (e.g. `2026Q1`), over every regime unless `regime` is given.
    pub period: Option<PeriodValue>,
    /// Reports due under this regime.
    pub regime: Option<ID>,
    /// Reporters in this unit's subtree.
    pub within: Option<ID>,
    /// Any of these statuses.
    pub status: Option<Vec<ReportStatus>>,
    /// Late: submitted after the deadline, or still missing after it.
    pub late: Option<bool>,
    /// Reports by this unit.
    pub reporter: Option<ID>,
    /// Reports sent to this unit.
    pub recipient: Option<ID>,
    /// Only compiled province reports (true) or only unit reports (false).
    pub compiled: Option<bool>,
}

/// A page of reports (Relay connection), down the unit tree.
pub struct ReportConnection {
    page: Page<report::Model>,
    filter: reports::ReportFilter,
}

/// A report and its cursor.
#[derive(SimpleObject)]
pub struct ReportEdge {
    /// Pass as `after` or `before` to page from here.
    cursor: String,
    /// The report.
    node: Report,
}

/// A page of reports (Relay connection), ordered down the unit tree.
#[Object]
impl ReportConnection {
    /// The reports of this page with their cursors.
    async fn edges(&self) -> Vec<ReportEdge> {
        self.page
            .items
            .iter()
            .map(|r| ReportEdge {
                cursor: reports::cursor(r).encode(),
                node: Report(r.clone()),
            })
            .collect()
    }

    /// The reports of this page.
    async fn nodes(&self) -> Vec<Report> {
        self.page.items.iter().cloned().map(Report).collect()
    }

    /// Where this page sits in the whole list.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.page, reports::cursor)
    }

    /// How many reports match the filter (counted when asked).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        Ok(reports::count(db(ctx), ctx.data_opt::<Viewer>(), &self.filter).await?)
    }
}

/// An indicator's total over a subtree's accepted reports.
#[derive(SimpleObject)]
#[graphql(name = "IndicatorTotal")]
pub struct IndicatorTotalObject {
    /// The indicator's code.
    pub code: String,
    /// What is counted or measured.
    pub name: String,
    /// Unit of measure (đơn vị tính).
    pub measure: String,
    /// How values combine over units.
    pub aggregation: Aggregation,
    /// Sum of the accepted reports' values.
    pub total: f64,
    /// Accepted reports that gave a value.
    pub reports: i64,
    /// The aggregated figure (total, or average for AVG); null with no reports.
    pub value: Option<f64>,
}

impl From<&IndicatorTotal> for IndicatorTotalObject {
    fn from(t: &IndicatorTotal) -> Self {
        IndicatorTotalObject {
            code: t.code.clone(),
            name: t.name.clone(),
            measure: t.measure.clone(),
            aggregation: t.aggregation.into(),
            total: t.total,
            reports: t.reports,
            value: t.value(),
        }
    }
}

/// Progress of a unit's subtree (or the whole country) for a period.
#[derive(SimpleObject)]
#[graphql(complex, name = "ReportingProgress")]
pub struct ReportingProgress {
    #[graphql(skip)]
    unit_id: Option<Uuid>,
    /// Reports expected from units in the subtree.
    pub expected: i64,
    /// Submitted at least once.
    pub submitted: i64,
    /// First submitted by the deadline.
    pub on_time: i64,
    /// First submitted after the deadline.
    pub late: i64,
    /// Never submitted.
    pub missing: i64,
    /// Now back with their reporters.
    pub returned: i64,
    /// Accepted by their recipients.
    pub accepted: i64,
    /// Submitted and waiting for the recipient.
    pub awaiting_review: i64,
    /// Indicator totals over the accepted reports.
    pub indicators: Vec<IndicatorTotalObject>,
    /// The same for each child unit with reports (empty below the first level).
    pub children: Vec<ReportingProgress>,
}

#[ComplexObject]
impl ReportingProgress {
    /// The unit; null for the whole country.
    async fn unit(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Unit>> {
        match self.unit_id {
            Some(id) => Ok(Some(unit_by_id(ctx, id, None).await?)),
            None => Ok(None),
        }
    }
}

impl ReportingProgress {
    fn from(p: &Progress, children: Vec<ReportingProgress>) -> Self {
        let c = p.counts;
        ReportingProgress {
            unit_id: p.unit_id,
            expected: c.expected,
            submitted: c.submitted,
            on_time: c.on_time,
            late: c.late,
            missing: c.missing(),
            returned: c.returned,
            accepted: c.accepted,
            awaiting_review: c.awaiting_review(),
            indicators: p.indicators.iter().map(Into::into).collect(),
            children,
        }
    }
}

/// A day of the holiday calendar.
#[derive(SimpleObject)]
pub struct Holiday {
    /// The day.
    pub date: Date,
    /// A weekday off or a weekend day worked.
    pub kind: DayKind,
    /// What the day is, e.g. "Tết Nguyên đán" or "Nghỉ bù".
    pub name: String,
    /// The notice or law it comes from, or `derived` (from the Labour Code's
    /// rules, pending the year's official notice).
    pub source: String,
}

impl From<holiday::Model> for Holiday {
    fn from(h: holiday::Model) -> Self {
        Holiday {
            date: h.day.into(),
            kind: h.kind.into(),
            name: h.name,
            source: h.source,
        }
    }
}

fn unit_id(field: &str, id: &ID) -> AppResult<Uuid> {
    decode_id_of(NodeKind::Unit, field, id)
}

/// Queries of the reporting cycle.
#[derive(Default)]
pub struct ReportingQuery;

#[Object]
impl ReportingQuery {
    /// Regimes whose recipient lies in a province the caller has a grant in.
    async fn regimes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Regime>> {
        let viewer = viewer(ctx)?;
        Ok(reports::regimes_visible(db(ctx), viewer)
            .await?
            .into_iter()
            .map(Regime)
            .collect())
    }

    /// A regime by id; null when there is none, FORBIDDEN when it lies
    /// outside the provinces the caller has a grant in.
    async fn regime(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The regime's global id.")] id: ID,
    ) -> async_graphql::Result<Option<Regime>> {
        let uuid = decode_id_of(NodeKind::Regime, "id", &id)?;
        Ok(regime_node(ctx, uuid).await?)
    }

    /// A report, if the caller has a grant over its reporter or recipient;
    /// null when there is none.
    async fn report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report's global id.")] id: ID,
    ) -> async_graphql::Result<Option<Report>> {
        let uuid = decode_id_of(NodeKind::Report, "id", &id)?;
        Ok(report_node(ctx, uuid).await?)
    }

    /// Reports whose reporter or recipient lies in the caller's scopes,
    /// ordered down the unit tree.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    async fn reports(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to list (default: every report the caller may read).")]
        filter: Option<ReportFilter>,
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
    ) -> async_graphql::Result<ReportConnection> {
        let viewer = viewer(ctx)?;
        let page = PageRequest::parse(first, after.as_deref(), last, before.as_deref())?;
        let f = filter.unwrap_or_default();
        let within = match &f.within {
            Some(id) => Some(
                crate::units::service::existing(db(ctx), unit_id("within", id)?)
                    .await?
                    .path,
            ),
            None => None,
        };
        let filter = reports::ReportFilter {
            period: f.period.map(|p| p.0.to_string()),
            regime: f
                .regime
                .as_ref()
                .map(|id| decode_id_of(NodeKind::Regime, "regime", id))
                .transpose()?,
            within,
            statuses: f
                .status
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            late: f.late,
            reporter: f
                .reporter
                .as_ref()
                .map(|id| unit_id("reporter", id))
                .transpose()?,
            recipient: f
                .recipient
                .as_ref()
                .map(|id| unit_id("recipient", id))
                .transpose()?,
            compiled: f.compiled,
        };
        let page = reports::list(db(ctx), Some(viewer), &filter, &page).await?;
        Ok(ReportConnection { page, filter })
    }

    /// Progress of a period under `within` and each of its children (every
    /// province the caller has a grant over when `within` is omitted), from
    /// the rollups kept by every status change. Summed over the regimes
    /// with that period unless `regime` is given.
    async fn reporting_progress(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The period, e.g. `2026Q1`.")] period: PeriodValue,
        #[graphql(desc = "The unit whose subtree is counted; you need a grant over it.")]
        within: Option<ID>,
        #[graphql(desc = "Only this regime's reports (default: every regime with that period).")]
        regime: Option<ID>,
    ) -> async_graphql::Result<ReportingProgress> {
        let viewer = viewer(ctx)?;
        let regime = regime
            .as_ref()
            .map(|id| decode_id_of(NodeKind::Regime, "regime", id))
            .transpose()?;
        let within = within
            .as_ref()
            .map(|id| unit_id("within", id))
            .transpose()?;
        let period = period.0.to_string();
        let (head, children) =
            progress::progress_for(db(ctx), viewer, &period, regime, within).await?;
        let children = children
            .iter()
            .map(|c| ReportingProgress::from(c, Vec::new()))
            .collect();
        Ok(ReportingProgress::from(&head, children))
    }

    /// The days of `year` that break the Monday–Friday week (public).
    async fn holidays(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year, 2000 to 2100.")] year: i32,
    ) -> async_graphql::Result<Vec<Holiday>> {
        if !holidays::YEARS.contains(&year) {
            let (first, last) = (holidays::YEARS.start(), holidays::YEARS.end());
            return Err(AppError::invalid(format!("a year from {first} to {last}")).into());
        }
        Ok(holidays::of_year(db(ctx), year)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

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
    /// The figures every report gives, in order (at most 50).
    #[graphql(default)]
    pub indicators: Vec<IndicatorInputObject>,
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

/// An indicator's value.
#[derive(InputObject)]
pub struct IndicatorValueInput {
    /// The indicator's code.
    #[graphql(validator(max_length = 64))]
    pub indicator: String,
    /// The figure, a finite number between -10^15 and 10^15.
    pub value: f64,
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
}

/// The result of `remindMissing`.
#[derive(SimpleObject)]
pub struct RemindMissingPayload {
    /// The reports of the reporters reminded.
    pub reminded: Option<Vec<Report>>,
    /// Why nothing was sent; empty on success.
    pub user_errors: Vec<UserError>,
}

fn report_id(id: &ID) -> AppResult<Uuid> {
    decode_id_of(NodeKind::Report, "report", id)
}

fn period_id(id: &ID) -> AppResult<Uuid> {
    decode_id_of(NodeKind::ReportingPeriod, "period", id)
}

/// Tells subscribers of a committed change and builds the payload.
async fn report_payload(
    ctx: &Context<'_>,
    result: AppResult<Transition>,
) -> async_graphql::Result<ReportPayload> {
    let (transition, user_errors) = split(result)?;
    let Some(t) = transition else {
        return Ok(ReportPayload {
            report: None,
            user_errors,
        });
    };
    if t.previous != t.report.status
        && let Some(events) = ctx.data_opt::<ReportEvents>()
    {
        let recipient = ctx
            .data_unchecked::<UnitLoaders>()
            .by_id
            .load_one(t.report.recipient_unit_id)
            .await?;
        events.publish(ReportEvent {
            report: t.report.clone(),
            previous: t.previous,
            recipient_path: recipient.map(|u| u.path).unwrap_or_default(),
            at: Utc::now(),
        });
    }
    Ok(ReportPayload {
        report: Some(Report(t.report)),
        user_errors,
    })
}

/// Accepts a report as its reviewer (`review` says which kind).
async fn accept_as(
    ctx: &Context<'_>,
    input: ReportTransitionInput,
    review: Review,
) -> async_graphql::Result<ReportPayload> {
    let viewer = viewer(ctx)?;
    let id = report_id(&input.report)?;
    let result = reports::accept(
        db(ctx),
        Authority::Viewer(viewer),
        id,
        input.expected_version,
        review,
    )
    .await;
    report_payload(ctx, result).await
}

/// Returns a report as its reviewer (`review` says which kind).
async fn return_as(
    ctx: &Context<'_>,
    input: ReturnReportInput,
    review: Review,
) -> async_graphql::Result<ReportPayload> {
    let viewer = viewer(ctx)?;
    let id = report_id(&input.report)?;
    let result = reports::return_report(
        db(ctx),
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
        let viewer = viewer(ctx)?;
        let result = holidays::add_holiday(
            db(ctx),
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
        let viewer = viewer(ctx)?;
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
                })
                .collect(),
        };
        let (regime, user_errors) =
            split(regimes::create_regime(db(ctx), Authority::Viewer(viewer), regime).await)?;
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
        let viewer = viewer(ctx)?;
        let regime = decode_id_of(NodeKind::Regime, "regime", &input.regime)?;
        let periods = input.periods.into_iter().map(|p| p.0).collect();
        let result = regimes::open_periods(
            db(ctx),
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

    /// Saves a report's draft (REPORTER of its unit).
    #[graphql(guard = "RoleGuard(&[Role::Reporter])")]
    async fn save_report_draft(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report, the version last read and the changes.")]
        input: SaveReportDraftInput,
    ) -> async_graphql::Result<ReportPayload> {
        let viewer = viewer(ctx)?;
        let id = report_id(&input.report)?;
        let items = input
            .items
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
        let draft = DraftInput {
            results: input.results,
            difficulties: input.difficulties,
            proposals: input.proposals,
            items,
            values: input
                .values
                .into_iter()
                .map(|v| (v.indicator, v.value))
                .collect(),
        };
        let result = reports::save_draft(
            db(ctx),
            Authority::Viewer(viewer),
            id,
            input.expected_version,
            draft,
        )
        .await;
        report_payload(ctx, result).await
    }

    /// Submits a report to its recipient (REPORTER of its unit).
    #[graphql(guard = "RoleGuard(&[Role::Reporter])")]
    async fn submit_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report and the version last read.")] input: ReportTransitionInput,
    ) -> async_graphql::Result<ReportPayload> {
        let viewer = viewer(ctx)?;
        let id = report_id(&input.report)?;
        let result = reports::submit(
            db(ctx),
            Authority::Viewer(viewer),
            id,
            input.expected_version,
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
        accept_as(ctx, input, Review::Unit).await
    }

    /// Compiles the province report of a period from the accepted reports
    /// and submits it to UBND tỉnh (COORDINATOR over the regime's recipient).
    #[graphql(guard = "RoleGuard(&[Role::Coordinator])")]
    async fn compile_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The period to compile.")] input: PeriodInput,
    ) -> async_graphql::Result<ReportPayload> {
        let viewer = viewer(ctx)?;
        let id = period_id(&input.period)?;
        let result = reports::compile(db(ctx), Authority::Viewer(viewer), id).await;
        report_payload(ctx, result).await
    }

    /// Accepts the compiled province report (APPROVER over UBND tỉnh).
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn accept_compiled_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The compiled report and the version last read.")]
        input: ReportTransitionInput,
    ) -> async_graphql::Result<ReportPayload> {
        accept_as(ctx, input, Review::Compiled).await
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
        let viewer = viewer(ctx)?;
        let id = period_id(&input.period)?;
        let result = reports::remind_missing(db(ctx), Authority::Viewer(viewer), id).await;
        let (reminded, user_errors) = split(result)?;
        Ok(RemindMissingPayload {
            reminded: reminded.map(|list| list.into_iter().map(Report).collect()),
            user_errors,
        })
    }
}

/// A report's change of status.
pub struct ReportStatusChange(ReportEvent);

/// A report's change of status, as pushed to `reportStatusChanged`.
#[Object]
impl ReportStatusChange {
    /// The report after the change.
    async fn report(&self) -> Report {
        Report(self.0.report.clone())
    }

    /// The status before the change.
    async fn previous_status(&self) -> ReportStatus {
        self.0.previous.into()
    }

    /// The status after the change.
    async fn status(&self) -> ReportStatus {
        self.0.report.status.into()
    }

    /// When the change was made.
    async fn at(&self) -> DateTime {
        DateTime(self.0.at)
    }
}

/// Subscriptions (graphql-transport-ws at `/graphql/ws`; the token goes in
/// the `connection_init` payload as `{"Authorization": "Bearer …"}`).
#[derive(Default)]
pub struct ReportingSubscription;

#[Subscription]
impl ReportingSubscription {
    /// Status changes of the reports the caller may read, optionally only
    /// those whose reporter lies under `within`. The caller's token is
    /// checked again at every event: the stream ends when it expires, or
    /// when the user is deactivated or changes their password.
    async fn report_status_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only reports whose reporter lies in this unit's subtree; you need a grant over it."
        )]
        within: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = ReportStatusChange> + use<>> {
        let db = db(ctx).clone();
        let session = ctx.data_opt::<Session>().cloned();
        let viewer = match &session {
            Some(session) => session.viewer(&db).await?,
            None => ctx.data_opt::<Viewer>().cloned(),
        }
        .ok_or(AppError::Unauthenticated)?;
        let within = match &within {
            Some(id) => {
                let uuid = unit_id("within", id)?;
                let unit = crate::units::service::existing(&db, uuid).await?;
                if !viewer.covers(&unit) {
                    return Err(AppError::Forbidden.into());
                }
                Some(unit.path)
            }
            None => None,
        };
        let events = ctx.data_opt::<ReportEvents>().cloned().unwrap_or_default();
        let listener = Listener {
            events: events.subscribe(),
            deadline: session.as_ref().map(Session::deadline),
            session,
            db,
            viewer,
            within,
            // Counted as open until the client stops it or goes away.
            _open: ctx
                .data_opt::<std::sync::Arc<crate::metrics::Metrics>>()
                .map(|m| m.subscription_opened()),
        };
        Ok(async_graphql::futures_util::stream::unfold(
            listener,
            |mut listener| async move {
                let event = listener.next().await?;
                Some((ReportStatusChange(event), listener))
            },
        ))
    }
}

/// One subscriber's state: what it hears, who it is, where it looks.
struct Listener {
    events: tokio::sync::broadcast::Receiver<ReportEvent>,
    session: Option<Session>,
    deadline: Option<tokio::time::Instant>,
    db: DatabaseConnection,
    viewer: Viewer,
    within: Option<String>,
    _open: Option<crate::metrics::OpenOwned>,
}

impl Listener {
    /// The next event the viewer may see; None when the stream ends.
    async fn next(&mut self) -> Option<ReportEvent> {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            let received = match self.deadline {
                Some(deadline) => tokio::select! {
                    received = self.events.recv() => received,
                    () = tokio::time::sleep_until(deadline) => return None,
                },
                None => self.events.recv().await,
            };
            let event = match received {
                Ok(event) => event,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            };
            if let Some(session) = &self.session {
                self.viewer = session.viewer(&self.db).await.ok().flatten()?;
            }
            let visible = reports::can_see(
                Some(&self.viewer),
                &event.report.reporter_path,
                &event.recipient_path,
            );
            let inside = self
                .within
                .as_ref()
                .is_none_or(|path| event.report.reporter_path.starts_with(path));
            if visible && inside {
                return Some(event);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_travel_as_their_canonical_text() {
        let parsed = <PeriodValue as ScalarType>::parse(Value::String("2026-09".into())).unwrap();
        assert_eq!(parsed.to_value(), Value::String("2026M09".into()));
        assert!(<PeriodValue as ScalarType>::parse(Value::String("2026Q9".into())).is_err());
        assert!(<PeriodValue as ScalarType>::parse(Value::Number(2026.into())).is_err());
    }
}

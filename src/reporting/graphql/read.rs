//! Queries of the reporting cycle: reports, progress, regimes and the
//! holiday calendar.

use super::*;

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
    page: reports::ReportPage,
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

/// A page of reports (Relay connection), ordered down the unit tree or by
/// reporter name.
#[Object]
impl ReportConnection {
    /// The reports of this page with their cursors.
    async fn edges(&self) -> Vec<ReportEdge> {
        self.page
            .page
            .items
            .iter()
            .map(|r| ReportEdge {
                cursor: self.page.cursor(r).encode(),
                node: Report(r.clone()),
            })
            .collect()
    }

    /// The reports of this page.
    async fn nodes(&self) -> Vec<Report> {
        self.page.page.items.iter().cloned().map(Report).collect()
    }

    /// Where this page sits in the whole list.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.page.page, |r| self.page.cursor(r))
    }

    /// How many reports match the filter (counted when asked).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        Ok(reports::count(ctx.db(), ctx.viewer(), &self.filter).await?)
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
    /// What kind of figure it is.
    pub value_type: ValueType,
    /// Sum of the accepted reports' values (for BOOLEAN, how many said yes;
    /// for TEXT, 0). For a computed indicator, its value (0 when undefined).
    pub total: f64,
    /// Accepted reports that gave a value; for a computed indicator, the
    /// fewest that gave any one of its inputs.
    pub reports: i64,
    /// The aggregated figure: the total, or the average for AVG; for a
    /// computed indicator its formula over the other indicators' figures
    /// (a rate from the totals, not an average of rates). Null with no
    /// reports, for TEXT, or when the formula divides by zero.
    pub value: Option<f64>,
}

impl From<&IndicatorTotal> for IndicatorTotalObject {
    fn from(t: &IndicatorTotal) -> Self {
        IndicatorTotalObject {
            code: t.code.clone(),
            name: t.name.clone(),
            measure: t.measure.clone(),
            aggregation: t.aggregation.into(),
            value_type: t.value_type.into(),
            total: t.total,
            reports: t.reports,
            value: t.value,
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

/// A regime's progress in one period, a point of `reportingTrend`.
#[derive(SimpleObject)]
pub struct PeriodProgress {
    /// The period, e.g. `2026Q1`.
    pub period: String,
    /// Its last day to submit.
    pub deadline: Date,
    /// Progress in that period under the unit asked for, with its
    /// children.
    pub progress: ReportingProgress,
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

/// Queries of the reporting cycle.
#[derive(Default)]
pub struct ReportingQuery;

#[Object]
impl ReportingQuery {
    /// Regimes whose recipient lies in a province the caller has a grant in.
    async fn regimes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Regime>> {
        let viewer = ctx.signed_in()?;
        Ok(reports::regimes_visible(ctx.db(), viewer)
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

    /// A report, if the caller has a grant over its reporter or recipient
    /// (FORBIDDEN otherwise; UNAUTHENTICATED without a token); null when
    /// there is none.
    async fn report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report's global id.")] id: ID,
    ) -> async_graphql::Result<Option<Report>> {
        let uuid = decode_id_of(NodeKind::Report, "id", &id)?;
        Ok(report_node(ctx, uuid).await?)
    }

    /// Reports whose reporter or recipient lies in the caller's scopes,
    /// ordered down the unit tree (CODE) or by the reporting unit's name
    /// (NAME).
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
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
        #[graphql(
            desc = "Down the unit tree (CODE, the default) or by the reporting unit's name in Vietnamese alphabetical order (NAME), ascending or descending."
        )]
        order_by: Option<ListOrder>,
    ) -> async_graphql::Result<ReportConnection> {
        let viewer = ctx.signed_in()?;
        let page = PageRequest::parse(first, after.as_deref(), last, before.as_deref())?
            .ordered(order_by)?;
        let f = filter.unwrap_or_default();
        let within = match &f.within {
            Some(id) => Some(
                crate::units::service::existing(ctx.db(), unit_id("within", id)?)
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
        let page = reports::list(ctx.db(), Some(viewer), &filter, &page, order_by).await?;
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
        let viewer = ctx.signed_in()?;
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
            progress::progress_for(ctx.db(), viewer, &period, regime, within).await?;
        let children = children
            .iter()
            .map(|c| ReportingProgress::from(c, Vec::new()))
            .collect();
        Ok(ReportingProgress::from(&head, children))
    }

    /// Progress of a regime over a range of its periods, oldest first (at
    /// most 60): for each, reports expected, submitted on time, late and
    /// missing under `within` and each of its children, for a dashboard's
    /// chart.
    async fn reporting_trend(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The regime.")] regime: ID,
        #[graphql(desc = "The first period, of the regime's frequency.")] from: PeriodValue,
        #[graphql(desc = "The last period, of the regime's frequency.")] to: PeriodValue,
        #[graphql(desc = "The unit whose subtree is counted; you need a grant over it.")]
        within: Option<ID>,
    ) -> async_graphql::Result<Vec<PeriodProgress>> {
        let viewer = ctx.signed_in()?;
        let regime = decode_id_of(NodeKind::Regime, "regime", &regime)?;
        regime_node(ctx, regime)
            .await?
            .ok_or(AppError::NotFound("regime"))?;
        let within = within
            .as_ref()
            .map(|id| unit_id("within", id))
            .transpose()?;
        let points = progress::trend(ctx.db(), viewer, regime, from.0, to.0, within).await?;
        Ok(points
            .into_iter()
            .map(|(period, head, children)| PeriodProgress {
                period: period.code,
                deadline: period.deadline.into(),
                progress: ReportingProgress::from(
                    &head,
                    children
                        .iter()
                        .map(|c| ReportingProgress::from(c, Vec::new()))
                        .collect(),
                ),
            })
            .collect())
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
        Ok(holidays::of_year(ctx.db(), year)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

//! The `Regime` and `ReportingPeriod` objects.

use super::*;

/// A figure every report of a regime gives (chỉ tiêu), or works out from
/// the others (`formula`).
#[derive(SimpleObject)]
pub struct Indicator {
    /// Code, unique within the regime; `IndicatorValueInput.indicator` names
    /// it, and formulas and rules read it.
    pub code: String,
    /// What is counted or measured.
    pub name: String,
    /// Unit of measure (đơn vị tính), e.g. "hồ sơ".
    pub measure: String,
    /// How values combine over units in rollups (a computed indicator is
    /// worked out from the combined figures instead).
    pub aggregation: Aggregation,
    /// What kind of figure it is, which decides the field a report gives.
    pub value_type: ValueType,
    /// Smallest value a report may give (0 for a PERCENTAGE unless set);
    /// null when unbounded.
    pub min: Option<f64>,
    /// Largest value a report may give (100 for a PERCENTAGE unless set);
    /// null when unbounded.
    pub max: Option<f64>,
    /// For a computed indicator, the expression that gives its value from
    /// other indicators, e.g. `100 * DUNG_HAN / DA_GIAI_QUYET`; it is never
    /// entered, and over several units it is worked out from their totals.
    /// Null for an entered indicator.
    pub formula: Option<String>,
}

impl From<&regime_indicator::Model> for Indicator {
    fn from(i: &regime_indicator::Model) -> Self {
        Indicator {
            code: i.code.clone(),
            name: i.name.clone(),
            measure: i.measure.clone(),
            aggregation: i.aggregation.into(),
            value_type: i.value_type.into(),
            min: i.min_value,
            max: i.max_value,
            formula: i.formula.clone(),
        }
    }
}

/// A validation rule between the indicators of a regime (kiểm tra logic),
/// e.g. `DUNG_HAN <= TIEP_NHAN`: a draft that breaks it is saved with a
/// warning, a report that breaks it cannot be submitted.
#[derive(SimpleObject)]
pub struct ValidationRule {
    /// Code, unique within the regime.
    pub code: String,
    /// What the rule says, shown when it is broken.
    pub name: String,
    /// The left side: an expression over indicator codes.
    pub left: String,
    /// How the sides compare.
    pub operator: Comparison,
    /// The right side: an expression over indicator codes.
    pub right: String,
    /// The whole rule as text, e.g. `DUNG_HAN <= TIEP_NHAN`.
    pub text: String,
}

impl From<&regime_rule::Model> for ValidationRule {
    fn from(r: &regime_rule::Model) -> Self {
        ValidationRule {
            code: r.code.clone(),
            name: r.name.clone(),
            left: r.left_expr.clone(),
            operator: r.operator.into(),
            right: r.right_expr.clone(),
            text: format!(
                "{} {} {}",
                r.left_expr,
                figures::symbol(r.operator),
                r.right_expr
            ),
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

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.0.id).await?)
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

    /// Whether a report needs its unit head's signature (`signReport`)
    /// before it is sent.
    async fn sign_off(&self) -> bool {
        self.0.sign_off
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

    /// The validation rules between its indicators, in order; may be empty.
    async fn rules(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ValidationRule>> {
        let list = loaders(ctx).rules.load_one(self.0.id).await?;
        Ok(list
            .unwrap_or_default()
            .iter()
            .map(ValidationRule::from)
            .collect())
    }

    /// The periods opened, newest first.
    async fn periods(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ReportingPeriod>> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        let rows = reporting_period::Entity::find()
            .filter(reporting_period::Column::RegimeId.eq(self.0.id))
            .order_by_desc(reporting_period::Column::DataTo)
            .all(ctx.db())
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

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.0.id).await?)
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

    /// Whether the period is closed: UBND tỉnh accepted its province
    /// report. Mandate changes no longer touch its reports (until the
    /// province report is reopened).
    async fn closed(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let compiled = loaders(ctx).compiled.load_one(self.0.id).await?;
        Ok(compiled.is_some_and(|r| r.status == report::ReportStatus::Accepted))
    }

    /// Sở Nội vụ's province report of the period, once compiled and if the
    /// caller may read it; null otherwise.
    async fn compiled_report(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Report>> {
        let Some(compiled) = loaders(ctx).compiled.load_one(self.0.id).await? else {
            return Ok(None);
        };
        let recipient = ctx
            .per_request::<UnitLoaders>()
            .by_id
            .load_one(compiled.recipient_unit_id)
            .await?;
        let visible = recipient
            .is_some_and(|r| reports::can_see(ctx.viewer(), &compiled.reporter_path, &r.path));
        Ok(visible.then_some(Report(compiled)))
    }
}

/// The regime `id` names, if the caller may see it.
pub async fn regime_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Regime>> {
    let viewer = ctx.signed_in()?;
    let visible = reports::regimes_visible(ctx.db(), viewer).await?;
    match visible.into_iter().find(|r| r.id == id) {
        Some(r) => Ok(Some(Regime(r))),
        None => match regimes::existing(ctx.db(), id).await {
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

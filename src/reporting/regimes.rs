//! Regimes and the opening of their periods: who reports, to whom, on
//! which mandates, by when.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use entity::mandate::{self, MandateState};
use entity::regime_indicator::{self, Aggregation, ValueType};
use entity::regime_rule::{self, Comparison};
use entity::reporting_regime::{self, CutoffRule, Frequency};
use entity::role_grant::Role;
use entity::unit::{self, UnitKind};
use entity::{
    indicator_rollup, mandate_assignment, report, report::ReportStatus, report_item, report_rollup,
    reporting_period,
};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use serde_json::json;
use uuid::Uuid;

use super::figures;
use super::holidays;
use super::periods::Period;
use super::reports::MAX_VALUE;
use crate::audit::{self, Change};
use crate::auth::Authority;
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::mandates::service::{check_code, territory};
use crate::text::check_text;
use crate::units::service::existing as existing_unit;
use crate::units::service::{in_force, path_ids, subtree_of, valid_on};

mod follow;
mod open;

pub use follow::*;
pub use open::*;

/// Rows per multi-row INSERT or `IN` list: well under SQLite's and
/// PostgreSQL's bound-parameter limits.
pub const CHUNK: usize = 400;

/// Inserts `rows` in multi-row statements of [`CHUNK`] rows.
pub async fn insert_all<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> AppResult<()>
where
    A: sea_orm::ActiveModelTrait + Clone + Send,
{
    for chunk in rows.chunks(CHUNK) {
        <A::Entity as EntityTrait>::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// An indicator as defined.
#[derive(Debug, Clone)]
pub struct IndicatorInput {
    pub code: String,
    pub name: String,
    pub measure: String,
    pub aggregation: Aggregation,
    /// What kind of figure it is (NUMBER unless said).
    pub value_type: ValueType,
    /// Smallest value a report may give; a PERCENTAGE has 0 unless given.
    pub min: Option<f64>,
    /// Largest value a report may give; a PERCENTAGE has 100 unless given.
    pub max: Option<f64>,
    /// Makes it a computed indicator: this expression over the codes of
    /// entered indicators gives its value, which is never entered.
    pub formula: Option<String>,
}

impl Default for IndicatorInput {
    /// A NUMBER added up over units, no bounds, entered; code and names
    /// to be filled in.
    fn default() -> Self {
        IndicatorInput {
            code: String::new(),
            name: String::new(),
            measure: String::new(),
            aggregation: Aggregation::Sum,
            value_type: ValueType::Number,
            min: None,
            max: None,
            formula: None,
        }
    }
}

/// A validation rule as defined: `left operator right`, e.g.
/// `DUNG_HAN <= TIEP_NHAN`.
#[derive(Debug, Clone)]
pub struct RuleInput {
    pub code: String,
    /// What the rule says, shown when it is broken.
    pub name: String,
    pub left: String,
    pub operator: Comparison,
    pub right: String,
}

/// Who reports under a regime.
#[derive(Debug, Clone, Default)]
pub enum Reporters {
    /// Every unit holding a mandate during the period's window.
    #[default]
    Holders,
    Kinds(Vec<UnitKind>),
    Units(Vec<Uuid>),
}

/// A regime as created.
#[derive(Debug, Clone)]
pub struct RegimeInput {
    pub code: String,
    pub name: String,
    pub content: String,
    pub recipient: Uuid,
    pub frequency: Frequency,
    pub cutoff_rule: CutoffRule,
    pub deadline_days: i32,
    pub compiled_deadline_days: i32,
    /// Who reports: these kinds of units, or these units (not both), or,
    /// with neither, every unit holding a mandate.
    pub reporter_kinds: Option<Vec<UnitKind>>,
    pub reporter_units: Option<Vec<Uuid>>,
    pub indicators: Vec<IndicatorInput>,
    /// Whether each report needs its unit head's signature before it is
    /// sent (`signReport`).
    pub sign_off: bool,
    /// Validation rules between the indicators (at most 50).
    pub rules: Vec<RuleInput>,
}

impl Default for RegimeInput {
    /// A quarterly regime after Nghị định 09/2019 (due 5 working days after
    /// the cut-off, compiled within 10) of every holder of a mandate, signed
    /// off, with no indicator or rule; code, names and recipient to be
    /// filled in.
    fn default() -> Self {
        RegimeInput {
            code: String::new(),
            name: String::new(),
            content: String::new(),
            recipient: Uuid::nil(),
            frequency: Frequency::Quarter,
            cutoff_rule: CutoffRule::Decree09,
            deadline_days: 5,
            compiled_deadline_days: 10,
            reporter_kinds: None,
            reporter_units: None,
            indicators: Vec::new(),
            sign_off: true,
            rules: Vec::new(),
        }
    }
}

impl RegimeInput {
    /// Who reports, as the input names them.
    fn reporters(&self) -> AppResult<Reporters> {
        match (&self.reporter_kinds, &self.reporter_units) {
            (Some(_), Some(_)) => Err(AppError::rule(
                Some("reporterKinds"),
                UserErrorCode::InvalidReporters,
                "give reporterKinds or reporterUnits, not both",
            )),
            (Some(kinds), None) => Ok(Reporters::Kinds(kinds.clone())),
            (None, Some(units)) => Ok(Reporters::Units(units.clone())),
            (None, None) => Ok(Reporters::Holders),
        }
    }
}

/// The `reporter_kinds`/`reporter_units` columns read back.
pub fn reporters_of(regime: &reporting_regime::Model) -> Reporters {
    if let Some(kinds) = &regime.reporter_kinds {
        return Reporters::Kinds(
            kinds
                .split(',')
                .filter_map(|k| UnitKind::try_from_value(&k.to_owned()).ok())
                .collect(),
        );
    }
    if let Some(units) = &regime.reporter_units {
        return Reporters::Units(serde_json::from_str(units).unwrap_or_default());
    }
    Reporters::Holders
}

/// A regime that must exist.
pub async fn existing(db: &impl ConnectionTrait, id: Uuid) -> AppResult<reporting_regime::Model> {
    reporting_regime::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("regime"))
}

/// The indicators of regimes, in their order.
pub async fn indicators_of(
    db: &impl ConnectionTrait,
    regimes: &[Uuid],
) -> AppResult<Vec<regime_indicator::Model>> {
    Ok(regime_indicator::Entity::find()
        .filter(regime_indicator::Column::RegimeId.is_in(regimes.iter().copied()))
        .order_by_asc(regime_indicator::Column::Position)
        .all(db)
        .await?)
}

fn check_deadlines(input: &RegimeInput) -> AppResult<()> {
    if !(1..=60).contains(&input.deadline_days) {
        return Err(AppError::rule(
            Some("deadlineDays"),
            UserErrorCode::InvalidDeadline,
            "a report is due 1 to 60 working days after the cut-off",
        ));
    }
    if !(1..=90).contains(&input.compiled_deadline_days)
        || input.compiled_deadline_days < input.deadline_days
    {
        return Err(AppError::rule(
            Some("compiledDeadlineDays"),
            UserErrorCode::DeadlineOrder,
            "the compiled report is due no earlier than the reports it compiles (1 to 90 working days)",
        ));
    }
    Ok(())
}

/// The checked indicators of a new regime, as rows (ids and regime to be
/// set): codes, texts, bounds (a PERCENTAGE gets 0..100 unless bounded
/// otherwise), and formulas that read entered numeric indicators only.
fn check_indicators(indicators: &[IndicatorInput]) -> AppResult<Vec<regime_indicator::Model>> {
    if indicators.len() > 50 {
        return Err(AppError::rule(
            Some("indicators"),
            UserErrorCode::TooManyIndicators,
            "a regime has at most 50 indicators",
        ));
    }
    let mut seen = HashSet::new();
    let mut rows = Vec::with_capacity(indicators.len());
    for (position, indicator) in indicators.iter().enumerate() {
        check_code(&indicator.code).map_err(|_| {
            AppError::rule(
                Some("indicators"),
                UserErrorCode::InvalidCode,
                format!(
                    "indicator code `{}`: 2 to 64 letters, digits, - _ . /",
                    indicator.code
                ),
            )
        })?;
        if !seen.insert(indicator.code.as_str()) {
            return Err(AppError::rule(
                Some("indicators"),
                UserErrorCode::DuplicateIndicator,
                format!("indicator `{}` is given twice", indicator.code),
            ));
        }
        let name = check_text("indicators", &indicator.name, 300)?;
        let measure = check_text("indicators", &indicator.measure, 50)?;
        let (min_value, max_value) = check_bounds(indicator)?;
        rows.push(regime_indicator::Model {
            id: Uuid::nil(),
            regime_id: Uuid::nil(),
            code: indicator.code.clone(),
            name,
            measure,
            aggregation: indicator.aggregation,
            position: position as i32,
            value_type: indicator.value_type,
            min_value,
            max_value,
            formula: indicator.formula.as_ref().map(|f| f.trim().to_owned()),
        });
    }
    for row in &rows {
        if let Some(formula) = &row.formula {
            if matches!(row.value_type, ValueType::Boolean | ValueType::Text) {
                return Err(AppError::rule(
                    Some("indicators"),
                    UserErrorCode::InvalidExpression,
                    format!(
                        "`{}`: a BOOLEAN or TEXT indicator is answered, not computed",
                        row.code
                    ),
                ));
            }
            check_expression("indicators", &row.code, formula, &rows, false)?;
        }
    }
    Ok(rows)
}

/// The bounds an indicator's values must keep.
fn check_bounds(indicator: &IndicatorInput) -> AppResult<(Option<f64>, Option<f64>)> {
    let refuse = |why: &str| {
        Err(AppError::rule(
            Some("indicators"),
            UserErrorCode::InvalidRange,
            format!("`{}`: {why}", indicator.code),
        ))
    };
    let bounded = indicator.min.is_some() || indicator.max.is_some();
    if bounded && indicator.formula.is_some() {
        return refuse("a computed indicator has no bounds; state a rule on it instead");
    }
    if bounded && matches!(indicator.value_type, ValueType::Boolean | ValueType::Text) {
        return refuse("a BOOLEAN or TEXT indicator has no bounds");
    }
    if [indicator.min, indicator.max]
        .into_iter()
        .flatten()
        .any(|b| !b.is_finite() || b.abs() > MAX_VALUE)
    {
        return refuse("bounds are finite numbers between -10^15 and 10^15");
    }
    let (min, max) = match (indicator.value_type, &indicator.formula) {
        (ValueType::Percentage, None) => (
            Some(indicator.min.unwrap_or(0.0)),
            Some(indicator.max.unwrap_or(100.0)),
        ),
        _ => (indicator.min, indicator.max),
    };
    if let (Some(min), Some(max)) = (min, max)
        && min > max
    {
        return refuse(&format!(
            "the smallest value ({min}) is above the largest ({max})"
        ));
    }
    Ok((min, max))
}

/// Checks an expression of `owner` (an indicator's formula, or a side of
/// a rule): its syntax, and that it reads indicators of the regime that
/// have a number (not TEXT), and for a formula only entered ones (no
/// chains of formulas, no formula reading itself).
fn check_expression(
    field: &'static str,
    owner: &str,
    text: &str,
    indicators: &[regime_indicator::Model],
    computed_allowed: bool,
) -> AppResult<()> {
    let expr = figures::parse(text).map_err(|e| {
        AppError::rule(
            Some(field),
            UserErrorCode::InvalidExpression,
            format!("`{owner}`: `{text}`: {e}"),
        )
    })?;
    for code in expr.codes() {
        let Some(read) = indicators.iter().find(|i| i.code == code) else {
            return Err(AppError::rule(
                Some(field),
                UserErrorCode::UnknownIndicator,
                format!("`{owner}` reads `{code}`, which the regime does not have"),
            ));
        };
        if read.value_type == ValueType::Text {
            return Err(AppError::rule(
                Some(field),
                UserErrorCode::InvalidExpression,
                format!("`{owner}` reads `{code}`, a TEXT indicator, which has no number"),
            ));
        }
        if read.formula.is_some() && !computed_allowed {
            return Err(AppError::rule(
                Some(field),
                UserErrorCode::InvalidExpression,
                format!(
                    "`{owner}` reads `{code}`, a computed indicator; a formula reads entered indicators only"
                ),
            ));
        }
    }
    Ok(())
}

/// The checked rules of a new regime, as rows (ids and regime to be set):
/// at most 50, codes unique, each side an expression over the regime's
/// numeric indicators (computed ones included), reading one at least.
fn check_rules(
    rules: &[RuleInput],
    indicators: &[regime_indicator::Model],
) -> AppResult<Vec<regime_rule::Model>> {
    if rules.len() > figures::MAX_RULES {
        return Err(AppError::rule(
            Some("rules"),
            UserErrorCode::TooManyRules,
            format!("a regime has at most {} rules", figures::MAX_RULES),
        ));
    }
    let mut seen = HashSet::new();
    let mut rows = Vec::with_capacity(rules.len());
    for (position, rule) in rules.iter().enumerate() {
        check_code(&rule.code).map_err(|_| {
            AppError::rule(
                Some("rules"),
                UserErrorCode::InvalidCode,
                format!(
                    "rule code `{}`: 2 to 64 letters, digits, - _ . /",
                    rule.code
                ),
            )
        })?;
        if !seen.insert(rule.code.as_str()) {
            return Err(AppError::rule(
                Some("rules"),
                UserErrorCode::DuplicateRule,
                format!("rule `{}` is given twice", rule.code),
            ));
        }
        let name = check_text("rules", &rule.name, 300)?;
        for side in [&rule.left, &rule.right] {
            check_expression("rules", &rule.code, side, indicators, true)?;
        }
        let reads = [&rule.left, &rule.right]
            .iter()
            .filter_map(|side| figures::parse(side).ok())
            .any(|e| !e.codes().is_empty());
        if !reads {
            return Err(AppError::rule(
                Some("rules"),
                UserErrorCode::InvalidExpression,
                format!("`{}` compares no indicator", rule.code),
            ));
        }
        rows.push(regime_rule::Model {
            id: Uuid::nil(),
            regime_id: Uuid::nil(),
            code: rule.code.clone(),
            name,
            left_expr: rule.left.trim().to_owned(),
            operator: rule.operator,
            right_expr: rule.right.trim().to_owned(),
            position: position as i32,
        });
    }
    Ok(rows)
}

/// The validation rules of regimes, in their order.
pub async fn rules_of(
    db: &impl ConnectionTrait,
    regimes: &[Uuid],
) -> AppResult<Vec<regime_rule::Model>> {
    Ok(regime_rule::Entity::find()
        .filter(regime_rule::Column::RegimeId.is_in(regimes.iter().copied()))
        .order_by_asc(regime_rule::Column::Position)
        .all(db)
        .await?)
}

/// Creates a regime: COORDINATOR over its recipient (Sở Nội vụ).
pub async fn create_regime(
    db: &DatabaseConnection,
    by: Authority<'_>,
    input: RegimeInput,
) -> AppResult<reporting_regime::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Reporting).await?;
    let recipient = existing_unit(&txn, input.recipient).await?;
    let actor = by.require(Role::Coordinator, &recipient)?;
    let reporters = input.reporters()?;
    check_code(&input.code)?;
    let name = check_text("name", &input.name, 300)?;
    let content =
        crate::text::check_long_text("content", Some(&input.content), 4000)?.ok_or_else(|| {
            AppError::rule(
                Some("content"),
                UserErrorCode::InvalidText,
                "content has 1 to 4000 characters",
            )
        })?;
    check_deadlines(&input)?;
    let indicator_rows = check_indicators(&input.indicators)?;
    let rule_rows = check_rules(&input.rules, &indicator_rows)?;
    if !matches!(recipient.kind, UnitKind::Department | UnitKind::Province) {
        return Err(AppError::rule(
            Some("recipient"),
            UserErrorCode::InvalidRecipient,
            "reports go to a provincial body (Sở Nội vụ) or the province; a compiled report goes on to the province",
        ));
    }
    let (kinds, units) = match &reporters {
        Reporters::Holders => (None, None),
        Reporters::Kinds(kinds) => {
            if kinds.is_empty() || kinds.contains(&UnitKind::Province) {
                return Err(AppError::rule(
                    Some("reporterKinds"),
                    UserErrorCode::InvalidReporters,
                    "name departments, districts or communes; the province report is compiled",
                ));
            }
            let mut names: Vec<String> = kinds.iter().map(|k| k.to_value()).collect();
            names.sort();
            names.dedup();
            (Some(names.join(",")), None)
        }
        Reporters::Units(ids) => {
            let distinct: HashSet<_> = ids.iter().collect();
            if ids.is_empty() || ids.len() > 2000 || distinct.len() != ids.len() {
                return Err(AppError::rule(
                    Some("reporterUnits"),
                    UserErrorCode::InvalidReporters,
                    "name 1 to 2000 distinct units",
                ));
            }
            let area = territory(&txn, &recipient).await?;
            for id in ids {
                let unit = existing_unit(&txn, *id).await?;
                if !unit.path.starts_with(&area) || unit.kind == UnitKind::Province {
                    return Err(AppError::rule(
                        Some("reporterUnits"),
                        UserErrorCode::ReporterOutsideTerritory,
                        format!("{} does not report to {}", unit.name, recipient.name),
                    ));
                }
            }
            (
                None,
                Some(serde_json::to_string(ids).expect("ids serialise")),
            )
        }
    };
    let taken = reporting_regime::Entity::find()
        .filter(reporting_regime::Column::Code.eq(input.code.as_str()))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(AppError::rule(
            Some("code"),
            UserErrorCode::DuplicateCode,
            "another regime has that code",
        ));
    }
    let regime = reporting_regime::Model {
        id: Uuid::now_v7(),
        code: input.code,
        name,
        content,
        recipient_unit_id: recipient.id,
        frequency: input.frequency,
        cutoff_rule: input.cutoff_rule,
        deadline_days: input.deadline_days,
        compiled_deadline_days: input.compiled_deadline_days,
        reporter_kinds: kinds,
        reporter_units: units,
        sign_off: input.sign_off,
        created_at: Utc::now(),
    };
    reporting_regime::Entity::insert(regime.clone().into_active_model())
        .exec_without_returning(&txn)
        .await?;
    let indicators: Vec<_> = indicator_rows
        .into_iter()
        .map(|i| {
            regime_indicator::Model {
                id: Uuid::now_v7(),
                regime_id: regime.id,
                ..i
            }
            .into_active_model()
        })
        .collect();
    insert_all(&txn, indicators).await?;
    let rules: Vec<_> = rule_rows
        .iter()
        .map(|r| {
            regime_rule::Model {
                id: Uuid::now_v7(),
                regime_id: regime.id,
                ..r.clone()
            }
            .into_active_model()
        })
        .collect();
    insert_all(&txn, rules).await?;
    let change = Change {
        action: "createRegime",
        entity_type: "ReportingRegime",
        entity_id: regime.id,
        scope_unit_id: Some(recipient.id),
        before: None,
        after: Some(json!({
            "code": regime.code, "name": regime.name, "recipientUnitId": regime.recipient_unit_id,
            "frequency": regime.frequency.to_value(), "cutoffRule": regime.cutoff_rule.to_value(),
            "deadlineDays": regime.deadline_days, "compiledDeadlineDays": regime.compiled_deadline_days,
            "reporterKinds": regime.reporter_kinds, "reporterUnits": regime.reporter_units,
            "indicators": input.indicators.iter().map(|i| json!({
                "code": i.code, "name": i.name, "measure": i.measure, "aggregation": i.aggregation.to_value(),
                "valueType": i.value_type.to_value(), "min": i.min, "max": i.max, "formula": i.formula,
            })).collect::<Vec<_>>(),
            "rules": rule_rows.iter().map(|r| json!({
                "code": r.code, "name": r.name, "left": r.left_expr,
                "operator": r.operator.to_value(), "right": r.right_expr,
            })).collect::<Vec<_>>(),
        })),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(regime)
}

/// The instant a deadline day ends in Vietnam (UTC+7): reports submitted
/// before it are on time.
pub fn end_of_day(day: NaiveDate) -> chrono::DateTime<Utc> {
    let next = day.succ_opt().unwrap_or(day).and_time(NaiveTime::MIN);
    Utc.from_utc_datetime(&(next - chrono::Duration::hours(7)))
}

/// The deadline day that ends at `end` (the inverse of [`end_of_day`]).
pub fn deadline_day(end: chrono::DateTime<Utc>) -> NaiveDate {
    (end + chrono::Duration::hours(7))
        .date_naive()
        .pred_opt()
        .unwrap_or(NaiveDate::MIN)
}

/// A period that must exist.
pub async fn existing_period(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<reporting_period::Model> {
    reporting_period::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("period"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_day_ends_at_midnight_in_vietnam() {
        let end = end_of_day("2026-03-16".parse().unwrap());
        assert_eq!(end.to_rfc3339(), "2026-03-16T17:00:00+00:00");
        assert_eq!(deadline_day(end), "2026-03-16".parse().unwrap());
    }
}

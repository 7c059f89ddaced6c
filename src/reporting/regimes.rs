//! Regimes and the opening of their periods: who reports, to whom, on
//! which mandates, by when.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use entity::mandate::{self, MandateState};
use entity::regime_indicator::{self, Aggregation};
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

use super::holidays;
use super::periods::Period;
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

fn check_indicators(indicators: &[IndicatorInput]) -> AppResult<()> {
    if indicators.len() > 50 {
        return Err(AppError::rule(
            Some("indicators"),
            UserErrorCode::TooManyIndicators,
            "a regime has at most 50 indicators",
        ));
    }
    let mut seen = HashSet::new();
    for indicator in indicators {
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
        check_text("indicators", &indicator.name, 300)?;
        check_text("indicators", &indicator.measure, 50)?;
    }
    Ok(())
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
    check_indicators(&input.indicators)?;
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
        created_at: Utc::now(),
    };
    reporting_regime::Entity::insert(regime.clone().into_active_model())
        .exec_without_returning(&txn)
        .await?;
    let indicators: Vec<_> = input
        .indicators
        .iter()
        .enumerate()
        .map(|(position, i)| {
            regime_indicator::Model {
                id: Uuid::now_v7(),
                regime_id: regime.id,
                code: i.code.clone(),
                name: i.name.trim().to_owned(),
                measure: i.measure.trim().to_owned(),
                aggregation: i.aggregation,
                position: position as i32,
            }
            .into_active_model()
        })
        .collect();
    insert_all(&txn, indicators).await?;
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

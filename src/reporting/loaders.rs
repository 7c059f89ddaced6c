//! DataLoaders for reports: items, values, periods, regimes, indicators,
//! rules and which items ask for procedures, for a page of reports, cost
//! one statement (or two) each.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{
    regime_indicator, regime_rule, report_item, report_signature, report_value, reporting_period,
    reporting_regime,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::error::AppError;
use crate::graphql::batched;

/// The report loaders of one request.
pub struct ReportLoaders {
    pub items: DataLoader<ItemsOf>,
    pub values: DataLoader<ValuesOf>,
    pub periods: DataLoader<PeriodById>,
    pub regimes: DataLoader<RegimeById>,
    pub indicators: DataLoader<IndicatorsOf>,
    pub signatures: DataLoader<SignatureOf>,
    pub compiled: DataLoader<CompiledOf>,
    pub rules: DataLoader<RulesOf>,
    pub asks_procedures: DataLoader<AsksProcedures>,
}

impl ReportLoaders {
    pub fn new(db: &DatabaseConnection) -> Self {
        ReportLoaders {
            items: batched(ItemsOf(db.clone())),
            values: batched(ValuesOf(db.clone())),
            periods: batched(PeriodById(db.clone())),
            regimes: batched(RegimeById(db.clone())),
            indicators: batched(IndicatorsOf(db.clone())),
            signatures: batched(SignatureOf(db.clone())),
            compiled: batched(CompiledOf(db.clone())),
            rules: batched(RulesOf(db.clone())),
            asks_procedures: batched(AsksProcedures(db.clone())),
        }
    }
}

/// Rows grouped under their key, in their order.
fn group_by<T>(rows: Vec<T>, key: impl Fn(&T) -> Uuid) -> HashMap<Uuid, Vec<T>> {
    let mut map: HashMap<Uuid, Vec<T>> = HashMap::new();
    for row in rows {
        map.entry(key(&row)).or_default().push(row);
    }
    map
}

/// The items of reports, in creation order.
pub struct ItemsOf(DatabaseConnection);

impl Loader<Uuid> for ItemsOf {
    type Value = Vec<report_item::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        let rows = report_item::Entity::find()
            .filter(report_item::Column::ReportId.is_in(keys.iter().copied()))
            .order_by_asc(report_item::Column::Id)
            .all(&self.0)
            .await?;
        Ok(group_by(rows, |r| r.report_id))
    }
}

/// The indicator values of reports.
pub struct ValuesOf(DatabaseConnection);

impl Loader<Uuid> for ValuesOf {
    type Value = Vec<report_value::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        let rows = report_value::Entity::find()
            .filter(report_value::Column::ReportId.is_in(keys.iter().copied()))
            .all(&self.0)
            .await?;
        Ok(group_by(rows, |r| r.report_id))
    }
}

/// Periods by id.
pub struct PeriodById(DatabaseConnection);

impl Loader<Uuid> for PeriodById {
    type Value = reporting_period::Model;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        let rows = reporting_period::Entity::find()
            .filter(reporting_period::Column::Id.is_in(keys.iter().copied()))
            .all(&self.0)
            .await?;
        Ok(rows.into_iter().map(|p| (p.id, p)).collect())
    }
}

/// Regimes by id.
pub struct RegimeById(DatabaseConnection);

impl Loader<Uuid> for RegimeById {
    type Value = reporting_regime::Model;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        let rows = reporting_regime::Entity::find()
            .filter(reporting_regime::Column::Id.is_in(keys.iter().copied()))
            .all(&self.0)
            .await?;
        Ok(rows.into_iter().map(|r| (r.id, r)).collect())
    }
}

/// The indicators of regimes, in order.
pub struct IndicatorsOf(DatabaseConnection);

impl Loader<Uuid> for IndicatorsOf {
    type Value = Vec<regime_indicator::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        let rows = super::regimes::indicators_of(&self.0, keys).await?;
        Ok(group_by(rows, |r| r.regime_id))
    }
}

/// The signatures of reports.
pub struct SignatureOf(DatabaseConnection);

impl Loader<Uuid> for SignatureOf {
    type Value = report_signature::Model;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        let rows = report_signature::Entity::find()
            .filter(report_signature::Column::ReportId.is_in(keys.iter().copied()))
            .all(&self.0)
            .await?;
        Ok(rows.into_iter().map(|s| (s.report_id, s)).collect())
    }
}

/// The validation rules of regimes, in order.
pub struct RulesOf(DatabaseConnection);

impl Loader<Uuid> for RulesOf {
    type Value = Vec<regime_rule::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        let rows = super::regimes::rules_of(&self.0, keys).await?;
        Ok(group_by(rows, |r| r.regime_id))
    }
}

/// Whether a mandate's report items ask for procedure counts, by mandate.
pub struct AsksProcedures(DatabaseConnection);

impl Loader<Uuid> for AsksProcedures {
    type Value = bool;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, bool>, AppError> {
        let asking = super::reports::asking_procedures(&self.0, keys).await?;
        Ok(keys.iter().map(|k| (*k, asking.contains(k))).collect())
    }
}

/// The compiled report of periods, where one has been compiled.
pub struct CompiledOf(DatabaseConnection);

impl Loader<Uuid> for CompiledOf {
    type Value = entity::report::Model;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        let rows = entity::report::Entity::find()
            .filter(entity::report::Column::PeriodId.is_in(keys.iter().copied()))
            .filter(entity::report::Column::Compiled.eq(true))
            .all(&self.0)
            .await?;
        Ok(rows.into_iter().map(|r| (r.period_id, r)).collect())
    }
}

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
use entity::{
    holiday, regime_indicator, regime_rule, report_item, reporting_period, reporting_regime,
};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::events::{ReportEvent, ReportEvents};
use super::figures::{self, Violation};
use super::holidays;
use super::loaders::ReportLoaders;
use super::periods::Period;
use super::progress::{self, IndicatorTotal, Progress};
use super::regimes::{self, IndicatorInput, RegimeInput, Reporters, RuleInput};
use super::reports::{self, DraftInput, ItemInput, Review, Transition, ValueInput};
use crate::auth::{Authority, RoleGuard, Session, Viewer};
use crate::calendar;
use crate::error::{AppError, AppResult};
use crate::graphql::ContextExt;
use crate::graphql::{
    Date, DateTime, NodeKind, UserError, decode_id_of, encode_id, required, split,
};
use crate::mandates::graphql::Mandate;
use crate::pagination::{ListOrder, PageInfo, PageRequest, page_complexity};
use crate::units::graphql::{Unit, UnitKind, unit_by_id};
use crate::units::loaders::UnitLoaders;

mod compiled_object;
mod read;
mod regime_object;
mod report_object;
mod sign_off;
mod subscription;
mod types;
mod workflow;
pub(crate) use workflow::announce;

pub use compiled_object::*;
pub use read::*;
pub use regime_object::*;
pub use report_object::*;
pub use sign_off::*;
pub use subscription::*;
pub use types::*;
pub use workflow::*;

fn loaders<'a>(ctx: &'a Context<'_>) -> &'a ReportLoaders {
    ctx.per_request::<ReportLoaders>()
}

fn unit_id(field: &str, id: &ID) -> AppResult<Uuid> {
    decode_id_of(NodeKind::Unit, field, id)
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

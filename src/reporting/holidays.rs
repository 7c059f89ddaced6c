//! The holiday calendar: the days shipped with phancap (data/holidays.csv,
//! from the official notices named in each row), installed by `migrate`,
//! and the days administrators add.

use chrono::{Datelike, NaiveDate, Utc, Weekday};
use entity::holiday::{self, DayKind};
use entity::role_grant::Role;
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder,
};
use serde_json::json;

use super::periods::WorkCalendar;
use crate::audit::{self, Change};
use crate::auth::Authority;
use crate::error::{AppError, AppResult, UserErrorCode};

const SHIPPED: &str = include_str!("../../data/holidays.csv");

/// The bundled days.
pub fn shipped() -> Result<Vec<holiday::Model>, String> {
    let mut reader = csv::Reader::from_reader(SHIPPED.as_bytes());
    let mut days = Vec::new();
    for (line, row) in reader.records().enumerate() {
        let row = row.map_err(|e| format!("holidays.csv: {e}"))?;
        let bad = || format!("holidays.csv line {}: bad row", line + 2);
        let day: NaiveDate = row.get(0).ok_or_else(bad)?.parse().map_err(|_| bad())?;
        let kind =
            DayKind::try_from_value(&row.get(1).ok_or_else(bad)?.to_owned()).map_err(|_| bad())?;
        days.push(holiday::Model {
            day,
            kind,
            name: row.get(2).ok_or_else(bad)?.to_owned(),
            source: row.get(3).ok_or_else(bad)?.to_owned(),
            created_at: Utc::now(),
        });
    }
    Ok(days)
}

/// Inserts the bundled days the database lacks; days already there (also
/// ones an administrator changed) are left alone.
pub async fn install_shipped(db: &impl ConnectionTrait) -> Result<usize, sea_orm::DbErr> {
    let days = shipped().map_err(sea_orm::DbErr::Custom)?;
    let present: Vec<NaiveDate> = holiday::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|h| h.day)
        .collect();
    let missing: Vec<_> = days
        .into_iter()
        .filter(|h| !present.contains(&h.day))
        .map(IntoActiveModel::into_active_model)
        .collect();
    let count = missing.len();
    if count > 0 {
        holiday::Entity::insert_many(missing).exec(db).await?;
    }
    Ok(count)
}

/// The working calendar from `from` to well past `to`: the longest
/// deadline (90 working days) ends within 400 days of its cut-off.
pub async fn calendar(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<WorkCalendar> {
    let until = to + chrono::Days::new(400);
    let days = holiday::Entity::find()
        .filter(holiday::Column::Day.between(from, until))
        .all(db)
        .await?;
    Ok(WorkCalendar::new(days.into_iter().map(|h| (h.day, h.kind))))
}

/// The days of `year`, in order.
pub async fn of_year(db: &impl ConnectionTrait, year: i32) -> AppResult<Vec<holiday::Model>> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or(AppError::invalid("bad year"))?;
    let last = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(AppError::invalid("bad year"))?;
    Ok(holiday::Entity::find()
        .filter(holiday::Column::Day.between(first, last))
        .order_by_asc(holiday::Column::Day)
        .all(db)
        .await?)
}

/// A day to add to the calendar.
#[derive(Debug, Clone)]
pub struct NewHoliday {
    pub day: NaiveDate,
    pub kind: DayKind,
    pub name: String,
    pub source: String,
}

/// The years the calendar holds: `holidays(year)` reads them, `addHoliday`
/// writes them.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Adds a day (ADMIN, anywhere: the calendar is national). A HOLIDAY must
/// fall on a weekday and a WORKDAY on a weekend; a day is recorded once,
/// within [`YEARS`]. Deadlines of periods already open keep the dates they
/// were given.
pub async fn add_holiday(
    db: &DatabaseConnection,
    by: Authority<'_>,
    input: NewHoliday,
) -> AppResult<holiday::Model> {
    let actor = by.require_anywhere(Role::Admin)?;
    let weekend = matches!(input.day.weekday(), Weekday::Sat | Weekday::Sun);
    match input.kind {
        DayKind::Holiday if weekend => {
            return Err(AppError::rule(
                Some("date"),
                UserErrorCode::NotAWeekday,
                "a weekend day is off already; record the weekday given in its place",
            ));
        }
        DayKind::Workday if !weekend => {
            return Err(AppError::rule(
                Some("date"),
                UserErrorCode::NotAWeekendDay,
                "a weekday is worked already; a make-up day is a Saturday or Sunday",
            ));
        }
        _ => {}
    }
    if !YEARS.contains(&input.day.year()) {
        return Err(AppError::rule(
            Some("date"),
            UserErrorCode::OutOfRange,
            format!(
                "the calendar holds the years {} to {}",
                YEARS.start(),
                YEARS.end()
            ),
        ));
    }
    let name = crate::text::check_text("name", &input.name, 200)?;
    let source = crate::text::check_text("source", &input.source, 200)?;
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Calendar).await?;
    if holiday::Entity::find_by_id(input.day)
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(AppError::rule(
            Some("date"),
            UserErrorCode::DuplicateDay,
            format!("{} is already in the calendar", input.day),
        ));
    }
    let day = holiday::Model {
        day: input.day,
        kind: input.kind,
        name,
        source,
        created_at: Utc::now(),
    };
    holiday::Entity::insert(day.clone().into_active_model())
        .exec_without_returning(&txn)
        .await?;
    let change = Change {
        action: "addHoliday",
        entity_type: "Holiday",
        entity_id: uuid::Uuid::nil(),
        scope_unit_id: None,
        before: None,
        after: Some(json!({
            "date": day.day, "kind": day.kind.to_value(), "name": day.name, "source": day.source,
        })),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_calendar_is_consistent() {
        let days = shipped().unwrap();
        assert!(days.len() >= 50);
        for year in 2024..=2027 {
            assert!(days.iter().any(|d| d.day.year() == year), "{year} missing");
        }
        for day in &days {
            let weekend = matches!(day.day.weekday(), Weekday::Sat | Weekday::Sun);
            assert_eq!(
                weekend,
                day.kind == DayKind::Workday,
                "{} {:?}",
                day.day,
                day.kind
            );
            assert!(!day.source.is_empty() && !day.name.is_empty());
        }
    }
}

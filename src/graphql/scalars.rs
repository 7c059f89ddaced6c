//! Scalars shared by every domain.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// A calendar date without time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

/// The years a date may fall in: far around any decision, and such that
/// both databases compare and store every date alike (text order on
/// SQLite is date order only for four-digit years).
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// A calendar date in ISO 8601 form, `YYYY-MM-DD` (e.g. "2025-07-01"),
/// in the years 1900 to 2200.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        use chrono::Datelike;
        match &value {
            Value::String(s) => {
                let shown: String = s.chars().take(40).collect();
                let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                    InputValueError::custom(format!("`{shown}` is not a date (YYYY-MM-DD)"))
                })?;
                if !YEARS.contains(&date.year()) {
                    return Err(InputValueError::custom(format!(
                        "`{shown}` is outside the years {} to {}",
                        YEARS.start(),
                        YEARS.end()
                    )));
                }
                Ok(Date(date))
            }
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(date: NaiveDate) -> Self {
        Date(date)
    }
}

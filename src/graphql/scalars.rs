//! Scalars shared by every domain.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{NaiveDate, Utc};

/// A calendar date without time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

/// The years a date may fall in: far around any decision, and such that
/// both databases compare and store every date alike (text order on
/// SQLite is date order only for four-digit years).
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// A calendar date in ISO 8601 form, `YYYY-MM-DD` (e.g. "2025-07-01"),
/// in the years 1900 to 2200.
#[Scalar(
    name = "Date",
    specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339#section-5.6"
)]
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

/// An instant, kept in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateTime(pub chrono::DateTime<Utc>);

/// An instant as an RFC 3339 date-time in UTC with the offset written
/// `+00:00`, e.g. "2026-11-30T08:00:00+00:00"; fractional seconds appear
/// only when non-zero, as 3, 6 or 9 digits ("2026-11-30T08:00:00.250+00:00").
/// Input may use `Z` or any offset and is converted to UTC.
#[Scalar(
    name = "DateTime",
    specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339#section-5.6"
)]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => Ok(DateTime(s.parse::<chrono::DateTime<Utc>>()?)),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    // Written as async-graphql's built-in chrono scalar wrote it, so that
    // no client sees a change of format.
    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339())
    }
}

impl From<chrono::DateTime<Utc>> for DateTime {
    fn from(at: chrono::DateTime<Utc>) -> Self {
        DateTime(at)
    }
}

/// Any JSON value, sent as itself rather than as a string.
#[derive(Debug, Clone, PartialEq)]
pub struct Json(pub serde_json::Value);

/// Any JSON value (RFC 8259), sent as itself: an object, array, string,
/// number, boolean or null, not a string holding JSON text.
#[Scalar(
    name = "JSON",
    specified_by_url = "https://www.rfc-editor.org/rfc/rfc8259"
)]
impl ScalarType for Json {
    fn parse(value: Value) -> InputValueResult<Self> {
        Ok(Json(value.into_json()?))
    }

    // As async-graphql's built-in `Json` wrote it.
    fn to_value(&self) -> Value {
        async_graphql::to_value(&self.0).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The instants the tests write: whole seconds and each width of
    /// fractional seconds.
    fn instants() -> Vec<chrono::DateTime<Utc>> {
        [
            "2026-11-30T08:00:00Z",
            "2026-11-30T08:00:00.250Z",
            "2026-11-30T08:00:00.123456Z",
            "2026-11-30T08:00:00.123456789Z",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect()
    }

    #[test]
    fn date_times_travel_exactly_as_the_chrono_scalar_wrote_them() {
        for at in instants() {
            assert_eq!(
                DateTime(at).to_value(),
                <chrono::DateTime<Utc> as ScalarType>::to_value(&at)
            );
        }
        assert_eq!(
            DateTime(instants()[1]).to_value(),
            Value::String("2026-11-30T08:00:00.250+00:00".into())
        );
        assert_eq!(
            DateTime(instants()[0]).to_value(),
            Value::String("2026-11-30T08:00:00+00:00".into())
        );
    }

    #[test]
    fn date_times_are_read_as_the_chrono_scalar_read_them() {
        for text in [
            "2026-11-30T08:00:00Z",
            "2026-11-30T15:00:00+07:00",
            "2026-11-30T08:00:00.5+00:00",
        ] {
            let ours = <DateTime as ScalarType>::parse(Value::String(text.into())).unwrap();
            let theirs =
                <chrono::DateTime<Utc> as ScalarType>::parse(Value::String(text.into())).unwrap();
            assert_eq!(ours.0, theirs);
        }
        assert!(<DateTime as ScalarType>::parse(Value::String("30/11/2026".into())).is_err());
        assert!(<DateTime as ScalarType>::parse(Value::Number(0.into())).is_err());
    }

    #[test]
    fn json_travels_as_itself_not_as_text() {
        let value = serde_json::json!({ "code": "19-SNV", "depth": 1, "tags": [true, null] });
        assert_eq!(
            Json(value.clone()).to_value(),
            Value::from_json(value).unwrap()
        );
    }
}

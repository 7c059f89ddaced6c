//! Dates as the province sees them.

use chrono::{FixedOffset, NaiveDate, Utc};

/// Vietnam keeps UTC+7 all year (no daylight saving).
const VIETNAM_OFFSET_SECONDS: i32 = 7 * 3600;

/// Today's date in Vietnam: the default of every `asOf` argument.
pub fn today() -> NaiveDate {
    day_of(Utc::now())
}

/// The date in Vietnam at instant `at`.
pub fn day_of(at: chrono::DateTime<Utc>) -> NaiveDate {
    let offset = FixedOffset::east_opt(VIETNAM_OFFSET_SECONDS).expect("UTC+7 is a valid offset");
    at.with_timezone(&offset).date_naive()
}

/// `date` moved into `[from, to]` (either end open): the date at which a
/// unit valid over that range is looked at when the caller asked for `date`.
pub fn clamp(date: NaiveDate, from: Option<NaiveDate>, to: Option<NaiveDate>) -> NaiveDate {
    match (from, to) {
        (Some(from), _) if date < from => from,
        (_, Some(to)) if date > to => to,
        _ => date,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn clamping_keeps_a_date_inside_a_validity() {
        let end = Some(d("2025-06-30"));
        assert_eq!(clamp(d("2026-01-01"), None, end), d("2025-06-30"));
        assert_eq!(clamp(d("2020-01-01"), None, end), d("2020-01-01"));
        assert_eq!(
            clamp(d("2025-01-01"), Some(d("2025-07-01")), None),
            d("2025-07-01")
        );
        assert_eq!(
            clamp(d("2026-01-01"), Some(d("2025-07-01")), None),
            d("2026-01-01")
        );
    }
}

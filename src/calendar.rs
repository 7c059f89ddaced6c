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
    in_vietnam(at).date_naive()
}

/// Instant `at` on Vietnam's clock.
fn in_vietnam(at: chrono::DateTime<Utc>) -> chrono::DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(VIETNAM_OFFSET_SECONDS).expect("UTC+7 is a valid offset");
    at.with_timezone(&offset)
}

/// Instant `at` as a person in Vietnam reads it: "14:05 ngày 01/12/2026"
/// (Vietnam's time; there is one zone and no daylight saving).
pub fn time_vi(at: chrono::DateTime<Utc>) -> String {
    in_vietnam(at).format("%H:%M ngày %d/%m/%Y").to_string()
}

/// Instant `at` for an English reader in Vietnam: "14:05 on 01/12/2026
/// (UTC+7)".
pub fn time_en(at: chrono::DateTime<Utc>) -> String {
    in_vietnam(at)
        .format("%H:%M on %d/%m/%Y (UTC+7)")
        .to_string()
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
    fn times_are_read_on_vietnams_clock() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T17:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(time_vi(at), "00:30 ngày 02/12/2026");
        assert_eq!(time_en(at), "00:30 on 02/12/2026 (UTC+7)");
        assert_eq!(day_of(at), d("2026-12-02"));
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

//! Periods, their data windows and deadlines in working days, after
//! Nghị định 09/2019/NĐ-CP Điều 12. Pure arithmetic: the holiday calendar
//! is passed in, loaded from the `holiday` table by the caller.

use std::collections::HashSet;
use std::fmt;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use entity::holiday::DayKind;
use entity::reporting_regime::{CutoffRule, Frequency};

/// A reporting period as clients write it: `2026M09` (also `2026-09`),
/// `2026Q1`, `2026H1`, `2026N9` (nine months), `2026`, or an ad-hoc
/// window `2026-03-15..2026-04-20`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
    Half { year: i32, half: u32 },
    NineMonth { year: i32 },
    Year { year: i32 },
    AdHoc { from: NaiveDate, to: NaiveDate },
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month { year, month } => write!(f, "{year}M{month:02}"),
            Period::Quarter { year, quarter } => write!(f, "{year}Q{quarter}"),
            Period::Half { year, half } => write!(f, "{year}H{half}"),
            Period::NineMonth { year } => write!(f, "{year}N9"),
            Period::Year { year } => write!(f, "{year}"),
            Period::AdHoc { from, to } => write!(f, "{from}..{to}"),
        }
    }
}

impl std::str::FromStr for Period {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "`{s}` is not a period: write 2026M09, 2026Q1, 2026H1, 2026N9, 2026 or 2026-03-15..2026-04-20"
            )
        };
        if let Some((from, to)) = s.split_once("..") {
            let from: NaiveDate = from.parse().map_err(|_| bad())?;
            let to: NaiveDate = to.parse().map_err(|_| bad())?;
            if to < from || (to - from).num_days() > 366 {
                return Err(format!(
                    "`{s}`: an ad-hoc period runs forwards, at most a year"
                ));
            }
            return Ok(Period::AdHoc { from, to });
        }
        if s.len() < 4 || !s.is_char_boundary(4) {
            return Err(bad());
        }
        let (year, rest) = s.split_at(4);
        let year: i32 = year
            .parse()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(bad)?;
        let number = |text: &str, max: u32| -> Result<u32, String> {
            let n: u32 = text.parse().map_err(|_| bad())?;
            if (1..=max).contains(&n) && text.len() <= 2 && !text.starts_with('+') {
                Ok(n)
            } else {
                Err(bad())
            }
        };
        match rest.as_bytes().first() {
            None => Ok(Period::Year { year }),
            Some(b'M') if rest.len() == 3 => Ok(Period::Month {
                year,
                month: number(&rest[1..], 12)?,
            }),
            Some(b'-') if rest.len() == 3 => Ok(Period::Month {
                year,
                month: number(&rest[1..], 12)?,
            }),
            Some(b'Q') if rest.len() == 2 => Ok(Period::Quarter {
                year,
                quarter: number(&rest[1..], 4)?,
            }),
            Some(b'H') if rest.len() == 2 => Ok(Period::Half {
                year,
                half: number(&rest[1..], 2)?,
            }),
            Some(b'N') if rest == "N9" => Ok(Period::NineMonth { year }),
            _ => Err(bad()),
        }
    }
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid calendar date")
}

/// The 15th of the month before `(year, month)`.
fn fifteenth_before(year: i32, month: u32) -> NaiveDate {
    if month == 1 {
        ymd(year - 1, 12, 15)
    } else {
        ymd(year, month - 1, 15)
    }
}

fn last_day(year: i32, month: u32) -> NaiveDate {
    let next = if month == 12 {
        ymd(year + 1, 1, 1)
    } else {
        ymd(year, month + 1, 1)
    };
    next.pred_opt().expect("a day before the first of a month")
}

impl Period {
    /// The frequency a period of this shape belongs to.
    pub fn frequency(&self) -> Frequency {
        match self {
            Period::Month { .. } => Frequency::Month,
            Period::Quarter { .. } => Frequency::Quarter,
            Period::Half { .. } => Frequency::HalfYear,
            Period::NineMonth { .. } => Frequency::NineMonth,
            Period::Year { .. } => Frequency::Year,
            Period::AdHoc { .. } => Frequency::AdHoc,
        }
    }

    /// The months `(year, first, last)` the period covers (an ad-hoc
    /// period has none).
    fn months(&self) -> Option<(i32, u32, u32)> {
        match *self {
            Period::Month { year, month } => Some((year, month, month)),
            Period::Quarter { year, quarter } => Some((year, 3 * quarter - 2, 3 * quarter)),
            Period::Half { year, half } => Some((year, 6 * half - 5, 6 * half)),
            Period::NineMonth { year } => Some((year, 1, 9)),
            Period::Year { year } => Some((year, 1, 12)),
            Period::AdHoc { .. } => None,
        }
    }

    /// The data window `(from, cut-off)`. Under Nghị định 09 a window runs
    /// from the 15th of the month before the period to the 14th of its last
    /// month; a half-year, nine-month or year report starts on 15 December
    /// of the year before. Under the calendar rule it is the months
    /// themselves.
    pub fn window(&self, rule: CutoffRule) -> (NaiveDate, NaiveDate) {
        if let Period::AdHoc { from, to } = *self {
            return (from, to);
        }
        let (year, first, last) = self.months().expect("not ad hoc");
        match rule {
            CutoffRule::Decree09 => (fifteenth_before(year, first), ymd(year, last, 14)),
            CutoffRule::Calendar => (ymd(year, first, 1), last_day(year, last)),
        }
    }

    /// Every period of `frequency` in `year` (none for AD_HOC).
    pub fn all_in(year: i32, frequency: Frequency) -> Vec<Period> {
        match frequency {
            Frequency::Month => (1..=12)
                .map(|month| Period::Month { year, month })
                .collect(),
            Frequency::Quarter => (1..=4)
                .map(|quarter| Period::Quarter { year, quarter })
                .collect(),
            Frequency::HalfYear => (1..=2).map(|half| Period::Half { year, half }).collect(),
            Frequency::NineMonth => vec![Period::NineMonth { year }],
            Frequency::Year => vec![Period::Year { year }],
            Frequency::AdHoc => Vec::new(),
        }
    }
}

/// Which days are worked: Monday to Friday, less the holidays, plus the
/// weekend days worked in exchange.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    off: HashSet<NaiveDate>,
    on: HashSet<NaiveDate>,
}

impl WorkCalendar {
    /// A calendar from `(day, kind)` rows.
    pub fn new(days: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Self {
        let mut calendar = WorkCalendar::default();
        for (day, kind) in days {
            match kind {
                DayKind::Holiday => calendar.off.insert(day),
                DayKind::Workday => calendar.on.insert(day),
            };
        }
        calendar
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.on.contains(&day) {
            return true;
        }
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.off.contains(&day)
    }

    /// The `n`-th working day after `day` (`n` ≥ 1: a deadline is never the
    /// cut-off itself).
    pub fn add_working_days(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut left = n.max(1);
        let mut current = day;
        loop {
            current = current + Days::new(1);
            if self.is_working_day(current) {
                left -= 1;
                if left == 0 {
                    return current;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    /// The shipped calendar, as the server loads it.
    fn shipped() -> WorkCalendar {
        let rows = crate::reporting::holidays::shipped().expect("the bundled calendar parses");
        WorkCalendar::new(rows.into_iter().map(|h| (h.day, h.kind)))
    }

    #[test]
    fn periods_parse_and_print_canonically() {
        for text in [
            "2026M09",
            "2026Q1",
            "2026H1",
            "2026H2",
            "2026N9",
            "2026",
            "2026-03-15..2026-04-20",
        ] {
            assert_eq!(p(text).to_string(), text);
        }
        assert_eq!(p("2026-09"), p("2026M09"));
        for bad in [
            "2026Q5",
            "2026M13",
            "2026M00",
            "2026Q",
            "26Q1",
            "2026H3",
            "2026X1",
            "1999",
            "2026-04-20..2026-03-15",
            "2026N8",
            "2026M+1",
            "2026-1-",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn decree_09_windows_run_from_the_15th_to_the_14th() {
        let rule = CutoffRule::Decree09;
        assert_eq!(p("2026Q1").window(rule), (d("2025-12-15"), d("2026-03-14")));
        assert_eq!(p("2026Q2").window(rule), (d("2026-03-15"), d("2026-06-14")));
        assert_eq!(p("2026Q3").window(rule), (d("2026-06-15"), d("2026-09-14")));
        assert_eq!(p("2026Q4").window(rule), (d("2026-09-15"), d("2026-12-14")));
        assert_eq!(p("2026H1").window(rule), (d("2025-12-15"), d("2026-06-14")));
        assert_eq!(p("2026H2").window(rule), (d("2026-06-15"), d("2026-12-14")));
        assert_eq!(p("2026N9").window(rule), (d("2025-12-15"), d("2026-09-14")));
        assert_eq!(p("2026").window(rule), (d("2025-12-15"), d("2026-12-14")));
        assert_eq!(
            p("2026M01").window(rule),
            (d("2025-12-15"), d("2026-01-14"))
        );
        assert_eq!(
            p("2026M09").window(rule),
            (d("2026-08-15"), d("2026-09-14"))
        );
    }

    #[test]
    fn calendar_windows_are_whole_months() {
        let rule = CutoffRule::Calendar;
        assert_eq!(p("2026Q1").window(rule), (d("2026-01-01"), d("2026-03-31")));
        assert_eq!(
            p("2028M02").window(rule),
            (d("2028-02-01"), d("2028-02-29"))
        );
        assert_eq!(p("2026").window(rule), (d("2026-01-01"), d("2026-12-31")));
        assert_eq!(
            p("2026-03-15..2026-04-20").window(rule),
            (d("2026-03-15"), d("2026-04-20"))
        );
    }

    #[test]
    fn a_frequency_generates_its_periods() {
        let codes = |f| {
            Period::all_in(2026, f)
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            codes(Frequency::Quarter),
            ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
        );
        assert_eq!(codes(Frequency::Month).len(), 12);
        assert_eq!(codes(Frequency::Month)[8], "2026M09");
        assert_eq!(codes(Frequency::HalfYear), ["2026H1", "2026H2"]);
        assert_eq!(codes(Frequency::NineMonth), ["2026N9"]);
        assert!(codes(Frequency::AdHoc).is_empty());
        assert!(
            Period::all_in(2026, Frequency::Quarter)
                .iter()
                .all(|p| p.frequency() == Frequency::Quarter)
        );
    }

    #[test]
    fn deadlines_count_working_days_after_the_cut_off() {
        let cal = shipped();
        // 2026Q1 closes on Saturday 14 March: the first working day after
        // is Monday 16, the third Wednesday 18.
        assert_eq!(cal.add_working_days(d("2026-03-14"), 1), d("2026-03-16"));
        assert_eq!(cal.add_working_days(d("2026-03-14"), 3), d("2026-03-18"));
        // A deadline is never the cut-off day itself.
        assert_eq!(cal.add_working_days(d("2026-01-14"), 0), d("2026-01-15"));
        // 2026M02 closes on Saturday 14 February, the first day of the Tết
        // break (off 14–22/2/2026): the first working day is Monday 23.
        assert_eq!(cal.add_working_days(d("2026-02-14"), 1), d("2026-02-23"));
        assert_eq!(cal.add_working_days(d("2026-02-13"), 2), d("2026-02-24"));
        // A Saturday worked in exchange counts: Friday 2 January 2026 was
        // swapped for Saturday 10 January.
        assert_eq!(cal.add_working_days(d("2026-01-01"), 1), d("2026-01-05"));
        assert_eq!(cal.add_working_days(d("2026-01-09"), 1), d("2026-01-10"));
        assert_eq!(cal.add_working_days(d("2024-05-03"), 1), d("2024-05-04"));
        // National Day 2026: 31/8 (swapped), 1/9 and 2/9 off.
        assert_eq!(cal.add_working_days(d("2026-08-28"), 1), d("2026-09-03"));
        // Hùng Kings' day fell on Sunday 26/4/2026; Monday 27 was given
        // instead, and 30/4 and 1/5 followed.
        assert_eq!(cal.add_working_days(d("2026-04-24"), 3), d("2026-05-04"));
        // Tết 2025: Monday 27 to Friday 31 January off.
        assert_eq!(cal.add_working_days(d("2025-01-24"), 1), d("2025-02-03"));
        // Without the calendar only weekends count.
        let bare = WorkCalendar::default();
        assert_eq!(bare.add_working_days(d("2026-02-14"), 1), d("2026-02-16"));
    }

    #[test]
    fn a_period_deadline_after_a_holiday_week() {
        let cal = shipped();
        let (_, cutoff) = p("2026M02").window(CutoffRule::Decree09);
        assert_eq!(cal.add_working_days(cutoff, 5), d("2026-02-27"));
        let (_, cutoff) = p("2025").window(CutoffRule::Decree09);
        assert_eq!(cutoff, d("2025-12-14"));
        assert_eq!(cal.add_working_days(cutoff, 10), d("2025-12-26"));
        let (_, cutoff) = p("2026Q3").window(CutoffRule::Decree09);
        assert_eq!(cal.add_working_days(cutoff, 5), d("2026-09-21"));
    }
}

//! When a task falls due, and how late it is, in working days: pure
//! functions over the holiday calendar.

use chrono::{Datelike, Days, NaiveDate};
use entity::task::{self, Recurrence, TimeKind};

use crate::reporting::periods::WorkCalendar;

/// A task's time as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskTime {
    /// Before `due` (trước ngày …).
    Date { due: NaiveDate },
    /// From `from` to `to` (từ … đến …): due on `to`.
    Window { from: NaiveDate, to: NaiveDate },
    /// Every quarter or year from `from` to `to`: due at the end of each
    /// quarter or year in the window, and on `to`.
    Recurring {
        recurrence: Recurrence,
        from: NaiveDate,
        to: NaiveDate,
    },
    /// `working_days` working days after the plan's document is issued.
    AfterIssue { working_days: u32 },
    /// Open until a document is recorded against the task
    /// (`recordTriggerDocument`); then due `working_days` working days
    /// after that document's date. `note` says what is awaited.
    AfterDocument {
        working_days: u32,
        note: Option<String>,
    },
}

impl TaskTime {
    /// The stored kind.
    pub fn kind(&self) -> TimeKind {
        match self {
            TaskTime::Date { .. } => TimeKind::Date,
            TaskTime::Window { .. } => TimeKind::Window,
            TaskTime::Recurring { .. } => TimeKind::Recurring,
            TaskTime::AfterIssue { .. } => TimeKind::AfterIssue,
            TaskTime::AfterDocument { .. } => TimeKind::AfterDocument,
        }
    }

    /// The time a stored task was given.
    pub fn of(t: &task::Model) -> TaskTime {
        let n = t.working_days.unwrap_or(0).max(0) as u32;
        match t.time_kind {
            TimeKind::Date => TaskTime::Date {
                due: t.ends_on.unwrap_or_default(),
            },
            TimeKind::Window => TaskTime::Window {
                from: t.starts_on.unwrap_or_default(),
                to: t.ends_on.unwrap_or_default(),
            },
            TimeKind::Recurring => TaskTime::Recurring {
                recurrence: t.recurrence.unwrap_or(Recurrence::Yearly),
                from: t.starts_on.unwrap_or_default(),
                to: t.ends_on.unwrap_or_default(),
            },
            TimeKind::AfterIssue => TaskTime::AfterIssue { working_days: n },
            TimeKind::AfterDocument => TaskTime::AfterDocument {
                working_days: n,
                note: t.trigger_note.clone(),
            },
        }
    }
}

/// The due dates of a recurring time, in order: the last day of every
/// quarter (or year) that ends inside the window, and the window's end.
pub fn occurrences(recurrence: Recurrence, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut days = Vec::new();
    let mut year = from.year();
    while year <= to.year() {
        let ends: &[(u32, u32)] = match recurrence {
            Recurrence::Quarterly => &[(3, 31), (6, 30), (9, 30), (12, 31)],
            Recurrence::Yearly => &[(12, 31)],
        };
        for (m, d) in ends {
            if let Some(day) = NaiveDate::from_ymd_opt(year, *m, *d)
                && day >= from
                && day <= to
            {
                days.push(day);
            }
        }
        year += 1;
    }
    if days.last() != Some(&to) {
        days.push(to);
    }
    days
}

/// The due date of a task with `time` now: for a recurring one the first
/// occurrence after `accepted_due` (None once every occurrence is
/// accepted); for AFTER_DOCUMENT None until `triggered_on` is known.
pub fn due_on(
    time: &TaskTime,
    issued_on: Option<NaiveDate>,
    triggered_on: Option<NaiveDate>,
    accepted_due: Option<NaiveDate>,
    calendar: &WorkCalendar,
) -> Option<NaiveDate> {
    match time {
        TaskTime::Date { due } => Some(*due),
        TaskTime::Window { to, .. } => Some(*to),
        TaskTime::Recurring {
            recurrence,
            from,
            to,
        } => occurrences(*recurrence, *from, *to)
            .into_iter()
            .find(|d| accepted_due.is_none_or(|a| *d > a)),
        TaskTime::AfterIssue { working_days } => {
            issued_on.map(|d| calendar.add_working_days(d, *working_days))
        }
        TaskTime::AfterDocument { working_days, .. } => {
            triggered_on.map(|d| calendar.add_working_days(d, *working_days))
        }
    }
}

/// Working days after `due` up to and including `today`: how late a task
/// due on `due` is today (0 when it is not late, or only weekends and
/// holidays have passed).
pub fn working_days_late(due: NaiveDate, today: NaiveDate, calendar: &WorkCalendar) -> i64 {
    let mut n = 0;
    let mut day = due;
    while day < today {
        day = day + Days::new(1);
        if calendar.is_working_day(day) {
            n += 1;
        }
    }
    n
}

/// The last working day on or before `today`: a task is overdue when it
/// is due before it (at least one working day has passed since).
pub fn last_working_day(today: NaiveDate, calendar: &WorkCalendar) -> NaiveDate {
    let mut day = today;
    for _ in 0..60 {
        if calendar.is_working_day(day) {
            return day;
        }
        day = day - Days::new(1);
    }
    today
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::holiday::DayKind;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn calendar() -> WorkCalendar {
        // Giỗ Tổ Hùng Vương 2025 fell on Monday 7 April.
        WorkCalendar::new([(d("2025-04-07"), DayKind::Holiday)])
    }

    #[test]
    fn a_quarterly_time_falls_due_at_each_quarter_end_and_on_its_last_day() {
        let days = occurrences(Recurrence::Quarterly, d("2025-04-01"), d("2025-11-15"));
        assert_eq!(
            days,
            vec![d("2025-06-30"), d("2025-09-30"), d("2025-11-15")]
        );
        let yearly = occurrences(Recurrence::Yearly, d("2025-04-01"), d("2026-12-31"));
        assert_eq!(yearly, vec![d("2025-12-31"), d("2026-12-31")]);
    }

    #[test]
    fn a_recurring_task_is_next_due_after_its_last_accepted_occurrence() {
        let time = TaskTime::Recurring {
            recurrence: Recurrence::Yearly,
            from: d("2025-04-01"),
            to: d("2026-12-31"),
        };
        let cal = calendar();
        assert_eq!(due_on(&time, None, None, None, &cal), Some(d("2025-12-31")));
        assert_eq!(
            due_on(&time, None, None, Some(d("2025-12-31")), &cal),
            Some(d("2026-12-31"))
        );
        assert_eq!(due_on(&time, None, None, Some(d("2026-12-31")), &cal), None);
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let cal = calendar();
        // Issued Friday 4 April 2025: Monday is a holiday, so the 2nd
        // working day after is Wednesday 9 April.
        let time = TaskTime::AfterIssue { working_days: 2 };
        assert_eq!(
            due_on(&time, Some(d("2025-04-04")), None, None, &cal),
            Some(d("2025-04-09"))
        );
        // Due Friday 4 April: Saturday and Sunday are not late, Monday is
        // a holiday, Tuesday is the first working day late.
        assert_eq!(working_days_late(d("2025-04-04"), d("2025-04-07"), &cal), 0);
        assert_eq!(working_days_late(d("2025-04-04"), d("2025-04-08"), &cal), 1);
        assert_eq!(last_working_day(d("2025-04-07"), &cal), d("2025-04-04"));
        let waiting = TaskTime::AfterDocument {
            working_days: 10,
            note: None,
        };
        assert_eq!(due_on(&waiting, None, None, None, &cal), None);
    }
}

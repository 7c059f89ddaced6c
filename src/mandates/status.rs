//! Where a mandate and each of its assignments stand on a date. Decided
//! here once: the GraphQL fields, the list filter, `viewerCan` and the
//! transfer rule all ask these functions, so they cannot disagree.

use chrono::NaiveDate;
use entity::mandate::{self, MandateState};
use entity::{mandate_assignment, unit};
use sea_orm::sea_query::{ExprTrait, Query, SimpleExpr};
use sea_orm::{ColumnTrait, Condition};

use super::rules::{DatedStatus, covers, dated_status};

/// Where a mandate stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MandateStatus {
    Draft,
    Scheduled,
    Active,
    /// In force by its dates, but no delegatee holds it any more: each
    /// running assignment's delegatee has ended (a reorganisation).
    Lapsed,
    Expired,
    Revoked,
    Superseded,
}

/// Where one delegatee's assignment stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentStatus {
    Scheduled,
    Active,
    /// It runs, but its delegatee has ended; it awaits a transfer.
    Lapsed,
    Transferred,
    Ended,
}

impl From<DatedStatus> for MandateStatus {
    fn from(s: DatedStatus) -> Self {
        match s {
            DatedStatus::Draft => MandateStatus::Draft,
            DatedStatus::Scheduled => MandateStatus::Scheduled,
            DatedStatus::Active => MandateStatus::Active,
            DatedStatus::Expired => MandateStatus::Expired,
            DatedStatus::Revoked => MandateStatus::Revoked,
            DatedStatus::Superseded => MandateStatus::Superseded,
        }
    }
}

/// Whether `unit` has ended before `date` (it no longer exists then).
fn ended(unit: &unit::Model, date: NaiveDate) -> bool {
    unit.valid_to.is_some_and(|to| to < date)
}

/// Where assignment `a` of mandate `m` stands on `as_of`, its delegatee
/// being `delegatee`: transferred once carried over to successors (after
/// its last day, or once its delegatee has ended); scheduled or ended with
/// its mandate's dates and its own; lapsed while it runs after its
/// delegatee has ended and nobody has carried it over.
pub fn assignment(
    m: &mandate::Model,
    a: &mandate_assignment::Model,
    delegatee: &unit::Model,
    as_of: NaiveDate,
) -> AssignmentStatus {
    // Carried over: from the day after its last, or as soon as its
    // delegatee has ended (the successors take it on the transfer's date).
    if a.transferred && (a.valid_to.is_some_and(|to| to < as_of) || ended(delegatee, as_of)) {
        return AssignmentStatus::Transferred;
    }
    match dated_status(m, as_of) {
        DatedStatus::Draft | DatedStatus::Scheduled => return AssignmentStatus::Scheduled,
        DatedStatus::Active => {}
        _ => return AssignmentStatus::Ended,
    }
    if as_of < a.valid_from {
        AssignmentStatus::Scheduled
    } else if !covers(a, as_of) {
        AssignmentStatus::Ended
    } else if ended(delegatee, as_of) {
        AssignmentStatus::Lapsed
    } else {
        AssignmentStatus::Active
    }
}

/// Where mandate `m` stands on `as_of`, given its assignments' statuses
/// on that day: in force by its dates, it is active while one assignment
/// is, and lapsed when none is and one has lapsed.
pub fn mandate(
    m: &mandate::Model,
    assignments: impl IntoIterator<Item = AssignmentStatus>,
    as_of: NaiveDate,
) -> MandateStatus {
    let dated = dated_status(m, as_of);
    if dated != DatedStatus::Active {
        return dated.into();
    }
    let mut lapsed = false;
    for status in assignments {
        match status {
            AssignmentStatus::Active => return MandateStatus::Active,
            AssignmentStatus::Lapsed => lapsed = true,
            _ => {}
        }
    }
    if lapsed {
        MandateStatus::Lapsed
    } else {
        MandateStatus::Active
    }
}

/// The same decision as [`mandate`] as a condition on the `mandate`
/// table, for filtering lists by status.
pub fn condition(status: MandateStatus, as_of: NaiveDate) -> Condition {
    let ended = |state: MandateState| {
        Condition::all()
            .add(mandate::Column::State.eq(state))
            .add(mandate::Column::EffectiveTo.lt(as_of))
    };
    match status {
        MandateStatus::Draft => {
            Condition::all().add(mandate::Column::State.eq(MandateState::Draft))
        }
        // A mandate withdrawn before it started (revoked with its last
        // day before its first) reads REVOKED on every date.
        MandateStatus::Scheduled => Condition::all()
            .add(mandate::Column::State.ne(MandateState::Draft))
            .add(mandate::Column::EffectiveFrom.gt(as_of))
            .add(
                Condition::any()
                    .add(mandate::Column::State.eq(MandateState::Issued))
                    .add(mandate::Column::EffectiveTo.is_null())
                    .add(mandate::Column::EffectiveTo.gte(as_of)),
            )
            .add(withdrawn().not()),
        MandateStatus::Active => in_force_by_dates(as_of).add(
            Condition::any()
                .add(with_assignments(as_of, false))
                .add(with_assignments(as_of, true).not()),
        ),
        MandateStatus::Lapsed => in_force_by_dates(as_of)
            .add(with_assignments(as_of, true))
            .add(with_assignments(as_of, false).not()),
        MandateStatus::Expired => ended(MandateState::Issued),
        MandateStatus::Revoked => Condition::any()
            .add(ended(MandateState::Revoked))
            .add(withdrawn()),
        MandateStatus::Superseded => ended(MandateState::Superseded),
    }
}

/// Mandates withdrawn before they took effect: revoked, with their last
/// day before their first.
fn withdrawn() -> Condition {
    use sea_orm::sea_query::Expr;
    Condition::all()
        .add(mandate::Column::State.eq(MandateState::Revoked))
        .add(Expr::col(mandate::Column::EffectiveTo).lt(Expr::col(mandate::Column::EffectiveFrom)))
}

/// Mandates in force on `as_of` by their dates alone (issued, and the day
/// within their first and last).
pub fn in_force_by_dates(as_of: NaiveDate) -> Condition {
    Condition::all()
        .add(mandate::Column::State.ne(MandateState::Draft))
        .add(mandate::Column::EffectiveFrom.lte(as_of))
        .add(
            Condition::any()
                .add(mandate::Column::EffectiveTo.is_null())
                .add(mandate::Column::EffectiveTo.gte(as_of)),
        )
}

/// Mandates with an assignment running on `as_of` whose delegatee has
/// ended (`lapsed`) or not.
fn with_assignments(as_of: NaiveDate, lapsed: bool) -> SimpleExpr {
    let ended_units = mandate_assignment::Column::DelegateeUnitId.in_subquery(
        Query::select()
            .column(unit::Column::Id)
            .from(unit::Entity)
            .and_where(unit::Column::ValidTo.lt(as_of))
            .to_owned(),
    );
    let delegatee = if lapsed {
        Condition::all()
            .add(ended_units)
            .add(mandate_assignment::Column::Transferred.eq(false))
    } else {
        Condition::all().add(ended_units.not())
    };
    mandate::Column::Id.in_subquery(
        Query::select()
            .column(mandate_assignment::Column::MandateId)
            .from(mandate_assignment::Entity)
            .cond_where(
                Condition::all()
                    .add(mandate_assignment::Column::ValidFrom.lte(as_of))
                    .add(
                        Condition::any()
                            .add(mandate_assignment::Column::ValidTo.is_null())
                            .add(mandate_assignment::Column::ValidTo.gte(as_of)),
                    )
                    .add(delegatee),
            )
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mandates::rules::tests::issued;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn unit_ending(to: Option<&str>) -> unit::Model {
        crate::units::service::tests::unit_valid(None, to.map(d))
    }

    fn assigned(m: &mandate::Model, from: &str, to: Option<&str>) -> mandate_assignment::Model {
        mandate_assignment::Model {
            id: uuid::Uuid::now_v7(),
            mandate_id: m.id,
            delegatee_unit_id: uuid::Uuid::now_v7(),
            valid_from: d(from),
            valid_to: to.map(d),
            transferred: false,
            successor_of: None,
            transfer_document_id: None,
        }
    }

    #[test]
    fn an_assignment_lapses_when_its_delegatee_ends_while_it_runs() {
        let m = issued("2025-01-01", None, MandateState::Issued);
        let a = assigned(&m, "2025-01-01", None);
        let district = unit_ending(Some("2025-06-30"));
        assert_eq!(
            assignment(&m, &a, &district, d("2025-06-30")),
            AssignmentStatus::Active
        );
        assert_eq!(
            assignment(&m, &a, &district, d("2025-07-01")),
            AssignmentStatus::Lapsed
        );
        assert_eq!(
            mandate(&m, [AssignmentStatus::Lapsed], d("2025-07-01")),
            MandateStatus::Lapsed
        );
        // One holder still in force keeps the mandate active.
        assert_eq!(
            mandate(
                &m,
                [AssignmentStatus::Lapsed, AssignmentStatus::Active],
                d("2025-07-01")
            ),
            MandateStatus::Active
        );
    }

    #[test]
    fn a_carried_over_assignment_reads_transferred_after_its_last_day() {
        let m = issued("2025-01-01", None, MandateState::Issued);
        let mut a = assigned(&m, "2025-01-01", Some("2025-06-30"));
        a.transferred = true;
        let district = unit_ending(Some("2025-06-30"));
        assert_eq!(
            assignment(&m, &a, &district, d("2025-07-01")),
            AssignmentStatus::Transferred
        );
        assert_eq!(
            assignment(&m, &a, &district, d("2025-06-01")),
            AssignmentStatus::Active
        );
        // Carried over from a later day: no longer lapsed once the
        // delegatee has ended, so nobody is offered to transfer it again.
        a.valid_to = Some(d("2025-12-31"));
        assert_eq!(
            assignment(&m, &a, &district, d("2025-08-01")),
            AssignmentStatus::Transferred
        );
    }

    #[test]
    fn assignments_follow_their_mandate_before_and_after_its_dates() {
        let m = issued("2026-01-01", Some("2026-12-31"), MandateState::Issued);
        let a = assigned(&m, "2026-01-01", Some("2026-12-31"));
        let commune = unit_ending(None);
        assert_eq!(
            assignment(&m, &a, &commune, d("2025-12-31")),
            AssignmentStatus::Scheduled
        );
        assert_eq!(
            assignment(&m, &a, &commune, d("2027-01-01")),
            AssignmentStatus::Ended
        );
        assert_eq!(
            mandate(&m, [AssignmentStatus::Ended], d("2027-01-01")),
            MandateStatus::Expired
        );
        // No assignment at all: in force by its dates.
        assert_eq!(mandate(&m, [], d("2026-06-01")), MandateStatus::Active);
    }
}

//! The rules of DESIGN §3 that need no database: who may receive a power
//! from whom, the form of each kind of mandate, resources, and dates. The
//! rules that need other mandates (holding, levels, overlap) are in
//! `service`, which calls these first.

use chrono::NaiveDate;
use entity::document;
use entity::mandate::{self, MandateKind, MandateState};
use entity::mandate_assignment;
use entity::unit::{self, UnitKind};

use crate::error::{AppError, AppResult, UserErrorCode};

/// Administrative level of a unit: tỉnh (a department counts as tỉnh),
/// huyện, xã.
pub fn level(kind: UnitKind) -> u8 {
    match kind {
        UnitKind::Province | UnitKind::Department => 1,
        UnitKind::District => 2,
        UnitKind::Commune => 3,
    }
}

pub use crate::units::service::in_force;

/// The path whose subtree a unit acts over: a department acts over its
/// whole province, any other unit over its own subtree.
pub fn territory<'a>(unit: &'a unit::Model, province_path: Option<&'a str>) -> &'a str {
    match (unit.kind, province_path) {
        (UnitKind::Department, Some(path)) => path,
        _ => &unit.path,
    }
}

/// Rule 1: the delegatee is at a lower level inside the delegator's
/// territory and in force on the effective date. `delegator_territory` is
/// the delegator's territory path (a department's province).
pub fn check_delegatee(
    kind: MandateKind,
    delegator: &unit::Model,
    delegator_territory: &str,
    delegatee: &unit::Model,
    date: NaiveDate,
) -> AppResult<()> {
    let allowed: &[UnitKind] = match (kind, delegator.kind) {
        (_, UnitKind::Province) => &[UnitKind::Department, UnitKind::District, UnitKind::Commune],
        (MandateKind::Devolution, _) => &[],
        (_, UnitKind::Department) => &[UnitKind::District, UnitKind::Commune],
        (_, UnitKind::District) => &[UnitKind::Commune],
        (_, UnitKind::Commune) => &[],
    };
    if !allowed.contains(&delegatee.kind) {
        return Err(AppError::rule(
            Some("delegatees"),
            UserErrorCode::DelegateeNotLower,
            format!(
                "{} cannot receive a power from {}",
                delegatee.name, delegator.name
            ),
        ));
    }
    if !delegatee.path.starts_with(delegator_territory) || delegatee.id == delegator.id {
        return Err(AppError::rule(
            Some("delegatees"),
            UserErrorCode::DelegateeOutsideTerritory,
            format!(
                "{} is outside the territory of {}",
                delegatee.name, delegator.name
            ),
        ));
    }
    if !in_force(delegatee, date) {
        return Err(AppError::rule(
            Some("delegatees"),
            UserErrorCode::DelegateeNotInForce,
            format!("{} is not in force on {date}", delegatee.name),
        ));
    }
    Ok(())
}

/// Rules 2 (form), 6 and 7, and the dates: an AUTHORIZATION has an end
/// date and conditions and is never passed on; a DECENTRALIZATION rests on
/// a normative document; resources are stated or explicitly none.
pub fn check_form(m: &mandate::Model, legal_basis: Option<&document::Model>) -> AppResult<()> {
    if m.effective_to.is_some_and(|to| to < m.effective_from) {
        return Err(AppError::rule(
            Some("effectiveTo"),
            UserErrorCode::InvalidDate,
            "effectiveTo is before effectiveFrom",
        ));
    }
    if m.kind == MandateKind::Authorization {
        if m.effective_to.is_none() {
            return Err(AppError::rule(
                Some("effectiveTo"),
                UserErrorCode::MissingEndDate,
                "an authorization (ủy quyền) has an end date",
            ));
        }
        if m.conditions.as_deref().is_none_or(|c| c.trim().is_empty()) {
            return Err(AppError::rule(
                Some("conditions"),
                UserErrorCode::MissingConditions,
                "an authorization (ủy quyền) states its conditions",
            ));
        }
        if m.allow_onward {
            return Err(AppError::rule(
                Some("allowOnward"),
                UserErrorCode::AuthorizationNotOnward,
                "what is authorized can never be passed on (không được ủy quyền tiếp)",
            ));
        }
    }
    let Some(basis) = legal_basis else {
        return Err(AppError::rule(
            Some("legalBasis"),
            UserErrorCode::MissingLegalBasis,
            "cite the document the mandate rests on",
        ));
    };
    if matches!(
        m.kind,
        MandateKind::Decentralization | MandateKind::Devolution
    ) && !basis.normative
    {
        return Err(AppError::rule(
            Some("legalBasis"),
            UserErrorCode::NotNormative,
            format!(
                "{} is not a normative legal document (văn bản QPPL)",
                basis.number
            ),
        ));
    }
    if m.kind != MandateKind::Devolution {
        let stated = m.resource_budget_vnd.is_some_and(|b| b > 0)
            || m.resource_staff.is_some_and(|s| s > 0)
            || m.resource_facilities
                .as_deref()
                .is_some_and(|f| !f.trim().is_empty());
        let none = m
            .resource_none_reason
            .as_deref()
            .is_some_and(|r| !r.trim().is_empty());
        if stated == none {
            return Err(AppError::rule(
                Some("resources"),
                UserErrorCode::MissingResources,
                "state the budget, staff or facilities that go with the power, or that none do and why",
            ));
        }
    }
    Ok(())
}

/// Rule 2 (onward): nothing received by AUTHORIZATION is passed on, and a
/// DECENTRALIZATION is passed on only where it allows it.
pub fn check_onward(parent: &mandate::Model) -> AppResult<()> {
    match parent.kind {
        MandateKind::Authorization => Err(AppError::rule(
            Some("parentMandate"),
            UserErrorCode::OnwardFromAuthorization,
            format!(
                "{} is an authorization and cannot be delegated onward",
                parent.code
            ),
        )),
        MandateKind::Decentralization if !parent.allow_onward => Err(AppError::rule(
            Some("parentMandate"),
            UserErrorCode::OnwardNotAllowed,
            format!("{} does not allow onward delegation", parent.code),
        )),
        _ => Ok(()),
    }
}

/// Status of a mandate on a date, before its delegatees are considered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatedStatus {
    Draft,
    Scheduled,
    Active,
    Expired,
    Revoked,
    Superseded,
}

/// The status a mandate reads on `as_of`: an issued mandate is active
/// from its first to its last day and expired after it without anyone
/// touching it; a revoked or superseded one was active until it ended.
pub fn dated_status(m: &mandate::Model, as_of: NaiveDate) -> DatedStatus {
    let ended = m.effective_to.is_some_and(|to| as_of > to);
    match m.state {
        MandateState::Draft => DatedStatus::Draft,
        // A revocation may end a mandate before it ever started.
        MandateState::Revoked if ended => DatedStatus::Revoked,
        MandateState::Superseded if ended => DatedStatus::Superseded,
        _ if as_of < m.effective_from => DatedStatus::Scheduled,
        _ if ended => DatedStatus::Expired,
        _ => DatedStatus::Active,
    }
}

/// Whether an assignment's own validity covers `date`.
pub fn covers(a: &mandate_assignment::Model, date: NaiveDate) -> bool {
    a.valid_from <= date && a.valid_to.is_none_or(|to| date <= to)
}

/// Whether `[a_from, a_to]` and `[b_from, b_to]` share a day (open ends
/// unbounded; a range ending before it starts is empty).
pub fn ranges_overlap(
    a_from: NaiveDate,
    a_to: Option<NaiveDate>,
    b_from: NaiveDate,
    b_to: Option<NaiveDate>,
) -> bool {
    let empty = |from: NaiveDate, to: Option<NaiveDate>| to.is_some_and(|to| to < from);
    !empty(a_from, a_to)
        && !empty(b_from, b_to)
        && a_to.is_none_or(|a_to| b_from <= a_to)
        && b_to.is_none_or(|b_to| a_from <= b_to)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn levels_count_departments_as_province() {
        assert_eq!(level(UnitKind::Department), level(UnitKind::Province));
        assert!(level(UnitKind::District) < level(UnitKind::Commune));
    }

    pub(crate) fn issued(from: &str, to: Option<&str>, state: MandateState) -> mandate::Model {
        mandate::Model {
            id: uuid::Uuid::now_v7(),
            code: "M".into(),
            title: "T".into(),
            sector: entity::mandate::Sector::Khac,
            matter_code: "X".into(),
            kind: MandateKind::Decentralization,
            delegator_unit_id: uuid::Uuid::now_v7(),
            delegator_capacity: entity::mandate::DelegatorCapacity::Collective,
            legal_basis_id: None,
            legal_basis_article: None,
            conditions: None,
            resource_budget_vnd: None,
            resource_staff: None,
            resource_facilities: None,
            resource_none_reason: None,
            effective_from: d(from),
            effective_to: to.map(d),
            allow_onward: false,
            parent_mandate_id: None,
            state,
            superseded_by_id: None,
            ended_document_id: None,
            procedure_publication_id: None,
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn status_follows_the_first_and_last_day() {
        let m = issued("2026-01-01", Some("2026-06-30"), MandateState::Issued);
        assert_eq!(dated_status(&m, d("2025-12-31")), DatedStatus::Scheduled);
        assert_eq!(dated_status(&m, d("2026-01-01")), DatedStatus::Active);
        assert_eq!(dated_status(&m, d("2026-06-30")), DatedStatus::Active);
        assert_eq!(dated_status(&m, d("2026-07-01")), DatedStatus::Expired);
        let revoked = issued("2026-01-01", Some("2026-03-31"), MandateState::Revoked);
        assert_eq!(dated_status(&revoked, d("2026-03-31")), DatedStatus::Active);
        assert_eq!(
            dated_status(&revoked, d("2026-04-01")),
            DatedStatus::Revoked
        );
    }

    #[test]
    fn a_mandate_revoked_before_it_started_is_never_active() {
        let m = issued("2026-09-01", Some("2026-06-30"), MandateState::Revoked);
        for day in ["2026-07-01", "2026-09-01", "2027-01-01"] {
            assert_eq!(dated_status(&m, d(day)), DatedStatus::Revoked, "{day}");
        }
        assert_eq!(dated_status(&m, d("2026-06-01")), DatedStatus::Scheduled);
    }

    #[test]
    fn overlapping_ranges_share_a_day() {
        assert!(ranges_overlap(d("2026-01-01"), None, d("2030-01-01"), None));
        assert!(ranges_overlap(
            d("2026-01-01"),
            Some(d("2026-12-31")),
            d("2026-12-31"),
            None
        ));
        assert!(!ranges_overlap(
            d("2026-01-01"),
            Some(d("2026-06-30")),
            d("2026-07-01"),
            None
        ));
    }
}

//! The rules of DESIGN §3 that need no database: who may receive a power
//! from whom, the form of each kind of mandate, resources, and dates. The
//! rules that need other mandates (holding, levels, overlap) are in
//! `service`, which calls these first.

use chrono::NaiveDate;
use entity::document;
use entity::mandate::{self, MandateKind, MandateState};
use entity::mandate_assignment;
use entity::unit::{self, UnitKind};

use super::bodies::{self, Body};
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

/// Rule 3 (R12): the units on one line of delegation of `matter` (its
/// delegators and the new delegatees) span at most two administrative
/// levels. [DESIGN §3 rule 3; provincial documents, LAW.md R12]
pub fn check_levels(matter: &str, line: &[UnitKind]) -> AppResult<()> {
    let levels: std::collections::BTreeSet<u8> = line.iter().map(|k| level(*k)).collect();
    if levels.len() > 2 {
        return Err(AppError::rule(
            Some("delegatees"),
            UserErrorCode::TooManyLevels,
            format!(
                "matter {matter} would be managed by {} administrative levels; at most two",
                levels.len()
            ),
        ));
    }
    Ok(())
}

/// The path whose subtree a unit acts over: a department acts over its
/// whole province, any other unit over its own subtree.
pub fn territory<'a>(unit: &'a unit::Model, province_path: Option<&'a str>) -> &'a str {
    match (unit.kind, province_path) {
        (UnitKind::Department, Some(path)) => path,
        _ => &unit.path,
    }
}

/// Rules 1 (R1, R2 of LAW.md §7.3) for one delegatee: the delegatee body
/// may receive this kind of mandate from the delegator body (the
/// allow-lists of [`bodies::PAIRINGS`]), lies inside the delegator's
/// territory (the chairman of a committee is the committee's own unit)
/// and is in force on the effective date; and (R6) a decentralization
/// that may be passed on goes only to bodies that can issue the normative
/// document onward phân cấp needs. `delegator_territory` is the
/// delegator's territory path (a department's province).
pub fn check_delegatee(
    m: &mandate::Model,
    delegator: &unit::Model,
    delegator_territory: &str,
    delegatee: &unit::Model,
    date: NaiveDate,
) -> AppResult<()> {
    let same_unit = delegatee.id == delegator.id;
    if m.kind == MandateKind::Devolution {
        // A power given by law is recorded from the province to the body
        // the law names.
        let lower = delegator.kind == UnitKind::Province && delegatee.kind != UnitKind::Province;
        if !lower {
            return Err(AppError::rule(
                Some("delegatees"),
                UserErrorCode::DelegateeNotLower,
                format!(
                    "{} cannot receive a power from {}",
                    delegatee.name, delegator.name
                ),
            ));
        }
    } else {
        let from = bodies::body(delegator, m.delegator_capacity, "delegatorCapacity")?;
        let to = bodies::body(delegatee, m.delegatee_capacity, "delegateeCapacity")?;
        bodies::check_pairing(m.kind, from, to, &delegatee.name)?;
        // Only a committee's own chairman is the same unit as it.
        let own_chair = matches!((from, to), (Body::Committee(a), Body::Chair(b)) if a == b);
        if own_chair != same_unit {
            return Err(AppError::rule(
                Some("delegatees"),
                UserErrorCode::DelegateeOutsideTerritory,
                format!(
                    "{} as {} is not a body {} may delegate to",
                    delegatee.name,
                    to.name(),
                    delegator.name
                ),
            ));
        }
        if m.kind == MandateKind::Decentralization && m.allow_onward && !to.issues_normative() {
            return Err(AppError::rule(
                Some("allowOnward"),
                UserErrorCode::OnwardNotIssuable,
                format!(
                    "{} ({}) cannot issue the normative document an onward decentralization needs (Luật 72/2025 Điều 13 k1)",
                    delegatee.name,
                    to.name()
                ),
            ));
        }
    }
    if !delegatee.path.starts_with(delegator_territory) {
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

/// R15: the basis is in force on the mandate's first day (issued and in
/// effect by then, not expired), and an authorization ends no later than
/// its basis.
pub fn check_basis_dates(m: &mandate::Model, basis: &document::Model) -> AppResult<()> {
    let first = m.effective_from;
    if basis.issued_date > first
        || basis.effective_from > first
        || basis.effective_to.is_some_and(|to| to < first)
    {
        return Err(AppError::rule(
            Some("legalBasis"),
            UserErrorCode::BasisNotInForce,
            format!(
                "{} is not in force on {first}, the mandate's first day",
                basis.number
            ),
        ));
    }
    check_within_basis(m.kind, m.effective_to, basis, "legalBasis")
}

/// R15 for an authorization's last day: no later than the document it
/// rests on (its basis, or the decision extending it).
pub fn check_within_basis(
    kind: MandateKind,
    last_day: Option<NaiveDate>,
    basis: &document::Model,
    field: &'static str,
) -> AppResult<()> {
    if let (MandateKind::Authorization, Some(end), Some(basis_end)) =
        (kind, last_day, basis.effective_to)
        && end > basis_end
    {
        return Err(AppError::rule(
            Some(field),
            UserErrorCode::BasisEndsFirst,
            format!(
                "the authorization would run to {end}, after {} ends on {basis_end}",
                basis.number
            ),
        ));
    }
    Ok(())
}

/// Rules 2 (form) and 7, and the dates: an AUTHORIZATION has an end date
/// and conditions and is never passed on (R4, R5); a basis is cited and in
/// force (R15); resources are stated or explicitly none. Which document a
/// delegator may cite is [`bodies::check_instrument`] (R3, R4).
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
    check_basis_dates(m, basis)?;
    if m.kind != MandateKind::Devolution {
        super::service::Resources::of(m).require_stated()?;
    }
    Ok(())
}

/// Rule 2 (onward): nothing received by AUTHORIZATION is passed on (R5);
/// a power received by DECENTRALIZATION is decentralized onward only where
/// the parent allows it (R6: unverified in law, so a per-instrument flag,
/// default off). Authorizing onward what one received by decentralization
/// needs no flag: the power is the receiver's own, and Luật 72/2025 Điều
/// 14 k1 lets, e.g., a Giám đốc Sở authorize UBND cấp xã.
pub fn check_onward(parent: &mandate::Model, kind: MandateKind) -> AppResult<()> {
    match parent.kind {
        MandateKind::Authorization => Err(AppError::rule(
            Some("parentMandate"),
            UserErrorCode::OnwardFromAuthorization,
            format!(
                "{} is an authorization and cannot be delegated onward",
                parent.code
            ),
        )),
        MandateKind::Decentralization
            if kind == MandateKind::Decentralization && !parent.allow_onward =>
        {
            Err(AppError::rule(
                Some("parentMandate"),
                UserErrorCode::OnwardNotAllowed,
                format!("{} does not allow onward decentralization", parent.code),
            ))
        }
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
    // Withdrawn before it took effect: it never applies, on any date.
    let withdrawn = m.effective_to.is_some_and(|to| to < m.effective_from);
    match m.state {
        MandateState::Draft => DatedStatus::Draft,
        MandateState::Revoked if ended || withdrawn => DatedStatus::Revoked,
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

    #[test]
    fn a_line_spans_at_most_two_levels() {
        use UnitKind::*;
        assert!(check_levels("X", &[Province, Department, Commune]).is_ok());
        assert!(check_levels("X", &[District, Commune, Commune]).is_ok());
        assert!(check_levels("X", &[Province, District, Commune]).is_err());
    }

    pub(crate) fn issued(from: &str, to: Option<&str>, state: MandateState) -> mandate::Model {
        mandate::Model {
            id: uuid::Uuid::now_v7(),
            code: "M".into(),
            title: "T".into(),
            name_key: String::new(),
            sector: entity::mandate::Sector::Khac,
            matter_code: "X".into(),
            kind: MandateKind::Decentralization,
            delegator_unit_id: uuid::Uuid::now_v7(),
            delegator_capacity: entity::mandate::DelegatorCapacity::Collective,
            delegatee_capacity: entity::mandate::DelegatorCapacity::Collective,
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
            search_text: String::new(),
            proposal_id: None,
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
    fn a_mandate_withdrawn_before_it_started_reads_revoked_on_every_date() {
        let m = issued("2026-09-01", Some("2026-06-30"), MandateState::Revoked);
        for day in ["2026-07-01", "2026-09-01", "2027-01-01"] {
            assert_eq!(dated_status(&m, d(day)), DatedStatus::Revoked, "{day}");
        }
        assert_eq!(dated_status(&m, d("2026-06-01")), DatedStatus::Revoked);
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

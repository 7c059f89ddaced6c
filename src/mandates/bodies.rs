//! Who may delegate what to whom, and by which instrument.
//!
//! Delegator and delegatee are a *body*: a unit of the tree in a capacity
//! (the People's Council, the People's Committee as a collective, its
//! chairman; a sở or a public service unit as a body, or its head). The
//! law lists the pairs that may decentralize (phân cấp, Luật 72/2025
//! Điều 13 k1) and authorize (ủy quyền, Điều 14 k1); [`PAIRINGS`] is that
//! list as data, and [`INSTRUMENTS`] the documents each delegator makes
//! them by (Điều 13: a legal normative document of the decentralizer
//! itself; Điều 14 k2a: a written document of the authorizer). Sources and
//! the confidence in each row are in `../shared/LAW.md` §1.2 and §7.3
//! (R1–R4); the README's table of rules repeats them.

use entity::document::{self, DocumentType};
use entity::mandate::{DelegatorCapacity, MandateKind};
use entity::matter::MatterHolder;
use entity::unit::{self, AdminType, UnitKind};

use crate::error::{AppError, AppResult, UserErrorCode};

/// A level of local government.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Province,
    /// Huyện: historic, ended 2025-06-30.
    District,
    Commune,
}

/// A body that holds, gives or receives a power.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// Hội đồng nhân dân.
    Council(Tier),
    /// Ủy ban nhân dân as a collective.
    Committee(Tier),
    /// Chủ tịch Ủy ban nhân dân.
    Chair(Tier),
    /// A sở, Văn phòng, Thanh tra or another administrative body under
    /// UBND tỉnh (cơ quan chuyên môn, tổ chức hành chính khác).
    Agency,
    /// Its head (Giám đốc Sở, Chánh Văn phòng, Chánh Thanh tra).
    AgencyHead,
    /// A public service unit directly under UBND tỉnh (ĐVSNCL).
    PublicService,
    /// Its head.
    PublicServiceHead,
}

impl Body {
    /// How the body is named in messages, e.g. "Chủ tịch UBND xã".
    pub fn name(self) -> String {
        let tier = |t: Tier| match t {
            Tier::Province => "tỉnh",
            Tier::District => "huyện",
            Tier::Commune => "xã",
        };
        match self {
            Body::Council(t) => format!("HĐND {}", tier(t)),
            Body::Committee(t) => format!("UBND {}", tier(t)),
            Body::Chair(t) => format!("Chủ tịch UBND {}", tier(t)),
            Body::Agency => "cơ quan chuyên môn thuộc UBND tỉnh".into(),
            Body::AgencyHead => "người đứng đầu cơ quan chuyên môn thuộc UBND tỉnh".into(),
            Body::PublicService => "đơn vị sự nghiệp công lập thuộc UBND tỉnh".into(),
            Body::PublicServiceHead => {
                "người đứng đầu đơn vị sự nghiệp công lập thuộc UBND tỉnh".into()
            }
        }
    }

    /// Whether the body can issue a legal normative document, and so make
    /// a decentralization (phân cấp) of its own.
    pub fn issues_normative(self) -> bool {
        matches!(self, Body::Council(_) | Body::Committee(_) | Body::Chair(_))
    }
}

/// The body a unit is in `capacity`, or a coded refusal when the unit has
/// no such body (a sở has no council; a public service unit is not a
/// territory).
pub fn body(
    unit: &unit::Model,
    capacity: DelegatorCapacity,
    field: &'static str,
) -> AppResult<Body> {
    use DelegatorCapacity::{Collective, Council, Head};
    let tier = match unit.kind {
        UnitKind::Province => Some(Tier::Province),
        UnitKind::District => Some(Tier::District),
        UnitKind::Commune => Some(Tier::Commune),
        UnitKind::Department => None,
    };
    let public_service = unit.admin_type == AdminType::Dvsncl;
    let found = match (tier, capacity) {
        (Some(t), Council) => Some(Body::Council(t)),
        (Some(t), Collective) => Some(Body::Committee(t)),
        (Some(t), Head) => Some(Body::Chair(t)),
        (None, Council) => None,
        (None, Collective) if public_service => Some(Body::PublicService),
        (None, Head) if public_service => Some(Body::PublicServiceHead),
        (None, Collective) => Some(Body::Agency),
        (None, Head) => Some(Body::AgencyHead),
    };
    found.ok_or_else(|| {
        AppError::rule(
            Some(field),
            UserErrorCode::NoSuchBody,
            format!("{} has no People's Council (HĐND)", unit.name),
        )
    })
}

/// R7: whether `body` is the original holder the catalogue names. A
/// power a law gives "a sở" is held by a sở only through a recorded
/// devolution, which names which one.
pub fn holds_originally(holder: MatterHolder, body: Body) -> bool {
    matches!(
        (holder, body),
        (MatterHolder::HdndProvince, Council(Tier::Province))
            | (MatterHolder::UbndProvince, Committee(Tier::Province))
            | (MatterHolder::ChairProvince, Chair(Tier::Province))
            | (MatterHolder::HdndCommune, Council(Tier::Commune))
            | (MatterHolder::UbndCommune, Committee(Tier::Commune))
            | (MatterHolder::ChairCommune, Chair(Tier::Commune))
    )
}

/// Whether a devolution (phân quyền: the law itself gives the power) may
/// record `body` as the holder the catalogue names: a sở for a power the
/// law gives a sở, the commune's body for a commune's power.
pub fn devolved_to(holder: MatterHolder, body: Body) -> bool {
    match holder {
        // The law gives the power to the sở itself, not to its director.
        MatterHolder::DepartmentByLaw => body == Agency,
        _ => holds_originally(holder, body),
    }
}

/// The name of an original holder in messages.
pub fn holder_name(holder: MatterHolder) -> &'static str {
    match holder {
        MatterHolder::HdndProvince => "HĐND tỉnh",
        MatterHolder::UbndProvince => "UBND tỉnh",
        MatterHolder::ChairProvince => "Chủ tịch UBND tỉnh",
        MatterHolder::DepartmentByLaw => "a sở, by law",
        MatterHolder::HdndCommune => "HĐND xã",
        MatterHolder::UbndCommune => "UBND xã",
        MatterHolder::ChairCommune => "Chủ tịch UBND xã",
    }
}

/// Who may give to whom, by kind of mandate.
pub struct Pairing {
    pub kind: MandateKind,
    pub from: Body,
    pub to: &'static [Body],
    /// The article and the confidence of the row.
    pub source: &'static str,
}

use Body::*;
use Tier::{Commune as Xa, District as Huyen, Province as Tinh};

const DECENTRALIZATION_TARGETS: &[Body] = &[
    Agency,
    PublicService,
    Committee(Xa),
    Chair(Xa),
    // Until 2025-06-30 under Luật TCCQĐP 2015; districts ended then, so a
    // later mandate cannot name one (DELEGATEE_NOT_IN_FORCE).
    Committee(Huyen),
    Chair(Huyen),
];

/// The allow-lists of Luật 72/2025 Điều 13 k1 (phân cấp) and Điều 14 k1
/// (ủy quyền), plus the district rows of the 2015 law for mandates made
/// before 1/7/2025. A pair not listed is refused.
pub const PAIRINGS: &[Pairing] = &[
    Pairing {
        kind: MandateKind::Decentralization,
        from: Committee(Tinh),
        to: DECENTRALIZATION_TARGETS,
        source: "Luật 72/2025 Điều 13 k1; the list is closed, k7",
    },
    Pairing {
        kind: MandateKind::Decentralization,
        from: Chair(Tinh),
        to: DECENTRALIZATION_TARGETS,
        source: "Luật 72/2025 Điều 13 k1",
    },
    Pairing {
        kind: MandateKind::Decentralization,
        from: Council(Tinh),
        to: DECENTRALIZATION_TARGETS,
        source: "HĐND tỉnh decentralizes in practice, e.g. under the budget law",
    },
    Pairing {
        kind: MandateKind::Decentralization,
        from: Committee(Huyen),
        to: &[Committee(Xa), Chair(Xa)],
        source: "Luật TCCQĐP 2015 Điều 13, for districts until 30/6/2025",
    },
    Pairing {
        kind: MandateKind::Decentralization,
        from: Council(Huyen),
        to: &[Committee(Xa), Chair(Xa)],
        source: "Luật TCCQĐP 2015 Điều 13, for districts until 30/6/2025",
    },
    Pairing {
        kind: MandateKind::Authorization,
        from: Committee(Tinh),
        to: &[
            Chair(Tinh),
            AgencyHead,
            PublicServiceHead,
            Committee(Xa),
            Chair(Xa),
            Committee(Huyen),
            Chair(Huyen),
        ],
        source: "Luật 72/2025 Điều 14 k1",
    },
    Pairing {
        kind: MandateKind::Authorization,
        from: Chair(Tinh),
        to: &[AgencyHead, PublicServiceHead, Chair(Xa), Chair(Huyen)],
        source: "Luật 72/2025 Điều 14 k1",
    },
    Pairing {
        kind: MandateKind::Authorization,
        from: AgencyHead,
        to: &[Committee(Xa), Chair(Xa)],
        source: "Luật 72/2025 Điều 14 k1: the head of a sở authorizes UBND or Chủ tịch UBND cấp xã",
    },
    Pairing {
        kind: MandateKind::Authorization,
        from: Committee(Xa),
        to: &[Chair(Xa)],
        source: "Luật 72/2025 Điều 14 k1",
    },
    Pairing {
        kind: MandateKind::Authorization,
        from: Committee(Huyen),
        to: &[Chair(Huyen), Committee(Xa), Chair(Xa)],
        source: "Luật TCCQĐP 2015 Điều 14, for districts until 30/6/2025",
    },
    Pairing {
        kind: MandateKind::Authorization,
        from: Chair(Huyen),
        to: &[Chair(Xa)],
        source: "Luật TCCQĐP 2015 Điều 14, for districts until 30/6/2025",
    },
];

/// Rules R1 and R2: `from` may give `to` a mandate of `kind`. Refuses
/// with the article: first when `from` cannot make such a mandate at all,
/// then when `to` is not among those it may make it to.
pub fn check_pairing(kind: MandateKind, from: Body, to: Body, to_name: &str) -> AppResult<()> {
    if kind == MandateKind::Devolution {
        return Ok(());
    }
    let rows = check_giver(kind, from)?;
    if rows.iter().any(|p| p.to.contains(&to)) {
        return Ok(());
    }
    let not_target = match kind {
        MandateKind::Decentralization => UserErrorCode::DecentralizationTargetNotAllowed,
        _ => UserErrorCode::AuthorizationTargetNotAllowed,
    };
    Err(AppError::rule(
        Some("delegatees"),
        not_target,
        format!(
            "{} may not make {} to {to_name} as {} ({})",
            from.name(),
            kind_name(kind),
            to.name(),
            rows.first().map_or("", |p| p.source)
        ),
    ))
}

/// R1/R2, the giving side: the rows of [`PAIRINGS`] by which `from` may
/// make a mandate of `kind`, or a coded refusal when there is none.
pub fn check_giver(kind: MandateKind, from: Body) -> AppResult<Vec<&'static Pairing>> {
    let (not_giver, article) = match kind {
        MandateKind::Decentralization => (
            UserErrorCode::DecentralizerNotAllowed,
            "Luật 72/2025 Điều 13 k1",
        ),
        MandateKind::Authorization => (
            UserErrorCode::AuthorizerNotAllowed,
            "Luật 72/2025 Điều 14 k1",
        ),
        MandateKind::Devolution => return Ok(Vec::new()),
    };
    let rows: Vec<&Pairing> = PAIRINGS
        .iter()
        .filter(|p| p.kind == kind && p.from == from)
        .collect();
    if rows.is_empty() {
        return Err(AppError::rule(
            Some("delegatorCapacity"),
            not_giver,
            format!(
                "{} cannot make {} ({article})",
                from.name(),
                kind_name(kind)
            ),
        ));
    }
    Ok(rows)
}

fn kind_name(kind: MandateKind) -> &'static str {
    match kind {
        MandateKind::Decentralization => "a decentralization (phân cấp)",
        MandateKind::Authorization => "an authorization (ủy quyền)",
        MandateKind::Devolution => "a devolution (phân quyền)",
    }
}

/// The documents a body makes a mandate by.
pub struct Instrument {
    pub kind: MandateKind,
    pub by: fn(Body) -> bool,
    pub types: &'static [DocumentType],
    pub normative: bool,
    pub source: &'static str,
}

/// R3 and R4 as data: a decentralization is a legal normative document of
/// the decentralizer (a resolution of its HĐND, a decision of its UBND);
/// an authorization a decision of the authorizer; a devolution a law or a
/// resolution of Quốc hội.
pub const INSTRUMENTS: &[Instrument] = &[
    Instrument {
        kind: MandateKind::Decentralization,
        by: |b| matches!(b, Council(_)),
        types: &[DocumentType::NqHdnd],
        normative: true,
        source: "Luật 72/2025 Điều 13: a legal normative document of the decentralizer",
    },
    Instrument {
        kind: MandateKind::Decentralization,
        // Whether a Chủ tịch issues normative decisions of its own under
        // Luật 64/2025 is unverified (LAW.md §8.6): its phân cấp rests on a
        // normative decision of its UBND.
        by: |b| matches!(b, Committee(_) | Chair(_)),
        types: &[DocumentType::QdUbnd],
        normative: true,
        source: "Luật 72/2025 Điều 13: a legal normative document of the decentralizer",
    },
    Instrument {
        kind: MandateKind::Authorization,
        by: |b| matches!(b, Committee(_)),
        types: &[DocumentType::QdUbnd],
        normative: false,
        source: "Luật 72/2025 Điều 14 k2a: a written document of the authorizer",
    },
    Instrument {
        kind: MandateKind::Authorization,
        by: |b| matches!(b, Chair(_)),
        types: &[DocumentType::QdCtUbnd, DocumentType::QdUbnd],
        normative: false,
        source: "Luật 72/2025 Điều 14 k2a: a written document of the authorizer",
    },
    Instrument {
        kind: MandateKind::Authorization,
        by: |b| matches!(b, AgencyHead),
        types: &[DocumentType::QdSo],
        normative: false,
        source: "Luật 72/2025 Điều 14 k2a: a written document of the authorizer",
    },
    Instrument {
        kind: MandateKind::Devolution,
        by: |_| true,
        types: &[DocumentType::Luat, DocumentType::NqQh],
        normative: true,
        source: "Luật Tổ chức Chính phủ 2025 Điều 7: phân quyền is made by law",
    },
];

/// R3/R4: `doc` is an instrument `from` (the body of `delegator`) may
/// make a mandate of `kind` by: of an allowed type, normative where it
/// must be, and issued by the delegator itself (a devolution's by
/// Quốc hội, so by no unit of the tree). `field` names the input.
pub fn check_instrument(
    kind: MandateKind,
    from: Body,
    delegator: &unit::Model,
    doc: &document::Model,
    field: &'static str,
) -> AppResult<()> {
    let Some(instrument) = INSTRUMENTS.iter().find(|i| i.kind == kind && (i.by)(from)) else {
        // No instrument: the pairing check refuses the delegator first.
        return Err(AppError::rule(
            Some(field),
            UserErrorCode::WrongInstrumentType,
            format!("{} cannot make {}", from.name(), kind_name(kind)),
        ));
    };
    if !instrument.types.contains(&doc.doc_type) {
        return Err(AppError::rule(
            Some(field),
            UserErrorCode::WrongInstrumentType,
            format!(
                "{} by {} is made by {}; {} is not one ({})",
                kind_name(kind),
                from.name(),
                instrument
                    .types
                    .iter()
                    .map(|t| super::document_number::doc_type_name(*t))
                    .collect::<Vec<_>>()
                    .join(" or "),
                doc.number,
                instrument.source
            ),
        ));
    }
    if instrument.normative && !doc.normative {
        return Err(AppError::rule(
            Some(field),
            UserErrorCode::NotNormative,
            format!(
                "{} is not a legal normative document (văn bản QPPL) ({})",
                doc.number, instrument.source
            ),
        ));
    }
    let issuer_ok = match kind {
        MandateKind::Devolution => doc.issuer_unit_id.is_none(),
        _ => doc.issuer_unit_id == Some(delegator.id),
    };
    if !issuer_ok {
        return Err(AppError::rule(
            Some(field),
            UserErrorCode::InstrumentNotDelegators,
            format!(
                "{} was issued by {}, not by {} ({})",
                doc.number, doc.issuer_name, delegator.name, instrument.source
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(kind: UnitKind, admin_type: AdminType) -> unit::Model {
        unit::Model {
            kind,
            admin_type,
            ..crate::units::service::tests::unit_valid(None, None)
        }
    }

    #[test]
    fn a_unit_in_a_capacity_is_one_body() {
        let province = unit(UnitKind::Province, AdminType::Tinh);
        let so = unit(UnitKind::Department, AdminType::So);
        let hospital = unit(UnitKind::Department, AdminType::Dvsncl);
        assert_eq!(
            body(&province, DelegatorCapacity::Head, "f").unwrap(),
            Chair(Tinh)
        );
        assert_eq!(body(&so, DelegatorCapacity::Head, "f").unwrap(), AgencyHead);
        assert_eq!(
            body(&hospital, DelegatorCapacity::Collective, "f").unwrap(),
            PublicService
        );
        assert!(body(&so, DelegatorCapacity::Council, "f").is_err());
    }

    fn refused(kind: MandateKind, from: Body, to: Body) -> Option<UserErrorCode> {
        match check_pairing(kind, from, to, "X") {
            Ok(()) => None,
            Err(AppError::Rule { code, .. }) => Some(code),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn article_13_lists_who_decentralizes_to_whom() {
        use MandateKind::Decentralization as D;
        assert_eq!(refused(D, Committee(Tinh), Agency), None);
        assert_eq!(refused(D, Council(Tinh), Committee(Xa)), None);
        assert_eq!(refused(D, Chair(Tinh), PublicService), None);
        assert_eq!(
            refused(D, AgencyHead, Committee(Xa)),
            Some(UserErrorCode::DecentralizerNotAllowed)
        );
        assert_eq!(
            refused(D, Agency, Committee(Xa)),
            Some(UserErrorCode::DecentralizerNotAllowed)
        );
        assert_eq!(
            refused(D, Committee(Tinh), AgencyHead),
            Some(UserErrorCode::DecentralizationTargetNotAllowed)
        );
        assert_eq!(
            refused(D, Committee(Xa), Chair(Xa)),
            Some(UserErrorCode::DecentralizerNotAllowed)
        );
    }

    #[test]
    fn article_14_lists_who_authorizes_whom() {
        use MandateKind::Authorization as A;
        assert_eq!(refused(A, Committee(Tinh), Chair(Tinh)), None);
        assert_eq!(refused(A, Chair(Tinh), AgencyHead), None);
        assert_eq!(refused(A, AgencyHead, Committee(Xa)), None);
        assert_eq!(refused(A, Committee(Xa), Chair(Xa)), None);
        assert_eq!(
            refused(A, Chair(Tinh), Committee(Xa)),
            Some(UserErrorCode::AuthorizationTargetNotAllowed)
        );
        assert_eq!(
            refused(A, Committee(Tinh), Agency),
            Some(UserErrorCode::AuthorizationTargetNotAllowed)
        );
        assert_eq!(
            refused(A, AgencyHead, AgencyHead),
            Some(UserErrorCode::AuthorizationTargetNotAllowed)
        );
        assert_eq!(
            refused(A, Council(Tinh), Chair(Tinh)),
            Some(UserErrorCode::AuthorizerNotAllowed)
        );
        assert_eq!(
            refused(A, PublicServiceHead, Chair(Xa)),
            Some(UserErrorCode::AuthorizerNotAllowed)
        );
    }

    #[test]
    fn only_councils_committees_and_chairs_issue_normative_documents() {
        assert!(Committee(Xa).issues_normative());
        assert!(!AgencyHead.issues_normative());
        assert!(!PublicService.issues_normative());
    }
}

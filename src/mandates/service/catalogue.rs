//! What the catalogue of powers says of a mandate's matter, checked when
//! it is issued or amended: LAW.md §7.3 R8 (a non-delegable matter) and
//! R16 (a delegation that changes a procedure needs the decision that
//! publishes it). R9 (ủy quyền to a public service unit only for matters
//! that increase its autonomy) reads `matter.autonomy_related`.

use entity::document::DocumentType;

use super::*;
use crate::mandates::matters;

pub(crate) use crate::units::service::province_of;

/// R8 and R16 for `m`, delegated by `delegator`. A DEVOLUTION records what
/// the law itself gives and is exempt from both.
///
/// * R8: a matter the law forbids delegating ("trừ trường hợp pháp luật
///   quy định không được phân cấp, ủy quyền", Luật TCCQĐP 2025 Điều 13,
///   Điều 14 k1; LAW.md §1.2) is refused with NON_DELEGABLE, citing the
///   provision the catalogue records.
/// * R16: where delegating changes an administrative procedure, Chủ tịch
///   UBND tỉnh publishes the changed procedures (Điều 13 k7, Điều 14 k6;
///   LAW.md §1.2): the mandate cites that decision (QD_CT_UBND, or a
///   QD_UBND), issued by the delegator's province on or before the first
///   day (PUBLICATION_REQUIRED when it cites none, INVALID_PUBLICATION
///   when the cited one is not such a decision).
///
/// * R9: an authorization (ủy quyền) to a public service unit (ĐVSNCL) is
///   allowed only for a matter that increases its autonomy in managing
///   itself and providing public services (Luật 65/2025 wording, LAW.md
///   §1.2; AUTONOMY_REQUIRED).
pub(super) async fn check_matter(
    txn: &DatabaseTransaction,
    m: &mandate::Model,
    matter: &entity::matter::Model,
    delegator: &unit::Model,
    delegatees: &[unit::Model],
) -> AppResult<()> {
    if !matters::listed_on(matter, m.effective_from) {
        return Err(AppError::rule(
            Some("matterCode"),
            UserErrorCode::UnknownMatter,
            format!(
                "matter {} is not in the catalogue on {}",
                matter.code, m.effective_from
            ),
        ));
    }
    if m.kind == MandateKind::Devolution {
        return Ok(());
    }
    if matter.non_delegable {
        return Err(AppError::rule(
            Some("matterCode"),
            UserErrorCode::NonDelegable,
            format!(
                "matter {} ({}) may not be delegated: {}",
                matter.code,
                matter.name,
                matter.non_delegable_basis.as_deref().unwrap_or(&matter.law)
            ),
        ));
    }
    if m.kind == MandateKind::Authorization && !matter.autonomy_related {
        let public_service = delegatees
            .iter()
            .find(|d| d.admin_type == entity::unit::AdminType::Dvsncl);
        if let Some(unit) = public_service {
            return Err(AppError::rule(
                Some("delegatees"),
                UserErrorCode::AutonomyRequired,
                format!(
                    "{} is a public service unit: it is authorized only matters that increase its autonomy, and {} is not one (Luật 65/2025 Điều 14)",
                    unit.name, matter.code
                ),
            ));
        }
    }
    if !matter.changes_procedure {
        return Ok(());
    }
    let Some(id) = m.procedure_publication_id else {
        return Err(AppError::rule(
            Some("procedurePublication"),
            UserErrorCode::PublicationRequired,
            format!(
                "delegating matter {} changes an administrative procedure: cite the decision of Chủ tịch UBND tỉnh publishing it (Luật TCCQĐP 2025, Điều 13 k7, Điều 14 k6)",
                matter.code
            ),
        ));
    };
    let doc = documents::existing(txn, id).await?;
    let decision = matches!(doc.doc_type, DocumentType::QdCtUbnd | DocumentType::QdUbnd);
    let province = province_of(delegator);
    let by_province = doc.issuer_unit_id.is_some() && doc.issuer_unit_id == province;
    if !decision || !by_province || doc.issued_date > m.effective_from {
        return Err(AppError::rule(
            Some("procedurePublication"),
            UserErrorCode::InvalidPublication,
            format!(
                "{} is not a decision of the province's UBND or its Chủ tịch issued on or before {} (Luật TCCQĐP 2025, Điều 13 k7, Điều 14 k6)",
                doc.number, m.effective_from
            ),
        ));
    }
    Ok(())
}

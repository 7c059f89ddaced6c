//! Carrying a lapsed assignment over to the units that succeeded its
//! delegatee.

use super::*;

/// Who acts for `delegator` on `day`: itself while in force; once it has
/// ended, its successors in force.
pub(super) async fn acting_for(
    db: &impl ConnectionTrait,
    delegator: &unit::Model,
    day: NaiveDate,
) -> AppResult<Vec<unit::Model>> {
    if rules::in_force(delegator, day) {
        return Ok(vec![delegator.clone()]);
    }
    Ok(units::successors_of(db, delegator)
        .await?
        .into_iter()
        .filter(|u| rules::in_force(u, day))
        .collect())
}

/// The units an APPROVER over any of may transfer a mandate's
/// assignments: the delegator and whoever acts for it.
pub(super) fn transferrers(acting: &[unit::Model], delegator: &unit::Model) -> Vec<unit::Model> {
    let mut over = acting.to_vec();
    over.push(delegator.clone());
    over
}

/// The document a transfer cites: an instrument the acting delegator
/// could make the mandate by (R3, R4: a normative decision for a
/// decentralization), or a law or resolution of Quốc hội that carries
/// powers over at a reorganisation (NQ 190/2025/QH15). A report or a
/// letter carries nothing over. Transfers at a reorganisation are often
/// decided after the day they apply from, so the document's date is not
/// compared with it.
fn check_transfer_document(
    m: &mandate::Model,
    acting: &[unit::Model],
    doc: &document::Model,
) -> AppResult<()> {
    let central = doc.issuer_unit_id.is_none()
        && doc.normative
        && matches!(
            doc.doc_type,
            document::DocumentType::Luat | document::DocumentType::NqQh
        );
    if central {
        return Ok(());
    }
    let mut last = Err(AppError::rule(
        Some("document"),
        UserErrorCode::InstrumentNotDelegators,
        format!(
            "{} was not issued by the delegator or its successor",
            doc.number
        ),
    ));
    for unit in acting {
        let from = bodies::body(unit, m.delegator_capacity, "delegatorCapacity")?;
        last = bodies::check_instrument(m.kind, from, unit, doc, "document");
        if last.is_ok() {
            break;
        }
    }
    last
}

/// Carries a lapsed assignment (its delegatee ended) to successor units
/// from `from`, citing `document`. Without `successors`, the delegatee's
/// successors through lineage.
pub async fn transfer_assignments(
    db: &DatabaseConnection,
    by: Authority<'_>,
    assignment: Uuid,
    successors: Option<Vec<Uuid>>,
    document: Uuid,
    from: NaiveDate,
) -> AppResult<mandate::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let old = mandate_assignment::Entity::find_by_id(assignment)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("assignment"))?;
    let m = existing(&txn, old.mandate_id).await?;
    let delegator = existing_unit(&txn, m.delegator_unit_id).await?;
    let acting = acting_for(&txn, &delegator, from).await?;
    let actor = by.require_any(Role::Approver, &transferrers(&acting, &delegator))?;
    let doc = documents::existing(&txn, document).await?;
    check_transfer_document(&m, &acting, &doc)?;
    if from > crate::calendar::today() {
        return Err(AppError::rule(
            Some("effectiveFrom"),
            UserErrorCode::InvalidDate,
            "a transfer is recorded once it applies: effectiveFrom is today or earlier",
        ));
    }
    if old.transferred {
        return Err(AppError::rule(
            Some("assignment"),
            UserErrorCode::AlreadyTransferred,
            "already carried over",
        ));
    }
    if rules::dated_status(&m, from) != DatedStatus::Active {
        return Err(AppError::rule(
            None,
            UserErrorCode::NotActive,
            format!("{} is not in force on {from}", m.code),
        ));
    }
    let delegatee = existing_unit(&txn, old.delegatee_unit_id).await?;
    if status::assignment(&m, &old, &delegatee, from) != AssignmentStatus::Lapsed {
        return Err(AppError::rule(
            Some("assignment"),
            UserErrorCode::NotLapsed,
            format!("{} is still in force on {from}", delegatee.name),
        ));
    }
    let successors = match successors {
        Some(ids) => units_by_id(&txn, &ids).await?,
        None => units::successors_of(&txn, &delegatee).await?,
    };
    if successors.is_empty() {
        return Err(AppError::rule(
            Some("successors"),
            UserErrorCode::NoSuccessor,
            format!("{} has no successor; name one", delegatee.name),
        ));
    }
    for s in &successors {
        let mut last = Ok(());
        for d in &acting {
            let t = territory(&txn, d).await?;
            last = rules::check_delegatee(&m, d, &t, s, from);
            if last.is_ok() {
                break;
            }
        }
        if acting.is_empty() {
            last = Err(AppError::rule(
                None,
                UserErrorCode::DelegatorEnded,
                "the delegator has no successor in force",
            ));
        }
        last?;
    }
    let mut window = m.clone();
    window.effective_from = from;
    let line: Vec<Uuid> = ancestors(&txn, m.parent_mandate_id)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    check_overlap(&txn, &window, &successors, &line, &[m.id]).await?;
    let before = mandate_json(&m, &current_delegatees(&txn, &m).await?);
    let spans = crate::reporting::regimes::spans_of(&txn, &[m.id]).await?;
    let mut row = old.clone().into_active_model();
    row.transferred = Set(true);
    row.valid_to = Set(Some(from - Days::new(1)));
    row.update(&txn).await?;
    for s in &successors {
        mandate_assignment::Model {
            id: Uuid::now_v7(),
            mandate_id: m.id,
            delegatee_unit_id: s.id,
            valid_from: from,
            valid_to: m.effective_to,
            transferred: false,
            successor_of: Some(old.id),
            transfer_document_id: Some(document),
        }
        .into_active_model()
        .insert(&txn)
        .await?;
    }
    follow(&txn, spans, &[m.id]).await?;
    audit_mandate(&txn, &actor, "transferAssignments", Some(before), &m).await?;
    txn.commit().await?;
    Ok(m)
}

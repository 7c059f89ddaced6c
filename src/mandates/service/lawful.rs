//! The rules of DESIGN §3 that need other mandates: holding, levels and
//! overlap, checked when a mandate is issued or amended.

use super::*;

/// The parent chain of a mandate, nearest first.
pub(super) async fn ancestors(
    db: &impl ConnectionTrait,
    parent: Option<Uuid>,
) -> AppResult<Vec<mandate::Model>> {
    let mut chain = Vec::new();
    let mut next = parent;
    while let Some(id) = next {
        if chain.iter().any(|m: &mandate::Model| m.id == id) || chain.len() > 16 {
            break;
        }
        let m = existing(db, id).await?;
        next = m.parent_mandate_id;
        chain.push(m);
    }
    Ok(chain)
}

/// Rules 1 to 7 for `m` with `delegatees`. `ignore` lists mandates that
/// the change replaces, whose leads do not count as overlaps. Returns the
/// parent to record: the given one, or the devolution by which a delegator
/// other than the province holds the matter, so that the line of
/// delegation is explicit.
pub(super) async fn check_lawful(
    txn: &DatabaseTransaction,
    m: &mandate::Model,
    delegatees: &[unit::Model],
    ignore: &[Uuid],
) -> AppResult<Option<Uuid>> {
    let basis = match m.legal_basis_id {
        Some(id) => Some(documents::existing(txn, id).await?),
        None => None,
    };
    rules::check_form(m, basis.as_ref())?;
    let delegator = existing_unit(txn, m.delegator_unit_id).await?;
    let from = bodies::body(&delegator, m.delegator_capacity, "delegatorCapacity")?;
    bodies::check_giver(m.kind, from)?;
    if let Some(basis) = &basis {
        bodies::check_instrument(m.kind, from, &delegator, basis, "legalBasis")?;
    }
    // Read once: the catalogue's rules (R8, R9, R16), the holder (R7) and
    // a devolution's target all read the same matter.
    let matter = crate::mandates::matters::catalogued(txn, &m.matter_code).await?;
    check_matter(txn, m, &matter, &delegator, delegatees).await?;
    if !rules::in_force(&delegator, m.effective_from) {
        return Err(AppError::rule(
            Some("delegator"),
            UserErrorCode::DelegatorNotInForce,
            format!("{} is not in force on {}", delegator.name, m.effective_from),
        ));
    }
    let delegator_territory = territory(txn, &delegator).await?;
    for delegatee in delegatees {
        rules::check_delegatee(
            m,
            &delegator,
            &delegator_territory,
            delegatee,
            m.effective_from,
        )?;
    }
    if m.kind == MandateKind::Devolution {
        check_devolved_to_holder(m, &matter, delegatees)?;
    }
    let given = ancestors(txn, m.parent_mandate_id).await?;
    if let Some(parent) = given.first() {
        rules::check_onward(parent, m.kind)?;
    }
    let holder = check_holds(txn, m, &matter, &delegator, from, given.first()).await?;
    let parent = m.parent_mandate_id.or(holder);
    let chain = ancestors(txn, parent).await?;
    check_levels(txn, m, &delegator, delegatees, &chain).await?;
    let line: Vec<Uuid> = chain.iter().map(|c| c.id).collect();
    check_overlap(txn, m, delegatees, &line, ignore).await?;
    Ok(parent)
}

/// The document that revokes or extends `m` is of the same form and by
/// the same authority as the instrument that made it (R3, R4: the checks
/// of [`bodies::check_instrument`]), or, for a mandate a sở made, a
/// decision of its UBND tỉnh (the authority above it); and it is in force
/// on `takes_effect`, the day the change applies: a decision does not
/// reach back before it exists. A report, a letter or an unrelated law
/// never ends a mandate.
pub(super) async fn check_ending_instrument(
    txn: &DatabaseTransaction,
    m: &mandate::Model,
    doc: &document::Model,
    takes_effect: NaiveDate,
    field: &'static str,
) -> AppResult<()> {
    let delegator = existing_unit(txn, m.delegator_unit_id).await?;
    let from = bodies::body(&delegator, m.delegator_capacity, "delegatorCapacity")?;
    let own = bodies::check_instrument(m.kind, from, &delegator, doc, field);
    let province_over_department = delegator.kind == UnitKind::Department
        && doc.issuer_unit_id.is_some()
        && doc.issuer_unit_id == delegator.parent_id
        && doc.doc_type == document::DocumentType::QdUbnd;
    if !province_over_department {
        own?;
    }
    // Neither the mandate's own basis nor an older document ends it, and
    // the change takes effect no earlier than the decision is issued.
    let basis = match m.legal_basis_id {
        Some(id) => Some(documents::existing(txn, id).await?),
        None => None,
    };
    if let Some(basis) = basis.filter(|b| b.id == doc.id || b.issued_date > doc.issued_date) {
        return Err(AppError::rule(
            Some(field),
            UserErrorCode::DocumentNotInForce,
            format!(
                "{} rests on {}: it is ended or extended by a later decision, not by {}",
                m.code, basis.number, doc.number
            ),
        ));
    }
    if doc.issued_date > takes_effect {
        return Err(AppError::rule(
            Some(field),
            UserErrorCode::DocumentNotInForce,
            format!(
                "{} was issued on {}; a change it makes applies from then, not from {takes_effect}",
                doc.number, doc.issued_date
            ),
        ));
    }
    if doc.effective_from > takes_effect || doc.effective_to.is_some_and(|to| to < takes_effect) {
        return Err(AppError::rule(
            Some(field),
            UserErrorCode::DocumentNotInForce,
            format!(
                "{} is not in force on {takes_effect}, when the change would apply; a decision does not reach back before it takes effect",
                doc.number
            ),
        ));
    }
    Ok(())
}

/// Rule 4 (R7): the delegator holds the matter on the effective date and
/// for as long as the mandate lasts: as the original holder the catalogue
/// names (the body itself: UBND tỉnh's power is given by UBND tỉnh, not by
/// its Chủ tịch), through the parent mandate, or by law (an active
/// DEVOLUTION naming it). Returns the mandate it holds by. A devolution
/// records the holder the law names (DEVOLUTION_NOT_TO_HOLDER otherwise).
pub(super) async fn check_holds(
    txn: &DatabaseTransaction,
    m: &mandate::Model,
    matter: &entity::matter::Model,
    delegator: &unit::Model,
    from: bodies::Body,
    parent: Option<&mandate::Model>,
) -> AppResult<Option<Uuid>> {
    if m.kind == MandateKind::Devolution {
        return Ok(None);
    }
    if parent.is_none() && bodies::holds_originally(matter.holder, from) {
        return Ok(None);
    }
    let date = m.effective_from;
    let candidates: Vec<mandate::Model> = match parent {
        Some(parent) if parent.matter_code == m.matter_code => vec![parent.clone()],
        Some(_) => Vec::new(),
        None => {
            mandate::Entity::find()
                .filter(mandate::Column::MatterCode.eq(m.matter_code.as_str()))
                .filter(mandate::Column::Kind.eq(MandateKind::Devolution))
                .filter(mandate::Column::State.ne(MandateState::Draft))
                .all(txn)
                .await?
        }
    };
    let ids: Vec<Uuid> = candidates.iter().map(|c| c.id).collect();
    let assignments = assignments_of(txn, &ids).await?;
    let holds = candidates.iter().find_map(|c| {
        let active = rules::dated_status(c, date) == DatedStatus::Active;
        let held = assignments.iter().find(|a| {
            a.mandate_id == c.id && a.delegatee_unit_id == delegator.id && rules::covers(a, date)
        });
        held.filter(|_| active).map(|a| (c, a))
    });
    let Some((holding, assignment)) = holds else {
        return Err(AppError::rule(
            Some("delegator"),
            UserErrorCode::NotHeld,
            format!(
                "{} ({}) does not hold matter {} on {date}: the law gives it to {}, and no mandate passes it to this body (Luật 72/2025 Điều 14 k1: \"nhiệm vụ, quyền hạn mà mình được giao\")",
                delegator.name,
                from.name(),
                m.matter_code,
                bodies::holder_name(matter.holder)
            ),
        ));
    };
    // What is held until a day is passed on until that day at the latest.
    let held_until = match (assignment.valid_to, holding.effective_to) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let Some(end) = held_until
        && m.effective_to.is_none_or(|to| to > end)
    {
        return Err(AppError::rule(
            Some("effectiveTo"),
            UserErrorCode::OutlivesParent,
            format!(
                "{} holds matter {} by {} only until {end}; the mandate must end by then",
                delegator.name, m.matter_code, holding.code
            ),
        ));
    }
    Ok(Some(holding.id))
}

/// A devolution records the body the law gives the matter to: a sở for a
/// power of "a sở, by law", the commune for a commune's power; never the
/// province's own powers (it holds them; nothing is devolved).
fn check_devolved_to_holder(
    m: &mandate::Model,
    matter: &entity::matter::Model,
    delegatees: &[unit::Model],
) -> AppResult<()> {
    for d in delegatees {
        let to = bodies::body(d, m.delegatee_capacity, "delegateeCapacity")?;
        // The sở the catalogue names, by the abbreviation in its code.
        let named_so = matter.holder_department.as_deref().is_none_or(|abbr| {
            crate::units::service::abbreviation(d).is_some_and(|own| own.eq_ignore_ascii_case(abbr))
        });
        if !bodies::devolved_to(matter.holder, to) || !named_so {
            return Err(AppError::rule(
                Some("delegatees"),
                UserErrorCode::DevolutionNotToHolder,
                format!(
                    "the law gives matter {} to {}, not to {} ({}): a devolution (phân quyền) records the holder the law names",
                    matter.code,
                    bodies::holder_name(matter.holder),
                    d.name,
                    to.name()
                ),
            ));
        }
    }
    Ok(())
}

/// Rule 3 (R12): one matter spans at most two administrative levels
/// along its line of delegation: the units on the line (the delegator of
/// every mandate of the chain, the new delegator) and the new delegatees.
/// Other delegatees of the chain's mandates are not on this line.
pub(super) async fn check_levels(
    txn: &DatabaseTransaction,
    m: &mandate::Model,
    delegator: &unit::Model,
    delegatees: &[unit::Model],
    chain: &[mandate::Model],
) -> AppResult<()> {
    let mut line = vec![delegator.kind];
    for c in chain {
        line.push(existing_unit(txn, c.delegator_unit_id).await?.kind);
    }
    line.extend(delegatees.iter().map(|d| d.kind));
    rules::check_levels(&m.matter_code, &line)
}

/// Rule 5: one lead per matter and territory on any date. An assignment
/// of the same matter whose dates and territory overlap one of
/// `delegatees` is refused, unless it belongs to `ignore` or descends from
/// it (onward delegation within one chain is one line of leadership).
pub(super) async fn check_overlap(
    txn: &DatabaseTransaction,
    m: &mandate::Model,
    delegatees: &[unit::Model],
    chain: &[Uuid],
    replaced: &[Uuid],
) -> AppResult<()> {
    let same_matter: HashMap<Uuid, mandate::Model> = mandate::Entity::find()
        .filter(mandate::Column::MatterCode.eq(m.matter_code.as_str()))
        .filter(mandate::Column::State.ne(MandateState::Draft))
        .all(txn)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    // The ancestors themselves are the line this mandate continues; what
    // descends from a replaced mandate (or this one) moves with it.
    let in_ignored_line = |mut id: Uuid| {
        if chain.contains(&id) {
            return true;
        }
        for _ in 0..16 {
            if replaced.contains(&id) || id == m.id {
                return true;
            }
            match same_matter.get(&id).and_then(|c| c.parent_mandate_id) {
                Some(parent) => id = parent,
                None => return false,
            }
        }
        false
    };
    let mut mine = Vec::new();
    for d in delegatees {
        let t = territory(txn, d).await?;
        if let Some((other, _)) = mine.iter().find(|(_, o): &&(&unit::Model, String)| {
            t.starts_with(o.as_str()) || o.starts_with(t.as_str())
        }) {
            return Err(AppError::rule(
                Some("delegatees"),
                UserErrorCode::OverlappingLead,
                format!(
                    "{} and {} would both lead matter {} over the same territory",
                    other.name, d.name, m.matter_code
                ),
            ));
        }
        mine.push((d, t));
    }
    let ids: Vec<Uuid> = same_matter
        .values()
        .filter(|c| {
            rules::ranges_overlap(
                c.effective_from,
                c.effective_to,
                m.effective_from,
                m.effective_to,
            )
        })
        .filter(|c| !in_ignored_line(c.id))
        .map(|c| c.id)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let assignments = assignments_of(txn, &ids).await?;
    let holder_ids: Vec<Uuid> = assignments.iter().map(|a| a.delegatee_unit_id).collect();
    let holders = units::find_many(txn, &holder_ids).await?;
    for a in assignments.iter().filter(|a| {
        rules::ranges_overlap(a.valid_from, a.valid_to, m.effective_from, m.effective_to)
    }) {
        let Some(holder) = holders.iter().find(|u| u.id == a.delegatee_unit_id) else {
            continue;
        };
        let theirs = territory(txn, holder).await?;
        if let Some((d, _)) = mine
            .iter()
            .find(|(_, t)| t.starts_with(&theirs) || theirs.starts_with(t.as_str()))
        {
            let other = &same_matter[&a.mandate_id];
            return Err(AppError::rule(
                Some("delegatees"),
                UserErrorCode::OverlappingLead,
                format!(
                    "matter {} already has a lead over {} ({} under {}); one lead per matter and territory",
                    m.matter_code, d.name, holder.name, other.code
                ),
            ));
        }
    }
    Ok(())
}

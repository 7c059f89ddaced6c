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
    check_matter(txn, m, &delegator).await?;
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
            m.kind,
            &delegator,
            &delegator_territory,
            delegatee,
            m.effective_from,
        )?;
    }
    let given = ancestors(txn, m.parent_mandate_id).await?;
    if let Some(parent) = given.first() {
        rules::check_onward(parent)?;
    }
    let holder = check_holds(txn, m, &delegator, given.first()).await?;
    let parent = m.parent_mandate_id.or(holder);
    let chain = ancestors(txn, parent).await?;
    check_levels(txn, m, &delegator, delegatees, &chain).await?;
    let line: Vec<Uuid> = chain.iter().map(|c| c.id).collect();
    check_overlap(txn, m, delegatees, &line, ignore).await?;
    Ok(parent)
}

/// Rule 4: the delegator holds the matter on the effective date, as the
/// province (original holder), through the parent mandate, or by law
/// (an active DEVOLUTION naming it). Returns the mandate it holds by.
pub(super) async fn check_holds(
    txn: &DatabaseTransaction,
    m: &mandate::Model,
    delegator: &unit::Model,
    parent: Option<&mandate::Model>,
) -> AppResult<Option<Uuid>> {
    if m.kind == MandateKind::Devolution
        || (delegator.kind == UnitKind::Province && parent.is_none())
    {
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
    let holds = candidates.iter().find(|c| {
        rules::dated_status(c, date) == DatedStatus::Active
            && assignments.iter().any(|a| {
                a.mandate_id == c.id
                    && a.delegatee_unit_id == delegator.id
                    && rules::covers(a, date)
            })
    });
    if let Some(holding) = holds {
        Ok(Some(holding.id))
    } else {
        Err(AppError::rule(
            Some("delegator"),
            UserErrorCode::NotHeld,
            format!(
                "{} does not hold matter {} on {date}",
                delegator.name, m.matter_code
            ),
        ))
    }
}

/// Rule 3: along the chain of delegation one matter spans at most two
/// administrative levels.
pub(super) async fn check_levels(
    txn: &DatabaseTransaction,
    m: &mandate::Model,
    delegator: &unit::Model,
    delegatees: &[unit::Model],
    chain: &[mandate::Model],
) -> AppResult<()> {
    let root_delegator = match chain.last() {
        Some(root) => existing_unit(txn, root.delegator_unit_id).await?,
        None => delegator.clone(),
    };
    let mut levels = BTreeSet::from([rules::level(root_delegator.kind)]);
    levels.extend(delegatees.iter().map(|d| rules::level(d.kind)));
    let ids: Vec<Uuid> = chain.iter().map(|c| c.id).collect();
    // The levels that hold the matter along the line on the new mandate's
    // first day: a delegatee whose assignment was carried to successors
    // no longer counts.
    let held_by: Vec<Uuid> = assignments_of(txn, &ids)
        .await?
        .iter()
        .filter(|a| rules::covers(a, m.effective_from))
        .map(|a| a.delegatee_unit_id)
        .collect();
    levels.extend(
        units::find_many(txn, &held_by)
            .await?
            .iter()
            .map(|u| rules::level(u.kind)),
    );
    if levels.len() > 2 {
        return Err(AppError::rule(
            Some("delegatees"),
            UserErrorCode::TooManyLevels,
            format!(
                "matter {} would be managed by {} administrative levels; at most two",
                m.matter_code,
                levels.len()
            ),
        ));
    }
    Ok(())
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

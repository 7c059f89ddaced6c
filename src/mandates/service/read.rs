//! Who may see which mandates, what they may do with them, lists,
//! expiring authorizations and a territory's coverage.

use super::*;

/// What a list of mandates is filtered by.
#[derive(Debug, Clone, Default)]
pub struct MandateFilter {
    pub delegator: Option<Uuid>,
    pub delegatee: Option<Uuid>,
    /// Path: delegator or a delegatee in this subtree.
    pub within: Option<String>,
    pub sector: Option<Sector>,
    pub kind: Option<MandateKind>,
    pub status: Option<MandateStatus>,
    /// Text in the code, title or matter code, ignoring case and
    /// diacritics (matched against `mandate.search_text`).
    pub search: Option<String>,
}

pub(super) fn units_below(paths: &[&str]) -> SimpleExpr {
    let mut cond = Condition::any();
    for path in paths {
        cond = cond.add(subtree_of(path));
    }
    mandate::Column::DelegatorUnitId.in_subquery(
        Query::select()
            .column(unit::Column::Id)
            .from(unit::Entity)
            .cond_where(cond)
            .to_owned(),
    )
}

pub(super) fn assigned_to(units: Condition) -> SimpleExpr {
    mandate::Column::Id.in_subquery(
        Query::select()
            .column(mandate_assignment::Column::MandateId)
            .from(mandate_assignment::Entity)
            .cond_where(
                mandate_assignment::Column::DelegateeUnitId.in_subquery(
                    Query::select()
                        .column(unit::Column::Id)
                        .from(unit::Entity)
                        .cond_where(units)
                        .to_owned(),
                ),
            )
            .to_owned(),
    )
}

/// Who may see what: a mandate in force on `as_of` is public
/// (transparency); anything else only to viewers with a grant over its
/// delegator.
pub fn visible_to(viewer: Option<&Viewer>, as_of: NaiveDate) -> Condition {
    let mut cond = Condition::any().add(status::in_force_by_dates(as_of));
    if let Some(viewer) = viewer {
        let paths: Vec<&str> = viewer
            .grants
            .iter()
            .map(|g| g.scope.path.as_str())
            .collect();
        if !paths.is_empty() {
            cond = cond.add(units_below(&paths));
        }
    }
    cond
}

/// Whether `viewer` may see `m` on `as_of`.
pub fn can_see(
    viewer: Option<&Viewer>,
    m: &mandate::Model,
    delegator: &unit::Model,
    as_of: NaiveDate,
) -> bool {
    rules::dated_status(m, as_of) == DatedStatus::Active
        || viewer.is_some_and(|v| v.covers(delegator))
}

/// What a viewer may do with a mandate now (`viewerCan`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Abilities {
    pub update: bool,
    pub issue: bool,
    pub amend: bool,
    pub revoke: bool,
    pub extend: bool,
    pub transfer: bool,
}

/// What `viewer` may do with `m` today, its assignments reading
/// `assignments`: an APPROVER over the delegator edits and issues drafts,
/// amends, revokes and (for an authorization) extends what is in force or
/// scheduled; an APPROVER over the delegator or whoever acts for it
/// transfers a lapsed assignment. The mutations check the same roles
/// (`for_change`, `transfer_assignments`) and states.
pub async fn viewer_can(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    m: &mandate::Model,
    delegator: &unit::Model,
    assignments: &[AssignmentStatus],
    today: NaiveDate,
) -> AppResult<Abilities> {
    let Some(viewer) = viewer else {
        return Ok(Abilities::default());
    };
    let approver = viewer.grant_covering(Role::Approver, delegator).is_some();
    let draft = m.state == MandateState::Draft;
    let live = m.state == MandateState::Issued
        && matches!(
            status::mandate(m, assignments.iter().copied(), today),
            MandateStatus::Active | MandateStatus::Scheduled | MandateStatus::Lapsed
        );
    let transfer = live
        && assignments.contains(&AssignmentStatus::Lapsed)
        && transferrers(&acting_for(db, delegator, today).await?, delegator)
            .iter()
            .any(|u| viewer.grant_covering(Role::Approver, u).is_some());
    Ok(Abilities {
        update: approver && draft,
        issue: approver && draft,
        // An amendment is issued by the delegator, which must still exist.
        amend: approver && live && rules::in_force(delegator, today),
        revoke: approver && live,
        extend: approver && live && m.kind == MandateKind::Authorization,
        transfer,
    })
}

/// The cursor mandates are paged by: `(code, id)`.
pub fn cursor(m: &mandate::Model) -> Cursor {
    Cursor::new(m.code.clone(), m.id)
}

/// The mandates `viewer` may see on `as_of` that match `filter`.
pub(super) fn list_condition(
    viewer: Option<&Viewer>,
    filter: &MandateFilter,
    as_of: NaiveDate,
) -> Condition {
    let mut cond = Condition::all().add(visible_to(viewer, as_of));
    if let Some(id) = filter.delegator {
        cond = cond.add(mandate::Column::DelegatorUnitId.eq(id));
    }
    if let Some(id) = filter.delegatee {
        cond = cond.add(assigned_to(Condition::all().add(unit::Column::Id.eq(id))));
    }
    if let Some(path) = &filter.within {
        cond = cond.add(
            Condition::any()
                .add(units_below(&[path.as_str()]))
                .add(assigned_to(subtree_of(path))),
        );
    }
    if let Some(sector) = &filter.sector {
        cond = cond.add(mandate::Column::Sector.eq(*sector));
    }
    if let Some(kind) = filter.kind {
        cond = cond.add(mandate::Column::Kind.eq(kind));
    }
    if let Some(status) = filter.status {
        cond = cond.add(status::condition(status, as_of));
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.is_empty()) {
        cond = cond.add(mandate::Column::SearchText.like(crate::text::folded_contains(search)));
    }
    cond
}

/// One page of the mandates `viewer` may see, ordered by code.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    filter: &MandateFilter,
    as_of: NaiveDate,
    page: &PageRequest,
) -> AppResult<Page<mandate::Model>> {
    let cond = list_condition(viewer, filter, as_of);
    page.fetch::<mandate::Entity>(db, cond, mandate::Column::Code, mandate::Column::Id)
        .await
}

/// How many mandates `viewer` may see on `as_of` match `filter`.
pub async fn count(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    filter: &MandateFilter,
    as_of: NaiveDate,
) -> AppResult<u64> {
    Ok(mandate::Entity::find()
        .filter(list_condition(viewer, filter, as_of))
        .count(db)
        .await?)
}

/// Active authorizations whose last day falls within `days` of `today`,
/// delegated within `paths` (any when empty).
pub async fn expiring_authorizations(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    days: u64,
    paths: &[&str],
) -> AppResult<Vec<mandate::Model>> {
    let mut cond = Condition::all()
        .add(status::in_force_by_dates(today))
        .add(mandate::Column::Kind.eq(MandateKind::Authorization))
        .add(mandate::Column::EffectiveTo.lte(today + Days::new(days)));
    if !paths.is_empty() {
        let mut within = Condition::any().add(units_below(paths));
        for path in paths {
            within = within.add(assigned_to(subtree_of(path)));
        }
        cond = cond.add(within);
    }
    Ok(mandate::Entity::find()
        .filter(cond)
        .order_by_asc(mandate::Column::EffectiveTo)
        .order_by_asc(mandate::Column::Code)
        .all(db)
        .await?)
}

/// A matter's situation in a territory on a date.
#[derive(Debug, Clone)]
pub struct MatterCoverage {
    pub matter_code: String,
    /// The latest mandate of the matter in the territory.
    pub latest: mandate::Model,
    /// Active assignments on the date, with their mandates.
    pub holders: Vec<(mandate_assignment::Model, mandate::Model)>,
    /// Pairs of holders whose territories overlap outside one chain.
    pub overlapping: bool,
}

/// A territory's coverage: how many matters were delegated in it, those
/// nobody holds (gaps) and those whose holders overlap.
#[derive(Debug, Clone)]
pub struct CoverageReport {
    pub matters: usize,
    pub gaps: Vec<MatterCoverage>,
    pub overlaps: Vec<MatterCoverage>,
}

/// `coverage` for `viewer` over the subtree of unit `within` (a grant of
/// theirs must cover it) on `as_of`.
pub async fn coverage_for(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    within: Uuid,
    as_of: NaiveDate,
) -> AppResult<CoverageReport> {
    let unit = existing_unit(db, within).await?;
    if !viewer.covers(&unit) {
        return Err(AppError::Forbidden);
    }
    let matters = coverage(db, &unit.path, as_of).await?;
    let mut report = CoverageReport {
        matters: matters.len(),
        gaps: Vec::new(),
        overlaps: Vec::new(),
    };
    for c in matters {
        if c.holders.is_empty() {
            report.gaps.push(c);
        } else if c.overlapping {
            report.overlaps.push(c);
        }
    }
    Ok(report)
}

/// For every matter delegated within the subtree at `path`: who holds it
/// on `as_of`, and whether holders overlap.
pub async fn coverage(
    db: &impl ConnectionTrait,
    path: &str,
    as_of: NaiveDate,
) -> AppResult<Vec<MatterCoverage>> {
    let mandates = mandate::Entity::find()
        .filter(mandate::Column::State.ne(MandateState::Draft))
        .filter(
            Condition::any()
                .add(units_below(&[path]))
                .add(assigned_to(subtree_of(path))),
        )
        .order_by_asc(mandate::Column::MatterCode)
        .order_by_asc(mandate::Column::EffectiveFrom)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = mandates.iter().map(|m| m.id).collect();
    let assignments = assignments_of(db, &ids).await?;
    let holder_ids: Vec<Uuid> = assignments.iter().map(|a| a.delegatee_unit_id).collect();
    let holders = units::find_many(db, &holder_ids).await?;
    let by_id: HashMap<Uuid, &mandate::Model> = mandates.iter().map(|m| (m.id, m)).collect();
    let mut out: Vec<MatterCoverage> = Vec::new();
    for m in &mandates {
        if out.last().is_none_or(|c| c.matter_code != m.matter_code) {
            out.push(MatterCoverage {
                matter_code: m.matter_code.clone(),
                latest: m.clone(),
                holders: Vec::new(),
                overlapping: false,
            });
        }
        let entry = out.last_mut().expect("pushed above");
        entry.latest = m.clone();
        if rules::dated_status(m, as_of) != DatedStatus::Active {
            continue;
        }
        for a in assignments
            .iter()
            .filter(|a| a.mandate_id == m.id && rules::covers(a, as_of))
        {
            // A holder counts while in force; a department acts over its
            // whole province, so it counts wherever the question is asked.
            let in_force = holders
                .iter()
                .find(|u| u.id == a.delegatee_unit_id)
                .is_some_and(|u| {
                    rules::in_force(u, as_of)
                        && (u.path.starts_with(path) || u.kind == UnitKind::Department)
                });
            if in_force {
                entry.holders.push((a.clone(), m.clone()));
            }
        }
    }
    for entry in &mut out {
        let chain_of = |mut id: Uuid| {
            let mut line = vec![id];
            while let Some(parent) = by_id.get(&id).and_then(|m| m.parent_mandate_id) {
                if line.contains(&parent) {
                    break;
                }
                line.push(parent);
                id = parent;
            }
            line
        };
        let mut territories = Vec::new();
        for (a, m) in &entry.holders {
            if let Some(u) = holders.iter().find(|u| u.id == a.delegatee_unit_id) {
                territories.push((territory(db, u).await?, chain_of(m.id)));
            }
        }
        entry.overlapping = territories.iter().enumerate().any(|(i, (t1, c1))| {
            territories[i + 1..].iter().any(|(t2, c2)| {
                let related = c1.contains(&c2[0]) || c2.contains(&c1[0]);
                !related && (t1.starts_with(t2.as_str()) || t2.starts_with(t1.as_str()))
            })
        });
    }
    Ok(out)
}

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
    // A proposal's draft is edited by its drafting body at its stage and
    // issued only by the proposal's decision.
    let (update, issue) = match m.proposal_id {
        Some(p) if draft => (
            crate::proposals::service::may_edit_drafts(db, viewer, p, delegator).await?,
            false,
        ),
        _ => (approver && draft, approver && draft),
    };
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
        update,
        issue,
        // An amendment is issued by the delegator, which must still exist.
        amend: approver && live && rules::in_force(delegator, today),
        revoke: approver && live,
        extend: approver && live && m.kind == MandateKind::Authorization,
        transfer,
    })
}

/// The cursor mandates are paged by by default: `(code, id)`.
pub fn cursor(m: &mandate::Model) -> Cursor {
    cursor_in(None, m)
}

/// The cursor of `m` in a list ordered by `order`: `(code, id)` or
/// `(title key, id)`.
pub fn cursor_in(order: Option<ListOrder>, m: &mandate::Model) -> Cursor {
    crate::pagination::cursor_by(order, &m.code, &m.name_key, m.id)
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

/// One page of the mandates `viewer` may see, ordered by `order` (code or
/// Vietnamese title) then id.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    filter: &MandateFilter,
    as_of: NaiveDate,
    page: &PageRequest,
    order: Option<ListOrder>,
) -> AppResult<Page<mandate::Model>> {
    let cond = list_condition(viewer, filter, as_of);
    let key =
        crate::pagination::order_column(order, mandate::Column::Code, mandate::Column::NameKey);
    page.fetch::<mandate::Entity>(db, cond, key, mandate::Column::Id)
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

/// Where a catalogued matter stands in a territory on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoverageStatus {
    /// Delegatees hold it there (by a mandate in force, their unit too).
    Delegated,
    /// No mandate gives it to anyone there: the body the law assigns it to
    /// holds it (also once a mandate is scheduled, has expired or was
    /// revoked, since the power then returns to it).
    Original,
    /// A mandate in force gives it there, but every delegatee has ended (a
    /// reorganisation); it awaits a transfer to their successors.
    Lapsed,
    /// Nobody holds it: no delegatee, and the body the law assigns it to
    /// does not exist there on the date (e.g. a commune's power asked of a
    /// department, or a province that has ended).
    NoHolder,
}

/// A catalogued matter's situation in a territory on a date.
#[derive(Debug, Clone)]
pub struct MatterCoverage {
    pub matter: entity::matter::Model,
    pub status: CoverageStatus,
    /// Active assignments on the date over the territory, with their
    /// mandates.
    pub holders: Vec<(mandate_assignment::Model, mandate::Model)>,
    /// Assignments in force whose delegatee has ended, with their mandates.
    pub lapsed: Vec<(mandate_assignment::Model, mandate::Model)>,
    /// The province or commune whose body holds the matter by law, when
    /// one unit does (None when each commune of the territory does, or
    /// when no such body exists there).
    pub original_holder: Option<unit::Model>,
    /// Pairs of holders whose territories overlap outside one chain.
    pub overlapping: bool,
    /// The latest mandate of the matter in the territory (by first day in
    /// force) that the viewer may see.
    pub latest: Option<mandate::Model>,
}

/// A territory's coverage: every matter of the catalogue on the date.
#[derive(Debug, Clone)]
pub struct CoverageReport {
    pub matters: Vec<MatterCoverage>,
}

/// `coverage` for `viewer` over the subtree of unit `within` (a grant of
/// theirs must cover it) on `as_of`: for every matter in the catalogue on
/// that date (LAW.md §7.3 R11, "no orphan competence"), who holds it
/// there, and whether that is a delegatee, the original holder, a lapsed
/// delegatee or nobody. The mandates it shows are those `viewer` may see.
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
    let matters = coverage(db, Some(viewer), &unit, as_of).await?;
    Ok(CoverageReport { matters })
}

/// Whether territories (paths) `a` and `b` overlap: one contains the other.
fn overlaps(a: &str, b: &str) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

/// The bodies that hold matters by law over `unit`'s territory on
/// `as_of`: the province (for its HĐND, UBND, Chủ tịch and sở), and the
/// communes (`Some(unit)` when `unit` is one, `None` for several).
async fn original_holders(
    db: &impl ConnectionTrait,
    unit: &unit::Model,
    as_of: NaiveDate,
) -> AppResult<(Option<unit::Model>, Option<Option<unit::Model>>)> {
    let province = match province_of(unit) {
        Some(id) if id == unit.id => Some(unit.clone()),
        Some(id) => units::find(db, id).await?,
        None => None,
    }
    .filter(|p| p.kind == UnitKind::Province && rules::in_force(p, as_of));
    let communes = if unit.kind == UnitKind::Commune {
        rules::in_force(unit, as_of).then(|| Some(unit.clone()))
    } else {
        let in_force = Condition::all()
            .add(subtree_of(&unit.path))
            .add(unit::Column::Kind.eq(UnitKind::Commune))
            .add(
                Condition::any()
                    .add(unit::Column::ValidFrom.is_null())
                    .add(unit::Column::ValidFrom.lte(as_of)),
            )
            .add(
                Condition::any()
                    .add(unit::Column::ValidTo.is_null())
                    .add(unit::Column::ValidTo.gte(as_of)),
            );
        let n = unit::Entity::find().filter(in_force).count(db).await?;
        (n > 0).then_some(None)
    };
    Ok((province, communes))
}

/// Whether a unit that `ended` became (through lineage) lies in or over
/// the territory at `path`; remembered in `seen` per ended unit.
async fn succeeded_here(
    db: &impl ConnectionTrait,
    ended: &unit::Model,
    path: &str,
    seen: &mut HashMap<Uuid, bool>,
) -> AppResult<bool> {
    if let Some(known) = seen.get(&ended.id) {
        return Ok(*known);
    }
    let mut here = false;
    for successor in units::successors_of(db, ended).await? {
        if overlaps(&territory(db, &successor).await?, path) {
            here = true;
            break;
        }
    }
    seen.insert(ended.id, here);
    Ok(here)
}

/// For every matter in the catalogue on `as_of`: who holds it over the
/// territory of `unit` (its subtree) on that date, and the latest mandate
/// of it there that `viewer` may see.
pub async fn coverage(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    unit: &unit::Model,
    as_of: NaiveDate,
) -> AppResult<Vec<MatterCoverage>> {
    let path = unit.path.as_str();
    let catalogue = crate::mandates::matters::in_catalogue(db, as_of).await?;
    let codes: Vec<String> = catalogue.iter().map(|m| m.code.clone()).collect();
    // Who holds what: the mandates in force by their dates, wherever they
    // were issued (a sở's mandate covers a commune too).
    let in_force = mandate::Entity::find()
        .filter(status::in_force_by_dates(as_of))
        .filter(mandate::Column::MatterCode.is_in(codes.iter().cloned()))
        .order_by_asc(mandate::Column::EffectiveFrom)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = in_force.iter().map(|m| m.id).collect();
    let assignments = assignments_of(db, &ids).await?;
    let delegatee_ids: Vec<Uuid> = assignments.iter().map(|a| a.delegatee_unit_id).collect();
    let delegatees: HashMap<Uuid, unit::Model> = units::find_many(db, &delegatee_ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut territories: HashMap<Uuid, String> = HashMap::new();
    for u in delegatees.values() {
        territories.insert(u.id, territory(db, u).await?);
    }
    let by_id: HashMap<Uuid, &mandate::Model> = in_force.iter().map(|m| (m.id, m)).collect();
    // What the viewer is shown: the mandates of the territory, latest last.
    let shown = mandate::Entity::find()
        .filter(mandate::Column::State.ne(MandateState::Draft))
        .filter(mandate::Column::MatterCode.is_in(codes.iter().cloned()))
        .filter(
            Condition::any()
                .add(units_below(&[path]))
                .add(assigned_to(subtree_of(path))),
        )
        .order_by_asc(mandate::Column::EffectiveFrom)
        .order_by_asc(mandate::Column::CreatedAt)
        .all(db)
        .await?;
    let delegator_ids: Vec<Uuid> = shown.iter().map(|m| m.delegator_unit_id).collect();
    let delegators: HashMap<Uuid, unit::Model> = units::find_many(db, &delegator_ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let (province, communes) = original_holders(db, unit, as_of).await?;
    let mut successors: HashMap<Uuid, bool> = HashMap::new();
    let mut out = Vec::with_capacity(catalogue.len());
    for matter in catalogue {
        let mut holders = Vec::new();
        let mut lapsed = Vec::new();
        for m in in_force.iter().filter(|m| m.matter_code == matter.code) {
            for a in assignments.iter().filter(|a| a.mandate_id == m.id) {
                let Some(u) = delegatees.get(&a.delegatee_unit_id) else {
                    continue;
                };
                let here = territories.get(&u.id).is_some_and(|t| overlaps(t, path));
                match status::assignment(m, a, u, as_of) {
                    AssignmentStatus::Active if here => holders.push((a.clone(), m.clone())),
                    // An ended delegatee counts where it was, and where the
                    // units that succeeded it are (a legacy district's
                    // power awaits transfer in the new province).
                    AssignmentStatus::Lapsed
                        if here || succeeded_here(db, u, path, &mut successors).await? =>
                    {
                        lapsed.push((a.clone(), m.clone()))
                    }
                    _ => {}
                }
            }
        }
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
        let held: Vec<(&String, Vec<Uuid>)> = holders
            .iter()
            .filter_map(|(a, m)| {
                territories
                    .get(&a.delegatee_unit_id)
                    .map(|t| (t, chain_of(m.id)))
            })
            .collect();
        let overlapping = held.iter().enumerate().any(|(i, (t1, c1))| {
            held[i + 1..].iter().any(|(t2, c2)| {
                let related = c1.contains(&c2[0]) || c2.contains(&c1[0]);
                !related && overlaps(t1, t2)
            })
        });
        let (original_holder, exists) = if matter.holder.is_commune() {
            match &communes {
                Some(one) => (one.clone(), true),
                None => (None, false),
            }
        } else {
            (province.clone(), province.is_some())
        };
        let status = if !holders.is_empty() {
            CoverageStatus::Delegated
        } else if !lapsed.is_empty() {
            CoverageStatus::Lapsed
        } else if exists {
            CoverageStatus::Original
        } else {
            CoverageStatus::NoHolder
        };
        // The latest the viewer may see of the territory's mandates and
        // those that hold (or held) it there, by first day in force.
        let latest = shown
            .iter()
            .filter(|m| m.matter_code == matter.code)
            .chain(holders.iter().chain(&lapsed).map(|(_, m)| m))
            .filter(|m| {
                let delegator = delegators.get(&m.delegator_unit_id);
                let in_force = rules::dated_status(m, as_of) == DatedStatus::Active;
                in_force || delegator.is_some_and(|d| can_see(viewer, m, d, as_of))
            })
            .max_by_key(|m| (m.effective_from, m.created_at))
            .cloned();
        out.push(MatterCoverage {
            matter,
            status,
            holders,
            lapsed,
            original_holder,
            overlapping,
            latest,
        });
    }
    Ok(out)
}

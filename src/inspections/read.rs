//! Who may read which inspections, findings and recommendations, what
//! they may do with them, lists and the follow-up counts.

use super::service::{self, RecommendationStatus};
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::pagination::{Cursor, Page, PageRequest};
use chrono::NaiveDate;
use entity::inspection::{self, InspectionStatus};
use entity::inspection_finding as finding;
use entity::inspection_recommendation as recommendation;
use entity::inspection_unit;
use entity::role_grant::Role;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// The range of `col` paths at or below `path`.
fn within<C: ColumnTrait>(col: C, path: &str) -> Condition {
    let upper = format!("{}0", &path[..path.len() - 1]);
    Condition::all().add(col.gte(path)).add(col.lt(upper))
}

fn nothing() -> Condition {
    Condition::all().add(Expr::val(1).eq(0))
}

/// Inspections a viewer may read: those of an inspecting body in one of
/// its scopes, and those with a unit in scope or a recommendation's owner
/// in one of its scopes. Nothing for anonymous callers.
pub fn visible_to(viewer: Option<&Viewer>) -> Condition {
    let Some(viewer) = viewer.filter(|v| !v.grants.is_empty()) else {
        return nothing();
    };
    let mut cond = Condition::any();
    for grant in &viewer.grants {
        let path = &grant.scope.path;
        cond = cond
            .add(within(inspection::Column::InspectingPath, path))
            .add(
                inspection::Column::Id.in_subquery(
                    Query::select()
                        .column(inspection_unit::Column::InspectionId)
                        .from(inspection_unit::Entity)
                        .cond_where(within(inspection_unit::Column::UnitPath, path))
                        .to_owned(),
                ),
            )
            .add(
                inspection::Column::Id.in_subquery(
                    Query::select()
                        .column(recommendation::Column::InspectionId)
                        .from(recommendation::Entity)
                        .cond_where(within(recommendation::Column::OwnerPath, path))
                        .to_owned(),
                ),
            );
    }
    cond
}

/// Whether `viewer` may read inspection `i`.
pub async fn can_see(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    i: &inspection::Model,
) -> AppResult<bool> {
    let Some(v) = viewer else {
        return Ok(false);
    };
    if v.covers_path(&i.inspecting_path) {
        return Ok(true);
    }
    let found = inspection::Entity::find()
        .filter(inspection::Column::Id.eq(i.id))
        .filter(visible_to(Some(v)))
        .count(db)
        .await?;
    Ok(found > 0)
}

/// Whether `viewer` reads everything of `i`: a grant over its inspecting
/// body.
pub fn is_inspecting_side(viewer: Option<&Viewer>, i: &inspection::Model) -> bool {
    viewer.is_some_and(|v| v.covers_path(&i.inspecting_path))
}

/// Whether `viewer` may read finding `f` of `i`: the inspecting side, or a
/// grant over the unit it is about.
pub fn can_see_finding(viewer: Option<&Viewer>, i: &inspection::Model, f: &finding::Model) -> bool {
    is_inspecting_side(viewer, i) || viewer.is_some_and(|v| v.covers_path(&f.unit_path))
}

/// Whether `viewer` may read recommendation `r` of `i`: the inspecting
/// side, or a grant over its owner.
pub fn can_see_recommendation(
    viewer: Option<&Viewer>,
    i: &inspection::Model,
    r: &recommendation::Model,
) -> bool {
    is_inspecting_side(viewer, i) || viewer.is_some_and(|v| v.covers_path(&r.owner_path))
}

/// What a viewer may do with an inspection now (`viewerCan`): INSPECTOR
/// over the inspecting body, at the stage each step is taken in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Abilities {
    pub start: bool,
    pub record_finding: bool,
    pub conclude: bool,
    pub add_recommendation: bool,
    pub close: bool,
}

/// See [`Abilities`]; `open` is how many recommendations are still open
/// (closing waits for none).
pub fn viewer_can(viewer: Option<&Viewer>, i: &inspection::Model, open: usize) -> Abilities {
    let inspector = viewer.is_some_and(|v| {
        v.grants.iter().any(|g| {
            g.grant.role == Role::Inspector && i.inspecting_path.starts_with(&g.scope.path)
        })
    });
    if !inspector {
        return Abilities::default();
    }
    use InspectionStatus as S;
    Abilities {
        start: i.status == S::Planned,
        record_finding: i.status == S::InProgress,
        conclude: i.status == S::InProgress,
        add_recommendation: matches!(i.status, S::Concluded | S::FollowingUp),
        close: matches!(i.status, S::Concluded | S::FollowingUp) && open == 0,
    }
}

/// What inspections are filtered by.
#[derive(Debug, Clone, Default)]
pub struct InspectionFilter {
    /// Path of an inspecting body: its inspections.
    pub inspecting: Option<String>,
    /// Path of a unit: inspections with a unit in scope at or below it.
    pub unit: Option<String>,
    pub statuses: Vec<InspectionStatus>,
}

/// The cursor inspections are paged by: `(code, id)`.
pub fn cursor(i: &inspection::Model) -> Cursor {
    Cursor::new(i.code.clone(), i.id)
}

fn filter_condition(viewer: Option<&Viewer>, filter: &InspectionFilter) -> Condition {
    let mut cond = Condition::all().add(visible_to(viewer));
    if let Some(path) = &filter.inspecting {
        cond = cond.add(inspection::Column::InspectingPath.eq(path.as_str()));
    }
    if let Some(path) = &filter.unit {
        cond = cond.add(
            inspection::Column::Id.in_subquery(
                Query::select()
                    .column(inspection_unit::Column::InspectionId)
                    .from(inspection_unit::Entity)
                    .cond_where(within(inspection_unit::Column::UnitPath, path))
                    .to_owned(),
            ),
        );
    }
    if !filter.statuses.is_empty() {
        cond = cond.add(inspection::Column::Status.is_in(filter.statuses.iter().copied()));
    }
    cond
}

/// One page of the inspections `viewer` may read, by code.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    filter: &InspectionFilter,
    page: &PageRequest,
) -> AppResult<Page<inspection::Model>> {
    page.fetch::<inspection::Entity>(
        db,
        filter_condition(viewer, filter),
        inspection::Column::Code,
        inspection::Column::Id,
    )
    .await
}

/// How many inspections match.
pub async fn count(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    filter: &InspectionFilter,
) -> AppResult<u64> {
    Ok(inspection::Entity::find()
        .filter(filter_condition(viewer, filter))
        .count(db)
        .await?)
}

/// Where the recommendations a viewer reads stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FollowUp {
    pub total: i64,
    pub open: i64,
    pub done: i64,
    pub closed: i64,
    /// Open past their deadline.
    pub overdue: i64,
}

/// A recommendation with its status and whether it is overdue on `today`.
#[derive(Debug, Clone)]
pub struct Followed {
    pub recommendation: recommendation::Model,
    pub status: RecommendationStatus,
    pub overdue: bool,
}

/// Whether an open recommendation due on `due` is overdue on `today`.
pub fn overdue(status: RecommendationStatus, due: NaiveDate, today: NaiveDate) -> bool {
    status == RecommendationStatus::Open && today > due
}

/// The recommendations of `i` that `viewer` reads, with their status;
/// `rows` are all of `i`'s, each with whether its follow-up task is
/// accepted.
pub fn followed(
    viewer: Option<&Viewer>,
    i: &inspection::Model,
    rows: Vec<(recommendation::Model, bool)>,
) -> Vec<Followed> {
    let today = crate::calendar::today();
    rows.into_iter()
        .filter(|(r, _)| can_see_recommendation(viewer, i, r))
        .map(|(r, accepted)| {
            let status = service::status_of(&r, accepted);
            Followed {
                overdue: overdue(status, r.due_on, today),
                status,
                recommendation: r,
            }
        })
        .collect()
}

/// The counts of `rows`.
pub fn tally(rows: &[Followed]) -> FollowUp {
    let mut f = FollowUp::default();
    for r in rows {
        f.total += 1;
        match r.status {
            RecommendationStatus::Open => f.open += 1,
            RecommendationStatus::Done => f.done += 1,
            RecommendationStatus::Closed => f.closed += 1,
        }
        if r.overdue {
            f.overdue += 1;
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use uuid::Uuid;

    fn rec(closed: bool) -> recommendation::Model {
        recommendation::Model {
            id: Uuid::nil(),
            inspection_id: Uuid::nil(),
            finding_id: None,
            number: "1".into(),
            text: "x".into(),
            owner_unit_id: Uuid::nil(),
            owner_path: "/".into(),
            due_on: "2025-12-31".parse().unwrap(),
            closed_at: closed.then(Utc::now),
            closed_by: None,
            close_note: None,
            created_at: Utc::now(),
            created_by: "t".into(),
        }
    }

    #[test]
    fn a_recommendation_is_closed_done_or_open_and_only_open_ones_are_late() {
        let (open, closed) = (rec(false), rec(true));
        assert_eq!(
            service::status_of(&closed, true),
            RecommendationStatus::Closed
        );
        assert_eq!(service::status_of(&open, true), RecommendationStatus::Done);
        assert_eq!(service::status_of(&open, false), RecommendationStatus::Open);
        let due = open.due_on;
        let next = due.succ_opt().unwrap();
        assert!(!overdue(RecommendationStatus::Open, due, due), "due today");
        assert!(overdue(RecommendationStatus::Open, due, next));
        assert!(!overdue(RecommendationStatus::Done, due, next));
        let rows: Vec<Followed> = [
            (RecommendationStatus::Open, true),
            (RecommendationStatus::Open, false),
            (RecommendationStatus::Done, false),
            (RecommendationStatus::Closed, false),
        ]
        .into_iter()
        .map(|(status, overdue)| Followed {
            recommendation: rec(false),
            status,
            overdue,
        })
        .collect();
        assert_eq!(
            tally(&rows),
            FollowUp {
                total: 4,
                open: 2,
                done: 1,
                closed: 1,
                overdue: 1
            }
        );
    }
}

//! Who may read which rounds and evaluations, what they may do with them,
//! lists and the progress of a round.

use std::collections::BTreeMap;

use entity::evaluation::{self, EvaluationStatus, Recommendation};
use entity::evaluation_round::{self, RoundStatus};
use entity::role_grant::Role;
use entity::unit;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::service::holder_editable;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::pagination::{Cursor, Page, PageRequest};

/// The range of `col` paths at or below `path`.
fn within<C: ColumnTrait>(col: C, path: &str) -> Condition {
    let upper = format!("{}0", &path[..path.len() - 1]);
    Condition::all().add(col.gte(path)).add(col.lt(upper))
}

fn nothing() -> Condition {
    Condition::all().add(Expr::val(1).eq(0))
}

/// Evaluations a viewer may read: its holder or its delegator lies in one
/// of the viewer's scopes (the holder's and the delegator's own people,
/// Sở Nội vụ and UBND tỉnh over the province). Nothing for anonymous
/// callers.
pub fn visible_to(viewer: Option<&Viewer>) -> Condition {
    let Some(viewer) = viewer.filter(|v| !v.grants.is_empty()) else {
        return nothing();
    };
    let mut cond = Condition::any();
    for grant in &viewer.grants {
        cond = cond
            .add(within(evaluation::Column::HolderPath, &grant.scope.path))
            .add(within(evaluation::Column::DelegatorPath, &grant.scope.path));
    }
    cond
}

/// Whether `viewer` may read evaluation `e` (queries, `node` and
/// `Mandate.evaluations` all ask this).
pub fn can_see(viewer: Option<&Viewer>, e: &evaluation::Model) -> bool {
    viewer.is_some_and(|v| v.covers_path(&e.holder_path) || v.covers_path(&e.delegator_path))
}

/// Whether `viewer` may read round `r`: a grant over the province or a
/// unit in it (a commune reads the round its evaluations belong to).
pub fn can_see_round(viewer: Option<&Viewer>, r: &evaluation_round::Model) -> bool {
    viewer.is_some_and(|v| {
        v.grants.iter().any(|g| {
            g.scope.path.starts_with(&r.province_path) || r.province_path.starts_with(&g.scope.path)
        })
    })
}

/// Whether `viewer` may read the province-wide figures of round `r`
/// (its compiled tables and texts): a grant over the province.
pub fn sees_province(viewer: Option<&Viewer>, r: &evaluation_round::Model) -> bool {
    viewer.is_some_and(|v| v.covers_path(&r.province_path))
}

fn holds_over(viewer: &Viewer, role: Role, path: &str) -> bool {
    viewer
        .grants
        .iter()
        .any(|g| g.grant.role == role && path.starts_with(&g.scope.path))
}

/// What a viewer may do with an evaluation now (`viewerCan`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Abilities {
    pub save: bool,
    pub submit: bool,
    pub return_: bool,
    pub assess: bool,
}

/// What `viewer` may do with `e` in a round of status `round`: the
/// holder's REPORTER saves and its APPROVER submits while the holder
/// writes (NOT_STARTED, DRAFT, RETURNED; submission once drafted); the
/// delegator's APPROVER returns a submitted self-assessment and assesses
/// it (again, while the round is not accepted). Nothing once UBND tỉnh
/// accepted the round. The mutations check the same, and completeness.
pub fn viewer_can(viewer: Option<&Viewer>, e: &evaluation::Model, round: RoundStatus) -> Abilities {
    let Some(v) = viewer else {
        return Abilities::default();
    };
    if round == RoundStatus::Accepted {
        return Abilities::default();
    }
    let editable = holder_editable(e.status);
    let holder_approver = holds_over(v, Role::Approver, &e.holder_path);
    let delegator_approver = holds_over(v, Role::Approver, &e.delegator_path);
    Abilities {
        save: editable && holds_over(v, Role::Reporter, &e.holder_path),
        submit: editable && e.status != EvaluationStatus::NotStarted && holder_approver,
        return_: e.status == EvaluationStatus::SelfAssessed && delegator_approver,
        assess: matches!(
            e.status,
            EvaluationStatus::SelfAssessed | EvaluationStatus::Assessed
        ) && delegator_approver,
    }
}

/// What a viewer may do with a round now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoundAbilities {
    pub compile: bool,
    pub accept: bool,
}

/// COORDINATOR over the province compiles an open or compiled round;
/// APPROVER over it accepts a compiled one.
pub fn round_viewer_can(viewer: Option<&Viewer>, r: &evaluation_round::Model) -> RoundAbilities {
    let Some(v) = viewer else {
        return RoundAbilities::default();
    };
    RoundAbilities {
        compile: r.status != RoundStatus::Accepted
            && holds_over(v, Role::Coordinator, &r.province_path),
        accept: r.status == RoundStatus::Compiled
            && holds_over(v, Role::Approver, &r.province_path),
    }
}

/// What evaluations are filtered by.
#[derive(Debug, Clone, Default)]
pub struct EvaluationFilter {
    pub round: Option<Uuid>,
    /// Path of a unit: holders at or below it.
    pub within: Option<String>,
    pub mandate: Option<Uuid>,
    pub statuses: Vec<EvaluationStatus>,
    /// The holder's recommendation.
    pub recommendations: Vec<Recommendation>,
}

/// The cursor evaluations are paged by: `(holder path, id)`.
pub fn cursor(e: &evaluation::Model) -> Cursor {
    Cursor::new(e.holder_path.clone(), e.id)
}

fn filter_condition(viewer: Option<&Viewer>, filter: &EvaluationFilter) -> Condition {
    let mut cond = Condition::all().add(visible_to(viewer));
    if let Some(round) = filter.round {
        cond = cond.add(evaluation::Column::RoundId.eq(round));
    }
    if let Some(path) = &filter.within {
        cond = cond.add(within(evaluation::Column::HolderPath, path));
    }
    if let Some(mandate) = filter.mandate {
        cond = cond.add(evaluation::Column::MandateId.eq(mandate));
    }
    if !filter.statuses.is_empty() {
        cond = cond.add(evaluation::Column::Status.is_in(filter.statuses.iter().copied()));
    }
    if !filter.recommendations.is_empty() {
        cond = cond
            .add(evaluation::Column::Recommendation.is_in(filter.recommendations.iter().copied()));
    }
    cond
}

/// One page of the evaluations `viewer` may read, down the tree.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    filter: &EvaluationFilter,
    page: &PageRequest,
) -> AppResult<Page<evaluation::Model>> {
    page.fetch::<evaluation::Entity>(
        db,
        filter_condition(viewer, filter),
        evaluation::Column::HolderPath,
        evaluation::Column::Id,
    )
    .await
}

/// How many evaluations match.
pub async fn count(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    filter: &EvaluationFilter,
) -> AppResult<u64> {
    Ok(evaluation::Entity::find()
        .filter(filter_condition(viewer, filter))
        .count(db)
        .await?)
}

/// The rounds of a province the viewer may read, latest year first.
pub async fn rounds_of(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    province: Uuid,
) -> AppResult<Vec<evaluation_round::Model>> {
    Ok(evaluation_round::Entity::find()
        .filter(evaluation_round::Column::ProvinceUnitId.eq(province))
        .order_by_desc(evaluation_round::Column::Year)
        .all(db)
        .await?
        .into_iter()
        .filter(|r| can_see_round(viewer, r))
        .collect())
}

/// Figures of a round over a unit's subtree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    pub expected: i64,
    pub not_started: i64,
    pub drafted: i64,
    pub returned: i64,
    pub self_assessed: i64,
    pub assessed: i64,
    /// Not submitted by the holder yet.
    pub missing: i64,
    /// Not submitted by the holder and past the due day.
    pub overdue: i64,
}

impl Figures {
    fn add(&mut self, status: EvaluationStatus, past_due: bool) {
        self.expected += 1;
        match status {
            EvaluationStatus::NotStarted => self.not_started += 1,
            EvaluationStatus::Draft => self.drafted += 1,
            EvaluationStatus::Returned => self.returned += 1,
            EvaluationStatus::SelfAssessed => self.self_assessed += 1,
            EvaluationStatus::Assessed => {
                self.self_assessed += 1;
                self.assessed += 1;
            }
        }
        if holder_editable(status) {
            self.missing += 1;
            if past_due {
                self.overdue += 1;
            }
        }
    }
}

/// The progress of round `r` under `within` (the province when None) and
/// under each child unit with evaluations: the viewer needs a grant over
/// `within`.
pub async fn progress(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    r: &evaluation_round::Model,
    within: Option<Uuid>,
) -> AppResult<(unit::Model, Figures, Vec<(unit::Model, Figures)>)> {
    let head = crate::units::service::existing(db, within.unwrap_or(r.province_unit_id)).await?;
    if !viewer.covers(&head) {
        return Err(AppError::Forbidden);
    }
    let rows: Vec<(String, EvaluationStatus)> = evaluation::Entity::find()
        .select_only()
        .column(evaluation::Column::HolderPath)
        .column(evaluation::Column::Status)
        .filter(evaluation::Column::RoundId.eq(r.id))
        .filter(within_path(&head.path))
        .into_tuple()
        .all(db)
        .await?;
    let past_due = crate::calendar::today() > r.due_on;
    let mut total = Figures::default();
    let mut children: BTreeMap<Uuid, Figures> = BTreeMap::new();
    for (path, status) in rows {
        total.add(status, past_due);
        let below = &path[head.path.len()..];
        if let Some(child) = below
            .split('/')
            .find(|s| !s.is_empty())
            .and_then(|s| Uuid::parse_str(s).ok())
        {
            children.entry(child).or_default().add(status, past_due);
        }
    }
    let ids: Vec<Uuid> = children.keys().copied().collect();
    let mut units = crate::units::service::find_many(db, &ids).await?;
    units.sort_by(|a, b| a.code.cmp(&b.code));
    let children = units
        .into_iter()
        .map(|u| {
            let f = children[&u.id];
            (u, f)
        })
        .collect();
    Ok((head, total, children))
}

fn within_path(path: &str) -> Condition {
    within(evaluation::Column::HolderPath, path)
}

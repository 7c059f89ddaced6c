//! Who may read which reports and what they may do with them; lists.

use super::*;

/// The range of report paths at or below `path`.
pub(super) fn reporter_within(path: &str) -> Condition {
    let upper = format!("{}0", &path[..path.len() - 1]);
    Condition::all()
        .add(report::Column::ReporterPath.gte(path))
        .add(report::Column::ReporterPath.lt(upper))
}

/// Reports a viewer may read: its reporter or its recipient lies in one of
/// the viewer's scopes. Nothing for anonymous callers.
pub fn visible_to(viewer: Option<&Viewer>) -> Condition {
    let Some(viewer) = viewer else {
        return Condition::all().add(Expr::val(1).eq(0));
    };
    let mut cond = Condition::any();
    let mut recipients = Condition::any();
    for grant in &viewer.grants {
        cond = cond.add(reporter_within(&grant.scope.path));
        recipients = recipients.add(crate::units::service::subtree_of(&grant.scope.path));
    }
    if viewer.grants.is_empty() {
        return Condition::all().add(Expr::val(1).eq(0));
    }
    cond.add(
        report::Column::RecipientUnitId.in_subquery(
            Query::select()
                .column(unit::Column::Id)
                .from(unit::Entity)
                .cond_where(recipients)
                .to_owned(),
        ),
    )
}

/// Whether `viewer` may read a report whose reporter is at
/// `reporter_path` and whose recipient is at `recipient_path`: a grant
/// over either side. Queries, `node` and the subscription all ask this.
pub fn can_see(viewer: Option<&Viewer>, reporter_path: &str, recipient_path: &str) -> bool {
    viewer.is_some_and(|v| v.covers_path(reporter_path) || v.covers_path(recipient_path))
}

/// What a viewer may do with a report now (`viewerCan`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Abilities {
    pub edit: bool,
    pub submit: bool,
    pub return_: bool,
    pub accept: bool,
}

/// What `viewer` may do with `r` (reporter `reporter`, recipient
/// `recipient`): a REPORTER over the reporter edits a report not yet
/// submitted or returned, and submits it once drafted; a REVIEWER over the
/// recipient (an APPROVER for a compiled report) returns or accepts a
/// submitted one. The transitions check the same.
pub fn viewer_can(
    viewer: Option<&Viewer>,
    r: &report::Model,
    reporter: &unit::Model,
    recipient: &unit::Model,
) -> Abilities {
    let Some(v) = viewer else {
        return Abilities::default();
    };
    let reporter_ok = !r.compiled && v.grant_covering(Role::Reporter, reporter).is_some();
    let review_role = if r.compiled {
        Role::Approver
    } else {
        Role::Reviewer
    };
    let reviewer_ok = v.grant_covering(review_role, recipient).is_some();
    let editable = matches!(
        r.status,
        ReportStatus::NotStarted | ReportStatus::Draft | ReportStatus::Returned
    );
    let submitted = r.status == ReportStatus::Submitted;
    Abilities {
        edit: reporter_ok && editable,
        submit: reporter_ok && editable && r.status != ReportStatus::NotStarted,
        return_: reviewer_ok && submitted,
        accept: reviewer_ok && submitted,
    }
}

/// What reports are filtered by.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub period: Option<String>,
    pub regime: Option<Uuid>,
    /// Path of a unit: reporters at or below it.
    pub within: Option<String>,
    pub statuses: Vec<ReportStatus>,
    pub late: Option<bool>,
    pub reporter: Option<Uuid>,
    pub recipient: Option<Uuid>,
    pub compiled: Option<bool>,
}

/// The cursor reports are paged by: `(reporter path, id)`, so a page reads
/// down the tree.
pub fn cursor(r: &report::Model) -> Cursor {
    Cursor::new(r.reporter_path.clone(), r.id)
}

pub(super) fn filter_condition(viewer: Option<&Viewer>, filter: &ReportFilter) -> Condition {
    // Within a subtree one of the viewer's grants covers, every report is
    // visible: the condition stays a plain range on the reporter's path.
    let covered = filter
        .within
        .as_ref()
        .is_some_and(|path| viewer.is_some_and(|v| v.covers_path(path)));
    let mut cond = Condition::all();
    if !covered {
        cond = cond.add(visible_to(viewer));
    }
    if let Some(period) = &filter.period {
        cond = cond.add(report::Column::PeriodCode.eq(period.as_str()));
    }
    if let Some(regime) = filter.regime {
        cond = cond.add(report::Column::RegimeId.eq(regime));
    }
    if let Some(path) = &filter.within {
        cond = cond.add(reporter_within(path));
    }
    if !filter.statuses.is_empty() {
        cond = cond.add(report::Column::Status.is_in(filter.statuses.iter().copied()));
    }
    if let Some(id) = filter.reporter {
        cond = cond.add(report::Column::ReporterUnitId.eq(id));
    }
    if let Some(id) = filter.recipient {
        cond = cond.add(report::Column::RecipientUnitId.eq(id));
    }
    if let Some(compiled) = filter.compiled {
        cond = cond.add(report::Column::Compiled.eq(compiled));
    }
    if let Some(late) = filter.late {
        // Written out both ways: NOT over a NULL comparison would drop the
        // reports not yet submitted.
        let now = Utc::now();
        let first = || Expr::col(report::Column::FirstSubmittedAt);
        let deadline = || Expr::col(report::Column::DeadlineAt);
        let (submitted, missing) = if late {
            (first().gte(deadline()), report::Column::DeadlineAt.lte(now))
        } else {
            (first().lt(deadline()), report::Column::DeadlineAt.gt(now))
        };
        cond = cond.add(
            Condition::any()
                .add(
                    Condition::all()
                        .add(report::Column::FirstSubmittedAt.is_not_null())
                        .add(submitted),
                )
                .add(
                    Condition::all()
                        .add(report::Column::FirstSubmittedAt.is_null())
                        .add(missing),
                ),
        );
    }
    cond
}

/// One page of the reports `viewer` may read, down the tree.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    filter: &ReportFilter,
    page: &PageRequest,
) -> AppResult<Page<report::Model>> {
    let cond = filter_condition(viewer, filter);
    page.fetch::<report::Entity>(db, cond, report::Column::ReporterPath, report::Column::Id)
        .await
}

/// How many reports match.
pub async fn count(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    filter: &ReportFilter,
) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(report::Entity::find()
        .filter(filter_condition(viewer, filter))
        .count(db)
        .await?)
}

/// The accepted unit reports a compiled report was made from (accepted by
/// its latest compilation), those `viewer` may read.
pub async fn compiled_from(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    compiled: &report::Model,
) -> AppResult<Vec<report::Model>> {
    let Some(compiled_at) = compiled.submitted_at else {
        return Ok(Vec::new());
    };
    Ok(report::Entity::find()
        .filter(visible_to(viewer))
        .filter(report::Column::PeriodId.eq(compiled.period_id))
        .filter(report::Column::Compiled.eq(false))
        .filter(report::Column::Status.eq(ReportStatus::Accepted))
        .filter(report::Column::AcceptedAt.lte(compiled_at))
        .order_by_asc(report::Column::ReporterPath)
        .all(db)
        .await?)
}

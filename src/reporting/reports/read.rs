//! Who may read which reports and what they may do with them; lists.

use super::*;
use crate::pagination::{ListOrder, OrderField};
use sea_orm::QuerySelect;

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
    pub sign: bool,
    pub submit: bool,
    pub return_: bool,
    pub accept: bool,
    pub reopen: bool,
    pub record_paper: bool,
}

/// What `viewer` may do with `r` (reporter `reporter`, recipient
/// `recipient`): its writer (a REPORTER over the reporter; the
/// COORDINATOR of Sở Nội vụ for a compiled report) edits it while it is
/// not with its recipient and submits it once drafted; the reporter's
/// APPROVER signs a drafted one; a REVIEWER over the recipient (an
/// APPROVER for a compiled report) returns or accepts a submitted one and
/// reopens an accepted one, and enters a paper copy of a unit report
/// never submitted; a report its regime wants signed is submitted once
/// signed (`awaiting_signature` until then). The transitions check the
/// same, and more: a complete report, the units' deadline before the
/// province report is accepted, a unit report held in a province report
/// UBND tỉnh has.
pub fn viewer_can(
    viewer: Option<&Viewer>,
    r: &report::Model,
    reporter: &unit::Model,
    recipient: &unit::Model,
    awaiting_signature: bool,
) -> Abilities {
    let Some(v) = viewer else {
        return Abilities::default();
    };
    let (writer_role, review_role) = if r.compiled {
        (Role::Coordinator, Role::Approver)
    } else {
        (Role::Reporter, Role::Reviewer)
    };
    let writer_ok = v.grant_covering(writer_role, reporter).is_some();
    let signer_ok = v.grant_covering(Role::Approver, reporter).is_some();
    let reviewer_ok = v.grant_covering(review_role, recipient).is_some();
    let editable = matches!(
        r.status,
        ReportStatus::NotStarted | ReportStatus::Draft | ReportStatus::Returned
    );
    let drafted = editable && r.status != ReportStatus::NotStarted;
    let submitted = r.status == ReportStatus::Submitted;
    Abilities {
        edit: writer_ok && editable,
        sign: signer_ok && drafted,
        submit: writer_ok && drafted && !awaiting_signature,
        return_: reviewer_ok && submitted,
        accept: reviewer_ok && submitted,
        reopen: reviewer_ok && r.status == ReportStatus::Accepted,
        record_paper: !r.compiled && reviewer_ok && r.first_submitted_at.is_none(),
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

/// The cursor reports are paged by by default: `(reporter path, id)`, so a
/// page reads down the tree.
pub fn cursor(r: &report::Model) -> Cursor {
    Cursor::new(r.reporter_path.clone(), r.id)
}

/// A page of reports with the sort key of each one's reporter's name (set
/// when the list is ordered by name).
pub struct ReportPage {
    pub page: Page<report::Model>,
    pub name_keys: std::collections::HashMap<Uuid, String>,
    pub order: Option<ListOrder>,
}

impl ReportPage {
    /// The cursor of `r` in this list's order.
    pub fn cursor(&self, r: &report::Model) -> Cursor {
        match self.name_keys.get(&r.id) {
            Some(key) => crate::pagination::name_cursor(key, r.id),
            None => cursor(r),
        }
    }
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

/// One page of the reports `viewer` may read, down the tree or (ordered
/// by name) by their reporters' names in Vietnamese order.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    filter: &ReportFilter,
    page: &PageRequest,
    order: Option<ListOrder>,
) -> AppResult<ReportPage> {
    let cond = filter_condition(viewer, filter);
    if order.unwrap_or_default().field == OrderField::Code {
        let found = page
            .fetch::<report::Entity>(db, cond, report::Column::ReporterPath, report::Column::Id)
            .await?;
        return Ok(ReportPage {
            page: found,
            name_keys: Default::default(),
            order,
        });
    }
    // The reporter's name key, joined: one statement, paged on the key.
    let reporter = report::Entity::belongs_to(unit::Entity)
        .from(report::Column::ReporterUnitId)
        .to(unit::Column::Id)
        .into();
    let joined = report::Entity::find()
        .select_also(unit::Entity)
        .join(sea_orm::JoinType::InnerJoin, reporter);
    let rows = page
        .window(joined, cond, unit::Column::NameKey, report::Column::Id)
        .all(db)
        .await?;
    let mut name_keys = std::collections::HashMap::with_capacity(rows.len());
    let reports = rows
        .into_iter()
        .map(|(r, u)| {
            name_keys.insert(r.id, u.map(|u| u.name_key).unwrap_or_default());
            r
        })
        .collect();
    Ok(ReportPage {
        page: Page::from_probe(reports, page),
        name_keys,
        order,
    })
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

/// The unit reports a compiled report includes (as of its latest
/// compilation), those `viewer` may read.
pub async fn compiled_from(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    compiled: &report::Model,
) -> AppResult<Vec<report::Model>> {
    Ok(report::Entity::find()
        .filter(visible_to(viewer))
        .filter(
            report::Column::Id.in_subquery(
                Query::select()
                    .column(entity::compilation_source::Column::ReportId)
                    .from(entity::compilation_source::Entity)
                    .and_where(entity::compilation_source::Column::CompiledReportId.eq(compiled.id))
                    .to_owned(),
            ),
        )
        .order_by_asc(report::Column::ReporterPath)
        .all(db)
        .await?)
}

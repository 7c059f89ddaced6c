//! A unit's report while its reporter writes it: drafts and submission.

use sea_orm::QuerySelect;

use super::*;

/// The unit report `id`, for a change by the REPORTER of its unit, read
/// at `expected_version` and still with its reporter. Locked until the
/// transaction ends (PostgreSQL), before any of its items is read or
/// written: a mandate change that adds or closes items locks its reports
/// first too, so one waits for the other and the later one finds the
/// version moved (a CONFLICT, nothing lost).
pub(super) async fn for_reporter(
    txn: &DatabaseTransaction,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
) -> AppResult<(report::Model, Actor)> {
    let r = report::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("report"))?;
    let reporter = existing_unit(txn, r.reporter_unit_id).await?;
    let actor = by.require(Role::Reporter, &reporter)?;
    if r.compiled {
        return Err(AppError::rule(
            None,
            UserErrorCode::CompiledReport,
            "a compiled report is made by compileReport",
        ));
    }
    if r.version != expected_version {
        return Err(conflict(&r));
    }
    require_editable(&r)?;
    Ok((r, actor))
}

pub(super) fn require_editable(r: &report::Model) -> AppResult<()> {
    match r.status {
        ReportStatus::NotStarted | ReportStatus::Draft | ReportStatus::Returned => Ok(()),
        ReportStatus::Submitted => Err(AppError::rule(
            None,
            UserErrorCode::NotEditable,
            "the report is with its recipient; it can be edited again if returned",
        )),
        ReportStatus::Accepted => Err(AppError::rule(
            None,
            UserErrorCode::ReportLocked,
            "an accepted report is locked",
        )),
    }
}

/// Saves a draft: REPORTER of the reporting unit, while the report is not
/// with its recipient. Items are matched by mandate; figures are checked
/// (received = on time + late + pending).
pub async fn save_draft(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    input: DraftInput,
) -> AppResult<Transition> {
    let txn = crate::db::begin(db).await?;
    let (current, actor) = for_reporter(&txn, by, id, expected_version).await?;
    let values_before = values_of(&txn, id).await?;
    let mut next = current.clone();
    if let Some(text) = optional_text("results", input.results, 20_000)? {
        next.results = Some(text).filter(|t| !t.is_empty());
    }
    if let Some(text) = optional_text("difficulties", input.difficulties, 20_000)? {
        next.difficulties = Some(text).filter(|t| !t.is_empty());
    }
    if let Some(text) = optional_text("proposals", input.proposals, 20_000)? {
        next.proposals = Some(text).filter(|t| !t.is_empty());
    }
    let items: HashMap<Uuid, report_item::Model> = report_item::Entity::find()
        .filter(report_item::Column::ReportId.eq(id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|i| (i.mandate_id, i))
        .collect();
    let distinct: std::collections::HashSet<Uuid> = input.items.iter().map(|i| i.mandate).collect();
    if distinct.len() != input.items.len() {
        return Err(AppError::rule(
            Some("items"),
            UserErrorCode::DuplicateItem,
            "give each mandate's item once",
        ));
    }
    for change in input.items {
        let Some(item) = items.get(&change.mandate) else {
            return Err(AppError::rule(
                Some("items"),
                UserErrorCode::UnknownItem,
                "the reporter did not hold that mandate in the period",
            ));
        };
        let mut item = item.clone();
        if let Some(status) = change.implementation_status {
            item.implementation_status = Some(status);
        }
        for (slot, value) in [
            (&mut item.procedures_received, change.received),
            (&mut item.resolved_on_time, change.resolved_on_time),
            (&mut item.resolved_late, change.resolved_late),
            (&mut item.pending, change.pending),
        ] {
            check_count(value)?;
            if value.is_some() {
                *slot = value;
            }
        }
        if let (Some(received), Some(on_time), Some(late), Some(pending)) = (
            item.procedures_received,
            item.resolved_on_time,
            item.resolved_late,
            item.pending,
        ) && on_time as i64 + late as i64 + pending as i64 != received as i64
        {
            return Err(AppError::rule(
                Some("items"),
                UserErrorCode::CountsDoNotAddUp,
                format!(
                    "procedures received ({received}) must equal resolved on time ({on_time}) + late ({late}) + pending ({pending})"
                ),
            ));
        }
        if let Some(text) = optional_text("items", change.difficulties, 5_000)? {
            item.difficulties = Some(text).filter(|t| !t.is_empty());
        }
        if let Some(proposal) = change.proposal {
            item.proposal = Some(proposal);
        }
        if let Some(text) = optional_text("items", change.proposal_note, 5_000)? {
            item.proposal_note = Some(text).filter(|t| !t.is_empty());
        }
        item.into_active_model().reset_all().update(&txn).await?;
    }
    if input.values.len() > MAX_VALUES {
        return Err(AppError::rule(
            Some("values"),
            UserErrorCode::TooManyValues,
            format!("a report holds at most {MAX_VALUES} values"),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some((code, _)) = input.values.iter().find(|(code, _)| !seen.insert(code)) {
        return Err(AppError::rule(
            Some("values"),
            UserErrorCode::DuplicateIndicator,
            format!("`{code}` is given twice"),
        ));
    }
    if !input.values.is_empty() {
        let known: Vec<String> = indicators_of(&txn, &[current.regime_id])
            .await?
            .into_iter()
            .map(|i| i.code)
            .collect();
        for (code, value) in &input.values {
            if !known.contains(code) {
                return Err(AppError::rule(
                    Some("values"),
                    UserErrorCode::UnknownIndicator,
                    format!("the regime has no indicator `{code}`"),
                ));
            }
            if !value.is_finite() || value.abs() > MAX_VALUE {
                return Err(AppError::rule(
                    Some("values"),
                    UserErrorCode::InvalidValue,
                    format!("`{code}` needs a finite number between -10^15 and 10^15"),
                ));
            }
            report_value::Entity::delete_many()
                .filter(report_value::Column::ReportId.eq(id))
                .filter(report_value::Column::IndicatorCode.eq(code.as_str()))
                .exec(&txn)
                .await?;
            report_value::Entity::insert(
                report_value::Model {
                    report_id: id,
                    indicator_code: code.clone(),
                    value: *value,
                }
                .into_active_model(),
            )
            .exec_without_returning(&txn)
            .await?;
        }
    }
    if next.status == ReportStatus::NotStarted {
        next.status = ReportStatus::Draft;
    }
    let next = write(&txn, &current, expected_version, next).await?;
    audit_report(
        &txn,
        &actor,
        "saveReportDraft",
        Some(&current),
        &next,
        &values_before,
    )
    .await?;
    txn.commit().await?;
    Ok(Transition {
        previous: current.status,
        report: next,
    })
}

/// What keeps `r` from being submitted, if anything.
pub(super) async fn check_complete(txn: &DatabaseTransaction, r: &report::Model) -> AppResult<()> {
    if r.results.as_deref().is_none_or(str::is_empty) {
        return Err(AppError::rule(
            Some("results"),
            UserErrorCode::MissingNarrative,
            "state the results before submitting",
        ));
    }
    let items = report_item::Entity::find()
        .filter(report_item::Column::ReportId.eq(r.id))
        .all(txn)
        .await?;
    // A closed item's mandate no longer applies to the window: not asked.
    let incomplete = items.iter().filter(|i| i.closed_at.is_none()).filter(|i| {
        i.implementation_status.is_none()
            || i.procedures_received.is_none()
            || i.resolved_on_time.is_none()
            || i.resolved_late.is_none()
            || i.pending.is_none()
            || i.proposal.is_none()
    });
    let count = incomplete.count();
    if count > 0 {
        return Err(AppError::rule(
            Some("items"),
            UserErrorCode::IncompleteItems,
            format!(
                "{count} of {} mandate items lack a status, figures or a proposal",
                items.len()
            ),
        ));
    }
    let given: Vec<String> = values_of(txn, r.id)
        .await?
        .into_iter()
        .map(|v| v.0)
        .collect();
    let missing: Vec<String> = indicators_of(txn, &[r.regime_id])
        .await?
        .into_iter()
        .map(|i| i.code)
        .filter(|c| !given.contains(c))
        .collect();
    if !missing.is_empty() {
        return Err(AppError::rule(
            Some("values"),
            UserErrorCode::MissingIndicators,
            format!("no value for {}", missing.join(", ")),
        ));
    }
    Ok(())
}

/// Submits a report to its recipient: REPORTER of the unit, from DRAFT or
/// RETURNED, once it is complete. The first submission decides `late`.
pub async fn submit(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
) -> AppResult<Transition> {
    let txn = crate::db::begin(db).await?;
    let (current, actor) = for_reporter(&txn, by, id, expected_version).await?;
    check_complete(&txn, &current).await?;
    // Stored to the microsecond on both databases: compare what is stored.
    let now = Utc::now().trunc_subsecs(6);
    let mut next = current.clone();
    next.status = ReportStatus::Submitted;
    next.submitted_at = Some(now);
    let mut deltas = Vec::new();
    if current.first_submitted_at.is_none() {
        next.first_submitted_at = Some(now);
        deltas.push((report_rollup::Column::Submitted, 1));
        if now >= current.deadline_at {
            deltas.push((report_rollup::Column::Late, 1));
        } else {
            deltas.push((report_rollup::Column::OnTime, 1));
        }
    }
    if current.status == ReportStatus::Returned {
        deltas.push((report_rollup::Column::Returned, -1));
    }
    let next = write(&txn, &current, expected_version, next).await?;
    bump(&txn, &next, &deltas).await?;
    let values = values_of(&txn, id).await?;
    audit_report(&txn, &actor, "submitReport", Some(&current), &next, &values).await?;
    txn.commit().await?;
    Ok(Transition {
        previous: current.status,
        report: next,
    })
}

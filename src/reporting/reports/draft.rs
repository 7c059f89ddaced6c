//! A unit's report while its reporter writes it: drafts and submission.

use sea_orm::QuerySelect;

use super::*;

/// The unit report `id`, for a change by the REPORTER of its unit, read
/// at `expected_version` and still with its reporter. Locked until the
/// transaction ends (PostgreSQL), before any of its items is read or
/// written: a mandate change that adds or closes items locks its reports
/// first too, so one waits for the other and the later one finds the
/// version moved (a CONFLICT, nothing lost).
pub(crate) async fn for_reporter(
    txn: &DatabaseTransaction,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
) -> AppResult<(report::Model, Actor)> {
    for_writer(txn, by, id, expected_version, Review::Unit).await
}

/// The report `id` of kind `kind`, for a change by its writer (REPORTER
/// of the unit; COORDINATOR of Sở Nội vụ for the compiled report), read
/// at `expected_version` and still with its writer.
pub(super) async fn for_writer(
    txn: &DatabaseTransaction,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    kind: Review,
) -> AppResult<(report::Model, Actor)> {
    let r = report::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("report"))?;
    let reporter = existing_unit(txn, r.reporter_unit_id).await?;
    let role = match kind {
        Review::Unit => Role::Reporter,
        Review::Compiled => Role::Coordinator,
    };
    let actor = by.require(role, &reporter)?;
    check_kind(&r, kind)?;
    if r.version != expected_version {
        return Err(conflict(&r));
    }
    require_editable(&r)?;
    Ok((r, actor))
}

/// Refuses a unit report where a compiled one is meant, and the reverse.
pub(super) fn check_kind(r: &report::Model, kind: Review) -> AppResult<()> {
    match (kind, r.compiled) {
        (Review::Unit, true) => Err(AppError::rule(
            None,
            UserErrorCode::CompiledReport,
            "the compiled report has mutations of its own: compileReport, saveCompiledReport, submitCompiledReport, acceptCompiledReport, returnCompiledReport, reopenCompiledReport",
        )),
        (Review::Compiled, false) => Err(AppError::rule(
            None,
            UserErrorCode::NotCompiled,
            "a unit report is written with saveReportDraft / submitReport and reviewed with acceptReport / returnReport / reopenReport",
        )),
        _ => Ok(()),
    }
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

/// Saves a draft (see [`save_draft_warned`]) without its warnings.
pub async fn save_draft(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    input: DraftInput,
) -> AppResult<Transition> {
    Ok(save_draft_warned(db, by, id, expected_version, input)
        .await?
        .0)
}

/// Saves a draft: REPORTER of the reporting unit, while the report is not
/// with its recipient. Items are matched by mandate; figures are checked
/// (received = on time + late + pending, and only where the item asks for
/// procedures); each value has its indicator's type and bounds. A draft
/// that breaks a validation rule is saved, and the rules it breaks come
/// back as warnings (submitting it is refused).
pub async fn save_draft_warned(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    input: DraftInput,
) -> AppResult<(Transition, Vec<Violation>)> {
    let txn = crate::db::begin(db).await?;
    let (current, actor) = for_reporter(&txn, by, id, expected_version).await?;
    let values_before = values_of(&txn, id).await?;
    let texts_before = texts_of(&txn, id).await?;
    let mut next = apply_draft(&txn, &current, input).await?;
    if next.status == ReportStatus::NotStarted {
        next.status = ReportStatus::Draft;
    }
    // What was signed is no longer what the report says.
    unsign(&txn, id).await?;
    let next = write(&txn, &current, expected_version, next).await?;
    audit_report_texts(
        &txn,
        &actor,
        "saveReportDraft",
        Some(&current),
        &next,
        &values_before,
        Some(&texts_before),
    )
    .await?;
    let warnings = violations_of(&txn, &next).await?;
    txn.commit().await?;
    let transition = Transition {
        previous: current.status,
        report: next,
    };
    Ok((transition, warnings))
}

/// Puts `values` into the unit report `id` as its REPORTER's draft
/// would (saveReportDraft's rights and checks, without its audit event:
/// an import records one for the whole file). NOT_STARTED becomes DRAFT;
/// a signature no longer matches and goes. Returns the report with the
/// status it had before.
pub(crate) async fn import_values(
    txn: &DatabaseTransaction,
    by: Authority<'_>,
    id: Uuid,
    values: Vec<ValueInput>,
) -> AppResult<Transition> {
    let version = existing(txn, id).await?.version;
    let (current, _) = for_reporter(txn, by, id, version).await?;
    let input = DraftInput {
        values,
        ..DraftInput::default()
    };
    let mut next = apply_draft(txn, &current, input).await?;
    if next.status == ReportStatus::NotStarted {
        next.status = ReportStatus::Draft;
    }
    unsign(txn, id).await?;
    let report = write(txn, &current, version, next).await?;
    Ok(Transition {
        previous: current.status,
        report,
    })
}

/// Writes a draft's items and values and returns the report with its
/// texts changed (not yet written): the one way content enters a unit
/// report, from its reporter or from a paper report.
pub(super) async fn apply_draft(
    txn: &DatabaseTransaction,
    current: &report::Model,
    input: DraftInput,
) -> AppResult<report::Model> {
    let id = current.id;
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
        .all(txn)
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
    let named: Vec<Uuid> = input.items.iter().map(|i| i.mandate).collect();
    let asking = asking_procedures(txn, &named).await?;
    for change in input.items {
        let Some(item) = items.get(&change.mandate) else {
            return Err(AppError::rule(
                Some("items"),
                UserErrorCode::UnknownItem,
                "the reporter did not hold that mandate in the period",
            ));
        };
        let counts = [
            change.received,
            change.resolved_on_time,
            change.resolved_late,
            change.pending,
        ];
        if counts.iter().any(Option::is_some) && !asking.contains(&change.mandate) {
            return Err(AppError::rule(
                Some("items"),
                UserErrorCode::ProceduresNotAsked,
                "the mandate's matter lists no administrative procedure in the catalogue of powers: its item asks for no procedure counts",
            ));
        }
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
        item.into_active_model().reset_all().update(txn).await?;
    }
    if input.values.len() > MAX_VALUES {
        return Err(AppError::rule(
            Some("values"),
            UserErrorCode::TooManyValues,
            format!("a report holds at most {MAX_VALUES} values"),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(given) = input.values.iter().find(|v| !seen.insert(&v.indicator)) {
        return Err(AppError::rule(
            Some("values"),
            UserErrorCode::DuplicateIndicator,
            format!("`{}` is given twice", given.indicator),
        ));
    }
    let indicators = indicators_of(txn, &[current.regime_id]).await?;
    for given in input.values {
        let Some(indicator) = indicators.iter().find(|i| i.code == given.indicator) else {
            return Err(AppError::rule(
                Some("values"),
                UserErrorCode::UnknownIndicator,
                format!("the regime has no indicator `{}`", given.indicator),
            ));
        };
        let (value, text_value) = check_value(indicator, given)?;
        report_value::Entity::delete_many()
            .filter(report_value::Column::ReportId.eq(id))
            .filter(report_value::Column::IndicatorCode.eq(indicator.code.as_str()))
            .exec(txn)
            .await?;
        report_value::Entity::insert(
            report_value::Model {
                report_id: id,
                indicator_code: indicator.code.clone(),
                value,
                text_value,
            }
            .into_active_model(),
        )
        .exec_without_returning(txn)
        .await?;
    }
    Ok(next)
}

/// What a report stores for `given`, checked against its indicator: never
/// a computed one; exactly the field its type takes; a finite number, whole
/// for INTEGER, within the bounds; a text of 1 to 5,000 characters.
pub(crate) fn check_value(
    indicator: &entity::regime_indicator::Model,
    given: ValueInput,
) -> AppResult<(f64, Option<String>)> {
    use entity::regime_indicator::ValueType;
    let code = &indicator.code;
    if let Some(formula) = &indicator.formula {
        return Err(AppError::rule(
            Some("values"),
            UserErrorCode::ComputedIndicator,
            format!("`{code}` is computed as {formula}; give the values it is computed from"),
        ));
    }
    let wrong = |takes: &str| {
        AppError::rule(
            Some("values"),
            UserErrorCode::WrongValueType,
            format!(
                "`{code}` is {}: give {takes} and nothing else",
                indicator.value_type.to_value()
            ),
        )
    };
    match (indicator.value_type, given.value, given.yes, given.text) {
        (ValueType::Boolean, None, Some(yes), None) => Ok((if yes { 1.0 } else { 0.0 }, None)),
        (ValueType::Boolean, ..) => Err(wrong("yes (true or false)")),
        (ValueType::Text, None, None, Some(text)) => {
            let text =
                crate::text::check_long_text("values", Some(&text), 5_000)?.ok_or_else(|| {
                    AppError::rule(
                        Some("values"),
                        UserErrorCode::InvalidText,
                        format!("`{code}` needs a text of 1 to 5000 characters"),
                    )
                })?;
            Ok((0.0, Some(text)))
        }
        (ValueType::Text, ..) => Err(wrong("text")),
        (_, Some(value), None, None) => {
            if !value.is_finite() || value.abs() > MAX_VALUE {
                return Err(AppError::rule(
                    Some("values"),
                    UserErrorCode::InvalidValue,
                    format!("`{code}` needs a finite number between -10^15 and 10^15"),
                ));
            }
            if indicator.value_type == ValueType::Integer && value.fract() != 0.0 {
                return Err(AppError::rule(
                    Some("values"),
                    UserErrorCode::WrongValueType,
                    format!("`{code}` is INTEGER: {value} is not a whole number"),
                ));
            }
            let below = indicator.min_value.filter(|min| value < *min);
            let above = indicator.max_value.filter(|max| value > *max);
            if below.is_some() || above.is_some() {
                let range = match (indicator.min_value, indicator.max_value) {
                    (Some(min), Some(max)) => format!("from {min} to {max}"),
                    (Some(min), None) => format!("at least {min}"),
                    (None, Some(max)) => format!("at most {max}"),
                    (None, None) => String::new(),
                };
                return Err(AppError::rule(
                    Some("values"),
                    UserErrorCode::ValueOutOfRange,
                    format!(
                        "`{code}` ({}) cannot be {value}: it is {range}",
                        indicator.name
                    ),
                ));
            }
            Ok((value, None))
        }
        _ => Err(wrong("value (a number)")),
    }
}

/// What keeps `r` from being submitted, if anything: a missing text,
/// item or value, or a validation rule its figures break.
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
    let mandates: Vec<Uuid> = items.iter().map(|i| i.mandate_id).collect();
    let asking = asking_procedures(txn, &mandates).await?;
    // A closed item's mandate no longer applies to the window: not asked.
    let incomplete = items.iter().filter(|i| i.closed_at.is_none()).filter(|i| {
        i.implementation_status.is_none()
            || (asking.contains(&i.mandate_id)
                && (i.procedures_received.is_none()
                    || i.resolved_on_time.is_none()
                    || i.resolved_late.is_none()
                    || i.pending.is_none()))
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
        .filter(|i| i.formula.is_none())
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
    check_rules(txn, r).await
}

/// Refuses a report whose figures break a validation rule of its regime,
/// naming the first rule broken.
async fn check_rules(txn: &DatabaseTransaction, r: &report::Model) -> AppResult<()> {
    let broken = violations_of(txn, r).await?;
    let Some(first) = broken.first() else {
        return Ok(());
    };
    let more = match broken.len() {
        1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    Err(AppError::rule(
        Some("values"),
        UserErrorCode::RuleBroken,
        format!("{}{more}", first.message()),
    ))
}

/// Submits a report to its recipient once it is complete and, where the
/// regime asks, signed: a unit report by the REPORTER of its unit, the
/// compiled report by the COORDINATOR of Sở Nội vụ; from DRAFT or
/// RETURNED. The first submission decides `late`.
pub async fn submit(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    kind: Review,
) -> AppResult<Transition> {
    let txn = crate::db::begin(db).await?;
    let (current, actor) = for_writer(&txn, by, id, expected_version, kind).await?;
    match kind {
        Review::Unit => check_complete(&txn, &current).await?,
        Review::Compiled => check_compilation(&txn, &current).await?,
    }
    check_signed(&txn, &current).await?;
    spend_number(&txn, id).await?;
    // Stored to the microsecond on both databases: compare what is stored.
    let (next, deltas) = submission(&current, Utc::now().trunc_subsecs(6));
    let next = write(&txn, &current, expected_version, next).await?;
    bump(&txn, &next, &deltas).await?;
    let values = values_of(&txn, id).await?;
    let action = match kind {
        Review::Unit => "submitReport",
        Review::Compiled => "submitCompiledReport",
    };
    audit_report(&txn, &actor, action, Some(&current), &next, &values).await?;
    txn.commit().await?;
    Ok(Transition {
        previous: current.status,
        report: next,
    })
}

/// `current` submitted at `at`, and the counters that moves: the first
/// submission counts the report as submitted, on time or late.
pub(super) fn submission(
    current: &report::Model,
    at: DateTime<Utc>,
) -> (report::Model, Vec<(report_rollup::Column, i32)>) {
    let mut next = current.clone();
    next.status = ReportStatus::Submitted;
    next.submitted_at = Some(at);
    let mut deltas = Vec::new();
    if current.first_submitted_at.is_none() {
        next.first_submitted_at = Some(at);
        deltas.push((report_rollup::Column::Submitted, 1));
        if at >= current.deadline_at {
            deltas.push((report_rollup::Column::Late, 1));
        } else {
            deltas.push((report_rollup::Column::OnTime, 1));
        }
    }
    if current.status == ReportStatus::Returned {
        deltas.push((report_rollup::Column::Returned, -1));
    }
    (next, deltas)
}

//! Opening a regime's periods: who is expected to report, on which
//! mandates, with which deadlines, and their blank reports.

use super::*;

/// One expected reporter of a period.
pub(super) struct Expected {
    pub(super) unit: unit::Model,
    /// Where its report goes.
    pub(super) recipient: Uuid,
    /// The mandates it held in the window.
    pub(super) mandates: Vec<Uuid>,
}

/// A regime as its periods are opened and maintained: who receives, over
/// which territory, with which indicators.
pub(super) struct Scope<'a> {
    pub(super) regime: &'a reporting_regime::Model,
    pub(super) recipient: &'a unit::Model,
    /// The recipient's territory: its province for a department.
    pub(super) area: &'a str,
    pub(super) indicators: &'a [regime_indicator::Model],
}

/// Opens periods of a regime: COORDINATOR over its recipient. Each period
/// gets its window and deadlines from the holiday calendar, one report per
/// expected reporter with an item per mandate it held in the window, and
/// zeroed rollups for every unit above a reporter: what
/// [`follow::reconcile`] makes of a period without reports, as it does
/// again for the units a mandate change touches while the period is open.
pub async fn open_periods(
    db: &DatabaseConnection,
    by: Authority<'_>,
    regime_id: Uuid,
    year: Option<i32>,
    explicit: Vec<Period>,
) -> AppResult<Vec<reporting_period::Model>> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Reporting).await?;
    let regime = existing(&txn, regime_id).await?;
    let recipient = existing_unit(&txn, regime.recipient_unit_id).await?;
    let actor = by.require(Role::Coordinator, &recipient)?;
    let mut periods = explicit;
    if let Some(year) = year {
        if !(2000..=2100).contains(&year) {
            return Err(AppError::rule(
                Some("year"),
                UserErrorCode::InvalidYear,
                "a year from 2000 to 2100",
            ));
        }
        if regime.frequency == Frequency::AdHoc {
            return Err(AppError::rule(
                Some("year"),
                UserErrorCode::AdHocNeedsDates,
                "an ad-hoc regime opens periods with explicit dates",
            ));
        }
        periods.extend(Period::all_in(year, regime.frequency));
    }
    let distinct: HashSet<_> = periods.iter().collect();
    if periods.is_empty() || periods.len() > 24 || distinct.len() != periods.len() {
        return Err(AppError::rule(
            Some("periods"),
            UserErrorCode::InvalidPeriods,
            "open 1 to 24 distinct periods (a year, or a list)",
        ));
    }
    if let Some(wrong) = periods.iter().find(|p| p.frequency() != regime.frequency) {
        return Err(AppError::rule(
            Some("periods"),
            UserErrorCode::PeriodFrequencyMismatch,
            format!(
                "{wrong} is not a period of a {} regime",
                regime.frequency.to_value()
            ),
        ));
    }
    let codes: Vec<String> = periods.iter().map(ToString::to_string).collect();
    let open = reporting_period::Entity::find()
        .filter(reporting_period::Column::RegimeId.eq(regime.id))
        .filter(reporting_period::Column::Code.is_in(codes.iter().map(String::as_str)))
        .one(&txn)
        .await?;
    if let Some(open) = open {
        return Err(AppError::rule(
            Some("periods"),
            UserErrorCode::PeriodAlreadyOpen,
            format!("{} is already open", open.code),
        ));
    }
    let windows: Vec<_> = periods
        .iter()
        .map(|p| p.window(regime.cutoff_rule))
        .collect();
    let first = windows
        .iter()
        .map(|w| w.0)
        .min()
        .expect("at least one period");
    let last = windows
        .iter()
        .map(|w| w.1)
        .max()
        .expect("at least one period");
    let calendar = holidays::calendar(&txn, first, last).await?;
    let area = territory(&txn, &recipient).await?;
    let indicators = indicators_of(&txn, &[regime.id]).await?;
    // A regime may be set up for past periods (to take in reports kept on
    // paper or spreadsheets), so the recipient is checked on each cut-off.
    if let Some((period, (_, to))) = periods
        .iter()
        .zip(&windows)
        .find(|(_, (_, to))| !in_force(&recipient, *to))
    {
        return Err(AppError::rule(
            Some("periods"),
            UserErrorCode::RecipientNotInForce,
            format!(
                "{} was not in force on {to}, the cut-off of {period}",
                recipient.name
            ),
        ));
    }
    let mut opened = Vec::new();
    for (period, (from, to)) in periods.iter().zip(windows) {
        let deadline = calendar.add_working_days(to, regime.deadline_days as u32);
        let compiled_deadline = calendar.add_working_days(to, regime.compiled_deadline_days as u32);
        let row = reporting_period::Model {
            id: Uuid::now_v7(),
            regime_id: regime.id,
            code: period.to_string(),
            data_from: from,
            data_to: to,
            deadline,
            compiled_deadline,
            opened_at: Utc::now(),
        };
        reporting_period::Entity::insert(row.clone().into_active_model())
            .exec_without_returning(&txn)
            .await?;
        let scope = Scope {
            regime: &regime,
            recipient: &recipient,
            area: &area,
            indicators: &indicators,
        };
        let (_, count) = follow::reconcile(&txn, &scope, &row, None).await?;
        let change = Change {
            action: "openPeriods",
            entity_type: "ReportingPeriod",
            entity_id: row.id,
            scope_unit_id: Some(recipient.id),
            before: None,
            after: Some(json!({
                "regime": regime.code, "period": row.code, "dataFrom": from, "dataTo": to,
                "deadline": deadline, "compiledDeadline": compiled_deadline, "expected": count,
            })),
        };
        audit::record(&txn, &actor, change).await?;
        opened.push(row);
    }
    txn.commit().await?;
    Ok(opened)
}

/// Assignments of issued mandates to `units` overlapping `from..=to`:
/// what each unit held in the window.
pub(super) async fn held_in(
    db: &impl ConnectionTrait,
    units: &[Uuid],
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<HashMap<Uuid, Vec<Uuid>>> {
    let mut held: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for chunk in units.chunks(CHUNK) {
        let assignments = mandate_assignment::Entity::find()
            .filter(mandate_assignment::Column::DelegateeUnitId.is_in(chunk.iter().copied()))
            .filter(mandate_assignment::Column::ValidFrom.lte(to))
            .filter(
                Condition::any()
                    .add(mandate_assignment::Column::ValidTo.is_null())
                    .add(mandate_assignment::Column::ValidTo.gte(from)),
            )
            .all(db)
            .await?;
        let ids: HashSet<Uuid> = assignments.iter().map(|a| a.mandate_id).collect();
        let issued: HashSet<Uuid> = mandate::Entity::find()
            .filter(mandate::Column::Id.is_in(ids))
            .filter(mandate::Column::State.ne(MandateState::Draft))
            .all(db)
            .await?
            .into_iter()
            // A mandate revoked before it began never applied.
            .filter(|m| m.effective_to.is_none_or(|end| end >= m.effective_from))
            .map(|m| m.id)
            .collect();
        for a in assignments {
            if issued.contains(&a.mandate_id) && a.valid_to.is_none_or(|end| end >= a.valid_from) {
                let list = held.entry(a.delegatee_unit_id).or_default();
                if !list.contains(&a.mandate_id) {
                    list.push(a.mandate_id);
                }
            }
        }
    }
    Ok(held)
}

/// The units that report for the window ending `to`, among `among` (None:
/// every unit of the area): those in force on the cut-off within the
/// recipient's province, chosen by the regime's rule, with where each
/// one's report goes (a commune under a district sends it to the district,
/// everyone else to the regime's recipient; the recipient's own report
/// goes to its province). Also what every unit considered held in the
/// window, chosen or not.
pub(super) async fn expected_reporters(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    from: NaiveDate,
    to: NaiveDate,
    among: Option<&[Uuid]>,
) -> AppResult<(Vec<Expected>, HashMap<Uuid, Vec<Uuid>>)> {
    let query = || {
        unit::Entity::find()
            .filter(subtree_of(scope.area))
            .filter(valid_on(to))
            .filter(unit::Column::Kind.ne(UnitKind::Province))
            .order_by_asc(unit::Column::Path)
    };
    let in_force = match among {
        None => query().all(txn).await?,
        Some(units) => {
            let mut found = Vec::with_capacity(units.len());
            for chunk in units.chunks(CHUNK) {
                found.extend(
                    query()
                        .filter(unit::Column::Id.is_in(chunk.iter().copied()))
                        .all(txn)
                        .await?,
                );
            }
            found
        }
    };
    let ids: Vec<Uuid> = in_force.iter().map(|u| u.id).collect();
    let held = held_in(txn, &ids, from, to).await?;
    let chosen: Vec<unit::Model> = match reporters_of(scope.regime) {
        Reporters::Holders => in_force
            .into_iter()
            .filter(|u| held.contains_key(&u.id))
            .collect(),
        Reporters::Kinds(kinds) => in_force
            .into_iter()
            .filter(|u| kinds.contains(&u.kind))
            .collect(),
        Reporters::Units(list) => in_force
            .into_iter()
            .filter(|u| list.contains(&u.id))
            .collect(),
    };
    let kinds: HashMap<Uuid, UnitKind> = chosen.iter().map(|u| (u.id, u.kind)).collect();
    let parents: Vec<Uuid> = chosen
        .iter()
        .filter_map(|u| u.parent_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut districts = HashSet::new();
    for chunk in parents.chunks(CHUNK) {
        districts.extend(
            crate::units::service::find_many(txn, chunk)
                .await?
                .into_iter()
                .filter(|u| u.kind == UnitKind::District)
                .map(|u| u.id),
        );
    }
    let expected = chosen
        .into_iter()
        .map(|unit| {
            let recipient_id = match unit.parent_id {
                Some(parent)
                    if kinds.get(&unit.id) == Some(&UnitKind::Commune)
                        && districts.contains(&parent) =>
                {
                    parent
                }
                Some(parent) if unit.id == scope.recipient.id => parent,
                _ => scope.recipient.id,
            };
            let mandates = held.get(&unit.id).cloned().unwrap_or_default();
            Expected {
                unit,
                recipient: recipient_id,
                mandates,
            }
        })
        .collect();
    Ok((expected, held))
}

/// An item with nothing reported yet, made `now`.
pub fn blank_item(report_id: Uuid, mandate_id: Uuid, now: DateTime<Utc>) -> report_item::Model {
    report_item::Model {
        id: Uuid::now_v7(),
        report_id,
        mandate_id,
        implementation_status: None,
        procedures_received: None,
        resolved_on_time: None,
        resolved_late: None,
        pending: None,
        difficulties: None,
        proposal: None,
        proposal_note: None,
        created_at: now,
        closed_at: None,
    }
}

/// Whether the reporter has written nothing in `item`.
pub fn is_blank(item: &report_item::Model) -> bool {
    item.implementation_status.is_none()
        && item.procedures_received.is_none()
        && item.resolved_on_time.is_none()
        && item.resolved_late.is_none()
        && item.pending.is_none()
        && item.difficulties.is_none()
        && item.proposal.is_none()
        && item.proposal_note.is_none()
}

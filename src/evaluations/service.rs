//! Opening a round and moving its evaluations: every change in one
//! transaction with its audit event, every evaluation change checked
//! against the version the client last read.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, SubsecRound, Utc};
use entity::evaluation::{self, EvaluationResult, EvaluationStatus, Recommendation};
use entity::evaluation_round::{self, RoundStatus};
use entity::mandate::{self, MandateState};
use entity::mandate_assignment;
use entity::role_grant::Role;
use entity::unit::{self, UnitKind};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
    SqlErr,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::audit::{self, Actor, Change};
use crate::auth::Authority;
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::mandates::rules::{self, DatedStatus};
use crate::units::service::{existing as existing_unit, subtree_of};

/// Working days the holders have after the round's day when `dueOn` is
/// not given: two weeks of work, before the year's closing reports.
pub const DEFAULT_DUE_WORKING_DAYS: u32 = 10;

/// Most characters of an evaluation's free texts.
const MAX_TEXT: usize = 20_000;

/// Rows per insert or `IN` list.
const CHUNK: usize = 500;

/// The day of the year each round is taken on (`PHANCAP_EVALUATION_DAY`,
/// `MM-DD`, default `12-15`: the 15 December cut-off of the annual
/// reports after Nghị định 09/2019).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvaluationDay {
    month: u32,
    day: u32,
}

impl Default for EvaluationDay {
    fn default() -> Self {
        EvaluationDay { month: 12, day: 15 }
    }
}

impl FromStr for EvaluationDay {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a day of the year like 12-15 (MM-DD)");
        let (month, day) = text.trim().split_once('-').ok_or_else(bad)?;
        let (month, day): (u32, u32) = (
            month.parse().map_err(|_| bad())?,
            day.parse().map_err(|_| bad())?,
        );
        // 2024 is a leap year: every day that exists in some year passes.
        NaiveDate::from_ymd_opt(2024, month, day).ok_or_else(bad)?;
        Ok(EvaluationDay { month, day })
    }
}

impl std::fmt::Display for EvaluationDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

impl EvaluationDay {
    /// This day in `year`; 29 February is the 28th in a common year.
    pub fn in_year(self, year: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, self.month, self.day)
            .or_else(|| NaiveDate::from_ymd_opt(year, self.month, self.day - 1))
            .expect("a day that exists in a leap year exists a day earlier in any year")
    }
}

/// What `openEvaluationRound` asks for.
#[derive(Debug, Clone)]
pub struct OpenRound {
    pub province: Uuid,
    pub year: i32,
    /// Default: the evaluation day of `year`.
    pub as_of: Option<NaiveDate>,
    /// Default: [`DEFAULT_DUE_WORKING_DAYS`] working days after `as_of`.
    pub due_on: Option<NaiveDate>,
}

/// A round just opened and how many evaluations it expects.
#[derive(Debug, Clone)]
pub struct Opened {
    pub round: evaluation_round::Model,
    pub expected: usize,
}

/// A round that must exist.
pub async fn existing_round(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<evaluation_round::Model> {
    evaluation_round::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("evaluation round"))
}

/// An evaluation that must exist.
pub async fn existing(db: &impl ConnectionTrait, id: Uuid) -> AppResult<evaluation::Model> {
    evaluation::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("evaluation"))
}

fn now() -> chrono::DateTime<Utc> {
    // Stored to the microsecond on both databases, so that comparisons of
    // what was written and read back agree.
    Utc::now().trunc_subsecs(6)
}

fn round_exists(province: &unit::Model, year: i32) -> AppError {
    AppError::rule(
        Some("year"),
        UserErrorCode::EvaluationRoundExists,
        format!(
            "{} already has its evaluation round of {year}",
            province.name
        ),
    )
}

/// The mandates and holders a round of `province` on `as_of` expects:
/// every issued mandate whose delegator is the province or a unit under
/// it, active on `as_of`, with each assignment covering that day.
pub async fn expected_on(
    db: &impl ConnectionTrait,
    province: &unit::Model,
    as_of: NaiveDate,
) -> AppResult<Vec<(mandate::Model, Uuid)>> {
    let mandates: Vec<mandate::Model> = mandate::Entity::find()
        .filter(mandate::Column::State.ne(MandateState::Draft))
        .filter(
            mandate::Column::DelegatorUnitId.in_subquery(
                Query::select()
                    .column(unit::Column::Id)
                    .from(unit::Entity)
                    .cond_where(subtree_of(&province.path))
                    .to_owned(),
            ),
        )
        .order_by_asc(mandate::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .filter(|m| rules::dated_status(m, as_of) == DatedStatus::Active)
        .collect();
    let mut expected = Vec::new();
    for chunk in mandates.chunks(CHUNK) {
        let assignments = mandate_assignment::Entity::find()
            .filter(mandate_assignment::Column::MandateId.is_in(chunk.iter().map(|m| m.id)))
            .order_by_asc(mandate_assignment::Column::Id)
            .all(db)
            .await?;
        for m in chunk {
            let mut seen = HashSet::new();
            for a in assignments.iter().filter(|a| a.mandate_id == m.id) {
                if rules::covers(a, as_of) && seen.insert(a.delegatee_unit_id) {
                    expected.push((m.clone(), a.delegatee_unit_id));
                }
            }
        }
    }
    Ok(expected)
}

/// Opens the evaluation round of a province for a year: COORDINATOR over
/// the province. One evaluation per mandate and holder in force on
/// `asOf` (see [`expected_on`]), all NOT_STARTED; the mandates issued,
/// revoked or transferred afterwards do not change the round.
pub async fn open_round(
    db: &DatabaseConnection,
    by: Authority<'_>,
    day: EvaluationDay,
    input: OpenRound,
) -> AppResult<Opened> {
    // The mandate set: the round reads mandates and assignments as they
    // stand, and two openings wait for each other.
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let province = existing_unit(&txn, input.province).await?;
    let actor = by.require(Role::Coordinator, &province)?;
    if province.kind != UnitKind::Province {
        return Err(AppError::rule(
            Some("province"),
            UserErrorCode::NotAProvince,
            format!(
                "{} is not a province: rounds are the province's",
                province.name
            ),
        ));
    }
    if !(2000..=2100).contains(&input.year) {
        return Err(AppError::rule(
            Some("year"),
            UserErrorCode::InvalidYear,
            "a year from 2000 to 2100",
        ));
    }
    let as_of = input.as_of.unwrap_or_else(|| day.in_year(input.year));
    if as_of.year() != input.year {
        return Err(AppError::rule(
            Some("asOf"),
            UserErrorCode::InvalidDate,
            format!(
                "the round of {} is taken on a day of {}",
                input.year, input.year
            ),
        ));
    }
    let taken = evaluation_round::Entity::find()
        .filter(evaluation_round::Column::ProvinceUnitId.eq(province.id))
        .filter(evaluation_round::Column::Year.eq(input.year))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(round_exists(&province, input.year));
    }
    let due_on = match input.due_on {
        Some(due) => due,
        None => crate::reporting::holidays::calendar(&txn, as_of, as_of)
            .await?
            .add_working_days(as_of, DEFAULT_DUE_WORKING_DAYS),
    };
    if due_on <= as_of {
        return Err(AppError::rule(
            Some("dueOn"),
            UserErrorCode::InvalidDate,
            format!("the evaluations are due after {as_of}, the day they are taken on"),
        ));
    }
    let expected = expected_on(&txn, &province, as_of).await?;
    let at = now();
    let round = evaluation_round::Model {
        id: Uuid::now_v7(),
        code: format!("DG-{}-{}", province.code, input.year),
        province_unit_id: province.id,
        province_path: province.path.clone(),
        year: input.year,
        as_of,
        due_on,
        status: RoundStatus::Open,
        opened_at: at,
        opened_by: actor.username.clone(),
        compiled_at: None,
        compiled_by: None,
        assessment: None,
        recommendations: None,
        tables: None,
        accepted_at: None,
        accepted_by: None,
        directions: None,
        updated_at: at,
    };
    let inserted = evaluation_round::Entity::insert(round.clone().into_active_model())
        .exec_without_returning(&txn)
        .await;
    if let Err(err) = inserted {
        return Err(match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => round_exists(&province, input.year),
            _ => err.into(),
        });
    }
    let mut units: Vec<Uuid> = expected.iter().map(|(_, holder)| *holder).collect();
    units.extend(expected.iter().map(|(m, _)| m.delegator_unit_id));
    units.sort();
    units.dedup();
    let mut paths: HashMap<Uuid, String> = HashMap::new();
    for chunk in units.chunks(CHUNK) {
        for u in crate::units::service::find_many(&txn, chunk).await? {
            paths.insert(u.id, u.path);
        }
    }
    let rows: Vec<evaluation::ActiveModel> = expected
        .iter()
        .map(|(m, holder)| {
            evaluation::Model {
                id: Uuid::now_v7(),
                round_id: round.id,
                mandate_id: m.id,
                holder_unit_id: *holder,
                holder_path: paths.get(holder).cloned().unwrap_or_default(),
                delegator_unit_id: m.delegator_unit_id,
                delegator_path: paths.get(&m.delegator_unit_id).cloned().unwrap_or_default(),
                status: EvaluationStatus::NotStarted,
                version: 1,
                result: None,
                result_text: None,
                difficulties: None,
                recommendation: None,
                recommendation_reason: None,
                drafted_at: None,
                drafted_by: None,
                self_assessed_at: None,
                self_assessed_by: None,
                return_reason: None,
                returned_at: None,
                assessment: None,
                assessment_text: None,
                delegator_recommendation: None,
                assessed_at: None,
                assessed_by: None,
                updated_at: at,
            }
            .into_active_model()
        })
        .collect();
    for chunk in rows.chunks(CHUNK) {
        evaluation::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    let change = Change {
        action: "openEvaluationRound",
        entity_type: "EvaluationRound",
        entity_id: round.id,
        scope_unit_id: Some(province.id),
        before: None,
        after: Some(json!({
            "code": round.code, "year": round.year, "asOf": as_of, "dueOn": due_on,
            "expected": expected.len(),
        })),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(Opened {
        round,
        expected: expected.len(),
    })
}

/// The round of `province` for `year`, if it has one.
pub async fn round_of(
    db: &impl ConnectionTrait,
    province: Uuid,
    year: i32,
) -> AppResult<Option<evaluation_round::Model>> {
    Ok(evaluation_round::Entity::find()
        .filter(evaluation_round::Column::ProvinceUnitId.eq(province))
        .filter(evaluation_round::Column::Year.eq(year))
        .one(db)
        .await?)
}

/// The holder's self-assessment as saved; None leaves a field as it is,
/// and a blank text clears it.
#[derive(Debug, Clone, Default)]
pub struct SelfAssessment {
    pub result: Option<EvaluationResult>,
    pub result_text: Option<String>,
    pub difficulties: Option<String>,
    pub recommendation: Option<Recommendation>,
    pub recommendation_reason: Option<String>,
}

/// The delegator's assessment; every field is required.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub assessment: EvaluationResult,
    pub text: String,
    pub recommendation: Recommendation,
}

/// Which side of an evaluation acts, and so which unit its role is
/// checked over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Holder,
    Delegator,
}

/// Locks the round of `e` for the change (changes of one round follow one
/// another, and none slips between a compilation and its acceptance);
/// refuses any change once the round is accepted.
async fn open_round_of(
    txn: &DatabaseTransaction,
    round_id: Uuid,
) -> AppResult<evaluation_round::Model> {
    let round = evaluation_round::Entity::find_by_id(round_id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("evaluation round"))?;
    if round.status == RoundStatus::Accepted {
        return Err(AppError::rule(
            None,
            UserErrorCode::EvaluationRoundClosed,
            format!("UBND tỉnh accepted the round {}: it is locked", round.code),
        ));
    }
    Ok(round)
}

/// The evaluation `id` for a change by `role` over the `side` unit, at
/// `expected_version`.
async fn for_change(
    txn: &DatabaseTransaction,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    role: Role,
    side: Side,
) -> AppResult<(evaluation::Model, Actor)> {
    let found = existing(txn, id).await?;
    let unit = match side {
        Side::Holder => existing_unit(txn, found.holder_unit_id).await?,
        Side::Delegator => existing_unit(txn, found.delegator_unit_id).await?,
    };
    let actor = by.require(role, &unit)?;
    open_round_of(txn, found.round_id).await?;
    // Read again under the round's lock: what a concurrent writer
    // committed before it is what the version is checked against.
    let current = existing(txn, id).await?;
    if current.version != expected_version {
        return Err(conflict(&current));
    }
    Ok((current, actor))
}

fn conflict(e: &evaluation::Model) -> AppError {
    AppError::Conflict(format!(
        "the evaluation changed since it was read (now version {}); reload it and try again",
        e.version
    ))
}

/// Writes `next` over `current` with the next version.
async fn write(
    txn: &DatabaseTransaction,
    current: &evaluation::Model,
    mut next: evaluation::Model,
) -> AppResult<evaluation::Model> {
    next.version = current.version + 1;
    next.updated_at = now();
    let result = evaluation::Entity::update_many()
        .set(next.clone().into_active_model().reset_all())
        .filter(evaluation::Column::Id.eq(current.id))
        .filter(evaluation::Column::Version.eq(current.version))
        .exec(txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(conflict(current));
    }
    Ok(next)
}

fn evaluation_json(e: &evaluation::Model) -> Value {
    let name = |v: Option<String>| v.map(Value::String).unwrap_or(Value::Null);
    json!({
        "status": e.status.to_value(), "version": e.version,
        "result": name(e.result.map(|r| r.to_value())), "resultText": e.result_text,
        "difficulties": e.difficulties,
        "recommendation": name(e.recommendation.map(|r| r.to_value())),
        "recommendationReason": e.recommendation_reason, "returnReason": e.return_reason,
        "assessment": name(e.assessment.map(|r| r.to_value())), "assessmentText": e.assessment_text,
        "delegatorRecommendation": name(e.delegator_recommendation.map(|r| r.to_value())),
    })
}

async fn audit_evaluation(
    txn: &DatabaseTransaction,
    actor: &Actor,
    action: &str,
    before: &evaluation::Model,
    after: &evaluation::Model,
) -> AppResult<()> {
    let change = Change {
        action,
        entity_type: "Evaluation",
        entity_id: after.id,
        scope_unit_id: Some(after.holder_unit_id),
        before: Some(evaluation_json(before)),
        after: Some(evaluation_json(after)),
    };
    audit::record(txn, actor, change).await?;
    Ok(())
}

/// Whether the holder may still write its self-assessment.
pub fn holder_editable(status: EvaluationStatus) -> bool {
    matches!(
        status,
        EvaluationStatus::NotStarted | EvaluationStatus::Draft | EvaluationStatus::Returned
    )
}

fn not_editable(e: &evaluation::Model) -> AppError {
    AppError::rule(
        None,
        UserErrorCode::EvaluationNotEditable,
        format!(
            "the evaluation is {}: the holder writes it again only once it is returned",
            e.status.to_value()
        ),
    )
}

/// Saves the holder's self-assessment as a draft: REPORTER over the
/// holder, while it is NOT_STARTED, DRAFT or RETURNED. Incomplete drafts
/// are fine; submission checks completeness.
pub async fn save_self_assessment(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    input: SelfAssessment,
) -> AppResult<evaluation::Model> {
    let txn = crate::db::begin(db).await?;
    let (current, actor) =
        for_change(&txn, by, id, expected_version, Role::Reporter, Side::Holder).await?;
    if !holder_editable(current.status) {
        return Err(not_editable(&current));
    }
    let text = |field: &'static str, value: &Option<String>, old: &Option<String>| match value {
        Some(v) => crate::text::check_long_text(field, Some(v), MAX_TEXT),
        None => Ok(old.clone()),
    };
    let mut next = current.clone();
    next.result_text = text("resultText", &input.result_text, &current.result_text)?;
    next.difficulties = text("difficulties", &input.difficulties, &current.difficulties)?;
    next.recommendation_reason = text(
        "recommendationReason",
        &input.recommendation_reason,
        &current.recommendation_reason,
    )?;
    next.result = input.result.or(current.result);
    next.recommendation = input.recommendation.or(current.recommendation);
    next.status = EvaluationStatus::Draft;
    next.drafted_at = Some(now());
    next.drafted_by = Some(actor.username.clone());
    let next = write(&txn, &current, next).await?;
    audit_evaluation(&txn, &actor, "saveSelfAssessment", &current, &next).await?;
    txn.commit().await?;
    Ok(next)
}

/// Submits the holder's self-assessment to the delegator: APPROVER over
/// the holder (the head signs for the unit), once it has a result, its
/// account and a recommendation, with a reason unless KEEP.
pub async fn submit_self_assessment(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
) -> AppResult<evaluation::Model> {
    let txn = crate::db::begin(db).await?;
    let (current, actor) =
        for_change(&txn, by, id, expected_version, Role::Approver, Side::Holder).await?;
    if !holder_editable(current.status) {
        return Err(not_editable(&current));
    }
    let (Some(_), Some(_), Some(recommendation)) = (
        current.result,
        current.result_text.as_ref(),
        current.recommendation,
    ) else {
        return Err(AppError::rule(
            None,
            UserErrorCode::EvaluationIncomplete,
            "a self-assessment is submitted with its result, its account (resultText) and a recommendation",
        ));
    };
    if recommendation != Recommendation::Keep && current.recommendation_reason.is_none() {
        return Err(AppError::rule(
            Some("recommendationReason"),
            UserErrorCode::RecommendationReasonRequired,
            format!(
                "say why the mandate should be {}: a change is proposed with its reason",
                match recommendation {
                    Recommendation::Amend => "amended",
                    Recommendation::Revoke => "revoked",
                    _ => "expanded",
                }
            ),
        ));
    }
    let mut next = current.clone();
    next.status = EvaluationStatus::SelfAssessed;
    next.self_assessed_at = Some(now());
    next.self_assessed_by = Some(actor.username.clone());
    let next = write(&txn, &current, next).await?;
    audit_evaluation(&txn, &actor, "submitSelfAssessment", &current, &next).await?;
    txn.commit().await?;
    Ok(next)
}

fn not_self_assessed(e: &evaluation::Model) -> AppError {
    AppError::rule(
        None,
        UserErrorCode::EvaluationNotSelfAssessed,
        format!(
            "the holder has not submitted its self-assessment: the evaluation is {}",
            e.status.to_value()
        ),
    )
}

/// Returns a submitted self-assessment to the holder with a reason:
/// APPROVER over the delegator.
pub async fn return_self_assessment(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    reason: &str,
) -> AppResult<evaluation::Model> {
    let txn = crate::db::begin(db).await?;
    let (current, actor) = for_change(
        &txn,
        by,
        id,
        expected_version,
        Role::Approver,
        Side::Delegator,
    )
    .await?;
    if current.status != EvaluationStatus::SelfAssessed {
        return Err(not_self_assessed(&current));
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 5_000 || !crate::text::writable(reason) {
        return Err(AppError::rule(
            Some("reason"),
            UserErrorCode::ReasonRequired,
            "say why the self-assessment goes back: 1 to 5000 characters, with no control or text-direction characters but lines and tabs",
        ));
    }
    let mut next = current.clone();
    next.status = EvaluationStatus::Returned;
    next.return_reason = Some(reason.to_owned());
    next.returned_at = Some(now());
    let next = write(&txn, &current, next).await?;
    audit_evaluation(&txn, &actor, "returnSelfAssessment", &current, &next).await?;
    txn.commit().await?;
    Ok(next)
}

/// Records the delegator's assessment of a submitted self-assessment, or
/// replaces it while the round is not accepted: APPROVER over the
/// delegator (UBND tỉnh or the sở that delegated).
pub async fn assess(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    input: Assessment,
) -> AppResult<evaluation::Model> {
    let txn = crate::db::begin(db).await?;
    let (current, actor) = for_change(
        &txn,
        by,
        id,
        expected_version,
        Role::Approver,
        Side::Delegator,
    )
    .await?;
    if !matches!(
        current.status,
        EvaluationStatus::SelfAssessed | EvaluationStatus::Assessed
    ) {
        return Err(not_self_assessed(&current));
    }
    let Some(text) = crate::text::check_long_text("assessmentText", Some(&input.text), MAX_TEXT)?
    else {
        return Err(AppError::rule(
            Some("assessmentText"),
            UserErrorCode::EvaluationIncomplete,
            "the delegator's assessment is given with its text",
        ));
    };
    let mut next = current.clone();
    next.status = EvaluationStatus::Assessed;
    next.assessment = Some(input.assessment);
    next.assessment_text = Some(text);
    next.delegator_recommendation = Some(input.recommendation);
    next.assessed_at = Some(now());
    next.assessed_by = Some(actor.username.clone());
    let next = write(&txn, &current, next).await?;
    audit_evaluation(&txn, &actor, "assessEvaluation", &current, &next).await?;
    txn.commit().await?;
    Ok(next)
}

/// Counts of the three results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultCounts {
    pub good: i64,
    pub satisfactory: i64,
    pub poor: i64,
}

impl ResultCounts {
    fn add(&mut self, r: EvaluationResult) {
        match r {
            EvaluationResult::Good => self.good += 1,
            EvaluationResult::Satisfactory => self.satisfactory += 1,
            EvaluationResult::Poor => self.poor += 1,
        }
    }
}

/// Counts of the four recommendations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecommendationCounts {
    pub keep: i64,
    pub amend: i64,
    pub revoke: i64,
    pub expand: i64,
}

impl RecommendationCounts {
    fn add(&mut self, r: Recommendation) {
        match r {
            Recommendation::Keep => self.keep += 1,
            Recommendation::Amend => self.amend += 1,
            Recommendation::Revoke => self.revoke += 1,
            Recommendation::Expand => self.expand += 1,
        }
    }
}

/// What a set of evaluations adds up to: the holders' submitted
/// self-assessments and the delegators' assessments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub evaluations: i64,
    pub self_assessed: i64,
    pub assessed: i64,
    pub results: ResultCounts,
    pub recommendations: RecommendationCounts,
    pub assessments: ResultCounts,
    pub delegator_recommendations: RecommendationCounts,
}

impl Tally {
    fn add(&mut self, e: &evaluation::Model) {
        self.evaluations += 1;
        let submitted = matches!(
            e.status,
            EvaluationStatus::SelfAssessed | EvaluationStatus::Assessed
        );
        if submitted {
            self.self_assessed += 1;
            e.result.into_iter().for_each(|r| self.results.add(r));
            e.recommendation
                .into_iter()
                .for_each(|r| self.recommendations.add(r));
        }
        if e.status == EvaluationStatus::Assessed {
            self.assessed += 1;
            e.assessment
                .into_iter()
                .for_each(|r| self.assessments.add(r));
            e.delegator_recommendation
                .into_iter()
                .for_each(|r| self.delegator_recommendations.add(r));
        }
    }
}

/// One row of a compiled table: a mandate or a holder unit, and its tally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub id: Uuid,
    pub tally: Tally,
}

/// The tables of a compiled round: the province's totals, by mandate (in
/// code order) and by holder unit (down the tree).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tables {
    pub totals: Tally,
    pub by_mandate: Vec<Row>,
    pub by_unit: Vec<Row>,
}

impl Tables {
    /// The tables as stored with a compiled round.
    pub fn read(round: &evaluation_round::Model) -> Option<Tables> {
        serde_json::from_str(round.tables.as_deref()?).ok()
    }
}

/// What `compileEvaluation` writes.
#[derive(Debug, Clone, Default)]
pub struct Compile {
    /// Đánh giá chung.
    pub assessment: Option<String>,
    /// Kiến nghị.
    pub recommendations: Option<String>,
    /// Compile although some evaluations are not ASSESSED.
    pub allow_missing: bool,
}

/// Every evaluation of a round, down the tree.
pub async fn evaluations_of(
    db: &impl ConnectionTrait,
    round: Uuid,
) -> AppResult<Vec<evaluation::Model>> {
    Ok(evaluation::Entity::find()
        .filter(evaluation::Column::RoundId.eq(round))
        .order_by_asc(evaluation::Column::HolderPath)
        .order_by_asc(evaluation::Column::Id)
        .all(db)
        .await?)
}

/// Compiles the province's evaluation for UBND tỉnh: COORDINATOR over the
/// province (Sở Nội vụ), while the round is not accepted; again after a
/// late evaluation moved. Refused while an evaluation is not ASSESSED
/// unless `allow_missing`, which counts them as missing in the tables.
pub async fn compile(
    db: &DatabaseConnection,
    by: Authority<'_>,
    round_id: Uuid,
    input: Compile,
) -> AppResult<evaluation_round::Model> {
    let txn = crate::db::begin(db).await?;
    let found = existing_round(&txn, round_id).await?;
    let province = existing_unit(&txn, found.province_unit_id).await?;
    let actor = by.require(Role::Coordinator, &province)?;
    let current = open_round_of(&txn, round_id).await?;
    let assessment =
        crate::text::check_long_text("assessment", input.assessment.as_deref(), MAX_TEXT)?;
    let recommendations = crate::text::check_long_text(
        "recommendations",
        input.recommendations.as_deref(),
        MAX_TEXT,
    )?;
    let all = evaluations_of(&txn, round_id).await?;
    let missing: Vec<&evaluation::Model> = all
        .iter()
        .filter(|e| e.status != EvaluationStatus::Assessed)
        .collect();
    if !missing.is_empty() && !input.allow_missing {
        let mandates: HashMap<Uuid, String> = mandate::Entity::find()
            .filter(mandate::Column::Id.is_in(missing.iter().take(20).map(|e| e.mandate_id)))
            .all(&txn)
            .await?
            .into_iter()
            .map(|m| (m.id, m.code))
            .collect();
        let holders: Vec<Uuid> = missing.iter().take(20).map(|e| e.holder_unit_id).collect();
        let units: HashMap<Uuid, String> = crate::units::service::find_many(&txn, &holders)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        let listed: Vec<String> = missing
            .iter()
            .take(20)
            .map(|e| {
                format!(
                    "{} by {} ({})",
                    mandates.get(&e.mandate_id).map_or("?", String::as_str),
                    units.get(&e.holder_unit_id).map_or("?", String::as_str),
                    e.status.to_value()
                )
            })
            .collect();
        let more = missing.len().saturating_sub(listed.len());
        return Err(AppError::rule(
            Some("allowMissing"),
            UserErrorCode::EvaluationsMissing,
            format!(
                "{} of {} evaluations are not assessed yet: {}{}; compile with allowMissing to count them as missing",
                missing.len(),
                all.len(),
                listed.join("; "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ),
        ));
    }
    let tables = tables_of(&txn, &all).await?;
    let at = now();
    let mut next = current.clone();
    next.status = RoundStatus::Compiled;
    next.compiled_at = Some(at);
    next.compiled_by = Some(actor.username.clone());
    next.assessment = assessment;
    next.recommendations = recommendations;
    next.tables = Some(serde_json::to_string(&tables).map_err(AppError::internal)?);
    next.updated_at = at;
    evaluation_round::Entity::update(next.clone().into_active_model().reset_all())
        .exec(&txn)
        .await?;
    let change = Change {
        action: "compileEvaluation",
        entity_type: "EvaluationRound",
        entity_id: next.id,
        scope_unit_id: Some(province.id),
        before: Some(json!({ "status": current.status.to_value() })),
        after: Some(json!({
            "status": next.status.to_value(), "evaluations": all.len(), "missing": missing.len(),
            "assessment": next.assessment, "recommendations": next.recommendations,
            "totals": tables.totals,
        })),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(next)
}

async fn tables_of(db: &impl ConnectionTrait, all: &[evaluation::Model]) -> AppResult<Tables> {
    let mut totals = Tally::default();
    let mut by_mandate: HashMap<Uuid, Tally> = HashMap::new();
    let mut by_unit: BTreeMap<(String, Uuid), Tally> = BTreeMap::new();
    for e in all {
        totals.add(e);
        by_mandate.entry(e.mandate_id).or_default().add(e);
        by_unit
            .entry((e.holder_path.clone(), e.holder_unit_id))
            .or_default()
            .add(e);
    }
    let mut codes: Vec<(String, Uuid)> = Vec::new();
    let ids: Vec<Uuid> = by_mandate.keys().copied().collect();
    for chunk in ids.chunks(CHUNK) {
        codes.extend(
            mandate::Entity::find()
                .filter(mandate::Column::Id.is_in(chunk.iter().copied()))
                .all(db)
                .await?
                .into_iter()
                .map(|m| (m.code, m.id)),
        );
    }
    codes.sort();
    Ok(Tables {
        totals,
        by_mandate: codes
            .into_iter()
            .map(|(_, id)| Row {
                id,
                tally: by_mandate[&id],
            })
            .collect(),
        by_unit: by_unit
            .into_iter()
            .map(|((_, id), tally)| Row { id, tally })
            .collect(),
    })
}

/// Accepts the compiled evaluation with UBND tỉnh's directions (ý kiến
/// chỉ đạo): APPROVER over the province. Only a compiled round, and only
/// if no evaluation changed since; accepting locks the round.
pub async fn accept(
    db: &DatabaseConnection,
    by: Authority<'_>,
    round_id: Uuid,
    directions: Option<String>,
) -> AppResult<evaluation_round::Model> {
    let txn = crate::db::begin(db).await?;
    let found = existing_round(&txn, round_id).await?;
    let province = existing_unit(&txn, found.province_unit_id).await?;
    let actor = by.require(Role::Approver, &province)?;
    let current = open_round_of(&txn, round_id).await?;
    let (RoundStatus::Compiled, Some(compiled_at)) = (current.status, current.compiled_at) else {
        return Err(AppError::rule(
            None,
            UserErrorCode::EvaluationRoundNotCompiled,
            format!("Sở Nội vụ has not compiled the round {} yet", current.code),
        ));
    };
    let directions = crate::text::check_long_text("directions", directions.as_deref(), MAX_TEXT)?;
    let changed = evaluation::Entity::find()
        .filter(evaluation::Column::RoundId.eq(round_id))
        .filter(evaluation::Column::UpdatedAt.gt(compiled_at))
        .one(&txn)
        .await?;
    if changed.is_some() {
        return Err(AppError::rule(
            None,
            UserErrorCode::EvaluationCompilationOutdated,
            "an evaluation changed since the round was compiled: Sở Nội vụ compiles it again first",
        ));
    }
    let at = now();
    let mut next = current.clone();
    next.status = RoundStatus::Accepted;
    next.accepted_at = Some(at);
    next.accepted_by = Some(actor.username.clone());
    next.directions = directions;
    next.updated_at = at;
    evaluation_round::Entity::update(next.clone().into_active_model().reset_all())
        .exec(&txn)
        .await?;
    let change = Change {
        action: "acceptEvaluation",
        entity_type: "EvaluationRound",
        entity_id: next.id,
        scope_unit_id: Some(province.id),
        before: Some(json!({ "status": current.status.to_value() })),
        after: Some(json!({ "status": next.status.to_value(), "directions": next.directions })),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_evaluation_day_reads_month_and_day() {
        assert_eq!(EvaluationDay::default().to_string(), "12-15");
        let day: EvaluationDay = "02-29".parse().unwrap();
        assert_eq!(day.in_year(2025).to_string(), "2025-02-28");
        assert_eq!(day.in_year(2024).to_string(), "2024-02-29");
        assert_eq!(
            "11-30"
                .parse::<EvaluationDay>()
                .unwrap()
                .in_year(2026)
                .to_string(),
            "2026-11-30"
        );
        for bad in ["13-01", "12-32", "1215", "x-1", ""] {
            assert!(bad.parse::<EvaluationDay>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_tally_counts_what_each_side_submitted() {
        let mut t = Tally::default();
        let mut e = evaluation::Model {
            id: Uuid::nil(),
            round_id: Uuid::nil(),
            mandate_id: Uuid::nil(),
            holder_unit_id: Uuid::nil(),
            holder_path: String::new(),
            delegator_unit_id: Uuid::nil(),
            delegator_path: String::new(),
            status: EvaluationStatus::Draft,
            version: 1,
            result: Some(EvaluationResult::Good),
            result_text: None,
            difficulties: None,
            recommendation: Some(Recommendation::Amend),
            recommendation_reason: None,
            drafted_at: None,
            drafted_by: None,
            self_assessed_at: None,
            self_assessed_by: None,
            return_reason: None,
            returned_at: None,
            assessment: None,
            assessment_text: None,
            delegator_recommendation: None,
            assessed_at: None,
            assessed_by: None,
            updated_at: Utc::now(),
        };
        t.add(&e);
        assert_eq!((t.evaluations, t.self_assessed, t.results.good), (1, 0, 0));
        e.status = EvaluationStatus::Assessed;
        e.assessment = Some(EvaluationResult::Poor);
        e.delegator_recommendation = Some(Recommendation::Revoke);
        t.add(&e);
        assert_eq!((t.evaluations, t.self_assessed, t.assessed), (2, 1, 1));
        assert_eq!((t.recommendations.amend, t.assessments.poor), (1, 1));
        assert_eq!(t.delegator_recommendations.revoke, 1);
    }
}

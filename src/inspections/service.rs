//! Recording an inspection and following it up: every change in one
//! transaction with its audit event, the inspection's row locked so that
//! its steps follow one another.

use chrono::{NaiveDate, SubsecRound, Utc};
use entity::document::{self, DocumentType};
use entity::inspection::{self, InspectionStatus};
use entity::inspection_finding::{self as finding, FindingKind, MandateAction};
use entity::inspection_mandate;
use entity::inspection_member::{self as member, MemberRole};
use entity::inspection_recommendation as recommendation;
use entity::inspection_unit;
use entity::mandate::MandateState;
use entity::proposal::{self, ProposalKind, ProposalStatus};
use entity::role_grant::Role;
use entity::unit::{self, UnitKind};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
    SqlErr,
};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Actor, Change};
use crate::auth::Authority;
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::text::{check_long_text, check_text};
use crate::units::service::{existing as existing_unit, find_many, is_department, province_of};

/// Most units, mandates, members or evidence documents one inspection or
/// finding lists.
pub const MAX_LISTED: usize = 200;

/// Most characters of a finding's, a recommendation's or a conclusion's
/// text.
const MAX_TEXT: usize = 20_000;

/// The abbreviations of the bodies that inspect delegated powers: Thanh
/// tra tỉnh (TTT) and Sở Nội vụ (SNV).
pub const INSPECTING_BODIES: [&str; 2] = ["TTT", "SNV"];

fn now() -> chrono::DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// A member of the team as the decision lists them.
#[derive(Debug, Clone)]
pub struct NewMember {
    pub full_name: String,
    pub title: Option<String>,
    pub role: MemberRole,
}

/// What `createInspection` records.
#[derive(Debug, Clone)]
pub struct NewInspection {
    pub code: String,
    pub title: String,
    pub inspecting_unit: Uuid,
    pub decision: Option<Uuid>,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub units: Vec<Uuid>,
    pub mandates: Vec<Uuid>,
    pub members: Vec<NewMember>,
}

/// An inspection that must exist.
pub async fn existing(db: &impl ConnectionTrait, id: Uuid) -> AppResult<inspection::Model> {
    inspection::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("inspection"))
}

/// A finding that must exist.
pub async fn existing_finding(db: &impl ConnectionTrait, id: Uuid) -> AppResult<finding::Model> {
    finding::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("inspection finding"))
}

/// A recommendation that must exist.
pub async fn existing_recommendation(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<recommendation::Model> {
    recommendation::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("inspection recommendation"))
}

/// The inspection locked for a change until the transaction ends
/// (PostgreSQL; SQLite writers run one at a time), with the INSPECTOR
/// over its inspecting body who changes it.
async fn for_change(
    txn: &DatabaseTransaction,
    by: Authority<'_>,
    id: Uuid,
) -> AppResult<(inspection::Model, unit::Model, Actor)> {
    let found = existing(txn, id).await?;
    let body = existing_unit(txn, found.inspecting_unit_id).await?;
    let actor = by.require(Role::Inspector, &body)?;
    let locked = inspection::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("inspection"))?;
    Ok((locked, body, actor))
}

/// The status as the API spells it (IN_PROGRESS).
pub fn status_name(s: InspectionStatus) -> String {
    s.to_value()
}

/// WRONG_STAGE unless `i` is in one of `allowed`.
fn require_stage(
    i: &inspection::Model,
    allowed: &[InspectionStatus],
    action: &str,
) -> AppResult<()> {
    if allowed.contains(&i.status) {
        return Ok(());
    }
    let names: Vec<String> = allowed.iter().map(|s| status_name(*s)).collect();
    Err(AppError::rule(
        None,
        UserErrorCode::WrongStage,
        format!(
            "the inspection {} is {}; {action} is done when it is {}",
            i.code,
            status_name(i.status),
            names.join(" or ")
        ),
    ))
}

/// INVALID_INSPECTING_BODY unless `body` is Thanh tra tỉnh or Sở Nội vụ.
fn check_inspecting_body(body: &unit::Model) -> AppResult<()> {
    if INSPECTING_BODIES
        .iter()
        .any(|abbr| is_department(body, abbr))
    {
        return Ok(());
    }
    Err(AppError::rule(
        Some("inspectingUnit"),
        UserErrorCode::InvalidInspectingBody,
        format!(
            "{} does not inspect delegated powers: Thanh tra tỉnh or Sở Nội vụ of the province does",
            body.name
        ),
    ))
}

/// The code of the province `u` belongs to: the province rows before and
/// after the 2025 reorganisation share it (19 is Thái Nguyên in both), so
/// an inspection by today's Sở Nội vụ reaches the districts of 2023.
async fn province_code(db: &impl ConnectionTrait, u: &unit::Model) -> AppResult<Option<String>> {
    match province_of(u) {
        Some(id) if id == u.id => Ok(Some(u.code.clone())),
        Some(id) => Ok(crate::units::service::find(db, id).await?.map(|p| p.code)),
        None => Ok(None),
    }
}

/// OUTSIDE_INSPECTION_SCOPE unless every unit of `units` belongs to the
/// province of `body` (a province itself is not inspected by its sở).
async fn check_in_province(
    db: &impl ConnectionTrait,
    body: &unit::Model,
    units: &[unit::Model],
    field: &'static str,
) -> AppResult<()> {
    let home = province_code(db, body).await?;
    for u in units {
        if u.kind == UnitKind::Province || province_code(db, u).await? != home {
            return Err(AppError::rule(
                Some(field),
                UserErrorCode::OutsideInspectionScope,
                format!(
                    "{} is not a body or local government of {}'s province",
                    u.name, body.name
                ),
            ));
        }
    }
    Ok(())
}

/// WRONG_DOCUMENT_TYPE unless `doc` is of `types`; WRONG_ISSUER unless
/// the inspecting body issued it (registered with the body as its issuer
/// unit, or, for a paper older than the body's row in the tree, with its
/// name as the issuer).
fn check_document_of(
    doc: &document::Model,
    body: &unit::Model,
    types: &[DocumentType],
    field: &'static str,
    what: &str,
) -> AppResult<()> {
    if !types.contains(&doc.doc_type) {
        return Err(AppError::rule(
            Some(field),
            UserErrorCode::WrongDocumentType,
            format!(
                "{} is a {}; the {what} is a {}",
                doc.number,
                doc.doc_type.to_value(),
                types
                    .iter()
                    .map(|t| t.to_value())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        ));
    }
    let by_body = match doc.issuer_unit_id {
        Some(issuer) => issuer == body.id,
        None => {
            !doc.issuer_name.trim().is_empty()
                && crate::text::fold(&doc.issuer_name) == crate::text::fold(&body.name)
        }
    };
    if !by_body {
        return Err(AppError::rule(
            Some(field),
            UserErrorCode::WrongIssuer,
            format!(
                "{} is not issued by {}: the {what} is the inspecting body's",
                doc.number, body.name
            ),
        ));
    }
    Ok(())
}

/// INVALID_DATE outside the years 2000 to 2100.
fn check_year(field: &'static str, day: NaiveDate) -> AppResult<()> {
    if (2000..=2100).contains(&chrono::Datelike::year(&day)) {
        return Ok(());
    }
    Err(AppError::rule(
        Some(field),
        UserErrorCode::InvalidDate,
        format!("{day} is not a day of the years 2000 to 2100"),
    ))
}

fn check_listed(field: &'static str, n: usize) -> AppResult<()> {
    if n > MAX_LISTED {
        return Err(AppError::rule(
            Some(field),
            UserErrorCode::TooManyValues,
            format!("at most {MAX_LISTED} {field}"),
        ));
    }
    Ok(())
}

fn dedup(ids: &[Uuid]) -> Vec<Uuid> {
    let mut out: Vec<Uuid> = Vec::new();
    for id in ids {
        if !out.contains(id) {
            out.push(*id);
        }
    }
    out
}

fn duplicate_code(code: &str) -> AppError {
    AppError::rule(
        Some("code"),
        UserErrorCode::DuplicateCode,
        format!("an inspection is already coded {code}"),
    )
}

/// Records a planned inspection: INSPECTOR over the inspecting body,
/// which is Thanh tra tỉnh or Sở Nội vụ; its decision, when given, is a
/// decision of that body; the units in scope belong to its province, the
/// mandates in scope are issued.
pub async fn create_inspection(
    db: &DatabaseConnection,
    by: Authority<'_>,
    input: NewInspection,
) -> AppResult<inspection::Model> {
    let txn = crate::db::begin(db).await?;
    let body = existing_unit(&txn, input.inspecting_unit).await?;
    let actor = by.require(Role::Inspector, &body)?;
    check_inspecting_body(&body)?;
    let code = input.code.trim().to_owned();
    crate::mandates::service::check_code(&code)?;
    let title = check_text("title", &input.title, 1000)?;
    if input.period_to < input.period_from {
        return Err(AppError::rule(
            Some("periodTo"),
            UserErrorCode::InvalidDate,
            "the period inspected ends on or after its first day",
        ));
    }
    check_year("periodFrom", input.period_from)?;
    check_year("periodTo", input.period_to)?;
    check_listed("units", input.units.len())?;
    check_listed("mandates", input.mandates.len())?;
    check_listed("members", input.members.len())?;
    if let Some(id) = input.decision {
        let doc = crate::mandates::documents::existing(&txn, id).await?;
        check_document_of(&doc, &body, &[DocumentType::QdSo], "decision", "decision")?;
    }
    let unit_ids = dedup(&input.units);
    if unit_ids.is_empty() {
        return Err(AppError::rule(
            Some("units"),
            UserErrorCode::OutsideInspectionScope,
            "name at least one unit the inspection covers",
        ));
    }
    let units = find_many(&txn, &unit_ids).await?;
    if units.len() != unit_ids.len() {
        return Err(AppError::NotFound("unit"));
    }
    check_in_province(&txn, &body, &units, "units").await?;
    let mandate_ids = dedup(&input.mandates);
    for id in &mandate_ids {
        let m = crate::mandates::service::existing(&txn, *id).await?;
        if m.state == MandateState::Draft {
            return Err(AppError::rule(
                Some("mandates"),
                UserErrorCode::NotActive,
                format!("{} is a draft: only issued mandates are inspected", m.code),
            ));
        }
    }
    let mut members = Vec::new();
    for (i, m) in input.members.iter().enumerate() {
        members.push(member::Model {
            id: Uuid::now_v7(),
            inspection_id: Uuid::nil(),
            position: i as i32 + 1,
            full_name: check_text("members", &m.full_name, 200)?,
            title: match m.title.as_deref().map(str::trim) {
                Some(t) if !t.is_empty() => Some(check_text("members", t, 200)?),
                _ => None,
            },
            member_role: m.role,
        });
    }
    let taken = inspection::Entity::find()
        .filter(inspection::Column::Code.eq(code.as_str()))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(duplicate_code(&code));
    }
    let at = now();
    let row = inspection::Model {
        id: Uuid::now_v7(),
        code: code.clone(),
        title,
        inspecting_unit_id: body.id,
        inspecting_path: body.path.clone(),
        decision_document_id: input.decision,
        period_from: input.period_from,
        period_to: input.period_to,
        status: InspectionStatus::Planned,
        version: 1,
        conclusion_document_id: None,
        conclusion_summary: None,
        created_at: at,
        created_by: actor.username.clone(),
        started_at: None,
        concluded_at: None,
        closed_at: None,
        closed_by: None,
        updated_at: at,
    };
    let inserted = inspection::Entity::insert(row.clone().into_active_model())
        .exec_without_returning(&txn)
        .await;
    if let Err(err) = inserted {
        return Err(match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => duplicate_code(&code),
            _ => err.into(),
        });
    }
    for u in &units {
        inspection_unit::Model {
            inspection_id: row.id,
            unit_id: u.id,
            unit_path: u.path.clone(),
        }
        .into_active_model()
        .insert(&txn)
        .await?;
    }
    for m in &mandate_ids {
        inspection_mandate::Model {
            inspection_id: row.id,
            mandate_id: *m,
        }
        .into_active_model()
        .insert(&txn)
        .await?;
    }
    for mut m in members {
        m.inspection_id = row.id;
        m.into_active_model().insert(&txn).await?;
    }
    let change = Change {
        action: "createInspection",
        entity_type: "Inspection",
        entity_id: row.id,
        scope_unit_id: Some(body.id),
        before: None,
        after: Some(json!({
            "code": row.code, "title": row.title, "status": status_name(row.status),
            "decision": row.decision_document_id, "periodFrom": row.period_from,
            "periodTo": row.period_to, "units": unit_ids, "mandates": mandate_ids,
            "members": input.members.len(),
        })),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(row)
}

/// Writes `next` over `current` (a new version) with its audit event.
async fn write(
    txn: &DatabaseTransaction,
    actor: &Actor,
    action: &str,
    current: &inspection::Model,
    mut next: inspection::Model,
) -> AppResult<inspection::Model> {
    next.version = current.version + 1;
    next.updated_at = now();
    inspection::Entity::update(next.clone().into_active_model().reset_all())
        .exec(txn)
        .await?;
    let change = Change {
        action,
        entity_type: "Inspection",
        entity_id: next.id,
        scope_unit_id: Some(next.inspecting_unit_id),
        before: Some(json!({ "status": status_name(current.status) })),
        after: Some(json!({
            "status": status_name(next.status),
            "conclusion": next.conclusion_document_id,
            "summary": next.conclusion_summary,
        })),
    };
    audit::record(txn, actor, change).await?;
    Ok(next)
}

/// Starts a planned inspection (IN_PROGRESS): INSPECTOR over the
/// inspecting body.
pub async fn start_inspection(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
) -> AppResult<inspection::Model> {
    let txn = crate::db::begin(db).await?;
    let (current, _, actor) = for_change(&txn, by, id).await?;
    require_stage(&current, &[InspectionStatus::Planned], "starting")?;
    let mut next = current.clone();
    next.status = InspectionStatus::InProgress;
    next.started_at = Some(now());
    let next = write(&txn, &actor, "startInspection", &current, next).await?;
    txn.commit().await?;
    Ok(next)
}

/// What `recordInspectionFinding` records.
#[derive(Debug, Clone)]
pub struct NewFinding {
    pub inspection: Uuid,
    pub unit: Uuid,
    pub mandate: Option<Uuid>,
    pub kind: FindingKind,
    pub text: String,
    pub evidence: Vec<Uuid>,
    pub action: MandateAction,
}

/// Records what the inspection found at a unit in its scope, about a
/// mandate in its scope or its work in general, with its evidence:
/// INSPECTOR over the inspecting body, while IN_PROGRESS. AMEND or
/// REVOKE names the mandate (MANDATES_REQUIRED); the proposal is opened
/// with `proposeFromFinding`.
pub async fn record_finding(
    db: &DatabaseConnection,
    by: Authority<'_>,
    input: NewFinding,
) -> AppResult<finding::Model> {
    let txn = crate::db::begin(db).await?;
    let (current, body, actor) = for_change(&txn, by, input.inspection).await?;
    require_stage(
        &current,
        &[InspectionStatus::InProgress],
        "recording a finding",
    )?;
    let in_scope = inspection_unit::Entity::find_by_id((current.id, input.unit))
        .one(&txn)
        .await?;
    let Some(scoped) = in_scope else {
        existing_unit(&txn, input.unit).await?;
        return Err(AppError::rule(
            Some("unit"),
            UserErrorCode::OutsideInspectionScope,
            format!(
                "the unit is not in the scope of the inspection {}",
                current.code
            ),
        ));
    };
    if let Some(m) = input.mandate {
        let scoped = inspection_mandate::Entity::find_by_id((current.id, m))
            .one(&txn)
            .await?;
        if scoped.is_none() {
            crate::mandates::service::existing(&txn, m).await?;
            return Err(AppError::rule(
                Some("mandate"),
                UserErrorCode::OutsideInspectionScope,
                format!(
                    "the mandate is not in the scope of the inspection {}",
                    current.code
                ),
            ));
        }
    }
    if input.action != MandateAction::None && input.mandate.is_none() {
        return Err(AppError::rule(
            Some("mandate"),
            UserErrorCode::MandatesRequired,
            "a finding that recommends amending or revoking names the mandate",
        ));
    }
    let Some(text) = check_long_text("text", Some(&input.text), MAX_TEXT)? else {
        return Err(AppError::rule(
            Some("text"),
            UserErrorCode::InvalidText,
            "say what was found",
        ));
    };
    check_listed("evidence", input.evidence.len())?;
    let evidence = dedup(&input.evidence);
    if crate::mandates::service::documents_by_id(&txn, &evidence)
        .await?
        .len()
        != evidence.len()
    {
        return Err(AppError::NotFound("document"));
    }
    let row = finding::Model {
        id: Uuid::now_v7(),
        inspection_id: current.id,
        unit_id: input.unit,
        unit_path: scoped.unit_path,
        mandate_id: input.mandate,
        kind: input.kind,
        text,
        evidence_document_ids: json!(evidence).to_string(),
        action: input.action,
        created_at: now(),
        created_by: actor.username.clone(),
    };
    let row = row.into_active_model().insert(&txn).await?;
    let change = Change {
        action: "recordInspectionFinding",
        entity_type: "InspectionFinding",
        entity_id: row.id,
        scope_unit_id: Some(body.id),
        before: None,
        after: Some(json!({
            "inspection": current.id, "unit": row.unit_id, "mandate": row.mandate_id,
            "kind": row.kind.to_value(), "text": row.text, "evidence": evidence,
            "action": row.action.to_value(),
        })),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(row)
}

/// Opens, in one step, the proposal a finding recommends: a DRAFT of the
/// inspecting body to `drafting_unit` (itself when None) to amend or
/// revoke the finding's mandate, with the finding as its justification.
/// INSPECTOR over the inspecting body, once the finding is recorded and
/// until the inspection is closed. NO_CHANGE_RECOMMENDED for a finding
/// whose action is NONE, ALREADY_PROPOSED while a proposal opened from it
/// is neither rejected nor withdrawn.
pub async fn propose_from_finding(
    db: &DatabaseConnection,
    by: Authority<'_>,
    finding_id: Uuid,
    drafting_unit: Option<Uuid>,
) -> AppResult<proposal::Model> {
    use crate::proposals::service::{Opened, Source, open_about_mandate};
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let f = existing_finding(&txn, finding_id).await?;
    let (current, body, actor) = for_change(&txn, by, f.inspection_id).await?;
    require_stage(
        &current,
        &[
            InspectionStatus::InProgress,
            InspectionStatus::Concluded,
            InspectionStatus::FollowingUp,
        ],
        "proposing from a finding",
    )?;
    let kind = match f.action {
        MandateAction::Amend => ProposalKind::Amend,
        MandateAction::Revoke => ProposalKind::Revoke,
        MandateAction::None => {
            return Err(AppError::rule(
                Some("finding"),
                UserErrorCode::NoChangeRecommended,
                "the finding recommends neither an amendment nor a revocation",
            ));
        }
    };
    let taken = proposal::Entity::find()
        .filter(proposal::Column::InspectionFindingId.eq(f.id))
        .filter(
            proposal::Column::Status
                .is_not_in([ProposalStatus::Rejected, ProposalStatus::Withdrawn]),
        )
        .one(&txn)
        .await?;
    if let Some(p) = taken {
        return Err(AppError::rule(
            Some("finding"),
            UserErrorCode::AlreadyProposed,
            format!("the proposal \"{}\" was opened from this finding", p.title),
        ));
    }
    let Some(mandate_id) = f.mandate_id else {
        return Err(AppError::rule(
            Some("finding"),
            UserErrorCode::MandatesRequired,
            "the finding names no mandate",
        ));
    };
    let m = crate::mandates::service::existing(&txn, mandate_id).await?;
    let opened = Opened {
        kind,
        proposing: &body,
        drafting_unit: drafting_unit.unwrap_or(body.id),
        mandate: &m,
        justification: format!("Kết quả {} ({}): {}", current.title, current.code, f.text),
        attachments: crate::proposals::service::ids(&f.evidence_document_ids),
        source: Source::InspectionFinding(f.id),
    };
    let p = open_about_mandate(&txn, &actor, opened).await?;
    txn.commit().await?;
    Ok(p)
}

/// Registers the conclusion report (a BC of the inspecting body, issued
/// on or after the period's first day): INSPECTOR over the body, while
/// IN_PROGRESS; the inspection is CONCLUDED.
pub async fn conclude_inspection(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    report: Uuid,
    summary: Option<String>,
) -> AppResult<inspection::Model> {
    let txn = crate::db::begin(db).await?;
    let (current, body, actor) = for_change(&txn, by, id).await?;
    require_stage(&current, &[InspectionStatus::InProgress], "concluding")?;
    let summary = check_long_text("summary", summary.as_deref(), MAX_TEXT)?;
    let doc = crate::mandates::documents::existing(&txn, report).await?;
    check_document_of(
        &doc,
        &body,
        &[DocumentType::Bc],
        "report",
        "conclusion report",
    )?;
    if doc.issued_date < current.period_from {
        return Err(AppError::rule(
            Some("report"),
            UserErrorCode::InvalidDate,
            format!(
                "{} is dated {}, before the period inspected begins ({})",
                doc.number, doc.issued_date, current.period_from
            ),
        ));
    }
    let mut next = current.clone();
    next.status = InspectionStatus::Concluded;
    next.conclusion_document_id = Some(doc.id);
    next.conclusion_summary = summary;
    next.concluded_at = Some(now());
    let next = write(&txn, &actor, "concludeInspection", &current, next).await?;
    txn.commit().await?;
    Ok(next)
}

/// What `addInspectionRecommendation` records.
#[derive(Debug, Clone)]
pub struct NewRecommendation {
    pub inspection: Uuid,
    pub finding: Option<Uuid>,
    pub number: String,
    pub text: String,
    pub owner: Uuid,
    pub due_on: NaiveDate,
}

/// Gives a recommendation of the conclusion to its owner, a body or
/// local government of the province, with a deadline on or after the
/// conclusion report's date: INSPECTOR over the inspecting body, once
/// CONCLUDED; the first moves the inspection to FOLLOWING_UP. One
/// number per owner (DUPLICATE_CODE). An owner in force today gets the
/// follow-up task in the same transaction (its own `createTask` event);
/// an owner that has ended since (a district of 2023) gets none, and
/// the inspecting body closes the recommendation.
pub async fn add_recommendation(
    db: &DatabaseConnection,
    by: Authority<'_>,
    input: NewRecommendation,
) -> AppResult<recommendation::Model> {
    let txn = crate::db::begin(db).await?;
    let (current, body, actor) = for_change(&txn, by, input.inspection).await?;
    require_stage(
        &current,
        &[InspectionStatus::Concluded, InspectionStatus::FollowingUp],
        "giving a recommendation",
    )?;
    let number = check_text("number", &input.number, 32)?;
    let Some(text) = check_long_text("text", Some(&input.text), MAX_TEXT)? else {
        return Err(AppError::rule(
            Some("text"),
            UserErrorCode::InvalidText,
            "say what is recommended",
        ));
    };
    check_year("dueOn", input.due_on)?;
    let owner = existing_unit(&txn, input.owner).await?;
    check_in_province(&txn, &body, std::slice::from_ref(&owner), "owner").await?;
    if let Some(f) = input.finding {
        let f = existing_finding(&txn, f).await?;
        if f.inspection_id != current.id {
            return Err(AppError::rule(
                Some("finding"),
                UserErrorCode::OutsideInspectionScope,
                format!("the finding is not one of the inspection {}", current.code),
            ));
        }
    }
    if let Some(report) = current.conclusion_document_id {
        let doc = crate::mandates::documents::existing(&txn, report).await?;
        if input.due_on < doc.issued_date {
            return Err(AppError::rule(
                Some("dueOn"),
                UserErrorCode::InvalidDate,
                format!(
                    "the deadline is on or after the conclusion {} of {}",
                    doc.number, doc.issued_date
                ),
            ));
        }
    }
    let taken = recommendation::Entity::find()
        .filter(recommendation::Column::InspectionId.eq(current.id))
        .filter(recommendation::Column::Number.eq(number.as_str()))
        .filter(recommendation::Column::OwnerUnitId.eq(owner.id))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(AppError::rule(
            Some("number"),
            UserErrorCode::DuplicateCode,
            format!("{} already has recommendation {number}", owner.name),
        ));
    }
    let row = recommendation::Model {
        id: Uuid::now_v7(),
        inspection_id: current.id,
        finding_id: input.finding,
        number,
        text,
        owner_unit_id: owner.id,
        owner_path: owner.path.clone(),
        due_on: input.due_on,
        closed_at: None,
        closed_by: None,
        close_note: None,
        created_at: now(),
        created_by: actor.username.clone(),
    };
    let row = row.into_active_model().insert(&txn).await?;
    let task = if crate::units::service::in_force(&owner, crate::calendar::today()) {
        Some(follow_up_task(&txn, &actor, &current, &body, &row).await?)
    } else {
        None
    };
    let mut next = current.clone();
    next.status = InspectionStatus::FollowingUp;
    next.version = current.version + 1;
    next.updated_at = now();
    inspection::Entity::update(next.clone().into_active_model().reset_all())
        .exec(&txn)
        .await?;
    let change = Change {
        action: "addInspectionRecommendation",
        entity_type: "InspectionRecommendation",
        entity_id: row.id,
        scope_unit_id: Some(body.id),
        before: Some(json!({ "inspectionStatus": status_name(current.status) })),
        after: Some(json!({
            "inspection": current.id, "inspectionStatus": status_name(next.status),
            "number": row.number, "text": row.text, "owner": row.owner_unit_id,
            "dueOn": row.due_on, "finding": row.finding_id, "task": task.map(|t| t.id),
        })),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(row)
}

/// Opens the follow-up task of recommendation `r` (the plans' task, with
/// no plan): its owner leads it by its deadline, the inspecting body
/// monitors (accepts or returns) it, and the task names the
/// recommendation it follows up.
async fn follow_up_task(
    txn: &DatabaseTransaction,
    actor: &Actor,
    i: &inspection::Model,
    body: &unit::Model,
    r: &recommendation::Model,
) -> AppResult<entity::task::Model> {
    use crate::plans::service::{TaskSpec, create_task_in};
    use crate::plans::time::TaskTime;
    let title: String = format!("Thực hiện kiến nghị {} ({}): {}", r.number, i.code, r.text)
        .chars()
        .take(1000)
        .collect();
    let spec = TaskSpec {
        plan_id: None,
        recommendation_id: Some(r.id),
        title,
        content: Some(r.text.clone()),
        lead: r.owner_unit_id,
        coordinators: Vec::new(),
        coordinators_note: None,
        output: Some("Báo cáo kết quả thực hiện kiến nghị".into()),
        due: TaskTime::Date { due: r.due_on },
        monitor: Some(body.id),
    };
    create_task_in(txn, actor, spec).await
}

/// Where a recommendation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecommendationStatus {
    Open,
    Done,
    Closed,
}

/// The status of `r`: CLOSED once the inspecting body closed it, DONE
/// once its follow-up work is accepted, OPEN otherwise.
pub fn status_of(r: &recommendation::Model, follow_up_accepted: bool) -> RecommendationStatus {
    if r.closed_at.is_some() {
        RecommendationStatus::Closed
    } else if follow_up_accepted {
        RecommendationStatus::Done
    } else {
        RecommendationStatus::Open
    }
}

/// The recommendations of `ids` whose follow-up task is ACCEPTED.
pub async fn accepted_follow_ups(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<std::collections::HashSet<Uuid>> {
    use entity::task::TaskStatus;
    let mut accepted = std::collections::HashSet::new();
    for chunk in ids.chunks(500) {
        for t in crate::plans::service::tasks_of_recommendations(db, chunk).await? {
            if let (TaskStatus::Accepted, Some(r)) = (t.status, t.recommendation_id) {
                accepted.insert(r);
            }
        }
    }
    Ok(accepted)
}

/// Closes a recommendation with a note saying how it was settled:
/// INSPECTOR over the inspecting body, while the inspection follows up.
/// Its open follow-up task is closed with it (ACCEPTED, the note in its
/// history), so no reminder goes out for a settled matter.
/// RECOMMENDATION_CLOSED when it is closed already.
pub async fn close_recommendation(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    note: &str,
) -> AppResult<recommendation::Model> {
    let txn = crate::db::begin(db).await?;
    let found = existing_recommendation(&txn, id).await?;
    let (current, body, actor) = for_change(&txn, by, found.inspection_id).await?;
    // Read again under the inspection's lock: a concurrent close commits
    // first or waits.
    let r = existing_recommendation(&txn, id).await?;
    if r.closed_at.is_some() {
        return Err(AppError::rule(
            None,
            UserErrorCode::RecommendationClosed,
            format!("recommendation {} is closed already", r.number),
        ));
    }
    require_stage(
        &current,
        &[InspectionStatus::FollowingUp],
        "closing a recommendation",
    )?;
    let note = crate::text::check_reason_in("note", note, "how the recommendation was settled")?;
    let mut row = r.clone().into_active_model();
    row.closed_at = sea_orm::Set(Some(now()));
    row.closed_by = sea_orm::Set(Some(actor.username.clone()));
    row.close_note = sea_orm::Set(Some(note.to_owned()));
    let after = row.update(&txn).await?;
    let settled = crate::plans::progress::settle_follow_ups(&txn, &actor, r.id, note).await?;
    let change = Change {
        action: "closeInspectionRecommendation",
        entity_type: "InspectionRecommendation",
        entity_id: r.id,
        scope_unit_id: Some(body.id),
        before: Some(json!({ "closed": false })),
        after: Some(json!({ "closed": true, "note": note, "followUpTasksClosed": settled })),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(after)
}

/// The recommendations of an inspection, by number and owner.
pub async fn recommendations_of(
    db: &impl ConnectionTrait,
    inspection: Uuid,
) -> AppResult<Vec<recommendation::Model>> {
    Ok(recommendation::Entity::find()
        .filter(recommendation::Column::InspectionId.eq(inspection))
        .order_by_asc(recommendation::Column::Number)
        .order_by_asc(recommendation::Column::OwnerPath)
        .order_by_asc(recommendation::Column::Id)
        .all(db)
        .await?)
}

/// Closes the inspection once every recommendation is DONE or CLOSED
/// (RECOMMENDATIONS_OPEN otherwise): INSPECTOR over the inspecting body,
/// from CONCLUDED (nothing recommended) or FOLLOWING_UP.
pub async fn close_inspection(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
) -> AppResult<inspection::Model> {
    let txn = crate::db::begin(db).await?;
    let (current, _, actor) = for_change(&txn, by, id).await?;
    require_stage(
        &current,
        &[InspectionStatus::Concluded, InspectionStatus::FollowingUp],
        "closing",
    )?;
    let all = recommendations_of(&txn, id).await?;
    let ids: Vec<Uuid> = all.iter().map(|r| r.id).collect();
    let accepted = accepted_follow_ups(&txn, &ids).await?;
    let open: Vec<String> = all
        .iter()
        .filter(|r| status_of(r, accepted.contains(&r.id)) == RecommendationStatus::Open)
        .map(|r| r.number.clone())
        .collect();
    if !open.is_empty() {
        let mut numbers = open.clone();
        numbers.dedup();
        return Err(AppError::rule(
            None,
            UserErrorCode::RecommendationsOpen,
            format!(
                "{} recommendation(s) are still open ({}): each is done or closed first",
                open.len(),
                numbers.join(", ")
            ),
        ));
    }
    let mut next = current.clone();
    next.status = InspectionStatus::Closed;
    next.closed_at = Some(now());
    next.closed_by = Some(actor.username.clone());
    let next = write(&txn, &actor, "closeInspection", &current, next).await?;
    txn.commit().await?;
    Ok(next)
}

//! The catalogue of powers (danh mục thẩm quyền): each matter (việc) the
//! law assigns, to which body, on which article, and what the law says of
//! delegating it. Mandates reference a catalogued matter by its code; the
//! mandate rules read its flags (LAW.md §7.3 R8, R9, R16) and `coverage`
//! answers for every catalogued matter (R11).
//!
//! The catalogue is kept by ADMIN or LEGAL_REVIEWER (a grant of either,
//! over any unit: the catalogue is one for the whole country, since the
//! law assigns the same powers to every province).

use chrono::NaiveDate;
use entity::mandate::{self, Sector};
use entity::matter::{self, MatterHolder};
use entity::role_grant::Role;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::audit::{self, Actor, Change};
use crate::auth::Authority;
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::pagination::{Cursor, Page, PageRequest};
use crate::text::{self, check_long_text, check_text};

pub mod import;

/// Most TTHC codes one matter lists.
pub const MAX_PROCEDURES: usize = 50;

/// A matter as created (or as a CSV row gives it).
#[derive(Debug, Clone)]
pub struct MatterInput {
    pub code: String,
    pub name: String,
    pub sector: Sector,
    pub law: String,
    pub law_document: Option<Uuid>,
    pub holder: MatterHolder,
    /// Which sở, for a DEPARTMENT_BY_LAW matter (e.g. `SYT`).
    pub holder_department: Option<String>,
    pub non_delegable: bool,
    pub non_delegable_basis: Option<String>,
    pub autonomy_related: bool,
    pub procedure_codes: Vec<String>,
    pub changes_procedure: bool,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

/// Changes to a matter; None leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct MatterPatch {
    /// A new code: refused (MATTER_IN_USE) once a mandate references it.
    pub code: Option<String>,
    pub name: Option<String>,
    pub sector: Option<Sector>,
    pub law: Option<String>,
    pub law_document: Option<Uuid>,
    pub holder: Option<MatterHolder>,
    pub holder_department: Option<String>,
    pub non_delegable: Option<bool>,
    pub non_delegable_basis: Option<String>,
    pub autonomy_related: Option<bool>,
    pub procedure_codes: Option<Vec<String>>,
    pub changes_procedure: Option<bool>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

impl MatterInput {
    /// The input that would create `m` again.
    pub fn of(m: &matter::Model) -> Self {
        MatterInput {
            code: m.code.clone(),
            name: m.name.clone(),
            sector: m.sector,
            law: m.law.clone(),
            law_document: m.law_document_id,
            holder: m.holder,
            holder_department: m.holder_department.clone(),
            non_delegable: m.non_delegable,
            non_delegable_basis: m.non_delegable_basis.clone(),
            autonomy_related: m.autonomy_related,
            procedure_codes: procedure_codes(m),
            changes_procedure: m.changes_procedure,
            valid_from: m.valid_from,
            valid_to: m.valid_to,
        }
    }
}

impl MatterPatch {
    fn apply(self, input: &mut MatterInput) {
        let MatterPatch {
            code,
            name,
            sector,
            law,
            law_document,
            holder,
            holder_department,
            non_delegable,
            non_delegable_basis,
            autonomy_related,
            procedure_codes,
            changes_procedure,
            valid_from,
            valid_to,
        } = self;
        if let Some(v) = code {
            input.code = v;
        }
        if let Some(v) = name {
            input.name = v;
        }
        if let Some(v) = sector {
            input.sector = v;
        }
        if let Some(v) = law {
            input.law = v;
        }
        if law_document.is_some() {
            input.law_document = law_document;
        }
        if let Some(v) = holder {
            input.holder = v;
        }
        if holder_department.is_some() {
            input.holder_department = holder_department.filter(|d| !d.trim().is_empty());
        }
        if let Some(v) = non_delegable {
            input.non_delegable = v;
            if !v {
                input.non_delegable_basis = None;
            }
        }
        if non_delegable_basis.is_some() {
            input.non_delegable_basis = non_delegable_basis;
        }
        if let Some(v) = autonomy_related {
            input.autonomy_related = v;
        }
        if let Some(v) = procedure_codes {
            input.procedure_codes = v;
        }
        if let Some(v) = changes_procedure {
            input.changes_procedure = v;
        }
        if valid_from.is_some() {
            input.valid_from = valid_from;
        }
        if valid_to.is_some() {
            input.valid_to = valid_to;
        }
    }
}

/// The TTHC codes of a matter, in order.
pub fn procedure_codes(m: &matter::Model) -> Vec<String> {
    m.procedure_codes
        .split(';')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether `code` has the shape of a national TTHC code: a digit, a dot
/// and six digits (e.g. `1.009993`, `2.000229`; LAW.md §1.4).
pub fn is_procedure_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 8 && b[0].is_ascii_digit() && b[1] == b'.' && b[2..].iter().all(u8::is_ascii_digit)
}

/// Checks `input` without the database and returns the row it makes
/// (with `id`): the one place a matter's fields are checked, for
/// `createMatter`, `updateMatter` and every CSV row. The code's syntax is
/// that of mandate codes; it is checked for a new code only, so that a
/// matter the migration made from an older, freer `matterCode` can still
/// be edited.
pub fn validate(id: Uuid, input: &MatterInput) -> AppResult<matter::Model> {
    validate_as(id, input, true)
}

fn validate_as(id: Uuid, input: &MatterInput, new_code: bool) -> AppResult<matter::Model> {
    if new_code {
        crate::mandates::service::check_code(input.code.trim())?;
    }
    let name = check_text("name", &input.name, 500)?;
    let law = check_text("law", &input.law, 500)?;
    let basis = check_long_text(
        "nonDelegableBasis",
        input.non_delegable_basis.as_deref(),
        500,
    )?;
    if input.non_delegable != basis.is_some() {
        return Err(AppError::rule(
            Some("nonDelegableBasis"),
            UserErrorCode::NonDelegableBasisRequired,
            "a non-delegable matter cites the provision that forbids delegating it, and only such a matter does",
        ));
    }
    let mut codes: Vec<String> = Vec::new();
    for code in &input.procedure_codes {
        let code = code.trim();
        if !is_procedure_code(code) {
            return Err(AppError::rule(
                Some("procedureCodes"),
                UserErrorCode::InvalidProcedureCode,
                format!(
                    "{code:?} is not a TTHC code: a digit, a dot and six digits, e.g. 1.009993"
                ),
            ));
        }
        if !codes.iter().any(|c| c == code) {
            codes.push(code.to_owned());
        }
    }
    if codes.len() > MAX_PROCEDURES {
        return Err(AppError::rule(
            Some("procedureCodes"),
            UserErrorCode::InvalidProcedureCode,
            format!("at most {MAX_PROCEDURES} procedure codes per matter"),
        ));
    }
    let department = input
        .holder_department
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_ascii_uppercase);
    let department_ok = match &department {
        None => true,
        Some(d) => {
            input.holder == MatterHolder::DepartmentByLaw
                && (2..=12).contains(&d.len())
                && d.bytes().all(|b| b.is_ascii_alphabetic())
        }
    };
    if !department_ok {
        return Err(AppError::rule(
            Some("holderDepartment"),
            UserErrorCode::InvalidCode,
            "holderDepartment is the 2 to 12 letters that name a sở (SYT, STP), and only for a DEPARTMENT_BY_LAW matter",
        ));
    }
    if let (Some(from), Some(to)) = (input.valid_from, input.valid_to)
        && to < from
    {
        return Err(AppError::rule(
            Some("validTo"),
            UserErrorCode::InvalidDate,
            "validTo is not before validFrom",
        ));
    }
    Ok(matter::Model {
        id,
        code: input.code.trim().to_owned(),
        search_name: text::fold(&name),
        name,
        sector: input.sector,
        law,
        law_document_id: input.law_document,
        holder: input.holder,
        holder_department: department,
        non_delegable: input.non_delegable,
        non_delegable_basis: basis,
        autonomy_related: input.autonomy_related,
        procedure_codes: codes.join(";"),
        changes_procedure: input.changes_procedure,
        valid_from: input.valid_from,
        valid_to: input.valid_to,
    })
}

/// Who keeps the catalogue: ADMIN or LEGAL_REVIEWER, over any unit.
fn require_curator(by: &Authority<'_>) -> AppResult<Actor> {
    by.require_anywhere(Role::Admin)
        .or_else(|_| by.require_anywhere(Role::LegalReviewer))
}

/// The matter with `code`, if any.
pub async fn by_code(db: &impl ConnectionTrait, code: &str) -> AppResult<Option<matter::Model>> {
    Ok(matter::Entity::find()
        .filter(matter::Column::Code.eq(code))
        .one(db)
        .await?)
}

/// The catalogued matter a mandate names, or UNKNOWN_MATTER.
pub async fn catalogued(db: &impl ConnectionTrait, code: &str) -> AppResult<matter::Model> {
    by_code(db, code).await?.ok_or_else(|| {
        AppError::rule(
            Some("matterCode"),
            UserErrorCode::UnknownMatter,
            format!("matter {code} is not in the catalogue of powers; catalogue it first"),
        )
    })
}

/// The matters with these codes.
pub async fn by_codes(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> AppResult<Vec<matter::Model>> {
    Ok(matter::Entity::find()
        .filter(matter::Column::Code.is_in(codes.iter().cloned()))
        .all(db)
        .await?)
}

async fn check_law_document(db: &impl ConnectionTrait, m: &matter::Model) -> AppResult<()> {
    if let Some(id) = m.law_document_id {
        super::documents::existing(db, id).await?;
    }
    Ok(())
}

/// Codes differing only in case are one code: the one-lead rule (R10)
/// compares mandates by it.
async fn code_taken(db: &impl ConnectionTrait, code: &str, other_than: Uuid) -> AppResult<()> {
    use sea_orm::sea_query::{Expr, ExprTrait, Func};
    let lower_code = Expr::expr(Func::lower(Expr::col(matter::Column::Code)));
    let taken = matter::Entity::find()
        .filter(ExprTrait::eq(lower_code, code.to_ascii_lowercase()))
        .filter(matter::Column::Id.ne(other_than))
        .count(db)
        .await?;
    if taken > 0 {
        return Err(AppError::rule(
            Some("code"),
            UserErrorCode::DuplicateCode,
            format!("another matter has code {code}"),
        ));
    }
    Ok(())
}

/// A matter that issued mandates still in force name may not change
/// under them in what the rules read: its original holder, becoming
/// non-delegable or procedure-changing, or leaving the catalogue before
/// they end. Revoke or amend them first (MATTER_IN_USE).
pub async fn check_change_in_use(
    db: &impl ConnectionTrait,
    before: &matter::Model,
    after: &matter::Model,
) -> AppResult<()> {
    let today = crate::calendar::today();
    let live = mandate::Entity::find()
        .filter(mandate::Column::MatterCode.eq(before.code.as_str()))
        .filter(mandate::Column::State.eq(entity::mandate::MandateState::Issued))
        .filter(
            Condition::any()
                .add(mandate::Column::EffectiveTo.is_null())
                .add(mandate::Column::EffectiveTo.gte(today)),
        )
        .all(db)
        .await?;
    let Some(first) = live.first() else {
        return Ok(());
    };
    let ends_too_soon = after.valid_to.is_some_and(|end| {
        before.valid_to.is_none_or(|was| end < was)
            && live
                .iter()
                .any(|m| m.effective_to.is_none_or(|to| to > end))
    });
    let starts_too_late = after.valid_from.is_some_and(|start| {
        before.valid_from.is_none_or(|was| start > was)
            && live.iter().any(|m| m.effective_from < start)
    });
    let changed =
        if before.holder != after.holder || before.holder_department != after.holder_department {
            Some("holder")
        } else if after.non_delegable && !before.non_delegable {
            Some("nonDelegable")
        } else if after.changes_procedure && !before.changes_procedure {
            Some("changesProcedure")
        } else if ends_too_soon {
            Some("validTo")
        } else if starts_too_late {
            Some("validFrom")
        } else {
            None
        };
    match changed {
        None => Ok(()),
        Some(field) => Err(AppError::rule(
            Some(field),
            UserErrorCode::MatterInUse,
            format!(
                "{} mandate(s) in force name matter {} (e.g. {}); revoke or amend them before changing its {field}",
                live.len(),
                before.code,
                first.code
            ),
        )),
    }
}

/// How many mandates (drafts included) name matter `code`.
pub async fn mandates_naming(db: &impl ConnectionTrait, code: &str) -> AppResult<u64> {
    Ok(mandate::Entity::find()
        .filter(mandate::Column::MatterCode.eq(code))
        .count(db)
        .await?)
}

fn matter_json(m: &matter::Model) -> Value {
    serde_json::to_value(m).unwrap_or_else(|_| json!({ "id": m.id }))
}

/// Adds a matter to the catalogue.
pub async fn create_matter(
    db: &DatabaseConnection,
    by: Authority<'_>,
    input: MatterInput,
) -> AppResult<matter::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let actor = require_curator(&by)?;
    let m = validate(Uuid::now_v7(), &input)?;
    code_taken(&txn, &m.code, m.id).await?;
    check_law_document(&txn, &m).await?;
    let m = m.into_active_model().insert(&txn).await?;
    let change = Change {
        action: "createMatter",
        entity_type: "Matter",
        entity_id: m.id,
        scope_unit_id: None,
        before: None,
        after: Some(matter_json(&m)),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(m)
}

/// Changes a catalogued matter; its code only while no mandate names it.
pub async fn update_matter(
    db: &DatabaseConnection,
    by: Authority<'_>,
    code: &str,
    patch: MatterPatch,
) -> AppResult<matter::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let actor = require_curator(&by)?;
    let code = text::checked("code", code, 64)?;
    let before = by_code(&txn, code)
        .await?
        .ok_or(AppError::NotFound("matter"))?;
    let mut input = MatterInput::of(&before);
    patch.apply(&mut input);
    let m = validate_as(before.id, &input, input.code.trim() != before.code)?;
    if m.code != before.code {
        code_taken(&txn, &m.code, m.id).await?;
        let used = mandates_naming(&txn, &before.code).await?;
        if used > 0 {
            return Err(AppError::rule(
                Some("newCode"),
                UserErrorCode::MatterInUse,
                format!(
                    "{used} mandate(s) name matter {}; its code cannot change",
                    before.code
                ),
            ));
        }
    }
    check_change_in_use(&txn, &before, &m).await?;
    check_law_document(&txn, &m).await?;
    let m = m.into_active_model().reset_all().update(&txn).await?;
    let change = Change {
        action: "updateMatter",
        entity_type: "Matter",
        entity_id: m.id,
        scope_unit_id: None,
        before: Some(matter_json(&before)),
        after: Some(matter_json(&m)),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(m)
}

/// What the catalogue is filtered by.
#[derive(Debug, Clone, Default)]
pub struct MatterFilter {
    /// Words of the name (diacritics and case ignored), the start of the
    /// code, or a TTHC code.
    pub search: Option<String>,
    pub sector: Option<Sector>,
    pub holder: Option<MatterHolder>,
    pub non_delegable: Option<bool>,
}

fn condition(filter: &MatterFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        cond = cond.add(
            Condition::any()
                .add(matter::Column::SearchName.contains(text::fold(search)))
                .add(matter::Column::Code.starts_with(search.to_uppercase()))
                .add(matter::Column::ProcedureCodes.contains(search)),
        );
    }
    if let Some(sector) = filter.sector {
        cond = cond.add(matter::Column::Sector.eq(sector));
    }
    if let Some(holder) = filter.holder {
        cond = cond.add(matter::Column::Holder.eq(holder));
    }
    if let Some(flag) = filter.non_delegable {
        cond = cond.add(matter::Column::NonDelegable.eq(flag));
    }
    cond
}

/// The cursor matters are paged by: `(code, id)`.
pub fn cursor(m: &matter::Model) -> Cursor {
    Cursor::new(m.code.clone(), m.id)
}

/// One page of the catalogue, ordered by code. Anyone may read it.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &MatterFilter,
    page: &PageRequest,
) -> AppResult<Page<matter::Model>> {
    page.fetch::<matter::Entity>(
        db,
        condition(filter),
        matter::Column::Code,
        matter::Column::Id,
    )
    .await
}

/// How many matters match `filter`.
pub async fn count(db: &impl ConnectionTrait, filter: &MatterFilter) -> AppResult<u64> {
    Ok(matter::Entity::find()
        .filter(condition(filter))
        .count(db)
        .await?)
}

/// The matters in the catalogue on `as_of`, by code.
pub async fn in_catalogue(
    db: &impl ConnectionTrait,
    as_of: NaiveDate,
) -> AppResult<Vec<matter::Model>> {
    Ok(matter::Entity::find()
        .filter(
            Condition::any()
                .add(matter::Column::ValidFrom.is_null())
                .add(matter::Column::ValidFrom.lte(as_of)),
        )
        .filter(
            Condition::any()
                .add(matter::Column::ValidTo.is_null())
                .add(matter::Column::ValidTo.gte(as_of)),
        )
        .order_by_asc(matter::Column::Code)
        .all(db)
        .await?)
}

/// Whether `m` is in the catalogue on `date`.
pub fn listed_on(m: &matter::Model, date: NaiveDate) -> bool {
    m.valid_from.is_none_or(|from| from <= date) && m.valid_to.is_none_or(|to| to >= date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> MatterInput {
        MatterInput {
            code: "XD-GIAY-PHEP".into(),
            name: "Cấp giấy phép xây dựng".into(),
            sector: Sector::XayDung,
            law: "Luật Xây dựng 2014, Điều 103".into(),
            law_document: None,
            holder: MatterHolder::UbndProvince,
            holder_department: None,
            non_delegable: false,
            non_delegable_basis: None,
            autonomy_related: false,
            procedure_codes: vec!["1.009993".into(), " 1.009993 ".into()],
            changes_procedure: false,
            valid_from: None,
            valid_to: None,
        }
    }

    fn code_of(input: &MatterInput) -> UserErrorCode {
        match validate(Uuid::now_v7(), input) {
            Err(AppError::Rule { code, .. }) => code,
            other => panic!("expected a rule error, got {other:?}"),
        }
    }

    #[test]
    fn procedure_codes_have_the_national_shape() {
        assert!(is_procedure_code("1.009993"));
        assert!(is_procedure_code("2.000229"));
        assert!(!is_procedure_code("1.00999"));
        assert!(!is_procedure_code("1-009993"));
        assert!(!is_procedure_code("BTP-123456"));
        let m = validate(Uuid::now_v7(), &input()).unwrap();
        assert_eq!(m.procedure_codes, "1.009993");
        assert_eq!(m.search_name, "cap giay phep xay dung");
        let mut bad = input();
        bad.procedure_codes = vec!["1.0099".into()];
        assert_eq!(code_of(&bad), UserErrorCode::InvalidProcedureCode);
    }

    #[test]
    fn a_non_delegable_matter_cites_what_forbids_it() {
        let mut m = input();
        m.non_delegable = true;
        assert_eq!(code_of(&m), UserErrorCode::NonDelegableBasisRequired);
        m.non_delegable_basis = Some("Luật X, Điều 1".into());
        assert!(validate(Uuid::now_v7(), &m).is_ok());
        m.non_delegable = false;
        assert_eq!(code_of(&m), UserErrorCode::NonDelegableBasisRequired);
    }

    #[test]
    fn codes_names_and_dates_are_checked() {
        let mut m = input();
        m.code = "X".into();
        assert_eq!(code_of(&m), UserErrorCode::InvalidCode);
        let mut m = input();
        m.name = " ".into();
        assert_eq!(code_of(&m), UserErrorCode::InvalidText);
        let mut m = input();
        m.valid_from = Some("2026-01-02".parse().unwrap());
        m.valid_to = Some("2026-01-01".parse().unwrap());
        assert_eq!(code_of(&m), UserErrorCode::InvalidDate);
    }

    #[test]
    fn only_a_power_of_a_so_by_law_names_its_so() {
        let mut m = input();
        m.holder_department = Some("SYT".into());
        assert_eq!(code_of(&m), UserErrorCode::InvalidCode);
        m.holder = MatterHolder::DepartmentByLaw;
        assert_eq!(
            validate(Uuid::nil(), &m)
                .unwrap()
                .holder_department
                .as_deref(),
            Some("SYT")
        );
        m.holder_department = Some("S-Y-T".into());
        assert_eq!(code_of(&m), UserErrorCode::InvalidCode);
    }
}

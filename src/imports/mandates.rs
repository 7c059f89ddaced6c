//! Importing the mandate registry (sổ theo dõi nội dung phân cấp, ủy
//! quyền) from CSV or XLSX: each row drafts one mandate through the same
//! service function as `draftMandate` (APPROVER over the delegator, the
//! code, catalogue, unit, document, text and resource checks) and, unless
//! its `status` is DRAFT, issues it through the same function as
//! `issueMandate` (the seven rules and the appraisal gate), all in one
//! transaction. One row = one delegated content; see the README's
//! "Imports" section for every column.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::mandate::{self, DelegatorCapacity, MandateKind, MandateState, Sector};
use entity::role_grant::Role;
use sea_orm::{
    ActiveEnum, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

use super::table::{self, Columns, Record};
use super::{Errors, FileFormat, ImportFile, Outcome, RowError, in_savepoint};
use crate::auth::Authority;
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::mandates::documents;
use crate::mandates::service::{self as mandates, MandateInput, Resources};
use crate::units::service::find_by_code;

/// Columns a mandate file must have.
pub const REQUIRED_COLUMNS: &[&str] = &[
    "code",
    "title",
    "sector",
    "matter",
    "kind",
    "delegator",
    "delegatees",
    "effective_from",
];

/// Columns it may have besides (blank or absent: the default the README
/// gives).
pub const OPTIONAL_COLUMNS: &[&str] = &[
    "delegator_capacity",
    "delegatee_capacity",
    "decision_number",
    "decision_issuer",
    "decision_date",
    "legal_basis_article",
    "conditions",
    "budget_vnd",
    "staff",
    "facilities",
    "no_resources_reason",
    "effective_to",
    "allow_onward",
    "parent",
    "status",
];

/// Every column in the template's order.
pub fn columns() -> Vec<&'static str> {
    vec![
        "code",
        "title",
        "sector",
        "matter",
        "kind",
        "delegator",
        "delegator_capacity",
        "delegatees",
        "delegatee_capacity",
        "decision_number",
        "decision_issuer",
        "decision_date",
        "legal_basis_article",
        "conditions",
        "budget_vnd",
        "staff",
        "facilities",
        "no_resources_reason",
        "effective_from",
        "effective_to",
        "allow_onward",
        "parent",
        "status",
    ]
}

/// The file's column a service field is read from.
pub fn column_of(field: &str) -> Option<&'static str> {
    Some(match field {
        "code" => "code",
        "title" => "title",
        "matterCode" => "matter",
        "delegatees" => "delegatees",
        "legalBasis" => "decision_number",
        "legalBasisArticle" => "legal_basis_article",
        "conditions" => "conditions",
        "resources" => "staff",
        "effectiveFrom" => "effective_from",
        "effectiveTo" => "effective_to",
        "allowOnward" => "allow_onward",
        "parent" => "parent",
        "delegator" => "delegator",
        "delegatorCapacity" => "delegator_capacity",
        "delegateeCapacity" => "delegatee_capacity",
        "decision_date" => "decision_date",
        "decision_issuer" => "decision_issuer",
        _ => return None,
    })
}

/// A row as the file gives it, before units and documents are looked up.
struct Row {
    line: u64,
    issue: bool,
    input: MandateInput,
    delegator: String,
    delegatees: Vec<String>,
    decision: Option<(String, Option<String>, Option<NaiveDate>)>,
    parent: Option<String>,
}

/// A date written `YYYY-MM-DD` or `dd/mm/yyyy`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .ok()
}

/// `true`/`false` (also `có`/`không`, `x`, `1`/`0`); blank is false.
pub fn parse_bool(text: &str) -> Option<bool> {
    match crate::text::fold(text).as_str() {
        "" | "false" | "0" | "khong" | "no" => Some(false),
        "true" | "1" | "co" | "x" | "yes" => Some(true),
        _ => None,
    }
}

fn parse_kind(text: &str) -> Option<MandateKind> {
    match crate::text::fold(text).replace([' ', '_'], "").as_str() {
        "decentralization" | "phancap" => Some(MandateKind::Decentralization),
        "authorization" | "uyquyen" => Some(MandateKind::Authorization),
        "devolution" | "phanquyen" => Some(MandateKind::Devolution),
        _ => None,
    }
}

fn parse_enum<T: ActiveEnum<Value = String>>(text: &str) -> Option<T> {
    T::try_from_value(&text.trim().to_uppercase()).ok()
}

/// Reads one record into a row, or every fault of its cells.
fn parse_row(columns: &Columns, record: &Record) -> Result<Row, Vec<RowError>> {
    let line = record.line;
    let mut errors = Vec::new();
    let cell = |c: &str| columns.get(record, c).trim();
    let mut bad = |c: &str, message: String| {
        errors.push(RowError::new(
            line,
            Some(c),
            UserErrorCode::MalformedFile,
            message,
        ));
    };
    let required = |c: &str, bad: &mut dyn FnMut(&str, String)| {
        let v = cell(c);
        if v.is_empty() {
            bad(c, format!("{c} is required"));
        }
        v.to_owned()
    };
    let code = required("code", &mut bad);
    let title = required("title", &mut bad);
    let matter = required("matter", &mut bad);
    let delegator = required("delegator", &mut bad);
    let sector: Option<Sector> = parse_enum(cell("sector"));
    if sector.is_none() {
        bad(
            "sector",
            format!("{:?} is no sector (e.g. NOI_VU, XAY_DUNG)", cell("sector")),
        );
    }
    let kind = parse_kind(cell("kind"));
    if kind.is_none() {
        bad(
            "kind",
            format!(
                "{:?} is no kind: DECENTRALIZATION (phân cấp), AUTHORIZATION (ủy quyền) or DEVOLUTION (phân quyền)",
                cell("kind")
            ),
        );
    }
    let capacity = |c: &str, bad: &mut dyn FnMut(&str, String)| match cell(c) {
        "" => Some(DelegatorCapacity::Collective),
        text => {
            let v = parse_enum(text);
            if v.is_none() {
                bad(c, format!("{text:?} is not COLLECTIVE, HEAD or COUNCIL"));
            }
            v
        }
    };
    let delegator_capacity = capacity("delegator_capacity", &mut bad);
    let delegatee_capacity = capacity("delegatee_capacity", &mut bad);
    let delegatees: Vec<String> = cell("delegatees")
        .split([';', '\n'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    if delegatees.is_empty() {
        bad(
            "delegatees",
            "name the delegatee units' codes, separated by ;".into(),
        );
    }
    let date = |c: &str, bad: &mut dyn FnMut(&str, String)| match cell(c) {
        "" => None,
        text => {
            let d = parse_date(text);
            if d.is_none() {
                bad(
                    c,
                    format!("{text:?} is not a date (YYYY-MM-DD or dd/mm/yyyy)"),
                );
            }
            d
        }
    };
    let effective_from = date("effective_from", &mut bad);
    if cell("effective_from").is_empty() {
        bad("effective_from", "effective_from is required".into());
    }
    let effective_to = date("effective_to", &mut bad);
    let decision_date = date("decision_date", &mut bad);
    let number = |c: &str, bad: &mut dyn FnMut(&str, String)| -> Option<i64> {
        let text: String = cell(c)
            .chars()
            .filter(|ch| !matches!(ch, '.' | ' ' | ','))
            .collect();
        if text.is_empty() {
            return None;
        }
        let v = text.parse::<i64>().ok();
        if v.is_none() {
            bad(c, format!("{:?} is not a whole number", cell(c)));
        }
        v
    };
    let budget_vnd = number("budget_vnd", &mut bad);
    let staff = number("staff", &mut bad).and_then(|s| {
        let s = i32::try_from(s).ok();
        if s.is_none() {
            bad("staff", "too many staff".into());
        }
        s
    });
    let allow_onward = parse_bool(cell("allow_onward"));
    if allow_onward.is_none() {
        bad(
            "allow_onward",
            format!("{:?} is not true or false", cell("allow_onward")),
        );
    }
    let issue = match crate::text::fold(cell("status")).as_str() {
        "" | "issued" => Some(true),
        "draft" => Some(false),
        other => {
            bad(
                "status",
                format!("{other:?} is not ISSUED (the default) or DRAFT"),
            );
            None
        }
    };
    let optional = |c: &str| Some(cell(c).to_owned()).filter(|t| !t.is_empty());
    let decision =
        optional("decision_number").map(|n| (n, optional("decision_issuer"), decision_date));
    if decision.is_none() && (decision_date.is_some() || optional("decision_issuer").is_some()) {
        bad(
            "decision_number",
            "a decision's issuer or date is given without its number".into(),
        );
    }
    let (
        Some(sector),
        Some(kind),
        Some(delegator_capacity),
        Some(delegatee_capacity),
        Some(effective_from),
        Some(allow_onward),
        Some(issue),
        true,
    ) = (
        sector,
        kind,
        delegator_capacity,
        delegatee_capacity,
        effective_from,
        allow_onward,
        issue,
        errors.is_empty(),
    )
    else {
        return Err(errors);
    };
    Ok(Row {
        line,
        issue,
        input: MandateInput {
            code,
            title,
            sector,
            matter_code: matter,
            kind,
            delegator: Uuid::nil(),
            delegator_capacity,
            delegatee_capacity,
            legal_basis: None,
            legal_basis_article: optional("legal_basis_article"),
            conditions: optional("conditions"),
            resources: Resources {
                budget_vnd,
                staff,
                facilities: optional("facilities"),
                none_reason: optional("no_resources_reason"),
            },
            effective_from,
            effective_to,
            allow_onward,
            parent: None,
            delegatees: Vec::new(),
            procedure_publication: None,
            proposal: None,
        },
        delegator,
        delegatees,
        decision,
        parent: optional("parent"),
    })
}

/// A mandate the import created.
#[derive(Debug, Clone)]
pub struct Imported {
    pub line: u64,
    pub mandate: mandate::Model,
}

/// Imports the mandate registry in `file`: every row, or (with every
/// fault listed) none. `dry_run` checks every row as the import would
/// (inside a transaction that is then rolled back) and writes nothing, no
/// audit event either. The caller needs APPROVER somewhere; each row
/// needs it over that row's delegator (OUT_OF_SCOPE otherwise).
pub async fn import_mandates(
    db: &DatabaseConnection,
    by: Authority<'_>,
    file: ImportFile<'_>,
    dry_run: bool,
) -> AppResult<Outcome<Imported>> {
    let actor = by.require_anywhere(Role::Approver)?;
    let mut outcome = Outcome::of(&file, dry_run);
    let format = FileFormat::decide(file.format, file.name, file.content);
    outcome.format = Some(format);
    let table = match super::off_thread(file.content, move |c| table::read(format, c)).await? {
        Ok(t) => t,
        Err(errors) => return Ok(outcome.refused(errors)),
    };
    let columns = match Columns::of(&table, REQUIRED_COLUMNS, OPTIONAL_COLUMNS) {
        Ok(c) => c,
        Err(errors) => return Ok(outcome.refused(errors)),
    };
    outcome.rows = table.rows.len();
    let mut errors = Errors::default();
    let mut rows = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in &table.rows {
        match parse_row(&columns, record) {
            Ok(row) => {
                let key = row.input.code.to_lowercase();
                if let Some(first) = seen.get(&key) {
                    errors.push(RowError::new(
                        row.line,
                        Some("code"),
                        UserErrorCode::DuplicateRow,
                        format!("{} is already on line {first}", row.input.code),
                    ));
                    continue;
                }
                seen.insert(key, row.line);
                rows.push(row);
            }
            Err(faults) => faults.into_iter().for_each(|e| errors.push(e)),
        }
    }
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let mut imported = Vec::new();
    for row in rows {
        let line = row.line;
        let result = in_savepoint(&txn, async |sp| import_row(sp, by, row).await).await?;
        match result {
            Ok(m) => imported.push(Imported { line, mandate: m }),
            Err(refused) => errors.push(RowError::from_app(line, refused, column_of)?),
        }
    }
    if !errors.is_empty() {
        txn.rollback().await?;
        return Ok(outcome.refused(errors));
    }
    outcome.created = imported.len();
    let issued = imported
        .iter()
        .filter(|i| i.mandate.state == MandateState::Issued)
        .count();
    let details = json!({
        "issued": issued,
        "drafted": outcome.created - issued,
        "mandates": imported.iter().map(|i| i.mandate.id).collect::<Vec<_>>(),
    });
    outcome
        .conclude(txn, &actor, "importMandates", details, imported)
        .await
}

/// Drafts (and issues) one row's mandate inside `txn` with the services'
/// own checks.
async fn import_row(
    txn: &DatabaseTransaction,
    by: Authority<'_>,
    row: Row,
) -> AppResult<mandate::Model> {
    let Row {
        issue,
        mut input,
        delegator,
        delegatees,
        decision,
        parent,
        ..
    } = row;
    let on = input.effective_from;
    let unit = |code: String, column: &'static str| async move {
        find_by_code(txn, &code, None, on).await?.ok_or_else(|| {
            AppError::rule(
                Some(column),
                UserErrorCode::UnknownUnit,
                format!("no unit bears the code {code} on {on}"),
            )
        })
    };
    let delegator = unit(delegator, "delegator").await?;
    input.delegator = delegator.id;
    for code in delegatees {
        input.delegatees.push(unit(code, "delegatees").await?.id);
    }
    if let Some((number, issuer, date)) = decision {
        let issuer = match issuer {
            Some(code) => Some(unit(code, "decision_issuer").await?.id),
            None => None,
        };
        let doc = documents::by_number(txn, &number, issuer)
            .await
            .map_err(|e| match e {
                AppError::Invalid(message) => {
                    AppError::rule(Some("legalBasis"), UserErrorCode::MalformedFile, message)
                }
                other => other,
            })?
            .ok_or_else(|| {
                AppError::rule(
                    Some("legalBasis"),
                    UserErrorCode::UnknownDocument,
                    format!("no registered document is numbered {number}; register it first (createDocument)"),
                )
            })?;
        if let Some(date) = date
            && date != doc.issued_date
        {
            return Err(AppError::rule(
                Some("decision_date"),
                UserErrorCode::MalformedFile,
                format!(
                    "{} was issued on {}, not {date}",
                    doc.number, doc.issued_date
                ),
            ));
        }
        input.legal_basis = Some(doc.id);
    }
    if let Some(code) = parent {
        let unknown = || {
            AppError::rule(
                Some("parent"),
                UserErrorCode::UnknownReference,
                format!("no mandate you may read has the code {code}"),
            )
        };
        let found = mandate::Entity::find()
            .filter(mandate::Column::Code.eq(code.as_str()))
            .one(txn)
            .await?
            .ok_or_else(unknown)?;
        // What the caller may not read is as if absent (a draft of another
        // body is neither a parent nor a hint that its code exists).
        if let Authority::Viewer(viewer) = by {
            let owner = crate::units::service::existing(txn, found.delegator_unit_id).await?;
            if !mandates::can_see(Some(viewer), &found, &owner, crate::calendar::today()) {
                return Err(unknown());
            }
        }
        input.parent = Some(found.id);
    }
    // The rights of draftMandate (APPROVER over the delegator), then its
    // checks, then issueMandate's rules.
    crate::proposals::service::may_draft(txn, by, None, &delegator, &input.matter_code).await?;
    let m = mandates::new_mandate(txn, input, MandateState::Draft).await?;
    if issue {
        mandates::issue_in(txn, &m, None).await
    } else {
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_in_english_or_vietnamese() {
        assert_eq!(parse_kind("ủy quyền"), Some(MandateKind::Authorization));
        assert_eq!(parse_kind("Phân cấp"), Some(MandateKind::Decentralization));
        assert_eq!(parse_kind("DEVOLUTION"), Some(MandateKind::Devolution));
        assert_eq!(parse_kind("giao"), None);
    }

    #[test]
    fn dates_read_iso_or_vietnamese() {
        let d = NaiveDate::from_ymd_opt(2025, 8, 1);
        assert_eq!(parse_date("2025-08-01"), d);
        assert_eq!(parse_date("01/08/2025"), d);
        assert_eq!(parse_date("8/2025"), None);
    }
}

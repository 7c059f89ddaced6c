//! Importing the catalogue from CSV (`importMatters`, and the demo's
//! `data/matters-thai-nguyen.csv`): all or nothing, like the import of
//! units. Every bad row is reported with its line (the header being line
//! 1), its column and a code, and nothing is written; otherwise each row
//! creates the matter of its code or updates it, in one transaction with
//! one audit event that counts them.
//!
//! Columns (header row required, any order; the first five are required,
//! the others may be left out or blank):
//!
//! | column | value |
//! |---|---|
//! | `code` | the matter's code, e.g. `XD-GIAY-PHEP` |
//! | `name` | what the power is, 1–500 characters |
//! | `sector` | a `Sector` value, e.g. `XAY_DUNG` |
//! | `law` | the law (and article) that assigns it, 1–500 characters |
//! | `holder` | a `MatterHolder` value, e.g. `UBND_PROVINCE` |
//! | `holder_department` | for `DEPARTMENT_BY_LAW`, the sở's abbreviation, e.g. `SYT` (blank: any sở) |
//! | `non_delegable` | `true`/`false` (blank: false) |
//! | `non_delegable_basis` | the provision forbidding delegation; required exactly when `non_delegable` |
//! | `autonomy_related` | `true`/`false` (blank: false) |
//! | `procedure_codes` | TTHC codes separated by `;`, e.g. `1.009993;2.000229` |
//! | `changes_procedure` | `true`/`false` (blank: false) |
//! | `valid_from`, `valid_to` | `YYYY-MM-DD` or blank |

use std::collections::HashMap;

use sea_orm::{ActiveEnum, ActiveModelTrait, DatabaseConnection, EntityTrait, IntoActiveModel};

use super::*;

/// Columns a matter CSV must have.
pub const REQUIRED_COLUMNS: &[&str] = &["code", "name", "sector", "law", "holder"];

/// Columns it may have besides.
pub const OPTIONAL_COLUMNS: &[&str] = &[
    "holder_department",
    "non_delegable",
    "non_delegable_basis",
    "autonomy_related",
    "procedure_codes",
    "changes_procedure",
    "valid_from",
    "valid_to",
];

/// Most rows one import takes.
pub const MAX_ROWS: usize = 1000;

/// One thing wrong with the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// Line in the file, 1-based, the header being line 1.
    pub line: u64,
    /// The column at fault, when one is.
    pub column: Option<String>,
    pub code: UserErrorCode,
    pub message: String,
}

/// What an import did (or, on a dry run, would do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportCounts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// A matter row read from the file.
#[derive(Debug)]
struct Row {
    line: u64,
    input: MatterInput,
    /// Optional columns the file does not have: an update keeps what the
    /// matter had there.
    absent: Vec<&'static str>,
}

fn malformed(line: u64, column: Option<&str>, message: impl Into<String>) -> LineError {
    LineError {
        line,
        column: column.map(str::to_owned),
        code: UserErrorCode::MalformedCsv,
        message: message.into(),
    }
}

/// The GraphQL-facing column name of a service field, for the rules that
/// `validate` shares with `createMatter`.
fn column_of(field: &str) -> &str {
    match field {
        "nonDelegableBasis" => "non_delegable_basis",
        "procedureCodes" => "procedure_codes",
        "validTo" => "valid_to",
        "validFrom" => "valid_from",
        "holderDepartment" => "holder_department",
        "nonDelegable" => "non_delegable",
        "changesProcedure" => "changes_procedure",
        other => other,
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "" | "false" => Some(false),
        "true" => Some(true),
        _ => None,
    }
}

/// Reads `csv` into rows, or every fault of its shape and values.
fn parse(csv: &str) -> Result<Vec<Row>, Vec<LineError>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(csv.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => return Err(vec![malformed(1, None, format!("unreadable header: {e}"))]),
    };
    let mut errors = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        let known = REQUIRED_COLUMNS
            .iter()
            .chain(OPTIONAL_COLUMNS)
            .find(|c| **c == name.as_str());
        match known {
            Some(c) if index.contains_key(c) => {
                errors.push(malformed(1, Some(c), format!("column {c} appears twice")))
            }
            Some(c) => {
                index.insert(c, i);
            }
            None => errors.push(malformed(
                1,
                Some(name),
                format!("unknown column {name:?}; see the documented columns"),
            )),
        }
    }
    let missing: Vec<&str> = REQUIRED_COLUMNS
        .iter()
        .filter(|c| !index.contains_key(*c))
        .copied()
        .collect();
    if !missing.is_empty() {
        errors.push(malformed(
            1,
            None,
            format!("missing column(s): {}", missing.join(", ")),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let absent: Vec<&'static str> = OPTIONAL_COLUMNS
        .iter()
        .filter(|c| !index.contains_key(*c))
        .copied()
        .collect();
    let mut rows = Vec::new();
    // Codes differing only in case are one code (R10 compares them).
    let mut first_line: HashMap<String, u64> = HashMap::new();
    for (n, record) in reader.records().enumerate() {
        if n >= MAX_ROWS {
            errors.push(malformed(
                n as u64 + 2,
                None,
                format!("at most {MAX_ROWS} rows per import"),
            ));
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(n as u64 + 2, |p| p.line());
                errors.push(malformed(line, None, format!("unreadable row: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(n as u64 + 2, |p| p.line());
        let get = |c: &str| index.get(c).and_then(|i| record.get(*i)).unwrap_or("");
        let mut bad = |column: &str, message: String| {
            errors.push(malformed(line, Some(column), message));
        };
        let sector = Sector::try_from_value(&get("sector").to_owned()).ok();
        if sector.is_none() {
            bad("sector", format!("unknown sector {:?}", get("sector")));
        }
        let holder = MatterHolder::try_from_value(&get("holder").to_owned()).ok();
        if holder.is_none() {
            bad("holder", format!("unknown holder {:?}", get("holder")));
        }
        let mut flags = [false; 3];
        for (slot, column) in ["non_delegable", "autonomy_related", "changes_procedure"]
            .iter()
            .enumerate()
        {
            match parse_bool(get(column)) {
                Some(v) => flags[slot] = v,
                None => bad(
                    column,
                    format!("{column} is true or false, not {:?}", get(column)),
                ),
            }
        }
        let mut dates = [None, None];
        for (slot, column) in ["valid_from", "valid_to"].iter().enumerate() {
            let text = get(column);
            if text.is_empty() {
                continue;
            }
            match text.parse::<NaiveDate>() {
                Ok(d) if crate::graphql::YEARS.contains(&chrono::Datelike::year(&d)) => {
                    dates[slot] = Some(d)
                }
                _ => bad(
                    column,
                    format!(
                        "{column} is a date YYYY-MM-DD in the years 1900 to 2200, not {text:?}"
                    ),
                ),
            }
        }
        let (Some(sector), Some(holder)) = (sector, holder) else {
            continue;
        };
        let code = get("code").to_owned();
        if let Some(first) = first_line.get(&code.to_ascii_lowercase()) {
            errors.push(LineError {
                line,
                column: Some("code".into()),
                code: UserErrorCode::DuplicateCode,
                message: format!("code {code} is already on line {first}"),
            });
            continue;
        }
        first_line.insert(code.to_ascii_lowercase(), line);
        let basis = get("non_delegable_basis");
        let input = MatterInput {
            code,
            name: get("name").to_owned(),
            sector,
            law: get("law").to_owned(),
            law_document: None,
            holder,
            holder_department: Some(get("holder_department").to_owned()).filter(|d| !d.is_empty()),
            non_delegable: flags[0],
            non_delegable_basis: (!basis.is_empty()).then(|| basis.to_owned()),
            autonomy_related: flags[1],
            procedure_codes: get("procedure_codes")
                .split(';')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
            changes_procedure: flags[2],
            valid_from: dates[0],
            valid_to: dates[1],
        };
        // The same checks as createMatter.
        if let Err(AppError::Rule {
            field,
            code,
            message,
            ..
        }) = validate(Uuid::nil(), &input)
        {
            errors.push(LineError {
                line,
                column: field.map(|f| column_of(f).to_owned()),
                code,
                message,
            });
            continue;
        }
        rows.push(Row {
            line,
            input,
            absent: absent.clone(),
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
}

/// Imports the catalogue rows of `csv`: all of them, or (with every fault
/// listed) none, with one audit event that counts them (even when nothing
/// changed, like every other mutation). `dry_run` checks and counts
/// without writing anything, an audit event included. The caller needs
/// ADMIN or LEGAL_REVIEWER. Returns the counts, or the faults.
pub async fn import_matters(
    db: &DatabaseConnection,
    by: Authority<'_>,
    csv: &str,
    dry_run: bool,
) -> AppResult<Result<ImportCounts, Vec<LineError>>> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let actor = require_curator(&by)?;
    let rows = match parse(csv) {
        Ok(rows) => rows,
        Err(errors) => return Ok(Err(errors)),
    };
    let existing: HashMap<String, matter::Model> = matter::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|m| (m.code.clone(), m))
        .collect();
    let mut counts = ImportCounts::default();
    let mut writes: Vec<(Option<matter::Model>, matter::Model)> = Vec::new();
    let mut errors = Vec::new();
    for row in rows {
        let before = existing.get(row.input.code.trim());
        let mut input = row.input;
        if before.is_none()
            && let Some(other) = existing
                .values()
                .find(|m| m.code.eq_ignore_ascii_case(input.code.trim()))
        {
            errors.push(LineError {
                line: row.line,
                column: Some("code".into()),
                code: UserErrorCode::DuplicateCode,
                message: format!("matter {} already has that code", other.code),
            });
            continue;
        }
        if let Some(before) = before {
            // A row says nothing of the law's registered document, nor of
            // the columns the file leaves out: keep them.
            input.law_document = before.law_document_id;
            let had = MatterInput::of(before);
            for column in &row.absent {
                match *column {
                    "holder_department" => input.holder_department = had.holder_department.clone(),
                    "non_delegable" => input.non_delegable = had.non_delegable,
                    "non_delegable_basis" => {
                        input.non_delegable_basis = had.non_delegable_basis.clone()
                    }
                    "autonomy_related" => input.autonomy_related = had.autonomy_related,
                    "procedure_codes" => input.procedure_codes = had.procedure_codes.clone(),
                    "changes_procedure" => input.changes_procedure = had.changes_procedure,
                    "valid_from" => input.valid_from = had.valid_from,
                    _ => input.valid_to = had.valid_to,
                }
            }
        }
        let m = match validate_as(
            before.map_or_else(Uuid::now_v7, |b| b.id),
            &input,
            before.is_none(),
        ) {
            Ok(m) => m,
            Err(e) => {
                errors.push(LineError {
                    line: row.line,
                    column: None,
                    code: UserErrorCode::MalformedCsv,
                    message: e.to_string(),
                });
                continue;
            }
        };
        if let Some(b) = before
            && let Err(AppError::Rule {
                field,
                code,
                message,
                ..
            }) = super::check_change_in_use(&txn, b, &m).await
        {
            errors.push(LineError {
                line: row.line,
                column: field.map(|f| column_of(f).to_owned()),
                code,
                message,
            });
            continue;
        }
        match before {
            Some(b) if *b == m => counts.unchanged += 1,
            Some(b) => {
                counts.updated += 1;
                writes.push((Some(b.clone()), m));
            }
            None => {
                counts.created += 1;
                writes.push((None, m));
            }
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    if dry_run {
        return Ok(Ok(counts));
    }
    let mut codes = Vec::new();
    for (before, m) in writes {
        codes.push(m.code.clone());
        if before.is_some() {
            m.into_active_model().reset_all().update(&txn).await?;
        } else {
            m.into_active_model().insert(&txn).await?;
        }
    }
    let change = Change {
        action: "importMatters",
        entity_type: "MatterCatalogue",
        entity_id: Uuid::now_v7(),
        scope_unit_id: None,
        before: None,
        after: Some(json!({
            "created": counts.created,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "codes": codes,
        })),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(Ok(counts))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "code,name,sector,law,holder,non_delegable,non_delegable_basis,procedure_codes,changes_procedure";

    #[test]
    fn the_bundled_catalogue_parses() {
        let rows = parse(crate::demo::MATTERS_CSV).unwrap();
        assert!((30..=40).contains(&rows.len()), "{}", rows.len());
        assert!(rows.iter().any(|r| r.input.non_delegable));
        assert!(rows.iter().any(|r| r.input.changes_procedure));
        // Every matter the demo's mandates name is catalogued.
        for code in [
            "TP-CONG-CHUNG",
            "TP-LLTP",
            "TC-TAI-SAN-CONG",
            "XD-GIAY-PHEP",
            "CT-VLNCN",
            "NV-VI-TRI-VIEC-LAM",
            "DD-CHO-HANG-2",
            "YT-TRAM-Y-TE",
            "GD-TUYEN-SINH",
        ] {
            assert!(rows.iter().any(|r| r.input.code == code), "{code}");
        }
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_column_and_code() {
        let csv = format!(
            "{HEADER}\n\
             A-1,Việc một,XAY_DUNG,Luật Xây dựng 2014,UBND_PROVINCE,false,,1.009993,false\n\
             A-2,Việc hai,NOWHERE,Luật,UBND_PROVINCE,false,,,false\n\
             A-1,Việc ba,XAY_DUNG,Luật,UBND_PROVINCE,false,,,false\n\
             A-4,Việc bốn,XAY_DUNG,Luật,UBND_PROVINCE,true,,,false\n\
             A-5,Việc năm,XAY_DUNG,Luật,UBND_PROVINCE,false,,1.2,maybe\n"
        );
        let errors = parse(&csv).unwrap_err();
        let got: Vec<(u64, Option<&str>, UserErrorCode)> = errors
            .iter()
            .map(|e| (e.line, e.column.as_deref(), e.code))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, Some("sector"), UserErrorCode::MalformedCsv),
                (4, Some("code"), UserErrorCode::DuplicateCode),
                (
                    5,
                    Some("non_delegable_basis"),
                    UserErrorCode::NonDelegableBasisRequired
                ),
                (6, Some("changes_procedure"), UserErrorCode::MalformedCsv),
                (
                    6,
                    Some("procedure_codes"),
                    UserErrorCode::InvalidProcedureCode
                ),
            ]
        );
    }

    #[test]
    fn a_header_without_a_required_column_is_refused_on_line_one() {
        let errors = parse("code,name,sector,law,colour\n").unwrap_err();
        assert!(errors.iter().all(|e| e.line == 1), "{errors:?}");
        assert!(errors.iter().any(|e| e.message.contains("holder")));
        assert!(errors.iter().any(|e| e.column.as_deref() == Some("colour")));
    }
}

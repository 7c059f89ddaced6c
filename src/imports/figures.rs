//! Importing report figures (data values keyed by unit code, period and
//! indicator code) from CSV or from JSON close to DHIS2's ADX, for paper
//! reports typed in and for other systems. Each value goes into its unit
//! report's draft with the rights and checks of `saveReportDraft`
//! (REPORTER of the unit, a report still with its reporter, the
//! indicator's type and bounds, never a computed indicator); an import
//! never submits. One transaction, one audit event.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use entity::regime_indicator::{self, ValueType};
use entity::role_grant::Role;
use entity::{report, report_value, reporting_regime, unit};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::table::{self, Columns};
use super::{Errors, FileFormat, ImportFile, MAX_ROWS, Outcome, RowError, in_savepoint};
use crate::auth::Authority;
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::reporting::regimes::indicators_of;
use crate::reporting::reports::{Transition, ValueInput, check_value, for_reporter, import_values};

/// Columns a figures CSV must have.
pub const REQUIRED_COLUMNS: &[&str] = &["unit", "period", "indicator", "value"];

/// Columns it may have besides: a note kept in the audit event, and the
/// regime's code when a unit reports in that period under several.
pub const OPTIONAL_COLUMNS: &[&str] = &["comment", "regime"];

/// Where a value's parts are in the file: CSV column names, or JSON paths.
#[derive(Debug, Clone)]
struct Place {
    unit: String,
    period: String,
    indicator: String,
    value: String,
}

impl Place {
    fn csv() -> Self {
        Place {
            unit: "unit".into(),
            period: "period".into(),
            indicator: "indicator".into(),
            value: "value".into(),
        }
    }
}

/// One data value as read.
#[derive(Debug, Clone)]
struct Row {
    line: u64,
    place: Place,
    unit: String,
    period: String,
    indicator: String,
    value: String,
    comment: Option<String>,
    regime: Option<String>,
}

fn malformed(line: u64, column: &str, message: impl Into<String>) -> RowError {
    RowError::new(line, Some(column), UserErrorCode::MalformedFile, message)
}

fn read_csv(content: &[u8]) -> Result<Vec<Row>, Errors> {
    let table = table::read(FileFormat::Csv, content)?;
    let columns = Columns::of(&table, REQUIRED_COLUMNS, OPTIONAL_COLUMNS)?;
    let mut errors = Errors::default();
    let mut rows = Vec::new();
    for record in &table.rows {
        let cell = |c: &str| columns.get(record, c).trim().to_owned();
        let mut missing = false;
        for c in REQUIRED_COLUMNS {
            if cell(c).is_empty() {
                missing = true;
                errors.push(malformed(record.line, c, format!("{c} is required")));
            }
        }
        if missing {
            continue;
        }
        rows.push(Row {
            line: record.line,
            place: Place::csv(),
            unit: cell("unit"),
            period: cell("period"),
            indicator: cell("indicator"),
            value: cell("value"),
            comment: Some(cell("comment")).filter(|c| !c.is_empty()),
            regime: Some(cell("regime")).filter(|c| !c.is_empty()),
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// A JSON value as the text a CSV cell would hold.
fn json_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Reads ADX JSON: `{"dataSet"?, "groups": [{"orgUnit", "period",
/// "dataValues": [{"dataElement", "value", "comment"?}]}]}`; each data
/// value is a row, numbered from 1 in file order, its faults placed by
/// JSON path.
fn read_adx(content: &[u8]) -> Result<Vec<Row>, Errors> {
    let mut errors = Errors::default();
    if let Err(e) = table::check_size(content) {
        errors.push(e);
        return Err(errors);
    }
    let content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
    // A NUL (`\u0000`) is no text a report holds, and PostgreSQL refuses it.
    if content
        .windows(6)
        .any(|w| w.eq_ignore_ascii_case(b"\\u0000"))
    {
        errors.push(malformed(
            1,
            "$",
            "the document holds a NUL character (\\u0000)",
        ));
        return Err(errors);
    }
    let doc: Value = match serde_json::from_slice(content) {
        Ok(v) => v,
        Err(e) => {
            errors.push(malformed(1, "$", format!("not JSON: {e}")));
            return Err(errors);
        }
    };
    let data_set = match doc.get("dataSet") {
        None | Some(Value::Null) => None,
        Some(v) => match json_text(v) {
            Some(s) => Some(s),
            None => {
                errors.push(malformed(1, "dataSet", "dataSet is a regime's code"));
                None
            }
        },
    };
    let Some(groups) = doc.get("groups").and_then(Value::as_array) else {
        errors.push(malformed(
            1,
            "groups",
            "groups is a list of {orgUnit, period, dataValues}",
        ));
        return Err(errors);
    };
    let mut rows = Vec::new();
    let mut n: u64 = 0;
    for (g, group) in groups.iter().enumerate() {
        let text = |key: &str| group.get(key).and_then(json_text).filter(|t| !t.is_empty());
        let unit = text("orgUnit");
        let period = text("period");
        let regime = text("dataSet").or_else(|| data_set.clone());
        let values = group.get("dataValues").and_then(Value::as_array);
        let at = |key: &str| format!("groups[{g}].{key}");
        if unit.is_none() {
            errors.push(malformed(n + 1, &at("orgUnit"), "orgUnit is a unit's code"));
        }
        if period.is_none() {
            errors.push(malformed(
                n + 1,
                &at("period"),
                "period is a period's code, e.g. 2026Q3",
            ));
        }
        let Some(values) = values else {
            errors.push(malformed(n + 1, &at("dataValues"), "dataValues is a list"));
            continue;
        };
        for (v, value) in values.iter().enumerate() {
            n += 1;
            if n as usize > MAX_ROWS {
                errors.push(RowError::new(
                    n,
                    None,
                    UserErrorCode::TooManyRows,
                    format!("an import takes at most {MAX_ROWS} data values; split the file"),
                ));
                return Err(errors);
            }
            let path = |key: &str| format!("groups[{g}].dataValues[{v}].{key}");
            let element = value
                .get("dataElement")
                .and_then(json_text)
                .filter(|t| !t.is_empty());
            let given = value.get("value").and_then(json_text);
            if element.is_none() {
                errors.push(malformed(
                    n,
                    &path("dataElement"),
                    "dataElement is an indicator's code",
                ));
            }
            if given.is_none() {
                errors.push(malformed(
                    n,
                    &path("value"),
                    "value is a number, true/false or a text",
                ));
            }
            let (Some(unit), Some(period), Some(element), Some(given)) =
                (unit.clone(), period.clone(), element, given)
            else {
                continue;
            };
            rows.push(Row {
                line: n,
                place: Place {
                    unit: at("orgUnit"),
                    period: at("period"),
                    indicator: path("dataElement"),
                    value: path("value"),
                },
                unit,
                period,
                indicator: element,
                value: given,
                comment: value
                    .get("comment")
                    .and_then(json_text)
                    .filter(|c| !c.is_empty()),
                regime: regime.clone(),
            });
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// The value a cell gives for an indicator of `value_type`: a number
/// (`,` as the decimal mark is read too), true/false (có/không), a text.
fn value_input(indicator: &str, value_type: ValueType, text: &str) -> Result<ValueInput, String> {
    let mut input = ValueInput {
        indicator: indicator.to_owned(),
        ..ValueInput::default()
    };
    match value_type {
        ValueType::Text => input.text = Some(text.to_owned()),
        ValueType::Boolean => {
            input.yes = Some(
                super::mandates::parse_bool(text)
                    .filter(|_| !text.is_empty())
                    .ok_or_else(|| format!("{text:?} is not true or false"))?,
            )
        }
        _ if grouped(text) => {
            return Err(format!(
                "{text:?} is ambiguous: `.` groups thousands in Vietnamese and `,` in English; write the number without grouping (1000, or 1.5 / 1,5 for a fraction)"
            ));
        }
        _ => {
            let normal = if text.contains('.') {
                text.to_owned()
            } else {
                text.replace(',', ".")
            };
            input.value = Some(
                normal
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| format!("{text:?} is not a number"))?,
            );
        }
    }
    Ok(input)
}

/// Whether `text` looks like a number with thousands grouped (`1.000`,
/// `2,500`, `1.000.000`): one to three digits (not a lone 0), then groups
/// of three after `.` or `,`. Read by one convention it would be wrong by
/// the other by a factor of a thousand, so such a value is refused.
fn grouped(text: &str) -> bool {
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    let text = text.trim().trim_start_matches(['+', '-']);
    let mut groups = text.split(['.', ',']);
    let first = groups.next().unwrap_or_default();
    let rest: Vec<&str> = groups.collect();
    !rest.is_empty()
        && digits(first)
        && first.len() <= 3
        && first != "0"
        && rest.iter().all(|g| g.len() == 3 && digits(g))
}

/// A report the import writes into, with what it writes.
#[derive(Debug, Clone)]
pub struct Written {
    pub report: report::Model,
    /// Its status before the import (a NOT_STARTED report becomes DRAFT).
    pub previous: report::ReportStatus,
    /// How many values it gave that the report had none for.
    pub created: usize,
    /// How many values it replaced.
    pub updated: usize,
}

/// Caches of one import: units, reports and indicators by code.
#[derive(Default)]
struct Lookups {
    units: HashMap<String, Vec<unit::Model>>,
    regimes: HashMap<String, Option<reporting_regime::Model>>,
    reports: HashMap<(String, String), Vec<report::Model>>,
    indicators: HashMap<Uuid, Vec<regime_indicator::Model>>,
    /// Whether the caller may write each report (its refusal otherwise).
    allowed: HashMap<Uuid, Result<(), AppError>>,
}

impl Lookups {
    async fn indicators(
        &mut self,
        txn: &DatabaseTransaction,
        regime: Uuid,
    ) -> AppResult<&[regime_indicator::Model]> {
        if let Entry::Vacant(e) = self.indicators.entry(regime) {
            e.insert(indicators_of(txn, &[regime]).await?);
        }
        Ok(self.indicators.get(&regime).map_or(&[], Vec::as_slice))
    }
}

/// Finds the report of `row` and checks its value, as `saveReportDraft`
/// would; the report's id and the value on success.
async fn check_row(
    txn: &DatabaseTransaction,
    by: Authority<'_>,
    cache: &mut Lookups,
    row: &Row,
) -> AppResult<Result<(Uuid, ValueInput), RowError>> {
    let line = row.line;
    let refuse = |column: &str, code, message: String| {
        Ok(Err(RowError::new(line, Some(column), code, message)))
    };
    if !cache.units.contains_key(&row.unit) {
        let found = unit::Entity::find()
            .filter(unit::Column::Code.eq(row.unit.as_str()))
            .all(txn)
            .await?;
        cache.units.insert(row.unit.clone(), found);
    }
    let units: Vec<Uuid> = cache.units[&row.unit].iter().map(|u| u.id).collect();
    if units.is_empty() {
        let message = format!("no unit bears the code {}", row.unit);
        return refuse(&row.place.unit, UserErrorCode::UnknownUnit, message);
    }
    let regime = match &row.regime {
        None => None,
        Some(code) => {
            if !cache.regimes.contains_key(code) {
                let found = reporting_regime::Entity::find()
                    .filter(reporting_regime::Column::Code.eq(code.as_str()))
                    .one(txn)
                    .await?;
                cache.regimes.insert(code.clone(), found);
            }
            match &cache.regimes[code] {
                Some(r) => Some(r.id),
                None => {
                    let message = format!("no reporting regime has the code {code}");
                    let column = match row.place.unit.as_str() {
                        "unit" => "regime".to_owned(),
                        _ => "dataSet".to_owned(),
                    };
                    return refuse(&column, UserErrorCode::UnknownReference, message);
                }
            }
        }
    };
    let key = (row.unit.clone(), row.period.clone());
    if !cache.reports.contains_key(&key) {
        let found = report::Entity::find()
            .filter(report::Column::ReporterUnitId.is_in(units))
            .filter(report::Column::PeriodCode.eq(row.period.as_str()))
            .filter(report::Column::Compiled.eq(false))
            .order_by_asc(report::Column::Id)
            .all(txn)
            .await?;
        cache.reports.insert(key.clone(), found);
    }
    let mut candidates = Vec::new();
    for r in cache.reports[&key].clone() {
        if regime.is_some_and(|id| id != r.regime_id) {
            continue;
        }
        let indicators = cache.indicators(txn, r.regime_id).await?;
        if regime.is_some() || indicators.iter().any(|i| i.code == row.indicator) {
            candidates.push(r);
        }
    }
    let r = match candidates.as_slice() {
        [r] => r.clone(),
        [] => {
            let message = format!(
                "{} has no unit report in period {} asking for {}",
                row.unit, row.period, row.indicator
            );
            return refuse(&row.place.period, UserErrorCode::NoReport, message);
        }
        _ => {
            let message = format!(
                "{} has several reports in period {}: name the regime",
                row.unit, row.period
            );
            return refuse(&row.place.period, UserErrorCode::NoReport, message);
        }
    };
    if let Entry::Vacant(e) = cache.allowed.entry(r.id) {
        e.insert(for_reporter(txn, by, r.id, r.version).await.map(|_| ()));
    }
    if let Some(Err(refused)) = cache.allowed.get(&r.id) {
        let e = RowError::from_app(line, refused.clone(), |_| None)?;
        return Ok(Err(RowError {
            column: Some(row.place.unit.clone()),
            ..e
        }));
    }
    let indicators = cache.indicators(txn, r.regime_id).await?;
    let Some(indicator) = indicators.iter().find(|i| i.code == row.indicator) else {
        let message = format!("the regime has no indicator {}", row.indicator);
        return refuse(
            &row.place.indicator,
            UserErrorCode::UnknownIndicator,
            message,
        );
    };
    let input = match value_input(&row.indicator, indicator.value_type, &row.value) {
        Ok(v) => v,
        Err(message) => return refuse(&row.place.value, UserErrorCode::MalformedFile, message),
    };
    if let Err(e) = check_value(indicator, input.clone()) {
        let e = RowError::from_app(line, e, |_| None)?;
        return Ok(Err(RowError {
            column: Some(row.place.value.clone()),
            ..e
        }));
    }
    Ok(Ok((r.id, input)))
}

/// The rows of a file in `format`: CSV or ADX JSON.
fn read_rows(format: FileFormat, content: &[u8]) -> Result<Vec<Row>, Errors> {
    match format {
        FileFormat::AdxJson => read_adx(content),
        FileFormat::Csv => read_csv(content),
        FileFormat::Xlsx => {
            let mut errors = Errors::default();
            errors.push(malformed(
                1,
                "$",
                "figures are imported from CSV or ADX JSON",
            ));
            Err(errors)
        }
    }
}

/// Imports the figures of `file` into unit reports' drafts: every value,
/// or (with every fault listed) none. Each row needs REPORTER over its
/// unit and a report still with its reporter (NOT_STARTED, DRAFT or
/// RETURNED). `dry_run` checks everything and writes nothing.
pub async fn import_figures(
    db: &DatabaseConnection,
    by: Authority<'_>,
    file: ImportFile<'_>,
    dry_run: bool,
) -> AppResult<(Outcome<Written>, Vec<Transition>)> {
    let actor = by.require_anywhere(Role::Reporter)?;
    let mut outcome = Outcome::of(&file, dry_run);
    let format = FileFormat::decide(file.format, file.name, file.content);
    outcome.format = Some(format);
    let rows = super::off_thread(file.content, move |c| read_rows(format, c)).await?;
    let rows = match rows {
        Ok(rows) => rows,
        Err(errors) => return Ok((outcome.refused(errors), Vec::new())),
    };
    outcome.rows = rows.len();
    let mut errors = Errors::default();
    let mut seen: HashMap<(String, String, String, Option<String>), u64> = HashMap::new();
    let txn = crate::db::begin(db).await?;
    let mut cache = Lookups::default();
    let mut per_report: Vec<(Uuid, u64, Vec<ValueInput>)> = Vec::new();
    let mut notes = Vec::new();
    for row in &rows {
        let key = (
            row.unit.clone(),
            row.period.clone(),
            row.indicator.clone(),
            row.regime.clone(),
        );
        if let Some(first) = seen.get(&key) {
            errors.push(RowError::new(
                row.line,
                Some(&row.place.indicator),
                UserErrorCode::DuplicateRow,
                format!(
                    "{} of {} in {} is already given on line {first}",
                    row.indicator, row.unit, row.period
                ),
            ));
            continue;
        }
        seen.insert(key, row.line);
        match check_row(&txn, by, &mut cache, row).await? {
            Ok((report, value)) => {
                if let Some(comment) = &row.comment {
                    notes.push(json!({"line": row.line, "report": report, "indicator": row.indicator, "comment": comment}));
                }
                match per_report.iter_mut().find(|(id, ..)| *id == report) {
                    Some((_, _, values)) => values.push(value),
                    None => per_report.push((report, row.line, vec![value])),
                }
            }
            Err(e) => errors.push(e),
        }
    }
    let mut written = Vec::new();
    if errors.is_empty() {
        for (report, line, values) in per_report {
            let had: HashSet<String> = report_value::Entity::find()
                .filter(report_value::Column::ReportId.eq(report))
                .all(&txn)
                .await?
                .into_iter()
                .map(|v| v.indicator_code)
                .collect();
            let updated = values.iter().filter(|v| had.contains(&v.indicator)).count();
            let created = values.len() - updated;
            let result =
                in_savepoint(&txn, async |sp| import_values(sp, by, report, values).await).await?;
            match result {
                Ok(t) => written.push(Written {
                    report: t.report,
                    previous: t.previous,
                    created,
                    updated,
                }),
                Err(e) => errors.push(RowError::from_app(line, e, |_| None)?),
            }
        }
    }
    if !errors.is_empty() {
        txn.rollback().await?;
        return Ok((outcome.refused(errors), Vec::new()));
    }
    outcome.created = written.iter().map(|w| w.created).sum();
    outcome.updated = written.iter().map(|w| w.updated).sum();
    let details = json!({
        "reports": written.iter().map(|w| w.report.id).collect::<Vec<_>>(),
        "comments": notes,
    });
    // Every status the import moved, for `reportStatusChanged` (the
    // items keep the first hundred only); none on a dry run.
    let moved = if dry_run {
        Vec::new()
    } else {
        written
            .iter()
            .filter(|w| w.previous != w.report.status)
            .map(|w| Transition {
                report: w.report.clone(),
                previous: w.previous,
            })
            .collect()
    };
    let outcome = outcome
        .conclude(txn, &actor, "importReportFigures", details, written)
        .await?;
    Ok((outcome, moved))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adx_values_are_numbered_and_placed_by_path() {
        let adx = br#"{"dataSet":"R","groups":[{"orgUnit":"19","period":"2026Q3","dataValues":[{"dataElement":"A","value":1},{"dataElement":"B"}]}]}"#;
        let errors = read_adx(adx).unwrap_err();
        assert_eq!(errors.listed.len(), 1);
        assert_eq!(errors.listed[0].line, 2);
        assert_eq!(
            errors.listed[0].column.as_deref(),
            Some("groups[0].dataValues[1].value")
        );
    }

    #[test]
    fn numbers_read_with_a_point_or_a_comma() {
        let v = value_input("A", ValueType::Number, "12,5").unwrap();
        assert_eq!(v.value, Some(12.5));
        assert!(value_input("A", ValueType::Integer, "mười").is_err());
        let yes = value_input("B", ValueType::Boolean, "có").unwrap();
        assert_eq!(yes.yes, Some(true));
    }

    #[test]
    fn thousands_grouped_either_way_are_refused_not_guessed() {
        for text in ["1.000", "1,000", "12.500", "-2,500", "1.000.000", "999,999"] {
            let refused = value_input("A", ValueType::Integer, text).unwrap_err();
            assert!(refused.contains("ambiguous"), "{text}: {refused}");
        }
        for (text, value) in [
            ("1000", 1000.0),
            ("0,125", 0.125),
            ("1,5", 1.5),
            ("1.25", 1.25),
        ] {
            let read = value_input("A", ValueType::Number, text).unwrap();
            assert_eq!(read.value, Some(value), "{text}");
        }
    }
}

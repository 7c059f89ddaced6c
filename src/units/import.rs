//! `phancap import-units`: loads the administrative units of Vietnam (the
//! legacy three-tier structure or the 2025 two-tier one) from the CSV files
//! bundled with phancap or from a CSV of the same columns, and the lineage
//! between the two structures once both are present.
//!
//! An import is all or nothing and idempotent: units are matched by
//! `(kind, code)` within their structure, so a second run creates nothing
//! and says so. Any bad row (malformed code, missing or conflicting parent,
//! duplicate) is reported with its line number and nothing is written.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use entity::unit::{self, AdminType, UnitKind};
use entity::unit_lineage::{self, LineageKind};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, DatabaseTransaction, DbErr,
    EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use uuid::Uuid;

use super::service::NewUnit;
use crate::text;

mod lineage;
mod parse;

use lineage::*;
use parse::*;

// Both dates are constants: an invalid one would fail the build, never a
// running server.

/// Last day of the three-tier structure: districts ended with it.
pub const LEGACY_LAST_DAY: NaiveDate = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();

/// First day of the two-tier structure (Luật 72/2025/QH15, NQ 202/2025/QH15).
pub const CURRENT_FIRST_DAY: NaiveDate = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();

const LEGACY_CSV: &str = include_str!("../../data/units-legacy.csv");

const CURRENT_CSV: &str = include_str!("../../data/units-2025.csv");

const COMMUNE_LINEAGE_CSV: &str = include_str!("../../data/units-2025-lineage.csv");

const PROVINCE_LINEAGE_CSV: &str = include_str!("../../data/units-2025-province-lineage.csv");

/// Rows per INSERT: well under the bind-parameter limits of both databases.
const INSERT_CHUNK: usize = 1000;

/// Which structure a CSV describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Structure {
    /// 63 provinces, 696 districts, 10,035 communes; valid until 2025-06-30.
    Legacy,
    /// 34 provinces and 3,321 communes; valid from 2025-07-01.
    #[value(name = "2025")]
    Current,
}

impl Structure {
    fn label(self) -> &'static str {
        match self {
            Structure::Legacy => "legacy",
            Structure::Current => "2025",
        }
    }

    fn bundled(self) -> (&'static str, &'static str) {
        match self {
            Structure::Legacy => ("units-legacy.csv", LEGACY_CSV),
            Structure::Current => ("units-2025.csv", CURRENT_CSV),
        }
    }

    fn validity(self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        match self {
            Structure::Legacy => (None, Some(LEGACY_LAST_DAY)),
            Structure::Current => (Some(CURRENT_FIRST_DAY), None),
        }
    }

    /// The rows of this structure already in the database.
    fn condition(self) -> Condition {
        let admin = unit::Column::Kind.ne(UnitKind::Department);
        match self {
            Structure::Legacy => Condition::all()
                .add(admin)
                .add(unit::Column::ValidTo.eq(LEGACY_LAST_DAY))
                .add(unit::Column::ValidFrom.is_null()),
            Structure::Current => Condition::all()
                .add(admin)
                .add(unit::Column::ValidFrom.eq(CURRENT_FIRST_DAY)),
        }
    }
}

/// Where the rows come from.
pub enum Source<'a> {
    /// The files shipped with phancap.
    Bundled,
    /// A CSV with the same columns; `name` is used in messages.
    Csv { name: &'a str, text: &'a str },
}

/// One row that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Line in the file, 1-based, the header being line 1.
    pub line: u64,
    pub message: String,
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: {} bad row(s), nothing was imported", rows.len())]
    BadRows { file: String, rows: Vec<RowError> },
    #[error("database error: {0}")]
    Db(#[from] DbErr),
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub structure: Structure,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Present when both structures are loaded and lineage was synced.
    pub lineage: Option<LineageSummary>,
    pub elapsed: Duration,
}

/// What the lineage sync did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineageSummary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Edges whose units are not in the database (after a partial import).
    pub skipped: usize,
}

impl ImportSummary {
    /// True when the import found everything already in place.
    pub fn changed_nothing(&self) -> bool {
        self.created == 0
            && self.updated == 0
            && self
                .lineage
                .is_none_or(|l| l.created == 0 && l.updated == 0)
    }
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} structure: {} units created, {} updated, {} unchanged",
            self.structure.label(),
            self.created,
            self.updated,
            self.unchanged
        )?;
        if let Some(l) = &self.lineage {
            write!(
                f,
                "; lineage: {} edges created, {} updated, {} unchanged, {} skipped",
                l.created, l.updated, l.unchanged, l.skipped
            )?;
        }
        write!(f, " in {:.2} s", self.elapsed.as_secs_f64())?;
        if self.changed_nothing() {
            write!(f, "; nothing changed, the database already held all of it")?;
        }
        Ok(())
    }
}

/// Imports one structure in one transaction, then syncs the lineage when
/// both structures are present.
pub async fn import(
    db: &DatabaseConnection,
    structure: Structure,
    source: Source<'_>,
) -> Result<ImportSummary, ImportError> {
    let started = Instant::now();
    let (file, csv) = match source {
        Source::Bundled => structure.bundled(),
        Source::Csv { name, text } => (name, text),
    };
    let bad = |rows| ImportError::BadRows {
        file: file.to_owned(),
        rows,
    };
    let rows = parse_units(structure, csv).map_err(bad)?;
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let (created, updated, unchanged) = match apply_units(&txn, structure, &rows).await? {
        Ok(counts) => counts,
        Err(rows) => return Err(bad(rows)),
    };
    let lineage = sync_lineage(&txn).await?;
    let summary = ImportSummary {
        structure,
        created,
        updated,
        unchanged,
        lineage,
        elapsed: started.elapsed(),
    };
    if !summary.changed_nothing() {
        audit_import(&txn, file, csv, &summary).await?;
    }
    txn.commit().await?;
    if !summary.changed_nothing() {
        // Thousands of new units: the planner's statistics are stale. The
        // import stands whatever this does.
        if let Err(err) = crate::db::refresh_statistics(db).await {
            tracing::warn!(error = %err, "refreshing the planner's statistics failed");
        }
    }
    Ok(summary)
}

/// The one audit event of an import that changed something: its counts
/// and the SHA-256 of the file, so that the trail says which file made the
/// units the change feed lists (an import that changed nothing leaves no
/// trace, as a second run of the same file).
async fn audit_import(
    txn: &DatabaseTransaction,
    file: &str,
    csv: &str,
    summary: &ImportSummary,
) -> Result<(), DbErr> {
    let sha256 = crate::text::sha256_hex(csv.as_bytes());
    let lineage = summary.lineage.map(|l| {
        serde_json::json!({
            "created": l.created, "updated": l.updated,
            "unchanged": l.unchanged, "skipped": l.skipped,
        })
    });
    let after = serde_json::json!({
        "structure": summary.structure.label(),
        "file": file,
        "sha256": sha256,
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "lineage": lineage,
    });
    crate::audit::service::record(
        txn,
        &crate::audit::service::Actor::cli(),
        crate::audit::service::Change {
            action: "importUnits",
            entity_type: "UnitImport",
            entity_id: Uuid::now_v7(),
            scope_unit_id: None,
            before: None,
            after: Some(after),
        },
    )
    .await?;
    Ok(())
}

/// A CSV file read whole: its header and records with their line numbers.
struct Table {
    header: Vec<String>,
    records: Vec<Record>,
    errors: Vec<RowError>,
}

struct Record {
    line: u64,
    fields: Vec<String>,
}

impl Record {
    fn get(&self, i: usize) -> &str {
        self.fields.get(i).map_or("", String::as_str)
    }
}

impl Table {
    fn read(csv: &str) -> Result<Self, Vec<RowError>> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(false)
            .from_reader(csv.as_bytes());
        let header = match reader.headers() {
            Ok(h) => h.iter().map(str::to_owned).collect(),
            Err(e) => {
                return Err(vec![RowError {
                    line: 1,
                    message: format!("unreadable header: {e}"),
                }]);
            }
        };
        let mut records = Vec::new();
        let mut errors = Vec::new();
        for record in reader.records() {
            match record {
                Ok(r) => records.push(Record {
                    line: r.position().map_or(0, |p| p.line()),
                    fields: r.iter().map(str::to_owned).collect(),
                }),
                Err(e) => errors.push(RowError {
                    line: e.position().map_or(0, |p| p.line()),
                    message: format!("unreadable row: {e}"),
                }),
            }
        }
        Ok(Table {
            header,
            records,
            errors,
        })
    }

    /// The position of each required column, or an error on line 1.
    fn columns<'a>(&self, names: &[&'a str]) -> Result<HashMap<&'a str, usize>, Vec<RowError>> {
        let mut index = HashMap::new();
        let mut missing = Vec::new();
        for name in names {
            match self.header.iter().position(|h| h == name) {
                Some(i) => {
                    index.insert(*name, i);
                }
                None => missing.push(*name),
            }
        }
        if missing.is_empty() {
            Ok(index)
        } else {
            Err(vec![RowError {
                line: 1,
                message: format!("missing column(s): {}", missing.join(", ")),
            }])
        }
    }
}

/// Writes the parsed rows: creates what is missing, renames what changed,
/// refuses a unit whose parent would change. Returns `(created, updated,
/// unchanged)`, or the rows that conflict with the database.
async fn apply_units(
    txn: &DatabaseTransaction,
    structure: Structure,
    rows: &[Row],
) -> Result<Result<(usize, usize, usize), Vec<RowError>>, DbErr> {
    let existing: HashMap<Key, unit::Model> = unit::Entity::find()
        .filter(structure.condition())
        .all(txn)
        .await?
        .into_iter()
        .map(|m| ((m.kind, m.code.clone()), m))
        .collect();
    let (valid_from, valid_to) = structure.validity();
    let mut known: HashMap<Key, unit::Model> = HashMap::new();
    let mut inserts: Vec<Vec<unit::Model>> = vec![Vec::new(); 3];
    let mut updates = Vec::new();
    let mut errors = Vec::new();
    let mut unchanged = 0;
    for row in rows {
        let key = (row.kind, row.code.clone());
        let parent = match &row.parent {
            None => None,
            Some(parent_key) => match known.get(parent_key).or_else(|| existing.get(parent_key)) {
                Some(parent) => Some(parent),
                None => {
                    errors.push(RowError {
                        line: row.line,
                        message: format!(
                            "unknown parent {} {}",
                            kind_word(parent_key.0),
                            parent_key.1
                        ),
                    });
                    continue;
                }
            },
        };
        let model = match existing.get(&key) {
            Some(found) if found.parent_id != parent.map(|p| p.id) => {
                errors.push(RowError {
                    line: row.line,
                    message: format!(
                        "{} {} is already in the database under another parent; a unit never changes parent (end it and create a successor)",
                        kind_word(row.kind),
                        row.code
                    ),
                });
                continue;
            }
            Some(found) if found.name == row.name && found.admin_type == row.admin_type => {
                unchanged += 1;
                found.clone()
            }
            Some(found) => {
                let mut changed = found.clone().into_active_model();
                changed.name = Set(row.name.clone());
                changed.search_name = Set(text::fold(&row.name));
                changed.name_key = Set(text::unit_name_key(&row.name));
                changed.admin_type = Set(row.admin_type);
                updates.push(changed);
                found.clone()
            }
            None => {
                let model = NewUnit {
                    code: &row.code,
                    name: &row.name,
                    kind: row.kind,
                    admin_type: row.admin_type,
                    valid_from,
                    valid_to,
                }
                .under(parent);
                inserts[level(row.kind) as usize].push(model.clone());
                model
            }
        };
        known.insert(key, model);
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let updated = updates.len();
    for update in updates {
        update.update(txn).await?;
    }
    let mut created = 0;
    for level in inserts {
        created += level.len();
        insert_chunked(txn, level).await?;
    }
    Ok(Ok((created, updated, unchanged)))
}

async fn insert_chunked<M>(txn: &DatabaseTransaction, models: Vec<M>) -> Result<(), DbErr>
where
    M: IntoActiveModel<<<M as sea_orm::ModelTrait>::Entity as EntityTrait>::ActiveModel>
        + sea_orm::ModelTrait,
{
    let mut models = models.into_iter().peekable();
    while models.peek().is_some() {
        let chunk: Vec<_> = models
            .by_ref()
            .take(INSERT_CHUNK)
            .map(IntoActiveModel::into_active_model)
            .collect();
        <M as sea_orm::ModelTrait>::Entity::insert_many(chunk)
            .exec(txn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_files_parse_to_the_published_counts() {
        let count = |rows: &[Row], kind| rows.iter().filter(|r| r.kind == kind).count();
        let legacy = parse_units(Structure::Legacy, LEGACY_CSV).unwrap();
        assert_eq!(count(&legacy, UnitKind::Province), 63);
        assert_eq!(count(&legacy, UnitKind::District), 696);
        assert_eq!(count(&legacy, UnitKind::Commune), 10_035);
        let current = parse_units(Structure::Current, CURRENT_CSV).unwrap();
        assert_eq!(count(&current, UnitKind::Province), 34);
        assert_eq!(count(&current, UnitKind::Commune), 3_321);
    }

    #[test]
    fn bad_rows_are_reported_with_their_line() {
        let csv = "province_code,province_name,commune_code,commune_name,commune_type\n\
                   19,Tỉnh Thái Nguyên,05443,Phường Phan Đình Phùng,Phường\n\
                   19,Tỉnh Thái Nguyên,5443,Xã Lỗi,Xã\n\
                   19,Tỉnh Thái Nguyên,05443,Phường Khác,Phường\n\
                   19,Tỉnh Thái Nguyên,05500,Xã Lạ,Làng\n";
        let errors = parse_units(Structure::Current, csv).unwrap_err();
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5]);
        assert!(errors[0].message.contains("malformed commune code"));
        assert!(
            errors[1]
                .message
                .contains("duplicate commune code 05443 (first on line 2)")
        );
        assert!(errors[2].message.contains("unknown commune type"));
    }

    #[test]
    fn a_missing_column_is_named() {
        let errors = parse_units(
            Structure::Legacy,
            "province_code,province_name\n01,Thành phố Hà Nội\n",
        )
        .unwrap_err();
        assert_eq!(errors[0].line, 1);
        assert!(errors[0].message.contains("district_code"));
    }

    #[test]
    fn lineage_kinds_follow_what_changed() {
        let unit = |name: &str, admin_type| unit::Model {
            id: Uuid::now_v7(),
            code: "00001".into(),
            name: name.into(),
            search_name: text::fold(name),
            name_key: text::unit_name_key(name),
            kind: UnitKind::Commune,
            admin_type,
            parent_id: None,
            path: "/".into(),
            depth: 0,
            valid_from: None,
            valid_to: None,
        };
        let hoang_sa = unit("Huyện Hoàng Sa", AdminType::Huyen);
        let dac_khu = unit("Đặc khu Hoàng Sa", AdminType::DacKhu);
        assert_eq!(
            lineage_kind(false, false, &hoang_sa, &dac_khu),
            LineageKind::Reclassify
        );
        let a = unit("Xã An Bình", AdminType::Xa);
        let b = unit("Xã Bình An", AdminType::Xa);
        assert_eq!(lineage_kind(false, false, &a, &b), LineageKind::Rename);
        assert_eq!(
            lineage_kind(false, false, &a, &a.clone()),
            LineageKind::Continuation
        );
        assert_eq!(lineage_kind(false, true, &a, &b), LineageKind::Merge);
        assert_eq!(lineage_kind(true, true, &a, &b), LineageKind::Split);
    }
}

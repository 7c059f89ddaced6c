//! Bulk imports of what provinces keep in spreadsheets: the mandate
//! registry (CSV or XLSX) and report figures (CSV or DHIS2-like ADX JSON).
//! Each import is all or nothing in one transaction, reports every bad
//! row by line and column, and is audited as one event with the file's
//! SHA-256; a dry run checks everything and writes nothing.

use sea_orm::{DatabaseTransaction, TransactionTrait};

use crate::error::{AppError, AppResult, UserErrorCode};

pub mod figures;
pub mod graphql;
pub mod mandates;
pub mod table;
pub mod templates;

pub use table::{FileFormat, Table};

/// Largest file an import reads: 16 MiB (a national registry of 100,000
/// rows fits; the multipart upload limit is checked before this).
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// Most rows (data values for ADX) one import takes.
pub const MAX_ROWS: usize = 100_000;

/// Most row errors an import lists; the others are only counted.
pub const MAX_LISTED_ERRORS: usize = 1000;

/// Most created or changed items an import's result lists.
pub const MAX_LISTED_ITEMS: usize = 100;

/// One thing wrong with an imported file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Line in the file, 1-based, the header being line 1 (for ADX, the
    /// data value's number in file order, from 1).
    pub line: u64,
    /// The column (header name; for ADX, the JSON path) at fault.
    pub column: Option<String>,
    pub code: UserErrorCode,
    pub message: String,
}

impl RowError {
    /// A fault of `line` in `column`.
    pub fn new(
        line: u64,
        column: Option<&str>,
        code: UserErrorCode,
        message: impl Into<String>,
    ) -> Self {
        RowError {
            line,
            column: column.map(str::to_owned),
            code,
            message: message.into(),
        }
    }

    /// The row fault a service's refusal of `line` is: a rule keeps its
    /// code (its field named as the file's column by `column_of`), a
    /// refusal of scope is OUT_OF_SCOPE, a missing record UNKNOWN_*; a
    /// database failure is no row's fault and stops the import.
    pub fn from_app(
        line: u64,
        err: AppError,
        column_of: impl Fn(&str) -> Option<&'static str>,
    ) -> AppResult<Self> {
        Ok(match err {
            AppError::Rule {
                field,
                code,
                message,
                ..
            } => RowError::new(line, field.and_then(column_of), code, message),
            AppError::Forbidden | AppError::Unauthenticated => RowError::new(
                line,
                None,
                UserErrorCode::OutOfScope,
                "you hold no role over this row's unit for this act",
            ),
            AppError::NotFound(what) => {
                let code = match what {
                    "unit" => UserErrorCode::UnknownUnit,
                    "document" => UserErrorCode::UnknownDocument,
                    _ => UserErrorCode::UnknownReference,
                };
                RowError::new(line, None, code, format!("{what} not found"))
            }
            AppError::Invalid(message) => {
                RowError::new(line, None, UserErrorCode::MalformedFile, message)
            }
            AppError::Conflict(message) => {
                RowError::new(line, None, UserErrorCode::DuplicateCode, message)
            }
            internal @ AppError::Internal(_) => return Err(internal),
        })
    }
}

/// The row errors of an import: the first [`MAX_LISTED_ERRORS`] listed,
/// the others counted.
#[derive(Debug, Clone, Default)]
pub struct Errors {
    pub listed: Vec<RowError>,
    pub more: usize,
}

impl Errors {
    /// Adds `e` (listed while there is room).
    pub fn push(&mut self, e: RowError) {
        if self.listed.len() < MAX_LISTED_ERRORS {
            self.listed.push(e);
        } else {
            self.more += 1;
        }
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.listed.is_empty() && self.more == 0
    }

    /// Sorted by line, as the file reads.
    pub fn sorted(mut self) -> Self {
        self.listed.sort_by_key(|e| e.line);
        self
    }
}

/// The file sent: its name, its content and the format it is read as.
#[derive(Debug, Clone)]
pub struct ImportFile<'a> {
    pub name: &'a str,
    pub content: &'a [u8],
    /// The format asked for; None decides by the name and the content.
    pub format: Option<FileFormat>,
}

impl ImportFile<'_> {
    /// Lower-case hex SHA-256 of the content.
    pub fn sha256(&self) -> String {
        crate::text::sha256_hex(self.content)
    }
}

/// What an import did (or, on a dry run, would do).
#[derive(Debug, Clone, Default)]
pub struct Outcome<T> {
    pub dry_run: bool,
    pub format: Option<FileFormat>,
    pub file_name: String,
    pub sha256: String,
    /// Rows read (data values for ADX).
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    /// Every fault; nothing was written when there is one.
    pub errors: Errors,
    /// The first [`MAX_LISTED_ITEMS`] items created or changed.
    pub items: Vec<T>,
}

impl<T> Outcome<T> {
    /// An outcome for `file` with nothing done yet.
    pub fn of(file: &ImportFile<'_>, dry_run: bool) -> Self {
        Outcome {
            dry_run,
            format: None,
            file_name: file.name.to_owned(),
            sha256: file.sha256(),
            rows: 0,
            created: 0,
            updated: 0,
            errors: Errors::default(),
            items: Vec::new(),
        }
    }

    /// Ends an import every row of which passed: a dry run is rolled back
    /// and leaves no trace; a real one is recorded as one audit event
    /// `action` (entity type `Import`) with the file's name, format and
    /// SHA-256, the counts and `details`, then committed. `items` are the
    /// rows' results, of which the first [`MAX_LISTED_ITEMS`] are kept (none
    /// on a dry run: they were never stored).
    pub async fn conclude(
        mut self,
        txn: DatabaseTransaction,
        actor: &crate::audit::service::Actor,
        action: &'static str,
        details: serde_json::Value,
        mut items: Vec<T>,
    ) -> AppResult<Self> {
        if self.dry_run {
            // What was written is undone: no item to show.
            txn.rollback().await?;
            items.clear();
        } else {
            let mut after = serde_json::json!({
                "format": self.format.map(FileFormat::name),
                "fileName": self.file_name,
                "sha256": self.sha256,
                "rows": self.rows,
                "created": self.created,
                "updated": self.updated,
            });
            if let (Some(after), serde_json::Value::Object(details)) =
                (after.as_object_mut(), details)
            {
                after.extend(details);
            }
            let change = crate::audit::service::Change {
                action,
                entity_type: "Import",
                entity_id: uuid::Uuid::now_v7(),
                scope_unit_id: None,
                before: None,
                after: Some(after),
            };
            crate::audit::service::record(&txn, actor, change).await?;
            txn.commit().await?;
        }
        items.truncate(MAX_LISTED_ITEMS);
        self.items = items;
        Ok(self)
    }

    /// The same outcome refused for `errors`: nothing counted as written.
    pub fn refused(mut self, errors: Errors) -> Self {
        self.errors = errors.sorted();
        self.created = 0;
        self.updated = 0;
        self.items.clear();
        self
    }
}

/// Runs `parse` over a copy of `content` on the blocking pool: reading a
/// file of up to 16 MiB (unpacking an XLSX, a JSON document) takes
/// seconds that must not stall the async workers every request shares.
pub async fn off_thread<T, F>(content: &[u8], parse: F) -> AppResult<T>
where
    T: Send + 'static,
    F: FnOnce(&[u8]) -> T + Send + 'static,
{
    let owned = content.to_vec();
    tokio::task::spawn_blocking(move || parse(&owned))
        .await
        .map_err(|e| AppError::internal(format!("reading an import file: {e}")))
}

/// Runs `work` for one row inside a savepoint of `txn`: kept when it
/// succeeds, undone when the row is refused, so that the next rows see
/// what the earlier good rows wrote and a failed statement does not spoil
/// the transaction on PostgreSQL.
pub async fn in_savepoint<T, F>(txn: &DatabaseTransaction, work: F) -> AppResult<AppResult<T>>
where
    F: AsyncFnOnce(&DatabaseTransaction) -> AppResult<T>,
{
    let savepoint = txn.begin().await?;
    match work(&savepoint).await {
        Ok(value) => {
            savepoint.commit().await?;
            Ok(Ok(value))
        }
        Err(AppError::Internal(cause)) => Err(AppError::Internal(cause)),
        Err(refused) => {
            savepoint.rollback().await?;
            Ok(Err(refused))
        }
    }
}

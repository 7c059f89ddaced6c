//! GraphQL face of the imports: `importMandates` and
//! `importReportFigures`, each taking a file sent by the GraphQL multipart
//! request spec.

use async_graphql::{Context, Enum, Object, SimpleObject, Upload};
use entity::role_grant::Role;

use super::{FileFormat, ImportFile, Outcome, figures, mandates};
use crate::auth::{Authority, RoleGuard};
use crate::graphql::ContextExt;
use crate::mandates::graphql::{ImportLineError, Mandate};
use crate::reporting::graphql::Report;

/// The format of an imported file.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// Comma- (or semicolon-) separated values, UTF-8, with a header row.
    Csv,
    /// An Excel workbook: the first sheet, with a header row.
    Xlsx,
    /// JSON close to DHIS2's ADX (figures only).
    AdxJson,
}

crate::labels!(ImportFormat {
    Csv => "Tệp CSV",
    Xlsx => "Tệp Excel (XLSX)",
    AdxJson => "ADX (JSON)",
});

impl From<ImportFormat> for FileFormat {
    fn from(f: ImportFormat) -> Self {
        match f {
            ImportFormat::Csv => FileFormat::Csv,
            ImportFormat::Xlsx => FileFormat::Xlsx,
            ImportFormat::AdxJson => FileFormat::AdxJson,
        }
    }
}

impl From<FileFormat> for ImportFormat {
    fn from(f: FileFormat) -> Self {
        match f {
            FileFormat::Csv => ImportFormat::Csv,
            FileFormat::Xlsx => ImportFormat::Xlsx,
            FileFormat::AdxJson => ImportFormat::AdxJson,
        }
    }
}

/// What an import did, or (with `errors`) why it wrote nothing.
#[derive(SimpleObject)]
pub struct ImportSummary {
    /// Whether it only checked (`dryRun`): nothing was written, not even
    /// the audit event.
    pub dry_run: bool,
    /// The format the file was read as.
    pub format: Option<ImportFormat>,
    /// The file's name as sent.
    pub file_name: String,
    /// Lower-case hex SHA-256 of the file, as the audit event records it.
    pub sha256: String,
    /// Rows read (data values for ADX).
    pub rows: i32,
    /// Records created (mandates; values a report had none for).
    pub created: i32,
    /// Records changed (values replaced).
    pub updated: i32,
    /// Every fault, by line and column (the first 1000); nothing was
    /// written when there is one.
    pub errors: Vec<ImportLineError>,
    /// How many more faults there are beyond those listed.
    pub more_errors: i32,
}

fn clamp(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn summary<T>(o: &Outcome<T>) -> ImportSummary {
    ImportSummary {
        dry_run: o.dry_run,
        format: o.format.map(Into::into),
        file_name: o.file_name.clone(),
        sha256: o.sha256.clone(),
        rows: clamp(o.rows),
        created: clamp(o.created),
        updated: clamp(o.updated),
        errors: o
            .errors
            .listed
            .iter()
            .map(|e| ImportLineError {
                line: i32::try_from(e.line).unwrap_or(i32::MAX),
                column: e.column.clone(),
                code: e.code,
                english: e.message.clone(),
            })
            .collect(),
        more_errors: clamp(o.errors.more),
    }
}

/// The result of importMandates.
#[derive(SimpleObject)]
pub struct ImportMandatesPayload {
    /// Counts, hash and faults.
    pub summary: ImportSummary,
    /// The mandates created, in file order (the first 100; none on a
    /// refusal, none on a dry run: `summary` counts what it would create).
    pub mandates: Vec<Mandate>,
}

/// The result of importReportFigures.
#[derive(SimpleObject)]
pub struct ImportFiguresPayload {
    /// Counts, hash and faults.
    pub summary: ImportSummary,
    /// The reports written into, with their new versions (the first 100;
    /// none on a refusal or a dry run).
    pub reports: Vec<Report>,
}

/// The import mutations.
#[derive(Default)]
pub struct ImportMutation;

fn file_of<'a>(
    upload: &'a async_graphql::UploadValue,
    format: Option<ImportFormat>,
) -> ImportFile<'a> {
    ImportFile {
        name: &upload.filename,
        content: &upload.content,
        format: format.map(Into::into),
    }
}

#[Object]
impl ImportMutation {
    /// Imports the mandate registry from a CSV or XLSX file (columns in the
    /// README and in the template at `/import/templates/mandates.xlsx`),
    /// all or nothing: each row is drafted with draftMandate's rights and
    /// checks (APPROVER over its delegator, else OUT_OF_SCOPE) and, unless
    /// its status is DRAFT, issued under issueMandate's rules. Every
    /// faulty row is listed by line and column and nothing is written;
    /// otherwise one audit event records the counts and the file's hash.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn import_mandates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file, sent by the GraphQL multipart request spec.")] file: Upload,
        #[graphql(desc = "CSV or XLSX; by default decided by the content and the name.")]
        format: Option<ImportFormat>,
        #[graphql(
            desc = "Check every row as the import would, and write nothing.",
            default = false
        )]
        dry_run: bool,
    ) -> async_graphql::Result<ImportMandatesPayload> {
        let viewer = ctx.signed_in()?;
        let upload = file.value(ctx)?;
        let by = Authority::Viewer(viewer);
        let outcome =
            mandates::import_mandates(ctx.db(), by, file_of(&upload, format), dry_run).await?;
        let today = crate::calendar::today();
        Ok(ImportMandatesPayload {
            summary: summary(&outcome),
            mandates: outcome
                .items
                .into_iter()
                .map(|i| Mandate::new(i.mandate, today))
                .collect(),
        })
    }

    /// Imports report figures (unit code, period, indicator code, value)
    /// from CSV (`unit,period,indicator,value[,comment][,regime]`) or ADX
    /// JSON, all or nothing, into the unit reports' drafts with
    /// saveReportDraft's rights and checks (REPORTER of the unit, a report
    /// still with its reporter, the indicator's type and bounds); it never
    /// submits. One audit event records the counts and the file's hash.
    #[graphql(guard = "RoleGuard(&[Role::Reporter])")]
    async fn import_report_figures(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file, sent by the GraphQL multipart request spec.")] file: Upload,
        #[graphql(desc = "CSV or ADX_JSON; by default decided by the content and the name.")]
        format: Option<ImportFormat>,
        #[graphql(
            desc = "Check every value as the import would, and write nothing.",
            default = false
        )]
        dry_run: bool,
    ) -> async_graphql::Result<ImportFiguresPayload> {
        let viewer = ctx.signed_in()?;
        let upload = file.value(ctx)?;
        let by = Authority::Viewer(viewer);
        let (outcome, moved) =
            figures::import_figures(ctx.db(), by, file_of(&upload, format), dry_run).await?;
        for transition in &moved {
            crate::reporting::graphql::announce(ctx, transition).await?;
        }
        Ok(ImportFiguresPayload {
            summary: summary(&outcome),
            reports: outcome
                .items
                .into_iter()
                .map(|w| Report(w.report))
                .collect(),
        })
    }
}

//! The GraphQL links to the exports: `Report.exportUrl`, `Unit.exportUrl`
//! and `Query.mandatesExportUrl` return path-absolute signed URLs.

use std::sync::Arc;

use async_graphql::{Context, Enum, InputType, Object};

use super::ExportFormat as Format;
use crate::auth::TokenService;
use crate::graphql::{ContextExt, Date, NodeKind, decode_id_of};
use crate::mandates::graphql::MandateFilter;

/// The format of an export.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// An Excel workbook laid out for printing: the issuing body, the
    /// national motto, the title and period, a sheet a table.
    Xlsx,
    /// Comma-separated text, UTF-8 with a byte order mark and CRLF line
    /// ends, one table; texts that a spreadsheet would read as a formula
    /// get a leading apostrophe.
    Csv,
    /// Newline-delimited JSON: one object a row, with its `table` and
    /// global ids.
    Ndjson,
}

crate::labels!(ExportFormat {
    Xlsx => "Tệp Excel (XLSX)",
    Csv => "Tệp CSV",
    Ndjson => "Tệp dữ liệu NDJSON (mỗi dòng một bản ghi)",
});

impl From<ExportFormat> for Format {
    fn from(f: ExportFormat) -> Self {
        match f {
            ExportFormat::Xlsx => Format::Xlsx,
            ExportFormat::Csv => Format::Csv,
            ExportFormat::Ndjson => Format::Ndjson,
        }
    }
}

/// `path` with `params` and `format`, signed for the caller for 15
/// minutes; None for an anonymous caller (exports need a sign-in).
pub fn signed_url(
    ctx: &Context<'_>,
    path: &str,
    format: ExportFormat,
    params: &[(&str, String)],
) -> Option<String> {
    let viewer = ctx.viewer()?;
    let tokens = ctx.data_unchecked::<Arc<TokenService>>();
    let mut pairs: Vec<(&str, String)> =
        vec![("format", Format::from(format).extension().to_owned())];
    pairs.extend(params.iter().cloned());
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    Some(super::sign_link(
        tokens,
        &format!("{path}?{query}"),
        viewer.user.id,
        viewer.user.token_version,
        chrono::Utc::now().timestamp(),
    ))
}

/// The link to export report `id` in `format`.
pub fn report_url(ctx: &Context<'_>, id: uuid::Uuid, format: ExportFormat) -> Option<String> {
    let gid = crate::graphql::encode_id(NodeKind::Report, id).0;
    signed_url(ctx, &format!("/export/reports/{gid}"), format, &[])
}

/// The link to export the subtree of unit `id` on `as_of`.
pub fn unit_url(
    ctx: &Context<'_>,
    id: uuid::Uuid,
    as_of: chrono::NaiveDate,
    format: ExportFormat,
) -> Option<String> {
    let gid = crate::graphql::encode_id(NodeKind::Unit, id).0;
    signed_url(
        ctx,
        &format!("/export/units/{gid}"),
        format,
        &[("asOf", as_of.to_string())],
    )
}

/// The name of a GraphQL enum value.
pub(super) fn enum_name<T: InputType>(value: &T) -> String {
    match value.to_value() {
        async_graphql::Value::Enum(name) => name.to_string(),
        other => other.to_string(),
    }
}

/// The link to the mandate registry export.
#[derive(Default)]
pub struct ExportQuery;

#[Object]
impl ExportQuery {
    /// A link (path-absolute: prefix it with the server's address) to the
    /// mandate registry as `mandates` lists it with the same `filter` and
    /// `asOf`, exported in `format`. The link carries a signature good
    /// for 15 minutes for the caller, while the caller stays active and
    /// signed in under the same password; without its signature
    /// parameters it works with an `Authorization` header. Null for an
    /// anonymous caller: exports need a sign-in.
    async fn mandates_export_url(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to list, as for `mandates`.")] filter: Option<MandateFilter>,
        #[graphql(desc = "The day statuses are read on (default: the day of the download).")]
        as_of: Option<Date>,
        #[graphql(desc = "The file's format.")] format: ExportFormat,
    ) -> async_graphql::Result<Option<String>> {
        let filter = filter.unwrap_or_default();
        let mut params: Vec<(&str, String)> = Vec::new();
        for (key, id) in [
            ("within", &filter.within),
            ("delegator", &filter.delegator),
            ("delegatee", &filter.delegatee),
        ] {
            if let Some(id) = id {
                decode_id_of(NodeKind::Unit, key, id)?;
                params.push((key, id.to_string()));
            }
        }
        if let Some(s) = &filter.status {
            params.push(("status", enum_name(s)));
        }
        if let Some(s) = &filter.sector {
            params.push(("sector", enum_name(s)));
        }
        if let Some(k) = &filter.kind {
            params.push(("kind", enum_name(k)));
        }
        if let Some(search) = crate::text::checked_opt("search", &filter.search, 100)? {
            params.push(("search", search));
        }
        if let Some(d) = as_of {
            params.push(("asOf", d.0.to_string()));
        }
        Ok(signed_url(ctx, "/export/mandates", format, &params))
    }

    /// A link (path-absolute) to the national unit tree: every unit in
    /// force on `asOf`, ordered by code, exported in `format`; for one
    /// unit and its subtree use `Unit.exportUrl`. Signed for the caller
    /// for 15 minutes, as `mandatesExportUrl`. Null for an anonymous
    /// caller.
    async fn units_export_url(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day the tree is read on (default: the day of the download).")]
        as_of: Option<Date>,
        #[graphql(desc = "The file's format.")] format: ExportFormat,
    ) -> Option<String> {
        let params: Vec<(&str, String)> = as_of
            .map(|d| ("asOf", d.0.to_string()))
            .into_iter()
            .collect();
        signed_url(ctx, "/export/units", format, &params)
    }
}

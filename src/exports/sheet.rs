//! The tables an export is made of and the three ways they are written:
//! CSV (UTF-8 with BOM, CRLF, one table), NDJSON (one JSON object a row)
//! and XLSX (a sheet a table, laid out as a Vietnamese official prints a
//! report, written through a temporary file in constant memory).
//!
//! A producer sends [`Event`]s through a bounded channel; the writers take
//! them as they come, so at most one page of rows and the channel's
//! buffer are in memory whatever the export's size.

use axum::body::{Body, Bytes};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::ExportFormat;
use crate::error::{AppError, AppResult};
use crate::graphql::{NodeKind, encode_id};

/// Rows buffered between the database and the writer.
pub(super) const CHANNEL_ROWS: usize = 1000;

/// One cell.
#[derive(Debug, Clone)]
pub(super) enum Cell {
    Text(String),
    Int(i64),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
    /// A GraphQL global id: in CSV and NDJSON only, not on the printed
    /// sheet.
    Id(NodeKind, Uuid),
    /// An enum value: its GraphQL name in NDJSON (what a machine maps
    /// back), its Vietnamese label on the sheet and in CSV.
    Coded {
        code: String,
        label: String,
    },
    Empty,
}

impl Cell {
    /// The value of GraphQL enum `value`, printed as `label`.
    pub(super) fn coded<T: async_graphql::InputType>(value: T, label: &str) -> Cell {
        Cell::Coded {
            code: super::graphql::enum_name(&value),
            label: label.to_owned(),
        }
    }

    /// The value of GraphQL enum `value`, printed as its label (the one
    /// table of `labels!` the `labels` query gives too).
    pub(super) fn labelled<T>(value: T) -> Cell
    where
        T: crate::labels::Labelled + async_graphql::InputType,
    {
        Cell::coded(value, value.label())
    }

    /// A text, or an empty cell for None.
    pub(super) fn text_opt(text: Option<&str>) -> Cell {
        text.map_or(Cell::Empty, |t| Cell::Text(t.to_owned()))
    }

    /// A date, or an empty cell for None.
    pub(super) fn date_opt(date: Option<NaiveDate>) -> Cell {
        date.map_or(Cell::Empty, Cell::Date)
    }

    /// A count, or an empty cell for None.
    pub(super) fn int_opt(n: Option<i32>) -> Cell {
        n.map_or(Cell::Empty, |n| Cell::Int(n.into()))
    }
}

/// One column: its machine key (NDJSON), its header (CSV, XLSX), its
/// width on the sheet, in characters, and whether it is printed (ids are
/// for machines: in CSV and NDJSON only).
#[derive(Debug, Clone, Copy)]
pub(super) struct Column {
    pub key: &'static str,
    pub header: &'static str,
    pub width: f64,
    pub printed: bool,
}

/// A printed column.
pub(super) const fn col(key: &'static str, header: &'static str, width: f64) -> Column {
    Column {
        key,
        header,
        width,
        printed: true,
    }
}

/// A column of global ids, left off the printed sheet.
pub(super) const fn id_col(key: &'static str, header: &'static str) -> Column {
    Column {
        key,
        header,
        width: 0.0,
        printed: false,
    }
}

/// What heads a printed export (thể thức văn bản): the issuing body, the
/// place and date, the title and the period.
#[derive(Debug, Clone, Default)]
pub(super) struct Heading {
    /// The body above the issuer, e.g. "ỦY BAN NHÂN DÂN TỈNH THÁI
    /// NGUYÊN"; empty for a root.
    pub superior: String,
    /// The issuer, e.g. "SỞ NỘI VỤ".
    pub issuer: String,
    /// "Thái Nguyên, ngày 01 tháng 12 năm 2026".
    pub place_date: String,
    pub title: String,
    /// The period or the date the data is read on.
    pub subtitle: String,
}

/// What a producer sends.
#[derive(Debug)]
pub(super) enum Event {
    /// A table starts: its key (`table` in NDJSON, the CSV `table`
    /// parameter), its printed title and its columns.
    Table {
        key: &'static str,
        title: String,
        columns: Vec<Column>,
    },
    /// A row of the current table.
    Row(Vec<Cell>),
}

/// The sending end a producer writes to; an error ends the export.
pub(super) type Rows = mpsc::Sender<AppResult<Event>>;

/// dd/mm/yyyy, as dates are printed in Vietnam.
pub(super) fn vn_date(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

/// "ngày 01 tháng 12 năm 2026".
pub(super) fn long_date(date: NaiveDate) -> String {
    format!(
        "ngày {:02} tháng {:02} năm {}",
        date.day(),
        date.month(),
        date.year()
    )
}

/// The CSV injection rule: a text starting with `=`, `+`, `-`, `@`, a tab
/// or a carriage return would be read as a formula by a spreadsheet, so it
/// gets a leading apostrophe (OWASP's advice); anything else is as is.
pub fn neutralised(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// The response carrying the export that `rows` delivers, in `format`,
/// downloaded as `stem` plus the format's extension. `only` picks the one
/// table a CSV carries (default: the first).
pub(super) async fn respond(
    format: ExportFormat,
    heading: Heading,
    stem: &str,
    only: Option<String>,
    rows: mpsc::Receiver<AppResult<Event>>,
) -> Response {
    let (content_type, body) = match format {
        ExportFormat::Csv => (
            "text/csv; charset=utf-8",
            Body::from_stream(text_stream(rows, move |state, event| {
                csv_bytes(state, event, only.as_deref())
            })),
        ),
        ExportFormat::Ndjson => (
            "application/x-ndjson",
            Body::from_stream(text_stream(rows, ndjson_bytes)),
        ),
        ExportFormat::Xlsx => match xlsx_file(heading, rows).await {
            Ok(file) => (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                Body::from_stream(crate::http::uploads::file_chunks(file)),
            ),
            Err(err) => return super::Refusal::from(err).into_response(),
        },
    };
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    let disposition = format!("attachment; filename=\"{stem}.{}\"", format.extension());
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    headers.insert(
        axum::http::header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// What a text writer remembers between events.
#[derive(Default)]
struct TextState {
    table: Option<&'static str>,
    /// Whether the rows of the current table are written (CSV: the one
    /// table chosen).
    writing: bool,
    /// Whether a CSV table has been chosen already.
    done: bool,
    columns: Vec<Column>,
    started: bool,
}

/// The body of a text export: each event encoded as it arrives; an error
/// of the producer ends the body early (the client sees a broken transfer,
/// never a well-formed partial file).
fn text_stream(
    rows: mpsc::Receiver<AppResult<Event>>,
    encode: impl Fn(&mut TextState, Event) -> Bytes + Send + 'static,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    // Fused: the compression layer may poll once more after the end.
    futures_util::StreamExt::fuse(futures_util::stream::unfold(
        (rows, TextState::default(), encode, false),
        |(mut rows, mut state, encode, failed)| async move {
            if failed {
                return None;
            }
            loop {
                match rows.recv().await {
                    None => return None,
                    Some(Err(err)) => {
                        tracing::error!(error = ?err, "an export stopped");
                        return Some((
                            Err(std::io::Error::other("the export stopped")),
                            (rows, state, encode, true),
                        ));
                    }
                    Some(Ok(event)) => {
                        let bytes = encode(&mut state, event);
                        if !bytes.is_empty() {
                            return Some((Ok(bytes), (rows, state, encode, false)));
                        }
                    }
                }
            }
        },
    ))
}

/// One CSV record, CRLF-terminated, texts neutralised.
fn csv_record<'a>(fields: impl IntoIterator<Item = std::borrow::Cow<'a, str>>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let fields: Vec<_> = fields.into_iter().collect();
    // Writing to a Vec cannot fail; an error would only lose this record.
    if writer
        .write_record(fields.iter().map(|f| f.as_ref()))
        .is_err()
    {
        return Vec::new();
    }
    writer.into_inner().unwrap_or_default()
}

fn csv_bytes(state: &mut TextState, event: Event, only: Option<&str>) -> Bytes {
    let mut out = Vec::new();
    if !state.started {
        state.started = true;
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    match event {
        Event::Table { key, columns, .. } => {
            state.writing = !state.done && only.is_none_or(|o| o == key);
            if state.writing {
                state.done = true;
                out.extend(csv_record(columns.iter().map(|c| c.header.into())));
            }
            state.table = Some(key);
        }
        Event::Row(cells) if state.writing => {
            out.extend(csv_record(cells.iter().map(|cell| match cell {
                Cell::Text(t) | Cell::Coded { label: t, .. } => neutralised(t).into_owned().into(),
                Cell::Int(n) => n.to_string().into(),
                Cell::Number(n) => n.to_string().into(),
                Cell::Date(d) => vn_date(*d).into(),
                Cell::Bool(true) => "Có".into(),
                Cell::Bool(false) => "Không".into(),
                Cell::Id(kind, id) => encode_id(*kind, *id).0.into(),
                Cell::Empty => "".into(),
            })));
        }
        Event::Row(_) => {}
    }
    Bytes::from(out)
}

fn ndjson_bytes(state: &mut TextState, event: Event) -> Bytes {
    match event {
        Event::Table { key, columns, .. } => {
            state.table = Some(key);
            state.columns = columns;
            Bytes::new()
        }
        Event::Row(cells) => {
            let mut object = serde_json::Map::with_capacity(cells.len() + 1);
            object.insert(
                "table".into(),
                serde_json::Value::from(state.table.unwrap_or_default()),
            );
            for (column, cell) in state.columns.iter().zip(cells) {
                let value = match cell {
                    Cell::Text(t) => serde_json::Value::from(t),
                    Cell::Coded { code, .. } => serde_json::Value::from(code),
                    Cell::Int(n) => n.into(),
                    Cell::Number(n) => n.into(),
                    Cell::Date(d) => d.to_string().into(),
                    Cell::Bool(b) => b.into(),
                    Cell::Id(kind, id) => encode_id(kind, id).0.into(),
                    Cell::Empty => serde_json::Value::Null,
                };
                object.insert(column.key.into(), value);
            }
            let mut line = serde_json::to_vec(&object).unwrap_or_default();
            line.push(b'\n');
            Bytes::from(line)
        }
    }
}

/// The formats of a printed sheet.
struct Formats {
    superior: Format,
    issuer: Format,
    motto: Format,
    place_date: Format,
    title: Format,
    subtitle: Format,
    section: Format,
    header: Format,
    text: Format,
    number: Format,
    date: Format,
}

impl Formats {
    fn new() -> Formats {
        let base = Format::new()
            .set_font_name("Times New Roman")
            .set_font_size(12);
        let cell = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        Formats {
            superior: base.clone().set_align(FormatAlign::Center),
            issuer: base.clone().set_bold().set_align(FormatAlign::Center),
            motto: base.clone().set_bold().set_align(FormatAlign::Center),
            place_date: base.clone().set_italic().set_align(FormatAlign::Center),
            title: base
                .clone()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center),
            subtitle: base.clone().set_italic().set_align(FormatAlign::Center),
            section: base.clone().set_bold(),
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color("#D9D9D9"),
            text: cell.clone().set_text_wrap(),
            number: cell.clone().set_num_format("#,##0"),
            date: cell
                .set_num_format("dd/mm/yyyy")
                .set_align(FormatAlign::Center),
        }
    }
}

/// Rows of the heading before a table's title.
const HEADING_ROWS: u32 = 6;

/// Writes the heading block and the table's title and header on a new
/// sheet; returns the first data row.
fn start_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    heading: &Heading,
    title: &str,
    columns: &[Column],
) -> Result<u32, XlsxError> {
    let last = (columns.len().max(2) - 1) as u16;
    // The issuer on the left, the national motto on the right, as on
    // every administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I).
    let split = (last / 2).max(1);
    let left = |row: u32, text: &str, format: &Format, sheet: &mut Worksheet| {
        if split > 1 {
            sheet
                .merge_range(row, 0, row, split - 1, text, format)
                .map(|_| ())
        } else {
            sheet
                .write_string_with_format(row, 0, text, format)
                .map(|_| ())
        }
    };
    let right = |row: u32, text: &str, format: &Format, sheet: &mut Worksheet| {
        if last > split {
            sheet
                .merge_range(row, split, row, last, text, format)
                .map(|_| ())
        } else {
            sheet
                .write_string_with_format(row, split, text, format)
                .map(|_| ())
        }
    };
    let widths: Vec<f64> = columns.iter().map(|c| c.width).collect();
    for (i, width) in widths.iter().enumerate() {
        sheet.set_column_width(i as u16, *width)?;
    }
    left(0, &heading.superior, &formats.superior, sheet)?;
    right(
        0,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        &formats.motto,
        sheet,
    )?;
    left(1, &heading.issuer, &formats.issuer, sheet)?;
    right(1, "Độc lập - Tự do - Hạnh phúc", &formats.motto, sheet)?;
    right(2, &heading.place_date, &formats.place_date, sheet)?;
    sheet.set_row_height(3, 21)?;
    sheet.merge_range(3, 0, 3, last, &heading.title, &formats.title)?;
    sheet.merge_range(4, 0, 4, last, &heading.subtitle, &formats.subtitle)?;
    sheet.write_string_with_format(HEADING_ROWS - 1, 0, title, &formats.section)?;
    for (i, column) in columns.iter().enumerate() {
        sheet.write_string_with_format(HEADING_ROWS, i as u16, column.header, &formats.header)?;
    }
    // Wrapped headers get the lines they need: a spreadsheet does not grow
    // a row by itself when it opens a file (about one character a unit of
    // width, 15 points a line).
    let lines = columns
        .iter()
        .map(|c| (c.header.chars().count() as f64 / (c.width - 1.0).max(1.0)).ceil())
        .fold(1.0, f64::max);
    sheet.set_row_height(HEADING_ROWS, 15.0 * lines)?;
    sheet.set_freeze_panes(HEADING_ROWS + 1, 0)?;
    sheet.set_repeat_rows(HEADING_ROWS, HEADING_ROWS)?;
    sheet.set_paper_size(9); // A4
    if columns.len() > 7 {
        sheet.set_landscape();
    }
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_print_center_horizontally(true);
    Ok(HEADING_ROWS + 1)
}

/// A sheet name Excel takes: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect()
}

/// Builds the XLSX in a temporary file from the events as they come (on a
/// blocking thread: the writer does file I/O) and returns the file, open
/// and already unlinked, so it goes away with its last handle.
async fn xlsx_file(
    heading: Heading,
    mut rows: mpsc::Receiver<AppResult<Event>>,
) -> AppResult<std::fs::File> {
    tokio::task::spawn_blocking(move || -> AppResult<std::fs::File> {
        let xlsx = |e: XlsxError| AppError::internal(format!("XLSX: {e}"));
        let formats = Formats::new();
        let mut workbook = Workbook::new();
        let mut current: Option<(usize, Vec<Column>, u32)> = None;
        let mut sheets = 0usize;
        while let Some(event) = rows.blocking_recv() {
            match event? {
                Event::Table { title, columns, .. } => {
                    let sheet = workbook
                        .add_worksheet_with_constant_memory()
                        .map_err(xlsx)?;
                    sheet.set_name(sheet_name(&title)).map_err(xlsx)?;
                    let first = start_sheet(sheet, &formats, &heading, &title, &printed(&columns))
                        .map_err(xlsx)?;
                    current = Some((sheets, columns, first));
                    sheets += 1;
                }
                Event::Row(cells) => {
                    let Some((index, columns, row)) = current.as_mut() else {
                        continue;
                    };
                    let sheet = workbook.worksheet_from_index(*index).map_err(xlsx)?;
                    let mut c = 0u16;
                    for (column, cell) in columns.iter().zip(cells) {
                        if !column.printed {
                            continue;
                        }
                        match cell {
                            Cell::Text(t) | Cell::Coded { label: t, .. } => {
                                sheet.write_string_with_format(*row, c, t, &formats.text)
                            }
                            Cell::Int(n) => {
                                sheet.write_number_with_format(*row, c, n as f64, &formats.number)
                            }
                            Cell::Number(n) => {
                                sheet.write_number_with_format(*row, c, n, &formats.text)
                            }
                            Cell::Date(d) => sheet.write_datetime_with_format(
                                *row,
                                c,
                                rust_xlsxwriter::ExcelDateTime::from_ymd(
                                    d.year() as u16,
                                    d.month() as u8,
                                    d.day() as u8,
                                )
                                .map_err(xlsx)?,
                                &formats.date,
                            ),
                            Cell::Bool(b) => sheet.write_string_with_format(
                                *row,
                                c,
                                if b { "Có" } else { "Không" },
                                &formats.text,
                            ),
                            Cell::Id(..) | Cell::Empty => sheet.write_blank(*row, c, &formats.text),
                        }
                        .map_err(xlsx)?;
                        c += 1;
                    }
                    *row += 1;
                }
            }
        }
        if sheets == 0 {
            workbook.add_worksheet();
        }
        let path = std::env::temp_dir().join(format!("phancap-export-{}.xlsx", Uuid::now_v7()));
        workbook.save(&path).map_err(xlsx)?;
        let file = std::fs::File::open(&path).map_err(AppError::internal)?;
        // Unlinked at once: the open handle keeps the bytes until sent.
        let _ = std::fs::remove_file(&path);
        Ok(file)
    })
    .await
    .map_err(AppError::internal)?
}

/// The columns printed on a sheet.
fn printed(columns: &[Column]) -> Vec<Column> {
    columns.iter().filter(|c| c.printed).copied().collect()
}

/// Writes `bytes` with a trailing flush, for tests of the writers.
#[cfg(test)]
fn collect(bytes: &[Bytes]) -> String {
    use std::io::Write;
    let mut out = Vec::new();
    for b in bytes {
        out.write_all(b).unwrap();
    }
    String::from_utf8(out).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_other_texts_kept() {
        for bad in ["=HYPERLINK(\"x\")", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralised(bad), format!("'{bad}"));
        }
        for good in ["Sở Nội vụ", "1-2", "", "'already"] {
            assert_eq!(neutralised(good), good);
        }
    }

    #[test]
    fn a_csv_has_a_bom_crlf_and_only_the_chosen_table() {
        let mut state = TextState::default();
        let columns = vec![col("code", "Mã", 8.0), id_col("id", "Id")];
        let events = [
            Event::Table {
                key: "a",
                title: "A".into(),
                columns: columns.clone(),
            },
            Event::Row(vec![Cell::Text("=1+1".into()), Cell::Empty]),
            Event::Table {
                key: "b",
                title: "B".into(),
                columns,
            },
            Event::Row(vec![Cell::Text("no".into()), Cell::Empty]),
        ];
        let bytes: Vec<Bytes> = events
            .into_iter()
            .map(|e| csv_bytes(&mut state, e, None))
            .collect();
        assert_eq!(collect(&bytes), "\u{feff}Mã,Id\r\n'=1+1,\r\n");
        assert_eq!(
            vn_date(NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()),
            "05/03/2026"
        );
    }
}

//! Reading an imported file into named columns and rows of text: CSV
//! (UTF-8, with or without BOM, `,` or `;` separated) and XLSX (the first
//! sheet, read with calamine), within the size and row limits.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use super::{Errors, MAX_FILE_BYTES, MAX_ROWS, RowError};

/// The most a workbook may unpack to: the 16 MiB a file may weigh hold
/// far less XML than this; more is a zip bomb.
const MAX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;
/// The most a workbook's shared strings may unpack to: calamine holds them
/// all in memory, and four times the largest upload is ample for text.
const MAX_SHARED_STRINGS_BYTES: u64 = 64 * 1024 * 1024;
/// The most cells a sheet may fill: 100,000 rows of the widest import.
const MAX_CELLS: usize = MAX_ROWS * 32;
/// The columns a sheet's cells may lie in (an import takes about 25).
const MAX_COLUMNS: u32 = 64;
use crate::error::UserErrorCode;

/// The format of an imported file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Comma-separated values, UTF-8 (a BOM is skipped).
    Csv,
    /// An Excel workbook (Office Open XML): its first sheet.
    Xlsx,
    /// JSON close to DHIS2's ADX (figures only).
    AdxJson,
}

impl FileFormat {
    /// The name the audit and the result give it.
    pub fn name(self) -> &'static str {
        match self {
            FileFormat::Csv => "CSV",
            FileFormat::Xlsx => "XLSX",
            FileFormat::AdxJson => "ADX_JSON",
        }
    }

    /// The format `asked`, else the one the content and then the name
    /// show: a ZIP (`PK`) is XLSX, a `{` JSON, anything else CSV.
    pub fn decide(asked: Option<FileFormat>, name: &str, content: &[u8]) -> FileFormat {
        if let Some(format) = asked {
            return format;
        }
        let start = content
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(content)
            .iter()
            .find(|b| !b.is_ascii_whitespace());
        let lower = name.to_ascii_lowercase();
        if content.starts_with(b"PK\x03\x04") || lower.ends_with(".xlsx") {
            FileFormat::Xlsx
        } else if start == Some(&b'{') || lower.ends_with(".json") {
            FileFormat::AdxJson
        } else {
            FileFormat::Csv
        }
    }
}

/// A file read as a table: column names (trimmed, lower case) and rows.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Record>,
}

/// One row: its line in the file and its cells, trimmed.
#[derive(Debug, Clone)]
pub struct Record {
    pub line: u64,
    pub cells: Vec<String>,
}

fn malformed(line: u64, column: Option<&str>, message: impl Into<String>) -> RowError {
    RowError::new(line, column, UserErrorCode::MalformedFile, message)
}

/// The first fault of a file too large to read.
pub fn check_size(content: &[u8]) -> Result<(), RowError> {
    if content.len() > MAX_FILE_BYTES {
        return Err(RowError::new(
            1,
            None,
            UserErrorCode::TooManyRows,
            format!("an imported file has at most {MAX_FILE_BYTES} bytes"),
        ));
    }
    Ok(())
}

fn too_many_rows() -> RowError {
    RowError::new(
        1,
        None,
        UserErrorCode::TooManyRows,
        format!("an import takes at most {MAX_ROWS} rows; split the file"),
    )
}

/// Reads a CSV or XLSX file into a table, or the faults of its shape.
pub fn read(format: FileFormat, content: &[u8]) -> Result<Table, Errors> {
    let mut errors = Errors::default();
    if let Err(e) = check_size(content) {
        errors.push(e);
        return Err(errors);
    }
    let table = match format {
        FileFormat::Csv => read_csv(content),
        FileFormat::Xlsx => read_xlsx(content),
        FileFormat::AdxJson => Err(malformed(
            1,
            None,
            "this import takes CSV or XLSX, not ADX JSON",
        )),
    };
    match table {
        Ok(table) if table.rows.len() > MAX_ROWS => {
            errors.push(too_many_rows());
            Err(errors)
        }
        Ok(table) => {
            // A NUL is no text a register holds (and PostgreSQL refuses it):
            // a fault of its cell.
            let header = table.columns.iter().position(|c| c.contains('\0'));
            if let Some(i) = header {
                errors.push(malformed(
                    1,
                    None,
                    format!("column {} holds a NUL character", i + 1),
                ));
            }
            for record in &table.rows {
                if let Some(i) = record.cells.iter().position(|c| c.contains('\0')) {
                    let column = table.columns.get(i).map(String::as_str);
                    errors.push(malformed(
                        record.line,
                        column,
                        "the cell holds a NUL character",
                    ));
                }
            }
            if errors.is_empty() {
                Ok(table)
            } else {
                Err(errors)
            }
        }
        Err(e) => {
            errors.push(e);
            Err(errors)
        }
    }
}

fn read_csv(content: &[u8]) -> Result<Table, RowError> {
    let content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
    let text = std::str::from_utf8(content)
        .map_err(|e| malformed(1, None, format!("the CSV is not UTF-8: {e}")))?;
    // Excel in a Vietnamese locale saves with `;`: the header tells.
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let columns: Vec<String> = reader
        .headers()
        .map_err(|e| malformed(1, None, format!("unreadable header: {e}")))?
        .iter()
        .map(|c| c.trim().to_lowercase())
        .collect();
    let mut rows = Vec::new();
    // The line a record starts on, counted from its byte offset: the
    // reader's own count leaves out blank lines.
    let (mut counted_to, mut line) = (0usize, 1u64);
    let mut line_at = |byte: u64| {
        let mut byte = usize::try_from(byte).unwrap_or(usize::MAX).min(text.len());
        // A record's offset is where the reader resumed: before the blank
        // lines it skipped.
        while matches!(text.as_bytes().get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        if byte > counted_to {
            line += text.as_bytes()[counted_to..byte]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            counted_to = byte;
        }
        line
    };
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            malformed(line, None, format!("unreadable row: {e}"))
        })?;
        let line = record.position().map_or(0, |p| line_at(p.byte()));
        if record.iter().all(str::is_empty) {
            continue;
        }
        if rows.len() >= MAX_ROWS {
            return Err(too_many_rows());
        }
        rows.push(Record {
            line,
            cells: record.iter().map(str::to_owned).collect(),
        });
    }
    Ok(Table { columns, rows })
}

fn read_xlsx(content: &[u8]) -> Result<Table, RowError> {
    let unreadable = |e: &dyn std::fmt::Display| {
        malformed(1, None, format!("the file is not a readable XLSX: {e}"))
    };
    // A zip bomb is refused before calamine reads it: the entries are
    // unpacked and counted (not taken at the sizes the archive states,
    // which a bomb would understate), the shared strings, which calamine
    // keeps in memory, against a tighter bound than the whole.
    let mut archive = zip::ZipArchive::new(Cursor::new(content)).map_err(|e| unreadable(&e))?;
    let mut unpacked = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| unreadable(&e))?;
        let strings = entry
            .name()
            .is_ok_and(|n| n.eq_ignore_ascii_case("xl/sharedStrings.xml"));
        let room = (MAX_UNPACKED_BYTES + 1).saturating_sub(unpacked);
        let size = std::io::copy(&mut std::io::Read::take(entry, room), &mut std::io::sink())
            .map_err(|e| unreadable(&e))?;
        unpacked += size;
        let (over, limit, what) = if strings && size > MAX_SHARED_STRINGS_BYTES {
            (
                true,
                MAX_SHARED_STRINGS_BYTES,
                "its texts (shared strings) unpack",
            )
        } else {
            (
                unpacked > MAX_UNPACKED_BYTES,
                MAX_UNPACKED_BYTES,
                "the workbook unpacks",
            )
        };
        if over {
            return Err(malformed(
                1,
                None,
                format!("{what} to more than {} MiB", limit / (1024 * 1024)),
            ));
        }
    }
    let mut workbook = Xlsx::new(Cursor::new(content)).map_err(|e| unreadable(&e))?;
    let name = workbook
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| malformed(1, None, "the workbook has no sheet"))?;
    let sheet_error =
        |e: calamine::XlsxError| malformed(1, None, format!("the first sheet is unreadable: {e}"));
    let mut cells = workbook
        .worksheet_cells_reader(&name)
        .map_err(sheet_error)?;
    // The sheet's used rows, cell by cell as the XML holds them: a sheet's
    // stated size (up to 16,384 columns by 1,048,576 rows) is never laid
    // out in memory, only what the cells hold.
    let mut used: Vec<(u32, Vec<(u32, String)>)> = Vec::new();
    let mut first_column = u32::MAX;
    let mut cells_read = 0usize;
    while let Some(cell) = cells.next_cell().map_err(sheet_error)? {
        let (row, column) = cell.get_position();
        let text = cell_text(&Data::from(cell.get_value().clone()));
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if column >= MAX_COLUMNS {
            return Err(malformed(
                u64::from(row) + 1,
                None,
                format!("a cell lies beyond the sheet's first {MAX_COLUMNS} columns"),
            ));
        }
        first_column = first_column.min(column);
        cells_read += 1;
        if cells_read > MAX_CELLS {
            return Err(malformed(
                u64::from(row) + 1,
                None,
                format!("the sheet fills more than {MAX_CELLS} cells; split the file"),
            ));
        }
        match used.last_mut() {
            Some((r, row_cells)) if *r == row => row_cells.push((column, text.to_owned())),
            _ => {
                // The header and MAX_ROWS rows.
                if used.len() > MAX_ROWS {
                    return Err(too_many_rows());
                }
                used.push((row, vec![(column, text.to_owned())]));
            }
        }
    }
    // As a spreadsheet shows them: from the first used column, each cell
    // in its place; the header is the first used row, and line numbers
    // are Excel's own row numbers.
    let mut rows = used.into_iter().map(|(row, row_cells)| {
        let width = row_cells
            .iter()
            .map(|(c, _)| c - first_column + 1)
            .max()
            .unwrap_or(0);
        let mut texts = vec![String::new(); width as usize];
        for (column, text) in row_cells {
            texts[(column - first_column) as usize] = text;
        }
        Record {
            line: u64::from(row) + 1,
            cells: texts,
        }
    });
    let Some(header) = rows.next() else {
        return Ok(Table::default());
    };
    let columns = header.cells.iter().map(|c| c.to_lowercase()).collect();
    let rows: Vec<Record> = rows.collect();
    if rows.len() > MAX_ROWS {
        return Err(too_many_rows());
    }
    Ok(Table { columns, rows })
}

/// A cell as the text a CSV would hold: whole numbers without `.0`, dates
/// as `YYYY-MM-DD` (the 1900 date system), errors as `#…`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => serial_date(d.as_f64()),
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e}"),
    }
}

/// The date of an Excel serial day number (1900 system; day 60 is the
/// phantom 29/2/1900, hence counting from 30/12/1899).
/// A serial no calendar holds (1e300) stays the number it is, for the
/// column's check to refuse.
fn serial_date(serial: f64) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30);
    let days = Some(serial.floor())
        .filter(|d| d.is_finite())
        .and_then(|d| chrono::TimeDelta::try_days(d as i64));
    base.zip(days)
        .and_then(|(b, d)| b.checked_add_signed(d))
        .map_or_else(|| serial.to_string(), |d| d.to_string())
}

/// The columns of a table by name, checked against the ones an import
/// takes: each required one present, none unknown or repeated.
pub struct Columns {
    index: HashMap<&'static str, usize>,
}

impl Columns {
    /// Matches `table`'s header to `required` and `optional`, or lists
    /// every fault of it on line 1.
    pub fn of(
        table: &Table,
        required: &[&'static str],
        optional: &[&'static str],
    ) -> Result<Columns, Errors> {
        let mut errors = Errors::default();
        let mut index = HashMap::new();
        for (i, name) in table.columns.iter().enumerate() {
            if name.is_empty() {
                continue;
            }
            match required.iter().chain(optional).find(|c| **c == name) {
                Some(c) if index.contains_key(c) => {
                    errors.push(malformed(1, Some(c), format!("column {c} appears twice")))
                }
                Some(c) => {
                    index.insert(*c, i);
                }
                None => {
                    // A header cell may be any text: it is echoed cut short.
                    let mut shown: String = name.chars().take(60).collect();
                    if shown.len() < name.len() {
                        shown.push('…');
                    }
                    errors.push(malformed(
                        1,
                        Some(&shown),
                        format!("unknown column {shown:?}; see the documented columns"),
                    ))
                }
            }
        }
        for c in required {
            if !index.contains_key(c) {
                errors.push(malformed(1, Some(c), format!("the column {c} is missing")));
            }
        }
        if errors.is_empty() {
            Ok(Columns { index })
        } else {
            Err(errors)
        }
    }

    /// Whether the file has `column`.
    pub fn has(&self, column: &str) -> bool {
        self.index.contains_key(column)
    }

    /// The cell of `column` in `record`: "" when the file has no such
    /// column or the row is short.
    pub fn get<'r>(&self, record: &'r Record, column: &str) -> &'r str {
        self.index
            .get(column)
            .and_then(|i| record.cells.get(*i))
            .map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_format_is_decided_by_the_argument_then_the_content_then_the_name() {
        assert_eq!(
            FileFormat::decide(Some(FileFormat::Csv), "a.xlsx", b"PK\x03\x04"),
            FileFormat::Csv
        );
        assert_eq!(
            FileFormat::decide(None, "a.bin", b"PK\x03\x04"),
            FileFormat::Xlsx
        );
        assert_eq!(
            FileFormat::decide(None, "a", b"\xEF\xBB\xBF {\"x\":1}"),
            FileFormat::AdxJson
        );
        assert_eq!(FileFormat::decide(None, "a.csv", b"a,b"), FileFormat::Csv);
    }

    #[test]
    fn a_semicolon_csv_with_a_bom_reads_with_its_lines() {
        let table = read(
            FileFormat::Csv,
            "\u{feff}Code;Title\nA;x\n\nB;y\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(table.columns, ["code", "title"]);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[1].line, 4);
        assert_eq!(table.rows[1].cells, ["B", "y"]);
    }

    #[test]
    fn excel_serial_days_are_dates() {
        assert_eq!(serial_date(45870.0), "2025-08-01");
        // Out of any calendar: the number, not a panic.
        for serial in [1e300, -1e300, f64::NAN, 1e18] {
            assert_eq!(serial_date(serial), serial.to_string());
        }
    }
}

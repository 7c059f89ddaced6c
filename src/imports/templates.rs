//! The mandate registry's import template, served at
//! `GET /import/templates/mandates.xlsx` and `.csv`: the columns, one
//! example row from Thái Nguyên's real registry (the demo's authorization
//! of Giám đốc Sở Nội vụ by Quyết định 902/QĐ-UBND), and in the XLSX a
//! sheet explaining every column.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// Every column of a mandate file, what it takes, and whether required.
pub const MANDATE_COLUMNS: &[(&str, bool, &str)] = &[
    (
        "code",
        true,
        "Mã nội dung: the mandate's code, 2–64 letters, digits, - _ . /, unique (e.g. 19-UQ-NV-01)",
    ),
    (
        "title",
        true,
        "Tên nội dung phân cấp/ủy quyền, 1–500 characters",
    ),
    (
        "sector",
        true,
        "Lĩnh vực: NOI_VU, TU_PHAP, TAI_CHINH, CONG_THUONG, NONG_NGHIEP_MOI_TRUONG, DAT_DAI, XAY_DUNG, KHOA_HOC_CONG_NGHE, VAN_HOA_THE_THAO_DU_LICH, GIAO_DUC_DAO_TAO, Y_TE, THANH_TRA, KHAC",
    ),
    (
        "matter",
        true,
        "Mã việc in the catalogue of powers (matters), e.g. NV-VI-TRI-VIEC-LAM",
    ),
    (
        "kind",
        true,
        "DECENTRALIZATION (phân cấp), AUTHORIZATION (ủy quyền) or DEVOLUTION (phân quyền); the Vietnamese words are read too",
    ),
    (
        "delegator",
        true,
        "Mã đơn vị giao: the delegating unit's code on effective_from (e.g. 19 for UBND tỉnh Thái Nguyên, 19-SXD for a sở)",
    ),
    (
        "delegator_capacity",
        false,
        "COLLECTIVE (the body, default), HEAD (its chairman or director) or COUNCIL (HĐND)",
    ),
    (
        "delegatees",
        true,
        "Mã đơn vị nhận: the receiving units' codes separated by ; (e.g. 19-SNV or 05482;01840)",
    ),
    (
        "delegatee_capacity",
        false,
        "COLLECTIVE (default) or HEAD: whether each delegatee receives as a body or through its head",
    ),
    (
        "decision_number",
        false,
        "Số, ký hiệu of the decision the content rests on, as registered in phancap (e.g. 902/QĐ-UBND); required to issue",
    ),
    (
        "decision_issuer",
        false,
        "The issuing unit's code, when several issuers have that number",
    ),
    (
        "decision_date",
        false,
        "Ngày ban hành: checked against the registered decision (YYYY-MM-DD or dd/mm/yyyy)",
    ),
    (
        "legal_basis_article",
        false,
        "Điều, khoản of the decision, e.g. Điều 2",
    ),
    (
        "conditions",
        false,
        "Điều kiện: required for an authorization (ủy quyền)",
    ),
    ("budget_vnd", false, "Kinh phí in đồng, a whole number"),
    ("staff", false, "Biên chế: staff positions, a whole number"),
    ("facilities", false, "Cơ sở vật chất, free text"),
    (
        "no_resources_reason",
        false,
        "Why no resources go with the power (instead of budget, staff or facilities)",
    ),
    (
        "effective_from",
        true,
        "Ngày hiệu lực (YYYY-MM-DD or dd/mm/yyyy)",
    ),
    (
        "effective_to",
        false,
        "Ngày hết hiệu lực: required for an authorization",
    ),
    (
        "allow_onward",
        false,
        "true if the delegatee may pass it on (blank: false)",
    ),
    (
        "parent",
        false,
        "For an onward delegation, the code of the mandate it rests on (an earlier row of the same file will do)",
    ),
    (
        "status",
        false,
        "ISSUED (default: drafted and issued under every rule) or DRAFT (recorded as a draft, rules checked on issue)",
    ),
];

/// The example row: Thái Nguyên's authorization of the Giám đốc Sở Nội vụ
/// by the Chủ tịch UBND tỉnh (Quyết định 902/QĐ-UBND, the demo's
/// 19-UQ-NV-01), in [`MANDATE_COLUMNS`] order.
pub const MANDATE_EXAMPLE: &[&str] = &[
    "19-UQ-NV-01",
    "Thẩm định đề án vị trí việc làm của đơn vị sự nghiệp công lập",
    "NOI_VU",
    "NV-VI-TRI-VIEC-LAM",
    "AUTHORIZATION",
    "19",
    "HEAD",
    "19-SNV",
    "HEAD",
    "902/QĐ-UBND",
    "",
    "2025-07-25",
    "Điều 2",
    "Thẩm định trong 15 ngày làm việc; báo cáo kết quả hằng quý về UBND tỉnh",
    "",
    "2",
    "",
    "",
    "2025-08-01",
    "2026-12-31",
    "false",
    "",
    "ISSUED",
];

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', ';']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The CSV template: UTF-8 with a BOM (so Excel reads Vietnamese), the
/// header and the example row.
pub fn mandates_csv() -> Vec<u8> {
    let header: Vec<&str> = MANDATE_COLUMNS.iter().map(|(c, ..)| *c).collect();
    let example: Vec<String> = MANDATE_EXAMPLE.iter().map(|t| csv_field(t)).collect();
    format!("\u{feff}{}\r\n{}\r\n", header.join(","), example.join(",")).into_bytes()
}

/// The XLSX template: a sheet to fill (header and example row, dates and
/// numbers as text so they read back as written) and a sheet of
/// instructions.
pub fn mandates_xlsx() -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let sheet = workbook.add_worksheet();
    sheet.set_name("Nội dung")?;
    for (col, (name, ..)) in MANDATE_COLUMNS.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, *name, &bold)?;
        sheet.set_column_width(col, 18)?;
    }
    for (col, value) in MANDATE_EXAMPLE.iter().enumerate() {
        sheet.write_string_with_format(1, col as u16, *value, &text)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let help = workbook.add_worksheet();
    help.set_name("Hướng dẫn")?;
    help.write_string_with_format(0, 0, "column", &bold)?;
    help.write_string_with_format(0, 1, "required", &bold)?;
    help.write_string_with_format(0, 2, "what it takes", &bold)?;
    help.set_column_width(0, 22)?;
    help.set_column_width(2, 120)?;
    for (row, (name, required, doc)) in MANDATE_COLUMNS.iter().enumerate() {
        let row = row as u32 + 1;
        help.write_string(row, 0, *name)?;
        help.write_string(row, 1, if *required { "yes" } else { "" })?;
        help.write_string(row, 2, *doc)?;
    }
    let notes = [
        "One row = one delegated content (nội dung phân cấp / ủy quyền). Fill the first sheet; this one is not read.",
        "The import is all or nothing: every faulty row is reported with its line and column, and nothing is written until the file is clean.",
        "Units are named by their codes on the row's effective_from; the decision must already be registered (createDocument).",
        "Send the file with the GraphQL mutation importMandates(file, dryRun: true) first to check it.",
    ];
    let first = MANDATE_COLUMNS.len() as u32 + 2;
    for (i, note) in notes.iter().enumerate() {
        help.write_string(first + i as u32, 0, *note)?;
    }
    workbook.save_to_buffer()
}

/// `GET /import/templates/{file}`: `mandates.xlsx` or `mandates.csv`.
pub async fn download(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let (body, content_type) = match file.as_str() {
        "mandates.csv" => (Ok(mandates_csv()), "text/csv; charset=utf-8"),
        "mandates.xlsx" => (
            mandates_xlsx(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        _ => return (StatusCode::NOT_FOUND, "no such template").into_response(),
    };
    match body {
        Ok(body) => {
            let disposition = format!("attachment; filename=\"{file}\"");
            let mut response = body.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            response
        }
        Err(err) => {
            tracing::error!(error = %err, "writing the import template");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_row_fills_every_column() {
        assert_eq!(MANDATE_COLUMNS.len(), MANDATE_EXAMPLE.len());
        let names: Vec<&str> = MANDATE_COLUMNS.iter().map(|(c, ..)| *c).collect();
        assert_eq!(names, super::super::mandates::columns());
    }
}

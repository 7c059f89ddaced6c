//! The number and symbol of a document (số, ký hiệu), read rather than
//! trusted: a legal normative document (VBQPPL) is numbered
//! `số/năm/ký hiệu` ("15/2025/QĐ-UBND", "72/2025/QH15"), an individual one
//! `số/ký hiệu` ("902/QĐ-UBND", "89/KH-UBND"), and a công văn carries no
//! type in its symbol, only the issuer and the drafting unit
//! ("1785/UBND-NC"). Sources: Luật Ban hành VBQPPL 2015 (80/2015/QH13)
//! Điều 8 k1 (a VBQPPL is numbered by year: số thứ tự, năm ban hành, loại
//! văn bản, cơ quan ban hành), kept by Luật 64/2025/QH15; Nghị định
//! 30/2020/NĐ-CP Phụ lục I mục II.3 (ký hiệu of individual documents and of
//! công văn). Neither is quoted in LAW.md; the forms match every number in
//! the seeds and LAW.md.
//!
//! Letters are compared after folding (case, diacritics and `Đ`/`D`
//! alike), so "15/2025/QD-UBND" typed without `Đ` reads as
//! "15/2025/QĐ-UBND"; the number is stored as written (trimmed) and both
//! spellings match the same `number_key`. Whitespace around the slashes
//! ("1785 /UBND-NC", as printed in the seed) is ignored.
//!
//! Pure functions: no database, unit-tested below with real numbers.

use entity::document::DocumentType;
use entity::unit::UnitKind;

use crate::error::{AppError, AppResult, UserErrorCode};

/// A number read into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentNumber {
    /// Số: the running number.
    pub serial: u32,
    /// Năm: present only on a VBQPPL.
    pub year: Option<i32>,
    /// Ký hiệu, split on `-`, each part folded to upper-case ASCII
    /// ("QĐ-UBND" → `["QD", "UBND"]`, "TTr-SNV" → `["TTR", "SNV"]`).
    pub symbol: Vec<String>,
}

impl DocumentNumber {
    /// A VBQPPL: its number carries the year of issue.
    pub fn normative(&self) -> bool {
        self.year.is_some()
    }
}

/// Abbreviations of document types that open a symbol (tên viết tắt của
/// loại văn bản, NĐ 30/2020 Phụ lục III). A symbol opening with none of
/// them is a công văn's.
const TYPE_PREFIXES: &[&str] = &[
    "QD", "NQ", "ND", "KH", "BC", "BCTD", "TTR", "TT", "TTLT", "CT", "CD", "TB", "HD", "QC", "QY",
    "DA", "CTR", "PA", "BB", "GM", "GGT", "GUQ", "PL", "UBTVQH",
];

/// Issuer parts of a symbol that name a territorial government (HĐND,
/// UBND of a province, district or commune) rather than a department.
const TERRITORIAL: &[&str] = &["UBND", "HDND"];

/// Reads `number`; None when it is not `số/ký hiệu` or `số/năm/ký hiệu`.
pub fn parse(number: &str) -> Option<DocumentNumber> {
    let compact: String = number.chars().filter(|c| !c.is_whitespace()).collect();
    let parts: Vec<&str> = compact.split('/').collect();
    let (serial, year, symbol) = match parts.as_slice() {
        [serial, symbol] => (*serial, None, *symbol),
        [serial, year, symbol] => (*serial, Some(*year), *symbol),
        _ => return None,
    };
    let digits = |s: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(serial, 1..=6) {
        return None;
    }
    let serial: u32 = serial.parse().ok().filter(|n| *n > 0)?;
    let year = match year {
        Some(y) if digits(y, 4..=4) => Some(y.parse::<i32>().ok()?),
        Some(_) => return None,
        None => None,
    };
    let symbol: Vec<String> = symbol
        .split('-')
        .map(|part| crate::text::fold(part).to_ascii_uppercase())
        .collect();
    let well_formed = (1..=6).contains(&symbol.len())
        && symbol.iter().all(|p| {
            p.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '&')
        });
    well_formed.then_some(DocumentNumber {
        serial,
        year,
        symbol,
    })
}

/// Whether a type's number carries the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum YearRule {
    /// Always a VBQPPL: luật, nghị quyết of Quốc hội, nghị định, thông tư.
    Required,
    /// Either: a decision or resolution may be normative or individual.
    Optional,
    /// Never a VBQPPL: a plan, report, submission, letter, or a sở's
    /// decision (a sở issues no VBQPPL).
    Forbidden,
}

fn year_rule(t: DocumentType) -> YearRule {
    use DocumentType::*;
    match t {
        Luat | NqQh | Nd | Tt => YearRule::Required,
        NqUbtvqh | QdTtg | NqHdnd | QdUbnd | QdCtUbnd => YearRule::Optional,
        QdSo | Kh | Cv | Bc | Ttr => YearRule::Forbidden,
    }
}

/// Documents of central bodies (Quốc hội, Chính phủ, Thủ tướng, a
/// ministry): never issued by a unit of the tree.
pub fn central(t: DocumentType) -> bool {
    use DocumentType::*;
    matches!(t, Luat | NqQh | NqUbtvqh | Nd | QdTtg | Tt)
}

fn term_of(part: &str, body: &str) -> bool {
    part.strip_prefix(body)
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `symbol` is the form of type `t`, e.g. `QĐ-UBND` for a
/// decision of UBND, `QH15` for a law, anything without a type prefix for a
/// công văn. The human form of what is expected, for the message.
fn symbol_fits(t: DocumentType, symbol: &[String]) -> (bool, &'static str) {
    use DocumentType::*;
    let s: Vec<&str> = symbol.iter().map(String::as_str).collect();
    match t {
        Luat | NqQh => (
            matches!(s.as_slice(), [qh] if term_of(qh, "QH")),
            "QHnn (the Quốc hội's term), e.g. 72/2025/QH15",
        ),
        NqUbtvqh => (
            match s.as_slice() {
                [body] => term_of(body, "UBTVQH"),
                ["NQ", body] => term_of(body, "UBTVQH"),
                _ => false,
            },
            "UBTVQHnn or NQ-UBTVQHnn, e.g. 35/2023/UBTVQH15",
        ),
        Nd => (s == ["ND", "CP"], "NĐ-CP, e.g. 06/2025/NĐ-CP"),
        QdTtg => (s == ["QD", "TTG"], "QĐ-TTg, e.g. 608/QĐ-TTg"),
        Tt => (
            s.len() >= 2 && matches!(s[0], "TT" | "TTLT"),
            "TT-<ministry>, e.g. 02/2025/TT-BNV",
        ),
        NqHdnd => (s == ["NQ", "HDND"], "NQ-HĐND, e.g. 57/2022/NQ-HĐND"),
        QdUbnd => (s == ["QD", "UBND"], "QĐ-UBND, e.g. 15/2025/QĐ-UBND"),
        QdCtUbnd => (
            matches!(s.as_slice(), ["QD", "UBND" | "CT" | "CTUBND"]),
            "QĐ-UBND (or QĐ-CT), e.g. 902/QĐ-UBND",
        ),
        QdSo => (
            s.len() == 2
                && s[0] == "QD"
                && !matches!(s[1], "UBND" | "HDND" | "TTG" | "CP" | "CT" | "CTUBND"),
            "QĐ-<department>, e.g. 12/QĐ-SXD",
        ),
        Kh => (s.len() >= 2 && s[0] == "KH", "KH-<issuer>, e.g. 89/KH-UBND"),
        Bc => (
            s.len() >= 2 && matches!(s[0], "BC" | "BCTD"),
            "BC-<issuer>, e.g. 269/BC-SNV",
        ),
        Ttr => (
            s.len() >= 2 && s[0] == "TTR",
            "TTr-<issuer>, e.g. 243/TTr-SNV",
        ),
        Cv => (
            !s.is_empty() && !TYPE_PREFIXES.contains(&s[0]) && !s[0].starts_with("QH"),
            "<issuer>-<drafting unit> with no type prefix, e.g. 1785/UBND-NC",
        ),
    }
}

/// The part of the symbol that names the issuer: after the type prefix,
/// or first in a công văn's; None for central types.
fn issuer_part(t: DocumentType, symbol: &[String]) -> Option<&str> {
    if central(t) {
        return None;
    }
    let at = usize::from(t != DocumentType::Cv);
    symbol.get(at).map(String::as_str)
}

/// The abbreviation that names the issuer in `number`'s symbol (SXD in
/// "905/QĐ-SXD", SNV in "45/BC-SNV" or "12/SNV-TCBM"); None for central
/// types.
pub fn issuer_abbreviation(number: &DocumentNumber, t: DocumentType) -> Option<&str> {
    issuer_part(t, &number.symbol)
}

/// Checks that `number` fits the stated type, the issue year and the
/// issuer unit's kind (None: a central body or a body outside the tree),
/// and returns it read. Each disagreement has its own code:
///
/// * `MALFORMED_NUMBER`: not `số/ký hiệu` or `số/năm/ký hiệu`;
/// * `NUMBER_TYPE_MISMATCH`: the symbol is not the type's (QĐ-UBND for
///   a decision of UBND, KH-… for a plan, no prefix for a công văn);
/// * `NUMBER_YEAR_REQUIRED` / `NUMBER_YEAR_NOT_ALLOWED`: a luật, nghị
///   định, thông tư or nghị quyết of Quốc hội is always a VBQPPL and
///   carries the year; a plan, report, submission, công văn or a sở's
///   decision never is and never does;
/// * `NUMBER_YEAR_MISMATCH`: the year is not the issue date's;
/// * `NUMBER_ISSUER_MISMATCH`: UBND/HĐND in the symbol but the issuer is
///   not a province, district or commune; a department's abbreviation but
///   the issuer is not a department; a central type with an issuer unit.
pub fn check(
    number: &str,
    doc_type: DocumentType,
    issued_year: i32,
    issuer: Option<UnitKind>,
) -> AppResult<DocumentNumber> {
    let Some(parsed) = parse(number) else {
        return Err(AppError::rule(
            Some("number"),
            UserErrorCode::MalformedNumber,
            format!(
                "\"{number}\" is not a document number: số/ký hiệu (902/QĐ-UBND, 1785/UBND-NC) or, for a VBQPPL, số/năm/ký hiệu (15/2025/QĐ-UBND) [Luật 80/2015/QH13 Điều 8 k1; NĐ 30/2020/NĐ-CP Phụ lục I]"
            ),
        ));
    };
    let type_name = doc_type_name(doc_type);
    let (fits, expected) = symbol_fits(doc_type, &parsed.symbol);
    if !fits {
        return Err(AppError::rule(
            Some("number"),
            UserErrorCode::NumberTypeMismatch,
            format!(
                "the symbol of \"{number}\" is not that of a {type_name}: expected {expected} [NĐ 30/2020/NĐ-CP Phụ lục I mục II.3]"
            ),
        ));
    }
    match (year_rule(doc_type), parsed.year) {
        (YearRule::Required, None) => {
            return Err(AppError::rule(
                Some("number"),
                UserErrorCode::NumberYearRequired,
                format!(
                    "a {type_name} is always a legal normative document (VBQPPL) and its number carries the year, e.g. {issued_year}: số/{issued_year}/ký hiệu [Luật 80/2015/QH13 Điều 8 k1]"
                ),
            ));
        }
        (YearRule::Forbidden, Some(_)) => {
            return Err(AppError::rule(
                Some("number"),
                UserErrorCode::NumberYearNotAllowed,
                format!(
                    "a {type_name} is never a legal normative document (VBQPPL), so its number has no year: số/ký hiệu [Luật 80/2015/QH13 Điều 8 k1; NĐ 30/2020/NĐ-CP Phụ lục I]"
                ),
            ));
        }
        (_, Some(year)) if year != issued_year => {
            return Err(AppError::rule(
                Some("number"),
                UserErrorCode::NumberYearMismatch,
                format!(
                    "the number says {year} but the document was issued in {issued_year}; a VBQPPL is numbered in the year it is issued [Luật 80/2015/QH13 Điều 8 k1]"
                ),
            ));
        }
        _ => {}
    }
    let issuer_ok = match (issuer_part(doc_type, &parsed.symbol), issuer) {
        // A body outside the tree (another province, a ministry): nothing
        // to compare with.
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(part), Some(kind)) => {
            let territorial = matches!(
                kind,
                UnitKind::Province | UnitKind::District | UnitKind::Commune
            );
            if TERRITORIAL.contains(&part) {
                territorial
            } else {
                kind == UnitKind::Department
            }
        }
    };
    if !issuer_ok {
        let why = if central(doc_type) {
            format!(
                "a {type_name} is issued by a central body, not by a unit of the province: leave the issuer unit out and name the body"
            )
        } else {
            "UBND or HĐND in the symbol means a province, district or commune issued it; a department's abbreviation (SNV, SXD…) means a department did".to_owned()
        };
        return Err(AppError::rule(
            Some("issuer"),
            UserErrorCode::NumberIssuerMismatch,
            format!(
                "\"{number}\" does not name this issuer: {why} [NĐ 30/2020/NĐ-CP Phụ lục I mục II.3]"
            ),
        ));
    }
    Ok(parsed)
}

/// [`check`] for a document issued by `issuer` (None: a central body or a
/// body outside the tree), and, for a sở, that the symbol carries its own
/// abbreviation: the one its code ends with (19-SXD signs QĐ-SXD), so a
/// decision of Sở Tư pháp is not Sở Xây dựng's.
pub fn check_issued(
    number: &str,
    doc_type: DocumentType,
    issued_year: i32,
    issuer: Option<&entity::unit::Model>,
) -> AppResult<DocumentNumber> {
    let read = check(number, doc_type, issued_year, issuer.map(|u| u.kind))?;
    if let Some(unit) = issuer.filter(|u| u.kind == UnitKind::Department)
        && let Some(abbreviation) = crate::units::service::abbreviation(unit)
        && let Some(part) = issuer_abbreviation(&read, doc_type)
    {
        let abbreviation = abbreviation.to_ascii_uppercase();
        if part != abbreviation {
            return Err(AppError::rule(
                Some("issuer"),
                UserErrorCode::NumberIssuerMismatch,
                format!(
                    "\"{number}\" names {part}, but {} signs its documents {abbreviation} [NĐ 30/2020/NĐ-CP Phụ lục I mục II.3]",
                    unit.name
                ),
            ));
        }
    }
    Ok(read)
}

/// The Vietnamese name of a type, for messages.
pub fn doc_type_name(t: DocumentType) -> &'static str {
    use DocumentType::*;
    match t {
        Luat => "luật",
        NqQh => "nghị quyết of Quốc hội",
        NqUbtvqh => "nghị quyết of UBTVQH",
        Nd => "nghị định",
        QdTtg => "quyết định of the Thủ tướng",
        Tt => "thông tư",
        NqHdnd => "nghị quyết of HĐND",
        QdUbnd => "quyết định of UBND",
        QdCtUbnd => "quyết định of Chủ tịch UBND",
        QdSo => "quyết định of a department",
        Kh => "kế hoạch",
        Cv => "công văn",
        Bc => "báo cáo",
        Ttr => "tờ trình",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DocumentType::*;

    fn code(number: &str, t: DocumentType, year: i32, issuer: Option<UnitKind>) -> String {
        match check(number, t, year, issuer) {
            Ok(_) => "OK".into(),
            Err(AppError::Rule { code, .. }) => code.name(),
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn numbers_read_into_serial_year_and_symbol() {
        let n = parse("15/2025/QĐ-UBND").unwrap();
        assert_eq!((n.serial, n.year), (15, Some(2025)));
        assert_eq!(n.symbol, ["QD", "UBND"]);
        assert!(n.normative());
        let n = parse("1785 /UBND-NC").unwrap();
        assert_eq!((n.serial, n.year), (1785, None));
        assert_eq!(n.symbol, ["UBND", "NC"]);
        assert!(!n.normative());
        assert_eq!(parse("2205/TTr-SCT").unwrap().symbol, ["TTR", "SCT"]);
        assert_eq!(parse("72/2025/QH15").unwrap().symbol, ["QH15"]);
        assert_eq!(parse("57/2022/NQ-HĐND").unwrap().symbol, ["NQ", "HDND"]);
        assert_eq!(parse("qd/ubnd"), None);
        for bad in [
            "",
            "5/QĐ-",
            "/QĐ-UBND",
            "0/QĐ-UBND",
            "12a/QĐ-UBND",
            "15/25/QĐ-UBND",
            "15/2025/2025/QĐ-UBND",
            "15//QĐ-UBND",
            "15/QĐ--UBND",
            "15/QĐ_UBND",
            "1234567/QĐ-UBND",
            "15/1QĐ-UBND",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn normative_numbers_of_the_seeds_and_law_fit_their_types() {
        let province = Some(UnitKind::Province);
        for (number, t, year, issuer) in [
            ("15/2025/QĐ-UBND", QdUbnd, 2025, province),
            ("901/2025/QĐ-UBND", QdUbnd, 2025, province),
            ("903/2022/QĐ-UBND", QdUbnd, 2022, province),
            ("72/2025/QH15", Luat, 2025, None),
            ("190/2025/QH15", NqQh, 2025, None),
            ("06/2025/NĐ-CP", Nd, 2025, None),
            ("61/2018/NĐ-CP", Nd, 2018, None),
            ("104/2022/NĐ-CP", Nd, 2022, None),
            ("57/2022/NQ-HĐND", NqHdnd, 2022, province),
            ("35/2023/UBTVQH15", NqUbtvqh, 2023, None),
            ("02/2025/TT-BNV", Tt, 2025, None),
            ("15/2025/QD-UBND", QdUbnd, 2025, province),
        ] {
            let read = check(number, t, year, issuer).unwrap();
            assert!(read.normative(), "{number}");
        }
    }

    #[test]
    fn individual_numbers_of_the_seeds_fit_their_types() {
        let province = Some(UnitKind::Province);
        let dept = Some(UnitKind::Department);
        for (number, t, year, issuer) in [
            ("1785/UBND-NC", Cv, 2024, province),
            ("1785 /UBND-NC", Cv, 2024, province),
            ("6085/UBND-TTPVHCC", Cv, 2023, province),
            ("5442/UBND-NC", Cv, 2023, province),
            ("89/KH-UBND", Kh, 2025, province),
            ("511/KH-UBND", Kh, 2023, province),
            ("902/QĐ-UBND", QdUbnd, 2025, province),
            ("904/QĐ-UBND", QdUbnd, 2025, province),
            ("902/QĐ-UBND", QdCtUbnd, 2025, province),
            ("45/BC-SNV", Bc, 2025, dept),
            ("269/BC-SNV", Bc, 2023, dept),
            ("2205/TTr-SCT", Ttr, 2025, dept),
            ("243/TTr-SNV", Ttr, 2024, dept),
            ("112/TTr-SNV", Ttr, 2025, dept),
            ("12/QĐ-SXD", QdSo, 2025, dept),
            ("77/SNV-TCBM", Cv, 2025, dept),
            ("57/NQ-HĐND", NqHdnd, 2022, None),
            ("608/QĐ-TTg", QdTtg, 2025, None),
            ("1656/NQ-UBTVQH15", NqUbtvqh, 2025, None),
            ("89/kh-ubnd", Kh, 2025, province),
        ] {
            let read = check(number, t, year, issuer).unwrap();
            assert!(!read.normative(), "{number}");
        }
    }

    #[test]
    fn a_symbol_of_another_type_is_refused() {
        let p = Some(UnitKind::Province);
        // R3: a plan or a công văn passed off as a decision.
        assert_eq!(code("89/KH-UBND", QdUbnd, 2025, p), "NUMBER_TYPE_MISMATCH");
        assert_eq!(
            code("1785/UBND-NC", QdUbnd, 2024, p),
            "NUMBER_TYPE_MISMATCH"
        );
        assert_eq!(code("45/BC-SNV", QdSo, 2025, None), "NUMBER_TYPE_MISMATCH");
        assert_eq!(code("902/QĐ-UBND", Cv, 2025, p), "NUMBER_TYPE_MISMATCH");
        assert_eq!(code("72/2025/QH15", Nd, 2025, None), "NUMBER_TYPE_MISMATCH");
        assert_eq!(
            code("06/2025/NĐ-CP", Luat, 2025, None),
            "NUMBER_TYPE_MISMATCH"
        );
        assert_eq!(
            code("57/2022/NQ-HĐND", QdUbnd, 2022, p),
            "NUMBER_TYPE_MISMATCH"
        );
        assert_eq!(code("12/QĐ-UBND", QdSo, 2025, None), "NUMBER_TYPE_MISMATCH");
        assert_eq!(code("2205/TTr-SCT", Bc, 2025, None), "NUMBER_TYPE_MISMATCH");
        assert_eq!(
            code("608/QĐ-TTg", QdUbnd, 2025, None),
            "NUMBER_TYPE_MISMATCH"
        );
    }

    #[test]
    fn the_year_segment_follows_normativity() {
        let p = Some(UnitKind::Province);
        assert_eq!(code("72/QH15", Luat, 2025, None), "NUMBER_YEAR_REQUIRED");
        assert_eq!(code("06/NĐ-CP", Nd, 2025, None), "NUMBER_YEAR_REQUIRED");
        assert_eq!(code("02/TT-BNV", Tt, 2025, None), "NUMBER_YEAR_REQUIRED");
        assert_eq!(
            code("89/2025/KH-UBND", Kh, 2025, p),
            "NUMBER_YEAR_NOT_ALLOWED"
        );
        assert_eq!(
            code("1785/2024/UBND-NC", Cv, 2024, p),
            "NUMBER_YEAR_NOT_ALLOWED"
        );
        assert_eq!(
            code("45/2025/BC-SNV", Bc, 2025, None),
            "NUMBER_YEAR_NOT_ALLOWED"
        );
        assert_eq!(
            code("2205/2025/TTr-SCT", Ttr, 2025, None),
            "NUMBER_YEAR_NOT_ALLOWED"
        );
        assert_eq!(
            code("12/2025/QĐ-SXD", QdSo, 2025, None),
            "NUMBER_YEAR_NOT_ALLOWED"
        );
        assert_eq!(
            code("15/2025/QĐ-UBND", QdUbnd, 2024, p),
            "NUMBER_YEAR_MISMATCH"
        );
        assert_eq!(
            code("72/2025/QH15", Luat, 2026, None),
            "NUMBER_YEAR_MISMATCH"
        );
    }

    #[test]
    fn the_symbol_names_the_issuer() {
        let p = Some(UnitKind::Province);
        let d = Some(UnitKind::Department);
        let c = Some(UnitKind::Commune);
        assert_eq!(
            code("15/2025/QĐ-UBND", QdUbnd, 2025, d),
            "NUMBER_ISSUER_MISMATCH"
        );
        assert_eq!(code("15/2025/QĐ-UBND", QdUbnd, 2025, c), "OK");
        assert_eq!(code("12/QĐ-SXD", QdSo, 2025, p), "NUMBER_ISSUER_MISMATCH");
        assert_eq!(code("45/BC-SNV", Bc, 2025, p), "NUMBER_ISSUER_MISMATCH");
        assert_eq!(code("77/SNV-TCBM", Cv, 2025, p), "NUMBER_ISSUER_MISMATCH");
        assert_eq!(code("1785/UBND-NC", Cv, 2024, d), "NUMBER_ISSUER_MISMATCH");
        assert_eq!(
            code("72/2025/QH15", Luat, 2025, p),
            "NUMBER_ISSUER_MISMATCH"
        );
        assert_eq!(code("608/QĐ-TTg", QdTtg, 2025, p), "NUMBER_ISSUER_MISMATCH");
        assert_eq!(
            code("57/2022/NQ-HĐND", NqHdnd, 2022, d),
            "NUMBER_ISSUER_MISMATCH"
        );
        assert_eq!(code("89/KH-UBND", Kh, 2025, d), "NUMBER_ISSUER_MISMATCH");
        assert_eq!(code("89/KH-SNV", Kh, 2025, d), "OK");
    }

    #[test]
    fn a_malformed_number_is_named_as_such() {
        assert_eq!(code("5/QĐ", QdUbnd, 2025, None), "NUMBER_TYPE_MISMATCH");
        assert_eq!(code("QĐ-UBND", QdUbnd, 2025, None), "MALFORMED_NUMBER");
        assert_eq!(code("15/2025", QdUbnd, 2025, None), "MALFORMED_NUMBER");
    }
}

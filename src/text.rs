//! Text normalisation shared by storage and queries: Vietnamese names are
//! searched without regard to case or diacritics.

use unicode_normalization::char::is_combining_mark;

use crate::error::{AppError, AppResult, UserErrorCode};

pub use entity::collation::{sort_key, unit_name_key};
pub use entity::search::{fold, fold_all, number_key};

/// A LIKE pattern for a folded search column (see [`fold`]): rows whose
/// column contains `search` folded, so that "giay phep", "GIẤY PHÉP" and
/// "giấy phép" find the same rows on SQLite and PostgreSQL alike. `%`,
/// `_` and `\\` in the search are literal.
pub fn folded_contains(search: &str) -> sea_orm::sea_query::LikeExpr {
    let mut pattern = String::from("%");
    for c in fold(search).chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    sea_orm::sea_query::LikeExpr::new(pattern).escape('\\')
}

/// Characters that reorder or hide text: the bidirectional embeddings,
/// overrides and isolates, and the invisible direction marks. In a name
/// they make "Sở Nội vụ" display as something else.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Whether a name or title reads as what it is: no control or
/// bidirectional characters, and at least one character that is neither
/// a space nor a combining mark (a name of accents alone shows nothing).
pub fn readable(text: &str) -> bool {
    !text.chars().any(|c| c.is_control() || is_bidi_control(c))
        && text
            .chars()
            .any(|c| !c.is_whitespace() && !is_combining_mark(c) && !invisible(c))
}

/// Whether `text` says nothing: it has no letter or digit one can see.
/// Spaces, punctuation alone, invisible format characters (zero-width
/// space and joiners, word joiner, soft hyphen, byte-order mark), marks
/// with nothing to sit on, private-use characters and the Hangul and
/// braille fillers all say nothing, and a required text must say
/// something.
pub fn is_blank(text: &str) -> bool {
    !text.chars().any(says_something)
}

/// A letter or a digit that shows.
fn says_something(c: char) -> bool {
    c.is_alphanumeric()
        && !invisible(c)
        && !matches!(c, '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}')
}

/// A format character that shows nothing.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{180E}' | '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
    )
}

/// Whether long free text (a description, conditions, a report's
/// narrative) may be stored: lines and tabs are fine, other control
/// characters and text-direction overrides are not.
pub fn writable(text: &str) -> bool {
    !text
        .chars()
        .any(|c| (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || is_bidi_control(c))
}

/// [`checked`] for an optional argument (a list's `search`, `number`).
pub fn checked_opt(
    field: &str,
    value: &Option<String>,
    max_chars: usize,
) -> AppResult<Option<String>> {
    value
        .as_deref()
        .map(|s| checked(field, s, max_chars).map(str::to_owned))
        .transpose()
}

/// Checks a free-text argument before it reaches SQL: PostgreSQL rejects a
/// NUL byte in text, so it is refused here on every database alike.
pub fn checked<'a>(field: &str, value: &'a str, max_chars: usize) -> AppResult<&'a str> {
    if value.contains('\0') {
        return Err(AppError::invalid(format!(
            "{field} must not contain a NUL character"
        )));
    }
    if value.chars().count() > max_chars {
        return Err(AppError::invalid(format!(
            "{field} is longer than {max_chars} characters"
        )));
    }
    Ok(value)
}

/// A required single-line text (a name, a title, a number): trimmed, 1 to
/// `max` characters, [`readable`]; `INVALID_TEXT` on `field` otherwise.
pub fn check_text(field: &'static str, value: &str, max: usize) -> AppResult<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max || !readable(value) {
        return Err(AppError::rule(
            Some(field),
            UserErrorCode::InvalidText,
            format!(
                "{field} has 1 to {max} characters, with no control or text-direction characters"
            ),
        ));
    }
    Ok(value.to_owned())
}

/// The reason something goes back (a report, a proposal) or is refused:
/// 1 to 5,000 characters; REASON_REQUIRED otherwise. `what` says what is
/// asked, e.g. "why the report goes back".
pub fn check_reason<'a>(reason: &'a str, what: &str) -> AppResult<&'a str> {
    check_reason_in("reason", reason, what)
}

/// [`check_reason`] for an input field named otherwise (`note`).
pub fn check_reason_in<'a>(field: &'static str, reason: &'a str, what: &str) -> AppResult<&'a str> {
    let reason = reason.trim();
    if is_blank(reason) || reason.chars().count() > 5_000 || !writable(reason) {
        return Err(AppError::rule(
            Some(field),
            UserErrorCode::ReasonRequired,
            format!(
                "say {what}: 1 to 5000 characters, with no control or text-direction characters but lines and tabs"
            ),
        ));
    }
    Ok(reason)
}

/// Long free text: at most `max` characters, lines kept, no NUL, other
/// control or text-direction characters; None when blank.
pub fn check_long_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> AppResult<Option<String>> {
    let Some(value) = value.map(str::trim).filter(|v| !is_blank(v)) else {
        return Ok(None);
    };
    if value.chars().count() > max || !writable(value) {
        return Err(AppError::rule(
            Some(field),
            UserErrorCode::InvalidText,
            format!(
                "{field} has at most {max} characters, with no control or text-direction characters but lines and tabs"
            ),
        ));
    }
    Ok(Some(value.to_owned()))
}

/// Lower-case hex SHA-256 of `bytes`: how files, persisted queries and
/// audit events are named and checked.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_diacritics_and_spacing() {
        assert_eq!(fold("Tỉnh Thái Nguyên"), "tinh thai nguyen");
        assert_eq!(fold("THÁI NGUYÊN"), "thai nguyen");
        assert_eq!(fold("  Thai   Nguyen "), "thai nguyen");
        assert_eq!(fold("Đắk Lắk"), "dak lak");
        assert_eq!(fold("Phường Đống Đa"), "phuong dong da");
    }

    #[test]
    fn names_with_direction_overrides_or_only_accents_are_unreadable() {
        assert!(readable("Sở Nội vụ"));
        assert!(readable("Phường Đống Đa"));
        assert!(!readable("Sở \u{202E}vụ iộN"));
        assert!(!readable("\u{2067}Sở Tư pháp\u{2069}"));
        assert!(!readable("\u{0301}\u{0323}\u{0300}"));
        assert!(!readable(" \u{0301} "));
        assert!(!readable("tab\there"));
        assert!(!readable(""));
    }

    #[test]
    fn long_text_keeps_its_lines_but_no_other_control() {
        assert!(writable("Điều 1.\nĐiều 2.\r\n\tKhoản 1."));
        assert!(!writable("a\0b"));
        assert!(!writable("a\u{1b}[31m"));
        assert!(!writable("a\u{202E}b"));
    }

    #[test]
    fn text_of_invisible_characters_is_blank() {
        assert!(is_blank("\u{200B}"));
        assert!(is_blank(" \u{FEFF}\u{2060} \u{00AD}"));
        assert!(!is_blank("Thiếu công chức\u{200B}"));
        assert!(!readable("\u{200B}\u{200C}"));
        assert!(check_reason_in("note", "\u{200B}", "why").is_err());
        for filler in [
            "\u{3164}",
            "\u{2800}",
            "\u{115F}",
            "\u{FFA0}",
            "\u{0301}",
            "\u{E000}",
            "\u{FE0F}",
            "\u{E0020}",
            "—",
            "...",
        ] {
            assert!(is_blank(filler), "{filler:?}");
        }
        assert!(!is_blank("5"));
        assert!(!is_blank("Đ"));
        assert_eq!(
            check_long_text("cause", Some("\u{200B} "), 100).unwrap(),
            None
        );
    }

    #[test]
    fn nul_bytes_and_overlong_text_are_refused() {
        assert!(checked("search", "a\0b", 10).is_err());
        assert!(checked("search", "abcdef", 5).is_err());
        assert_eq!(checked("search", "Hà Nội", 6).unwrap(), "Hà Nội");
    }
}

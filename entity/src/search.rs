//! The one folding of text for search, shared by the server (on every
//! write and query) and the migrations (to backfill existing rows), so that
//! stored and searched text are folded by the same function.

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// Folds `text` to lower-case ASCII-like form: diacritics dropped, `đ` to
/// `d`, runs of whitespace to one space. "Tỉnh Thái Nguyên", "TINH THAI
/// NGUYEN" and "tinh  thai nguyen" all fold to "tinh thai nguyen".
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The folded search text of several fields, one space between them.
pub fn fold_all(parts: &[&str]) -> String {
    fold(&parts.join(" "))
}

/// The key a document number is matched by: folded and without any
/// whitespace, so "15/2025/QĐ-UBND", "15/2025/QD-UBND" and "1785 /UBND-NC"
/// match "15/2025/qd-ubnd" and "1785/ubnd-nc".
pub fn number_key(number: &str) -> String {
    fold(number)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

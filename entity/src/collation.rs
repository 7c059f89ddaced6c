//! Vietnamese alphabetical order as a sort key: a string whose plain byte
//! order (SQLite's BINARY, PostgreSQL's `COLLATE "C"`, Rust's `str::cmp`)
//! is the order a Vietnamese reader expects, so that both databases and
//! the server sort names identically. Computed by the server on every
//! write and by the migration that added the columns, one function for
//! all of them.
//!
//! The rules, as in Vietnamese dictionaries (Từ điển tiếng Việt, Viện
//! Ngôn ngữ học):
//! * letters in the order of the Vietnamese alphabet:
//!   a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y
//!   (f, j, w and z of foreign names fall in their Latin places);
//! * syllable by syllable (word by word): a syllable's letters first, then
//!   its tone, before the next syllable counts, so "Anh Sơn" comes before
//!   "Ánh Dương", and a name that is the beginning of another comes first
//!   ("An Khánh" before "Anh Sơn"); spaces, hyphens and punctuation only
//!   separate syllables;
//! * tones in the order không dấu, huyền, hỏi, ngã, sắc, nặng
//!   (ma, mà, mả, mã, má, mạ);
//! * numbers by their value ("Phường 2" before "Phường 10"), before letters;
//! * then, between names equal so far, lower case before upper case;
//! * letters of other scripts after the Latin ones, by code point.
//!
//! The key is, per syllable, one character per letter (`A`…`Z`, `a`…`g`),
//! `"` and the syllable's tone digit (the tone counts wherever its mark
//! sits: "Hoà" and "Hòa", "Thuỷ" and "Thủy" are one word); a number is its
//! length then its digits; syllables and numbers are joined by `!`.
//! Compatibility forms count as what they stand for (full-width digits,
//! a no-break space), zero-width characters and soft hyphens not at all. After a space come the
//! case marks of all letters. Only the first [`MAX_UNITS`] letters and
//! numbers count: longer texts that agree that far are ordered by the
//! list's tie-breaker (the id).

use unicode_normalization::UnicodeNormalization;

/// Letters, numbers and word breaks of a text that its key orders by.
pub const MAX_UNITS: usize = 160;

/// The Vietnamese alphabet with the Latin letters it lacks, in order.
const ALPHABET: [char; 33] = [
    'a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'ô', 'ơ', 'p', 'q', 'r', 's', 't', 'u', 'ư', 'v', 'w', 'x', 'y', 'z',
];

/// The key character of each letter of [`ALPHABET`], ascending in ASCII.
const LETTER_KEYS: &[u8; 33] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg";

/// Between syllables and numbers: below every letter and number.
const BREAK: char = '!';

/// Between a syllable's letters and its tones: below every letter, so a
/// syllable that begins another comes first.
const TONES: char = '"';

/// A letter of another script: this mark, then its code point in hex.
const OTHER: char = '~';

/// The sort key of `text` (see the module documentation).
pub fn sort_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len() * 2 + 2);
    let mut cases = String::new();
    // The syllable being read (None between syllables): its tone, the
    // first tone mark on any of its letters, wherever it sits ("Hoà" and
    // "Hòa" are one word).
    let mut syllable: Option<u8> = None;
    let mut units = 0usize;
    // Whether a segment (syllable or number) was written and not yet
    // followed by a break.
    let mut after_segment = false;
    // Compatibility forms read as what they stand for: full-width and
    // superscript digits as digits, a no-break space as a space.
    let mut chars = text.nfkd().filter(|c| !is_ignorable(*c)).peekable();
    while let Some(c) = chars.next() {
        if units >= MAX_UNITS {
            break;
        }
        if c.is_ascii_digit() {
            end_syllable(&mut key, &mut syllable);
            if after_segment {
                key.push(BREAK);
            }
            let mut digits = String::from(c);
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(d);
                chars.next();
            }
            let value = digits.trim_start_matches('0');
            let value = if value.is_empty() { "0" } else { value };
            // The length first, so that a shorter number is the smaller:
            // '1'…'?' for 1 to 15 digits, then '@' and two digits.
            if value.len() < 16 {
                key.push(char::from(b'0' + value.len() as u8));
            } else {
                key.push('@');
                key.push_str(&format!("{:02}", value.len().min(99)));
            }
            key.push_str(value);
            after_segment = true;
            units += 1;
            continue;
        }
        if !c.is_alphanumeric() {
            // Whitespace, punctuation, symbols and stray combining marks
            // end a syllable.
            if !is_mark(c) {
                end_syllable(&mut key, &mut syllable);
            }
            continue;
        }
        // A letter and the combining marks that follow it.
        let mut marks = Vec::new();
        while let Some(&m) = chars.peek().filter(|m| is_mark(**m)) {
            marks.push(m);
            chars.next();
        }
        if syllable.is_none() && after_segment {
            key.push(BREAK);
        }
        let lower = match c.to_lowercase().next().unwrap_or(c) {
            // Icelandic eth, typed for Đ by mistake.
            'ð' => 'đ',
            lower => lower,
        };
        match ALPHABET.iter().position(|&a| a == modified(lower, &marks)) {
            Some(i) => key.push(char::from(LETTER_KEYS[i])),
            None => {
                key.push(OTHER);
                key.push_str(&format!("{:06x}", u32::from(lower)));
            }
        }
        let tone = tone(&marks);
        syllable = Some(match syllable {
            Some(t) if t != 0 => t,
            _ => tone,
        });
        cases.push(if c.is_uppercase() { 'u' } else { 'l' });
        after_segment = true;
        units += 1;
    }
    end_syllable(&mut key, &mut syllable);
    key.push(' ');
    key.push_str(&cases);
    key
}

/// The words that name an administrative unit's type at the start of its
/// name, longest first.
const UNIT_TYPES: [&str; 9] = [
    "thành phố ",
    "thị trấn ",
    "thị xã ",
    "đặc khu ",
    "phường ",
    "huyện ",
    "quận ",
    "tỉnh ",
    "xã ",
];

/// The sort key of a unit's name: its proper name, the type word before it
/// left out ("Xã Đại Phúc" sorts as "Đại Phúc", "Thành phố Hà Nội" as "Hà
/// Nội"), so that a list of communes and wards reads as a reader looks a
/// place up; names without such a word ("Sở Nội vụ") are keyed whole.
pub fn unit_name_key(name: &str) -> String {
    let name = name.trim_start();
    // NFKC: a no-break space after the type word is a space.
    let lower: String = name.nfkc().flat_map(char::to_lowercase).collect();
    for prefix in UNIT_TYPES {
        if let Some(rest) = lower.strip_prefix(prefix)
            && !rest.trim().is_empty()
        {
            // The same number of characters off the original (case aside,
            // lower-casing these words keeps their length in characters).
            let skip = prefix.chars().count();
            let original: String = name.nfkc().skip(skip).collect();
            return sort_key(&original);
        }
    }
    sort_key(name)
}

/// Closes the syllable being read, if any: its tone after its letters.
fn end_syllable(key: &mut String, syllable: &mut Option<u8>) {
    if let Some(tone) = syllable.take() {
        key.push(TONES);
        key.push(char::from(b'0' + tone));
    }
}

/// Characters that are not there for a reader: zero-width spaces and
/// joiners, the word joiner, a byte-order mark, a soft hyphen.
fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// Whether `c` is a combining mark (as left by NFD).
fn is_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

/// The Vietnamese letter `base` becomes with `marks`: breve, circumflex
/// and horn make ă, â, ê, ô, ơ, ư; the tone marks leave it as it is.
fn modified(base: char, marks: &[char]) -> char {
    for &m in marks {
        let letter = match (base, m) {
            ('a', '\u{0306}') => 'ă',
            ('a', '\u{0302}') => 'â',
            ('e', '\u{0302}') => 'ê',
            ('o', '\u{0302}') => 'ô',
            ('o', '\u{031B}') => 'ơ',
            ('u', '\u{031B}') => 'ư',
            _ => continue,
        };
        return letter;
    }
    base
}

/// The tone of a letter from its marks: 0 không dấu, 1 huyền, 2 hỏi,
/// 3 ngã, 4 sắc, 5 nặng.
fn tone(marks: &[char]) -> u8 {
    for &m in marks {
        match m {
            '\u{0300}' => return 1,
            '\u{0309}' => return 2,
            '\u{0303}' => return 3,
            '\u{0301}' => return 4,
            '\u{0323}' => return 5,
            _ => {}
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `names` sorted by their keys.
    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<&str> = names.to_vec();
        v.sort_by_key(|n| sort_key(n));
        v.into_iter().map(str::to_owned).collect()
    }

    fn assert_order(expected: &[&str]) {
        let mut shuffled: Vec<&str> = expected.to_vec();
        shuffled.reverse();
        shuffled.rotate_left(expected.len() / 3);
        assert_eq!(sorted(&shuffled), expected);
    }

    #[test]
    fn the_vietnamese_alphabet_in_order() {
        assert_order(&[
            "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "h", "i", "k", "l", "m", "n", "o",
            "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "x", "y",
        ]);
        assert_order(&["Đại Phúc", "Đồng Phúc", "Đức Xuân"]);
        assert_order(&["Dân Tiến", "Dương Thành", "Đại Từ", "Điềm Thụy"]);
        assert_order(&["Ôn Lương", "Ơn Lương", "Phú Bình"]);
        assert_order(&["Úc Kỳ", "Uyên Hưng", "Ưng Hòa"]);
    }

    #[test]
    fn tones_after_the_letters_of_each_syllable() {
        // Tone order: không dấu, huyền, hỏi, ngã, sắc, nặng.
        assert_order(&["ma", "mà", "mả", "mã", "má", "mạ"]);
        // Within a syllable, letters first: "Hà" and "Hạ" before "Hai".
        assert_order(&["Hà Châu", "Hà Giang", "Hạ Hòa", "Hai Bà Trưng"]);
        // A syllable (with its tone) is settled before the next one
        // counts, as in a dictionary: "ma …" before "mà …".
        assert_order(&["ma chay", "ma quỷ", "mà chay", "má"]);
        assert_order(&["Phú Bình", "Phú Lạc", "Phú Lương", "Phụ Lạc"]);
        assert_order(&["Anh Sơn", "Ánh Dương"]);
        // The tone belongs to the syllable, wherever its mark is written.
        assert_eq!(sort_key("Hoà Bình"), sort_key("Hòa Bình"));
        assert_eq!(sort_key("Thuỷ"), sort_key("Thủy"));
        assert_order(&["Hòa An", "Hoà Bình", "Hỏa", "Hoá Bình", "Hóa Sơn"]);
    }

    #[test]
    fn words_before_longer_words_and_numbers_by_value() {
        assert_order(&["An Khánh", "Anh Sơn", "Ánh Dương"]);
        assert_order(&["Đông Hưng", "Đồng", "Đồng Hỷ"]);
        assert_order(&[
            "Phường 1",
            "Phường 2",
            "Phường 9",
            "Phường 10",
            "Phường 10A",
        ]);
        assert_order(&["Tân Cương", "Tân Khánh", "Tân Kỳ", "Tân Thành"]);
        assert_order(&["Xã 3", "Xã An"]);
        assert_order(&[
            "ZZ 999999999999999",
            "ZZ 99999999999999999",
            "ZZ 100000000000000000",
        ]);
        // Full-width and superscript digits are digits; invisible
        // characters are nothing; Ð is the Đ it was meant to be.
        assert_eq!(sort_key("Tổ ２"), sort_key("Tổ 2"));
        assert_eq!(sort_key("Đại\u{200B}Từ"), sort_key("ĐạiTừ"));
        assert_eq!(sort_key("Ðại Từ")[..8], sort_key("Đại Từ")[..8]);
    }

    #[test]
    fn the_same_name_written_differently_has_one_key_up_to_case() {
        // Precomposed (NFC) and decomposed (NFD) forms, and odd spacing.
        assert_eq!(
            sort_key("Thái Nguyên"),
            sort_key("Tha\u{0301}i Nguye\u{0302}n")
        );
        assert_eq!(sort_key("Thái  Nguyên"), sort_key(" Thái Nguyên "));
        assert_eq!(sort_key("Thái-Nguyên"), sort_key("Thái Nguyên"));
        // Case decides only between otherwise equal names, lower first.
        assert_order(&["thái nguyên", "Thái Nguyên", "Thái nguyêna"]);
    }

    #[test]
    fn units_sort_by_their_proper_names() {
        let mut names = vec![
            "Xã Đức Xuân",
            "Phường Phan Đình Phùng",
            "Xã Đại Phúc",
            "Thành phố Hà Nội",
            "Tỉnh Thái Nguyên",
            "Thị trấn Hương Sơn",
            "Xã An Khánh",
            "Sở Nội vụ",
            "Phường Phú Xá",
        ];
        names.sort_by_key(|n| unit_name_key(n));
        assert_eq!(
            names,
            [
                "Xã An Khánh",
                "Xã Đại Phúc",
                "Xã Đức Xuân",
                "Thành phố Hà Nội",
                "Thị trấn Hương Sơn",
                "Phường Phan Đình Phùng",
                "Phường Phú Xá",
                "Sở Nội vụ",
                "Tỉnh Thái Nguyên",
            ]
        );
        // A no-break space after the type word is a space.
        assert_eq!(
            unit_name_key("Xã\u{A0}Đại Phúc"),
            unit_name_key("Xã Đại Phúc")
        );
        // Only a type word followed by a name is left out.
        assert_eq!(unit_name_key("Xã"), sort_key("Xã"));
        // Upper-case type words too; only the case marks differ.
        let primary = |k: String| k.rsplit_once(' ').map(|(p, _)| p.to_owned());
        assert_eq!(
            primary(unit_name_key("XÃ ĐẠI PHÚC")),
            primary(unit_name_key("Xã Đại Phúc"))
        );
    }

    #[test]
    fn keys_are_ascii_without_nul_and_bounded() {
        for name in ["Tỉnh Thái Nguyên", "", "  ", "東京", "Ñandú 007", "a\u{0}b"] {
            let key = sort_key(name);
            assert!(key.is_ascii(), "{name:?} → {key:?}");
            assert!(!key.contains('\0'));
        }
        let long = "Ủy ban nhân dân ".repeat(100);
        assert!(sort_key(&long).len() <= MAX_UNITS * 4 + 2);
        // Other scripts follow the Latin letters.
        assert_order(&["Zeta", "東京"]);
        // Leading zeros do not count.
        assert_eq!(sort_key("Tổ 007")[..5], sort_key("Tổ 7")[..5]);
    }
}

//! Cleaning of text cells: the form that is stored, displayed and written back out.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Characters that render as nothing and only break comparisons.
const INVISIBLE: [char; 6] = [
    '\u{200B}', // zero width space
    '\u{200C}', // zero width non-joiner
    '\u{200D}', // zero width joiner
    '\u{2060}', // word joiner
    '\u{FEFF}', // byte order mark / zero width no-break space
    '\u{00AD}', // soft hyphen
];

/// Returns `raw` trimmed, with invisible characters removed, every run of white space
/// (non-breaking spaces and line breaks included) collapsed to one space, and in NFC.
///
/// ```
/// assert_eq!(chibo::text::clean("  Nguye\u{302}\u{303}n\u{a0}\u{a0}Va\u{306}n\nA\u{200b} "), "Nguyễn Văn A");
/// ```
pub fn clean(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.chars().filter(|c| !INVISIBLE.contains(c)) {
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    // Nearly all text is already NFC: the quick check avoids recomposing it.
    if out.is_ascii() || is_nfc_quick(out.chars()) == IsNormalized::Yes {
        out
    } else {
        out.nfc().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::clean;
    use proptest::prelude::*;

    #[test]
    fn cases() {
        let cases = [
            ("", ""),
            ("   ", ""),
            ("Bản\u{a0}Mới", "Bản Mới"),
            ("Tiểu\u{202f}khu\t\t3", "Tiểu khu 3"),
            ("Lò\u{200b}Văn", "LòVăn"),
            ("\u{feff}Chi bộ", "Chi bộ"),
            // NFD input (as macOS and some web forms produce it) becomes NFC.
            ("Ho\u{300}a", "Hòa"),
            ("Nguye\u{302}\u{303}n", "Nguyễn"),
            ("dòng 1\r\ndòng 2", "dòng 1 dòng 2"),
        ];
        for (raw, want) in cases {
            assert_eq!(clean(raw), want, "clean({raw:?})");
        }
    }

    proptest! {
        #[test]
        fn is_idempotent(s in "\\PC*") {
            let once = clean(&s);
            prop_assert_eq!(clean(&once), once.clone());
        }

        #[test]
        fn has_no_edge_or_double_spaces(s in "[ \\t\\u{a0}a-zà-ỹ]*") {
            let c = clean(&s);
            prop_assert!(!c.starts_with(' ') && !c.ends_with(' ') && !c.contains("  "));
        }
    }
}

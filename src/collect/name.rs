//! Safe file names for attachments. A sender's name never becomes a path unchecked: its
//! folder parts, `..`, control characters, characters Windows forbids, names Windows
//! reserves (`CON`, `COM1`, …), leading dots (a hidden file the inbox would skip) and
//! trailing dots or spaces go; Vietnamese letters stay (NFC); the name is cut to
//! [`MAX_CHARS`] characters, its ending kept. Pure.

use unicode_normalization::UnicodeNormalization;

/// The longest name kept, in characters (the ending included).
pub const MAX_CHARS: usize = 120;

/// The name given to an attachment whose name leaves nothing.
const FALLBACK: &str = "tep-dinh-kem";

/// The safe file name of `given` (an attachment's name as the sender gave it).
pub fn safe(given: &str) -> String {
    let nfc: String = given.nfc().collect();
    // The last part of any path, whichever separator it used.
    let base = nfc.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut name: String = base
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    name = name
        .trim_start_matches(['.', ' ', '~', '$'])
        .trim_end_matches(['.', ' '])
        .to_owned();
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !e.is_empty() && e.chars().count() <= 8 => {
            (s.trim_end_matches(['.', ' ']).to_owned(), format!(".{e}"))
        }
        _ => (name.clone(), String::new()),
    };
    let mut stem = if stem.is_empty() {
        FALLBACK.to_owned()
    } else {
        stem
    };
    if is_reserved(&stem) {
        stem.insert(0, '_');
    }
    let room = MAX_CHARS.saturating_sub(ext.chars().count());
    if stem.chars().count() > room {
        stem = stem.chars().take(room).collect::<String>();
        stem = stem.trim_end_matches(['.', ' ']).to_owned();
    }
    format!("{stem}{ext}")
}

/// Whether Windows reserves `stem` (before its first dot, any case): `CON`, `PRN`, `AUX`,
/// `NUL`, `COM0`–`COM9`, `LPT0`–`LPT9`.
fn is_reserved(stem: &str) -> bool {
    let first = stem.split('.').next().unwrap_or_default().trim_end();
    let upper = first.to_ascii_uppercase();
    ["CON", "PRN", "AUX", "NUL"].contains(&upper.as_str())
        || (upper.len() == 4
            && (upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.as_bytes()[3].is_ascii_digit())
}

/// The `n`th name for `name` when it is taken by another file: `Báo cáo (2).xlsx`.
pub fn numbered(name: &str, n: usize) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem} ({n}).{ext}"),
        None => format!("{name} ({n})"),
    }
}

/// `name` with the unit `code` in front, so that `run` finds the unit in the file name
/// (when the workbook does not say), unless the name holds it already as a word.
pub fn with_unit(name: &str, code: &str) -> String {
    if crate::submission::identify::contains_word(name, code) {
        name.to_owned()
    } else {
        safe(&format!("{code} {name}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_become_plain_file_names() {
        let cases = [
            ("../../x.xlsx", "x.xlsx"),
            ("..\\..\\Windows\\x.xlsx", "x.xlsx"),
            ("/etc/passwd", "passwd"),
            ("CON.xlsx", "_CON.xlsx"),
            ("con", "_con"),
            ("com1.xls", "_com1.xls"),
            ("LPT9.tar.xlsx", "_LPT9.tar.xlsx"),
            ("CONSOLE.xlsx", "CONSOLE.xlsx"),
            ("a\u{0}b\r\n\tc.xlsx", "abc.xlsx"),
            ("báo cáo. . .", "báo cáo"),
            ("...", "tep-dinh-kem"),
            ("", "tep-dinh-kem"),
            (".hidden.xlsx", "hidden.xlsx"),
            ("~$lock.xlsx", "lock.xlsx"),
            ("a<b>c:d|e?f*.xlsx", "a_b_c_d_e_f_.xlsx"),
            ("Yên Châu tháng 7 .xlsx", "Yên Châu tháng 7.xlsx"),
        ];
        for (given, safe_name) in cases {
            assert_eq!(safe(given), safe_name, "{given:?}");
        }
        // Decomposed letters (as macOS writes them) come out composed.
        assert_eq!(
            safe("Yên Châu.xlsx".nfd().collect::<String>().as_str()),
            "Yên Châu.xlsx"
        );
        let long = format!("{}.xlsx", "ế".repeat(500));
        let cut = safe(&long);
        assert_eq!(cut.chars().count(), MAX_CHARS);
        assert!(cut.ends_with("ế.xlsx"));
    }

    #[test]
    fn clashes_and_units() {
        assert_eq!(numbered("Báo cáo.xlsx", 2), "Báo cáo (2).xlsx");
        assert_eq!(numbered("x", 3), "x (3)");
        assert_eq!(with_unit("Báo cáo.xlsx", "YC"), "YC Báo cáo.xlsx");
        assert_eq!(with_unit("YC tháng 7.xlsx", "YC"), "YC tháng 7.xlsx");
    }
}

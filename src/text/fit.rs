//! Text made to fit where it is shown: a value quoted in a diagnostic, the `Lỗi dữ liệu`
//! sheet or an email is shortened; a cell of a written workbook holds at most what
//! Excel can hold and only characters XML can carry.

use std::borrow::Cow;

/// How many characters of an offending value a diagnostic, the `Lỗi dữ liệu` sheet or
/// an email shows; a longer value is cut there and ends with «…».
pub const SHOWN_CHARS: usize = 200;

/// The most a cell of an Excel workbook holds: 32,767 UTF-16 code units (Excel's
/// «characters»; a character beyond the Basic Multilingual Plane counts twice).
pub const CELL_UNITS: usize = 32_767;

/// `text` as a diagnostic shows it: whole up to [`SHOWN_CHARS`] characters, else its
/// first [`SHOWN_CHARS`] characters and «…».
pub fn shorten(text: &str) -> Cow<'_, str> {
    // A text of at most SHOWN_CHARS bytes has at most as many characters.
    if text.len() <= SHOWN_CHARS {
        return Cow::Borrowed(text);
    }
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((cut, _)) => Cow::Owned(format!("{}…", &text[..cut])),
        None => Cow::Borrowed(text),
    }
}

/// A message with every value it quotes between « and » shortened as [`shorten`] does.
pub fn shorten_quoted(message: String) -> String {
    // A message short enough cannot quote a value to shorten.
    if message.len() <= SHOWN_CHARS {
        return message;
    }
    let mut out = String::with_capacity(4 * SHOWN_CHARS);
    let mut rest = message.as_str();
    while let Some(open) = rest.find('«') {
        let (before, quoted) = rest.split_at(open + '«'.len_utf8());
        out.push_str(before);
        let Some(close) = quoted.find('»') else {
            out.push_str(&shorten(quoted));
            return out;
        };
        out.push_str(&shorten(&quoted[..close]));
        out.push('»');
        rest = &quoted[close + '»'.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// Whether XML 1.0 can carry `c` (its `Char` production; a Rust `char` is never a lone
/// surrogate).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `text` as a workbook cell can hold it: the characters XML cannot carry dropped, and
/// cut after [`CELL_UNITS`] UTF-16 code units (never inside a character). Borrowed when
/// it already fits, which the length in bytes tells for almost every text.
pub fn fit_cell(text: &str) -> Cow<'_, str> {
    // The bytes tell at once for almost every text: no control byte, no lead byte of
    // U+F000–U+FFFF (where U+FFFE and U+FFFF are), and at most as many bytes as units.
    let plain = text
        .bytes()
        .all(|b| (b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r')) && b != 0xEF);
    if plain && text.len() <= CELL_UNITS {
        return Cow::Borrowed(text);
    }
    let clean = plain || text.chars().all(xml_char);
    if clean && text.len() <= CELL_UNITS {
        return Cow::Borrowed(text);
    }
    let mut units = 0;
    let mut out = String::with_capacity(text.len().min(4 * CELL_UNITS));
    for c in text.chars().filter(|&c| xml_char(c)) {
        units += c.len_utf16();
        if units > CELL_UNITS {
            break;
        }
        out.push(c);
    }
    if clean && out.len() == text.len() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(out)
    }
}

/// How many UTF-16 code units `text` has: its length as Excel counts it.
pub fn cell_units(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortening() {
        assert_eq!(shorten("Bản Mới"), "Bản Mới");
        let exact = "ă".repeat(SHOWN_CHARS);
        assert_eq!(shorten(&exact), exact.as_str());
        let long = "ă".repeat(SHOWN_CHARS + 1);
        assert_eq!(shorten(&long), format!("{}…", "ă".repeat(SHOWN_CHARS)));
        let message = format!("không có «{}» trong danh sách «x»", "b".repeat(40_000));
        assert_eq!(
            shorten_quoted(message),
            format!(
                "không có «{}…» trong danh sách «x»",
                "b".repeat(SHOWN_CHARS)
            )
        );
        let unclosed = format!("giá trị «{}", "c".repeat(300));
        assert_eq!(
            shorten_quoted(unclosed),
            format!("giá trị «{}…", "c".repeat(SHOWN_CHARS))
        );
        let short = "không có «Lò Văn A»".to_owned();
        assert_eq!(shorten_quoted(short.clone()), short);
    }

    #[test]
    fn cells() {
        assert!(matches!(fit_cell("Bản Mới\tx\n"), Cow::Borrowed(_)));
        assert_eq!(fit_cell("a\u{0}b\u{1f}c\u{fffe}d\u{b}"), "abcd");
        let whole = "ơ".repeat(CELL_UNITS);
        assert!(matches!(fit_cell(&whole), Cow::Borrowed(_)));
        let over = "ơ".repeat(CELL_UNITS + 5);
        assert_eq!(fit_cell(&over), whole);
        // A character of two UTF-16 units that would end past the limit is left out.
        let astral = format!("{}😀", "a".repeat(CELL_UNITS - 1));
        assert_eq!(fit_cell(&astral), "a".repeat(CELL_UNITS - 1));
        assert_eq!(cell_units(&astral), CELL_UNITS + 1);
    }
}

//! What a person types at the menu's questions, read leniently: a folder pasted with its
//! quotes or a trailing backslash, a month written day-first style (`7/2020`) or as the
//! command line writes it (`2020-07`), a choice with spaces around it. Pure functions.

use std::path::PathBuf;

use crate::model::YearMonth;

/// A folder path as typed or pasted: surrounding spaces and one pair of quotes (Explorer's
/// "Copy as path" adds them) taken off, and trailing separators but for a root's. `None`
/// for nothing typed.
pub fn folder(text: &str) -> Option<PathBuf> {
    let mut text = text.trim();
    for quote in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(quote).and_then(|t| t.strip_suffix(quote)) {
            text = inner.trim();
            break;
        }
    }
    let trimmed = text.trim_end_matches(['\\', '/']);
    // `/`, `C:\` and `C:/` keep theirs: without it `C:` means the current folder of C:.
    let text = if trimmed.is_empty() || trimmed.ends_with(':') {
        text
    } else {
        trimmed
    };
    (!text.is_empty()).then(|| PathBuf::from(text))
}

/// A report month typed as `2020-07`, `2020-7`, `07/2020` or `7/2020`: `Ok(None)` for
/// nothing typed (the default is taken), else the month if it is one of those forms and
/// within the years the command line takes.
///
/// # Errors
/// What to tell the person, in Vietnamese.
pub fn month(text: &str) -> Result<Option<YearMonth>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let month = YearMonth::parse(text).ok_or_else(|| {
        format!(
            "«{text}» không phải một tháng; hãy gõ tháng/năm như 07/2020 hoặc năm-tháng như 2020-07"
        )
    })?;
    crate::cli::within_years(month, text).map(Some)
}

/// A number from `0` to `last`, as typed.
pub fn choice(text: &str, last: usize) -> Option<usize> {
    let text = text.trim().trim_end_matches('.');
    if text.is_empty() || text.len() > 3 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|n| *n <= last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_as_pasted() {
        for (typed, expected) in [
            ("/srv/chibo", Some("/srv/chibo")),
            ("  /srv/chibo/  ", Some("/srv/chibo")),
            ("\"C:\\Users\\Lan\\chibo\\\"", Some("C:\\Users\\Lan\\chibo")),
            (
                "\"C:\\Users\\Lan\\Tài liệu\\chibo\"",
                Some("C:\\Users\\Lan\\Tài liệu\\chibo"),
            ),
            ("'/home/lan/tổng hợp'", Some("/home/lan/tổng hợp")),
            ("C:\\", Some("C:\\")),
            ("\"D:\\\"", Some("D:\\")),
            ("/", Some("/")),
            ("\"/srv/chibo", Some("\"/srv/chibo")),
            ("", None),
            ("   ", None),
            ("\"\"", None),
        ] {
            assert_eq!(folder(typed), expected.map(PathBuf::from), "{typed:?}");
        }
    }

    #[test]
    fn months_as_typed() {
        let ok = |y, m| Ok(Some(YearMonth::new(y, m).unwrap()));
        for (typed, expected) in [
            ("2020-07", ok(2020, 7)),
            ("2020-7", ok(2020, 7)),
            ("07/2020", ok(2020, 7)),
            ("7/2020", ok(2020, 7)),
            (" 12/2099 ", ok(2099, 12)),
            ("1/2000", ok(2000, 1)),
            ("", Ok(None)),
            ("  ", Ok(None)),
        ] {
            assert_eq!(month(typed), expected, "{typed:?}");
        }
        for typed in [
            "13/2020", "2020-00", "7/20", "07-2020", "2020/07", "tháng 7", "7",
        ] {
            let said = month(typed).expect_err(typed);
            assert!(said.contains("không phải một tháng"), "{typed}: {said}");
        }
        for typed in ["7/1999", "2100-01"] {
            let said = month(typed).expect_err(typed);
            assert!(
                said.contains("nằm ngoài các năm 2000–2099"),
                "{typed}: {said}"
            );
        }
    }

    #[test]
    fn choices_as_typed() {
        for (typed, expected) in [
            ("1", Some(1)),
            (" 6 ", Some(6)),
            ("0", Some(0)),
            ("06", Some(6)),
            ("2.", Some(2)),
            ("7", None),
            ("-1", None),
            ("", None),
            ("một", None),
            ("1 2", None),
            ("99999999999999999999", None),
        ] {
            assert_eq!(choice(typed, 6), expected, "{typed:?}");
        }
    }
}

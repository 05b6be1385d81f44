//! Cleaning of text cells: the form that is stored, displayed and written back out.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use super::legacy::{LegacyEncoding, decode_legacy};

/// Characters that render as nothing and only break comparisons.
pub(crate) const INVISIBLE: [char; 6] = [
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
    if is_clean_latin(raw) {
        return raw.to_owned();
    }
    rebuild(raw)
}

/// The text of a cell as it is read: checked as stored for a legacy font encoding
/// (TCVN3, VNI) and converted when it is one, then [`clean`]ed.
///
/// The check sees the text before cleaning would lose anything of it: U+00AD, the soft
/// hyphen that cleaning removes, is TCVN3's `ư`, and text in decomposed Unicode (NFD,
/// whose combining marks show it is Unicode) is not yet composed into Latin-1 look-alikes.
/// Only white space and the other invisible characters are tidied first, as cleaning
/// tidies them, so that they neither split nor start words.
///
/// ```
/// let read = chibo::text::read_stored("Ph\u{ad}êng  QuyÕt Th¾ng");
/// assert_eq!(read.text, "Phường Quyết Thắng");
/// assert_eq!(read.legacy.map(|l| l.typed), Some("Ph\u{ad}êng QuyÕt Th¾ng".to_owned()));
/// ```
#[must_use]
pub fn read_stored(raw: &str) -> Stored {
    // ASCII, or text holding a letter only Unicode has (`ư`, `ơ`, `ă`, `đ`, `ĩ`, `ũ`, a
    // precomposed vowel with its tone, a combining tone mark): the legacy fonts write
    // their letters with Latin-1 and Windows-1252 characters, none of these. Most text
    // units type is such, and is read without trying the legacy readings.
    if !may_convince(raw) {
        return Stored::plain(raw);
    }
    let typed = tidy_stored(raw);
    match decode_legacy(&typed) {
        Some((decoded, encoding)) => Stored::decoded(&decoded, encoding, typed),
        None => Stored::plain(raw),
    }
}

/// Whether `raw` may have been typed in a legacy font encoding: it is not ASCII, and it
/// holds no letter only Unicode has ([`read_stored`]'s fast path).
pub(crate) fn may_be_legacy(raw: &str) -> bool {
    !raw.is_ascii() && !raw.chars().any(only_unicode)
}

/// Whether [`decode_legacy`] could find `raw` convincing, told in one pass without
/// decoding it: [`may_be_legacy`], and a convincing reading needs two changed words
/// (each with a character outside ASCII), or one word with two such characters or a
/// Latin-1 symbol (the micro sign included) used as a letter. So text with one character
/// outside ASCII, not a symbol, is not (`Có`, `Khá`: a closed list reads those).
pub(crate) fn may_convince(raw: &str) -> bool {
    if raw.is_ascii() {
        return false;
    }
    let mut high = 0;
    for c in raw.chars().filter(|c| !c.is_ascii()) {
        if only_unicode(c) {
            return false;
        }
        if super::legacy::is_latin1_symbol(c) || c == '\u{B5}' {
            high = 2;
        } else {
            high += 1;
        }
    }
    high >= 2
}

/// A Vietnamese letter or tone mark that no legacy font encoding writes.
fn only_unicode(c: char) -> bool {
    matches!(c,
        '\u{102}' | '\u{103}' | '\u{110}' | '\u{111}' | '\u{128}' | '\u{129}'
        | '\u{168}' | '\u{169}' | '\u{1a0}' | '\u{1a1}' | '\u{1af}' | '\u{1b0}'
        | '\u{300}'..='\u{323}' | '\u{1ea0}'..='\u{1ef9}')
}

/// What `raw` (a label, a sheet name) names in a closed list, looked up by `find`: as
/// typed, or as read from a legacy font encoding, with that reading (cleaned). The
/// legacy reading is taken when [`read_stored`] finds the text convincing, or when
/// exactly one of its two readings ([`super::legacy_readings`]) is in the list: a word
/// of a closed list is evidence that syllables alone cannot weigh (`Cã dù`, TCVN3's
/// `Có dự`, reads as Vietnamese either way, but only one reading is a label).
pub fn read_known<T: PartialEq>(
    raw: &str,
    find: impl Fn(&str) -> Option<T>,
) -> Option<(T, Option<(Legacy, String)>)> {
    read_known_with(raw, read_stored, None, find)
}

/// [`read_known`] with the text's convincing reading given by `stored`, and `verdict`,
/// the legacy encoding the rest of the file shows ([`super::Reading`]): when neither the
/// text as typed nor a convincing reading is a word of the list, the reading in the
/// file's encoding is taken if it is one, before either reading is.
pub(crate) fn read_known_with<T: PartialEq>(
    raw: &str,
    stored: impl FnOnce(&str) -> Stored,
    verdict: Option<LegacyEncoding>,
    find: impl Fn(&str) -> Option<T>,
) -> Option<(T, Option<(Legacy, String)>)> {
    if let Some(found) = find(raw) {
        return Some((found, None));
    }
    if raw.is_ascii() {
        return None;
    }
    let stored = stored(raw);
    if let Some(legacy) = stored.legacy {
        let found = find(&stored.text)?;
        return Some((found, Some((legacy, stored.text))));
    }
    let typed = tidy_stored(raw);
    let readings = super::legacy_readings(&typed)?;
    if let Some(verdict) = verdict
        && let Some((reading, encoding)) = readings.iter().find(|(_, e)| *e == verdict)
        && let Some(found) = find(reading)
    {
        let text = clean(reading);
        return Some((
            found,
            Some((
                Legacy {
                    encoding: *encoding,
                    typed,
                },
                text,
            )),
        ));
    }
    let mut found = readings
        .into_iter()
        .filter_map(|(reading, encoding)| Some((find(&reading)?, reading, encoding)));
    let (first, reading, encoding) = found.next()?;
    if found.any(|(other, _, _)| other != first) {
        return None;
    }
    Some((first, Some((Legacy { encoding, typed }, clean(&reading)))))
}

/// A cell's text as [`read_stored`] reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    /// The text, converted when it was typed in a legacy font encoding, and cleaned.
    pub text: String,
    /// The legacy encoding it was typed in, if any.
    pub legacy: Option<Legacy>,
}

impl Stored {
    /// `raw` cleaned, not legacy text.
    pub(crate) fn plain(raw: &str) -> Stored {
        Stored {
            text: clean(raw),
            legacy: None,
        }
    }

    /// `decoded`, read from `typed` in `encoding`, cleaned.
    pub(crate) fn decoded(decoded: &str, encoding: LegacyEncoding, typed: String) -> Stored {
        Stored {
            text: clean(decoded),
            legacy: Some(Legacy { encoding, typed }),
        }
    }
}

/// Text found typed in a legacy font encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Legacy {
    /// The encoding.
    pub encoding: LegacyEncoding,
    /// The text as typed, to quote: white space tidied as [`clean`] tidies it, soft
    /// hyphens kept, not normalized.
    pub typed: String,
}

/// The text of a cell as the legacy check reads it: white space and invisible
/// characters tidied as [`clean`] tidies them, soft hyphens (TCVN3's `ư`) kept, not
/// normalized.
pub(crate) fn tidy_stored(raw: &str) -> String {
    collapse(raw, true)
}

/// [`clean`] the long way: character by character, then NFC.
fn rebuild(raw: &str) -> String {
    let out = collapse(raw, false);
    // Nearly all text is already NFC: the quick check avoids recomposing it.
    if surely_nfc(&out) || is_nfc_quick(out.chars()) == IsNormalized::Yes {
        out
    } else {
        out.nfc().collect()
    }
}

/// `raw` trimmed, with invisible characters removed (soft hyphens kept if
/// `keep_soft_hyphens`) and every run of white space collapsed to one space; not
/// normalized.
fn collapse(raw: &str, keep_soft_hyphens: bool) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    // The invisible characters all lie above U+00AC.
    for c in raw.chars().filter(|&c| {
        c < '\u{ad}' || (keep_soft_hyphens && c == '\u{ad}') || !INVISIBLE.contains(&c)
    }) {
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
    out
}

/// Whether `text` is in NFC for want of anything to compose: every character is one
/// of the Latin blocks that Vietnamese is written in (each of them its own NFC form,
/// none a combining mark). Saves the general quick check, a table lookup per character.
pub(crate) fn surely_nfc(text: &str) -> bool {
    text.chars()
        .all(|c| c < '\u{300}' || ('\u{1e00}'..='\u{1eff}').contains(&c))
}

/// Whether `c` is something [`clean`] removes or turns into a space between words.
pub fn is_invisible_or_space(c: char) -> bool {
    c.is_whitespace() || c.is_control() || INVISIBLE.contains(&c)
}

/// Whether `raw` is already what [`clean`] makes of it, for want of anything to change:
/// printable ASCII and the Latin letters Vietnamese is written in (none of them white
/// space, invisible, or anything NFC would recompose), with single spaces between
/// words. Most cells are, and this pass is cheaper than rebuilding them.
fn is_clean_latin(raw: &str) -> bool {
    let mut after_space = true;
    for c in raw.chars() {
        match c {
            ' ' if after_space => return false,
            ' ' => after_space = true,
            '!'..='~' | '\u{c0}'..='\u{24f}' | '\u{1e00}'..='\u{1eff}' => after_space = false,
            _ => return false,
        }
    }
    !after_space
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

    /// Every character `surely_nfc` lets through is NFC on its own and no combining
    /// mark, so any string of them is NFC.
    #[test]
    fn surely_nfc_characters() {
        use unicode_normalization::char::canonical_combining_class;
        let chars = (0..0x300).chain(0x1e00..0x1f00).filter_map(char::from_u32);
        for c in chars {
            let s = c.to_string();
            assert!(super::surely_nfc(&s));
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            assert_eq!(
                unicode_normalization::is_nfc_quick(s.chars()),
                unicode_normalization::IsNormalized::Yes,
                "{c:?}"
            );
        }
        assert!(!super::surely_nfc("Ho\u{300}a"));
    }

    proptest! {
        /// The shortcut for text with nothing to clean agrees with the general path.
        #[test]
        fn ascii_shortcut_agrees(s in "[ -~\t\n]{0,20}") {
            let mut general = String::new();
            for word in s.split(|c: char| c.is_whitespace() || c.is_control()) {
                if !word.is_empty() {
                    if !general.is_empty() {
                        general.push(' ');
                    }
                    general.push_str(word);
                }
            }
            prop_assert_eq!(clean(&s), general);
        }

        /// Text the Latin shortcut lets through is what the long way makes of it. The
        /// characters include every kind the long way changes: edge and double spaces,
        /// tabs, no-break and invisible spaces, combining marks, a control character.
        #[test]
        fn latin_shortcut_agrees(
            s in "[ a-zA-Z0-9.,/àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĐÀ\t\u{a0}\u{200b}\u{ad}\u{300}\u{309}\u{1}]{0,12}"
        ) {
            if super::is_clean_latin(&s) {
                prop_assert_eq!(super::rebuild(&s), s);
            }
        }

        /// Blank means nothing left after cleaning.
        #[test]
        fn blank_is_empty_after_cleaning(s in "[ \t\n\u{a0}\u{200b}\u{feff}\u{ad}\u{1}a]{0,6}") {
            prop_assert_eq!(s.chars().all(super::is_invisible_or_space), clean(&s).is_empty());
        }

        #[test]
        fn is_idempotent(s in "\\PC*") {
            let once = clean(&s);
            prop_assert_eq!(clean(&once), once.clone());
        }

        #[test]
        fn has_no_edge_or_double_spaces(s in "[ \\t\\u{a0}a-zàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]*") {
            let c = clean(&s);
            prop_assert!(!c.starts_with(' ') && !c.ends_with(' ') && !c.contains("  "));
        }
    }
}

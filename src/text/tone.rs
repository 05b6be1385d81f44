//! Canonical placement of Vietnamese tone marks.
//!
//! Vietnamese is written in two tone-placement styles: the traditional one puts the
//! mark on the first vowel of an open `oa`/`oe`/`uy` (`hòa`, `thúy`, `khỏe`), the newer
//! one on the second (`hoà`, `thuý`, `khoẻ`). NFC keeps them different strings, yet they
//! are the same name. [`canonical_tones`] moves each syllable's tone mark to one fixed
//! position (the traditional one), so both styles give the same string. Vowel quality
//! marks (circumflex, breve, horn) are letters of their own and never move: `Tâm` and
//! `Tám` stay different.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::decompose_canonical;

/// The five combining tone marks: grave, acute, tilde, hook above, dot below.
const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];

/// One letter of a syllable: its base, an optional quality mark and an optional tone.
#[derive(Clone, Copy)]
struct Letter {
    base: char,
    quality: Option<char>,
    tone: Option<char>,
}

impl Letter {
    fn split(c: char) -> Option<Letter> {
        if c.is_ascii() {
            return Some(Letter {
                base: c,
                quality: None,
                tone: None,
            });
        }
        // A Vietnamese letter is a base and at most two marks.
        let mut parts = ['\0'; 3];
        let mut len = 0;
        decompose_canonical(c, |p| {
            if let Some(slot) = parts.get_mut(len) {
                *slot = p;
            }
            len += 1;
        });
        if len > parts.len() {
            return None;
        }
        let (&base, marks) = parts[..len].split_first()?;
        let mut letter = Letter {
            base,
            quality: None,
            tone: None,
        };
        for &mark in marks {
            if TONES.contains(&mark) && letter.tone.is_none() {
                letter.tone = Some(mark);
            } else if matches!(mark, '\u{302}' | '\u{306}' | '\u{31b}') && letter.quality.is_none()
            {
                letter.quality = Some(mark);
            } else {
                return None;
            }
        }
        Some(letter)
    }

    fn is_vowel(self) -> bool {
        matches!(
            self.base.to_ascii_lowercase(),
            'a' | 'e' | 'i' | 'o' | 'u' | 'y'
        )
    }

    /// Appends the letter in NFC. Composing mark by mark is not enough: `ệ` is `ẹ` plus
    /// a circumflex, and `ê` plus a dot below has no composite of its own.
    fn push_to(self, out: &mut String) {
        let mut decomposed = String::with_capacity(8);
        decomposed.push(self.base);
        decomposed.extend(self.quality);
        decomposed.extend(self.tone);
        out.extend(decomposed.nfc());
    }
}

/// Returns `text` (any case, NFC or not) in NFC with every syllable's tone mark on its
/// canonical vowel. Words that are not Vietnamese syllables are left as they are.
pub(crate) fn canonical_tones(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word: Vec<char> = Vec::new();
    let nfc: std::borrow::Cow<str> = if super::clean::surely_nfc(text)
        || unicode_normalization::is_nfc_quick(text.chars())
            == unicode_normalization::IsNormalized::Yes
    {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.nfc().collect())
    };
    for c in nfc.chars() {
        if is_letter(c) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `char::is_alphabetic`, answered at once for the Latin letters Vietnamese is written
/// with (the general table lookup is slow and this runs for every character of a name).
fn is_letter(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' => true,
        '\0'..='\u{7f}' | '\u{d7}' | '\u{f7}' => false,
        '\u{c0}'..='\u{24f}' | '\u{1e00}'..='\u{1eff}' => true,
        _ => c.is_alphabetic(),
    }
}

/// Appends `word` (NFC) to `out` with its tone mark moved where it belongs. Only the two
/// letters concerned are recomposed; a word whose mark is already in place (nearly all
/// of them) is copied as it is.
fn flush(word: &mut Vec<char>, out: &mut String) {
    match moved_tone(word) {
        Some((from, to, letters)) => {
            for (i, &c) in word.iter().enumerate() {
                if i == from || i == to {
                    letters[i].push_to(out);
                } else {
                    out.push(c);
                }
            }
        }
        None => out.extend(word.iter()),
    }
    word.clear();
}

/// The longest Vietnamese syllable (`nghiêng`) has seven letters; a longer word is no
/// syllable and stays as written.
const MAX_SYLLABLE: usize = 7;

/// For a syllable whose tone mark is off its canonical vowel: where it is, where it goes,
/// and the letters with the mark moved.
fn moved_tone(word: &[char]) -> Option<(usize, usize, [Letter; MAX_SYLLABLE])> {
    if word.len() > MAX_SYLLABLE || word.iter().all(char::is_ascii) {
        return None;
    }
    let blank = Letter {
        base: ' ',
        quality: None,
        tone: None,
    };
    let mut letters = [blank; MAX_SYLLABLE];
    for (slot, &c) in letters.iter_mut().zip(word) {
        *slot = Letter::split(c)?;
    }
    let (from, to) = tone_move(&letters[..word.len()])?;
    letters[to].tone = letters[from].tone.take();
    Some((from, to, letters))
}

/// Where the single tone mark of a syllable is and where it belongs, when those differ;
/// anything that is not one syllable with exactly one tone mark stays untouched.
fn tone_move(letters: &[Letter]) -> Option<(usize, usize)> {
    let mut toned = (0..letters.len()).filter(|&i| letters[i].tone.is_some());
    let from = toned.next()?;
    if toned.next().is_some() {
        return None;
    }
    let target = canonical_vowel(letters, nucleus(letters)?);
    (target != from).then_some((from, target))
}

/// The vowel cluster of a syllable, with the `u` of `qu` and the `i` of `gi` (before
/// another vowel) counted as consonants. `None` when there is no vowel or more than one
/// cluster (not a single syllable).
fn nucleus(letters: &[Letter]) -> Option<std::ops::Range<usize>> {
    let lower = |i: usize| letters[i].base.to_ascii_lowercase();
    let is_nucleus_vowel = |i: usize| {
        if !letters[i].is_vowel() {
            return false;
        }
        let after_q = i > 0 && lower(i - 1) == 'q' && lower(i) == 'u';
        let after_g = i > 0
            && lower(i - 1) == 'g'
            && lower(i) == 'i'
            && letters[i].quality.is_none()
            && i + 1 < letters.len()
            && letters[i + 1].is_vowel();
        !(after_q || after_g)
    };
    let start = (0..letters.len()).find(|&i| is_nucleus_vowel(i))?;
    let end = (start..letters.len())
        .find(|&i| !letters[i].is_vowel())
        .unwrap_or(letters.len());
    if (end..letters.len()).any(|i| letters[i].is_vowel()) {
        return None;
    }
    Some(start..end)
}

fn canonical_vowel(letters: &[Letter], nucleus: std::ops::Range<usize>) -> usize {
    // A vowel with a quality mark carries the tone; in `ươ` it is the second one.
    if let Some(i) = nucleus
        .clone()
        .rev()
        .find(|&i| letters[i].quality.is_some())
    {
        return i;
    }
    let closed = nucleus.end < letters.len();
    match nucleus.len() {
        1 => nucleus.start,
        _ if closed => nucleus.end - 1,
        3 => nucleus.start + 1,
        // Open two-vowel syllables: the traditional style marks the first vowel.
        _ => nucleus.start,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;

    use super::canonical_tones;

    proptest! {
        /// Canonical placement only moves marks: the same letters and marks, in NFC, and
        /// applying it twice changes nothing more.
        #[test]
        fn only_moves_tone_marks(words in prop::collection::vec("[qgnhtkđ]{0,2}[aăâeêioôơuưy]{1,3}[cmnpt]{0,2}[\\u{300}\\u{301}\\u{303}\\u{309}\\u{323}]?", 1..5)) {
            let text: String = words.join(" ").nfc().collect();
            let out = canonical_tones(&text);
            let mut before: Vec<char> = text.nfd().collect();
            let mut after: Vec<char> = out.nfd().collect();
            before.sort_unstable();
            after.sort_unstable();
            prop_assert_eq!(before, after, "{} -> {}", text, out);
            prop_assert_eq!(out.nfc().collect::<String>(), out.clone());
            prop_assert_eq!(canonical_tones(&out), out);
        }
    }

    #[test]
    fn letters_are_alphabetic_characters() {
        for c in (0..0x2000).filter_map(char::from_u32) {
            assert_eq!(super::is_letter(c), c.is_alphabetic(), "{c:?}");
        }
    }

    #[test]
    fn both_styles_give_the_same_string() {
        let pairs = [
            ("hoà", "hòa"),
            ("thuý", "thúy"),
            ("khoẻ", "khỏe"),
            ("Hoà Bình", "Hòa Bình"),
            ("loà", "lòa"),
            ("xoã", "xõa"),
            ("quý", "quý"),
            ("hoàng", "hoàng"),
            ("ngoài", "ngoài"),
            ("người", "người"),
            ("giá", "giá"),
        ];
        for (new_style, old_style) in pairs {
            assert_eq!(
                canonical_tones(new_style),
                canonical_tones(old_style),
                "{new_style} / {old_style}"
            );
        }
    }

    #[test]
    fn canonical_form_is_the_traditional_one() {
        let cases = [
            ("hoà", "hòa"),
            ("thuý", "thúy"),
            ("quỳnh", "quỳnh"),
            ("giữa", "giữa"),
            ("hoàn", "hoàn"),
            ("khuỷu", "khuỷu"),
            ("Nguyễn Thị Thuý Hoà", "Nguyễn Thị Thúy Hòa"),
            ("mùa", "mùa"),
            ("việc", "việc"),
            ("đột xuất", "đột xuất"),
            ("ặc ợ ậ ộ ụ ự", "ặc ợ ậ ộ ụ ự"),
            ("Nguyễn Thị Ngọc Thuý", "Nguyễn Thị Ngọc Thúy"),
        ];
        for (input, want) in cases {
            assert_eq!(canonical_tones(input), want, "{input}");
        }
    }

    #[test]
    fn different_letters_stay_different() {
        let pairs = [
            ("tâm", "tám"),
            ("tâm", "tam"),
            ("hoà", "hoa"),
            ("thư", "thừ"),
        ];
        for (a, b) in pairs {
            assert_ne!(canonical_tones(a), canonical_tones(b), "{a} / {b}");
        }
    }

    #[test]
    fn non_syllables_are_untouched() {
        for s in ["YC-01", "abc123", "x", "", "1,4,7,10", "ñandú"] {
            assert_eq!(canonical_tones(s), s);
        }
    }
}

//! Detection and conversion of Vietnamese text typed in legacy 8-bit font
//! encodings.
//!
//! Before Unicode was common, Vietnamese documents were typed with fonts that
//! reuse the upper half of an 8-bit code page for Vietnamese letters. Two such
//! encodings dominate the workbooks that district offices still keep:
//!
//! * TCVN3, also called ABC, is part 3 ("VN3") of the national standard
//!   TCVN 5712:1993. It is used by the `.VnTime` family of fonts. Every
//!   Vietnamese letter is one byte.
//! * VNI-Windows is used by the `VNI-Times` family of fonts. A vowel is written
//!   as its ASCII base letter followed by one modifier byte that carries the
//!   vowel mark, the tone mark or both. The letters đ, ơ, ư, ỵ and the toned
//!   forms of i are single bytes.
//!
//! When such text sits in an Excel cell, the workbook stores each byte as the
//! Windows-1252 character with that value, so TCVN3 byte 0xB8 (á) arrives as
//! U+00B8 '¸'. This module maps the characters back to bytes, decodes them with
//! both tables, and accepts a decoding only when it turns the words it touches
//! into valid Vietnamese syllables and the text as written does not already
//! read as Vietnamese.

use std::cmp::{Ordering, Reverse};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

/// A legacy 8-bit Vietnamese font encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LegacyEncoding {
    /// TCVN 5712:1993 part 3 (VN3), known as TCVN3 or ABC.
    Tcvn3,
    /// The VNI-Windows encoding of the VNI fonts.
    Vni,
}

impl LegacyEncoding {
    /// Vietnamese name for messages: "TCVN3 (ABC)" or "VNI".
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Tcvn3 => "TCVN3 (ABC)",
            Self::Vni => "VNI",
        }
    }
}

/// If `text` was typed in a legacy encoding, its Unicode form (NFC) and the encoding.
#[must_use]
pub fn decode_legacy(text: &str) -> Option<(String, LegacyEncoding)> {
    // Both encodings mark Vietnamese letters with bytes of 0x80 and above: plain ASCII
    // (codes, numbers, dates, names typed without accents) is never legacy text.
    if text.is_ascii() {
        return None;
    }
    let source = read_source(text)?;
    let tcvn3 = decode_tcvn3(&source);
    let vni = decode_vni(&source);
    let tcvn3_score = Score::of(&tcvn3);
    let vni_score = Score::of(&vni);
    // When both readings are equally good the bytes are ambiguous, and a
    // wrong guess would corrupt the cell, so the text is left alone.
    let (encoding, pieces, score) = match tcvn3_score.rank().cmp(&vni_score.rank()) {
        Ordering::Greater => (LegacyEncoding::Tcvn3, tcvn3, tcvn3_score),
        Ordering::Less => (LegacyEncoding::Vni, vni, vni_score),
        Ordering::Equal => return None,
    };
    if !score.is_convincing() || score.explained() <= valid_words_as_written(text) {
        return None;
    }
    let decoded: String = match encoding {
        LegacyEncoding::Tcvn3 => render_tcvn3(&pieces),
        LegacyEncoding::Vni => pieces.iter().map(|piece| piece.ch).collect(),
    };
    Some((decoded.nfc().collect(), encoding))
}

/// Both readings of `text` as legacy text, TCVN3 then VNI, convincing or not; `None`
/// when it cannot be legacy text (ASCII, or a letter outside Windows-1252).
///
/// For closed vocabularies (column labels, marks): a reading that is one of their words
/// is evidence that [`decode_legacy`], judging syllables alone, cannot weigh.
#[must_use]
pub fn legacy_readings(text: &str) -> Option<[(String, LegacyEncoding); 2]> {
    if text.is_ascii() {
        return None;
    }
    let source = read_source(text)?;
    let tcvn3: String = render_tcvn3(&decode_tcvn3(&source)).nfc().collect();
    let vni: String = decode_vni(&source).iter().map(|p| p.ch).nfc().collect();
    Some([(tcvn3, LegacyEncoding::Tcvn3), (vni, LegacyEncoding::Vni)])
}

/// `text` read in `encoding` when that reading is valid Vietnamese, convincing or not:
/// every word it changes a syllable, no letter it cannot decode, and at least as many
/// words explained as read as Vietnamese as written. `None` otherwise, or when the text
/// cannot be legacy text.
///
/// For text that reads validly both ways (TCVN3 `Cã` is `Có`, VNI `Toát` is `Tốt`) or is
/// one weak word (TCVN3 `Tèt` is `Tốt`), which [`decode_legacy`] leaves alone: the
/// evidence of the rest of the file picks the encoding ([`super::Reading`]).
#[must_use]
pub fn decode_as(text: &str, encoding: LegacyEncoding) -> Option<String> {
    if text.is_ascii() {
        return None;
    }
    let source = read_source(text)?;
    let pieces = match encoding {
        LegacyEncoding::Tcvn3 => decode_tcvn3(&source),
        LegacyEncoding::Vni => decode_vni(&source),
    };
    let score = Score::of(&pieces);
    if score.valid == 0
        || score.invalid > 0
        || score.foreign > 0
        || score.explained() < valid_words_as_written(text)
    {
        return None;
    }
    let decoded: String = match encoding {
        LegacyEncoding::Tcvn3 => render_tcvn3(&pieces),
        LegacyEncoding::Vni => pieces.iter().map(|piece| piece.ch).collect(),
    };
    Some(decoded.nfc().collect())
}

/// `text` as a workbook holds it when typed with a legacy font in `encoding`: each
/// Vietnamese letter as the Windows-1252 characters of its bytes in the tables below,
/// ASCII unchanged. TCVN3 has no toned capitals, so they take the lowercase code, as
/// Unikey writes them. `None` when a character outside ASCII has no code.
///
/// For tests and tools that build legacy text from the same tables the decoder reads.
#[doc(hidden)]
#[must_use]
pub fn encode_legacy(text: &str, encoding: LegacyEncoding) -> Option<String> {
    let tcvn3_byte = |letter: char| {
        TCVN3
            .iter()
            .find(|&&(_, l)| l == letter)
            .map(|&(code, _)| char::from(code).to_string())
    };
    text.nfc()
        .map(|c| {
            if c.is_ascii() {
                return Some(c.to_string());
            }
            match encoding {
                LegacyEncoding::Tcvn3 => {
                    tcvn3_byte(c).or_else(|| tcvn3_byte(c.to_lowercase().next()?))
                }
                LegacyEncoding::Vni => VNI
                    .iter()
                    .find(|&&(letter, _)| letter == c)
                    .map(|&(_, code)| code.to_owned()),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Mapping tables
// ---------------------------------------------------------------------------

/// TCVN3 (TCVN 5712:1993 VN3) bytes of the Vietnamese letters.
///
/// VN3 keeps ASCII and the C0 and C1 control ranges unchanged and adds, in
/// 0xA1 to 0xFE, the 67 lowercase Vietnamese letters and the 7 uppercase
/// letters without a tone mark (Ă Â Ê Ô Ơ Ư Đ). It has no uppercase vowels with
/// a tone mark: documents get them by switching to an all-capital font such as
/// `.VnTimeH`, which draws the lowercase codes as capitals. The richer variants
/// VN1 and VN2 of the same standard place the toned capitals in the free slots
/// and in the control ranges; they were rarely used with Windows fonts and are
/// not decoded here, so their extra codes stay as the Windows-1252 characters.
///
/// Sources, checked against each other for every entry: the TCVN3 row of
/// `SingleByteTables` in Unikey's `vnconv` library (`ukengine/data.cpp`, Pham
/// Kim Long), the VN1 table `tblTCVNToUcs2` in `XFree86`'s `TCVNtoUCS2.c`
/// (whose 0xA1 to 0xFE range is a superset of VN3), and the `TCVN3` list of
/// the `duydev/vietnamese-conversion` package. The Wikipedia article on VSCII
/// confirms the VN3 repertoire of 67 lowercase and 7 uppercase letters.
#[rustfmt::skip]
const TCVN3: [(u8, char); 74] = [
    (0xB5, 'à'), (0xB8, 'á'), (0xB6, 'ả'), (0xB7, 'ã'), (0xB9, 'ạ'), (0xA8, 'ă'),
    (0xBB, 'ằ'), (0xBE, 'ắ'), (0xBC, 'ẳ'), (0xBD, 'ẵ'), (0xC6, 'ặ'), (0xA9, 'â'),
    (0xC7, 'ầ'), (0xCA, 'ấ'), (0xC8, 'ẩ'), (0xC9, 'ẫ'), (0xCB, 'ậ'), (0xCC, 'è'),
    (0xD0, 'é'), (0xCE, 'ẻ'), (0xCF, 'ẽ'), (0xD1, 'ẹ'), (0xAA, 'ê'), (0xD2, 'ề'),
    (0xD5, 'ế'), (0xD3, 'ể'), (0xD4, 'ễ'), (0xD6, 'ệ'), (0xD7, 'ì'), (0xDD, 'í'),
    (0xD8, 'ỉ'), (0xDC, 'ĩ'), (0xDE, 'ị'), (0xDF, 'ò'), (0xE3, 'ó'), (0xE1, 'ỏ'),
    (0xE2, 'õ'), (0xE4, 'ọ'), (0xAB, 'ô'), (0xE5, 'ồ'), (0xE8, 'ố'), (0xE6, 'ổ'),
    (0xE7, 'ỗ'), (0xE9, 'ộ'), (0xAC, 'ơ'), (0xEA, 'ờ'), (0xED, 'ớ'), (0xEB, 'ở'),
    (0xEC, 'ỡ'), (0xEE, 'ợ'), (0xEF, 'ù'), (0xF3, 'ú'), (0xF1, 'ủ'), (0xF2, 'ũ'),
    (0xF4, 'ụ'), (0xAD, 'ư'), (0xF5, 'ừ'), (0xF8, 'ứ'), (0xF6, 'ử'), (0xF7, 'ữ'),
    (0xF9, 'ự'), (0xFA, 'ỳ'), (0xFD, 'ý'), (0xFB, 'ỷ'), (0xFC, 'ỹ'), (0xFE, 'ỵ'),
    (0xAE, 'đ'), (0xA1, 'Ă'), (0xA2, 'Â'), (0xA3, 'Ê'), (0xA4, 'Ô'), (0xA5, 'Ơ'),
    (0xA6, 'Ư'), (0xA7, 'Đ'),
];

/// VNI-Windows spellings of the 134 Vietnamese letters, as Latin-1 characters.
///
/// A two-character spelling is a base letter followed by a modifier: Ù acute,
/// Ø grave, Û hook, Õ tilde, Ï dot below, Â circumflex, Ê breve, and Á À Å Ã Ä
/// (circumflex with a tone) or É È Ú Ü Ë (breve with a tone). Ô and Ö are ơ and
/// ư, and take the tone modifiers themselves. A modifier has the case of its
/// base letter.
///
/// Sources, checked against each other for every entry: the VNI-WIN row of
/// `DoubleByteTables` in Unikey's `vnconv` library (`ukengine/data.cpp`, where
/// each word holds the base in the low byte and the modifier in the high byte),
/// the `VNI` list of the `duydev/vietnamese-conversion` package, and for the
/// capitals the `VNI` array of `lamdao/xvnkb` (`vni.h`).
#[rustfmt::skip]
const VNI: [(char, &str); 134] = [
    ('à', "aø"), ('À', "AØ"), ('á', "aù"), ('Á', "AÙ"),
    ('ả', "aû"), ('Ả', "AÛ"), ('ã', "aõ"), ('Ã', "AÕ"),
    ('ạ', "aï"), ('Ạ', "AÏ"), ('ă', "aê"), ('Ă', "AÊ"),
    ('ằ', "aè"), ('Ằ', "AÈ"), ('ắ', "aé"), ('Ắ', "AÉ"),
    ('ẳ', "aú"), ('Ẳ', "AÚ"), ('ẵ', "aü"), ('Ẵ', "AÜ"),
    ('ặ', "aë"), ('Ặ', "AË"), ('â', "aâ"), ('Â', "AÂ"),
    ('ầ', "aà"), ('Ầ', "AÀ"), ('ấ', "aá"), ('Ấ', "AÁ"),
    ('ẩ', "aå"), ('Ẩ', "AÅ"), ('ẫ', "aã"), ('Ẫ', "AÃ"),
    ('ậ', "aä"), ('Ậ', "AÄ"), ('è', "eø"), ('È', "EØ"),
    ('é', "eù"), ('É', "EÙ"), ('ẻ', "eû"), ('Ẻ', "EÛ"),
    ('ẽ', "eõ"), ('Ẽ', "EÕ"), ('ẹ', "eï"), ('Ẹ', "EÏ"),
    ('ê', "eâ"), ('Ê', "EÂ"), ('ề', "eà"), ('Ề', "EÀ"),
    ('ế', "eá"), ('Ế', "EÁ"), ('ể', "eå"), ('Ể', "EÅ"),
    ('ễ', "eã"), ('Ễ', "EÃ"), ('ệ', "eä"), ('Ệ', "EÄ"),
    ('ì', "ì"), ('Ì', "Ì"), ('í', "í"), ('Í', "Í"),
    ('ỉ', "æ"), ('Ỉ', "Æ"), ('ĩ', "ó"), ('Ĩ', "Ó"),
    ('ị', "ò"), ('Ị', "Ò"), ('ò', "oø"), ('Ò', "OØ"),
    ('ó', "où"), ('Ó', "OÙ"), ('ỏ', "oû"), ('Ỏ', "OÛ"),
    ('õ', "oõ"), ('Õ', "OÕ"), ('ọ', "oï"), ('Ọ', "OÏ"),
    ('ô', "oâ"), ('Ô', "OÂ"), ('ồ', "oà"), ('Ồ', "OÀ"),
    ('ố', "oá"), ('Ố', "OÁ"), ('ổ', "oå"), ('Ổ', "OÅ"),
    ('ỗ', "oã"), ('Ỗ', "OÃ"), ('ộ', "oä"), ('Ộ', "OÄ"),
    ('ơ', "ô"), ('Ơ', "Ô"), ('ờ', "ôø"), ('Ờ', "ÔØ"),
    ('ớ', "ôù"), ('Ớ', "ÔÙ"), ('ở', "ôû"), ('Ở', "ÔÛ"),
    ('ỡ', "ôõ"), ('Ỡ', "ÔÕ"), ('ợ', "ôï"), ('Ợ', "ÔÏ"),
    ('ù', "uø"), ('Ù', "UØ"), ('ú', "uù"), ('Ú', "UÙ"),
    ('ủ', "uû"), ('Ủ', "UÛ"), ('ũ', "uõ"), ('Ũ', "UÕ"),
    ('ụ', "uï"), ('Ụ', "UÏ"), ('ư', "ö"), ('Ư', "Ö"),
    ('ừ', "öø"), ('Ừ', "ÖØ"), ('ứ', "öù"), ('Ứ', "ÖÙ"),
    ('ử', "öû"), ('Ử', "ÖÛ"), ('ữ', "öõ"), ('Ữ', "ÖÕ"),
    ('ự', "öï"), ('Ự', "ÖÏ"), ('ỳ', "yø"), ('Ỳ', "YØ"),
    ('ý', "yù"), ('Ý', "YÙ"), ('ỷ', "yû"), ('Ỷ', "YÛ"),
    ('ỹ', "yõ"), ('Ỹ', "YÕ"), ('ỵ', "î"), ('Ỵ', "Î"),
    ('đ', "ñ"), ('Đ', "Ñ"),
];

/// The Windows-1252 characters of bytes 0x80 to 0x9F.
///
/// The five bytes that Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90
/// and 0x9D) are listed as the C1 control characters with the same value,
/// which is how Windows and Latin-1 readers pass them through.
const CP1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{2C6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}', '\u{8F}',
    '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}', '\u{153}', '\u{9D}', '\u{17E}', '\u{178}',
];

/// The letters that TCVN3 has in both cases; every other Vietnamese letter
/// outside ASCII is a toned vowel that VN3 has only in lowercase.
const TCVN3_BICAMERAL: &str = "ăâêôơưđ";

/// The vowel letters of Vietnamese without tone marks.
const VOWELS: &str = "aăâeêioôơuưy";

/// The vowel letters that carry a vowel mark, which also take the tone mark.
const MARKED_VOWELS: &str = "ăâêôơư";

/// The possible initial consonants, longest first, ending with the empty onset.
const ONSETS: [&str; 28] = [
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
];

/// The rhymes (vowel nucleus with its glide and final consonant) of standard
/// Vietnamese spelling, without tone marks.
#[rustfmt::skip]
const RHYMES: [&str; 157] = [
    "a", "ac", "ach", "ai", "am", "an", "ang", "anh", "ao", "ap", "at", "au", "ay",
    "ăc", "ăm", "ăn", "ăng", "ăp", "ăt",
    "âc", "âm", "ân", "âng", "âp", "ât", "âu", "ây",
    "e", "ec", "em", "en", "eng", "eo", "ep", "et",
    "ê", "êch", "êm", "ên", "ênh", "êp", "êt", "êu",
    "i", "ia", "ich", "im", "in", "inh", "ip", "it", "iu",
    "iêc", "iêm", "iên", "iêng", "iêp", "iêt", "iêu",
    "o", "oc", "oi", "om", "on", "ong", "op", "ot",
    "oa", "oac", "oach", "oai", "oam", "oan", "oang", "oanh", "oao", "oap", "oat", "oay",
    "oăc", "oăm", "oăn", "oăng", "oăt", "oe", "oen", "oeo", "oet", "ooc", "oong",
    "ô", "ôc", "ôi", "ôm", "ôn", "ông", "ôp", "ôt",
    "ơ", "ơi", "ơm", "ơn", "ơp", "ơt",
    "u", "ua", "uân", "uâng", "uât", "uây", "uc", "uê", "uêch", "uênh", "ui", "um", "un",
    "ung", "uơ", "up", "ut", "uy", "uya", "uych", "uyên", "uyêt", "uynh", "uyt", "uyu",
    "uôc", "uôi", "uôm", "uôn", "uông", "uôt",
    "ư", "ưa", "ưc", "ưi", "ưm", "ưn", "ưng", "ưt", "ưu",
    "ươc", "ươi", "ươm", "ươn", "ương", "ươp", "ươt", "ươu",
    "y", "yêm", "yên", "yêt", "yêu",
];

/// Characters that may stand between a sentence end and the next word.
const OPENERS: &str = "([{\"'\u{201C}\u{2018}\u{AB}-\u{2013}\u{2014}\u{2022}*+";

// ---------------------------------------------------------------------------
// Reading the cell text as bytes
// ---------------------------------------------------------------------------

/// One character of the input together with the legacy byte it stands for.
#[derive(Clone, Copy, Debug)]
struct SourceChar {
    ch: char,
    /// The byte, or `None` for a character outside Windows-1252 and Latin-1.
    byte: Option<u8>,
}

/// Maps the text to legacy bytes, or returns `None` when it cannot be legacy
/// text: when it holds a letter or a combining mark outside Windows-1252 (for
/// example a genuine Unicode Vietnamese letter such as ă, đ, ơ or ạ), or when
/// it has nothing in the upper half of the code page.
fn read_source(text: &str) -> Option<Vec<SourceChar>> {
    // First decide without allocating: nearly all text is genuine Unicode and stops at
    // its first Vietnamese letter.
    let mut has_upper_half = false;
    for ch in text.chars() {
        // The letters of Unicode Vietnamese that no Windows-1252 byte stands for.
        if ('\u{1ea0}'..='\u{1ef9}').contains(&ch)
            || matches!(
                ch,
                'ă' | 'Ă' | 'đ' | 'Đ' | 'ơ' | 'Ơ' | 'ư' | 'Ư' | 'ĩ' | 'Ĩ' | 'ũ' | 'Ũ'
            )
        {
            return None;
        }
        match legacy_byte(ch) {
            Some(value) => has_upper_half |= value > 0xA0,
            None if ch.is_alphabetic() || is_combining_mark(ch) => return None,
            None => {}
        }
    }
    has_upper_half.then(|| {
        text.chars()
            .map(|ch| SourceChar {
                ch,
                byte: legacy_byte(ch),
            })
            .collect()
    })
}

/// The byte that a workbook character stands for: its own value up to U+00FF
/// (so raw C1 controls count as bytes 0x80 to 0x9F), or the Windows-1252 byte
/// of a character from the 0x80 to 0x9F block.
fn legacy_byte(ch: char) -> Option<u8> {
    if let Ok(byte) = u8::try_from(ch) {
        return Some(byte);
    }
    let index = CP1252_HIGH.iter().position(|&c| c == ch)?;
    u8::try_from(index + 0x80).ok()
}

/// Whether a character is a combining diacritical mark, which only Unicode
/// text (in decomposed form) contains.
fn is_combining_mark(ch: char) -> bool {
    matches!(
        u32::from(ch),
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F
    )
}

/// Whether a character is a Latin-1 symbol that is not a letter. Such
/// characters never occur inside Latin-1 words, but TCVN3 uses their bytes for
/// letters, so they are strong evidence of legacy text.
pub(crate) fn is_latin1_symbol(ch: char) -> bool {
    matches!(ch, '\u{A1}'..='\u{BF}' | '\u{D7}' | '\u{F7}') && !ch.is_alphabetic()
}

// ---------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------

/// What a decoded character is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// An ASCII letter, which reads the same in every encoding.
    Ascii,
    /// A Vietnamese letter decoded from the legacy table.
    Legacy,
    /// A letter outside ASCII that the table does not decode.
    Foreign,
    /// Anything that is not a letter: digits, spaces, punctuation, symbols.
    Other,
}

/// One decoded character and what it tells about the encoding.
#[derive(Clone, Copy, Debug)]
struct Piece {
    ch: char,
    class: Class,
    /// How many source characters outside ASCII produced this piece.
    high: u8,
    /// Whether a source character was a Latin-1 symbol.
    symbol: bool,
    /// Whether the source character was the micro sign 'µ', which TCVN3 uses
    /// for à and Latin-1 text uses only in front of a unit such as "µm".
    micro: bool,
    /// Whether this is a TCVN3 toned vowel, which VN3 has only in lowercase,
    /// so that its case must be inferred from the context.
    caseless: bool,
}

impl Piece {
    fn is_letter(self) -> bool {
        self.class != Class::Other
    }
}

/// A source character that the legacy table does not decode. Bytes 0x80 to
/// 0x9F become their Windows-1252 characters, so a raw C1 control from a
/// Latin-1 reader turns into the punctuation it stood for.
fn passthrough(source: SourceChar) -> Piece {
    let ch = match source.byte {
        Some(byte @ 0x80..=0x9F) => CP1252_HIGH[usize::from(byte - 0x80)],
        _ => source.ch,
    };
    let class = if ch.is_ascii_alphabetic() {
        Class::Ascii
    } else if ch.is_alphabetic() {
        Class::Foreign
    } else {
        Class::Other
    };
    Piece {
        ch,
        class,
        high: u8::from(!source.ch.is_ascii()),
        symbol: false,
        micro: false,
        caseless: false,
    }
}

/// The Vietnamese letter of a TCVN3 byte.
fn tcvn3_letter(byte: u8) -> Option<char> {
    TCVN3
        .iter()
        .find(|&&(code, _)| code == byte)
        .map(|&(_, letter)| letter)
}

/// Decodes the text as TCVN3, one byte per letter.
fn decode_tcvn3(source: &[SourceChar]) -> Vec<Piece> {
    source
        .iter()
        .map(
            |&source_char| match source_char.byte.and_then(tcvn3_letter) {
                Some(letter) => Piece {
                    ch: letter,
                    class: Class::Legacy,
                    high: 1,
                    symbol: is_latin1_symbol(source_char.ch),
                    micro: source_char.ch == '\u{B5}',
                    caseless: letter.is_lowercase() && !TCVN3_BICAMERAL.contains(letter),
                },
                None => passthrough(source_char),
            },
        )
        .collect()
}

/// The letter that a VNI base letter and modifier spell together. The modifier
/// is matched in either case, because the case of a letter is the case of its
/// base letter.
fn vni_pair(base: char, modifier: char) -> Option<char> {
    /// (base, lower-case modifier) → the first letter of [`VNI`] so spelled.
    static PAIRS: LazyLock<HashMap<(char, char), char>> = LazyLock::new(|| {
        let mut pairs = HashMap::new();
        for &(letter, code) in &VNI {
            let mut code = code.chars();
            if let (Some(base), Some(modifier), None) = (code.next(), code.next(), code.next()) {
                pairs.entry((base, lower(modifier))).or_insert(letter);
            }
        }
        pairs
    });
    // Every VNI modifier lower-cases to one character; one that does not matches none.
    if modifier.to_lowercase().count() != 1 {
        return None;
    }
    PAIRS.get(&(base, lower(modifier))).copied()
}

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// The letter that a single VNI character spells on its own.
fn vni_single(ch: char) -> Option<char> {
    static SINGLES: LazyLock<HashMap<char, char>> = LazyLock::new(|| {
        let mut singles = HashMap::new();
        for &(letter, code) in VNI.iter().rev() {
            let mut code = code.chars();
            if let (Some(only), None) = (code.next(), code.next()) {
                singles.insert(only, letter);
            }
        }
        singles
    });
    SINGLES.get(&ch).copied()
}

/// Decodes the text as VNI, joining each base letter with its modifier.
fn decode_vni(source: &[SourceChar]) -> Vec<Piece> {
    let mut pieces = Vec::with_capacity(source.len());
    let mut index = 0;
    while index < source.len() {
        let current = source[index];
        let legacy = |ch, high| Piece {
            ch,
            class: Class::Legacy,
            high,
            symbol: false,
            micro: false,
            caseless: false,
        };
        if let Some(next) = source.get(index + 1)
            && let Some(letter) = vni_pair(current.ch, next.ch)
        {
            let high = u8::from(!current.ch.is_ascii()) + u8::from(!next.ch.is_ascii());
            pieces.push(legacy(letter, high));
            index += 2;
            continue;
        }
        pieces.push(match vni_single(current.ch) {
            Some(letter) => legacy(letter, 1),
            None => passthrough(current),
        });
        index += 1;
    }
    pieces
}

/// The ranges of consecutive letters in the decoded text.
fn word_spans(pieces: &[Piece]) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut start = None;
    for (index, piece) in pieces.iter().enumerate() {
        match (piece.is_letter(), start) {
            (true, None) => start = Some(index),
            (false, Some(first)) => {
                spans.push(first..index);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(first) = start {
        spans.push(first..pieces.len());
    }
    spans
}

// ---------------------------------------------------------------------------
// Judging a decoding
// ---------------------------------------------------------------------------

/// How well a decoding reads as Vietnamese.
#[derive(Clone, Copy, Debug, Default)]
struct Score {
    /// Words changed by the decoding that are valid Vietnamese syllables.
    valid: usize,
    /// Words changed by the decoding, with a vowel, that are not.
    invalid: usize,
    /// Letters outside ASCII that the table could not decode.
    foreign: usize,
    /// Words without a vowel, such as ĐVCS, that contain a Latin-1 symbol
    /// used as a letter.
    abbreviations: usize,
    /// Letters in the valid words, to prefer the reading that explains more.
    valid_letters: usize,
    /// Whether one word alone is convincing: it has two or more legacy
    /// characters, or a Latin-1 symbol (or the micro sign) used as a letter.
    strong: bool,
}

impl Score {
    fn of(pieces: &[Piece]) -> Self {
        let mut score = Self::default();
        for span in word_spans(pieces) {
            let word = &pieces[span];
            let foreign = word.iter().filter(|p| p.class == Class::Foreign).count();
            score.foreign += foreign;
            if !word.iter().any(|p| p.class == Class::Legacy) {
                continue;
            }
            let text: String = word.iter().map(|p| p.ch).collect();
            let high: usize = word.iter().map(|p| usize::from(p.high)).sum();
            // A symbol inside a word of two letters or more is a letter. The
            // micro sign needs three, because "µm" is a unit.
            let symbolic = (word.len() >= 2 && word.iter().any(|p| p.symbol))
                || (word.len() >= 3 && word.iter().any(|p| p.micro));
            if !text.chars().any(is_vowel) {
                // A word without a vowel is an abbreviation such as ĐVCS. It
                // is neither a syllable nor a failed one, but a symbol in it
                // still shows the encoding.
                score.strong |= symbolic;
                score.abbreviations += usize::from(symbolic);
            } else if foreign == 0 && is_vietnamese_syllable(&text) {
                score.valid += 1;
                score.valid_letters += word.len();
                score.strong |= symbolic || high >= 2;
            } else {
                score.invalid += 1;
            }
        }
        score
    }

    /// The order in which two readings of the same text are compared.
    fn rank(&self) -> (usize, Reverse<usize>, usize) {
        (
            self.valid,
            Reverse(self.invalid + self.foreign),
            self.valid_letters,
        )
    }

    /// How many words the reading explains better than the text as written
    /// could: the valid syllables and the abbreviations that contain a
    /// symbol used as a letter.
    fn explained(&self) -> usize {
        self.valid + self.abbreviations
    }

    /// Whether the reading is good enough to replace the text: at least three
    /// quarters of the changed words are syllables, undecodable letters are
    /// rare, and the evidence is more than one weak word.
    fn is_convincing(&self) -> bool {
        self.valid >= 1
            && 4 * self.valid >= 3 * (self.valid + self.invalid)
            && 4 * self.foreign <= self.valid
            && (self.valid >= 2 || self.strong)
    }
}

/// How many words of the text, read as it stands, are Vietnamese syllables
/// with letters outside ASCII. Latin-1 symbols count as part of a word, so that
/// a TCVN3 word such as "®ã" is not mistaken for the valid word "ã".
fn valid_words_as_written(text: &str) -> usize {
    text.split(|c: char| !(c.is_alphabetic() || is_latin1_symbol(c)))
        .filter(|word| !word.is_ascii() && is_vietnamese_syllable(word))
        .count()
}

// ---------------------------------------------------------------------------
// Vietnamese syllables
// ---------------------------------------------------------------------------

/// The five marked tones of Vietnamese.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tone {
    Grave,
    Acute,
    Hook,
    Tilde,
    Dot,
}

/// A tone and the index of the letter that carries its mark.
#[derive(Clone, Copy, Debug)]
struct ToneMark {
    tone: Tone,
    at: usize,
}

/// Whether a letter is a vowel, with or without marks, in either case.
fn is_vowel(ch: char) -> bool {
    ch.to_lowercase()
        .nfd()
        .next()
        .is_some_and(|base| VOWELS.contains(base))
}

/// Splits a word into its lowercase letters without the tone mark, and the
/// tone with the index of the letter that carries it. Returns `None` when a
/// character is not a Vietnamese letter or the word has two tone marks.
fn strip_tone(word: &str) -> Option<(Vec<char>, Option<ToneMark>)> {
    let mut letters = Vec::with_capacity(word.len());
    let mut tone = None;
    for ch in word.chars().flat_map(char::to_lowercase) {
        let mut base = String::new();
        for part in std::iter::once(ch).nfd() {
            let mark = match part {
                '\u{300}' => Some(Tone::Grave),
                '\u{301}' => Some(Tone::Acute),
                '\u{309}' => Some(Tone::Hook),
                '\u{303}' => Some(Tone::Tilde),
                '\u{323}' => Some(Tone::Dot),
                _ => None,
            };
            match mark {
                Some(_) if tone.is_some() => return None,
                Some(mark) => {
                    tone = Some(ToneMark {
                        tone: mark,
                        at: letters.len(),
                    });
                }
                None => base.push(part),
            }
        }
        let mut composed = base.nfc();
        let letter = composed.next()?;
        if composed.next().is_some() || !(letter.is_ascii_lowercase() || "ăâêôơưđ".contains(letter))
        {
            return None;
        }
        letters.push(letter);
    }
    Some((letters, tone))
}

/// Whether a word is a valid Vietnamese syllable: a known initial consonant,
/// a known rhyme, spelling rules such as "k" only before e, ê, i and y, at
/// most one tone mark placed on a vowel where Vietnamese writes it (the old
/// and the new placement in "hoà"/"hòa" are both accepted), and only the acute
/// or dot-below tone on a syllable ending in p, t, c or ch.
fn is_vietnamese_syllable(word: &str) -> bool {
    let Some((letters, tone)) = strip_tone(word) else {
        return false;
    };
    ONSETS.iter().any(|onset| {
        let length = onset.chars().count();
        if letters.len() <= length || !letters.iter().copied().take(length).eq(onset.chars()) {
            return false;
        }
        // The index of the toned letter becomes relative to the rhyme; a
        // tone on the onset makes this split impossible.
        let tone = match tone {
            None => None,
            Some(mark) => match mark.at.checked_sub(length) {
                Some(at) => Some(ToneMark { at, ..mark }),
                None => return false,
            },
        };
        rhyme_fits(onset, &letters[length..], tone)
    })
}

/// Whether a rhyme is known, follows the onset's spelling rule, and carries
/// its tone correctly.
fn rhyme_fits(onset: &str, rhyme: &[char], tone: Option<ToneMark>) -> bool {
    let first = rhyme[0];
    let spelled = match onset {
        "k" | "gh" | "ngh" => "eêiy".contains(first),
        "c" | "ng" => !"eêiy".contains(first),
        "g" => !"eêy".contains(first),
        "gi" => !"iy".contains(first),
        "qu" => !"uư".contains(first),
        _ => true,
    };
    let text: String = rhyme.iter().collect();
    let known = RHYMES.contains(&text.as_str())
        || (onset == "qu" && RHYMES.contains(&format!("u{text}").as_str()));
    spelled && known && tone_fits(rhyme, tone)
}

/// Whether the tone suits the rhyme and sits on the right vowel.
fn tone_fits(rhyme: &[char], tone: Option<ToneMark>) -> bool {
    let stopped = matches!(rhyme.last(), Some('c' | 'p' | 't')) || rhyme.ends_with(&['c', 'h']);
    match tone {
        None => !stopped,
        Some(mark) => {
            (!stopped || matches!(mark.tone, Tone::Acute | Tone::Dot))
                && tone_positions(rhyme).contains(&mark.at)
        }
    }
}

/// The indexes of the vowels in a rhyme that may carry the tone mark.
fn tone_positions(rhyme: &[char]) -> Vec<usize> {
    let vowels: Vec<usize> = (0..rhyme.len())
        .filter(|&i| VOWELS.contains(rhyme[i]))
        .collect();
    if let Some(&marked) = vowels
        .iter()
        .rev()
        .find(|&&i| MARKED_VOWELS.contains(rhyme[i]))
    {
        return vec![marked];
    }
    let closed = rhyme.last().is_some_and(|&c| !VOWELS.contains(c));
    match vowels.as_slice() {
        [only] => vec![*only],
        [.., last] if closed => vec![*last],
        [first, second] => {
            if matches!(
                (rhyme[*first], rhyme[*second]),
                ('o', 'a' | 'e') | ('u', 'y')
            ) {
                vec![*first, *second]
            } else {
                vec![*first]
            }
        }
        [_, middle, _] => vec![*middle],
        // A rhyme without a vowel cannot carry a tone.
        _ => Vec::new(),
    }
}

// ---------------------------------------------------------------------------
// Restoring capitals in TCVN3
// ---------------------------------------------------------------------------

/// Renders TCVN3 pieces as text, choosing the case of the toned vowels that
/// VN3 has only in lowercase.
///
/// A toned vowel becomes a capital when the rest of its word is in capitals
/// (text typed for `.VnTimeH`, or with caps lock), when a short word stands in
/// text that is mostly in capitals, or, for the first letter of a word, at the
/// start of the text or of a sentence. Everywhere else it stays lowercase,
/// which is what a `.VnTime` font displayed.
fn render_tcvn3(pieces: &[Piece]) -> String {
    let spans = word_spans(pieces);
    let shouting = is_shouting(pieces, &spans);
    let mut chars: Vec<char> = pieces.iter().map(|piece| piece.ch).collect();
    for span in spans {
        let word = &pieces[span.clone()];
        if !word.iter().any(|piece| piece.caseless) {
            continue;
        }
        let evidence: Vec<bool> = word
            .iter()
            .filter_map(|&piece| case_evidence(piece))
            .collect();
        let capitals = match evidence.as_slice() {
            [] => shouting,
            [upper] => *upper && shouting,
            many => many.iter().all(|&upper| upper),
        };
        if capitals {
            for (ch, piece) in chars[span.clone()].iter_mut().zip(word) {
                if piece.class == Class::Legacy {
                    *ch = to_upper(*ch);
                }
            }
        } else if word[0].caseless && starts_sentence(&pieces[..span.start]) {
            chars[span.start] = to_upper(chars[span.start]);
        }
    }
    chars.into_iter().collect()
}

/// What a letter shows about the intended case of its word: `Some(true)` for a
/// capital, `Some(false)` for a small letter, and `None` when TCVN3 text cannot
/// tell, which is the case for the lowercase-only toned vowels and for the
/// lowercase codes that `.VnTimeH` draws as capitals.
fn case_evidence(piece: Piece) -> Option<bool> {
    let cased = piece.ch.is_uppercase() || piece.ch.is_lowercase();
    let ambiguous = piece.caseless || (piece.class == Class::Legacy && piece.ch.is_lowercase());
    (cased && !ambiguous).then(|| piece.ch.is_uppercase())
}

/// Whether most decoded words with enough case evidence are in capitals.
/// Words without a vowel, such as the acronym ĐVCS, are written in capitals
/// in any text and say nothing about it.
fn is_shouting(pieces: &[Piece], spans: &[Range<usize>]) -> bool {
    let (mut capitals, mut small) = (0_usize, 0_usize);
    for span in spans {
        let word = &pieces[span.clone()];
        if !word.iter().any(|piece| piece.class == Class::Legacy)
            || !word.iter().any(|piece| is_vowel(piece.ch))
        {
            continue;
        }
        let evidence: Vec<bool> = word
            .iter()
            .filter_map(|&piece| case_evidence(piece))
            .collect();
        if evidence.len() < 2 {
            continue;
        }
        if evidence.iter().all(|&upper| upper) {
            capitals += 1;
        } else {
            small += 1;
        }
    }
    capitals > small
}

/// Whether a word that follows `before` starts the text or a sentence.
fn starts_sentence(before: &[Piece]) -> bool {
    for piece in before.iter().rev() {
        if piece.is_letter() {
            return false;
        }
        match piece.ch {
            '.' | '!' | '?' | '\u{2026}' | '\n' | '\r' => return true,
            c if c.is_whitespace() || OPENERS.contains(c) => {}
            _ => return false,
        }
    }
    true
}

/// The capital form of a Vietnamese letter.
fn to_upper(ch: char) -> char {
    ch.to_uppercase().next().unwrap_or(ch)
}

#[cfg(test)]
mod tests {
    /// The indexed VNI lookups give what a scan of the table in order gives.
    #[test]
    fn vni_lookups_agree_with_the_table() {
        let scan_pair = |base: char, modifier: char| {
            super::VNI.iter().find_map(|&(letter, code)| {
                let mut code = code.chars();
                let (code_base, code_modifier) = (code.next()?, code.next()?);
                let matches = code_base == base
                    && (code_modifier == modifier
                        || code_modifier.to_lowercase().eq(modifier.to_lowercase()));
                matches.then_some(letter)
            })
        };
        let scan_single = |ch: char| {
            super::VNI.iter().find_map(|&(letter, code)| {
                let mut code = code.chars();
                (code.next() == Some(ch) && code.next().is_none()).then_some(letter)
            })
        };
        let chars: Vec<char> = (0..0x250).filter_map(char::from_u32).collect();
        let bases: Vec<char> = super::VNI
            .iter()
            .filter_map(|(_, code)| code.chars().next())
            .chain(['x', 'İ'])
            .collect();
        for &modifier in chars.iter().chain(&['İ', 'ẞ']) {
            assert_eq!(
                super::vni_single(modifier),
                scan_single(modifier),
                "{modifier:?}"
            );
            for &base in &bases {
                assert_eq!(
                    super::vni_pair(base, modifier),
                    scan_pair(base, modifier),
                    "{base:?} {modifier:?}"
                );
            }
        }
    }

    use super::*;
    use proptest::prelude::*;
    use std::sync::LazyLock;

    /// Test-only TCVN3 encoder (see [`encode_legacy`]).
    fn encode_tcvn3(text: &str) -> String {
        encode_legacy(text, LegacyEncoding::Tcvn3)
            .unwrap_or_else(|| panic!("{text:?} has a letter without a TCVN3 code"))
    }

    /// Test-only VNI encoder (see [`encode_legacy`]).
    fn encode_vni(text: &str) -> String {
        encode_legacy(text, LegacyEncoding::Vni)
            .unwrap_or_else(|| panic!("{text:?} has a letter without a VNI code"))
    }

    /// Converts with one table, without detection, for table-level tests.
    fn convert(text: &str, encoding: LegacyEncoding) -> String {
        let source = read_source(text).expect("legacy-shaped input");
        match encoding {
            LegacyEncoding::Tcvn3 => render_tcvn3(&decode_tcvn3(&source)),
            LegacyEncoding::Vni => decode_vni(&source).iter().map(|p| p.ch).collect(),
        }
    }

    const TONE_MARKS: [&str; 6] = ["", "\u{300}", "\u{301}", "\u{309}", "\u{303}", "\u{323}"];

    /// The 134 Vietnamese letters outside ASCII, built from the alphabet and
    /// the tone marks rather than from the tables under test.
    fn all_letters() -> Vec<char> {
        let mut lower = Vec::new();
        for base in ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"] {
            for mark in TONE_MARKS {
                let letter: String = format!("{base}{mark}").nfc().collect();
                let letter = letter.chars().next().unwrap();
                if !letter.is_ascii() {
                    lower.push(letter);
                }
            }
        }
        lower.push('đ');
        let upper: Vec<char> = lower.iter().map(|&c| to_upper(c)).collect();
        lower.into_iter().chain(upper).collect()
    }

    const SENTENCES: [&str; 9] = [
        "Đồng chí Nguyễn Văn Hoà dự sinh hoạt chi bộ bản Mới, xã Chiềng Đông",
        "Ủy ban Kiểm tra Tỉnh ủy",
        "Trưởng Ban Tổ chức",
        "Số đảng viên có mặt",
        "Lý do vắng: đi công tác",
        "Biên bản họp chi bộ tháng 5/2024",
        "Phó Bí thư Đảng ủy xã, Chủ tịch UBND xã",
        "Hộ nghèo: 12 hộ (chiếm 3,5%)",
        "Ước tính giá trị sản xuất nông nghiệp đạt 95% kế hoạch.",
    ];

    #[test]
    fn names() {
        assert_eq!(LegacyEncoding::Tcvn3.name(), "TCVN3 (ABC)");
        assert_eq!(LegacyEncoding::Vni.name(), "VNI");
    }

    #[test]
    fn tables_cover_every_letter_once() {
        let letters = all_letters();
        assert_eq!(letters.len(), 134);
        let mut vni_letters: Vec<char> = VNI.iter().map(|&(l, _)| l).collect();
        vni_letters.sort_unstable();
        let mut expected = letters.clone();
        expected.sort_unstable();
        assert_eq!(vni_letters, expected);
        let mut codes: Vec<&str> = VNI.iter().map(|&(_, c)| c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 134, "VNI spellings must be distinct");

        let mut bytes: Vec<u8> = TCVN3.iter().map(|&(b, _)| b).collect();
        bytes.sort_unstable();
        bytes.dedup();
        assert_eq!(bytes.len(), 74, "TCVN3 bytes must be distinct");
        assert!(bytes.iter().all(|&b| b >= 0xA1), "VN3 leaves C1 alone");
        let tcvn3_letters: Vec<char> = TCVN3.iter().map(|&(_, l)| l).collect();
        for letter in letters {
            let expected = letter.is_lowercase()
                || TCVN3_BICAMERAL.contains(letter.to_lowercase().next().unwrap());
            assert_eq!(tcvn3_letters.contains(&letter), expected, "{letter}");
        }
    }

    /// Bytes 0xA0 to 0xFF of TCVN 5712 VN1 as published in `XFree86`'s
    /// `TCVNtoUCS2.c`, a second source for the TCVN3 table (VN3 is the subset
    /// of these positions that holds the lowercase letters and the seven
    /// capitals without a tone). Zero marks a position that is not a letter.
    #[rustfmt::skip]
    const XFREE86_VN1_A0: [u32; 96] = [
        0, 0x0102, 0x00c2, 0x00ca, 0x00d4, 0x01a0, 0x01af, 0x0110,
        0x0103, 0x00e2, 0x00ea, 0x00f4, 0x01a1, 0x01b0, 0x0111, 0x1eb0,
        0x0300, 0x0309, 0x0303, 0x0301, 0x0323, 0x00e0, 0x1ea3, 0x00e3,
        0x00e1, 0x1ea1, 0x1eb2, 0x1eb1, 0x1eb3, 0x1eb5, 0x1eaf, 0x1eb4,
        0x1eae, 0x1ea6, 0x1ea8, 0x1eaa, 0x1ea4, 0x1ec0, 0x1eb7, 0x1ea7,
        0x1ea9, 0x1eab, 0x1ea5, 0x1ead, 0x00e8, 0x1ec2, 0x1ebb, 0x1ebd,
        0x00e9, 0x1eb9, 0x1ec1, 0x1ec3, 0x1ec5, 0x1ebf, 0x1ec7, 0x00ec,
        0x1ec9, 0x1ec4, 0x1ebe, 0x1ed2, 0x0129, 0x00ed, 0x1ecb, 0x00f2,
        0x1ed4, 0x1ecf, 0x00f5, 0x00f3, 0x1ecd, 0x1ed3, 0x1ed5, 0x1ed7,
        0x1ed1, 0x1ed9, 0x1edd, 0x1edf, 0x1ee1, 0x1edb, 0x1ee3, 0x00f9,
        0x1ed6, 0x1ee7, 0x0169, 0x00fa, 0x1ee5, 0x1eeb, 0x1eed, 0x1eef,
        0x1ee9, 0x1ef1, 0x1ef3, 0x1ef7, 0x1ef9, 0x00fd, 0x1ef5, 0x1ed0,
    ];

    /// The VNI capitals as published in the `VNI` array of `lamdao/xvnkb`
    /// (`vni.h`), a third source for the VNI table. Each row is a vowel with
    /// no tone, acute, grave, hook, tilde and dot below.
    #[rustfmt::skip]
    const XVNKB_VNI: [[&str; 6]; 12] = [
        ["A", "AÙ", "AØ", "AÛ", "AÕ", "AÏ"],
        ["AÂ", "AÁ", "AÀ", "AÅ", "AÃ", "AÄ"],
        ["AÊ", "AÉ", "AÈ", "AÚ", "AÜ", "AË"],
        ["E", "EÙ", "EØ", "EÛ", "EÕ", "EÏ"],
        ["EÂ", "EÁ", "EÀ", "EÅ", "EÃ", "EÄ"],
        ["O", "OÙ", "OØ", "OÛ", "OÕ", "OÏ"],
        ["OÂ", "OÁ", "OÀ", "OÅ", "OÃ", "OÄ"],
        ["Ô", "ÔÙ", "ÔØ", "ÔÛ", "ÔÕ", "ÔÏ"],
        ["U", "UÙ", "UØ", "UÛ", "UÕ", "UÏ"],
        ["Ö", "ÖÙ", "ÖØ", "ÖÛ", "ÖÕ", "ÖÏ"],
        ["I", "Í", "Ì", "Æ", "Ó", "Ò"],
        ["Y", "YÙ", "YØ", "YÛ", "YÕ", "Î"],
    ];

    #[test]
    fn tcvn3_table_matches_xfree86() {
        for (byte, letter) in TCVN3 {
            let published = XFREE86_VN1_A0[usize::from(byte - 0xA0)];
            assert_eq!(char::from_u32(published), Some(letter), "byte {byte:#04X}");
        }
    }

    #[test]
    fn vni_table_matches_xvnkb() {
        let bases = ["A", "Â", "Ă", "E", "Ê", "O", "Ô", "Ơ", "U", "Ư", "I", "Y"];
        let marks = ["", "\u{301}", "\u{300}", "\u{309}", "\u{303}", "\u{323}"];
        let vni = |letter: char| VNI.iter().find(|&&(l, _)| l == letter).map(|&(_, c)| c);
        for (base, row) in bases.iter().zip(XVNKB_VNI) {
            for (mark, published) in marks.iter().zip(row) {
                let capital: String = format!("{base}{mark}").nfc().collect();
                let capital = capital.chars().next().unwrap();
                if capital.is_ascii() {
                    continue;
                }
                assert_eq!(vni(capital), Some(published), "{capital}");
                // A small letter is spelled like its capital in small letters.
                let small = capital.to_lowercase().next().unwrap();
                assert_eq!(
                    vni(small),
                    Some(published.to_lowercase().as_str()),
                    "{small}"
                );
            }
        }
        assert_eq!(vni('Đ'), Some("Ñ"));
        assert_eq!(vni('đ'), Some("ñ"));
    }

    #[test]
    fn real_tcvn3_samples() {
        // The national motto as it appears in countless `.VnTime` documents,
        // the test phrases of the duydev/vietnamese-conversion package, and a
        // published sample that writes ư with the soft hyphen byte 0xAD.
        let samples = [
            (
                "Céng hoµ x· héi chñ nghÜa ViÖt Nam",
                "Cộng hoà xã hội chủ nghĩa Việt Nam",
            ),
            ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
            ("Xin chµo c¸c b¹n", "Xin chào các bạn"),
            ("T«i ®i häc", "Tôi đi học"),
            (
                "Ng\u{ad}êi lao ®éng ph¶i ®\u{ad}îc tr¶ l\u{ad}¬ng ®óng h¹n.",
                "Người lao động phải được trả lương đúng hạn.",
            ),
            ("C¨n cø NghÞ ®Þnh sè 15/CP", "Căn cứ Nghị định số 15/CP"),
        ];
        for (legacy, unicode) in samples {
            assert_eq!(
                decode_legacy(legacy),
                Some((unicode.to_string(), LegacyEncoding::Tcvn3)),
                "{legacy}"
            );
        }
    }

    #[test]
    fn tcvn3_capitals_are_restored_from_context() {
        // Typed for the all-capital font `.VnTimeH`.
        assert_eq!(
            decode_legacy("CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM"),
            Some((
                "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM".to_string(),
                LegacyEncoding::Tcvn3
            ))
        );
        // The first letter of the text and of a sentence.
        assert_eq!(
            decode_legacy("ñy ban nh©n d©n x·. ¦íc tÝnh ®¹t"),
            Some((
                "Ủy ban nhân dân xã. Ước tính đạt".to_string(),
                LegacyEncoding::Tcvn3
            ))
        );
        // In the middle of a sentence VN3 cannot show a toned capital.
        assert_eq!(
            decode_legacy("Chñ tÞch ñy ban"),
            Some(("Chủ tịch ủy ban".to_string(), LegacyEncoding::Tcvn3))
        );
        // An acronym in capitals does not make its neighbours capitals.
        assert_eq!(
            decode_legacy("UBND Sè 5 ®¹t"),
            Some(("UBND Số 5 đạt".to_string(), LegacyEncoding::Tcvn3))
        );
    }

    #[test]
    fn real_vni_samples() {
        // The README and test phrases of duydev/vietnamese-conversion, and the
        // national heading as it appears in `VNI-Times` documents.
        let samples = [
            ("Xin chaøo caùc baïn", "Xin chào các bạn"),
            ("Toâi ñi hoïc", "Tôi đi học"),
            (
                "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam",
                "Cộng hòa xã hội chủ nghĩa Việt Nam",
            ),
            (
                "Ñoäc laäp - Töï do - Haïnh phuùc",
                "Độc lập - Tự do - Hạnh phúc",
            ),
            ("Tieáng Vieät", "Tiếng Việt"),
            (
                "COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM",
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            ),
        ];
        for (legacy, unicode) in samples {
            assert_eq!(
                decode_legacy(legacy),
                Some((unicode.to_string(), LegacyEncoding::Vni)),
                "{legacy}"
            );
        }
    }

    #[test]
    fn sentences_round_trip_through_both_encodings() {
        for sentence in SENTENCES {
            let tcvn3 = encode_tcvn3(sentence);
            assert_eq!(
                decode_legacy(&tcvn3),
                Some((sentence.to_string(), LegacyEncoding::Tcvn3)),
                "{tcvn3}"
            );
            let vni = encode_vni(sentence);
            assert_eq!(
                decode_legacy(&vni),
                Some((sentence.to_string(), LegacyEncoding::Vni)),
                "{vni}"
            );
        }
    }

    #[test]
    fn encoders_produce_the_published_forms() {
        assert_eq!(encode_tcvn3("Độc lập"), "§éc lËp");
        assert_eq!(encode_vni("Việt Nam"), "Vieät Nam");
        assert_eq!(encode_vni("được"), "ñöôïc");
    }

    #[test]
    fn every_letter_round_trips_through_tcvn3() {
        for letter in all_letters() {
            let encoded = encode_tcvn3(&letter.to_string());
            // In the middle of a sentence a letter that VN3 has reads back
            // exactly, and a toned capital, which VN3 lacks, reads as the
            // lowercase letter that a `.VnTime` font displayed.
            let expected = if TCVN3.iter().any(|&(_, l)| l == letter) {
                letter
            } else {
                letter.to_lowercase().next().unwrap()
            };
            assert_eq!(
                convert(&format!("a {encoded}"), LegacyEncoding::Tcvn3),
                format!("a {expected}")
            );
            // Every capital reads back in a word of capitals, and every small
            // letter in a word of small letters.
            let word = if letter.is_uppercase() {
                format!("NG{letter}NH")
            } else {
                format!("b{letter}n")
            };
            assert_eq!(convert(&encode_tcvn3(&word), LegacyEncoding::Tcvn3), word);
        }
    }

    #[test]
    fn every_letter_round_trips_through_vni() {
        for letter in all_letters() {
            let encoded = encode_vni(&letter.to_string());
            assert_eq!(convert(&encoded, LegacyEncoding::Vni), letter.to_string());
            let word = format!("b{letter}n");
            assert_eq!(convert(&encode_vni(&word), LegacyEncoding::Vni), word);
        }
    }

    #[test]
    fn vni_modifier_case_follows_the_base_letter() {
        assert_eq!(convert("VIEäT", LegacyEncoding::Vni), "VIỆT");
        assert_eq!(convert("vieÄt", LegacyEncoding::Vni), "việt");
    }

    #[test]
    fn windows_1252_and_c1_characters_are_read_as_bytes() {
        let expected = Some(("“Độc lập – Tự do”".to_string(), LegacyEncoding::Tcvn3));
        // As Windows-1252 characters.
        assert_eq!(
            decode_legacy("\u{201C}§éc lËp \u{2013} Tù do\u{201D}"),
            expected
        );
        // As the raw C1 code points that a Latin-1 reader produces.
        assert_eq!(decode_legacy("\u{93}§éc lËp \u{96} Tù do\u{94}"), expected);
        // An undefined Windows-1252 byte passes through unchanged.
        assert_eq!(
            decode_legacy("Xin chaøo caùc baïn\u{81}"),
            Some(("Xin chào các bạn\u{81}".to_string(), LegacyEncoding::Vni))
        );
    }

    #[test]
    fn single_words_need_strong_evidence() {
        let convincing = [
            // Latin-1 symbols used as letters, including the soft hyphen that
            // TCVN3 uses for ư, and the micro sign in a word of three letters.
            ("Th¸i", "Thái", LegacyEncoding::Tcvn3),
            ("N÷", "Nữ", LegacyEncoding::Tcvn3),
            ("M\u{ad}êng", "Mường", LegacyEncoding::Tcvn3),
            ("H'M«ng", "H'Mông", LegacyEncoding::Tcvn3),
            ("Tµy", "Tày", LegacyEncoding::Tcvn3),
            ("Sè §VCS: 25", "Số ĐVCS: 25", LegacyEncoding::Tcvn3),
            // Two legacy characters in one VNI word.
            ("Nöõ", "Nữ", LegacyEncoding::Vni),
            ("Möôøng", "Mường", LegacyEncoding::Vni),
        ];
        for (legacy, unicode, encoding) in convincing {
            assert_eq!(
                decode_legacy(legacy),
                Some((unicode.to_string(), encoding)),
                "{legacy}"
            );
        }
        // A single accented Latin-1 letter in one word is not convincing:
        // VNI "Thaùi" is Thái, but French "où" has the same shape, and "µm" is
        // a unit, not TCVN3 "àm".
        for text in ["Thaùi", "où", "µm", "Hµ"] {
            assert_eq!(decode_legacy(text), None, "{text}");
        }
    }

    #[test]
    fn ambiguous_bytes_are_left_alone() {
        // "cã" is a valid syllable as written, and TCVN3 "có" is the only
        // other reading: the text gives no way to choose.
        assert_eq!(decode_legacy("cã cã"), None);
        // Words valid both ways (VNI "Toát" is Tốt, TCVN3 "Cã" is Có) and single weak
        // words (TCVN3 "Tèt" is Tốt, "KÐm" is Kém) are left for other evidence.
        for text in ["Cã", "Toát", "Tèt", "KÐm"] {
            assert_eq!(decode_legacy(text), None, "{text}");
        }
    }

    #[test]
    fn plain_text_is_not_legacy() {
        let texts = [
            "",
            "   ",
            "Hello world",
            "The quick brown fox jumps over the lazy dog.",
            "YC-CD-01",
            "2024-05-09",
            "09/05/2024 14:30",
            "nguyen.van.a@example.com",
            "1.234.567,89",
            "Chi bo ban Moi, xa Chieng Dong",
            "TOTAL: 42",
        ];
        for text in texts {
            assert_eq!(decode_legacy(text), None, "{text}");
        }
    }

    #[test]
    fn unicode_vietnamese_is_not_legacy() {
        for sentence in SENTENCES {
            assert_eq!(decode_legacy(sentence), None, "{sentence}");
            let decomposed: String = sentence.nfd().collect();
            assert_eq!(decode_legacy(&decomposed), None, "{decomposed}");
        }
        // Vietnamese whose letters all happen to lie in Latin-1.
        for text in [
            "Tôi yêu em",
            "Xin chào",
            "Hà Giang",
            "cô giáo",
            "Mã số",
            "Tôi",
            "Cô Tư",
        ] {
            assert_eq!(decode_legacy(text), None, "{text}");
        }
    }

    #[test]
    fn latin_1_words_are_not_legacy() {
        let texts = [
            "café crème",
            "São Paulo",
            "© 2020",
            "©",
            "®",
            "°",
            "25°C",
            "naïve",
            "Zoë",
            "Köln",
            "mañana",
            "Crème brûlée",
            "Ångström",
            "façade",
            "½ kg",
            "5 µm",
            "± 5%",
            "3 ÷ 4",
            "Ça va très bien, où es-tu?",
            "Grüße aus München",
            "Año Nuevo, señor José",
            "São João e Conceição",
            "§ 5",
            "¶",
        ];
        for text in texts {
            assert_eq!(decode_legacy(text), None, "{text}");
        }
    }

    #[test]
    fn syllable_rules() {
        for word in [
            "người", "Nguyễn", "quyết", "quốc", "giữa", "gì", "nghiêng", "khuya", "thuở", "hoà",
            "hòa", "thuỷ", "thủy", "khoẻ", "ấp", "ướt", "kênh", "xoong", "Ủy",
        ] {
            assert!(is_vietnamese_syllable(word), "{word}");
        }
        for word in [
            "cafe",
            "ge",
            "cé",
            "qa",
            "ngi",
            "kan",
            "mat",
            "màt",
            "tòan",
            "haó",
            "aó",
            "đ",
            "â",
            "ăn\u{309}",
            "nhà1",
            "café",
            "x",
        ] {
            assert!(!is_vietnamese_syllable(word), "{word}");
        }
    }

    // -----------------------------------------------------------------------
    // Property tests
    // -----------------------------------------------------------------------

    /// Builds a syllable from an onset, a rhyme and a tone, placing the tone
    /// mark by the modern rule.
    fn build_syllable(onset: &str, rhyme: &str, tone: usize) -> String {
        let letters: Vec<char> = rhyme.chars().collect();
        let vowels: Vec<usize> = (0..letters.len())
            .filter(|&i| VOWELS.contains(letters[i]))
            .collect();
        let closed = !VOWELS.contains(letters[letters.len() - 1]);
        let at = if let Some(&i) = vowels
            .iter()
            .rev()
            .find(|&&i| MARKED_VOWELS.contains(letters[i]))
        {
            i
        } else if vowels.len() == 1 || closed {
            vowels[vowels.len() - 1]
        } else if vowels.len() == 3
            || matches!(
                (letters[vowels[0]], letters[vowels[1]]),
                ('o', 'a' | 'e') | ('u', 'y')
            )
        {
            // The middle of three vowels, or the second of oa, oe and uy.
            vowels[1]
        } else {
            vowels[0]
        };
        let mut text = onset.to_string();
        for (i, letter) in letters.iter().enumerate() {
            text.push(*letter);
            if i == at {
                text.push_str(TONE_MARKS[tone]);
            }
        }
        text.nfc().collect()
    }

    /// Every syllable that the spelling rules allow, built independently of
    /// the validator from onsets, rhymes and tones.
    static SYLLABLES: LazyLock<Vec<String>> = LazyLock::new(|| {
        let mut syllables = Vec::new();
        for onset in ONSETS {
            for rhyme in RHYMES {
                let first = rhyme.chars().next().unwrap();
                let allowed = match onset {
                    "k" | "gh" | "ngh" => "eêiy".contains(first),
                    "c" | "ng" => !"eêiy".contains(first),
                    "g" => first == 'i' || !"eêy".contains(first),
                    "gi" => !"iy".contains(first),
                    "qu" => !"uưoô".contains(first),
                    _ => true,
                };
                if !allowed {
                    continue;
                }
                let stopped = rhyme.ends_with(['c', 'p', 't']) || rhyme.ends_with("ch");
                let tones: &[usize] = if stopped {
                    &[2, 5]
                } else {
                    &[0, 1, 2, 3, 4, 5]
                };
                for &tone in tones {
                    syllables.push(build_syllable(onset, rhyme, tone));
                }
            }
        }
        syllables
    });

    /// Syllables whose letters all lie in Latin-1, the hardest case for
    /// telling Unicode from legacy text.
    static LATIN1_SYLLABLES: LazyLock<Vec<String>> = LazyLock::new(|| {
        SYLLABLES
            .iter()
            .filter(|s| s.chars().all(|c| u32::from(c) <= 0xFF))
            .cloned()
            .collect()
    });

    /// Syllables starting with đ and without a tone mark: in TCVN3 all their
    /// letters outside ASCII are Latin-1 symbols, so the encoded sentence
    /// cannot also read as Unicode or as VNI.
    static DJ_PLAIN: LazyLock<Vec<String>> = LazyLock::new(|| {
        SYLLABLES
            .iter()
            .filter(|s| {
                s.starts_with('đ')
                    && s.nfd()
                        .all(|c| !"\u{300}\u{301}\u{309}\u{303}\u{323}".contains(c))
            })
            .cloned()
            .collect()
    });

    /// Syllables starting with đ that have another letter outside ASCII: in
    /// VNI their TCVN3 reading has two tone marks, so it is never valid.
    static DJ_MARKED: LazyLock<Vec<String>> = LazyLock::new(|| {
        SYLLABLES
            .iter()
            .filter(|s| s.starts_with('đ') && s.chars().skip(1).any(|c| !c.is_ascii()))
            .cloned()
            .collect()
    });

    fn capitalize(word: &str) -> String {
        let mut chars = word.chars();
        chars
            .next()
            .map(|first| to_upper(first).to_string() + chars.as_str())
            .unwrap_or_default()
    }

    /// Whether TCVN3 can write the capital form of a word's first letter.
    fn tcvn3_can_capitalize(word: &str) -> bool {
        let first = word.chars().next().unwrap();
        first.is_ascii() || TCVN3.iter().any(|&(_, l)| l == to_upper(first))
    }

    /// A sentence of random syllables with one syllable from `special`
    /// inserted, at least two syllables outside ASCII, and its first letter a
    /// capital. `title` picks the other words to capitalise when `allowed`.
    fn sentence(
        words: &[String],
        special: &str,
        at: usize,
        title: &[bool],
        allowed: fn(&str) -> bool,
    ) -> String {
        let mut words: Vec<String> = words.to_vec();
        words.insert(at % (words.len() + 1), special.to_string());
        for (word, &title) in words.iter_mut().zip(title).skip(1) {
            if title && allowed(word) {
                *word = capitalize(word);
            }
        }
        words[0] = capitalize(&words[0]);
        words.join(" ")
    }

    fn non_ascii_words(sentence: &str) -> usize {
        sentence.split(' ').filter(|w| !w.is_ascii()).count()
    }

    #[test]
    fn every_generated_syllable_is_valid() {
        assert!(SYLLABLES.len() > 10_000);
        assert!(!DJ_PLAIN.is_empty() && !DJ_MARKED.is_empty() && !LATIN1_SYLLABLES.is_empty());
        for syllable in SYLLABLES.iter() {
            assert!(is_vietnamese_syllable(syllable), "{syllable}");
            assert!(is_vietnamese_syllable(&capitalize(syllable)), "{syllable}");
        }
    }

    proptest! {
        #[test]
        fn unicode_vietnamese_is_never_legacy(
            words in prop::collection::vec(prop::sample::select(SYLLABLES.clone()), 1..10),
            title in prop::collection::vec(any::<bool>(), 10),
        ) {
            let text = sentence(&words[1..], &words[0], 0, &title, |_| true);
            prop_assert_eq!(decode_legacy(&text), None);
        }

        #[test]
        fn latin1_only_vietnamese_is_never_legacy(
            words in prop::collection::vec(prop::sample::select(LATIN1_SYLLABLES.clone()), 1..10),
            title in prop::collection::vec(any::<bool>(), 10),
        ) {
            let text = sentence(&words[1..], &words[0], 0, &title, |_| true);
            prop_assert_eq!(decode_legacy(&text), None);
        }

        #[test]
        fn tcvn3_sentences_round_trip(
            words in prop::collection::vec(prop::sample::select(SYLLABLES.clone()), 2..9),
            special in prop::sample::select(DJ_PLAIN.clone()),
            at in any::<usize>(),
            title in prop::collection::vec(any::<bool>(), 10),
        ) {
            let text = sentence(&words, &special, at, &title, tcvn3_can_capitalize);
            prop_assume!(non_ascii_words(&text) >= 2);
            prop_assert_eq!(
                decode_legacy(&encode_tcvn3(&text)),
                Some((text.clone(), LegacyEncoding::Tcvn3))
            );
        }

        #[test]
        fn vni_sentences_round_trip(
            words in prop::collection::vec(prop::sample::select(SYLLABLES.clone()), 2..9),
            special in prop::sample::select(DJ_MARKED.clone()),
            at in any::<usize>(),
            title in prop::collection::vec(any::<bool>(), 10),
            shout in any::<bool>(),
        ) {
            let mut text = sentence(&words, &special, at, &title, |_| true);
            if shout {
                text = text.to_uppercase();
            }
            prop_assume!(non_ascii_words(&text) >= 2);
            prop_assert_eq!(
                decode_legacy(&encode_vni(&text)),
                Some((text.clone(), LegacyEncoding::Vni))
            );
        }
    }
}

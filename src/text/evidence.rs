//! The evidence of a whole file for text typed in a legacy font encoding.
//!
//! Most legacy text shows its encoding on its own ([`super::decode_legacy`]): `NguyÔn
//! V¨n Hoµ` can only be TCVN3. Some words read validly both ways — as written and as
//! legacy text, or in either encoding: TCVN3 `Cã` is `Có` but `cã` is a syllable too,
//! VNI `Toát` is `Tốt` but `toát` is a word, and TCVN3 `Tèt` (`Tốt`) is one weak word.
//! A file is typed with one font: the cells that show their encoding plainly decide
//! those words. A [`Reading`] is built once per workbook from the text of its cells
//! (the pass looks only at text that could be convincing legacy text, and keeps each
//! decoding for the reading of the cells), then reads every cell of it.

use std::collections::HashMap;

use super::clean::{Legacy, Stored, may_be_legacy, may_convince, read_known_with, tidy_stored};
use super::legacy::{LegacyEncoding, decode_as, decode_legacy};

/// How many cells of a file are plainly typed in each legacy encoding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Cells whose text is convincingly TCVN3.
    pub tcvn3: usize,
    /// Cells whose text is convincingly VNI.
    pub vni: usize,
}

impl Evidence {
    /// The encoding the file shows: the one more of its cells are plainly typed in;
    /// `None` when neither is (no legacy text, or as much of each).
    #[must_use]
    pub fn verdict(self) -> Option<LegacyEncoding> {
        match self.tcvn3.cmp(&self.vni) {
            std::cmp::Ordering::Greater => Some(LegacyEncoding::Tcvn3),
            std::cmp::Ordering::Less => Some(LegacyEncoding::Vni),
            std::cmp::Ordering::Equal => None,
        }
    }

    fn add(&mut self, encoding: LegacyEncoding) {
        match encoding {
            LegacyEncoding::Tcvn3 => self.tcvn3 += 1,
            LegacyEncoding::Vni => self.vni += 1,
        }
    }
}

/// How the cells of one workbook are read: each text as [`super::read_stored`] reads it,
/// except that text that reads validly both ways is read in the encoding the rest of
/// the file shows ([`Evidence::verdict`]).
#[derive(Clone, Debug, Default)]
pub struct Reading<'a> {
    /// The convincing reading (or none) of each text the evidence pass decoded.
    judged: HashMap<&'a str, Option<(String, LegacyEncoding)>>,
    evidence: Evidence,
}

impl<'a> Reading<'a> {
    /// The reading of a file whose cells (and sheet names) hold `texts`. Only text that
    /// [`super::read_stored`] would decode is decoded, once per distinct text; every
    /// cell convincingly typed in a legacy encoding counts.
    pub fn of(texts: impl IntoIterator<Item = &'a str>) -> Reading<'a> {
        let mut reading = Reading::default();
        for text in texts {
            if !may_convince(text) {
                continue;
            }
            let judged = reading
                .judged
                .entry(text)
                .or_insert_with(|| decode_legacy(&tidy_stored(text)));
            if let Some((_, encoding)) = judged {
                reading.evidence.add(*encoding);
            }
        }
        reading
    }

    /// What the file's cells show.
    #[must_use]
    pub fn evidence(&self) -> Evidence {
        self.evidence
    }

    /// The text of a cell as stored, read: [`super::read_stored`], and when that finds no
    /// legacy text, the reading in the file's encoding if it reads validly
    /// ([`super::legacy::decode_as`]). With no evidence such text stays as written.
    #[must_use]
    pub fn read(&self, raw: &str) -> Stored {
        let stored = self.convincing(raw);
        if stored.legacy.is_some() {
            return stored;
        }
        if let Some(verdict) = self.evidence.verdict()
            && may_be_legacy(raw)
        {
            let typed = tidy_stored(raw);
            if let Some(decoded) = decode_as(&typed, verdict) {
                return Stored::decoded(&decoded, verdict, typed);
            }
        }
        stored
    }

    /// What `raw` names in a closed list (marks, ratings, statuses, labels) looked up by
    /// `find`, as [`super::read_known`] reads it, except that when neither the text as
    /// typed nor a convincing reading is a word of the list, the reading in the file's
    /// encoding is taken first if it is one.
    pub fn known<T: PartialEq>(
        &self,
        raw: &str,
        find: impl Fn(&str) -> Option<T>,
    ) -> Option<(T, Option<(Legacy, String)>)> {
        read_known_with(
            raw,
            |raw| self.convincing(raw),
            self.evidence.verdict(),
            find,
        )
    }

    /// [`super::read_stored`], from the decoding the evidence pass kept when it has one.
    fn convincing(&self, raw: &str) -> Stored {
        // Most text cannot be convincing legacy text, and is told so without hashing it.
        if self.judged.is_empty() {
            return super::read_stored(raw);
        }
        if !may_convince(raw) {
            return Stored::plain(raw);
        }
        match self.judged.get(raw) {
            Some(Some((decoded, encoding))) => {
                Stored::decoded(decoded, *encoding, tidy_stored(raw))
            }
            Some(None) => Stored::plain(raw),
            None => super::read_stored(raw),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::encode_legacy;

    fn tcvn3(t: &str) -> String {
        encode_legacy(t, LegacyEncoding::Tcvn3).unwrap()
    }

    fn vni(t: &str) -> String {
        encode_legacy(t, LegacyEncoding::Vni).unwrap()
    }

    /// The text each cell of a file holding `cells` is read as.
    fn read_all(cells: &[String]) -> Vec<String> {
        let reading = Reading::of(cells.iter().map(String::as_str));
        cells.iter().map(|c| reading.read(c).text).collect()
    }

    #[test]
    fn an_ambiguous_word_follows_the_files_encoding() {
        // `Cã` is TCVN3's `Có`, and a syllable as written; `Toát` is VNI's `Tốt`, and a
        // word as written; `Tèt` is TCVN3's `Tốt`, one weak word.
        assert_eq!((tcvn3("Có").as_str(), vni("Tốt").as_str()), ("Cã", "Toát"));
        assert_eq!(tcvn3("Tốt"), "Tèt");
        for word in ["Cã", "Toát", "Tèt", "Cã dù"] {
            assert_eq!(decode_legacy(word), None, "{word}");
        }
        let tcvn3_file = [
            tcvn3("Nguyễn Văn Hoà"),
            tcvn3("Bản Mới"),
            "Cã".to_owned(),
            "Tèt".to_owned(),
            "Cã dù".to_owned(),
            "Café Hélène, Zürich".to_owned(),
        ];
        let reading = Reading::of(tcvn3_file.iter().map(String::as_str));
        assert_eq!(
            reading.evidence(),
            Evidence { tcvn3: 2, vni: 0 },
            "only the convincing cells count"
        );
        assert_eq!(
            read_all(&tcvn3_file),
            [
                "Nguyễn Văn Hoà",
                "Bản Mới",
                "Có",
                "Tốt",
                "Có dự",
                "Café Hélène, Zürich"
            ]
        );
        let stored = reading.read("Cã");
        assert_eq!(
            stored.legacy,
            Some(Legacy {
                encoding: LegacyEncoding::Tcvn3,
                typed: "Cã".into()
            })
        );

        let vni_file = [
            vni("Nguyễn Văn Hoà"),
            vni("Bản Mới"),
            "Toát".to_owned(),
            "Cã".to_owned(),
            "Café Hélène, Zürich".to_owned(),
        ];
        assert_eq!(
            read_all(&vni_file),
            [
                "Nguyễn Văn Hoà",
                "Bản Mới",
                "Tốt",
                // No VNI reading of `Cã` is a word: it stays as written.
                "Cã",
                "Café Hélène, Zürich"
            ]
        );
    }

    #[test]
    fn without_evidence_ambiguous_text_stays_as_written() {
        let file = [
            "Cã".to_owned(),
            "Toát".to_owned(),
            "Tèt".to_owned(),
            "Nguyễn Văn Hoà".to_owned(),
            "Café Hélène, Zürich".to_owned(),
        ];
        let reading = Reading::of(file.iter().map(String::as_str));
        assert_eq!(reading.evidence().verdict(), None);
        assert_eq!(read_all(&file), file);
        // As many cells of each encoding is no evidence either.
        let mixed = [tcvn3("Bản Mới"), vni("Bản Mới"), "Cã".to_owned()];
        assert_eq!(read_all(&mixed)[2], "Cã");
    }

    #[test]
    fn closed_lists_take_the_files_encoding_first() {
        // A word whose two readings are both words of the list is decided by the file.
        let find = |t: &str| ["Có", "Cú", "Tốt"].contains(&t).then(|| t.to_owned());
        let cells = [
            tcvn3("Bản Mới Chiềng Đông"),
            "Cã".to_owned(),
            "Toát".to_owned(),
        ];
        let reading = Reading::of(cells.iter().map(String::as_str));
        assert_eq!(
            reading.known("Cã", find).map(|(t, _)| t).as_deref(),
            Some("Có")
        );
        // The file's reading that is no word of the list gives way to the one that is.
        assert_eq!(
            reading.known("Toát", find).map(|(t, _)| t).as_deref(),
            Some("Tốt")
        );
        // A word of the list as typed stays.
        assert_eq!(reading.known("Có", find), Some(("Có".to_owned(), None)));
    }
}

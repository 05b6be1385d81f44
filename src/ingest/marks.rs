//! Reading the closed vocabularies of a report row (SPEC §4) from a cell: attended
//! marks, absence reasons, ratings and recommendation statuses (the words themselves are
//! data in `crate::vocabulary`), matched as [`MatchKey`]s so that case, spacing and
//! tone-mark style do not matter.

use calamine::Data;

use crate::ingest::value::display;
use crate::model::{AbsenceReason, Rating, RecStatus};
use crate::text::MatchKey;
use crate::vocabulary::{
    ATTENDED, ATTENDED_KEYS, Keys, RATING_KEYS, RATINGS, REASON_KEYS, REASONS, STATUS_KEYS,
    STATUSES, Vocabulary,
};

/// A value outside a closed vocabulary; the message lists what is allowed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("giá trị không hợp lệ; chỉ ghi một trong: {allowed}")]
pub struct MarkError {
    /// The allowed values, as the message shows them.
    pub allowed: &'static str,
}

fn key(data: &Data) -> Option<MatchKey> {
    let key = MatchKey::new(&display(data));
    (!key.is_empty()).then_some(key)
}

/// The word of `vocabulary` that `data` holds: typed exactly as a label or alias, else
/// compared as a match key; `Ok(None)` when blank.
fn word<T: PartialEq + Clone>(
    data: &Data,
    vocabulary: &'static Vocabulary<T>,
    keys: &Keys<T>,
) -> Result<Option<T>, MarkError> {
    if let Data::String(text) = data
        && let Some(term) = vocabulary.as_typed(text)
    {
        return Ok(Some(term.value.clone()));
    }
    let Some(key) = key(data) else {
        return Ok(None);
    };
    keys.find(&key)
        .map(|t| Some(t.value.clone()))
        .ok_or(MarkError {
            allowed: vocabulary.allowed,
        })
}

/// The value of the word of `vocabulary` that `text` is, typed exactly as a label or
/// alias, else compared as a match key.
fn term<T: PartialEq + Clone>(
    text: &str,
    vocabulary: &'static Vocabulary<T>,
    keys: &Keys<T>,
) -> Option<T> {
    let term = match vocabulary.as_typed(text) {
        Some(term) => term,
        None => keys.find(&MatchKey::new(text))?,
    };
    Some(term.value.clone())
}

/// What `text` means as a `Có dự` mark, if it is one (for reading a legacy font against
/// the list: [`crate::ingest::table::Row::decoded_in`]).
pub fn attended_word(text: &str) -> Option<bool> {
    term(text, &ATTENDED, &ATTENDED_KEYS)
}

/// What `text` means as a rating, if it is one.
pub fn rating_word(text: &str) -> Option<Rating> {
    term(text, &RATINGS, &RATING_KEYS)
}

/// What `text` means as a recommendation status, if it is one.
pub fn status_word(text: &str) -> Option<RecStatus> {
    term(text, &STATUSES, &STATUS_KEYS)
}

/// `Có dự`: yes (`Có`, `x`, `✓`, `1`, `Đã dự`, TRUE) or no (`Không`, `0`, `Vắng`, FALSE).
/// A boolean cell counts, and so does its text `TRUE` or `FALSE` in any case (as a
/// LibreOffice CSV export or Gnumeric may write it).
pub fn attended(data: &Data) -> Result<Option<bool>, MarkError> {
    match data {
        Data::Bool(b) => return Ok(Some(*b)),
        Data::String(text) => match text.trim().to_ascii_uppercase().as_str() {
            "TRUE" => return Ok(Some(true)),
            "FALSE" => return Ok(Some(false)),
            _ => {}
        },
        _ => {}
    }
    word(data, &ATTENDED, &ATTENDED_KEYS)
}

/// `Lý do vắng`: the three named reasons, anything else is `Lý do khác` with its text.
pub fn absence_reason(data: &Data) -> Option<AbsenceReason> {
    match word(data, &REASONS, &REASON_KEYS) {
        Ok(reason) => reason,
        Err(_) => Some(AbsenceReason::Other(display(data))),
    }
}

/// `Xếp loại`: `Tốt`, `Khá`, `Trung bình` (`TB`), `Kém`.
pub fn rating(data: &Data) -> Result<Option<Rating>, MarkError> {
    word(data, &RATINGS, &RATING_KEYS)
}

/// `Tình trạng` of a recommendation.
pub fn rec_status(data: &Data) -> Result<Option<RecStatus>, MarkError> {
    word(data, &STATUSES, &STATUS_KEYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Data {
        Data::String(text.into())
    }

    /// The forms read as typed mean what the general path makes of them.
    #[test]
    fn forms_as_typed_agree_with_their_keys() {
        fn agree<T: PartialEq + std::fmt::Debug>(v: &'static Vocabulary<T>, keys: &Keys<T>) {
            for term in v.terms {
                for form in std::iter::once(term.label).chain(term.aliases.iter().copied()) {
                    let by_key = keys.find(&MatchKey::new(form)).map(|t| &t.value);
                    assert_eq!(by_key, Some(&term.value), "{form:?}");
                }
            }
        }
        agree(&ATTENDED, &ATTENDED_KEYS);
        agree(&REASONS, &REASON_KEYS);
        agree(&RATINGS, &RATING_KEYS);
        agree(&STATUSES, &STATUS_KEYS);
    }

    #[test]
    fn attended_marks() {
        for yes in [
            "Có",
            "có",
            "CÓ",
            "x",
            "X",
            "✓",
            "1",
            "Đã dự",
            "đã  dự",
            "Co\u{301}",
        ] {
            assert_eq!(attended(&s(yes)), Ok(Some(true)), "{yes:?}");
        }
        for no in ["Không", "KHÔNG", "0", "Vắng", "vắng"] {
            assert_eq!(attended(&s(no)), Ok(Some(false)), "{no:?}");
        }
        assert_eq!(attended(&Data::Int(1)), Ok(Some(true)));
        assert_eq!(attended(&Data::Float(0.0)), Ok(Some(false)));
        assert_eq!(attended(&Data::Bool(true)), Ok(Some(true)));
        assert_eq!(attended(&Data::Bool(false)), Ok(Some(false)));
        for (text, want) in [
            ("TRUE", true),
            ("true", true),
            (" FALSE ", false),
            ("False", false),
        ] {
            assert_eq!(attended(&s(text)), Ok(Some(want)), "{text:?}");
        }
        assert_eq!(attended(&Data::Empty), Ok(None));
        for bad in ["Co", "có lẽ", "2", "y"] {
            assert!(attended(&s(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn reasons() {
        let cases = [
            ("Đi công tác", AbsenceReason::BusinessTrip),
            ("đi công tác ", AbsenceReason::BusinessTrip),
            ("Công việc đột xuất", AbsenceReason::Urgent),
            ("Ốm đau", AbsenceReason::Sick),
            ("ốm", AbsenceReason::Sick),
            ("Họp Quốc hội", AbsenceReason::Other("Họp Quốc hội".into())),
        ];
        for (text, want) in cases {
            assert_eq!(absence_reason(&s(text)), Some(want), "{text:?}");
        }
        assert_eq!(absence_reason(&Data::Empty), None);
    }

    #[test]
    fn ratings_and_statuses() {
        let ratings = [
            ("Tốt", Rating::Tot),
            ("khá", Rating::Kha),
            ("Trung bình", Rating::TrungBinh),
            ("TB", Rating::TrungBinh),
            ("Kém", Rating::Kem),
        ];
        for (text, want) in ratings {
            assert_eq!(rating(&s(text)), Ok(Some(want)), "{text:?}");
        }
        assert!(rating(&s("Xuất sắc")).is_err());
        assert_eq!(rating(&s(" ")), Ok(None));
        let statuses = [
            ("Giải quyết tại chỗ", RecStatus::ResolvedOnSpot),
            ("Đã chuyển", RecStatus::Forwarded),
            ("đang giải quyết", RecStatus::InProgress),
            ("Đã giải quyết", RecStatus::Resolved),
        ];
        for (text, want) in statuses {
            assert_eq!(rec_status(&s(text)), Ok(Some(want)), "{text:?}");
        }
        assert!(rec_status(&s("Xong")).is_err());
    }
}

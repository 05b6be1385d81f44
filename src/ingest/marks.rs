//! The closed vocabularies of a report row (SPEC §4): attended marks, absence reasons,
//! ratings and recommendation statuses, matched as [`MatchKey`]s so that case, spacing
//! and tone-mark style do not matter.

use calamine::Data;

use crate::ingest::value::display;
use crate::model::{AbsenceReason, Rating, RecStatus};
use crate::text::MatchKey;

/// A value outside a closed vocabulary; the message lists what is allowed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("giá trị không hợp lệ; chỉ ghi một trong: {allowed}")]
pub struct MarkError {
    /// The allowed values, as the message shows them.
    pub allowed: &'static str,
}

/// The forms of `Có dự` that units type nearly always, exactly as typed: they are read
/// without building a key (the general path gives the same, see the tests).
const ATTENDED_AS_TYPED: [(&str, bool); 5] = [
    ("Có", true),
    ("x", true),
    ("X", true),
    ("Không", false),
    ("Vắng", false),
];

/// The same for `Xếp loại`.
const RATING_AS_TYPED: [(&str, Rating); 5] = [
    ("Tốt", Rating::Tot),
    ("Khá", Rating::Kha),
    ("Trung bình", Rating::TrungBinh),
    ("TB", Rating::TrungBinh),
    ("Kém", Rating::Kem),
];

fn as_typed<T: Copy>(data: &Data, forms: &[(&str, T)]) -> Option<T> {
    let Data::String(text) = data else {
        return None;
    };
    forms.iter().find(|(form, _)| form == text).map(|&(_, v)| v)
}

fn key(data: &Data) -> Option<MatchKey> {
    let key = MatchKey::new(&display(data));
    (!key.is_empty()).then_some(key)
}

/// `Có dự`: yes (`Có`, `x`, `✓`, `1`, `Đã dự`, TRUE) or no (`Không`, `0`, `Vắng`, FALSE).
pub fn attended(data: &Data) -> Result<Option<bool>, MarkError> {
    if let Data::Bool(b) = data {
        return Ok(Some(*b));
    }
    if let Some(mark) = as_typed(data, &ATTENDED_AS_TYPED) {
        return Ok(Some(mark));
    }
    attended_by_key(data)
}

fn attended_by_key(data: &Data) -> Result<Option<bool>, MarkError> {
    const ALLOWED: &str = "Có, x, ✓, 1, Đã dự (có dự) hoặc Không, 0, Vắng (vắng)";
    let Some(key) = key(data) else {
        return Ok(None);
    };
    match key.as_str() {
        "có" | "x" | "✓" | "✔" | "☑" | "1" | "đã dự" | "có dự" | "dự" => {
            Ok(Some(true))
        }
        "không" | "0" | "vắng" | "không dự" | "vắng mặt" => Ok(Some(false)),
        _ => Err(MarkError { allowed: ALLOWED }),
    }
}

/// `Lý do vắng`: the three named reasons, anything else is `Lý do khác` with its text.
pub fn absence_reason(data: &Data) -> Option<AbsenceReason> {
    let key = key(data)?;
    Some(match key.as_str() {
        "đi công tác" | "công tác" => AbsenceReason::BusinessTrip,
        "công việc đột xuất" | "việc đột xuất" | "đột xuất" => {
            AbsenceReason::Urgent
        }
        "ốm đau" | "ốm" | "bị ốm" | "đau ốm" => AbsenceReason::Sick,
        _ => AbsenceReason::Other(display(data)),
    })
}

/// `Xếp loại`: `Tốt`, `Khá`, `Trung bình` (`TB`), `Kém`.
pub fn rating(data: &Data) -> Result<Option<Rating>, MarkError> {
    if let Some(rating) = as_typed(data, &RATING_AS_TYPED) {
        return Ok(Some(rating));
    }
    rating_by_key(data)
}

fn rating_by_key(data: &Data) -> Result<Option<Rating>, MarkError> {
    const ALLOWED: &str = "Tốt, Khá, Trung bình (TB), Kém";
    let Some(key) = key(data) else {
        return Ok(None);
    };
    match key.as_str() {
        "tốt" => Ok(Some(Rating::Tot)),
        "khá" => Ok(Some(Rating::Kha)),
        "trung bình" | "tb" => Ok(Some(Rating::TrungBinh)),
        "kém" => Ok(Some(Rating::Kem)),
        _ => Err(MarkError { allowed: ALLOWED }),
    }
}

/// `Tình trạng` of a recommendation.
pub fn rec_status(data: &Data) -> Result<Option<RecStatus>, MarkError> {
    const ALLOWED: &str = "Giải quyết tại chỗ, Đã chuyển, Đang giải quyết, Đã giải quyết";
    let Some(key) = key(data) else {
        return Ok(None);
    };
    match key.as_str() {
        "giải quyết tại chỗ" | "đã giải quyết tại chỗ" => {
            Ok(Some(RecStatus::ResolvedOnSpot))
        }
        "đã chuyển" | "chuyển" => Ok(Some(RecStatus::Forwarded)),
        "đang giải quyết" => Ok(Some(RecStatus::InProgress)),
        "đã giải quyết" => Ok(Some(RecStatus::Resolved)),
        _ => Err(MarkError { allowed: ALLOWED }),
    }
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
        for (form, mark) in ATTENDED_AS_TYPED {
            assert_eq!(attended_by_key(&s(form)), Ok(Some(mark)), "{form:?}");
        }
        for (form, rating) in RATING_AS_TYPED {
            assert_eq!(rating_by_key(&s(form)), Ok(Some(rating)), "{form:?}");
        }
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

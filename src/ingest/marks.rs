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

fn key(data: &Data) -> Option<MatchKey> {
    let key = MatchKey::new(&display(data));
    (!key.is_empty()).then_some(key)
}

/// `Có dự`: yes (`Có`, `x`, `✓`, `1`, `Đã dự`, TRUE) or no (`Không`, `0`, `Vắng`, FALSE).
pub fn attended(data: &Data) -> Result<Option<bool>, MarkError> {
    const ALLOWED: &str = "Có, x, ✓, 1, Đã dự (có dự) hoặc Không, 0, Vắng (vắng)";
    if let Data::Bool(b) = data {
        return Ok(Some(*b));
    }
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

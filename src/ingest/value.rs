//! Reading typed values from cells (SPEC §5), straight from calamine's `Data`.
//!
//! Each reader matches every `Data` variant, returns `Ok(None)` for a blank cell and a
//! [`ValueError`] that says in Vietnamese what the cell should hold. Readers for dates,
//! attended marks and ratings join these in the submission reader.

use calamine::Data;

use crate::text::clean;

/// Why a cell's value cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// The cell holds an Excel error such as `#REF!`.
    #[error("ô có lỗi công thức {0}")]
    Excel(String),
    /// Text where a number is needed.
    #[error("cần một số nguyên")]
    NotANumber,
    /// A number with a fractional part.
    #[error("cần một số nguyên, không có phần lẻ")]
    Fraction,
    /// A negative number.
    #[error("không được là số âm")]
    Negative,
    /// A number too large to be meant.
    #[error("số quá lớn")]
    TooLarge,
}

/// The value as a person sees it, for labels and for quoting an offending value.
pub fn display(data: &Data) -> String {
    match data {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => clean(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) => d.format("%d/%m/%Y").to_string(),
            None => float_text(dt.as_f64()),
        },
        Data::Error(e) => e.to_string(),
    }
}

/// A text cell, cleaned; numbers become their digits (a code typed as `101` is `"101"`).
pub fn text(data: &Data) -> Result<Option<String>, ValueError> {
    match data {
        Data::Error(e) => Err(ValueError::Excel(format!("{e}"))),
        other => {
            let s = display(other);
            Ok((!s.is_empty()).then_some(s))
        }
    }
}

/// A whole number ≥ 0: a numeric cell, or text such as `36`, `36 đ/c`, `36 người`.
pub fn count(data: &Data) -> Result<Option<u32>, ValueError> {
    match data {
        Data::Empty => Ok(None),
        Data::Int(i) if *i < 0 => Err(ValueError::Negative),
        Data::Int(i) => u32::try_from(*i)
            .map(Some)
            .map_err(|_| ValueError::TooLarge),
        Data::Float(f) if f.is_nan() || f.fract() != 0.0 => Err(ValueError::Fraction),
        Data::Float(f) if *f < 0.0 => Err(ValueError::Negative),
        Data::Float(f) if *f > f64::from(u32::MAX) => Err(ValueError::TooLarge),
        // Whole, in range: the conversion is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Data::Float(f) => Ok(Some(*f as u32)),
        Data::String(s) => {
            let s = clean(s);
            if s.is_empty() {
                return Ok(None);
            }
            count_text(&s)
        }
        Data::Error(e) => Err(ValueError::Excel(format!("{e}"))),
        Data::Bool(_) | Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => {
            Err(ValueError::NotANumber)
        }
    }
}

/// An integer followed by nothing or a unit word (`đ/c`, `người`, `đồng chí`).
fn count_text(s: &str) -> Result<Option<u32>, ValueError> {
    let (sign, rest) = match s.strip_prefix(['-', '−']) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, s),
    };
    let split = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (digits, tail) = rest.split_at(split);
    if digits.is_empty() {
        return Err(ValueError::NotANumber);
    }
    if tail.starts_with(['.', ',']) && tail[1..].starts_with(|c: char| c.is_ascii_digit()) {
        return Err(ValueError::Fraction);
    }
    if !tail
        .chars()
        .all(|c| c.is_alphabetic() || c == '/' || c == '.' || c == ' ')
    {
        return Err(ValueError::NotANumber);
    }
    if sign {
        return Err(ValueError::Negative);
    }
    digits.parse().map(Some).map_err(|_| ValueError::TooLarge)
}

fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else {
        f.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        let s = |t: &str| Data::String(t.into());
        let cases = [
            (Data::Empty, Ok(None)),
            (s("  "), Ok(None)),
            (Data::Int(36), Ok(Some(36))),
            (Data::Float(36.0), Ok(Some(36))),
            (s("36"), Ok(Some(36))),
            (s("36 đ/c"), Ok(Some(36))),
            (s("36 người"), Ok(Some(36))),
            (s("36 đồng chí"), Ok(Some(36))),
            (s("0"), Ok(Some(0))),
            (Data::Float(2.5), Err(ValueError::Fraction)),
            (s("2,5"), Err(ValueError::Fraction)),
            (s("2.5 người"), Err(ValueError::Fraction)),
            (Data::Int(-3), Err(ValueError::Negative)),
            (s("-3"), Err(ValueError::Negative)),
            (s("ba mươi"), Err(ValueError::NotANumber)),
            (s("36+"), Err(ValueError::NotANumber)),
            (Data::Bool(true), Err(ValueError::NotANumber)),
            (
                Data::Error(calamine::CellErrorType::Ref),
                Err(ValueError::Excel("#REF!".into())),
            ),
            (s("99999999999"), Err(ValueError::TooLarge)),
            (Data::Float(-3.0), Err(ValueError::Negative)),
            (Data::Float(-0.5), Err(ValueError::Fraction)),
            (Data::Float(99_999_999_999.0), Err(ValueError::TooLarge)),
            (Data::Int(99_999_999_999), Err(ValueError::TooLarge)),
            (Data::Float(4_294_967_295.0), Ok(Some(u32::MAX))),
        ];
        for (data, want) in cases {
            assert_eq!(count(&data), want, "{data:?}");
        }
    }

    #[test]
    fn texts() {
        assert_eq!(text(&Data::Float(101.0)), Ok(Some("101".into())));
        assert_eq!(text(&Data::Int(7)), Ok(Some("7".into())));
        assert_eq!(text(&Data::Float(1.4)), Ok(Some("1.4".into())));
        assert_eq!(
            text(&Data::String(" Bản\u{a0}Mới ".into())),
            Ok(Some("Bản Mới".into()))
        );
        assert_eq!(text(&Data::String("   ".into())), Ok(None));
        assert!(text(&Data::Error(calamine::CellErrorType::NA)).is_err());
    }
}

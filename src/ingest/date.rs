//! Dates as units type them (SPEC §5): Excel date cells and serials, ISO, `dd/mm/yyyy`
//! and its variants, two-digit years, and `ngày 5 tháng 7 năm 2020`. The day always
//! comes first; a month above 12 is an error, never a reason to swap.

use calamine::Data;
use chrono::{Datelike, NaiveDate};

use crate::text::{MatchKey, clean};

/// Why a date cell cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Text in no known date form.
    #[error("không đọc được ngày; hãy ghi dạng ngày/tháng/năm, ví dụ 05/07/2020")]
    Unknown,
    /// A month outside 1–12 (the day is always written first).
    #[error("tháng {0} không có; ngày phải ghi trước tháng (ngày/tháng/năm)")]
    BadMonth(u32),
    /// A day that the month does not have.
    #[error("ngày {day} không có trong tháng {month}/{year}")]
    BadDay {
        /// The day written.
        day: u32,
        /// The month written.
        month: u32,
        /// The year written.
        year: i32,
    },
    /// A serial number that is no date.
    #[error("số {0} không phải là ngày hợp lệ")]
    BadSerial(String),
    /// A cell of another kind (true/false, an Excel error).
    #[error("ô này không chứa ngày")]
    NotADate,
}

/// Reads a date cell; `epoch_1904` says how bare serial numbers count (the workbook's
/// date system). Blank is `Ok(None)`.
pub fn date(data: &Data, epoch_1904: bool) -> Result<Option<NaiveDate>, DateError> {
    match data {
        Data::Empty => Ok(None),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) if dt.is_datetime() => Ok(Some(d.date())),
            _ => Err(DateError::BadSerial(dt.as_f64().to_string())),
        },
        Data::Int(i) => {
            // Serials beyond i32 are no dates; saturating keeps the cast exact.
            let i = i32::try_from(*i).unwrap_or(i32::MAX);
            serial(f64::from(i), epoch_1904).map(Some)
        }
        Data::Float(f) => serial(*f, epoch_1904).map(Some),
        Data::String(s) | Data::DateTimeIso(s) => {
            let s = clean(s);
            if s.is_empty() {
                return Ok(None);
            }
            text_date(&s, epoch_1904).map(Some)
        }
        Data::Bool(_) | Data::Error(_) | Data::DurationIso(_) => Err(DateError::NotADate),
    }
}

/// An Excel serial: days since 1899-12-30 (1900 system, after Excel's phantom 29 Feb
/// 1900) or since 1904-01-01. The time of day is ignored.
fn serial(value: f64, epoch_1904: bool) -> Result<NaiveDate, DateError> {
    let bad = || DateError::BadSerial(crate::ingest::value::display(&Data::Float(value)));
    if !value.is_finite() || !(1.0..2_958_466.0).contains(&value) {
        return Err(bad());
    }
    #[allow(clippy::cast_possible_truncation)] // bounded just above
    let days = value.floor() as i64;
    let (base, days) = if epoch_1904 {
        (NaiveDate::from_ymd_opt(1904, 1, 1), days)
    } else if days < 61 {
        (NaiveDate::from_ymd_opt(1899, 12, 31), days)
    } else {
        (NaiveDate::from_ymd_opt(1899, 12, 30), days)
    };
    base.and_then(|b| b.checked_add_signed(chrono::Duration::days(days)))
        .ok_or_else(bad)
}

fn text_date(s: &str, epoch_1904: bool) -> Result<NaiveDate, DateError> {
    // `ngày 5 tháng 7 năm 2020` (any case, with or without diacritics typed).
    if s.chars().any(char::is_alphabetic) {
        let key = MatchKey::new(s).folded();
        let words: Vec<&str> = key
            .as_str()
            .split([' ', ','])
            .filter(|w| !w.is_empty())
            .collect();
        if let ["ngay", d, "thang", m, "nam", y] = words[..] {
            return ymd(number(y)?, number(m)?, number(d)?, y.len());
        }
    }
    // A bare serial typed as text.
    if s.len() >= 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        let n: f64 = s.parse().map_err(|_| DateError::Unknown)?;
        return serial(n, epoch_1904);
    }
    // Spaces around separators go (`5 / 7 / 2020`); then a time of day after the date
    // (`05/07/2020 08:00`, ISO `T00:00:00`) is dropped.
    let mut compact = s.to_owned();
    if s.contains(' ') {
        for sep in ["/", "-", "."] {
            compact = compact
                .replace(&format!(" {sep}"), sep)
                .replace(&format!("{sep} "), sep);
        }
    }
    let date_part = compact.split([' ', 'T']).next().unwrap_or(&compact);
    let parts: Vec<&str> = date_part.split(['/', '-', '.']).map(str::trim).collect();
    let [a, b, c] = parts[..] else {
        return Err(DateError::Unknown);
    };
    if a.len() == 4 {
        // ISO: year first.
        return ymd(number(a)?, number(b)?, number(c)?, 4);
    }
    if a.is_empty() || a.len() > 2 || b.is_empty() || b.len() > 2 || !(c.len() == 2 || c.len() == 4)
    {
        return Err(DateError::Unknown);
    }
    ymd(number(c)?, number(b)?, number(a)?, c.len())
}

fn number(s: &str) -> Result<u32, DateError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.len() > 4 {
        return Err(DateError::Unknown);
    }
    s.parse().map_err(|_| DateError::Unknown)
}

fn ymd(year: u32, month: u32, day: u32, year_digits: usize) -> Result<NaiveDate, DateError> {
    let year = match year_digits {
        2 => 2000 + year,
        4 if year >= 1900 => year,
        _ => return Err(DateError::Unknown),
    };
    let year = i32::try_from(year).map_err(|_| DateError::Unknown)?;
    if !(1..=12).contains(&month) {
        return Err(DateError::BadMonth(month));
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or(DateError::BadDay { day, month, year })
}

/// Whether a workbook counts dates from 1904, told from one of its date cells: calamine
/// converts those with the workbook's system but keeps the raw serial.
pub fn uses_1904<'a>(cells: impl IntoIterator<Item = &'a Data>) -> bool {
    cells.into_iter().find_map(|d| match d {
        Data::DateTime(dt) if dt.is_datetime() => {
            let date = dt.as_datetime()?.date();
            let as_1900 = serial(dt.as_f64(), false).ok()?;
            Some(date.num_days_from_ce() != as_1900.num_days_from_ce())
        }
        _ => None,
    }) == Some(true)
}

#[cfg(test)]
mod tests {
    use calamine::{ExcelDateTime, ExcelDateTimeType};
    use proptest::prelude::*;

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn text_forms() {
        let ok = [
            ("2020-07-05", d(2020, 7, 5)),
            ("2020-07-05T00:00:00", d(2020, 7, 5)),
            ("05/07/2020", d(2020, 7, 5)),
            ("5/7/2020", d(2020, 7, 5)),
            ("05-07-2020", d(2020, 7, 5)),
            ("05.07.2020", d(2020, 7, 5)),
            ("05/07/20", d(2020, 7, 5)),
            ("5/7/20", d(2020, 7, 5)),
            (" 5 / 7 / 2020 ", d(2020, 7, 5)),
            ("05/07/2020 08:30", d(2020, 7, 5)),
            ("ngày 5 tháng 7 năm 2020", d(2020, 7, 5)),
            ("Ngày 05 tháng 07 năm 2020", d(2020, 7, 5)),
            ("ngay 5 thang 7 nam 2020", d(2020, 7, 5)),
            ("29/02/2020", d(2020, 2, 29)),
            ("12/01/2020", d(2020, 1, 12)),
            ("44017", d(2020, 7, 5)),
        ];
        for (text, want) in ok {
            assert_eq!(
                date(&Data::String(text.into()), false),
                Ok(Some(want)),
                "{text:?}"
            );
        }
        let bad = [
            ("07/13/2020", DateError::BadMonth(13)),
            ("2020-13-01", DateError::BadMonth(13)),
            (
                "31/04/2020",
                DateError::BadDay {
                    day: 31,
                    month: 4,
                    year: 2020,
                },
            ),
            (
                "29/02/2021",
                DateError::BadDay {
                    day: 29,
                    month: 2,
                    year: 2021,
                },
            ),
            (
                "0/07/2020",
                DateError::BadDay {
                    day: 0,
                    month: 7,
                    year: 2020,
                },
            ),
            ("tháng 7", DateError::Unknown),
            ("5/7", DateError::Unknown),
            ("05/07/020", DateError::Unknown),
            ("hôm qua", DateError::Unknown),
            ("1/2/3/4", DateError::Unknown),
        ];
        for (text, want) in bad {
            assert_eq!(
                date(&Data::String(text.into()), false),
                Err(want),
                "{text:?}"
            );
        }
        assert_eq!(date(&Data::String("  ".into()), false), Ok(None));
    }

    #[test]
    fn cells_and_serials() {
        assert_eq!(date(&Data::Empty, false), Ok(None));
        assert_eq!(date(&Data::Float(44017.0), false), Ok(Some(d(2020, 7, 5))));
        assert_eq!(date(&Data::Int(44017), false), Ok(Some(d(2020, 7, 5))));
        assert_eq!(
            date(&Data::Float(44017.75), false),
            Ok(Some(d(2020, 7, 5))),
            "time of day ignored"
        );
        assert_eq!(
            date(&Data::Float(42555.0), true),
            Ok(Some(d(2020, 7, 5))),
            "1904 system"
        );
        assert_eq!(date(&Data::Float(1.0), false), Ok(Some(d(1900, 1, 1))));
        assert_eq!(date(&Data::Float(61.0), false), Ok(Some(d(1900, 3, 1))));
        assert!(matches!(
            date(&Data::Float(-3.0), false),
            Err(DateError::BadSerial(_))
        ));
        assert!(matches!(
            date(&Data::Float(0.5), false),
            Err(DateError::BadSerial(_))
        ));
        let cell = ExcelDateTime::new(44017.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(date(&Data::DateTime(cell), false), Ok(Some(d(2020, 7, 5))));
        let cell_1904 = ExcelDateTime::new(42555.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(
            date(&Data::DateTime(cell_1904), false),
            Ok(Some(d(2020, 7, 5)))
        );
        assert_eq!(
            date(&Data::DateTimeIso("2020-07-05".into()), false),
            Ok(Some(d(2020, 7, 5)))
        );
        assert_eq!(date(&Data::Bool(true), false), Err(DateError::NotADate));
    }

    #[test]
    fn the_date_system_is_told_by_a_date_cell() {
        let cell = |is_1904| {
            Data::DateTime(ExcelDateTime::new(
                42555.0,
                ExcelDateTimeType::DateTime,
                is_1904,
            ))
        };
        assert!(uses_1904(&[Data::Int(3), cell(true)]));
        assert!(!uses_1904(&[cell(false)]));
        assert!(!uses_1904(&[Data::Int(3)]));
    }

    proptest! {
        /// Every real date written day first, in every separator and year width, reads
        /// back as itself; with day and month swapped it never reads as the swapped date.
        #[test]
        fn day_first_always(days in 0i64..36_500, sep in prop::sample::select(vec!["/", "-", "."]), short in any::<bool>()) {
            let date0 = d(2000, 1, 1) + chrono::Duration::days(days);
            let year = if short { format!("{:02}", date0.year() % 100) } else { date0.year().to_string() };
            let text = format!("{:02}{sep}{:02}{sep}{year}", date0.day(), date0.month());
            prop_assert_eq!(date(&Data::String(text.clone()), false), Ok(Some(date0)), "{}", text);
            let swapped = format!("{:02}{sep}{:02}{sep}{year}", date0.month(), date0.day());
            let read = date(&Data::String(swapped), false);
            if date0.day() != date0.month() {
                prop_assert_ne!(read, Ok(Some(date0)));
            }
        }

        /// Serial numbers and the dates they stand for agree with calamine's conversion.
        #[test]
        fn serials_agree_with_calamine(serial_day in 61u32..80_000, is_1904 in any::<bool>()) {
            let cell = ExcelDateTime::new(f64::from(serial_day), ExcelDateTimeType::DateTime, is_1904);
            let want = cell.as_datetime().unwrap().date();
            prop_assert_eq!(date(&Data::Float(f64::from(serial_day)), is_1904), Ok(Some(want)));
        }
    }
}

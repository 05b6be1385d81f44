//! The office's time: its UTC offset (the `timezone` key of `chibo.toml`), the date a
//! moment falls on there, and the one place chibo reads the system clock. Received dates,
//! deadlines and email dates are judged in the workspace's offset, never in the
//! machine's own time zone, so that the same inbox gives the same figures anywhere.
//!
//! Tests set the clock with the environment variable [`NOW_VAR`] (an RFC 3339 moment
//! such as `2020-08-03T10:00:00+07:00`); nothing else reads it.

use std::time::SystemTime;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// The test-only environment variable that replaces the system clock.
pub const NOW_VAR: &str = "CHIBO_NOW";

/// The default offset of the office: Vietnam, `+07:00`.
pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("a valid offset")
}

/// Parses a fixed UTC offset written `+07:00` or `-05:30`: a sign, two digits of hours
/// (at most 14, as the world's offsets go), a colon and two digits of minutes (at most 59).
pub fn parse_offset(text: &str) -> Option<FixedOffset> {
    let b = text.as_bytes();
    let sign = match b.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits = |s: &[u8]| -> Option<i32> {
        (s.len() == 2 && s.iter().all(u8::is_ascii_digit))
            .then(|| i32::from(s[0] - b'0') * 10 + i32::from(s[1] - b'0'))
    };
    if b.len() != 6 || b[3] != b':' {
        return None;
    }
    let (hours, minutes) = (digits(&b[1..3])?, digits(&b[4..6])?);
    if hours > 14 || minutes > 59 || (hours == 14 && minutes > 0) {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

/// The date `moment` falls on at `offset`.
pub fn date_at(moment: SystemTime, offset: FixedOffset) -> NaiveDate {
    DateTime::<Utc>::from(moment)
        .with_timezone(&offset)
        .date_naive()
}

/// `CHIBO_NOW` holds no RFC 3339 moment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "biến môi trường {NOW_VAR} (chỉ dùng khi kiểm thử) ghi «{value}», không phải thời điểm dạng 2020-08-03T10:00:00+07:00; hãy sửa hoặc bỏ biến này"
)]
pub struct BadNow {
    /// The variable's value.
    pub value: String,
}

/// Now: the system clock, or the moment [`NOW_VAR`] gives.
///
/// # Errors
/// [`NOW_VAR`] is set to something that is not an RFC 3339 moment.
pub fn now() -> Result<DateTime<Utc>, BadNow> {
    match std::env::var(NOW_VAR) {
        Ok(value) => DateTime::parse_from_rfc3339(value.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| BadNow { value }),
        Err(_) => Ok(Utc::now()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets() {
        let secs = |t: &str| parse_offset(t).map(|o| o.local_minus_utc());
        for (text, expected) in [
            ("+07:00", Some(7 * 3600)),
            ("-05:30", Some(-(5 * 3600 + 30 * 60))),
            ("+00:00", Some(0)),
            ("-00:00", Some(0)),
            ("+14:00", Some(14 * 3600)),
            ("+05:45", Some(5 * 3600 + 45 * 60)),
            ("+14:30", None),
            ("+15:00", None),
            ("+07:60", None),
            ("07:00", None),
            ("+7:00", None),
            ("+0700", None),
            ("+07", None),
            ("UTC+7", None),
            ("Asia/Ho_Chi_Minh", None),
            ("+07:00 ", None),
            ("", None),
        ] {
            assert_eq!(secs(text), expected, "{text:?}");
        }
    }

    #[test]
    fn dates_fall_in_the_offset() {
        let moment =
            SystemTime::from(DateTime::parse_from_rfc3339("2020-08-05T20:00:00Z").unwrap());
        assert_eq!(date_at(moment, vietnam()).to_string(), "2020-08-06");
        assert_eq!(
            date_at(moment, FixedOffset::east_opt(0).unwrap()).to_string(),
            "2020-08-05"
        );
        assert_eq!(
            date_at(moment, parse_offset("-05:30").unwrap()).to_string(),
            "2020-08-05"
        );
    }
}

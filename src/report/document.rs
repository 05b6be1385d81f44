//! The Party's document format (Hướng dẫn 36-HD/VPTW) where chibo writes a document:
//! the place and date line, and the lines of the consolidated report's end (number,
//! recipients, signature).

use chrono::{Datelike, NaiveDate};

/// `Sơn La, ngày 09 tháng 8 năm 2020`: the place and date line of a document. The day
/// has a leading zero below 10, the month only for January and February (`tháng 01`,
/// `tháng 02`), as the guideline writes them.
pub fn date_line(place: &str, date: NaiveDate) -> String {
    let month = match date.month() {
        m @ (1 | 2) => format!("{m:02}"),
        m => m.to_string(),
    };
    format!(
        "{place}, ngày {:02} tháng {month} năm {}",
        date.day(),
        date.year()
    )
}

/// The number line of the consolidated report, left for the office to fill in.
pub const NUMBER_LINE: &str = "Số: ……-BC/BTCTU";

/// The recipients of the consolidated report, as the office usually sends it; it edits
/// them in the workbook before printing.
pub const RECIPIENTS: [&str; 4] = [
    "- Thường trực Tỉnh ủy;",
    "- Các đồng chí Ủy viên Ban Thường vụ Tỉnh ủy;",
    "- Các huyện ủy, thành ủy;",
    "- Lưu VP.",
];

/// The signature block: on behalf of the committee, and the signer's title (the office
/// writes `PHÓ TRƯỞNG BAN` when a deputy signs).
pub const SIGNATURE: [&str; 2] = ["T/M BAN TỔ CHỨC", "TRƯỞNG BAN"];

/// The line under the room for the signature and the seal, where the signer's name is
/// written.
pub const NAME_LINE: &str = "……………………………";

#[cfg(test)]
mod tests {
    use super::date_line;
    use chrono::NaiveDate;

    #[test]
    fn days_below_ten_and_the_first_two_months_have_a_leading_zero() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let cases = [
            (d(2020, 8, 9), "Sơn La, ngày 09 tháng 8 năm 2020"),
            (d(2021, 2, 5), "Sơn La, ngày 05 tháng 02 năm 2021"),
            (d(2020, 11, 15), "Sơn La, ngày 15 tháng 11 năm 2020"),
            (d(2021, 1, 31), "Sơn La, ngày 31 tháng 01 năm 2021"),
            (d(2020, 12, 10), "Sơn La, ngày 10 tháng 12 năm 2020"),
            (d(2020, 3, 1), "Sơn La, ngày 01 tháng 3 năm 2020"),
            (d(2020, 10, 5), "Sơn La, ngày 05 tháng 10 năm 2020"),
        ];
        for (date, want) in cases {
            assert_eq!(date_line("Sơn La", date), want, "{date}");
        }
    }
}

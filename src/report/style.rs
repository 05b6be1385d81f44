//! What every workbook chibo writes shares: the font, the cell formats built on it, the
//! header row's look, dates, column indexes and the A4 landscape print setup. The
//! consolidated workbook, the unit template and the roster writer take them from here,
//! so that they look alike and a change is made once.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Worksheet, XlsxError};

/// The font of every workbook chibo writes.
pub const FONT: &str = "Times New Roman";
/// Its size in points.
pub const FONT_SIZE: f64 = 12.0;
/// The fill of header rows.
pub const HEADER_FILL: &str = "#DDEBF7";
/// How dates are shown.
pub const DATE_FORMAT: &str = "dd/mm/yyyy";

/// The plain text format: the font at its size.
pub fn base() -> Format {
    Format::new().set_font_name(FONT).set_font_size(FONT_SIZE)
}

/// A table's header cell: bold, wrapped, centred both ways, boxed and filled.
pub fn header() -> Format {
    base()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color(HEADER_FILL)
}

/// A date for a cell.
///
/// # Errors
/// A date outside the years Excel can show.
pub fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let month = u8::try_from(d.month()).expect("a month fits in u8");
    let day = u8::try_from(d.day()).expect("a day fits in u8");
    ExcelDateTime::from_ymd(u16::try_from(d.year()).unwrap_or(2000), month, day)
}

/// A column index as `rust_xlsxwriter` takes it.
pub fn col(c: usize) -> u16 {
    u16::try_from(c).expect("few columns")
}

/// The lines `text` takes in a wrapped cell `width` characters wide (a column width as
/// `set_column_width` takes it) at `font_size` points: explicit line breaks start a line,
/// words go on a line while they fit, and a word longer than a line is cut over several.
///
/// A character is counted half an em wide, wider than Times New Roman's average (Excel
/// shows about one such character per width unit at 12 points; LibreOffice draws the
/// columns a third wider still), so that the estimate errs on a line too many rather
/// than a line cut.
pub fn wrapped_lines(text: &str, width: f64, font_size: f64) -> usize {
    // A width unit is 7 pixels, and 5 more for the column; 3 each side are padding.
    let pixels = (width * 7.0 + 5.0 - 6.0).max(1.0);
    let char_pixels = font_size * 4.0 / 3.0 * 0.5;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // small, positive
    let per_line = ((pixels / char_pixels).floor() as usize).max(1);
    // Most cells are short: no more bytes than a line holds characters is one line.
    if text.len() <= per_line && !text.contains('\n') {
        return 1;
    }
    text.split('\n')
        .map(|line| {
            let mut lines = 1;
            let mut used = 0;
            for word in line.split_whitespace() {
                let len = word.chars().count();
                let needed = if used == 0 { len } else { used + 1 + len };
                if needed <= per_line {
                    used = needed;
                } else {
                    if used > 0 {
                        lines += 1;
                    }
                    // A word longer than a line is cut where the line ends.
                    lines += (len - 1) / per_line;
                    used = (len - 1) % per_line + 1;
                }
            }
            lines
        })
        .sum()
}

/// The height in points of a row of `lines` lines at `font_size` points: a line and a
/// quarter each (LibreOffice and Excel space Times New Roman lines about 1.15 apart) and
/// 3 points of padding.
#[allow(clippy::cast_precision_loss)] // few lines
pub fn row_height(lines: usize, font_size: f64) -> f64 {
    lines as f64 * font_size * 1.25 + 3.0
}

/// The height a row needs for its wrapped `cells`, each its text and its column's width,
/// at `font_size` points: the most lines of any cell, and at least one.
pub fn fitted_height<'a>(cells: impl IntoIterator<Item = (&'a str, f64)>, font_size: f64) -> f64 {
    let lines = cells
        .into_iter()
        .map(|(text, width)| wrapped_lines(text, width, font_size))
        .max()
        .unwrap_or(1)
        .max(1);
    row_height(lines, font_size)
}

/// How bold text is counted: a tenth wider, so as a column a tenth narrower.
pub const BOLD_WIDTH: f64 = 0.9;

/// A4 landscape, 841.9 points wide.
const A4_LANDSCAPE_POINTS: f64 = 841.9;
/// The print scale no sheet goes below.
pub const MIN_PRINT_SCALE: f64 = 0.7;
/// The scale aimed at when fitting: a little above [`MIN_PRINT_SCALE`], for the estimate.
const AIMED_SCALE: f64 = 0.72;

/// The points LibreOffice prints a column `width` characters wide at full size (measured
/// from its PDFs: it draws the width unit of an `.xlsx` at about 7.14 points, a third
/// wider than Excel's 7 pixels).
pub fn column_points(width: f64) -> f64 {
    width * 7.14 + 5.1
}

/// The scale at which columns of `widths` print `pages_wide` pages wide on A4 landscape
/// with `side` inches of margin each side (1 where they fit at full size).
#[allow(clippy::cast_precision_loss)] // few pages
pub fn print_scale(widths: &[f64], side: f64, pages_wide: u16) -> f64 {
    let printable = A4_LANDSCAPE_POINTS - 2.0 * side * 72.0;
    let total: f64 = widths.iter().copied().map(column_points).sum();
    (f64::from(pages_wide) * printable / total).min(1.0)
}

/// The fewest pages wide (up to 4) at which columns of `widths` print at least at
/// [`MIN_PRINT_SCALE`] (with some room for the estimate).
pub fn pages_wide(widths: &[f64], side: f64) -> u16 {
    (1..4)
        .find(|&k| print_scale(widths, side, k) >= AIMED_SCALE)
        .unwrap_or(4)
}

/// A4 landscape, fitted to as few pages wide as keep the text at 70% of its size or more
/// ([`pages_wide`] of the columns' `widths`), with `title` in bold at the top of every
/// page (`title_points` high) and the page numbers at the foot; `side` is the left and
/// right margin in inches.
pub fn print_a4_landscape(
    sheet: &mut Worksheet,
    title: &str,
    side: f64,
    title_points: u8,
    widths: &[f64],
) {
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(pages_wide(widths, side), 0);
    sheet.set_margins(side, side, 0.6, 0.6, 0.3, 0.3);
    // `&` starts a code in Excel's page header; doubling keeps it literal.
    let title = title.replace('&', "&&");
    sheet.set_header(format!("&C&\"{FONT},Bold\"&{title_points}{title}"));
    sheet.set_footer("&CTrang &P/&N");
}

#[cfg(test)]
mod tests {
    use super::{fitted_height, pages_wide, print_scale, row_height, wrapped_lines};

    #[test]
    fn short_text_takes_one_line() {
        assert_eq!(wrapped_lines("Đã dự", 10.0, 12.0), 1);
        assert_eq!(wrapped_lines("", 10.0, 12.0), 1);
    }

    #[test]
    fn words_wrap_where_the_line_is_full() {
        // 30 characters wide at 12 points hold 26 characters a line.
        let text = "Dòng kế hoạch để trống kết quả sẽ được tính là chưa báo cáo";
        assert_eq!(wrapped_lines(text, 30.0, 12.0), 3);
        // Twice as wide, half the lines (rounded up).
        assert_eq!(wrapped_lines(text, 60.0, 12.0), 2);
        // A smaller font holds more on a line.
        assert!(wrapped_lines(text, 30.0, 8.0) < 3);
    }

    #[test]
    fn explicit_breaks_start_lines() {
        assert_eq!(wrapped_lines("a\nb\nc", 30.0, 12.0), 3);
        assert_eq!(wrapped_lines("a\n\nc", 30.0, 12.0), 3);
    }

    #[test]
    fn a_long_word_is_cut_over_lines() {
        let path = "inbox/2020-07/Yen-Chau-bao-cao-thang-7-ban-sua-lan-2.xlsx";
        let per_line = 26; // 30 wide at 12 points
        let lines = path.chars().count().div_ceil(per_line);
        assert_eq!(wrapped_lines(path, 30.0, 12.0), lines);
        assert_eq!(wrapped_lines(&format!("tệp {path}"), 30.0, 12.0), lines + 1);
        // Characters count, not bytes: a line holds 26 letters with diacritics too.
        assert_eq!(wrapped_lines(&"a".repeat(per_line), 30.0, 12.0), 1);
        assert_eq!(wrapped_lines(&"a".repeat(per_line + 1), 30.0, 12.0), 2);
        assert_eq!(wrapped_lines(&"ệ".repeat(per_line), 30.0, 12.0), 1);
    }

    #[test]
    fn a_row_is_as_high_as_its_tallest_cell() {
        let long = "một hai ba bốn năm sáu bảy tám chín mười một hai ba bốn năm";
        let h = fitted_height([("ngắn", 10.0), (long, 12.0), ("x", 40.0)], 12.0);
        assert!((h - row_height(wrapped_lines(long, 12.0, 12.0), 12.0)).abs() < 1e-9);
        assert!(h > row_height(2, 12.0));
        assert!((fitted_height([], 12.0) - row_height(1, 12.0)).abs() < 1e-9);
    }

    #[test]
    fn sheets_too_wide_for_a_page_at_seventy_percent_take_two() {
        let narrow = [10.0; 8];
        assert!((print_scale(&narrow, 0.5, 1) - 1.0).abs() < 1e-9);
        assert_eq!(pages_wide(&narrow, 0.5), 1);
        let wide = [12.0; 19];
        assert!(print_scale(&wide, 0.5, 1) < 0.7);
        assert_eq!(pages_wide(&wide, 0.5), 2);
        assert!(print_scale(&wide, 0.5, 2) >= 0.7);
    }
}

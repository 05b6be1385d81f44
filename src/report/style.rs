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

/// A4 landscape, fitted to the page width, with `title` in bold at the top of every page
/// (`title_points` high) and the page numbers at the foot; `side` is the left and right
/// margin in inches.
pub fn print_a4_landscape(sheet: &mut Worksheet, title: &str, side: f64, title_points: u8) {
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_margins(side, side, 0.6, 0.6, 0.3, 0.3);
    // `&` starts a code in Excel's page header; doubling keeps it literal.
    let title = title.replace('&', "&&");
    sheet.set_header(format!("&C&\"{FONT},Bold\"&{title_points}{title}"));
    sheet.set_footer("&CTrang &P/&N");
}

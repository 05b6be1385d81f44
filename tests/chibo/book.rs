//! Writes small workbooks for tests, cell by cell as a person would type them.
//!
//! A cell is a string: `""` empty, `#12` the number 12, `@2020-07-05` a date cell shown
//! as dd/mm/yyyy, `=SUM(H7:H9)` a formula, `!#REF!` a formula whose cached value is that
//! Excel error, `\\=text` the literal text after the backslash (as typed after an
//! apostrophe), anything else text.

use std::path::Path;

use chibo::ingest::Column;
use chibo::submission::columns::{REPORT, ReportCol};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet};

/// A sheet: its name and rows of cells.
pub type Sheet<'a> = (&'a str, Vec<Vec<&'a str>>);

/// Writes `sheets` to `path` as .xlsx.
pub fn write(path: &Path, sheets: &[Sheet]) {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet().set_name(*name).unwrap();
        fill(sheet, rows);
    }
    book.save(path).unwrap();
}

/// Writes `rows` into `sheet` from A1, each cell as the module's documentation says.
pub fn fill(sheet: &mut Worksheet, rows: &[Vec<&str>]) {
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (u32::try_from(r).unwrap(), u16::try_from(c).unwrap());
            if cell.is_empty() {
                continue;
            }
            if let Some(literal) = cell.strip_prefix('\\') {
                sheet.write_string(r, c, literal).unwrap();
            } else if let Some(n) = cell.strip_prefix('#') {
                sheet.write_number(r, c, n.parse::<f64>().unwrap()).unwrap();
            } else if let Some(d) = cell.strip_prefix('@') {
                let d = ExcelDateTime::parse_from_str(d).unwrap();
                sheet.write_datetime_with_format(r, c, &d, &date).unwrap();
            } else if let Some(error) = cell.strip_prefix('!') {
                let formula = Formula::new(format!("={error}")).set_result(error);
                sheet.write_formula(r, c, formula).unwrap();
            } else if cell.starts_with('=') {
                sheet.write_formula(r, c, *cell).unwrap();
            } else {
                sheet.write_string(r, c, *cell).unwrap();
            }
        }
    }
}

/// The report header row a unit keeps when it makes its own sheet: the canonical labels
/// of `submission::columns::REPORT` (SPEC §4), without the code and position columns only
/// the template adds. Test rows follow this order: STT, name, cell, commune, date, ….
pub fn header() -> Vec<&'static str> {
    use ReportCol::{CadreCode, CellCode, Position};
    let columns: Vec<&Column<ReportCol>> = REPORT
        .iter()
        .filter(|c| ![CadreCode, Position, CellCode].contains(&c.key))
        .collect();
    // The tests' rows are written in this order: a change to it must show here.
    let keys: Vec<ReportCol> = columns.iter().map(|c| c.key).collect();
    assert_eq!(
        keys,
        [
            ReportCol::Stt,
            ReportCol::Cadre,
            ReportCol::Cell,
            ReportCol::Commune,
            ReportCol::Date,
            ReportCol::Attended,
            ReportCol::AbsenceReason,
            ReportCol::MembersTotal,
            ReportCol::MembersPresent,
            ReportCol::Content,
            ReportCol::Raised,
            ReportCol::ResolvedOnSpot,
            ReportCol::Rating,
            ReportCol::Note,
        ]
    );
    columns.iter().map(|c| c.canonical()).collect()
}

/// One meeting Yên Châu reports in July 2020, as a row under [`header`]: Nguyễn Văn
/// Hoà attended the cell Bản Mới of Chiềng Đông on 5 July.
pub const YC_MEETING: [&str; 6] = [
    "#1",
    "Nguyễn Văn Hoà",
    "Bản Mới",
    "Chiềng Đông",
    "05/07/2020",
    "Có",
];

/// Yên Châu's July 2020 report sheet with [`YC_MEETING`] its only row.
pub fn yc_report<'a>() -> Vec<Vec<&'a str>> {
    let mut rows = yc_title();
    rows.push(YC_MEETING.to_vec());
    rows
}

/// The title block of Yên Châu's July 2020 report (rows 1–5), the header on row 6.
pub fn yc_title<'a>() -> Vec<Vec<&'a str>> {
    vec![
        vec![
            "HUYỆN ỦY YÊN CHÂU",
            "",
            "",
            "",
            "",
            "ĐẢNG CỘNG SẢN VIỆT NAM",
        ],
        vec!["*", "", "", "", "", ""],
        vec!["BÁO CÁO KẾT QUẢ DỰ SINH HOẠT CHI BỘ KHU DÂN CƯ THÁNG 7 NĂM 2020"],
        vec!["Yên Châu, ngày 03 tháng 8 năm 2020"],
        vec![],
        header(),
    ]
}

//! The roster workbook rendered: the empty one of a new workspace (its four sheets with
//! their header rows) and the demo province's.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};

use crate::ingest::ColumnKey;
use crate::model::Assignment;
use crate::report::style;
use crate::roster::Roster;
use crate::roster::columns::{
    ASSIGNMENTS, AssignmentCol, CADRES, CELLS, CadreCol, CellCol, SheetSpec, UNITS, UnitCol,
};

/// The roster as an `.xlsx` file: the four sheets with their canonical labels and every
/// row of `roster`. The same roster gives the same bytes (the creation time is fixed).
///
/// # Errors
/// `rust_xlsxwriter` fails to assemble the file.
pub fn to_xlsx(roster: &Roster) -> Result<Vec<u8>, XlsxError> {
    to_xlsx_with(roster, &|a| a.months.to_string())
}

/// [`to_xlsx`] with the `Tháng` cell of each assignment written by `months` (the demo
/// province shows every form the column accepts: `*`, `1-12`, `1,4,7,10`, blank).
///
/// # Errors
/// `rust_xlsxwriter` fails to assemble the file.
pub fn to_xlsx_with(
    roster: &Roster,
    months: &dyn Fn(&Assignment) -> String,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title("Danh sách phân công dự sinh hoạt chi bộ")
            .set_author("chibo")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2020, 1, 1)?),
    );
    let header = style::base()
        .set_bold()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_background_color(style::HEADER_FILL);
    let body = style::base()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);

    let f = Formats { header, body };
    let units = roster.units.iter().map(|u| {
        vec![
            (UnitCol::Code, text(&u.code)),
            (UnitCol::Name, text(&u.name)),
            (UnitCol::Email, text(&u.emails.join("; "))),
        ]
    });
    write_sheet(&mut book, &UNITS, units, unit_width, &f)?;
    let cells = roster.cells.iter().map(|c| {
        vec![
            (CellCol::Code, text(&c.code)),
            (CellCol::Name, text(&c.name)),
            (CellCol::Commune, opt_text(c.commune.as_ref())),
            (CellCol::Unit, text(&c.unit)),
            (CellCol::Members, opt_number(c.members)),
            (CellCol::Remote, text(if c.remote { "x" } else { "" })),
            (CellCol::Day, opt_number(c.meeting_day.map(u32::from))),
            (CellCol::Aliases, text(&c.aliases.join("; "))),
        ]
    });
    write_sheet(&mut book, &CELLS, cells, cell_width, &f)?;
    let cadres = roster.cadres.iter().map(|c| {
        vec![
            (CadreCol::Code, text(&c.code)),
            (CadreCol::Name, text(&c.name)),
            (CadreCol::Position, opt_text(c.position.as_ref())),
            (CadreCol::Group, text(&c.group)),
            (CadreCol::Unit, opt_text(c.unit.as_ref())),
            (CadreCol::Email, opt_text(c.email.as_ref())),
            (CadreCol::Quota, opt_number(c.quota)),
        ]
    });
    write_sheet(&mut book, &CADRES, cadres, cadre_width, &f)?;
    let assignments = roster.assignments.iter().map(|a| {
        vec![
            (AssignmentCol::Cadre, text(&roster[a.cadre].code)),
            (AssignmentCol::Cell, text(&roster[a.cell].code)),
            (AssignmentCol::Months, Value::Text(months(a))),
            (AssignmentCol::CadreName, text(&roster[a.cadre].name)),
            (AssignmentCol::CellName, text(&roster[a.cell].name)),
        ]
    });
    write_sheet(&mut book, &ASSIGNMENTS, assignments, assignment_width, &f)?;
    book.save_to_buffer()
        .map(super::xlsx_bytes::as_made_on_unix)
}

/// The formats of a roster sheet.
struct Formats {
    header: Format,
    body: Format,
}

/// Writes the sheet of `spec`: its header, then `rows`, each a list of its values by
/// column (a column left out is blank).
fn write_sheet<K: ColumnKey>(
    book: &mut Workbook,
    spec: &SheetSpec<K>,
    rows: impl Iterator<Item = Vec<(K, Value)>>,
    width: fn(K) -> f64,
    f: &Formats,
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name(spec.canonical())?;
    for (c, column) in spec.columns.iter().enumerate() {
        let c = u16::try_from(c).expect("few columns");
        sheet.write_string_with_format(0, c, column.canonical(), &f.header)?;
        sheet.set_column_width(c, width(column.key))?;
    }
    let widths: Vec<f64> = spec.columns.iter().map(|c| width(c.key)).collect();
    let header = spec
        .columns
        .iter()
        .zip(&widths)
        .map(|(column, w)| (column.canonical(), w * style::BOLD_WIDTH));
    sheet.set_row_height(0, style::fitted_height(header, style::FONT_SIZE))?;
    let mut last_row = 0;
    for (r, row) in rows.enumerate() {
        let r = u32::try_from(r + 1).expect("roster rows fit in u32");
        last_row = r;
        let mut lines = 1;
        for (key, value) in row {
            let c = u16::try_from(key.index()).expect("few columns");
            match value {
                Value::Text(s) if s.is_empty() => {}
                Value::Text(s) => {
                    lines = lines.max(style::wrapped_lines(&s, width(key), style::FONT_SIZE));
                    sheet.write_string_with_format(r, c, s, &f.body)?;
                }
                Value::Number(n) => {
                    sheet.write_number_with_format(r, c, f64::from(n), &f.body)?;
                }
            }
        }
        if lines > 1 {
            sheet.set_row_height(r, style::row_height(lines, style::FONT_SIZE))?;
        }
    }
    let last_col = u16::try_from(spec.columns.len() - 1).expect("few columns");
    sheet.autofilter(0, 0, last_row, last_col)?;
    sheet.set_freeze_panes(1, 0)?;
    style::print_a4_landscape(sheet, spec.canonical(), 0.5, 12, &widths);
    sheet.set_repeat_rows(0, 0)?;
    Ok(())
}

// Widths in characters for Vietnamese text in Times New Roman 12 (autofit assumes
// Calibri 11 and cuts diacritics short).
const NAME_WIDTH: f64 = 30.0;
const EMAIL_WIDTH: f64 = 30.0;
const DEFAULT_WIDTH: f64 = 13.0;

fn unit_width(key: UnitCol) -> f64 {
    match key {
        UnitCol::Name => NAME_WIDTH,
        UnitCol::Email => EMAIL_WIDTH,
        UnitCol::Code => DEFAULT_WIDTH,
    }
}

fn cell_width(key: CellCol) -> f64 {
    match key {
        CellCol::Name => NAME_WIDTH,
        CellCol::Commune | CellCol::Aliases => 22.0,
        _ => DEFAULT_WIDTH,
    }
}

fn cadre_width(key: CadreCol) -> f64 {
    match key {
        CadreCol::Name => NAME_WIDTH,
        CadreCol::Email => EMAIL_WIDTH,
        CadreCol::Position => 30.0,
        _ => DEFAULT_WIDTH,
    }
}

fn assignment_width(key: AssignmentCol) -> f64 {
    match key {
        AssignmentCol::CadreName | AssignmentCol::CellName => NAME_WIDTH,
        AssignmentCol::Months => 16.0,
        _ => DEFAULT_WIDTH,
    }
}

enum Value {
    Text(String),
    Number(u32),
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn opt_text(s: Option<&String>) -> Value {
    Value::Text(s.cloned().unwrap_or_default())
}

fn opt_number(n: Option<u32>) -> Value {
    n.map_or(Value::Text(String::new()), Value::Number)
}

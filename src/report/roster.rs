//! The roster workbook rendered: the empty one of a new workspace (its four sheets with
//! their header rows) and the demo province's.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::ingest::Column;
use crate::model::Assignment;
use crate::report::style;
use crate::roster::Roster;
use crate::roster::columns::{ALL, SheetSpec};

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
    let body = style::base();

    for spec in ALL {
        let sheet = book.add_worksheet();
        sheet.set_name(spec.canonical())?;
        write_header(sheet, &spec, &header)?;
        let rows = rows(roster, &spec, months);
        for (r, row) in rows.iter().enumerate() {
            let r = u32::try_from(r + 1).expect("roster rows fit in u32");
            for (c, value) in row.iter().enumerate() {
                let c = u16::try_from(c).expect("few columns");
                match value {
                    Value::Text(s) if s.is_empty() => {}
                    Value::Text(s) => {
                        sheet.write_string_with_format(r, c, s, &body)?;
                    }
                    Value::Number(n) => {
                        sheet.write_number_with_format(r, c, f64::from(*n), &body)?;
                    }
                }
            }
        }
        let last_row = u32::try_from(rows.len()).expect("roster rows fit in u32");
        let last_col = u16::try_from(spec.columns.len() - 1).expect("few columns");
        sheet.autofilter(0, 0, last_row, last_col)?;
        sheet.set_freeze_panes(1, 0)?;
    }
    book.save_to_buffer()
}

fn write_header(sheet: &mut Worksheet, spec: &SheetSpec, format: &Format) -> Result<(), XlsxError> {
    for (c, column) in spec.columns.iter().enumerate() {
        let c = u16::try_from(c).expect("few columns");
        sheet.write_string_with_format(0, c, column.canonical(), format)?;
        sheet.set_column_width(c, width(column))?;
    }
    sheet.set_row_height(0, 33)?;
    Ok(())
}

/// Widths in characters for Vietnamese text in Times New Roman 12 (autofit assumes
/// Calibri 11 and cuts diacritics short).
fn width(column: &Column) -> f64 {
    match column.key {
        "name" | "cadre_name" | "cell_name" => 30.0,
        "email" => 34.0,
        "position" => 36.0,
        "commune" | "aliases" => 22.0,
        "months" => 16.0,
        _ => 13.0,
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

/// The rows of one sheet, in the column order of its spec.
fn rows(
    roster: &Roster,
    spec: &SheetSpec,
    months: &dyn Fn(&Assignment) -> String,
) -> Vec<Vec<Value>> {
    let keys: Vec<&str> = spec.columns.iter().map(|c| c.key).collect();
    let pick = |cells: Vec<(&str, Value)>| -> Vec<Value> {
        let mut cells = cells;
        keys.iter()
            .map(|k| match cells.iter().position(|(key, _)| key == k) {
                Some(i) => cells.swap_remove(i).1,
                None => Value::Text(String::new()),
            })
            .collect()
    };
    match spec.canonical() {
        "Đơn vị" => roster
            .units
            .iter()
            .map(|u| {
                pick(vec![
                    ("code", text(&u.code)),
                    ("name", text(&u.name)),
                    ("email", text(&u.emails.join("; "))),
                ])
            })
            .collect(),
        "Chi bộ" => roster
            .cells
            .iter()
            .map(|c| {
                pick(vec![
                    ("code", text(&c.code)),
                    ("name", text(&c.name)),
                    ("commune", opt_text(c.commune.as_ref())),
                    ("unit", text(&c.unit)),
                    ("members", opt_number(c.members)),
                    ("remote", text(if c.remote { "x" } else { "" })),
                    ("day", opt_number(c.meeting_day.map(u32::from))),
                    ("aliases", text(&c.aliases.join("; "))),
                ])
            })
            .collect(),
        "Cán bộ" => roster
            .cadres
            .iter()
            .map(|c| {
                pick(vec![
                    ("code", text(&c.code)),
                    ("name", text(&c.name)),
                    ("position", opt_text(c.position.as_ref())),
                    ("group", text(&c.group)),
                    ("unit", opt_text(c.unit.as_ref())),
                    ("email", opt_text(c.email.as_ref())),
                    ("quota", opt_number(c.quota)),
                ])
            })
            .collect(),
        _ => roster
            .assignments
            .iter()
            .map(|a| {
                pick(vec![
                    ("cadre", text(&a.cadre)),
                    ("cell", text(&a.cell)),
                    ("months", Value::Text(months(a))),
                    (
                        "cadre_name",
                        text(roster.cadre(&a.cadre).map_or("", |c| &c.name)),
                    ),
                    (
                        "cell_name",
                        text(roster.cell(&a.cell).map_or("", |c| &c.name)),
                    ),
                ])
            })
            .collect(),
    }
}

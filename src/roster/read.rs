//! Pure parsing of the roster's four sheets into a [`Roster`], with every problem
//! reported at once (SPEC §3). Each sheet is read by the one table reader
//! ([`crate::ingest::table`]), as submissions are.

use std::collections::{BTreeMap, HashMap, HashSet};

use calamine::Data;

use super::Roster;
use super::columns::{
    ASSIGNMENTS, AssignmentCol, CADRES, CELLS, CadreCol, CellCol, ROSTER_CODES, SheetSpec, UNITS,
    UnitCol,
};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::ingest::header::HEADER_SCAN_ROWS;
use crate::ingest::value::{self, ValueError};
use crate::ingest::{ColumnKey, Grid, Need, Row, Table};
use crate::model::{Area, AssignmentRow, Cadre, Cell, Group, MonthSet, Unit};
use crate::text::MatchKey;

/// A sheet found in the roster workbook: its name as shown, and its cells.
#[derive(Clone, Debug)]
pub struct NamedGrid {
    /// The sheet's name in the file (NFC).
    pub name: String,
    /// Its cells.
    pub grid: Grid,
}

/// The roster's sheets as found in the workbook, in [`super::columns::SHEET_NAMES`]
/// order; `None` where the workbook has no such sheet.
pub type RosterSheets = [Option<NamedGrid>; 4];

/// Parses the roster sheets of `file` (the path shown in diagnostics). Returns the
/// roster built from every usable row, and every problem found.
pub fn parse(
    file: &str,
    sheets: &RosterSheets,
    groups: &BTreeMap<String, Group>,
) -> (Roster, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    // The evidence of the whole roster for text typed in a legacy font.
    let texts = sheets
        .iter()
        .flatten()
        .flat_map(|sheet| std::iter::once(sheet.name.as_str()).chain(sheet.grid.texts()));
    let reading = crate::text::Reading::of(texts);
    let reading = &reading;
    let [units, cells, cadres, assignments] = sheets;
    let t_units = open(file, &UNITS, units.as_ref(), reading, &mut diags);
    let t_cells = open(file, &CELLS, cells.as_ref(), reading, &mut diags);
    let t_cadres = open(file, &CADRES, cadres.as_ref(), reading, &mut diags);
    let t_assign = open(
        file,
        &ASSIGNMENTS,
        assignments.as_ref(),
        reading,
        &mut diags,
    );

    // Cross-references are checked against every code written in the referenced sheet,
    // even on rows rejected for another reason, so that one mistake is reported once.
    let unit_codes = t_units.as_ref().map(|t| codes(t, UnitCol::Code));
    let cell_codes = t_cells.as_ref().map(|t| codes(t, CellCol::Code));
    let cadre_codes = t_cadres.as_ref().map(|t| codes(t, CadreCol::Code));
    let units = t_units.as_ref().map(|t| read_units(t, &mut diags));
    let cells = t_cells
        .as_ref()
        .map(|t| read_cells(t, unit_codes.as_ref(), &mut diags));
    let cadres = t_cadres
        .as_ref()
        .map(|t| read_cadres(t, unit_codes.as_ref(), groups, &mut diags));
    let assignments = t_assign
        .as_ref()
        .map(|t| read_assignments(t, cadre_codes.as_ref(), cell_codes.as_ref(), &mut diags));

    let roster = Roster::new(
        units.unwrap_or_default(),
        cells.unwrap_or_default(),
        cadres.unwrap_or_default(),
        assignments.unwrap_or_default(),
    );
    (roster, diags)
}

/// Finds the table of `spec` in `sheet`; reports a missing sheet, a missing header and
/// the header's problems. `None` unless the table has every required column.
fn open<'a, K: ColumnKey>(
    file: &'a str,
    spec: &SheetSpec<K>,
    sheet: Option<&'a NamedGrid>,
    reading: &'a crate::text::Reading<'a>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Table<'a, K>> {
    let Some(sheet) = sheet else {
        let message = format!("thiếu trang «{}» trong danh sách", spec.canonical());
        diags.push(Diagnostic::error(
            Code::RosterMissingSheet,
            Location::file(file),
            message,
        ));
        return None;
    };
    // A sheet named in a legacy font encoding (found by that name, `Workbook::find_sheet`).
    let named = reading.known(&sheet.name, |t| {
        let key = crate::text::LabelKey::new(t);
        spec.names
            .iter()
            .any(|n| crate::text::LabelKey::new(n) == key)
            .then_some(())
    });
    if let Some(((), Some((legacy, read)))) = named {
        diags.push(crate::ingest::table::legacy_sheet_warning(
            file,
            &sheet.name,
            &legacy,
            &read,
        ));
    }
    let Some(table) = Table::find(file, &sheet.name, &sheet.grid, &ROSTER_CODES)
        .map(|table| table.with_reading(reading))
    else {
        let wanted: Vec<String> = spec
            .columns
            .iter()
            .filter(|c| c.need != Need::Optional)
            .map(|c| format!("«{}»", c.canonical()))
            .collect();
        let message = format!(
            "không tìm thấy dòng tiêu đề trong {HEADER_SCAN_ROWS} dòng đầu; cần các cột {}",
            wanted.join(", ")
        );
        diags.push(Diagnostic::error(
            Code::RosterMissingColumn,
            Location::sheet(file, &sheet.name),
            message,
        ));
        return None;
    };
    table.header_diagnostics(diags);
    table.header().is_complete().then_some(table)
}

/// Every value written in column `key` of the table's data rows.
fn codes<K: ColumnKey>(t: &Table<K>, key: K) -> HashSet<String> {
    t.rows().filter_map(|row| row.quiet_text(key)).collect()
}

/// Text that must be there; blank is reported as missing with `message`.
fn required<K: ColumnKey>(
    row: Row<K>,
    key: K,
    message: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    row.required_text(key, Code::RosterMissingValue, message, diags)
}

/// A value that cannot be used.
fn bad_value<K: ColumnKey>(row: Row<K>, key: K, message: impl Into<String>) -> Diagnostic {
    row.error(Code::RosterBadValue, key, message)
}

/// An optional whole number ≥ 0 within `max`.
fn count<K: ColumnKey>(row: Row<K>, key: K, max: u32, diags: &mut Vec<Diagnostic>) -> Option<u32> {
    match value::count(row.data(key)) {
        Ok(Some(n)) if n <= max => Some(n),
        Ok(Some(_)) => {
            diags.push(bad_value(
                row,
                key,
                format!("{}; tối đa là {max}", ValueError::TooLarge),
            ));
            None
        }
        Ok(None) => None,
        Err(e) => {
            diags.push(bad_value(row, key, e.to_string()));
            None
        }
    }
}

/// Reports `code` (in column `key`) if an earlier row had it; records it otherwise.
fn unique<K: ColumnKey>(
    row: Row<K>,
    key: K,
    code: &str,
    what: &str,
    seen: &mut HashMap<String, u32>,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    if let Some(first) = seen.get(code) {
        let message = format!("{what} trùng với dòng {}", first + 1);
        diags.push(
            Diagnostic::error(Code::RosterDuplicateCode, row.at(key), message).with_value(code),
        );
        return false;
    }
    seen.insert(code.to_owned(), row.line());
    true
}

/// Checks that a unit code refers to the `Đơn vị` sheet (when that sheet was usable).
fn known_unit<K: ColumnKey>(
    row: Row<K>,
    key: K,
    code: &str,
    units: Option<&HashSet<String>>,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    if units.is_none_or(|u| u.contains(code)) {
        return true;
    }
    let message = "mã đơn vị không có trong trang «Đơn vị»";
    diags.push(Diagnostic::error(Code::RosterUnknownUnit, row.at(key), message).with_value(code));
    false
}

fn read_units(t: &Table<UnitCol>, diags: &mut Vec<Diagnostic>) -> Vec<Unit> {
    let mut seen = HashMap::new();
    let mut units = Vec::new();
    for row in t.rows() {
        let code = required(row, UnitCol::Code, "thiếu mã đơn vị", diags);
        let name = required(row, UnitCol::Name, "thiếu tên đơn vị", diags);
        let emails = row
            .text(UnitCol::Email, diags)
            .map(|e| emails(row, UnitCol::Email, &e, diags))
            .unwrap_or_default();
        if let (Some(code), Some(name)) = (code, name)
            && unique(row, UnitCol::Code, &code, "mã đơn vị", &mut seen, diags)
        {
            units.push(Unit { code, name, emails });
        }
    }
    units
}

/// Splits a list of addresses on `;` or `,`; an address that cannot be used is a warning
/// and left out, so that the unit's email goes to the others.
fn emails<K: ColumnKey>(
    row: Row<K>,
    key: K,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut list = Vec::new();
    for part in text
        .split([';', ','])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        if part.parse::<lettre::Address>().is_ok() {
            list.push(part.to_owned());
        } else {
            let message = "địa chỉ thư không hợp lệ; thư sẽ không gửi tới địa chỉ này";
            diags.push(
                Diagnostic::warning(Code::RosterBadEmail, row.at(key), message).with_value(part),
            );
        }
    }
    list
}

fn read_cells(
    t: &Table<CellCol>,
    units: Option<&HashSet<String>>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Cell> {
    let mut seen = HashMap::new();
    // (unit, commune, name) → code of the first cell so named.
    let mut names: HashMap<(String, MatchKey, MatchKey), String> = HashMap::new();
    let mut cells = Vec::new();
    for row in t.rows() {
        let code = required(row, CellCol::Code, "thiếu mã chi bộ", diags);
        let name = required(row, CellCol::Name, "thiếu tên chi bộ", diags);
        let unit = required(row, CellCol::Unit, "thiếu mã đơn vị của chi bộ", diags);
        let unit_ok = unit
            .as_deref()
            .is_some_and(|u| known_unit(row, CellCol::Unit, u, units, diags));
        let commune = row.text(CellCol::Commune, diags);
        let members = count(row, CellCol::Members, 100_000, diags);
        let remote = remote_flag(row, diags);
        let day = count(row, CellCol::Day, 31, diags).and_then(|d| match u8::try_from(d) {
            Ok(d) if d >= 1 => Some(d),
            _ => {
                diags.push(bad_value(
                    row,
                    CellCol::Day,
                    "ngày sinh hoạt phải từ 1 đến 31",
                ));
                None
            }
        });
        let aliases = row
            .text(CellCol::Aliases, diags)
            .map(|a| {
                a.split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        if let (Some(code), Some(name), Some(unit), true) = (code, name, unit, unit_ok)
            && unique(row, CellCol::Code, &code, "mã chi bộ", &mut seen, diags)
        {
            let name_key = (
                unit.clone(),
                MatchKey::new(commune.as_deref().unwrap_or("")),
                MatchKey::new(&name),
            );
            if let Some(other) = names.get(&name_key) {
                // Two cells of one unit with the same name in one commune cannot be told
                // apart by name: reports must give their code.
                let message = format!(
                    "chi bộ cùng tên với chi bộ {other} trong cùng xã/phường; báo cáo phải ghi mã chi bộ"
                );
                diags.push(
                    Diagnostic::warning(
                        Code::RosterAmbiguousCellName,
                        row.at(CellCol::Name),
                        message,
                    )
                    .with_value(&name),
                );
            } else {
                names.insert(name_key, code.clone());
            }
            cells.push(Cell {
                code,
                name,
                commune,
                unit,
                members,
                remote,
                meeting_day: day,
                aliases,
            });
        }
    }
    cells
}

/// `Vùng khó khăn`: `x` (or another clear yes) for a remote cell, blank for not.
fn remote_flag(row: Row<CellCol>, diags: &mut Vec<Diagnostic>) -> bool {
    let Some(text) = row.text(CellCol::Remote, diags) else {
        return false;
    };
    match MatchKey::new(&text).as_str() {
        "x" | "có" | "1" | "✓" | "✔" | "yes" => true,
        "không" | "0" | "-" => false,
        _ => {
            diags.push(bad_value(
                row,
                CellCol::Remote,
                "ghi «x» nếu chi bộ ở vùng khó khăn, để trống nếu không",
            ));
            false
        }
    }
}

fn read_cadres(
    t: &Table<CadreCol>,
    units: Option<&HashSet<String>>,
    groups: &BTreeMap<String, Group>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Cadre> {
    let mut seen = HashMap::new();
    let mut cadres = Vec::new();
    for row in t.rows() {
        let code = required(row, CadreCol::Code, "thiếu mã cán bộ", diags);
        let name = required(row, CadreCol::Name, "thiếu họ và tên", diags);
        let group = required(row, CadreCol::Group, "thiếu nhóm", diags).and_then(|g| {
            let found = groups
                .values()
                .find(|known| known.code.eq_ignore_ascii_case(&g));
            if found.is_none() {
                let known: Vec<&str> = groups.keys().map(String::as_str).collect();
                let message = format!(
                    "nhóm không có trong cấu hình; các nhóm: {}",
                    known.join(", ")
                );
                diags.push(
                    Diagnostic::error(Code::RosterBadGroup, row.at(CadreCol::Group), message)
                        .with_value(&g),
                );
            }
            found
        });
        let position = row.text(CadreCol::Position, diags);
        let unit = row.text(CadreCol::Unit, diags);
        let mut unit_ok = unit
            .as_deref()
            .is_none_or(|u| known_unit(row, CadreCol::Unit, u, units, diags));
        if let (Some(g), None) = (group, &unit)
            && g.area == Area::Unit
        {
            let message = format!("cán bộ nhóm {} cần mã đơn vị được phân công", g.code);
            diags.push(Diagnostic::error(
                Code::RosterMissingValue,
                row.at(CadreCol::Unit),
                message,
            ));
            unit_ok = false;
        }
        let email = row
            .text(CadreCol::Email, diags)
            .and_then(|e| emails(row, CadreCol::Email, &e, diags).into_iter().next());
        let quota = count(row, CadreCol::Quota, 366, diags);
        if let (Some(code), Some(name), Some(group), true) = (code, name, group, unit_ok)
            && unique(row, CadreCol::Code, &code, "mã cán bộ", &mut seen, diags)
        {
            cadres.push(Cadre {
                code,
                name,
                position,
                group: group.code.clone(),
                unit,
                email,
                quota,
            });
        }
    }
    cadres
}

fn read_assignments(
    t: &Table<AssignmentCol>,
    cadres: Option<&HashSet<String>>,
    cells: Option<&HashSet<String>>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<AssignmentRow> {
    let mut first_row: HashMap<(String, String), (usize, u32)> = HashMap::new();
    let mut list: Vec<AssignmentRow> = Vec::new();
    for row in t.rows() {
        let cadre = required(row, AssignmentCol::Cadre, "thiếu mã cán bộ", diags);
        let cell = required(row, AssignmentCol::Cell, "thiếu mã chi bộ", diags);
        let mut ok = true;
        if let Some(code) = &cadre
            && cadres.is_some_and(|c| !c.contains(code))
        {
            let message = "mã cán bộ không có trong trang «Cán bộ»";
            diags.push(
                Diagnostic::error(
                    Code::RosterUnknownCadre,
                    row.at(AssignmentCol::Cadre),
                    message,
                )
                .with_value(code),
            );
            ok = false;
        }
        if let Some(code) = &cell
            && cells.is_some_and(|c| !c.contains(code))
        {
            let message = "mã chi bộ không có trong trang «Chi bộ»";
            diags.push(
                Diagnostic::error(
                    Code::RosterUnknownCell,
                    row.at(AssignmentCol::Cell),
                    message,
                )
                .with_value(code),
            );
            ok = false;
        }
        let months = months(row, diags);
        let (Some(cadre), Some(cell), Some(months), true) = (cadre, cell, months, ok) else {
            continue;
        };
        let key = (cadre.clone(), cell.clone());
        if let Some(&(index, first)) = first_row.get(&key) {
            let message = format!(
                "cán bộ {cadre} đã được phân công chi bộ {cell} ở dòng {}; gộp các tháng",
                first + 1
            );
            diags.push(Diagnostic::warning(
                Code::RosterDuplicateAssignment,
                row.at(AssignmentCol::Cadre),
                message,
            ));
            list[index].months = list[index].months.union(months);
        } else {
            first_row.insert(key, (list.len(), row.line()));
            list.push(AssignmentRow {
                cadre,
                cell,
                months,
            });
        }
    }
    list
}

/// The `Tháng` column. A fractional number is what Excel makes of `1,4` typed where the
/// comma is the decimal separator, so the message says how to type it as text.
fn months(row: Row<AssignmentCol>, diags: &mut Vec<Diagnostic>) -> Option<MonthSet> {
    if let Data::Float(f) = row.data(AssignmentCol::Months)
        && f.fract() != 0.0
    {
        let message = "Excel đã hiểu danh sách tháng thành số thập phân; hãy định dạng ô là Văn bản (Text) rồi nhập lại, ví dụ 1,4,7,10";
        diags.push(bad_value(row, AssignmentCol::Months, message));
        return None;
    }
    let text = row.text(AssignmentCol::Months, diags).unwrap_or_default();
    match MonthSet::parse(&text) {
        Ok(set) => Some(set),
        Err(e) => {
            diags.push(bad_value(row, AssignmentCol::Months, e.to_string()));
            None
        }
    }
}

#[cfg(test)]
#[path = "read_tests.rs"]
mod tests;

//! Pure parsing of the roster's four sheets into a [`Roster`], with every problem
//! reported at once (SPEC §3).

use std::collections::{BTreeMap, HashMap, HashSet};

use calamine::Data;

use super::Roster;
use super::columns::{ASSIGNMENTS, CADRES, CELLS, SheetSpec, UNITS};
use crate::diagnostic::{CellRef, Code, Diagnostic, Location};
use crate::ingest::header::HEADER_SCAN_ROWS;
use crate::ingest::value::{self, ValueError};
use crate::ingest::{Grid, Header, find_header};
use crate::model::{Area, Assignment, Cadre, Cell, Group, MonthSet, Unit};
use crate::text::MatchKey;

/// A sheet found in the roster workbook: its name as shown, and its cells.
#[derive(Clone, Debug)]
pub struct NamedGrid {
    /// The sheet's name in the file (NFC).
    pub name: String,
    /// Its cells.
    pub grid: Grid,
}

/// The roster's sheets as found in the workbook, in [`super::columns::ALL`] order;
/// `None` where the workbook has no such sheet.
pub type RosterSheets = [Option<NamedGrid>; 4];

/// Parses the roster sheets of `file` (the path shown in diagnostics). Returns the
/// roster built from every usable row, and every problem found.
pub fn parse(
    file: &str,
    sheets: &RosterSheets,
    groups: &BTreeMap<String, Group>,
) -> (Roster, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let [units, cells, cadres, assignments] = sheets;
    let tables = [
        (&UNITS, units),
        (&CELLS, cells),
        (&CADRES, cadres),
        (&ASSIGNMENTS, assignments),
    ]
    .map(|(spec, sheet)| Table::open(file, spec, sheet.as_ref(), &mut diags));

    let [t_units, t_cells, t_cadres, t_assign] = &tables;
    // Cross-references are checked against every code written in the referenced sheet,
    // even on rows rejected for another reason, so that one mistake is reported once.
    let unit_codes = t_units.as_ref().map(|t| t.codes("code"));
    let cell_codes = t_cells.as_ref().map(|t| t.codes("code"));
    let cadre_codes = t_cadres.as_ref().map(|t| t.codes("code"));
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

/// One roster sheet with its header found.
struct Table<'a> {
    file: &'a str,
    sheet: &'a str,
    grid: &'a Grid,
    header: Header,
}

impl<'a> Table<'a> {
    /// Finds the header of `spec` in `sheet`; reports a missing sheet or missing columns.
    fn open(
        file: &'a str,
        spec: &SheetSpec,
        sheet: Option<&'a NamedGrid>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Table<'a>> {
        let Some(sheet) = sheet else {
            let message = format!("thiếu trang «{}» trong danh sách", spec.canonical());
            diags.push(Diagnostic::error(
                Code::RosterMissingSheet,
                Location::file(file),
                message,
            ));
            return None;
        };
        let wanted = || {
            spec.columns
                .iter()
                .filter(|c| c.required)
                .map(|c| format!("«{}»", c.canonical()))
        };
        let Some(header) = find_header(&sheet.grid, spec.columns) else {
            let message = format!(
                "không tìm thấy dòng tiêu đề trong {HEADER_SCAN_ROWS} dòng đầu; cần các cột {}",
                wanted().collect::<Vec<_>>().join(", ")
            );
            diags.push(Diagnostic::error(
                Code::RosterMissingColumn,
                Location::sheet(file, &sheet.name),
                message,
            ));
            return None;
        };
        let first_label = header
            .columns
            .values()
            .min()
            .copied()
            .unwrap_or(CellRef::new(header.row, 0));
        for column in &header.missing {
            let message = format!(
                "dòng tiêu đề {} thiếu cột «{}»",
                header.row + 1,
                column.canonical()
            );
            diags.push(Diagnostic::error(
                Code::RosterMissingColumn,
                Location::cell(file, &sheet.name, first_label),
                message,
            ));
        }
        for (key, cell, label) in &header.repeated {
            let first = header.columns[key];
            let message = format!("cột này trùng với cột {first}; chỉ cột {first} được đọc");
            diags.push(
                Diagnostic::warning(
                    Code::RosterDuplicateColumn,
                    Location::cell(file, &sheet.name, *cell),
                    message,
                )
                .with_value(label),
            );
        }
        for (cell, label) in &header.unknown {
            diags.push(
                Diagnostic::notice(
                    Code::RosterUnknownColumn,
                    Location::cell(file, &sheet.name, *cell),
                    "cột không thuộc mẫu danh sách; chibo bỏ qua cột này",
                )
                .with_value(label),
            );
        }
        header.missing.is_empty().then_some(Table {
            file,
            sheet: &sheet.name,
            grid: &sheet.grid,
            header,
        })
    }

    /// The data rows: every row below the header with something in it.
    fn rows(&self) -> Vec<u32> {
        (self.header.row + 1..self.grid.rows().end)
            .filter(|&r| !self.grid.is_blank_row(r))
            .collect()
    }

    /// Every value written in column `key` of the data rows.
    fn codes(&self, key: &str) -> HashSet<String> {
        self.rows()
            .into_iter()
            .filter_map(|r| value::text(self.data(key, r)).ok().flatten())
            .collect()
    }

    fn at(&self, key: &str, row: u32) -> Location {
        let cell = self.header.cell(key, row).unwrap_or(CellRef::new(row, 0));
        Location::cell(self.file, self.sheet, cell)
    }

    fn data(&self, key: &str, row: u32) -> &Data {
        match self.header.cell(key, row) {
            Some(cell) => self.grid.get(cell),
            None => &Data::Empty,
        }
    }

    fn raw(&self, key: &str, row: u32) -> String {
        value::display(self.data(key, row))
    }

    fn bad_value(&self, key: &str, row: u32, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(Code::RosterBadValue, self.at(key, row), message)
            .with_value(self.raw(key, row))
    }

    /// Optional text; an Excel error in the cell is reported.
    fn text(&self, key: &str, row: u32, diags: &mut Vec<Diagnostic>) -> Option<String> {
        value::text(self.data(key, row)).unwrap_or_else(|e| {
            diags.push(self.bad_value(key, row, e.to_string()));
            None
        })
    }

    /// Text that must be there; blank is reported as missing.
    fn required(
        &self,
        key: &str,
        row: u32,
        what: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        let text = self.text(key, row, diags);
        if text.is_none() && !matches!(self.data(key, row), Data::Error(_)) {
            let message = format!("thiếu {what}");
            diags.push(Diagnostic::error(
                Code::RosterMissingValue,
                self.at(key, row),
                message,
            ));
        }
        text
    }

    /// An optional whole number ≥ 0 within `max`.
    fn count(&self, key: &str, row: u32, max: u32, diags: &mut Vec<Diagnostic>) -> Option<u32> {
        match value::count(self.data(key, row)) {
            Ok(Some(n)) if n <= max => Some(n),
            Ok(Some(_)) => {
                diags.push(self.bad_value(
                    key,
                    row,
                    format!("{}; tối đa là {max}", ValueError::TooLarge),
                ));
                None
            }
            Ok(None) => None,
            Err(e) => {
                diags.push(self.bad_value(key, row, e.to_string()));
                None
            }
        }
    }

    /// Reports `code` in `row` if an earlier row had it; records it otherwise.
    fn unique(
        &self,
        code: &str,
        row: u32,
        what: &str,
        seen: &mut HashMap<String, u32>,
        diags: &mut Vec<Diagnostic>,
    ) -> bool {
        if let Some(first) = seen.get(code) {
            let message = format!("{what} trùng với dòng {}", first + 1);
            diags.push(
                Diagnostic::error(Code::RosterDuplicateCode, self.at("code", row), message)
                    .with_value(code),
            );
            return false;
        }
        seen.insert(code.to_owned(), row);
        true
    }

    /// Checks that a unit code refers to the `Đơn vị` sheet (when that sheet was usable).
    fn known_unit(
        &self,
        key: &str,
        row: u32,
        code: &str,
        units: Option<&HashSet<String>>,
        diags: &mut Vec<Diagnostic>,
    ) -> bool {
        if units.is_none_or(|u| u.contains(code)) {
            return true;
        }
        let message = "mã đơn vị không có trong trang «Đơn vị»";
        diags.push(
            Diagnostic::error(Code::RosterUnknownUnit, self.at(key, row), message).with_value(code),
        );
        false
    }
}

fn read_units(t: &Table, diags: &mut Vec<Diagnostic>) -> Vec<Unit> {
    let mut seen = HashMap::new();
    let mut units = Vec::new();
    for row in t.rows() {
        let code = t.required("code", row, "mã đơn vị", diags);
        let name = t.required("name", row, "tên đơn vị", diags);
        let emails = t
            .text("email", row, diags)
            .map(|e| emails(t, row, &e, diags))
            .unwrap_or_default();
        if let (Some(code), Some(name)) = (code, name)
            && t.unique(&code, row, "mã đơn vị", &mut seen, diags)
        {
            units.push(Unit { code, name, emails });
        }
    }
    units
}

/// Splits a list of addresses on `;` or `,`; an address that cannot be used is a warning
/// and left out, so that the unit's email goes to the others.
fn emails(t: &Table, row: u32, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<String> {
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
                Diagnostic::warning(Code::RosterBadEmail, t.at("email", row), message)
                    .with_value(part),
            );
        }
    }
    list
}

fn read_cells(
    t: &Table,
    units: Option<&HashSet<String>>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Cell> {
    let mut seen = HashMap::new();
    // (unit, commune, name) → code of the first cell so named.
    let mut names: HashMap<(String, MatchKey, MatchKey), String> = HashMap::new();
    let mut cells = Vec::new();
    for row in t.rows() {
        let code = t.required("code", row, "mã chi bộ", diags);
        let name = t.required("name", row, "tên chi bộ", diags);
        let unit = t.required("unit", row, "mã đơn vị của chi bộ", diags);
        let unit_ok = unit
            .as_deref()
            .is_some_and(|u| t.known_unit("unit", row, u, units, diags));
        let commune = t.text("commune", row, diags);
        let members = t.count("members", row, 100_000, diags);
        let remote = remote_flag(t, row, diags);
        let day = t
            .count("day", row, 31, diags)
            .and_then(|d| match u8::try_from(d) {
                Ok(d) if d >= 1 => Some(d),
                _ => {
                    diags.push(t.bad_value("day", row, "ngày sinh hoạt phải từ 1 đến 31"));
                    None
                }
            });
        let aliases = t
            .text("aliases", row, diags)
            .map(|a| {
                a.split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        if let (Some(code), Some(name), Some(unit), true) = (code, name, unit, unit_ok)
            && t.unique(&code, row, "mã chi bộ", &mut seen, diags)
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
                    Diagnostic::warning(Code::RosterAmbiguousCellName, t.at("name", row), message)
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
fn remote_flag(t: &Table, row: u32, diags: &mut Vec<Diagnostic>) -> bool {
    let Some(text) = t.text("remote", row, diags) else {
        return false;
    };
    match MatchKey::new(&text).as_str() {
        "x" | "có" | "1" | "✓" | "✔" | "yes" => true,
        "không" | "0" | "-" => false,
        _ => {
            diags.push(t.bad_value(
                "remote",
                row,
                "ghi «x» nếu chi bộ ở vùng khó khăn, để trống nếu không",
            ));
            false
        }
    }
}

fn read_cadres(
    t: &Table,
    units: Option<&HashSet<String>>,
    groups: &BTreeMap<String, Group>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Cadre> {
    let mut seen = HashMap::new();
    let mut cadres = Vec::new();
    for row in t.rows() {
        let code = t.required("code", row, "mã cán bộ", diags);
        let name = t.required("name", row, "họ và tên", diags);
        let group = t.required("group", row, "nhóm", diags).and_then(|g| {
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
                    Diagnostic::error(Code::RosterBadGroup, t.at("group", row), message)
                        .with_value(&g),
                );
            }
            found
        });
        let position = t.text("position", row, diags);
        let unit = t.text("unit", row, diags);
        let mut unit_ok = unit
            .as_deref()
            .is_none_or(|u| t.known_unit("unit", row, u, units, diags));
        if let (Some(g), None) = (group, &unit)
            && g.area == Area::Unit
        {
            let message = format!("cán bộ nhóm {} cần mã đơn vị được phân công", g.code);
            diags.push(Diagnostic::error(
                Code::RosterMissingValue,
                t.at("unit", row),
                message,
            ));
            unit_ok = false;
        }
        let email = t
            .text("email", row, diags)
            .and_then(|e| emails(t, row, &e, diags).into_iter().next());
        let quota = t.count("quota", row, 366, diags);
        if let (Some(code), Some(name), Some(group), true) = (code, name, group, unit_ok)
            && t.unique(&code, row, "mã cán bộ", &mut seen, diags)
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
    t: &Table,
    cadres: Option<&HashSet<String>>,
    cells: Option<&HashSet<String>>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Assignment> {
    let mut first_row: HashMap<(String, String), (usize, u32)> = HashMap::new();
    let mut list: Vec<Assignment> = Vec::new();
    for row in t.rows() {
        let cadre = t.required("cadre", row, "mã cán bộ", diags);
        let cell = t.required("cell", row, "mã chi bộ", diags);
        let mut ok = true;
        if let Some(code) = &cadre
            && cadres.is_some_and(|c| !c.contains(code))
        {
            let message = "mã cán bộ không có trong trang «Cán bộ»";
            diags.push(
                Diagnostic::error(Code::RosterUnknownCadre, t.at("cadre", row), message)
                    .with_value(code),
            );
            ok = false;
        }
        if let Some(code) = &cell
            && cells.is_some_and(|c| !c.contains(code))
        {
            let message = "mã chi bộ không có trong trang «Chi bộ»";
            diags.push(
                Diagnostic::error(Code::RosterUnknownCell, t.at("cell", row), message)
                    .with_value(code),
            );
            ok = false;
        }
        let months = months(t, row, diags);
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
                t.at("cadre", row),
                message,
            ));
            list[index].months = list[index].months.union(months);
        } else {
            first_row.insert(key, (list.len(), row));
            list.push(Assignment {
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
fn months(t: &Table, row: u32, diags: &mut Vec<Diagnostic>) -> Option<MonthSet> {
    if let Data::Float(f) = t.data("months", row)
        && f.fract() != 0.0
    {
        let message = "Excel đã hiểu danh sách tháng thành số thập phân; hãy định dạng ô là Văn bản (Text) rồi nhập lại, ví dụ 1,4,7,10";
        diags.push(t.bad_value("months", row, message));
        return None;
    }
    let text = t.text("months", row, diags).unwrap_or_default();
    match MonthSet::parse(&text) {
        Ok(set) => Some(set),
        Err(e) => {
            diags.push(t.bad_value("months", row, e.to_string()));
            None
        }
    }
}

#[cfg(test)]
#[path = "read_tests.rs"]
mod tests;

//! The assignment roster (SPEC §3): the office's workbook of units, cells, cadres and
//! assignments, read into a [`Roster`] with indexes by code (`report::roster` writes it).

pub mod columns;
mod read;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use rustc_hash::FxHashMap;

pub use read::{NamedGrid, RosterSheets, parse};

use crate::diagnostic::{self, Code, Diagnostic, Location};
use crate::ingest::Workbook;
use crate::model::{Assignment, AssignmentRow, Cadre, CadreId, Cell, CellId, Group, Unit};
use crate::text::MatchKey;

/// The roster: everything known about who should attend where.
#[derive(Clone, Debug, Default)]
pub struct Roster {
    /// Units in roster order.
    pub units: Vec<Unit>,
    /// Cells in roster order.
    pub cells: Vec<Cell>,
    /// Cadres in roster order.
    pub cadres: Vec<Cadre>,
    /// Assignments in roster order.
    pub assignments: Vec<Assignment>,
    unit_index: FxHashMap<String, usize>,
    cell_index: FxHashMap<String, usize>,
    cadre_index: FxHashMap<String, usize>,
    /// Per unit, the key of its name (title cells are compared with every unit).
    unit_keys: Vec<MatchKey>,
    /// The last word of each unit's name key and of its code → those units.
    unit_words: FxHashMap<String, Vec<usize>>,
    /// Unit code → its cells, in roster order.
    unit_cells: FxHashMap<String, Vec<usize>>,
    /// Names that more than one cell bears, as match keys (people tell those cells by
    /// their commune).
    shared_cell_names: rustc_hash::FxHashSet<MatchKey>,
}

impl Roster {
    /// Builds a roster and its indexes, resolving the assignments' codes. Codes are
    /// assumed unique and known (the reader ensures it: with duplicates the first one
    /// is indexed; an assignment naming an unknown code is left out).
    pub fn new(
        units: Vec<Unit>,
        cells: Vec<Cell>,
        cadres: Vec<Cadre>,
        assignments: Vec<AssignmentRow>,
    ) -> Roster {
        fn index<T>(items: &[T], code: impl Fn(&T) -> &str) -> FxHashMap<String, usize> {
            let mut map =
                FxHashMap::with_capacity_and_hasher(items.len(), rustc_hash::FxBuildHasher);
            for (i, item) in items.iter().enumerate() {
                map.entry(code(item).to_owned()).or_insert(i);
            }
            map
        }
        let unit_keys: Vec<MatchKey> = units.iter().map(|u| MatchKey::new(&u.name)).collect();
        let mut unit_words: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (i, (unit, key)) in units.iter().zip(&unit_keys).enumerate() {
            for text in [key.as_str(), unit.code.as_str()] {
                let list = unit_words.entry(last_word(text).to_owned()).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        let mut unit_cells: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (i, cell) in cells.iter().enumerate() {
            unit_cells.entry(cell.unit.clone()).or_default().push(i);
        }
        let cell_index = index(&cells, |c| &c.code);
        // Compared as match keys: `Bản Mới` and `bản mới` are one name to a reader.
        let mut names: rustc_hash::FxHashSet<MatchKey> = rustc_hash::FxHashSet::default();
        let shared_cell_names = cells
            .iter()
            .map(|c| MatchKey::new(&c.name))
            .filter(|key| !names.insert(key.clone()))
            .collect();
        let cadre_index = index(&cadres, |c| &c.code);
        let assignments = assignments
            .into_iter()
            .filter_map(|a| {
                Some(Assignment {
                    cadre: CadreId::new(*cadre_index.get(&a.cadre)?),
                    cell: CellId::new(*cell_index.get(&a.cell)?),
                    months: a.months,
                })
            })
            .collect();
        Roster {
            shared_cell_names,
            unit_keys,
            unit_words,
            unit_cells,
            unit_index: index(&units, |u| &u.code),
            cell_index,
            cadre_index,
            units,
            cells,
            cadres,
            assignments,
        }
    }

    /// Each unit with the key of its name.
    pub fn units_with_keys(&self) -> impl Iterator<Item = (&Unit, &MatchKey)> {
        self.units.iter().zip(&self.unit_keys)
    }

    /// The units, with the keys of their names, whose name key or code could stand as
    /// whole words in `texts`: those whose last word is one of the texts' words, in
    /// roster order. A unit whose name or code has no letter or digit is always one.
    pub fn units_possibly_in(&self, texts: &[&str]) -> Vec<(&Unit, &MatchKey)> {
        let mut found: Vec<usize> = texts
            .iter()
            .flat_map(|t| words(t))
            .chain([""])
            .filter_map(|w| self.unit_words.get(w))
            .flatten()
            .copied()
            .collect();
        found.sort_unstable();
        found.dedup();
        found
            .into_iter()
            .map(|i| (&self.units[i], &self.unit_keys[i]))
            .collect()
    }

    /// The unit with `code`.
    pub fn unit(&self, code: &str) -> Option<&Unit> {
        self.unit_index.get(code).map(|&i| &self.units[i])
    }

    /// The cell with `code`.
    pub fn cell(&self, code: &str) -> Option<&Cell> {
        self.cell_index.get(code).map(|&i| &self.cells[i])
    }

    /// The cadre with `code`.
    pub fn cadre(&self, code: &str) -> Option<&Cadre> {
        self.cadre_index.get(code).map(|&i| &self.cadres[i])
    }

    /// The id of the cell with `code`.
    pub fn cell_id(&self, code: &str) -> Option<CellId> {
        self.cell_index.get(code).map(|&i| CellId::new(i))
    }

    /// The id of the cadre with `code`.
    pub fn cadre_id(&self, code: &str) -> Option<CadreId> {
        self.cadre_index.get(code).map(|&i| CadreId::new(i))
    }

    /// The cells of unit `code`, in roster order.
    pub fn cells_of_unit<'a>(&'a self, code: &str) -> impl Iterator<Item = &'a Cell> + 'a {
        self.unit_cells
            .get(code)
            .into_iter()
            .flatten()
            .map(|&i| &self.cells[i])
    }

    /// A cell as people name it: its name, with its commune when another cell of the
    /// roster bears the same name (`Bản Mới (xã Chiềng Đông)`).
    pub fn cell_label(&self, cell: &Cell) -> String {
        match &cell.commune {
            Some(commune) if self.shared_cell_names.contains(&MatchKey::new(&cell.name)) => {
                format!("{} ({})", cell.name, commune_label(commune))
            }
            _ => cell.name.clone(),
        }
    }

    /// The assignments as the `Phân công` sheet writes them, by codes (to build a roster
    /// again from changed parts).
    pub fn assignment_rows(&self) -> Vec<AssignmentRow> {
        self.assignments
            .iter()
            .map(|a| AssignmentRow {
                cadre: self[a.cadre].code.clone(),
                cell: self[a.cell].code.clone(),
                months: a.months,
            })
            .collect()
    }

    /// The assignments of `cadre`, in roster order.
    pub fn assignments_of(&self, cadre: CadreId) -> impl Iterator<Item = &Assignment> + '_ {
        self.assignments.iter().filter(move |a| a.cadre == cadre)
    }
}

impl std::ops::Index<CadreId> for Roster {
    type Output = Cadre;

    fn index(&self, id: CadreId) -> &Cadre {
        &self.cadres[id.index()]
    }
}

impl std::ops::Index<CellId> for Roster {
    type Output = Cell;

    fn index(&self, id: CellId) -> &Cell {
        &self.cells[id.index()]
    }
}

/// A commune as a sentence names it: `xã Chiềng Đông` for a roster's `Chiềng Đông`, the
/// roster's own prefix in lower case when it has one (`phường Quyết Thắng`, `thị trấn Hát
/// Lót`).
pub fn commune_label(commune: &str) -> String {
    for prefix in ["xã ", "phường ", "thị trấn "] {
        let n = prefix.len();
        if commune.len() > n && commune.is_char_boundary(n) && commune[..n].to_lowercase() == prefix
        {
            return format!("{prefix}{}", &commune[n..]);
        }
    }
    format!("xã {commune}")
}

/// The runs of letters and digits of `text`.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The last run of letters and digits of `text`, or `""` when it has none.
fn last_word(text: &str) -> &str {
    words(text).last().unwrap_or_default()
}

/// A roster that could not be used: every problem found, errors and warnings alike.
#[derive(Debug)]
pub struct RosterError {
    /// All diagnostics, sorted; at least one is an error.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for RosterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == diagnostic::Severity::Error)
            .count();
        write!(
            f,
            "danh sách phân công có {errors} lỗi; hãy sửa rồi chạy lại"
        )
    }
}

impl std::error::Error for RosterError {}

/// Reads the roster workbook at `path`, shown in diagnostics as `shown_as`.
///
/// Returns the roster with its warnings and notices when there is no error.
///
/// # Errors
/// The workbook cannot be opened, or has errors (duplicate codes, unknown codes, bad
/// groups, missing sheets or columns, unreadable values): all of them, sorted.
pub fn load(
    path: &Path,
    shown_as: &str,
    groups: &BTreeMap<String, Group>,
) -> Result<(Roster, Vec<Diagnostic>), RosterError> {
    let unreadable = |reason: String| RosterError {
        diagnostics: vec![Diagnostic::error(
            Code::RosterUnreadable,
            Location::file(shown_as),
            reason,
        )],
    };
    let mut workbook = Workbook::open_with(path, crate::ingest::workbook::SheetLimits::ROSTER)
        .map_err(|e| unreadable(e.to_string()))?;
    let mut sheets: RosterSheets = Default::default();
    for (slot, names) in sheets.iter_mut().zip(columns::SHEET_NAMES) {
        if let Some(index) = workbook.find_sheet(names) {
            let grid = workbook
                .grid(index)
                .map_err(|e| unreadable(e.to_string()))?;
            let name = workbook.sheet_names()[index].clone();
            *slot = Some(NamedGrid { name, grid });
        }
    }
    let (roster, mut diagnostics) = parse(shown_as, &sheets, groups);
    diagnostic::sort(&mut diagnostics);
    if diagnostic::has_errors(&diagnostics) {
        Err(RosterError { diagnostics })
    } else {
        Ok((roster, diagnostics))
    }
}

#[cfg(test)]
mod label_tests {
    use super::{Roster, commune_label};
    use crate::model::Cell;

    fn cell(code: &str, name: &str, commune: Option<&str>) -> Cell {
        Cell {
            code: code.into(),
            name: name.into(),
            commune: commune.map(Into::into),
            unit: "YC".into(),
            members: None,
            remote: false,
            meeting_day: None,
            aliases: Vec::new(),
        }
    }

    #[test]
    fn cells_sharing_a_name_are_told_apart_by_their_commune() {
        let roster = Roster::new(
            Vec::new(),
            vec![
                cell("YC-CD-01", "Bản Mới", Some("Chiềng Đông")),
                cell("YC-CS-01", "Bản Mới", Some("Xã Chiềng Sàng")),
                cell("YC-CD-04", "Tiểu khu 1", Some("Chiềng Đông")),
                cell("MS-HL-02", "Tổ 3", Some("Thị trấn Hát Lót")),
                cell("TP-CL-01", "Tổ 3", Some("Phường Chiềng Lề")),
                cell("X-1", "Bản Lay", None),
                cell("X-2", "Bản Lay", None),
                // One name to a reader whatever its case and tone style.
                cell("YC-CH-01", "Bản Hoà", Some("Chiềng Hặc")),
                cell("YC-QT-01", "bản hòa", Some("Phường Quyết Thắng")),
            ],
            Vec::new(),
            Vec::new(),
        );
        let labels: Vec<String> = roster.cells.iter().map(|c| roster.cell_label(c)).collect();
        assert_eq!(
            labels,
            [
                "Bản Mới (xã Chiềng Đông)",
                "Bản Mới (xã Chiềng Sàng)",
                "Tiểu khu 1",
                "Tổ 3 (thị trấn Hát Lót)",
                "Tổ 3 (phường Chiềng Lề)",
                "Bản Lay",
                "Bản Lay",
                "Bản Hoà (xã Chiềng Hặc)",
                "bản hòa (phường Quyết Thắng)",
            ]
        );
        assert_eq!(commune_label("XÃ Mường Sại"), "xã Mường Sại");
        assert_eq!(commune_label("Xã"), "xã Xã");
    }
}

//! Compares a sheet of a workbook with the grid a test expects, cell by cell, and names
//! the first cell that differs as a person finds it in Excel (`Chi tiết!D14`), as
//! calamine's `range_eq!` does.
//!
//! Cells are written as [`crate::book::write`] takes them, so that what a test writes and
//! what it expects back read alike: `""` an empty cell, `#12` a number, `@2020-07-05` a
//! date, anything else text; text that itself starts with `#`, `@`, `=` or `\` is written
//! after a backslash (`\=HYPERLINK(…)`). A number and the same digits as text differ:
//! the type of a cell is part of what the office sees (a date sorts as a date).

use std::fmt::Write as _;
use std::path::Path;

use calamine::{Data, Range, Reader};
use chibo::diagnostic::CellRef;

/// One sheet of a workbook, read with calamine.
pub struct SheetGrid {
    name: String,
    range: Range<Data>,
}

impl SheetGrid {
    /// Reads sheet `name` of the workbook at `path`.
    pub fn open(path: &Path, name: &str) -> SheetGrid {
        let mut book = calamine::open_workbook_auto(path)
            .unwrap_or_else(|e| panic!("{}: cannot open: {e}", path.display()));
        let range = book.worksheet_range(name).unwrap_or_else(|e| {
            panic!(
                "{}: no sheet {name:?} ({e}); its sheets: {:?}",
                path.display(),
                book.sheet_names()
            )
        });
        SheetGrid {
            name: name.to_owned(),
            range,
        }
    }

    /// The cell at `a1` (`D14`), written as the module says.
    pub fn cell(&self, a1: &str) -> String {
        let at = position(a1);
        shown(
            self.range
                .get_value((at.row, at.col))
                .unwrap_or(&Data::Empty),
        )
    }

    /// Every cell from `A1` to the last row and column with a value, written as the
    /// module says: what [`SheetGrid::assert_eq`] at `A1` takes to compare another sheet.
    pub fn rows(&self) -> Vec<Vec<String>> {
        let (mut rows, mut cols) = (0, 0);
        for (r, c, _) in self.absolute_cells() {
            rows = rows.max(r + 1);
            cols = cols.max(c + 1);
        }
        (0..rows)
            .map(|r| {
                (0..cols)
                    .map(|c| shown(self.range.get_value((r, c)).unwrap_or(&Data::Empty)))
                    .collect()
            })
            .collect()
    }

    /// Asserts that the cells from `top_left` on are `expected`, and that the sheet has
    /// nothing right of or below them. Rows may be shorter than the widest: their missing
    /// cells are expected empty.
    #[track_caller]
    pub fn assert_eq(&self, top_left: &str, expected: &[&[&str]]) {
        if let Err(message) = self.compare(top_left, expected, true) {
            panic!("{message}");
        }
    }

    /// Asserts that the block of cells at `top_left` is `expected`, whatever the sheet
    /// holds around it.
    #[track_caller]
    pub fn assert_block(&self, top_left: &str, expected: &[&[&str]]) {
        if let Err(message) = self.compare(top_left, expected, false) {
            panic!("{message}");
        }
    }

    /// Compares the block at `top_left` with `expected` and, when `whole`, the extent of
    /// the sheet from `top_left` on with the extent of `expected`. The error names the
    /// first cell that differs, and the sizes when they differ.
    pub fn compare(&self, top_left: &str, expected: &[&[&str]], whole: bool) -> Result<(), String> {
        let top = position(top_left);
        let want_rows = count(expected.len());
        let want_cols = count(expected.iter().map(|r| r.len()).max().unwrap_or(0));
        // The extent the sheet's values reach from `top_left` on.
        let (mut found_rows, mut found_cols) = (0, 0);
        for (r, c, _) in self.absolute_cells() {
            if r >= top.row && c >= top.col {
                found_rows = found_rows.max(r - top.row + 1);
                found_cols = found_cols.max(c - top.col + 1);
            }
        }
        let (rows, cols) = if whole {
            (want_rows.max(found_rows), want_cols.max(found_cols))
        } else {
            (want_rows, want_cols)
        };
        let mut differ = Vec::new();
        for r in 0..rows {
            for c in 0..cols {
                let at = CellRef::new(top.row + r, top.col + c);
                let want = expected
                    .get(index(r))
                    .and_then(|row| row.get(index(c)))
                    .copied()
                    .unwrap_or("");
                let found = shown(
                    self.range
                        .get_value((at.row, at.col))
                        .unwrap_or(&Data::Empty),
                );
                if found != want {
                    differ.push((at, want, found));
                }
            }
        }
        let mut message = String::new();
        if whole && (found_rows, found_cols) != (want_rows, want_cols) {
            let _ = writeln!(
                message,
                "{}: expected {}, found {}",
                self.name,
                extent(top, want_rows, want_cols),
                extent(top, found_rows, found_cols)
            );
        }
        if let Some((at, want, found)) = differ.first() {
            let _ = write!(
                message,
                "{}!{at}: expected {want:?}, found {found:?}",
                self.name
            );
            if differ.len() > 1 {
                let _ = write!(message, " (and {} more cells differ)", differ.len() - 1);
            }
        }
        if message.is_empty() {
            Ok(())
        } else {
            Err(message)
        }
    }

    /// Every cell with a value, at its absolute position.
    fn absolute_cells(&self) -> impl Iterator<Item = (u32, u32, &Data)> {
        let (row0, col0) = self.range.start().unwrap_or((0, 0));
        self.range
            .used_cells()
            .map(move |(r, c, v)| (row0 + count(r), col0 + count(c), v))
    }
}

/// Asserts that sheet `sheet` of the workbook at `path` holds exactly `expected` from
/// `top_left` on (see [`SheetGrid::assert_eq`]). A failure names the first cell that
/// differs (`Chi tiết!D14: expected "Có", found "Không"`), and the sizes when they differ.
#[track_caller]
pub fn assert_sheet_eq(path: &Path, sheet: &str, top_left: &str, expected: &[&[&str]]) {
    SheetGrid::open(path, sheet).assert_eq(top_left, expected);
}

/// A cell's value as the module writes it.
pub fn shown(data: &Data) -> String {
    match data {
        Data::Empty => String::new(),
        Data::String(s) => {
            if s.starts_with(['#', '@', '=', '\\']) {
                format!("\\{s}")
            } else {
                s.clone()
            }
        }
        Data::Int(i) => format!("#{i}"),
        Data::Float(f) => format!("#{f}"),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) if d.time() == chrono::NaiveTime::MIN => format!("@{}", d.date()),
            Some(d) => format!("@{}", d.format("%Y-%m-%dT%H:%M:%S")),
            None => format!("@{}", dt.as_f64()),
        },
        Data::DateTimeIso(s) => format!("@{s}"),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("{e:?}"),
    }
}

fn position(a1: &str) -> CellRef {
    CellRef::parse(a1).unwrap_or_else(|| panic!("{a1:?} is not a cell like D14"))
}

/// `5 rows × 13 columns (A1:M5)`.
fn extent(top: CellRef, rows: u32, cols: u32) -> String {
    let plural = |n: u32, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let span = if rows == 0 || cols == 0 {
        "nothing".to_owned()
    } else {
        format!(
            "{top}:{}",
            CellRef::new(top.row + rows - 1, top.col + cols - 1)
        )
    };
    format!(
        "{} × {} ({span})",
        plural(rows, "row"),
        plural(cols, "column")
    )
}

fn count(n: usize) -> u32 {
    u32::try_from(n).expect("a sheet's size fits in u32")
}

fn index(n: u32) -> usize {
    usize::try_from(n).expect("u32 fits in usize")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book;

    /// A sheet named `Chi tiết` with a title in A1 and a 3 × 4 table at A12:D14.
    fn workbook(dir: &Path) -> std::path::PathBuf {
        let path = dir.join("grid.xlsx");
        let mut rows = vec![vec!["CHI TIẾT"]];
        rows.resize(11, vec![]);
        rows.push(vec!["Mã cán bộ", "Ngày sinh hoạt", "Có mặt", "Có dự"]);
        rows.push(vec!["BTV01", "@2020-07-05", "#38", "Có"]);
        rows.push(vec!["BT01", "@2020-07-08", "#19.5", "Có"]);
        book::write(&path, &[("Chi tiết", rows)]);
        path
    }

    const TABLE: &[&[&str]] = &[
        &["Mã cán bộ", "Ngày sinh hoạt", "Có mặt", "Có dự"],
        &["BTV01", "@2020-07-05", "#38", "Có"],
        &["BT01", "@2020-07-08", "#19.5", "Có"],
    ];

    #[test]
    fn a_matching_sheet_passes_and_cells_read_as_they_were_written() {
        let tmp = tempfile::tempdir().unwrap();
        let path = workbook(tmp.path());
        assert_sheet_eq(&path, "Chi tiết", "A12", TABLE);
        let sheet = SheetGrid::open(&path, "Chi tiết");
        sheet.assert_block("B13", &[&["@2020-07-05", "#38"]]);
        assert_eq!(sheet.cell("A1"), "CHI TIẾT");
        assert_eq!(sheet.cell("Z99"), "");
    }

    #[test]
    fn a_failure_names_the_first_cell_that_differs() {
        let tmp = tempfile::tempdir().unwrap();
        let path = workbook(tmp.path());
        let mut wrong = TABLE.to_vec();
        wrong[2] = &["BT01", "@2020-07-08", "#19.5", "Không"];
        let panic = std::panic::catch_unwind(|| assert_sheet_eq(&path, "Chi tiết", "A12", &wrong))
            .expect_err("the sheets differ");
        let message = panic.downcast_ref::<String>().expect("a formatted message");
        assert_eq!(message, r#"Chi tiết!D14: expected "Không", found "Có""#);

        // The type of a cell counts: 38 as text is not the number 38.
        let sheet = SheetGrid::open(&path, "Chi tiết");
        assert_eq!(
            sheet.compare("C13", &[&["38"], &["#19.5"]], false),
            Err(r##"Chi tiết!C13: expected "38", found "#38""##.to_owned())
        );
    }

    #[test]
    fn a_failure_says_when_the_sizes_differ() {
        let tmp = tempfile::tempdir().unwrap();
        let sheet = SheetGrid::open(&workbook(tmp.path()), "Chi tiết");
        // One row too few: the block matches, the sheet goes on.
        assert_eq!(
            sheet.compare("A12", &TABLE[..2], true),
            Err(concat!(
                "Chi tiết: expected 2 rows × 4 columns (A12:D13), found 3 rows × 4 columns (A12:D14)\n",
                r#"Chi tiết!A14: expected "", found "BT01" (and 3 more cells differ)"#
            )
            .to_owned())
        );
        assert_eq!(sheet.compare("A12", &TABLE[..2], false), Ok(()));
        // A column too many.
        let wide: &[&[&str]] = &[
            &["Mã cán bộ", "Ngày sinh hoạt", "Có mặt", "Có dự", "Ghi chú"],
            TABLE[1],
            TABLE[2],
        ];
        assert_eq!(
            sheet.compare("A12", wide, true),
            Err(concat!(
                "Chi tiết: expected 3 rows × 5 columns (A12:E14), found 3 rows × 4 columns (A12:D14)\n",
                r#"Chi tiết!E12: expected "Ghi chú", found """#
            )
            .to_owned())
        );
    }
}

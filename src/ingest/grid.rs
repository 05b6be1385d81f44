//! A sheet's cells addressed by absolute position.
//!
//! calamine's `Range` is indexed relative to its first used cell; a [`Grid`] converts
//! once, so every position that leaves this module is the cell a person sees in Excel.

use calamine::{Data, Range};

use crate::diagnostic::CellRef;

static EMPTY: Data = Data::Empty;

/// The used cells of one sheet.
#[derive(Clone, Debug, Default)]
pub struct Grid {
    range: Range<Data>,
}

impl Grid {
    /// Wraps a range read by calamine.
    pub fn new(range: Range<Data>) -> Grid {
        Grid { range }
    }

    /// Builds a grid from rows of values, the first at `top_left` (for tests and for
    /// sheets assembled in memory).
    pub fn from_rows(top_left: CellRef, rows: Vec<Vec<Data>>) -> Grid {
        let cells = rows
            .into_iter()
            .enumerate()
            .flat_map(|(r, row)| {
                row.into_iter()
                    .enumerate()
                    .filter(|(_, v)| *v != Data::Empty)
                    .map(move |(c, v)| {
                        let pos = (top_left.row + index(r), top_left.col + index(c));
                        calamine::Cell::new(pos, v)
                    })
            })
            .collect();
        Grid::new(Range::from_sparse(cells))
    }

    /// A grid of text cells from A1 (`""` is an empty cell), for tests.
    #[cfg(test)]
    pub(crate) fn from_text(rows: &[&[&str]]) -> Grid {
        let rows = rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|s| {
                        if s.is_empty() {
                            Data::Empty
                        } else {
                            Data::String((*s).into())
                        }
                    })
                    .collect()
            })
            .collect();
        Grid::from_rows(CellRef::new(0, 0), rows)
    }

    /// The value at an absolute position; empty outside the used range.
    pub fn get(&self, cell: CellRef) -> &Data {
        self.range.get_value((cell.row, cell.col)).unwrap_or(&EMPTY)
    }

    /// Absolute row numbers of the used range, top to bottom.
    pub fn rows(&self) -> std::ops::Range<u32> {
        match (self.range.start(), self.range.end()) {
            (Some(s), Some(e)) => s.0..e.0 + 1,
            _ => 0..0,
        }
    }

    /// Absolute column numbers of the used range, left to right.
    pub fn columns(&self) -> std::ops::Range<u32> {
        match (self.range.start(), self.range.end()) {
            (Some(s), Some(e)) => s.1..e.1 + 1,
            _ => 0..0,
        }
    }

    /// The non-empty cells of `row`, left to right.
    pub fn row_cells(&self, row: u32) -> impl Iterator<Item = (CellRef, &Data)> {
        self.columns()
            .map(move |col| CellRef::new(row, col))
            .filter_map(|cell| {
                let value = self.get(cell);
                (!is_blank(value)).then_some((cell, value))
            })
    }

    /// Whether `row` has no value at all.
    pub fn is_blank_row(&self, row: u32) -> bool {
        self.row_cells(row).next().is_none()
    }
}

/// Whether a cell holds nothing a person would see (empty, or only white space).
pub fn is_blank(value: &Data) -> bool {
    match value {
        Data::Empty => true,
        // What `clean` would leave nothing of, without building the cleaned text.
        Data::String(s) => s.chars().all(crate::text::is_invisible_or_space),
        _ => false,
    }
}

fn index(i: usize) -> u32 {
    u32::try_from(i).expect("sheet dimensions fit in u32")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_absolute() {
        // The used range starts at C3, as when a sheet's first rows and columns are empty.
        let grid = Grid::from_rows(
            CellRef::parse("C3").unwrap(),
            vec![
                vec![Data::String("a".into()), Data::Empty],
                vec![Data::Empty, Data::Int(5)],
            ],
        );
        assert_eq!(
            grid.get(CellRef::parse("C3").unwrap()),
            &Data::String("a".into())
        );
        assert_eq!(grid.get(CellRef::parse("D4").unwrap()), &Data::Int(5));
        assert_eq!(grid.get(CellRef::parse("A1").unwrap()), &Data::Empty);
        assert_eq!(grid.rows(), 2..4);
        assert_eq!(grid.columns(), 2..4);
        let row: Vec<String> = grid.row_cells(3).map(|(c, _)| c.to_string()).collect();
        assert_eq!(row, ["D4"]);
    }

    #[test]
    fn blank_means_nothing_visible() {
        assert!(is_blank(&Data::String(" \u{a0}\u{200b}".into())));
        assert!(!is_blank(&Data::Int(0)));
        let grid = Grid::from_rows(
            CellRef::new(0, 0),
            vec![vec![Data::String("  ".into())], vec![Data::Int(1)]],
        );
        assert!(grid.is_blank_row(0));
        assert!(!grid.is_blank_row(1));
    }
}

//! A sheet's cells addressed by absolute position.
//!
//! calamine's `Range` is indexed relative to its first used cell; a [`Grid`] converts
//! once, so every position that leaves this module is the cell a person sees in Excel.
//! It also keeps the sheet's cells merged down over several rows, so that a table can
//! give a value written once for several data rows to each of them.

use std::collections::BTreeMap;

use calamine::{Data, Dimensions, Range};

use crate::diagnostic::CellRef;

static EMPTY: Data = Data::Empty;

/// The used cells of one sheet.
#[derive(Clone, Debug, Default)]
pub struct Grid {
    range: Range<Data>,
    /// Cells merged down over more than one row: for each column, the first and last
    /// rows of each merge whose top-left cell is in that column, sorted.
    merged_down: BTreeMap<u32, Vec<(u32, u32)>>,
}

impl Grid {
    /// Wraps a range read by calamine.
    pub fn new(range: Range<Data>) -> Grid {
        Grid {
            range,
            merged_down: BTreeMap::new(),
        }
    }

    /// Adds the sheet's merged regions, at absolute positions (as calamine gives them).
    /// Only merges over more than one row are kept, by their first column: a merge
    /// across columns is read from its top-left cell like any other cell, and the
    /// columns right of a block's first are left empty. Of merges that overlap in a column
    /// (which Excel refuses to write), the one starting higher is kept.
    #[must_use]
    pub fn with_merges(mut self, merges: impl IntoIterator<Item = Dimensions>) -> Grid {
        for m in merges {
            if m.end.0 > m.start.0 && m.end.1 >= m.start.1 {
                self.merged_down
                    .entry(m.start.1)
                    .or_default()
                    .push((m.start.0, m.end.0));
            }
        }
        for spans in self.merged_down.values_mut() {
            spans.sort_unstable();
            spans.dedup_by(|later, kept| later.0 <= kept.1);
        }
        self
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

    /// The value at `cell` as a data row reads it: a cell merged down from a row at or
    /// below `first_row` gives its value to every row it covers; any other cell is
    /// [`Grid::get`]. Merges that start above `first_row` (a header or a title merged
    /// over two rows) give nothing.
    pub fn get_in_rows_from(&self, cell: CellRef, first_row: u32) -> &Data {
        match self.merge_top(cell) {
            Some(top) if top.row >= first_row => self.get(top),
            _ => self.get(cell),
        }
    }

    /// The top-left cell of the merge down over several rows that covers `cell` below
    /// its first row, if any.
    pub fn merge_top(&self, cell: CellRef) -> Option<CellRef> {
        let spans = self.merged_down.get(&cell.col)?;
        // The last merge starting at or above `cell`: the only one that can cover it.
        let i = spans.partition_point(|&(first, _)| first <= cell.row);
        let &(first, last) = spans.get(i.checked_sub(1)?)?;
        (first < cell.row && cell.row <= last).then_some(CellRef::new(first, cell.col))
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

    /// The text of every cell that holds text, in no particular order.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.range
            .used_cells()
            .filter_map(|(_, _, value)| match value {
                Data::String(text) => Some(text.as_str()),
                _ => None,
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
    fn a_merge_down_gives_its_value_to_the_rows_below_it() {
        let at = |a: &str| CellRef::parse(a).unwrap();
        let d = |r: u32, c: u32, r2: u32, c2: u32| Dimensions::new((r, c), (r2, c2));
        let grid = Grid::from_rows(
            at("A1"),
            vec![
                vec![
                    Data::String("Họ và tên".into()),
                    Data::String("Ghi chú".into()),
                ],
                vec![Data::String("An".into()), Data::String("gộp ngang".into())],
                vec![Data::Empty, Data::Int(7)],
                vec![Data::Empty, Data::Empty],
                vec![Data::String("Bình".into())],
            ],
        )
        .with_merges([
            d(1, 0, 3, 0), // A2:A4, a name written once for three rows
            d(1, 1, 1, 2), // B2:C2, across columns only
            d(4, 0, 5, 1), // A5:B6, a block
        ]);
        let an = Data::String("An".into());
        assert_eq!(grid.merge_top(at("A3")), Some(at("A2")));
        assert_eq!(
            grid.merge_top(at("A2")),
            None,
            "the top row is the cell itself"
        );
        assert_eq!(grid.merge_top(at("C2")), None);
        assert_eq!(grid.get_in_rows_from(at("A3"), 1), &an);
        assert_eq!(grid.get_in_rows_from(at("A4"), 1), &an);
        assert_eq!(
            grid.get_in_rows_from(at("A5"), 1),
            &Data::String("Bình".into())
        );
        assert_eq!(
            grid.get_in_rows_from(at("A6"), 1),
            &Data::String("Bình".into())
        );
        assert_eq!(
            grid.get_in_rows_from(at("B6"), 1),
            &Data::Empty,
            "first column only"
        );
        assert_eq!(grid.get_in_rows_from(at("C2"), 1), &Data::Empty);
        assert_eq!(grid.get_in_rows_from(at("B3"), 1), &Data::Int(7));
        // A table whose data starts lower does not take A2:A4's value.
        assert_eq!(grid.get_in_rows_from(at("A2"), 1), &an);
        assert_eq!(grid.get_in_rows_from(at("A3"), 2), &Data::Empty);
        // Plain reading is unchanged.
        assert_eq!(grid.get(at("A3")), &Data::Empty);
        assert!(grid.is_blank_row(3));
        // Overlapping merges keep the first.
        let grid = grid.with_merges([d(2, 0, 6, 0)]);
        assert_eq!(grid.merge_top(at("A6")), Some(at("A5")));
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

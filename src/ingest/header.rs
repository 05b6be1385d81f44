//! Finding a table's header row by its labels, wherever the sheet puts it.
//!
//! Units add title blocks above the table, reorder columns, add their own, and write
//! labels with or without diacritics. The header row is the row among the first rows
//! that matches the most known labels; labels compare as [`LabelKey`]s.

use std::collections::{BTreeMap, HashMap};

use calamine::Data;
use rustc_hash::FxHashMap;

use crate::diagnostic::CellRef;
use crate::ingest::grid::Grid;
use crate::ingest::value;
use crate::text::LabelKey;

/// How many rows from the top of a sheet are searched for the header row.
pub const HEADER_SCAN_ROWS: u32 = 30;

/// A column a table may have: a key for the code, its labels (the first one canonical),
/// and whether the table is unusable without it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// Identifier used by the code.
    pub key: &'static str,
    /// Labels that name the column; the first is the one chibo writes.
    pub labels: &'static [&'static str],
    /// Whether the table needs it.
    pub required: bool,
}

impl Column {
    /// A column the table needs.
    pub const fn required(key: &'static str, labels: &'static [&'static str]) -> Column {
        Column {
            key,
            labels,
            required: true,
        }
    }

    /// A column the table may have.
    pub const fn optional(key: &'static str, labels: &'static [&'static str]) -> Column {
        Column {
            key,
            labels,
            required: false,
        }
    }

    /// The label chibo writes.
    pub fn canonical(&self) -> &'static str {
        self.labels[0]
    }
}

/// A header row found in a sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// Absolute row of the header.
    pub row: u32,
    /// Column key → the cell holding its label (first one when named twice).
    pub columns: BTreeMap<&'static str, CellRef>,
    /// Labels of the row that name no known column.
    pub unknown: Vec<(CellRef, String)>,
    /// A known column named a second time: its key, the ignored cell and its label.
    pub repeated: Vec<(&'static str, CellRef, String)>,
    /// Required columns the row lacks.
    pub missing: Vec<Column>,
}

impl Header {
    /// The absolute column of `key`, if the header has it.
    pub fn col(&self, key: &str) -> Option<u32> {
        self.columns.get(key).map(|c| c.col)
    }

    /// The cell of column `key` in `row`, if the header has that column.
    pub fn cell(&self, key: &str, row: u32) -> Option<CellRef> {
        self.col(key).map(|col| CellRef::new(row, col))
    }
}

/// The labels of a table's columns as keys: which column a label names.
pub struct Labels(HashMap<LabelKey, usize>);

impl Labels {
    /// Indexes the labels of `columns`.
    pub fn new(columns: &[Column]) -> Labels {
        let mut keys = HashMap::new();
        for (i, column) in columns.iter().enumerate() {
            for label in column.labels {
                keys.entry(LabelKey::new(label)).or_insert(i);
            }
        }
        Labels(keys)
    }

    /// The index of the column a cell's value names. Only text can be a label.
    pub fn column(&self, data: &Data) -> Option<usize> {
        match data {
            Data::String(s) => self.0.get(&LabelKey::new(s)).copied(),
            _ => None,
        }
    }
}

/// Finds the header row of `columns` in the first [`HEADER_SCAN_ROWS`] rows of `grid`:
/// the row naming the most distinct known columns (the upper one on a tie). `None` when
/// no row names any.
pub fn find_header(grid: &Grid, columns: &[Column]) -> Option<Header> {
    find_header_with(grid, columns, &Labels::new(columns))
}

/// [`find_header`] with the labels of `columns` already indexed.
pub fn find_header_with(grid: &Grid, columns: &[Column], labels: &Labels) -> Option<Header> {
    let rows = grid.rows();
    let last = rows.start.saturating_add(HEADER_SCAN_ROWS).min(rows.end);
    // First the score of each row, then the header of the best one.
    let mut best: Option<(usize, u32)> = None;
    let mut seen = vec![false; columns.len()];
    // The rows searched repeat their names, marks and dates: each text is keyed once.
    let mut known: FxHashMap<&str, Option<usize>> = FxHashMap::default();
    for row in rows.start..last {
        seen.fill(false);
        let mut score = 0;
        for (_, data) in grid.row_cells(row) {
            let column = match data {
                Data::String(s) => *known
                    .entry(s.as_str())
                    .or_insert_with(|| labels.column(data)),
                _ => None,
            };
            if let Some(i) = column
                && !std::mem::replace(&mut seen[i], true)
            {
                score += 1;
            }
        }
        if score > 0 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, row));
        }
    }
    let (_, row) = best?;
    let mut header = Header {
        row,
        columns: BTreeMap::new(),
        unknown: Vec::new(),
        repeated: Vec::new(),
        missing: Vec::new(),
    };
    for (cell, data) in grid.row_cells(row) {
        let key = labels.column(data).map(|i| columns[i].key);
        match key {
            Some(key) if header.columns.contains_key(key) => {
                header.repeated.push((key, cell, value::display(data)));
            }
            Some(key) => {
                header.columns.insert(key, cell);
            }
            None => header.unknown.push((cell, value::display(data))),
        }
    }
    header.missing = columns
        .iter()
        .filter(|c| c.required && !header.columns.contains_key(c.key))
        .copied()
        .collect();
    Some(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[Column] = &[
        Column::required("code", &["Mã đơn vị", "Mã ĐV"]),
        Column::required("name", &["Tên đơn vị"]),
        Column::optional("email", &["Email", "Thư điện tử"]),
    ];

    fn grid(rows: &[&[&str]]) -> Grid {
        Grid::from_text(rows)
    }

    #[test]
    fn header_below_a_title_with_aliases_and_free_order() {
        let g = grid(&[
            &["DANH SÁCH ĐƠN VỊ", "", ""],
            &["", "", ""],
            &["thư điện tử", "TEN DON VI", "Mã ĐV", "Ghi chú riêng"],
            &["a@b.vn", "Huyện ủy Yên Châu", "YC"],
        ]);
        let h = find_header(&g, COLUMNS).unwrap();
        assert_eq!(h.row, 2);
        assert_eq!(h.col("code"), Some(2));
        assert_eq!(h.col("name"), Some(1));
        assert_eq!(h.col("email"), Some(0));
        assert_eq!(
            h.unknown,
            [(CellRef::parse("D3").unwrap(), "Ghi chú riêng".to_owned())]
        );
        assert!(h.missing.is_empty());
    }

    #[test]
    fn the_row_with_most_labels_wins_and_missing_columns_are_listed() {
        let g = grid(&[&["Email"], &["Mã đơn vị", "Email"], &["Mã đơn vị", "Mã ĐV"]]);
        let h = find_header(&g, COLUMNS).unwrap();
        assert_eq!(h.row, 1);
        let missing: Vec<_> = h.missing.iter().map(|c| c.key).collect();
        assert_eq!(missing, ["name"]);
    }

    #[test]
    fn a_column_named_twice_keeps_the_first() {
        let g = grid(&[&["Mã đơn vị", "Tên đơn vị", "Mã ĐV"]]);
        let h = find_header(&g, COLUMNS).unwrap();
        assert_eq!(h.col("code"), Some(0));
        assert_eq!(
            h.repeated,
            [("code", CellRef::parse("C1").unwrap(), "Mã ĐV".to_owned())]
        );
    }

    #[test]
    fn no_header_in_the_scanned_rows() {
        let mut rows: Vec<&[&str]> = vec![&["x"]; 30];
        rows.push(&["Mã đơn vị", "Tên đơn vị"]);
        assert_eq!(find_header(&grid(&rows), COLUMNS), None);
        rows.remove(0);
        assert_eq!(find_header(&grid(&rows), COLUMNS).unwrap().row, 29);
    }
}

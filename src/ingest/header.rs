//! Finding a table's header row by its labels, wherever the sheet puts it.
//!
//! Units add title blocks above the table, reorder columns, add their own, and write
//! labels with or without diacritics. The header row is the row among the first rows
//! that matches the most known labels; labels compare as [`LabelKey`]s. A table's
//! columns are an enum ([`ColumnKey`]), declared with [`column_keys!`]: code asks for a
//! column by its variant, so a mistyped column does not compile.

use std::collections::HashMap;
use std::fmt;

use calamine::Data;
use rustc_hash::FxHashMap;

use crate::diagnostic::CellRef;
use crate::ingest::grid::Grid;
use crate::ingest::value;
use crate::text::{LabelKey, LegacyEncoding, read_known};

/// How many rows from the top of a sheet are searched for the header row.
pub const HEADER_SCAN_ROWS: u32 = 30;

/// The columns of one table: an enum with a variant per column, declared with
/// [`column_keys!`] so that the variants and [`ColumnKey::COLUMNS`] cannot disagree.
pub trait ColumnKey: Copy + Eq + fmt::Debug + 'static {
    /// Every column of the table, in the order chibo writes them; the column of a key
    /// is at its [`ColumnKey::index`].
    const COLUMNS: &'static [Column<Self>];

    /// The key's position in [`ColumnKey::COLUMNS`] (its discriminant).
    fn index(self) -> usize;

    /// The key's column.
    fn column(self) -> &'static Column<Self> {
        &Self::COLUMNS[self.index()]
    }
}

/// Declares a table's column keys: a fieldless enum and its [`ColumnKey`] impl, each
/// variant with its need (`required`, `optional`, or `required_or(Other)` when another
/// column may stand in for it) and its labels, the first one canonical.
///
/// ```ignore
/// column_keys! {
///     /// A column of the `Đơn vị` sheet.
///     pub enum UnitCol {
///         /// `Mã đơn vị`.
///         Code: required["Mã đơn vị", "Mã ĐV"],
///         /// `Email`.
///         Email: optional["Email", "Thư điện tử"],
///     }
/// }
/// ```
macro_rules! column_keys {
    (
        $(#[doc = $doc:literal])*
        $vis:vis enum $name:ident {
            $(
                $(#[doc = $vdoc:literal])*
                $variant:ident: $need:ident $(($other:ident))? [$($label:literal),+ $(,)?],
            )+
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[doc = $vdoc])* $variant,)+
        }

        impl $crate::ingest::ColumnKey for $name {
            const COLUMNS: &'static [$crate::ingest::Column<$name>] = &[
                $($crate::ingest::Column::$need($name::$variant, &[$($label),+] $(, $name::$other)?),)+
            ];

            fn index(self) -> usize {
                self as usize
            }
        }
    };
}
pub(crate) use column_keys;

/// Whether a table can do without a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need<K> {
    /// The table is read without it.
    Optional,
    /// The table is unusable without it.
    Required,
    /// The table is unusable without it unless it has the other column, which stands in
    /// for it (a code for its name).
    RequiredOr(K),
}

/// A column a table may have: its key, its labels (the first one canonical), and
/// whether the table needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column<K> {
    /// Identifier used by the code.
    pub key: K,
    /// Labels that name the column; the first is the one chibo writes.
    pub labels: &'static [&'static str],
    /// Whether the table needs it.
    pub need: Need<K>,
}

impl<K> Column<K> {
    /// A column the table needs.
    pub const fn required(key: K, labels: &'static [&'static str]) -> Column<K> {
        Column {
            key,
            labels,
            need: Need::Required,
        }
    }

    /// A column the table may have.
    pub const fn optional(key: K, labels: &'static [&'static str]) -> Column<K> {
        Column {
            key,
            labels,
            need: Need::Optional,
        }
    }

    /// A column the table needs unless it has `other`.
    pub const fn required_or(key: K, labels: &'static [&'static str], other: K) -> Column<K> {
        Column {
            key,
            labels,
            need: Need::RequiredOr(other),
        }
    }

    /// The label chibo writes.
    pub fn canonical(&self) -> &'static str {
        self.labels[0]
    }
}

/// A header row found in a sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header<K> {
    /// Absolute row of the header.
    pub row: u32,
    /// The cell holding each column's label (the first one when named twice), indexed
    /// by [`ColumnKey::index`].
    cells: Vec<Option<CellRef>>,
    /// Labels of the row that name no known column.
    pub unknown: Vec<(CellRef, String)>,
    /// A known column named a second time: its key, the ignored cell and its label.
    pub repeated: Vec<(K, CellRef, String)>,
    /// Labels typed in a legacy font encoding, with how they were read.
    pub legacy: Vec<(CellRef, LegacyLabel)>,
}

/// A label typed in a legacy font encoding (TCVN3, VNI).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegacyLabel {
    /// The encoding.
    pub encoding: LegacyEncoding,
    /// The label as typed.
    pub typed: String,
    /// The label read, cleaned.
    pub text: String,
}

impl<K: ColumnKey> Header<K> {
    fn new(row: u32) -> Header<K> {
        Header {
            row,
            cells: vec![None; K::COLUMNS.len()],
            unknown: Vec::new(),
            repeated: Vec::new(),
            legacy: Vec::new(),
        }
    }

    /// The cell holding the label of `key`, if the header has that column.
    pub fn label_cell(&self, key: K) -> Option<CellRef> {
        self.cells[key.index()]
    }

    /// The absolute column of `key`, if the header has it.
    pub fn col(&self, key: K) -> Option<u32> {
        self.label_cell(key).map(|c| c.col)
    }

    /// Whether the header has column `key`.
    pub fn has(&self, key: K) -> bool {
        self.cells[key.index()].is_some()
    }

    /// Records the label cell of `key`.
    pub(crate) fn set(&mut self, key: K, cell: CellRef) {
        self.cells[key.index()] = Some(cell);
    }

    /// The columns found, with their label cells, in key order.
    pub fn columns(&self) -> impl Iterator<Item = (K, CellRef)> + '_ {
        K::COLUMNS
            .iter()
            .zip(&self.cells)
            .filter_map(|(column, cell)| cell.map(|c| (column.key, c)))
    }

    /// The header's first cell: the first of its label cells (a label joined from a
    /// second header row may stand above); column A of the header row if it has none.
    pub fn first_cell(&self) -> CellRef {
        self.cells
            .iter()
            .flatten()
            .min()
            .copied()
            .unwrap_or(CellRef::new(self.row, 0))
    }

    /// The table's first column: the leftmost column the header names.
    pub fn first_col(&self) -> u32 {
        self.cells
            .iter()
            .flatten()
            .map(|c| c.col)
            .min()
            .unwrap_or(0)
    }

    /// The columns the table needs that the header lacks, in column order.
    pub fn missing(&self) -> impl Iterator<Item = &'static Column<K>> + '_ {
        K::COLUMNS.iter().filter(|c| match c.need {
            Need::Optional => false,
            Need::Required => !self.has(c.key),
            Need::RequiredOr(other) => !self.has(c.key) && !self.has(other),
        })
    }

    /// Whether the header has every column the table needs.
    pub fn is_complete(&self) -> bool {
        self.missing().next().is_none()
    }
}

/// The labels of a table's columns as keys: which column a label names.
pub struct Labels(HashMap<LabelKey, usize>);

impl Labels {
    /// Indexes the labels of `columns`.
    pub fn new<K>(columns: &[Column<K>]) -> Labels {
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
        self.read(data).map(|(i, _)| i)
    }

    /// The index of the column a cell's value names and, for a label typed in a legacy
    /// font encoding, how it was read ([`crate::text::read_known`]).
    pub fn read(&self, data: &Data) -> Option<(usize, Option<LegacyLabel>)> {
        let Data::String(s) = data else {
            return None;
        };
        let (i, legacy) = read_known(s, |t| self.0.get(&LabelKey::new(t)).copied())?;
        let label = legacy.map(|(legacy, text)| LegacyLabel {
            encoding: legacy.encoding,
            typed: legacy.typed,
            text,
        });
        Some((i, label))
    }
}

/// Finds the header row of table `K` in the first [`HEADER_SCAN_ROWS`] rows of `grid`:
/// the row naming the most distinct known columns (the upper one on a tie). `None` when
/// no row names any.
pub fn find_header<K: ColumnKey>(grid: &Grid) -> Option<Header<K>> {
    find_header_with(grid, &Labels::new(K::COLUMNS))
}

/// [`find_header`] with the labels of `K`'s columns already indexed.
pub fn find_header_with<K: ColumnKey>(grid: &Grid, labels: &Labels) -> Option<Header<K>> {
    let columns = K::COLUMNS;
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
    let mut header = Header::new(row);
    for (cell, data) in grid.row_cells(row) {
        let read = labels.read(data);
        let key = read.as_ref().map(|(i, _)| columns[*i].key);
        if let Some((_, Some(label))) = read {
            header.legacy.push((cell, label));
        }
        match key {
            Some(key) if header.has(key) => {
                header.repeated.push((key, cell, value::display(data)));
            }
            Some(key) => header.set(key, cell),
            None => header.unknown.push((cell, value::display(data))),
        }
    }
    Some(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    column_keys! {
        /// A units table.
        enum Col {
            /// Code.
            Code: required["Mã đơn vị", "Mã ĐV"],
            /// Name.
            Name: required["Tên đơn vị"],
            /// Email.
            Email: optional["Email", "Thư điện tử"],
            /// Short name.
            Short: optional["Tên tắt"],
        }
    }

    column_keys! {
        /// A table whose name may be replaced by a code.
        enum Either {
            /// Name.
            Name: required_or(Code)["Họ và tên"],
            /// Code.
            Code: optional["Mã cán bộ"],
            /// Date.
            Date: required["Ngày"],
        }
    }

    fn grid(rows: &[&[&str]]) -> Grid {
        Grid::from_text(rows)
    }

    /// Labels typed in a legacy font are read: convincing text by its syllables, and text
    /// whose syllables alone do not convince (`Maõ ÑV`, VNI for `Mã ĐV`: one letter
    /// outside ASCII in one syllable) because exactly one of its readings is a label.
    /// Latin-1 and Unicode text stay as they are.
    #[test]
    fn legacy_labels() {
        use crate::text::{LegacyEncoding, encode_legacy};
        let labels = Labels::new(Col::COLUMNS);
        let s = |t: &str| Data::String(t.into());
        let tcvn3 = |t: &str| encode_legacy(t, LegacyEncoding::Tcvn3).unwrap();
        let vni = |t: &str| encode_legacy(t, LegacyEncoding::Vni).unwrap();
        let read = |t: &str| {
            labels
                .read(&s(t))
                .map(|(i, l)| (i, l.map(|l| (l.encoding, l.typed, l.text))))
        };
        let typed = tcvn3("Mã đơn vị");
        assert_eq!(
            read(&typed),
            Some((0, Some((LegacyEncoding::Tcvn3, typed, "Mã đơn vị".into()))))
        );
        let typed = vni("Tên tắt");
        assert_eq!(
            read(&typed),
            Some((3, Some((LegacyEncoding::Vni, typed, "Tên tắt".into()))))
        );
        let typed = vni("Mã ĐV");
        assert_eq!(
            crate::text::decode_legacy(&typed),
            None,
            "not convincing alone"
        );
        assert_eq!(
            read(&typed),
            Some((0, Some((LegacyEncoding::Vni, typed, "Mã ĐV".into()))))
        );
        // `Thư điện tử` in TCVN3 is stored with a soft hyphen for ư.
        let typed = tcvn3("Thư điện tử");
        assert!(typed.contains('\u{ad}'));
        assert_eq!(read(&typed).map(|(i, _)| i), Some(2));
        assert_eq!(read("Tên đơn vị"), Some((1, None)));
        for other in ["Café Hélène, Zürich", "Ghi chú", "Tªn", "NguyÔn V¨n Hoµ"] {
            assert_eq!(read(other), None, "{other}");
        }
    }

    #[test]
    fn keys_index_their_columns() {
        for (i, column) in Col::COLUMNS.iter().enumerate() {
            assert_eq!(column.key.index(), i);
            assert_eq!(column.key.column(), column);
        }
        assert_eq!(Col::Email.column().canonical(), "Email");
    }

    #[test]
    fn header_below_a_title_with_aliases_and_free_order() {
        let g = grid(&[
            &["DANH SÁCH ĐƠN VỊ", "", ""],
            &["", "", ""],
            &["thư điện tử", "TEN DON VI", "Mã ĐV", "Ghi chú riêng"],
            &["a@b.vn", "Huyện ủy Yên Châu", "YC"],
        ]);
        let h = find_header::<Col>(&g).unwrap();
        assert_eq!(h.row, 2);
        assert_eq!(h.col(Col::Code), Some(2));
        assert_eq!(h.col(Col::Name), Some(1));
        assert_eq!(h.col(Col::Email), Some(0));
        assert_eq!(h.col(Col::Short), None);
        assert_eq!(h.first_col(), 0);
        assert_eq!(
            h.unknown,
            [(CellRef::parse("D3").unwrap(), "Ghi chú riêng".to_owned())]
        );
        assert!(h.is_complete());
    }

    #[test]
    fn the_row_with_most_labels_wins_and_missing_columns_are_listed() {
        let g = grid(&[&["Email"], &["Mã đơn vị", "Email"], &["Mã đơn vị", "Mã ĐV"]]);
        let h = find_header::<Col>(&g).unwrap();
        assert_eq!(h.row, 1);
        let missing: Vec<_> = h.missing().map(|c| c.key).collect();
        assert_eq!(missing, [Col::Name]);
    }

    #[test]
    fn a_column_may_stand_in_for_another() {
        let cases: [(&[&str], &[Either]); 4] = [
            (&["Họ và tên", "Ngày"], &[]),
            (&["Mã cán bộ", "Ngày"], &[]),
            (&["Ngày"], &[Either::Name]),
            (&["Mã cán bộ"], &[Either::Date]),
        ];
        for (labels, want) in cases {
            let h = find_header::<Either>(&grid(&[labels])).unwrap();
            let missing: Vec<_> = h.missing().map(|c| c.key).collect();
            assert_eq!(missing, want, "{labels:?}");
        }
    }

    #[test]
    fn a_column_named_twice_keeps_the_first() {
        let g = grid(&[&["Mã đơn vị", "Tên đơn vị", "Mã ĐV"]]);
        let h = find_header::<Col>(&g).unwrap();
        assert_eq!(h.col(Col::Code), Some(0));
        assert_eq!(
            h.repeated,
            [(Col::Code, CellRef::parse("C1").unwrap(), "Mã ĐV".to_owned())]
        );
    }

    #[test]
    fn labels_broken_over_lines_with_alt_enter_are_found() {
        // Excel stores Alt+Enter as a line feed; some files carry a carriage return too.
        let cases = [
            ["Mã\nđơn vị", "Tên\nđơn vị"],
            ["Mã đơn\r\nvị", "Tên đơn vị\n"],
            ["Mã\n\nđơn\tvị", " Tên  đơn \u{2028}vị"],
        ];
        for labels in cases {
            let h = find_header::<Col>(&grid(&[&labels])).unwrap();
            assert_eq!(
                (h.col(Col::Code), h.col(Col::Name)),
                (Some(0), Some(1)),
                "{labels:?}"
            );
            assert!(h.unknown.is_empty(), "{labels:?}");
        }
    }

    #[test]
    fn no_header_in_the_scanned_rows() {
        let mut rows: Vec<&[&str]> = vec![&["x"]; 30];
        rows.push(&["Mã đơn vị", "Tên đơn vị"]);
        assert_eq!(find_header::<Col>(&grid(&rows)), None);
        rows.remove(0);
        assert_eq!(find_header::<Col>(&grid(&rows)).unwrap().row, 29);
    }
}

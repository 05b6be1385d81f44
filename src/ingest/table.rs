//! One reader for every table chibo reads: the roster's four sheets, the report rows and
//! the recommendation rows.
//!
//! A [`Table`] is a header found in a grid (on one row, or two when a merged group
//! header sits above or below the row with most labels), its data rows (down to a
//! footer, totals rows skipped), and the diagnostic codes of its sheet. Its [`Row`]s are
//! read by typed column keys ([`ColumnKey`]), so each reader states what it wants and
//! all of them share the same rules: an absent column's diagnostics point at the table's
//! first column in that row, and every text goes through [`Row::text`] (Excel errors
//! rejected, legacy font encodings decoded with a warning, white space cleaned).

use std::borrow::Cow;

use calamine::Data;

use crate::diagnostic::{CellRef, Code, Diagnostic, Location};
use crate::ingest::grid::{Grid, is_blank};
use crate::ingest::header::{ColumnKey, Header, Labels, find_header_with};
use crate::ingest::value::display;
use crate::text::{MatchKey, Reading, Stored};

/// The codes and words a table's problems are reported with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableCodes {
    /// A header cell that names no known column (a notice).
    pub unknown: Code,
    /// A column named twice (a warning; the first is read).
    pub duplicate: Code,
    /// A column the table needs is missing (an error at the header's first cell).
    pub missing: Code,
    /// A cell whose value cannot be used, an Excel error among them.
    pub bad_value: Code,
    /// What the unknown-column notice calls the table's form: `mẫu báo cáo`.
    pub form: &'static str,
    /// What a missing column costs, appended to its error: `; không đọc được …`, or
    /// nothing.
    pub consequence: &'static str,
}

/// A table found in a sheet.
#[derive(Clone, Debug)]
pub struct Table<'a, K> {
    file: &'a str,
    sheet: &'a str,
    grid: &'a Grid,
    codes: &'a TableCodes,
    header: Header<K>,
    first_col: u32,
    data_start: u32,
    reading: Option<&'a Reading<'a>>,
}

impl<'a, K: ColumnKey> Table<'a, K> {
    /// Finds the header of table `K` in `grid` (sheet `sheet` of `file`) and joins in a
    /// second header row: labels of the row above or below that name columns the main
    /// row does not have, in columns it does not use. `None` when no row of the first
    /// [`super::header::HEADER_SCAN_ROWS`] names any column.
    pub fn find(
        file: &'a str,
        sheet: &'a str,
        grid: &'a Grid,
        codes: &'a TableCodes,
    ) -> Option<Table<'a, K>> {
        let labels = Labels::new(K::COLUMNS);
        let mut header = find_header_with::<K>(grid, &labels)?;
        let mut data_start = header.row + 1;
        for neighbour in [header.row.checked_sub(1), Some(header.row + 1)]
            .into_iter()
            .flatten()
        {
            let mut added = false;
            for (cell, value) in grid.row_cells(neighbour) {
                let Some((i, legacy)) = labels.read(value) else {
                    continue;
                };
                let key = K::COLUMNS[i].key;
                let column_taken = header.columns().any(|(_, c)| c.col == cell.col);
                if !header.has(key) && !column_taken {
                    header.set(key, cell);
                    if let Some(label) = legacy {
                        header.legacy.push((cell, label));
                    }
                    header.unknown.retain(|(c, _)| c.col != cell.col);
                    added = true;
                }
            }
            if added && neighbour > header.row {
                data_start = neighbour + 1;
            }
        }
        Some(Table {
            file,
            sheet,
            grid,
            codes,
            first_col: header.first_col(),
            header,
            data_start,
            reading: None,
        })
    }

    /// The table with its cells read by `reading`, the reading of its whole workbook
    /// (text that reads validly both ways follows the file's legacy encoding); without
    /// one, each cell is read on its own ([`crate::text::read_stored`]).
    #[must_use]
    pub fn with_reading(mut self, reading: &'a Reading<'a>) -> Self {
        self.reading = Some(reading);
        self
    }

    /// A cell's text as stored, read as the table's workbook reads it.
    fn read(&self, raw: &str) -> Stored {
        match self.reading {
            Some(reading) => reading.read(raw),
            None => crate::text::read_stored(raw),
        }
    }

    /// The header.
    pub fn header(&self) -> &Header<K> {
        &self.header
    }

    /// The first row that may hold data: below the header, and below a second header
    /// row that joined in under it.
    pub fn data_start(&self) -> u32 {
        self.data_start
    }

    /// The sheet's name.
    pub fn sheet(&self) -> &'a str {
        self.sheet
    }

    /// The location of `cell` in the table's sheet.
    pub fn location(&self, cell: CellRef) -> Location {
        Location::cell(self.file, self.sheet, cell)
    }

    /// The header's diagnostics: an error at the header's first cell for each column the
    /// table needs and lacks, a warning at each column named twice, a notice at each
    /// label that names no column.
    pub fn header_diagnostics(&self, diags: &mut Vec<Diagnostic>) {
        let h = &self.header;
        let codes = self.codes;
        let first = h.first_cell();
        for column in h.missing() {
            let message = format!(
                "dòng tiêu đề {} thiếu cột «{}»{}",
                h.row + 1,
                column.canonical(),
                codes.consequence
            );
            diags.push(Diagnostic::error(
                codes.missing,
                self.location(first),
                message,
            ));
        }
        for (key, cell, label) in &h.repeated {
            let kept = h.label_cell(*key).unwrap_or(first);
            let message = format!("cột này trùng với cột {kept}; chỉ cột {kept} được đọc");
            diags.push(
                Diagnostic::warning(codes.duplicate, self.location(*cell), message)
                    .with_value(label),
            );
        }
        for (cell, label) in &h.legacy {
            diags.push(
                Diagnostic::warning(
                    Code::TextLegacyEncoding,
                    self.location(*cell),
                    legacy_message(label.encoding, &label.text),
                )
                .with_value(&label.typed),
            );
        }
        for (cell, label) in &h.unknown {
            let message = format!("cột không thuộc {}; chibo bỏ qua cột này", codes.form);
            diags.push(
                Diagnostic::notice(codes.unknown, self.location(*cell), message).with_value(label),
            );
        }
    }

    /// The data rows, top to bottom: every row below the header with something in it,
    /// down to a footer line (excluded), totals rows left out. A row is told by what is
    /// typed in it: one that only a merged cell above reaches into is blank.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_, K>> {
        (self.data_start..self.grid.rows().end)
            .map(move |line| {
                let kind = self
                    .grid
                    .row_cells(line)
                    .next()
                    .map(|(_, d)| row_kind_read(d, self.reading));
                (line, kind)
            })
            .take_while(|(_, kind)| *kind != Some(RowKind::Footer))
            .filter(|(_, kind)| *kind == Some(RowKind::Data))
            .map(move |(line, _)| Row { table: self, line })
    }
}

/// How a footer line opens (`Người lập`, `T/M`, `Nơi nhận`, `Xác nhận`), as folded keys:
/// nothing from that row down is data.
const FOOTER_WORDS: &[&str] = &["nguoi lap", "t/m", "noi nhan", "xac nhan"];
/// A totals row's label (`Cộng`, `Tổng cộng`, `Tổng`), as folded keys: the row is skipped
/// and reading goes on.
const TOTAL_WORDS: &[&str] = &["cong", "tong cong", "tong"];

/// What a row's first non-empty cell says about the row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// Data, or at least not a footer or totals row.
    Data,
    /// A totals row: skip it.
    Total,
    /// A footer line: stop reading.
    Footer,
}

/// Classifies a row by its first non-empty cell.
pub fn row_kind(first_cell: &Data) -> RowKind {
    row_kind_read(first_cell, None)
}

/// [`row_kind`], the cell's text read by `reading` when given: a footer or totals word
/// typed in a legacy font (TCVN3 `Ng\u{ad}êi lËp biÓu`, `Céng`) is one.
fn row_kind_read(first_cell: &Data, reading: Option<&Reading>) -> RowKind {
    // Footers and totals are words; a number (the usual `STT`) starts a data row.
    let Data::String(text) = first_cell else {
        return RowKind::Data;
    };
    // Each of their words starts with one of these letters: a row opening with another
    // plain letter (a code, a name) is told without building a key.
    let first = text
        .chars()
        .find(|&c| !crate::text::is_invisible_or_space(c));
    if first.is_some_and(|c| {
        c.is_ascii_alphabetic() && !matches!(c, 'N' | 'n' | 'T' | 't' | 'X' | 'x' | 'C' | 'c')
    }) {
        return RowKind::Data;
    }
    let read = match reading {
        Some(reading) => reading.read(text).text,
        None => crate::text::read_stored(text).text,
    };
    let key = MatchKey::new(&read).folded();
    if FOOTER_WORDS.iter().any(|w| key.as_str().starts_with(w)) {
        RowKind::Footer
    } else if TOTAL_WORDS.contains(&key.as_str()) {
        RowKind::Total
    } else {
        RowKind::Data
    }
}

/// One data row of a [`Table`].
#[derive(Clone, Copy, Debug)]
pub struct Row<'t, K> {
    table: &'t Table<'t, K>,
    line: u32,
}

impl<'t, K: ColumnKey> Row<'t, K> {
    /// The absolute row number.
    pub fn line(self) -> u32 {
        self.line
    }

    /// The row's cell in the table's first column.
    pub fn first(self) -> CellRef {
        CellRef::new(self.line, self.table.first_col)
    }

    /// The cell of column `key` in this row, if the table has that column.
    pub fn cell(self, key: K) -> Option<CellRef> {
        self.table
            .header
            .col(key)
            .map(|col| CellRef::new(self.line, col))
    }

    /// The cell of column `key` in this row; the row's first cell when the table has
    /// no such column (where a diagnostic about it points).
    pub fn cell_or_first(self, key: K) -> CellRef {
        self.cell(key).unwrap_or_else(|| self.first())
    }

    /// The value of column `key`; empty when the table has no such column. A cell
    /// merged down over several data rows gives its value to each of them (SPEC §4).
    pub fn data(self, key: K) -> &'t Data {
        static EMPTY: Data = Data::Empty;
        match self.cell(key) {
            Some(cell) => self
                .table
                .grid
                .get_in_rows_from(cell, self.table.data_start),
            None => &EMPTY,
        }
    }

    /// Whether column `key` shows nothing in this row.
    pub fn blank(self, key: K) -> bool {
        is_blank(self.data(key))
    }

    /// The location of column `key` in this row ([`Row::cell_or_first`]).
    pub fn at(self, key: K) -> Location {
        self.table.location(self.cell_or_first(key))
    }

    /// An error at column `key` of this row, quoting its value when it has one.
    pub fn error(self, code: Code, key: K, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(code, self.at(key), message);
        if self.blank(key) {
            d
        } else {
            d.with_value(display(self.data(key)))
        }
    }

    /// The text of column `key`, cleaned; `None` when blank. An Excel error in the cell
    /// is an error with the table's bad-value code (and `None`); text typed in a legacy
    /// font encoding is converted, with a warning.
    pub fn text(self, key: K, diags: &mut Vec<Diagnostic>) -> Option<String> {
        match self.data(key) {
            Data::Error(e) => {
                let message = format!("ô có lỗi công thức {e}");
                diags.push(self.error(self.table.codes.bad_value, key, message));
                None
            }
            Data::String(raw) => {
                let text = legacy_text(self.table.read(raw), || self.at(key), diags);
                (!text.is_empty()).then_some(text)
            }
            data => {
                let text = display(data);
                (!text.is_empty()).then_some(text)
            }
        }
    }

    /// The value of column `key` for a reader of its own (marks, ratings, statuses,
    /// dates): text typed in a legacy font encoding is converted and cleaned, with the
    /// warning [`Row::text`] gives; any other value is the cell's as it is.
    pub fn decoded(self, key: K, diags: &mut Vec<Diagnostic>) -> Cow<'t, Data> {
        let data = self.data(key);
        if let Data::String(raw) = data
            && !raw.is_ascii()
        {
            let mut found = Vec::new();
            let text = legacy_text(self.table.read(raw), || self.at(key), &mut found);
            if !found.is_empty() {
                diags.append(&mut found);
                return Cow::Owned(Data::String(text));
            }
        }
        Cow::Borrowed(data)
    }

    /// [`Row::decoded`] for a column of a closed list of words (marks, ratings,
    /// statuses), which `find` looks a text up in: a text that is no word of the list
    /// as typed is also read from a legacy font: its reading in the workbook's legacy
    /// encoding when that is a word of the list ([`crate::text::Reading::known`]), else
    /// when exactly one of its two readings is one ([`crate::text::read_known`]), as
    /// TCVN3 `Cã` is `Có` and VNI `Toát` is `Tốt`, words that read as Vietnamese either
    /// way. A word of the list as typed stays.
    pub fn decoded_in<T: PartialEq>(
        self,
        key: K,
        diags: &mut Vec<Diagnostic>,
        find: impl Fn(&str) -> Option<T>,
    ) -> Cow<'t, Data> {
        let data = self.data(key);
        let Data::String(raw) = data else {
            return Cow::Borrowed(data);
        };
        let known = match self.table.reading {
            Some(reading) => reading.known(raw, find),
            None => crate::text::read_known(raw, find),
        };
        match known {
            Some((_, None)) => Cow::Borrowed(data),
            Some((_, Some((legacy, text)))) => {
                diags.push(
                    Diagnostic::warning(
                        Code::TextLegacyEncoding,
                        self.at(key),
                        legacy_message(legacy.encoding, &text),
                    )
                    .with_value(legacy.typed),
                );
                Cow::Owned(Data::String(text))
            }
            None => self.decoded(key, diags),
        }
    }

    /// [`Row::text`] of a column that must be filled: blank is an error with `code`
    /// and `message` (an Excel error is reported once, as such).
    pub fn required_text(
        self,
        key: K,
        code: Code,
        message: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        let text = self.text(key, diags);
        if text.is_none() && !matches!(self.data(key), Data::Error(_)) {
            diags.push(self.error(code, key, message));
        }
        text
    }

    /// The text of column `key` as [`Row::text`] reads it, without a word about it:
    /// `None` for an Excel error.
    pub fn quiet_text(self, key: K) -> Option<String> {
        match self.data(key) {
            Data::Error(_) => None,
            Data::String(raw) => {
                let text = self.table.read(raw).text;
                (!text.is_empty()).then_some(text)
            }
            data => {
                let text = display(data);
                (!text.is_empty()).then_some(text)
            }
        }
    }
}

/// The text of a cell as stored, `read` ([`crate::text::read_stored`],
/// [`crate::text::Reading::read`]): checked for a legacy font encoding (TCVN3, VNI)
/// before cleaning, converted when it is one, then cleaned. The conversion is reported
/// as a warning at the cell, quoting the text as typed.
pub fn legacy_text(
    read: Stored,
    at: impl FnOnce() -> Location,
    diags: &mut Vec<Diagnostic>,
) -> String {
    // Both warnings are at the same cell: `at` is called once.
    let too_long = read.text.len() > crate::text::CELL_UNITS
        && crate::text::cell_units(&read.text) > crate::text::CELL_UNITS;
    if read.legacy.is_none() && !too_long {
        return read.text;
    }
    let location = at();
    if let Some(legacy) = read.legacy {
        let message = legacy_message(legacy.encoding, &read.text);
        diags.push(
            Diagnostic::warning(Code::TextLegacyEncoding, location.clone(), message)
                .with_value(legacy.typed),
        );
    }
    if too_long {
        let message = format!(
            "ô có {} ký tự, quá {} ký tự mà một ô Excel chứa được; chibo chỉ giữ {} ký tự đầu",
            crate::text::cell_units(&read.text),
            crate::text::CELL_UNITS,
            crate::text::CELL_UNITS
        );
        diags.push(
            Diagnostic::warning(Code::TextTooLong, location, message).with_value(&*read.text),
        );
        return crate::text::fit_cell(&read.text).into_owned();
    }
    read.text
}

/// The `text-legacy-encoding` warning on the sheet `name` of `file`, whose name was typed
/// in a legacy font encoding and is read as `read`.
pub fn legacy_sheet_warning(
    file: &str,
    name: &str,
    legacy: &crate::text::Legacy,
    read: &str,
) -> Diagnostic {
    let message = format!(
        "tên trang được gõ bằng bảng mã {} (phông chữ cũ); chibo đã đọc thành «{read}». Hãy gõ bằng Unicode",
        legacy.encoding.name()
    );
    Diagnostic::warning(
        Code::TextLegacyEncoding,
        Location::sheet(file, name),
        message,
    )
    .with_value(&legacy.typed)
}

/// The `text-legacy-encoding` warning's message: what the text was typed in and how
/// it was read.
fn legacy_message(encoding: crate::text::LegacyEncoding, read: &str) -> String {
    format!(
        "chữ được gõ bằng bảng mã {} (phông chữ cũ); chibo đã đọc thành «{read}». Hãy gõ bằng Unicode",
        encoding.name()
    )
}

#[cfg(test)]
mod tests {
    use calamine::CellErrorType;

    use super::*;
    use crate::diagnostic::Severity;
    use crate::ingest::column_keys;

    column_keys! {
        /// A small table.
        enum Col {
            /// Name, or its code.
            Name: required_or(Code)["Họ và tên"],
            /// Code.
            Code: optional["Mã"],
            /// Date.
            Date: required["Ngày"],
            /// Note.
            Note: optional["Ghi chú"],
        }
    }

    const CODES: TableCodes = TableCodes {
        unknown: Code::ReportUnknownColumn,
        duplicate: Code::ReportDuplicateColumn,
        missing: Code::ReportMissingColumn,
        bad_value: Code::RowBadValue,
        form: "mẫu thử",
        consequence: "; không đọc được",
    };

    fn s(t: &str) -> Data {
        Data::String(t.into())
    }

    /// `(code, cell, message, value)` of each diagnostic.
    fn found(diags: &[Diagnostic]) -> Vec<(&str, String, &str, Option<&str>)> {
        diags
            .iter()
            .map(|d| {
                (
                    d.code.as_str(),
                    d.location.cell.map(|c| c.to_string()).unwrap_or_default(),
                    d.message.as_str(),
                    d.value.as_deref(),
                )
            })
            .collect()
    }

    #[test]
    fn a_second_header_row_joins_and_rows_run_to_the_footer() {
        let grid = Grid::from_text(&[
            &["", "Họ và tên", "Thông tin", ""],
            &["", "", "Ngày", "Ghi chú"],
            &["", "A", "01/07/2020"],
            &["", ""],
            &["", "Tổng cộng", "3"],
            &["", "B", "02/07/2020"],
            &["", "Người lập biểu"],
            &["", "C", "03/07/2020"],
        ]);
        let table = Table::<Col>::find("f.xlsx", "S", &grid, &CODES).unwrap();
        let h = table.header();
        assert_eq!(h.row, 1, "the row with most labels");
        assert_eq!(h.col(Col::Name), Some(1), "joined from the row above");
        assert!(h.is_complete());
        assert_eq!(h.unknown, [], "the group label above is not the header's");
        let rows: Vec<u32> = table.rows().map(|r| r.line() + 1).collect();
        assert_eq!(rows, [3, 6]);
    }

    #[test]
    fn header_diagnostics_use_the_tables_codes() {
        let grid = Grid::from_text(&[&["", "Ghi chú", "Riêng", "Ghi chú"]]);
        let table = Table::<Col>::find("f.xlsx", "S", &grid, &CODES).unwrap();
        let mut diags = Vec::new();
        table.header_diagnostics(&mut diags);
        assert_eq!(
            found(&diags),
            [
                (
                    "report-missing-column",
                    "B1".into(),
                    "dòng tiêu đề 1 thiếu cột «Họ và tên»; không đọc được",
                    None
                ),
                (
                    "report-missing-column",
                    "B1".into(),
                    "dòng tiêu đề 1 thiếu cột «Ngày»; không đọc được",
                    None
                ),
                (
                    "report-duplicate-column",
                    "D1".into(),
                    "cột này trùng với cột B1; chỉ cột B1 được đọc",
                    Some("Ghi chú")
                ),
                (
                    "report-unknown-column",
                    "C1".into(),
                    "cột không thuộc mẫu thử; chibo bỏ qua cột này",
                    Some("Riêng")
                ),
            ]
        );
    }

    #[test]
    fn an_absent_column_points_at_the_tables_first_column() {
        // The table starts in column C; column A holds something else.
        let grid = Grid::from_text(&[
            &["", "", "Mã", "Ngày"],
            &["ghi chú lề", "", "C01", "01/07/2020"],
        ]);
        let table = Table::<Col>::find("f.xlsx", "S", &grid, &CODES).unwrap();
        let row = table.rows().next().unwrap();
        assert_eq!(row.first(), CellRef::parse("C2").unwrap());
        assert_eq!(row.cell(Col::Note), None);
        assert_eq!(row.cell_or_first(Col::Note), CellRef::parse("C2").unwrap());
        let d = row.error(Code::RowMissingValue, Col::Name, "thiếu họ và tên");
        assert_eq!(d.location.cell, CellRef::parse("C2"));
        assert_eq!(d.value, None);
        assert_eq!(row.data(Col::Note), &Data::Empty);
        assert!(row.blank(Col::Note));
    }

    #[test]
    fn one_text_path_for_every_table() {
        let grid = Grid::from_rows(
            CellRef::new(0, 0),
            vec![
                vec![s("Họ và tên"), s("Mã"), s("Ngày"), s("Ghi chú")],
                vec![
                    s("  NguyÔn   V¨n Hoµ "),
                    Data::Float(101.0),
                    Data::Error(CellErrorType::Ref),
                    s(" \u{a0} "),
                ],
            ],
        );
        let table = Table::<Col>::find("f.xlsx", "S", &grid, &CODES).unwrap();
        let row = table.rows().next().unwrap();
        let mut diags = Vec::new();
        assert_eq!(
            row.text(Col::Name, &mut diags).as_deref(),
            Some("Nguyễn Văn Hoà")
        );
        assert_eq!(row.text(Col::Code, &mut diags).as_deref(), Some("101"));
        assert_eq!(row.text(Col::Date, &mut diags), None);
        assert_eq!(row.text(Col::Note, &mut diags), None);
        let got = found(&diags);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, "text-legacy-encoding");
        assert_eq!(got[0].1, "A2");
        assert_eq!(got[0].3, Some("NguyÔn V¨n Hoµ"));
        assert_eq!(
            got[1],
            (
                "row-bad-value",
                "C2".into(),
                "ô có lỗi công thức #REF!",
                Some("#REF!")
            )
        );
        assert_eq!(diags[1].severity, Severity::Error);
        // The quiet reading gives the same text, says nothing and drops the error.
        assert_eq!(row.quiet_text(Col::Name).as_deref(), Some("Nguyễn Văn Hoà"));
        assert_eq!(row.quiet_text(Col::Date), None);
        // A required text reports an Excel error once, and a blank as missing.
        let mut diags = Vec::new();
        row.required_text(Col::Date, Code::RowMissingValue, "thiếu", &mut diags);
        row.required_text(Col::Note, Code::RowMissingValue, "thiếu", &mut diags);
        let codes: Vec<_> = found(&diags).into_iter().map(|d| (d.0, d.1)).collect();
        assert_eq!(
            codes,
            [
                ("row-bad-value", "C2".to_owned()),
                ("row-missing-value", "D2".to_owned())
            ]
        );
    }

    /// The legacy check reads the text as stored: U+00AD, which cleaning removes, is
    /// TCVN3's `ư`. Genuine Latin-1 text and Unicode text are left as they are.
    #[test]
    fn legacy_text_is_read_before_cleaning() {
        use crate::text::{LegacyEncoding, encode_legacy};
        let tcvn3 = |t: &str| encode_legacy(t, LegacyEncoding::Tcvn3).unwrap();
        let commune = format!(" {} ", tcvn3("Phường  Quyết Thắng"));
        let name = tcvn3("Lò Văn Cư");
        assert!(commune.contains('\u{ad}') && name.ends_with("C\u{ad}"));
        let grid = Grid::from_rows(
            CellRef::new(0, 0),
            vec![
                vec![s("Họ và tên"), s("Mã"), s("Ngày"), s("Ghi chú")],
                vec![s(&name), s(&commune), s("Café Hélène, Zürich"), s("Phường")],
            ],
        );
        let table = Table::<Col>::find("f.xlsx", "S", &grid, &CODES).unwrap();
        let row = table.rows().next().unwrap();
        let mut diags = Vec::new();
        let texts: Vec<Option<String>> = [Col::Name, Col::Code, Col::Date, Col::Note]
            .into_iter()
            .map(|k| row.text(k, &mut diags))
            .collect();
        assert_eq!(
            texts,
            [
                Some("Lò Văn Cư".to_owned()),
                Some("Phường Quyết Thắng".to_owned()),
                Some("Café Hélène, Zürich".to_owned()),
                Some("Phường".to_owned()),
            ]
        );
        let got = found(&diags);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(
            (got[0].0, got[0].1.as_str()),
            ("text-legacy-encoding", "A2")
        );
        assert!(got[0].2.contains("«Lò Văn Cư»"), "{}", got[0].2);
        assert_eq!(got[0].3, Some(name.as_str()));
        // The quote is the text as typed, soft hyphen kept, white space tidied.
        assert_eq!(got[1].1, "B2");
        assert_eq!(got[1].3, Some("Ph\u{ad}êng QuyÕt Th¾ng"));
        assert_eq!(
            row.quiet_text(Col::Code).as_deref(),
            Some("Phường Quyết Thắng")
        );
    }

    #[test]
    fn a_cell_merged_down_over_data_rows_fills_each_of_them() {
        let at = |a: &str| CellRef::parse(a).unwrap();
        let merge = |from: &str, to: &str| {
            let (from, to) = (at(from), at(to));
            calamine::Dimensions::new((from.row, from.col), (to.row, to.col))
        };
        // `Họ và tên` merged over the two header rows; An merged down over B3:B5, whose
        // last row has nothing else in it.
        let grid = Grid::from_text(&[
            &["Họ và tên", "Thông tin"],
            &["", "Ngày"],
            &["An", "01/07/2020"],
            &["", "02/07/2020"],
            &[],
            &["Bình", "03/07/2020"],
        ])
        .with_merges([merge("A1", "A2"), merge("A3", "A5"), merge("B1", "C1")]);
        let table = Table::<Col>::find("f.xlsx", "S", &grid, &CODES).unwrap();
        assert_eq!(table.data_start(), 2);
        let rows: Vec<(u32, Option<String>)> = table
            .rows()
            .map(|r| (r.line() + 1, r.quiet_text(Col::Name)))
            .collect();
        assert_eq!(
            rows,
            [
                (3, Some("An".into())),
                (4, Some("An".into())),
                (6, Some("Bình".into()))
            ],
            "row 5 has only what the merge reaches into: blank"
        );
    }

    #[test]
    fn footers_and_totals() {
        let cases = [
            ("Người lập biểu", RowKind::Footer),
            ("NGƯỜI LẬP", RowKind::Footer),
            ("T/M HUYỆN ỦY", RowKind::Footer),
            ("Nơi nhận:", RowKind::Footer),
            ("Xác nhận của đơn vị", RowKind::Footer),
            ("Cộng", RowKind::Total),
            ("TỔNG CỘNG", RowKind::Total),
            ("Tổng", RowKind::Total),
            ("Tổng số đảng viên", RowKind::Data),
            ("Cộng đồng", RowKind::Data),
            ("1", RowKind::Data),
            ("YC01", RowKind::Data),
            (" \u{200b}Người lập", RowKind::Footer),
            ("tổng", RowKind::Total),
            // Typed in TCVN3 and VNI fonts.
            ("Ng\u{ad}êi lËp biÓu", RowKind::Footer),
            ("Ngöôøi laäp bieåu", RowKind::Footer),
            ("Tæng céng", RowKind::Total),
        ];
        for (text, want) in cases {
            assert_eq!(row_kind(&s(text)), want, "{text}");
        }
    }
}

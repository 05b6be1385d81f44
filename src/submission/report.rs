//! The `Báo cáo` table: header, data rows, values, matching (SPEC §4–§6). Pure.

use calamine::Data;
use chrono::{Datelike, NaiveDate};
use rustc_hash::FxHashMap;

use super::columns::{RESULT_KEYS, RowKind, row_kind};
use super::{ReportRow, RowCells};
use crate::diagnostic::{CellRef, Code, Diagnostic, Location, Severity};
use crate::ingest::date::date;
use crate::ingest::grid::is_blank;
use crate::ingest::marks::{absence_reason, attended, rating};
use crate::ingest::value::{count, display};
use crate::ingest::{Column, Grid, Header, Labels, find_header_with};
use crate::matching::{MatchError, Matcher, Note};
use crate::model::YearMonth;

/// How many data rows chibo reads from one sheet; a unit's month has a few dozen.
pub const MAX_DATA_ROWS: u32 = 5_000;

/// A header found in a sheet, possibly on two rows (a merged group header above or
/// below the row with most labels).
#[derive(Clone, Debug)]
pub struct TableHeader {
    /// The columns found.
    pub header: Header,
    /// The first row below the header.
    pub data_start: u32,
}

/// Finds the header of `columns` and joins in a second header row: labels of the row
/// above or below that name columns the main row does not have.
pub fn find_table_header(grid: &Grid, columns: &[Column]) -> Option<TableHeader> {
    let labels = Labels::new(columns);
    let mut header = find_header_with(grid, columns, &labels)?;
    let mut data_start = header.row + 1;
    for neighbour in [header.row.checked_sub(1), Some(header.row + 1)]
        .into_iter()
        .flatten()
    {
        let mut added = false;
        for (cell, value) in grid.row_cells(neighbour) {
            let Some(column) = labels.column(value).map(|i| &columns[i]) else {
                continue;
            };
            let column_taken = header.columns.values().any(|c| c.col == cell.col);
            if !header.columns.contains_key(column.key) && !column_taken {
                header.columns.insert(column.key, cell);
                header.unknown.retain(|(c, _)| c.col != cell.col);
                added = true;
            }
        }
        if added && neighbour > header.row {
            data_start = neighbour + 1;
        }
    }
    header.missing = columns
        .iter()
        .filter(|c| c.required && !header.columns.contains_key(c.key))
        .copied()
        .collect();
    Some(TableHeader { header, data_start })
}

/// Whether a header has what the report needs: date, attended, and a name or code for
/// both cadre and cell. Returns the labels missing.
pub fn report_missing(header: &Header) -> Vec<&'static str> {
    let mut missing: Vec<&'static str> = header.missing.iter().map(Column::canonical).collect();
    let has = |k: &str| header.columns.contains_key(k);
    if !has("cadre") && !has("cadre_code") {
        missing.push("Họ và tên");
    }
    if !has("cell") && !has("cell_code") {
        missing.push("Chi bộ");
    }
    missing
}

/// Everything a row needs to be judged besides its cells.
pub struct RowContext<'a> {
    /// The file as shown.
    pub file: &'a str,
    /// The sheet name.
    pub sheet: &'a str,
    /// Roster matching, inside a workspace.
    pub matcher: Option<&'a Matcher<'a>>,
    /// The submitting unit, when known.
    pub unit: Option<&'a str>,
    /// The report month, when known.
    pub month: Option<YearMonth>,
    /// The workbook's date system.
    pub epoch_1904: bool,
    /// Read for counting only ([`super::Context::counting_only`]).
    pub counting_only: bool,
}

/// The rows of a report table.
#[derive(Debug, Default)]
pub struct ReportTable {
    /// Rows that passed every check.
    pub rows: Vec<ReportRow>,
    /// Rows counted (`rows.read`): not blank, not a totals row, not an untouched plan.
    pub read: usize,
    /// Of those, rows with an error.
    pub rejected: usize,
}

/// Reads the data rows below `th`.
pub fn read_rows(
    grid: &Grid,
    th: &TableHeader,
    ctx: &RowContext,
    diags: &mut Vec<Diagnostic>,
) -> ReportTable {
    let mut table = ReportTable::default();
    let first_col = th.header.columns.values().map(|c| c.col).min().unwrap_or(0);
    // Each row asks for its columns by key a score of times: a hash lookup, not a walk
    // of the header's ordered map comparing strings.
    let cols: FxHashMap<&str, u32> = th.header.columns.iter().map(|(k, c)| (*k, c.col)).collect();
    for row in th.data_start..grid.rows().end {
        let Some((_, first)) = grid.row_cells(row).next() else {
            continue;
        };
        match row_kind(first) {
            RowKind::Footer => break,
            RowKind::Total => continue,
            RowKind::Data => {}
        }
        let r = Row {
            grid,
            cols: &cols,
            first_col,
            ctx,
            line: row,
        };
        if RESULT_KEYS.iter().all(|k| r.blank(k)) {
            if ["cadre", "cadre_code", "cell", "cell_code"]
                .iter()
                .any(|k| !r.blank(k))
            {
                let message =
                    "dòng kế hoạch chưa điền kết quả; buổi sinh hoạt này được tính là chưa báo cáo";
                diags.push(Diagnostic::warning(
                    Code::RowUnfilled,
                    r.at("attended"),
                    message,
                ));
            }
            continue;
        }
        if table.read == MAX_DATA_ROWS as usize {
            let message = format!(
                "trang có hơn {MAX_DATA_ROWS} dòng dữ liệu; chibo chỉ đọc {MAX_DATA_ROWS} dòng đầu"
            );
            diags.push(Diagnostic::error(
                Code::ReportTooManyRows,
                r.at_col(first_col),
                message,
            ));
            break;
        }
        table.read += 1;
        let mut found = Vec::new();
        let parsed = r.parse(&mut found);
        let rejected = found.iter().any(|d| d.severity == Severity::Error);
        diags.append(&mut found);
        match parsed {
            Some(row) if !rejected => table.rows.push(row),
            _ => table.rejected += 1,
        }
    }
    table
}

/// The result columns of a row.
struct Results {
    went: Option<bool>,
    reason: Option<crate::model::AbsenceReason>,
    members_total: Option<u32>,
    members_present: Option<u32>,
    raised: Option<u32>,
    resolved_on_spot: Option<u32>,
    rating: Option<crate::model::Rating>,
}

struct Row<'a> {
    grid: &'a Grid,
    /// Column key → absolute column, from `header`.
    cols: &'a FxHashMap<&'static str, u32>,
    /// The table's first column.
    first_col: u32,
    ctx: &'a RowContext<'a>,
    /// The absolute row number.
    line: u32,
}

impl Row<'_> {
    fn cell(&self, key: &str) -> Option<CellRef> {
        self.cols.get(key).map(|&col| CellRef::new(self.line, col))
    }

    fn data(&self, key: &str) -> &Data {
        self.cell(key).map_or(&Data::Empty, |c| self.grid.get(c))
    }

    fn blank(&self, key: &str) -> bool {
        is_blank(self.data(key))
    }

    fn at_col(&self, col: u32) -> Location {
        Location::cell(self.ctx.file, self.ctx.sheet, CellRef::new(self.line, col))
    }

    /// The cell of column `key` in this row (the row's first cell if absent).
    fn cell_of(&self, key: &str) -> CellRef {
        let col = self.cols.get(key).copied().unwrap_or(self.first_col);
        CellRef::new(self.line, col)
    }

    /// The location of column `key` in this row (the row's first cell if absent).
    fn at(&self, key: &str) -> Location {
        Location::cell(self.ctx.file, self.ctx.sheet, self.cell_of(key))
    }

    fn error(&self, code: Code, key: &str, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(code, self.at(key), message);
        if self.blank(key) {
            d
        } else {
            d.with_value(display(self.data(key)))
        }
    }

    /// Text, with legacy font encodings converted (and reported).
    fn text(&self, key: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
        match self.data(key) {
            Data::Error(e) => {
                diags.push(self.error(Code::RowBadValue, key, format!("ô có lỗi công thức {e}")));
                None
            }
            data => {
                let text = display(data);
                if text.is_empty() {
                    return None;
                }
                Some(super::legacy_text(text, || self.at(key), diags))
            }
        }
    }

    /// Text that no rule counts with: as [`Row::text`], except that a file read for
    /// counting only looks at it just for an Excel error (which rejects the row).
    fn free_text(&self, key: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
        if self.ctx.counting_only && !matches!(self.data(key), Data::Error(_)) {
            return None;
        }
        self.text(key, diags)
    }

    fn count(&self, key: &str, diags: &mut Vec<Diagnostic>) -> Option<u32> {
        count(self.data(key)).unwrap_or_else(|e| {
            diags.push(self.error(Code::RowBadNumber, key, e.to_string()));
            None
        })
    }

    fn parse(&self, diags: &mut Vec<Diagnostic>) -> Option<ReportRow> {
        let cadre_name = self.text("cadre", diags);
        let cadre_code = self.text("cadre_code", diags);
        let cell_name = self.text("cell", diags);
        let cell_code = self.text("cell_code", diags);
        let commune = self.text("commune", diags);
        if cadre_name.is_none() && cadre_code.is_none() {
            diags.push(self.error(Code::RowMissingValue, "cadre", "thiếu họ và tên cán bộ dự"));
        }
        if cell_name.is_none() && cell_code.is_none() {
            diags.push(self.error(Code::RowMissingValue, "cell", "thiếu tên chi bộ"));
        }
        let day = self.date(diags);
        let Results {
            went,
            reason,
            members_total,
            members_present,
            raised,
            resolved_on_spot,
            rating,
        } = self.results(diags);
        let content = self.free_text("content", diags);
        let note = self.free_text("note", diags);
        let _position = self.free_text("position", diags);

        let (cadre, cell) = match self.ctx.matcher {
            Some(m) => (
                self.match_cadre(m, cadre_code.as_deref(), cadre_name.as_deref(), diags),
                self.match_cell(
                    m,
                    cell_code.as_deref(),
                    cell_name.as_deref(),
                    commune.as_deref(),
                    diags,
                ),
            ),
            None => (None, None),
        };
        let cell_key = if self.cols.contains_key("cell") {
            "cell"
        } else {
            "cell_code"
        };
        Some(ReportRow {
            cells: RowCells {
                first: CellRef::new(self.line, self.first_col),
                date: self.cell_of("date"),
                cell: self.cell_of(cell_key),
            },
            cadre,
            cadre_text: cadre_name.or(cadre_code)?,
            cell,
            cell_text: cell_name.or(cell_code)?,
            commune,
            date: day?,
            attended: went?,
            reason,
            members_total,
            members_present,
            content,
            raised,
            resolved_on_spot,
            rating,
            note,
        })
    }

    /// The result columns, each checked, with the consistency rules between them.
    fn results(&self, diags: &mut Vec<Diagnostic>) -> Results {
        let went = match attended(self.data("attended")) {
            Ok(Some(v)) => Some(v),
            Ok(None) => {
                diags.push(self.error(
                    Code::RowMissingValue,
                    "attended",
                    "thiếu «Có dự»: ghi Có hoặc Không",
                ));
                None
            }
            Err(e) => {
                diags.push(self.error(Code::RowBadValue, "attended", e.to_string()));
                None
            }
        };
        let reason_text = self.text("absence_reason", diags);
        let reason = reason_text
            .as_ref()
            .and_then(|t| absence_reason(&Data::String(t.clone())));
        if went == Some(false) && reason.is_none() {
            let key = if self.cols.contains_key("absence_reason") {
                "absence_reason"
            } else {
                "attended"
            };
            diags.push(Diagnostic::error(
                Code::RowMissingReason,
                self.at(key),
                "vắng nhưng chưa ghi lý do vắng",
            ));
        }
        let members_total = self.count("members_total", diags);
        let members_present = self.count("members_present", diags);
        if let (Some(total), Some(present)) = (members_total, members_present)
            && present > total
        {
            let message =
                format!("số đảng viên có mặt ({present}) lớn hơn tổng số đảng viên ({total})");
            diags.push(self.error(Code::RowInconsistent, "members_present", message));
        }
        let raised = self.count("raised", diags);
        let resolved_on_spot = self.count("resolved_on_spot", diags);
        if let (Some(raised), Some(resolved)) = (raised, resolved_on_spot)
            && resolved > raised
        {
            let message = format!(
                "số giải quyết tại chỗ ({resolved}) lớn hơn số ý kiến, kiến nghị ({raised})"
            );
            diags.push(self.error(Code::RowInconsistent, "resolved_on_spot", message));
        }
        let rating = rating(self.data("rating")).unwrap_or_else(|e| {
            diags.push(self.error(Code::RowBadValue, "rating", e.to_string()));
            None
        });
        Results {
            went,
            reason,
            members_total,
            members_present,
            raised,
            resolved_on_spot,
            rating,
        }
    }

    /// The date, checked against the report month: dates of the report year up to the
    /// month's end are accepted (an earlier month with a notice).
    fn date(&self, diags: &mut Vec<Diagnostic>) -> Option<NaiveDate> {
        let day = match date(self.data("date"), self.ctx.epoch_1904) {
            Ok(Some(d)) => d,
            Ok(None) => {
                diags.push(self.error(Code::RowMissingValue, "date", "thiếu ngày sinh hoạt"));
                return None;
            }
            Err(e) => {
                diags.push(self.error(Code::RowBadDate, "date", e.to_string()));
                return None;
            }
        };
        if let Some(m) = self.ctx.month {
            let shown = day.format("%d/%m/%Y");
            if day.year() != m.year || day > m.last_day() {
                let message = format!(
                    "ngày {shown} nằm ngoài kỳ báo cáo (từ 01/01/{} đến hết tháng {})",
                    m.year,
                    m.vi()
                );
                diags.push(self.error(Code::RowDateOutOfRange, "date", message));
                return None;
            }
            if day < m.first_day() {
                let message = format!(
                    "ngày {shown} thuộc tháng trước tháng báo cáo {}; vẫn được tính",
                    m.vi()
                );
                diags.push(Diagnostic::notice(
                    Code::RowEarlierMonth,
                    self.at("date"),
                    message,
                ));
            }
        }
        Some(day)
    }

    fn match_cadre(
        &self,
        m: &Matcher,
        code: Option<&str>,
        name: Option<&str>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        if code.is_none() && name.is_none() {
            return None;
        }
        let key = if code.is_some() {
            "cadre_code"
        } else {
            "cadre"
        };
        match m.cadre(code, name) {
            Ok(found) => {
                let cadre = &m.roster().cadres[found.index];
                match found.note {
                    Some(Note::Approximate) => diags.push(
                        Diagnostic::warning(
                            Code::RowCadreApproximate,
                            self.at("cadre"),
                            format!(
                                "không có tên này đúng dấu; đã hiểu là {} ({})",
                                cadre.name, cadre.code
                            ),
                        )
                        .with_value(name.unwrap_or_default()),
                    ),
                    Some(Note::NameDisagrees) => diags.push(
                        Diagnostic::warning(
                            Code::RowCadreApproximate,
                            self.at("cadre"),
                            format!(
                                "họ tên khác với mã cán bộ {}; theo mã là {}",
                                cadre.code, cadre.name
                            ),
                        )
                        .with_value(name.unwrap_or_default()),
                    ),
                    None => {}
                }
                Some(cadre.code.clone())
            }
            Err(e) => {
                diags.push(self.error(Code::RowUnknownCadre, key, e.to_string()));
                None
            }
        }
    }

    fn match_cell(
        &self,
        m: &Matcher,
        code: Option<&str>,
        name: Option<&str>,
        commune: Option<&str>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        if code.is_none() && name.is_none() {
            return None;
        }
        match m.cell(code, name, commune, self.ctx.unit) {
            Ok(found) => {
                let cell = &m.roster().cells[found.index];
                let message = match found.note {
                    Some(Note::Approximate) => format!(
                        "không có tên chi bộ này đúng dấu; đã hiểu là {} ({})",
                        cell.name, cell.code
                    ),
                    Some(Note::NameDisagrees) => format!(
                        "tên chi bộ khác với mã {}; theo mã là {}",
                        cell.code, cell.name
                    ),
                    None => String::new(),
                };
                if !message.is_empty() {
                    diags.push(
                        Diagnostic::warning(Code::RowCellApproximate, self.at("cell"), message)
                            .with_value(name.unwrap_or_default()),
                    );
                }
                Some(cell.code.clone())
            }
            Err(e) => {
                let key = match (&e, code) {
                    (MatchError::UnknownCommune(_), _) => "commune",
                    (_, Some(_)) => "cell_code",
                    _ => "cell",
                };
                diags.push(self.error(Code::RowUnknownCell, key, e.to_string()));
                None
            }
        }
    }
}

//! The `Kiến nghị` sheet: recommendations raised at meetings and where they stand
//! (SPEC §4). Read with the same machinery as the report. Pure.

use calamine::Data;
use chrono::NaiveDate;

use super::columns::{RECOMMENDATIONS, RowKind, row_kind};
use super::identify::Identity;
use super::report::find_table_header;
use crate::diagnostic::{CellRef, Code, Diagnostic, Location};
use crate::ingest::date::date;
use crate::ingest::marks::rec_status;
use crate::ingest::value::display;
use crate::ingest::{Grid, Header};
use crate::matching::Matcher;
use crate::model::RecStatus;

/// One recommendation row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecRow {
    /// The row's first cell (for diagnostics of later stages).
    pub at: CellRef,
    /// Its code: as written, or `<unit>-<YYYYMM>-<n>` for a new one.
    pub code: String,
    /// Whether the row had no code (a new recommendation).
    pub is_new: bool,
    /// Where the code is written (or would be).
    pub code_cell: CellRef,
    /// The cell's roster code, when matched.
    pub cell: Option<String>,
    /// The cell as written.
    pub cell_text: Option<String>,
    /// The date raised.
    pub raised_on: NaiveDate,
    /// What was recommended.
    pub content: String,
    /// Field (lĩnh vực).
    pub field: Option<String>,
    /// Body responsible for resolving it.
    pub agency: Option<String>,
    /// Where it stands.
    pub status: RecStatus,
    /// When resolved.
    pub resolved_on: Option<NaiveDate>,
    /// Remarks.
    pub note: Option<String>,
}

/// Reads the recommendation rows of `grid`; a row with a bad date or status is an
/// error at that cell and is left out.
pub fn read(
    file: &str,
    sheet: &str,
    grid: &Grid,
    identity: &Identity,
    matcher: Option<&Matcher>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<RecRow> {
    let Some(th) = find_table_header(grid, RECOMMENDATIONS) else {
        let message = "trang «Kiến nghị» không có dòng tiêu đề (Mã kiến nghị, Chi bộ, Ngày nêu, Nội dung, Tình trạng, …)";
        diags.push(Diagnostic::error(
            Code::RecBadRow,
            Location::sheet(file, sheet),
            message,
        ));
        return Vec::new();
    };
    let h = &th.header;
    let first_col = h.columns.values().map(|c| c.col).min().unwrap_or(0);
    if !h.missing.is_empty() {
        let labels: Vec<&str> = h
            .missing
            .iter()
            .map(crate::ingest::Column::canonical)
            .collect();
        let message = format!(
            "trang «Kiến nghị» thiếu cột {}; không đọc được kiến nghị",
            labels.join(", ")
        );
        diags.push(Diagnostic::error(
            Code::RecBadRow,
            Location::cell(file, sheet, CellRef::new(h.row, first_col)),
            message,
        ));
        return Vec::new();
    }
    let mut list = Vec::new();
    let mut new_rows = 0;
    for row in th.data_start..grid.rows().end {
        let Some((_, first)) = grid.row_cells(row).next() else {
            continue;
        };
        match row_kind(first) {
            RowKind::Footer => break,
            RowKind::Total => continue,
            RowKind::Data => {}
        }
        let line = RecLine {
            file,
            sheet,
            grid,
            h,
            row,
        };
        if [
            "code",
            "content",
            "raised_on",
            "status",
            "cell",
            "cell_code",
        ]
        .iter()
        .all(|k| line.text(k).is_none())
        {
            continue;
        }
        if line.text("code").is_none() {
            new_rows += 1;
        }
        let new_code = identity
            .unit
            .as_ref()
            .zip(identity.month)
            .map(|(unit, month)| format!("{unit}-{}{:02}-{new_rows}", month.year, month.month));
        match line.parse(first_col, new_code, identity, matcher) {
            Ok(Some(rec)) => list.push(rec),
            Ok(None) => {}
            Err(mut errors) => diags.append(&mut errors),
        }
    }
    list
}

/// One row of the recommendations table.
struct RecLine<'a> {
    file: &'a str,
    sheet: &'a str,
    grid: &'a Grid,
    h: &'a Header,
    row: u32,
}

impl RecLine<'_> {
    /// The row's recommendation; `Ok(None)` when it cannot be given a code (a new one
    /// outside a workspace), `Err` with every bad cell.
    fn parse(
        &self,
        first_col: u32,
        new_code: Option<String>,
        identity: &Identity,
        matcher: Option<&Matcher>,
    ) -> Result<Option<RecRow>, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let raised_on = self
            .date("raised_on", true)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let resolved_on = self
            .date("resolved_on", false)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let status = match rec_status(self.data("status")) {
            Ok(Some(s)) => Some(s),
            Ok(None) => {
                errors.push(self.error("status", "thiếu tình trạng kiến nghị".into()));
                None
            }
            Err(e) => {
                errors.push(self.error("status", e.to_string()));
                None
            }
        };
        let content = self.text("content");
        if content.is_none() {
            errors.push(self.error("content", "thiếu nội dung kiến nghị".into()));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let given = self.text("code");
        let is_new = given.is_none();
        let (Some(raised_on), Some(status), Some(content), Some(code)) =
            (raised_on, status, content, given.or(new_code))
        else {
            return Ok(None);
        };
        let cell_code = self.text("cell_code");
        let cell_text = self.text("cell");
        let cell = matcher.and_then(|m| {
            if cell_code.is_none() && cell_text.is_none() {
                return None;
            }
            let found = m
                .cell(
                    cell_code.as_deref(),
                    cell_text.as_deref(),
                    None,
                    identity.unit.as_deref(),
                )
                .ok()?;
            Some(m.roster().cells[found.index].code.clone())
        });
        Ok(Some(RecRow {
            at: CellRef::new(self.row, first_col),
            code,
            is_new,
            code_cell: self
                .h
                .cell("code", self.row)
                .unwrap_or(CellRef::new(self.row, first_col)),
            cell,
            cell_text: cell_text.or(cell_code),
            raised_on,
            content,
            field: self.text("field"),
            agency: self.text("agency"),
            status,
            resolved_on,
            note: self.text("note"),
        }))
    }

    fn data(&self, key: &str) -> &Data {
        self.h
            .cell(key, self.row)
            .map_or(&Data::Empty, |c| self.grid.get(c))
    }

    fn text(&self, key: &str) -> Option<String> {
        let t = display(self.data(key));
        (!t.is_empty()).then_some(t)
    }

    fn error(&self, key: &str, message: String) -> Diagnostic {
        let cell = self
            .h
            .cell(key, self.row)
            .unwrap_or(CellRef::new(self.row, 0));
        let d = Diagnostic::error(
            Code::RecBadRow,
            Location::cell(self.file, self.sheet, cell),
            message,
        );
        match self.text(key) {
            Some(v) => d.with_value(v),
            None => d,
        }
    }

    /// A date, blank allowed unless `required`.
    fn date(&self, key: &str, required: bool) -> Result<Option<NaiveDate>, Diagnostic> {
        match date(self.data(key), false) {
            Ok(None) if required => Err(self.error(key, "thiếu ngày nêu kiến nghị".into())),
            Ok(d) => Ok(d),
            Err(e) => Err(self.error(key, e.to_string())),
        }
    }
}

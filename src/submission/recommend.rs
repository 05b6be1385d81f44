//! The `Kiến nghị` sheet: recommendations raised at meetings and where they stand
//! (SPEC §4), read through the one table reader ([`crate::ingest::table`]) as the report
//! is. Pure.

use chrono::NaiveDate;

use super::columns::{REC_CODES, RecCol};
use super::identify::Identity;
use crate::diagnostic::{CellRef, Code, Diagnostic, Location, Severity};
use crate::ingest::date::date;
use crate::ingest::marks::{rec_status, status_word};
use crate::ingest::{Grid, Row, Table};
use crate::matching::Matcher;
use crate::model::{CellId, RecStatus};

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
    pub cell: Option<CellId>,
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

/// Reads the recommendation rows of `grid`; a row with a bad date, status or cell is an
/// error at that cell and is left out.
pub fn read(
    file: &str,
    sheet: &str,
    grid: &Grid,
    identity: &Identity,
    matcher: Option<&Matcher>,
    reading: &crate::text::Reading,
    diags: &mut Vec<Diagnostic>,
) -> Vec<RecRow> {
    let Some(table) = Table::<RecCol>::find(file, sheet, grid, &REC_CODES)
        .map(|table| table.with_reading(reading))
    else {
        let message = "trang «Kiến nghị» không có dòng tiêu đề (Mã kiến nghị, Chi bộ, Ngày nêu, Nội dung, Tình trạng, …)";
        diags.push(Diagnostic::error(
            Code::RecBadRow,
            Location::sheet(file, sheet),
            message,
        ));
        return Vec::new();
    };
    table.header_diagnostics(diags);
    if !table.header().is_complete() {
        return Vec::new();
    }
    let mut list = Vec::new();
    let mut new_rows = 0;
    for row in table.rows() {
        let keys = [
            RecCol::Code,
            RecCol::Content,
            RecCol::RaisedOn,
            RecCol::Status,
            RecCol::Cell,
            RecCol::CellCode,
        ];
        if keys.iter().all(|&k| row.blank(k)) {
            continue;
        }
        if row.blank(RecCol::Code) {
            new_rows += 1;
        }
        let new_code = identity
            .unit
            .as_ref()
            .zip(identity.month)
            .map(|(unit, month)| format!("{unit}-{}{:02}-{new_rows}", month.year, month.month));
        let mut found = Vec::new();
        let rec = parse(row, new_code, identity, matcher, &mut found);
        let rejected = found.iter().any(|d| d.severity == Severity::Error);
        diags.append(&mut found);
        if let Some(rec) = rec
            && !rejected
        {
            list.push(rec);
        }
    }
    list
}

/// The row's recommendation, every bad cell reported; `None` when it has a bad cell or
/// cannot be given a code (a new one outside a workspace).
fn parse(
    row: Row<RecCol>,
    new_code: Option<String>,
    identity: &Identity,
    matcher: Option<&Matcher>,
    diags: &mut Vec<Diagnostic>,
) -> Option<RecRow> {
    let raised_on = rec_date(row, RecCol::RaisedOn, true, diags);
    let resolved_on = rec_date(row, RecCol::ResolvedOn, false, diags);
    let status = match rec_status(&row.decoded_in(RecCol::Status, diags, status_word)) {
        Ok(Some(s)) => Some(s),
        Ok(None) => {
            diags.push(row.error(
                Code::RecBadRow,
                RecCol::Status,
                "thiếu tình trạng kiến nghị",
            ));
            None
        }
        Err(e) => {
            diags.push(row.error(Code::RecBadRow, RecCol::Status, e.to_string()));
            None
        }
    };
    let content = row.required_text(
        RecCol::Content,
        Code::RecBadRow,
        "thiếu nội dung kiến nghị",
        diags,
    );
    let given = row.text(RecCol::Code, diags);
    let cell_code = row.text(RecCol::CellCode, diags);
    let cell_text = row.text(RecCol::Cell, diags);
    let field = row.text(RecCol::Field, diags);
    let agency = row.text(RecCol::Agency, diags);
    let note = row.text(RecCol::Note, diags);
    let is_new = row.blank(RecCol::Code);
    let code = given.or(new_code)?;
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
        Some(CellId::new(found.index))
    });
    Some(RecRow {
        at: row.first(),
        code,
        is_new,
        code_cell: row.cell_or_first(RecCol::Code),
        cell,
        cell_text: cell_text.or(cell_code),
        raised_on: raised_on?,
        content: content?,
        field,
        agency,
        status: status?,
        resolved_on,
        note,
    })
}

/// A date of the row, blank allowed unless `required`; a bad one is reported.
fn rec_date(
    row: Row<RecCol>,
    key: RecCol,
    required: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<NaiveDate> {
    match date(&row.decoded(key, diags), false) {
        Ok(None) if required => {
            diags.push(row.error(Code::RecBadRow, key, "thiếu ngày nêu kiến nghị"));
            None
        }
        Ok(d) => d,
        Err(e) => {
            diags.push(row.error(Code::RecBadRow, key, e.to_string()));
            None
        }
    }
}

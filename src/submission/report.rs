//! The `Báo cáo` table's rows: values, checks and matching (SPEC §4–§6), read through
//! the one table reader ([`crate::ingest::table`]). Pure.

use calamine::Data;
use chrono::{Datelike, NaiveDate};

use super::ReportRow;
use super::RowCells;
use super::columns::{RESULT_KEYS, ReportCol};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::ingest::date::date;
use crate::ingest::marks::{absence_reason, attended, attended_word, rating, rating_word};
use crate::ingest::value::count;
use crate::ingest::{Row, Table};
use crate::matching::{MatchError, Matcher, Note};
use crate::model::{CadreId, CellId, YearMonth};

/// How many data rows chibo reads from one sheet; a unit's month has a few dozen.
pub const MAX_DATA_ROWS: u32 = 5_000;

/// The report table of a sheet.
pub type ReportTable<'a> = Table<'a, ReportCol>;

/// Everything a row needs to be judged besides its cells.
pub struct RowContext<'a> {
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

/// The rows read from a report table.
#[derive(Debug, Default)]
pub struct ReportRows {
    /// Rows that passed every check.
    pub rows: Vec<ReportRow>,
    /// Rows counted (`rows.read`): not blank, not a totals row, not an untouched plan.
    pub read: usize,
    /// Of those, rows with an error.
    pub rejected: usize,
}

/// Reads the data rows of `table`.
pub fn read_rows(table: &ReportTable, ctx: &RowContext, diags: &mut Vec<Diagnostic>) -> ReportRows {
    use ReportCol::{Attended, Cadre, CadreCode, Cell, CellCode};
    let mut out = ReportRows::default();
    for row in table.rows() {
        if RESULT_KEYS.iter().all(|&k| row.blank(k)) {
            if [Cadre, CadreCode, Cell, CellCode]
                .iter()
                .any(|&k| !row.blank(k))
            {
                let message =
                    "dòng kế hoạch chưa điền kết quả (ô «Có dự» để trống) nên không được tính";
                diags.push(Diagnostic::warning(
                    Code::RowUnfilled,
                    row.at(Attended),
                    message,
                ));
            }
            continue;
        }
        if out.read == MAX_DATA_ROWS as usize {
            let message = format!(
                "trang có hơn {MAX_DATA_ROWS} dòng dữ liệu; chibo chỉ đọc {MAX_DATA_ROWS} dòng đầu"
            );
            diags.push(Diagnostic::error(
                Code::ReportTooManyRows,
                table.location(row.first()),
                message,
            ));
            break;
        }
        out.read += 1;
        let mut found = Vec::new();
        let parsed = Line { row, ctx }.parse(&mut found);
        let rejected = found.iter().any(|d| d.severity == Severity::Error);
        diags.append(&mut found);
        match parsed {
            Some(row) if !rejected => out.rows.push(row),
            _ => out.rejected += 1,
        }
    }
    out
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

/// A report row with what judging it needs.
struct Line<'a> {
    row: Row<'a, ReportCol>,
    ctx: &'a RowContext<'a>,
}

impl Line<'_> {
    fn error(&self, code: Code, key: ReportCol, message: impl Into<String>) -> Diagnostic {
        self.row.error(code, key, message)
    }

    fn text(&self, key: ReportCol, diags: &mut Vec<Diagnostic>) -> Option<String> {
        self.row.text(key, diags)
    }

    /// Text that no rule counts with: as [`Row::text`], except that a file read for
    /// counting only looks at it just for an Excel error (which rejects the row).
    fn free_text(&self, key: ReportCol, diags: &mut Vec<Diagnostic>) -> Option<String> {
        if self.ctx.counting_only && !matches!(self.row.data(key), Data::Error(_)) {
            return None;
        }
        self.text(key, diags)
    }

    /// Whether column `a` or `b` holds an Excel error (`#N/A`, `#REF!`…).
    fn has_error(&self, a: ReportCol, b: ReportCol) -> bool {
        [a, b]
            .into_iter()
            .any(|key| matches!(self.row.data(key), Data::Error(_)))
    }

    fn count(&self, key: ReportCol, diags: &mut Vec<Diagnostic>) -> Option<u32> {
        count(self.row.data(key)).unwrap_or_else(|e| {
            diags.push(self.error(Code::RowBadNumber, key, e.to_string()));
            None
        })
    }

    fn parse(&self, diags: &mut Vec<Diagnostic>) -> Option<ReportRow> {
        let cadre_name = self.text(ReportCol::Cadre, diags);
        let cadre_code = self.text(ReportCol::CadreCode, diags);
        let cell_name = self.text(ReportCol::Cell, diags);
        let cell_code = self.text(ReportCol::CellCode, diags);
        let commune = self.text(ReportCol::Commune, diags);
        // A name or code column holding an Excel error was reported as such by `text`.
        if cadre_name.is_none()
            && cadre_code.is_none()
            && !self.has_error(ReportCol::Cadre, ReportCol::CadreCode)
        {
            diags.push(self.error(
                Code::RowMissingValue,
                ReportCol::Cadre,
                "thiếu họ và tên cán bộ dự",
            ));
        }
        if cell_name.is_none()
            && cell_code.is_none()
            && !self.has_error(ReportCol::Cell, ReportCol::CellCode)
        {
            diags.push(self.error(Code::RowMissingValue, ReportCol::Cell, "thiếu tên chi bộ"));
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
        let content = self.free_text(ReportCol::Content, diags);
        let note = self.free_text(ReportCol::Note, diags);
        let _position = self.free_text(ReportCol::Position, diags);

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
        let cell_key = if self.row.cell(ReportCol::Cell).is_some() {
            ReportCol::Cell
        } else {
            ReportCol::CellCode
        };
        Some(ReportRow {
            cells: RowCells {
                first: self.row.first(),
                date: self.row.cell_or_first(ReportCol::Date),
                cell: self.row.cell_or_first(cell_key),
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
        let went = match attended(
            &self
                .row
                .decoded_in(ReportCol::Attended, diags, attended_word),
        ) {
            Ok(Some(v)) => Some(v),
            Ok(None) => {
                diags.push(self.error(
                    Code::RowMissingValue,
                    ReportCol::Attended,
                    "thiếu «Có dự»: ghi Có hoặc Không",
                ));
                None
            }
            Err(e) => {
                diags.push(self.error(Code::RowBadValue, ReportCol::Attended, e.to_string()));
                None
            }
        };
        let reason_text = self.text(ReportCol::AbsenceReason, diags);
        let reason = reason_text
            .as_ref()
            .and_then(|t| absence_reason(&Data::String(t.clone())));
        if went == Some(false) && reason.is_none() {
            let key = if self.row.cell(ReportCol::AbsenceReason).is_some() {
                ReportCol::AbsenceReason
            } else {
                ReportCol::Attended
            };
            diags.push(Diagnostic::error(
                Code::RowMissingReason,
                self.row.at(key),
                "vắng nhưng chưa ghi lý do vắng",
            ));
        }
        let members_total = self.count(ReportCol::MembersTotal, diags);
        let members_present = self.count(ReportCol::MembersPresent, diags);
        if let (Some(total), Some(present)) = (members_total, members_present)
            && present > total
        {
            let message =
                format!("số đảng viên có mặt ({present}) lớn hơn tổng số đảng viên ({total})");
            diags.push(self.error(Code::RowInconsistent, ReportCol::MembersPresent, message));
        }
        let raised = self.count(ReportCol::Raised, diags);
        let resolved_on_spot = self.count(ReportCol::ResolvedOnSpot, diags);
        if let (Some(raised), Some(resolved)) = (raised, resolved_on_spot)
            && resolved > raised
        {
            let message = format!(
                "số giải quyết tại chỗ ({resolved}) lớn hơn số ý kiến, kiến nghị ({raised})"
            );
            diags.push(self.error(Code::RowInconsistent, ReportCol::ResolvedOnSpot, message));
        }
        let rating = rating(&self.row.decoded_in(ReportCol::Rating, diags, rating_word))
            .unwrap_or_else(|e| {
                diags.push(self.error(Code::RowBadValue, ReportCol::Rating, e.to_string()));
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
        let day = match date(
            &self.row.decoded(ReportCol::Date, diags),
            self.ctx.epoch_1904,
        ) {
            Ok(Some(d)) => d,
            Ok(None) => {
                diags.push(self.error(
                    Code::RowMissingValue,
                    ReportCol::Date,
                    "thiếu ngày sinh hoạt",
                ));
                return None;
            }
            Err(e) => {
                diags.push(self.error(Code::RowBadDate, ReportCol::Date, e.to_string()));
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
                diags.push(self.error(Code::RowDateOutOfRange, ReportCol::Date, message));
                return None;
            }
            if day < m.first_day() {
                let message = format!(
                    "ngày {shown} thuộc tháng trước tháng báo cáo {}; vẫn được tính",
                    m.vi()
                );
                diags.push(Diagnostic::notice(
                    Code::RowEarlierMonth,
                    self.row.at(ReportCol::Date),
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
    ) -> Option<CadreId> {
        if code.is_none() && name.is_none() {
            return None;
        }
        let key = if code.is_some() {
            ReportCol::CadreCode
        } else {
            ReportCol::Cadre
        };
        match m.cadre(code, name) {
            Ok(found) => {
                let cadre = &m.roster().cadres[found.index];
                match found.note {
                    Some(Note::Approximate) => diags.push(
                        Diagnostic::warning(
                            Code::RowCadreApproximate,
                            self.row.at(ReportCol::Cadre),
                            format!(
                                "không có tên này đúng dấu; đã hiểu là đồng chí {}{}",
                                cadre.name,
                                cadre
                                    .position
                                    .as_ref()
                                    .map(|p| format!(", {p}"))
                                    .unwrap_or_default()
                            ),
                        )
                        .with_value(name.unwrap_or_default()),
                    ),
                    Some(Note::NameDisagrees) => diags.push(
                        Diagnostic::warning(
                            Code::RowCadreApproximate,
                            self.row.at(ReportCol::Cadre),
                            format!(
                                "họ tên khác với mã cán bộ {}; theo mã là {}",
                                cadre.code, cadre.name
                            ),
                        )
                        .with_value(name.unwrap_or_default()),
                    ),
                    None => {}
                }
                Some(CadreId::new(found.index))
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
    ) -> Option<CellId> {
        if code.is_none() && name.is_none() {
            return None;
        }
        match m.cell(code, name, commune, self.ctx.unit) {
            Ok(found) => {
                let cell = &m.roster().cells[found.index];
                let message = match found.note {
                    Some(Note::Approximate) => format!(
                        "không có tên chi bộ này đúng dấu; đã hiểu là chi bộ {}{}",
                        cell.name,
                        cell.commune
                            .as_deref()
                            .map(|c| format!(" ({})", crate::roster::commune_label(c)))
                            .unwrap_or_default()
                    ),
                    Some(Note::NameDisagrees) => format!(
                        "tên chi bộ khác với mã {}; theo mã là {}",
                        cell.code, cell.name
                    ),
                    None => String::new(),
                };
                if !message.is_empty() {
                    diags.push(
                        Diagnostic::warning(
                            Code::RowCellApproximate,
                            self.row.at(ReportCol::Cell),
                            message,
                        )
                        .with_value(name.unwrap_or_default()),
                    );
                }
                Some(CellId::new(found.index))
            }
            Err(e) => {
                let key = match (&e, code) {
                    (MatchError::UnknownCommune(_), _) => ReportCol::Commune,
                    (_, Some(_)) => ReportCol::CellCode,
                    _ => ReportCol::Cell,
                };
                diags.push(self.error(Code::RowUnknownCell, key, e.to_string()));
                None
            }
        }
    }
}

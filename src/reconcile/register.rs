//! The recommendations register (SPEC §7, Recommendations): every recommendation raised
//! this year up to M with its latest status. Pure.

use chrono::NaiveDate;

use super::files::InboxFile;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::model::{RecStatus, YearMonth};
use crate::submission::RecRow;

/// One recommendation with its latest state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterEntry {
    /// Its code.
    pub code: String,
    /// The unit that reported it.
    pub unit: String,
    /// The row that last updated it (latest month, then file, then row).
    pub row: RecRow,
    /// The month of that row's file.
    pub updated: YearMonth,
    /// The file of that row.
    pub file: String,
    /// Whole days from raised to its resolution, or to the last day of M while pending
    /// ([`age_days`]).
    pub age_days: i64,
    /// Pending and older than `overdue_days`.
    pub overdue: bool,
}

impl RegisterEntry {
    /// Still waiting for a resolution.
    pub fn is_pending(&self) -> bool {
        !matches!(
            self.row.status,
            RecStatus::ResolvedOnSpot | RecStatus::Resolved
        )
    }
}

/// Register totals (`recommendations` of the summary).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecSummary {
    /// Raised this year up to M.
    pub raised_ytd: usize,
    /// Resolved on the spot or later.
    pub resolved: usize,
    /// Not resolved.
    pub pending: usize,
    /// Pending and overdue.
    pub overdue: usize,
}

impl RecSummary {
    /// The totals of `register`.
    pub fn of(register: &[RegisterEntry]) -> RecSummary {
        let pending = register.iter().filter(|e| e.is_pending()).count();
        RecSummary {
            raised_ytd: register.len(),
            resolved: register.len() - pending,
            pending,
            overdue: register.iter().filter(|e| e.overdue).count(),
        }
    }
}

/// Builds the register from the used files (months in order, files in path order) and
/// returns it sorted by code, with errors for month M's rows whose code is unknown.
pub fn build(
    used: &[&InboxFile],
    month: YearMonth,
    overdue_days: u32,
) -> (Vec<RegisterEntry>, Vec<Diagnostic>) {
    let last_day: NaiveDate = month.last_day();
    let mut register: Vec<RegisterEntry> = Vec::new();
    let mut issues = Vec::new();
    for f in used {
        let s = &f.submission;
        let unit = s.identity.unit.clone().unwrap_or_default();
        for rec in &s.recommendations {
            let entry = register.iter_mut().find(|e| e.code == rec.code);
            match entry {
                Some(e) => {
                    e.row = rec.clone();
                    e.updated = f.month;
                    e.file.clone_from(&s.file);
                }
                None if rec.is_new => register.push(RegisterEntry {
                    code: rec.code.clone(),
                    unit: unit.clone(),
                    row: rec.clone(),
                    updated: f.month,
                    file: s.file.clone(),
                    age_days: 0,
                    overdue: false,
                }),
                None => {
                    if f.month == month {
                        let sheet = s
                            .rec_sheet
                            .as_deref()
                            .unwrap_or(crate::submission::columns::REC_SHEET[0]);
                        let message = "mã kiến nghị không có trong sổ theo dõi năm nay; để trống mã nếu đây là kiến nghị mới";
                        let d = Diagnostic::error(
                            Code::RecUnknownCode,
                            Location::cell(&s.file, sheet, rec.code_cell),
                            message,
                        )
                        .with_value(&rec.code)
                        .with_unit(&unit);
                        issues.push(d);
                    }
                }
            }
        }
    }
    for e in &mut register {
        e.age_days = age_days(&e.row, e.updated, last_day);
        e.overdue = e.is_pending() && e.age_days > i64::from(overdue_days);
    }
    register.sort_by(|a, b| a.code.cmp(&b.code));
    (register, issues)
}

/// Whole days a recommendation has waited: from the date raised to the date resolved
/// (`Ngày giải quyết`) when it is resolved, else to `last_day` (the last day of M). A
/// resolution without a date ends on the date raised when resolved on the spot, and at
/// the latest on the last day of the month whose report marked it resolved
/// (`updated`). Never negative, never past `last_day`.
fn age_days(row: &RecRow, updated: YearMonth, last_day: NaiveDate) -> i64 {
    let end = match row.status {
        RecStatus::ResolvedOnSpot => row.resolved_on.unwrap_or(row.raised_on),
        RecStatus::Resolved => row.resolved_on.unwrap_or_else(|| updated.last_day()),
        _ => last_day,
    };
    (end.min(last_day) - row.raised_on).num_days().max(0)
}

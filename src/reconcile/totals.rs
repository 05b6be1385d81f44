//! The month's totals, counted once: units by submission status, planned meetings by
//! outcome, cadres by progress, issues by severity. The terminal, the workbook and the
//! emails read them from here instead of recounting.

use crate::diagnostic::{Diagnostic, Severity};

use super::{CadreSummary, Progress, Submitted, UnitSummary};

/// Totals over the reconciliation's units, cadres and issues.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Units whose report came on time.
    pub on_time: usize,
    /// Units whose report came late.
    pub late: usize,
    /// Units with no usable report.
    pub missing: usize,
    /// Meetings planned for the month.
    pub planned: usize,
    /// Of those, attended.
    pub attended: usize,
    /// Reported absent.
    pub absent: usize,
    /// Not reported.
    pub unreported: usize,
    /// Cadres who met their annual quota.
    pub met: usize,
    /// Cadres on track.
    pub on_track: usize,
    /// Cadres behind schedule.
    pub behind: usize,
    /// Cadres without a quota.
    pub no_quota: usize,
    /// Issues that are errors.
    pub errors: usize,
    /// Issues that are warnings.
    pub warnings: usize,
    /// Issues that are notices.
    pub notices: usize,
}

impl Totals {
    /// Counts `units`, `cadres` and `issues`.
    pub fn of(units: &[UnitSummary], cadres: &[CadreSummary], issues: &[Diagnostic]) -> Totals {
        let mut t = Totals::default();
        for u in units {
            *match u.submission {
                Submitted::OnTime => &mut t.on_time,
                Submitted::Late => &mut t.late,
                Submitted::Missing => &mut t.missing,
            } += 1;
            t.planned += u.planned;
            t.attended += u.attended;
            t.absent += u.absent;
            t.unreported += u.unreported;
        }
        for c in cadres {
            *match c.status {
                Progress::Met => &mut t.met,
                Progress::OnTrack => &mut t.on_track,
                Progress::Behind => &mut t.behind,
                Progress::NoQuota => &mut t.no_quota,
            } += 1;
        }
        for d in issues {
            *match d.severity {
                Severity::Error => &mut t.errors,
                Severity::Warning => &mut t.warnings,
                Severity::Notice => &mut t.notices,
            } += 1;
        }
        t
    }
}

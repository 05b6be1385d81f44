//! Reconciliation of a month (SPEC §7): pure functions from the roster and every file of
//! the year up to month M to the figures that the workbook, the summary and the emails
//! report. Nothing here touches the file system.

pub mod files;
mod register;
mod totals;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rustc_hash::{FxHashMap, FxHashSet};

pub use files::{FileUse, InboxFile};
pub use register::{RecSummary, RegisterEntry};
pub use totals::Totals;

use crate::config::Config;
use crate::diagnostic::{self, Code, Diagnostic, Location};
use crate::model::{AbsenceReason, Area, Cadre, CadreId, Cell, CellId, Rating, YearMonth};
use crate::roster::Roster;
use crate::submission::ReportRow;

/// How the files of month M's folder were used (`files` of the summary).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileCounts {
    /// Files of the folder, lock and hidden files and `received.txt` aside.
    pub read: usize,
    /// Used.
    pub used: usize,
    /// Superseded by another file of the same unit.
    pub superseded: usize,
    /// Not spreadsheets.
    pub skipped: usize,
    /// Unreadable or unidentified.
    pub unreadable: usize,
}

/// Report rows of month M's used files (`rows` of the summary).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RowCounts {
    /// Rows read.
    pub read: usize,
    /// Accepted and not a duplicate.
    pub accepted: usize,
    /// Rejected with an error.
    pub rejected: usize,
    /// Repeats of an earlier (cadre, cell, date).
    pub duplicates: usize,
}

/// Whether a unit's report for M came in, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Submitted {
    /// Received on or before the deadline.
    OnTime,
    /// Received after the deadline.
    Late,
    /// No usable file.
    Missing,
}

impl Submitted {
    /// The summary's word.
    pub fn as_str(self) -> &'static str {
        match self {
            Submitted::OnTime => "on_time",
            Submitted::Late => "late",
            Submitted::Missing => "missing",
        }
    }

    /// The Vietnamese label.
    pub fn label(self) -> &'static str {
        match self {
            Submitted::OnTime => "Đúng hạn",
            Submitted::Late => "Muộn",
            Submitted::Missing => "Chưa nộp",
        }
    }
}

/// One unit's figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitSummary {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Submission status for M.
    pub submission: Submitted,
    /// Received date of the used file.
    pub received: Option<NaiveDate>,
    /// Planned meetings of M at the unit's cells, and their outcomes.
    pub planned: usize,
    /// Of those, attended.
    pub attended: usize,
    /// Of those, absent.
    pub absent: usize,
    /// Of those, unreported.
    pub unreported: usize,
    /// Distinct cells of the unit with any attendance this year.
    pub cells_visited_ytd: usize,
    /// Cells of the unit.
    pub cells_total: usize,
    /// Remote cells with any attendance this year.
    pub remote_cells_visited_ytd: usize,
    /// Remote cells of the unit.
    pub remote_cells_total: usize,
    /// Codes of the unit's cells never attended this year, in roster order.
    pub never_visited: Vec<String>,
}

/// Progress of a cadre toward the annual minimum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// YTD ≥ quota.
    Met,
    /// YTD ≥ expected so far.
    OnTrack,
    /// Below expected.
    Behind,
    /// No quota.
    NoQuota,
}

impl Progress {
    /// The summary's word.
    pub fn as_str(self) -> &'static str {
        match self {
            Progress::Met => "met",
            Progress::OnTrack => "on_track",
            Progress::Behind => "behind",
            Progress::NoQuota => "no_quota",
        }
    }

    /// The Vietnamese label.
    pub fn label(self) -> &'static str {
        match self {
            Progress::Met => "Đạt định mức",
            Progress::OnTrack => "Đúng tiến độ",
            Progress::Behind => "Chậm tiến độ",
            Progress::NoQuota => "Không có định mức",
        }
    }
}

/// One cadre's figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CadreSummary {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Position.
    pub position: Option<String>,
    /// Group code.
    pub group: String,
    /// Unit code, if any.
    pub unit: Option<String>,
    /// Annual minimum.
    pub quota: u32,
    /// Attendances counted this year up to M.
    pub ytd: u32,
    /// The same attendances by month: January first, one entry per month up to M (their
    /// sum is `ytd`).
    pub by_month: Vec<u32>,
    /// `ceil(quota × M / 12)`.
    pub expected: u32,
    /// Progress.
    pub status: Progress,
    /// Planned meetings of M attended.
    pub month_attended: usize,
    /// Planned meetings of M missed.
    pub month_absent: usize,
    /// Planned meetings of M not reported.
    pub month_unreported: usize,
}

/// The outcome of a planned meeting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Attended.
    Attended,
    /// Reported absent, with the reason.
    Absent(Option<AbsenceReason>),
    /// No row about it.
    Unreported,
}

/// A meeting planned for M by an assignment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedMeeting {
    /// Cadre code.
    pub cadre: String,
    /// Cell code.
    pub cell: String,
    /// The cell's unit.
    pub unit: String,
    /// The cell's regular day in M (clamped to the month's length), if it has one.
    pub date: Option<NaiveDate>,
    /// What happened.
    pub outcome: Outcome,
}

/// An accepted row of M's files, with where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Detail {
    /// The file, as shown.
    pub file: String,
    /// The sheet.
    pub sheet: String,
    /// The unit of the file.
    pub unit: String,
    /// The row.
    pub row: ReportRow,
    /// Whether the cell is in the cadre's area.
    pub eligible: bool,
}

/// One cell's visits this year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellSummary {
    /// Cell code.
    pub code: String,
    /// Attended meetings this year (any cadre, eligible or not).
    pub visits_ytd: usize,
    /// The last attended meeting.
    pub last_visit: Option<NaiveDate>,
}

/// Meeting ratings of M.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ratings {
    /// Tốt.
    pub tot: usize,
    /// Khá.
    pub kha: usize,
    /// Trung bình.
    pub trung_binh: usize,
    /// Kém.
    pub kem: usize,
    /// No rating given.
    pub unrated: usize,
}

/// Everything a month's run reports.
#[derive(Clone, Debug)]
pub struct Reconciliation {
    /// The month.
    pub month: YearMonth,
    /// Files of M's folder.
    pub files: FileCounts,
    /// Each file of M's folder with its use, in path order.
    pub file_uses: Vec<(String, Option<String>, FileUse)>,
    /// Rows of M.
    pub rows: RowCounts,
    /// Units, by code.
    pub units: Vec<UnitSummary>,
    /// Cadres, by code.
    pub cadres: Vec<CadreSummary>,
    /// Cells, in roster order.
    pub cells: Vec<CellSummary>,
    /// Planned meetings of M, by unit, cadre, cell.
    pub planned: Vec<PlannedMeeting>,
    /// Accepted rows of M, in file and row order.
    pub details: Vec<Detail>,
    /// Ratings of M.
    pub ratings: Ratings,
    /// The recommendations register.
    pub register: Vec<RegisterEntry>,
    /// Register totals.
    pub recommendations: RecSummary,
    /// Issues of M's folder, sorted.
    pub issues: Vec<Diagnostic>,
    /// The totals the renderers show, counted once.
    pub totals: Totals,
}

impl Reconciliation {
    /// Adds issues found outside the reconciliation (the month folder's
    /// `received.txt`), keeping the issues sorted and the totals right.
    pub fn add_issues(&mut self, more: impl IntoIterator<Item = Diagnostic>) {
        self.issues.extend(more);
        diagnostic::sort(&mut self.issues);
        self.totals = Totals::of(&self.units, &self.cadres, &self.issues);
    }
}

/// Reconciles month `month` from `files` (every file of the year's month folders up to
/// `month`, in any order).
pub fn reconcile(
    config: &Config,
    roster: &Roster,
    month: YearMonth,
    files: &[InboxFile],
) -> Reconciliation {
    let mut files: Vec<&InboxFile> = files
        .iter()
        .filter(|f| f.month.year == month.year && f.month <= month)
        .collect();
    files.sort_by(|a, b| (a.month, &a.submission.file).cmp(&(b.month, &b.submission.file)));

    let (uses, mut issues) = file_rules(&files, month);
    let in_month = |i: usize| files[i].month == month;

    let mut out = Reconciliation {
        month,
        files: FileCounts::default(),
        file_uses: Vec::new(),
        rows: RowCounts::default(),
        units: Vec::new(),
        cadres: Vec::new(),
        cells: Vec::new(),
        planned: Vec::new(),
        details: Vec::new(),
        ratings: Ratings::default(),
        register: Vec::new(),
        recommendations: RecSummary::default(),
        issues: Vec::new(),
        totals: Totals::default(),
    };
    for (i, f) in files.iter().enumerate().filter(|&(i, _)| in_month(i)) {
        out.files.read += 1;
        match uses[i] {
            FileUse::Used => out.files.used += 1,
            FileUse::Superseded => out.files.superseded += 1,
            FileUse::Skipped => out.files.skipped += 1,
            FileUse::Unreadable => out.files.unreadable += 1,
        }
        out.file_uses.push((
            f.submission.file.clone(),
            f.submission.identity.unit.clone(),
            uses[i],
        ));
        if uses[i] != FileUse::Superseded {
            issues.extend(f.submission.diagnostics.iter().cloned());
        }
    }

    let pass = row_rules(config, roster, month, &files, &uses);
    out.rows.read = pass.rows.read;
    out.rows.rejected = pass.rows.rejected;
    out.rows.accepted = pass.rows.accepted;
    out.rows.duplicates = pass.rows.duplicates;
    out.details = pass.details;
    issues.extend(pass.issues);
    let (counted, visits) = (pass.counted, pass.visits);
    out.ratings = ratings(
        counted
            .iter()
            .filter(|(r, m, _)| *m && r.attended)
            .map(|(r, _, _)| *r),
    );
    out.planned = outcomes(
        roster,
        month,
        counted.iter().filter(|(_, m, _)| *m).map(|(r, _, _)| *r),
    );
    out.cadres = cadres(config, roster, month, &counted, &out.planned);
    out.cells = cells(roster, &visits);
    out.units = units(
        config,
        roster,
        month,
        &files,
        &uses,
        &out.planned,
        &out.cells,
    );
    let used_files: Vec<&InboxFile> = files
        .iter()
        .zip(&uses)
        .filter(|(_, u)| **u == FileUse::Used)
        .map(|(f, _)| *f)
        .collect();
    let (register, rec_issues) = register::build(&used_files, month, config.overdue_days);
    issues.extend(rec_issues);
    out.recommendations = RecSummary::of(&register);
    out.register = register;
    diagnostic::sort(&mut issues);
    out.issues = issues;
    out.totals = Totals::of(&out.units, &out.cadres, &out.issues);
    out
}

/// Applies the file rules to each month folder; notes about M's folder are returned.
fn file_rules(files: &[&InboxFile], month: YearMonth) -> (Vec<FileUse>, Vec<Diagnostic>) {
    let mut uses: Vec<FileUse> = Vec::with_capacity(files.len());
    let mut issues = Vec::new();
    let mut start = 0;
    while start < files.len() {
        let m = files[start].month;
        let end = start + files[start..].iter().take_while(|f| f.month == m).count();
        let (folder_uses, notes) = files::decide(&files[start..end]);
        uses.extend(folder_uses);
        if m == month {
            issues.extend(notes);
        }
        start = end;
    }
    (uses, issues)
}

/// What the row rules found.
struct RowPass<'a> {
    /// Accepted, non-duplicate rows: the row, whether it is of M, whether it counts
    /// toward the quota.
    counted: Vec<(&'a ReportRow, bool, bool)>,
    /// Attended rows (eligible or not), for coverage.
    visits: Vec<&'a ReportRow>,
    details: Vec<Detail>,
    rows: RowCounts,
    issues: Vec<Diagnostic>,
}

/// Duplicates in reading order (months, then paths, then rows), eligibility, attendance.
fn row_rules<'a>(
    config: &Config,
    roster: &Roster,
    month: YearMonth,
    files: &[&'a InboxFile],
    uses: &[FileUse],
) -> RowPass<'a> {
    let eligible = Eligibility::new(config, roster);
    let rows: usize = files.iter().map(|f| f.submission.rows.len()).sum();
    // Cadre and cell by roster id: hashing two numbers, not two strings.
    let mut seen: FxHashSet<(CadreId, CellId, NaiveDate)> =
        FxHashSet::with_capacity_and_hasher(rows, rustc_hash::FxBuildHasher);
    let mut pass = RowPass {
        counted: Vec::new(),
        visits: Vec::new(),
        details: Vec::new(),
        rows: RowCounts::default(),
        issues: Vec::new(),
    };
    for (f, _) in files.iter().zip(uses).filter(|(_, u)| **u == FileUse::Used) {
        let s = &f.submission;
        let in_month = f.month == month;
        if in_month {
            pass.rows.read += s.read;
            pass.rows.rejected += s.rejected;
        }
        let sheet = s.sheet.as_deref().unwrap_or_default();
        for row in &s.rows {
            let (Some(cadre_id), Some(cell_id)) = (row.cadre, row.cell) else {
                continue;
            };
            // People read the messages: the cadre's and the cell's names, not their codes.
            let cadre = || &roster[cadre_id].name;
            let cell = || roster.cell_label(&roster[cell_id]);
            if !seen.insert((cadre_id, cell_id, row.date)) {
                if in_month {
                    pass.rows.duplicates += 1;
                    let message = format!(
                        "dòng trùng: đồng chí {}, chi bộ {}, ngày {} đã được báo cáo trước đó; chỉ lần đầu được tính",
                        cadre(),
                        cell(),
                        row.date.format("%d/%m/%Y")
                    );
                    let at = Location::cell(&s.file, sheet, row.cells.first);
                    pass.issues.push(with_unit(
                        Diagnostic::warning(Code::RowDuplicate, at, message),
                        s,
                    ));
                }
                continue;
            }
            let ok = eligible.check(cadre_id, cell_id);
            if in_month {
                pass.rows.accepted += 1;
                pass.details.push(Detail {
                    file: s.file.clone(),
                    sheet: sheet.to_owned(),
                    unit: s.identity.unit.clone().unwrap_or_default(),
                    row: row.clone(),
                    eligible: ok,
                });
                if row.attended && !ok {
                    let counts = if config.count_outside_area {
                        "vẫn được tính"
                    } else {
                        "không được tính"
                    };
                    let message = format!(
                        "chi bộ {} ngoài địa bàn phụ trách của đồng chí {}; buổi này {counts} vào định mức",
                        cell(),
                        cadre()
                    );
                    let at = Location::cell(&s.file, sheet, row.cells.cell);
                    pass.issues.push(with_unit(
                        Diagnostic::warning(Code::RowOutsideArea, at, message),
                        s,
                    ));
                }
            }
            if row.attended {
                pass.visits.push(row);
            }
            pass.counted.push((
                row,
                in_month,
                row.attended && (ok || config.count_outside_area),
            ));
        }
    }
    pass
}

fn with_unit(d: Diagnostic, s: &crate::submission::Submission) -> Diagnostic {
    match &s.identity.unit {
        Some(u) => d.with_unit(u.clone()),
        None => d,
    }
}

/// Which cells count for which cadre (SPEC §7, Eligible cell), by roster positions: it
/// is asked once for every accepted row of the year.
struct Eligibility<'a> {
    roster: &'a Roster,
    /// (cadre, cell) of the assignments.
    assigned: FxHashSet<(CadreId, CellId)>,
    /// Per cadre, the area of its group.
    areas: Vec<Option<Area>>,
}

impl<'a> Eligibility<'a> {
    fn new(config: &Config, roster: &'a Roster) -> Self {
        let assigned = roster
            .assignments
            .iter()
            .map(|a| (a.cadre, a.cell))
            .collect();
        let areas = roster
            .cadres
            .iter()
            .map(|c| config.group(&c.group).map(|g| g.area))
            .collect();
        Eligibility {
            roster,
            assigned,
            areas,
        }
    }

    fn check(&self, cadre: CadreId, cell: CellId) -> bool {
        if self.assigned.contains(&(cadre, cell)) {
            return true;
        }
        match self.areas[cadre.index()] {
            Some(Area::Province) => true,
            Some(Area::Unit) => {
                self.roster[cadre].unit.as_deref() == Some(self.roster[cell].unit.as_str())
            }
            Some(Area::Assigned) | None => false,
        }
    }
}

fn ratings<'a>(rows: impl Iterator<Item = &'a ReportRow>) -> Ratings {
    let mut r = Ratings::default();
    for row in rows {
        match row.rating {
            Some(Rating::Tot) => r.tot += 1,
            Some(Rating::Kha) => r.kha += 1,
            Some(Rating::TrungBinh) => r.trung_binh += 1,
            Some(Rating::Kem) => r.kem += 1,
            None => r.unrated += 1,
        }
    }
    r
}

/// The cell's regular day in `month`, clamped to the month's length.
pub fn planned_date(day: Option<u8>, month: YearMonth) -> Option<NaiveDate> {
    let last = month.last_day().day();
    NaiveDate::from_ymd_opt(month.year, month.month, u32::from(day?).min(last))
}

/// A meeting the roster plans for a month: an assignment whose months include it, at its
/// cell's regular day clamped to the month (SPEC §7). The template prefills these; the
/// reconciliation gives each its outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan<'a> {
    /// The cadre assigned.
    pub cadre: &'a Cadre,
    /// The cell.
    pub cell: &'a Cell,
    /// The assignment's cadre and cell as roster ids.
    pub ids: (CadreId, CellId),
    /// The cell's regular day in the month, if it has one.
    pub date: Option<NaiveDate>,
}

/// The meetings `roster` plans for `month`, in the roster's assignment order.
pub fn planned(roster: &Roster, month: YearMonth) -> Vec<Plan<'_>> {
    roster
        .assignments
        .iter()
        .filter(|a| a.months.contains(month.month))
        .map(|a| {
            let cell = &roster[a.cell];
            Plan {
                cadre: &roster[a.cadre],
                cell,
                ids: (a.cadre, a.cell),
                date: planned_date(cell.meeting_day, month),
            }
        })
        .collect()
}

/// The planned meetings of `month` with what happened to each, by unit, cadre and cell.
fn outcomes<'a>(
    roster: &Roster,
    month: YearMonth,
    rows_of_month: impl Iterator<Item = &'a ReportRow>,
) -> Vec<PlannedMeeting> {
    let mut by_pair: FxHashMap<(CadreId, CellId), Vec<&ReportRow>> = FxHashMap::default();
    for row in rows_of_month {
        if let (Some(cadre), Some(cell)) = (row.cadre, row.cell) {
            by_pair.entry((cadre, cell)).or_default().push(row);
        }
    }
    let mut list: Vec<PlannedMeeting> = planned(roster, month)
        .into_iter()
        .map(|p| {
            let rows = by_pair.get(&p.ids).map_or(&[][..], Vec::as_slice);
            let outcome = if rows.iter().any(|r| r.attended) {
                Outcome::Attended
            } else if let Some(r) = rows.iter().find(|r| !r.attended) {
                Outcome::Absent(r.reason.clone())
            } else {
                Outcome::Unreported
            };
            PlannedMeeting {
                cadre: p.cadre.code.clone(),
                cell: p.cell.code.clone(),
                unit: p.cell.unit.clone(),
                date: p.date,
                outcome,
            }
        })
        .collect();
    list.sort_by(|a, b| (&a.unit, &a.cadre, &a.cell).cmp(&(&b.unit, &b.cadre, &b.cell)));
    list
}

/// `ceil(quota × month / 12)`.
pub fn expected(quota: u32, month: u32) -> u32 {
    (quota * month).div_ceil(12)
}

/// The progress status of `ytd` against `quota` by `month`.
pub fn progress(quota: u32, ytd: u32, month: u32) -> Progress {
    if quota == 0 {
        Progress::NoQuota
    } else if ytd >= quota {
        Progress::Met
    } else if ytd >= expected(quota, month) {
        Progress::OnTrack
    } else {
        Progress::Behind
    }
}

fn cadres(
    config: &Config,
    roster: &Roster,
    month: YearMonth,
    counted: &[(&ReportRow, bool, bool)],
    planned: &[PlannedMeeting],
) -> Vec<CadreSummary> {
    let by_month = monthly_attendance(roster.cadres.len(), month, counted);
    let outcomes = outcome_counts(planned, |p| &p.cadre);
    let mut list: Vec<CadreSummary> = roster
        .cadres
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let quota = c
                .quota
                .unwrap_or_else(|| config.group(&c.group).map_or(0, |g| g.quota));
            let done: u32 = by_month[i].iter().sum();
            let mine = outcomes.get(c.code.as_str()).copied().unwrap_or_default();
            CadreSummary {
                code: c.code.clone(),
                name: c.name.clone(),
                position: c.position.clone(),
                group: c.group.clone(),
                unit: c.unit.clone(),
                quota,
                ytd: done,
                by_month: by_month[i].clone(),
                expected: if quota == 0 {
                    0
                } else {
                    expected(quota, month.month)
                },
                status: progress(quota, done, month.month),
                month_attended: mine.attended,
                month_absent: mine.absent,
                month_unreported: mine.unreported,
            }
        })
        .collect();
    list.sort_by(|a, b| a.code.cmp(&b.code));
    list
}

/// Each cadre's counted attendances (by roster position) per month of the year up to
/// `month`: the rows that count toward the quota, by the month of their date.
fn monthly_attendance(
    cadres: usize,
    month: YearMonth,
    counted: &[(&ReportRow, bool, bool)],
) -> Vec<Vec<u32>> {
    let months = month.month as usize;
    let mut by_month = vec![vec![0; months]; cadres];
    for (row, _, counts) in counted {
        if *counts && let Some(c) = row.cadre {
            // Accepted rows are dated in the year up to the end of M (SPEC §7).
            let m = row.date.month0() as usize;
            if m < months {
                by_month[c.index()][m] += 1;
            }
        }
    }
    by_month
}

/// How the planned meetings of one cadre or unit turned out.
#[derive(Clone, Copy, Default)]
struct OutcomeCounts {
    planned: usize,
    attended: usize,
    absent: usize,
    unreported: usize,
}

/// The planned meetings counted by outcome for each value of `by` (cadre or unit), in
/// one pass instead of one per cadre or unit.
fn outcome_counts<'a>(
    planned: &'a [PlannedMeeting],
    by: impl Fn(&'a PlannedMeeting) -> &'a str,
) -> FxHashMap<&'a str, OutcomeCounts> {
    let mut counts: FxHashMap<&str, OutcomeCounts> = FxHashMap::default();
    for p in planned {
        let c = counts.entry(by(p)).or_default();
        c.planned += 1;
        match p.outcome {
            Outcome::Attended => c.attended += 1,
            Outcome::Absent(_) => c.absent += 1,
            Outcome::Unreported => c.unreported += 1,
        }
    }
    counts
}

fn cells(roster: &Roster, visits: &[&ReportRow]) -> Vec<CellSummary> {
    let mut by_cell: Vec<(usize, Option<NaiveDate>)> = vec![(0, None); roster.cells.len()];
    for row in visits {
        if let Some(cell) = row.cell {
            let e = &mut by_cell[cell.index()];
            e.0 += 1;
            e.1 = e.1.max(Some(row.date));
        }
    }
    roster
        .cells
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (visits_ytd, last_visit) = by_cell[i];
            CellSummary {
                code: c.code.clone(),
                visits_ytd,
                last_visit,
            }
        })
        .collect()
}

/// The deadline of month M's reports: `deadline_day` of M+1, clamped to that month.
pub fn deadline(month: YearMonth, deadline_day: u8) -> NaiveDate {
    let next = month.next();
    let day = u32::from(deadline_day).min(next.last_day().day());
    NaiveDate::from_ymd_opt(next.year, next.month, day).expect("a day within the month")
}

fn units(
    config: &Config,
    roster: &Roster,
    month: YearMonth,
    files: &[&InboxFile],
    uses: &[FileUse],
    planned: &[PlannedMeeting],
    cells: &[CellSummary],
) -> Vec<UnitSummary> {
    let due = deadline(month, config.deadline_day);
    let outcomes = outcome_counts(planned, |p| &p.unit);
    // The month's used file of each unit (the first, as files are in reading order).
    let mut received_of: FxHashMap<&str, NaiveDate> = FxHashMap::default();
    for (f, use_) in files.iter().zip(uses) {
        if *use_ == FileUse::Used
            && f.month == month
            && let Some(unit) = f.submission.identity.unit.as_deref()
        {
            received_of.entry(unit).or_insert(f.received);
        }
    }
    let visited: BTreeMap<&str, bool> = cells
        .iter()
        .map(|c| (c.code.as_str(), c.visits_ytd > 0))
        .collect();
    let mut list: Vec<UnitSummary> = roster
        .units
        .iter()
        .map(|u| {
            let received = received_of.get(u.code.as_str()).copied();
            let submission = match received {
                Some(d) if d <= due => Submitted::OnTime,
                Some(_) => Submitted::Late,
                None => Submitted::Missing,
            };
            let mine = outcomes.get(u.code.as_str()).copied().unwrap_or_default();
            let unit_cells: Vec<&crate::model::Cell> = roster.cells_of_unit(&u.code).collect();
            let seen =
                |c: &&&crate::model::Cell| visited.get(c.code.as_str()).copied().unwrap_or(false);
            UnitSummary {
                code: u.code.clone(),
                name: u.name.clone(),
                submission,
                received,
                planned: mine.planned,
                attended: mine.attended,
                absent: mine.absent,
                unreported: mine.unreported,
                cells_visited_ytd: unit_cells.iter().filter(seen).count(),
                cells_total: unit_cells.len(),
                remote_cells_visited_ytd: unit_cells
                    .iter()
                    .filter(|c| c.remote)
                    .filter(seen)
                    .count(),
                remote_cells_total: unit_cells.iter().filter(|c| c.remote).count(),
                never_visited: unit_cells
                    .iter()
                    .filter(|c| !seen(c))
                    .map(|c| c.code.clone())
                    .collect(),
            }
        })
        .collect();
    list.sort_by(|a, b| a.code.cmp(&b.code));
    list
}

/// Whether any issue is an error.
pub fn has_errors(r: &Reconciliation) -> bool {
    r.totals.errors > 0
}

#[cfg(test)]
mod tests;

//! The month's emails (SPEC §8): the summary for the Standing Committee and one
//! feedback email per unit, rendered from editable templates. Pure: the templates'
//! text comes in, the messages' text goes out.
//!
//! A unit's email is built only from that unit's planned meetings and that unit's issues,
//! so it cannot carry anything about another unit. HTML templates are auto-escaped, so
//! text from submissions cannot add markup.

use std::path::Path;

use minijinja::value::Serde;
use minijinja::{Environment, Value, context};
use serde::Serialize;

pub use crate::mail::Email;

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::AbsenceReason;
use crate::reconcile::{FileUse, Outcome, Progress, Reconciliation, Submitted, deadline};
use crate::roster::Roster;

/// The template files, each overridable by a file of the same name in the workspace's
/// `templates/email/`.
pub const TEMPLATES: [(&str, &str); 6] = [
    (
        "leadership.txt",
        include_str!("../../templates/email/leadership.txt"),
    ),
    (
        "leadership.html",
        include_str!("../../templates/email/leadership.html"),
    ),
    ("unit.txt", include_str!("../../templates/email/unit.txt")),
    ("unit.html", include_str!("../../templates/email/unit.html")),
    (
        "receipt.txt",
        include_str!("../../templates/email/receipt.txt"),
    ),
    (
        "receipt.html",
        include_str!("../../templates/email/receipt.html"),
    ),
];

/// Why the emails could not be rendered: which template, where in it, and what kind of
/// mistake, in Vietnamese; the engine's own (English) words stay in the source.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The workspace's copy of a template cannot be read.
    #[error("không đọc được mẫu thư {name}")]
    Read {
        /// The template's file name (`unit.html`).
        name: String,
        /// Why.
        source: std::io::Error,
    },
    /// A template cannot be parsed or filled in.
    #[error("mẫu thư {name}{}: {}", at_line(.line.as_ref()), engine_vi(.source))]
    Engine {
        /// The template's file name (`unit.html`).
        name: String,
        /// The 1-based line the engine points at, if any.
        line: Option<usize>,
        /// The engine's error.
        source: minijinja::Error,
    },
}

impl TemplateError {
    fn engine(name: &str, source: minijinja::Error) -> TemplateError {
        TemplateError::Engine {
            name: name.to_owned(),
            line: source.line(),
            source,
        }
    }

    /// Where the office fixes it: the workspace's copy of the template
    /// (`templates/email/unit.html`), at the line when there is one.
    pub fn location(&self) -> crate::diagnostic::Location {
        use crate::diagnostic::Location;
        match self {
            TemplateError::Read { name, .. } => Location::file(format!("templates/email/{name}")),
            TemplateError::Engine { name, line, .. } => {
                let file = format!("templates/email/{name}");
                match line {
                    Some(l) => Location::line(file, *l),
                    None => Location::file(file),
                }
            }
        }
    }
}

fn at_line(line: Option<&usize>) -> String {
    line.map(|l| format!(" (dòng {l})")).unwrap_or_default()
}

/// The kind of a template mistake, in words for the office.
fn engine_vi(error: &minijinja::Error) -> &'static str {
    use minijinja::ErrorKind as K;
    match error.kind() {
        K::SyntaxError | K::BadEscape | K::InvalidDelimiter => {
            "sai cú pháp (kiểm tra các cặp {{ }} và {% %})"
        }
        K::UnknownFilter => "dùng bộ lọc (filter) không có",
        K::UnknownTest => "dùng phép thử (test) không có",
        K::UnknownFunction | K::UnknownMethod => "gọi hàm không có",
        K::UndefinedError => "dùng biến không có",
        K::TemplateNotFound | K::BadInclude => "nhắc tới mẫu không có",
        K::TooManyArguments | K::MissingArgument => "gọi hàm hoặc bộ lọc sai số đối số",
        _ => "không điền được mẫu",
    }
}

/// Loads the templates: the built-in ones, replaced by any file of the same name in
/// `dir` (the workspace's `templates/email/`).
///
/// # Errors
/// A template file that cannot be read or parsed.
pub fn templates(dir: Option<&Path>) -> Result<Environment<'static>, TemplateError> {
    let mut env = Environment::new();
    for (name, builtin) in TEMPLATES {
        let source = match dir.map(|d| d.join(name)).filter(|p| p.is_file()) {
            Some(path) => std::fs::read_to_string(&path).map_err(|source| TemplateError::Read {
                name: name.into(),
                source,
            })?,
            None => builtin.to_owned(),
        };
        env.add_template_owned(name, source)
            .map_err(|e| TemplateError::engine(name, e))?;
    }
    Ok(env)
}

/// Renders the template `name` with `ctx`.
///
/// # Errors
/// The template cannot be filled in.
pub fn render(env: &Environment, name: &str, ctx: &Value) -> Result<String, TemplateError> {
    env.get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| TemplateError::engine(name, e))
}

#[derive(Serialize)]
struct Figures {
    on_time: usize,
    late: usize,
    missing: usize,
    planned: usize,
    attended: usize,
    absent: usize,
    unreported: usize,
    cadres: usize,
    rows_read: usize,
    rows_accepted: usize,
    rows_rejected: usize,
    rows_duplicates: usize,
    recs_raised: usize,
    recs_resolved: usize,
    recs_pending: usize,
    recs_overdue: usize,
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct UnitLine {
    name: String,
    status: &'static str,
    received: Option<String>,
}

#[derive(Serialize)]
struct CadreLine {
    name: String,
    group: String,
    unit: Option<String>,
    ytd: u32,
    expected: u32,
    quota: u32,
}

#[derive(Serialize)]
struct RecLine {
    code: String,
    unit: String,
    cell: String,
    content: String,
    status: &'static str,
    raised: String,
    age: i64,
}

/// One unit's planned meetings of M as a bar drawn with table cells: one cell per
/// outcome, `*_px` wide, on a scale where [`BAR_PX`] is the most planned meetings of
/// any unit; `rest_px` pads the bar to that width so the numbers beside it line up.
#[derive(Serialize)]
struct UnitBar {
    name: String,
    planned: usize,
    attended: usize,
    absent: usize,
    unreported: usize,
    percent: usize,
    attended_px: usize,
    absent_px: usize,
    unreported_px: usize,
    rest_px: usize,
}

/// The width in pixels of the longest bar of the leadership email.
const BAR_PX: usize = 240;

#[derive(Serialize)]
struct PlannedLine {
    date: String,
    cadre: String,
    cell: String,
    outcome: &'static str,
    reason: Option<String>,
}

#[derive(Serialize)]
/// One issue as an email lists it.
pub struct IssueLine {
    severity: &'static str,
    file: String,
    sheet: Option<String>,
    cell: Option<String>,
    message: String,
}

/// A unit's issues of one file.
#[derive(Serialize)]
struct IssueFile {
    file: String,
    issues: Vec<IssueLine>,
}

fn date(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// A file as its unit knows it: its name, without the office's folders.
fn file_name(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_owned()
}

/// The pixel width of `count` on a bar where `max` is [`BAR_PX`]; a non-zero count is
/// never narrower than 2 pixels, so it stays visible.
fn bar_px(count: usize, max: usize) -> usize {
    if count == 0 || max == 0 {
        return 0;
    }
    ((count * BAR_PX + max / 2) / max).max(2)
}

fn unit_bars(r: &Reconciliation) -> Vec<UnitBar> {
    let max = r.units.iter().map(|u| u.planned).max().unwrap_or(0);
    r.units
        .iter()
        .map(|u| {
            let attended_px = bar_px(u.attended, max);
            let absent_px = bar_px(u.absent, max);
            let unreported_px = bar_px(u.unreported, max);
            UnitBar {
                name: u.name.clone(),
                planned: u.planned,
                attended: u.attended,
                absent: u.absent,
                unreported: u.unreported,
                percent: (u.attended * 100 + u.planned / 2)
                    .checked_div(u.planned)
                    .unwrap_or(0),
                attended_px,
                absent_px,
                unreported_px,
                rest_px: BAR_PX.saturating_sub(attended_px + absent_px + unreported_px),
            }
        })
        .collect()
}

/// Renders every email of the month: the leadership summary (with `workbook` attached as
/// `workbook_name`), then one per unit with an address when `unit_feedback` is on.
/// `deadline_passed` tells a unit that has sent nothing that its report is overdue
/// (a run queues emails only then, unless forced).
///
/// # Errors
/// A template that fails to render.
pub fn render_all(
    env: &Environment,
    r: &Reconciliation,
    roster: &Roster,
    config: &Config,
    workbook_name: &str,
    workbook: &[u8],
    deadline_passed: bool,
) -> Result<Vec<Email>, TemplateError> {
    let month_vi = r.month.vi();
    let mut emails = Vec::new();
    let leaders: Vec<String> = config
        .email
        .leadership
        .iter()
        .map(|m| m.email.to_string())
        .collect();
    if !leaders.is_empty() {
        let ctx = leadership_context(r, roster, config, workbook_name);
        emails.push(Email {
            name: "01-thuong-vu".into(),
            to: leaders,
            subject: format!(
                "Tổng hợp dự sinh hoạt chi bộ tháng {month_vi} — {}",
                config.province
            ),
            text: render(env, "leadership.txt", &ctx)?,
            html: render(env, "leadership.html", &ctx)?,
            attachment: Some((workbook_name.to_owned(), workbook.to_vec())),
        });
    }
    if config.email.unit_feedback {
        for u in &r.units {
            let Some(unit) = roster.unit(&u.code).filter(|u| !u.emails.is_empty()) else {
                continue;
            };
            let ctx = unit_context(r, roster, config, &u.code, deadline_passed);
            emails.push(Email {
                name: format!(
                    "02-don-vi-{}",
                    crate::output::safe_file_stem(&unit.code)
                        .unwrap_or_else(|| format!("{}", emails.len()))
                ),
                to: unit.emails.clone(),
                subject: format!(
                    "Phản hồi báo cáo dự sinh hoạt chi bộ tháng {month_vi} — {}",
                    unit.name
                ),
                text: render(env, "unit.txt", &ctx)?,
                html: render(env, "unit.html", &ctx)?,
                attachment: None,
            });
        }
    }
    Ok(emails)
}

fn leadership_context(
    r: &Reconciliation,
    roster: &Roster,
    config: &Config,
    attachment: &str,
) -> Value {
    let t = &r.totals;
    let f = Figures {
        on_time: t.on_time,
        late: t.late,
        missing: t.missing,
        planned: t.planned,
        attended: t.attended,
        absent: t.absent,
        unreported: t.unreported,
        cadres: r.cadres.len(),
        rows_read: r.rows.read,
        rows_accepted: r.rows.accepted,
        rows_rejected: r.rows.rejected,
        rows_duplicates: r.rows.duplicates,
        recs_raised: r.recommendations.raised_ytd,
        recs_resolved: r.recommendations.resolved,
        recs_pending: r.recommendations.pending,
        recs_overdue: r.recommendations.overdue,
        errors: t.errors,
        warnings: t.warnings,
    };
    let late_units: Vec<UnitLine> = r
        .units
        .iter()
        .filter(|u| u.submission != Submitted::OnTime)
        .map(|u| UnitLine {
            name: u.name.clone(),
            status: u.submission.label(),
            received: u.received.map(date),
        })
        .collect();
    let behind: Vec<CadreLine> = r
        .cadres
        .iter()
        .filter(|c| c.status == Progress::Behind)
        .map(|c| CadreLine {
            name: c.name.clone(),
            group: config
                .group(&c.group)
                .map_or_else(|| c.group.clone(), |g| g.name.clone()),
            unit: c
                .unit
                .as_deref()
                .and_then(|u| roster.unit(u))
                .map(|u| u.name.clone()),
            ytd: c.ytd,
            expected: c.expected,
            quota: c.quota,
        })
        .collect();
    let overdue: Vec<RecLine> = r
        .register
        .iter()
        .filter(|e| e.overdue)
        .map(|e| RecLine {
            code: e.code.clone(),
            unit: roster
                .unit(&e.unit)
                .map_or_else(|| e.unit.clone(), |u| u.name.clone()),
            cell: e
                .row
                .cell
                .map(|c| roster.cell_label(&roster[c]))
                .or(e.row.cell_text.clone())
                .unwrap_or_default(),
            content: e.row.content.clone(),
            status: e.row.status.label(),
            raised: date(e.row.raised_on),
            age: e.age_days,
        })
        .collect();
    context! {
        province => config.province.as_str(),
        month_vi => r.month.vi(),
        f => Value::from(Serde(&f)),
        late_units => Value::from(Serde(&late_units)),
        behind => Value::from(Serde(&behind)),
        overdue => Value::from(Serde(&overdue)),
        overdue_days => config.overdue_days,
        month_end => date(r.month.last_day()),
        by_unit => Value::from(Serde(&unit_bars(r))),
        attachment,
    }
}

/// What a unit is asked to correct: errors and warnings of its files, but not that a
/// version of its report was replaced by another (that is no mistake to fix).
fn to_fix(d: &Diagnostic) -> bool {
    d.severity != Severity::Notice && d.code != Code::FileSuperseded
}

/// What a unit is told for information: notices, but not that it sent a file twice.
fn to_note(d: &Diagnostic) -> bool {
    d.severity == Severity::Notice && d.code != Code::FileDuplicate
}

/// One issue as an email lists it.
pub fn issue_line(d: &Diagnostic) -> IssueLine {
    IssueLine {
        severity: d.severity.label_vi(),
        file: d
            .location
            .file
            .as_deref()
            .map(file_name)
            .unwrap_or_default(),
        sheet: d.location.sheet.clone(),
        cell: d.location.cell.map(|c| c.to_string()),
        message: d.full_message(),
    }
}

fn unit_context(
    r: &Reconciliation,
    roster: &Roster,
    config: &Config,
    code: &str,
    deadline_passed: bool,
) -> Value {
    let summary = r
        .units
        .iter()
        .find(|u| u.code == code)
        .expect("a unit of the reconciliation");
    let mut planned: Vec<(Option<chrono::NaiveDate>, PlannedLine)> = r
        .planned
        .iter()
        .filter(|p| p.unit == code)
        .map(|p| {
            let (outcome, reason) = match &p.outcome {
                Outcome::Attended => ("Đã dự", None),
                Outcome::Absent(reason) => (
                    "Vắng",
                    reason.as_ref().map(|x| match x {
                        AbsenceReason::Other(text) => text.clone(),
                        other => other.label().to_owned(),
                    }),
                ),
                Outcome::Unreported => ("Chưa báo cáo", None),
            };
            let line = PlannedLine {
                date: p.date.map(date).unwrap_or_default(),
                cadre: roster
                    .cadre(&p.cadre)
                    .map_or_else(|| p.cadre.clone(), |c| c.name.clone()),
                cell: roster
                    .cell(&p.cell)
                    .map_or_else(|| p.cell.clone(), |c| roster.cell_label(c)),
                outcome,
                reason,
            };
            (p.date, line)
        })
        .collect();
    // In date order (a meeting without a regular day last), then by cadre and cell.
    planned.sort_by(|(a, x), (b, y)| {
        (a.is_none(), a, &x.cadre, &x.cell).cmp(&(b.is_none(), b, &y.cadre, &y.cell))
    });
    let planned: Vec<PlannedLine> = planned.into_iter().map(|(_, line)| line).collect();
    let mine = || r.issues.iter().filter(|d| d.unit.as_deref() == Some(code));
    let mut fix_files: Vec<IssueFile> = Vec::new();
    for d in mine().filter(|d| to_fix(d)) {
        let line = issue_line(d);
        match fix_files.iter_mut().find(|f| f.file == line.file) {
            Some(f) => f.issues.push(line),
            None => fix_files.push(IssueFile {
                file: line.file.clone(),
                issues: vec![line],
            }),
        }
    }
    let fix_count = mine().filter(|d| to_fix(d)).count();
    let notes: Vec<IssueLine> = mine().filter(|d| to_note(d)).map(issue_line).collect();
    let mine_files = || {
        r.file_uses
            .iter()
            .filter(|(_, unit, _)| unit.as_deref() == Some(code))
    };
    let used_file = mine_files()
        .find(|(_, _, u)| *u == FileUse::Used)
        .map(|(path, _, _)| file_name(path));
    let unused_files: Vec<String> = mine_files()
        .filter(|(_, _, u)| *u == FileUse::Superseded)
        .map(|(path, _, _)| file_name(path))
        .collect();
    let count = |f: fn(&Outcome) -> bool| {
        r.planned
            .iter()
            .filter(|p| p.unit == code && f(&p.outcome))
            .count()
    };
    let counts = context! {
        attended => count(|o| *o == Outcome::Attended),
        absent => count(|o| matches!(o, Outcome::Absent(_))),
        unreported => count(|o| *o == Outcome::Unreported),
    };
    let unit = context! { code => summary.code.as_str(), name => summary.name.as_str() };
    context! {
        province => config.province.as_str(),
        month_vi => r.month.vi(),
        unit,
        submission => summary.submission.as_str(),
        status => summary.submission.label(),
        received => summary.received.map(date),
        deadline => date(deadline(r.month, config.deadline_day)),
        deadline_passed,
        used_file,
        unused_files,
        planned => Value::from(Serde(&planned)),
        counts,
        fix_count,
        fix_files => Value::from(Serde(&fix_files)),
        notes => Value::from(Serde(&notes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_scaled_to_the_longest_and_a_count_stays_visible() {
        assert_eq!(bar_px(0, 6), 0);
        assert_eq!(bar_px(6, 6), BAR_PX);
        assert_eq!(bar_px(1, 6), 40);
        assert_eq!(bar_px(1, 1000), 2);
        assert_eq!(bar_px(3, 0), 0);
    }
}

//! `summary.json`, schema `chibo.summary.v1` (SPEC §8): field names and order exactly as
//! the spec gives them, lists sorted, the same inputs giving the same bytes.

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::reconcile::Reconciliation;

/// The schema identifier.
pub const SCHEMA: &str = "chibo.summary.v1";

#[derive(Serialize)]
struct Summary<'a> {
    schema: &'static str,
    month: String,
    province: &'a str,
    files: Files,
    rows: Rows,
    units: Vec<Unit<'a>>,
    cadres: Vec<Cadre<'a>>,
    recommendations: Recommendations,
    ratings: Ratings,
    issues: &'a [Diagnostic],
}

#[derive(Serialize)]
struct Files {
    read: usize,
    used: usize,
    superseded: usize,
    skipped: usize,
    unreadable: usize,
}

#[derive(Serialize)]
struct Rows {
    read: usize,
    accepted: usize,
    rejected: usize,
    duplicates: usize,
}

#[derive(Serialize)]
struct Unit<'a> {
    code: &'a str,
    name: &'a str,
    submission: &'static str,
    received: Option<String>,
    planned: usize,
    attended: usize,
    absent: usize,
    unreported: usize,
    cells_visited_ytd: usize,
    cells_total: usize,
    remote_cells_visited_ytd: usize,
    remote_cells_total: usize,
}

#[derive(Serialize)]
struct Cadre<'a> {
    code: &'a str,
    name: &'a str,
    group: &'a str,
    unit: Option<&'a str>,
    quota: u32,
    ytd: u32,
    expected: u32,
    status: &'static str,
    month_attended: usize,
    month_absent: usize,
    month_unreported: usize,
}

#[derive(Serialize)]
struct Recommendations {
    raised_ytd: usize,
    resolved: usize,
    pending: usize,
    overdue: usize,
}

#[derive(Serialize)]
struct Ratings {
    tot: usize,
    kha: usize,
    trung_binh: usize,
    kem: usize,
    unrated: usize,
}

/// The summary of `r` for `province` as pretty JSON ending in a newline.
pub fn to_json(r: &Reconciliation, province: &str) -> String {
    let summary = Summary {
        schema: SCHEMA,
        month: r.month.to_string(),
        province,
        files: Files {
            read: r.files.read,
            used: r.files.used,
            superseded: r.files.superseded,
            skipped: r.files.skipped,
            unreadable: r.files.unreadable,
        },
        rows: Rows {
            read: r.rows.read,
            accepted: r.rows.accepted,
            rejected: r.rows.rejected,
            duplicates: r.rows.duplicates,
        },
        units: r
            .units
            .iter()
            .map(|u| Unit {
                code: &u.code,
                name: &u.name,
                submission: u.submission.as_str(),
                received: u.received.map(|d| d.format("%Y-%m-%d").to_string()),
                planned: u.planned,
                attended: u.attended,
                absent: u.absent,
                unreported: u.unreported,
                cells_visited_ytd: u.cells_visited_ytd,
                cells_total: u.cells_total,
                remote_cells_visited_ytd: u.remote_cells_visited_ytd,
                remote_cells_total: u.remote_cells_total,
            })
            .collect(),
        cadres: r
            .cadres
            .iter()
            .map(|c| Cadre {
                code: &c.code,
                name: &c.name,
                group: &c.group,
                unit: c.unit.as_deref(),
                quota: c.quota,
                ytd: c.ytd,
                expected: c.expected,
                status: c.status.as_str(),
                month_attended: c.month_attended,
                month_absent: c.month_absent,
                month_unreported: c.month_unreported,
            })
            .collect(),
        recommendations: Recommendations {
            raised_ytd: r.recommendations.raised_ytd,
            resolved: r.recommendations.resolved,
            pending: r.recommendations.pending,
            overdue: r.recommendations.overdue,
        },
        ratings: Ratings {
            tot: r.ratings.tot,
            kha: r.ratings.kha,
            trung_binh: r.ratings.trung_binh,
            kem: r.ratings.kem,
            unrated: r.ratings.unrated,
        },
        issues: &r.issues,
    };
    let mut json = serde_json::to_string_pretty(&summary).expect("the summary serializes");
    json.push('\n');
    json
}

use std::path::Path;
use std::time::{Duration, SystemTime};

use super::*;
use crate::diagnostic::{CellRef, Severity};
use crate::model::{AssignmentRow, Cadre, Cell, MonthSet, RecStatus, Unit};
use crate::submission::{FileStatus, Identity, RecRow, RowCells, Submission};

fn ym(y: i32, m: u32) -> YearMonth {
    YearMonth::new(y, m).unwrap()
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, m, d).unwrap()
}

fn config(extra: &str) -> Config {
    Config::parse(
        &format!("province = \"Sơn La\"\n{extra}"),
        "chibo.toml",
        Path::new("/ws"),
    )
    .unwrap()
}

fn roster() -> Roster {
    let unit = |code: &str| Unit {
        code: code.into(),
        name: format!("Huyện ủy {code}"),
        emails: vec![],
    };
    let cell = |code: &str, unit: &str, remote: bool, day: u8| Cell {
        code: code.into(),
        name: code.into(),
        commune: None,
        unit: unit.into(),
        members: None,
        remote,
        meeting_day: Some(day),
        aliases: vec![],
    };
    let cadre = |code: &str, group: &str, unit: Option<&str>, quota: Option<u32>| Cadre {
        code: code.into(),
        name: code.into(),
        position: None,
        group: group.into(),
        unit: unit.map(Into::into),
        email: None,
        quota,
    };
    let assign = |cadre: &str, cell: &str, months: &str| AssignmentRow {
        cadre: cadre.into(),
        cell: cell.into(),
        months: MonthSet::parse(months).unwrap(),
    };
    Roster::new(
        vec![unit("YC"), unit("MC")],
        vec![
            cell("Y1", "YC", false, 5),
            cell("Y2", "YC", true, 31),
            cell("Y3", "YC", true, 10),
            cell("M1", "MC", false, 30),
        ],
        vec![
            cadre("TT1", "TT", None, None),
            cadre("BTV1", "BTV", Some("YC"), None),
            cadre("BCH1", "BCH", None, None),
            cadre("BCH2", "BCH", None, Some(0)),
        ],
        vec![
            assign("BTV1", "Y1", "1,4,7,10"),
            assign("BCH1", "Y2", "*"),
            assign("BCH1", "M1", "7"),
            assign("BCH2", "M1", ""),
        ],
    )
}

fn row(n: u32, cadre: &str, cell: &str, date: NaiveDate, attended: bool) -> ReportRow {
    ReportRow {
        cells: RowCells {
            first: CellRef::new(n, 0),
            date: CellRef::new(n, 4),
            cell: CellRef::new(n, 2),
        },
        // The ids matching gives for these codes (an unknown code matches nothing).
        cadre: roster().cadre_id(cadre),
        cadre_text: cadre.into(),
        cell: roster().cell_id(cell),
        cell_text: cell.into(),
        commune: None,
        date,
        attended,
        reason: (!attended).then_some(AbsenceReason::BusinessTrip),
        members_total: None,
        members_present: None,
        content: None,
        raised: None,
        resolved_on_spot: None,
        rating: attended.then_some(Rating::Tot),
        note: None,
    }
}

struct F {
    month: u32,
    path: &'static str,
    unit: Option<&'static str>,
    received: NaiveDate,
    seconds: u64,
    content: u8,
    rows: Vec<ReportRow>,
    read: usize,
    recs: Vec<RecRow>,
}

fn file(
    month: u32,
    path: &'static str,
    unit: &'static str,
    received: NaiveDate,
    rows: Vec<ReportRow>,
) -> F {
    let read = rows.len();
    F {
        month,
        path,
        unit: Some(unit),
        received,
        seconds: 0,
        content: 0,
        rows,
        read,
        recs: vec![],
    }
}

impl F {
    fn build(self) -> InboxFile {
        let status = if self.unit.is_some() {
            FileStatus::Read
        } else {
            FileStatus::Unreadable
        };
        InboxFile {
            month: ym(2020, self.month),
            received: self.received,
            modified: SystemTime::UNIX_EPOCH + Duration::from_secs(self.seconds),
            digest: [self.content; 32],
            submission: Submission {
                file: self.path.into(),
                status,
                identity: Identity {
                    unit: self.unit.map(Into::into),
                    month: Some(ym(2020, self.month)),
                    template_version: None,
                },
                sheet: Some("Báo cáo".into()),
                rejected: self.read - self.rows.len(),
                read: self.read,
                rows: self.rows,
                rec_sheet: Some("Kiến nghị".into()),
                recommendations: self.recs,
                diagnostics: vec![],
            },
        }
    }
}

fn run(config: &Config, month: u32, files: Vec<F>) -> Reconciliation {
    let files: Vec<InboxFile> = files.into_iter().map(F::build).collect();
    reconcile(config, &roster(), ym(2020, month), &files)
}

fn codes(r: &Reconciliation) -> Vec<String> {
    r.issues
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d.code,
                d.location.file.as_deref().unwrap_or(""),
                d.location.cell.map(|c| c.to_string()).unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn quota_arithmetic() {
    let cases = [
        (2, 1, 1),
        (2, 6, 1),
        (2, 7, 2),
        (2, 12, 2),
        (3, 1, 1),
        (3, 4, 1),
        (3, 5, 2),
        (3, 12, 3),
        (6, 7, 4),
        (0, 7, 0),
        (1, 11, 1),
    ];
    for (quota, month, want) in cases {
        assert_eq!(expected(quota, month), want, "ceil({quota} × {month} / 12)");
    }
    let statuses = [
        (0, 5, 7, Progress::NoQuota),
        (2, 2, 3, Progress::Met),
        (2, 3, 7, Progress::Met),
        (2, 1, 6, Progress::OnTrack),
        (2, 1, 7, Progress::Behind),
        (3, 0, 1, Progress::Behind),
        (3, 2, 7, Progress::OnTrack),
    ];
    for (quota, ytd, month, want) in statuses {
        assert_eq!(
            progress(quota, ytd, month),
            want,
            "quota {quota}, ytd {ytd}, month {month}"
        );
    }
}

#[test]
fn deadlines_and_planned_days_respect_month_lengths() {
    assert_eq!(deadline(ym(2020, 7), 5), day(8, 5));
    assert_eq!(
        deadline(ym(2020, 12), 5),
        NaiveDate::from_ymd_opt(2021, 1, 5).unwrap()
    );
    assert_eq!(deadline(ym(2020, 1), 31), day(2, 29), "leap February");
    assert_eq!(
        deadline(ym(2021, 1), 31),
        NaiveDate::from_ymd_opt(2021, 2, 28).unwrap()
    );
    assert_eq!(deadline(ym(2020, 3), 31), day(4, 30));
    assert_eq!(planned_date(Some(31), ym(2020, 4)), Some(day(4, 30)));
    assert_eq!(planned_date(Some(31), ym(2020, 2)), Some(day(2, 29)));
    assert_eq!(
        planned_date(Some(30), ym(2021, 2)),
        NaiveDate::from_ymd_opt(2021, 2, 28)
    );
    assert_eq!(planned_date(Some(31), ym(2020, 7)), Some(day(7, 31)));
    assert_eq!(planned_date(None, ym(2020, 7)), None);
}

#[test]
fn identical_copies_keep_the_first_and_versions_keep_the_newest() {
    let c = config("");
    let mut a = file(
        7,
        "inbox/2020-07/a.xlsx",
        "YC",
        day(8, 2),
        vec![row(6, "BTV1", "Y1", day(7, 5), true)],
    );
    let mut b = file(
        7,
        "inbox/2020-07/b.xlsx",
        "YC",
        day(8, 1),
        vec![row(6, "BTV1", "Y1", day(7, 5), true)],
    );
    a.content = 1;
    b.content = 1;
    let r = run(&c, 7, vec![a, b]);
    assert_eq!(
        r.file_uses.iter().map(|(_, _, u)| *u).collect::<Vec<_>>(),
        [FileUse::Superseded, FileUse::Used]
    );
    assert_eq!(codes(&r), ["file-duplicate inbox/2020-07/a.xlsx "]);
    assert_eq!(r.issues[0].severity, Severity::Notice);
    assert_eq!(
        r.units[1].received,
        Some(day(8, 1)),
        "received when first sent"
    );

    // Different content: the most recent is used; a tie in received date and time goes
    // to the later path.
    let mut old = file(7, "inbox/2020-07/z-old.xlsx", "YC", day(8, 1), vec![]);
    let mut new = file(
        7,
        "inbox/2020-07/new.xlsx",
        "YC",
        day(8, 3),
        vec![row(6, "BTV1", "Y1", day(7, 5), true)],
    );
    let mut tie = file(7, "inbox/2020-07/new2.xlsx", "YC", day(8, 3), vec![]);
    (old.content, new.content, tie.content) = (1, 2, 3);
    let r = run(&c, 7, vec![old, new, tie]);
    let uses: Vec<(&str, FileUse)> = r
        .file_uses
        .iter()
        .map(|(f, _, u)| (f.as_str(), *u))
        .collect();
    assert_eq!(
        uses,
        [
            ("inbox/2020-07/new.xlsx", FileUse::Superseded),
            ("inbox/2020-07/new2.xlsx", FileUse::Used),
            ("inbox/2020-07/z-old.xlsx", FileUse::Superseded),
        ]
    );
    assert!(
        r.issues
            .iter()
            .all(|d| d.code == Code::FileSuperseded && d.severity == Severity::Warning)
    );
    assert_eq!(
        r.files,
        FileCounts {
            read: 3,
            used: 1,
            superseded: 2,
            skipped: 0,
            unreadable: 0
        }
    );
    assert_eq!(r.rows.read, 0, "rows of superseded files are not counted");
}

#[test]
fn duplicates_count_once_across_months_and_nothing_is_lost() {
    let c = config("");
    let june = file(
        6,
        "inbox/2020-06/YC.xlsx",
        "YC",
        day(7, 3),
        vec![row(6, "BCH1", "Y2", day(6, 30), true)],
    );
    let mut july = file(
        7,
        "inbox/2020-07/YC.xlsx",
        "YC",
        day(8, 3),
        vec![
            row(6, "BCH1", "Y2", day(6, 30), true),
            row(7, "BCH1", "Y2", day(7, 31), true),
            row(8, "BCH1", "Y2", day(7, 31), false),
        ],
    );
    july.read = 5; // two rejected rows
    let r = run(&c, 7, vec![july, june]);
    assert_eq!(
        r.rows,
        RowCounts {
            read: 5,
            accepted: 1,
            rejected: 2,
            duplicates: 2
        }
    );
    assert_eq!(
        r.rows.read,
        r.rows.accepted + r.rows.rejected + r.rows.duplicates
    );
    assert_eq!(
        codes(&r),
        [
            "row-duplicate inbox/2020-07/YC.xlsx A7",
            "row-duplicate inbox/2020-07/YC.xlsx A9"
        ]
    );
    let bch1 = r.cadres.iter().find(|c| c.code == "BCH1").unwrap();
    assert_eq!(
        (bch1.ytd, bch1.expected, bch1.status),
        (2, 2, Progress::OnTrack)
    );
    // By month: June's meeting once (its repeat in July's file is a duplicate), July's.
    assert_eq!(bch1.by_month, [0, 0, 0, 0, 0, 1, 1]);
    let btv1 = r.cadres.iter().find(|c| c.code == "BTV1").unwrap();
    assert_eq!(btv1.by_month, [0; 7]);
}

#[test]
fn attendance_outside_the_area_warns_and_counts_only_when_configured() {
    let rows = || {
        vec![
            row(6, "BCH1", "Y3", day(7, 10), true), // not assigned: outside
            row(7, "BCH1", "Y3", day(7, 11), false), // absent rows get no warning
            row(8, "BTV1", "Y2", day(7, 12), true), // own unit: eligible
            row(9, "TT1", "M1", day(7, 13), true),  // province-wide
            row(10, "BTV1", "M1", day(7, 14), true), // other unit: outside
        ]
    };
    let r = run(
        &config(""),
        7,
        vec![file(7, "inbox/2020-07/YC.xlsx", "YC", day(8, 1), rows())],
    );
    assert_eq!(
        codes(&r),
        [
            "row-outside-area inbox/2020-07/YC.xlsx C7",
            "row-outside-area inbox/2020-07/YC.xlsx C11"
        ]
    );
    assert!(
        r.issues[0]
            .message
            .ends_with("không được tính vào định mức")
    );
    let ytd = |r: &Reconciliation, c: &str| r.cadres.iter().find(|x| x.code == c).unwrap().ytd;
    assert_eq!(
        (ytd(&r, "BCH1"), ytd(&r, "BTV1"), ytd(&r, "TT1")),
        (0, 1, 1)
    );
    let eligible: Vec<bool> = r.details.iter().map(|d| d.eligible).collect();
    assert_eq!(eligible, [false, false, true, true, false]);

    let r = run(
        &config("count_outside_area = true"),
        7,
        vec![file(7, "inbox/2020-07/YC.xlsx", "YC", day(8, 1), rows())],
    );
    assert!(r.issues[0].message.ends_with("vẫn được tính vào định mức"));
    assert_eq!((ytd(&r, "BCH1"), ytd(&r, "BTV1")), (1, 2));
    // The months hold what counts: with the setting, the visit outside the area too.
    let by_month = |r: &Reconciliation, c: &str| {
        r.cadres
            .iter()
            .find(|x| x.code == c)
            .unwrap()
            .by_month
            .clone()
    };
    assert_eq!(by_month(&r, "BTV1"), [0, 0, 0, 0, 0, 0, 2]);
    let r = run(
        &config(""),
        7,
        vec![file(7, "inbox/2020-07/YC.xlsx", "YC", day(8, 1), rows())],
    );
    assert_eq!(by_month(&r, "BTV1"), [0, 0, 0, 0, 0, 0, 1]);
    assert_eq!(by_month(&r, "BCH1"), [0; 7]);
}

/// July: Yên Châu's late report (one attended, one absent with a reason) and Mộc
/// Châu's empty one on time.
fn july_of_yc_and_mc() -> Vec<F> {
    let july = file(
        7,
        "inbox/2020-07/YC.xlsx",
        "YC",
        day(8, 6),
        vec![
            row(6, "BTV1", "Y1", day(7, 5), true),
            row(7, "BCH1", "Y2", day(7, 31), false),
        ],
    );
    let mc = file(7, "inbox/2020-07/MC.xlsx", "MC", day(8, 5), vec![]);
    vec![july, mc]
}

#[test]
fn planned_meetings_outcomes_status_coverage_and_ratings() {
    let c = config("");
    let r = run(&c, 7, july_of_yc_and_mc());
    let outcomes: Vec<(&str, &str, Option<NaiveDate>, &Outcome)> = r
        .planned
        .iter()
        .map(|p| (p.cadre.as_str(), p.cell.as_str(), p.date, &p.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("BCH1", "M1", Some(day(7, 30)), &Outcome::Unreported),
            (
                "BCH1",
                "Y2",
                Some(day(7, 31)),
                &Outcome::Absent(Some(AbsenceReason::BusinessTrip))
            ),
            ("BTV1", "Y1", Some(day(7, 5)), &Outcome::Attended),
        ]
    );
    let unit = |code: &str| r.units.iter().find(|u| u.code == code).unwrap();
    let yc = unit("YC");
    assert_eq!(
        (yc.submission, yc.received),
        (Submitted::Late, Some(day(8, 6)))
    );
    assert_eq!(
        (yc.planned, yc.attended, yc.absent, yc.unreported),
        (2, 1, 1, 0)
    );
    assert_eq!(
        (
            yc.cells_visited_ytd,
            yc.cells_total,
            yc.remote_cells_visited_ytd,
            yc.remote_cells_total
        ),
        (1, 3, 0, 2)
    );
    assert_eq!(yc.never_visited, ["Y2", "Y3"]);
    let mc = unit("MC");
    assert_eq!(
        (mc.submission, mc.planned, mc.unreported),
        (Submitted::OnTime, 1, 1)
    );
    let bch1 = r.cadres.iter().find(|c| c.code == "BCH1").unwrap();
    assert_eq!(
        (
            bch1.month_attended,
            bch1.month_absent,
            bch1.month_unreported
        ),
        (0, 1, 1)
    );
    let bch2 = r.cadres.iter().find(|c| c.code == "BCH2").unwrap();
    assert_eq!(
        (bch2.quota, bch2.expected, bch2.status),
        (0, 0, Progress::NoQuota)
    );
    assert_eq!(
        r.ratings,
        Ratings {
            tot: 1,
            ..Ratings::default()
        }
    );

    let r = run(&c, 7, vec![]);
    assert!(
        r.units
            .iter()
            .all(|u| u.submission == Submitted::Missing && u.received.is_none())
    );
}

#[test]
fn totals_are_the_figures_counted_once() {
    let c = config("");
    let r = run(&c, 7, july_of_yc_and_mc());
    let t = &r.totals;
    assert_eq!((t.on_time, t.late, t.missing), (1, 1, 0));
    assert_eq!(
        (t.planned, t.attended, t.absent, t.unreported),
        (3, 1, 1, 1)
    );
    let progress = r.cadres.iter().fold([0; 4], |mut n, c| {
        n[c.status as usize] += 1;
        n
    });
    assert_eq!([t.met, t.on_track, t.behind, t.no_quota], progress);

    let mut r = run(&c, 7, vec![]);
    assert_eq!((r.totals.missing, r.totals.notices), (2, 0));
    // Issues added after reconciling (received.txt's notices) are counted and sorted in.
    let at = |file: &str| Location::file(file);
    r.add_issues([
        Diagnostic::notice(Code::ReceivedBadLine, at("inbox/2020-07/received.txt"), "x"),
        Diagnostic::error(Code::FileUnreadable, at("inbox/2020-07/a.xlsx"), "y"),
    ]);
    assert_eq!((r.totals.notices, r.totals.errors), (1, 1));
    assert_eq!(r.issues[0].code, Code::FileUnreadable);
    assert!(has_errors(&r));
}

fn rec(code: &str, is_new: bool, raised: NaiveDate, status: RecStatus) -> RecRow {
    RecRow {
        at: CellRef::new(5, 0),
        code: code.into(),
        is_new,
        code_cell: CellRef::new(5, 1),
        cell: None,
        cell_text: None,
        raised_on: raised,
        content: "Sửa đường".into(),
        field: None,
        agency: None,
        status,
        resolved_on: None,
        note: None,
    }
}

#[test]
fn the_register_keeps_the_latest_status_and_flags_overdue_and_unknown_codes() {
    let c = config("overdue_days = 30");
    let mut june = file(6, "inbox/2020-06/YC.xlsx", "YC", day(7, 1), vec![]);
    june.recs = vec![
        rec("YC-202006-1", true, day(6, 5), RecStatus::Forwarded),
        rec("YC-202006-2", true, day(6, 20), RecStatus::InProgress),
        rec("YC-202006-3", true, day(6, 1), RecStatus::ResolvedOnSpot),
    ];
    let mut july = file(7, "inbox/2020-07/YC.xlsx", "YC", day(8, 1), vec![]);
    july.recs = vec![
        rec("YC-202006-1", false, day(6, 5), RecStatus::Resolved),
        rec("YC-202005-9", false, day(5, 1), RecStatus::InProgress),
    ];
    let r = run(&c, 7, vec![june, july]);
    let reg: Vec<(&str, &str, i64, bool)> = r
        .register
        .iter()
        .map(|e| (e.code.as_str(), e.row.status.label(), e.age_days, e.overdue))
        .collect();
    assert_eq!(
        reg,
        [
            ("YC-202006-1", "Đã giải quyết", 56, false),
            ("YC-202006-2", "Đang giải quyết", 41, true),
            ("YC-202006-3", "Giải quyết tại chỗ", 0, false),
        ]
    );
    assert_eq!(
        r.recommendations,
        RecSummary {
            raised_ytd: 3,
            resolved: 2,
            pending: 1,
            overdue: 1
        }
    );
    assert_eq!(codes(&r), ["rec-unknown-code inbox/2020-07/YC.xlsx B6"]);
}

/// A resolved recommendation's age stops at its resolution date; a pending one's runs to
/// the last day of M; a resolution without a date stops at the end of the month whose
/// report marked it resolved.
#[test]
fn a_resolved_recommendation_ages_only_until_it_is_resolved() {
    let c = config("overdue_days = 30");
    let resolved_on = |mut r: RecRow, d: NaiveDate| {
        r.resolved_on = Some(d);
        r
    };
    let mut may = file(5, "inbox/2020-05/YC.xlsx", "YC", day(6, 1), vec![]);
    may.recs = vec![
        rec("YC-202005-1", true, day(5, 4), RecStatus::InProgress),
        rec("YC-202005-2", true, day(5, 10), RecStatus::InProgress),
        rec("YC-202005-3", true, day(5, 20), RecStatus::InProgress),
    ];
    let mut june = file(6, "inbox/2020-06/YC.xlsx", "YC", day(7, 1), vec![]);
    june.recs = vec![
        resolved_on(
            rec("YC-202005-1", false, day(5, 4), RecStatus::Resolved),
            day(5, 24),
        ),
        rec("YC-202005-2", false, day(5, 10), RecStatus::Resolved),
    ];
    let r = run(&c, 7, vec![may, june]);
    let ages: Vec<(&str, i64, bool)> = r
        .register
        .iter()
        .map(|e| (e.code.as_str(), e.age_days, e.overdue))
        .collect();
    assert_eq!(
        ages,
        [
            ("YC-202005-1", 20, false),
            ("YC-202005-2", 51, false),
            ("YC-202005-3", 72, true),
        ]
    );
}

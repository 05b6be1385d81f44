//! The same report written by different spreadsheet programs reads the same. Yên Châu's
//! July 2020 report as LibreOffice Calc saved it, and as Gnumeric saved it again; the
//! demo's TP Sơn La July report (with errors at known cells) as chibo's demo maker wrote
//! it, and as Gnumeric saved it again (`tests/fixtures/make-gnumeric.sh`); each as
//! .xlsx, .xls and .ods. Gnumeric's `.ods` is indented, which calamine refuses on its own
//! (see `src/ingest/ods_layout.rs`).

use std::path::{Path, PathBuf};

use chibo::commands::check::check;
use chibo::workspace::Workspace;

use crate::common::{chibo, demo_workspace as demo, fixture, only_month, text};

/// One report from several writers: the file every other must read like, and what
/// `chibo check` counts in it (rows read, accepted, rejected; issues).
struct Case {
    reference: PathBuf,
    others: Vec<PathBuf>,
    counts: (usize, usize, usize, usize),
}

fn cases() -> [Case; 2] {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = |names: &[&str]| names.iter().map(|n| fixture(n)).collect();
    [
        Case {
            reference: fixture("report-yc-2020-07.xlsx"),
            others: fixtures(&[
                "report-yc-2020-07.xls",
                "report-yc-2020-07.ods",
                "report-yc-2020-07-gnumeric.xlsx",
                "report-yc-2020-07-gnumeric.xls",
                "report-yc-2020-07-gnumeric.ods",
            ]),
            counts: (4, 4, 0, 0),
        },
        Case {
            reference: root.join("samples/inbox/2020-07/TP Sơn La thang 7.xlsx"),
            others: fixtures(&[
                "report-tp-2020-07-gnumeric.xlsx",
                "report-tp-2020-07-gnumeric.xls",
                "report-tp-2020-07-gnumeric.ods",
            ]),
            counts: (7, 4, 3, 5),
        },
    ]
}

/// `text` with the file's name `name` (as shown, any extension) made one placeholder,
/// so that what was read from two files can be compared.
fn anonymous(text: &str, name: &str) -> String {
    text.replace(name, "FILE")
}

/// The inbox name of `source` in July: one unit's name, `source`'s extension.
fn inbox_name(source: &Path) -> String {
    let ext = source.extension().unwrap().to_str().unwrap();
    format!("inbox/2020-07/BC-thang-7.{ext}")
}

/// What `check` reads from `source` put into the workspace's July inbox: identity,
/// sheet, every accepted row and recommendation and every issue with its cell, as one
/// comparable text.
fn checked(ws: &Path, source: &Path, counts: (usize, usize, usize, usize)) -> String {
    let path = ws.join(inbox_name(source));
    std::fs::copy(source, &path).unwrap();
    let workspace = Workspace::load(&ws.join("chibo.toml")).unwrap();
    let s = check(std::slice::from_ref(&path), Some(&workspace)).remove(0);
    std::fs::remove_file(&path).unwrap();
    let name = source.display();
    assert_eq!(s.read, s.accepted() + s.rejected, "{name}");
    assert_eq!(
        (s.read, s.accepted(), s.rejected),
        (counts.0, counts.1, counts.2),
        "{name}"
    );
    // The command adds the issues found against the year (unknown recommendation codes).
    assert_eq!(s.diagnostics.is_empty(), counts.3 == 0, "{name}");
    let shown = format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{} {}",
        s.identity, s.sheet, s.rows, s.recommendations, s.diagnostics, s.read, s.rejected
    );
    anonymous(&shown, &s.file)
}

#[test]
fn gnumeric_files_read_like_the_originals_in_check() {
    let (_tmp, ws) = demo();
    only_month(&ws, "2020-07");
    for case in cases() {
        let want = checked(&ws, &case.reference, case.counts);
        for other in &case.others {
            let got = checked(&ws, other, case.counts);
            assert_eq!(
                got,
                want,
                "{} against {}",
                other.display(),
                case.reference.display()
            );
        }
    }
}

/// `check` (its JSON issues and its exit) and `run` (summary.json) agree on every
/// fixture, and every fixture's summary is its reference's, row for row and issue for
/// issue.
#[test]
fn check_and_run_agree_on_every_writer_and_format() {
    let (_tmp, ws) = demo();
    only_month(&ws, "2020-07");
    for case in cases() {
        let mut want: Option<(String, String)> = None;
        for source in std::iter::once(&case.reference).chain(&case.others) {
            let name = source.display();
            let shown = inbox_name(source);
            let path = ws.join(&shown);
            std::fs::copy(source, &path).unwrap();

            let check_out = chibo(&["check", "--json", &shown], &ws);
            let (stdout, stderr) = text(&check_out);
            let check_issues: serde_json::Value = serde_json::from_str(&stdout)
                .unwrap_or_else(|e| panic!("{name}: {e}\n{stdout}\n{stderr}"));
            let run_out = chibo(&["run", "--month", "2020-07", "--no-email"], &ws);
            let with_errors = i32::from(case.counts.3 > 0);
            assert_eq!(check_out.status.code(), Some(with_errors), "{name}");
            assert_eq!(
                run_out.status.code(),
                Some(with_errors),
                "{name}: {:?}",
                text(&run_out)
            );
            let summary: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(ws.join("out/2020-07/summary.json")).unwrap(),
            )
            .unwrap();
            let rows = &summary["rows"];
            let n = |k: &str| rows[k].as_u64().unwrap();
            assert_eq!(
                n("read"),
                n("accepted") + n("rejected") + n("duplicates"),
                "{name}"
            );
            let (read, accepted, rejected, issues) = case.counts;
            assert_eq!(
                (n("read"), n("accepted"), n("rejected"), n("duplicates")),
                (read as u64, accepted as u64, rejected as u64, 0),
                "{name}"
            );
            assert_eq!(summary["files"]["unreadable"], 0, "{name}");
            assert_eq!(
                check_issues.as_array().map(Vec::len),
                Some(issues),
                "{name}"
            );
            assert_eq!(summary["issues"], check_issues, "{name}: check and run");

            let got = (
                anonymous(&summary.to_string(), &shown),
                anonymous(&check_issues.to_string(), &shown),
            );
            match &want {
                None => want = Some(got),
                Some(want) => assert_eq!(&got, want, "{name}"),
            }
            std::fs::remove_file(&path).unwrap();
        }
    }
}

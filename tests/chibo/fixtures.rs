//! The committed workbook fixtures of `tests/fixtures/`: what Excel and `XlsxWriter` put in
//! a workbook (`make-excel-habits.py`) read as a unit meant it, and every fixture read
//! alike by `check` and by `run`, its rows all accounted for.

use std::collections::BTreeSet;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use chibo::commands::check::check;
use chibo::submission::Submission;
use chibo::workspace::Workspace;
use serde_json::Value;

use crate::check::found;
use crate::common::{chibo, demo_workspace as demo, fixture, only_month, text};
use crate::grid::SheetGrid;

/// Copies fixture `name` alone into the July 2020 inbox of a new demo workspace.
fn in_inbox(name: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (tmp, ws) = demo();
    let path = only_month(&ws, "2020-07").join(name);
    std::fs::copy(fixture(name), &path).unwrap();
    (tmp, ws, path)
}

fn checked(ws: &Path, path: &Path) -> Submission {
    let workspace = Workspace::load(&ws.join("chibo.toml")).unwrap();
    check(&[path.to_path_buf()], Some(&workspace)).remove(0)
}

/// What was read of each accepted row, cadre and cell by their roster codes.
fn rows_of(ws: &Path, s: &Submission) -> Vec<String> {
    let roster = crate::common::roster(ws);
    s.rows
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                roster[r.cadre.unwrap()].code,
                roster[r.cell.unwrap()].code,
                r.date,
                r.attended,
                r.reason,
                r.members_total,
                r.members_present,
                r.raised,
                r.resolved_on_spot,
                r.rating.map(chibo::model::Rating::label),
                r.note,
            )
        })
        .collect()
}

/// The part `name` of the zip at `path`, as text.
fn zip_part(path: &Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn run_july(ws: &Path) -> Value {
    let out = chibo(&["run", "--month", "2020-07", "--no-email"], ws);
    let summary = std::fs::read_to_string(ws.join("out/2020-07/summary.json"))
        .unwrap_or_else(|e| panic!("no summary.json ({e}): {:?}", text(&out)));
    serde_json::from_str(&summary).unwrap()
}

/// `XlsxWriter`'s constant-memory mode writes every string inline (`t="inlineStr"`), not
/// in a shared-string table; dates are numbers with a custom `dd/mm/yyyy` format, one of
/// them a `DATE()` formula's cached value.
#[test]
fn xlsxwriter_constant_memory_inline_strings_are_read() {
    let name = "report-xlsxwriter-constant-memory.xlsx";
    let sheet = zip_part(&fixture(name), "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"<c r="B6" t="inlineStr"><is><t>Nguyễn Văn Hoà</t>"#));
    assert!(!sheet.contains(r#"t="s""#));
    let (_tmp, ws, path) = in_inbox(name);
    let s = checked(&ws, &path);
    assert_eq!(found(&s), Vec::<String>::new());
    assert_eq!((s.read, s.accepted(), s.rejected), (4, 4, 0));
    assert_eq!(
        rows_of(&ws, &s),
        [
            "BTV01 YC-CD-01 2020-07-05 true None Some(42) Some(30) Some(3) Some(2) Some(\"Tốt\") None",
            "BT01 YC-CS-01 2020-07-08 true None Some(24) Some(19) Some(1) Some(1) Some(\"Khá\") None",
            "BCH01 YC-CD-04 2020-07-31 false Some(BusinessTrip) None None None None None Some(\"Báo trước\")",
            "BTV02 MC-TL-02 2020-07-09 true None Some(33) Some(25) Some(0) Some(0) Some(\"Trung bình\") None",
        ]
    );
    assert_eq!(
        s.rows[0].content.as_deref(),
        Some("Quán triệt Nghị quyết Đại hội")
    );
}

/// The workbook as Excel writes it, part by part: each case is named where it is read.
#[test]
fn excel_habits_are_read_as_the_unit_meant_them() {
    let name = "report-excel-habits.xlsx";
    let sheet = zip_part(&fixture(name), "xl/worksheets/sheet1.xml");
    let strings = zip_part(&fixture(name), "xl/sharedStrings.xml");
    // The fixture holds what the test is about.
    for habit in [
        r#"<dimension ref="A1:Q1048576"/>"#,
        r#"<f t="shared" ref="I6:I7" si="0">"#,
        r#"<c r="I7" s="4"><f t="shared" si="0"/><v>17</v>"#,
        r#"t="str"><f t="shared" si="2"/><v>Khá</v>"#,
        r#"<c r="F8" s="4" t="b"><v>0</v>"#,
        r#"<c r="E8" s="5"><v>44043</v>"#,
        r#"<c r="C10" s="4" t="e">"#,
        "<row><c s=\"4\">",
    ] {
        assert!(sheet.contains(habit), "{habit}");
    }
    assert!(strings.contains("<t>Có_x000D_\ndự</t>"));
    assert!(strings.contains("<t>Ngày\nsinh hoạt</t>"));
    assert!(strings.contains("<t>Nguyễn Văn H</t></r><r>"));

    let (_tmp, ws, path) = in_inbox(name);
    let s = checked(&ws, &path);
    // The #N/A of a lookup rejects its row, said once at its cell; the header's broken
    // labels are recognised (no missing column).
    assert_eq!(found(&s), ["row-bad-value C10"]);
    let na = &s.diagnostics[0];
    assert_eq!(na.message, "ô có lỗi công thức #N/A");
    assert_eq!(na.value.as_deref(), Some("#N/A"));
    assert_eq!((s.read, s.accepted(), s.rejected), (5, 4, 1));
    // Row 6: the name split over two rich-text runs is read whole; I6 and M6 are shared
    // formulas' masters (a number, a text `t="str"`), I7 and M7 their children, read by
    // their cached values; `Có dự` holds booleans; dates are numbers formatted
    // `[$-42A]dd/mm/yyyy` (E6), `dd/mm/yyyy;@` (E7), `"ngày "dd" tháng "mm" năm "yyyy`
    // (E8) and `d\/m\/yyyy` (E9), all read day first. Row 9 and its cells A–F, I, L, M carry no
    // `r` and land in their columns (commune D, present I, resolved L, rating M).
    assert_eq!(s.rows[0].cadre_text, "Nguyễn Văn Hoà");
    assert_eq!(
        rows_of(&ws, &s),
        [
            "BTV01 YC-CD-01 2020-07-05 true None Some(42) Some(30) Some(3) Some(2) Some(\"Tốt\") None",
            "BT01 YC-CS-01 2020-07-08 true None Some(24) Some(17) Some(1) Some(1) Some(\"Khá\") None",
            "BCH01 YC-CD-04 2020-07-31 false Some(BusinessTrip) None None None None None Some(\"Báo trước\")",
            "BTV02 MC-TL-02 2020-07-09 true None Some(33) Some(25) Some(0) Some(0) Some(\"Trung bình\") None",
        ]
    );
    assert_eq!(s.rows[3].commune.as_deref(), Some("Tân Lập"));

    // The consolidated workbook holds the rows as read, the name whole, dates as dates.
    let summary = run_july(&ws);
    assert_eq!(
        summary["rows"],
        serde_json::json!({"read": 5, "accepted": 4, "rejected": 1, "duplicates": 0})
    );
    SheetGrid::open(&ws.join("out/2020-07/tong-hop-2020-07.xlsx"), "Chi tiết").assert_block(
        "D2",
        &[
            &[
                "#6",
                "BTV01",
                "Nguyễn Văn Hoà",
                "YC-CD-01",
                "Bản Mới",
                "@2020-07-05",
                "Có",
            ],
            &[
                "#7",
                "BT01",
                "Tòng Văn Hải",
                "YC-CS-01",
                "Bản Mới",
                "@2020-07-08",
                "Có",
            ],
            &[
                "#8",
                "BCH01",
                "Lường Văn Tám",
                "YC-CD-04",
                "Tiểu khu 1",
                "@2020-07-31",
                "Không",
            ],
            &[
                "#9",
                "BTV02",
                "Quàng Thị Mai",
                "MC-TL-02",
                "Bản Nà Bai",
                "@2020-07-09",
                "Có",
            ],
        ],
    );
}

/// `XlsxWriter`'s chart sheet first and the report on a sheet not named `Báo cáo`: the
/// chart sheet is skipped, the report read.
#[test]
fn a_chart_sheet_before_the_report_is_skipped() {
    let name = "report-chart-sheet.xlsx";
    let book = zip_part(&fixture(name), "xl/workbook.xml");
    assert!(
        book.contains(r#"<sheet name="Biểu đồ" sheetId="1""#),
        "{book}"
    );
    assert!(zip_part(&fixture(name), "[Content_Types].xml").contains("chartsheet+xml"));
    let (_tmp, ws, path) = in_inbox(name);
    let s = checked(&ws, &path);
    assert_eq!(found(&s), Vec::<String>::new());
    assert_eq!(
        rows_of(&ws, &s),
        [
            "BTV01 YC-CD-01 2020-07-05 true None Some(42) Some(30) Some(3) Some(2) Some(\"Tốt\") None",
            "BTV02 MC-TL-02 2020-07-09 true None Some(33) Some(25) Some(0) Some(0) Some(\"Trung bình\") None",
        ]
    );
}

/// Excel merges written by `XlsxWriter`: `Bản Mới` merged down over its two meetings
/// (C6:C7) and a cadre over her two (B9:B10) give their value to every row they cover.
#[test]
fn values_merged_down_belong_to_each_row() {
    let name = "report-vertical-merges.xlsx";
    let sheet = zip_part(&fixture(name), "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"<mergeCell ref="C6:C7"/>"#), "{sheet}");
    assert!(sheet.contains(r#"<mergeCell ref="B9:B10"/>"#), "{sheet}");
    let (_tmp, ws, path) = in_inbox(name);
    let s = checked(&ws, &path);
    assert_eq!(found(&s), Vec::<String>::new());
    assert_eq!(
        rows_of(&ws, &s),
        [
            "BTV01 YC-CD-01 2020-07-05 true None Some(42) Some(30) Some(3) Some(2) Some(\"Tốt\") None",
            "BT01 YC-CS-01 2020-07-08 true None Some(24) Some(19) Some(1) Some(1) Some(\"Khá\") None",
            "BCH01 YC-CD-04 2020-07-31 false Some(BusinessTrip) None None None None None None",
            "BTV02 MC-TL-02 2020-07-09 true None Some(33) Some(25) Some(0) Some(0) Some(\"Trung bình\") None",
            "BTV02 MC-TL-02 2020-07-23 true None Some(33) Some(27) Some(1) Some(1) Some(\"Khá\") None",
        ]
    );
    let summary = run_july(&ws);
    assert_eq!(summary["rows"]["accepted"], 5, "{}", summary["rows"]);
}

/// The top-level workbooks of `tests/fixtures/` but the rosters: what any helper adds
/// is covered without naming it.
fn report_fixtures() -> Vec<String> {
    let dir = fixture("");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            let ext = n.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
            matches!(ext.as_deref(), Some("xlsx" | "xls" | "ods")) && !n.starts_with("roster-")
        })
        .collect();
    names.sort();
    names
}

/// `(severity, code, file, sheet, cell, message)` of each issue, as a set.
fn issues(items: &Value) -> BTreeSet<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{} {} {} {} {} {}",
                i["severity"], i["code"], i["file"], i["sheet"], i["cell"], i["message"]
            )
        })
        .collect()
}

/// Every workbook fixture, alone in a month's inbox: `check` on the file (inside the
/// workspace) and `run` on the month give the same issues, and every row read is
/// accepted, rejected or a duplicate. A file chibo refuses is refused alike by both.
#[test]
fn every_fixture_reads_alike_in_check_and_run() {
    let names = report_fixtures();
    for known in [
        "report-yc-2020-07.xlsx",
        "report-yc-2020-07.xls",
        "report-yc-2020-07.ods",
        "report-password.xlsx",
        "report-excel-habits.xlsx",
        "report-xlsxwriter-constant-memory.xlsx",
    ] {
        assert!(names.iter().any(|n| n == known), "{known} not in {names:?}");
    }
    let (_tmp, ws) = demo();
    for name in &names {
        let folder = only_month(&ws, "2020-07");
        std::fs::copy(fixture(name), folder.join(name)).unwrap();
        let _ = std::fs::remove_dir_all(ws.join("out"));
        let relative = format!("inbox/2020-07/{name}");
        let out = chibo(&["check", "--json", &relative], &ws);
        let checked: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: check --json ({e}): {:?}", text(&out)));
        let summary = run_july(&ws);
        assert_eq!(
            issues(&checked),
            issues(&summary["issues"]),
            "{name}: check (left) and run (right) differ"
        );
        let rows = &summary["rows"];
        assert_eq!(
            rows["read"].as_u64().unwrap(),
            rows["accepted"].as_u64().unwrap()
                + rows["rejected"].as_u64().unwrap()
                + rows["duplicates"].as_u64().unwrap(),
            "{name}: {rows}"
        );
        assert_eq!(summary["files"]["read"], 1, "{name}");
    }
}

//! The layout habits of SPEC §4 on real workbooks: cells merged down over several
//! meetings, TRUE/FALSE in `Có dự`, a `Tổng` totals row, hidden rows and columns, and
//! header labels broken over two lines with Alt+Enter.

use std::path::{Path, PathBuf};

use chibo::commands::check::check;
use chibo::submission::Submission;
use chibo::workspace::Workspace;
use rust_xlsxwriter::{Format, Workbook};

use crate::book::{self, yc_title};
use crate::check::found;
use crate::common::{chibo, demo_workspace as demo, only_month, text};

/// Yên Châu's July report as a unit lays it out (the header on row 6, data from row 7):
/// Nguyễn Văn Hoà and the commune Chiềng Đông merged down over his three meetings
/// (B7:B9, D7:D9), the cell Tiểu khu 1 merged down over two cadres' meetings (C10:C11),
/// `Có dự` as boolean cells and as the text TRUE/FALSE, row 11 and column N (`Ghi chú`)
/// hidden, the date's label typed as `Ngày` Alt+Enter `sinh hoạt`, and a `Tổng` totals
/// row merged across A12:E12.
fn merged_report(path: &Path) {
    let mut rows = yc_title();
    let header = rows.last_mut().unwrap();
    let date = header.iter().position(|l| *l == "Ngày sinh hoạt").unwrap();
    header[date] = "Ngày\nsinh hoạt";
    let cadre = header.iter().position(|l| *l == "Họ và tên").unwrap();
    header[cadre] = "Họ và\r\ntên";
    rows.extend([
        vec!["#1", "", "Bản Mới", "", "@2020-07-05", ""],
        vec!["#2", "", "Bản Nà Cài", "", "@2020-07-12", "FALSE", "Ốm đau"],
        vec!["#3", "", "Bản Hoà", "", "@2020-07-19", "TRUE"],
        vec![
            "#4",
            "Tòng Văn Hải",
            "",
            "",
            "@2020-07-08",
            "",
            "Đi công tác",
        ],
        vec![
            "#5",
            "Lường Văn Tám",
            "",
            "",
            "@2020-07-20",
            "Có",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "ghi chú ẩn",
        ],
        vec!["", "", "", "", "", "=COUNTA(F7:F11)"],
        vec![],
        vec!["", "", "", "", "", "T/M HUYỆN ỦY"],
    ]);
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet().set_name("Báo cáo").unwrap();
    book::fill(sheet, &rows);
    let plain = Format::new();
    sheet
        .merge_range(6, 1, 8, 1, "Nguyễn Văn Hoà", &plain)
        .unwrap();
    sheet
        .merge_range(6, 3, 8, 3, "Chiềng Đông", &plain)
        .unwrap();
    sheet
        .merge_range(9, 2, 10, 2, "Tiểu khu 1", &plain)
        .unwrap();
    sheet.merge_range(11, 0, 11, 4, "Tổng", &plain).unwrap();
    sheet.write_boolean(6, 5, true).unwrap();
    sheet.write_boolean(9, 5, false).unwrap();
    sheet.set_row_hidden(10).unwrap();
    sheet.set_column_hidden(13).unwrap();
    workbook.save(path).unwrap();
}

/// `cadre cell date attended reason note` of each accepted row, by roster codes.
fn rows_of(ws: &Path, s: &Submission) -> Vec<String> {
    let roster = crate::common::roster(ws);
    s.rows
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {} {:?} {:?}",
                roster[r.cadre.unwrap()].code,
                roster[r.cell.unwrap()].code,
                r.date,
                r.attended,
                r.reason,
                r.note
            )
        })
        .collect()
}

fn checked(ws: &Path, path: &Path) -> Submission {
    let workspace = Workspace::load(&ws.join("chibo.toml")).unwrap();
    check(&[path.to_path_buf()], Some(&workspace)).remove(0)
}

const MERGED_ROWS: [&str; 5] = [
    "BTV01 YC-CD-01 2020-07-05 true None None",
    "BTV01 YC-CD-02 2020-07-12 false Some(Sick) None",
    "BTV01 YC-CD-03 2020-07-19 true None None",
    "BT01 YC-CD-04 2020-07-08 false Some(BusinessTrip) None",
    "BCH01 YC-CD-04 2020-07-20 true None Some(\"ghi chú ẩn\")",
];

#[test]
fn merged_cells_booleans_totals_hidden_rows_and_broken_labels_are_read() {
    let (_tmp, ws) = demo();
    let folder = only_month(&ws, "2020-07");
    let path: PathBuf = folder.join("YC-gop-o.xlsx");
    merged_report(&path);
    let s = checked(&ws, &path);
    assert_eq!(found(&s), Vec::<String>::new());
    assert_eq!((s.read, s.accepted(), s.rejected), (5, 5, 0));
    assert_eq!(rows_of(&ws, &s), MERGED_ROWS);

    // `check` and `run` agree on the same file.
    let out = chibo(&["check", path.to_str().unwrap()], &ws);
    let (stdout, _) = text(&out);
    assert!(
        stdout.contains("[YC, tháng 07/2020]: đọc 5 dòng, nhận 5, loại 0"),
        "{stdout}"
    );
    let out = chibo(&["run", "--month", "2020-07", "--no-email"], &ws);
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(ws.join("out/2020-07/summary.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        summary["rows"],
        serde_json::json!({"read": 5, "accepted": 5, "rejected": 0, "duplicates": 0}),
        "{:?}",
        text(&out)
    );
}

/// The same report saved by LibreOffice Calc as .xls and .ods reads the same: calamine
/// gives an .xls's merges, chibo reads an .ods's from its content.
#[test]
fn libreoffice_xls_and_ods_keep_the_merges() {
    if !crate::common::tool("soffice", &["--version"]) {
        return;
    }
    let (tmp, ws) = demo();
    let folder = only_month(&ws, "2020-07");
    let source = tmp.path().join("YC-gop-o.xlsx");
    merged_report(&source);
    for ext in ["xls", "ods"] {
        let saved = crate::common::soffice(&source, ext, tmp.path());
        let path = folder.join(format!("YC-gop-o.{ext}"));
        std::fs::rename(&saved, &path).unwrap();
        let s = checked(&ws, &path);
        assert_eq!(found(&s), Vec::<String>::new(), "{ext}");
        assert_eq!((s.read, s.accepted(), s.rejected), (5, 5, 0), "{ext}");
        assert_eq!(rows_of(&ws, &s), MERGED_ROWS, "{ext}");
        std::fs::remove_file(&path).unwrap();
    }
}

//! `chibo check` on real workbook files: every case of SPEC §4–§6 with its exact cell.

use std::path::{Path, PathBuf};

use chibo::commands::check::check;
use chibo::diagnostic::Severity;
use chibo::submission::columns::{RECOMMENDATIONS, RecCol};
use chibo::submission::{FileStatus, Submission};
use chibo::workspace::Workspace;

use crate::book::{self, yc_title};
use crate::common::{chibo, demo_workspace as demo, text};

/// Checks `files` in the workspace `ws`; every file's rows add up (nothing is lost).
fn check_in(ws: &Path, files: &[PathBuf]) -> Vec<Submission> {
    let workspace = Workspace::load(&ws.join("chibo.toml")).unwrap();
    let checked = check(files, Some(&workspace));
    for s in &checked {
        assert_eq!(
            s.read,
            s.accepted() + s.rejected,
            "{}: rows read = accepted + rejected",
            s.file
        );
        let rejected_rows: std::collections::BTreeSet<u32> = s
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error && d.code.as_str().starts_with("row-"))
            .filter_map(|d| d.location.cell.map(|c| c.row))
            .collect();
        assert_eq!(
            rejected_rows.len(),
            s.rejected,
            "{}: every rejected row has its errors",
            s.file
        );
    }
    checked
}

/// `code cell` of every diagnostic, in order.
pub fn found(s: &Submission) -> Vec<String> {
    s.diagnostics
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d.code,
                d.location.cell.map(|c| c.to_string()).unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn a_well_filled_report_with_the_habits_units_have() {
    let (_tmp, ws) = demo();
    let path = ws.join("inbox/2020-07/Bao cao YC thang 7.xlsx");
    let mut rows = yc_title();
    rows.extend([
        // Dates as a date cell, as text in several forms, and as an Excel serial number.
        vec![
            "#1",
            "Nguyễn Văn Hòa",
            "Bản Mới",
            "Chiềng Đông",
            "@2020-07-05",
            "Có",
            "",
            "#42",
            "#30",
            "Nghị quyết Đại hội",
            "#3",
            "#2",
            "Tốt",
        ],
        vec![
            "#2",
            "Tòng Văn Hải",
            "Bản Mới",
            "xã Chiềng Sàng",
            "8/7/2020",
            "x",
            "",
            "24 đ/c",
            "20",
            "",
            "1",
            "1",
            "khá",
        ],
        vec![],
        vec![
            "#3",
            "đ/c Lường Văn Tám",
            "Tiểu khu 1",
            "",
            "ngày 31 tháng 7 năm 2020",
            "Không",
            "Đi công tác",
        ],
        vec![
            "#4",
            "Quàng Thị Mai",
            "Bản Nà Bai",
            "Tân Lập",
            "#44021",
            "✓",
            "",
            "",
            "",
            "",
            "",
            "",
            "TB",
        ],
        // An earlier month of the year is accepted with a notice.
        vec![
            "#5",
            "Vì Thị Hương",
            "CB Tiểu khu 19/5",
            "",
            "2020-06-28",
            "Đã dự",
            "",
            "",
            "",
            "",
            "",
            "",
            "Kém",
        ],
        // A prefilled planned row left untouched, and a row with only its number.
        vec![
            "#6",
            "Hoàng Văn Quyết",
            "Bản Suối Cù",
            "Phiêng Khoài",
            "@2020-07-18",
        ],
        vec!["#7"],
        vec!["", "Cộng", "", "", "", "", "", "=SUM(H7:H12)"],
        vec![],
        vec!["", "", "", "", "", "T/M HUYỆN ỦY"],
        vec!["#8", "Người không có", "Bản Xa", "", "hôm qua", "?"],
    ]);
    book::write(&path, &[("Báo cáo", rows)]);
    let s = &check_in(&ws, std::slice::from_ref(&path))[0];
    assert_eq!(s.status, FileStatus::Read);
    assert_eq!(
        (
            s.identity.unit.as_deref(),
            s.identity.month.map(|m| m.to_string())
        ),
        (Some("YC"), Some("2020-07".into()))
    );
    assert_eq!(found(s), ["row-earlier-month E12", "row-unfilled F13"]);
    assert_eq!((s.read, s.accepted(), s.rejected), (5, 5, 0));
    let roster = crate::common::roster(&ws);
    let codes: Vec<(&str, &str, String)> = s
        .rows
        .iter()
        .map(|r| {
            (
                roster[r.cadre.unwrap()].code.as_str(),
                roster[r.cell.unwrap()].code.as_str(),
                r.date.to_string(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("BTV01", "YC-CD-01", "2020-07-05".to_owned()),
            ("BT01", "YC-CS-01", "2020-07-08".to_owned()),
            ("BCH01", "YC-CD-04", "2020-07-31".to_owned()),
            ("BTV02", "MC-TL-02", "2020-07-09".to_owned()),
            ("BT02", "MC-NT-01", "2020-06-28".to_owned()),
        ]
    );
    let second = &s.rows[1];
    assert_eq!(
        (second.members_total, second.members_present, second.raised),
        (Some(24), Some(20), Some(1))
    );
    assert!(!s.rows[2].attended);
    assert_eq!(
        s.rows[2].reason,
        Some(chibo::model::AbsenceReason::BusinessTrip)
    );

    // The binary agrees, exits 0 with warnings, and names the workspace-relative file.
    let out = chibo(&["check", path.to_str().unwrap()], &ws);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout
            .contains("inbox/2020-07/Bao cao YC thang 7.xlsx:Báo cáo!F13: warning[row-unfilled]: "),
        "{stdout}"
    );
    assert!(
        stdout.contains("[YC, tháng 07/2020]: đọc 5 dòng, nhận 5, loại 0; 0 lỗi, 1 cảnh báo"),
        "{stdout}"
    );
}

#[test]
fn every_bad_cell_is_named_and_its_row_rejected_once() {
    let (_tmp, ws) = demo();
    let path = ws.join("inbox/2020-07/YC.xlsx");
    let mut rows = yc_title();
    rows.extend([
        vec![
            "#1",
            "Nguyễn Văn Hoà",
            "Bản Mới",
            "Chiềng Đông",
            "31/04/2020",
            "Có",
        ],
        vec![
            "#2",
            "Nguyễn Văn Hoà",
            "Bản Mới",
            "Chiềng Đông",
            "07/13/2020",
            "Có",
        ],
        vec![
            "#3",
            "Nguyễn Văn Hoà",
            "Bản Mới",
            "Chiềng Đông",
            "05/08/2020",
            "Có",
        ],
        vec![
            "#4",
            "Nguyễn Văn Hoà",
            "Bản Mới",
            "Chiềng Đông",
            "05/07/2019",
            "Có",
        ],
        vec!["#5", "Nguyễn Văn Hoà", "Bản Mới", "", "05/07/2020", "Có"],
        vec![
            "#6",
            "Luong Van Tam",
            "Bản Mới",
            "Chiềng Đông",
            "05/07/2020",
            "Có",
        ],
        vec![
            "#7",
            "Lò Văn Ai",
            "Bản Mới",
            "Chiềng Khoa",
            "05/07/2020",
            "Có",
        ],
        vec![
            "#8",
            "Nguyễn Văn Hoà",
            "Bản Mới",
            "Chiềng Đông",
            "05/07/2020",
            "Không",
        ],
        vec![
            "#9",
            "Nguyễn Văn Hoà",
            "Bản Mới",
            "Chiềng Đông",
            "05/07/2020",
            "có lẽ",
            "",
            "-3",
            "2,5",
            "",
            "#2",
            "#3",
            "Xuất sắc",
        ],
        vec![
            "#10",
            "Nguyễn Văn Hoà",
            "Bản Mới",
            "Chiềng Đông",
            "",
            "Có",
            "",
            "#20",
            "#25",
        ],
        vec!["#11", "", "", "", "05/07/2020", "Có"],
    ]);
    book::write(&path, &[("Báo cáo", rows)]);
    let s = &check_in(&ws, std::slice::from_ref(&path))[0];
    assert_eq!(
        found(s),
        [
            "row-bad-date E7",
            "row-bad-date E8",
            "row-date-out-of-range E9",
            "row-date-out-of-range E10",
            "row-unknown-cell C11",
            "row-unknown-cadre B12",
            "row-unknown-cadre B13",
            "row-unknown-cell D13",
            "row-missing-reason G14",
            "row-bad-value F15",
            "row-bad-number H15",
            "row-bad-number I15",
            "row-inconsistent L15",
            "row-bad-value M15",
            "row-missing-value E16",
            "row-inconsistent I16",
            "row-missing-value B17",
            "row-missing-value C17",
        ]
    );
    assert!(
        s.diagnostics
            .iter()
            .all(|d| d.severity == Severity::Error && d.unit.as_deref() == Some("YC"))
    );
    assert_eq!((s.read, s.accepted(), s.rejected), (11, 0, 11));
    let out = chibo(&["check", path.to_str().unwrap()], &ws);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn two_row_headers_codes_and_free_column_order() {
    let (_tmp, ws) = demo();
    let path = ws.join("inbox/2020-07/mai-son.xlsx");
    // Labels as a unit writes them, on purpose: codes instead of names, aliases
    // (`Ngày dự`, `Tham dự`, `Có mặt`, `Đánh giá chất lượng`) and a merged `Kết quả`.
    let rows = vec![
        vec!["HUYỆN ỦY MAI SƠN"],
        vec!["Báo cáo tháng 07/2020"],
        vec![
            "Mã cán bộ",
            "Mã chi bộ",
            "Ngày dự",
            "Kết quả",
            "",
            "",
            "Đánh giá chất lượng",
        ],
        vec!["", "", "", "Tham dự", "Lý do vắng", "Có mặt"],
        vec!["BTV03", "MS-HL-04", "15/07/2020", "Có", "", "#20", "Tốt"],
        vec!["BCH01", "MS-CM-01", "02/07/2020", "Vắng", "Ốm", "", ""],
    ];
    book::write(
        &path,
        &[
            ("Sheet1", vec![vec!["ghi chú của văn phòng"]]),
            ("Báo cáo", rows),
        ],
    );
    let s = &check_in(&ws, std::slice::from_ref(&path))[0];
    assert_eq!(found(s), Vec::<String>::new());
    assert_eq!(s.identity.unit.as_deref(), Some("MS"));
    assert_eq!((s.read, s.accepted()), (2, 2));
    assert_eq!(s.rows[0].members_present, Some(20));
    assert_eq!(s.rows[0].rating, Some(chibo::model::Rating::Tot));
    assert_eq!(s.rows[1].reason, Some(chibo::model::AbsenceReason::Sick));
}

#[test]
fn unit_and_month_come_from_meta_title_or_path_and_must_agree() {
    let (_tmp, ws) = demo();
    let inbox = ws.join("inbox/2020-07");
    let body = |title: &'static str| {
        vec![
            vec![title],
            book::header(),
            vec![
                "#1",
                "Tòng Văn Hải",
                "Bản Mới",
                "Chiềng Sàng",
                "08/07/2020",
                "Có",
            ],
        ]
    };
    book::write(
        &inbox.join("MC.xlsx"),
        &[("Báo cáo", body("HUYỆN ỦY YÊN CHÂU"))],
    );
    book::write(
        &inbox.join("khong-ro.xlsx"),
        &[("Báo cáo", body("Báo cáo"))],
    );
    book::write(
        &inbox.join("thang-sau.xlsx"),
        &[("Báo cáo", body("Huyện ủy Yên Châu, tháng 8/2020"))],
    );
    let meta = vec![
        vec!["unit", "YC"],
        vec!["month", "2020-07"],
        vec!["template_version", "1"],
    ];
    book::write(
        &inbox.join("mau.xlsx"),
        &[("Báo cáo", body("")), ("_chibo", meta)],
    );
    let files: Vec<PathBuf> = ["MC.xlsx", "khong-ro.xlsx", "thang-sau.xlsx", "mau.xlsx"]
        .iter()
        .map(|f| inbox.join(f))
        .collect();
    let checked = check_in(&ws, &files);
    let messages: Vec<(FileStatus, Vec<String>)> = checked
        .iter()
        .map(|s| {
            (
                s.status,
                s.diagnostics
                    .iter()
                    .map(|d| format!("{}: {}", d.code, d.message))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        messages,
        [
            (FileStatus::Unreadable, vec!["file-contradiction: đơn vị không thống nhất: tiêu đề (ô A1) ghi YC; tên tệp ghi MC".to_owned()]),
            (
                FileStatus::Unreadable,
                vec!["file-unidentified: không xác định được đơn vị của tệp; hãy ghi tên đơn vị và «Tháng M năm YYYY» trong tiêu đề, hoặc đặt mã đơn vị trong tên tệp".to_owned()]
            ),
            (FileStatus::Unreadable, vec!["file-contradiction: tháng không thống nhất: tiêu đề (ô A1) ghi 08/2020; thư mục tháng ghi 07/2020".to_owned()]),
            (FileStatus::Read, vec![]),
        ]
    );
    assert!(
        checked[..3]
            .iter()
            .all(|s| s.identity.unit.is_none() && s.diagnostics[0].unit.is_none())
    );
}

#[test]
fn broken_and_foreign_files_do_not_stop_the_batch() {
    let (_tmp, ws) = demo();
    let inbox = ws.join("inbox/2020-07");
    let good = inbox.join("YC.xlsx");
    let mut rows = yc_title();
    rows.push(vec![
        "#1",
        "Nguyễn Văn Hoà",
        "Bản Mới",
        "Chiềng Đông",
        "05/07/2020",
        "Có",
    ]);
    book::write(&good, &[("Báo cáo", rows)]);
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(inbox.join("rong.xlsx"), b"").unwrap();
    std::fs::write(inbox.join("rac.xlsx"), b"PK\x03\x04 not really a zip").unwrap();
    std::fs::write(inbox.join("cut.xlsx"), &bytes[..bytes.len() / 2]).unwrap();
    std::fs::write(inbox.join("ghi-chu.txt"), "Đơn vị MS nộp muộn").unwrap();
    std::fs::write(inbox.join("~$YC.xlsx"), b"lock").unwrap();
    std::fs::copy(
        crate::common::fixture("report-password.xlsx"),
        inbox.join("mat-khau.xlsx"),
    )
    .unwrap();
    let names = [
        "cut.xlsx",
        "ghi-chu.txt",
        "mat-khau.xlsx",
        "rac.xlsx",
        "rong.xlsx",
        "YC.xlsx",
        "~$YC.xlsx",
    ];
    let files: Vec<PathBuf> = names.iter().map(|f| inbox.join(f)).collect();
    let checked = check_in(&ws, &files);
    let outcome: Vec<(String, FileStatus, Vec<String>)> = checked
        .iter()
        .map(|s| (s.file.clone(), s.status, found(s)))
        .collect();
    assert_eq!(
        outcome,
        [
            (
                "inbox/2020-07/cut.xlsx".into(),
                FileStatus::Unreadable,
                vec!["file-unreadable ".to_owned()]
            ),
            (
                "inbox/2020-07/ghi-chu.txt".into(),
                FileStatus::Skipped,
                vec!["file-skipped ".to_owned()]
            ),
            (
                "inbox/2020-07/mat-khau.xlsx".into(),
                FileStatus::Unreadable,
                vec!["file-unreadable ".to_owned()]
            ),
            (
                "inbox/2020-07/rac.xlsx".into(),
                FileStatus::Unreadable,
                vec!["file-unreadable ".to_owned()]
            ),
            (
                "inbox/2020-07/rong.xlsx".into(),
                FileStatus::Unreadable,
                vec!["file-unreadable ".to_owned()]
            ),
            ("inbox/2020-07/YC.xlsx".into(), FileStatus::Read, vec![]),
        ]
    );
    assert_eq!(checked[5].accepted(), 1);
    assert_eq!(checked[4].diagnostics[0].message, "tệp rỗng (0 byte)");
    assert_eq!(
        checked[2].diagnostics[0].message,
        "bảng tính được đặt mật khẩu; hãy gỡ mật khẩu rồi gửi lại"
    );
}

#[test]
fn json_items_have_exactly_the_summary_issue_keys() {
    let (_tmp, ws) = demo();
    let path = ws.join("inbox/2020-07/YC.xlsx");
    let mut rows = yc_title();
    rows.push(vec![
        "#1",
        "Nguyễn Văn Hoà",
        "Bản Mới",
        "Chiềng Đông",
        "31/04/2020",
        "Có",
    ]);
    book::write(&path, &[("Báo cáo", rows)]);
    std::fs::write(ws.join("inbox/2020-07/rong.xlsx"), b"").unwrap();
    let out = chibo(
        &[
            "check",
            "--json",
            "inbox/2020-07/YC.xlsx",
            "inbox/2020-07/rong.xlsx",
        ],
        &ws,
    );
    assert_eq!(out.status.code(), Some(1));
    let items: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(items.len(), 2);
    for item in &items {
        let keys: Vec<&str> = item.keys().map(String::as_str).collect();
        let mut want = [
            "severity", "code", "unit", "file", "sheet", "cell", "message",
        ];
        want.sort_unstable();
        let mut keys = keys.clone();
        keys.sort_unstable();
        assert_eq!(keys, want);
    }
    assert_eq!(items[0]["cell"], "E7");
    assert_eq!(items[0]["unit"], "YC");
    assert_eq!(items[1]["file"], "inbox/2020-07/rong.xlsx");
    assert!(
        items[1]["sheet"].is_null() && items[1]["cell"].is_null() && items[1]["unit"].is_null()
    );
}

#[test]
fn outside_a_workspace_only_structure_and_values_are_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bao-cao.xlsx");
    let mut rows = yc_title();
    rows.push(vec!["#1", "Người Lạ", "Bản Lạ", "", "05/07/2020", "Có"]);
    rows.push(vec!["#2", "Người Lạ", "Bản Lạ", "", "05/13/2020", "Có"]);
    book::write(&path, &[("Báo cáo", rows)]);
    let out = chibo(&["check", "bao-cao.xlsx"], tmp.path());
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("bao-cao.xlsx:Báo cáo!E8: error[row-bad-date]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("[tháng 07/2020]: đọc 2 dòng, nhận 1, loại 1"),
        "{stdout}"
    );
}

/// The `Kiến nghị` sheet is read by the report's table reader: an Excel error in any
/// cell rejects its row with a `rec-bad-row` at that cell (it was once read as the text
/// `#REF!`), legacy-font text is converted with a warning, and the header's unknown and
/// repeated columns are reported as the report's are.
#[test]
fn recommendation_cells_are_read_like_report_cells() {
    let (_tmp, ws) = demo();
    let path = ws.join("inbox/2020-07/YC.xlsx");
    let report = book::yc_report();
    let recs = vec![
        vec![
            "STT",
            "Mã kiến nghị",
            "Chi bộ",
            "Ngày nêu",
            "Nội dung",
            "Người theo dõi",
            "Tình trạng",
            "Ghi chú",
            "Nội dung kiến nghị",
        ],
        vec!["#1", "", "Bản Mới", "05/07/2020", "!#REF!", "", "Đã chuyển"],
        vec![
            "#2",
            "",
            "Bản Mới",
            "06/07/2020",
            "C¨n cø NghÞ ®Þnh sè 15/CP",
            "",
            "Đã chuyển",
        ],
        vec![
            "#3",
            "",
            "Bản Mới",
            "07/07/2020",
            "Nước sạch",
            "",
            "Đã chuyển",
            "!#N/A",
        ],
    ];
    book::write(&path, &[("Báo cáo", report), ("Kiến nghị", recs)]);
    let s = &check_in(&ws, std::slice::from_ref(&path))[0];
    assert_eq!(
        found(s),
        [
            "rec-unknown-column F1",
            "rec-duplicate-column I1",
            "rec-bad-row E2",
            "text-legacy-encoding E3",
            "rec-bad-row H4",
        ]
    );
    let bad = &s.diagnostics[2];
    assert_eq!(bad.message, "ô có lỗi công thức #REF!");
    assert_eq!(bad.value.as_deref(), Some("#REF!"));
    let got: Vec<(&str, &str)> = s
        .recommendations
        .iter()
        .map(|r| (r.code.as_str(), r.content.as_str()))
        .collect();
    assert_eq!(got, [("YC-202007-2", "Căn cứ Nghị định số 15/CP")]);
}

/// A `Kiến nghị` header without a required column: one `rec-bad-row` per missing column
/// at the header's first cell, worded as the report's, and no row is read.
#[test]
fn a_recommendations_header_missing_columns_is_one_error_per_column() {
    let (_tmp, ws) = demo();
    let path = ws.join("inbox/2020-07/YC.xlsx");
    let report = book::yc_report();
    let recs = vec![
        vec!["KIẾN NGHỊ"],
        vec!["", "Mã kiến nghị", "Nội dung"],
        vec!["", "", "Nước sạch"],
    ];
    book::write(&path, &[("Báo cáo", report), ("Kiến nghị", recs)]);
    let s = &check_in(&ws, std::slice::from_ref(&path))[0];
    assert_eq!(found(s), ["rec-bad-row B2", "rec-bad-row B2"]);
    let messages: Vec<&str> = s.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "dòng tiêu đề 2 thiếu cột «Ngày nêu»; không đọc được kiến nghị",
            "dòng tiêu đề 2 thiếu cột «Tình trạng»; không đọc được kiến nghị",
        ]
    );
    assert!(s.recommendations.is_empty());
}

/// The same report saved by `LibreOffice` Calc as .xlsx, .xls and .ods, with formulas
/// (read by their cached values), date cells from typed `dd/mm/yyyy`, a `DATE()`
/// formula left as a bare serial, a totals row and a footer.
#[test]
fn libreoffice_files_in_every_format_read_the_same() {
    let (_tmp, ws) = demo();
    let roster = crate::common::roster(&ws);
    for ext in ["xlsx", "xls", "ods"] {
        let path = ws.join(format!("inbox/2020-07/YC-bao-cao.{ext}"));
        std::fs::copy(
            crate::common::fixture(&format!("report-yc-2020-07.{ext}")),
            &path,
        )
        .unwrap();
        let s = &check_in(&ws, std::slice::from_ref(&path))[0];
        assert_eq!(found(s), Vec::<String>::new(), "{ext}");
        assert_eq!((s.read, s.accepted(), s.rejected), (4, 4, 0), "{ext}");
        let rows: Vec<String> = s
            .rows
            .iter()
            .map(|r| {
                format!(
                    "{} {} {} {} {:?} {:?} {:?} {:?} {:?}",
                    roster[r.cadre.unwrap()].code,
                    roster[r.cell.unwrap()].code,
                    r.date,
                    r.attended,
                    r.members_total,
                    r.members_present,
                    r.raised,
                    r.resolved_on_spot,
                    r.rating.map(chibo::model::Rating::label)
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                "BTV01 YC-CD-01 2020-07-05 true Some(42) Some(30) Some(3) Some(2) Some(\"Tốt\")",
                "BT01 YC-CS-01 2020-07-08 true Some(24) Some(19) Some(1) Some(1) Some(\"Khá\")",
                "BCH01 YC-CD-04 2020-07-31 false None None None None None",
                "BTV02 MC-TL-02 2020-07-09 true Some(33) Some(25) Some(0) Some(0) Some(\"Trung bình\")",
            ],
            "{ext}"
        );
        assert_eq!(
            s.rows[0].content.as_deref(),
            Some("Quán triệt Nghị quyết Đại hội"),
            "{ext}"
        );
    }
}

/// Names typed with the old TCVN3 (`.VnTime`) and VNI fonts are converted, matched, and
/// reported as warnings quoting what was typed.
#[test]
fn legacy_font_text_is_converted_and_matched() {
    let (_tmp, ws) = demo();
    let roster = crate::common::roster(&ws);
    let path = ws.join("inbox/2020-07/YC.xlsx");
    let mut rows = yc_title();
    rows.push(vec![
        "#1",
        "NguyÔn V¨n Hoµ",
        "Baûn Môùi",
        "Chiềng Đông",
        "05/07/2020",
        "Không",
        "§i c«ng t¸c",
    ]);
    book::write(&path, &[("Báo cáo", rows)]);
    let s = &check_in(&ws, std::slice::from_ref(&path))[0];
    assert_eq!(
        found(s),
        [
            "text-legacy-encoding B7",
            "text-legacy-encoding C7",
            "text-legacy-encoding G7"
        ]
    );
    let values: Vec<&str> = s
        .diagnostics
        .iter()
        .filter_map(|d| d.value.as_deref())
        .collect();
    assert_eq!(values, ["NguyÔn V¨n Hoµ", "Baûn Môùi", "§i c«ng t¸c"]);
    assert!(
        s.diagnostics[0].message.contains("TCVN3")
            && s.diagnostics[0].message.contains("«Nguyễn Văn Hoà»")
    );
    assert!(s.diagnostics[1].message.contains("VNI"));
    let row = &s.rows[0];
    assert_eq!(
        (
            row.cadre.map(|c| roster[c].code.as_str()),
            row.cell.map(|c| roster[c].code.as_str())
        ),
        (Some("BTV01"), Some("YC-CD-01"))
    );
    assert_eq!(row.cadre_text, "Nguyễn Văn Hoà");
    assert_eq!(row.reason, Some(chibo::model::AbsenceReason::BusinessTrip));
}

/// `text` typed with a `.VnTime` (TCVN3) font, as the workbook stores it.
fn tcvn3(text: &str) -> String {
    chibo::text::encode_legacy(text, chibo::text::LegacyEncoding::Tcvn3).unwrap()
}

/// TCVN3's `ư` is stored as U+00AD, the soft hyphen that cleaning removes: the legacy
/// check reads the text as stored, so `Phường` and `Lường` are read, not `Phêng` and
/// `Lêng`, and the row is matched and accepted.
#[test]
fn tcvn3_u_horn_is_read_before_cleaning() {
    let (_tmp, ws) = demo();
    let roster = crate::common::roster(&ws);
    let path = ws.join("inbox/2020-07/TP.xlsx");
    let (cadre, cell, commune) = (
        tcvn3("Lường Văn Tâm"),
        tcvn3("Bản Cọ"),
        tcvn3("Phường Quyết Thắng"),
    );
    assert!(cadre.contains('\u{ad}') && commune.contains('\u{ad}'));
    let rows = vec![
        vec!["BÁO CÁO KẾT QUẢ DỰ SINH HOẠT CHI BỘ KHU DÂN CƯ THÁNG 7 NĂM 2020"],
        vec![],
        book::header(),
        vec!["#1", &cadre, &cell, &commune, "05/07/2020", "Có"],
    ];
    book::write(&path, &[("Báo cáo", rows)]);
    let s = &check_in(&ws, std::slice::from_ref(&path))[0];
    assert_eq!(
        found(s),
        [
            "text-legacy-encoding B4",
            "text-legacy-encoding C4",
            "text-legacy-encoding D4"
        ]
    );
    assert!(
        s.diagnostics[2].message.contains("«Phường Quyết Thắng»"),
        "{}",
        s.diagnostics[2].message
    );
    assert_eq!(s.diagnostics[2].value.as_deref(), Some(commune.as_str()));
    assert_eq!((s.read, s.accepted(), s.rejected), (1, 1, 0));
    let row = &s.rows[0];
    assert_eq!(
        (
            row.cadre.map(|c| roster[c].code.as_str()),
            row.cell.map(|c| roster[c].code.as_str())
        ),
        (Some("BTV04"), Some("TP-QT-04"))
    );
    assert_eq!(row.cadre_text, "Lường Văn Tâm");
    assert_eq!(row.commune.as_deref(), Some("Phường Quyết Thắng"));
}

/// `text` typed with a VNI font, as the workbook stores it.
fn vni(text: &str) -> String {
    chibo::text::encode_legacy(text, chibo::text::LegacyEncoding::Vni).unwrap()
}

/// Marks, ratings, statuses and dates typed as text in a legacy font are converted
/// before they are read, each with the same warning as names: `Đã dự`, `Không`,
/// `Trung bình`, `ngày 5 tháng 7 năm 2020` in TCVN3; `Đã chuyển` and a date in VNI.
#[test]
fn legacy_marks_ratings_statuses_and_dates_are_converted() {
    let (_tmp, ws) = demo();
    let path = ws.join("inbox/2020-07/YC.xlsx");
    let (date, went, rating) = (
        tcvn3("ngày 5 tháng 7 năm 2020"),
        tcvn3("Đã dự"),
        tcvn3("Trung bình"),
    );
    let (not_went, reason) = (tcvn3("Không"), tcvn3("Ốm đau"));
    let mut report = yc_title();
    report.push(vec![
        "#1",
        "Nguyễn Văn Hoà",
        "Bản Mới",
        "Chiềng Đông",
        &date,
        &went,
        "",
        "#42",
        "#30",
        "",
        "#2",
        "#1",
        &rating,
    ]);
    report.push(vec![
        "#2",
        "Tòng Văn Hải",
        "Bản Mới",
        "Chiềng Sàng",
        "08/07/2020",
        &not_went,
        &reason,
    ]);
    let header: Vec<&str> = RECOMMENDATIONS
        .iter()
        .filter(|c| c.key != RecCol::CellCode)
        .map(chibo::ingest::Column::canonical)
        .collect();
    let (raised, status) = (vni("ngày 6 tháng 7 năm 2020"), vni("Đã chuyển"));
    let recs = vec![
        header,
        vec!["#1", "", "Bản Mới", &raised, "Nước sạch", "", "", &status],
    ];
    book::write(&path, &[("Báo cáo", report), ("Kiến nghị", recs)]);
    let s = &check_in(&ws, std::slice::from_ref(&path))[0];
    assert_eq!(
        found(s),
        [
            "text-legacy-encoding E7",
            "text-legacy-encoding F7",
            "text-legacy-encoding M7",
            "text-legacy-encoding F8",
            "text-legacy-encoding G8",
            "text-legacy-encoding D2",
            "text-legacy-encoding H2",
        ]
    );
    assert!(
        s.diagnostics
            .iter()
            .all(|d| d.severity == Severity::Warning)
    );
    let quoted: Vec<&str> = s
        .diagnostics
        .iter()
        .filter_map(|d| d.value.as_deref())
        .collect();
    assert_eq!(
        quoted,
        [&date, &went, &rating, &not_went, &reason, &raised, &status]
    );
    assert!(s.diagnostics[5].message.contains("VNI"));
    assert_eq!((s.read, s.accepted(), s.rejected), (2, 2, 0));
    let rows: Vec<String> = s
        .rows
        .iter()
        .map(|r| {
            format!(
                "{} {} {:?} {:?}",
                r.date,
                r.attended,
                r.reason,
                r.rating.map(chibo::model::Rating::label)
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            "2020-07-05 true None Some(\"Trung bình\")",
            "2020-07-08 false Some(Sick) None"
        ]
    );
    let recs: Vec<String> = s
        .recommendations
        .iter()
        .map(|r| format!("{} {:?}", r.raised_on, r.status))
        .collect();
    assert_eq!(recs, ["2020-07-06 Forwarded"]);
}

/// A report whose title block and header row were typed with a `.VnTime` font: the
/// labels are read (`Cã dù`, TCVN3's `Có dự`, reads as Vietnamese either way, but only
/// one reading is a label), the title gives the unit and month, each cell with a
/// warning, and the row is read.
#[test]
fn legacy_title_block_and_header_labels_are_read() {
    let (_tmp, ws) = demo();
    let path = ws.join("inbox/2020-07/bao-cao.xlsx");
    let title: Vec<Vec<String>> = book::yc_title()
        .iter()
        .map(|row| row.iter().map(|cell| tcvn3(cell)).collect())
        .collect();
    let header: Vec<String> = book::header().iter().map(|l| tcvn3(l)).collect();
    assert_eq!(header[5], "Cã dù");
    let mut rows: Vec<Vec<&str>> = title[..5]
        .iter()
        .map(|row| row.iter().map(String::as_str).collect())
        .collect();
    rows.push(header.iter().map(String::as_str).collect());
    rows.push(book::YC_MEETING.to_vec());
    book::write(&path, &[("Báo cáo", rows)]);
    let s = &check_in(&ws, std::slice::from_ref(&path))[0];
    let mut want: Vec<String> = ["A1", "F1", "A3", "A4"]
        .iter()
        .map(|c| format!("text-legacy-encoding {c}"))
        .collect();
    // Every label but `STT`, which is ASCII.
    want.extend(('B'..='N').map(|c| format!("text-legacy-encoding {c}6")));
    assert_eq!(found(s), want);
    assert!(
        s.diagnostics
            .iter()
            .all(|d| d.severity == Severity::Warning)
    );
    let read = |cell: &str| {
        let d = s
            .diagnostics
            .iter()
            .find(|d| d.location.cell.map(|c| c.to_string()).as_deref() == Some(cell))
            .unwrap();
        (d.value.clone().unwrap(), d.message.clone())
    };
    let (typed, message) = read("A1");
    assert_eq!(typed, title[0][0]);
    assert!(message.contains("«HUYỆN ỦY YÊN CHÂU»"), "{message}");
    let (typed, message) = read("F6");
    assert_eq!(typed, "Cã dù");
    assert!(
        message.contains("TCVN3") && message.contains("«Có dự»"),
        "{message}"
    );
    assert_eq!(s.identity.unit.as_deref(), Some("YC"));
    assert_eq!(
        s.identity.month.map(|m| m.to_string()).as_deref(),
        Some("2020-07")
    );
    assert_eq!((s.read, s.accepted(), s.rejected), (1, 1, 0));
}

/// Marks and ratings that read as Vietnamese either way (TCVN3 `Cã` for `Có`, VNI
/// `Toát` for `Tốt`) or are one weak word (TCVN3 `KÐm` for `Kém`) are read by their
/// closed list: no word of it as typed, exactly one reading is. A word of the list as
/// typed (`Có`) stays, and Latin-1 that no reading makes a word (`Café`) is an error.
#[test]
fn ambiguous_legacy_marks_are_read_by_their_list() {
    let (_tmp, ws) = demo();
    let path = ws.join("inbox/2020-07/YC.xlsx");
    let (yes, good, poor) = (tcvn3("Có"), vni("Tốt"), tcvn3("Kém"));
    assert_eq!((yes.as_str(), good.as_str()), ("Cã", "Toát"));
    let meeting = |name, cell, commune, day, went, rating| {
        vec![
            "#1", name, cell, commune, day, went, "", "", "", "", "", "", rating,
        ]
    };
    let mut report = yc_title();
    report.extend([
        meeting(
            "Nguyễn Văn Hoà",
            "Bản Mới",
            "Chiềng Đông",
            "05/07/2020",
            &yes,
            &good,
        ),
        meeting(
            "Tòng Văn Hải",
            "Bản Mới",
            "Chiềng Sàng",
            "08/07/2020",
            "Có",
            &poor,
        ),
        meeting(
            "Tòng Văn Hải",
            "Bản Mới",
            "Chiềng Sàng",
            "09/07/2020",
            "Có",
            "Café",
        ),
    ]);
    book::write(&path, &[("Báo cáo", report)]);
    let s = &check_in(&ws, std::slice::from_ref(&path))[0];
    assert_eq!(
        found(s),
        [
            "text-legacy-encoding F7",
            "text-legacy-encoding M7",
            "text-legacy-encoding M8",
            "row-bad-value M9"
        ]
    );
    let quoted: Vec<&str> = s
        .diagnostics
        .iter()
        .filter_map(|d| d.value.as_deref())
        .collect();
    assert_eq!(quoted, [yes.as_str(), good.as_str(), poor.as_str(), "Café"]);
    assert!(s.diagnostics[1].message.contains("VNI") && s.diagnostics[1].message.contains("«Tốt»"));
    assert_eq!((s.read, s.accepted(), s.rejected), (3, 2, 1));
    let rows: Vec<String> = s
        .rows
        .iter()
        .map(|r| {
            format!(
                "{} {:?}",
                r.attended,
                r.rating.map(chibo::model::Rating::label)
            )
        })
        .collect();
    assert_eq!(rows, ["true Some(\"Tốt\")", "true Some(\"Kém\")"]);
}

/// Sheet names typed in a legacy font are recognised, with a warning on the sheet:
/// `B¸o c¸o` and `KiÕn nghÞ` (TCVN3) are the report and the recommendations.
#[test]
fn legacy_sheet_names_are_recognised() {
    let (_tmp, ws) = demo();
    let path = ws.join("inbox/2020-07/YC.xlsx");
    let (report_name, recs_name) = (tcvn3("Báo cáo"), tcvn3("Kiến nghị"));
    let header: Vec<&str> = RECOMMENDATIONS
        .iter()
        .filter(|c| c.key != RecCol::CellCode)
        .map(chibo::ingest::Column::canonical)
        .collect();
    let recs = vec![
        header,
        vec![
            "#1",
            "",
            "Bản Mới",
            "06/07/2020",
            "Nước sạch",
            "",
            "",
            "Đã chuyển",
        ],
    ];
    // The report sheet comes second: it is found by its name, not as the first sheet.
    book::write(
        &path,
        &[(&recs_name, recs), (&report_name, book::yc_report())],
    );
    let s = &check_in(&ws, std::slice::from_ref(&path))[0];
    let sheets: Vec<(String, Option<&str>)> = s
        .diagnostics
        .iter()
        .map(|d| (d.code.to_string(), d.value.as_deref()))
        .collect();
    assert_eq!(
        sheets,
        [
            (
                "text-legacy-encoding".to_owned(),
                Some(report_name.as_str())
            ),
            ("text-legacy-encoding".to_owned(), Some(recs_name.as_str())),
        ]
    );
    assert!(s.diagnostics[1].message.contains("«Kiến nghị»"));
    assert_eq!((s.read, s.accepted(), s.rejected), (1, 1, 0));
    assert_eq!(s.recommendations.len(), 1);
}

#[test]
fn recommendations_get_codes_and_bad_cells_are_named() {
    let (_tmp, ws) = demo();
    let roster = crate::common::roster(&ws);
    let path = ws.join("inbox/2020-07/YC.xlsx");
    let mut report = yc_title();
    report.push(vec![
        "#1",
        "Nguyễn Văn Hoà",
        "Bản Mới",
        "Chiềng Đông",
        "05/07/2020",
        "Có",
        "",
        "",
        "",
        "",
        "#2",
        "#1",
    ]);
    // The template's recommendations header: every column but the cell code.
    let header: Vec<&str> = RECOMMENDATIONS
        .iter()
        .filter(|c| c.key != RecCol::CellCode)
        .map(chibo::ingest::Column::canonical)
        .collect();
    let recs = vec![
        vec!["DANH SÁCH KIẾN NGHỊ THÁNG 7/2020"],
        header,
        vec![
            "#1",
            "",
            "Bản Nà Cài",
            "05/07/2020",
            "Sửa đường liên bản",
            "Giao thông",
            "UBND xã",
            "Đã chuyển",
        ],
        vec![
            "#2",
            "YC-202006-1",
            "Bản Mới",
            "10/06/2020",
            "Nước sạch",
            "",
            "",
            "Đã giải quyết",
            "20/07/2020",
        ],
        vec![
            "#3",
            "",
            "Tiểu khu 1",
            "32/07/2020",
            "Đèn đường",
            "",
            "",
            "Đang giải quyết",
        ],
        vec![
            "#4",
            "",
            "Tiểu khu 1",
            "12/07/2020",
            "Loa truyền thanh",
            "",
            "",
            "Xong",
        ],
        vec![
            "#5",
            "",
            "Tiểu khu 1",
            "15/07/2020",
            "Lắp đèn ngõ 3",
            "",
            "",
            "Giải quyết tại chỗ",
        ],
        vec![],
        vec!["Người lập", "", "", "", "rác", "", "", "?"],
    ];
    book::write(&path, &[("Báo cáo", report), ("Kiến nghị", recs)]);
    let s = &check_in(&ws, std::slice::from_ref(&path))[0];
    assert_eq!(found(s), ["rec-bad-row D5", "rec-bad-row H6"]);
    let got: Vec<(String, bool, Option<&str>, String, &str)> = s
        .recommendations
        .iter()
        .map(|r| {
            (
                r.code.clone(),
                r.is_new,
                r.cell.map(|c| roster[c].code.as_str()),
                r.raised_on.to_string(),
                r.status.label(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "YC-202007-1".into(),
                true,
                Some("YC-CD-02"),
                "2020-07-05".into(),
                "Đã chuyển"
            ),
            (
                "YC-202006-1".into(),
                false,
                None,
                "2020-06-10".into(),
                "Đã giải quyết"
            ),
            (
                "YC-202007-4".into(),
                true,
                Some("YC-CD-04"),
                "2020-07-15".into(),
                "Giải quyết tại chỗ"
            ),
        ]
    );
    assert_eq!(
        s.recommendations[1]
            .resolved_on
            .map(|d| d.to_string())
            .as_deref(),
        Some("2020-07-20")
    );
    // Recommendation rows are not report rows.
    assert_eq!((s.read, s.accepted()), (1, 1));
}

/// A file whose unit or month contradicts itself is reported at the title cell that
/// gave the contradicting value (SPEC §4); with no title cell involved, at the file.
#[test]
fn contradictions_are_at_the_title_cell() {
    let (_tmp, ws) = demo();
    let inbox = ws.join("inbox/2020-07");
    let row = vec![
        "#1",
        "Tòng Văn Hải",
        "Bản Mới",
        "Chiềng Sàng",
        "08/07/2020",
        "Có",
    ];
    let title = vec![
        vec!["BÁO CÁO"],
        vec!["", "Huyện ủy Yên Châu"],
        vec!["", "", "Tháng 8 năm 2020"],
        book::header(),
        row.clone(),
    ];
    book::write(&inbox.join("YC.xlsx"), &[("BC thang 7", title)]);
    let plain = vec![vec!["BÁO CÁO"], book::header(), row];
    book::write(&inbox.join("YC_MC.xlsx"), &[("Báo cáo", plain)]);
    let checked = check_in(&ws, &[inbox.join("YC.xlsx"), inbox.join("YC_MC.xlsx")]);
    let at: Vec<Vec<String>> = checked
        .iter()
        .map(|s| {
            s.diagnostics
                .iter()
                .map(|d| format!("{}: {}[{}]", d.location, d.severity, d.code))
                .collect()
        })
        .collect();
    assert_eq!(
        at,
        [
            vec!["inbox/2020-07/YC.xlsx:BC thang 7!C3: error[file-contradiction]"],
            vec!["inbox/2020-07/YC_MC.xlsx: error[file-contradiction]"],
        ]
    );
    assert!(
        checked[0].diagnostics[0]
            .message
            .contains("tiêu đề (ô C3) ghi 08/2020; thư mục tháng ghi 07/2020"),
        "{}",
        checked[0].diagnostics[0]
    );
}

/// `check` takes a folder (its files directly in it, as `run` reads a month folder) and a
/// pattern the shell left unexpanded (a Windows console passes `*` as it is); both give
/// what naming the files one by one gives. A pattern that matches nothing is a usage
/// error, not an empty success.
#[test]
fn check_takes_folders_and_unexpanded_patterns() {
    let (_tmp, ws) = demo();
    let mut named: Vec<String> = std::fs::read_dir(ws.join("inbox/2020-07"))
        .unwrap()
        .map(|e| format!("inbox/2020-07/{}", e.unwrap().file_name().to_string_lossy()))
        .filter(|n| !n.ends_with("received.txt"))
        .collect();
    named.sort();
    let mut args = vec!["check"];
    args.extend(named.iter().map(String::as_str));
    let one_by_one = chibo(&args, &ws);
    let folder = chibo(&["check", "inbox/2020-07"], &ws);
    let pattern = chibo(&["check", "inbox/2020-07/*"], &ws);
    assert_eq!(folder.status.code(), Some(1), "{:?}", text(&folder));
    assert_eq!(text(&folder).0, text(&one_by_one).0);
    assert_eq!(text(&pattern).0, text(&one_by_one).0);
    assert!(!text(&folder).0.contains("received.txt"));
    let xlsx = chibo(&["check", "inbox/2020-07/*.xlsx"], &ws);
    let (stdout, _) = text(&xlsx);
    assert!(stdout.contains("TP Sơn La thang 7.xlsx") && !stdout.contains(".xls:"));
    let none = chibo(&["check", "inbox/2020-07/*.csv"], &ws);
    assert_eq!(none.status.code(), Some(2));
    assert_eq!(
        text(&none).1,
        "chibo: không có tệp nào khớp với «inbox/2020-07/*.csv»\n"
    );
}

/// A subfolder or a link in a month folder is neither followed nor read, and both `run`
/// and `check` say so with a notice; the month's file counts do not include them.
#[cfg(unix)]
#[test]
fn subfolders_and_links_are_not_followed_and_said_so() {
    let (_tmp, ws) = demo();
    let month = ws.join("inbox/2020-07");
    std::fs::create_dir(month.join("cu")).unwrap();
    std::fs::copy(
        month.join("TP Sơn La thang 7.xlsx"),
        month.join("cu/TP cu.xlsx"),
    )
    .unwrap();
    std::os::unix::fs::symlink(month.join("cu/TP cu.xlsx"), month.join("TP link.xlsx")).unwrap();
    let notices = |stdout: &str| -> Vec<String> {
        stdout
            .lines()
            .filter(|l| l.contains("inbox-not-followed"))
            .map(|l| l.split(':').next().unwrap().to_owned())
            .collect()
    };
    let expected = ["inbox/2020-07/TP link.xlsx", "inbox/2020-07/cu"];
    let checked = chibo(&["check", "inbox/2020-07"], &ws);
    assert_eq!(notices(&text(&checked).0), expected, "{:?}", text(&checked));
    let run = chibo(&["run", "--no-email", "--month", "2020-07"], &ws);
    assert_eq!(notices(&text(&run).0), expected, "{:?}", text(&run));
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(ws.join("out/2020-07/summary.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(summary["files"]["read"], 5, "the demo's five files only");
}

/// A pipe named on the command line is said to be no regular file, and `check` does not
/// wait on it; a file name with a line break is escaped, so it cannot forge a line.
#[cfg(unix)]
#[test]
fn pipes_are_not_read_and_names_cannot_forge_lines() {
    let (_tmp, ws) = demo();
    let month = ws.join("inbox/2020-07");
    let fifo = month.join("ong.xlsx");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("note: mkfifo unavailable; skipped");
        return;
    }
    let out = chibo(&["check", "inbox/2020-07/ong.xlsx"], &ws);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout
            .contains("inbox/2020-07/ong.xlsx: notice[inbox-not-followed]: không phải tệp thường"),
        "{stdout}"
    );
    std::fs::remove_file(&fifo).unwrap();
    let forged = month.join("YC.xlsx\nTP.xlsx: error[row-bad-date]: giả.xlsx");
    std::fs::copy(month.join("TP Sơn La thang 7.xlsx"), &forged).unwrap();
    let out = chibo(&["check", "inbox/2020-07"], &ws);
    let (stdout, _) = text(&out);
    assert!(
        stdout.lines().all(|l| !l.starts_with("TP.xlsx: error")),
        "{stdout}"
    );
    assert!(stdout.contains("YC.xlsx\\nTP.xlsx"), "{stdout}");
}

/// Inside a workspace `check` reports what `run` finds against the year's other files:
/// a row repeated in the file, attendance outside the cadre's area. A file kept outside
/// the inbox (the unit's own copy) is judged as if it arrived now.
#[test]
fn check_in_a_workspace_reports_what_run_finds_against_the_year() {
    let (_tmp, ws) = demo();
    let roster = crate::common::roster(&ws);
    // A Mộc Châu cadre at a Yên Châu cell: outside the area of a unit-group cadre.
    let outsider = roster.cadre("BTV02").unwrap().name.clone();
    let cell = roster.cell("YC-CD-04").unwrap();
    let commune = cell.commune.clone().unwrap_or_default();
    let mut rows = book::yc_report();
    rows.push(book::YC_MEETING.to_vec());
    rows.push(vec![
        "#3",
        &outsider,
        &cell.name,
        &commune,
        "09/07/2020",
        "Có",
    ]);
    let copy = ws.join("YC-ban-cua-don-vi.xlsx");
    book::write(&copy, &[("Báo cáo", rows)]);
    let out = chibo(&["check", "YC-ban-cua-don-vi.xlsx"], &ws);
    let (stdout, _) = text(&out);
    let codes: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split_once(": ")?.1.split_once(':').map(|(c, _)| c))
        .collect();
    assert_eq!(
        codes,
        ["warning[row-duplicate]", "warning[row-outside-area]"],
        "{stdout}"
    );
    assert!(stdout.contains("YC-ban-cua-don-vi.xlsx:Báo cáo!A8: warning[row-duplicate]"));
}

/// The rows and recommendations of a submission as the roster knows them, every field.
fn read_back(s: &Submission, roster: &chibo::roster::Roster) -> Vec<String> {
    let mut out: Vec<String> = s
        .rows
        .iter()
        .map(|r| {
            format!(
                "{} {} {:?} {} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                r.cadre.map_or("?", |c| roster[c].code.as_str()),
                r.cell.map_or("?", |c| roster[c].code.as_str()),
                r.commune,
                r.date,
                r.attended,
                r.reason,
                r.members_total,
                r.members_present,
                r.content,
                r.raised,
                r.resolved_on_spot,
                r.rating.map(chibo::model::Rating::label),
                r.note,
            )
        })
        .collect();
    out.extend(s.recommendations.iter().map(|r| {
        format!(
            "{} {:?} {} {} {:?} {:?} {:?} {:?}",
            r.code, r.cell_text, r.raised_on, r.content, r.field, r.agency, r.status, r.resolved_on
        )
    }));
    out
}

/// The report of `tests/fixtures/make-legacy.py` typed with TCVN3 and with VNI fonts, in
/// every kind of field (sheet names, title block, labels, names, dates as text, marks,
/// ratings, statuses, the footer), reads as its Unicode original: the same rows accepted
/// with the same values, the unit and month from the legacy title. Words that only the
/// rest of the file decides (TCVN3 `Tèt` in a note and `TiÓu khu 1`, a cell; VNI
/// `Toát` and `Tieåu khu 1`) are read in the file's encoding, and the genuine Latin-1
/// content `Café Hélène, Zürich` is untouched.
#[test]
fn legacy_font_fixtures_read_as_their_unicode_original() {
    let (_tmp, ws) = demo();
    let roster = crate::common::roster(&ws);
    let read = |variant: &str| {
        let path = ws.join(format!("inbox/2020-07/YC-{variant}.xlsx"));
        let fixture = crate::common::fixture(&format!("report-legacy-{variant}.xlsx"));
        std::fs::copy(fixture, &path).unwrap();
        check_in(&ws, std::slice::from_ref(&path)).remove(0)
    };
    let original = read("unicode");
    assert_eq!(found(&original), Vec::<String>::new());
    assert_eq!(
        (original.read, original.accepted(), original.rejected),
        (4, 4, 0)
    );
    let want = read_back(&original, &roster);
    assert_eq!(want.len(), 6, "four meetings and two recommendations");
    assert!(
        want[0].ends_with("Some(\"Tốt\") Some(\"Tốt\")"),
        "{}",
        want[0]
    );
    for variant in ["tcvn3", "vni"] {
        let s = read(variant);
        let unit = s.identity.unit.as_deref();
        let month = s.identity.month.map(|m| m.to_string());
        assert_eq!(
            (unit, month.as_deref()),
            (Some("YC"), Some("2020-07")),
            "{variant}"
        );
        assert_eq!((s.read, s.accepted(), s.rejected), (4, 4, 0), "{variant}");
        assert_eq!(read_back(&s, &roster), want, "{variant}");
        assert_eq!(
            s.rows[1].content.as_deref(),
            Some("Café Hélène, Zürich"),
            "{variant}"
        );
        // Every conversion is a warning, and nothing else is said.
        let others: Vec<String> = found(&s)
            .into_iter()
            .filter(|d| !d.starts_with("text-legacy-encoding"))
            .collect();
        assert_eq!(others, Vec::<String>::new(), "{variant}");
        let quoted: Vec<&str> = s
            .diagnostics
            .iter()
            .filter_map(|d| d.value.as_deref())
            .collect();
        assert!(!quoted.contains(&"Café Hélène, Zürich"), "{variant}");
        let sheets: Vec<&str> = s
            .diagnostics
            .iter()
            .filter(|d| d.location.cell.is_none())
            .filter_map(|d| d.location.sheet.as_deref())
            .collect();
        assert_eq!(sheets.len(), 2, "{variant}: both sheet names, {sheets:?}");
    }
}

/// A file whose legacy title makes it unreadable (its month contradicts the folder's)
/// keeps the warnings about its legacy text beside the error: the user learns both.
#[test]
fn legacy_warnings_stay_when_the_file_is_unreadable() {
    let (_tmp, ws) = demo();
    let path = ws.join("inbox/2020-07/bao-cao.xlsx");
    let title: Vec<Vec<String>> = book::yc_title()
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| tcvn3(&cell.replace("THÁNG 7", "THÁNG 6")))
                .collect()
        })
        .collect();
    let mut rows: Vec<Vec<&str>> = title
        .iter()
        .map(|row| row.iter().map(String::as_str).collect())
        .collect();
    rows.push(book::YC_MEETING.to_vec());
    let report_name = tcvn3("Báo cáo");
    book::write(&path, &[(&report_name, rows)]);
    let s = &check_in(&ws, std::slice::from_ref(&path))[0];
    assert_eq!(s.status, FileStatus::Unreadable);
    let codes: Vec<&str> = s.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&"file-contradiction"), "{codes:?}");
    let legacy: Vec<Option<&str>> = s
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "text-legacy-encoding")
        .map(|d| d.value.as_deref())
        .collect();
    assert!(legacy.contains(&Some(report_name.as_str())), "{legacy:?}");
    assert!(legacy.contains(&Some(title[2][0].as_str())), "{legacy:?}");
}

//! `chibo run` end to end: the demo province and purpose-built workspaces, outputs read
//! back and checked field by field and cell by cell.

use std::path::Path;

use calamine::{Data, Reader};
use serde_json::Value;

use crate::book::{self, yc_title};
use crate::common::{chibo, demo_workspace as demo, only_month, text};
use crate::grid::SheetGrid;

fn summary(ws: &Path, month: &str) -> Value {
    let text = std::fs::read_to_string(ws.join(format!("out/{month}/summary.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn sheet(ws: &Path, month: &str, name: &str) -> calamine::Range<Data> {
    let mut book =
        calamine::open_workbook_auto(ws.join(format!("out/{month}/tong-hop-{month}.xlsx")))
            .unwrap();
    book.worksheet_range(name).unwrap()
}

fn workbook(ws: &Path, month: &str) -> std::path::PathBuf {
    ws.join(format!("out/{month}/tong-hop-{month}.xlsx"))
}

#[test]
fn the_demo_province_in_july_shows_every_kind_of_output() {
    let (_tmp, ws) = demo();
    let out = chibo(&["run", "--month", "2020-07"], &ws);
    let (stdout, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "data errors give exit 1\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("Tổng hợp dự sinh hoạt chi bộ tháng 07/2020 — Sơn La"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Đã ghi: out/2020-07/tong-hop-2020-07.xlsx"),
        "{stdout}"
    );

    let s = summary(&ws, "2020-07");
    assert_eq!(s["schema"], "chibo.summary.v1");
    assert_eq!(
        (s["month"].as_str(), s["province"].as_str()),
        (Some("2020-07"), Some("Sơn La"))
    );
    assert_eq!(
        s["files"],
        serde_json::json!({"read": 5, "used": 3, "superseded": 1, "skipped": 1, "unreadable": 0})
    );
    let rows = &s["rows"];
    let n = |v: &Value| v.as_u64().unwrap();
    assert_eq!(
        n(&rows["read"]),
        n(&rows["accepted"]) + n(&rows["rejected"]) + n(&rows["duplicates"])
    );
    assert_eq!(
        rows,
        &serde_json::json!({"read": 16, "accepted": 12, "rejected": 3, "duplicates": 1})
    );
    let units: Vec<(String, String, Value)> = s["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["code"].as_str().unwrap().to_owned(),
                u["submission"].as_str().unwrap().to_owned(),
                u["received"].clone(),
            )
        })
        .collect();
    assert_eq!(
        units,
        [
            ("MC".into(), "late".into(), Value::from("2020-08-09")),
            ("MS".into(), "missing".into(), Value::Null),
            ("TP".into(), "on_time".into(), Value::from("2020-08-03")),
            ("YC".into(), "on_time".into(), Value::from("2020-08-04")),
        ]
    );
    for u in s["units"].as_array().unwrap() {
        assert_eq!(
            n(&u["planned"]),
            n(&u["attended"]) + n(&u["absent"]) + n(&u["unreported"]),
            "{u}"
        );
    }
    // Each cadre's status follows from quota, ytd and expected = ceil(quota × 7 / 12).
    for c in s["cadres"].as_array().unwrap() {
        let (quota, ytd, expected) = (n(&c["quota"]), n(&c["ytd"]), n(&c["expected"]));
        let want = if quota == 0 {
            assert_eq!(expected, 0);
            "no_quota"
        } else {
            assert_eq!(expected, (quota * 7).div_ceil(12), "{c}");
            if ytd >= quota {
                "met"
            } else if ytd >= expected {
                "on_track"
            } else {
                "behind"
            }
        };
        assert_eq!(c["status"], want, "{c}");
    }
    let codes: Vec<&str> = s["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    for code in [
        "file-superseded",
        "file-skipped",
        "row-unknown-cell",
        "row-bad-date",
        "row-missing-reason",
        "row-duplicate",
        "row-outside-area",
        "row-unfilled",
        "row-cadre-approximate",
    ] {
        assert!(codes.contains(&code), "no {code} in {codes:?}");
    }
    let rec = &s["recommendations"];
    assert_eq!(
        n(&rec["raised_ytd"]),
        n(&rec["resolved"]) + n(&rec["pending"])
    );

    // The workbook, read back.
    let book = calamine::open_workbook_auto(ws.join("out/2020-07/tong-hop-2020-07.xlsx")).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "Tổng hợp",
            "Cán bộ",
            "Theo tháng",
            "Đơn vị",
            "Chi bộ",
            "Chi tiết",
            "Kiến nghị",
            "Lỗi dữ liệu"
        ]
    );
    let path = workbook(&ws, "2020-07");
    // The title block, dated the later of the deadline (05/08) and the last report
    // received (09/08), then the first figures.
    SheetGrid::open(&path, "Tổng hợp").assert_block(
        "A1",
        &[
            &["ĐẢNG BỘ TỈNH SƠN LA", "", "", "ĐẢNG CỘNG SẢN VIỆT NAM"],
            &["BAN TỔ CHỨC"],
            &["*"],
            &[
                "Số: ……-BC/BTCTU",
                "",
                "",
                "Sơn La, ngày 09 tháng 8 năm 2020",
            ],
            &["BÁO CÁO TỔNG HỢP KẾT QUẢ DỰ SINH HOẠT CHI BỘ KHU DÂN CƯ"],
            &["Tháng 7 năm 2020"],
            &[],
            &["Báo cáo của đơn vị"],
            &["Đơn vị nộp đúng hạn", "#2"],
            &["Đơn vị nộp muộn", "#1"],
            &["Đơn vị chưa nộp", "#1"],
            &["Tệp nhận được", "#5"],
            &["Tệp được dùng", "#3"],
        ],
    );
    // The document's end, below the figures and the charts: recipients and signature.
    SheetGrid::open(&path, "Tổng hợp").assert_eq(
        "A44",
        &[
            &["Nơi nhận:", "", "", "T/M BAN TỔ CHỨC"],
            &["- Thường trực Tỉnh ủy;", "", "", "TRƯỞNG BAN"],
            &["- Các đồng chí Ủy viên Ban Thường vụ Tỉnh ủy;"],
            &["- Các huyện ủy, thành ủy;"],
            &["- Lưu VP."],
            &[],
            &["", "", "", "……………………………"],
        ],
    );
    SheetGrid::open(&path, "Cán bộ").assert_block(
        "A1",
        &[&[
            "Mã cán bộ",
            "Họ và tên",
            "Chức vụ",
            "Nhóm",
            "Đơn vị",
            "Định mức năm",
            "Đã dự từ đầu năm",
            "Cần đạt đến tháng này",
            "Tiến độ",
            "Tháng này: đã dự",
            "Tháng này: vắng",
            "Tháng này: chưa báo cáo",
        ]],
    );
    let cadres = sheet(&ws, "2020-07", "Cán bộ");
    assert_eq!(cadres.height() - 1, s["cadres"].as_array().unwrap().len());
    // One row per unit, in code order: how it reported, its planned meetings, the cells
    // its cadres reached and those none reached yet, by their names.
    SheetGrid::open(&path, "Đơn vị").assert_eq(
        "A1",
        &[
            &[
                "Mã đơn vị",
                "Tên đơn vị",
                "Nộp báo cáo",
                "Ngày nhận",
                "Buổi theo kế hoạch",
                "Đã dự",
                "Vắng",
                "Chưa báo cáo",
                "Chi bộ đã đến (từ đầu năm)",
                "Tổng số chi bộ",
                "Chi bộ vùng khó khăn đã đến",
                "Chi bộ vùng khó khăn",
                "Chi bộ chưa có cán bộ đến",
            ],
            &[
                "MC",
                "Huyện ủy Mộc Châu",
                "Muộn",
                "@2020-08-09",
                "#3",
                "#3",
                "#0",
                "#0",
                "#6",
                "#10",
                "#1",
                "#3",
                "Bản Nà Bai, Bản Pha Luông, Bản Co Chàm, Tiểu khu 70",
            ],
            &[
                "MS",
                "Huyện ủy Mai Sơn",
                "Chưa nộp",
                "",
                "#6",
                "#0",
                "#0",
                "#6",
                "#6",
                "#10",
                "#2",
                "#3",
                "Tiểu khu 2, Tiểu khu 10, Bản Púng Khoai, Bản Nà Cang",
            ],
            &[
                "TP",
                "Thành ủy Sơn La",
                "Đúng hạn",
                "@2020-08-03",
                "#3",
                "#2",
                "#1",
                "#0",
                "#8",
                "#9",
                "#2",
                "#2",
                "Tổ 7",
            ],
            &[
                "YC",
                "Huyện ủy Yên Châu",
                "Đúng hạn",
                "@2020-08-04",
                "#2",
                "#2",
                "#0",
                "#0",
                "#7",
                "#10",
                "#2",
                "#3",
                "Bản Nà Cài, Bản Khau Khoang, Bản Nặm Dắt",
            ],
        ],
    );
    let details = sheet(&ws, "2020-07", "Chi tiết");
    assert_eq!(details.height() - 1, 12, "one row per accepted row");
    // Every issue of the month, in the order of summary.json, each at its cell, the file
    // by its name (as the unit knows it, without the office's folders).
    let issues = sheet(&ws, "2020-07", "Lỗi dữ liệu");
    assert_eq!(issues.height() - 1, codes.len());
    let (tp, yc) = ("TP Sơn La thang 7.xlsx", "Yen Chau YC thang 7 (sua).xlsx");
    SheetGrid::open(&path, "Lỗi dữ liệu").assert_block(
        "A1",
        &[
            &["Mức độ", "Mã lỗi", "Đơn vị", "Tệp", "Trang", "Ô"],
            &[
                "Cảnh báo",
                "row-outside-area",
                "MC",
                "Moc Chau thang 7.xls",
                "Báo cáo",
                "C11",
            ],
            &["Lỗi", "row-unknown-cell", "TP", tp, "Báo cáo", "C11"],
            &["Lỗi", "row-bad-date", "TP", tp, "Báo cáo", "D12"],
            &["Lỗi", "row-missing-reason", "TP", tp, "Báo cáo", "F13"],
            &[
                "Cảnh báo",
                "row-cadre-approximate",
                "YC",
                yc,
                "Báo cáo",
                "B7",
            ],
            &["Cảnh báo", "row-duplicate", "YC", yc, "Báo cáo", "A10"],
            &["Cảnh báo", "row-unfilled", "YC", yc, "Báo cáo", "F11"],
            &[
                "Cảnh báo",
                "file-superseded",
                "YC",
                "Yen Chau YC thang 7.xlsx",
            ],
            &["Lưu ý", "file-skipped", "", "ghi chu van phong.txt"],
        ],
    );

    // The same inputs give the same bytes.
    let before = (
        std::fs::read(ws.join("out/2020-07/summary.json")).unwrap(),
        std::fs::read(ws.join("out/2020-07/tong-hop-2020-07.xlsx")).unwrap(),
    );
    assert_eq!(
        chibo(&["run", "-q", "--month", "2020-07"], &ws)
            .status
            .code(),
        Some(1)
    );
    let after = (
        std::fs::read(ws.join("out/2020-07/summary.json")).unwrap(),
        std::fs::read(ws.join("out/2020-07/tong-hop-2020-07.xlsx")).unwrap(),
    );
    assert!(before == after, "a second run changed the outputs");

    // LibreOffice opens it (.ci/run installs it).
    if crate::common::tool("soffice", &["--version"]) {
        let dir = ws.join("pdf");
        std::fs::create_dir_all(&dir).unwrap();
        let pdf =
            crate::common::soffice(&ws.join("out/2020-07/tong-hop-2020-07.xlsx"), "pdf", &dir);
        let bytes = std::fs::read(pdf).unwrap();
        assert!(
            bytes.starts_with(b"%PDF") && bytes.len() > 10_000,
            "{} bytes",
            bytes.len()
        );
    }
}

#[test]
fn earlier_months_run_clean_and_errors_set_the_exit_code() {
    let (_tmp, ws) = demo();
    let out = chibo(&["run", "--month", "2020-06"], &ws);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert_eq!(summary(&ws, "2020-06")["files"]["used"], 4);
    assert!(!text(&out).0.contains("Thời gian"), "timings only with -v");
    let verbose = chibo(&["run", "-v", "--month", "2020-06"], &ws);
    let timings = text(&verbose)
        .0
        .lines()
        .find(|l| l.starts_with("Thời gian: "))
        .map(str::to_owned)
        .unwrap_or_default();
    // Six months of the demo's four units: 24 files read.
    let stages = [
        "đọc 24 tệp báo cáo ",
        "đối chiếu ",
        "điền các trang của bảng tổng hợp ",
        "nén bảng tổng hợp ",
        "soạn thư ",
        "tạo summary.json, ghi bộ kết quả mới và thay bộ cũ ",
        "gửi thư ",
    ];
    for stage in stages {
        assert!(timings.contains(stage), "{stage}: {timings}");
    }
    // In the order they ran, each to the millisecond.
    let at: Vec<usize> = stages.iter().map(|s| timings.find(s).unwrap()).collect();
    assert!(at.is_sorted(), "{timings}");
    let seconds = timings
        .split("; ")
        .map(|part| part.rsplit(' ').nth(1).unwrap());
    for s in seconds {
        assert!(s.len() == 5 && s.as_bytes()[1] == b',', "{s}: {timings}");
    }
    let bad = chibo(&["run", "--month", "2020-13"], &ws);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad).1.contains("YYYY-MM"));
    let elsewhere = chibo(&["run", "--month", "2020-07"], ws.parent().unwrap());
    assert_eq!(elsewhere.status.code(), Some(2), "no chibo.toml here");
}

#[test]
fn submitted_text_never_becomes_a_formula() {
    let (_tmp, ws) = demo();
    only_month(&ws, "2020-07");
    let mut rows = yc_title();
    rows.push(vec![
        "#1",
        "Nguyễn Văn Hoà",
        "Bản Mới",
        "Chiềng Đông",
        "05/07/2020",
        "Có",
        "",
        "#42",
        "#30",
        "\\=HYPERLINK(\"http://example.com\",\"bấm\")",
        "#1",
        "#1",
        "Tốt",
        "\\+SUM(A1)",
    ]);
    rows.push(vec![
        "#2",
        "Tòng Văn Hải",
        "Bản Mới",
        "Chiềng Sàng",
        "08/07/2020",
        "Có",
        "",
        "",
        "",
        "\\-2+3",
        "",
        "",
        "",
        "\\@cmd",
    ]);
    book::write(&ws.join("inbox/2020-07/YC.xlsx"), &[("Báo cáo", rows)]);
    assert_eq!(
        chibo(&["run", "-q", "--month", "2020-07"], &ws)
            .status
            .code(),
        Some(0)
    );
    // Content to note (N to R): text as typed, never a formula.
    SheetGrid::open(&workbook(&ws, "2020-07"), "Chi tiết").assert_block(
        "N2",
        &[
            &[
                "\\=HYPERLINK(\"http://example.com\",\"bấm\")",
                "#1",
                "#1",
                "Tốt",
                "+SUM(A1)",
            ],
            &["-2+3", "", "", "", "\\@cmd"],
        ],
    );
    let mut book =
        calamine::open_workbook_auto(ws.join("out/2020-07/tong-hop-2020-07.xlsx")).unwrap();
    for name in book.sheet_names() {
        let formulas = book.worksheet_formula(&name).unwrap();
        let found: Vec<&String> = formulas
            .used_cells()
            .map(|(_, _, f)| f)
            .filter(|f| !f.is_empty())
            .collect();
        assert!(found.is_empty(), "{name} has formulas {found:?}");
    }
}

#[test]
fn a_failed_run_leaves_the_previous_outputs_intact() {
    let (_tmp, ws) = demo();
    assert_eq!(
        chibo(&["run", "-q", "--month", "2020-06"], &ws)
            .status
            .code(),
        Some(0)
    );
    let read = || {
        (
            std::fs::read(ws.join("out/2020-06/summary.json")).unwrap(),
            std::fs::read(ws.join("out/2020-06/tong-hop-2020-06.xlsx")).unwrap(),
        )
    };
    let before = read();
    std::fs::write(ws.join("roster.xlsx"), b"broken").unwrap();
    let out = chibo(&["run", "--month", "2020-06"], &ws);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).1.contains("roster-unreadable"),
        "{:?}",
        text(&out)
    );
    assert!(before == read());
    let temporaries: Vec<_> = std::fs::read_dir(ws.join("out/2020-06"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".chibo-"))
        .collect();
    assert_eq!(temporaries, Vec::<String>::new(), "no temporary file left");
}

#[test]
fn without_received_txt_modification_times_decide() {
    let (_tmp, ws) = demo();
    let folder = only_month(&ws, "2020-07");
    let version = |n: u32, date: &'static str| {
        let mut rows = yc_title();
        rows.push(vec![
            "#1",
            "Nguyễn Văn Hoà",
            "Bản Mới",
            "Chiềng Đông",
            date,
            "Có",
        ]);
        let path = folder.join(format!("YC-{n}.xlsx"));
        book::write(&path, &[("Báo cáo", rows)]);
        path
    };
    let older = version(1, "05/07/2020");
    let newer = version(2, "06/07/2020");
    // Noon in the office (+07:00, the default `timezone`).
    let at = |y, m, d| {
        let t = chrono::NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        let office = chrono::FixedOffset::east_opt(7 * 3600).unwrap();
        let local = t.and_local_timezone(office).unwrap();
        filetime::FileTime::from_unix_time(local.timestamp(), 0)
    };
    // The newer version was received later, though its name sorts first in reverse.
    filetime::set_file_mtime(&older, at(2020, 8, 1)).unwrap();
    filetime::set_file_mtime(&newer, at(2020, 8, 6)).unwrap();
    chibo(&["run", "-q", "--month", "2020-07"], &ws);
    let s = summary(&ws, "2020-07");
    let yc = s["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == "YC")
        .unwrap()
        .clone();
    assert_eq!(
        (yc["submission"].as_str(), yc["received"].as_str()),
        (Some("late"), Some("2020-08-06"))
    );
    let superseded: Vec<&Value> = s["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == "file-superseded")
        .collect();
    assert_eq!(superseded.len(), 1);
    assert_eq!(superseded[0]["file"], "inbox/2020-07/YC-1.xlsx");

    // Swap the times: the other version is used, and on time.
    filetime::set_file_mtime(&older, at(2020, 8, 7)).unwrap();
    filetime::set_file_mtime(&newer, at(2020, 8, 2)).unwrap();
    chibo(&["run", "-q", "--month", "2020-07"], &ws);
    let s = summary(&ws, "2020-07");
    let issue = s["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "file-superseded")
        .unwrap()
        .clone();
    assert_eq!(issue["file"], "inbox/2020-07/YC-2.xlsx");
    SheetGrid::open(&workbook(&ws, "2020-07"), "Chi tiết").assert_block("B2", &[&["YC-1.xlsx"]]);
}

/// `chibo run` on the report of `tests/fixtures/make-legacy.py` typed with TCVN3 and with
/// VNI fonts gives what its Unicode original gives: the same rows counted and accepted,
/// the same meetings in `Chi tiết` and recommendations in `Kiến nghị` (the Latin-1
/// content `Café Hélène, Zürich` among them, untouched), and the conversions only as
/// warnings.
#[test]
fn legacy_font_fixtures_run_as_their_unicode_original() {
    let outcome = |variant: &str| {
        let (tmp, ws) = demo();
        let folder = only_month(&ws, "2020-07");
        let fixture = crate::common::fixture(&format!("report-legacy-{variant}.xlsx"));
        std::fs::copy(fixture, folder.join("YC.xlsx")).unwrap();
        chibo(&["run", "-q", "--month", "2020-07"], &ws);
        let s = summary(&ws, "2020-07");
        let rows = s["rows"].clone();
        let n = |v: &Value| v.as_u64().unwrap();
        assert_eq!(
            n(&rows["read"]),
            n(&rows["accepted"]) + n(&rows["rejected"]) + n(&rows["duplicates"]),
            "{variant}"
        );
        let issues: Vec<String> = s["issues"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["code"] != "text-legacy-encoding")
            .map(|i| format!("{} {} {}", i["code"], i["unit"], i["message"]))
            .collect();
        let cells = |name: &str| -> Vec<Vec<String>> {
            sheet(&ws, "2020-07", name)
                .rows()
                .map(|r| r.iter().map(ToString::to_string).collect())
                .collect()
        };
        let outcome = (rows, issues, cells("Chi tiết"), cells("Kiến nghị"));
        drop(tmp);
        outcome
    };
    let original = outcome("unicode");
    assert_eq!(
        original.0,
        serde_json::json!({"read": 4, "accepted": 4, "rejected": 0, "duplicates": 0})
    );
    let details = original.2.concat();
    assert!(details.iter().any(|c| c == "Café Hélène, Zürich"));
    assert!(details.iter().any(|c| c == "Tiểu khu 1"));
    for (variant, sheet_name) in [("tcvn3", "B¸o c¸o"), ("vni", "Baùo caùo")] {
        let mut got = outcome(variant);
        // `Trang` says where the row is: the sheet's name as the file has it (and as
        // Excel shows it on the tab).
        for row in &mut got.2[1..] {
            assert_eq!(row[2], sheet_name, "{variant}");
            row[2] = "Báo cáo".to_owned();
        }
        assert_eq!(got, original, "{variant}");
    }
}

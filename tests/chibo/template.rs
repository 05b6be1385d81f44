//! `chibo template`: each unit's workbook, filled and read back, re-saved by LibreOffice,
//! with its validations and protection.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use chibo::commands::check::check;
use chibo::diagnostic::CellRef;
use chibo::submission::Submission;
use chibo::submission::columns;
use chibo::workspace::Workspace;

use crate::common::{chibo, python, soffice, text, tool};
use crate::grid::SheetGrid;

fn demo_template() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (tmp, ws) = crate::common::demo_workspace();
    let out = chibo(&["template", "--month", "2020-07", "--unit", "YC"], &ws);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let template = ws.join("out/2020-07/mau/YC.xlsx");
    assert!(template.is_file());
    (tmp, ws, template)
}

fn check_one(ws: &Path, file: &Path) -> Submission {
    let workspace = Workspace::load(&ws.join("chibo.toml")).unwrap();
    check(&[file.to_path_buf()], Some(&workspace)).remove(0)
}

fn errors(s: &Submission) -> Vec<String> {
    s.diagnostics
        .iter()
        .filter(|d| d.severity == chibo::diagnostic::Severity::Error)
        .map(ToString::to_string)
        .collect()
}

/// The codes of the cadres prefilled in the template's planned rows.
fn planned_cadres(template: &Path) -> Vec<String> {
    let mut book = calamine::open_workbook_auto(template).unwrap();
    let sheet = book.worksheet_range("Báo cáo").unwrap();
    (7..30)
        .filter_map(|r| {
            sheet
                .get_value((r, 2))
                .filter(|v| **v != Data::Empty)
                .map(ToString::to_string)
        })
        .collect()
}

#[test]
fn an_untouched_template_reads_back_as_planned_and_unreported() {
    let (_tmp, ws, template) = demo_template();
    let s = check_one(&ws, &template);
    assert_eq!(errors(&s), Vec::<String>::new());
    assert_eq!(
        (
            s.identity.unit.as_deref(),
            s.identity.month.map(|m| m.to_string())
        ),
        (Some("YC"), Some("2020-07".into()))
    );
    assert_eq!(
        s.identity.template_version.as_deref(),
        Some(chibo::report::template::TEMPLATE_VERSION)
    );
    // The Party header (Hướng dẫn 36-HD/VPTW): the province's Party committee above the
    // unit, its star; the Party's name and the date line to fill in on the right.
    let gap = ["", "", "", "", "", "", "", ""];
    let line = |left: &'static str, right: &'static str| -> Vec<&'static str> {
        let mut row = vec![left];
        row.extend(gap);
        row.push(right);
        row
    };
    SheetGrid::open(&template, "Báo cáo").assert_block(
        "A1",
        &[
            &line("ĐẢNG BỘ TỈNH SƠN LA", "ĐẢNG CỘNG SẢN VIỆT NAM"),
            &line("HUYỆN ỦY YÊN CHÂU", ""),
            &line("*", "……………, ngày …… tháng …… năm 20……"),
            &["BÁO CÁO KẾT QUẢ DỰ SINH HOẠT CHI BỘ KHU DÂN CƯ CỦA TỈNH ỦY VIÊN"],
            &["Tháng 7 năm 2020"],
        ],
    );
    // The header rows are the canonical labels of SPEC §4, in the tables' order.
    let report: Vec<&str> = columns::REPORT
        .iter()
        .map(chibo::ingest::Column::canonical)
        .collect();
    let header_row = CellRef::new(chibo::report::template::HEADER_ROW, 0).to_string();
    SheetGrid::open(&template, "Báo cáo").assert_block(&header_row, &[&report]);
    // The recommendations sheet names cells by name only: no `Mã chi bộ` column.
    let recs: Vec<&str> = columns::RECOMMENDATIONS
        .iter()
        .filter(|c| c.key != columns::RecCol::CellCode)
        .map(chibo::ingest::Column::canonical)
        .collect();
    SheetGrid::open(&template, "Kiến nghị").assert_block("A1", &[&recs]);
    let planned = planned_cadres(&template);
    assert!(!planned.is_empty());
    let unfilled = s
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "row-unfilled")
        .count();
    assert_eq!(unfilled, planned.len());
    assert_eq!(s.read, 0);
    // Open recommendations of June's register are prefilled with their codes.
    let codes: Vec<&str> = s.recommendations.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["YC-202004-1", "YC-202006-1"]);
    // Every unit gets one, named by code.
    assert_eq!(
        chibo(&["template", "--month", "2020-07"], &ws)
            .status
            .code(),
        Some(0)
    );
    let mut names: Vec<String> = std::fs::read_dir(ws.join("out/2020-07/mau"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["MC.xlsx", "MS.xlsx", "TP.xlsx", "YC.xlsx"]);
    assert_eq!(
        chibo(&["template", "--month", "2020-07", "--unit", "XX"], &ws)
            .status
            .code(),
        Some(2)
    );
}

/// What a unit types into July's template: the planned meetings' results, an unplanned
/// visit in the first free row, a status update and a new recommendation.
const FILL: &str = r#"{
  "Báo cáo": {
    "I8": "Có", "L8": 30, "M8": "Quán triệt Nghị quyết Đại hội", "N8": 2, "O8": 1, "P8": "Tốt",
    "I9": "Không", "J9": "Đi công tác",
    "B10": "Hoàng Văn Quyết", "E10": "Bản Suối Cù", "G10": "Phiêng Khoài", "H10": "12/07/2020", "I10": "x", "P10": "Khá"
  },
  "Kiến nghị": {
    "H3": "Đã giải quyết", "I3": "20/07/2020",
    "C4": "Tiểu khu 1", "D4": "10/07/2020", "E4": "Đề nghị sửa nhà văn hóa", "H4": "Đã chuyển"
  }
}"#;

fn filled(tmp: &Path, template: &Path) -> PathBuf {
    let cells = tmp.join("cells.json");
    std::fs::write(&cells, FILL).unwrap();
    let out = tmp.join("YC-filled.xlsx");
    python(
        "fill.py",
        &[template.as_os_str(), out.as_os_str(), cells.as_os_str()],
    );
    out
}

fn assert_filled(ws: &Path, s: &Submission, planned: &[String]) {
    let roster = crate::common::roster(ws);
    assert_eq!(errors(s), Vec::<String>::new(), "{}", s.file);
    assert_eq!((s.read, s.accepted(), s.rejected), (3, 3, 0), "{}", s.file);
    let cadres: Vec<&str> = s
        .rows
        .iter()
        .map(|r| roster[r.cadre.unwrap()].code.as_str())
        .collect();
    assert_eq!(
        cadres[..2],
        [planned[0].as_str(), planned[1].as_str()],
        "{}",
        s.file
    );
    assert_eq!(cadres[2], "TT01");
    assert_eq!(
        s.rows[2].cell.map(|c| roster[c].code.as_str()),
        Some("YC-PK-02")
    );
    assert_eq!(s.rows[2].date.to_string(), "2020-07-12");
    assert!(s.rows[0].attended && !s.rows[1].attended);
    assert_eq!(s.rows[0].members_present, Some(30));
    let recs: Vec<(&str, &str)> = s
        .recommendations
        .iter()
        .map(|r| (r.code.as_str(), r.status.label()))
        .collect();
    assert_eq!(
        recs,
        [
            ("YC-202004-1", "Đang giải quyết"),
            ("YC-202006-1", "Đã giải quyết"),
            ("YC-202007-1", "Đã chuyển")
        ]
    );
}

#[test]
fn a_filled_template_reads_back_with_zero_errors() {
    if !tool("python3", &["-c", "import openpyxl"]) {
        return;
    }
    let (tmp, ws, template) = demo_template();
    let planned = planned_cadres(&template);
    assert_eq!(planned.len(), 2, "YC has two planned meetings in July");
    let file = filled(tmp.path(), &template);
    assert_filled(&ws, &check_one(&ws, &file), &planned);

    // Sent in, it counts in the month's run.
    for old in std::fs::read_dir(ws.join("inbox/2020-07")).unwrap() {
        let path = old.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("Yen Chau")
        {
            std::fs::remove_file(path).unwrap();
        }
    }
    std::fs::copy(&file, ws.join("inbox/2020-07/YC.xlsx")).unwrap();
    chibo(&["run", "-q", "--month", "2020-07"], &ws);
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(ws.join("out/2020-07/summary.json")).unwrap(),
    )
    .unwrap();
    let yc = summary["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == "YC")
        .unwrap()
        .clone();
    assert_eq!(
        (
            yc["planned"].as_u64(),
            yc["attended"].as_u64(),
            yc["absent"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
}

#[test]
fn templates_resaved_by_libreoffice_read_back_with_zero_errors() {
    if !tool("python3", &["-c", "import openpyxl"]) || !tool("soffice", &["--version"]) {
        return;
    }
    let (tmp, ws, template) = demo_template();
    let planned = planned_cadres(&template);
    let file = filled(tmp.path(), &template);
    for ext in ["xlsx", "ods"] {
        let dir = tmp.path().join(format!("lo-{ext}"));
        std::fs::create_dir_all(&dir).unwrap();
        let resaved = soffice(&file, ext, &dir);
        assert_filled(&ws, &check_one(&ws, &resaved), &planned);
    }
    // The untouched template, re-saved, is still a clean template.
    let dir = tmp.path().join("lo-blank");
    std::fs::create_dir_all(&dir).unwrap();
    let resaved = soffice(&template, "ods", &dir);
    assert_eq!(errors(&check_one(&ws, &resaved)), Vec::<String>::new());
}

#[test]
fn validation_lists_and_protection_are_in_the_file() {
    if !tool("python3", &["-c", "import openpyxl"]) {
        return;
    }
    let (tmp, _ws, template) = demo_template();
    let cells = [
        "Báo cáo!B8",
        "Báo cáo!C8",
        "Báo cáo!I8",
        "Báo cáo!H8",
        "Báo cáo!B10",
        "Báo cáo!B7",
        "Kiến nghị!B2",
        "Kiến nghị!H2",
    ];
    let mut probes = vec![template.clone()];
    if tool("soffice", &["--version"]) {
        let dir = tmp.path().join("lo");
        std::fs::create_dir_all(&dir).unwrap();
        probes.push(soffice(&template, "xlsx", &dir));
    }
    for book in probes {
        let mut args: Vec<&std::ffi::OsStr> = vec![book.as_os_str()];
        args.extend(cells.iter().map(std::ffi::OsStr::new));
        let probe: serde_json::Value = serde_json::from_str(&python("probe.py", &args)).unwrap();
        let report = &probe["sheets"]["Báo cáo"];
        assert_eq!(
            (report["protected"].as_bool(), report["password"].as_bool()),
            (Some(true), Some(false)),
            "{}",
            book.display()
        );
        let validations: Vec<String> = report["validations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| format!("{} {}", v[0].as_str().unwrap(), v[2].as_str().unwrap()))
            .collect();
        for want in [
            "list Có,Không",
            "list Tốt,Khá,Trung bình,Kém",
            "list Đi công tác,Công việc đột xuất,Ốm đau",
            "whole 0",
            "date",
        ] {
            assert!(
                validations.iter().any(|v| v.starts_with(want)),
                "{} lacks {want}: {validations:?}",
                book.display()
            );
        }
        let recs = &probe["sheets"]["Kiến nghị"];
        assert!(
            recs["validations"]
                .to_string()
                .contains("Giải quyết tại chỗ,Đã chuyển,Đang giải quyết,Đã giải quyết")
        );
        assert_eq!(probe["sheets"]["_chibo"]["state"], "hidden");
        let locked = &probe["locked"];
        let want = [
            ("Báo cáo!B8", true),
            ("Báo cáo!C8", true),
            ("Báo cáo!B7", true),
            ("Báo cáo!I8", false),
            ("Báo cáo!H8", false),
            ("Báo cáo!B10", false),
            ("Kiến nghị!B2", true),
            ("Kiến nghị!H2", false),
        ];
        for (cell, is_locked) in want {
            assert_eq!(
                locked[cell].as_bool(),
                Some(is_locked),
                "{cell} in {}",
                book.display()
            );
        }
    }
}

//! Header detection as one table of cases: the first rows of a sheet, and the header
//! chibo finds in them, said in one line. Adding a case is adding an entry.
//!
//! Two levels are exercised through the public API: `find_header` on the roster's
//! `Đơn vị` columns (one header row), and the table reader (`Table::find`) on the
//! report's columns (the row naming most columns, joined with a second header row above
//! or below it, as merged group headers make).

use std::fmt::Write as _;

use calamine::Data;
use chibo::diagnostic::CellRef;
use chibo::ingest::header::HEADER_SCAN_ROWS;
use chibo::ingest::{ColumnKey, Grid, Header, find_header};
use chibo::roster::columns::UnitCol;
use chibo::submission::columns::{REPORT, REPORT_CODES, ReportCol};

/// Which table's header is looked for, and by which reader.
#[derive(Clone, Copy)]
enum Table {
    /// The roster's `Đơn vị` sheet: code and name required, email optional.
    Units,
    /// The `Báo cáo` sheet of a submission.
    Report,
}

struct Case {
    name: &'static str,
    table: Table,
    /// Runs of rows above `rows`: how many, and the text of their A cell (`""`: empty).
    above: &'static [(u32, &'static str)],
    /// The rows, from column A.
    rows: &'static [&'static [&'static str]],
    /// What is found, as [`describe`] says it.
    found: &'static str,
}

const NOTHING: &[(u32, &str)] = &[];

const CASES: &[Case] = &[
    Case {
        name: "header below a title, with aliases, in its own order",
        table: Table::Units,
        above: NOTHING,
        rows: &[
            &["DANH SÁCH ĐƠN VỊ"],
            &[],
            &["thư điện tử", "TEN DON VI", "Mã ĐV", "Ghi chú riêng"],
            &["a@b.vn", "Huyện ủy Yên Châu", "YC"],
        ],
        found: r#"row 3: email=A3 name=B3 code=C3; unknown D3 "Ghi chú riêng""#,
    },
    Case {
        name: "the row naming most columns wins; a required one it lacks is missing",
        table: Table::Units,
        above: NOTHING,
        rows: &[&["Email"], &["Mã đơn vị", "Email"], &["Mã đơn vị", "Mã ĐV"]],
        found: "row 2: code=A2 email=B2; missing name",
    },
    Case {
        name: "on a tie the upper row wins",
        table: Table::Units,
        above: NOTHING,
        rows: &[&["Mã đơn vị"], &["Tên đơn vị"]],
        found: "row 1: code=A1; missing name",
    },
    Case {
        name: "a column named twice keeps the first",
        table: Table::Units,
        above: NOTHING,
        rows: &[&["Mã đơn vị", "Tên đơn vị", "Mã ĐV"]],
        found: r#"row 1: code=A1 name=B1; repeated code C1 "Mã ĐV""#,
    },
    Case {
        name: "labels without diacritics, in capitals",
        table: Table::Units,
        above: NOTHING,
        rows: &[&["MA DON VI", "ten don vi", "THU DIEN TU"]],
        found: "row 1: code=A1 name=B1 email=C1",
    },
    Case {
        name: "spaces and punctuation around labels do not matter",
        table: Table::Units,
        above: NOTHING,
        rows: &[&["  Mã   đơn vị: ", "Tên đơn vị (*)", "Email."]],
        found: "row 1: code=A1 name=B1 email=C1",
    },
    Case {
        name: "a label inside a longer text names nothing",
        table: Table::Units,
        above: NOTHING,
        rows: &[
            &["Danh sách mã đơn vị và tên đơn vị"],
            &["Mã ĐV", "Tên đơn vị"],
        ],
        found: "row 2: code=A2 name=B2",
    },
    Case {
        name: "the table need not start in column A",
        table: Table::Units,
        above: NOTHING,
        rows: &[&["", "", "Mã đơn vị", "Tên đơn vị"]],
        found: "row 1: code=C1 name=D1",
    },
    Case {
        name: "a header in row 30, the last row searched",
        table: Table::Units,
        above: &[(29, "x")],
        rows: &[&["Mã đơn vị", "Tên đơn vị"]],
        found: "row 30: code=A30 name=B30",
    },
    Case {
        name: "a header in row 31 is not searched",
        table: Table::Units,
        above: &[(30, "x")],
        rows: &[&["Mã đơn vị", "Tên đơn vị"]],
        found: "none",
    },
    Case {
        name: "the rows searched count from the first row used, not from row 1",
        table: Table::Units,
        above: &[(5, ""), (29, "x")],
        rows: &[&["Mã đơn vị", "Tên đơn vị"]],
        found: "row 35: code=A35 name=B35",
    },
    Case {
        name: "no label at all",
        table: Table::Units,
        above: NOTHING,
        rows: &[&["BÁO CÁO"], &["x", "y"]],
        found: "none",
    },
    Case {
        name: "an empty sheet",
        table: Table::Units,
        above: NOTHING,
        rows: &[],
        found: "none",
    },
    // Aliases as units write them: the demo's Thành ủy Sơn La habit.
    Case {
        name: "a report header of aliases under a title",
        table: Table::Report,
        above: NOTHING,
        rows: &[
            &[
                "THÀNH ỦY SƠN LA",
                "",
                "",
                "",
                "",
                "",
                "",
                "ĐẢNG CỘNG SẢN VIỆT NAM",
            ],
            &[],
            &[],
            &["BÁO CÁO KẾT QUẢ DỰ SINH HOẠT CHI BỘ THÁNG 07/2020"],
            &[],
            &[
                "STT",
                "Họ và tên",
                "Chi bộ",
                "Ngày",
                "Có dự",
                "Lý do vắng",
                "Số đảng viên",
                "Có mặt",
                "Nội dung truyền đạt",
                "Số kiến nghị",
                "Số giải quyết tại chỗ",
                "Xếp loại",
                "Ghi chú",
            ],
        ],
        found: "row 6: stt=A6 cadre=B6 cell=C6 date=D6 attended=E6 absence_reason=F6 \
                members_total=G6 members_present=H6 content=I6 raised=J6 \
                resolved_on_spot=K6 rating=L6 note=M6; data from row 7",
    },
    Case {
        name: "a report header without diacritics",
        table: Table::Report,
        above: NOTHING,
        rows: &[&[
            "STT",
            "Ho va ten",
            "Chi bo",
            "Ngay sinh hoat",
            "Co du",
            "Ly do vang",
        ]],
        found: "row 1: stt=A1 cadre=B1 cell=C1 date=D1 attended=E1 absence_reason=F1; \
                data from row 2",
    },
    // A merged `Kết quả` over the result columns: their labels are one row down.
    Case {
        name: "codes, and a merged group header above a second header row",
        table: Table::Report,
        above: NOTHING,
        rows: &[
            &["HUYỆN ỦY MAI SƠN"],
            &["Báo cáo tháng 07/2020"],
            &[
                "Mã cán bộ",
                "Mã chi bộ",
                "Ngày dự",
                "Kết quả",
                "",
                "",
                "Đánh giá chất lượng",
            ],
            &["", "", "", "Tham dự", "Lý do vắng", "Có mặt"],
        ],
        found: "row 3: cadre_code=A3 cell_code=B3 date=C3 attended=D4 absence_reason=E4 \
                members_present=F4 rating=G3; data from row 5",
    },
    // `Ngày sinh hoạt` merged down over rows 1 and 2 keeps its text in row 1.
    Case {
        name: "a second header row above the main one is joined too",
        table: Table::Report,
        above: NOTHING,
        rows: &[
            &["", "", "", "Ngày sinh hoạt"],
            &["STT", "Họ và tên", "Chi bộ", "", "Có dự", "Lý do vắng"],
            &["#1", "Lò Văn A", "Bản B", "05/07/2020", "Có"],
        ],
        found: "row 2: stt=A2 cadre=B2 cell=C2 date=D1 attended=E2 absence_reason=F2; \
                data from row 3",
    },
    Case {
        name: "a report header without its required columns",
        table: Table::Report,
        above: NOTHING,
        rows: &[&["STT", "Họ và tên", "Chi bộ"]],
        found: "row 1: stt=A1 cadre=B1 cell=C1; missing date attended; data from row 2",
    },
    Case {
        name: "a report column named twice",
        table: Table::Report,
        above: NOTHING,
        rows: &[&["Họ và tên", "Chi bộ", "Ngày sinh hoạt", "Có dự", "Ngày"]],
        found: r#"row 1: cadre=A1 cell=B1 date=C1 attended=D1; repeated date E1 "Ngày"; data from row 2"#,
    },
];

/// The grid of a case: `#12` is a number, `""` an empty cell, anything else text.
fn grid(above: &[(u32, &str)], rows: &[&[&str]]) -> Grid {
    let cell = |s: &str| match s.strip_prefix('#') {
        _ if s.is_empty() => Data::Empty,
        Some(n) => Data::Float(n.parse().unwrap()),
        None => Data::String(s.to_owned()),
    };
    let mut all: Vec<Vec<Data>> = Vec::new();
    for &(n, text) in above {
        for _ in 0..n {
            all.push(vec![cell(text)]);
        }
    }
    all.extend(rows.iter().map(|r| r.iter().map(|s| cell(s)).collect()));
    Grid::from_rows(CellRef::new(0, 0), all)
}

/// A header in one line: its row, each column found at its cell (left to right, then
/// top to bottom), and what is unknown, repeated or missing.
fn describe<K: ColumnKey>(header: &Header<K>) -> String {
    let mut columns: Vec<(K, CellRef)> = header.columns().collect();
    columns.sort_by_key(|(_, c)| (c.col, c.row));
    let found: Vec<String> = columns
        .iter()
        .map(|(k, c)| format!("{}={c}", name(*k)))
        .collect();
    let mut text = format!("row {}: {}", header.row + 1, found.join(" "));
    for (cell, label) in &header.unknown {
        let _ = write!(text, "; unknown {cell} {label:?}");
    }
    for (key, cell, label) in &header.repeated {
        let _ = write!(text, "; repeated {} {cell} {label:?}", name(*key));
    }
    let missing: Vec<String> = header.missing().map(|c| name(c.key)).collect();
    if !missing.is_empty() {
        let _ = write!(text, "; missing {}", missing.join(" "));
    }
    text
}

/// A column key as the cases write it: `CadreCode` is `cadre_code`.
fn name(key: impl ColumnKey) -> String {
    let mut snake = String::new();
    for (i, ch) in format!("{key:?}").chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            snake.push('_');
        }
        snake.push(ch.to_ascii_lowercase());
    }
    snake
}

fn found(table: Table, grid: &Grid) -> String {
    match table {
        Table::Units => find_header::<UnitCol>(grid).map(|h| describe(&h)),
        Table::Report => chibo::ingest::Table::<ReportCol>::find("f", "s", grid, &REPORT_CODES)
            .map(|t| {
                format!(
                    "{}; data from row {}",
                    describe(t.header()),
                    t.data_start() + 1
                )
            }),
    }
    .unwrap_or_else(|| "none".to_owned())
}

#[test]
fn header_detection_cases() {
    assert_eq!(HEADER_SCAN_ROWS, 30, "the scan-limit cases assume 30 rows");
    let mut failures = Vec::new();
    for case in CASES {
        let got = found(case.table, &grid(case.above, case.rows));
        if got != case.found {
            failures.push(format!(
                "{}:\n  expected {}\n  found    {got}",
                case.name, case.found
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The header chibo writes (the template's) is found whole, under the template's title
/// block.
#[test]
fn the_canonical_report_header_is_found_whole() {
    let header: Vec<&str> = REPORT
        .iter()
        .map(chibo::ingest::Column::canonical)
        .collect();
    let mut rows: Vec<&[&str]> = vec![&["HUYỆN ỦY YÊN CHÂU"], &["Tháng 7 năm 2020"]];
    rows.push(&header);
    let grid = grid(NOTHING, &rows);
    let t =
        chibo::ingest::Table::<ReportCol>::find("f", "s", &grid, &REPORT_CODES).expect("a header");
    let h = t.header();
    assert_eq!(h.row, 2);
    let keys: Vec<ReportCol> = REPORT.iter().map(|c| c.key).collect();
    let found: Vec<ReportCol> = h.columns().map(|(k, _)| k).collect();
    assert_eq!(found, keys);
    assert!(h.unknown.is_empty() && h.repeated.is_empty());
    assert!(h.is_complete());
}

/// Every label of every report column, alone in a header, names that column: no alias
/// is shared by two columns.
#[test]
fn every_report_label_names_its_own_column() {
    for column in REPORT {
        for label in column.labels {
            let header = find_header::<ReportCol>(&grid(NOTHING, &[&[label]])).expect(label);
            let keys: Vec<ReportCol> = header.columns().map(|(k, _)| k).collect();
            assert_eq!(keys, [column.key], "{label}");
        }
    }
}

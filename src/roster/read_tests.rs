use calamine::Data;

use super::*;
use crate::diagnostic::{CellRef, Severity};

fn grid(rows: &[&[&str]]) -> Grid {
    Grid::from_text(rows)
}

fn named(name: &str, rows: &[&[&str]]) -> NamedGrid {
    NamedGrid {
        name: name.into(),
        grid: grid(rows),
    }
}

const UNITS_OK: &[&[&str]] = &[
    &["Mã đơn vị", "Tên đơn vị", "Email"],
    &["YC", "Huyện ủy Yên Châu", "yc@example.vn; vp.yc@example.vn"],
    &["MC", "Huyện ủy Mộc Châu", ""],
];
const CELLS_OK: &[&[&str]] = &[
    &[
        "Mã chi bộ",
        "Tên chi bộ",
        "Xã/phường",
        "Mã đơn vị",
        "Số đảng viên",
        "Vùng khó khăn",
        "Ngày sinh hoạt",
        "Tên khác",
    ],
    &[
        "YC01",
        "Bản Mới",
        "Chiềng Đông",
        "YC",
        "36",
        "",
        "5",
        "Mới; Bản Mới A",
    ],
    &[
        "YC02",
        "Bản Mới",
        "Chiềng Sàng",
        "YC",
        "20 đ/c",
        "x",
        "31",
        "",
    ],
    &[
        "MC01",
        "Tiểu khu 1",
        "Thị trấn Mộc Châu",
        "MC",
        "",
        "",
        "",
        "",
    ],
];
const CADRES_OK: &[&[&str]] = &[
    &[
        "Mã cán bộ",
        "Họ và tên",
        "Chức vụ",
        "Nhóm",
        "Mã đơn vị",
        "Email",
        "Định mức năm",
    ],
    &["C01", "Lò Văn Hoà", "Bí thư Tỉnh ủy", "TT", "", "", ""],
    &[
        "C02",
        "Hà Thị Tâm",
        "Trưởng Ban Tổ chức",
        "BTV",
        "YC",
        "tam@example.vn",
        "",
    ],
    &["C03", "Cầm Văn Tám", "Giám đốc Sở", "bch", "", "", "4"],
];
const ASSIGN_OK: &[&[&str]] = &[
    &["Mã cán bộ", "Mã chi bộ", "Tháng", "Họ và tên"],
    &["C02", "YC01", "1,4,7,10", "Hà Thị Tâm"],
    &["C03", "YC02", "*", ""],
    &["C03", "MC01", "", ""],
];

fn sheets(
    units: &[&[&str]],
    cells: &[&[&str]],
    cadres: &[&[&str]],
    assign: &[&[&str]],
) -> RosterSheets {
    [
        Some(named("Đơn vị", units)),
        Some(named("Chi bộ", cells)),
        Some(named("Cán bộ", cadres)),
        Some(named("Phân công", assign)),
    ]
}

fn run(sheets: &RosterSheets) -> (Roster, Vec<Diagnostic>) {
    let groups = Group::defaults()
        .into_iter()
        .map(|g| (g.code.clone(), g))
        .collect();
    parse("roster.xlsx", sheets, &groups)
}

/// `(severity, code, "Sheet!CELL")` of each diagnostic, sorted.
fn found(diags: &[Diagnostic]) -> Vec<(Severity, &'static str, String)> {
    let mut diags = diags.to_vec();
    crate::diagnostic::sort(&mut diags);
    diags
        .iter()
        .map(|d| {
            let at = match (&d.location.sheet, d.location.cell) {
                (Some(s), Some(c)) => format!("{s}!{c}"),
                (Some(s), None) => s.clone(),
                _ => String::new(),
            };
            (d.severity, d.code.as_str(), at)
        })
        .collect()
}

#[test]
fn a_clean_roster_reads_fully() {
    let (roster, diags) = run(&sheets(UNITS_OK, CELLS_OK, CADRES_OK, ASSIGN_OK));
    // The two `Bản Mới` are in different communes: no warning.
    assert_eq!(found(&diags), []);
    assert_eq!(
        (
            roster.units.len(),
            roster.cells.len(),
            roster.cadres.len(),
            roster.assignments.len()
        ),
        (2, 3, 3, 3)
    );
    assert_eq!(
        roster.unit("YC").unwrap().emails,
        ["yc@example.vn", "vp.yc@example.vn"]
    );
    let yc02 = roster.cell("YC02").unwrap();
    assert_eq!(
        (yc02.members, yc02.remote, yc02.meeting_day),
        (Some(20), true, Some(31))
    );
    assert_eq!(roster.cell("YC01").unwrap().aliases, ["Mới", "Bản Mới A"]);
    assert_eq!(
        roster.cell("MC01").unwrap().commune.as_deref(),
        Some("Thị trấn Mộc Châu")
    );
    // Group codes are matched case-insensitively and stored canonically.
    assert_eq!(roster.cadre("C03").unwrap().group, "BCH");
    assert_eq!(roster.cadre("C03").unwrap().quota, Some(4));
    assert_eq!(
        roster.assignments[0].months.iter().collect::<Vec<_>>(),
        [1, 4, 7, 10]
    );
    assert_eq!(roster.assignments[1].months, MonthSet::ALL);
    assert!(roster.assignments[2].months.is_empty());
    assert_eq!(roster.cells_of_unit("YC").count(), 2);
}

#[test]
fn duplicate_codes_are_errors_at_the_second_code_cell() {
    let units: &[&[&str]] = &[
        &["Mã đơn vị", "Tên đơn vị"],
        &["YC", "A"],
        &["MC", "B"],
        &["YC", "C"],
    ];
    let cadres: &[&[&str]] = &[
        &["Nhóm", "Mã cán bộ", "Họ và tên", "Mã đơn vị"],
        &["TT", "C01", "A", ""],
        &["TT", "C01", "B", ""],
    ];
    let (roster, diags) = run(&sheets(
        units,
        CELLS_OK,
        cadres,
        &[&["Mã cán bộ", "Mã chi bộ"]],
    ));
    assert_eq!(
        found(&diags),
        [
            (Severity::Error, "roster-duplicate-code", "Cán bộ!B3".into()),
            (Severity::Error, "roster-duplicate-code", "Đơn vị!A4".into()),
        ]
    );
    let d = diags
        .iter()
        .find(|d| d.location.sheet.as_deref() == Some("Đơn vị"))
        .unwrap();
    assert_eq!(d.message, "mã đơn vị trùng với dòng 2");
    assert_eq!(d.value.as_deref(), Some("YC"));
    assert_eq!(
        roster.unit("YC").unwrap().name,
        "A",
        "the first row is kept"
    );
}

#[test]
fn unknown_codes_are_errors_at_their_cells() {
    let cells: &[&[&str]] = &[
        &["Mã chi bộ", "Tên chi bộ", "Mã đơn vị"],
        &["X1", "Bản A", "ZZ"],
    ];
    let cadres: &[&[&str]] = &[
        &["Mã cán bộ", "Họ và tên", "Nhóm", "Mã đơn vị"],
        &["C01", "A", "BCH", "QQ"],
    ];
    let assign: &[&[&str]] = &[
        &["Mã cán bộ", "Mã chi bộ", "Tháng"],
        &["C99", "X1", "1"],
        &["C01", "NOPE", "2"],
    ];
    let (_, diags) = run(&sheets(UNITS_OK, cells, cadres, assign));
    assert_eq!(
        found(&diags),
        [
            (Severity::Error, "roster-unknown-unit", "Chi bộ!C2".into()),
            (Severity::Error, "roster-unknown-unit", "Cán bộ!D2".into()),
            (
                Severity::Error,
                "roster-unknown-cadre",
                "Phân công!A2".into()
            ),
            (
                Severity::Error,
                "roster-unknown-cell",
                "Phân công!B3".into()
            ),
        ]
    );
}

#[test]
fn bad_groups_and_missing_units_for_unit_groups() {
    let cadres: &[&[&str]] = &[
        &["Mã cán bộ", "Họ và tên", "Nhóm", "Mã đơn vị"],
        &["C01", "A", "UVTW", ""],
        &["C02", "B", "BTV", ""],
        &["C03", "C", "", ""],
    ];
    let (_, diags) = run(&sheets(
        UNITS_OK,
        CELLS_OK,
        cadres,
        &[&["Mã cán bộ", "Mã chi bộ"]],
    ));
    assert_eq!(
        found(&diags),
        [
            (Severity::Error, "roster-bad-group", "Cán bộ!C2".into()),
            (Severity::Error, "roster-missing-value", "Cán bộ!D3".into()),
            (Severity::Error, "roster-missing-value", "Cán bộ!C4".into()),
        ]
    );
    let bad_group = diags
        .iter()
        .find(|d| d.code == Code::RosterBadGroup)
        .unwrap();
    assert_eq!(bad_group.value.as_deref(), Some("UVTW"));
    assert!(
        bad_group.message.contains("BCH, BCH-BT, BTV, TT"),
        "{}",
        bad_group.message
    );
}

#[test]
fn bad_values_name_their_cells() {
    let cells: &[&[&str]] = &[
        &[
            "Mã chi bộ",
            "Tên chi bộ",
            "Mã đơn vị",
            "Số đảng viên",
            "Vùng khó khăn",
            "Ngày sinh hoạt",
        ],
        &["A1", "Bản A", "YC", "ba mươi", "x", "5"],
        &["A2", "Bản B", "YC", "12", "có lẽ", "32"],
        &["A3", "Bản C", "YC", "-4", "", "0"],
    ];
    let cadres: &[&[&str]] = &[
        &["Mã cán bộ", "Họ và tên", "Nhóm", "Định mức năm"],
        &["C01", "A", "BCH", "2,5"],
    ];
    let assign: &[&[&str]] = &[
        &["Mã cán bộ", "Mã chi bộ", "Tháng"],
        &["C01", "A1", "13"],
        &["C01", "A2", "tháng 3"],
    ];
    let (_, diags) = run(&sheets(UNITS_OK, cells, cadres, assign));
    let at: Vec<String> = found(&diags)
        .into_iter()
        .map(|(_, code, at)| format!("{code} {at}"))
        .collect();
    assert_eq!(
        at,
        [
            "roster-bad-value Chi bộ!D2",
            "roster-bad-value Chi bộ!E3",
            "roster-bad-value Chi bộ!F3",
            "roster-bad-value Chi bộ!D4",
            "roster-bad-value Chi bộ!F4",
            "roster-bad-value Cán bộ!D2",
            "roster-bad-value Phân công!C2",
            "roster-bad-value Phân công!C3",
        ]
    );
    assert!(
        diags.iter().all(|d| d.value.is_some()),
        "every bad value quotes the value"
    );
}

#[test]
fn a_month_list_turned_into_a_decimal_by_excel_is_explained() {
    let mut sheets = sheets(UNITS_OK, CELLS_OK, CADRES_OK, ASSIGN_OK);
    let assign = sheets[3].as_mut().unwrap();
    let mut rows: Vec<Vec<Data>> = vec![
        vec![
            Data::String("Mã cán bộ".into()),
            Data::String("Mã chi bộ".into()),
            Data::String("Tháng".into()),
        ],
        vec![
            Data::String("C02".into()),
            Data::String("YC01".into()),
            Data::Float(1.4),
        ],
    ];
    rows.push(vec![
        Data::String("C03".into()),
        Data::String("YC02".into()),
        Data::Int(7),
    ]);
    assign.grid = Grid::from_rows(CellRef::new(0, 0), rows);
    let (roster, diags) = run(&sheets);
    assert_eq!(
        found(&diags),
        [(Severity::Error, "roster-bad-value", "Phân công!C2".into())]
    );
    assert!(diags[0].message.contains("Văn bản"), "{}", diags[0].message);
    assert_eq!(roster.assignments[0].months.iter().collect::<Vec<_>>(), [7]);
}

#[test]
fn missing_sheets_and_columns() {
    let no_name: &[&[&str]] = &[
        &["Ghi chú"],
        &["DANH SÁCH"],
        &["Mã đơn vị", "Email"],
        &["YC", ""],
    ];
    let sheets: RosterSheets = [
        Some(named("Đơn vị", no_name)),
        Some(named("Chi bộ", &[&["x"]])),
        None,
        Some(named("Phân công", ASSIGN_OK)),
    ];
    let (_, diags) = run(&sheets);
    assert_eq!(
        found(&diags),
        [
            (Severity::Error, "roster-missing-sheet", String::new()),
            (Severity::Error, "roster-missing-column", "Chi bộ".into()),
            (Severity::Error, "roster-missing-column", "Đơn vị!A3".into()),
        ]
    );
    assert!(
        diags
            .iter()
            .any(|d| d.message == "thiếu trang «Cán bộ» trong danh sách")
    );
    assert!(
        diags
            .iter()
            .any(|d| d.message == "dòng tiêu đề 3 thiếu cột «Tên đơn vị»")
    );
    // With the cadre and cell sheets unusable, assignments are not flooded with
    // unknown-code errors.
    assert!(!diags.iter().any(|d| d.code == Code::RosterUnknownCadre));
}

#[test]
fn warnings_and_notices_do_not_reject() {
    let units: &[&[&str]] = &[
        &["Mã đơn vị", "Tên đơn vị", "Email", "Người liên hệ"],
        &["YC", "A", "yc@example.vn; không phải địa chỉ", "Ông B"],
    ];
    let cells: &[&[&str]] = &[
        &["Mã chi bộ", "Tên chi bộ", "Xã/phường", "Mã đơn vị"],
        &["A1", "Bản Hoà", "Xã X", "YC"],
        &["A2", "bản hòa", "xã x", "YC"],
    ];
    let assign: &[&[&str]] = &[
        &["Mã cán bộ", "Mã chi bộ", "Tháng"],
        &["C01", "A1", "1"],
        &["C01", "A1", "6"],
    ];
    let cadres: &[&[&str]] = &[&["Mã cán bộ", "Họ và tên", "Nhóm"], &["C01", "A", "TT"]];
    let (roster, diags) = run(&sheets(units, cells, cadres, assign));
    assert_eq!(
        found(&diags),
        [
            (
                Severity::Warning,
                "roster-ambiguous-cell-name",
                "Chi bộ!B3".into()
            ),
            (
                Severity::Warning,
                "roster-duplicate-assignment",
                "Phân công!A3".into()
            ),
            (
                Severity::Notice,
                "roster-unknown-column",
                "Đơn vị!D1".into()
            ),
            (Severity::Warning, "roster-bad-email", "Đơn vị!C2".into()),
        ]
    );
    assert_eq!(roster.unit("YC").unwrap().emails, ["yc@example.vn"]);
    assert_eq!(roster.assignments.len(), 1);
    assert_eq!(
        roster.assignments[0].months.iter().collect::<Vec<_>>(),
        [1, 6]
    );
    assert_eq!(roster.cells.len(), 2);
}

#[test]
fn labels_match_without_diacritics_and_in_any_case() {
    let units: &[&[&str]] = &[&["MA DON VI", "ten don vi"], &["YC", "A"]];
    let cadres: &[&[&str]] = &[
        &["Mã CB", "Họ tên", "NHÓM", "Định mức"],
        &["C01", "A", "TT", "1"],
    ];
    let cells: &[&[&str]] = &[
        &["Mã chi bộ", "Tên chi bộ", "Xa, phuong", "Mã ĐV"],
        &["A1", "B", "X", "YC"],
    ];
    let (roster, diags) = run(&sheets(
        units,
        cells,
        cadres,
        &[&["Mã cán bộ", "Mã chi bộ"]],
    ));
    assert_eq!(found(&diags), []);
    assert_eq!(roster.cadre("C01").unwrap().quota, Some(1));
    assert_eq!(roster.cell("A1").unwrap().commune.as_deref(), Some("X"));
}

#[test]
fn excel_error_cells_are_reported_wherever_they_are() {
    let mut sheets = sheets(UNITS_OK, CELLS_OK, CADRES_OK, ASSIGN_OK);
    let cells = sheets[1].as_mut().unwrap();
    let mut rows: Vec<Vec<Data>> = CELLS_OK
        .iter()
        .map(|r| {
            r.iter()
                .map(|s| {
                    if s.is_empty() {
                        Data::Empty
                    } else {
                        Data::String((*s).into())
                    }
                })
                .collect()
        })
        .collect();
    rows[1][2] = Data::Error(calamine::CellErrorType::Ref);
    cells.grid = Grid::from_rows(CellRef::new(0, 0), rows);
    let (_, diags) = run(&sheets);
    assert_eq!(
        found(&diags),
        [(Severity::Error, "roster-bad-value", "Chi bộ!C2".into())]
    );
    assert_eq!(diags[0].message, "ô có lỗi công thức #REF!");
}

/// The roster is read by the submissions' table reader: a value missing from an absent
/// column points at the table's first column (once column A), text typed in a legacy
/// font is converted with a warning (once kept as typed), and a second header row, a
/// totals row and a footer are read as in a report (once a footer's words were data).
#[test]
fn roster_sheets_are_read_like_report_tables() {
    // `Tên đơn vị` on a second header row, under a group label that it replaces.
    let units: &[&[&str]] = &[
        &["", "Mã đơn vị", "Thông tin đơn vị"],
        &["", "", "Tên đơn vị"],
        &["", "YC", "Huyện ủy Yên Châu"],
        &["", "MC", "Huyện ủy Mộc Châu"],
        &["", "Tổng cộng", "2"],
        &["", "Người lập biểu", ""],
        &["", "Nguyễn Văn A", ""],
    ];
    // A unit group's cadre needs a unit, and the sheet has no `Mã đơn vị` column: the
    // error points at column B, where the table starts.
    let cadres: &[&[&str]] = &[
        &["", "Mã cán bộ", "Họ và tên", "Nhóm"],
        &["", "C01", "Lß V¨n Hoµ", "TT"],
        &["", "C02", "Hà Thị Tâm", "BTV"],
    ];
    let (roster, diags) = run(&sheets(
        units,
        CELLS_OK,
        cadres,
        &[&["Mã cán bộ", "Mã chi bộ"]],
    ));
    assert_eq!(
        found(&diags),
        [
            (
                Severity::Warning,
                "text-legacy-encoding",
                "Cán bộ!C2".into()
            ),
            (Severity::Error, "roster-missing-value", "Cán bộ!B3".into()),
        ]
    );
    assert_eq!(roster.cadre("C01").unwrap().name, "Lò Văn Hoà");
    let units: Vec<&str> = roster.units.iter().map(|u| u.code.as_str()).collect();
    assert_eq!(units, ["YC", "MC"]);
}

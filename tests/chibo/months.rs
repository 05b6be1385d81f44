//! What people read in the consolidated workbook: `Theo tháng` (the year at a glance)
//! and the cadres' order, checked against what the other sheets say; names instead of
//! codes in messages and lists. Read back cell by cell.

use std::collections::BTreeMap;
use std::path::Path;

use calamine::Reader;

use crate::book;
use crate::common::{chibo, demo_workspace, only_month};
use crate::grid::{SheetGrid, shown};

/// Rewrites the workspace's roster with its `Cán bộ` rows in reverse order (standing
/// members first, as a protocol order would have them) and returns the codes in the new
/// order.
fn reverse_cadres(ws: &Path) -> Vec<String> {
    let path = ws.join("roster.xlsx");
    let mut source = calamine::open_workbook_auto(&path).unwrap();
    let mut sheets: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    for name in source.sheet_names() {
        let range = source.worksheet_range(&name).unwrap();
        let mut rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(shown).collect())
            .collect();
        if name == "Cán bộ" {
            rows[1..].reverse();
        }
        sheets.push((name, rows));
    }
    let codes = sheets
        .iter()
        .find(|(n, _)| n == "Cán bộ")
        .unwrap()
        .1
        .iter()
        .skip(1)
        .map(|r| r[0].clone())
        .collect();
    let borrowed: Vec<book::Sheet> = sheets
        .iter()
        .map(|(n, rows)| {
            (
                n.as_str(),
                rows.iter()
                    .map(|r| r.iter().map(String::as_str).collect())
                    .collect(),
            )
        })
        .collect();
    book::write(&path, &borrowed);
    codes
}

/// The rows of a sheet, each cell as [`shown`] writes it.
fn cells(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut book = calamine::open_workbook_auto(path).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| r.iter().map(shown).collect())
        .collect()
}

/// For the demo's July 2020 with the cadres listed in another order than their codes':
/// `Cán bộ` and `Theo tháng` follow the roster; each month's number is the count of that
/// cadre's attended rows dated in that month and inside their area, as the `Chi tiết` of
/// that month's own run lists them; the year to date is their sum, and quota and
/// progress are those of `Cán bộ`, coloured by the same rules.
#[test]
fn the_year_at_a_glance_follows_the_roster_and_the_months_details() {
    let (_tmp, ws) = demo_workspace();
    let order = reverse_cadres(&ws);
    assert_eq!(order.first().map(String::as_str), Some("TT03"));

    // Every month's own run: its accepted rows of that month's files.
    let mut attended: BTreeMap<(String, u32), u32> = BTreeMap::new();
    for m in 1..=7u32 {
        let month = format!("2020-{m:02}");
        let out = chibo(&["run", "-q", "--no-email", "--month", &month], &ws);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
        let path = ws.join(format!("out/{month}/tong-hop-{month}.xlsx"));
        for row in cells(&path, "Chi tiết").iter().skip(1) {
            // E cadre code, I date, J attended, S inside the cadre's area.
            if row[9] == "Có" && row[18] == "Có" {
                let date = chrono::NaiveDate::parse_from_str(&row[8][1..], "%Y-%m-%d").unwrap();
                assert!(chrono::Datelike::month(&date) <= m);
                *attended
                    .entry((row[4].clone(), chrono::Datelike::month(&date)))
                    .or_default() += 1;
            }
        }
    }
    assert!(attended.values().sum::<u32>() > 50, "{attended:?}");

    let path = ws.join("out/2020-07/tong-hop-2020-07.xlsx");
    let names = calamine::open_workbook_auto(&path).unwrap().sheet_names();
    assert_eq!(names[1..3], ["Cán bộ", "Theo tháng"]);
    SheetGrid::open(&path, "Theo tháng").assert_block(
        "A1",
        &[&[
            "Mã cán bộ",
            "Họ và tên",
            "Nhóm",
            "Tháng 1",
            "Tháng 2",
            "Tháng 3",
            "Tháng 4",
            "Tháng 5",
            "Tháng 6",
            "Tháng 7",
            "Từ đầu năm",
            "Định mức năm",
            "Tiến độ",
        ]],
    );
    let cadres = cells(&path, "Cán bộ");
    let year = cells(&path, "Theo tháng");
    let codes = |rows: &[Vec<String>]| -> Vec<String> {
        rows.iter().skip(1).map(|r| r[0].clone()).collect()
    };
    assert_eq!(codes(&cadres), order, "Cán bộ in the roster's order");
    assert_eq!(codes(&year), order, "Theo tháng in the roster's order");
    let mut behind = 0;
    for (row, cadre) in year.iter().skip(1).zip(cadres.iter().skip(1)) {
        let code = &row[0];
        assert_eq!((&row[1], &row[2]), (&cadre[1], &cadre[3]), "{code}");
        let months: Vec<String> = (1..=7)
            .map(|m| {
                format!(
                    "#{}",
                    attended.get(&(code.clone(), m)).copied().unwrap_or(0)
                )
            })
            .collect();
        assert_eq!(row[3..10], months[..], "{code}");
        let sum: u32 = (1..=7)
            .map(|m| attended.get(&(code.clone(), m)).copied().unwrap_or(0))
            .sum();
        // Year to date: the sum, and what `Cán bộ` says; then quota and progress.
        assert_eq!(row[10], format!("#{sum}"), "{code}");
        assert_eq!(
            [&row[10], &row[11], &row[12]],
            [&cadre[6], &cadre[5], &cadre[8]],
            "{code}"
        );
        behind += usize::from(row[12] == "Chậm tiến độ");
    }
    assert!(behind > 0, "the demo has cadres behind schedule");

    // The progress column is coloured by the rules of `Cán bộ`'s.
    let rules = |sheet: &str| -> Vec<String> {
        let xml = sheet_xml(&path, sheet);
        xml.split("<conditionalFormatting sqref=\"")
            .skip(1)
            .flat_map(|block| {
                let sqref = block.split('"').next().unwrap();
                block.split("text=\"").skip(1).map(move |r| {
                    let text = r.split('"').next().unwrap();
                    format!("{text} {sqref}")
                })
            })
            .collect()
    };
    let last = year.len();
    assert_eq!(
        rules("Cán bộ"),
        [
            format!("Chậm I2:I{last}"),
            format!("Đạt I2:I{last}"),
            format!("Đúng I2:I{last}")
        ]
    );
    assert_eq!(
        rules("Theo tháng"),
        [
            format!("Chậm M2:M{last}"),
            format!("Đạt M2:M{last}"),
            format!("Đúng M2:M{last}")
        ]
    );
    let fills = |sheet: &str| -> Vec<String> {
        let xml = sheet_xml(&path, sheet);
        xml.split("dxfId=\"")
            .skip(1)
            .map(|r| r.split('"').next().unwrap().to_owned())
            .collect()
    };
    let styles = zip_entry(&path, "xl/styles.xml");
    let dxfs: Vec<&str> = styles
        .split("<dxf>")
        .skip(1)
        .map(|d| d.split("</dxf>").next().unwrap())
        .collect();
    let colours = |sheet: &str| -> Vec<String> {
        fills(sheet)
            .iter()
            .map(|i| dxfs[i.parse::<usize>().unwrap()].to_owned())
            .collect()
    };
    assert_eq!(colours("Theo tháng"), colours("Cán bộ"));
}

/// Messages in `Lỗi dữ liệu` name the cadre and the cell (`Bản Mới` with its commune, as
/// three cells of the demo bear that name), files go by their names, and `Đơn vị` lists
/// the cells no cadre reached by name.
#[test]
fn the_workbook_names_cadres_cells_and_files_as_people_know_them() {
    let (_tmp, ws) = demo_workspace();
    let folder = only_month(&ws, "2020-07");
    let mut rows = book::yc_title();
    let meeting = [
        "#1",
        "Nguyễn Văn Hoà",
        "Bản Mới",
        "Chiềng Đông",
        "05/07/2020",
        "Có",
    ];
    rows.push(meeting.to_vec());
    rows.push(meeting.to_vec());
    rows.push(vec![
        "#3",
        "Nguyễn Văn Hoà",
        "Bản Mới",
        "Chiềng Mung",
        "06/07/2020",
        "Có",
    ]);
    book::write(&folder.join("YC.xlsx"), &[("Báo cáo", rows)]);
    chibo(&["run", "-q", "--no-email", "--month", "2020-07"], &ws);
    let path = ws.join("out/2020-07/tong-hop-2020-07.xlsx");
    SheetGrid::open(&path, "Lỗi dữ liệu").assert_eq(
        "A1",
        &[
            &["Mức độ", "Mã lỗi", "Đơn vị", "Tệp", "Trang", "Ô", "Nội dung", "Giá trị"],
            &[
                "Cảnh báo",
                "row-duplicate",
                "YC",
                "YC.xlsx",
                "Báo cáo",
                "A8",
                "dòng trùng: đồng chí Nguyễn Văn Hoà, chi bộ Bản Mới (xã Chiềng Đông), ngày 05/07/2020 đã được báo cáo trước đó; chỉ lần đầu được tính",
            ],
            &[
                "Cảnh báo",
                "row-outside-area",
                "YC",
                "YC.xlsx",
                "Báo cáo",
                "C9",
                "chi bộ Bản Mới (xã Chiềng Mung) ngoài địa bàn phụ trách của đồng chí Nguyễn Văn Hoà; buổi này không được tính vào định mức",
            ],
        ],
    );
    // Yên Châu's cells but the one visited, the other `Bản Mới` with its commune.
    SheetGrid::open(&path, "Đơn vị").assert_block(
        "M5",
        &[&[
            "Bản Nà Cài, Bản Hoà, Tiểu khu 1, Bản Mới (xã Chiềng Sàng), Bản Phiêng Hày, Bản Khau Khoang, Bản Lóng Phiêng, Bản Suối Cù, Bản Nặm Dắt",
        ]],
    );
    SheetGrid::open(&path, "Chi tiết").assert_block("A2", &[&["YC", "YC.xlsx"]]);
    // The charts of `Tổng hợp` write their text in the workbook's font.
    for chart in ["xl/charts/chart1.xml", "xl/charts/chart2.xml"] {
        let xml = zip_entry(&path, chart);
        let faces: Vec<&str> = xml
            .split("typeface=\"")
            .skip(1)
            .map(|f| f.split('"').next().unwrap())
            .collect();
        assert!(faces.len() >= 4, "{chart}: {faces:?}");
        assert!(
            faces.iter().all(|f| *f == "Times New Roman"),
            "{chart}: {faces:?}"
        );
    }
}

fn sheet_xml(path: &Path, sheet: &str) -> String {
    let workbook = zip_entry(path, "xl/workbook.xml");
    let names: Vec<&str> = workbook
        .split("<sheet name=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    let index = names.iter().position(|n| *n == sheet).unwrap() + 1;
    zip_entry(path, &format!("xl/worksheets/sheet{index}.xml"))
}

fn zip_entry(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut xml).unwrap();
    xml
}

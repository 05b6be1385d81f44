//! The demo province's monthly submissions, January to July 2020: what four units with
//! different habits send, including the mistakes the office meets every month.

// Invented data over small constants (days, months, a few dozen rows and columns): the
// numeric casts cannot truncate.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::many_single_char_names
)]

use std::fmt::Write as _;

use chibo::model::{Cadre, Cell, YearMonth};
use chibo::roster::Roster;
use chibo::submission::columns::{RECOMMENDATIONS, REPORT, RecCol, ReportCol};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatBorder, Workbook};

/// A file of `samples/inbox/`.
pub struct DemoFile {
    /// Path under `samples/`.
    pub path: String,
    /// Its bytes (for a file `LibreOffice` saves: the .xlsx to convert).
    pub bytes: Vec<u8>,
    /// The format `LibreOffice` saves it as, if any (`xls`, `ods`).
    pub convert: Option<&'static str>,
}

/// A cell as typed: text, a number, or a date cell.
#[derive(Clone)]
enum C {
    T(String),
    N(f64),
    D(u32, u32),
}

fn t(s: impl Into<String>) -> C {
    C::T(s.into())
}

/// Deterministic pseudo-randomness from a key (FNV-1a).
fn roll(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

const TOPICS: &[&str] = &[
    "Quán triệt Nghị quyết Đại hội Đảng bộ tỉnh",
    "Phòng, chống dịch Covid-19 tại khu dân cư",
    "Xây dựng nông thôn mới, chỉnh trang đường làng",
    "Công tác phát triển đảng viên mới",
    "Phòng chống ma túy và tệ nạn xã hội",
    "Chuẩn bị đại hội chi bộ nhiệm kỳ 2020-2022",
    "Chuyển đổi cơ cấu cây trồng, trồng cây ăn quả trên đất dốc",
];
const REASONS: &[&str] = &[
    "Đi công tác",
    "Công việc đột xuất",
    "Ốm đau",
    "Họp Hội đồng nhân dân tỉnh",
];
const RATINGS: &[&str] = &["Tốt", "Tốt", "Khá", "Tốt", "Trung bình", "Khá", ""];

/// How a unit writes dates and names.
#[derive(Clone, Copy)]
enum Habit {
    /// Yên Châu: date cells, names as in the roster, `đ/c` before names.
    DateCells,
    /// Mộc Châu: dates typed `dd/mm/yyyy` as text.
    SlashText,
    /// Mai Sơn: `ngày d tháng m năm yyyy`, old tone style (`Hòa`).
    Words,
    /// Thành phố: ISO dates, commune column left out.
    Iso,
}

fn habit(unit: &str) -> Habit {
    match unit {
        "YC" => Habit::DateCells,
        "MC" => Habit::SlashText,
        "MS" => Habit::Words,
        _ => Habit::Iso,
    }
}

fn date_cell(h: Habit, year: i32, month: u32, day: u32) -> C {
    match h {
        Habit::DateCells => C::D(month, day),
        Habit::SlashText => t(format!("{day:02}/{month:02}/{year}")),
        Habit::Words => t(format!("ngày {day} tháng {month} năm {year}")),
        Habit::Iso => t(format!("{year}-{month:02}-{day:02}")),
    }
}

fn name_as_typed(h: Habit, cadre: &Cadre) -> String {
    match h {
        Habit::DateCells => format!("đ/c {}", cadre.name),
        Habit::Words => cadre.name.replace("Hoà", "Hòa").replace("Thuý", "Thúy"),
        _ => cadre.name.clone(),
    }
}

/// One meeting a unit reports.
struct Visit<'a> {
    cadre: &'a Cadre,
    cell: &'a Cell,
    day: u32,
    attended: bool,
    reason: &'static str,
}

/// The meetings of `unit` in month `m`: planned ones (most attended, some absent, a few
/// left out) and unplanned visits by standing members and the unit's own leaders.
fn visits<'a>(roster: &'a Roster, unit: &'a str, m: u32) -> Vec<Visit<'a>> {
    let mut list = Vec::new();
    for a in roster.assignments.iter().filter(|a| a.months.contains(m)) {
        let (cell, cadre) = (&roster[a.cell], &roster[a.cadre]);
        if cell.unit != unit {
            continue;
        }
        let r = roll(&format!("{m}{}{}", cadre.code, cell.code)) % 100;
        if r < 8 {
            continue; // not reported
        }
        let day =
            chibo::reconcile::planned_date(cell.meeting_day, YearMonth::new(2020, m).unwrap())
                .map_or(15, |d| chrono::Datelike::day(&d));
        let attended = r >= 22;
        list.push(Visit {
            cadre,
            cell,
            day,
            attended,
            reason: REASONS[(r % 4) as usize],
        });
    }
    // Unplanned visits: a standing member in the unit every other month, and the unit's
    // own secretary at one of its cells.
    let cells: Vec<&Cell> = roster.cells_of_unit(unit).collect();
    let tt = ["TT01", "TT02", "TT03"][(m as usize) % 3];
    if (m + unit.len() as u32) % 2 == 0
        && let Some(cadre) = roster.cadre(tt)
    {
        let cell = cells[(roll(&format!("tt{m}{unit}")) as usize) % cells.len()];
        list.push(Visit {
            cadre,
            cell,
            day: 3 + m,
            attended: true,
            reason: "",
        });
    }
    if let Some(bt) = roster
        .cadres
        .iter()
        .find(|c| c.group == "BCH-BT" && c.unit.as_deref() == Some(unit))
    {
        let cell = cells[(roll(&format!("bt{m}{unit}")) as usize) % cells.len()];
        if !list
            .iter()
            .any(|v| v.cadre.code == bt.code && v.cell.code == cell.code)
        {
            list.push(Visit {
                cadre: bt,
                cell,
                day: 12 + m % 5,
                attended: true,
                reason: "",
            });
        }
    }
    list.sort_by_key(|v| (v.day, v.cell.code.clone()));
    list
}

/// A recommendation as the generator tracks it.
#[derive(Clone)]
struct Rec {
    code: String,
    cell: String,
    raised: (u32, u32),
    content: &'static str,
    field: &'static str,
    agency: &'static str,
    /// Month from which each status holds.
    statuses: Vec<(u32, &'static str)>,
}

const REC_TEXTS: &[(&str, &str, &str)] = &[
    (
        "Đề nghị sửa chữa đường liên bản bị sạt lở",
        "Giao thông",
        "UBND huyện",
    ),
    (
        "Đề nghị hỗ trợ giống cây ăn quả cho hộ nghèo",
        "Nông nghiệp",
        "Phòng Nông nghiệp huyện",
    ),
    ("Đề nghị lắp đèn chiếu sáng ngõ xóm", "Hạ tầng", "UBND xã"),
    (
        "Đề nghị giải quyết dứt điểm tranh chấp đất rẫy",
        "Đất đai",
        "Phòng Tài nguyên và Môi trường",
    ),
];
const PLANS: &[&[(u32, &str)]] = &[
    &[
        (0, "Đã chuyển"),
        (2, "Đang giải quyết"),
        (3, "Đã giải quyết"),
    ],
    &[(0, "Giải quyết tại chỗ")],
    &[(0, "Đã chuyển"), (1, "Đang giải quyết")],
    &[(0, "Đang giải quyết"), (4, "Đã giải quyết")],
];

/// The recommendations a unit raises: two in February, one in April, one in June.
fn recs_of(unit: &str, roster: &Roster) -> Vec<Rec> {
    let cells: Vec<&Cell> = roster.cells_of_unit(unit).collect();
    let mut n_in_month = std::collections::HashMap::new();
    [(2, 0), (2, 1), (4, 2), (6, 3)]
        .iter()
        .map(|&(m, i)| {
            let n = n_in_month.entry(m).or_insert(0);
            *n += 1;
            let (content, field, agency) = REC_TEXTS[(i + unit.len()) % REC_TEXTS.len()];
            let statuses = PLANS[i]
                .iter()
                .map(|&(offset, s)| (m + offset, s))
                .collect();
            Rec {
                code: format!("{unit}-2020{m:02}-{n}"),
                cell: cells[(i * 3 + 1) % cells.len()].name.clone(),
                raised: (m, 4 + (i as u32) * 5),
                content,
                field,
                agency,
                statuses,
            }
        })
        .collect()
}

fn status_in(rec: &Rec, m: u32) -> Option<&'static str> {
    rec.statuses
        .iter()
        .rev()
        .find(|(from, _)| *from <= m)
        .map(|(_, s)| *s)
}

/// A name typed on a keyboard without Vietnamese input: `Tòng Văn Hải` → `Tong Van Hai`.
fn without_diacritics(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.trim_start_matches("đ/c ")
        .nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
}

/// Writes one unit's report workbook for month `m`.
#[allow(clippy::too_many_lines)] // one sheet layout, top to bottom
fn workbook(roster: &Roster, unit: &str, m: u32, rows: &[Vec<C>], recs: &[Vec<C>]) -> Vec<u8> {
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(2020, 8, 1).unwrap()),
    );
    let font = Format::new()
        .set_font_name("Times New Roman")
        .set_font_size(12);
    let bold = font.clone().set_bold();
    let cell_fmt = font.clone().set_border(FormatBorder::Thin);
    let date_fmt = cell_fmt.clone().set_num_format("dd/mm/yyyy");
    let name = roster.unit(unit).unwrap().name.to_uppercase();
    let h = habit(unit);
    let sheet = book.add_worksheet().set_name("Báo cáo").unwrap();
    sheet.write_string_with_format(0, 0, &name, &bold).unwrap();
    sheet
        .write_string_with_format(0, 7, "ĐẢNG CỘNG SẢN VIỆT NAM", &bold)
        .unwrap();
    let place = roster
        .unit(unit)
        .unwrap()
        .name
        .replace("Huyện ủy ", "")
        .replace("Thành ủy ", "");
    sheet
        .write_string_with_format(
            1,
            7,
            format!("{place}, ngày 02 tháng {} năm 2020", (m % 12) + 1).as_str(),
            &font,
        )
        .unwrap();
    let title = if matches!(h, Habit::Iso) {
        format!("BÁO CÁO KẾT QUẢ DỰ SINH HOẠT CHI BỘ THÁNG {m:02}/2020")
    } else {
        format!("BÁO CÁO KẾT QUẢ DỰ SINH HOẠT CHI BỘ KHU DÂN CƯ THÁNG {m} NĂM 2020")
    };
    sheet.write_string_with_format(3, 0, &title, &bold).unwrap();
    let header = if matches!(h, Habit::Iso) {
        // This unit drops the commune and shortens labels: aliases SPEC §4 lists.
        report_header(&[
            (ReportCol::Commune, None),
            (ReportCol::Date, Some("Ngày")),
            (ReportCol::MembersTotal, Some("Số đảng viên")),
            (ReportCol::MembersPresent, Some("Có mặt")),
            (ReportCol::Raised, Some("Số kiến nghị")),
            (ReportCol::Rating, Some("Xếp loại")),
        ])
    } else {
        report_header(&[(ReportCol::Rating, Some("Xếp loại"))])
    };
    let header_fmt = bold.clone().set_border(FormatBorder::Thin).set_text_wrap();
    for (c, label) in header.iter().enumerate() {
        sheet
            .write_string_with_format(5, c as u16, *label, &header_fmt)
            .unwrap();
        sheet
            .set_column_width(
                c as u16,
                if c == 1 || c == 2 || c == 9 {
                    26.0
                } else {
                    12.0
                },
            )
            .unwrap();
    }
    let write_rows = |sheet: &mut rust_xlsxwriter::Worksheet, start: u32, rows: &[Vec<C>]| {
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (start + r as u32, c as u16);
                match v {
                    C::T(s) if s.is_empty() => {}
                    C::T(s) => {
                        sheet.write_string_with_format(r, c, s, &cell_fmt).unwrap();
                    }
                    C::N(x) => {
                        sheet.write_number_with_format(r, c, *x, &cell_fmt).unwrap();
                    }
                    C::D(mm, dd) => {
                        let d = ExcelDateTime::from_ymd(2020, *mm as u8, *dd as u8).unwrap();
                        sheet
                            .write_datetime_with_format(r, c, &d, &date_fmt)
                            .unwrap();
                    }
                }
            }
        }
    };
    write_rows(sheet, 6, rows);
    let end = 6 + rows.len() as u32;
    let total_col = if matches!(h, Habit::Iso) { 6 } else { 7 };
    sheet
        .write_string_with_format(end, 1, "Cộng", &bold)
        .unwrap();
    let col_letter = char::from(b'A' + total_col as u8);
    sheet
        .write_formula(
            end,
            total_col,
            format!("=SUM({col_letter}7:{col_letter}{end})").as_str(),
        )
        .unwrap();
    sheet
        .write_string_with_format(end + 2, 1, "Người lập biểu", &bold)
        .unwrap();
    sheet
        .write_string_with_format(end + 2, 8, "T/M BAN THƯỜNG VỤ", &bold)
        .unwrap();
    sheet
        .write_string_with_format(end + 6, 1, "Lò Thị Lan", &font)
        .unwrap();

    if !recs.is_empty() {
        let sheet = book.add_worksheet().set_name("Kiến nghị").unwrap();
        // The template's recommendations header: every column but the cell code.
        let header: Vec<&str> = RECOMMENDATIONS
            .iter()
            .filter(|c| c.key != RecCol::CellCode)
            .map(chibo::ingest::Column::canonical)
            .collect();
        for (c, label) in header.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, *label, &header_fmt)
                .unwrap();
            sheet
                .set_column_width(c as u16, if c == 4 { 40.0 } else { 16.0 })
                .unwrap();
        }
        write_rows(sheet, 1, recs);
    }
    book.save_to_buffer().unwrap()
}

/// The report header a unit writes in its own sheet: the columns of
/// `submission::columns::REPORT` but the code and position columns only the template
/// has, each with its canonical label unless `own` gives the unit's: another of the
/// column's labels, or `None` for a column the unit leaves out.
fn report_header(own: &[(ReportCol, Option<&'static str>)]) -> Vec<&'static str> {
    const TEMPLATE_ONLY: [ReportCol; 3] = [
        ReportCol::CadreCode,
        ReportCol::Position,
        ReportCol::CellCode,
    ];
    REPORT
        .iter()
        .filter(|c| !TEMPLATE_ONLY.contains(&c.key))
        .filter_map(|c| match own.iter().find(|(key, _)| *key == c.key) {
            Some((_, Some(label))) => {
                assert!(
                    c.labels.contains(label),
                    "{label} is not a label of {:?}",
                    c.key
                );
                Some(*label)
            }
            Some((_, None)) => None,
            None => Some(c.canonical()),
        })
        .collect()
}

fn report_rows(roster: &Roster, unit: &str, m: u32) -> Vec<Vec<C>> {
    let h = habit(unit);
    visits(roster, unit, m)
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let r = roll(&format!("row{m}{}{}", v.cadre.code, v.cell.code));
            let members = v.cell.members.unwrap_or(30);
            let present = members - (r % 6) as u32 - 1;
            let raised = (r % 4) as u32;
            let mut row = vec![
                C::N((i + 1) as f64),
                t(name_as_typed(h, v.cadre)),
                t(&v.cell.name),
            ];
            if !matches!(h, Habit::Iso) {
                row.push(t(v.cell.commune.clone().unwrap_or_default()));
            }
            row.push(date_cell(h, 2020, m, v.day));
            if v.attended {
                row.extend([
                    t(if r % 3 == 0 { "x" } else { "Có" }),
                    t(""),
                    if matches!(h, Habit::SlashText) {
                        t(format!("{members} đ/c"))
                    } else {
                        C::N(f64::from(members))
                    },
                    C::N(f64::from(present)),
                    t(TOPICS[(r % TOPICS.len() as u64) as usize]),
                    C::N(f64::from(raised)),
                    C::N(f64::from(raised.saturating_sub((r % 2) as u32))),
                    t(RATINGS[(r % RATINGS.len() as u64) as usize]),
                    t(""),
                ]);
            } else {
                row.extend([t("Không"), t(v.reason)]);
            }
            row
        })
        .collect()
}

fn rec_rows(roster: &Roster, unit: &str, m: u32) -> Vec<Vec<C>> {
    let h = habit(unit);
    recs_of(unit, roster)
        .into_iter()
        .filter(|r| r.raised.0 <= m)
        .filter(|r| {
            // A resolved one is listed the month it is resolved, then no more.
            let now = status_in(r, m);
            let before = if m > r.raised.0 {
                status_in(r, m - 1)
            } else {
                None
            };
            !(matches!(now, Some("Đã giải quyết" | "Giải quyết tại chỗ")) && before == now)
        })
        .enumerate()
        .map(|(i, r)| {
            let is_new = r.raised.0 == m;
            let status = status_in(&r, m).unwrap_or("Đã chuyển");
            let resolved = if status == "Đã giải quyết" {
                date_cell(h, 2020, m, 20)
            } else {
                t("")
            };
            vec![
                C::N((i + 1) as f64),
                t(if is_new {
                    String::new()
                } else {
                    r.code.clone()
                }),
                t(&r.cell),
                date_cell(h, 2020, r.raised.0, r.raised.1),
                t(r.content),
                t(r.field),
                t(r.agency),
                t(status),
                resolved,
                t(""),
            ]
        })
        .collect()
}

/// Every file of the demo inbox.
#[allow(clippy::too_many_lines)] // the months' story, told in order
pub fn files(roster: &Roster) -> Vec<DemoFile> {
    let mut out = Vec::new();
    for m in 1..=7u32 {
        let folder = format!("inbox/2020-{m:02}");
        let mut received = String::from("# Ngày văn phòng nhận báo cáo (YYYY-MM-DD<Tab>tên tệp)\n");
        for unit in ["MC", "MS", "TP", "YC"] {
            let unit_name = roster
                .unit(unit)
                .unwrap()
                .name
                .replace("Huyện ủy ", "")
                .replace("Thành ủy ", "TP ");
            if m == 7 && unit == "MS" {
                continue; // Mai Sơn has not sent July's report.
            }
            let mut rows = report_rows(roster, unit, m);
            let recs = rec_rows(roster, unit, m);
            let mut convert = None;
            let mut name = format!("{unit_name} thang {m}.xlsx");
            let mut day = 2 + (roll(&format!("recv{m}{unit}")) % 3) as u32;
            if m == 7 {
                match unit {
                    "YC" => {
                        // A first version with mistakes, then a corrected one.
                        let mut first = rows.clone();
                        first.push(vec![
                            C::N(99.0),
                            t("Lò Văn Ai"),
                            t("Bản Mới"),
                            t(""),
                            C::D(7, 20),
                            t("Có"),
                        ]);
                        out.push(DemoFile {
                            path: format!("{folder}/Yen Chau YC thang 7.xlsx"),
                            bytes: workbook(roster, unit, m, &first, &recs),
                            convert: None,
                        });
                        let _ = writeln!(received, "2020-08-02\tYen Chau YC thang 7.xlsx");
                        name = "Yen Chau YC thang 7 (sua).xlsx".into();
                        // The corrected one: a name typed without diacritics, a row
                        // repeated, and a planned meeting left unfilled.
                        if let Some(C::T(n)) = rows.get_mut(0).and_then(|r| r.get_mut(1)) {
                            *n = without_diacritics(n);
                        }
                        let repeat = rows[rows.len() - 1].clone();
                        rows.push(repeat);
                        rows.push(vec![
                            C::N(98.0),
                            t("Cầm Văn Đoàn"),
                            t("Bản Nặm Dắt"),
                            t("Phiêng Khoài"),
                            C::D(7, 25),
                        ]);
                        day = 4;
                    }
                    "MC" => {
                        // Sent late, saved by LibreOffice as .xls, one visit outside the area.
                        rows.push(vec![
                            C::N(99.0),
                            t("Quàng Thị Mai"),
                            t("Tiểu khu 1"),
                            t("Chiềng Đông"),
                            t("20/07/2020"),
                            t("Có"),
                            t(""),
                            t("51"),
                            t("40"),
                        ]);
                        convert = Some("xls");
                        name = "Moc Chau thang 7.xlsx".into();
                        day = 9;
                    }
                    _ => {
                        // Thành phố: an unknown cell, a bad date, an absence without reason.
                        rows.push(vec![
                            C::N(97.0),
                            t("Phạm Quốc Bảo"),
                            t("Tổ 12"),
                            t("2020-07-08"),
                            t("Có"),
                        ]);
                        rows.push(vec![
                            C::N(98.0),
                            t("Cầm Thị Ngân"),
                            t("Bản Hẹo"),
                            t("31/06/2020"),
                            t("Có"),
                        ]);
                        rows.push(vec![
                            C::N(99.0),
                            t("Lường Văn Tâm"),
                            t("Tổ 1"),
                            t("2020-07-05"),
                            t("Không"),
                        ]);
                    }
                }
            }
            if m == 6 && unit == "TP" {
                convert = Some("ods");
            }
            let stored = match convert {
                Some(ext) => name.replace(".xlsx", &format!(".{ext}")),
                None => name.clone(),
            };
            let _ = writeln!(received, "2020-{:02}-{day:02}\t{stored}", m + 1);
            out.push(DemoFile {
                path: format!("{folder}/{name}"),
                bytes: workbook(roster, unit, m, &rows, &recs),
                convert,
            });
        }
        if m == 7 {
            out.push(DemoFile {
                path: format!("{folder}/ghi chu van phong.txt"),
                bytes: "Mai Sơn hẹn gửi báo cáo tháng 7 sau ngày 10/8.\n"
                    .as_bytes()
                    .to_vec(),
                convert: None,
            });
        }
        out.push(DemoFile {
            path: format!("{folder}/received.txt"),
            bytes: received.into_bytes(),
            convert: None,
        });
    }
    out
}

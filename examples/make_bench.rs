//! Writes SPEC-conformant workspaces of any size for benchmarks: a roster and
//! `inbox/YYYY-MM/` workbooks with title blocks, totals rows, footers and about 2%
//! realistic errors. Seeded and deterministic: the same preset and seed give the same files.
//!
//! ```text
//! cargo run --release --example make_bench -- PRESET DIR [SEED]
//! cargo run --release --example make_bench -- custom DIR UNITS CELLS_PER_UNIT CADRES MONTHS ROWS [SEED]
//! ```
//! Presets: `province-month` (12 units, 200 cells each, 80 cadres, 1 month, 250 rows per
//! unit), `province-year` (the same for 12 months), `nation-year` (400 units, 100 cells
//! each, 3,000 cadres, 12 months, 250 rows per unit-month, about 1.2M rows).

// Synthetic data over bounded indexes: the casts cannot truncate or lose precision.
#![allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]

use std::path::Path;

use chibo::ingest::ColumnKey;
use chibo::model::{AssignmentRow, Cadre, Cell, MonthSet, Unit, YearMonth};
use chibo::roster::Roster;
use rayon::prelude::*;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

struct Size {
    units: usize,
    cells: usize,
    cadres: usize,
    months: u32,
    rows: usize,
}

const A: [&str; 20] = [
    "Mường", "Chiềng", "Nà", "Phiêng", "Bản", "Huổi", "Nậm", "Pá", "Long", "Tà", "Co", "Hua",
    "Púng", "Lóng", "Suối", "Tân", "Quyết", "Hát", "Mai", "Thuận",
];
const B: [&str; 20] = [
    "Lạn", "Đông", "Sàng", "Khoài", "Mới", "Hẹo", "Sập", "Tám", "Lay", "Cọ", "Mung", "Ớt", "Lót",
    "Tiến", "Hòa", "Thắng", "Chà", "Bon", "Nưa", "Kheo",
];
const SURNAMES: [&str; 15] = [
    "Nguyễn", "Lò", "Cầm", "Quàng", "Lường", "Hà", "Tòng", "Vì", "Điêu", "Trần", "Phạm", "Đặng",
    "Hoàng", "Bạc", "Mùa",
];
const MIDDLE: [&str; 10] = [
    "Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Hữu", "Kim",
];
const GIVEN: [&str; 40] = [
    "An", "Bình", "Cường", "Dũng", "Đoàn", "Giang", "Hải", "Hòa", "Hùng", "Hương", "Khánh", "Lan",
    "Linh", "Long", "Mai", "Nam", "Ngân", "Nhung", "Phong", "Phúc", "Quân", "Quyết", "Sơn", "Tâm",
    "Tám", "Thành", "Thảo", "Thúy", "Toàn", "Trang", "Trung", "Tuấn", "Tùng", "Uyên", "Vân",
    "Việt", "Vinh", "Xuân", "Yến", "Khuyên",
];
const TOPICS: [&str; 4] = [
    "Quán triệt Nghị quyết",
    "Phòng chống dịch",
    "Xây dựng nông thôn mới",
    "Phát triển đảng viên",
];
const RATINGS: [&str; 5] = ["Tốt", "Khá", "Tốt", "Trung bình", ""];

/// The report's columns as a unit writes them (without the template's code and position
/// columns), with the short label units often use for the rating.
fn report_header() -> [&'static str; 14] {
    use chibo::submission::columns::ReportCol::{
        AbsenceReason, Attended, Cadre, Cell, Commune, Content, Date, MembersPresent, MembersTotal,
        Note, Raised, Rating, ResolvedOnSpot, Stt,
    };
    [
        Stt,
        Cadre,
        Cell,
        Commune,
        Date,
        Attended,
        AbsenceReason,
        MembersTotal,
        MembersPresent,
        Content,
        Raised,
        ResolvedOnSpot,
        Rating,
        Note,
    ]
    .map(|key| match key {
        Rating => {
            let short = "Xếp loại";
            assert!(
                key.column().labels.contains(&short),
                "a label of the rating"
            );
            short
        }
        _ => key.column().canonical(),
    })
}

fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

fn unit_code(u: usize) -> String {
    format!("U{u:03}")
}

fn roster(size: &Size) -> Roster {
    let units = (0..size.units)
        .map(|u| Unit {
            code: unit_code(u),
            name: format!("Huyện ủy {} {} {u:03}", A[u % 20], B[(u / 20) % 20]),
            emails: vec![],
        })
        .collect();
    let cells = (0..size.units)
        .flat_map(|u| {
            (0..size.cells).map(move |c| Cell {
                code: format!("{}-C{c:03}", unit_code(u)),
                name: format!("Bản {} {} {c}", A[c % 20], B[(c / 20) % 20]),
                // Ten cells a commune; commune names unique in the whole country.
                commune: Some(format!(
                    "Xã {} {} {u:03}",
                    A[(c / 10) % 20],
                    B[(c / 200) % 20]
                )),
                unit: unit_code(u),
                members: Some(10 + (c % 60) as u32),
                remote: c % 7 == 0,
                meeting_day: Some(1 + (c % 28) as u8),
                aliases: vec![],
            })
        })
        .collect();
    let cadres: Vec<Cadre> = (0..size.cadres)
        .map(|k| {
            let (group, unit) = match k {
                0..3 => ("TT", None),
                _ if k < 3 + size.units.min(size.cadres / 3) => ("BCH-BT", Some(unit_code(k - 3))),
                _ if k % 10 == 0 => ("BTV", Some(unit_code(k % size.units))),
                _ => ("BCH", None),
            };
            Cadre {
                code: format!("K{k:04}"),
                name: format!(
                    "{} {} {}",
                    SURNAMES[k % 15],
                    MIDDLE[(k / 15) % 10],
                    GIVEN[(k / 150) % 40]
                ),
                position: Some("Tỉnh ủy viên".into()),
                group: group.into(),
                unit,
                email: None,
                quota: None,
            }
        })
        .collect();
    let assignments = cadres
        .iter()
        .enumerate()
        .filter(|(_, c)| c.group == "BCH")
        .flat_map(|(k, c)| {
            let u = k % size.units;
            (0..2).map(move |i| AssignmentRow {
                cadre: c.code.clone(),
                cell: format!("{}-C{:03}", unit_code(u), (k * 7 + i * 3) % size.cells),
                months: MonthSet::parse(if i == 0 { "1,4,7,10" } else { "*" }).expect("months"),
            })
        })
        .collect();
    Roster::new(units, cells, cadres, assignments)
}

/// The cadres who report in unit `u`: its own, those assigned to its cells, and the
/// standing members.
fn pool(roster: &Roster, size: &Size, u: usize) -> Vec<usize> {
    (0..roster.cadres.len())
        .filter(|&k| {
            let c = &roster.cadres[k];
            c.group == "TT"
                || c.unit.as_deref() == Some(unit_code(u).as_str())
                || (c.group == "BCH" && k % size.units == u)
        })
        .collect()
}

#[allow(clippy::too_many_lines)] // one report, top to bottom
fn report(roster: &Roster, size: &Size, u: usize, m: u32, seed: u64) -> Vec<u8> {
    let month = YearMonth::new(2020, m).expect("a month");
    let days = chrono::Datelike::day(&month.last_day());
    let cadres = pool(roster, size, u);
    let mut book = Workbook::new();
    // A fixed creation time: otherwise every generation differs in its bytes.
    book.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&ExcelDateTime::from_ymd(2020, 1, 1).expect("a date")),
    );
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let sheet = book.add_worksheet().set_name("Báo cáo").expect("name");
    let unit = &roster.units[u];
    sheet
        .write_string(0, 0, unit.name.to_uppercase())
        .expect("cell");
    sheet
        .write_string(0, 8, "ĐẢNG CỘNG SẢN VIỆT NAM")
        .expect("cell");
    sheet
        .write_string(
            2,
            0,
            format!("BÁO CÁO KẾT QUẢ DỰ SINH HOẠT CHI BỘ THÁNG {m} NĂM 2020"),
        )
        .expect("cell");
    let header = report_header();
    for (c, label) in header.iter().enumerate() {
        sheet.write_string(4, c as u16, *label).expect("cell");
    }
    for i in 0..size.rows {
        let r = 5 + i as u32;
        let h = mix(seed ^ ((u as u64) << 40) ^ (u64::from(m) << 32) ^ i as u64);
        let cadre = &roster.cadres[cadres[(h % cadres.len() as u64) as usize]];
        let cell = &roster.cells[u * size.cells + ((h >> 8) % size.cells as u64) as usize];
        let day = 1 + ((h >> 16) % u64::from(days)) as u32;
        let attended = (h >> 24) % 10 != 0;
        // Four kinds of mistake, half a percent each: about 2% of rows in all.
        let error = (h >> 28) % 200;
        sheet.write_number(r, 0, (i + 1) as f64).expect("cell");
        let name = if error == 1 {
            format!("Người Lạ {i}")
        } else {
            cadre.name.clone()
        };
        sheet.write_string(r, 1, &name).expect("cell");
        sheet.write_string(r, 2, &cell.name).expect("cell");
        sheet
            .write_string(r, 3, cell.commune.as_deref().unwrap_or_default())
            .expect("cell");
        if error == 2 {
            sheet.write_string(r, 4, "31/02/2020").expect("cell");
        } else if u % 2 == 0 {
            sheet
                .write_datetime_with_format(
                    r,
                    4,
                    ExcelDateTime::from_ymd(2020, m as u8, day as u8).expect("date"),
                    &date,
                )
                .expect("cell");
        } else {
            sheet
                .write_string(r, 4, format!("{day:02}/{m:02}/2020"))
                .expect("cell");
        }
        sheet
            .write_string(r, 5, if attended { "Có" } else { "Không" })
            .expect("cell");
        if !attended && error != 3 {
            sheet.write_string(r, 6, "Đi công tác").expect("cell");
        }
        let members = f64::from(cell.members.unwrap_or(30));
        sheet.write_number(r, 7, members).expect("cell");
        sheet
            .write_number(r, 8, members - ((h >> 32) % 5) as f64)
            .expect("cell");
        sheet
            .write_string(r, 9, TOPICS[((h >> 36) % 4) as usize])
            .expect("cell");
        sheet
            .write_number(r, 10, ((h >> 40) % 3) as f64)
            .expect("cell");
        sheet.write_number(r, 11, 0.0).expect("cell");
        let rating = if error == 4 {
            "Xuất sắc"
        } else {
            RATINGS[((h >> 44) % 5) as usize]
        };
        if !rating.is_empty() {
            sheet.write_string(r, 12, rating).expect("cell");
        }
    }
    let end = 5 + size.rows as u32;
    sheet.write_string(end, 1, "Cộng").expect("cell");
    sheet
        .write_formula(end, 7, format!("=SUM(H6:H{end})").as_str())
        .expect("cell");
    sheet
        .write_string(end + 2, 1, "Người lập biểu")
        .expect("cell");
    book.save_to_buffer().expect("workbook")
}

#[allow(clippy::too_many_lines)] // argument handling and the writing, in order
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: make_bench PRESET DIR [SEED] | make_bench custom DIR UNITS CELLS CADRES MONTHS ROWS [SEED]";
    let (size, dir, seed) = match args.first().map(String::as_str) {
        Some("custom") => {
            let n = |i: usize| {
                args.get(i)
                    .and_then(|a| a.parse::<usize>().ok())
                    .expect(usage)
            };
            let size = Size {
                units: n(2),
                cells: n(3),
                cadres: n(4),
                months: n(5) as u32,
                rows: n(6),
            };
            (
                size,
                args.get(1).expect(usage).clone(),
                args.get(7).and_then(|s| s.parse().ok()).unwrap_or(1),
            )
        }
        Some(preset) => {
            let size = match preset {
                "province-month" => Size {
                    units: 12,
                    cells: 200,
                    cadres: 80,
                    months: 1,
                    rows: 250,
                },
                "province-year" => Size {
                    units: 12,
                    cells: 200,
                    cadres: 80,
                    months: 12,
                    rows: 250,
                },
                "nation-year" => Size {
                    units: 400,
                    cells: 100,
                    cadres: 3000,
                    months: 12,
                    rows: 250,
                },
                other => panic!("unknown preset {other}; {usage}"),
            };
            (
                size,
                args.get(1).expect(usage).clone(),
                args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1),
            )
        }
        None => panic!("{usage}"),
    };
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).expect("folder");
    let roster = roster(&size);
    std::fs::write(
        dir.join("roster.xlsx"),
        chibo::report::roster::to_xlsx(&roster).expect("roster"),
    )
    .expect("write roster");
    let config = chibo::commands::init::CONFIG_TEMPLATE.replacen(
        "province = \"\"",
        "province = \"Tỉnh Thử Nghiệm\"",
        1,
    );
    std::fs::write(dir.join("chibo.toml"), config).expect("write config");
    let jobs: Vec<(usize, u32)> = (1..=size.months)
        .flat_map(|m| (0..size.units).map(move |u| (u, m)))
        .collect();
    jobs.par_iter().for_each(|&(u, m)| {
        let folder = dir.join(format!("inbox/2020-{m:02}"));
        std::fs::create_dir_all(&folder).expect("folder");
        let bytes = report(&roster, &size, u, m, seed);
        std::fs::write(
            folder.join(format!("{} thang {m}.xlsx", unit_code(u))),
            bytes,
        )
        .expect("write report");
    });
    for m in 1..=size.months {
        let next = YearMonth::new(2020, m).expect("month").next();
        let lines = (0..size.units).fold(String::new(), |mut out, u| {
            use std::fmt::Write as _;
            let _ = writeln!(
                out,
                "{}-{:02}-03\t{} thang {m}.xlsx",
                next.year,
                next.month,
                unit_code(u)
            );
            out
        });
        std::fs::write(dir.join(format!("inbox/2020-{m:02}/received.txt")), lines)
            .expect("received.txt");
    }
    println!(
        "wrote {} units × {} months × {} rows = {} rows in {}",
        size.units,
        size.months,
        size.rows,
        size.units * size.months as usize * size.rows,
        dir.display()
    );
}

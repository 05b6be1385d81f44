//! Hostile and broken input: each file gives one clear error (or a correct read), within
//! bounded time and memory, and nothing else is harmed.

use std::fmt::Write as _;
use std::io::{Read, Write};

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chibo::ingest::ColumnKey;
use chibo::submission::columns::ReportCol;
use chibo::submission::{self, Context, FileStatus, Submission};

use crate::book::{self, yc_title};
use crate::common::{chibo, text};

fn read(path: &Path) -> Submission {
    submission::read(
        path,
        &path.file_name().unwrap().to_string_lossy(),
        &Context::default(),
    )
}

fn codes(s: &Submission) -> Vec<&str> {
    s.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

/// Replaces (or adds) `entry` of the zip at `src` with `content`, writing `dest`.
fn rezip(src: &Path, dest: &Path, entry: &str, content: &[u8]) {
    let mut input = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(dest).unwrap());
    for i in 0..input.len() {
        let file = input.by_index(i).unwrap();
        if file.name().map_or(true, |n| n != entry) {
            out.raw_copy_file(file).unwrap();
        }
    }
    out.start_file(entry, zip::write::SimpleFileOptions::default())
        .unwrap();
    out.write_all(content).unwrap();
    out.finish().unwrap();
}

fn report(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    book::write(&path, &[("Báo cáo", book::yc_report())]);
    path
}

#[test]
fn a_zip_that_is_not_a_workbook() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("khong-phai.xlsx");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    z.start_file("hello.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(b"xin chao").unwrap();
    z.finish().unwrap();
    let s = read(&path);
    assert_eq!(
        (s.status, codes(&s)),
        (FileStatus::Unreadable, vec!["file-unreadable"])
    );
    assert!(
        s.diagnostics[0]
            .message
            .contains("không phải bảng tính hoặc đã bị hỏng"),
        "{}",
        s.diagnostics[0].message
    );
}

#[test]
fn two_hundred_sheets_cost_no_more_than_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("nhieu-trang.xlsx");
    let mut sheets: Vec<book::Sheet> = (1..200)
        .map(|i| {
            (
                Box::leak(format!("Trang {i}").into_boxed_str()) as &str,
                vec![vec!["rác"; 20]; 50],
            )
        })
        .collect();
    let mut rows = yc_title();
    rows.push(vec![
        "#1",
        "Nguyễn Văn Hoà",
        "Bản Mới",
        "Chiềng Đông",
        "05/07/2020",
        "Có",
    ]);
    sheets.push(("Báo cáo", rows));
    book::write(&path, &sheets);
    let started = Instant::now();
    let s = read(&path);
    assert_eq!((s.status, s.read, s.accepted()), (FileStatus::Read, 1, 1));
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn merged_header_cells_read_correctly() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("gop-o.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet().set_name("Báo cáo").unwrap();
    let plain = rust_xlsxwriter::Format::new();
    sheet
        .merge_range(0, 0, 0, 6, "BÁO CÁO THÁNG 7 NĂM 2020", &plain)
        .unwrap();
    // The cadre's name merged over two columns, "Kết quả" (a group, not a column) over
    // the result columns below it.
    let label = |key: ReportCol| key.column().canonical();
    sheet
        .merge_range(2, 0, 3, 0, label(ReportCol::Stt), &plain)
        .unwrap();
    sheet
        .merge_range(2, 1, 3, 2, label(ReportCol::Cadre), &plain)
        .unwrap();
    sheet
        .merge_range(2, 3, 3, 3, label(ReportCol::Cell), &plain)
        .unwrap();
    sheet
        .merge_range(2, 4, 3, 4, label(ReportCol::Date), &plain)
        .unwrap();
    sheet.merge_range(2, 5, 2, 6, "Kết quả", &plain).unwrap();
    sheet
        .write_string(3, 5, label(ReportCol::Attended))
        .unwrap();
    sheet
        .write_string(3, 6, label(ReportCol::AbsenceReason))
        .unwrap();
    for (c, v) in ["1", "Lò Văn A", "", "Bản B", "05/07/2020", "Có", ""]
        .iter()
        .enumerate()
    {
        if !v.is_empty() {
            sheet
                .write_string(4, u16::try_from(c).unwrap(), *v)
                .unwrap();
        }
    }
    wb.save(&path).unwrap();
    let s = read(&path);
    assert_eq!((s.read, s.accepted()), (1, 1), "{:?}", s.diagnostics);
    assert_eq!(
        (s.rows[0].cadre_text.as_str(), s.rows[0].cell_text.as_str()),
        ("Lò Văn A", "Bản B")
    );
}

#[test]
fn a_cell_of_32767_characters_goes_through_to_the_workbook() {
    let (_tmp, ws) = crate::common::demo_workspace();
    crate::common::only_month(&ws, "2020-07");
    let long =
        "Nghị quyết ".repeat(2900) + &"x".repeat(32_767 - "Nghị quyết ".chars().count() * 2900);
    assert_eq!(long.chars().count(), 32_767);
    let mut rows = yc_title();
    rows.push(vec![
        "#1",
        "Nguyễn Văn Hoà",
        "Bản Mới",
        "Chiềng Đông",
        "05/07/2020",
        "Có",
        "",
        "",
        "",
        &long,
    ]);
    book::write(&ws.join("inbox/2020-07/YC.xlsx"), &[("Báo cáo", rows)]);
    assert_eq!(
        chibo(&["run", "-q", "--no-email", "--month", "2020-07"], &ws)
            .status
            .code(),
        Some(0)
    );
    let details =
        crate::grid::SheetGrid::open(&ws.join("out/2020-07/tong-hop-2020-07.xlsx"), "Chi tiết");
    // Compared whole, but not printed: a failure would print 32 767 characters twice.
    assert!(
        details.cell("N2") == long,
        "Chi tiết!N2 is not the text sent"
    );
}

#[test]
fn an_xml_entity_expansion_probe_is_not_expanded() {
    let tmp = tempfile::tempdir().unwrap();
    let good = report(tmp.path(), "good.xlsx");
    let mut lol =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..=9 {
        let previous = if i == 1 {
            String::new()
        } else {
            (i - 1).to_string()
        };
        let _ = writeln!(
            lol,
            "<!ENTITY lol{i} \"{}\">",
            format!("&lol{previous};").repeat(10)
        );
    }
    lol.push_str("]>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>");
    let path = tmp.path().join("lol.xlsx");
    rezip(&good, &path, "xl/worksheets/sheet1.xml", lol.as_bytes());
    let started = Instant::now();
    let s = read(&path);
    assert!(started.elapsed() < Duration::from_secs(10));
    // Either refused, or read without the billion laughs: no cell holds the expansion.
    assert!(
        s.diagnostics
            .iter()
            .all(|d| d.value.as_ref().is_none_or(|v| v.len() < 1000))
    );
    assert!(matches!(
        s.status,
        FileStatus::Unreadable | FileStatus::Read
    ));
}

#[test]
fn a_sheet_of_a_million_rows_is_refused_quickly() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("trieu-dong.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet().set_name("Báo cáo").unwrap();
    for r in 0..1_048_576u32 {
        sheet.write_number(r, 0, f64::from(r)).unwrap();
    }
    wb.save(&path).unwrap();
    let started = Instant::now();
    let s = read(&path);
    assert_eq!(
        (s.status, codes(&s)),
        (FileStatus::Unreadable, vec!["file-too-large"])
    );
    assert!(
        s.diagnostics[0].message.contains("A20001"),
        "{}",
        s.diagnostics[0].message
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn unit_codes_cannot_steer_where_files_go() {
    let (tmp, ws) = crate::common::demo_workspace();
    let config = chibo::config::Config::load(&ws.join("chibo.toml")).unwrap();
    let (roster, _) = chibo::roster::load(&config.roster, "roster.xlsx", &config.groups).unwrap();
    let mut units = roster.units.clone();
    units[0].code = "../../etc".into();
    units[1].code = "CON".into();
    let (old0, old1) = (roster.units[0].code.clone(), roster.units[1].code.clone());
    let cells: Vec<_> = roster
        .cells
        .iter()
        .cloned()
        .map(|mut c| {
            if c.unit == old0 {
                c.unit = units[0].code.clone();
            } else if c.unit == old1 {
                c.unit = units[1].code.clone();
            }
            c
        })
        .collect();
    let cadres: Vec<_> = roster
        .cadres
        .iter()
        .cloned()
        .map(|mut c| {
            if c.unit.as_deref() == Some(&old0) {
                c.unit = Some(units[0].code.clone());
            } else if c.unit.as_deref() == Some(&old1) {
                c.unit = Some(units[1].code.clone());
            }
            c
        })
        .collect();
    let hostile = chibo::roster::Roster::new(units, cells, cadres, roster.assignment_rows());
    std::fs::write(
        ws.join("roster.xlsx"),
        chibo::report::roster::to_xlsx(&hostile).unwrap(),
    )
    .unwrap();

    let out = chibo(
        &["template", "--month", "2020-07", "--unit", "../../etc"],
        &ws,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).1.contains("không dùng được làm tên tệp"),
        "{:?}",
        text(&out)
    );
    assert_eq!(
        chibo(&["template", "--month", "2020-07", "--unit", "CON"], &ws)
            .status
            .code(),
        Some(2)
    );
    chibo(&["run", "-q", "--month", "2020-07"], &ws);
    // Everything written stays under out/2020-07 with safe names.
    let mut names: Vec<String> = std::fs::read_dir(ws.join("out/2020-07/outbox"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            Path::new(n)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("eml"))
        })
        .collect();
    names.sort();
    assert!(
        names.iter().all(|n| n
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))),
        "{names:?}"
    );
    assert!(!tmp.path().join("etc").exists() && !ws.join("etc").exists());
}

/// Every hostile file, checked by the binary under a 512 MiB address-space limit, ends
/// within 10 s with a clear error and without crashing.
#[test]
fn hostile_files_stay_within_memory_and_time() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let good = report(dir, "good.xlsx");
    // A bomb: an entry of 200 MiB that deflates to a few hundred KiB (the lying kind is
    // in limits.rs).
    let bomb = dir.join("bomb.xlsx");
    {
        let mut input = zip::ZipArchive::new(std::fs::File::open(&good).unwrap()).unwrap();
        let mut out = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
        for i in 0..input.len() {
            out.raw_copy_file(input.by_index(i).unwrap()).unwrap();
        }
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        out.start_file("xl/sharedStrings2.xml", options).unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..200 {
            out.write_all(&chunk).unwrap();
        }
        out.finish().unwrap();
    }
    let corner = dir.join("corner.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet()
        .set_name("Báo cáo")
        .unwrap()
        .write_string(1_048_575, 16_383, "x")
        .unwrap();
    wb.save(&corner).unwrap();
    std::fs::write(
        dir.join("random.xlsx"),
        (0..4096u32)
            .map(|i| i.wrapping_mul(2_654_435_761).to_be_bytes()[1])
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    // Found by the fuzzer: a tiny .xls whose two cells lie far apart, which calamine
    // would expand into a dense range of about 1.15 GB (first byte: the format).
    let dense = std::fs::read(crate::common::fixture("fuzz/xls-dense-range.bin")).unwrap();
    std::fs::write(dir.join("dense.xls"), &dense[1..]).unwrap();
    // An .ods of a few KB repeating one filled cell 90 million times (under calamine's
    // own cap of 100 million, which would still take gigabytes).
    let ods = crate::common::fixture("report-yc-2020-07.ods");
    let mut content = String::new();
    zip::ZipArchive::new(std::fs::File::open(&ods).unwrap())
        .unwrap()
        .by_name("content.xml")
        .unwrap()
        .read_to_string(&mut content)
        .unwrap();
    let repeated = "<table:table-row table:number-rows-repeated=\"9000\"><table:table-cell table:number-columns-repeated=\"10000\" office:value-type=\"string\"><text:p>x</text:p></table:table-cell></table:table-row></table:table>";
    rezip(
        &ods,
        &dir.join("repeat.ods"),
        "content.xml",
        content.replacen("</table:table>", repeated, 1).as_bytes(),
    );
    for name in [
        "bomb.xlsx",
        "corner.xlsx",
        "random.xlsx",
        "dense.xls",
        "repeat.ods",
        "good.xlsx",
    ] {
        let started = Instant::now();
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "ulimit -v 524288 && exec \"{}\" check \"{name}\"",
                env!("CARGO_BIN_EXE_chibo")
            ))
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let elapsed = started.elapsed();
        let (stdout, stderr) = text(&out);
        assert!(elapsed < Duration::from_secs(10), "{name}: {elapsed:?}");
        let want = i32::from(name != "good.xlsx");
        assert_eq!(out.status.code(), Some(want), "{name}\n{stdout}\n{stderr}");
        if name != "good.xlsx" {
            assert!(
                stdout.contains(&format!("{name}: error[file-")),
                "{name}: {stdout}"
            );
        }
    }
}

//! Resource limits: a hostile or broken workbook is refused quickly with a clear error.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use chibo::submission::{self, Context, FileStatus};

use crate::book::{self, yc_title};

fn read(path: &Path) -> submission::Submission {
    submission::read(path, "f.xlsx", &Context::default())
}

#[test]
fn a_cell_at_the_far_corner_is_refused_before_allocation() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("corner.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet().set_name("Báo cáo").unwrap();
    sheet.write_string(0, 0, "STT").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    wb.save(&path).unwrap();
    let started = Instant::now();
    let s = read(&path);
    assert_eq!(s.status, FileStatus::Unreadable);
    assert_eq!(s.diagnostics[0].code.as_str(), "file-too-large");
    assert!(
        s.diagnostics[0].message.contains("XFD1048576"),
        "{}",
        s.diagnostics[0].message
    );
    // A dense 1,048,576 × 16,384 range would take minutes and hundreds of GiB.
    assert!(started.elapsed().as_secs() < 10);
}

/// What is not data far below a report is no reason to refuse it (issue 16): a styled
/// blank cell at `Q1048576`, a cell holding only spaces, a line break or a
/// non-breaking space at the last row. The report reads whole; a real value there
/// is still refused.
#[test]
fn blanks_and_spaces_far_below_a_report_are_not_data() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |name: &str, far: Option<&str>| {
        let path = tmp.path().join(name);
        let mut wb = rust_xlsxwriter::Workbook::new();
        let sheet = wb.add_worksheet().set_name("Báo cáo").unwrap();
        book::fill(sheet, &book::yc_report());
        let styled = rust_xlsxwriter::Format::new().set_bold();
        sheet.write_blank(1_048_575, 16, &styled).unwrap();
        for (col, text) in [(17, "   "), (18, "\n"), (19, "\u{a0}\u{200b}")] {
            sheet.write_string(1_048_575, col, text).unwrap();
        }
        if let Some(text) = far {
            sheet.write_string(1_048_575, 30, text).unwrap();
        }
        wb.save(&path).unwrap();
        path
    };
    let s = read(&write("spaces.xlsx", None));
    assert_eq!(s.status, FileStatus::Read, "{:?}", s.diagnostics);
    assert_eq!((s.read, s.rejected), (1, 0));
    let s = read(&write("value.xlsx", Some("x")));
    assert_eq!(s.diagnostics[0].code.as_str(), "file-too-large");
    assert!(s.diagnostics[0].message.contains("AE1048576"));
}

/// Issue 16: the same report with one styled empty cell at the last row its format
/// has (Q1048576 in .xlsx and .ods, Q65536 in .xls, where the sheet's DIMENSIONS record
/// then declares 65,536 rows × 17 columns) reads as the plain report does, in `check`
/// and in `run`, saved as .xlsx (Gnumeric), .xls (Gnumeric) or .ods (Calc).
#[test]
fn a_styled_blank_at_the_last_row_reads_alike_in_every_format() {
    let plain = read(&crate::common::fixture("report-yc-2020-07.xlsx"));
    assert_eq!(plain.status, FileStatus::Read, "{:?}", plain.diagnostics);
    assert!(plain.accepted() > 0);
    let counts = |s: &submission::Submission| (s.read, s.accepted(), s.rejected);
    let codes = |s: &submission::Submission| {
        let mut c: Vec<String> = s.diagnostics.iter().map(ToString::to_string).collect();
        c.sort();
        c
    };
    let mut run_counts = Vec::new();
    for ext in ["xlsx", "xls", "ods"] {
        let far = read(&crate::common::fixture(&format!("report-far-blank.{ext}")));
        assert_eq!(far.status, FileStatus::Read, "{ext}: {:?}", far.diagnostics);
        assert_eq!(counts(&far), counts(&plain), "{ext}");
        assert_eq!(codes(&far), codes(&plain), "{ext}");

        let (_tmp, ws) = crate::common::demo_workspace();
        let inbox = crate::common::only_month(&ws, "2020-07");
        let name = format!("YC.{ext}");
        std::fs::copy(
            crate::common::fixture(&format!("report-far-blank.{ext}")),
            inbox.join(&name),
        )
        .unwrap();
        let checked = crate::common::chibo(&["check", &format!("inbox/2020-07/{name}")], &ws);
        let (stdout, stderr) = crate::common::text(&checked);
        assert!(!stdout.contains("file-too-large"), "{stdout}{stderr}");
        assert!(
            stdout.contains(&format!(
                "đọc {} dòng, nhận {}, loại {}",
                plain.read,
                plain.accepted(),
                plain.rejected
            )),
            "{stdout}{stderr}"
        );
        let run = crate::common::chibo(&["run", "--month", "2020-07", "--no-email"], &ws);
        let (stdout, stderr) = crate::common::text(&run);
        assert!(!stdout.contains("file-too-large"), "{stdout}{stderr}");
        let text = std::fs::read_to_string(ws.join("out/2020-07/summary.json")).unwrap();
        let summary: serde_json::Value = serde_json::from_str(&text).unwrap();
        let rows = &summary["rows"];
        assert_eq!(
            rows["read"].as_u64().unwrap(),
            rows["accepted"].as_u64().unwrap()
                + rows["rejected"].as_u64().unwrap()
                + rows["duplicates"].as_u64().unwrap(),
            "{ext}: {rows}"
        );
        run_counts.push((rows.clone(), summary["files"]["used"].clone()));
    }
    assert_eq!(run_counts[0].1, 1);
    assert!(
        run_counts.iter().all(|c| *c == run_counts[0]),
        "{run_counts:?}"
    );
    assert_eq!(run_counts[0].0["accepted"], plain.accepted());
}

/// An `.xls` (Gnumeric's) with three spaces typed at `Q65536`, BIFF8's last row: the
/// walk lets calamine build the 65,536 × 17 range, and the space is no data, so the
/// report reads whole in `check` and `run`; a number there is data beyond the sheet
/// limits, refused alike by both.
#[test]
fn a_space_at_the_last_row_of_an_xls_is_no_data() {
    let plain = read(&crate::common::fixture("report-yc-2020-07.xlsx"));
    let space = read(&crate::common::fixture("report-far-space.xls"));
    assert_eq!(space.status, FileStatus::Read, "{:?}", space.diagnostics);
    assert_eq!(
        (space.read, space.accepted(), space.rejected),
        (plain.read, plain.accepted(), plain.rejected)
    );
    let number = read(&crate::common::fixture("report-far-number.xls"));
    assert_eq!(number.status, FileStatus::Unreadable);
    let said: Vec<String> = number.diagnostics.iter().map(ToString::to_string).collect();
    assert!(
        said.len() == 1 && said[0].contains("file-too-large") && said[0].contains("ô Q65536"),
        "{said:?}"
    );
    for (name, accepted) in [
        ("report-far-space.xls", plain.accepted()),
        ("report-far-number.xls", 0),
    ] {
        let (_tmp, ws) = crate::common::demo_workspace();
        let inbox = crate::common::only_month(&ws, "2020-07");
        std::fs::copy(crate::common::fixture(name), inbox.join("YC.xls")).unwrap();
        let run = crate::common::chibo(&["run", "--month", "2020-07", "--no-email"], &ws);
        let summary: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(ws.join("out/2020-07/summary.json"))
                .unwrap_or_else(|e| panic!("{name}: {e} {:?}", crate::common::text(&run))),
        )
        .unwrap();
        assert_eq!(summary["rows"]["accepted"], accepted, "{name}");
    }
}

#[test]
fn a_decompression_bomb_is_refused_before_inflating() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good.xlsx");
    book::write(&good, &[("Báo cáo", yc_title())]);
    // The same workbook with a 120 MiB entry of zeros that deflates to a few hundred KiB.
    let bomb = tmp.path().join("bomb.xlsx");
    let mut src = zip::ZipArchive::new(std::fs::File::open(&good).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
    for i in 0..src.len() {
        out.raw_copy_file(src.by_index(i).unwrap()).unwrap();
    }
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    out.start_file("xl/media/padding.bin", options).unwrap();
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..120 {
        out.write_all(&zeros).unwrap();
    }
    out.finish().unwrap();
    assert!(std::fs::metadata(&bomb).unwrap().len() < 2 * 1024 * 1024);
    let s = read(&bomb);
    assert_eq!(s.status, FileStatus::Unreadable);
    assert_eq!(s.diagnostics[0].code.as_str(), "file-too-large");
    assert!(
        s.diagnostics[0].message.contains("100 MiB"),
        "{}",
        s.diagnostics[0].message
    );
}

/// A bomb whose zip directory lies: its shared strings say they are as long as the real
/// ones and inflate to 120 MiB. Sizes are checked as declared, so this holds the zip
/// reader to stopping at the declared size.
#[test]
fn an_entry_larger_than_declared_is_cut_off() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good.xlsx");
    book::write(&good, &[("Báo cáo", yc_title())]);
    let bomb = tmp.path().join("bomb.xlsx");
    let name = "xl/sharedStrings.xml";
    let mut src = zip::ZipArchive::new(std::fs::File::open(&good).unwrap()).unwrap();
    let mut strings = Vec::new();
    std::io::Read::read_to_end(&mut src.by_name(name).unwrap(), &mut strings).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
    for i in 0..src.len() {
        let entry = src.by_index(i).unwrap();
        if entry.name().unwrap() != name {
            out.raw_copy_file(entry).unwrap();
        }
    }
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    out.start_file(name, options).unwrap();
    out.write_all(&strings).unwrap();
    let spaces = vec![b' '; 1024 * 1024];
    for _ in 0..120 {
        out.write_all(&spaces).unwrap();
    }
    out.finish().unwrap();
    // Patch the entry's uncompressed size, in its local header (offset 22) and its
    // directory record (offset 24), to the real strings' length.
    let (local, central) = {
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&bomb).unwrap()).unwrap();
        let entry = archive.by_name(name).unwrap();
        (entry.header_start(), entry.central_header_start())
    };
    let mut bytes = std::fs::read(&bomb).unwrap();
    let declared = u32::try_from(strings.len()).unwrap().to_le_bytes();
    for at in [local + 22, central + 24] {
        let at = usize::try_from(at).unwrap();
        bytes[at..at + 4].copy_from_slice(&declared);
    }
    std::fs::write(&bomb, &bytes).unwrap();
    let started = Instant::now();
    let s = read(&bomb);
    assert_eq!(s.status, FileStatus::Unreadable, "{:?}", s.diagnostics);
    // Refused by the zip reader, past the check of declared sizes (had it inflated the
    // whole entry, the trailing spaces would have read as a good workbook); its English
    // words ("declared uncompressed size") stay out of the message.
    assert_eq!(s.diagnostics[0].code.as_str(), "file-unreadable");
    assert_eq!(
        s.diagnostics[0].message,
        "tệp .xlsx bị hỏng hoặc không đầy đủ; hãy mở tệp bằng Excel hoặc LibreOffice rồi lưu lại, hoặc gửi lại tệp"
    );
    assert!(started.elapsed().as_secs() < 10);
}

#[test]
fn reading_stops_at_the_row_limit_with_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("many.xlsx");
    let mut rows = yc_title();
    let row = book::YC_MEETING.to_vec();
    let limit = usize::try_from(submission::report::MAX_DATA_ROWS).unwrap();
    rows.extend(std::iter::repeat_n(row, limit + 3));
    book::write(&path, &[("Báo cáo", rows)]);
    let s = read(&path);
    assert_eq!((s.read, s.accepted()), (limit, limit));
    let last = s.diagnostics.last().unwrap();
    assert_eq!(last.code.as_str(), "report-too-many-rows");
    assert_eq!(
        last.location.cell.unwrap().to_string(),
        format!("A{}", 6 + limit + 1)
    );
}

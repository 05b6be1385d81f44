//! Opening a file: the reader is chosen by what the file holds, not by its name; what
//! is not a worksheet is left out; a file that only looks like a workbook gets a
//! Vietnamese message saying what it is and what to do, with no library text.

use std::io::Write;
use std::path::Path;

use chibo::submission::{self, Context, FileStatus, Submission};
use serde_json::Value;

use crate::book::{self, yc_report};
use crate::common::{chibo, demo_workspace as demo, fixture, only_month, text};

const PASSWORD: &str = "bảng tính được đặt mật khẩu; hãy gỡ mật khẩu rồi gửi lại";
const HTML: &str = "tệp là một trang web (HTML) mang tên của bảng tính, không phải bảng tính thật (các cổng thông tin thường xuất tệp như vậy); hãy mở bằng Excel rồi lưu thành .xlsx";
const XML_2003: &str = "tệp là bảng tính XML của Excel 2003 (XML Spreadsheet), định dạng chibo không đọc; hãy mở bằng Excel rồi lưu thành .xlsx";
const OLD_EXCEL: &str = "tệp là bảng tính Excel đời cũ (Excel 2.x–4.0), định dạng chibo không đọc; hãy mở bằng Excel hoặc LibreOffice rồi lưu thành .xlsx";
const LOTUS: &str = "tệp là bảng tính Lotus 1-2-3 hoặc Quattro Pro, định dạng chibo không đọc; hãy mở bằng LibreOffice rồi lưu thành .xlsx";
const CSV: &str = "tệp là văn bản thuần (CSV: các giá trị ngăn bởi dấu phẩy, dấu chấm phẩy hoặc tab), không phải bảng tính; hãy mở bằng Excel rồi lưu thành .xlsx";
const TEXT: &str =
    "tệp là văn bản thuần, không phải bảng tính; hãy gửi báo cáo bằng tệp Excel (.xlsx)";
const PDF: &str =
    "tệp là tài liệu PDF, không phải bảng tính; hãy gửi báo cáo bằng tệp Excel (.xlsx) gốc";
const WORD: &str =
    "tệp là văn bản Word, không phải bảng tính; hãy chép bảng sang Excel rồi lưu thành .xlsx";
const BROKEN: &str = "tệp không phải bảng tính hoặc đã bị hỏng; hãy mở tệp bằng Excel hoặc LibreOffice, lưu thành .xlsx rồi gửi lại";

/// Words of the libraries' own messages that once reached units.
const LIBRARY_TEXT: [&str; 10] = [
    "Invalid",
    "signature",
    "Expecting",
    "Cannot detect",
    "failed to fill",
    "no entry found",
    "rror",
    "\\x",
    "0x",
    "worksheet",
];

fn read_as(bytes: Vec<u8>, name: &str) -> Submission {
    submission::read_bytes(bytes, name, &Context::default())
}

/// The one message of a file that cannot be read, checked to hold no library text.
fn refusal(s: &Submission) -> &str {
    assert_eq!(
        s.status,
        FileStatus::Unreadable,
        "{}: {:?}",
        s.file,
        s.diagnostics
    );
    assert_eq!(s.diagnostics.len(), 1, "{}: {:?}", s.file, s.diagnostics);
    assert_eq!(
        s.diagnostics[0].code.as_str(),
        "file-unreadable",
        "{}",
        s.file
    );
    let message = s.diagnostics[0].message.as_str();
    for words in LIBRARY_TEXT {
        assert!(!message.contains(words), "{}: {message}", s.file);
    }
    message
}

/// A zip of `entries` (name, content), stored or deflated as the zip crate chooses.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in entries {
        out.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(content).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The zip `bytes` with each entry's content passed through `edit(name, content)`.
fn edit_zip(bytes: &[u8], mut edit: impl FnMut(&str, Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let name = archive.name_for_index(i).unwrap().unwrap().into_owned();
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut archive.by_index(i).unwrap(), &mut content).unwrap();
        let content = edit(&name, content);
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&content).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// An OpenDocument spreadsheet saved with a password, as LibreOffice writes one: its
/// manifest declares the encryption of `content.xml`, whose bytes are ciphertext.
fn password_ods() -> Vec<u8> {
    let manifest = br#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml" manifest:size="4201">
  <manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k" manifest:checksum="c2VjcmV0">
   <manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" manifest:initialisation-vector="aXY="/>
   <manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:key-size="32" manifest:iteration-count="100000" manifest:salt="c2FsdA=="/>
  </manifest:encryption-data>
 </manifest:file-entry>
</manifest:manifest>"#;
    let ciphertext: Vec<u8> = (0..4096u32)
        .map(|i| u8::try_from(i * 7919 % 251).unwrap())
        .collect();
    zip_of(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", &ciphertext),
    ])
}

/// Yên Châu's one-meeting report as .xlsx bytes.
fn report_xlsx(dir: &Path) -> Vec<u8> {
    let path = dir.join("bao-cao.xlsx");
    book::write(&path, &[("Báo cáo", yc_report())]);
    std::fs::read(path).unwrap()
}

/// Yên Châu's one-meeting report on a sheet not named `Báo cáo`, with a chart sheet
/// (a chart of its member counts) before it, as Excel writes one.
fn report_beside_chart_sheet(path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let mut chart = rust_xlsxwriter::Chart::new(rust_xlsxwriter::ChartType::Column);
    chart.add_series().set_values(("Tháng 7", 6, 7, 6, 8));
    wb.add_chartsheet()
        .set_name("Biểu đồ")
        .unwrap()
        .insert_chart(0, 0, &chart)
        .unwrap();
    let sheet = wb.add_worksheet().set_name("Tháng 7").unwrap();
    for (r, row) in yc_report().iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (u32::try_from(r).unwrap(), u16::try_from(c).unwrap());
            if let Some(n) = cell.strip_prefix('#') {
                sheet.write_number(r, c, n.parse::<f64>().unwrap()).unwrap();
            } else if !cell.is_empty() {
                sheet.write_string(r, c, *cell).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

fn summary(ws: &Path) -> Value {
    let text = std::fs::read_to_string(ws.join("out/2020-07/summary.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn a_chart_sheet_beside_the_report_is_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bieu-do.xlsx");
    report_beside_chart_sheet(&path);
    let s = submission::read(&path, "bieu-do.xlsx", &Context::default());
    assert_eq!(
        (s.status, s.sheet.as_deref(), s.read, s.accepted()),
        (FileStatus::Read, Some("Tháng 7"), 1, 1),
        "{:?}",
        s.diagnostics
    );
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
}

#[test]
fn a_chart_sheet_beside_the_report_is_skipped_in_check_and_run() {
    let (_tmp, ws) = demo();
    let inbox = only_month(&ws, "2020-07");
    report_beside_chart_sheet(&inbox.join("YC.xlsx"));
    let checked = chibo(&["check", "inbox/2020-07/YC.xlsx"], &ws);
    let (stdout, stderr) = text(&checked);
    assert!(!stdout.contains("file-unreadable"), "{stdout}{stderr}");
    assert!(!stdout.contains("Biểu đồ"), "{stdout}{stderr}");
    let run = chibo(&["run", "--month", "2020-07", "--no-email"], &ws);
    let (stdout, stderr) = text(&run);
    assert!(!stdout.contains("file-unreadable"), "{stdout}{stderr}");
    let summary = summary(&ws);
    assert_eq!(summary["files"]["used"], 1, "{stdout}{stderr}");
    assert_eq!(summary["rows"]["accepted"], 1, "{stdout}{stderr}");
}

#[test]
fn the_content_chooses_the_reader_whatever_the_name() {
    let tmp = tempfile::tempdir().unwrap();
    let xlsx = report_xlsx(tmp.path());
    let xls = std::fs::read(fixture("report-yc-2020-07.xls")).unwrap();
    let ods = std::fs::read(fixture("report-yc-2020-07.ods")).unwrap();
    for (bytes, name) in [
        (&xlsx, "YC.xls"),
        (&xlsx, "YC.XLSX"),
        (&xlsx, "YC.ods"),
        (&xlsx, "YC.xlsb"),
        (&xls, "YC.xlsx"),
        (&xls, "YC.XLS"),
        (&ods, "YC.xlsx"),
        (&ods, "YC.Ods"),
    ] {
        let s = read_as(bytes.clone(), name);
        assert_eq!(s.status, FileStatus::Read, "{name}: {:?}", s.diagnostics);
        assert!(s.accepted() > 0, "{name}: {:?}", s.diagnostics);
    }
}

#[test]
fn a_password_keeps_its_message_whatever_the_name() {
    let ooxml = std::fs::read(fixture("report-password.xlsx")).unwrap();
    for (bytes, name) in [
        (password_ods(), "YC.ODS"),
        (password_ods(), "YC.xlsx"),
        (ooxml.clone(), "YC.xls"),
        (ooxml, "YC.XLSX"),
    ] {
        assert_eq!(refusal(&read_as(bytes, name)), PASSWORD, "{name}");
    }
}

/// An .xls encrypted by Calc (a FILEPASS record, RC4) gets the password message, not
/// «too large» from its encrypted records read as cells; one encrypted with Excel's
/// default key (`VelvetSweatshop`, a workbook whose structure alone is protected, which
/// Excel opens without asking) is decrypted and reads as the plain report does.
#[test]
fn an_encrypted_xls_is_refused_unless_excel_would_open_it_unasked() {
    let password = std::fs::read(fixture("report-password.xls")).unwrap();
    let default_key = std::fs::read(fixture("report-default-key.xls")).unwrap();
    let plain = read_as(
        std::fs::read(fixture("report-yc-2020-07.xls")).unwrap(),
        "YC.xls",
    );
    assert!(plain.accepted() > 0);
    for name in ["YC.xls", "YC.xlsx"] {
        assert_eq!(
            refusal(&read_as(password.clone(), name)),
            PASSWORD,
            "{name}"
        );
        let read = read_as(default_key.clone(), name);
        assert_eq!(
            read.status,
            FileStatus::Read,
            "{name}: {:?}",
            read.diagnostics
        );
        assert_eq!(
            (read.read, read.accepted(), read.rejected),
            (plain.read, plain.accepted(), plain.rejected),
            "{name}"
        );
        assert_eq!(read.diagnostics, plain.diagnostics, "{name}");
    }
}

#[test]
fn check_and_run_treat_an_encrypted_xls_alike() {
    let (_tmp, ws) = demo();
    let inbox = only_month(&ws, "2020-07");
    std::fs::copy(fixture("report-password.xls"), inbox.join("MS.xls")).unwrap();
    std::fs::copy(fixture("report-default-key.xls"), inbox.join("YC.xls")).unwrap();
    let want = format!("inbox/2020-07/MS.xls: error[file-unreadable]: {PASSWORD}");
    let checked = chibo(
        &["check", "inbox/2020-07/MS.xls", "inbox/2020-07/YC.xls"],
        &ws,
    );
    let (stdout, stderr) = text(&checked);
    assert!(stdout.contains(want.as_str()), "{want}\n{stdout}{stderr}");
    assert!(
        stdout.contains("inbox/2020-07/YC.xls [YC, tháng 07/2020]: đọc 4 dòng, nhận 4, loại 0"),
        "{stdout}{stderr}"
    );
    let run = chibo(&["run", "--month", "2020-07", "--no-email"], &ws);
    let (stdout, stderr) = text(&run);
    assert!(stdout.contains(want.as_str()), "{want}\n{stdout}{stderr}");
    let summary = summary(&ws);
    assert_eq!(summary["files"]["used"], 1, "{stdout}{stderr}");
    assert_eq!(summary["files"]["unreadable"], 1, "{stdout}{stderr}");
    assert_eq!(summary["rows"]["accepted"], 4, "{stdout}{stderr}");
    assert_eq!(summary["rows"]["read"], 4, "{stdout}{stderr}");
}

/// An .xls whose OLE container lists a `MiniFAT` sector twice (calamine and LibreOffice
/// read it; the cfb crate refuses it) reads like the file it was made from.
#[test]
fn an_xls_with_a_mini_sector_listed_twice_is_read() {
    let plain = submission::read(
        &fixture("report-yc-2020-07.xls"),
        "YC.xls",
        &Context::default(),
    );
    let odd = submission::read(
        &fixture("report-minifat-twice.xls"),
        "YC.xls",
        &Context::default(),
    );
    assert_eq!(odd.status, FileStatus::Read, "{:?}", odd.diagnostics);
    assert!(plain.accepted() > 0);
    assert_eq!(
        (odd.read, odd.accepted(), odd.rejected),
        (plain.read, plain.accepted(), plain.rejected)
    );
    assert_eq!(odd.diagnostics, plain.diagnostics);
}

/// An Excel template (`.xltx`) differs from a workbook only in its content type: saved
/// under a workbook's name, it reads like one.
#[test]
fn a_template_named_xlsx_reads_like_a_workbook() {
    let tmp = tempfile::tempdir().unwrap();
    let xlsx = report_xlsx(tmp.path());
    let template = edit_zip(&xlsx, |name, content| {
        if name == "[Content_Types].xml" {
            let types = String::from_utf8(content).unwrap();
            let template = types.replace(
                "spreadsheetml.sheet.main+xml",
                "spreadsheetml.template.main+xml",
            );
            assert_ne!(template, types);
            template.into_bytes()
        } else {
            content
        }
    });
    let s = read_as(template, "YC.xlsx");
    assert_eq!(
        (s.status, s.accepted()),
        (FileStatus::Read, 1),
        "{:?}",
        s.diagnostics
    );
}

/// An Excel 4.0 macro sheet, which calamine cannot list beside the others (it refuses
/// the workbook): the unit is told what to do, in Vietnamese.
#[test]
fn a_macro_sheet_is_told_in_vietnamese() {
    let tmp = tempfile::tempdir().unwrap();
    let xlsx = report_xlsx(tmp.path());
    let with_macro = edit_zip(&xlsx, |name, content| {
        let text = String::from_utf8(content).unwrap();
        let text = match name {
            "xl/workbook.xml" => text.replace(
                "</sheets>",
                r#"<sheet name="Macro1" sheetId="9" r:id="rId99"/></sheets>"#,
            ),
            "xl/_rels/workbook.xml.rels" => text.replace(
                "</Relationships>",
                r#"<Relationship Id="rId99" Type="http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet" Target="macrosheets/sheet1.xml"/></Relationships>"#,
            ),
            _ => text,
        };
        text.into_bytes()
    });
    assert_eq!(
        refusal(&read_as(with_macro, "YC.xlsm")),
        "bảng tính có trang macro Excel 4.0 (hoặc một loại trang khác trang tính) mà chibo không đọc được; hãy xoá trang đó, hoặc chép trang báo cáo sang một tệp .xlsx mới, rồi gửi lại"
    );
}

/// Files named like workbooks that are something else: each is told what it is, in
/// Vietnamese, with what to do.
#[test]
fn things_named_like_workbooks_are_told_what_they_are() {
    let utf16_tabs: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "STT\tHọ và tên\tChi bộ\r\n1\tNguyễn Văn Hoà\tBản Mới\r\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "cong-thong-tin.xls",
            b"<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><body><table><tr><td>1</td></tr></table></body></html>".to_vec(),
            HTML,
        ),
        (
            "bom.xls",
            b"\xEF\xBB\xBF\r\n  <!DOCTYPE html>\n<html><table></table></html>".to_vec(),
            HTML,
        ),
        ("bang.xls", b"\n<table border=1><tr><td>STT</td></tr></table>".to_vec(), HTML),
        (
            "trang-web.xls",
            b"MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\nContent-Type: multipart/related; boundary=\"----=_NextPart\"\r\n".to_vec(),
            HTML,
        ),
        (
            "excel-2003.xls",
            b"<?xml version=\"1.0\"?>\r\n<?mso-application progid=\"Excel.Sheet\"?>\r\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\"><Worksheet ss:Name=\"B\"/></Workbook>".to_vec(),
            XML_2003,
        ),
        // BOF records of BIFF2 (0x0009), BIFF3 (0x0209) and BIFF4 (0x0409).
        ("excel-2.xls", b"\x09\x00\x04\x00\x02\x00\x10\x00\x0A\x00\x00\x00".to_vec(), OLD_EXCEL),
        ("excel-3.xls", b"\x09\x02\x06\x00\x00\x00\x10\x00\x00\x00\x0A\x00\x00\x00".to_vec(), OLD_EXCEL),
        ("excel-4.xlsx", b"\x09\x04\x06\x00\x00\x00\x10\x00\x00\x00\x0A\x00\x00\x00".to_vec(), OLD_EXCEL),
        // Lotus 1-2-3 WK1 and WK3, Quattro Pro WQ1.
        ("lotus.xls", b"\x00\x00\x02\x00\x06\x04\x06\x00\x08\x00".to_vec(), LOTUS),
        ("lotus3.xls", b"\x00\x00\x1A\x00\x00\x10\x04\x00\x00\x00".to_vec(), LOTUS),
        ("quattro.xls", b"\x00\x00\x02\x00\x20\x51\x06\x00\x08\x00".to_vec(), LOTUS),
        (
            "bao-cao.xls",
            "STT,Họ và tên,Chi bộ\r\n1,Nguyễn Văn Hoà,Bản Mới\r\n".as_bytes().to_vec(),
            CSV,
        ),
        ("pk.xls", "PKD;Mã\n1;YC\n".as_bytes().to_vec(), CSV),
        ("cham-phay.xlsx", "STT;Họ và tên\n1;Lò Văn A\n".as_bytes().to_vec(), CSV),
        ("unicode-text.xls", utf16_tabs, CSV),
        ("ghi-chu.xlsx", "Đơn vị nộp muộn\n".as_bytes().to_vec(), TEXT),
        ("tcvn3.xls", b"\xA7\xAB n v\xDE n\xE9p mu\xE9n\n".to_vec(), TEXT),
        ("ban-in.xlsx", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj".to_vec(), PDF),
        (
            "van-ban.xlsx",
            zip_of(&[
                ("[Content_Types].xml", b"<Types/>"),
                ("word/document.xml", b"<w:document/>"),
            ]),
            WORD,
        ),
        (
            "rac.xlsx",
            (0..2048u32).map(|i| u8::try_from(i * 31 % 256).unwrap()).collect(),
            BROKEN,
        ),
        ("ole-hong.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1<html>".to_vec(), "cấu trúc tệp .xls bị hỏng; hãy mở tệp bằng Excel hoặc LibreOffice rồi lưu lại"),
    ];
    for (name, bytes, want) in cases {
        assert_eq!(refusal(&read_as(bytes, name)), want, "{name}");
    }
}

#[test]
fn check_and_run_read_by_content_and_tell_what_a_file_is() {
    let (_tmp, ws) = demo();
    let inbox = only_month(&ws, "2020-07");
    std::fs::write(inbox.join("YC.xls"), report_xlsx(&inbox)).unwrap();
    std::fs::remove_file(inbox.join("bao-cao.xlsx")).unwrap();
    std::fs::write(inbox.join("MS.ODS"), password_ods()).unwrap();
    std::fs::write(
        inbox.join("TP.xls"),
        b"<html><body><table><tr><td>STT</td></tr></table></body></html>",
    )
    .unwrap();
    let want = [
        format!("inbox/2020-07/MS.ODS: error[file-unreadable]: {PASSWORD}"),
        format!("inbox/2020-07/TP.xls: error[file-unreadable]: {HTML}"),
    ];
    let checked = chibo(
        &[
            "check",
            "inbox/2020-07/MS.ODS",
            "inbox/2020-07/TP.xls",
            "inbox/2020-07/YC.xls",
        ],
        &ws,
    );
    let (stdout, stderr) = text(&checked);
    for line in &want {
        assert!(stdout.contains(line.as_str()), "{line}\n{stdout}{stderr}");
    }
    assert!(!stdout.contains("YC.xls: error"), "{stdout}{stderr}");
    let run = chibo(&["run", "--month", "2020-07", "--no-email"], &ws);
    let (stdout, stderr) = text(&run);
    for line in &want {
        assert!(stdout.contains(line.as_str()), "{line}\n{stdout}{stderr}");
    }
    let summary = summary(&ws);
    assert_eq!(summary["files"]["used"], 1, "{stdout}{stderr}");
    assert_eq!(summary["files"]["unreadable"], 2, "{stdout}{stderr}");
    assert_eq!(summary["rows"]["accepted"], 1, "{stdout}{stderr}");
}

/// Names of other spreadsheet-like formats are skipped, as SPEC §4 says of every name
/// chibo does not read, with a notice saying what to do.
#[test]
fn names_of_other_spreadsheet_formats_are_skipped_with_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let xlsx = report_xlsx(tmp.path());
    for (name, want) in [
        (
            "YC.xltx",
            "tệp mẫu (template) của Excel, chibo không đọc; nếu đây là báo cáo, hãy mở bằng Excel rồi lưu thành .xlsx; bỏ qua",
        ),
        (
            "YC.CSV",
            "tệp văn bản CSV, không phải bảng tính; nếu đây là báo cáo, hãy mở bằng Excel rồi lưu thành .xlsx; bỏ qua",
        ),
        (
            "YC.htm",
            "trang web (HTML), không phải bảng tính; nếu đây là báo cáo, hãy mở bằng Excel rồi lưu thành .xlsx; bỏ qua",
        ),
        (
            "YC.wk1",
            "bảng tính Lotus 1-2-3 hoặc Quattro Pro, chibo không đọc; nếu đây là báo cáo, hãy mở bằng LibreOffice rồi lưu thành .xlsx; bỏ qua",
        ),
        (
            "YC.txt",
            "tệp không phải bảng tính (.xlsx, .xlsm, .xls, .xlsb, .ods); bỏ qua",
        ),
    ] {
        let s = read_as(xlsx.clone(), name);
        assert_eq!(s.status, FileStatus::Skipped, "{name}");
        let found: Vec<(&str, &str)> = s
            .diagnostics
            .iter()
            .map(|d| (d.code.as_str(), d.message.as_str()))
            .collect();
        assert_eq!(found, [("file-skipped", want)], "{name}");
    }
}

//! The roster read from real files: offsets, formats, broken files.

use std::path::Path;

use chibo::diagnostic::Severity;
use chibo::roster;
use rust_xlsxwriter::Workbook;

use crate::common::{default_groups, fixture};

/// Writes a roster whose tables start at B3 under a title in B1, with the mistakes an
/// office makes: a duplicate code, an unknown unit, a bad group, an unknown cell.
fn offset_roster_with_errors(path: &Path) {
    let mut book = Workbook::new();
    let sheets: [(&str, Vec<Vec<&str>>); 4] = [
        (
            "Đơn vị",
            vec![
                vec!["Mã đơn vị", "Tên đơn vị", "Email"],
                vec!["YC", "Huyện ủy Yên Châu", ""],
                vec!["YC", "Huyện ủy Yên Châu (trùng)", ""],
            ],
        ),
        (
            "Chi bộ",
            vec![
                vec!["Mã chi bộ", "Tên chi bộ", "Xã/phường", "Mã đơn vị"],
                vec!["C1", "Bản Mới", "Chiềng Đông", "XX"],
            ],
        ),
        (
            "Cán bộ",
            vec![
                vec!["Mã cán bộ", "Họ và tên", "Nhóm", "Mã đơn vị"],
                vec!["K1", "Lò Văn A", "UVTW", ""],
            ],
        ),
        (
            "Phân công",
            vec![
                vec!["Mã cán bộ", "Mã chi bộ", "Tháng"],
                vec!["K1", "C9", "1,4"],
            ],
        ),
    ];
    for (name, rows) in sheets {
        let sheet = book.add_worksheet().set_name(name).unwrap();
        sheet.write_string(0, 1, "DANH SÁCH PHÂN CÔNG").unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                if !value.is_empty() {
                    let (r, c) = (u32::try_from(r).unwrap() + 2, u16::try_from(c).unwrap() + 1);
                    sheet.write_string(r, c, *value).unwrap();
                }
            }
        }
    }
    book.save(path).unwrap();
}

#[test]
fn errors_in_a_real_workbook_name_absolute_cells() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("roster.xlsx");
    offset_roster_with_errors(&path);
    let err = roster::load(&path, "roster.xlsx", &default_groups()).unwrap_err();
    let lines: Vec<String> = err.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "roster.xlsx:Chi bộ!E4: error[roster-unknown-unit]: mã đơn vị không có trong trang «Đơn vị» (giá trị: «XX»)",
            "roster.xlsx:Cán bộ!D4: error[roster-bad-group]: nhóm không có trong cấu hình; các nhóm: BCH, BCH-BT, BTV, TT (giá trị: «UVTW»)",
            "roster.xlsx:Phân công!C4: error[roster-unknown-cell]: mã chi bộ không có trong trang «Chi bộ» (giá trị: «C9»)",
            "roster.xlsx:Đơn vị!B5: error[roster-duplicate-code]: mã đơn vị trùng với dòng 4 (giá trị: «YC»)",
        ]
    );
    assert!(
        err.diagnostics
            .iter()
            .all(|d| d.severity == Severity::Error)
    );
    assert_eq!(
        err.to_string(),
        "danh sách phân công có 4 lỗi; hãy sửa rồi chạy lại"
    );
}

#[test]
fn a_roster_that_cannot_be_opened_is_one_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 3] = [
        ("empty.xlsx", b"", "tệp rỗng"),
        (
            "garbage.xlsx",
            b"this is not a workbook at all",
            "không phải bảng tính",
        ),
        ("missing.xlsx", b"", "không tìm thấy tệp"),
    ];
    for (name, bytes, reason) in cases {
        let path = tmp.path().join(name);
        if name != "missing.xlsx" {
            std::fs::write(&path, bytes).unwrap();
        }
        let err = roster::load(&path, name, &default_groups()).unwrap_err();
        assert_eq!(err.diagnostics.len(), 1, "{name}");
        let d = &err.diagnostics[0];
        assert_eq!(d.location.file.as_deref(), Some(name));
        assert!(d.message.contains(reason), "{name}: {}", d.message);
    }
}

/// The demo roster saved as `.ods` and `.xls` by `LibreOffice` Calc, and as `.ods` again by
/// Gnumeric (indented), reads exactly like the .xlsx chibo wrote (fixtures made by
/// tests/fixtures/make.sh and make-gnumeric.sh).
#[test]
fn the_same_roster_in_every_format_reads_the_same() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/roster.xlsx");
    let (want, diags) = roster::load(&samples, "roster.xlsx", &default_groups()).unwrap();
    assert_eq!(diags, []);
    for name in [
        "roster-demo.ods",
        "roster-demo.xls",
        "roster-demo-gnumeric.ods",
    ] {
        let (got, diags) = roster::load(&fixture(name), name, &default_groups()).unwrap();
        assert_eq!(diags, [], "{name}");
        assert_eq!(got.units, want.units, "{name}");
        assert_eq!(got.cells, want.cells, "{name}");
        assert_eq!(got.cadres, want.cadres, "{name}");
        assert_eq!(got.assignments, want.assignments, "{name}");
    }
}

/// The demo roster typed with a TCVN3 and with a VNI font, sheet names and every text
/// cell, reads as the Unicode original: each sheet is found by its legacy name
/// (`Workbook::find_sheet`), each conversion is a warning (four of them at the sheets),
/// and nothing else is said.
#[test]
fn a_roster_typed_in_legacy_fonts_reads_as_the_original() {
    use calamine::{Data, Reader};
    use chibo::text::{LegacyEncoding, encode_legacy};
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/roster.xlsx");
    let (want, diags) = roster::load(&samples, "roster.xlsx", &default_groups()).unwrap();
    assert_eq!(diags, []);
    let mut source = calamine::open_workbook_auto(&samples).unwrap();
    let sheets: Vec<(String, calamine::Range<Data>)> = source
        .sheet_names()
        .into_iter()
        .map(|name| {
            let range = source.worksheet_range(&name).unwrap();
            (name, range)
        })
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    for encoding in [LegacyEncoding::Tcvn3, LegacyEncoding::Vni] {
        let encode = |t: &str| encode_legacy(t, encoding).unwrap();
        let path = tmp.path().join(format!("roster-{encoding:?}.xlsx"));
        let mut book = Workbook::new();
        for (name, range) in &sheets {
            let sheet = book.add_worksheet().set_name(encode(name)).unwrap();
            for (r, c, value) in range.used_cells() {
                let (r, c) = (u32::try_from(r).unwrap(), u16::try_from(c).unwrap());
                match value {
                    Data::String(t) => sheet.write_string(r, c, encode(t)),
                    Data::Float(f) => sheet.write_number(r, c, *f),
                    Data::Bool(b) => sheet.write_boolean(r, c, *b),
                    other => panic!("unexpected cell {other:?}"),
                }
                .unwrap();
            }
        }
        book.save(&path).unwrap();
        let (got, diags) = roster::load(&path, "roster.xlsx", &default_groups()).unwrap();
        // TCVN3 has no toned capitals: typed with the lowercase code, `Ớt` in `Nà Ớt`
        // reads back small. Names compare without case, as matching compares them.
        let shown = |v: &dyn std::fmt::Debug| {
            let text = format!("{v:?}");
            match encoding {
                LegacyEncoding::Tcvn3 => text.to_lowercase(),
                LegacyEncoding::Vni => text,
            }
        };
        assert_eq!(shown(&got.units), shown(&want.units), "{encoding:?}");
        assert_eq!(shown(&got.cells), shown(&want.cells), "{encoding:?}");
        assert_eq!(shown(&got.cadres), shown(&want.cadres), "{encoding:?}");
        assert_eq!(got.assignments, want.assignments, "{encoding:?}");
        assert!(
            diags
                .iter()
                .all(|d| d.code.as_str() == "text-legacy-encoding"
                    && d.severity == Severity::Warning),
            "{encoding:?}: {diags:?}"
        );
        let at_sheets = diags.iter().filter(|d| d.location.cell.is_none()).count();
        assert_eq!(at_sheets, 4, "{encoding:?}");
    }
}

//! Builds the demo province in `samples/` (Sơn La, invented people): the roster, the
//! configuration, and the submissions of January to July 2020 in `samples/inbox/`.
//!
//! ```text
//! cargo run --example make_demo            # rewrite samples/ (needs LibreOffice's soffice)
//! cargo run --example make_demo -- --check # exit 1 if the committed files differ
//! ```
//!
//! Everything chibo writes is byte-for-byte reproducible, so `--check` keeps the
//! committed demo and this generator in step (CI runs it). The two files `LibreOffice`
//! saves (an .xls and an .ods, as units send them) are not reproducible byte for byte;
//! `--check` only checks that they are there.

mod inbox;

use std::path::Path;
use std::process::ExitCode;

use chibo::model::{Assignment, AssignmentRow, Cadre, Cell, MonthSet, Unit};
use chibo::roster::Roster;

/// (code, name)
const UNITS: &[(&str, &str)] = &[
    ("MC", "Huyện ủy Mộc Châu"),
    ("MS", "Huyện ủy Mai Sơn"),
    ("TP", "Thành ủy Sơn La"),
    ("YC", "Huyện ủy Yên Châu"),
];

/// (unit, commune, remote commune, cells as (code suffix, name, members, day, aliases))
type CellRow = (&'static str, &'static str, u32, u8, &'static str);
const COMMUNES: &[(&str, &str, bool, &[CellRow])] = &[
    (
        "YC",
        "Chiềng Đông",
        false,
        &[
            ("CD-01", "Bản Mới", 42, 5, ""),
            ("CD-02", "Bản Nà Cài", 35, 10, "Nà Cài"),
            ("CD-03", "Bản Hoà", 28, 15, ""),
            ("CD-04", "Tiểu khu 1", 51, 31, "TK1"),
        ],
    ),
    (
        "YC",
        "Chiềng Sàng",
        false,
        &[
            ("CS-01", "Bản Mới", 24, 8, ""),
            ("CS-02", "Bản Phiêng Hày", 30, 31, ""),
            ("CS-03", "Bản Khau Khoang", 19, 20, ""),
        ],
    ),
    (
        "YC",
        "Phiêng Khoài",
        true,
        &[
            ("PK-01", "Bản Lóng Phiêng", 16, 12, ""),
            ("PK-02", "Bản Suối Cù", 14, 18, ""),
            ("PK-03", "Bản Nặm Dắt", 11, 25, "Nậm Dắt"),
        ],
    ),
    (
        "MC",
        "Tân Lập",
        false,
        &[
            ("TL-01", "Tiểu khu Bó Bun", 47, 3, ""),
            ("TL-02", "Bản Nà Bai", 33, 9, ""),
            ("TL-03", "Tiểu khu 34", 58, 14, ""),
            ("TL-04", "Bản Tự Nhiên", 22, 21, ""),
        ],
    ),
    (
        "MC",
        "Lóng Sập",
        true,
        &[
            ("LS-01", "Bản Pha Luông", 13, 6, ""),
            ("LS-02", "Bản Búa", 17, 16, ""),
            ("LS-03", "Bản Co Chàm", 12, 26, ""),
        ],
    ),
    (
        "MC",
        "Thị trấn Nông trường Mộc Châu",
        false,
        &[
            ("NT-01", "Tiểu khu 19/5", 64, 1, ""),
            ("NT-02", "Tiểu khu Cơ Khí", 49, 7, ""),
            ("NT-03", "Tiểu khu 70", 38, 29, ""),
        ],
    ),
    (
        "MS",
        "Thị trấn Hát Lót",
        false,
        &[
            ("HL-01", "Tiểu khu 2", 55, 4, ""),
            ("HL-02", "Tiểu khu 3", 47, 11, ""),
            ("HL-03", "Tiểu khu 10", 39, 19, ""),
            ("HL-04", "Bản Hạ Hoà", 26, 27, "Hạ Hòa"),
        ],
    ),
    (
        "MS",
        "Chiềng Mung",
        false,
        &[
            ("CM-01", "Bản Mé", 31, 2, ""),
            ("CM-02", "Bản Púng Khoai", 29, 13, ""),
            ("CM-03", "Bản Mới", 21, 22, ""),
        ],
    ),
    (
        "MS",
        "Nà Ớt",
        true,
        &[
            ("NO-01", "Bản Tà Lành", 12, 10, ""),
            ("NO-02", "Bản Nà Cang", 15, 17, ""),
            ("NO-03", "Bản Phiêng Tam", 10, 30, ""),
        ],
    ),
    (
        "TP",
        "Phường Quyết Thắng",
        false,
        &[
            ("QT-01", "Tổ 1", 72, 5, ""),
            ("QT-02", "Tổ 2", 68, 12, ""),
            ("QT-03", "Tổ 5", 57, 20, ""),
            ("QT-04", "Bản Cọ", 44, 28, ""),
        ],
    ),
    (
        "TP",
        "Phường Chiềng Lề",
        false,
        &[
            ("CL-01", "Tổ 3", 61, 6, ""),
            ("CL-02", "Tổ 7", 53, 15, ""),
            ("CL-03", "Bản Hẹo", 37, 23, ""),
        ],
    ),
    (
        "TP",
        "Xã Chiềng Cọ",
        true,
        &[
            ("CC-01", "Bản Lay", 18, 9, ""),
            ("CC-02", "Bản Hài", 16, 24, ""),
        ],
    ),
];

/// (code, name, position, group, unit, quota override)
type CadreRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<u32>,
);
const CADRES: &[CadreRow] = &[
    (
        "BCH01",
        "Lường Văn Tám",
        "Giám đốc Sở Nông nghiệp và Môi trường",
        "BCH",
        "",
        None,
    ),
    ("BCH02", "Hà Văn Toàn", "Giám đốc Sở Y tế", "BCH", "", None),
    (
        "BCH03",
        "Lò Thị Hoà",
        "Chủ tịch Hội Liên hiệp Phụ nữ tỉnh",
        "BCH",
        "",
        Some(4),
    ),
    (
        "BCH04",
        "Đặng Minh Đức",
        "Giám đốc Sở Giáo dục và Đào tạo",
        "BCH",
        "",
        None,
    ),
    (
        "BCH05",
        "Cầm Thị Ngân",
        "Bí thư Tỉnh đoàn",
        "BCH",
        "TP",
        Some(0),
    ),
    (
        "BT01",
        "Tòng Văn Hải",
        "Bí thư Huyện ủy Yên Châu",
        "BCH-BT",
        "YC",
        None,
    ),
    (
        "BT02",
        "Vì Thị Hương",
        "Bí thư Huyện ủy Mộc Châu",
        "BCH-BT",
        "MC",
        None,
    ),
    (
        "BT03",
        "Điêu Chính Nam",
        "Bí thư Huyện ủy Mai Sơn",
        "BCH-BT",
        "MS",
        None,
    ),
    (
        "BT04",
        "Phạm Quốc Bảo",
        "Bí thư Thành ủy Sơn La",
        "BCH-BT",
        "TP",
        None,
    ),
    (
        "BTV01",
        "Nguyễn Văn Hoà",
        "Trưởng Ban Tổ chức Tỉnh ủy",
        "BTV",
        "YC",
        None,
    ),
    (
        "BTV02",
        "Quàng Thị Mai",
        "Chủ nhiệm Ủy ban Kiểm tra Tỉnh ủy",
        "BTV",
        "MC",
        None,
    ),
    (
        "BTV03",
        "Trần Đức Minh",
        "Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy",
        "BTV",
        "MS",
        None,
    ),
    (
        "BTV04",
        "Lường Văn Tâm",
        "Chánh Văn phòng Tỉnh ủy",
        "BTV",
        "TP",
        Some(3),
    ),
    (
        "BTV05",
        "Hà Thị Ngọc Thuý",
        "Phó Chủ tịch UBND tỉnh",
        "BTV",
        "MC",
        None,
    ),
    ("TT01", "Hoàng Văn Quyết", "Bí thư Tỉnh ủy", "TT", "", None),
    (
        "TT02",
        "Lò Thị Khuyên",
        "Phó Bí thư Thường trực Tỉnh ủy",
        "TT",
        "",
        None,
    ),
    (
        "TT03",
        "Cầm Văn Đoàn",
        "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh",
        "TT",
        "",
        None,
    ),
];

/// (cadre, cell, months as written in the roster: every form the column accepts)
const ASSIGNMENTS: &[(&str, &str, &str)] = &[
    ("BTV01", "YC-CD-01", "1,4,7,10"),
    ("BTV01", "YC-PK-01", "3,9"),
    ("BTV02", "MC-TL-01", "2,5,8,11"),
    ("BTV02", "MC-LS-02", "7"),
    ("BTV03", "MS-HL-04", "6-8"),
    ("BTV03", "MS-NO-01", "1, 7"),
    ("BTV04", "TP-QT-01", "1-6"),
    ("BTV04", "TP-CC-01", "7,12"),
    ("BTV05", "MC-LS-01", ""),
    ("BT01", "YC-CS-01", "*"),
    ("BT02", "MC-NT-01", "1-12"),
    ("BT03", "MS-CM-03", "3,7,11"),
    ("BT04", "TP-CL-01", "2-4,7"),
    ("BCH01", "YC-CD-04", "4,6,9,11"),
    ("BCH01", "MS-CM-01", "2,7"),
    ("BCH02", "MC-TL-03", "3-5,7"),
    ("BCH02", "MC-LS-03", ""),
    ("BCH03", "TP-QT-04", "1,4,7,10"),
    ("BCH03", "YC-CS-02", "4,6,9,11"),
    ("BCH03", "TP-CC-02", "5"),
    ("BCH04", "MS-NO-03", "2,7,12"),
    ("BCH04", "YC-PK-03", "8"),
    ("BCH05", "TP-CL-03", ""),
    ("TT01", "YC-PK-02", "5,11"),
    ("TT03", "MS-NO-02", "7"),
];

fn demo() -> (Roster, Vec<String>) {
    let units = UNITS
        .iter()
        .map(|&(code, name)| Unit {
            code: code.into(),
            name: name.into(),
            emails: vec![format!("vanphong.{}@example.vn", code.to_lowercase())],
        })
        .collect();
    let cells = COMMUNES
        .iter()
        .flat_map(|&(unit, commune, remote, cells)| {
            cells
                .iter()
                .map(move |&(suffix, name, members, day, aliases)| Cell {
                    code: format!("{unit}-{suffix}"),
                    name: name.into(),
                    commune: Some(commune.into()),
                    unit: unit.into(),
                    members: Some(members),
                    remote,
                    meeting_day: Some(day),
                    aliases: aliases
                        .split(';')
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(Into::into)
                        .collect(),
                })
        })
        .collect();
    let cadres = CADRES
        .iter()
        .map(|&(code, name, position, group, unit, quota)| Cadre {
            code: code.into(),
            name: name.into(),
            position: Some(position.into()),
            group: group.into(),
            unit: (!unit.is_empty()).then(|| unit.into()),
            email: Some(format!("{}@example.vn", code.to_lowercase())),
            quota,
        })
        .collect();
    let assignments = ASSIGNMENTS
        .iter()
        .map(|&(cadre, cell, months)| AssignmentRow {
            cadre: cadre.into(),
            cell: cell.into(),
            months: MonthSet::parse(months).expect("demo month list"),
        })
        .collect();
    let written = ASSIGNMENTS.iter().map(|&(_, _, m)| m.to_owned()).collect();
    (Roster::new(units, cells, cadres, assignments), written)
}

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let (roster, written) = demo();
    let months = |a: &Assignment| {
        let i = roster
            .assignments
            .iter()
            .position(|x| std::ptr::eq(x, a))
            .expect("own assignment");
        written[i].clone()
    };
    let files = [
        (
            "roster.xlsx",
            chibo::report::roster::to_xlsx_with(&roster, &months).expect("demo roster workbook"),
        ),
        (
            "chibo.toml",
            chibo::commands::init::CONFIG_TEMPLATE
                .replacen("province = \"\"", "province = \"Sơn La\"", 1)
                .into_bytes(),
        ),
    ];
    let demo_files = inbox::files(&roster);
    let mut stale = false;
    if !check {
        // Start the inbox afresh, so no file of an earlier run lingers.
        let _ = std::fs::remove_dir_all(samples.join("inbox"));
    }
    let mut expected: Vec<std::path::PathBuf> = Vec::new();
    for (name, bytes) in files
        .iter()
        .map(|(n, b)| ((*n).to_owned(), b.clone()))
        .chain(
            demo_files
                .iter()
                .filter(|f| f.convert.is_none())
                .map(|f| (f.path.clone(), f.bytes.clone())),
        )
    {
        let path = samples.join(&name);
        expected.push(path.clone());
        if check {
            if std::fs::read(&path).ok().as_deref() != Some(&bytes[..]) {
                eprintln!(
                    "{} is not what examples/make_demo makes: run it and commit",
                    path.display()
                );
                stale = true;
            }
        } else {
            chibo::output::write_atomic(&path, &bytes).expect("write demo file");
        }
    }
    for f in demo_files.iter().filter(|f| f.convert.is_some()) {
        let ext = f.convert.expect("filtered");
        let target = samples.join(f.path.replace(".xlsx", &format!(".{ext}")));
        expected.push(target.clone());
        if check {
            if !target.is_file() {
                eprintln!(
                    "{} is missing: run examples/make_demo and commit",
                    target.display()
                );
                stale = true;
            }
        } else {
            libreoffice(&f.bytes, &target, ext);
        }
    }
    if check {
        for entry in walk(&samples.join("inbox")) {
            if !expected.contains(&entry) {
                eprintln!(
                    "{} is not made by examples/make_demo: remove it or run the generator",
                    entry.display()
                );
                stale = true;
            }
        }
    } else {
        println!("wrote {} files under {}", expected.len(), samples.display());
    }
    if stale {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Saves `xlsx` as `target` (`xls` or `ods`) with `LibreOffice` Calc, as a unit would.
fn libreoffice(xlsx: &[u8], target: &Path, ext: &str) {
    let work = tempfile::tempdir().expect("temporary folder");
    let stem = target
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("a file name");
    let src = work.path().join(format!("{stem}.xlsx"));
    std::fs::write(&src, xlsx).expect("write the source");
    let filter = if ext == "xls" {
        "xls:MS Excel 97"
    } else {
        "ods:calc8"
    };
    let profile = format!(
        "-env:UserInstallation=file://{}/profile",
        work.path().display()
    );
    let status = std::process::Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", filter, "--outdir"])
        .arg(work.path())
        .arg(&src)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("LibreOffice's soffice must be installed to build the demo (apt-get install libreoffice-calc-nogui)");
    assert!(status.success(), "soffice failed on {}", src.display());
    std::fs::copy(work.path().join(format!("{stem}.{ext}")), target)
        .expect("copy the converted file");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

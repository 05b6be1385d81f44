//! No value sinks the run (issue 17, point 9): a unit's cell as long as Excel allows is
//! written whole, longer text is cut with a warning, offending values are shortened where
//! they are shown, characters XML cannot carry are dropped, and a configuration value no
//! cell can hold is refused.

use std::path::Path;
use std::process::Command;

use calamine::{Data, Reader};
use serde_json::Value;

use crate::common::{chibo, demo_workspace as demo, text, tool};

/// Thành ủy Sơn La's July report, rewritten by openpyxl: a content cell of exactly 32,767
/// characters (I7), an unknown cadre name of 32,767 (B8) and a rating of 32,767 (L8) on
/// one rejected row, a U+FFFF, which XML cannot carry, inside a content (I9), and a
/// content of 40,000 characters on an absent cadre's row (I10): longer than Excel allows,
/// so the text openpyxl wrote is patched in the zip afterwards.
const REWRITE: &str = r#"
import sys, zipfile, openpyxl
path = sys.argv[1]
wb = openpyxl.load_workbook(path)
ws = wb["Báo cáo"]
ws["I7"] = "Nội dung " + "a" * (32767 - 9)
ws["B8"] = "Lường " + "b" * (32767 - 6)
ws["L8"] = "K" * 32767
ws["I10"] = "z" * 32767
ws["I9"] = "Phòng, chống dịch\uffff Covid-19"
wb.save(path)
with zipfile.ZipFile(path) as z:
    parts = {n: z.read(n) for n in z.namelist()}
holding = [n for n, data in parts.items() if b"z" * 32767 in data]
assert len(holding) == 1, holding
text = parts[holding[0]].decode("utf-8")
parts[holding[0]] = text.replace("z" * 32767, "z" * 40000).encode("utf-8")
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    for n, data in parts.items():
        z.writestr(n, data)
"#;

fn rewrite(file: &Path) {
    let out = Command::new("python3")
        .args(["-c", REWRITE])
        .arg(file)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn grid(ws: &Path, sheet: &str) -> calamine::Range<Data> {
    let mut book =
        calamine::open_workbook_auto(ws.join("out/2020-07/tong-hop-2020-07.xlsx")).unwrap();
    book.worksheet_range(sheet).unwrap()
}

fn cells(range: &calamine::Range<Data>) -> Vec<String> {
    range
        .rows()
        .flatten()
        .filter_map(|d| match d {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_cell_as_long_as_excel_allows_does_not_sink_the_run() {
    if !tool("python3", &["-c", "import openpyxl"]) {
        return;
    }
    let (_tmp, ws) = demo();
    rewrite(&ws.join("inbox/2020-07/TP Sơn La thang 7.xlsx"));
    let out = chibo(&["run", "--month", "2020-07"], &ws);
    let (stdout, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{stderr}",
        &stdout[..stdout.len().min(2000)]
    );

    // Written whole when it fits; cut at 32,767 when it does not; U+FFFF dropped.
    let details = cells(&grid(&ws, "Chi tiết"));
    let whole = format!("Nội dung {}", "a".repeat(32767 - 9));
    assert!(
        details.contains(&whole),
        "the 32,767 characters are not whole"
    );
    assert!(
        details.contains(&"z".repeat(32767)),
        "the 40,000 are not cut at 32,767"
    );
    assert!(details.iter().any(|c| c == "Phòng, chống dịch Covid-19"));
    assert!(details.iter().all(|c| !c.contains('\u{ffff}')));

    // The offending values are shortened in summary.json, `Lỗi dữ liệu` and emails.
    let summary: Value = serde_json::from_str(
        &std::fs::read_to_string(ws.join("out/2020-07/summary.json")).unwrap(),
    )
    .unwrap();
    let issue = |cell: &str| {
        summary["issues"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["cell"] == cell)
            .unwrap_or_else(|| panic!("no issue at {cell}"))
            .clone()
    };
    let b8 = issue("B8");
    assert_eq!(b8["code"], "row-unknown-cadre");
    let short_b = format!("Lường {}…", "b".repeat(200 - 6));
    assert!(
        b8["message"]
            .as_str()
            .unwrap()
            .contains(&format!("«{short_b}»")),
        "{b8}"
    );
    let l8 = issue("L8");
    assert!(
        l8["message"]
            .as_str()
            .unwrap()
            .ends_with(&format!("«{}…»)", "K".repeat(200)))
    );
    let i10 = issue("I10");
    assert_eq!(
        (i10["code"].as_str(), i10["severity"].as_str()),
        (Some("text-too-long"), Some("warning"))
    );
    assert!(
        i10["message"]
            .as_str()
            .unwrap()
            .starts_with("ô có 40000 ký tự, quá 32767"),
        "{i10}"
    );
    let errors = cells(&grid(&ws, "Lỗi dữ liệu"));
    assert!(
        errors.iter().all(|c| c.chars().count() < 600),
        "a long value in Lỗi dữ liệu"
    );
    assert!(
        errors.contains(&short_b),
        "{:?}",
        errors
            .iter()
            .filter(|c| c.contains("bbb"))
            .collect::<Vec<_>>()
    );
    assert!(stdout.len() < 20_000, "the terminal got the long values");
    let eml = std::fs::read(ws.join("out/2020-07/outbox/02-don-vi-TP.eml")).unwrap();
    assert!(
        eml.len() < 60_000,
        "the unit's email is {} bytes",
        eml.len()
    );
}

#[test]
fn a_province_no_cell_can_hold_is_a_configuration_error() {
    let (_tmp, ws) = demo();
    let path = ws.join("chibo.toml");
    let config = std::fs::read_to_string(&path).unwrap();
    let long = "Sơn La ".repeat(150_000);
    std::fs::write(&path, config.replace("\"Sơn La\"", &format!("\"{long}\""))).unwrap();
    let out = chibo(&["run", "--month", "2020-07"], &ws);
    let (_, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        &stderr[..stderr.len().min(2000)]
    );
    assert!(
        stderr
            .contains("error[config-bad-value]: khóa `province` dài 1050000 ký tự, quá 100 ký tự"),
        "{}",
        &stderr[..stderr.len().min(2000)]
    );
    assert!(stderr.len() < 1000);
    assert!(std::fs::read_dir(ws.join("out")).unwrap().next().is_none());
}

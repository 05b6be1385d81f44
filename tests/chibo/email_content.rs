//! What the emails of the demo's July say, read back from the `.eml` files the outbox
//! queues (parsed by Python's `email` package): the wording for a unit that sent
//! nothing, planned meetings in date order, issues named by sheet and cell, no replaced
//! version listed as a problem, names instead of folders, and the leadership's greeting
//! and bars drawn with table cells (issue 18, points 6 and 7).

use std::path::Path;

use serde_json::Value;

use crate::common::{chibo, python, tool};

/// The queued messages of July, by queue name, and the run's `summary.json`.
fn july() -> Option<(Vec<(String, Value)>, Value)> {
    if !tool("python3", &["--version"]) {
        return None;
    }
    let (_tmp, ws) = crate::common::demo_workspace();
    let out = chibo(&["run", "-q", "--month", "2020-07"], &ws);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let outbox = ws.join("out/2020-07/outbox");
    let mut names: Vec<String> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| Path::new(n).extension().is_some_and(|e| e == "eml"))
        .collect();
    names.sort();
    let paths: Vec<std::path::PathBuf> = names.iter().map(|n| outbox.join(n)).collect();
    let args: Vec<&std::ffi::OsStr> = paths.iter().map(|p| p.as_os_str()).collect();
    let parsed: Vec<Value> = serde_json::from_str(&python("parse_eml.py", &args)).unwrap();
    let summary = serde_json::from_slice(
        &std::fs::read(Path::new(&ws).join("out/2020-07/summary.json")).unwrap(),
    )
    .unwrap();
    let messages = names
        .into_iter()
        .map(|n| n.trim_end_matches(".eml").to_owned())
        .zip(parsed)
        .collect();
    Some((messages, summary))
}

fn body<'a>(messages: &'a [(String, Value)], name: &str, kind: &str) -> &'a str {
    let m = &messages
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no message {name}"))
        .1;
    m["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["type"] == kind)
        .and_then(|p| p["text"].as_str())
        .unwrap_or_else(|| panic!("{name} has no {kind} part"))
}

/// The dates (`dd/mm/yyyy`) of the planned meetings listed in a unit's text, in order.
fn planned_dates(text: &str) -> Vec<chrono::NaiveDate> {
    text.lines()
        .filter_map(|l| l.strip_prefix("   - "))
        .filter_map(|l| l.split_once(" — "))
        .filter_map(|(d, _)| chrono::NaiveDate::parse_from_str(d, "%d/%m/%Y").ok())
        .collect()
}

/// The text of section 3 (the issues to correct) of a unit's text part.
fn issues_section(text: &str) -> &str {
    let start = text.find("3. VẤN ĐỀ DỮ LIỆU CẦN SỬA").expect("section 3");
    let rest = &text[start..];
    let end = rest.find("\n\nBan Tổ chức Tỉnh ủy").unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn unit_emails_ask_for_what_is_needed_and_name_where_to_correct_it() {
    let Some((messages, summary)) = july() else {
        return;
    };
    // Mai Sơn sent nothing: asked to send its report, the deadline having passed; nothing
    // to correct.
    let ms_units = summary["units"].as_array().unwrap();
    let missing: Vec<&str> = ms_units
        .iter()
        .filter(|u| u["submission"] == "missing")
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert_eq!(missing, ["MS"]);
    for kind in ["text/plain", "text/html"] {
        let ms = body(&messages, "02-don-vi-MS", kind);
        assert!(
            ms.contains("Đề nghị đơn vị gửi báo cáo tháng 07") && ms.contains("đã qua"),
            "{ms}"
        );
        assert!(!ms.contains("sửa các ô nêu trên"), "{ms}");
    }
    for (code, name) in [
        ("MC", "02-don-vi-MC"),
        ("TP", "02-don-vi-TP"),
        ("YC", "02-don-vi-YC"),
    ] {
        let text = body(&messages, name, "text/plain");
        let html = body(&messages, name, "text/html");
        // Planned meetings in date order, as many as the summary counts.
        let dates = planned_dates(text);
        let planned = ms_units.iter().find(|u| u["code"] == code).unwrap()["planned"]
            .as_u64()
            .unwrap();
        assert_eq!(dates.len() as u64, planned, "{text}");
        assert!(dates.is_sorted(), "{code}: {dates:?}");
        // The office's folders never show; a unit knows its file by its name.
        assert!(
            !text.contains("inbox/") && !html.contains("inbox&#x2f;"),
            "{text}"
        );
        // Every issue of the unit with a cell is named by its sheet and cell, except that
        // a version was replaced, which is no problem to fix.
        let section = issues_section(text);
        for issue in summary["issues"].as_array().unwrap() {
            if issue["unit"] != code {
                continue;
            }
            let file = issue["file"].as_str().unwrap().rsplit('/').next().unwrap();
            if issue["code"] == "file-superseded" {
                assert!(
                    !section.contains(file),
                    "{code} lists {file} to fix:\n{section}"
                );
                continue;
            }
            assert!(section.contains(&format!("Tệp {file}:")), "{section}");
            if let (Some(sheet), Some(cell)) = (issue["sheet"].as_str(), issue["cell"].as_str()) {
                let place = format!("Trang {sheet}, ô {cell}: ");
                assert!(
                    section.contains(&place),
                    "{code}: no «{place}» in\n{section}"
                );
            }
        }
        for part in [text, html] {
            assert!(!part.contains("bản mới hơn"), "{part}");
            assert!(!part.contains("được tính là chưa báo cáo"), "{part}");
        }
    }
    // Yên Châu replaced its first version: the issues list it nowhere.
    assert!(
        summary["issues"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["unit"] == "YC" && i["code"] == "file-superseded")
    );
    // Cells that share a name are told apart by their commune.
    let yc = body(&messages, "02-don-vi-YC", "text/plain");
    assert!(
        yc.contains("tại Bản Mới (xã Chiềng Đông)") && yc.contains("tại Bản Mới (xã Chiềng Sàng)"),
        "{yc}"
    );
    let ms = body(&messages, "02-don-vi-MS", "text/plain");
    let dates = planned_dates(ms);
    assert!(dates.len() > 2 && dates.is_sorted(), "{dates:?}");
    assert!(ms.contains("tại Bản Mới (xã Chiềng Mung)"), "{ms}");
    assert!(
        ms.contains("tại Bản Mé:"),
        "a name no other cell has stays bare: {ms}"
    );
}

/// The `width` attributes of the bar cells of one row of the leadership's bars, by
/// colour.
fn bar_cells(row: &str) -> Vec<(String, usize)> {
    row.split("<td width=\"")
        .skip(1)
        .map(|cell| {
            let width: usize = cell[..cell.find('"').unwrap()].parse().unwrap();
            let style = &cell[cell.find("style=\"").unwrap()..cell.find('>').unwrap()];
            let colour = style
                .split(';')
                .find_map(|s| s.strip_prefix("background:"))
                .unwrap_or("none")
                .to_owned();
            (colour, width)
        })
        .collect()
}

#[test]
fn the_leadership_email_greets_and_draws_attendance_by_unit_with_table_cells() {
    let Some((messages, summary)) = july() else {
        return;
    };
    let text = body(&messages, "01-thuong-vu", "text/plain");
    let html = body(&messages, "01-thuong-vu", "text/html");
    let greeting = "Kính gửi Thường trực và Ban Thường vụ Tỉnh ủy,";
    assert!(text.contains(greeting) && html.contains(greeting), "{html}");
    assert!(!html.contains("<img"), "bars are no images");
    assert!(text.contains("(Số ngày: từ ngày nêu") && html.contains("Số ngày: từ ngày nêu"));

    let units = summary["units"].as_array().unwrap();
    let n = |u: &Value, k: &str| usize::try_from(u[k].as_u64().unwrap()).unwrap();
    let most = units.iter().map(|u| n(u, "planned")).max().unwrap();
    let bars = &html[html.find("theo đơn vị</h3>").expect("the bars' heading")..];
    for u in units {
        let name = u["name"].as_str().unwrap();
        let at = bars.find(&format!(">{name}</td>")).expect(name);
        // The unit's row: its bar's own table row, then the numbers, to the outer `</tr>`.
        let rest = &bars[at..];
        let inner = rest.find("</tr>").unwrap() + "</tr>".len();
        let row = &rest[..inner + rest[inner..].find("</tr>").unwrap()];
        let cells = bar_cells(row);
        // Every bar is as long as the longest; each outcome's cell as wide as its
        // count on that scale, in the order attended, absent, unreported.
        assert_eq!(cells.iter().map(|c| c.1).sum::<usize>(), 240, "{row}");
        let scaled = |k: &str| match n(u, k) {
            0 => 0,
            c => ((c * 240 + most / 2) / most).max(2),
        };
        let coloured: Vec<usize> = cells
            .iter()
            .filter(|c| c.0 != "none")
            .map(|c| c.1)
            .collect();
        let expected: Vec<usize> = ["attended", "absent", "unreported"]
            .iter()
            .map(|k| scaled(k))
            .filter(|&w| w > 0)
            .collect();
        assert_eq!(coloured, expected, "{name}: {row}");
        // The numbers beside the bar.
        let beside = format!("<b>{}/{}</b> đã dự", n(u, "attended"), n(u, "planned"));
        assert!(row.contains(&beside), "{name}: {row}");
    }
}

/// Forced before the deadline, a unit that has sent nothing is asked to send its report
/// by the deadline, not told the deadline has passed.
#[test]
fn before_the_deadline_a_unit_is_asked_to_send_by_it() {
    if !tool("python3", &["--version"]) {
        return;
    }
    let (_tmp, ws) = crate::common::demo_workspace();
    let out = crate::common::chibo_env(
        &["run", "-q", "--month", "2020-07", "--force"],
        &ws,
        &[("CHIBO_NOW", "2020-08-03T10:00:00+07:00")],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let eml = ws.join("out/2020-07/outbox/02-don-vi-MS.eml");
    let parsed: Vec<Value> =
        serde_json::from_str(&python("parse_eml.py", &[eml.as_os_str()])).unwrap();
    let messages = vec![("02-don-vi-MS".to_owned(), parsed[0].clone())];
    for kind in ["text/plain", "text/html"] {
        let ms = body(&messages, "02-don-vi-MS", kind);
        assert!(
            ms.contains("Đề nghị đơn vị gửi báo cáo tháng 07")
                && ms.contains("trước hạn nộp ngày 05"),
            "{ms}"
        );
        assert!(
            !ms.contains("đã qua") && !ms.contains("quá hạn nộp"),
            "{ms}"
        );
    }
}

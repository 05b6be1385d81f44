//! `chibo collect --from DIR`: messages written as Outlook and Gmail write them (by
//! `tests/fixtures/mail/make-mail.py`, Python's `email` package) collected into the demo
//! province's inbox; a re-run; kills at the pause points.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{chibo, demo_workspace, files, only_month, text};
use crate::trust::Paused;

/// The messages of `make-mail.py`, written into `dir/mail`; `None` without Python.
pub(crate) fn messages(dir: &Path) -> Option<PathBuf> {
    if !crate::common::tool("python3", &["--version"]) {
        return None;
    }
    let out = dir.join("mail");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mail/make-mail.py");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let made = Command::new("python3")
        .arg(script)
        .arg(fixtures)
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    Some(out)
}

/// The file names of `folder`, sorted.
fn names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn collect(ws: &Path, mail: &Path) -> std::process::Output {
    chibo(
        &[
            "--config",
            ws.join("chibo.toml").to_str().unwrap(),
            "collect",
            "--from",
            mail.to_str().unwrap(),
        ],
        ws,
    )
}

#[test]
fn reports_by_email_land_in_their_month_with_the_servers_date() {
    let (tmp, ws) = demo_workspace();
    let Some(mail) = messages(tmp.path()) else {
        return;
    };
    let july = only_month(&ws, "2020-07");
    let out = collect(&ws, &mail);
    let (stdout, stderr) = text(&out);
    // The TP report has data errors: collect exits 1 as check does; the zip bomb too.
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert_eq!(
        names(&july),
        [
            "Báo cáo Yên Châu tháng 7.xlsx", // RFC 2231, continued
            "Thành ủy Sơn La.xlsx",          // RFC 2047
            "Yen Chau thang 7.xls",          // inside a forwarded message
            "_CON.xls",                      // a reserved Windows name
            "received.txt",
            "yc.ods", // from a zip, its folder parts and `..` gone
        ]
    );
    let received = std::fs::read_to_string(july.join("received.txt")).unwrap();
    // Received 17:30 UTC on 3 August: 4 August in the office (+07:00); never the Date:
    // header (31 July).
    assert!(
        received.contains("2020-08-04\tBáo cáo Yên Châu tháng 7.xlsx\n"),
        "{received}"
    );
    assert!(
        received.contains("2020-08-05\tYen Chau thang 7.xls\n"),
        "{received}"
    );
    assert!(!received.contains("2020-07-31"), "{received}");
    // The stranger's file is in quarantine with its notice, not in the inbox.
    let quarantine = ws.join("quarantine");
    assert_eq!(names(&quarantine), ["x.ods", "x.ods.txt"]);
    let notice = std::fs::read_to_string(quarantine.join("x.ods.txt")).unwrap();
    assert!(
        notice.contains("Người gửi: someone@gmail.example.com"),
        "{notice}"
    );
    assert!(notice.contains("Tệp đính kèm: ../../x.ods"), "{notice}");
    assert!(!tmp.path().join("x.ods").exists());
    // What was done, said per message; the bomb refused before anything was saved.
    assert!(stdout.contains("to.zip/to.xlsx: lỗi: "), "{stdout}");
    assert!(
        stdout.contains("chu-ky.png: không phải bảng tính"),
        "{stdout}"
    );
    assert!(
        stdout.contains("lưu 5 tệp, 0 tệp đã có, 1 tệp cách ly"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Thành ủy Sơn La.xlsx:Báo cáo!D12: error[row-bad-date]"),
        "{stdout}"
    );

    // A re-run collects nothing and changes nothing.
    let before = files(&ws);
    let again = collect(&ws, &mail);
    let (stdout, _) = text(&again);
    assert_eq!(again.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("Đã đọc 0 thư mới (6 thư đã nhận từ trước)"),
        "{stdout}"
    );
    assert!(files(&ws) == before, "a re-run changed the workspace");

    // The same messages again under new Message-IDs: the files are there already.
    let log = std::fs::read_to_string(ws.join("collect.log")).unwrap();
    assert_eq!(log.lines().count(), 6);
    std::fs::remove_file(ws.join("collect.log")).unwrap();
    let third = collect(&ws, &mail);
    let (stdout, _) = text(&third);
    assert!(stdout.contains("lưu 0 tệp, 5 tệp đã có"), "{stdout}");
    assert_eq!(names(&july).len(), 6);
}

#[test]
fn without_a_mailbox_collect_says_what_to_configure() {
    let (_tmp, ws) = demo_workspace();
    let out = chibo(&["collect"], &ws);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--from") && stderr.contains("[collect.imap]"),
        "{stderr}"
    );
}

/// A kill at each pause point, then a re-run: the same inbox as one run gives, and the
/// log holds each message once.
#[test]
fn a_kill_at_any_point_loses_and_duplicates_nothing() {
    let (tmp, reference) = demo_workspace();
    let Some(mail) = messages(tmp.path()) else {
        return;
    };
    only_month(&reference, "2020-07");
    collect(&reference, &mail);
    let expected = files(&reference.join("inbox"));
    for point in ["collect-saved", "collect-logged"] {
        let dir = tempfile::tempdir().unwrap();
        let ws = crate::common::demo_in(dir.path());
        only_month(&ws, "2020-07");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_chibo"));
        cmd.args([
            "--config",
            ws.join("chibo.toml").to_str().unwrap(),
            "collect",
            "--from",
        ])
        .arg(&mail)
        .current_dir(&ws);
        Paused::start(cmd, point).kill();
        let out = collect(&ws, &mail);
        assert!(out.status.code() == Some(1), "{point}: {:?}", text(&out));
        assert!(
            files(&ws.join("inbox")) == expected,
            "{point}: the inbox differs"
        );
        let log = std::fs::read_to_string(ws.join("collect.log")).unwrap();
        let mut keys: Vec<String> = log
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["key"].to_string())
            .collect();
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!((n, keys.len()), (6, 6), "{point}: {log}");
    }
}

/// The receipts queued in `outbox`, by name.
fn receipts(outbox: &Path) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(outbox) else {
        return Vec::new();
    };
    let mut names: Vec<String> = dir
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.starts_with("bien-nhan-") && Path::new(n).extension().is_some_and(|e| e == "eml")
        })
        .collect();
    names.sort();
    names
}

/// One receipt per collected file, none again on a re-run; a later `run` keeps them
/// beside the month's messages; none with `unit_feedback = false`.
#[test]
fn each_collected_file_gets_one_receipt_that_a_run_keeps() {
    let (tmp, ws) = demo_workspace();
    let Some(mail) = messages(tmp.path()) else {
        return;
    };
    only_month(&ws, "2020-07");
    collect(&ws, &mail);
    let outbox = ws.join("out/2020-07/outbox");
    let queued = receipts(&outbox);
    assert_eq!(queued.len(), 5, "{queued:?}");
    let tp = queued
        .iter()
        .map(|n| std::fs::read_to_string(outbox.join(n)).unwrap())
        .find(|m| m.contains("To: vanphong.tp@example.vn"))
        .expect("TP's receipt");
    assert!(!tp.contains("someone@gmail"));
    std::fs::remove_file(ws.join("collect.log")).unwrap();
    collect(&ws, &mail);
    assert_eq!(receipts(&outbox), queued);
    let out = crate::common::chibo_env(
        &["run", "--month", "2020-07", "--force"],
        &ws,
        &[("CHIBO_NOW", "2020-08-10T10:00:00+07:00")],
    );
    let (stdout, _) = text(&out);
    assert!(stdout.contains("Thư: 5 thư chờ gửi"), "{stdout}");
    assert_eq!(receipts(&outbox), queued, "run dropped a receipt");
    assert!(outbox.join("02-don-vi-TP.eml").exists());

    let (tmp, ws) = demo_workspace();
    let mail = messages(tmp.path()).unwrap();
    let config = std::fs::read_to_string(ws.join("chibo.toml"))
        .unwrap()
        .replace("unit_feedback = true", "unit_feedback = false");
    std::fs::write(ws.join("chibo.toml"), config).unwrap();
    only_month(&ws, "2020-07");
    let out = collect(&ws, &mail);
    assert!(text(&out).0.contains("lưu 5 tệp"));
    assert!(receipts(&ws.join("out/2020-07/outbox")).is_empty());
}

/// With `transport = "smtp"`, receipts go out at once through a real SMTP server, in
/// Vietnamese, each to its unit; a re-run sends nothing again.
#[test]
fn a_receipt_is_delivered_through_the_smtp_server() {
    use crate::email::{PASSWORD, Server, certificates, free_port, part, smtp_demo, tools};
    if !tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let Some(mail) = messages(tmp.path()) else {
        return;
    };
    let (ca, cert, key) = certificates(tmp.path());
    let port = free_port();
    let server = Server::start(port, tmp.path(), &cert, &key);
    let ws = smtp_demo(tmp.path(), port, &ca);
    only_month(&ws, "2020-07");
    let args = ["collect", "--from", mail.to_str().unwrap()];
    let out = crate::common::chibo_env(&args, &ws, &[PASSWORD]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    let received = server.received();
    assert_eq!(received.len(), 5, "{stdout}");
    let tp = received
        .iter()
        .find(|m| m["rcpt_tos"] == serde_json::json!(["vanphong.tp@example.vn"]))
        .expect("TP's receipt");
    assert_eq!(
        tp["subject"],
        "Biên nhận báo cáo tháng 07/2020 của Thành ủy Sơn La: Thành ủy Sơn La.xlsx (có lỗi cần sửa)"
    );
    let plain = part(tp, "text/plain")["text"].as_str().unwrap();
    assert!(
        plain.contains("đã nhận tệp «Thành ủy Sơn La.xlsx» của đơn vị ngày 04/08/2020, là báo cáo tháng 07/2020"),
        "{plain}"
    );
    assert!(
        plain.contains("đọc 7 dòng, nhận 4 dòng, loại 3 dòng"),
        "{plain}"
    );
    assert!(plain.contains("Trang Báo cáo, ô D12: "), "{plain}");
    let yc = received
        .iter()
        .find(|m| {
            part(m, "text/plain")["text"]
                .as_str()
                .unwrap()
                .contains("«yc.ods»")
        })
        .expect("the receipt of yc.ods");
    assert!(
        part(yc, "text/plain")["text"]
            .as_str()
            .unwrap()
            .contains("Báo cáo hợp lệ")
    );
    let again = crate::common::chibo_env(&args, &ws, &[PASSWORD]);
    assert_eq!(again.status.code(), Some(0), "{:?}", text(&again));
    assert_eq!(server.received().len(), 5);
}

//! The office's time (issue 17, points 7 and 8): received dates from modification times,
//! deadlines and email dates in the workspace's `timezone`, whatever the machine's;
//! months without their folder refused; emails held until the month's deadline has
//! passed, with the clock set through `CHIBO_NOW`.

use std::path::Path;

use serde_json::Value;

use crate::common::{chibo, chibo_env, demo_workspace as demo, text};

/// A moment (RFC 3339) as a file time.
fn at(moment: &str) -> filetime::FileTime {
    let t = chrono::DateTime::parse_from_rfc3339(moment).unwrap();
    filetime::FileTime::from_unix_time(t.timestamp(), 0)
}

/// The demo's July without `received.txt`: received dates come from modification times.
/// Thành ủy Sơn La's file was modified at 2020-08-05T20:00Z: 5 August in London, 6 August
/// (after the deadline of the 5th) in Vietnam.
fn july_by_modification_times(ws: &Path) {
    let folder = ws.join("inbox/2020-07");
    std::fs::remove_file(folder.join("received.txt")).unwrap();
    for (name, moment) in [
        ("Yen Chau YC thang 7.xlsx", "2020-08-01T03:00:00Z"),
        ("Yen Chau YC thang 7 (sua).xlsx", "2020-08-02T03:00:00Z"),
        ("TP Sơn La thang 7.xlsx", "2020-08-05T20:00:00Z"),
        ("Moc Chau thang 7.xls", "2020-08-09T03:00:00Z"),
    ] {
        filetime::set_file_mtime(folder.join(name), at(moment)).unwrap();
    }
}

/// Whether anything was written in the workspace's output folder (`init` makes it empty).
fn wrote(ws: &Path) -> bool {
    std::fs::read_dir(ws.join("out")).unwrap().next().is_some()
}

/// Sets a top-level key of the workspace's `chibo.toml` (before its first table).
/// Sets a top-level key of the workspace's `chibo.toml` to `line`: the line of that key
/// replaced where the file has one, else added before the first table.
fn set_key(ws: &Path, line: &str) {
    let path = ws.join("chibo.toml");
    let config = std::fs::read_to_string(&path).unwrap();
    let key = line.split('=').next().unwrap().trim();
    let has = |l: &str| l.split('=').next().is_some_and(|k| k.trim() == key);
    let config = if config.lines().any(has) {
        config
            .lines()
            .map(|l| if has(l) { line } else { l })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    } else {
        let at = config.find("\n[").unwrap() + 1;
        format!("{}{line}\n{}", &config[..at], &config[at..])
    };
    std::fs::write(&path, config).unwrap();
}

fn unit(summary: &str, code: &str) -> (String, String) {
    let s: Value = serde_json::from_str(summary).unwrap();
    let u = s["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == code)
        .unwrap()
        .clone();
    (
        u["submission"].as_str().unwrap().to_owned(),
        u["received"].as_str().unwrap_or("").to_owned(),
    )
}

/// Runs July under the machine time zone `tz` and returns `summary.json` and the date
/// line of the leadership's email.
fn july_under(ws: &Path, tz: &str) -> (String, String) {
    let out = chibo_env(&["run", "-q", "--month", "2020-07"], ws, &[("TZ", tz)]);
    assert_eq!(out.status.code(), Some(1), "{tz}: {:?}", text(&out));
    let summary = std::fs::read_to_string(ws.join("out/2020-07/summary.json")).unwrap();
    let eml = std::fs::read_to_string(ws.join("out/2020-07/outbox/01-thuong-vu.eml")).unwrap();
    let date = eml
        .lines()
        .find(|l| l.starts_with("Date: "))
        .unwrap()
        .to_owned();
    (summary, date)
}

#[test]
fn received_dates_are_the_offices_whatever_the_machines_time_zone() {
    let (_tmp, ws) = demo();
    july_by_modification_times(&ws);
    let (vietnam, vietnam_date) = july_under(&ws, "Asia/Ho_Chi_Minh");
    let (utc, utc_date) = july_under(&ws, "UTC");
    assert_eq!(utc, vietnam, "the machine's time zone changed summary.json");
    // Other zones, and the same written the POSIX way, which needs no tz database
    // (UTC+7, UTC-5).
    for tz in ["America/New_York", "ICT-7", "EST5"] {
        let (other, _) = july_under(&ws, tz);
        assert_eq!(other, vietnam, "TZ={tz} changed summary.json");
    }
    assert_eq!(utc_date, vietnam_date);
    // 2020-08-05T20:00Z is 6 August at +07:00: after the deadline.
    assert_eq!(unit(&vietnam, "TP"), ("late".into(), "2020-08-06".into()));
    assert_eq!(
        unit(&vietnam, "YC"),
        ("on_time".into(), "2020-08-02".into())
    );
    // The email is dated 08:00 at +07:00 on the document date (the last report received).
    assert_eq!(vietnam_date, "Date: Sun, 09 Aug 2020 01:00:00 +0000");

    // An office five hours behind UTC: the same file was received on the 5th, on time;
    // Mộc Châu's (2020-08-09T03:00Z) on the 8th, which dates the email, at 08:00 there.
    set_key(&ws, "timezone = \"-05:00\"");
    let (west, west_date) = july_under(&ws, "Asia/Ho_Chi_Minh");
    assert_eq!(unit(&west, "TP"), ("on_time".into(), "2020-08-05".into()));
    assert_eq!(unit(&west, "MC"), ("late".into(), "2020-08-08".into()));
    assert_eq!(west_date, "Date: Sat, 08 Aug 2020 13:00:00 +0000");
}

#[test]
fn a_timezone_that_is_no_offset_is_a_configuration_error() {
    let (_tmp, ws) = demo();
    set_key(&ws, "timezone = \"Asia/Ho_Chi_Minh\"");
    let line = std::fs::read_to_string(ws.join("chibo.toml"))
        .unwrap()
        .lines()
        .position(|l| l.starts_with("timezone"))
        .unwrap()
        + 1;
    let out = chibo(&["run", "--month", "2020-07"], &ws);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "chibo.toml:{line}: error[config-bad-value]: khóa `timezone` phải là độ lệch giờ so với UTC dạng «+07:00»"
        )) && stderr.contains("«Asia/Ho_Chi_Minh»"),
        "{stderr}"
    );
    assert!(!ws.join("out/2020-07").exists());
}

#[test]
fn a_month_without_its_folder_writes_and_sends_nothing() {
    let (_tmp, ws) = demo();
    let out = chibo(&["run", "--month", "2002-07"], &ws);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("không có thư mục inbox/2002-07")
            && stderr.contains("không ghi và không gửi gì")
            && stderr.contains("2020-06, 2020-07"),
        "{stderr}"
    );
    assert!(!wrote(&ws), "something was written");
    // A month folder that is a file is no folder either.
    std::fs::write(ws.join("inbox/2020-08"), "").unwrap();
    let out = chibo(&["run", "--month", "2020-08"], &ws);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    assert!(!wrote(&ws), "something was written");
    // With the folder, even empty, the month runs.
    std::fs::remove_file(ws.join("inbox/2020-08")).unwrap();
    std::fs::create_dir(ws.join("inbox/2020-08")).unwrap();
    let out = chibo(&["run", "-q", "--month", "2020-08", "--no-email"], &ws);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert!(ws.join("out/2020-08/summary.json").exists());
}

#[test]
fn months_no_office_can_mean_are_usage_errors() {
    let (_tmp, ws) = demo();
    for month in [
        "9999-12", "1899-12", "0000-01", "2100-01", "2020-13", "2020-00",
    ] {
        std::fs::create_dir_all(ws.join("inbox").join(month)).unwrap();
        for command in ["run", "template"] {
            let out = chibo(&[command, "--month", month], &ws);
            let (_, stderr) = text(&out);
            assert_eq!(out.status.code(), Some(2), "{command} {month}: {stderr}");
            assert!(stderr.contains(&format!("«{month}»")), "{stderr}");
        }
    }
    assert!(!wrote(&ws), "something was written");
}

/// The outbox of July after a run at `now` (RFC 3339), with extra arguments.
fn july_at(ws: &Path, now: &str, extra: &[&str]) -> (std::process::Output, Vec<String>) {
    let mut args = vec!["run", "--month", "2020-07"];
    args.extend(extra);
    let out = chibo_env(&args, ws, &[("CHIBO_NOW", now)]);
    let outbox = ws.join("out/2020-07/outbox");
    let mut queued: Vec<String> = std::fs::read_dir(&outbox)
        .into_iter()
        .flatten()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    queued.sort();
    (out, queued)
}

#[test]
fn before_the_deadline_outputs_are_written_and_emails_held() {
    let (_tmp, ws) = demo();
    // 23:59 on the deadline day in Vietnam: units may still send their reports.
    let (out, queued) = july_at(&ws, "2020-08-05T23:59:00+07:00", &[]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        ws.join("out/2020-07/summary.json").exists()
            && ws.join("out/2020-07/tong-hop-2020-07.xlsx").exists()
    );
    assert!(queued.is_empty(), "{queued:?}");
    assert!(
        stdout.contains(
            "Chưa qua hạn nộp báo cáo tháng 07/2020 (hết ngày 05/08/2020, giờ UTC+07:00): đã ghi kết quả nhưng chưa xếp hàng và chưa gửi thư nào"
        ) && stdout.contains("--force"),
        "{stdout}"
    );
    // 17:30 UTC on the 5th is already the 6th in Vietnam: the deadline has passed.
    let (out, queued) = july_at(&ws, "2020-08-05T17:30:00Z", &[]);
    let (stdout, _) = text(&out);
    assert_eq!(queued.len(), 5, "{stdout}");
    assert!(!stdout.contains("Chưa qua hạn"), "{stdout}");

    // Forced before the deadline, they are queued.
    let (_tmp, ws) = demo();
    let (out, queued) = july_at(&ws, "2020-08-03T10:00:00+07:00", &["--force"]);
    let (stdout, _) = text(&out);
    assert_eq!(queued.len(), 5, "{stdout}");
    assert!(!stdout.contains("Chưa qua hạn"), "{stdout}");
    // Without email nothing is said about holding it.
    let (_tmp, ws) = demo();
    let (out, queued) = july_at(&ws, "2020-08-03T10:00:00+07:00", &["--no-email"]);
    assert!(queued.is_empty());
    assert!(!text(&out).0.contains("Chưa qua hạn"));
}

#[test]
fn a_clock_variable_that_is_no_moment_is_a_usage_error() {
    let (_tmp, ws) = demo();
    let (out, _) = july_at(&ws, "hôm qua", &[]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("CHIBO_NOW") && stderr.contains("«hôm qua»"),
        "{stderr}"
    );
    assert!(!wrote(&ws));
}

/// `text` as Notepad saves it «Unicode» (UTF-16 LE) or «Unicode big endian», with the
/// byte order mark.
fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut bytes = if little {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for u in text.encode_utf16() {
        bytes.extend(if little {
            u.to_le_bytes()
        } else {
            u.to_be_bytes()
        });
    }
    bytes
}

fn issues_with(summary: &str, code: &str) -> Vec<Value> {
    let s: Value = serde_json::from_str(summary).unwrap();
    s["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == code)
        .cloned()
        .collect()
}

#[test]
fn received_txt_as_notepad_saves_it() {
    let (_tmp, ws) = demo();
    let list = ws.join("inbox/2020-07/received.txt");
    // Every line of the demo's list ends with CRLF, as Notepad writes it.
    let lines = std::fs::read_to_string(&list)
        .unwrap()
        .replace('\n', "\r\n");
    let run = || {
        let out = chibo(&["run", "-q", "--no-email", "--month", "2020-07"], &ws);
        assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
        std::fs::read_to_string(ws.join("out/2020-07/summary.json")).unwrap()
    };
    std::fs::write(&list, &lines).unwrap();
    let plain = run();
    assert_eq!(unit(&plain, "TP"), ("on_time".into(), "2020-08-03".into()));
    assert!(issues_with(&plain, "received-bad-line").is_empty());
    for (encoding, bytes) in [
        (
            "UTF-8 with BOM",
            [&[0xEF, 0xBB, 0xBF][..], lines.as_bytes()].concat(),
        ),
        ("UTF-16 LE", utf16(&lines, true)),
        ("UTF-16 BE", utf16(&lines, false)),
    ] {
        std::fs::write(&list, bytes).unwrap();
        assert_eq!(run(), plain, "received.txt in {encoding}");
    }
    // A line saved in Windows-1258 («ANSI», «Sơn» as S\xf5n) cannot be read: a notice
    // naming it, and that file's date comes from its modification time; the other lines
    // still count.
    let ansi = lines.replace("TP Sơn La", "TP S\u{f5}n La");
    let ansi: Vec<u8> = ansi
        .chars()
        .flat_map(|c| match c {
            'õ' => vec![0xF5],
            c => c.to_string().into_bytes(),
        })
        .collect();
    std::fs::write(&list, ansi).unwrap();
    let tp = ws.join("inbox/2020-07/TP Sơn La thang 7.xlsx");
    filetime::set_file_mtime(&tp, at("2020-08-05T20:00:00Z")).unwrap();
    let summary = run();
    let notes = issues_with(&summary, "received-bad-line");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["file"], "inbox/2020-07/received.txt");
    assert_eq!(notes[0]["severity"], "notice");
    assert!(
        notes[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("dòng 3 không đọc được"),
        "{notes:?}"
    );
    assert_eq!(unit(&summary, "TP"), ("late".into(), "2020-08-06".into()));
    assert_eq!(unit(&summary, "MC"), ("late".into(), "2020-08-09".into()));
}

/// A command that runs `chibo` as root without the capabilities that let root read any
/// file (`CAP_DAC_OVERRIDE`, `CAP_DAC_READ_SEARCH`), so that permissions apply; as
/// another user, `chibo` itself.
#[cfg(unix)]
fn without_override(args: &[&str], cwd: &Path) -> std::process::Output {
    let chibo = env!("CARGO_BIN_EXE_chibo");
    let mut command = if nix_uid() == 0 {
        let mut c = std::process::Command::new("setpriv");
        c.args([
            "--inh-caps=-dac_override,-dac_read_search",
            "--bounding-set=-dac_override,-dac_read_search",
            chibo,
        ]);
        c
    } else {
        std::process::Command::new(chibo)
    };
    command
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("run chibo")
}

/// The user id of this process, from `/proc` (Linux).
#[cfg(unix)]
fn nix_uid() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Uid:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
#[cfg(unix)] // permissions by mode bits
fn an_inbox_file_that_cannot_be_read_does_not_stop_the_run() {
    use std::os::unix::fs::PermissionsExt;
    if nix_uid() == 0 && !crate::common::tool("setpriv", &["--version"]) {
        return;
    }
    let (_tmp, ws) = demo();
    let file = ws.join("inbox/2020-07/TP Sơn La thang 7.xlsx");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    // The check that the permissions hold for this process: reading must fail.
    let probe = without_override(&["check", file.to_str().unwrap()], &ws);
    assert!(
        text(&probe).0.contains("không có quyền đọc tệp"),
        "permissions are not enforced: {:?}",
        text(&probe)
    );
    let out = without_override(&["run", "--no-email", "--month", "2020-07"], &ws);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(
            "inbox/2020-07/TP Sơn La thang 7.xlsx: error[file-unreadable]: không có quyền đọc tệp"
        ),
        "{stdout}"
    );
    let summary = std::fs::read_to_string(ws.join("out/2020-07/summary.json")).unwrap();
    let s: Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(
        s["files"],
        serde_json::json!({"read": 5, "used": 2, "superseded": 1, "skipped": 1, "unreadable": 1})
    );
    assert_eq!(unit(&summary, "TP").0, "missing");
    assert_eq!(
        unit(&summary, "YC"),
        ("on_time".into(), "2020-08-04".into())
    );
    // received.txt unreadable: a warning, and the dates come from modification times.
    let list = ws.join("inbox/2020-07/received.txt");
    std::fs::set_permissions(&list, std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = without_override(&["run", "-q", "--no-email", "--month", "2020-07"], &ws);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
    let summary = std::fs::read_to_string(ws.join("out/2020-07/summary.json")).unwrap();
    let warnings = issues_with(&summary, "received-unreadable");
    assert_eq!(warnings.len(), 1, "{summary}");
    assert_eq!(warnings[0]["file"], "inbox/2020-07/received.txt");
}

#[test]
fn configuration_mistakes_name_the_key_or_the_line() {
    let (_tmp, ws) = demo();
    let path = ws.join("chibo.toml");
    let config = std::fs::read_to_string(&path).unwrap();
    let line_of = |key: &str| config.lines().position(|l| l.starts_with(key)).unwrap() + 1;
    let run = || {
        let out = chibo(&["run", "--no-email", "--month", "2020-07"], &ws);
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(!wrote(&ws), "something was written");
        stderr
    };
    // `deadline_day` written twice.
    std::fs::write(&path, config.replace("out = ", "deadline_day = 6\nout = ")).unwrap();
    let stderr = run();
    assert!(
        stderr.contains(&format!(
            "chibo.toml:{}: error[config-duplicate-key]: khóa `deadline_day` được ghi hai lần",
            line_of("deadline_day") + 1
        )),
        "{stderr}"
    );
    // The province's name saved in Windows-1258 («ANSI»).
    let ansi: Vec<u8> = config
        .replace("province = \"Sơn La\"", "province = \"S\u{f5}n La\"")
        .chars()
        .flat_map(|c| match c {
            'õ' => vec![0xF5],
            c => c.to_string().into_bytes(),
        })
        .collect();
    std::fs::write(&path, ansi).unwrap();
    let stderr = run();
    assert!(
        stderr.contains(&format!(
            "chibo.toml:{}: error[config-unreadable]: dòng này không phải văn bản UTF-8",
            line_of("province")
        )),
        "{stderr}"
    );
    // Saved by Notepad as «Unicode»: read.
    std::fs::write(&path, utf16(&config, true)).unwrap();
    let out = chibo(&["run", "-q", "--no-email", "--month", "2020-07"], &ws);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
}

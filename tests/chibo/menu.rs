//! `chibo` with no arguments: the menu, driven by answers piped to its standard input as
//! a person would type them. The outputs it makes are read back and compared with the
//! command line's; the screen is a snapshot.
//!
//! [`demo_session`] takes the command to start, so the same session runs on Linux here
//! and under Wine in the Windows leg.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::{chibo_env, demo_in, text};

/// The moment the sessions run at: after July 2020's deadline, so the default month is
/// July and `run` queues the month's emails.
const NOW: &str = "2020-08-10T10:00:00+07:00";

/// What a session printed and how it ended.
pub(crate) struct Session {
    /// Standard output: the menu and the commands' own output.
    pub stdout: String,
    /// Standard error: the commands' failures.
    pub stderr: String,
    /// The exit status.
    pub status: Option<i32>,
}

/// Runs `cmd` (chibo with no arguments) with `input` on its standard input, then closed.
pub(crate) fn session(mut cmd: Command, input: &[u8]) -> Session {
    let mut child = cmd
        .env("NO_COLOR", "1")
        .env("CHIBO_NOW", NOW)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chibo");
    // The menu may end before reading all (after `0`): a closed pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(input);
    let out = child.wait_with_output().expect("wait for chibo");
    let (stdout, stderr) = text(&out);
    Session {
        stdout,
        stderr,
        status: out.status.code(),
    }
}

/// `answers`, one a line, as typed.
fn typed(answers: &[&str]) -> Vec<u8> {
    answers
        .iter()
        .flat_map(|a| format!("{a}\n").into_bytes())
        .collect()
}

/// The test binary with no arguments, its configuration folders (where the menu
/// remembers the workspace) in `home` and its current folder there too.
fn menu_in(home: &Path) -> Command {
    program_in(Path::new(env!("CARGO_BIN_EXE_chibo")), home)
}

/// `program` with no arguments, as [`menu_in`].
fn program_in(program: &Path, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(home)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"));
    cmd
}

/// An empty folder `home` in `dir`, emptied if it was there.
fn fresh_home(dir: &Path) -> std::path::PathBuf {
    let home = dir.join("home");
    std::fs::remove_dir_all(&home).ok();
    std::fs::create_dir(&home).unwrap();
    home
}

/// The whole month through the menu on the demo workspace `ws`, which the program sees
/// as `workspace_as_typed` (`Z:\tmp\…` under Wine): a folder that does not exist, the
/// workspace pasted in quotes with a trailing backslash, a month that is none, July,
/// a choice that is none, then collect (the demo has no mailbox: exit 2, said in plain
/// words), check, run, template, send (no SMTP server either: exit 2) and exit. `cmd` must start chibo with no arguments, with
/// no workspace remembered and none beside the program. The outputs are checked
/// against the command line's (`chibo run --month 2020-07` on a fresh demo, run by the
/// native binary). Returns the screen with the workspace's path as `[WS]` and `/` for
/// `\`, the same on every system.
pub(crate) fn demo_session(cmd: Command, workspace_as_typed: &str, ws: &Path) -> String {
    let pasted = format!("\"{workspace_as_typed}\\\"");
    let answers = [
        "khong-co-thu-muc-nay",
        &pasted,
        "13/2020",
        "2020-07",
        "9",
        "1",
        "",
        "2",
        "",
        "3",
        "",
        "5",
        "",
        "4",
        "",
        "0",
    ];
    let s = session(cmd, &typed(&answers));
    assert_eq!(s.status, Some(0), "{}\n{}", s.stdout, s.stderr);
    for line in [
        "» chibo collect",
        "» chibo check inbox/2020-07",
        "Có lỗi dữ liệu trong báo cáo",
        "» chibo run --month 2020-07",
        "Đã tổng hợp, nhưng có lỗi dữ liệu",
        "» chibo template --month 2020-08",
        "Xong, không có lỗi.",
        "» chibo send --month 2020-07",
        "Chưa làm được: cấu hình",
        "Tạm biệt.",
    ] {
        assert!(
            s.stdout.contains(line),
            "{line} missing from:\n{}",
            s.stdout
        );
    }
    assert!(s.stderr.contains("error[email-no-smtp]"), "{}", s.stderr);
    assert!(
        s.stderr.contains("chưa có hộp thư để nhận báo cáo"),
        "{}",
        s.stderr
    );

    // The outputs are the command line's, byte for byte.
    let reference = tempfile::tempdir().unwrap();
    let copy = demo_in(reference.path());
    let out = chibo_env(&["run", "--month", "2020-07"], &copy, &[("CHIBO_NOW", NOW)]);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
    let summary = |w: &Path| std::fs::read(w.join("out/2020-07/summary.json")).unwrap();
    assert_eq!(summary(ws), summary(&copy), "summary.json differs");
    let outbox = |w: &Path| {
        let mut names: Vec<_> = std::fs::read_dir(w.join("out/2020-07/outbox"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    };
    assert_eq!(outbox(ws), outbox(&copy));
    for unit in ["MC", "MS", "TP", "YC"] {
        let template = ws.join(format!("out/2020-08/mau/{unit}.xlsx"));
        assert!(template.is_file(), "{} missing", template.display());
    }

    let shown = ws.display().to_string();
    s.stdout
        .replace("\r\n", "\n")
        .replace(workspace_as_typed, "[WS]")
        .replace(&shown, "[WS]")
        .replace('\\', "/")
}

/// Holds `screen`, what [`demo_session`] returned, to the one snapshot of the menu, from
/// whichever test (Linux here, Wine in the Windows leg).
pub(crate) fn assert_demo_screen(screen: &str) {
    insta::assert_snapshot!("menu_demo_session", screen);
}

#[test]
fn a_month_through_the_menu_then_the_workspace_is_remembered() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = demo_in(tmp.path());
    let home = fresh_home(tmp.path());
    let screen = demo_session(menu_in(&home), ws.to_str().unwrap(), &ws);
    assert_demo_screen(&screen);

    let remembered = home.join(".config/chibo/workspace.txt");
    assert_eq!(
        std::fs::read_to_string(&remembered).unwrap(),
        format!("{}\n", ws.display())
    );
    // The second start opens it, and Enter takes the previous month.
    let s = session(menu_in(&home), &typed(&["", "0"]));
    assert_eq!(s.status, Some(0));
    assert!(!s.stdout.contains("Chưa chọn"), "{}", s.stdout);
    assert!(
        s.stdout
            .contains(&format!("Không gian làm việc: {}\n", ws.display())),
        "{}",
        s.stdout
    );
    assert!(
        s.stdout.contains("Tháng báo cáo: 07/2020\n"),
        "{}",
        s.stdout
    );

    // A remembered folder that is no workspace any more is asked for again.
    std::fs::remove_file(ws.join("chibo.toml")).unwrap();
    let s = session(menu_in(&home), &typed(&[]));
    assert!(
        s.stdout.contains("Chưa chọn không gian làm việc."),
        "{}",
        s.stdout
    );
}

#[test]
fn the_program_beside_chibo_toml_opens_that_workspace() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = demo_in(tmp.path());
    let home = fresh_home(tmp.path());
    let program = ws.join("chibo");
    std::fs::copy(env!("CARGO_BIN_EXE_chibo"), &program).unwrap();
    let s = session(program_in(&program, &home), &typed(&["7/2020", "0"]));
    assert_eq!(s.status, Some(0));
    assert!(!s.stdout.contains("Chưa chọn"), "{}", s.stdout);
    assert!(
        s.stdout
            .contains(&format!("Không gian làm việc: {}\n", ws.display())),
        "{}",
        s.stdout
    );
    // Found, not chosen: nothing is remembered.
    assert!(!home.join(".config/chibo/workspace.txt").exists());
}

#[test]
fn the_menu_ends_cleanly_wherever_its_input_ends() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = demo_in(tmp.path());
    let path = ws.to_str().unwrap();
    for answers in [
        &[][..],
        &["/khong/co"],
        &[path],
        &[path, "1/1999"],
        &[path, ""],
        &[path, "", "8"],
        &[path, "", "4"],
        &[path, "", "6"],
        &[path, "", "7"],
    ] {
        let home = fresh_home(tmp.path());
        let s = session(menu_in(&home), &typed(answers));
        assert_eq!(s.status, Some(0), "{answers:?}: {}", s.stdout);
        assert!(
            s.stdout.ends_with("Không còn gì để đọc; chibo thoát.\n"),
            "{answers:?}: {}",
            s.stdout
        );
    }
    // Bytes that are no text, and a line with no end, are answers like any other.
    let home = fresh_home(tmp.path());
    let mut input = typed(&[path, ""]);
    input.extend_from_slice(b"\xff\xfe\n6\n2020-13\n08/2020\n0");
    let s = session(menu_in(&home), &input);
    assert_eq!(s.status, Some(0), "{}", s.stdout);
    assert!(s.stdout.contains("không phải một lựa chọn"), "{}", s.stdout);
    assert!(
        s.stdout.contains("«2020-13» không phải một tháng"),
        "{}",
        s.stdout
    );
    assert!(
        s.stdout.contains("Tháng báo cáo: 08/2020\n"),
        "{}",
        s.stdout
    );
    assert!(s.stdout.ends_with("Tạm biệt.\n"), "{}", s.stdout);
    // Out of the years the command line takes: said as `--month` says it.
    let home = fresh_home(tmp.path());
    let s = session(menu_in(&home), &typed(&[path, "1/1999", "0"]));
    assert!(
        s.stdout.contains("nằm ngoài các năm 2000–2099"),
        "{}",
        s.stdout
    );
}

#[test]
fn with_arguments_chibo_is_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let s = session(
        {
            let mut cmd = menu_in(tmp.path());
            cmd.arg("--help");
            cmd
        },
        &typed(&["0"]),
    );
    assert_eq!(s.status, Some(0));
    assert!(s.stdout.starts_with("chibo: tổng hợp"), "{}", s.stdout);
    assert!(s.stdout.contains("Cách dùng: chibo"), "{}", s.stdout);
    assert!(!s.stdout.contains("Chọn một số"), "{}", s.stdout);
}

/// Sending through the menu against a real SMTP server on loopback: down at first (the
/// email waits, exit 3 said in plain words), then up (all five delivered), then once
/// more (nothing sent twice).
#[test]
fn the_queued_email_goes_out_once_through_the_menu() {
    use crate::email::{PASSWORD, Server, certificates, free_port, smtp_demo, tools};
    if !tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificates(tmp.path());
    let port = free_port();
    let ws = smtp_demo(tmp.path(), port, &ca);
    // Queued by `run`, delivered by `send`.
    let config = std::fs::read_to_string(ws.join("chibo.toml"))
        .unwrap()
        .replace("transport = \"smtp\"", "transport = \"outbox\"");
    std::fs::write(ws.join("chibo.toml"), config).unwrap();
    let home = fresh_home(tmp.path());
    let path = ws.to_str().unwrap();
    let menu = || {
        let mut cmd = menu_in(&home);
        cmd.env(PASSWORD.0, PASSWORD.1);
        cmd
    };

    let s = session(menu(), &typed(&[path, "", "3", "", "4", "", "0"]));
    assert_eq!(s.status, Some(0), "{}\n{}", s.stdout, s.stderr);
    assert!(s.stdout.contains("Thư: 5 thư chờ gửi"), "{}", s.stdout);
    assert!(
        s.stdout
            .contains("Chưa xong: không đọc, ghi được tệp hoặc không gửi được thư"),
        "{}",
        s.stdout
    );

    let server = Server::start(port, tmp.path(), &cert, &key);
    for _ in 0..2 {
        let s = session(menu(), &typed(&["", "4", "", "0"]));
        assert_eq!(s.status, Some(0), "{}\n{}", s.stdout, s.stderr);
        let after_send = s
            .stdout
            .split("» chibo send --month 2020-07")
            .nth(1)
            .unwrap();
        assert!(after_send.contains("Xong, không có lỗi."), "{}", s.stdout);
    }
    assert_eq!(server.received().len(), 5);
}

//! The Windows build, run under Wine: `chibo.exe` (cross-compiled for
//! `x86_64-pc-windows-gnu`, named by `CHIBO_WINDOWS_EXE`) against the Linux build on the
//! same inputs. `summary.json`, the outbox and the `check` account are the same bytes,
//! the workbooks the same cells; `C:\…` and backslash paths, Vietnamese file names in
//! NFC and NFD, the workspace lock and delivery to a real SMTP server work; what it
//! prints is the same Vietnamese as on Linux.
//!
//! Without `CHIBO_WINDOWS_EXE` these tests skip with a note; under CI (`CI` set) they
//! fail, since `.ci/run` builds the exe and sets it. Wine 8.0 lacks
//! `bcryptprimitives.dll`, which Rust's standard library needs: a stand-in built here with
//! mingw from `tests/windows/` goes beside the test's copy of the exe (never into the
//! package). One Wine prefix, `target/tmp/wine`, serves every run (`wineboot` takes seconds).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use calamine::Reader;
use unicode_normalization::UnicodeNormalization;

use crate::common::{chibo, chibo_env, copy_dir, demo_in, files, text};
use crate::email::{PASSWORD, Server, certificates, free_port};
use crate::grid::SheetGrid;
use crate::trust::Paused;

/// The environment variable naming the Windows binary to test.
const EXE_VAR: &str = "CHIBO_WINDOWS_EXE";
const MONTH: &str = "2020-07";

/// A Wine prefix holding `C:\chibo\chibo.exe` and the stand-in DLL.
struct Wine {
    wine: PathBuf,
    prefix: PathBuf,
}

/// The Wine set-up, made once per test run; `None` (with a note) when it cannot run
/// here, which fails under CI.
fn wine() -> Option<&'static Wine> {
    static WINE: OnceLock<Option<Wine>> = OnceLock::new();
    WINE.get_or_init(set_up).as_ref()
}

fn missing(what: &str) -> Option<Wine> {
    assert!(
        std::env::var_os("CI").is_none(),
        "{what} is missing on CI: .ci/run must provide it"
    );
    eprintln!("note: {what} is missing; skipping the Windows tests");
    None
}

fn set_up() -> Option<Wine> {
    let Some(exe) = std::env::var_os(EXE_VAR).map(PathBuf::from) else {
        return missing(&format!("{EXE_VAR} (the path of chibo.exe)"));
    };
    assert!(exe.is_file(), "{EXE_VAR}={} is no file", exe.display());
    let wine = ["wine64", "/usr/lib/wine/wine64", "wine"]
        .into_iter()
        .map(PathBuf::from)
        .find(|w| {
            Command::new(w)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    let Some(wine) = wine else {
        return missing("Wine (wine64)");
    };
    let gcc = "x86_64-w64-mingw32-gcc";
    if Command::new(gcc).arg("--version").output().is_err() {
        return missing(gcc);
    }
    // One prefix for every run (about 700 MB once booted), under `target/tmp`.
    let prefix = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wine");
    let bin = prefix.join("drive_c/chibo");
    std::fs::create_dir_all(&bin).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/windows");
    let dll = Command::new(gcc)
        .args(["-shared", "-O2", "-o"])
        .arg(bin.join("bcryptprimitives.dll"))
        .arg(source.join("bcryptprimitives.c"))
        .arg(source.join("bcryptprimitives.def"))
        .arg("-ladvapi32")
        .output()
        .expect("run mingw");
    assert!(dll.status.success(), "mingw: {:?}", text(&dll));
    std::fs::copy(&exe, bin.join("chibo.exe")).unwrap();
    if !prefix.join("system.reg").is_file() {
        let boot = Command::new(&wine)
            .arg("wineboot")
            .arg("--init")
            .env("WINEPREFIX", &prefix)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run wineboot");
        assert!(boot.success(), "wineboot failed");
    }
    Some(Wine { wine, prefix })
}

impl Wine {
    /// `chibo.exe args` in `cwd`, with `env`.
    fn command(&self, args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Command {
        let mut command = Command::new(&self.wine);
        command
            .arg(r"C:\chibo\chibo.exe")
            .args(args)
            .current_dir(cwd)
            .env("WINEPREFIX", &self.prefix)
            .env("WINEDEBUG", "-all")
            .env("LC_ALL", "C.UTF-8")
            .env("NO_COLOR", "1")
            .envs(env.iter().copied());
        command
    }

    fn chibo(&self, args: &[&str], cwd: &Path) -> Output {
        self.chibo_env(args, cwd, &[])
    }

    fn chibo_env(&self, args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
        self.command(args, cwd, env)
            .stdin(Stdio::null())
            .output()
            .expect("run wine")
    }

    /// A new folder on the prefix's `C:` drive: its Linux path and its `C:\…` name.
    fn c_folder(&self, name: &str) -> (PathBuf, String) {
        let dir = self.prefix.join("drive_c").join(name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        std::fs::create_dir_all(&dir).unwrap();
        (dir, format!(r"C:\{name}"))
    }
}

/// `path` as Windows names it through Wine's `Z:` drive (the Linux root).
fn z(path: &Path) -> String {
    format!(r"Z:{}", path.display()).replace('/', r"\")
}

/// Asserts that every sheet of the workbook `found` holds the cells of `expected`'s.
fn assert_same_cells(expected: &Path, found: &Path) {
    let sheets = |p: &Path| {
        calamine::open_workbook_auto(p)
            .unwrap()
            .sheet_names()
            .clone()
    };
    let names = sheets(expected);
    assert_eq!(names, sheets(found), "{}: sheets", found.display());
    for name in names {
        let want = SheetGrid::open(expected, &name).rows();
        let rows: Vec<Vec<&str>> = want
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
        SheetGrid::open(found, &name).assert_eq("A1", &rows);
    }
}

/// Standard output and error, asserting the exit status `code`.
#[track_caller]
fn expect(out: &Output, code: i32, what: &str) -> (String, String) {
    let (stdout, stderr) = text(out);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{what}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    (stdout, stderr)
}

#[test]
fn the_demo_month_gives_the_same_outputs_as_on_linux() {
    let Some(wine) = wine() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let linux = demo_in(tmp.path());
    let (dir, c_dir) = wine.c_folder("demo-same");

    // `init --demo` writes the same files.
    let init = wine.chibo(&["init", "--demo", &format!(r"{c_dir}\ws")], tmp.path());
    let (stdout, _) = expect(&init, 0, "init --demo");
    assert!(stdout.contains("ws"), "{stdout}");
    let ws = dir.join("ws");
    assert_eq!(
        files(&ws).keys().collect::<Vec<_>>(),
        files(&linux).keys().collect::<Vec<_>>()
    );
    assert!(files(&ws) == files(&linux), "init --demo wrote other bytes");
    // The same received dates whatever the copy's modification times.
    copy_dir(&linux.join("inbox"), &ws.join("inbox"));

    // `run` with `--config C:\…\chibo.toml` from another folder, against Linux's `run`.
    let config = format!(r"{c_dir}\ws\chibo.toml");
    let run = wine.chibo(&["--config", &config, "run", "--month", MONTH], tmp.path());
    let (win_out, win_err) = expect(&run, 1, "run under Wine");
    let (lin_out, lin_err) = expect(&chibo(&["run", "--month", MONTH], &linux), 1, "run");
    assert!(
        win_out.contains("Báo cáo tháng 07/2020") || win_out.contains("tháng 07/2020"),
        "{win_out}"
    );
    assert_eq!(win_out.replace('\\', "/"), lin_out, "what run prints");
    assert_eq!(win_err.replace('\\', "/"), lin_err, "run's diagnostics");
    let out = format!("out/{MONTH}");
    let summary = |ws: &Path| std::fs::read(ws.join(&out).join("summary.json")).unwrap();
    assert!(summary(&ws) == summary(&linux), "summary.json differs");
    let book = format!("{out}/tong-hop-{MONTH}.xlsx");
    assert_same_cells(&linux.join(&book), &ws.join(&book));
    let outbox = format!("{out}/outbox");
    assert!(
        files(&ws.join(&outbox)) == files(&linux.join(&outbox)),
        "the outbox differs"
    );

    // `check` of a pattern with backslashes, as a Windows console leaves it.
    let pattern = format!(r"inbox\{MONTH}\*.xls*");
    let (win_check, _) = expect(&wine.chibo(&["check", &pattern], &ws), 1, "check");
    let (lin_check, _) = expect(
        &chibo(&["check", &format!("inbox/{MONTH}/*.xls*")], &linux),
        1,
        "check",
    );
    assert!(win_check.contains("lỗi"), "{win_check}");
    assert_eq!(win_check.replace('\\', "/"), lin_check);

    // `template` for the next month: the same workbooks, cell by cell.
    let next = "2020-08";
    expect(
        &wine.chibo(&["template", "--month", next], &ws),
        0,
        "template",
    );
    expect(
        &chibo(&["template", "--month", next], &linux),
        0,
        "template",
    );
    let mau = format!("out/{next}/mau");
    let names = files(&linux.join(&mau));
    assert_eq!(
        files(&ws.join(&mau)).keys().collect::<Vec<_>>(),
        names.keys().collect::<Vec<_>>()
    );
    for name in names.keys() {
        assert_same_cells(&linux.join(&mau).join(name), &ws.join(&mau).join(name));
    }
}

#[test]
fn vietnamese_file_names_in_nfc_and_nfd_read_alike() {
    let Some(wine) = wine() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let linux = demo_in(tmp.path());
    // One unit's July report under a decomposed (NFD) name, as macOS writes it, and
    // another under its composed (NFC) one.
    let folder = linux.join("inbox").join(MONTH);
    let nfc = "TP Sơn La thang 7.xlsx";
    let nfd: String = "Thành phố Sơn La tháng 7.xlsx".nfd().collect();
    assert_ne!(nfd, nfd.nfc().collect::<String>());
    std::fs::rename(folder.join(nfc), folder.join(&nfd)).unwrap();
    let received = std::fs::read_to_string(folder.join("received.txt"))
        .unwrap()
        .replace(nfc, &nfd);
    std::fs::write(folder.join("received.txt"), received).unwrap();
    let ws = tmp.path().join("copy");
    copy_dir(&linux, &ws);

    let (win_check, _) = expect(
        &wine.chibo(&["check", &format!(r"inbox\{MONTH}")], &ws),
        1,
        "check",
    );
    let shown: String = "Thành phố Sơn La tháng 7.xlsx".nfc().collect();
    assert!(win_check.contains(&shown), "{win_check}");
    assert!(win_check.contains(nfc.trim_end_matches(".xlsx")) || win_check.contains("Yen Chau"));
    let (lin_check, _) = expect(
        &chibo(&["check", &format!("inbox/{MONTH}")], &linux),
        1,
        "check",
    );
    assert_eq!(win_check.replace('\\', "/"), lin_check);

    let config = z(&ws.join("chibo.toml"));
    expect(
        &wine.chibo(
            &[
                "--config",
                &config,
                "run",
                "-q",
                "--no-email",
                "--month",
                MONTH,
            ],
            tmp.path(),
        ),
        1,
        "run",
    );
    expect(
        &chibo(&["run", "-q", "--no-email", "--month", MONTH], &linux),
        1,
        "run",
    );
    let summary =
        |ws: &Path| std::fs::read_to_string(ws.join(format!("out/{MONTH}/summary.json"))).unwrap();
    assert!(summary(&ws).contains(&shown), "the file is named in NFC");
    assert_eq!(summary(&ws), summary(&linux));
}

#[test]
fn the_workspace_lock_holds_between_two_windows_processes() {
    let Some(wine) = wine() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let ws = demo_in(tmp.path());
    let first = Paused::start(wine.command(&["run", "--month", MONTH], &ws, &[]), "locked");
    let second = wine.chibo(&["template", "--month", "2020-08"], &ws);
    let (_, stderr) = expect(
        &second,
        2,
        "a second command while the first holds the lock",
    );
    assert!(
        stderr.contains(&format!(
            "chibo: không gian làm việc đang bận: lệnh «chibo run --month {MONTH}» (tiến trình "
        )) && stderr.contains("; hãy chờ lệnh đó xong rồi chạy lại"),
        "{stderr}"
    );
    assert!(!ws.join("out/2020-08").exists(), "the template waited");
    assert_eq!(
        first.go_on().0,
        Some(1),
        "the holder ends as usual (data errors)"
    );
    // Released with its process: the same command now runs.
    expect(
        &wine.chibo(&["template", "--month", "2020-08"], &ws),
        0,
        "template after",
    );
}

#[test]
fn send_delivers_the_queued_month_to_a_real_smtp_server() {
    let Some(wine) = wine() else { return };
    if !crate::email::tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificates(tmp.path());
    let port = free_port();
    let server = Server::start(port, tmp.path(), &cert, &key);
    let ws = crate::email::smtp_demo(tmp.path(), port, &ca);
    // Queue with the outbox transport, then send; the CA named as Windows names it.
    let config = std::fs::read_to_string(ws.join("chibo.toml"))
        .unwrap()
        .replace("transport = \"smtp\"", "transport = \"outbox\"")
        .replace(
            &format!("ca_file = \"{}\"", ca.display()),
            &format!("ca_file = '{}'", z(&ca)),
        );
    std::fs::write(ws.join("chibo.toml"), config).unwrap();
    let (stdout, _) = expect(&wine.chibo(&["run", "--month", MONTH], &ws), 1, "run");
    assert!(stdout.contains("tháng 07/2020"), "{stdout}");
    assert!(
        server.received().is_empty(),
        "the outbox transport sends nothing"
    );

    let send = wine.chibo_env(&["send", "--month", MONTH], &ws, &[PASSWORD]);
    let (stdout, _) = expect(&send, 0, "send");
    assert!(stdout.contains("đã gửi 5, trước đó đã gửi 0"), "{stdout}");
    let received = server.received();
    assert_eq!(received.len(), 5);
    assert!(
        received
            .iter()
            .all(|m| m["tls"] == true && m["authenticated"] == true)
    );
    assert_eq!(
        received[0]["subject"],
        "Tổng hợp dự sinh hoạt chi bộ tháng 07/2020 — Sơn La"
    );
    // The same messages as the Linux build queues, and never twice.
    let linux = tmp.path().join("linux");
    copy_dir(&ws, &linux);
    std::fs::remove_dir_all(linux.join("out")).unwrap();
    expect(
        &chibo_env(&["run", "-q", "--month", MONTH], &linux, &[]),
        1,
        "run",
    );
    let eml = |ws: &Path| {
        files(&ws.join(format!("out/{MONTH}/outbox")))
            .into_iter()
            .filter(|(name, _)| Path::new(name).extension().is_some_and(|e| e == "eml"))
            .collect::<BTreeMap<_, _>>()
    };
    assert!(eml(&ws) == eml(&linux), "the queued messages differ");
    let again = wine.chibo_env(&["send"], &ws, &[PASSWORD]);
    let (stdout, _) = expect(&again, 0, "send again");
    assert!(stdout.contains("đã gửi 0, trước đó đã gửi 5"), "{stdout}");
    assert_eq!(server.received().len(), 5);
}

/// The two guides of the package, as Notepad opens them.
fn guides() -> Vec<(&'static str, String)> {
    ["HUONG-DAN.txt", "HUONG-DAN-DON-VI.txt"]
        .into_iter()
        .map(|name| {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("dist")
                .join(name);
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8(bytes).unwrap_or_else(|_| panic!("{name}: not UTF-8"));
            (name, text)
        })
        .collect()
}

#[test]
fn the_guides_open_in_notepad_as_vietnamese() {
    for (name, text) in guides() {
        let body = text
            .strip_prefix('\u{feff}')
            .unwrap_or_else(|| panic!("{name}: no byte order mark"));
        assert!(
            !body.replace("\r\n", "").contains('\n'),
            "{name}: a Unix line end"
        );
        assert!(body.ends_with("\r\n"), "{name}: no line end at the end");
        assert_eq!(body, body.nfc().collect::<String>(), "{name}: not NFC");
        assert!(body.contains("chibo check"), "{name}");
    }
}

#[test]
fn every_command_option_and_code_the_guides_cite_exists() {
    let tmp = tempfile::tempdir().unwrap();
    let help = |args: &[&str]| {
        let out = chibo(args, tmp.path());
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(0), "chibo {args:?}: {stderr}");
        stdout
    };
    let mut helps = help(&["--help"]);
    let codes: Vec<&str> = chibo::diagnostic::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    let mut cited = 0;
    for (name, text) in guides() {
        for line in text.lines() {
            // `chibo [--config PATH] COMMAND …`: the command has a help of its own.
            let mut words = line
                .split_whitespace()
                .skip_while(|w| *w != "chibo")
                .skip(1);
            let command = loop {
                match words.next() {
                    Some("--config") => {
                        words.next();
                    }
                    Some(w) if w.starts_with('-') => {}
                    other => break other,
                }
            };
            if let Some(command) = command.filter(|c| c.chars().all(|ch| ch.is_ascii_lowercase())) {
                helps.push_str(&help(&[command, "--help"]));
                cited += 1;
            }
        }
        for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
            if let Some(option) = word.strip_prefix("--") {
                assert!(
                    helps.contains(&format!("--{option}")),
                    "{name}: no option --{option}"
                );
            }
            let code_like = word.contains('-')
                && !word.starts_with('-')
                && [
                    "row-", "file-", "email-", "roster-", "report-", "rec-", "config-",
                ]
                .iter()
                .any(|p| word.starts_with(p));
            if code_like {
                assert!(codes.contains(&word), "{name}: no diagnostic code {word}");
            }
        }
    }
    assert!(cited >= 8, "the guides cite commands: {cited}");
}

/// Where the menu remembers its workspace in the prefix, for each of its users:
/// `%APPDATA%\chibo\workspace.txt` (Wine sets `APPDATA` to the profile's own folder,
/// whatever the test's environment says).
fn remembered(prefix: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(prefix.join("drive_c/users"))
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .join("AppData/Roaming/chibo/workspace.txt")
        })
        .collect()
}

/// `chibo.exe` double-clicked: the menu's whole month under Wine, the same session and
/// screen as on Linux (`tests/chibo/menu.rs`), with the workspace typed as `C:\…` and
/// remembered in `%APPDATA%`.
#[test]
fn the_menu_runs_the_month_as_on_linux() {
    let Some(wine) = wine() else { return };
    let (dir, c_dir) = wine.c_folder("menu");
    let ws = demo_in(&dir);
    // Nothing remembered from an earlier run: the session starts by asking.
    for file in remembered(&wine.prefix) {
        std::fs::remove_file(file).ok();
    }
    let cmd = wine.command(&[], &dir, &[]);
    let screen = crate::menu::demo_session(cmd, &format!(r"{c_dir}\demo"), &ws);
    crate::menu::assert_demo_screen(&screen);
    let kept: Vec<String> = remembered(&wine.prefix)
        .into_iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect();
    assert_eq!(kept, [format!("{c_dir}\\demo\n")]);
}

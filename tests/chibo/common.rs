//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chibo::model::Group;

/// The `chibo` binary built for these tests.
pub fn chibo(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chibo"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("run chibo")
}

/// A file of `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The default groups, keyed by code.
pub fn default_groups() -> std::collections::BTreeMap<String, Group> {
    Group::defaults()
        .into_iter()
        .map(|g| (g.code.clone(), g))
        .collect()
}

/// Standard output and error as text.
pub fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Whether an external tool the test needs is installed. Without it the test is skipped
/// with a note, except on CI (`CI` set), where `.ci/run` installs it and a missing tool
/// is a failure.
pub fn tool(program: &str, probe: &[&str]) -> bool {
    let ok = Command::new(program)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{program} is missing on CI: .ci/run must install it"
        );
        eprintln!("note: {program} is not installed; skipping this test");
    }
    ok
}

/// Converts `src` with headless LibreOffice to `ext` (`xlsx`, `ods`, `pdf`) in `out_dir`.
pub fn soffice(src: &Path, ext: &str, out_dir: &Path) -> PathBuf {
    let filter = match ext {
        "xlsx" => "xlsx:Calc MS Excel 2007 XML",
        "ods" => "ods:calc8",
        other => other,
    };
    let profile = format!(
        "-env:UserInstallation=file://{}/lo-profile",
        out_dir.display()
    );
    let out = Command::new("soffice")
        .args([
            profile.as_str(),
            "--headless",
            "--convert-to",
            filter,
            "--outdir",
        ])
        .arg(out_dir)
        .arg(src)
        .output()
        .expect("run soffice");
    assert!(out.status.success(), "soffice failed: {out:?}");
    out_dir.join(format!(
        "{}.{ext}",
        src.file_stem().unwrap().to_string_lossy()
    ))
}

/// Runs one of the Python helpers of `tests/tools/`.
pub fn python(script: &str, args: &[&std::ffi::OsStr]) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/tools")
        .join(script);
    let out = Command::new("python3")
        .arg(path)
        .args(args)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The `chibo` binary with extra environment variables.
pub fn chibo_env(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chibo"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("run chibo")
}

/// The demo province (`chibo init --demo`) created in `dir/demo`.
pub fn demo_in(dir: &Path) -> PathBuf {
    let ws = dir.join("demo");
    let out = chibo(&["init", "--demo", ws.to_str().unwrap()], dir);
    assert!(out.status.success(), "init --demo: {:?}", text(&out));
    ws
}

/// The demo province in a new temporary folder (kept while the guard lives).
pub fn demo_workspace() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let ws = demo_in(tmp.path());
    (tmp, ws)
}

/// Empties the workspace's inbox but for an empty folder of `month`, which it returns.
pub fn only_month(ws: &Path, month: &str) -> PathBuf {
    std::fs::remove_dir_all(ws.join("inbox")).unwrap();
    let folder = ws.join("inbox").join(month);
    std::fs::create_dir_all(&folder).unwrap();
    folder
}

/// The roster of the workspace at `ws`: rows carry the roster ids matching gave, and a
/// test names them by their codes through it.
pub fn roster(ws: &Path) -> chibo::roster::Roster {
    chibo::workspace::Workspace::load(&ws.join("chibo.toml"))
        .unwrap()
        .roster
}

/// Copies the folder `from` to `to`, with the files' modification times (the received
/// dates of reports without a `received.txt` line).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let path = e.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
            let mtime =
                filetime::FileTime::from_last_modification_time(&std::fs::metadata(&path).unwrap());
            filetime::set_file_mtime(&target, mtime).unwrap();
        }
    }
}

/// Every file under `dir` by its path relative to `dir`, with its bytes, for comparing
/// two states; the workspace lock's file is left out (who held it last says nothing of
/// the data).
pub fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, into: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                walk(base, &path, into);
            } else if !path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".chibo.lock")
            {
                let name = path.strip_prefix(base).unwrap().to_string_lossy();
                into.insert(name.into_owned(), std::fs::read(&path).unwrap());
            }
        }
    }
    let mut into = std::collections::BTreeMap::new();
    walk(dir, dir, &mut into);
    into
}

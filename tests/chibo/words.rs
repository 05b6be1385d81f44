//! What reaches a person from outside chibo's own code is said in Vietnamese (issue 17,
//! point 11): clap's help, usage and errors, and the operating system's errors (a full
//! disk), with the path and what to do.

use std::path::Path;

use crate::common::{chibo, demo_workspace, text};

/// Words clap or the OS would print in English.
const ENGLISH: [&str; 9] = [
    "Usage",
    "Options",
    "Commands",
    "Print help",
    "error:",
    "tip:",
    "For more information",
    "os error",
    "No space",
];

fn no_english(what: &str, printed: &str) {
    for word in ENGLISH {
        assert!(!printed.contains(word), "{what}: «{word}» in:\n{printed}");
    }
}

#[test]
fn help_and_mistakes_on_the_command_line_are_vietnamese() {
    let here = tempfile::tempdir().unwrap();
    for args in [&["--help"][..], &["run", "--help"], &["check", "-h"]] {
        let out = chibo(args, here.path());
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stdout.contains("Cách dùng: chibo"), "{args:?}:\n{stdout}");
        assert!(stdout.contains("-h, --help") && stdout.contains("In trợ giúp này"));
        no_english(&format!("{args:?}"), &stdout);
    }
    let version = chibo(&["--version"], here.path());
    assert_eq!(version.status.code(), Some(0));
    assert_eq!(
        text(&version).0,
        format!("chibo {}\n", env!("CARGO_PKG_VERSION"))
    );

    // Each mistake: its Vietnamese sentence, the usage of the command named, exit 2.
    for (args, said, usage) in [
        (
            &["runn"][..],
            "lỗi: không có lệnh «runn»; có phải ý là «run»?",
            "Cách dùng: chibo [TÙY CHỌN] <LỆNH>",
        ),
        (
            &["run"],
            "lỗi: thiếu «--month <YYYY-MM>»",
            "Cách dùng: chibo run --month YYYY-MM",
        ),
        (
            &["run", "--month", "2020-7x"],
            "lỗi: «--month <YYYY-MM>»: «2020-7x» không phải tháng dạng YYYY-MM (ví dụ 2020-07)",
            "Cách dùng: chibo run --month YYYY-MM",
        ),
        (
            &["template", "--mont", "2020-08"],
            "lỗi: không có tùy chọn «--mont»; có phải ý là «--month»?",
            "Cách dùng: chibo template --month YYYY-MM",
        ),
        (
            &["check"],
            "lỗi: thiếu «<TỆP>...»",
            "Cách dùng: chibo check [--json] TỆP|THƯ_MỤC...",
        ),
    ] {
        let out = chibo(args, here.path());
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert!(stderr.starts_with(said), "{args:?}:\n{stderr}");
        assert!(stderr.contains(usage), "{args:?}:\n{stderr}");
        no_english(&format!("{args:?}"), &stderr);
    }
    // Options but no command is a mistake that shows the usage line. (No arguments at
    // all is the menu: `menu.rs`.)
    let bare = chibo(&["-v"], here.path());
    assert_eq!(bare.status.code(), Some(2));
    let (_, stderr) = text(&bare);
    assert!(
        stderr.contains("Cách dùng: chibo [TÙY CHỌN] <LỆNH>"),
        "{stderr}"
    );
    no_english("no command", &stderr);
}

/// A tmpfs of `kib` KiB mounted on `at` while it lives (root only).
struct Tmpfs<'a>(&'a Path);

impl<'a> Tmpfs<'a> {
    fn mount(at: &'a Path, kib: u32) -> Option<Self> {
        std::fs::create_dir_all(at).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(at)
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then_some(Tmpfs(at))
    }
}

impl Drop for Tmpfs<'_> {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(self.0).output();
    }
}

#[test]
fn a_full_disk_is_said_in_vietnamese_with_the_path_and_what_to_do() {
    let (_guard, ws) = demo_workspace();
    let disk = ws.join("full");
    let Some(_mounted) = Tmpfs::mount(&disk, 16) else {
        // Mounting needs root (CI runs as root); elsewhere the unit tests of
        // `os_error` hold the words.
        eprintln!("note: cannot mount a tmpfs here; skipping the full-disk test");
        return;
    };
    let config = ws.join("chibo.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    let toml = toml.replace("out = \"out\"", "out = \"full\"");
    std::fs::write(&config, toml).unwrap();
    let out = chibo(&["run", "--month", "2020-07", "--no-email"], &ws);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(3), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("ổ đĩa đã đầy; hãy giải phóng chỗ trống rồi chạy lại"),
        "{stderr}"
    );
    assert!(stderr.contains("full"), "the path is named: {stderr}");
    no_english("full disk", &stderr);
    // With -v the OS's number is given, not its English words.
    let out = chibo(&["-v", "run", "--month", "2020-07", "--no-email"], &ws);
    let (_, stderr) = text(&out);
    assert!(
        stderr.contains("nguyên nhân: mã lỗi hệ điều hành 28"),
        "{stderr}"
    );
    no_english("full disk, -v", &stderr);
}

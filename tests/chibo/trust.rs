//! Outputs you can trust, with real processes: one chibo at a time per workspace (a
//! second one waits, then names the holder; a lock left by a killed process does not
//! block), and a month's outputs replaced as one set whatever moment a kill comes
//! (`CHIBO_TEST_PAUSE` stops a process between two steps so that the test can kill it).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::{chibo, chibo_env, copy_dir, demo_in, demo_workspace as demo, text};

const MONTH: &str = "2020-07";

/// A chibo process stopped at a pause point, its standard input held open.
pub(crate) struct Paused {
    child: Child,
    stderr: mpsc::Receiver<String>,
}

impl Paused {
    /// Starts `chibo args` in `ws` and waits until it stands at `point`.
    fn at(point: &str, args: &[&str], ws: &Path, env: &[(&str, &str)]) -> Paused {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_chibo"));
        cmd.args(args)
            .current_dir(ws)
            .env("NO_COLOR", "1")
            .envs(env.iter().copied());
        Paused::start(cmd, point)
    }

    /// Starts `cmd` (a chibo, native or under Wine) and waits until it stands at
    /// `point`; standard error is read on (a line end of either system).
    pub(crate) fn start(mut cmd: Command, point: &str) -> Paused {
        let mut child = cmd
            .env(chibo::pause::VAR, point)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chibo");
        let (tx, rx) = mpsc::channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let Ok(line) = line else { break };
                if tx.send(line.trim_end().to_owned()).is_err() {
                    break;
                }
            }
        });
        let marker = format!("{} {point}", chibo::pause::VAR);
        let mut seen = Vec::new();
        loop {
            match rx.recv_timeout(Duration::from_secs(120)) {
                Ok(line) if line == marker => break,
                Ok(line) => seen.push(line),
                Err(e) => panic!("{cmd:?} never reached {point} ({e}): {seen:?}"),
            }
        }
        Paused { child, stderr: rx }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Lets it go on to the end; its exit status and what it wrote on standard error.
    pub(crate) fn go_on(mut self) -> (Option<i32>, String) {
        drop(self.child.stdin.take());
        let status = self.child.wait().unwrap();
        (
            status.code(),
            self.stderr.try_iter().collect::<Vec<_>>().join("\n"),
        )
    }

    /// Kills it (SIGKILL on Unix) where it stands.
    pub(crate) fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// Every file under `dir` by its path relative to `dir`, with its bytes; `None` when
/// `dir` does not exist.
fn tree(dir: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    fn walk(base: &Path, dir: &Path, into: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            let name = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                into.insert(format!("{name}/"), Vec::new());
                walk(base, &path, into);
            } else {
                into.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    dir.is_dir().then(|| {
        let mut files = BTreeMap::new();
        walk(dir, dir, &mut files);
        files
    })
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_second_process_waits_then_names_the_command_holding_the_workspace() {
    let (_tmp, ws) = demo();
    let first = Paused::at("locked", &["run", "--month", MONTH], &ws, &[]);
    let holder = format!("«chibo run --month {MONTH}» (tiến trình {})", first.pid());
    let started = Instant::now();
    let others: Vec<(Vec<&str>, std::thread::JoinHandle<std::process::Output>)> = [
        vec!["run", "--month", MONTH],
        vec!["send", "--month", MONTH],
        vec!["template", "--month", "2020-08"],
    ]
    .into_iter()
    .map(|args| {
        let ws = ws.clone();
        let owned: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let handle = std::thread::spawn(move || {
            let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
            chibo(&refs, &ws)
        });
        (args, handle)
    })
    .collect();
    // `check` only reads: it does not wait.
    let check = chibo(&["check", "-q", &format!("inbox/{MONTH}")], &ws);
    assert_eq!(check.status.code(), Some(1), "{:?}", text(&check));
    assert!(started.elapsed() < chibo::lock::WAIT, "check waited");
    for (args, handle) in others {
        let out = handle.join().unwrap();
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "chibo: không gian làm việc đang bận: lệnh {holder} đang chạy từ "
            )) && stderr.contains("; hãy chờ lệnh đó xong rồi chạy lại"),
            "{args:?}: {stderr}"
        );
    }
    assert!(started.elapsed() >= chibo::lock::WAIT, "they waited");
    assert!(!ws.join("out/2020-08").exists(), "the template waited");
    let (code, _) = first.go_on();
    assert_eq!(code, Some(1), "the holder ends as usual (data errors)");
}

#[test]
fn a_second_process_goes_on_when_the_first_finishes_within_the_wait() {
    let (_tmp, ws) = demo();
    let first = Paused::at("locked", &["run", "--month", MONTH], &ws, &[]);
    let pid = first.pid();
    let second = {
        let ws = ws.clone();
        std::thread::spawn(move || chibo(&["run", "--month", MONTH], &ws))
    };
    std::thread::sleep(Duration::from_secs(1));
    let (code, _) = first.go_on();
    assert_eq!(code, Some(1));
    let out = second.join().unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "chibo: lệnh «chibo run --month {MONTH}» (tiến trình {pid}) đang chạy từ "
        )) && stderr.contains("chờ tối đa 5 giây…"),
        "{stderr}"
    );
    assert!(!stderr.contains("đang bận"), "{stderr}");
    assert_eq!(names(&ws.join("out")), [MONTH]);
}

#[test]
fn a_lock_left_by_a_killed_process_does_not_block() {
    let (_tmp, ws) = demo();
    let first = Paused::at("locked", &["run", "--month", MONTH], &ws, &[]);
    let pid = first.pid();
    first.kill();
    assert!(ws.join(chibo::lock::LOCK_FILE).exists());
    let holder = std::fs::read_to_string(ws.join(chibo::lock::HOLDER_FILE)).unwrap();
    assert!(holder.contains(&format!("\"pid\":{pid}")), "{holder}");
    let started = Instant::now();
    let out = chibo(&["run", "--month", MONTH], &ws);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        !stderr.contains("đang chạy từ"),
        "it did not wait: {stderr}"
    );
    assert!(started.elapsed() < chibo::lock::WAIT);
}

/// The demo after a first run of July: a workspace whose `out/2020-07/` is the old set,
/// holding also a temporary file such as a process killed while writing leaves.
fn with_old_set(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let ws = demo_in(dir);
    assert_eq!(
        chibo(&["run", "-q", "--month", MONTH], &ws).status.code(),
        Some(1)
    );
    std::fs::write(
        ws.join("out").join(MONTH).join("outbox/.chibo-a1b2c3.tmp"),
        "half an .error note",
    )
    .unwrap();
    ws
}

/// Changes the inputs so that the workbook, the summary and every email change.
fn change_inputs(ws: &Path) {
    let config = std::fs::read_to_string(ws.join("chibo.toml")).unwrap();
    let changed = config.replacen("province = \"Sơn La\"", "province = \"Lai Châu\"", 1);
    assert_ne!(config, changed);
    std::fs::write(ws.join("chibo.toml"), changed).unwrap();
}

/// Nothing of a set being replaced is left in `out/`, nor any temporary file.
fn assert_no_leftovers(ws: &Path) {
    assert_eq!(names(&ws.join("out")), [MONTH]);
    let set = tree(&ws.join("out").join(MONTH)).unwrap();
    let temporaries: Vec<&String> = set.keys().filter(|k| k.contains(".chibo-")).collect();
    assert!(temporaries.is_empty(), "{temporaries:?}");
}

#[test]
fn a_kill_between_two_steps_of_the_swap_leaves_one_whole_set() {
    let tmp = tempfile::tempdir().unwrap();
    let base = with_old_set(&tmp.path().join("base"));
    let old = tree(&base.join("out").join(MONTH)).unwrap();
    // The new set, from the same changed inputs run to the end in a copy.
    let reference = tmp.path().join("reference");
    copy_dir(&base, &reference);
    change_inputs(&reference);
    assert_eq!(
        chibo(&["run", "-q", "--month", MONTH], &reference)
            .status
            .code(),
        Some(1)
    );
    let new = tree(&reference.join("out").join(MONTH)).unwrap();
    assert!(
        [
            "tong-hop-2020-07.xlsx",
            "summary.json",
            "outbox/01-thuong-vu.eml",
            "outbox/02-don-vi-YC.eml"
        ]
        .iter()
        .all(|f| old[*f] != new[*f]),
        "every part of the set changes"
    );
    assert!(
        old.contains_key("outbox/.chibo-a1b2c3.tmp") && !new.keys().any(|k| k.contains(".chibo-"))
    );

    for point in ["staged", "committed", "moved-aside", "swapped"] {
        let ws = tmp.path().join(point);
        copy_dir(&base, &ws);
        change_inputs(&ws);
        Paused::at(point, &["run", "-q", "--month", MONTH], &ws, &[]).kill();
        let out = ws.join("out");
        let live = tree(&out.join(MONTH));
        let side = |kind: &str| tree(&out.join(format!(".{MONTH}.{kind}")));
        // What the kill left, step by step.
        match point {
            "staged" => {
                assert!(live.as_ref() == Some(&old), "{point}: the old set in place");
                assert!(
                    side("new").is_some(),
                    "{point}: an unfinished new set beside it"
                );
            }
            "committed" => {
                assert!(live.as_ref() == Some(&old), "{point}: the old set in place");
                assert!(
                    side("ready") == Some(new.clone()),
                    "{point}: the whole new set beside it"
                );
            }
            "moved-aside" => {
                assert!(live.is_none(), "{point}: the month's folder is moved aside");
                assert!(
                    side("old") == Some(old.clone()),
                    "{point}: the old set whole"
                );
                assert!(
                    side("ready") == Some(new.clone()),
                    "{point}: the new set whole"
                );
            }
            _ => {
                assert!(live.as_ref() == Some(&new), "{point}: the new set in place");
                assert!(
                    side("old") == Some(old.clone()),
                    "{point}: the old set beside it"
                );
            }
        }
        if point == "moved-aside" {
            // Any command under the lock applies the recovery rule first: `template`
            // then writes into the new set, not into a folder of its own.
            let t = chibo(&["template", "-q", "--month", MONTH, "--unit", "YC"], &ws);
            assert_eq!(t.status.code(), Some(0), "{:?}", text(&t));
            let mut after = tree(&out.join(MONTH)).unwrap();
            assert!(after.remove("mau/").is_some() && after.remove("mau/YC.xlsx").is_some());
            assert!(after == new, "{point}: recovered to the new set");
            assert_no_leftovers(&ws);
        }
        // The next run recovers, then replaces the set again: the new one, and nothing
        // of the killed run is left.
        assert_eq!(
            chibo(&["run", "-q", "--month", MONTH], &ws).status.code(),
            Some(1),
            "{point}"
        );
        let mut after = tree(&out.join(MONTH)).unwrap();
        after.remove("mau/");
        after.remove("mau/YC.xlsx");
        assert!(after == new, "{point}: the next run gives the new set");
        assert_no_leftovers(&ws);
    }
}

#[test]
fn delivery_history_survives_a_rerun_and_a_kill_in_the_swap() {
    use crate::email::{PASSWORD, Server, certificates, free_port, smtp_demo, tools};
    if !tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificates(tmp.path());
    let port = free_port();
    let server = Server::start(port, tmp.path(), &cert, &key);
    let ws = smtp_demo(tmp.path(), port, &ca);
    let run = chibo_env(&["run", "-q", "--month", MONTH], &ws, &[PASSWORD]);
    assert_eq!(run.status.code(), Some(1), "{:?}", text(&run));
    assert_eq!(server.received().len(), 5);
    let log = ws.join("out").join(MONTH).join("outbox/delivered.log");
    let first_log = std::fs::read_to_string(&log).unwrap();
    assert_eq!(first_log.lines().count(), 5);

    // Yên Châu's office gets a new address: only its email changes.
    let config = chibo::config::Config::load(&ws.join("chibo.toml")).unwrap();
    let (roster, _) = chibo::roster::load(&config.roster, "roster.xlsx", &config.groups).unwrap();
    let mut units = roster.units.clone();
    units.iter_mut().find(|u| u.code == "YC").unwrap().emails = vec!["moi.yc@example.vn".into()];
    let roster = chibo::roster::Roster::new(
        units,
        roster.cells.clone(),
        roster.cadres.clone(),
        roster.assignment_rows(),
    );
    std::fs::write(
        ws.join("roster.xlsx"),
        chibo::report::roster::to_xlsx(&roster).unwrap(),
    )
    .unwrap();

    // Killed with the old set moved aside: nothing went out.
    Paused::at(
        "moved-aside",
        &["run", "-q", "--month", MONTH],
        &ws,
        &[PASSWORD],
    )
    .kill();
    assert!(!ws.join("out").join(MONTH).exists());
    assert_eq!(server.received().len(), 5);

    // `send` recovers the new set and delivers what is new in it, once.
    let send = chibo_env(&["send", "--month", MONTH], &ws, &[PASSWORD]);
    let (stdout, stderr) = text(&send);
    assert_eq!(send.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("đã gửi 1, trước đó đã gửi 4"), "{stdout}");
    let received = server.received();
    assert_eq!(received.len(), 6);
    assert_eq!(
        received[5]["rcpt_tos"],
        serde_json::json!(["moi.yc@example.vn"])
    );
    let log_after = std::fs::read_to_string(&log).unwrap();
    assert!(
        log_after.starts_with(&first_log),
        "the history is kept as it was"
    );
    assert_eq!(log_after.lines().count(), 6);

    // A re-run sends nothing again.
    let again = chibo_env(&["run", "--month", MONTH], &ws, &[PASSWORD]);
    assert!(
        text(&again).0.contains("đã gửi 0, trước đó đã gửi 5"),
        "{:?}",
        text(&again)
    );
    assert_eq!(server.received().len(), 6);
    assert_no_leftovers(&ws);
}

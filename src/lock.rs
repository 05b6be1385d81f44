//! One chibo process at a time per workspace: `run`, `send`, `template` and `collect` hold an
//! exclusive operating-system lock on `.chibo.lock` in the workspace folder for as long
//! as they run. The lock is advisory and belongs to the open file, so the system drops it
//! when the process ends, however it ends: a lock file left by a killed process never
//! blocks. A second process retries for [`WAIT`], then gives up with
//! [`crate::Error::WorkspaceBusy`], naming the command that holds the lock and since when.
//!
//! Who holds the lock is written, after locking, to `.chibo.lock.holder` beside it (not
//! into the locked file: on Windows a locked file cannot be read by another process).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::Error;

/// The lock file, in the workspace folder.
pub const LOCK_FILE: &str = ".chibo.lock";
/// Who holds the lock, beside it.
pub const HOLDER_FILE: &str = ".chibo.lock.holder";
/// How long a second process waits for the lock before giving up.
pub const WAIT: Duration = Duration::from_secs(5);
/// How often it tries again meanwhile.
const POLL: Duration = Duration::from_millis(100);

/// The process holding a workspace's lock, as it wrote itself down.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// Its command line, `chibo run --month 2020-07`.
    pub command: String,
    /// Its process id.
    pub pid: u32,
    /// When it took the lock, RFC 3339 in the machine's offset.
    pub since: String,
}

impl Holder {
    /// `since` as people read it: `11:20:05 ngày 06/12/2026`, else as written.
    pub fn since_shown(&self) -> String {
        chrono::DateTime::parse_from_rfc3339(&self.since).map_or_else(
            |_| self.since.clone(),
            |t| t.format("%H:%M:%S ngày %d/%m/%Y").to_string(),
        )
    }
}

/// A held workspace lock; dropping it (or the process ending) releases it.
#[derive(Debug)]
pub struct WorkspaceLock {
    _file: Option<std::fs::File>,
}

/// Takes the lock of the workspace of `config_path` for `command`, waiting up to [`WAIT`];
/// `on_wait` is told once, with the holder if known, when the lock is found taken.
/// Without a configuration file there is no workspace to lock: the command fails on
/// its configuration instead, and nothing is created.
///
/// # Errors
/// [`Error::WorkspaceBusy`] when another process keeps the lock past the wait;
/// [`Error::Io`] when the lock file cannot be created or locked.
pub fn acquire(
    config_path: &Path,
    command: &str,
    on_wait: &mut dyn FnMut(Option<&Holder>),
) -> Result<WorkspaceLock, Error> {
    acquire_waiting(config_path, command, WAIT, on_wait)
}

/// [`acquire`] with the wait given.
fn acquire_waiting(
    config_path: &Path,
    command: &str,
    wait: Duration,
    on_wait: &mut dyn FnMut(Option<&Holder>),
) -> Result<WorkspaceLock, Error> {
    if !config_path.is_file() {
        return Ok(WorkspaceLock { _file: None });
    }
    let dir = match config_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let path = dir.join(LOCK_FILE);
    let io = |source| Error::Io {
        path: path.clone(),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io)?;
    let start = Instant::now();
    let mut told = false;
    loop {
        // Called through the trait: newer Rust has an inherent `File::try_lock` too.
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => break,
            Err(fs4::TryLockError::WouldBlock) => {}
            Err(fs4::TryLockError::Error(e)) => return Err(io(e)),
        }
        if !told {
            on_wait(read_holder(&dir).as_ref());
            told = true;
        }
        if start.elapsed() >= wait {
            let holder = read_holder(&dir);
            return Err(Error::WorkspaceBusy { dir, holder });
        }
        std::thread::sleep(POLL);
    }
    let holder = Holder {
        command: command.to_owned(),
        pid: std::process::id(),
        since: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
    };
    write_holder(&dir.join(HOLDER_FILE), &holder).map_err(|source| Error::Io {
        path: dir.join(HOLDER_FILE),
        source,
    })?;
    crate::pause::point("locked");
    Ok(WorkspaceLock { _file: Some(file) })
}

/// The command line `args` (the program's name first) as people would type it, `chibo`
/// first.
pub fn command_line(args: &[std::ffi::OsString]) -> String {
    std::iter::once("chibo".to_owned())
        .chain(args.iter().skip(1).map(|a| {
            let a = a.to_string_lossy().into_owned();
            if a.is_empty() || a.contains(char::is_whitespace) {
                format!("\"{a}\"")
            } else {
                a
            }
        }))
        .collect::<Vec<_>>()
        .join(" ")
}

fn write_holder(path: &Path, holder: &Holder) -> std::io::Result<()> {
    // Written in place, under the lock: the holder file is read only while the lock is
    // taken, by a process that gives up the lock to none.
    let mut f = std::fs::File::create(path)?;
    f.write_all(&serde_json::to_vec(holder).expect("a holder serializes"))?;
    f.write_all(b"\n")
}

fn read_holder(dir: &Path) -> Option<Holder> {
    let bytes = std::fs::read(dir.join(HOLDER_FILE)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("chibo.toml");
        std::fs::write(&config, "province = \"X\"\n").unwrap();
        (dir, config)
    }

    #[test]
    fn a_second_holder_waits_then_is_told_who_holds_it() {
        let (_dir, config) = workspace();
        let held = acquire_waiting(&config, "chibo run --month 2020-07", WAIT, &mut |_| {
            panic!("free")
        })
        .unwrap();
        let mut seen = None;
        let start = Instant::now();
        let err = acquire_waiting(
            &config,
            "chibo send",
            Duration::from_millis(300),
            &mut |h| {
                seen = h.cloned();
            },
        )
        .unwrap_err();
        assert!(start.elapsed() >= Duration::from_millis(300));
        let Error::WorkspaceBusy { holder, .. } = &err else {
            panic!("{err:?}")
        };
        let holder = holder.as_ref().unwrap();
        assert_eq!(seen.as_ref(), Some(holder));
        assert_eq!(holder.command, "chibo run --month 2020-07");
        assert_eq!(holder.pid, std::process::id());
        let message = err.to_string();
        assert!(
            message.contains("«chibo run --month 2020-07»")
                && message.contains(&holder.since_shown()),
            "{message}"
        );
        drop(held);
        acquire_waiting(&config, "chibo send", Duration::ZERO, &mut |_| {
            panic!("released")
        })
        .unwrap();
    }

    #[test]
    fn no_configuration_no_lock_file() {
        let dir = tempfile::tempdir().unwrap();
        acquire(&dir.path().join("chibo.toml"), "chibo run", &mut |_| {}).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn times_are_shown_the_vietnamese_way() {
        let h = Holder {
            command: "chibo run".into(),
            pid: 1,
            since: "2026-12-06T11:20:05+07:00".into(),
        };
        assert_eq!(h.since_shown(), "11:20:05 ngày 06/12/2026");
    }
}

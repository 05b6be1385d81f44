//! A month's outputs replaced as one set. The set is the folder `out/YYYY-MM/`: the
//! workbook, `summary.json`, the outbox with its delivery history, and whatever else is
//! there (the templates in `mau/`). A run never writes into it. It builds the complete
//! new folder beside it, under a name that says how far it got, then swaps the two with
//! renames:
//!
//! 1. `.YYYY-MM.new`: a copy of the current folder (hard links where the file system
//!    has them; temporary files of a killed process left out), then the new files
//!    written into it. Everything written is synced.
//! 2. renamed `.YYYY-MM.ready`: the new set is complete (the commit point).
//! 3. `YYYY-MM` renamed `.YYYY-MM.old`.
//! 4. `.YYYY-MM.ready` renamed `YYYY-MM`.
//! 5. `.YYYY-MM.old` removed.
//!
//! The recovery rule, which every command that takes the workspace lock applies to every
//! month before it reads or writes `out/` ([`recover`]): a `.new` folder is unfinished
//! and removed (the month keeps its old set); a `.ready` folder is complete and is put in
//! place of the month's folder (steps 3 and 4 done again as far as needed); an `.old`
//! folder is removed once the month's folder exists, and put back if it does not. So a
//! kill at any moment leaves the old set or the new one, whole, once the next command
//! has started; between steps 3 and 4 the month's folder is missing until then.

use std::io;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::pause;

const NEW: &str = "new";
const READY: &str = "ready";
const OLD: &str = "old";
/// The prefix of the temporary files of [`crate::output::write_atomic`].
pub const TEMPORARY_PREFIX: &str = ".chibo-";

/// A month's new set being built, in `out/.YYYY-MM.new`.
pub struct Staged {
    out: PathBuf,
    month: String,
    dir: PathBuf,
}

fn side(out: &Path, month: &str, kind: &str) -> PathBuf {
    out.join(format!(".{month}.{kind}"))
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Starts the new set of `out/<month>/`: recovers what a killed process left for that
/// month, then copies the current folder but for the top-level names in `replaced` (and
/// temporary files) into `out/.<month>.new`.
///
/// # Errors
/// A folder or file that cannot be read, copied or removed.
pub fn stage(out: &Path, month: &str, replaced: &[&str]) -> Result<Staged, Error> {
    recover_month(out, month)?;
    let dir = side(out, month, NEW);
    std::fs::create_dir_all(&dir).map_err(io_at(&dir))?;
    let live = out.join(month);
    if live.is_dir() {
        copy_tree(&live, &dir, replaced)?;
    }
    Ok(Staged {
        out: out.to_path_buf(),
        month: month.to_owned(),
        dir,
    })
}

impl Staged {
    /// The folder to write the new set into.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Puts the new set in place of the month's folder, which it returns. A failure
    /// before the swap leaves the old set; one during it is undone, or left to
    /// [`recover`].
    ///
    /// # Errors
    /// A folder that cannot be synced or renamed.
    pub fn commit(self) -> Result<PathBuf, Error> {
        pause::point("staged");
        sync_tree(&self.dir)?;
        let ready = side(&self.out, &self.month, READY);
        std::fs::rename(&self.dir, &ready).map_err(io_at(&ready))?;
        sync_dir(&self.out)?;
        pause::point("committed");
        let live = self.out.join(&self.month);
        let old = side(&self.out, &self.month, OLD);
        if live.exists() {
            if let Err(e) = std::fs::rename(&live, &old) {
                // Undone: the new set goes back to unfinished before it is removed, so
                // that a kill meanwhile never leaves a partial `.ready`.
                if std::fs::rename(&ready, &self.dir).is_ok() {
                    let _ = std::fs::remove_dir_all(&self.dir);
                }
                return Err(io_at(&live)(e));
            }
            pause::point("moved-aside");
        }
        if let Err(e) = std::fs::rename(&ready, &live) {
            let _ = std::fs::rename(&old, &live);
            return Err(io_at(&live)(e));
        }
        sync_dir(&self.out)?;
        pause::point("swapped");
        // What fails here is removed by the next command's recovery.
        let _ = std::fs::remove_dir_all(&old);
        Ok(live)
    }
}

impl Drop for Staged {
    /// A set given up before its commit (a write failed) is removed at once; one that
    /// was committed is no longer there.
    fn drop(&mut self) {
        if self.dir.exists() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Applies the recovery rule (see the module) to every month of `out` that a killed
/// process left unfinished.
///
/// # Errors
/// A folder that cannot be renamed or removed.
pub fn recover(out: &Path) -> Result<(), Error> {
    let entries = match std::fs::read_dir(out) {
        Ok(d) => d,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_at(out)(e)),
    };
    let mut months: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let (month, kind) = name.strip_prefix('.')?.rsplit_once('.')?;
            // Only a month's sides: another hidden folder of `out/` is not chibo's.
            let ours = [NEW, READY, OLD].contains(&kind)
                && crate::model::YearMonth::parse(month).is_some_and(|m| m.to_string() == month);
            ours.then(|| month.to_owned())
        })
        .collect();
    months.sort();
    months.dedup();
    for month in months {
        recover_month(out, &month)?;
    }
    Ok(())
}

fn recover_month(out: &Path, month: &str) -> Result<(), Error> {
    let new = side(out, month, NEW);
    let ready = side(out, month, READY);
    let old = side(out, month, OLD);
    let live = out.join(month);
    if new.symlink_metadata().is_ok() {
        remove(&new)?;
    }
    if ready.exists() {
        if live.exists() {
            if old.symlink_metadata().is_ok() {
                remove(&old)?;
            }
            std::fs::rename(&live, &old).map_err(io_at(&live))?;
        }
        std::fs::rename(&ready, &live).map_err(io_at(&live))?;
        sync_dir(out)?;
    }
    if old.exists() {
        if live.exists() {
            remove(&old)?;
        } else {
            std::fs::rename(&old, &live).map_err(io_at(&live))?;
            sync_dir(out)?;
        }
    }
    Ok(())
}

/// Removes a side left behind, a folder or (not made by chibo) anything else.
fn remove(path: &Path) -> Result<(), Error> {
    let folder = path.symlink_metadata().is_ok_and(|m| m.is_dir());
    if folder {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    }
    .map_err(io_at(path))
}

/// Copies folder `from` into the existing folder `to`, leaving out temporary files and
/// the top-level names in `skip`. Files are hard links where the file system has them
/// (nothing writes into a staged file in place: new files replace them by rename, and
/// `delivered.log` is appended to only in the month's folder once the set is in place,
/// when the old one is being removed), else copies, each synced.
fn copy_tree(from: &Path, to: &Path, skip: &[&str]) -> Result<(), Error> {
    for entry in std::fs::read_dir(from).map_err(io_at(from))? {
        let entry = entry.map_err(io_at(from))?;
        let name = entry.file_name();
        let text = name.to_string_lossy();
        if text.starts_with(TEMPORARY_PREFIX) || skip.contains(&text.as_ref()) {
            continue;
        }
        let src = entry.path();
        let dst = to.join(&name);
        let kind = entry.file_type().map_err(io_at(&src))?;
        if kind.is_dir() {
            std::fs::create_dir(&dst).map_err(io_at(&dst))?;
            copy_tree(&src, &dst, &[])?;
        } else if kind.is_symlink() && cfg!(unix) {
            #[cfg(unix)]
            {
                let target = std::fs::read_link(&src).map_err(io_at(&src))?;
                std::os::unix::fs::symlink(target, &dst).map_err(io_at(&dst))?;
            }
        } else if std::fs::hard_link(&src, &dst).is_err() {
            // A file system without hard links (FAT on a USB stick) gets a copy.
            std::fs::copy(&src, &dst).map_err(io_at(&src))?;
            std::fs::OpenOptions::new()
                .write(true)
                .open(&dst)
                .and_then(|f| f.sync_all())
                .map_err(io_at(&dst))?;
        }
    }
    Ok(())
}

/// Syncs `dir` and every folder under it, so that the names written in them last.
fn sync_tree(dir: &Path) -> Result<(), Error> {
    for entry in std::fs::read_dir(dir).map_err(io_at(dir))? {
        let entry = entry.map_err(io_at(dir))?;
        if entry.file_type().map_err(io_at(dir))?.is_dir() {
            sync_tree(&entry.path())?;
        }
    }
    sync_dir(dir)
}

/// Syncs a folder's entries.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<(), Error> {
    std::fs::File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(io_at(dir))
}

/// Windows cannot open a folder as a file; NTFS journals its renames.
#[cfg(not(unix))]
#[allow(clippy::unnecessary_wraps)] // the signature of the Unix version
fn sync_dir(_dir: &Path) -> Result<(), Error> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
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
    fn a_new_set_keeps_what_it_does_not_replace_and_drops_temporaries() {
        let out = tempfile::tempdir().unwrap();
        let live = out.path().join("2020-07");
        write(&live.join("summary.json"), "old");
        write(&live.join("mau/YC.xlsx"), "template");
        write(&live.join("outbox/delivered.log"), "id\n");
        write(&live.join("outbox/.chibo-1.tmp"), "half");
        write(&live.join(".chibo-2.tmp"), "half");
        let staged = stage(out.path(), "2020-07", &["summary.json"]).unwrap();
        assert!(!staged.dir().join("summary.json").exists());
        write(&staged.dir().join("summary.json"), "new");
        assert_eq!(read(&live.join("summary.json")), "old");
        assert_eq!(staged.commit().unwrap(), live);
        assert_eq!(read(&live.join("summary.json")), "new");
        assert_eq!(read(&live.join("mau/YC.xlsx")), "template");
        assert_eq!(names(&live.join("outbox")), ["delivered.log"]);
        assert_eq!(names(&live), ["mau", "outbox", "summary.json"]);
        assert_eq!(names(out.path()), ["2020-07"]);
    }

    #[test]
    fn a_set_given_up_leaves_nothing() {
        let out = tempfile::tempdir().unwrap();
        write(&out.path().join("2020-07/summary.json"), "old");
        let staged = stage(out.path(), "2020-07", &["summary.json"]).unwrap();
        write(&staged.dir().join("summary.json"), "new");
        drop(staged);
        assert_eq!(names(out.path()), ["2020-07"]);
        assert_eq!(read(&out.path().join("2020-07/summary.json")), "old");
    }

    #[test]
    fn recovery_leaves_other_hidden_folders_alone() {
        let out = tempfile::tempdir().unwrap();
        write(&out.path().join(".backup.old/a.txt"), "mine");
        write(&out.path().join("backup/b.txt"), "mine too");
        write(&out.path().join(".2020-07.new"), "a file, not a folder");
        recover(out.path()).unwrap();
        assert_eq!(names(out.path()), [".backup.old", "backup"]);
    }

    #[test]
    fn the_first_set_of_a_month() {
        let out = tempfile::tempdir().unwrap();
        let staged = stage(out.path(), "2020-07", &[]).unwrap();
        write(&staged.dir().join("summary.json"), "new");
        staged.commit().unwrap();
        assert_eq!(read(&out.path().join("2020-07/summary.json")), "new");
        assert_eq!(names(out.path()), ["2020-07"]);
    }

    /// Each state a kill can leave (folders with their summary), and the summary in
    /// place after recovery, with nothing else left in `out/`.
    #[test]
    fn recovery_resolves_every_state_to_one_whole_set() {
        type Case<'a> = (&'a [(&'a str, &'a str)], Option<&'a str>);
        let cases: [Case; 7] = [
            (&[("2020-07", "old"), (".2020-07.new", "half")], Some("old")),
            (
                &[("2020-07", "old"), (".2020-07.ready", "new")],
                Some("new"),
            ),
            (
                &[(".2020-07.old", "old"), (".2020-07.ready", "new")],
                Some("new"),
            ),
            (&[("2020-07", "new"), (".2020-07.old", "old")], Some("new")),
            (&[(".2020-07.old", "old")], Some("old")),
            (&[(".2020-07.new", "half")], None),
            (&[(".2020-07.ready", "new")], Some("new")),
        ];
        for (present, expected) in cases {
            let out = tempfile::tempdir().unwrap();
            for (name, text) in present {
                write(&out.path().join(name).join("summary.json"), text);
            }
            recover(out.path()).unwrap();
            match expected {
                None => assert!(names(out.path()).is_empty(), "{present:?}"),
                Some(text) => {
                    assert_eq!(names(out.path()), ["2020-07"], "{present:?}");
                    let summary = read(&out.path().join("2020-07/summary.json"));
                    assert_eq!(summary, text, "{present:?}");
                }
            }
        }
    }
}

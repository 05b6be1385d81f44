//! `chibo check FILE|FOLDER|PATTERN...`: a unit (or the office) validates submissions
//! before the run.
//!
//! Outside a workspace only structure and values are checked; inside one (a
//! `chibo.toml` in the current folder, or `--config`) rows are matched to the roster, the
//! month comes from the file or its month folder, and each file is judged against the
//! year's other files as `run` judges it.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::Error;
use crate::diagnostic::{Code, Diagnostic};
use crate::matching::Matcher;
use crate::model::YearMonth;
use crate::reconcile::InboxFile;
use crate::submission::{self, Context, FileStatus, Submission};
use crate::workspace::{Workspace, shown_path};

/// What `check` found: each file read, and the notices about folder entries it left
/// alone.
pub struct Checked {
    /// The files, in the order given (a folder's or a pattern's in path order).
    pub files: Vec<Submission>,
    /// Subfolders, links and other entries of the folders given, not followed.
    pub notes: Vec<Diagnostic>,
}

/// Checks `args` (files, folders, and patterns such as `inbox/2020-07/*.xlsx` that a
/// Windows console passes unexpanded) in the workspace of `config` when there is one:
/// `--config` given (`explicit`), or a `chibo.toml` at that path; otherwise outside any
/// workspace.
///
/// # Errors
/// The workspace's configuration or roster cannot be used, a folder cannot be read, or
/// a pattern matches nothing.
pub fn check_files(args: &[PathBuf], config: &Path, explicit: bool) -> Result<Checked, Error> {
    let workspace = if explicit || config.exists() {
        Some(Workspace::load(config)?)
    } else {
        None
    };
    let root = workspace.as_ref().map(|w| w.config.root.as_path());
    let (files, notes) = expand(args, root)?;
    let mut files = check(&files, workspace.as_ref());
    if let Some(ws) = &workspace {
        against_the_year(ws, &mut files)?;
    }
    Ok(Checked { files, notes })
}

/// Checks `files` inside the workspace `ws` as [`check_files`] does (against the
/// year's other files too), for `collect`'s receipts.
///
/// # Errors
/// A month folder or file of the year cannot be read.
pub fn check_in(ws: &Workspace, files: &[PathBuf]) -> Result<Vec<Submission>, Error> {
    let mut checked = check(files, Some(ws));
    against_the_year(ws, &mut checked)?;
    Ok(checked)
}

/// What `run` finds about a file only against the year's other files.
const YEAR_CODES: &[Code] = &[
    Code::RowDuplicate,
    Code::RowOutsideArea,
    Code::RecUnknownCode,
    Code::FileDuplicate,
    Code::FileSuperseded,
];

/// Adds to each file read what `run` reports about it against the other files of its
/// year (SPEC §9: inside a workspace `check` reports everything `run` would): rows
/// repeating a row of the same file or of an earlier one, attendance outside the
/// cadre's area, recommendation codes not in the register, and a newer or identical
/// version of the unit's report. A file that is not in its month folder is taken as if
/// it arrived now, after every file there.
///
/// # Errors
/// A month folder or file of the year cannot be read.
fn against_the_year(ws: &Workspace, files: &mut [Submission]) -> Result<(), Error> {
    let mut years: BTreeMap<YearMonth, Vec<InboxFile>> = BTreeMap::new();
    for s in files.iter_mut() {
        let (Some(month), FileStatus::Read) = (s.identity.month, s.status) else {
            continue;
        };
        let mut year = match years.entry(month) {
            Entry::Occupied(read) => read.get().clone(),
            Entry::Vacant(slot) => {
                let (read, _) = crate::inbox::read_year(ws, month, &|_, _, _| {})?;
                slot.insert(read).clone()
            }
        };
        if !year
            .iter()
            .any(|f| f.month == month && f.submission.file == s.file)
        {
            year.push(InboxFile {
                month,
                received: NaiveDate::MAX,
                modified: std::time::SystemTime::UNIX_EPOCH,
                digest: [0xff; 32],
                submission: s.clone(),
            });
        }
        let r = crate::reconcile::reconcile(&ws.config, &ws.roster, month, &year);
        s.diagnostics.extend(r.issues.into_iter().filter(|d| {
            d.location.file.as_deref() == Some(s.file.as_str()) && YEAR_CODES.contains(&d.code)
        }));
        crate::diagnostic::sort(&mut s.diagnostics);
    }
    Ok(())
}

/// The files `args` name: a file as it is; a folder's regular files directly in it, as
/// `run` reads a month folder (with a notice for each entry not followed); a path that
/// does not exist but holds `*`, `?` or `[` is a pattern, expanded in path order. A
/// folder's or a pattern's `received.txt` is the office's list of dates, not a report,
/// and is left out as `run` leaves it out.
///
/// # Errors
/// A folder cannot be read, or a pattern is malformed or matches nothing.
pub fn expand(
    args: &[PathBuf],
    root: Option<&Path>,
) -> Result<(Vec<PathBuf>, Vec<Diagnostic>), Error> {
    let mut files = Vec::new();
    let mut notes = Vec::new();
    for arg in args {
        if arg.is_dir() {
            let listed = crate::inbox::list_folder(arg, root)?;
            files.extend(
                listed
                    .files
                    .into_iter()
                    .filter(|f| !is_received_list(&f.path))
                    .map(|f| f.path),
            );
            notes.extend(listed.notes);
            continue;
        }
        // A pipe, a device or a socket named on the command line is not read: reading
        // a pipe would wait for a writer that never comes.
        if let Ok(meta) = std::fs::metadata(arg)
            && !meta.is_file()
        {
            notes.push(crate::inbox::not_followed(
                &crate::workspace::shown_path(arg, root),
                meta.file_type(),
            ));
            continue;
        }
        let text = arg.to_string_lossy();
        if arg.exists() || !text.contains(['*', '?', '[']) {
            files.push(arg.clone());
            continue;
        }
        let no_match = || Error::NoFileMatches {
            pattern: text.to_string(),
        };
        let mut matched: Vec<PathBuf> = glob::glob(&text)
            .map_err(|_| no_match())?
            .filter_map(Result::ok)
            .filter(|p| p.is_file() && !is_received_list(p))
            .collect();
        if matched.is_empty() {
            return Err(no_match());
        }
        matched.sort();
        files.extend(matched);
    }
    Ok((files, notes))
}

/// Checks `files`, in the order given.
pub fn check(files: &[PathBuf], workspace: Option<&Workspace>) -> Vec<Submission> {
    let matcher = workspace.map(|w| Matcher::new(&w.roster));
    let root = workspace.map(|w| w.config.root.as_path());
    files
        .iter()
        .filter(|f| {
            !f.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(submission::is_ignored)
        })
        .map(|file| {
            let folder_month = file
                .parent()
                .and_then(Path::file_name)
                .and_then(|n| n.to_str())
                .and_then(YearMonth::parse);
            let ctx = Context {
                matcher: matcher.as_ref(),
                folder_month,
                counting_only: false,
            };
            submission::read(file, &shown_path(file, root), &ctx)
        })
        .collect()
}

/// Whether `path` is a month folder's list of received dates.
fn is_received_list(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n == crate::inbox::RECEIVED_FILE)
}

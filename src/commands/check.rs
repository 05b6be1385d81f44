//! `chibo check FILE...`: a unit (or the office) validates submissions before the run.
//!
//! Outside a workspace only structure and values are checked; inside one (a
//! `chibo.toml` in the current folder, or `--config`) rows are matched to the roster and
//! the month comes from the file or its month folder.

use std::path::{Path, PathBuf};

use crate::matching::Matcher;
use crate::model::YearMonth;
use crate::submission::{self, Context, Submission};
use crate::workspace::{Workspace, shown_path};

/// Checks `files` in the workspace of `config` when there is one: `--config` given
/// (`explicit`), or a `chibo.toml` at that path; otherwise outside any workspace.
///
/// # Errors
/// The workspace's configuration or roster cannot be used.
pub fn check_files(
    files: &[PathBuf],
    config: &Path,
    explicit: bool,
) -> Result<Vec<Submission>, crate::Error> {
    let workspace = if explicit || config.exists() {
        Some(Workspace::load(config)?)
    } else {
        None
    };
    Ok(check(files, workspace.as_ref()))
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

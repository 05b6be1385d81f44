//! `chibo check FILE...`: a unit (or the office) validates submissions before the run.
//!
//! Outside a workspace only structure and values are checked; inside one (a
//! `chibo.toml` in the current folder, or `--config`) rows are matched to the roster and
//! the month comes from the file or its month folder.

use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity};
use crate::matching::Matcher;
use crate::model::YearMonth;
use crate::roster::{self, Roster};
use crate::submission::{self, Context, Submission};

/// The workspace a check runs in, if any.
pub struct Workspace {
    /// Its configuration.
    pub config: Config,
    /// Its roster.
    pub roster: Roster,
    /// The roster's own warnings and notices.
    pub roster_notes: Vec<Diagnostic>,
}

impl Workspace {
    /// Loads the workspace of `config_path`.
    ///
    /// # Errors
    /// The configuration or the roster cannot be used.
    pub fn load(config_path: &Path) -> Result<Workspace, crate::Error> {
        Workspace::with_config(Config::load(config_path)?)
    }

    /// The workspace of a configuration already loaded: its roster is loaded.
    ///
    /// # Errors
    /// The roster cannot be used.
    pub fn with_config(config: Config) -> Result<Workspace, crate::Error> {
        let shown = shown_path(&config.roster, Some(&config.root));
        let (roster, roster_notes) = roster::load(&config.roster, &shown, &config.groups)?;
        Ok(Workspace {
            config,
            roster,
            roster_notes,
        })
    }
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

/// A path as diagnostics show it: relative to the workspace when inside it, with `/`,
/// in NFC.
pub fn shown_path(path: &Path, root: Option<&Path>) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let shown = root
        .and_then(|r| {
            absolute
                .strip_prefix(std::path::absolute(r).unwrap_or_else(|_| r.to_path_buf()))
                .ok()
        })
        .unwrap_or(path);
    let text = shown.to_string_lossy().replace('\\', "/");
    text.nfc().collect()
}

/// One line per file: rows read, accepted, rejected, or why it was not read.
pub fn summary_line(s: &Submission) -> String {
    let errors = s
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = s
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let who = match (&s.identity.unit, s.identity.month) {
        (Some(u), Some(m)) => format!(" [{u}, tháng {}]", m.vi()),
        (Some(u), None) => format!(" [{u}]"),
        (None, Some(m)) => format!(" [tháng {}]", m.vi()),
        (None, None) => String::new(),
    };
    match s.status {
        submission::FileStatus::Read => format!(
            "{}{who}: đọc {} dòng, nhận {}, loại {}; {errors} lỗi, {warnings} cảnh báo",
            s.file,
            s.read,
            s.accepted(),
            s.rejected
        ),
        submission::FileStatus::Skipped => format!("{}: bỏ qua (không phải bảng tính)", s.file),
        submission::FileStatus::Unreadable => format!("{}: không đọc được; {errors} lỗi", s.file),
    }
}

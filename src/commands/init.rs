//! `chibo init [DIR] [--demo]`: a new workspace, empty or holding the demo province.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::Error;
use crate::output::write_atomic;
use crate::roster::Roster;

/// The commented configuration a new workspace starts with; `province` is left blank
/// for the office to fill in.
pub const CONFIG_TEMPLATE: &str = include_str!("../../templates/chibo.toml");

/// The demo province (Sơn La, invented people), built by `examples/make_demo.rs`.
static DEMO: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/samples");

/// What `init` created.
#[derive(Debug)]
pub struct Created {
    /// The workspace folder.
    pub dir: PathBuf,
    /// Files written, relative to `dir`, in order.
    pub files: Vec<PathBuf>,
    /// Files that were there already with the very content `init` writes, left as they
    /// are (running `init --demo` twice is harmless), relative to `dir`, in order.
    pub kept: Vec<PathBuf>,
}

/// Creates a workspace in `dir` (created if needed). Without `demo`: the commented
/// `chibo.toml`, an empty roster workbook with the four sheets and their header rows,
/// `inbox/` and `out/`. With `demo`: a copy of the demo province.
///
/// A file that exists already with the same content is left as it is.
///
/// # Errors
/// [`Error::WorkspaceExists`] when any file it would write already exists with other
/// content (nothing is written);
/// [`Error::Io`] when a folder or file cannot be written.
pub fn init(dir: &Path, demo: bool) -> Result<Created, Error> {
    let files = if demo { demo_files() } else { empty_files()? };
    // A file already there is kept when it holds what would be written; any other
    // content is the office's work, and nothing is overwritten.
    let (kept, files): (Vec<_>, Vec<_>) = files
        .into_iter()
        .partition(|(rel, bytes)| std::fs::read(dir.join(rel)).is_ok_and(|b| b == *bytes));
    let existing: Vec<PathBuf> = files
        .iter()
        .map(|(rel, _)| dir.join(rel))
        .filter(|p| p.exists())
        .collect();
    if !existing.is_empty() {
        return Err(Error::WorkspaceExists {
            dir: dir.to_path_buf(),
            files: existing,
        });
    }
    for sub in ["inbox", "out"] {
        let path = dir.join(sub);
        std::fs::create_dir_all(&path).map_err(|source| Error::Io { path, source })?;
    }
    for (rel, bytes) in &files {
        let path = dir.join(rel);
        write_atomic(&path, bytes).map_err(|source| Error::Io { path, source })?;
    }
    Ok(Created {
        dir: dir.to_path_buf(),
        files: files.into_iter().map(|(rel, _)| rel).collect(),
        kept: kept.into_iter().map(|(rel, _)| rel).collect(),
    })
}

fn empty_files() -> Result<Vec<(PathBuf, Vec<u8>)>, Error> {
    let roster = crate::report::roster::to_xlsx(&Roster::default())?;
    Ok(vec![
        (
            PathBuf::from("chibo.toml"),
            CONFIG_TEMPLATE.as_bytes().to_vec(),
        ),
        (PathBuf::from("roster.xlsx"), roster),
    ])
}

/// Every file of the demo province but its own README, sorted by path.
fn demo_files() -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(dir: &Dir<'_>, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for file in dir.files() {
            if file.path() != Path::new("README.md") {
                out.push((file.path().to_path_buf(), file.contents().to_vec()));
            }
        }
        for sub in dir.dirs() {
            walk(sub, out);
        }
    }
    let mut files = Vec::new();
    walk(&DEMO, &mut files);
    files.sort();
    files
}

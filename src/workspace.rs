//! A workspace: its `chibo.toml` and its roster, loaded together, and how the paths
//! inside it are shown to people (relative to it, with `/`, in NFC).

use std::path::Path;

use unicode_normalization::UnicodeNormalization;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::roster::{self, Roster};

/// A workspace with its configuration and roster loaded.
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

    /// A path inside this workspace as diagnostics show it.
    pub fn shown(&self, path: &Path) -> String {
        shown_path(path, Some(&self.config.root))
    }
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

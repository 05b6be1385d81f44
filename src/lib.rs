//! chibo: consolidates the monthly reports of residential party cell meetings attended by
//! provincial committee members (SPEC.md). Data flows one way: read → normalize →
//! reconcile → report; only the ends touch files and the network.

pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod ingest;
pub mod init;
pub mod mail;
pub mod matching;
pub mod model;
pub mod output;
pub mod reconcile;
pub mod report;
pub mod roster;
pub mod run;
pub mod submission;
pub mod template;
pub mod text;

use std::path::PathBuf;

/// What stops a command. Bad data in submissions is never one of these: it becomes a
/// [`diagnostic::Diagnostic`] and the batch goes on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration file is missing or invalid.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// The roster cannot be used; its diagnostics list every problem.
    #[error(transparent)]
    Roster(#[from] roster::RosterError),
    /// The command cannot be carried out as asked.
    #[error("{0}")]
    Usage(String),
    /// A file or folder cannot be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A workbook cannot be assembled.
    #[error("không tạo được bảng tính: {0}")]
    Xlsx(String),
}

impl Error {
    /// The exit status for this error (SPEC §9): 2 usage or configuration (the roster is
    /// part of the workspace's configuration), 3 I/O.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Config(_) | Error::Roster(_) | Error::Usage(_) => 2,
            Error::Io { .. } | Error::Xlsx(_) => 3,
        }
    }
}

//! chibo: consolidates the monthly reports of residential party cell meetings attended by
//! provincial committee members. Data flows one way: read → normalize → match →
//! reconcile → report; only the two ends touch files and the network.
//!
//! The modules, in pipeline order:
//!
//! | module | what it owns |
//! |---|---|
//! | [`cli`] | the command line, what each command prints, the one exit status mapping |
//! | [`commands`] | `init`, `template`, `check`, `run`, `send`: orchestrators only |
//! | [`workspace`] | `chibo.toml` and the roster loaded together; how paths are shown |
//! | [`inbox`] | month folders, `received.txt`, which files in which order, decoding early |
//! | [`ingest`] | opening any workbook format within limits; grid, header, value parsing |
//! | [`text`] | cleaning, match keys, tone placement, legacy font decoding |
//! | [`submission`] | a unit's workbook: identified, its rows and recommendations read |
//! | [`matching`] | names and codes → roster entries |
//! | [`reconcile`] | pure: the roster and the year's files → the month's figures |
//! | [`report`] | renderers: summary, workbooks, template, emails, terminal, their style |
//! | [`mail`] | messages, the outbox, SMTP delivery (the other edge) |
//! | [`config`], [`roster`], [`model`], [`vocabulary`], [`diagnostic`], [`output`] | the ground floor |

pub mod cli;
pub mod commands;
pub mod workspace;

pub mod inbox;
pub mod ingest;
pub mod text;

pub mod matching;
pub mod submission;

pub mod reconcile;

pub mod mail;
pub mod report;

pub mod config;
pub mod diagnostic;
pub mod model;
pub mod output;
pub mod roster;
pub mod vocabulary;

use std::path::PathBuf;

/// What stops a command. Bad data in submissions is never one of these: it becomes a
/// [`diagnostic::Diagnostic`] and the batch goes on. [`cli::exit_status`] gives each its
/// exit status.
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

//! chibo: consolidates the monthly reports of residential party cell meetings attended by
//! provincial committee members. Data flows one way: read → normalize → match →
//! reconcile → report; only the two ends touch files and the network.
//!
//! The modules, in pipeline order:
//!
//! | module | what it owns |
//! |---|---|
//! | [`cli`] | the command line, what each command prints, the one exit status mapping |
//! | [`menu`] | `chibo` with no arguments: the Vietnamese menu that runs the commands |
//! | [`usage`] | clap's help and errors in Vietnamese |
//! | [`commands`] | `init`, `template`, `check`, `run`, `send`, `collect`: orchestrators only |
//! | [`lock`] | one process at a time per workspace (`run`, `send`, `template`, `collect`) |
//! | [`workspace`] | `chibo.toml` and the roster loaded together; how paths are shown |
//! | [`inbox`] | month folders, `received.txt`, which files in which order, decoding early |
//! | [`ingest`] | opening any workbook format within limits; grid, header, table, value parsing |
//! | [`text`] | cleaning, match keys, tone placement, legacy font decoding |
//! | [`submission`] | a unit's workbook: identified, its rows and recommendations read |
//! | [`matching`] | names and codes → roster entries |
//! | [`reconcile`] | pure: the roster and the year's files → the month's figures |
//! | [`report`] | renderers: summary, workbooks, template, emails, terminal, their style |
//! | [`mail`] | messages, the outbox, SMTP delivery (the other edge) |
//! | [`collect`] | reports arriving by email: mailboxes (files, IMAP) into the inbox |
//! | [`config`], [`clock`], [`roster`], [`model`], [`vocabulary`], [`diagnostic`], [`output`], [`os_error`], [`pause`] | the ground floor |

pub mod cli;
pub mod collect;
pub mod commands;
pub mod lock;
pub mod menu;
pub mod usage;
pub mod workspace;

pub mod inbox;
pub mod ingest;
pub mod text;

pub mod matching;
pub mod submission;

pub mod reconcile;

pub mod mail;
pub mod report;

pub mod clock;
pub mod config;
pub mod diagnostic;
pub mod model;
pub mod os_error;
pub mod output;
pub mod pause;
pub mod roster;
pub mod vocabulary;

use std::path::PathBuf;

use diagnostic::{Code, Diagnostic, Location};

/// What stops a command. Bad data in submissions is never one of these: it becomes a
/// [`diagnostic::Diagnostic`] and the batch goes on. [`cli::exit_status`] gives each its
/// exit status. Every message is Vietnamese; a library's own (English) words are kept
/// only as the [`std::error::Error::source`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration file is missing or invalid.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// The roster cannot be used; its diagnostics list every problem.
    #[error(transparent)]
    Roster(#[from] roster::RosterError),
    /// `chibo check PATTERN` with a pattern that matches no file.
    #[error("không có tệp nào khớp với «{pattern}»")]
    NoFileMatches {
        /// The pattern as given.
        pattern: String,
    },
    /// `chibo template --unit CODE` with a code the roster does not have.
    #[error("không có đơn vị mã «{code}» trong danh sách phân công")]
    UnknownUnit {
        /// The code as given.
        code: String,
    },
    /// A unit code that cannot be part of a file name (a template's `<code>.xlsx`).
    #[error("mã đơn vị «{code}» không dùng được làm tên tệp")]
    UnsafeUnitCode {
        /// The roster's code.
        code: String,
    },
    /// `chibo init` in a folder holding other files of the same names: nothing is
    /// overwritten.
    #[error(
        "{} đã có không gian làm việc; chibo không ghi đè: {}",
        dir.display(),
        files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    WorkspaceExists {
        /// The workspace folder.
        dir: PathBuf,
        /// The files that exist with other content.
        files: Vec<PathBuf>,
    },
    /// Emails are to be sent (a unit of the roster has an address and `unit_feedback`
    /// is on) but the configuration, which has no `[email]` table, gives no sender. With
    /// an `[email]` table the same gap is a [`config::ConfigError`].
    #[error("chưa có địa chỉ người gửi thư: hãy ghi khóa email.from trong chibo.toml")]
    NoSender {
        /// The configuration file as the user named it.
        config: String,
    },
    /// `chibo send` (or `transport = "smtp"`) without an `[email.smtp]` table.
    #[error("chưa cấu hình máy chủ thư: hãy thêm bảng [email.smtp] vào chibo.toml")]
    NoSmtpConfig {
        /// The configuration file as the user named it.
        config: String,
    },
    /// The environment variable that should hold the SMTP password is unset or empty.
    #[error("chưa có mật khẩu SMTP: hãy đặt biến môi trường {var} trước khi gửi thư")]
    NoPassword {
        /// The configuration file as the user named it.
        config: String,
        /// The variable's name (`password_env`).
        var: String,
    },
    /// The SMTP connection's TLS cannot be set up.
    #[error("{source}")]
    SmtpSetup {
        /// The configuration file as the user named it.
        config: String,
        /// What failed.
        source: mail::smtp::SetupError,
    },
    /// An email template cannot be read, parsed or rendered.
    #[error(transparent)]
    EmailTemplate(#[from] report::email::TemplateError),
    /// A message cannot be built (a recipient address that cannot be used).
    #[error("{source}")]
    EmailMessage {
        /// The outbox the message was for, as shown.
        outbox: String,
        /// What was wrong.
        source: mail::message::MessageError,
    },
    /// `chibo run --month M` for a month with no folder in the inbox (a typo such as
    /// `2002-07`): nothing is written or sent.
    #[error(
        "không có thư mục {folder}: chưa nhận báo cáo nào của tháng {}, chibo không ghi và không gửi gì; {}",
        month.vi(),
        months_there(months)
    )]
    NoMonthFolder {
        /// The month asked for.
        month: model::YearMonth,
        /// Its folder, as shown.
        folder: String,
        /// The months the inbox has folders for, in order.
        months: Vec<model::YearMonth>,
    },
    /// `chibo collect` without `--from` and without a mailbox configured.
    #[error(
        "chưa có hộp thư để nhận báo cáo: hãy dùng «chibo collect --from THƯ_MỤC» (thư mục các tệp .eml, .mbox) hoặc thêm bảng [collect.imap] vào {config}"
    )]
    NoMailbox {
        /// The configuration file as the user named it.
        config: String,
    },
    /// The test-only clock variable holds no moment.
    #[error(transparent)]
    BadNow(#[from] clock::BadNow),
    /// A file or folder cannot be read or written.
    #[error("{}: {}", path.display(), os_error::reason(source))]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Another chibo process (`run`, `send`, `template`) holds the workspace's lock and
    /// kept it past the wait.
    #[error(
        "{}",
        match holder {
            Some(h) => format!(
                "không gian làm việc đang bận: lệnh «{}» (tiến trình {}) đang chạy từ {}; hãy chờ lệnh đó xong rồi chạy lại",
                h.command, h.pid, h.since_shown()
            ),
            None => "không gian làm việc đang bận: một lệnh chibo khác đang chạy; hãy chờ lệnh đó xong rồi chạy lại".to_owned(),
        }
    )]
    WorkspaceBusy {
        /// The workspace folder.
        dir: PathBuf,
        /// Who holds the lock, when it says.
        holder: Option<lock::Holder>,
    },
    /// The office's IMAP mailbox cannot be read (`chibo collect`).
    #[error("{source}")]
    Imap {
        /// The configuration file as the user named it.
        config: String,
        /// What failed.
        source: collect::imap::ImapError,
    },
    /// A workbook cannot be assembled.
    #[error("không tạo được bảng tính")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// The months an inbox has, as a suggestion: the latest twelve.
fn months_there(months: &[model::YearMonth]) -> String {
    const SHOWN: usize = 12;
    if months.is_empty() {
        return "thư mục inbox chưa có tháng nào (mỗi tháng một thư mục YYYY-MM)".to_owned();
    }
    let latest: Vec<String> = months
        .iter()
        .skip(months.len().saturating_sub(SHOWN))
        .map(ToString::to_string)
        .collect();
    let lead = if months.len() > SHOWN {
        "các tháng gần nhất đã có"
    } else {
        "các tháng đã có"
    };
    format!("{lead}: {}; hãy kiểm tra lại --month", latest.join(", "))
}

impl Error {
    /// The diagnostics that say what went wrong, with their codes: every problem of the
    /// configuration or the roster, or the one problem an email failure is. Empty for
    /// the rest, which their message says all about.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let one = |code: Code, location: Location| {
            vec![Diagnostic::error(code, location, self.to_string())]
        };
        match self {
            Error::Config(e) => e.diagnostics(),
            Error::Roster(e) => e.diagnostics.clone(),
            Error::NoSender { config } => one(Code::ConfigMissingKey, Location::file(config)),
            Error::NoSmtpConfig { config } => one(Code::EmailNoSmtp, Location::file(config)),
            Error::NoPassword { config, .. } => one(Code::EmailNoPassword, Location::file(config)),
            Error::SmtpSetup { config, .. } => one(Code::EmailTls, Location::file(config)),
            Error::EmailTemplate(e) => one(Code::EmailTemplate, e.location()),
            Error::Imap { config, source } => one(source.code(), Location::file(config)),
            Error::EmailMessage { outbox, .. } => {
                one(Code::EmailBadAddress, Location::file(outbox))
            }
            Error::UnknownUnit { .. }
            | Error::NoFileMatches { .. }
            | Error::UnsafeUnitCode { .. }
            | Error::WorkspaceExists { .. }
            | Error::WorkspaceBusy { .. }
            | Error::NoMonthFolder { .. }
            | Error::NoMailbox { .. }
            | Error::BadNow(_)
            | Error::Io { .. }
            | Error::Xlsx(_) => Vec::new(),
        }
    }
}

//! Email delivery (SPEC §8): MIME messages built from rendered emails, queued as `.eml`
//! files in `out/YYYY-MM/outbox/`, and delivered over SMTP. What chibo promises:
//!
//! - a message acknowledged by the server is recorded in `delivered.log` before the next
//!   one is tried, and never goes out again;
//! - temporary failures (4xx, no connection, a timeout before the content was complete)
//!   are tried again with back-off within the pass, permanent ones (5xx) are not;
//! - a message whose content was sent whole but never acknowledged is *uncertain*: it is
//!   not tried again in the same pass, and the next pass tries it once more, so in that
//!   one case it can arrive twice, never more;
//! - each recipient is asked for apart: a refused address does not stop the others, and
//!   is not tried again;
//! - a pass over an outbox has an overall bound; every wait on the server is cut to what
//!   is left of it, and a session given up is closed there and then;
//! - stray files in the outbox are named and never sent; a damaged line of the log never
//!   lets a message go out again.

pub mod attempt;
mod deliver;
pub mod journal;
pub mod message;
pub mod outbox;
pub mod smtp;

pub use message::{Email, Queued, build};
pub use outbox::{Outbox, Stray};
pub use smtp::{Deliver, SmtpSender, Timing};

pub use deliver::deliver_all;

use crate::diagnostic::{Code, Diagnostic, Location, Severity};

/// Something a delivery pass has to say, placed in the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// How bad it is.
    pub severity: Severity,
    /// Its code.
    pub code: Code,
    /// The outbox file it is about (the outbox itself when `None`).
    pub file: Option<String>,
    /// The line of that file.
    pub line: Option<usize>,
    /// The message, in Vietnamese.
    pub message: String,
}

impl Note {
    pub(crate) fn new(severity: Severity, code: Code, message: String) -> Note {
        Note {
            severity,
            code,
            file: None,
            line: None,
            message,
        }
    }
}

/// What one delivery pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SendReport {
    /// Queue names delivered now, to every recipient.
    pub delivered: Vec<String>,
    /// Queue names not delivered to every recipient now (failed, refused in part,
    /// uncertain, held back); each has its error among the notes.
    pub failed: Vec<String>,
    /// Messages already delivered by an earlier pass (left alone).
    pub already: usize,
    /// Errors, warnings and notices, in the order they happened.
    pub notes: Vec<Note>,
}

impl SendReport {
    /// Whether something needs the office's attention (exit 3).
    pub fn has_errors(&self) -> bool {
        !self.failed.is_empty() || self.notes.iter().any(|n| n.severity == Severity::Error)
    }

    /// The notes as diagnostics of the outbox `outbox` (as shown).
    pub fn diagnostics(&self, outbox: &str) -> Vec<Diagnostic> {
        self.notes.iter().map(|n| n.diagnostic(outbox)).collect()
    }
}

impl Note {
    fn diagnostic(&self, outbox: &str) -> Diagnostic {
        let location = match (&self.file, self.line) {
            (Some(f), Some(l)) => Location::line(format!("{outbox}/{f}"), l),
            (Some(f), None) => Location::file(format!("{outbox}/{f}")),
            (None, _) => Location::file(outbox),
        };
        match self.severity {
            Severity::Error => Diagnostic::error(self.code, location, self.message.clone()),
            Severity::Warning => Diagnostic::warning(self.code, location, self.message.clone()),
            Severity::Notice => Diagnostic::notice(self.code, location, self.message.clone()),
        }
    }
}

/// One `email-stray` notice per stray file of the outbox `outbox` (as shown).
pub fn stray_diagnostics(strays: &[Stray], outbox: &str) -> Vec<Diagnostic> {
    stray_notes(strays)
        .iter()
        .map(|n| n.diagnostic(outbox))
        .collect()
}

fn stray_notes(strays: &[Stray]) -> Vec<Note> {
    strays
        .iter()
        .map(|s| Note {
            file: Some(s.file.clone()),
            ..Note::new(
                Severity::Notice,
                Code::EmailStray,
                format!(
                    "{}: chibo không gửi tệp này và bỏ qua nó (xóa đi nếu không cần)",
                    s.why
                ),
            )
        })
        .collect()
}

/// The PEM of a configuration's `ca_file` (`[email.smtp]` or `[collect.imap]`), when
/// it names one.
///
/// # Errors
/// The file cannot be read.
pub fn read_ca(path: Option<&std::path::Path>) -> Result<Option<Vec<u8>>, crate::Error> {
    path.map(|path| {
        std::fs::read(path).map_err(|source| crate::Error::Io {
            path: path.to_path_buf(),
            source,
        })
    })
    .transpose()
}

/// Delivers what waits in `outbox` over the configured SMTP server, with the timing of
/// [`Timing::default`] (shortened by [`smtp::TEST_TIMING_VAR`] in tests).
///
/// # Errors
/// No `[email.smtp]`, a missing password, an unreadable CA file, or an outbox that
/// cannot be read.
pub fn deliver_outbox(
    config: &crate::config::Config,
    outbox: &Outbox,
) -> Result<SendReport, crate::Error> {
    let smtp = config
        .email
        .smtp
        .as_ref()
        .ok_or_else(|| crate::Error::NoSmtpConfig {
            config: config.path.clone(),
        })?;
    let password = smtp.password().map_err(|e| crate::Error::NoPassword {
        config: config.path.clone(),
        var: e.var,
    })?;
    let ca = read_ca(smtp.ca_file.as_deref())?;
    let timing = Timing::with_test_overrides(std::env::var(smtp::TEST_TIMING_VAR).ok().as_deref());
    let sender = SmtpSender::new(smtp, password, ca.as_deref(), timing).map_err(|source| {
        crate::Error::SmtpSetup {
            config: config.path.clone(),
            source,
        }
    })?;
    deliver_all(outbox, &sender).map_err(|source| crate::Error::Io {
        path: outbox.dir().to_path_buf(),
        source,
    })
}

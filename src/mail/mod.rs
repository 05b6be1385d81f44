//! Email delivery (SPEC §8): MIME messages built from rendered emails, queued as `.eml`
//! files in `out/YYYY-MM/outbox/`, and delivered over SMTP with retries, back-off, a
//! deadline per delivery and a delivery log, so that nothing is sent twice and a failed
//! delivery stays queued with its reason.

pub mod message;
pub mod outbox;
pub mod smtp;

pub use message::{Email, Queued, build};
pub use outbox::Outbox;
pub use smtp::{Deliver, DeliveryError, SmtpSender};

use crate::diagnostic::{Code, Diagnostic, Location};

/// What one delivery pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SendReport {
    /// Queue names delivered now.
    pub delivered: Vec<String>,
    /// Queue names that failed, with the reason in Vietnamese (the library's words are
    /// in the message's `.error` note).
    pub failed: Vec<(String, String)>,
    /// Messages already delivered by an earlier pass (left alone).
    pub already: usize,
}

impl SendReport {
    /// One `email-undelivered` error per message that failed, at the outbox `outbox`
    /// (as shown), in queue order.
    pub fn diagnostics(&self, outbox: &str) -> Vec<Diagnostic> {
        self.failed
            .iter()
            .map(|(name, reason)| {
                Diagnostic::error(
                    Code::EmailUndelivered,
                    Location::file(outbox),
                    format!(
                        "chưa gửi được thư {name}: {reason}; thư vẫn chờ trong hộp thư đi (chi tiết trong {name}.error)"
                    ),
                )
            })
            .collect()
    }
}

/// Delivers every message of `outbox` not yet delivered, each with up to `attempts`
/// tries, waiting `backoff`, then twice that, between them.
pub fn deliver_all(
    outbox: &Outbox,
    sender: &dyn Deliver,
    attempts: u32,
    backoff: std::time::Duration,
) -> std::io::Result<SendReport> {
    let mut report = SendReport::default();
    for entry in outbox.entries()? {
        if outbox.is_delivered(&entry.message_id)? {
            report.already += 1;
            continue;
        }
        let raw = std::fs::read(&entry.eml)?;
        let mut wait = backoff;
        let mut last = None;
        let mut sent = false;
        for attempt in 1..=attempts.max(1) {
            match sender.deliver(&entry.from, &entry.to, &raw) {
                Ok(()) => {
                    sent = true;
                    break;
                }
                Err(e) => {
                    last = Some(e);
                    if attempt < attempts {
                        std::thread::sleep(wait);
                        wait *= 2;
                    }
                }
            }
        }
        if sent {
            outbox.mark_delivered(&entry)?;
            report.delivered.push(entry.name);
        } else {
            let last = last.expect("a failed delivery has its error");
            outbox.mark_failed(&entry, &last.detailed())?;
            report.failed.push((entry.name, last.to_string()));
        }
    }
    Ok(report)
}

/// Delivers what waits in `outbox` over the configured SMTP server: three tries each,
/// half a second then a second apart.
///
/// # Errors
/// No `[email.smtp]`, a missing password, an unreadable CA file, or an outbox that
/// cannot be read or written.
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
    let ca = match &smtp.ca_file {
        Some(path) => Some(std::fs::read(path).map_err(|source| crate::Error::Io {
            path: path.clone(),
            source,
        })?),
        None => None,
    };
    let sender = SmtpSender::new(smtp, password, ca.as_deref()).map_err(|source| {
        crate::Error::SmtpSetup {
            config: config.path.clone(),
            source,
        }
    })?;
    deliver_all(outbox, &sender, 3, std::time::Duration::from_millis(500)).map_err(|source| {
        crate::Error::Io {
            path: outbox.dir().to_path_buf(),
            source,
        }
    })
}

//! Email delivery (SPEC §8): MIME messages built from rendered emails, queued as `.eml`
//! files in `out/YYYY-MM/outbox/`, and delivered over SMTP with retries, back-off, a
//! deadline per delivery and a delivery log, so that nothing is sent twice and a failed
//! delivery stays queued with its reason.

pub mod message;
pub mod outbox;
pub mod smtp;

pub use message::{Queued, build};
pub use outbox::Outbox;
pub use smtp::{Deliver, SmtpSender};

/// What one delivery pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SendReport {
    /// Queue names delivered now.
    pub delivered: Vec<String>,
    /// Queue names that failed, with the reason.
    pub failed: Vec<(String, String)>,
    /// Messages already delivered by an earlier pass (left alone).
    pub already: usize,
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
        let mut last = String::new();
        let mut sent = false;
        for attempt in 1..=attempts.max(1) {
            match sender.deliver(&entry.from, &entry.to, &raw) {
                Ok(()) => {
                    sent = true;
                    break;
                }
                Err(e) => {
                    last = e;
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
            outbox.mark_failed(&entry, &last)?;
            report.failed.push((entry.name, last));
        }
    }
    Ok(report)
}

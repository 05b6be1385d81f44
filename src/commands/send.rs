//! `chibo send [--month YYYY-MM]`: delivers what waits in the outboxes of the month, or of
//! every month, over the configured SMTP server.

use std::path::{Path, PathBuf};

use crate::Error;
use crate::config::Config;
use crate::mail::{Outbox, SendReport};
use crate::model::YearMonth;

/// Delivers the queued email of `month`, or of every month with an outbox, in month
/// order; `on_outbox` is told what each outbox's pass did as soon as it is done.
/// Returns whether any message failed.
///
/// # Errors
/// The configuration cannot be used, no SMTP server is configured, or an outbox cannot
/// be read or written.
pub fn send(
    config_path: &Path,
    month: Option<YearMonth>,
    on_outbox: &mut dyn FnMut(&Path, &Path, &SendReport),
) -> Result<bool, Error> {
    let config = Config::load(config_path)?;
    crate::output::set::recover(&config.out)?;
    let mut failed = false;
    for dir in outboxes(&config, month) {
        let report =
            crate::mail::deliver_outbox(&config, &Outbox::new(&dir).at_offset(config.timezone))?;
        failed |= report.has_errors();
        on_outbox(&dir, &config.root, &report);
    }
    Ok(failed)
}

/// The outbox of `month`, or every month's outbox, sorted.
fn outboxes(config: &Config, month: Option<YearMonth>) -> Vec<PathBuf> {
    if let Some(m) = month {
        return vec![config.out.join(m.to_string()).join("outbox")];
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(&config.out)
        .map(|d| {
            d.flatten()
                // A month's folder, not a set being replaced (`output::set`).
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .map(|e| e.path().join("outbox"))
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

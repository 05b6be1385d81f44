//! The outbox folder: `<name>.eml` with its envelope in `<name>.json`, `<name>.error`
//! while a delivery has failed, and `delivered.log` listing the Message-IDs delivered.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Queued;

/// The log of delivered Message-IDs, one per line with the time and the queue name.
pub const DELIVERED_LOG: &str = "delivered.log";

/// A month's outbox folder.
pub struct Outbox {
    dir: PathBuf,
}

/// A queued message.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Queue name.
    pub name: String,
    /// The `.eml` file.
    pub eml: PathBuf,
    /// Its Message-ID.
    pub message_id: String,
    /// Envelope sender.
    pub from: String,
    /// Envelope recipients.
    pub to: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct EnvelopeFile {
    message_id: String,
    from: String,
    to: Vec<String>,
}

impl Outbox {
    /// The outbox in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Outbox {
        Outbox { dir: dir.into() }
    }

    /// Its folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Puts `messages` in the outbox, replacing queued files of the same name (a re-run
    /// after corrected reports replaces the month's messages).
    ///
    /// # Errors
    /// A file that cannot be written.
    pub fn queue(&self, messages: &[Queued]) -> std::io::Result<Vec<PathBuf>> {
        // A message queued by an earlier run that this run no longer makes (a unit whose
        // address was removed) must not go out later.
        for old in self.entries()? {
            if !messages.iter().any(|m| m.name == old.name)
                && !self.is_delivered(&old.message_id)?
            {
                for ext in ["eml", "json", "error"] {
                    let _ = std::fs::remove_file(old.eml.with_extension(ext));
                }
            }
        }
        let mut written = Vec::new();
        for m in messages {
            let eml = self.dir.join(format!("{}.eml", m.name));
            let envelope = EnvelopeFile {
                message_id: m.message_id.clone(),
                from: m.from.clone(),
                to: m.to.clone(),
            };
            let json = serde_json::to_vec_pretty(&envelope).expect("an envelope serializes");
            let json_path = self.dir.join(format!("{}.json", m.name));
            crate::output::write_all_atomic(&[
                (eml.as_path(), &m.raw),
                (json_path.as_path(), &json),
            ])
            .map_err(|(_, e)| e)?;
            written.push(eml);
        }
        Ok(written)
    }

    /// The queued messages, by name.
    ///
    /// # Errors
    /// The folder or an envelope cannot be read.
    pub fn entries(&self) -> std::io::Result<Vec<Entry>> {
        let mut list = Vec::new();
        let dir = match std::fs::read_dir(&self.dir) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(list),
            Err(e) => return Err(e),
        };
        for item in dir {
            let path = item?.path();
            if path.extension().is_none_or(|e| e != "eml") {
                continue;
            }
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_owned();
            let json = std::fs::read(path.with_extension("json"))?;
            let envelope: EnvelopeFile =
                serde_json::from_slice(&json).map_err(std::io::Error::other)?;
            list.push(Entry {
                name,
                eml: path,
                message_id: envelope.message_id,
                from: envelope.from,
                to: envelope.to,
            });
        }
        list.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(list)
    }

    /// Whether `message_id` is in the delivery log.
    ///
    /// # Errors
    /// The log exists but cannot be read.
    pub fn is_delivered(&self, message_id: &str) -> std::io::Result<bool> {
        match std::fs::read_to_string(self.dir.join(DELIVERED_LOG)) {
            Ok(log) => Ok(log
                .lines()
                .any(|l| l.split('\t').next() == Some(message_id))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Records a delivery (appended and synced before anything else happens) and clears
    /// the failure note.
    ///
    /// # Errors
    /// The log cannot be written.
    pub fn mark_delivered(&self, entry: &Entry) -> std::io::Result<()> {
        let mut log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join(DELIVERED_LOG))?;
        let when = chrono::Local::now().format("%Y-%m-%dT%H:%M:%S%:z");
        writeln!(
            log,
            "{}\t{when}\t{}\t{}",
            entry.message_id,
            entry.name,
            entry.to.join(",")
        )?;
        log.sync_all()?;
        match std::fs::remove_file(entry.eml.with_extension("error")) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Writes why the last delivery of `entry` failed; the message stays queued.
    ///
    /// # Errors
    /// The note cannot be written.
    pub fn mark_failed(&self, entry: &Entry, reason: &str) -> std::io::Result<()> {
        let when = chrono::Local::now().format("%Y-%m-%dT%H:%M:%S%:z");
        crate::output::write_atomic(
            &entry.eml.with_extension("error"),
            format!("{when}\t{reason}\n").as_bytes(),
        )
    }
}

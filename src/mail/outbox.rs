//! The outbox folder: `<name>.eml` with its envelope in `<name>.json`, `<name>.error`
//! while a delivery has failed, and `delivered.log` ([`super::journal`]). Anything else
//! in the folder is a stray: named in a notice, never delivered, never an error.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Queued;
use super::journal::{self, Journal, Record};

/// The log of deliveries.
pub const DELIVERED_LOG: &str = journal::FILE;

/// The queue names of the receipts `chibo collect` queues (`bien-nhan-<SHA-256>`): a
/// `run` does not make them, and keeps them when it queues the month's messages.
pub const RECEIPT_PREFIX: &str = "bien-nhan-";

/// A month's outbox folder.
pub struct Outbox {
    dir: PathBuf,
    /// The office's UTC offset, for the times written in the log and notes.
    offset: chrono::FixedOffset,
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

/// A file of the outbox that is not part of a queued message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stray {
    /// Its file name.
    pub file: String,
    /// Why it is not a queued message, in Vietnamese.
    pub why: String,
}

/// What the outbox holds.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    /// Queued messages, by name.
    pub entries: Vec<Entry>,
    /// Stray files, by name.
    pub strays: Vec<Stray>,
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
        Outbox {
            dir: dir.into(),
            offset: crate::clock::vietnam(),
        }
    }

    /// The outbox writing its times at the office's `offset` (the workspace's
    /// `timezone`), never the machine's.
    #[must_use]
    pub fn at_offset(self, offset: chrono::FixedOffset) -> Outbox {
        Outbox { offset, ..self }
    }

    /// Its folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The delivery log's path.
    pub fn log_path(&self) -> PathBuf {
        self.dir.join(DELIVERED_LOG)
    }

    /// Reads the delivery log.
    ///
    /// # Errors
    /// The log exists but cannot be read.
    pub fn journal(&self) -> std::io::Result<Journal> {
        Journal::read(&self.log_path())
    }

    /// Puts `messages` in the outbox, replacing queued files of the same name (a re-run
    /// after corrected reports replaces the month's messages). Returns the stray files
    /// left in the folder (a copy of an `.eml`, an `.eml` without its envelope).
    ///
    /// # Errors
    /// A file that cannot be written.
    pub fn queue(&self, messages: &[Queued]) -> std::io::Result<Vec<Stray>> {
        // A message queued by an earlier run that this run no longer makes (a unit whose
        // address was removed) must not go out later; one the log knows of stays as
        // its record.
        let journal = self.journal()?;
        for old in self.list()?.entries {
            if !messages.iter().any(|m| m.name == old.name)
                && !old.name.starts_with(RECEIPT_PREFIX)
                && !journal.knows(&old.message_id, &old.name)
            {
                for ext in ["eml", "json", "error"] {
                    let _ = std::fs::remove_file(old.eml.with_extension(ext));
                }
            }
        }
        self.add(messages)?;
        Ok(self.list()?.strays)
    }

    /// Puts `messages` in the outbox beside what is queued there (replacing files of the
    /// same name), without removing anything.
    ///
    /// # Errors
    /// A file that cannot be written.
    pub fn add(&self, messages: &[Queued]) -> std::io::Result<()> {
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
        }
        Ok(())
    }

    /// The queued messages, by name, and the stray files beside them. Hidden files (a
    /// writer's temporary files) and the delivery log are neither.
    ///
    /// # Errors
    /// The folder cannot be read.
    pub fn list(&self) -> std::io::Result<Listing> {
        let mut listing = Listing::default();
        let dir = match std::fs::read_dir(&self.dir) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(listing),
            Err(e) => return Err(e),
        };
        let mut names = Vec::new();
        for item in dir {
            let item = item?;
            let file = item.file_name().to_string_lossy().into_owned();
            if file.starts_with('.') || file == DELIVERED_LOG {
                continue;
            }
            let is_file = item.file_type().is_ok_and(|t| t.is_file());
            names.push((file, is_file));
        }
        names.sort();
        let has = |f: &str| names.iter().any(|(n, is_file)| n == f && *is_file);
        for (file, is_file) in &names {
            let stray = |why: &str| Stray {
                file: file.clone(),
                why: why.to_owned(),
            };
            if !is_file {
                listing
                    .strays
                    .push(stray("không phải tệp thường (một thư mục, một liên kết)"));
                continue;
            }
            let (stem, ext) = match file.rsplit_once('.') {
                Some((s, e)) => (s, e),
                None => (file.as_str(), ""),
            };
            match ext {
                "eml" => match self.entry(stem, has(&format!("{stem}.json"))) {
                    Ok(entry) => listing.entries.push(entry),
                    Err(why) => listing.strays.push(stray(&why)),
                },
                "json" | "error" if has(&format!("{stem}.eml")) => {}
                "json" | "error" => listing
                    .strays
                    .push(stray(&format!("không có tệp thư {stem}.eml đi kèm"))),
                _ => listing
                    .strays
                    .push(stray("không phải tệp của chibo trong hộp thư đi")),
            }
        }
        Ok(listing)
    }

    /// The message `stem`.eml as queued, or why it is not one.
    fn entry(&self, stem: &str, has_json: bool) -> Result<Entry, String> {
        if !has_json {
            return Err(format!("tệp thư không có phong bì {stem}.json đi kèm"));
        }
        let eml = self.dir.join(format!("{stem}.eml"));
        let unreadable = || format!("phong bì {stem}.json không đọc được");
        let json = std::fs::read(eml.with_extension("json")).map_err(|_| unreadable())?;
        let envelope: EnvelopeFile = serde_json::from_slice(&json).map_err(|_| unreadable())?;
        if message_id_of(&eml).as_deref() != Some(envelope.message_id.as_str()) {
            return Err(format!(
                "tệp thư không khớp với phong bì {stem}.json (Message-ID khác nhau)"
            ));
        }
        // chibo names each message in its Message-ID: a copy under another name (a
        // reviewer's «… - Copy.eml» with its envelope) is not a message to send.
        if !envelope.message_id.contains(&format!(".{stem}@")) {
            return Err("tên tệp không khớp với thư bên trong (có thể là một bản sao)".into());
        }
        Ok(Entry {
            name: stem.to_owned(),
            eml,
            message_id: envelope.message_id,
            from: envelope.from,
            to: envelope.to,
        })
    }

    /// Appends `record` to the delivery log (one whole line, synced).
    ///
    /// # Errors
    /// The log cannot be written.
    pub fn record(&self, record: &Record) -> std::io::Result<()> {
        journal::append(&self.log_path(), record, &self.now())
    }

    /// The line `record` would take in the log (to show when it cannot be written).
    pub fn record_line(&self, record: &Record) -> String {
        journal::line(record, &self.now())
    }

    /// Removes the failure note of `entry`, once it has gone out.
    ///
    /// # Errors
    /// The note exists but cannot be removed.
    pub fn clear_failed(&self, entry: &Entry) -> std::io::Result<()> {
        match std::fs::remove_file(entry.eml.with_extension("error")) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Writes why the last delivery of `entry` failed (`reason` in Vietnamese, then the
    /// server's and the library's words); the message stays queued.
    ///
    /// # Errors
    /// The note cannot be written.
    pub fn mark_failed(&self, entry: &Entry, reason: &str) -> std::io::Result<()> {
        crate::output::write_atomic(
            &entry.eml.with_extension("error"),
            format!("{}\t{reason}\n", self.now()).as_bytes(),
        )
    }
}

/// The Message-ID header of the message file `eml` (its header only is read).
fn message_id_of(eml: &Path) -> Option<String> {
    let mut head = Vec::new();
    std::fs::File::open(eml)
        .ok()?
        .take(64 * 1024)
        .read_to_end(&mut head)
        .ok()?;
    let head = String::from_utf8_lossy(&head);
    head.lines().take_while(|l| !l.is_empty()).find_map(|l| {
        let (key, value) = l.split_once(':')?;
        key.eq_ignore_ascii_case("message-id")
            .then(|| value.trim().to_owned())
    })
}

impl Outbox {
    /// The moment, at the office's offset.
    fn now(&self) -> String {
        chrono::Utc::now()
            .with_timezone(&self.offset)
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    }
}

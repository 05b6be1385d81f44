//! The collect log, `collect.log` in the workspace folder: one JSON line per message
//! collected, written (and synced) after the message's files and `received.txt` lines
//! are safely on disk, before the mailbox is told the message is done. A message whose
//! key the log holds is never collected again. A damaged line (a kill mid-write) names
//! no message: that message is taken again, and its files are found already in the
//! inbox (same SHA-256), so nothing is saved twice.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The log's file name, in the workspace folder.
pub const FILE: &str = "collect.log";

/// One line of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The message's key ([`super::Arrival::key`]).
    pub key: String,
    /// Where it came from.
    pub origin: String,
    /// When it was collected, RFC 3339 at the office's offset.
    pub at: String,
    /// What became of its attachments, one line each, as printed.
    pub files: Vec<String>,
}

/// The log of a workspace.
pub struct Log {
    path: PathBuf,
    keys: HashSet<String>,
}

impl Log {
    /// Reads the log in the workspace folder `root` (none yet: empty).
    ///
    /// # Errors
    /// The log exists but cannot be read.
    pub fn read(root: &Path) -> std::io::Result<Log> {
        let path = root.join(FILE);
        let text = match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e),
        };
        let keys = text
            .lines()
            .filter_map(|l| serde_json::from_str::<Record>(l).ok())
            .map(|r| r.key)
            .collect();
        Ok(Log { path, keys })
    }

    /// Whether the message `key` was collected.
    pub fn has(&self, key: &str) -> bool {
        self.keys.contains(key)
    }

    /// Appends `record` as one line and syncs it. A line left unfinished by a kill is
    /// ended first, so that it damages only itself.
    ///
    /// # Errors
    /// The log cannot be written.
    pub fn append(&mut self, record: &Record) -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        let len = file.metadata()?.len();
        let mut line = String::new();
        if len > 0 && !ends_with_newline(&self.path)? {
            line.push('\n');
        }
        line.push_str(&serde_json::to_string(record).expect("a record serializes"));
        line.push('\n');
        file.write_all(line.as_bytes())?;
        file.sync_all()?;
        self.keys.insert(record.key.clone());
        Ok(())
    }

    /// The log's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn ends_with_newline(path: &Path) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path)?;
    f.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    f.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_survive_a_damaged_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), "{\"key\":\"half").unwrap();
        let mut log = Log::read(dir.path()).unwrap();
        assert!(!log.has("half"));
        let record = Record {
            key: "message-id:<a@b>".into(),
            origin: "a.eml".into(),
            at: "2020-08-04T08:00:00+07:00".into(),
            files: vec!["inbox/2020-07/a.xlsx".into()],
        };
        log.append(&record).unwrap();
        let log = Log::read(dir.path()).unwrap();
        assert!(log.has("message-id:<a@b>"));
        let text = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        assert_eq!(text.lines().count(), 2);
    }
}

//! The `--from DIR` mailbox: the `.eml` and `.mbox` files directly in a folder, as
//! Outlook or Thunderbird export them. An `.mbox` is split on its `From ` lines (and
//! `>From ` unescaped) by `mail-parser`'s reader. A message's key is its Message-ID, or
//! the SHA-256 of its bytes when it has none; the moment it arrived is its topmost
//! `Received:` header's date (the office's server wrote it), never `Date:` (the
//! sender's PC wrote that). Files are never changed: [`Mailbox::done`] does nothing,
//! the collect log is what says a message was collected.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use sha2::{Digest, Sha256};

use super::{Arrival, Mailbox};
use crate::Error;

/// The exported files of a folder.
pub struct Folder {
    dir: PathBuf,
    /// How paths are shown (the workspace folder).
    root: Option<PathBuf>,
}

impl Folder {
    /// The mailbox of the folder `dir`; `root` is the workspace, for how paths are shown.
    pub fn new(dir: impl Into<PathBuf>, root: Option<&Path>) -> Folder {
        Folder {
            dir: dir.into(),
            root: root.map(Path::to_path_buf),
        }
    }
}

impl Mailbox for Folder {
    /// Every message of the folder's `.eml` and `.mbox` files, in file name order, then
    /// in the order of an mbox.
    fn arrivals(&mut self) -> Result<Vec<Arrival>, Error> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Io { path, source }
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map_err(io(&self.dir))?
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.path())
            .filter(|p| {
                p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    e.eq_ignore_ascii_case("eml") || e.eq_ignore_ascii_case("mbox")
                })
            })
            .collect();
        files.sort();
        let mut arrivals = Vec::new();
        for path in files {
            let shown = crate::workspace::shown_path(&path, self.root.as_deref());
            let is_mbox = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("mbox"));
            if is_mbox {
                let file = std::fs::File::open(&path).map_err(io(&path))?;
                let reader = std::io::BufReader::new(file);
                for (n, message) in
                    mail_parser::mailbox::mbox::MessageIterator::new(reader).enumerate()
                {
                    let message = message.map_err(io(&path))?;
                    arrivals.push(arrival(
                        format!("{shown} (thư {})", n + 1),
                        message.unwrap_contents(),
                    ));
                }
            } else {
                let raw = std::fs::read(&path).map_err(io(&path))?;
                arrivals.push(arrival(shown, raw));
            }
        }
        Ok(arrivals)
    }

    fn done(&mut self, _arrival: &Arrival) -> Result<(), Error> {
        Ok(())
    }
}

/// The arrival of the message `raw`, found at `origin`.
fn arrival(origin: String, raw: Vec<u8>) -> Arrival {
    let head = header_block(&raw);
    let key = match header(&head, "message-id") {
        Some(id) if !id.trim().is_empty() => format!("message-id:{}", id.trim()),
        _ => format!("sha256:{}", hex(&Sha256::digest(&raw))),
    };
    Arrival {
        key,
        origin,
        received: header(&head, "received").and_then(|r| received_at(&r)),
        raw,
    }
}

/// The message's header block, unfolded into one line per header.
fn header_block(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    let mut lines: Vec<String> = Vec::new();
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = lines.last_mut() {
                last.push(' ');
                last.push_str(line.trim());
            }
        } else {
            lines.push(line.to_owned());
        }
    }
    lines
}

/// The first (topmost) header `name`'s value.
fn header(head: &[String], name: &str) -> Option<String> {
    head.iter().find_map(|l| {
        let (key, value) = l.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().to_owned())
    })
}

/// The date of a `Received:` header: what follows its last `;` (RFC 5321 §4.4).
pub fn received_at(value: &str) -> Option<DateTime<FixedOffset>> {
    let (_, date) = value.rsplit_once(';')?;
    let parsed = mail_parser::DateTime::parse_rfc822(date.trim())?;
    if !parsed.is_valid() {
        return None;
    }
    let seconds = i32::from(parsed.tz_hour) * 3600 + i32::from(parsed.tz_minute) * 60;
    let offset = if parsed.tz_before_gmt {
        FixedOffset::west_opt(seconds)
    } else {
        FixedOffset::east_opt(seconds)
    }?;
    DateTime::from_timestamp(parsed.to_timestamp(), 0).map(|t| t.with_timezone(&offset))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn received_is_the_topmost_header_not_date() {
        let raw = b"Received: from mx.example.vn by mail.office.vn;\r\n\tMon, 3 Aug 2020 17:30:00 +0000 (UTC)\r\nReceived: from pc by mx.example.vn; Mon, 3 Aug 2020 16:00:00 +0000\r\nDate: Fri, 31 Jul 2020 09:00:00 +0700\r\nMessage-ID: <abc@example.vn>\r\n\r\nbody\r\n".to_vec();
        let a = arrival("x.eml".into(), raw);
        assert_eq!(a.key, "message-id:<abc@example.vn>");
        let at = a.received.unwrap();
        assert_eq!(at.to_rfc3339(), "2020-08-03T17:30:00+00:00");
        let vn = at.with_timezone(&crate::clock::vietnam());
        assert_eq!(vn.date_naive().to_string(), "2020-08-04");
        assert_eq!(
            received_at("by x; Tue, 4 Aug 2020 00:10:00 +0700")
                .unwrap()
                .to_rfc3339(),
            "2020-08-04T00:10:00+07:00"
        );
        assert!(received_at("no date here").is_none());
    }

    #[test]
    fn a_message_without_id_is_keyed_by_its_bytes() {
        let a = arrival("x.eml".into(), b"Subject: x\r\n\r\nbody".to_vec());
        assert!(
            a.key.starts_with("sha256:") && a.key.len() == 7 + 64,
            "{}",
            a.key
        );
        assert!(a.received.is_none());
    }
}

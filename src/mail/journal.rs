//! The delivery log `delivered.log` of an outbox: one line per fact about a message,
//! each line written by one append of the whole line and synced before anything else
//! happens.
//!
//! ```text
//! <message-id> TAB <time> TAB <queue name> TAB <address,address,…>[ TAB <status>]
//! ```
//!
//! Without a status the message went out to those addresses (the format of every
//! earlier version). `uncertain`: its whole content was sent to those addresses but the
//! server never acknowledged it. `refused`: the server refused those addresses for good
//! (5xx), they are not tried again. A line that does not have this form is *damaged*:
//! it is reported, and never lets a message go out again (see [`Journal::mentions`]).

use std::collections::BTreeSet;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

/// The file name of the log in an outbox.
pub const FILE: &str = "delivered.log";

/// What a line says happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The server acknowledged the message for these addresses.
    Delivered,
    /// The content was sent to these addresses, the acknowledgement never came.
    Uncertain,
    /// The server refused these addresses with a permanent (5xx) reply.
    Refused,
}

/// One well-formed line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The message's Message-ID, with angle brackets.
    pub message_id: String,
    /// Its queue name.
    pub name: String,
    /// The addresses the fact is about.
    pub addresses: Vec<String>,
    /// What happened.
    pub status: Status,
}

/// A line that is not a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Damaged {
    /// Its line number, from 1.
    pub line: usize,
    /// Its text (invalid UTF-8 replaced).
    pub text: String,
}

/// The log as read.
#[derive(Clone, Debug, Default)]
pub struct Journal {
    /// Well-formed lines, in order.
    pub records: Vec<Record>,
    /// Damaged lines, in order.
    pub damaged: Vec<Damaged>,
}

/// What the log says about one message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    /// Addresses it went out to.
    pub delivered: BTreeSet<String>,
    /// Addresses refused for good.
    pub refused: BTreeSet<String>,
    /// How many times its content was sent without an acknowledgement.
    pub uncertain: usize,
}

impl Journal {
    /// Reads the log at `path`; no file is an empty log.
    ///
    /// # Errors
    /// The file exists but cannot be read.
    pub fn read(path: &Path) -> std::io::Result<Journal> {
        match std::fs::read(path) {
            Ok(bytes) => Ok(Journal::parse(&bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Journal::default()),
            Err(e) => Err(e),
        }
    }

    /// Parses the log's bytes. A byte-order mark and Windows line ends (an editor's) are
    /// tolerated; blank lines are skipped; a last line without its line end was cut
    /// short and is damaged.
    pub fn parse(bytes: &[u8]) -> Journal {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut journal = Journal::default();
        let mut lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
        // `split` gives an empty piece after the last line end; a non-empty one was
        // never finished.
        let unfinished = lines.pop().filter(|l| !l.is_empty());
        for (i, line) in lines.iter().enumerate() {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match std::str::from_utf8(line).ok().and_then(parse_record) {
                Some(record) => journal.records.push(record),
                None => journal.damaged.push(Damaged {
                    line: i + 1,
                    text: String::from_utf8_lossy(line).into_owned(),
                }),
            }
        }
        if let Some(line) = unfinished {
            journal.damaged.push(Damaged {
                line: lines.len() + 1,
                text: String::from_utf8_lossy(line).into_owned(),
            });
        }
        journal
    }

    /// What the well-formed lines say about `message_id`.
    pub fn state(&self, message_id: &str) -> State {
        let mut state = State::default();
        for r in self.records.iter().filter(|r| r.message_id == message_id) {
            match r.status {
                Status::Delivered => state.delivered.extend(r.addresses.iter().cloned()),
                Status::Refused => state.refused.extend(r.addresses.iter().cloned()),
                Status::Uncertain => state.uncertain += 1,
            }
        }
        state
    }

    /// Whether any line, well-formed or damaged, is about the message `message_id`
    /// queued as `name` (a queued message the log knows of is kept).
    pub fn knows(&self, message_id: &str, name: &str) -> bool {
        self.records.iter().any(|r| r.message_id == message_id)
            || self
                .damaged
                .iter()
                .any(|d| mentions(&d.text, message_id, name))
    }

    /// Adds a record written to the file to what was read.
    pub fn push(&mut self, record: Record) {
        self.records.push(record);
    }
}

/// Whether the damaged line `text` may be about the message `message_id` queued as
/// `name`: it holds the Message-ID, the queue name, or any 12 characters in a row of the
/// Message-ID's content hash (a line cut short, or two lines run together, still holds
/// part of it). Conservative on purpose: such a message is taken as delivered.
pub fn mentions(text: &str, message_id: &str, name: &str) -> bool {
    if text.contains(message_id) || (!name.is_empty() && text.contains(name)) {
        return true;
    }
    let hash = message_id
        .trim_start_matches('<')
        .split(['.', '@'])
        .next()
        .unwrap_or_default();
    if hash.len() < 12 || !hash.is_ascii() {
        return false;
    }
    (0..=hash.len() - 12).any(|i| text.contains(&hash[i..i + 12]))
}

fn parse_record(line: &str) -> Option<Record> {
    let fields: Vec<&str> = line.split('\t').collect();
    let (id, when, name, addresses, status) = match fields.as_slice() {
        [id, when, name, addresses] => (*id, *when, *name, *addresses, Status::Delivered),
        [id, when, name, addresses, "uncertain"] => {
            (*id, *when, *name, *addresses, Status::Uncertain)
        }
        [id, when, name, addresses, "refused"] => (*id, *when, *name, *addresses, Status::Refused),
        _ => return None,
    };
    let id_ok = id.len() > 3
        && id.starts_with('<')
        && id.ends_with('>')
        && id.contains('@')
        && !id[1..id.len() - 1].contains(['<', '>', ' ']);
    if !id_ok || name.is_empty() || chrono::DateTime::parse_from_rfc3339(when).is_err() {
        return None;
    }
    let addresses: Vec<String> = addresses.split(',').map(str::to_owned).collect();
    if addresses
        .iter()
        .any(|a| a.is_empty() || !a.contains('@') || a.contains([' ', '<', '>']))
    {
        return None;
    }
    Some(Record {
        message_id: id.to_owned(),
        name: name.to_owned(),
        addresses,
        status,
    })
}

/// The line of `record` written at `when`, with its line end.
pub fn line(record: &Record, when: &str) -> String {
    let status = match record.status {
        Status::Delivered => "",
        Status::Uncertain => "\tuncertain",
        Status::Refused => "\trefused",
    };
    format!(
        "{}\t{when}\t{}\t{}{status}\n",
        record.message_id,
        record.name,
        record.addresses.join(",")
    )
}

/// Appends `record` to the log at `path` with one write of the whole line (the file is
/// opened for appending, so two writers never mix their lines), then syncs it; a new log
/// has its folder synced too. A log whose last line was cut short gets a line end first,
/// in the same write, so the new record is whole.
///
/// # Errors
/// The log cannot be opened, written (a short write is an error) or synced.
pub fn append(path: &Path, record: &Record, when: &str) -> std::io::Result<()> {
    let existed = path.exists();
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)?;
    let mut text = line(record, when);
    let len = file.metadata()?.len();
    if len > 0 {
        let mut last = [0u8];
        file.seek(SeekFrom::Start(len - 1))?;
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            text.insert(0, '\n');
        }
    }
    let written = file.write(text.as_bytes())?;
    if written != text.len() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::WriteZero,
            format!("{written} of {} bytes written", text.len()),
        ));
    }
    file.sync_all()?;
    if !existed {
        sync_folder(path);
    }
    Ok(())
}

/// Syncs the folder of `path`, so that a new file's name survives a power cut (where the
/// platform allows opening a folder).
fn sync_folder(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "<0123456789abcdef01234567.01-thuong-vu@chibo.example.vn>";

    #[test]
    fn records_and_damaged_lines() {
        let text = format!(
            "\u{feff}{ID}\t2020-08-06T08:00:00+07:00\t01-thuong-vu\ta@x.vn,b@x.vn\r\n\n\
             {ID}\t2020-08-06T08:00:01+07:00\t01-thuong-vu\tc@x.vn\trefused\n\
             {ID}\t2020-08-06T08:00:02+07:00\t01-thuong-vu\ta@x.vn\tuncertain\n\
             {ID}\tyesterday\t01-thuong-vu\ta@x.vn\n\
             <aa@b>\t2020-08-06T08:00:00+07:00\t02\td@x.vn\tlost\n\
             <0123456789ab"
        );
        let j = Journal::parse(text.as_bytes());
        assert_eq!(j.records.len(), 3);
        assert_eq!(
            j.damaged.iter().map(|d| d.line).collect::<Vec<_>>(),
            vec![5, 6, 7]
        );
        let s = j.state(ID);
        assert_eq!(
            s.delivered.into_iter().collect::<Vec<_>>(),
            vec!["a@x.vn", "b@x.vn"]
        );
        assert_eq!(s.refused.into_iter().collect::<Vec<_>>(), vec!["c@x.vn"]);
        assert_eq!(s.uncertain, 1);
        assert_eq!(j.state("<other@x>"), State::default());
    }

    #[test]
    fn a_damaged_line_mentions_what_it_holds_part_of() {
        assert!(mentions("xx<0123456789ab", ID, "01-thuong-vu"));
        assert!(mentions("…\t01-thuong-vu\t…", ID, "01-thuong-vu"));
        assert!(mentions("3456789abcdef0", ID, "01-thuong-vu"));
        assert!(!mentions("<0123456789a", ID, "01-thuong-vu"));
        assert!(!mentions("garbage", ID, "01-thuong-vu"));
    }

    #[test]
    fn appending_finishes_a_cut_line_and_keeps_each_record_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        std::fs::write(&path, "<0123456789ab").unwrap();
        let record = Record {
            message_id: ID.into(),
            name: "01-thuong-vu".into(),
            addresses: vec!["a@x.vn".into()],
            status: Status::Delivered,
        };
        append(&path, &record, "2020-08-06T08:00:00+07:00").unwrap();
        append(&path, &record, "2020-08-06T08:00:01+07:00").unwrap();
        let j = Journal::read(&path).unwrap();
        assert_eq!(j.records.len(), 2);
        assert_eq!(j.damaged.len(), 1);
        assert_eq!(j.damaged[0].line, 1);
    }
}

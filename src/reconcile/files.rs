//! Which file of a unit and month is used (SPEC §7, Files). Pure.

use std::cmp::Ordering;
use std::time::SystemTime;

use chrono::NaiveDate;

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::model::YearMonth;
use crate::submission::{FileStatus, Submission};

/// A file of a month folder, read, with what the file rules need.
#[derive(Clone, Debug)]
pub struct InboxFile {
    /// The month folder it sits in.
    pub month: YearMonth,
    /// When the office received it: `received.txt`, else its modification date.
    pub received: NaiveDate,
    /// Its modification time.
    pub modified: SystemTime,
    /// SHA-256 of its bytes.
    pub digest: [u8; 32],
    /// What reading it gave.
    pub submission: Submission,
}

/// What the file rules made of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileUse {
    /// Its rows count.
    Used,
    /// Another file of the same unit and month is used instead.
    Superseded,
    /// Not a spreadsheet.
    Skipped,
    /// Cannot be opened, or its unit or month cannot be told.
    Unreadable,
}

/// "Most recently received": received date, then modification time, then path in
/// code-point order.
fn recency(a: &InboxFile, b: &InboxFile) -> Ordering {
    (a.received, a.modified, &a.submission.file).cmp(&(b.received, b.modified, &b.submission.file))
}

/// Decides the use of each of `files` (one month folder), returning one use per file and
/// the notices and warnings about superseded files.
pub fn decide(files: &[&InboxFile]) -> (Vec<FileUse>, Vec<Diagnostic>) {
    let mut uses: Vec<FileUse> = files
        .iter()
        .map(|f| match f.submission.status {
            FileStatus::Read => FileUse::Used,
            FileStatus::Skipped => FileUse::Skipped,
            FileStatus::Unreadable => FileUse::Unreadable,
        })
        .collect();
    let mut diags = Vec::new();
    let mut units: Vec<&str> = files
        .iter()
        .filter_map(|f| f.submission.identity.unit.as_deref())
        .collect();
    units.sort_unstable();
    units.dedup();
    for unit in units {
        let mut candidates: Vec<usize> = (0..files.len())
            .filter(|&i| {
                uses[i] == FileUse::Used
                    && files[i].submission.identity.unit.as_deref() == Some(unit)
            })
            .collect();
        candidates.sort_by(|&a, &b| recency(files[a], files[b]));
        // Identical content: the earliest received stands for all its copies.
        let mut kept: Vec<usize> = Vec::new();
        for &i in &candidates {
            if let Some(&first) = kept.iter().find(|&&k| files[k].digest == files[i].digest) {
                uses[i] = FileUse::Superseded;
                let message = format!(
                    "tệp giống hệt tệp «{}» nhận trước; chỉ dùng tệp nhận trước",
                    file_name(&files[first].submission.file)
                );
                diags.push(notice_at(files[i], Code::FileDuplicate, message));
            } else {
                kept.push(i);
            }
        }
        // Different versions: the most recently received is used.
        if let Some(&newest) = kept.last() {
            for &i in &kept[..kept.len() - 1] {
                uses[i] = FileUse::Superseded;
                let message = format!(
                    "đơn vị đã gửi bản mới hơn («{}»); bản này không được dùng",
                    file_name(&files[newest].submission.file)
                );
                let mut d = notice_at(files[i], Code::FileSuperseded, message);
                d.severity = crate::diagnostic::Severity::Warning;
                diags.push(d);
            }
        }
    }
    (uses, diags)
}

fn notice_at(file: &InboxFile, code: Code, message: String) -> Diagnostic {
    let mut d = Diagnostic::notice(code, Location::file(&file.submission.file), message);
    d.unit.clone_from(&file.submission.identity.unit);
    d
}

/// A file as its unit knows it: its name, without the office's folders.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

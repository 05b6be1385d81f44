//! One delivery pass over an outbox: which messages to send, to whom, how often, and
//! what to record and report (the promises are listed in [`super`]).

use std::collections::BTreeMap;
use std::time::Instant;

use super::journal::{self, Record, Status};
use super::outbox::{self, Outbox};
use super::smtp::{self, Deliver, Failure, Outcome, Reason, Refusal};
use super::{Note, SendReport, stray_notes};
use crate::diagnostic::{Code, Severity};

/// Delivers every message of `outbox` not yet delivered, within the sender's timing.
///
/// # Errors
/// The outbox or its log cannot be read, or a message file cannot be read.
pub fn deliver_all(outbox: &Outbox, sender: &dyn Deliver) -> std::io::Result<SendReport> {
    let timing = sender.timing();
    let deadline = Instant::now() + timing.bound;
    let listing = outbox.list()?;
    let mut journal = outbox.journal()?;
    let mut report = SendReport {
        notes: stray_notes(&listing.strays),
        ..SendReport::default()
    };

    // A damaged line holds back every message it may be about; one that cannot be
    // told holds back every message still to send.
    let mut held: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut unknown = Vec::new();
    for d in &journal.damaged {
        let about: Vec<&str> = listing
            .entries
            .iter()
            .filter(|e| journal::mentions(&d.text, &e.message_id, &e.name))
            .map(|e| e.name.as_str())
            .collect();
        let message = if about.is_empty() {
            unknown.push(d.line);
            "dòng này của delivered.log bị hỏng và không cho biết là của thư nào".to_owned()
        } else {
            for name in &about {
                held.entry(name).or_default().push(d.line);
            }
            format!(
                "dòng này của delivered.log bị hỏng; nó nhắc tới thư {}, nên thư đó được coi là đã gửi và không gửi lại",
                about.join(", ")
            )
        };
        report.notes.push(Note {
            file: Some(journal::FILE.into()),
            line: Some(d.line),
            ..Note::new(
                Severity::Notice,
                Code::EmailLogDamaged,
                format!("{message} (nội dung: «{}»)", shorten(&d.text, 80)),
            )
        });
    }

    let mut stop: Option<Reason> = None;
    for entry in &listing.entries {
        let state = journal.state(&entry.message_id);
        let pending: Vec<String> = entry
            .to
            .iter()
            .filter(|a| !state.delivered.contains(*a) && !state.refused.contains(*a))
            .cloned()
            .collect();
        if held.contains_key(entry.name.as_str()) || pending.is_empty() {
            report.already += 1;
            continue;
        }
        if state.uncertain >= 2 {
            report.already += 1;
            report.notes.push(Note::new(
                Severity::Warning,
                Code::EmailUncertain,
                format!(
                    "thư {} đã được gửi hai lần mà máy chủ không xác nhận lần nào: chibo coi như thư đã gửi và không gửi lại (hãy hỏi người nhận; muốn gửi lại thì xóa các dòng «uncertain» của thư này trong delivered.log)",
                    entry.name
                ),
            ));
            continue;
        }
        let name = &entry.name;
        if !unknown.is_empty() {
            report.failed.push(name.clone());
            let lines: Vec<String> = unknown.iter().map(ToString::to_string).collect();
            report.notes.push(Note::new(
                Severity::Error,
                Code::EmailLogDamaged,
                format!(
                    "chưa gửi thư {name}: delivered.log có dòng bị hỏng không rõ là của thư nào (dòng {}), nên chưa gửi để khỏi gửi trùng; hãy xem lại dòng đó, xóa nó nếu chắc chắn không phải thư này, rồi chạy lại «chibo send»",
                    lines.join(", ")
                ),
            ));
            continue;
        }
        if let Some(reason) = &stop {
            report.failed.push(name.clone());
            let text = format!("chưa thử gửi thư {name} vì {reason}");
            let _ = outbox.mark_failed(entry, &text);
            report.notes.push(Note::new(
                Severity::Error,
                Code::EmailUndelivered,
                format!("{text}; thư vẫn chờ trong hộp thư đi"),
            ));
            continue;
        }
        let raw = std::fs::read(&entry.eml)?;
        let done = deliver_one(outbox, &mut journal, sender, entry, pending, &raw, deadline);
        if let Some(f) = &done.last {
            if f.reason.is_server_wide() {
                stop = Some(f.reason.clone());
            }
        }
        done.report(outbox, entry, state.uncertain, &mut report);
    }
    Ok(report)
}

/// What the pass did with one message.
struct Done {
    /// Addresses it went out to now.
    got: Vec<String>,
    /// Addresses refused for good now.
    refused: Vec<Refusal>,
    /// Addresses still to send to, with why the last try failed.
    pending: Vec<String>,
    last: Option<Failure>,
    /// Sent whole without an acknowledgement.
    uncertain: Option<(Vec<String>, Failure)>,
    /// Records the log did not take, with why.
    unrecorded: Vec<(Record, std::io::Error)>,
}

fn deliver_one(
    outbox: &Outbox,
    journal: &mut journal::Journal,
    sender: &dyn Deliver,
    entry: &outbox::Entry,
    mut pending: Vec<String>,
    raw: &[u8],
    deadline: Instant,
) -> Done {
    let timing = sender.timing();
    let mut done = Done {
        got: Vec::new(),
        refused: Vec::new(),
        pending: Vec::new(),
        last: None,
        uncertain: None,
        unrecorded: Vec::new(),
    };
    let mut record = |status: Status, addresses: Vec<String>, done: &mut Done| {
        let r = Record {
            message_id: entry.message_id.clone(),
            name: entry.name.clone(),
            addresses,
            status,
        };
        if let Err(e) = outbox.record(&r) {
            done.unrecorded.push((r.clone(), e));
        }
        journal.push(r);
    };
    let mut wait = timing.backoff;
    for attempt_no in 1..=timing.attempts.max(1) {
        let attempt = sender.deliver(&entry.from, &pending, raw, deadline);
        let permanent: Vec<Refusal> = attempt
            .refused
            .iter()
            .filter(|r| r.permanent)
            .cloned()
            .collect();
        if !permanent.is_empty() {
            let addresses = permanent.iter().map(|r| r.address.clone()).collect();
            record(Status::Refused, addresses, &mut done);
            pending.retain(|a| !permanent.iter().any(|r| &r.address == a));
            done.refused.extend(permanent);
        }
        // A recipient refused for now, the others accepted.
        let temporary = attempt
            .refused
            .iter()
            .find(|r| !r.permanent)
            .map(|r| Failure {
                reason: Reason::Busy {
                    code: r.code,
                    stage: smtp::Stage::Rcpt,
                },
                detail: format!("{}: {}", r.address, r.detail),
            });
        let retry = match attempt.outcome {
            Outcome::Delivered => {
                record(Status::Delivered, attempt.accepted.clone(), &mut done);
                pending.retain(|a| !attempt.accepted.contains(a));
                done.got.extend(attempt.accepted);
                done.last = temporary;
                done.last.is_some()
            }
            Outcome::Uncertain(f) => {
                record(Status::Uncertain, attempt.accepted.clone(), &mut done);
                pending.retain(|a| !attempt.accepted.contains(a));
                done.uncertain = Some((attempt.accepted, f));
                done.last = temporary;
                false
            }
            Outcome::Permanent(f) => {
                done.last = Some(f);
                false
            }
            Outcome::Temporary(f) => {
                let again = !matches!(f.reason, Reason::Bound { .. });
                done.last = Some(f);
                again
            }
        };
        if pending.is_empty() || !retry || attempt_no == timing.attempts {
            break;
        }
        if Instant::now() + wait >= deadline {
            break;
        }
        std::thread::sleep(wait);
        wait *= 2;
    }
    if pending.is_empty() {
        done.last = None;
    }
    done.pending = pending;
    done
}

impl Done {
    fn report(
        self,
        outbox: &Outbox,
        entry: &outbox::Entry,
        uncertain_before: usize,
        report: &mut SendReport,
    ) {
        let name = &entry.name;
        let quoted = |list: &[String]| {
            list.iter()
                .map(|a| format!("«{a}»"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut notes = Vec::new();
        let mut detail = Vec::new();
        if let Some((_, f)) = &self.uncertain {
            let then = if uncertain_before == 0 {
                "có thể thư đã đến: lần này không gửi lại; lần gửi sau sẽ gửi lại đúng một lần, nên người nhận có thể nhận hai bản"
            } else {
                "đây là lần thứ hai: chibo coi như thư đã gửi và không gửi lại nữa (hãy hỏi người nhận)"
            };
            notes.push(Note::new(
                Severity::Error,
                Code::EmailUncertain,
                format!(
                    "thư {name}: {}; đã gửi hết nội dung nhưng máy chủ không xác nhận; {then} (chi tiết trong {name}.error)",
                    f.reason
                ),
            ));
            detail.push(format!("{} — {}", f.reason, f.detail));
        }
        if !self.refused.is_empty() {
            let refused: Vec<String> = self
                .refused
                .iter()
                .map(|r| format!("«{}» (mã {})", r.address, r.code))
                .collect();
            let sent = if self.got.is_empty() {
                "chưa gửi cho ai".to_owned()
            } else {
                format!("đã gửi cho {}", quoted(&self.got))
            };
            notes.push(Note::new(
                Severity::Error,
                Code::EmailRecipientRefused,
                format!(
                    "thư {name}: máy chủ thư từ chối địa chỉ {}; {sent}; địa chỉ bị từ chối sẽ không được gửi lại, hãy kiểm tra địa chỉ đó (chi tiết trong {name}.error)",
                    refused.join(", ")
                ),
            ));
            for r in &self.refused {
                detail.push(format!(
                    "máy chủ thư từ chối địa chỉ «{}» (mã {}) — {}",
                    r.address, r.code, r.detail
                ));
            }
        }
        if let Some(f) = &self.last {
            let to = if self.got.is_empty() && self.refused.is_empty() {
                String::new()
            } else {
                format!(" cho {}", quoted(&self.pending))
            };
            notes.push(Note::new(
                Severity::Error,
                Code::EmailUndelivered,
                format!(
                    "chưa gửi được thư {name}{to}: {}; thư vẫn chờ trong hộp thư đi (chi tiết trong {name}.error)",
                    f.reason
                ),
            ));
            detail.push(format!("{} — {}", f.reason, f.detail));
        }
        for (record, e) in &self.unrecorded {
            let what = match record.status {
                Status::Delivered => "ĐÃ ĐƯỢC GỬI ĐI",
                Status::Uncertain => "có thể đã được gửi đi",
                Status::Refused => "bị từ chối",
            };
            notes.push(Note::new(
                Severity::Error,
                Code::EmailUnrecorded,
                format!(
                    "thư {name} {what} tới {} nhưng không ghi được vào delivered.log ({}); lần này không gửi lại; trước khi chạy lại «chibo send», hãy thêm dòng sau vào cuối delivered.log, nếu không thư sẽ được gửi lại: {}",
                    quoted(&record.addresses),
                    io_reason(e),
                    outbox.record_line(record).trim_end()
                ),
            ));
        }
        let complete =
            self.pending.is_empty() && self.refused.is_empty() && self.uncertain.is_none();
        if complete {
            report.delivered.push(name.clone());
            let _ = outbox.clear_failed(entry);
        } else {
            report.failed.push(name.clone());
            if !detail.is_empty() {
                let _ = outbox.mark_failed(entry, &detail.join("\n"));
            }
        }
        report.notes.extend(notes);
    }
}

/// Why a file could not be written, in Vietnamese.
fn io_reason(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::StorageFull | K::QuotaExceeded => "ổ đĩa đã đầy",
        K::PermissionDenied => "không có quyền ghi",
        K::ReadOnlyFilesystem => "ổ đĩa chỉ cho đọc",
        K::IsADirectory => "ở chỗ tệp đó lại là một thư mục",
        K::NotFound => "không tìm thấy thư mục hộp thư đi",
        _ => "lỗi khi ghi tệp",
    }
}

/// `text` cut to `max` characters with «…».
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        text.chars().take(max).collect::<String>() + "…"
    }
}

//! `chibo collect [--month YYYY-MM] [--from DIR]`: reports that arrived by email, taken
//! into the inbox. For each message not yet in the collect log: its spreadsheets (zip
//! unpacked) go to their month folder with their `received.txt` line, or to
//! `quarantine/` when the sender is no unit of the roster; then the message is logged,
//! then the mailbox is told it is done. Each collected file is then checked as `check`
//! checks it inside the workspace.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, FixedOffset, Utc};

use crate::Error;
use crate::collect::{Arrival, Mailbox, decide, letter, log, name, store};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::matching::Matcher;
use crate::model::YearMonth;
use crate::submission::Submission;
use crate::workspace::Workspace;

/// What `collect` did.
pub struct Collected {
    /// What became of each message, in order: a heading and one line per attachment.
    pub messages: Vec<(String, Vec<String>)>,
    /// The files collected now (saved or found already), checked.
    pub checked: Vec<Submission>,
    /// Attachments refused (beyond a limit) or messages that could not be read.
    pub refused: usize,
    /// Totals: saved, duplicates, quarantined, left aside, messages already collected.
    pub totals: Totals,
    /// Receipts queued now.
    pub receipts: usize,
    /// Whether a receipt could not be delivered (with `transport = "smtp"`).
    pub delivery_failed: bool,
    /// What delivery said, as diagnostics.
    pub delivery_notes: Vec<crate::diagnostic::Diagnostic>,
    /// The problems of the messages: refused, quarantined and ignored attachments,
    /// messages that cannot be read; each at its message.
    pub notes: Vec<Diagnostic>,
}

impl Collected {
    /// What `collect` prints: each message with what became of its attachments, each
    /// file's check line, and the totals.
    pub fn printed(&self) -> String {
        use std::fmt::Write as _;
        let safe = crate::diagnostic::terminal_safe;
        let mut text = String::new();
        for (heading, lines) in &self.messages {
            let _ = writeln!(text, "Thư {}:", safe(heading));
            for line in lines {
                let _ = writeln!(text, "  - {}", safe(line));
            }
        }
        for s in &self.checked {
            let _ = writeln!(text, "{}", crate::report::terminal::check_line(s));
        }
        let t = &self.totals;
        let _ = writeln!(
            text,
            "Đã đọc {} thư mới ({} thư đã nhận từ trước): lưu {} tệp, {} tệp đã có, {} tệp cách ly, {} tệp đính kèm bỏ qua; {} biên nhận xếp hàng gửi.",
            t.messages, t.already, t.saved, t.duplicates, t.quarantined, t.left, self.receipts
        );
        text
    }
}

/// The counts `collect` prints last.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Messages read now.
    pub messages: usize,
    /// Messages the log already had.
    pub already: usize,
    /// Files saved into the inbox.
    pub saved: usize,
    /// Files already in the inbox (same content).
    pub duplicates: usize,
    /// Files put in quarantine.
    pub quarantined: usize,
    /// Attachments left aside (not spreadsheets, or refused).
    pub left: usize,
}

/// A file of the inbox that a message brought (saved now, or found there).
struct InInbox {
    path: PathBuf,
    name: String,
    received: chrono::NaiveDate,
    unit: String,
    month: YearMonth,
}

/// Queues the receipt of `file` (checked as `checked`) in its month's outbox, unless it
/// is queued there already, unit feedback is off, or the unit has no address. Returns
/// the outbox when a receipt was queued.
fn queue_receipt(
    ws: &Workspace,
    env: &minijinja::Environment,
    file: &InInbox,
    checked: &Submission,
) -> Result<Option<PathBuf>, Error> {
    use sha2::Digest as _;
    let config = &ws.config;
    if !config.email.unit_feedback {
        return Ok(None);
    }
    let code = checked.identity.unit.as_deref().unwrap_or(&file.unit);
    let Some(unit) = ws.roster.unit(code).filter(|u| !u.emails.is_empty()) else {
        return Ok(None);
    };
    let from = config.email.from.as_ref().ok_or_else(|| Error::NoSender {
        config: config.path.clone(),
    })?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    let bytes = std::fs::read(&file.path).map_err(io(&file.path))?;
    let name = crate::collect::receipt::name(&sha2::Sha256::digest(&bytes));
    let dir = config.out.join(file.month.to_string()).join("outbox");
    if dir.join(format!("{name}.eml")).exists() {
        return Ok(None);
    }
    let about = crate::collect::receipt::About {
        province: &config.province,
        unit,
        checked,
        file: &file.name,
        received: file.received,
        month: file.month,
        name,
    };
    let email = crate::collect::receipt::render_receipt(env, &about)?;
    let date = {
        use chrono::TimeZone;
        let at = file.received.and_hms_opt(8, 0, 0).expect("a valid time");
        std::time::SystemTime::from(
            config
                .timezone
                .from_local_datetime(&at)
                .single()
                .expect("a fixed offset is unambiguous"),
        )
    };
    let queued = crate::mail::build(&email, from, date).map_err(|source| Error::EmailMessage {
        outbox: ws.shown(&dir),
        source,
    })?;
    crate::mail::Outbox::new(&dir)
        .add(&[queued])
        .map_err(io(&dir))?;
    Ok(Some(dir))
}

/// The quarantine folder, in the workspace folder.
pub const QUARANTINE: &str = "quarantine";

/// Collects the messages of `mailbox` into the workspace of `config_path` at `now`;
/// `month` is the month given for workbooks that do not say theirs.
///
/// # Errors
/// The configuration or roster cannot be used; the mailbox, the inbox or the log cannot
/// be read or written.
pub fn collect(
    config_path: &Path,
    mailbox: &mut dyn Mailbox,
    month: Option<YearMonth>,
    now: DateTime<Utc>,
) -> Result<Collected, Error> {
    let ws = Workspace::load(config_path)?;
    let config = &ws.config;
    crate::output::set::recover(&config.out)?;
    let matcher = Matcher::new(&ws.roster);
    let root = config.root.clone();
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    let mut collect_log = log::Log::read(&root).map_err(io(&root.join(log::FILE)))?;
    let mut out = Collected {
        messages: Vec::new(),
        checked: Vec::new(),
        refused: 0,
        totals: Totals::default(),
        receipts: 0,
        delivery_failed: false,
        delivery_notes: Vec::new(),
        notes: Vec::new(),
    };
    let env = crate::report::email::templates(Some(&root.join("templates/email")))?;
    let mut outboxes: Vec<PathBuf> = Vec::new();
    for arrival in mailbox.arrivals()? {
        if collect_log.has(&arrival.key) {
            out.totals.already += 1;
            mailbox.done(&arrival)?;
            continue;
        }
        out.totals.messages += 1;
        let arrived = arrival
            .received
            .unwrap_or_else(|| now.fixed_offset())
            .with_timezone(&config.timezone);
        let mut files = Vec::new();
        let lines = take_message(
            &ws, &matcher, &arrival, arrived, month, &mut out, &mut files,
        )?;
        crate::pause::point("collect-saved");
        // Checked and their receipts queued before the message is logged: a kill before
        // the log takes the message again, finds its files, and queues what is missing.
        let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
        let checked = if paths.is_empty() {
            Vec::new()
        } else {
            crate::commands::check::check_in(&ws, &paths)?
        };
        for (file, checked) in files.iter().zip(&checked) {
            if let Some(outbox) = queue_receipt(&ws, &env, file, checked)? {
                out.receipts += 1;
                if !outboxes.contains(&outbox) {
                    outboxes.push(outbox);
                }
            }
        }
        out.checked.extend(checked);
        let record = log::Record {
            key: arrival.key.clone(),
            origin: arrival.origin.clone(),
            at: now
                .with_timezone(&config.timezone)
                .format("%Y-%m-%dT%H:%M:%S%:z")
                .to_string(),
            files: lines.clone(),
        };
        collect_log
            .append(&record)
            .map_err(io(collect_log.path()))?;
        crate::pause::point("collect-logged");
        mailbox.done(&arrival)?;
        let heading = format!(
            "{} (nhận {})",
            arrival.origin,
            arrived.format("%H:%M ngày %d/%m/%Y")
        );
        out.messages.push((heading, lines));
    }
    if config.email.transport == crate::config::Transport::Smtp {
        for dir in &outboxes {
            let outbox = crate::mail::Outbox::new(dir).at_offset(config.timezone);
            let report = crate::mail::deliver_outbox(config, &outbox)?;
            out.delivery_failed |= report.has_errors();
            out.delivery_notes
                .extend(report.diagnostics(&ws.shown(dir)));
        }
    }
    Ok(out)
}

/// The month before the one of `at`.
fn month_before(at: DateTime<FixedOffset>) -> YearMonth {
    let (y, m) = if at.month() == 1 {
        (at.year() - 1, 12)
    } else {
        (at.year(), at.month() - 1)
    };
    YearMonth::new(y, m).expect("a month")
}

/// Saves what `arrival` holds; returns one line per attachment.
fn take_message(
    ws: &Workspace,
    matcher: &Matcher,
    arrival: &Arrival,
    arrived: DateTime<FixedOffset>,
    month: Option<YearMonth>,
    out: &mut Collected,
    files: &mut Vec<InInbox>,
) -> Result<Vec<String>, Error> {
    let config = &ws.config;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    let at = || Location::file(&arrival.origin);
    let Some(letter) = letter::read(&arrival.raw) else {
        out.refused += 1;
        let line = "không đọc được thư (không đúng định dạng thư điện tử); không lưu gì";
        out.notes
            .push(Diagnostic::error(Code::CollectBadMessage, at(), line));
        return Ok(vec![line.to_owned()]);
    };
    let mut lines = Vec::new();
    let sender = letter.sender.clone().unwrap_or_default();
    let sender_unit = decide::unit_of_sender(matcher, &sender);
    let fallback = month.unwrap_or_else(|| month_before(arrived));
    let day = arrived.date_naive();
    for left in &letter.left {
        out.totals.left += 1;
        let line = format!("{}: {}", left.name, left.why);
        if left.refused {
            out.refused += 1;
            out.notes
                .push(Diagnostic::error(Code::CollectRefused, at(), line.clone()));
            lines.push(format!("{}: lỗi: {}", left.name, left.why));
        } else {
            out.notes
                .push(Diagnostic::notice(Code::CollectIgnored, at(), line.clone()));
            lines.push(line);
        }
    }
    if letter.attachments.is_empty() && letter.left.is_empty() {
        lines.push("thư không có tệp đính kèm; không lưu gì".to_owned());
    }
    let notice =
        |file: &str| quarantine_notice(&sender, arrived, &letter.subject, file, &arrival.origin);
    for a in &letter.attachments {
        let safe = name::safe(&a.name);
        let Some(unit) = sender_unit else {
            let shown = quarantine(ws, &safe, &a.bytes, &notice(&a.name))?;
            out.totals.quarantined += 1;
            let line = format!(
                "{}: người gửi «{sender}» không phải địa chỉ của đơn vị nào trong danh sách phân công; đưa vào {shown}, không đưa vào inbox",
                a.name
            );
            out.notes.push(Diagnostic::warning(
                Code::CollectQuarantined,
                at(),
                line.clone(),
            ));
            lines.push(line);
            continue;
        };
        let d = decide::decide(&a.bytes, &safe, matcher, unit, fallback);
        let folder = config.inbox.join(d.month.to_string());
        let stored = store::put(&folder, &d.name, &a.bytes).map_err(io(&folder))?;
        let file_name = stored
            .path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        store::ensure_received(&folder, &file_name, day)
            .map_err(io(&folder.join(crate::inbox::RECEIVED_FILE)))?;
        let shown = ws.shown(&stored.path);
        if stored.duplicate {
            out.totals.duplicates += 1;
            lines.push(format!(
                "{}: đã có trong inbox ({shown}, cùng nội dung); không lưu lại",
                a.name
            ));
        } else {
            out.totals.saved += 1;
            lines.push(format!(
                "{}: lưu vào {shown} (đơn vị {}, tháng {}, nhận ngày {})",
                a.name,
                d.unit,
                d.month.vi(),
                day.format("%d/%m/%Y")
            ));
        }
        files.push(InInbox {
            path: stored.path,
            name: file_name,
            received: day,
            unit: d.unit,
            month: d.month,
        });
    }
    Ok(lines)
}

/// Puts `bytes` in `quarantine/` under `name` (safe), with `notice` beside it in
/// `<name>.txt` (unless the same bytes are there already); returns where, as shown.
fn quarantine(ws: &Workspace, name: &str, bytes: &[u8], notice: &str) -> Result<String, Error> {
    let folder = ws.config.root.join(QUARANTINE);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    let stored = store::put(&folder, name, bytes).map_err(io(&folder))?;
    if !stored.duplicate {
        let mut txt = stored.path.clone().into_os_string();
        txt.push(".txt");
        let path = PathBuf::from(txt);
        crate::output::write_atomic(&path, notice.as_bytes()).map_err(io(&path))?;
    }
    Ok(ws.shown(&stored.path))
}

/// The notice beside a quarantined file, for the office.
fn quarantine_notice(
    sender: &str,
    arrived: DateTime<FixedOffset>,
    subject: &str,
    file: &str,
    origin: &str,
) -> String {
    let sender = if sender.is_empty() {
        "(không rõ)"
    } else {
        sender
    };
    format!(
        "TỆP CÁCH LY (chibo collect)\n\nNgười gửi: {sender}\nThời điểm nhận: {}\nTiêu đề thư: {subject}\nTệp đính kèm: {file}\nThư: {origin}\n\nLý do: địa chỉ người gửi không phải địa chỉ của đơn vị nào trong danh sách phân công (cột Email của trang Đơn vị), nên tệp không được đưa vào inbox.\nNếu đây là báo cáo của một đơn vị, hãy kiểm tra rồi chép tệp vào inbox/YYYY-MM/ (và ghi ngày nhận vào received.txt), hoặc thêm địa chỉ này vào danh sách phân công.\n",
        arrived.format("%H:%M:%S ngày %d/%m/%Y (%:z)")
    )
}

/// The folder mailbox of `--from DIR`.
pub fn folder(dir: &Path, root: Option<&Path>) -> crate::collect::folder::Folder {
    crate::collect::folder::Folder::new(dir, root)
}

//! `chibo run --month YYYY-MM`: the monthly batch. Scans the year's month folders (the
//! I/O edge), reconciles (pure), renders the outputs in memory, then writes them
//! atomically.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::SystemTime;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::Error;
use crate::check::{Workspace, shown_path};
use crate::diagnostic::{self, Code, Diagnostic, Location};
use crate::matching::Matcher;
use crate::model::YearMonth;
use crate::reconcile::{self, InboxFile, Reconciliation};
use crate::submission::{self, Context};

/// The file a month folder may hold to give received dates.
pub const RECEIVED_FILE: &str = "received.txt";

/// What a run produced.
pub struct RunReport {
    /// The figures.
    pub reconciliation: Reconciliation,
    /// The roster's own warnings and notices.
    pub roster_notes: Vec<Diagnostic>,
    /// Files written.
    pub outputs: Vec<PathBuf>,
    /// The province, for titles.
    pub province: String,
    /// The workspace folder.
    pub root: PathBuf,
    /// What became of the month's emails (`None` with `--no-email`).
    pub emails: Option<EmailReport>,
    /// Each stage and how long it took (shown with `-v`; never written to a file).
    pub timings: Vec<(String, std::time::Duration)>,
}

/// The month's emails: how many were queued, where, and what delivery did.
pub struct EmailReport {
    /// Messages queued.
    pub queued: usize,
    /// The outbox folder.
    pub outbox: PathBuf,
    /// The delivery pass, with `transport = "smtp"`.
    pub send: Option<crate::mail::SendReport>,
}

/// What a month folder holds, before reading.
#[derive(Default)]
struct MonthFolder {
    files: Vec<Found>,
    received: HashMap<String, NaiveDate>,
    notes: Vec<Diagnostic>,
}

/// A file found in a month folder, before reading.
struct Found {
    path: PathBuf,
    shown: String,
    name: String,
    modified: SystemTime,
    size: u64,
}

/// Runs month `month` of the workspace of `config_path`; `on_file` is told of each file
/// as it is read (for a progress bar).
///
/// # Errors
/// Configuration or roster errors; a month folder or output that cannot be read or
/// written.
pub fn run(
    config_path: &Path,
    month: YearMonth,
    emails: bool,
    on_file: &(dyn Fn(usize, usize, &str) + Sync),
) -> Result<RunReport, Error> {
    let mut timings = Timings::start();
    let config = crate::config::Config::load(config_path)?;
    let (queue, notes) = queue_year(&config, month)?;
    // The roster loads on one core while the other starts on the reports: reading a
    // report needs the roster only to match its rows, after its sheets are decoded.
    // The reports decoded early wait, so the memory they hold is bounded by the time
    // the roster takes, not by the size of the inbox.
    let workspace = std::sync::OnceLock::new();
    let roster_loaded = AtomicBool::new(false);
    let (matcher, preloaded) = rayon::join(
        || {
            let _done = SetOnDrop(&roster_loaded);
            let ws = Workspace::with_config(config)?;
            Ok::<_, Error>(Matcher::new(&workspace.get_or_init(|| ws).roster))
        },
        || preload(&queue, &roster_loaded),
    );
    let matcher = matcher?;
    timings.lap(format!(
        "nạp cấu hình và danh sách (cùng lúc đọc trước {} tệp)",
        preloaded.len()
    ));
    let files = read_queue(queue, preloaded, &matcher, month, on_file)?;
    drop(matcher);
    let ws = workspace.into_inner().expect("loaded with the matcher");
    let config = &ws.config;
    timings.lap(format!("đọc {} tệp báo cáo", files.len()));
    let mut r = reconcile::reconcile(config, &ws.roster, month, &files);
    r.issues.extend(notes);
    diagnostic::sort(&mut r.issues);
    timings.lap("đối chiếu");

    // Render everything first, so that a failure leaves the previous outputs intact.
    let out_dir = config.out.join(month.to_string());
    let xlsx = |e: rust_xlsxwriter::XlsxError| Error::Xlsx(e.to_string());
    let book = crate::report::workbook::fill(&r, &ws.roster, config).map_err(xlsx)?;
    timings.lap("điền các trang của bảng tổng hợp");
    let workbook = crate::report::workbook::save(book).map_err(xlsx)?;
    timings.lap("nén bảng tổng hợp");
    let workbook_name = format!("tong-hop-{month}.xlsx");
    let summary = crate::report::summary::to_json(&r, &config.province).into_bytes();
    let outputs = vec![out_dir.join(&workbook_name), out_dir.join("summary.json")];
    crate::output::write_all_atomic(&[
        (outputs[0].as_path(), &workbook),
        (outputs[1].as_path(), &summary),
    ])
    .map_err(|(path, source)| Error::Io { path, source })?;
    timings.lap("tạo summary.json và ghi hai tệp");
    let emails = if emails {
        let e = queue_and_send(&ws, &r, &workbook_name, &workbook)?;
        timings.lap("thư điện tử");
        Some(e)
    } else {
        None
    };
    Ok(RunReport {
        reconciliation: r,
        roster_notes: ws.roster_notes,
        outputs,
        province: config.province.clone(),
        root: config.root.clone(),
        emails,
        timings: timings.laps,
    })
}

/// How long each stage of a run took, for `chibo run -v`.
struct Timings {
    last: std::time::Instant,
    laps: Vec<(String, std::time::Duration)>,
}

impl Timings {
    fn start() -> Timings {
        Timings {
            last: std::time::Instant::now(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, stage: impl Into<String>) {
        let now = std::time::Instant::now();
        self.laps.push((stage.into(), now - self.last));
        self.last = now;
    }
}

/// Renders the month's emails, queues them in `out/YYYY-MM/outbox/`, and with
/// `transport = "smtp"` delivers them.
fn queue_and_send(
    ws: &Workspace,
    r: &Reconciliation,
    workbook_name: &str,
    workbook: &[u8],
) -> Result<EmailReport, Error> {
    let config = &ws.config;
    let env = crate::report::email::templates(Some(&config.root.join("templates/email")))
        .map_err(|e| Error::Usage(e.to_string()))?;
    let emails =
        crate::report::email::render_all(&env, r, &ws.roster, config, workbook_name, workbook)
            .map_err(|e| Error::Usage(e.to_string()))?;
    let outbox = crate::mail::Outbox::new(config.out.join(r.month.to_string()).join("outbox"));
    let io = |source| Error::Io {
        path: outbox.dir().to_path_buf(),
        source,
    };
    if emails.is_empty() {
        return Ok(EmailReport {
            queued: 0,
            outbox: outbox.dir().to_path_buf(),
            send: None,
        });
    }
    let from = config.email.from.as_ref().ok_or_else(|| {
        Error::Usage(
            "chưa có địa chỉ người gửi thư: hãy ghi khóa email.from trong chibo.toml".into(),
        )
    })?;
    let date = email_date(crate::report::workbook::document_date(r, config));
    let queued = emails
        .iter()
        .map(|e| crate::mail::build(e, from, date))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::Usage(e.to_string()))?;
    outbox.queue(&queued).map_err(io)?;
    let send = match config.email.transport {
        crate::config::Transport::Smtp => Some(send_outbox(config, &outbox)?),
        crate::config::Transport::Outbox => None,
    };
    Ok(EmailReport {
        queued: queued.len(),
        outbox: outbox.dir().to_path_buf(),
        send,
    })
}

/// Emails are dated 08:00 Vietnam time on the document date, so that the same month
/// gives the same messages.
fn email_date(day: NaiveDate) -> SystemTime {
    use chrono::TimeZone;
    let vietnam = chrono::FixedOffset::east_opt(7 * 3600).expect("a valid offset");
    let at = day.and_hms_opt(8, 0, 0).expect("a valid time");
    SystemTime::from(
        vietnam
            .from_local_datetime(&at)
            .single()
            .expect("a fixed offset is unambiguous"),
    )
}

/// Delivers what waits in `outbox` over the configured SMTP server: three tries each,
/// half a second then a second apart.
///
/// # Errors
/// No `[email.smtp]`, a missing password, an unreadable CA file, or an outbox that
/// cannot be read or written.
pub fn send_outbox(
    config: &crate::config::Config,
    outbox: &crate::mail::Outbox,
) -> Result<crate::mail::SendReport, Error> {
    let smtp = config.email.smtp.as_ref().ok_or_else(|| {
        Error::Usage("chưa cấu hình máy chủ thư: hãy thêm bảng [email.smtp] vào chibo.toml".into())
    })?;
    let password = smtp.password()?;
    let ca = match &smtp.ca_file {
        Some(path) => Some(std::fs::read(path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?),
        None => None,
    };
    let sender =
        crate::mail::SmtpSender::new(smtp, password, ca.as_deref()).map_err(Error::Usage)?;
    crate::mail::deliver_all(outbox, &sender, 3, std::time::Duration::from_millis(500)).map_err(
        |source| Error::Io {
            path: outbox.dir().to_path_buf(),
            source,
        },
    )
}

/// Reads every file of the year's month folders up to `month`, and the notices about
/// month M's `received.txt`. Files of earlier months keep only what counting needs
/// ([`submission::Submission::keep_for_counting`]).
///
/// # Errors
/// A month folder or file that cannot be read.
pub fn read_year(
    ws: &Workspace,
    month: YearMonth,
    on_file: &(dyn Fn(usize, usize, &str) + Sync),
) -> Result<(Vec<InboxFile>, Vec<Diagnostic>), Error> {
    let (queue, notes) = queue_year(&ws.config, month)?;
    let files = read_queue(queue, Vec::new(), &Matcher::new(&ws.roster), month, on_file)?;
    Ok((files, notes))
}

/// A file of a month folder, waiting to be read.
struct Queued {
    month: YearMonth,
    found: Found,
    received: Option<NaiveDate>,
}

/// A file read and its sheets decoded, not yet parsed.
struct Decoded {
    digest: [u8; 32],
    loaded: submission::Loaded,
}

/// The files of the year's month folders up to `month`, in month and path order, and
/// the notices about month M's `received.txt`.
fn queue_year(
    config: &crate::config::Config,
    month: YearMonth,
) -> Result<(Vec<Queued>, Vec<Diagnostic>), Error> {
    let mut queue = Vec::new();
    let mut notes = Vec::new();
    for m in 1..=month.month {
        let ym = YearMonth::new(month.year, m).expect("a month of the year");
        let scanned = scan(&config.inbox.join(ym.to_string()), &config.root)?;
        if ym == month {
            notes.extend(scanned.notes);
        }
        for found in scanned.files {
            let received = scanned.received.get(&found.name).copied();
            queue.push(Queued {
                month: ym,
                found,
                received,
            });
        }
    }
    Ok((queue, notes))
}

/// Reads a file once: its bytes give the digest and the workbook. One over the size
/// limit is not read into memory; the reader refuses it by its size.
fn decode(f: &Found) -> Result<Decoded, Error> {
    if f.size > crate::ingest::workbook::limits::FILE_BYTES {
        return Ok(Decoded {
            digest: [0; 32],
            loaded: submission::load(&f.path, &f.shown),
        });
    }
    let bytes = std::fs::read(&f.path).map_err(|source| Error::Io {
        path: f.path.clone(),
        source,
    })?;
    Ok(Decoded {
        digest: Sha256::digest(&bytes).into(),
        loaded: submission::load_bytes(bytes, &f.shown),
    })
}

/// Decodes the first files of `queue`, one after another, until `stop` is set.
fn preload(queue: &[Queued], stop: &AtomicBool) -> Vec<Result<Decoded, Error>> {
    queue
        .iter()
        .take_while(|_| !stop.load(Ordering::Acquire))
        .map(|q| decode(&q.found))
        .collect()
}

/// Sets its flag when dropped, however the scope ends.
struct SetOnDrop<'a>(&'a AtomicBool);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Release);
    }
}

/// Reads the files of `queue`, the first of which `preloaded` has decoded already.
fn read_queue(
    queue: Vec<Queued>,
    preloaded: Vec<Result<Decoded, Error>>,
    matcher: &Matcher,
    month: YearMonth,
    on_file: &(dyn Fn(usize, usize, &str) + Sync),
) -> Result<Vec<InboxFile>, Error> {
    use rayon::prelude::*;
    let total = queue.len();
    let done = AtomicUsize::new(0);
    let mut preloaded = preloaded.into_iter();
    let work: Vec<_> = queue.into_iter().map(|q| (q, preloaded.next())).collect();
    // Files are read in parallel (each on its own: reading is where the time goes) and
    // collected back in their order, so the outputs do not depend on the threads.
    let files = work
        .into_par_iter()
        .map(|(q, decoded)| {
            let f = &q.found;
            on_file(done.fetch_add(1, Ordering::Relaxed), total, &f.shown);
            let Decoded { digest, loaded } = match decoded {
                Some(decoded) => decoded?,
                None => decode(f)?,
            };
            let ctx = Context {
                matcher: Some(matcher),
                folder_month: Some(q.month),
                counting_only: q.month < month,
            };
            let mut submission = loaded.parse(&ctx);
            if q.month < month {
                submission.keep_for_counting();
            }
            let local = chrono::DateTime::<chrono::Local>::from(f.modified).date_naive();
            Ok(InboxFile {
                month: q.month,
                received: q.received.unwrap_or(local),
                modified: f.modified,
                digest,
                submission,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    on_file(total, total, "");
    Ok(files)
}

/// The regular files directly in `folder` (lock and hidden files and `received.txt`
/// aside) in path order, the dates `received.txt` gives, and notices for its bad lines.
/// A missing folder is an empty month.
fn scan(folder: &Path, root: &Path) -> Result<MonthFolder, Error> {
    let io = |source| Error::Io {
        path: folder.to_path_buf(),
        source,
    };
    let mut out = MonthFolder::default();
    let entries = match std::fs::read_dir(folder) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(io(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io)?;
        let meta = entry.metadata().map_err(io)?;
        let name: String = entry.file_name().to_string_lossy().nfc().collect();
        if !meta.is_file() || submission::is_ignored(&name) {
            continue;
        }
        let path = entry.path();
        if name == RECEIVED_FILE {
            let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            let shown = shown_path(&path, Some(root));
            (out.received, out.notes) = parse_received(&text, &shown);
            continue;
        }
        let shown = shown_path(&path, Some(root));
        out.files.push(Found {
            path,
            shown,
            name,
            modified: meta.modified().map_err(io)?,
            size: meta.len(),
        });
    }
    out.files.sort_by(|a, b| a.shown.cmp(&b.shown));
    Ok(out)
}

/// Parses `received.txt`: lines `YYYY-MM-DD<TAB>file name`; blank lines and lines
/// starting with `#` are skipped, anything else is a notice.
pub fn parse_received(text: &str, shown: &str) -> (HashMap<String, NaiveDate>, Vec<Diagnostic>) {
    let mut dates = HashMap::new();
    let mut notes = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let parsed = line.split_once('\t').and_then(|(date, name)| {
            let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?;
            let name: String = name.trim().nfc().collect();
            (!name.is_empty()).then_some((name, date))
        });
        if let Some((name, date)) = parsed {
            dates.insert(name, date);
        } else {
            let message = format!(
                "dòng {} không đúng dạng «YYYY-MM-DD<Tab>tên tệp»; bỏ qua dòng này",
                n + 1
            );
            notes.push(
                Diagnostic::notice(Code::ReceivedBadLine, Location::file(shown), message)
                    .with_value(line),
            );
        }
    }
    (dates, notes)
}

/// The short Vietnamese account of a run printed on the terminal.
pub fn terminal_summary(
    r: &Reconciliation,
    province: &str,
    outputs: &[PathBuf],
    root: &Path,
) -> String {
    use crate::reconcile::{Progress, Submitted};
    use std::fmt::Write;
    let count = |s: Submitted| r.units.iter().filter(|u| u.submission == s).count();
    let planned: usize = r.units.iter().map(|u| u.planned).sum();
    let attended: usize = r.units.iter().map(|u| u.attended).sum();
    let absent: usize = r.units.iter().map(|u| u.absent).sum();
    let unreported: usize = r.units.iter().map(|u| u.unreported).sum();
    let behind = r
        .cadres
        .iter()
        .filter(|c| c.status == Progress::Behind)
        .count();
    let errors = r
        .issues
        .iter()
        .filter(|d| d.severity == diagnostic::Severity::Error)
        .count();
    let warnings = r
        .issues
        .iter()
        .filter(|d| d.severity == diagnostic::Severity::Warning)
        .count();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Tổng hợp dự sinh hoạt chi bộ tháng {} — {province}",
        r.month.vi()
    );
    let f = &r.files;
    let _ = writeln!(
        s,
        "  Tệp: {} (dùng {}, bản cũ {}, bỏ qua {}, không đọc được {})",
        f.read, f.used, f.superseded, f.skipped, f.unreadable
    );
    let w = &r.rows;
    let _ = writeln!(
        s,
        "  Dòng: {} (nhận {}, loại {}, trùng {})",
        w.read, w.accepted, w.rejected, w.duplicates
    );
    let _ = writeln!(
        s,
        "  Đơn vị: {} đúng hạn, {} muộn, {} chưa nộp",
        count(Submitted::OnTime),
        count(Submitted::Late),
        count(Submitted::Missing)
    );
    let _ = writeln!(
        s,
        "  Buổi theo kế hoạch: {planned} (dự {attended}, vắng {absent}, chưa báo cáo {unreported})"
    );
    let _ = writeln!(s, "  Cán bộ chậm tiến độ: {behind}/{}", r.cadres.len());
    let rec = &r.recommendations;
    let _ = writeln!(
        s,
        "  Kiến nghị trong năm: {} (đã giải quyết {}, đang chờ {}, quá hạn {})",
        rec.raised_ytd, rec.resolved, rec.pending, rec.overdue
    );
    let _ = writeln!(s, "  Vấn đề dữ liệu: {errors} lỗi, {warnings} cảnh báo");
    for path in outputs {
        let _ = writeln!(s, "  Đã ghi: {}", shown_path(path, Some(root)));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::parse_received;

    /// The demo workspace and its month of July 2020.
    fn demo_july() -> (super::Workspace, super::YearMonth) {
        let config = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/chibo.toml");
        let ws = super::Workspace::load(&config).unwrap();
        (ws, super::YearMonth::new(2020, 7).unwrap())
    }

    /// The `summary.json` and workbook that `files` give for `month`.
    fn outputs(
        ws: &super::Workspace,
        month: super::YearMonth,
        files: &[super::InboxFile],
    ) -> (String, Vec<u8>) {
        let r = super::reconcile::reconcile(&ws.config, &ws.roster, month, files);
        let workbook = crate::report::workbook::to_xlsx(&r, &ws.roster, &ws.config).unwrap();
        (crate::report::summary::to_json(&r, "Sơn La"), workbook)
    }

    /// Earlier months read for counting only give the same month (summary and workbook)
    /// as reading them whole: each month's files are taken whole from a run of that month.
    #[test]
    fn earlier_months_kept_for_counting_change_nothing() {
        let (ws, july) = demo_july();
        let (slim, _) = super::read_year(&ws, july, &|_, _, _| {}).unwrap();
        let mut whole = Vec::new();
        for m in 1..=7 {
            let month = super::YearMonth::new(2020, m).unwrap();
            let (files, _) = super::read_year(&ws, month, &|_, _, _| {}).unwrap();
            whole.extend(files.into_iter().filter(|f| f.month == month));
        }
        assert!(
            slim.iter()
                .any(|f| f.month < july && !f.submission.rows.is_empty())
        );
        assert!(
            slim.iter()
                .all(|f| f.month == july || f.submission.diagnostics.is_empty())
        );
        let earlier_text = |files: &[super::InboxFile]| {
            files
                .iter()
                .filter(|f| f.month < july)
                .flat_map(|f| &f.submission.rows)
                .any(|r| !r.cadre_text.is_empty() && r.content.is_some())
        };
        assert!(earlier_text(&whole) && !earlier_text(&slim));
        let (slim_json, slim_workbook) = outputs(&ws, july, &slim);
        let (whole_json, whole_workbook) = outputs(&ws, july, &whole);
        assert_eq!(slim_json, whole_json);
        assert!(slim_workbook == whole_workbook, "the workbooks differ");
    }

    /// Files decoded while the roster loads, however many, are read as the others are.
    #[test]
    fn files_decoded_early_read_the_same() {
        use std::sync::atomic::AtomicBool;
        let (ws, july) = demo_july();
        let matcher = super::Matcher::new(&ws.roster);
        let read_with = |early: usize| {
            let (queue, _) = super::queue_year(&ws.config, july).unwrap();
            let preloaded = queue[..early]
                .iter()
                .map(|q| super::decode(&q.found))
                .collect();
            let files = super::read_queue(queue, preloaded, &matcher, july, &|_, _, _| {}).unwrap();
            outputs(&ws, july, &files)
        };
        let (queue, _) = super::queue_year(&ws.config, july).unwrap();
        assert!(queue.len() > 10);
        let (json, workbook) = read_with(0);
        for early in [1, queue.len() / 2, queue.len()] {
            let (early_json, early_workbook) = read_with(early);
            assert_eq!(early_json, json, "{early} decoded early");
            assert!(
                early_workbook == workbook,
                "{early} decoded early: the workbooks differ"
            );
        }
        // Decoding early stops when the roster is loaded, before the next file.
        assert!(super::preload(&queue, &AtomicBool::new(true)).is_empty());
        assert_eq!(
            super::preload(&queue, &AtomicBool::new(false)).len(),
            queue.len()
        );
    }

    #[test]
    fn received_lines() {
        let text = "# ngày nhận\n2020-08-04\tYC.xlsx\r\n\n2020-08-07\tMai Sơn.ods\nbad line\n2020-13-01\tX.xlsx\n";
        let (dates, notes) = parse_received(text, "inbox/2020-07/received.txt");
        assert_eq!(dates.len(), 2);
        assert_eq!(dates["YC.xlsx"].to_string(), "2020-08-04");
        assert_eq!(dates["Mai Sơn.ods"].to_string(), "2020-08-07");
        let lines: Vec<&str> = notes.iter().map(|d| d.value.as_deref().unwrap()).collect();
        assert_eq!(lines, ["bad line", "2020-13-01\tX.xlsx"]);
        assert!(notes[0].message.starts_with("dòng 5 "));
    }
}

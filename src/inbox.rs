//! The inbox: what `run` reads and in which order (the way ripgrep's `haystack.rs`
//! owns what is searched). Month folders `inbox/YYYY-MM/` of the year, the regular files
//! directly in them (lock and hidden files and `received.txt` aside), their received
//! dates from `received.txt` or their modification time, path order, and decoding the
//! first files while the roster loads. This is the I/O edge of reading; the rules of a
//! file's content live in `submission`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::SystemTime;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::Error;
use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::matching::Matcher;
use crate::model::YearMonth;
use crate::reconcile::InboxFile;
use crate::submission::{self, Context};
use crate::workspace::{Workspace, shown_path};

/// The file a month folder may hold to give received dates.
pub const RECEIVED_FILE: &str = "received.txt";

/// What a month folder holds, before reading.
#[derive(Default)]
struct MonthFolder {
    files: Vec<Found>,
    received: HashMap<String, NaiveDate>,
    notes: Vec<Diagnostic>,
}

/// A file found in a month folder, before reading.
pub struct Found {
    /// Where it is.
    pub path: PathBuf,
    /// The path as diagnostics show it.
    pub shown: String,
    /// Its file name, in NFC.
    pub name: String,
    /// When it was last modified.
    pub modified: SystemTime,
    /// Its size in bytes.
    pub size: u64,
}

/// The year's files read for a run, with what came with them.
pub struct YearRead {
    /// The workspace, loaded while the first files were decoded.
    pub workspace: Workspace,
    /// Every file of the year's month folders up to the month, in order.
    pub files: Vec<InboxFile>,
    /// Notices about month M's `received.txt`.
    pub notes: Vec<Diagnostic>,
    /// How many files were decoded while the roster loaded (shown with `-v`).
    pub decoded_early: usize,
}

/// Loads the roster of `config` and reads the year's files up to `month`, as
/// [`read_year`] does. The roster loads on one core while the other starts on the
/// reports: reading a report needs the roster only to match its rows, after its sheets
/// are decoded. The reports decoded early wait, so the memory they hold is bounded by the
/// time the roster takes, not by the size of the inbox.
///
/// # Errors
/// Roster errors; a month folder or file that cannot be read.
pub fn read_year_with_roster(
    config: Config,
    month: YearMonth,
    on_file: &(dyn Fn(usize, usize, &str) + Sync),
) -> Result<YearRead, Error> {
    let (queue, notes) = queue_year(&config, month)?;
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
    let decoded_early = preloaded.len();
    let files = read_queue(queue, preloaded, &matcher, month, on_file)?;
    drop(matcher);
    Ok(YearRead {
        workspace: workspace.into_inner().expect("loaded with the matcher"),
        files,
        notes,
        decoded_early,
    })
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
    /// From `received.txt`, else the date of its modification time in the workspace's
    /// time zone.
    received: NaiveDate,
}

/// A file read and its sheets decoded, not yet parsed.
struct Decoded {
    digest: [u8; 32],
    loaded: submission::Loaded,
}

/// The files of the year's month folders up to `month`, in month and path order, and
/// the notices about month M's `received.txt`.
fn queue_year(config: &Config, month: YearMonth) -> Result<(Vec<Queued>, Vec<Diagnostic>), Error> {
    let mut queue = Vec::new();
    let mut notes = Vec::new();
    for m in 1..=month.month {
        let ym = YearMonth::new(month.year, m).expect("a month of the year");
        let scanned = scan(&config.inbox.join(ym.to_string()), &config.root)?;
        if ym == month {
            notes.extend(scanned.notes);
        }
        for found in scanned.files {
            let received = scanned
                .received
                .get(&found.name)
                .copied()
                .unwrap_or_else(|| crate::clock::date_at(found.modified, config.timezone));
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
/// limit is not read into memory; the reader refuses it by its size. One that cannot be
/// read (no permission, gone since the folder was listed) is left to the reader too,
/// which makes it an unreadable file with its error: one unit's file never stops the
/// province's run.
fn decode(f: &Found) -> Decoded {
    let bytes = if f.size > crate::ingest::workbook::limits::FILE_BYTES {
        None
    } else {
        std::fs::read(&f.path).ok()
    };
    match bytes {
        Some(bytes) => Decoded {
            digest: Sha256::digest(&bytes).into(),
            loaded: submission::load_bytes(bytes, &f.shown),
        },
        None => Decoded {
            digest: [0; 32],
            loaded: submission::load(&f.path, &f.shown),
        },
    }
}

/// Decodes the first files of `queue`, one after another, until `stop` is set.
fn preload(queue: &[Queued], stop: &AtomicBool) -> Vec<Decoded> {
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
    preloaded: Vec<Decoded>,
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
            let Decoded { digest, loaded } = decoded.unwrap_or_else(|| decode(f));
            let ctx = Context {
                matcher: Some(matcher),
                folder_month: Some(q.month),
                counting_only: q.month < month,
            };
            let mut submission = loaded.parse(&ctx);
            if q.month < month {
                submission.keep_for_counting();
            }
            Ok(InboxFile {
                month: q.month,
                received: q.received,
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
    let mut out = MonthFolder::default();
    let listed = match list_folder(folder, Some(root)) {
        Ok(listed) => listed,
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Ok(out);
        }
        Err(e) => return Err(e),
    };
    out.notes = listed.notes;
    for found in listed.files {
        if found.name == RECEIVED_FILE {
            match std::fs::read(&found.path) {
                Ok(bytes) => {
                    let (received, notes) = parse_received(&bytes, &found.shown);
                    out.received = received;
                    out.notes.extend(notes);
                }
                Err(_) => out.notes.push(Diagnostic::warning(
                    Code::ReceivedUnreadable,
                    Location::file(&found.shown),
                    "không đọc được tệp này (hãy kiểm tra quyền truy cập tệp); ngày nhận của các tệp trong thư mục lấy theo thời điểm sửa tệp",
                )),
            }
        } else {
            out.files.push(found);
        }
    }
    Ok(out)
}

/// The months the inbox has folders for (`YYYY-MM`), in order; none when it cannot be
/// read.
pub fn months(inbox: &Path) -> Vec<YearMonth> {
    let mut months: Vec<YearMonth> = std::fs::read_dir(inbox)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let name = e.file_name();
            let name = name.to_str()?;
            YearMonth::parse(name).filter(|m| m.to_string() == name)
        })
        .collect();
    months.sort();
    months
}

/// What a folder of reports holds: its regular files (lock and hidden files aside) in
/// path order, and a notice for each entry that is not a regular file (a subfolder, a
/// link, a pipe or a device), which is neither followed nor read.
pub struct Listed {
    /// The files, in path order.
    pub files: Vec<Found>,
    /// The notices about entries left alone.
    pub notes: Vec<Diagnostic>,
}

/// The notice for an entry that is not a regular file (a subfolder, a link, a pipe, a
/// device or a socket): chibo neither follows nor reads it.
pub fn not_followed(shown: &str, kind: std::fs::FileType) -> Diagnostic {
    let what = if kind.is_dir() {
        "thư mục con: chibo chỉ đọc các tệp nằm ngay trong thư mục này, không đọc thư mục con"
    } else if kind.is_symlink() {
        "liên kết (shortcut/symlink): chibo không đọc theo liên kết; hãy chép chính tệp vào đây"
    } else {
        "không phải tệp thường (ống, thiết bị hay socket); bỏ qua"
    };
    Diagnostic::notice(Code::InboxNotFollowed, Location::file(shown), what)
}

/// Lists `folder` (see [`Listed`]); `root` is the workspace, if any, for how paths are
/// shown.
///
/// # Errors
/// The folder cannot be read.
pub fn list_folder(folder: &Path, root: Option<&Path>) -> Result<Listed, Error> {
    let io = |source| Error::Io {
        path: folder.to_path_buf(),
        source,
    };
    let mut listed = Listed {
        files: Vec::new(),
        notes: Vec::new(),
    };
    for entry in std::fs::read_dir(folder).map_err(io)? {
        let entry = entry.map_err(io)?;
        // The entry itself, a link not followed.
        let meta = entry.metadata().map_err(io)?;
        let name: String = entry.file_name().to_string_lossy().nfc().collect();
        if submission::is_ignored(&name) {
            continue;
        }
        let path = entry.path();
        let shown = shown_path(&path, root);
        let kind = meta.file_type();
        if !kind.is_file() {
            listed.notes.push(not_followed(&shown, kind));
            continue;
        }
        listed.files.push(Found {
            path,
            shown,
            name,
            modified: meta.modified().map_err(io)?,
            size: meta.len(),
        });
    }
    listed.files.sort_by(|a, b| a.shown.cmp(&b.shown));
    listed
        .notes
        .sort_by(|a, b| a.location.file.cmp(&b.location.file));
    Ok(listed)
}

/// Parses `received.txt` as Notepad may save it (UTF-8 with or without a byte order
/// mark, UTF-16 with one): lines `YYYY-MM-DD<TAB>file name`; blank lines and lines
/// starting with `#` are skipped, anything else (a line that is not text in the file's
/// encoding too) is a notice.
pub fn parse_received(bytes: &[u8], shown: &str) -> (HashMap<String, NaiveDate>, Vec<Diagnostic>) {
    let mut dates = HashMap::new();
    let mut notes = Vec::new();
    for (n, line) in crate::text::decode_lines(bytes).into_iter().enumerate() {
        let Some(line) = line else {
            let message = format!(
                "dòng {} không đọc được (không phải văn bản UTF-8 hay UTF-16); bỏ qua dòng này: hãy lưu tệp với bảng mã UTF-8",
                n + 1
            );
            notes.push(Diagnostic::notice(
                Code::ReceivedBadLine,
                Location::file(shown),
                message,
            ));
            continue;
        };
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
        let r = crate::reconcile::reconcile(&ws.config, &ws.roster, month, files);
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
        let (dates, notes) = parse_received(text.as_bytes(), "inbox/2020-07/received.txt");
        assert_eq!(dates.len(), 2);
        assert_eq!(dates["YC.xlsx"].to_string(), "2020-08-04");
        assert_eq!(dates["Mai Sơn.ods"].to_string(), "2020-08-07");
        let lines: Vec<&str> = notes.iter().map(|d| d.value.as_deref().unwrap()).collect();
        assert_eq!(lines, ["bad line", "2020-13-01\tX.xlsx"]);
        assert!(notes[0].message.starts_with("dòng 5 "));
    }
}

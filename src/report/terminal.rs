//! Every rendering for the terminal: the account of a run, `check`'s line per file, the
//! emails' line, the stages' timings, and what `init` and `template` wrote. Plain text;
//! `cli` prints it (diagnostics render themselves, coloured on a terminal).

use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Severity, terminal_safe};
use crate::mail::SendReport;
use crate::model::YearMonth;
use crate::reconcile::Reconciliation;
use crate::submission::{FileStatus, Submission};
use crate::workspace::shown_path;

/// The short Vietnamese account of a run printed on the terminal.
pub fn run_summary(r: &Reconciliation, province: &str, outputs: &[PathBuf], root: &Path) -> String {
    let totals = &r.totals;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Tổng hợp dự sinh hoạt chi bộ tháng {} — {province}",
        r.month.vi()
    );
    let files = &r.files;
    let _ = writeln!(
        s,
        "  Tệp: {} (dùng {}, bản cũ {}, bỏ qua {}, không đọc được {})",
        files.read, files.used, files.superseded, files.skipped, files.unreadable
    );
    let rows = &r.rows;
    let _ = writeln!(
        s,
        "  Dòng: {} (nhận {}, loại {}, trùng {})",
        rows.read, rows.accepted, rows.rejected, rows.duplicates
    );
    let _ = writeln!(
        s,
        "  Đơn vị: {} đúng hạn, {} muộn, {} chưa nộp",
        totals.on_time, totals.late, totals.missing
    );
    let _ = writeln!(
        s,
        "  Buổi theo kế hoạch: {} (dự {}, vắng {}, chưa báo cáo {})",
        totals.planned, totals.attended, totals.absent, totals.unreported
    );
    let _ = writeln!(
        s,
        "  Cán bộ chậm tiến độ: {}/{}",
        totals.behind,
        r.cadres.len()
    );
    let rec = &r.recommendations;
    let _ = writeln!(
        s,
        "  Kiến nghị trong năm: {} (đã giải quyết {}, đang chờ {}, quá hạn {})",
        rec.raised_ytd, rec.resolved, rec.pending, rec.overdue
    );
    let _ = writeln!(
        s,
        "  Vấn đề dữ liệu: {} lỗi, {} cảnh báo",
        totals.errors, totals.warnings
    );
    for path in outputs {
        let _ = writeln!(s, "  Đã ghi: {}", shown_path(path, Some(root)));
    }
    s
}

/// The line saying that no email was queued because the reports of `month` are still
/// due until the end of `deadline` at the office's `timezone`.
pub fn emails_held(
    month: YearMonth,
    deadline: chrono::NaiveDate,
    timezone: chrono::FixedOffset,
) -> String {
    format!(
        "Chưa qua hạn nộp báo cáo tháng {} (hết ngày {}, giờ UTC{timezone}): đã ghi kết quả nhưng chưa xếp hàng và chưa gửi thư nào, vì đơn vị còn có thể nộp. Hãy chạy lại sau hạn, hoặc thêm --force để gửi thư ngay.\n",
        month.vi(),
        deadline.format("%d/%m/%Y")
    )
}

/// What is printed when a command fails. The roster's problems, and several problems
/// of the configuration, are counted on the first line and listed below it; an error
/// that is one diagnostic is that diagnostic's line; any other is its message. With
/// `verbose`, the library's own words behind the message follow.
pub fn failure(e: &crate::Error, verbose: bool) -> String {
    let style = anstyle::AnsiColor::Red.on_default().bold();
    let mut text = String::new();
    let diagnostics = e.diagnostics();
    match (e, diagnostics.as_slice()) {
        (crate::Error::Roster(_), list) | (_, list @ [_, _, ..]) => {
            let _ = writeln!(text, "{style}chibo:{style:#} {e}");
            for d in list {
                let _ = writeln!(text, "{}", d.styled());
            }
        }
        (_, [one]) => {
            let _ = writeln!(text, "{style}chibo:{style:#} {}", one.styled());
        }
        (_, []) => {
            let _ = writeln!(text, "{style}chibo:{style:#} {e}");
        }
    }
    if verbose {
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            // The OS's own text is English: its number is what a technician can use.
            let cause = match s.downcast_ref::<std::io::Error>() {
                Some(io) => crate::os_error::code(io),
                None => Some(s.to_string()),
            };
            if let Some(cause) = cause {
                let _ = writeln!(text, "  nguyên nhân: {cause}");
            }
            source = s.source();
        }
    }
    text
}

/// The notice while another process holds the workspace's lock.
pub fn lock_wait(holder: Option<&crate::lock::Holder>) -> String {
    let seconds = crate::lock::WAIT.as_secs();
    match holder {
        Some(h) => format!(
            "chibo: lệnh «{}» (tiến trình {}) đang chạy từ {}; chờ tối đa {seconds} giây…",
            h.command,
            h.pid,
            h.since_shown()
        ),
        None => format!("chibo: một lệnh chibo khác đang chạy; chờ tối đa {seconds} giây…"),
    }
}

/// `check`'s line for a file: rows read, accepted, rejected, or why it was not read.
pub fn check_line(s: &Submission) -> String {
    let errors = s
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = s
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let who = match (&s.identity.unit, s.identity.month) {
        (Some(u), Some(m)) => format!(" [{u}, tháng {}]", m.vi()),
        (Some(u), None) => format!(" [{u}]"),
        (None, Some(m)) => format!(" [tháng {}]", m.vi()),
        (None, None) => String::new(),
    };
    let file = terminal_safe(&s.file);
    match s.status {
        FileStatus::Read => format!(
            "{file}{who}: đọc {} dòng, nhận {}, loại {}; {errors} lỗi, {warnings} cảnh báo",
            s.read,
            s.accepted(),
            s.rejected
        ),
        FileStatus::Skipped => format!("{file}: bỏ qua (không phải bảng tính)"),
        FileStatus::Unreadable => format!("{file}: không đọc được; {errors} lỗi"),
    }
}

/// The line about an outbox (unless `quiet`): how many were queued and what became of
/// them. The messages that could not be delivered are diagnostics
/// ([`SendReport::diagnostics`]), printed before it.
pub fn emails(
    queued: usize,
    outbox: &Path,
    send: Option<&SendReport>,
    root: &Path,
    quiet: bool,
) -> String {
    let mut s = String::new();
    let shown = shown_path(outbox, Some(root));
    if let Some(report) = send {
        if !quiet {
            let _ = writeln!(
                s,
                "  Thư: {queued} thư trong {shown}; đã gửi {}, trước đó đã gửi {}, chưa gửi được {}",
                report.delivered.len(),
                report.already,
                report.failed.len()
            );
        }
    } else if !quiet {
        let _ = writeln!(
            s,
            "  Thư: {queued} thư chờ gửi trong {shown} (gửi bằng «chibo send»)"
        );
    }
    s
}

/// `Thời gian: đọc 144 tệp báo cáo 0,152 s; …` (seconds with a decimal comma, to the
/// millisecond: the stages after reading take a few each).
pub fn timings(timings: &[(String, std::time::Duration)]) -> String {
    let parts: Vec<String> = timings
        .iter()
        .map(|(stage, d)| {
            let seconds = format!("{:.3}", d.as_secs_f64()).replace('.', ",");
            format!("{stage} {seconds} s")
        })
        .collect();
    format!("Thời gian: {}", parts.join("; "))
}

/// What `init` wrote and what it found already there, and for an empty workspace what
/// to fill in next.
pub fn created(dir: &Path, files: &[PathBuf], kept: &[PathBuf], demo: bool) -> String {
    let mut s = String::new();
    if files.is_empty() {
        let _ = writeln!(
            s,
            "Không gian làm việc tại {} đã có đủ {} tệp, giữ nguyên.",
            dir.display(),
            kept.len()
        );
    } else {
        let _ = writeln!(s, "Đã tạo không gian làm việc tại {}:", dir.display());
        for file in files {
            let _ = writeln!(s, "  {}", file.display());
        }
        if !kept.is_empty() {
            let _ = writeln!(s, "  (giữ nguyên {} tệp đã có, giống hệt)", kept.len());
        }
    }
    if !demo {
        let _ = writeln!(
            s,
            "Hãy điền tên tỉnh vào chibo.toml và danh sách phân công vào roster.xlsx."
        );
    }
    s
}

/// The templates `template` wrote.
pub fn templates_written(month: YearMonth, written: &[PathBuf]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Đã tạo {} mẫu báo cáo tháng {}:",
        written.len(),
        month.vi()
    );
    for path in written {
        let _ = writeln!(s, "  {}", path.display());
    }
    s
}

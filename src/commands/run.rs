//! `chibo run --month YYYY-MM`: the monthly batch. Reads the year's inbox, reconciles
//! (pure), renders the outputs in memory, writes them atomically, then queues the
//! month's emails and, with `transport = "smtp"`, delivers them. A month without its
//! inbox folder is refused before anything is read; before the month's deadline has
//! passed (in the workspace's time zone, at the moment the caller gives) the outputs are
//! written but no email is queued unless forced.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

use crate::Error;
use crate::diagnostic::Diagnostic;
use crate::model::YearMonth;
use crate::reconcile::{self, Reconciliation};
use crate::workspace::Workspace;

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
    /// What became of the month's emails (`None` with `--no-email`, or held).
    pub emails: Option<EmailReport>,
    /// Why no email was queued although emails were asked for: the deadline has not
    /// passed and the run was not forced.
    pub held: Option<Held>,
    /// Each stage and how long it took (shown with `-v`; never written to a file).
    pub timings: Vec<(String, std::time::Duration)>,
}

/// What `chibo run` does besides writing the outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Queue the month's emails (and, with `transport = "smtp"`, deliver them).
    pub emails: bool,
    /// Queue them even before the month's deadline has passed.
    pub force: bool,
}

/// Emails held back: the month's reports are still due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Held {
    /// The last day reports are due, in the workspace's time zone.
    pub deadline: NaiveDate,
    /// The workspace's time zone.
    pub timezone: FixedOffset,
}

/// The emails of `month` held at `now`: before the end of its deadline day in the
/// workspace's time zone, a unit may still send its report, and an email telling it that
/// it has not would be wrong.
pub fn held(month: YearMonth, config: &crate::config::Config, now: DateTime<Utc>) -> Option<Held> {
    let deadline = reconcile::deadline(month, config.deadline_day);
    let today = now.with_timezone(&config.timezone).date_naive();
    (today <= deadline).then_some(Held {
        deadline,
        timezone: config.timezone,
    })
}

/// The month's emails: how many were queued, where, and what delivery did.
pub struct EmailReport {
    /// Messages queued.
    pub queued: usize,
    /// The outbox folder.
    pub outbox: PathBuf,
    /// The delivery pass, with `transport = "smtp"`.
    pub send: Option<crate::mail::SendReport>,
    /// Files of the outbox that are not queued messages (never sent).
    pub strays: Vec<crate::mail::Stray>,
}

/// Runs month `month` of the workspace of `config_path` at the moment `now`; `on_file` is
/// told of each file as it is read (for a progress bar).
///
/// # Errors
/// Configuration or roster errors; no folder for `month` in the inbox; a month folder or
/// output that cannot be read or written.
pub fn run(
    config_path: &Path,
    month: YearMonth,
    options: Options,
    now: DateTime<Utc>,
    on_file: &(dyn Fn(usize, usize, &str) + Sync),
) -> Result<RunReport, Error> {
    let mut timings = Timings::start();
    let config = crate::config::Config::load(config_path)?;
    let folder = config.inbox.join(month.to_string());
    if !folder.is_dir() {
        return Err(Error::NoMonthFolder {
            month,
            folder: crate::workspace::shown_path(&folder, Some(&config.root)),
            months: crate::inbox::months(&config.inbox),
        });
    }
    let held = if options.emails && !options.force {
        held(month, &config, now)
    } else {
        None
    };
    let emails = options.emails && held.is_none();
    crate::output::set::recover(&config.out)?;
    let read = crate::inbox::read_year_with_roster(config, month, on_file)?;
    timings.lap(format!(
        "nạp cấu hình và danh sách (cùng lúc đọc trước {} tệp)",
        read.decoded_early
    ));
    let ws = read.workspace;
    let config = &ws.config;
    if emails && config.email.from.is_none() && sends_mail(&ws) {
        // Found before anything is written. With an `[email]` table the configuration
        // itself refuses this; without one, only the roster's addresses tell.
        return Err(Error::NoSender {
            config: config.path.clone(),
        });
    }
    timings.lap(format!("đọc {} tệp báo cáo", read.files.len()));
    let mut r = reconcile::reconcile(config, &ws.roster, month, &read.files);
    r.add_issues(read.notes);
    timings.lap("đối chiếu");

    // Render everything first, so that a failure leaves the previous outputs intact.
    let out_dir = config.out.join(month.to_string());
    let book = crate::report::workbook::fill(&r, &ws.roster, config)?;
    timings.lap("điền các trang của bảng tổng hợp");
    let workbook = crate::report::workbook::save(book)?;
    timings.lap("nén bảng tổng hợp");
    let workbook_name = format!("tong-hop-{month}.xlsx");
    let summary = crate::report::summary::to_json(&r, &config.province).into_bytes();
    // The emails are rendered before anything is written too: a mistake in an email
    // template or an address stops the run with the previous outputs in place.
    let messages = if emails {
        let deadline_passed = self::held(month, config, now).is_none();
        let messages = render_emails(&ws, &r, &workbook_name, &workbook, deadline_passed)?;
        timings.lap("soạn thư");
        Some(messages)
    } else {
        None
    };
    // The month's folder is replaced as one set (`output::set`): the new workbook,
    // summary and outbox are written beside it, then swapped in.
    let staged = crate::output::set::stage(
        &config.out,
        &month.to_string(),
        &[workbook_name.as_str(), "summary.json"],
    )?;
    crate::output::write_all_atomic(&[
        (staged.dir().join(&workbook_name).as_path(), &workbook),
        (staged.dir().join("summary.json").as_path(), &summary),
    ])
    .map_err(|(path, source)| Error::Io { path, source })?;
    let strays = match &messages {
        Some(messages) => queue(&staged.dir().join("outbox"), messages)?,
        None => Vec::new(),
    };
    staged.commit()?;
    let outputs = vec![out_dir.join(&workbook_name), out_dir.join("summary.json")];
    timings.lap("tạo summary.json, ghi bộ kết quả mới và thay bộ cũ");
    let emails = match messages {
        Some(messages) => {
            let e = send_queued(&ws, &out_dir.join("outbox"), messages.len(), strays)?;
            timings.lap("gửi thư");
            Some(e)
        }
        None => None,
    };
    Ok(RunReport {
        reconciliation: r,
        roster_notes: ws.roster_notes,
        outputs,
        province: config.province.clone(),
        root: config.root.clone(),
        emails,
        held,
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

/// Whether a run makes any email: the leadership's, or a unit's feedback to a unit with
/// an address (as [`crate::report::email::render_all`] decides).
fn sends_mail(ws: &Workspace) -> bool {
    let email = &ws.config.email;
    !email.leadership.is_empty()
        || (email.unit_feedback && ws.roster.units.iter().any(|u| !u.emails.is_empty()))
}

/// Renders the month's emails and builds their messages.
fn render_emails(
    ws: &Workspace,
    r: &Reconciliation,
    workbook_name: &str,
    workbook: &[u8],
    deadline_passed: bool,
) -> Result<Vec<crate::mail::Queued>, Error> {
    let config = &ws.config;
    let env = crate::report::email::templates(Some(&config.root.join("templates/email")))?;
    let emails = crate::report::email::render_all(
        &env,
        r,
        &ws.roster,
        config,
        workbook_name,
        workbook,
        deadline_passed,
    )?;
    if emails.is_empty() {
        return Ok(Vec::new());
    }
    // Checked before anything was written (`run` above, and the configuration).
    let from = config.email.from.as_ref().ok_or_else(|| Error::NoSender {
        config: config.path.clone(),
    })?;
    let date = email_date(
        crate::report::workbook::document_date(r, config),
        config.timezone,
    );
    let outbox = config.out.join(r.month.to_string()).join("outbox");
    emails
        .iter()
        .map(|e| crate::mail::build(e, from, date))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| Error::EmailMessage {
            outbox: ws.shown(&outbox),
            source,
        })
}

/// Queues the month's messages in the outbox `dir` (of the new set being written), and
/// returns the files of that outbox that are not queued messages.
fn queue(dir: &Path, messages: &[crate::mail::Queued]) -> Result<Vec<crate::mail::Stray>, Error> {
    if messages.is_empty() {
        return Ok(Vec::new());
    }
    crate::mail::Outbox::new(dir)
        .queue(messages)
        .map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })
}

/// With `transport = "smtp"`, delivers what waits in the month's `outbox`, where
/// `queued` messages were just queued beside the `strays`.
fn send_queued(
    ws: &Workspace,
    outbox: &Path,
    queued: usize,
    strays: Vec<crate::mail::Stray>,
) -> Result<EmailReport, Error> {
    let send = match ws.config.email.transport {
        crate::config::Transport::Smtp if queued > 0 => Some(crate::mail::deliver_outbox(
            &ws.config,
            &crate::mail::Outbox::new(outbox).at_offset(ws.config.timezone),
        )?),
        _ => None,
    };
    Ok(EmailReport {
        queued,
        outbox: outbox.to_path_buf(),
        send,
        strays,
    })
}

/// Emails are dated 08:00 in the workspace's time zone on the document date, so that
/// the same month gives the same messages on any machine.
fn email_date(day: NaiveDate, timezone: FixedOffset) -> SystemTime {
    use chrono::TimeZone;
    let at = day.and_hms_opt(8, 0, 0).expect("a valid time");
    SystemTime::from(
        timezone
            .from_local_datetime(&at)
            .single()
            .expect("a fixed offset is unambiguous"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Emails wait until the end of the deadline day at the office's offset.
    #[test]
    fn emails_wait_for_the_deadline_in_office_time() {
        let config = |extra: &str| {
            let text = format!("province = \"X\"\n{extra}");
            crate::config::Config::parse(&text, "chibo.toml", Path::new("/ws")).unwrap()
        };
        let at = |t: &str| DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc);
        let ym = |y, m| YearMonth::new(y, m).unwrap();
        let cases = [
            ("", ym(2020, 7), "2020-08-05T23:59:59+07:00", true),
            ("", ym(2020, 7), "2020-08-06T00:00:00+07:00", false),
            ("", ym(2020, 7), "2020-08-05T17:00:00Z", false),
            ("", ym(2020, 7), "2020-08-05T16:59:59Z", true),
            (
                "timezone = \"-05:00\"\n",
                ym(2020, 7),
                "2020-08-06T03:00:00Z",
                true,
            ),
            ("", ym(2020, 12), "2021-01-05T12:00:00+07:00", true),
            ("", ym(2020, 12), "2021-01-06T08:00:00+07:00", false),
            (
                "deadline_day = 31\n",
                ym(2020, 1),
                "2020-02-29T23:00:00+07:00",
                true,
            ),
            (
                "deadline_day = 31\n",
                ym(2020, 1),
                "2020-03-01T00:00:00+07:00",
                false,
            ),
            ("", ym(2020, 7), "2026-12-06T00:00:00Z", false),
        ];
        for (extra, month, now, waits) in cases {
            let held = held(month, &config(extra), at(now));
            assert_eq!(held.is_some(), waits, "{extra}{month} at {now}");
        }
        let held = held(ym(2020, 12), &config(""), at("2021-01-01T00:00:00+07:00")).unwrap();
        assert_eq!(held.deadline.to_string(), "2021-01-05");
    }
}

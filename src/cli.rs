//! The command line (SPEC §9): clap's typed flags, the dispatch to each command with
//! what it prints, and the one place that turns an outcome or an error into an exit
//! status ([`exit_status`]).

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::Error;
use crate::commands;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::YearMonth;
use crate::report::terminal;

/// The years a report month may fall in: a month beyond them is a typo, and its dates
/// (the deadline of 9999-12 falls in the year 10000) are no dates a workbook can hold.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2099;

fn parse_month(text: &str) -> Result<YearMonth, String> {
    let month = YearMonth::parse(text)
        .filter(|_| text.contains('-'))
        .ok_or_else(|| format!("«{text}» không phải tháng dạng YYYY-MM (ví dụ 2020-07)"))?;
    within_years(month, text)
}

/// `month` (typed as `text`) if it falls in [`YEARS`], else what to tell the user.
///
/// # Errors
/// The month is outside [`YEARS`].
pub fn within_years(month: YearMonth, text: &str) -> Result<YearMonth, String> {
    if YEARS.contains(&month.year) {
        Ok(month)
    } else {
        Err(format!(
            "tháng «{text}» nằm ngoài các năm {}–{} mà chibo nhận; hãy kiểm tra lại (ví dụ 2020-07)",
            YEARS.start(),
            YEARS.end()
        ))
    }
}

/// chibo: tổng hợp báo cáo dự sinh hoạt chi bộ khu dân cư của Tỉnh ủy viên.
#[derive(Debug, Parser)]
#[command(name = "chibo", override_usage = "chibo [TÙY CHỌN] <LỆNH>")]
pub struct Cli {
    /// The command line as the workspace lock names it (`chibo run --month 2020-07`).
    #[arg(skip)]
    pub command_line: String,
    /// Tệp cấu hình của không gian làm việc [mặc định: chibo.toml].
    #[arg(long, global = true, value_name = "TỆP")]
    pub config: Option<PathBuf>,
    /// Chỉ in lỗi.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// In thêm chi tiết (cả các lưu ý).
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Lệnh.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Tạo không gian làm việc mới (với --demo: tỉnh mẫu Sơn La).
    #[command(override_usage = "chibo init [THƯ_MỤC] [--demo]")]
    Init {
        /// Thư mục (mặc định: thư mục hiện tại).
        #[arg(value_name = "THƯ_MỤC")]
        dir: Option<PathBuf>,
        /// Chép dữ liệu tỉnh mẫu.
        #[arg(long)]
        demo: bool,
    },
    /// Tạo mẫu báo cáo tháng cho từng đơn vị (out/YYYY-MM/mau/<mã đơn vị>.xlsx).
    #[command(override_usage = "chibo template --month YYYY-MM [--unit MÃ]")]
    Template {
        /// Tháng báo cáo, dạng YYYY-MM.
        #[arg(long, value_parser = parse_month, value_name = "YYYY-MM")]
        month: YearMonth,
        /// Chỉ tạo mẫu cho đơn vị này.
        #[arg(long, value_name = "MÃ")]
        unit: Option<String>,
    },
    /// Tổng hợp báo cáo của tháng: đọc, đối chiếu, ghi kết quả.
    #[command(override_usage = "chibo run --month YYYY-MM [--no-email] [--force]")]
    Run {
        /// Tháng báo cáo, dạng YYYY-MM.
        #[arg(long, value_parser = parse_month, value_name = "YYYY-MM")]
        month: YearMonth,
        /// Không gửi và không xếp hàng thư.
        #[arg(long)]
        no_email: bool,
        /// Xếp hàng và gửi thư ngay cả khi chưa qua hạn nộp báo cáo của tháng.
        #[arg(long)]
        force: bool,
    },
    /// Gửi các thư đang chờ trong hộp thư đi (out/YYYY-MM/outbox).
    #[command(override_usage = "chibo send [--month YYYY-MM]")]
    Send {
        /// Chỉ gửi thư của tháng này (mặc định: mọi tháng).
        #[arg(long, value_parser = parse_month, value_name = "YYYY-MM")]
        month: Option<YearMonth>,
    },
    /// Nhận báo cáo gửi qua thư: lưu tệp đính kèm vào inbox/YYYY-MM/ và gửi biên nhận.
    #[command(override_usage = "chibo collect [--month YYYY-MM] [--from THƯ_MỤC]")]
    Collect {
        /// Tháng cho tệp không tự ghi tháng (mặc định: tháng trước ngày nhận thư).
        #[arg(long, value_parser = parse_month, value_name = "YYYY-MM")]
        month: Option<YearMonth>,
        /// Đọc các tệp .eml và .mbox (xuất từ Outlook, Thunderbird) trong thư mục này.
        #[arg(long, value_name = "THƯ_MỤC")]
        from: Option<PathBuf>,
    },
    /// Kiểm tra tệp báo cáo trước khi nộp; thoát với mã 1 nếu có lỗi.
    #[command(override_usage = "chibo check [--json] TỆP|THƯ_MỤC...")]
    Check {
        /// Các tệp báo cáo, thư mục (mọi tệp ngay trong thư mục) hoặc mẫu tên tệp như
        /// inbox/2020-07/*.xlsx.
        #[arg(required = true, value_name = "TỆP")]
        files: Vec<PathBuf>,
        /// In các vấn đề dạng JSON (như mục issues của summary.json).
        #[arg(long)]
        json: bool,
    },
}

/// What a command found, beyond what it printed: the exit status depends on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Done (warnings allowed).
    Done,
    /// Data errors were found in the files read.
    DataErrors,
    /// An email could not be delivered; it waits in the outbox.
    DeliveryFailed,
}

/// The exit status (SPEC §9) of what a command came to, decided here and nowhere else:
/// 0 success (warnings allowed), 1 data errors, 2 usage or configuration error (the
/// roster, the email settings and templates are part of the workspace's
/// configuration), 3 I/O or delivery failure.
pub fn exit_status(result: &Result<Outcome, Error>) -> ExitCode {
    ExitCode::from(status_code(result))
}

/// [`exit_status`] as a number.
fn status_code(result: &Result<Outcome, Error>) -> u8 {
    match result {
        Ok(Outcome::Done) => 0,
        Ok(Outcome::DataErrors) => 1,
        Err(
            Error::Config(_)
            | Error::Roster(_)
            | Error::UnknownUnit { .. }
            | Error::NoFileMatches { .. }
            | Error::UnsafeUnitCode { .. }
            | Error::WorkspaceExists { .. }
            | Error::WorkspaceBusy { .. }
            | Error::NoMonthFolder { .. }
            | Error::NoMailbox { .. }
            | Error::BadNow(_)
            | Error::NoSender { .. }
            | Error::NoSmtpConfig { .. }
            | Error::NoPassword { .. }
            | Error::SmtpSetup { .. }
            | Error::EmailTemplate(_)
            | Error::EmailMessage { .. },
        ) => 2,
        Err(Error::Imap { source, .. }) if source.is_configuration() => 2,
        Ok(Outcome::DeliveryFailed)
        | Err(Error::Io { .. } | Error::Xlsx(_) | Error::Imap { .. }) => 3,
    }
}

/// Parses the command line, runs the command, prints what failed, and returns the exit
/// status.
pub fn main() -> ExitCode {
    crate::ingest::workbook::install_quiet_panic_hook();
    ExitCode::from(execute(std::env::args_os().collect()))
}

/// Parses `args` (the program's name first), runs the command, prints what failed, and
/// returns the exit status: all a command does, for [`main`] and for the menu's actions.
pub fn execute(args: Vec<OsString>) -> u8 {
    let command_line = crate::lock::command_line(&args);
    let mut cli = match crate::usage::parse_from::<Cli>(args) {
        Ok(cli) => cli,
        Err(status) => return status,
    };
    cli.command_line = command_line;
    let result = run(&cli);
    if let Err(e) = &result {
        // A failing stderr leaves nothing else to report to.
        let _ = write!(anstream::stderr(), "{}", terminal::failure(e, cli.verbose));
    }
    status_code(&result)
}

impl Cli {
    /// The configuration file: `--config`, else `chibo.toml` in the current folder.
    pub fn config_path(&self) -> PathBuf {
        self.config
            .clone()
            .unwrap_or_else(|| PathBuf::from("chibo.toml"))
    }

    /// Prints `d` unless `-q` leaves out everything but errors.
    fn print_diagnostic(&self, out: &mut impl Write, d: &Diagnostic) {
        if !self.quiet || d.severity == Severity::Error {
            let _ = writeln!(out, "{}", d.styled());
        }
    }
}

/// Runs one command and prints what it has to say; stdout failing (a closed pipe) does
/// not change the outcome.
///
/// # Errors
/// Whatever stops the command; see [`exit_status`].
pub fn run(cli: &Cli) -> Result<Outcome, Error> {
    let mut out = anstream::stdout();
    // Held until the command returns. `check` only reads, `init` makes the workspace.
    let _lock = match &cli.command {
        Command::Template { .. }
        | Command::Run { .. }
        | Command::Send { .. }
        | Command::Collect { .. } => Some(lock_workspace(cli)?),
        Command::Init { .. } | Command::Check { .. } => None,
    };
    match &cli.command {
        Command::Init { dir, demo } => {
            let dir = dir.clone().unwrap_or_else(|| PathBuf::from("."));
            let created = commands::init::init(&dir, *demo)?;
            if !cli.quiet {
                let text = terminal::created(&created.dir, &created.files, &created.kept, *demo);
                let _ = write!(out, "{text}");
            }
            Ok(Outcome::Done)
        }
        Command::Template { month, unit } => {
            let written =
                commands::template::write_templates(&cli.config_path(), *month, unit.as_deref())?;
            if !cli.quiet {
                let _ = write!(out, "{}", terminal::templates_written(*month, &written));
            }
            Ok(Outcome::Done)
        }
        Command::Check { files, json } => check(cli, files, *json),
        Command::Collect { month, from } => collect(cli, *month, from.as_deref()),
        Command::Run {
            month,
            no_email,
            force,
        } => {
            let options = commands::run::Options {
                emails: !*no_email,
                force: *force,
            };
            run_month(cli, *month, options)
        }
        Command::Send { month } => {
            let failed =
                commands::send::send(&cli.config_path(), *month, &mut |dir, root, report| {
                    let mut out = anstream::stdout();
                    let shown = crate::workspace::shown_path(dir, Some(root));
                    for d in report.diagnostics(&shown) {
                        cli.print_diagnostic(&mut out, &d);
                    }
                    let queued = report.delivered.len() + report.failed.len() + report.already;
                    let text = terminal::emails(queued, dir, Some(report), root, cli.quiet);
                    let _ = write!(out, "{text}");
                })?;
            Ok(if failed {
                Outcome::DeliveryFailed
            } else {
                Outcome::Done
            })
        }
    }
}

/// Takes the workspace's lock, saying on standard error (unless `-q`) when it waits for
/// another process.
fn lock_workspace(cli: &Cli) -> Result<crate::lock::WorkspaceLock, Error> {
    crate::lock::acquire(&cli.config_path(), &cli.command_line, &mut |holder| {
        if !cli.quiet {
            let _ = writeln!(anstream::stderr(), "{}", terminal::lock_wait(holder));
        }
    })
}

fn check(cli: &Cli, files: &[PathBuf], json: bool) -> Result<Outcome, Error> {
    let checked = commands::check::check_files(files, &cli.config_path(), cli.config.is_some())?;
    let mut all: Vec<&Diagnostic> = checked
        .notes
        .iter()
        .chain(checked.files.iter().flat_map(|s| &s.diagnostics))
        .collect();
    let mut out = anstream::stdout();
    if json {
        all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let text = serde_json::to_string_pretty(&all).expect("diagnostics serialize");
        let _ = writeln!(out, "{text}");
    } else {
        for d in &checked.notes {
            cli.print_diagnostic(&mut out, d);
        }
        for s in &checked.files {
            for d in &s.diagnostics {
                cli.print_diagnostic(&mut out, d);
            }
            if !cli.quiet {
                let _ = writeln!(out, "{}", terminal::check_line(s));
            }
        }
    }
    Ok(if all.iter().any(|d| d.severity == Severity::Error) {
        Outcome::DataErrors
    } else {
        Outcome::Done
    })
}

fn collect(
    cli: &Cli,
    month: Option<YearMonth>,
    from: Option<&std::path::Path>,
) -> Result<Outcome, Error> {
    let now = crate::clock::now()?;
    let config = cli.config_path();
    // Without --from, the mailbox of [collect.imap].
    let (done, left) = if let Some(dir) = from {
        let root = config.parent().map(std::path::Path::to_path_buf);
        let mut mailbox = commands::collect::folder(dir, root.as_deref());
        let done = commands::collect::collect(&config, &mut mailbox, month, now)?;
        (done, Vec::new())
    } else {
        let settings = crate::config::Config::load(&config)?;
        let mut mailbox = crate::collect::imap::open_configured(&settings, month, now)?;
        let done = commands::collect::collect(&config, &mut mailbox, month, now)?;
        let left = mailbox.notes();
        mailbox.close();
        (done, left)
    };
    let mut out = anstream::stdout();
    for d in done
        .notes
        .iter()
        .chain(&left)
        .chain(done.checked.iter().flat_map(|s| &s.diagnostics))
        .chain(&done.delivery_notes)
    {
        cli.print_diagnostic(&mut out, d);
    }
    if !cli.quiet {
        let _ = write!(out, "{}", done.printed());
    }
    let errors = done.refused > 0
        || done
            .checked
            .iter()
            .flat_map(|s| &s.diagnostics)
            .any(|d| d.severity == Severity::Error);
    Ok(if done.delivery_failed {
        Outcome::DeliveryFailed
    } else if errors {
        Outcome::DataErrors
    } else {
        Outcome::Done
    })
}

fn run_month(
    cli: &Cli,
    month: YearMonth,
    options: commands::run::Options,
) -> Result<Outcome, Error> {
    let now = crate::clock::now()?;
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} Đọc báo cáo {pos}/{len} {wide_msg}")
            .expect("a valid template"),
    );
    if cli.quiet {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let on_file = |done: usize, total: usize, file: &str| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        bar.set_message(file.to_owned());
    };
    let report = commands::run::run(&cli.config_path(), month, options, now, &on_file)?;
    bar.finish_and_clear();
    let r = &report.reconciliation;
    let mut out = anstream::stdout();
    for d in report.roster_notes.iter().chain(&r.issues) {
        cli.print_diagnostic(&mut out, d);
    }
    if !cli.quiet {
        let text = terminal::run_summary(r, &report.province, &report.outputs, &report.root);
        let _ = write!(out, "{text}");
    }
    if let (Some(held), false) = (&report.held, cli.quiet) {
        let text = terminal::emails_held(r.month, held.deadline, held.timezone);
        let _ = write!(out, "{text}");
    }
    let mut failed = false;
    if let Some(e) = &report.emails {
        failed = e
            .send
            .as_ref()
            .is_some_and(crate::mail::SendReport::has_errors);
        let shown = crate::workspace::shown_path(&e.outbox, Some(&report.root));
        let notes = match &e.send {
            Some(send) => send.diagnostics(&shown),
            None => crate::mail::stray_diagnostics(&e.strays, &shown),
        };
        for d in notes {
            cli.print_diagnostic(&mut out, &d);
        }
        let text = terminal::emails(
            e.queued,
            &e.outbox,
            e.send.as_ref(),
            &report.root,
            cli.quiet,
        );
        let _ = write!(out, "{text}");
    }
    if cli.verbose {
        let _ = writeln!(out, "{}", terminal::timings(&report.timings));
    }
    Ok(if failed {
        Outcome::DeliveryFailed
    } else if crate::reconcile::has_errors(r) {
        Outcome::DataErrors
    } else {
        Outcome::Done
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::config::ConfigError;

    /// One error of each kind, with the exit status SPEC §9 gives it and what `chibo`
    /// prints for it.
    #[test]
    #[allow(clippy::too_many_lines)] // a case table
    fn every_error_has_its_exit_status() {
        let config = || "chibo.toml".to_owned();
        let tls = lettre::transport::smtp::client::TlsParameters::builder("h".into())
            .set_min_tls_version(lettre::transport::smtp::client::TlsVersion::Tlsv10)
            .build()
            .err()
            .expect("rustls has no TLS 1.0");
        let address = "không".parse::<lettre::message::Mailbox>().unwrap_err();
        let template = minijinja::Environment::new()
            .template_from_str("{% if %}")
            .unwrap_err();
        let cases: Vec<(Error, u8, &str)> = vec![
            (
                Error::Config(ConfigError {
                    path: config(),
                    problems: Vec::new(),
                }),
                2,
                "chibo: tệp cấu hình chibo.toml có 0 lỗi; hãy sửa rồi chạy lại\n",
            ),
            (
                Error::Roster(crate::roster::RosterError {
                    diagnostics: Vec::new(),
                }),
                2,
                "chibo: danh sách phân công có 0 lỗi; hãy sửa rồi chạy lại\n",
            ),
            (
                Error::UnknownUnit { code: "XX".into() },
                2,
                "chibo: không có đơn vị mã «XX» trong danh sách phân công\n",
            ),
            (
                Error::NoFileMatches {
                    pattern: "inbox/2020-07/*.xlsx".into(),
                },
                2,
                "chibo: không có tệp nào khớp với «inbox/2020-07/*.xlsx»\n",
            ),
            (
                Error::UnsafeUnitCode { code: "..".into() },
                2,
                "chibo: mã đơn vị «..» không dùng được làm tên tệp\n",
            ),
            (
                Error::WorkspaceExists {
                    dir: PathBuf::from("ws"),
                    files: vec![
                        PathBuf::from("ws/chibo.toml"),
                        PathBuf::from("ws/roster.xlsx"),
                    ],
                },
                2,
                "chibo: ws đã có không gian làm việc; chibo không ghi đè: ws/chibo.toml, ws/roster.xlsx\n",
            ),
            (
                Error::WorkspaceBusy {
                    dir: PathBuf::from("ws"),
                    holder: Some(crate::lock::Holder {
                        command: "chibo run --month 2020-07".into(),
                        pid: 4242,
                        since: "2026-12-06T11:20:05+07:00".into(),
                    }),
                },
                2,
                "chibo: không gian làm việc đang bận: lệnh «chibo run --month 2020-07» (tiến trình 4242) đang chạy từ 11:20:05 ngày 06/12/2026; hãy chờ lệnh đó xong rồi chạy lại\n",
            ),
            (
                Error::WorkspaceBusy {
                    dir: PathBuf::from("ws"),
                    holder: None,
                },
                2,
                "chibo: không gian làm việc đang bận: một lệnh chibo khác đang chạy; hãy chờ lệnh đó xong rồi chạy lại\n",
            ),
            (
                Error::NoMonthFolder {
                    month: YearMonth::new(2002, 7).unwrap(),
                    folder: "inbox/2002-07".into(),
                    months: vec![
                        YearMonth::new(2020, 6).unwrap(),
                        YearMonth::new(2020, 7).unwrap(),
                    ],
                },
                2,
                "chibo: không có thư mục inbox/2002-07: chưa nhận báo cáo nào của tháng 07/2002, chibo không ghi và không gửi gì; các tháng đã có: 2020-06, 2020-07; hãy kiểm tra lại --month\n",
            ),
            (
                Error::NoMailbox { config: config() },
                2,
                "chibo: chưa có hộp thư để nhận báo cáo: hãy dùng «chibo collect --from THƯ_MỤC» (thư mục các tệp .eml, .mbox) hoặc thêm bảng [collect.imap] vào chibo.toml\n",
            ),
            (
                Error::BadNow(crate::clock::BadNow { value: "x".into() }),
                2,
                "chibo: biến môi trường CHIBO_NOW (chỉ dùng khi kiểm thử) ghi «x», không phải thời điểm dạng 2020-08-03T10:00:00+07:00; hãy sửa hoặc bỏ biến này\n",
            ),
            (
                Error::NoSender { config: config() },
                2,
                "chibo: chibo.toml: error[config-missing-key]: chưa có địa chỉ người gửi thư: hãy ghi khóa email.from trong chibo.toml\n",
            ),
            (
                Error::NoSmtpConfig { config: config() },
                2,
                "chibo: chibo.toml: error[email-no-smtp]: chưa cấu hình máy chủ thư: hãy thêm bảng [email.smtp] vào chibo.toml\n",
            ),
            (
                Error::NoPassword {
                    config: config(),
                    var: "PW".into(),
                },
                2,
                "chibo: chibo.toml: error[email-no-password]: chưa có mật khẩu SMTP: hãy đặt biến môi trường PW trước khi gửi thư\n",
            ),
            (
                Error::SmtpSetup {
                    config: config(),
                    source: crate::mail::smtp::SetupError::Tls(tls),
                },
                2,
                "chibo: chibo.toml: error[email-tls]: không thiết lập được TLS với máy chủ thư\n",
            ),
            (
                Error::EmailTemplate(crate::report::email::TemplateError::Engine {
                    name: "unit.txt".into(),
                    line: Some(1),
                    source: template,
                }),
                2,
                "chibo: templates/email/unit.txt:1: error[email-template]: mẫu thư unit.txt (dòng 1): sai cú pháp (kiểm tra các cặp {{ }} và {% %})\n",
            ),
            (
                Error::EmailMessage {
                    outbox: "out/2020-07/outbox".into(),
                    source: crate::mail::message::MessageError::BadAddress {
                        name: "02-don-vi-YC".into(),
                        address: "không".into(),
                        source: address,
                    },
                },
                2,
                "chibo: out/2020-07/outbox: error[email-bad-address]: thư 02-don-vi-YC: địa chỉ «không» không hợp lệ\n",
            ),
            (
                Error::Io {
                    path: PathBuf::from("out/2020-07"),
                    source: std::io::Error::from(std::io::ErrorKind::StorageFull),
                },
                3,
                "chibo: out/2020-07: ổ đĩa đã đầy; hãy giải phóng chỗ trống rồi chạy lại\n",
            ),
            (
                Error::Xlsx(rust_xlsxwriter::XlsxError::ParameterError("x".into())),
                3,
                "chibo: không tạo được bảng tính\n",
            ),
        ];
        for (error, status, printed) in cases {
            let shown = terminal::failure(&error, false);
            let plain = anstream::adapter::strip_str(&shown).to_string();
            assert_eq!(plain, printed, "{error:?}");
            assert_eq!(status_code(&Err(error)), status, "{printed}");
        }
        for (outcome, status) in [
            (Outcome::Done, 0),
            (Outcome::DataErrors, 1),
            (Outcome::DeliveryFailed, 3),
        ] {
            assert_eq!(status_code(&Ok(outcome)), status);
        }
    }

    /// With `-v`, the library's words behind a message follow it.
    #[test]
    fn verbose_failures_show_the_source() {
        let error = Error::Xlsx(rust_xlsxwriter::XlsxError::ParameterError("x".into()));
        let shown = anstream::adapter::strip_str(&terminal::failure(&error, true)).to_string();
        assert!(
            shown.starts_with("chibo: không tạo được bảng tính\n  nguyên nhân: "),
            "{shown}"
        );
    }

    // clap's words in Vietnamese (`usage`), on this command line.

    fn mistake(args: &[&str]) -> clap::Error {
        let mut command = crate::usage::vietnamese(<Cli as clap::CommandFactory>::command());
        command
            .try_get_matches_from_mut(args.iter().copied())
            .expect_err("a mistake")
    }

    fn printed(args: &[&str]) -> String {
        let mut command = crate::usage::vietnamese(<Cli as clap::CommandFactory>::command());
        let args: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
        crate::usage::failure(&mistake_of(&args), &mut command, &args)
    }

    fn mistake_of(args: &[std::ffi::OsString]) -> clap::Error {
        let mut command = crate::usage::vietnamese(<Cli as clap::CommandFactory>::command());
        command
            .try_get_matches_from_mut(args)
            .expect_err("a mistake")
    }

    #[test]
    fn each_mistake_is_said_in_vietnamese() {
        let said = |args: &[&str]| crate::usage::message(&mistake(args));
        assert_eq!(
            said(&["chibo", "runn"]),
            "không có lệnh «runn»; có phải ý là «run»?"
        );
        assert_eq!(
            said(&["chibo", "run", "--mont", "2020-07"]),
            "không có tùy chọn «--mont»; có phải ý là «--month»?"
        );
        assert_eq!(said(&["chibo", "run"]), "thiếu «--month <YYYY-MM>»");
        assert_eq!(
            said(&["chibo", "run", "--month", "2020-13"]),
            "«--month <YYYY-MM>»: «2020-13» không phải tháng dạng YYYY-MM (ví dụ 2020-07)"
        );
        assert_eq!(
            said(&["chibo", "-q", "-v", "check", "a.xlsx"]),
            "không dùng «--quiet» cùng với «--verbose»"
        );
        assert_eq!(
            said(&["chibo", "run", "--month", "2020-07", "--month", "2020-08"]),
            "«--month <YYYY-MM>» chỉ được ghi một lần"
        );
    }

    #[test]
    fn help_and_usage_have_no_english_from_clap() {
        let help = crate::usage::vietnamese(<Cli as clap::CommandFactory>::command())
            .render_help()
            .to_string();
        for english in ["Usage", "Options", "Commands", "Print", "\n  help "] {
            assert!(!help.contains(english), "{english} in:\n{help}");
        }
        assert!(help.contains("Cách dùng: chibo"), "{help}");
        for args in [
            &["chibo", "run"][..],
            &["chibo", "run", "--month", "2020-13"],
            &["chibo", "-q", "run", "--month", "x"],
        ] {
            let text = printed(args);
            assert!(
                text.contains("Cách dùng: chibo run --month YYYY-MM"),
                "{text}"
            );
            assert!(text.ends_with("Xem thêm: chibo run --help\n"), "{text}");
        }
        assert!(printed(&["chibo", "runn"]).ends_with("Xem thêm: chibo --help\n"));
    }
}

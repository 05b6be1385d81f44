//! The command line (SPEC §9): clap's typed flags, the dispatch to each command, and the
//! one place that turns an outcome into an exit status.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::Error;
use crate::model::YearMonth;

fn parse_month(text: &str) -> Result<YearMonth, String> {
    YearMonth::parse(text)
        .filter(|_| text.contains('-'))
        .ok_or_else(|| format!("«{text}» không phải tháng dạng YYYY-MM (ví dụ 2020-07)"))
}

/// chibo: tổng hợp báo cáo dự sinh hoạt chi bộ khu dân cư của Tỉnh ủy viên.
#[derive(Debug, Parser)]
#[command(name = "chibo", version)]
pub struct Cli {
    /// Tệp cấu hình của không gian làm việc [mặc định: chibo.toml].
    #[arg(long, global = true, value_name = "PATH")]
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
    Init {
        /// Thư mục (mặc định: thư mục hiện tại).
        dir: Option<PathBuf>,
        /// Chép dữ liệu tỉnh mẫu.
        #[arg(long)]
        demo: bool,
    },
    /// Tạo mẫu báo cáo tháng cho từng đơn vị (out/YYYY-MM/mau/<mã đơn vị>.xlsx).
    Template {
        /// Tháng báo cáo, dạng YYYY-MM.
        #[arg(long, value_parser = parse_month)]
        month: YearMonth,
        /// Chỉ tạo mẫu cho đơn vị này.
        #[arg(long, value_name = "CODE")]
        unit: Option<String>,
    },
    /// Tổng hợp báo cáo của tháng: đọc, đối chiếu, ghi kết quả.
    Run {
        /// Tháng báo cáo, dạng YYYY-MM.
        #[arg(long, value_parser = parse_month)]
        month: YearMonth,
        /// Không gửi và không xếp hàng thư.
        #[arg(long)]
        no_email: bool,
    },
    /// Gửi các thư đang chờ trong hộp thư đi (out/YYYY-MM/outbox).
    Send {
        /// Chỉ gửi thư của tháng này (mặc định: mọi tháng).
        #[arg(long, value_parser = parse_month)]
        month: Option<YearMonth>,
    },
    /// Kiểm tra tệp báo cáo trước khi nộp; thoát với mã 1 nếu có lỗi.
    Check {
        /// Các tệp báo cáo.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// In các vấn đề dạng JSON (như mục issues của summary.json).
        #[arg(long)]
        json: bool,
    },
}

/// Parses the command line, runs the command, prints what failed, and returns the exit
/// status: 0 success, 1 data errors, 2 usage or configuration error, 3 I/O failure.
pub fn main() -> ExitCode {
    crate::ingest::workbook::install_quiet_panic_hook();
    let cli = Cli::parse();
    match run(&cli) {
        Ok(status) => status,
        Err(e) => {
            let style = anstyle::AnsiColor::Red.on_default().bold();
            let mut err = anstream::stderr();
            // A failing stderr leaves nothing else to report to.
            let _ = writeln!(err, "{style}chibo:{style:#} {e}");
            if let Error::Roster(r) = &e {
                for d in &r.diagnostics {
                    let _ = writeln!(err, "{}", d.styled());
                }
            }
            ExitCode::from(e.exit_code())
        }
    }
}

impl Cli {
    /// The configuration file: `--config`, else `chibo.toml` in the current folder.
    pub fn config_path(&self) -> PathBuf {
        self.config
            .clone()
            .unwrap_or_else(|| PathBuf::from("chibo.toml"))
    }
}

/// Runs one command.
///
/// # Errors
/// Whatever stops the command; see [`Error::exit_code`].
pub fn run(cli: &Cli) -> Result<ExitCode, Error> {
    match &cli.command {
        Command::Init { dir, demo } => {
            let dir = dir.clone().unwrap_or_else(|| PathBuf::from("."));
            let created = crate::init::init(&dir, *demo)?;
            if !cli.quiet {
                let mut out = anstream::stdout();
                let _ = writeln!(
                    out,
                    "Đã tạo không gian làm việc tại {}:",
                    created.dir.display()
                );
                for file in &created.files {
                    let _ = writeln!(out, "  {}", file.display());
                }
                if !*demo {
                    let _ = writeln!(
                        out,
                        "Hãy điền tên tỉnh vào chibo.toml và danh sách phân công vào roster.xlsx."
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Run { month, no_email } => run_month(cli, *month, !*no_email),
        Command::Send { month } => send(cli, *month),
        Command::Template { month, unit } => {
            let written =
                crate::template::write_templates(&cli.config_path(), *month, unit.as_deref())?;
            if !cli.quiet {
                let mut out = anstream::stdout();
                let _ = writeln!(
                    out,
                    "Đã tạo {} mẫu báo cáo tháng {}:",
                    written.len(),
                    month.vi()
                );
                for path in &written {
                    let _ = writeln!(out, "  {}", path.display());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { files, json } => {
            let workspace = if cli.config.is_some() || cli.config_path().exists() {
                Some(crate::check::Workspace::load(&cli.config_path())?)
            } else {
                None
            };
            let checked = crate::check::check(files, workspace.as_ref());
            let mut all: Vec<&crate::diagnostic::Diagnostic> =
                checked.iter().flat_map(|s| &s.diagnostics).collect();
            let mut out = anstream::stdout();
            if *json {
                all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
                let text = serde_json::to_string_pretty(&all).expect("diagnostics serialize");
                let _ = writeln!(out, "{text}");
            } else {
                for s in &checked {
                    for d in &s.diagnostics {
                        if !cli.quiet || d.severity == crate::diagnostic::Severity::Error {
                            let _ = writeln!(out, "{}", d.styled());
                        }
                    }
                    if !cli.quiet {
                        let _ = writeln!(out, "{}", crate::check::summary_line(s));
                    }
                }
            }
            let failed = all
                .iter()
                .any(|d| d.severity == crate::diagnostic::Severity::Error);
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

fn run_month(cli: &Cli, month: YearMonth, emails: bool) -> Result<ExitCode, Error> {
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
    let report = crate::run::run(&cli.config_path(), month, emails, &on_file)?;
    bar.finish_and_clear();
    let r = &report.reconciliation;
    let mut out = anstream::stdout();
    let notes = report.roster_notes.iter().chain(&r.issues);
    for d in notes {
        if !cli.quiet || d.severity == crate::diagnostic::Severity::Error {
            let _ = writeln!(out, "{}", d.styled());
        }
    }
    if !cli.quiet {
        let _ = write!(
            out,
            "{}",
            crate::run::terminal_summary(r, &report.province, &report.outputs, &report.root)
        );
    }
    let failed = report
        .emails
        .as_ref()
        .and_then(|e| e.send.as_ref())
        .is_some_and(|s| !s.failed.is_empty());
    if let Some(e) = &report.emails {
        let _ = print_emails(cli, e.queued, &e.outbox, e.send.as_ref(), &report.root);
    }
    if cli.verbose {
        let _ = writeln!(out, "{}", timings_line(&report.timings));
    }
    Ok(if failed {
        ExitCode::from(3)
    } else if crate::reconcile::has_errors(r) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `Thời gian: đọc 144 tệp báo cáo 0,152 s; …` (seconds with a decimal comma, to the
/// millisecond: the stages after reading take a few each).
fn timings_line(timings: &[(String, std::time::Duration)]) -> String {
    let parts: Vec<String> = timings
        .iter()
        .map(|(stage, d)| {
            let seconds = format!("{:.3}", d.as_secs_f64()).replace('.', ",");
            format!("{stage} {seconds} s")
        })
        .collect();
    format!("Thời gian: {}", parts.join("; "))
}

fn print_emails(
    cli: &Cli,
    queued: usize,
    outbox: &std::path::Path,
    send: Option<&crate::mail::SendReport>,
    root: &std::path::Path,
) -> std::io::Result<()> {
    let mut out = anstream::stdout();
    let shown = crate::check::shown_path(outbox, Some(root));
    if let Some(s) = send {
        for (name, reason) in &s.failed {
            writeln!(
                out,
                "{shown}: error[email]: chưa gửi được thư {name}: {reason}; thư vẫn chờ trong hộp thư đi"
            )?;
        }
        if !cli.quiet {
            writeln!(
                out,
                "  Thư: {queued} thư trong {shown}; đã gửi {}, trước đó đã gửi {}, chưa gửi được {}",
                s.delivered.len(),
                s.already,
                s.failed.len()
            )?;
        }
    } else if !cli.quiet {
        writeln!(
            out,
            "  Thư: {queued} thư chờ gửi trong {shown} (gửi bằng «chibo send»)"
        )?;
    }
    Ok(())
}

fn send(cli: &Cli, month: Option<YearMonth>) -> Result<ExitCode, Error> {
    let config = crate::config::Config::load(&cli.config_path())?;
    let dirs: Vec<std::path::PathBuf> = if let Some(m) = month {
        vec![config.out.join(m.to_string()).join("outbox")]
    } else {
        let mut found: Vec<std::path::PathBuf> = std::fs::read_dir(&config.out)
            .map(|d| {
                d.flatten()
                    .map(|e| e.path().join("outbox"))
                    .filter(|p| p.is_dir())
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        found
    };
    let mut failed = false;
    for dir in dirs {
        let outbox = crate::mail::Outbox::new(&dir);
        let report = crate::run::send_outbox(&config, &outbox)?;
        failed |= !report.failed.is_empty();
        let queued = report.delivered.len() + report.failed.len() + report.already;
        print_emails(cli, queued, &dir, Some(&report), &config.root).map_err(|source| {
            Error::Io {
                path: dir.clone(),
                source,
            }
        })?;
    }
    Ok(if failed {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

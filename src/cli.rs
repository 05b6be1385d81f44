//! The command line (SPEC §9): clap's typed flags, the dispatch to each command, and the
//! one place that turns an outcome into an exit status.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::Error;

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

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
    /// Tệp cấu hình của không gian làm việc.
    #[arg(long, global = true, value_name = "PATH", default_value = "chibo.toml")]
    pub config: PathBuf,
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
    }
}

//! `chibo` with no arguments, as Windows Explorer starts it on a double-click: a
//! Vietnamese menu instead of clap's usage in a window that closes at once. It finds the
//! workspace (beside the program, the one remembered, or one it asks for), asks for the
//! month (the previous one by default), then runs the month's commands through
//! [`crate::cli::execute`], the very code path of the command line, so what they print
//! and their exit statuses are those of the commands; it says what each status means,
//! waits for Enter and shows the menu again. It ends when asked to, or when its input
//! ends; it never loops on a closed input.

mod actions;
mod answer;
mod remember;

use std::ffi::OsString;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use actions::{Action, Target};

use crate::model::YearMonth;

/// Runs the menu on the console; the exit status is 0 however the commands ended (the
/// menu said what each came to).
pub fn main() -> ExitCode {
    crate::ingest::workbook::install_quiet_panic_hook();
    let stdin = std::io::stdin();
    // A terminal shows what is typed; piped answers are shown, so that a log of the
    // session reads like the screen.
    let echo = !stdin.is_terminal();
    let mut menu = Menu {
        input: stdin.lock(),
        out: std::io::stdout(),
        echo,
    };
    // `None`: the input ended, which ends the menu as `0` does.
    let _ = menu.run();
    ExitCode::SUCCESS
}

/// The menu's conversation: answers read from `input`, questions and results written to
/// `out` (the commands write to the process's standard output and error themselves).
struct Menu<R, W> {
    input: R,
    out: W,
    echo: bool,
}

/// Writes a line to the menu's output; a console that is gone leaves no one to tell.
macro_rules! say {
    ($menu:expr, $($arg:tt)*) => {
        let _ = writeln!($menu.out, $($arg)*);
    };
}

impl<R: BufRead, W: Write> Menu<R, W> {
    /// The whole session. `None` when the input ended.
    fn run(&mut self) -> Option<()> {
        say!(
            self,
            "chibo {}: tổng hợp báo cáo dự sinh hoạt chi bộ khu dân cư của Tỉnh ủy viên",
            env!("CARGO_PKG_VERSION")
        );
        let found = remember::beside_program().or_else(remember::recalled);
        let mut workspace = if let Some(dir) = found {
            dir
        } else {
            say!(self, "\nChưa chọn không gian làm việc.");
            self.choose_workspace()?
        };
        let mut month = self.choose_month(&workspace)?;
        let last = Action::ALL.len() + 2;
        loop {
            let target = Target {
                month,
                inbox: inbox_shown(&workspace),
            };
            say!(self, "\nKhông gian làm việc: {}", workspace.display());
            say!(self, "Tháng báo cáo: {}\n", month.vi());
            for (i, action) in Action::ALL.iter().enumerate() {
                say!(self, "  {}. {}", i + 1, action.label(&target));
            }
            say!(self, "  {}. Đổi tháng báo cáo", Action::ALL.len() + 1);
            say!(self, "  {last}. Đổi không gian làm việc");
            say!(self, "  0. Thoát\n");
            let chosen = loop {
                let typed = self.ask(&format!("Chọn một số (0–{last}) rồi nhấn Enter: "))?;
                match answer::choice(&typed, last) {
                    Some(n) => break n,
                    None => {
                        say!(
                            self,
                            "«{}» không phải một lựa chọn; hãy gõ một số từ 0 đến {last}.",
                            typed.trim()
                        );
                    }
                }
            };
            match chosen {
                0 => {
                    say!(self, "Tạm biệt.");
                    return Some(());
                }
                n if n <= Action::ALL.len() => {
                    self.act(Action::ALL[n - 1], &workspace, &target);
                    self.ask("Nhấn Enter để quay lại menu.")?;
                }
                n if n == last => {
                    workspace = self.choose_workspace()?;
                }
                _ => month = self.choose_month(&workspace)?,
            }
        }
    }

    /// Writes `prompt` and reads one answer, without its line end. `None` when the input
    /// has ended (or cannot be read any more).
    fn ask(&mut self, prompt: &str) -> Option<String> {
        let _ = write!(self.out, "{prompt}");
        let _ = self.out.flush();
        let mut line = Vec::new();
        match self.input.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => {
                say!(self, "\nKhông còn gì để đọc; chibo thoát.");
                None
            }
            Ok(_) => {
                let text = String::from_utf8_lossy(&line)
                    .trim_end_matches(['\r', '\n'])
                    .to_owned();
                if self.echo {
                    say!(self, "{text}");
                }
                Some(text)
            }
        }
    }

    /// Asks for a workspace folder until one is given, and remembers it.
    fn choose_workspace(&mut self) -> Option<PathBuf> {
        say!(
            self,
            "Hãy gõ hoặc dán đường dẫn thư mục của không gian làm việc (thư mục có tệp chibo.toml)."
        );
        loop {
            let typed = self.ask("Thư mục: ")?;
            let Some(dir) = answer::folder(&typed) else {
                say!(self, "Hãy gõ đường dẫn một thư mục rồi nhấn Enter.");
                continue;
            };
            let shown = dir.display().to_string();
            let dir = std::path::absolute(&dir).unwrap_or(dir);
            if !dir.is_dir() {
                say!(
                    self,
                    "Không có thư mục «{shown}»; hãy kiểm tra lại đường dẫn."
                );
                continue;
            }
            if !remember::is_workspace(&dir) {
                say!(
                    self,
                    "Thư mục «{shown}» không có tệp {}, nên không phải không gian làm việc; hãy chọn thư mục có tệp đó (lệnh «chibo init THƯ_MỤC» tạo một không gian làm việc mới).",
                    remember::CONFIG
                );
                continue;
            }
            match remember::remember(&dir) {
                Ok(()) => {
                    say!(self, "Đã ghi nhớ thư mục này cho lần sau.");
                }
                Err(why) => {
                    say!(self, "Lưu ý: {why}; lần sau sẽ phải chọn lại.");
                }
            }
            return Some(dir);
        }
    }

    /// Asks for the report month; Enter takes the previous month.
    fn choose_month(&mut self, workspace: &Path) -> Option<YearMonth> {
        let default = previous_month(workspace);
        let prompt = match default {
            Some(d) => format!(
                "Tháng báo cáo (ví dụ 07/2020 hoặc 2020-07; nhấn Enter để chọn {}): ",
                d.vi()
            ),
            None => "Tháng báo cáo (ví dụ 07/2020 hoặc 2020-07): ".to_owned(),
        };
        loop {
            match answer::month(&self.ask(&prompt)?) {
                Ok(Some(month)) => return Some(month),
                Ok(None) => match default {
                    Some(month) => return Some(month),
                    None => {
                        say!(self, "Hãy gõ một tháng.");
                    }
                },
                Err(why) => {
                    say!(self, "{why}.");
                }
            }
        }
    }

    /// Runs `action` in `workspace` as its command line would, then says what its exit
    /// status means.
    fn act(&mut self, action: Action, workspace: &Path, target: &Target) {
        let args: Vec<OsString> = action.args(target).into_iter().map(Into::into).collect();
        say!(self, "\n» {}\n", crate::lock::command_line(&args));
        let _ = self.out.flush();
        // The commands resolve `chibo.toml` and the paths they print from the current
        // folder, as when typed in the workspace.
        let status = match std::env::set_current_dir(workspace) {
            Ok(()) => crate::cli::execute(args),
            Err(e) => {
                say!(
                    self,
                    "chibo: {}: {}",
                    workspace.display(),
                    crate::os_error::reason(&e)
                );
                3
            }
        };
        say!(self, "\n{}", action.result(status, target));
    }
}

/// The month before the present one in the workspace's time zone (Vietnam's when its
/// configuration cannot be read: the command then says why), if the command line would
/// take it.
fn previous_month(workspace: &Path) -> Option<YearMonth> {
    let offset = crate::config::Config::load(&workspace.join(remember::CONFIG))
        .map_or_else(|_| crate::clock::vietnam(), |c| c.timezone);
    let today = crate::clock::now()
        .ok()?
        .with_timezone(&offset)
        .date_naive();
    let (year, month) = (
        chrono::Datelike::year(&today),
        chrono::Datelike::month(&today),
    );
    let previous = if month == 1 {
        YearMonth::new(year - 1, 12)
    } else {
        YearMonth::new(year, month - 1)
    }?;
    crate::cli::within_years(previous, "").ok()
}

/// The workspace's inbox folder as the commands show it (`inbox` unless `chibo.toml`
/// says otherwise, or cannot be read: the command then says why).
fn inbox_shown(workspace: &Path) -> String {
    crate::config::Config::load(&workspace.join(remember::CONFIG)).map_or_else(
        |_| "inbox".to_owned(),
        |c| crate::workspace::shown_path(&c.inbox, Some(&c.root)),
    )
}

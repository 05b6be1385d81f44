//! Which workspace the menu opens: the folder holding the program when `chibo.toml` is
//! beside it (how the Windows zip is laid out), else the one last chosen, which is kept
//! in a one-line text file of the user's configuration folder
//! (`%APPDATA%\chibo\workspace.txt` on Windows, `~/.config/chibo/workspace.txt` on
//! Linux).

use std::path::{Path, PathBuf};

/// The configuration file a workspace folder holds.
pub const CONFIG: &str = "chibo.toml";

/// Whether `dir` is a workspace: a folder with `chibo.toml` in it.
pub fn is_workspace(dir: &Path) -> bool {
    dir.join(CONFIG).is_file()
}

/// The folder of the running program, when it is a workspace.
pub fn beside_program() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    is_workspace(dir).then(|| dir.to_path_buf())
}

/// The file that remembers the workspace, in the user's configuration folder (the
/// roaming `%APPDATA%` on Windows, `$XDG_CONFIG_HOME` or `~/.config` on Linux).
fn memory_file() -> Option<PathBuf> {
    Some(dirs::config_dir()?.join("chibo").join("workspace.txt"))
}

/// The workspace chosen last time, if it is still one.
pub fn recalled() -> Option<PathBuf> {
    let text = std::fs::read_to_string(memory_file()?).ok()?;
    let dir = PathBuf::from(text.trim_end_matches(['\r', '\n']));
    (dir.is_absolute() && is_workspace(&dir)).then_some(dir)
}

/// Remembers `dir` (an absolute path) for the next start.
///
/// # Errors
/// Where it could not be written, and why (in Vietnamese), for a note: the menu goes on
/// without it.
pub fn remember(dir: &Path) -> Result<(), String> {
    let file = memory_file().ok_or_else(|| {
        "không tìm thấy thư mục cấu hình của người dùng để ghi nhớ không gian làm việc".to_owned()
    })?;
    let text = dir.to_str().ok_or_else(|| {
        "đường dẫn có ký tự không ghi được thành văn bản, nên không ghi nhớ được".to_owned()
    })?;
    crate::output::write_atomic(&file, format!("{text}\n").as_bytes())
        .map_err(|e| format!("{}: {}", file.display(), crate::os_error::reason(&e)))
}

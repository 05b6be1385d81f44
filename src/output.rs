//! Writing output files: always to a temporary file in the target folder, then renamed,
//! so that a failed or interrupted run leaves the previous file intact; a month's
//! outputs replaced as one set ([`set`]); and the file names a unit code may give.

pub mod set;

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically, creating the parent folder if needed.
///
/// # Errors
/// The folder cannot be created, or the file cannot be written or renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_all_atomic(&[(path, bytes)]).map_err(|(_, e)| e)
}

/// Writes several files so that either all are replaced or, if any cannot be written,
/// none is: every temporary file is written and synced before the first rename.
///
/// # Errors
/// The path that failed and why.
pub fn write_all_atomic(
    files: &[(&Path, &[u8])],
) -> Result<(), (std::path::PathBuf, std::io::Error)> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let tmp = stage(path, bytes).map_err(|e| (path.to_path_buf(), e))?;
        staged.push((path, tmp));
    }
    for (path, tmp) in staged {
        tmp.persist(path)
            .map_err(|e| (path.to_path_buf(), e.error))?;
    }
    Ok(())
}

fn stage(path: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(set::TEMPORARY_PREFIX)
        .suffix(".tmp")
        .tempfile_in(dir)?;
    // Through the plain file: `NamedTempFile`'s own writer wraps the OS's error and
    // hides its number (tempfile's `PathError` skips it as a source).
    tmp.as_file_mut().write_all(bytes)?;
    // Temporary files are created private (0600); outputs are for the whole office.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// A unit code usable as a file name on every system: ASCII letters, digits, `-` and `_`,
/// and not a name Windows reserves.
pub fn safe_file_stem(code: &str) -> Option<String> {
    const RESERVED: &[&str] = &["CON", "PRN", "AUX", "NUL"];
    let ok = !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let upper = code.to_ascii_uppercase();
    let reserved = RESERVED.contains(&upper.as_str())
        || ((upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.len() == 4
            && upper.as_bytes()[3].is_ascii_digit());
    (ok && !reserved).then(|| code.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_replaces_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("summary.json");
        std::fs::write(&good, "old").unwrap();
        // A path under a regular file cannot be written, by root either.
        let blocker = dir.path().join("not-a-folder");
        std::fs::write(&blocker, "x").unwrap();
        let bad = blocker.join("tong-hop.xlsx");
        let (failed, _) = write_all_atomic(&[(&good, b"new"), (&bad, b"book")]).unwrap_err();
        assert_eq!(failed, bad);
        assert_eq!(std::fs::read_to_string(&good).unwrap(), "old");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 2, "no temporary file is left behind: {left:?}");
    }

    #[test]
    fn replaces_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/out.txt");
        write_atomic(&path, b"first version, longer").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out.txt"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o644
            );
        }
    }

    #[test]
    fn unit_codes_as_file_names() {
        for ok in ["YC", "TP", "MC-01", "don_vi_2"] {
            assert_eq!(safe_file_stem(ok).as_deref(), Some(ok));
        }
        for bad in [
            "",
            "../../etc",
            "a/b",
            "CON",
            "con",
            "COM1",
            "LPT9",
            "YC.",
            "Yên",
            "a b",
            "x\u{0}",
        ] {
            assert_eq!(safe_file_stem(bad), None, "{bad:?}");
        }
    }
}

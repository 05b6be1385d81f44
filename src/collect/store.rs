//! Writing what a message brought: a spreadsheet into its month folder
//! (`inbox/YYYY-MM/`) with its line in `received.txt`, or into `quarantine/` with a
//! notice. A file whose bytes (SHA-256) are already in the folder is not written again;
//! a name taken by another file gets a number. Each file is written atomically, and the
//! `received.txt` line is ensured for a file found already there too, so that a re-run
//! after a kill between the two completes the pair.

use std::path::{Path, PathBuf};

use std::fmt::Write as _;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::inbox::RECEIVED_FILE;

/// Where a file went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    /// Its path.
    pub path: PathBuf,
    /// Whether the same bytes were there already (nothing written).
    pub duplicate: bool,
}

/// Puts `bytes`, named `name` (already safe), into `folder`: the existing file when the
/// same bytes are there, else under `name` or, if taken, `name (2)`, ….
///
/// # Errors
/// The folder or the file cannot be read or written.
pub fn put(folder: &Path, name: &str, bytes: &[u8]) -> std::io::Result<Stored> {
    std::fs::create_dir_all(folder)?;
    let digest: [u8; 32] = Sha256::digest(bytes).into();
    if let Some(path) = same_bytes(folder, &digest, bytes.len() as u64)? {
        return Ok(Stored {
            path,
            duplicate: true,
        });
    }
    let mut candidate = name.to_owned();
    let mut n = 1;
    while folder.join(&candidate).exists() || candidate == RECEIVED_FILE {
        n += 1;
        candidate = super::name::numbered(name, n);
    }
    let path = folder.join(&candidate);
    crate::output::write_atomic(&path, bytes)?;
    Ok(Stored {
        path,
        duplicate: false,
    })
}

/// The file of `folder` holding the bytes of `digest`, if any.
fn same_bytes(folder: &Path, digest: &[u8; 32], len: u64) -> std::io::Result<Option<PathBuf>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(folder)?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| e.metadata().is_ok_and(|m| m.len() == len))
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        let bytes = std::fs::read(&path)?;
        if <[u8; 32]>::from(Sha256::digest(&bytes)) == *digest {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// Makes sure the month folder's `received.txt` has a line for `name`: kept as it is
/// when it has one, else `YYYY-MM-DD<Tab>name` added after the existing lines (a file
/// Notepad saved as UTF-16 is rewritten as UTF-8, its lines kept). Returns whether a
/// line was added.
///
/// # Errors
/// The list cannot be read or written.
pub fn ensure_received(folder: &Path, name: &str, date: NaiveDate) -> std::io::Result<bool> {
    let path = folder.join(RECEIVED_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e),
    };
    let (dates, _) = crate::inbox::parse_received(&bytes, RECEIVED_FILE);
    if dates.contains_key(name) {
        return Ok(false);
    }
    let mut text = match String::from_utf8(bytes.clone()) {
        Ok(t) => t,
        Err(_) => crate::text::decode_lines(&bytes)
            .into_iter()
            .flatten()
            .fold(String::new(), |mut t, l| {
                t.push_str(l.trim_end_matches('\r'));
                t.push('\n');
                t
            }),
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let _ = writeln!(text, "{}\t{name}", date.format("%Y-%m-%d"));
    crate::output::write_atomic(&path, text.as_bytes())?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_are_kept_once_and_names_do_not_clash() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("2020-07");
        let a = put(&folder, "Báo cáo.xlsx", b"one").unwrap();
        assert!(!a.duplicate);
        let again = put(&folder, "khác.xlsx", b"one").unwrap();
        assert_eq!(
            again,
            Stored {
                path: a.path.clone(),
                duplicate: true
            }
        );
        let b = put(&folder, "Báo cáo.xlsx", b"two").unwrap();
        assert_eq!(b.path, folder.join("Báo cáo (2).xlsx"));
        let day = NaiveDate::from_ymd_opt(2020, 8, 4).unwrap();
        std::fs::write(folder.join(RECEIVED_FILE), "# sổ\n2020-08-01\tcũ.xls").unwrap();
        assert!(ensure_received(&folder, "Báo cáo.xlsx", day).unwrap());
        assert!(!ensure_received(&folder, "Báo cáo.xlsx", day).unwrap());
        let text = std::fs::read_to_string(folder.join(RECEIVED_FILE)).unwrap();
        assert_eq!(text, "# sổ\n2020-08-01\tcũ.xls\n2020-08-04\tBáo cáo.xlsx\n");
    }
}

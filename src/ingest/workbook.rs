//! Opening a workbook of any supported format: the only place that reads spreadsheet
//! files. Everything else works on [`Grid`]s.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{Reader, Sheets};
use unicode_normalization::UnicodeNormalization;

use crate::ingest::grid::Grid;
use crate::text::LabelKey;

/// Why a workbook or one of its sheets cannot be read, in Vietnamese.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct OpenError(pub String);

/// An open workbook: its sheet names and a reader for their cells.
pub struct Workbook {
    sheets: Sheets<BufReader<File>>,
    /// Names as stored in the file, needed to ask calamine for a sheet.
    raw_names: Vec<String>,
    /// Names in NFC, as shown in diagnostics.
    names: Vec<String>,
}

impl Workbook {
    /// Opens `path` (`.xlsx`, `.xlsm`, `.xls`, `.xlsb`, `.ods`).
    ///
    /// # Errors
    /// The file is missing, unreadable or not a workbook; the message says which.
    pub fn open(path: &Path) -> Result<Workbook, OpenError> {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(OpenError("không tìm thấy tệp".into()));
            }
            Err(e) => return Err(OpenError(format!("không đọc được tệp: {e}"))),
            Ok(m) if m.len() == 0 => return Err(OpenError("tệp rỗng (0 byte)".into())),
            Ok(_) => {}
        }
        let sheets = calamine::open_workbook_auto(path)
            .map_err(|e| OpenError(format!("không mở được bảng tính: {e}")))?;
        let raw_names = sheets.sheet_names();
        let names = raw_names.iter().map(|n| n.nfc().collect()).collect();
        Ok(Workbook {
            sheets,
            raw_names,
            names,
        })
    }

    /// Sheet names in workbook order, NFC.
    pub fn sheet_names(&self) -> &[String] {
        &self.names
    }

    /// The index of the first sheet whose name matches one of `labels` (compared as
    /// labels: case, diacritics and punctuation ignored).
    pub fn find_sheet(&self, labels: &[&str]) -> Option<usize> {
        let wanted: Vec<LabelKey> = labels.iter().map(|l| LabelKey::new(l)).collect();
        self.names
            .iter()
            .position(|n| wanted.contains(&LabelKey::new(n)))
    }

    /// The cells of sheet `index`.
    ///
    /// # Errors
    /// The sheet's data cannot be decoded.
    pub fn grid(&mut self, index: usize) -> Result<Grid, OpenError> {
        let name = &self.raw_names[index];
        self.sheets
            .worksheet_range(name)
            .map(Grid::new)
            .map_err(|e| OpenError(format!("không đọc được trang «{}»: {e}", self.names[index])))
    }
}

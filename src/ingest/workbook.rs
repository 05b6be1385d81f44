//! Opening a workbook of any supported format: the only place that reads spreadsheet
//! files. Everything else works on [`Grid`]s.

use std::io::{BufReader, Cursor, Read, Seek};
use std::path::Path;

use calamine::{Dimensions, Reader, Sheets};
use unicode_normalization::UnicodeNormalization;

use crate::ingest::grid::Grid;
use crate::text::LabelKey;

/// The resource limits of reading one workbook. A unit's monthly report is a few dozen
/// rows and well under 1 MiB; these are far above that and far below what could exhaust
/// an office PC.
pub mod limits {
    /// Largest file read, in bytes.
    pub const FILE_BYTES: u64 = 20 * 1024 * 1024;
    /// Largest total decompressed size of a zip-based workbook (.xlsx, .xlsm, .xlsb, .ods).
    pub const UNZIPPED_BYTES: u64 = 100 * 1024 * 1024;
    /// Most entries in a zip-based workbook.
    pub const ZIP_ENTRIES: usize = 2_000;
    /// Rows of a sheet that may hold data (row 20,000 and below are not read).
    pub const SHEET_ROWS: u32 = 20_000;
    /// Columns of a sheet that may hold data (column GR and right of it are not read).
    pub const SHEET_COLS: u32 = 200;
    /// Non-empty cells read from one sheet.
    pub const SHEET_CELLS: usize = 1_000_000;
}

thread_local! {
    /// Whether this thread is inside [`guarded`]: a panic there is a broken file, not a
    /// bug of chibo's, and is reported as such instead of printed.
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` (a call into calamine) so that a panic on a malformed file becomes an
/// error: third-party parsers can fail on crafted bytes (the fuzzer found one in the
/// OLE container reader), and one broken file must never stop the batch.
fn guarded<T>(f: impl FnOnce() -> Result<T, OpenError>) -> Result<T, OpenError> {
    GUARDED.with(|g| g.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(false));
    // The panic's own text is the parser's English; the unit learns what to do.
    result.unwrap_or_else(|_| Err(OpenError::Unreadable(BROKEN.into())))
}

/// Installs a panic hook that keeps quiet about panics caught by [`guarded`] (they are
/// reported as file errors) and hands every other panic to the previous hook.
pub fn install_quiet_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !GUARDED.with(std::cell::Cell::get) {
            previous(info);
        }
    }));
}

/// How much of a sheet is read: the limits of a unit's report, or the larger ones of the
/// office's own roster (a national roster has tens of thousands of cells).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SheetLimits {
    /// Rows that may hold data.
    pub rows: u32,
    /// Columns that may hold data.
    pub cols: u32,
    /// Non-empty cells.
    pub cells: usize,
}

impl SheetLimits {
    /// A unit's report (see [`limits`]).
    pub const REPORT: SheetLimits = SheetLimits {
        rows: limits::SHEET_ROWS,
        cols: limits::SHEET_COLS,
        cells: limits::SHEET_CELLS,
    };
    /// The office's roster: every row Excel has, 60 columns, 5 million cells.
    pub const ROSTER: SheetLimits = SheetLimits {
        rows: 1_048_576,
        cols: 60,
        cells: 5_000_000,
    };
}

/// Why a workbook or one of its sheets cannot be read, in Vietnamese.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The file cannot be opened or decoded.
    #[error("{0}")]
    Unreadable(String),
    /// The file is beyond a limit of [`limits`].
    #[error("{0}")]
    TooLarge(String),
}

/// An open workbook: its worksheets' names and a reader for their cells. `RS` is where
/// its bytes come from (a file's bytes, read once, in memory).
pub struct Workbook<RS: Read + Seek = Cursor<Vec<u8>>> {
    sheets: Sheets<RS>,
    /// Names as stored in the file, needed to ask calamine for a sheet.
    raw_names: Vec<String>,
    /// Names in NFC, as shown in diagnostics.
    names: Vec<String>,
    /// How much of a sheet is read.
    limits: SheetLimits,
    /// The merged regions of an `.ods`'s sheets by raw name, read from its content
    /// (calamine gives none for OpenDocument).
    ods_merges: Vec<(String, Vec<Dimensions>)>,
}

impl Workbook<Cursor<Vec<u8>>> {
    /// Opens `path`. The reader is chosen by the file's content, whatever its name
    /// (see [`sniff`]); the name only decides elsewhere whether a file is looked at.
    ///
    /// # Errors
    /// The file is missing, unreadable or not a workbook; the message says which.
    pub fn open(path: &Path) -> Result<Self, OpenError> {
        Self::open_with(path, SheetLimits::REPORT)
    }

    /// [`Workbook::open`] with other sheet limits (the roster's).
    ///
    /// # Errors
    /// As for [`Workbook::open`].
    pub fn open_with(path: &Path, sheet_limits: SheetLimits) -> Result<Self, OpenError> {
        let io_error = |e: &std::io::Error| {
            OpenError::Unreadable(match e.kind() {
                std::io::ErrorKind::NotFound => "không tìm thấy tệp".into(),
                std::io::ErrorKind::PermissionDenied => {
                    "không có quyền đọc tệp; hãy kiểm tra quyền truy cập tệp".into()
                }
                _ => "không đọc được tệp từ ổ đĩa; hãy chép lại tệp rồi thử lại".into(),
            })
        };
        let size = std::fs::metadata(path).map_err(|e| io_error(&e))?.len();
        if size > limits::FILE_BYTES {
            return Err(OpenError::TooLarge(format!(
                "tệp lớn {} MiB, quá giới hạn {} MiB của một báo cáo",
                size / (1024 * 1024),
                limits::FILE_BYTES / (1024 * 1024)
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| io_error(&e))?;
        Self::from_bytes_with(bytes, sheet_limits)
    }

    /// Opens a workbook held in memory, with a unit's report limits.
    ///
    /// # Errors
    /// As for [`Workbook::open`].
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, OpenError> {
        Self::from_bytes_with(bytes, SheetLimits::REPORT)
    }

    /// [`Workbook::from_bytes`] with other sheet limits. The one path every workbook is
    /// opened by: the content is sniffed and checked against the limits before calamine
    /// sees it, then opened with the reader of the format it shows.
    ///
    /// # Errors
    /// As for [`Workbook::open`].
    pub fn from_bytes_with(bytes: Vec<u8>, sheet_limits: SheetLimits) -> Result<Self, OpenError> {
        if bytes.is_empty() {
            return Err(OpenError::Unreadable("tệp rỗng (0 byte)".into()));
        }
        if bytes.len() as u64 > limits::FILE_BYTES {
            return Err(OpenError::TooLarge(format!(
                "tệp lớn {} MiB, quá giới hạn {} MiB của một báo cáo",
                bytes.len() / (1024 * 1024),
                limits::FILE_BYTES / (1024 * 1024)
            )));
        }
        let format = sniff(&bytes, sheet_limits)?;
        // calamine gives no merges for OpenDocument; any other format has its own.
        let ods_merges = if format == Format::Ods {
            ods_merges(&bytes, sheet_limits)
        } else {
            Vec::new()
        };
        let sheets = guarded(|| {
            let rs = Cursor::new(bytes);
            Ok(match format {
                Format::Xlsx => Sheets::Xlsx(
                    calamine::open_workbook_from_rs(rs).map_err(|e| open_failed(format, &e))?,
                ),
                Format::Xlsb => Sheets::Xlsb(
                    calamine::open_workbook_from_rs(rs).map_err(|e| open_failed(format, &e))?,
                ),
                Format::Ods => Sheets::Ods(
                    calamine::open_workbook_from_rs(rs).map_err(|e| open_failed(format, &e))?,
                ),
                Format::Xls => Sheets::Xls(
                    calamine::open_workbook_from_rs(rs).map_err(|e| open_failed(format, &e))?,
                ),
            })
        })?;
        Ok(Workbook::with(sheets, sheet_limits, ods_merges))
    }
}

impl<RS: Read + Seek> Workbook<RS> {
    fn with(
        sheets: Sheets<RS>,
        limits: SheetLimits,
        ods_merges: Vec<(String, Vec<Dimensions>)>,
    ) -> Self {
        // Chart, dialog and macro sheets hold no cells to read (calamine refuses to
        // read them as worksheets): they are left out as if absent.
        let raw_names: Vec<String> = sheets
            .sheets_metadata()
            .iter()
            .filter(|s| s.typ == calamine::SheetType::WorkSheet)
            .map(|s| s.name.clone())
            .collect();
        let names = raw_names.iter().map(|n| n.nfc().collect()).collect();
        Workbook {
            sheets,
            raw_names,
            names,
            limits,
            ods_merges,
        }
    }

    /// Worksheet names in workbook order, NFC (chart, dialog and macro sheets are left
    /// out).
    pub fn sheet_names(&self) -> &[String] {
        &self.names
    }

    /// The index of the first sheet whose name matches one of `labels` (compared as
    /// labels: case, diacritics and punctuation ignored), as typed or typed in a legacy
    /// font encoding (`B¸o c¸o` for `Báo cáo`; [`crate::text::read_known`]). A name as
    /// typed is preferred to a legacy reading of another sheet's.
    pub fn find_sheet(&self, labels: &[&str]) -> Option<usize> {
        let wanted: Vec<LabelKey> = labels.iter().map(|l| LabelKey::new(l)).collect();
        let is_wanted = |t: &str| wanted.contains(&LabelKey::new(t)).then_some(());
        self.names
            .iter()
            .position(|n| is_wanted(n).is_some())
            .or_else(|| {
                self.names
                    .iter()
                    .position(|n| crate::text::read_known(n, is_wanted).is_some())
            })
    }

    /// The cells of sheet `index`, with its merged regions.
    ///
    /// # Errors
    /// The sheet's data cannot be decoded.
    pub fn grid(&mut self, index: usize) -> Result<Grid, OpenError> {
        self.grid_merged_if(index, &|_| true)
    }

    /// The cells of sheet `index`, with its merged regions when `wanted` says the cells
    /// need them. Finding an `.xlsx` or `.xls` sheet's merges reads the sheet a second
    /// time (calamine keeps them after the cells), which doubles the cost of reading a
    /// report: a reader that can tell from the cells alone that no merge matters skips it.
    ///
    /// # Errors
    /// The sheet's data cannot be decoded.
    pub fn grid_merged_if(
        &mut self,
        index: usize,
        wanted: &dyn Fn(&Grid) -> bool,
    ) -> Result<Grid, OpenError> {
        let name = self.raw_names[index].clone();
        let shown = &self.names[index];
        // calamine's words are English and technical; a unit is told what to do.
        let unreadable = |_: &dyn std::fmt::Display| {
            OpenError::Unreadable(format!(
                "không đọc được trang «{shown}»: dữ liệu của trang bị hỏng; hãy mở tệp bằng Excel hoặc LibreOffice rồi lưu lại"
            ))
        };
        // Formats that can stream are read cell by cell, so a sheet claiming a million
        // rows is refused before anything is allocated for it.
        let sheet_limits = self.limits;
        let sheets = &mut self.sheets;
        let ods_merges = &self.ods_merges;
        let cells = guarded(|| {
            Ok(match sheets {
                Sheets::Xlsx(x) => {
                    let mut reader = x
                        .worksheet_cells_reader(&name)
                        .map_err(|e| unreadable(&e))?;
                    bounded(shown, sheet_limits, || {
                        reader.next_cell().map_err(|e| unreadable(&e))
                    })?
                }
                Sheets::Xlsb(x) => {
                    let mut reader = x
                        .worksheet_cells_reader(&name)
                        .map_err(|e| unreadable(&e))?;
                    bounded(shown, sheet_limits, || {
                        reader.next_cell().map_err(|e| unreadable(&e))
                    })?
                }
                Sheets::Xls(_) | Sheets::Ods(_) => {
                    let range = sheets.worksheet_range(&name).map_err(|e| unreadable(&e))?;
                    let mut used = range.used_cells().map(|(r, c, v)| {
                        Ok(Some(calamine::Cell::new(at(&range, r, c), v.clone())))
                    });
                    bounded(shown, sheet_limits, || used.next().unwrap_or(Ok(None)))?
                }
            })
        })?;
        let grid = Grid::new(calamine::Range::from_sparse(cells));
        if !wanted(&grid) {
            return Ok(grid);
        }
        let merges = guarded(|| {
            // Merged regions, at absolute positions. calamine reads them from .xlsx and
            // .xls; an .ods's were read from its content when it opened; an .xlsb gives
            // none, so there a merged cell is read from its top-left cell alone. The
            // cells have been read: a sheet whose list of merges (after its cells in the
            // file) is damaged is read without them, and the rows that needed them say
            // what they miss.
            let merges = match sheets {
                Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
                Sheets::Xls(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
                Sheets::Ods(_) => ods_merges
                    .iter()
                    .find(|(sheet, _)| *sheet == name)
                    .map(|(_, merges)| merges.clone())
                    .unwrap_or_default(),
                Sheets::Xlsb(_) => Vec::new(),
            };
            Ok(merges)
        })?;
        // A merge whose top-left cell is beyond the limits has no value to give.
        let merges = merges
            .into_iter()
            .filter(|m| m.start.0 < sheet_limits.rows && m.start.1 < sheet_limits.cols);
        Ok(grid.with_merges(merges))
    }
}

fn at(range: &calamine::Range<calamine::Data>, r: usize, c: usize) -> (u32, u32) {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let r = u32::try_from(r).unwrap_or(u32::MAX);
    let c = u32::try_from(c).unwrap_or(u32::MAX);
    (r0.saturating_add(r), c0.saturating_add(c))
}

/// Collects the non-empty cells `next` yields, refusing a sheet beyond [`limits`].
fn bounded<T: calamine::CellType + Clone + Into<calamine::Data>>(
    sheet: &str,
    l: SheetLimits,
    mut next: impl FnMut() -> Result<Option<calamine::Cell<T>>, OpenError>,
) -> Result<Vec<calamine::Cell<calamine::Data>>, OpenError> {
    let mut cells = Vec::new();
    while let Some(cell) = next()? {
        let (row, col) = cell.get_position();
        let value: calamine::Data = cell.get_value().clone().into();
        // An empty cell, or one holding only spaces (a space typed far below the table,
        // row 1,048,576 when a unit pressed Ctrl+↓), is no data: it counts toward no
        // limit and reads as blank, as cleaning would make it anyway.
        if value == calamine::Data::Empty || is_blank_text(&value) {
            continue;
        }
        if row >= l.rows || col >= l.cols || cells.len() >= l.cells {
            let at = crate::diagnostic::CellRef::new(row, col);
            return Err(OpenError::TooLarge(format!(
                "trang «{sheet}» có dữ liệu ở ô {at}, ngoài giới hạn {} dòng × {} cột ({} ô) mà chibo đọc",
                l.rows, l.cols, l.cells
            )));
        }
        cells.push(calamine::Cell::new((row, col), value));
    }
    Ok(cells)
}

/// Text of spaces only (line breaks, non-breaking and zero-width spaces included):
/// cleaning leaves nothing of it. A soft hyphen is not one: it is TCVN3's `ư`.
fn is_blank_text(value: &calamine::Data) -> bool {
    match value {
        calamine::Data::String(text) => text.chars().all(|c| {
            c.is_whitespace() || matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
        }),
        _ => false,
    }
}

/// The formats chibo reads, as a file's content shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Office Open XML (`.xlsx`, `.xlsm`, and the `.xltx` template, whose parts are the
    /// same): a zip holding `xl/workbook.xml`.
    Xlsx,
    /// Excel binary (`.xlsb`): a zip holding `xl/workbook.bin`.
    Xlsb,
    /// OpenDocument (`.ods`): a zip whose `mimetype` is a spreadsheet's.
    Ods,
    /// Excel 97–2003 (`.xls`, BIFF5 or BIFF8): an OLE compound file with a `Workbook`
    /// (or `Book`) stream.
    Xls,
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// A damaged file, or one that shows no known kind at all.
const BROKEN: &str = "tệp không phải bảng tính hoặc đã bị hỏng; hãy mở tệp bằng Excel hoặc LibreOffice, lưu thành .xlsx rồi gửi lại";
const PASSWORD: &str = "bảng tính được đặt mật khẩu; hãy gỡ mật khẩu rồi gửi lại";
const XLS_BROKEN: &str =
    "cấu trúc tệp .xls bị hỏng; hãy mở tệp bằng Excel hoặc LibreOffice rồi lưu lại";
const HTML: &str = "tệp là một trang web (HTML) mang tên của bảng tính, không phải bảng tính thật (các cổng thông tin thường xuất tệp như vậy); hãy mở bằng Excel rồi lưu thành .xlsx";
const XML_2003: &str = "tệp là bảng tính XML của Excel 2003 (XML Spreadsheet), định dạng chibo không đọc; hãy mở bằng Excel rồi lưu thành .xlsx";
const OLD_EXCEL: &str = "tệp là bảng tính Excel đời cũ (Excel 2.x–4.0), định dạng chibo không đọc; hãy mở bằng Excel hoặc LibreOffice rồi lưu thành .xlsx";
const LOTUS: &str = "tệp là bảng tính Lotus 1-2-3 hoặc Quattro Pro, định dạng chibo không đọc; hãy mở bằng LibreOffice rồi lưu thành .xlsx";
const CSV: &str = "tệp là văn bản thuần (CSV: các giá trị ngăn bởi dấu phẩy, dấu chấm phẩy hoặc tab), không phải bảng tính; hãy mở bằng Excel rồi lưu thành .xlsx";
const TEXT: &str =
    "tệp là văn bản thuần, không phải bảng tính; hãy gửi báo cáo bằng tệp Excel (.xlsx)";
const PDF: &str =
    "tệp là tài liệu PDF, không phải bảng tính; hãy gửi báo cáo bằng tệp Excel (.xlsx) gốc";
const WORD: &str =
    "tệp là văn bản Word, không phải bảng tính; hãy chép bảng sang Excel rồi lưu thành .xlsx";
const OTHER_ODF: &str = "tệp là tài liệu OpenDocument nhưng không phải bảng tính; hãy gửi báo cáo bằng tệp .xlsx hoặc .ods";
const ZIP: &str =
    "tệp nén (zip) không phải bảng tính hoặc đã bị hỏng; hãy gửi báo cáo bằng tệp .xlsx";

/// Tells a file's format from its content, whatever its name: the first bytes, and for
/// a zip its directory (read without inflating anything but `mimetype` and, for an
/// `.ods`, the streamed limit check), for an OLE file its directory. A file of a format
/// chibo does not read gets a message saying what it is and what to do. The limits of
/// [`limits`] that can be checked before calamine opens the file are checked here.
///
/// # Errors
/// The file is not a workbook chibo reads, is damaged, has a password, or is beyond a
/// limit.
pub fn sniff(bytes: &[u8], l: SheetLimits) -> Result<Format, OpenError> {
    let unreadable = |m: &str| Err(OpenError::Unreadable(m.into()));
    // A zip's first local header, or the end record of an empty zip.
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
            return unreadable(BROKEN);
        };
        check_zip(&mut archive)?;
        let has = |name: &str| archive.index_for_name(name).is_some();
        if has("xl/workbook.xml") {
            return Ok(Format::Xlsx);
        }
        if has("xl/workbook.bin") {
            return Ok(Format::Xlsb);
        }
        if has("word/document.xml") {
            return unreadable(WORD);
        }
        if has("mimetype") || has("content.xml") {
            let mut mimetype = String::new();
            if let Ok(entry) = archive.by_name("mimetype") {
                let _ = entry.take(200).read_to_string(&mut mimetype);
            }
            let mimetype = mimetype.trim();
            if !mimetype.is_empty()
                && !mimetype.starts_with("application/vnd.oasis.opendocument.spreadsheet")
            {
                return unreadable(OTHER_ODF);
            }
            check_ods(&mut archive, l)?;
            return Ok(Format::Ods);
        }
        // An Office Open XML package whose workbook part has another name: calamine
        // follows its relationships.
        if has("[Content_Types].xml") && !has("ppt/presentation.xml") {
            return Ok(Format::Xlsx);
        }
        return unreadable(ZIP);
    }
    if bytes.starts_with(&OLE_MAGIC) {
        // calamine's own container reader is more lenient: a file it would open but the
        // record walk could not check (the fuzzer found one whose cells then lie 19,280
        // columns out) is refused rather than opened unchecked.
        let Ok(mut container) = cfb::CompoundFile::open(Cursor::new(bytes)) else {
            return unreadable(XLS_BROKEN);
        };
        // An Office Open XML workbook protected by a password is not a zip but an OLE
        // file holding an `EncryptionInfo` stream.
        if container.is_stream("/EncryptionInfo") {
            return unreadable(PASSWORD);
        }
        if container.is_stream("/Workbook") || container.is_stream("/Book") {
            check_xls(&mut container, l)?;
            return Ok(Format::Xls);
        }
        if container.is_stream("/WordDocument") {
            return unreadable(WORD);
        }
        return unreadable(BROKEN);
    }
    unreadable(foreign(bytes))
}

/// What a file that is neither a zip nor an OLE file is, as its first bytes show.
fn foreign(bytes: &[u8]) -> &'static str {
    let u16_at = |i: usize| {
        bytes
            .get(i..i + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    // A BIFF2–4 file is a bare record stream starting with BOF (0x0009, 0x0209,
    // 0x0409) and its short length; 0x0809 is a BIFF5 stream outside an OLE file.
    if let (Some(kind), Some(len)) = (u16_at(0), u16_at(2))
        && matches!(kind, 0x0009 | 0x0209 | 0x0409 | 0x0809)
        && (4..=20).contains(&len)
    {
        return OLD_EXCEL;
    }
    // Lotus 1-2-3 and Quattro Pro: a BOF record (type 0, length 2) holding the version
    // (WKS, WK1, WQ1); WK3 and later have a 26-byte BOF.
    if bytes.starts_with(&[0, 0, 2, 0]) || bytes.starts_with(&[0, 0, 0x1A, 0]) {
        return LOTUS;
    }
    if bytes.starts_with(b"%PDF") {
        return PDF;
    }
    let Some(head) = text_head(bytes) else {
        return BROKEN;
    };
    let head = head.trim_start().to_lowercase();
    let html = [
        "<!doctype html",
        "<html",
        "<table",
        "<head",
        "<body",
        "<meta",
        "<style",
    ];
    if html.iter().any(|tag| head.starts_with(tag))
        || head.starts_with("mime-version:")
        || (head.starts_with('<') && (head.contains("<html") || head.contains("<table")))
    {
        return HTML;
    }
    if head.starts_with('<') {
        return if head.contains("urn:schemas-microsoft-com:office:spreadsheet") {
            XML_2003
        } else {
            BROKEN
        };
    }
    if head.contains([',', ';', '\t']) {
        CSV
    } else {
        TEXT
    }
}

/// The start of a file as text, when it is text: UTF-8 (with or without its byte order
/// mark), 8-bit (TCVN3, Windows-1258) or UTF-16 with a byte order mark (Excel's
/// «Unicode Text»), with no control characters but line ends and tabs.
fn text_head(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(4096)];
    let text = if let Some(rest) = head.strip_prefix(&[0xFF, 0xFE]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else if let Some(rest) = head.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        let rest = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
        // The sample may end inside a character.
        match std::str::from_utf8(rest) {
            Ok(t) => t.to_owned(),
            Err(e) if e.error_len().is_none() => {
                String::from_utf8_lossy(&rest[..e.valid_up_to()]).into_owned()
            }
            // Legacy 8-bit text (TCVN3, Windows-1258) is still text.
            Err(_) => rest.iter().map(|&b| char::from(b)).collect(),
        }
    };
    // C0 controls only: 8-bit Vietnamese codepages use the bytes 0x80–0x9F for letters.
    let control =
        |c: char| (c < ' ' || c == '\u{7f}') && !matches!(c, '\n' | '\r' | '\t' | '\u{0c}');
    (!text.is_empty() && !text.chars().any(control)).then_some(text)
}

/// Why calamine could not open a file of `format`, in words a unit can act on: its own
/// text is English and technical (`Invalid OLE signature…`, `failed to fill whole
/// buffer`) and never reaches a unit.
fn open_failed(format: Format, error: &dyn std::fmt::Display) -> OpenError {
    let text = error.to_string().to_lowercase();
    let message = if text.contains("password") || text.contains("encrypt") {
        PASSWORD.to_owned()
    } else if text.contains("sheet:type") {
        // calamine lists chart and dialog sheets (left out later) but refuses a workbook
        // with an Excel 4.0 macro sheet outright.
        "bảng tính có trang macro Excel 4.0 (hoặc một loại trang khác trang tính) mà chibo không đọc được; hãy xoá trang đó, hoặc chép trang báo cáo sang một tệp .xlsx mới, rồi gửi lại".to_owned()
    } else {
        let kind = match format {
            Format::Xlsx => ".xlsx",
            Format::Xlsb => ".xlsb",
            Format::Ods => ".ods",
            Format::Xls => ".xls",
        };
        format!(
            "tệp {kind} bị hỏng hoặc không đầy đủ; hãy mở tệp bằng Excel hoặc LibreOffice rồi lưu lại, hoặc gửi lại tệp"
        )
    };
    OpenError::Unreadable(message)
}

/// Refuses a zip-based workbook whose decompressed content or entry count is beyond
/// [`limits`], before calamine inflates anything (it reads shared strings whole when a
/// workbook opens). The sizes the zip's directory declares are summed without inflating
/// anything: an entry that lies about its size cannot get past its declared size, since
/// the zip reader calamine uses stops with an error one byte beyond it (the test
/// `an_entry_larger_than_declared_is_cut_off` holds the zip crate to that).
fn check_zip<R: Read + Seek>(archive: &mut zip::ZipArchive<R>) -> Result<(), OpenError> {
    if archive.len() > limits::ZIP_ENTRIES {
        return Err(OpenError::TooLarge(format!(
            "tệp nén có {} mục, quá giới hạn {}",
            archive.len(),
            limits::ZIP_ENTRIES
        )));
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let declared = archive.by_index_raw(i).map_or(0, |entry| entry.size());
        total = total.saturating_add(declared);
        if total > limits::UNZIPPED_BYTES {
            return Err(OpenError::TooLarge(format!(
                "nội dung giải nén của tệp vượt {} MiB (tệp có thể là «bom nén»)",
                limits::UNZIPPED_BYTES / (1024 * 1024)
            )));
        }
    }
    Ok(())
}

/// Refuses an `.xls` whose cell records lie beyond [`limits`]. calamine parses every
/// sheet of an `.xls` when it opens the file and builds dense ranges, so two cells far
/// apart in a file of a few KB would allocate gigabytes (the fuzzer found this). The
/// BIFF records of the OLE `Workbook` stream are walked here first: each is a type, a
/// length and data, and a cell record's data begins with its row and column. calamine
/// reads each sheet from the position its `BOUNDSHEET` record gives, so a sheet whose
/// position does not fall on a record of the walk from the start (a damaged length
/// before it) is walked again from there.
fn check_xls<R: Read + Seek>(
    container: &mut cfb::CompoundFile<R>,
    l: SheetLimits,
) -> Result<(), OpenError> {
    let stream = ["/Workbook", "/Book"]
        .iter()
        .find_map(|name| container.open_stream(name).ok());
    let Some(mut stream) = stream else {
        return Ok(());
    };
    let mut data = Vec::new();
    if stream.read_to_end(&mut data).is_err() {
        return Ok(());
    }
    // Every record start is walked once: a walk stops where an earlier one has been,
    // since from there on it would see the same records.
    let mut seen = vec![0u64; data.len() / 64 + 1];
    let sheets = walk_biff(&data, 0, &mut seen, l)?;
    for sheet in sheets {
        walk_biff(&data, sheet, &mut seen, l)?;
    }
    Ok(())
}

/// Walks the BIFF records of `data` from `at` to the end, or to a record start already
/// in `seen`, refusing a cell beyond `l`. Returns the sheet positions that `BOUNDSHEET`
/// records give.
fn walk_biff(
    data: &[u8],
    mut at: usize,
    seen: &mut [u64],
    l: SheetLimits,
) -> Result<Vec<usize>, OpenError> {
    // FORMULA, MULRK, MULBLANK, LABELSST, BLANK, NUMBER, LABEL, BOOLERR, RK, RSTRING.
    const CELL_RECORDS: [u16; 10] = [
        0x0006, 0x00BD, 0x00BE, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6,
    ];
    let mut sheets = Vec::new();
    while at + 4 <= data.len() {
        let (word, bit) = (at / 64, 1u64 << (at % 64));
        if seen[word] & bit != 0 {
            break;
        }
        seen[word] |= bit;
        let kind = u16::from_le_bytes([data[at], data[at + 1]]);
        let len = usize::from(u16::from_le_bytes([data[at + 2], data[at + 3]]));
        let body = &data[at + 4..(at + 4 + len).min(data.len())];
        if CELL_RECORDS.contains(&kind) && body.len() >= 4 {
            let row = u32::from(u16::from_le_bytes([body[0], body[1]]));
            let mut col = u32::from(u16::from_le_bytes([body[2], body[3]]));
            // MULRK and MULBLANK run from their first column to the one in their last
            // two bytes.
            if matches!(kind, 0x00BD | 0x00BE) && body.len() >= 6 {
                let last = [body[body.len() - 2], body[body.len() - 1]];
                col = col.max(u32::from(u16::from_le_bytes(last)));
            }
            if row >= l.rows || col >= l.cols {
                let at = crate::diagnostic::CellRef::new(row, col);
                return Err(OpenError::TooLarge(format!(
                    "bảng tính có dữ liệu ở ô {at}, ngoài giới hạn {} dòng × {} cột mà chibo đọc",
                    l.rows, l.cols
                )));
            }
        }
        // DIMENSIONS: calamine reserves room for every cell of the range it declares.
        if kind == 0x0200
            && let Some((first_row, end_row, end_col)) = dimensions(body)
            && (end_row > l.rows || end_col > l.cols || first_row > end_row)
        {
            return Err(OpenError::TooLarge(format!(
                "bảng tính khai báo vùng dữ liệu {end_row} dòng × {end_col} cột, ngoài giới hạn {} dòng × {} cột mà chibo đọc",
                l.rows, l.cols
            )));
        }
        if kind == 0x0085 && body.len() >= 4 {
            let position = u32::from_le_bytes([body[0], body[1], body[2], body[3]]);
            sheets.extend(usize::try_from(position).ok());
        }
        at += 4 + len;
    }
    Ok(sheets)
}

/// A DIMENSIONS record as calamine reads it: first row, row after the last, column
/// after the last (BIFF5 and BIFF8 forms).
fn dimensions(body: &[u8]) -> Option<(u32, u32, u32)> {
    let u16_at = |i: usize| u32::from(u16::from_le_bytes([body[i], body[i + 1]]));
    let u32_at = |i: usize| u32::from_le_bytes([body[i], body[i + 1], body[i + 2], body[i + 3]]);
    match body.len() {
        10 => Some((u16_at(0), u16_at(2), u16_at(6))),
        14 | 16 => Some((u32_at(0), u32_at(4), u16_at(10))),
        _ => None,
    }
}

/// Refuses an `.ods` whose filled cells, with their repeat counts, go beyond [`limits`].
/// OpenDocument compresses repetition (`number-rows-repeated`, `number-columns-repeated`)
/// and calamine expands it into dense ranges when it opens the file: a 12 KB file
/// repeating one filled cell 90 million times aborts a 512 MiB process. `content.xml` is
/// streamed here first; empty repeated rows and cells (LibreOffice writes them for every
/// sheet) cost nothing.
fn check_ods<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    l: SheetLimits,
) -> Result<(), OpenError> {
    use quick_xml::events::Event;
    let Ok(content) = archive.by_name("content.xml") else {
        return Ok(());
    };
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(content));
    let too_large = || {
        OpenError::TooLarge(format!(
            "bảng tính có quá nhiều ô dữ liệu (lặp lại), ngoài giới hạn {} dòng × {} cột ({} ô) mà chibo đọc",
            l.rows, l.cols, l.cells
        ))
    };
    let (mut row, mut row_repeat, mut col, mut row_cells, mut total) =
        (0u64, 1u64, 0u64, 0u64, 0u64);
    let mut buf = Vec::new();
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => break,
            Ok(event) => event,
        };
        match event {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "table:table" => row = 0,
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                (row_repeat, col, row_cells) = (ods_count(&e, "table:number-rows-repeated"), 0, 0);
            }
            Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                row = row.saturating_add(ods_count(&e, "table:number-rows-repeated"));
            }
            Event::Start(ref e) | Event::Empty(ref e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                let times = ods_count(e, "table:number-columns-repeated");
                let filled = matches!(event, Event::Start(_))
                    || e.try_get_attribute("office:value-type")
                        .ok()
                        .flatten()
                        .is_some();
                col = col.saturating_add(times);
                if filled {
                    row_cells = row_cells.saturating_add(times);
                    if col > u64::from(l.cols) {
                        return Err(too_large());
                    }
                }
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                if row_cells > 0 {
                    total = total.saturating_add(row_cells.saturating_mul(row_repeat));
                    let last_row = row.saturating_add(row_repeat);
                    if last_row > u64::from(l.rows) || total > l.cells as u64 {
                        return Err(too_large());
                    }
                }
                row = row.saturating_add(row_repeat);
            }
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

/// An OpenDocument count attribute of `e` (`table:number-rows-repeated`,
/// `table:number-columns-spanned`, …): 1 when absent or unreadable.
fn ods_count(e: &quick_xml::events::BytesStart, name: &str) -> u64 {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| a.value.parse().ok())
        .unwrap_or(1)
}

/// The merged regions of each sheet of an `.ods` (none for any other file), by the
/// sheet's name as stored. OpenDocument marks a merge on its top-left cell with
/// `table:number-rows-spanned` and `table:number-columns-spanned`, which calamine does not
/// read; `content.xml` is streamed here, counting rows and cells with their repeats as
/// [`check_ods`] does. Merges whose top-left cell is beyond the limits are left out, and
/// a sheet keeps at most as many merges as it may have cells.
fn ods_merges(bytes: &[u8], l: SheetLimits) -> Vec<(String, Vec<Dimensions>)> {
    use quick_xml::events::Event;
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Vec::new();
    };
    let Ok(content) = archive.by_name("content.xml") else {
        return Vec::new();
    };
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut sheets: Vec<(String, Vec<Dimensions>)> = Vec::new();
    let (mut row, mut row_repeat, mut col) = (0u64, 1u64, 0u64);
    let mut buf = Vec::new();
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => break,
            Ok(event) => event,
        };
        match event {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "table:table" => {
                let name = e
                    .try_get_attribute("table:name")
                    .ok()
                    .flatten()
                    .and_then(|a| {
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .ok()
                            .map(std::borrow::Cow::into_owned)
                    })
                    .unwrap_or_default();
                sheets.push((name, Vec::new()));
                row = 0;
            }
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                (row_repeat, col) = (ods_count(&e, "table:number-rows-repeated"), 0);
            }
            Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                row = row.saturating_add(ods_count(&e, "table:number-rows-repeated"));
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                row = row.saturating_add(row_repeat);
            }
            Event::Start(ref e) | Event::Empty(ref e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                let rows = ods_count(e, "table:number-rows-spanned");
                let cols = ods_count(e, "table:number-columns-spanned");
                let inside = (u32::try_from(row), u32::try_from(col));
                if (rows > 1 || cols > 1)
                    && let (Ok(r), Ok(c)) = inside
                    && r < l.rows
                    && c < l.cols
                    && let Some((_, merges)) = sheets.last_mut()
                    && merges.len() < l.cells
                {
                    let last = |start: u32, span: u64| {
                        let end = u64::from(start).saturating_add(span.max(1) - 1);
                        u32::try_from(end).unwrap_or(u32::MAX)
                    };
                    merges.push(Dimensions::new((r, c), (last(r, rows), last(c, cols))));
                }
                col = col.saturating_add(ods_count(e, "table:number-columns-repeated"));
            }
            _ => {}
        }
        buf.clear();
    }
    sheets
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// An .ods holding `content` as its `content.xml`.
    fn ods(content: &str) -> Vec<u8> {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        z.start_file("content.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(content.as_bytes()).unwrap();
        z.finish().unwrap().into_inner()
    }

    #[test]
    fn ods_merges_count_repeated_rows_and_cells() {
        let content = r#"<office:document-content><office:body><office:spreadsheet>
            <table:table table:name="Tiêu &amp; đề">
              <table:table-row><table:table-cell table:number-columns-spanned="3"/></table:table-row>
            </table:table>
            <table:table table:name="Báo cáo">
              <table:table-header-rows><table:table-row><table:table-cell/></table:table-row></table:table-header-rows>
              <table:table-row table:number-rows-repeated="4"><table:table-cell/></table:table-row>
              <table:table-row>
                <table:table-cell table:number-columns-repeated="2"/>
                <table:table-cell table:number-rows-spanned="3"><text:p>An</text:p></table:table-cell>
                <table:table-cell table:number-rows-spanned="2" table:number-columns-spanned="2"/>
                <table:covered-table-cell/>
              </table:table-row>
              <table:table-row><table:table-cell table:number-rows-spanned="9" table:number-columns-repeated="1"/></table:table-row>
            </table:table>
        </office:spreadsheet></office:body></office:document-content>"#;
        let got = ods_merges(&ods(content), SheetLimits::REPORT);
        let d = |r, c, r2, c2| Dimensions::new((r, c), (r2, c2));
        assert_eq!(
            got,
            [
                ("Tiêu & đề".to_owned(), vec![d(0, 0, 0, 2)]),
                (
                    "Báo cáo".to_owned(),
                    vec![d(5, 2, 7, 2), d(5, 3, 6, 4), d(6, 0, 14, 0)]
                ),
            ]
        );
        // A merge whose top-left cell lies beyond the limits is left out, and a file
        // that is not an .ods has none.
        let small = SheetLimits {
            rows: 6,
            cols: 3,
            cells: 100,
        };
        assert_eq!(ods_merges(&ods(content), small)[1].1, [d(5, 2, 7, 2)]);
        assert_eq!(ods_merges(b"not a zip", SheetLimits::REPORT), []);
    }
}

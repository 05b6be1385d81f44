//! Opening a workbook of any supported format: the only place that reads spreadsheet
//! files. Everything else works on [`Grid`]s.

use std::borrow::Cow;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::Path;

use calamine::{Dimensions, Reader, Sheets};
use unicode_normalization::UnicodeNormalization;

use crate::ingest::grid::Grid;
use crate::ingest::ods_layout::{self, Layout};
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
    /// Most cells an `.xls` sheet's `DIMENSIONS` record may declare: calamine reserves
    /// memory for each (40 bytes a cell) before reading any. 65,536 rows (all BIFF8 has)
    /// × 64 columns, about 170 MB; a sheet formatted down to its last row reads.
    pub const XLS_DECLARED_CELLS: u64 = 65_536 * 64;
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
        let Identified {
            format,
            indented_ods,
            decrypted,
        } = identify(&bytes, sheet_limits)?;
        // An .xls encrypted with Excel's default key is read decrypted.
        let bytes = decrypted.unwrap_or(bytes);
        // calamine gives no merges for OpenDocument; any other format has its own.
        let ods_merges = if format == Format::Ods {
            ods_merges(&bytes, sheet_limits)
        } else {
            Vec::new()
        };
        let sheets = guarded(|| {
            // calamine 0.38 refuses an indented `content.xml` (Gnumeric writes one): it is
            // read from a copy without the indentation. Unindented files are read as they are.
            let bytes = if indented_ods {
                ods_layout::compact(&bytes).unwrap_or(bytes)
            } else {
                bytes
            };
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
/// An `.xls` encrypted with Excel's default key that chibo cannot decrypt (XOR
/// obfuscation, or damaged): the unit set no password, but protected the workbook's
/// structure, and Excel then encrypts the file without asking.
const STRUCTURE_PROTECTED: &str = "bảng tính được bảo vệ cấu trúc (Bảo vệ cấu trúc sổ làm việc) nên Excel lưu tệp ở dạng mã hoá, dù không đặt mật khẩu mở tệp; hãy gỡ bảo vệ rồi gửi lại: trong Excel chọn Xem lại (Review) → Bảo vệ sổ làm việc (Protect Workbook), bỏ chọn rồi lưu lại; trong LibreOffice chọn Công cụ → Bảo vệ cấu trúc tài liệu, bỏ chọn rồi lưu lại";
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
    identify(bytes, l).map(|i| i.format)
}

/// What [`sniff`] tells of a file, with what its limit check saw on the way.
struct Identified {
    format: Format,
    /// An `.ods` whose `content.xml` is indented (see [`ods_layout`]).
    indented_ods: bool,
    /// The bytes to open instead of the file's own: an `.xls` encrypted with Excel's
    /// default key, decrypted.
    decrypted: Option<Vec<u8>>,
}

/// [`sniff`], also telling whether an `.ods` is indented and giving an `.xls` encrypted
/// with the default key decrypted.
fn identify(bytes: &[u8], l: SheetLimits) -> Result<Identified, OpenError> {
    let found = |format| {
        Ok(Identified {
            format,
            indented_ods: false,
            decrypted: None,
        })
    };
    let unreadable = |m: &str| Err(OpenError::Unreadable(m.into()));
    // A zip's first local header, or the end record of an empty zip.
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
            return unreadable(BROKEN);
        };
        check_zip(&mut archive)?;
        let has = |name: &str| archive.index_for_name(name).is_some();
        if has("xl/workbook.xml") {
            return found(Format::Xlsx);
        }
        if has("xl/workbook.bin") {
            return found(Format::Xlsb);
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
            let indented_ods = check_ods(&mut archive, l)?;
            return Ok(Identified {
                format: Format::Ods,
                indented_ods,
                decrypted: None,
            });
        }
        // An Office Open XML package whose workbook part has another name: calamine
        // follows its relationships.
        if has("[Content_Types].xml") && !has("ppt/presentation.xml") {
            return found(Format::Xlsx);
        }
        return unreadable(ZIP);
    }
    if bytes.starts_with(&OLE_MAGIC) {
        // calamine's own container reader is more lenient: a file it would open but the
        // record walk could not check (the fuzzer found one whose cells then lie 19,280
        // columns out) is refused rather than opened unchecked.
        // The cfb crate refuses a MiniFAT in which a mini sector is listed twice, which
        // calamine and LibreOffice read: such a file is looked at again without its
        // MiniFAT (only streams under 4 KiB live there; the `Workbook` stream of
        // anything with cells is larger, and is then required to be read).
        let (mut container, mini_lost) =
            match cfb::CompoundFile::open(Cursor::new(Cow::Borrowed(bytes))) {
                Ok(container) => (container, false),
                Err(_) => {
                    match cfb::CompoundFile::open(Cursor::new(Cow::Owned(without_minifat(bytes)))) {
                        Ok(container) => (container, true),
                        Err(_) => return unreadable(XLS_BROKEN),
                    }
                }
            };
        // An Office Open XML workbook protected by a password is not a zip but an OLE
        // file holding an `EncryptionInfo` stream.
        if container.is_stream("/EncryptionInfo") {
            return unreadable(PASSWORD);
        }
        if container.is_stream("/Workbook") || container.is_stream("/Book") {
            let decrypted = check_xls(&mut container, mini_lost)?;
            return Ok(Identified {
                format: Format::Xls,
                indented_ods: false,
                decrypted,
            });
        }
        if container.is_stream("/WordDocument") {
            return unreadable(WORD);
        }
        return unreadable(BROKEN);
    }
    unreadable(foreign(bytes))
}

/// A copy of the OLE file `bytes` whose header lists no `MiniFAT`: its first sector is
/// «end of chain» and its count 0 ([MS-CFB] 2.2, bytes 0x3C–0x43).
fn without_minifat(bytes: &[u8]) -> Vec<u8> {
    let mut copy = bytes.to_vec();
    if copy.len() >= 0x44 {
        copy[0x3C..0x40].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        copy[0x40..0x44].copy_from_slice(&0u32.to_le_bytes());
    }
    copy
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

/// Refuses an `.xls` whose cell records make ranges beyond [`limits`]. calamine parses every
/// sheet of an `.xls` when it opens the file and builds dense ranges, so two cells far
/// apart in a file of a few KB would allocate gigabytes (the fuzzer found this). The
/// BIFF records of the OLE `Workbook` stream are walked here first: each is a type, a
/// length and data, and a cell record's data begins with its row and column. calamine
/// reads each sheet from the position its `BOUNDSHEET` record gives, so a sheet whose
/// position does not fall on a record of the walk from the start (a damaged length
/// before it) is walked again from there.
///
/// `must_read` asks for the stream to be read whole (else the file is refused as
/// damaged), for a container looked at without its `MiniFAT`.
///
/// A workbook encrypted with Excel's default key (its structure protected, no password
/// set) is decrypted, checked the same way, and returned as a new OLE file holding the
/// decrypted stream alone, for calamine to open.
fn check_xls<R: Read + Seek>(
    container: &mut cfb::CompoundFile<R>,
    must_read: bool,
) -> Result<Option<Vec<u8>>, OpenError> {
    let broken = || {
        if must_read {
            Err(OpenError::Unreadable(XLS_BROKEN.into()))
        } else {
            Ok(None)
        }
    };
    let stream = ["/Workbook", "/Book"]
        .iter()
        .find_map(|name| container.open_stream(name).ok());
    let Some(mut stream) = stream else {
        return broken();
    };
    let mut data = Vec::new();
    if stream.read_to_end(&mut data).is_err() || (must_read && data.len() < 4096) {
        return broken();
    }
    if let Some(plain) = default_key_decrypted(&data) {
        let plain = plain?;
        walk_workbook(&plain)?;
        return ole_holding_workbook(&plain)
            .map(Some)
            .ok_or_else(|| OpenError::Unreadable(STRUCTURE_PROTECTED.into()));
    }
    walk_workbook(&data)?;
    Ok(None)
}

/// Walks the BIFF records of a `Workbook` stream, from its start and from each sheet's
/// position (see [`check_xls`]).
fn walk_workbook(data: &[u8]) -> Result<(), OpenError> {
    // Every record start is walked once: a walk stops where an earlier one has been,
    // since from there on it would see the same records.
    let mut walk = Walk::new(data);
    let sheets = walk_biff(data, 0, &mut walk)?;
    for sheet in sheets {
        walk_biff(data, sheet, &mut walk)?;
    }
    Ok(())
}

/// What the record walk has seen: each record start once, and the extent of the cells
/// of the sheets so far, as calamine will lay them out (a dense range from the first
/// cell to the last of each sheet, every sheet at once).
struct Walk {
    seen: Vec<u64>,
    /// Cells of the sheets already ended.
    done: u64,
    /// The first and last row and column of the cells of the sheet being walked.
    sheet: Option<(u32, u32, u32, u32)>,
}

impl Walk {
    fn new(data: &[u8]) -> Walk {
        Walk {
            seen: vec![0u64; data.len() / 64 + 1],
            done: 0,
            sheet: None,
        }
    }

    /// Whether the record at `at` was walked already (it is marked walked now).
    fn walked(&mut self, at: usize) -> bool {
        let (word, bit) = (at / 64, 1u64 << (at % 64));
        let was = self.seen[word] & bit != 0;
        self.seen[word] |= bit;
        was
    }

    /// Adds a cell from `col` to `last` on `row` to the sheet being walked, refusing it
    /// when the dense ranges calamine would build reach [`limits::XLS_DECLARED_CELLS`]
    /// in all. Where the cells are within the sheet's own limits is judged after calamine
    /// read them, on the cells that hold something (a space typed far below is none).
    fn cell(&mut self, row: u32, col: u32, last: u32) -> Result<(), OpenError> {
        let (r0, r1, c0, c1) = self.sheet.unwrap_or((row, row, col, last));
        let extent = (r0.min(row), r1.max(row), c0.min(col), c1.max(last));
        self.sheet = Some(extent);
        let area = u64::from(extent.1 - extent.0 + 1) * u64::from(extent.3 - extent.2 + 1);
        if self.done + area > limits::XLS_DECLARED_CELLS {
            let (first, end) = (
                crate::diagnostic::CellRef::new(extent.0, extent.2),
                crate::diagnostic::CellRef::new(extent.1, extent.3),
            );
            return Err(OpenError::TooLarge(format!(
                "bảng tính có dữ liệu trải từ ô {first} đến ô {end}, quá giới hạn {} ô mà chibo đọc",
                limits::XLS_DECLARED_CELLS
            )));
        }
        Ok(())
    }

    /// A sheet begins or ends: the cells of the one before count in full.
    fn sheet_boundary(&mut self) {
        if let Some((r0, r1, c0, c1)) = self.sheet.take() {
            self.done += u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1);
        }
    }
}

/// For a `Workbook` stream whose `FILEPASS` record (right after the first BOF, where
/// [MS-XLS] puts it) holds Excel's default key: the stream decrypted, or the message
/// telling how to remove the workbook's protection when it cannot be (XOR obfuscation
/// is not decrypted). `None` for any other stream.
fn default_key_decrypted(data: &[u8]) -> Option<Result<Vec<u8>, OpenError>> {
    let u16_at = |i: usize| {
        data.get(i..i + 2)
            .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
    };
    if u16_at(0)? != 0x0809 {
        return None;
    }
    let filepass = 4 + u16_at(2)?;
    let length = u16_at(filepass + 2)?;
    let body = data.get(filepass + 4..filepass + 4 + length)?;
    if u16_at(filepass)? != 0x002F || !crate::ingest::xls_key::is_default_key(body) {
        return None;
    }
    Some(
        crate::ingest::xls_key::decrypt_default(data, filepass)
            .ok_or_else(|| OpenError::Unreadable(STRUCTURE_PROTECTED.into())),
    )
}

/// A new OLE file (version 3, as Excel writes) holding `stream` as its `Workbook`.
fn ole_holding_workbook(stream: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut ole =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).ok()?;
    ole.create_stream("/Workbook")
        .ok()?
        .write_all(stream)
        .ok()?;
    ole.flush().ok()?;
    Some(ole.into_inner().into_inner())
}

/// Walks the BIFF records of `data` from `at` to the end, or to a record start already
/// walked, refusing cells whose dense ranges would be beyond what calamine may build.
/// Returns the sheet positions that `BOUNDSHEET` records give.
fn walk_biff(data: &[u8], mut at: usize, walk: &mut Walk) -> Result<Vec<usize>, OpenError> {
    // FORMULA, MULRK, LABELSST, NUMBER, LABEL, BOOLERR, RK, RSTRING: the records calamine
    // makes a cell of. BLANK and MULBLANK (a formatted empty cell) it skips, so they are
    // no data and cost nothing, wherever they are.
    const CELL_RECORDS: [u16; 8] = [
        0x0006, 0x00BD, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6,
    ];
    let mut sheets = Vec::new();
    while at + 4 <= data.len() {
        if walk.walked(at) {
            break;
        }
        let kind = u16::from_le_bytes([data[at], data[at + 1]]);
        let len = usize::from(u16::from_le_bytes([data[at + 2], data[at + 3]]));
        let body = &data[at + 4..(at + 4 + len).min(data.len())];
        // FILEPASS: every record after it is encrypted (their types and lengths are not,
        // their data is), so nothing more can be judged, nor read.
        if kind == 0x002F {
            let message = if crate::ingest::xls_key::is_default_key(body) {
                STRUCTURE_PROTECTED
            } else {
                PASSWORD
            };
            return Err(OpenError::Unreadable(message.into()));
        }
        if CELL_RECORDS.contains(&kind) && body.len() >= 4 {
            let row = u32::from(u16::from_le_bytes([body[0], body[1]]));
            let first = u32::from(u16::from_le_bytes([body[2], body[3]]));
            let mut col = first;
            // MULRK runs from its first column to the one in its last two bytes.
            if kind == 0x00BD && body.len() >= 6 {
                let last = [body[body.len() - 2], body[body.len() - 1]];
                col = col.max(u32::from(u16::from_le_bytes(last)));
            }
            walk.cell(row, first, col)?;
        }
        // BOF and EOF: each sheet is a range of its own.
        if matches!(kind, 0x0809 | 0x0409 | 0x0209 | 0x0009 | 0x000A) {
            walk.sheet_boundary();
        }
        // DIMENSIONS: calamine reserves room for every cell of the range it declares,
        // so its area matters, not its rows or columns apart (0 × 256 and 20 × 256 cost
        // nothing).
        if kind == 0x0200
            && let Some((rows, cols)) = dimensions(body)
            && rows * cols > limits::XLS_DECLARED_CELLS
        {
            return Err(OpenError::TooLarge(format!(
                "bảng tính khai báo vùng dữ liệu {rows} dòng × {cols} cột, quá giới hạn {} ô mà chibo đọc",
                limits::XLS_DECLARED_CELLS
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

/// The rows and columns of the range a DIMENSIONS record declares, counted as calamine
/// 0.38 counts them when it reserves room for the range (BIFF5 and BIFF8 forms): a first
/// column past 255 or past the last is taken as 0, an empty range is one cell, and a
/// first row past the last wraps around (calamine subtracts without checking), which
/// makes the area huge.
fn dimensions(body: &[u8]) -> Option<(u64, u64)> {
    let u16_at = |i: usize| u32::from(u16::from_le_bytes([body[i], body[i + 1]]));
    let u32_at = |i: usize| u32::from_le_bytes([body[i], body[i + 1], body[i + 2], body[i + 3]]);
    let (first_row, end_row, first_col, end_col) = match body.len() {
        10 => (u16_at(0), u16_at(2), u16_at(4), u16_at(6)),
        14 | 16 => (u32_at(0), u32_at(4), u16_at(8), u16_at(10)),
        _ => return None,
    };
    let first_col = if first_col > 0xFF || end_col < first_col {
        0
    } else {
        first_col
    };
    if end_row == 0 || end_col == 0 {
        return Some((1, 1));
    }
    let span = |first: u32, end: u32| u64::from((end - 1).wrapping_sub(first).wrapping_add(1));
    Some((span(first_row, end_row), span(first_col, end_col)))
}

/// Refuses an `.ods` whose filled cells, with their repeat counts, go beyond [`limits`].
/// OpenDocument compresses repetition (`number-rows-repeated`, `number-columns-repeated`)
/// and calamine expands it into dense ranges when it opens the file: a 12 KB file
/// repeating one filled cell 90 million times aborts a 512 MiB process. `content.xml` is
/// streamed here first; empty repeated rows and cells (LibreOffice writes them for every
/// sheet) cost nothing. The same stream tells whether `content.xml` is indented (true):
/// such a file is opened from a copy without the indentation ([`ods_layout`]).
fn check_ods<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    l: SheetLimits,
) -> Result<bool, OpenError> {
    use quick_xml::events::Event;
    let Ok(content) = archive.by_name("content.xml") else {
        return Ok(false);
    };
    let (mut layout, mut indented) = (Layout::default(), false);
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
        indented |= layout.is_blank_outside_text(&event);
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
    Ok(indented)
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

    /// BIFF records: each a type, a length and its data.
    fn biff(records: &[(u16, Vec<u8>)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (kind, body) in records {
            out.extend_from_slice(&kind.to_le_bytes());
            out.extend_from_slice(&u16::try_from(body.len()).unwrap().to_le_bytes());
            out.extend_from_slice(body);
        }
        out
    }

    /// A BIFF8 DIMENSIONS record: first row, row after the last, first column, column
    /// after the last.
    fn dims(first_row: u32, end_row: u32, first_col: u16, end_col: u16) -> (u16, Vec<u8>) {
        let mut body = Vec::new();
        body.extend_from_slice(&first_row.to_le_bytes());
        body.extend_from_slice(&end_row.to_le_bytes());
        body.extend_from_slice(&first_col.to_le_bytes());
        body.extend_from_slice(&end_col.to_le_bytes());
        body.extend_from_slice(&[0, 0]);
        (0x0200, body)
    }

    /// A cell record of `kind` at `row`, `col` (format 0) followed by `rest`.
    fn cell(kind: u16, row: u16, col: u16, rest: &[u8]) -> (u16, Vec<u8>) {
        let body = [
            &row.to_le_bytes()[..],
            &col.to_le_bytes()[..],
            &[0, 0],
            rest,
        ]
        .concat();
        (kind, body)
    }

    fn walk(records: &[(u16, Vec<u8>)]) -> Result<Vec<usize>, OpenError> {
        let data = biff(records);
        walk_biff(&data, 0, &mut Walk::new(&data))
    }

    /// A DIMENSIONS record is judged by the area calamine reserves room for: 0 × 256 and
    /// 20 × 256 are nothing, a sheet formatted down to row 65,536 across 17 columns is
    /// little; all 65,536 × 256 cells, or a range whose first row lies past its last
    /// (calamine's count wraps around), are refused.
    #[test]
    fn dimensions_are_judged_by_their_area() {
        let bof = (0x0809, vec![0; 16]);
        for ok in [
            dims(0, 0, 0, 256),
            dims(0, 20, 0, 256),
            dims(0, 65_536, 0, 17),
            dims(5, 5, 0, 3),
            dims(0, 0, 0, 0),
        ] {
            let got = walk(&[bof.clone(), ok.clone()]);
            assert!(got.is_ok(), "{ok:?}: {got:?}");
        }
        for refused in [
            dims(0, 65_536, 0, 256),
            dims(9, 3, 0, 2),
            dims(0, 4_000_000, 0, 2),
        ] {
            let got = walk(&[bof.clone(), refused.clone()]);
            assert!(
                matches!(got, Err(OpenError::TooLarge(_))),
                "{refused:?}: {got:?}"
            );
        }
        assert_eq!(dimensions(&dims(0, 20, 0, 256).1), Some((20, 256)));
        assert_eq!(dimensions(&dims(0, 0, 0, 256).1), Some((1, 1)));
        // A first column past 255 is taken as 0, as calamine does.
        assert_eq!(dimensions(&dims(0, 20, 300, 256).1), Some((20, 256)));
    }

    /// A formatted empty cell (BLANK, MULBLANK) at BIFF8's last row is no data: calamine
    /// makes no cell of it. Cells are judged by the dense range calamine builds from
    /// them: a report at A1 with a cell at Q65536 is 65,536 × 17 cells, which calamine
    /// may build (whether that cell holds data is judged on what it read: a space is
    /// none); one at IV65536 makes 65,536 × 256, refused, and so are two sheets whose
    /// ranges are too many cells together.
    #[test]
    fn blank_records_far_below_are_not_data() {
        let blank = cell(0x0201, 65_535, 16, &[]);
        let mulblank = cell(0x00BE, 65_535, 2, &[0, 0, 0, 0, 255, 0]);
        assert!(walk(&[blank, mulblank]).is_ok());
        let first = cell(0x0203, 0, 0, &[0; 8]);
        let far = cell(0x0203, 65_535, 16, &[0; 8]);
        assert!(walk(&[first.clone(), far.clone()]).is_ok());
        let corner = cell(0x0203, 65_535, 255, &[0; 8]);
        let refused = walk(&[first.clone(), corner]);
        assert!(
            matches!(&refused, Err(OpenError::TooLarge(m)) if m.contains("từ ô A1 đến ô IV65536")),
            "{refused:?}"
        );
        let wide = cell(0x0203, 65_535, 63, &[0; 8]);
        let (bof, eof) = ((0x0809, vec![0; 16]), (0x000A, Vec::new()));
        let one_sheet = [bof.clone(), first.clone(), far.clone(), eof.clone()];
        assert!(walk(&one_sheet).is_ok());
        let two_sheets = [
            bof.clone(),
            first.clone(),
            wide,
            eof.clone(),
            bof,
            first,
            far,
            eof,
        ];
        assert!(matches!(walk(&two_sheets), Err(OpenError::TooLarge(_))));
    }

    /// Records after FILEPASS are encrypted: the walk stops there with the password
    /// message instead of reading their data as cells.
    #[test]
    fn the_walk_stops_at_filepass() {
        let filepass = (0x002F, [&[1u8, 0, 1, 0, 1, 0][..], &[7; 48][..]].concat());
        let garbage = cell(0x0203, 60_000, 9_000, &[0; 8]);
        let got = walk(&[(0x0809, vec![0; 16]), filepass, garbage]);
        assert!(
            matches!(&got, Err(OpenError::Unreadable(m)) if m == PASSWORD),
            "{got:?}"
        );
    }

    /// XOR obfuscation with Excel's default key is not decrypted: the unit is told to
    /// remove the workbook's protection, not a password it never set. Another XOR key
    /// gets the password message.
    #[test]
    fn an_xor_default_key_is_told_to_remove_the_protection() {
        use crate::ingest::xls_key::{DEFAULT_PASSWORD, xor_verifier};
        let filepass = |password: &str| {
            let verifier = xor_verifier(password).to_le_bytes();
            (0x002F, vec![0, 0, 0x12, 0x34, verifier[0], verifier[1]])
        };
        let bof = (0x0809, vec![0; 16]);
        let stream = biff(&[bof.clone(), filepass(DEFAULT_PASSWORD)]);
        assert!(matches!(
            default_key_decrypted(&stream),
            Some(Err(OpenError::Unreadable(m))) if m == STRUCTURE_PROTECTED
        ));
        let got = walk(&[bof.clone(), filepass(DEFAULT_PASSWORD)]);
        assert!(
            matches!(&got, Err(OpenError::Unreadable(m)) if m == STRUCTURE_PROTECTED),
            "{got:?}"
        );
        let stream = biff(&[bof.clone(), filepass("matkhau")]);
        assert!(default_key_decrypted(&stream).is_none());
        let got = walk(&[bof, filepass("matkhau")]);
        assert!(
            matches!(&got, Err(OpenError::Unreadable(m)) if m == PASSWORD),
            "{got:?}"
        );
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

    /// The limit check's stream tells Gnumeric's indented `content.xml` from
    /// LibreOffice's, which is opened as it is.
    #[test]
    fn only_an_indented_ods_is_rewritten() {
        let fixture = |name: &str| {
            std::fs::read(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures")
                    .join(name),
            )
            .unwrap()
        };
        let indented = |name: &str| identify(&fixture(name), SheetLimits::REPORT).unwrap();
        let libreoffice = indented("report-yc-2020-07.ods");
        assert_eq!(libreoffice.format, Format::Ods);
        assert!(!libreoffice.indented_ods);
        let gnumeric = indented("report-yc-2020-07-gnumeric.ods");
        assert_eq!(gnumeric.format, Format::Ods);
        assert!(gnumeric.indented_ods);
        assert!(!indented("report-yc-2020-07-gnumeric.xlsx").indented_ods);
        // calamine refuses Gnumeric's file as it is and reads the rewritten copy.
        let bytes = fixture("report-yc-2020-07-gnumeric.ods");
        let as_is: Result<calamine::Ods<_>, _> =
            calamine::open_workbook_from_rs(Cursor::new(bytes.clone()));
        assert!(as_is.is_err());
        let compact = ods_layout::compact(&bytes).unwrap();
        let mut book: calamine::Ods<_> =
            calamine::open_workbook_from_rs(Cursor::new(compact)).unwrap();
        let range = book.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(
            range.get_value((0, 0)),
            Some(&calamine::Data::String("HUYỆN ỦY YÊN CHÂU".into()))
        );
    }
}

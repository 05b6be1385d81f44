//! A unit's submission workbook (SPEC §4): identified, its report rows read, checked and
//! matched, its recommendations read. [`read`] is the I/O edge; the rest is pure.

pub mod columns;
pub mod identify;
pub mod recommend;
pub mod report;

use std::path::Path;

use chrono::NaiveDate;

use crate::diagnostic::{CellRef, Code, Diagnostic, Location};
use crate::ingest::{Grid, OpenError, Workbook, date, value::display};
use crate::matching::Matcher;
use crate::model::{AbsenceReason, CadreId, CellId, Rating, YearMonth};
use crate::roster::Roster;
use crate::text::LabelKey;

pub use identify::Identity;
pub use recommend::RecRow;

/// File name endings chibo reads.
pub const EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "xlsb", "ods"];

/// One accepted report row.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportRow {
    /// Where the row's values stand.
    pub cells: RowCells,
    /// The cadre's roster code (inside a workspace).
    pub cadre: Option<CadreId>,
    /// The cadre as written (name, else code).
    pub cadre_text: String,
    /// The cell's roster code (inside a workspace).
    pub cell: Option<CellId>,
    /// The cell as written (name, else code).
    pub cell_text: String,
    /// The commune as written.
    pub commune: Option<String>,
    /// Meeting date.
    pub date: NaiveDate,
    /// Whether the cadre attended.
    pub attended: bool,
    /// Why not, when absent.
    pub reason: Option<AbsenceReason>,
    /// Party members of the cell.
    pub members_total: Option<u32>,
    /// Party members present.
    pub members_present: Option<u32>,
    /// What was conveyed.
    pub content: Option<String>,
    /// Opinions and recommendations raised.
    pub raised: Option<u32>,
    /// Of those, resolved on the spot.
    pub resolved_on_spot: Option<u32>,
    /// The meeting's rating.
    pub rating: Option<Rating>,
    /// Remarks.
    pub note: Option<String>,
}

/// Cells of a report row that later stages name in their diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowCells {
    /// The row's leftmost table cell.
    pub first: CellRef,
    /// The date cell.
    pub date: CellRef,
    /// The cell-name (or cell-code) cell.
    pub cell: CellRef,
}

/// What became of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileStatus {
    /// Read; its rows count.
    Read,
    /// Not a spreadsheet.
    Skipped,
    /// Cannot be opened, or its unit or month cannot be told.
    Unreadable,
}

/// Everything read from one file.
#[derive(Clone, Debug)]
pub struct Submission {
    /// The file as shown (workspace-relative, `/`, NFC).
    pub file: String,
    /// What became of it.
    pub status: FileStatus,
    /// Unit and month.
    pub identity: Identity,
    /// The report sheet's name, when found.
    pub sheet: Option<String>,
    /// Accepted rows.
    pub rows: Vec<ReportRow>,
    /// Rows read (accepted + rejected).
    pub read: usize,
    /// Rows rejected.
    pub rejected: usize,
    /// The recommendations sheet's name, when present.
    pub rec_sheet: Option<String>,
    /// Recommendation rows accepted.
    pub recommendations: Vec<RecRow>,
    /// Every problem, sorted.
    pub diagnostics: Vec<Diagnostic>,
}

impl Submission {
    fn new(file: &str, status: FileStatus) -> Submission {
        Submission {
            file: file.to_owned(),
            status,
            identity: Identity::default(),
            sheet: None,
            rows: Vec::new(),
            read: 0,
            rejected: 0,
            rec_sheet: None,
            recommendations: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// Rows accepted.
    pub fn accepted(&self) -> usize {
        self.rows.len()
    }

    /// Keeps only what a file of a month before the reported one counts with: each row's
    /// cadre, cell, date and attendance (duplicates, year-to-date counts, coverage;
    /// SPEC §7), the identity and status of the file, and its recommendations (the
    /// register carries them). Its rows' free text and its diagnostics, which only the
    /// reported month shows, are dropped, so that a nation's year fits in memory.
    pub fn keep_for_counting(&mut self) {
        for row in &mut self.rows {
            row.cadre_text = String::new();
            row.cell_text = String::new();
            row.commune = None;
            row.content = None;
            row.note = None;
        }
        self.rows.shrink_to_fit();
        self.diagnostics = Vec::new();
    }
}

/// What reading needs to know besides the file.
#[derive(Clone, Copy, Default)]
pub struct Context<'a> {
    /// Roster matching, inside a workspace.
    pub matcher: Option<&'a Matcher<'a>>,
    /// The month of the folder the file sits in, when it is a month folder.
    pub folder_month: Option<YearMonth>,
    /// The file is read for a later month's counts only
    /// ([`Submission::keep_for_counting`] follows): the free text of its rows (content,
    /// note, position), which that drops, is checked only for the Excel errors that
    /// reject a row.
    pub counting_only: bool,
}

impl Context<'_> {
    fn roster(&self) -> Option<&Roster> {
        self.matcher.map(Matcher::roster)
    }
}

/// Whether a file name is an Excel lock file or a hidden file, skipped without a word.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with("~$") || name.starts_with('.')
}

/// Reads the submission at `path`, shown in diagnostics as `shown_as`.
pub fn read(path: &Path, shown_as: &str, ctx: &Context) -> Submission {
    load(path, shown_as).parse(ctx)
}

/// Reads a submission held in memory (as the fuzzers do): `name` is its file name as
/// shown.
pub fn read_bytes(bytes: Vec<u8>, name: &str, ctx: &Context) -> Submission {
    load_bytes(bytes, name).parse(ctx)
}

/// A submission's file read, and its sheets decoded, but not yet parsed: the part of
/// reading that needs no roster, so that `chibo run` can do it while the roster loads.
pub struct Loaded {
    shown_as: String,
    stem: String,
    /// The sheets, or the submission of a file that has none to parse (not a
    /// spreadsheet, or unreadable).
    sheets: Result<Sheets, Submission>,
}

impl Loaded {
    /// Parses the sheets (the roster, when `ctx` has it, matches the rows).
    pub fn parse(self, ctx: &Context) -> Submission {
        match self.sheets {
            Ok(sheets) => parse(&self.shown_as, &self.stem, &sheets, ctx),
            Err(done) => done,
        }
    }
}

/// Reads the file at `path` (shown as `shown_as`) and decodes its sheets.
pub fn load(path: &Path, shown_as: &str) -> Loaded {
    let (ext, stem) = ext_and_stem(path);
    loaded(shown_as, stem, &ext, || Workbook::open(path))
}

/// [`load`] of a file held in memory, named `name` as shown.
pub fn load_bytes(bytes: Vec<u8>, name: &str) -> Loaded {
    let (ext, stem) = ext_and_stem(Path::new(name));
    loaded(name, stem, &ext, || Workbook::from_bytes(bytes))
}

fn loaded<RS: std::io::Read + std::io::Seek>(
    shown_as: &str,
    stem: String,
    ext: &str,
    open: impl FnOnce() -> Result<Workbook<RS>, OpenError>,
) -> Loaded {
    let sheets = match skip_foreign(shown_as, ext) {
        Some(skipped) => Err(skipped),
        None => open()
            .and_then(|mut book| load_sheets(&mut book))
            .map_err(|e| unreadable(shown_as, e)),
    };
    Loaded {
        shown_as: shown_as.to_owned(),
        stem,
        sheets,
    }
}

/// A file name's ending (lower case) and stem.
fn ext_and_stem(path: &Path) -> (String, String) {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_owned();
    (ext, stem)
}

/// The submission of a workbook that cannot be opened or decoded.
fn unreadable(shown_as: &str, e: OpenError) -> Submission {
    let (code, message) = match e {
        OpenError::TooLarge(m) => (Code::FileTooLarge, m),
        OpenError::Unreadable(m) => (Code::FileUnreadable, m),
    };
    let mut s = Submission::new(shown_as, FileStatus::Unreadable);
    s.diagnostics
        .push(Diagnostic::error(code, Location::file(shown_as), message));
    s
}

/// A file whose name does not end like a spreadsheet: skipped, with a notice.
fn skip_foreign(shown_as: &str, ext: &str) -> Option<Submission> {
    if EXTENSIONS.contains(&ext) {
        return None;
    }
    let mut s = Submission::new(shown_as, FileStatus::Skipped);
    // A name of another spreadsheet-like format says what to do with it.
    let message = match ext {
        "xltx" | "xltm" | "xlt" => {
            "tệp mẫu (template) của Excel, chibo không đọc; nếu đây là báo cáo, hãy mở bằng Excel rồi lưu thành .xlsx; bỏ qua"
        }
        "ots" | "fods" => {
            "tệp mẫu hoặc tệp phẳng của LibreOffice, chibo không đọc; nếu đây là báo cáo, hãy mở bằng LibreOffice rồi lưu thành .ods hoặc .xlsx; bỏ qua"
        }
        "csv" | "tsv" => {
            "tệp văn bản CSV, không phải bảng tính; nếu đây là báo cáo, hãy mở bằng Excel rồi lưu thành .xlsx; bỏ qua"
        }
        "htm" | "html" | "mht" | "mhtml" => {
            "trang web (HTML), không phải bảng tính; nếu đây là báo cáo, hãy mở bằng Excel rồi lưu thành .xlsx; bỏ qua"
        }
        "wks" | "wk1" | "wk3" | "wk4" | "wq1" | "wb1" | "qpw" => {
            "bảng tính Lotus 1-2-3 hoặc Quattro Pro, chibo không đọc; nếu đây là báo cáo, hãy mở bằng LibreOffice rồi lưu thành .xlsx; bỏ qua"
        }
        _ => "tệp không phải bảng tính (.xlsx, .xlsm, .xls, .xlsb, .ods); bỏ qua",
    };
    s.diagnostics.push(Diagnostic::notice(
        Code::FileSkipped,
        Location::file(shown_as),
        message,
    ));
    Some(s)
}

/// The sheets a submission needs, loaded.
#[derive(Default)]
pub struct Sheets {
    /// `_chibo`, when present.
    pub meta: Option<Grid>,
    /// The other sheets read, in workbook order, by name.
    pub sheets: Vec<(String, Grid)>,
}

/// At most this many sheets are searched for a report table when none is named
/// `Báo cáo`.
const SEARCHED_SHEETS: usize = 20;

fn load_sheets<RS: std::io::Read + std::io::Seek>(
    book: &mut Workbook<RS>,
) -> Result<Sheets, OpenError> {
    let mut out = Sheets::default();
    let meta = book.find_sheet(columns::META_SHEET);
    let report = book.find_sheet(columns::REPORT_SHEET);
    let recs = book.find_sheet(columns::REC_SHEET);
    let names = book.sheet_names().to_vec();
    // Only the sheets that matter are decoded: a workbook with hundreds of sheets costs
    // no more than its report and recommendations.
    for (i, name) in names.into_iter().enumerate() {
        if Some(i) == meta {
            out.meta = Some(book.grid_merged_if(i, &|_| false)?);
        } else if Some(i) == recs {
            out.sheets.push((name, book.grid(i)?));
        } else if Some(i) == report || (report.is_none() && out.sheets.len() < SEARCHED_SHEETS) {
            out.sheets
                .push((name, book.grid_merged_if(i, &needs_merges)?));
        }
    }
    Ok(out)
}

/// Whether a sheet's merged regions can matter to its report rows: a cell merged down
/// over several rows (a cadre, a cell, a commune or a date written once for several
/// meetings) leaves the rows below its first one blank in that column. So they matter
/// when a row under the report's header has something in the columns a row needs (the
/// cadre by name or code, the cell by name or code, the commune, the date, `Có dự`) yet
/// lacks one of them, or when no report header is found (the sheet is then read for what
/// it is, merges and all). A report filled in row by row is read without looking for
/// merges, which would read the sheet a second time.
fn needs_merges(grid: &Grid) -> bool {
    use crate::ingest::table::{RowKind, row_kind};
    use crate::ingest::{ColumnKey, Labels, find_header_with};
    use columns::ReportCol::{self, Attended, Cadre, CadreCode, Cell, CellCode, Commune, Date};
    // The report's labels, indexed once for every sheet of the run.
    static LABELS: std::sync::LazyLock<Labels> =
        std::sync::LazyLock::new(|| Labels::new(ReportCol::COLUMNS));
    let Some(header) = find_header_with::<ReportCol>(grid, &LABELS) else {
        return true;
    };
    // Each thing a row needs, by the columns that can hold it.
    let needs: Vec<Vec<u32>> = [
        &[Cadre, CadreCode][..],
        &[Cell, CellCode],
        &[Commune],
        &[Date],
        &[Attended],
    ]
    .iter()
    .map(|keys| {
        keys.iter()
            .filter_map(|&k| header.col(k))
            .collect::<Vec<u32>>()
    })
    .filter(|cols| !cols.is_empty())
    .collect();
    let blank = |row: u32, col: u32| match grid.get(CellRef::new(row, col)) {
        calamine::Data::Empty => true,
        calamine::Data::String(text) => text.trim().is_empty(),
        _ => false,
    };
    for row in header.row + 1..grid.rows().end {
        // Rows run to the footer; a totals row is no meeting (as the table reader reads).
        match grid.row_cells(row).next().map(|(_, first)| row_kind(first)) {
            Some(RowKind::Footer) => break,
            Some(RowKind::Total) | None => continue,
            Some(RowKind::Data) => {}
        }
        let given: Vec<bool> = needs
            .iter()
            .map(|cols| cols.iter().any(|&c| !blank(row, c)))
            .collect();
        if given.contains(&true) && given.contains(&false) {
            return true;
        }
    }
    false
}

fn is_sheet(name: &str, names: &[&str]) -> bool {
    sheet_reading(name, names, None).is_some()
}

/// Whether the sheet `name` is one of `names` (`Some`), with its reading when it was
/// typed in a legacy font encoding (by `reading`, the file's, when given;
/// [`crate::text::read_known`] else).
type SheetReading = Option<((), Option<(crate::text::Legacy, String)>)>;

fn sheet_reading(
    name: &str,
    names: &[&str],
    reading: Option<&crate::text::Reading>,
) -> SheetReading {
    let find = |t: &str| {
        let key = LabelKey::new(t);
        names.iter().any(|n| LabelKey::new(n) == key).then_some(())
    };
    match reading {
        Some(reading) => reading.known(name, find),
        None => crate::text::read_known(name, find),
    }
}

/// A `text-legacy-encoding` warning on the sheet `name` of `file` when it is one of
/// `names` typed in a legacy font encoding.
fn legacy_sheet_name(
    file: &str,
    name: &str,
    names: &[&str],
    reading: &crate::text::Reading,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(((), Some((legacy, read)))) = sheet_reading(name, names, Some(reading)) {
        diags.push(crate::ingest::table::legacy_sheet_warning(
            file, name, &legacy, &read,
        ));
    }
}

/// Reads a submission from its loaded sheets. Pure.
pub fn parse(file: &str, file_stem: &str, sheets: &Sheets, ctx: &Context) -> Submission {
    let mut s = Submission::new(file, FileStatus::Read);
    // The evidence of the whole file for text typed in a legacy font: its sheet names
    // and cells, each decoded at most once.
    let texts = sheets
        .sheets
        .iter()
        .flat_map(|(name, grid)| std::iter::once(name.as_str()).chain(grid.texts()));
    let reading = crate::text::Reading::of(texts);
    let reading = &reading;

    // The report sheet: by name, else the first sheet whose header has what a report needs.
    let find = |i: usize| {
        let (name, grid) = &sheets.sheets[i];
        report::ReportTable::find(file, name, grid, &columns::REPORT_CODES)
            .map(|table| table.with_reading(reading))
    };
    let report = match sheets
        .sheets
        .iter()
        .position(|(n, _)| is_sheet(n, columns::REPORT_SHEET))
    {
        Some(i) => Some((i, find(i))),
        None => (0..sheets.sheets.len()).find_map(|i| {
            if is_sheet(&sheets.sheets[i].0, columns::REC_SHEET) {
                return None;
            }
            let table = find(i)?;
            table.header().is_complete().then_some((i, Some(table)))
        }),
    };

    // Legacy text found before the file turns out unreadable is reported with its errors.
    if let Some((i, _)) = &report {
        let name = &sheets.sheets[*i].0;
        legacy_sheet_name(
            file,
            name,
            columns::REPORT_SHEET,
            reading,
            &mut s.diagnostics,
        );
    }
    if let Err(mut errors) = identify_file(&mut s, file_stem, sheets, report.as_ref(), reading, ctx)
    {
        s.status = FileStatus::Unreadable;
        s.diagnostics.append(&mut errors);
        crate::diagnostic::sort(&mut s.diagnostics);
        return s;
    }

    read_report(&mut s, sheets, report, ctx);
    if let Some((name, grid)) = sheets
        .sheets
        .iter()
        .find(|(n, _)| is_sheet(n, columns::REC_SHEET))
    {
        legacy_sheet_name(file, name, columns::REC_SHEET, reading, &mut s.diagnostics);
        s.rec_sheet = Some(name.clone());
        s.recommendations = recommend::read(
            file,
            name,
            grid,
            &s.identity,
            ctx.matcher,
            reading,
            &mut s.diagnostics,
        );
    }
    if let Some(unit) = &s.identity.unit {
        for d in &mut s.diagnostics {
            d.unit = Some(unit.clone());
        }
    }
    crate::diagnostic::sort(&mut s.diagnostics);
    s
}

/// Settles the file's unit and month, or returns the errors that make it unreadable.
fn identify_file(
    s: &mut Submission,
    file_stem: &str,
    sheets: &Sheets,
    report: Option<&(usize, Option<report::ReportTable>)>,
    reading: &crate::text::Reading,
    ctx: &Context,
) -> Result<(), Vec<Diagnostic>> {
    let file = s.file.clone();
    let file = file.as_str();
    let roster = ctx.roster();
    let mut evidence = identify::Evidence::default();
    if let Some(meta) = &sheets.meta {
        evidence.meta(meta, roster);
    }
    if let Some((i, Some(table))) = report {
        let (sheet, grid) = &sheets.sheets[*i];
        // Title cells typed in a legacy font are read as any text is, with a warning.
        let mut title: Vec<(CellRef, String)> = Vec::new();
        for r in grid.rows().start..table.header().row {
            for (c, v) in grid.row_cells(r) {
                let text = match v {
                    calamine::Data::String(raw) => crate::ingest::table::legacy_text(
                        reading.read(raw),
                        || Location::cell(file, sheet, c),
                        &mut s.diagnostics,
                    ),
                    v => display(v),
                };
                title.push((c, text));
            }
        }
        evidence.title(sheet, title.iter().map(|(c, t)| (*c, t.as_str())), roster);
    }
    evidence.path(file_stem, ctx.folder_month, roster);
    let id = evidence.settle().map_err(|problems| {
        problems
            .into_iter()
            .map(|p| {
                let at = match p.at {
                    Some((sheet, cell)) => Location::cell(file, sheet, cell),
                    None => Location::file(file),
                };
                Diagnostic::error(Code::FileContradiction, at, p.message)
            })
            .collect::<Vec<_>>()
    })?;
    if roster.is_some() && (id.unit.is_none() || id.month.is_none()) {
        let what = match (&id.unit, &id.month) {
            (None, None) => "đơn vị và tháng",
            (None, Some(_)) => "đơn vị",
            _ => "tháng",
        };
        let message = format!(
            "không xác định được {what} của tệp; hãy ghi tên đơn vị và «Tháng M năm YYYY» trong tiêu đề, hoặc đặt mã đơn vị trong tên tệp"
        );
        return Err(vec![Diagnostic::error(
            Code::FileUnidentified,
            Location::file(file),
            message,
        )]);
    }
    s.identity = id;
    Ok(())
}

/// Reads the report table, if there is one, into `s`.
fn read_report(
    s: &mut Submission,
    sheets: &Sheets,
    report: Option<(usize, Option<report::ReportTable>)>,
    ctx: &Context,
) {
    let file = s.file.clone();
    let file = file.as_str();
    match report {
        None => {
            let message = "không tìm thấy bảng báo cáo (trang «Báo cáo» với các cột Họ và tên, Chi bộ, Ngày sinh hoạt, Có dự)";
            s.diagnostics.push(Diagnostic::error(
                Code::ReportMissingTable,
                Location::file(file),
                message,
            ));
        }
        Some((index, None)) => {
            let sheet = &sheets.sheets[index].0;
            s.sheet = Some(sheet.clone());
            let message = "không tìm thấy dòng tiêu đề trong 30 dòng đầu; cần các cột Họ và tên, Chi bộ, Ngày sinh hoạt, Có dự";
            s.diagnostics.push(Diagnostic::error(
                Code::ReportMissingColumn,
                Location::sheet(file, sheet),
                message,
            ));
        }
        Some((index, Some(table))) => {
            let grid = &sheets.sheets[index].1;
            s.sheet = Some(table.sheet().to_owned());
            table.header_diagnostics(&mut s.diagnostics);
            if table.header().is_complete() {
                let values = grid.rows().flat_map(|r| grid.row_cells(r).map(|(_, v)| v));
                let rctx = report::RowContext {
                    matcher: ctx.matcher,
                    unit: s.identity.unit.as_deref(),
                    month: s.identity.month,
                    epoch_1904: date::uses_1904(values),
                    counting_only: ctx.counting_only,
                };
                let read = report::read_rows(&table, &rctx, &mut s.diagnostics);
                s.rows = read.rows;
                s.read = read.read;
                s.rejected = read.rejected;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use calamine::{CellErrorType, Data};

    use super::{Context, Sheets, needs_merges, parse};
    use crate::diagnostic::CellRef;
    use crate::ingest::Grid;

    /// A sheet's merges are looked for only when a data row lacks its name or code
    /// beside a date or a mark, or when no report header is found.
    #[test]
    fn merges_are_looked_for_only_where_rows_lack_a_name() {
        let grid = |rows: &[&[&str]]| {
            let rows = rows
                .iter()
                .map(|r| r.iter().map(|s| Data::String((*s).into())).collect())
                .collect();
            Grid::from_rows(CellRef::new(0, 0), rows)
        };
        let header: &[&str] = &["Họ và tên", "Chi bộ", "Ngày sinh hoạt", "Có dự"];
        let full = grid(&[header, &["A", "Bản Mới", "05/07/2020", "Có"]]);
        assert!(!needs_merges(&full));
        let merged_down = grid(&[
            header,
            &["A", "Bản Mới", "05/07/2020", "Có"],
            &["", "Bản Cọ", "06/07/2020", "Có"],
        ]);
        assert!(needs_merges(&merged_down));
        let blank_row_below = grid(&[
            header,
            &["A", "Bản Mới", "05/07/2020", "Có"],
            &["", "", "", ""],
        ]);
        assert!(!needs_merges(&blank_row_below));
        assert!(needs_merges(&grid(&[&["Hướng dẫn"], &["Ghi ngày"]])));
    }

    /// A file read for counting only keeps and rejects the same rows as one read whole:
    /// free text is skipped, but an Excel error in it still rejects its row.
    #[test]
    fn counting_only_rejects_the_same_rows() {
        let s = |t: &str| Data::String(t.into());
        let rows = vec![
            vec![
                s("Họ và tên"),
                s("Chức vụ"),
                s("Chi bộ"),
                s("Ngày sinh hoạt"),
                s("Có dự"),
                s("Nội dung truyền đạt"),
                s("Ghi chú"),
            ],
            vec![
                s("Lò Văn Minh"),
                s("Bí thư"),
                s("Bản Mòng"),
                s("05/07/2020"),
                s("Có"),
                // TCVN3 text: a legacy-encoding warning when read whole.
                s("Phæ biÕn nghÞ quyÕt"),
                s("  ghi   chú "),
            ],
            vec![
                s("Lò Văn Minh"),
                s("Bí thư"),
                s("Bản Hụm"),
                s("06/07/2020"),
                s("Có"),
                Data::Error(CellErrorType::Ref),
                Data::Empty,
            ],
            vec![
                s("Lò Văn Minh"),
                Data::Error(CellErrorType::Value),
                s("Bản Hụm"),
                s("07/07/2020"),
                s("Có"),
                Data::Empty,
                s("x"),
            ],
        ];
        let sheets = Sheets {
            meta: None,
            sheets: vec![("Báo cáo".into(), Grid::from_rows(CellRef::new(0, 0), rows))],
        };
        let read = |counting_only| {
            let ctx = Context {
                counting_only,
                ..Context::default()
            };
            let mut sub = parse("U01.xlsx", "U01", &sheets, &ctx);
            let diagnostics = sub.diagnostics.len();
            sub.keep_for_counting();
            (sub.rows, sub.read, sub.rejected, diagnostics)
        };
        let (whole, counting) = (read(false), read(true));
        assert_eq!((whole.1, whole.2), (3, 2), "rows 3 and 4 have Excel errors");
        assert_eq!(
            (&whole.0, whole.1, whole.2),
            (&counting.0, counting.1, counting.2)
        );
        assert!(
            whole.3 > counting.3,
            "the legacy-text warning is not looked for"
        );
    }
}

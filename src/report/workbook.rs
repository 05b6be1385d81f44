//! `tong-hop-YYYY-MM.xlsx`, the consolidated workbook (SPEC §8), rendered in memory.
//!
//! Every string that came from a submission is written with `write_string`, so a cell
//! typed as `=HYPERLINK(…)` or `+SUM(A1)` stays that text. The creation time and the
//! date line derive from the inputs, so the same inputs give the same file. No cell holds
//! more than Excel can ([`crate::text::fit_cell`]).

use chrono::NaiveDate;
use rayon::prelude::*;
use rust_xlsxwriter::{
    Chart, ChartFont, ChartType, ConditionalFormatText, ConditionalFormatTextRule, DocProperties,
    Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::config::Config;
use crate::model::Rating;
use crate::reconcile::files::file_name;
use crate::reconcile::{CadreSummary, Reconciliation, deadline};
use crate::report::document;
use crate::report::style::{self, col, excel_date};
use crate::roster::Roster;
use crate::vocabulary::ATTENDED;

/// A cell value.
enum V {
    /// Text, always written as text.
    T(String),
    /// A number.
    N(f64),
    /// A date, shown dd/mm/yyyy.
    D(NaiveDate),
    /// Nothing.
    E,
}

fn t(s: impl Into<String>) -> V {
    V::T(s.into())
}

fn ot(s: Option<&String>) -> V {
    s.map_or(V::E, |s| V::T(s.clone()))
}

#[allow(clippy::cast_precision_loss)] // counts far below 2^52
fn n(x: impl Into<u64>) -> V {
    V::N(x.into() as f64)
}

fn on(x: Option<u32>) -> V {
    x.map_or(V::E, n)
}

fn od(d: Option<NaiveDate>) -> V {
    d.map_or(V::E, V::D)
}

/// The formats every sheet shares.
struct Formats {
    header: Format,
    body: Format,
    date: Format,
    wrap: Format,
}

impl Formats {
    fn new() -> Formats {
        let base = style::base();
        Formats {
            header: style::header(),
            // Top-aligned, as the wrapped text beside them in a taller row.
            date: base
                .clone()
                .set_num_format(style::DATE_FORMAT)
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Top),
            wrap: base
                .clone()
                .set_text_wrap()
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Top),
            body: base
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Top),
        }
    }
}

/// A column of a data sheet: its label and width in characters of Times New Roman 12
/// (autofit assumes Calibri 11 and cuts Vietnamese diacritics short).
struct Col(&'static str, f64);

/// The date printed in the document header: the later of the month's deadline and the
/// last report received, so that the same inputs always give the same date.
pub fn document_date(r: &Reconciliation, config: &Config) -> NaiveDate {
    let due = deadline(r.month, config.deadline_day);
    r.units
        .iter()
        .filter_map(|u| u.received)
        .fold(due, NaiveDate::max)
}

/// Renders the consolidated workbook of `r`: [`fill`], then [`save`].
///
/// # Errors
/// `rust_xlsxwriter` fails to assemble the file.
pub fn to_xlsx(r: &Reconciliation, roster: &Roster, config: &Config) -> Result<Vec<u8>, XlsxError> {
    save(fill(r, roster, config)?)
}

/// Packs a filled workbook into the bytes of an `.xlsx`: `rust_xlsxwriter` writes its
/// parts and compresses them into the zip, on one thread.
///
/// # Errors
/// `rust_xlsxwriter` fails to assemble the file.
pub fn save(mut book: Workbook) -> Result<Vec<u8>, XlsxError> {
    book.set_zip_compression_level(3);
    book.save_to_buffer()
        .map(super::xlsx_bytes::as_made_on_unix)
}

/// Fills the sheets of the consolidated workbook of `r`, ready for [`save`].
///
/// # Errors
/// A sheet cannot be written (a name or position `rust_xlsxwriter` refuses).
pub fn fill(r: &Reconciliation, roster: &Roster, config: &Config) -> Result<Workbook, XlsxError> {
    let mut book = Workbook::new();
    let date = document_date(r, config);
    book.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "Tổng hợp dự sinh hoạt chi bộ tháng {} — {}",
                r.month.vi(),
                config.province
            ))
            .set_author("Ban Tổ chức Tỉnh ủy")
            .set_company(format!("Ban Tổ chức Tỉnh ủy {}", config.province))
            .set_creation_datetime(&excel_date(date)?),
    );
    let f = Formats::new();
    // The data sheets are filled at the same time, each on its own thread. Their formats
    // get workbook-wide numbers now, in this order, so that the numbers do not depend on
    // which thread comes first, and their rows go to temporary files as they are written:
    // the details of a nation's month would otherwise hold hundreds of MiB of cells until
    // the save. Text goes to the shared string table (a smaller file, less to compress)
    // from the details only, the largest sheet: as the one sheet that adds to it during
    // the fill, they add in their own order. The others write their text inline. The
    // summary sheet keeps its own formats and text until the save.
    for format in [&f.header, &f.body, &f.date, &f.wrap] {
        book.register_format(format);
    }
    let fills: [(Fill, bool); 7] = [
        (cadres_sheet, false),
        (months_sheet, false),
        (units_sheet, false),
        (cells_sheet, false),
        (details_sheet, true),
        (register_sheet, false),
        (issues_sheet, false),
    ];
    let mut tables = fills
        .iter()
        .map(|&(_, shared_strings)| {
            if shared_strings {
                book.new_worksheet_with_low_memory()
            } else {
                book.new_worksheet_with_constant_memory()
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut summary = Worksheet::new();
    let (summary_done, tables_done) = rayon::join(
        || summary_sheet(&mut summary, r, config, date),
        || {
            tables
                .par_iter_mut()
                .zip(fills)
                .try_for_each(|(sheet, (fill, _))| fill(sheet, r, roster, &f))
        },
    );
    summary_done?;
    tables_done?;
    book.push_worksheet(summary);
    for sheet in tables {
        book.push_worksheet(sheet);
    }
    Ok(book)
}

/// Fills one data sheet.
type Fill = fn(&mut Worksheet, &Reconciliation, &Roster, &Formats) -> Result<(), XlsxError>;

/// Writes a data sheet: header row, rows, widths, frozen header, autofilter, A4
/// landscape print with the header row repeated and `title` on every page.
fn table(
    sheet: &mut Worksheet,
    name: &str,
    title: &str,
    cols: &[Col],
    rows: &[Vec<V>],
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    for (c, Col(label, width)) in cols.iter().enumerate() {
        let c = col(c);
        sheet.write_string_with_format(0, c, *label, &f.header)?;
        sheet.set_column_width(c, *width)?;
    }
    // The header row as high as its wrapped labels, in bold.
    let header = cols
        .iter()
        .map(|Col(label, width)| (*label, width * style::BOLD_WIDTH));
    sheet.set_row_height(0, style::fitted_height(header, style::FONT_SIZE))?;
    // Text wraps, dates show as dates, the rest has the plain body format.
    let format_of = |_: usize, v: &V| match v {
        V::T(_) => &f.wrap,
        V::D(_) => &f.date,
        _ => &f.body,
    };
    for (r, values) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).expect("rows fit");
        // The values go first and then each run of cells with the same format gets it in
        // one call: rust_xlsxwriter hashes the whole format on every call, and per cell
        // that was a third of the time to write the workbook. The row is still in memory
        // until the next one is written, so its cells take the format (blank ones too).
        let mut wrote = false;
        for (c, v) in values.iter().enumerate() {
            let c = col(c);
            match v {
                // Cut to what a cell holds, characters XML cannot carry dropped: a
                // reading that kept more (it warns when it cuts) never sinks the run.
                V::T(s) if !s.is_empty() => sheet.write_string(r, c, crate::text::fit_cell(s))?,
                V::N(x) => sheet.write_number(r, c, *x)?,
                V::D(d) => sheet.write_datetime(r, c, excel_date(*d)?)?,
                V::T(_) | V::E => continue,
            };
            wrote = true;
        }
        let mut c = 0;
        while c < values.len() {
            let format = format_of(c, &values[c]);
            let mut last = c;
            while last + 1 < values.len()
                && std::ptr::eq(format_of(last + 1, &values[last + 1]), format)
            {
                last += 1;
            }
            if wrote {
                sheet.set_range_format(r, col(c), r, col(last), format)?;
            } else {
                // A row of blanks only is not in memory yet: each blank is written.
                for blank in c..=last {
                    sheet.write_blank(r, col(blank), format)?;
                }
            }
            c = last + 1;
        }
        // As high as its wrapped text needs (LibreOffice does not grow a row that
        // rust_xlsxwriter leaves at the default height): set before the next row is
        // written, while this one is still in memory.
        let wrapped = values
            .iter()
            .zip(cols)
            .filter_map(|(v, Col(_, width))| match v {
                V::T(s) => Some((s.as_str(), *width)),
                _ => None,
            });
        let height = style::fitted_height(wrapped, style::FONT_SIZE);
        if height > style::row_height(1, style::FONT_SIZE) {
            sheet.set_row_height(r, height)?;
        }
    }
    let last_row = u32::try_from(rows.len()).expect("rows fit");
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last_row, col(cols.len() - 1))?;
    let widths: Vec<f64> = cols.iter().map(|Col(_, w)| *w).collect();
    style::print_a4_landscape(sheet, title, 0.5, 12, &widths);
    sheet.set_repeat_rows(0, 0)?;
    Ok(())
}

/// Colours the cells of `column` (rows 1..=last) whose text contains each label.
fn colour(
    sheet: &mut Worksheet,
    column: usize,
    last: usize,
    rules: &[(&str, &str)],
) -> Result<(), XlsxError> {
    if last == 0 {
        return Ok(());
    }
    let last = u32::try_from(last).expect("rows fit");
    for (label, fill) in rules {
        let cf = ConditionalFormatText::new()
            .set_rule(ConditionalFormatTextRule::Contains((*label).to_owned()))
            .set_format(Format::new().set_background_color(*fill));
        sheet.add_conditional_format(1, col(column), last, col(column), &cf)?;
    }
    Ok(())
}

const RED: &str = "#F8CBAD";
const YELLOW: &str = "#FFE699";
const GREEN: &str = "#C6EFCE";

#[allow(clippy::too_many_lines)] // one layout, top to bottom
fn summary_sheet(
    sheet: &mut Worksheet,
    r: &Reconciliation,
    config: &Config,
    date: NaiveDate,
) -> Result<(), XlsxError> {
    let base = style::base().set_font_size(13);
    let bold = base.clone().set_bold().set_align(FormatAlign::Center);
    let center = base.clone().set_align(FormatAlign::Center);
    let italic = base.clone().set_italic().set_align(FormatAlign::Center);
    let underlined = bold
        .clone()
        .set_underline(rust_xlsxwriter::FormatUnderline::Single);
    let title = base
        .clone()
        .set_bold()
        .set_font_size(15)
        .set_align(FormatAlign::Center);
    let label = base.clone().set_border(FormatBorder::Thin);
    let section = base
        .clone()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color(style::HEADER_FILL);
    let number = base
        .clone()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);

    sheet.set_name("Tổng hợp")?;
    // The labels, their figures, a gap, and six columns under the charts.
    let widths = [40.0, 14.0, 4.0, 13.0, 13.0, 13.0, 13.0, 13.0, 13.0];
    for (c, width) in widths.iter().enumerate() {
        sheet.set_column_width(col(c), *width)?;
    }
    let province = config.province.to_uppercase();
    sheet.merge_range(0, 0, 0, 1, &format!("ĐẢNG BỘ TỈNH {province}"), &center)?;
    sheet.merge_range(1, 0, 1, 1, "BAN TỔ CHỨC", &bold)?;
    sheet.merge_range(2, 0, 2, 1, "*", &center)?;
    sheet.merge_range(0, 3, 0, 8, "ĐẢNG CỘNG SẢN VIỆT NAM", &underlined)?;
    sheet.merge_range(3, 0, 3, 1, document::NUMBER_LINE, &center)?;
    let date_line = document::date_line(&config.province, date);
    sheet.merge_range(3, 3, 3, 8, &date_line, &italic)?;
    sheet.merge_range(
        4,
        0,
        4,
        8,
        "BÁO CÁO TỔNG HỢP KẾT QUẢ DỰ SINH HOẠT CHI BỘ KHU DÂN CƯ",
        &title,
    )?;
    let month_line = format!("Tháng {} năm {}", r.month.month, r.month.year);
    sheet.merge_range(5, 0, 5, 8, &month_line, &bold)?;

    let t = &r.totals;
    let figures: Vec<(&str, Vec<(&str, usize)>)> = vec![
        (
            "Báo cáo của đơn vị",
            vec![
                ("Đơn vị nộp đúng hạn", t.on_time),
                ("Đơn vị nộp muộn", t.late),
                ("Đơn vị chưa nộp", t.missing),
                ("Tệp nhận được", r.files.read),
                ("Tệp được dùng", r.files.used),
            ],
        ),
        (
            "Buổi sinh hoạt theo kế hoạch trong tháng",
            vec![
                ("Số buổi theo kế hoạch", t.planned),
                ("Đã dự", t.attended),
                ("Vắng", t.absent),
                ("Chưa báo cáo", t.unreported),
            ],
        ),
        (
            "Tiến độ định mức năm của cán bộ",
            vec![
                ("Đạt định mức", t.met),
                ("Đúng tiến độ", t.on_track),
                ("Chậm tiến độ", t.behind),
                ("Không có định mức", t.no_quota),
            ],
        ),
        (
            "Dòng báo cáo trong tháng",
            vec![
                ("Dòng đọc được", r.rows.read),
                ("Dòng được nhận", r.rows.accepted),
                ("Dòng bị loại (có lỗi)", r.rows.rejected),
                ("Dòng trùng", r.rows.duplicates),
            ],
        ),
        (
            "Kiến nghị từ đầu năm",
            vec![
                ("Số kiến nghị", r.recommendations.raised_ytd),
                ("Đã giải quyết", r.recommendations.resolved),
                ("Đang chờ giải quyết", r.recommendations.pending),
                ("Quá hạn", r.recommendations.overdue),
            ],
        ),
        (
            "Xếp loại buổi sinh hoạt (có cán bộ dự)",
            vec![
                (Rating::Tot.label(), r.ratings.tot),
                (Rating::Kha.label(), r.ratings.kha),
                (Rating::TrungBinh.label(), r.ratings.trung_binh),
                (Rating::Kem.label(), r.ratings.kem),
                ("Chưa xếp loại", r.ratings.unrated),
            ],
        ),
    ];
    let mut row = 7u32;
    let mut rating_rows = (0, 0);
    for (heading, items) in &figures {
        sheet.merge_range(row, 0, row, 1, heading, &section)?;
        row += 1;
        if heading.starts_with("Xếp loại") {
            rating_rows = (row, row + u32::try_from(items.len()).expect("few") - 1);
        }
        for (name, value) in items {
            sheet.write_string_with_format(row, 0, *name, &label)?;
            #[allow(clippy::cast_precision_loss)]
            sheet.write_number_with_format(row, 1, *value as f64, &number)?;
            row += 1;
        }
    }

    // Charts: planned against attended by unit (from the `Đơn vị` sheet), and ratings.
    let units = u32::try_from(r.units.len()).expect("few units");
    if units > 0 {
        let mut chart = Chart::new(ChartType::Column);
        chart
            .title()
            .set_name("Buổi sinh hoạt theo kế hoạch và đã dự, theo đơn vị");
        chart
            .add_series()
            .set_name("Theo kế hoạch")
            .set_categories(("Đơn vị", 1, 1, units, 1))
            .set_values(("Đơn vị", 1, 4, units, 4));
        chart
            .add_series()
            .set_name("Đã dự")
            .set_categories(("Đơn vị", 1, 1, units, 1))
            .set_values(("Đơn vị", 1, 5, units, 5));
        chart.set_width(620).set_height(320);
        in_workbook_font(&mut chart);
        sheet.insert_chart(7, 3, &chart)?;
    }
    // The document's end (Hướng dẫn 36-HD/VPTW): recipients on the left, the signature
    // on the right, below the figures and the charts.
    // The pie chart ends near row 41.
    let end = row.max(42) + 1;
    let recipients_label = base.clone().set_bold().set_italic();
    let recipient = base.clone().set_font_size(11);
    sheet.write_string_with_format(end, 0, "Nơi nhận:", &recipients_label)?;
    for (r, line) in (end + 1..).zip(document::RECIPIENTS) {
        sheet.write_string_with_format(r, 0, line, &recipient)?;
    }
    for (r, line) in (end..).zip(document::SIGNATURE) {
        sheet.merge_range(r, 3, r, 8, line, &bold)?;
    }
    // Room for the signature and the seal, then the signer's name.
    sheet.merge_range(end + 6, 3, end + 6, 8, document::NAME_LINE, &bold)?;

    let mut pie = Chart::new(ChartType::Column);
    pie.title().set_name("Xếp loại buổi sinh hoạt");
    pie.add_series()
        .set_name("Số buổi")
        .set_categories(("Tổng hợp", rating_rows.0, 0, rating_rows.1, 0))
        .set_values(("Tổng hợp", rating_rows.0, 1, rating_rows.1, 1));
    pie.legend().set_hidden();
    pie.set_width(620).set_height(300);
    in_workbook_font(&mut pie);
    sheet.insert_chart(25, 3, &pie)?;

    style::print_a4_landscape(
        sheet,
        &format!("Tổng hợp dự sinh hoạt chi bộ tháng {}", r.month.vi()),
        0.5,
        12,
        &widths,
    );
    Ok(())
}

/// The cadres' figures in the roster's order (the office keeps it in protocol order),
/// where the reconciliation has them by code.
fn in_roster_order<'a>(r: &'a Reconciliation, roster: &Roster) -> Vec<&'a CadreSummary> {
    roster
        .cadres
        .iter()
        .filter_map(|c| {
            r.cadres
                .binary_search_by(|s| s.code.as_str().cmp(&c.code))
                .ok()
                .map(|i| &r.cadres[i])
        })
        .collect()
}

/// The colours of the progress column, on `Cán bộ` and `Theo tháng` alike.
const PROGRESS_COLOURS: [(&str, &str); 3] = [("Chậm", RED), ("Đạt", GREEN), ("Đúng", GREEN)];

/// Sets the workbook's font on a chart's title, axes and legend (a chart otherwise draws
/// its text in Calibri).
fn in_workbook_font(chart: &mut Chart) {
    let mut title = ChartFont::new();
    title.set_name(style::FONT).set_bold().set_size(13);
    let mut text = ChartFont::new();
    text.set_name(style::FONT).set_size(11);
    chart.title().set_font(&title);
    chart.x_axis().set_font(&text);
    chart.y_axis().set_font(&text);
    chart.legend().set_font(&text);
}

fn cadres_sheet(
    sheet: &mut Worksheet,
    r: &Reconciliation,
    roster: &Roster,
    f: &Formats,
) -> Result<(), XlsxError> {
    let cols = [
        Col("Mã cán bộ", 9.0),
        Col("Họ và tên", 22.0),
        Col("Chức vụ", 26.0),
        Col("Nhóm", 7.0),
        Col("Đơn vị", 7.0),
        Col("Định mức năm", 8.0),
        Col("Đã dự từ đầu năm", 8.0),
        Col("Cần đạt đến tháng này", 9.0),
        Col("Tiến độ", 14.0),
        Col("Tháng này: đã dự", 9.0),
        Col("Tháng này: vắng", 8.0),
        Col("Tháng này: chưa báo cáo", 9.0),
    ];
    let rows: Vec<Vec<V>> = in_roster_order(r, roster)
        .into_iter()
        .map(|c| {
            vec![
                t(&c.code),
                t(&c.name),
                ot(c.position.as_ref()),
                t(&c.group),
                ot(c.unit.as_ref()),
                n(c.quota),
                n(c.ytd),
                n(c.expected),
                t(c.status.label()),
                n(c.month_attended as u64),
                n(c.month_absent as u64),
                n(c.month_unreported as u64),
            ]
        })
        .collect();
    table(
        sheet,
        "Cán bộ",
        &format!("Tiến độ dự sinh hoạt của cán bộ — tháng {}", r.month.vi()),
        &cols,
        &rows,
        f,
    )?;
    colour(sheet, 8, rows.len(), &PROGRESS_COLOURS)
}

/// `Theo tháng`: the year at a glance, one row per cadre in the roster's order, each
/// month's counted attendances from January to M, then the year to date, the quota and
/// the progress, coloured as on `Cán bộ`.
fn months_sheet(
    sheet: &mut Worksheet,
    r: &Reconciliation,
    roster: &Roster,
    f: &Formats,
) -> Result<(), XlsxError> {
    const MONTHS: [&str; 12] = [
        "Tháng 1",
        "Tháng 2",
        "Tháng 3",
        "Tháng 4",
        "Tháng 5",
        "Tháng 6",
        "Tháng 7",
        "Tháng 8",
        "Tháng 9",
        "Tháng 10",
        "Tháng 11",
        "Tháng 12",
    ];
    let months = r.month.month as usize;
    let mut cols = vec![
        Col("Mã cán bộ", 11.0),
        Col("Họ và tên", 24.0),
        Col("Nhóm", 9.0),
    ];
    cols.extend(MONTHS[..months].iter().map(|m| Col(m, 8.0)));
    cols.extend([
        Col("Từ đầu năm", 9.0),
        Col("Định mức năm", 9.0),
        Col("Tiến độ", 18.0),
    ]);
    let rows: Vec<Vec<V>> = in_roster_order(r, roster)
        .into_iter()
        .map(|c| {
            let mut row = vec![t(&c.code), t(&c.name), t(&c.group)];
            row.extend(c.by_month.iter().map(|&x| n(x)));
            row.extend([n(c.ytd), n(c.quota), t(c.status.label())]);
            row
        })
        .collect();
    table(
        sheet,
        "Theo tháng",
        &format!(
            "Số buổi dự sinh hoạt của cán bộ theo tháng — năm {}, đến tháng {}",
            r.month.year, r.month.month
        ),
        &cols,
        &rows,
        f,
    )?;
    colour(sheet, cols.len() - 1, rows.len(), &PROGRESS_COLOURS)
}

fn units_sheet(
    sheet: &mut Worksheet,
    r: &Reconciliation,
    roster: &Roster,
    f: &Formats,
) -> Result<(), XlsxError> {
    let cols = [
        Col("Mã đơn vị", 7.0),
        Col("Tên đơn vị", 20.0),
        Col("Nộp báo cáo", 10.0),
        Col("Ngày nhận", 11.0),
        Col("Buổi theo kế hoạch", 9.0),
        Col("Đã dự", 7.0),
        Col("Vắng", 7.0),
        Col("Chưa báo cáo", 8.0),
        Col("Chi bộ đã đến (từ đầu năm)", 9.0),
        Col("Tổng số chi bộ", 8.0),
        Col("Chi bộ vùng khó khăn đã đến", 9.0),
        Col("Chi bộ vùng khó khăn", 9.0),
        Col("Chi bộ chưa có cán bộ đến", 24.0),
    ];
    let rows: Vec<Vec<V>> = r
        .units
        .iter()
        .map(|u| {
            vec![
                t(&u.code),
                t(&u.name),
                t(u.submission.label()),
                od(u.received),
                n(u.planned as u64),
                n(u.attended as u64),
                n(u.absent as u64),
                n(u.unreported as u64),
                n(u.cells_visited_ytd as u64),
                n(u.cells_total as u64),
                n(u.remote_cells_visited_ytd as u64),
                n(u.remote_cells_total as u64),
                t(u.never_visited
                    .iter()
                    .filter_map(|code| roster.cell(code))
                    .map(|c| roster.cell_label(c))
                    .collect::<Vec<_>>()
                    .join(", ")),
            ]
        })
        .collect();
    table(
        sheet,
        "Đơn vị",
        &format!("Báo cáo của các đơn vị — tháng {}", r.month.vi()),
        &cols,
        &rows,
        f,
    )?;
    colour(sheet, 2, rows.len(), &[("Muộn", YELLOW), ("Chưa nộp", RED)])
}

fn cells_sheet(
    sheet: &mut Worksheet,
    r: &Reconciliation,
    roster: &Roster,
    f: &Formats,
) -> Result<(), XlsxError> {
    let cols = [
        Col("Mã chi bộ", 13.0),
        Col("Tên chi bộ", 26.0),
        Col("Xã/phường", 24.0),
        Col("Đơn vị", 9.0),
        Col("Vùng khó khăn", 10.0),
        Col("Số buổi có cán bộ dự (từ đầu năm)", 14.0),
        Col("Lần dự gần nhất", 13.0),
    ];
    let rows: Vec<Vec<V>> = roster
        .cells
        .iter()
        .zip(&r.cells)
        .map(|(c, s)| {
            vec![
                t(&c.code),
                t(&c.name),
                ot(c.commune.as_ref()),
                t(&c.unit),
                t(if c.remote { "x" } else { "" }),
                n(s.visits_ytd as u64),
                od(s.last_visit),
            ]
        })
        .collect();
    table(
        sheet,
        "Chi bộ",
        &format!("Chi bộ có cán bộ dự sinh hoạt — đến tháng {}", r.month.vi()),
        &cols,
        &rows,
        f,
    )?;
    Ok(())
}

fn details_sheet(
    sheet: &mut Worksheet,
    r: &Reconciliation,
    roster: &Roster,
    f: &Formats,
) -> Result<(), XlsxError> {
    let cols = [
        Col("Đơn vị", 7.0),
        Col("Tệp", 18.0),
        Col("Trang", 9.0),
        Col("Dòng", 6.0),
        Col("Mã cán bộ", 9.0),
        Col("Họ và tên", 16.0),
        Col("Mã chi bộ", 10.0),
        Col("Chi bộ", 14.0),
        Col("Ngày sinh hoạt", 11.0),
        Col("Có dự", 6.0),
        Col("Lý do vắng", 11.0),
        Col("Tổng số đảng viên", 7.0),
        Col("Số đảng viên có mặt", 7.0),
        Col("Nội dung truyền đạt", 22.0),
        Col("Số ý kiến, kiến nghị", 7.0),
        Col("Số giải quyết tại chỗ", 8.0),
        Col("Xếp loại", 8.0),
        Col("Ghi chú", 16.0),
        Col("Trong địa bàn", 7.0),
    ];
    let rows: Vec<Vec<V>> = r
        .details
        .iter()
        .map(|d| {
            let row = &d.row;
            let cadre = row.cadre.map(|c| &roster[c]);
            let cell = row.cell.map(|c| &roster[c]);
            let reason = row.reason.as_ref().map(|x| match x {
                crate::model::AbsenceReason::Other(text) => text.clone(),
                other => other.label().to_owned(),
            });
            vec![
                t(&d.unit),
                t(file_name(&d.file)),
                t(&d.sheet),
                n(row.cells.first.row + 1),
                ot(cadre.map(|c| &c.code)),
                t(cadre.map_or(&row.cadre_text, |c| &c.name)),
                ot(cell.map(|c| &c.code)),
                t(cell.map_or(&row.cell_text, |c| &c.name)),
                V::D(row.date),
                t(ATTENDED.label_of(&row.attended)),
                ot(reason.as_ref()),
                on(row.members_total),
                on(row.members_present),
                ot(row.content.as_ref()),
                on(row.raised),
                on(row.resolved_on_spot),
                row.rating.map_or(V::E, |x| t(x.label())),
                ot(row.note.as_ref()),
                t(ATTENDED.label_of(&d.eligible)),
            ]
        })
        .collect();
    table(
        sheet,
        "Chi tiết",
        &format!(
            "Chi tiết các dòng báo cáo được nhận — tháng {}",
            r.month.vi()
        ),
        &cols,
        &rows,
        f,
    )?;
    Ok(())
}

fn register_sheet(
    sheet: &mut Worksheet,
    r: &Reconciliation,
    roster: &Roster,
    f: &Formats,
) -> Result<(), XlsxError> {
    let cols = [
        Col("Mã kiến nghị", 13.0),
        Col("Đơn vị", 7.0),
        Col("Chi bộ", 14.0),
        Col("Ngày nêu", 11.0),
        Col("Nội dung", 23.0),
        Col("Lĩnh vực", 10.0),
        Col("Cơ quan giải quyết", 12.0),
        Col("Tình trạng", 12.0),
        Col("Ngày giải quyết", 11.0),
        Col("Số ngày", 6.0),
        Col("Quá hạn", 7.0),
        Col("Cập nhật lần cuối", 13.0),
    ];
    let rows: Vec<Vec<V>> = r
        .register
        .iter()
        .map(|e| {
            let rec = &e.row;
            // No code column here: a cell sharing its name shows its commune.
            let cell = rec
                .cell
                .map(|c| roster.cell_label(&roster[c]))
                .or(rec.cell_text.clone());
            vec![
                t(&e.code),
                t(&e.unit),
                ot(cell.as_ref()),
                V::D(rec.raised_on),
                t(&rec.content),
                ot(rec.field.as_ref()),
                ot(rec.agency.as_ref()),
                t(rec.status.label()),
                od(rec.resolved_on),
                V::N(f64::from(i32::try_from(e.age_days).unwrap_or(i32::MAX))),
                t(if e.overdue { "Quá hạn" } else { "" }),
                t(file_name(&e.file)),
            ]
        })
        .collect();
    table(
        sheet,
        "Kiến nghị",
        &format!("Sổ theo dõi kiến nghị — đến tháng {}", r.month.vi()),
        &cols,
        &rows,
        f,
    )?;
    colour(sheet, 10, rows.len(), &[("Quá hạn", RED)])
}

fn issues_sheet(
    sheet: &mut Worksheet,
    r: &Reconciliation,
    _: &Roster,
    f: &Formats,
) -> Result<(), XlsxError> {
    let cols = [
        Col("Mức độ", 9.0),
        Col("Mã lỗi", 16.0),
        Col("Đơn vị", 7.0),
        Col("Tệp", 20.0),
        Col("Trang", 9.0),
        Col("Ô", 5.0),
        Col("Nội dung", 54.0),
        Col("Giá trị", 18.0),
    ];
    let rows: Vec<Vec<V>> = r
        .issues
        .iter()
        .map(|d| {
            vec![
                t(d.severity.label_vi()),
                t(d.code.as_str()),
                ot(d.unit.as_ref()),
                d.location.file.as_deref().map_or(V::E, |f| t(file_name(f))),
                ot(d.location.sheet.as_ref()),
                d.location.cell.map_or(V::E, |c| t(c.to_string())),
                t(&d.message),
                ot(d.value.as_ref()),
            ]
        })
        .collect();
    table(
        sheet,
        "Lỗi dữ liệu",
        &format!("Lỗi dữ liệu trong báo cáo tháng {}", r.month.vi()),
        &cols,
        &rows,
        f,
    )?;
    colour(sheet, 0, rows.len(), &[("Lỗi", RED), ("Cảnh báo", YELLOW)])
}

#[cfg(test)]
mod tests {
    use crate::model::YearMonth;
    use crate::workspace::Workspace;

    /// Every cell of a table has its format (the borders), blank ones and a row of blanks
    /// only included, though formats are set a run of cells at a time after the values.
    #[test]
    fn every_table_cell_has_its_format() {
        use super::{Col, Formats, V, t, table};
        let mut book = rust_xlsxwriter::Workbook::new();
        let f = Formats::new();
        let mut sheet = book.new_worksheet_with_constant_memory().unwrap();
        let rows = vec![
            vec![t("a"), V::E, V::N(1.0)],
            vec![V::E, V::E, t("")],
            vec![V::E, t("b"), V::E],
        ];
        let cols = [Col("A", 10.0), Col("B", 40.0), Col("C", 10.0)];
        table(&mut sheet, "T", "title", &cols, &rows, &f).unwrap();
        book.push_worksheet(sheet);
        let bytes = book.save_to_buffer().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut xml,
        )
        .unwrap();
        for row in 2..=4 {
            for column in ["A", "B", "C"] {
                let cell = format!("<c r=\"{column}{row}\" s=\"");
                assert!(xml.contains(&cell), "{column}{row} has no format:\n{xml}");
            }
        }
    }

    /// The data sheets are filled on threads; the file must not depend on how many there
    /// are or which finishes first.
    #[test]
    fn the_workbook_does_not_depend_on_the_threads() {
        let config = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/chibo.toml");
        let ws = Workspace::load(&config).unwrap();
        let july = YearMonth::new(2020, 7).unwrap();
        let (files, _) = crate::inbox::read_year(&ws, july, &|_, _, _| {}).unwrap();
        let r = crate::reconcile::reconcile(&ws.config, &ws.roster, july, &files);
        let render = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| super::to_xlsx(&r, &ws.roster, &ws.config).unwrap())
        };
        let one = render(1);
        for threads in [2, 4, 8, 8, 8] {
            assert!(render(threads) == one, "{threads} threads changed the file");
        }
    }
}

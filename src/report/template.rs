//! The unit template workbook (`chibo template`; SPEC §4, §8): each unit's workbook for
//! the month, prefilled with its planned meetings and its open recommendations, rendered
//! in memory.
//!
//! The template is what keeps units' data clean: canonical labels, dropdowns for the
//! closed vocabularies, whole-number and date validation with Vietnamese messages, and
//! the header and prefilled identity cells locked (no password) so that a unit fills in
//! results without breaking what chibo reads back.

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties, Format,
    FormatAlign, FormatBorder, ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use crate::ingest::Column;
use crate::model::{Unit, YearMonth};
use crate::reconcile::{self, Plan, RegisterEntry};
use crate::report::style::{self, col, excel_date};
use crate::roster::Roster;
use crate::submission::columns::{RECOMMENDATIONS, REPORT, RecCol, ReportCol};
use crate::vocabulary::{ATTENDED, RATINGS, REASONS, STATUSES};

/// The version written in `_chibo`, raised when the layout changes.
pub const TEMPLATE_VERSION: &str = "1";
/// Empty rows left below the planned meetings for unplanned ones.
pub const EXTRA_ROWS: u32 = 15;
/// Empty rows left for new recommendations.
pub const EXTRA_REC_ROWS: u32 = 10;
/// The row (0-based) of the report header.
pub const HEADER_ROW: u32 = 6;

/// The planned meetings of `unit` in `month`, by date then cadre.
fn planned<'a>(roster: &'a Roster, unit: &str, month: YearMonth) -> Vec<Plan<'a>> {
    let mut list: Vec<Plan> = reconcile::planned(roster, month)
        .into_iter()
        .filter(|p| p.cell.unit == unit)
        .collect();
    list.sort_by(|a, b| {
        (a.date, &a.cadre.code, &a.cell.code).cmp(&(b.date, &b.cadre.code, &b.cell.code))
    });
    list
}

/// The fill of cells a unit cannot change.
const LOCKED_FILL: &str = "#F2F2F2";

/// The formats of a template.
struct Formats {
    locked: Format,
    open: Format,
    open_date: Format,
    locked_date: Format,
    header: Format,
    bold: Format,
    plain: Format,
    italic: Format,
}

impl Formats {
    fn new() -> Formats {
        let base = style::base();
        let boxed = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter);
        Formats {
            locked: boxed.clone().set_background_color(LOCKED_FILL),
            locked_date: boxed
                .clone()
                .set_background_color(LOCKED_FILL)
                .set_num_format(style::DATE_FORMAT),
            open: boxed.clone().set_unlocked(),
            open_date: boxed
                .clone()
                .set_unlocked()
                .set_num_format(style::DATE_FORMAT),
            header: style::header(),
            bold: base.clone().set_bold().set_align(FormatAlign::Center),
            italic: base.clone().set_italic().set_align(FormatAlign::Center),
            plain: base,
        }
    }
}

/// Renders the template of `unit` for `month`, `open` its pending recommendations.
///
/// # Errors
/// `rust_xlsxwriter` fails to assemble the file.
pub fn render(
    roster: &Roster,
    config: &crate::config::Config,
    unit: &Unit,
    month: YearMonth,
    open: &[&RegisterEntry],
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "Báo cáo dự sinh hoạt chi bộ tháng {} — {}",
                month.vi(),
                unit.name
            ))
            .set_author(format!("Ban Tổ chức Tỉnh ủy {}", config.province))
            .set_creation_datetime(&excel_date(month.first_day())?),
    );
    let f = Formats::new();
    report_sheet(&mut book, roster, &config.province, unit, month, &f)?;
    recommendations_sheet(&mut book, roster, month, open, &f)?;
    guide_sheet(&mut book, month, config.deadline_day, &f)?;
    let meta = book.add_worksheet();
    meta.set_name("_chibo")?;
    for (r, (key, value)) in [
        ("unit", unit.code.as_str()),
        ("month", &month.to_string()),
        ("template_version", TEMPLATE_VERSION),
    ]
    .iter()
    .enumerate()
    {
        let r = u32::try_from(r).expect("three rows");
        meta.write_string(r, 0, *key)?;
        meta.write_string(r, 1, *value)?;
    }
    meta.set_hidden(true);
    book.save_to_buffer()
        .map(super::xlsx_bytes::as_made_on_unix)
}

fn report_sheet(
    book: &mut Workbook,
    roster: &Roster,
    province: &str,
    unit: &Unit,
    month: YearMonth,
    f: &Formats,
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name("Báo cáo")?;
    let last = col(REPORT.len() - 1);
    title_block(sheet, province, unit, month, last, f)?;

    for (c, column) in REPORT.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, col(c), column.canonical(), &f.header)?;
        sheet.set_column_width(col(c), width(column.key))?;
    }
    let widths: Vec<f64> = REPORT.iter().map(|c| width(c.key)).collect();
    let labels = REPORT.iter().map(Column::canonical);
    sheet.set_row_height(HEADER_ROW, header_height(labels, &widths))?;
    let index = |key: ReportCol| {
        col(REPORT
            .iter()
            .position(|c| c.key == key)
            .expect("known column"))
    };
    let plans = planned(roster, &unit.code, month);
    let first = HEADER_ROW + 1;
    let rows = u32::try_from(plans.len()).expect("few") + EXTRA_ROWS;
    for i in 0..rows {
        let r = first + i;
        for (c, column) in REPORT.iter().enumerate() {
            let format = if column.key == ReportCol::Date {
                &f.open_date
            } else {
                &f.open
            };
            sheet.write_blank(r, col(c), format)?;
        }
        sheet.write_number_with_format(r, 0, f64::from(i + 1), &f.locked)?;
    }
    for (i, p) in plans.iter().enumerate() {
        let r = first + u32::try_from(i).expect("few");
        let locked = |sheet: &mut Worksheet, key: ReportCol, text: &str| {
            sheet
                .write_string_with_format(r, index(key), text, &f.locked)
                .map(|_| ())
        };
        locked(sheet, ReportCol::Cadre, &p.cadre.name)?;
        locked(sheet, ReportCol::CadreCode, &p.cadre.code)?;
        locked(
            sheet,
            ReportCol::Position,
            p.cadre.position.as_deref().unwrap_or_default(),
        )?;
        locked(sheet, ReportCol::Cell, &p.cell.name)?;
        locked(sheet, ReportCol::CellCode, &p.cell.code)?;
        locked(
            sheet,
            ReportCol::Commune,
            p.cell.commune.as_deref().unwrap_or_default(),
        )?;
        sheet.set_row_height(r, plan_height(p))?;
        if let Some(d) = p.date {
            sheet.write_datetime_with_format(
                r,
                index(ReportCol::Date),
                excel_date(d)?,
                &f.open_date,
            )?;
        }
        if let Some(m) = p.cell.members {
            sheet.write_number_with_format(
                r,
                index(ReportCol::MembersTotal),
                f64::from(m),
                &f.open,
            )?;
        }
    }
    let last_row = first + rows - 1;
    validations(sheet, month, first, last_row, &index)?;

    let footer = last_row + 2;
    sheet.write_string_with_format(footer, 1, "Người lập biểu", &f.bold)?;
    sheet.merge_range(footer, 11, footer, last, "T/M BAN THƯỜNG VỤ", &f.bold)?;
    sheet.write_string_with_format(footer + 1, 1, "(Ký, ghi rõ họ tên)", &f.italic)?;
    sheet.merge_range(
        footer + 1,
        11,
        footer + 1,
        last,
        "(Ký tên, đóng dấu)",
        &f.italic,
    )?;
    sheet.set_freeze_panes(first, 2)?;
    print(
        sheet,
        &format!(
            "Báo cáo dự sinh hoạt chi bộ tháng {} — {}",
            month.vi(),
            unit.name
        ),
        &widths,
    );
    sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    protect(sheet);
    sheet.set_active(true);
    Ok(())
}

/// The Party header (Hướng dẫn 36-HD/VPTW): the provincial Party committee, the unit
/// under it and its star on the left, the Party's name and a date line to fill in on the
/// right; then the title with the month (which the reader finds again).
fn title_block(
    sheet: &mut Worksheet,
    province: &str,
    unit: &Unit,
    month: YearMonth,
    last: u16,
    f: &Formats,
) -> Result<(), XlsxError> {
    let centred = f
        .plain
        .clone()
        .set_align(rust_xlsxwriter::FormatAlign::Center);
    let province = format!("ĐẢNG BỘ TỈNH {}", province.to_uppercase());
    sheet.merge_range(0, 0, 0, 5, &province, &centred)?;
    sheet.merge_range(1, 0, 1, 5, &unit.name.to_uppercase(), &f.bold)?;
    sheet.merge_range(2, 0, 2, 5, "*", &f.bold)?;
    sheet.merge_range(0, 9, 0, last, "ĐẢNG CỘNG SẢN VIỆT NAM", &f.bold)?;
    sheet.merge_range(2, 9, 2, last, "……………, ngày …… tháng …… năm 20……", &f.italic)?;
    let title = "BÁO CÁO KẾT QUẢ DỰ SINH HOẠT CHI BỘ KHU DÂN CƯ CỦA TỈNH ỦY VIÊN";
    sheet.merge_range(3, 0, 3, last, title, &f.bold)?;
    sheet.merge_range(
        4,
        0,
        4,
        last,
        &format!("Tháng {} năm {}", month.month, month.year),
        &f.bold,
    )?;
    Ok(())
}

/// A column's width, narrow enough that the form prints one page wide at 70% or more.
fn width(key: ReportCol) -> f64 {
    match key {
        ReportCol::Stt => 4.5,
        ReportCol::Cadre | ReportCol::Position => 12.0,
        ReportCol::Cell | ReportCol::Date => 11.0,
        ReportCol::Content => 10.0,
        ReportCol::AbsenceReason => 9.0,
        ReportCol::Commune | ReportCol::CellCode => 8.5,
        ReportCol::CadreCode | ReportCol::Rating => 8.0,
        ReportCol::Note => 7.0,
        ReportCol::Attended => 6.0,
        _ => 6.5,
    }
}

fn list(
    items: &[&str],
    title: &str,
    message: &str,
    style: DataValidationErrorStyle,
) -> Result<DataValidation, XlsxError> {
    let allowed = items.join(", ");
    Ok(DataValidation::new()
        .allow_list_strings(items)?
        .set_input_title(title)?
        .set_input_message(message)?
        .set_error_title(title)?
        .set_error_message(format!("Chỉ ghi một trong: {allowed}."))?
        .set_error_style(style))
}

fn whole(title: &str) -> Result<DataValidation, XlsxError> {
    DataValidation::new()
        .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
        .set_input_title(title)?
        .set_input_message("Ghi số nguyên, không âm.")?
        .set_error_title(title)?
        .set_error_message("Chỉ ghi số nguyên từ 0 trở lên.")
}

fn validations(
    sheet: &mut Worksheet,
    month: YearMonth,
    first: u32,
    last: u32,
    index: &dyn Fn(ReportCol) -> u16,
) -> Result<(), XlsxError> {
    let mut add = |key: ReportCol, dv: &DataValidation| {
        let c = index(key);
        sheet.add_data_validation(first, c, last, c, dv).map(|_| ())
    };
    add(
        ReportCol::Attended,
        &list(
            &ATTENDED.labels(),
            "Có dự",
            &format!("Chọn {}.", ATTENDED.or_list()),
            DataValidationErrorStyle::Stop,
        )?,
    )?;
    add(
        ReportCol::AbsenceReason,
        &list(
            &REASONS.labels(),
            "Lý do vắng",
            "Chọn lý do, hoặc ghi lý do khác.",
            DataValidationErrorStyle::Information,
        )?,
    )?;
    add(
        ReportCol::Rating,
        &list(
            &RATINGS.labels(),
            "Xếp loại",
            "Chọn mức xếp loại buổi sinh hoạt.",
            DataValidationErrorStyle::Stop,
        )?,
    )?;
    for key in [
        ReportCol::MembersTotal,
        ReportCol::MembersPresent,
        ReportCol::Raised,
        ReportCol::ResolvedOnSpot,
    ] {
        add(key, &whole("Số")?)?;
    }
    let start = YearMonth::new(month.year, 1).expect("January").first_day();
    let date = DataValidation::new()
        .allow_date(DataValidationRule::Between(
            excel_date(start)?,
            excel_date(month.last_day())?,
        ))
        .set_input_title("Ngày sinh hoạt")?
        .set_input_message(format!(
            "Ghi ngày/tháng/năm, từ 01/01/{} đến {}.",
            month.year,
            month.last_day().format("%d/%m/%Y")
        ))?
        .set_error_title("Ngày sinh hoạt")?
        .set_error_message(format!(
            "Ngày phải trong năm {} và không sau tháng báo cáo {}; ghi ngày trước, tháng sau.",
            month.year,
            month.vi()
        ))?;
    add(ReportCol::Date, &date)
}

/// The template's print setup: narrower margins and a smaller page title than the
/// consolidated workbook's, for a form that is signed and stamped; `widths` are the
/// columns'.
fn print(sheet: &mut Worksheet, title: &str, widths: &[f64]) {
    style::print_a4_landscape(sheet, title, 0.3, 11, widths);
}

/// The height of a planned meeting's row: its prefilled cells wrap.
fn plan_height(p: &Plan) -> f64 {
    let cells = [
        (p.cadre.name.as_str(), ReportCol::Cadre),
        (&p.cadre.code, ReportCol::CadreCode),
        (
            p.cadre.position.as_deref().unwrap_or_default(),
            ReportCol::Position,
        ),
        (&p.cell.name, ReportCol::Cell),
        (&p.cell.code, ReportCol::CellCode),
        (
            p.cell.commune.as_deref().unwrap_or_default(),
            ReportCol::Commune,
        ),
    ];
    style::fitted_height(
        cells.map(|(text, key)| (text, width(key))),
        style::FONT_SIZE,
    )
}

/// A column's width in the recommendations sheet.
fn rec_width(key: RecCol) -> f64 {
    match key {
        RecCol::Content => 28.0,
        RecCol::Note => 22.0,
        RecCol::Cell | RecCol::Agency | RecCol::Status => 14.0,
        RecCol::Code => 12.0,
        RecCol::Stt => 4.5,
        _ => 11.0,
    }
}

/// The height of an open recommendation's row, `cell` the name of its cell.
fn register_height(e: &RegisterEntry, cell: Option<&str>) -> f64 {
    let rec = &e.row;
    let cells = [
        (e.code.as_str(), RecCol::Code),
        (cell.unwrap_or_default(), RecCol::Cell),
        (&rec.content, RecCol::Content),
        (rec.field.as_deref().unwrap_or_default(), RecCol::Field),
        (rec.agency.as_deref().unwrap_or_default(), RecCol::Agency),
        (rec.status.label(), RecCol::Status),
    ];
    style::fitted_height(
        cells.map(|(text, key)| (text, rec_width(key))),
        style::FONT_SIZE,
    )
}

/// The height of a header row of `labels` in bold over columns of `widths`.
fn header_height<'a>(labels: impl Iterator<Item = &'a str>, widths: &[f64]) -> f64 {
    let cells = labels
        .zip(widths)
        .map(|(label, width)| (label, width * style::BOLD_WIDTH));
    style::fitted_height(cells, style::FONT_SIZE)
}

/// Locks the sheet without a password: cells not formatted as unlocked cannot be
/// changed, rows can be added and columns widened.
fn protect(sheet: &mut Worksheet) {
    let options = ProtectionOptions {
        format_columns: true,
        format_rows: true,
        insert_rows: true,
        delete_rows: true,
        ..ProtectionOptions::default()
    };
    sheet.protect_with_options(&options);
}

fn recommendations_sheet(
    book: &mut Workbook,
    roster: &Roster,
    month: YearMonth,
    open: &[&RegisterEntry],
    f: &Formats,
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name("Kiến nghị")?;
    let columns: Vec<&Column<RecCol>> = RECOMMENDATIONS
        .iter()
        .filter(|c| c.key != RecCol::CellCode)
        .collect();
    let index = |key: RecCol| {
        col(columns
            .iter()
            .position(|c| c.key == key)
            .expect("known column"))
    };
    let widths: Vec<f64> = columns.iter().map(|c| rec_width(c.key)).collect();
    for (c, column) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, col(c), column.canonical(), &f.header)?;
        sheet.set_column_width(col(c), widths[c])?;
    }
    sheet.set_row_height(
        0,
        header_height(columns.iter().map(|c| c.canonical()), &widths),
    )?;
    let rows = u32::try_from(open.len()).expect("few") + EXTRA_REC_ROWS;
    for i in 0..rows {
        let r = 1 + i;
        for (c, column) in columns.iter().enumerate() {
            let format = if matches!(column.key, RecCol::RaisedOn | RecCol::ResolvedOn) {
                &f.open_date
            } else {
                &f.open
            };
            sheet.write_blank(r, col(c), format)?;
        }
        sheet.write_number_with_format(r, 0, f64::from(i + 1), &f.locked)?;
    }
    for (i, e) in open.iter().enumerate() {
        let r = 1 + u32::try_from(i).expect("few");
        let rec = &e.row;
        let cell = rec
            .cell
            .map(|c| roster[c].name.clone())
            .or(rec.cell_text.clone());
        sheet.write_string_with_format(r, index(RecCol::Code), &e.code, &f.locked)?;
        sheet.write_string_with_format(
            r,
            index(RecCol::Cell),
            cell.as_deref().unwrap_or_default(),
            &f.locked,
        )?;
        sheet.write_datetime_with_format(
            r,
            index(RecCol::RaisedOn),
            excel_date(rec.raised_on)?,
            &f.locked_date,
        )?;
        sheet.write_string_with_format(r, index(RecCol::Content), &rec.content, &f.locked)?;
        sheet.write_string_with_format(
            r,
            index(RecCol::Field),
            rec.field.as_deref().unwrap_or_default(),
            &f.open,
        )?;
        sheet.write_string_with_format(
            r,
            index(RecCol::Agency),
            rec.agency.as_deref().unwrap_or_default(),
            &f.open,
        )?;
        sheet.write_string_with_format(r, index(RecCol::Status), rec.status.label(), &f.open)?;
        sheet.set_row_height(r, register_height(e, cell.as_deref()))?;
    }
    let last = rows;
    let status = list(
        &STATUSES.labels(),
        "Tình trạng",
        "Chọn tình trạng giải quyết kiến nghị.",
        DataValidationErrorStyle::Stop,
    )?;
    let status_col = index(RecCol::Status);
    sheet.add_data_validation(1, status_col, last, status_col, &status)?;
    let dates = DataValidation::new()
        .allow_date(DataValidationRule::LessThanOrEqualTo(excel_date(
            month.last_day(),
        )?))
        .set_input_message("Ghi ngày/tháng/năm.")?
        .set_error_message("Ngày không hợp lệ hoặc sau tháng báo cáo.")?;
    for key in [RecCol::RaisedOn, RecCol::ResolvedOn] {
        sheet.add_data_validation(1, index(key), last, index(key), &dates)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    print(sheet, &format!("Kiến nghị tháng {}", month.vi()), &widths);
    sheet.set_repeat_rows(0, 0)?;
    protect(sheet);
    Ok(())
}

fn guide_sheet(
    book: &mut Workbook,
    month: YearMonth,
    deadline_day: u8,
    f: &Formats,
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name("Hướng dẫn")?;
    let width = 100.0;
    sheet.set_column_width(0, width)?;
    let due = crate::reconcile::deadline(month, deadline_day);
    let lines: Vec<(bool, String)> = vec![
        (true, format!("HƯỚNG DẪN ĐIỀN BÁO CÁO THÁNG {}", month.vi())),
        (false, String::new()),
        (true, "1. Trang «Báo cáo»".into()),
        (false, "• Mỗi dòng là một buổi sinh hoạt chi bộ có Tỉnh ủy viên được phân công dự. Các dòng đã ghi sẵn là buổi theo kế hoạch tháng này; ô nền xám không sửa được.".into()),
        (false, format!("• Điền «Có dự»: {}. Nếu {}, điền «Lý do vắng»: {}, hoặc ghi lý do khác.", ATTENDED.or_list(), ATTENDED.label_of(&false), REASONS.labels().join(", "))),
        (false, "• «Ngày sinh hoạt» ghi ngày/tháng/năm (ví dụ 05/07/2020), ngày trước, tháng sau. Nếu buổi sinh hoạt đổi ngày, sửa lại ngày.".into()),
        (false, "• «Tổng số đảng viên», «Số đảng viên có mặt», «Số ý kiến, kiến nghị», «Số giải quyết tại chỗ» ghi số nguyên; số có mặt không lớn hơn tổng số, số giải quyết tại chỗ không lớn hơn số kiến nghị.".into()),
        (false, format!("• «Xếp loại buổi sinh hoạt»: {}.", RATINGS.or_list())),
        (false, "• Buổi sinh hoạt ngoài kế hoạch: ghi vào các dòng trống bên dưới, đủ Họ và tên, Chi bộ, Xã/phường, Ngày sinh hoạt, Có dự.".into()),
        (false, "• Dòng kế hoạch để trống kết quả sẽ được tính là «chưa báo cáo».".into()),
        (false, String::new()),
        (true, "2. Trang «Kiến nghị»".into()),
        (false, format!("• Các kiến nghị chưa giải quyết đã ghi sẵn kèm mã: chỉ cập nhật «Tình trạng» ({}) và «Ngày giải quyết».", STATUSES.labels().join(", "))),
        (false, "• Kiến nghị mới: ghi vào dòng trống, để trống «Mã kiến nghị»; Ban Tổ chức sẽ cấp mã.".into()),
        (false, String::new()),
        (true, "3. Gửi báo cáo".into()),
        (false, format!("• Lưu tệp (giữ nguyên tên trang và dòng tiêu đề) và gửi về Ban Tổ chức Tỉnh ủy trước hết ngày {}.", due.format("%d/%m/%Y"))),
        (false, "• Có thể tự kiểm tra trước khi gửi bằng lệnh: chibo check <tên tệp>.".into()),
        (false, "• Không dùng phông chữ cũ (.VnTime, VNI-Times); hãy gõ bằng Unicode.".into()),
    ];
    for (r, (strong, text)) in lines.iter().enumerate() {
        let r = u32::try_from(r).expect("few lines");
        let format = if *strong {
            f.plain.clone().set_bold()
        } else {
            f.plain.clone().set_text_wrap()
        };
        sheet.write_string_with_format(r, 0, text, &format)?;
        // Two instructions must not print over each other.
        let bold = if *strong { style::BOLD_WIDTH } else { 1.0 };
        sheet.set_row_height(
            r,
            style::fitted_height([(text.as_str(), width * bold)], style::FONT_SIZE),
        )?;
    }
    print(sheet, "Hướng dẫn", &[width]);
    Ok(())
}

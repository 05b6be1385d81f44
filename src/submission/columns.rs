//! The submission's tables (SPEC §4): the `Báo cáo` report and the `Kiến nghị`
//! recommendations, with every label alias units use.

use crate::ingest::Column;

/// Names of the report sheet.
pub const REPORT_SHEET: &[&str] = &["Báo cáo"];
/// Names of the recommendations sheet.
pub const REC_SHEET: &[&str] = &["Kiến nghị"];
/// Name of the hidden identification sheet.
pub const META_SHEET: &[&str] = &["_chibo"];

/// The report table's columns, in the order the template writes them. `cadre` and `cell`
/// are required unless their code column stands in (checked by the reader).
pub const REPORT: &[Column] = &[
    Column::optional("stt", &["STT", "TT", "Số TT"]),
    Column::optional("cadre", &["Họ và tên", "Họ tên", "Đồng chí", "Cán bộ dự"]),
    Column::optional("cadre_code", &["Mã cán bộ"]),
    Column::optional("position", &["Chức vụ"]),
    Column::optional("cell", &["Chi bộ", "Tên chi bộ", "Chi bộ khu dân cư"]),
    Column::optional("cell_code", &["Mã chi bộ"]),
    Column::optional(
        "commune",
        &["Xã/phường", "Xã", "Phường", "Xã, phường, thị trấn"],
    ),
    Column::required("date", &["Ngày sinh hoạt", "Ngày dự", "Ngày"]),
    Column::required("attended", &["Có dự", "Dự", "Tham dự"]),
    Column::optional("absence_reason", &["Lý do vắng"]),
    Column::optional("members_total", &["Tổng số đảng viên", "Số đảng viên"]),
    Column::optional("members_present", &["Số đảng viên có mặt", "Có mặt"]),
    Column::optional("content", &["Nội dung truyền đạt"]),
    Column::optional("raised", &["Số ý kiến, kiến nghị", "Số kiến nghị"]),
    Column::optional("resolved_on_spot", &["Số giải quyết tại chỗ"]),
    Column::optional(
        "rating",
        &["Xếp loại buổi sinh hoạt", "Xếp loại", "Đánh giá chất lượng"],
    ),
    Column::optional("note", &["Ghi chú"]),
];

/// The result columns: a row with all of them blank is an untouched planned row.
pub const RESULT_KEYS: &[&str] = &[
    "attended",
    "absence_reason",
    "members_present",
    "content",
    "raised",
    "resolved_on_spot",
    "rating",
    "note",
];

/// The recommendations table's columns.
pub const RECOMMENDATIONS: &[Column] = &[
    Column::optional("stt", &["STT", "TT", "Số TT"]),
    Column::optional("code", &["Mã kiến nghị"]),
    Column::optional("cell", &["Chi bộ", "Tên chi bộ"]),
    Column::optional("cell_code", &["Mã chi bộ"]),
    Column::required("raised_on", &["Ngày nêu"]),
    Column::required("content", &["Nội dung", "Nội dung kiến nghị"]),
    Column::optional("field", &["Lĩnh vực"]),
    Column::optional("agency", &["Cơ quan giải quyết"]),
    Column::required("status", &["Tình trạng"]),
    Column::optional("resolved_on", &["Ngày giải quyết"]),
    Column::optional("note", &["Ghi chú"]),
];

/// How a footer line opens (`Người lập`, `T/M`, `Nơi nhận`, `Xác nhận`), as folded keys:
/// nothing from that row down is data.
const FOOTER_WORDS: &[&str] = &["nguoi lap", "t/m", "noi nhan", "xac nhan"];
/// A totals row's label (`Cộng`, `Tổng cộng`, `Tổng`), as folded keys: the row is skipped
/// and reading goes on.
const TOTAL_WORDS: &[&str] = &["cong", "tong cong", "tong"];

/// What a row's first non-empty cell says about the row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// Data, or at least not a footer or totals row.
    Data,
    /// A totals row: skip it.
    Total,
    /// A footer line: stop reading.
    Footer,
}

/// Classifies a row by its first non-empty cell.
pub fn row_kind(first_cell: &calamine::Data) -> RowKind {
    // Footers and totals are words; a number (the usual `STT`) starts a data row.
    if !matches!(first_cell, calamine::Data::String(_)) {
        return RowKind::Data;
    }
    let key = crate::text::MatchKey::new(&crate::ingest::value::display(first_cell)).folded();
    if FOOTER_WORDS.iter().any(|w| key.as_str().starts_with(w)) {
        RowKind::Footer
    } else if TOTAL_WORDS.contains(&key.as_str()) {
        RowKind::Total
    } else {
        RowKind::Data
    }
}

#[cfg(test)]
mod tests {
    use calamine::Data;

    use super::{RowKind, row_kind};

    #[test]
    fn footers_and_totals() {
        let cases = [
            ("Người lập biểu", RowKind::Footer),
            ("NGƯỜI LẬP", RowKind::Footer),
            ("T/M HUYỆN ỦY", RowKind::Footer),
            ("Nơi nhận:", RowKind::Footer),
            ("Xác nhận của đơn vị", RowKind::Footer),
            ("Cộng", RowKind::Total),
            ("TỔNG CỘNG", RowKind::Total),
            ("Tổng", RowKind::Total),
            ("Tổng số đảng viên", RowKind::Data),
            ("Cộng đồng", RowKind::Data),
            ("1", RowKind::Data),
        ];
        for (text, want) in cases {
            assert_eq!(row_kind(&Data::String(text.into())), want, "{text}");
        }
    }
}

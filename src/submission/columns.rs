//! The submission's tables (SPEC §4): the `Báo cáo` report and the `Kiến nghị`
//! recommendations, with every label alias units use and the codes their problems are
//! reported with.

use crate::diagnostic::Code;
use crate::ingest::{Column, ColumnKey, TableCodes, column_keys};

/// Names of the report sheet.
pub const REPORT_SHEET: &[&str] = &["Báo cáo"];
/// Names of the recommendations sheet.
pub const REC_SHEET: &[&str] = &["Kiến nghị"];
/// Name of the hidden identification sheet.
pub const META_SHEET: &[&str] = &["_chibo"];

column_keys! {
    /// A column of the report table, in the order the template writes them. `Cadre` and
    /// `Cell` are required unless their code column stands in.
    pub enum ReportCol {
        /// `STT`: the row number; known and ignored.
        Stt: optional["STT", "TT", "Số TT"],
        /// The cadre's name.
        Cadre: required_or(CadreCode)["Họ và tên", "Họ tên", "Đồng chí", "Cán bộ dự"],
        /// The cadre's roster code.
        CadreCode: optional["Mã cán bộ"],
        /// The cadre's position.
        Position: optional["Chức vụ"],
        /// The cell's name.
        Cell: required_or(CellCode)["Chi bộ", "Tên chi bộ", "Chi bộ khu dân cư"],
        /// The cell's roster code.
        CellCode: optional["Mã chi bộ"],
        /// The cell's commune.
        Commune: optional["Xã/phường", "Xã", "Phường", "Xã, phường, thị trấn"],
        /// The meeting date.
        Date: required["Ngày sinh hoạt", "Ngày dự", "Ngày"],
        /// Whether the cadre attended.
        Attended: required["Có dự", "Dự", "Tham dự"],
        /// Why not.
        AbsenceReason: optional["Lý do vắng"],
        /// Party members of the cell.
        MembersTotal: optional["Tổng số đảng viên", "Số đảng viên"],
        /// Party members present.
        MembersPresent: optional["Số đảng viên có mặt", "Có mặt"],
        /// What was conveyed.
        Content: optional["Nội dung truyền đạt"],
        /// Opinions and recommendations raised.
        Raised: optional["Số ý kiến, kiến nghị", "Số kiến nghị"],
        /// Of those, resolved on the spot.
        ResolvedOnSpot: optional["Số giải quyết tại chỗ"],
        /// The meeting's rating.
        Rating: optional["Xếp loại buổi sinh hoạt", "Xếp loại", "Đánh giá chất lượng"],
        /// Remarks.
        Note: optional["Ghi chú"],
    }
}

/// The report table's columns, in the order the template writes them.
pub const REPORT: &[Column<ReportCol>] = ReportCol::COLUMNS;

/// How the report table's problems are reported.
pub const REPORT_CODES: TableCodes = TableCodes {
    unknown: Code::ReportUnknownColumn,
    duplicate: Code::ReportDuplicateColumn,
    missing: Code::ReportMissingColumn,
    bad_value: Code::RowBadValue,
    form: "mẫu báo cáo",
    consequence: "; không đọc được các dòng của trang này",
};

/// The result columns: a row with all of them blank is an untouched planned row.
pub const RESULT_KEYS: &[ReportCol] = &[
    ReportCol::Attended,
    ReportCol::AbsenceReason,
    ReportCol::MembersPresent,
    ReportCol::Content,
    ReportCol::Raised,
    ReportCol::ResolvedOnSpot,
    ReportCol::Rating,
    ReportCol::Note,
];

column_keys! {
    /// A column of the recommendations table.
    pub enum RecCol {
        /// `STT`: the row number; known and ignored.
        Stt: optional["STT", "TT", "Số TT"],
        /// The recommendation's code; blank for a new one.
        Code: optional["Mã kiến nghị"],
        /// The cell's name.
        Cell: optional["Chi bộ", "Tên chi bộ"],
        /// The cell's roster code.
        CellCode: optional["Mã chi bộ"],
        /// The date raised.
        RaisedOn: required["Ngày nêu"],
        /// What was recommended.
        Content: required["Nội dung", "Nội dung kiến nghị"],
        /// Field (lĩnh vực).
        Field: optional["Lĩnh vực"],
        /// Body responsible for resolving it.
        Agency: optional["Cơ quan giải quyết"],
        /// Where it stands.
        Status: required["Tình trạng"],
        /// When resolved.
        ResolvedOn: optional["Ngày giải quyết"],
        /// Remarks.
        Note: optional["Ghi chú"],
    }
}

/// The recommendations table's columns.
pub const RECOMMENDATIONS: &[Column<RecCol>] = RecCol::COLUMNS;

/// How the recommendations table's problems are reported: a missing column or a bad
/// cell is a `rec-bad-row`, as any recommendation that cannot be used.
pub const REC_CODES: TableCodes = TableCodes {
    unknown: Code::RecUnknownColumn,
    duplicate: Code::RecDuplicateColumn,
    missing: Code::RecBadRow,
    bad_value: Code::RecBadRow,
    form: "mẫu kiến nghị",
    consequence: "; không đọc được kiến nghị",
};

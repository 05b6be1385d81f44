//! The roster's sheets and columns (SPEC §3), shared by the reader and the writer.

use crate::ingest::Column;

/// A roster sheet: the names it may have and its columns.
#[derive(Clone, Copy, Debug)]
pub struct SheetSpec {
    /// Sheet names, the first canonical.
    pub names: &'static [&'static str],
    /// Its columns, in the order chibo writes them.
    pub columns: &'static [Column],
}

impl SheetSpec {
    /// The sheet name chibo writes.
    pub fn canonical(&self) -> &'static str {
        self.names[0]
    }

    /// The column of `key`.
    pub fn column(&self, key: &str) -> &Column {
        self.columns
            .iter()
            .find(|c| c.key == key)
            .expect("known column key")
    }
}

/// `Đơn vị`: the submitting units.
pub const UNITS: SheetSpec = SheetSpec {
    names: &["Đơn vị", "Don vi", "Đơn vị báo cáo"],
    columns: &[
        Column::required("code", &["Mã đơn vị", "Mã ĐV"]),
        Column::required("name", &["Tên đơn vị", "Đơn vị"]),
        Column::optional(
            "email",
            &["Email", "E-mail", "Thư điện tử", "Địa chỉ email"],
        ),
    ],
};

/// `Chi bộ`: the residential party cells.
pub const CELLS: SheetSpec = SheetSpec {
    names: &["Chi bộ", "Chi bo", "Chi bộ khu dân cư"],
    columns: &[
        Column::required("code", &["Mã chi bộ"]),
        Column::required("name", &["Tên chi bộ", "Chi bộ"]),
        Column::optional(
            "commune",
            &["Xã/phường", "Xã", "Phường", "Xã, phường, thị trấn"],
        ),
        Column::required("unit", &["Mã đơn vị", "Mã ĐV"]),
        Column::optional("members", &["Số đảng viên", "Tổng số đảng viên"]),
        Column::optional(
            "remote",
            &[
                "Vùng khó khăn",
                "Vùng sâu, vùng xa",
                "Vùng đặc biệt khó khăn",
            ],
        ),
        Column::optional("day", &["Ngày sinh hoạt", "Ngày sinh hoạt định kỳ"]),
        Column::optional("aliases", &["Tên khác"]),
    ],
};

/// `Cán bộ`: the committee members who attend.
pub const CADRES: SheetSpec = SheetSpec {
    names: &["Cán bộ", "Can bo", "Cán bộ dự sinh hoạt"],
    columns: &[
        Column::required("code", &["Mã cán bộ", "Mã CB"]),
        Column::required("name", &["Họ và tên", "Họ tên"]),
        Column::optional("position", &["Chức vụ"]),
        Column::required("group", &["Nhóm", "Mã nhóm"]),
        Column::optional("unit", &["Mã đơn vị", "Mã ĐV"]),
        Column::optional("email", &["Email", "E-mail", "Thư điện tử"]),
        Column::optional("quota", &["Định mức năm", "Định mức"]),
    ],
};

/// `Phân công`: which cadre attends which cell, in which months.
pub const ASSIGNMENTS: SheetSpec = SheetSpec {
    names: &["Phân công", "Phan cong"],
    columns: &[
        Column::required("cadre", &["Mã cán bộ", "Mã CB"]),
        Column::required("cell", &["Mã chi bộ"]),
        Column::optional("months", &["Tháng", "Tháng dự kiến"]),
        // Names the office adds for its own reading; known, so not reported, and ignored.
        Column::optional("cadre_name", &["Họ và tên", "Họ tên"]),
        Column::optional("cell_name", &["Tên chi bộ", "Chi bộ"]),
    ],
};

/// The four sheets in workbook order.
pub const ALL: [SheetSpec; 4] = [UNITS, CELLS, CADRES, ASSIGNMENTS];

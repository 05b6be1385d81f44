//! The roster's sheets and columns (SPEC §3), shared by the reader and the writer, and
//! the codes their problems are reported with.

use crate::diagnostic::Code;
use crate::ingest::{Column, ColumnKey, TableCodes, column_keys};

/// A roster sheet: the names it may have and its columns.
#[derive(Clone, Copy, Debug)]
pub struct SheetSpec<K: 'static> {
    /// Sheet names, the first canonical.
    pub names: &'static [&'static str],
    /// Its columns, in the order chibo writes them.
    pub columns: &'static [Column<K>],
}

impl<K> SheetSpec<K> {
    /// The sheet name chibo writes.
    pub fn canonical(&self) -> &'static str {
        self.names[0]
    }
}

/// How the roster's problems are reported.
pub const ROSTER_CODES: TableCodes = TableCodes {
    unknown: Code::RosterUnknownColumn,
    duplicate: Code::RosterDuplicateColumn,
    missing: Code::RosterMissingColumn,
    bad_value: Code::RosterBadValue,
    form: "mẫu danh sách",
    consequence: "",
};

column_keys! {
    /// A column of the `Đơn vị` sheet.
    pub enum UnitCol {
        /// The unit's code.
        Code: required["Mã đơn vị", "Mã ĐV"],
        /// Its name.
        Name: required["Tên đơn vị", "Đơn vị"],
        /// Its addresses.
        Email: optional["Email", "E-mail", "Thư điện tử", "Địa chỉ email"],
    }
}

/// `Đơn vị`: the submitting units.
pub const UNITS: SheetSpec<UnitCol> = SheetSpec {
    names: &["Đơn vị", "Don vi", "Đơn vị báo cáo"],
    columns: UnitCol::COLUMNS,
};

column_keys! {
    /// A column of the `Chi bộ` sheet.
    pub enum CellCol {
        /// The cell's code.
        Code: required["Mã chi bộ"],
        /// Its name.
        Name: required["Tên chi bộ", "Chi bộ"],
        /// Its commune.
        Commune: optional["Xã/phường", "Xã", "Phường", "Xã, phường, thị trấn"],
        /// Its unit's code.
        Unit: required["Mã đơn vị", "Mã ĐV"],
        /// Its party members.
        Members: optional["Số đảng viên", "Tổng số đảng viên"],
        /// Whether it is in a remote area.
        Remote: optional["Vùng khó khăn", "Vùng sâu, vùng xa", "Vùng đặc biệt khó khăn"],
        /// Its regular meeting day.
        Day: optional["Ngày sinh hoạt", "Ngày sinh hoạt định kỳ"],
        /// Other names it goes by.
        Aliases: optional["Tên khác"],
    }
}

/// `Chi bộ`: the residential party cells.
pub const CELLS: SheetSpec<CellCol> = SheetSpec {
    names: &["Chi bộ", "Chi bo", "Chi bộ khu dân cư"],
    columns: CellCol::COLUMNS,
};

column_keys! {
    /// A column of the `Cán bộ` sheet.
    pub enum CadreCol {
        /// The cadre's code.
        Code: required["Mã cán bộ", "Mã CB"],
        /// Their name.
        Name: required["Họ và tên", "Họ tên"],
        /// Their position.
        Position: optional["Chức vụ"],
        /// Their group's code.
        Group: required["Nhóm", "Mã nhóm"],
        /// The unit they are assigned to or head.
        Unit: optional["Mã đơn vị", "Mã ĐV"],
        /// Their address.
        Email: optional["Email", "E-mail", "Thư điện tử"],
        /// Their annual minimum.
        Quota: optional["Định mức năm", "Định mức"],
    }
}

/// `Cán bộ`: the committee members who attend.
pub const CADRES: SheetSpec<CadreCol> = SheetSpec {
    names: &["Cán bộ", "Can bo", "Cán bộ dự sinh hoạt"],
    columns: CadreCol::COLUMNS,
};

column_keys! {
    /// A column of the `Phân công` sheet.
    pub enum AssignmentCol {
        /// The cadre's code.
        Cadre: required["Mã cán bộ", "Mã CB"],
        /// The cell's code.
        Cell: required["Mã chi bộ"],
        /// The planned months.
        Months: optional["Tháng", "Tháng dự kiến"],
        /// The cadre's name, which the office adds for its own reading: known, so not
        /// reported, and ignored.
        CadreName: optional["Họ và tên", "Họ tên"],
        /// The cell's name, likewise.
        CellName: optional["Tên chi bộ", "Chi bộ"],
    }
}

/// `Phân công`: which cadre attends which cell, in which months.
pub const ASSIGNMENTS: SheetSpec<AssignmentCol> = SheetSpec {
    names: &["Phân công", "Phan cong"],
    columns: AssignmentCol::COLUMNS,
};

/// The names of the four sheets, in workbook order.
pub const SHEET_NAMES: [&[&str]; 4] = [UNITS.names, CELLS.names, CADRES.names, ASSIGNMENTS.names];

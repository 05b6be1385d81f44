//! Reading workbooks: the I/O edge that opens any spreadsheet format ([`workbook`]), and
//! the pure machinery over its cells that the roster and the submissions share: a grid
//! with absolute positions ([`grid`]), tolerant header detection with typed column keys
//! ([`header`]), the one table reader ([`table`]) and value readers ([`value`]).

pub mod date;
pub mod grid;
pub mod header;
pub mod marks;
mod ods_layout;
pub mod table;
pub mod value;
pub mod workbook;
mod xls_key;

pub use grid::Grid;
pub(crate) use header::column_keys;
pub use header::{Column, ColumnKey, Header, Labels, Need, find_header, find_header_with};
pub use table::{Row, Table, TableCodes};
pub use workbook::{OpenError, Workbook};

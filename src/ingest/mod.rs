//! Reading workbooks: the I/O edge that opens any spreadsheet format ([`workbook`]), and
//! the pure machinery over its cells that the roster and the submissions share: a grid
//! with absolute positions ([`grid`]), tolerant header detection ([`header`]) and value
//! readers ([`value`]).

pub mod date;
pub mod grid;
pub mod header;
pub mod marks;
pub mod value;
pub mod workbook;

pub use grid::Grid;
pub use header::{Column, Header, Labels, find_header, find_header_with};
pub use workbook::{OpenError, Workbook};

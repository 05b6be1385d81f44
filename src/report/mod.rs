//! The renderers: each turns the reconciliation (or the roster, for the unit template)
//! into what people read, in memory, without touching the file system.
//!
//! `summary.rs` the JSON summary, `workbook.rs` the consolidated workbook, `template.rs`
//! the unit template, `roster.rs` the roster workbook, `email.rs` the emails' text, `terminal.rs` what the commands print;
//! `style.rs` the look the workbooks share; `document.rs` the Party's document format
//! (date line, number, recipients, signature); `xlsx_bytes.rs` the same workbook bytes from
//! every build.

pub mod document;
pub mod email;
pub mod roster;
pub mod style;
pub mod summary;
pub mod template;
pub mod terminal;
pub mod workbook;
pub mod xlsx_bytes;

//! Integration tests: one binary (link time stays low), one module per area.

mod common;
mod docs;
mod init;
mod roster_files;

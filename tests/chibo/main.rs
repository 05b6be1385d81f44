//! Integration tests: one binary (link time stays low), one module per area.

mod common;
mod init;
mod roster_files;

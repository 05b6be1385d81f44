//! Integration tests: one binary (link time stays low), one module per area.

// Scenario tests carry their workbook fixtures inline, one row per line.
#![allow(clippy::too_many_lines)]

mod book;
mod check;
mod collect;
mod common;
mod docs;
mod email;
mod email_content;
mod fixtures;
mod fuzz;
mod grid;
mod habits;
mod header_cases;
mod hostile;
// Dovecot runs here, on Linux: the IMAP tests are this system's.
#[cfg(unix)]
mod imap;
mod init;
mod layout;
mod limits;
mod menu;
mod months;
mod open;
mod print;
mod roster_files;
mod run;
mod sizes;
mod snapshots;
mod template;
mod time;
mod trust;
mod windows;
mod words;
mod writers;

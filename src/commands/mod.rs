//! The commands (SPEC §9), one module each. They are orchestrators only: load the
//! workspace, call the stages, hand the bytes to `output` or `mail`, and return what
//! happened for `cli` to print and turn into an exit status.

pub mod check;
pub mod collect;
pub mod init;
pub mod run;
pub mod send;
pub mod template;

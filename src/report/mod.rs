//! What a run writes: the JSON summary and the consolidated workbook, each rendered from
//! a [`crate::reconcile::Reconciliation`] without touching the file system.

pub mod email;
pub mod summary;
pub mod workbook;

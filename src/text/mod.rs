//! Vietnamese text as units type it: cleaning for display and the keys used to compare.
//!
//! Every string read from a workbook passes through [`clean`] before it is stored or
//! shown. Comparison never uses the cleaned text directly: names compare through
//! [`MatchKey`] (case and tone-mark placement ignored), labels through [`LabelKey`]
//! (diacritics and punctuation ignored too), and [`FoldedKey`] only suggests.

mod clean;
mod key;
mod tone;

pub use clean::clean;
pub use key::{FoldedKey, LabelKey, MatchKey};

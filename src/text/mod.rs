//! Vietnamese text as units type it: cleaning for display and the keys used to compare.
//!
//! Every string read from a workbook passes through [`clean`] before it is stored or
//! shown. Comparison never uses the cleaned text directly: names compare through
//! [`MatchKey`] (case and tone-mark placement ignored), labels through [`LabelKey`]
//! (diacritics and punctuation ignored too), and [`FoldedKey`] only suggests. Text typed
//! with the legacy TCVN3 (ABC) or VNI fonts is recognised and converted by
//! [`decode_legacy`]. Hand-edited text files, as Notepad saves them, are read by
//! [`decode_lines`].

mod clean;
mod evidence;
mod file;
mod fit;
mod key;
mod legacy;
mod tone;

pub use clean::{Legacy, Stored, clean, is_invisible_or_space, read_known, read_stored};
pub use evidence::{Evidence, Reading};
pub use file::decode_lines;
pub use fit::{CELL_UNITS, SHOWN_CHARS, cell_units, fit_cell, shorten, shorten_quoted};
pub use key::{FoldedKey, LabelKey, MatchKey};
pub use legacy::{LegacyEncoding, decode_as, decode_legacy, encode_legacy, legacy_readings};

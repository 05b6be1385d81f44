//! `chibo template --month YYYY-MM [--unit CODE]`: writes each unit's workbook for the
//! month to `out/YYYY-MM/mau/<unit code>.xlsx` (the renderer is `report::template`).

use std::path::{Path, PathBuf};

use crate::Error;
use crate::model::{Unit, YearMonth};
use crate::reconcile::{self, RegisterEntry};
use crate::workspace::Workspace;

/// Writes the templates of `month` for every unit, or for `only`.
///
/// # Errors
/// Configuration or roster errors, an unknown unit, a unit code that cannot be a file
/// name, or a file that cannot be written.
pub fn write_templates(
    config_path: &Path,
    month: YearMonth,
    only: Option<&str>,
) -> Result<Vec<PathBuf>, Error> {
    let ws = Workspace::load(config_path)?;
    crate::output::set::recover(&ws.config.out)?;
    let units: Vec<&Unit> = match only {
        Some(code) => vec![ws.roster.unit(code).ok_or_else(|| Error::UnknownUnit {
            code: code.to_owned(),
        })?],
        None => ws.roster.units.iter().collect(),
    };
    // Open recommendations come from the register as of the previous month.
    let register = if month.month > 1 {
        let previous = YearMonth::new(month.year, month.month - 1).expect("a month");
        let (files, _) = crate::inbox::read_year(&ws, previous, &|_, _, _| {})?;
        reconcile::reconcile(&ws.config, &ws.roster, previous, &files).register
    } else {
        Vec::new()
    };
    let dir = ws.config.out.join(month.to_string()).join("mau");
    let mut written = Vec::new();
    for unit in units {
        let stem =
            crate::output::safe_file_stem(&unit.code).ok_or_else(|| Error::UnsafeUnitCode {
                code: unit.code.clone(),
            })?;
        let open: Vec<&RegisterEntry> = register
            .iter()
            .filter(|e| e.unit == unit.code && e.is_pending())
            .collect();
        let bytes = crate::report::template::render(&ws.roster, &ws.config, unit, month, &open)?;
        let path = dir.join(format!("{stem}.xlsx"));
        crate::output::write_atomic(&path, &bytes).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}

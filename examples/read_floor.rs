//! The floor for `chibo run`'s speed: calamine alone opening every workbook of a
//! workspace's inbox and reading every sheet, in parallel as chibo does.
//!
//! ```text
//! cargo run --release --example read_floor -- DIR
//! ```

use calamine::Reader;
use rayon::prelude::*;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: read_floor DIR");
    let mut files: Vec<std::path::PathBuf> =
        std::fs::read_dir(std::path::Path::new(&dir).join("inbox"))
            .expect("an inbox")
            .flatten()
            .flat_map(|month| {
                std::fs::read_dir(month.path())
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|f| f.path())
            })
            .filter(|p| p.extension().is_some_and(|e| e != "txt"))
            .collect();
    files.sort();
    let cells: usize = files
        .par_iter()
        .map(|path| {
            let mut book = calamine::open_workbook_auto(path).expect("a workbook");
            book.worksheets()
                .iter()
                .map(|(_, range)| range.used_cells().count())
                .sum::<usize>()
        })
        .sum();
    println!("{} files, {cells} cells", files.len());
}

//! The stable-toolchain counterpart of `fuzz/` (cargo-fuzz): mutated real workbooks go
//! through the reader, which must answer (a read or a clear error) without a panic and
//! within bounded time. Runs briefly in CI; the long run is `bash fuzz/run.sh`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chibo::submission::{self, Context, FileStatus};
use proptest::prelude::*;

fn seeds() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = [
        "report-yc-2020-07.xlsx",
        "report-yc-2020-07.xls",
        "report-yc-2020-07.ods",
        "report-yc-2020-07-gnumeric.ods",
        "roster-demo.ods",
        "report-password.xlsx",
    ]
    .iter()
    .map(|f| root.join("tests/fixtures").join(f))
    .collect();
    files.push(root.join("samples/inbox/2020-07/Moc Chau thang 7.xls"));
    files.push(root.join("samples/inbox/2020-07/TP Sơn La thang 7.xlsx"));
    files
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(p).unwrap(),
            )
        })
        .collect()
}

fn check(name: &str, bytes: Vec<u8>) -> Result<(), TestCaseError> {
    let started = Instant::now();
    let s = submission::read_bytes(bytes, name, &Context::default());
    prop_assert!(
        started.elapsed() < Duration::from_secs(10),
        "{name}: {:?}",
        started.elapsed()
    );
    prop_assert_eq!(s.read, s.accepted() + s.rejected);
    if s.status == FileStatus::Unreadable {
        prop_assert!(!s.diagnostics.is_empty(), "an unreadable file says why");
    }
    Ok(())
}

/// `bytes` with every entry but the named XML copied, and that one mutated.
fn mutate_inside(bytes: &[u8], entry_pick: usize, flips: &[(u32, u8)]) -> Option<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| {
            Path::new(n.as_ref())
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
        })
        .map(std::borrow::Cow::into_owned)
        .collect();
    let target = names.get(entry_pick % names.len().max(1))?.clone();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).ok()?;
        let name = file.name().ok()?.into_owned();
        let mut content = Vec::new();
        file.read_to_end(&mut content).ok()?;
        if name == target && !content.is_empty() {
            for &(pos, byte) in flips {
                let len = content.len();
                content[pos as usize % len] = byte;
            }
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .ok()?;
        out.write_all(&content).ok()?;
    }
    Some(out.finish().ok()?.into_inner())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random bytes flipped, and the file cut short.
    #[test]
    fn mutated_files_never_panic(seed in 0usize..7, flips in prop::collection::vec((any::<u32>(), any::<u8>()), 0..24), cut in prop::option::of(any::<u32>())) {
        let seeds = seeds();
        let (name, mut bytes) = seeds[seed % seeds.len()].clone();
        for (pos, byte) in flips {
            let len = bytes.len();
            bytes[pos as usize % len] = byte;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut as usize % (bytes.len() + 1));
        }
        check(&name, bytes)?;
    }

    /// The XML inside an .xlsx or .ods mutated, then zipped again, so the reader's
    /// parsing is reached rather than the zip's checksums.
    #[test]
    fn mutated_xml_never_panics(seed in 0usize..7, entry in any::<usize>(), flips in prop::collection::vec((any::<u32>(), any::<u8>()), 1..32)) {
        let seeds = seeds();
        let (name, bytes) = seeds[seed % seeds.len()].clone();
        if let Some(mutated) = mutate_inside(&bytes, entry, &flips) {
            check(&name, mutated)?;
        }
    }
}

/// Inputs that once crashed the fuzzer (first byte: the file's name, as in `fuzz/`;
/// the content chooses the reader).
#[test]
fn crashes_found_by_fuzzing_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let data = std::fs::read(entry.path()).unwrap();
        let Some((&pick, bytes)) = data.split_first() else {
            continue;
        };
        let ext =
            ["xlsx", "xls", "ods", "xlsb", "XLSX", "Xls", "ODS", "xlsm"][usize::from(pick % 8)];
        let started = Instant::now();
        let s = submission::read_bytes(bytes.to_vec(), &format!("YC.{ext}"), &Context::default());
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{}",
            entry.path().display()
        );
        assert_eq!(s.read, s.accepted() + s.rejected);
        let codes: Vec<&str> = s.diagnostics.iter().map(|d| d.code.as_str()).collect();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.contains("dense") {
            assert_eq!(codes, ["file-too-large"], "{name}");
        }
        // An OLE container calamine opens but the check before it cannot walk: refused
        // before calamine expands its far-out cells into 1.27 GB.
        if name.contains("broken-directory") {
            assert_eq!(codes, ["file-unreadable"], "{name}");
        }
    }
}

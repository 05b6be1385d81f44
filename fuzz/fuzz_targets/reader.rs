//! Fuzzes the submission reader over mutated workbooks: any input must give a result
//! (read or a clear error), never a panic, a hang or runaway memory (libFuzzer's
//! `-timeout` and `-rss_limit_mb`, set by `fuzz/run.sh`, enforce the last two).

#![no_main]

use libfuzzer_sys::fuzz_target;

static HOOK: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    // libFuzzer's hook aborts on any panic; chibo contains the panics of third-party
    // parsers on malformed files and reports them, so only other panics must abort.
    HOOK.call_once(chibo::ingest::workbook::install_quiet_panic_hook);
    // The first byte picks the name the file is given, the rest is the file. chibo
    // opens every file by one path that chooses the reader by the content, so the name
    // only decides whether the file is looked at: every input reaches the same sniffing,
    // limit checks and reader as `check` and `run` give it. (The pick is kept so that
    // the seeds and the crashes of `tests/fixtures/fuzz/` keep their meaning.)
    let Some((&pick, bytes)) = data.split_first() else { return };
    let ext = ["xlsx", "xls", "ods", "xlsb", "XLSX", "Xls", "ODS", "xlsm"][usize::from(pick % 8)];
    let _ = chibo::submission::read_bytes(bytes.to_vec(), &format!("YC.{ext}"), &chibo::submission::Context::default());
});

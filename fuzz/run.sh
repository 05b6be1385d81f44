#!/usr/bin/env bash
# Fuzzes the workbook reader with cargo-fuzz (needs a nightly toolchain and
# `cargo install cargo-fuzz`). Seeds are the real workbooks of tests/fixtures and
# samples/inbox. Usage: bash fuzz/run.sh [SECONDS, default 600]
# A crash lands in fuzz/artifacts/reader/; copy it to tests/fixtures/fuzz/ so that the
# stable test `fuzz::crashes_found_by_fuzzing_stay_fixed` keeps it fixed.
# -malloc_limit_mb bounds what one input may allocate (512 MiB, as for a real file);
# -rss_limit_mb bounds the whole fuzzing process, corpus included.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
corpus="$here/corpus/reader"
mkdir -p "$corpus"
seed() { # seed FILE FORMAT-BYTE
  local name
  name=$(basename "$1" | tr -c 'A-Za-z0-9._-' '_')
  { printf "\\x$2"; cat "$1"; } > "$corpus/seed-$name"
}
for f in "$root"/tests/fixtures/*.xlsx "$root"/samples/inbox/*/*.xlsx; do seed "$f" 00; done
for f in "$root"/tests/fixtures/*.xls "$root"/samples/inbox/*/*.xls; do seed "$f" 01; done
for f in "$root"/tests/fixtures/*.ods "$root"/samples/inbox/*/*.ods; do seed "$f" 02; done
cd "$here"
cargo +nightly fuzz run reader "$corpus" -- \
  -max_total_time="${1:-600}" -timeout=10 -malloc_limit_mb=512 -rss_limit_mb=2048 -max_len=2000000

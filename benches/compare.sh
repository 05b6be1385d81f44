#!/usr/bin/env bash
# Runs chibo, calamine alone (the floor), and the two pandas baselines on the same
# generated workspace and prints their times, peak memory and the ratios.
# Usage: bash benches/compare.sh [PRESET] [--no-baselines]
#   PRESET: province-month | province-year (default) | nation-year
# Needs: /usr/bin/time (Debian `time`), python3 with pandas, openpyxl, python-calamine.
set -euo pipefail
preset=${1:-province-year}
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/target/bench/$preset"
month=2020-12
[ "$preset" = province-month ] && month=2020-01
cargo build --release --quiet --bin chibo --example make_bench --example read_floor --manifest-path "$root/Cargo.toml"
[ -f "$dir/roster.xlsx" ] || "$root/target/release/examples/make_bench" "$preset" "$dir"

measure() { # measure NAME COMMAND...: prints NAME, seconds, peak KiB
  local name=$1; shift
  local report
  report=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$report" "$@" >/dev/null 2>&1 || true
  echo "$name $(tail -1 "$report")"
  rm -f "$report"
}
results=$(
  cd "$dir"
  measure floor "$root/target/release/examples/read_floor" .
  measure chibo "$root/target/release/chibo" run -q --no-email --month "$month"
  if [ "${2:-}" != --no-baselines ]; then
    measure pandas-calamine python3 "$root/benches/baseline.py" . "$month" calamine
    measure pandas-openpyxl python3 "$root/benches/baseline.py" . "$month" openpyxl
  fi
)
echo "preset $preset on $(nproc) cores"
echo "$results" | awk '
  { t[$1]=$2; m[$1]=$3; order[NR]=$1 }
  END {
    printf "%-16s %9s %10s %12s\n", "", "seconds", "peak MiB", "vs chibo"
    for (i = 1; i <= NR; i++) { n = order[i]
      printf "%-16s %9.2f %10.0f %11.1fx\n", n, t[n], m[n] / 1024, t[n] / t["chibo"] }
  }'

#!/usr/bin/env bash
# Runs chibo, calamine alone (the floor), and the two pandas baselines on the same
# generated workspace and prints their times, peak memory and the ratios.
# Usage: bash benches/compare.sh [PRESET] [--no-baselines]
#   PRESET: province-month | province-year (default) | nation-year
# Needs: /usr/bin/time (Debian `time`), python3 with pandas, openpyxl, python-calamine.
# RUNS=N sets how many runs of chibo and the floor give the median (default 7; 3 on
# nation-year).
set -euo pipefail
preset=${1:-province-year}
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/target/bench/$preset"
month=2020-12
[ "$preset" = province-month ] && month=2020-01
cargo build --release --quiet --bin chibo --example make_bench --example read_floor --manifest-path "$root/Cargo.toml"
[ -f "$dir/roster.xlsx" ] || "$root/target/release/examples/make_bench" "$preset" "$dir"

measure() { # measure NAME RUNS COMMAND...: prints NAME, median seconds, peak KiB, CPU seconds
  local name=$1 runs=$2; shift 2
  local report
  report=$(mktemp)
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M %U %S" -a -o "$report" "$@" >/dev/null 2>&1 || true
  done
  # Lines that are not "seconds KiB user system" (a command's exit status) are left out.
  # The run with the median time gives all four figures.
  echo "$name $(grep -E '^[0-9.]+ [0-9]+ [0-9.]+ [0-9.]+$' "$report" | sort -n | awk '{ l[NR] = $0 } END { print l[int((NR + 1) / 2)] }')"
  rm -f "$report"
}
# The fast contenders run several times and give their median: on a shared 2-core
# machine a single run of a parallel program varies by 20% or more, as a neighbour takes
# a core. The pandas baselines, single-threaded, slow and steadier, run once.
runs=${RUNS:-7}
[ "$preset" = nation-year ] && runs=${RUNS:-3}
results=$(
  cd "$dir"
  measure floor "$runs" "$root/target/release/examples/read_floor" .
  measure chibo "$runs" "$root/target/release/chibo" run -q --no-email --month "$month"
  if [ "${2:-}" != --no-baselines ]; then
    measure pandas-calamine 1 python3 "$root/benches/baseline.py" . "$month" calamine
    measure pandas-openpyxl 1 python3 "$root/benches/baseline.py" . "$month" openpyxl
  fi
)
echo "preset $preset on $(nproc) cores"
echo "$results" | awk '
  { t[$1]=$2; m[$1]=$3; c[$1]=$4+$5; order[NR]=$1 }
  END {
    printf "%-16s %9s %10s %12s %9s\n", "", "seconds", "peak MiB", "vs chibo", "CPU s"
    for (i = 1; i <= NR; i++) { n = order[i]
      printf "%-16s %9.2f %10.0f %11.1fx %9.2f\n", n, t[n], m[n] / 1024, t[n] / t["chibo"], c[n] }
  }'

#!/usr/bin/env bash
# Runs chibo, calamine alone (the floor: on both cores as chibo reads, and on one), and
# the two pandas baselines on the same generated workspace and prints their times, peak
# memory and the ratios, then the stages of one more chibo run (`chibo run -v`).
# Usage: bash benches/compare.sh [PRESET] [--no-baselines]
#   PRESET: province-month | province-year (default) | nation-year
# Needs: /usr/bin/time (Debian `time`), python3 with pandas, openpyxl, python-calamine.
# ROUNDS=N sets how many rounds the contenders take turns (default 3; 1 on nation-year).
set -euo pipefail
# Seconds are read and printed with a decimal point (EPOCHREALTIME follows the locale).
export LC_ALL=C
preset=${1:-province-year}
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/target/bench/$preset"
month=2020-12
[ "$preset" = province-month ] && month=2020-01
cargo build --release --quiet --bin chibo --example make_bench --example read_floor --manifest-path "$root/Cargo.toml"
[ -f "$dir/roster.xlsx" ] || "$root/target/release/examples/make_bench" "$preset" "$dir"

reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
time_run() { # time_run NAME RUNS COMMAND...: appends "seconds KiB user system" lines
  # The wall time is taken to the microsecond (time's own %e has centiseconds: a 0.1 s
  # floor would be 10% off); time gives the peak memory and the CPU time.
  local name=$1 runs=$2 start end; shift 2
  for _ in $(seq "$runs"); do
    start=$EPOCHREALTIME
    /usr/bin/time -f "%M %U %S" -o "$reports/last" "$@" >/dev/null 2>&1 || true
    end=$EPOCHREALTIME
    echo "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.4f", e - s }') $(tail -n 1 "$reports/last")" >>"$reports/$name"
  done
}
median() { # median NAME: NAME and the four figures of the run with the median time
  echo "$1 $(sort -n "$reports/$1" | awk '{ l[NR] = $0 } END { print l[int((NR + 1) / 2)] }')"
}
# On a shared 2-core machine a single run varies by 20% or more as a neighbour takes a
# core, and a parallel program more than a single-threaded one. So the contenders take
# turns, round after round, and each gives its median: the fast ones run three times a
# round, the pandas baselines once. ROUNDS=N sets the rounds (default 3; 1 on
# nation-year, where the baselines take minutes: --no-baselines leaves them out).
rounds=${ROUNDS:-3}
[ "$preset" = nation-year ] && rounds=${ROUNDS:-1}
names="floor floor-1core chibo"
[ "${2:-}" != --no-baselines ] && names="$names pandas-calamine pandas-openpyxl"
results=$(
  cd "$dir"
  for _ in $(seq "$rounds"); do
    time_run floor 3 "$root/target/release/examples/read_floor" .
    time_run floor-1core 1 env RAYON_NUM_THREADS=1 "$root/target/release/examples/read_floor" .
    time_run chibo 3 "$root/target/release/chibo" run -q --no-email --month "$month"
    if [ "${2:-}" != --no-baselines ]; then
      time_run pandas-calamine 1 python3 "$root/benches/baseline.py" . "$month" calamine
      time_run pandas-openpyxl 1 python3 "$root/benches/baseline.py" . "$month" openpyxl
    fi
  done
  for name in $names; do median "$name"; done
)
echo "preset $preset on $(nproc) cores"
echo "$results" | awk '
  { t[$1]=$2; m[$1]=$3; c[$1]=$4+$5; order[NR]=$1 }
  END {
    printf "%-16s %9s %10s %12s %9s\n", "", "seconds", "peak MiB", "vs chibo", "CPU s"
    for (i = 1; i <= NR; i++) { n = order[i]
      printf "%-16s %9.3f %10.0f %11.1fx %9.2f\n", n, t[n], m[n] / 1024, t[n] / t["chibo"], c[n] }
    printf "chibo / floor %.2f, chibo / floor on one core %.2f\n", t["chibo"] / t["floor"], t["chibo"] / t["floor-1core"]
  }'
# Where chibo's time goes, from one more run: the stages before and after reading.
(cd "$dir" && "$root/target/release/chibo" run -v --no-email --month "$month" 2>&1 | grep "^Thời gian") || true

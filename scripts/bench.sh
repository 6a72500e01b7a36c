#!/usr/bin/env bash
# Builds and runs the benchmark targets under bench/ (by hand, not in CI).
# Pass a benchmark filter as the first argument to run a subset.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
build="${BUILD_DIR:-$root/build}"
filter="${1:-.}"
for b in "$build"/bench/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b" --benchmark_filter="$filter" --benchmark_counters_tabular=true
done

#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/) and runs each for a fixed number of
# runs from its seed corpus (tests/fuzz/<target>/corpus). Crashes, leaks or UB fail the run.
# Usage: tests/fuzz/run.sh [RUNS]   (default 20000 per target)
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
runs=${1:-20000}
if ! command -v clang >/dev/null; then
  echo "fuzz: clang is not installed (infra/scripts/deps.sh --with-extras); skipped"
  exit 0
fi
build=$repo/build-fuzz
CC=clang cmake -S "$repo" -B "$build" -DFC_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
status=0
for dir in "$repo"/tests/fuzz/*/; do
  name=$(basename "$dir")
  bin=$build/bin/fuzz_$name
  [[ -x $bin ]] || continue
  work=$(mktemp -d)
  mkdir -p "$dir/corpus"
  if "$bin" -runs="$runs" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=0 \
    "$work" "$dir/corpus" >"$work.log" 2>&1; then
    echo "fuzz: $name: $runs runs, no crash"
  else
    echo "fuzz: $name: FAILED (last lines below; the crashing input is in $work.log's directory)" >&2
    tail -30 "$work.log" >&2
    status=1
  fi
  rm -rf "$work"
done
exit $status

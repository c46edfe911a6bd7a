#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/) and runs each for a fixed number of
# runs from its seed corpus (tests/fuzz/<target>/corpus; <target>/fuzz.dict, if any, is its
# dictionary). Crashes, leaks, undefined behaviour or an input running longer than 25 s fail
# the run; the failing input, the log and the units found are kept in the directory named.
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
# the fuzz build recovers from UB by default: make the first report fatal
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
status=0
for dir in "$repo"/tests/fuzz/*/; do
  name=$(basename "$dir")
  bin=$build/bin/fuzz_$name
  [[ -x $bin ]] || continue
  work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz_$name.XXXXXX")
  mkdir -p "$work/new"
  dict=()
  [[ -f $dir/fuzz.dict ]] && dict=(-dict="$dir/fuzz.dict")
  start=$SECONDS
  if "$bin" -runs="$runs" -max_len=65536 -rss_limit_mb=2048 -timeout=25 "${dict[@]}" \
    -print_final_stats=0 -artifact_prefix="$work/" "$work/new" "$dir/corpus" \
    >"$work/log" 2>&1; then
    echo "fuzz: $name: $runs runs, no crash ($((SECONDS - start)) s)"
    rm -rf "$work"
  else
    echo "fuzz: $name: FAILED (last lines below; input and log kept in $work)" >&2
    tail -30 "$work/log" >&2
    status=1
  fi
done
exit $status

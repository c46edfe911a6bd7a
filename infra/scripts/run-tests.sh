#!/usr/bin/env bash
# Runs ctest in each given build directory (in order), then the fuzz targets, and ends with one
# summary line over everything ("tests: N passed, N failed"); fails if anything failed. Logs of
# every service a test started stay under var/test/log/.
# Usage: infra/scripts/run-tests.sh BUILD_DIR [BUILD_DIR ...]
set -uo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
status=0 passed=0 failed=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
for build in "$@"; do
  echo "=== ctest in $build ==="
  log=$(mktemp)
  (cd "$repo/$build" && ctest --output-on-failure --timeout 1200) 2>&1 | tee "$log"
  [[ ${PIPESTATUS[0]} -eq 0 ]] || { status=1; echo "ctest failed in $build; service logs: var/test/*/log/" >&2; }
  # "100% tests passed, 0 tests failed out of 13"
  if read -r total fails < <(sed -nE 's/.*tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\2 \1/p' "$log" | tail -1); then
    passed=$((passed + total - fails))
    failed=$((failed + fails))
  else
    status=1
  fi
  rm -f "$log"
done
# the libFuzzer targets, a fixed number of runs each (needs clang: deps.sh --with-extras)
if [[ -z ${FC_SKIP_FUZZ:-} ]]; then
  echo "=== fuzzing (tests/fuzz) ==="
  if bash "$repo/tests/fuzz/run.sh" "${FC_FUZZ_RUNS:-20000}"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)) status=1
  fi
fi
echo
echo "tests: $passed passed, $failed failed"
exit $status

#!/usr/bin/env bash
# Runs ctest in each given build directory (in order) and prints each summary; fails if any
# run fails. Logs of every service a test started stay under var/test/log/.
# Usage: infra/scripts/run-tests.sh BUILD_DIR [BUILD_DIR ...]
set -uo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
status=0
for build in "$@"; do
  echo "=== ctest in $build ==="
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  rm -rf "$repo/var/test/log"
  if ! (cd "$repo/$build" && ctest --output-on-failure --timeout 1200); then
    status=1
    echo "ctest failed in $build; service logs: var/test/log/" >&2
  fi
done
exit $status

#!/usr/bin/env bash
# make bench: starts a private PostgreSQL + Redis (test slot 2), runs every benchmark — the
# system one here (service memory at idle and under load) and each services/*/bench/run.sh —
# collects the JSON lines they print into bench/results.json (one array of {name, value, unit,
# baseline, ratio}) and prints one table.
# Usage: tests/bench/run.sh [BUILD_DIR]
set -uo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=$repo/${1:-build}
export FC_TEST_SLOT=${FC_BENCH_SLOT:-2}
lines=$(mktemp)
trap 'bash "$repo/tests/harness/infra.sh" stop >/dev/null 2>&1; rm -f "$lines"' EXIT
bash "$repo/tests/harness/infra.sh" start >/dev/null || { echo "bench: could not start PostgreSQL/Redis" >&2; exit 1; }

status=0
run() { # name command...
  local name=$1
  shift
  echo "bench: $name ..." >&2
  if ! "$repo/tests/harness/with-env.sh" "$build" "$@" >>"$lines"; then
    echo "bench: $name FAILED" >&2
    status=1
  fi
}
run system "$build/bin/bench_system"
for script in "$repo"/services/*/bench/run.sh; do
  [[ -x $script ]] || continue
  run "$(basename "$(dirname "$(dirname "$script")")")" "$script"
done

mkdir -p "$repo/bench"
# keep only well-formed result lines, as one JSON array
jq -s '[.[] | select(type == "object" and has("name") and has("value"))]' <"$lines" \
  >"$repo/bench/results.json" 2>/dev/null ||
  { echo "bench: a benchmark printed something that is not JSON:" >&2; cat "$lines" >&2; exit 1; }
printf '\n%-34s %14s %-8s %14s %9s\n' NAME VALUE UNIT BASELINE RATIO
jq -r '.[] | [.name, (.value|tostring), .unit, (.baseline|tostring), (.ratio|tostring)] | @tsv' \
  "$repo/bench/results.json" |
  while IFS=$'\t' read -r n v u b r; do printf '%-34s %14s %-8s %14s %9s\n' "$n" "$v" "$u" "$b" "$r"; done
echo
echo "written: bench/results.json"
exit $status

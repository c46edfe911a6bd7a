#!/usr/bin/env bash
# Intake benchmarks (see intake_bench.c): prints one JSON object per line. Needs the harness
# environment and infrastructure:
#   FC_TEST_SLOT=3 tests/harness/infra.sh start
#   FC_TEST_SLOT=3 tests/harness/with-env.sh build services/intake/bench/run.sh
set -euo pipefail
: "${FC_BIN_DIR:?run through tests/harness/with-env.sh BUILD_DIR}"
"$FC_BIN_DIR/intake_bench" "$@"
# people search on 150k people (BENCH_SEARCH_PEOPLE), against a plain SELECT
exec "$FC_BIN_DIR/intake_search_bench"

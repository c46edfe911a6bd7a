#!/usr/bin/env bash
# Report benchmark (see report_bench.c): prints one JSON object per line. Needs the harness
# environment and infrastructure:
#   FC_TEST_SLOT=8 tests/harness/infra.sh start
#   FC_TEST_SLOT=8 tests/harness/with-env.sh build services/report/bench/run.sh
set -euo pipefail
: "${FC_BIN_DIR:?run through tests/harness/with-env.sh BUILD_DIR}"
exec "$FC_BIN_DIR/report_bench" "$@"

#!/usr/bin/env bash
# The rotation benchmarks: one JSON object per line on stdout ({"name", "value", "unit",
# "baseline", "ratio"}), details on stderr. plan, replace and cbc need no database (the planner
# runs in-process or as `fc-rotation plan`; CBC is Debian's coinor-cbc); service runs fc-rotation
# against the harness's PostgreSQL and Redis (it resets only schema rotation, Redis db 9).
# Usage: FC_TEST_SLOT=N tests/harness/infra.sh start
#        FC_TEST_SLOT=N tests/harness/with-env.sh BUILD services/rotation/bench/run.sh [plan|replace|cbc|service|all]
# FC_BENCH_CBC_LIMIT_S sets the time limit CBC and the planner both get (default 15 s).
set -euo pipefail
: "${FC_BIN_DIR:?FC_BIN_DIR is not set: run through tests/harness/with-env.sh BUILD_DIR}"
command -v cbc >/dev/null || echo "rotation bench: cbc not found (apt-get install coinor-cbc)" >&2
exec "$FC_BIN_DIR/rotation-bench" "${1:-all}"

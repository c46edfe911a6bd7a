#!/usr/bin/env bash
# notify's benchmark: notify.reminders_per_s (100k due reminders delivered to a loopback WeCom
# sink, duplicates and losses counted; baseline the sink's raw rate under wrk). Prints one
# JSON object per line on stdout. Run with the test harness's environment:
#   FC_TEST_SLOT=N tests/harness/infra.sh start
#   FC_TEST_SLOT=N tests/harness/with-env.sh BUILD_DIR services/notify/bench/run.sh [COUNT]
set -euo pipefail
: "${FC_BIN_DIR:?run through tests/harness/with-env.sh}"
command -v wrk >/dev/null || { echo "notify bench: wrk is not installed" >&2; exit 2; }
exec "$FC_BIN_DIR/notify_bench" "$@"

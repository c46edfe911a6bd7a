#!/usr/bin/env bash
# welfare's benchmark: prints one JSON object per line (welfare.transfers_per_s and friends,
# each with the same-run baseline of plain single-row UPDATE transactions). Run through the
# harness's environment after starting the test infrastructure:
#   FC_TEST_SLOT=N tests/harness/infra.sh start
#   FC_TEST_SLOT=N tests/harness/with-env.sh BUILD_DIR services/welfare/bench/run.sh
# WELFARE_BENCH_SECONDS (default 5) per figure; WELFARE_BENCH_REPLICAS (default 2) fc-welfare
# processes behind the sixteen clients.
set -euo pipefail
: "${FC_BIN_DIR:?run through tests/harness/with-env.sh}"
bench=$FC_BIN_DIR/welfare_bench
[[ -x $bench ]] || { echo "welfare bench: $bench is not built" >&2; exit 2; }
exec "$bench"

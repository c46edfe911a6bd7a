#!/usr/bin/env bash
# The gateway's benchmark (make bench runs it through tests/harness/with-env.sh): HTTP reads
# under 64 connections with wrk against direct RPC round trips from C in the same run. Prints
# JSON lines {"name", "value", "unit", "baseline", "ratio"}.
set -euo pipefail
command -v wrk >/dev/null || { echo "gateway bench: wrk is not installed (deps.sh --with-extras)" >&2; exit 1; }
exec "$FC_BIN_DIR/gateway_bench"

#!/usr/bin/env bash
# Runs one test binary with the harness's environment: database and Redis URLs of the test
# instance, service endpoints on test ports (shifted by FC_TEST_SLOT), and where the binaries
# and logs are. Usage: tests/harness/with-env.sh BUILD_DIR TEST_BINARY [ARGS...]
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=$1
shift
eval "$(bash "$repo/tests/harness/infra.sh" env)"
slot=${FC_TEST_SLOT:-0}
base=$((5651 + 100 * slot))
export FC_BIN_DIR=$build/bin
export FC_REPO_DIR=$repo
export FC_TEST_LOG_DIR=$FC_TEST_VAR_DIR/log
export FC_MIGRATIONS_DIR=$repo/infra/migrations
export FC_INTAKE_ENDPOINT=tcp://127.0.0.1:$((base + 0))
export FC_ROTATION_ENDPOINT=tcp://127.0.0.1:$((base + 1))
export FC_WELFARE_ENDPOINT=tcp://127.0.0.1:$((base + 2))
export FC_NOTIFY_ENDPOINT=tcp://127.0.0.1:$((base + 3))
export FC_REPORT_ENDPOINT=tcp://127.0.0.1:$((base + 4))
export FC_GATEWAY_ENDPOINT=tcp://127.0.0.1:$((base + 5))
export FC_HTTP_PORT=$((28180 + slot))
export FC_TEST_PORT_BASE=$((base + 40)) # free ports for a test's own servers (fake sinks)
mkdir -p "$FC_TEST_LOG_DIR"
exec "$@"

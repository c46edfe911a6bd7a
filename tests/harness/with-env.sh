#!/usr/bin/env bash
# Runs one test binary with the harness's environment: database and Redis URLs of the test
# instance, service endpoints on test ports, and where the binaries and logs are.
# Usage: tests/harness/with-env.sh BUILD_DIR TEST_BINARY [ARGS...]
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=$1
shift
eval "$(bash "$repo/tests/harness/infra.sh" env)"
export FC_BIN_DIR=$build/bin
export FC_TEST_LOG_DIR=${FC_TEST_LOG_DIR:-$repo/var/test/log}
export FC_MIGRATIONS_DIR=$repo/infra/migrations
export FC_INTAKE_ENDPOINT=tcp://127.0.0.1:5651
export FC_ROTATION_ENDPOINT=tcp://127.0.0.1:5652
export FC_WELFARE_ENDPOINT=tcp://127.0.0.1:5653
export FC_NOTIFY_ENDPOINT=tcp://127.0.0.1:5654
export FC_REPORT_ENDPOINT=tcp://127.0.0.1:5655
export FC_GATEWAY_ENDPOINT=tcp://127.0.0.1:5656
export FC_HTTP_PORT=58180
mkdir -p "$FC_TEST_LOG_DIR"
exec "$@"

#!/usr/bin/env bash
# The test harness's PostgreSQL + Redis: a private instance under var/test on ports of its own
# (55532, 56479), started fresh for a ctest run (fixture "infra") and stopped at its end.
# Usage: tests/harness/infra.sh start|stop|env
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
export FC_VAR_DIR=${FC_TEST_VAR_DIR:-var/test}
export FC_PG_PORT=${FC_TEST_PG_PORT:-55532}
export FC_REDIS_PORT=${FC_TEST_REDIS_PORT:-56479}
# the tests never use an instance named by the caller's environment
unset FC_PG_URL FC_REDIS_URL
li() { bash "$repo/infra/scripts/localinfra.sh" "$@"; }
case ${1:-} in
  start) li destroy >/dev/null 2>&1 || true; li start ;;
  stop) li stop ;;
  env) li env ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# The test harness's PostgreSQL + Redis: a private instance under var/test on ports of its own,
# started fresh for a ctest run (fixture "infra") and stopped at its end. FC_TEST_SLOT=N (0-9)
# shifts every port and the state directory so several checkouts or builds can test at once.
# Usage: tests/harness/infra.sh start|stop|env|restart|crash pg|redis
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
slot=${FC_TEST_SLOT:-0}
[[ $slot =~ ^[0-9]$ ]] || { echo "FC_TEST_SLOT must be 0-9" >&2; exit 2; }
export FC_VAR_DIR=var/test$([[ $slot == 0 ]] || echo "-$slot")
export FC_PG_PORT=$((25532 + 100 * slot))
export FC_REDIS_PORT=$((24479 + 100 * slot))
# the tests never use an instance named by the caller's environment
unset FC_PG_URL FC_REDIS_URL
li() { bash "$repo/infra/scripts/localinfra.sh" "$@"; }
case ${1:-} in
  start) li destroy >/dev/null 2>&1 || true; li start ;;
  stop) li stop ;;
  env) li env; echo "export FC_TEST_VAR_DIR=$repo/$FC_VAR_DIR" ;;
  restart) li start ;;            # starts whatever is down, keeps the data
  crash) li crash "${2:-}" ;;     # pg | redis
  *) echo "usage: $0 start|stop|env|restart|crash pg|redis" >&2; exit 2 ;;
esac

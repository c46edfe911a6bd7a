#!/usr/bin/env bash
# Runs infra/sql/bootstrap.sql in the postgres:15 container on its first start (mounted into
# /docker-entrypoint-initdb.d by docker-compose.yml): database, service roles with FC_DB_PASSWORD.

# docker-entrypoint.sh sources *.sh files that are not executable: run in a child bash then, so
# that our shell options do not leak into the entrypoint.
if [[ ${BASH_SOURCE[0]} != "$0" ]]; then
  bash "${BASH_SOURCE[0]}"
  return
fi
set -euo pipefail

sql=${FC_BOOTSTRAP_SQL:-/frontline/bootstrap.sql}
args=(-X -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres
  -v dbname="${FC_DB_NAME:-frontline}" -f "$sql")
if [[ -n ${FC_DB_PASSWORD:-} ]]; then
  args+=(-v fc_password="$FC_DB_PASSWORD")
else
  echo "initdb.sh: warning: FC_DB_PASSWORD is empty: the service roles get no password" >&2
fi
psql "${args[@]}"

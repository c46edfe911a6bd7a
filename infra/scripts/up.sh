#!/usr/bin/env bash
# Starts the local PostgreSQL + Redis (unless FC_PG_URL/FC_REDIS_URL name others) and every
# service in the background, logs under var/log/, pids under var/run/; waits until each
# answers its health request and prints where everything is.
# Usage: infra/scripts/up.sh [BUILD_DIR]
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=${1:-build}
bin=$repo/$build/bin
var=${FC_VAR_DIR:-$repo/var}
services=(intake rotation welfare notify report gateway)

bash "$repo/infra/scripts/localinfra.sh" start
eval "$(bash "$repo/infra/scripts/localinfra.sh" env)"
export FC_MIGRATIONS_DIR=${FC_MIGRATIONS_DIR:-$repo/infra/migrations}
mkdir -p "$var/log" "$var/run"

# ZeroMQ CURVE keys under $var/keys (made once). With FC_CURVE=1 every service socket uses them
# and admits only the clients in allowed_clients.txt; fcctl then needs `source $var/keys/fcctl.sh`.
FC_VAR_DIR=$var bash "$repo/infra/scripts/keys.sh" "$build" >/dev/null
curve=${FC_CURVE:-0}
if [[ $curve == 1 ]]; then
  export FC_CURVE_SERVER_SECRET=$(cat "$var/keys/server.key")
  export FC_CURVE_ALLOWED_CLIENTS=$var/keys/allowed_clients.txt
  source "$var/keys/fcctl.sh" # this script's own fcctl (the health wait below)
fi

for s in "${services[@]}"; do
  pidfile=$var/run/$s.pid
  if [[ -s $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "up: fc-$s already running (pid $(cat "$pidfile"))"
    continue
  fi
  if [[ $curve == 1 ]]; then # each service calls the others with its own client key
    FC_CURVE_CLIENT_PUBLIC=$(cat "$var/keys/$s.pub") FC_CURVE_CLIENT_SECRET=$(cat "$var/keys/$s.key") \
      setsid "$bin/fc-$s" >>"$var/log/$s.log" 2>&1 </dev/null &
  else
    setsid "$bin/fc-$s" >>"$var/log/$s.log" 2>&1 </dev/null &
  fi
  echo $! >"$pidfile"
done

deadline=$((SECONDS + 60))
until "$bin/fcctl" --timeout 1000 health >/dev/null 2>&1; do
  if ((SECONDS > deadline)); then
    "$bin/fcctl" --timeout 1000 health || true
    echo "up: not every service became healthy within 60 s; logs in $var/log/" >&2
    exit 1
  fi
  sleep 0.3
done
"$bin/fcctl" health
cat <<MSG

Frontline Care is up.
  PostgreSQL  $FC_PG_URL   (psql: bash infra/scripts/localinfra.sh psql)
  Redis       $FC_REDIS_URL
  gateway     http://127.0.0.1:${FC_HTTP_PORT:-28080}/healthz
  logs        $var/log/<service>.log   pids  $var/run/
  CLI         $bin/fcctl --help$( [[ $curve == 1 ]] && echo "   (CURVE on: source $var/keys/fcctl.sh first)" || true)
Stop everything with: make down
MSG

#!/usr/bin/env bash
# Stops every service started by up.sh (SIGTERM, then SIGKILL after 15 s), then the local
# PostgreSQL + Redis. Leaves no process behind.
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
var=${FC_VAR_DIR:-$repo/var}
shopt -s nullglob
pids=()
for pidfile in "$var"/run/*.pid; do
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    pids+=("$pid")
  fi
  rm -f "$pidfile"
done
for pid in "${pids[@]}"; do
  for _ in $(seq 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "down: pid $pid did not stop on SIGTERM; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
done
((${#pids[@]})) && echo "down: stopped ${#pids[@]} service(s)"
bash "$repo/infra/scripts/localinfra.sh" stop

#!/usr/bin/env bash
# Starts/stops a PRIVATE PostgreSQL 15 cluster and Redis 7 server on 127.0.0.1, on ports of their
# own, with state under FC_VAR_DIR, for the demo and the tests. Never touches ports 5432/6379.
# Usage: infra/scripts/localinfra.sh start|stop|status|env|psql [args]|bootstrap [db]|destroy
set -euo pipefail

usage() {
  cat <<'EOF'
usage: infra/scripts/localinfra.sh COMMAND
  start             start PostgreSQL + Redis (idempotent), then run infra/sql/bootstrap.sql
  stop              stop both (idempotent); no process is left behind
  status            say whether each is up and where; exit 0 if both are up, 3 otherwise
  env               print shell export lines: FC_PG_URL, FC_PG_ADMIN_URL, FC_REDIS_URL
  psql [ARGS...]    run psql as superuser "postgres" on the FC_PG_DB database (default frontline)
  bootstrap [DB]    run infra/sql/bootstrap.sql for database DB (default FC_PG_DB), e.g. frontline_test
  destroy           stop, then delete all state (data directories, logs) of this instance
  crash pg|redis    stop one server abruptly (pg_ctl -m immediate / SIGKILL), for fault tests
environment:
  FC_VAR_DIR     state directory (default <repo>/var; a relative path is taken from the repo root)
  FC_PG_PORT     PostgreSQL port (default 25432)      FC_REDIS_PORT  Redis port (default 24379)
  FC_PG_DB       database name (default frontline)    FC_PG_BINDIR   (default /usr/lib/postgresql/15/bin)
  FC_DB_PASSWORD if set, bootstrap gives it to the six service roles (not needed: trust auth)
  FC_PG_URL + FC_REDIS_URL  if both are set and do not point at this instance's ports, start/stop
                 do nothing ("using external PostgreSQL/Redis") and env echoes them
EOF
}

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo_root=$(cd -- "$script_dir/../.." && pwd -P)
bootstrap_sql=$repo_root/infra/sql/bootstrap.sql

pg_port=${FC_PG_PORT:-25432}
redis_port=${FC_REDIS_PORT:-24379}
pg_db=${FC_PG_DB:-frontline}
pg_bindir=${FC_PG_BINDIR:-/usr/lib/postgresql/15/bin}
var_dir=${FC_VAR_DIR:-$repo_root/var}
case $var_dir in
  /*) ;;
  *) var_dir=$repo_root/$var_dir ;;
esac
var_dir=$(realpath -m -- "$var_dir")

log() { printf 'localinfra: %s\n' "$*"; }
warn() { printf 'localinfra: warning: %s\n' "$*" >&2; }
die() {
  printf 'localinfra: error: %s\n' "$*" >&2
  exit 1
}

check_port() { # name value
  if ! [[ $2 =~ ^[0-9]+$ ]] || (($2 < 1024 || $2 > 65535)); then
    die "$1=$2 is not a port in 1024..65535"
  fi
}
check_port FC_PG_PORT "$pg_port"
check_port FC_REDIS_PORT "$redis_port"
[[ $pg_port != 5432 && $pg_port != 6379 && $redis_port != 5432 && $redis_port != 6379 ]] ||
  die "ports 5432 and 6379 belong to the system's own PostgreSQL/Redis: choose others"
[[ $pg_port != "$redis_port" ]] || die "FC_PG_PORT and FC_REDIS_PORT must differ"
[[ $pg_db =~ ^[a-z_][a-z0-9_]*$ ]] || die "FC_PG_DB=$pg_db: use lower-case letters, digits and _"
# The paths go into quoted config strings: keep them plain.
case $var_dir in
  *[\'\"\\$'\n']*) die "FC_VAR_DIR must not contain quotes, backslashes or newlines: $var_dir" ;;
esac

is_root=0
[[ $(id -u) -eq 0 ]] && is_root=1
path_hash=$(printf '%s' "$var_dir" | sha256sum | cut -c1-12)

# --- where things live --------------------------------------------------------------------------
# PostgreSQL refuses to run as root; as root it runs as the "postgres" user, which may not reach
# $var_dir (e.g. a clone under /root, mode 700): then its files go under /var/tmp/frontline-<hash>.
# $var_dir/pg.location records the data directory either way.
location_file=$var_dir/pg.location
if [[ -s $location_file ]]; then
  pg_data=$(head -n1 -- "$location_file")
elif ((is_root)); then
  pg_data=/var/tmp/frontline-$path_hash/pg
else
  pg_data=$var_dir/pg
fi
pg_base=$(dirname -- "$pg_data")
pg_logdir=$pg_base/log
pg_log=$pg_logdir/postgres.log
pg_sockdir=$pg_base/sock
# A unix socket path is limited to 107 bytes: fall back to a short directory of our own.
if ((${#pg_sockdir} + 20 > 100)); then
  pg_sockdir=/tmp/frontline-$(id -u)-$path_hash
fi
redis_dir=$var_dir/redis
redis_conf=$redis_dir/redis.conf
redis_pidfile=$redis_dir/redis.pid
redis_log=$var_dir/log/redis.log

# --- helpers ------------------------------------------------------------------------------------
# Runs a PostgreSQL server program as the postgres user when we are root, from "/" so that an
# unreachable current directory does not matter.
as_pg() {
  if ((is_root)); then
    if command -v runuser >/dev/null 2>&1; then
      (cd / && runuser -u postgres -- env LC_ALL=C "$@")
    else
      (cd / && setpriv --reuid=postgres --regid=postgres --init-groups -- env LC_ALL=C HOME=/var/lib/postgresql "$@")
    fi
  else
    env LC_ALL=C "$@"
  fi
}

port_busy() { # port: is anything listening on it (any address)?
  if command -v ss >/dev/null 2>&1; then
    [[ -n $(ss -Hltn "sport = :$1" 2>/dev/null) ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

pid_is() { # pid comm: is pid alive and is its command name comm?
  [[ $1 =~ ^[0-9]+$ ]] && [[ -r /proc/$1/comm ]] && [[ $(cat "/proc/$1/comm" 2>/dev/null) == "$2" ]]
}

pg_pid() { # prints the postmaster pid if it is running
  local pid
  [[ -f $pg_data/postmaster.pid ]] || return 1
  pid=$(head -n1 "$pg_data/postmaster.pid" 2>/dev/null) || return 1
  pid_is "$pid" postgres || return 1
  printf '%s\n' "$pid"
}

pg_running() {
  [[ -f $pg_data/PG_VERSION ]] || return 1
  as_pg "$pg_bindir/pg_ctl" -D "$pg_data" status >/dev/null 2>&1
}

pg_actual_port() { # port of the running cluster (postmaster.pid line 4), else the configured one
  local p=""
  if pg_running; then
    p=$(sed -n 4p "$pg_data/postmaster.pid" 2>/dev/null || true)
  fi
  printf '%s\n' "${p:-$pg_port}"
}

redis_pid() { # prints the redis-server pid if it is running
  local pid
  [[ -f $redis_pidfile ]] || return 1
  pid=$(head -n1 "$redis_pidfile" 2>/dev/null) || return 1
  pid_is "$pid" redis-server || return 1
  printf '%s\n' "$pid"
}

redis_conf_port() { # port of the last generated config, else the configured one
  local p=""
  if [[ -f $redis_conf ]]; then
    p=$(awk '$1 == "port" { print $2; exit }' "$redis_conf")
  fi
  printf '%s\n' "${p:-$redis_port}"
}

redis_ping() { # port
  [[ $(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null </dev/null) == PONG ]]
}

wait_gone() { # pid seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  ! kill -0 "$1" 2>/dev/null
}

local_pg_url() { printf 'postgresql://127.0.0.1:%s/%s' "$(pg_actual_port)" "$pg_db"; }
local_admin_url() { printf 'postgresql://postgres@127.0.0.1:%s/%s' "$(pg_actual_port)" "$pg_db"; }
local_redis_url() { printf 'redis://127.0.0.1:%s' "$(redis_conf_port_if_running)"; }
redis_conf_port_if_running() {
  if redis_pid >/dev/null; then redis_conf_port; else printf '%s\n' "$redis_port"; fi
}

# External infrastructure: both URLs set, and the PostgreSQL one is not this instance's own
# (what "env" prints for it), so that `eval "$(localinfra.sh env)"` does not disable stop.
external() {
  [[ -n ${FC_PG_URL:-} && -n ${FC_REDIS_URL:-} ]] || return 1
  case $FC_PG_URL in
    *@127.0.0.1:"$pg_port"/* | postgresql://127.0.0.1:"$pg_port"/* | *@localhost:"$pg_port"/* | postgresql://localhost:"$pg_port"/*)
      return 1 ;;
  esac
  return 0
}

lock() { # serialise start/stop/destroy of one instance (fd 9, closed for the daemons)
  mkdir -p -- "$var_dir"
  exec 9>"$var_dir/.localinfra.lock"
  flock -w 180 9 || die "another localinfra.sh holds $var_dir/.localinfra.lock"
}

run_bootstrap() { # dbname
  [[ $1 =~ ^[a-z_][a-z0-9_]*$ ]] || die "database name $1: use lower-case letters, digits and _"
  local args=(-X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(pg_actual_port)" -U postgres -d postgres
    -v dbname="$1" -f "$bootstrap_sql")
  if [[ -n ${FC_DB_PASSWORD:-} ]]; then
    args+=(-v fc_password="$FC_DB_PASSWORD")
  fi
  PGCONNECT_TIMEOUT=10 psql "${args[@]}" </dev/null || die "bootstrap of database $1 failed"
}

# --- PostgreSQL ---------------------------------------------------------------------------------
pg_prepare_dirs() {
  if ((is_root)); then
    getent passwd postgres >/dev/null || die "no 'postgres' user: run infra/scripts/deps.sh"
    if [[ -e $pg_base || -L $pg_base ]]; then
      [[ -d $pg_base && ! -L $pg_base ]] || die "$pg_base exists and is not a directory"
      [[ $(stat -c %U "$pg_base") == postgres ]] || die "$pg_base is not owned by postgres"
    else
      install -d -o postgres -g postgres -m 700 -- "$pg_base"
    fi
    install -d -o postgres -g postgres -m 700 -- "$pg_logdir" "$pg_sockdir"
  else
    install -d -m 700 -- "$pg_base" "$pg_logdir" "$pg_sockdir"
  fi
  mkdir -p -- "$var_dir/log"
  if [[ $pg_log != "$var_dir/log/postgres.log" ]]; then
    ln -sfn -- "$pg_log" "$var_dir/log/postgres.log"
  fi
  printf '%s\n' "$pg_data" >"$location_file"
}

pg_initdb() {
  local locale=C.UTF-8
  if ! locale -a 2>/dev/null | grep -qixE 'c\.utf-?8'; then
    locale=C
  fi
  if [[ -d $pg_data && ! -f $pg_data/PG_VERSION ]]; then
    warn "removing the unfinished data directory $pg_data"
    rm -rf -- "$pg_data"
  fi
  log "initdb $pg_data (locale $locale)"
  if ! as_pg "$pg_bindir/initdb" -D "$pg_data" -U postgres --auth=trust --encoding=UTF8 \
    --locale="$locale" --no-instructions >"$pg_logdir/initdb.log" 2>&1; then
    cat "$pg_logdir/initdb.log" >&2
    die "initdb failed"
  fi
  # Our settings live in frontline.conf, rewritten on every start.
  printf "\n# Frontline Care: settings written by infra/scripts/localinfra.sh\ninclude_if_exists = 'frontline.conf'\n" \
    >>"$pg_data/postgresql.conf"
}

pg_write_conf() {
  local tmp
  tmp=$(mktemp)
  cat >"$tmp" <<EOF
# Generated by infra/scripts/localinfra.sh at each start: edits are overwritten.
# Private development/test cluster: loopback only, trust authentication (see pg_hba.conf).
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$pg_sockdir'
max_connections = 200
shared_buffers = 256MB
fsync = on
synchronous_commit = on
full_page_writes = on
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  if ((is_root)); then
    install -o postgres -g postgres -m 600 -- "$tmp" "$pg_data/frontline.conf"
  else
    install -m 600 -- "$tmp" "$pg_data/frontline.conf"
  fi
  rm -f -- "$tmp"
}

pg_start() {
  [[ -x $pg_bindir/pg_ctl ]] || die "$pg_bindir/pg_ctl not found: run infra/scripts/deps.sh"
  command -v psql >/dev/null 2>&1 || die "psql not found: run infra/scripts/deps.sh"
  pg_prepare_dirs
  if pg_running; then
    local actual
    actual=$(pg_actual_port)
    log "postgres already running on 127.0.0.1:$actual (data $pg_data)"
    [[ $actual == "$pg_port" ]] ||
      warn "it runs on port $actual, not FC_PG_PORT=$pg_port: stop and start it again to change"
  else
    if [[ ! -f $pg_data/PG_VERSION ]]; then
      pg_initdb
    fi
    [[ $(cat "$pg_data/PG_VERSION") == 15 ]] || die "$pg_data is not a PostgreSQL 15 cluster"
    ! port_busy "$pg_port" || die "port $pg_port is already in use by another process (set FC_PG_PORT)"
    pg_write_conf
    # setsid: the server does not belong to the caller's terminal/process group.
    if ! as_pg setsid "$pg_bindir/pg_ctl" -D "$pg_data" -l "$pg_log" -w -t 60 -s start 9>&-; then
      tail -n 30 "$pg_log" >&2 || true
      die "postgres did not start (log: $pg_log)"
    fi
    log "postgres started on 127.0.0.1:$pg_port (data $pg_data, log $pg_log)"
  fi
  run_bootstrap "$pg_db"
  log "database $pg_db bootstrapped"
}

pg_stop() {
  if ! pg_running; then
    log "postgres not running"
    return 0
  fi
  local pid
  pid=$(pg_pid || true)
  if ! as_pg "$pg_bindir/pg_ctl" -D "$pg_data" -m fast -w -t 60 -s stop 9>&-; then
    warn "fast shutdown failed, trying immediate"
    as_pg "$pg_bindir/pg_ctl" -D "$pg_data" -m immediate -w -t 30 -s stop 9>&- || true
  fi
  if [[ -n $pid ]] && ! wait_gone "$pid" 30; then
    die "postgres (pid $pid) is still running"
  fi
  log "postgres stopped"
}

# --- Redis --------------------------------------------------------------------------------------
redis_write_conf() {
  cat >"$redis_conf" <<EOF
# Generated by infra/scripts/localinfra.sh at each start: edits are overwritten.
# Private development/test Redis: loopback only, no password.
bind 127.0.0.1
port $redis_port
protected-mode yes
daemonize yes
pidfile "$redis_pidfile"
logfile "$redis_log"
loglevel notice
dir "$redis_dir"
# Durability: append-only file, fsync once a second. A crash loses at most ~1 s of writes, which
# is acceptable because PostgreSQL is the record: every job that matters is a PostgreSQL row first,
# and the sweepers re-enqueue whatever Redis lost. No RDB snapshots (AOF only).
appendonly yes
appendfsync everysec
save ""
EOF
}

redis_start() {
  command -v redis-server >/dev/null 2>&1 || die "redis-server not found: run infra/scripts/deps.sh"
  command -v redis-cli >/dev/null 2>&1 || die "redis-cli not found: run infra/scripts/deps.sh"
  mkdir -p -- "$redis_dir" "$var_dir/log"
  if redis_pid >/dev/null; then
    local actual
    actual=$(redis_conf_port)
    log "redis already running on 127.0.0.1:$actual (dir $redis_dir)"
    [[ $actual == "$redis_port" ]] ||
      warn "it runs on port $actual, not FC_REDIS_PORT=$redis_port: stop and start it again to change"
    return 0
  fi
  ! port_busy "$redis_port" || die "port $redis_port is already in use by another process (set FC_REDIS_PORT)"
  rm -f -- "$redis_pidfile"
  redis_write_conf
  if ! setsid redis-server "$redis_conf" </dev/null 9>&-; then
    tail -n 30 "$redis_log" >&2 || true
    die "redis-server did not start (log: $redis_log)"
  fi
  local i
  for ((i = 0; i < 200; i++)); do
    if redis_ping "$redis_port"; then
      log "redis started on 127.0.0.1:$redis_port (dir $redis_dir, log $redis_log)"
      return 0
    fi
    sleep 0.1
  done
  tail -n 30 "$redis_log" >&2 || true
  die "redis did not answer PONG on port $redis_port within 20 s (log: $redis_log)"
}

redis_stop() {
  local pid port
  if ! pid=$(redis_pid); then
    log "redis not running"
    rm -f -- "$redis_pidfile"
    return 0
  fi
  port=$(redis_conf_port)
  # NOSAVE: no RDB snapshot; the AOF is flushed and fsynced on shutdown and keeps the data.
  redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 </dev/null || true
  if ! wait_gone "$pid" 20; then
    warn "redis (pid $pid) ignored SHUTDOWN: sending SIGTERM"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" 10; then
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" 5 || die "redis (pid $pid) is still running"
    fi
  fi
  rm -f -- "$redis_pidfile"
  log "redis stopped"
}

# --- commands -----------------------------------------------------------------------------------
cmd_status() {
  local rc=0 port
  if pg_running; then
    port=$(pg_actual_port)
    if pg_isready_ok "$port"; then
      printf 'postgres: up    127.0.0.1:%s  data=%s  log=%s\n' "$port" "$pg_data" "$pg_log"
    else
      printf 'postgres: starting/unready  127.0.0.1:%s  data=%s  log=%s\n' "$port" "$pg_data" "$pg_log"
      rc=3
    fi
  else
    printf 'postgres: down  (port %s, data=%s)\n' "$pg_port" "$pg_data"
    rc=3
  fi
  if redis_pid >/dev/null && redis_ping "$(redis_conf_port)"; then
    printf 'redis:    up    127.0.0.1:%s  dir=%s  log=%s\n' "$(redis_conf_port)" "$redis_dir" "$redis_log"
  else
    printf 'redis:    down  (port %s, dir=%s)\n' "$redis_port" "$redis_dir"
    rc=3
  fi
  if external; then
    printf 'note: FC_PG_URL and FC_REDIS_URL are set: the services use the external ones\n'
  fi
  return "$rc"
}

pg_isready_ok() { # port
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h 127.0.0.1 -p "$1" -t 5 </dev/null
  else
    return 0
  fi
}

cmd_env() {
  if external; then
    printf '# using external PostgreSQL/Redis (FC_PG_URL and FC_REDIS_URL were set)\n'
    printf 'export FC_PG_URL=%q\n' "$FC_PG_URL"
    if [[ -n ${FC_PG_ADMIN_URL:-} ]]; then
      printf 'export FC_PG_ADMIN_URL=%q\n' "$FC_PG_ADMIN_URL"
    fi
    printf 'export FC_REDIS_URL=%q\n' "$FC_REDIS_URL"
    return 0
  fi
  printf 'export FC_PG_URL=%s\n' "$(local_pg_url)"
  printf 'export FC_PG_ADMIN_URL=%s\n' "$(local_admin_url)"
  printf 'export FC_REDIS_URL=%s\n' "$(local_redis_url)"
}

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case $cmd in
  start)
    if external; then
      log "using external PostgreSQL/Redis (FC_PG_URL and FC_REDIS_URL are set): nothing to start"
      exit 0
    fi
    lock
    # Check both ports first, so that a conflict does not leave one of the two started.
    if ! pg_running && port_busy "$pg_port"; then
      die "port $pg_port is already in use by another process (set FC_PG_PORT)"
    fi
    if ! redis_pid >/dev/null && port_busy "$redis_port"; then
      die "port $redis_port is already in use by another process (set FC_REDIS_PORT)"
    fi
    pg_start
    redis_start
    ;;
  stop)
    if external; then
      log "using external PostgreSQL/Redis (FC_PG_URL and FC_REDIS_URL are set): nothing to stop"
      exit 0
    fi
    lock
    pg_stop
    redis_stop
    ;;
  status) cmd_status ;;
  env) cmd_env ;;
  psql)
    exec psql -X -h 127.0.0.1 -p "$(pg_actual_port)" -U postgres -d "$pg_db" "$@"
    ;;
  bootstrap)
    [[ $# -le 1 ]] || die "usage: localinfra.sh bootstrap [DB]"
    pg_running || die "postgres is not running: localinfra.sh start"
    run_bootstrap "${1:-$pg_db}"
    log "database ${1:-$pg_db} bootstrapped"
    ;;
  destroy)
    lock
    pg_stop
    redis_stop
    if ((is_root)) && [[ $pg_base == /var/tmp/frontline-* ]]; then
      rm -rf -- "$pg_base"
    else
      rm -rf -- "$pg_data" "$pg_logdir" "$pg_sockdir"
    fi
    if [[ $pg_sockdir == /tmp/frontline-* ]]; then
      rm -rf -- "$pg_sockdir"
    fi
    rm -rf -- "$redis_dir" "$var_dir/log" "$location_file"
    log "state removed: $var_dir (pg data was $pg_data)"
    ;;
  crash)
    # For the fault tests: stop one server abruptly, as a crash would (no clean shutdown).
    case ${1:-} in
      pg)
        pg_running || die "postgres is not running"
        as_pg "$pg_bindir/pg_ctl" -D "$pg_data" -m immediate -s stop 9>&-
        log "postgres stopped with -m immediate"
        ;;
      redis)
        pid=$(redis_pid) || die "redis is not running"
        kill -KILL "$pid"
        wait_gone "$pid" 10
        log "redis killed (pid $pid)"
        ;;
      *) die "usage: localinfra.sh crash pg|redis" ;;
    esac
    ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# ZeroMQ CURVE keys for the services, under ${FC_VAR_DIR:-var}/keys (made once; existing keys
# are kept, so running it again changes nothing). Keys come from `fc-gateway --keygen`
# (zmq_curve_keypair).
#   server.pub / server.key        the services' server key pair
#   <client>.pub / <client>.key    one pair per client: fcctl, gateway and each service (services
#                                  call one another)
#   allowed_clients.txt            every client public key with its name: the services' ZAP
#                                  handlers admit these and nothing else (FC_CURVE_ALLOWED_CLIENTS)
#   env/<name>.env                 docker-compose env_file of each container (its server and
#                                  client keys; the list mounted at /etc/frontline/keys)
#   fcctl.sh                       `source` it to give a shell's fcctl its client keys
# Secrets are readable by the owner only. To withdraw a client, delete its line from
# allowed_clients.txt: the services re-read the file without a restart.
# Usage: infra/scripts/keys.sh [BUILD_DIR]
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=${1:-build}
[[ $build = /* ]] || build=$repo/$build
keygen=$build/bin/fc-gateway
var=${FC_VAR_DIR:-$repo/var}
keys=$var/keys
clients=(fcctl gateway intake rotation welfare notify report)
services=(intake rotation welfare notify report gateway)

[[ -x $keygen ]] || { echo "keys.sh: $keygen not found: build first (make build)" >&2; exit 1; }
umask 077
mkdir -p "$keys/env"

# pair NAME: NAME.pub and NAME.key, made if missing
pair() {
  local name=$1 pub sec
  [[ -s $keys/$name.pub && -s $keys/$name.key ]] && return 0
  # Z85 may contain '$'; compose versions disagree on '$' in env files, so draw again until
  # neither key has one (about 2.6 draws on average; the key space stays ~2^250)
  for _ in $(seq 1 64); do
    read -r pub sec < <("$keygen" --keygen)
    [[ ${#pub} == 40 && ${#sec} == 40 ]] || { echo "keys.sh: fc-gateway --keygen failed" >&2; exit 1; }
    [[ $pub$sec != *'$'* ]] && break
  done
  [[ $pub$sec != *'$'* ]] || { echo "keys.sh: could not draw a key pair without '\$'" >&2; exit 1; }
  printf '%s\n' "$sec" >"$keys/$name.key.tmp" && mv "$keys/$name.key.tmp" "$keys/$name.key"
  printf '%s\n' "$pub" >"$keys/$name.pub.tmp" && mv "$keys/$name.pub.tmp" "$keys/$name.pub"
  chmod 644 "$keys/$name.pub"
  echo "keys.sh: made the CURVE key pair \"$name\""
}

pair server
for c in "${clients[@]}"; do pair "$c"; done

# the allowed list is rebuilt from the .pub files (a file written whole, then renamed)
{
  echo "# CURVE client keys the services admit (made by infra/scripts/keys.sh)"
  for c in "${clients[@]}"; do echo "$(cat "$keys/$c.pub") $c"; done
} >"$keys/allowed_clients.txt.tmp"
chmod 644 "$keys/allowed_clients.txt.tmp"
mv "$keys/allowed_clients.txt.tmp" "$keys/allowed_clients.txt"

for s in "${services[@]}"; do
  cat >"$keys/env/$s.env.tmp" <<ENV
FC_CURVE_SERVER_SECRET=$(cat "$keys/server.key")
FC_CURVE_SERVER_PUBLIC=$(cat "$keys/server.pub")
FC_CURVE_ALLOWED_CLIENTS=/etc/frontline/keys/allowed_clients.txt
FC_CURVE_CLIENT_PUBLIC=$(cat "$keys/$s.pub")
FC_CURVE_CLIENT_SECRET=$(cat "$keys/$s.key")
ENV
  mv "$keys/env/$s.env.tmp" "$keys/env/$s.env"
done

# Z85 has no single quote: single-quoting is safe
cat >"$keys/fcctl.sh.tmp" <<SH
# source this file: fcctl then speaks CURVE to the services
export FC_CURVE_SERVER_PUBLIC='$(cat "$keys/server.pub")'
export FC_CURVE_CLIENT_PUBLIC='$(cat "$keys/fcctl.pub")'
export FC_CURVE_CLIENT_SECRET='$(cat "$keys/fcctl.key")'
SH
mv "$keys/fcctl.sh.tmp" "$keys/fcctl.sh"

#!/usr/bin/env bash
# Installs, idempotently, the Debian 12 packages that building, the demo and the tests need
# (plus CI/bench tools with --with-extras). Quiet when everything is already installed.
# Usage: infra/scripts/deps.sh [--with-extras] [--check] [--list]
set -euo pipefail

# Build, run and test dependencies. Besides the libraries: what a minimal (debootstrap minbase)
# Debian 12 lacks for our scripts: procps (pgrep/pkill), iproute2 (ss), ca-certificates, git, curl
# (gateway checks), tzdata (services take a time zone). util-linux (runuser, setpriv, flock, setsid),
# coreutils and libc-bin (C.UTF-8 locale is built in) are essential packages, always present.
BASE_PKGS=(
  build-essential cmake pkg-config git ca-certificates
  libzmq3-dev libprotobuf-c-dev protobuf-c-compiler
  libhiredis-dev libpq-dev
  postgresql-15 postgresql-client-15 redis-server redis-tools
  libjansson-dev libmicrohttpd-dev libcurl4-openssl-dev libxlsxwriter-dev
  libcmocka-dev libsodium-dev libxml2-dev zlib1g-dev jq unzip
  procps iproute2 util-linux curl tzdata
)
# CI and benchmark only.
EXTRA_PKGS=(docker-compose clang libclang-rt-14-dev wrk coinor-cbc nodejs npm chromium fonts-noto-cjk)

usage() {
  cat <<'EOF'
usage: infra/scripts/deps.sh [--with-extras] [--check] [--list]
  (no option)    install whatever build/demo/test package is missing (apt-get), else print one line
  --with-extras  also docker-compose, clang + libFuzzer, wrk, coinor-cbc, Node/npm, Chromium and
                 CJK fonts (CI: fuzzing, benchmarks, the web console and its browser tests)
  --check        install nothing: print the missing packages, exit 1 if any is missing
  --list         print the package list and exit
EOF
}

with_extras=0
mode=install
for arg in "$@"; do
  case $arg in
    --with-extras) with_extras=1 ;;
    --check) mode=check ;;
    --list) mode=list ;;
    -h | --help) usage; exit 0 ;;
    *) echo "deps.sh: unknown argument: $arg" >&2; usage >&2; exit 2 ;;
  esac
done

pkgs=("${BASE_PKGS[@]}")
if ((with_extras)); then
  pkgs+=("${EXTRA_PKGS[@]}")
fi

if [[ $mode == list ]]; then
  printf '%s\n' "${pkgs[@]}"
  exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "deps.sh: dpkg-query not found: this script supports Debian 12 only" >&2
  exit 1
fi

# Prints, one per line, the packages of "$@" that are not fully installed.
missing_pkgs() {
  local status p
  # Unknown packages make dpkg-query exit 1 and say so on stderr: they simply count as missing.
  status=$(dpkg-query -W -f='${Package}\t${db:Status-Status}\n' "$@" 2>/dev/null || true)
  for p in "$@"; do
    # A Node.js from elsewhere (e.g. NodeSource, whose nodejs bundles npm) serves as well:
    # installing Debian's npm over it would conflict.
    case $p in
      nodejs) command -v node >/dev/null 2>&1 && continue ;;
      npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
    if ! awk -F'\t' -v p="$p" '$1 == p && $2 == "installed" { found = 1 } END { exit !found }' \
      <<<"$status"; then
      printf '%s\n' "$p"
    fi
  done
}

mapfile -t missing < <(missing_pkgs "${pkgs[@]}")

if ((${#missing[@]} == 0)); then
  echo "deps: all ${#pkgs[@]} packages present"
  exit 0
fi

if [[ $mode == check ]]; then
  echo "deps: missing ${#missing[@]} package(s):" >&2
  printf '%s\n' "${missing[@]}"
  exit 1
fi

if [[ -r /etc/debian_version ]] && [[ $(cut -d. -f1 /etc/debian_version) != 12 ]]; then
  echo "deps.sh: warning: this is Debian $(cat /etc/debian_version), the package names are for Debian 12" >&2
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  else
    echo "deps.sh: not root and no sudo; as root run: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

echo "deps: installing ${#missing[@]} missing package(s): ${missing[*]}"
apt_env=(env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1)
"${sudo_cmd[@]}" "${apt_env[@]}" apt-get -q update </dev/null
"${sudo_cmd[@]}" "${apt_env[@]}" apt-get -q install -y --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  "${missing[@]}" </dev/null

mapfile -t still < <(missing_pkgs "${pkgs[@]}")
if ((${#still[@]} > 0)); then
  echo "deps.sh: still missing after apt-get install: ${still[*]}" >&2
  exit 1
fi
echo "deps: done"

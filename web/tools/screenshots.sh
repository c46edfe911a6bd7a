#!/usr/bin/env bash
# A PNG of each page of the web console (web/tools/screenshots.mjs) — for `make demo` and the
# docs. Exits 0 with a message when Node is missing (the .mjs itself skips on Node < 20 and a
# missing Chromium or playwright-core). Arguments and environment: see screenshots.mjs.
# Usage: web/tools/screenshots.sh --url http://127.0.0.1:28080 --token fct_... [--out DIR]
set -uo pipefail
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
command -v node >/dev/null || { echo "screenshots: skipped: node is missing (apt-get install -y nodejs npm)"; exit 0; }
exec node "$here/screenshots.mjs" "$@"

#!/usr/bin/env bash
# Builds the web console into web/dist (what fc-gateway serves from FC_WEB_DIR): installs the
# npm dependencies pinned by web/package-lock.json (npm ci: Apache ECharts, and playwright-core
# for the browser tests), then copies the console's static files and ECharts' ES module build
# with its licence. There is no bundler or transpiler: the console is plain ES modules.
# Needs Node and npm (Debian packages nodejs, npm). Usage: infra/scripts/web.sh [OUT_DIR]
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
web=$repo/web
out=${1:-$web/dist}
command -v npm >/dev/null || { echo "web.sh: npm is missing (apt-get install -y nodejs npm)" >&2; exit 1; }
# npm ci only when the lock file changed since the last install
stamp=$web/node_modules/.fc-lock.sha256
want=$(sha256sum "$web/package-lock.json" | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
fi
ec=$web/node_modules/echarts
tmp=$(mktemp -d "${out%/}.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp -R "$web/src/." "$tmp/"
mkdir -p "$tmp/vendor/echarts"
cp "$ec/dist/echarts.esm.min.mjs" "$tmp/vendor/echarts/"
cp "$ec/LICENSE" "$tmp/vendor/echarts/LICENSE.txt"
[[ -f $ec/NOTICE ]] && cp "$ec/NOTICE" "$tmp/vendor/echarts/NOTICE.txt"
node -e 'const p=require(process.argv[1]);console.log(p.name+" "+p.version)' "$ec/package.json" >"$tmp/vendor/echarts/VERSION.txt"
# swap in the new tree at once, so a running gateway never serves a half-copied console
rm -rf "${out%/}.old"
[[ -d $out ]] && mv "$out" "${out%/}.old"
mv "$tmp" "$out"
trap - EXIT
rm -rf "${out%/}.old"
echo "web console built in $out ($(cat "$out/vendor/echarts/VERSION.txt"))"

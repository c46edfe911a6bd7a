#!/usr/bin/env bash
# Browser tests of the web console against the running system: resets the test database and
# Redis, starts every service binary there is (fc-gateway serving the console from a fresh
# build of web/), gives it a small group (two subsidiaries, people, a fund, a pending
# payment) and tokens for a group admin and a subsidiary admin, then drives Debian's Chromium
# headless through playwright-core (tests/e2e/console.test.mjs, node's test runner).
# Screenshots go to out/screenshots/. Run under tests/harness/with-env.sh (ctest does);
# exits 77 (skipped) with a message when Node, npm or Chromium is missing.
set -uo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
skip() { echo "test_web_e2e: SKIPPED: $*" >&2; exit 77; }
chromium=${FC_CHROMIUM:-/usr/bin/chromium}
command -v node >/dev/null || skip "node is missing (apt-get install -y nodejs npm)"
command -v npm >/dev/null || skip "npm is missing (apt-get install -y nodejs npm)"
# playwright-core needs Node 20 or later; Debian 12's own nodejs is 18
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
((node_major >= 20)) || skip "Node $(node --version) is too old for playwright-core (needs 20 or later)"
[[ -x $chromium ]] || skip "Chromium is missing at $chromium (apt-get install -y chromium)"
for v in FC_BIN_DIR FC_PG_ADMIN_URL FC_REDIS_URL FC_HTTP_PORT FC_TEST_LOG_DIR FC_TEST_VAR_DIR; do
  [[ -n ${!v:-} ]] || { echo "run.sh: $v is not set: run me under tests/harness/with-env.sh" >&2; exit 2; }
done
bin=$FC_BIN_DIR
fcctl=$bin/fcctl
logs=$FC_TEST_LOG_DIR
out=${FC_SCREENSHOT_DIR:-$repo/out/screenshots}
web=$FC_TEST_VAR_DIR/web
mkdir -p "$logs" "$out"

echo "== building the console into $web"
# the console's npm packages come from the registry: without it there is nothing to test
bash "$repo/infra/scripts/web.sh" "$web" || skip "the console could not be built (infra/scripts/web.sh; npm registry unreachable?)"
[[ -d $repo/web/node_modules/playwright-core ]] || { echo "run.sh: playwright-core is not installed" >&2; exit 1; }

echo "== resetting the test database and Redis"
for s in intake rotation welfare notify report gateway; do
  psql -X -q -v ON_ERROR_STOP=1 "$FC_PG_ADMIN_URL" \
    -c "DROP SCHEMA IF EXISTS $s CASCADE; CREATE SCHEMA $s AUTHORIZATION fc_$s" >/dev/null || exit 1
done
redis_hp=${FC_REDIS_URL#redis://}
redis-cli -h "${redis_hp%:*}" -p "${redis_hp##*:}" FLUSHALL >/dev/null || exit 1

pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
}
trap stop_all EXIT
trap "exit 143" TERM INT # so that a timeout's SIGTERM still stops the services

echo "== starting the services"
export FC_WEB_DIR=$web FC_LOG_LEVEL=${FC_LOG_LEVEL:-info} FC_RATE_PER_S=1000 FC_RATE_BURST=1000
services=()
declare -A pid_of
for s in intake rotation welfare notify report gateway; do
  [[ -x $bin/fc-$s ]] || { echo "   fc-$s not built: its pages will say their API is not there"; continue; }
  "$bin/fc-$s" >>"$logs/web_e2e-$s.log" 2>&1 &
  pids+=($!)
  pid_of[$s]=$!
  services+=("$s")
done
# each service healthy within 30 s; one that exits (a port taken, a bad migration) fails the
# test at once with its log, rather than being asked again until ctest's timeout
for s in "${services[@]}"; do
  deadline=$((SECONDS + 30))
  until "$fcctl" --timeout 1000 health --service "$s" >/dev/null 2>&1; do
    if ! kill -0 "${pid_of[$s]}" 2>/dev/null || ((SECONDS >= deadline)); then
      echo "run.sh: fc-$s did not become healthy; the end of $logs/web_e2e-$s.log:" >&2
      tail -n 5 "$logs/web_e2e-$s.log" >&2
      exit 1
    fi
    sleep 0.1
  done
done
base=http://127.0.0.1:$FC_HTTP_PORT
for _ in $(seq 1 100); do curl -fsS -o /dev/null "$base/openapi.json" && break; sleep 0.1; done
curl -fsS "$base/" | grep -q 'js/app.js' || {
  echo "run.sh: fc-gateway does not serve the console at $base/ (is gateway_static_serve wired into gateway_http.c?)" >&2
  exit 1
}

echo "== a small group"
q() { "$fcctl" "$@" >/dev/null || { echo "run.sh: fcctl $* failed" >&2; exit 1; }; }
q org add G --name 某钢铁集团 --kind group
q org add S01 --parent G --name 炼铁子公司 --kind subsidiary
q org add S01B1 --parent S01 --name 炼铁第一党支部 --kind branch
q org add S02 --parent G --name 轧钢子公司 --kind subsidiary
q org add S02B1 --parent S02 --name 轧钢第一党支部 --kind branch
q person add E1001 --name 王伟 --org S01B1 --phone 13800001001 --party member
q person add E1002 --name 李芳 --org S01B1 --phone 13800001002
q person add E2001 --name 张强 --org S02B1 --phone 13800002001
q person add E1009 --name "<img src=x onerror=window.__xss=1>" --org S01B1 --phone 13800001009
# a fund and a pending payment in S01 when welfare is there
if [[ " ${services[*]} " == *" welfare "* ]]; then
  q funds topup S01 retained_party_fee 50000 --memo 端到端测试
  q pay request E1002 hardship 1200 --key e2e-pay-1 --memo 家庭困难帮扶
fi
wait_sql() { # SQL expected-value what
  for _ in $(seq 1 300); do
    [[ $(psql -X -qtA "$FC_PG_ADMIN_URL" -c "$1" 2>/dev/null) == "$2" ]] && return 0
    sleep 0.1
  done
  echo "run.sh: timed out waiting for $3" >&2
  exit 1
}
# a roster of S01 for the roster page: two posts, one needing more people than S01 has (its
# shifts stay uncovered), planned from today; then E1002 came back on duty after one hour of
# rest (the minimum is 11): rotation orders a forced rest and hands those days' shifts on
if [[ " ${services[*]} " == *" rotation "* ]]; then
  q post add P01 --org S01B1 --name 北门卡口 --kind checkpoint --risk 2 --shifts '08:00-16:00*1;16:00-00:00*1'
  q post add P02 --org S01B1 --name 测温点 --kind temperature_station --risk 2 --shifts '08:00-20:00*3'
  wait_sql "SELECT count(*) FROM rotation.post WHERE post_code IN ('P01', 'P02')" 2 "rotation's posts"
  wait_sql "SELECT count(*) FROM rotation.person WHERE employee_no IN ('E1001', 'E1002', 'E1009')" 3 "rotation's people"
  export FC_E2E_ROSTER_FROM=$(TZ=Asia/Shanghai date +%F)
  q roster plan --org S01 --from "$FC_E2E_ROSTER_FROM" --days 7 --time-limit 2
  ago() { date -u -d "$1 ago" +%FT%TZ; }
  q duty in E1002 P01 --at "$(ago '5 hours')"
  q duty out E1002 --at "$(ago '4 hours')"
  q duty in E1002 P01 --at "$(ago '3 hours')"
  q duty out E1002 --at "$(ago '2 hours')"
  wait_sql "SELECT count(*) > 0 FROM rotation.forced_rest WHERE employee_no = 'E1002'" t "E1002's forced rest"
fi
# issue 11's pages: E1201 infected on frontline duty (welfare opens the work-injury filing by
# itself), masks in S01's stock and a post's request waiting for them, a daily need of the
# day, and a discrimination case of S01 for the group's work list
if [[ " ${services[*]} " == *" welfare "* ]]; then
  q person add E1201 --name 周杰 --org S01B1 --phone 13800001003
  q post add P01 --org S01B1 --name 北门卡口 --kind checkpoint --risk 2 --shifts '08:00-16:00*1;16:00-00:00*1'
  wait_sql "SELECT count(*) FROM welfare.person WHERE employee_no = 'E1201'" 1 "welfare's E1201"
  q incident E1201 infected --on-duty --desc 卡口执勤时感染
  wait_sql "SELECT count(*) FROM welfare.benefit_case WHERE employee_no = 'E1201'" 1 "E1201's work-injury filing"
  wait_sql "SELECT count(*) FROM welfare.supply_post WHERE post_code = 'P01'" 1 "welfare's post P01"
  q supply receive S01 mask 500 --source 集团调拨 --key e2e-mask-1
  q supply request P01 mask 200 --memo 卡口一周用量 --key e2e-mask-req-1
  q supply need P01 meals 6 --detail 夜班盒饭
fi
q person add E1202 --name 陈刚 --org S01 --cadre section
# a village first secretary of S01 overdue to return (due back 5 days ago), for the village page
q person add E1203 --name 孙驻村 --org S01B1 --cadre section --party member
q village assign E1203 --village 李家村 --township 青山镇 --start "$(date -u -d '40 days ago' +%FT%TZ)" \
  --planned-return "$(date -u -d '5 days ago' +%FT%TZ)"
q discrimination report E1001 --staff --desc 小区物业拒绝其回家 --reporter 王伟
token() { "$fcctl" --json token create --name "$1" --role "$2" --org "$3" | node -e \
  'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);process.stdout.write(j.secret||"")})'; }
export FC_E2E_URL=$base
export FC_E2E_GROUP_TOKEN=$(token "集团组织部 e2e" group_admin G)
export FC_E2E_S01_TOKEN=$(token "炼铁子公司组织部 e2e" org_admin S01)
export FC_E2E_S02_TOKEN=$(token "轧钢子公司组织部 e2e" org_admin S02)
[[ $FC_E2E_GROUP_TOKEN == fct_* && $FC_E2E_S01_TOKEN == fct_* && $FC_E2E_S02_TOKEN == fct_* ]] || { echo "run.sh: could not create tokens" >&2; exit 1; }
if [[ " ${services[*]} " == *" report "* ]]; then
  # this week's and last week's stored group report, for the dashboard and its trend
  for w in "$(TZ=Asia/Shanghai date -d '7 days ago' +%G-W%V)" "$(TZ=Asia/Shanghai date +%G-W%V)"; do
    q report weekly --week "$w" --org G --format json -o "$FC_TEST_VAR_DIR/report-$w.json"
  done
fi
export FC_E2E_SCREENSHOTS=$out FC_CHROMIUM=$chromium FC_E2E_PROFILE=$FC_TEST_VAR_DIR/chromium-profile
rm -rf "$FC_E2E_PROFILE"

echo "== browser tests (Chromium headless, playwright-core)"
NODE_PATH=$repo/web/node_modules node --test --test-reporter=spec --test-concurrency=1 \
  "${FC_E2E_TESTS:-$repo/tests/e2e/console.test.mjs}"
status=$?
echo "screenshots: $out"

# the demo's screenshot script (web/tools/screenshots.mjs) on this system: every page written
# (--strict), and a machine without Chromium is a message and exit 0, not a failure
echo "== screenshot script"
shots=$FC_TEST_VAR_DIR/shots
rm -rf "$shots"
if ! bash "$repo/web/tools/screenshots.sh" --url "$base" --token "$FC_E2E_GROUP_TOKEN" --out "$shots" --strict; then
  echo "run.sh: web/tools/screenshots.sh failed" >&2
  status=1
fi
n=$(find "$shots" -name '*.png' -size +2k | wc -l)
((n >= 21)) || { echo "run.sh: the screenshot script wrote $n pictures, want 21" >&2; status=1; }
msg=$(FC_CHROMIUM=/nonexistent/chromium bash "$repo/web/tools/screenshots.sh" --url "$base" --token "$FC_E2E_GROUP_TOKEN" --out "$shots/none")
[[ $? == 0 && $msg == *"skipped: Chromium is missing"* && ! -e $shots/none ]] ||
  { echo "run.sh: without Chromium the screenshot script must say so and exit 0: $msg" >&2; status=1; }
msg=$(bash "$repo/web/tools/screenshots.sh" --url "$base" --token fct_not_a_real_token_at_all_0000000000000000 --out "$shots/bad" 2>&1)
[[ $? == 1 && $msg == *"refused"* ]] || { echo "run.sh: a refused token must fail the screenshot script: $msg" >&2; status=1; }
exit $status

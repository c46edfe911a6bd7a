#!/usr/bin/env bash
# make demo: starts a private PostgreSQL, Redis and every service (a fresh instance under
# var/demo, on ports of its own, so it never touches `make up`'s data), builds a small group,
# records a few hundred health check-ins through fcctl, waits until rotation and report have
# applied every event, prints what each service did, and stops everything.
# Usage: infra/scripts/demo.sh [BUILD_DIR]
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=${1:-build}
bin=$repo/$build/bin
fcctl=$bin/fcctl

export FC_VAR_DIR=$repo/var/demo FC_PG_PORT=55450 FC_REDIS_PORT=56390
unset FC_PG_URL FC_REDIS_URL
export FC_INTAKE_ENDPOINT=tcp://127.0.0.1:5591 FC_ROTATION_ENDPOINT=tcp://127.0.0.1:5592
export FC_WELFARE_ENDPOINT=tcp://127.0.0.1:5593 FC_NOTIFY_ENDPOINT=tcp://127.0.0.1:5594
export FC_REPORT_ENDPOINT=tcp://127.0.0.1:5595 FC_GATEWAY_ENDPOINT=tcp://127.0.0.1:5596
export FC_HTTP_PORT=58290
out=$repo/out
mkdir -p "$out"

cleanup() { bash "$repo/infra/scripts/down.sh" >/dev/null 2>&1 || true; }
trap cleanup EXIT
bash "$repo/infra/scripts/localinfra.sh" destroy >/dev/null 2>&1 || true

step() { printf '\n== %s\n' "$*"; }
psql_q() { bash "$repo/infra/scripts/localinfra.sh" psql -X -q -v ON_ERROR_STOP=1 "$@"; }

step "1/5 starting PostgreSQL, Redis and the services"
bash "$repo/infra/scripts/up.sh" "$build" | sed -n '/^SERVICE/,/^$/p'

step "2/5 organisation: 1 group, 3 subsidiaries, 6 branches, 300 people (via fcctl)"
"$fcctl" org add G --name "某钢铁集团" --kind group >/dev/null
subs=(S1 S2 S3)
names=("炼铁子公司" "轧钢子公司" "物流子公司")
for i in 0 1 2; do
  "$fcctl" org add "${subs[$i]}" --parent G --name "${names[$i]}" --kind subsidiary >/dev/null
  for b in 1 2; do
    "$fcctl" org add "${subs[$i]}B$b" --parent "${subs[$i]}" --name "${names[$i]}第${b}党支部" \
      --kind branch >/dev/null
  done
done
surnames=(王 李 张 刘 陈 杨 赵 黄 周 吴)
given=(伟 芳 娜 敏 静 强 磊 军 洋 勇 艳 杰 涛 明 超)
for n in $(seq 0 299); do
  sub=${subs[$((n % 3))]}
  emp=$(printf 'E%05d' "$n")
  name=${surnames[$((n % 10))]}${given[$((n % 15))]}
  args=(person add "$emp" --name "$name" --org "${sub}B$((n / 3 % 2 + 1))"
    --phone "138$(printf '%08d' "$n")")
  ((n % 4 == 0)) && args+=(--party member)
  ((n % 25 == 1)) && args+=(--leadership --cadre division)
  "$fcctl" "${args[@]}" >/dev/null
done
# couples: every 50th person is married to the next one (the link is kept symmetric)
for n in $(seq 0 50 299); do
  "$fcctl" person add "$(printf 'E%05d' "$n")" --name "${surnames[$((n % 10))]}${given[$((n % 15))]}" \
    --org "${subs[$((n % 3))]}B$((n / 3 % 2 + 1))" --phone "138$(printf '%08d' "$n")" \
    --spouse "$(printf 'E%05d' $((n + 1)))" >/dev/null
done
echo "300 people registered; one of them:"
"$fcctl" person show E00050 | sed 's/^/   /'

step "3/5 health check-ins: 2 per person over the last day (600 rows, one fcctl call)"
csv=$out/demo-checkins.csv
now=$(date -u +%s)
{
  echo "employee_no,temperature,at"
  for n in $(seq 0 299); do
    for k in 0 1; do
      t=$((now - 86000 + n * 97 % 40000 + k * 43200))
      temp="36.$((n * 7 % 8 + 1))"
      ((n % 37 == k)) && temp="38.$((n % 9))" # a few fevers
      echo "$(printf 'E%05d' "$n"),$temp,$(date -u -d "@$t" +%Y-%m-%dT%H:%M:%SZ)"
    done
  done
} >"$csv"
"$fcctl" checkin --file "$csv"
"$fcctl" checkin E00001 45.2 || echo "   (refused, as it should be: nothing was stored)"

step "4/5 waiting for rotation and report to apply every event"
for _ in $(seq 100); do
  r=$(psql_q -tAc "SELECT COALESCE(sum(checkins),0) FROM rotation.person_health")
  p=$(psql_q -tAc "SELECT COALESCE(sum(checkins),0) FROM report.health_daily")
  [[ $r == 600 && $p == 600 ]] && break
  sleep 0.2
done
echo "rotation applied $r events, report applied $p events"

step "5/5 what each service did"
psql_q <<'SQL' | tee "$out/demo-summary.txt"
\pset footer off
SELECT 'intake' AS service,
       (SELECT count(*) FROM intake.org_unit) AS org_units,
       (SELECT count(*) FROM intake.person) AS people,
       (SELECT count(*) FROM intake.person WHERE spouse_employee_no IS NOT NULL) AS in_couples,
       (SELECT count(*) FROM intake.health_checkin) AS checkins,
       (SELECT count(*) FROM intake.outbox) AS events_published,
       (SELECT count(*) FROM intake.outbox WHERE published_at IS NULL) AS not_yet_relayed;
SELECT 'rotation' AS service, count(*) AS people_tracked, sum(checkins) AS checkins_applied,
       count(*) FILTER (WHERE fever) AS last_reading_fever,
       (SELECT count(*) FROM rotation.inbox) AS inbox_events
FROM rotation.person_health;
SELECT 'report' AS service, day, org_code, checkins, fevers
FROM report.health_daily ORDER BY day, org_code;
SQL
echo
"$fcctl" health
step "stopping everything"
cleanup
trap - EXIT
left=$(pgrep -f "$bin/fc-" || true)
[[ -z $left ]] && echo "all services stopped; PostgreSQL and Redis stopped; no process left" ||
  { echo "processes left: $left" >&2; exit 1; }
echo "summary written to out/demo-summary.txt"

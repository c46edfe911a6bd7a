#!/usr/bin/env bash
# make demo: the product's main job on one machine. Starts a private PostgreSQL, Redis, every
# service and the loopback stand-ins for WeCom and SMS (a fresh instance under var/demo, on ports
# of its own, so it never touches `make up`'s data); imports a synthetic group (fc-gen: a few
# thousand people) through the CSV import; plays four weeks of its life through the services on
# a simulated clock (`fcctl play`: rosters planned, duty and health check-ins, overloads and
# forced rests, incidents and visits, subsidies and condolences paid, reminders sent, weekly
# reports on schedule); writes the group Party committee's weekly reports (XLSX, HTML, CSV) and
# the log of reminders to out/; prints what happened and where to look; stops everything.
# Usage: infra/scripts/demo.sh [BUILD_DIR]
#   FC_DEMO_PEOPLE (2000), FC_DEMO_WEEKS (4), FC_DEMO_SEED (42), FC_DEMO_START (2026-11-02, a
#   Monday), FC_DEMO_OUT (out/) change the scenario and where its outputs go.
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=${1:-build}
bin=$repo/$build/bin
fcctl=$bin/fcctl
people=${FC_DEMO_PEOPLE:-2000}
weeks=${FC_DEMO_WEEKS:-4}
seed=${FC_DEMO_SEED:-42}
start=${FC_DEMO_START:-2026-11-02}
out=${FC_DEMO_OUT:-$repo/out}

export FC_VAR_DIR=$repo/var/demo FC_PG_PORT=25450 FC_REDIS_PORT=24390
unset FC_PG_URL FC_REDIS_URL FC_GATEWAY_URL FC_TOKEN
export FC_INTAKE_ENDPOINT=tcp://127.0.0.1:5591 FC_ROTATION_ENDPOINT=tcp://127.0.0.1:5592
export FC_WELFARE_ENDPOINT=tcp://127.0.0.1:5593 FC_NOTIFY_ENDPOINT=tcp://127.0.0.1:5594
export FC_REPORT_ENDPOINT=tcp://127.0.0.1:5595 FC_GATEWAY_ENDPOINT=tcp://127.0.0.1:5596
export FC_HTTP_PORT=28290
sink_port=28291

# The simulated clock every service reads (FC_CLOCK=file:): fcctl play moves it.
clock=$FC_VAR_DIR/clock
export FC_CLOCK=file:$clock
# The demo's notification set-up: people get the in-app inbox, departments their WeCom robot
# and the inbox; every message also goes to a file channel (the reminder log), and
# WeCom robots and SMS go to the loopback sink, which journals what it received.
policy=$FC_VAR_DIR/policy
export FC_POLICY_DIR=$policy
export NOTIFY_FILE_SINK=$out/reminders.jsonl
export NOTIFY_SMS_URL=http://127.0.0.1:$sink_port/sms/send
export NOTIFY_SMS_QUERY_URL=http://127.0.0.1:$sink_port/sms/query
export NOTIFY_SMS_SIGN=某钢铁集团 NOTIFY_SMS_TOKEN=demo
export NOTIFY_WECOM_RATE=0 # the sink is no rate-limited robot; pacing is tested elsewhere

sink_pid=
cleanup() {
  [[ -n $sink_pid ]] && kill "$sink_pid" 2>/dev/null && wait "$sink_pid" 2>/dev/null
  bash "$repo/infra/scripts/down.sh" >/dev/null 2>&1 || true
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
psql_q() { bash "$repo/infra/scripts/localinfra.sh" psql -X -q -v ON_ERROR_STOP=1 "$@"; }
t0=$SECONDS

bash "$repo/infra/scripts/localinfra.sh" destroy >/dev/null 2>&1 || true
rm -rf "$FC_VAR_DIR"
mkdir -p "$FC_VAR_DIR" "$policy" "$out"
rm -f "$out"/reminders.jsonl "$out"/webhooks.jsonl "$out"/report-*.xlsx "$out"/report-*.html \
  "$out"/report-*.json
rm -rf "$out"/report-*-csv
cp "$repo"/infra/policy/*.json "$policy/"
jq '.channels.person = ["inbox", "file"] | .channels.desk = ["wecom", "inbox", "file"]' "$repo/infra/policy/notify.json" \
  >"$policy/notify.json"
date -u -d "$start -1 day 12:00" +%Y-%m-%dT%H:%M:%SZ >"$clock"

step "1/7 生成集团：$people 人，$weeks 周（fc-gen，种子 $seed）"
scen=$FC_VAR_DIR/scenario
"$bin/fc-gen" --out "$scen" --seed "$seed" --people "$people" --weeks "$weeks" --start "$start"

step "2/7 启动 PostgreSQL、Redis、各服务和本机的企业微信/短信模拟端"
"$bin/fc-sink" --http-port "$sink_port" --journal "$out/webhooks.jsonl" 2>/dev/null &
sink_pid=$!
# the web console (web/dist, which fc-gateway serves) for the screenshots at the end
web_ok=0
bash "$repo/infra/scripts/web.sh" >/dev/null 2>&1 && web_ok=1
bash "$repo/infra/scripts/up.sh" "$build" | sed -n '/^SERVICE/,/^$/p'

step "3/7 导入组织、岗位和人员（fcctl import），配置资金和各子公司组织部的接收方式"
"$fcctl" import org "$scen/org.csv"
"$fcctl" import posts "$scen/posts.csv"
"$fcctl" import people "$scen/people.csv"
subs=$(awk -F, 'NR > 1 && $4 == "subsidiary" { print $1 }' "$scen/org.csv")
for s in $subs; do
  # 疫情防控补助 pays the daily subsidies, 专项党费 the condolences, 留存党费 hardship help
  "$fcctl" funds topup "$s" epidemic_subsidy 1500000 --key "demo-$s-subsidy" --memo 疫情防控补助经费 >/dev/null
  "$fcctl" funds topup "$s" special_party_fee 200000 --key "demo-$s-special" --memo 上级党委下拨专项党费 >/dev/null
  "$fcctl" funds topup "$s" retained_party_fee 100000 --key "demo-$s-retained" --memo 留存党费 >/dev/null
  "$fcctl" notify desk "$s" --name "$(awk -F, -v s="$s" '$1 == s { print $3 }' "$scen/org.csv")党委组织部" \
    --wecom "http://127.0.0.1:$sink_port/robot/$s" --channels wecom,inbox,file >/dev/null
done
"$fcctl" notify desk G --name 集团党委组织部 --wecom "http://127.0.0.1:$sink_port/robot/G" \
  --channels wecom,inbox,file >/dev/null
echo "资金已拨付，组织部接收方式已配置（企业微信机器人 → 本机模拟端）"

step "4/7 按模拟时钟播放 $weeks 周（fcctl play）：排班、值班、打卡、意外事件、看望、周报"
"$fcctl" --timeout 60000 play "$scen/events.jsonl" --clock-file "$clock" --step-minutes "${FC_DEMO_STEP_MINUTES:-60}"

step "5/7 生成各周的集团周报（XLSX、HTML、CSV、JSON）"
first_week=$(date -u -d "$start" +%G-W%V)
for ((w = 0; w < weeks; w++)); do
  week=$(date -u -d "$start +$((w * 7)) days" +%G-W%V)
  "$fcctl" report weekly --week "$week" --format xlsx -o "$out/report-$week.xlsx" >/dev/null
  "$fcctl" report get --week "$week" --format html -o "$out/report-$week.html" >/dev/null
  "$fcctl" report get --week "$week" --format json -o "$out/report-$week.json" >/dev/null
  "$fcctl" report get --week "$week" --format csv -o "$out/report-$week-csv" >/dev/null
  echo "$week: $(jq -r '"\(.meta.completeness // "?")，版本 \(.meta.version // "?")"' "$out/report-$week.json" 2>/dev/null || echo 已生成)"
done

step "6/7 网页控制台截图（out/screenshots/）"
# the console as the group organisation department sees it after the four weeks; skipped with
# a message where Node 20 or Chromium is missing
if ((web_ok)); then
  token=$("$fcctl" --json token create --name 演示截图 --role group_admin --org G |
    jq -r '.secret // empty')
  bash "$repo/web/tools/screenshots.sh" --url "http://127.0.0.1:$FC_HTTP_PORT" --token "$token" \
    --out "$out/screenshots" || echo "截图未能全部完成（不影响其余结果）"
else
  echo "screenshots: skipped: the web console could not be built (infra/scripts/web.sh)"
fi

step "7/7 发生了什么"
if "$fcctl" funds check >/dev/null; then ledger="通过（每一分钱都有来处和去处）"; else ledger="未通过！见 fcctl funds check"; fi
psql_q -tA -F '|' <<'SQL' >"$FC_VAR_DIR/summary.txt"
SELECT 'people', count(*) FROM intake.person;
SELECT 'orgs', count(*) FROM intake.org_unit;
SELECT 'posts', count(*) FROM intake.post;
SELECT 'duty', count(*), coalesce(sum(minutes), 0) / 60 FROM intake.duty;
SELECT 'checkins', count(*) FROM intake.health_checkin;
SELECT 'incidents', count(*), count(*) FILTER (WHERE kind = 'died'),
       count(*) FILTER (WHERE kind = 'infected') FROM intake.incident;
SELECT 'rosters', count(*), coalesce(sum(revision), 0) FROM rotation.roster;
SELECT 'uncovered', count(*) FROM rotation.roster_uncovered WHERE superseded_by IS NULL;
SELECT 'warnings', count(*) FROM rotation.overload_warning;
SELECT 'rests', count(*), count(DISTINCT employee_no) FROM rotation.forced_rest;
SELECT 'pay_' || kind, count(*) FILTER (WHERE state = 'paid'),
       coalesce(sum(amount) FILTER (WHERE state = 'paid'), 0),
       count(*) FILTER (WHERE state IN ('pending', 'awaiting_funds'))
FROM welfare.disbursement GROUP BY kind;
SELECT 'visits', count(*), count(*) FILTER (WHERE state = 'done' AND done_us <= due_us),
       count(*) FILTER (WHERE escalated) FROM notify.task WHERE kind = 'incident_visit';
SELECT 'benefit', count(*), count(*) FILTER (WHERE kind = 'work_injury'),
       count(*) FILTER (WHERE kind IN ('death_on_duty', 'martyr')) FROM welfare.benefit_case;
SELECT 'messages', count(*) FROM notify.message;
SELECT 'del_' || channel, count(*) FILTER (WHERE state = 'sent'), count(*) FROM notify.delivery
GROUP BY channel;
SELECT 'reports', count(*), count(*) FILTER (WHERE trigger = 'schedule') FROM report.report;
SQL
get() { awk -F'|' -v k="$1" -v f="${2:-2}" '$1 == k { print $f; found = 1 } END { if (!found) print 0 }' "$FC_VAR_DIR/summary.txt"; }
yuan() { awk -v f="$1" 'BEGIN { printf "%.2f", f / 100 }'; }
sent=$(awk -F'|' '$1 ~ /^del_/ { s += $2 } END { print s + 0 }' "$FC_VAR_DIR/summary.txt")
{
  echo "组织：$(get orgs) 个单位，$(get people) 人，$(get posts) 个一线岗位"
  echo "值班：$(get duty) 人次，共 $(get duty 3) 小时；健康打卡 $(get checkins) 条"
  echo "排班：$(get rosters) 份排班，替换 $(get rosters 3) 次，未能排满的班次 $(get uncovered) 个"
  echo "超负荷：预警 $(get warnings) 次，强制休息 $(get rests) 次（$(get rests 3) 人）"
  echo "意外事件：$(get incidents) 起（殉职 $(get incidents 3)，感染 $(get incidents 4)）；应看望 $(get visits) 人，24 小时内办结 $(get visits 3)，逾期升级 $(get visits 4)"
  echo "临时性工作补助：$(get pay_frontline_subsidy) 笔，$(yuan "$(get pay_frontline_subsidy 3)") 元"
  echo "慰问金：$(get pay_condolence) 笔，$(yuan "$(get pay_condolence 3)") 元；困难帮扶：已发 $(get pay_hardship) 笔，待审批 $(get pay_hardship 4) 笔"
  echo "待遇申请（第一时间自动立案）：$(get benefit) 件（工伤申报 $(get benefit 3)，因公牺牲与烈士评定 $(get benefit 4)）"
  echo "提醒：$(get messages) 条消息，$sent 次投递（企业微信 $(get del_wecom)，短信 $(get del_sms)，站内 $(get del_inbox)，文件 $(get del_file)）"
  echo "周报：共生成 $(get reports) 个版本（其中按计划自动生成 $(get reports 3) 个）"
  echo "账本核对：$ledger"
} | tee "$out/demo-summary.txt"

step "停止所有进程"
cleanup
sink_pid=
trap - EXIT
left=$(pgrep -f "$bin/fc-" || true)
[[ -z $left ]] && echo "各服务、PostgreSQL 和 Redis 均已停止" ||
  { echo "processes left: $left" >&2; exit 1; }
cat <<MSG

用时 $((SECONDS - t0)) 秒。去哪里看：
  $out/report-$first_week.xlsx 等    集团党委每周看的工作簿（每周一份）
  $out/report-$first_week.html 等    同一份周报的网页版（可打印）
  $out/report-<周>-csv/             周报各表的 CSV
  $out/reminders.jsonl              发出的每一条提醒（文件渠道）
  $out/webhooks.jsonl               企业微信机器人和短信平台收到的每一个请求（本机模拟端）
  $out/screenshots/                 网页控制台各页面的截图
  $out/demo-summary.txt             上面这段摘要
MSG

/* fcctl_rotation: rosters (plan, show, explain, spouse overrides), compensatory leave and
 * workload, from the rotation service. Output in Chinese; --json prints the reply. */
#include "fcctl.h"
#include "fc/v1/rotation.pb-c.h"
#include "fc_clock.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "HH:MM" of an instant in Asia/Shanghai. */
static void s_hm(int64_t us, char *buf, size_t n)
{
    char full[40];
    fc_time_format_local(us, full, sizeof full);
    snprintf(buf, n, "%.5s", full + 11);
}

static const char *s_risk(int risk)
{
    return risk == 1 ? "一类" : risk == 2 ? "二类" : "—";
}

/* The workload metrics rotation measures, in Chinese; minutes: shown in hours. */
static const struct {
    const char *metric, *title, *unit;
    int minutes;
} s_metrics[] = {{"minutes_day", "今日工时", "小时", 1},
                 {"minutes_7d", "近 7 天工时", "小时", 1},
                 {"consecutive_days", "连续上岗", "天", 0},
                 {"rest_minutes", "上一班前休息", "小时", 1}};

/* "当日工时 13.0 小时，超过上限 12.0 小时": what passed which threshold (rest_minutes is a
 * minimum, the others are maxima); minutes_day is that day's, not today's. */
static void s_breach(const char *metric, int64_t value, int64_t limit, char *buf, size_t n)
{
    for (size_t k = 0; k < sizeof s_metrics / sizeof s_metrics[0]; k++) {
        if (strcmp(s_metrics[k].metric, metric) != 0)
            continue;
        const char *how = strcmp(metric, "rest_minutes") == 0 ? "少于下限" : "超过上限";
        const char *title = k == 0 ? "当日工时" : s_metrics[k].title;
        if (s_metrics[k].minutes)
            snprintf(buf, n, "%s %.1f %s，%s %.1f %s", title, value / 60.0, s_metrics[k].unit, how,
                     limit / 60.0, s_metrics[k].unit);
        else
            snprintf(buf, n, "%s %lld %s，%s %lld %s", title, (long long)value, s_metrics[k].unit,
                     how, (long long)limit, s_metrics[k].unit);
        return;
    }
    snprintf(buf, n, "%s %lld，阈值 %lld", metric, (long long)value, (long long)limit);
}

static int s_days(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 1 || v > 366) {
        fprintf(stderr, "fcctl: --days: \"%s\" is not a number of days (1-366)\n", s);
        return FCCTL_EUSAGE;
    }
    *out = (int)v;
    return FCCTL_OK;
}

static int cmd_roster_plan(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__RosterPlanRequest req = FC__V1__ROSTER_PLAN_REQUEST__INIT;
    static const struct option opts[] = {{"org", required_argument, NULL, 'o'},
                                         {"from", required_argument, NULL, 'f'},
                                         {"days", required_argument, NULL, 'd'},
                                         {"time-limit", required_argument, NULL, 't'},
                                         {0}};
    int c, days = 0;
    while ((c = getopt_long(argc, argv, "o:f:d:t:", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            req.org_code = optarg;
            break;
        case 'f':
            req.from_date = optarg;
            break;
        case 'd':
            if (s_days(optarg, &days) != FCCTL_OK)
                return FCCTL_EUSAGE;
            break;
        case 't':
            req.time_limit_s = atoi(optarg);
            break;
        default:
            return FCCTL_EUSAGE;
        }
    }
    if (optind != argc || !req.org_code[0] || !req.from_date[0])
        return FCCTL_EUSAGE;
    req.days = days;
    /* planning takes up to its time limit: wait for it rather than retry */
    int wait_ms = ((req.time_limit_s > 0 ? req.time_limit_s : 10) + 60) * 1000;
    if (ctl->timeout_ms < wait_ms)
        ctl->timeout_ms = wait_ms;
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "rotation", "rotation.roster_plan", &req.base,
                        &fc__v1__roster_plan_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    const Fc__V1__RosterPlanReply *r = (const Fc__V1__RosterPlanReply *)reply;
    if (ctl->json) {
        fcctl_print_json(reply);
    } else {
        printf("排班已生成：组织 %s 第 %d 版（排班号 %lld），%s 起 %d 天\n", r->org_code,
               r->version, (long long)r->roster_id, r->from_date, r->days);
        printf("人员 %d 人，班次类型 %d 个，排入 %d 个班次，调休 %d 天，用时 %lld 毫秒\n",
               r->people, r->shift_types, r->assignments, r->comp_leave_days,
               (long long)r->plan_ms);
        printf("独立校验：硬性规则违反 %d 条\n", r->hard_violations);
        printf("罚分 %lld", (long long)r->penalty);
        for (size_t i = 0; i < r->n_penalties; i++)
            printf("%s%s %lld", i ? "，" : "：", r->penalties[i]->title,
                   (long long)r->penalties[i]->penalty);
        printf("\n");
        if (r->n_uncovered)
            printf("缺员 %zu 个班次：\n", r->n_uncovered);
        for (size_t i = 0; i < r->n_uncovered; i++)
            printf("  %s\n", r->uncovered[i]->text);
    }
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static int cmd_roster_show(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__RosterShowRequest req = FC__V1__ROSTER_SHOW_REQUEST__INIT;
    static const struct option opts[] = {{"org", required_argument, NULL, 'o'},
                                         {"person", required_argument, NULL, 'p'},
                                         {"from", required_argument, NULL, 'f'},
                                         {"days", required_argument, NULL, 'd'},
                                         {0}};
    int c, days = 7;
    while ((c = getopt_long(argc, argv, "o:p:f:d:", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            req.org_code = optarg;
            break;
        case 'p':
            req.employee_no = optarg;
            break;
        case 'f':
            req.from_date = optarg;
            break;
        case 'd':
            if (s_days(optarg, &days) != FCCTL_OK)
                return FCCTL_EUSAGE;
            break;
        default:
            return FCCTL_EUSAGE;
        }
    }
    if (optind != argc || !!req.org_code[0] == !!req.employee_no[0] || !req.from_date[0])
        return FCCTL_EUSAGE;
    req.days = days;
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "rotation", "rotation.roster_show", &req.base,
                        &fc__v1__roster_show_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    const Fc__V1__RosterShowReply *r = (const Fc__V1__RosterShowReply *)reply;
    if (ctl->json) {
        fcctl_print_json(reply);
    } else {
        const char *last = "";
        if (!r->n_entries)
            printf("该期间没有排班\n");
        for (size_t i = 0; i < r->n_entries; i++) {
            const Fc__V1__RosterEntry *e = r->entries[i];
            char a[8], b[8];
            s_hm(e->start_us, a, sizeof a);
            s_hm(e->end_us, b, sizeof b);
            if (strcmp(last, e->date) != 0)
                printf("%s\n", e->date);
            last = e->date;
            printf("  %s-%s  %-10s %-12s %s  %-10s %-8s 第%d版%s%s%s\n", a, b, e->post_code,
                   e->post_name, s_risk(e->risk_class), e->employee_no, e->name, e->version,
                   e->revision ? "（已调整）" : "", e->note[0] ? "  " : "", e->note);
        }
        if (r->truncated)
            printf("……结果过多，请缩小日期范围\n");
        if (r->n_uncovered)
            printf("缺员：\n");
        for (size_t i = 0; i < r->n_uncovered; i++)
            printf("  %s\n", r->uncovered[i]->text);
        if (r->n_leave)
            printf("调休：\n");
        for (size_t i = 0; i < r->n_leave; i++)
            printf("  %s %s %s\n", r->leave[i]->date, r->leave[i]->employee_no, r->leave[i]->name);
        if (r->n_forced_rests)
            printf("强制休息：\n");
        for (size_t i = 0; i < r->n_forced_rests; i++) {
            const Fc__V1__ForcedRest *f = r->forced_rests[i];
            char a[40], b[40], why[160];
            fc_time_format_local(f->from_us, a, sizeof a);
            fc_time_format_local(f->until_us, b, sizeof b);
            s_breach(f->metric, f->value, f->limit, why, sizeof why);
            printf("  %-10s %-8s %.16s 至 %.16s（%s）：%s\n", f->employee_no, f->name, a, b,
                   f->in_force ? "生效中" : "不在生效期", why);
        }
    }
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static int cmd_roster_explain(fcctl_t *ctl, int argc, char **argv)
{
    if (argc != 3)
        return FCCTL_EUSAGE;
    Fc__V1__RosterExplainRequest req = FC__V1__ROSTER_EXPLAIN_REQUEST__INIT;
    req.employee_no = argv[1];
    req.date = argv[2];
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "rotation", "rotation.roster_explain", &req.base,
                        &fc__v1__roster_explain_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    const Fc__V1__RosterExplainReply *r = (const Fc__V1__RosterExplainReply *)reply;
    if (ctl->json)
        fcctl_print_json(reply);
    else
        printf("排班号 %lld 第 %d 版（调整 %d 次）\n%s", (long long)r->roster_id, r->version,
               r->revision, r->text);
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static int cmd_roster_override(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__SpouseOverrideRequest req = FC__V1__SPOUSE_OVERRIDE_REQUEST__INIT;
    static const struct option opts[] = {{"spouse", required_argument, NULL, 's'},
                                         {"from", required_argument, NULL, 'f'},
                                         {"to", required_argument, NULL, 't'},
                                         {"reason", required_argument, NULL, 'r'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "s:f:t:r:", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            req.spouse_employee_no = optarg;
            break;
        case 'f':
            req.from_date = optarg;
            break;
        case 't':
            req.to_date = optarg;
            break;
        case 'r':
            req.reason = optarg;
            break;
        default:
            return FCCTL_EUSAGE;
        }
    }
    if (optind != argc - 1)
        return FCCTL_EUSAGE;
    req.employee_no = argv[optind];
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "rotation", "rotation.spouse_override", &req.base,
                        &fc__v1__spouse_override_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    if (ctl->json)
        fcctl_print_json(reply);
    else
        printf("已登记：%s 与配偶 %s 在 %s 至 %s 可同日上岗（例外 %lld），理由：%s\n",
               req.employee_no, req.spouse_employee_no, req.from_date, req.to_date,
               (long long)((Fc__V1__SpouseOverrideReply *)reply)->override_id, req.reason);
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static int cmd_leave_show(fcctl_t *ctl, int argc, char **argv)
{
    if (argc != 2)
        return FCCTL_EUSAGE;
    Fc__V1__LeaveShowRequest req = FC__V1__LEAVE_SHOW_REQUEST__INIT;
    req.employee_no = argv[1];
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "rotation", "rotation.leave_show", &req.base,
                        &fc__v1__leave_show_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    const Fc__V1__LeaveShowReply *r = (const Fc__V1__LeaveShowReply *)reply;
    if (ctl->json) {
        fcctl_print_json(reply);
    } else {
        printf("%s：一线工作 %d 天（排班中另有 %d 天），每 %d 天一线工作调休 1 天，"
               "应得调休 %d 天\n",
               r->employee_no, r->frontline_days, r->planned_days, r->days_per_leave, r->earned);
        printf("已休 %zu 天%s", r->n_taken, r->n_taken ? "：" : "");
        for (size_t i = 0; i < r->n_taken; i++)
            printf("%s%s", i ? "、" : "", r->taken[i]);
        printf("\n已排 %zu 天%s", r->n_scheduled, r->n_scheduled ? "：" : "");
        for (size_t i = 0; i < r->n_scheduled; i++)
            printf("%s%s", i ? "、" : "", r->scheduled[i]);
        printf("\n%s %d 天\n", r->owed >= 0 ? "尚欠" : "已提前安排", abs(r->owed));
    }
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static int cmd_workload_show(fcctl_t *ctl, int argc, char **argv)
{
    if (argc != 2)
        return FCCTL_EUSAGE;
    Fc__V1__WorkloadShowRequest req = FC__V1__WORKLOAD_SHOW_REQUEST__INIT;
    req.employee_no = argv[1];
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "rotation", "rotation.workload_show", &req.base,
                        &fc__v1__workload_show_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    const Fc__V1__WorkloadShowReply *r = (const Fc__V1__WorkloadShowReply *)reply;
    if (ctl->json) {
        fcctl_print_json(reply);
    } else {
        printf("%s（%s）：%s\n", r->employee_no, r->org_code, r->available ? "可上岗" : "不可上岗");
        for (size_t i = 0; i < r->n_thresholds; i++) {
            const Fc__V1__Threshold *t = r->thresholds[i];
            for (size_t k = 0; k < sizeof s_metrics / sizeof s_metrics[0]; k++) {
                if (strcmp(s_metrics[k].metric, t->metric) != 0)
                    continue;
                const char *lv = strcmp(t->level, "exceeded") == 0  ? "超限"
                                 : strcmp(t->level, "warning") == 0 ? "预警"
                                                                    : "正常";
                if (t->value < 0)
                    printf("  %-12s —\n", s_metrics[k].title);
                else if (s_metrics[k].minutes)
                    printf("  %-12s %.1f %s（%s %.1f %s，%s）\n", s_metrics[k].title,
                           t->value / 60.0, s_metrics[k].unit, k == 3 ? "至少" : "上限",
                           t->limit / 60.0, s_metrics[k].unit, lv);
                else
                    printf("  %-12s %lld %s（上限 %lld %s，%s）\n", s_metrics[k].title,
                           (long long)t->value, s_metrics[k].unit, (long long)t->limit,
                           s_metrics[k].unit, lv);
            }
        }
        for (size_t i = 0; i < r->n_unavailable; i++)
            printf("  %s\n", r->unavailable[i]);
    }
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

const fcctl_cmd_t fcctl_rotation_cmds[] = {
    {"roster plan", "roster plan --org CODE --from YYYY-MM-DD [--days N] [--time-limit S]",
     "plan the posts of an org subtree", cmd_roster_plan},
    {"roster show", "roster show --org CODE|--person EMPNO --from YYYY-MM-DD [--days N]",
     "show the current roster", cmd_roster_show},
    {"roster explain", "roster explain EMPNO YYYY-MM-DD",
     "why a person is (or is not) on duty that day", cmd_roster_explain},
    {"roster spouse-override",
     "roster spouse-override EMPNO --spouse EMPNO --from YYYY-MM-DD --to YYYY-MM-DD --reason TEXT",
     "let a couple both be on duty on those days", cmd_roster_override},
    {"leave show", "leave show EMPNO", "compensatory leave owed, taken and scheduled",
     cmd_leave_show},
    {"workload show", "workload show EMPNO", "workload against the rest thresholds",
     cmd_workload_show},
    {NULL, NULL, NULL, NULL},
};

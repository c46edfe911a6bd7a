/* rotation_msg: the message table and the sentences built from it. */
#include "rotation_msg.h"

#include <stdio.h>
#include <string.h>

static const char *s_rules[RP_NRULES] = {
    [RP_H_SAME_DAY] = "每天至多一个班次",
    [RP_H_UNFIT] = "一线适岗",
    [RP_H_SKILL] = "岗位资格",
    [RP_H_DAY_OFF] = "休息日（调休、请假，或配偶当天在其他排班中上岗）",
    [RP_H_UNAVAILABLE] = "可上岗（伤病、健康状况、强制休息）",
    [RP_H_DAY_MINUTES] = "每日工时上限",
    [RP_H_WEEK_MINUTES] = "任意 7 天工时上限",
    [RP_H_CONSECUTIVE] = "连续上岗天数上限",
    [RP_H_REST] = "两班之间最少休息",
    [RP_H_SUCCESSION] = "班次衔接限制",
    [RP_H_CYCLE] = "轮换周期（上岗/轮休）",
    [RP_H_SPOUSE] = "双职工夫妻不同日上一线",
    [RP_H_MAX_SHIFTS] = "同类班次次数上限",
    [RP_H_MAX_MINUTES] = "排班期总工时上限",
    [RP_H_MAX_WEEKENDS] = "上岗周末数上限",
    [RP_H_UNREPORTED] = "缺员须如实报告",
    [RP_H_BAD_REF] = "排班条目须指向已知人员、日期和班次",
    [RP_S_UNDER_COVER] = "缺员",
    [RP_S_OVER_COVER] = "超员",
    [RP_S_REQUEST_ON] = "上岗意愿未满足",
    [RP_S_REQUEST_OFF] = "休息意愿未满足",
    [RP_S_MIN_MINUTES] = "总工时不足",
    [RP_S_MIN_CONSECUTIVE] = "连续上岗天数过短",
    [RP_S_MIN_DAYS_OFF] = "连续休息天数过短",
    [RP_S_FAIRNESS] = "工时分配公平",
    [RP_S_RISK_FAIRNESS] = "高风险班次分配公平",
    [RP_S_PREFERENCE] = "一类岗位优先安排年轻干部和党员",
    [RP_S_CONTINUITY] = "岗位连续性",
};

/* What each rule measures, to print the value and limit: minutes, days or a count. */
typedef enum { S_NONE, S_MIN, S_DAYS, S_COUNT } s_unit_t;

static s_unit_t s_unit(int rule)
{
    switch (rule) {
    case RP_H_DAY_MINUTES:
    case RP_H_WEEK_MINUTES:
    case RP_H_REST:
    case RP_H_MAX_MINUTES:
        return S_MIN;
    case RP_H_CONSECUTIVE:
    case RP_H_CYCLE:
        return S_DAYS;
    case RP_H_MAX_SHIFTS:
    case RP_H_MAX_WEEKENDS:
        return S_COUNT;
    default:
        return S_NONE;
    }
}

const char *rotation_msg_rule(int rule)
{
    return rule >= 0 && rule < RP_NRULES && s_rules[rule] ? s_rules[rule] : "未知规则";
}

void rotation_msg_day(char *buf, size_t n, const rp_problem_t *pb, int day)
{
    char date[16];
    rp_problem_date(pb, day, date, sizeof date);
    snprintf(buf, n, "%s", date);
}

static void s_minutes(fc_buf_t *b, int64_t m)
{
    if (m < 0) {
        fc_buf_puts(b, "-");
        m = -m;
    }
    if (m % 60)
        fc_buf_printf(b, "%lld 小时 %lld 分", (long long)(m / 60), (long long)(m % 60));
    else
        fc_buf_printf(b, "%lld 小时", (long long)(m / 60));
}

static void s_value(fc_buf_t *b, int rule, int64_t v)
{
    switch (s_unit(rule)) {
    case S_MIN:
        s_minutes(b, v);
        break;
    case S_DAYS:
        fc_buf_printf(b, "%lld 天", (long long)v);
        break;
    case S_COUNT:
        fc_buf_printf(b, "%lld 次", (long long)v);
        break;
    default:
        break;
    }
}

void rotation_msg_check(fc_buf_t *b, const rotation_rule_check_t *c)
{
    fc_buf_printf(b, "%s %s", c->ok ? "✓" : "✗", rotation_msg_rule(c->rule));
    if (s_unit(c->rule) != S_NONE) {
        fc_buf_puts(b, "：");
        s_value(b, c->rule, c->value);
        fc_buf_puts(b, c->rule == RP_H_REST ? "（至少 " : "（上限 ");
        s_value(b, c->rule, c->limit);
        fc_buf_puts(b, "）");
    }
}

void rotation_msg_blocked(fc_buf_t *b, const int *blocked)
{
    int k = 0;
    for (int r = 0; r < RP_NHARD; r++)
        if (blocked[r])
            fc_buf_printf(b, "%s%d 人受限于“%s”", k++ ? "，" : "", blocked[r],
                          r == RP_H_SAME_DAY ? "当天已有其他班次" : rotation_msg_rule(r));
    if (!k)
        fc_buf_puts(b, "无");
}

void rotation_msg_violation(fc_buf_t *b, const rp_problem_t *pb, const rotation_violation_t *v)
{
    char day[32] = "";
    if (v->day >= 0 && v->day < pb->days)
        rotation_msg_day(day, sizeof day, pb, v->day);
    fc_buf_printf(b, "%s %s", RP_IS_HARD(v->rule) ? "违反" : "罚分", rotation_msg_rule(v->rule));
    if (v->person >= 0 && v->person < pb->npeople)
        fc_buf_printf(b, "：%s（%s）", pb->people[v->person].id, pb->people[v->person].name);
    if (*day)
        fc_buf_printf(b, " %s", day);
    if (v->shift >= 0 && v->shift < pb->nshifts)
        fc_buf_printf(b, " 班次 %s", pb->shifts[v->shift].id);
    if (s_unit(v->rule) != S_NONE) {
        fc_buf_puts(b, "，实际 ");
        s_value(b, v->rule, v->value);
        fc_buf_puts(b, v->rule == RP_H_REST ? "，至少 " : "，上限 ");
        s_value(b, v->rule, v->limit);
    } else if (v->rule == RP_H_UNREPORTED) {
        fc_buf_printf(b, "，实际缺 %lld 人，报告缺 %lld 人", (long long)v->value,
                      (long long)v->limit);
    } else if (v->rule == RP_H_SPOUSE && v->value >= 0 && v->value < pb->npeople) {
        fc_buf_printf(b, "，与配偶 %s 同日上岗且无登记例外", pb->people[v->value].id);
    } else if (v->rule == RP_S_UNDER_COVER || v->rule == RP_S_OVER_COVER) {
        fc_buf_printf(b, "，在岗 %lld 人，需要 %lld 人", (long long)v->value, (long long)v->limit);
    } else if (v->rule == RP_S_FAIRNESS) {
        fc_buf_puts(b, "，工时 ");
        s_minutes(b, v->value);
        fc_buf_puts(b, "，公平份额 ");
        s_minutes(b, v->limit);
    }
    if (!RP_IS_HARD(v->rule))
        fc_buf_printf(b, "（罚分 %lld）", (long long)v->penalty);
}

void rotation_msg_uncovered(fc_buf_t *b, const rp_problem_t *pb, const rr_uncovered_t *u)
{
    char day[32];
    rotation_msg_day(day, sizeof day, pb, u->day);
    const rp_shift_t *sh = &pb->shifts[u->shift];
    fc_buf_printf(b, "%s 班次 %s（%s，%02d:%02d 起 ", day, sh->id, pb->posts[sh->post],
                  sh->start_min / 60, sh->start_min % 60);
    s_minutes(b, sh->minutes);
    fc_buf_printf(b, "）缺 %d 人：", u->missing);
    if (u->reason == RR_NO_CANDIDATE)
        fc_buf_puts(b, "没有具备岗位资格的人员");
    else if (u->reason == RR_SOFT_TRADEOFF)
        fc_buf_puts(b, "有人可排，但按当前权重补员的罚分高于缺员罚分");
    else {
        fc_buf_printf(
            b, "%d 名具备资格的人员都不能再排而不违反硬性规则，主要原因是“%s”（", u->candidates,
            u->reason == RP_H_SAME_DAY ? "当天已有其他班次" : rotation_msg_rule(u->reason));
        rotation_msg_blocked(b, u->blocked);
        fc_buf_puts(b, "）");
    }
}

void rotation_msg_change(fc_buf_t *b, const rp_problem_t *pb, const rotation_change_t *c)
{
    char day[32];
    rotation_msg_day(day, sizeof day, pb, c->day);
    const rp_person_t *from = &pb->people[c->from];
    fc_buf_printf(b, "%s 班次 %s：%s（%s）不能上岗，", day, pb->shifts[c->shift].id, from->id,
                  from->name);
    if (c->to < 0) {
        fc_buf_printf(b, "无人可替：%d 名具备资格的人员中没有人能排而不违反硬性规则（",
                      c->candidates);
        rotation_msg_blocked(b, c->blocked);
        fc_buf_puts(b, "），该班次缺员");
        return;
    }
    const rp_person_t *to = &pb->people[c->to];
    fc_buf_printf(b, "由 %s（%s）替班", to->id, to->name);
    if (c->via >= 0)
        fc_buf_printf(b, "，其原班次 %s 由 %s（%s）接替", pb->shifts[c->via_shift].id,
                      pb->people[c->via].id, pb->people[c->via].name);
    if (c->via < 0)
        fc_buf_printf(b, "：在 %d 名可排人员中罚分增加最少（%+lld）", c->feasible,
                      (long long)c->delta);
    else
        fc_buf_printf(b, "：当天无空闲的可排人员，两步调整罚分增加最少（%+lld）",
                      (long long)c->delta);
    if (to->young_cadre || to->party_member)
        fc_buf_printf(b, "，%s", to->party_member ? "党员" : "年轻干部");
}

static void s_option(fc_buf_t *b, const rp_problem_t *pb, const rotation_explain_t *e,
                     const rotation_option_t *o)
{
    const rp_shift_t *sh = &pb->shifts[o->shift];
    fc_buf_printf(b, "\n班次 %s（岗位 %s，%02d:%02d 起 ", sh->id, pb->posts[sh->post],
                  sh->start_min / 60, sh->start_min % 60);
    s_minutes(b, sh->minutes);
    fc_buf_printf(b, "，%s，需 %d 人，已排 %d 人）%s\n",
                  sh->risk_class == 1   ? "一类风险"
                  : sh->risk_class == 2 ? "二类风险"
                                        : "无风险等级",
                  o->requirement, o->holders, o->held ? "——本人在岗" : "");
    fc_buf_puts(b, "  硬性规则：\n");
    for (int i = 0; i < o->nchecks; i++) {
        fc_buf_puts(b, "    ");
        rotation_msg_check(b, &o->checks[i]);
        fc_buf_puts(b, "\n");
    }
    if (o->held) {
        fc_buf_printf(b, "  其他具备资格者 %d 人，其中可替换 %d 人；", o->others,
                      o->others_feasible);
        rotation_msg_blocked(b, o->others_blocked);
        fc_buf_puts(b, "\n");
        if (!o->nalt)
            fc_buf_puts(b, "  没有人能替换本人而不违反硬性规则。\n");
        for (int i = 0; i < o->nalt; i++)
            fc_buf_printf(b, "  若由 %s（%s）替换本人：罚分 %+lld%s\n", pb->people[o->alt[i]].id,
                          pb->people[o->alt[i]].name, (long long)o->alt_delta[i],
                          o->alt_delta[i] >= 0 ? "，不如现方案" : "，更优（可重新排班改进）");
        return;
    }
    if (!o->feasible) {
        fc_buf_puts(b, "  本人不能排此班次（见上面未通过的规则）。\n");
        return;
    }
    fc_buf_printf(b, "  本人可以排此班次；%s罚分 %+lld。\n",
                  e->assigned >= 0 ? "改排此班次" : "作为增员", (long long)o->delta);
    for (int i = 0; i < o->nalt; i++) {
        if (o->alt_delta[i] >= INT64_MAX / 8)
            fc_buf_printf(b, "  替换在岗的 %s（%s）：不可行。\n", pb->people[o->alt[i]].id,
                          pb->people[o->alt[i]].name);
        else
            fc_buf_printf(b, "  替换在岗的 %s（%s）：罚分 %+lld%s\n", pb->people[o->alt[i]].id,
                          pb->people[o->alt[i]].name, (long long)o->alt_delta[i],
                          o->alt_delta[i] >= 0 ? "，不如现方案" : "，更优（可重新排班改进）");
    }
}

void rotation_msg_explain(fc_buf_t *b, const rp_problem_t *pb, const rotation_explain_t *e,
                          int on_leave)
{
    const rp_person_t *x = &pb->people[e->person];
    char day[32];
    rotation_msg_day(day, sizeof day, pb, e->day);
    fc_buf_printf(b, "%s（%s）%s：", x->id, x->name, day);
    if (e->assigned >= 0)
        fc_buf_printf(b, "在岗，班次 %s\n", pb->shifts[e->assigned].id);
    else
        fc_buf_printf(b, "不在岗%s\n", on_leave ? "（调休）" : "");
    fc_buf_puts(b, "本排班期：工时 ");
    s_minutes(b, e->minutes);
    fc_buf_puts(b, "，公平份额 ");
    s_minutes(b, x->target_minutes);
    fc_buf_printf(b, "；一类风险班次 %d 个，公平份额 %d 个；%s%s\n", e->risk_shifts, x->target_risk,
                  x->party_member ? "党员" : "非党员", x->young_cadre ? "，年轻干部" : "");
    fc_buf_puts(b, "本人软性罚分：");
    int k = 0;
    for (int r = RP_NHARD; r < RP_NRULES; r++)
        if (e->soft[r])
            fc_buf_printf(b, "%s%s %lld", k++ ? "，" : "", rotation_msg_rule(r),
                          (long long)e->soft[r]);
    if (!k)
        fc_buf_puts(b, "无");
    fc_buf_puts(b, "\n");
    if (!e->nopt)
        fc_buf_puts(b, "当天没有本人具备资格且需要人员的班次。\n");
    for (int i = 0; i < e->nopt; i++)
        s_option(b, pb, e, &e->opt[i]);
}

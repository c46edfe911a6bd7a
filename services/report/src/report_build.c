/* report_build: sections of the weekly report from report's projections (report_store), the
 * policy's criteria and the sources' state; stored as a new version with its completeness. */
#include "report_build.h"
#include "fc_clock.h"
#include "fc_jobrec.h"
#include "fc_log.h"
#include "fc_pb.h"
#include "report_store.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *code, *label;
} label_t;

typedef struct {
    const char *key, *title, *kind;
    const label_t *labels; /* codes shown as Chinese labels; may be NULL */
} col_t;

static const label_t s_incident_kinds[] = {{"injured", "负伤"},  {"fell_ill", "患病"},
                                           {"infected", "感染"}, {"quarantined", "隔离"},
                                           {"died", "牺牲"},     {NULL, NULL}};
static const label_t s_visit_status[] = {{"in_time", "24小时内已看望"},
                                         {"late", "逾期看望"},
                                         {"overdue", "超时未看望"},
                                         {"pending", "未到时限"},
                                         {"cancelled", "已取消"},
                                         {"no_task", "无看望任务"},
                                         {NULL, NULL}};
static const label_t s_weekly_status[] = {{"late", "迟报"}, {"missing", "漏报"}, {NULL, NULL}};
static const label_t s_merit_kinds[] = {{"commendation", "嘉奖"},
                                        {"merit", "记功"},
                                        {"public_praise", "通报表扬"},
                                        {"accountability", "问责"},
                                        {"reassignment", "组织调整"},
                                        {"disciplinary", "组织处理"},
                                        {NULL, NULL}};
static const label_t s_statuses[] = {{"none", "无"},
                                     {"section", "科级"},
                                     {"division", "处级"},
                                     {"bureau", "局级"},
                                     {"member", "党员"},
                                     {"probationary", "预备党员"},
                                     {"development_target", "发展对象"},
                                     {"activist", "入党积极分子"},
                                     {"applicant", "入党申请人"},
                                     {NULL, NULL}};

#define UNIT_COLS                                                                                  \
    {"unit", "单位代码", "text", NULL},                                                            \
    {                                                                                              \
        "unit_name", "单位", "text", NULL                                                          \
    }
#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

static const col_t s_frontline[] = {UNIT_COLS,
                                    {"headcount", "一线人数", "int", NULL},
                                    {"headcount_class1", "一类岗位人数", "int", NULL},
                                    {"headcount_class2", "二类岗位人数", "int", NULL},
                                    {"person_days", "人天", "int", NULL},
                                    {"duty_minutes", "执勤时长（小时）", "minutes", NULL},
                                    {"duty_periods", "执勤班次", "int", NULL},
                                    {"open_duties", "未签退班次", "int", NULL}};
static const col_t s_health[] = {UNIT_COLS,
                                 {"people", "在册人数", "int", NULL},
                                 {"healthy", "健康", "int", NULL},
                                 {"observation", "医学观察", "int", NULL},
                                 {"quarantined", "隔离", "int", NULL},
                                 {"suspected", "疑似", "int", NULL},
                                 {"confirmed", "确诊", "int", NULL},
                                 {"recovered", "已康复", "int", NULL},
                                 {"deceased", "已故", "int", NULL},
                                 {"unknown", "状态未知", "int", NULL},
                                 {"new_suspected", "本周新增疑似", "int", NULL},
                                 {"new_confirmed", "本周新增确诊", "int", NULL},
                                 {"checkins", "健康打卡次数", "int", NULL},
                                 {"people_checked_in", "打卡人数", "int", NULL},
                                 {"fever_checkins", "发热打卡次数", "int", NULL},
                                 {"fever_people", "发热人数", "int", NULL}};
static const label_t s_metrics[] = {{"minutes_day", "当日时长"},
                                    {"minutes_7d", "7日时长"},
                                    {"consecutive_days", "连续执勤天数"},
                                    {"rest_minutes", "班间休息"},
                                    {NULL, NULL}};
static const col_t s_workload[] = {UNIT_COLS,
                                   {"overload_warnings", "过劳预警次数", "int", NULL},
                                   {"warned_people", "预警人数", "int", NULL},
                                   {"forced_rests", "强制休息次数", "int", NULL},
                                   {"rested_people", "强制休息人数", "int", NULL},
                                   {"rests_complied", "休息期间未上岗", "int", NULL},
                                   {"rests_breached", "休息期间上岗", "int", NULL},
                                   {"compliance_permille", "休息合规率", "permille", NULL}};
static const col_t s_breaches[] = {
    {"order_id", "休息令编号", "int", NULL},   {"unit", "单位代码", "text", NULL},
    {"employee_no", "工号", "text", NULL},     {"name", "姓名", "text", NULL},
    {"metric", "超限指标", "text", s_metrics}, {"from_us", "休息开始", "time", NULL},
    {"until_us", "休息结束", "time", NULL},    {"duty_start_us", "上岗时间", "time", NULL}};
static const col_t s_incidents[] = {UNIT_COLS,
                                    {"incidents", "事件数", "int", NULL},
                                    {"injured", "负伤", "int", NULL},
                                    {"fell_ill", "患病", "int", NULL},
                                    {"infected", "感染", "int", NULL},
                                    {"quarantined", "隔离", "int", NULL},
                                    {"died", "牺牲", "int", NULL},
                                    {"major", "重大事项（专报）", "int", NULL},
                                    {"on_duty", "执勤中发生", "int", NULL}};
static const col_t s_incident_list[] = {
    {"incident_id", "事件编号", "int", NULL}, {"at_us", "发生时间", "time", NULL},
    {"unit", "单位代码", "text", NULL},       {"employee_no", "工号", "text", NULL},
    {"name", "姓名", "text", NULL},           {"kind", "类别", "text", s_incident_kinds},
    {"major", "重大事项", "flag", NULL},      {"on_duty", "执勤中", "flag", NULL},
    {"description", "经过", "text", NULL}};
static const col_t s_visits[] = {UNIT_COLS,
                                 {"incidents", "事件数", "int", NULL},
                                 {"in_time", "24小时内已看望", "int", NULL},
                                 {"late", "逾期看望", "int", NULL},
                                 {"overdue", "超时未看望", "int", NULL},
                                 {"pending", "未到时限", "int", NULL},
                                 {"cancelled", "已取消", "int", NULL},
                                 {"no_task", "无看望任务", "int", NULL}};
static const col_t s_visit_list[] = {
    {"incident_id", "事件编号", "int", NULL}, {"at_us", "发生时间", "time", NULL},
    {"unit", "单位代码", "text", NULL},       {"employee_no", "工号", "text", NULL},
    {"name", "姓名", "text", NULL},           {"kind", "类别", "text", s_incident_kinds},
    {"task_id", "看望任务", "int", NULL},     {"due_us", "看望期限", "time", NULL},
    {"done_us", "看望时间", "time", NULL},    {"status", "看望情况", "text", s_visit_status}};
static const col_t s_funds[] = {UNIT_COLS,
                                {"budget_fen", "到账资金（累计）", "money", NULL},
                                {"paid_to_date_fen", "累计支出", "money", NULL},
                                {"usage_permille", "执行率", "permille", NULL},
                                {"pending_fen", "周末待支付", "money", NULL},
                                {"paid_week_count", "本周支付笔数", "int", NULL},
                                {"condolence_fen", "慰问金", "money", NULL},
                                {"frontline_subsidy_fen", "临时性工作补助", "money", NULL},
                                {"epidemic_allowance_fen", "卫生防疫津贴", "money", NULL},
                                {"hardship_fen", "困难帮扶", "money", NULL},
                                {"insurance_claim_fen", "保险赔付", "money", NULL},
                                {"paid_week_fen", "本周支出合计", "money", NULL},
                                {"reversed_week_fen", "本周冲正", "money", NULL}};
static const col_t s_hardship[] = {UNIT_COLS,
                                   {"opened", "本周新建台账", "int", NULL},
                                   {"closed", "本周办结", "int", NULL},
                                   {"open_at_end", "周末在办", "int", NULL}};
static const col_t s_benefits[] = {UNIT_COLS,
                                   {"opened", "本周立案", "int", NULL},
                                   {"closed", "本周结案", "int", NULL},
                                   {"granted", "其中批准", "int", NULL},
                                   {"refused", "其中未获批准", "int", NULL},
                                   {"granted_fen", "本周批准兑现金额", "money", NULL},
                                   {"open_at_end", "周末在办", "int", NULL},
                                   {"overdue_at_end", "周末逾期", "int", NULL}};
static const col_t s_weekly[] = {UNIT_COLS,
                                 {"due_us", "报送截止", "time", NULL},
                                 {"expected", "应报人数", "int", NULL},
                                 {"submitted", "已报", "int", NULL},
                                 {"on_time", "按时", "int", NULL},
                                 {"late", "迟报", "int", NULL},
                                 {"missing", "漏报", "int", NULL},
                                 {"not_due", "未到截止", "int", NULL}};
static const col_t s_weekly_list[] = {
    {"unit", "单位代码", "text", NULL},   {"employee_no", "工号", "text", NULL},
    {"name", "姓名", "text", NULL},       {"status", "情况", "text", s_weekly_status},
    {"due_us", "报送截止", "time", NULL}, {"submitted_us", "报送时间", "time", NULL}};
static const col_t s_ensures[] = {UNIT_COLS,
                                  {"reports", "周报份数", "int", NULL},
                                  {"no_outbreak_fails", "报告出现疫情", "int", NULL},
                                  {"production_fails", "报告生产不稳", "int", NULL},
                                  {"no_outbreak", "确保单位不出现疫情", "text", NULL},
                                  {"production_stable", "确保生产经营稳定顺行", "text", NULL},
                                  {"rating", "领导班子评定", "text", NULL},
                                  {"unfit", "不称职单位数", "int", NULL},
                                  {"new_confirmed", "本周新增确诊", "int", NULL}};
static const col_t s_merits[] = {UNIT_COLS,
                                 {"commendation", "嘉奖", "int", NULL},
                                 {"merit", "记功", "int", NULL},
                                 {"public_praise", "通报表扬", "int", NULL},
                                 {"commendations", "表彰合计", "int", NULL},
                                 {"accountability", "问责", "int", NULL},
                                 {"reassignment", "组织调整", "int", NULL},
                                 {"disciplinary", "组织处理", "int", NULL}};
static const col_t s_merit_list[] = {
    {"record_id", "记录编号", "int", NULL}, {"at_us", "时间", "time", NULL},
    {"unit", "单位代码", "text", NULL},     {"employee_no", "工号", "text", NULL},
    {"name", "姓名", "text", NULL},         {"kind", "类别", "text", s_merit_kinds},
    {"reason", "事由", "text", NULL},       {"issued_by", "决定机关", "text", NULL}};
static const col_t s_ends[] = {{"unit", "单位代码", "text", NULL},
                               {"employee_no", "工号", "text", NULL},
                               {"name", "姓名", "text", NULL},
                               {"cadre_level", "干部级别", "text", s_statuses},
                               {"leadership", "班子成员", "flag", NULL},
                               {"good_events", "好的关键事件", "int", NULL},
                               {"bad_events", "不好的关键事件", "int", NULL},
                               {"commendations", "表彰", "int", NULL},
                               {"accountability", "问责", "int", NULL},
                               {"overdue_reports", "周报迟漏报（周）", "int", NULL},
                               {"reason", "依据", "text", NULL}};
static const col_t s_cands[] = {{"unit", "单位代码", "text", NULL},
                                {"employee_no", "工号", "text", NULL},
                                {"name", "姓名", "text", NULL},
                                {"status", "级别或政治面貌", "text", s_statuses},
                                {"duty_days", "一线执勤天数", "int", NULL},
                                {"merits", "表彰及好的关键事件", "int", NULL},
                                {"proposed", "组织提名", "flag", NULL},
                                {"reason", "依据", "text", NULL}};

static const col_t s_support[] = {UNIT_COLS,
                                  {"fault_tolerance", "容错免责", "int", NULL},
                                  {"clarifications", "澄清正名", "int", NULL},
                                  {"cleared", "消除的负面记录", "int", NULL},
                                  {"discrimination_reported", "歧视事件登记", "int", NULL},
                                  {"discrimination_closed", "歧视事件结案", "int", NULL},
                                  {"discrimination_open", "周末未结歧视事件", "int", NULL},
                                  {"discrimination_overdue", "逾期未结歧视事件", "int", NULL}};
static const col_t s_village[] = {UNIT_COLS,
                                  {"on_assignment", "在村第一书记", "int", NULL},
                                  {"returned_week", "本周返岗", "int", NULL},
                                  {"returned_to_date", "累计返岗", "int", NULL},
                                  {"overdue_return", "逾计划返岗期仍在村", "int", NULL}};
static const col_t s_village_list[] = {{"unit", "单位代码", "text", NULL},
                                       {"employee_no", "工号", "text", NULL},
                                       {"name", "姓名", "text", NULL},
                                       {"village", "驻村", "text", NULL},
                                       {"township", "乡镇", "text", NULL},
                                       {"start_us", "驻村开始", "time", NULL},
                                       {"planned_return_us", "计划返岗", "time", NULL},
                                       {"returned_us", "实际返岗", "time", NULL}};

typedef struct {
    fc_service_t *svc;
    fc_pg_t *pg;
    fc_arena_t *arena;
    const report_policy_t *policy;
    const report_week_t *wk;
    int64_t now_us;
    char scope[64], scope_name[256];
} s_ctx_t;

static char *s_dup(fc_arena_t *a, const char *s)
{
    return fc_arena_strdup(a, s ? s : "");
}

static const char *s_label(const label_t *labels, const char *code)
{
    for (const label_t *l = labels; l && l->code; l++)
        if (strcmp(l->code, code) == 0)
            return l->label;
    return code;
}

/* A table from a query result: columns in the order of cols; for list tables (total_col >= 0)
 * the window count in total_col gives the rows left out. Unit tables (unit_rows) mark the row
 * whose unit_code is NULL as the scope's total. */
static Fc__V1__ReportTable *s_table(s_ctx_t *c, const char *key, const char *title,
                                    const col_t *cols, size_t ncols, const PGresult *r,
                                    int unit_rows, int key_col, int total_col)
{
    fc_arena_t *a = c->arena;
    Fc__V1__ReportTable *t = fc_arena_alloc(a, sizeof *t);
    fc__v1__report_table__init(t);
    t->key = s_dup(a, key);
    t->title = s_dup(a, title);
    t->n_columns = ncols;
    t->columns = fc_arena_alloc(a, ncols * sizeof *t->columns);
    for (size_t i = 0; i < ncols; i++) {
        Fc__V1__ReportColumn *col = fc_arena_alloc(a, sizeof *col);
        fc__v1__report_column__init(col);
        col->key = (char *)cols[i].key;
        col->title = (char *)cols[i].title;
        col->kind = (char *)cols[i].kind;
        t->columns[i] = col;
    }
    int n = PQntuples(r);
    t->n_rows = (size_t)n;
    t->rows = fc_arena_alloc(a, (n ? n : 1) * sizeof *t->rows);
    for (int i = 0; i < n; i++) {
        Fc__V1__ReportRow *row = fc_arena_alloc(a, sizeof *row);
        fc__v1__report_row__init(row);
        int total = unit_rows && PQgetisnull(r, i, 0);
        row->total = total;
        row->key = s_dup(a, total ? c->scope : PQgetvalue(r, i, key_col));
        row->n_cells = ncols;
        row->cells = fc_arena_alloc(a, ncols * sizeof *row->cells);
        for (size_t k = 0; k < ncols; k++) {
            Fc__V1__ReportCell *cell = fc_arena_alloc(a, sizeof *cell);
            fc__v1__report_cell__init(cell);
            if (total && k == 0) {
                cell->text = s_dup(a, c->scope);
            } else if (total && k == 1) {
                char buf[300];
                snprintf(buf, sizeof buf, "合计（%s）", c->scope_name);
                cell->text = s_dup(a, buf);
            } else if (PQgetisnull(r, i, (int)k)) {
                cell->is_null = 1;
            } else if (strcmp(cols[k].kind, "text") == 0) {
                const char *v = PQgetvalue(r, i, (int)k);
                /* people of units above the subsidiaries report to the scope itself */
                if (!*v && strcmp(cols[k].key, "unit") == 0)
                    v = c->scope;
                cell->text = s_dup(a, s_label(cols[k].labels, v));
            } else {
                cell->num = strtoll(PQgetvalue(r, i, (int)k), NULL, 10);
            }
            row->cells[k] = cell;
        }
        t->rows[i] = row;
    }
    if (total_col >= 0 && n > 0)
        t->truncated = strtoll(PQgetvalue(r, 0, total_col), NULL, 10) - n;
    return t;
}

static Fc__V1__ReportSection *s_section(s_ctx_t *c, const char *key, const char *title,
                                        const char *const *sources, const report_source_t *srcs)
{
    fc_arena_t *a = c->arena;
    Fc__V1__ReportSection *s = fc_arena_alloc(a, sizeof *s);
    fc__v1__report_section__init(s);
    s->key = (char *)key;
    s->title = (char *)title;
    s->status = "complete";
    size_t n = 0;
    while (sources[n])
        n++;
    s->sources = fc_arena_alloc(a, n * sizeof *s->sources);
    s->n_sources = n;
    char reason[1024] = "";
    for (size_t i = 0; i < n; i++) {
        s->sources[i] = (char *)sources[i];
        for (size_t k = 0; k < report_nsources; k++) {
            if (strcmp(srcs[k].service, sources[i]) != 0 || strcmp(srcs[k].status, "ok") == 0)
                continue;
            s->status = "missing";
            size_t len = strlen(reason);
            snprintf(reason + len, sizeof reason - len, "%s%s", len ? "；" : "", srcs[k].detail);
        }
    }
    s->reason = s_dup(a, reason);
    s->tables = fc_arena_alloc(a, 4 * sizeof *s->tables);
    return s;
}

static int s_missing(const Fc__V1__ReportSection *s)
{
    return strcmp(s->status, "complete") != 0;
}

/* Runs q's result into a table of sec; a failed query fails the report. */
#define ADD_TABLE(sec, result, key, title, cols, unit_rows, key_col, total_col)                    \
    do {                                                                                           \
        PGresult *r_ = (result);                                                                   \
        if (!r_)                                                                                   \
            return err->code ? err->code : FC_ERR;                                                 \
        (sec)->tables[(sec)->n_tables++] =                                                         \
            s_table(c, key, title, cols, NCOLS(cols), r_, unit_rows, key_col, total_col);          \
        PQclear(r_);                                                                               \
    } while (0)

/* supplies (000 §3; docs/report-definitions.md §15) */
static const col_t s_supply_units[] = {UNIT_COLS,
                                       {"requests_made", "本周物资申请", "int", NULL},
                                       {"requests_served", "本周保障到位", "int", NULL},
                                       {"requests_open", "周末待保障申请", "int", NULL},
                                       {"needs_due", "本周到期日常需求", "int", NULL},
                                       {"needs_in_time", "按时落实", "int", NULL},
                                       {"needs_not_in_time", "逾期未落实", "int", NULL},
                                       {"needs_open", "周末未落实", "int", NULL}};
static const col_t s_supply_stock[] = {
    {"key", "键", "text", NULL},           {"unit", "单位代码", "text", NULL},
    {"item", "物资", "text", NULL},        {"measure", "计量单位", "text", NULL},
    {"stock_end", "周末库存", "int", NULL}, {"received", "本周入库", "int", NULL},
    {"moved_in", "本周调入", "int", NULL}, {"moved_out", "本周调出", "int", NULL},
    {"issued", "本周发放", "int", NULL},   {"cover_days", "可用天数", "int", NULL},
    {"waiting", "周末待保障数量", "int", NULL}};

static const char *const s_src_intake[] = {"intake", NULL};
static const char *const s_src_rotation[] = {"rotation", "intake", NULL};
static const char *const s_src_welfare[] = {"welfare", NULL};
static const char *const s_src_visits[] = {"intake", "notify", NULL};

/* ISO weeks of the window of n weeks ending with wk, as a text[] literal. */
static void s_window_weeks(const report_week_t *wk, int n, char *out, size_t len)
{
    size_t used = (size_t)snprintf(out, len, "{");
    for (int i = 0; i < n && used < len; i++) {
        report_week_t w;
        report_week_shift(wk, i, &w);
        used += (size_t)snprintf(out + used, len - used, "%s%s", i ? "," : "", w.iso_week);
    }
    if (used < len)
        snprintf(out + used, len - used, "}");
}

/* The due time of every unit row (and of orgs above the units, ''), into rpt_due. */
static int s_dues(s_ctx_t *c, fc_err_t *err)
{
    PGresult *u = report_store_units(c->pg, err);
    if (!u)
        return err->code ? err->code : FC_ERR;
    fc_buf_t units, dues;
    fc_buf_init(&units);
    fc_buf_init(&dues);
    fc_buf_puts(&units, "{\"\"");
    fc_buf_printf(&dues, "{%lld", (long long)report_policy_due_us(c->policy, "", c->wk));
    for (int i = 0; i < PQntuples(u); i++) {
        /* org codes are [A-Za-z0-9_.-]: no quoting needed beyond the quotes */
        fc_buf_printf(&units, ",\"%s\"", PQgetvalue(u, i, 0));
        fc_buf_printf(&dues, ",%lld",
                      (long long)report_policy_due_us(c->policy, PQgetvalue(u, i, 0), c->wk));
    }
    fc_buf_puts(&units, "}");
    fc_buf_puts(&dues, "}");
    PQclear(u);
    int rc = report_store_set_dues(c->pg, units.data, dues.data, err);
    fc_buf_fini(&units);
    fc_buf_fini(&dues);
    return rc;
}

static int s_sections(s_ctx_t *c, const report_source_t *srcs, Fc__V1__ReportWeekly *rep,
                      fc_err_t *err)
{
    const report_policy_t *pol = c->policy;
    const report_week_t *wk = c->wk;
    fc_pg_t *pg = c->pg;
    int max = pol->max_rows;
    enum { S_MAX_SECTIONS = 24 }; /* the sections below, with room: n is checked at the end */
    Fc__V1__ReportSection **secs = fc_arena_alloc(c->arena, S_MAX_SECTIONS * sizeof *secs);
    size_t n = 0;
    Fc__V1__ReportSection *s;

    s = secs[n++] = s_section(c, "frontline", "一线力量", s_src_intake, srcs);
    if (!s_missing(s))
        ADD_TABLE(s, report_store_q_frontline(pg, wk, err), "by_unit", "一线人数、人天与执勤时长",
                  s_frontline, 1, 0, -1);

    s = secs[n++] = s_section(c, "health", "健康状况", s_src_intake, srcs);
    if (!s_missing(s))
        ADD_TABLE(s, report_store_q_health(pg, wk, err), "by_unit", "周末健康状态与本周打卡",
                  s_health, 1, 0, -1);

    s = secs[n++] = s_section(c, "workload", "工作负荷与强制休息", s_src_rotation, srcs);
    if (!s_missing(s)) {
        ADD_TABLE(s, report_store_q_workload(pg, wk, err), "by_unit",
                  "过劳预警、强制休息与休息合规", s_workload, 1, 0, -1);
        ADD_TABLE(s, report_store_q_rest_breaches(pg, wk, max, err), "breaches",
                  "强制休息期间仍上岗", s_breaches, 0, 0, 8);
    }

    s = secs[n++] = s_section(c, "incidents", "伤病亡情况", s_src_intake, srcs);
    if (!s_missing(s)) {
        ADD_TABLE(s, report_store_q_incidents(pg, wk, err), "by_unit", "按单位", s_incidents, 1, 0,
                  -1);
        ADD_TABLE(s, report_store_q_incident_list(pg, wk, max, err), "list", "事件清单",
                  s_incident_list, 0, 0, 9);
    }

    s = secs[n++] = s_section(c, "visits", "第一时间看望慰问", s_src_visits, srcs);
    if (!s_missing(s)) {
        ADD_TABLE(s, report_store_q_visits(pg, wk, c->now_us, pol->visit_within_hours, err),
                  "by_unit", "按单位", s_visits, 1, 0, -1);
        ADD_TABLE(s,
                  report_store_q_visit_list(pg, wk, c->now_us, pol->visit_within_hours, max, err),
                  "list", "逐起看望情况", s_visit_list, 0, 0, 10);
    }

    s = secs[n++] = s_section(c, "funds", "专项资金", s_src_welfare, srcs);
    if (!s_missing(s))
        ADD_TABLE(s, report_store_q_funds(pg, wk, err), "by_unit", "按类别支出与预算执行", s_funds,
                  1, 0, -1);

    s = secs[n++] = s_section(c, "hardship", "困难台账", s_src_intake, srcs);
    if (!s_missing(s))
        ADD_TABLE(s, report_store_q_hardship(pg, wk, err), "by_unit", "按单位", s_hardship, 1, 0,
                  -1);

    s = secs[n++] = s_section(c, "benefits", "待遇申请", s_src_welfare, srcs);
    if (!s_missing(s))
        ADD_TABLE(s, report_store_q_benefits(pg, wk, c->now_us, err), "by_unit",
                  "工伤申报、因公牺牲、烈士评定与保险理赔", s_benefits, 1, 0, -1);

    s = secs[n++] = s_section(c, "weekly_reports", "班子成员周报", s_src_intake, srcs);
    if (!s_missing(s)) {
        ADD_TABLE(s, report_store_q_weekly(pg, wk, c->now_us, err), "by_unit", "按时、迟报与漏报",
                  s_weekly, 1, 0, -1);
        ADD_TABLE(s, report_store_q_weekly_list(pg, wk, c->now_us, max, err), "overdue",
                  "迟报与漏报名单", s_weekly_list, 0, 1, 6);
    }

    s = secs[n++] = s_section(c, "two_ensures", "两个确保", s_src_intake, srcs);
    if (!s_missing(s))
        ADD_TABLE(s, report_store_q_two_ensures(pg, wk, err), "by_unit",
                  "确保单位不出现疫情、确保生产经营稳定顺行", s_ensures, 1, 0, -1);

    s = secs[n++] = s_section(c, "commendations", "表彰与问责", s_src_intake, srcs);
    if (!s_missing(s)) {
        ADD_TABLE(s, report_store_q_merits(pg, wk, err), "by_unit", "按单位", s_merits, 1, 0, -1);
        ADD_TABLE(s, report_store_q_merit_list(pg, wk, max, err), "list", "本周记录", s_merit_list,
                  0, 0, 8);
    }

    char weeks[1024];
    s = secs[n++] = s_section(c, "two_ends", "先进与后进两头", s_src_intake, srcs);
    if (!s_missing(s)) {
        report_week_t first;
        report_week_shift(wk, pol->ends.window_weeks - 1, &first);
        s_window_weeks(wk, pol->ends.window_weeks, weeks, sizeof weeks);
        report_ends_q_t q = {first.start_us,
                             weeks,
                             pol->ends.adv_min_good,
                             pol->ends.adv_min_commend,
                             pol->ends.adv_exclude_bad,
                             pol->ends.lag_min_bad,
                             pol->ends.lag_min_accountability,
                             pol->ends.lag_min_overdue};
        ADD_TABLE(s, report_store_q_two_ends(pg, wk, "advanced", &q, max, err), "advanced", "先进",
                  s_ends, 0, 1, 11);
        ADD_TABLE(s, report_store_q_two_ends(pg, wk, "lagging", &q, max, err), "lagging", "后进",
                  s_ends, 0, 1, 11);
    }

    s = secs[n++] = s_section(c, "candidates", "后备干部与火线发展", s_src_intake, srcs);
    if (!s_missing(s)) {
        report_week_t first;
        report_week_shift(wk, pol->reserve.window_weeks - 1, &first);
        report_cand_q_t rq = {first.start_us,
                              first.start_day,
                              pol->reserve.min_duty_days,
                              pol->reserve.min_merits,
                              pol->reserve.exclude_bad,
                              0,
                              NULL,
                              fc_time_local_day(c->now_us),
                              pol->reserve.village_days};
        ADD_TABLE(s, report_store_q_candidates(pg, wk, "reserve", &rq, max, err), "reserve_pool",
                  "后备干部库人选", s_cands, 0, 1, 8);
        report_week_shift(wk, pol->fast.window_weeks - 1, &first);
        report_cand_q_t fq = {first.start_us,
                              first.start_day,
                              pol->fast.min_duty_days,
                              pol->fast.min_merits,
                              0,
                              pol->fast.include_proposed,
                              pol->fast.statuses,
                              fc_time_local_day(c->now_us),
                              pol->fast.village_days};
        ADD_TABLE(s, report_store_q_candidates(pg, wk, "fast_track", &fq, max, err), "fast_track",
                  "火线发展人选", s_cands, 0, 1, 8);
    }

    /* 撑腰鼓劲 (000 §9): counts only; the records are the group's and the subsidiaries' */
    s = secs[n++] = s_section(c, "support", "容错纠错、澄清正名与反歧视", s_src_intake, srcs);
    if (!s_missing(s))
        ADD_TABLE(s, report_store_q_support(pg, wk, c->now_us, err), "by_unit", "按单位", s_support,
                  1, 0, -1);

    /* 驻村第一书记 (002 §12): on assignment and returned to post */
    s = secs[n++] = s_section(c, "village", "驻村第一书记", s_src_intake, srcs);
    if (!s_missing(s)) {
        ADD_TABLE(s, report_store_q_village(pg, wk, c->now_us, err), "by_unit", "按单位", s_village,
                  1, 0, -1);
        ADD_TABLE(s, report_store_q_village_list(pg, wk, max, err), "list", "本周驻村名单",
                  s_village_list, 0, 1, 8);
    }

    s = secs[n++] = s_section(c, "supplies", "防护物资与生活保障", s_src_welfare, srcs);
    if (!s_missing(s)) {
        ADD_TABLE(s, report_store_q_supply_units(pg, wk, err), "by_unit",
                  "物资申请与日常保障需求", s_supply_units, 1, 0, -1);
        ADD_TABLE(s, report_store_q_supply_stock(pg, wk, max, err), "stock",
                  "库存、可用天数与待保障数量", s_supply_stock, 0, 0, 11);
    }
    assert(n <= S_MAX_SECTIONS); /* a new section past the room: raise S_MAX_SECTIONS */
    rep->sections = secs;
    rep->n_sections = n;
    return FC_OK;
}

static Fc__V1__ReportSource **s_sources(fc_arena_t *a, const report_source_t *srcs)
{
    Fc__V1__ReportSource **out = fc_arena_alloc(a, report_nsources * sizeof *out);
    for (size_t i = 0; i < report_nsources; i++) {
        Fc__V1__ReportSource *s = fc_arena_alloc(a, sizeof *s);
        fc__v1__report_source__init(s);
        s->service = (char *)srcs[i].service;
        s->status = s_dup(a, srcs[i].status);
        s->detail = s_dup(a, srcs[i].detail);
        s->backlog = srcs[i].backlog;
        out[i] = s;
    }
    return out;
}

int report_build_meta_of(fc_pg_t *pg, int64_t id, fc_arena_t *arena, Fc__V1__ReportMeta **meta_out,
                         fc_err_t *err)
{
    PGresult *r = report_store_get(pg, id, NULL, NULL, 0, err);
    if (!r)
        return err->code ? err->code : FC_ERR;
    size_t len = 0;
    unsigned char *body = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 2), &len);
    ProtobufCAllocator alloc;
    fc_pb_arena_allocator(&alloc, arena);
    Fc__V1__ReportWeekly *rep = fc__v1__report_weekly__unpack(&alloc, len, body);
    PQfreemem(body);
    int rc = FC_OK;
    if (!rep || !rep->meta) {
        rc = fc_err_set(err, FC_ERR, "report_id", "stored report %lld could not be decoded",
                        (long long)id);
    } else {
        rep->meta->body_sha256 = fc_arena_strdup(arena, PQgetvalue(r, 0, 3));
        *meta_out = rep->meta;
    }
    PQclear(r);
    return rc;
}

int report_build_weekly(fc_service_t *svc, const report_build_req_t *req, fc_arena_t *arena,
                        Fc__V1__ReportMeta **meta_out, fc_err_t *err)
{
    report_app_t *app = fc_service_app(svc);
    s_ctx_t ctx = {svc,       fc_service_pg(svc), arena, app->policy,
                   req->week, fc_clock_now_us(),  "",    ""};
    s_ctx_t *c = &ctx;
    fc_pg_t *pg = c->pg;
    uint8_t *body = NULL;
    int rc;
    *meta_out = NULL;
    if ((rc = report_store_begin_snapshot(pg, err)) != FC_OK)
        return rc;
    if (req->request_id) {
        int64_t id = 0;
        int found = 0;
        if ((rc = report_store_find_request(pg, req->request_id, &id, &found, err)) != FC_OK)
            goto out;
        if (found) { /* a retried command: the version it made */
            rc = report_build_meta_of(pg, id, arena, meta_out, err);
            goto out;
        }
    }
    /* the period's record, first: a second replica waits on this row, then finds it taken */
    if (req->schedule_period &&
        (rc = fc_schedule_run_once(pg, REPORT_SCHEDULE, req->schedule_period, err)) != FC_OK)
        goto out;
    if ((rc = report_store_scope(pg, req->org_code, c->scope, sizeof c->scope, c->scope_name,
                                 sizeof c->scope_name, err)) != FC_OK)
        goto out;
    if ((rc = s_dues(c, err)) != FC_OK)
        goto out;
    int64_t id = 0;
    int version = 0;
    if ((rc = report_store_next_version(pg, req->week->iso_week, c->scope, &id, &version, err)) !=
        FC_OK)
        goto out;

    Fc__V1__ReportWeekly *rep = fc_arena_alloc(arena, sizeof *rep);
    fc__v1__report_weekly__init(rep);
    Fc__V1__ReportMeta *m = fc_arena_alloc(arena, sizeof *m);
    fc__v1__report_meta__init(m);
    rep->meta = m;
    m->report_id = id;
    m->iso_week = s_dup(arena, req->week->iso_week);
    m->org_code = s_dup(arena, c->scope);
    m->org_name = s_dup(arena, c->scope_name);
    m->version = version;
    m->trigger = (char *)req->trigger;
    m->period_start_us = req->week->start_us;
    m->period_end_us = req->week->end_us;
    m->generated_us = c->now_us;
    m->generated_by = s_dup(arena, req->actor);
    rep->sources = s_sources(arena, req->sources);
    rep->n_sources = report_nsources;
    if ((rc = s_sections(c, req->sources, rep, err)) != FC_OK)
        goto out;
    int has = report_store_has_data(pg, req->week, err);
    if (has < 0) {
        rc = err->code ? err->code : FC_ERR;
        goto out;
    }
    m->empty = !has;

    /* completeness, the missing sections and the notes */
    fc_buf_t missing;
    fc_buf_init(&missing);
    fc_buf_puts(&missing, "{");
    m->missing_sections = fc_arena_alloc(arena, rep->n_sections * sizeof(char *));
    for (size_t i = 0; i < rep->n_sections; i++)
        if (s_missing(rep->sections[i])) {
            fc_buf_printf(&missing, "%s%s", m->n_missing_sections ? "," : "",
                          rep->sections[i]->key);
            m->missing_sections[m->n_missing_sections++] = rep->sections[i]->key;
        }
    fc_buf_puts(&missing, "}");
    m->completeness = m->n_missing_sections ? "partial" : "complete";
    rep->notes = fc_arena_alloc(arena, 3 * sizeof(char *));
    char note[512];
    if (m->n_missing_sections) {
        snprintf(note, sizeof note,
                 "本报表不完整：%zu 个部分缺失数据来源，未显示其数字，见各部分说明",
                 m->n_missing_sections);
        rep->notes[rep->n_notes++] = s_dup(arena, note);
    }
    if (m->empty)
        rep->notes[rep->n_notes++] = "本周在本范围内没有任何记录：表中的 0 是真实的 0，不是缺数";
    if (c->now_us < req->week->end_us) {
        char t[40];
        fc_time_format_local(c->now_us, t, sizeof t);
        snprintf(note, sizeof note, "本周尚未结束，数字截至 %s（北京时间）", t);
        rep->notes[rep->n_notes++] = s_dup(arena, note);
    }

    size_t len = 0;
    body = fc_pb_pack(&rep->base, &len);
    report_row_t row = {id,
                        m->iso_week,
                        m->org_code,
                        m->completeness,
                        missing.data,
                        version,
                        m->empty,
                        m->trigger,
                        req->request_id,
                        m->generated_by,
                        m->period_start_us,
                        m->period_end_us,
                        m->generated_us};
    rc = report_store_insert(pg, &row, body, len, err);
    fc_buf_fini(&missing);
    if (rc != FC_OK)
        goto out;
    Fc__V1__ReportGenerated ev = FC__V1__REPORT_GENERATED__INIT;
    ev.meta = m;
    if ((rc = fc_service_publish(svc, REPORT_EV_GENERATED, &ev.base, c->now_us, err)) != FC_OK)
        goto out;
    if ((rc = fc_pg_commit(pg, err)) != FC_OK)
        goto out;
    *meta_out = m;
    fc_log_info("report.generated", "iso_week", FC_LS(m->iso_week), "org_code", FC_LS(m->org_code),
                "version", FC_LI(version), "completeness", FC_LS(m->completeness), "trigger",
                FC_LS(m->trigger), NULL);
out:
    if (fc_pg_in_tx(pg))
        fc_pg_rollback(pg);
    free(body);
    return rc;
}

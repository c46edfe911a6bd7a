/* intake_rules: validation of organisation units, people and health check-ins. */
#include "intake_rules.h"
#include "intake_shift.h"
#include "fc_clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_org_kinds[] = {"group",          "subsidiary", "committee",
                                    "general_branch", "branch",     NULL};
static const char *s_party_statuses[] = {
    "member", "probationary", "development_target", "activist", "applicant", "none", NULL};
static const char *s_cadre_levels[] = {"none", "section", "division", "bureau", NULL};

static int s_one_of(const char *v, const char *const *set)
{
    for (; *set; set++)
        if (strcmp(v, *set) == 0)
            return 1;
    return 0;
}

int intake_rules_code(const char *field, const char *value, fc_err_t *err)
{
    size_t n = value ? strlen(value) : 0;
    if (n == 0)
        return fc_err_set(err, FC_EINVAL, field, "不能为空");
    if (n > 32)
        return fc_err_set(err, FC_EINVAL, field, "长度 %zu 超过 32 个字符", n);
    if (strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != n)
        return fc_err_set(err, FC_EINVAL, field, "“%s”含有非法字符（只允许字母、数字、_ . -）",
                          value);
    return FC_OK;
}

static int s_text(const char *field, const char *v, size_t max, fc_err_t *err)
{
    size_t n = v ? strlen(v) : 0;
    if (n == 0)
        return fc_err_set(err, FC_EINVAL, field, "不能为空");
    if (n > max)
        return fc_err_set(err, FC_EINVAL, field, "长度 %zu 字节超过上限 %zu", n, max);
    return FC_OK;
}

int intake_rules_org(const Fc__V1__OrgUnit *u, fc_err_t *err)
{
    int rc;
    if ((rc = intake_rules_code("org_code", u->org_code, err)) != FC_OK)
        return rc;
    if ((rc = s_text("name", u->name, 200, err)) != FC_OK)
        return rc;
    if (!s_one_of(u->kind, s_org_kinds))
        return fc_err_set(
            err, FC_EINVAL, "kind",
            "“%s”不是合法的组织类型（group|subsidiary|committee|general_branch|branch）", u->kind);
    int is_group = strcmp(u->kind, "group") == 0;
    if (is_group && u->parent_code[0])
        return fc_err_set(err, FC_EINVAL, "parent_code", "集团是根节点，不能有上级组织");
    if (!is_group && !u->parent_code[0])
        return fc_err_set(err, FC_EINVAL, "parent_code", "除集团外，组织必须有上级组织");
    if (u->parent_code[0] && (rc = intake_rules_code("parent_code", u->parent_code, err)) != FC_OK)
        return rc;
    if (strcmp(u->parent_code, u->org_code) == 0)
        return fc_err_set(err, FC_EINVAL, "parent_code", "组织不能是自己的上级");
    return FC_OK;
}

int intake_rules_person(const Fc__V1__Person *p, fc_err_t *err)
{
    int rc;
    if ((rc = intake_rules_code("employee_no", p->employee_no, err)) != FC_OK)
        return rc;
    if ((rc = s_text("name", p->name, 100, err)) != FC_OK)
        return rc;
    if ((rc = intake_rules_code("org_code", p->org_code, err)) != FC_OK)
        return rc;
    size_t plen = strlen(p->phone);
    if (plen && (plen < 5 || plen > 20 || strspn(p->phone, "+0123456789-") != plen))
        return fc_err_set(err, FC_EINVAL, "phone", "“%s”不是有效的电话号码", p->phone);
    if (!s_one_of(p->party_status[0] ? p->party_status : "none", s_party_statuses))
        return fc_err_set(err, FC_EINVAL, "party_status",
                          "“%s”不是合法的政治面貌（member|probationary|development_target|"
                          "activist|applicant|none）",
                          p->party_status);
    if (!s_one_of(p->cadre_level[0] ? p->cadre_level : "none", s_cadre_levels))
        return fc_err_set(err, FC_EINVAL, "cadre_level",
                          "“%s”不是合法的干部级别（none|section|division|bureau）", p->cadre_level);
    if (p->spouse_employee_no[0]) {
        if ((rc = intake_rules_code("spouse_employee_no", p->spouse_employee_no, err)) != FC_OK)
            return rc;
        if (strcmp(p->spouse_employee_no, p->employee_no) == 0)
            return fc_err_set(err, FC_EINVAL, "spouse_employee_no", "配偶不能是本人");
    }
    if (p->health_status < 0 || p->health_status > FC__V1__HEALTH_STATUS__HEALTH_STATUS_DECEASED)
        return fc_err_set(err, FC_EINVAL, "health_status", "未知的健康状态 %d",
                          (int)p->health_status);
    return FC_OK;
}

/* A people search (intake.person_search): the query is 1..64 characters without control
 * characters; offset 0..10000; limit >= 0 (0 = the default, above the cap = the cap: the
 * caller applies both). */
int intake_rules_person_search(const Fc__V1__PersonSearchRequest *r, fc_err_t *err)
{
    const char *q = r->query ? r->query : "";
    size_t chars = 0;
    if (!*q)
        return fc_err_set(err, FC_EINVAL, "query", "请输入姓名或工号");
    for (const unsigned char *p = (const unsigned char *)q; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return fc_err_set(err, FC_EINVAL, "query", "不能含控制字符");
        chars += (*p & 0xc0) != 0x80; /* UTF-8 is checked when the request is unpacked */
    }
    if (chars > INTAKE_SEARCH_MAX_QUERY)
        return fc_err_set(err, FC_EINVAL, "query", "长度 %zu 个字符超过上限 %d", chars,
                          INTAKE_SEARCH_MAX_QUERY);
    if (r->org_code && *r->org_code) {
        int rc = intake_rules_code("org_code", r->org_code, err);
        if (rc != FC_OK)
            return rc;
    }
    if (r->limit < 0)
        return fc_err_set(err, FC_EINVAL, "limit", "不能为负数（%d）", (int)r->limit);
    if (r->offset < 0 || r->offset > INTAKE_SEARCH_MAX_OFFSET)
        return fc_err_set(err, FC_EINVAL, "offset", "须在 0 到 %d 之间（%d）",
                          INTAKE_SEARCH_MAX_OFFSET, (int)r->offset);
    return FC_OK;
}

int intake_rules_checkin(const Fc__V1__HealthCheckin *c, int64_t now_us, fc_err_t *err)
{
    int rc;
    if ((rc = intake_rules_code("employee_no", c->employee_no, err)) != FC_OK)
        return rc;
    if (c->temperature_dc < INTAKE_TEMP_MIN_DC || c->temperature_dc > INTAKE_TEMP_MAX_DC)
        return fc_err_set(err, FC_EINVAL, "temperature_dc",
                          "体温 %d.%d °C 超出 34.0–43.0 °C 的有效范围", c->temperature_dc / 10,
                          abs(c->temperature_dc % 10));
    if (c->at_us && c->at_us > now_us + 5 * 60 * FC_US_PER_S)
        return fc_err_set(err, FC_EINVAL, "at_us", "测量时间晚于当前时间");
    if (c->at_us && c->at_us < now_us - 30 * FC_US_PER_DAY)
        return fc_err_set(err, FC_EINVAL, "at_us", "测量时间早于 30 天前，不能补录");
    if (c->n_symptoms > 32)
        return fc_err_set(err, FC_EINVAL, "symptoms", "症状最多 32 项");
    for (size_t i = 0; i < c->n_symptoms; i++)
        if (!c->symptoms[i][0] || strlen(c->symptoms[i]) > 100 ||
            strcspn(c->symptoms[i], "\n\r\t") != strlen(c->symptoms[i]))
            return fc_err_set(err, FC_EINVAL, "symptoms", "第 %zu 项症状为空、过长或含换行", i + 1);
    if (strlen(c->note) > 1000)
        return fc_err_set(err, FC_EINVAL, "note", "备注超过 1000 字节");
    return intake_rules_text("note", c->note, 1000, 0, err);
}

int intake_rules_health_transition(int from, int to, fc_err_t *err)
{
    if (to < FC__V1__HEALTH_STATUS__HEALTH_STATUS_HEALTHY ||
        to > FC__V1__HEALTH_STATUS__HEALTH_STATUS_DECEASED)
        return fc_err_set(err, FC_EINVAL, "health_status", "未知的健康状态 %d", to);
    enum {
        HEALTHY = FC__V1__HEALTH_STATUS__HEALTH_STATUS_HEALTHY,
        QUARANTINED = FC__V1__HEALTH_STATUS__HEALTH_STATUS_QUARANTINED,
        SUSPECTED = FC__V1__HEALTH_STATUS__HEALTH_STATUS_SUSPECTED,
        CONFIRMED = FC__V1__HEALTH_STATUS__HEALTH_STATUS_CONFIRMED,
        RECOVERED = FC__V1__HEALTH_STATUS__HEALTH_STATUS_RECOVERED,
        DECEASED = FC__V1__HEALTH_STATUS__HEALTH_STATUS_DECEASED,
    };
    (void)HEALTHY;
    if (from == to)
        return FC_OK;
    if (from == DECEASED)
        return fc_err_set(err, FC_ECONFLICT, "health_status", "已故人员的健康状态不能再变更");
    if (to == RECOVERED && from != CONFIRMED && from != SUSPECTED && from != QUARANTINED)
        return fc_err_set(err, FC_ECONFLICT, "health_status",
                          "只有确诊、疑似或隔离人员才能变更为已康复");
    return FC_OK;
}

int intake_rules_text(const char *field, const char *v, size_t max, int required, fc_err_t *err)
{
    size_t n = v ? strlen(v) : 0;
    if (n == 0)
        return required ? fc_err_set(err, FC_EINVAL, field, "不能为空") : FC_OK;
    if (n > max)
        return fc_err_set(err, FC_EINVAL, field, "长度 %zu 字节超过上限 %zu", n, max);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            return fc_err_set(err, FC_EINVAL, field, "含有控制字符（第 %zu 字节）", i + 1);
    }
    return FC_OK;
}

int intake_rules_when(const char *field, int64_t at_us, int64_t now_us, int max_age_days,
                      fc_err_t *err)
{
    if (at_us > now_us + 5 * 60 * FC_US_PER_S)
        return fc_err_set(err, FC_EINVAL, field, "时间晚于当前时间");
    if (at_us < now_us - (int64_t)max_age_days * FC_US_PER_DAY)
        return fc_err_set(err, FC_EINVAL, field, "时间早于 %d 天前，不能补录", max_age_days);
    return FC_OK;
}

static const char *s_post_kinds[] = {
    "checkpoint", "temperature_station", "fever_clinic",  "disinfection",   "quarantine_service",
    "production", "pioneer_post",        "commando_team", "volunteer_team", "responsibility_zone",
    NULL};

int intake_rules_post(const Fc__V1__Post *p, fc_err_t *err)
{
    int rc;
    if ((rc = intake_rules_code("post_code", p->post_code, err)) != FC_OK)
        return rc;
    if ((rc = intake_rules_code("org_code", p->org_code, err)) != FC_OK)
        return rc;
    if ((rc = intake_rules_text("name", p->name, 200, 1, err)) != FC_OK)
        return rc;
    if (!s_one_of(p->kind, s_post_kinds))
        return fc_err_set(err, FC_EINVAL, "kind",
                          "“%s”不是合法的岗位类型（checkpoint|temperature_station|fever_clinic|"
                          "disinfection|quarantine_service|production|pioneer_post|"
                          "commando_team|volunteer_team|responsibility_zone）",
                          p->kind);
    if (p->risk_class != 1 && p->risk_class != 2)
        return fc_err_set(err, FC_EINVAL, "risk_class",
                          "风险等级 %d 不合法：1 为直接接触确诊病例，2 为其他一线",
                          (int)p->risk_class);
    if (p->n_shifts == 0)
        return fc_err_set(err, FC_EINVAL, "shifts", "至少要有一个班次");
    if (p->n_shifts > INTAKE_SHIFT_MAX)
        return fc_err_set(err, FC_EINVAL, "shifts", "班次 %zu 个，超过上限 %d 个", p->n_shifts,
                          INTAKE_SHIFT_MAX);
    for (size_t i = 0; i < p->n_shifts; i++) {
        const Fc__V1__Shift *s = p->shifts[i];
        if (s->start_min < 0 || s->start_min >= 1440 || s->end_min < 0 || s->end_min >= 1440)
            return fc_err_set(err, FC_EINVAL, "shifts", "第 %zu 个班次的时间不在 00:00–23:59 之内",
                              i + 1);
        if (s->headcount < 1 || s->headcount > INTAKE_SHIFT_MAX_HEADCOUNT)
            return fc_err_set(err, FC_EINVAL, "shifts", "第 %zu 个班次人数 %d 不在 1–%d 之内",
                              i + 1, (int)s->headcount, INTAKE_SHIFT_MAX_HEADCOUNT);
        for (size_t j = 0; j < i; j++)
            if (p->shifts[j]->start_min == s->start_min && p->shifts[j]->end_min == s->end_min)
                return fc_err_set(err, FC_EINVAL, "shifts", "第 %zu 个班次与第 %zu 个重复", i + 1,
                                  j + 1);
    }
    return FC_OK;
}

int intake_rules_duty_span(int64_t start_us, int64_t end_us, fc_err_t *err)
{
    if (end_us <= start_us)
        return fc_err_set(err, FC_EINVAL, "at_us", "签退时间必须晚于签到时间");
    if (end_us - start_us > 24 * 3600 * FC_US_PER_S)
        return fc_err_set(err, FC_EINVAL, "at_us", "一次值守不能超过 24 小时（签到后 %lld 分钟）",
                          (long long)((end_us - start_us) / (60 * FC_US_PER_S)));
    return FC_OK;
}

int intake_rules_incident(const Fc__V1__IncidentRequest *r, int *status_out, int *major_out,
                          fc_err_t *err)
{
    static const struct {
        const char *kind;
        int status, major;
    } kinds[] = {
        {"injured", 0, 0},
        {"fell_ill", 0, 0},
        {"infected", FC__V1__HEALTH_STATUS__HEALTH_STATUS_CONFIRMED, 1},
        {"quarantined", FC__V1__HEALTH_STATUS__HEALTH_STATUS_QUARANTINED, 0},
        {"died", FC__V1__HEALTH_STATUS__HEALTH_STATUS_DECEASED, 1},
    };
    int rc;
    if ((rc = intake_rules_code("employee_no", r->employee_no, err)) != FC_OK)
        return rc;
    if ((rc = intake_rules_text("description", r->description, 2000, 0, err)) != FC_OK)
        return rc;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(r->kind, kinds[i].kind) == 0) {
            *status_out = kinds[i].status;
            *major_out = kinds[i].major;
            return FC_OK;
        }
    return fc_err_set(err, FC_EINVAL, "kind",
                      "“%s”不是合法的事件类型（injured|fell_ill|infected|quarantined|died）",
                      r->kind);
}

static const char *s_key_groups[] = {"confirmed", "suspected", "fever", "close_contact", NULL};

int intake_rules_key_group_file(const Fc__V1__KeyGroupFile *f, fc_err_t *err)
{
    int rc;
    if ((rc = intake_rules_code("employee_no", f->employee_no, err)) != FC_OK)
        return rc;
    if (!s_one_of(f->category, s_key_groups))
        return fc_err_set(err, FC_EINVAL, "category",
                          "“%s”不是四类人员类别（confirmed|suspected|fever|close_contact）",
                          f->category);
    if ((rc = intake_rules_code("volunteer_employee_no", f->volunteer_employee_no, err)) != FC_OK)
        return rc;
    if (strcmp(f->volunteer_employee_no, f->employee_no) == 0)
        return fc_err_set(err, FC_EINVAL, "volunteer_employee_no", "一对一志愿者不能是本人");
    size_t plen = strlen(f->card_phone);
    if (plen && (plen < 5 || plen > 20 || strspn(f->card_phone, "+0123456789-") != plen))
        return fc_err_set(err, FC_EINVAL, "card_phone", "“%s”不是有效的电话号码", f->card_phone);
    if ((rc = intake_rules_text("location", f->location, 200, 0, err)) != FC_OK)
        return rc;
    return intake_rules_text("note", f->note, 2000, 0, err);
}

static const char *s_contact_kinds[] = {"phone_call", "psych_care", "groceries",
                                        "visit",      "other",      NULL};

int intake_rules_service_contact(const Fc__V1__ServiceContact *c, fc_err_t *err)
{
    int rc;
    if (c->file_id <= 0)
        return fc_err_set(err, FC_EINVAL, "file_id", "须指明档案编号");
    if (!s_one_of(c->kind, s_contact_kinds))
        return fc_err_set(err, FC_EINVAL, "kind",
                          "“%s”不是合法的服务方式（phone_call|psych_care|groceries|visit|other）",
                          c->kind);
    if ((rc = intake_rules_code("by_employee_no", c->by_employee_no, err)) != FC_OK)
        return rc;
    return intake_rules_text("note", c->note, 2000, 0, err);
}

static const char *s_hardship_categories[] = {"elderly_care", "child_care", "illness", "income",
                                              "housing",      "other",      NULL};

int intake_rules_hardship(const Fc__V1__HardshipCase *c, fc_err_t *err)
{
    int rc;
    if ((rc = intake_rules_code("employee_no", c->employee_no, err)) != FC_OK)
        return rc;
    if (!s_one_of(c->category, s_hardship_categories))
        return fc_err_set(err, FC_EINVAL, "category",
                          "“%s”不是合法的困难类别（elderly_care|child_care|illness|income|"
                          "housing|other）",
                          c->category);
    if ((rc = intake_rules_text("description", c->description, 2000, 1, err)) != FC_OK)
        return rc;
    if (intake_rules_code("liaison_employee_no", c->liaison_employee_no, NULL) != FC_OK)
        return fc_err_set(err, FC_EINVAL, "liaison_employee_no",
                          c->liaison_employee_no[0]
                              ? "联络人工号“%s”不合法（只允许字母、数字、_ . -）"
                              : "须指定一对一联络人（000 §5）%s",
                          c->liaison_employee_no);
    if (strcmp(c->liaison_employee_no, c->employee_no) == 0)
        return fc_err_set(err, FC_EINVAL, "liaison_employee_no", "一对一联络人不能是本人");
    if (c->requested_fen < 0 || c->requested_fen > 100000000)
        return fc_err_set(err, FC_EINVAL, "requested_fen", "申请金额 %lld 分不在 0–1000000 元之内",
                          (long long)c->requested_fen);
    return FC_OK;
}

int intake_rules_iso_week(const char *field, const char *week, int64_t *monday_out, fc_err_t *err)
{
    int y = 0, w = 0, used = 0;
    if (!week || strlen(week) != 8 || sscanf(week, "%4d-W%2d%n", &y, &w, &used) != 2 || used != 8 ||
        week[4] != '-' || week[5] != 'W' || strspn(week, "0123456789") != 4 ||
        strspn(week + 6, "0123456789") != 2)
        return fc_err_set(err, FC_EINVAL, field, "“%s”不是 ISO 周（如 2026-W47）",
                          week ? week : "");
    fc_err_t e2;
    if (fc_iso_week_start(y, w, monday_out, &e2) != FC_OK)
        return fc_err_set(err, FC_EINVAL, field, "%d 年没有第 %d 周", y, w);
    return FC_OK;
}

int intake_rules_weekly_report(const Fc__V1__WeeklyReport *r, int64_t now_us, fc_err_t *err)
{
    int rc;
    int64_t monday = 0;
    if ((rc = intake_rules_code("employee_no", r->employee_no, err)) != FC_OK)
        return rc;
    if ((rc = intake_rules_code("org_code", r->org_code, err)) != FC_OK)
        return rc;
    if ((rc = intake_rules_iso_week("iso_week", r->iso_week, &monday, err)) != FC_OK)
        return rc;
    if (fc_time_local_day_start(monday) > now_us)
        return fc_err_set(err, FC_EINVAL, "iso_week", "%s 尚未开始，不能提前报告", r->iso_week);
    if ((rc = intake_rules_text("epidemic_duty", r->epidemic_duty, 4000, 1, err)) != FC_OK)
        return rc;
    return intake_rules_text("production", r->production, 4000, 1, err);
}

int intake_rules_cadre_event(const Fc__V1__CadreKeyEvent *e, fc_err_t *err)
{
    int rc;
    if ((rc = intake_rules_code("employee_no", e->employee_no, err)) != FC_OK)
        return rc;
    if (strcmp(e->polarity, "good") != 0 && strcmp(e->polarity, "bad") != 0)
        return fc_err_set(err, FC_EINVAL, "polarity", "“%s”应为 good（先进）或 bad（后进）",
                          e->polarity);
    return intake_rules_text("description", e->description, 2000, 1, err);
}

int intake_rules_merit(const Fc__V1__MeritRecord *m, int *accountability_out, fc_err_t *err)
{
    static const char *commend[] = {"commendation", "merit", "public_praise", NULL};
    static const char *account[] = {"accountability", "reassignment", "disciplinary", NULL};
    int rc;
    if ((rc = intake_rules_code("employee_no", m->employee_no, err)) != FC_OK)
        return rc;
    if (s_one_of(m->kind, commend))
        *accountability_out = 0;
    else if (s_one_of(m->kind, account))
        *accountability_out = 1;
    else
        return fc_err_set(err, FC_EINVAL, "kind",
                          "“%s”不是合法的类别（commendation 嘉奖|merit 记功|public_praise 通报表扬|"
                          "accountability 问责|reassignment 组织调整|disciplinary 组织处理）",
                          m->kind);
    if ((rc = intake_rules_text("reason", m->reason, 2000, 1, err)) != FC_OK)
        return rc;
    return intake_rules_text("issued_by", m->issued_by, 200, 0, err);
}

int intake_rules_party_candidate(const char *party_status, fc_err_t *err)
{
    static const char *ok[] = {"applicant", "activist", "development_target", NULL};
    if (!s_one_of(party_status, ok))
        return fc_err_set(
            err, FC_ECONFLICT, "employee_no",
            "政治面貌为“%s”，只有入党申请人、入党积极分子或发展对象可列为发展对象人选",
            party_status);
    return FC_OK;
}

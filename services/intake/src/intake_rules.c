/* intake_rules: validation of organisation units, people and health check-ins. */
#include "intake_rules.h"
#include "fc_clock.h"

#include <stdlib.h>
#include <string.h>

static const char *s_org_kinds[] = {"group", "subsidiary", "committee", "general_branch",
                                    "branch", NULL};
static const char *s_party_statuses[] = {"member", "probationary", "development_target",
                                         "activist", "applicant", "none", NULL};
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
        return fc_err_set(err, FC_EINVAL, field,
                          "“%s”含有非法字符（只允许字母、数字、_ . -）", value);
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
        return fc_err_set(err, FC_EINVAL, "kind",
                          "“%s”不是合法的组织类型（group|subsidiary|committee|general_branch|branch）",
                          u->kind);
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
                          "“%s”不是合法的干部级别（none|section|division|bureau）",
                          p->cadre_level);
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
        if (!c->symptoms[i][0] || strlen(c->symptoms[i]) > 100)
            return fc_err_set(err, FC_EINVAL, "symptoms", "第 %zu 项症状为空或过长", i + 1);
    if (strlen(c->note) > 1000)
        return fc_err_set(err, FC_EINVAL, "note", "备注超过 1000 字节");
    return FC_OK;
}

int intake_rules_health_transition(int from, int to, fc_err_t *err)
{
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

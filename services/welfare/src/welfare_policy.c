/* welfare_policy: the welfare vocabulary and the policy file, checked whole at start-up. */
#include "welfare_policy.h"
#include "fc_policy.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *s_funds[][2] = {
    {"special_party_fee", "专项党费"},
    {"matching", "本级配套资金"},
    {"retained_party_fee", "留存党费"},
    {"epidemic_subsidy", "疫情防控补助经费"},
};

static const char *s_kinds[][2] = {
    {"condolence", "慰问金"},
    {"frontline_subsidy", "临时性工作补助"},
    {"epidemic_allowance", "卫生防疫津贴"},
    {"hardship", "困难帮扶"},
    {"insurance_claim", "保险赔付"},
};

static const char *s_incidents[][2] = {
    {"injured", "负伤"},     {"fell_ill", "患病"}, {"infected", "感染"},
    {"quarantined", "隔离"}, {"died", "殉职"},
};

static const char *s_states[][2] = {
    {"awaiting_funds", "资金不足待拨付"},
    {"pending", "待审批"},
    {"paid", "已支付"},
    {"rejected", "已驳回"},
    {"expired", "已过期"},
    {"reversed", "已冲正"},
};

#define S_LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int s_find(const char *(*table)[2], int n, const char *name)
{
    for (int i = 0; name && i < n; i++)
        if (strcmp(table[i][0], name) == 0)
            return i;
    return -1;
}

int welfare_fund_code(const char *name)
{
    return s_find(s_funds, S_LEN(s_funds), name);
}
const char *welfare_fund_name(int f)
{
    return f >= 0 && f < WELFARE_NFUNDS ? s_funds[f][0] : "";
}
const char *welfare_fund_label(int f)
{
    return f >= 0 && f < WELFARE_NFUNDS ? s_funds[f][1] : "";
}
int welfare_kind_code(const char *name)
{
    return s_find(s_kinds, S_LEN(s_kinds), name);
}
const char *welfare_kind_name(int k)
{
    return k >= 0 && k < WELFARE_NKINDS ? s_kinds[k][0] : "";
}
const char *welfare_kind_label(int k)
{
    return k >= 0 && k < WELFARE_NKINDS ? s_kinds[k][1] : "";
}
int welfare_incident_code(const char *name)
{
    return s_find(s_incidents, S_LEN(s_incidents), name);
}

const char *welfare_incident_name(int i)
{
    return i >= 0 && i < WELFARE_NINCIDENTS ? s_incidents[i][0] : "";
}

const char *welfare_incident_label(int i)
{
    return i >= 0 && i < WELFARE_NINCIDENTS ? s_incidents[i][1] : "";
}

const char *welfare_state_label(const char *state)
{
    int i = s_find(s_states, S_LEN(s_states), state);
    return i >= 0 ? s_states[i][1] : state;
}

const char *welfare_yuan(int64_t fen, char *buf, size_t n)
{
    uint64_t a = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    snprintf(buf, n, "%s%" PRIu64 ".%02u 元", fen < 0 ? "-" : "", a / 100, (unsigned)(a % 100));
    return buf;
}

/* ---- parsing ------------------------------------------------------------------------------ */

static const welfare_kind_policy_t s_default_kinds[WELFARE_NKINDS] = {
    [WELFARE_KIND_CONDOLENCE] = {2,
                                 {WELFARE_FUND_SPECIAL_PARTY_FEE, WELFARE_FUND_MATCHING},
                                 100000,
                                 5000000,
                                 1,
                                 0,
                                 {100000, 100000, 200000, 50000, 2000000},
                                 {0, 0, 0},
                                 0},
    [WELFARE_KIND_FRONTLINE_SUBSIDY] =
        {1, {WELFARE_FUND_EPIDEMIC_SUBSIDY}, 30000, 30000, 0, 0, {0}, {0, 30000, 20000}, 1},
    [WELFARE_KIND_EPIDEMIC_ALLOWANCE] =
        {1, {WELFARE_FUND_EPIDEMIC_SUBSIDY}, 5000, 200000, 0, 0, {0}, {0, 0, 0}, 0},
    [WELFARE_KIND_HARDSHIP] =
        {1, {WELFARE_FUND_RETAINED_PARTY_FEE}, 0, 5000000, 0, 0, {0}, {0, 0, 0}, 0},
    [WELFARE_KIND_INSURANCE_CLAIM] =
        {1, {WELFARE_FUND_EPIDEMIC_SUBSIDY}, 0, 50000000, 0, 1, {0}, {0, 0, 0}, 0},
};

/* Keys an object may have besides comments; anything else is a typo worth refusing. */
static int s_known_keys(const json_t *obj, const char *path, const char *const *keys, fc_err_t *err)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v)
    {
        (void)v;
        int ok = k[0] == '_';
        for (const char *const *p = keys; !ok && *p; p++)
            ok = strcmp(*p, k) == 0;
        if (!ok)
            return fc_err_set(err, FC_EINVAL, path, "unknown policy key \"%s\"", k);
    }
    return FC_OK;
}

static int s_bool(const json_t *doc, const char *path, int *out, fc_err_t *err)
{
    const json_t *v = fc_policy_get(doc, path);
    if (!v)
        return FC_OK;
    if (!json_is_boolean(v))
        return fc_err_set(err, FC_EINVAL, path, "policy value is not true or false");
    *out = json_is_true(v);
    return FC_OK;
}

static int s_kind(const json_t *doc, int k, welfare_kind_policy_t *kp, int64_t max_transfer,
                  fc_err_t *err)
{
    char path[160];
    int rc;
    const char *kn = welfare_kind_name(k);
    snprintf(path, sizeof path, "kinds.%s", kn);
    const json_t *obj = fc_policy_get(doc, path);
    if (!obj)
        return FC_OK;
    if (!json_is_object(obj))
        return fc_err_set(err, FC_EINVAL, path, "policy value is not an object");
    static const char *const keys[] = {"funds",         "auto_approve_max_fen", "max_fen",
                                       "on_duty_only",  "aid_team_only",        "by_incident",
                                       "by_risk_class", "min_minutes",          NULL};
    if ((rc = s_known_keys(obj, path, keys, err)) != FC_OK)
        return rc;
    snprintf(path, sizeof path, "kinds.%s.funds", kn);
    const json_t *funds = fc_policy_get(doc, path);
    if (funds) {
        if (!json_is_array(funds) || json_array_size(funds) == 0 ||
            json_array_size(funds) > WELFARE_NFUNDS)
            return fc_err_set(err, FC_EINVAL, path, "policy value is not a list of 1 to %d funds",
                              WELFARE_NFUNDS);
        kp->nfunds = 0;
        for (size_t i = 0; i < json_array_size(funds); i++) {
            int f = welfare_fund_code(json_string_value(json_array_get(funds, i)));
            if (f < 0)
                return fc_err_set(err, FC_EINVAL, path,
                                  "unknown fund at position %zu (special_party_fee, matching, "
                                  "retained_party_fee, epidemic_subsidy)",
                                  i + 1);
            for (int j = 0; j < kp->nfunds; j++)
                if ((int)kp->funds[j] == f)
                    return fc_err_set(err, FC_EINVAL, path, "fund \"%s\" is listed twice",
                                      welfare_fund_name(f));
            kp->funds[kp->nfunds++] = (welfare_fund_t)f;
        }
    }
    snprintf(path, sizeof path, "kinds.%s.max_fen", kn);
    if ((rc = fc_policy_int(doc, path, kp->max_fen, 1, max_transfer, &kp->max_fen, err)) != FC_OK)
        return rc;
    snprintf(path, sizeof path, "kinds.%s.auto_approve_max_fen", kn);
    if ((rc = fc_policy_int(doc, path, kp->auto_approve_max_fen, 0, kp->max_fen,
                            &kp->auto_approve_max_fen, err)) != FC_OK)
        return rc;
    snprintf(path, sizeof path, "kinds.%s.on_duty_only", kn);
    if ((rc = s_bool(doc, path, &kp->on_duty_only, err)) != FC_OK)
        return rc;
    snprintf(path, sizeof path, "kinds.%s.aid_team_only", kn);
    if ((rc = s_bool(doc, path, &kp->aid_team_only, err)) != FC_OK)
        return rc;
    snprintf(path, sizeof path, "kinds.%s.min_minutes", kn);
    if ((rc = fc_policy_int(doc, path, kp->min_minutes, 0, 24 * 60, &kp->min_minutes, err)) !=
        FC_OK)
        return rc;
    snprintf(path, sizeof path, "kinds.%s.by_incident", kn);
    const json_t *bi = fc_policy_get(doc, path);
    if (bi) {
        static const char *const inc[] = {"injured",     "fell_ill", "infected",
                                          "quarantined", "died",     NULL};
        if (!json_is_object(bi))
            return fc_err_set(err, FC_EINVAL, path, "policy value is not an object");
        if ((rc = s_known_keys(bi, path, inc, err)) != FC_OK)
            return rc;
        for (int i = 0; i < WELFARE_NINCIDENTS; i++) {
            snprintf(path, sizeof path, "kinds.%s.by_incident.%s", kn, welfare_incident_name(i));
            if ((rc = fc_policy_int(doc, path, kp->by_incident[i], 0, kp->max_fen,
                                    &kp->by_incident[i], err)) != FC_OK)
                return rc;
        }
    }
    snprintf(path, sizeof path, "kinds.%s.by_risk_class", kn);
    const json_t *br = fc_policy_get(doc, path);
    if (br) {
        static const char *const cls[] = {"1", "2", NULL};
        if (!json_is_object(br))
            return fc_err_set(err, FC_EINVAL, path, "policy value is not an object");
        if ((rc = s_known_keys(br, path, cls, err)) != FC_OK)
            return rc;
        for (int c = 1; c <= 2; c++) {
            snprintf(path, sizeof path, "kinds.%s.by_risk_class.%d", kn, c);
            if ((rc = fc_policy_int(doc, path, kp->by_risk_class[c], 0, kp->max_fen,
                                    &kp->by_risk_class[c], err)) != FC_OK)
                return rc;
        }
        snprintf(path, sizeof path, "kinds.%s.by_risk_class", kn);
        if (kp->by_risk_class[1] < kp->by_risk_class[2])
            return fc_err_set(err, FC_EINVAL, path, "class I (%lld) pays less than class II (%lld)",
                              (long long)kp->by_risk_class[1], (long long)kp->by_risk_class[2]);
    }
    return FC_OK;
}

int welfare_policy_parse(const json_t *doc, welfare_policy_t *out, fc_err_t *err)
{
    welfare_policy_t p;
    memset(&p, 0, sizeof p);
    memcpy(p.kinds, s_default_kinds, sizeof p.kinds);
    int rc;
    static const char *const top[] = {"max_transfer_fen", "pending_ttl_days", "kinds",
                                      "family_care",
                                      "benefit",  /* welfare_benefit_policy_parse */
                                      "supplies", /* welfare_supply */
                                      NULL};
    static const char *const kinds[] = {"condolence", "frontline_subsidy", "epidemic_allowance",
                                        "hardship",   "insurance_claim",   NULL};
    static const char *const family[] = {"visit_every_days", NULL};
    if ((rc = s_known_keys(doc, "", top, err)) != FC_OK)
        return rc;
    const json_t *k = fc_policy_get(doc, "kinds");
    if (k && (!json_is_object(k) || (rc = s_known_keys(k, "kinds", kinds, err)) != FC_OK))
        return rc != FC_OK ? rc : fc_err_set(err, FC_EINVAL, "kinds", "not an object");
    const json_t *fcare = fc_policy_get(doc, "family_care");
    if (fcare &&
        (!json_is_object(fcare) || (rc = s_known_keys(fcare, "family_care", family, err)) != FC_OK))
        return rc != FC_OK ? rc : fc_err_set(err, FC_EINVAL, "family_care", "not an object");
    if ((rc = fc_policy_int(doc, "max_transfer_fen", INT64_C(100000000000), 1, WELFARE_AMOUNT_LIMIT,
                            &p.max_transfer_fen, err)) != FC_OK)
        return rc;
    if ((rc = fc_policy_int(doc, "pending_ttl_days", 30, 1, 3660, &p.pending_ttl_days, err)) !=
        FC_OK)
        return rc;
    if ((rc = fc_policy_int(doc, "family_care.visit_every_days", 30, 1, 366, &p.visit_every_days,
                            err)) != FC_OK)
        return rc;
    for (int i = 0; i < WELFARE_NKINDS; i++) {
        if (p.kinds[i].max_fen > p.max_transfer_fen)
            p.kinds[i].max_fen = p.max_transfer_fen;
        if ((rc = s_kind(doc, i, &p.kinds[i], p.max_transfer_fen, err)) != FC_OK)
            return rc;
        if (p.kinds[i].auto_approve_max_fen > p.kinds[i].max_fen)
            p.kinds[i].auto_approve_max_fen = p.kinds[i].max_fen;
    }
    *out = p;
    return FC_OK;
}

int welfare_policy_load(const char *dir, welfare_policy_t *out, fc_err_t *err)
{
    json_t *doc = fc_policy_load(dir, "welfare", err);
    if (!doc)
        return FC_EINVAL;
    int rc = welfare_policy_parse(doc, out, err);
    json_decref(doc);
    return rc;
}

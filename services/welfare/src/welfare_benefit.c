/* welfare_benefit: benefit application cases — policy, the case state machine, auto-opening
 * from incidents and the payout of a granted case. */
#include "welfare_benefit.h"
#include "welfare_rules.h"
#include "welfare_store.h"
#include "fc/v1/intake.pb-c.h"
#include "fc_clock.h"
#include "fc_log.h"
#include "fc_pb.h"
#include "fc_policy.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* A deadline further out than this is a typo, not a plan. */
#define S_MAX_DEADLINE_DAYS 3660
/* A document "received" a little in the future is a clock skew, not an error. */
#define S_FUTURE_SLACK_US (5 * 60 * FC_US_PER_S)

static const char *s_kinds[][2] = {
    {"work_injury", "工伤申报"},
    {"disability", "因工伤残申请"},
    {"death_on_duty", "因公牺牲申请"},
    {"martyr", "烈士评定申请"},
    {"accident_insurance", "人身意外伤害保险理赔"},
    {"illness_insurance", "重大疾病保险理赔"},
};

static const char *s_state_labels[][2] = {
    {"open", "办理中"},
    {"granted", "已批准"},
    {"refused", "未获批准"},
};

int welfare_benefit_kind_code(const char *name)
{
    for (int i = 0; name && i < WELFARE_NBENEFITS; i++)
        if (strcmp(s_kinds[i][0], name) == 0)
            return i;
    return -1;
}

const char *welfare_benefit_kind_name(int k)
{
    return k >= 0 && k < WELFARE_NBENEFITS ? s_kinds[k][0] : "";
}

const char *welfare_benefit_kind_label(int k)
{
    return k >= 0 && k < WELFARE_NBENEFITS ? s_kinds[k][1] : "";
}

static const char *s_state_label(const char *state)
{
    for (size_t i = 0; i < sizeof s_state_labels / sizeof s_state_labels[0]; i++)
        if (strcmp(s_state_labels[i][0], state) == 0)
            return s_state_labels[i][1];
    return state;
}

/* ---- policy ------------------------------------------------------------------------------- */

static void s_default_steps(welfare_benefit_kind_policy_t *kp, const char *decide,
                            const char *decide_label, const int64_t days[5])
{
    static const char *names[] = {"collect", "submit", "accept", NULL, "conclude"};
    static const char *labels[] = {"申报材料收集", "提交申请", "受理", NULL, "结论与待遇兑现"};
    kp->nsteps = 5;
    for (int i = 0; i < 5; i++) {
        snprintf(kp->steps[i].name, sizeof kp->steps[i].name, "%s", names[i] ? names[i] : decide);
        snprintf(kp->steps[i].label, sizeof kp->steps[i].label, "%s",
                 labels[i] ? labels[i] : decide_label);
        kp->steps[i].days = days[i];
    }
}

static void s_defaults(welfare_benefit_policy_t *p)
{
    memset(p, 0, sizeof *p);
    static const int64_t injury[] = {7, 7, 15, 60, 15}, death[] = {5, 5, 10, 30, 15},
                         martyr[] = {10, 10, 15, 90, 15}, ins[] = {7, 5, 10, 30, 10};
    welfare_benefit_kind_policy_t *k = p->kinds;
    s_default_steps(&k[WELFARE_BENEFIT_WORK_INJURY], "determine", "工伤认定", injury);
    s_default_steps(&k[WELFARE_BENEFIT_DISABILITY], "assess", "劳动能力鉴定", injury);
    s_default_steps(&k[WELFARE_BENEFIT_DEATH_ON_DUTY], "determine", "因公牺牲认定", death);
    s_default_steps(&k[WELFARE_BENEFIT_MARTYR], "evaluate", "烈士评定", martyr);
    s_default_steps(&k[WELFARE_BENEFIT_ACCIDENT_INSURANCE], "assess", "理赔审核", ins);
    s_default_steps(&k[WELFARE_BENEFIT_ILLNESS_INSURANCE], "assess", "理赔审核", ins);
    for (int i = 0; i < WELFARE_NBENEFITS; i++) {
        k[i].payout_kind = WELFARE_KIND_CONDOLENCE;
        k[i].on_duty_only = 1;
    }
    k[WELFARE_BENEFIT_WORK_INJURY].open_on[WELFARE_INCIDENT_INFECTED] = 1;
    k[WELFARE_BENEFIT_DEATH_ON_DUTY].open_on[WELFARE_INCIDENT_DIED] = 1;
    k[WELFARE_BENEFIT_MARTYR].open_on[WELFARE_INCIDENT_DIED] = 1;
    for (int i = WELFARE_BENEFIT_ACCIDENT_INSURANCE; i <= WELFARE_BENEFIT_ILLNESS_INSURANCE; i++) {
        k[i].payout_kind = WELFARE_KIND_INSURANCE_CLAIM;
        k[i].on_duty_only = 0;
        k[i].aid_team_only = 1;
    }
    k[WELFARE_BENEFIT_ACCIDENT_INSURANCE].open_on[WELFARE_INCIDENT_INJURED] = 1;
    k[WELFARE_BENEFIT_ACCIDENT_INSURANCE].open_on[WELFARE_INCIDENT_DIED] = 1;
    k[WELFARE_BENEFIT_ILLNESS_INSURANCE].open_on[WELFARE_INCIDENT_INFECTED] = 1;
    k[WELFARE_BENEFIT_ILLNESS_INSURANCE].open_on[WELFARE_INCIDENT_FELL_ILL] = 1;
}

static int s_keys(const json_t *obj, const char *path, const char *const *keys, fc_err_t *err)
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

static int s_name_ok(const char *s)
{
    if (!s || !*s || strlen(s) >= WELFARE_BENEFIT_NAME_MAX)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

static int s_parse_steps(const json_t *a, const char *path, welfare_benefit_kind_policy_t *kp,
                         fc_err_t *err)
{
    char p[200];
    if (!json_is_array(a) || json_array_size(a) < 1 ||
        json_array_size(a) > WELFARE_BENEFIT_MAX_STEPS)
        return fc_err_set(err, FC_EINVAL, path, "policy value is not a list of 1 to %d steps",
                          WELFARE_BENEFIT_MAX_STEPS);
    kp->nsteps = 0;
    for (size_t i = 0; i < json_array_size(a); i++) {
        const json_t *s = json_array_get(a, i);
        snprintf(p, sizeof p, "%s[%zu]", path, i);
        static const char *const keys[] = {"name", "label", "days", NULL};
        if (!json_is_object(s))
            return fc_err_set(err, FC_EINVAL, p, "policy value is not an object");
        int rc = s_keys(s, p, keys, err);
        if (rc != FC_OK)
            return rc;
        const char *name = json_string_value(json_object_get(s, "name"));
        const char *label = json_string_value(json_object_get(s, "label"));
        const json_t *days = json_object_get(s, "days");
        if (!s_name_ok(name))
            return fc_err_set(err, FC_EINVAL, p, "step name is not 1-31 of [a-z0-9_]");
        if (!label || !*label || strlen(label) >= WELFARE_BENEFIT_LABEL_MAX)
            return fc_err_set(err, FC_EINVAL, p, "step label is missing or too long");
        if (!json_is_integer(days) || json_integer_value(days) < 1 ||
            json_integer_value(days) > S_MAX_DEADLINE_DAYS)
            return fc_err_set(err, FC_EINVAL, p, "step days is not an integer in [1, %d]",
                              S_MAX_DEADLINE_DAYS);
        for (int j = 0; j < kp->nsteps; j++)
            if (strcmp(kp->steps[j].name, name) == 0)
                return fc_err_set(err, FC_EINVAL, p, "step \"%s\" is listed twice", name);
        welfare_benefit_step_t *st = &kp->steps[kp->nsteps++];
        snprintf(st->name, sizeof st->name, "%s", name);
        snprintf(st->label, sizeof st->label, "%s", label);
        st->days = json_integer_value(days);
    }
    return FC_OK;
}

static int s_parse_bool(const json_t *obj, const char *key, const char *path, int *out,
                        fc_err_t *err)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return FC_OK;
    if (!json_is_boolean(v))
        return fc_err_set(err, FC_EINVAL, path, "policy value %s is not true or false", key);
    *out = json_is_true(v);
    return FC_OK;
}

static int s_parse_kind(const json_t *obj, int k, welfare_benefit_kind_policy_t *kp, fc_err_t *err)
{
    char path[160];
    int rc;
    const char *kn = welfare_benefit_kind_name(k);
    snprintf(path, sizeof path, "benefit.kinds.%s", kn);
    static const char *const keys[] = {"steps",        "payout_kind",   "open_on",
                                       "on_duty_only", "aid_team_only", NULL};
    if (!json_is_object(obj))
        return fc_err_set(err, FC_EINVAL, path, "policy value is not an object");
    if ((rc = s_keys(obj, path, keys, err)) != FC_OK)
        return rc;
    const json_t *steps = json_object_get(obj, "steps");
    snprintf(path, sizeof path, "benefit.kinds.%s.steps", kn);
    if (steps && (rc = s_parse_steps(steps, path, kp, err)) != FC_OK)
        return rc;
    const json_t *pk = json_object_get(obj, "payout_kind");
    if (pk) {
        snprintf(path, sizeof path, "benefit.kinds.%s.payout_kind", kn);
        int code = welfare_kind_code(json_string_value(pk));
        if (code != WELFARE_KIND_CONDOLENCE && code != WELFARE_KIND_HARDSHIP &&
            code != WELFARE_KIND_INSURANCE_CLAIM && code != WELFARE_KIND_EPIDEMIC_ALLOWANCE)
            return fc_err_set(err, FC_EINVAL, path,
                              "payout kind is not condolence, hardship, insurance_claim or "
                              "epidemic_allowance");
        kp->payout_kind = code;
    }
    const json_t *on = json_object_get(obj, "open_on");
    if (on) {
        snprintf(path, sizeof path, "benefit.kinds.%s.open_on", kn);
        if (!json_is_array(on))
            return fc_err_set(err, FC_EINVAL, path, "policy value is not a list of incident kinds");
        memset(kp->open_on, 0, sizeof kp->open_on);
        for (size_t i = 0; i < json_array_size(on); i++) {
            int inc = welfare_incident_code(json_string_value(json_array_get(on, i)));
            if (inc < 0)
                return fc_err_set(err, FC_EINVAL, path,
                                  "unknown incident kind at position %zu (injured, fell_ill, "
                                  "infected, quarantined, died)",
                                  i + 1);
            kp->open_on[inc] = 1;
        }
    }
    snprintf(path, sizeof path, "benefit.kinds.%s", kn);
    if ((rc = s_parse_bool(obj, "on_duty_only", path, &kp->on_duty_only, err)) != FC_OK ||
        (rc = s_parse_bool(obj, "aid_team_only", path, &kp->aid_team_only, err)) != FC_OK)
        return rc;
    return FC_OK;
}

int welfare_benefit_policy_parse(const json_t *doc, welfare_benefit_policy_t *out, fc_err_t *err)
{
    welfare_benefit_policy_t p;
    s_defaults(&p);
    int rc;
    const json_t *b = fc_policy_get(doc, "benefit");
    if (b) {
        static const char *const top[] = {"kinds", NULL};
        if (!json_is_object(b))
            return fc_err_set(err, FC_EINVAL, "benefit", "policy value is not an object");
        if ((rc = s_keys(b, "benefit", top, err)) != FC_OK)
            return rc;
        const json_t *kinds = json_object_get(b, "kinds");
        if (kinds) {
            if (!json_is_object(kinds))
                return fc_err_set(err, FC_EINVAL, "benefit.kinds", "policy value is not an object");
            const char *k;
            json_t *v;
            json_object_foreach((json_t *)kinds, k, v)
            {
                if (k[0] == '_')
                    continue;
                int code = welfare_benefit_kind_code(k);
                if (code < 0)
                    return fc_err_set(err, FC_EINVAL, "benefit.kinds",
                                      "unknown benefit kind \"%s\"", k);
                if ((rc = s_parse_kind(v, code, &p.kinds[code], err)) != FC_OK)
                    return rc;
            }
        }
    }
    *out = p;
    return FC_OK;
}

int welfare_benefit_policy_load(const char *dir, welfare_benefit_policy_t *out, fc_err_t *err)
{
    json_t *doc = fc_policy_load(dir, "welfare", err);
    if (!doc)
        return err && err->code ? err->code : FC_EINVAL;
    int rc = welfare_benefit_policy_parse(doc, out, err);
    json_decref(doc);
    return rc;
}

/* ---- helpers ------------------------------------------------------------------------------ */

static const welfare_benefit_kind_policy_t *s_kp(const welfare_benefit_policy_t *bp,
                                                 const char *kind)
{
    int k = welfare_benefit_kind_code(kind);
    return k >= 0 ? &bp->kinds[k] : NULL;
}

static int s_step_index(const welfare_benefit_kind_policy_t *kp, const char *name)
{
    for (int i = 0; i < kp->nsteps; i++)
        if (strcmp(kp->steps[i].name, name) == 0)
            return i;
    return -1;
}

/* Labels for display (the policy's words). */
static void s_label(const welfare_benefit_policy_t *bp, Fc__V1__BenefitCase *x)
{
    int k = welfare_benefit_kind_code(x->kind);
    const welfare_benefit_kind_policy_t *kp = s_kp(bp, x->kind);
    x->kind_label = (char *)welfare_benefit_kind_label(k);
    x->step_count = kp ? kp->nsteps : 0;
    int i = kp ? s_step_index(kp, x->step) : -1;
    x->step_label = i >= 0 ? (char *)kp->steps[i].label : x->step;
    for (size_t j = 0; kp && j < x->n_steps; j++) {
        int si = s_step_index(kp, x->steps[j]->name);
        x->steps[j]->label = si >= 0 ? (char *)kp->steps[si].label : x->steps[j]->name;
    }
}

static int s_publish(welfare_ctx_t *c, const char *type, Fc__V1__BenefitCase *x,
                     const char *previous_step, fc_err_t *err)
{
    Fc__V1__BenefitCaseEvent ev = FC__V1__BENEFIT_CASE_EVENT__INIT;
    ev.benefit = x;
    ev.previous_step = (char *)(previous_step ? previous_step : "");
    ev.actor = (char *)(c->actor ? c->actor : "");
    ev.at_us = c->now_us;
    return c->publish(c->publish_arg, type, &ev.base, c->now_us, err);
}

/* The case as it is now, with steps, docs and labels. */
static int s_load(welfare_ctx_t *c, const welfare_benefit_policy_t *bp, int64_t id, int lock,
                  Fc__V1__BenefitCase **out, fc_err_t *err)
{
    int rc = welfare_store_benefit_get(c->pg, id, lock, c->now_us, c->arena, out, err);
    if (rc == FC_OK)
        rc = welfare_store_benefit_history(c->pg, *out, c->arena, err);
    if (rc == FC_OK)
        s_label(bp, *out);
    return rc;
}

/* A handler: an employee number welfare knows, or "desk:ORG" for a unit's department. */
static int s_handler(welfare_ctx_t *c, const char *handler, fc_err_t *err)
{
    if (strncmp(handler, "desk:", 5) == 0) {
        int rc = welfare_rules_code("handler", handler + 5, err);
        return rc == FC_OK ? welfare_store_org_get(c->pg, handler + 5, "handler", NULL, 0, err)
                           : rc;
    }
    welfare_person_t p;
    int rc = welfare_rules_code("handler", handler, err);
    if (rc == FC_OK &&
        (rc = welfare_store_person_get(c->pg, handler, "handler", &p, err)) == FC_ENOTFOUND)
        fc_err_set(err, FC_ENOTFOUND, "handler",
                   "经办人“%s”不存在（填写工号，或 desk:组织代码 表示组织部门）", handler);
    return rc;
}

/* A deadline given by a user: in the future, within reason. 0 = from policy. */
static int s_deadline(welfare_ctx_t *c, int64_t given, int64_t days, int64_t *out, fc_err_t *err)
{
    if (!given) {
        *out = c->now_us + days * FC_US_PER_DAY;
        return FC_OK;
    }
    char buf[40];
    fc_time_format_local(given, buf, sizeof buf);
    if (given <= c->now_us)
        return fc_err_set(err, FC_EINVAL, "deadline_us", "截止时间 %s 已过，须晚于当前时间", buf);
    if (given > c->now_us + S_MAX_DEADLINE_DAYS * FC_US_PER_DAY)
        return fc_err_set(err, FC_EINVAL, "deadline_us", "截止时间 %s 超出 %d 天", buf,
                          S_MAX_DEADLINE_DAYS);
    *out = given;
    return FC_OK;
}

/* May the actor act on this case's unit: act for steps and documents, decide for outcomes. */
static int s_may(welfare_ctx_t *c, const Fc__V1__BenefitCase *x, welfare_act_t act, fc_err_t *err)
{
    return welfare_flow_authorize(c, act == WELFARE_ACT_DECIDE ? x->payer_org : x->org_code, act,
                                  "case_id", err);
}

static int s_must_be_open(const Fc__V1__BenefitCase *x, fc_err_t *err)
{
    if (strcmp(x->state, "open") == 0)
        return FC_OK;
    return fc_err_set(err, FC_ECONFLICT, "case_id", "案件 #%" PRId64 " 已结案（%s），不能再办理",
                      x->id, s_state_label(x->state));
}

/* ---- opening ------------------------------------------------------------------------------ */

typedef struct {
    int kind;
    const char *employee_no;
    const char *org_code; /* the person's unit */
    int64_t incident_id;
    const char *source;
    const char *handler; /* "" = the subsidiary's department */
    int64_t deadline_us; /* 0 = policy */
    const char *note;
} s_open_t;

/* Inserts the case unless it exists (*id_out 0 then) and publishes benefit_case_opened. */
static int s_open(welfare_ctx_t *c, const welfare_benefit_policy_t *bp, const s_open_t *o,
                  int64_t *id_out, fc_err_t *err)
{
    const welfare_benefit_kind_policy_t *kp = &bp->kinds[o->kind];
    char payer[WELFARE_CODE_MAX], desk[WELFARE_CODE_MAX + 8];
    int rc = welfare_store_payer_of(c->pg, o->org_code, "employee_no", payer, err);
    if (rc != FC_OK)
        return rc;
    snprintf(desk, sizeof desk, "desk:%s", payer);
    Fc__V1__BenefitCase x = FC__V1__BENEFIT_CASE__INIT;
    x.kind = (char *)welfare_benefit_kind_name(o->kind);
    x.employee_no = (char *)o->employee_no;
    x.org_code = (char *)o->org_code;
    x.payer_org = payer;
    x.incident_id = o->incident_id;
    x.source = (char *)o->source;
    x.step_index = 0;
    x.step = (char *)kp->steps[0].name;
    if ((rc = s_deadline(c, o->deadline_us, kp->steps[0].days, &x.step_deadline_us, err)) != FC_OK)
        return rc;
    x.handler = (char *)(o->handler && *o->handler ? o->handler : desk);
    x.opened_at_us = c->now_us;
    x.opened_by = (char *)(c->actor ? c->actor : "");
    x.outcome_note = (char *)(o->note ? o->note : "");
    int created = 0;
    *id_out = 0;
    if ((rc = welfare_store_benefit_insert(c->pg, &x, &created, err)) != FC_OK || !created)
        return rc;
    Fc__V1__BenefitCase *stored = NULL;
    if ((rc = s_load(c, bp, x.id, 0, &stored, err)) != FC_OK ||
        (rc = s_publish(c, "welfare.benefit_case_opened", stored, "", err)) != FC_OK)
        return rc;
    *id_out = x.id;
    fc_log_info("welfare.benefit_opened", "case_id", FC_LI(x.id), "kind", FC_LS(x.kind),
                "employee_no", FC_LS(x.employee_no), "incident_id", FC_LI(x.incident_id), NULL);
    return FC_OK;
}

int welfare_benefit_open(welfare_ctx_t *c, const welfare_benefit_policy_t *bp,
                         const Fc__V1__BenefitOpenRequest *req, Fc__V1__BenefitCase **out,
                         fc_err_t *err)
{
    int rc;
    int kind = welfare_benefit_kind_code(req->kind);
    if (kind < 0)
        return fc_err_set(err, FC_EINVAL, "kind",
                          "“%s”不是待遇申请类别（work_injury 工伤申报、disability 因工伤残、"
                          "death_on_duty 因公牺牲、martyr 烈士评定、accident_insurance "
                          "意外伤害保险、illness_insurance 重大疾病保险）",
                          req->kind);
    if ((rc = welfare_rules_code("employee_no", req->employee_no, err)) != FC_OK ||
        (rc = welfare_rules_text("note", req->note, WELFARE_TEXT_MAX, 0, err)) != FC_OK)
        return rc;
    if (req->incident_id < 0)
        return fc_err_set(err, FC_EINVAL, "incident_id", "事件编号须为正数");
    if (req->handler[0] && (rc = s_handler(c, req->handler, err)) != FC_OK)
        return rc;
    welfare_person_t person;
    if ((rc = welfare_store_person_get(c->pg, req->employee_no, "employee_no", &person, err)) !=
        FC_OK)
        return rc;
    const welfare_benefit_kind_policy_t *kp = &bp->kinds[kind];
    if (kp->aid_team_only && !person.aid_team)
        return fc_err_set(err, FC_EINVAL, "employee_no", "%s仅适用于援鄂医疗队员，“%s”不是",
                          welfare_benefit_kind_label(kind), req->employee_no);
    if ((rc = welfare_flow_authorize(c, person.org_code, WELFARE_ACT_REQUEST, "employee_no",
                                     err)) != FC_OK)
        return rc;
    int64_t by_incident = 0, open = 0, id = 0;
    if ((rc = welfare_store_benefit_find(c->pg, req->employee_no, req->kind, req->incident_id,
                                         &by_incident, &open, err)) != FC_OK)
        return rc;
    if (by_incident)
        return fc_err_set(err, FC_ECONFLICT, "incident_id",
                          "事件 #%" PRId64 " 已有%s案件 #%" PRId64, req->incident_id,
                          welfare_benefit_kind_label(kind), by_incident);
    if (open)
        return fc_err_set(err, FC_ECONFLICT, "kind", "“%s”已有办理中的%s案件 #%" PRId64,
                          req->employee_no, welfare_benefit_kind_label(kind), open);
    s_open_t o = {kind,     req->employee_no, person.org_code,  req->incident_id,
                  "manual", req->handler,     req->deadline_us, req->note};
    if ((rc = s_open(c, bp, &o, &id, err)) != FC_OK)
        return rc;
    if (!id) /* the same case inserted concurrently: let the client retry */
        return fc_err_set(err, FC_EAGAIN, "kind", "同一案件正在办理，请稍后重试");
    return s_load(c, bp, id, 0, out, err);
}

int welfare_benefit_on_incident(welfare_ctx_t *c, const welfare_benefit_policy_t *bp,
                                const fc_event_t *ev, fc_err_t *err)
{
    ProtobufCAllocator alloc;
    fc_pb_arena_allocator(&alloc, c->arena);
    Fc__V1__IncidentReported *m = (Fc__V1__IncidentReported *)fc_pb_unpack(
        &fc__v1__incident_reported__descriptor, ev->payload, ev->payload_len, FC_PB_MAX_MESSAGE,
        &alloc, "payload", err);
    if (!m)
        return FC_EINVAL;
    int inc = welfare_incident_code(m->kind);
    if (inc < 0 || m->incident_id <= 0)
        return fc_err_set(err, FC_EINVAL, "kind", "incident %" PRId64 " of unknown kind \"%s\"",
                          m->incident_id, m->kind);
    welfare_person_t person;
    memset(&person, 0, sizeof person);
    int known = welfare_store_person_get(c->pg, m->employee_no, "employee_no", &person, err);
    if (known != FC_OK && known != FC_ENOTFOUND)
        return known;
    fc_err_clear(err);
    for (int k = 0; k < WELFARE_NBENEFITS; k++) {
        const welfare_benefit_kind_policy_t *kp = &bp->kinds[k];
        if (!kp->open_on[inc] || (kp->on_duty_only && !m->on_duty) ||
            (kp->aid_team_only && !person.aid_team))
            continue;
        /* the first time: the case opens with the incident, handled by the subsidiary's
         * organisation department until someone is named */
        s_open_t o = {k, m->employee_no, m->org_code, m->incident_id, "incident", "", 0, ""};
        int64_t id = 0;
        int rc = s_open(c, bp, &o, &id, err);
        if (rc == FC_ENOTFOUND || rc == FC_EINVAL) {
            err->code = FC_EINVAL;
            return FC_EINVAL; /* a unit welfare never heard of: it will never apply */
        }
        if (rc != FC_OK)
            return rc;
        if (!id)
            fc_log_info("welfare.benefit_not_reopened", "kind", FC_LS(welfare_benefit_kind_name(k)),
                        "employee_no", FC_LS(m->employee_no), "incident_id", FC_LI(m->incident_id),
                        NULL);
    }
    return FC_OK;
}

/* ---- steps, documents, outcome ------------------------------------------------------------ */

int welfare_benefit_step(welfare_ctx_t *c, const welfare_benefit_policy_t *bp,
                         const Fc__V1__BenefitStepRequest *req, Fc__V1__BenefitCase **out,
                         fc_err_t *err)
{
    Fc__V1__BenefitCase *x = NULL;
    int rc;
    if (req->case_id <= 0)
        return fc_err_set(err, FC_EINVAL, "case_id", "须指定案件编号");
    if (!req->step[0])
        return fc_err_set(err, FC_EINVAL, "step", "须指定要进入的步骤");
    if ((rc = welfare_rules_text("note", req->note, WELFARE_TEXT_MAX, 0, err)) != FC_OK)
        return rc;
    if (req->handler[0] && (rc = s_handler(c, req->handler, err)) != FC_OK)
        return rc;
    if ((rc = s_load(c, bp, req->case_id, 1, &x, err)) != FC_OK ||
        (rc = s_may(c, x, WELFARE_ACT_REQUEST, err)) != FC_OK || (rc = s_must_be_open(x, err)))
        return rc;
    const welfare_benefit_kind_policy_t *kp = s_kp(bp, x->kind);
    int want = s_step_index(kp, req->step);
    if (want < 0) {
        char names[512] = "";
        for (int i = 0; i < kp->nsteps; i++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s（%s）",
                     i ? "、" : "", kp->steps[i].name, kp->steps[i].label);
        return fc_err_set(err, FC_EINVAL, "step", "“%s”不是%s的步骤（依次为：%s）", req->step,
                          x->kind_label, names);
    }
    int cur = x->step_index;
    if (want != cur + 1) {
        if (cur + 1 >= kp->nsteps)
            return fc_err_set(err, FC_ECONFLICT, "step",
                              "案件 #%" PRId64 " 已在最后一步“%s”，请作出结论（批准或不予批准）",
                              x->id, kp->steps[cur].label);
        return fc_err_set(err, FC_ECONFLICT, "step",
                          "步骤须依次办理：案件 #%" PRId64 " 当前为“%s”，下一步应为“%s”（%s），"
                          "不能进入“%s”",
                          x->id, kp->steps[cur].label, kp->steps[cur + 1].name,
                          kp->steps[cur + 1].label, kp->steps[want].label);
    }
    int64_t deadline = 0;
    if ((rc = s_deadline(c, req->deadline_us, kp->steps[want].days, &deadline, err)) != FC_OK)
        return rc;
    const char *previous = x->step;
    x->step_index = want;
    x->step = (char *)kp->steps[want].name;
    x->step_deadline_us = deadline;
    if (req->handler[0])
        x->handler = (char *)req->handler;
    if ((rc = welfare_store_benefit_step_next(c->pg, x, cur, c->now_us, c->actor ? c->actor : "",
                                              req->note, err)) != FC_OK ||
        (rc = welfare_store_benefit_update(c->pg, x, err)) != FC_OK ||
        (rc = s_load(c, bp, x->id, 0, out, err)) != FC_OK)
        return rc;
    return s_publish(c, "welfare.benefit_step_changed", *out, previous, err);
}

int welfare_benefit_doc(welfare_ctx_t *c, const welfare_benefit_policy_t *bp,
                        const Fc__V1__BenefitDocRequest *req, Fc__V1__BenefitCase **out,
                        fc_err_t *err)
{
    Fc__V1__BenefitCase *x = NULL;
    int rc;
    if (req->case_id <= 0)
        return fc_err_set(err, FC_EINVAL, "case_id", "须指定案件编号");
    if ((rc = welfare_rules_text("name", req->name, 200, 1, err)) != FC_OK ||
        (rc = welfare_rules_text("reference", req->reference, 200, 0, err)) != FC_OK)
        return rc;
    int64_t received = req->received_at_us ? req->received_at_us : c->now_us;
    if (received < 0 || received > c->now_us + S_FUTURE_SLACK_US)
        return fc_err_set(err, FC_EINVAL, "received_at_us", "收件时间晚于当前时间");
    if ((rc = s_load(c, bp, req->case_id, 1, &x, err)) != FC_OK ||
        (rc = s_may(c, x, WELFARE_ACT_REQUEST, err)) != FC_OK || (rc = s_must_be_open(x, err)))
        return rc;
    const welfare_benefit_kind_policy_t *kp = s_kp(bp, x->kind);
    const char *step = req->step[0] ? req->step : x->step;
    int si = s_step_index(kp, step);
    if (si < 0)
        return fc_err_set(err, FC_EINVAL, "step", "“%s”不是%s的步骤", step, x->kind_label);
    if (si > x->step_index)
        return fc_err_set(err, FC_ECONFLICT, "step",
                          "案件 #%" PRId64 " 尚未进入“%s”（当前为“%s”），不能登记该步骤的材料",
                          x->id, kp->steps[si].label, x->step_label);
    if (received < x->opened_at_us - 366 * FC_US_PER_DAY)
        return fc_err_set(err, FC_EINVAL, "received_at_us", "收件时间早于案件建立一年以上");
    Fc__V1__BenefitDoc d = FC__V1__BENEFIT_DOC__INIT;
    d.step = (char *)kp->steps[si].name;
    d.name = (char *)req->name;
    d.reference = (char *)req->reference;
    d.received_at_us = received;
    d.recorded_by = (char *)(c->actor ? c->actor : "");
    d.recorded_at_us = c->now_us;
    if ((rc = welfare_store_benefit_doc_add(c->pg, x->id, &d, err)) != FC_OK)
        return rc;
    return s_load(c, bp, x->id, 0, out, err);
}

int welfare_benefit_decide(welfare_ctx_t *c, const welfare_benefit_policy_t *bp,
                           const Fc__V1__BenefitDecisionRequest *req, int grant,
                           Fc__V1__BenefitCase **out, welfare_disb_t **disb_out, fc_err_t *err)
{
    Fc__V1__BenefitCase *x = NULL;
    int rc;
    *disb_out = NULL;
    if (req->case_id <= 0)
        return fc_err_set(err, FC_EINVAL, "case_id", "须指定案件编号");
    if ((rc = welfare_rules_text("note", req->note, WELFARE_TEXT_MAX, !grant, err)) != FC_OK)
        return grant ? rc : fc_err_set(err, rc, "note", "不予批准须说明原因");
    if (!grant && req->amount_fen)
        return fc_err_set(err, FC_EINVAL, "amount_fen", "不予批准时不能填写金额");
    if ((rc = s_load(c, bp, req->case_id, 1, &x, err)) != FC_OK ||
        (rc = s_may(c, x, WELFARE_ACT_DECIDE, err)) != FC_OK || (rc = s_must_be_open(x, err)))
        return rc;
    const welfare_benefit_kind_policy_t *kp = s_kp(bp, x->kind);
    if (grant) {
        if (x->step_index != kp->nsteps - 1)
            return fc_err_set(err, FC_ECONFLICT, "step",
                              "案件 #%" PRId64 " 当前为“%s”，须办完各步骤、进入“%s”后才能批准",
                              x->id, x->step_label, kp->steps[kp->nsteps - 1].label);
        const welfare_kind_policy_t *pk = &c->policy->kinds[kp->payout_kind];
        if ((rc = welfare_rules_amount("amount_fen", req->amount_fen, pk->max_fen, err)) != FC_OK)
            return req->amount_fen == 0
                       ? fc_err_set(err, FC_EINVAL, "amount_fen", "批准须填写兑现金额（分）")
                       : rc;
        /* the payout: one disbursement per case, whatever happens after */
        char key[64], ref[48], memo[WELFARE_TEXT_MAX + 128];
        snprintf(key, sizeof key, WELFARE_AUTO_KEY_PREFIX "benefit:%" PRId64, x->id);
        snprintf(ref, sizeof ref, "benefit:%" PRId64, x->id);
        snprintf(memo, sizeof memo, "%s（案件 #%" PRId64 "）%s%s", x->kind_label, x->id,
                 req->note[0] ? "：" : "", req->note);
        welfare_new_t n = {kp->payout_kind,
                           x->employee_no,
                           x->org_code,
                           req->amount_fen,
                           NULL,
                           NULL,
                           0,
                           "benefit",
                           ref,
                           key,
                           memo};
        welfare_disb_t *d = NULL;
        int created = 0;
        if ((rc = welfare_flow_request(c, &n, &d, &created, err)) != FC_OK)
            return rc;
        x->amount_fen = req->amount_fen;
        x->payout_kind = (char *)welfare_kind_name(kp->payout_kind);
        x->disbursement_id = d->pb.id;
        *disb_out = d;
    }
    x->state = grant ? "granted" : "refused";
    x->closed_at_us = c->now_us;
    x->outcome_note = (char *)req->note;
    if ((rc = welfare_store_benefit_step_close(c->pg, x, c->now_us, c->actor ? c->actor : "",
                                               req->note, err)) != FC_OK ||
        (rc = welfare_store_benefit_update(c->pg, x, err)) != FC_OK ||
        (rc = s_load(c, bp, x->id, 0, out, err)) != FC_OK)
        return rc;
    return s_publish(c, "welfare.benefit_case_closed", *out, (*out)->step, err);
}

int welfare_benefit_show(welfare_ctx_t *c, const welfare_benefit_policy_t *bp, int64_t case_id,
                         Fc__V1__BenefitCase **out, fc_err_t *err)
{
    if (case_id <= 0)
        return fc_err_set(err, FC_EINVAL, "case_id", "须指定案件编号");
    int rc = s_load(c, bp, case_id, 0, out, err);
    if (rc == FC_OK)
        rc = s_may(c, *out, WELFARE_ACT_READ, err);
    return rc;
}

int welfare_benefit_list(welfare_ctx_t *c, const welfare_benefit_policy_t *bp,
                         const Fc__V1__BenefitListRequest *req, Fc__V1__BenefitListReply *out,
                         fc_err_t *err)
{
    int rc;
    if (req->employee_no[0] && (rc = welfare_rules_code("employee_no", req->employee_no, err)))
        return rc;
    if (req->kind[0] && welfare_benefit_kind_code(req->kind) < 0)
        return fc_err_set(err, FC_EINVAL, "kind", "“%s”不是待遇申请类别", req->kind);
    if (req->state[0] && strcmp(req->state, "open") && strcmp(req->state, "granted") &&
        strcmp(req->state, "refused"))
        return fc_err_set(err, FC_EINVAL, "state",
                          "“%s”不是案件状态（open 办理中、granted 已批准、refused 未获批准）",
                          req->state);
    if (req->limit < 0 || req->limit > 1000)
        return fc_err_set(err, FC_EINVAL, "limit", "条数须在 1 到 1000 之间（收到 %d）",
                          (int)req->limit);
    const char *root = req->org_code[0] ? req->org_code : c->scope ? c->scope : "";
    if (!*root && !welfare_flow_group_wide(c))
        return fc_err_set(err, FC_EDENIED, "org_scope", "请求未携带组织范围");
    if (*root &&
        ((rc = welfare_rules_code("org_code", root, err)) != FC_OK ||
         (rc = welfare_flow_authorize(c, root, WELFARE_ACT_READ, "org_code", err)) != FC_OK))
        return rc;
    if ((rc = welfare_store_benefit_list(c->pg, req, root, c->now_us, req->limit ? req->limit : 100,
                                         c->arena, out, err)) != FC_OK)
        return rc;
    for (size_t i = 0; i < out->n_cases; i++)
        s_label(bp, out->cases[i]);
    return FC_OK;
}

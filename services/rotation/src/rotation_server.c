/* rotation_server: handlers for planning, showing and explaining rosters, compensatory leave,
 * workload and spouse overrides. Each checks its input (naming the field), then the actor's
 * org scope, then acts; writes run in the transaction the service opened for them. */
#include "rotation_server.h"
#include "rotation_app.h"
#include "rotation_policy.h"
#include "rotation_store.h"
#include "fc/v1/rotation.pb-c.h"
#include "fc_clock.h"
#include "fc_log.h"
#include "fc_pb.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_SHOW_MAX 20000 /* entries one show reply may carry */

const fc_cfg_def_t rotation_config[] = {
    {"FC_ROTATION_PLAN_TIME_S", FC_CFG_INT, "10", 1, 600,
     "default time limit of one roster plan, seconds"},
};
const size_t rotation_nconfig = sizeof rotation_config / sizeof rotation_config[0];

static rotation_app_t *s_app(fc_service_t *svc)
{
    return fc_service_app(svc);
}

/* An org code or employee number: 1-32 of [A-Za-z0-9_.-]. */
static int s_code(const char *field, const char *v, fc_err_t *err)
{
    size_t n = strlen(v);
    if (n == 0)
        return fc_err_set(err, FC_EINVAL, field, "不能为空");
    if (n > 32)
        return fc_err_set(err, FC_EINVAL, field, "不能超过 32 个字符");
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)v[i]) && !strchr("_.-", v[i]))
            return fc_err_set(err, FC_EINVAL, field, "“%s”含有非法字符（只允许字母、数字和 _.-）",
                              v);
    return FC_OK;
}

static int s_date(const char *field, const char *v, int64_t *day_out, fc_err_t *err)
{
    int y, m, d;
    char extra;
    if (!v || sscanf(v, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || m < 1 || m > 12 || d < 1 ||
        d > 31 || y < 2000 || y > 2100)
        return fc_err_set(err, FC_EINVAL, field, "“%s”不是 YYYY-MM-DD 格式的日期", v ? v : "");
    int64_t z = fc_days_from_civil(y, m, d);
    int yy, mm, dd;
    fc_civil_from_days(z, &yy, &mm, &dd);
    if (yy != y || mm != m || dd != d)
        return fc_err_set(err, FC_EINVAL, field, "日期“%s”不存在", v);
    *day_out = z;
    return FC_OK;
}

static void s_format_date(int64_t day, char *buf, size_t n)
{
    int y, m, d;
    fc_civil_from_days(day, &y, &m, &d);
    snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
}

/* Group-wide work is for services without a narrower scope. */
static int s_scope(fc_service_t *svc, const fc_call_t *call, const char *org, const char *field,
                   fc_err_t *err)
{
    if (strcmp(fc_call_role(call), "service") == 0 && !*fc_call_scope(call))
        return FC_OK;
    if (!*fc_call_scope(call))
        return fc_err_set(err, FC_EDENIED, "org_scope", "请求未携带组织范围");
    return rotation_store_in_scope(fc_service_pg(svc), fc_call_scope(call), org, field, err);
}

/* The person's unit, checked against the caller's scope. */
static int s_person_scope(fc_service_t *svc, const fc_call_t *call, const char *employee_no,
                          char *org, size_t n, fc_err_t *err)
{
    int rc = s_code("employee_no", employee_no, err);
    if (rc == FC_OK)
        rc = rotation_store_person(fc_service_pg(svc), employee_no, org, n, NULL, 0, err);
    if (rc == FC_OK)
        rc = s_scope(svc, call, org, "employee_no", err);
    return rc;
}

static int handle_roster_plan(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__RosterPlanRequest *req = (const Fc__V1__RosterPlanRequest *)call->request;
    const rotation_policy_t *pol = rotation_app_policy(s_app(svc));
    int64_t day;
    int days = req->days ? req->days : rotation_policy_default_days(pol);
    int rc = s_code("org_code", req->org_code, err);
    if (rc == FC_OK)
        rc = s_date("from_date", req->from_date, &day, err);
    if (rc == FC_OK && (days < 1 || days > rotation_policy_max_days(pol)))
        rc = fc_err_set(err, FC_EINVAL, "days", "排班天数须在 1 到 %d 之间，现为 %d",
                        rotation_policy_max_days(pol), days);
    if (rc == FC_OK && (req->time_limit_s < 0 || req->time_limit_s > 600))
        rc = fc_err_set(err, FC_EINVAL, "time_limit_s", "时间上限须在 0 到 600 秒之间，现为 %d",
                        (int)req->time_limit_s);
    if (rc == FC_OK)
        rc = s_scope(svc, call, req->org_code, "org_code", err);
    Fc__V1__RosterPlanReply *reply = NULL;
    if (rc == FC_OK)
        rc = rotation_app_plan(s_app(svc), svc, req->org_code, day, days, req->time_limit_s,
                               fc_call_actor(call), call->arena, &reply, err);
    if (rc == FC_OK)
        call->reply = &reply->base;
    return rc;
}

/* Collects show rows into the reply. */
typedef struct {
    fc_arena_t *arena;
    Fc__V1__RosterShowReply *r;
    size_t cap_e, cap_u, cap_l, cap_f;
    int64_t day0, ndays; /* the shown days (local days since the epoch) */
} s_show_t;

static void *s_push(fc_arena_t *arena, void ***arr, size_t *n, size_t *cap, size_t size)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        void **grown = fc_arena_alloc(arena, nc * sizeof *grown);
        if (*n)
            memcpy(grown, *arr, *n * sizeof *grown);
        *arr = grown;
        *cap = nc;
    }
    void *x = fc_arena_alloc(arena, size);
    (*arr)[(*n)++] = x;
    return x;
}

static int on_show_entry(void *ctx, const void *row)
{
    s_show_t *s = ctx;
    const rotation_show_row_t *x = row;
    Fc__V1__RosterEntry *e =
        s_push(s->arena, (void ***)&s->r->entries, &s->r->n_entries, &s->cap_e, sizeof *e);
    fc__v1__roster_entry__init(e);
    e->date = fc_arena_strdup(s->arena, x->day);
    e->employee_no = fc_arena_strdup(s->arena, x->employee_no);
    e->name = fc_arena_strdup(s->arena, x->name);
    e->post_code = fc_arena_strdup(s->arena, x->post_code);
    e->post_name = fc_arena_strdup(s->arena, x->post_name);
    e->shift_id = fc_arena_strdup(s->arena, x->shift_id);
    e->start_us = x->start_us;
    e->end_us = x->end_us;
    e->risk_class = x->risk_class;
    e->roster_id = x->roster_id;
    e->version = x->version;
    e->revision = x->revision;
    e->note = fc_arena_strdup(s->arena, x->note);
    return FC_OK;
}

static int on_show_uncovered(void *ctx, const void *row)
{
    s_show_t *s = ctx;
    const rotation_uncovered_row_t *x = row;
    Fc__V1__Uncovered *u =
        s_push(s->arena, (void ***)&s->r->uncovered, &s->r->n_uncovered, &s->cap_u, sizeof *u);
    fc__v1__uncovered__init(u);
    u->date = fc_arena_strdup(s->arena, x->day);
    u->post_code = fc_arena_strdup(s->arena, x->post_code);
    u->shift_id = fc_arena_strdup(s->arena, x->shift_id);
    u->start_us = x->start_us;
    u->end_us = x->end_us;
    u->missing = x->missing;
    u->reason = fc_arena_strdup(s->arena, x->reason);
    u->text = fc_arena_strdup(s->arena, x->text);
    return FC_OK;
}

static int on_show_leave(void *ctx, const void *row)
{
    s_show_t *s = ctx;
    const rotation_leave_show_row_t *x = row;
    Fc__V1__LeaveDay *l =
        s_push(s->arena, (void ***)&s->r->leave, &s->r->n_leave, &s->cap_l, sizeof *l);
    fc__v1__leave_day__init(l);
    l->employee_no = fc_arena_strdup(s->arena, x->employee_no);
    l->name = fc_arena_strdup(s->arena, x->name);
    l->date = fc_arena_strdup(s->arena, x->day);
    l->roster_id = x->roster_id;
    return FC_OK;
}

/* A forced rest with the shown days it touches and the posts of its person. */
static int on_show_rest(void *ctx, const void *row)
{
    s_show_t *s = ctx;
    const rotation_rest_show_row_t *x = row;
    Fc__V1__ForcedRest *f = s_push(s->arena, (void ***)&s->r->forced_rests, &s->r->n_forced_rests,
                                   &s->cap_f, sizeof *f);
    fc__v1__forced_rest__init(f);
    f->order_id = x->order_id;
    f->employee_no = fc_arena_strdup(s->arena, x->employee_no);
    f->name = fc_arena_strdup(s->arena, x->name);
    f->org_code = fc_arena_strdup(s->arena, x->org_code);
    f->metric = fc_arena_strdup(s->arena, x->metric);
    f->value = x->value;
    f->limit = x->limit;
    f->from_us = x->from_us;
    f->until_us = x->until_us;
    f->in_force = x->in_force;
    /* every local day the period [from_us, until_us) reaches into, within the shown ones */
    int64_t a = fc_time_local_day(x->from_us), b = fc_time_local_day(x->until_us - 1);
    if (a < s->day0)
        a = s->day0;
    if (b > s->day0 + s->ndays - 1)
        b = s->day0 + s->ndays - 1;
    if (b >= a) {
        f->dates = fc_arena_alloc(s->arena, (size_t)(b - a + 1) * sizeof *f->dates);
        for (int64_t d = a; d <= b; d++) {
            char buf[16];
            s_format_date(d, buf, sizeof buf);
            f->dates[f->n_dates++] = fc_arena_strdup(s->arena, buf);
        }
    }
    size_t np = *x->post_codes ? 1 : 0;
    for (const char *c = x->post_codes; *c; c++)
        np += *c == ',';
    if (np) {
        char *list = fc_arena_strdup(s->arena, x->post_codes), *save = NULL;
        f->post_codes = fc_arena_alloc(s->arena, np * sizeof *f->post_codes);
        for (char *t = strtok_r(list, ",", &save); t && f->n_post_codes < np;
             t = strtok_r(NULL, ",", &save))
            f->post_codes[f->n_post_codes++] = t;
    }
    return FC_OK;
}

static int handle_roster_show(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__RosterShowRequest *req = (const Fc__V1__RosterShowRequest *)call->request;
    const rotation_policy_t *pol = rotation_app_policy(s_app(svc));
    int64_t day;
    int days = req->days ? req->days : 7, rc = FC_OK;
    char org[64];
    if (!!req->org_code[0] == !!req->employee_no[0])
        return fc_err_set(err, FC_EINVAL, "org_code",
                          "须且只能给出组织（org_code）或工号"
                          "（employee_no）之一");
    if ((rc = s_date("from_date", req->from_date, &day, err)) != FC_OK)
        return rc;
    if (days < 1 || days > rotation_policy_max_days(pol))
        return fc_err_set(err, FC_EINVAL, "days", "天数须在 1 到 %d 之间，现为 %d",
                          rotation_policy_max_days(pol), days);
    if (req->org_code[0]) {
        if ((rc = s_code("org_code", req->org_code, err)) == FC_OK)
            rc = s_scope(svc, call, req->org_code, "org_code", err);
    } else {
        rc = s_person_scope(svc, call, req->employee_no, org, sizeof org, err);
    }
    if (rc != FC_OK)
        return rc;
    char from[16], to[16];
    s_format_date(day, from, sizeof from);
    s_format_date(day + days - 1, to, sizeof to);
    Fc__V1__RosterShowReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__roster_show_reply__init(r);
    s_show_t s = {call->arena, r, 0, 0, 0, 0, day, days};
    int truncated = 0, rests_truncated = 0;
    const char *o = req->org_code[0] ? req->org_code : NULL,
               *e = req->employee_no[0] ? req->employee_no : NULL;
    rc = rotation_store_show(fc_service_pg(svc), o, e, from, to, S_SHOW_MAX, on_show_entry,
                             on_show_uncovered, on_show_leave, &s, &truncated, err);
    if (rc == FC_OK)
        rc = rotation_store_show_rests(fc_service_pg(svc), o, e, from, to,
                                       fc_time_local_day_start(day),
                                       fc_time_local_day_start(day + days), fc_clock_now_us(),
                                       S_SHOW_MAX, on_show_rest, &s, &rests_truncated, err);
    r->truncated = truncated || rests_truncated;
    if (rc == FC_OK)
        call->reply = &r->base;
    return rc;
}

static int handle_roster_explain(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__RosterExplainRequest *req = (const Fc__V1__RosterExplainRequest *)call->request;
    char org[64];
    int64_t day;
    int rc = s_date("date", req->date, &day, err);
    if (rc == FC_OK)
        rc = s_person_scope(svc, call, req->employee_no, org, sizeof org, err);
    Fc__V1__RosterExplainReply *r = NULL;
    if (rc == FC_OK)
        rc = rotation_app_explain(s_app(svc), fc_service_pg(svc), req->employee_no, req->date,
                                  call->arena, &r, err);
    if (rc == FC_OK)
        call->reply = &r->base;
    return rc;
}

typedef struct {
    fc_arena_t *arena;
    Fc__V1__LeaveShowReply *r;
    size_t cap_t, cap_s;
} s_leave_t;

static int on_leave_day(void *ctx, const void *row)
{
    s_leave_t *l = ctx;
    const rotation_leave_row_t *x = row;
    /* the store marks each day "past" or "future" */
    if (strcmp(x->employee_no, "past") == 0) {
        char **d = s_push(l->arena, (void ***)&l->r->taken, &l->r->n_taken, &l->cap_t, 16);
        snprintf((char *)d, 16, "%s", x->day);
        l->r->taken[l->r->n_taken - 1] = (char *)d;
    } else {
        char **d = s_push(l->arena, (void ***)&l->r->scheduled, &l->r->n_scheduled, &l->cap_s, 16);
        snprintf((char *)d, 16, "%s", x->day);
        l->r->scheduled[l->r->n_scheduled - 1] = (char *)d;
    }
    return FC_OK;
}

static int handle_leave_show(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__LeaveShowRequest *req = (const Fc__V1__LeaveShowRequest *)call->request;
    char org[64], today[16];
    int rc = s_person_scope(svc, call, req->employee_no, org, sizeof org, err);
    if (rc != FC_OK)
        return rc;
    s_format_date(fc_time_local_day(fc_clock_now_us()), today, sizeof today);
    Fc__V1__LeaveShowReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__leave_show_reply__init(r);
    s_leave_t l = {call->arena, r, 0, 0};
    int frontline = 0, planned = 0;
    rc = rotation_store_leave_summary(fc_service_pg(svc), req->employee_no, today, &frontline,
                                      &planned, on_leave_day, &l, err);
    if (rc != FC_OK)
        return rc;
    int ratio = rotation_policy_leave_ratio(rotation_app_policy(s_app(svc)));
    r->employee_no = fc_arena_strdup(call->arena, req->employee_no);
    r->frontline_days = frontline;
    r->planned_days = planned;
    r->days_per_leave = ratio;
    r->earned = frontline / ratio;
    r->owed = r->earned - (int32_t)r->n_taken - (int32_t)r->n_scheduled;
    call->reply = &r->base;
    return FC_OK;
}

static int handle_workload_show(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__WorkloadShowRequest *req = (const Fc__V1__WorkloadShowRequest *)call->request;
    char org[64];
    int rc = s_person_scope(svc, call, req->employee_no, org, sizeof org, err);
    Fc__V1__WorkloadShowReply *r = NULL;
    if (rc == FC_OK)
        rc = rotation_app_workload(s_app(svc), fc_service_pg(svc), req->employee_no,
                                   fc_clock_now_us(), call->arena, &r, err);
    if (rc == FC_OK)
        call->reply = &r->base;
    return rc;
}

static int handle_spouse_override(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__SpouseOverrideRequest *req = (const Fc__V1__SpouseOverrideRequest *)call->request;
    fc_pg_t *pg = fc_service_pg(svc);
    char org_a[64], org_b[64], spouse[64];
    int64_t from, to;
    size_t rlen = strlen(req->reason);
    int rc = s_person_scope(svc, call, req->employee_no, org_a, sizeof org_a, err);
    if (rc == FC_OK) {
        rc = s_person_scope(svc, call, req->spouse_employee_no, org_b, sizeof org_b, err);
        if (rc != FC_OK && !strcmp(err->field, "employee_no"))
            snprintf(err->field, sizeof err->field, "spouse_employee_no");
    }
    if (rc == FC_OK &&
        (rc = rotation_store_spouse_of(pg, req->employee_no, spouse, sizeof spouse, err)) ==
            FC_OK &&
        strcmp(spouse, req->spouse_employee_no) != 0)
        rc = fc_err_set(err, FC_EINVAL, "spouse_employee_no", "“%s”不是“%s”登记的配偶",
                        req->spouse_employee_no, req->employee_no);
    if (rc == FC_OK)
        rc = s_date("from_date", req->from_date, &from, err);
    if (rc == FC_OK)
        rc = s_date("to_date", req->to_date, &to, err);
    if (rc == FC_OK && to < from)
        rc = fc_err_set(err, FC_EINVAL, "to_date", "结束日期不能早于开始日期");
    if (rc == FC_OK && (rlen == 0 || rlen > 1500))
        rc = fc_err_set(err, FC_EINVAL, "reason", "须写明理由（不超过 500 字）");
    Fc__V1__SpouseOverrideReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__spouse_override_reply__init(r);
    if (rc == FC_OK)
        rc = rotation_store_override_add(pg, req->employee_no, req->spouse_employee_no,
                                         req->from_date, req->to_date, req->reason,
                                         fc_call_actor(call), &r->override_id, err);
    if (rc == FC_OK) {
        fc_log_info("spouse_override.recorded", "employee_no", FC_LS(req->employee_no), "spouse",
                    FC_LS(req->spouse_employee_no), "from", FC_LS(req->from_date), "to",
                    FC_LS(req->to_date), NULL);
        call->reply = &r->base;
    }
    return rc;
}

const fc_route_t rotation_routes[] = {
    {"rotation.roster_plan", &fc__v1__roster_plan_request__descriptor, handle_roster_plan,
     FC_ROUTE_WRITE},
    {"rotation.roster_show", &fc__v1__roster_show_request__descriptor, handle_roster_show, 0},
    {"rotation.roster_explain", &fc__v1__roster_explain_request__descriptor, handle_roster_explain,
     0},
    {"rotation.leave_show", &fc__v1__leave_show_request__descriptor, handle_leave_show, 0},
    {"rotation.workload_show", &fc__v1__workload_show_request__descriptor, handle_workload_show, 0},
    {"rotation.spouse_override", &fc__v1__spouse_override_request__descriptor,
     handle_spouse_override, FC_ROUTE_WRITE},
};
const size_t rotation_nroutes = sizeof rotation_routes / sizeof rotation_routes[0];

int rotation_server_start(fc_service_t *svc, fc_err_t *err)
{
    const fc_config_t *c = fc_service_config(svc);
    rotation_policy_t *pol = rotation_policy_load(fc_config_str(c, "FC_POLICY_DIR"), err);
    if (!pol)
        return err->code ? err->code : FC_EINVAL;
    rotation_app_t *app = rotation_app_new(&pol, (int)fc_config_int(c, "FC_ROTATION_PLAN_TIME_S"));
    fc_service_set_app(svc, app);
    return FC_OK;
}

void rotation_server_stop(fc_service_t *svc)
{
    rotation_app_t *app = fc_service_app(svc);
    rotation_app_destroy(&app);
    fc_service_set_app(svc, NULL);
}

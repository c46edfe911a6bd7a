/* rotation_app: planning, replacement, overload and explanation over the store and the pure
 * planning core. */
#include "rotation_app.h"
#include "rotation_check.h"
#include "rotation_leave.h"
#include "rotation_msg.h"
#include "rotation_plan.h"
#include "rotation_problem.h"
#include "rotation_roster.h"
#include "rotation_store.h"
#include "rotation_workload.h"
#include "fc_clock.h"
#include "fc_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_CACHE 4
#define S_MIN_US (60 * FC_US_PER_S)

/* A stored roster loaded for replacement or explanation, at a revision. */
typedef struct {
    rotation_roster_info_t info;
    rp_problem_t *pb;
    rotation_plan_t *plan;
    int64_t used;
    int64_t mark; /* rotation_store_assignment_mark when loaded: the other rosters as known */
} s_entry_t;

struct rotation_app {
    rotation_policy_t *policy;
    int plan_time_s;
    s_entry_t cache[S_CACHE];
    int64_t tick;
};

rotation_app_t *rotation_app_new(rotation_policy_t **policy_p, int plan_time_s)
{
    rotation_app_t *self = fc_xcalloc(1, sizeof *self);
    self->policy = *policy_p;
    *policy_p = NULL;
    self->plan_time_s = plan_time_s;
    return self;
}

static void s_entry_clear(s_entry_t *e)
{
    rotation_plan_destroy(&e->plan);
    rp_problem_destroy(&e->pb);
    memset(e, 0, sizeof *e);
}

void rotation_app_destroy(rotation_app_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    rotation_app_t *self = *self_p;
    for (int i = 0; i < S_CACHE; i++)
        s_entry_clear(&self->cache[i]);
    rotation_policy_destroy(&self->policy);
    free(self);
    *self_p = NULL;
}

const rotation_policy_t *rotation_app_policy(const rotation_app_t *self)
{
    return self->policy;
}

/* ---- small helpers ---- */

static void s_date(int64_t local_day, char *buf, size_t n)
{
    int y, m, d;
    fc_civil_from_days(local_day, &y, &m, &d);
    snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
}

static int s_parse_day(const char *s, int64_t *out)
{
    int y, m, d;
    char extra;
    if (!s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3)
        return -1;
    *out = fc_days_from_civil(y, m, d);
    return 0;
}

static int64_t s_shift_start(const rp_problem_t *pb, int d, int s)
{
    return fc_time_local_day_start(pb->start_day + d) + (int64_t)pb->shifts[s].start_min * S_MIN_US;
}

static int64_t s_shift_end(const rp_problem_t *pb, int d, int s)
{
    return s_shift_start(pb, d, s) + (int64_t)pb->shifts[s].minutes * S_MIN_US;
}

/* Minutes from the horizon's start, rounded down (from) or up (to). */
static int64_t s_rel_min(const rp_problem_t *pb, int64_t us, int up)
{
    int64_t d = us - fc_time_local_day_start(pb->start_day);
    if (up)
        return d >= 0 ? (d + S_MIN_US - 1) / S_MIN_US : -((-d) / S_MIN_US);
    return d >= 0 ? d / S_MIN_US : -((-d + S_MIN_US - 1) / S_MIN_US);
}

/* Adds an unavailability period (to_us 0: open) to person p of pb. */
static void s_add_unavail(rp_problem_t *pb, int p, int64_t from_us, int64_t to_us)
{
    int64_t end = (int64_t)(pb->days + 1) * RP_DAY_MIN;
    int64_t from = s_rel_min(pb, from_us, 0), to = to_us ? s_rel_min(pb, to_us, 1) : end;
    if (from < -(int64_t)RP_MAX_DAYS * RP_DAY_MIN)
        from = -(int64_t)RP_MAX_DAYS * RP_DAY_MIN;
    if (to > end)
        to = end;
    if (to > from && to > 0 && from < end)
        rp_problem_add_unavailable(pb, p, from, to);
}

static const char *s_cause_text(const char *cause)
{
    return strcmp(cause, "incident") == 0      ? "伤病或事故"
           : strcmp(cause, "health") == 0      ? "健康状况"
           : strcmp(cause, "unfit") == 0       ? "不适合一线工作"
           : strcmp(cause, "forced_rest") == 0 ? "强制休息"
                                               : cause;
}

/* ---- building a problem from the projections ---- */

typedef struct {
    char *code, *parent, *kind;
    int unit; /* skill index of its unit (subsidiary) */
    int have_limits;
    rotation_limits_t limits;
} s_org_t;

typedef struct {
    rotation_app_t *app;
    fc_pg_t *pg;
    rp_problem_t *pb;
    fc_arena_t *arena;
    const char *root;
    const char **root_chain;
    int root_chain_n;
    s_org_t *orgs;
    int norgs, caporgs;
    int medical;
    char **spouse; /* per person, the spouse's employee number */
    int cap_spouse;
    int64_t t0_us;
    int rc;
    fc_err_t *err;
} s_build_t;

static int s_org_cmp(const void *a, const void *b)
{
    return strcmp(((const s_org_t *)a)->code, ((const s_org_t *)b)->code);
}

static s_org_t *s_org_find(s_build_t *b, const char *code)
{
    s_org_t key = {(char *)code, NULL, NULL, 0, 0, {0}};
    return b->norgs ? bsearch(&key, b->orgs, (size_t)b->norgs, sizeof *b->orgs, s_org_cmp) : NULL;
}

static int on_org(void *ctx, const void *row)
{
    s_build_t *b = ctx;
    const rotation_org_row_t *o = row;
    if (b->norgs == b->caporgs) {
        b->caporgs = b->caporgs ? b->caporgs * 2 : 64;
        b->orgs = fc_xrealloc(b->orgs, (size_t)b->caporgs * sizeof *b->orgs);
    }
    s_org_t *x = &b->orgs[b->norgs++];
    memset(x, 0, sizeof *x);
    x->code = fc_arena_strdup(b->arena, o->org_code);
    x->parent = fc_arena_strdup(b->arena, o->parent_code);
    x->kind = fc_arena_strdup(b->arena, o->kind);
    x->unit = -1;
    return FC_OK;
}

/* The skill of an org's unit: its nearest subsidiary inside the planned subtree, else the
 * planned unit itself. */
static int s_unit_of(s_build_t *b, s_org_t *o)
{
    if (o->unit >= 0)
        return o->unit;
    const char *unit = b->root;
    for (s_org_t *cur = o; cur; cur = s_org_find(b, cur->parent)) {
        if (strcmp(cur->kind, "subsidiary") == 0) {
            unit = cur->code;
            break;
        }
        if (strcmp(cur->code, b->root) == 0)
            break;
    }
    char skill[96];
    snprintf(skill, sizeof skill, "unit:%s", unit);
    o->unit = rp_problem_add_skill(b->pb, skill);
    return o->unit;
}

/* The policy limits of an org: its chain inside the subtree, then the root's ancestors. */
static const rotation_limits_t *s_limits_of(s_build_t *b, s_org_t *o)
{
    if (o->have_limits)
        return &o->limits;
    const char *chain[128];
    int n = 0;
    for (s_org_t *cur = o; cur && n < 64; cur = s_org_find(b, cur->parent)) {
        chain[n++] = cur->code;
        if (strcmp(cur->code, b->root) == 0)
            break;
    }
    for (int i = 1; i < b->root_chain_n && n < 128; i++)
        chain[n++] = b->root_chain[i];
    rotation_policy_limits(b->app->policy, chain, n, &o->limits);
    o->have_limits = 1;
    return &o->limits;
}

static int on_shift(void *ctx, const void *row)
{
    s_build_t *b = ctx;
    const rotation_shift_row_t *x = row;
    s_org_t *o = s_org_find(b, x->org_code);
    if (!o || x->headcount <= 0)
        return FC_OK;
    int req[2], nreq = 0;
    req[nreq++] = s_unit_of(b, o);
    if (rotation_policy_requires_medical(b->app->policy, x->kind))
        req[nreq++] = b->medical;
    int minutes = x->end_min > x->start_min ? x->end_min - x->start_min
                                            : x->end_min + RP_DAY_MIN - x->start_min;
    char id[160], name[300];
    snprintf(id, sizeof id, "%s/%02d%02d-%02d%02d", x->post_code, x->start_min / 60,
             x->start_min % 60, (x->end_min % RP_DAY_MIN) / 60, x->end_min % 60);
    snprintf(name, sizeof name, "%s %02d:%02d", x->name, x->start_min / 60, x->start_min % 60);
    if (rp_problem_shift_index(b->pb, id) >= 0)
        return FC_OK; /* the same shift twice on a post: once is enough */
    int s =
        rp_problem_add_shift(b->pb, id, name, x->post_code, x->start_min, minutes, x->risk_class,
                             rotation_policy_cycle_of(b->app->policy, x->kind), req, nreq);
    for (int d = 0; d < b->pb->days; d++)
        rp_problem_set_cover(b->pb, d, s, x->headcount);
    return FC_OK;
}

static int on_person(void *ctx, const void *row)
{
    s_build_t *b = ctx;
    const rotation_person_row_t *x = row;
    s_org_t *o = s_org_find(b, x->org_code);
    if (!o)
        return FC_OK;
    rp_problem_t *pb = b->pb;
    int p = rp_problem_add_person(pb, x->employee_no, x->name);
    rp_person_t *pp = &pb->people[p];
    int skills[2] = {s_unit_of(b, o), b->medical};
    rp_problem_person_skills(pb, p, skills, x->medical_staff ? 2 : 1);
    pp = &pb->people[p];
    pp->fit = x->fit;
    pp->young_cadre = x->young_cadre;
    pp->party_member =
        strcmp(x->party_status, "member") == 0 || strcmp(x->party_status, "probationary") == 0;
    /* under observation, quarantined, suspected or confirmed: off the whole horizon */
    if (x->health_status >= 2 && x->health_status <= 5)
        rp_problem_add_unavailable(pb, p, -(int64_t)RP_DAY_MIN,
                                   (int64_t)(pb->days + 1) * RP_DAY_MIN);
    const rotation_limits_t *l = s_limits_of(b, o);
    if (l->max_minutes_day != pb->rules.max_minutes_day)
        pp->max_minutes_day = l->max_minutes_day;
    if (l->max_minutes_7d != pb->rules.max_minutes_7d)
        pp->max_minutes_7d = l->max_minutes_7d;
    if (l->max_consecutive_days != pb->rules.max_consecutive_days)
        pp->max_consecutive_days = l->max_consecutive_days;
    if (l->min_rest_minutes != pb->rules.min_rest_minutes)
        pp->min_rest_minutes = l->min_rest_minutes;
    if (p >= b->cap_spouse) {
        b->cap_spouse = b->cap_spouse ? b->cap_spouse * 2 : 1024;
        b->spouse = fc_xrealloc(b->spouse, (size_t)b->cap_spouse * sizeof *b->spouse);
    }
    b->spouse[p] = *x->spouse ? fc_arena_strdup(b->arena, x->spouse) : NULL;
    return FC_OK;
}

static int on_unavail(void *ctx, const void *row)
{
    s_build_t *b = ctx;
    const rotation_unavail_row_t *u = row;
    int p = rp_problem_person_index(b->pb, u->employee_no);
    if (p >= 0)
        s_add_unavail(b->pb, p, u->from_us, u->to_us);
    return FC_OK;
}

static int on_past(void *ctx, const void *row)
{
    s_build_t *b = ctx;
    const rotation_past_row_t *x = row;
    int p = rp_problem_person_index(b->pb, x->employee_no);
    if (p < 0 || x->end_us <= x->start_us)
        return FC_OK;
    int64_t day = fc_time_local_day(x->start_us);
    int rel = (int)(day - b->pb->start_day);
    if (rel >= 0 || rel < -RP_MAX_DAYS)
        return FC_OK;
    int start_min = (int)((x->start_us - fc_time_local_day_start(day)) / S_MIN_US);
    int64_t minutes = (x->end_us - x->start_us) / S_MIN_US;
    if (minutes < 1)
        minutes = 1;
    if (minutes > RP_DAY_MIN)
        minutes = RP_DAY_MIN;
    rp_problem_add_history(b->pb, p, rel, start_min, (int)minutes,
                           rotation_policy_cycle_of(b->app->policy, x->post_kind));
    return FC_OK;
}

static int on_override(void *ctx, const void *row)
{
    s_build_t *b = ctx;
    const rotation_override_row_t *o = row;
    rp_problem_t *pb = b->pb;
    int a = rp_problem_person_index(pb, o->a), c = rp_problem_person_index(pb, o->b);
    int64_t from, to;
    if (a < 0 || c < 0 || pb->people[a].spouse != c || s_parse_day(o->from_day, &from) != 0 ||
        s_parse_day(o->to_day, &to) != 0)
        return FC_OK;
    int d0 = (int)(from - pb->start_day), d1 = (int)(to - pb->start_day);
    if (d0 <= 0 && d1 >= pb->days - 1) {
        rp_problem_add_override(pb, a, c, -1, o->reason);
        return FC_OK;
    }
    for (int d = d0 < 0 ? 0 : d0; d <= d1 && d < pb->days; d++)
        rp_problem_add_override(pb, a, c, d, o->reason);
    return FC_OK;
}

static int on_leave(void *ctx, const void *row)
{
    s_build_t *b = ctx;
    const rotation_leave_row_t *l = row;
    int p = rp_problem_person_index(b->pb, l->employee_no);
    int64_t day;
    if (p >= 0 && s_parse_day(l->day, &day) == 0)
        rp_problem_add_day_off(b->pb, p, (int)(day - b->pb->start_day));
    return FC_OK;
}

typedef struct {
    rp_problem_t *pb;
    rotation_leave_in_t *in;
} s_counts_t;

static int on_leave_count(void *ctx, const void *row)
{
    s_counts_t *c = ctx;
    const rotation_leave_count_row_t *x = row;
    int p = rp_problem_person_index(c->pb, x->employee_no);
    if (p >= 0) {
        c->in[p].frontline_days = x->frontline_days;
        c->in[p].leave_days = x->leave_days;
    }
    return FC_OK;
}

/* The planning problem of org's subtree over [start_day, start_day + days). */
static int s_build(rotation_app_t *app, fc_pg_t *pg, const char *org, int64_t start_day, int days,
                   int64_t now_us, fc_arena_t *arena, rp_problem_t **pb_out, fc_err_t *err)
{
    s_build_t b;
    memset(&b, 0, sizeof b);
    b.app = app;
    b.pg = pg;
    b.arena = arena;
    b.root = org;
    b.err = err;
    b.pb = rp_problem_new(start_day, days);
    rp_problem_t *pb = b.pb;
    char name[160], from_day[16], to_day[16];
    snprintf(name, sizeof name, "%s", org);
    pb->name = fc_arena_strdup(pb->arena, name);
    s_date(start_day, from_day, sizeof from_day);
    s_date(start_day + days - 1, to_day, sizeof to_day);
    int64_t t0 = fc_time_local_day_start(start_day), t1 = fc_time_local_day_start(start_day + days);
    int rc = rotation_store_org_chain(pg, org, arena, &b.root_chain, &b.root_chain_n, err);
    if (rc == FC_OK)
        rc = rotation_store_subtree(pg, org, on_org, &b, err);
    if (rc != FC_OK)
        goto out;
    if (b.norgs > 1)
        qsort(b.orgs, (size_t)b.norgs, sizeof *b.orgs, s_org_cmp);
    rotation_limits_t root_limits;
    rotation_policy_limits(app->policy, b.root_chain, b.root_chain_n, &root_limits);
    pb->rules = (rp_rules_t){root_limits.max_minutes_day, root_limits.max_minutes_7d,
                             root_limits.max_consecutive_days, root_limits.min_rest_minutes};
    pb->weights = *rotation_policy_weights(app->policy);
    for (int c = 0; c < rotation_policy_ncycles(app->policy); c++) {
        const char *id;
        int on, off;
        rotation_policy_cycle(app->policy, c, &id, &on, &off);
        rp_problem_add_cycle(pb, id, on, off);
    }
    b.medical = rp_problem_add_skill(pb, "medical");
    /* history reaches back over the longest window a rule looks at */
    int back = 7;
    if (pb->rules.max_consecutive_days + 1 > back)
        back = pb->rules.max_consecutive_days + 1;
    for (int c = 0; c < pb->ncycles; c++)
        if (pb->cycles[c].on_days + pb->cycles[c].off_days > back)
            back = pb->cycles[c].on_days + pb->cycles[c].off_days;
    if ((rc = rotation_store_shifts(pg, org, on_shift, &b, err)) != FC_OK ||
        (rc = rotation_store_people(pg, org, on_person, &b, err)) != FC_OK)
        goto out;
    /* spouses: both in the problem and naming each other */
    for (int p = 0; p < pb->npeople; p++) {
        int q = b.spouse[p] ? rp_problem_person_index(pb, b.spouse[p]) : -1;
        if (q > p && b.spouse[q] && strcmp(b.spouse[q], pb->people[p].id) == 0)
            rp_problem_set_spouse(pb, p, q);
    }
    if ((rc = rotation_store_unavail_between(pg, org, t0 - (int64_t)back * FC_US_PER_DAY, t1,
                                             on_unavail, &b, err)) != FC_OK ||
        (rc = rotation_store_past_duty(pg, org, t0 - (int64_t)back * FC_US_PER_DAY, t0, now_us,
                                       on_past, &b, err)) != FC_OK ||
        (rc = rotation_store_overrides_between(pg, org, from_day, to_day, on_override, &b, err)) !=
            FC_OK ||
        (rc = rotation_store_leave_between(pg, org, from_day, to_day, on_leave, &b, err)) !=
            FC_OK ||
        /* a spouse rostered elsewhere that day: that day is off (000 §5) */
        (rc = rotation_store_spouse_busy(pg, org, from_day, to_day, on_leave, &b, err)) != FC_OK)
        goto out;
    rc = rp_problem_finalize(pb, err);
out:
    free(b.orgs);
    free(b.spouse);
    if (rc == FC_OK)
        *pb_out = pb;
    else
        rp_problem_destroy(&pb);
    return rc;
}

/* ---- loading a stored roster (cached by id and revision) ---- */

typedef struct {
    rp_problem_t *pb;
    rotation_roster_t *r;
} s_load_t;

static int on_current(void *ctx, const void *row)
{
    s_load_t *l = ctx;
    const rotation_assign_row_t *a = row;
    int p = rp_problem_person_index(l->pb, a->employee_no);
    int s = rp_problem_shift_index(l->pb, a->shift_id);
    int64_t day;
    if (p < 0 || s < 0 || s_parse_day(a->day, &day) != 0)
        return FC_OK; /* not this roster's problem: cannot happen with rows it wrote */
    rotation_roster_add(l->r, p, (int)(day - l->pb->start_day), s);
    return FC_OK;
}

static int on_roster_unavail(void *ctx, const void *row)
{
    s_load_t *l = ctx;
    const rotation_unavail_row_t *u = row;
    int p = rp_problem_person_index(l->pb, u->employee_no);
    if (p >= 0)
        s_add_unavail(l->pb, p, u->from_us, u->to_us);
    return FC_OK;
}

static int on_roster_leave(void *ctx, const void *row)
{
    s_load_t *l = ctx;
    const rotation_leave_row_t *x = row;
    int p = rp_problem_person_index(l->pb, x->employee_no);
    int64_t day;
    if (p >= 0 && s_parse_day(x->day, &day) == 0)
        rp_problem_add_day_off(l->pb, p, (int)(day - l->pb->start_day));
    return FC_OK;
}

static s_entry_t *s_load(rotation_app_t *self, fc_pg_t *pg, int64_t roster_id, fc_err_t *err)
{
    rotation_roster_info_t info;
    int64_t mark = 0;
    if (rotation_store_roster_info(pg, roster_id, &info, NULL, err) != FC_OK ||
        rotation_store_assignment_mark(pg, &mark, err) != FC_OK)
        return NULL;
    s_entry_t *slot = &self->cache[0];
    for (int i = 0; i < S_CACHE; i++) {
        s_entry_t *e = &self->cache[i];
        /* the same revision, and no roster anywhere changed since (a spouse rostered in another
         * roster since it was loaded must block that day here too, 000 §5) */
        if (e->plan && e->info.id == roster_id && e->info.revision == info.revision &&
            e->mark == mark) {
            e->used = ++self->tick;
            return e;
        }
        if (!e->plan || e->used < slot->used)
            slot = e;
    }
    s_entry_clear(slot);
    char *text = NULL;
    json_t *doc = NULL;
    rotation_roster_t *r = NULL;
    s_load_t l = {NULL, NULL};
    int rc = rotation_store_roster_info(pg, roster_id, &info, &text, err);
    if (rc == FC_OK) {
        json_error_t jerr;
        doc = json_loads(text, 0, &jerr);
        if (!doc)
            rc = fc_err_set(err, FC_ERR, "roster", "stored problem of roster %lld is not JSON: %s",
                            (long long)roster_id, jerr.text);
    }
    if (rc == FC_OK && !(l.pb = rp_problem_from_json(doc, err)))
        rc = FC_ERR;
    if (rc == FC_OK) {
        int64_t t0 = fc_time_local_day_start(l.pb->start_day);
        int64_t t1 = fc_time_local_day_start(l.pb->start_day + l.pb->days);
        char to_day[16];
        s_date(l.pb->start_day + l.pb->days - 1, to_day, sizeof to_day);
        r = rotation_roster_new();
        l.r = r;
        rc = rotation_store_roster_unavail(pg, roster_id, t0, t1, on_roster_unavail, &l, err);
        if (rc == FC_OK)
            rc = rotation_store_roster_leave(pg, roster_id, info.from_day, to_day, on_roster_leave,
                                             &l, err);
        if (rc == FC_OK)
            rc = rotation_store_roster_spouse_busy(pg, roster_id, info.from_day, to_day,
                                                   on_roster_leave, &l, err);
        if (rc == FC_OK)
            rc = rotation_store_roster_current(pg, roster_id, on_current, &l, err);
    }
    if (rc == FC_OK) {
        slot->plan = rotation_plan_new(l.pb);
        rc = rotation_plan_load(slot->plan, r, err);
    }
    rotation_roster_destroy(&r);
    json_decref(doc);
    free(text);
    if (rc != FC_OK) {
        rotation_plan_destroy(&slot->plan);
        rp_problem_destroy(&l.pb);
        return NULL;
    }
    slot->pb = l.pb;
    slot->info = info;
    slot->mark = mark;
    slot->used = ++self->tick;
    return slot;
}

/* ---- planning ---- */

static int s_fill_uncovered(fc_arena_t *arena, const rp_problem_t *pb, const rr_uncovered_t *u,
                            Fc__V1__Uncovered *x)
{
    fc__v1__uncovered__init(x);
    char date[16];
    fc_buf_t b;
    fc_buf_init(&b);
    rotation_msg_uncovered(&b, pb, u);
    s_date(pb->start_day + u->day, date, sizeof date);
    x->date = fc_arena_strdup(arena, date);
    x->post_code = pb->posts[pb->shifts[u->shift].post];
    x->shift_id = pb->shifts[u->shift].id;
    x->start_us = s_shift_start(pb, u->day, u->shift);
    x->end_us = s_shift_end(pb, u->day, u->shift);
    x->missing = u->missing;
    x->reason = (char *)rotation_roster_reason_name(u->reason);
    x->text = fc_arena_strdup(arena, b.data ? b.data : "");
    fc_buf_fini(&b);
    return FC_OK;
}

/* Publishes each person's shifts and leave days of a new roster. */
static int s_publish_people(fc_service_t *svc, const rp_problem_t *pb, const rotation_roster_t *r,
                            int64_t roster_id, int version, const char *org, int64_t at_us,
                            fc_arena_t *arena, fc_err_t *err)
{
    size_t ia = 0, il = 0;
    int rc = FC_OK;
    Fc__V1__PersonShift *shifts = fc_xcalloc((size_t)pb->days + 1, sizeof *shifts);
    Fc__V1__PersonShift **sp = fc_xcalloc((size_t)pb->days + 1, sizeof *sp);
    char **dates = fc_xcalloc((size_t)pb->days + 1, sizeof *dates);
    char(*buf)[16] = fc_xcalloc((size_t)pb->days * 2 + 2, sizeof *buf);
    for (int p = 0; p < pb->npeople && rc == FC_OK; p++) {
        Fc__V1__PersonRostered ev = FC__V1__PERSON_ROSTERED__INIT;
        ev.roster_id = roster_id;
        ev.version = version;
        ev.employee_no = pb->people[p].id;
        ev.org_code = (char *)org;
        ev.at_us = at_us;
        int k = 0;
        for (; ia < r->n && r->a[ia].person == p; ia++) {
            const rr_assign_t *a = &r->a[ia];
            Fc__V1__PersonShift *x = &shifts[k];
            fc__v1__person_shift__init(x);
            s_date(pb->start_day + a->day, buf[k], sizeof buf[k]);
            x->date = buf[k];
            x->post_code = pb->posts[pb->shifts[a->shift].post];
            x->shift_id = pb->shifts[a->shift].id;
            x->start_us = s_shift_start(pb, a->day, a->shift);
            x->end_us = s_shift_end(pb, a->day, a->shift);
            x->risk_class = pb->shifts[a->shift].risk_class;
            sp[k] = x;
            k++;
        }
        int nl = 0;
        for (; il < r->nleave && r->leave[il].person == p; il++) {
            s_date(pb->start_day + r->leave[il].day, buf[pb->days + 1 + nl], 16);
            dates[nl] = buf[pb->days + 1 + nl];
            nl++;
        }
        if (!k && !nl)
            continue;
        ev.shifts = sp;
        ev.n_shifts = (size_t)k;
        ev.leave_dates = dates;
        ev.n_leave_dates = (size_t)nl;
        rc = fc_service_publish(svc, "rotation.person_rostered", &ev.base, at_us, err);
    }
    (void)arena;
    free(buf);
    free(dates);
    free(sp);
    free(shifts);
    return rc;
}

static int s_cmp_leave(const void *a, const void *b)
{
    const rr_leave_t *x = a, *y = b;
    return x->person != y->person ? (x->person > y->person) - (x->person < y->person)
                                  : (x->day > y->day) - (x->day < y->day);
}

int rotation_app_plan(rotation_app_t *self, fc_service_t *svc, const char *org, int64_t start_day,
                      int days, int time_limit_s, const char *actor, fc_arena_t *arena,
                      Fc__V1__RosterPlanReply **reply_out, fc_err_t *err)
{
    fc_pg_t *pg = fc_service_pg(svc);
    int rc;
    rp_problem_t *pb = NULL;
    rotation_plan_t *plan = NULL;
    rotation_roster_t *r = NULL;
    rotation_check_t *chk = NULL;
    rotation_leave_in_t *in = NULL;
    json_t *doc = NULL;
    char *text = NULL;
    rotation_assign_row_t *rows = NULL;
    const char **members = NULL;
    int64_t now = fc_clock_now_us(), t0 = fc_clock_mono_ms();
    if (days < 1 || days > rotation_policy_max_days(self->policy))
        return fc_err_set(err, FC_EINVAL, "days", "排班天数须在 1 到 %d 之间，现为 %d",
                          rotation_policy_max_days(self->policy), days);
    if ((rc = rotation_store_org_exists(pg, org, err)) != FC_OK ||
        (rc = s_build(self, pg, org, start_day, days, now, arena, &pb, err)) != FC_OK)
        goto out;
    plan = rotation_plan_new(pb);
    rotation_plan_opts_t opts = {time_limit_s > 0 ? time_limit_s : self->plan_time_s, 1, 0};
    if ((rc = rotation_plan_solve(plan, &opts, err)) != FC_OK)
        goto out;
    r = rotation_plan_roster(plan);
    /* the independent checker has the last word: a plan breaking a hard rule is never stored */
    chk = rotation_check_run(pb, r);
    if (chk->nhard || chk->penalty != r->penalty) {
        fc_log_error("roster.check_failed", "org", FC_LS(org), "hard_violations", FC_LI(chk->nhard),
                     "penalty", FC_LI(r->penalty), "checker_penalty", FC_LI(chk->penalty), NULL);
        rc = fc_err_set(err, FC_ERR, NULL, "排班结果未通过独立校验（内部错误），未保存");
        goto out;
    }
    /* compensatory leave into the off days, which then count as days off */
    in = fc_xcalloc((size_t)(pb->npeople ? pb->npeople : 1), sizeof *in);
    s_counts_t counts = {pb, in};
    char from_day[16], to_day[16];
    s_date(start_day, from_day, sizeof from_day);
    s_date(start_day + days - 1, to_day, sizeof to_day);
    if ((rc = rotation_store_leave_counts(pg, org, from_day, on_leave_count, &counts, err)) !=
        FC_OK)
        goto out;
    rotation_leave_schedule(pb, r, in, rotation_policy_leave_ratio(self->policy));
    if (r->nleave > 1)
        qsort(r->leave, r->nleave, sizeof *r->leave, s_cmp_leave);
    for (size_t i = 0; i < r->nleave; i++)
        rp_problem_add_day_off(pb, r->leave[i].person, r->leave[i].day);
    doc = rp_problem_to_json(pb);
    text = json_dumps(doc, JSON_COMPACT);
    int64_t roster_id;
    int version;
    if ((rc = rotation_store_roster_create(pg, org, from_day, days, text, r->penalty, actor, now,
                                           &roster_id, &version, err)) != FC_OK ||
        (rc = rotation_store_supersede(pg, roster_id, org, from_day, to_day, err)) != FC_OK)
        goto out;
    rows = fc_xcalloc(r->n ? r->n : 1, sizeof *rows);
    char(*dates)[16] = fc_arena_alloc(arena, (size_t)days * sizeof *dates);
    for (int d = 0; d < days; d++)
        s_date(start_day + d, dates[d], sizeof dates[d]);
    for (size_t i = 0; i < r->n; i++) {
        const rr_assign_t *a = &r->a[i];
        rows[i] = (rotation_assign_row_t){pb->people[a->person].id,
                                          dates[a->day],
                                          pb->shifts[a->shift].id,
                                          pb->posts[pb->shifts[a->shift].post],
                                          "",
                                          s_shift_start(pb, a->day, a->shift),
                                          s_shift_end(pb, a->day, a->shift)};
    }
    members = fc_xcalloc((size_t)(pb->npeople ? pb->npeople : 1), sizeof *members);
    for (int p = 0; p < pb->npeople; p++)
        members[p] = pb->people[p].id;
    if ((rc = rotation_store_roster_fill(pg, roster_id, rows, r->n, members, (size_t)pb->npeople,
                                         err)) != FC_OK)
        goto out;
    Fc__V1__RosterPlanReply *reply = fc_arena_alloc(arena, sizeof *reply);
    fc__v1__roster_plan_reply__init(reply);
    reply->uncovered = fc_arena_alloc(arena, (r->nu + 1) * sizeof *reply->uncovered);
    for (size_t i = 0; i < r->nu; i++) {
        Fc__V1__Uncovered *u = fc_arena_alloc(arena, sizeof *u);
        s_fill_uncovered(arena, pb, &r->u[i], u);
        if ((rc = rotation_store_uncovered_add(pg, roster_id, 0, u->date, u->shift_id, u->post_code,
                                               u->start_us, u->end_us, u->missing, u->reason,
                                               u->text, err)) != FC_OK)
            goto out;
        reply->uncovered[reply->n_uncovered++] = u;
    }
    for (size_t i = 0; i < r->nleave; i++)
        if ((rc = rotation_store_leave_add(pg, roster_id, pb->people[r->leave[i].person].id,
                                           dates[r->leave[i].day], err)) != FC_OK)
            goto out;
    Fc__V1__RosterPublished ev = FC__V1__ROSTER_PUBLISHED__INIT;
    ev.roster_id = roster_id;
    ev.version = version;
    ev.org_code = (char *)org;
    ev.from_date = from_day;
    ev.days = days;
    ev.people = pb->npeople;
    ev.assignments = (int32_t)r->n;
    ev.uncovered = (int32_t)r->nu;
    ev.penalty = r->penalty;
    ev.at_us = now;
    if ((rc = fc_service_publish(svc, "rotation.roster_published", &ev.base, now, err)) != FC_OK ||
        (rc = s_publish_people(svc, pb, r, roster_id, version, org, now, arena, err)) != FC_OK)
        goto out;
    reply->roster_id = roster_id;
    reply->version = version;
    reply->org_code = fc_arena_strdup(arena, org);
    reply->from_date = fc_arena_strdup(arena, from_day);
    reply->days = days;
    reply->people = pb->npeople;
    reply->shift_types = pb->nshifts;
    reply->assignments = (int32_t)r->n;
    reply->penalty = r->penalty;
    reply->penalties = fc_arena_alloc(arena, RP_NRULES * sizeof *reply->penalties);
    for (int k = RP_NHARD; k < RP_NRULES; k++) {
        if (!r->by_rule[k])
            continue;
        Fc__V1__PenaltyItem *it = fc_arena_alloc(arena, sizeof *it);
        fc__v1__penalty_item__init(it);
        it->rule = (char *)rp_rule_name(k);
        it->title = (char *)rotation_msg_rule(k);
        it->penalty = r->by_rule[k];
        reply->penalties[reply->n_penalties++] = it;
    }
    reply->hard_violations = (int32_t)chk->nhard;
    reply->comp_leave_days = (int32_t)r->nleave;
    reply->plan_ms = fc_clock_mono_ms() - t0;
    *reply_out = reply;
    fc_log_info("roster.planned", "org", FC_LS(org), "roster_id", FC_LI(roster_id), "version",
                FC_LI(version), "people", FC_LI(pb->npeople), "assignments", FC_LI(r->n),
                "uncovered", FC_LI(r->nu), "penalty", FC_LI(r->penalty), "plan_ms",
                FC_LI(reply->plan_ms), NULL);
    /* keep it loaded (in the empty or least recently used slot): replacements come next */
    s_entry_t *e = &self->cache[0];
    for (int i = 1; i < S_CACHE && e->plan; i++)
        if (!self->cache[i].plan || self->cache[i].used < e->used)
            e = &self->cache[i];
    s_entry_clear(e);
    e->pb = pb;
    e->plan = plan;
    e->info.id = roster_id;
    snprintf(e->info.org_code, sizeof e->info.org_code, "%s", org);
    e->info.version = version;
    e->info.revision = 0;
    snprintf(e->info.from_day, sizeof e->info.from_day, "%s", from_day);
    e->info.days = days;
    e->used = ++self->tick;
    if (rotation_store_assignment_mark(pg, &e->mark, err) != FC_OK)
        e->mark = -1; /* reloaded at its next use */
    pb = NULL;
    plan = NULL;
    rc = FC_OK;
out:
    free(members);
    free(rows);
    free(text);
    json_decref(doc);
    free(in);
    rotation_check_destroy(&chk);
    rotation_roster_destroy(&r);
    rotation_plan_destroy(&plan);
    rp_problem_destroy(&pb);
    return rc;
}

/* ---- replacement ---- */

static int s_replace_in(rotation_app_t *self, fc_service_t *svc, int64_t roster_id,
                        const char *employee_no, int64_t from_us, int64_t to_us, const char *cause,
                        int64_t at_us, int *changes, fc_err_t *err)
{
    fc_pg_t *pg = fc_service_pg(svc);
    s_entry_t *e = s_load(self, pg, roster_id, err);
    if (!e)
        return err->code ? err->code : FC_ERR;
    rp_problem_t *pb = e->pb;
    int p = rp_problem_person_index(pb, employee_no);
    if (p < 0)
        return FC_OK;
    s_add_unavail(pb, p, from_us, to_us);
    rotation_change_t *ch = NULL;
    size_t n = 0;
    int rc = rotation_plan_replace(e->plan, p, &ch, &n);
    if (rc != FC_OK || n == 0)
        goto out;
    int rev = e->info.revision + 1;
    fc_buf_t text;
    fc_buf_init(&text);
    for (size_t i = 0; i < n && rc == FC_OK; i++) {
        const rotation_change_t *c = &ch[i];
        char day[16], note[200];
        s_date(pb->start_day + c->day, day, sizeof day);
        const rp_shift_t *sh = &pb->shifts[c->shift];
        int64_t st = s_shift_start(pb, c->day, c->shift), en = s_shift_end(pb, c->day, c->shift);
        const char *post = pb->posts[sh->post];
        rc = rotation_store_assignment_remove(pg, roster_id, day, sh->id, employee_no, rev, err);
        if (rc == FC_OK && c->to >= 0 && c->via >= 0) {
            /* to left via_shift for this one; via took via_shift */
            const rp_shift_t *vs = &pb->shifts[c->via_shift];
            snprintf(note, sizeof note, "调班接替 %s", pb->people[c->to].id);
            rotation_assign_row_t va = {pb->people[c->via].id,
                                        day,
                                        vs->id,
                                        pb->posts[vs->post],
                                        note,
                                        s_shift_start(pb, c->day, c->via_shift),
                                        s_shift_end(pb, c->day, c->via_shift)};
            rc = rotation_store_assignment_remove(pg, roster_id, day, vs->id, pb->people[c->to].id,
                                                  rev, err);
            if (rc == FC_OK)
                rc = rotation_store_assignment_add(pg, roster_id, &va, rev, err);
        }
        if (rc == FC_OK && c->to >= 0) {
            snprintf(note, sizeof note, "替 %s（%s）", employee_no, s_cause_text(cause));
            rotation_assign_row_t a = {pb->people[c->to].id, day, sh->id, post, note, st, en};
            rc = rotation_store_assignment_add(pg, roster_id, &a, rev, err);
        }
        fc_buf_reset(&text);
        rotation_msg_change(&text, pb, c);
        if (rc == FC_OK && c->to < 0)
            rc = rotation_store_uncovered_add(pg, roster_id, rev, day, sh->id, post, st, en, 1,
                                              "replacement", text.data, err);
        if (rc != FC_OK)
            break;
        Fc__V1__AssignmentChanged ev = FC__V1__ASSIGNMENT_CHANGED__INIT;
        ev.roster_id = roster_id;
        ev.version = e->info.version;
        ev.revision = rev;
        ev.date = day;
        ev.post_code = (char *)post;
        ev.shift_id = sh->id;
        ev.start_us = st;
        ev.end_us = en;
        ev.from_employee_no = (char *)employee_no;
        ev.to_employee_no = c->to >= 0 ? pb->people[c->to].id : "";
        ev.via_employee_no = c->via >= 0 ? pb->people[c->via].id : "";
        ev.via_shift_id = c->via >= 0 ? pb->shifts[c->via_shift].id : "";
        ev.org_code = e->info.org_code;
        ev.cause = (char *)cause;
        ev.text = text.data;
        ev.at_us = at_us;
        rc = fc_service_publish(svc, "rotation.assignment_changed", &ev.base, at_us, err);
        fc_log_info("roster.replaced", "roster_id", FC_LI(roster_id), "date", FC_LS(day), "shift",
                    FC_LS(sh->id), "from", FC_LS(employee_no), "to",
                    FC_LS(c->to >= 0 ? pb->people[c->to].id : ""), "cause", FC_LS(cause), NULL);
    }
    fc_buf_fini(&text);
    if (rc == FC_OK)
        rc = rotation_store_roster_revision(pg, roster_id, rev, err);
    /* the cache now holds this revision; if the transaction fails the stored revision stays
     * behind and the next use reloads */
    e->info.revision = rev;
    if (rc == FC_OK && rotation_store_assignment_mark(pg, &e->mark, err) != FC_OK)
        e->mark = -1;
    if (changes)
        *changes += (int)n;
out:
    free(ch);
    return rc;
}

int rotation_app_unavailable(rotation_app_t *self, fc_service_t *svc, const char *employee_no,
                             int64_t from_us, int64_t to_us, const char *cause, int64_t at_us,
                             int *changes_out, fc_err_t *err)
{
    int64_t *ids = NULL;
    size_t n = 0;
    int changes = 0;
    int rc =
        rotation_store_rosters_of(fc_service_pg(svc), employee_no, from_us, to_us, &ids, &n, err);
    for (size_t i = 0; rc == FC_OK && i < n; i++)
        rc = s_replace_in(self, svc, ids[i], employee_no, from_us, to_us, cause, at_us, &changes,
                          err);
    free(ids);
    if (changes_out)
        *changes_out = changes;
    return rc;
}

/* ---- overload ---- */

int rotation_app_duty(rotation_app_t *self, fc_service_t *svc, const Fc__V1__DutyEvent *d,
                      int64_t at_us, fc_err_t *err)
{
    fc_pg_t *pg = fc_service_pg(svc);
    int rc;
    rotation_duty_t *duties = NULL;
    size_t n = 0;
    fc_arena_t *arena = fc_arena_new(4096);
    const char **chain = NULL;
    int nchain = 0;
    int64_t t = d->end_us > 0 ? d->end_us : d->start_us;
    if ((rc = rotation_store_org_chain(pg, d->org_code, arena, &chain, &nchain, err)) != FC_OK ||
        (rc = rotation_store_duties(pg, d->employee_no, t - 62 * FC_US_PER_DAY, &duties, &n,
                                    err)) != FC_OK)
        goto out;
    rotation_limits_t lim;
    rotation_policy_limits(self->policy, chain, nchain, &lim);
    rotation_load_t load;
    rotation_workload_measure(duties, n, t, &load);
    rotation_alert_t al[ROTATION_NMETRICS];
    rotation_level_t level = rotation_workload_judge(&load, &lim, al);
    char date[16];
    s_date(fc_time_local_day(t), date, sizeof date);
    for (int i = 0; i < ROTATION_NMETRICS && rc == FC_OK; i++) {
        if (al[i].level != ROTATION_WARN)
            continue;
        int inserted = 0;
        rc = rotation_store_warning_add(pg, d->employee_no, d->org_code, al[i].metric, date,
                                        al[i].value, al[i].limit, t, d->duty_id, &inserted, err);
        if (rc != FC_OK || !inserted)
            continue;
        Fc__V1__OverloadWarning ev = FC__V1__OVERLOAD_WARNING__INIT;
        ev.employee_no = d->employee_no;
        ev.org_code = d->org_code;
        ev.metric = (char *)al[i].metric;
        ev.value = al[i].value;
        ev.limit = al[i].limit;
        ev.percent = al[i].percent;
        ev.at_us = t;
        ev.duty_id = d->duty_id;
        rc = fc_service_publish(svc, "rotation.overload_warning", &ev.base, at_us, err);
        fc_log_info("workload.warning", "employee_no", FC_LS(d->employee_no), "metric",
                    FC_LS(al[i].metric), "value", FC_LI(al[i].value), "limit", FC_LI(al[i].limit),
                    NULL);
    }
    if (rc != FC_OK || level != ROTATION_EXCEEDED)
        goto out;
    int64_t until = 0;
    if ((rc = rotation_store_forced_rest_active(pg, d->employee_no, t, &until, err)) != FC_OK ||
        until)
        goto out; /* already resting by order */
    const rotation_alert_t *x = NULL;
    for (int i = 0; i < ROTATION_NMETRICS && !x; i++)
        if (al[i].level == ROTATION_EXCEEDED)
            x = &al[i];
    int64_t from = t, to = t + (int64_t)lim.forced_rest_minutes * S_MIN_US, id = 0;
    char source[64], detail[160];
    if ((rc = rotation_store_forced_rest_add(pg, d->employee_no, d->org_code, x->metric, x->value,
                                             x->limit, from, to, d->duty_id, &id, err)) != FC_OK)
        goto out;
    snprintf(source, sizeof source, "forced_rest:%lld", (long long)id);
    snprintf(detail, sizeof detail, "%s 超过上限（%lld / %lld）", x->metric, (long long)x->value,
             (long long)x->limit);
    if ((rc = rotation_store_unavail_add(pg, d->employee_no, "forced_rest", from, to, source,
                                         detail, NULL, err)) != FC_OK)
        goto out;
    Fc__V1__ForcedRestOrdered ev = FC__V1__FORCED_REST_ORDERED__INIT;
    ev.order_id = id;
    ev.employee_no = d->employee_no;
    ev.org_code = d->org_code;
    ev.metric = (char *)x->metric;
    ev.value = x->value;
    ev.limit = x->limit;
    ev.from_us = from;
    ev.until_us = to;
    ev.duty_id = d->duty_id;
    if ((rc = fc_service_publish(svc, "rotation.forced_rest_ordered", &ev.base, at_us, err)) !=
        FC_OK)
        goto out;
    fc_log_info("workload.forced_rest", "employee_no", FC_LS(d->employee_no), "metric",
                FC_LS(x->metric), "value", FC_LI(x->value), "limit", FC_LI(x->limit), "until_us",
                FC_LI(to), NULL);
    rc = rotation_app_unavailable(self, svc, d->employee_no, from, to, "forced_rest", at_us, NULL,
                                  err);
out:
    free(duties);
    fc_arena_destroy(&arena);
    return rc;
}

/* ---- explanation and workload ---- */

int rotation_app_explain(rotation_app_t *self, fc_pg_t *pg, const char *employee_no,
                         const char *date, fc_arena_t *arena,
                         Fc__V1__RosterExplainReply **reply_out, fc_err_t *err)
{
    int64_t roster_id;
    int rc = rotation_store_roster_for(pg, employee_no, date, &roster_id, err);
    if (rc != FC_OK)
        return rc;
    s_entry_t *e = s_load(self, pg, roster_id, err);
    if (!e)
        return err->code ? err->code : FC_ERR;
    int p = rp_problem_person_index(e->pb, employee_no), day;
    if (p < 0)
        return fc_err_set(err, FC_ENOTFOUND, "employee_no", "“%s”不在排班 %lld 中", employee_no,
                          (long long)roster_id);
    if ((rc = rp_problem_day_of(e->pb, date, &day, err)) != FC_OK)
        return rc;
    rotation_explain_t ex;
    if ((rc = rotation_plan_explain(e->plan, p, day, &ex, err)) != FC_OK)
        return rc;
    fc_buf_t b;
    fc_buf_init(&b);
    const rp_person_t *x = &e->pb->people[p];
    rotation_msg_explain(&b, e->pb, &ex, x->day_off && x->day_off[day]);
    Fc__V1__RosterExplainReply *r = fc_arena_alloc(arena, sizeof *r);
    fc__v1__roster_explain_reply__init(r);
    r->employee_no = fc_arena_strdup(arena, employee_no);
    r->date = fc_arena_strdup(arena, date);
    r->roster_id = roster_id;
    r->version = e->info.version;
    r->revision = e->info.revision;
    r->assigned_shift =
        fc_arena_strdup(arena, ex.assigned >= 0 ? e->pb->shifts[ex.assigned].id : "");
    r->text = fc_arena_strdup(arena, b.data ? b.data : "");
    fc_buf_fini(&b);
    if (ex.nopt) {
        const rotation_option_t *o = &ex.opt[0];
        r->checks = fc_arena_alloc(arena, (size_t)o->nchecks * sizeof *r->checks + 1);
        for (int i = 0; i < o->nchecks; i++) {
            Fc__V1__RuleCheck *c = fc_arena_alloc(arena, sizeof *c);
            fc__v1__rule_check__init(c);
            c->rule = (char *)rp_rule_name(o->checks[i].rule);
            c->title = (char *)rotation_msg_rule(o->checks[i].rule);
            c->ok = o->checks[i].ok;
            c->value = o->checks[i].value;
            c->limit = o->checks[i].limit;
            r->checks[r->n_checks++] = c;
        }
    }
    *reply_out = r;
    return FC_OK;
}

typedef struct {
    fc_arena_t *arena;
    Fc__V1__WorkloadShowReply *r;
    int64_t now;
    size_t cap;
} s_unav_t;

static int on_unav_text(void *ctx, const void *row)
{
    s_unav_t *u = ctx;
    const rotation_unavail_row_t *x = row;
    char from[40], to[40], line[400];
    fc_time_format_local(x->from_us, from, sizeof from);
    if (x->to_us)
        fc_time_format_local(x->to_us, to, sizeof to);
    snprintf(line, sizeof line, "%s：%s 起%s%s%s%s", s_cause_text(x->kind), from,
             x->to_us ? "，至 " : "，至另行通知", x->to_us ? to : "", *x->detail ? "；" : "",
             x->detail);
    if (x->from_us <= u->now)
        u->r->available = 0;
    if (u->r->n_unavailable < u->cap)
        u->r->unavailable[u->r->n_unavailable++] = fc_arena_strdup(u->arena, line);
    return FC_OK;
}

int rotation_app_workload(rotation_app_t *self, fc_pg_t *pg, const char *employee_no,
                          int64_t now_us, fc_arena_t *arena, Fc__V1__WorkloadShowReply **reply_out,
                          fc_err_t *err)
{
    char org[64];
    int rc = rotation_store_person(pg, employee_no, org, sizeof org, NULL, 0, err);
    const char **chain = NULL;
    int nchain = 0;
    rotation_duty_t *duties = NULL;
    size_t n = 0;
    if (rc == FC_OK)
        rc = rotation_store_org_chain(pg, org, arena, &chain, &nchain, err);
    if (rc == FC_OK)
        rc = rotation_store_duties(pg, employee_no, now_us - 62 * FC_US_PER_DAY, &duties, &n, err);
    if (rc != FC_OK)
        return rc;
    rotation_limits_t lim;
    rotation_policy_limits(self->policy, chain, nchain, &lim);
    rotation_load_t load;
    rotation_workload_measure(duties, n, now_us, &load);
    free(duties);
    rotation_alert_t al[ROTATION_NMETRICS];
    rotation_workload_judge(&load, &lim, al);
    Fc__V1__WorkloadShowReply *r = fc_arena_alloc(arena, sizeof *r);
    fc__v1__workload_show_reply__init(r);
    r->employee_no = fc_arena_strdup(arena, employee_no);
    r->org_code = fc_arena_strdup(arena, org);
    r->thresholds = fc_arena_alloc(arena, ROTATION_NMETRICS * sizeof *r->thresholds);
    static const char *levels[] = {"ok", "warning", "exceeded"};
    for (int i = 0; i < ROTATION_NMETRICS; i++) {
        Fc__V1__Threshold *t = fc_arena_alloc(arena, sizeof *t);
        fc__v1__threshold__init(t);
        t->metric = (char *)al[i].metric;
        t->value = al[i].value;
        t->limit = al[i].limit;
        t->percent = al[i].percent;
        t->level = (char *)levels[al[i].level];
        r->thresholds[r->n_thresholds++] = t;
    }
    r->available = 1;
    s_unav_t u = {arena, r, now_us, 32};
    r->unavailable = fc_arena_alloc(arena, u.cap * sizeof *r->unavailable);
    rc = rotation_store_unavail_of(pg, employee_no, now_us, on_unav_text, &u, err);
    if (rc == FC_OK)
        *reply_out = r;
    return rc;
}

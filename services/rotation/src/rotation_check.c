/* rotation_check: every rule re-derived from its definition over a person's duties in time
 * order. Deliberately simple and unoptimised beyond what large rosters need. */
#include "rotation_check.h"
#include "fc_mem.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t start, end; /* minutes from horizon start */
    int day;
    int shift; /* -1 for a history duty */
    int cycle;
    int minutes;
} c_duty_t;

typedef struct {
    const rp_problem_t *pb;
    const rotation_roster_t *r;
    rotation_check_t *out;
    int lo;        /* first day of the person arrays: the oldest history day */
    int span;      /* lo .. D-1 */
    int *mins;     /* minutes per day, index day - lo */
    int *worked;   /* duties that day (roster and history) */
    int *rostered; /* roster duties that day */
    int *cyc;      /* duties of the cycle being checked that day */
    int *rcyc;     /* roster duties of that cycle that day */
    c_duty_t *duties;
    size_t nduties, capduties;
    int *shift_count; /* per shift type, for max_shifts (reset after each person) */
    uint8_t *post_seen;
} c_ctx_t;

static void c_add(c_ctx_t *c, int rule, int person, int day, int shift, int64_t value,
                  int64_t limit, int64_t penalty)
{
    rotation_check_t *o = c->out;
    o->count[rule]++;
    if (rule < RP_NHARD)
        o->nhard++;
    else {
        o->penalty += penalty;
        o->by_rule[rule] += penalty;
    }
    if (o->n >= ROTATION_CHECK_LIST_MAX)
        return;
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 64;
        o->v = fc_xrealloc(o->v, o->cap * sizeof *o->v);
    }
    o->v[o->n++] = (rotation_violation_t){rule, person, day, shift, value, limit, penalty};
}

static int c_has_skill(const rp_person_t *x, int skill)
{
    for (int i = 0; i < x->nskills; i++)
        if (x->skills[i] == skill)
            return 1;
    return 0;
}

static int c_overridden(const rp_problem_t *pb, int a, int b, int day)
{
    for (int i = 0; i < pb->noverrides; i++) {
        const rp_override_t *o = &pb->overrides[i];
        int pair = (o->a == a && o->b == b) || (o->a == b && o->b == a);
        if (pair && (o->day == -1 || o->day == day))
            return 1;
    }
    return 0;
}

static int c_weekend(const rp_problem_t *pb, int day)
{
    /* 1970-01-01 was a Thursday: (z + 4) mod 7 is 0 on Sundays, 6 on Saturdays */
    long long z = pb->start_day + day;
    int wd = (int)(((z + 4) % 7 + 7) % 7);
    return wd == 0 || wd == 6;
}

static int c_cmp_duty(const void *a, const void *b)
{
    const c_duty_t *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

static void c_push(c_ctx_t *c, c_duty_t d)
{
    if (c->nduties == c->capduties) {
        c->capduties = c->capduties ? c->capduties * 2 : 64;
        c->duties = fc_xrealloc(c->duties, c->capduties * sizeof *c->duties);
    }
    c->duties[c->nduties++] = d;
}

/* Checks one person whose roster entries are idx[0..n). */
static void c_person(c_ctx_t *c, int p, const size_t *idx, size_t n)
{
    const rp_problem_t *pb = c->pb;
    const rp_person_t *x = &pb->people[p];
    const rp_weights_t *w = &pb->weights;
    int D = pb->days, lo = c->lo;
    /* a person's own limits stand in for the rules' */
    rp_rules_t own = pb->rules;
    if (x->max_minutes_day >= 0)
        own.max_minutes_day = x->max_minutes_day;
    if (x->max_minutes_7d >= 0)
        own.max_minutes_7d = x->max_minutes_7d;
    if (x->min_rest_minutes >= 0)
        own.min_rest_minutes = x->min_rest_minutes;
    if (x->max_consecutive_days >= 0)
        own.max_consecutive_days = x->max_consecutive_days;
    const rp_rules_t *ru = &own;
    memset(c->mins, 0, (size_t)c->span * sizeof *c->mins);
    memset(c->worked, 0, (size_t)c->span * sizeof *c->worked);
    memset(c->rostered, 0, (size_t)c->span * sizeof *c->rostered);
    c->nduties = 0;
    for (int i = 0; i < x->nhistory; i++) {
        const rp_past_t *h = &x->history[i];
        int64_t st = (int64_t)h->day * RP_DAY_MIN + h->start_min;
        c_push(c, (c_duty_t){st, st + h->minutes, h->day, -1, h->cycle, h->minutes});
        if (h->day >= lo) {
            c->mins[h->day - lo] += h->minutes;
            c->worked[h->day - lo]++;
        }
    }
    int64_t total = 0;
    int risk = 0;
    for (size_t k = 0; k < n; k++) {
        const rr_assign_t *a = &c->r->a[idx[k]];
        const rp_shift_t *sh = &pb->shifts[a->shift];
        int64_t st = (int64_t)a->day * RP_DAY_MIN + sh->start_min;
        c_push(c, (c_duty_t){st, st + sh->minutes, a->day, a->shift, sh->cycle, sh->minutes});
        c->mins[a->day - lo] += sh->minutes;
        c->worked[a->day - lo]++;
        c->rostered[a->day - lo]++;
        total += sh->minutes;
        risk += sh->risk_class == 1;
        /* who may work it at all */
        if (!x->fit)
            c_add(c, RP_H_UNFIT, p, a->day, a->shift, 0, 0, 0);
        for (int i = 0; i < sh->nrequires; i++)
            if (!c_has_skill(x, sh->requires[i])) {
                c_add(c, RP_H_SKILL, p, a->day, a->shift, sh->requires[i], 0, 0);
                break;
            }
        if (x->day_off && x->day_off[a->day])
            c_add(c, RP_H_DAY_OFF, p, a->day, a->shift, 0, 0, 0);
        for (int i = 0; i < x->nunavailable; i++)
            if (x->unavailable[i].from_min < st + sh->minutes && st < x->unavailable[i].to_min) {
                c_add(c, RP_H_UNAVAILABLE, p, a->day, a->shift, x->unavailable[i].from_min,
                      x->unavailable[i].to_min, 0);
                break;
            }
        /* shifts per type */
        if (x->max_shifts && x->max_shifts[a->shift] >= 0 &&
            ++c->shift_count[a->shift] == x->max_shifts[a->shift] + 1)
            c_add(c, RP_H_MAX_SHIFTS, p, a->day, a->shift, x->max_shifts[a->shift] + 1,
                  x->max_shifts[a->shift], 0);
    }
    if (x->max_shifts)
        for (size_t k = 0; k < n; k++)
            c->shift_count[c->r->a[idx[k]].shift] = 0;
    /* one shift a day, and minutes a day */
    for (int d = 0; d < D; d++) {
        if (c->rostered[d - lo] > 1 || (c->rostered[d - lo] == 1 && c->worked[d - lo] > 1))
            c_add(c, RP_H_SAME_DAY, p, d, -1, c->worked[d - lo], 1, 0);
        if (c->rostered[d - lo] && c->mins[d - lo] > ru->max_minutes_day)
            c_add(c, RP_H_DAY_MINUTES, p, d, -1, c->mins[d - lo], ru->max_minutes_day, 0);
    }
    /* any 7 consecutive days that hold a rostered duty */
    for (int start = -6; start < D; start++) {
        int sum = 0, mine = 0;
        for (int d = start; d < start + 7; d++) {
            if (d < lo || d >= D)
                continue;
            sum += c->mins[d - lo];
            mine |= d >= 0 && c->rostered[d - lo];
        }
        if (mine && sum > ru->max_minutes_7d)
            c_add(c, RP_H_WEEK_MINUTES, p, start + 6 < D ? start + 6 : D - 1, -1, sum,
                  ru->max_minutes_7d, 0);
    }
    /* runs of duty days that hold a rostered duty */
    int maxc = ru->max_consecutive_days;
    for (int d = lo; d < D;) {
        if (!c->worked[d - lo]) {
            d++;
            continue;
        }
        int e = d, mine = 0;
        while (e < D && c->worked[e - lo]) {
            mine |= e >= 0 && c->rostered[e - lo];
            e++;
        }
        if (mine && e - d > maxc)
            c_add(c, RP_H_CONSECUTIVE, p, e - 1, -1, e - d, maxc, 0);
        d = e;
    }
    /* rest: each duty against the latest end of every earlier-starting duty */
    if (c->nduties > 1)
        qsort(c->duties, c->nduties, sizeof *c->duties, c_cmp_duty);
    for (size_t i = 1; i < c->nduties; i++) {
        for (size_t j = 0; j < i; j++) {
            const c_duty_t *a = &c->duties[j], *b = &c->duties[i];
            if (a->shift < 0 && b->shift < 0)
                continue; /* history against history is not the roster's doing */
            if (b->start - a->end < ru->min_rest_minutes &&
                !(a->day == b->day && a->shift >= 0 && b->shift >= 0)) /* same day: same_day */
                c_add(c, RP_H_REST, p, b->day >= 0 ? b->day : a->day,
                      b->shift >= 0 ? b->shift : a->shift, b->start - a->end, ru->min_rest_minutes,
                      0);
        }
    }
    /* successions between rostered shifts of consecutive days */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            const rr_assign_t *a = &c->r->a[idx[i]], *b = &c->r->a[idx[j]];
            if (b->day != a->day + 1)
                continue;
            const rp_shift_t *sa = &pb->shifts[a->shift];
            for (int k = 0; k < sa->ncannot_follow; k++)
                if (sa->cannot_follow[k] == b->shift)
                    c_add(c, RP_H_SUCCESSION, p, b->day, b->shift, a->shift, 0, 0);
        }
    /* rotation cycles: any on + off consecutive days that hold a rostered cycle duty */
    for (int cy = 0; cy < pb->ncycles; cy++) {
        int L = pb->cycles[cy].on_days + pb->cycles[cy].off_days;
        memset(c->cyc, 0, (size_t)c->span * sizeof *c->cyc);
        memset(c->rcyc, 0, (size_t)c->span * sizeof *c->rcyc);
        int any = 0;
        for (size_t i = 0; i < c->nduties; i++)
            if (c->duties[i].cycle == cy && c->duties[i].day >= lo) {
                /* days, not duties: two on one day count once */
                c->cyc[c->duties[i].day - lo] = 1;
                if (c->duties[i].shift >= 0) {
                    c->rcyc[c->duties[i].day - lo] = 1;
                    any = 1;
                }
            }
        if (!any)
            continue;
        for (int start = 1 - L; start < D; start++) {
            int on = 0, mine = 0;
            for (int d = start; d < start + L; d++) {
                if (d < lo || d >= D)
                    continue;
                on += c->cyc[d - lo];
                mine |= c->rcyc[d - lo];
            }
            if (mine && on > pb->cycles[cy].on_days)
                c_add(c, RP_H_CYCLE, p, start + L - 1 < D ? start + L - 1 : D - 1, -1, on,
                      pb->cycles[cy].on_days, 0);
        }
    }
    if (x->max_minutes >= 0 && total > x->max_minutes)
        c_add(c, RP_H_MAX_MINUTES, p, -1, -1, total, x->max_minutes, 0);
    if (x->max_weekends >= 0) {
        int weekends = 0;
        for (int d = 0; d < D; d++) {
            if (!c->rostered[d - lo] || !c_weekend(pb, d))
                continue;
            /* a Sunday whose Saturday was worked belongs to the weekend already counted */
            int sunday = ((pb->start_day + d + 4) % 7 + 7) % 7 == 0;
            if (sunday && d > 0 && c->rostered[d - 1 - lo])
                continue;
            weekends++;
        }
        if (weekends > x->max_weekends)
            c_add(c, RP_H_MAX_WEEKENDS, p, -1, -1, weekends, x->max_weekends, 0);
    }
    /* ---- soft ---- */
    for (int i = 0; i < x->nrequests; i++) {
        const rp_request_t *q = &x->requests[i];
        int works = 0;
        for (size_t k = 0; k < n; k++) {
            const rr_assign_t *a = &c->r->a[idx[k]];
            if (a->day == q->day && (q->shift < 0 || a->shift == q->shift))
                works = 1;
        }
        if (q->on && !works)
            c_add(c, RP_S_REQUEST_ON, p, q->day, q->shift, 0, 1, q->weight);
        if (!q->on && works)
            c_add(c, RP_S_REQUEST_OFF, p, q->day, q->shift, 1, 0, q->weight);
    }
    if (x->min_minutes > total && w->min_minutes_per_minute)
        c_add(c, RP_S_MIN_MINUTES, p, -1, -1, total, x->min_minutes,
              (x->min_minutes - total) * w->min_minutes_per_minute);
    int64_t dev = total - x->target_minutes;
    if (dev && w->fairness_per_minute)
        c_add(c, RP_S_FAIRNESS, p, -1, -1, total, x->target_minutes,
              (dev < 0 ? -dev : dev) * w->fairness_per_minute);
    int rdev = risk - x->target_risk;
    if (rdev && w->risk_fairness)
        c_add(c, RP_S_RISK_FAIRNESS, p, -1, -1, risk, x->target_risk,
              (rdev < 0 ? -rdev : rdev) * w->risk_fairness);
    if (risk && !x->young_cadre && !x->party_member && w->preference)
        c_add(c, RP_S_PREFERENCE, p, -1, -1, risk, 0, risk * w->preference);
    int posts = 0;
    for (size_t k = 0; k < n; k++) {
        int post = pb->shifts[c->r->a[idx[k]].shift].post;
        if (!c->post_seen[post]) {
            c->post_seen[post] = 1;
            posts++;
        }
    }
    for (size_t k = 0; k < n; k++)
        c->post_seen[pb->shifts[c->r->a[idx[k]].shift].post] = 0;
    if (posts && w->continuity)
        c_add(c, RP_S_CONTINUITY, p, -1, -1, posts, 1, posts * w->continuity);
    /* stints and rest periods inside the horizon that end before its last day */
    int prior = 0; /* history days worked in a row up to day -1 */
    for (int d = -1; d >= lo && c->worked[d - lo]; d--)
        prior++;
    int kmin = x->min_consecutive_days, koff = x->min_consecutive_days_off;
    for (int d = 0; d < D;) {
        int on = c->rostered[d - lo] > 0, e = d;
        while (e + 1 < D && (c->rostered[e + 1 - lo] > 0) == on)
            e++;
        int len = e - d + 1;
        if (e < D - 1) {
            if (on && kmin > 1 && w->min_consecutive_days) {
                int full = len + (d == 0 ? prior : 0);
                if (full < kmin)
                    c_add(c, RP_S_MIN_CONSECUTIVE, p, d, -1, full, kmin,
                          (int64_t)(kmin - full) * w->min_consecutive_days);
            }
            if (!on && koff > 1 && w->min_days_off && (d > 0 || prior > 0) && len < koff)
                c_add(c, RP_S_MIN_DAYS_OFF, p, d, -1, len, koff,
                      (int64_t)(koff - len) * w->min_days_off);
        }
        d = e + 1;
    }
}

rotation_check_t *rotation_check_run(const rp_problem_t *pb, const rotation_roster_t *r)
{
    rotation_check_t *out = fc_xcalloc(1, sizeof *out);
    c_ctx_t c;
    memset(&c, 0, sizeof c);
    c.pb = pb;
    c.r = r;
    c.out = out;
    int D = pb->days, S = pb->nshifts, P = pb->npeople;
    /* person arrays reach back to the oldest history day */
    c.lo = -7;
    for (int p = 0; p < P; p++)
        for (int i = 0; i < pb->people[p].nhistory; i++)
            if (pb->people[p].history[i].day < c.lo)
                c.lo = pb->people[p].history[i].day;
    c.span = D - c.lo;
    c.mins = fc_xcalloc((size_t)c.span, sizeof *c.mins);
    c.worked = fc_xcalloc((size_t)c.span, sizeof *c.worked);
    c.rostered = fc_xcalloc((size_t)c.span, sizeof *c.rostered);
    c.cyc = fc_xcalloc((size_t)c.span, sizeof *c.cyc);
    c.rcyc = fc_xcalloc((size_t)c.span, sizeof *c.rcyc);
    c.shift_count = fc_xcalloc((size_t)(S ? S : 1), sizeof *c.shift_count);
    c.post_seen = fc_xcalloc((size_t)(pb->nposts ? pb->nposts : 1), 1);
    /* entries by person (counting sort); bad references reported and left out */
    size_t *start = fc_xcalloc((size_t)P + 2, sizeof *start);
    size_t *idx = fc_xmalloc((r->n ? r->n : 1) * sizeof *idx);
    int *cover = fc_xcalloc((size_t)D * (size_t)(S ? S : 1), sizeof *cover);
    for (size_t i = 0; i < r->n; i++) {
        const rr_assign_t *a = &r->a[i];
        if (a->person < 0 || a->person >= P || a->shift < 0 || a->shift >= S || a->day < 0 ||
            a->day >= D) {
            c_add(&c, RP_H_BAD_REF, a->person, a->day, a->shift, (int64_t)i, 0, 0);
            continue;
        }
        start[a->person + 1]++;
        cover[(size_t)a->day * S + a->shift]++;
    }
    for (int p = 0; p < P; p++)
        start[p + 1] += start[p];
    size_t *fill = fc_xmalloc(((size_t)P + 1) * sizeof *fill);
    memcpy(fill, start, ((size_t)P + 1) * sizeof *fill);
    for (size_t i = 0; i < r->n; i++) {
        const rr_assign_t *a = &r->a[i];
        if (a->person < 0 || a->person >= P || a->shift < 0 || a->shift >= S || a->day < 0 ||
            a->day >= D)
            continue;
        idx[fill[a->person]++] = i;
    }
    for (int p = 0; p < P; p++)
        c_person(&c, p, idx + start[p], start[p + 1] - start[p]);
    /* spouses, each pair once */
    for (int p = 0; p < P; p++) {
        int q = pb->people[p].spouse;
        if (q <= p)
            continue;
        for (size_t i = start[p]; i < start[p + 1]; i++)
            for (size_t j = start[q]; j < start[q + 1]; j++) {
                int d = r->a[idx[i]].day;
                if (r->a[idx[j]].day == d && !c_overridden(pb, p, q, d))
                    c_add(&c, RP_H_SPOUSE, p, d, r->a[idx[i]].shift, q, 0, 0);
            }
    }
    /* cover, and whether every shortfall is reported as uncovered with the right count */
    int *reported = fc_xcalloc((size_t)D * (size_t)(S ? S : 1), sizeof *reported);
    for (size_t i = 0; i < r->nu; i++)
        if (r->u[i].day >= 0 && r->u[i].day < D && r->u[i].shift >= 0 && r->u[i].shift < S)
            reported[(size_t)r->u[i].day * S + r->u[i].shift] += r->u[i].missing;
    for (int d = 0; d < D; d++)
        for (int s = 0; s < S; s++) {
            const rp_cover_t *cv = &pb->cover[(size_t)d * S + s];
            int have = cover[(size_t)d * S + s];
            if (have < cv->requirement)
                c_add(&c, RP_S_UNDER_COVER, -1, d, s, have, cv->requirement,
                      (int64_t)(cv->requirement - have) * cv->under_weight);
            if (have > cv->requirement)
                c_add(&c, RP_S_OVER_COVER, -1, d, s, have, cv->requirement,
                      (int64_t)(have - cv->requirement) * cv->over_weight);
            int short_by = have < cv->requirement ? cv->requirement - have : 0;
            if (reported[(size_t)d * S + s] != short_by)
                c_add(&c, RP_H_UNREPORTED, -1, d, s, short_by, reported[(size_t)d * S + s], 0);
        }
    free(reported);
    free(cover);
    free(fill);
    free(idx);
    free(start);
    free(c.mins);
    free(c.worked);
    free(c.rostered);
    free(c.cyc);
    free(c.rcyc);
    free(c.shift_count);
    free(c.post_seen);
    free(c.duties);
    return out;
}

void rotation_check_destroy(rotation_check_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->v);
    free(*self_p);
    *self_p = NULL;
}

/* rotation_plan: construction + simulated annealing over a person × day matrix, every move
 * checked by s_check (the planner's single statement of the hard rules). */
#include "rotation_plan.h"
#include "fc_clock.h"
#include "fc_mem.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define S_FAR (INT64_MAX / 4)
#define S_SAMPLE 32       /* feasible candidates a construction step compares */
#define S_EJECT_LIMIT 256 /* second-step candidates an ejection chain looks at */

struct rotation_plan {
    const rp_problem_t *pb;
    int P, D, S, H;
    int *a;            /* [p * D + d]: shift, or -1 */
    int *cnt;          /* [d * S + s]: people on it */
    int64_t *pen;      /* per person: soft penalty of the row (cover excluded) */
    int64_t cover_pen; /* sum of every cover entry's penalty */
    int *tot;          /* per person: minutes */
    int *hmin;         /* [p * H + H + day]: minutes worked on history day day (< 0) */
    uint32_t *hcyc;    /* [p * H + H + day]: cycles worked that day, one bit each */
    int64_t *hend;     /* per person: latest end of a history shift, from horizon start */
    int *hrun;         /* per person: consecutive history days worked up to day -1 */
    rp_rules_t *rules; /* per person: the rules that hold for them */
    int **elig;        /* per shift: people with its skills */
    int *nelig;
    int *rcnt;           /* construction: class-I shifts per person */
    int *lastpost;       /* construction: post of the last assignment per person */
    uint32_t *post_mark; /* scratch for counting distinct posts */
    uint32_t post_gen;
    uint64_t rng;
    double temp;
    int64_t construct_ms, search_ms, iterations;
};

#define A(self, p, d) ((self)->a[(size_t)(p) * (self)->D + (d)])
#define CNT(self, d, s) ((self)->cnt[(size_t)(d) * (self)->S + (s)])
#define COVER(self, d, s) (&(self)->pb->cover[(size_t)(d) * (self)->S + (s)])

static uint64_t s_rand(rotation_plan_t *self)
{
    uint64_t x = self->rng; /* xorshift64* */
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    self->rng = x;
    return x * 2685821657736338717ULL;
}

static int s_randn(rotation_plan_t *self, int n)
{
    return n > 0 ? (int)(s_rand(self) % (uint64_t)n) : 0;
}

static double s_rand01(rotation_plan_t *self)
{
    return (double)(s_rand(self) >> 11) / 9007199254740992.0;
}

/* ---- lifecycle and derived data ---- */

/* History arrays of person p from the problem (also after its history changed). */
static void s_load_history(rotation_plan_t *self, int p)
{
    const rp_person_t *x = &self->pb->people[p];
    int H = self->H;
    memset(&self->hmin[(size_t)p * H], 0, (size_t)H * sizeof *self->hmin);
    memset(&self->hcyc[(size_t)p * H], 0, (size_t)H * sizeof *self->hcyc);
    self->hend[p] = -S_FAR;
    uint8_t worked[RP_MAX_DAYS + 1];
    memset(worked, 0, sizeof worked);
    for (int i = 0; i < x->nhistory; i++) {
        const rp_past_t *h = &x->history[i];
        int64_t end = (int64_t)h->day * RP_DAY_MIN + h->start_min + h->minutes;
        if (end > self->hend[p])
            self->hend[p] = end;
        if (-h->day <= RP_MAX_DAYS)
            worked[-h->day] = 1;
        if (h->day >= -H) {
            self->hmin[(size_t)p * H + H + h->day] += h->minutes;
            if (h->cycle >= 0)
                self->hcyc[(size_t)p * H + H + h->day] |= 1u << h->cycle;
        }
    }
    int run = 0;
    while (run < RP_MAX_DAYS && worked[run + 1])
        run++;
    self->hrun[p] = run;
    rp_problem_rules_for(self->pb, p, &self->rules[p]);
}

rotation_plan_t *rotation_plan_new(const rp_problem_t *pb)
{
    rotation_plan_t *self = fc_xcalloc(1, sizeof *self);
    self->pb = pb;
    self->P = pb->npeople;
    self->D = pb->days;
    self->S = pb->nshifts;
    self->H = pb->history_days > 7 ? pb->history_days : 7;
    size_t P = (size_t)(self->P ? self->P : 1), D = (size_t)self->D, S = (size_t)self->S;
    self->a = fc_xmalloc(P * D * sizeof *self->a);
    for (size_t i = 0; i < P * D; i++)
        self->a[i] = -1;
    self->cnt = fc_xcalloc(D * (S ? S : 1), sizeof *self->cnt);
    self->pen = fc_xcalloc(P, sizeof *self->pen);
    self->tot = fc_xcalloc(P, sizeof *self->tot);
    self->hmin = fc_xcalloc(P * (size_t)self->H, sizeof *self->hmin);
    self->hcyc = fc_xcalloc(P * (size_t)self->H, sizeof *self->hcyc);
    self->hend = fc_xcalloc(P, sizeof *self->hend);
    self->hrun = fc_xcalloc(P, sizeof *self->hrun);
    self->rules = fc_xcalloc(P, sizeof *self->rules);
    self->rcnt = fc_xcalloc(P, sizeof *self->rcnt);
    self->lastpost = fc_xmalloc(P * sizeof *self->lastpost);
    self->post_mark = fc_xcalloc((size_t)(pb->nposts ? pb->nposts : 1), sizeof *self->post_mark);
    for (int p = 0; p < self->P; p++) {
        s_load_history(self, p);
        self->lastpost[p] = -1;
    }
    /* who has the skills for each shift type, grouped by skill set to keep this cheap */
    self->elig = fc_xcalloc(S ? S : 1, sizeof *self->elig);
    self->nelig = fc_xcalloc(S ? S : 1, sizeof *self->nelig);
    int *cap = fc_xcalloc(S ? S : 1, sizeof *cap);
    for (int p = 0; p < self->P; p++)
        for (int s = 0; s < self->S; s++) {
            if (!rp_problem_has_skills(pb, p, s))
                continue;
            if (self->nelig[s] == cap[s]) {
                cap[s] = cap[s] ? cap[s] * 2 : 16;
                self->elig[s] = fc_xrealloc(self->elig[s], (size_t)cap[s] * sizeof(int));
            }
            self->elig[s][self->nelig[s]++] = p;
        }
    free(cap);
    self->rng = 0x9E3779B97F4A7C15ULL;
    return self;
}

void rotation_plan_destroy(rotation_plan_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    rotation_plan_t *self = *self_p;
    for (int s = 0; s < self->S; s++)
        free(self->elig[s]);
    free(self->elig);
    free(self->nelig);
    free(self->a);
    free(self->cnt);
    free(self->pen);
    free(self->tot);
    free(self->hmin);
    free(self->hcyc);
    free(self->hend);
    free(self->hrun);
    free(self->rules);
    free(self->rcnt);
    free(self->lastpost);
    free(self->post_mark);
    free(self);
    *self_p = NULL;
}

int rotation_plan_get(const rotation_plan_t *self, int p, int d)
{
    return p >= 0 && p < self->P && d >= 0 && d < self->D ? A(self, p, d) : -1;
}

/* ---- the hard rules ---- */

static int s_minutes_on(const rotation_plan_t *self, int p, int k)
{
    if (k >= self->D)
        return 0;
    if (k >= 0) {
        int s = A(self, p, k);
        return s >= 0 ? self->pb->shifts[s].minutes : 0;
    }
    return k >= -self->H ? self->hmin[(size_t)p * self->H + self->H + k] : 0;
}

static int s_cycle_on(const rotation_plan_t *self, int p, int k, int c)
{
    if (k >= self->D)
        return 0;
    if (k >= 0) {
        int s = A(self, p, k);
        return s >= 0 && self->pb->shifts[s].cycle == c;
    }
    return k >= -self->H && (self->hcyc[(size_t)p * self->H + self->H + k] >> c) & 1u;
}

static int s_in(const int *list, int n, int v)
{
    for (int i = 0; i < n; i++)
        if (list[i] == v)
            return 1;
    return 0;
}

/* Can person p work shift s on day d, whatever p has on day d now (it is replaced)? Returns
 * the first hard rule broken, or -1. With out set, evaluates every rule into out[*nout]. */
static int s_check(const rotation_plan_t *self, int p, int d, int s, rotation_rule_check_t *out,
                   int *nout)
{
    const rp_problem_t *pb = self->pb;
    const rp_person_t *x = &pb->people[p];
    const rp_shift_t *sh = &pb->shifts[s];
    const rp_rules_t *ru = &self->rules[p];
    const int *row = self->a + (size_t)p * self->D;
    int D = self->D, first = -1;
#define S_RULE(rule, bad, v, l)                                                                    \
    do {                                                                                           \
        int bad_ = (bad);                                                                          \
        if (out)                                                                                   \
            out[(*nout)++] = (rotation_rule_check_t){(rule), !bad_, (v), (l)};                     \
        if (bad_ && first < 0)                                                                     \
            first = (rule);                                                                        \
        if (bad_ && !out)                                                                          \
            return (rule);                                                                         \
    } while (0)
    S_RULE(RP_H_UNFIT, !x->fit, x->fit, 1);
    S_RULE(RP_H_SKILL, !rp_problem_has_skills(pb, p, s), 0, 0);
    S_RULE(RP_H_DAY_OFF, x->day_off && x->day_off[d], 0, 0);
    int64_t st = (int64_t)d * RP_DAY_MIN + sh->start_min, en = st + sh->minutes;
    int unav = 0;
    for (int i = 0; i < x->nunavailable && !unav; i++)
        unav = x->unavailable[i].from_min < en && x->unavailable[i].to_min > st;
    S_RULE(RP_H_UNAVAILABLE, unav, 0, 0);
    S_RULE(RP_H_DAY_MINUTES, sh->minutes > ru->max_minutes_day, sh->minutes, ru->max_minutes_day);
    int q = x->spouse;
    int both = q >= 0 && A(self, q, d) >= 0;
    S_RULE(RP_H_SPOUSE, both && !rp_problem_override(pb, p, q, d), both, 0);
    /* rest: shifts are at most 24 h and the minimum rest at most 48 h, so 4 days either side */
    int64_t prev_end = self->hend[p], next_start = S_FAR;
    for (int k = d - 1; k >= 0 && k >= d - 4; k--)
        if (row[k] >= 0) {
            int64_t e =
                (int64_t)k * RP_DAY_MIN + pb->shifts[row[k]].start_min + pb->shifts[row[k]].minutes;
            if (e > prev_end)
                prev_end = e;
        }
    for (int k = d + 1; k < D && k <= d + 4; k++)
        if (row[k] >= 0) {
            int64_t b = (int64_t)k * RP_DAY_MIN + pb->shifts[row[k]].start_min;
            if (b < next_start)
                next_start = b;
        }
    int64_t rest = st - prev_end < next_start - en ? st - prev_end : next_start - en;
    if (rest > 7 * RP_DAY_MIN)
        rest = 7 * RP_DAY_MIN;
    S_RULE(RP_H_REST, rest < ru->min_rest_minutes, rest, ru->min_rest_minutes);
    int succ =
        (d > 0 && row[d - 1] >= 0 &&
         s_in(pb->shifts[row[d - 1]].cannot_follow, pb->shifts[row[d - 1]].ncannot_follow, s)) ||
        (d + 1 < D && row[d + 1] >= 0 && s_in(sh->cannot_follow, sh->ncannot_follow, row[d + 1]));
    S_RULE(RP_H_SUCCESSION, succ, 0, 0);
    int run = 1, k;
    for (k = d - 1; k >= 0 && row[k] >= 0; k--)
        run++;
    if (k < 0)
        run += self->hrun[p];
    for (k = d + 1; k < D && row[k] >= 0; k++)
        run++;
    S_RULE(RP_H_CONSECUTIVE, run > ru->max_consecutive_days, run, ru->max_consecutive_days);
    int m[13], worst = 0;
    for (int j = 0; j < 13; j++)
        m[j] = d - 6 + j == d ? sh->minutes : s_minutes_on(self, p, d - 6 + j);
    for (int w = 0; w < 7; w++) {
        int sum = 0;
        for (int j = w; j < w + 7; j++)
            sum += m[j];
        if (sum > worst)
            worst = sum;
    }
    S_RULE(RP_H_WEEK_MINUTES, worst > ru->max_minutes_7d, worst, ru->max_minutes_7d);
    if (sh->cycle >= 0) {
        const rp_cycle_t *c = &pb->cycles[sh->cycle];
        int L = c->on_days + c->off_days, most = 0;
        int sum = 0; /* sliding window over [w, w + L) for w = d - L + 1 .. d */
        for (int j = d - L + 1; j < d + 1; j++)
            sum += j == d ? 1 : s_cycle_on(self, p, j, sh->cycle);
        most = sum;
        for (int w = d - L + 2; w <= d; w++) {
            sum -= w - 1 == d ? 1 : s_cycle_on(self, p, w - 1, sh->cycle);
            sum += w + L - 1 == d ? 1 : s_cycle_on(self, p, w + L - 1, sh->cycle);
            if (sum > most)
                most = sum;
        }
        S_RULE(RP_H_CYCLE, most > c->on_days, most, c->on_days);
    }
    if (x->max_shifts && x->max_shifts[s] >= 0) {
        int n = 1;
        for (int j = 0; j < D; j++)
            n += j != d && row[j] == s;
        S_RULE(RP_H_MAX_SHIFTS, n > x->max_shifts[s], n, x->max_shifts[s]);
    }
    if (x->max_minutes >= 0) {
        int t = self->tot[p] - (row[d] >= 0 ? pb->shifts[row[d]].minutes : 0) + sh->minutes;
        S_RULE(RP_H_MAX_MINUTES, t > x->max_minutes, t, x->max_minutes);
    }
    if (x->max_weekends >= 0 && rp_problem_is_weekend(pb, d)) {
        int n = 0;
        int64_t last = INT64_MIN;
        for (int j = 0; j < D; j++)
            if ((j == d || row[j] >= 0) && rp_problem_is_weekend(pb, j)) {
                int64_t key = rp_problem_weekend_key(pb, j);
                n += key != last;
                last = key;
            }
        S_RULE(RP_H_MAX_WEEKENDS, n > x->max_weekends, n, x->max_weekends);
    }
#undef S_RULE
    return first;
}

/* ---- the soft rules ---- */

static int64_t s_cover_pen(const rp_cover_t *c, int n)
{
    return n < c->requirement ? (int64_t)(c->requirement - n) * c->under_weight
                              : (int64_t)(n - c->requirement) * c->over_weight;
}

/* The soft penalty of person p's row; by (RP_NRULES entries) accumulates it by rule. */
static int64_t s_pen(rotation_plan_t *self, int p, int64_t *by)
{
    const rp_problem_t *pb = self->pb;
    const rp_person_t *x = &pb->people[p];
    const rp_weights_t *w = &pb->weights;
    const int *row = self->a + (size_t)p * self->D;
    int D = self->D;
    int64_t total = 0, m = 0;
    int risk = 0, posts = 0;
#define S_ADD(rule, v)                                                                             \
    do {                                                                                           \
        int64_t v_ = (v);                                                                          \
        total += v_;                                                                               \
        if (by)                                                                                    \
            by[rule] += v_;                                                                        \
    } while (0)
    if (++self->post_gen == 0) {
        memset(self->post_mark, 0, (size_t)(pb->nposts ? pb->nposts : 1) * sizeof(uint32_t));
        self->post_gen = 1;
    }
    for (int d = 0; d < D; d++) {
        int s = row[d];
        if (s < 0)
            continue;
        const rp_shift_t *sh = &pb->shifts[s];
        m += sh->minutes;
        risk += sh->risk_class == 1;
        if (self->post_mark[sh->post] != self->post_gen) {
            self->post_mark[sh->post] = self->post_gen;
            posts++;
        }
    }
    S_ADD(RP_S_FAIRNESS, w->fairness_per_minute * llabs(m - x->target_minutes));
    S_ADD(RP_S_RISK_FAIRNESS, w->risk_fairness * abs(risk - x->target_risk));
    if (!x->young_cadre && !x->party_member)
        S_ADD(RP_S_PREFERENCE, w->preference * risk);
    S_ADD(RP_S_CONTINUITY, w->continuity * posts);
    if (x->min_minutes > m)
        S_ADD(RP_S_MIN_MINUTES, w->min_minutes_per_minute * (x->min_minutes - m));
    for (int i = 0; i < x->nrequests; i++) {
        const rp_request_t *r = &x->requests[i];
        int s = row[r->day];
        int works = r->shift >= 0 ? s == r->shift : s >= 0;
        if (r->on && !works)
            S_ADD(RP_S_REQUEST_ON, r->weight);
        else if (!r->on && works)
            S_ADD(RP_S_REQUEST_OFF, r->weight);
    }
    int kmin = x->min_consecutive_days, koff = x->min_consecutive_days_off;
    if ((kmin > 1 && w->min_consecutive_days) || (koff > 1 && w->min_days_off)) {
        /* stints and rest periods that end before the last day (those may continue) */
        for (int d = 0; d < D - 1;) {
            int on = row[d] >= 0, e = d;
            while (e + 1 < D && (row[e + 1] >= 0) == on)
                e++;
            if (e < D - 1) {
                int len = e - d + 1;
                if (on) {
                    if (d == 0)
                        len += self->hrun[p];
                    if (kmin > 1 && len < kmin)
                        S_ADD(RP_S_MIN_CONSECUTIVE, w->min_consecutive_days * (kmin - len));
                } else if (koff > 1 && len < koff && (d > 0 || self->hrun[p] > 0)) {
                    S_ADD(RP_S_MIN_DAYS_OFF, w->min_days_off * (koff - len));
                }
            }
            d = e + 1;
        }
    }
#undef S_ADD
    return total;
}

/* Sets person p's day d to s (-1: off), keeping counts, minutes and the cover penalty. */
static void s_set(rotation_plan_t *self, int p, int d, int s)
{
    int old = A(self, p, d);
    if (old == s)
        return;
    const rp_problem_t *pb = self->pb;
    if (old >= 0) {
        int n = CNT(self, d, old);
        self->cover_pen +=
            s_cover_pen(COVER(self, d, old), n - 1) - s_cover_pen(COVER(self, d, old), n);
        CNT(self, d, old) = n - 1;
        self->tot[p] -= pb->shifts[old].minutes;
    }
    if (s >= 0) {
        int n = CNT(self, d, s);
        self->cover_pen +=
            s_cover_pen(COVER(self, d, s), n + 1) - s_cover_pen(COVER(self, d, s), n);
        CNT(self, d, s) = n + 1;
        self->tot[p] += pb->shifts[s].minutes;
    }
    A(self, p, d) = s;
}

static void s_recompute(rotation_plan_t *self)
{
    self->cover_pen = 0;
    for (int d = 0; d < self->D; d++)
        for (int s = 0; s < self->S; s++)
            self->cover_pen += s_cover_pen(COVER(self, d, s), CNT(self, d, s));
    for (int p = 0; p < self->P; p++)
        self->pen[p] = s_pen(self, p, NULL);
}

int64_t rotation_plan_penalty(rotation_plan_t *self, int64_t *by_rule)
{
    int64_t total = 0;
    if (by_rule)
        memset(by_rule, 0, RP_NRULES * sizeof *by_rule);
    for (int p = 0; p < self->P; p++)
        total += s_pen(self, p, by_rule);
    for (int d = 0; d < self->D; d++)
        for (int s = 0; s < self->S; s++) {
            const rp_cover_t *c = COVER(self, d, s);
            int n = CNT(self, d, s);
            int64_t v = s_cover_pen(c, n);
            total += v;
            if (by_rule)
                by_rule[n < c->requirement ? RP_S_UNDER_COVER : RP_S_OVER_COVER] += v;
        }
    return total;
}

/* ---- construction ---- */

/* A cheap estimate of what adding (p, d, s) costs, for construction only. */
static int64_t s_greedy(const rotation_plan_t *self, int p, int d, int s)
{
    const rp_problem_t *pb = self->pb;
    const rp_person_t *x = &pb->people[p];
    const rp_shift_t *sh = &pb->shifts[s];
    const rp_weights_t *w = &pb->weights;
    int64_t m = self->tot[p], t = x->target_minutes;
    int64_t sc = w->fairness_per_minute * (llabs(m + sh->minutes - t) - llabs(m - t));
    if (sh->risk_class == 1) {
        int r = self->rcnt[p];
        sc += w->risk_fairness * (abs(r + 1 - x->target_risk) - abs(r - x->target_risk));
        if (!x->young_cadre && !x->party_member)
            sc += w->preference;
    }
    if (self->lastpost[p] != sh->post)
        sc += w->continuity;
    for (int i = 0; i < x->nrequests; i++) {
        const rp_request_t *r = &x->requests[i];
        if (r->day != d)
            continue;
        int match = r->shift < 0 || r->shift == s;
        sc += r->on ? (match ? -r->weight : 0) : (match ? r->weight : 0);
    }
    return sc;
}

static int s_cmp_key(const void *a, const void *b, void *keys)
{
    double x = ((double *)keys)[*(const int *)a], y = ((double *)keys)[*(const int *)b];
    if (x != y)
        return x < y ? -1 : 1;
    return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

static void s_construct(rotation_plan_t *self, int64_t deadline_ms)
{
    int S = self->S;
    int *order = fc_xmalloc((size_t)(S ? S : 1) * sizeof *order);
    double *key = fc_xmalloc((size_t)(S ? S : 1) * sizeof *key);
    for (int d = 0; d < self->D; d++) {
        int n = 0;
        for (int s = 0; s < S; s++) {
            int req = COVER(self, d, s)->requirement;
            if (req <= 0)
                continue;
            /* scarcest first: fewest candidates per person needed; class I before class II */
            key[s] = (double)self->nelig[s] / req - (self->pb->shifts[s].risk_class == 1 ? 0.5 : 0);
            order[n++] = s;
        }
        if (n > 1)
            qsort_r(order, (size_t)n, sizeof *order, s_cmp_key, key);
        for (int i = 0; i < n; i++) {
            int s = order[i], ne = self->nelig[s];
            while (CNT(self, d, s) < COVER(self, d, s)->requirement) {
                int best = -1, found = 0, off = s_randn(self, ne);
                int64_t best_sc = 0;
                for (int j = 0; j < ne && found < S_SAMPLE; j++) {
                    int q = self->elig[s][(off + j) % ne];
                    if (A(self, q, d) >= 0 || s_check(self, q, d, s, NULL, NULL) >= 0)
                        continue;
                    int64_t sc = s_greedy(self, q, d, s);
                    if (best < 0 || sc < best_sc) {
                        best = q;
                        best_sc = sc;
                    }
                    found++;
                }
                if (best < 0)
                    break;
                s_set(self, best, d, s);
                self->rcnt[best] += self->pb->shifts[s].risk_class == 1;
                self->lastpost[best] = self->pb->shifts[s].post;
            }
        }
        if (deadline_ms && fc_clock_mono_ms() > deadline_ms)
            break; /* the rest of the horizon stays uncovered and is reported */
    }
    free(order);
    free(key);
}

/* ---- filling an uncovered shift ---- */

typedef struct {
    int to, via, via_shift;
    int64_t delta;
    int candidates, feasible;
    int blocked[RP_NHARD];
} s_fill_t;

/* Finds the cheapest way to put one more person on (d, s): directly, or by moving someone
 * from another shift that day whose place a free person takes. Counts what blocked the rest.
 * Applies it if apply and the change is below max_delta. 1 if it found one. */
static int s_fill(rotation_plan_t *self, int d, int s, int64_t max_delta, int apply, s_fill_t *f)
{
    memset(f, 0, sizeof *f);
    f->to = f->via = f->via_shift = -1;
    int ne = self->nelig[s];
    const rp_cover_t *c = COVER(self, d, s);
    int n = CNT(self, d, s);
    int64_t dcover = s_cover_pen(c, n + 1) - s_cover_pen(c, n);
    int64_t best = S_FAR;
    for (int j = 0; j < ne; j++) {
        int q = self->elig[s][j];
        int cur = A(self, q, d);
        if (cur == s)
            continue; /* already on it */
        f->candidates++;
        if (cur >= 0) {
            f->blocked[RP_H_SAME_DAY]++;
            continue;
        }
        int rule = s_check(self, q, d, s, NULL, NULL);
        if (rule >= 0) {
            f->blocked[rule]++;
            continue;
        }
        f->feasible++;
        s_set(self, q, d, s);
        int64_t delta = s_pen(self, q, NULL) - self->pen[q] + dcover;
        s_set(self, q, d, -1);
        if (delta < best) {
            best = delta;
            f->to = q;
        }
    }
    if (f->to < 0) {
        /* a two-step chain: q leaves s2 for s, a free r takes s2 (s2's count is unchanged) */
        int tried = 0;
        for (int j = 0; j < ne && tried < S_EJECT_LIMIT; j++) {
            int q = self->elig[s][j], s2 = A(self, q, d);
            if (s2 < 0 || s2 == s)
                continue;
            s_set(self, q, d, s);
            if (s_check(self, q, d, s, NULL, NULL) < 0) {
                int64_t dq = s_pen(self, q, NULL) - self->pen[q];
                int n2 = self->nelig[s2];
                for (int i = 0; i < n2 && tried < S_EJECT_LIMIT; i++) {
                    int r = self->elig[s2][i];
                    if (r == q || A(self, r, d) >= 0)
                        continue;
                    tried++;
                    s_set(self, r, d, s2);
                    /* q again too: r may be q's spouse */
                    if (s_check(self, r, d, s2, NULL, NULL) < 0 &&
                        s_check(self, q, d, s, NULL, NULL) < 0) {
                        int64_t delta = dq + s_pen(self, r, NULL) - self->pen[r] + dcover;
                        if (delta < best) {
                            best = delta;
                            f->to = q;
                            f->via = r;
                            f->via_shift = s2;
                        }
                    }
                    s_set(self, r, d, -1);
                }
            }
            s_set(self, q, d, s2);
        }
    }
    if (f->to < 0)
        return 0;
    f->delta = best;
    if (apply && best < max_delta) {
        if (f->via >= 0) {
            s_set(self, f->to, d, s);
            s_set(self, f->via, d, f->via_shift);
            self->pen[f->via] = s_pen(self, f->via, NULL);
        } else {
            s_set(self, f->to, d, s);
        }
        self->pen[f->to] = s_pen(self, f->to, NULL);
    }
    return 1;
}

/* Fills every uncovered shift it can at a gain. Returns how many places it filled. */
static int s_repair(rotation_plan_t *self)
{
    int filled = 0;
    for (int d = 0; d < self->D; d++)
        for (int s = 0; s < self->S; s++)
            while (CNT(self, d, s) < COVER(self, d, s)->requirement) {
                s_fill_t f;
                int64_t before = self->cover_pen;
                if (!s_fill(self, d, s, 0, 1, &f) || f.delta >= 0 || self->cover_pen == before)
                    break;
                filled++;
            }
    return filled;
}

/* ---- local search ---- */

static int s_accept(rotation_plan_t *self, int64_t delta)
{
    if (delta <= 0)
        return 1;
    if (self->temp <= 0)
        return 0;
    return s_rand01(self) < exp(-(double)delta / self->temp);
}

/* Swaps persons p and q over days [d, e) if every hard rule still holds and the annealing
 * accepts the change. probe: returns the delta and always undoes. */
static int s_move_swap(rotation_plan_t *self, int p, int q, int d, int e, int64_t *delta_out)
{
    int saved_p[8], saved_q[8];
    int changed = 0;
    for (int k = d; k < e; k++) {
        saved_p[k - d] = A(self, p, k);
        saved_q[k - d] = A(self, q, k);
        changed |= saved_p[k - d] != saved_q[k - d];
    }
    if (!changed)
        return 0;
    /* quick skill screen before touching anything */
    for (int k = d; k < e; k++) {
        if (saved_q[k - d] >= 0 && !rp_problem_has_skills(self->pb, p, saved_q[k - d]))
            return 0;
        if (saved_p[k - d] >= 0 && !rp_problem_has_skills(self->pb, q, saved_p[k - d]))
            return 0;
    }
    for (int k = d; k < e; k++) {
        s_set(self, p, k, -1);
        s_set(self, q, k, -1);
    }
    for (int k = d; k < e; k++) {
        s_set(self, p, k, saved_q[k - d]);
        s_set(self, q, k, saved_p[k - d]);
    }
    int ok = 1;
    for (int k = d; k < e && ok; k++) {
        if (A(self, p, k) >= 0 && s_check(self, p, k, A(self, p, k), NULL, NULL) >= 0)
            ok = 0;
        else if (A(self, q, k) >= 0 && s_check(self, q, k, A(self, q, k), NULL, NULL) >= 0)
            ok = 0;
    }
    int64_t np = 0, nq = 0;
    if (ok) {
        np = s_pen(self, p, NULL);
        nq = s_pen(self, q, NULL);
        int64_t delta = np + nq - self->pen[p] - self->pen[q];
        if (delta_out)
            *delta_out = delta;
        ok = s_accept(self, delta);
    }
    if (!ok) {
        for (int k = d; k < e; k++) {
            s_set(self, p, k, -1);
            s_set(self, q, k, -1);
        }
        for (int k = d; k < e; k++) {
            s_set(self, p, k, saved_p[k - d]);
            s_set(self, q, k, saved_q[k - d]);
        }
        return 0;
    }
    self->pen[p] = np;
    self->pen[q] = nq;
    return 1;
}

/* Sets p's day d to s (add, remove or change shift) if the rules hold and it is accepted. */
static int s_move_set(rotation_plan_t *self, int p, int d, int s)
{
    int old = A(self, p, d);
    if (old == s || (s >= 0 && !rp_problem_has_skills(self->pb, p, s)))
        return 0;
    int64_t cover0 = self->cover_pen;
    s_set(self, p, d, s);
    if (s >= 0 && s_check(self, p, d, s, NULL, NULL) >= 0) {
        s_set(self, p, d, old);
        return 0;
    }
    int64_t np = s_pen(self, p, NULL);
    int64_t delta = np - self->pen[p] + self->cover_pen - cover0;
    if (!s_accept(self, delta)) {
        s_set(self, p, d, old);
        return 0;
    }
    self->pen[p] = np;
    return 1;
}

static int64_t s_total(const rotation_plan_t *self)
{
    int64_t t = self->cover_pen;
    for (int p = 0; p < self->P; p++)
        t += self->pen[p];
    return t;
}

/* One random move: a swap of one day or a block of days between two people who share a skill;
 * on small problems also adding, removing or changing one shift. probe gets a swap's delta
 * (accepted or not), for estimating the starting temperature. */
static void s_step(rotation_plan_t *self, int small, int64_t *probe)
{
    int p = s_randn(self, self->P), d = s_randn(self, self->D);
    int s = A(self, p, d);
    double r = s_rand01(self);
    double p_day = small ? 0.30 : 0.55, p_block = small ? 0.55 : 0.95;
    if (r < p_block) {
        int len = r < p_day ? 1 : 2 + s_randn(self, 6);
        int e = d + len > self->D ? self->D : d + len;
        int anchor = s;
        for (int k = d; anchor < 0 && k < e; k++)
            anchor = A(self, p, k);
        if (anchor < 0 || self->nelig[anchor] < 2)
            return;
        int q = self->elig[anchor][s_randn(self, self->nelig[anchor])];
        if (r < p_day * 0.5) {
            /* half the one-day swaps go to the least loaded of three candidates */
            for (int k = 0; k < 2; k++) {
                int q2 = self->elig[anchor][s_randn(self, self->nelig[anchor])];
                if (self->tot[q2] - self->pb->people[q2].target_minutes <
                    self->tot[q] - self->pb->people[q].target_minutes)
                    q = q2;
            }
        }
        if (q != p)
            s_move_swap(self, p, q, d, e, probe);
        return;
    }
    if (!small) {
        if (s >= 0)
            s_move_set(self, p, d, -1);
        return;
    }
    if (r < 0.75 || s < 0)
        s_move_set(self, p, d, s_randn(self, self->S)); /* change shift type, or add one */
    else
        s_move_set(self, p, d, -1);
}

static void s_search(rotation_plan_t *self, const rotation_plan_opts_t *opts, int64_t t0_ms)
{
    int64_t need = 0;
    for (int d = 0; d < self->D; d++)
        for (int s = 0; s < self->S; s++)
            need += COVER(self, d, s)->requirement;
    if (self->P < 2 || need == 0)
        return;
    double effort = opts->effort > 0 ? opts->effort : 60;
    int64_t round_iters = (int64_t)(effort * (double)need);
    if (round_iters < (int64_t)(effort * 4000))
        round_iters = (int64_t)(effort * 4000); /* small problems: at least 240k moves a round */
    int64_t deadline = t0_ms + (int64_t)(opts->time_limit_s * 1000);
    int small = self->S <= 64;
    /* temperature: a fraction of the typical worsening swap, sampled greedily first */
    self->temp = 0;
    double sum = 0;
    int nsum = 0, steps = 0;
    int64_t sample_t0 = fc_clock_mono_ms();
    for (int i = 0; i < 20000 && nsum < 500; i++, steps++) {
        int64_t delta = 0;
        s_step(self, small, &delta);
        if (delta > 0) {
            sum += (double)delta;
            nsum++;
        }
    }
    double t_start = nsum ? 0.3 * sum / nsum : 1.0;
    /* few iterations per assignment in the time given (large problems): anneal colder */
    double rate = (double)steps / (double)(fc_clock_mono_ms() - sample_t0 + 1);
    double per_assign = rate * (double)(deadline - fc_clock_mono_ms()) / (double)need;
    if (per_assign < 200)
        t_start *= per_assign > 20 ? per_assign / 200 : 0.1;
    size_t cells = (size_t)self->P * self->D;
    int *best = fc_xmalloc(cells * sizeof *best);
    s_repair(self);
    int64_t best_pen = s_total(self);
    memcpy(best, self->a, cells * sizeof *best);
    /* Rounds of annealing, each from the best roster so far. When rounds are cheap next to
     * the time limit (small problems) each round is twice as long as the one before and
     * reheats, up to seven rounds, until three in a row gain nothing or the time is up;
     * otherwise each
     * round is colder, until two rounds gain less than 0.1 % or the time is up. Without the
     * time cap the result depends only on the problem and the seed. */
    int64_t affordable = (int64_t)(rate * (double)(deadline - fc_clock_mono_ms()));
    int restarts = affordable > 8 * round_iters;
    int stale = 0, max_stale = restarts ? 3 : 2;
    int64_t iters = round_iters;
    int max_rounds = restarts ? 7 : 64; /* restarts: 127 times the first round's length */
    for (int round = 0; round < max_rounds && stale < max_stale; round++) {
        double t_hi = restarts ? t_start / (1 + round % 3)
                               : t_start / (double)(1 << (round < 20 ? round : 20));
        double t_lo = t_start * 1e-3;
        if (restarts && round > 0 && iters < INT64_MAX / 4)
            iters *= 2;
        round_iters = iters;
        int out_of_time = 0;
        for (int64_t it = 0; it < round_iters; it++) {
            if ((it & 4095) == 0) {
                if (fc_clock_mono_ms() > deadline) {
                    out_of_time = 1;
                    break;
                }
                double frac = (double)it / (double)round_iters;
                self->temp = t_hi * pow(t_lo / t_hi, frac);
            }
            s_step(self, small, NULL);
            self->iterations++;
        }
        self->temp = 0;
        s_repair(self);
        int64_t pen = s_total(self);
        if (pen < best_pen) {
            stale = restarts || best_pen - pen > best_pen / 1000 ? 0 : stale + 1;
            best_pen = pen;
            memcpy(best, self->a, cells * sizeof *best);
        } else {
            stale++;
            if (pen > best_pen) {
                for (int p = 0; p < self->P; p++)
                    for (int d = 0; d < self->D; d++)
                        s_set(self, p, d, best[(size_t)p * self->D + d]);
                s_recompute(self);
            }
        }
        if (out_of_time)
            break;
    }
    for (int p = 0; p < self->P; p++)
        for (int d = 0; d < self->D; d++)
            s_set(self, p, d, best[(size_t)p * self->D + d]);
    s_recompute(self);
    free(best);
}

int rotation_plan_solve(rotation_plan_t *self, const rotation_plan_opts_t *opts, fc_err_t *err)
{
    (void)err;
    rotation_plan_opts_t o = opts ? *opts : (rotation_plan_opts_t){0, 1, 0};
    self->rng = 0x9E3779B97F4A7C15ULL ^ (o.seed * 0xBF58476D1CE4E5B9ULL);
    if (!self->rng)
        self->rng = 1;
    for (size_t i = 0; i < (size_t)self->P * self->D; i++)
        self->a[i] = -1;
    memset(self->cnt, 0, (size_t)self->D * (size_t)(self->S ? self->S : 1) * sizeof *self->cnt);
    memset(self->tot, 0, (size_t)(self->P ? self->P : 1) * sizeof *self->tot);
    self->iterations = 0;
    int64_t t0 = fc_clock_mono_ms();
    s_construct(self, o.time_limit_s > 0 ? t0 + (int64_t)(o.time_limit_s * 1000) : 0);
    s_recompute(self);
    self->construct_ms = fc_clock_mono_ms() - t0;
    if (o.time_limit_s > 0) {
        s_search(self, &o, t0);
    } else {
        s_repair(self);
    }
    self->search_ms = fc_clock_mono_ms() - t0 - self->construct_ms;
    return FC_OK;
}

int rotation_plan_load(rotation_plan_t *self, const rotation_roster_t *r, fc_err_t *err)
{
    for (size_t i = 0; i < (size_t)self->P * self->D; i++)
        self->a[i] = -1;
    memset(self->cnt, 0, (size_t)self->D * (size_t)(self->S ? self->S : 1) * sizeof *self->cnt);
    memset(self->tot, 0, (size_t)(self->P ? self->P : 1) * sizeof *self->tot);
    for (size_t i = 0; i < r->n; i++) {
        const rr_assign_t *x = &r->a[i];
        if (x->person < 0 || x->person >= self->P || x->day < 0 || x->day >= self->D ||
            x->shift < 0 || x->shift >= self->S)
            return fc_err_set(err, FC_EINVAL, "assignments",
                              "第 %zu 条排班指向未知的人员、日期或班次", i);
        if (A(self, x->person, x->day) >= 0)
            return fc_err_set(err, FC_EINVAL, "assignments", "人员“%s”第 %d 天有两个班次",
                              self->pb->people[x->person].id, x->day);
        s_set(self, x->person, x->day, x->shift);
    }
    s_recompute(self);
    return FC_OK;
}

/* ---- results ---- */

rotation_roster_t *rotation_plan_roster(rotation_plan_t *self)
{
    rotation_roster_t *r = rotation_roster_new();
    for (int p = 0; p < self->P; p++)
        for (int d = 0; d < self->D; d++)
            if (A(self, p, d) >= 0)
                rotation_roster_add(r, p, d, A(self, p, d));
    for (int d = 0; d < self->D; d++)
        for (int s = 0; s < self->S; s++) {
            int missing = COVER(self, d, s)->requirement - CNT(self, d, s);
            if (missing <= 0)
                continue;
            s_fill_t f;
            int possible = s_fill(self, d, s, 0, 0, &f);
            rr_uncovered_t u;
            memset(&u, 0, sizeof u);
            u.day = d;
            u.shift = s;
            u.missing = missing;
            u.candidates = f.candidates;
            memcpy(u.blocked, f.blocked, sizeof u.blocked);
            u.reason = RR_NO_CANDIDATE;
            if (possible) {
                u.reason = RR_SOFT_TRADEOFF;
            } else {
                /* the rule that blocked most of those free that day; "busy" only if all were */
                int most = 0;
                for (int k = 0; k < RP_NHARD; k++)
                    if (k != RP_H_SAME_DAY && f.blocked[k] > most) {
                        most = f.blocked[k];
                        u.reason = k;
                    }
                if (!most && f.blocked[RP_H_SAME_DAY])
                    u.reason = RP_H_SAME_DAY;
            }
            rotation_roster_add_uncovered(r, &u);
        }
    r->penalty = rotation_plan_penalty(self, r->by_rule);
    r->construct_ms = self->construct_ms;
    r->search_ms = self->search_ms;
    r->iterations = self->iterations;
    return r;
}

/* ---- replacement ---- */

int rotation_plan_replace(rotation_plan_t *self, int p, rotation_change_t **changes_out,
                          size_t *n_out)
{
    size_t n = 0, cap = 8;
    rotation_change_t *ch = fc_xmalloc(cap * sizeof *ch);
    s_load_history(self, p);
    for (int d = 0; d < self->D; d++) {
        int s = A(self, p, d);
        if (s < 0 || s_check(self, p, d, s, NULL, NULL) < 0)
            continue;
        s_set(self, p, d, -1);
        self->pen[p] = s_pen(self, p, NULL);
        s_fill_t f;
        int found = s_fill(self, d, s, S_FAR, 1, &f);
        if (n == cap) {
            cap *= 2;
            ch = fc_xrealloc(ch, cap * sizeof *ch);
        }
        rotation_change_t *c = &ch[n++];
        memset(c, 0, sizeof *c);
        c->day = d;
        c->shift = s;
        c->from = p;
        c->to = found ? f.to : -1;
        c->via = found ? f.via : -1;
        c->via_shift = found ? f.via_shift : -1;
        c->delta = found ? f.delta : 0;
        c->candidates = f.candidates;
        c->feasible = f.feasible;
        memcpy(c->blocked, f.blocked, sizeof c->blocked);
    }
    *changes_out = ch;
    *n_out = n;
    return FC_OK;
}

/* ---- explanation ---- */

static void s_explain_shift(rotation_plan_t *self, int p, int d, int s, rotation_option_t *o)
{
    memset(o, 0, sizeof *o);
    o->shift = s;
    o->held = A(self, p, d) == s;
    o->holders = CNT(self, d, s);
    o->requirement = COVER(self, d, s)->requirement;
    int first = s_check(self, p, d, s, o->checks, &o->nchecks);
    o->feasible = first < 0;
    int old = A(self, p, d);
    int64_t pen0 = s_total(self);
    if (o->held) {
        s_set(self, p, d, -1);
        self->pen[p] = s_pen(self, p, NULL);
        o->delta = s_total(self) - pen0;
        /* who else could stand in, and at what change compared with keeping p */
        for (int j = 0; j < self->nelig[s]; j++) {
            int q = self->elig[s][j];
            if (q == p || A(self, q, d) == s)
                continue;
            o->others++;
            if (A(self, q, d) >= 0) {
                o->others_blocked[RP_H_SAME_DAY]++;
                continue;
            }
            int rule = s_check(self, q, d, s, NULL, NULL);
            if (rule >= 0) {
                o->others_blocked[rule]++;
                continue;
            }
            o->others_feasible++;
            /* the total with q in p's place, minus the total with p */
            s_set(self, q, d, s);
            int64_t delta = s_total(self) - self->pen[q] + s_pen(self, q, NULL) - pen0;
            s_set(self, q, d, -1);
            int slot = o->nalt;
            if (slot < 3)
                o->nalt++;
            else if (delta < o->alt_delta[2])
                slot = 2;
            else
                continue;
            o->alt[slot] = q;
            o->alt_delta[slot] = delta;
            for (int k = slot; k > 0 && o->alt_delta[k] < o->alt_delta[k - 1]; k--) {
                int tq = o->alt[k];
                int64_t td = o->alt_delta[k];
                o->alt[k] = o->alt[k - 1];
                o->alt_delta[k] = o->alt_delta[k - 1];
                o->alt[k - 1] = tq;
                o->alt_delta[k - 1] = td;
            }
        }
        s_set(self, p, d, s);
        self->pen[p] = s_pen(self, p, NULL);
        return;
    }
    if (!o->feasible)
        return;
    /* taking it (in place of p's own shift that day, if any) */
    s_set(self, p, d, s);
    int64_t pp = self->pen[p];
    self->pen[p] = s_pen(self, p, NULL);
    o->delta = s_total(self) - pen0;
    /* in place of each holder */
    for (int j = 0; j < self->nelig[s] && o->nalt < 3; j++) {
        int h = self->elig[s][j];
        if (h == p || A(self, h, d) != s)
            continue;
        int64_t ph = self->pen[h];
        s_set(self, h, d, -1);
        self->pen[h] = s_pen(self, h, NULL);
        int still = s_check(self, p, d, s, NULL, NULL) < 0;
        o->alt[o->nalt] = h;
        o->alt_delta[o->nalt] = still ? s_total(self) - pen0 : S_FAR;
        o->nalt++;
        s_set(self, h, d, s);
        self->pen[h] = ph;
    }
    s_set(self, p, d, old);
    self->pen[p] = pp;
}

int rotation_plan_explain(rotation_plan_t *self, int p, int d, rotation_explain_t *out,
                          fc_err_t *err)
{
    if (p < 0 || p >= self->P || d < 0 || d >= self->D)
        return fc_err_set(err, FC_EINVAL, "employee_no", "人员或日期不在这份排班中");
    memset(out, 0, sizeof *out);
    out->person = p;
    out->day = d;
    out->assigned = A(self, p, d);
    s_pen(self, p, out->soft);
    out->minutes = self->tot[p];
    for (int k = 0; k < self->D; k++)
        out->risk_shifts += A(self, p, k) >= 0 && self->pb->shifts[A(self, p, k)].risk_class == 1;
    if (out->assigned >= 0)
        s_explain_shift(self, p, d, out->assigned, &out->opt[out->nopt++]);
    /* then the other shifts that day p has the skills for and that need people */
    for (int s = 0; s < self->S && out->nopt < ROTATION_EXPLAIN_MAX; s++) {
        if (s == out->assigned || COVER(self, d, s)->requirement <= 0 ||
            !rp_problem_has_skills(self->pb, p, s))
            continue;
        s_explain_shift(self, p, d, s, &out->opt[out->nopt++]);
    }
    return FC_OK;
}

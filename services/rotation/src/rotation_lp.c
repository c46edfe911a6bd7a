/* rotation_lp: the MIP model. x<p>_<d>_<s> = 1 when person p works shift s on day d; a
 * variable exists only where nothing about p, d and s alone forbids it (fitness, skills, days
 * off, unavailability, the daily limit, rest after history); everything else is a row. */
#include "rotation_lp.h"
#include "fc_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const rp_problem_t *pb;
    FILE *f;
    int terms; /* terms on the current line, to wrap long rows */
    int row;
    uint8_t *allowed; /* [(p * D + d) * S + s] */
    int *hmin;        /* [p * (H) + H + day]: history minutes */
    uint8_t *hcyc;    /* [(p * H + H + day) * C + c] */
    int *hrun;
    int64_t *hend;
    int H;
} s_lp_t;

#define X_OK(l, p, d, s)                                                                           \
    ((l)->allowed[((size_t)(p) * (l)->pb->days + (size_t)(d)) * (size_t)(l)->pb->nshifts +         \
                  (size_t)(s)])

static void s_term(s_lp_t *l, long long coef, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes " + coef name" (or " - ..."), wrapping lines. */
static void s_term(s_lp_t *l, long long coef, const char *fmt, ...)
{
    if (coef == 0)
        return;
    fprintf(l->f, " %c ", coef < 0 ? '-' : '+');
    if (coef != 1 && coef != -1)
        fprintf(l->f, "%lld ", coef < 0 ? -coef : coef);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(l->f, fmt, ap);
    va_end(ap);
    if (++l->terms % 8 == 0)
        fputs("\n   ", l->f);
}

static void s_row_begin(s_lp_t *l)
{
    fprintf(l->f, " r%d:", ++l->row);
    l->terms = 0;
}

static void s_row_end(s_lp_t *l, const char *sense, long long rhs)
{
    if (l->terms == 0)
        fputs(" 0 x_zero", l->f); /* an empty row still needs a term */
    fprintf(l->f, " %s %lld\n", sense, rhs);
}

/* Adds w<p>_<d> = sum of p's x on day d, coef times. */
static void s_work(s_lp_t *l, int p, int d, long long coef)
{
    for (int s = 0; s < l->pb->nshifts; s++)
        if (X_OK(l, p, d, s))
            s_term(l, coef, "x%d_%d_%d", p, d, s);
}

static int s_has_skills(const rp_problem_t *pb, int p, int s)
{
    const rp_person_t *x = &pb->people[p];
    const rp_shift_t *sh = &pb->shifts[s];
    for (int i = 0; i < sh->nrequires; i++) {
        int ok = 0;
        for (int j = 0; j < x->nskills && !ok; j++)
        ok = x->skills[j] == sh->requires[i];
        if (!ok)
            return 0;
    }
    return 1;
}

static void s_prepare(s_lp_t *l)
{
    const rp_problem_t *pb = l->pb;
    int P = pb->npeople, D = pb->days, S = pb->nshifts, C = pb->ncycles ? pb->ncycles : 1;
    l->H = pb->history_days > 7 ? pb->history_days : 7;
    int H = l->H;
    l->allowed = fc_xcalloc((size_t)P * D * (S ? S : 1), 1);
    l->hmin = fc_xcalloc((size_t)P * H + 1, sizeof *l->hmin);
    l->hcyc = fc_xcalloc(((size_t)P * H + 1) * C, 1);
    l->hrun = fc_xcalloc((size_t)P + 1, sizeof *l->hrun);
    l->hend = fc_xcalloc((size_t)P + 1, sizeof *l->hend);
    for (int p = 0; p < P; p++) {
        const rp_person_t *x = &pb->people[p];
        l->hend[p] = -(int64_t)RP_MAX_DAYS * RP_DAY_MIN * 4;
        uint8_t worked[RP_MAX_DAYS + 2] = {0};
        for (int i = 0; i < x->nhistory; i++) {
            const rp_past_t *h = &x->history[i];
            int64_t end = (int64_t)h->day * RP_DAY_MIN + h->start_min + h->minutes;
            if (end > l->hend[p])
                l->hend[p] = end;
            worked[-h->day] = 1;
            if (h->day >= -H) {
                l->hmin[(size_t)p * H + H + h->day] += h->minutes;
                if (h->cycle >= 0)
                    l->hcyc[((size_t)p * H + H + h->day) * C + h->cycle] = 1;
            }
        }
        while (l->hrun[p] < RP_MAX_DAYS && worked[l->hrun[p] + 1])
            l->hrun[p]++;
        for (int d = 0; d < D; d++)
            for (int s = 0; s < S; s++) {
                const rp_shift_t *sh = &pb->shifts[s];
                int64_t st = (int64_t)d * RP_DAY_MIN + sh->start_min, en = st + sh->minutes;
                rp_rules_t ru;
                rp_problem_rules_for(pb, p, &ru);
                int ok = x->fit && s_has_skills(pb, p, s) && !(x->day_off && x->day_off[d]) &&
                         sh->minutes <= ru.max_minutes_day &&
                         st - l->hend[p] >= ru.min_rest_minutes;
                for (int i = 0; i < x->nunavailable && ok; i++)
                    ok = !(x->unavailable[i].from_min < en && st < x->unavailable[i].to_min);
                X_OK(l, p, d, s) = (uint8_t)ok;
            }
    }
}

static void s_objective(s_lp_t *l)
{
    const rp_problem_t *pb = l->pb;
    const rp_weights_t *w = &pb->weights;
    int P = pb->npeople, D = pb->days, S = pb->nshifts;
    fputs("Minimize\n obj: 0 x_zero", l->f);
    l->terms = 1;
    for (int d = 0; d < D; d++)
        for (int s = 0; s < S; s++) {
            const rp_cover_t *c = &pb->cover[(size_t)d * S + s];
            s_term(l, c->under_weight, "u%d_%d", d, s);
            s_term(l, c->over_weight, "o%d_%d", d, s);
        }
    /* an x may carry several costs (a request, the preference): one coefficient each */
    int64_t *cx = fc_xcalloc((size_t)D * (size_t)(S ? S : 1), sizeof *cx);
    int req = 0;
    for (int p = 0; p < P; p++) {
        const rp_person_t *x = &pb->people[p];
        memset(cx, 0, (size_t)D * (size_t)(S ? S : 1) * sizeof *cx);
        for (int i = 0; i < x->nrequests; i++, req++) {
            const rp_request_t *r = &x->requests[i];
            if (r->on)
                s_term(l, r->weight, "q%d", req);
            else
                for (int s = 0; s < S; s++)
                    if (r->shift < 0 || r->shift == s)
                        cx[(size_t)r->day * S + s] += r->weight;
        }
        if (!x->young_cadre && !x->party_member)
            for (int d = 0; d < D; d++)
                for (int s = 0; s < S; s++)
                    if (pb->shifts[s].risk_class == 1)
                        cx[(size_t)d * S + s] += w->preference;
        for (int d = 0; d < D; d++)
            for (int s = 0; s < S; s++)
                if (cx[(size_t)d * S + s] && X_OK(l, p, d, s))
                    s_term(l, cx[(size_t)d * S + s], "x%d_%d_%d", p, d, s);
        if (x->min_minutes > 0)
            s_term(l, w->min_minutes_per_minute, "mm%d", p);
        s_term(l, w->fairness_per_minute, "f%d", p);
        s_term(l, w->risk_fairness, "rf%d", p);
        if (w->continuity)
            for (int k = 0; k < pb->nposts; k++)
                s_term(l, w->continuity, "z%d_%d", p, k);
        int kmin = x->min_consecutive_days, koff = x->min_consecutive_days_off;
        for (int a = 0; a < D - 1; a++)
            for (int len = 1; a + len - 1 <= D - 2; len++) {
                int full = len + (a == 0 ? l->hrun[p] : 0);
                if (kmin > 1 && w->min_consecutive_days && full < kmin)
                    s_term(l, (long long)(kmin - full) * w->min_consecutive_days, "y%d_%d_%d", p, a,
                           len);
                if (koff > 1 && w->min_days_off && len < koff && (a > 0 || l->hrun[p] > 0))
                    s_term(l, (long long)(koff - len) * w->min_days_off, "v%d_%d_%d", p, a, len);
                if (len >= kmin && len >= koff)
                    break;
            }
    }
    free(cx);
    fputs("\n", l->f);
}

static void s_rows(s_lp_t *l)
{
    const rp_problem_t *pb = l->pb;
    int P = pb->npeople, D = pb->days, S = pb->nshifts, H = l->H;
    int C = pb->ncycles ? pb->ncycles : 1;
    fputs("Subject To\n", l->f);
    /* cover */
    for (int d = 0; d < D; d++)
        for (int s = 0; s < S; s++) {
            s_row_begin(l);
            for (int p = 0; p < P; p++)
                if (X_OK(l, p, d, s))
                    s_term(l, 1, "x%d_%d_%d", p, d, s);
            s_term(l, 1, "u%d_%d", d, s);
            s_term(l, -1, "o%d_%d", d, s);
            s_row_end(l, "=", pb->cover[(size_t)d * S + s].requirement);
        }
    int req = 0;
    for (int p = 0; p < P; p++) {
        const rp_person_t *x = &pb->people[p];
        rp_rules_t own;
        rp_problem_rules_for(pb, p, &own);
        const rp_rules_t *ru = &own;
        /* one shift a day */
        for (int d = 0; d < D; d++) {
            s_row_begin(l);
            s_work(l, p, d, 1);
            s_row_end(l, "<=", 1);
        }
        /* rest and successions between shifts of nearby days */
        for (int d = 0; d < D; d++)
            for (int s = 0; s < S; s++) {
                if (!X_OK(l, p, d, s))
                    continue;
                const rp_shift_t *a = &pb->shifts[s];
                int64_t end = (int64_t)d * RP_DAY_MIN + a->start_min + a->minutes;
                for (int e = d + 1; e < D && e <= d + 4; e++)
                    for (int t = 0; t < S; t++) {
                        if (!X_OK(l, p, e, t))
                            continue;
                        int64_t st = (int64_t)e * RP_DAY_MIN + pb->shifts[t].start_min;
                        int bad = st - end < ru->min_rest_minutes;
                        for (int k = 0; k < a->ncannot_follow && !bad && e == d + 1; k++)
                            bad = a->cannot_follow[k] == t;
                        if (!bad)
                            continue;
                        s_row_begin(l);
                        s_term(l, 1, "x%d_%d_%d", p, d, s);
                        s_term(l, 1, "x%d_%d_%d", p, e, t);
                        s_row_end(l, "<=", 1);
                    }
            }
        /* consecutive days: every window of maxc + 1 days has at most maxc worked */
        int maxc = ru->max_consecutive_days;
        for (int k = -maxc; k < D - maxc; k++) {
            int hist = 0, horizon = 0;
            for (int d = k; d <= k + maxc; d++) {
                if (d < 0)
                    hist += d >= -l->hrun[p] ? 1 : 0;
                else
                    horizon++;
            }
            if (!horizon)
                continue;
            s_row_begin(l);
            for (int d = k < 0 ? 0 : k; d <= k + maxc; d++)
                s_work(l, p, d, 1);
            s_row_end(l, "<=", hist < maxc ? maxc - hist : 0);
        }
        /* minutes in any 7 days */
        for (int k = -6; k < D; k++) {
            int hist = 0;
            for (int d = k; d < k + 7 && d < 0; d++)
                hist += d >= -H ? l->hmin[(size_t)p * H + H + d] : 0;
            s_row_begin(l);
            for (int d = k < 0 ? 0 : k; d < k + 7 && d < D; d++)
                for (int s = 0; s < S; s++)
                    if (X_OK(l, p, d, s))
                        s_term(l, pb->shifts[s].minutes, "x%d_%d_%d", p, d, s);
            /* history alone over the limit: nothing more may be added in this window */
            s_row_end(l, "<=", hist < ru->max_minutes_7d ? ru->max_minutes_7d - hist : 0);
        }
        /* rotation cycles */
        for (int c = 0; c < pb->ncycles; c++) {
            int L = pb->cycles[c].on_days + pb->cycles[c].off_days;
            for (int k = 1 - L; k < D; k++) {
                int hist = 0;
                for (int d = k; d < k + L && d < 0; d++)
                    hist += d >= -H && l->hcyc[((size_t)p * H + H + d) * C + c];
                s_row_begin(l);
                for (int d = k < 0 ? 0 : k; d < k + L && d < D; d++)
                    for (int s = 0; s < S; s++)
                        if (pb->shifts[s].cycle == c && X_OK(l, p, d, s))
                            s_term(l, 1, "x%d_%d_%d", p, d, s);
                s_row_end(l, "<=", hist < pb->cycles[c].on_days ? pb->cycles[c].on_days - hist : 0);
            }
        }
        /* spouses */
        int q = x->spouse;
        if (q > p)
            for (int d = 0; d < D; d++) {
                int ok = 0;
                for (int i = 0; i < pb->noverrides && !ok; i++) {
                    const rp_override_t *o = &pb->overrides[i];
                    ok = ((o->a == p && o->b == q) || (o->a == q && o->b == p)) &&
                         (o->day < 0 || o->day == d);
                }
                if (ok)
                    continue;
                s_row_begin(l);
                s_work(l, p, d, 1);
                s_work(l, q, d, 1);
                s_row_end(l, "<=", 1);
            }
        /* counts */
        if (x->max_shifts)
            for (int s = 0; s < S; s++)
                if (x->max_shifts[s] >= 0) {
                    s_row_begin(l);
                    for (int d = 0; d < D; d++)
                        if (X_OK(l, p, d, s))
                            s_term(l, 1, "x%d_%d_%d", p, d, s);
                    s_row_end(l, "<=", x->max_shifts[s]);
                }
        /* total minutes, their fair-share deviation and the minimum */
        for (int kind = 0; kind < 4; kind++) {
            if ((kind == 0 && x->max_minutes < 0) || (kind == 3 && x->min_minutes <= 0))
                continue;
            s_row_begin(l);
            for (int d = 0; d < D; d++)
                for (int s = 0; s < S; s++)
                    if (X_OK(l, p, d, s))
                        s_term(l, kind == 2 ? -pb->shifts[s].minutes : pb->shifts[s].minutes,
                               "x%d_%d_%d", p, d, s);
            if (kind == 0)
                s_row_end(l, "<=", x->max_minutes);
            else if (kind == 1) {
                s_term(l, -1, "f%d", p); /* minutes - f <= target */
                s_row_end(l, "<=", x->target_minutes);
            } else if (kind == 2) {
                s_term(l, -1, "f%d", p); /* -minutes - f <= -target */
                s_row_end(l, "<=", -x->target_minutes);
            } else {
                s_term(l, 1, "mm%d", p);
                s_row_end(l, ">=", x->min_minutes);
            }
        }
        for (int sign = 1; sign >= -1; sign -= 2) {
            s_row_begin(l);
            for (int d = 0; d < D; d++)
                for (int s = 0; s < S; s++)
                    if (pb->shifts[s].risk_class == 1 && X_OK(l, p, d, s))
                        s_term(l, sign, "x%d_%d_%d", p, d, s);
            s_term(l, -1, "rf%d", p);
            s_row_end(l, "<=", sign * (long long)x->target_risk);
        }
        /* weekends */
        if (x->max_weekends >= 0) {
            s_row_begin(l);
            int64_t last = INT64_MIN;
            for (int d = 0; d < D; d++)
                if (rp_problem_is_weekend(pb, d) && rp_problem_weekend_key(pb, d) != last) {
                    last = rp_problem_weekend_key(pb, d);
                    s_term(l, 1, "wk%d_%d", p, d);
                }
            s_row_end(l, "<=", x->max_weekends);
            int wk = -1;
            last = INT64_MIN;
            for (int d = 0; d < D; d++) {
                if (!rp_problem_is_weekend(pb, d))
                    continue;
                if (rp_problem_weekend_key(pb, d) != last) {
                    last = rp_problem_weekend_key(pb, d);
                    wk = d;
                }
                s_row_begin(l);
                s_work(l, p, d, 1);
                s_term(l, -1, "wk%d_%d", p, wk);
                s_row_end(l, "<=", 0);
            }
        }
        /* continuity: z_post >= x of each shift of that post */
        if (pb->weights.continuity)
            for (int d = 0; d < D; d++)
                for (int s = 0; s < S; s++)
                    if (X_OK(l, p, d, s)) {
                        s_row_begin(l);
                        s_term(l, 1, "x%d_%d_%d", p, d, s);
                        s_term(l, -1, "z%d_%d", p, pb->shifts[s].post);
                        s_row_end(l, "<=", 0);
                    }
        /* requests to work */
        for (int i = 0; i < x->nrequests; i++, req++) {
            const rp_request_t *r = &x->requests[i];
            if (!r->on)
                continue;
            s_row_begin(l);
            s_term(l, 1, "q%d", req);
            if (r->shift >= 0) {
                if (X_OK(l, p, r->day, r->shift))
                    s_term(l, 1, "x%d_%d_%d", p, r->day, r->shift);
            } else {
                s_work(l, p, r->day, 1);
            }
            s_row_end(l, ">=", 1);
        }
        /* short stints and short rest periods that end before the last day */
        int kmin = x->min_consecutive_days, koff = x->min_consecutive_days_off;
        const rp_weights_t *w = &pb->weights;
        for (int a = 0; a < D - 1; a++)
            for (int len = 1; a + len - 1 <= D - 2; len++) {
                int b = a + len - 1;
                int full = len + (a == 0 ? l->hrun[p] : 0);
                if (kmin > 1 && w->min_consecutive_days && full < kmin) {
                    /* y >= sum(w a..b) - w(a-1) - w(b+1) - (len - 1) */
                    s_row_begin(l);
                    for (int d = a; d <= b; d++)
                        s_work(l, p, d, 1);
                    if (a > 0)
                        s_work(l, p, a - 1, -1);
                    s_work(l, p, b + 1, -1);
                    s_term(l, -1, "y%d_%d_%d", p, a, len);
                    s_row_end(l, "<=", len - 1);
                }
                if (koff > 1 && w->min_days_off && len < koff && (a > 0 || l->hrun[p] > 0)) {
                    /* v >= w(a-1) - sum(w a..b) + w(b+1) - 1 */
                    s_row_begin(l);
                    if (a > 0)
                        s_work(l, p, a - 1, 1);
                    for (int d = a; d <= b; d++)
                        s_work(l, p, d, -1);
                    s_work(l, p, b + 1, 1);
                    s_term(l, -1, "v%d_%d_%d", p, a, len);
                    s_row_end(l, "<=", a > 0 ? 1 : 0);
                }
                if (len >= kmin && len >= koff)
                    break;
            }
    }
}

static void s_columns(s_lp_t *l)
{
    const rp_problem_t *pb = l->pb;
    int P = pb->npeople, D = pb->days, S = pb->nshifts;
    fputs("Bounds\n x_zero = 0\n", l->f);
    for (int p = 0; p < P; p++)
        for (int k = 0; k < pb->nposts; k++)
            if (pb->weights.continuity)
                fprintf(l->f, " z%d_%d <= 1\n", p, k);
    fputs("Binaries\n", l->f);
    int n = 0;
    for (int p = 0; p < P; p++)
        for (int d = 0; d < D; d++)
            for (int s = 0; s < S; s++)
                if (X_OK(l, p, d, s))
                    fprintf(l->f, " x%d_%d_%d%s", p, d, s, ++n % 10 ? "" : "\n");
    for (int p = 0; p < P; p++)
        if (pb->people[p].max_weekends >= 0) {
            int64_t last = INT64_MIN;
            for (int d = 0; d < D; d++)
                if (rp_problem_is_weekend(pb, d) && rp_problem_weekend_key(pb, d) != last) {
                    last = rp_problem_weekend_key(pb, d);
                    fprintf(l->f, " wk%d_%d%s", p, d, ++n % 10 ? "" : "\n");
                }
        }
    fputs("\nEnd\n", l->f);
}

int rotation_lp_write(const rp_problem_t *pb, const char *path, fc_err_t *err)
{
    s_lp_t l;
    memset(&l, 0, sizeof l);
    l.pb = pb;
    l.f = fopen(path, "w");
    if (!l.f)
        return fc_err_set(err, FC_EINVAL, "out", "无法写入“%s”", path);
    s_prepare(&l);
    fprintf(l.f, "\\ fc-rotation model of \"%s\": %d people, %d days, %d shift types\n", pb->name,
            pb->npeople, pb->days, pb->nshifts);
    s_objective(&l);
    s_rows(&l);
    s_columns(&l);
    int bad = ferror(l.f);
    bad |= fclose(l.f) != 0;
    free(l.allowed);
    free(l.hmin);
    free(l.hcyc);
    free(l.hrun);
    free(l.hend);
    return bad ? fc_err_set(err, FC_ERR, "out", "写入“%s”失败", path) : FC_OK;
}

rotation_roster_t *rotation_lp_read_cbc(const rp_problem_t *pb, const char *path, double *objective,
                                        char *status, size_t status_len, fc_err_t *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fc_err_set(err, FC_ENOTFOUND, "solution", "no CBC solution file \"%s\"", path);
        return NULL;
    }
    char line[512];
    rotation_roster_t *r = NULL;
    if (!fgets(line, sizeof line, f) || strstr(line, "Infeasible") || strstr(line, "infeasible") ||
        !strstr(line, "objective value")) {
        fc_err_set(err, FC_ENOTFOUND, "solution", "CBC found no solution: %s", line);
        goto out;
    }
    *objective = strtod(strstr(line, "objective value") + 15, NULL);
    snprintf(status, status_len, "%.*s", (int)strcspn(line, "-\n"), line);
    r = rotation_roster_new();
    int *cnt = fc_xcalloc((size_t)pb->days * (size_t)(pb->nshifts ? pb->nshifts : 1), sizeof *cnt);
    while (fgets(line, sizeof line, f)) {
        int idx, p, d, s;
        char name[128];
        double v;
        if (sscanf(line, "%d %127s %lf", &idx, name, &v) != 3)
            continue;
        if (v - (double)(long long)(v + 0.5) > 1e-6 || (double)(long long)(v + 0.5) - v > 1e-6) {
            /* stopped before any integer solution: this is the relaxation's, not a roster */
            fc_err_set(err, FC_ENOTFOUND, "solution", "CBC found no integer solution (%s = %g)",
                       name, v);
            free(cnt);
            rotation_roster_destroy(&r);
            goto out;
        }
        if (v < 0.5)
            continue;
        if (sscanf(name, "x%d_%d_%d", &p, &d, &s) == 3 && p >= 0 && p < pb->npeople && d >= 0 &&
            d < pb->days && s >= 0 && s < pb->nshifts) {
            rotation_roster_add(r, p, d, s);
            cnt[(size_t)d * pb->nshifts + s]++;
        }
    }
    for (int d = 0; d < pb->days; d++)
        for (int s = 0; s < pb->nshifts; s++) {
            int missing = pb->cover[(size_t)d * pb->nshifts + s].requirement -
                          cnt[(size_t)d * pb->nshifts + s];
            if (missing > 0) {
                rr_uncovered_t u;
                memset(&u, 0, sizeof u);
                u.day = d;
                u.shift = s;
                u.missing = missing;
                u.reason = RR_SOFT_TRADEOFF;
                rotation_roster_add_uncovered(r, &u);
            }
        }
    free(cnt);
    r->penalty = (int64_t)(*objective + (*objective >= 0 ? 0.5 : -0.5));
out:
    fclose(f);
    return r;
}

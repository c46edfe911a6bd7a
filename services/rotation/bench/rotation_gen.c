/* rotation_gen: the generator. Demand is sized to about 60 % of what the people of a unit could
 * work under the default limits, so large instances are coverable and the checker can demand
 * zero hard violations. */
#include "rotation_gen.h"
#include "fc_clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t s_next(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * 2685821657736338717ULL;
}

static int s_below(uint64_t *x, int n)
{
    return n > 0 ? (int)(s_next(x) % (uint64_t)n) : 0;
}

static double s_unit(uint64_t *x)
{
    return (double)(s_next(x) >> 11) / 9007199254740992.0;
}

rotation_gen_opts_t rotation_gen_defaults(int people, int posts, int days, uint64_t seed)
{
    rotation_gen_opts_t o;
    memset(&o, 0, sizeof o);
    o.people = people;
    o.posts = posts;
    o.days = days;
    o.units = posts / 40 > 0 ? posts / 40 : 1;
    o.shifts_per_post = 3;
    o.headcount_max = 2;
    o.seed = seed;
    o.spouse_frac = 0.1;
    o.unfit_frac = 0.02;
    o.unavail_frac = 0.03;
    o.young_frac = 0.2;
    o.party_frac = 0.4;
    o.cycle_frac = 0.25;
    o.history = 1;
    o.max_weekends = -1;
    return o;
}

rp_problem_t *rotation_gen(const rotation_gen_opts_t *o)
{
    uint64_t x = o->seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
    int64_t start = o->start_day ? o->start_day : fc_days_from_civil(2026, 3, 2);
    rp_problem_t *pb = rp_problem_new(start, o->days);
    if (o->soft_cover) {
        pb->weights.under_cover = 100;
        pb->weights.over_cover = 20;
    }
    int long_cycle = rp_problem_add_cycle(pb, "long_running", 14, 7);
    int units = o->units > 0 ? o->units : 1;
    int *unit_skill = malloc((size_t)units * sizeof *unit_skill);
    for (int u = 0; u < units; u++) {
        char id[32];
        snprintf(id, sizeof id, "U%03d", u);
        unit_skill[u] = rp_problem_add_skill(pb, id);
    }
    /* posts: shifts of 8 hours (00-08, 08-16, 16-24) or day/night of 12 */
    static const int starts3[] = {480, 960, 0}, starts2[] = {480, 1200};
    int nsh = o->shifts_per_post < 1 ? 1 : o->shifts_per_post > 3 ? 3 : o->shifts_per_post;
    int *post_unit = malloc((size_t)(o->posts ? o->posts : 1) * sizeof *post_unit);
    for (int k = 0; k < o->posts; k++) {
        char post[32], id[48];
        post_unit[k] = k % units;
        snprintf(post, sizeof post, "P%05d", k);
        int risk = s_unit(&x) < 0.3 ? 1 : 2;
        int cyc = s_unit(&x) < o->cycle_frac ? long_cycle : -1;
        for (int j = 0; j < nsh; j++) {
            int st = nsh == 2 ? starts2[j] : starts3[j];
            int len = nsh == 2 ? 720 : 480;
            snprintf(id, sizeof id, "%s-%02d", post, st / 60);
            int sidx = rp_problem_add_shift(pb, id, "", post, st, len, risk, cyc,
                                            &unit_skill[post_unit[k]], 1);
            (void)sidx;
        }
    }
    /* people, evenly over the units */
    for (int p = 0; p < o->people; p++) {
        char id[32];
        snprintf(id, sizeof id, "E%06d", p);
        int q = rp_problem_add_person(pb, id, "");
        rp_problem_person_skills(pb, q, &unit_skill[p % units], 1);
        rp_person_t *pp = &pb->people[q];
        pp->young_cadre = s_unit(&x) < o->young_frac;
        pp->party_member = s_unit(&x) < o->party_frac;
        pp->fit = s_unit(&x) >= o->unfit_frac;
        if (o->max_weekends >= 0)
            pp->max_weekends = o->max_weekends;
        if (o->min_stints) {
            pp->min_consecutive_days = 2;
            pp->min_consecutive_days_off = 2;
        }
        if (s_unit(&x) < o->unavail_frac) {
            int64_t from = (int64_t)s_below(&x, o->days) * RP_DAY_MIN + s_below(&x, 1440);
            rp_problem_add_unavailable(pb, q, from, from + (1 + s_below(&x, 4)) * RP_DAY_MIN);
        }
        if (o->history) {
            /* a random recent past: worked some of the last 7 days, maybe a night shift */
            for (int d = -7; d < 0; d++)
                if (s_unit(&x) < 0.5)
                    rp_problem_add_history(pb, q, d, d == -1 && s_unit(&x) < 0.3 ? 1200 : 480, 480,
                                           -1);
        }
    }
    /* spouses within a unit: neighbours p, p + units */
    for (int p = 0; p + units < o->people; p++)
        if (pb->people[p].spouse < 0 && pb->people[p + units].spouse < 0 &&
            s_unit(&x) < o->spouse_frac / 2)
            rp_problem_set_spouse(pb, p, p + units);
    /* a few overrides with their reasons */
    for (int p = 0; p < o->people; p++)
        if (pb->people[p].spouse > p && s_unit(&x) < 0.1)
            rp_problem_add_override(pb, p, pb->people[p].spouse, s_below(&x, o->days),
                                    "本单位人手不足，夫妻双方同意，报组织部批准");
    /* demand: about 60 % of what each unit's fit people could do (5 shifts a week) */
    rp_problem_set_cover(pb, 0, 0, 0);
    for (int u = 0; u < units; u++) {
        int people = 0, shifts = 0;
        for (int p = u; p < o->people; p += units)
            people += pb->people[p].fit;
        for (int k = u; k < o->posts; k += units)
            shifts += nsh;
        if (!shifts)
            continue;
        double per_day = people * (nsh == 2 ? 3.5 : 5.0) / 7.0 * 0.6;
        double avg = per_day / shifts;
        for (int k = u; k < o->posts; k += units)
            for (int j = 0; j < nsh; j++) {
                int s = k * nsh + j;
                int hc = (int)(avg + s_unit(&x) * 0.999);
                if (hc > o->headcount_max)
                    hc = o->headcount_max;
                if (hc < 1 && s_unit(&x) < avg)
                    hc = 1;
                for (int d = 0; d < o->days; d++)
                    rp_problem_set_cover(pb, d, s, hc);
            }
    }
    if (o->requests)
        for (int p = 0; p < o->people; p++)
            for (int i = 0; i < o->requests; i++) {
                int d = s_below(&x, o->days);
                int sh = s_unit(&x) < 0.5 ? -1 : s_below(&x, pb->nshifts);
                if (sh >= 0 && !rp_problem_has_skills(pb, p, sh))
                    sh = -1;
                rp_problem_add_request(pb, p, d, sh, s_unit(&x) < 0.4, 1 + s_below(&x, 3));
            }
    free(post_unit);
    free(unit_skill);
    fc_err_t err;
    if (rp_problem_finalize(pb, &err) != FC_OK) {
        fprintf(stderr, "rotation_gen: %s: %s\n", err.field, err.message);
        rp_problem_destroy(&pb);
    }
    return pb;
}

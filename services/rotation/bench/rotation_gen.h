/* rotation_gen: seeded random rostering problems for the tests and benchmarks: units of people
 * and posts (a unit's people work its posts), three 8-hour shifts or day/night shifts per post,
 * spouses, unfit and unavailable people, history before the horizon, rotation cycles, and, for
 * the small instances compared with CBC, shift requests and minimum stints. */
#ifndef ROTATION_GEN_H
#define ROTATION_GEN_H

#include <stdint.h>
#include "rotation_problem.h"

typedef struct {
    int people, posts, days, units;
    int shifts_per_post; /* 1..3 */
    int headcount_max;   /* each shift needs 1..headcount_max */
    int64_t start_day;   /* local day of day 0; 0 = 2026-03-02 */
    uint64_t seed;
    double spouse_frac; /* people in a couple */
    double unfit_frac;
    double unavail_frac; /* people unavailable for a few days */
    double young_frac, party_frac;
    double cycle_frac; /* posts on a 14 on / 7 off rotation cycle */
    int history;       /* give people random duty before the horizon */
    int requests;      /* shift on/off requests per person */
    int min_stints;    /* minimum consecutive days on (2) and off (2) */
    int max_weekends;  /* per person, -1 none */
    int soft_cover;    /* small under/over-cover weights (benchmark-style), else 100000 */
} rotation_gen_opts_t;

/* Defaults for a given size. */
rotation_gen_opts_t rotation_gen_defaults(int people, int posts, int days, uint64_t seed);
/* A new finalized problem (caller destroys). */
rp_problem_t *rotation_gen(const rotation_gen_opts_t *o);

#endif

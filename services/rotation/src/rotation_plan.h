/* rotation_plan: the planner. Greedy construction day by day (scarcest shifts first, the
 * cheapest feasible candidate of a sample), then simulated annealing over swaps of one day or a
 * block of days between two people, additions, removals and a repair pass that fills uncovered
 * shifts directly or through a two-step ejection chain. Every move is checked against every
 * hard rule before it is kept, so the planner never bends one; an uncoverable shift stays
 * uncovered and is reported with the rules that blocked each candidate. Also replacement
 * (re-plan only what a newly unavailable person leaves) and explanation. Pure C, no I/O. */
#ifndef ROTATION_PLAN_H
#define ROTATION_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include "fc_err.h"
#include "rotation_problem.h"
#include "rotation_roster.h"

typedef struct rotation_plan rotation_plan_t;

typedef struct {
    double time_limit_s; /* wall-clock cap for construction + search; <= 0: construction only */
    uint64_t seed;       /* same seed, same problem, no time cap hit: same roster */
    double effort;       /* search iterations per assignment per round; default 60 */
} rotation_plan_opts_t;

/* pb is borrowed and must outlive the planner; the planner reads it live, so availability added
 * to it later (rp_problem_add_unavailable ...) counts at once. */
rotation_plan_t *rotation_plan_new(const rp_problem_t *pb);
void rotation_plan_destroy(rotation_plan_t **self_p);

/* Plans from an empty roster. */
int rotation_plan_solve(rotation_plan_t *self, const rotation_plan_opts_t *opts, fc_err_t *err);
/* Takes r's assignments as the current roster (e.g. a stored one, before a replacement).
 * Entries naming nothing known, or a second shift on one day, are FC_EINVAL. Hard rules are
 * not checked here: after the problem changed some may be broken until rotation_plan_replace. */
int rotation_plan_load(rotation_plan_t *self, const rotation_roster_t *r, fc_err_t *err);
/* The current roster (new; caller destroys): assignments, uncovered shifts with reasons and
 * the penalty by rule. */
rotation_roster_t *rotation_plan_roster(rotation_plan_t *self);
/* The current penalty; by_rule (RP_NRULES entries) may be NULL. */
int64_t rotation_plan_penalty(rotation_plan_t *self, int64_t *by_rule);
/* The shift person p works on day d, or -1. */
int rotation_plan_get(const rotation_plan_t *self, int p, int d);

/* ---- replacement ---- */

typedef struct {
    int day, shift;
    int from; /* the person taken off */
    int to;   /* the person put on, or -1: left uncovered */
    int via;  /* -1; or the person who moved from via_shift so that `to` could
                 take it (a two-step chain) */
    int via_shift;
    int64_t delta;         /* penalty change of this choice */
    int candidates;        /* people with the skills */
    int feasible;          /* of them, free and within every hard rule */
    int blocked[RP_NHARD]; /* the others, by the first rule that blocked them */
} rotation_change_t;

/* Person p can no longer work some assigned shifts (the problem now says so: unavailable, day
 * off, unfit). Takes p off exactly those and fills each with the cheapest feasible candidate.
 * *changes_out (caller frees) lists who replaced whom and why. */
int rotation_plan_replace(rotation_plan_t *self, int p, rotation_change_t **changes_out,
                          size_t *n_out);

/* ---- explanation ---- */

typedef struct {
    int rule;
    int ok;
    int64_t value, limit; /* what was measured and the limit (minutes, days, count) */
} rotation_rule_check_t;

typedef struct {
    int shift;
    int held;    /* the person holds it */
    int holders; /* people holding it that day */
    int requirement;
    rotation_rule_check_t checks[RP_NHARD];
    int nchecks;
    int feasible;
    int64_t delta; /* held: what giving it up without a stand-in would change;
                      else: what taking it would change (added, not replacing) */
    int others;    /* other people with the skills */
    int others_feasible;
    int others_blocked[RP_NHARD];
    int alt[3];           /* held: best stand-ins; else: holders it would replace */
    int64_t alt_delta[3]; /* penalty change of that swap (>= 0: the plan's choice is better) */
    int nalt;
} rotation_option_t;

#define ROTATION_EXPLAIN_MAX 8

typedef struct {
    int person, day;
    int assigned;            /* shift held that day or -1 */
    int64_t soft[RP_NRULES]; /* the person's soft penalty by rule */
    int minutes, risk_shifts;
    rotation_option_t opt[ROTATION_EXPLAIN_MAX];
    int nopt;
} rotation_explain_t;

/* Why person p is (or is not) on shift on day d: every hard rule for each shift p could work
 * that day, and the soft scores compared with the alternatives. */
int rotation_plan_explain(rotation_plan_t *self, int p, int d, rotation_explain_t *out,
                          fc_err_t *err);

#endif

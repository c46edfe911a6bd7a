/* rotation_check: the independent checker. Given a problem and any roster (the planner's, a
 * stored one, a hand-written file) it lists every violation of every hard rule and computes
 * the soft penalty by rule. It shares no code with the planner beyond reading the problem:
 * it is written the plain way (each person's duties sorted in time, every window counted) so
 * that a mistake in the planner's incremental bookkeeping cannot hide in it too. */
#ifndef ROTATION_CHECK_H
#define ROTATION_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include "rotation_problem.h"
#include "rotation_roster.h"

typedef struct {
    int rule;
    int person;      /* -1 if none */
    int day;         /* -1 if none */
    int shift;       /* -1 if none */
    int64_t value;   /* what was found */
    int64_t limit;   /* what the rule allows */
    int64_t penalty; /* soft rules: what it costs */
} rotation_violation_t;

#define ROTATION_CHECK_LIST_MAX 200000

typedef struct {
    rotation_violation_t *v; /* hard violations first-come; soft ones too, up to the cap */
    size_t n, cap;
    size_t count[RP_NRULES]; /* exact number of violations by rule */
    size_t nhard;            /* total of count[] over the hard rules */
    int64_t penalty;         /* soft penalty of the roster */
    int64_t by_rule[RP_NRULES];
} rotation_check_t;

/* Checks r against pb. Never fails: a roster that names unknown things gets bad_reference
 * violations. The caller destroys the result. */
rotation_check_t *rotation_check_run(const rp_problem_t *pb, const rotation_roster_t *r);
void rotation_check_destroy(rotation_check_t **self_p);

#endif

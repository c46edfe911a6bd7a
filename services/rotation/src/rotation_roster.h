/* rotation_roster: a roster as a list of assignments (person, day, shift), the shifts it could
 * not cover with the reasons, the compensatory leave it schedules and the penalty its maker
 * claims; and its JSON file (fc-rotation-roster/1). Neither planner nor checker logic. */
#ifndef ROTATION_ROSTER_H
#define ROTATION_ROSTER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "rotation_problem.h"

#define RR_FORMAT "fc-rotation-roster/1"

typedef struct {
    int person, day, shift; /* -1 in a file that named something unknown */
} rr_assign_t;

/* Why a shift could not be fully covered: of the candidates (people with the skills), how many
 * each hard rule blocked; reason is the rule blocking most, RR_NO_CANDIDATE when nobody has
 * the skills, or RR_SOFT_TRADEOFF when someone could take it but at more penalty than the
 * shortfall costs (possible only with low under-cover weights). */
#define RR_NO_CANDIDATE (-1)
#define RR_SOFT_TRADEOFF (-2)
typedef struct {
    int day, shift, missing;
    int reason;
    int candidates;
    int blocked[RP_NHARD];
} rr_uncovered_t;

typedef struct {
    int person, day;
} rr_leave_t;

typedef struct {
    rr_assign_t *a;
    size_t n, cap;
    rr_uncovered_t *u;
    size_t nu, capu;
    rr_leave_t *leave;
    size_t nleave, capleave;
    int64_t penalty; /* as its maker computed it */
    int64_t by_rule[RP_NRULES];
    int64_t construct_ms, search_ms, iterations;
    size_t bad_refs; /* entries of a file naming unknown people/shifts/days */
    char bad_ref_example[160];
} rotation_roster_t;

rotation_roster_t *rotation_roster_new(void);
void rotation_roster_destroy(rotation_roster_t **self_p);
void rotation_roster_add(rotation_roster_t *self, int person, int day, int shift);
void rotation_roster_add_uncovered(rotation_roster_t *self, const rr_uncovered_t *u);
void rotation_roster_add_leave(rotation_roster_t *self, int person, int day);
/* Sorts assignments by person, then day. */
void rotation_roster_sort(rotation_roster_t *self);

/* "no_candidate", "soft_tradeoff" or the rule's name. */
const char *rotation_roster_reason_name(int reason);

/* Writes the roster file (streamed: fine for hundreds of thousands of assignments). */
int rotation_roster_write(const rotation_roster_t *self, const rp_problem_t *pb, const char *path,
                          fc_err_t *err);
/* Reads a roster file against its problem. Unknown people, shifts or days are kept as -1 and
 * counted in bad_refs (the checker reports them); a malformed file is FC_EINVAL. */
rotation_roster_t *rotation_roster_load(const char *path, const rp_problem_t *pb, fc_err_t *err);
rotation_roster_t *rotation_roster_from_json(const json_t *doc, const rp_problem_t *pb,
                                             fc_err_t *err);

#endif

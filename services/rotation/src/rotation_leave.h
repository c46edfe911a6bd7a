/* rotation_leave: compensatory leave (调休/轮休, 002 §6): one rest day owed per `ratio`
 * frontline days, scheduled into a roster's off days as soon as it is earned. Pure. */
#ifndef ROTATION_LEAVE_H
#define ROTATION_LEAVE_H

#include "rotation_problem.h"
#include "rotation_roster.h"

typedef struct {
    int frontline_days; /* days of frontline duty before the horizon */
    int leave_days;     /* compensatory leave days already given or scheduled before it */
} rotation_leave_in_t;

/* For every person: walks the horizon counting duty days (after those before it), and each
 * time one more rest day is owed puts it on the first following day the person is free and
 * available (not a fixed day off, not unavailable). Adds the days to r->leave. in may be NULL
 * (nothing before the horizon). */
void rotation_leave_schedule(const rp_problem_t *pb, rotation_roster_t *r,
                             const rotation_leave_in_t *in, int ratio);

#endif

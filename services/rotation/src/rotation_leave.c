/* rotation_leave: scheduling compensatory leave into off days. */
#include "rotation_leave.h"
#include "fc_mem.h"

#include <stdlib.h>
#include <string.h>

/* Is person p free and available on day d (so a leave day there means something)? */
static int s_free(const rp_problem_t *pb, const uint8_t *works, int p, int d)
{
    const rp_person_t *x = &pb->people[p];
    if (works[d] || (x->day_off && x->day_off[d]) || !x->fit)
        return 0;
    int64_t a = (int64_t)d * RP_DAY_MIN, b = a + RP_DAY_MIN;
    for (int i = 0; i < x->nunavailable; i++)
        if (x->unavailable[i].from_min < b && x->unavailable[i].to_min > a)
            return 0;
    return 1;
}

void rotation_leave_schedule(const rp_problem_t *pb, rotation_roster_t *r,
                             const rotation_leave_in_t *in, int ratio)
{
    if (ratio < 1)
        return;
    int D = pb->days;
    /* the roster's duty days per person */
    uint8_t *works = fc_xcalloc((size_t)(pb->npeople ? pb->npeople : 1) * (size_t)D, 1);
    for (size_t i = 0; i < r->n; i++)
        if (r->a[i].person >= 0 && r->a[i].day >= 0)
            works[(size_t)r->a[i].person * D + r->a[i].day] = 1;
    for (int p = 0; p < pb->npeople; p++) {
        const uint8_t *w = works + (size_t)p * D;
        int days = in ? in[p].frontline_days : 0;
        int owed = days / ratio - (in ? in[p].leave_days : 0);
        if (owed < 0)
            owed = 0;
        for (int d = 0; d < D; d++) {
            if (w[d] && ++days % ratio == 0)
                owed++;
            else if (!w[d] && owed > 0 && s_free(pb, w, p, d)) {
                rotation_roster_add_leave(r, p, d);
                owed--;
            }
        }
    }
    free(works);
}

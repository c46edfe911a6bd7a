/* intake_shift: a post's shifts as text, "HH:MM-HH:MM*N" joined by ";" (N = headcount; an end
 * at or before the start crosses midnight), parsed into and formatted from Fc__V1__Shift. */
#ifndef INTAKE_SHIFT_H
#define INTAKE_SHIFT_H

#include <stddef.h>
#include "fc/v1/intake.pb-c.h"
#include "fc_err.h"
#include "fc_mem.h"

#define INTAKE_SHIFT_MAX 24 /* shifts per post */
#define INTAKE_SHIFT_MAX_HEADCOUNT 1000

/* Parses spec into shifts allocated in arena (*out an array of *n_out pointers). FC_EINVAL
 * with field "shifts" and the offending part on a bad spec. Checks the format only; the
 * rules (intake_rules_post) check the values. */
int intake_shift_parse(const char *spec, fc_arena_t *arena, Fc__V1__Shift ***out, size_t *n_out,
                       fc_err_t *err);
/* The canonical text of shifts; the caller frees it. */
char *intake_shift_format(Fc__V1__Shift *const *shifts, size_t n);
/* Minutes a shift lasts (1..1440). */
int intake_shift_minutes(const Fc__V1__Shift *s);

#endif

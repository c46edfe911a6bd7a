/* welfare_family: families of those who died on duty (000 §5): a record opened by the death
 * with the Party organisation's designated contact (专人联系, assigned by an administrator),
 * the family's own contact (the spouse when intake knows one) and a visit cadence (policy,
 * default monthly); visits recorded; a due date announced once as welfare.family_visit_due
 * for notify to remind. Runs in the caller's transaction unless said otherwise. */
#ifndef WELFARE_FAMILY_H
#define WELFARE_FAMILY_H

#include <stdint.h>
#include "fc/v1/welfare.pb-c.h"
#include "welfare_flow.h"

/* Opens the record for employee_no (died at died_at_us in org_code); nothing if one exists. */
int welfare_family_open(welfare_ctx_t *c, const char *employee_no, const char *org_code,
                        int64_t incident_id, int64_t died_at_us, fc_err_t *err);
/* Sets the designated contact, the family's contact and/or the cadence. */
int welfare_family_assign(welfare_ctx_t *c, const Fc__V1__FamilyAssignRequest *req,
                          Fc__V1__FamilyCare **out, fc_err_t *err);
/* Records a visit; the next one is due a cadence after the latest visit. */
int welfare_family_visit(welfare_ctx_t *c, const Fc__V1__FamilyVisitRequest *req,
                         Fc__V1__FamilyCare **out, fc_err_t *err);
/* In transactions of its own: announces due visits (at most max). */
int welfare_family_sweep(welfare_ctx_t *c, int max, int *n_out, fc_err_t *err);

#endif

/* intake_store: every SQL statement of intake, over its own schema. */
#ifndef INTAKE_STORE_H
#define INTAKE_STORE_H

#include <stdint.h>
#include "fc/v1/intake.pb-c.h"
#include "fc_err.h"
#include "fc_mem.h"
#include "fc_pg.h"

typedef enum { INTAKE_UNCHANGED = 0, INTAKE_INSERTED = 1, INTAKE_UPDATED = 2 } intake_outcome_t;

/* Is org_code inside the subtree rooted at scope_code? FC_OK/FC_EDENIED; FC_ENOTFOUND if
 * either is unknown. An empty scope_code is refused (callers decide who may act group-wide). */
int intake_store_check_scope(fc_pg_t *pg, const char *scope_code, const char *org_code,
                             const char *field, fc_err_t *err);
int intake_store_org_upsert(fc_pg_t *pg, const Fc__V1__OrgUnit *u, intake_outcome_t *outcome,
                            fc_err_t *err);
/* The org unit a person belongs to, or FC_ENOTFOUND. out: at least 33 bytes. */
int intake_store_person_org(fc_pg_t *pg, const char *employee_no, char *org_out, size_t n,
                            int *health_status_out, fc_err_t *err);
/* Upserts a person; keeps the spouse link symmetric. */
int intake_store_person_upsert(fc_pg_t *pg, const Fc__V1__Person *p, intake_outcome_t *outcome,
                               fc_err_t *err);
/* Loads a person into arena memory. */
int intake_store_person_get(fc_pg_t *pg, const char *employee_no, fc_arena_t *arena,
                            Fc__V1__Person **out, fc_err_t *err);
/* Stores one check-in measured at at_us; returns its id. */
int intake_store_checkin(fc_pg_t *pg, const Fc__V1__HealthCheckin *c, int64_t at_us,
                         int64_t *id_out, fc_err_t *err);

#endif

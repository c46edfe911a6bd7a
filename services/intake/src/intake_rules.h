/* intake_rules: the checks made at intake's door, as pure functions over decoded messages.
 * Each failure names the field and says why, in Simplified Chinese (users read it). */
#ifndef INTAKE_RULES_H
#define INTAKE_RULES_H

#include "fc/v1/intake.pb-c.h"
#include "fc_err.h"

#define INTAKE_TEMP_MIN_DC 340
#define INTAKE_TEMP_MAX_DC 430
#define INTAKE_FEVER_DC 373

/* A code of an org unit or an employee number: 1-32 of [A-Za-z0-9_.-]. */
int intake_rules_code(const char *field, const char *value, fc_err_t *err);
int intake_rules_org(const Fc__V1__OrgUnit *u, fc_err_t *err);
int intake_rules_person(const Fc__V1__Person *p, fc_err_t *err);
/* now_us: the service clock; a check-in may not be in the future (5 minutes of slack). */
int intake_rules_checkin(const Fc__V1__HealthCheckin *c, int64_t now_us, fc_err_t *err);
/* Legal health-status moves: deceased is final; recovered only from confirmed, suspected or
 * quarantined. */
int intake_rules_health_transition(int from, int to, fc_err_t *err);

#endif

/* intake_rules: the checks made at intake's door, as pure functions over decoded messages.
 * Each failure names the field and says why, in Simplified Chinese (users read it). */
#ifndef INTAKE_RULES_H
#define INTAKE_RULES_H

#include "fc/v1/intake.pb-c.h"
#include <stdint.h>
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

/* A business time: at most 5 minutes ahead of now_us and at most max_age_days behind. */
int intake_rules_when(const char *field, int64_t at_us, int64_t now_us, int max_age_days,
                      fc_err_t *err);
/* Post: code, org, name, kind, risk class 1|2, 1..24 shifts of 1..1000 people, no shift
 * listed twice. */
int intake_rules_post(const Fc__V1__Post *p, fc_err_t *err);
/* A duty period: check-out after check-in and at most 24 hours later. */
int intake_rules_duty_span(int64_t start_us, int64_t end_us, fc_err_t *err);
/* Incident kind; *status_out is the health status it implies (0 = none) and *major_out
 * whether it is a major matter (died, infected: 专报 to the group). */
int intake_rules_incident(const Fc__V1__IncidentRequest *r, int *status_out, int *major_out,
                          fc_err_t *err);
int intake_rules_key_group_file(const Fc__V1__KeyGroupFile *f, fc_err_t *err);
int intake_rules_service_contact(const Fc__V1__ServiceContact *c, fc_err_t *err);
int intake_rules_hardship(const Fc__V1__HardshipCase *c, fc_err_t *err);
/* "YYYY-Www" of an existing ISO week; *monday_out its first local day. */
int intake_rules_iso_week(const char *field, const char *week, int64_t *monday_out, fc_err_t *err);
int intake_rules_weekly_report(const Fc__V1__WeeklyReport *r, int64_t now_us, fc_err_t *err);
int intake_rules_cadre_event(const Fc__V1__CadreKeyEvent *e, fc_err_t *err);
/* Kind of a merit record; *accountability_out whether it is an accountability record. */
int intake_rules_merit(const Fc__V1__MeritRecord *m, int *accountability_out, fc_err_t *err);
/* People search: query 1..INTAKE_SEARCH_MAX_QUERY characters, no control characters; org_code
 * a code when given; limit >= 0; offset 0..INTAKE_SEARCH_MAX_OFFSET. */
#define INTAKE_SEARCH_MAX_QUERY 64
#define INTAKE_SEARCH_MAX_OFFSET 10000
#define INTAKE_SEARCH_DEFAULT_LIMIT 20
#define INTAKE_SEARCH_MAX_LIMIT 200
int intake_rules_person_search(const Fc__V1__PersonSearchRequest *r, fc_err_t *err);
/* Only applicants, activists and development targets can be proposed (000 §8, 002 §15). */
int intake_rules_party_candidate(const char *party_status, fc_err_t *err);
/* Free text: at most max bytes, no control characters but newline and tab. */
int intake_rules_text(const char *field, const char *v, size_t max, int required, fc_err_t *err);

#endif

/* report_policy: the report's part of the group policy (infra/policy/report.json): when
 * weekly leadership reports are due, and the criteria of the two ends, the reserve pool and
 * fast-track development. Everything is validated at load: a bad file refuses the start. */
#ifndef REPORT_POLICY_H
#define REPORT_POLICY_H

#include <jansson.h>
#include <stdint.h>
#include "fc_err.h"
#include "report_week.h"

typedef struct {
    int weekday;   /* 1 = Monday .. 7 = Sunday */
    int minute;    /* minutes after local midnight */
    int next_week; /* of the week after the reported one */
} report_due_t;

typedef struct {
    json_t *doc;
    report_due_t due; /* the default */
    int chase_lookback_days;
    struct {
        int window_weeks, adv_min_good, adv_min_commend, adv_exclude_bad;
        int lag_min_bad, lag_min_accountability, lag_min_overdue;
    } ends;
    struct {
        int window_weeks, min_duty_days, min_merits, exclude_bad;
        int village_days; /* days on village assignment count as frontline days (002 §12) */
    } reserve;
    struct {
        int window_weeks, min_duty_days, min_merits, include_proposed;
        int village_days;
        char statuses[256]; /* a PostgreSQL text[] literal: {applicant,activist} */
    } fast;
    int visit_within_hours;
    int max_rows;
} report_policy_t;

/* Loads <dir>/report.json. NULL and err (naming the policy path) if it is bad. */
report_policy_t *report_policy_load(const char *dir, fc_err_t *err);
report_policy_t *report_policy_from_json(json_t *doc, fc_err_t *err); /* takes doc */
void report_policy_destroy(report_policy_t **self_p);
/* When the weekly report of subsidiary org_code for week wk is due (UTC us). */
int64_t report_policy_due_us(const report_policy_t *self, const char *org_code,
                             const report_week_t *wk);

#endif

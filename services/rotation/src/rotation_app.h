/* rotation_app: the service's state (policy, a cache of loaded rosters) and the flows that
 * commands and events share: plan an org subtree from the projections and store it as a new
 * version; take a newly unavailable person off their shifts and re-plan only those; judge a
 * duty event's workload (warnings, forced rest); explain a person's day. Every flow runs in
 * the caller's transaction and publishes its events through the outbox. */
#ifndef ROTATION_APP_H
#define ROTATION_APP_H

#include <stdint.h>
#include "fc/v1/intake.pb-c.h"
#include "fc/v1/rotation.pb-c.h"
#include "fc_service.h"
#include "rotation_policy.h"

typedef struct rotation_app rotation_app_t;

/* Takes the policy. plan_time_s: the default planning time limit. */
rotation_app_t *rotation_app_new(rotation_policy_t **policy_p, int plan_time_s);
void rotation_app_destroy(rotation_app_t **self_p);
const rotation_policy_t *rotation_app_policy(const rotation_app_t *self);

/* Plans org's posts from local day start_day for days days; the reply in arena. */
int rotation_app_plan(rotation_app_t *self, fc_service_t *svc, const char *org, int64_t start_day,
                      int days, int time_limit_s, const char *actor, fc_arena_t *arena,
                      Fc__V1__RosterPlanReply **reply_out, fc_err_t *err);

/* employee_no cannot work in [from_us, to_us) (to_us 0: until further notice) because of
 * cause (incident | health | unfit | forced_rest): re-plans their affected shifts in every
 * roster and publishes rotation.assignment_changed for each. *changes_out (may be NULL) how
 * many shifts changed hands. */
int rotation_app_unavailable(rotation_app_t *self, fc_service_t *svc, const char *employee_no,
                             int64_t from_us, int64_t to_us, const char *cause, int64_t at_us,
                             int *changes_out, fc_err_t *err);

/* A duty check-in or check-out was recorded: warnings and forced rest. */
int rotation_app_duty(rotation_app_t *self, fc_service_t *svc, const Fc__V1__DutyEvent *d,
                      int64_t at_us, fc_err_t *err);

int rotation_app_explain(rotation_app_t *self, fc_pg_t *pg, const char *employee_no,
                         const char *date, fc_arena_t *arena,
                         Fc__V1__RosterExplainReply **reply_out, fc_err_t *err);

/* The person's workload now against their limits, and what makes them unavailable. */
int rotation_app_workload(rotation_app_t *self, fc_pg_t *pg, const char *employee_no,
                          int64_t now_us, fc_arena_t *arena, Fc__V1__WorkloadShowReply **reply_out,
                          fc_err_t *err);

#endif

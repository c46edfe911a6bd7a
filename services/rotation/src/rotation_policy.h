/* rotation_policy: the group's rotation policy (infra/policy/rotation.json): rest thresholds
 * with overrides per org unit (subsidiaries), rotation cycles by post kind, posts that need
 * medical staff, the compensatory-leave ratio and the planner's weights. Read once at start;
 * a bad file stops the service with the path of the bad value. */
#ifndef ROTATION_POLICY_H
#define ROTATION_POLICY_H

#include <jansson.h>
#include "fc_err.h"
#include "rotation_problem.h"

typedef struct {
    int max_minutes_day;
    int max_minutes_7d;
    int max_consecutive_days;
    int min_rest_minutes;
    int forced_rest_minutes;
    int warn_percent;
} rotation_limits_t;

typedef struct rotation_policy rotation_policy_t;

/* From a policy document (borrowed). */
rotation_policy_t *rotation_policy_new(const json_t *doc, fc_err_t *err);
/* From <dir>/rotation.json. */
rotation_policy_t *rotation_policy_load(const char *dir, fc_err_t *err);
void rotation_policy_destroy(rotation_policy_t **self_p);

/* The limits for a unit, given it and its ancestors, nearest first: the nearest unit with an
 * override wins for each value; otherwise the group's. */
void rotation_policy_limits(const rotation_policy_t *self, const char *const *chain, int n,
                            rotation_limits_t *out);
/* The cycles: count, and each one's id, on and off days. */
int rotation_policy_ncycles(const rotation_policy_t *self);
void rotation_policy_cycle(const rotation_policy_t *self, int i, const char **id, int *on_days,
                           int *off_days);
/* The cycle a post kind runs on, or -1. */
int rotation_policy_cycle_of(const rotation_policy_t *self, const char *post_kind);
int rotation_policy_requires_medical(const rotation_policy_t *self, const char *post_kind);
/* Frontline days per compensatory rest day. */
int rotation_policy_leave_ratio(const rotation_policy_t *self);
const rp_weights_t *rotation_policy_weights(const rotation_policy_t *self);
int rotation_policy_default_days(const rotation_policy_t *self);
int rotation_policy_max_days(const rotation_policy_t *self);

#endif

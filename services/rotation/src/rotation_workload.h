/* rotation_workload: a person's workload from their duty log, measured at an instant, and what
 * it means against the rest thresholds (000 §3): ok, a warning at warn_percent of a threshold,
 * or exceeded (a forced rest order). Pure functions; times are UTC microseconds, days are
 * Asia/Shanghai calendar days. */
#ifndef ROTATION_WORKLOAD_H
#define ROTATION_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>
#include "rotation_policy.h"

typedef struct {
    int64_t start_us;
    int64_t end_us; /* 0: still on duty */
} rotation_duty_t;

typedef struct {
    int64_t minutes_day;  /* worked in the local day of the instant, up to it */
    int64_t minutes_7d;   /* worked in the 7 days before the instant */
    int consecutive_days; /* local days in a row up to the instant's, each with some duty */
    int64_t rest_minutes; /* before the latest duty began, since the one before it ended; -1 none */
} rotation_load_t;

typedef enum { ROTATION_OK = 0, ROTATION_WARN = 1, ROTATION_EXCEEDED = 2 } rotation_level_t;

typedef struct {
    const char *metric; /* minutes_day | minutes_7d | consecutive_days | rest_minutes */
    int64_t value, limit;
    int percent; /* value as a percentage of limit */
    rotation_level_t level;
} rotation_alert_t;

#define ROTATION_NMETRICS 4

/* Measures the load at now_us from duties (any order; a duty may be open). */
void rotation_workload_measure(const rotation_duty_t *duties, size_t n, int64_t now_us,
                               rotation_load_t *out);
/* Judges the load against the limits: out[ROTATION_NMETRICS], one per metric. For the
 * maximums: exceeded when above the limit, a warning from warn_percent of it. For the minimum
 * rest: exceeded when shorter, a warning when the limit is more than warn_percent of the rest
 * taken. Returns the highest level. */
rotation_level_t rotation_workload_judge(const rotation_load_t *load,
                                         const rotation_limits_t *limits, rotation_alert_t *out);

#endif

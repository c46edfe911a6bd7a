/* report_app: the report service's state between messages (policy, schedule, timers) and the
 * sources its figures come from. */
#ifndef REPORT_APP_H
#define REPORT_APP_H

#include <stddef.h>
#include <stdint.h>
#include "fc_redis.h"
#include "report_cron.h"
#include "report_policy.h"

/* Schedule name (Redis claim key and schedule_run row). */
#define REPORT_SCHEDULE "report.weekly"

/* Event types report publishes on fc:events:report. */
#define REPORT_EV_LATE "report.weekly_report_late"
#define REPORT_EV_MISSING "report.weekly_report_missing"
#define REPORT_EV_GENERATED "report.weekly_generated"

typedef struct {
    report_policy_t *policy;
    report_cron_t cron;
    int schedule_enabled;
    int source_timeout_ms;
    int64_t claim_ttl_ms;
    int catchup_s;
    int chase_interval_s;
    int schedule_lookback_days;
    int64_t next_schedule_ms; /* monotonic: when the tick next looks at the schedule */
    int64_t next_chase_ms;
    char period_done[16];    /* the last period known to have run */
    char waiting_period[16]; /* a period waiting for its sources to catch up */
    int64_t waiting_since_ms;
} report_app_t;

/* A service whose events feed report. */
typedef struct {
    const char *service;
    int subscribed;          /* report consumes its stream (its event contract exists) */
    const char *no_contract; /* why not, for the report (Chinese) */
} report_source_def_t;

extern const report_source_def_t report_source_defs[];
extern const size_t report_nsources;

/* What a source looked like when a report was built. */
typedef struct {
    const char *service;
    char status[16]; /* ok | unreachable | behind | no_contract */
    char detail[320];
    long long backlog;
} report_source_t;

/* Asks every subscribed source for its health in parallel (each with timeout_ms) and reads
 * report's backlog on its stream; fills srcs (report_nsources entries). */
void report_sources_check(void *zmq, fc_redis_t *redis, int timeout_ms, report_source_t *srcs);

/* Report's backlog on fc:events:<service> (delivered but unacknowledged, plus not yet read);
 * -1 if it cannot be read. */
long long report_sources_backlog(fc_redis_t *redis, const char *service);

#endif

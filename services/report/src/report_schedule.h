/* report_schedule: the report's periodic work, run from the service's tick: the weekly report
 * by its cron schedule (once per period across every replica: a Redis claim dispatches, a
 * PostgreSQL row per period is the record), and the chase of weekly leadership reports that
 * are missing when they fall due (report.weekly_report_missing, once per member and week). */
#ifndef REPORT_SCHEDULE_H
#define REPORT_SCHEDULE_H

#include "fc_service.h"

/* Bounded work; rate-limited inside. */
void report_schedule_tick(fc_service_t *svc);
/* The period the schedule runs for at fire time fire_us: the ISO week before (into out). */
void report_schedule_period(int64_t fire_us, char out[16]);

#endif

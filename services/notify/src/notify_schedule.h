/* notify_schedule: notify's own schedules, run from the service's tick with bounded work:
 * the periods of open series (liaison check-ins every week per hardship case; the weekly
 * post-epidemic health check per person until it is done), and the weekly report round
 * (every leadership-team member: a reminder, then late and missing escalations). A round's
 * period is recorded in PostgreSQL with the tasks it made, so it runs once; a Redis claim
 * keeps replicas from all trying at the same moment. */
#ifndef NOTIFY_SCHEDULE_H
#define NOTIFY_SCHEDULE_H

#include "notify_app.h"

/* One turn at business time now_us; *work_out how many items it made. */
int notify_schedule_run(notify_app_t *app, int64_t now_us, int *work_out, fc_err_t *err);
/* The health check campaign for everyone who served in org_code's subtree ("" = all), in the
 * caller's transaction. */
int notify_schedule_campaign(notify_app_t *app, fc_pg_t *pg, const char *org_code, int64_t at_us,
                             int *tasks_out, int *existing_out, fc_err_t *err);

#endif

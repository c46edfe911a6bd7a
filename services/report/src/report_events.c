/* report_events: intake's events into report's daily health counts. */
#include "report_events.h"
#include "fc/v1/intake.pb-c.h"
#include "fc_clock.h"

#include <stdio.h>
#include <string.h>

static int s_health_checked_in(fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__HealthCheckedIn *m = (Fc__V1__HealthCheckedIn *)fc_event_decode(
        ev, &fc__v1__health_checked_in__descriptor, err);
    if (!m)
        return FC_EINVAL;
    /* counted on the Shanghai calendar day the measurement was taken */
    int y, mo, d;
    fc_civil_from_days(fc_time_local_day(m->at_us), &y, &mo, &d);
    char day[16];
    snprintf(day, sizeof day, "%04d-%02d-%02d", y, mo, d);
    const char *p[] = {day, m->org_code, m->fever ? "1" : "0"};
    int rc = fc_pg_cmd(pg,
                       "INSERT INTO health_daily AS h (day, org_code, checkins, fevers)"
                       " VALUES ($1, $2, 1, $3)"
                       " ON CONFLICT (day, org_code) DO UPDATE SET checkins = h.checkins + 1,"
                       " fevers = h.fevers + EXCLUDED.fevers",
                       3, p, NULL, err);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

int report_on_intake_event(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    (void)app;
    if (strcmp(ev->type, "intake.health_checked_in") == 0)
        return s_health_checked_in(pg, ev, err);
    return FC_OK;
}

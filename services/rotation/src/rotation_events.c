/* rotation_events: intake's events into rotation's projection of each person's health. */
#include "rotation_events.h"
#include "fc/v1/intake.pb-c.h"
#include "fc_pb.h"

#include <stdio.h>
#include <string.h>

static int s_health_checked_in(fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__HealthCheckedIn *m = (Fc__V1__HealthCheckedIn *)fc_pb_unpack(
        &fc__v1__health_checked_in__descriptor, ev->payload, ev->payload_len, FC_PB_MAX_MESSAGE,
        NULL, "payload", err);
    if (!m)
        return FC_EINVAL;
    char temp[16], at[32], status[8];
    snprintf(temp, sizeof temp, "%d", (int)m->temperature_dc);
    snprintf(at, sizeof at, "%lld", (long long)m->at_us);
    snprintf(status, sizeof status, "%d", (int)m->health_status);
    const char *p[] = {m->employee_no, m->org_code, temp, at, m->fever ? "true" : "false",
                       status};
    /* the latest measurement wins, whatever order events arrive in; every one is counted */
    int rc = fc_pg_cmd(pg,
                       "INSERT INTO person_health AS h (employee_no, org_code, last_temp_dc,"
                       " last_at, fever, checkins, health_status)"
                       " VALUES ($1, $2, $3, to_timestamp($4::bigint / 1e6), $5, 1, $6)"
                       " ON CONFLICT (employee_no) DO UPDATE SET"
                       " checkins = h.checkins + 1,"
                       " org_code = CASE WHEN EXCLUDED.last_at >= h.last_at"
                       "   THEN EXCLUDED.org_code ELSE h.org_code END,"
                       " last_temp_dc = CASE WHEN EXCLUDED.last_at >= h.last_at"
                       "   THEN EXCLUDED.last_temp_dc ELSE h.last_temp_dc END,"
                       " fever = CASE WHEN EXCLUDED.last_at >= h.last_at"
                       "   THEN EXCLUDED.fever ELSE h.fever END,"
                       " health_status = CASE WHEN EXCLUDED.last_at >= h.last_at"
                       "   THEN EXCLUDED.health_status ELSE h.health_status END,"
                       " last_at = GREATEST(h.last_at, EXCLUDED.last_at)",
                       6, p, NULL, err);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

int rotation_on_intake_event(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    (void)app;
    if (strcmp(ev->type, "intake.health_checked_in") == 0)
        return s_health_checked_in(pg, ev, err);
    return FC_OK; /* events rotation does not need are consumed without effect */
}

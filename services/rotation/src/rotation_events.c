/* rotation_events: intake's events into rotation's projections (org tree, people, posts, duty
 * log, health), overload judgement on duty events, and replacement of anyone who becomes
 * unavailable (incident, health status, unfitness). Each runs inside the consumer's
 * transaction together with its inbox row, so it takes effect exactly once. */
#include "rotation_events.h"
#include "rotation_app.h"
#include "rotation_store.h"
#include "fc/v1/intake.pb-c.h"
#include "fc_clock.h"
#include "fc_log.h"
#include "fc_pb.h"
#include "fc_service.h"

#include <stdio.h>
#include <string.h>

static ProtobufCMessage *s_unpack(const ProtobufCMessageDescriptor *desc, const fc_event_t *ev,
                                  fc_err_t *err)
{
    return fc_pb_unpack(desc, ev->payload, ev->payload_len, FC_PB_MAX_MESSAGE, NULL, "payload",
                        err);
}

static int64_t s_at(int64_t msg_at, const fc_event_t *ev)
{
    return msg_at > 0 ? msg_at : ev->at_us;
}

static int s_health_checked_in(fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__HealthCheckedIn *m =
        (Fc__V1__HealthCheckedIn *)s_unpack(&fc__v1__health_checked_in__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    char temp[16], at[32], status[8];
    snprintf(temp, sizeof temp, "%d", (int)m->temperature_dc);
    snprintf(at, sizeof at, "%lld", (long long)m->at_us);
    snprintf(status, sizeof status, "%d", (int)m->health_status);
    const char *p[] = {m->employee_no, m->org_code, temp, at, m->fever ? "true" : "false", status};
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

static int s_org_upserted(fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__OrgUpserted *m =
        (Fc__V1__OrgUpserted *)s_unpack(&fc__v1__org_upserted__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    int rc = !m->unit || !m->unit->org_code[0]
                 ? fc_err_set(err, FC_EINVAL, "unit.org_code", "org event without an org code")
                 : rotation_store_org_upsert(pg, m->unit, s_at(m->at_us, ev), err);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

static int s_person_upserted(fc_service_t *svc, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__PersonUpserted *m =
        (Fc__V1__PersonUpserted *)s_unpack(&fc__v1__person_upserted__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    int rc = FC_OK, old_fit = -1, applied = 0;
    int64_t at = s_at(m->at_us, ev);
    const Fc__V1__Person *x = m->person;
    if (!x || !x->employee_no[0] || !x->org_code[0]) {
        rc = fc_err_set(err, FC_EINVAL, "person", "person event without employee_no or org_code");
        goto out;
    }
    if ((rc = rotation_store_person_upsert(pg, x, at, &old_fit, &applied, err)) != FC_OK ||
        !applied)
        goto out;
    if (!x->fit_for_frontline && old_fit != 0) {
        /* no longer fit for frontline duty: off the roster from now until declared fit */
        char source[96];
        int inserted = 0;
        snprintf(source, sizeof source, "unfit:%s:%lld", x->employee_no, (long long)at);
        rc = rotation_store_unavail_add(pg, x->employee_no, "unfit", at, 0, source, "", &inserted,
                                        err);
        if (rc == FC_OK && inserted && old_fit == 1)
            rc = rotation_app_unavailable(fc_service_app(svc), svc, x->employee_no, at, 0, "unfit",
                                          at, NULL, err);
    } else if (x->fit_for_frontline && old_fit == 0) {
        rc = rotation_store_unavail_close(pg, x->employee_no, "{unfit}", at, err);
    }
out:
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

static int s_post_upserted(fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__PostUpserted *m =
        (Fc__V1__PostUpserted *)s_unpack(&fc__v1__post_upserted__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    int rc = FC_OK;
    const Fc__V1__Post *x = m->post;
    if (!x || !x->post_code[0] || !x->org_code[0])
        rc = fc_err_set(err, FC_EINVAL, "post", "post event without post_code or org_code");
    for (size_t i = 0; rc == FC_OK && i < x->n_shifts; i++) {
        const Fc__V1__Shift *s = x->shifts[i];
        if (s->start_min < 0 || s->start_min > 1439 || s->end_min < 0 || s->end_min > 1440 ||
            s->headcount < 0)
            rc = fc_err_set(err, FC_EINVAL, "post.shifts", "shift %zu of post %s is out of range",
                            i, x->post_code);
    }
    if (rc == FC_OK)
        rc = rotation_store_post_upsert(pg, x, s_at(m->at_us, ev), err);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

static int s_duty(fc_service_t *svc, fc_pg_t *pg, const fc_event_t *ev, int out, fc_err_t *err)
{
    Fc__V1__DutyEvent *m = (Fc__V1__DutyEvent *)s_unpack(&fc__v1__duty_event__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    int rc = FC_OK;
    if (m->duty_id <= 0 || !m->employee_no[0] || !m->org_code[0] || m->start_us <= 0)
        rc = fc_err_set(err, FC_EINVAL, "duty",
                        "duty event without duty_id, employee_no, "
                        "org_code or start_us");
    else if (out && (m->end_us <= m->start_us || m->end_us - m->start_us > FC_US_PER_DAY))
        rc = fc_err_set(err, FC_EINVAL, "end_us", "duty %lld ends %lld us after it starts",
                        (long long)m->duty_id, (long long)(m->end_us - m->start_us));
    if (!out)
        m->end_us = 0;
    if (rc == FC_OK)
        rc = rotation_store_duty_upsert(pg, m, err);
    if (rc == FC_OK)
        rc = rotation_app_duty(fc_service_app(svc), svc, m, ev->at_us, err);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

static int s_health_status(fc_service_t *svc, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__HealthStatusChanged *m = (Fc__V1__HealthStatusChanged *)s_unpack(
        &fc__v1__health_status_changed__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    int rc = FC_OK;
    int64_t at = s_at(m->at_us, ev);
    if (!m->employee_no[0] || m->to < 1 || m->to > 7) {
        rc = fc_err_set(err, FC_EINVAL, "to", "health status event without employee or status");
        goto out;
    }
    if ((rc = rotation_store_person_health(pg, m->employee_no, m->to, at, err)) != FC_OK)
        goto out;
    if (m->to == FC__V1__HEALTH_STATUS__HEALTH_STATUS_HEALTHY ||
        m->to == FC__V1__HEALTH_STATUS__HEALTH_STATUS_RECOVERED) {
        /* fit again: open periods of illness end here (new shifts come with the next plan) */
        rc = rotation_store_unavail_close(pg, m->employee_no, "{health,incident}", at, err);
        goto out;
    }
    char source[96];
    int inserted = 0;
    snprintf(source, sizeof source, "health:%s:%lld:%d", m->employee_no, (long long)at, (int)m->to);
    rc = rotation_store_unavail_add(pg, m->employee_no, "health", at, 0, source, m->reason,
                                    &inserted, err);
    if (rc == FC_OK && inserted)
        rc = rotation_app_unavailable(fc_service_app(svc), svc, m->employee_no, at, 0, "health", at,
                                      NULL, err);
out:
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

static int s_incident(fc_service_t *svc, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__IncidentReported *m =
        (Fc__V1__IncidentReported *)s_unpack(&fc__v1__incident_reported__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    int rc = FC_OK, inserted = 0, changes = 0;
    int64_t at = s_at(m->at_us, ev);
    if (!m->employee_no[0] || m->incident_id <= 0) {
        rc = fc_err_set(err, FC_EINVAL, "incident", "incident event without id or employee");
        goto out;
    }
    char source[64], detail[300];
    snprintf(source, sizeof source, "incident:%lld", (long long)m->incident_id);
    snprintf(detail, sizeof detail, "%s %s", m->kind, m->description);
    rc = rotation_store_unavail_add(pg, m->employee_no, "incident", at, 0, source, detail,
                                    &inserted, err);
    if (rc == FC_OK && inserted)
        rc = rotation_app_unavailable(fc_service_app(svc), svc, m->employee_no, at, 0, "incident",
                                      at, &changes, err);
    if (rc == FC_OK)
        fc_log_info("incident.applied", "employee_no", FC_LS(m->employee_no), "kind",
                    FC_LS(m->kind), "shifts_replanned", FC_LI(changes), NULL);
out:
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

int rotation_on_intake_event(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    fc_service_t *svc = app;
    const char *t = ev->type;
    if (strcmp(t, "intake.health_checked_in") == 0)
        return s_health_checked_in(pg, ev, err);
    if (strcmp(t, "intake.org_upserted") == 0)
        return s_org_upserted(pg, ev, err);
    if (strcmp(t, "intake.person_upserted") == 0)
        return s_person_upserted(svc, pg, ev, err);
    if (strcmp(t, "intake.post_upserted") == 0)
        return s_post_upserted(pg, ev, err);
    if (strcmp(t, "intake.duty_checked_in") == 0)
        return s_duty(svc, pg, ev, 0, err);
    if (strcmp(t, "intake.duty_checked_out") == 0)
        return s_duty(svc, pg, ev, 1, err);
    if (strcmp(t, "intake.health_status_changed") == 0)
        return s_health_status(svc, pg, ev, err);
    if (strcmp(t, "intake.incident_reported") == 0)
        return s_incident(svc, pg, ev, err);
    return FC_OK; /* events rotation does not need are consumed without effect */
}

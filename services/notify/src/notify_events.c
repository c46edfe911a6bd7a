/* notify_events: intake's and welfare's events into notify's projection, tasks and reminders. */
#include "notify_events.h"
#include "fc/v1/intake.pb-c.h"
#include "fc/v1/rotation.pb-c.h"
#include "fc/v1/welfare.pb-c.h"
#include "fc_clock.h"
#include "fc_log.h"
#include "fc_pb.h"
#include "notify_remind.h"
#include "notify_rules.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define S_TALK_WITHIN_DAYS 7 /* a heart-to-heart talk is asked for within a week */
#define S_MAX_SPAN_DAYS 31   /* a duty period longer than this is bad data */

static ProtobufCMessage *s_unpack(const ProtobufCMessageDescriptor *d, const fc_event_t *ev,
                                  fc_err_t *err)
{
    return fc_pb_unpack(d, ev->payload, ev->payload_len, FC_PB_MAX_MESSAGE, NULL, "payload", err);
}

static int s_need(const char *value, const char *field, const fc_event_t *ev, fc_err_t *err)
{
    if (value && *value)
        return FC_OK;
    return fc_err_set(err, FC_EINVAL, field, "event %s has no %s", ev->type, field);
}

/* Records every open task of (kind, subject) done (as by, at at); *n_out how many there were
 * (may be NULL). */
static int s_done_open(notify_app_t *app, fc_pg_t *pg, const char *kind, const char *subject,
                       int64_t at, const char *by, int *n_out, fc_err_t *err)
{
    int64_t ids[16];
    int n = 0;
    int rc = notify_store_tasks_open(pg, kind, subject, ids, 16, &n, err);
    for (int i = 0; i < n && rc == FC_OK; i++) {
        int64_t id = 0;
        int cancelled = 0, already = 0;
        rc = notify_task_done(app, pg, ids[i], NULL, NULL, NULL, at, by, "", 0, &id, &cancelled,
                              &already, err);
    }
    if (n_out)
        *n_out = n;
    return rc;
}

/* Records the task (kind, subject, period) done, which cancels what it still had scheduled.
 * One notify never opened: with create, it is created done (the event overtook the one that
 * would have opened it, so that one reminds of nothing); without, it is let be. */
static int s_done_key(notify_app_t *app, fc_pg_t *pg, const char *kind, const char *subject,
                      const char *period, int64_t at, const char *by, int create, fc_err_t *err)
{
    int64_t id = 0;
    int cancelled = 0, already = 0;
    int rc = notify_task_done(app, pg, 0, kind, subject, period, at, by, "", create, &id,
                              &cancelled, &already, err);
    if (rc == FC_ENOTFOUND && !create) { /* a task notify never heard of */
        fc_err_clear(err);
        rc = FC_OK;
    }
    return rc;
}

/* org_name and subsidiary_name of a unit, added to vars. */
static int s_org_vars(fc_pg_t *pg, const char *org, json_t *vars, fc_err_t *err)
{
    notify_person_info_t info;
    memset(&info, 0, sizeof info);
    int rc = notify_store_org_info(pg, org, &info, err);
    if (rc == FC_OK) {
        json_object_set_new(vars, "org_name", json_string(info.org_name));
        json_object_set_new(vars, "subsidiary_name", json_string(info.subsidiary_name));
    }
    return rc;
}

/* ---- intake ------------------------------------------------------------------------------ */

static int s_org(fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__OrgUpserted *m =
        (Fc__V1__OrgUpserted *)s_unpack(&fc__v1__org_upserted__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    int rc = m->unit ? s_need(m->unit->org_code, "unit.org_code", ev, err)
                     : fc_err_set(err, FC_EINVAL, "unit", "event %s has no unit", ev->type);
    if (rc == FC_OK)
        rc = notify_store_org_upsert(pg, m->unit->org_code, m->unit->parent_code, m->unit->name,
                                     m->unit->kind, m->at_us ? m->at_us : ev->at_us, err);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

/* The deceased are told nothing more: their own reminders end. */
static int s_end_person(fc_pg_t *pg, const char *emp, int64_t at, fc_err_t *err)
{
    static const char *kinds[] = {"health_check", "heart_talk", "weekly_report"};
    int rc = notify_store_series_close(pg, "health_check", emp, err);
    for (size_t i = 0; rc == FC_OK && i < sizeof kinds / sizeof kinds[0]; i++)
        rc = notify_store_tasks_cancel(pg, kinds[i], emp, at, NULL, err);
    return rc;
}

static int s_person(fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__PersonUpserted *m =
        (Fc__V1__PersonUpserted *)s_unpack(&fc__v1__person_upserted__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    const Fc__V1__Person *p = m->person;
    int64_t at = m->at_us ? m->at_us : ev->at_us;
    int rc = p ? s_need(p->employee_no, "person.employee_no", ev, err)
               : fc_err_set(err, FC_EINVAL, "person", "event %s has no person", ev->type);
    if (rc == FC_OK)
        rc = notify_store_person_upsert(pg, p->employee_no, p->name, p->phone, p->org_code,
                                        p->leadership_team, p->health_status, at, err);
    if (rc == FC_OK && p->health_status == FC__V1__HEALTH_STATUS__HEALTH_STATUS_DECEASED)
        rc = s_end_person(pg, p->employee_no, at, err);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

/* Enough duty days since the last talk (and none asked for yet): ask the branch secretary. */
static int s_heart_talk(notify_app_t *app, fc_pg_t *pg, const char *emp, const char *org,
                        int64_t now, fc_err_t *err)
{
    int days = 0, talks = 0, open = 0;
    int rc = notify_store_heart_state(pg, emp, &days, &talks, &open, err);
    if (rc != FC_OK || open || days < app->policy.heart_talk_duty_days)
        return rc;
    char period[16];
    snprintf(period, sizeof period, "c%d", talks + 1);
    int64_t due = now + S_TALK_WITHIN_DAYS * FC_US_PER_DAY;
    notify_task_spec_t t = {"heart_talk", emp, period, emp, org, due};
    int64_t task_id = 0;
    int created = 0;
    char state[16];
    if ((rc = notify_task_open(app, pg, &t, now, &task_id, &created, state, err)) != FC_OK ||
        !created)
        return rc;
    json_t *vars = notify_vars_person(pg, emp, org, err);
    if (!vars)
        return err->code ? err->code : FC_ERR;
    json_object_set_new(vars, "duty_days", json_sprintf("%d", days));
    static const char *to[] = {"secretary"};
    notify_reminder_spec_t r = {"heart_talk_due", emp, period, emp, org, now, 0, 0,
                                task_id,          to,  1,      NULL};
    r.urgent = notify_policy_urgent(&app->policy, r.kind);
    notify_vars_time(vars, "due_local", due);
    rc = notify_remind_add(app, pg, &r, vars, now, &created, err);
    json_decref(vars);
    return rc;
}

static int s_duty(notify_app_t *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__DutyEvent *m = (Fc__V1__DutyEvent *)s_unpack(&fc__v1__duty_event__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    int rc = s_need(m->employee_no, "employee_no", ev, err);
    int64_t first = fc_time_local_day(m->start_us ? m->start_us : ev->at_us);
    int64_t last = m->end_us ? fc_time_local_day(m->end_us) : first;
    if (rc == FC_OK && (last < first || last - first > S_MAX_SPAN_DAYS))
        rc = fc_err_set(err, FC_EINVAL, "end_us", "duty period of %s spans %" PRId64 " days",
                        m->employee_no, last - first);
    int any_new = 0;
    for (int64_t d = first; rc == FC_OK && d <= last; d++) {
        int fresh = 0;
        rc = notify_store_duty_day(pg, m->employee_no, d, &fresh, err);
        any_new |= fresh;
    }
    if (rc == FC_OK && any_new)
        rc = s_heart_talk(app, pg, m->employee_no, m->org_code, fc_clock_now_us(), err);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

static int s_incident(notify_app_t *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__IncidentReported *m =
        (Fc__V1__IncidentReported *)s_unpack(&fc__v1__incident_reported__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    json_t *vars = NULL;
    int rc = s_need(m->employee_no, "employee_no", ev, err);
    if (rc == FC_OK)
        rc = s_need(m->kind, "kind", ev, err);
    int visit = rc == FC_OK && notify_policy_visit_kind(&app->policy, m->kind);
    if (rc != FC_OK || (!visit && !m->major))
        goto out;
    int64_t now = fc_clock_now_us();
    int64_t at = m->at_us ? m->at_us : ev->at_us;
    if (!(vars = notify_vars_person(pg, m->employee_no, m->org_code, err))) {
        rc = err->code ? err->code : FC_ERR;
        goto out;
    }
    json_object_set_new(vars, "incident_kind", json_string(m->kind));
    json_object_set_new(vars, "description", json_string(m->description));
    notify_vars_time(vars, "at_local", at);
    char subject[48];
    snprintf(subject, sizeof subject, "incident:%" PRId64, m->incident_id);
    int created = 0;
    if (visit) {
        /* 第一时间看望慰问 (000 §1): the branch secretary and the subsidiary visit in time */
        int64_t due = at + (int64_t)app->policy.visit_within_hours * 3600 * FC_US_PER_S;
        notify_task_spec_t t = {"incident_visit", subject, "", m->employee_no, m->org_code, due};
        int64_t task_id = 0;
        char state[16];
        if ((rc = notify_task_open(app, pg, &t, now, &task_id, &created, state, err)) != FC_OK)
            goto out;
        static const char *to[] = {"secretary", "subsidiary"};
        notify_reminder_spec_t r = {"incident_visit", subject, "", m->employee_no,
                                    m->org_code,      at,      0,  0,
                                    task_id,          to,      2,  NULL};
        r.urgent = notify_policy_urgent(&app->policy, r.kind);
        notify_vars_time(vars, "due_local", due);
        if ((rc = notify_remind_add(app, pg, &r, vars, now, &created, err)) != FC_OK)
            goto out;
        /* not recorded done by the deadline: the next level up is told */
        static const char *up[] = {"group"};
        notify_reminder_spec_t e = {"incident_visit_overdue",
                                    subject,
                                    "",
                                    m->employee_no,
                                    m->org_code,
                                    due,
                                    0,
                                    1,
                                    task_id,
                                    up,
                                    1,
                                    NULL};
        e.urgent = notify_policy_urgent(&app->policy, e.kind);
        if ((rc = notify_remind_add(app, pg, &e, vars, now, &created, err)) != FC_OK)
            goto out;
    }
    if (m->major) {
        /* 专报 (002 §7): a death or an infection is reported to the group at once */
        static const char *to[] = {"group"};
        notify_reminder_spec_t r = {"incident_major_report",
                                    subject,
                                    "",
                                    m->employee_no,
                                    m->org_code,
                                    at,
                                    0,
                                    0,
                                    0,
                                    to,
                                    1,
                                    NULL};
        r.urgent = notify_policy_urgent(&app->policy, r.kind);
        rc = notify_remind_add(app, pg, &r, vars, now, &created, err);
    }
out:
    json_decref(vars);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

static int s_hardship(notify_app_t *app, fc_pg_t *pg, const fc_event_t *ev, int opened,
                      fc_err_t *err)
{
    Fc__V1__HardshipCase *m =
        (Fc__V1__HardshipCase *)s_unpack(&fc__v1__hardship_case__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    json_t *vars = NULL;
    char subject[48];
    snprintf(subject, sizeof subject, "hardship:%" PRId64, m->case_id);
    int rc = m->case_id > 0
                 ? s_need(m->employee_no, "employee_no", ev, err)
                 : fc_err_set(err, FC_EINVAL, "case_id", "event %s has no case_id", ev->type);
    if (rc != FC_OK)
        goto out;
    int64_t at = m->at_us ? m->at_us : ev->at_us;
    if (!opened || m->closed) {
        if ((rc = notify_store_series_close(pg, "liaison_checkin", subject, err)) == FC_OK)
            rc = notify_store_tasks_cancel(pg, "liaison_checkin", subject, at, NULL, err);
        goto out;
    }
    if (!(vars = notify_vars_person(pg, m->employee_no, m->org_code, err))) {
        rc = err->code ? err->code : FC_ERR;
        goto out;
    }
    json_object_set_new(vars, "hardship_category", json_string(m->category));
    /* "一对一" (000 §5): the assigned liaison; without one, the branch secretary */
    char liaison[80];
    snprintf(liaison, sizeof liaison, "emp:%s", m->liaison_employee_no);
    const char *to[] = {m->liaison_employee_no[0] ? liaison : "secretary"};
    int64_t every = (int64_t)app->policy.liaison_every_days * FC_US_PER_DAY;
    char *vtext = json_dumps(vars, JSON_COMPACT);
    int created = 0;
    rc = notify_store_series_open(pg, "liaison_checkin", subject, m->employee_no, m->org_code,
                                  every, at + every, 1, to, 1, vtext, &created, err);
    free(vtext);
out:
    json_decref(vars);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

static int s_weekly_report(notify_app_t *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__WeeklyReportSubmitted *m = (Fc__V1__WeeklyReportSubmitted *)s_unpack(
        &fc__v1__weekly_report_submitted__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    int rc = s_need(m->employee_no, "employee_no", ev, err);
    if (rc == FC_OK)
        rc = s_need(m->iso_week, "iso_week", ev, err);
    int64_t id = 0;
    int cancelled = 0, already = 0;
    /* submitted early: the task is created done, so this week's round skips it */
    if (rc == FC_OK)
        rc = notify_task_done(app, pg, 0, "weekly_report", m->employee_no, m->iso_week,
                              m->submitted_us ? m->submitted_us : ev->at_us, "intake", "", 1, &id,
                              &cancelled, &already, err);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

/* ---- discrimination cases (intake keeps the case, 000 §9; notify chases its handling) ---- */

/* Opens the task (kind, subject) due at due and, while it is open, its reminder of rkind to
 * one recipient at the same time (an escalation: it goes out only if the task is still open
 * then, and marks it escalated). A task already done (the case moved on before this event
 * arrived) reminds of nothing. */
static int s_case_deadline(notify_app_t *app, fc_pg_t *pg, const char *kind, const char *rkind,
                           const char *to, const char *subject, const char *emp, const char *org,
                           int64_t due, const json_t *vars, int64_t now, fc_err_t *err)
{
    notify_task_spec_t t = {kind, subject, "", emp, org, due};
    int64_t task_id = 0;
    int created = 0;
    char state[16];
    int rc = notify_task_open(app, pg, &t, now, &task_id, &created, state, err);
    if (rc != FC_OK || strcmp(state, "open") != 0)
        return rc;
    const char *tos[] = {to};
    notify_reminder_spec_t r = {rkind, subject, "", emp, org, due, 0, 1, task_id, tos, 1, NULL};
    r.urgent = notify_policy_urgent(&app->policy, r.kind);
    return notify_remind_add(app, pg, &r, vars, now, &created, err);
}

/* intake.discrimination_case_changed: reported -> handling -> closed. Reported: task
 * discrimination_handle due handle_within_days later (its reminder discrimination_unhandled to
 * the organisation department of the person's subsidiary) and task discrimination_close due
 * close_within_days later (discrimination_overdue to the group's). Handling: the first task is
 * done; closed: both. The event carries no texts and neither do the reminders: the case
 * number, the employee number, the unit, staff or family, and the dates. */
static int s_discrimination(notify_app_t *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__DiscriminationCaseChanged *m = (Fc__V1__DiscriminationCaseChanged *)s_unpack(
        &fc__v1__discrimination_case_changed__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    json_t *vars = NULL;
    int rc = m->case_id > 0
                 ? s_need(m->employee_no, "employee_no", ev, err)
                 : fc_err_set(err, FC_EINVAL, "case_id", "event %s has no case_id", ev->type);
    if (rc == FC_OK)
        rc = s_need(m->org_code, "org_code", ev, err);
    int reported = strcmp(m->state, "reported") == 0, closed = strcmp(m->state, "closed") == 0;
    if (rc == FC_OK && !reported && !closed && strcmp(m->state, "handling") != 0)
        rc = fc_err_set(err, FC_EINVAL, "state",
                        "event %s: state \"%s\" is not reported|handling|closed", ev->type,
                        m->state);
    if (rc == FC_OK && strcmp(m->victim, "staff") != 0 && strcmp(m->victim, "family") != 0)
        rc = fc_err_set(err, FC_EINVAL, "victim", "event %s: victim \"%s\" is not staff|family",
                        ev->type, m->victim);
    if (rc != FC_OK)
        goto out;
    char subject[48];
    snprintf(subject, sizeof subject, "discrimination:%" PRId64, m->case_id);
    int64_t now = fc_clock_now_us();
    int64_t at = m->at_us ? m->at_us : ev->at_us;
    if (!reported) {
        /* moved on: what was due for "reported" is no longer; closed, nothing more is */
        rc = s_done_key(app, pg, "discrimination_handle", subject, "", at, "intake", 1, err);
        if (rc == FC_OK && closed)
            rc = s_done_key(app, pg, "discrimination_close", subject, "", at, "intake", 1, err);
        goto out;
    }
    const notify_policy_t *pol = &app->policy;
    vars = json_pack("{s:s, s:s}", "employee_no", m->employee_no, "victim", m->victim);
    json_object_set_new(vars, "case_id", json_sprintf("%" PRId64, m->case_id));
    json_object_set_new(vars, "handle_days", json_sprintf("%d", pol->disc_handle_days));
    json_object_set_new(vars, "close_days", json_sprintf("%d", pol->disc_close_days));
    notify_vars_time(vars, "reported_local", at);
    if ((rc = s_org_vars(pg, m->org_code, vars, err)) != FC_OK)
        goto out;
    /* 第一时间: not taken in hand in time, the subsidiary's organisation department */
    rc = s_case_deadline(app, pg, "discrimination_handle", "discrimination_unhandled", "subsidiary",
                         subject, m->employee_no, m->org_code,
                         at + (int64_t)pol->disc_handle_days * FC_US_PER_DAY, vars, now, err);
    /* not closed in time: the group's */
    if (rc == FC_OK)
        rc = s_case_deadline(app, pg, "discrimination_close", "discrimination_overdue", "group",
                             subject, m->employee_no, m->org_code,
                             at + (int64_t)pol->disc_close_days * FC_US_PER_DAY, vars, now, err);
out:
    json_decref(vars);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

/* ---- village first secretaries (intake keeps the assignment, 002 §12) ---- */

/* intake.village_assignment_changed: assigned, updated, returned. While on assignment with a
 * planned return date, one open task village_return (subject village:<id>, period
 * "<n>:<date>", the n-th schedule of the assignment) due remind_after_days after that date, and
 * its reminder village_return_due to the subsidiary's organisation department and the person.
 * A changed date cancels that task (and its reminder) and opens the next; the same date again
 * changes nothing; a return records the task done (or, with none open, a done "returned" task,
 * so an event that arrives late schedules nothing more). */
static int s_village(notify_app_t *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__VillageAssignmentChanged *m = (Fc__V1__VillageAssignmentChanged *)s_unpack(
        &fc__v1__village_assignment_changed__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    json_t *vars = NULL;
    const Fc__V1__VillageAssignment *a = m->assignment;
    int rc = a ? s_need(a->employee_no, "assignment.employee_no", ev, err)
               : fc_err_set(err, FC_EINVAL, "assignment", "event %s has no assignment", ev->type);
    if (rc == FC_OK)
        rc = s_need(a->org_code, "assignment.org_code", ev, err);
    if (rc == FC_OK && a->assignment_id <= 0)
        rc = fc_err_set(err, FC_EINVAL, "assignment.assignment_id", "event %s has no assignment_id",
                        ev->type);
    if (rc == FC_OK && (a->planned_return_us < 0 || a->returned_us < 0))
        rc = fc_err_set(err, FC_EINVAL, "assignment.planned_return_us",
                        "event %s has a negative time", ev->type);
    if (rc != FC_OK)
        goto out;
    char subject[48];
    snprintf(subject, sizeof subject, "village:%" PRId64, a->assignment_id);
    int64_t now = fc_clock_now_us();
    notify_task_tally_t tally;
    if ((rc = notify_store_task_tally(pg, "village_return", subject, 1, &tally, err)) != FC_OK)
        goto out;
    if (a->returned_us) {
        int n = 0;
        rc = s_done_open(app, pg, "village_return", subject, a->returned_us, "intake", &n, err);
        if (rc == FC_OK && n == 0)
            rc = s_done_key(app, pg, "village_return", subject, "returned", a->returned_us,
                            "intake", 1, err);
        goto out;
    }
    int64_t due = a->planned_return_us + (int64_t)app->policy.village_after_days * FC_US_PER_DAY;
    /* returned already (an event that arrived late), no date yet, or the same date again */
    if (tally.done || !a->planned_return_us || (tally.open_id && tally.open_due_us == due))
        goto out;
    if (tally.open_id &&
        (rc = notify_store_tasks_cancel(pg, "village_return", subject, now, NULL, err)) != FC_OK)
        goto out;
    if (!(vars = notify_vars_person(pg, a->employee_no, a->org_code, err))) {
        rc = err->code ? err->code : FC_ERR;
        goto out;
    }
    json_object_set_new(vars, "village", json_string(a->village));
    json_object_set_new(vars, "township", json_string(a->township));
    notify_vars_time(vars, "start_local", a->start_us);
    notify_vars_time(vars, "planned_local", a->planned_return_us);
    char period[48], day[16];
    notify_local_minute(a->planned_return_us, day, 11); /* "2026-12-01" */
    snprintf(period, sizeof period, "%d:%s", tally.total + 1, day);
    notify_task_spec_t t = {"village_return", subject, period, a->employee_no, a->org_code, due};
    int64_t task_id = 0;
    int created = 0;
    char state[16];
    if ((rc = notify_task_open(app, pg, &t, now, &task_id, &created, state, err)) != FC_OK ||
        strcmp(state, "open") != 0)
        goto out;
    static const char *to[] = {"subsidiary", "person"};
    notify_reminder_spec_t r = {"village_return_due",
                                subject,
                                period,
                                a->employee_no,
                                a->org_code,
                                due,
                                0,
                                0,
                                task_id,
                                to,
                                2,
                                NULL};
    r.urgent = notify_policy_urgent(&app->policy, r.kind);
    rc = notify_remind_add(app, pg, &r, vars, now, &created, err);
out:
    json_decref(vars);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

int notify_on_intake(void *svc, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    notify_app_t *app = notify_app(svc);
    const char *t = ev->type;
    if (strcmp(t, "intake.org_upserted") == 0)
        return s_org(pg, ev, err);
    if (strcmp(t, "intake.person_upserted") == 0)
        return s_person(pg, ev, err);
    if (strcmp(t, "intake.duty_checked_in") == 0 || strcmp(t, "intake.duty_checked_out") == 0)
        return s_duty(app, pg, ev, err);
    if (strcmp(t, "intake.incident_reported") == 0)
        return s_incident(app, pg, ev, err);
    if (strcmp(t, "intake.hardship_case_opened") == 0)
        return s_hardship(app, pg, ev, 1, err);
    if (strcmp(t, "intake.hardship_case_closed") == 0)
        return s_hardship(app, pg, ev, 0, err);
    if (strcmp(t, "intake.weekly_report_submitted") == 0)
        return s_weekly_report(app, pg, ev, err);
    if (strcmp(t, "intake.discrimination_case_changed") == 0)
        return s_discrimination(app, pg, ev, err);
    if (strcmp(t, "intake.village_assignment_changed") == 0)
        return s_village(app, pg, ev, err);
    return FC_OK; /* events notify does not need are consumed without effect */
}

/* ---- welfare ------------------------------------------------------------------------------ */

static int s_paid(notify_app_t *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__DisbursementEvent *m =
        (Fc__V1__DisbursementEvent *)s_unpack(&fc__v1__disbursement_event__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    json_t *vars = NULL;
    const Fc__V1__Disbursement *d = m->disbursement;
    int rc =
        d ? s_need(d->employee_no, "disbursement.employee_no", ev, err)
          : fc_err_set(err, FC_EINVAL, "disbursement", "event %s has no disbursement", ev->type);
    if (rc != FC_OK)
        goto out;
    int64_t at = m->at_us ? m->at_us : ev->at_us;
    if (!(vars = notify_vars_person(pg, d->employee_no, d->person_org, err))) {
        rc = err->code ? err->code : FC_ERR;
        goto out;
    }
    char yuan[32], subject[48];
    notify_fen_yuan(d->amount_fen, yuan, sizeof yuan);
    json_object_set_new(vars, "payment_kind", json_string(d->kind));
    json_object_set_new(vars, "amount_yuan", json_string(yuan));
    notify_vars_time(vars, "at_local", at);
    snprintf(subject, sizeof subject, "disbursement:%" PRId64, d->id);
    static const char *to[] = {"person"};
    notify_reminder_spec_t r = {
        "payment_paid", subject, "", d->employee_no, d->person_org, at, 0, 0, 0, to, 1, NULL};
    r.urgent = notify_policy_urgent(&app->policy, r.kind);
    int created = 0;
    rc = notify_remind_add(app, pg, &r, vars, fc_clock_now_us(), &created, err);
out:
    json_decref(vars);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

static int s_family(notify_app_t *app, fc_pg_t *pg, const fc_event_t *ev, int due_event,
                    fc_err_t *err)
{
    Fc__V1__FamilyCareEvent *m =
        (Fc__V1__FamilyCareEvent *)s_unpack(&fc__v1__family_care_event__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    json_t *vars = NULL;
    const Fc__V1__FamilyCare *f = m->record;
    int rc = f ? s_need(f->employee_no, "record.employee_no", ev, err)
               : fc_err_set(err, FC_EINVAL, "record", "event %s has no record", ev->type);
    if (rc != FC_OK)
        goto out;
    char subject[64];
    snprintf(subject, sizeof subject, "family:%s", f->employee_no);
    int64_t now = fc_clock_now_us();
    int64_t at = m->at_us ? m->at_us : ev->at_us;
    if (!due_event) {
        /* a visit made: every open visit task of this family is done */
        rc = s_done_open(app, pg, "family_visit", subject, at, "welfare", NULL, err);
        goto out;
    }
    if (!(vars = notify_vars_person(pg, f->employee_no, f->org_code, err))) {
        rc = err->code ? err->code : FC_ERR;
        goto out;
    }
    if (f->person_name[0])
        json_object_set_new(vars, "person_name", json_string(f->person_name));
    json_object_set_new(vars, "contact_name", json_string(f->contact_name));
    int64_t due = f->next_due_us ? f->next_due_us : at;
    char period[16];
    notify_local_minute(due, period, 11); /* the due date, "2026-12-01" */
    notify_task_spec_t t = {"family_visit", subject, period, f->employee_no, f->org_code, due};
    int64_t task_id = 0;
    int created = 0;
    char state[16];
    if ((rc = notify_task_open(app, pg, &t, now, &task_id, &created, state, err)) != FC_OK ||
        strcmp(state, "open") != 0)
        goto out;
    char liaison[80];
    snprintf(liaison, sizeof liaison, "emp:%s", f->liaison_employee_no);
    const char *to[] = {"secretary", liaison};
    notify_reminder_spec_t r = {"family_visit_due",
                                subject,
                                period,
                                f->employee_no,
                                f->org_code,
                                at,
                                0,
                                0,
                                task_id,
                                to,
                                f->liaison_employee_no[0] ? 2 : 1,
                                NULL};
    r.urgent = notify_policy_urgent(&app->policy, r.kind);
    notify_vars_time(vars, "due_local", due);
    if ((rc = notify_remind_add(app, pg, &r, vars, now, &created, err)) != FC_OK)
        goto out;
    static const char *up[] = {"subsidiary"};
    int64_t late = due + (int64_t)app->policy.family_overdue_days * FC_US_PER_DAY;
    notify_reminder_spec_t e = {"family_visit_overdue",
                                subject,
                                period,
                                f->employee_no,
                                f->org_code,
                                late,
                                0,
                                1,
                                task_id,
                                up,
                                1,
                                NULL};
    e.urgent = notify_policy_urgent(&app->policy, e.kind);
    rc = notify_remind_add(app, pg, &e, vars, now, &created, err);
out:
    json_decref(vars);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

/* ---- benefit application cases (welfare owns the case; notify chases its deadlines) ---- */

/* The task of one step of a case: kind benefit_step, subject benefit:<id>, period
 * "<index>:<step>" — one per step, so a reminder is never made twice for it. */
static void s_benefit_period(char *buf, size_t n, int index, const char *step)
{
    snprintf(buf, n, "%d:%s", index, step);
}

static int s_benefit_done(notify_app_t *app, fc_pg_t *pg, const char *subject, int index,
                          const char *step, int64_t at, fc_err_t *err)
{
    char period[64];
    s_benefit_period(period, sizeof period, index, step);
    /* a step notify never heard of (events from before it ran) is let be */
    return s_done_key(app, pg, "benefit_step", subject, period, at, "welfare", 0, err);
}

static int s_benefit(notify_app_t *app, fc_pg_t *pg, const fc_event_t *ev, int what, fc_err_t *err)
{
    Fc__V1__BenefitCaseEvent *m =
        (Fc__V1__BenefitCaseEvent *)s_unpack(&fc__v1__benefit_case_event__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    json_t *vars = NULL;
    const Fc__V1__BenefitCase *x = m->benefit;
    int rc = x ? s_need(x->employee_no, "benefit.employee_no", ev, err)
               : fc_err_set(err, FC_EINVAL, "benefit", "event %s has no case", ev->type);
    if (rc == FC_OK)
        rc = s_need(x->step, "benefit.step", ev, err);
    if (rc == FC_OK && x->id <= 0)
        rc = fc_err_set(err, FC_EINVAL, "benefit.id", "event %s has no case id", ev->type);
    if (rc != FC_OK)
        goto out;
    char subject[48], period[64];
    snprintf(subject, sizeof subject, "benefit:%" PRId64, x->id);
    int64_t now = fc_clock_now_us();
    int64_t at = m->at_us ? m->at_us : ev->at_us;
    if (what == 1 && x->step_index > 0 && m->previous_step[0] &&
        (rc = s_benefit_done(app, pg, subject, x->step_index - 1, m->previous_step, at, err)) !=
            FC_OK)
        goto out;
    if (what == 2) { /* closed: the last step is done, nothing more to chase */
        rc = s_benefit_done(app, pg, subject, x->step_index, x->step, at, err);
        goto out;
    }
    if (!(vars = notify_vars_person(pg, x->employee_no, x->org_code, err))) {
        rc = err->code ? err->code : FC_ERR;
        goto out;
    }
    json_object_set_new(vars, "benefit_kind", json_string(x->kind));
    json_object_set_new(vars, "case_id", json_sprintf("%" PRId64, x->id));
    json_object_set_new(vars, "step_label",
                        json_string(x->step_label[0] ? x->step_label : x->step));
    json_object_set_new(vars, "handler", json_string(x->handler));
    notify_vars_time(vars, "deadline_local", x->step_deadline_us);
    s_benefit_period(period, sizeof period, x->step_index, x->step);
    notify_task_spec_t t = {"benefit_step", subject,     period,
                            x->employee_no, x->org_code, x->step_deadline_us};
    int64_t task_id = 0;
    int created = 0;
    char state[16];
    if ((rc = notify_task_open(app, pg, &t, now, &task_id, &created, state, err)) != FC_OK ||
        strcmp(state, "open") != 0)
        goto out;
    /* the handler (a person, or a department "desk:ORG") and the branch secretary, N days
     * before the deadline (at once if that is already past) */
    char handler[96];
    if (strncmp(x->handler, "desk:", 5) == 0)
        snprintf(handler, sizeof handler, "%s", x->handler);
    else
        snprintf(handler, sizeof handler, "emp:%s", x->handler);
    const char *to[] = {"secretary", handler};
    int64_t due = x->step_deadline_us - (int64_t)app->policy.benefit_remind_days * FC_US_PER_DAY;
    if (due < at)
        due = at;
    notify_reminder_spec_t r = {
        "benefit_step_due",    subject, period, x->employee_no, x->org_code, due, 0, 0, task_id, to,
        x->handler[0] ? 2 : 1, NULL};
    r.urgent = notify_policy_urgent(&app->policy, r.kind);
    if ((rc = notify_remind_add(app, pg, &r, vars, now, &created, err)) != FC_OK)
        goto out;
    /* not moved on by the deadline: the subsidiary's organisation department is told */
    static const char *up[] = {"subsidiary"};
    notify_reminder_spec_t e = {"benefit_step_overdue",
                                subject,
                                period,
                                x->employee_no,
                                x->org_code,
                                x->step_deadline_us,
                                0,
                                1,
                                task_id,
                                up,
                                1,
                                NULL};
    e.urgent = notify_policy_urgent(&app->policy, e.kind);
    rc = notify_remind_add(app, pg, &e, vars, now, &created, err);
out:
    json_decref(vars);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

/* What both supply reminders end with: the names of the post's unit and subsidiary added to
 * vars, and the subsidiary's organisation department reminded once under (kind, subject,
 * period). vars stays the caller's. */
static int s_remind_supply(notify_app_t *app, fc_pg_t *pg, const char *kind, const char *subject,
                           const char *period, const char *org, int64_t at, json_t *vars,
                           fc_err_t *err)
{
    int rc = s_org_vars(pg, org, vars, err);
    if (rc != FC_OK)
        return rc;
    static const char *to[] = {"subsidiary"};
    notify_reminder_spec_t r = {kind, subject, period, "", org, at, 0, 0, 0, to, 1, NULL};
    r.urgent = notify_policy_urgent(&app->policy, r.kind);
    int created = 0;
    return notify_remind_add(app, pg, &r, vars, fc_clock_now_us(), &created, err);
}

/* A post's daily need (meals, lodging, warmth, night duty, transport) not met by its due time
 * (000 §3): the organisation department of the post's subsidiary is reminded, once per need
 * (welfare publishes it once; the reminder's key is the need and its day). */
static int s_supply_need(notify_app_t *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__SupplyNeedEvent *m =
        (Fc__V1__SupplyNeedEvent *)s_unpack(&fc__v1__supply_need_event__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    json_t *vars = NULL;
    const Fc__V1__SupplyNeed *n = m->need;
    int rc = n ? s_need(n->post_code, "need.post_code", ev, err)
               : fc_err_set(err, FC_EINVAL, "need", "event %s has no need", ev->type);
    if (rc == FC_OK)
        rc = s_need(n->org_code, "need.org_code", ev, err);
    if (rc == FC_OK)
        rc = s_need(n->day, "need.day", ev, err);
    if (rc == FC_OK && n->id <= 0)
        rc = fc_err_set(err, FC_EINVAL, "need.id", "event %s has no need id", ev->type);
    if (rc != FC_OK)
        goto out;
    char qty[32], subject[48];
    snprintf(qty, sizeof qty, "%" PRId64, n->quantity);
    vars = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "post_code", n->post_code,
                     "post_name", n->post_name[0] ? n->post_name : n->post_code, "item_name",
                     n->item_name[0] ? n->item_name : n->item, "quantity", qty, "unit", n->unit,
                     "day", n->day, "detail", n->detail);
    notify_vars_time(vars, "need_due_local", n->due_us);
    snprintf(subject, sizeof subject, "supply_need:%" PRId64, n->id);
    rc = s_remind_supply(app, pg, "supply_need_overdue", subject, n->day, n->org_code,
                         m->at_us ? m->at_us : ev->at_us, vars, err);
out:
    json_decref(vars);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

/* A post's request for supplies still not served in full after the policy's wait (000 §3:
 * the front line first): the post's subsidiary's organisation department, once per request. */
static int s_supply_request(notify_app_t *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__SupplyRequestEvent *m =
        (Fc__V1__SupplyRequestEvent *)s_unpack(&fc__v1__supply_request_event__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    json_t *vars = NULL;
    const Fc__V1__SupplyRequestRow *q = m->request;
    int rc = q ? s_need(q->post_code, "request.post_code", ev, err)
               : fc_err_set(err, FC_EINVAL, "request", "event %s has no request", ev->type);
    if (rc == FC_OK)
        rc = s_need(q->org_code, "request.org_code", ev, err);
    if (rc == FC_OK && q->id <= 0)
        rc = fc_err_set(err, FC_EINVAL, "request.id", "event %s has no request id", ev->type);
    if (rc != FC_OK)
        goto out;
    char qty[32], lack[32], subject[48];
    snprintf(qty, sizeof qty, "%" PRId64, q->quantity);
    snprintf(lack, sizeof lack, "%" PRId64, q->quantity - q->served);
    vars = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "post_code", q->post_code,
                     "post_name", q->post_name[0] ? q->post_name : q->post_code, "item_name",
                     q->item_name[0] ? q->item_name : q->item, "quantity", qty, "lacking", lack,
                     "unit", q->unit);
    notify_vars_time(vars, "requested_local", q->requested_at_us);
    snprintf(subject, sizeof subject, "supply_request:%" PRId64, q->id);
    rc = s_remind_supply(app, pg, "supply_request_waiting", subject, "", q->org_code,
                         m->at_us ? m->at_us : ev->at_us, vars, err);
out:
    json_decref(vars);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

int notify_on_welfare(void *svc, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    notify_app_t *app = notify_app(svc);
    const char *t = ev->type;
    if (strcmp(t, "welfare.disbursement_paid") == 0)
        return s_paid(app, pg, ev, err);
    if (strcmp(t, "welfare.family_visit_due") == 0)
        return s_family(app, pg, ev, 1, err);
    if (strcmp(t, "welfare.family_visited") == 0)
        return s_family(app, pg, ev, 0, err);
    if (strcmp(t, "welfare.benefit_case_opened") == 0)
        return s_benefit(app, pg, ev, 0, err);
    if (strcmp(t, "welfare.benefit_step_changed") == 0)
        return s_benefit(app, pg, ev, 1, err);
    if (strcmp(t, "welfare.benefit_case_closed") == 0)
        return s_benefit(app, pg, ev, 2, err);
    if (strcmp(t, "welfare.supply_need_overdue") == 0)
        return s_supply_need(app, pg, ev, err);
    if (strcmp(t, "welfare.supply_request_waiting") == 0)
        return s_supply_request(app, pg, ev, err);
    return FC_OK;
}

/* ---- rotation ------------------------------------------------------------------------------ */

/* metric, value and limit as the templates show them: minutes as hours with one decimal. */
static void s_metric_vars(json_t *vars, const char *metric, int64_t value, int64_t limit)
{
    int minutes = strcmp(metric, "consecutive_days") != 0;
    const int64_t in[] = {value, limit};
    static const char *names[] = {"value", "limit"};
    for (int i = 0; i < 2; i++) {
        char buf[32];
        int64_t x = in[i] < 0 ? 0 : in[i];
        if (minutes)
            snprintf(buf, sizeof buf, "%" PRId64 ".%" PRId64, x / 60, x % 60 * 10 / 60);
        else
            snprintf(buf, sizeof buf, "%" PRId64, x);
        json_object_set_new(vars, names[i], json_string(buf));
    }
    json_object_set_new(vars, "metric", json_string(metric));
    json_object_set_new(vars, "metric_unit", json_string(metric));
}

static int s_overload(notify_app_t *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__OverloadWarning *m =
        (Fc__V1__OverloadWarning *)s_unpack(&fc__v1__overload_warning__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    json_t *vars = NULL;
    int rc = s_need(m->employee_no, "employee_no", ev, err);
    if (rc == FC_OK)
        rc = s_need(m->metric, "metric", ev, err);
    if (rc != FC_OK)
        goto out;
    int64_t at = m->at_us ? m->at_us : ev->at_us;
    if (!(vars = notify_vars_person(pg, m->employee_no, m->org_code, err))) {
        rc = err->code ? err->code : FC_ERR;
        goto out;
    }
    s_metric_vars(vars, m->metric, m->value, m->limit);
    json_object_set_new(vars, "percent", json_sprintf("%d", (int)m->percent));
    /* one warning per person, metric and day */
    char subject[96], day[16];
    snprintf(subject, sizeof subject, "overload:%s:%s", m->employee_no, m->metric);
    notify_local_minute(at, day, 11);
    static const char *to[] = {"person", "secretary"};
    notify_reminder_spec_t r = {
        "overload_warning", subject, day, m->employee_no, m->org_code, at, 0, 0, 0, to, 2, NULL};
    r.urgent = notify_policy_urgent(&app->policy, r.kind);
    int created = 0;
    rc = notify_remind_add(app, pg, &r, vars, fc_clock_now_us(), &created, err);
out:
    json_decref(vars);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

static int s_forced_rest(notify_app_t *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__ForcedRestOrdered *m =
        (Fc__V1__ForcedRestOrdered *)s_unpack(&fc__v1__forced_rest_ordered__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    json_t *vars = NULL;
    int rc = s_need(m->employee_no, "employee_no", ev, err);
    if (rc == FC_OK && m->until_us <= m->from_us)
        rc = fc_err_set(err, FC_EINVAL, "until_us", "forced rest of %s ends before it begins",
                        m->employee_no);
    if (rc != FC_OK)
        goto out;
    if (!(vars = notify_vars_person(pg, m->employee_no, m->org_code, err))) {
        rc = err->code ? err->code : FC_ERR;
        goto out;
    }
    s_metric_vars(vars, *m->metric ? m->metric : "minutes_day", m->value, m->limit);
    notify_vars_time(vars, "from_local", m->from_us);
    notify_vars_time(vars, "until_local", m->until_us);
    char subject[48];
    snprintf(subject, sizeof subject, "forced_rest:%" PRId64, m->order_id);
    /* 强制安排休息 (000 §3): the person and the branch secretary, at once */
    static const char *to[] = {"person", "secretary"};
    notify_reminder_spec_t r = {"forced_rest",
                                subject,
                                "",
                                m->employee_no,
                                m->org_code,
                                m->from_us ? m->from_us : ev->at_us,
                                0,
                                0,
                                0,
                                to,
                                2,
                                NULL};
    r.urgent = notify_policy_urgent(&app->policy, r.kind);
    int created = 0;
    rc = notify_remind_add(app, pg, &r, vars, fc_clock_now_us(), &created, err);
out:
    json_decref(vars);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

static int s_rostered(notify_app_t *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__PersonRostered *m =
        (Fc__V1__PersonRostered *)s_unpack(&fc__v1__person_rostered__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    json_t *vars = NULL;
    int rc = s_need(m->employee_no, "employee_no", ev, err);
    if (rc != FC_OK)
        goto out;
    int64_t at = m->at_us ? m->at_us : ev->at_us;
    if (!(vars = notify_vars_person(pg, m->employee_no, m->org_code, err))) {
        rc = err->code ? err->code : FC_ERR;
        goto out;
    }
    int64_t first = 0;
    for (size_t i = 0; i < m->n_shifts; i++)
        if (m->shifts[i]->start_us && (!first || m->shifts[i]->start_us < first))
            first = m->shifts[i]->start_us;
    if (first)
        notify_vars_time(vars, "first_shift", first);
    else
        json_object_set_new(vars, "first_shift", json_string("—"));
    json_object_set_new(vars, "version", json_sprintf("%d", (int)m->version));
    json_object_set_new(vars, "shift_count", json_sprintf("%zu", m->n_shifts));
    json_object_set_new(vars, "leave_days", json_sprintf("%zu", m->n_leave_dates));
    char subject[96], period[16];
    snprintf(subject, sizeof subject, "roster:%" PRId64 ":%s", m->roster_id, m->employee_no);
    snprintf(period, sizeof period, "v%d", (int)m->version);
    static const char *to[] = {"person"};
    notify_reminder_spec_t r = {
        "roster_published", subject, period, m->employee_no, m->org_code, at, 0, 0, 0, to, 1, NULL};
    r.urgent = notify_policy_urgent(&app->policy, r.kind);
    int created = 0;
    rc = notify_remind_add(app, pg, &r, vars, fc_clock_now_us(), &created, err);
out:
    json_decref(vars);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

static int s_assignment_changed(notify_app_t *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__AssignmentChanged *m =
        (Fc__V1__AssignmentChanged *)s_unpack(&fc__v1__assignment_changed__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    int rc = FC_OK;
    if (!*m->from_employee_no && !*m->to_employee_no)
        rc = fc_err_set(err, FC_EINVAL, "to_employee_no", "event %s names nobody", ev->type);
    if (rc != FC_OK)
        goto out;
    json_t *vars =
        json_pack("{s:s, s:s, s:s}", "date", m->date, "post_code", m->post_code, "text", m->text);
    notify_vars_time(vars, "start_local", m->start_us);
    notify_vars_time(vars, "end_local", m->end_us);
    /* the one taken off, the one put on, and whoever gave up a shift for it */
    char from[80], onto[80], via[80];
    const char *to[3];
    int nto = 0;
    snprintf(from, sizeof from, "emp:%s", m->from_employee_no);
    snprintf(onto, sizeof onto, "emp:%s", m->to_employee_no);
    snprintf(via, sizeof via, "emp:%s", m->via_employee_no);
    if (*m->from_employee_no)
        to[nto++] = from;
    if (*m->to_employee_no)
        to[nto++] = onto;
    if (*m->via_employee_no)
        to[nto++] = via;
    char subject[96], period[48];
    snprintf(subject, sizeof subject, "change:%" PRId64 ":%s:%s:%s", m->roster_id, m->date,
             m->post_code, m->shift_id);
    snprintf(period, sizeof period, "v%d.%d", (int)m->version, (int)m->revision);
    const char *emp = *m->to_employee_no ? m->to_employee_no : m->from_employee_no;
    notify_reminder_spec_t r = {"roster_changed",
                                subject,
                                period,
                                emp,
                                m->org_code,
                                m->at_us ? m->at_us : ev->at_us,
                                0,
                                0,
                                0,
                                to,
                                nto,
                                NULL};
    r.urgent = notify_policy_urgent(&app->policy, r.kind);
    int created = 0;
    rc = notify_remind_add(app, pg, &r, vars, fc_clock_now_us(), &created, err);
    json_decref(vars);
out:
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

int notify_on_rotation(void *svc, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    notify_app_t *app = notify_app(svc);
    const char *t = ev->type;
    if (strcmp(t, "rotation.overload_warning") == 0)
        return s_overload(app, pg, ev, err);
    if (strcmp(t, "rotation.forced_rest_ordered") == 0)
        return s_forced_rest(app, pg, ev, err);
    if (strcmp(t, "rotation.person_rostered") == 0)
        return s_rostered(app, pg, ev, err);
    if (strcmp(t, "rotation.assignment_changed") == 0)
        return s_assignment_changed(app, pg, ev, err);
    return FC_OK;
}

/* report_events: intake's, welfare's and notify's events into report's projections. Each
 * handler runs inside the consumer's transaction with the inbox insert (exactly once). */
#include "report_events.h"
#include "fc/v1/intake.pb-c.h"
#include "fc/v1/notify.pb-c.h"
#include "fc/v1/report.pb-c.h"
#include "fc/v1/rotation.pb-c.h"
#include "fc/v1/welfare.pb-c.h"
#include "fc_clock.h"
#include "fc_log.h"
#include "fc_pb.h"
#include "fc_service.h"
#include "report_app.h"
#include "report_store.h"

#include <stdio.h>
#include <string.h>

static ProtobufCMessage *s_unpack(const ProtobufCMessageDescriptor *d, const fc_event_t *ev,
                                  fc_err_t *err)
{
    return fc_pb_unpack(d, ev->payload, ev->payload_len, FC_PB_MAX_MESSAGE, NULL, "payload", err);
}

static int s_need(const char *s, const char *field, fc_err_t *err)
{
    return s && *s ? FC_OK : fc_err_set(err, FC_EINVAL, field, "event lacks %s", field);
}

/* A weekly report after its due time: raise report.weekly_report_late once. */
static int s_check_late(fc_service_t *svc, fc_pg_t *pg, const Fc__V1__WeeklyReportSubmitted *w,
                        int64_t now_us, fc_err_t *err)
{
    report_app_t *app = fc_service_app(svc);
    report_week_t wk;
    if (report_week_parse(w->iso_week, "iso_week", &wk, err) != FC_OK)
        return FC_EINVAL;
    int64_t due = report_policy_due_us(app->policy, w->org_code, &wk);
    if (w->submitted_us <= due)
        return FC_OK;
    int inserted = 0;
    int rc = report_store_chase_add(pg, w->employee_no, w->iso_week, "late", w->org_code, due,
                                    w->submitted_us, now_us, &inserted, err);
    if (rc != FC_OK || !inserted)
        return rc;
    char name[128], org_name[256];
    report_store_person_name(pg, w->employee_no, name, sizeof name);
    report_store_org_name(pg, w->org_code, org_name, sizeof org_name);
    Fc__V1__WeeklyReportOverdue ev = FC__V1__WEEKLY_REPORT_OVERDUE__INIT;
    ev.employee_no = w->employee_no;
    ev.name = name;
    ev.org_code = w->org_code;
    ev.org_name = org_name;
    ev.iso_week = w->iso_week;
    ev.due_us = due;
    ev.submitted_us = w->submitted_us;
    ev.kind = "late";
    ev.detected_us = now_us;
    fc_log_info("report.weekly_report_late", "employee_no", FC_LS(w->employee_no), "iso_week",
                FC_LS(w->iso_week), NULL);
    return fc_service_publish(svc, REPORT_EV_LATE, &ev.base, now_us, err);
}

/* Decodes ev as type T into m (goto out on failure); needs a variable "rc". */
#define UNPACK(T, desc, m)                                                                         \
    T *m = (T *)s_unpack(&desc, ev, err);                                                          \
    if (!m) {                                                                                      \
        rc = FC_EINVAL;                                                                            \
        goto out;                                                                                  \
    }                                                                                              \
    msg = &m->base

int report_on_intake_event(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    fc_service_t *svc = app;
    ProtobufCMessage *msg = NULL;
    int rc = FC_OK;
    const char *t = ev->type;
    if (strcmp(t, "intake.health_checked_in") == 0) {
        UNPACK(Fc__V1__HealthCheckedIn, fc__v1__health_checked_in__descriptor, m);
        if ((rc = s_need(m->employee_no, "employee_no", err)) == FC_OK && m->checkin_id <= 0)
            rc = fc_err_set(err, FC_EINVAL, "checkin_id", "event lacks checkin_id");
        if (rc == FC_OK)
            rc = report_store_checkin(pg, m, err);
    } else if (strcmp(t, "intake.org_upserted") == 0) {
        UNPACK(Fc__V1__OrgUpserted, fc__v1__org_upserted__descriptor, m);
        rc = m->unit ? s_need(m->unit->org_code, "unit.org_code", err)
                     : fc_err_set(err, FC_EINVAL, "unit", "event lacks unit");
        if (rc == FC_OK)
            rc = report_store_org(pg, m->unit, m->at_us ? m->at_us : ev->at_us, err);
    } else if (strcmp(t, "intake.person_upserted") == 0) {
        UNPACK(Fc__V1__PersonUpserted, fc__v1__person_upserted__descriptor, m);
        rc = m->person ? s_need(m->person->employee_no, "person.employee_no", err)
                       : fc_err_set(err, FC_EINVAL, "person", "event lacks person");
        if (rc == FC_OK)
            rc = report_store_person(pg, m->person, m->at_us ? m->at_us : ev->at_us, err);
    } else if (strcmp(t, "intake.duty_checked_in") == 0 ||
               strcmp(t, "intake.duty_checked_out") == 0) {
        UNPACK(Fc__V1__DutyEvent, fc__v1__duty_event__descriptor, m);
        if ((rc = s_need(m->employee_no, "employee_no", err)) == FC_OK &&
            (m->duty_id <= 0 || m->start_us <= 0))
            rc = fc_err_set(err, FC_EINVAL, "duty_id", "event lacks duty_id or start_us");
        if (rc == FC_OK && m->end_us && m->end_us <= m->start_us)
            rc = fc_err_set(err, FC_EINVAL, "end_us", "duty ends before it starts");
        if (rc == FC_OK)
            rc = report_store_duty(pg, m, err);
    } else if (strcmp(t, "intake.health_status_changed") == 0) {
        UNPACK(Fc__V1__HealthStatusChanged, fc__v1__health_status_changed__descriptor, m);
        if ((rc = s_need(m->employee_no, "employee_no", err)) == FC_OK && (m->to < 1 || m->to > 7))
            rc = fc_err_set(err, FC_EINVAL, "to", "health status %d is not 1..7", m->to);
        if (rc == FC_OK)
            rc = report_store_status(pg, m->employee_no, m->to, m->at_us ? m->at_us : ev->at_us,
                                     err);
    } else if (strcmp(t, "intake.incident_reported") == 0) {
        UNPACK(Fc__V1__IncidentReported, fc__v1__incident_reported__descriptor, m);
        if ((rc = s_need(m->employee_no, "employee_no", err)) == FC_OK)
            rc = s_need(m->kind, "kind", err);
        if (rc == FC_OK && m->incident_id <= 0)
            rc = fc_err_set(err, FC_EINVAL, "incident_id", "event lacks incident_id");
        if (rc == FC_OK) {
            if (!m->at_us)
                m->at_us = ev->at_us;
            rc = report_store_incident(pg, m, err);
        }
    } else if (strcmp(t, "intake.hardship_case_opened") == 0 ||
               strcmp(t, "intake.hardship_case_closed") == 0) {
        UNPACK(Fc__V1__HardshipCase, fc__v1__hardship_case__descriptor, m);
        int closed = strcmp(t, "intake.hardship_case_closed") == 0;
        rc = m->case_id > 0 ? FC_OK : fc_err_set(err, FC_EINVAL, "case_id", "event lacks case_id");
        /* opened: when the case was opened; closed: when the close happened */
        int64_t at = closed ? ev->at_us : (m->at_us ? m->at_us : ev->at_us);
        if (rc == FC_OK)
            rc = report_store_hardship(pg, m, closed, at, err);
    } else if (strcmp(t, "intake.weekly_report_submitted") == 0) {
        UNPACK(Fc__V1__WeeklyReportSubmitted, fc__v1__weekly_report_submitted__descriptor, m);
        report_week_t wk;
        int inserted = 0;
        if ((rc = s_need(m->employee_no, "employee_no", err)) == FC_OK)
            rc = report_week_parse(m->iso_week, "iso_week", &wk, err);
        if (rc == FC_OK && m->submitted_us <= 0)
            rc = fc_err_set(err, FC_EINVAL, "submitted_us", "event lacks submitted_us");
        if (rc == FC_OK)
            rc = report_store_weekly_report(pg, m, &inserted, err);
        if (rc == FC_OK && inserted)
            rc = s_check_late(svc, pg, m, fc_clock_now_us(), err);
    } else if (strcmp(t, "intake.merit_recorded") == 0) {
        UNPACK(Fc__V1__MeritRecorded, fc__v1__merit_recorded__descriptor, m);
        rc = m->record ? s_need(m->record->employee_no, "record.employee_no", err)
                       : fc_err_set(err, FC_EINVAL, "record", "event lacks record");
        if (rc == FC_OK)
            rc = s_need(m->record->kind, "record.kind", err);
        if (rc == FC_OK && m->record->record_id <= 0)
            rc = fc_err_set(err, FC_EINVAL, "record.record_id", "event lacks record_id");
        if (rc == FC_OK) {
            if (!m->record->at_us)
                m->record->at_us = ev->at_us;
            rc = report_store_merit(pg, m->record, err);
        }
    } else if (strcmp(t, "intake.cadre_key_event_recorded") == 0) {
        UNPACK(Fc__V1__CadreKeyEventRecorded, fc__v1__cadre_key_event_recorded__descriptor, m);
        rc = m->event ? s_need(m->event->employee_no, "event.employee_no", err)
                      : fc_err_set(err, FC_EINVAL, "event", "event lacks event");
        if (rc == FC_OK && strcmp(m->event->polarity, "good") && strcmp(m->event->polarity, "bad"))
            rc = fc_err_set(err, FC_EINVAL, "event.polarity", "polarity \"%s\" is not good|bad",
                            m->event->polarity);
        if (rc == FC_OK && m->event->event_id <= 0)
            rc = fc_err_set(err, FC_EINVAL, "event.event_id", "event lacks event_id");
        if (rc == FC_OK) {
            if (!m->event->at_us)
                m->event->at_us = ev->at_us;
            rc = report_store_key_event(pg, m->event, err);
        }
    } else if (strcmp(t, "intake.fault_tolerance_recorded") == 0 ||
               strcmp(t, "intake.clarification_recorded") == 0) {
        /* 000 §9: the records it clears no longer count in the assessment figures */
        UNPACK(Fc__V1__AssessmentRecordEvent, fc__v1__assessment_record_event__descriptor, m);
        rc = m->record_id > 0 ? s_need(m->employee_no, "employee_no", err)
                              : fc_err_set(err, FC_EINVAL, "record_id", "event lacks record_id");
        if (rc == FC_OK && strcmp(m->kind, "fault_tolerance") != 0 &&
            strcmp(m->kind, "clarification") != 0)
            rc = fc_err_set(err, FC_EINVAL, "kind", "kind \"%s\" is not fault_tolerance|clarification",
                            m->kind);
        for (size_t i = 0; rc == FC_OK && i < m->n_cleared; i++)
            if ((strcmp(m->cleared[i]->kind, "key_event") != 0 &&
                 strcmp(m->cleared[i]->kind, "merit") != 0) ||
                m->cleared[i]->record_id <= 0)
                rc = fc_err_set(err, FC_EINVAL, "cleared", "cleared record %zu is not valid", i);
        if (rc == FC_OK) {
            if (!m->at_us)
                m->at_us = ev->at_us;
            rc = report_store_clearance(pg, m, err);
        }
    } else if (strcmp(t, "intake.discrimination_case_changed") == 0) {
        UNPACK(Fc__V1__DiscriminationCaseChanged, fc__v1__discrimination_case_changed__descriptor,
               m);
        rc = m->case_id > 0 ? s_need(m->employee_no, "employee_no", err)
                            : fc_err_set(err, FC_EINVAL, "case_id", "event lacks case_id");
        if (rc == FC_OK && strcmp(m->state, "reported") != 0 &&
            strcmp(m->state, "handling") != 0 && strcmp(m->state, "closed") != 0)
            rc = fc_err_set(err, FC_EINVAL, "state", "state \"%s\" is not reported|handling|closed",
                            m->state);
        if (rc == FC_OK) {
            if (!m->at_us)
                m->at_us = ev->at_us;
            rc = report_store_discrimination(pg, m, err);
        }
    } else if (strcmp(t, "intake.village_assignment_changed") == 0) {
        UNPACK(Fc__V1__VillageAssignmentChanged, fc__v1__village_assignment_changed__descriptor, m);
        rc = m->assignment ? s_need(m->assignment->employee_no, "assignment.employee_no", err)
                           : fc_err_set(err, FC_EINVAL, "assignment", "event lacks assignment");
        if (rc == FC_OK && (m->assignment->assignment_id <= 0 || m->assignment->start_us <= 0))
            rc = fc_err_set(err, FC_EINVAL, "assignment.assignment_id",
                            "event lacks assignment_id or start_us");
        if (rc == FC_OK)
            rc = report_store_village(pg, m->assignment, ev->at_us, err);
    } else if (strcmp(t, "intake.party_candidate_upserted") == 0) {
        UNPACK(Fc__V1__PartyCandidateUpserted, fc__v1__party_candidate_upserted__descriptor, m);
        rc = m->candidate ? s_need(m->candidate->employee_no, "candidate.employee_no", err)
                          : fc_err_set(err, FC_EINVAL, "candidate", "event lacks candidate");
        if (rc == FC_OK) {
            if (!m->candidate->at_us)
                m->candidate->at_us = ev->at_us;
            rc = report_store_party_candidate(pg, m->candidate, err);
        }
    }
out:
    if (msg)
        protobuf_c_message_free_unpacked(msg, NULL);
    return rc;
}

int report_on_welfare_event(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    (void)app;
    ProtobufCMessage *msg = NULL;
    int rc = FC_OK;
    static const char prefix[] = "welfare.disbursement_";
    if (strncmp(ev->type, prefix, sizeof prefix - 1) == 0) {
        const char *step = ev->type + sizeof prefix - 1;
        UNPACK(Fc__V1__DisbursementEvent, fc__v1__disbursement_event__descriptor, m);
        rc = m->disbursement && m->disbursement->id > 0
                 ? s_need(m->disbursement->kind, "disbursement.kind", err)
                 : fc_err_set(err, FC_EINVAL, "disbursement", "event lacks disbursement.id");
        if (rc == FC_OK)
            rc = report_store_disbursement(pg, m->disbursement, step,
                                           m->at_us ? m->at_us : ev->at_us, err);
    } else if (strncmp(ev->type, "welfare.benefit_", 16) == 0) {
        /* benefit application cases: opened, step changed, closed */
        const char *what = strcmp(ev->type, "welfare.benefit_case_opened") == 0    ? "opened"
                           : strcmp(ev->type, "welfare.benefit_step_changed") == 0 ? "step_changed"
                           : strcmp(ev->type, "welfare.benefit_case_closed") == 0  ? "closed"
                                                                                    : NULL;
        if (what) {
            UNPACK(Fc__V1__BenefitCaseEvent, fc__v1__benefit_case_event__descriptor, m);
            rc = m->benefit && m->benefit->id > 0
                     ? s_need(m->benefit->org_code, "benefit.org_code", err)
                     : fc_err_set(err, FC_EINVAL, "benefit", "event lacks benefit.id");
            if (rc == FC_OK)
                rc = report_store_benefit(pg, m, what, m->at_us ? m->at_us : ev->at_us, err);
        }
    } else if (strcmp(ev->type, "welfare.supply_moved") == 0) {
        /* supplies (000 §3): stock movements, requests and daily needs */
        UNPACK(Fc__V1__SupplyMoved, fc__v1__supply_moved__descriptor, m);
        rc = m->transfer_id > 0 && m->quantity > 0
                 ? s_need(m->from_org, "from_org", err)
                 : fc_err_set(err, FC_EINVAL, "transfer_id", "event lacks transfer_id or quantity");
        if (rc == FC_OK)
            rc = s_need(m->item, "item", err);
        if (rc == FC_OK) {
            if (!m->at_us)
                m->at_us = ev->at_us;
            rc = report_store_supply_moved(pg, m, err);
        }
    } else if (strcmp(ev->type, "welfare.supply_requested") == 0 ||
               strcmp(ev->type, "welfare.supply_request_served") == 0) {
        UNPACK(Fc__V1__SupplyRequestEvent, fc__v1__supply_request_event__descriptor, m);
        rc = m->request && m->request->id > 0
                 ? s_need(m->request->org_code, "request.org_code", err)
                 : fc_err_set(err, FC_EINVAL, "request", "event lacks request.id");
        if (rc == FC_OK)
            rc = s_need(m->request->item, "request.item", err);
        if (rc == FC_OK)
            rc = report_store_supply_request(pg, m->request, m->at_us ? m->at_us : ev->at_us, err);
    } else if (strncmp(ev->type, "welfare.supply_need_", 20) == 0) {
        const char *step = ev->type + 20;
        UNPACK(Fc__V1__SupplyNeedEvent, fc__v1__supply_need_event__descriptor, m);
        rc = m->need && m->need->id > 0
                 ? s_need(m->need->org_code, "need.org_code", err)
                 : fc_err_set(err, FC_EINVAL, "need", "event lacks need.id");
        if (rc == FC_OK)
            rc = s_need(m->need->day, "need.day", err);
        if (rc == FC_OK && (!strcmp(step, "recorded") || !strcmp(step, "met") ||
                            !strcmp(step, "overdue")))
            rc = report_store_supply_need(pg, m->need, step, m->at_us ? m->at_us : ev->at_us,
                                          err);
    } else if (strcmp(ev->type, "welfare.funds_moved") == 0) {
        UNPACK(Fc__V1__FundsMoved, fc__v1__funds_moved__descriptor, m);
        rc = m->transfer_id > 0
                 ? s_need(m->to_org, "to_org", err)
                 : fc_err_set(err, FC_EINVAL, "transfer_id", "event lacks transfer_id");
        if (rc == FC_OK) {
            if (!m->at_us)
                m->at_us = ev->at_us;
            rc = report_store_funds_moved(pg, m, err);
        }
    }
out:
    if (msg)
        protobuf_c_message_free_unpacked(msg, NULL);
    return rc;
}

int report_on_rotation_event(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    (void)app;
    ProtobufCMessage *msg = NULL;
    int rc = FC_OK;
    if (strcmp(ev->type, "rotation.overload_warning") == 0) {
        UNPACK(Fc__V1__OverloadWarning, fc__v1__overload_warning__descriptor, m);
        rc = s_need(m->employee_no, "employee_no", err);
        if (rc == FC_OK) {
            if (!m->at_us)
                m->at_us = ev->at_us;
            rc = report_store_overload(pg, m, err);
        }
    } else if (strcmp(ev->type, "rotation.forced_rest_ordered") == 0) {
        UNPACK(Fc__V1__ForcedRestOrdered, fc__v1__forced_rest_ordered__descriptor, m);
        rc = m->order_id > 0 ? s_need(m->employee_no, "employee_no", err)
                             : fc_err_set(err, FC_EINVAL, "order_id", "event lacks order_id");
        if (rc == FC_OK && m->until_us <= m->from_us)
            rc = fc_err_set(err, FC_EINVAL, "until_us", "forced rest ends before it starts");
        if (rc == FC_OK)
            rc = report_store_forced_rest(pg, m, err);
    }
out:
    if (msg)
        protobuf_c_message_free_unpacked(msg, NULL);
    return rc;
}

int report_on_notify_event(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    (void)app;
    ProtobufCMessage *msg = NULL;
    int rc = FC_OK;
    if (strncmp(ev->type, "notify.task_", 12) == 0) {
        UNPACK(Fc__V1__TaskEvent, fc__v1__task_event__descriptor, m);
        rc = m->task && m->task->task_id > 0
                 ? s_need(m->task->kind, "task.kind", err)
                 : fc_err_set(err, FC_EINVAL, "task", "event lacks task");
        if (rc == FC_OK)
            rc = report_store_task(pg, m->task, m->at_us ? m->at_us : ev->at_us, err);
    }
out:
    if (msg)
        protobuf_c_message_free_unpacked(msg, NULL);
    return rc;
}

/* welfare_events: intake's events into welfare's projections and automatic requests. */
#include "welfare_events.h"
#include "welfare_family.h"
#include "welfare_rules.h"
#include "welfare_supply.h"
#include "fc/v1/intake.pb-c.h"
#include "fc_clock.h"
#include "fc_log.h"
#include "fc_pb.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static ProtobufCMessage *s_unpack(welfare_ctx_t *c, const ProtobufCMessageDescriptor *desc,
                                  const fc_event_t *ev, fc_err_t *err)
{
    ProtobufCAllocator alloc;
    fc_pb_arena_allocator(&alloc, c->arena);
    return fc_pb_unpack(desc, ev->payload, ev->payload_len, FC_PB_MAX_MESSAGE, &alloc, "payload",
                        err);
}

/* A malformed event: FC_EINVAL whatever the check said (it will never apply). */
static int s_bad(int rc, fc_err_t *err)
{
    if (err)
        err->code = FC_EINVAL;
    return rc == FC_OK ? FC_OK : FC_EINVAL;
}

static int on_org(welfare_ctx_t *c, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__OrgUpserted *m =
        (Fc__V1__OrgUpserted *)s_unpack(c, &fc__v1__org_upserted__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    if (!m->unit)
        return fc_err_set(err, FC_EINVAL, "unit", "org_upserted without a unit");
    int rc = welfare_rules_code("unit.org_code", m->unit->org_code, err);
    if (rc == FC_OK && m->unit->parent_code[0])
        rc = welfare_rules_code("unit.parent_code", m->unit->parent_code, err);
    if (rc != FC_OK)
        return s_bad(rc, err);
    return welfare_store_org_upsert(c->pg, m->unit, m->at_us ? m->at_us : ev->at_us, err);
}

static int on_person(welfare_ctx_t *c, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__PersonUpserted *m =
        (Fc__V1__PersonUpserted *)s_unpack(c, &fc__v1__person_upserted__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    if (!m->person)
        return fc_err_set(err, FC_EINVAL, "person", "person_upserted without a person");
    int rc = welfare_rules_code("person.employee_no", m->person->employee_no, err);
    if (rc == FC_OK)
        rc = welfare_rules_code("person.org_code", m->person->org_code, err);
    if (rc != FC_OK)
        return s_bad(rc, err);
    return welfare_store_person_upsert(c->pg, m->person, m->at_us ? m->at_us : ev->at_us, err);
}

/* Runs an automatic request; a request the event can never make (bad amount, unknown unit)
 * is a rejected event. */
static int s_request(welfare_ctx_t *c, const welfare_new_t *n, fc_err_t *err)
{
    welfare_disb_t *d = NULL;
    int created = 0;
    int rc = welfare_flow_request(c, n, &d, &created, err);
    if (rc == FC_ENOTFOUND || rc == FC_EINVAL || rc == FC_EDENIED)
        return s_bad(rc, err);
    if (rc == FC_OK && created)
        fc_log_info("welfare.auto_request", "key", FC_LS(n->idem_key), "id", FC_LI(d->pb.id),
                    "state", FC_LS(d->pb.state), "amount_fen", FC_LI(d->pb.amount_fen), NULL);
    return rc;
}

static int on_incident(welfare_ctx_t *c, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__IncidentReported *m =
        (Fc__V1__IncidentReported *)s_unpack(c, &fc__v1__incident_reported__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    int rc;
    if ((rc = welfare_rules_code("employee_no", m->employee_no, err)) != FC_OK ||
        (rc = welfare_rules_code("org_code", m->org_code, err)) != FC_OK)
        return s_bad(rc, err);
    int inc = welfare_incident_code(m->kind);
    if (inc < 0)
        return fc_err_set(err, FC_EINVAL, "kind", "unknown incident kind \"%s\"", m->kind);
    const welfare_kind_policy_t *kp = &c->policy->kinds[WELFARE_KIND_CONDOLENCE];
    if (kp->by_incident[inc] > 0 && (m->on_duty || !kp->on_duty_only)) {
        char key[96], ref[48];
        snprintf(key, sizeof key, WELFARE_AUTO_KEY_PREFIX "incident:%" PRId64 ":condolence",
                 m->incident_id);
        snprintf(ref, sizeof ref, "incident:%" PRId64, m->incident_id);
        welfare_new_t n = {WELFARE_KIND_CONDOLENCE,
                           m->employee_no,
                           m->org_code,
                           0,
                           m->kind,
                           NULL,
                           0,
                           "intake",
                           ref,
                           key,
                           m->description};
        if ((rc = s_request(c, &n, err)) != FC_OK)
            return rc;
    }
    if (inc == WELFARE_INCIDENT_DIED)
        return welfare_family_open(c, m->employee_no, m->org_code, m->incident_id,
                                   m->at_us ? m->at_us : ev->at_us, err);
    return FC_OK;
}

static int on_duty_out(welfare_ctx_t *c, const fc_event_t *ev, fc_err_t *err)
{
    Fc__V1__DutyEvent *m =
        (Fc__V1__DutyEvent *)s_unpack(c, &fc__v1__duty_event__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    int rc;
    if ((rc = welfare_rules_code("employee_no", m->employee_no, err)) != FC_OK ||
        (rc = welfare_rules_code("org_code", m->org_code, err)) != FC_OK)
        return s_bad(rc, err);
    if (m->start_us <= 0)
        return fc_err_set(err, FC_EINVAL, "start_us", "duty without a start time");
    const welfare_kind_policy_t *kp = &c->policy->kinds[WELFARE_KIND_FRONTLINE_SUBSIDY];
    if (m->risk_class < 1 || m->risk_class > 2 || m->minutes < kp->min_minutes ||
        kp->by_risk_class[m->risk_class] == 0)
        return FC_OK; /* not a frontline duty day the policy pays for */
    /* the duty day is the local (Asia/Shanghai) day the shift started on */
    int y, mo, d;
    fc_civil_from_days(fc_time_local_day(m->start_us), &y, &mo, &d);
    char day[16], key[128], ref[64];
    snprintf(day, sizeof day, "%04d-%02d-%02d", y, mo, d);
    int count = 0, live = 0, best = 0;
    int64_t total = 0;
    if ((rc = welfare_store_subsidies_of_day(c->pg, m->employee_no, day, &count, &live, &best,
                                             &total, err)) != FC_OK)
        return rc;
    snprintf(ref, sizeof ref, "duty:%" PRId64, m->duty_id);
    welfare_new_t n = {WELFARE_KIND_FRONTLINE_SUBSIDY,
                       m->employee_no,
                       m->org_code,
                       0,
                       NULL,
                       day,
                       m->risk_class,
                       "intake",
                       ref,
                       key,
                       "临时性工作补助"};
    if (count == 0) {
        snprintf(key, sizeof key, WELFARE_AUTO_KEY_PREFIX "duty:%s:%s:frontline_subsidy",
                 m->employee_no, day);
        return s_request(c, &n, err);
    }
    /* one per person per day: a class II day later worked at a class I post gets the
     * difference once; anything else that day is already paid for */
    if (m->risk_class == 1 && best == 2 && live > 0 && count == 1 && kp->by_risk_class[1] > total) {
        snprintf(key, sizeof key, WELFARE_AUTO_KEY_PREFIX "duty:%s:%s:frontline_subsidy:class1",
                 m->employee_no, day);
        n.amount_fen = kp->by_risk_class[1] - total;
        n.memo = "临时性工作补助（一类岗位差额）";
        return s_request(c, &n, err);
    }
    return FC_OK;
}

static int on_hardship(welfare_ctx_t *c, const fc_event_t *ev, int closed, fc_err_t *err)
{
    Fc__V1__HardshipCase *m =
        (Fc__V1__HardshipCase *)s_unpack(c, &fc__v1__hardship_case__descriptor, ev, err);
    if (!m)
        return FC_EINVAL;
    int rc;
    if ((rc = welfare_rules_code("employee_no", m->employee_no, err)) != FC_OK ||
        (rc = welfare_rules_code("org_code", m->org_code, err)) != FC_OK)
        return s_bad(rc, err);
    char key[96], ref[48];
    snprintf(key, sizeof key, WELFARE_AUTO_KEY_PREFIX "hardship:%" PRId64, m->case_id);
    snprintf(ref, sizeof ref, "hardship:%" PRId64, m->case_id);
    if (closed) {
        /* a closed case needs no more help: what was not paid yet is released */
        welfare_disb_t *d = NULL;
        rc = welfare_store_disb_get(c->pg, 0, key, 0, c->arena, &d, err);
        if (rc == FC_ENOTFOUND) {
            fc_err_clear(err);
            return FC_OK;
        }
        if (rc != FC_OK ||
            (strcmp(d->pb.state, "pending") && strcmp(d->pb.state, "awaiting_funds")))
            return rc;
        return welfare_flow_decide(c, d->pb.id, WELFARE_EV_REJECT,
                                   "困难台账已关闭，未支付的帮扶取消", &d, err);
    }
    if (m->requested_fen < 0)
        return fc_err_set(err, FC_EINVAL, "requested_fen", "negative requested_fen %" PRId64,
                          m->requested_fen);
    if (m->requested_fen == 0)
        return FC_OK; /* a case recorded without asking for money */
    char memo[512];
    snprintf(memo, sizeof memo, "困难帮扶（%s）：%.400s", m->category, m->description);
    welfare_new_t n = {WELFARE_KIND_HARDSHIP,
                       m->employee_no,
                       m->org_code,
                       m->requested_fen,
                       NULL,
                       NULL,
                       0,
                       "intake",
                       ref,
                       key,
                       memo};
    return s_request(c, &n, err);
}

int welfare_events_apply(welfare_ctx_t *c, const fc_event_t *ev, fc_err_t *err)
{
    /* posts and duty on now, for the supplies' serving order (welfare_supply.c) */
    int src = welfare_supply_apply(c, ev, err);
    if (src != FC_OK)
        return src;
    if (strcmp(ev->type, "intake.org_upserted") == 0)
        return on_org(c, ev, err);
    if (strcmp(ev->type, "intake.person_upserted") == 0)
        return on_person(c, ev, err);
    if (strcmp(ev->type, "intake.incident_reported") == 0)
        return on_incident(c, ev, err);
    if (strcmp(ev->type, "intake.duty_checked_out") == 0)
        return on_duty_out(c, ev, err);
    if (strcmp(ev->type, "intake.hardship_case_opened") == 0)
        return on_hardship(c, ev, 0, err);
    if (strcmp(ev->type, "intake.hardship_case_closed") == 0)
        return on_hardship(c, ev, 1, err);
    return FC_OK; /* events welfare does not need are consumed without effect */
}

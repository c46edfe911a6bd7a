/* intake_server: handlers for organisation, people and health check-ins. Each write checks
 * the actor's org scope, validates every item before touching anything, stores and publishes
 * its events in the one transaction the service opened for it. */
#include "intake_server.h"
#include "intake_rules.h"
#include "intake_store.h"
#include "fc/v1/intake.pb-c.h"
#include "fc_clock.h"
#include "fc_log.h"
#include "fc_pb.h"

#include <stdio.h>
#include <string.h>

#define INTAKE_MAX_BATCH 10000

/* Group-wide work is for services and the group administrator without a narrower scope. */
static int s_group_wide(const fc_call_t *call)
{
    return strcmp(fc_call_role(call), "service") == 0 && !*fc_call_scope(call);
}

static int s_check_scope(fc_service_t *svc, const fc_call_t *call, const char *org_code,
                         const char *field, fc_err_t *err)
{
    if (s_group_wide(call))
        return FC_OK;
    return intake_store_check_scope(fc_service_pg(svc), fc_call_scope(call), org_code, field,
                                    err);
}

static int s_indexed(int rc, const char *list, size_t i, fc_err_t *err)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s[%zu]", list, i);
    fc_err_prefix_field(err, prefix);
    return rc;
}

static int handle_org_upsert(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__OrgUpsertRequest *req = (const Fc__V1__OrgUpsertRequest *)call->request;
    if (req->n_units == 0 || req->n_units > INTAKE_MAX_BATCH)
        return fc_err_set(err, FC_EINVAL, "units", "一次须提交 1 到 %d 个组织", INTAKE_MAX_BATCH);
    for (size_t i = 0; i < req->n_units; i++) {
        int rc = intake_rules_org(req->units[i], err);
        if (rc != FC_OK)
            return s_indexed(rc, "units", i, err);
    }
    Fc__V1__OrgUpsertReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__org_upsert_reply__init(reply);
    for (size_t i = 0; i < req->n_units; i++) {
        const Fc__V1__OrgUnit *u = req->units[i];
        int rc;
        /* a new root (the group) only group-wide; anything else inside the scope of its parent */
        if (!u->parent_code[0])
            rc = s_group_wide(call) ? FC_OK
                                    : fc_err_set(err, FC_EDENIED, "parent_code",
                                                 "只有集团管理员可以建立集团根组织");
        else
            rc = s_check_scope(svc, call, u->parent_code, "parent_code", err);
        intake_outcome_t outcome = INTAKE_UNCHANGED;
        if (rc == FC_OK)
            rc = intake_store_org_upsert(fc_service_pg(svc), u, &outcome, err);
        if (rc != FC_OK)
            return s_indexed(rc, "units", i, err);
        reply->inserted += outcome == INTAKE_INSERTED;
        reply->updated += outcome == INTAKE_UPDATED;
        reply->unchanged += outcome == INTAKE_UNCHANGED;
    }
    call->reply = &reply->base;
    return FC_OK;
}

static int handle_person_upsert(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__PersonUpsertRequest *req = (const Fc__V1__PersonUpsertRequest *)call->request;
    if (req->n_people == 0 || req->n_people > INTAKE_MAX_BATCH)
        return fc_err_set(err, FC_EINVAL, "people", "一次须提交 1 到 %d 人", INTAKE_MAX_BATCH);
    for (size_t i = 0; i < req->n_people; i++) {
        int rc = intake_rules_person(req->people[i], err);
        if (rc != FC_OK)
            return s_indexed(rc, "people", i, err);
    }
    Fc__V1__PersonUpsertReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__person_upsert_reply__init(reply);
    fc_pg_t *pg = fc_service_pg(svc);
    for (size_t i = 0; i < req->n_people; i++) {
        const Fc__V1__Person *p = req->people[i];
        char old_org[64];
        int rc = s_check_scope(svc, call, p->org_code, "org_code", err);
        /* moving someone out of another subtree needs that subtree too */
        if (rc == FC_OK &&
            intake_store_person_org(pg, p->employee_no, old_org, sizeof old_org, NULL, NULL) ==
                FC_OK)
            rc = s_check_scope(svc, call, old_org, "employee_no", err);
        intake_outcome_t outcome = INTAKE_UNCHANGED;
        if (rc == FC_OK)
            rc = intake_store_person_upsert(pg, p, &outcome, err);
        if (rc != FC_OK)
            return s_indexed(rc, "people", i, err);
        reply->inserted += outcome == INTAKE_INSERTED;
        reply->updated += outcome == INTAKE_UPDATED;
        reply->unchanged += outcome == INTAKE_UNCHANGED;
    }
    call->reply = &reply->base;
    return FC_OK;
}

static int handle_person_get(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__PersonGetRequest *req = (const Fc__V1__PersonGetRequest *)call->request;
    int rc = fc_pb_require(&req->base, "employee_no", err);
    Fc__V1__Person *p = NULL;
    if (rc == FC_OK)
        rc = intake_store_person_get(fc_service_pg(svc), req->employee_no, call->arena, &p, err);
    if (rc == FC_OK)
        rc = s_check_scope(svc, call, p->org_code, "employee_no", err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__PersonGetReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__person_get_reply__init(reply);
    reply->person = p;
    call->reply = &reply->base;
    return FC_OK;
}

static int handle_health_checkin(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__HealthCheckinRequest *req = (const Fc__V1__HealthCheckinRequest *)call->request;
    if (req->n_checkins == 0 || req->n_checkins > INTAKE_MAX_BATCH)
        return fc_err_set(err, FC_EINVAL, "checkins", "一次须提交 1 到 %d 条健康打卡",
                          INTAKE_MAX_BATCH);
    int64_t now = fc_clock_now_us();
    for (size_t i = 0; i < req->n_checkins; i++) {
        int rc = intake_rules_checkin(req->checkins[i], now, err);
        if (rc != FC_OK)
            return s_indexed(rc, "checkins", i, err);
    }
    Fc__V1__HealthCheckinReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__health_checkin_reply__init(reply);
    reply->checkin_ids = fc_arena_alloc(call->arena, req->n_checkins * sizeof(int64_t));
    fc_pg_t *pg = fc_service_pg(svc);
    for (size_t i = 0; i < req->n_checkins; i++) {
        const Fc__V1__HealthCheckin *c = req->checkins[i];
        char org[64];
        int status = 0;
        int64_t at = c->at_us ? c->at_us : now, id = 0;
        int rc = intake_store_person_org(pg, c->employee_no, org, sizeof org, &status, err);
        if (rc == FC_OK)
            rc = s_check_scope(svc, call, org, "employee_no", err);
        if (rc == FC_OK && status == FC__V1__HEALTH_STATUS__HEALTH_STATUS_DECEASED)
            rc = fc_err_set(err, FC_ECONFLICT, "employee_no", "“%s”已故，不能打卡",
                            c->employee_no);
        if (rc == FC_OK)
            rc = intake_store_checkin(pg, c, at, &id, err);
        if (rc == FC_OK) {
            Fc__V1__HealthCheckedIn ev = FC__V1__HEALTH_CHECKED_IN__INIT;
            ev.checkin_id = id;
            ev.employee_no = c->employee_no;
            ev.org_code = org;
            ev.temperature_dc = c->temperature_dc;
            ev.fever = c->temperature_dc >= INTAKE_FEVER_DC;
            ev.at_us = at;
            ev.health_status = status;
            rc = fc_service_publish(svc, INTAKE_EV_HEALTH_CHECKED_IN, &ev.base, at, err);
        }
        if (rc != FC_OK)
            return s_indexed(rc, "checkins", i, err);
        reply->checkin_ids[i] = id;
    }
    reply->n_checkin_ids = req->n_checkins;
    call->reply = &reply->base;
    return FC_OK;
}

const fc_route_t intake_routes[] = {
    {"intake.org_upsert", &fc__v1__org_upsert_request__descriptor, handle_org_upsert,
     FC_ROUTE_WRITE},
    {"intake.person_upsert", &fc__v1__person_upsert_request__descriptor, handle_person_upsert,
     FC_ROUTE_WRITE},
    {"intake.person_get", &fc__v1__person_get_request__descriptor, handle_person_get, 0},
    {"intake.health_checkin", &fc__v1__health_checkin_request__descriptor,
     handle_health_checkin, FC_ROUTE_WRITE},
};
const size_t intake_nroutes = sizeof intake_routes / sizeof intake_routes[0];

/* intake_server: handlers for organisation, people, posts, duty, health, incidents and cases.
 * Each write checks the actor's org scope, validates every item before touching anything,
 * stores and publishes its events in the one transaction the service opened for it: any
 * error rolls the whole request back. */
#include "intake_server.h"
#include "intake_records.h"
#include "intake_rules.h"
#include "intake_store.h"
#include "fc/v1/intake.pb-c.h"
#include "fc_clock.h"
#include "fc_log.h"
#include "fc_pb.h"

#include <stdio.h>
#include <string.h>

#define INTAKE_MAX_BATCH 10000
#define INTAKE_BACKFILL_DAYS 30 /* duty and health may be logged this late */
#define INTAKE_RECORD_DAYS 366  /* incidents, cases, records */
#define INTAKE_FILE_LIMIT 50

static const char *s_status_name[] = {"未知", "健康", "医学观察", "隔离",
                                      "疑似", "确诊", "已康复",   "已故"};

static const char *s_status(int s)
{
    return s_status_name[s >= 0 && s <= 7 ? s : 0];
}

int intake_group_wide(const fc_call_t *call)
{
    return strcmp(fc_call_role(call), "service") == 0 && !*fc_call_scope(call);
}

int intake_may_write(const fc_call_t *call, fc_err_t *err)
{
    if (strcmp(fc_call_role(call), "viewer") == 0)
        return fc_err_set(err, FC_EDENIED, "actor", "只读角色（viewer）不能修改数据");
    return FC_OK;
}

int intake_scope_path(fc_service_t *svc, fc_call_t *call, const char **path_out, fc_err_t *err)
{
    if (intake_group_wide(call)) {
        *path_out = "";
        return FC_OK;
    }
    return intake_store_scope_path(fc_service_pg(svc), fc_call_scope(call), call->arena, path_out,
                                   err);
}

int intake_in_scope(const char *scope_path, const char *org_path)
{
    return !*scope_path || strncmp(org_path, scope_path, strlen(scope_path)) == 0;
}

static int s_check_scope(fc_service_t *svc, const fc_call_t *call, const char *org_code,
                         const char *field, fc_err_t *err)
{
    if (intake_group_wide(call))
        return FC_OK;
    return intake_store_check_scope(fc_service_pg(svc), fc_call_scope(call), org_code, field, err);
}

/* A person who must exist and lie in the actor's scope. */
static int s_person(fc_service_t *svc, fc_call_t *call, const char *employee_no, const char *field,
                    intake_person_brief_t *out, fc_err_t *err)
{
    int rc = intake_store_person_brief(fc_service_pg(svc), employee_no, field, out, err);
    if (rc != FC_OK)
        return rc;
    const char *scope = NULL;
    if ((rc = intake_scope_path(svc, call, &scope, err)) != FC_OK)
        return rc;
    if (!intake_in_scope(scope, out->org_path))
        return fc_err_set(err, FC_EDENIED, field, "“%s”所在组织“%s”不在您的管辖范围“%s”内",
                          employee_no, out->org_code, fc_call_scope(call));
    return FC_OK;
}

static int s_indexed(int rc, const char *list, size_t i, fc_err_t *err)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s[%zu]", list, i);
    fc_err_prefix_field(err, prefix);
    return rc;
}

static int64_t s_at(int64_t at_us, int64_t now)
{
    return at_us ? at_us : now;
}

static int s_publish_person(fc_service_t *svc, fc_call_t *call, const char *employee_no,
                            int64_t now, fc_err_t *err)
{
    Fc__V1__Person *p = NULL;
    int rc = intake_store_person_get(fc_service_pg(svc), employee_no, call->arena, &p, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__PersonUpserted ev = FC__V1__PERSON_UPSERTED__INIT;
    ev.person = p;
    ev.at_us = now;
    return fc_service_publish(svc, INTAKE_EV_PERSON_UPSERTED, &ev.base, now, err);
}

/* ---- organisation and people ---------------------------------------------------------- */

static int handle_org_upsert(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__OrgUpsertRequest *req = (const Fc__V1__OrgUpsertRequest *)call->request;
    int rc = intake_may_write(call, err);
    if (rc != FC_OK)
        return rc;
    if (req->n_units == 0 || req->n_units > INTAKE_MAX_BATCH)
        return fc_err_set(err, FC_EINVAL, "units", "一次须提交 1 到 %d 个组织", INTAKE_MAX_BATCH);
    for (size_t i = 0; i < req->n_units; i++) {
        rc = intake_rules_org(req->units[i], err);
        if (rc != FC_OK)
            return s_indexed(rc, "units", i, err);
    }
    int64_t now = fc_clock_now_us();
    Fc__V1__OrgUpsertReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__org_upsert_reply__init(reply);
    for (size_t i = 0; i < req->n_units; i++) {
        const Fc__V1__OrgUnit *u = req->units[i];
        /* a new root (the group) only group-wide; anything else inside the scope of its parent */
        if (!u->parent_code[0])
            rc = intake_group_wide(call) ? FC_OK
                                         : fc_err_set(err, FC_EDENIED, "parent_code",
                                                      "只有集团管理员可以建立集团根组织");
        else
            rc = s_check_scope(svc, call, u->parent_code, "parent_code", err);
        /* liaison units (联系点) are chosen by the group (002 §7) */
        if (rc == FC_OK && !intake_group_wide(call)) {
            intake_org_ref_t old;
            fc_err_t none;
            int exists = intake_store_org_ref(fc_service_pg(svc), u->org_code, "org_code",
                                              call->arena, &old, &none) == FC_OK;
            if ((exists ? old.liaison_unit : 0) != (int)u->liaison_unit)
                rc = fc_err_set(err, FC_EDENIED, "liaison_unit",
                                "联系点由集团党委组织部确定，“%s”不能更改", u->org_code);
        }
        intake_outcome_t outcome = INTAKE_UNCHANGED;
        if (rc == FC_OK)
            rc = intake_store_org_upsert(fc_service_pg(svc), u, &outcome, err);
        if (rc == FC_OK && outcome != INTAKE_UNCHANGED) {
            Fc__V1__OrgUpserted ev = FC__V1__ORG_UPSERTED__INIT;
            ev.unit = (Fc__V1__OrgUnit *)u;
            ev.at_us = now;
            rc = fc_service_publish(svc, INTAKE_EV_ORG_UPSERTED, &ev.base, now, err);
        }
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
    int rc = intake_may_write(call, err);
    if (rc != FC_OK)
        return rc;
    if (req->n_people == 0 || req->n_people > INTAKE_MAX_BATCH)
        return fc_err_set(err, FC_EINVAL, "people", "一次须提交 1 到 %d 人", INTAKE_MAX_BATCH);
    for (size_t i = 0; i < req->n_people; i++) {
        rc = intake_rules_person(req->people[i], err);
        if (rc != FC_OK)
            return s_indexed(rc, "people", i, err);
    }
    int64_t now = fc_clock_now_us();
    Fc__V1__PersonUpsertReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__person_upsert_reply__init(reply);
    fc_pg_t *pg = fc_service_pg(svc);
    for (size_t i = 0; i < req->n_people; i++) {
        const Fc__V1__Person *p = req->people[i];
        char old_org[64];
        rc = s_check_scope(svc, call, p->org_code, "org_code", err);
        /* moving someone out of another subtree needs that subtree too */
        if (rc == FC_OK && intake_store_person_org(pg, p->employee_no, old_org, sizeof old_org,
                                                   NULL, NULL) == FC_OK)
            rc = s_check_scope(svc, call, old_org, "employee_no", err);
        intake_outcome_t outcome = INTAKE_UNCHANGED;
        char **others = NULL;
        size_t n_others = 0;
        if (rc == FC_OK)
            rc = intake_store_person_upsert(pg, p, &outcome, call->arena, &others, &n_others, err);
        if (rc == FC_OK && outcome != INTAKE_UNCHANGED)
            rc = s_publish_person(svc, call, p->employee_no, now, err);
        for (size_t k = 0; rc == FC_OK && k < n_others; k++)
            rc = s_publish_person(svc, call, others[k], now, err);
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

static int handle_person_file(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__PersonFileRequest *req = (const Fc__V1__PersonFileRequest *)call->request;
    fc_pg_t *pg = fc_service_pg(svc);
    Fc__V1__PersonFileReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__person_file_reply__init(reply);
    int limit = req->limit > 0 && req->limit <= 1000 ? req->limit : INTAKE_FILE_LIMIT;
    int64_t now = fc_clock_now_us();
    int rc = fc_pb_require(&req->base, "employee_no", err);
    if (rc == FC_OK)
        rc = intake_store_person_get(pg, req->employee_no, call->arena, &reply->person, err);
    if (rc == FC_OK)
        rc = s_check_scope(svc, call, reply->person->org_code, "employee_no", err);
    if (rc == FC_OK)
        rc = intake_store_org_path(pg, reply->person->org_code, call->arena, &reply->org_path,
                                   &reply->n_org_path, err);
    if (rc == FC_OK)
        rc = intake_store_person_file(pg, req->employee_no, limit, now, call->arena, reply, err);
    if (rc == FC_OK) /* 驻村第一书记 (002 §12): intake_records */
        rc = intake_records_store_villages(pg, req->employee_no, limit, call->arena,
                                           &reply->village_assignments,
                                           &reply->n_village_assignments, err);
    if (rc != FC_OK)
        return rc;
    reply->now_us = now;
    call->reply = &reply->base;
    return FC_OK;
}

/* ---- people search (the console's People page, `fcctl person search`) ----------------- */

/* People of the caller's subtree — or of org_code's, which must lie inside it — by employee
 * number prefix or name substring; a read. */
static int handle_person_search(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__PersonSearchRequest *req = (const Fc__V1__PersonSearchRequest *)call->request;
    fc_pg_t *pg = fc_service_pg(svc);
    const char *path = NULL;
    int rc = intake_rules_person_search(req, err);
    if (rc == FC_OK && *req->org_code) {
        intake_org_ref_t org = {0};
        rc = s_check_scope(svc, call, req->org_code, "org_code", err);
        if (rc == FC_OK)
            rc = intake_store_org_ref(pg, req->org_code, "org_code", call->arena, &org, err);
        path = org.path;
    } else if (rc == FC_OK) {
        rc = intake_scope_path(svc, call, &path, err);
    }
    if (rc != FC_OK)
        return rc;
    int limit = req->limit == 0                        ? INTAKE_SEARCH_DEFAULT_LIMIT
                : req->limit > INTAKE_SEARCH_MAX_LIMIT ? INTAKE_SEARCH_MAX_LIMIT
                                                       : req->limit;
    Fc__V1__PersonSearchReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__person_search_reply__init(reply);
    int more = 0;
    rc = intake_store_person_search(pg, req->query, path, limit, req->offset, call->arena,
                                    &reply->people, &reply->n_people, &more, err);
    if (rc != FC_OK)
        return rc;
    reply->more = more;
    reply->limit = limit;
    call->reply = &reply->base;
    return FC_OK;
}

/* ---- posts ------------------------------------------------------------------------------ */

static int handle_post_upsert(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__PostUpsertRequest *req = (const Fc__V1__PostUpsertRequest *)call->request;
    int rc = intake_may_write(call, err);
    if (rc != FC_OK)
        return rc;
    if (req->n_posts == 0 || req->n_posts > INTAKE_MAX_BATCH)
        return fc_err_set(err, FC_EINVAL, "posts", "一次须提交 1 到 %d 个岗位", INTAKE_MAX_BATCH);
    for (size_t i = 0; i < req->n_posts; i++)
        if ((rc = intake_rules_post(req->posts[i], err)) != FC_OK)
            return s_indexed(rc, "posts", i, err);
    int64_t now = fc_clock_now_us();
    fc_pg_t *pg = fc_service_pg(svc);
    Fc__V1__PostUpsertReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__post_upsert_reply__init(reply);
    for (size_t i = 0; i < req->n_posts; i++) {
        const Fc__V1__Post *p = req->posts[i];
        Fc__V1__Post *old = NULL;
        intake_outcome_t outcome = INTAKE_UNCHANGED;
        rc = s_check_scope(svc, call, p->org_code, "org_code", err);
        /* moving a post out of another subtree needs that subtree too */
        if (rc == FC_OK &&
            intake_store_post_get(pg, p->post_code, call->arena, &old, NULL) == FC_OK)
            rc = s_check_scope(svc, call, old->org_code, "post_code", err);
        if (rc == FC_OK)
            rc = intake_store_post_upsert(pg, p, &outcome, err);
        if (rc == FC_OK && outcome != INTAKE_UNCHANGED) {
            Fc__V1__PostUpserted ev = FC__V1__POST_UPSERTED__INIT;
            ev.post = (Fc__V1__Post *)p;
            ev.at_us = now;
            rc = fc_service_publish(svc, INTAKE_EV_POST_UPSERTED, &ev.base, now, err);
        }
        if (rc != FC_OK)
            return s_indexed(rc, "posts", i, err);
        reply->inserted += outcome == INTAKE_INSERTED;
        reply->updated += outcome == INTAKE_UPDATED;
        reply->unchanged += outcome == INTAKE_UNCHANGED;
    }
    call->reply = &reply->base;
    return FC_OK;
}

static int handle_post_get(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__PostGetRequest *req = (const Fc__V1__PostGetRequest *)call->request;
    Fc__V1__PostGetReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__post_get_reply__init(reply);
    int rc = fc_pb_require(&req->base, "post_code", err);
    if (rc == FC_OK)
        rc = intake_store_post_get(fc_service_pg(svc), req->post_code, call->arena, &reply->post,
                                   err);
    if (rc == FC_OK)
        rc = s_check_scope(svc, call, reply->post->org_code, "post_code", err);
    if (rc != FC_OK)
        return rc;
    call->reply = &reply->base;
    return FC_OK;
}

/* ---- health ------------------------------------------------------------------------------- */

/* A batch of check-ins: every item validated first, people looked up at once, rows and their
 * events written with COPY, all in the request's one transaction. */
static int handle_health_checkin(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__HealthCheckinRequest *req = (const Fc__V1__HealthCheckinRequest *)call->request;
    fc_pg_t *pg = fc_service_pg(svc);
    int rc = intake_may_write(call, err);
    if (rc != FC_OK)
        return rc;
    size_t n = req->n_checkins;
    if (n == 0 || n > INTAKE_MAX_BATCH)
        return fc_err_set(err, FC_EINVAL, "checkins", "一次须提交 1 到 %d 条健康打卡",
                          INTAKE_MAX_BATCH);
    int64_t now = fc_clock_now_us();
    for (size_t i = 0; i < n; i++)
        if ((rc = intake_rules_checkin(req->checkins[i], now, err)) != FC_OK)
            return s_indexed(rc, "checkins", i, err);
    const char *scope = NULL;
    if ((rc = intake_scope_path(svc, call, &scope, err)) != FC_OK)
        return rc;
    char **emps = fc_arena_alloc(call->arena, n * sizeof *emps);
    for (size_t i = 0; i < n; i++)
        emps[i] = req->checkins[i]->employee_no;
    intake_person_brief_t **who = NULL;
    if ((rc = intake_store_person_briefs(pg, emps, n, *scope != '\0', call->arena, &who, err)) !=
        FC_OK)
        return rc;
    int64_t *at = fc_arena_alloc(call->arena, n * sizeof *at);
    for (size_t i = 0; i < n; i++) {
        if (!who[i])
            rc = fc_err_set(err, FC_ENOTFOUND, "employee_no", "工号“%s”不存在", emps[i]);
        else if (!intake_in_scope(scope, who[i]->org_path))
            rc =
                fc_err_set(err, FC_EDENIED, "employee_no", "“%s”所在组织“%s”不在您的管辖范围“%s”内",
                           emps[i], who[i]->org_code, fc_call_scope(call));
        else if (who[i]->health_status == FC__V1__HEALTH_STATUS__HEALTH_STATUS_DECEASED)
            rc = fc_err_set(err, FC_ECONFLICT, "employee_no", "“%s”已故，不能打卡", emps[i]);
        if (rc != FC_OK)
            return s_indexed(rc, "checkins", i, err);
        at[i] = s_at(req->checkins[i]->at_us, now);
    }
    Fc__V1__HealthCheckinReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__health_checkin_reply__init(reply);
    reply->checkin_ids = fc_arena_alloc(call->arena, n * sizeof(int64_t));
    reply->n_checkin_ids = n;
    if ((rc = intake_store_checkins_copy(pg, req->checkins, n, at, reply->checkin_ids, err)) !=
        FC_OK)
        return rc;
    intake_events_t evs;
    intake_events_init(&evs);
    for (size_t i = 0; i < n; i++) {
        Fc__V1__HealthCheckedIn ev = FC__V1__HEALTH_CHECKED_IN__INIT;
        ev.checkin_id = reply->checkin_ids[i];
        ev.employee_no = emps[i];
        ev.org_code = who[i]->org_code;
        ev.temperature_dc = req->checkins[i]->temperature_dc;
        ev.fever = req->checkins[i]->temperature_dc >= INTAKE_FEVER_DC;
        ev.at_us = at[i];
        ev.health_status = who[i]->health_status;
        intake_events_add(&evs, INTAKE_EV_HEALTH_CHECKED_IN, &ev.base, at[i]);
    }
    rc = intake_store_events_flush(pg, &evs, err);
    intake_events_fini(&evs);
    if (rc != FC_OK)
        return rc;
    call->reply = &reply->base;
    return FC_OK;
}

/* Changes a person's health status along the legal transitions and publishes the change. */
static int s_status_change(fc_service_t *svc, const intake_person_brief_t *who, int to,
                           const char *reason, int64_t at, fc_err_t *err)
{
    int rc = intake_rules_health_transition(who->health_status, to, err);
    if (rc != FC_OK || who->health_status == to)
        return rc;
    rc = intake_store_health_status_set(fc_service_pg(svc), who->employee_no, who->health_status,
                                        to, reason, at, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__HealthStatusChanged ev = FC__V1__HEALTH_STATUS_CHANGED__INIT;
    ev.employee_no = (char *)who->employee_no;
    ev.org_code = (char *)who->org_code;
    ev.from = who->health_status;
    ev.to = to;
    ev.at_us = at;
    ev.reason = (char *)reason;
    return fc_service_publish(svc, INTAKE_EV_HEALTH_STATUS_CHANGED, &ev.base, at, err);
}

static int handle_health_status(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__HealthStatusRequest *req = (const Fc__V1__HealthStatusRequest *)call->request;
    intake_person_brief_t who;
    int64_t now = fc_clock_now_us(), at = s_at(req->at_us, now);
    int rc = intake_may_write(call, err);
    if (rc == FC_OK)
        rc = intake_rules_code("employee_no", req->employee_no, err);
    if (rc == FC_OK && (req->to < FC__V1__HEALTH_STATUS__HEALTH_STATUS_HEALTHY ||
                        req->to > FC__V1__HEALTH_STATUS__HEALTH_STATUS_DECEASED))
        rc = fc_err_set(err, FC_EINVAL, "to", "未知的健康状态 %d", (int)req->to);
    if (rc == FC_OK)
        rc = intake_rules_text("reason", req->reason, 500, 0, err);
    if (rc == FC_OK)
        rc = intake_rules_when("at_us", at, now, INTAKE_BACKFILL_DAYS, err);
    if (rc == FC_OK)
        rc = s_person(svc, call, req->employee_no, "employee_no", &who, err);
    if (rc == FC_OK)
        rc = s_status_change(svc, &who, req->to, req->reason, at, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__HealthStatusReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__health_status_reply__init(reply);
    reply->from = who.health_status;
    reply->to = req->to;
    reply->changed = who.health_status != (int)req->to;
    call->reply = &reply->base;
    return FC_OK;
}

/* ---- duty ------------------------------------------------------------------------------------ */

static int s_duty_event(fc_service_t *svc, fc_call_t *call, const char *type, int64_t duty_id,
                        const intake_person_brief_t *who, const char *post_code, int64_t start,
                        int64_t end, int minutes, fc_err_t *err)
{
    Fc__V1__Post *post = NULL;
    int rc = intake_store_post_get(fc_service_pg(svc), post_code, call->arena, &post, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__DutyEvent ev = FC__V1__DUTY_EVENT__INIT;
    ev.duty_id = duty_id;
    ev.employee_no = (char *)who->employee_no;
    ev.org_code = (char *)who->org_code;
    ev.post_code = post->post_code;
    ev.post_org_code = post->org_code;
    ev.risk_class = post->risk_class;
    ev.start_us = start;
    ev.end_us = end;
    ev.minutes = minutes;
    return fc_service_publish(svc, type, &ev.base, end ? end : start, err);
}

static int s_duty_checkin(fc_service_t *svc, fc_call_t *call, const Fc__V1__DutyCheckin *c,
                          int64_t now, int64_t *id_out, fc_err_t *err)
{
    intake_person_brief_t who;
    int64_t at = s_at(c->at_us, now);
    Fc__V1__Post *post = NULL;
    int rc = intake_rules_code("employee_no", c->employee_no, err);
    if (rc == FC_OK)
        rc = intake_rules_code("post_code", c->post_code, err);
    if (rc == FC_OK)
        rc = intake_rules_when("at_us", at, now, INTAKE_BACKFILL_DAYS, err);
    if (rc == FC_OK)
        rc = s_person(svc, call, c->employee_no, "employee_no", &who, err);
    if (rc != FC_OK)
        return rc;
    int st = who.health_status;
    if (st != FC__V1__HEALTH_STATUS__HEALTH_STATUS_HEALTHY &&
        st != FC__V1__HEALTH_STATUS__HEALTH_STATUS_RECOVERED)
        return fc_err_set(err, FC_ECONFLICT, "employee_no", "“%s”健康状态为“%s”，不能上岗",
                          c->employee_no, s_status(st));
    if (!who.fit_for_frontline)
        return fc_err_set(err, FC_ECONFLICT, "employee_no",
                          "“%s”身体状况不适宜在一线工作（000 §3），不能上岗", c->employee_no);
    if ((rc = intake_store_post_get(fc_service_pg(svc), c->post_code, call->arena, &post, err)) !=
        FC_OK)
        return rc;
    if ((rc = intake_store_duty_open(fc_service_pg(svc), c->employee_no, c->post_code, at, id_out,
                                     err)) != FC_OK)
        return rc;
    return s_duty_event(svc, call, INTAKE_EV_DUTY_CHECKED_IN, *id_out, &who, c->post_code, at, 0, 0,
                        err);
}

static int handle_duty_checkin(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__DutyCheckinRequest *req = (const Fc__V1__DutyCheckinRequest *)call->request;
    int rc = intake_may_write(call, err);
    if (rc != FC_OK)
        return rc;
    if (req->n_checkins == 0 || req->n_checkins > INTAKE_MAX_BATCH)
        return fc_err_set(err, FC_EINVAL, "checkins", "一次须提交 1 到 %d 条签到",
                          INTAKE_MAX_BATCH);
    int64_t now = fc_clock_now_us();
    Fc__V1__DutyCheckinReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__duty_checkin_reply__init(reply);
    reply->duty_ids = fc_arena_alloc(call->arena, req->n_checkins * sizeof(int64_t));
    reply->n_duty_ids = req->n_checkins;
    for (size_t i = 0; i < req->n_checkins; i++)
        if ((rc = s_duty_checkin(svc, call, req->checkins[i], now, &reply->duty_ids[i], err)) !=
            FC_OK)
            return s_indexed(rc, "checkins", i, err);
    call->reply = &reply->base;
    return FC_OK;
}

static int s_duty_checkout(fc_service_t *svc, fc_call_t *call, const Fc__V1__DutyCheckout *c,
                           int64_t now, int64_t *id_out, int32_t *minutes_out, fc_err_t *err)
{
    intake_person_brief_t who;
    int64_t at = s_at(c->at_us, now), start = 0;
    char post[64];
    int rc = intake_rules_code("employee_no", c->employee_no, err);
    if (rc == FC_OK)
        rc = intake_rules_when("at_us", at, now, INTAKE_BACKFILL_DAYS, err);
    if (rc == FC_OK)
        rc = s_person(svc, call, c->employee_no, "employee_no", &who, err);
    if (rc == FC_OK)
        rc = intake_store_duty_current(fc_service_pg(svc), c->employee_no, id_out, post,
                                       sizeof post, &start, err);
    if (rc == FC_OK)
        rc = intake_rules_duty_span(start, at, err);
    if (rc != FC_OK)
        return rc;
    *minutes_out = (int32_t)((at - start) / (60 * FC_US_PER_S));
    if ((rc = intake_store_duty_close(fc_service_pg(svc), *id_out, at, *minutes_out, err)) != FC_OK)
        return rc;
    return s_duty_event(svc, call, INTAKE_EV_DUTY_CHECKED_OUT, *id_out, &who, post, start, at,
                        *minutes_out, err);
}

static int handle_duty_checkout(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__DutyCheckoutRequest *req = (const Fc__V1__DutyCheckoutRequest *)call->request;
    int rc = intake_may_write(call, err);
    if (rc != FC_OK)
        return rc;
    if (req->n_checkouts == 0 || req->n_checkouts > INTAKE_MAX_BATCH)
        return fc_err_set(err, FC_EINVAL, "checkouts", "一次须提交 1 到 %d 条签退",
                          INTAKE_MAX_BATCH);
    int64_t now = fc_clock_now_us();
    size_t n = req->n_checkouts;
    Fc__V1__DutyCheckoutReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__duty_checkout_reply__init(reply);
    reply->duty_ids = fc_arena_alloc(call->arena, n * sizeof(int64_t));
    reply->minutes = fc_arena_alloc(call->arena, n * sizeof(int32_t));
    reply->n_duty_ids = reply->n_minutes = n;
    for (size_t i = 0; i < n; i++)
        if ((rc = s_duty_checkout(svc, call, req->checkouts[i], now, &reply->duty_ids[i],
                                  &reply->minutes[i], err)) != FC_OK)
            return s_indexed(rc, "checkouts", i, err);
    call->reply = &reply->base;
    return FC_OK;
}

/* ---- incidents ---------------------------------------------------------------------------------
 */

static int handle_incident(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__IncidentRequest *req = (const Fc__V1__IncidentRequest *)call->request;
    intake_person_brief_t who;
    int status = 0, major = 0, on_duty = 0;
    int64_t now = fc_clock_now_us(), at = s_at(req->at_us, now), id = 0;
    int rc = intake_may_write(call, err);
    if (rc == FC_OK)
        rc = intake_rules_incident(req, &status, &major, err);
    if (rc == FC_OK)
        rc = intake_rules_when("at_us", at, now, INTAKE_RECORD_DAYS, err);
    if (rc == FC_OK)
        rc = s_person(svc, call, req->employee_no, "employee_no", &who, err);
    if (rc == FC_OK && who.health_status == FC__V1__HEALTH_STATUS__HEALTH_STATUS_DECEASED)
        rc = fc_err_set(err, FC_ECONFLICT, "employee_no", "“%s”已故，不能再报告事件",
                        req->employee_no);
    if (rc == FC_OK)
        rc = intake_store_on_duty_at(fc_service_pg(svc), req->employee_no, at, &on_duty, err);
    if (rc == FC_OK && status) {
        char reason[128];
        snprintf(reason, sizeof reason, "事件：%s", req->kind);
        rc = s_status_change(svc, &who, status, reason, at, err);
    }
    Fc__V1__IncidentReported ev = FC__V1__INCIDENT_REPORTED__INIT;
    ev.employee_no = req->employee_no;
    ev.org_code = who.org_code;
    ev.kind = req->kind;
    ev.at_us = at;
    ev.description = req->description;
    ev.major = major;
    ev.on_duty = req->on_duty || on_duty;
    if (rc == FC_OK)
        rc = intake_store_incident_add(fc_service_pg(svc), &ev, &id, err);
    ev.incident_id = id;
    if (rc == FC_OK)
        rc = fc_service_publish(svc, INTAKE_EV_INCIDENT_REPORTED, &ev.base, at, err);
    if (rc != FC_OK)
        return rc;
    if (major)
        fc_log_info("intake.major_incident", "incident_id", FC_LI(id), "kind", FC_LS(req->kind),
                    "org_code", FC_LS(who.org_code), NULL);
    Fc__V1__IncidentReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__incident_reply__init(reply);
    reply->incident_id = id;
    reply->major = major;
    reply->on_duty = ev.on_duty;
    reply->health_status = status ? status : who.health_status;
    call->reply = &reply->base;
    return FC_OK;
}

/* ---- key groups (四类人) and service contacts ---------------------------------------------- */

static int handle_key_group_open(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__KeyGroupOpenRequest *req = (const Fc__V1__KeyGroupOpenRequest *)call->request;
    intake_person_brief_t who, vol;
    int64_t now = fc_clock_now_us(), id = 0;
    int rc = intake_may_write(call, err);
    if (rc == FC_OK)
        rc = fc_pb_require(&req->base, "file", err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__KeyGroupFile f = *req->file;
    f.opened_us = s_at(f.opened_us, now);
    f.closed_us = 0;
    if ((rc = intake_rules_key_group_file(&f, err)) == FC_OK)
        rc = intake_rules_when("opened_us", f.opened_us, now, INTAKE_RECORD_DAYS, err);
    if (rc == FC_OK)
        rc = s_person(svc, call, f.employee_no, "employee_no", &who, err);
    if (rc == FC_OK)
        rc = intake_store_person_brief(fc_service_pg(svc), f.volunteer_employee_no,
                                       "volunteer_employee_no", &vol, err);
    if (rc == FC_OK && vol.health_status != FC__V1__HEALTH_STATUS__HEALTH_STATUS_HEALTHY &&
        vol.health_status != FC__V1__HEALTH_STATUS__HEALTH_STATUS_RECOVERED)
        rc = fc_err_set(err, FC_ECONFLICT, "volunteer_employee_no",
                        "志愿者“%s”健康状态为“%s”，不能承担一对一服务", f.volunteer_employee_no,
                        s_status(vol.health_status));
    f.org_code = who.org_code;
    if (rc == FC_OK)
        rc = intake_store_key_group_open(fc_service_pg(svc), &f, &id, err);
    f.file_id = id;
    if (rc == FC_OK) {
        Fc__V1__KeyGroupFileChanged ev = FC__V1__KEY_GROUP_FILE_CHANGED__INIT;
        ev.file = &f;
        ev.at_us = f.opened_us;
        rc = fc_service_publish(svc, INTAKE_EV_KEY_GROUP_OPENED, &ev.base, f.opened_us, err);
    }
    if (rc != FC_OK)
        return rc;
    Fc__V1__KeyGroupOpenReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__key_group_open_reply__init(reply);
    reply->file_id = id;
    call->reply = &reply->base;
    return FC_OK;
}

/* A key-group file that exists, is open and lies in scope (locked for the transaction). */
static int s_open_file(fc_service_t *svc, fc_call_t *call, int64_t file_id,
                       Fc__V1__KeyGroupFile **out, fc_err_t *err)
{
    int rc = intake_store_key_group_get(fc_service_pg(svc), file_id, call->arena, out, err);
    if (rc == FC_OK)
        rc = s_check_scope(svc, call, (*out)->org_code, "file_id", err);
    if (rc == FC_OK && (*out)->closed_us)
        rc = fc_err_set(err, FC_ECONFLICT, "file_id", "档案 %lld 已结案", (long long)file_id);
    return rc;
}

static int handle_key_group_close(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__KeyGroupCloseRequest *req = (const Fc__V1__KeyGroupCloseRequest *)call->request;
    Fc__V1__KeyGroupFile *f = NULL;
    int64_t now = fc_clock_now_us(), at = s_at(req->at_us, now);
    int rc = intake_may_write(call, err);
    if (rc == FC_OK)
        rc = intake_rules_text("note", req->note, 2000, 0, err);
    if (rc == FC_OK)
        rc = intake_rules_when("at_us", at, now, INTAKE_RECORD_DAYS, err);
    if (rc == FC_OK)
        rc = s_open_file(svc, call, req->file_id, &f, err);
    if (rc == FC_OK && at < f->opened_us)
        rc = fc_err_set(err, FC_EINVAL, "at_us", "结案时间早于建档时间");
    if (rc == FC_OK)
        rc = intake_store_key_group_close(fc_service_pg(svc), f->file_id, req->note, at, err);
    if (rc == FC_OK) {
        f->closed_us = at;
        if (req->note[0])
            f->note = req->note;
        Fc__V1__KeyGroupFileChanged ev = FC__V1__KEY_GROUP_FILE_CHANGED__INIT;
        ev.file = f;
        ev.at_us = at;
        rc = fc_service_publish(svc, INTAKE_EV_KEY_GROUP_CLOSED, &ev.base, at, err);
    }
    if (rc != FC_OK)
        return rc;
    Fc__V1__KeyGroupCloseReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__key_group_close_reply__init(reply);
    reply->file_id = f->file_id;
    call->reply = &reply->base;
    return FC_OK;
}

static int handle_service_contact(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__ServiceContactRequest *req = (const Fc__V1__ServiceContactRequest *)call->request;
    Fc__V1__KeyGroupFile *f = NULL;
    intake_person_brief_t by;
    int64_t now = fc_clock_now_us(), id = 0;
    int rc = intake_may_write(call, err);
    if (rc == FC_OK)
        rc = fc_pb_require(&req->base, "contact", err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__ServiceContact c = *req->contact;
    c.at_us = s_at(c.at_us, now);
    if ((rc = intake_rules_service_contact(&c, err)) == FC_OK)
        rc = intake_rules_when("at_us", c.at_us, now, INTAKE_BACKFILL_DAYS, err);
    if (rc == FC_OK)
        rc = s_open_file(svc, call, c.file_id, &f, err);
    if (rc == FC_OK)
        rc = intake_store_person_brief(fc_service_pg(svc), c.by_employee_no, "by_employee_no", &by,
                                       err);
    if (rc == FC_OK && c.at_us < f->opened_us)
        rc = fc_err_set(err, FC_EINVAL, "at_us", "服务时间早于建档时间");
    if (rc == FC_OK)
        rc = intake_store_service_contact_add(fc_service_pg(svc), &c, &id, err);
    if (rc != FC_OK)
        return rc;
    c.contact_id = id;
    c.employee_no = f->employee_no;
    c.org_code = f->org_code;
    Fc__V1__ServiceContactLogged ev = FC__V1__SERVICE_CONTACT_LOGGED__INIT;
    ev.contact = &c;
    if ((rc = fc_service_publish(svc, INTAKE_EV_SERVICE_CONTACT, &ev.base, c.at_us, err)) != FC_OK)
        return rc;
    Fc__V1__ServiceContactReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__service_contact_reply__init(reply);
    reply->contact_id = id;
    call->reply = &reply->base;
    return FC_OK;
}

/* ---- hardship cases ------------------------------------------------------------------------ */

static int handle_hardship_open(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__HardshipOpenRequest *req = (const Fc__V1__HardshipOpenRequest *)call->request;
    intake_person_brief_t who, liaison;
    int64_t now = fc_clock_now_us(), id = 0;
    int rc = intake_may_write(call, err);
    if (rc == FC_OK)
        rc = fc_pb_require(&req->base, "hardship", err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__HardshipCase c = *req->hardship;
    c.at_us = s_at(c.at_us, now);
    c.closed = 0;
    if ((rc = intake_rules_hardship(&c, err)) == FC_OK)
        rc = intake_rules_when("at_us", c.at_us, now, INTAKE_RECORD_DAYS, err);
    if (rc == FC_OK)
        rc = s_person(svc, call, c.employee_no, "employee_no", &who, err);
    if (rc == FC_OK)
        rc = intake_store_person_brief(fc_service_pg(svc), c.liaison_employee_no,
                                       "liaison_employee_no", &liaison, err);
    if (rc == FC_OK && liaison.health_status == FC__V1__HEALTH_STATUS__HEALTH_STATUS_DECEASED)
        rc = fc_err_set(err, FC_ECONFLICT, "liaison_employee_no", "联络人“%s”已故",
                        c.liaison_employee_no);
    c.org_code = who.org_code;
    if (rc == FC_OK)
        rc = intake_store_hardship_open(fc_service_pg(svc), &c, &id, err);
    c.case_id = id;
    if (rc == FC_OK)
        rc = fc_service_publish(svc, INTAKE_EV_HARDSHIP_OPENED, &c.base, c.at_us, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__HardshipOpenReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__hardship_open_reply__init(reply);
    reply->case_id = id;
    call->reply = &reply->base;
    return FC_OK;
}

static int handle_hardship_close(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__HardshipCloseRequest *req = (const Fc__V1__HardshipCloseRequest *)call->request;
    Fc__V1__HardshipCase *c = NULL;
    int64_t now = fc_clock_now_us(), at = s_at(req->at_us, now);
    int rc = intake_may_write(call, err);
    if (rc == FC_OK)
        rc = intake_rules_text("note", req->note, 2000, 0, err);
    if (rc == FC_OK)
        rc = intake_rules_when("at_us", at, now, INTAKE_RECORD_DAYS, err);
    if (rc == FC_OK)
        rc = intake_store_hardship_get(fc_service_pg(svc), req->case_id, call->arena, &c, err);
    if (rc == FC_OK)
        rc = s_check_scope(svc, call, c->org_code, "case_id", err);
    if (rc == FC_OK && c->closed)
        rc = fc_err_set(err, FC_ECONFLICT, "case_id", "困难台账 %lld 已结案",
                        (long long)req->case_id);
    if (rc == FC_OK && at < c->at_us)
        rc = fc_err_set(err, FC_EINVAL, "at_us", "结案时间早于立案时间");
    if (rc == FC_OK)
        rc = intake_store_hardship_close(fc_service_pg(svc), req->case_id, req->note, at, err);
    if (rc == FC_OK) {
        c->closed = 1;
        c->at_us = at;
        rc = fc_service_publish(svc, INTAKE_EV_HARDSHIP_CLOSED, &c->base, at, err);
    }
    if (rc != FC_OK)
        return rc;
    Fc__V1__HardshipCloseReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__hardship_close_reply__init(reply);
    reply->case_id = req->case_id;
    call->reply = &reply->base;
    return FC_OK;
}

/* ---- weekly reports, cadre records, candidates ------------------------------------------------
 */

static int handle_weekly_report(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__WeeklyReportRequest *req = (const Fc__V1__WeeklyReportRequest *)call->request;
    intake_person_brief_t who;
    intake_org_ref_t org;
    int64_t now = fc_clock_now_us(), id = 0;
    int rc = intake_may_write(call, err);
    if (rc == FC_OK)
        rc = fc_pb_require(&req->base, "report", err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__WeeklyReport r = *req->report;
    r.submitted_us = now;
    if ((rc = intake_rules_weekly_report(&r, now, err)) == FC_OK)
        rc = intake_store_org_ref(fc_service_pg(svc), r.org_code, "org_code", call->arena, &org,
                                  err);
    if (rc == FC_OK && strcmp(org.kind, "subsidiary") != 0)
        rc = fc_err_set(err, FC_EINVAL, "org_code", "周报按子分公司报送，“%s”不是子分公司",
                        r.org_code);
    if (rc == FC_OK)
        rc = s_check_scope(svc, call, r.org_code, "org_code", err);
    if (rc == FC_OK)
        rc = intake_store_person_brief(fc_service_pg(svc), r.employee_no, "employee_no", &who, err);
    if (rc == FC_OK && !who.leadership_team)
        rc = fc_err_set(err, FC_ECONFLICT, "employee_no", "“%s”不是领导班子成员", r.employee_no);
    if (rc == FC_OK && !intake_in_scope(org.path, who.org_path))
        rc = fc_err_set(err, FC_ECONFLICT, "employee_no", "“%s”（%s）不属于子分公司“%s”",
                        r.employee_no, who.org_code, r.org_code);
    if (rc == FC_OK)
        rc = intake_store_weekly_report_add(fc_service_pg(svc), &r, &id, err);
    if (rc == FC_OK) {
        Fc__V1__WeeklyReportSubmitted ev = FC__V1__WEEKLY_REPORT_SUBMITTED__INIT;
        ev.report_id = id;
        ev.employee_no = r.employee_no;
        ev.org_code = r.org_code;
        ev.iso_week = r.iso_week;
        ev.submitted_us = now;
        ev.no_outbreak = r.no_outbreak;
        ev.production_stable = r.production_stable;
        rc = fc_service_publish(svc, INTAKE_EV_WEEKLY_REPORT, &ev.base, now, err);
    }
    if (rc != FC_OK)
        return rc;
    Fc__V1__WeeklyReportReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__weekly_report_reply__init(reply);
    reply->report_id = id;
    call->reply = &reply->base;
    return FC_OK;
}

static int handle_cadre_key_event(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__CadreKeyEventRequest *req = (const Fc__V1__CadreKeyEventRequest *)call->request;
    intake_person_brief_t who;
    int64_t now = fc_clock_now_us(), id = 0;
    int rc = intake_may_write(call, err);
    if (rc == FC_OK)
        rc = fc_pb_require(&req->base, "event", err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__CadreKeyEvent e = *req->event;
    e.at_us = s_at(e.at_us, now);
    e.recorded_by = (char *)fc_call_actor(call);
    if ((rc = intake_rules_cadre_event(&e, err)) == FC_OK)
        rc = intake_rules_when("at_us", e.at_us, now, INTAKE_RECORD_DAYS, err);
    if (rc == FC_OK)
        rc = s_person(svc, call, e.employee_no, "employee_no", &who, err);
    if (rc == FC_OK && strcmp(who.cadre_level, "none") == 0 && !who.leadership_team &&
        !who.young_cadre && !who.reserve_pool)
        rc = fc_err_set(err, FC_ECONFLICT, "employee_no",
                        "“%s”不是干部（无干部级别、非班子成员、非年轻干部或后备干部）",
                        e.employee_no);
    e.org_code = who.org_code;
    if (rc == FC_OK)
        rc = intake_store_cadre_event_add(fc_service_pg(svc), &e, &id, err);
    e.event_id = id;
    if (rc == FC_OK) {
        Fc__V1__CadreKeyEventRecorded ev = FC__V1__CADRE_KEY_EVENT_RECORDED__INIT;
        ev.event = &e;
        rc = fc_service_publish(svc, INTAKE_EV_CADRE_KEY_EVENT, &ev.base, e.at_us, err);
    }
    if (rc != FC_OK)
        return rc;
    Fc__V1__CadreKeyEventReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__cadre_key_event_reply__init(reply);
    reply->event_id = id;
    call->reply = &reply->base;
    return FC_OK;
}

static int handle_merit(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__MeritRecordRequest *req = (const Fc__V1__MeritRecordRequest *)call->request;
    intake_person_brief_t who;
    int64_t now = fc_clock_now_us(), id = 0;
    int accountability = 0;
    int rc = intake_may_write(call, err);
    if (rc == FC_OK)
        rc = fc_pb_require(&req->base, "record", err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__MeritRecord m = *req->record;
    m.at_us = s_at(m.at_us, now);
    if ((rc = intake_rules_merit(&m, &accountability, err)) == FC_OK)
        rc = intake_rules_when("at_us", m.at_us, now, INTAKE_RECORD_DAYS, err);
    if (rc == FC_OK)
        rc = s_person(svc, call, m.employee_no, "employee_no", &who, err);
    m.org_code = who.org_code;
    m.accountability = accountability;
    if (rc == FC_OK)
        rc = intake_store_merit_add(fc_service_pg(svc), &m, &id, err);
    m.record_id = id;
    if (rc == FC_OK) {
        Fc__V1__MeritRecorded ev = FC__V1__MERIT_RECORDED__INIT;
        ev.record = &m;
        rc = fc_service_publish(svc, INTAKE_EV_MERIT, &ev.base, m.at_us, err);
    }
    if (rc != FC_OK)
        return rc;
    Fc__V1__MeritRecordReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__merit_record_reply__init(reply);
    reply->record_id = id;
    call->reply = &reply->base;
    return FC_OK;
}

static int handle_party_candidate(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__PartyCandidateRequest *req = (const Fc__V1__PartyCandidateRequest *)call->request;
    intake_person_brief_t who;
    int64_t now = fc_clock_now_us();
    long long duties = 0;
    int inserted = 0;
    int rc = intake_may_write(call, err);
    if (rc == FC_OK)
        rc = fc_pb_require(&req->base, "candidate", err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__PartyCandidate c = *req->candidate;
    c.at_us = s_at(c.at_us, now);
    if ((rc = intake_rules_code("employee_no", c.employee_no, err)) == FC_OK)
        rc = intake_rules_text("reason", c.reason, 2000, 1, err);
    if (rc == FC_OK)
        rc = intake_rules_when("at_us", c.at_us, now, INTAKE_RECORD_DAYS, err);
    if (rc == FC_OK)
        rc = s_person(svc, call, c.employee_no, "employee_no", &who, err);
    if (rc == FC_OK)
        rc = intake_rules_party_candidate(who.party_status, err);
    if (rc == FC_OK && c.fast_track)
        rc = intake_store_duty_count(fc_service_pg(svc), c.employee_no, &duties, err);
    if (rc == FC_OK && c.fast_track && duties == 0)
        rc = fc_err_set(err, FC_ECONFLICT, "fast_track",
                        "火线发展须有一线值守记录，“%s”没有任何值守记录", c.employee_no);
    c.org_code = who.org_code;
    c.party_status = who.party_status;
    if (rc == FC_OK)
        rc = intake_store_party_candidate_upsert(fc_service_pg(svc), &c, &inserted, err);
    if (rc == FC_OK) {
        Fc__V1__PartyCandidateUpserted ev = FC__V1__PARTY_CANDIDATE_UPSERTED__INIT;
        ev.candidate = &c;
        rc = fc_service_publish(svc, INTAKE_EV_PARTY_CANDIDATE, &ev.base, c.at_us, err);
    }
    if (rc != FC_OK)
        return rc;
    Fc__V1__PartyCandidateReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__party_candidate_reply__init(reply);
    reply->inserted = inserted;
    call->reply = &reply->base;
    return FC_OK;
}

#define W FC_ROUTE_WRITE
#define R(type, msg, fn, flags)                                                                    \
    {                                                                                              \
        type, &fc__v1__##msg##__descriptor, fn, flags                                              \
    }
const fc_route_t intake_routes[] = {
    R("intake.org_upsert", org_upsert_request, handle_org_upsert, W),
    R("intake.person_upsert", person_upsert_request, handle_person_upsert, W),
    R("intake.person_get", person_get_request, handle_person_get, 0),
    R("intake.person_file", person_file_request, handle_person_file, 0),
    R("intake.person_search", person_search_request, handle_person_search, 0),
    R("intake.post_upsert", post_upsert_request, handle_post_upsert, W),
    R("intake.post_get", post_get_request, handle_post_get, 0),
    R("intake.health_checkin", health_checkin_request, handle_health_checkin, W),
    R("intake.health_status", health_status_request, handle_health_status, W),
    R("intake.duty_checkin", duty_checkin_request, handle_duty_checkin, W),
    R("intake.duty_checkout", duty_checkout_request, handle_duty_checkout, W),
    R("intake.incident", incident_request, handle_incident, W),
    R("intake.key_group_open", key_group_open_request, handle_key_group_open, W),
    R("intake.key_group_close", key_group_close_request, handle_key_group_close, W),
    R("intake.service_contact", service_contact_request, handle_service_contact, W),
    R("intake.hardship_open", hardship_open_request, handle_hardship_open, W),
    R("intake.hardship_close", hardship_close_request, handle_hardship_close, W),
    R("intake.weekly_report", weekly_report_request, handle_weekly_report, W),
    R("intake.cadre_key_event", cadre_key_event_request, handle_cadre_key_event, W),
    R("intake.merit_record", merit_record_request, handle_merit, W),
    R("intake.party_candidate", party_candidate_request, handle_party_candidate, W),
    R("intake.import_begin", import_begin_request, intake_import_begin, W),
    R("intake.import_chunk", import_chunk_request, intake_import_chunk, W),
    R("intake.import_commit", import_commit_request, intake_import_commit, W),
    R("intake.import_problems", import_problems_request, intake_import_problems, 0),
};
const size_t intake_nroutes = sizeof intake_routes / sizeof intake_routes[0];

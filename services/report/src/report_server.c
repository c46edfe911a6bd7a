/* report_server: generate, fetch, list and render weekly reports. Each request is checked
 * against the caller's org scope; bad input is refused before anything is stored. */
#include "report_server.h"
#include "fc/v1/report.pb-c.h"
#include "fc_clock.h"
#include "fc_pb.h"
#include "report_app.h"
#include "report_build.h"
#include "report_render.h"
#include "report_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int s_group_wide(const fc_call_t *call)
{
    return strcmp(fc_call_role(call), "service") == 0 && !*fc_call_scope(call);
}

/* The org the caller asks about, defaulted to their scope, and checked against it. */
static int s_org_in_scope(fc_service_t *svc, const fc_call_t *call, const char *org,
                          const char **org_out, fc_err_t *err)
{
    const char *scope = fc_call_scope(call);
    *org_out = org && *org ? org : scope;
    if (s_group_wide(call))
        return FC_OK;
    if (!*scope)
        return fc_err_set(err, FC_EDENIED, "org_scope", "角色“%s”没有组织范围，不能查看报表",
                          fc_call_role(call));
    int in = report_store_in_subtree(fc_service_pg(svc), *org_out, scope, err);
    if (in < 0)
        return err->code ? err->code : FC_ERR;
    if (!in)
        return fc_err_set(err, FC_EDENIED, "org_code", "组织“%s”不在您的范围“%s”之内", *org_out,
                          scope);
    return FC_OK;
}

static int s_week(const char *s, int64_t now, report_week_t *wk, fc_err_t *err)
{
    int rc = report_week_parse(s, "iso_week", wk, err);
    if (rc != FC_OK)
        return rc;
    if (wk->start_us > now) {
        char t[40];
        fc_time_format_local(wk->start_us, t, sizeof t);
        return fc_err_set(err, FC_EINVAL, "iso_week",
                          "%s 是未来的一周（%s 才开始），没有可汇总的数据", s, t);
    }
    return FC_OK;
}

static int handle_generate(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__ReportGenerateRequest *req = (const Fc__V1__ReportGenerateRequest *)call->request;
    report_app_t *app = fc_service_app(svc);
    report_week_t wk;
    const char *org = NULL;
    int rc = s_week(req->iso_week, fc_clock_now_us(), &wk, err);
    const char *asked = *req->org_code ? req->org_code : fc_call_scope(call);
    char name[256];
    if (rc == FC_OK && *asked &&
        report_store_org_name(fc_service_pg(svc), asked, name, sizeof name) != FC_OK)
        rc = fc_err_set(err, FC_ENOTFOUND, "org_code", "组织“%s”不存在（报表尚未收到该组织）",
                        asked);
    if (rc == FC_OK)
        rc = s_org_in_scope(svc, call, req->org_code, &org, err);
    if (rc != FC_OK)
        return rc;
    report_source_t srcs[8];
    report_sources_check(fc_service_zmq(svc), fc_service_redis(svc), app->source_timeout_ms, srcs);
    const char *actor = fc_call_actor(call);
    report_build_req_t b = {
        &wk, org, "on_demand", *actor ? actor : "unknown", call->env->message_id, NULL, 0, srcs};
    Fc__V1__ReportMeta *meta = NULL;
    if ((rc = report_build_weekly(svc, &b, call->arena, &meta, err)) != FC_OK)
        return rc;
    Fc__V1__ReportGenerateReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__report_generate_reply__init(reply);
    reply->meta = meta;
    call->reply = &reply->base;
    return FC_OK;
}

/* The stored report asked for, after the scope check: *rep decoded into the call's arena. */
static int s_fetch(fc_service_t *svc, fc_call_t *call, const Fc__V1__ReportGetRequest *req,
                   Fc__V1__ReportWeekly **rep_out, fc_err_t *err)
{
    fc_pg_t *pg = fc_service_pg(svc);
    const char *org = NULL;
    report_week_t wk;
    int rc;
    if (!req)
        return fc_err_set(err, FC_EINVAL, "which", "缺少要取的报表");
    if (req->report_id < 0)
        return fc_err_set(err, FC_EINVAL, "report_id", "报表编号不能为负数");
    if (req->version < 0)
        return fc_err_set(err, FC_EINVAL, "version", "版本号不能为负数");
    if (req->report_id == 0) {
        if ((rc = report_week_parse(req->iso_week, "iso_week", &wk, err)) != FC_OK)
            return rc;
        if ((rc = s_org_in_scope(svc, call, req->org_code, &org, err)) != FC_OK)
            return rc;
        if (!*org) {
            /* the group root, as the report was stored under */
            char code[64], name[256];
            if ((rc = fc_pg_begin(pg, err)) != FC_OK)
                return rc;
            rc = report_store_scope(pg, "", code, sizeof code, name, sizeof name, err);
            fc_pg_rollback(pg);
            if (rc != FC_OK)
                return rc;
            org = fc_arena_strdup(call->arena, code);
        }
    }
    PGresult *r = report_store_get(pg, req->report_id, req->iso_week, org, req->version, err);
    if (!r)
        return err->code ? err->code : FC_ERR;
    const char *stored_org = fc_arena_strdup(call->arena, PQgetvalue(r, 0, 1));
    const char *ignored = NULL;
    if (req->report_id > 0 &&
        (rc = s_org_in_scope(svc, call, stored_org, &ignored, err)) != FC_OK) {
        PQclear(r);
        return rc;
    }
    size_t len = 0;
    unsigned char *body = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 2), &len);
    ProtobufCAllocator alloc;
    fc_pb_arena_allocator(&alloc, call->arena);
    Fc__V1__ReportWeekly *rep = fc__v1__report_weekly__unpack(&alloc, len, body);
    PQfreemem(body);
    rc = rep && rep->meta
             ? FC_OK
             : fc_err_set(err, FC_ERR, "report_id", "stored report could not be decoded");
    if (rc == FC_OK) {
        rep->meta->body_sha256 = fc_arena_strdup(call->arena, PQgetvalue(r, 0, 3));
        *rep_out = rep;
    }
    PQclear(r);
    return rc;
}

static int handle_get(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    Fc__V1__ReportWeekly *rep = NULL;
    int rc = s_fetch(svc, call, (const Fc__V1__ReportGetRequest *)call->request, &rep, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__ReportGetReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__report_get_reply__init(reply);
    reply->report = rep;
    call->reply = &reply->base;
    return FC_OK;
}

static int handle_list(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__ReportListRequest *req = (const Fc__V1__ReportListRequest *)call->request;
    report_week_t wk;
    int rc = FC_OK;
    if (*req->iso_week && (rc = report_week_parse(req->iso_week, "iso_week", &wk, err)) != FC_OK)
        return rc;
    if (req->limit < 0 || req->limit > 1000)
        return fc_err_set(err, FC_EINVAL, "limit", "条数 %d 超出 0–1000", req->limit);
    const char *org = req->org_code;
    if (*org) {
        const char *ignored;
        if ((rc = s_org_in_scope(svc, call, org, &ignored, err)) != FC_OK)
            return rc;
    } else if (!s_group_wide(call) && !*fc_call_scope(call)) {
        return fc_err_set(err, FC_EDENIED, "org_scope", "没有组织范围，不能查看报表");
    }
    PGresult *r = report_store_list(fc_service_pg(svc), req->iso_week, org,
                                    s_group_wide(call) ? "" : fc_call_scope(call),
                                    req->limit ? req->limit : 50, err);
    if (!r)
        return err->code ? err->code : FC_ERR;
    fc_arena_t *a = call->arena;
    Fc__V1__ReportListReply *reply = fc_arena_alloc(a, sizeof *reply);
    fc__v1__report_list_reply__init(reply);
    int n = PQntuples(r);
    reply->reports = fc_arena_alloc(a, (n ? n : 1) * sizeof *reply->reports);
    for (int i = 0; i < n; i++) {
        Fc__V1__ReportMeta *m = fc_arena_alloc(a, sizeof *m);
        fc__v1__report_meta__init(m);
        m->report_id = fc_pg_int(r, i, 0);
        m->iso_week = fc_arena_strdup(a, PQgetvalue(r, i, 1));
        m->org_code = fc_arena_strdup(a, PQgetvalue(r, i, 2));
        char name[256];
        report_store_org_name(fc_service_pg(svc), m->org_code, name, sizeof name);
        m->org_name = fc_arena_strdup(a, name);
        m->version = (int)fc_pg_int(r, i, 3);
        m->completeness = fc_arena_strdup(a, PQgetvalue(r, i, 4));
        const char *missing = PQgetvalue(r, i, 5);
        if (*missing) {
            size_t k = 1;
            for (const char *p = missing; *p; p++)
                k += *p == ',';
            m->missing_sections = fc_arena_alloc(a, k * sizeof(char *));
            char *copy = fc_arena_strdup(a, missing), *save = NULL;
            for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
                m->missing_sections[m->n_missing_sections++] = t;
        }
        m->trigger = fc_arena_strdup(a, PQgetvalue(r, i, 6));
        m->period_start_us = fc_pg_int(r, i, 7);
        m->period_end_us = fc_pg_int(r, i, 8);
        m->generated_us = fc_pg_int(r, i, 9);
        m->generated_by = fc_arena_strdup(a, PQgetvalue(r, i, 10));
        m->empty = fc_pg_int(r, i, 11) != 0;
        m->body_sha256 = fc_arena_strdup(a, PQgetvalue(r, i, 12));
        reply->reports[i] = m;
    }
    reply->n_reports = (size_t)n;
    PQclear(r);
    call->reply = &reply->base;
    return FC_OK;
}

static int handle_render(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__ReportRenderRequest *req = (const Fc__V1__ReportRenderRequest *)call->request;
    report_format_t fmt;
    int rc = report_render_format(req->format, &fmt, err);
    Fc__V1__ReportWeekly *rep = NULL;
    if (rc == FC_OK)
        rc = s_fetch(svc, call, req->which, &rep, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__ReportRenderReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__report_render_reply__init(reply);
    reply->meta = rep->meta;
    if ((rc = report_render(rep, fmt, call->arena, &reply->files, &reply->n_files, err)) != FC_OK)
        return rc;
    call->reply = &reply->base;
    return FC_OK;
}

const fc_route_t report_routes[] = {
    /* not FC_ROUTE_WRITE: generation opens its own REPEATABLE READ transaction and keys the
     * stored report by the message id, so a retry finds the version it made */
    {"report.weekly_generate", &fc__v1__report_generate_request__descriptor, handle_generate, 0},
    {"report.weekly_get", &fc__v1__report_get_request__descriptor, handle_get, 0},
    {"report.weekly_list", &fc__v1__report_list_request__descriptor, handle_list, 0},
    {"report.weekly_render", &fc__v1__report_render_request__descriptor, handle_render, 0},
};
const size_t report_nroutes = sizeof report_routes / sizeof report_routes[0];

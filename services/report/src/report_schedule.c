/* report_schedule: the weekly run and the missing-report chase. */
#include "report_schedule.h"
#include "fc/v1/report.pb-c.h"
#include "fc_clock.h"
#include "fc_job.h"
#include "fc_log.h"
#include "report_app.h"
#include "report_build.h"
#include "report_store.h"

#include <stdio.h>
#include <string.h>

void report_schedule_period(int64_t fire_us, char out[16])
{
    report_week_t now, before;
    report_week_of_day(fc_time_local_day(fire_us), &now);
    report_week_shift(&now, 1, &before);
    snprintf(out, 16, "%s", before.iso_week);
}

/* 1 if some source with an event contract did not answer (it cost its timeout). */
static int s_sources_silent(const report_source_t *srcs)
{
    for (size_t i = 0; i < report_nsources; i++)
        if (report_source_defs[i].subscribed && strcmp(srcs[i].status, "unreachable") == 0)
            return 1;
    return 0;
}

/* 1 if every source with an event contract is up to date. */
static int s_sources_ready(const report_source_t *srcs)
{
    for (size_t i = 0; i < report_nsources; i++)
        if (report_source_defs[i].subscribed && strcmp(srcs[i].status, "ok") != 0)
            return 0;
    return 1;
}

static void s_run_schedule(fc_service_t *svc, report_app_t *app)
{
    int64_t now = fc_clock_now_us(), fire = 0;
    if (report_cron_prev(&app->cron, now, app->schedule_lookback_days, &fire) != FC_OK)
        return;
    char period[16];
    report_schedule_period(fire, period);
    if (strcmp(period, app->period_done) == 0)
        return;
    fc_err_t err;
    fc_err_clear(&err);
    fc_pg_t *pg = fc_service_pg(svc);
    int done = report_store_schedule_done(pg, REPORT_SCHEDULE, period, &err);
    if (done < 0) {
        fc_log_warn("report.schedule_failed", "period", FC_LS(period), "error", FC_LS(err.message),
                    NULL);
        return;
    }
    if (done) {
        snprintf(app->period_done, sizeof app->period_done, "%s", period);
        return;
    }
    /* wait for the sources to catch up, but not forever: then the report says what is missing */
    report_source_t srcs[8];
    report_sources_check(fc_service_zmq(svc), fc_service_redis(svc), app->source_timeout_ms, srcs);
    int64_t mono = fc_clock_mono_ms();
    if (strcmp(app->waiting_period, period) != 0) {
        snprintf(app->waiting_period, sizeof app->waiting_period, "%s", period);
        app->waiting_since_ms = mono;
    }
    if (!s_sources_ready(srcs) && mono - app->waiting_since_ms < (int64_t)app->catchup_s * 1000) {
        fc_log_info("report.schedule_waiting", "period", FC_LS(period), NULL);
        /* asking silent sources costs their timeouts on this single-threaded loop: while one
         * is silent, ask again only every 15 s so events keep flowing in meanwhile; sources
         * that answered but are behind are asked again within a second, so a moment they are
         * all caught up is not missed while events keep arriving */
        app->next_schedule_ms = mono + (s_sources_silent(srcs) ? 15000 : 1000);
        return;
    }
    /* one replica per period: Redis dispatches; the schedule_run row is the record */
    int rc =
        fc_schedule_claim(fc_service_redis(svc), REPORT_SCHEDULE, period, app->claim_ttl_ms, &err);
    if (rc == FC_EDUP)
        return;
    if (rc != FC_OK) {
        fc_log_warn("report.schedule_claim_failed", "period", FC_LS(period), "error",
                    FC_LS(err.message), NULL);
        return;
    }
    report_week_t wk;
    report_week_parse(period, "period", &wk, NULL);
    fc_arena_t *arena = fc_arena_new(64 * 1024);
    Fc__V1__ReportMeta *meta = NULL;
    report_build_req_t req = {&wk, "", "schedule", "schedule", NULL, period, fire, srcs};
    rc = report_build_weekly(svc, &req, arena, &meta, &err);
    if (rc == FC_OK || rc == FC_EDUP)
        snprintf(app->period_done, sizeof app->period_done, "%s", period);
    else
        fc_log_error("report.schedule_failed", "period", FC_LS(period), "error", FC_LS(err.message),
                     NULL);
    fc_arena_destroy(&arena);
}

/* Raises report.weekly_report_missing for every leadership member whose report for a week is
 * not in when it falls due (weeks whose due passed within the lookback). */
static void s_chase(fc_service_t *svc, report_app_t *app)
{
    /* a report sitting unread on intake's stream is not missing: catch up first */
    if (report_sources_backlog(fc_service_redis(svc), "intake") != 0)
        return;
    int64_t now = fc_clock_now_us();
    fc_pg_t *pg = fc_service_pg(svc);
    fc_err_t err;
    fc_err_clear(&err);
    PGresult *subs = report_store_subsidiaries(pg, &err), *r = NULL;
    fc_buf_t units, dues;
    fc_buf_init(&units);
    fc_buf_init(&dues);
    int rc = subs ? FC_OK : FC_ERR;
    report_week_t cur;
    report_week_of_day(fc_time_local_day(now), &cur);
    int64_t horizon = now - (int64_t)app->policy->chase_lookback_days * FC_US_PER_DAY;
    /* a due may lie in the week after the one reported on: look one week further back */
    int weeks = app->policy->chase_lookback_days / 7 + 2;
    for (int back = 0; rc == FC_OK && back <= weeks; back++) {
        report_week_t wk;
        report_week_shift(&cur, back, &wk);
        fc_buf_reset(&units);
        fc_buf_reset(&dues);
        fc_buf_puts(&units, "{");
        fc_buf_puts(&dues, "{");
        int n = 0;
        for (int i = 0; i < PQntuples(subs); i++) {
            int64_t due = report_policy_due_us(app->policy, PQgetvalue(subs, i, 0), &wk);
            if (due > now || due < horizon)
                continue;
            fc_buf_printf(&units, "%s\"%s\"", n ? "," : "", PQgetvalue(subs, i, 0));
            fc_buf_printf(&dues, "%s%lld", n ? "," : "", (long long)due);
            n++;
        }
        fc_buf_puts(&units, "}");
        fc_buf_puts(&dues, "}");
        if (!n)
            continue;
        if ((rc = fc_pg_begin(pg, &err)) != FC_OK)
            break;
        r = report_store_missing_members(pg, wk.iso_week, units.data, dues.data, &err);
        rc = r ? FC_OK : FC_ERR;
        for (int i = 0; r && i < PQntuples(r) && rc == FC_OK; i++) {
            int inserted = 0;
            int64_t due = fc_pg_int(r, i, 4);
            rc = report_store_chase_add(pg, PQgetvalue(r, i, 0), wk.iso_week, "missing",
                                        PQgetvalue(r, i, 2), due, 0, now, &inserted, &err);
            if (rc != FC_OK || !inserted)
                continue;
            Fc__V1__WeeklyReportOverdue ev = FC__V1__WEEKLY_REPORT_OVERDUE__INIT;
            ev.employee_no = PQgetvalue(r, i, 0);
            ev.name = PQgetvalue(r, i, 1);
            ev.org_code = PQgetvalue(r, i, 2);
            ev.org_name = PQgetvalue(r, i, 3);
            ev.iso_week = wk.iso_week;
            ev.due_us = due;
            ev.kind = "missing";
            ev.detected_us = now;
            rc = fc_service_publish(svc, REPORT_EV_MISSING, &ev.base, now, &err);
            if (rc == FC_OK)
                fc_log_info("report.weekly_report_missing", "employee_no", FC_LS(ev.employee_no),
                            "iso_week", FC_LS(wk.iso_week), NULL);
        }
        PQclear(r);
        r = NULL;
        if (rc == FC_OK)
            rc = fc_pg_commit(pg, &err);
        if (rc != FC_OK)
            fc_pg_rollback(pg);
    }
    if (rc != FC_OK)
        fc_log_warn("report.chase_failed", "error", FC_LS(err.message), NULL);
    PQclear(subs);
    fc_buf_fini(&units);
    fc_buf_fini(&dues);
}

void report_schedule_tick(fc_service_t *svc)
{
    report_app_t *app = fc_service_app(svc);
    int64_t mono = fc_clock_mono_ms();
    if (mono >= app->next_chase_ms) {
        app->next_chase_ms = mono + (int64_t)app->chase_interval_s * 1000;
        s_chase(svc, app);
    }
    if (app->schedule_enabled && mono >= app->next_schedule_ms) {
        app->next_schedule_ms = mono + 1000;
        s_run_schedule(svc, app);
    }
}

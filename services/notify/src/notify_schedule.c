/* notify_schedule: series periods, the weekly report round and the health check campaign. */
#include "notify_schedule.h"
#include "fc_clock.h"
#include "fc_log.h"
#include "notify_remind.h"
#include "notify_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_SERIES_BATCH 100
#define S_MAX_TOKENS 8
#define S_ROUND_CLAIM_MS 60000

/* Borrowed strings of a JSON array of recipient tokens. */
static int s_tokens(const json_t *a, const char **out, int max)
{
    int n = 0;
    for (size_t i = 0; json_is_array(a) && i < json_array_size(a) && n < max; i++)
        if (json_string_value(json_array_get(a, i)))
            out[n++] = json_string_value(json_array_get(a, i));
    return n;
}

/* Opens the next period of one series: its task (or the series' one task) and reminder. */
static int s_series_one(notify_app_t *app, fc_pg_t *pg, const notify_series_t *s, int64_t now,
                        fc_err_t *err)
{
    json_error_t jerr;
    json_t *vars = json_loads(s->vars_json, 0, &jerr);
    json_t *rec = json_loads(s->recipients_json, 0, &jerr);
    const char *to[S_MAX_TOKENS];
    int nto = s_tokens(rec, to, S_MAX_TOKENS);
    int seq = s->seq + 1, created = 0, rc;
    int64_t due = s->next_us, task_id = 0;
    char period[16], state[16], kind[64];
    snprintf(period, sizeof period, "c%d", seq);
    snprintf(kind, sizeof kind, "%s_due", s->kind);
    notify_task_spec_t t = {s->kind,        s->subject,  s->per_period ? period : "",
                            s->employee_no, s->org_code, s->per_period ? due : 0};
    if ((rc = notify_task_open(app, pg, &t, now, &task_id, &created, state, err)) != FC_OK)
        goto out;
    if (strcmp(state, "open") != 0) {
        /* the one task of the series is done: nothing more to remind of */
        rc = notify_store_series_close(pg, s->kind, s->subject, err);
        goto out;
    }
    notify_reminder_spec_t r = {
        kind, s->subject, period, s->employee_no, s->org_code, due, 0, 0, task_id, to, nto, NULL};
    r.urgent = notify_policy_urgent(&app->policy, kind);
    if ((rc = notify_remind_add(app, pg, &r, vars, now, &created, err)) != FC_OK)
        goto out;
    rc = notify_store_series_advance(pg, s->series_id, seq, due + s->every_us, err);
out:
    json_decref(vars);
    json_decref(rec);
    return rc;
}

static int s_series(notify_app_t *app, int64_t now, int *work, fc_err_t *err)
{
    fc_pg_t *pg = fc_service_pg(app->svc);
    notify_series_t *s = NULL;
    int n = 0, rc;
    if ((rc = fc_pg_begin(pg, err)) != FC_OK)
        return rc;
    if ((rc = notify_store_series_due(pg, now, S_SERIES_BATCH, app->arena, &s, &n, err)) != FC_OK)
        goto out;
    for (int i = 0; i < n && rc == FC_OK; i++)
        rc = s_series_one(app, pg, &s[i], now, err);
    if (rc == FC_OK)
        rc = fc_pg_commit(pg, err);
    if (rc == FC_OK)
        *work += n;
out:
    if (rc != FC_OK)
        fc_pg_rollback(pg); /* its jobs are dropped at dispatch: they are not pending */
    return rc;
}

/* Every leadership-team member's report of this ISO week (002 §4): a reminder, late to the
 * subsidiary at the deadline, missing to the group (002 §10) later. */
static int s_weekly(notify_app_t *app, int64_t now, int *work, fc_err_t *err)
{
    static char s_done_week[16]; /* main thread only: this process saw the round done */
    const notify_policy_t *p = &app->policy;
    fc_pg_t *pg = fc_service_pg(app->svc);
    char week[16];
    int y = 0, w = 0, rc;
    notify_iso_week(now, week, sizeof week);
    if (strcmp(week, s_done_week) == 0)
        return FC_OK;
    fc_iso_week(fc_time_local_day(now), &y, &w);
    int64_t remind_at = 0, due = 0;
    if ((rc = notify_week_instant(y, w, p->wr_remind_dow, p->wr_remind_min, &remind_at, err)) !=
            FC_OK ||
        (rc = notify_week_instant(y, w, p->wr_due_dow, p->wr_due_min, &due, err)) != FC_OK)
        return rc;
    if (now < remind_at)
        return FC_OK;
    int64_t missing = due + (int64_t)p->wr_missing_hours * 3600 * FC_US_PER_S;
    fc_err_t cerr;
    rc = fc_schedule_claim(fc_service_redis(app->svc), "notify.weekly_report", week,
                           S_ROUND_CLAIM_MS, &cerr);
    if (rc == FC_EDUP)
        return FC_OK; /* another replica is on it (or did it a moment ago) */
    if (rc != FC_OK)
        return fc_err_set(err, rc, "redis", "%s", cerr.message);
    notify_leader_t *l = NULL;
    int n = 0;
    if ((rc = fc_pg_begin(pg, err)) != FC_OK)
        return rc;
    rc = notify_store_schedule_run(pg, "weekly_report", week, now, err);
    if (rc == FC_EDUP) {
        fc_pg_rollback(pg);
        snprintf(s_done_week, sizeof s_done_week, "%s", week);
        return FC_OK;
    }
    if (rc == FC_OK)
        rc = notify_store_leaders(pg, app->arena, &l, &n, err);
    for (int i = 0; i < n && rc == FC_OK; i++) {
        int64_t task_id = 0;
        int created = 0;
        char state[16];
        notify_task_spec_t t = {"weekly_report",  l[i].employee_no, week,
                                l[i].employee_no, l[i].org_code,    due};
        if ((rc = notify_task_open(app, pg, &t, now, &task_id, &created, state, err)) != FC_OK)
            break;
        if (strcmp(state, "open") != 0)
            continue; /* submitted before the round */
        json_t *vars = notify_vars_person(pg, l[i].employee_no, l[i].org_code, err);
        if (!vars) {
            rc = err->code ? err->code : FC_ERR;
            break;
        }
        json_object_set_new(vars, "iso_week", json_string(week));
        notify_vars_time(vars, "due_local", due);
        static const char *me[] = {"person"}, *sub[] = {"subsidiary"}, *grp[] = {"group"};
        notify_reminder_spec_t rs[] = {
            {"weekly_report_due", l[i].employee_no, week, l[i].employee_no, l[i].org_code,
             remind_at, 0, 0, task_id, me, 1, NULL},
            {"weekly_report_late", l[i].employee_no, week, l[i].employee_no, l[i].org_code, due, 0,
             1, task_id, sub, 1, NULL},
            {"weekly_report_missing", l[i].employee_no, week, l[i].employee_no, l[i].org_code,
             missing, 0, 1, task_id, grp, 1, NULL},
        };
        for (size_t k = 0; k < 3 && rc == FC_OK; k++) {
            rs[k].urgent = notify_policy_urgent(p, rs[k].kind);
            rc = notify_remind_add(app, pg, &rs[k], vars, now, &created, err);
        }
        json_decref(vars);
    }
    if (rc == FC_OK)
        rc = fc_pg_commit(pg, err);
    if (rc != FC_OK) {
        fc_pg_rollback(pg);
        return rc;
    }
    snprintf(s_done_week, sizeof s_done_week, "%s", week);
    *work += n;
    fc_log_info("schedule.weekly_report", "week", FC_LS(week), "members", FC_LI(n), NULL);
    return FC_OK;
}

int notify_schedule_run(notify_app_t *app, int64_t now_us, int *work_out, fc_err_t *err)
{
    *work_out = 0;
    fc_arena_reset(app->arena);
    int rc = s_series(app, now_us, work_out, err);
    if (rc == FC_OK)
        rc = s_weekly(app, now_us, work_out, err);
    fc_arena_reset(app->arena);
    return rc;
}

int notify_schedule_campaign(notify_app_t *app, fc_pg_t *pg, const char *org_code, int64_t at_us,
                             int *tasks_out, int *existing_out, fc_err_t *err)
{
    notify_leader_t *l = NULL;
    int n = 0;
    *tasks_out = *existing_out = 0;
    fc_arena_t *arena = fc_arena_new(64 * 1024);
    int rc = notify_store_served(pg, org_code, arena, &l, &n, err);
    int64_t every = (int64_t)app->policy.health_check_every_days * FC_US_PER_DAY;
    static const char *to[] = {"person"};
    for (int i = 0; i < n && rc == FC_OK; i++) {
        int64_t task_id = 0;
        int created = 0, opened = 0;
        char state[16];
        notify_task_spec_t t = {"health_check",   l[i].employee_no, "",
                                l[i].employee_no, l[i].org_code,    0};
        if ((rc = notify_task_open(app, pg, &t, at_us, &task_id, &created, state, err)) != FC_OK)
            break;
        if (!created) {
            (*existing_out)++;
            continue;
        }
        json_t *vars = notify_vars_person(pg, l[i].employee_no, l[i].org_code, err);
        if (!vars) {
            rc = err->code ? err->code : FC_ERR;
            break;
        }
        char *text = json_dumps(vars, JSON_COMPACT);
        /* the first reminder at once, then weekly until the check is recorded done */
        rc = notify_store_series_open(pg, "health_check", l[i].employee_no, l[i].employee_no,
                                      l[i].org_code, every, at_us, 0, to, 1, text, &opened, err);
        free(text);
        json_decref(vars);
        (*tasks_out)++;
    }
    fc_arena_destroy(&arena);
    return rc;
}

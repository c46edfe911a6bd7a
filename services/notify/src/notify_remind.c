/* notify_remind: recording tasks and reminders in the transaction of their trigger. */
#include "notify_remind.h"
#include "fc_outbox.h"
#include "notify_rules.h"

#include <stdlib.h>
#include <string.h>

#define S_STREAM FC_STREAM_PREFIX "notify"

json_t *notify_vars_person(fc_pg_t *pg, const char *employee_no, const char *org_code,
                           fc_err_t *err)
{
    notify_person_info_t info;
    int rc = notify_store_person_info(pg, employee_no, &info, err);
    if (rc == FC_OK && org_code && *org_code && strcmp(org_code, info.org_code) != 0)
        rc = notify_store_org_info(pg, org_code, &info, err);
    if (rc != FC_OK)
        return NULL;
    return json_pack("{s:s, s:s, s:s, s:s}", "person_name", info.name, "employee_no", employee_no,
                     "org_name", info.org_name[0] ? info.org_name : info.org_code,
                     "subsidiary_name", info.subsidiary_name);
}

void notify_vars_time(json_t *vars, const char *name, int64_t us)
{
    char buf[32];
    notify_local_minute(us, buf, sizeof buf);
    json_object_set_new(vars, name, json_string(buf));
}

int notify_publish_task(notify_app_t *app, fc_pg_t *pg, const char *type, int64_t task_id,
                        int64_t now_us, fc_err_t *err)
{
    fc_arena_t *arena = fc_arena_new(4096);
    Fc__V1__Task *t = NULL;
    int rc = notify_store_task_get(pg, task_id, arena, &t, err);
    if (rc == FC_OK) {
        Fc__V1__TaskEvent ev = FC__V1__TASK_EVENT__INIT;
        ev.task = t;
        ev.at_us = now_us;
        /* the main thread's connection is the service's: let it wake the relay */
        rc = pg == fc_service_pg(app->svc)
                 ? fc_service_publish(app->svc, type, &ev.base, now_us, err)
                 : fc_outbox_add(pg, S_STREAM, type, &ev.base, now_us, NULL, err);
    }
    fc_arena_destroy(&arena);
    return rc;
}

int notify_task_open(notify_app_t *app, fc_pg_t *pg, const notify_task_spec_t *t, int64_t now_us,
                     int64_t *task_id_out, int *created_out, char *state_out, fc_err_t *err)
{
    int rc = notify_store_task_open(pg, t, now_us, task_id_out, created_out, state_out, err);
    if (rc == FC_OK && *created_out)
        rc = notify_publish_task(app, pg, "notify.task_opened", *task_id_out, now_us, err);
    return rc;
}

int notify_remind_add(notify_app_t *app, fc_pg_t *pg, notify_reminder_spec_t *r, const json_t *vars,
                      int64_t now_us, int *created_out, fc_err_t *err)
{
    json_t *v = vars ? json_deep_copy(vars) : json_object();
    if (!json_object_get(v, "due_local"))
        notify_vars_time(v, "due_local", r->due_us);
    char *text = json_dumps(v, JSON_COMPACT);
    r->vars_json = text;
    char job[FC_ID_LEN + 1];
    int rc = notify_store_reminder_add(pg, r, now_us, job, created_out, err);
    r->vars_json = NULL;
    if (rc == FC_OK && *created_out)
        notify_app_dispatch_later(app, job);
    free(text);
    json_decref(v);
    return rc;
}

int notify_task_done(notify_app_t *app, fc_pg_t *pg, int64_t task_id, const char *kind,
                     const char *subject, const char *period, int64_t at_us, const char *by,
                     const char *note, int create_if_missing, int64_t *task_id_out,
                     int *cancelled_out, int *already_out, fc_err_t *err)
{
    int rc =
        notify_store_task_done(pg, task_id, kind, subject, period, at_us, by, note,
                               create_if_missing, task_id_out, cancelled_out, already_out, err);
    if (rc == FC_OK && !*already_out)
        rc = notify_publish_task(app, pg, "notify.task_done", *task_id_out, at_us, err);
    return rc;
}

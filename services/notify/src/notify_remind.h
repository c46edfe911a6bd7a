/* notify_remind: what every trigger does to record its work, inside the transaction of the
 * event, command or schedule that caused it: open a task (published as notify.task_opened),
 * record reminders (each with its fc_jobrec job, dispatched after the commit), record a task
 * done (notify.task_done), and build the variables templates name. */
#ifndef NOTIFY_REMIND_H
#define NOTIFY_REMIND_H

#include <jansson.h>
#include <stdint.h>
#include "fc_err.h"
#include "fc_pg.h"
#include "notify_app.h"
#include "notify_store.h"

/* person_name, employee_no, org_name, subsidiary_name of a person (org_code overrides the
 * unit, "" = the person's). A new object; the caller json_decref's it. */
json_t *notify_vars_person(fc_pg_t *pg, const char *employee_no, const char *org_code,
                           fc_err_t *err);
/* Sets name to us as Shanghai local time "YYYY-MM-DD HH:MM". */
void notify_vars_time(json_t *vars, const char *name, int64_t us);

/* Opens a task; a new one is published as notify.task_opened. */
int notify_task_open(notify_app_t *app, fc_pg_t *pg, const notify_task_spec_t *t, int64_t now_us,
                     int64_t *task_id_out, int *created_out, char *state_out, fc_err_t *err);
/* Records a reminder with vars (due_local is added from its due time); *created_out 0 if its
 * (kind, subject, period) existed already. */
int notify_remind_add(notify_app_t *app, fc_pg_t *pg, notify_reminder_spec_t *r, const json_t *vars,
                      int64_t now_us, int *created_out, fc_err_t *err);
/* Records a task done and publishes notify.task_done (see notify_store_task_done). */
int notify_task_done(notify_app_t *app, fc_pg_t *pg, int64_t task_id, const char *kind,
                     const char *subject, const char *period, int64_t at_us, const char *by,
                     const char *note, int create_if_missing, int64_t *task_id_out,
                     int *cancelled_out, int *already_out, fc_err_t *err);
/* Publishes a TaskEvent of type for a task, in pg's open transaction. */
int notify_publish_task(notify_app_t *app, fc_pg_t *pg, const char *type, int64_t task_id,
                        int64_t now_us, fc_err_t *err);

#endif

/* notify_store: every SQL statement of notify, parameterised, for schema notify only: the
 * projection of intake, recipients and their channels, tasks, series, reminders (with their
 * fc_jobrec jobs), messages, deliveries, the inbox, and the queries behind fcctl. The
 * worker's hot path is set-based (unnest of arrays): one statement per batch, not per row. */
#ifndef NOTIFY_STORE_H
#define NOTIFY_STORE_H

#include <stdint.h>
#include "fc/v1/notify.pb-c.h"
#include "fc_err.h"
#include "fc_id.h"
#include "fc_mem.h"
#include "fc_pg.h"
#include "notify_policy.h"

#define NOTIFY_Q_REMINDERS "notify.reminders"
#define NOTIFY_Q_DELIVERIES "notify.deliveries"

/* ---- projection of intake ---- */

int notify_store_org_upsert(fc_pg_t *pg, const char *org_code, const char *parent_code,
                            const char *name, const char *kind, int64_t at_us, fc_err_t *err);
int notify_store_person_upsert(fc_pg_t *pg, const char *employee_no, const char *name,
                               const char *phone, const char *org_code, int leadership_team,
                               int health_status, int64_t at_us, fc_err_t *err);
/* Records a local day of duty; *new_out 1 if it was not on record yet. */
int notify_store_duty_day(fc_pg_t *pg, const char *employee_no, int64_t day, int *new_out,
                          fc_err_t *err);
/* For the heart-to-heart cadence: duty days after the last talk recorded done (all if none),
 * how many heart_talk tasks the person has had, and whether one is open. */
int notify_store_heart_state(fc_pg_t *pg, const char *employee_no, int *days_out, int *talks_out,
                             int *open_out, fc_err_t *err);

/* A person and their units as the templates name them. found = 0 if intake never told us. */
typedef struct {
    int found;
    char name[128];
    char phone[40];
    char org_code[40];
    char org_name[128];
    char subsidiary_code[40];
    char subsidiary_name[128];
} notify_person_info_t;
int notify_store_person_info(fc_pg_t *pg, const char *employee_no, notify_person_info_t *out,
                             fc_err_t *err);
/* A unit's name and its subsidiary (kind subsidiary, the unit itself or an ancestor). */
int notify_store_org_info(fc_pg_t *pg, const char *org_code, notify_person_info_t *out,
                          fc_err_t *err);
/* *in_out 1 if org_code lies in scope's subtree (the projection's tree). */
int notify_store_in_scope(fc_pg_t *pg, const char *scope, const char *org_code, int *in_out,
                          fc_err_t *err);

/* ---- recipients ---- */

typedef struct {
    char key[72]; /* EMPNO, or @ORG for an organisation department */
    char name[128];
    char lang[8];
    notify_chanlist_t channels;
    char phone[40];
    char email[256];
    char wecom_url[512];
} notify_recipient_t;

/* Resolves one recipient token for a subject: person | secretary | subsidiary | group |
 * emp:EMPNO | desk:ORG. *out (arena) gets 0..n recipients; with none, why says why
 * (Chinese, for the message's recorded failure). Channels default from policy. */
int notify_store_recipients(fc_pg_t *pg, const notify_policy_t *pol, const char *token,
                            const char *employee_no, const char *org_code, fc_arena_t *arena,
                            notify_recipient_t **out, int *n_out, char *why, size_t why_n,
                            fc_err_t *err);

int notify_store_desk_set(fc_pg_t *pg, const Fc__V1__DeskSetRequest *req, int *inserted_out,
                          fc_err_t *err);
int notify_store_pref_set(fc_pg_t *pg, const Fc__V1__PrefSetRequest *req, int *inserted_out,
                          fc_err_t *err);
int notify_store_secretary_set(fc_pg_t *pg, const char *org_code, const char *employee_no,
                               int *changed_out, fc_err_t *err);

/* ---- tasks, reminders, series ---- */

typedef struct {
    const char *kind, *subject, *period, *employee_no, *org_code;
    int64_t due_us;
} notify_task_spec_t;

/* Opens a task unless (kind, subject, period) exists; *task_id_out either way, *created_out
 * 1 if new, state_out (16 bytes) its state. */
int notify_store_task_open(fc_pg_t *pg, const notify_task_spec_t *t, int64_t now_us,
                           int64_t *task_id_out, int *created_out, char *state_out, fc_err_t *err);
/* The task as a message (arena). */
int notify_store_task_get(fc_pg_t *pg, int64_t task_id, fc_arena_t *arena, Fc__V1__Task **out,
                          fc_err_t *err);
/* Records a task done (by id, else by kind/subject/period; an unknown one by key is created
 * done, so a later round does not remind) and cancels its scheduled reminders. */
int notify_store_task_done(fc_pg_t *pg, int64_t task_id, const char *kind, const char *subject,
                           const char *period, int64_t at_us, const char *by, const char *note,
                           int create_if_missing, int64_t *task_id_out, int *cancelled_out,
                           int *already_out, fc_err_t *err);
/* Cancels every open task of (kind, subject) and their reminders; *n_out tasks. */
int notify_store_tasks_cancel(fc_pg_t *pg, const char *kind, const char *subject, int64_t at_us,
                              int *n_out, fc_err_t *err);
/* Ids of the open tasks of (kind, subject), oldest first, up to max. */
int notify_store_tasks_open(fc_pg_t *pg, const char *kind, const char *subject, int64_t *ids,
                            int max, int *n_out, fc_err_t *err);
/* What a subject of a kind has: tasks in all, done ones, and the newest open one (0 if none)
 * with its due time. With lock, the pair (kind, subject) is first locked to the end of the
 * transaction (an advisory lock), so that two events about one subject are serialised. */
typedef struct {
    int total, done;
    int64_t open_id, open_due_us;
} notify_task_tally_t;
int notify_store_task_tally(fc_pg_t *pg, const char *kind, const char *subject, int lock,
                            notify_task_tally_t *out, fc_err_t *err);
/* Marks a task escalated. */
int notify_store_task_escalated(fc_pg_t *pg, int64_t task_id, fc_err_t *err);
int notify_store_task_list(fc_pg_t *pg, const Fc__V1__TaskListRequest *req, const char *scope,
                           fc_arena_t *arena, Fc__V1__TaskListReply *out, fc_err_t *err);

typedef struct {
    const char *kind, *subject, *period, *employee_no, *org_code;
    int64_t due_us;
    int urgent;
    int escalation;  /* goes out only if its task is still open */
    int64_t task_id; /* 0 = none */
    const char *const *recipients;
    int n_recipients;
    const char *vars_json; /* object of strings */
} notify_reminder_spec_t;

/* Records a reminder and its job (fc_jobrec, queue notify.reminders) unless (kind, subject,
 * period) exists (*created_out 0). job_id_out: the job to dispatch after the commit. */
int notify_store_reminder_add(fc_pg_t *pg, const notify_reminder_spec_t *r, int64_t now_us,
                              char job_id_out[FC_ID_LEN + 1], int *created_out, fc_err_t *err);

typedef struct {
    int64_t series_id;
    const char *kind, *subject, *employee_no, *org_code;
    int64_t every_us, next_us;
    int seq;
    const char *vars_json;
    const char *recipients_json;
    int per_period;
} notify_series_t;

/* Opens a series unless (kind, subject) exists; next_us is when its first period is due.
 * per_period: a task per period, else one task (kind, subject, "") reminded every period. */
int notify_store_series_open(fc_pg_t *pg, const char *kind, const char *subject,
                             const char *employee_no, const char *org_code, int64_t every_us,
                             int64_t next_us, int per_period, const char *const *recipients,
                             int n_recipients, const char *vars_json, int *created_out,
                             fc_err_t *err);
int notify_store_series_close(fc_pg_t *pg, const char *kind, const char *subject, fc_err_t *err);
/* Open series whose next period should be opened by now (one period ahead of its due time),
 * locked (SKIP LOCKED), up to limit. */
int notify_store_series_due(fc_pg_t *pg, int64_t now_us, int limit, fc_arena_t *arena,
                            notify_series_t **out, int *n_out, fc_err_t *err);
int notify_store_series_advance(fc_pg_t *pg, int64_t series_id, int seq, int64_t next_us,
                                fc_err_t *err);

/* A schedule's period: FC_OK if this call recorded it (run it), FC_EDUP if already run. */
int notify_store_schedule_run(fc_pg_t *pg, const char *schedule, const char *period, int64_t now_us,
                              fc_err_t *err);
/* Leadership-team members (weekly reports) with their units, arena. */
typedef struct {
    const char *employee_no, *name, *org_code;
} notify_leader_t;
int notify_store_leaders(fc_pg_t *pg, fc_arena_t *arena, notify_leader_t **out, int *n_out,
                         fc_err_t *err);
/* Everyone with duty on record in org_code's subtree ("" = everyone), arena. */
int notify_store_served(fc_pg_t *pg, const char *org_code, fc_arena_t *arena, notify_leader_t **out,
                        int *n_out, fc_err_t *err);

/* Jobs among ids still pending (the dispatch after a commit): ids, payloads, run times. */
typedef struct {
    const char *job_id, *queue, *payload;
    int64_t run_at_us;
} notify_job_row_t;
int notify_store_jobs_pending(fc_pg_t *pg, const char *const *ids, int n, fc_arena_t *arena,
                              notify_job_row_t **out, int *n_out, fc_err_t *err);

/* ---- the worker's batches ---- */

typedef struct {
    const char *job_id;
    int64_t reminder_id, task_id;
    const char *kind, *subject, *period, *employee_no, *org_code;
    int64_t due_us;
    int urgent, escalation;
    const char *task_state; /* "" without a task */
    const char *vars_json;
    const char *recipients_json; /* JSON array of tokens */
} notify_reminder_row_t;

/* Locks the pending jobs among job_ids and returns their reminders (arena). Ids not returned
 * are done, cancelled or unknown: acknowledge them without effect. */
int notify_store_reminders_claim(fc_pg_t *pg, const char *const *job_ids, int n, fc_arena_t *arena,
                                 notify_reminder_row_t **out, int *n_out, fc_err_t *err);

typedef struct {
    int64_t reminder_id;
    const char *recipient, *name, *lang, *title, *body, *markdown, *sms_template, *sms_params;
    const char *state, *error;
    int64_t message_id; /* out */
} notify_message_row_t;
int notify_store_messages_add(fc_pg_t *pg, notify_message_row_t *rows, int n, int64_t now_us,
                              fc_err_t *err);

typedef struct {
    int64_t message_id;
    const char *channel, *address, *state, *error;
    char job_id[FC_ID_LEN + 1];
    int64_t next_us;
    int64_t delivery_id; /* out */
} notify_delivery_new_t;
/* Inserts deliveries; those queued also get their job (queue notify.deliveries, run at
 * next_us). */
int notify_store_deliveries_add(fc_pg_t *pg, notify_delivery_new_t *rows, int n, int64_t now_us,
                                fc_err_t *err);

/* Reminders done: state sent | failed | cancelled, their jobs finished. */
int notify_store_reminders_finish(fc_pg_t *pg, const int64_t *reminder_ids,
                                  const char *const *states, const char *const *errors, int n,
                                  int64_t now_us, fc_err_t *err);

typedef struct {
    const char *job_id, *job_state;
    int64_t delivery_id, message_id, reminder_id;
    const char *channel, *address, *state;
    int attempts;
    int64_t lease_us, attempt_us;
    int in_doubt_resends;
    const char *recipient, *recipient_name, *lang, *title, *body, *markdown, *sms_template,
        *sms_params, *kind;
    int urgent;
} notify_attempt_row_t;
/* Locks the deliveries of these jobs (and the jobs) for an attempt (arena). */
int notify_store_deliveries_claim(fc_pg_t *pg, const char *const *job_ids, int n, fc_arena_t *arena,
                                  notify_attempt_row_t **out, int *n_out, fc_err_t *err);
/* Marks deliveries sending until lease_us (one statement, its own commit when no transaction
 * is open), each only if its attempts and job are still what the claim saw; marked[i] says
 * which were. Those in in_doubt get a resend counted. */
int notify_store_mark_sending(fc_pg_t *pg, const int64_t *ids, const int *attempts,
                              const char *const *job_ids, int n, const int64_t *in_doubt,
                              int n_in_doubt, int64_t now_us, int64_t lease_us, int *marked,
                              fc_err_t *err);
/* A delivery moves to a new job at run_at_us (quiet hours, pacing): the old job is done. */
int notify_store_delivery_defer(fc_pg_t *pg, int64_t delivery_id, const char *old_job,
                                const char *new_job, int64_t run_at_us, const char *why,
                                fc_err_t *err);
/* A job finished without an attempt (its delivery was already settled). */
int notify_store_job_finish(fc_pg_t *pg, const char *job_id, const char *state, const char *why,
                            fc_err_t *err);

typedef struct {
    int64_t delivery_id, message_id;
    const char *job_id;
    const char *state;     /* sent | failed | dead | sending (outcome unknown) */
    const char *job_state; /* done | dead | pending */
    const char *error, *provider_ref, *recipient;
    int64_t sent_us, next_us;
    int inbox; /* write the inbox row */
} notify_result_row_t;
int notify_store_results(fc_pg_t *pg, const notify_result_row_t *rows, int n, int64_t now_us,
                         fc_err_t *err);

/* ---- queries ---- */

int notify_store_status(fc_pg_t *pg, const Fc__V1__StatusRequest *req, const char *scope,
                        fc_arena_t *arena, Fc__V1__StatusReply *out, fc_err_t *err);
int notify_store_inbox(fc_pg_t *pg, const Fc__V1__InboxRequest *req, int64_t now_us,
                       fc_arena_t *arena, Fc__V1__InboxReply *out, fc_err_t *err);
/* The org unit of a recipient key (person's unit, or the desk's), for scope checks. */
int notify_store_recipient_org(fc_pg_t *pg, const char *recipient, char *org_out, size_t n,
                               fc_err_t *err);
/* A dead delivery gets a new job and fresh attempts; *job_out (FC_ID_LEN + 1) to dispatch. */
int notify_store_retry(fc_pg_t *pg, int64_t delivery_id, int64_t now_us, char *job_out,
                       fc_arena_t *arena, Fc__V1__Delivery **out, fc_err_t *err);

#endif

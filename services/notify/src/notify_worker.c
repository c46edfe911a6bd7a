/* notify_worker: reminders into messages, messages out over their channels. */
#include "notify_worker.h"
#include "fc_clock.h"
#include "fc_jobrec.h"
#include "fc_fault.h"
#include "fc_log.h"
#include "fc_outbox.h"
#include "notify_pacer.h"
#include "notify_rules.h"
#include "notify_store.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S_MAX_RECIPIENTS 64 /* per reminder, after resolution */
#define S_MAX_TOKENS 8

struct notify_worker {
    notify_worker_ctx_t ctx;
    int index;
    fc_pg_t *pg;
    fc_redis_t *redis;
    fc_jobq_t *q_rem, *q_del;
    CURLM *multi;
    fc_arena_t *arena;
    uint64_t rng;
    pthread_t thread;
    int started;
    atomic_int stop;
};

/* What to do with one delivery job in a pass. */
typedef enum {
    S_ACK,    /* nothing (settled, cancelled, unknown): acknowledge the job */
    S_BUSY,   /* another worker holds its attempt: retry the job later */
    S_DEFER,  /* moved to a new job (quiet hours, pacing) */
    S_SEND,   /* attempt it */
    S_QUERY,  /* ask the channel whether the last attempt arrived, then maybe send */
    S_RESULT, /* settled without a send (channel gone, assumed delivered) */
    S_LOST,   /* another worker attempted or moved it after our claim: leave it to them */
} s_plan_t;

typedef struct {
    notify_send_t send; /* first: libcurl hands it back through CURLOPT_PRIVATE */
    char job_id[FC_ID_LEN + 1];
    fc_job_t *job; /* reserved from Redis; NULL for a new delivery's first attempt */
    const notify_attempt_row_t *row;
    const notify_channel_ops_t *ops;
    s_plan_t plan;
    int in_doubt;
    char new_job[FC_ID_LEN + 1];
    int64_t defer_until;
    /* the outcome recorded */
    const char *state, *job_state;
    int64_t next_us;
} s_item_t;

typedef struct {
    s_item_t *v;
    int n, cap;
} s_items_t;

static s_item_t *s_items_add(s_items_t *l, const char *job_id, fc_job_t *job)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = fc_xrealloc(l->v, (size_t)l->cap * sizeof *l->v);
    }
    s_item_t *it = &l->v[l->n++];
    memset(it, 0, sizeof *it);
    snprintf(it->job_id, sizeof it->job_id, "%s", job_id);
    it->job = job;
    return it;
}

static void s_items_fini(s_items_t *l)
{
    for (int i = 0; i < l->n; i++) {
        notify_send_fini(&l->v[i].send);
        fc_job_destroy(&l->v[i].job);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* Leases are about whether a process is still alive, so they run on real time (shared by
 * every machine through NTP), never on the injectable business clock: a test that moves
 * business time ahead must not make a send in flight look abandoned. */
static int64_t s_real_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint64_t s_rand(notify_worker_t *w)
{
    /* splitmix64: jitter only, no need for more */
    uint64_t z = (w->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* ---- reminders into messages --------------------------------------------------------------- */

/* Recipients resolved once per batch for each (token, person, unit): a batch of reminders to
 * one department resolves it once. */
#define S_CACHE 64
typedef struct {
    const char *token, *employee_no, *org_code;
    notify_recipient_t *list;
    int n;
    const char *why;
} s_cached_t;

typedef struct {
    s_cached_t cache[S_CACHE];
    int n_cache;
    const notify_reminder_row_t *cur;      /* the reminder being expanded */
    const notify_reminder_row_t **msg_row; /* the reminder of each message */
    notify_message_row_t *msgs;
    int n_msgs, cap_msgs;
    notify_delivery_new_t *dels;
    int *del_msg; /* index into msgs */
    int n_dels, cap_dels;
    int64_t *rem_ids;
    const char **rem_states, **rem_errors;
    int n_rem;
} s_batch_t;

static int s_msg_add(s_batch_t *b, fc_arena_t *a, int64_t reminder_id, const char *recipient,
                     const char *name, const char *lang, const notify_rendered_t *r,
                     const char *state, const char *error)
{
    if (b->n_msgs == b->cap_msgs) {
        b->cap_msgs = b->cap_msgs ? b->cap_msgs * 2 : 64;
        b->msgs = fc_xrealloc(b->msgs, (size_t)b->cap_msgs * sizeof *b->msgs);
        b->msg_row = fc_xrealloc(b->msg_row, (size_t)b->cap_msgs * sizeof *b->msg_row);
    }
    b->msg_row[b->n_msgs] = b->cur;
    notify_message_row_t *m = &b->msgs[b->n_msgs];
    memset(m, 0, sizeof *m);
    m->reminder_id = reminder_id;
    m->recipient = fc_arena_strdup(a, recipient);
    m->name = fc_arena_strdup(a, name);
    m->lang = fc_arena_strdup(a, lang);
    m->title = fc_arena_strdup(a, r && r->title ? r->title : "");
    m->body = fc_arena_strdup(a, r && r->text ? r->text : "");
    m->markdown = fc_arena_strdup(a, r && r->markdown ? r->markdown : "");
    m->sms_template = fc_arena_strdup(a, r && r->sms_template ? r->sms_template : "");
    m->sms_params = fc_arena_strdup(a, r && r->sms_params ? r->sms_params : "{}");
    m->state = state;
    m->error = fc_arena_strdup(a, error ? error : "");
    return b->n_msgs++;
}

static void s_del_add(s_batch_t *b, fc_arena_t *a, int msg, const char *channel,
                      const char *address, const char *state, const char *error, int64_t next_us)
{
    if (b->n_dels == b->cap_dels) {
        b->cap_dels = b->cap_dels ? b->cap_dels * 2 : 64;
        b->dels = fc_xrealloc(b->dels, (size_t)b->cap_dels * sizeof *b->dels);
        b->del_msg = fc_xrealloc(b->del_msg, (size_t)b->cap_dels * sizeof *b->del_msg);
    }
    notify_delivery_new_t *d = &b->dels[b->n_dels];
    memset(d, 0, sizeof *d);
    d->channel = fc_arena_strdup(a, channel);
    d->address = fc_arena_strdup(a, address);
    d->state = state;
    d->error = fc_arena_strdup(a, error ? error : "");
    d->next_us = next_us;
    fc_id_new(d->job_id);
    b->del_msg[b->n_dels++] = msg;
}

static void s_batch_fini(s_batch_t *b)
{
    free(b->msgs);
    free(b->msg_row);
    free(b->dels);
    free(b->del_msg);
    free(b->rem_ids);
    free(b->rem_states);
    free(b->rem_errors);
    memset(b, 0, sizeof *b);
}

static const char *s_address(const notify_recipient_t *r, const char *channel)
{
    if (strcmp(channel, "sms") == 0)
        return r->phone;
    if (strcmp(channel, "email") == 0)
        return r->email;
    if (strcmp(channel, "wecom") == 0)
        return r->wecom_url;
    return r->key; /* inbox, file */
}

/* One recipient's message and its deliveries, one per usable channel. */
static void s_recipient(notify_worker_t *w, s_batch_t *b, const notify_reminder_row_t *row,
                        const notify_recipient_t *r, json_t *vars, int64_t now, int *ok)
{
    fc_arena_t *a = w->arena;
    fc_err_t err;
    fc_err_clear(&err);
    json_object_set_new(vars, "recipient_name", json_string(r->name));
    notify_rendered_t out;
    const char *lang = r->lang;
    if (notify_template_render(w->ctx.templates, r->lang, row->kind, vars, &out, &lang, &err) !=
        FC_OK) {
        /* a missing variable: recorded against the message, never a half-filled send */
        s_msg_add(b, a, row->reminder_id, r->key, r->name, r->lang, NULL, "failed", err.message);
        return;
    }
    int m = s_msg_add(b, a, row->reminder_id, r->key, r->name, lang, &out, "ok", "");
    notify_rendered_fini(&out);
    int n = 0;
    for (int c = 0; c < r->channels.n; c++) {
        const char *ch = r->channels.name[c];
        const notify_channel_ops_t *ops = notify_channels_get(w->ctx.channels, ch);
        const char *addr = s_address(r, ch);
        if (!ops || !*addr)
            continue;
        n++;
        fc_err_clear(&err);
        if (ops->check(addr, &err) != FC_OK) {
            s_del_add(b, a, m, ch, addr, "dead", err.message, 0);
            continue;
        }
        int64_t next = now;
        if (strcmp(ch, "sms") == 0 && !row->urgent)
            next = notify_quiet_end(&w->ctx.policy->quiet, now);
        s_del_add(b, a, m, ch, addr, "queued", "", next);
    }
    if (n == 0) {
        b->msgs[m].state = "failed";
        b->msgs[m].error =
            fc_arena_strdup(a, "收件人没有可用的接收渠道（未配置手机号码、邮箱或企业微信机器人）");
    } else {
        (*ok)++;
    }
}

/* An escalation went out: the task says so, and report hears of it. */
static int s_escalated(notify_worker_t *w, int64_t task_id, int64_t now, fc_err_t *err)
{
    int rc = notify_store_task_escalated(w->pg, task_id, err);
    Fc__V1__Task *t = NULL;
    if (rc == FC_OK)
        rc = notify_store_task_get(w->pg, task_id, w->arena, &t, err);
    if (rc == FC_OK) {
        Fc__V1__TaskEvent ev = FC__V1__TASK_EVENT__INIT;
        ev.task = t;
        ev.at_us = now;
        rc = fc_outbox_add(w->pg, FC_STREAM_PREFIX "notify", "notify.task_escalated", &ev.base, now,
                           NULL, err);
    }
    return rc;
}

static int s_recipients(notify_worker_t *w, s_batch_t *b, const char *token,
                        const notify_reminder_row_t *row, notify_recipient_t **list, int *k,
                        char *why, size_t why_n, fc_err_t *err)
{
    for (int i = 0; i < b->n_cache; i++) {
        const s_cached_t *c = &b->cache[i];
        if (strcmp(c->token, token) == 0 && strcmp(c->employee_no, row->employee_no) == 0 &&
            strcmp(c->org_code, row->org_code) == 0) {
            *list = c->list;
            *k = c->n;
            snprintf(why, why_n, "%s", c->why);
            return FC_OK;
        }
    }
    int rc = notify_store_recipients(w->pg, w->ctx.policy, token, row->employee_no, row->org_code,
                                     w->arena, list, k, why, why_n, err);
    if (rc == FC_OK && b->n_cache < S_CACHE) {
        s_cached_t *c = &b->cache[b->n_cache++];
        c->token = fc_arena_strdup(w->arena, token);
        c->employee_no = row->employee_no;
        c->org_code = row->org_code;
        c->list = *list;
        c->n = *k;
        c->why = fc_arena_strdup(w->arena, why);
    }
    return rc;
}

static int s_reminder(notify_worker_t *w, s_batch_t *b, const notify_reminder_row_t *row,
                      int64_t now, fc_err_t *err)
{
    int i = b->n_rem++;
    b->cur = row;
    b->rem_ids[i] = row->reminder_id;
    b->rem_states[i] = "sent";
    b->rem_errors[i] = "";
    if (row->task_id && strcmp(row->task_state, "open") != 0) {
        /* its task was recorded done (or cancelled) before it was due */
        b->rem_states[i] = "cancelled";
        return FC_OK;
    }
    json_error_t jerr;
    json_t *vars = json_loads(row->vars_json, 0, &jerr);
    json_t *tokens = json_loads(row->recipients_json, 0, &jerr);
    notify_recipient_t seen[S_MAX_RECIPIENTS];
    int nseen = 0, ok = 0, rc = FC_OK;
    const char *first_error = NULL;
    if (!json_is_object(vars))
        vars = json_object();
    for (size_t t = 0;
         rc == FC_OK && json_is_array(tokens) && t < json_array_size(tokens) && t < S_MAX_TOKENS;
         t++) {
        const char *token = json_string_value(json_array_get(tokens, t));
        notify_recipient_t *list = NULL;
        int k = 0;
        char why[256];
        if ((rc = s_recipients(w, b, token ? token : "", row, &list, &k, why, sizeof why, err)) !=
            FC_OK)
            break;
        if (k == 0) {
            /* nobody to tell: recorded with the reason, visible in notify status */
            s_msg_add(b, w->arena, row->reminder_id, token ? token : "?", "", "", NULL, "failed",
                      why);
            if (!first_error)
                first_error = fc_arena_strdup(w->arena, why);
            continue;
        }
        for (int j = 0; j < k && nseen < S_MAX_RECIPIENTS; j++) {
            int dup = 0;
            for (int s = 0; s < nseen && !dup; s++)
                dup = strcmp(seen[s].key, list[j].key) == 0;
            if (!dup)
                seen[nseen++] = list[j];
        }
    }
    for (int s = 0; rc == FC_OK && s < nseen; s++) {
        int before = b->n_msgs;
        s_recipient(w, b, row, &seen[s], vars, now, &ok);
        if (!first_error && b->n_msgs > before && strcmp(b->msgs[before].state, "failed") == 0)
            first_error = b->msgs[before].error;
    }
    if (rc == FC_OK && !ok) {
        b->rem_states[i] = "failed";
        b->rem_errors[i] = first_error ? first_error : "没有收件人";
    }
    if (rc == FC_OK && ok && row->escalation && row->task_id)
        rc = s_escalated(w, row->task_id, now, err);
    json_decref(vars);
    json_decref(tokens);
    return rc;
}

/* The attempt row of a delivery this worker just created: what a claim would read, known
 * already (its first attempt needs no second look; the mark is conditional anyway). */
static const notify_attempt_row_t *s_inline_row(notify_worker_t *w, const s_batch_t *b, int i)
{
    const notify_delivery_new_t *d = &b->dels[i];
    const notify_message_row_t *m = &b->msgs[b->del_msg[i]];
    const notify_reminder_row_t *rem = b->msg_row[b->del_msg[i]];
    notify_attempt_row_t *r = fc_arena_alloc(w->arena, sizeof *r);
    memset(r, 0, sizeof *r);
    r->job_id = fc_arena_strdup(w->arena, d->job_id);
    r->job_state = "pending";
    r->delivery_id = d->delivery_id;
    r->message_id = m->message_id;
    r->reminder_id = m->reminder_id;
    r->channel = d->channel;
    r->address = d->address;
    r->state = "queued";
    r->recipient = m->recipient;
    r->recipient_name = m->name;
    r->lang = m->lang;
    r->title = m->title;
    r->body = m->body;
    r->markdown = m->markdown;
    r->sms_template = m->sms_template;
    r->sms_params = m->sms_params;
    r->kind = rem->kind;
    r->urgent = rem->urgent;
    return r;
}

/* Claims, expands and records a batch of reminder jobs in one transaction. New deliveries due
 * now join items for their first attempt; later ones are handed to Redis. */
static int s_reminders(notify_worker_t *w, fc_job_t **jobs, int n, int64_t now, s_items_t *items,
                       fc_err_t *err)
{
    const char **ids = fc_xcalloc((size_t)n, sizeof *ids);
    for (int i = 0; i < n; i++)
        ids[i] = jobs[i]->id;
    notify_reminder_row_t *rows = NULL;
    int nrows = 0, rc;
    s_batch_t b;
    memset(&b, 0, sizeof b);
    if ((rc = fc_pg_begin(w->pg, err)) != FC_OK)
        goto out;
    if ((rc = notify_store_reminders_claim(w->pg, ids, n, w->arena, &rows, &nrows, err)) != FC_OK)
        goto out;
    b.rem_ids = fc_xcalloc((size_t)nrows + 1, sizeof *b.rem_ids);
    b.rem_states = fc_xcalloc((size_t)nrows + 1, sizeof *b.rem_states);
    b.rem_errors = fc_xcalloc((size_t)nrows + 1, sizeof *b.rem_errors);
    for (int i = 0; i < nrows && rc == FC_OK; i++)
        rc = s_reminder(w, &b, &rows[i], now, err);
    if (rc == FC_OK)
        rc = notify_store_messages_add(w->pg, b.msgs, b.n_msgs, now, err);
    for (int i = 0; rc == FC_OK && i < b.n_dels; i++)
        b.dels[i].message_id = b.msgs[b.del_msg[i]].message_id;
    if (rc == FC_OK)
        rc = notify_store_deliveries_add(w->pg, b.dels, b.n_dels, now, err);
    if (rc == FC_OK)
        rc = notify_store_reminders_finish(w->pg, b.rem_ids, b.rem_states, b.rem_errors, b.n_rem,
                                           now, err);
    fc_fault_point("notify.reminders_before_commit");
    if (rc == FC_OK)
        rc = fc_pg_commit(w->pg, err);
    if (rc != FC_OK)
        goto out;
    for (int i = 0; i < b.n_dels; i++) {
        const notify_delivery_new_t *d = &b.dels[i];
        if (strcmp(d->state, "queued") != 0 || !d->delivery_id)
            continue;
        if (d->next_us <= now) {
            s_item_t *it = s_items_add(items, d->job_id, NULL);
            it->row = s_inline_row(w, &b, i);
        } else {
            char payload[24];
            snprintf(payload, sizeof payload, "%" PRId64, d->delivery_id);
            fc_err_t e;
            if (fc_jobrec_dispatch(w->q_del, d->job_id, payload, d->next_us, &e) != FC_OK)
                fc_log_warn("notify.dispatch_failed", "job_id", FC_LS(d->job_id), "error",
                            FC_LS(e.message), NULL);
        }
    }
    fc_log_debug("notify.reminders", "claimed", FC_LI(nrows), "messages", FC_LI(b.n_msgs),
                 "deliveries", FC_LI(b.n_dels), NULL);
out:
    if (rc != FC_OK)
        fc_pg_rollback(w->pg);
    s_batch_fini(&b);
    free(ids);
    return rc;
}

/* ---- deliveries ------------------------------------------------------------------------------ */

static const notify_attempt_row_t *s_find_row(const notify_attempt_row_t *rows, int n,
                                              const char *job_id)
{
    for (int i = 0; i < n; i++)
        if (strcmp(rows[i].job_id, job_id) == 0)
            return &rows[i];
    return NULL;
}

static void s_fill_send(s_item_t *it, int64_t now)
{
    const notify_attempt_row_t *r = it->row;
    notify_send_t *s = &it->send;
    s->delivery_id = r->delivery_id;
    s->address = r->address;
    s->recipient = r->recipient;
    s->recipient_name = r->recipient_name;
    s->lang = r->lang;
    s->kind = r->kind;
    s->title = r->title;
    s->text = r->body;
    s->markdown = r->markdown;
    s->sms_template = r->sms_template;
    s->sms_params = r->sms_params;
    s->at_us = now;
    s->first_at_us = r->attempt_us;
}

/* Decides each item's plan under the claim; quiet hours and pacing move some to a new job. */
static int s_plan(notify_worker_t *w, s_items_t *items, const notify_attempt_row_t *rows, int nrows,
                  int64_t now, fc_err_t *err)
{
    const notify_cfg_t *cfg = w->ctx.cfg;
    int rc = FC_OK;
    for (int i = 0; i < items->n && rc == FC_OK; i++) {
        s_item_t *it = &items->v[i];
        if (!it->row)
            it->row = s_find_row(rows, nrows, it->job_id);
        const notify_attempt_row_t *r = it->row;
        if (!r || strcmp(r->job_state, "pending") != 0) {
            it->plan = S_ACK;
            continue;
        }
        if (strcmp(r->state, "sent") == 0 || strcmp(r->state, "dead") == 0 ||
            strcmp(r->state, "cancelled") == 0) {
            it->plan = S_ACK;
            rc = notify_store_job_finish(w->pg, r->job_id, "done", "delivery already settled", err);
            continue;
        }
        s_fill_send(it, now);
        it->ops = notify_channels_get(w->ctx.channels, r->channel);
        if (!it->ops) {
            it->plan = S_RESULT;
            notify_send_set(&it->send, NOTIFY_PERMANENT, "渠道“%s”未配置", r->channel);
            continue;
        }
        if (strcmp(r->state, "sending") == 0) {
            if (r->lease_us > s_real_us()) {
                it->plan = S_BUSY;
                continue;
            }
            /* cut off mid-send: did it arrive? */
            it->in_doubt = 1;
            if (it->ops->query) {
                it->plan = S_QUERY;
            } else if (!it->ops->transactional && !cfg->in_doubt_resend) {
                it->plan = S_RESULT;
                notify_send_set(&it->send, NOTIFY_SENT, "发送结果不明，按已送达处理");
                continue;
            } else {
                it->send.possible_repeat = !it->ops->transactional;
            }
        }
        if (it->plan != S_QUERY)
            it->plan = S_SEND;
        if (strcmp(r->channel, "sms") == 0 && !r->urgent &&
            notify_quiet_is(&w->ctx.policy->quiet, now)) {
            it->plan = S_DEFER;
            it->defer_until = notify_quiet_end(&w->ctx.policy->quiet, now);
        } else if (strcmp(r->channel, "wecom") == 0 && cfg->wecom_rate > 0) {
            char member[48];
            int64_t wait = 0;
            fc_err_t perr;
            snprintf(member, sizeof member, "%" PRId64 ":%d", r->delivery_id, r->attempts + 1);
            if (notify_pacer_take(w->redis, r->address, member, cfg->wecom_rate,
                                  cfg->wecom_window_ms, now / 1000, &wait, &perr) != FC_OK)
                wait = 1000; /* Redis hiccup: try a little later */
            if (wait > 0) {
                it->plan = S_DEFER;
                it->defer_until = now + wait * 1000;
            }
        }
        if (it->plan == S_DEFER) {
            fc_id_new(it->new_job);
            rc = notify_store_delivery_defer(
                w->pg, r->delivery_id, r->job_id, it->new_job, it->defer_until,
                strcmp(r->channel, "sms") == 0 ? "免打扰时段，顺延发送"
                                               : "企业微信机器人限速，排队发送",
                err);
        }
    }
    return rc;
}

/* The Redis side of a plan that needed no send, after the commit. */
static void s_settle_unsent(notify_worker_t *w, s_item_t *it, int64_t now)
{
    fc_err_t e;
    fc_err_clear(&e);
    if (it->plan == S_DEFER) {
        char payload[24];
        snprintf(payload, sizeof payload, "%" PRId64, it->row->delivery_id);
        if (fc_jobrec_dispatch(w->q_del, it->new_job, payload, it->defer_until, &e) != FC_OK)
            fc_log_warn("notify.dispatch_failed", "job_id", FC_LS(it->new_job), "error",
                        FC_LS(e.message), NULL);
    }
    if (!it->job)
        return;
    if (it->plan == S_ACK || it->plan == S_DEFER)
        fc_jobq_ack(w->q_del, it->job, &e);
    else if (it->plan == S_BUSY || it->plan == S_LOST)
        fc_jobq_fail(w->q_del, it->job, now / 1000, "another worker holds the attempt", NULL, &e);
}

/* Runs the transfers of the S_SEND items of v, at most max_inflight at once. */
static void s_transfer(notify_worker_t *w, s_item_t **v, int n)
{
    const notify_channel_cfg_t *ccfg = notify_channels_cfg(w->ctx.channels);
    int next = 0, inflight = 0;
    for (;;) {
        while (inflight < w->ctx.cfg->max_inflight && next < n) {
            s_item_t *it = v[next++];
            if (it->plan != S_SEND)
                continue;
            it->ops->begin(ccfg, &it->send);
            if (it->send.easy) {
                curl_multi_add_handle(w->multi, it->send.easy);
                inflight++;
            }
        }
        if (inflight == 0 && next >= n)
            break;
        int running = 0;
        curl_multi_perform(w->multi, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(w->multi, &left)) != NULL) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            notify_send_t *s = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
            s_item_t *it = (s_item_t *)((char *)s - offsetof(s_item_t, send));
            it->ops->finish(ccfg, s, msg->data.result);
            curl_multi_remove_handle(w->multi, msg->easy_handle);
            inflight--;
        }
        if (inflight > 0)
            curl_multi_poll(w->multi, NULL, 0, 50, NULL);
    }
}

/* What an outcome means for the delivery and its job. */
static void s_outcome(notify_worker_t *w, s_item_t *it, int64_t now)
{
    const notify_cfg_t *cfg = w->ctx.cfg;
    int attempts = it->row->attempts + (it->plan == S_RESULT ? 0 : 1);
    int last = attempts >= cfg->max_attempts;
    int64_t next =
        now +
        notify_backoff_ms(attempts, cfg->backoff_base_ms, cfg->backoff_max_ms, s_rand(w)) * 1000;
    it->next_us = 0;
    switch (it->send.outcome) {
    case NOTIFY_SENT:
        it->state = "sent";
        it->job_state = "done";
        break;
    case NOTIFY_PERMANENT:
        it->state = it->job_state = "dead";
        break;
    case NOTIFY_RETRY:
        it->state = last ? "dead" : "failed";
        it->job_state = last ? "dead" : "pending";
        it->next_us = last ? 0 : next;
        break;
    case NOTIFY_UNKNOWN:
        /* stays "sending" with its lease gone: the next attempt finds out first */
        it->state = last ? "dead" : "sending";
        it->job_state = last ? "dead" : "pending";
        it->next_us = last ? 0 : next;
        if (last)
            snprintf(it->send.error + strlen(it->send.error),
                     sizeof it->send.error - strlen(it->send.error), "（%d 次后仍结果不明）",
                     attempts);
        break;
    }
}

static int s_settles(const s_item_t *it)
{
    return it->plan == S_SEND || it->plan == S_QUERY || it->plan == S_RESULT;
}

/* The result rows of v's settled items (rows has room for n). */
static int s_result_rows(notify_worker_t *w, s_item_t **v, int n, int64_t now,
                         notify_result_row_t *rows)
{
    int k = 0;
    for (int i = 0; i < n; i++) {
        s_item_t *it = v[i];
        if (!s_settles(it))
            continue;
        s_outcome(w, it, now);
        notify_result_row_t *r = &rows[k++];
        r->delivery_id = it->row->delivery_id;
        r->message_id = it->row->message_id;
        r->job_id = it->row->job_id;
        r->state = it->state;
        r->job_state = it->job_state;
        r->error = it->send.error;
        r->provider_ref = it->send.provider_ref;
        r->recipient = it->row->recipient;
        r->sent_us = now;
        r->next_us = it->next_us;
        r->inbox = it->ops && it->ops->transactional && it->send.outcome == NOTIFY_SENT;
        if (it->send.outcome != NOTIFY_SENT)
            fc_log_info("notify.delivery_failed", "delivery_id", FC_LI(it->row->delivery_id),
                        "channel", FC_LS(it->row->channel), "outcome",
                        FC_LS(notify_outcome_name(it->send.outcome)), "state", FC_LS(it->state),
                        "attempts", FC_LI(it->row->attempts + 1), "error", FC_LS(it->send.error),
                        NULL);
    }
    return k;
}

/* The Redis side of the recorded outcomes. */
static void s_settle_sent(notify_worker_t *w, s_item_t **v, int n, int64_t now)
{
    for (int i = 0; i < n; i++) {
        s_item_t *it = v[i];
        if (!s_settles(it))
            continue;
        fc_err_t e;
        fc_err_clear(&e);
        int pending = strcmp(it->job_state, "pending") == 0;
        if (it->job) {
            if (pending)
                fc_jobq_fail(w->q_del, it->job, now / 1000, it->send.error, NULL, &e);
            else
                fc_jobq_ack(w->q_del, it->job, &e);
        } else if (pending) {
            char payload[24];
            snprintf(payload, sizeof payload, "%" PRId64, it->row->delivery_id);
            fc_jobrec_dispatch(w->q_del, it->job_id, payload, it->next_us, &e);
        }
        if (e.code)
            fc_log_warn("notify.settle_failed", "job_id", FC_LS(it->job_id), "error",
                        FC_LS(e.message), NULL);
    }
}

/* Puts v's sends on record as "sending" (in the caller's transaction if one is open), each
 * only if nobody attempted or moved it since we looked; the others become S_LOST. */
static int s_mark(notify_worker_t *w, s_item_t **v, int n, int64_t now, fc_err_t *err)
{
    int64_t *ids = fc_xcalloc((size_t)n + 1, sizeof *ids);
    int *att = fc_xcalloc((size_t)n + 1, sizeof *att);
    const char **jobs = fc_xcalloc((size_t)n + 1, sizeof *jobs);
    int64_t *doubt = fc_xcalloc((size_t)n + 1, sizeof *doubt);
    int *marked = fc_xcalloc((size_t)n + 1, sizeof *marked);
    int k = 0, nd = 0;
    for (int i = 0; i < n; i++) {
        if (v[i]->plan != S_SEND && v[i]->plan != S_QUERY)
            continue;
        ids[k] = v[i]->row->delivery_id;
        att[k] = v[i]->row->attempts;
        jobs[k++] = v[i]->row->job_id;
        if (v[i]->in_doubt)
            doubt[nd++] = v[i]->row->delivery_id;
    }
    int rc = notify_store_mark_sending(w->pg, ids, att, jobs, k, doubt, nd, now,
                                       s_real_us() + w->ctx.cfg->lease_ms * 1000, marked, err);
    for (int i = 0, j = 0; rc == FC_OK && i < n; i++) {
        if (v[i]->plan != S_SEND && v[i]->plan != S_QUERY)
            continue;
        if (!marked[j++]) {
            v[i]->plan = S_LOST;
            s_settle_unsent(w, v[i], now);
        }
    }
    free(ids);
    free(att);
    free(jobs);
    free(doubt);
    free(marked);
    return rc;
}

/* The network part of a wave: receipts asked for, transfers run. */
static void s_send_wave(notify_worker_t *w, s_item_t **v, int n)
{
    const notify_channel_cfg_t *ccfg = notify_channels_cfg(w->ctx.channels);
    for (int i = 0; i < n; i++) {
        s_item_t *it = v[i];
        if (it->plan != S_QUERY)
            continue;
        fc_err_t qerr;
        fc_err_clear(&qerr);
        int arrived = it->ops->query(ccfg, &it->send, &qerr);
        if (arrived == 1) {
            notify_send_set(&it->send, NOTIFY_SENT, "%s", "");
            fc_log_info("notify.in_doubt_arrived", "delivery_id", FC_LI(it->row->delivery_id),
                        "channel", FC_LS(it->row->channel), NULL);
        } else if (arrived == 0) {
            it->plan = S_SEND; /* it never went out: send it now, once */
        } else {
            notify_send_set(&it->send, NOTIFY_UNKNOWN, "无法确认上次发送结果：%s", qerr.message);
        }
    }
    s_transfer(w, v, n);
}

static int s_attempts(notify_worker_t *w, s_items_t *items, int64_t now, fc_err_t *err)
{
    const char **ids = fc_xcalloc((size_t)items->n, sizeof *ids);
    s_item_t **todo = fc_xcalloc((size_t)items->n, sizeof *todo);
    notify_result_row_t *rows = NULL;
    notify_attempt_row_t *claimed = NULL;
    int nids = 0, nclaimed = 0, ntodo = 0, rc;
    for (int i = 0; i < items->n; i++)
        if (items->v[i].job)
            ids[nids++] = items->v[i].job_id;
    /* jobs from Redis (retries, deferred, swept) are looked at under their lock; new ones
     * carry what this worker just wrote, and need no transaction here (a deferral is one
     * statement) */
    if (nids && (rc = fc_pg_begin(w->pg, err)) != FC_OK)
        goto out;
    if (nids && (rc = notify_store_deliveries_claim(w->pg, ids, nids, w->arena, &claimed, &nclaimed,
                                                    err)) != FC_OK)
        goto out;
    if ((rc = s_plan(w, items, claimed, nclaimed, now, err)) != FC_OK)
        goto out;
    if (nids && (rc = fc_pg_commit(w->pg, err)) != FC_OK)
        goto out;
    for (int i = 0; i < items->n; i++) {
        s_item_t *it = &items->v[i];
        if (s_settles(it))
            todo[ntodo++] = it;
        else
            s_settle_unsent(w, it, now);
    }
    /* waves of at most max_inflight sends: only what is in flight can be left in doubt. The
     * results of one wave and the mark of the next share a transaction (one commit each). */
    int wave = w->ctx.cfg->max_inflight;
    rows = fc_xcalloc((size_t)wave + 1, sizeof *rows);
    if (ntodo && (rc = s_mark(w, todo, ntodo < wave ? ntodo : wave, now, err)) != FC_OK)
        goto out;
    for (int off = 0; off < ntodo; off += wave) {
        s_item_t **cur = todo + off, **next = todo + off + wave;
        int ncur = ntodo - off < wave ? ntodo - off : wave;
        int nnext = ntodo - off - ncur < wave ? ntodo - off - ncur : wave;
        fc_fault_point("notify.before_send");
        s_send_wave(w, cur, ncur);
        int k = s_result_rows(w, cur, ncur, now, rows);
        fc_fault_point("notify.after_send");
        if ((rc = fc_pg_begin(w->pg, err)) == FC_OK &&
            (rc = notify_store_results(w->pg, rows, k, now, err)) == FC_OK &&
            (!nnext || (rc = s_mark(w, next, nnext, now, err)) == FC_OK))
            rc = fc_pg_commit(w->pg, err);
        if (rc != FC_OK)
            break; /* left "sending": the next attempt after the lease finds out */
        s_settle_sent(w, cur, ncur, now);
    }
out:
    if (fc_pg_in_tx(w->pg))
        fc_pg_rollback(w->pg);
    free(ids);
    free(todo);
    free(rows);
    return rc;
}

/* ---- the pass and the thread ------------------------------------------------------------- */

static int64_t s_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int notify_worker_pass(notify_worker_t *w, int *work_out, fc_err_t *err)
{
    int64_t t0 = s_mono_us(), t1 = 0, t2 = 0, t3 = 0, t4 = 0;
    int64_t now = fc_clock_now_us();
    int batch = w->ctx.cfg->batch, nrem = 0, rc = FC_OK;
    s_items_t items;
    memset(&items, 0, sizeof items);
    fc_job_t **rjobs = fc_xcalloc((size_t)batch, sizeof *rjobs);
    *work_out = 0;
    fc_arena_reset(w->arena);
    while (nrem < batch) {
        fc_err_t e;
        int r = fc_jobq_reserve(w->q_rem, now / 1000, &rjobs[nrem], &e);
        if (r == FC_ENOTFOUND)
            break;
        if (r != FC_OK) {
            rc = fc_err_set(err, r, e.field, "%s", e.message);
            break;
        }
        nrem++;
    }
    t1 = s_mono_us();
    if (nrem > 0) {
        int r = s_reminders(w, rjobs, nrem, now, &items, err);
        t2 = s_mono_us();
        for (int i = 0; i < nrem; i++) {
            fc_err_t e;
            if (r == FC_OK)
                fc_jobq_ack(w->q_rem, rjobs[i], &e);
            else
                fc_jobq_fail(w->q_rem, rjobs[i], now / 1000, err->message, NULL, &e);
        }
        if (r != FC_OK)
            rc = r;
    }
    for (int n = 0; rc == FC_OK && n < batch; n++) {
        fc_job_t *job = NULL;
        fc_err_t e;
        int r = fc_jobq_reserve(w->q_del, now / 1000, &job, &e);
        if (r == FC_ENOTFOUND)
            break;
        if (r != FC_OK) {
            rc = fc_err_set(err, r, e.field, "%s", e.message);
            break;
        }
        s_items_add(&items, job->id, job);
    }
    t3 = s_mono_us();
    if (items.n > 0) {
        int r = s_attempts(w, &items, now, err);
        if (r != FC_OK && rc == FC_OK)
            rc = r;
    }
    t4 = s_mono_us();
    if (nrem + items.n > 0)
        fc_log_debug("notify.pass", "worker", FC_LI(w->index), "reminders", FC_LI(nrem),
                     "deliveries", FC_LI(items.n), "reserve_us", FC_LI(t1 - t0), "reminders_us",
                     FC_LI(t2 ? t2 - t1 : 0), "ack_us", FC_LI(t2 ? t3 - t2 : 0), "attempts_us",
                     FC_LI(t4 - t3), NULL);
    *work_out = nrem + items.n;
    s_items_fini(&items);
    for (int i = 0; i < nrem; i++)
        fc_job_destroy(&rjobs[i]);
    free(rjobs);
    return rc;
}

static void s_sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void *s_thread(void *arg)
{
    notify_worker_t *w = arg;
    int64_t backoff = w->ctx.cfg->idle_ms;
    while (!atomic_load(&w->stop)) {
        int work = 0;
        fc_err_t err;
        fc_err_clear(&err);
        if (notify_worker_pass(w, &work, &err) != FC_OK) {
            fc_log_warn("notify.worker_pass_failed", "worker", FC_LI(w->index), "error",
                        FC_LS(err.message), NULL);
            s_sleep_ms(backoff);
            backoff = backoff < 2000 ? backoff * 2 : 2000;
            continue;
        }
        backoff = w->ctx.cfg->idle_ms;
        if (work == 0)
            s_sleep_ms(w->ctx.cfg->idle_ms);
    }
    return NULL;
}

notify_worker_t *notify_worker_new(const notify_worker_ctx_t *ctx, int index, fc_err_t *err)
{
    notify_worker_t *w = fc_xcalloc(1, sizeof *w);
    w->ctx = *ctx;
    w->index = index;
    atomic_init(&w->stop, 0);
    char app_name[32];
    snprintf(app_name, sizeof app_name, "notify-worker-%d", index);
    fc_pg_opts_t po = {ctx->pg_url, ctx->pg_user, ctx->pg_password,
                       "notify",    app_name,     ctx->connect_wait_s};
    if (!(w->pg = fc_pg_new(&po, err)) || !(w->redis = fc_redis_new(ctx->redis_url, err))) {
        notify_worker_destroy(&w);
        return NULL;
    }
    const notify_cfg_t *c = ctx->cfg;
    fc_jobq_opts_t rq = {c->lease_ms, 10, 1000, 60000, 0};
    /* PostgreSQL judges when a delivery is dead; Redis only carries and spaces the retries */
    fc_jobq_opts_t dq = {c->lease_ms, c->max_attempts + 2, c->backoff_base_ms, c->backoff_max_ms,
                         0};
    w->q_rem = fc_jobq_new(w->redis, NOTIFY_Q_REMINDERS, &rq);
    w->q_del = fc_jobq_new(w->redis, NOTIFY_Q_DELIVERIES, &dq);
    w->multi = curl_multi_init();
    curl_multi_setopt(w->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)c->max_inflight);
    w->arena = fc_arena_new(256 * 1024);
    w->rng = (uint64_t)fc_clock_mono_ms() * 2654435761u + (uint64_t)index;
    return w;
}

int notify_worker_start(notify_worker_t *w, fc_err_t *err)
{
    int e = pthread_create(&w->thread, NULL, s_thread, w);
    if (e != 0)
        return fc_err_set(err, FC_ERR, "NOTIFY_WORKERS", "could not start worker thread %d: %s",
                          w->index, strerror(e));
    w->started = 1;
    return FC_OK;
}

void notify_worker_destroy(notify_worker_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    notify_worker_t *w = *self_p;
    if (w->started) {
        atomic_store(&w->stop, 1);
        pthread_join(w->thread, NULL);
    }
    if (w->multi)
        curl_multi_cleanup(w->multi);
    fc_jobq_destroy(&w->q_rem);
    fc_jobq_destroy(&w->q_del);
    fc_redis_destroy(&w->redis);
    fc_pg_destroy(&w->pg);
    fc_arena_destroy(&w->arena);
    free(w);
    *self_p = NULL;
}

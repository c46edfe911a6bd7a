/* fc_consumer: exactly-once application of stream events through an inbox table. */
#include "fc_consumer.h"
#include "fc_clock.h"
#include "fc_fault.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "fc_pb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ProtobufCMessage *fc_event_decode(const fc_event_t *ev, const ProtobufCMessageDescriptor *desc,
                                  fc_err_t *err)
{
    ProtobufCMessage *m =
        fc_pb_unpack(desc, ev->payload, ev->payload_len, FC_PB_MAX_MESSAGE, NULL, "payload", err);
    if (!m && err)
        err->code = FC_EINVAL; /* an event too big to decode will never decode: reject it */
    return m;
}

/* How many times running an event that failed for now is tried again soon (after 0.1, 0.2,
 * 0.4, 0.8, 1.6 s) before it is left for the reclaim. */
#define FC_CONSUMER_QUICK_RETRIES 5
/* Our own failed entries idle this long are taken again by a quick retry. */
#define FC_CONSUMER_QUICK_IDLE_MS 50

struct fc_consumer {
    fc_redis_t *redis;
    fc_pg_t *pg;
    char *stream, *group, *name, *dead_stream;
    fc_event_handler_fn handler;
    void *app;
    fc_consumer_opts_t opts;
    int own_pending_done;
    char pending_cursor[64]; /* how far our own pending entries were re-read */
    int64_t next_claim_ms;
    int64_t retry_at_ms; /* after a failure (database or Redis down): wait, then retry */
    int backoff_ms;
    int left_pending;          /* an event of the last batch failed for now: still pending */
    int quick_retries;         /* such failures retried soon, so many times running */
    int64_t quick_retry_at_ms; /* when to take our own failed entries again (0 = not) */
    long long applied;
    const char *const *ignore; /* types acknowledged unread */
};

void fc_consumer_ignore(fc_consumer_t *self, const char *const *types)
{
    self->ignore = types;
}

static int s_ignored(const fc_consumer_t *self, const char *type)
{
    for (const char *const *t = self->ignore; t && *t; t++)
        if (strcmp(*t, type) == 0)
            return 1;
    return 0;
}

static int s_create_group(fc_consumer_t *self, fc_err_t *err)
{
    fc_err_t e;
    fc_err_clear(&e);
    redisReply *r = fc_redis_cmd(self->redis, &e, "XGROUP CREATE %s %s 0 MKSTREAM", self->stream,
                                 self->group);
    if (r) {
        freeReplyObject(r);
        return FC_OK;
    }
    if (strstr(e.message, "BUSYGROUP"))
        return FC_OK;
    if (err)
        *err = e;
    return e.code ? e.code : FC_ERR;
}

fc_consumer_t *fc_consumer_new(fc_redis_t *redis, fc_pg_t *pg, const char *stream,
                               const char *group, const char *name, fc_event_handler_fn handler,
                               void *app, const fc_consumer_opts_t *opts, fc_err_t *err)
{
    fc_consumer_t *self = fc_xcalloc(1, sizeof *self);
    self->redis = redis;
    self->pg = pg;
    self->stream = fc_xstrdup(stream);
    self->group = fc_xstrdup(group);
    self->name = fc_xstrdup(name);
    self->dead_stream = fc_xasprintf("%s:dead:%s", stream, group);
    self->handler = handler;
    self->app = app;
    self->opts.batch = opts && opts->batch > 0 ? opts->batch : 64;
    self->opts.claim_idle_ms = opts && opts->claim_idle_ms > 0 ? opts->claim_idle_ms : 30000;
    self->opts.max_deliveries = opts && opts->max_deliveries > 0 ? opts->max_deliveries : 10;
    snprintf(self->pending_cursor, sizeof self->pending_cursor, "0");
    if (s_create_group(self, err) != FC_OK)
        fc_consumer_destroy(&self);
    return self;
}

void fc_consumer_destroy(fc_consumer_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    fc_consumer_t *self = *self_p;
    free(self->stream);
    free(self->group);
    free(self->name);
    free(self->dead_stream);
    free(self);
    *self_p = NULL;
}

const char *fc_consumer_stream(const fc_consumer_t *self)
{
    return self->stream;
}

long long fc_consumer_applied(const fc_consumer_t *self)
{
    return self->applied;
}

static int s_ack(fc_consumer_t *self, const char *entry_id, fc_err_t *err)
{
    redisReply *r = fc_redis_cmd(self->redis, err, "XACK %s %s %s", self->stream, self->group,
                                 entry_id);
    if (!r)
        return err ? err->code : FC_EUNAVAIL;
    freeReplyObject(r);
    return FC_OK;
}

/* Fills ev from a stream entry [id, [k, v, k, v, ...]]; 0 if required fields are missing. */
static int s_parse_entry(const redisReply *entry, fc_event_t *ev)
{
    memset(ev, 0, sizeof *ev);
    if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 ||
        entry->element[0]->type != REDIS_REPLY_STRING)
        return 0;
    ev->stream_id = entry->element[0]->str;
    const redisReply *kv = entry->element[1];
    if (kv->type != REDIS_REPLY_ARRAY)
        return 0; /* deleted entry (nil): nothing left to apply */
    for (size_t i = 0; i + 1 < kv->elements; i += 2) {
        const redisReply *k = kv->element[i], *v = kv->element[i + 1];
        if (k->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING)
            continue;
        if (strcmp(k->str, "id") == 0)
            ev->event_id = v->str;
        else if (strcmp(k->str, "type") == 0)
            ev->type = v->str;
        else if (strcmp(k->str, "source") == 0)
            ev->source = v->str;
        else if (strcmp(k->str, "at") == 0)
            ev->at_us = strtoll(v->str, NULL, 10);
        else if (strcmp(k->str, "payload") == 0) {
            ev->payload = (const uint8_t *)v->str;
            ev->payload_len = v->len;
        }
    }
    if (!ev->source)
        ev->source = "";
    return ev->event_id && ev->type && ev->payload;
}

/* Applies one parsed event inside the batch's transaction, under a savepoint so that a failure
 * undoes this event alone. *ack: its entry may be acknowledged after the commit (applied,
 * duplicate or rejected); *applied: it took effect. FC_EUNAVAIL only when the database is gone
 * (the whole batch is then rolled back and retried); any other failure leaves just this entry
 * pending, to come back through reclaim (counted towards dead-lettering). */
static int s_apply_one(fc_consumer_t *self, const fc_event_t *ev, int *ack, int *applied,
                       fc_err_t *err)
{
    *ack = *applied = 0;
    fc_err_t herr;
    fc_err_clear(&herr);
    int rc = fc_pg_cmd(self->pg, "SAVEPOINT fc_event", 0, NULL, NULL, &herr);
    if (rc != FC_OK)
        goto out;
    const char *p[] = {ev->event_id, self->stream, ev->type};
    long inserted = 0;
    rc = fc_pg_cmd(self->pg,
                   "INSERT INTO inbox (event_id, stream, type) VALUES ($1, $2, $3)"
                   " ON CONFLICT (event_id) DO NOTHING",
                   3, p, &inserted, &herr);
    if (rc != FC_OK)
        goto undo;
    if (inserted == 0) {
        /* applied before (we died before acknowledging, or the relay published twice) */
        fc_log_info("consumer.duplicate", "type", FC_LS(ev->type), NULL);
        *ack = 1;
        goto undo;
    }
    rc = self->handler(self->app, self->pg, ev, &herr);
    if (rc == FC_EINVAL) {
        fc_log_error("consumer.rejected", "type", FC_LS(ev->type), "field", FC_LS(herr.field),
                     "error", FC_LS(herr.message), NULL);
        if ((rc = fc_pg_cmd(self->pg, "ROLLBACK TO SAVEPOINT fc_event", 0, NULL, NULL, &herr)) !=
            FC_OK)
            goto out;
        const char *r[] = {ev->event_id, self->stream, ev->type, herr.message};
        rc = fc_pg_cmd(self->pg,
                       "INSERT INTO inbox (event_id, stream, type, outcome, detail)"
                       " VALUES ($1, $2, $3, 'rejected', $4) ON CONFLICT (event_id) DO NOTHING",
                       4, r, NULL, &herr);
        *ack = rc == FC_OK;
        goto out;
    }
    if (rc != FC_OK)
        goto undo;
    *ack = *applied = 1;
    rc = fc_pg_cmd(self->pg, "RELEASE SAVEPOINT fc_event", 0, NULL, NULL, &herr);
    goto out;
undo:;
    /* a duplicate, or a failure: nothing of this event stays; the savepoint tells whether the
     * connection survived */
    int failed = rc;
    fc_err_t uerr;
    fc_err_clear(&uerr);
    if (fc_pg_cmd(self->pg, "ROLLBACK TO SAVEPOINT fc_event", 0, NULL, NULL, &uerr) != FC_OK) {
        rc = FC_EUNAVAIL;
        if (!failed)
            herr = uerr;
        goto out;
    }
    if (failed == FC_EUNAVAIL) {
        rc = failed; /* Redis or the database went away mid-event: retry the batch soon */
        goto out;
    }
    if (failed) {
        fc_log_warn("consumer.retry_later", "stream", FC_LS(self->stream), "type",
                    FC_LS(ev->type), "code", FC_LS(fc_err_name(failed)), "error",
                    FC_LS(herr.message), NULL);
        self->left_pending = 1;
    }
    rc = FC_OK;
out:
    if (rc != FC_OK) {
        *ack = *applied = 0;
        rc = FC_EUNAVAIL; /* the transaction cannot go on: the whole batch is retried */
        if (err)
            *err = herr;
    }
    return rc;
}

/* Applies every entry of an XREADGROUP/XCLAIM reply in one transaction (one commit and one
 * XACK for the batch instead of one per event), counting them into *n. A crash anywhere before
 * the commit leaves every entry pending with nothing applied; after it, the inbox turns the
 * redelivered entries into duplicates. */
static int s_apply_entries(fc_consumer_t *self, const redisReply *entries, int *n, fc_err_t *err)
{
    size_t count = entries->elements, nack = 3;
    if (count == 0)
        return FC_OK;
    const char **ack = fc_xcalloc(count + 3, sizeof *ack);
    ack[0] = "XACK";
    ack[1] = self->stream;
    ack[2] = self->group;
    long long applied = 0;
    int rc = fc_pg_begin(self->pg, err);
    if (rc != FC_OK)
        goto out;
    fc_fault_point("consumer.after_read");
    for (size_t i = 0; i < count; i++) {
        const redisReply *entry = entries->element[i];
        fc_event_t ev;
        if (!s_parse_entry(entry, &ev)) {
            const char *sid = entry->type == REDIS_REPLY_ARRAY && entry->elements > 0 &&
                                      entry->element[0]->type == REDIS_REPLY_STRING
                                  ? entry->element[0]->str
                                  : NULL;
            fc_log_error("consumer.malformed_entry", "stream", FC_LS(self->stream), "entry",
                         FC_LS(sid ? sid : "?"), NULL);
            if (sid)
                ack[nack++] = sid;
            continue;
        }
        if (s_ignored(self, ev.type)) {
            ack[nack++] = ev.stream_id;
            continue;
        }
        fc_log_set_context(ev.event_id, NULL);
        int do_ack, did_apply;
        rc = s_apply_one(self, &ev, &do_ack, &did_apply, err);
        fc_log_set_context(NULL, NULL);
        if (rc != FC_OK)
            goto out;
        if (do_ack)
            ack[nack++] = ev.stream_id;
        applied += did_apply;
    }
    fc_fault_point("consumer.before_commit");
    if ((rc = fc_pg_commit(self->pg, err)) != FC_OK)
        goto out;
    self->applied += applied;
    fc_fault_point("consumer.after_commit");
    if (nack > 3) {
        redisReply *r = fc_redis_cmdargv(self->redis, err, (int)nack, ack, NULL);
        if (!r)
            rc = err && err->code ? err->code : FC_EUNAVAIL;
        else
            freeReplyObject(r);
    }
    *n += (int)count;
    fc_log_debug("consumer.batch", "stream", FC_LS(self->stream), "entries", FC_LI(count),
                 "applied", FC_LI(applied), NULL);
out:
    if (rc != FC_OK) {
        if (fc_pg_in_tx(self->pg))
            fc_pg_rollback(self->pg);
        fc_log_warn("consumer.batch_retry_later", "stream", FC_LS(self->stream), "code",
                    FC_LS(fc_err_name(rc)), "error", FC_LS(err ? err->message : ""), NULL);
    }
    free(ack);
    return rc;
}

/* XREADGROUP from id (an id = our own pending entries after it, ">" = new ones). Returns how
 * many entries came back (-1 on failure); the last one's id goes to last_id if not NULL. */
static int s_read(fc_consumer_t *self, const char *from, int *n, char *last_id, size_t cap,
                  fc_err_t *err)
{
    char count[16];
    snprintf(count, sizeof count, "%d", self->opts.batch);
    const char *argv[] = {"XREADGROUP", "GROUP",   self->group,  self->name, "COUNT",
                          count,        "STREAMS", self->stream, from};
    fc_err_t e;
    fc_err_clear(&e);
    redisReply *r = fc_redis_cmdargv(self->redis, &e, 9, argv, NULL);
    if (!r) {
        if (strstr(e.message, "NOGROUP")) {
            /* redis lost the group (restart without its data): make it again */
            fc_log_warn("consumer.group_recreated", "stream", FC_LS(self->stream), NULL);
            return s_create_group(self, err) == FC_OK ? 0 : -1;
        }
        if (err)
            *err = e;
        return -1;
    }
    int got = 0;
    if (r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
        r->element[0]->type == REDIS_REPLY_ARRAY && r->element[0]->elements == 2) {
        const redisReply *entries = r->element[0]->element[1];
        got = (int)entries->elements;
        if (got > 0 && last_id) {
            const redisReply *last = entries->element[got - 1];
            if (last->type == REDIS_REPLY_ARRAY && last->elements > 0 &&
                last->element[0]->type == REDIS_REPLY_STRING)
                snprintf(last_id, cap, "%s", last->element[0]->str);
        }
        if (s_apply_entries(self, entries, n, err) != FC_OK)
            got = -1;
    }
    freeReplyObject(r);
    return got;
}

/* Copies entry id to the dead-letter stream with where it came from and how often it was
 * delivered; the caller acknowledges it. */
static void s_dead_letter(fc_consumer_t *self, const char *id, long long deliveries)
{
    redisReply *e = fc_redis_cmd(self->redis, NULL, "XRANGE %s %s %s", self->stream, id, id);
    if (!e || e->type != REDIS_REPLY_ARRAY || e->elements != 1 || e->element[0]->elements != 2 ||
        e->element[0]->element[1]->type != REDIS_REPLY_ARRAY)
        goto out;
    const redisReply *kv = e->element[0]->element[1];
    char dl[24];
    snprintf(dl, sizeof dl, "%lld", deliveries);
    size_t argc = 7 + kv->elements;
    const char **av = fc_xmalloc(argc * sizeof *av);
    size_t *lens = fc_xmalloc(argc * sizeof *lens);
    const char *head[] = {"XADD", self->dead_stream, "*", "dead_from", id, "deliveries", dl};
    for (size_t k = 0; k < 7; k++) {
        av[k] = head[k];
        lens[k] = strlen(head[k]);
    }
    for (size_t k = 0; k < kv->elements; k++) {
        av[7 + k] = kv->element[k]->str;
        lens[7 + k] = kv->element[k]->len;
    }
    redisReply *d = fc_redis_cmdargv(self->redis, NULL, (int)argc, av, lens);
    if (d)
        freeReplyObject(d);
    free(av);
    free(lens);
out:
    if (e)
        freeReplyObject(e);
}

/* Takes over entries idle past idle_ms (of any consumer: one died holding them; or, own_only,
 * our own that failed for now) and applies them again; dead-letters entries delivered
 * max_deliveries times. */
static int s_reclaim(fc_consumer_t *self, int64_t idle_ms, int own_only, int *n, fc_err_t *err)
{
    char idle[24], count[16];
    snprintf(idle, sizeof idle, "%lld", (long long)idle_ms);
    snprintf(count, sizeof count, "%d", self->opts.batch);
    const char *argv[] = {"XPENDING", self->stream, self->group, "IDLE", idle,
                          "-",        "+",          count,       self->name};
    redisReply *r = fc_redis_cmdargv(self->redis, err, own_only ? 9 : 8, argv, NULL);
    if (!r)
        return err ? err->code : FC_EUNAVAIL;
    int rc = FC_OK;
    for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements && rc == FC_OK; i++) {
        const redisReply *row = r->element[i];
        if (row->type != REDIS_REPLY_ARRAY || row->elements < 4)
            continue;
        const char *id = row->element[0]->str;
        long long deliveries = row->element[3]->integer;
        if (deliveries >= self->opts.max_deliveries) {
            s_dead_letter(self, id, deliveries);
            fc_log_error("consumer.dead_lettered", "stream", FC_LS(self->stream), "entry",
                         FC_LS(id), "deliveries", FC_LI(deliveries), NULL);
            rc = s_ack(self, id, err);
            continue;
        }
        redisReply *c = fc_redis_cmd(self->redis, err, "XCLAIM %s %s %s %s %s", self->stream,
                                     self->group, self->name, idle, id);
        if (!c) {
            rc = err ? err->code : FC_EUNAVAIL;
            break;
        }
        if (c->type == REDIS_REPLY_ARRAY) {
            fc_log_info("consumer.reclaimed", "stream", FC_LS(self->stream), "entry", FC_LS(id),
                        "from", FC_LS(row->element[1]->str), NULL);
            rc = s_apply_entries(self, c, n, err);
        }
        freeReplyObject(c);
    }
    freeReplyObject(r);
    return rc;
}

int fc_consumer_poll(fc_consumer_t *self, int *n_out, fc_err_t *err)
{
    int n = 0, rc = FC_OK;
    int64_t now = fc_clock_mono_ms();
    if (now < self->retry_at_ms)
        goto out;
    if (!self->own_pending_done) {
        /* our own entries delivered before and not yet acknowledged (after a restart under the
         * same name, or a failed attempt): no need to wait for them to go idle */
        char last[64] = "";
        int got = s_read(self, self->pending_cursor, &n, last, sizeof last, err);
        if (got < 0) {
            rc = err && err->code ? err->code : FC_ERR;
            goto out;
        }
        if (got < self->opts.batch)
            self->own_pending_done = 1;
        else
            memcpy(self->pending_cursor, last, sizeof last);
        goto out;
    }
    if (self->quick_retry_at_ms && now >= self->quick_retry_at_ms) {
        self->quick_retry_at_ms = 0;
        if ((rc = s_reclaim(self, FC_CONSUMER_QUICK_IDLE_MS, 1, &n, err)) != FC_OK)
            goto out;
    }
    if (now >= self->next_claim_ms) {
        self->next_claim_ms = now + self->opts.claim_idle_ms / 4 + 1;
        if ((rc = s_reclaim(self, self->opts.claim_idle_ms, 0, &n, err)) != FC_OK)
            goto out;
    }
    if (s_read(self, ">", &n, NULL, 0, err) < 0)
        rc = err && err->code ? err->code : FC_ERR;
out:
    if (rc != FC_OK) {
        /* whatever failed stays pending for us: read our own pending first next time, after a
         * growing pause, so an outage neither spins nor counts towards dead-lettering */
        self->own_pending_done = 0;
        snprintf(self->pending_cursor, sizeof self->pending_cursor, "0");
        self->backoff_ms = self->backoff_ms ? self->backoff_ms * 2 : 100;
        if (self->backoff_ms > 2000)
            self->backoff_ms = 2000;
        self->retry_at_ms = now + self->backoff_ms;
    } else if (self->left_pending) {
        /* an event failed for now (a deadlock, a lock timeout, something it needs not there
         * yet): take our own failed entries again soon, a few times with a growing pause,
         * instead of leaving them for the reclaim claim_idle_ms later; the same reclaim, so
         * each try counts towards dead-lettering */
        self->left_pending = 0;
        if (self->quick_retries < FC_CONSUMER_QUICK_RETRIES) {
            self->quick_retry_at_ms = now + (100 << self->quick_retries);
            self->quick_retries++;
        }
    } else if (n > 0) {
        self->backoff_ms = 0;
        self->quick_retries = 0;
    }
    if (n_out)
        *n_out = n;
    return rc;
}

long long fc_consumer_pending(fc_consumer_t *self)
{
    redisReply *r = fc_redis_cmd(self->redis, NULL, "XINFO GROUPS %s", self->stream);
    long long pending = -1, lag = 0;
    for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
        const redisReply *g = r->element[i];
        int mine = 0;
        long long p = 0, l = 0;
        for (size_t k = 0; g->type == REDIS_REPLY_ARRAY && k + 1 < g->elements; k += 2) {
            const char *key = g->element[k]->str;
            const redisReply *v = g->element[k + 1];
            if (!key)
                continue;
            if (strcmp(key, "name") == 0 && v->str && strcmp(v->str, self->group) == 0)
                mine = 1;
            else if (strcmp(key, "pending") == 0)
                p = v->integer;
            else if (strcmp(key, "lag") == 0 && v->type == REDIS_REPLY_INTEGER)
                l = v->integer;
        }
        if (mine) {
            pending = p;
            lag = l;
        }
    }
    if (r)
        freeReplyObject(r);
    return pending < 0 ? -1 : pending + lag;
}

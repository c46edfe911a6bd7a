/* fc_outbox: events written with the transaction that caused them, relayed to Redis. */
#include "fc_outbox.h"
#include "fc_clock.h"
#include "fc_fault.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "fc_pb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FC_STREAM_MAXLEN "1000000"

int fc_outbox_add(fc_pg_t *pg, const char *stream, const char *type, const ProtobufCMessage *event,
                  int64_t at_us, char event_id_out[FC_ID_LEN + 1], fc_err_t *err)
{
    char id[FC_ID_LEN + 1], at[24];
    fc_id_new(id);
    snprintf(at, sizeof at, "%lld", (long long)at_us);
    size_t len = 0;
    uint8_t *payload = fc_pb_pack(event, &len);
    const char *params[] = {id, stream, type, (const char *)payload, at};
    int lengths[] = {0, 0, 0, (int)len, 0};
    int formats[] = {0, 0, 0, 1, 0};
    PGresult *r = fc_pg_execb(pg,
                              "INSERT INTO outbox (event_id, stream, type, payload, at_us)"
                              " VALUES ($1, $2, $3, $4, $5)",
                              5, params, lengths, formats, err);
    free(payload);
    if (!r)
        return err ? err->code : FC_ERR;
    PQclear(r);
    if (event_id_out)
        memcpy(event_id_out, id, sizeof id);
    return FC_OK;
}

struct fc_outbox_relay {
    fc_pg_t *pg;
    fc_redis_t *redis;
    char *source;
    int window_s;
    char run_id[64];
    int64_t run_id_checked_ms;
};

fc_outbox_relay_t *fc_outbox_relay_new(fc_pg_t *pg, fc_redis_t *redis, const char *source,
                                       int republish_window_s)
{
    fc_outbox_relay_t *self = fc_xcalloc(1, sizeof *self);
    self->pg = pg;
    self->redis = redis;
    self->source = fc_xstrdup(source);
    self->window_s = republish_window_s > 0 ? republish_window_s : 120;
    return self;
}

void fc_outbox_relay_destroy(fc_outbox_relay_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->source);
    free(*self_p);
    *self_p = NULL;
}

/* Redis that restarted may have lost its last second of stream writes (AOF everysec):
 * mark recently published rows unpublished again; consumers deduplicate by event id. */
static int s_check_restart(fc_outbox_relay_t *self, fc_err_t *err)
{
    int64_t now = fc_clock_mono_ms();
    if (self->run_id[0] && now - self->run_id_checked_ms < 1000)
        return FC_OK;
    self->run_id_checked_ms = now;
    redisReply *r = fc_redis_cmd(self->redis, err, "INFO server");
    if (!r)
        return err ? err->code : FC_EUNAVAIL;
    char run_id[64] = "";
    const char *p = r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS
                        ? strstr(r->str, "run_id:")
                        : NULL;
    if (p)
        sscanf(p + 7, "%63[0-9a-f]", run_id);
    freeReplyObject(r);
    if (self->run_id[0] && run_id[0] && strcmp(run_id, self->run_id) != 0) {
        char win[16];
        snprintf(win, sizeof win, "%d", self->window_s);
        const char *params[] = {win};
        long n = 0;
        int rc = fc_pg_cmd(self->pg,
                           "UPDATE outbox SET published_at = NULL WHERE published_at >"
                           " now() - make_interval(secs => $1::int)",
                           1, params, &n, err);
        if (rc != FC_OK)
            return rc;
        fc_log_warn("outbox.redis_restarted", "republish", FC_LI(n), "window_s",
                    FC_LI(self->window_s), NULL);
    }
    if (run_id[0])
        memcpy(self->run_id, run_id, sizeof run_id);
    return FC_OK;
}

int fc_outbox_relay_run(fc_outbox_relay_t *self, int max, int *n_out, fc_err_t *err)
{
    int rc, n = 0;
    PGresult *rows = NULL;
    fc_buf_t ids;
    fc_buf_init(&ids);
    if (n_out)
        *n_out = 0;
    if ((rc = s_check_restart(self, err)) != FC_OK)
        return rc;
    if ((rc = fc_pg_begin(self->pg, err)) != FC_OK)
        return rc;
    char lim[16];
    snprintf(lim, sizeof lim, "%d", max > 0 ? max : 100);
    const char *p[] = {lim};
    /* SKIP LOCKED lets relays of several replicas share the work */
    rows = fc_pg_execb(self->pg,
                       "SELECT id, event_id, stream, type, at_us, payload FROM outbox"
                       " WHERE published_at IS NULL ORDER BY id LIMIT $1"
                       " FOR UPDATE SKIP LOCKED",
                       1, p, NULL, NULL, err);
    if (!rows) {
        rc = err ? err->code : FC_ERR;
        goto out;
    }
    int nrows = PQntuples(rows);
    fc_buf_puts(&ids, "{");
    for (int i = 0; i < nrows; i++) {
        size_t plen = 0;
        unsigned char *payload = PQunescapeBytea((const unsigned char *)PQgetvalue(rows, i, 5),
                                                 &plen);
        const char *argv[] = {"XADD",  PQgetvalue(rows, i, 2), "MAXLEN", "~", FC_STREAM_MAXLEN,
                              "*",     "id",  PQgetvalue(rows, i, 1), "type",
                              PQgetvalue(rows, i, 3), "source", self->source, "at",
                              PQgetvalue(rows, i, 4), "payload", (const char *)payload};
        size_t lens[16];
        for (int k = 0; k < 15; k++)
            lens[k] = strlen(argv[k]);
        lens[15] = plen;
        redisReply *r = fc_redis_cmdargv(self->redis, err, 16, argv, lens);
        PQfreemem(payload);
        if (!r) {
            rc = err ? err->code : FC_EUNAVAIL;
            goto out;
        }
        freeReplyObject(r);
        fc_buf_printf(&ids, "%s%s", i ? "," : "", PQgetvalue(rows, i, 0));
        n++;
    }
    fc_buf_puts(&ids, "}");
    if (n > 0) {
        fc_fault_point("outbox.after_publish");
        const char *up[] = {ids.data};
        if ((rc = fc_pg_cmd(self->pg,
                            "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])",
                            1, up, NULL, err)) != FC_OK)
            goto out;
    }
    rc = fc_pg_commit(self->pg, err);
    if (rc == FC_OK && n_out)
        *n_out = n;
out:
    if (rc != FC_OK)
        fc_pg_rollback(self->pg);
    PQclear(rows);
    fc_buf_fini(&ids);
    return rc;
}

long long fc_outbox_pending(fc_pg_t *pg, fc_err_t *err)
{
    PGresult *r = fc_pg_exec(pg, "SELECT count(*) FROM outbox WHERE published_at IS NULL", 0, NULL,
                             err);
    long long n = r ? fc_pg_int(r, 0, 0) : -1;
    PQclear(r);
    return n;
}

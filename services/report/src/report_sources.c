/* report_sources: which services feed the report, and whether each one is up to date when a
 * report is built: a health request to each in parallel (threads, one attempt with a timeout),
 * its outbox depth (committed events not yet on its stream) and report's own backlog on the
 * stream (delivered but unacknowledged, and not yet read). */
#include "report_app.h"
#include "fc/v1/common.pb-c.h"
#include "fc_endpoints.h"
#include "fc_health.h"
#include "fc_outbox.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

const report_source_def_t report_source_defs[] = {
    {"intake", 1, NULL},
    {"rotation", 1, NULL},
    {"welfare", 1, NULL},
    {"notify", 1, NULL},
};
const size_t report_nsources = sizeof report_source_defs / sizeof report_source_defs[0];

typedef struct {
    void *zmq;
    const char *endpoint;
    int timeout_ms;
    int rc;
    long long outbox;
    int db_ok;
    char error[256];
} s_probe_t;

static void *s_probe(void *arg)
{
    s_probe_t *p = arg;
    Fc__V1__HealthReply *h = NULL;
    fc_err_t err;
    fc_err_clear(&err);
    p->rc = fc_health_query(p->zmq, p->endpoint, p->timeout_ms, &h, &err);
    if (p->rc == FC_OK) {
        p->db_ok = h->db_ok;
        for (size_t i = 0; i < h->n_queues; i++)
            if (strcmp(h->queues[i]->name, "outbox") == 0)
                p->outbox = h->queues[i]->depth;
        fc__v1__health_reply__free_unpacked(h, NULL);
    } else {
        snprintf(p->error, sizeof p->error, "%s", err.message);
    }
    return NULL;
}

long long report_sources_backlog(fc_redis_t *redis, const char *service)
{
    char stream[96];
    snprintf(stream, sizeof stream, FC_STREAM_PREFIX "%s", service);
    redisReply *r = fc_redis_cmd(redis, NULL, "XINFO GROUPS %s", stream);
    long long backlog = -1;
    for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
        const redisReply *g = r->element[i];
        int mine = 0;
        long long pending = 0, lag = 0;
        for (size_t k = 0; g->type == REDIS_REPLY_ARRAY && k + 1 < g->elements; k += 2) {
            const char *key = g->element[k]->str;
            const redisReply *v = g->element[k + 1];
            if (!key)
                continue;
            if (strcmp(key, "name") == 0 && v->str && strcmp(v->str, "report") == 0)
                mine = 1;
            else if (strcmp(key, "pending") == 0)
                pending = v->integer;
            else if (strcmp(key, "lag") == 0 && v->type == REDIS_REPLY_INTEGER)
                lag = v->integer;
        }
        if (mine)
            backlog = pending + lag;
    }
    if (r)
        freeReplyObject(r);
    return backlog;
}

void report_sources_check(void *zmq, fc_redis_t *redis, int timeout_ms, report_source_t *srcs)
{
    s_probe_t probes[8];
    pthread_t threads[8];
    int started[8] = {0};
    for (size_t i = 0; i < report_nsources; i++) {
        const report_source_def_t *d = &report_source_defs[i];
        memset(&srcs[i], 0, sizeof srcs[i]);
        srcs[i].service = d->service;
        memset(&probes[i], 0, sizeof probes[i]);
        if (!d->subscribed)
            continue;
        probes[i].zmq = zmq;
        probes[i].endpoint = fc_endpoint_of(d->service);
        probes[i].timeout_ms = timeout_ms;
        started[i] = pthread_create(&threads[i], NULL, s_probe, &probes[i]) == 0;
        if (!started[i])
            s_probe(&probes[i]);
    }
    for (size_t i = 0; i < report_nsources; i++)
        if (started[i])
            pthread_join(threads[i], NULL);
    for (size_t i = 0; i < report_nsources; i++) {
        const report_source_def_t *d = &report_source_defs[i];
        report_source_t *s = &srcs[i];
        if (!d->subscribed) {
            snprintf(s->status, sizeof s->status, "no_contract");
            snprintf(s->detail, sizeof s->detail, "%s", d->no_contract);
            continue;
        }
        if (probes[i].rc != FC_OK || !probes[i].db_ok) {
            snprintf(s->status, sizeof s->status, "unreachable");
            snprintf(s->detail, sizeof s->detail,
                     "%s 未应答（%d 毫秒内），无法确认其事件已全部送达：%s", d->service, timeout_ms,
                     probes[i].rc != FC_OK ? probes[i].error : "其数据库不可用");
            continue;
        }
        long long lag = redis ? report_sources_backlog(redis, d->service) : -1;
        s->backlog = (probes[i].outbox > 0 ? probes[i].outbox : 0) + (lag > 0 ? lag : 0);
        if (lag < 0) {
            snprintf(s->status, sizeof s->status, "unreachable");
            snprintf(s->detail, sizeof s->detail, "无法读取 %s 事件流的消费进度", d->service);
        } else if (s->backlog > 0) {
            snprintf(s->status, sizeof s->status, "behind");
            snprintf(s->detail, sizeof s->detail,
                     "%s 尚有 %lld 条事件未被报表处理（其发件箱 %lld 条，事件流 %lld 条）",
                     d->service, s->backlog, probes[i].outbox > 0 ? probes[i].outbox : 0, lag);
        } else {
            snprintf(s->status, sizeof s->status, "ok");
        }
    }
}

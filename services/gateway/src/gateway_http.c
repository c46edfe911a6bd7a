/* gateway_http: libmicrohttpd threads for I/O, a FIFO of jobs, and the upstream workers. */
#include "gateway_http.h"
#include "gateway_static.h"
#include "gateway_api.h"
#include "gateway_metrics.h"
#include "gateway_openapi.h"
#include "gateway_rate.h"
#include "gateway_routes.h"
#include "fc_log.h"
#include "fc_mem.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S_API_PREFIX "/api/v1/"

typedef enum { S_READING, S_QUEUED, S_ANSWERED } s_state_t;
typedef enum { S_JOB_API, S_JOB_HEALTHZ, S_JOB_METRICS } s_kind_t;

/* One request: its body as it arrives, then (queued) what the worker needs, then the answer. */
typedef struct s_req {
    struct s_req *next; /* in the queue */
    struct MHD_Connection *conn;
    s_state_t state;
    s_kind_t kind;
    int64_t t0_us;
    size_t slot; /* metrics slot */
    fc_buf_t body;
    int too_big;
    const gateway_route_t *route;
    char method[16];
    char *authorization, *idempotency_key, *user_agent;
    char remote[64];
    char **keys, **values;
    size_t nargs, cap;
    gateway_reply_t reply;
} s_req_t;

struct gateway_http {
    struct MHD_Daemon *daemon;
    gateway_http_opts_t opts;
    char *bind;
    gateway_metrics_t *metrics;
    gateway_rate_t *rate;
    gateway_api_t api;
    char *openapi;
    pthread_mutex_t lock;
    pthread_cond_t ready;
    s_req_t *head, *tail;
    atomic_long queued;
    int closed;
    int nworkers;
    gateway_worker_t **workers;
    pthread_t *threads;
    int started; /* threads running */
};

typedef struct {
    gateway_http_t *http;
    gateway_worker_t *worker;
} s_worker_arg_t;

static int64_t s_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- answers ------------------------------------------------------------------------ */

static enum MHD_Result s_send(gateway_http_t *self, struct MHD_Connection *conn, s_req_t *rq)
{
    gateway_reply_t *r = &rq->reply;
    char *text = r->text ? r->text : r->body ? json_dumps(r->body, JSON_COMPACT) : fc_xstrdup("{}");
    r->text = NULL; /* handed to the response */
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type",
                            r->content_type ? r->content_type : "application/json; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (r->request_id[0])
        MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    if (r->retry_after_s > 0) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", r->retry_after_s);
        MHD_add_response_header(resp, "Retry-After", ra);
    }
    if (r->status == MHD_HTTP_UNAUTHORIZED)
        MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"frontline\"");
    if (r->allow)
        MHD_add_response_header(resp, "Allow", r->allow);
    enum MHD_Result rc = MHD_queue_response(conn, r->status ? r->status : 500, resp);
    MHD_destroy_response(resp);
    gateway_metrics_observe(self->metrics, rq->slot, r->status, s_mono_us() - rq->t0_us);
    if (r->status >= 500)
        fc_log_warn("http.failed", "status", FC_LI(r->status), "request_id", FC_LS(r->request_id),
                    NULL);
    rq->state = S_ANSWERED;
    return rc;
}

/* ---- the queue and the workers --------------------------------------------------------- */

/* Queues rq for a worker; 0, or -1 (closing or full: the caller answers 503). */
static int s_enqueue(gateway_http_t *self, s_req_t *rq)
{
    int rc = -1;
    pthread_mutex_lock(&self->lock);
    if (!self->closed && atomic_load(&self->queued) < self->opts.queue_max) {
        rq->next = NULL;
        rq->state = S_QUEUED;
        if (self->tail)
            self->tail->next = rq;
        else
            self->head = rq;
        self->tail = rq;
        atomic_fetch_add(&self->queued, 1);
        /* suspended before a worker can see it: the worker's resume always follows */
        MHD_suspend_connection(rq->conn);
        pthread_cond_signal(&self->ready);
        rc = 0;
    }
    pthread_mutex_unlock(&self->lock);
    return rc;
}

static void s_run_job(gateway_http_t *self, gateway_worker_t *w, s_req_t *rq)
{
    if (rq->kind == S_JOB_HEALTHZ) {
        gateway_api_healthz(w, &rq->reply);
    } else if (rq->kind == S_JOB_METRICS) {
        gateway_api_metrics(&self->api, w, &rq->reply);
    } else {
        gateway_request_t req = {rq->route,
                                 rq->method,
                                 rq->body.data,
                                 rq->body.len,
                                 rq->too_big,
                                 rq->authorization,
                                 rq->idempotency_key,
                                 rq->user_agent,
                                 rq->remote,
                                 rq->nargs,
                                 (const char *const *)rq->keys,
                                 (const char *const *)rq->values};
        gateway_api_handle(&self->api, w, &req, &rq->reply);
    }
}

static void *s_worker_run(void *arg)
{
    s_worker_arg_t *a = arg;
    gateway_http_t *self = a->http;
    for (;;) {
        pthread_mutex_lock(&self->lock);
        while (!self->head && !self->closed)
            pthread_cond_wait(&self->ready, &self->lock);
        s_req_t *rq = self->head;
        if (rq) {
            self->head = rq->next;
            if (!self->head)
                self->tail = NULL;
            atomic_fetch_sub(&self->queued, 1);
        }
        pthread_mutex_unlock(&self->lock);
        if (!rq)
            break; /* closed and drained */
        s_run_job(self, a->worker, rq);
        /* the HTTP thread takes over from here: rq is not touched again by this thread */
        MHD_resume_connection(rq->conn);
    }
    free(a);
    return NULL;
}

static long long s_queue_depth(void *cls)
{
    return atomic_load(&((gateway_http_t *)cls)->queued);
}

/* ---- capturing a request ------------------------------------------------------------- */

static char *s_header(struct MHD_Connection *conn, const char *name)
{
    const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
    return v ? fc_xstrdup(v) : NULL;
}

static enum MHD_Result on_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                              const char *value)
{
    (void)kind;
    s_req_t *rq = cls;
    if (rq->nargs == rq->cap) {
        rq->cap = rq->cap ? rq->cap * 2 : 8;
        rq->keys = fc_xrealloc(rq->keys, rq->cap * sizeof *rq->keys);
        rq->values = fc_xrealloc(rq->values, rq->cap * sizeof *rq->values);
    }
    rq->keys[rq->nargs] = fc_xstrdup(key);
    rq->values[rq->nargs++] = fc_xstrdup(value ? value : "");
    return MHD_YES;
}

static void s_remote(struct MHD_Connection *conn, char *buf, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    buf[0] = '\0';
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        char ip[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
        snprintf(buf, n, "%s:%u", ip, (unsigned)ntohs(in->sin_port));
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        char ip[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
        snprintf(buf, n, "[%s]:%u", ip, (unsigned)ntohs(in6->sin6_port));
    }
}

/* Copies what the worker needs out of the connection (which is not touched while suspended). */
static void s_capture(struct MHD_Connection *conn, const char *method, s_req_t *rq)
{
    snprintf(rq->method, sizeof rq->method, "%s", method);
    rq->authorization = s_header(conn, MHD_HTTP_HEADER_AUTHORIZATION);
    rq->idempotency_key = s_header(conn, "Idempotency-Key");
    rq->user_agent = s_header(conn, MHD_HTTP_HEADER_USER_AGENT);
    s_remote(conn, rq->remote, sizeof rq->remote);
    if (strcmp(method, MHD_HTTP_METHOD_GET) == 0)
        MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, on_arg, rq);
}

/* ---- MHD callbacks ------------------------------------------------------------------ */

static enum MHD_Result s_queue_or_busy(gateway_http_t *self, struct MHD_Connection *conn,
                                       s_req_t *rq)
{
    if (s_enqueue(self, rq) == 0)
        return MHD_YES;
    gateway_api_error(&rq->reply, MHD_HTTP_SERVICE_UNAVAILABLE, "EUNAVAIL", "",
                      self->closed ? "网关正在停止" : "网关繁忙，请稍后重试");
    rq->reply.retry_after_s = 1;
    return s_send(self, conn, rq);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **req_cls)
{
    (void)version;
    gateway_http_t *self = cls;
    s_req_t *rq = *req_cls;
    if (!rq) {
        /* first call: headers only. A declared body over the limit is refused before it is
         * read (and before "100 Continue") */
        rq = fc_xcalloc(1, sizeof *rq);
        fc_buf_init(&rq->body);
        rq->t0_us = s_mono_us();
        rq->conn = conn;
        rq->slot = gateway_nroutes + GW_METRIC_OTHER;
        *req_cls = rq;
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > self->opts.max_body)
            rq->too_big = 1;
        if (!rq->too_big)
            return MHD_YES;
    }
    if (rq->state == S_QUEUED) {
        /* resumed: the worker's answer is ready */
        return s_send(self, conn, rq);
    }
    if (rq->state == S_ANSWERED)
        return MHD_YES;
    if (*upload_size) {
        if (!rq->too_big && rq->body.len + *upload_size <= self->opts.max_body)
            fc_buf_append(&rq->body, upload_data, *upload_size);
        else
            rq->too_big = 1; /* keep reading (and dropping) to answer cleanly */
        *upload_size = 0;
        return MHD_YES;
    }
    /* the web console's files; MHD_NO for /api, /healthz, /metrics, /openapi.json */
    if (gateway_static_serve(conn, url, method, self->opts.web_dir) == MHD_YES)
        return MHD_YES;
    int is_get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
    if (strncmp(url, S_API_PREFIX, strlen(S_API_PREFIX)) == 0) {
        const gateway_route_t *route = gateway_route_by_path(url + strlen(S_API_PREFIX));
        if (!route) {
            gateway_api_error(&rq->reply, MHD_HTTP_NOT_FOUND, "ENOTFOUND", "path",
                              "没有接口“%s”（见 /openapi.json）", url);
            return s_send(self, conn, rq);
        }
        rq->slot = gateway_route_index(route);
        if (rq->too_big) {
            gateway_api_error(&rq->reply, MHD_HTTP_CONTENT_TOO_LARGE, "ETOOBIG", "body",
                              "请求体超过 %zu 字节", self->opts.max_body);
            return s_send(self, conn, rq);
        }
        rq->kind = S_JOB_API;
        rq->route = route;
        s_capture(conn, method, rq);
        return s_queue_or_busy(self, conn, rq);
    }
    int healthz = strcmp(url, "/healthz") == 0, metrics = strcmp(url, "/metrics") == 0;
    int openapi = strcmp(url, "/openapi.json") == 0;
    if (healthz || metrics || openapi) {
        rq->slot = gateway_nroutes + (healthz   ? GW_METRIC_HEALTHZ
                                      : metrics ? GW_METRIC_METRICS
                                                : GW_METRIC_OPENAPI);
        if (!is_get) {
            gateway_api_error(&rq->reply, MHD_HTTP_METHOD_NOT_ALLOWED, "EMETHOD", "method",
                              "只接受 GET");
            rq->reply.allow = "GET";
            return s_send(self, conn, rq);
        }
        if (openapi) {
            rq->reply.status = MHD_HTTP_OK;
            rq->reply.text = fc_xstrdup(self->openapi);
            return s_send(self, conn, rq);
        }
        rq->kind = healthz ? S_JOB_HEALTHZ : S_JOB_METRICS;
        return s_queue_or_busy(self, conn, rq);
    }
    gateway_api_error(&rq->reply, MHD_HTTP_NOT_FOUND, "ENOTFOUND", "path",
                      "没有接口“%s”（见 /openapi.json）", url);
    return s_send(self, conn, rq);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    s_req_t *rq = *req_cls;
    if (!rq)
        return;
    fc_buf_fini(&rq->body);
    free(rq->authorization);
    free(rq->idempotency_key);
    free(rq->user_agent);
    for (size_t i = 0; i < rq->nargs; i++) {
        free(rq->keys[i]);
        free(rq->values[i]);
    }
    free(rq->keys);
    free(rq->values);
    gateway_reply_fini(&rq->reply);
    free(rq);
    *req_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    fc_log_warn("http.server", "error", FC_LS(msg), NULL);
}

/* ---- lifecycle ------------------------------------------------------------------------ */

gateway_http_t *gateway_http_new(const gateway_http_opts_t *opts, fc_err_t *err)
{
    gateway_http_t *self = fc_xcalloc(1, sizeof *self);
    self->opts = *opts;
    self->bind = fc_xstrdup(opts->bind);
    self->opts.bind = self->bind;
    self->opts.pg = NULL;
    pthread_mutex_init(&self->lock, NULL);
    pthread_cond_init(&self->ready, NULL);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)opts->port);
    if (inet_pton(AF_INET, opts->bind, &addr.sin_addr) != 1) {
        fc_err_set(err, FC_EINVAL, "FC_HTTP_BIND", "\"%s\" is not an IPv4 address", opts->bind);
        goto fail;
    }
    if (sodium_init() < 0) {
        fc_err_set(err, FC_ERR, NULL, "could not initialise libsodium");
        goto fail;
    }
    self->metrics = gateway_metrics_new();
    self->rate = gateway_rate_new(opts->rate_per_s, opts->rate_burst);
    self->api = (gateway_api_t){self->metrics, self->rate, opts->max_body, s_queue_depth, self};
    self->openapi = gateway_openapi_text();
    self->nworkers = opts->workers > 0 ? opts->workers : 1;
    self->workers = fc_xcalloc((size_t)self->nworkers, sizeof *self->workers);
    self->threads = fc_xcalloc((size_t)self->nworkers, sizeof *self->threads);
    for (int i = 0; i < self->nworkers; i++) {
        self->workers[i] = gateway_worker_new(opts->zmq, opts->pg, &opts->upstream);
        s_worker_arg_t *a = fc_xcalloc(1, sizeof *a);
        a->http = self;
        a->worker = self->workers[i];
        if (pthread_create(&self->threads[i], NULL, s_worker_run, a) != 0) {
            free(a);
            fc_err_set(err, FC_ERR, NULL, "could not start an upstream worker thread");
            goto fail;
        }
        self->started++;
    }
    self->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG |
            MHD_ALLOW_SUSPEND_RESUME,
        (uint16_t)opts->port, NULL, NULL, on_request, self, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log,
        self, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)opts->threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)opts->idle_timeout_s,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)opts->max_connections,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024), MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, self, MHD_OPTION_END);
    if (!self->daemon) {
        fc_err_set(err, FC_EUNAVAIL, "FC_HTTP_PORT", "could not listen for HTTP on %s:%d",
                   opts->bind, opts->port);
        goto fail;
    }
    fc_log_info("http.listening", "bind", FC_LS(opts->bind), "port", FC_LI(opts->port), "threads",
                FC_LI(opts->threads), "workers", FC_LI(self->nworkers), NULL);
    return self;
fail:
    gateway_http_destroy(&self);
    return NULL;
}

void gateway_http_destroy(gateway_http_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    gateway_http_t *self = *self_p;
    /* no new jobs; the workers finish the queue (resuming every suspended connection), then
     * the HTTP threads can stop: MHD must not stop with a connection still suspended */
    pthread_mutex_lock(&self->lock);
    self->closed = 1;
    pthread_cond_broadcast(&self->ready);
    pthread_mutex_unlock(&self->lock);
    for (int i = 0; i < self->started; i++)
        pthread_join(self->threads[i], NULL);
    if (self->daemon)
        MHD_stop_daemon(self->daemon);
    for (int i = 0; self->workers && i < self->nworkers; i++)
        gateway_worker_destroy(&self->workers[i]);
    free(self->workers);
    free(self->threads);
    gateway_metrics_destroy(&self->metrics);
    gateway_rate_destroy(&self->rate);
    pthread_cond_destroy(&self->ready);
    pthread_mutex_destroy(&self->lock);
    free(self->openapi);
    free(self->bind);
    free(self);
    *self_p = NULL;
}

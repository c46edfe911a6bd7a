/* gateway_api: one API request through the gateway, run by an upstream worker, as a fixed
 * sequence of small steps: method → size → token → role → rate → body/query to protobuf
 * (fc_pbjson) → audit attempt (writes) → RPC to the service (the worker's client, actor and org
 * scope from the token) → reply to JSON → audit result (writes, sensitive reads). Each step
 * that refuses answers with a JSON error {"error": {"code", "message", "field"}} naming the
 * field. Also the answers of /healthz and /metrics, which ask every service. Nothing here
 * touches libmicrohttpd: the HTTP thread copies what a request says into gateway_request_t. */
#ifndef GATEWAY_API_H
#define GATEWAY_API_H

#include <jansson.h>
#include <stddef.h>
#include "gateway_metrics.h"
#include "gateway_rate.h"
#include "gateway_routes.h"
#include "gateway_worker.h"

/* A request as received (strings owned by whoever made it; NULL when absent). */
typedef struct {
    const gateway_route_t *route;
    const char *method; /* "GET", "POST", ... */
    const char *body;   /* POST body, body_len bytes */
    size_t body_len;
    int too_big; /* the body went over the limit */
    const char *authorization;
    const char *idempotency_key;
    const char *user_agent;
    const char *remote; /* "127.0.0.1:41234" */
    size_t nargs;       /* GET parameters */
    const char *const *keys;
    const char *const *values;
} gateway_request_t;

/* What to answer: a JSON body, or text (text non-NULL) of content_type. */
typedef struct {
    unsigned status;
    json_t *body;
    char *text;
    const char *content_type;
    int retry_after_s;   /* Retry-After, 0 = none */
    const char *allow;   /* Allow, for 405 */
    char request_id[72]; /* X-Request-Id: the envelope's message id */
} gateway_reply_t;

/* What every worker shares (thread-safe objects, borrowed). */
typedef struct {
    gateway_metrics_t *metrics;
    gateway_rate_t *rate;
    size_t max_body;
    long long (*queue_depth)(void *cls); /* requests waiting for a worker (for /metrics) */
    void *queue_cls;
} gateway_api_t;

/* Answers req into out (which starts zeroed). */
void gateway_api_handle(const gateway_api_t *api, gateway_worker_t *w, const gateway_request_t *req,
                        gateway_reply_t *out);
/* /healthz: every service's health; 503 unless all are up. */
void gateway_api_healthz(gateway_worker_t *w, gateway_reply_t *out);
/* /metrics: the Prometheus exposition. */
void gateway_api_metrics(const gateway_api_t *api, gateway_worker_t *w, gateway_reply_t *out);
/* Sets out to an error answer (replacing a body it had). */
void gateway_api_error(gateway_reply_t *out, unsigned status, const char *code, const char *field,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Frees what out holds. */
void gateway_reply_fini(gateway_reply_t *out);

#endif

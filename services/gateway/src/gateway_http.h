/* gateway_http: the HTTP/1.1 server (libmicrohttpd) in front of the services. Its threads only
 * read and write HTTP: a request that needs a service or the database is copied into a job,
 * its connection suspended, and the job queued (FIFO) for a pool of upstream workers, each
 * owning its own ZeroMQ clients and PostgreSQL connection (gateway_worker); the worker answers
 * into the job and resumes the connection. So a slow client or a slow service never holds up an
 * HTTP thread, ZeroMQ sockets stay with one thread each, and every request waits its turn in
 * one queue (fair under load; bounded: 503 when full). Routes: /api/v1/<service>/<operation>
 * for every row of gateway_routes, /healthz, /metrics and /openapi.json. */
#ifndef GATEWAY_HTTP_H
#define GATEWAY_HTTP_H

#include <stddef.h>
#include "fc_err.h"
#include "fc_pg.h"
#include "gateway_worker.h"

typedef struct gateway_http gateway_http_t;

typedef struct {
    const char *bind; /* IPv4 address */
    int port;
    int threads;        /* HTTP (I/O) threads */
    int workers;        /* upstream workers: requests in flight to services at most */
    int queue_max;      /* requests waiting for a worker at most (503 beyond) */
    size_t max_body;    /* bytes; larger bodies get 413 */
    int idle_timeout_s; /* a connection silent this long is closed (slow clients) */
    int max_connections;
    int rate_per_s; /* per token; 0 = no limit */
    int rate_burst;
    gateway_upstream_opts_t upstream;
    const fc_pg_opts_t *pg; /* for the workers' own connections (copied) */
    void *zmq;              /* borrowed; must outlive the server */
    const char *web_dir;    /* the web console's files; NULL or "" = no console */
} gateway_http_opts_t;

gateway_http_t *gateway_http_new(const gateway_http_opts_t *opts, fc_err_t *err);
/* Stops taking requests (later ones get 503), lets the workers finish the queue, stops the
 * HTTP threads and closes the workers' sockets and connections. */
void gateway_http_destroy(gateway_http_t **self_p);

#endif

/* gateway_worker: what one upstream worker thread of the gateway owns. ZeroMQ sockets are not
 * thread-safe, so each worker has its own RPC client per service (DEALER sockets on the shared,
 * thread-safe context, made on first use) and its own PostgreSQL connection for token lookups
 * and audit rows. Only the thread that owns a worker uses it. */
#ifndef GATEWAY_WORKER_H
#define GATEWAY_WORKER_H

#include "fc_err.h"
#include "fc_pg.h"
#include "fc_rpc.h"

typedef struct gateway_worker gateway_worker_t;

typedef struct {
    int timeout_ms; /* per attempt */
    int retries;    /* attempts after the first (same message id) */
    int connect_ms; /* no connection within this: the service is down (503) */
} gateway_upstream_opts_t;

/* zmq_ctx is borrowed (it must outlive the worker); pg and up are copied. */
gateway_worker_t *gateway_worker_new(void *zmq_ctx, const fc_pg_opts_t *pg,
                                     const gateway_upstream_opts_t *up);
/* Closes the worker's sockets and connection; before the ZeroMQ context is closed. */
void gateway_worker_destroy(gateway_worker_t **self_p);
/* The worker's database connection (connected on first use); NULL with err if the database
 * cannot be reached now (the next call tries again). Borrowed. */
fc_pg_t *gateway_worker_pg(gateway_worker_t *self, fc_err_t *err);
/* The worker's client of service ("intake"); NULL with err if unknown or unusable. Borrowed. */
fc_rpc_client_t *gateway_worker_client(gateway_worker_t *self, const char *service, fc_err_t *err);
/* The ZeroMQ context (for health requests). */
void *gateway_worker_zmq(gateway_worker_t *self);

#endif

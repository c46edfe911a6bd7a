/* gateway_worker: one worker's RPC clients and database connection. */
#include "gateway_worker.h"
#include "fc_endpoints.h"
#include "fc_mem.h"

#include <stdlib.h>
#include <string.h>

#define S_MAX_SERVICES 16

struct gateway_worker {
    void *zmq;
    char *url, *user, *password, *schema, *app_name;
    gateway_upstream_opts_t up;
    fc_rpc_client_t *clients[S_MAX_SERVICES]; /* by index in fc_endpoints */
    fc_pg_t *pg;
};

gateway_worker_t *gateway_worker_new(void *zmq_ctx, const fc_pg_opts_t *pg,
                                     const gateway_upstream_opts_t *up)
{
    gateway_worker_t *self = fc_xcalloc(1, sizeof *self);
    self->zmq = zmq_ctx;
    self->url = fc_xstrdup(pg->url ? pg->url : "");
    self->user = fc_xstrdup(pg->user ? pg->user : "");
    self->password = fc_xstrdup(pg->password ? pg->password : "");
    self->schema = fc_xstrdup(pg->schema ? pg->schema : "");
    self->app_name = fc_xstrdup(pg->app_name ? pg->app_name : "gateway");
    self->up = *up;
    return self;
}

void gateway_worker_destroy(gateway_worker_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    gateway_worker_t *self = *self_p;
    for (int i = 0; i < S_MAX_SERVICES; i++)
        fc_rpc_client_destroy(&self->clients[i]);
    fc_pg_destroy(&self->pg);
    free(self->url);
    free(self->user);
    free(self->password);
    free(self->schema);
    free(self->app_name);
    free(self);
    *self_p = NULL;
}

fc_pg_t *gateway_worker_pg(gateway_worker_t *self, fc_err_t *err)
{
    if (!self->pg) {
        fc_pg_opts_t o = {self->url, self->user, self->password, self->schema, self->app_name, 0};
        self->pg = fc_pg_new(&o, err);
    }
    return self->pg;
}

fc_rpc_client_t *gateway_worker_client(gateway_worker_t *self, const char *service, fc_err_t *err)
{
    int idx = -1;
    for (int i = 0; i < fc_nendpoints && i < S_MAX_SERVICES; i++)
        if (strcmp(fc_endpoints[i].service, service) == 0)
            idx = i;
    if (idx < 0) {
        fc_err_set(err, FC_ENOTFOUND, "service", "unknown service \"%s\"", service);
        return NULL;
    }
    if (!self->clients[idx]) {
        fc_rpc_client_opts_t o = {
            NULL, NULL, NULL, self->up.timeout_ms, self->up.retries, NULL, self->up.connect_ms};
        self->clients[idx] = fc_rpc_client_new(self->zmq, fc_endpoint_of(service), &o);
        if (!self->clients[idx])
            fc_err_set(err, FC_EUNAVAIL, "service", "could not make a client of %s", service);
    }
    return self->clients[idx];
}

void *gateway_worker_zmq(gateway_worker_t *self)
{
    return self->zmq;
}

/* fc_health: health requests to every service. */
#include "fc_health.h"
#include "fc_endpoints.h"
#include "fc_pbjson.h"
#include "fc_rpc.h"

#include <string.h>

int fc_health_query(void *zmq_ctx, const char *endpoint, int timeout_ms,
                    Fc__V1__HealthReply **out, fc_err_t *err)
{
    fc_rpc_client_opts_t opts = {.timeout_ms = timeout_ms, .retries = 0};
    fc_rpc_client_t *c = fc_rpc_client_new(zmq_ctx, endpoint, &opts);
    if (!c)
        return fc_err_set(err, FC_EUNAVAIL, "endpoint", "could not connect to \"%s\"", endpoint);
    Fc__V1__HealthRequest req = FC__V1__HEALTH_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    int rc = fc_rpc_call(c, "fc.health", &req.base, &fc__v1__health_reply__descriptor, &reply,
                         NULL, err);
    fc_rpc_client_destroy(&c);
    *out = (Fc__V1__HealthReply *)reply;
    return rc;
}

json_t *fc_health_all(void *zmq_ctx, const char *only, int timeout_ms, int *all_ok)
{
    json_t *all = json_object();
    *all_ok = 1;
    for (int i = 0; i < fc_nendpoints; i++) {
        const char *name = fc_endpoints[i].service;
        if (only && *only && strcmp(only, name) != 0)
            continue;
        Fc__V1__HealthReply *h = NULL;
        fc_err_t err;
        fc_err_clear(&err);
        const char *ep = fc_endpoint_of(name);
        if (fc_health_query(zmq_ctx, ep, timeout_ms, &h, &err) == FC_OK) {
            json_t *j = fc_pbjson_from_message(&h->base);
            json_object_set_new(j, "endpoint", json_string(ep));
            json_object_set_new(all, name, j);
            if (!h->db_ok || !h->redis_ok)
                *all_ok = 0;
            fc__v1__health_reply__free_unpacked(h, NULL);
        } else {
            json_object_set_new(all, name,
                                json_pack("{s:s, s:s}", "endpoint", ep, "error", err.message));
            *all_ok = 0;
        }
    }
    return all;
}

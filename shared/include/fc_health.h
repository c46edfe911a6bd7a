/* fc_health: asks services for their health over RPC, for fcctl, the gateway and tests. */
#ifndef FC_HEALTH_H
#define FC_HEALTH_H

#include <jansson.h>
#include "fc/v1/common.pb-c.h"
#include "fc_err.h"

/* Asks the service at endpoint; on success *out is the reply (caller frees with
 * fc__v1__health_reply__free_unpacked(out, NULL)). zmq_ctx may be NULL. */
int fc_health_query(void *zmq_ctx, const char *endpoint, int timeout_ms,
                    Fc__V1__HealthReply **out, fc_err_t *err);
/* Asks every known service (fc_endpoints) and returns {"<service>": {...} | {"error": ...}};
 * *all_ok is 1 if every one answered with its database and Redis reachable. only may name
 * one service, or be NULL for all. */
json_t *fc_health_all(void *zmq_ctx, const char *only, int timeout_ms, int *all_ok);

#endif

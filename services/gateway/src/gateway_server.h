/* gateway_server: the gateway's own RPC routes (gateway.token_*, gateway.audit_query,
 * gateway.whoami), served
 * over ZeroMQ by the service loop like any other service's routes. */
#ifndef GATEWAY_SERVER_H
#define GATEWAY_SERVER_H

#include <stddef.h>
#include "fc_service.h"

extern const fc_route_t gateway_server_routes[];
extern const size_t gateway_server_nroutes;

/* Subscription to fc:events:intake: keeps the org units' names (for gateway.whoami). */
int gateway_server_on_intake(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err);

#endif

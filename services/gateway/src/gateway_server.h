/* gateway_server: the gateway's own RPC routes (gateway.token_*, gateway.audit_query), served
 * over ZeroMQ by the service loop like any other service's routes. */
#ifndef GATEWAY_SERVER_H
#define GATEWAY_SERVER_H

#include <stddef.h>
#include "fc_service.h"

extern const fc_route_t gateway_server_routes[];
extern const size_t gateway_server_nroutes;

#endif

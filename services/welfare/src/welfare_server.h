/* welfare_server: welfare's routes (message type → handler), its subscription to intake's
 * events and its start/tick/stop hooks, over the flow, family and check modules. */
#ifndef WELFARE_SERVER_H
#define WELFARE_SERVER_H

#include <stddef.h>
#include "fc_consumer.h"
#include "fc_service.h"

extern const fc_route_t welfare_routes[];
extern const size_t welfare_nroutes;
extern const fc_cfg_def_t welfare_config[];
extern const size_t welfare_nconfig;

/* Loads the policy and makes the service's app state. */
int welfare_server_start(fc_service_t *svc, fc_err_t *err);
/* The sweepers (expiry, queues, family visits due), at most every WELFARE_SWEEP_MS. */
void welfare_server_tick(fc_service_t *svc);
void welfare_server_stop(fc_service_t *svc);
/* Subscription handler for fc:events:intake (app is the fc_service_t). */
int welfare_server_on_intake(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err);

#endif

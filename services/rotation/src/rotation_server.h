/* rotation_server: rotation's routes (message type → handler) and its configuration table. */
#ifndef ROTATION_SERVER_H
#define ROTATION_SERVER_H

#include <stddef.h>
#include "fc_service.h"

extern const fc_route_t rotation_routes[];
extern const size_t rotation_nroutes;
extern const fc_cfg_def_t rotation_config[];
extern const size_t rotation_nconfig;

/* Start and stop hooks: load the policy and make the app state; tear it down. */
int rotation_server_start(fc_service_t *svc, fc_err_t *err);
void rotation_server_stop(fc_service_t *svc);

#endif

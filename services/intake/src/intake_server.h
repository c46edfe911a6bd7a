/* intake_server: intake's routes (message type → handler). */
#ifndef INTAKE_SERVER_H
#define INTAKE_SERVER_H

#include <stddef.h>
#include "fc_service.h"

extern const fc_route_t intake_routes[];
extern const size_t intake_nroutes;

/* Event types intake publishes on fc:events:intake. */
#define INTAKE_EV_HEALTH_CHECKED_IN "intake.health_checked_in"

#endif

/* rotation_events: how rotation applies other services' events to its own projection. */
#ifndef ROTATION_EVENTS_H
#define ROTATION_EVENTS_H

#include "fc_consumer.h"

/* Handles events from fc:events:intake (app is the fc_service_t). */
int rotation_on_intake_event(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err);

#endif

/* report_events: how report keeps its own projection from other services' events. */
#ifndef REPORT_EVENTS_H
#define REPORT_EVENTS_H

#include "fc_consumer.h"

/* Handles events from fc:events:intake (app is the fc_service_t). */
int report_on_intake_event(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err);

#endif

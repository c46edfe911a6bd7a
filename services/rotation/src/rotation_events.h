/* rotation_events: how rotation applies intake's events (fc:events:intake, the contract at
 * the end of intake.proto) to its own projections, and what follows from them: workload
 * judgement on duty events, and replacement when someone becomes unavailable. */
#ifndef ROTATION_EVENTS_H
#define ROTATION_EVENTS_H

#include "fc_consumer.h"

/* Handles events from fc:events:intake (app is the fc_service_t). A malformed event is
 * FC_EINVAL, rejected for good; anything else failing is retried. */
int rotation_on_intake_event(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err);

#endif

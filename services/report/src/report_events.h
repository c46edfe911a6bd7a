/* report_events: how report keeps its own projections from other services' events (intake,
 * rotation, welfare, notify), and raises a late weekly report the moment one arrives after its due.
 */
#ifndef REPORT_EVENTS_H
#define REPORT_EVENTS_H

#include "fc_consumer.h"

/* Handlers for fc:events:<source>; app is the fc_service_t. An event that cannot be decoded
 * or lacks what it must carry is rejected (FC_EINVAL); unknown types are skipped. */
int report_on_intake_event(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err);
int report_on_welfare_event(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err);
int report_on_rotation_event(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err);
int report_on_notify_event(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err);

#endif

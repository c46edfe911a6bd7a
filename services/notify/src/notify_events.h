/* notify_events: what notify does with other services' events, each inside the consumer's
 * transaction (exactly once): intake's units and people become notify's projection of
 * recipients; an incident opens a visit task with its reminders and escalation; duty days
 * count towards the heart-to-heart talk; a hardship case starts liaison check-ins; a weekly
 * report closes its task; a discrimination case is chased until handled and closed, a village
 * first secretary's planned return date until the return. welfare's payments and family
 * visits, and rotation's overload warnings, forced-rest orders and roster changes are told to
 * the people concerned. A malformed event is FC_EINVAL (rejected for good). */
#ifndef NOTIFY_EVENTS_H
#define NOTIFY_EVENTS_H

#include "fc_consumer.h"

/* Handlers for fc:events:intake and fc:events:welfare; app is the fc_service_t. */
int notify_on_intake(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err);
int notify_on_welfare(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err);
/* Handler for fc:events:rotation. */
int notify_on_rotation(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err);

#endif

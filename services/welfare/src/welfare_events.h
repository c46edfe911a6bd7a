/* welfare_events: what welfare does with intake's events (stream fc:events:intake): keeps its
 * own projection of the org tree and of people, and turns incidents, completed duty and
 * hardship cases into automatic disbursement requests whose idempotency keys derive from the
 * source record and kind ("auto:incident:42:condolence", "auto:duty:E1:2026-11-20:
 * frontline_subsidy", "auto:hardship:7"): however often an event arrives, one request. */
#ifndef WELFARE_EVENTS_H
#define WELFARE_EVENTS_H

#include "fc_consumer.h"
#include "welfare_flow.h"

/* Applies one intake event inside the consumer's transaction. FC_EINVAL: a malformed event
 * that will never apply (recorded as rejected by the consumer). Events welfare does not use
 * are consumed without effect. */
int welfare_events_apply(welfare_ctx_t *c, const fc_event_t *ev, fc_err_t *err);

#endif

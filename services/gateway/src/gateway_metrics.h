/* gateway_metrics: request counters and latency histograms by route and status, kept with
 * atomics (no lock on the request path), and the Prometheus text exposition of them plus what
 * every service reports in its health reply. */
#ifndef GATEWAY_METRICS_H
#define GATEWAY_METRICS_H

#include <jansson.h>
#include <stdint.h>
#include "fc_mem.h"

typedef struct gateway_metrics gateway_metrics_t;

/* Route slots past the API table's rows (gateway_nroutes + these). */
enum {
    GW_METRIC_HEALTHZ = 0,
    GW_METRIC_METRICS = 1,
    GW_METRIC_OPENAPI = 2,
    GW_METRIC_OTHER = 3,
    GW_METRIC_SPECIALS = 4,
};

gateway_metrics_t *gateway_metrics_new(void);
void gateway_metrics_destroy(gateway_metrics_t **self_p);
/* slot: a route index, or gateway_nroutes + GW_METRIC_*. */
void gateway_metrics_observe(gateway_metrics_t *self, size_t slot, unsigned status,
                             int64_t elapsed_us);
void gateway_metrics_count_audit_failure(gateway_metrics_t *self);
/* Appends the exposition to out. health: fc_health_all()'s answer (may be NULL);
 * rate_limited: requests refused by the rate limit; queued: requests waiting for a worker. */
void gateway_metrics_render(gateway_metrics_t *self, fc_buf_t *out, const json_t *health,
                            long long rate_limited, long long queued);

#endif

/* gateway_rate: a token bucket per bearer token (requests per second with a burst), shared by
 * the HTTP worker threads of this gateway process. */
#ifndef GATEWAY_RATE_H
#define GATEWAY_RATE_H

#include <stdint.h>

typedef struct gateway_rate gateway_rate_t;

/* per_s requests a second on average, burst at once; per_s 0 = no limit. */
gateway_rate_t *gateway_rate_new(int per_s, int burst);
void gateway_rate_destroy(gateway_rate_t **self_p);
/* Takes one request for key at now_ms: 1 if allowed; 0 if not, with *retry_after_s the whole
 * seconds until one would be (at least 1). */
int gateway_rate_take(gateway_rate_t *self, const char *key, int64_t now_ms, int *retry_after_s);
/* Requests refused so far. */
long long gateway_rate_refused(const gateway_rate_t *self);

#endif

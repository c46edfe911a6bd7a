/* notify_pacer: at most `rate` sends per `window_ms` to one destination (a WeCom robot takes
 * 20 messages a minute), shared by every worker and replica through Redis: a sliding log of
 * send times per destination, checked and appended in one Lua script. */
#ifndef NOTIFY_PACER_H
#define NOTIFY_PACER_H

#include <stdint.h>
#include "fc_err.h"
#include "fc_redis.h"

/* Takes a slot for destination at now_ms (business time, so tests can drive it). *wait_ms_out
 * is 0 if the send may go now (the slot is taken for member), else how long until one frees
 * (nothing is taken). rate <= 0 means no limit. */
int notify_pacer_take(fc_redis_t *redis, const char *destination, const char *member, int rate,
                      int64_t window_ms, int64_t now_ms, int64_t *wait_ms_out, fc_err_t *err);

#endif

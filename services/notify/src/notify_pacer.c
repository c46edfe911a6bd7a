/* notify_pacer: a sliding-window rate limit per destination in Redis. */
#include "notify_pacer.h"
#include "fc_mem.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* KEYS log; ARGV now window rate member. Drops entries older than the window; if fewer than
 * rate remain, logs member at now and returns 0; else returns the ms until the oldest leaves. */
static const char s_lua_take[] =
    "local now = tonumber(ARGV[1])\n"
    "local window = tonumber(ARGV[2])\n"
    "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)\n"
    "if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then\n"
    "  redis.call('ZADD', KEYS[1], now, ARGV[4])\n"
    "  redis.call('PEXPIRE', KEYS[1], window * 2)\n"
    "  return 0\n"
    "end\n"
    "local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')\n"
    "local wait = tonumber(oldest[2]) + window - now + 1\n"
    "if wait < 1 then wait = 1 end\n"
    "return wait\n";

/* FNV-1a of the destination: the URL carries the robot's key, which does not belong in a
 * Redis key name. */
static uint64_t s_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

int notify_pacer_take(fc_redis_t *redis, const char *destination, const char *member, int rate,
                      int64_t window_ms, int64_t now_ms, int64_t *wait_ms_out, fc_err_t *err)
{
    *wait_ms_out = 0;
    if (rate <= 0)
        return FC_OK;
    char key[64], now[24], win[24], r[16];
    snprintf(key, sizeof key, "fc:notify:pace:%016" PRIx64, s_hash(destination));
    snprintf(now, sizeof now, "%" PRId64, now_ms);
    snprintf(win, sizeof win, "%" PRId64, window_ms);
    snprintf(r, sizeof r, "%d", rate);
    const char *kv[] = {key, now, win, r, member};
    redisReply *rep = fc_redis_eval(redis, err, s_lua_take, 1, 4, kv);
    if (!rep)
        return err && err->code ? err->code : FC_EUNAVAIL;
    int rc = FC_OK;
    if (rep->type == REDIS_REPLY_INTEGER)
        *wait_ms_out = rep->integer;
    else
        rc = fc_err_set(err, FC_ERR, "redis", "pacing script answered type %d", rep->type);
    freeReplyObject(rep);
    return rc;
}

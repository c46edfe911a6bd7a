/* fc_redis: a hiredis connection from a redis:// URL with timeouts, one reconnect on a
 * broken connection, and Lua scripts run by SHA with a fallback to their source. */
#ifndef FC_REDIS_H
#define FC_REDIS_H

#include <stddef.h>
#include <hiredis/hiredis.h>
#include "fc_err.h"

typedef struct fc_redis fc_redis_t;

/* url: "redis://host:port[/db]". Connects now; NULL and err on failure. */
fc_redis_t *fc_redis_new(const char *url, fc_err_t *err);
void fc_redis_destroy(fc_redis_t **self_p);
/* Runs a command (hiredis format). A reply of type ERROR becomes NULL with err set
 * (FC_ERR, its text); a broken connection is retried once after reconnecting, then
 * FC_EUNAVAIL. The caller frees the reply with freeReplyObject. */
redisReply *fc_redis_cmd(fc_redis_t *self, fc_err_t *err, const char *fmt, ...);
redisReply *fc_redis_cmdargv(fc_redis_t *self, fc_err_t *err, int argc, const char **argv,
                             const size_t *lens);
/* Runs a Lua script by SHA1 (EVALSHA), loading it on NOSCRIPT. keys then args as strings. */
redisReply *fc_redis_eval(fc_redis_t *self, fc_err_t *err, const char *lua, int nkeys,
                          int nargs, const char **keys_then_args);
/* True if PING answers now. */
int fc_redis_ping(fc_redis_t *self);
const char *fc_redis_url(const fc_redis_t *self);

#endif

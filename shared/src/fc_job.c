/* fc_job: a Redis job queue with leases, retry with backoff, a dead-letter list and
 * once-per-period schedule claims. Every state change is one Lua script, so it is atomic;
 * the caller's clock (now_ms) is the only time used, never Redis TIME. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "fc_job.h"
#include "fc_log.h"
#include "fc_mem.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* Key layout, all under the prefix "fc:q:<queue>:"
 *
 *   ready      list  ids due now, popped from the left (FIFO)
 *   delayed    zset  ids waiting for a time, score = run_at_ms (retries wait here too)
 *   leased     zset  ids held by a worker, score = lease deadline ms (the lease holds while
 *                    deadline >= now)
 *   dead       list  ids that used up their attempts, oldest first
 *   job:<id>   hash  payload, attempts, token, max, state, last_error, run_at, prev_token
 *   done:<id>  string, the token of the ack that finished the job, PX done_ttl: refuses a
 *                    re-enqueue of a finished id and makes a retried ack succeed
 *
 * state is one of ready, delayed, leased, dead and says which of the four structures holds
 * the id; a job is in exactly one. token is the current lease's id (empty when not leased);
 * prev_token is the token of the last fc_jobq_fail, so a retried fail call is recognised.
 * Payloads and reasons travel as NUL-terminated arguments (fc_redis_eval passes no lengths),
 * so a payload must not contain NUL bytes.
 *
 * Keys of the form job:<id> that the scripts find through the ready, delayed and leased sets
 * are built inside the scripts from job_prefix: fine on one Redis server, not Redis Cluster. */

#define FC_JOBQ_ID_MAX 200   /* longest job id accepted */
#define FC_JOBQ_BATCH 1000   /* most delayed jobs promoted or leases reaped per script run */
#define FC_JOBQ_JITTER_DIV 5 /* retry jitter: up to 1/5 of the backoff delay, added */

struct fc_jobq {
    fc_redis_t *redis; /* borrowed */
    char *name;
    char *prefix; /* "fc:q:<queue>:" */
    char *k_ready, *k_delayed, *k_leased, *k_dead;
    char *job_prefix; /* "fc:q:<queue>:job:", for the scripts that meet ids in the sets */
    fc_jobq_opts_t opts;
    uint64_t rng[4]; /* xoshiro256** state for retry jitter */
};

/* The scripts, in the Lua 5.1 that Redis runs. Times arrive as decimal strings computed in C
 * and are stored as they came, so no millisecond value is reformatted by Lua on its way. */

/* Returns leases that expired before now to ready, or to dead when their attempts are used
 * up (a worker that crashes on a job every time must not hold the queue forever). */
#define S_LUA_REAP                                                                                 \
    "local function reap(readyk, leasedk, deadk, job_prefix, now, limit, default_max)\n"           \
    "  local ids = redis.call('ZRANGEBYSCORE', leasedk, '-inf', '(' .. now,\n"                     \
    "                         'LIMIT', 0, limit)\n"                                                \
    "  for _, id in ipairs(ids) do\n"                                                              \
    "    redis.call('ZREM', leasedk, id)\n"                                                        \
    "    local jk = job_prefix .. id\n"                                                            \
    "    local h = redis.call('HMGET', jk, 'attempts', 'max')\n"                                   \
    "    if h[1] then\n"                                                                           \
    "      local attempts = tonumber(h[1])\n"                                                      \
    "      if attempts >= (tonumber(h[2]) or tonumber(default_max)) then\n"                        \
    "        redis.call('HSET', jk, 'state', 'dead', 'token', '',\n"                               \
    "                   'last_error', 'lease expired after ' .. attempts .. ' attempts')\n"        \
    "        redis.call('RPUSH', deadk, id)\n"                                                     \
    "      else\n"                                                                                 \
    "        redis.call('HSET', jk, 'state', 'ready', 'token', '')\n"                              \
    "        redis.call('RPUSH', readyk, id)\n"                                                    \
    "      end\n"                                                                                  \
    "    end\n"                                                                                    \
    "  end\n"                                                                                      \
    "  return #ids\n"                                                                              \
    "end\n"

/* Enqueue. KEYS job done ready delayed; ARGV id payload run_at max.
 * 0 if the id is known (queued, leased, dead) or finished recently, else 1. run_at <= 0 goes
 * straight to ready; any other time waits in delayed until a reserve at or after it. */
static const char s_lua_enqueue[] =
    "if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then\n"
    "  return 0\n"
    "end\n"
    "local ready = tonumber(ARGV[3]) <= 0\n"
    "redis.call('HSET', KEYS[1], 'payload', ARGV[2], 'attempts', 0, 'token', '',\n"
    "           'max', ARGV[4], 'state', ready and 'ready' or 'delayed', 'last_error', '',\n"
    "           'run_at', ARGV[3])\n"
    "if ready then\n"
    "  redis.call('RPUSH', KEYS[3], ARGV[1])\n"
    "else\n"
    "  redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])\n"
    "end\n"
    "return 1\n";

/* Reserve. KEYS ready delayed leased dead; ARGV now lease_until token job_prefix batch max.
 * Promotes due delayed jobs to ready and reaps expired leases, then pops one id, counts the
 * attempt and leases it under the new token. {id, payload, attempts}, or nil if none is due.
 * Ids whose hash is gone (lost by Redis) are dropped on the way. */
static const char s_lua_reserve[] = S_LUA_REAP
    "local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[5])\n"
    "for _, id in ipairs(due) do\n"
    "  redis.call('ZREM', KEYS[2], id)\n"
    "  if redis.call('EXISTS', ARGV[4] .. id) == 1 then\n"
    "    redis.call('HSET', ARGV[4] .. id, 'state', 'ready')\n"
    "    redis.call('RPUSH', KEYS[1], id)\n"
    "  end\n"
    "end\n"
    "reap(KEYS[1], KEYS[3], KEYS[4], ARGV[4], ARGV[1], ARGV[5], ARGV[6])\n"
    "while true do\n"
    "  local id = redis.call('LPOP', KEYS[1])\n"
    "  if not id then return false end\n"
    "  local jk = ARGV[4] .. id\n"
    "  local payload = redis.call('HGET', jk, 'payload')\n"
    "  if payload then\n"
    "    local attempts = redis.call('HINCRBY', jk, 'attempts', 1)\n"
    "    redis.call('HSET', jk, 'state', 'leased', 'token', ARGV[3])\n"
    "    redis.call('ZADD', KEYS[3], ARGV[2], id)\n"
    "    return {id, payload, attempts}\n"
    "  end\n"
    "end\n";

/* Ack. KEYS job leased done; ARGV id token done_ttl.
 * 1 if the token holds the lease (the job is deleted and its done marker set) or if this very
 * token already finished it (a retried call); 0 if the lease was lost. */
static const char s_lua_ack[] = "local h = redis.call('HMGET', KEYS[1], 'token', 'state')\n"
                                "if h[1] == ARGV[2] and h[2] == 'leased' then\n"
                                "  redis.call('DEL', KEYS[1])\n"
                                "  redis.call('ZREM', KEYS[2], ARGV[1])\n"
                                "  redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3])\n"
                                "  return 1\n"
                                "end\n"
                                "if redis.call('GET', KEYS[3]) == ARGV[2] then return 1 end\n"
                                "return 0\n";

/* Fail. KEYS job leased delayed dead; ARGV id token run_at reason max.
 * With the lease held: dead-letters the job if its attempts are used up (2), else parks it in
 * delayed until run_at (1). 0 if the lease was lost. A repeat of a call that was already
 * recorded under this token (the reply was lost) changes nothing: -2 if dead, else -1. */
static const char s_lua_fail[] =
    "local h = redis.call('HMGET', KEYS[1], 'token', 'state', 'attempts', 'max', 'prev_token')\n"
    "if h[1] ~= ARGV[2] or h[2] ~= 'leased' then\n"
    "  if h[5] == ARGV[2] then\n"
    "    if h[2] == 'dead' then return -2 end\n"
    "    return -1\n"
    "  end\n"
    "  return 0\n"
    "end\n"
    "redis.call('ZREM', KEYS[2], ARGV[1])\n"
    "if tonumber(h[3]) >= (tonumber(h[4]) or tonumber(ARGV[5])) then\n"
    "  redis.call('HSET', KEYS[1], 'state', 'dead', 'token', '', 'prev_token', ARGV[2],\n"
    "             'last_error', ARGV[4])\n"
    "  redis.call('RPUSH', KEYS[4], ARGV[1])\n"
    "  return 2\n"
    "end\n"
    "redis.call('HSET', KEYS[1], 'state', 'delayed', 'token', '', 'prev_token', ARGV[2],\n"
    "           'last_error', ARGV[4])\n"
    "redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])\n"
    "return 1\n";

/* Extend. KEYS job leased; ARGV id token lease_until. 1 if the lease was held, else 0. */
static const char s_lua_extend[] = "local h = redis.call('HMGET', KEYS[1], 'token', 'state')\n"
                                   "if h[1] ~= ARGV[2] or h[2] ~= 'leased' then return 0 end\n"
                                   "redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])\n"
                                   "return 1\n";

/* Cancel. KEYS job ready delayed leased dead; ARGV id.
 * Deletes the job whatever its state (a leased job's worker then gets FC_ELEASE); sets no done
 * marker, so the id may be enqueued again. 1 if it existed, else 0. */
static const char s_lua_cancel[] =
    "local state = redis.call('HGET', KEYS[1], 'state')\n"
    "if not state then return 0 end\n"
    "if state == 'ready' then redis.call('LREM', KEYS[2], 0, ARGV[1]) end\n"
    "if state == 'dead' then redis.call('LREM', KEYS[5], 0, ARGV[1]) end\n"
    "redis.call('ZREM', KEYS[3], ARGV[1])\n"
    "redis.call('ZREM', KEYS[4], ARGV[1])\n"
    "redis.call('DEL', KEYS[1])\n"
    "return 1\n";

/* Reap. KEYS ready leased dead; ARGV now job_prefix batch max. How many leases expired. */
static const char s_lua_reap[] =
    S_LUA_REAP "return reap(KEYS[1], KEYS[2], KEYS[3], ARGV[2], ARGV[1], ARGV[3], ARGV[4])\n";

/* Requeue a dead job. KEYS job ready dead; ARGV id. 1 if it was dead, else 0. */
static const char s_lua_requeue_dead[] =
    "if redis.call('HGET', KEYS[1], 'state') ~= 'dead' then return 0 end\n"
    "redis.call('LREM', KEYS[3], 0, ARGV[1])\n"
    "redis.call('HSET', KEYS[1], 'state', 'ready', 'attempts', 0, 'token', '')\n"
    "redis.call('RPUSH', KEYS[2], ARGV[1])\n"
    "return 1\n";

/* Depth. KEYS ready delayed leased dead. One consistent snapshot of the four sizes. */
static const char s_lua_depth[] =
    "return {redis.call('LLEN', KEYS[1]), redis.call('ZCARD', KEYS[2]),\n"
    "        redis.call('ZCARD', KEYS[3]), redis.call('LLEN', KEYS[4])}\n";

/* xoshiro256** (Blackman and Vigna), seeded from getrandom per queue handle: jobs that fail
 * together (a dependency went down) must not all come back in the same millisecond. */
static uint64_t s_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t s_rand_next(uint64_t s[4])
{
    uint64_t result = s_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = s_rotl(s[3], 45);
    return result;
}

static void s_rand_seed(uint64_t s[4])
{
    if (getrandom(s, 4 * sizeof s[0], GRND_NONBLOCK) != (ssize_t)(4 * sizeof s[0])) {
        /* no entropy yet (early boot): splitmix64 over time, pid and an address */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
        x ^= (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)s;
        for (int i = 0; i < 4; i++) {
            uint64_t z = (x += 0x9e3779b97f4a7c15u);
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
            s[i] = z ^ (z >> 31);
        }
    }
    if (!(s[0] | s[1] | s[2] | s[3]))
        s[0] = 1; /* the one state xoshiro cannot leave */
}

/* The delay before retry number `attempts`: base * 2^(attempts-1), capped at backoff_max,
 * plus a uniform jitter of up to a fifth of that. */
static int64_t s_backoff_ms(fc_jobq_t *self, int attempts)
{
    int64_t d = self->opts.backoff_base_ms;
    for (int i = 1; i < attempts && d < self->opts.backoff_max_ms && d <= INT64_MAX / 2; i++)
        d *= 2;
    if (d > self->opts.backoff_max_ms)
        d = self->opts.backoff_max_ms;
    int64_t span = d / FC_JOBQ_JITTER_DIV;
    if (span > 0)
        d += (int64_t)(s_rand_next(self->rng) % ((uint64_t)span + 1));
    return d;
}

static int s_check_id(const char *job_id, fc_err_t *err)
{
    if (!job_id || !*job_id)
        return fc_err_set(err, FC_EINVAL, "job_id", "job id is empty");
    if (strlen(job_id) > FC_JOBQ_ID_MAX)
        return fc_err_set(err, FC_EINVAL, "job_id", "job id \"%.40s...\" is longer than %d bytes",
                          job_id, FC_JOBQ_ID_MAX);
    return FC_OK;
}

static int s_check_job(const fc_job_t *job, fc_err_t *err)
{
    if (!job)
        return fc_err_set(err, FC_EINVAL, "job", "no job given");
    if (s_check_id(job->id, err) != FC_OK)
        return FC_EINVAL;
    if (!job->token[0])
        return fc_err_set(err, FC_EINVAL, "token", "job \"%s\" carries no lease token", job->id);
    return FC_OK;
}

/* Runs one of the scripts above. On failure err says what was attempted on which queue and
 * keeps the code from fc_redis (FC_EUNAVAIL when Redis cannot be reached). */
static int s_eval(fc_jobq_t *self, const char *what, const char *lua, int nkeys, int nargs,
                  const char **keys_then_args, redisReply **reply_out, fc_err_t *err)
{
    fc_err_t e;
    fc_err_clear(&e);
    *reply_out = fc_redis_eval(self->redis, &e, lua, nkeys, nargs, keys_then_args);
    if (*reply_out)
        return FC_OK;
    return fc_err_set(err, e.code != FC_OK ? e.code : FC_ERR, e.field[0] ? e.field : "redis",
                      "could not %s on queue \"%s\": %s", what, self->name, e.message);
}

/* For scripts that answer with one integer: stores it in *n_out. */
static int s_eval_int(fc_jobq_t *self, const char *what, const char *lua, int nkeys, int nargs,
                      const char **keys_then_args, long long *n_out, fc_err_t *err)
{
    redisReply *r = NULL;
    int rc = s_eval(self, what, lua, nkeys, nargs, keys_then_args, &r, err);
    if (rc != FC_OK)
        goto out;
    if (r->type != REDIS_REPLY_INTEGER) {
        rc = fc_err_set(err, FC_ERR, "redis", "could not %s on queue \"%s\": reply of type %d",
                        what, self->name, r->type);
        goto out;
    }
    *n_out = r->integer;
    rc = FC_OK;
out:
    if (r)
        freeReplyObject(r);
    return rc;
}

static char *s_job_key(const fc_jobq_t *self, const char *job_id)
{
    return fc_xasprintf("%s%s", self->job_prefix, job_id);
}

fc_jobq_t *fc_jobq_new(fc_redis_t *redis, const char *queue, const fc_jobq_opts_t *opts)
{
    assert(redis);
    assert(queue && *queue);
    fc_jobq_t *self = fc_xcalloc(1, sizeof *self);
    self->redis = redis;
    self->name = fc_xstrdup(queue);
    self->prefix = fc_xasprintf("fc:q:%s:", queue);
    self->k_ready = fc_xasprintf("%sready", self->prefix);
    self->k_delayed = fc_xasprintf("%sdelayed", self->prefix);
    self->k_leased = fc_xasprintf("%sleased", self->prefix);
    self->k_dead = fc_xasprintf("%sdead", self->prefix);
    self->job_prefix = fc_xasprintf("%sjob:", self->prefix);
    /* a field left at zero (or negative) takes its default */
    fc_jobq_opts_t o = opts ? *opts : (fc_jobq_opts_t){0};
    self->opts.lease_ms = o.lease_ms > 0 ? o.lease_ms : 30000;
    self->opts.max_attempts = o.max_attempts > 0 ? o.max_attempts : 5;
    self->opts.backoff_base_ms = o.backoff_base_ms > 0 ? o.backoff_base_ms : 1000;
    self->opts.backoff_max_ms = o.backoff_max_ms > 0 ? o.backoff_max_ms : 300000;
    self->opts.done_ttl_ms = o.done_ttl_ms > 0 ? o.done_ttl_ms : 7LL * 24 * 3600 * 1000;
    s_rand_seed(self->rng);
    return self;
}

void fc_jobq_destroy(fc_jobq_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    fc_jobq_t *self = *self_p;
    free(self->name);
    free(self->prefix);
    free(self->k_ready);
    free(self->k_delayed);
    free(self->k_leased);
    free(self->k_dead);
    free(self->job_prefix);
    free(self);
    *self_p = NULL;
}

void fc_job_destroy(fc_job_t **job_p)
{
    if (!job_p || !*job_p)
        return;
    fc_job_t *job = *job_p;
    free(job->id);
    free(job->payload);
    free(job);
    *job_p = NULL;
}

int fc_jobq_enqueue(fc_jobq_t *self, const char *job_id, const void *payload, size_t len,
                    int64_t run_at_ms, fc_err_t *err)
{
    char *job_key = NULL, *done_key = NULL, *text = NULL;
    int rc = s_check_id(job_id, err);
    if (rc != FC_OK)
        goto out;
    if (!payload) {
        rc = fc_err_set(err, FC_EINVAL, "payload", "job \"%s\" has no payload", job_id);
        goto out;
    }
    if (memchr(payload, '\0', len)) {
        rc = fc_err_set(err, FC_EINVAL, "payload",
                        "payload of job \"%s\" contains a NUL byte (text, base64 or hex only)",
                        job_id);
        goto out;
    }
    text = fc_xstrndup(payload, len);
    job_key = s_job_key(self, job_id);
    done_key = fc_xasprintf("%sdone:%s", self->prefix, job_id);
    char run_at[24], max[16];
    snprintf(run_at, sizeof run_at, "%" PRId64, run_at_ms);
    snprintf(max, sizeof max, "%d", self->opts.max_attempts);
    const char *kv[] = {job_key, done_key, self->k_ready, self->k_delayed,
                        job_id,  text,     run_at,        max};
    long long n = 0;
    rc = s_eval_int(self, "enqueue job", s_lua_enqueue, 4, 4, kv, &n, err);
    if (rc != FC_OK)
        goto out;
    if (n == 0) {
        rc = fc_err_set(err, FC_EDUP, "job_id",
                        "job \"%s\" is already on queue \"%s\" or finished recently", job_id,
                        self->name);
        goto out;
    }
    rc = FC_OK;
out:
    free(job_key);
    free(done_key);
    free(text);
    return rc;
}

int fc_jobq_reserve(fc_jobq_t *self, int64_t now_ms, fc_job_t **job_out, fc_err_t *err)
{
    assert(job_out);
    *job_out = NULL;
    redisReply *r = NULL;
    char now[24], until[24], batch[16], max[16], token[FC_ID_LEN + 1];
    int64_t lease_until = now_ms + self->opts.lease_ms;
    snprintf(now, sizeof now, "%" PRId64, now_ms);
    snprintf(until, sizeof until, "%" PRId64, lease_until);
    snprintf(batch, sizeof batch, "%d", FC_JOBQ_BATCH);
    snprintf(max, sizeof max, "%d", self->opts.max_attempts);
    fc_id_new(token);
    const char *kv[] = {self->k_ready, self->k_delayed, self->k_leased,   self->k_dead, now,
                        until,         token,           self->job_prefix, batch,        max};
    int rc = s_eval(self, "reserve a job", s_lua_reserve, 4, 6, kv, &r, err);
    if (rc != FC_OK)
        goto out;
    if (r->type == REDIS_REPLY_NIL) {
        rc = fc_err_set(err, FC_ENOTFOUND, NULL, "no job is due on queue \"%s\"", self->name);
        goto out;
    }
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 ||
        r->element[0]->type != REDIS_REPLY_STRING || r->element[1]->type != REDIS_REPLY_STRING ||
        r->element[2]->type != REDIS_REPLY_INTEGER) {
        rc = fc_err_set(err, FC_ERR, "redis",
                        "could not reserve a job on queue \"%s\": unexpected reply of type %d",
                        self->name, r->type);
        goto out;
    }
    fc_job_t *job = fc_xcalloc(1, sizeof *job);
    job->id = fc_xstrndup(r->element[0]->str, r->element[0]->len);
    job->payload = fc_xstrndup(r->element[1]->str, r->element[1]->len);
    job->payload_len = r->element[1]->len;
    job->attempts = (int)r->element[2]->integer;
    memcpy(job->token, token, sizeof job->token);
    job->lease_until_ms = lease_until;
    *job_out = job;
    rc = FC_OK;
out:
    if (r)
        freeReplyObject(r);
    return rc;
}

int fc_jobq_ack(fc_jobq_t *self, const fc_job_t *job, fc_err_t *err)
{
    char *job_key = NULL, *done_key = NULL;
    int rc = s_check_job(job, err);
    if (rc != FC_OK)
        goto out;
    job_key = s_job_key(self, job->id);
    done_key = fc_xasprintf("%sdone:%s", self->prefix, job->id);
    char ttl[24];
    snprintf(ttl, sizeof ttl, "%" PRId64, self->opts.done_ttl_ms);
    const char *kv[] = {job_key, self->k_leased, done_key, job->id, job->token, ttl};
    long long n = 0;
    rc = s_eval_int(self, "acknowledge a job", s_lua_ack, 3, 3, kv, &n, err);
    if (rc != FC_OK)
        goto out;
    if (n == 0) {
        rc = fc_err_set(err, FC_ELEASE, "token",
                        "lease on job \"%s\" of queue \"%s\" was lost: acknowledgement refused",
                        job->id, self->name);
        goto out;
    }
    rc = FC_OK;
out:
    free(job_key);
    free(done_key);
    return rc;
}

int fc_jobq_fail(fc_jobq_t *self, const fc_job_t *job, int64_t now_ms, const char *reason,
                 int *dead_out, fc_err_t *err)
{
    char *job_key = NULL;
    if (dead_out)
        *dead_out = 0;
    int rc = s_check_job(job, err);
    if (rc != FC_OK)
        goto out;
    job_key = s_job_key(self, job->id);
    char run_at[24], max[16];
    snprintf(run_at, sizeof run_at, "%" PRId64, now_ms + s_backoff_ms(self, job->attempts));
    snprintf(max, sizeof max, "%d", self->opts.max_attempts);
    const char *kv[] = {job_key,    self->k_leased, self->k_delayed,      self->k_dead, job->id,
                        job->token, run_at,         reason ? reason : "", max};
    long long n = 0;
    rc = s_eval_int(self, "record a failed job", s_lua_fail, 4, 5, kv, &n, err);
    if (rc != FC_OK)
        goto out;
    if (n == 0) {
        rc = fc_err_set(err, FC_ELEASE, "token",
                        "lease on job \"%s\" of queue \"%s\" was lost: failure not recorded",
                        job->id, self->name);
        goto out;
    }
    if (dead_out)
        *dead_out = n == 2 || n == -2;
    if (n == 2)
        fc_log_warn("job.dead", "queue", FC_LS(self->name), "job_id", FC_LS(job->id), "attempts",
                    FC_LI(job->attempts), "reason", FC_LS(reason ? reason : ""), NULL);
    rc = FC_OK;
out:
    free(job_key);
    return rc;
}

int fc_jobq_extend(fc_jobq_t *self, fc_job_t *job, int64_t now_ms, fc_err_t *err)
{
    char *job_key = NULL;
    int rc = s_check_job(job, err);
    if (rc != FC_OK)
        goto out;
    job_key = s_job_key(self, job->id);
    int64_t lease_until = now_ms + self->opts.lease_ms;
    char until[24];
    snprintf(until, sizeof until, "%" PRId64, lease_until);
    const char *kv[] = {job_key, self->k_leased, job->id, job->token, until};
    long long n = 0;
    rc = s_eval_int(self, "extend a lease", s_lua_extend, 2, 3, kv, &n, err);
    if (rc != FC_OK)
        goto out;
    if (n == 0) {
        rc = fc_err_set(err, FC_ELEASE, "token",
                        "lease on job \"%s\" of queue \"%s\" was lost: not extended", job->id,
                        self->name);
        goto out;
    }
    job->lease_until_ms = lease_until;
    rc = FC_OK;
out:
    free(job_key);
    return rc;
}

int fc_jobq_cancel(fc_jobq_t *self, const char *job_id, fc_err_t *err)
{
    char *job_key = NULL;
    int rc = s_check_id(job_id, err);
    if (rc != FC_OK)
        goto out;
    job_key = s_job_key(self, job_id);
    const char *kv[] = {job_key,        self->k_ready, self->k_delayed,
                        self->k_leased, self->k_dead,  job_id};
    long long n = 0;
    rc = s_eval_int(self, "cancel a job", s_lua_cancel, 5, 1, kv, &n, err);
    if (rc != FC_OK)
        goto out;
    if (n == 0) {
        rc = fc_err_set(err, FC_ENOTFOUND, "job_id", "job \"%s\" is not on queue \"%s\"", job_id,
                        self->name);
        goto out;
    }
    rc = FC_OK;
out:
    free(job_key);
    return rc;
}

int fc_jobq_reap(fc_jobq_t *self, int64_t now_ms, int *n_out, fc_err_t *err)
{
    if (n_out)
        *n_out = 0;
    char now[24], batch[16], max[16];
    snprintf(now, sizeof now, "%" PRId64, now_ms);
    snprintf(batch, sizeof batch, "%d", FC_JOBQ_BATCH);
    snprintf(max, sizeof max, "%d", self->opts.max_attempts);
    const char *kv[] = {self->k_ready,    self->k_leased, self->k_dead, now,
                        self->job_prefix, batch,          max};
    long long n = 0, total = 0;
    int rc;
    /* in batches, so one script never blocks Redis for long */
    do {
        rc = s_eval_int(self, "reap expired leases", s_lua_reap, 3, 4, kv, &n, err);
        if (rc != FC_OK)
            goto out;
        total += n;
    } while (n >= FC_JOBQ_BATCH);
    rc = FC_OK;
out:
    if (n_out)
        *n_out = (int)total;
    return rc;
}

int fc_jobq_exists(fc_jobq_t *self, const char *job_id, fc_err_t *err)
{
    char *job_key = NULL;
    redisReply *r = NULL;
    int rc = s_check_id(job_id, err);
    if (rc != FC_OK)
        goto out;
    job_key = s_job_key(self, job_id);
    fc_err_t e;
    fc_err_clear(&e);
    r = fc_redis_cmd(self->redis, &e, "EXISTS %s", job_key);
    if (!r) {
        rc = fc_err_set(err, e.code != FC_OK ? e.code : FC_ERR, "redis",
                        "could not look up job \"%s\" on queue \"%s\": %s", job_id, self->name,
                        e.message);
        goto out;
    }
    if (r->type != REDIS_REPLY_INTEGER) {
        rc = fc_err_set(err, FC_ERR, "redis",
                        "could not look up job \"%s\" on queue \"%s\": reply of type %d", job_id,
                        self->name, r->type);
        goto out;
    }
    rc = r->integer > 0 ? 1 : 0;
out:
    if (r)
        freeReplyObject(r);
    free(job_key);
    return rc;
}

int fc_jobq_depth(fc_jobq_t *self, fc_jobq_depth_t *out, fc_err_t *err)
{
    assert(out);
    redisReply *r = NULL;
    const char *kv[] = {self->k_ready, self->k_delayed, self->k_leased, self->k_dead};
    int rc = s_eval(self, "measure the depth", s_lua_depth, 4, 0, kv, &r, err);
    if (rc != FC_OK)
        goto out;
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 4) {
        rc = fc_err_set(err, FC_ERR, "redis",
                        "could not measure the depth of queue \"%s\": reply of type %d", self->name,
                        r->type);
        goto out;
    }
    int64_t *dst[] = {&out->ready, &out->delayed, &out->leased, &out->dead};
    for (size_t i = 0; i < 4; i++)
        *dst[i] = r->element[i]->type == REDIS_REPLY_INTEGER ? r->element[i]->integer : 0;
    rc = FC_OK;
out:
    if (r)
        freeReplyObject(r);
    return rc;
}

int fc_jobq_requeue_dead(fc_jobq_t *self, const char *job_id, fc_err_t *err)
{
    char *job_key = NULL;
    int rc = s_check_id(job_id, err);
    if (rc != FC_OK)
        goto out;
    job_key = s_job_key(self, job_id);
    const char *kv[] = {job_key, self->k_ready, self->k_dead, job_id};
    long long n = 0;
    rc = s_eval_int(self, "requeue a dead job", s_lua_requeue_dead, 3, 1, kv, &n, err);
    if (rc != FC_OK)
        goto out;
    if (n == 0) {
        rc = fc_err_set(err, FC_ENOTFOUND, "job_id",
                        "job \"%s\" is not on the dead list of queue \"%s\"", job_id, self->name);
        goto out;
    }
    rc = FC_OK;
out:
    free(job_key);
    return rc;
}

int fc_schedule_claim(fc_redis_t *redis, const char *schedule, const char *period, int64_t ttl_ms,
                      fc_err_t *err)
{
    assert(redis);
    redisReply *r = NULL;
    char *key = NULL;
    int rc;
    if (!schedule || !*schedule) {
        rc = fc_err_set(err, FC_EINVAL, "schedule", "schedule name is empty");
        goto out;
    }
    if (!period || !*period) {
        rc = fc_err_set(err, FC_EINVAL, "period", "period of schedule \"%s\" is empty", schedule);
        goto out;
    }
    if (ttl_ms <= 0) {
        rc = fc_err_set(err, FC_EINVAL, "ttl_ms",
                        "claim on schedule \"%s\" needs a positive ttl, not %" PRId64, schedule,
                        ttl_ms);
        goto out;
    }
    key = fc_xasprintf("fc:sched:%s:%s", schedule, period);
    char token[FC_ID_LEN + 1];
    fc_id_new(token);
    fc_err_t e;
    fc_err_clear(&e);
    r = fc_redis_cmd(redis, &e, "SET %s %s NX PX %lld", key, token, (long long)ttl_ms);
    if (!r) {
        rc = fc_err_set(err, e.code != FC_OK ? e.code : FC_ERR, "redis",
                        "could not claim period \"%s\" of schedule \"%s\": %s", period, schedule,
                        e.message);
        goto out;
    }
    if (r->type == REDIS_REPLY_NIL) {
        rc = fc_err_set(err, FC_EDUP, "period",
                        "period \"%s\" of schedule \"%s\" is already claimed", period, schedule);
        goto out;
    }
    if (r->type != REDIS_REPLY_STATUS) {
        rc = fc_err_set(err, FC_ERR, "redis",
                        "could not claim period \"%s\" of schedule \"%s\": reply of type %d",
                        period, schedule, r->type);
        goto out;
    }
    rc = FC_OK;
out:
    if (r)
        freeReplyObject(r);
    free(key);
    return rc;
}

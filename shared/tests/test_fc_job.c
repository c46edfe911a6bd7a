/* test_fc_job: the Redis job queue against a real redis-server (FC_REDIS_URL, set by the
 * harness): leases, retries, dead letters, schedule claims and four competing workers. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fc_job.h"
#include "fc_mem.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define T0 INT64_C(1763280000000) /* 2025-11-16T08:00:00Z: tests drive the clock by hand */
#define N_WORKERS 4
#define N_JOBS 2000

static fc_redis_t *g_redis;
static const char *g_url;
static char g_tag[64]; /* "test_<pid>": every key this run makes carries it */

#define assert_rc(expr, want, err)                                                                 \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_ != (want))                                                                         \
            print_error("%s: got %s, want %s: %s\n", #expr, fc_err_name(rc_), fc_err_name(want),   \
                        (err)->message);                                                           \
        assert_int_equal(rc_, (want));                                                             \
    } while (0)

/* Deletes every key matching pattern, a SCAN at a time. */
static void s_clean(const char *pattern)
{
    fc_err_t err;
    char cursor[32] = "0";
    do {
        redisReply *r = fc_redis_cmd(g_redis, &err, "SCAN %s MATCH %s COUNT 1000", cursor, pattern);
        assert_non_null(r);
        assert_int_equal(r->type, REDIS_REPLY_ARRAY);
        snprintf(cursor, sizeof cursor, "%s", r->element[0]->str);
        redisReply *keys = r->element[1];
        for (size_t i = 0; i < keys->elements; i++) {
            redisReply *d = fc_redis_cmd(g_redis, &err, "DEL %s", keys->element[i]->str);
            assert_non_null(d);
            freeReplyObject(d);
        }
        freeReplyObject(r);
    } while (strcmp(cursor, "0") != 0);
}

static void s_clean_all(void)
{
    char pattern[128];
    snprintf(pattern, sizeof pattern, "fc:q:%s_*", g_tag);
    s_clean(pattern);
    snprintf(pattern, sizeof pattern, "fc:sched:%s_*", g_tag);
    s_clean(pattern);
}

static int s_group_setup(void **state)
{
    (void)state;
    g_url = getenv("FC_REDIS_URL");
    if (!g_url || !*g_url) {
        fprintf(stderr, "FC_REDIS_URL is not set: start a redis-server and set it, e.g. "
                        "FC_REDIS_URL=redis://127.0.0.1:56999\n");
        return -1;
    }
    /* hiredis writes with write(2): a peer that went away must not kill the test */
    signal(SIGPIPE, SIG_IGN);
    fc_err_t err;
    g_redis = fc_redis_new(g_url, &err);
    if (!g_redis) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    snprintf(g_tag, sizeof g_tag, "test_%ld", (long)getpid());
    s_clean_all();
    return 0;
}

static int s_group_teardown(void **state)
{
    (void)state;
    if (g_redis)
        s_clean_all();
    fc_redis_destroy(&g_redis);
    return 0;
}

/* A queue of its own for one test: "test_<pid>_<name>". */
static fc_jobq_t *s_queue(const char *name, const fc_jobq_opts_t *opts)
{
    char q[128];
    snprintf(q, sizeof q, "%s_%s", g_tag, name);
    return fc_jobq_new(g_redis, q, opts);
}

static void s_assert_depth(fc_jobq_t *q, int64_t ready, int64_t delayed, int64_t leased,
                           int64_t dead)
{
    fc_err_t err;
    fc_jobq_depth_t d = {-1, -1, -1, -1};
    assert_rc(fc_jobq_depth(q, &d, &err), FC_OK, &err);
    assert_int_equal(d.ready, ready);
    assert_int_equal(d.delayed, delayed);
    assert_int_equal(d.leased, leased);
    assert_int_equal(d.dead, dead);
}

/* Reads a field of a job's hash straight from Redis; the caller frees the result. */
static char *s_hget(const char *queue, const char *id, const char *field)
{
    fc_err_t err;
    redisReply *r =
        fc_redis_cmd(g_redis, &err, "HGET fc:q:%s_%s:job:%s %s", g_tag, queue, id, field);
    assert_non_null(r);
    char *s = r->type == REDIS_REPLY_STRING ? fc_xstrdup(r->str) : NULL;
    freeReplyObject(r);
    return s;
}

/* The run_at of a job waiting in delayed, or -1. */
static int64_t s_delayed_at(const char *queue, const char *id)
{
    fc_err_t err;
    redisReply *r = fc_redis_cmd(g_redis, &err, "ZSCORE fc:q:%s_%s:delayed %s", g_tag, queue, id);
    assert_non_null(r);
    int64_t at = r->type == REDIS_REPLY_STRING ? (int64_t)atoll(r->str) : -1;
    freeReplyObject(r);
    return at;
}

static void s_enqueue(fc_jobq_t *q, const char *id, const char *payload, int64_t run_at)
{
    fc_err_t err;
    assert_rc(fc_jobq_enqueue(q, id, payload, strlen(payload), run_at, &err), FC_OK, &err);
}

static fc_job_t *s_reserve(fc_jobq_t *q, int64_t now)
{
    fc_err_t err;
    fc_job_t *job = NULL;
    assert_rc(fc_jobq_reserve(q, now, &job, &err), FC_OK, &err);
    assert_non_null(job);
    return job;
}

static void s_assert_none_due(fc_jobq_t *q, int64_t now)
{
    fc_err_t err;
    fc_job_t *job = NULL;
    assert_rc(fc_jobq_reserve(q, now, &job, &err), FC_ENOTFOUND, &err);
    assert_null(job);
}

static void test_roundtrip(void **state)
{
    (void)state;
    fc_err_t err;
    fc_jobq_t *q = s_queue("roundtrip", NULL);
    const char *payload = "{\"employee\":\"E1001\",\"note\":\"夜班 check\"}";
    s_enqueue(q, "job-1", payload, 0);
    s_assert_depth(q, 1, 0, 0, 0);

    fc_job_t *job = s_reserve(q, T0);
    assert_string_equal(job->id, "job-1");
    assert_string_equal(job->payload, payload);
    assert_int_equal(job->payload_len, strlen(payload));
    assert_int_equal(job->attempts, 1);
    assert_true(fc_id_valid(job->token));
    assert_int_equal(job->lease_until_ms, T0 + 30000);
    s_assert_depth(q, 0, 0, 1, 0);
    s_assert_none_due(q, T0);

    assert_rc(fc_jobq_ack(q, job, &err), FC_OK, &err);
    /* a retried ack (the reply was lost) is answered the same */
    assert_rc(fc_jobq_ack(q, job, &err), FC_OK, &err);
    s_assert_depth(q, 0, 0, 0, 0);
    assert_int_equal(fc_jobq_exists(q, "job-1", &err), 0);
    fc_job_destroy(&job);
    assert_null(job);

    /* only len bytes are taken, and an empty payload is a payload */
    assert_rc(fc_jobq_enqueue(q, "job-2", "abcdef", 3, 0, &err), FC_OK, &err);
    assert_rc(fc_jobq_enqueue(q, "job-3", "", 0, 0, &err), FC_OK, &err);
    job = s_reserve(q, T0);
    assert_string_equal(job->payload, "abc");
    assert_int_equal(job->payload_len, 3);
    fc_job_destroy(&job);
    job = s_reserve(q, T0);
    assert_string_equal(job->id, "job-3");
    assert_string_equal(job->payload, "");
    assert_int_equal(job->payload_len, 0);
    fc_job_destroy(&job);
    fc_jobq_destroy(&q);
    assert_null(q);
}

static void test_fifo(void **state)
{
    (void)state;
    fc_jobq_t *q = s_queue("fifo", NULL);
    const char *ids[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++)
        s_enqueue(q, ids[i], ids[i], 0);
    for (int i = 0; i < 4; i++) {
        fc_job_t *job = s_reserve(q, T0);
        assert_string_equal(job->id, ids[i]);
        fc_job_destroy(&job);
    }
    fc_jobq_destroy(&q);
}

static void test_duplicate_enqueue(void **state)
{
    (void)state;
    fc_err_t err;
    fc_jobq_t *q = s_queue("dup", NULL);
    s_enqueue(q, "j", "first", 0);
    assert_rc(fc_jobq_enqueue(q, "j", "second", 6, 0, &err), FC_EDUP, &err);
    assert_string_equal(err.field, "job_id");
    s_assert_depth(q, 1, 0, 0, 0);

    fc_job_t *job = s_reserve(q, T0);
    assert_string_equal(job->payload, "first");
    /* leased is known too */
    assert_rc(fc_jobq_enqueue(q, "j", "third", 5, 0, &err), FC_EDUP, &err);
    /* and delayed */
    s_enqueue(q, "later", "x", T0 + 60000);
    assert_rc(fc_jobq_enqueue(q, "later", "x", 1, 0, &err), FC_EDUP, &err);
    s_assert_depth(q, 0, 1, 1, 0);
    fc_job_destroy(&job);
    fc_jobq_destroy(&q);
}

static void test_reenqueue_after_ack(void **state)
{
    (void)state;
    fc_err_t err;
    fc_jobq_opts_t opts = {.done_ttl_ms = 300};
    fc_jobq_t *q = s_queue("done", &opts);
    s_enqueue(q, "j", "p", 0);
    fc_job_t *job = s_reserve(q, T0);
    assert_rc(fc_jobq_ack(q, job, &err), FC_OK, &err);
    assert_rc(fc_jobq_enqueue(q, "j", "p", 1, 0, &err), FC_EDUP, &err);
    assert_int_equal(fc_jobq_exists(q, "j", &err), 0);
    s_assert_depth(q, 0, 0, 0, 0);

    /* the done marker lives done_ttl (Redis' own clock): then the id is free again */
    struct timespec ts = {0, 500 * 1000 * 1000};
    nanosleep(&ts, NULL);
    assert_rc(fc_jobq_enqueue(q, "j", "p", 1, 0, &err), FC_OK, &err);
    fc_job_destroy(&job);
    fc_jobq_destroy(&q);
}

static void test_delayed(void **state)
{
    (void)state;
    fc_err_t err;
    fc_jobq_t *q = s_queue("delayed", NULL);
    s_enqueue(q, "later", "p", T0 + 5000);
    s_assert_depth(q, 0, 1, 0, 0);
    assert_int_equal(fc_jobq_exists(q, "later", &err), 1);
    s_assert_none_due(q, T0);
    s_assert_none_due(q, T0 + 4999);
    s_assert_depth(q, 0, 1, 0, 0);

    fc_job_t *job = s_reserve(q, T0 + 5000);
    assert_string_equal(job->id, "later");
    assert_int_equal(job->attempts, 1);
    s_assert_depth(q, 0, 0, 1, 0);
    assert_rc(fc_jobq_ack(q, job, &err), FC_OK, &err);
    fc_job_destroy(&job);

    /* a run_at already past is due at the next reserve */
    s_enqueue(q, "past", "p", T0 - 1000);
    job = s_reserve(q, T0);
    assert_string_equal(job->id, "past");
    fc_job_destroy(&job);
    fc_jobq_destroy(&q);
}

static void test_lease_expiry(void **state)
{
    (void)state;
    fc_err_t err;
    fc_jobq_opts_t opts = {.lease_ms = 10000};
    fc_jobq_t *q = s_queue("lease", &opts);
    /* the second worker has its own connection */
    fc_redis_t *redis2 = fc_redis_new(g_url, &err);
    assert_non_null(redis2);
    char name[128];
    snprintf(name, sizeof name, "%s_lease", g_tag);
    fc_jobq_t *q2 = fc_jobq_new(redis2, name, &opts);

    s_enqueue(q, "j", "payload", 0);
    fc_job_t *first = s_reserve(q, T0);
    assert_int_equal(first->lease_until_ms, T0 + 10000);
    /* the lease holds through its deadline */
    s_assert_none_due(q2, T0 + 10000);
    fc_job_t *second = s_reserve(q2, T0 + 10001);
    assert_string_equal(second->id, "j");
    assert_string_equal(second->payload, "payload");
    assert_string_not_equal(second->token, first->token);
    assert_int_equal(second->attempts, 2);

    assert_rc(fc_jobq_ack(q, first, &err), FC_ELEASE, &err);
    assert_rc(fc_jobq_fail(q, first, T0 + 10002, "late", NULL, &err), FC_ELEASE, &err);
    assert_rc(fc_jobq_extend(q, first, T0 + 10002, &err), FC_ELEASE, &err);
    s_assert_depth(q, 0, 0, 1, 0);
    assert_rc(fc_jobq_ack(q2, second, &err), FC_OK, &err);
    s_assert_depth(q, 0, 0, 0, 0);

    fc_job_destroy(&first);
    fc_job_destroy(&second);
    fc_jobq_destroy(&q2);
    fc_redis_destroy(&redis2);
    fc_jobq_destroy(&q);
}

static void test_extend(void **state)
{
    (void)state;
    fc_err_t err;
    fc_jobq_opts_t opts = {.lease_ms = 10000};
    fc_jobq_t *q = s_queue("extend", &opts);
    s_enqueue(q, "j", "p", 0);
    fc_job_t *job = s_reserve(q, T0);
    assert_rc(fc_jobq_extend(q, job, T0 + 9000, &err), FC_OK, &err);
    assert_int_equal(job->lease_until_ms, T0 + 19000);
    s_assert_none_due(q, T0 + 10001);
    s_assert_none_due(q, T0 + 19000);
    fc_job_t *other = s_reserve(q, T0 + 19001);
    assert_rc(fc_jobq_extend(q, job, T0 + 19002, &err), FC_ELEASE, &err);
    assert_int_equal(job->lease_until_ms, T0 + 19000);
    assert_rc(fc_jobq_ack(q, other, &err), FC_OK, &err);
    fc_job_destroy(&job);
    fc_job_destroy(&other);
    fc_jobq_destroy(&q);
}

static void test_fail_backoff_dead(void **state)
{
    (void)state;
    fc_err_t err;
    fc_jobq_opts_t opts = {.max_attempts = 3, .backoff_base_ms = 1000, .backoff_max_ms = 300000};
    fc_jobq_t *q = s_queue("retry", &opts);
    s_enqueue(q, "j", "p", 0);
    int64_t now = T0;
    int dead = -1;

    /* attempt 1 fails: back in base..base*1.2 */
    fc_job_t *job = s_reserve(q, now);
    assert_int_equal(job->attempts, 1);
    assert_rc(fc_jobq_fail(q, job, now, "timeout talking to the roster", &dead, &err), FC_OK, &err);
    assert_int_equal(dead, 0);
    s_assert_depth(q, 0, 1, 0, 0);
    int64_t at = s_delayed_at("retry", "j");
    assert_in_range(at - now, 1000, 1200);
    /* the failed attempt's token is spent */
    assert_rc(fc_jobq_ack(q, job, &err), FC_ELEASE, &err);
    /* a retried fail (the reply was lost) is answered the same and changes nothing */
    assert_rc(fc_jobq_fail(q, job, now, "again", &dead, &err), FC_OK, &err);
    assert_int_equal(dead, 0);
    assert_int_equal(s_delayed_at("retry", "j"), at);
    s_assert_none_due(q, at - 1);
    fc_job_destroy(&job);

    /* attempt 2 fails: twice the base */
    now = at;
    job = s_reserve(q, now);
    assert_int_equal(job->attempts, 2);
    assert_rc(fc_jobq_fail(q, job, now, "timeout again", &dead, &err), FC_OK, &err);
    assert_int_equal(dead, 0);
    at = s_delayed_at("retry", "j");
    assert_in_range(at - now, 2000, 2400);
    s_assert_none_due(q, at - 1);
    fc_job_destroy(&job);

    /* attempt 3 of 3 fails: dead letter with the reason */
    now = at;
    job = s_reserve(q, now);
    assert_int_equal(job->attempts, 3);
    assert_rc(fc_jobq_fail(q, job, now, "roster rejected the shift", &dead, &err), FC_OK, &err);
    assert_int_equal(dead, 1);
    assert_rc(fc_jobq_fail(q, job, now, "again", &dead, &err), FC_OK, &err);
    assert_int_equal(dead, 1);
    fc_job_destroy(&job);
    s_assert_depth(q, 0, 0, 0, 1);
    char *reason = s_hget("retry", "j", "last_error");
    assert_string_equal(reason, "roster rejected the shift");
    free(reason);
    assert_int_equal(fc_jobq_exists(q, "j", &err), 1);
    assert_rc(fc_jobq_enqueue(q, "j", "p", 1, 0, &err), FC_EDUP, &err);
    s_assert_none_due(q, now + 10000000);

    /* requeue: ready again with attempts from zero */
    assert_rc(fc_jobq_requeue_dead(q, "j", &err), FC_OK, &err);
    assert_rc(fc_jobq_requeue_dead(q, "j", &err), FC_ENOTFOUND, &err);
    assert_rc(fc_jobq_requeue_dead(q, "nobody", &err), FC_ENOTFOUND, &err);
    s_assert_depth(q, 1, 0, 0, 0);
    job = s_reserve(q, now);
    assert_int_equal(job->attempts, 1);
    assert_rc(fc_jobq_ack(q, job, &err), FC_OK, &err);
    s_assert_depth(q, 0, 0, 0, 0);
    fc_job_destroy(&job);
    fc_jobq_destroy(&q);
}

static void test_backoff_cap_and_jitter(void **state)
{
    (void)state;
    fc_err_t err;
    fc_jobq_opts_t opts = {.max_attempts = 10, .backoff_base_ms = 1000, .backoff_max_ms = 3000};
    fc_jobq_t *q = s_queue("cap", &opts);
    s_enqueue(q, "j", "p", 0);
    const int64_t want[] = {1000, 2000, 3000, 3000, 3000};
    int64_t now = T0;
    for (int i = 0; i < 5; i++) {
        fc_job_t *job = s_reserve(q, now);
        assert_int_equal(job->attempts, i + 1);
        assert_rc(fc_jobq_fail(q, job, now, "x", NULL, &err), FC_OK, &err);
        int64_t at = s_delayed_at("cap", "j");
        assert_in_range(at - now, want[i], want[i] + want[i] / 5);
        now = at;
        fc_job_destroy(&job);
    }

    /* twenty jobs failed at the same moment do not all come back at the same moment */
    fc_jobq_t *q2 = s_queue("jitter", &opts);
    char id[16];
    for (int i = 0; i < 20; i++) {
        snprintf(id, sizeof id, "j%d", i);
        s_enqueue(q2, id, "p", 0);
        fc_job_t *job = s_reserve(q2, T0);
        assert_rc(fc_jobq_fail(q2, job, T0, "x", NULL, &err), FC_OK, &err);
        fc_job_destroy(&job);
    }
    int64_t first = -1;
    int distinct = 0;
    for (int i = 0; i < 20; i++) {
        snprintf(id, sizeof id, "j%d", i);
        int64_t at = s_delayed_at("jitter", id);
        assert_in_range(at - T0, 1000, 1200);
        if (first < 0)
            first = at;
        else if (at != first)
            distinct = 1;
    }
    assert_true(distinct);
    fc_jobq_destroy(&q2);
    fc_jobq_destroy(&q);
}

static void test_cancel(void **state)
{
    (void)state;
    fc_err_t err;
    fc_jobq_opts_t opts = {.max_attempts = 1};
    fc_jobq_t *q = s_queue("cancel", &opts);
    s_enqueue(q, "leased", "p", 0);
    fc_job_t *leased = s_reserve(q, T0);
    s_enqueue(q, "dead", "p", 0);
    fc_job_t *dead = s_reserve(q, T0);
    assert_rc(fc_jobq_fail(q, dead, T0, "x", NULL, &err), FC_OK, &err);
    s_enqueue(q, "ready", "p", 0);
    s_enqueue(q, "delayed", "p", T0 + 5000);
    s_assert_depth(q, 1, 1, 1, 1);

    const char *ids[] = {"ready", "delayed", "leased", "dead"};
    for (int i = 0; i < 4; i++) {
        assert_rc(fc_jobq_cancel(q, ids[i], &err), FC_OK, &err);
        assert_int_equal(fc_jobq_exists(q, ids[i], &err), 0);
        assert_rc(fc_jobq_cancel(q, ids[i], &err), FC_ENOTFOUND, &err);
    }
    s_assert_depth(q, 0, 0, 0, 0);
    s_assert_none_due(q, T0 + 100000);
    /* the worker of a cancelled job loses its lease */
    assert_rc(fc_jobq_ack(q, leased, &err), FC_ELEASE, &err);
    /* a cancelled id may be enqueued again */
    s_enqueue(q, "ready", "again", 0);
    fc_job_t *job = s_reserve(q, T0);
    assert_string_equal(job->payload, "again");
    fc_job_destroy(&job);
    fc_job_destroy(&leased);
    fc_job_destroy(&dead);
    fc_jobq_destroy(&q);
}

static void test_reap(void **state)
{
    (void)state;
    fc_err_t err;
    fc_jobq_opts_t opts = {.lease_ms = 10000, .max_attempts = 2};
    fc_jobq_t *q = s_queue("reap", &opts);
    fc_job_t *jobs[3];
    char id[16];
    for (int i = 0; i < 3; i++) {
        snprintf(id, sizeof id, "j%d", i);
        s_enqueue(q, id, "p", 0);
        jobs[i] = s_reserve(q, T0);
    }
    int n = -1;
    assert_rc(fc_jobq_reap(q, T0 + 10000, &n, &err), FC_OK, &err);
    assert_int_equal(n, 0);
    assert_rc(fc_jobq_reap(q, T0 + 10001, &n, &err), FC_OK, &err);
    assert_int_equal(n, 3);
    assert_rc(fc_jobq_reap(q, T0 + 10001, NULL, &err), FC_OK, &err);
    s_assert_depth(q, 3, 0, 0, 0);
    for (int i = 0; i < 3; i++) {
        assert_rc(fc_jobq_ack(q, jobs[i], &err), FC_ELEASE, &err);
        fc_job_destroy(&jobs[i]);
    }

    /* a lease that expires on the last attempt dead-letters the job */
    for (int i = 0; i < 3; i++) {
        jobs[i] = s_reserve(q, T0 + 20000);
        assert_int_equal(jobs[i]->attempts, 2);
        fc_job_destroy(&jobs[i]);
    }
    assert_rc(fc_jobq_reap(q, T0 + 30001, &n, &err), FC_OK, &err);
    assert_int_equal(n, 3);
    s_assert_depth(q, 0, 0, 0, 3);
    char *reason = s_hget("reap", "j0", "last_error");
    assert_non_null(reason);
    assert_non_null(strstr(reason, "lease expired"));
    free(reason);
    fc_jobq_destroy(&q);
}

static void test_exists(void **state)
{
    (void)state;
    fc_err_t err;
    fc_jobq_t *q = s_queue("exists", NULL);
    assert_int_equal(fc_jobq_exists(q, "j", &err), 0);
    s_enqueue(q, "j", "p", 0);
    assert_int_equal(fc_jobq_exists(q, "j", &err), 1);
    s_enqueue(q, "d", "p", T0 + 1000);
    assert_int_equal(fc_jobq_exists(q, "d", &err), 1);
    fc_job_t *job = s_reserve(q, T0);
    assert_int_equal(fc_jobq_exists(q, "j", &err), 1);
    assert_rc(fc_jobq_ack(q, job, &err), FC_OK, &err);
    assert_int_equal(fc_jobq_exists(q, "j", &err), 0);
    assert_int_equal(fc_jobq_exists(q, "", &err), FC_EINVAL);
    fc_job_destroy(&job);
    fc_jobq_destroy(&q);
}

static void test_schedule_claim(void **state)
{
    (void)state;
    fc_err_t err;
    char sched[128];
    snprintf(sched, sizeof sched, "%s_report.weekly", g_tag);
    assert_rc(fc_schedule_claim(g_redis, sched, "2026-W47", 60000, &err), FC_OK, &err);
    assert_rc(fc_schedule_claim(g_redis, sched, "2026-W47", 60000, &err), FC_EDUP, &err);
    assert_rc(fc_schedule_claim(g_redis, sched, "2026-W48", 60000, &err), FC_OK, &err);

    redisReply *r = fc_redis_cmd(g_redis, &err, "PTTL fc:sched:%s:2026-W47", sched);
    assert_non_null(r);
    assert_in_range(r->integer, 1, 60000);
    freeReplyObject(r);

    assert_rc(fc_schedule_claim(g_redis, "", "2026-W47", 60000, &err), FC_EINVAL, &err);
    assert_rc(fc_schedule_claim(g_redis, sched, NULL, 60000, &err), FC_EINVAL, &err);
    assert_rc(fc_schedule_claim(g_redis, sched, "2026-W49", 0, &err), FC_EINVAL, &err);
}

static void test_bad_input(void **state)
{
    (void)state;
    fc_err_t err;
    fc_jobq_t *q = s_queue("input", NULL);
    assert_rc(fc_jobq_enqueue(q, "nul", "ab\0cd", 5, 0, &err), FC_EINVAL, &err);
    assert_string_equal(err.field, "payload");
    assert_int_equal(fc_jobq_exists(q, "nul", &err), 0);
    assert_rc(fc_jobq_enqueue(q, "", "p", 1, 0, &err), FC_EINVAL, &err);
    assert_string_equal(err.field, "job_id");
    assert_rc(fc_jobq_enqueue(q, NULL, "p", 1, 0, &err), FC_EINVAL, &err);
    assert_rc(fc_jobq_enqueue(q, "j", NULL, 0, 0, &err), FC_EINVAL, &err);
    char long_id[512];
    memset(long_id, 'x', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    assert_rc(fc_jobq_enqueue(q, long_id, "p", 1, 0, &err), FC_EINVAL, &err);
    assert_rc(fc_jobq_cancel(q, "", &err), FC_EINVAL, &err);
    assert_rc(fc_jobq_requeue_dead(q, NULL, &err), FC_EINVAL, &err);

    fc_job_t forged = {.id = "j", .payload = NULL, .token = ""};
    assert_rc(fc_jobq_ack(q, &forged, &err), FC_EINVAL, &err);
    assert_rc(fc_jobq_ack(q, NULL, &err), FC_EINVAL, &err);
    assert_rc(fc_jobq_fail(q, NULL, T0, "x", NULL, &err), FC_EINVAL, &err);
    assert_rc(fc_jobq_extend(q, &forged, T0, &err), FC_EINVAL, &err);
    /* a token that never held a lease */
    snprintf(forged.token, sizeof forged.token, "%s", "01ARZ3NDEKTSV4RRFFQ69G5FAV");
    assert_rc(fc_jobq_ack(q, &forged, &err), FC_ELEASE, &err);
    s_assert_depth(q, 0, 0, 0, 0);

    /* errors may go unreported */
    assert_int_equal(fc_jobq_enqueue(q, "", "p", 1, 0, NULL), FC_EINVAL);
    fc_job_t *job = NULL;
    assert_int_equal(fc_jobq_reserve(q, T0, &job, NULL), FC_ENOTFOUND);

    /* destroy accepts NULL and NULLs the pointer */
    fc_jobq_destroy(NULL);
    fc_job_destroy(NULL);
    fc_job_destroy(&job);
    fc_jobq_destroy(&q);
    fc_jobq_destroy(&q);
    assert_null(q);
}

static void test_unavailable(void **state)
{
    (void)state;
    fc_err_t err;
    fc_err_clear(&err);
    fc_redis_t *r = fc_redis_new("redis://127.0.0.1:1", &err);
    assert_null(r);
    assert_int_equal(err.code, FC_EUNAVAIL);
    assert_non_null(strstr(err.message, "127.0.0.1:1"));
}

/* Redis goes away under a queue: a listener that accepts the TCP handshake (the kernel does)
 * and is then closed, so the next command meets a reset and the reconnect a refusal. */
static void test_redis_gone(void **state)
{
    (void)state;
    fc_err_t err;
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(lfd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(lfd, 4), 0);
    socklen_t alen = sizeof a;
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &alen), 0);
    char url[64], where[32];
    snprintf(url, sizeof url, "redis://127.0.0.1:%d", ntohs(a.sin_port));
    snprintf(where, sizeof where, "127.0.0.1:%d", ntohs(a.sin_port));
    fc_redis_t *redis = fc_redis_new(url, &err);
    assert_non_null(redis);
    close(lfd);

    fc_jobq_t *q = fc_jobq_new(redis, "gone", NULL);
    assert_rc(fc_jobq_enqueue(q, "j", "p", 1, 0, &err), FC_EUNAVAIL, &err);
    assert_non_null(strstr(err.message, where));
    assert_non_null(strstr(err.message, "queue \"gone\""));
    fc_job_t *job = NULL;
    assert_rc(fc_jobq_reserve(q, T0, &job, &err), FC_EUNAVAIL, &err);
    assert_null(job);
    assert_int_equal(fc_jobq_exists(q, "j", &err), FC_EUNAVAIL);
    fc_jobq_depth_t d;
    assert_rc(fc_jobq_depth(q, &d, &err), FC_EUNAVAIL, &err);
    assert_rc(fc_schedule_claim(redis, "s", "p", 1000, &err), FC_EUNAVAIL, &err);
    assert_non_null(strstr(err.message, where));
    fc_jobq_destroy(&q);
    fc_redis_destroy(&redis);
}

/* Redis lost its script cache (restart, SCRIPT FLUSH): scripts are loaded again. */
static void test_script_flush(void **state)
{
    (void)state;
    fc_err_t err;
    fc_jobq_t *q = s_queue("flush", NULL);
    s_enqueue(q, "a", "p", 0);
    redisReply *r = fc_redis_cmd(g_redis, &err, "SCRIPT FLUSH");
    assert_non_null(r);
    freeReplyObject(r);
    s_enqueue(q, "b", "p", 0);
    fc_job_t *job = s_reserve(q, T0);
    assert_string_equal(job->id, "a");
    assert_rc(fc_jobq_ack(q, job, &err), FC_OK, &err);
    fc_job_destroy(&job);
    fc_jobq_destroy(&q);
}

/* One competing worker: reserve and ack until nothing is due, writing each acked id as a
 * line to fd (one write of less than PIPE_BUF bytes, so lines never interleave). */
static int s_worker(const char *queue, int fd)
{
    fc_err_t err;
    int status = 0;
    fc_redis_t *redis = fc_redis_new(g_url, &err);
    if (!redis) {
        fprintf(stderr, "worker %ld: %s\n", (long)getpid(), err.message);
        return 2;
    }
    fc_jobq_t *q = fc_jobq_new(redis, queue, NULL);
    for (;;) {
        fc_job_t *job = NULL;
        int rc = fc_jobq_reserve(q, T0, &job, &err);
        if (rc == FC_ENOTFOUND)
            break;
        if (rc == FC_OK)
            rc = fc_jobq_ack(q, job, &err);
        if (rc != FC_OK) {
            fprintf(stderr, "worker %ld: %s\n", (long)getpid(), err.message);
            fc_job_destroy(&job);
            status = 3;
            break;
        }
        char line[64];
        int n = snprintf(line, sizeof line, "%s\n", job->id);
        if (write(fd, line, (size_t)n) != n)
            status = 4;
        fc_job_destroy(&job);
        if (status)
            break;
    }
    fc_jobq_destroy(&q);
    fc_redis_destroy(&redis);
    return status;
}

static void test_concurrent_workers(void **state)
{
    (void)state;
    char queue[128];
    snprintf(queue, sizeof queue, "%s_race", g_tag);
    fc_jobq_t *q = fc_jobq_new(g_redis, queue, NULL);
    char id[16];
    for (int i = 0; i < N_JOBS; i++) {
        snprintf(id, sizeof id, "c%04d", i);
        s_enqueue(q, id, id, 0);
    }
    s_assert_depth(q, N_JOBS, 0, 0, 0);

    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pids[N_WORKERS];
    fflush(NULL);
    for (int w = 0; w < N_WORKERS; w++) {
        pids[w] = fork();
        assert_true(pids[w] >= 0);
        if (pids[w] == 0) {
            /* the parent's connection is not ours to use: let go of the copy */
            fc_jobq_destroy(&q);
            fc_redis_destroy(&g_redis);
            close(fds[0]);
            int status = s_worker(queue, fds[1]);
            close(fds[1]);
            exit(status);
        }
    }
    close(fds[1]);

    /* read while the workers run: the ids do not all fit in a pipe buffer */
    int *acked = fc_xcalloc(N_JOBS, sizeof *acked);
    int lines = 0, bad = 0;
    FILE *in = fdopen(fds[0], "r");
    assert_non_null(in);
    char line[64];
    while (fgets(line, sizeof line, in)) {
        int n = -1;
        if (sscanf(line, "c%d", &n) == 1 && n >= 0 && n < N_JOBS)
            acked[n]++;
        else
            bad++;
        lines++;
    }
    fclose(in);
    for (int w = 0; w < N_WORKERS; w++) {
        int status = -1;
        assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    int twice = 0, missing = 0;
    for (int i = 0; i < N_JOBS; i++) {
        if (acked[i] == 0)
            missing++;
        if (acked[i] > 1)
            twice++;
    }
    free(acked);
    if (twice || missing || bad)
        print_error("%d ids acked more than once, %d missing, %d bad lines\n", twice, missing, bad);
    assert_int_equal(bad, 0);
    assert_int_equal(twice, 0);
    assert_int_equal(missing, 0);
    assert_int_equal(lines, N_JOBS);
    s_assert_depth(q, 0, 0, 0, 0);
    fc_jobq_destroy(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_fifo),
        cmocka_unit_test(test_duplicate_enqueue),
        cmocka_unit_test(test_reenqueue_after_ack),
        cmocka_unit_test(test_delayed),
        cmocka_unit_test(test_lease_expiry),
        cmocka_unit_test(test_extend),
        cmocka_unit_test(test_fail_backoff_dead),
        cmocka_unit_test(test_backoff_cap_and_jitter),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_reap),
        cmocka_unit_test(test_exists),
        cmocka_unit_test(test_schedule_claim),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_unavailable),
        cmocka_unit_test(test_redis_gone),
        cmocka_unit_test(test_script_flush),
        cmocka_unit_test(test_concurrent_workers),
    };
    return cmocka_run_group_tests_name("fc_job", tests, s_group_setup, s_group_teardown);
}

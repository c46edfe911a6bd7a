/* Integration tests of the event path against real PostgreSQL and Redis: outbox → relay →
 * stream → consumer group → inbox + effect, exactly once even when the relay publishes twice,
 * when a consumer is killed between its commit and its acknowledgement, when an event is bad
 * (rejected once, not retried) and when a handler keeps failing (dead-lettered). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fc/v1/common.pb-c.h"
#include "fc_consumer.h"
#include "fc_harness.h"
#include "fc_log.h"
#include "fc_migrate.h"
#include "fc_outbox.h"
#include "fc_pb.h"

#define STREAM "fc:events:report"

static fc_pg_t *s_pg(const char *role, const char *schema)
{
    fc_pg_opts_t o = {getenv("FC_PG_URL"), role, NULL, schema, "test_fc_events", 5};
    fc_err_t err;
    fc_pg_t *pg = fc_pg_new(&o, &err);
    if (!pg)
        fail_msg("connect: %s", err.message);
    if (fc_migrate(pg, schema, "/nonexistent-dir-means-common-tables-only", NULL, &err) != FC_OK)
        fail_msg("migrate: %s", err.message);
    return pg;
}

static fc_redis_t *s_redis(void)
{
    fc_err_t err;
    fc_redis_t *r = fc_redis_new(getenv("FC_REDIS_URL"), &err);
    if (!r)
        fail_msg("redis: %s", err.message);
    return r;
}

/* How many more times a "flaky_once" event fails transiently before it applies. */
static int s_flaky_once_failures;

/* The effect: one row per application, deliberately without a unique key, so a second
 * application of the same event would show as a second row. "bad" events are rejected;
 * "flaky" ones always fail transiently. */
static int on_event(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    (void)app;
    Fc__V1__QueueDepth *q = (Fc__V1__QueueDepth *)fc_pb_unpack(
        &fc__v1__queue_depth__descriptor, ev->payload, ev->payload_len, FC_PB_MAX_MESSAGE, NULL,
        "payload", err);
    if (!q)
        return FC_EINVAL;
    int rc;
    if (strcmp(q->name, "bad") == 0)
        rc = fc_err_set(err, FC_EINVAL, "name", "this event can never apply");
    else if (strcmp(q->name, "flaky") == 0)
        rc = fc_err_set(err, FC_EAGAIN, "name", "not now");
    else if (strcmp(q->name, "flaky_once") == 0 && s_flaky_once_failures > 0) {
        s_flaky_once_failures--;
        rc = fc_err_set(err, FC_EAGAIN, "name", "not now (a deadlock, say)");
    }
    else {
        const char *p[] = {ev->event_id, q->name};
        rc = fc_pg_cmd(pg, "INSERT INTO effects (event_id, name) VALUES ($1, $2)", 2, p, NULL,
                       err);
    }
    protobuf_c_message_free_unpacked(&q->base, NULL);
    return rc;
}

static void s_publish(fc_pg_t *pg, int n, const char *name)
{
    fc_err_t err;
    assert_int_equal(fc_pg_begin(pg, &err), FC_OK);
    for (int i = 0; i < n; i++) {
        Fc__V1__QueueDepth q = FC__V1__QUEUE_DEPTH__INIT;
        q.name = (char *)name;
        q.depth = i;
        assert_int_equal(fc_outbox_add(pg, STREAM, "test.thing", &q.base, 0, NULL, &err), FC_OK);
    }
    assert_int_equal(fc_pg_commit(pg, &err), FC_OK);
}

static void s_relay_all(fc_pg_t *pg, fc_redis_t *r)
{
    fc_outbox_relay_t *relay = fc_outbox_relay_new(pg, r, "report", 0);
    fc_err_t err;
    int n;
    do {
        assert_int_equal(fc_outbox_relay_run(relay, 100, &n, &err), FC_OK);
    } while (n > 0);
    fc_outbox_relay_destroy(&relay);
}

static int s_drain(fc_consumer_t *c, int rounds)
{
    int total = 0;
    for (int i = 0; i < rounds; i++) {
        int n = 0;
        fc_err_t err;
        fc_consumer_poll(c, &n, &err);
        total += n;
        if (n == 0)
            fc_h_sleep_ms(20);
    }
    return total;
}

static int s_setup(void **state)
{
    (void)state;
    fc_h_init("test_fc_events");
    return 0;
}

static void s_fresh(fc_pg_t **producer, fc_pg_t **consumer_pg, fc_redis_t **r)
{
    fc_h_reset();
    *producer = s_pg("fc_report", "report");
    *consumer_pg = s_pg("fc_rotation", "rotation");
    fc_err_t err;
    assert_int_equal(fc_pg_cmd(*consumer_pg, "CREATE TABLE effects (event_id text, name text)", 0,
                               NULL, NULL, &err),
                     FC_OK);
    *r = s_redis();
}

static void test_exactly_once_with_double_publish(void **state)
{
    (void)state;
    fc_pg_t *prod, *cons;
    fc_redis_t *r;
    s_fresh(&prod, &cons, &r);
    fc_err_t err;
    fc_consumer_t *c =
        fc_consumer_new(r, cons, STREAM, "rotation", "c1", on_event, NULL, NULL, &err);
    assert_non_null(c);
    s_publish(prod, 250, "ok");
    s_relay_all(prod, r);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM report.outbox WHERE published_at IS NULL"),
                     0);
    /* as if the relay died after XADD and before marking: everything goes out again */
    assert_int_equal(fc_pg_cmd(prod, "UPDATE outbox SET published_at = NULL", 0, NULL, NULL, &err),
                     FC_OK);
    s_relay_all(prod, r);
    redisReply *len = fc_redis_cmd(r, &err, "XLEN %s", STREAM);
    assert_int_equal(len->integer, 500);
    freeReplyObject(len);
    s_drain(c, 30);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM rotation.effects"), 250);
    assert_int_equal(fc_h_scalar("SELECT count(DISTINCT event_id) FROM rotation.effects"), 250);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM rotation.inbox"), 250);
    assert_int_equal(fc_consumer_pending(c), 0);
    fc_consumer_destroy(&c);
    fc_redis_destroy(&r);
    fc_pg_destroy(&cons);
    fc_pg_destroy(&prod);
}

/* A batch mixing a failing event with good ones: the good ones commit together, the failing
 * one is undone alone and stays pending; ignored types are acknowledged with no inbox row. */
static void test_batch_savepoints_and_ignored_types(void **state)
{
    (void)state;
    fc_pg_t *prod, *cons;
    fc_redis_t *r;
    s_fresh(&prod, &cons, &r);
    fc_err_t err;
    fc_consumer_t *c = fc_consumer_new(r, cons, STREAM, "rotation", "c1", on_event, NULL,
                                       &(fc_consumer_opts_t){64, 60000, 10}, &err);
    assert_non_null(c);
    s_publish(prod, 10, "ok");
    s_publish(prod, 1, "flaky");
    s_publish(prod, 10, "ok");
    s_relay_all(prod, r);
    s_drain(c, 3);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM rotation.effects"), 20);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM rotation.inbox"), 20);
    assert_int_equal(fc_consumer_pending(c), 1); /* the flaky one, for reclaim */
    static const char *const ignored[] = {"test.other", "test.thing", NULL};
    fc_consumer_ignore(c, ignored);
    s_publish(prod, 30, "ok");
    s_relay_all(prod, r);
    /* the new ones are acknowledged unread, and so is the flaky one when it is tried again
     * (soon, not claim_idle_ms later: see test_failed_for_now_is_retried_soon) */
    for (int i = 0; i < 300 && fc_consumer_pending(c) > 0; i++)
        s_drain(c, 1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM rotation.effects"), 20);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM rotation.inbox"), 20);
    assert_int_equal(fc_consumer_pending(c), 0);
    fc_consumer_destroy(&c);
    fc_redis_destroy(&r);
    fc_pg_destroy(&cons);
    fc_pg_destroy(&prod);
}

/* An event that fails for now (a deadlock) is tried again within seconds, by its own
 * consumer, not after claim_idle_ms (a minute here): the events after it do not wait. */
static void test_failed_for_now_is_retried_soon(void **state)
{
    (void)state;
    fc_pg_t *prod, *cons;
    fc_redis_t *r;
    s_fresh(&prod, &cons, &r);
    fc_err_t err;
    fc_consumer_t *c = fc_consumer_new(r, cons, STREAM, "rotation", "c1", on_event, NULL,
                                       &(fc_consumer_opts_t){64, 60000, 10}, &err);
    assert_non_null(c);
    s_flaky_once_failures = 2;
    s_publish(prod, 3, "ok");
    s_publish(prod, 1, "flaky_once");
    s_publish(prod, 3, "ok");
    s_relay_all(prod, r);
    /* at most 5 s of polling: the reclaim would only come after 60 */
    for (int i = 0; i < 250 && fc_h_scalar("SELECT count(*) FROM rotation.effects") < 7; i++)
        s_drain(c, 1);
    assert_int_equal(s_flaky_once_failures, 0);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM rotation.effects"), 7);
    assert_int_equal(fc_h_scalar("SELECT count(DISTINCT event_id) FROM rotation.effects"), 7);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM rotation.inbox"), 7);
    assert_int_equal(fc_consumer_pending(c), 0);
    fc_consumer_destroy(&c);
    fc_redis_destroy(&r);
    fc_pg_destroy(&cons);
    fc_pg_destroy(&prod);
}

static void test_killed_between_commit_and_ack(void **state)
{
    (void)state;
    fc_pg_t *prod, *cons;
    fc_redis_t *r;
    s_fresh(&prod, &cons, &r);
    fc_err_t err;
    /* create the group first so the child's reads start at the beginning */
    fc_consumer_t *c = fc_consumer_new(r, cons, STREAM, "rotation", "survivor", on_event, NULL,
                                       &(fc_consumer_opts_t){0, 300, 10}, &err);
    assert_non_null(c);
    s_publish(prod, 20, "ok");
    s_relay_all(prod, r);
    fflush(NULL);
    pid_t kid = fork();
    if (kid == 0) {
        /* a consumer that dies with SIGKILL right after committing its first batch */
        setenv("FC_FAULT", "consumer.after_commit", 1);
        fc_pg_t *pg = s_pg("fc_rotation", "rotation");
        fc_redis_t *rr = s_redis();
        fc_err_t e;
        fc_consumer_t *victim =
            fc_consumer_new(rr, pg, STREAM, "rotation", "victim", on_event, NULL, NULL, &e);
        int n;
        fc_consumer_poll(victim, &n, &e); /* own pending: none */
        fc_consumer_poll(victim, &n, &e); /* new entries: dies inside */
        _exit(3);
    }
    int status;
    waitpid(kid, &status, 0);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    /* the victim committed its whole batch in one transaction and acknowledged none of it */
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM rotation.effects"), 20);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM rotation.inbox"), 20);
    fc_h_sleep_ms(400); /* past claim_idle: the survivor takes them over */
    s_drain(c, 40);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM rotation.effects"), 20);
    assert_int_equal(fc_h_scalar("SELECT count(DISTINCT event_id) FROM rotation.effects"), 20);
    assert_int_equal(fc_consumer_pending(c), 0);
    fc_consumer_destroy(&c);
    fc_redis_destroy(&r);
    fc_pg_destroy(&cons);
    fc_pg_destroy(&prod);
}

static void test_rejected_and_dead_lettered(void **state)
{
    (void)state;
    fc_pg_t *prod, *cons;
    fc_redis_t *r;
    s_fresh(&prod, &cons, &r);
    fc_err_t err;
    fc_consumer_t *c = fc_consumer_new(r, cons, STREAM, "rotation", "c1", on_event, NULL,
                                       &(fc_consumer_opts_t){0, 50, 3}, &err);
    s_publish(prod, 1, "bad");
    s_publish(prod, 1, "flaky");
    s_publish(prod, 3, "ok");
    /* and an entry that is not an event at all */
    redisReply *x = fc_redis_cmd(r, &err, "XADD %s * junk 1", STREAM);
    freeReplyObject(x);
    s_relay_all(prod, r);
    for (int i = 0; i < 40; i++) {
        s_drain(c, 1);
        fc_h_sleep_ms(30);
    }
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM rotation.effects"), 3);
    assert_int_equal(
        fc_h_scalar("SELECT count(*) FROM rotation.inbox WHERE outcome = 'rejected'"), 1);
    /* the flaky one was tried max_deliveries times and now waits in the dead-letter stream */
    redisReply *dl = fc_redis_cmd(r, &err, "XLEN %s:dead:rotation", STREAM);
    assert_int_equal(dl->integer, 1);
    freeReplyObject(dl);
    assert_int_equal(fc_consumer_pending(c), 0);
    fc_consumer_destroy(&c);
    fc_redis_destroy(&r);
    fc_pg_destroy(&cons);
    fc_pg_destroy(&prod);
}

int main(void)
{
    fc_log_init("test_fc_events", FC_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exactly_once_with_double_publish),
        cmocka_unit_test(test_batch_savepoints_and_ignored_types),
        cmocka_unit_test(test_failed_for_now_is_retried_soon),
        cmocka_unit_test(test_killed_between_commit_and_ack),
        cmocka_unit_test(test_rejected_and_dead_lettered),
    };
    return cmocka_run_group_tests(tests, s_setup, NULL);
}

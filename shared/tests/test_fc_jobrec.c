/* Integration tests of fc_jobrec over real PostgreSQL and Redis: jobs recorded with the change
 * that caused them are restored by the sweeper after Redis loses them, and a worker that dies
 * after committing its effect but before acknowledging does not apply it twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fc_harness.h"
#include "fc_jobrec.h"
#include "fc_log.h"
#include "fc_migrate.h"

#define QUEUE "reminders"

typedef struct {
    fc_pg_t *pg;
    fc_redis_t *redis;
    fc_jobq_t *q;
} s_env_t;

static int s_setup(void **state)
{
    fc_h_init("test_fc_jobrec");
    fc_h_reset();
    s_env_t *e = calloc(1, sizeof *e);
    fc_pg_opts_t o = {getenv("FC_PG_URL"), "fc_notify", NULL, "notify", "test_fc_jobrec", 5};
    fc_err_t err;
    e->pg = fc_pg_new(&o, &err);
    assert_non_null(e->pg);
    assert_int_equal(fc_migrate(e->pg, "notify", "/nonexistent", NULL, &err), FC_OK);
    assert_int_equal(fc_pg_cmd(e->pg, "CREATE TABLE sent (job_id text, body text)", 0, NULL, NULL,
                               &err),
                     FC_OK);
    e->redis = fc_redis_new(getenv("FC_REDIS_URL"), &err);
    assert_non_null(e->redis);
    fc_jobq_opts_t qo = {.lease_ms = 100, .max_attempts = 5, .backoff_base_ms = 10};
    e->q = fc_jobq_new(e->redis, QUEUE, &qo);
    *state = e;
    return 0;
}

static int s_teardown(void **state)
{
    s_env_t *e = *state;
    fc_jobq_destroy(&e->q);
    fc_redis_destroy(&e->redis);
    fc_pg_destroy(&e->pg);
    free(e);
    return 0;
}

/* One worker step at now_ms: the documented pattern. die_before_ack leaves the lease to
 * expire, as a worker killed right after its commit would. Returns 1 if a job was taken. */
static int s_work(s_env_t *e, int64_t now_ms, int die_before_ack)
{
    fc_job_t *job = NULL;
    fc_err_t err;
    if (fc_jobq_reserve(e->q, now_ms, &job, &err) != FC_OK)
        return 0;
    assert_int_equal(fc_pg_begin(e->pg, &err), FC_OK);
    int rc = fc_jobrec_claim(e->pg, job->id, &err);
    if (rc == FC_EDUP) {
        fc_pg_rollback(e->pg);
        assert_int_equal(fc_jobq_ack(e->q, job, &err), FC_OK);
        fc_job_destroy(&job);
        return 1;
    }
    assert_int_equal(rc, FC_OK);
    const char *p[] = {job->id, job->payload};
    assert_int_equal(fc_pg_cmd(e->pg, "INSERT INTO sent VALUES ($1, $2)", 2, p, NULL, &err), FC_OK);
    assert_int_equal(fc_jobrec_finish(e->pg, job->id, "done", NULL, &err), FC_OK);
    assert_int_equal(fc_pg_commit(e->pg, &err), FC_OK);
    if (!die_before_ack)
        assert_int_equal(fc_jobq_ack(e->q, job, &err), FC_OK);
    fc_job_destroy(&job);
    return 1;
}

static void s_record(s_env_t *e, int n, int64_t at_us)
{
    fc_err_t err;
    assert_int_equal(fc_pg_begin(e->pg, &err), FC_OK);
    for (int i = 0; i < n; i++) {
        char id[32], body[64];
        snprintf(id, sizeof id, "reminder-%d", i);
        snprintf(body, sizeof body, "请于今日完成谈心谈话 #%d", i);
        assert_int_equal(fc_jobrec_add(e->pg, QUEUE, id, body, at_us, &err), FC_OK);
    }
    assert_int_equal(fc_pg_commit(e->pg, &err), FC_OK);
}

static void test_sweeper_restores_what_redis_lost(void **state)
{
    s_env_t *e = *state;
    fc_err_t err;
    int64_t now_ms = 1800000000000LL;
    s_record(e, 50, now_ms * 1000);
    /* the same id again changes nothing */
    assert_int_equal(fc_pg_begin(e->pg, &err), FC_OK);
    assert_int_equal(fc_jobrec_add(e->pg, QUEUE, "reminder-7", "x", 0, &err), FC_EDUP);
    fc_pg_rollback(e->pg);
    /* dispatch the first 20, then Redis loses everything (a restart without its last writes) */
    for (int i = 0; i < 20; i++) {
        char id[32];
        snprintf(id, sizeof id, "reminder-%d", i);
        assert_int_equal(fc_jobrec_dispatch(e->q, id, "body", now_ms * 1000, &err), FC_OK);
    }
    redisReply *r = fc_redis_cmd(e->redis, &err, "FLUSHALL");
    freeReplyObject(r);
    int n = 0;
    assert_int_equal(fc_jobrec_sweep(e->pg, e->q, QUEUE, now_ms * 1000, 1000, &n, &err), FC_OK);
    assert_int_equal(n, 50);
    /* a second sweep finds everything held */
    assert_int_equal(fc_jobrec_sweep(e->pg, e->q, QUEUE, now_ms * 1000, 1000, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    while (s_work(e, now_ms, 0))
        ;
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.sent"), 50);
    assert_int_equal(fc_h_scalar("SELECT count(DISTINCT job_id) FROM notify.sent"), 50);
    long long pending, done;
    assert_int_equal(fc_jobrec_counts(e->pg, QUEUE, &pending, &done, NULL, &err), FC_OK);
    assert_int_equal(pending, 0);
    assert_int_equal(done, 50);
    /* finished jobs are not swept back */
    assert_int_equal(fc_jobrec_sweep(e->pg, e->q, QUEUE, now_ms * 1000, 1000, &n, &err), FC_OK);
    assert_int_equal(n, 0);
}

static void test_worker_dies_before_ack(void **state)
{
    s_env_t *e = *state;
    fc_err_t err;
    int64_t now_ms = 1800000100000LL;
    assert_int_equal(fc_pg_begin(e->pg, &err), FC_OK);
    assert_int_equal(fc_jobrec_add(e->pg, QUEUE, "visit-1", "24 小时内看望慰问", now_ms * 1000,
                                   &err),
                     FC_OK);
    assert_int_equal(fc_pg_commit(e->pg, &err), FC_OK);
    assert_int_equal(fc_jobrec_dispatch(e->q, "visit-1", "24 小时内看望慰问", now_ms * 1000, &err),
                     FC_OK);
    assert_int_equal(s_work(e, now_ms, 1), 1); /* effect committed, no ack */
    /* the lease runs out; the job comes back; the claim finds it done and only acknowledges */
    assert_int_equal(s_work(e, now_ms + 1000, 0), 1);
    assert_int_equal(s_work(e, now_ms + 2000, 0), 0);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.sent WHERE job_id = 'visit-1'"), 1);
}

int main(void)
{
    fc_log_init("test_fc_jobrec", FC_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweeper_restores_what_redis_lost),
        cmocka_unit_test(test_worker_dies_before_ack),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}

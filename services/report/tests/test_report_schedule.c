/* The weekly schedule over real processes and an injected clock (FC_CLOCK=file:): two
 * replicas of fc-report run the Monday 08:00 report exactly once per period (the last one missed
 * before they started included) — also when Redis
 * forgets the claim, since the PostgreSQL record of the period decides — the next period runs
 * again, and a run missed while no replica was up is made when one comes back. */
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
#include "fc/v1/intake.pb-c.h"
#include "fc_clock.h"
#include "fc_harness.h"
#include "fc_health.h"
#include "fc_id.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "fc_pb.h"
#include "fc_redis.h"

static char s_clock[64];
static pid_t s_pids[4];

static void s_set_clock(const char *iso)
{
    FILE *f = fopen(s_clock, "w");
    fprintf(f, "%s\n", iso);
    fclose(f);
}

static void s_org(fc_redis_t *redis, const char *code, const char *parent, const char *kind)
{
    Fc__V1__OrgUnit u = FC__V1__ORG_UNIT__INIT;
    u.org_code = (char *)code;
    u.parent_code = (char *)parent;
    u.name = (char *)code;
    u.kind = (char *)kind;
    Fc__V1__OrgUpserted e = FC__V1__ORG_UPSERTED__INIT;
    e.unit = &u;
    e.at_us = 1;
    size_t len = 0;
    uint8_t *payload = fc_pb_pack(&e.base, &len);
    char id[FC_ID_LEN + 1];
    fc_id_new(id);
    const char *argv[] = {"XADD",
                          "fc:events:intake",
                          "*",
                          "id",
                          id,
                          "type",
                          "intake.org_upserted",
                          "source",
                          "intake",
                          "at",
                          "1",
                          "payload",
                          (const char *)payload};
    size_t lens[13];
    for (int i = 0; i < 12; i++)
        lens[i] = strlen(argv[i]);
    lens[12] = len;
    fc_err_t err;
    redisReply *r = fc_redis_cmdargv(redis, &err, 13, argv, lens);
    assert_non_null(r);
    freeReplyObject(r);
    free(payload);
}

static void s_wait_health(const char *endpoint)
{
    for (int i = 0; i < 200; i++) {
        Fc__V1__HealthReply *h = NULL;
        fc_err_t err;
        if (fc_health_query(NULL, endpoint, 300, &h, &err) == FC_OK) {
            fc__v1__health_reply__free_unpacked(h, NULL);
            return;
        }
        fc_h_sleep_ms(fc_h_ms(100));
    }
    fail_msg("replica at %s did not come up", endpoint);
}

#define SCHEDULED "SELECT count(*) FROM report.report WHERE trigger = 'schedule'"

static int s_teardown(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++)
        if (s_pids[i] > 0 && kill(s_pids[i], 0) == 0)
            fc_h_stop(s_pids[i], SIGKILL, 5000);
    return 0;
}

static void test_schedule_once(void **state)
{
    (void)state;
    fc_h_reset();
    fc_err_t err;
    fc_redis_t *redis = fc_redis_new(getenv("FC_REDIS_URL"), &err);
    assert_non_null(redis);
    s_org(redis, "G", "", "group");
    s_org(redis, "S1", "G", "subsidiary");
    snprintf(s_clock, sizeof s_clock, "/tmp/fc_report_clock_XXXXXX");
    int fd = mkstemp(s_clock);
    close(fd);
    s_set_clock("2026-11-23T07:59:00+08:00");
    char clock_env[128], listen_env[128], endpoint[96];
    snprintf(clock_env, sizeof clock_env, "FC_CLOCK=file:%s", s_clock);
    snprintf(endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", atoi(getenv("FC_TEST_PORT_BASE")));
    snprintf(listen_env, sizeof listen_env, "FC_LISTEN=%s", endpoint);
    const char *a_env[] = {clock_env,
                           "FC_REPORT_CATCHUP_S=0",
                           "FC_REPORT_SOURCE_TIMEOUT_MS=200",
                           "FC_REPORT_CLAIM_TTL_S=1",
                           "FC_CONSUMER_NAME=report-a",
                           NULL};
    const char *b_env[] = {clock_env,
                           listen_env,
                           "FC_REPORT_CATCHUP_S=0",
                           "FC_REPORT_SOURCE_TIMEOUT_MS=200",
                           "FC_REPORT_CLAIM_TTL_S=1",
                           "FC_CONSUMER_NAME=report-b",
                           NULL};
    s_pids[0] = fc_h_up("report", a_env);
    s_pids[1] = fc_h_start("report", b_env);
    s_wait_health(endpoint);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM report.org", 2, fc_h_ms(10000)), 2);

    /* at start the last run (Monday 2026-11-16 08:00, for W46) had not been made: it is made
     * now, once; before 08:00 on the 23rd nothing else runs */
    assert_int_equal(fc_h_wait_scalar(SCHEDULED, 1, fc_h_ms(20000)), 1);
    fc_h_sleep_ms(fc_h_ms(2000));
    assert_int_equal(fc_h_scalar(SCHEDULED), 1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM report.report WHERE iso_week = '2026-W46'"),
                     1);

    /* 08:00: one report for the ISO week before, by one replica */
    s_set_clock("2026-11-23T08:00:30+08:00");
    assert_int_equal(fc_h_wait_scalar(SCHEDULED, 2, fc_h_ms(20000)), 2);
    fc_h_sleep_ms(fc_h_ms(3000));
    assert_int_equal(fc_h_scalar(SCHEDULED), 2);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM report.report WHERE trigger = 'schedule'"
                                 " AND iso_week = '2026-W47' AND org_code = 'G'"),
                     1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM report.schedule_runs WHERE"
                                 " schedule = 'report.weekly' AND period = '2026-W47'"),
                     1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM report.schedule_runs"), 2);

    /* Redis forgets the claim (its TTL ran out, or a failover lost it): the record holds */
    redisReply *r = fc_redis_cmd(redis, &err, "DEL fc:sched:report.weekly:2026-W47");
    freeReplyObject(r);
    fc_h_sleep_ms(fc_h_ms(3000));
    assert_int_equal(fc_h_scalar(SCHEDULED), 2);

    /* the next Monday: the next period, once */
    s_set_clock("2026-11-30T08:00:05+08:00");
    assert_int_equal(fc_h_wait_scalar(SCHEDULED, 3, fc_h_ms(20000)), 3);
    fc_h_sleep_ms(fc_h_ms(2000));
    assert_int_equal(fc_h_scalar(SCHEDULED), 3);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM report.report WHERE trigger = 'schedule'"
                                 " AND iso_week = '2026-W48'"),
                     1);

    /* both replicas stop; the Monday run passes while none is up; one comes back at 09:30 */
    for (int i = 0; i < 2; i++) {
        int st = fc_h_stop(s_pids[i], SIGTERM, fc_h_ms(10000));
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        s_pids[i] = 0;
    }
    s_set_clock("2026-12-07T09:30:00+08:00");
    s_pids[2] = fc_h_up("report", a_env);
    assert_int_equal(fc_h_wait_scalar(SCHEDULED, 4, fc_h_ms(20000)), 4);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM report.report WHERE trigger = 'schedule'"
                                 " AND iso_week = '2026-W49'"),
                     1);
    int st = fc_h_stop(s_pids[2], SIGTERM, fc_h_ms(10000));
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    s_pids[2] = 0;
    unlink(s_clock);
    fc_redis_destroy(&redis);
}

int main(void)
{
    fc_log_init("test_report_schedule", FC_LOG_ERROR);
    fc_h_init("test_report_schedule");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_schedule_once, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The foundation's flow end to end over real processes: fcctl records health check-ins,
 * fc-intake validates and stores them with their events in one transaction, fc-rotation and
 * fc-report each apply every event into their own schema exactly once — also when a consumer
 * is killed with SIGKILL between applying and acknowledging, and when intake is killed between
 * its commit and the relay (the client's retry with the same message id gets the stored reply,
 * not a second check-in). Every service stops with exit 0 on SIGTERM. */
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

#include "fc/v1/intake.pb-c.h"
#include "fc_endpoints.h"
#include "fc_harness.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "fc_rpc.h"

#define PEOPLE 100

static const char *s_fast_claim[] = {"FC_CLAIM_IDLE_MS=500", "FC_REPORT_SCHEDULE_ENABLED=0", NULL};

static void s_seed_org_and_people(void)
{
    assert_int_equal(fc_h_fcctl(NULL, "org add G --name 集团 --kind group >/dev/null"), 0);
    assert_int_equal(fc_h_fcctl(NULL, "org add S1 --parent G --name 子公司 --kind subsidiary "
                                      ">/dev/null"),
                     0);
    assert_int_equal(fc_h_fcctl(NULL, "org add B1 --parent S1 --name 支部 --kind branch >/dev/null"),
                     0);
    Fc__V1__Person *people = fc_xcalloc(PEOPLE, sizeof *people);
    Fc__V1__Person **ptrs = fc_xcalloc(PEOPLE, sizeof *ptrs);
    char (*emp)[16] = fc_xcalloc(PEOPLE, sizeof *emp);
    for (int i = 0; i < PEOPLE; i++) {
        fc__v1__person__init(&people[i]);
        snprintf(emp[i], sizeof emp[i], "E%04d", i);
        people[i].employee_no = emp[i];
        people[i].name = "测试人员";
        people[i].org_code = "B1";
        people[i].fit_for_frontline = 1;
        ptrs[i] = &people[i];
    }
    Fc__V1__PersonUpsertRequest req = FC__V1__PERSON_UPSERT_REQUEST__INIT;
    req.people = ptrs;
    req.n_people = PEOPLE;
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("intake"), NULL);
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    assert_int_equal(fc_rpc_call(c, "intake.person_upsert", &req.base,
                                 &fc__v1__person_upsert_reply__descriptor, &reply, NULL, &err),
                     FC_OK);
    assert_int_equal(((Fc__V1__PersonUpsertReply *)reply)->inserted, PEOPLE);
    protobuf_c_message_free_unpacked(reply, NULL);
    fc_rpc_client_destroy(&c);
    free(people);
    free(ptrs);
    free(emp);
}

/* Writes n check-ins (round robin over the people) to a CSV and records them with fcctl. */
static void s_checkins_via_fcctl(int n, int fevers_every)
{
    char path[] = "/tmp/fc_flow_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "employee_no,temperature\n");
    for (int i = 0; i < n; i++)
        fprintf(f, "E%04d,%s\n", i % PEOPLE, fevers_every && i % fevers_every == 0 ? "38.1" : "36.4");
    fclose(f);
    char *out = NULL;
    assert_int_equal(fc_h_fcctl(&out, "checkin --file %s", path), 0);
    char expect[64];
    snprintf(expect, sizeof expect, "已记录 %d 条健康打卡", n);
    assert_non_null(strstr(out, expect));
    free(out);
    unlink(path);
}

static void s_expect_totals(long long want)
{
    char sql[160];
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.health_checkin"), want);
    assert_int_equal(fc_h_wait_scalar("SELECT COALESCE(sum(checkins), 0) FROM rotation.person_health",
                                      want, fc_h_ms(15000)),
                     want);
    assert_int_equal(fc_h_wait_scalar("SELECT COALESCE(sum(checkins), 0) FROM report.health_daily",
                                      want, fc_h_ms(15000)),
                     want);
    /* each event applied once in each consumer: inbox rows = events = check-ins */
    snprintf(sql, sizeof sql, "SELECT count(*) FROM rotation.inbox WHERE type = "
                              "'intake.health_checked_in'");
    assert_int_equal(fc_h_scalar(sql), want);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM report.inbox WHERE type = "
                                 "'intake.health_checked_in'"),
                     want);
}

static void test_flow_exactly_once(void **state)
{
    (void)state;
    fc_h_reset();
    pid_t intake = fc_h_up("intake", NULL);
    pid_t rotation = fc_h_up("rotation", s_fast_claim);
    pid_t report = fc_h_up("report", s_fast_claim);
    s_seed_org_and_people();

    /* 1. the plain flow */
    s_checkins_via_fcctl(300, 10);
    s_expect_totals(300);
    assert_int_equal(fc_h_scalar("SELECT sum(fevers) FROM report.health_daily"), 30);

    /* 2. rotation dies with SIGKILL after committing an event and before acknowledging it */
    int st = fc_h_stop(rotation, SIGTERM, fc_h_ms(10000));
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    const char *fault[] = {"FC_CLAIM_IDLE_MS=500", "FC_FAULT=consumer.after_commit", NULL};
    pid_t victim = fc_h_start("rotation", fault);
    s_checkins_via_fcctl(50, 0);
    st = fc_h_wait_exit(victim, fc_h_ms(20000));
    assert_true(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    rotation = fc_h_up("rotation", s_fast_claim); /* reclaims what the victim held */
    s_expect_totals(350);

    /* 3. intake dies after committing a check-in, before relaying its event or replying */
    st = fc_h_stop(intake, SIGTERM, fc_h_ms(10000));
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    const char *die[] = {"FC_FAULT=outbox.after_commit", NULL};
    intake = fc_h_up("intake", die);
    Fc__V1__HealthCheckin ci = FC__V1__HEALTH_CHECKIN__INIT;
    ci.employee_no = "E0007";
    ci.temperature_dc = 366;
    Fc__V1__HealthCheckin *items[] = {&ci};
    Fc__V1__HealthCheckinRequest req = FC__V1__HEALTH_CHECKIN_REQUEST__INIT;
    req.checkins = items;
    req.n_checkins = 1;
    char msg_id[FC_ID_LEN + 1];
    fc_id_new(msg_id);
    fc_rpc_client_opts_t once = {.timeout_ms = fc_h_ms(1500), .retries = 0};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("intake"), &once);
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    assert_int_equal(fc_rpc_call(c, "intake.health_checkin", &req.base,
                                 &fc__v1__health_checkin_reply__descriptor, &reply, msg_id, &err),
                     FC_ETIMEOUT);
    fc_rpc_client_destroy(&c);
    st = fc_h_wait_exit(intake, fc_h_ms(10000));
    assert_true(st != -1 && WIFSIGNALED(st));
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.outbox WHERE published_at IS NULL"),
                     1);
    intake = fc_h_up("intake", NULL); /* its relay publishes the committed event */
    /* the client retries with the same message id: the stored answer, no second check-in */
    c = fc_rpc_client_new(NULL, fc_endpoint_of("intake"), NULL);
    assert_int_equal(fc_rpc_call(c, "intake.health_checkin", &req.base,
                                 &fc__v1__health_checkin_reply__descriptor, &reply, msg_id, &err),
                     FC_OK);
    long long id = ((Fc__V1__HealthCheckinReply *)reply)->checkin_ids[0];
    protobuf_c_message_free_unpacked(reply, NULL);
    fc_rpc_client_destroy(&c);
    assert_int_equal(fc_h_scalar("SELECT max(id) FROM intake.health_checkin"), id);
    s_expect_totals(351);

    /* 4. SIGTERM: each drains and exits 0 */
    pid_t all[] = {intake, rotation, report};
    for (int i = 0; i < 3; i++) {
        st = fc_h_stop(all[i], SIGTERM, fc_h_ms(10000));
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
}

int main(void)
{
    fc_log_init("test_flow", FC_LOG_ERROR);
    fc_h_init("test_flow");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_exactly_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

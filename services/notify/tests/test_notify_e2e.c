/* End to end with the real producer: fc-intake and fc-notify side by side, driven only
 * through fcctl, as an operator would. Intake's events reach notify over its outbox relay and
 * Redis stream; the messages reach the fake channels. */
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

#include "fc_clock.h"
#include "fc_harness.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "notify_testkit.h"
#include "notify_world.h"

#define WAIT 15000

static notify_world_t W;
static pid_t s_intake;

/* If the harness gives up half-way (it exits), the intake this test started goes too. */
static void s_kill_intake(void)
{
    if (s_intake > 0) {
        kill(s_intake, SIGKILL);
        waitpid(s_intake, NULL, 0);
        s_intake = 0;
    }
}

static void s_ok(const char *args)
{
    assert_int_equal(nw_fcctl(args), 0);
}

static void test_intake_to_notify(void **state)
{
    (void)state;
    fc_h_init("test_notify_e2e");
    fc_h_reset();
    int64_t t0 = nt_time("2026-11-23T10:00:00+08:00");
    const char *clock = nt_clock_init("test_notify_e2e", t0);
    char *clock_env = fc_xasprintf("FC_CLOCK=file:%s", clock);
    const char *intake_env[] = {clock_env, NULL};
    atexit(s_kill_intake);
    pid_t intake = s_intake = fc_h_up("intake", intake_env);
    pid_t notify = fc_h_up("notify", nt_env(nt_port(0), nt_port(1), NULL));
    char *cmd = NULL;
    s_ok("org add G --name 河钢集团 --kind group");
    s_ok("org add S1 --parent G --name 第一子公司 --kind subsidiary");
    s_ok("org add B1 --parent S1 --name 第一党支部 --kind branch");
    s_ok("person add E001 --name 张三 --org B1 --phone 13800000001");
    s_ok("person add SEC1 --name 李书记 --org B1 --phone 13800000002 --leadership");
    s_ok("person add L1 --name 王总 --org S1 --phone 13800000003 --leadership");
    cmd = fc_xasprintf("notify desk S1 --name 'S1 Org Dept' --lang en --wecom %s", W.robot_s1);
    s_ok(cmd);
    free(cmd);
    cmd = fc_xasprintf("notify desk G --name 集团党委组织部 --wecom %s", W.robot_group);
    s_ok(cmd);
    free(cmd);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.person", 3, fc_h_ms(WAIT)), 3);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.org_unit", 3, fc_h_ms(WAIT)), 3);
    /* an injury: the branch secretary by SMS and inbox, the subsidiary's robot in English */
    s_ok("incident E001 injured --desc 卡口值守时扭伤 --on-duty");
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "13800000002", 1, WAIT), 1);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "张三"), 1);
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "Visit without delay", 1, WAIT), 1);
    char *out = NULL;
    assert_int_equal(fc_h_fcctl(&out, "inbox SEC1"), 0);
    assert_non_null(strstr(out, "请第一时间看望慰问：张三"));
    free(out);
    /* the visit is recorded; a death is reported to the group at once */
    s_ok("notify done --kind incident_visit --subject incident:1 --note 已看望");
    s_ok("incident E001 died --desc 因公殉职");
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "重大事项专报", 1, WAIT), 1);
    /* a weekly report in before the round is not chased */
    s_ok("weekly submit L1 --org S1 --week 2026-W48 --duty 包保到位 --production 平稳");
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.task WHERE kind ="
                                      " 'weekly_report' AND subject = 'L1' AND state = 'done'",
                                      1, fc_h_ms(WAIT)),
                     1);
    /* a hardship case starts the liaison's weekly check-ins */
    s_ok("case open SEC1 --category child_care --liaison L1 --desc 孩子无人照料");
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.task WHERE kind ="
                                      " 'liaison_checkin'",
                                      1, fc_h_ms(WAIT)),
                     1);
    nt_clock_set(t0 + 7 * FC_US_PER_DAY + 60 * FC_US_PER_S);
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "SMS_FC_LIAISON\"", 1, WAIT), 1);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "13800000003"), 1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.inbox WHERE outcome = 'rejected'"),
                     0);
    assert_int_equal(fc_h_stop(notify, SIGTERM, fc_h_ms(15000)), 0);
    assert_int_equal(fc_h_stop(intake, SIGTERM, fc_h_ms(15000)), 0);
    s_intake = 0;
    free(clock_env);
    nt_env_free();
}

int main(void)
{
    fc_log_init("test_notify_e2e", FC_LOG_ERROR);
    nw_fakes(&W);
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_intake_to_notify)};
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    nw_destroy(&W);
    return rc;
}

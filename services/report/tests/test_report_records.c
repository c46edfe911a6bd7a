/* test_report_records: the weekly report's overdue figures for what notify chases (issue 11)
 * over real processes: discrimination cases and a village first secretary recorded in the
 * real fc-intake through fcctl, the real fc-notify opening its tasks (the close deadline of a
 * case is its task discrimination_close), the real fc-report projecting both. Checked, by
 * docs/report-definitions.md §13 and §14: support.discrimination_overdue counts a case open
 * past its close deadline at the week's end (or now, if earlier) and nothing before the
 * deadline; village.overdue_return the assignment past its planned return. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fc/v1/report.pb-c.h"
#include "fc_clock.h"
#include "fc_endpoints.h"
#include "fc_harness.h"
#include "fc_log.h"
#include "fc_rpc.h"
#include "report_check.h"

#define DAY (86400LL * 1000000)
#define WAIT 20000

static char s_clock_file[160], s_env_clock[200];
static pid_t s_intake, s_notify, s_report;

static void s_set_clock(int64_t us)
{
    char tmp[200];
    snprintf(tmp, sizeof tmp, "%s.tmp", s_clock_file);
    FILE *f = fopen(tmp, "w");
    assert_non_null(f);
    fprintf(f, "%lld\n", (long long)us);
    fclose(f);
    assert_int_equal(rename(tmp, s_clock_file), 0);
}

static int64_t s_time(const char *iso)
{
    int64_t us = 0;
    fc_err_t err;
    assert_int_equal(fc_time_parse(iso, &us, &err), FC_OK);
    return us;
}

static void s_ok(const char *args)
{
    char *out = NULL;
    int rc = fc_h_fcctl(&out, "%s 2>&1", args);
    if (rc != 0)
        fprintf(stderr, "fcctl %s: %s\n", args, out);
    assert_int_equal(rc, 0);
    free(out);
}

/* Generates the report of week (as of the clock) and returns it (caller frees the reply). */
static Fc__V1__ReportGetReply *s_report_of(const char *week)
{
    fc_err_t err;
    fc_rpc_client_opts_t o = {.timeout_ms = fc_h_ms(60000), .retries = 0};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("report"), &o);
    Fc__V1__ReportGenerateRequest gr = FC__V1__REPORT_GENERATE_REQUEST__INIT;
    gr.iso_week = (char *)week;
    gr.org_code = "";
    ProtobufCMessage *reply = NULL;
    assert_int_equal(fc_rpc_call(c, "report.weekly_generate", &gr.base,
                                 &fc__v1__report_generate_reply__descriptor, &reply, NULL, &err),
                     FC_OK);
    Fc__V1__ReportGetRequest get = FC__V1__REPORT_GET_REQUEST__INIT;
    get.report_id = ((Fc__V1__ReportGenerateReply *)reply)->meta->report_id;
    protobuf_c_message_free_unpacked(reply, NULL);
    assert_int_equal(fc_rpc_call(c, "report.weekly_get", &get.base,
                                 &fc__v1__report_get_reply__descriptor, &reply, NULL, &err),
                     FC_OK);
    fc_rpc_client_destroy(&c);
    return (Fc__V1__ReportGetReply *)reply;
}

/* A figure of a unit's row (total: the scope's total row) in a section's by_unit table. */
static long long s_num(const Fc__V1__ReportWeekly *r, const char *section, const char *unit,
                       int total, const char *col)
{
    const Fc__V1__ReportSection *s = rc_section(r, section);
    assert_non_null(s);
    if (strcmp(s->status, "complete") != 0)
        fail_msg("section %s %s: %s", section, s->status, s->reason);
    const Fc__V1__ReportTable *t = rc_table(r, section, "by_unit");
    assert_non_null(t);
    const Fc__V1__ReportRow *row = rc_row(t, unit, total);
    if (!row)
        fail_msg("no row %s in %s", unit, section);
    const Fc__V1__ReportCell *c = rc_cell(t, row, col);
    if (!c)
        fail_msg("no column %s in %s", col, section);
    assert_false(c->is_null);
    return c->num;
}

static void test_overdue_figures(void **state)
{
    (void)state;
    fc_h_init("test_report_records");
    fc_h_reset();
    snprintf(s_clock_file, sizeof s_clock_file, "%s/test_report_records.clock",
             getenv("FC_TEST_LOG_DIR") ? getenv("FC_TEST_LOG_DIR") : "/tmp");
    snprintf(s_env_clock, sizeof s_env_clock, "FC_CLOCK=file:%s", s_clock_file);
    int64_t t0 = s_time("2026-11-23T10:00:00+08:00"); /* Monday of 2026-W48 */
    s_set_clock(t0);
    const char *env[] = {s_env_clock, NULL};
    const char *renv[] = {s_env_clock, "FC_REPORT_SCHEDULE_ENABLED=0", NULL};
    const char *nenv[] = {s_env_clock, "NOTIFY_WORKERS=1", NULL};
    s_intake = fc_h_up("intake", env);
    s_notify = fc_h_up("notify", nenv);
    s_report = fc_h_up("report", renv);
    s_ok("org add G --name 河钢集团 --kind group");
    s_ok("org add S1 --parent G --name 第一子公司 --kind subsidiary");
    s_ok("org add B1 --parent S1 --name 第一党支部 --kind branch");
    s_ok("org add S2 --parent G --name 第二子公司 --kind subsidiary");
    s_ok("org add B2 --parent S2 --name 第二党支部 --kind branch");
    s_ok("person add E1 --name 张三 --org B1");
    s_ok("person add E2 --name 李四 --org B2");
    s_ok("person add E3 --name 王五 --org B1");
    /* case 1 (S1) taken in hand, never closed; case 2 (S2) closed in time */
    s_ok("discrimination report E1 --family 母亲 --desc 小区拒绝其进入 --reporter 李书记");
    s_ok("discrimination report E2 --staff --desc 出租车拒载 --reporter 本人");
    s_ok("village assign E1 --village 西柏坡村 --planned-return 2026-12-07T09:00:00+08:00");
    s_set_clock(t0 + DAY);
    s_ok("discrimination step 1 handling --action 与社区沟通 --by 组织部");
    s_ok("discrimination step 2 handling --action 联系出租车公司 --by 组织部");
    s_set_clock(t0 + 5 * DAY);
    s_ok("discrimination step 2 closed --action 已批评教育 --by 组织部 --outcome education");
    /* case 3 (S1) reported later: its deadline falls after the week in question */
    s_set_clock(t0 + 10 * DAY);
    s_ok("discrimination report E3 --staff --desc 被拒绝就餐 --reporter 本人");
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM report.notify_task WHERE kind ="
                                      " 'discrimination_close'",
                                      3, fc_h_ms(WAIT)),
                     3);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM report.discrimination"
                                      " WHERE state = 'closed'",
                                      1, fc_h_ms(WAIT)),
                     1);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM report.village", 1, fc_h_ms(WAIT)), 1);

    /* 2026-W50 (Dec 7-13) before case 1's deadline (Dec 8 10:00): open, not overdue */
    s_set_clock(s_time("2026-12-08T09:00:00+08:00"));
    Fc__V1__ReportGetReply *rep = s_report_of("2026-W50");
    assert_int_equal(s_num(rep->report, "support", "S1", 0, "discrimination_open"), 2);
    assert_int_equal(s_num(rep->report, "support", "S1", 0, "discrimination_overdue"), 0);
    assert_int_equal(s_num(rep->report, "village", "S1", 0, "overdue_return"), 1);
    protobuf_c_message_free_unpacked(&rep->base, NULL);
    /* the week over: case 1 past its deadline, case 2 closed, case 3 not yet due */
    s_set_clock(s_time("2026-12-14T10:00:00+08:00"));
    rep = s_report_of("2026-W50");
    assert_int_equal(s_num(rep->report, "support", "S1", 0, "discrimination_open"), 2);
    assert_int_equal(s_num(rep->report, "support", "S1", 0, "discrimination_overdue"), 1);
    assert_int_equal(s_num(rep->report, "support", "S2", 0, "discrimination_open"), 0);
    assert_int_equal(s_num(rep->report, "support", "S2", 0, "discrimination_overdue"), 0);
    assert_int_equal(s_num(rep->report, "support", "G", 1, "discrimination_overdue"), 1);
    assert_int_equal(s_num(rep->report, "village", "G", 1, "overdue_return"), 1);
    protobuf_c_message_free_unpacked(&rep->base, NULL);
    /* the week before: nothing overdue yet */
    rep = s_report_of("2026-W49");
    assert_int_equal(s_num(rep->report, "support", "G", 1, "discrimination_open"), 2);
    assert_int_equal(s_num(rep->report, "support", "G", 1, "discrimination_overdue"), 0);
    protobuf_c_message_free_unpacked(&rep->base, NULL);
    /* closed after its deadline: no longer overdue in a later week */
    s_ok("discrimination step 1 closed --action 已处理 --by 组织部 --outcome punished");
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM report.discrimination"
                                      " WHERE state = 'closed'",
                                      2, fc_h_ms(WAIT)),
                     2);
    s_set_clock(s_time("2026-12-21T10:00:00+08:00"));
    rep = s_report_of("2026-W51");
    assert_int_equal(s_num(rep->report, "support", "S1", 0, "discrimination_overdue"), 1); /* #3 */
    protobuf_c_message_free_unpacked(&rep->base, NULL);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM report.inbox WHERE outcome <> 'applied'"),
                     0);
    assert_int_equal(fc_h_stop(s_report, SIGTERM, fc_h_ms(10000)), 0);
    assert_int_equal(fc_h_stop(s_notify, SIGTERM, fc_h_ms(15000)), 0);
    assert_int_equal(fc_h_stop(s_intake, SIGTERM, fc_h_ms(10000)), 0);
    s_report = s_notify = s_intake = 0;
    unlink(s_clock_file);
}

static int s_teardown(void **state)
{
    (void)state;
    pid_t *pids[] = {&s_report, &s_notify, &s_intake};
    for (size_t i = 0; i < 3; i++)
        if (*pids[i] > 0)
            fc_h_stop(*pids[i], SIGKILL, 5000);
    s_report = s_notify = s_intake = 0;
    return 0;
}

int main(void)
{
    fc_log_init("test_report_records", FC_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_overdue_figures, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

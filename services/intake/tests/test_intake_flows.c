/* test_intake_flows: intake's commands end to end over the real service (fc-intake on the
 * harness's PostgreSQL and Redis) through fcctl: every rule broken once (the exit code, the
 * field and the reason code), nothing written by a refused command, events in the outbox,
 * the "one person, one file", org scope, retries taking effect once. The clock is fixed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fc_harness.h"
#include "intake_testkit.h"
#include "fc_clock.h"
#include "fc_endpoints.h"
#include "fc_mem.h"
#include "fc_rpc.h"
#include "fc/v1/intake.pb-c.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define CLOCK "fixed:2026-11-22T08:00:00Z" /* Sunday 16:00 in Shanghai, ISO week 2026-W47 */

static pid_t g_intake;

static long long s_q(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static long long s_q(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = fc_xvasprintf(fmt, ap);
    va_end(ap);
    long long v = fc_h_scalar(sql);
    free(sql);
    return v;
}

static long long s_events(const char *type)
{
    return s_q("SELECT count(*) FROM intake.outbox WHERE type = '%s'", type);
}

/* A fresh database with a small tree: G / S1 / C1 / B1, G / S2 / B2, people, a post. */
static int s_setup(void **state)
{
    (void)state;
    static const char *env[] = {"FC_CLOCK=" CLOCK, NULL};
    intake_testkit_up(&g_intake, env);
    intake_testkit_ok("org add G --name 集团 --kind group");
    intake_testkit_ok("org add S1 --name 一公司 --kind subsidiary --parent G");
    intake_testkit_ok("org add C1 --name 一公司党委 --kind committee --parent S1");
    intake_testkit_ok("org add B1 --name 一支部 --kind branch --parent C1");
    intake_testkit_ok("org add S2 --name 二公司 --kind subsidiary --parent G --liaison");
    intake_testkit_ok("org add B2 --name 二支部 --kind branch --parent S2");
    intake_testkit_ok(
        "person add L1 --name 班子甲 --org S1 --party member --cadre division --leadership");
    intake_testkit_ok("person add E1 --name 张三 --org B1 --party member --cadre section");
    intake_testkit_ok("person add E2 --name 李四 --org B1 --party activist");
    intake_testkit_ok("person add E3 --name 王五 --org B1 --party applicant");
    intake_testkit_ok("person add E4 --name 赵六 --org B1 --unfit");
    intake_testkit_ok("person add F1 --name 外单位 --org B2 --party member");
    intake_testkit_ok("post add P1 --org B1 --name 北门卡口 --kind checkpoint --risk 2 "
                      "--shifts '08:00-20:00*2;20:00-08:00*2'");
    intake_testkit_ok("post add P2 --org B1 --name 发热门诊 --kind fever_clinic --risk 1 --shifts "
                      "'08:00-16:00*3'");
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    intake_testkit_down(&g_intake);
    return 0;
}

static void test_org_and_people_rules(void **state)
{
    (void)state;
    intake_testkit_refused("parent_code", "ENOTFOUND",
                           "org add X1 --name 某 --kind branch --parent NOPE");
    intake_testkit_refused("kind", "EINVAL", "org add X1 --name 某 --kind department --parent S1");
    intake_testkit_refused("org_code", "ENOTFOUND", "person add X1 --name 某 --org NOPE");
    intake_testkit_refused("name", "EINVAL", "person add X1 --name '' --org B1");
    intake_testkit_refused("phone", "EINVAL", "person add X1 --name 某 --org B1 --phone abc");
    intake_testkit_refused("parent_code", "EINVAL",
                           "org add S1 --name 环 --kind subsidiary --parent B1");
    assert_int_equal(s_q("SELECT count(*) FROM intake.person WHERE employee_no = 'X1'"), 0);
    /* codes are unique: adding again updates the one record */
    intake_testkit_ok("org add B1 --name 一支部（改名） --kind branch --parent C1");
    assert_int_equal(s_q("SELECT count(*) FROM intake.org_unit WHERE org_code = 'B1'"), 1);
    assert_int_equal(s_events("intake.org_upserted"), 7);
    intake_testkit_ok("org add B1 --name 一支部 --kind branch --parent C1");
}

static void test_spouse_link_is_mutual(void **state)
{
    (void)state;
    long long before = s_events("intake.person_upserted");
    intake_testkit_ok("person add E2 --name 李四 --org B1 --party activist --spouse E1");
    assert_int_equal(s_q("SELECT count(*) FROM intake.person WHERE employee_no = 'E1'"
                         " AND spouse_employee_no = 'E2'"),
                     1);
    /* both changed people were published */
    assert_int_equal(s_events("intake.person_upserted"), before + 2);
    intake_testkit_refused("spouse_employee_no", "ECONFLICT",
                           "person add E3 --name 王五 --org B1 --party applicant --spouse E1");
    intake_testkit_refused("spouse_employee_no", "ENOTFOUND",
                           "person add E3 --name 王五 --org B1 --party applicant --spouse NOBODY");
    intake_testkit_refused("spouse_employee_no", "EINVAL",
                           "person add E3 --name 王五 --org B1 --party applicant --spouse E3");
    /* unlinking one side unlinks the other */
    intake_testkit_ok("person add E2 --name 李四 --org B1 --party activist");
    assert_int_equal(s_q("SELECT count(*) FROM intake.person WHERE spouse_employee_no IS NOT NULL"),
                     0);
}

static void test_scope_and_roles(void **state)
{
    (void)state;
    intake_testkit_refused("employee_no", "EDENIED", "--scope S2 --role org_admin person show E1");
    intake_testkit_refused("employee_no", "EDENIED", "--scope S2 --role org_admin checkin E1 36.5");
    intake_testkit_refused("employee_no", "EDENIED", "--scope S2 --role org_admin duty in E1 P1");
    intake_testkit_refused("org_code", "EDENIED",
                           "--scope S2 --role org_admin person add Y1 --name 某 --org B1");
    intake_testkit_refused("parent_code", "EDENIED",
                           "--scope S1 --role org_admin org add G2 --name 某 --kind group");
    intake_testkit_refused("org_scope", "EDENIED", "--scope NOPE --role org_admin person show E1");
    intake_testkit_refused("actor", "EDENIED", "--role viewer checkin E1 36.5");
    /* liaison units are the group's choice */
    intake_testkit_refused(
        "liaison_unit", "EDENIED",
        "--scope S1 --role org_admin org add B9 --name 某 --kind branch --parent C1 --liaison");
    intake_testkit_ok("org add B2 --name 二支部 --kind branch --parent S2 --liaison");
    intake_testkit_refused(
        "liaison_unit", "EDENIED",
        "--scope S2 --role org_admin org add B2 --name 二支部 --kind branch --parent S2");
    intake_testkit_ok("--scope S1 --role org_admin org add B9 --name 某 --kind branch --parent C1");
    assert_int_equal(s_q("SELECT count(*) FROM intake.health_checkin"), 0);
    /* inside the subtree it works */
    char *out = intake_testkit_run(0, "--scope S1 --role org_admin person show E1");
    assert_non_null(strstr(out, "张三"));
    free(out);
    intake_testkit_ok("--scope C1 --role branch_secretary checkin E1 36.5");
}

static void test_duty_rules(void **state)
{
    (void)state;
    /* 2026-11-22 08:00Z is "now" */
    intake_testkit_ok("duty in E1 P1 --at 2026-11-22T00:00:00Z");
    assert_int_equal(s_events("intake.duty_checked_in"), 1);
    intake_testkit_refused("employee_no", "ECONFLICT", "duty in E1 P2 --at 2026-11-22T01:00:00Z");
    intake_testkit_refused("at_us", "EINVAL", "duty out E1 --at 2026-11-21T23:00:00Z");
    intake_testkit_ok("duty out E1 --at 2026-11-22T06:30:00Z");
    assert_int_equal(s_q("SELECT minutes FROM intake.duty WHERE employee_no = 'E1'"), 390);
    assert_int_equal(s_events("intake.duty_checked_out"), 1);
    intake_testkit_refused("employee_no", "ENOTFOUND", "duty out E1");
    /* overlapping the recorded period */
    intake_testkit_refused("at_us", "ECONFLICT", "duty in E1 P1 --at 2026-11-22T05:00:00Z");
    /* more than 24 hours */
    intake_testkit_ok("duty in E2 P1 --at 2026-11-20T06:00:00Z");
    intake_testkit_refused("at_us", "EINVAL", "duty out E2 --at 2026-11-22T07:00:00Z");
    intake_testkit_ok("duty out E2 --at 2026-11-21T06:00:00Z");
    /* in the future, unfit, unknown post */
    intake_testkit_refused("at_us", "EINVAL", "duty in E3 P1 --at 2026-11-22T09:00:00Z");
    intake_testkit_refused("employee_no", "ECONFLICT", "duty in E4 P1");
    intake_testkit_refused("post_code", "ENOTFOUND", "duty in E3 NOPOST");
    assert_int_equal(s_q("SELECT count(*) FROM intake.duty"), 2);
    /* the checked-out event carries the derived minutes */
    assert_int_equal(s_q("SELECT count(*) FROM intake.duty WHERE minutes = 1440"), 1);
}

static void test_health_status_transitions(void **state)
{
    (void)state;
    intake_testkit_refused("temperature_dc", "EINVAL", "checkin E3 33.9");
    intake_testkit_refused("temperature_dc", "EINVAL", "checkin E3 43.1");
    intake_testkit_ok("checkin E3 37.6");
    assert_int_equal(
        s_q("SELECT count(*) FROM intake.outbox WHERE type = 'intake.health_checked_in'"), 1);
    intake_testkit_refused("health_status", "ECONFLICT", "status E3 recovered");
    intake_testkit_ok("status E3 suspected --reason 发热待排");
    /* a suspected person cannot go on duty */
    intake_testkit_refused("employee_no", "ECONFLICT", "duty in E3 P1");
    intake_testkit_ok("status E3 recovered");
    intake_testkit_ok("status E3 deceased --reason 因公殉职");
    intake_testkit_refused("health_status", "ECONFLICT", "status E3 healthy");
    intake_testkit_refused("employee_no", "ECONFLICT", "checkin E3 36.5");
    assert_int_equal(
        s_q("SELECT count(*) FROM intake.health_status_change WHERE employee_no = 'E3'"), 3);
    assert_int_equal(s_events("intake.health_status_changed"), 3);
    /* unchanged status: no event */
    intake_testkit_ok("status E1 healthy");
    assert_int_equal(s_events("intake.health_status_changed"), 3);
}

static void test_incidents(void **state)
{
    (void)state;
    intake_testkit_ok("duty in E2 P1 --at 2026-11-22T02:00:00Z");
    char *out = intake_testkit_run(
        0, "--json incident E2 infected --desc 核酸阳性 --at 2026-11-22T03:00:00Z");
    assert_non_null(strstr(out, "\"major\": true"));
    assert_non_null(strstr(out, "\"on_duty\": true"));
    assert_non_null(strstr(out, "HEALTH_STATUS_CONFIRMED"));
    free(out);
    assert_int_equal(s_q("SELECT health_status FROM intake.person WHERE employee_no = 'E2'"), 5);
    intake_testkit_refused("kind", "EINVAL", "incident E2 lost");
    intake_testkit_ok("incident E1 injured --desc 扭伤");
    assert_int_equal(s_q("SELECT count(*) FROM intake.incident WHERE major"), 1);
    assert_int_equal(s_events("intake.incident_reported"), 2);
    intake_testkit_ok("incident E1 died");
    intake_testkit_refused("employee_no", "ECONFLICT", "incident E1 injured");
}

static void test_key_group_files(void **state)
{
    (void)state;
    intake_testkit_ok(
        "keygroup open E1 --category close_contact --volunteer E2 --phone 13800000000 "
        "--location 隔离酒店");
    intake_testkit_refused("employee_no", "ECONFLICT",
                           "keygroup open E1 --category fever --volunteer E2");
    intake_testkit_refused("category", "EINVAL",
                           "keygroup open E3 --category contact --volunteer E2");
    intake_testkit_refused("volunteer_employee_no", "ENOTFOUND",
                           "keygroup open E3 --category fever --volunteer NOBODY");
    long long id = s_q("SELECT id FROM intake.key_group_file WHERE employee_no = 'E1'");
    intake_testkit_ok("keygroup contact %lld --kind groceries --by E2 --note 代购蔬菜", id);
    intake_testkit_ok("keygroup contact %lld --kind psych_care --by E2", id);
    intake_testkit_refused("kind", "EINVAL", "keygroup contact %lld --kind chat --by E2", id);
    intake_testkit_refused("file_id", "ENOTFOUND", "keygroup contact 999 --kind visit --by E2");
    intake_testkit_ok("keygroup close %lld --note 解除隔离", id);
    intake_testkit_refused("file_id", "ECONFLICT", "keygroup contact %lld --kind visit --by E2",
                           id);
    assert_int_equal(s_q("SELECT count(*) FROM intake.service_contact"), 2);
    assert_int_equal(s_events("intake.service_contact_logged"), 2);
    assert_int_equal(s_events("intake.key_group_file_closed"), 1);
    /* a new file once the old one is closed */
    intake_testkit_ok("keygroup open E1 --category fever --volunteer E2");
}

static void test_hardship_cases(void **state)
{
    (void)state;
    intake_testkit_refused("liaison_employee_no", "EINVAL",
                           "case open E1 --category elderly_care --desc 老人无人照料");
    intake_testkit_refused("liaison_employee_no", "EINVAL",
                           "case open E1 --category elderly_care --desc 老人无人照料 --liaison E1");
    intake_testkit_ok(
        "case open E1 --category elderly_care --desc 老人无人照料 --liaison E2 --fen 50000");
    intake_testkit_refused("category", "ECONFLICT",
                           "case open E1 --category elderly_care --desc 又一次 --liaison E3");
    /* one-to-one: E2 already serves a case */
    intake_testkit_refused("liaison_employee_no", "ECONFLICT",
                           "case open E3 --category child_care --desc 孩子无人照看 --liaison E2");
    long long id = s_q("SELECT id FROM intake.hardship_case");
    intake_testkit_ok("case close %lld --note 已解决", id);
    intake_testkit_refused("case_id", "ECONFLICT", "case close %lld", id);
    intake_testkit_ok("case open E3 --category child_care --desc 孩子无人照看 --liaison E2");
    assert_int_equal(s_events("intake.hardship_case_opened"), 2);
    assert_int_equal(s_events("intake.hardship_case_closed"), 1);
}

static void test_weekly_reports(void **state)
{
    (void)state;
    intake_testkit_ok(
        "weekly submit L1 --org S1 --week 2026-W47 --duty 包保北门 --production 稳定");
    intake_testkit_refused(
        "iso_week", "ECONFLICT",
        "weekly submit L1 --org S1 --week 2026-W47 --duty 再报 --production 稳定");
    intake_testkit_refused(
        "employee_no", "ECONFLICT",
        "weekly submit E1 --org S1 --week 2026-W47 --duty 包保 --production 稳定");
    intake_testkit_refused(
        "employee_no", "ECONFLICT",
        "weekly submit L1 --org S2 --week 2026-W46 --duty 包保 --production 稳定");
    intake_testkit_refused(
        "org_code", "EINVAL",
        "weekly submit L1 --org B1 --week 2026-W46 --duty 包保 --production 稳定");
    intake_testkit_refused(
        "iso_week", "EINVAL",
        "weekly submit L1 --org S1 --week 2026-W49 --duty 包保 --production 稳定");
    intake_testkit_refused(
        "iso_week", "EINVAL",
        "weekly submit L1 --org S1 --week 2026-47 --duty 包保 --production 稳定");
    intake_testkit_refused("epidemic_duty", "EINVAL",
                           "weekly submit L1 --org S1 --week 2026-W46 --duty '' --production 稳定");
    intake_testkit_ok(
        "weekly submit L1 --org S1 --week 2026-W46 --duty 包保 --production 波动 --unstable");
    assert_int_equal(s_q("SELECT count(*) FROM intake.weekly_report"), 2);
    assert_int_equal(s_events("intake.weekly_report_submitted"), 2);
}

static void test_cadre_records_and_candidates(void **state)
{
    (void)state;
    intake_testkit_ok("keyevent E1 --good --desc 靠前指挥");
    intake_testkit_refused("employee_no", "ECONFLICT", "keyevent E2 --bad --desc 擅离职守");
    intake_testkit_refused("polarity", "EINVAL", "keyevent E1 --desc 无褒贬");
    intake_testkit_ok("merit E1 merit --reason 记功一次 --by 集团党委");
    intake_testkit_ok("merit E1 accountability --reason 落实不力");
    intake_testkit_refused("kind", "EINVAL", "merit E1 bonus --reason 奖金");
    assert_int_equal(s_q("SELECT count(*) FROM intake.merit_record"), 2);
    intake_testkit_refused("employee_no", "ECONFLICT", "candidate E1 --reason 党员不能再列");
    intake_testkit_refused("fast_track", "ECONFLICT",
                           "candidate E2 --reason 表现突出 --fast-track");
    intake_testkit_ok("candidate E2 --reason 表现突出");
    intake_testkit_ok("duty in E2 P1 --at 2026-11-22T01:00:00Z");
    intake_testkit_ok("candidate E2 --reason 火线表现突出 --fast-track");
    assert_int_equal(s_q("SELECT count(*) FROM intake.party_candidate WHERE fast_track"), 1);
    assert_int_equal(s_events("intake.party_candidate_upserted"), 2);
    assert_int_equal(s_events("intake.merit_recorded"), 2);
    assert_int_equal(s_events("intake.cadre_key_event_recorded"), 1);
}

static void test_person_file(void **state)
{
    (void)state;
    /* yesterday 22:00-02:00 Shanghai (14:00-18:00Z) and today 08:00-now (00:00-08:00Z) */
    intake_testkit_ok("duty in E1 P1 --at 2026-11-21T14:00:00Z");
    intake_testkit_ok("duty out E1 --at 2026-11-21T18:00:00Z");
    intake_testkit_ok("duty in E1 P2 --at 2026-11-22T00:00:00Z");
    intake_testkit_ok("duty in E2 P1 --at 2026-11-01T00:00:00Z");
    intake_testkit_ok("duty out E2 --at 2026-11-01T10:00:00Z");
    intake_testkit_ok("checkin E1 36.8");
    intake_testkit_ok("person add E2 --name 李四 --org B1 --party activist --spouse E1");
    intake_testkit_ok("case open E2 --category child_care --desc 孩子无人照看 --liaison E1");
    intake_testkit_ok("merit E1 public_praise --reason 通报表扬");
    intake_testkit_ok("keyevent E1 --good --desc 连续值守");
    char *out = intake_testkit_run(0, "person show E1 --json");
    /* today (Shanghai day from 16:00Z of the 21st): 2 h of the first (16-18Z) + 8 h open */
    assert_non_null(strstr(out, "\"duty_minutes_today\": 600"));
    assert_non_null(strstr(out, "\"duty_minutes_7d\": 720"));
    assert_non_null(strstr(out, "\"duty_minutes_total\": 720"));
    assert_non_null(strstr(out, "\"org_code\": \"G\""));
    assert_non_null(strstr(out, "\"spouse_employee_no\": \"E2\""));
    assert_non_null(strstr(out, "\"liaison_for\""));
    assert_non_null(strstr(out, "public_praise"));
    assert_non_null(strstr(out, "连续值守"));
    free(out);
    out = intake_testkit_run(0, "person show E2");
    assert_non_null(strstr(out, "累计 10 小时 00 分"));
    assert_non_null(strstr(out, "今日 0 小时 00 分"));
    assert_non_null(strstr(out, "集团（G） / 一公司（S1）"));
    free(out);
    intake_testkit_refused("employee_no", "ENOTFOUND", "person show NOBODY");
}

/* A retried command (same message id) takes effect once; a bad batch writes nothing. */
static void test_retry_and_batches(void **state)
{
    (void)state;
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("intake"), NULL);
    assert_non_null(c);
    Fc__V1__HealthCheckin a = FC__V1__HEALTH_CHECKIN__INIT, b = FC__V1__HEALTH_CHECKIN__INIT;
    a.employee_no = "E1";
    a.temperature_dc = 365;
    b.employee_no = "E2";
    b.temperature_dc = 365;
    Fc__V1__HealthCheckin *items[] = {&a, &b};
    Fc__V1__HealthCheckinRequest req = FC__V1__HEALTH_CHECKIN_REQUEST__INIT;
    req.checkins = items;
    req.n_checkins = 2;
    fc_err_t err;
    ProtobufCMessage *reply = NULL;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(fc_rpc_call(c, "intake.health_checkin", &req.base,
                                     &fc__v1__health_checkin_reply__descriptor, &reply,
                                     "01JRETRYRETRYRETRYRETRY000", &err),
                         FC_OK);
        assert_int_equal(((Fc__V1__HealthCheckinReply *)reply)->n_checkin_ids, 2);
        protobuf_c_message_free_unpacked(reply, NULL);
    }
    assert_int_equal(s_q("SELECT count(*) FROM intake.health_checkin"), 2);
    assert_int_equal(s_events("intake.health_checked_in"), 2);
    /* one bad item: the whole batch is refused, naming it */
    b.employee_no = "NOBODY";
    assert_int_equal(fc_rpc_call(c, "intake.health_checkin", &req.base,
                                 &fc__v1__health_checkin_reply__descriptor, &reply, NULL, &err),
                     FC_ENOTFOUND);
    assert_string_equal(err.field, "checkins[1].employee_no");
    b.employee_no = "E2";
    b.temperature_dc = 500;
    assert_int_equal(fc_rpc_call(c, "intake.health_checkin", &req.base,
                                 &fc__v1__health_checkin_reply__descriptor, &reply, NULL, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "checkins[1].temperature_dc");
    assert_int_equal(s_q("SELECT count(*) FROM intake.health_checkin"), 2);
    /* the check-in rows and events carry the same times */
    assert_int_equal(s_q("SELECT count(*) FROM intake.health_checkin"
                         " WHERE at = TIMESTAMPTZ '2026-11-22 08:00:00+00'"),
                     2);
    fc_rpc_client_destroy(&c);
    /* the relay moves every event to Redis */
    assert_int_equal(
        fc_h_wait_scalar("SELECT count(*) FROM intake.outbox WHERE published_at IS NULL", 0,
                         fc_h_ms(10000)),
        0);
}

/* Killed at the worst moments (before the commit; after it, before the reply), the service
 * comes back and the client's retry with the same message id is applied exactly once. */
static void test_kill_and_retry(void **state)
{
    (void)state;
    static const char *points[] = {"rpc.before_commit", "outbox.after_commit"};
    for (int k = 0; k < 2; k++) {
        intake_testkit_down(&g_intake);
        char fault[64];
        snprintf(fault, sizeof fault, "FC_FAULT=%s", points[k]);
        const char *env[] = {"FC_CLOCK=" CLOCK, fault, NULL};
        g_intake = fc_h_up("intake", env);
        fc_rpc_client_opts_t opts = {"test", "service", "", fc_h_ms(1000), 0, NULL};
        fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("intake"), &opts);
        assert_non_null(c);
        Fc__V1__HealthCheckin a = FC__V1__HEALTH_CHECKIN__INIT;
        a.employee_no = "E1";
        a.temperature_dc = 366;
        Fc__V1__HealthCheckin *items[] = {&a};
        Fc__V1__HealthCheckinRequest req = FC__V1__HEALTH_CHECKIN_REQUEST__INIT;
        req.checkins = items;
        req.n_checkins = 1;
        char id[32];
        snprintf(id, sizeof id, "01JKILLKILLKILLKILLKILL00%d", k);
        fc_err_t err;
        ProtobufCMessage *reply = NULL;
        assert_int_equal(fc_rpc_call(c, "intake.health_checkin", &req.base,
                                     &fc__v1__health_checkin_reply__descriptor, &reply, id, &err),
                         FC_ETIMEOUT);
        int status = fc_h_wait_exit(g_intake, fc_h_ms(10000));
        if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
            print_error("intake exit status %d, want killed by SIGKILL\n", status);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        /* before the commit nothing stayed; after it, the check-in did (and its event) */
        assert_int_equal(s_q("SELECT count(*) FROM intake.health_checkin"), k == 0 ? 0 : 2);
        const char *env2[] = {"FC_CLOCK=" CLOCK, NULL};
        g_intake = fc_h_up("intake", env2);
        for (int retry = 0; retry < 2; retry++) {
            assert_int_equal(fc_rpc_call(c, "intake.health_checkin", &req.base,
                                         &fc__v1__health_checkin_reply__descriptor, &reply, id,
                                         &err),
                             FC_OK);
            protobuf_c_message_free_unpacked(reply, NULL);
        }
        fc_rpc_client_destroy(&c);
        assert_int_equal(s_q("SELECT count(*) FROM intake.health_checkin"), k + 1);
        assert_int_equal(s_events("intake.health_checked_in"), k + 1);
        assert_int_equal(s_q("SELECT count(DISTINCT message_id) FROM intake.rpc_replies"
                             " WHERE message_id LIKE '01JKILL%%'"),
                         k + 1);
    }
}

int main(void)
{
    fc_h_init("test_intake_flows");
    setenv("FC_CLOCK", CLOCK, 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_org_and_people_rules, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_spouse_link_is_mutual, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_scope_and_roles, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_duty_rules, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_health_status_transitions, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_incidents, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_key_group_files, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_hardship_cases, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_weekly_reports, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_cadre_records_and_candidates, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_person_file, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_retry_and_batches, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_kill_and_retry, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

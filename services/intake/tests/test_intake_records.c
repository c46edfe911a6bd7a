/* The 000 §9 records and village first secretaries (issue 11) end to end over real processes
 * (fc-intake, fc-report, fc-gateway, PostgreSQL, Redis, ZeroMQ, HTTP): each record created;
 * read by the group and the person's own subsidiary, refused to another subsidiary, to a unit
 * below the subsidiary and to a branch secretary, over ZeroMQ and through the gateway, where
 * every read is audited; a clarified complaint and a fault-tolerance decision drop the records
 * they clear out of the report's assessment figures (a report before and after); a village
 * first secretary in the person file, the report's figures and the reserve-pool list; a
 * subtree's secretaries listed by state (overdue, returned, on assignment), scope and paging; and bad
 * input for each (a step out of order, dates in the future, unknown person, not a cadre)
 * changing nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "fc_clock.h"
#include "fc_harness.h"
#include "intake_testkit.h"
#include "fc_mem.h"
#include "gw_test.h"

static pid_t s_intake, s_report, s_gateway;
static char *s_tok_group, *s_tok_s1, *s_tok_s2, *s_tok_c1, *s_tok_sec;

/* fcctl's exit code; stdout and stderr together in *out if out (caller frees). */
static int s_ctl(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int s_ctl(char **out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *args = fc_xvasprintf(fmt, ap);
    va_end(ap);
    char *o = NULL;
    int rc = fc_h_fcctl(&o, "%s 2>&1", args);
    free(args);
    if (out)
        *out = o;
    else
        free(o);
    return rc;
}

/* Refused with exit 1, naming field in the error. */
static void s_refused(const char *field, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void s_refused(const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *args = fc_xvasprintf(fmt, ap);
    va_end(ap);
    char *out = intake_testkit_run(1, "%s", args);
    char want[128];
    snprintf(want, sizeof want, "fcctl: %s:", field);
    intake_testkit_has(out, want);
    free(out);
    free(args);
}

/* `fcctl --json ARGS` parsed; fails the test unless it exits 0 with JSON. */
static json_t *s_json(const char *args)
{
    char *out = NULL;
    int rc = fc_h_fcctl(&out, "--json %s", args);
    json_error_t jerr;
    json_t *j = rc == 0 ? json_loads(out, 0, &jerr) : NULL;
    if (!j)
        fail_msg("fcctl %s: exit %d: %s", args, rc, out);
    free(out);
    return j;
}

/* The id a --json write replied (its field key). */
static long long s_id(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static long long s_id(const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *args = fc_xvasprintf(fmt, ap);
    va_end(ap);
    json_t *j = s_json(args);
    long long id = json_integer_value(json_object_get(j, key));
    if (id <= 0)
        fail_msg("fcctl %s: no %s", args, key);
    json_decref(j);
    free(args);
    return id;
}

/* A time `days` days from now (negative: ago), ISO-8601 UTC, into buf. */
static const char *s_when(char *buf, size_t n, double days)
{
    fc_time_format_utc(fc_clock_now_us() + (int64_t)(days * 86400.0) * FC_US_PER_S, buf, n);
    return buf;
}

static int s_setup(void **state)
{
    (void)state;
    fc_h_init("test_intake_records");
    fc_h_reset();
    static const char *gw_env[] = {"FC_RATE_PER_S=0", NULL};
    static const char *rep_env[] = {"FC_REPORT_SCHEDULE_ENABLED=0", "FC_CLAIM_IDLE_MS=500", NULL};
    s_intake = fc_h_up("intake", NULL);
    s_report = fc_h_up("report", rep_env);
    s_gateway = fc_h_up("gateway", gw_env);
    if (gw_wait_http(0, fc_h_ms(10000)) != 0)
        fail_msg("the gateway does not answer HTTP");
    /* G > S1 > C1 > B1; G > S2 */
    intake_testkit_ok("org add G --name 集团 --kind group");
    intake_testkit_ok("org add S1 --parent G --name 一公司 --kind subsidiary");
    intake_testkit_ok("org add C1 --parent S1 --name 一公司机关党委 --kind committee");
    intake_testkit_ok("org add B1 --parent C1 --name 一支部 --kind branch");
    intake_testkit_ok("org add S2 --parent G --name 二公司 --kind subsidiary");
    intake_testkit_ok("person add L1 --name 李干部 --org B1 --cadre section --party member");
    intake_testkit_ok("person add N1 --name 王群众 --org B1");
    intake_testkit_ok("person add F1 --name 赵一线 --org B1");
    intake_testkit_ok("person add V1 --name 孙书记 --org B1 --cadre section --party member");
    intake_testkit_ok("person add V2 --name 周书记 --org S2 --cadre section --party member");
    intake_testkit_ok("person add E2 --name 钱二 --org S2 --cadre division");
    char id[32];
    s_tok_group = gw_token("group_admin", "G", id);
    s_tok_s1 = gw_token("org_admin", "S1", id);
    s_tok_s2 = gw_token("org_admin", "S2", id);
    s_tok_c1 = gw_token("org_admin", "C1", id);
    s_tok_sec = gw_token("branch_secretary", "S1", id);
    if (fc_h_wait_scalar("SELECT count(*) FROM report.person", 6, fc_h_ms(30000)) != 6)
        fail_msg("report did not project the people");
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    free(s_tok_group);
    free(s_tok_s1);
    free(s_tok_s2);
    free(s_tok_c1);
    free(s_tok_sec);
    int g = fc_h_stop(s_gateway, SIGTERM, fc_h_ms(10000));
    int r = fc_h_stop(s_report, SIGTERM, fc_h_ms(10000));
    int i = fc_h_stop(s_intake, SIGTERM, fc_h_ms(10000));
    assert_true(WIFEXITED(g) && WEXITSTATUS(g) == 0);
    assert_true(WIFEXITED(r) && WEXITSTATUS(r) == 0);
    assert_true(WIFEXITED(i) && WEXITSTATUS(i) == 0);
    return 0;
}

/* ---- the report ------------------------------------------------------------------------- */

static json_t *s_report_now(void)
{
    char week[16];
    int y, w;
    fc_iso_week(fc_time_local_day(fc_clock_now_us()), &y, &w);
    snprintf(week, sizeof week, "%d-W%02d", y, w);
    char *out = NULL;
    if (fc_h_fcctl(&out, "report weekly --week %s --format json", week) != 0)
        fail_msg("report weekly: %s", out);
    json_error_t jerr;
    json_t *rep = json_loads(out, 0, &jerr);
    free(out);
    assert_non_null(rep);
    return rep;
}

static json_t *s_table(json_t *rep, const char *sec, const char *tab)
{
    size_t i, k;
    json_t *s, *t;
    json_array_foreach(json_object_get(rep, "sections"), i, s)
    {
        if (strcmp(json_string_value(json_object_get(s, "key")), sec) != 0)
            continue;
        if (strcmp(json_string_value(json_object_get(s, "status")), "complete") != 0)
            fail_msg("section %s is %s", sec, json_string_value(json_object_get(s, "status")));
        json_array_foreach(json_object_get(s, "tables"), k,
                           t) if (strcmp(json_string_value(json_object_get(t, "key")), tab) ==
                                  0) return t;
    }
    fail_msg("no table %s/%s", sec, tab);
    return NULL;
}

static long long s_total(json_t *rep, const char *sec, const char *tab, const char *col)
{
    size_t n;
    json_t *row;
    json_array_foreach(json_object_get(s_table(rep, sec, tab), "rows"), n, row) if (
        json_is_true(
            json_object_get(row, "_total"))) return json_integer_value(json_object_get(row, col));
    fail_msg("no total row in %s/%s", sec, tab);
    return -1;
}

/* The row of a list for employee_no, or NULL. */
static json_t *s_listed(json_t *rep, const char *sec, const char *tab, const char *employee_no)
{
    size_t n;
    json_t *row;
    json_array_foreach(json_object_get(s_table(rep, sec, tab), "rows"), n, row)
    {
        const char *e = json_string_value(json_object_get(row, "employee_no"));
        if (e && strcmp(e, employee_no) == 0)
            return row;
    }
    return NULL;
}

/* ---- fault tolerance and clarification: assessment before and after --------------------- */

static void test_clarified_complaint_leaves_assessment(void **state)
{
    (void)state;
    char t1[40];
    long long bad = s_id("event_id", "keyevent L1 --bad --desc 被举报防控不力");
    long long acc = s_id("record_id", "merit L1 accountability --reason 卡口失误 --by 一公司党委");
    long long good = s_id("event_id", "keyevent L1 --good --desc 靠前指挥");
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM report.key_event WHERE employee_no"
                                      " = 'L1'",
                                      2, fc_h_ms(20000)),
                     2);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM report.merit", 1, fc_h_ms(20000)), 1);
    json_t *before = s_report_now();
    json_t *row = s_listed(before, "two_ends", "lagging", "L1");
    assert_non_null(row);
    assert_int_equal(json_integer_value(json_object_get(row, "bad_events")), 1);
    assert_int_equal(json_integer_value(json_object_get(row, "accountability")), 1);
    assert_int_equal(s_total(before, "commendations", "by_unit", "accountability"), 1);
    json_decref(before);

    /* the subsidiary clarifies the complaint; the group judges the mistake excusable */
    intake_testkit_ok(
        "--scope S1 --role org_admin clarify L1 --complaint 举报其防控不力 --received %s"
        " --findings 经调查举报不实 --by 一公司纪委 --accuser 对诬告者立案调查 --clear "
        "key_event:%lld",
        s_when(t1, sizeof t1, -3), bad);
    intake_testkit_ok("--scope G --role group_admin tolerance L1 --mistake 卡口封闭过早 --reasons"
                      " 形势严峻、果断处置 --by 集团党委 --clear merit:%lld",
                      acc);
    /* each record clears once; a good event is not cleared */
    s_refused("cleared[0].record_id",
              "tolerance L1 --mistake x --reasons y --by 集团党委 --clear key_event:%lld", bad);
    s_refused("cleared[0].record_id",
              "tolerance L1 --mistake x --reasons y --by 集团党委 --clear key_event:%lld", good);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM report.clearance", 2, fc_h_ms(20000)),
                     2);
    json_t *after = s_report_now();
    assert_null(s_listed(after, "two_ends", "lagging", "L1"));
    assert_int_equal(s_total(after, "commendations", "by_unit", "accountability"), 0);
    json_decref(after);
    /* the records themselves stay in intake; the clearance names them */
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.cadre_key_event"
                                 " WHERE employee_no = 'L1'"),
                     2);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.assessment_clearance"), 2);

    char *out = NULL;
    assert_int_equal(s_ctl(&out, "--scope S1 --role org_admin records L1"), 0);
    assert_non_null(strstr(out, "澄清正名"));
    assert_non_null(strstr(out, "经调查举报不实"));
    assert_non_null(strstr(out, "容错免责"));
    assert_non_null(strstr(out, "形势严峻"));
    assert_non_null(strstr(out, "不再计入考核"));
    free(out);
}

/* ---- discrimination: reported -> handling -> closed, out of order refused --------------- */

static void test_discrimination_case(void **state)
{
    (void)state;
    char t[40];
    long long c =
        s_id("case_id", "--scope S1 --role org_admin discrimination report F1 --family 母亲"
                        " --desc 小区拒绝其母亲进入 --reporter 一支部书记");
    /* closing before any handling is a step out of order; nothing changes */
    s_refused("step",
              "discrimination step %lld closed --action 结案 --by 一公司 --outcome education", c);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.discrimination_step"), 1);
    s_refused("at_us", "discrimination step %lld handling --action x --by y --at %s", c,
              s_when(t, sizeof t, 2));
    s_refused("at_us", "discrimination step %lld handling --action x --by y --at %s", c,
              s_when(t, sizeof t, -10));
    s_refused("outcome", "discrimination step %lld handling --action x --by y --outcome education",
              c);
    intake_testkit_ok(
        "discrimination step %lld handling --action 与社区沟通并批评教育 --by 一公司党委组织部", c);
    s_refused("outcome", "discrimination step %lld closed --action 结案 --by 一公司 --outcome none",
              c);
    intake_testkit_ok(
        "discrimination step %lld closed --action 已道歉 --by 一公司 --outcome education", c);
    s_refused("step", "discrimination step %lld handling --action 再办 --by 一公司", c);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.discrimination_case"
                                 " WHERE state = 'closed' AND outcome = 'education'"),
                     1);
    char *out = NULL;
    assert_int_equal(s_ctl(&out, "--scope G --role group_admin records F1"), 0);
    assert_non_null(strstr(out, "已结案"));
    assert_non_null(strstr(out, "批评教育"));
    assert_non_null(strstr(out, "与社区沟通并批评教育"));
    free(out);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.outbox"
                                 " WHERE type = 'intake.discrimination_case_changed'"),
                     3);
}

/* ---- who may read: over ZeroMQ, through the gateway, audited ------------------------------ */

static void test_access_and_audit(void **state)
{
    (void)state;
    intake_testkit_ok(
        "--scope S1 --role org_admin discrimination report L1 --staff --desc 被孤立 --reporter "
        "本人");
    char *out = NULL;
    /* the group and the person's own subsidiary */
    assert_int_equal(s_ctl(&out, "--scope G --role group_admin records L1"), 0);
    free(out);
    assert_int_equal(s_ctl(&out, "records L1"), 0); /* service, group-wide */
    free(out);
    assert_int_equal(s_ctl(&out, "--scope S1 --role org_admin records L1"), 0);
    free(out);
    /* not another subsidiary, not a unit below the subsidiary, not a branch secretary */
    s_refused("employee_no", "--scope S2 --role org_admin records L1");
    s_refused("org_scope", "--scope C1 --role org_admin records L1");
    s_refused("org_scope", "--scope B1 --role org_admin records L1");
    s_refused("actor", "--scope S1 --role branch_secretary records L1");
    s_refused("org_scope", "--scope B1 --role org_admin discrimination report L1 --staff"
                           " --desc x --reporter y");
    s_refused("employee_no", "--scope S1 --role org_admin tolerance E2 --mistake x --reasons y"
                             " --by z");
    /* the department's work list: a subsidiary's records, open cases only with --open */
    assert_int_equal(s_ctl(&out, "--scope S1 --role org_admin records --org S1 --open"), 0);
    assert_non_null(strstr(out, "被孤立"));
    assert_null(strstr(out, "小区拒绝其母亲进入")); /* closed */
    free(out);
    assert_int_equal(s_ctl(&out, "--scope S1 --role org_admin records --org S1"), 0);
    assert_non_null(strstr(out, "小区拒绝其母亲进入"));
    assert_non_null(strstr(out, "经调查举报不实"));
    free(out);
    assert_int_equal(s_ctl(&out, "--scope G --role group_admin records --org G --open"), 0);
    assert_non_null(strstr(out, "被孤立"));
    free(out);
    s_refused("org_code", "--scope S2 --role org_admin records --org S1");
    s_refused("org_code", "--scope C1 --role org_admin records --org S1");
    s_refused("org_code", "--scope S1 --role org_admin records --org G");
    s_refused("org_code", "records --org C1");
    s_refused("org_code", "records --org NOPE");
    s_refused("actor", "--scope S1 --role branch_secretary records --org S1");
    /* person show: the records only to those allowed, and the file to everyone in scope */
    assert_int_equal(s_ctl(&out, "--scope S1 --role org_admin person show L1"), 0);
    assert_non_null(strstr(out, "歧视一线人员及家属事件"));
    free(out);
    assert_int_equal(s_ctl(&out, "--scope B1 --role branch_secretary person show L1"), 0);
    assert_non_null(strstr(out, "李干部"));
    assert_null(strstr(out, "歧视一线人员及家属事件"));
    assert_null(strstr(out, "fcctl:"));
    free(out);

    /* through the gateway: 200 for the group and S1, 403 for S2, C1 and the secretary */
    const char *path = "/api/v1/intake/records_list?employee_no=L1";
    struct {
        const char *token;
        long status;
    } cases[] = {
        {s_tok_group, 200}, {s_tok_s1, 200}, {s_tok_s2, 403}, {s_tok_c1, 403}, {s_tok_sec, 403}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gw_resp_t r;
        gw_http(&r, 0, "GET", path, cases[i].token, NULL, NULL);
        if (r.status != cases[i].status)
            fail_msg("GET %s as token %zu: %ld, want %ld: %s", path, i, r.status, cases[i].status,
                     r.body);
        if (r.status == 200)
            assert_non_null(strstr(r.body, "被孤立"));
        else
            assert_string_equal(gw_err_code(&r), "EDENIED");
        gw_resp_fini(&r);
    }
    /* every read that reached intake audited with the person as subject, the refused ones
     * too (the secretary's was refused for the role at the door, before any data) */
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM gateway.audit_log"
                                 " WHERE operation = 'intake.records_list'"
                                 " AND subjects @> ARRAY['L1'] AND phase = 'result'"),
                     4);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM gateway.audit_log"
                                 " WHERE operation = 'intake.records_list' AND status = 403"),
                     2);
    /* a write through the gateway, audited as a write; refused for S2 */
    gw_resp_t r;
    gw_http(&r, 0, "POST", "/api/v1/intake/discrimination_report", s_tok_s2,
            "{\"report\":{\"employee_no\":\"L1\",\"victim\":\"staff\",\"description\":\"x\","
            "\"reported_by\":\"y\"}}",
            NULL);
    assert_int_equal(r.status, 403);
    gw_resp_fini(&r);
    gw_http(&r, 0, "POST", "/api/v1/intake/discrimination_report", s_tok_s1,
            "{\"report\":{\"employee_no\":\"L1\",\"victim\":\"staff\",\"description\":\"被拒载\","
            "\"reported_by\":\"一支部\"}}",
            NULL);
    assert_int_equal(r.status, 200);
    gw_resp_fini(&r);
    assert_true(fc_h_scalar("SELECT count(*) FROM gateway.audit_log"
                            " WHERE operation = 'intake.discrimination_report'") >= 2);
}

/* ---- bad input: each refused naming its field, nothing written -------------------------- */

static void test_bad_input(void **state)
{
    (void)state;
    char t[40], u[40];
    long long other = s_id("event_id", "keyevent L1 --bad --desc 另一事件");
    long long ft = fc_h_scalar("SELECT count(*) FROM intake.fault_tolerance");
    long long cl = fc_h_scalar("SELECT count(*) FROM intake.clarification");
    long long dc = fc_h_scalar("SELECT count(*) FROM intake.discrimination_case");
    long long va = fc_h_scalar("SELECT count(*) FROM intake.village_assignment");
    long long ob = fc_h_scalar("SELECT count(*) FROM intake.outbox");
    /* unknown person, not a cadre */
    s_refused("employee_no", "tolerance X9 --mistake x --reasons y --by z");
    s_refused("employee_no", "tolerance N1 --mistake x --reasons y --by z");
    s_refused("employee_no", "clarify N1 --complaint x --received %s --findings y --by z",
              s_when(t, sizeof t, -1));
    s_refused("employee_no", "discrimination report X9 --staff --desc x --reporter y");
    s_refused("employee_no", "village assign X9 --village 李家村");
    /* dates in the future */
    s_refused("decided_us", "tolerance L1 --mistake x --reasons y --by z --at %s",
              s_when(t, sizeof t, 1));
    s_refused("complaint_us", "clarify L1 --complaint x --received %s --findings y --by z",
              s_when(t, sizeof t, 1));
    s_refused("clarified_us", "clarify L1 --complaint x --received %s --findings y --by z --at %s",
              s_when(t, sizeof t, -2), s_when(u, sizeof u, 1));
    s_refused("reported_us", "discrimination report F1 --staff --desc x --reporter y --at %s",
              s_when(t, sizeof t, 1));
    s_refused("start_us", "village assign V1 --village 李家村 --start %s", s_when(t, sizeof t, 1));
    /* dates out of order, missing texts and bad kinds */
    s_refused("clarified_us", "clarify L1 --complaint x --received %s --findings y --by z --at %s",
              s_when(t, sizeof t, -1), s_when(u, sizeof u, -2));
    s_refused("complaint_us", "clarify L1 --complaint x --findings y --by z");
    s_refused("reasons", "tolerance L1 --mistake x --by z");
    s_refused("family_member", "discrimination report F1 --family '' --desc x --reporter y");
    s_refused("victim", "discrimination report F1 --desc x --reporter y");
    s_refused("cleared[0].kind", "tolerance L1 --mistake x --reasons y --by z --clear duty:1");
    s_refused("cleared[0].record_id",
              "tolerance L1 --mistake x --reasons y --by z --clear merit:999");
    s_refused("case_id", "discrimination step 999 handling --action x --by y");
    /* someone else's record cannot be cleared */
    s_refused("cleared[0].record_id",
              "tolerance E2 --mistake x --reasons y --by z --clear key_event:%lld", other);
    s_refused("planned_return_us",
              "village assign V1 --village 李家村 --start %s --planned-return %s",
              s_when(t, sizeof t, -2), s_when(u, sizeof u, -3));
    s_refused("village", "village assign V1 --village ''");
    /* viewers write nothing */
    s_refused("actor", "--scope S1 --role viewer tolerance L1 --mistake x --reasons y --by z");
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.fault_tolerance"), ft);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.clarification"), cl);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.discrimination_case"), dc);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.village_assignment"), va);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.outbox"), ob);
}

/* ---- village first secretaries ------------------------------------------------------------ */

static void test_village_secretary(void **state)
{
    (void)state;
    char t[40], u[40];
    long long a = s_id("assignment_id",
                       "village assign V1 --village 李家村 --township 青山镇 --start %s"
                       " --planned-return %s --record 组织村民排查返乡人员",
                       s_when(t, sizeof t, -12), s_when(u, sizeof u, 20));
    s_refused("employee_no", "village assign V1 --village 王家村");
    intake_testkit_ok("village update %lld --record 协助村党组织设卡值守", a);
    s_refused("returned_us", "village update %lld --returned %s", a, s_when(t, sizeof t, -13));
    s_refused("return_note", "village update %lld --note 无返岗时间", a);
    intake_testkit_ok("merit V1 commendation --reason 驻村防控表现突出 --by 集团党委");
    /* a second secretary, in S2, returned to post when it was safe */
    long long b = s_id("assignment_id", "village assign V2 --village 张家村 --start %s",
                       s_when(t, sizeof t, -30));
    intake_testkit_ok("village update %lld --returned %s --note 疫情平稳，返回工作岗位", b,
                      s_when(t, sizeof t, -0.01));
    s_refused("assignment_id", "village update %lld --record 再记一条", b);

    char *out = NULL;
    assert_int_equal(s_ctl(&out, "person show V1"), 0);
    assert_non_null(strstr(out, "驻村第一书记"));
    assert_non_null(strstr(out, "青山镇 李家村"));
    assert_non_null(strstr(out, "组织村民排查返乡人员"));
    assert_non_null(strstr(out, "协助村党组织设卡值守"));
    assert_non_null(strstr(out, "驻村防控表现突出"));
    free(out);
    assert_int_equal(s_ctl(&out, "--json person show V2"), 0);
    assert_non_null(strstr(out, "\"village_assignments\""));
    assert_non_null(strstr(out, "疫情平稳"));
    free(out);

    assert_int_equal(
        fc_h_wait_scalar("SELECT count(*) FROM report.village WHERE returned_us IS NOT NULL", 1,
                         fc_h_ms(20000)),
        1);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM report.merit WHERE employee_no = 'V1'",
                                      1, fc_h_ms(20000)),
                     1);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM report.discrimination"
                                      " WHERE state = 'closed'",
                                      1, fc_h_ms(20000)),
                     1);
    assert_int_equal(
        fc_h_wait_scalar("SELECT count(*) FROM report.discrimination", 3, fc_h_ms(20000)), 3);
    json_t *rep = s_report_now();
    /* 000 §9 in figures (no names): the decisions, what they cleared, the cases */
    assert_int_equal(s_total(rep, "support", "by_unit", "fault_tolerance"), 1);
    assert_int_equal(s_total(rep, "support", "by_unit", "clarifications"), 1);
    assert_int_equal(s_total(rep, "support", "by_unit", "cleared"), 2);
    assert_int_equal(s_total(rep, "support", "by_unit", "discrimination_reported"), 3);
    assert_int_equal(s_total(rep, "support", "by_unit", "discrimination_closed"), 1);
    assert_int_equal(s_total(rep, "support", "by_unit", "discrimination_open"), 2);
    assert_int_equal(s_total(rep, "village", "by_unit", "on_assignment"), 1);
    assert_int_equal(s_total(rep, "village", "by_unit", "returned_week"), 1);
    assert_int_equal(s_total(rep, "village", "by_unit", "returned_to_date"), 1);
    assert_non_null(s_listed(rep, "village", "list", "V1"));
    assert_non_null(s_listed(rep, "village", "list", "V2"));
    /* V1 has no duty on record: the days in the village are the frontline days (002 §12) */
    json_t *row = s_listed(rep, "candidates", "reserve_pool", "V1");
    assert_non_null(row);
    assert_true(json_integer_value(json_object_get(row, "duty_days")) >= 5);
    assert_non_null(strstr(json_string_value(json_object_get(row, "reason")), "驻村第一书记"));
    json_decref(rep);
}

/* ---- the subtree's assignments (intake.village_list) ---------------------------------------- */

/* `fcctl --json ...` parsed (see s_json), the arguments formatted. */
static json_t *s_village_list(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *s_village_list(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *args = fc_xvasprintf(fmt, ap);
    va_end(ap);
    json_t *j = s_json(args);
    free(args);
    return j;
}

/* The employee numbers listed, in order, joined by spaces, into buf; the total in *total. */
static const char *s_listed_emps(json_t *j, char *buf, size_t n, long long *total)
{
    size_t i, used = 0;
    json_t *x;
    buf[0] = '\0';
    json_array_foreach(json_object_get(j, "items"), i, x)
    {
        json_t *a = json_object_get(x, "assignment");
        const char *e = json_string_value(json_object_get(a, "employee_no"));
        used += (size_t)snprintf(buf + used, n - used, "%s%s%s", used ? " " : "", e ? e : "?",
                                 json_is_true(json_object_get(x, "overdue")) ? "!" : "");
        if (used >= n)
            break;
    }
    *total = json_integer_value(json_object_get(j, "total"));
    return buf;
}

/* The list fcctl's arguments give: the employee numbers in order ("!" after an overdue one)
 * and the total. */
static void s_expect_list(const char *want, long long want_total, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void s_expect_list(const char *want, long long want_total, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *args = fc_xvasprintf(fmt, ap);
    va_end(ap);
    char got[256];
    long long total = -1;
    json_t *j = s_json(args);
    s_listed_emps(j, got, sizeof got, &total);
    if (strcmp(got, want) != 0 || total != want_total)
        fail_msg("village list %s: [%s] total %lld, want [%s] total %lld", args, got, total, want,
                 want_total);
    json_decref(j);
    free(args);
}

static void test_village_list(void **state)
{
    (void)state;
    char t[40], u[40], local[40];
    /* besides V1 (B1, on assignment, due back in 20 days) and V2 (S2, returned): O1 in S1 due
     * back 5 days ago and not returned (overdue), O2 in S2 on assignment with no return date,
     * O3 in S2 due back 10 days ago who has returned since (returned, not overdue) */
    intake_testkit_ok("person add O1 --name 吴逾期 --org S1 --cadre section --party member");
    intake_testkit_ok("person add O2 --name 郑在村 --org S2 --cadre section --party member");
    intake_testkit_ok("person add O3 --name 冯已返 --org S2 --cadre section --party member");
    long long o3 = s_id("assignment_id", "village assign O3 --village 何家村 --start %s"
                        " --planned-return %s", s_when(t, sizeof t, -20), s_when(u, sizeof u, -10));
    intake_testkit_ok("village update %lld --returned %s", o3, s_when(t, sizeof t, -1));
    s_id("assignment_id", "village assign O1 --village 刘家村 --start %s --planned-return %s",
         s_when(t, sizeof t, -40), s_when(u, sizeof u, -5));
    int64_t due = 0;
    fc_err_t perr = {0};
    assert_int_equal(fc_time_parse(u, &due, &perr), FC_OK);
    fc_time_format_local(due, local, sizeof local);
    s_id("assignment_id", "village assign O2 --village 陈家村 --start %s",
         s_when(t, sizeof t, -3));

    /* the group sees all five, newest first; each state */
    const char *g = "--scope G --role group_admin village list";
    s_expect_list("O2 V1 O3 V2 O1!", 5, "%s", g);
    s_expect_list("O2 V1 O3 V2 O1!", 5, "%s --state all", g);
    s_expect_list("O2 V1 O1!", 3, "%s --state on_assignment", g);
    s_expect_list("O1!", 1, "%s --state overdue", g);
    s_expect_list("O3 V2", 2, "%s --state returned", g);
    /* a unit inside the scope: its subtree only */
    s_expect_list("V1 O1!", 2, "%s --org S1", g);
    s_expect_list("V1", 1, "%s --org C1", g);
    /* paging: the total stays the count of all that match */
    s_expect_list("O2 V1", 5, "%s --limit 2", g);
    s_expect_list("O3 V2", 5, "%s --limit 2 --offset 2", g);
    s_expect_list("O1!", 5, "%s --limit 2 --offset 4", g);
    s_expect_list("", 5, "%s --offset 10", g);
    json_t *j = s_village_list("%s --limit 100000", g);
    assert_int_equal(json_integer_value(json_object_get(j, "limit")), 500);
    json_decref(j);
    j = s_village_list("%s", g);
    assert_int_equal(json_integer_value(json_object_get(j, "limit")), 50);
    json_t *first = json_array_get(json_object_get(j, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "name")), "郑在村");
    assert_string_equal(json_string_value(json_object_get(first, "org_name")), "二公司");
    json_decref(j);

    /* a subsidiary sees its own people only; another subsidiary's unit is refused */
    s_expect_list("V1 O1!", 2, "--scope S1 --role org_admin village list");
    s_expect_list("O2 O3 V2", 3, "--scope S2 --role viewer village list");
    s_expect_list("V1", 1, "--scope C1 --role org_admin village list");
    s_refused("org_code", "--scope S2 --role org_admin village list --org S1");
    s_refused("org_code", "--scope C1 --role org_admin village list --org S1");

    /* the text output: names, units, the overdue one marked, times in Asia/Shanghai */
    char *out = NULL;
    assert_int_equal(s_ctl(&out, "--scope S1 --role org_admin village list --state overdue"), 0);
    assert_non_null(strstr(out, "驻村第一书记 1 人次（逾期未返岗）"));
    assert_non_null(strstr(out, "O1 吴逾期（一公司）"));
    assert_non_null(strstr(out, "刘家村"));
    assert_non_null(strstr(out, "逾期未返岗 ！"));
    assert_non_null(strstr(out, local)); /* the planned return, in Asia/Shanghai */
    free(out);

    /* bad fields, each named */
    s_refused("state", "%s --state away", g);
    s_refused("limit", "%s --limit -1", g);
    s_refused("offset", "%s --offset -1", g);
    s_refused("offset", "%s --offset 100001", g);
    s_refused("org_code", "%s --org 'S 1'", g);
    s_refused("org_code", "%s --org NOPE", g);

    /* through the gateway: a viewer of S1 reads S1's; S2's token is refused S1 */
    gw_resp_t r;
    gw_http(&r, 0, "GET", "/api/v1/intake/village_list?state=overdue", s_tok_sec, NULL, NULL);
    if (r.status != 200 || !strstr(r.body, "吴逾期") || strstr(r.body, "郑在村"))
        fail_msg("village_list as S1's secretary: %ld %s", r.status, r.body);
    gw_resp_fini(&r);
    gw_http(&r, 0, "GET", "/api/v1/intake/village_list?org_code=S1", s_tok_s2, NULL, NULL);
    assert_int_equal(r.status, 403);
    assert_string_equal(gw_err_field(&r), "org_code");
    gw_resp_fini(&r);
    gw_http(&r, 0, "GET", "/api/v1/intake/village_list?state=later", s_tok_group, NULL, NULL);
    assert_int_equal(r.status, 400);
    assert_string_equal(gw_err_field(&r), "state");
    gw_resp_fini(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clarified_complaint_leaves_assessment),
        cmocka_unit_test(test_discrimination_case),
        cmocka_unit_test(test_access_and_audit),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_village_secretary),
        cmocka_unit_test(test_village_list),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}

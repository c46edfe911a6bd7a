/* test_intake_search: intake.person_search over the real service (fc-intake on the harness's
 * PostgreSQL) through fcctl — org scope (the caller's subtree, a narrower org, a foreign or
 * unknown one), Chinese substrings of one and more characters, employee-number prefixes
 * (case-insensitive, LIKE's metacharacters taken literally), the order, limit/offset/cap and
 * every bad field refused by name; migration 0004's indexes and gram function. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fc_harness.h"
#include "intake_testkit.h"
#include "fc_mem.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static pid_t g_intake;

static int s_count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* The employee numbers of a search's JSON reply, in order, joined by spaces. */
static char *s_hits(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *s_hits(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *args = fc_xvasprintf(fmt, ap);
    va_end(ap);
    char *out = intake_testkit_run(0, "%s --json", args);
    fc_buf_t b;
    fc_buf_init(&b);
    fc_buf_puts(&b, "");
    const char *key = "\"employee_no\": \"";
    for (const char *p = out; (p = strstr(p, key)) != NULL;) {
        p += strlen(key);
        size_t n = strcspn(p, "\"");
        if (b.len)
            fc_buf_puts(&b, " ");
        fc_buf_append(&b, p, n);
        p += n;
    }
    free(out);
    free(args);
    return b.data;
}

static void s_expect(const char *want, char *got)
{
    if (strcmp(want, got) != 0)
        print_error("hits: want \"%s\", got \"%s\"\n", want, got);
    assert_string_equal(got, want);
    free(got);
}

/* G / S1 / C1 / B1 and G / S2 / B2; people with names that share characters across units. */
static int s_setup(void **state)
{
    (void)state;
    intake_testkit_up(&g_intake, NULL);
    intake_testkit_ok("org add G --name 集团 --kind group");
    intake_testkit_ok("org add S1 --name 一公司 --kind subsidiary --parent G");
    intake_testkit_ok("org add C1 --name 一公司党委 --kind committee --parent S1");
    intake_testkit_ok("org add B1 --name 一支部 --kind branch --parent C1");
    intake_testkit_ok("org add S2 --name 二公司 --kind subsidiary --parent G");
    intake_testkit_ok("org add B2 --name 二支部 --kind branch --parent S2");
    intake_testkit_ok("org add S1_X --name 下划线公司 --kind subsidiary --parent G");
    intake_testkit_ok(
        "person add E1001 --name 王建国 --org B1 --party member --cadre section --leadership");
    intake_testkit_ok("person add E1002 --name 李建 --org C1 --party activist");
    intake_testkit_ok("person add E1010 --name 张伟 --org B1 --unfit");
    intake_testkit_ok("person add E2001 --name 建国 --org B1");
    intake_testkit_ok("person add E1_1 --name 欧阳娜 --org B1");
    intake_testkit_ok("person add E1X1 --name 欧阳建国 --org S1");
    intake_testkit_ok("person add F1001 --name 王建华 --org B2");
    intake_testkit_ok("person add F1002 --name 赵建国 --org B2");
    intake_testkit_ok("person add U1 --name 'Wang Jianguo' --org S1_X");
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    intake_testkit_down(&g_intake);
    return 0;
}

/* One and two Chinese characters, a middle substring, order: exact name, starts-with, rest. */
static void test_chinese_substring(void **state)
{
    (void)state;
    s_expect("E2001 E1001 E1X1 F1002", s_hits("person search 建国"));
    s_expect("E1001 F1001", s_hits("person search 王建"));
    s_expect("E1X1 E1_1", s_hits("person search 阳")); /* C order: X < _ */
    s_expect("E2001 E1001 E1002 E1X1 F1001 F1002", s_hits("person search 建"));
    s_expect("", s_hits("person search 建设"));
    /* Latin names case-insensitively; the text output names the unit and the status */
    s_expect("U1", s_hits("person search jIANg"));
    char *out = intake_testkit_run(0, "person search 王建国");
    assert_non_null(strstr(out, "E1001"));
    assert_non_null(strstr(out, "一支部（B1）"));
    assert_non_null(strstr(out, "健康"));
    assert_non_null(strstr(out, "党员"));
    assert_non_null(strstr(out, "班子成员"));
    free(out);
    out = intake_testkit_run(0, "person search 没有这个人");
    assert_non_null(strstr(out, "未找到"));
    free(out);
    out = intake_testkit_run(0, "person search 张伟 --json");
    assert_non_null(strstr(out, "\"fit_for_frontline\": false"));
    assert_non_null(strstr(out, "\"org_name\": \"一支部\""));
    assert_non_null(strstr(out, "\"health_status\": \"HEALTH_STATUS_HEALTHY\""));
    free(out);
}

/* Prefix of the employee number, case-insensitive; '_' is a character, not a wildcard; the
 * exact number first. */
static void test_employee_prefix(void **state)
{
    (void)state;
    s_expect("E1001 E1002 E1010", s_hits("person search E10 --limit 50"));
    s_expect("E1001 E1002", s_hits("person search E100"));
    s_expect("E1001 E1002 E1010 E1X1 E1_1", s_hits("person search e1"));
    s_expect("E1_1", s_hits("person search E1_"));
    s_expect("E1010", s_hits("person search e1010"));
    s_expect("", s_hits("person search 1001")); /* a prefix, not a substring */
    s_expect("", s_hits("person search 'E1%%'"));
}

/* The caller's subtree, a narrower org inside it, a foreign or unknown org. */
static void test_scope(void **state)
{
    (void)state;
    s_expect("E2001 E1001 E1X1", s_hits("--scope S1 --role org_admin person search 建国"));
    s_expect("F1002", s_hits("--scope S2 --role org_admin person search 建国"));
    s_expect("E2001 E1001", s_hits("--scope S1 --role org_admin person search 建国 --org B1"));
    s_expect("E2001 E1001", s_hits("--scope B1 --role branch_secretary person search 建国"));
    s_expect("", s_hits("--scope S2 --role org_admin person search E1"));
    /* a viewer reads */
    s_expect("F1001 F1002", s_hits("--scope S2 --role viewer person search F"));
    /* the org path is a prefix test with '_' taken literally: S1_X is not under S1 */
    s_expect("", s_hits("--scope S1 --role org_admin person search wang"));
    intake_testkit_refused("org_code", "EDENIED",
                           "--scope S2 --role org_admin person search 建国 --org B1");
    intake_testkit_refused("org_code", "EDENIED",
                           "--scope B1 --role org_admin person search 建国 --org S1");
    intake_testkit_refused("org_code", "ENOTFOUND",
                           "--scope S1 --role org_admin person search 建国 --org NOPE");
    intake_testkit_refused("org_code", "ENOTFOUND", "person search 建国 --org NOPE");
    intake_testkit_refused("org_scope", "EDENIED",
                           "--scope NOPE --role org_admin person search 建国");
}

/* limit, offset, more, the cap. */
static void test_limit_and_pages(void **state)
{
    (void)state;
    for (int i = 0; i < 25; i++)
        intake_testkit_ok("person add T%02d --name 测试员%02d --org B2", i, i);
    char *out = intake_testkit_run(0, "person search 测试 --json");
    assert_int_equal(s_count(out, "\"employee_no\""), 20); /* the default */
    assert_non_null(strstr(out, "\"more\": true"));
    free(out);
    s_expect("T00 T01 T02", s_hits("person search 测试 --limit 3"));
    s_expect("T03 T04 T05", s_hits("person search 测试 --limit 3 --offset 3"));
    out = intake_testkit_run(0, "person search 测试 --limit 10 --offset 20 --json");
    assert_int_equal(s_count(out, "\"employee_no\""), 5);
    assert_null(strstr(out, "\"more\": true"));
    free(out);
    out = intake_testkit_run(0, "person search 测试 --limit 100000 --json");
    assert_int_equal(s_count(out, "\"employee_no\""), 25);
    assert_non_null(strstr(out, "\"limit\": 200"));
    free(out);
    out = intake_testkit_run(0, "person search 测试 --limit 3");
    assert_non_null(strstr(out, "还有更多结果"));
    free(out);
    s_expect("", s_hits("person search 测试 --offset 10000"));
}

/* Every bad field is refused by name, and the plan uses the indexes of migration 0004. */
static void test_bad_input(void **state)
{
    (void)state;
    intake_testkit_refused("query", "EINVAL", "person search ''");
    char q[200] = "";
    for (int i = 0; i < 65; i++)
        strcat(q, "王");
    intake_testkit_refused("query", "EINVAL", "person search %s", q);
    q[strlen(q) - strlen("王")] = '\0'; /* 64 characters is fine */
    s_expect("", s_hits("person search %s", q));
    intake_testkit_refused("query", "EINVAL", "person search \"$(printf 'a\\tb')\"");
    intake_testkit_refused("limit", "EINVAL", "person search 王 --limit -1");
    intake_testkit_refused("offset", "EINVAL", "person search 王 --offset -1");
    intake_testkit_refused("offset", "EINVAL", "person search 王 --offset 10001");
    intake_testkit_refused("org_code", "EINVAL", "person search 王 --org 'B 1'");
    /* migration 0004: both indexes, and the grams of a three-character name (1- and 2-grams) */
    long long n =
        fc_h_scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = 'intake'"
                    " AND indexname IN ('person_name_grams', 'person_employee_no_lower')");
    assert_int_equal(n, 2);
    assert_int_equal(fc_h_scalar("SELECT cardinality(intake.person_name_grams('欧阳娜'))"), 5);
}

int main(void)
{
    fc_h_init("test_intake_search");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_chinese_substring, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_employee_prefix, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_scope, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_limit_and_pages, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, s_setup, s_teardown),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    if (g_intake > 0)
        fc_h_stop(g_intake, SIGKILL, fc_h_ms(10000));
    return failed;
}

/* test_fcctl_opts: fcctl's table-driven option parsing (fcctl_opts) — every kind of row, the
 * argument counts, and each kind of bad value refused as a usage error. */
#include "fcctl.h"
#include "fcctl_opts.h"

#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

typedef struct {
    char *name;
    int64_t at_us;
    int32_t limit;
    int64_t id;
    protobuf_c_boolean due;
    char seen[64];
} s_opts_t;

static int s_collect(const char *opt, const char *value, void *arg)
{
    (void)opt;
    s_opts_t *o = arg;
    if (strcmp(value, "bad") == 0)
        return FCCTL_EUSAGE;
    strncat(o->seen, value, sizeof o->seen - strlen(o->seen) - 1);
    return FCCTL_OK;
}

/* Parses the words of cmd (at most 15) by the test table; min..max arguments. */
static int s_parse(s_opts_t *o, const char *cmd, int min_args, int max_args, int *first_arg)
{
    static char buf[256];
    char *argv[16];
    int argc = 0;
    snprintf(buf, sizeof buf, "%s", cmd);
    for (char *w = strtok(buf, " "); w && argc < 15; w = strtok(NULL, " "))
        argv[argc++] = w;
    argv[argc] = NULL;
    memset(o, 0, sizeof *o);
    o->name = "";
    const fcctl_opt_t t[] = {FCCTL_TEXT("name", 'n', &o->name),
                             FCCTL_TIME("at", 'a', &o->at_us),
                             FCCTL_NUM("limit", 'l', &o->limit),
                             FCCTL_ID("incident", 'i', &o->id),
                             FCCTL_FLAG("due", 'd', &o->due),
                             FCCTL_PARSE("tag", 't', s_collect, o),
                             FCCTL_OPTS_END};
    optind = 0; /* glibc: a full reset, as for a fresh command */
    opterr = 0;
    int rc = fcctl_parse_opts(argc, argv, t, min_args, max_args);
    *first_arg = optind;
    return rc;
}

static void test_every_kind(void **state)
{
    (void)state;
    s_opts_t o;
    int first;
    assert_int_equal(s_parse(&o,
                             "cmd --name 王伟 --at 2026-11-22T08:00+08:00 --limit 7 --incident 12 "
                             "--due --tag a --tag b E1001",
                             1, 1, &first),
                     FCCTL_OK);
    assert_string_equal(o.name, "王伟");
    assert_int_equal(o.at_us, INT64_C(1795305600000000));
    assert_int_equal(o.limit, 7);
    assert_int_equal(o.id, 12);
    assert_true(o.due);
    assert_string_equal(o.seen, "ab"); /* a repeatable option sees every value */
    assert_int_equal(first, 14); /* E1001, after 14 words of options */
}

static void test_absent_options_keep_defaults(void **state)
{
    (void)state;
    s_opts_t o;
    int first;
    assert_int_equal(s_parse(&o, "cmd A B", 2, 2, &first), FCCTL_OK);
    assert_string_equal(o.name, "");
    assert_int_equal(o.at_us, 0);
    assert_false(o.due);
    assert_int_equal(first, 1);
}

static void test_argument_counts(void **state)
{
    (void)state;
    s_opts_t o;
    int first;
    assert_int_equal(s_parse(&o, "cmd", 1, 1, &first), FCCTL_EUSAGE);
    assert_int_equal(s_parse(&o, "cmd A B", 1, 1, &first), FCCTL_EUSAGE);
    assert_int_equal(s_parse(&o, "cmd A", 0, 1, &first), FCCTL_OK);
    assert_int_equal(s_parse(&o, "cmd", 0, 1, &first), FCCTL_OK);
}

static void test_bad_values_are_usage_errors(void **state)
{
    (void)state;
    s_opts_t o;
    int first;
    static const char *bad[] = {
        "cmd --at yesterday X",      "cmd --at 2026-13-01 X", "cmd --limit 7x X",
        "cmd --limit 99999999999 X", "cmd --incident 0 X",    "cmd --incident -3 X",
        "cmd --incident abc X",      "cmd --tag bad X",       "cmd --unknown 1 X",
        "cmd --name",                "cmd --due=yes X",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = s_parse(&o, bad[i], 1, 1, &first);
        if (rc != FCCTL_EUSAGE)
            fail_msg("\"%s\": got %d, want a usage error", bad[i], rc);
    }
}

static void test_id_and_time_args(void **state)
{
    (void)state;
    int64_t v = 0;
    assert_int_equal(fcctl_id_arg("case_id", "42", &v), FCCTL_OK);
    assert_int_equal(v, 42);
    assert_int_equal(fcctl_id_arg("case_id", "", &v), FCCTL_EUSAGE);
    assert_int_equal(fcctl_id_arg("case_id", "4 2", &v), FCCTL_EUSAGE);
    assert_int_equal(fcctl_id_arg("case_id", "99999999999999999999", &v), FCCTL_EUSAGE);
    assert_int_equal(fcctl_time_arg("--at", "2026-11-22", &v), FCCTL_OK);
    assert_int_equal(v, INT64_C(1795276800000000)); /* midnight in Asia/Shanghai */
    assert_int_equal(fcctl_time_arg("--at", "soon", &v), FCCTL_EUSAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_kind),
        cmocka_unit_test(test_absent_options_keep_defaults),
        cmocka_unit_test(test_argument_counts),
        cmocka_unit_test(test_bad_values_are_usage_errors),
        cmocka_unit_test(test_id_and_time_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

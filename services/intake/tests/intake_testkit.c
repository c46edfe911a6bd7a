/* intake_testkit: the set-up and fcctl checks intake's integration tests share (see
 * intake_testkit.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "intake_testkit.h"
#include "fc_harness.h"
#include "fc_mem.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

char *intake_testkit_run(int want, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *args = fc_xvasprintf(fmt, ap);
    va_end(ap);
    char *out = NULL;
    int rc = fc_h_fcctl(&out, "%s 2>&1", args);
    if (rc != want)
        print_error("fcctl %s: exit %d, want %d\n%s\n", args, rc, want, out);
    free(args);
    assert_int_equal(rc, want);
    return out;
}

void intake_testkit_ok(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *args = fc_xvasprintf(fmt, ap);
    va_end(ap);
    free(intake_testkit_run(0, "%s", args));
    free(args);
}

void intake_testkit_refused(const char *field, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *args = fc_xvasprintf(fmt, ap);
    va_end(ap);
    char *out = intake_testkit_run(1, "%s", args);
    char want_field[128], want_code[32];
    snprintf(want_field, sizeof want_field, "%s: ", field);
    snprintf(want_code, sizeof want_code, "(%s)", code);
    if (!strstr(out, want_field) || !strstr(out, want_code))
        print_error("fcctl %s: want \"%s\" and \"%s\" in:\n%s\n", args, want_field, want_code, out);
    assert_non_null(strstr(out, want_field));
    assert_non_null(strstr(out, want_code));
    free(out);
    free(args);
}

void intake_testkit_has(const char *out, const char *want)
{
    if (!strstr(out, want))
        print_error("want \"%s\" in:\n%s\n", want, out);
    assert_non_null(strstr(out, want));
}

void intake_testkit_up(pid_t *pid, const char *const *extra_env)
{
    if (*pid > 0)
        fc_h_stop(*pid, SIGKILL, fc_h_ms(10000));
    *pid = 0;
    fc_h_reset();
    *pid = fc_h_up("intake", extra_env);
}

void intake_testkit_down(pid_t *pid)
{
    int status = fc_h_stop(*pid, SIGTERM, fc_h_ms(10000));
    *pid = 0;
    assert_int_equal(WEXITSTATUS(status), 0);
}

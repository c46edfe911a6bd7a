/* Unit tests for fc_clock: parsing, formatting, Shanghai days, ISO weeks, clock modes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fc_clock.h"

static void test_parse_and_format(void **state)
{
    (void)state;
    int64_t us;
    fc_err_t err;
    assert_int_equal(fc_time_parse("2026-11-22T06:00:00Z", &us, &err), FC_OK);
    char buf[40];
    fc_time_format_utc(us, buf, sizeof buf);
    assert_string_equal(buf, "2026-11-22T06:00:00Z");
    fc_time_format_local(us, buf, sizeof buf);
    assert_string_equal(buf, "2026-11-22 14:00:00");
    int64_t us2;
    assert_int_equal(fc_time_parse("2026-11-22T14:00:00+08:00", &us2, &err), FC_OK);
    assert_true(us == us2);
    /* no zone means Shanghai; a bare date is Shanghai midnight */
    assert_int_equal(fc_time_parse("2026-11-22 14:00", &us2, &err), FC_OK);
    assert_true(us == us2);
    assert_int_equal(fc_time_parse("2026-11-22", &us2, &err), FC_OK);
    fc_time_format_utc(us2, buf, sizeof buf);
    assert_string_equal(buf, "2026-11-21T16:00:00Z");
    assert_int_equal(fc_time_parse("2026-11-22T06:00:00.25Z", &us2, &err), FC_OK);
    assert_true(us2 - us == 250000);
}

static void test_parse_rejects(void **state)
{
    (void)state;
    const char *bad[] = {"", "2026-13-01", "2026-02-30", "2026-11-22T25:00Z", "2026-11-22X",
                         "20261122", "2026-11-22T06:00:00+8", "2026-11-22T06:00:00Zjunk"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t us;
        fc_err_t err;
        fc_err_clear(&err);
        assert_int_equal(fc_time_parse(bad[i], &us, &err), FC_EINVAL);
        assert_non_null(strstr(err.message, "is not a time"));
    }
    int64_t us;
    assert_int_equal(fc_time_parse("2024-02-29", &us, NULL), FC_OK); /* leap day */
}

static void test_local_day_and_weeks(void **state)
{
    (void)state;
    int64_t us;
    fc_time_parse("2026-11-22T15:59:59Z", &us, NULL); /* 23:59:59 in Shanghai */
    int64_t d = fc_time_local_day(us);
    assert_true(d == fc_days_from_civil(2026, 11, 22));
    assert_true(fc_time_local_day(us + 1000000) == d + 1);
    int y, w;
    fc_iso_week(fc_days_from_civil(2026, 11, 22), &y, &w);
    assert_int_equal(y, 2026);
    assert_int_equal(w, 47);
    fc_iso_week(fc_days_from_civil(2021, 1, 3), &y, &w); /* Sunday of 2020-W53 */
    assert_int_equal(y, 2020);
    assert_int_equal(w, 53);
    int64_t monday;
    assert_int_equal(fc_iso_week_start(2026, 47, &monday, NULL), FC_OK);
    assert_true(monday == fc_days_from_civil(2026, 11, 16));
    assert_int_equal(fc_iso_week_start(2026, 53, &monday, NULL), FC_OK);     /* 53 weeks */
    assert_int_equal(fc_iso_week_start(2025, 53, &monday, NULL), FC_EINVAL); /* 52 weeks */
    assert_int_equal(fc_iso_week_start(2020, 53, &monday, NULL), FC_OK);
    assert_int_equal(fc_iso_week_start(2026, 0, &monday, NULL), FC_EINVAL);
    int yy, mm, dd;
    fc_civil_from_days(fc_days_from_civil(2000, 2, 29), &yy, &mm, &dd);
    assert_int_equal(yy * 10000 + mm * 100 + dd, 20000229);
}

static void test_clock_modes(void **state)
{
    (void)state;
    fc_err_t err;
    assert_int_equal(fc_clock_configure("fixed:2026-11-16T08:00:00+08:00", &err), FC_OK);
    int64_t expect;
    fc_time_parse("2026-11-16T00:00:00Z", &expect, NULL);
    assert_true(fc_clock_now_us() == expect);

    char path[] = "/tmp/fc_clock_testXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_true(write(fd, "2027-01-01T00:00:00Z\n", 21) == 21);
    close(fd);
    char spec[64];
    snprintf(spec, sizeof spec, "file:%s", path);
    assert_int_equal(fc_clock_configure(spec, &err), FC_OK);
    fc_time_parse("2027-01-01T00:00:00Z", &expect, NULL);
    assert_true(fc_clock_now_us() == expect);
    unlink(path);

    /* accelerated: 3600x from an anchor one second ago is about an hour on */
    snprintf(spec, sizeof spec, "accel:2026-11-16T00:00:00Z,3600,%ld", (long)time(NULL) - 1);
    assert_int_equal(fc_clock_configure(spec, &err), FC_OK);
    fc_time_parse("2026-11-16T00:00:00Z", &expect, NULL);
    int64_t d = fc_clock_now_us() - expect;
    assert_true(d >= 3600LL * 1000000 && d < 3 * 3600LL * 1000000);

    assert_int_equal(fc_clock_configure("accel:2026-11-16T00:00:00Z,-1,5", &err), FC_EINVAL);
    assert_int_equal(fc_clock_configure("sundial", &err), FC_EINVAL);
    assert_string_equal(err.field, "FC_CLOCK");
    assert_int_equal(fc_clock_configure("real", &err), FC_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_format),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_local_day_and_weeks),
        cmocka_unit_test(test_clock_modes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_intake_csv: the RFC 4180 reader and the shift specs, on in-memory files: quoting,
 * embedded commas/newlines/quotes, BOM, CRLF, blank lines, malformed records, caps. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "intake_csv.h"
#include "intake_shift.h"
#include "fc_pb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    FILE *f;
    intake_csv_t *csv;
} reader_t;

static void s_open(reader_t *r, const char *data, size_t len, size_t max)
{
    r->f = fmemopen((void *)data, len, "r");
    assert_non_null(r->f);
    r->csv = intake_csv_new(r->f, max);
}

static void s_close(reader_t *r)
{
    intake_csv_destroy(&r->csv);
    assert_null(r->csv);
    fclose(r->f);
}

/* Reads one record and checks its fields (NULL-terminated list) and line. */
static void s_expect(reader_t *r, int want_rc, long want_line, ...)
{
    char **f = NULL;
    size_t n = 0;
    long line = 0;
    fc_err_t err;
    fc_err_clear(&err);
    int rc = intake_csv_next(r->csv, &f, &n, &line, &err);
    if (rc != want_rc)
        print_error("rc %d, want %d (%s)\n", rc, want_rc, err.message);
    assert_int_equal(rc, want_rc);
    if (rc == INTAKE_CSV_EOF || rc == INTAKE_CSV_FATAL)
        return;
    assert_int_equal(line, want_line);
    va_list ap;
    va_start(ap, want_line);
    size_t i = 0;
    for (const char *want; (want = va_arg(ap, const char *)) != NULL; i++) {
        assert_true(i < n);
        assert_string_equal(f[i], want);
    }
    va_end(ap);
    assert_int_equal(i, n);
}

static void test_plain_and_quoted(void **state)
{
    (void)state;
    static const char data[] = "\xEF\xBB\xBF"
                               "a,b,c\r\n"
                               "1,\"x, y\",\"say \"\"hi\"\"\"\r\n"
                               "\r\n"
                               "2,\"two\nlines\",\n"
                               "3,,\"\"";
    reader_t r;
    s_open(&r, data, sizeof data - 1, 0);
    s_expect(&r, INTAKE_CSV_RECORD, 1, "a", "b", "c", NULL);
    s_expect(&r, INTAKE_CSV_RECORD, 2, "1", "x, y", "say \"hi\"", NULL);
    s_expect(&r, INTAKE_CSV_RECORD, 4, "2", "two\nlines", "", NULL);
    s_expect(&r, INTAKE_CSV_RECORD, 6, "3", "", "", NULL);
    s_expect(&r, INTAKE_CSV_EOF, 0, NULL);
    s_close(&r);
}

static void test_utf8_passthrough(void **state)
{
    (void)state;
    static const char data[] = "工号,姓名\n甲,“张三”\n";
    reader_t r;
    s_open(&r, data, sizeof data - 1, 0);
    s_expect(&r, INTAKE_CSV_RECORD, 1, "工号", "姓名", NULL);
    s_expect(&r, INTAKE_CSV_RECORD, 2, "甲", "“张三”", NULL);
    s_close(&r);
}

static void test_malformed_records_recover(void **state)
{
    (void)state;
    static const char data[] = "a,b\n"
                               "x\"y,1\n"   /* stray quote in an unquoted field */
                               "\"q\"z,2\n" /* text after a closing quote */
                               "ok,3\n"
                               "n\0l,4\n"; /* NUL byte */
    reader_t r;
    s_open(&r, data, sizeof data - 1, 0);
    s_expect(&r, INTAKE_CSV_RECORD, 1, "a", "b", NULL);
    s_expect(&r, INTAKE_CSV_BAD_RECORD, 2, "x\"y", "1", NULL);
    s_expect(&r, INTAKE_CSV_BAD_RECORD, 3, "qz", "2", NULL);
    s_expect(&r, INTAKE_CSV_RECORD, 4, "ok", "3", NULL);
    char **f;
    size_t n;
    long line;
    fc_err_t err;
    assert_int_equal(intake_csv_next(r.csv, &f, &n, &line, &err), INTAKE_CSV_BAD_RECORD);
    assert_int_equal(line, 5);
    assert_non_null(strstr(err.message, "NUL"));
    s_expect(&r, INTAKE_CSV_EOF, 0, NULL);
    s_close(&r);
}

static void test_unterminated_quote_is_fatal(void **state)
{
    (void)state;
    static const char data[] = "a,b\n1,\"open\n2,3\n";
    reader_t r;
    s_open(&r, data, sizeof data - 1, 0);
    s_expect(&r, INTAKE_CSV_RECORD, 1, "a", "b", NULL);
    char **f;
    size_t n;
    long line;
    fc_err_t err;
    fc_err_clear(&err);
    assert_int_equal(intake_csv_next(r.csv, &f, &n, &line, &err), INTAKE_CSV_FATAL);
    assert_non_null(strstr(err.message, "未闭合"));
    s_expect(&r, INTAKE_CSV_EOF, 0, NULL);
    s_close(&r);
}

static void test_byte_cap(void **state)
{
    (void)state;
    static const char data[] = "a,b\n1,2\n3,4\n5,6\n";
    reader_t r;
    s_open(&r, data, sizeof data - 1, 10);
    s_expect(&r, INTAKE_CSV_RECORD, 1, "a", "b", NULL);
    s_expect(&r, INTAKE_CSV_RECORD, 2, "1", "2", NULL);
    char **f;
    size_t n;
    long line;
    fc_err_t err;
    fc_err_clear(&err);
    assert_int_equal(intake_csv_next(r.csv, &f, &n, &line, &err), INTAKE_CSV_FATAL);
    assert_int_equal(err.code, FC_ETOOBIG);
    s_close(&r);
}

static void test_field_count_cap(void **state)
{
    (void)state;
    char data[2048];
    size_t k = 0;
    for (int i = 0; i < 300; i++)
        data[k++] = ',';
    data[k++] = '\n';
    reader_t r;
    s_open(&r, data, k, 0);
    char **f;
    size_t n;
    long line;
    fc_err_t err;
    assert_int_equal(intake_csv_next(r.csv, &f, &n, &line, &err), INTAKE_CSV_BAD_RECORD);
    assert_int_equal(n, INTAKE_CSV_MAX_FIELDS);
    s_close(&r);
}

static void test_empty_file(void **state)
{
    (void)state;
    reader_t r;
    s_open(&r, "\n\n", 2, 0);
    s_expect(&r, INTAKE_CSV_EOF, 0, NULL);
    s_close(&r);
}

static void test_shift_parse(void **state)
{
    (void)state;
    fc_arena_t *a = fc_arena_new(1024);
    fc_err_t err;
    Fc__V1__Shift **v = NULL;
    size_t n = 0;
    assert_int_equal(intake_shift_parse("08:00-20:00*2; 20:00-08:00*3;", a, &v, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(v[0]->start_min, 480);
    assert_int_equal(v[0]->end_min, 1200);
    assert_int_equal(v[1]->headcount, 3);
    assert_int_equal(intake_shift_minutes(v[0]), 720);
    assert_int_equal(intake_shift_minutes(v[1]), 720); /* crosses midnight */
    char *s = intake_shift_format(v, n);
    assert_string_equal(s, "08:00-20:00*2;20:00-08:00*3");
    free(s);
    assert_int_equal(intake_shift_parse("00:00-00:00*1", a, &v, &n, &err), FC_OK);
    assert_int_equal(intake_shift_minutes(v[0]), 1440);
    static const char *bad[] = {"",
                                " ",
                                "8:00-20:00*2",
                                "08:00-20:00",
                                "08:00-24:00*1",
                                "08:60-20:00*1",
                                "08:00-20:00*x",
                                "08:00/20:00*1",
                                "08:00-20:00*2;;",
                                "08:00-20:00*2 junk",
                                "08:00-20:00*1234567",
                                NULL};
    for (int i = 0; bad[i]; i++) {
        fc_err_clear(&err);
        assert_int_equal(intake_shift_parse(bad[i], a, &v, &n, &err), FC_EINVAL);
        assert_string_equal(err.field, "shifts");
    }
    fc_arena_destroy(&a);
}

/* Found by tests/fuzz/csv: a bad shift quoted in the message was cut at 40 bytes in the middle
 * of a Chinese character, so the message (an import problem fcctl sends to intake) was not
 * UTF-8 and intake refused the whole chunk instead of listing the problem. */
static void test_shift_error_is_utf8(void **state)
{
    (void)state;
    fc_arena_t *a = fc_arena_new(1024);
    fc_err_t err;
    Fc__V1__Shift **v = NULL;
    size_t n = 0;
    /* the second shift: 39 ASCII bytes, then 总部 (3 bytes each): byte 40 is inside 总 */
    const char *spec = "08:00-20:00*2;20:00-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx总部";
    fc_err_clear(&err);
    assert_int_equal(intake_shift_parse(spec, a, &v, &n, &err), FC_EINVAL);
    assert_true(fc_utf8_valid(err.message, strlen(err.message)));
    assert_non_null(strstr(err.message, "“20:00-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx”"));
    /* the helper: whole when short, never half a character when cut */
    assert_int_equal(intake_csv_show_len("总部", 40), 6);
    assert_int_equal(intake_csv_show_len("总部", 6), 6);
    assert_int_equal(intake_csv_show_len("总部", 5), 3);
    assert_int_equal(intake_csv_show_len("总部", 4), 3);
    assert_int_equal(intake_csv_show_len("总部", 2), 0);
    assert_int_equal(intake_csv_show_len("ab", 1), 1);
    fc_arena_destroy(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_quoted),
        cmocka_unit_test(test_utf8_passthrough),
        cmocka_unit_test(test_malformed_records_recover),
        cmocka_unit_test(test_unterminated_quote_is_fatal),
        cmocka_unit_test(test_byte_cap),
        cmocka_unit_test(test_field_count_cap),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_shift_parse),
        cmocka_unit_test(test_shift_error_is_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

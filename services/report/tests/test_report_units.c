/* Unit tests of report's pure parts: cron expressions and their previous run time in
 * Asia/Shanghai, ISO weeks (bad and non-existent ones refused), the policy (due times with
 * their overrides; every bad value refused naming its path), and the renderers on a report
 * with hostile strings: JSON values, CSV quoting and formula guard, HTML escaping, and an XLSX
 * that a reader opens (unzip + XML) holding the same figures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fc_clock.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "report_check.h"
#include "report_cron.h"
#include "report_policy.h"
#include "report_render.h"
#include "report_schedule.h"
#include "report_week.h"
#include "xlsx_read.h"

static int64_t s_t(const char *iso)
{
    int64_t us = 0;
    fc_err_t err;
    assert_int_equal(fc_time_parse(iso, &us, &err), FC_OK);
    return us;
}

static void test_cron(void **state)
{
    (void)state;
    report_cron_t c;
    fc_err_t err;
    int64_t fire = 0;
    assert_int_equal(report_cron_parse("0 8 * * 1", "X", &c, &err), FC_OK);
    /* Monday 2026-11-23 08:00 Shanghai = 00:00Z */
    assert_int_equal(report_cron_prev(&c, s_t("2026-11-23T00:00:30Z"), 7, &fire), FC_OK);
    assert_true(fire == s_t("2026-11-23T00:00:00Z"));
    /* a minute before: the Monday before */
    assert_int_equal(report_cron_prev(&c, s_t("2026-11-22T23:59:59Z"), 7, &fire), FC_OK);
    assert_true(fire == s_t("2026-11-16T00:00:00Z"));
    assert_int_equal(report_cron_prev(&c, s_t("2026-11-22T23:59:59Z"), 5, &fire), FC_ENOTFOUND);
    char period[16];
    report_schedule_period(s_t("2026-11-23T00:00:00Z"), period);
    assert_string_equal(period, "2026-W47");
    /* lists, ranges, steps; 7 is Sunday; dom OR dow when both are restricted */
    assert_int_equal(report_cron_parse("*/15 9-17 * * 7", "X", &c, &err), FC_OK);
    assert_int_equal(report_cron_prev(&c, s_t("2026-11-22T09:20:00+08:00"), 7, &fire), FC_OK);
    assert_true(fire == s_t("2026-11-22T09:15:00+08:00"));
    assert_int_equal(report_cron_parse("30 6 1 * 3", "X", &c, &err), FC_OK);
    assert_int_equal(report_cron_prev(&c, s_t("2026-11-20T12:00:00+08:00"), 31, &fire), FC_OK);
    assert_true(fire == s_t("2026-11-18T06:30:00+08:00")); /* Wednesday, not the 1st */
    /* every bad expression names the field and the part */
    const char *bad[] = {"",           "0 8 * *",    "0 8 * * 1 2", "60 8 * * 1",  "0 24 * * 1",
                         "0 8 0 * 1",  "0 8 * 13 1", "0 8 * * 8",   "*/0 8 * * 1", "a 8 * * 1",
                         "5-1 8 * * 1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fc_err_clear(&err);
        assert_int_equal(report_cron_parse(bad[i], "FC_REPORT_SCHEDULE", &c, &err), FC_EINVAL);
        assert_string_equal(err.field, "FC_REPORT_SCHEDULE");
    }
}

static void test_week(void **state)
{
    (void)state;
    report_week_t w;
    fc_err_t err;
    assert_int_equal(report_week_parse("2026-W47", "iso_week", &w, &err), FC_OK);
    assert_true(w.start_us == s_t("2026-11-16T00:00:00+08:00"));
    assert_true(w.end_us == s_t("2026-11-23T00:00:00+08:00"));
    assert_int_equal(report_week_parse("2020-W53", "iso_week", &w, &err), FC_OK);
    assert_true(w.start_us == s_t("2020-12-28T00:00:00+08:00"));
    const char *bad[] = {"2021-W53", "2026-W00", "2026-W54",  "2026W47", "2026-w47",
                         "26-W47",   "2026-W4",  "2026-W47x", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fc_err_clear(&err);
        assert_int_equal(report_week_parse(bad[i], "iso_week", &w, &err), FC_EINVAL);
        assert_string_equal(err.field, "iso_week");
        assert_non_null(strstr(err.message, "周"));
    }
    report_week_t prev;
    assert_int_equal(report_week_parse("2026-W01", "iso_week", &w, &err), FC_OK);
    report_week_shift(&w, 1, &prev);
    assert_string_equal(prev.iso_week, "2025-W52");
}

static report_policy_t *s_policy(const char *text, fc_err_t *err)
{
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    assert_non_null(doc);
    return report_policy_from_json(doc, err);
}

static void test_policy(void **state)
{
    (void)state;
    fc_err_t err;
    report_policy_t *p = report_policy_load(FC_SOURCE_DIR "/infra/policy", &err);
    assert_non_null(p);
    report_week_t w;
    report_week_parse("2026-W47", "w", &w, &err);
    /* default: Sunday 20:00 of the week */
    assert_true(report_policy_due_us(p, "S1", &w) == s_t("2026-11-22T20:00:00+08:00"));
    report_policy_destroy(&p);
    assert_null(p);

    p = s_policy("{\"weekly_report\": {\"due\": {\"weekday\": 1, \"time\": \"09:30\","
                 " \"next_week\": true}, \"subsidiaries\": {\"S2\": {\"weekday\": 5,"
                 " \"time\": \"18:00\"}}, \"weeks\": [{\"week\": \"2026-W47\", \"weekday\": 2,"
                 " \"time\": \"12:00\", \"next_week\": true}, {\"week\": \"2026-W47\", \"org\":"
                 " \"S2\", \"weekday\": 3, \"time\": \"08:00\", \"next_week\": true}]}}",
                 &err);
    assert_non_null(p);
    report_week_t w46;
    report_week_parse("2026-W46", "w", &w46, &err);
    assert_true(report_policy_due_us(p, "S1", &w46) == s_t("2026-11-16T09:30:00+08:00"));
    assert_true(report_policy_due_us(p, "S2", &w46) == s_t("2026-11-13T18:00:00+08:00"));
    assert_true(report_policy_due_us(p, "S1", &w) == s_t("2026-11-24T12:00:00+08:00"));
    assert_true(report_policy_due_us(p, "S2", &w) == s_t("2026-11-25T08:00:00+08:00"));
    report_policy_destroy(&p);

    const struct {
        const char *json, *field;
    } bad[] = {
        {"{\"weekly_report\": {\"due\": {\"weekday\": 8, \"time\": \"09:00\"}}}",
         "weekly_report.due"},
        {"{\"weekly_report\": {\"due\": {\"weekday\": 1, \"time\": \"25:00\"}}}",
         "weekly_report.due"},
        {"{\"weekly_report\": {\"subsidiaries\": {\"S1\": {\"weekday\": 1}}}}",
         "weekly_report.subsidiaries.S1"},
        {"{\"weekly_report\": {\"weeks\": [{\"week\": \"2021-W53\", \"weekday\": 1, \"time\":"
         " \"09:00\"}]}}",
         "weekly_report.weeks[0]"},
        {"{\"two_ends\": {\"window_weeks\": 0}}", "two_ends.window_weeks"},
        {"{\"reserve_pool\": {\"exclude_if_bad\": 1}}", "reserve_pool.exclude_if_bad"},
        {"{\"fast_track\": {\"party_status\": [\"friend\"]}}", "fast_track.party_status"},
        {"{\"lists\": {\"max_rows\": \"many\"}}", "lists.max_rows"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fc_err_clear(&err);
        p = s_policy(bad[i].json, &err);
        assert_null(p);
        assert_int_equal(err.code, FC_EINVAL);
        assert_string_equal(err.field, bad[i].field);
    }
}

/* ---- a small report with hostile strings ---- */

static Fc__V1__ReportCell *s_num(fc_arena_t *a, int64_t v, int null)
{
    Fc__V1__ReportCell *c = fc_arena_alloc(a, sizeof *c);
    fc__v1__report_cell__init(c);
    c->num = v;
    c->is_null = null;
    return c;
}

static Fc__V1__ReportCell *s_str(fc_arena_t *a, const char *s)
{
    Fc__V1__ReportCell *c = fc_arena_alloc(a, sizeof *c);
    fc__v1__report_cell__init(c);
    c->text = fc_arena_strdup(a, s);
    return c;
}

static Fc__V1__ReportWeekly *s_report(fc_arena_t *a)
{
    static Fc__V1__ReportColumn cols[] = {
        {PROTOBUF_C_MESSAGE_INIT(&fc__v1__report_column__descriptor), "unit", "单位代码", "text"},
        {PROTOBUF_C_MESSAGE_INIT(&fc__v1__report_column__descriptor), "unit_name", "单位", "text"},
        {PROTOBUF_C_MESSAGE_INIT(&fc__v1__report_column__descriptor), "headcount", "一线人数",
         "int"},
        {PROTOBUF_C_MESSAGE_INIT(&fc__v1__report_column__descriptor), "person_days", "人天", "int"},
        {PROTOBUF_C_MESSAGE_INIT(&fc__v1__report_column__descriptor), "paid_fen", "支出", "money"},
        {PROTOBUF_C_MESSAGE_INIT(&fc__v1__report_column__descriptor), "minutes", "时长", "minutes"},
        {PROTOBUF_C_MESSAGE_INIT(&fc__v1__report_column__descriptor), "rate", "执行率", "permille"},
        {PROTOBUF_C_MESSAGE_INIT(&fc__v1__report_column__descriptor), "at_us", "时间", "time"},
        {PROTOBUF_C_MESSAGE_INIT(&fc__v1__report_column__descriptor), "flag", "标记", "flag"},
    };
    static Fc__V1__ReportColumn *colp[9];
    for (int i = 0; i < 9; i++)
        colp[i] = &cols[i];
    const char *names[] = {"<script>alert(1)</script>", "=SUM(A1:A9)", "甲,\"乙\"\n丙"};
    Fc__V1__ReportTable *t = fc_arena_alloc(a, sizeof *t);
    fc__v1__report_table__init(t);
    t->key = "by_unit";
    t->title = "一线人数、人天与执勤时长";
    t->columns = colp;
    t->n_columns = 9;
    t->n_rows = 4;
    t->rows = fc_arena_alloc(a, 4 * sizeof *t->rows);
    for (int r = 0; r < 4; r++) {
        Fc__V1__ReportRow *row = fc_arena_alloc(a, sizeof *row);
        fc__v1__report_row__init(row);
        char key[8];
        snprintf(key, sizeof key, "S%d", r + 1);
        row->key = fc_arena_strdup(a, key);
        row->total = r == 3;
        row->n_cells = 9;
        row->cells = fc_arena_alloc(a, 9 * sizeof *row->cells);
        row->cells[0] = s_str(a, key);
        row->cells[1] = s_str(a, r < 3 ? names[r] : "合计（集团）");
        row->cells[2] = s_num(a, 10 * (r + 1), 0);
        row->cells[3] = s_num(a, 7 * (r + 1), 0);
        row->cells[4] = s_num(a, r == 1 ? -1234 : 123456789 + r, 0);
        row->cells[5] = s_num(a, 61 + r, 0);
        row->cells[6] = s_num(a, 125, r == 2);
        row->cells[7] = s_num(a, s_t("2026-11-22T20:00:00+08:00"), 0);
        row->cells[8] = s_num(a, r & 1, 0);
        t->rows[r] = row;
    }
    Fc__V1__ReportSection *s1 = fc_arena_alloc(a, sizeof *s1), *s2 = fc_arena_alloc(a, sizeof *s2);
    fc__v1__report_section__init(s1);
    fc__v1__report_section__init(s2);
    s1->key = "frontline";
    s1->title = "一线力量";
    s1->status = "complete";
    s1->reason = "";
    s1->tables = fc_arena_alloc(a, sizeof *s1->tables);
    s1->tables[0] = t;
    s1->n_tables = 1;
    s2->key = "workload";
    s2->title = "工作负荷与强制休息";
    s2->status = "missing";
    s2->reason = "rotation <未应答> & 缺数";
    Fc__V1__ReportWeekly *rep = fc_arena_alloc(a, sizeof *rep);
    fc__v1__report_weekly__init(rep);
    Fc__V1__ReportMeta *m = fc_arena_alloc(a, sizeof *m);
    fc__v1__report_meta__init(m);
    m->iso_week = "2026-W47";
    m->org_code = "G";
    m->org_name = "集团<b>";
    m->version = 2;
    m->completeness = "partial";
    m->trigger = "on_demand";
    m->period_start_us = s_t("2026-11-16T00:00:00+08:00");
    m->period_end_us = s_t("2026-11-23T00:00:00+08:00");
    m->generated_us = s_t("2026-11-23T08:00:00+08:00");
    m->generated_by = "test";
    m->body_sha256 = "";
    rep->meta = m;
    rep->sections = fc_arena_alloc(a, 2 * sizeof *rep->sections);
    rep->sections[0] = s1;
    rep->sections[1] = s2;
    rep->n_sections = 2;
    return rep;
}

static void test_cell_text(void **state)
{
    (void)state;
    Fc__V1__ReportColumn c = FC__V1__REPORT_COLUMN__INIT;
    Fc__V1__ReportCell v = FC__V1__REPORT_CELL__INIT;
    char buf[64];
    c.kind = "money";
    v.num = 123456;
    report_cell_text(&c, &v, buf, sizeof buf);
    assert_string_equal(buf, "1234.56");
    v.num = -5;
    report_cell_text(&c, &v, buf, sizeof buf);
    assert_string_equal(buf, "-0.05");
    c.kind = "minutes";
    v.num = 93; /* 1.55 h: half up */
    report_cell_text(&c, &v, buf, sizeof buf);
    assert_string_equal(buf, "1.6");
    c.kind = "permille";
    v.num = 125;
    report_cell_text(&c, &v, buf, sizeof buf);
    assert_string_equal(buf, "12.5%");
    v.is_null = 1;
    report_cell_text(&c, &v, buf, sizeof buf);
    assert_string_equal(buf, "—");
    assert_int_equal(report_text_width("ab"), 2);
    assert_int_equal(report_text_width("一线人数"), 8);
    assert_int_equal(report_text_width("S1 第一子公司"), 3 + 10);
}

static void test_render_formats(void **state)
{
    (void)state;
    fc_arena_t *a = fc_arena_new(4096);
    Fc__V1__ReportWeekly *rep = s_report(a);
    fc_err_t err;

    /* JSON: typed values; null stays null */
    char *js = report_render_json(rep);
    json_error_t jerr;
    json_t *j = json_loads(js, 0, &jerr);
    assert_non_null(j);
    json_t *rows = json_object_get(
        json_array_get(json_object_get(json_array_get(json_object_get(j, "sections"), 0), "tables"),
                       0),
        "rows");
    assert_int_equal(json_array_size(rows), 4);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 1), "paid_fen")),
                     -1234);
    assert_true(json_is_null(json_object_get(json_array_get(rows, 2), "rate")));
    assert_true(json_is_true(json_object_get(json_array_get(rows, 1), "flag")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "unit_name")),
                        "<script>alert(1)</script>");
    json_decref(j);
    free(js);

    /* HTML: every string escaped; missing section says so */
    char *html = report_render_html(rep);
    assert_null(strstr(html, "<script>"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(html, "集团&lt;b&gt;"));
    assert_non_null(strstr(html, "rotation &lt;未应答&gt; &amp; 缺数"));
    assert_non_null(strstr(html, "<svg"));
    assert_non_null(strstr(html, "1234567.89"));
    free(html);

    /* CSV: a file per table, BOM, quoting, formula guard, money in yuan */
    Fc__V1__ReportFile **files = NULL;
    size_t n = 0;
    assert_int_equal(report_render(rep, REPORT_FMT_CSV, a, &files, &n, &err), FC_OK);
    assert_int_equal(n, 3);
    assert_string_equal(files[0]->name, "meta.csv");
    assert_string_equal(files[1]->name, "frontline_by_unit.csv");
    assert_string_equal(files[2]->name, "workload_missing.csv");
    char *csv = fc_xstrndup((const char *)files[1]->content.data, files[1]->content.len);
    assert_memory_equal(csv, "\xEF\xBB\xBF单位代码,单位,一线人数",
                        strlen("\xEF\xBB\xBF单位代码,单位,一线人数"));
    assert_non_null(strstr(csv, ",'=SUM(A1:A9),"));
    assert_non_null(strstr(csv, "\"甲,\"\"乙\"\"\n丙\""));
    assert_non_null(strstr(csv, ",-12.34,"));
    assert_non_null(strstr(csv, ",1234567.89,1.0,12.5%,2026-11-22 20:00:00,否"));
    free(csv);

    /* XLSX: opens, a sheet per section plus the overview, same figures, frozen header, chart */
    uint8_t *data = NULL;
    size_t len = 0;
    assert_int_equal(report_render_xlsx(rep, &data, &len, &err), FC_OK);
    char path[] = "/tmp/test_report_xlsx_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    free(data);
    xbook_t b;
    assert_int_equal(xbook_load(path, &b), 0);
    char why[512] = "";
    if (rc_xlsx_matches(&b, rep, why, sizeof why) != 0)
        fail_msg("xlsx differs: %s", why);
    assert_int_equal(b.nsheets, 3);
    assert_int_equal(b.frozen_rows[1], 3); /* title, table title, header */
    assert_true(b.charts >= 1);
    int sh = xbook_sheet(&b, "1 一线力量");
    const xcell_t *money = xbook_cell(&b, sh, 3, 4);
    assert_non_null(money);
    assert_true(money->is_num && money->num > 1234567.88 && money->num < 1234567.90);
    xbook_fini(&b);
    unlink(path);
    fc_arena_destroy(&a);
}

static void test_render_format_names(void **state)
{
    (void)state;
    report_format_t f;
    fc_err_t err;
    assert_int_equal(report_render_format("xlsx", &f, &err), FC_OK);
    assert_int_equal(f, REPORT_FMT_XLSX);
    assert_int_equal(report_render_format("pdf", &f, &err), FC_EINVAL);
    assert_string_equal(err.field, "format");
}

int main(void)
{
    fc_log_init("test_report_units", FC_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cron),           cmocka_unit_test(test_week),
        cmocka_unit_test(test_policy),         cmocka_unit_test(test_cell_text),
        cmocka_unit_test(test_render_formats), cmocka_unit_test(test_render_format_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests of notify_rules and notify_template: quiet hours at their edges, what counts as
 * a phone number, an e-mail address and a webhook, WeCom error classes, calendar periods,
 * backoff, money as text, template rendering (a missing variable is an error naming it),
 * labels per language, and cutting to WeCom's byte limits on a UTF-8 boundary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fc_clock.h"
#include "fc_pb.h"
#include "notify_channel.h"
#include "notify_policy.h"
#include "notify_rules.h"
#include "notify_template.h"

static int64_t s_t(const char *iso)
{
    int64_t us = 0;
    assert_int_equal(fc_time_parse(iso, &us, NULL), FC_OK);
    return us;
}

static void test_quiet_hours(void **state)
{
    (void)state;
    notify_quiet_t q = {22 * 60, 7 * 60};
    assert_false(notify_quiet_is(&q, s_t("2026-11-23T21:59:59+08:00")));
    assert_true(notify_quiet_is(&q, s_t("2026-11-23T22:00:00+08:00")));
    assert_true(notify_quiet_is(&q, s_t("2026-11-24T00:30:00+08:00")));
    assert_true(notify_quiet_is(&q, s_t("2026-11-24T06:59:59+08:00")));
    assert_false(notify_quiet_is(&q, s_t("2026-11-24T07:00:00+08:00")));
    /* UTC 15:00 is 23:00 in Shanghai */
    assert_true(notify_quiet_is(&q, s_t("2026-11-23T15:00:00Z")));
    assert_int_equal(notify_quiet_end(&q, s_t("2026-11-23T23:30:00+08:00")),
                     s_t("2026-11-24T07:00:00+08:00"));
    assert_int_equal(notify_quiet_end(&q, s_t("2026-11-24T03:00:00+08:00")),
                     s_t("2026-11-24T07:00:00+08:00"));
    int64_t noon = s_t("2026-11-24T12:00:00+08:00");
    assert_int_equal(notify_quiet_end(&q, noon), noon);
    notify_quiet_t day = {13 * 60, 14 * 60}; /* a window that does not wrap */
    assert_true(notify_quiet_is(&day, s_t("2026-11-24T13:30:00+08:00")));
    assert_false(notify_quiet_is(&day, s_t("2026-11-24T14:00:00+08:00")));
    notify_quiet_t none = {0, 0};
    assert_false(notify_quiet_is(&none, s_t("2026-11-24T03:00:00+08:00")));
    int m = 0;
    assert_int_equal(notify_parse_hhmm("07:30", &m), FC_OK);
    assert_int_equal(m, 450);
    assert_int_equal(notify_parse_hhmm("24:00", &m), FC_EINVAL);
    assert_int_equal(notify_parse_hhmm("7:30", &m), FC_EINVAL);
    assert_int_equal(notify_parse_hhmm("07:60", &m), FC_EINVAL);
}

static void test_addresses(void **state)
{
    (void)state;
    char d[12];
    assert_true(notify_phone_valid("13800000001", d));
    assert_string_equal(d, "13800000001");
    assert_true(notify_phone_valid("+86 138-0000-0001", d));
    assert_string_equal(d, "13800000001");
    assert_true(notify_phone_valid("8613800000001", d));
    assert_false(notify_phone_valid("12345", NULL));
    assert_false(notify_phone_valid("12800000001", NULL)); /* 12x is not a mobile prefix */
    assert_false(notify_phone_valid("1380000000a", NULL));
    assert_false(notify_phone_valid("", NULL));
    assert_false(notify_phone_valid("138000000011", NULL));
    assert_true(notify_email_valid("s1@frontline.example"));
    assert_false(notify_email_valid("s1frontline.example"));
    assert_false(notify_email_valid("@frontline.example"));
    assert_false(notify_email_valid("a@b"));
    assert_false(notify_email_valid("a b@c.example"));
    assert_false(notify_email_valid("a@b.example>\r\nRCPT TO:<x@y.z"));
    assert_true(notify_url_valid("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"));
    assert_true(notify_url_valid("http://127.0.0.1:6291/robot/g"));
    assert_false(notify_url_valid("ftp://example.com/x"));
    assert_false(notify_url_valid("http:///x"));
    assert_false(notify_url_valid("http://a b"));
}

static void test_wecom_errcodes_and_backoff(void **state)
{
    (void)state;
    assert_true(notify_wecom_retryable(45009));
    assert_true(notify_wecom_retryable(-1));
    assert_false(notify_wecom_retryable(93000));
    assert_false(notify_wecom_retryable(40008));
    /* 2 s, 4 s, 8 s ... capped at 60 s, plus at most a fifth */
    for (int a = 1; a <= 10; a++) {
        int64_t base = 2000;
        for (int i = 1; i < a && base < 60000; i++)
            base *= 2;
        if (base > 60000)
            base = 60000;
        for (uint64_t r = 0; r < 2000; r += 97) {
            int64_t d = notify_backoff_ms(a, 2000, 60000, r * 7919);
            assert_true(d >= base && d <= base + base / 5);
        }
    }
    char y[32];
    notify_fen_yuan(200050, y, sizeof y);
    assert_string_equal(y, "2000.50");
    notify_fen_yuan(5, y, sizeof y);
    assert_string_equal(y, "0.05");
    notify_fen_yuan(-120, y, sizeof y);
    assert_string_equal(y, "-1.20");
    notify_fen_yuan(INT64_MIN, y, sizeof y);
    assert_string_equal(y, "-92233720368547758.08");
}

static void test_periods(void **state)
{
    (void)state;
    char w[16];
    notify_iso_week(s_t("2026-11-27T09:00:00+08:00"), w, sizeof w);
    assert_string_equal(w, "2026-W48");
    /* Sunday 23:30 Shanghai is still that ISO week, though UTC has it on Sunday too */
    notify_iso_week(s_t("2026-11-29T23:30:00+08:00"), w, sizeof w);
    assert_string_equal(w, "2026-W48");
    /* Monday 00:30 Shanghai is Sunday in UTC: the local week wins */
    notify_iso_week(s_t("2026-11-30T00:30:00+08:00"), w, sizeof w);
    assert_string_equal(w, "2026-W49");
    notify_iso_week(s_t("2027-01-01T12:00:00+08:00"), w, sizeof w);
    assert_string_equal(w, "2026-W53");
    int64_t at = 0;
    assert_int_equal(notify_week_instant(2026, 48, 5, 9 * 60, &at, NULL), FC_OK);
    assert_int_equal(at, s_t("2026-11-27T09:00:00+08:00"));
    assert_int_equal(notify_week_instant(2026, 48, 8, 0, &at, NULL), FC_EINVAL);
    assert_int_equal(notify_week_instant(2025, 53, 1, 0, &at, NULL), FC_EINVAL);
    char local[32];
    notify_local_minute(s_t("2026-11-23T02:05:00Z"), local, sizeof local);
    assert_string_equal(local, "2026-11-23 10:05");
}

static void test_policy_file(void **state)
{
    (void)state;
    notify_policy_t p;
    fc_err_t err;
    assert_int_equal(notify_policy_load(FC_SOURCE_DIR "/infra/policy", &p, &err), FC_OK);
    assert_string_equal(p.default_lang, "zh");
    assert_int_equal(p.quiet.start_min, 22 * 60);
    assert_int_equal(p.quiet.end_min, 7 * 60);
    assert_int_equal(p.heart_talk_duty_days, 14);
    assert_int_equal(p.health_check_every_days, 7);
    assert_int_equal(p.visit_within_hours, 24);
    assert_true(notify_policy_visit_kind(&p, "died"));
    assert_false(notify_policy_visit_kind(&p, "quarantined"));
    assert_true(notify_policy_urgent(&p, "incident_major_report"));
    assert_false(notify_policy_urgent(&p, "weekly_report_due"));
    assert_int_equal(p.person_channels.n, 2);
    assert_string_equal(p.desk_channels.name[0], "wecom");
    assert_int_equal(p.disc_handle_days, 3);
    assert_int_equal(p.disc_close_days, 15);
    assert_int_equal(p.village_after_days, 0);
    /* a bad file names what is wrong */
    char dir[] = "/tmp/notify-policy-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/notify.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"quiet_hours\": {\"start\": \"25:00\"}}", f);
    fclose(f);
    assert_int_equal(notify_policy_load(dir, &p, &err), FC_EINVAL);
    assert_string_equal(err.field, "quiet_hours.start");
    f = fopen(path, "w");
    fputs("{\"channels\": {\"person\": [\"pigeon\"]}}", f);
    fclose(f);
    assert_int_equal(notify_policy_load(dir, &p, &err), FC_EINVAL);
    assert_string_equal(err.field, "channels.person");
    f = fopen(path, "w");
    fputs("{\"heart_talk\": {\"every_duty_days\": 0}}", f);
    fclose(f);
    assert_int_equal(notify_policy_load(dir, &p, &err), FC_EINVAL);
    assert_string_equal(err.field, "heart_talk.every_duty_days");
    f = fopen(path, "w");
    fputs("{\"discrimination_case\": {\"handle_within_days\": 5, \"close_within_days\": 4}}", f);
    fclose(f);
    assert_int_equal(notify_policy_load(dir, &p, &err), FC_EINVAL);
    assert_string_equal(err.field, "discrimination_case.close_within_days");
    f = fopen(path, "w");
    fputs("{\"village_return\": {\"remind_after_days\": -1}}", f);
    fclose(f);
    assert_int_equal(notify_policy_load(dir, &p, &err), FC_EINVAL);
    assert_string_equal(err.field, "village_return.remind_after_days");
    unlink(path);
    rmdir(dir);
}

static void test_render(void **state)
{
    (void)state;
    fc_err_t err;
    notify_templates_t *t =
        notify_templates_load(FC_SOURCE_DIR "/infra/templates/notify", "zh", &err);
    assert_non_null(t);
    assert_true(notify_templates_has(t, "incident_visit"));
    assert_false(notify_templates_has(t, "no_such_kind"));
    json_t *vars = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "person_name", "张三", "employee_no",
                             "E001", "org_name", "第一党支部", "at_local", "2026-11-23 10:00",
                             "due_local", "2026-11-24 10:00", "incident_kind", "died");
    notify_rendered_t r;
    const char *lang = NULL;
    assert_int_equal(notify_template_render(t, "zh", "incident_visit", vars, &r, &lang, &err),
                     FC_OK);
    assert_string_equal(lang, "zh");
    assert_string_equal(r.title, "请第一时间看望慰问：张三");
    assert_string_equal(r.text,
                        "【看望慰问】第一党支部张三（工号 E001）于 2026-11-23 10:00 因公殉职。"
                        "请于 2026-11-24 10:00 前看望慰问，完成后在系统中登记。");
    assert_string_equal(r.sms_template, "SMS_FC_VISIT");
    /* template parameters are a JSON object of strings, the label in the language */
    assert_string_equal(r.sms_params, "{\"due_local\":\"2026-11-24 10:00\","
                                      "\"incident_kind_label\":\"因公殉职\","
                                      "\"person_name\":\"张三\"}");
    notify_rendered_fini(&r);
    assert_int_equal(notify_template_render(t, "en", "incident_visit", vars, &r, &lang, &err),
                     FC_OK);
    assert_string_equal(lang, "en");
    assert_string_equal(r.title, "Visit without delay: 张三");
    assert_non_null(strstr(r.text, "died in the line of duty"));
    notify_rendered_fini(&r);
    /* a language without the kind falls back to the default */
    assert_int_equal(notify_template_render(t, "fr", "incident_visit", vars, &r, &lang, &err),
                     FC_OK);
    assert_string_equal(lang, "zh");
    notify_rendered_fini(&r);
    /* a missing variable is an error naming it, and nothing is half-rendered */
    json_object_del(vars, "due_local");
    assert_int_equal(notify_template_render(t, "zh", "incident_visit", vars, &r, &lang, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "due_local");
    assert_non_null(strstr(err.message, "due_local"));
    assert_null(r.title);
    assert_null(r.text);
    assert_int_equal(notify_template_render(t, "zh", "no_such_kind", vars, &r, &lang, &err),
                     FC_ENOTFOUND);
    json_decref(vars);
    notify_templates_destroy(&t);
    assert_null(t);
    notify_templates_destroy(&t); /* idempotent */
    /* expansion on its own: text around variables, an unterminated one */
    json_t *v = json_pack("{s:s}", "a", "x");
    char *s = notify_template_expand("[{{a}}]{{a}}", v, NULL, &err);
    assert_string_equal(s, "[x]x");
    free(s);
    assert_null(notify_template_expand("{{a", v, NULL, &err));
    assert_null(notify_template_expand("{{}}", v, NULL, &err));
    json_decref(v);
    assert_null(notify_templates_load("/nonexistent", "zh", &err));
    assert_string_equal(err.field, "NOTIFY_TEMPLATES_DIR");
}

/* The discrimination reminders name the case, the employee number, the unit and staff or
 * family, nothing else; both languages have both kinds and the village return. */
static void test_render_records(void **state)
{
    (void)state;
    fc_err_t err;
    notify_templates_t *t =
        notify_templates_load(FC_SOURCE_DIR "/infra/templates/notify", "zh", &err);
    assert_non_null(t);
    json_t *vars = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "case_id", "7",
                             "employee_no", "E001", "org_name", "第一党支部", "subsidiary_name",
                             "第一子公司", "victim", "family", "reported_local", "2026-11-23 10:00",
                             "due_local", "2026-12-08 10:00", "handle_days", "3");
    json_object_set_new(vars, "close_days", json_string("15"));
    notify_rendered_t r;
    const char *lang = NULL;
    assert_int_equal(
        notify_template_render(t, "zh", "discrimination_unhandled", vars, &r, &lang, &err), FC_OK);
    assert_string_equal(r.title, "歧视事件待处理：案件 #7");
    assert_non_null(strstr(r.text, "第一党支部一线人员（工号 E001）的家属受到歧视的事件（案件 #7）"
                                   "于 2026-11-23 10:00 登记，3 天内仍未开始处理"));
    assert_string_equal(r.sms_params,
                        "{\"case_id\":\"7\",\"reported_local\":\"2026-11-23 10:00\"}");
    notify_rendered_fini(&r);
    json_object_set_new(vars, "victim", json_string("staff"));
    assert_int_equal(
        notify_template_render(t, "zh", "discrimination_overdue", vars, &r, &lang, &err), FC_OK);
    assert_non_null(strstr(r.text, "（工号 E001）本人受到歧视"));
    assert_non_null(strstr(r.text, "截至 2026-12-08 10:00 已满 15 天仍未办结"));
    notify_rendered_fini(&r);
    assert_int_equal(
        notify_template_render(t, "en", "discrimination_overdue", vars, &r, &lang, &err), FC_OK);
    assert_string_equal(lang, "en");
    assert_non_null(strstr(r.text, "Discrimination against the worker (frontline worker E001"));
    notify_rendered_fini(&r);
    /* a victim value without a label is a missing variable, never a half-filled text */
    json_object_set_new(vars, "victim", json_string("neighbour"));
    assert_int_equal(
        notify_template_render(t, "zh", "discrimination_unhandled", vars, &r, &lang, &err),
        FC_EINVAL);
    assert_string_equal(err.field, "victim_label");
    json_decref(vars);
    vars = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "person_name", "张三", "employee_no",
                     "E001", "org_name", "第一党支部", "village", "西柏坡村", "township", "",
                     "start_local", "2026-10-24 10:00", "planned_local", "2026-12-03 10:00");
    for (int i = 0; i < 2; i++) {
        const char *l = i ? "en" : "zh";
        assert_int_equal(notify_template_render(t, l, "village_return_due", vars, &r, &lang, &err),
                         FC_OK);
        assert_string_equal(lang, l);
        assert_non_null(strstr(r.text, "西柏坡村"));
        assert_non_null(strstr(r.text, "2026-12-03 10:00"));
        notify_rendered_fini(&r);
    }
    json_decref(vars);
    notify_templates_destroy(&t);
    assert_true(notify_task_follows_intake("discrimination_close"));
    assert_true(notify_task_follows_intake("village_return"));
    assert_false(notify_task_follows_intake("incident_visit"));
    assert_false(notify_task_follows_intake(NULL));
}

static void test_utf8_cut(void **state)
{
    (void)state;
    /* 1000 × "慰" (3 bytes each) = 3000 bytes: over the text limit of 2048 */
    char *big = malloc(3001);
    for (int i = 0; i < 1000; i++)
        memcpy(big + 3 * i, "\xe6\x85\xb0", 3);
    big[3000] = '\0';
    char *cut = notify_utf8_cut(big, NOTIFY_WECOM_TEXT_MAX);
    assert_true(strlen(cut) <= NOTIFY_WECOM_TEXT_MAX);
    assert_true(fc_utf8_valid(cut, strlen(cut)));
    assert_string_equal(cut + strlen(cut) - 3, "\xe2\x80\xa6"); /* ends in … */
    free(cut);
    cut = notify_utf8_cut(big, NOTIFY_WECOM_MARKDOWN_MAX);
    assert_string_equal(cut, big); /* fits */
    free(cut);
    for (size_t max = 3; max < 20; max++) {
        cut = notify_utf8_cut(big, max);
        assert_true(strlen(cut) <= max);
        assert_true(fc_utf8_valid(cut, strlen(cut)));
        free(cut);
    }
    free(big);
}

static void test_channel_checks(void **state)
{
    (void)state;
    fc_err_t err;
    assert_int_equal(notify_sms_ops.check("12345", &err), FC_EINVAL);
    assert_string_equal(err.message, "手机号码“12345”无效");
    assert_int_equal(notify_sms_ops.check("13800000001", &err), FC_OK);
    assert_int_equal(notify_email_ops.check("x", &err), FC_EINVAL);
    assert_int_equal(notify_wecom_ops.check("not a url", &err), FC_EINVAL);
    assert_int_equal(notify_inbox_ops.check("E001", &err), FC_OK);
    assert_true(notify_inbox_ops.transactional);
    assert_null(notify_wecom_ops.query); /* no receipts: the in-doubt policy decides */
    assert_non_null(notify_sms_ops.query);
    notify_channel_cfg_t none = {"", "", "", "", "", "", "", "", "", 1000};
    notify_channels_t *c = notify_channels_new(&none);
    assert_null(notify_channels_get(c, "sms"));
    assert_null(notify_channels_get(c, "email"));
    assert_null(notify_channels_get(c, "file"));
    assert_non_null(notify_channels_get(c, "wecom"));
    assert_null(notify_channels_get(c, "pigeon"));
    notify_channels_destroy(&c);
    assert_null(c);
    const char *names[] = {"sms", "inbox", "sms"};
    notify_chanlist_t l;
    assert_int_equal(notify_chanlist_parse(names, 3, &l, &err), FC_OK);
    assert_int_equal(l.n, 2);
    const char *bad[] = {"fax"};
    assert_int_equal(notify_chanlist_parse(bad, 1, &l, &err), FC_EINVAL);
    assert_string_equal(err.field, "channels");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quiet_hours),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_wecom_errcodes_and_backoff),
        cmocka_unit_test(test_periods),
        cmocka_unit_test(test_policy_file),
        cmocka_unit_test(test_render_records),
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_utf8_cut),
        cmocka_unit_test(test_channel_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

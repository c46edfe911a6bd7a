/* Bad input and misbehaving channels: a template variable missing, a recipient with no
 * channel, a phone number that is not one, a webhook answering 500 / non-JSON / errcode != 0,
 * an SMTP server that drops the connection or refuses the mailbox, an SMS provider that times
 * out or fails: each is a recorded failure with its reason, retried where retrying makes
 * sense (with the receipt API asked before any SMS resend), never a crash, never lost. And
 * bad commands: refused with the field named, nothing changed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fc/v1/intake.pb-c.h"
#include "fc/v1/notify.pb-c.h"
#include "fc_clock.h"
#include "fc_harness.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "notify_testkit.h"
#include "notify_world.h"

#define WAIT 10000

static notify_world_t W;
static int64_t s_now;

static int s_teardown(void **state)
{
    (void)state;
    nw_end(&W);
    return 0;
}

static void s_begin(const char *test, const char *const *extra)
{
    s_now = nt_time("2026-11-23T10:00:00+08:00");
    nw_begin(&W, test, s_now, extra);
}

/* Moves the file clock on a second at a time (retries wait on business time) until the fake
 * has want delivered requests of kind with needle; returns the count. */
static int s_advance_until(notify_fake_t *f, const char *kind, const char *needle, int want)
{
    int n = 0;
    for (int i = 0; i < 200; i++) {
        if ((n = notify_fake_count_with(f, kind, needle)) >= want)
            break;
        s_now += FC_US_PER_S;
        nt_clock_set(s_now);
        fc_h_sleep_ms(fc_h_ms(60));
    }
    return n;
}

/* Polls sql (advancing the clock as above) until it returns want. */
static long long s_advance_sql(const char *sql, long long want)
{
    long long v = -1;
    for (int i = 0; i < 200; i++) {
        if ((v = fc_h_scalar(sql)) == want)
            break;
        s_now += FC_US_PER_S;
        nt_clock_set(s_now);
        fc_h_sleep_ms(fc_h_ms(60));
    }
    return v;
}

static int s_remind(const char *subject, const char *to, const char *emp, const char *org,
                    const char *title, const char *text, fc_err_t *err)
{
    Fc__V1__ReminderSpec__VarsEntry v1 = FC__V1__REMINDER_SPEC__VARS_ENTRY__INIT,
                                    v2 = FC__V1__REMINDER_SPEC__VARS_ENTRY__INIT;
    v1.key = "title";
    v1.value = (char *)title;
    v2.key = "text";
    v2.value = (char *)(text ? text : "");
    Fc__V1__ReminderSpec__VarsEntry *vars[] = {&v1, &v2};
    char *tos[] = {(char *)to};
    Fc__V1__ReminderSpec s = FC__V1__REMINDER_SPEC__INIT;
    s.kind = "notice";
    s.subject = (char *)subject;
    s.employee_no = (char *)(emp ? emp : "");
    s.org_code = (char *)(org ? org : "");
    s.recipients = tos;
    s.n_recipients = 1;
    s.vars = vars;
    s.n_vars = text ? 2 : 1;
    Fc__V1__ReminderSpec *specs[] = {&s};
    Fc__V1__RemindRequest req = FC__V1__REMIND_REQUEST__INIT;
    req.reminders = specs;
    req.n_reminders = 1;
    ProtobufCMessage *reply = NULL;
    int rc = nt_call(NULL, NULL, "notify.remind", &req.base, &fc__v1__remind_reply__descriptor,
                     &reply, err);
    if (reply)
        protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

static char *s_delivery_field(const char *channel, const char *col)
{
    char *sql = fc_xasprintf("SELECT %s FROM notify.delivery WHERE channel = '%s'"
                             " ORDER BY delivery_id DESC LIMIT 1",
                             col, channel);
    PGresult *r = PQexec(fc_h_db(), sql);
    free(sql);
    char *v = fc_xstrdup(PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    return v;
}

static void test_missing_template_variable(void **state)
{
    (void)state;
    s_begin("test_notify_bad_template", NULL);
    fc_err_t err;
    assert_int_equal(s_remind("t-1", "group", NULL, "G", "只有标题", NULL, &err), FC_OK);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.message WHERE state = 'failed'"
                                      " AND error = '模板变量“text”缺失'",
                                      1, fc_h_ms(WAIT)),
                     1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.reminder WHERE state = 'failed'"), 1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.delivery"), 0);
    nw_settle(300);
    assert_int_equal(notify_fake_seen(W.http, "wecom"), 0);
    char *out = NULL;
    assert_int_equal(fc_h_fcctl(&out, "notify status --state failed"), 0);
    assert_non_null(strstr(out, "原因：模板变量“text”缺失"));
    free(out);
    /* the service is fine: the next reminder goes out */
    assert_int_equal(s_remind("t-2", "group", NULL, "G", "标题", "正文", &err), FC_OK);
    assert_int_equal(nw_wait_fake(W.http, "wecom", 1, WAIT), 1);
}

static void test_recipient_without_channel(void **state)
{
    (void)state;
    s_begin("test_notify_bad_nochannel", NULL);
    nt_person("NOPH", "无电话", "", "B1", 0);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.person WHERE employee_no ="
                                      " 'NOPH'",
                                      1, fc_h_ms(WAIT)),
                     1);
    char *out = NULL;
    assert_int_equal(fc_h_fcctl(&out, "notify prefs NOPH --channels sms"), 0);
    free(out);
    fc_err_t err;
    assert_int_equal(s_remind("n-1", "person", "NOPH", NULL, "标题", "正文", &err), FC_OK);
    assert_int_equal(
        fc_h_wait_scalar("SELECT count(*) FROM notify.message WHERE state = 'failed'"
                         " AND recipient = 'NOPH' AND error LIKE '收件人没有可用的接收渠道%'",
                         1, fc_h_ms(WAIT)),
        1);
    /* a department nobody configured, and a person notify never heard of */
    assert_int_equal(s_remind("n-2", "desk:B1", NULL, "B1", "标题", "正文", &err), FC_OK);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.message WHERE state = 'failed'"
                                      " AND error = '组织“B1”的组织部门未配置接收方式'",
                                      1, fc_h_ms(WAIT)),
                     1);
    assert_int_equal(s_remind("n-3", "emp:GHOST", NULL, "B1", "标题", "正文", &err), FC_OK);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.message WHERE state = 'failed'"
                                      " AND recipient = 'emp:GHOST'",
                                      1, fc_h_ms(WAIT)),
                     1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.delivery"), 0);
}

static void test_bad_phone(void **state)
{
    (void)state;
    s_begin("test_notify_bad_phone", NULL);
    nt_person("BADP", "号码错", "12345", "B1", 0);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.person WHERE employee_no ="
                                      " 'BADP'",
                                      1, fc_h_ms(WAIT)),
                     1);
    fc_err_t err;
    assert_int_equal(s_remind("b-1", "person", "BADP", NULL, "标题", "正文", &err), FC_OK);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.delivery WHERE channel = 'sms'"
                                      " AND state = 'dead' AND last_error = '手机号码“12345”无效'",
                                      1, fc_h_ms(WAIT)),
                     1);
    /* the inbox still gets it; the provider never sees the bad number */
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.inbox_item WHERE recipient ="
                                      " 'BADP'",
                                      1, fc_h_ms(WAIT)),
                     1);
    nw_settle(300);
    assert_int_equal(notify_fake_seen(W.http, "sms"), 0);
}

static void test_webhook_failures(void **state)
{
    (void)state;
    s_begin("test_notify_bad_webhook", NULL);
    fc_err_t err;
    /* 500, then non-JSON, then success: retried, sent once */
    notify_fake_misbehave(W.http, "wecom", FAKE_HTTP_500, 1);
    assert_int_equal(s_remind("w-1", "group", NULL, "G", "重试", "N=w1", &err), FC_OK);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.delivery WHERE channel ="
                                      " 'wecom' AND state = 'failed'"
                                      " AND last_error = '企业微信机器人返回 HTTP 500'",
                                      1, fc_h_ms(WAIT)),
                     1);
    notify_fake_misbehave(W.http, "wecom", FAKE_NON_JSON, 1);
    assert_int_equal(s_advance_sql("SELECT count(*) FROM notify.delivery WHERE channel = 'wecom'"
                                   " AND last_error LIKE '企业微信机器人的应答不是 JSON%'",
                                   1),
                     1);
    assert_int_equal(s_advance_until(W.http, "wecom", "N=w1", 1), 1);
    char *attempts = s_delivery_field("wecom", "attempts");
    assert_string_equal(attempts, "3");
    free(attempts);
    assert_int_equal(notify_fake_seen(W.http, "wecom"), 3);
    /* errcode 93000 (invalid webhook): permanent, no retry */
    notify_fake_misbehave(W.http, "wecom", FAKE_ERRCODE, 1);
    assert_int_equal(s_remind("w-2", "group", NULL, "G", "坏地址", "N=w2", &err), FC_OK);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.delivery WHERE channel ="
                                      " 'wecom' AND state = 'dead' AND last_error LIKE"
                                      " '%errcode=93000%'",
                                      1, fc_h_ms(WAIT)),
                     1);
    for (int i = 0; i < 10; i++) {
        s_now += 10 * FC_US_PER_S;
        nt_clock_set(s_now);
    }
    nw_settle(500);
    assert_int_equal(notify_fake_seen(W.http, "wecom"), 4);
    /* errcode 45009 (rate limited): retried */
    notify_fake_misbehave(W.http, "wecom", FAKE_ERRCODE_BUSY, 1);
    assert_int_equal(s_remind("w-3", "group", NULL, "G", "限流", "N=w3", &err), FC_OK);
    assert_int_equal(s_advance_until(W.http, "wecom", "N=w3", 1), 1);
    assert_int_equal(notify_fake_duplicates(W.http, "wecom", "N="), 0);
}

static void test_retries_run_out(void **state)
{
    (void)state;
    static const char *env[] = {"NOTIFY_MAX_ATTEMPTS=3", NULL};
    s_begin("test_notify_bad_dead", env);
    fc_err_t err;
    notify_fake_misbehave(W.http, "wecom", FAKE_HTTP_500, 1000);
    assert_int_equal(s_remind("d-1", "group", NULL, "G", "发不出", "N=d1", &err), FC_OK);
    assert_int_equal(s_advance_sql("SELECT count(*) FROM notify.delivery WHERE channel = 'wecom'"
                                   " AND state = 'dead' AND attempts = 3",
                                   1),
                     1);
    assert_int_equal(notify_fake_seen(W.http, "wecom"), 3);
    char *out = NULL;
    assert_int_equal(fc_h_fcctl(&out, "notify status --state dead"), 0);
    assert_non_null(strstr(out, "已放弃"));
    assert_non_null(strstr(out, "HTTP 500"));
    free(out);
    /* an operator gives it another go once the robot is back */
    notify_fake_misbehave(W.http, "wecom", FAKE_OK, 0);
    char *id = s_delivery_field("wecom", "delivery_id");
    assert_int_equal(fc_h_fcctl(&out, "notify retry %s", id), 0);
    free(out);
    assert_int_equal(s_advance_until(W.http, "wecom", "N=d1", 1), 1);
    assert_int_equal(fc_h_fcctl(&out, "notify retry %s", id), 1); /* not dead any more */
    free(out);
    free(id);
}

static void test_smtp_failures(void **state)
{
    (void)state;
    s_begin("test_notify_bad_smtp", NULL);
    fc_err_t err;
    notify_fake_misbehave(W.smtp, "smtp", FAKE_DROP, 1);
    assert_int_equal(s_remind("m-1", "group", NULL, "G", "邮件", "正文", &err), FC_OK);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.delivery WHERE channel ="
                                      " 'email' AND state = 'failed' AND last_error LIKE"
                                      " '邮件发送失败%'",
                                      1, fc_h_ms(WAIT)),
                     1);
    assert_int_equal(s_advance_until(W.smtp, "smtp", "group@frontline.example", 1), 1);
    assert_int_equal(notify_fake_seen(W.smtp, "smtp"), 2);
    /* a mailbox the server refuses: permanent */
    char *out = NULL;
    assert_int_equal(fc_h_fcctl(&out, "notify desk S1 --email nobody@frontline.example"
                                      " --channels email"),
                     0);
    free(out);
    assert_int_equal(s_remind("m-2", "desk:S1", NULL, "S1", "邮件", "正文", &err), FC_OK);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.delivery WHERE channel ="
                                      " 'email' AND state = 'dead' AND last_error LIKE"
                                      " '邮件服务器拒绝（550）%'",
                                      1, fc_h_ms(WAIT)),
                     1);
}

static void test_sms_unknown_outcomes(void **state)
{
    (void)state;
    s_begin("test_notify_bad_sms", NULL);
    fc_err_t err;
    /* the provider takes it but answers too late: the receipt says it went, no resend */
    notify_fake_misbehave(W.http, "sms", FAKE_SLOW, 1);
    assert_int_equal(s_remind("s-1", "person", "E001", NULL, "短信", "正文", &err), FC_OK);
    assert_int_equal(
        fc_h_wait_scalar("SELECT count(*) FROM notify.delivery WHERE channel = 'sms'"
                         " AND state = 'sending' AND last_error LIKE '短信服务商无应答%'",
                         1, fc_h_ms(WAIT)),
        1);
    assert_int_equal(s_advance_sql("SELECT count(*) FROM notify.delivery WHERE channel = 'sms'"
                                   " AND state = 'sent'",
                                   1),
                     1);
    assert_int_equal(notify_fake_seen(W.http, "sms"), 1);
    assert_int_equal(notify_fake_count(W.http, "sms"), 1);
    char *ref = s_delivery_field("sms", "provider_ref");
    assert_string_equal(ref, "biz-q"); /* from the receipt */
    free(ref);
    /* the provider fails with a 500 and sent nothing: the receipt says so, it is sent again */
    notify_fake_misbehave(W.http, "sms", FAKE_HTTP_500, 1);
    assert_int_equal(s_remind("s-2", "person", "SEC1", NULL, "短信", "正文", &err), FC_OK);
    assert_int_equal(s_advance_until(W.http, "sms", "13800000002", 1), 1);
    assert_int_equal(notify_fake_seen(W.http, "sms"), 3);
    assert_int_equal(notify_fake_duplicates(W.http, "sms", "\"OutId\":\""), 0);
}

static void s_expect(int rc, int code, const fc_err_t *err, const char *field)
{
    assert_int_equal(rc, code);
    assert_string_equal(err->field, field);
}

static void test_bad_commands(void **state)
{
    (void)state;
    s_begin("test_notify_bad_commands", NULL);
    long long desks = fc_h_scalar("SELECT count(*) FROM notify.desk");
    fc_err_t err;
    ProtobufCMessage *reply = NULL;
    /* reminders */
    Fc__V1__ReminderSpec s = FC__V1__REMINDER_SPEC__INIT;
    char *to[] = {"group"}, *boss[] = {"boss"}, *person[] = {"person"};
    s.kind = "no_such_kind";
    s.subject = "x";
    s.org_code = "G";
    s.recipients = to;
    s.n_recipients = 1;
    Fc__V1__ReminderSpec *specs[] = {&s};
    Fc__V1__RemindRequest rr = FC__V1__REMIND_REQUEST__INIT;
    rr.reminders = specs;
    rr.n_reminders = 1;
    const ProtobufCMessageDescriptor *rd = &fc__v1__remind_reply__descriptor;
    s_expect(nt_call(NULL, NULL, "notify.remind", &rr.base, rd, &reply, &err), FC_EINVAL, &err,
             "reminders[0].kind");
    s.kind = "notice";
    s.subject = "";
    s_expect(nt_call(NULL, NULL, "notify.remind", &rr.base, rd, &reply, &err), FC_EINVAL, &err,
             "reminders[0].subject");
    s.subject = "x";
    s.recipients = boss;
    s_expect(nt_call(NULL, NULL, "notify.remind", &rr.base, rd, &reply, &err), FC_EINVAL, &err,
             "reminders[0].recipients[0]");
    assert_non_null(strstr(err.message, "“boss”"));
    s.recipients = person;
    s_expect(nt_call(NULL, NULL, "notify.remind", &rr.base, rd, &reply, &err), FC_EINVAL, &err,
             "reminders[0].employee_no");
    rr.n_reminders = 0;
    s_expect(nt_call(NULL, NULL, "notify.remind", &rr.base, rd, &reply, &err), FC_EINVAL, &err,
             "reminders");
    /* departments and preferences */
    Fc__V1__DeskSetRequest d = FC__V1__DESK_SET_REQUEST__INIT;
    const ProtobufCMessageDescriptor *dd = &fc__v1__desk_set_reply__descriptor;
    s_expect(nt_call(NULL, NULL, "notify.desk_set", &d.base, dd, &reply, &err), FC_EINVAL, &err,
             "org_code");
    d.org_code = "B1";
    d.wecom_url = "ftp://robot";
    s_expect(nt_call(NULL, NULL, "notify.desk_set", &d.base, dd, &reply, &err), FC_EINVAL, &err,
             "wecom_url");
    d.wecom_url = "";
    d.phone = "110";
    s_expect(nt_call(NULL, NULL, "notify.desk_set", &d.base, dd, &reply, &err), FC_EINVAL, &err,
             "phone");
    d.phone = "";
    d.lang = "fr";
    s_expect(nt_call(NULL, NULL, "notify.desk_set", &d.base, dd, &reply, &err), FC_EINVAL, &err,
             "lang");
    d.lang = "";
    char *fax[] = {"fax"};
    d.channels = fax;
    d.n_channels = 1;
    s_expect(nt_call(NULL, NULL, "notify.desk_set", &d.base, dd, &reply, &err), FC_EINVAL, &err,
             "channels");
    /* outside the caller's scope */
    d.n_channels = 0;
    d.org_code = "G";
    s_expect(nt_call("org_admin", "S1", "notify.desk_set", &d.base, dd, &reply, &err), FC_EDENIED,
             &err, "org_code");
    Fc__V1__PrefSetRequest p = FC__V1__PREF_SET_REQUEST__INIT;
    s_expect(nt_call(NULL, NULL, "notify.pref_set", &p.base, &fc__v1__pref_set_reply__descriptor,
                     &reply, &err),
             FC_EINVAL, &err, "employee_no");
    /* tasks, status, inbox, campaign, retry */
    Fc__V1__TaskDoneRequest td = FC__V1__TASK_DONE_REQUEST__INIT;
    const ProtobufCMessageDescriptor *tdd = &fc__v1__task_done_reply__descriptor;
    s_expect(nt_call(NULL, NULL, "notify.task_done", &td.base, tdd, &reply, &err), FC_EINVAL, &err,
             "task_id");
    td.task_id = 999;
    s_expect(nt_call(NULL, NULL, "notify.task_done", &td.base, tdd, &reply, &err), FC_ENOTFOUND,
             &err, "task_id");
    Fc__V1__StatusRequest st = FC__V1__STATUS_REQUEST__INIT;
    st.state = "lost";
    s_expect(nt_call(NULL, NULL, "notify.status", &st.base, &fc__v1__status_reply__descriptor,
                     &reply, &err),
             FC_EINVAL, &err, "state");
    Fc__V1__InboxRequest ib = FC__V1__INBOX_REQUEST__INIT;
    s_expect(nt_call(NULL, NULL, "notify.inbox", &ib.base, &fc__v1__inbox_reply__descriptor, &reply,
                     &err),
             FC_EINVAL, &err, "recipient");
    ib.recipient = "L1"; /* a person of S1, asked by an administrator of another subsidiary */
    nt_org("S2", "G", "第二子公司", "subsidiary");
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.org_unit WHERE org_code ="
                                      " 'S2'",
                                      1, fc_h_ms(WAIT)),
                     1);
    s_expect(nt_call("org_admin", "S2", "notify.inbox", &ib.base, &fc__v1__inbox_reply__descriptor,
                     &reply, &err),
             FC_EDENIED, &err, "recipient");
    assert_int_equal(nt_call("org_admin", "S1", "notify.inbox", &ib.base,
                             &fc__v1__inbox_reply__descriptor, &reply, &err),
                     FC_OK);
    protobuf_c_message_free_unpacked(reply, NULL);
    Fc__V1__CampaignStartRequest cs = FC__V1__CAMPAIGN_START_REQUEST__INIT;
    cs.kind = "party";
    s_expect(nt_call(NULL, NULL, "notify.campaign_start", &cs.base,
                     &fc__v1__campaign_start_reply__descriptor, &reply, &err),
             FC_EINVAL, &err, "kind");
    Fc__V1__RetryRequest rt = FC__V1__RETRY_REQUEST__INIT;
    s_expect(nt_call(NULL, NULL, "notify.retry", &rt.base, &fc__v1__retry_reply__descriptor, &reply,
                     &err),
             FC_EINVAL, &err, "delivery_id");
    /* nothing changed */
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.desk"), desks);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.reminder"), 0);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.pref"), 0);
    /* fcctl: a usage error is 2, a refusal 1 with the field and the reason */
    char *out = NULL;
    assert_int_equal(fc_h_fcctl(&out, "notify desk"), 2);
    free(out);
    assert_int_equal(fc_h_fcctl(&out, "notify desk B1 --wecom ftp://robot 2>&1"), 1);
    assert_non_null(strstr(out, "fcctl: wecom_url: 企业微信机器人地址“ftp://robot”无效 (EINVAL)"));
    free(out);
}

static void test_malformed_event(void **state)
{
    (void)state;
    s_begin("test_notify_bad_event", NULL);
    /* an incident whose payload is not the message it claims, and one with no person */
    Fc__V1__HealthCheckin junk = FC__V1__HEALTH_CHECKIN__INIT;
    junk.temperature_dc = 999;
    junk.note = "\xff\xfe not utf-8";
    nt_publish("intake", "intake.incident_reported", &junk.base, s_now);
    Fc__V1__IncidentReported ev = FC__V1__INCIDENT_REPORTED__INIT;
    ev.incident_id = 77;
    ev.kind = "injured";
    nt_publish("intake", "intake.incident_reported", &ev.base, s_now);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.inbox WHERE outcome ="
                                      " 'rejected'",
                                      2, fc_h_ms(WAIT)),
                     2);
    /* nothing was half-done, and the next good event is applied */
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.task"), 0);
    ev.employee_no = "E001";
    ev.org_code = "B1";
    nt_publish("intake", "intake.incident_reported", &ev.base, s_now);
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "/robot/s1", 1, WAIT), 1);
}

int main(void)
{
    fc_log_init("test_notify_bad", FC_LOG_ERROR);
    nw_fakes(&W);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_missing_template_variable, s_teardown),
        cmocka_unit_test_teardown(test_recipient_without_channel, s_teardown),
        cmocka_unit_test_teardown(test_bad_phone, s_teardown),
        cmocka_unit_test_teardown(test_webhook_failures, s_teardown),
        cmocka_unit_test_teardown(test_retries_run_out, s_teardown),
        cmocka_unit_test_teardown(test_smtp_failures, s_teardown),
        cmocka_unit_test_teardown(test_sms_unknown_outcomes, s_teardown),
        cmocka_unit_test_teardown(test_bad_commands, s_teardown),
        cmocka_unit_test_teardown(test_malformed_event, s_teardown),
    };
    if (getenv("NOTIFY_TEST_FILTER"))
        cmocka_set_test_filter(getenv("NOTIFY_TEST_FILTER"));
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    nw_destroy(&W);
    return rc;
}

/* Every trigger end to end over real sockets: intake's and welfare's events (published on
 * their streams exactly as their relays do) and notify's own schedules produce the right
 * message, to the right people, in the right language, at the right time (the file clock),
 * once, over the fake WeCom robots, SMS provider and SMTP server. */
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
#include "fc/v1/rotation.pb-c.h"
#include "fc/v1/welfare.pb-c.h"
#include "fc_clock.h"
#include "fc_harness.h"
#include "fc_id.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "notify_testkit.h"
#include "notify_world.h"

#define HOUR (3600LL * FC_US_PER_S)
#define DAY FC_US_PER_DAY
#define WAIT 10000

static notify_world_t W;

static void s_incident(int64_t id, const char *emp, const char *kind, int major, int64_t at)
{
    Fc__V1__IncidentReported ev = FC__V1__INCIDENT_REPORTED__INIT;
    ev.incident_id = id;
    ev.employee_no = (char *)emp;
    ev.org_code = "B1";
    ev.kind = (char *)kind;
    ev.at_us = at;
    ev.description = "值守时受伤";
    ev.major = major;
    ev.on_duty = 1;
    nt_publish("intake", "intake.incident_reported", &ev.base, at);
}

static void s_duty(int64_t id, const char *emp, int64_t start)
{
    Fc__V1__DutyEvent ev = FC__V1__DUTY_EVENT__INIT;
    ev.duty_id = id;
    ev.employee_no = (char *)emp;
    ev.org_code = "B1";
    ev.post_code = "P1";
    ev.post_org_code = "B1";
    ev.risk_class = 2;
    ev.start_us = start;
    nt_publish("intake", "intake.duty_checked_in", &ev.base, start);
}

static void s_weekly_submitted(const char *emp, const char *week, int64_t at)
{
    Fc__V1__WeeklyReportSubmitted ev = FC__V1__WEEKLY_REPORT_SUBMITTED__INIT;
    ev.report_id = at % 100000;
    ev.employee_no = (char *)emp;
    ev.org_code = "S1";
    ev.iso_week = (char *)week;
    ev.submitted_us = at;
    nt_publish("intake", "intake.weekly_report_submitted", &ev.base, at);
}

/* fcctl against this test's notify; returns its exit code, output in *out (caller frees). */
static int s_fcctl(char **out, const char *args)
{
    return fc_h_fcctl(out, "%s", args);
}

static int s_remind(const char *subject, const char *period, const char *to, const char *emp,
                    int urgent, const char *title, const char *text)
{
    Fc__V1__ReminderSpec__VarsEntry v1 = FC__V1__REMINDER_SPEC__VARS_ENTRY__INIT,
                                    v2 = FC__V1__REMINDER_SPEC__VARS_ENTRY__INIT;
    v1.key = "title";
    v1.value = (char *)title;
    v2.key = "text";
    v2.value = (char *)text;
    Fc__V1__ReminderSpec__VarsEntry *vars[] = {&v1, &v2};
    char *tos[] = {(char *)to};
    Fc__V1__ReminderSpec s = FC__V1__REMINDER_SPEC__INIT;
    s.kind = "notice";
    s.subject = (char *)subject;
    s.period = (char *)period;
    s.employee_no = (char *)(emp ? emp : "");
    s.org_code = emp ? "" : "G";
    s.urgent = urgent;
    s.recipients = tos;
    s.n_recipients = 1;
    s.vars = vars;
    s.n_vars = text ? 2 : 1;
    Fc__V1__ReminderSpec *specs[] = {&s};
    Fc__V1__RemindRequest req = FC__V1__REMIND_REQUEST__INIT;
    req.reminders = specs;
    req.n_reminders = 1;
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    int rc = nt_call(NULL, NULL, "notify.remind", &req.base, &fc__v1__remind_reply__descriptor,
                     &reply, &err);
    assert_int_equal(rc, FC_OK);
    int created = ((Fc__V1__RemindReply *)reply)->created;
    protobuf_c_message_free_unpacked(reply, NULL);
    return created;
}

/* Decodes the base64 body of the i-th e-mail (after the blank line); caller frees. */
static char *s_mail_text(int i)
{
    char *raw = notify_fake_body(W.smtp, "smtp", i);
    if (!raw)
        return NULL;
    char *p = strstr(raw, "\r\n\r\n");
    fc_buf_t out;
    fc_buf_init(&out);
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned acc = 0;
    int bits = 0;
    for (p = p ? p + 4 : raw; *p; p++) {
        const char *k = strchr(tbl, *p);
        if (!k || !*p)
            continue;
        acc = acc << 6 | (unsigned)(k - tbl);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            char ch = (char)(acc >> bits & 0xFF);
            fc_buf_append(&out, &ch, 1);
        }
    }
    fc_buf_append(&out, "", 1);
    char *text = fc_xasprintf("%s\n%s", raw, out.data);
    fc_buf_fini(&out);
    free(raw);
    return text;
}

static int s_setup(void **state)
{
    (void)state;
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    nw_end(&W);
    return 0;
}

/* 000 §1: an injury calls for a visit by the branch secretary and the subsidiary within 24 h;
 * not recorded done by then, the group is told. */
static void test_incident_visit_and_escalation(void **state)
{
    (void)state;
    int64_t t0 = nt_time("2026-11-23T10:00:00+08:00");
    nw_begin(&W, "test_notify_flow_incident", t0, NULL);
    s_incident(42, "E001", "injured", 0, t0);
    /* the branch secretary: SMS and in-app inbox, in Chinese */
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "SMS_FC_VISIT\"", 1, WAIT), 1);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "13800000002"), 1);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "张三"), 1);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.inbox_item"
                                      " WHERE recipient = 'SEC1'",
                                      1, fc_h_ms(WAIT)),
                     1);
    /* the subsidiary's department reads English: its robot and its mailbox */
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "/robot/s1", 1, WAIT), 1);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "Visit without delay"), 1);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "\"msgtype\":\"markdown\""), 1);
    assert_int_equal(nw_wait_fake(W.smtp, "smtp", 1, WAIT), 1);
    char *mail = s_mail_text(0);
    assert_non_null(strstr(mail, "s1@frontline.example"));
    assert_non_null(strstr(mail, "[Visit] 张三 (E001, 第一党支部) was injured"));
    free(mail);
    /* the rendered text is stored with the message */
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.message WHERE recipient = 'SEC1'"
                                 " AND lang = 'zh' AND body LIKE '【看望慰问】第一党支部张三%'"),
                     1);
    char *out = NULL;
    assert_int_equal(s_fcctl(&out, "inbox SEC1"), 0);
    assert_non_null(strstr(out, "请第一时间看望慰问：张三"));
    free(out);
    assert_int_equal(s_fcctl(&out, "notify status --recipient SEC1"), 0);
    assert_non_null(strstr(out, "已发送"));
    free(out);
    /* nothing for the group yet */
    nw_settle(300);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "/robot/group"), 0);
    nt_clock_set(t0 + 23 * HOUR);
    nw_settle(400);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "/robot/group"), 0);
    /* 24 h passed without the visit recorded: escalated to the group, once */
    nt_clock_set(t0 + 24 * HOUR + 60 * FC_US_PER_S);
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "看望慰问逾期", 1, WAIT), 1);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "/robot/group"), 1);
    assert_int_equal(
        fc_h_wait_scalar("SELECT count(*) FROM notify.task WHERE escalated", 1, fc_h_ms(WAIT)), 1);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.outbox"
                                      " WHERE type = 'notify.task_escalated'",
                                      1, fc_h_ms(WAIT)),
                     1);
    nt_clock_set(t0 + 3 * DAY);
    nw_settle(400);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "看望慰问逾期"), 1);
    assert_int_equal(notify_fake_count(W.http, "sms"), 1);
    assert_int_equal(notify_fake_count(W.http, "wecom"), 2);
    assert_int_equal(notify_fake_count(W.smtp, "smtp"), 2); /* S1 now, G at the escalation */
}

/* A visit recorded before its deadline cancels the escalation. */
static void test_done_before_due_cancels(void **state)
{
    (void)state;
    int64_t t0 = nt_time("2026-11-23T10:00:00+08:00");
    nw_begin(&W, "test_notify_flow_done", t0, NULL);
    s_incident(43, "E001", "fell_ill", 0, t0);
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "/robot/s1", 1, WAIT), 1);
    nt_clock_set(t0 + 5 * HOUR);
    char *out = NULL;
    assert_int_equal(s_fcctl(&out, "notify done --kind incident_visit --subject incident:43"
                                   " --note 书记已上门看望"),
                     0);
    assert_non_null(strstr(out, "已登记完成，取消了 1 条未发的提醒"));
    free(out);
    assert_int_equal(s_fcctl(&out, "notify done --kind incident_visit --subject incident:43"), 0);
    assert_non_null(strstr(out, "此前已登记完成"));
    free(out);
    nt_clock_set(t0 + 30 * HOUR);
    nw_settle(600);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "/robot/group"), 0);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.reminder"
                                 " WHERE kind = 'incident_visit_overdue' AND state = 'cancelled'"),
                     1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.outbox"
                                 " WHERE type = 'notify.task_done'"),
                     1);
    assert_int_equal(s_fcctl(&out, "notify tasks --state done"), 0);
    assert_non_null(strstr(out, "incident:43"));
    free(out);
}

/* 002 §7: a death is also a first-time report to the group, at once. */
static void test_major_incident_reports_to_group(void **state)
{
    (void)state;
    int64_t t0 = nt_time("2026-11-23T10:00:00+08:00");
    nw_begin(&W, "test_notify_flow_major", t0, NULL);
    s_incident(44, "E001", "died", 1, t0);
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "重大事项专报", 1, WAIT), 1);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "因公殉职"), 1);
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "/robot/s1", 1, WAIT), 1);
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "SMS_FC_VISIT\"", 1, WAIT), 1);
    nw_settle(300);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "/robot/group"), 1);
    /* quarantine alone is not a visit */
    s_incident(46, "E001", "quarantined", 0, t0);
    nw_settle(400);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.task WHERE subject = 'incident:46'"),
                     0);
}

/* No SMS between 22:00 and 07:00 Shanghai unless urgent; other channels go at once. */
static void test_quiet_hours(void **state)
{
    (void)state;
    int64_t t0 = nt_time("2026-11-23T23:00:00+08:00");
    nw_begin(&W, "test_notify_flow_quiet", t0, NULL);
    s_incident(45, "E001", "injured", 0, t0);
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "/robot/s1", 1, WAIT), 1);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.inbox_item"
                                      " WHERE recipient = 'SEC1'",
                                      1, fc_h_ms(WAIT)),
                     1);
    nw_settle(400);
    assert_int_equal(notify_fake_count(W.http, "sms"), 0);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.delivery WHERE channel = 'sms'"
                                 " AND state = 'queued' AND next_us = "
                                 "1795474800000000"), /* 2026-11-24 07:00 +08:00 */
                     1);
    /* urgent goes through the night */
    assert_int_equal(s_remind("urgent-1", "", "person", "E001", 1, "紧急通知", "请立即返岗"), 1);
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "13800000001", 1, WAIT), 1);
    nt_clock_set(nt_time("2026-11-24T06:59:00+08:00"));
    nw_settle(400);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "13800000002"), 0);
    nt_clock_set(nt_time("2026-11-24T07:00:30+08:00"));
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "13800000002", 1, WAIT), 1);
    nw_settle(300);
    assert_int_equal(notify_fake_count(W.http, "sms"), 2);
}

/* 002 §4 §10: every leadership-team member reports weekly; late goes to the subsidiary,
 * missing to the group; a report in before the round is not chased. */
static void test_weekly_report_round(void **state)
{
    (void)state;
    int64_t t0 = nt_time("2026-11-27T08:00:00+08:00"); /* Friday of 2026-W48 */
    nw_begin(&W, "test_notify_flow_weekly", t0, NULL);
    s_weekly_submitted("L2", "2026-W48", t0 + 30 * 60 * FC_US_PER_S);
    assert_int_equal(
        fc_h_wait_scalar("SELECT count(*) FROM notify.task WHERE state = 'done'", 1, fc_h_ms(WAIT)),
        1);
    nw_settle(300);
    assert_int_equal(notify_fake_count(W.http, "sms"), 0);
    nt_clock_set(nt_time("2026-11-27T09:00:01+08:00"));
    /* L1 and SEC1 (a branch's leadership) are reminded; L2 is not */
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "SMS_FC_WEEKLY\"", 2, WAIT), 2);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "13800000003"), 1);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "13800000002"), 1);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "13800000004"), 0);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "2026-W48"), 2);
    s_weekly_submitted("SEC1", "2026-W48", nt_time("2026-11-27T12:00:00+08:00"));
    nt_clock_set(nt_time("2026-11-27T12:00:00+08:00"));
    nw_settle(300);
    /* the deadline passes: L1 is late, to the subsidiary (in English) */
    nt_clock_set(nt_time("2026-11-27T18:00:01+08:00"));
    assert_int_equal(
        nw_wait_fake_with(W.http, "wecom", "Late: weekly report 2026-W48 of 王总", 1, WAIT), 1);
    nw_settle(300);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "李书记"), 0);
    /* 48 h more: missing, to the group */
    nt_clock_set(nt_time("2026-11-29T18:00:01+08:00"));
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "【漏报】第一子公司王总", 1, WAIT), 1);
    nw_settle(400);
    assert_int_equal(notify_fake_count(W.http, "wecom"), 2);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.schedule_run"), 1);
}

/* 000 §5: a hardship case's one-to-one liaison checks in every week until it is closed; a
 * check-in recorded early cancels that week's reminder. */
static void test_liaison_checkins(void **state)
{
    (void)state;
    int64_t t0 = nt_time("2026-11-23T10:00:00+08:00");
    nw_begin(&W, "test_notify_flow_liaison", t0, NULL);
    Fc__V1__HardshipCase hc = FC__V1__HARDSHIP_CASE__INIT;
    hc.case_id = 7;
    hc.employee_no = "E001";
    hc.org_code = "B1";
    hc.category = "elderly_care";
    hc.liaison_employee_no = "SEC1";
    hc.at_us = t0;
    nt_publish("intake", "intake.hardship_case_opened", &hc.base, t0);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.task"
                                      " WHERE kind = 'liaison_checkin'",
                                      1, fc_h_ms(WAIT)),
                     1);
    nt_clock_set(t0 + 7 * DAY + 60 * FC_US_PER_S);
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "SMS_FC_LIAISON\"", 1, WAIT), 1);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "13800000002"), 1);
    char *out = NULL;
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.task"
                                      " WHERE kind = 'liaison_checkin' AND period = 'c2'",
                                      1, fc_h_ms(WAIT)),
                     1);
    nt_clock_set(t0 + 10 * DAY);
    assert_int_equal(s_fcctl(&out, "notify done --kind liaison_checkin --subject hardship:7"
                                   " --period c2"),
                     0);
    free(out);
    nt_clock_set(t0 + 14 * DAY + 60 * FC_US_PER_S);
    nw_settle(500);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "SMS_FC_LIAISON\""), 1);
    nt_clock_set(t0 + 21 * DAY + 60 * FC_US_PER_S);
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "SMS_FC_LIAISON\"", 2, WAIT), 2);
    hc.closed = 1;
    nt_publish("intake", "intake.hardship_case_closed", &hc.base, t0 + 22 * DAY);
    assert_int_equal(
        fc_h_wait_scalar("SELECT count(*) FROM notify.series WHERE open", 0, fc_h_ms(WAIT)), 0);
    nt_clock_set(t0 + 35 * DAY);
    nw_settle(500);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "SMS_FC_LIAISON\""), 2);
}

/* 000 §3, 002 §6: after the epidemic, everyone who served gets a free health check, reminded
 * weekly until it is recorded done. */
static void test_health_check_campaign(void **state)
{
    (void)state;
    int64_t t0 = nt_time("2026-12-01T10:00:00+08:00");
    nw_begin(&W, "test_notify_flow_health", t0, NULL);
    s_duty(1, "E001", t0 - 20 * DAY);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.duty_day", 1, fc_h_ms(WAIT)), 1);
    char *out = NULL;
    assert_int_equal(s_fcctl(&out, "notify campaign health_check"), 0);
    assert_non_null(strstr(out, "新建 1 人"));
    free(out);
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "SMS_FC_CHECKUP\"", 1, WAIT), 1);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "13800000001"), 1);
    /* a second start changes nothing */
    assert_int_equal(s_fcctl(&out, "notify campaign health_check"), 0);
    assert_non_null(strstr(out, "此前已有 1 人"));
    free(out);
    nt_clock_set(t0 + 7 * DAY + 60 * FC_US_PER_S);
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "SMS_FC_CHECKUP\"", 2, WAIT), 2);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.reminder WHERE period = 'c3'", 1,
                                      fc_h_ms(WAIT)),
                     1);
    nt_clock_set(t0 + 9 * DAY);
    assert_int_equal(s_fcctl(&out, "notify done --kind health_check --subject E001"), 0);
    assert_non_null(strstr(out, "取消了 1 条"));
    free(out);
    nt_clock_set(t0 + 30 * DAY);
    nw_settle(500);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "SMS_FC_CHECKUP\""), 2);
}

/* 000 §3: a heart-to-heart talk every 14 days on duty, asked of the branch secretary. */
static void test_heart_talk(void **state)
{
    (void)state;
    int64_t t0 = nt_time("2026-11-02T08:00:00+08:00");
    nw_begin(&W, "test_notify_flow_talk", t0 + 40 * DAY, NULL);
    for (int d = 0; d < 13; d++)
        s_duty(100 + d, "E001", t0 + d * DAY);
    s_duty(200, "E001", t0 + 12 * DAY + 2 * HOUR); /* a second shift on a day already counted */
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.duty_day", 13, fc_h_ms(WAIT)),
                     13);
    nw_settle(300);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "SMS_FC_TALK\""), 0);
    s_duty(113, "E001", t0 + 13 * DAY);
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "SMS_FC_TALK\"", 1, WAIT), 1);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "13800000002"), 1);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "\\\"duty_days\\\":\\\"14\\\""), 1);
    s_duty(114, "E001", t0 + 14 * DAY);
    nw_settle(400);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "SMS_FC_TALK\""), 1);
    char *out = NULL;
    assert_int_equal(s_fcctl(&out, "notify done --kind heart_talk --subject E001 --period c1"
                                   " --at 2026-11-16T20:00:00+08:00"),
                     0);
    free(out);
    for (int d = 15; d < 29; d++)
        s_duty(100 + d, "E001", t0 + d * DAY);
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "SMS_FC_TALK\"", 2, WAIT), 2);
}

/* welfare's payment made is told to the person. */
static void test_payment_paid(void **state)
{
    (void)state;
    int64_t t0 = nt_time("2026-11-23T10:00:00+08:00");
    nw_begin(&W, "test_notify_flow_paid", t0, NULL);
    Fc__V1__Disbursement d = FC__V1__DISBURSEMENT__INIT;
    d.id = 9;
    d.kind = "condolence";
    d.employee_no = "E001";
    d.person_org = "B1";
    d.amount_fen = 200050;
    d.state = "paid";
    Fc__V1__DisbursementEvent ev = FC__V1__DISBURSEMENT_EVENT__INIT;
    ev.disbursement = &d;
    ev.at_us = t0;
    nt_publish("welfare", "welfare.disbursement_paid", &ev.base, t0);
    nt_publish("welfare", "welfare.disbursement_paid", &ev.base, t0); /* a republished event */
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "SMS_FC_PAID\"", 1, WAIT), 1);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "2000.50"), 1);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "慰问金"), 1);
    nw_settle(400);
    assert_int_equal(notify_fake_count(W.http, "sms"), 1);
}

/* 000 §5: families of the deceased are visited periodically by the designated contact. */
static void test_family_visit(void **state)
{
    (void)state;
    int64_t t0 = nt_time("2026-11-23T10:00:00+08:00");
    nw_begin(&W, "test_notify_flow_family", t0, NULL);
    Fc__V1__FamilyCare f = FC__V1__FAMILY_CARE__INIT;
    f.employee_no = "E001";
    f.org_code = "B1";
    f.liaison_employee_no = "L1";
    f.contact_name = "张母";
    f.next_due_us = t0 + 3 * DAY;
    f.person_name = "张三";
    Fc__V1__FamilyCareEvent ev = FC__V1__FAMILY_CARE_EVENT__INIT;
    ev.record = &f;
    ev.at_us = t0;
    nt_publish("welfare", "welfare.family_visit_due", &ev.base, t0);
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "SMS_FC_FAMILY\"", 2, WAIT), 2);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "13800000003"), 1); /* L1 */
    assert_int_equal(notify_fake_count_with(W.http, "sms", "13800000002"), 1); /* SEC1 */
    nt_clock_set(t0 + 2 * DAY);
    ev.at_us = t0 + 2 * DAY;
    nt_publish("welfare", "welfare.family_visited", &ev.base, t0 + 2 * DAY);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.task WHERE kind ="
                                      " 'family_visit' AND state = 'done'",
                                      1, fc_h_ms(WAIT)),
                     1);
    nt_clock_set(t0 + 10 * DAY + 2 * HOUR); /* past the overdue mark, before Friday's round */
    nw_settle(500);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "Family visit overdue"), 0);
    assert_int_equal(notify_fake_count(W.http, "sms"), 2);
}

/* A WeCom robot takes 20 messages a minute: the rest wait their turn, none is lost. */
static void test_wecom_pacing(void **state)
{
    (void)state;
    int64_t t0 = nt_time("2026-11-23T10:00:00+08:00");
    static const char *env[] = {"NOTIFY_WECOM_RATE=5", NULL};
    nw_begin(&W, "test_notify_flow_pacing", t0, env);
    for (int i = 0; i < 12; i++) {
        char subject[32], text[48];
        snprintf(subject, sizeof subject, "pace-%d", i);
        snprintf(text, sizeof text, "通知 N=%d 结束", i);
        assert_int_equal(s_remind(subject, "", "group", NULL, 0, "限速测试", text), 1);
    }
    assert_int_equal(nw_wait_fake(W.http, "wecom", 5, WAIT), 5);
    nw_settle(500);
    assert_int_equal(notify_fake_count(W.http, "wecom"), 5);
    nt_clock_set(t0 + 61 * FC_US_PER_S);
    assert_int_equal(nw_wait_fake(W.http, "wecom", 10, WAIT), 10);
    nw_settle(500);
    assert_int_equal(notify_fake_count(W.http, "wecom"), 10);
    nt_clock_set(t0 + 122 * FC_US_PER_S);
    assert_int_equal(nw_wait_fake(W.http, "wecom", 12, WAIT), 12);
    assert_int_equal(notify_fake_duplicates(W.http, "wecom", "N="), 0);
    /* e-mail and inbox are not paced */
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.inbox_item WHERE recipient = '@G'"),
                     12);
}

/* Per-person channels and language; one reminder per (kind, subject, period), and a retried
 * command (same message id) takes effect once. */
static void test_preferences_and_dedupe(void **state)
{
    (void)state;
    int64_t t0 = nt_time("2026-11-23T10:00:00+08:00");
    nw_begin(&W, "test_notify_flow_prefs", t0, NULL);
    char *out = NULL;
    assert_int_equal(s_fcctl(&out, "notify prefs E001 --lang en --channels inbox,email"
                                   " --email e001@frontline.example"),
                     0);
    free(out);
    assert_int_equal(s_remind("p-1", "2026-W48", "person", "E001", 0, "Hello", "Please rest"), 1);
    assert_int_equal(s_remind("p-1", "2026-W48", "person", "E001", 0, "Hello", "Please rest"), 0);
    assert_int_equal(nw_wait_fake(W.smtp, "smtp", 1, WAIT), 1);
    char *mail = s_mail_text(0);
    assert_non_null(strstr(mail, "e001@frontline.example"));
    assert_non_null(strstr(mail, "Please rest"));
    free(mail);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.inbox_item"
                                      " WHERE recipient = 'E001'",
                                      1, fc_h_ms(WAIT)),
                     1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.message WHERE lang = 'en'"), 1);
    /* a retried command with the same message id */
    Fc__V1__DeskSetRequest req = FC__V1__DESK_SET_REQUEST__INIT;
    req.org_code = "B1";
    req.email = "b1@frontline.example";
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    char id[FC_ID_LEN + 1];
    fc_id_new(id);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(nt_call_id(id, "notify.desk_set", &req.base,
                                    &fc__v1__desk_set_reply__descriptor, &reply, &err),
                         FC_OK);
        assert_true(((Fc__V1__DeskSetReply *)reply)->inserted); /* the first answer, twice */
        protobuf_c_message_free_unpacked(reply, NULL);
    }
    nw_settle(300);
    assert_int_equal(notify_fake_count(W.http, "sms"), 0);
    assert_int_equal(notify_fake_count(W.smtp, "smtp"), 1);
}

/* rotation: overload warnings and forced rest (000 §3) to the person and the branch
 * secretary (forced rest is urgent: SMS even at night); rosters and replacements to the people
 * they concern. */
static void test_rotation_events(void **state)
{
    (void)state;
    int64_t t0 = nt_time("2026-11-23T23:30:00+08:00");
    nw_begin(&W, "test_notify_flow_rotation", t0, NULL);
    Fc__V1__OverloadWarning ow = FC__V1__OVERLOAD_WARNING__INIT;
    ow.employee_no = "E001";
    ow.org_code = "B1";
    ow.metric = "minutes_day";
    ow.value = 600;
    ow.limit = 720;
    ow.percent = 83;
    ow.at_us = t0 - 3 * HOUR;
    nt_publish("rotation", "rotation.overload_warning", &ow.base, ow.at_us);
    ow.value = 610; /* the same day again: one warning per person, metric and day */
    nt_publish("rotation", "rotation.overload_warning", &ow.base, ow.at_us + 60 * FC_US_PER_S);
    assert_int_equal(
        fc_h_wait_scalar("SELECT count(*) FROM notify.inbox_item i JOIN"
                         " notify.message m USING (message_id) WHERE m.body LIKE"
                         " '【负荷预警】张三%当日值守时长已达 10.0 小时，为上限 12.0 小时的 83%'",
                         2, fc_h_ms(WAIT)),
        2);
    Fc__V1__ForcedRestOrdered fr = FC__V1__FORCED_REST_ORDERED__INIT;
    fr.order_id = 5;
    fr.employee_no = "E001";
    fr.org_code = "B1";
    fr.metric = "minutes_7d";
    fr.value = 3630;
    fr.limit = 3600;
    fr.from_us = t0;
    fr.until_us = t0 + 48 * HOUR;
    nt_publish("rotation", "rotation.forced_rest_ordered", &fr.base, t0);
    /* 23:30: quiet hours, but a forced-rest order is urgent */
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "SMS_FC_FORCED_REST\"", 2, WAIT), 2);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "2026-11-25 23:30"), 2);
    nw_settle(300);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "SMS_FC_OVERLOAD\""), 0); /* night */
    Fc__V1__PersonShift s1 = FC__V1__PERSON_SHIFT__INIT, s2 = FC__V1__PERSON_SHIFT__INIT;
    s1.date = "2026-11-26";
    s1.start_us = nt_time("2026-11-26T08:00:00+08:00");
    s2.date = "2026-11-25";
    s2.start_us = nt_time("2026-11-25T20:00:00+08:00");
    Fc__V1__PersonShift *shifts[] = {&s1, &s2};
    Fc__V1__PersonRostered pr = FC__V1__PERSON_ROSTERED__INIT;
    pr.roster_id = 3;
    pr.version = 2;
    pr.employee_no = "E001";
    pr.org_code = "B1";
    pr.shifts = shifts;
    pr.n_shifts = 2;
    pr.at_us = t0;
    nt_publish("rotation", "rotation.person_rostered", &pr.base, t0);
    Fc__V1__AssignmentChanged ac = FC__V1__ASSIGNMENT_CHANGED__INIT;
    ac.roster_id = 3;
    ac.version = 2;
    ac.revision = 1;
    ac.date = "2026-11-26";
    ac.post_code = "P1";
    ac.shift_id = "day";
    ac.start_us = s1.start_us;
    ac.end_us = s1.start_us + 12 * HOUR;
    ac.from_employee_no = "E001";
    ac.to_employee_no = "SEC1";
    ac.org_code = "B1";
    ac.cause = "forced_rest";
    ac.text = "张三强制休息，由李书记替班";
    ac.at_us = t0;
    nt_publish("rotation", "rotation.assignment_changed", &ac.base, t0);
    /* the morning: the SMS that waited for the end of the quiet hours go out */
    nt_clock_set(nt_time("2026-11-24T07:00:30+08:00"));
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "SMS_FC_OVERLOAD\"", 2, WAIT), 2);
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "SMS_FC_ROSTER\"", 1, WAIT), 1);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "2026-11-25 20:00"), 1); /* first */
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "SMS_FC_ROSTER_CHANGE\"", 2, WAIT), 2);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.message WHERE body ="
                                 " '【排班调整】张三强制休息，由李书记替班（2026-11-26 P1，"
                                 "2026-11-26 08:00 至 2026-11-26 20:00）'"),
                     2);
    nw_settle(300);
    assert_int_equal(notify_fake_count(W.http, "sms"), 7);
}

int main(void)
{
    fc_log_init("test_notify_flow", FC_LOG_ERROR);
    nw_fakes(&W);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_incident_visit_and_escalation, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_done_before_due_cancels, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_major_incident_reports_to_group, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_quiet_hours, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_weekly_report_round, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_liaison_checkins, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_health_check_campaign, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_heart_talk, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_payment_paid, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_family_visit, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_wecom_pacing, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_preferences_and_dedupe, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_rotation_events, s_setup, s_teardown),
    };
    if (getenv("NOTIFY_TEST_FILTER")) /* run one test while debugging */
        cmocka_set_test_filter(getenv("NOTIFY_TEST_FILTER"));
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    nw_destroy(&W);
    return rc;
}

/* test_notify_records: intake's discrimination cases (000 §9) and village first secretaries'
 * return dates (002 §12) as reminders, over real sockets with the file clock. A case still
 * "reported" after handle_within_days reminds the subsidiary's organisation department once; not
 * closed after close_within_days, the group's; a step or the close cancels what is no longer
 * due, and the texts carry nothing of the case beyond what the event carries. A planned return
 * date reached without a return reminds the subsidiary and the person once; a changed date
 * moves the reminder, a return cancels it. fc-notify killed with SIGKILL around the send (and
 * around the event's commit) sends nothing twice; malformed events are rejected and change
 * nothing. Last, the same end to end with the real fc-intake driven by fcctl. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fc/v1/intake.pb-c.h"
#include "fc/v1/notify.pb-c.h"
#include "fc_clock.h"
#include "fc_harness.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "notify_testkit.h"
#include "notify_world.h"

#define HOUR (3600LL * FC_US_PER_S)
#define DAY FC_US_PER_DAY
#define MINUTE (60LL * FC_US_PER_S)
#define WAIT 15000

static notify_world_t W;
static pid_t s_intake; /* the real fc-intake of the end-to-end test */

/* WeCom requests delivered to the robot at path whose body has needle: the robot's other
 * messages (weekly chases the clock's jumps may bring) do not count. */
static int s_wecom(const char *path, const char *needle)
{
    int n = 0;
    char *b;
    for (int i = 0; (b = notify_fake_body(W.http, "wecom", i)) != NULL; i++) {
        n += strncmp(b, path, strlen(path)) == 0 && b[strlen(path)] == '\n' &&
             strstr(b, needle) != NULL;
        free(b);
    }
    return n;
}

static int s_teardown(void **state)
{
    (void)state;
    if (s_intake > 0)
        fc_h_stop(s_intake, SIGKILL, 5000);
    s_intake = 0;
    nw_end(&W);
    return 0;
}

/* intake.discrimination_case_changed as intake publishes it (no texts). */
static void s_case(int64_t id, const char *state, const char *victim, int64_t at)
{
    Fc__V1__DiscriminationCaseChanged ev = FC__V1__DISCRIMINATION_CASE_CHANGED__INIT;
    ev.case_id = id;
    ev.employee_no = "E001";
    ev.org_code = "B1";
    ev.victim = (char *)victim;
    ev.state = (char *)state;
    ev.outcome = strcmp(state, "closed") == 0 ? "education" : "";
    ev.at_us = at;
    nt_publish("intake", "intake.discrimination_case_changed", &ev.base, at);
}

/* intake.village_assignment_changed: the whole assignment as it now is. */
static void s_village(int64_t id, const char *village, int64_t start, int64_t planned,
                      int64_t returned, int64_t at)
{
    Fc__V1__VillageAssignment a = FC__V1__VILLAGE_ASSIGNMENT__INIT;
    a.assignment_id = id;
    a.employee_no = "E001";
    a.org_code = "B1";
    a.village = (char *)village;
    a.township = "平山县";
    a.start_us = start;
    a.planned_return_us = planned;
    a.returned_us = returned;
    a.frontline_record = "2026-10-01 入户排查";
    Fc__V1__VillageAssignmentChanged ev = FC__V1__VILLAGE_ASSIGNMENT_CHANGED__INIT;
    ev.assignment = &a;
    ev.at_us = at;
    nt_publish("intake", "intake.village_assignment_changed", &ev.base, at);
}

static long long s_count(const char *fmt, const char *arg)
{
    char *sql = fc_xasprintf(fmt, arg);
    long long n = fc_h_scalar(sql);
    free(sql);
    return n;
}

/* How many discrimination tasks notify.tasks shows role within scope (NULL: group-wide). */
static int s_tasks_seen(const char *role, const char *scope)
{
    Fc__V1__TaskListRequest req = FC__V1__TASK_LIST_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    assert_int_equal(nt_call(role, scope, "notify.tasks", &req.base,
                             &fc__v1__task_list_reply__descriptor, &reply, &err),
                     FC_OK);
    const Fc__V1__TaskListReply *r = (const Fc__V1__TaskListReply *)reply;
    int n = 0;
    for (size_t i = 0; i < r->n_tasks; i++)
        n += strncmp(r->tasks[i]->kind, "discrimination_", 15) == 0;
    protobuf_c_message_free_unpacked(reply, NULL);
    return n;
}

/* How many messages about discrimination cases notify.status shows role within scope. */
static int s_messages_seen(const char *role, const char *scope)
{
    Fc__V1__StatusRequest req = FC__V1__STATUS_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    assert_int_equal(nt_call(role, scope, "notify.status", &req.base,
                             &fc__v1__status_reply__descriptor, &reply, &err),
                     FC_OK);
    const Fc__V1__StatusReply *r = (const Fc__V1__StatusReply *)reply;
    int n = 0;
    for (size_t i = 0; i < r->n_messages; i++)
        n += strncmp(r->messages[i]->kind, "discrimination_", 15) == 0;
    protobuf_c_message_free_unpacked(reply, NULL);
    return n;
}

/* Moves the clock to t and lets notify run. */
static void s_at(int64_t t)
{
    nt_clock_set(t);
    nw_settle(500);
}

/* 第一时间 (000 §9): still "reported" 3 days on, the subsidiary; not closed 15 days on, the
 * group; each once; nothing of the case but its number, the employee number, the unit and
 * staff or family. */
static void test_discrimination_remind_and_escalate(void **state)
{
    (void)state;
    int64_t t0 = nt_time("2026-11-23T10:00:00+08:00");
    nw_begin(&W, "test_notify_records_disc", t0, NULL);
    s_case(7, "reported", "family", t0);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.reminder"
                                      " WHERE subject = 'discrimination:7'",
                                      2, fc_h_ms(WAIT)),
                     2);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.task WHERE subject ="
                                 " 'discrimination:7' AND state = 'open'"),
                     2);
    /* the tasks are the group's and the subsidiary's to see (000 §9), not the branch's */
    assert_int_equal(s_tasks_seen("org_admin", "S1"), 2);
    assert_int_equal(s_tasks_seen("branch_secretary", "B1"), 0);
    assert_int_equal(s_tasks_seen(NULL, NULL), 2);
    /* and only the case's steps in intake close them */
    Fc__V1__TaskDoneRequest done = FC__V1__TASK_DONE_REQUEST__INIT;
    done.kind = "discrimination_handle";
    done.subject = "discrimination:7";
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    assert_int_equal(nt_call(NULL, NULL, "notify.task_done", &done.base,
                             &fc__v1__task_done_reply__descriptor, &reply, &err),
                     FC_ECONFLICT);
    assert_string_equal(err.field, "kind");
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.reminder WHERE subject ="
                                 " 'discrimination:7' AND state = 'scheduled'"),
                     2);
    s_at(t0 + 3 * DAY - HOUR);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "#7"), 0);
    /* 3 days without handling: S1's department (English), once */
    nt_clock_set(t0 + 3 * DAY + MINUTE);
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "not taken in hand: #7", 1, WAIT), 1);
    assert_int_equal(s_wecom("/robot/s1", "#7"), 1);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "a family member of the worker"), 1);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "E001"), 1);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "张三"), 0); /* no name */
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.inbox_item"
                                      " WHERE recipient = '@S1'",
                                      1, fc_h_ms(WAIT)),
                     1);
    assert_int_equal(s_messages_seen("org_admin", "S1"), 1);
    assert_int_equal(s_messages_seen("branch_secretary", "B1"), 0);
    s_at(t0 + 15 * DAY - HOUR);
    assert_int_equal(s_wecom("/robot/group", "#7"), 0);
    /* 15 days without a close: escalated to the group (Chinese), once */
    nt_clock_set(t0 + 15 * DAY + MINUTE);
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "歧视事件逾期未结督办（案件 #7）", 1, WAIT),
                     1);
    assert_int_equal(s_wecom("/robot/group", "#7"), 1);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "（工号 E001）的家属受到歧视"), 1);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "张三"), 0);
    assert_int_equal(
        fc_h_scalar("SELECT count(*) FROM notify.message WHERE recipient = '@G'"
                    " AND lang = 'zh' AND body LIKE '【督办】第一党支部（第一子公司）%'"),
        1);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.task WHERE subject ="
                                      " 'discrimination:7' AND escalated",
                                      2, fc_h_ms(WAIT)),
                     2);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.outbox"
                                      " WHERE type = 'notify.task_escalated'",
                                      2, fc_h_ms(WAIT)),
                     2);
    /* the same event again, and a month on: nothing more */
    s_case(7, "reported", "family", t0);
    s_at(t0 + 30 * DAY);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.inbox WHERE type ="
                                      " 'intake.discrimination_case_changed'",
                                      2, fc_h_ms(WAIT)),
                     2);
    nw_settle(300);
    /* (the weekly report round runs beside it: only this case's messages are counted) */
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "#7"), 2);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.delivery d JOIN notify.message m"
                                 " USING (message_id) JOIN notify.reminder r USING (reminder_id)"
                                 " WHERE r.subject = 'discrimination:7' AND d.state = 'sent'"),
                     6); /* S1 and G: WeCom, e-mail, inbox each */
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.reminder"
                                 " WHERE subject = 'discrimination:7'"),
                     2);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.message m JOIN notify.reminder r"
                                 " USING (reminder_id) WHERE r.subject = 'discrimination:7'"),
                     2);
}

/* Handling cancels the 3-day reminder (the 15-day one stays); closing cancels the 15-day
 * one; a step that overtakes the report leaves nothing to remind of. */
static void test_discrimination_steps_cancel(void **state)
{
    (void)state;
    int64_t t0 = nt_time("2026-11-23T10:00:00+08:00");
    nw_begin(&W, "test_notify_records_steps", t0, NULL);
    s_case(8, "reported", "staff", t0);
    s_case(9, "reported", "family", t0);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.reminder", 4, fc_h_ms(WAIT)), 4);
    nt_clock_set(t0 + DAY);
    s_case(8, "handling", "staff", t0 + DAY);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.reminder WHERE subject ="
                                      " 'discrimination:8' AND kind = 'discrimination_unhandled'"
                                      " AND state = 'cancelled'",
                                      1, fc_h_ms(WAIT)),
                     1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.outbox WHERE type ="
                                 " 'notify.task_done'"),
                     1);
    /* 3 days: only #9, still unhandled */
    nt_clock_set(t0 + 3 * DAY + MINUTE);
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "not taken in hand: #9", 1, WAIT), 1);
    nw_settle(500);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "#8"), 0);
    /* #9 is taken in hand and closed after its reminder went */
    s_at(t0 + 4 * DAY);
    s_case(9, "handling", "family", t0 + 4 * DAY);
    s_at(t0 + 6 * DAY);
    s_case(9, "closed", "family", t0 + 6 * DAY);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.reminder WHERE subject ="
                                      " 'discrimination:9' AND kind = 'discrimination_overdue'"
                                      " AND state = 'cancelled'",
                                      1, fc_h_ms(WAIT)),
                     1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.task WHERE subject ="
                                 " 'discrimination:9' AND state = 'done'"),
                     2);
    /* a close that overtook its report (events from before notify ran): created done, so the
     * late report schedules nothing */
    s_case(10, "closed", "staff", t0 + 6 * DAY);
    s_case(10, "reported", "staff", t0 + 5 * DAY);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.inbox WHERE type ="
                                      " 'intake.discrimination_case_changed'",
                                      7, fc_h_ms(WAIT)),
                     7);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.reminder"
                                 " WHERE subject = 'discrimination:10'"),
                     0);
    /* 15 days: #8 (in hand, not closed) is escalated; #9 (closed) is not */
    nt_clock_set(t0 + 15 * DAY + MINUTE);
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "逾期未结督办（案件 #8）", 1, WAIT), 1);
    nt_clock_set(t0 + 25 * DAY);
    nw_settle(800);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "#9"), 1); /* the 3-day one */
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "#10"), 0);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "#8"), 1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.reminder WHERE state = 'sent'"
                                 " AND kind LIKE 'discrimination%'"),
                     2);
}

/* 002 §12: the planned return date reached without a return: the subsidiary and the person;
 * a changed date moves it, the same date changes nothing, a return cancels it. */
static void test_village_return(void **state)
{
    (void)state;
    int64_t t0 = nt_time("2026-11-23T10:00:00+08:00");
    int64_t start = t0 - 30 * DAY;
    nw_begin(&W, "test_notify_records_village", t0, NULL);
    s_village(5, "西柏坡村", start, t0 + 10 * DAY, 0, start);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.reminder WHERE subject ="
                                      " 'village:5' AND state = 'scheduled'",
                                      1, fc_h_ms(WAIT)),
                     1);
    /* the date moves 10 days later */
    s_at(t0 + 2 * DAY);
    s_village(5, "西柏坡村", start, t0 + 20 * DAY, 0, t0 + 2 * DAY);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.reminder WHERE subject ="
                                      " 'village:5' AND state = 'cancelled'",
                                      1, fc_h_ms(WAIT)),
                     1);
    /* only a frontline record added: the same date, nothing changes */
    s_village(5, "西柏坡村", start, t0 + 20 * DAY, 0, t0 + 2 * DAY);
    s_at(t0 + 10 * DAY + MINUTE);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "西柏坡村") +
                         notify_fake_count_with(W.http, "sms", "SMS_FC_VILLAGE_RETURN"),
                     0);
    nt_clock_set(t0 + 20 * DAY + MINUTE);
    assert_int_equal(
        nw_wait_fake_with(W.http, "wecom", "Village first secretary due back", 1, WAIT), 1);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "西柏坡村"), 1);
    assert_int_equal(s_wecom("/robot/s1", "西柏坡村"), 1);
    /* the person: SMS and inbox, in Chinese */
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "SMS_FC_VILLAGE_RETURN\"", 1, WAIT), 1);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "13800000001"), 1);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.inbox_item i JOIN"
                                      " notify.message m USING (message_id) WHERE i.recipient ="
                                      " 'E001' AND m.title = '驻村第一书记返岗提醒：张三'",
                                      1, fc_h_ms(WAIT)),
                     1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.message WHERE recipient = 'E001'"
                                 " AND body LIKE '%驻平山县西柏坡村任第一书记，计划于 2026-12-13"
                                 " 10:00 返岗%'"),
                     1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.task WHERE subject = 'village:5'"
                                 " AND period = '2:2026-12-13' AND state = 'open'"),
                     1);
    /* returned at last: the task is done */
    s_village(5, "西柏坡村", start, t0 + 20 * DAY, t0 + 21 * DAY, t0 + 21 * DAY);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.task WHERE subject ="
                                      " 'village:5' AND state = 'done'",
                                      1, fc_h_ms(WAIT)),
                     1);
    /* another assignment returns before its date: nothing is sent */
    s_village(6, "东庄村", start, t0 + 30 * DAY, 0, start);
    s_village(6, "东庄村", start, t0 + 30 * DAY, t0 + 26 * DAY, t0 + 26 * DAY);
    /* one whose date moves away and back: reminded once, at the date it ends on */
    s_village(7, "南沟村", start, t0 + 40 * DAY, 0, start);
    s_village(7, "南沟村", start, t0 + 45 * DAY, 0, t0 + 22 * DAY);
    s_village(7, "南沟村", start, t0 + 40 * DAY, 0, t0 + 23 * DAY);
    /* a return that overtook the assignment: the late assignment schedules nothing */
    s_village(8, "北山村", start, t0 + 35 * DAY, t0 + 24 * DAY, t0 + 24 * DAY);
    s_village(8, "北山村", start, t0 + 35 * DAY, 0, start);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.inbox WHERE type ="
                                      " 'intake.village_assignment_changed'",
                                      11, fc_h_ms(WAIT)),
                     11);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.reminder WHERE subject ="
                                 " 'village:6' AND state = 'cancelled'"),
                     1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.reminder WHERE subject ="
                                 " 'village:8'"),
                     0);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.task WHERE subject = 'village:7'"
                                 " AND state = 'open' AND period = '3:2027-01-02'"),
                     1);
    s_at(t0 + 31 * DAY);
    s_at(t0 + 36 * DAY);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "东庄村"), 0);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "北山村"), 0);
    nt_clock_set(t0 + 40 * DAY + MINUTE);
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "南沟村", 1, WAIT), 1);
    s_at(t0 + 50 * DAY);
    nw_settle(500);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "南沟村"), 1);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "西柏坡村"), 1);
    assert_int_equal(notify_fake_count_with(W.http, "sms", "SMS_FC_VILLAGE_RETURN"), 2);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.reminder WHERE state = 'sent'"
                                 " AND kind = 'village_return_due'"),
                     2);
}

/* Malformed events are rejected for good; nothing is half-done; the next good one applies. */
static void test_bad_events(void **state)
{
    (void)state;
    int64_t t0 = nt_time("2026-11-23T10:00:00+08:00");
    nw_begin(&W, "test_notify_records_bad", t0, NULL);
    Fc__V1__HealthCheckin junk = FC__V1__HEALTH_CHECKIN__INIT;
    junk.temperature_dc = 999;
    junk.note = "\xff\xfe not utf-8";
    nt_publish("intake", "intake.discrimination_case_changed", &junk.base, t0);
    nt_publish("intake", "intake.village_assignment_changed", &junk.base, t0);
    Fc__V1__DiscriminationCaseChanged d = FC__V1__DISCRIMINATION_CASE_CHANGED__INIT;
    d.employee_no = "E001";
    d.org_code = "B1";
    d.victim = "staff";
    d.state = "reported";
    nt_publish("intake", "intake.discrimination_case_changed", &d.base, t0); /* no case_id */
    d.case_id = 11;
    d.state = "reopened";
    nt_publish("intake", "intake.discrimination_case_changed", &d.base, t0); /* unknown state */
    d.state = "reported";
    d.victim = "neighbour";
    nt_publish("intake", "intake.discrimination_case_changed", &d.base, t0); /* unknown victim */
    d.victim = "staff";
    d.org_code = "";
    nt_publish("intake", "intake.discrimination_case_changed", &d.base, t0); /* no unit */
    d.org_code = "B1";
    d.employee_no = "";
    nt_publish("intake", "intake.discrimination_case_changed", &d.base, t0); /* no person */
    Fc__V1__VillageAssignmentChanged v = FC__V1__VILLAGE_ASSIGNMENT_CHANGED__INIT;
    nt_publish("intake", "intake.village_assignment_changed", &v.base, t0); /* no assignment */
    Fc__V1__VillageAssignment a = FC__V1__VILLAGE_ASSIGNMENT__INIT;
    a.employee_no = "E001";
    a.org_code = "B1";
    a.village = "西柏坡村";
    a.start_us = t0;
    a.planned_return_us = t0 + DAY;
    v.assignment = &a;
    nt_publish("intake", "intake.village_assignment_changed", &v.base, t0); /* no id */
    a.assignment_id = 3;
    a.planned_return_us = -5;
    nt_publish("intake", "intake.village_assignment_changed", &v.base, t0); /* negative date */
    a.planned_return_us = t0 + DAY;
    a.org_code = "";
    nt_publish("intake", "intake.village_assignment_changed", &v.base, t0); /* no unit */
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.inbox WHERE outcome ="
                                      " 'rejected'",
                                      11, fc_h_ms(WAIT)),
                     11);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.task"), 0);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.reminder"), 0);
    /* the good ones after them apply */
    d.employee_no = "E001";
    nt_publish("intake", "intake.discrimination_case_changed", &d.base, t0);
    a.org_code = "B1";
    nt_publish("intake", "intake.village_assignment_changed", &v.base, t0);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.reminder", 3, fc_h_ms(WAIT)), 3);
    nt_clock_set(t0 + DAY + MINUTE);
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "Village first secretary", 1, WAIT), 1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.inbox WHERE outcome = 'rejected'"),
                     11);
}

/* Lines of the file sink that carry needle. */
static int s_file_lines(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    int n = 0;
    char line[16384];
    while (f && fgets(line, sizeof line, f))
        n += strstr(line, needle) != NULL;
    if (f)
        fclose(f);
    return n;
}

/* SIGKILL at each point around a reminder's send and around the event's commit: the reminder
 * reaches each recipient once over every channel with a receipt (the file sink, SMS, the
 * inbox), and the event is taken in once. S1's department here reads the file sink and the
 * inbox; E001 the inbox, SMS and the file sink. */
static void test_killed_around_send(void **state)
{
    (void)state;
    static const char *points[] = {"consumer.after_commit", "notify.reminders_before_commit",
                                   "notify.before_send", "notify.after_send"};
    char *sink = fc_xasprintf("%s/test_notify_records_kill.jsonl", getenv("FC_TEST_LOG_DIR"));
    char *sink_env = fc_xasprintf("NOTIFY_FILE_SINK=%s", sink);
    for (size_t k = 0; k < sizeof points / sizeof points[0]; k++) {
        unlink(sink);
        const char *env[] = {"NOTIFY_LEASE_MS=1000", "NOTIFY_WORKERS=1", sink_env, NULL};
        int64_t now = nt_time("2026-11-23T10:00:00+08:00");
        nw_begin(&W, "test_notify_records_kill", now, env);
        char *out = NULL;
        assert_int_equal(fc_h_fcctl(&out, "notify prefs E001 --channels inbox,sms,file"), 0);
        free(out);
        assert_int_equal(fc_h_fcctl(&out, "notify desk S1 --name 'S1 Org Dept' --lang en"
                                          " --channels file,inbox"),
                         0);
        free(out);
        /* armed only now, after the world was taken in */
        nw_end(&W);
        char *fault = fc_xasprintf("FC_FAULT=%s", points[k]);
        const char *armed[] = {"NOTIFY_LEASE_MS=1000", "NOTIFY_WORKERS=1", sink_env, fault, NULL};
        W.notify = fc_h_up("notify", nt_env(nt_port(0), nt_port(1), armed));
        /* a case reported 3 days ago and a return date passed: both due at once */
        s_case(21, "reported", "staff", now - 3 * DAY - HOUR);
        s_village(22, "西柏坡村", now - 30 * DAY, now - HOUR, 0, now - 2 * DAY);
        assert_true(nw_killed(W.notify, WAIT));
        fprintf(stderr, "killed at %s: %lld deliveries sent, %lld sending\n", points[k],
                fc_h_scalar("SELECT count(*) FROM notify.delivery WHERE state = 'sent'"),
                fc_h_scalar("SELECT count(*) FROM notify.delivery WHERE state = 'sending'"));
        const char *env2[] = {"NOTIFY_LEASE_MS=1000", sink_env, NULL};
        W.notify = fc_h_up("notify", nt_env(nt_port(0), nt_port(1), env2));
        /* S1: file + inbox for each of the two reminders; E001: inbox, SMS, file */
        assert_int_equal(
            nw_recover(&now, "SELECT count(*) FROM notify.delivery WHERE state = 'sent'", 7), 7);
        nw_settle(500);
        assert_int_equal(s_file_lines(sink, "not taken in hand: #21"), 1);
        assert_int_equal(s_file_lines(sink, "驻村第一书记返岗提醒"), 1);        /* E001, zh */
        assert_int_equal(s_file_lines(sink, "Village first secretary due"), 1); /* S1, en */
        assert_int_equal(notify_fake_count_with(W.http, "sms", "SMS_FC_VILLAGE_RETURN"), 1);
        assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.inbox_item"), 3);
        assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.message"), 3);
        assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.reminder"), 3);
        assert_int_equal(s_count("SELECT count(*) FROM notify.inbox WHERE type = '%s'",
                                 "intake.discrimination_case_changed"),
                         1);
        assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.delivery WHERE state <> 'sent'"),
                         0);
        free(fault);
        nw_end(&W);
        notify_fake_clear(W.http);
    }
    free(sink);
    free(sink_env);
}

/* fcctl as an operator; fails the test on a non-zero exit. */
static void s_ok(const char *args)
{
    assert_int_equal(nw_fcctl(args), 0);
}

/* The real producer: fc-intake's events through its outbox and stream, driven by fcctl. */
static void test_end_to_end_with_intake(void **state)
{
    (void)state;
    int64_t t0 = nt_time("2026-11-23T10:00:00+08:00");
    nw_begin(&W, "test_notify_records_e2e", t0, NULL);
    char *clock_env =
        fc_xasprintf("FC_CLOCK=file:%s", nt_clock_init("test_notify_records_e2e", t0));
    const char *intake_env[] = {clock_env, NULL};
    s_intake = fc_h_up("intake", intake_env);
    s_ok("org add G --name 河钢集团 --kind group");
    s_ok("org add S1 --parent G --name 第一子公司 --kind subsidiary");
    s_ok("org add B1 --parent S1 --name 第一党支部 --kind branch");
    s_ok("person add E001 --name 张三 --org B1 --phone 13800000001");
    s_ok("person add E002 --name 王五 --org B1 --phone 13800000005");
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.person", 5, fc_h_ms(WAIT)), 5);
    s_ok("discrimination report E001 --family 母亲 --desc 小区物业拒绝其进入 --reporter 李书记");
    s_ok("discrimination report E002 --staff --desc 出租车拒载 --reporter 本人");
    s_ok("village assign E001 --village 西柏坡村 --township 平山县"
         " --planned-return 2026-12-01T09:00:00+08:00");
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.reminder", 5, fc_h_ms(WAIT)), 5);
    /* case 2 is taken in hand the next day; the return date moves a week later */
    nt_clock_set(t0 + DAY);
    s_ok("discrimination step 2 handling --action 已联系出租车公司 --by 组织部");
    s_ok("village update 1 --planned-return 2026-12-08T09:00:00+08:00");
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.reminder WHERE state ="
                                      " 'cancelled'",
                                      2, fc_h_ms(WAIT)),
                     2);
    /* 3 days: case 1 only */
    nt_clock_set(t0 + 3 * DAY + MINUTE);
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "not taken in hand: #1", 1, WAIT), 1);
    nw_settle(500);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "#2"), 0);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "小区物业"), 0); /* no texts */
    /* the first planned date passes without a word; the second does not */
    s_at(nt_time("2026-12-01T09:01:00+08:00"));
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "西柏坡村"), 0);
    nt_clock_set(nt_time("2026-12-08T09:01:00+08:00"));
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "西柏坡村", 1, WAIT), 1);
    assert_int_equal(nw_wait_fake_with(W.http, "sms", "SMS_FC_VILLAGE_RETURN", 1, WAIT), 1);
    /* case 2 is closed before 15 days; case 1 is escalated */
    s_ok("discrimination step 2 closed --action 已批评教育 --by 组织部 --outcome education");
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.task WHERE subject ="
                                      " 'discrimination:2' AND state = 'done'",
                                      2, fc_h_ms(WAIT)),
                     2);
    nt_clock_set(t0 + 15 * DAY + MINUTE);
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "逾期未结督办（案件 #1）", 1, WAIT), 1);
    nw_settle(800);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "案件 #2"), 0);
    s_ok("village update 1 --returned 2026-12-08T09:30:00+08:00 --note 疫情平稳返岗");
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.task WHERE subject ="
                                      " 'village:1' AND state = 'done'",
                                      1, fc_h_ms(WAIT)),
                     1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.inbox WHERE outcome = 'rejected'"),
                     0);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.reminder WHERE state = 'sent'"
                                 " AND kind IN ('discrimination_unhandled',"
                                 " 'discrimination_overdue', 'village_return_due')"),
                     3);
    assert_int_equal(fc_h_stop(s_intake, SIGTERM, fc_h_ms(15000)), 0);
    s_intake = 0;
    free(clock_env);
}

int main(void)
{
    fc_log_init("test_notify_records", FC_LOG_ERROR);
    nw_fakes(&W);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_discrimination_remind_and_escalate, s_teardown),
        cmocka_unit_test_teardown(test_discrimination_steps_cancel, s_teardown),
        cmocka_unit_test_teardown(test_village_return, s_teardown),
        cmocka_unit_test_teardown(test_bad_events, s_teardown),
        cmocka_unit_test_teardown(test_killed_around_send, s_teardown),
        cmocka_unit_test_teardown(test_end_to_end_with_intake, s_teardown),
    };
    if (getenv("NOTIFY_TEST_FILTER"))
        cmocka_set_test_filter(getenv("NOTIFY_TEST_FILTER"));
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    nw_destroy(&W);
    return rc;
}

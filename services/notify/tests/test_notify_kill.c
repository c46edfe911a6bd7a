/* fc-notify killed with SIGKILL mid-send: at fixed points (fc_fault) and at random moments
 * under load. Nothing is lost; what has a receipt (SMS: the provider's query API; the inbox:
 * the same transaction as "sent"; the file sink: the file) is never sent twice. WeCom and
 * e-mail have no receipt: a send cut off between the request and the record of its answer is
 * in doubt, and the policy decides: resend (marked as a possible repeat) or assume it
 * arrived. Both are shown here, with the count of in-doubt resends the status reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fc/v1/notify.pb-c.h"
#include "fc_clock.h"
#include "fc_harness.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "notify_testkit.h"
#include "notify_world.h"

#define WAIT 15000

static notify_world_t W;
static int64_t s_now;

static int s_teardown(void **state)
{
    (void)state;
    nw_end(&W);
    return 0;
}

/* n reminders to `to` ("person": employee emp_fmt % i; "group": the group's department),
 * with a marker M=<prefix><i> in the text; pair adds one to the group in the same request. */
static void s_remind_req(const char *prefix, const char *to, const char *emp_fmt, int n, int pair)
{
    Fc__V1__RemindRequest req = FC__V1__REMIND_REQUEST__INIT;
    req.reminders = fc_xcalloc((size_t)n + 1, sizeof *req.reminders);
    req.n_reminders = (size_t)n;
    Fc__V1__ReminderSpec extra = FC__V1__REMINDER_SPEC__INIT;
    Fc__V1__ReminderSpec__VarsEntry ev[2] = {FC__V1__REMINDER_SPEC__VARS_ENTRY__INIT,
                                             FC__V1__REMINDER_SPEC__VARS_ENTRY__INIT};
    Fc__V1__ReminderSpec__VarsEntry *pev[] = {&ev[0], &ev[1]};
    char *group[] = {"group"};
    if (pair) {
        extra.kind = "notice";
        extra.subject = "pair-group";
        extra.org_code = "G";
        extra.recipients = group;
        extra.n_recipients = 1;
        ev[0].key = "title";
        ev[0].value = "在途测试";
        ev[1].key = "text";
        ev[1].value = "M=pairgroup 结束";
        extra.vars = pev;
        extra.n_vars = 2;
        req.reminders[n] = &extra;
        req.n_reminders++;
    }
    Fc__V1__ReminderSpec *specs = fc_xcalloc((size_t)n, sizeof *specs);
    Fc__V1__ReminderSpec__VarsEntry *vars = fc_xcalloc((size_t)n * 2, sizeof *vars);
    Fc__V1__ReminderSpec__VarsEntry **pv = fc_xcalloc((size_t)n * 2, sizeof *pv);
    char **strs = fc_xcalloc((size_t)n * 3, sizeof *strs);
    char *tos[] = {(char *)to};
    for (int i = 0; i < n; i++) {
        Fc__V1__ReminderSpec *s = &specs[i];
        fc__v1__reminder_spec__init(s);
        s->kind = "notice";
        s->subject = strs[3 * i] = fc_xasprintf("%s-%d", prefix, i);
        s->employee_no = strs[3 * i + 1] = emp_fmt ? fc_xasprintf(emp_fmt, i) : fc_xstrdup("");
        s->org_code = emp_fmt ? "" : "G";
        s->recipients = tos;
        s->n_recipients = 1;
        fc__v1__reminder_spec__vars_entry__init(&vars[2 * i]);
        fc__v1__reminder_spec__vars_entry__init(&vars[2 * i + 1]);
        vars[2 * i].key = "title";
        vars[2 * i].value = "在途测试";
        vars[2 * i + 1].key = "text";
        vars[2 * i + 1].value = strs[3 * i + 2] = fc_xasprintf("M=%s%d 结束", prefix, i);
        pv[2 * i] = &vars[2 * i];
        pv[2 * i + 1] = &vars[2 * i + 1];
        s->vars = &pv[2 * i];
        s->n_vars = 2;
        req.reminders[i] = s;
    }
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    assert_int_equal(nt_call(NULL, NULL, "notify.remind", &req.base,
                             &fc__v1__remind_reply__descriptor, &reply, &err),
                     FC_OK);
    assert_int_equal(((Fc__V1__RemindReply *)reply)->created, (int)req.n_reminders);
    protobuf_c_message_free_unpacked(reply, NULL);
    for (int i = 0; i < 3 * n; i++)
        free(strs[i]);
    free(strs);
    free(pv);
    free(vars);
    free(specs);
    free(req.reminders);
}

static void s_remind_many(const char *prefix, const char *to, const char *emp_fmt, int n)
{
    s_remind_req(prefix, to, emp_fmt, n, 0);
}

/* One reminder to E001 (inbox, SMS) and one to the group (WeCom, e-mail, inbox), handled in
 * one pass: 5 deliveries. */
static void s_remind_pair(void)
{
    s_remind_req("a", "person", "E001", 1, 1);
}

/* After a restart: recovered until sql says want (nw_recover on this test's clock). */
static long long s_recover(const char *sql, long long want)
{
    return nw_recover(&s_now, sql, want);
}

static pid_t s_restart(const char *const *extra)
{
    return fc_h_up("notify", nt_env(nt_port(0), nt_port(1), extra));
}

static void s_expect_killed(pid_t pid)
{
    assert_true(nw_killed(pid, WAIT));
}

/* Killed after the attempt was recorded, before anything left: everything goes, once. */
static void test_killed_before_send(void **state)
{
    (void)state;
    static const char *env[] = {"NOTIFY_LEASE_MS=1000", "NOTIFY_WORKERS=1",
                                "FC_FAULT=notify.before_send", NULL};
    s_now = nt_time("2026-11-23T10:00:00+08:00");
    nw_begin(&W, "test_notify_kill_before", s_now, env);
    s_remind_pair();
    s_expect_killed(W.notify);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.delivery WHERE state = 'sending'"),
                     5);
    assert_int_equal(notify_fake_seen(W.http, "sms") + notify_fake_seen(W.http, "wecom") +
                         notify_fake_seen(W.smtp, "smtp"),
                     0);
    static const char *env2[] = {"NOTIFY_LEASE_MS=1000", NULL};
    W.notify = s_restart(env2);
    assert_int_equal(s_recover("SELECT count(*) FROM notify.delivery WHERE state = 'sent'", 5), 5);
    assert_int_equal(notify_fake_count(W.http, "sms"), 1);
    assert_int_equal(notify_fake_count(W.http, "wecom"), 1);
    assert_int_equal(notify_fake_count(W.smtp, "smtp"), 1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.inbox_item"), 2);
    /* the robot's copy says it may be a repeat: notify could not know it was not */
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "（重发，如已收到请忽略）"), 1);
}

/* Lines of the file sink that carry needle. */
static int s_file_lines(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    int n = 0;
    char line[8192];
    while (f && fgets(line, sizeof line, f))
        n += strstr(line, needle) != NULL;
    if (f)
        fclose(f);
    return n;
}

/* Killed after the answers came back, before they were recorded: the SMS receipt, the file
 * sink's own file and the inbox's transaction make those exactly once; WeCom and e-mail are
 * resent, marked. */
static void test_killed_after_send_resend(void **state)
{
    (void)state;
    char *sink = fc_xasprintf("%s/test_notify_kill_after.jsonl", getenv("FC_TEST_LOG_DIR"));
    char *sink_env = fc_xasprintf("NOTIFY_FILE_SINK=%s", sink);
    unlink(sink);
    const char *env[] = {"NOTIFY_LEASE_MS=1000", "NOTIFY_WORKERS=1", sink_env, NULL};
    s_now = nt_time("2026-11-23T10:00:00+08:00");
    nw_begin(&W, "test_notify_kill_after", s_now, env);
    char *out = NULL;
    assert_int_equal(fc_h_fcctl(&out, "notify prefs E001 --channels inbox,sms,file"), 0);
    free(out);
    /* armed only now: the point is hit on the first sends */
    nw_end(&W);
    const char *armed[] = {"NOTIFY_LEASE_MS=1000", "NOTIFY_WORKERS=1", sink_env,
                           "FC_FAULT=notify.after_send", NULL};
    W.notify = s_restart(armed);
    s_remind_pair();
    s_expect_killed(W.notify);
    assert_int_equal(notify_fake_count(W.http, "sms"), 1);
    assert_int_equal(notify_fake_count(W.http, "wecom"), 1);
    assert_int_equal(s_file_lines(sink, "M=a0"), 1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.inbox_item"), 0);
    const char *env2[] = {"NOTIFY_LEASE_MS=1000", sink_env, NULL};
    W.notify = s_restart(env2);
    assert_int_equal(s_recover("SELECT count(*) FROM notify.delivery WHERE state = 'sent'", 6), 6);
    assert_int_equal(s_file_lines(sink, "M=a0"), 1);       /* found in the file */
    assert_int_equal(notify_fake_count(W.http, "sms"), 1); /* the receipt said so */
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.inbox_item"), 2); /* once */
    assert_int_equal(notify_fake_count(W.http, "wecom"), 2); /* in doubt: resent */
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "（重发，如已收到请忽略）"), 1);
    assert_int_equal(notify_fake_count(W.smtp, "smtp"), 2);
    assert_int_equal(fc_h_scalar("SELECT sum(in_doubt_resends) FROM notify.delivery"
                                 " WHERE channel IN ('wecom', 'email')"),
                     2);
    free(sink);
    free(sink_env);
}

/* The same with the in-doubt policy "assume_sent": nothing twice. */
static void test_killed_after_send_assume(void **state)
{
    (void)state;
    static const char *env[] = {"NOTIFY_LEASE_MS=1000", "NOTIFY_WORKERS=1",
                                "FC_FAULT=notify.after_send", NULL};
    s_now = nt_time("2026-11-23T10:00:00+08:00");
    nw_begin(&W, "test_notify_kill_assume", s_now, env);
    s_remind_pair();
    s_expect_killed(W.notify);
    static const char *env2[] = {"NOTIFY_LEASE_MS=1000", "NOTIFY_IN_DOUBT=assume_sent", NULL};
    W.notify = s_restart(env2);
    assert_int_equal(s_recover("SELECT count(*) FROM notify.delivery WHERE state = 'sent'", 5), 5);
    assert_int_equal(notify_fake_count(W.http, "sms"), 1);
    assert_int_equal(notify_fake_count(W.http, "wecom"), 1);
    assert_int_equal(notify_fake_count(W.smtp, "smtp"), 1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.inbox_item"), 2);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.delivery"
                                 " WHERE last_error = '发送结果不明，按已送达处理'"),
                     2);
}

/* Killed before the reminders' transaction committed: nothing happened; the job comes back. */
static void test_killed_before_reminders_commit(void **state)
{
    (void)state;
    static const char *env[] = {"NOTIFY_LEASE_MS=1000", "NOTIFY_WORKERS=1",
                                "FC_FAULT=notify.reminders_before_commit", NULL};
    s_now = nt_time("2026-11-23T10:00:00+08:00");
    nw_begin(&W, "test_notify_kill_reminders", s_now, env);
    s_remind_many("a", "person", "E001", 3);
    s_expect_killed(W.notify);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.message"), 0);
    static const char *env2[] = {"NOTIFY_LEASE_MS=1000", NULL};
    W.notify = s_restart(env2);
    assert_int_equal(s_recover("SELECT count(*) FROM notify.delivery WHERE state = 'sent'", 6), 6);
    assert_int_equal(notify_fake_count(W.http, "sms"), 3);
    assert_int_equal(notify_fake_duplicates(W.http, "sms", "\"OutId\":\""), 0);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.message"), 3);
}

/* Random SIGKILLs while hundreds of messages go out, then a clean run to the end. */
static void test_random_kills_under_load(void **state)
{
    (void)state;
    /* slow enough that the kills land mid-send: 10 ms a request, 4 at a time per worker */
    static const char *env[] = {"NOTIFY_LEASE_MS=1000", "NOTIFY_WECOM_RATE=0",
                                "NOTIFY_MAX_INFLIGHT=4", "NOTIFY_BATCH=16", NULL};
    enum { PEOPLE = 150, GROUP = 60 };
    s_now = nt_time("2026-11-23T10:00:00+08:00");
    nw_begin(&W, "test_notify_kill_random", s_now, env);
    for (int i = 0; i < PEOPLE; i++) {
        char emp[16], phone[16];
        snprintf(emp, sizeof emp, "P%03d", i);
        snprintf(phone, sizeof phone, "1390000%04d", i);
        nt_person(emp, "一线员工", phone, "B1", 0);
    }
    assert_int_equal(
        fc_h_wait_scalar("SELECT count(*) FROM notify.person", 4 + PEOPLE, fc_h_ms(WAIT)),
        4 + PEOPLE);
    notify_fake_latency(W.http, 10);
    notify_fake_latency(W.smtp, 10);
    s_remind_many("p", "person", "P%03d", PEOPLE);
    s_remind_many("g", "group", NULL, GROUP);
    long long want = 2LL * PEOPLE + 3LL * GROUP;
    srand(20261123);
    for (int k = 0; k < 4; k++) {
        /* kill while sending: once a share of the work is done, a few ms later */
        char *sql = fc_xasprintf("SELECT (count(*) >= %lld)::int FROM notify.delivery"
                                 " WHERE state = 'sent'",
                                 want * (k + 1) / 10);
        fc_h_wait_scalar(sql, 1, fc_h_ms(WAIT));
        free(sql);
        fc_h_sleep_ms(rand() % 15);
        kill(W.notify, SIGKILL);
        s_expect_killed(W.notify);
        fprintf(stderr, "killed with %lld of %lld sent\n",
                fc_h_scalar("SELECT count(*) FROM notify.delivery WHERE state = 'sent'"), want);
        W.notify = s_restart(env);
    }
    assert_int_equal(s_recover("SELECT count(*) FROM notify.delivery WHERE state = 'sent'", want),
                     want);
    /* nothing lost */
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.reminder WHERE state = 'sent'"),
                     PEOPLE + GROUP);
    assert_int_equal(fc_h_scalar("SELECT count(DISTINCT recipient) FROM notify.inbox_item"),
                     PEOPLE + 1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.inbox_item"), PEOPLE + GROUP);
    /* SMS: every one exactly once (receipts) */
    assert_int_equal(notify_fake_count(W.http, "sms"), PEOPLE);
    assert_int_equal(notify_fake_duplicates(W.http, "sms", "\"OutId\":\""), 0);
    /* WeCom and e-mail: every one arrived; a repeat only where an attempt was cut off */
    int wecom_dups = notify_fake_duplicates(W.http, "wecom", "M=");
    int mail = notify_fake_count(W.smtp, "smtp");
    long long doubts = fc_h_scalar("SELECT coalesce(sum(in_doubt_resends), 0) FROM"
                                   " notify.delivery WHERE channel IN ('wecom', 'email')");
    assert_int_equal(notify_fake_count(W.http, "wecom") - wecom_dups, GROUP);
    assert_true(mail >= GROUP);
    assert_true(wecom_dups + (mail - GROUP) <= doubts);
    fprintf(stderr,
            "random kills: %d wecom and %d e-mail repeats, %lld in-doubt resends of"
            " them; %lld in-doubt SMS and inbox deliveries settled exactly once\n",
            wecom_dups, mail - GROUP, doubts,
            fc_h_scalar("SELECT coalesce(sum(in_doubt_resends), 0) FROM notify.delivery"
                        " WHERE channel IN ('sms', 'inbox')"));
    notify_fake_latency(W.http, 0);
    notify_fake_latency(W.smtp, 0);
}

int main(void)
{
    fc_log_init("test_notify_kill", FC_LOG_ERROR);
    nw_fakes(&W);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_killed_before_send, s_teardown),
        cmocka_unit_test_teardown(test_killed_after_send_resend, s_teardown),
        cmocka_unit_test_teardown(test_killed_after_send_assume, s_teardown),
        cmocka_unit_test_teardown(test_killed_before_reminders_commit, s_teardown),
        cmocka_unit_test_teardown(test_random_kills_under_load, s_teardown),
    };
    if (getenv("NOTIFY_TEST_FILTER"))
        cmocka_set_test_filter(getenv("NOTIFY_TEST_FILTER"));
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    nw_destroy(&W);
    return rc;
}

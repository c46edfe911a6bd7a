/* test_welfare_benefit: benefit application cases (000 §4) end to end with the real fc-welfare
 * and fc-notify on the test clock: an infected frontline worker's incident opens the
 * work-injury filing (once, however often the event comes), its reminder and escalation fire
 * once each as the clock moves, a step completed cancels what was scheduled for it, granting
 * pays exactly once (a retried message id, a second grant); aid-team insurance claims; deaths
 * on duty; and bad input (steps out of order, deadlines in the past, unknown cases and people,
 * grants without an amount, scope) refused naming the field and changing nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "welfare_benefit.h"
#include "welfare_test.h"
#include "fc/v1/notify.pb-c.h"
#include "fc/v1/report.pb-c.h"
#include "fc_clock.h"
#include "fc_endpoints.h"
#include "fc_harness.h"
#include "fc_id.h"
#include "fc_mem.h"
#include "fc_rpc.h"

#include <jansson.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define assert_rc(expr, want, err)                                                                 \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_ != (want))                                                                         \
            print_error("%s: got %s, want %s: %s: %s\n", #expr, fc_err_name(rc_),                  \
                        fc_err_name(want), (err)->field, (err)->message);                          \
        assert_int_equal(rc_, (want));                                                             \
    } while (0)

static wt_t *g;
static pid_t g_welfare, g_notify;
static char *g_notify_env[8];

/* Copies the repo's policy file of a service beside the test's welfare.json. */
static void s_copy_policy(const char *service)
{
    char *src = NULL, path[400];
    snprintf(path, sizeof path, "%s/infra/policy/%s.json", FC_SOURCE_DIR, service);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fc_buf_t b;
    fc_buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fc_buf_append(&b, chunk, n);
    fclose(f);
    fc_buf_append(&b, "", 1);
    src = b.data;
    snprintf(path, sizeof path, "%s/%s.json", g->dir, service);
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs(src, f);
    fclose(f);
    fc_buf_fini(&b);
}

/* fc-notify with the same clock and a policy dir holding notify.json beside welfare.json. */
static pid_t s_start_notify(void)
{
    s_copy_policy("notify");
    int i = 0;
    g_notify_env[i++] = fc_xstrdup(g->clock_env);
    g_notify_env[i++] = fc_xstrdup(g->policy_env);
    g_notify_env[i++] = fc_xstrdup("NOTIFY_TEMPLATES_DIR=" FC_SOURCE_DIR "/infra/templates/notify");
    g_notify_env[i++] = fc_xstrdup("NOTIFY_SWEEP_MS=200");
    g_notify_env[i++] = fc_xstrdup("NOTIFY_IDLE_MS=10");
    g_notify_env[i++] = fc_xstrdup("NOTIFY_WORKERS=1");
    g_notify_env[i++] = fc_xstrdup("FC_CLAIM_IDLE_MS=500");
    g_notify_env[i] = NULL;
    return fc_h_up("notify", (const char *const *)g_notify_env);
}

static int s_notify_call(const char *type, const ProtobufCMessage *req,
                         const ProtobufCMessageDescriptor *desc)
{
    fc_rpc_client_opts_t o = {.actor_id = "test",
                              .actor_role = "service",
                              .org_scope = "",
                              .timeout_ms = fc_h_ms(3000),
                              .retries = 3};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("notify"), &o);
    assert_non_null(c);
    fc_err_t err;
    ProtobufCMessage *reply = NULL;
    int rc = fc_rpc_call(c, type, req, desc, &reply, NULL, &err);
    if (reply)
        protobuf_c_message_free_unpacked(reply, NULL);
    fc_rpc_client_destroy(&c);
    return rc;
}

static int s_setup(void **state)
{
    (void)state;
    g = wt_new("test_welfare_benefit");
    g_welfare = wt_start(g, NULL);
    g_notify = s_start_notify();
    wt_tree(g);
    /* notify's recipients: L1 is the secretary of B1; S1's department reads its inbox */
    fc_h_wait_scalar("SELECT count(*) FROM notify.person", 7, fc_h_ms(10000));
    Fc__V1__SecretarySetRequest sec = FC__V1__SECRETARY_SET_REQUEST__INIT;
    sec.org_code = "B1";
    sec.employee_no = "L1";
    assert_int_equal(
        s_notify_call("notify.secretary_set", &sec.base, &fc__v1__secretary_set_reply__descriptor),
        FC_OK);
    Fc__V1__DeskSetRequest desk = FC__V1__DESK_SET_REQUEST__INIT;
    char *ch[] = {"inbox"};
    desk.org_code = "S1";
    desk.name = "第一子公司党委组织部";
    desk.channels = ch;
    desk.n_channels = 1;
    assert_int_equal(
        s_notify_call("notify.desk_set", &desk.base, &fc__v1__desk_set_reply__descriptor), FC_OK);
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    assert_int_equal(fc_h_stop(g_notify, SIGTERM, fc_h_ms(10000)), 0);
    assert_int_equal(fc_h_stop(g_welfare, SIGTERM, fc_h_ms(10000)), 0);
    for (int i = 0; g_notify_env[i]; i++) {
        free(g_notify_env[i]);
        g_notify_env[i] = NULL;
    }
    wt_assert_invariants(g);
    wt_destroy(&g);
    return 0;
}

/* ---- calls -------------------------------------------------------------------------------- */

static int s_open(const char *actor, const char *role, const char *scope, const char *kind,
                  const char *emp, int64_t incident, const char *handler, int64_t deadline,
                  Fc__V1__BenefitReply **out, fc_err_t *err)
{
    Fc__V1__BenefitOpenRequest r = FC__V1__BENEFIT_OPEN_REQUEST__INIT;
    r.kind = (char *)kind;
    r.employee_no = (char *)emp;
    r.incident_id = incident;
    r.handler = (char *)(handler ? handler : "");
    r.deadline_us = deadline;
    return wt_call(actor, role, scope, "welfare.benefit_open", &r.base,
                   &fc__v1__benefit_reply__descriptor, (ProtobufCMessage **)out, err);
}

static int s_step(int64_t id, const char *step, const char *handler, int64_t deadline,
                  fc_err_t *err)
{
    Fc__V1__BenefitStepRequest r = FC__V1__BENEFIT_STEP_REQUEST__INIT;
    r.case_id = id;
    r.step = (char *)step;
    r.handler = (char *)(handler ? handler : "");
    r.deadline_us = deadline;
    r.note = "已办结";
    return wt_call("H1", "org_admin", "S1", "welfare.benefit_step", &r.base,
                   &fc__v1__benefit_reply__descriptor, NULL, err);
}

static int s_doc(int64_t id, const char *step, const char *name, const char *ref, fc_err_t *err)
{
    Fc__V1__BenefitDocRequest r = FC__V1__BENEFIT_DOC_REQUEST__INIT;
    r.case_id = id;
    r.step = (char *)(step ? step : "");
    r.name = (char *)name;
    r.reference = (char *)(ref ? ref : "");
    return wt_call("H1", "org_admin", "S1", "welfare.benefit_doc", &r.base,
                   &fc__v1__benefit_reply__descriptor, NULL, err);
}

static int s_decide(const char *type, int64_t id, int64_t fen, const char *note,
                    Fc__V1__BenefitReply **out, fc_err_t *err)
{
    Fc__V1__BenefitDecisionRequest r = FC__V1__BENEFIT_DECISION_REQUEST__INIT;
    r.case_id = id;
    r.amount_fen = fen;
    r.note = (char *)(note ? note : "");
    return wt_call("H1", "org_admin", "S1", type, &r.base, &fc__v1__benefit_reply__descriptor,
                   (ProtobufCMessage **)out, err);
}

static long long s_cases(const char *where)
{
    return wt_q("SELECT count(*) FROM welfare.benefit_case WHERE %s", where);
}

static long long s_case_id(const char *emp, const char *kind)
{
    return wt_q("SELECT COALESCE(max(id), 0) FROM welfare.benefit_case WHERE employee_no = '%s'"
                " AND kind = '%s'",
                emp, kind);
}

/* The state of a reminder of notify ("" → -1 if there is none): 0 scheduled, 1 sent,
 * 2 cancelled, 3 failed. */
static long long s_reminder(const char *kind, long long id, const char *period)
{
    return wt_q("SELECT COALESCE((SELECT CASE state WHEN 'scheduled' THEN 0 WHEN 'sent' THEN 1"
                " WHEN 'cancelled' THEN 2 ELSE 3 END FROM notify.reminder WHERE kind = '%s'"
                " AND subject = 'benefit:%lld' AND period = '%s'), -1)",
                kind, id, period);
}

static long long s_wait_reminder(const char *kind, long long id, const char *period, long long want)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT COALESCE((SELECT CASE state WHEN 'scheduled' THEN 0 WHEN 'sent' THEN 1"
             " WHEN 'cancelled' THEN 2 ELSE 3 END FROM notify.reminder WHERE kind = '%s'"
             " AND subject = 'benefit:%lld' AND period = '%s'), -1)",
             kind, id, period);
    return fc_h_wait_scalar(sql, want, fc_h_ms(15000));
}

/* Messages of a reminder to a recipient, in the inbox. */
static long long s_inbox(const char *kind, long long id, const char *period, const char *to)
{
    return wt_q("SELECT count(*) FROM notify.inbox_item i JOIN notify.message m USING (message_id)"
                " JOIN notify.reminder r USING (reminder_id) WHERE r.kind = '%s'"
                " AND r.subject = 'benefit:%lld' AND r.period = '%s' AND i.recipient = '%s'",
                kind, id, period, to);
}

static long long s_wait_inbox(const char *kind, long long id, const char *period, const char *to,
                              long long want)
{
    char sql[600];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM notify.inbox_item i JOIN notify.message m USING (message_id)"
             " JOIN notify.reminder r USING (reminder_id) WHERE r.kind = '%s'"
             " AND r.subject = 'benefit:%lld' AND r.period = '%s' AND i.recipient = '%s'",
             kind, id, period, to);
    return fc_h_wait_scalar(sql, want, fc_h_ms(15000));
}

/* Moves the clock and lets notify's worker pass over what came due. */
static void s_clock(int64_t us)
{
    wt_clock(g, us);
    fc_h_sleep_ms(fc_h_ms(600));
}

/* ---- the policy ----------------------------------------------------------------------------- */

static int s_parse(const char *text, welfare_benefit_policy_t *p, fc_err_t *err)
{
    json_error_t je;
    json_t *doc = json_loads(text, 0, &je);
    assert_non_null(doc);
    fc_err_clear(err);
    int rc = welfare_benefit_policy_parse(doc, p, err);
    json_decref(doc);
    return rc;
}

static void test_policy(void **state)
{
    (void)state;
    welfare_benefit_policy_t p;
    fc_err_t err;
    /* the repo's file */
    assert_int_equal(welfare_benefit_policy_load(FC_SOURCE_DIR "/infra/policy", &p, &err), FC_OK);
    const welfare_benefit_kind_policy_t *w = &p.kinds[WELFARE_BENEFIT_WORK_INJURY];
    assert_int_equal(w->nsteps, 5);
    assert_string_equal(w->steps[0].name, "collect");
    assert_int_equal(w->steps[0].days, 7);
    assert_string_equal(w->steps[4].name, "conclude");
    assert_int_equal(w->payout_kind, WELFARE_KIND_CONDOLENCE);
    assert_true(w->open_on[WELFARE_INCIDENT_INFECTED] && w->on_duty_only);
    assert_false(p.kinds[WELFARE_BENEFIT_DISABILITY].open_on[WELFARE_INCIDENT_INJURED]);
    assert_int_equal(p.kinds[WELFARE_BENEFIT_ACCIDENT_INSURANCE].payout_kind,
                     WELFARE_KIND_INSURANCE_CLAIM);
    assert_true(p.kinds[WELFARE_BENEFIT_ILLNESS_INSURANCE].aid_team_only);
    /* defaults without the section */
    assert_int_equal(s_parse("{}", &p, &err), FC_OK);
    assert_int_equal(p.kinds[WELFARE_BENEFIT_MARTYR].nsteps, 5);
    /* every bad value names its path */
    static const struct {
        const char *json, *field;
    } bad[] = {
        {"{\"benefit\": []}", "benefit"},
        {"{\"benefit\": {\"x\": 1}}", "benefit"},
        {"{\"benefit\": {\"kinds\": {\"pension\": {}}}}", "benefit.kinds"},
        {"{\"benefit\": {\"kinds\": {\"martyr\": {\"steps\": []}}}}", "benefit.kinds.martyr.steps"},
        {"{\"benefit\": {\"kinds\": {\"martyr\": {\"steps\": [{\"name\": \"a\", \"label\": \"甲\","
         " \"days\": 0}]}}}}",
         "benefit.kinds.martyr.steps[0]"},
        {"{\"benefit\": {\"kinds\": {\"martyr\": {\"steps\": [{\"name\": \"A b\", \"label\": "
         "\"甲\", \"days\": 3}]}}}}",
         "benefit.kinds.martyr.steps[0]"},
        {"{\"benefit\": {\"kinds\": {\"martyr\": {\"steps\": [{\"name\": \"a\", \"label\": \"甲\","
         " \"days\": 3}, {\"name\": \"a\", \"label\": \"乙\", \"days\": 3}]}}}}",
         "benefit.kinds.martyr.steps[1]"},
        {"{\"benefit\": {\"kinds\": {\"martyr\": {\"payout_kind\": \"frontline_subsidy\"}}}}",
         "benefit.kinds.martyr.payout_kind"},
        {"{\"benefit\": {\"kinds\": {\"martyr\": {\"open_on\": [\"sneezed\"]}}}}",
         "benefit.kinds.martyr.open_on"},
        {"{\"benefit\": {\"kinds\": {\"martyr\": {\"on_duty_only\": 1}}}}", "benefit.kinds.martyr"},
        {"{\"benefit\": {\"kinds\": {\"martyr\": {\"deadline\": 1}}}}", "benefit.kinds.martyr"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = s_parse(bad[i].json, &p, &err);
        if (rc != FC_EINVAL || strcmp(err.field, bad[i].field) != 0)
            print_error("policy %zu: got %s field \"%s\" (%s)\n", i, fc_err_name(rc), err.field,
                        err.message);
        assert_int_equal(rc, FC_EINVAL);
        assert_string_equal(err.field, bad[i].field);
    }
}

/* ---- the work-injury filing, end to end ------------------------------------------------------ */

static void test_work_injury_filing(void **state)
{
    (void)state;
    fc_err_t err;
    int64_t t0 = g->now_us;
    wt_topup("G", "special_party_fee", 10000000);
    wt_allocate("G", "S1", "special_party_fee", 5000000);

    /* E1 infected on frontline duty: the filing opens at once, handled by S1's department */
    wt_incident(g, 101, "E1", "B1", "infected", 1, t0);
    /* infected off duty, or injured on duty: no work-injury filing */
    wt_incident(g, 102, "E2", "B1", "infected", 0, t0);
    wt_incident(g, 103, "L1", "B1", "injured", 1, t0);
    wt_wait_events(g);
    assert_int_equal(s_cases("true"), 1);
    long long id = s_case_id("E1", "work_injury");
    assert_true(id > 0);
    assert_int_equal(s_cases("kind = 'work_injury' AND incident_id = 101 AND state = 'open'"
                             " AND step = 'collect' AND handler = 'desk:S1' AND payer_org = 'S1'"
                             " AND source = 'incident'"),
                     1);
    assert_int_equal(wt_q("SELECT step_deadline_us FROM welfare.benefit_case WHERE id = %lld", id),
                     t0 + 7 * WT_DAY);
    assert_int_equal(wt_welfare_events(g, "welfare.benefit_case_opened", 1), 1);

    /* redelivered: every event again under its old id, and the incident under a new one */
    fc_err_t e2;
    assert_int_equal(fc_pg_cmd(g->src, "UPDATE outbox SET published_at = NULL", 0, NULL, NULL, &e2),
                     FC_OK);
    wt_incident(g, 101, "E1", "B1", "infected", 1, t0);
    wt_wait_events(g);
    assert_int_equal(s_cases("true"), 1);
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.benefit_step"), 1);
    fc_h_sleep_ms(fc_h_ms(300));
    assert_int_equal(wt_welfare_events(g, "welfare.benefit_case_opened", -1), 1);

    /* notify: a task for the step, a reminder 3 days before the deadline, an escalation at it */
    assert_int_equal(s_wait_reminder("benefit_step_due", id, "0:collect", 0), 0);
    assert_int_equal(s_wait_reminder("benefit_step_overdue", id, "0:collect", 0), 0);
    assert_int_equal(wt_q("SELECT due_us FROM notify.reminder WHERE kind = 'benefit_step_due'"
                          " AND subject = 'benefit:%lld'",
                          id),
                     t0 + 4 * WT_DAY);
    assert_int_equal(
        wt_q("SELECT count(*) FROM notify.task WHERE kind = 'benefit_step'"
             " AND subject = 'benefit:%lld' AND period = '0:collect' AND state = 'open'"
             " AND due_us = %lld",
             id, (long long)(t0 + 7 * WT_DAY)),
        1);
    /* nothing before its time */
    s_clock(t0 + 3 * WT_DAY);
    assert_int_equal(s_reminder("benefit_step_due", id, "0:collect"), 0);
    /* the reminder: the handler (S1's department) and the branch secretary, once */
    s_clock(t0 + 4 * WT_DAY + WT_HOUR);
    assert_int_equal(s_wait_reminder("benefit_step_due", id, "0:collect", 1), 1);
    assert_int_equal(s_wait_inbox("benefit_step_due", id, "0:collect", "L1", 1), 1);
    assert_int_equal(s_wait_inbox("benefit_step_due", id, "0:collect", "@S1", 1), 1);
    assert_int_equal(s_reminder("benefit_step_overdue", id, "0:collect"), 0);
    char *title = NULL;
    {
        PGresult *r = PQexec(fc_h_db(), "SELECT m.body FROM notify.message m JOIN notify.reminder"
                                        " r USING (reminder_id) WHERE r.kind = 'benefit_step_due'"
                                        " AND m.recipient = 'L1'");
        assert_int_equal(PQntuples(r), 1);
        title = fc_xstrdup(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    assert_non_null(strstr(title, "工伤申报"));
    assert_non_null(strstr(title, "申报材料收集"));
    free(title);
    /* the escalation after the deadline, once, to the subsidiary's department */
    s_clock(t0 + 7 * WT_DAY + WT_HOUR);
    assert_int_equal(s_wait_reminder("benefit_step_overdue", id, "0:collect", 1), 1);
    assert_int_equal(s_wait_inbox("benefit_step_overdue", id, "0:collect", "@S1", 1), 1);
    s_clock(t0 + 8 * WT_DAY);
    assert_int_equal(s_inbox("benefit_step_due", id, "0:collect", "L1"), 1);
    assert_int_equal(s_inbox("benefit_step_overdue", id, "0:collect", "@S1"), 1);
    assert_int_equal(
        wt_q("SELECT count(*) FROM notify.reminder WHERE subject = 'benefit:%lld'", id), 2);

    /* bad steps change nothing */
    int64_t now = g->now_us;
    assert_rc(s_step(id, "determine", NULL, 0, &err), FC_ECONFLICT, &err);
    assert_string_equal(err.field, "step");
    assert_rc(s_step(id, "collect", NULL, 0, &err), FC_ECONFLICT, &err);
    assert_string_equal(err.field, "step");
    assert_rc(s_step(id, "approve", NULL, 0, &err), FC_EINVAL, &err);
    assert_string_equal(err.field, "step");
    assert_rc(s_step(id, "submit", NULL, now - WT_HOUR, &err), FC_EINVAL, &err);
    assert_string_equal(err.field, "deadline_us");
    assert_rc(s_step(id, "submit", "NOBODY", 0, &err), FC_ENOTFOUND, &err);
    assert_string_equal(err.field, "handler");
    assert_rc(s_step(9999, "submit", NULL, 0, &err), FC_ENOTFOUND, &err);
    assert_string_equal(err.field, "case_id");
    assert_rc(s_doc(id, "accept", "受理通知书", NULL, &err), FC_ECONFLICT, &err);
    assert_string_equal(err.field, "step");
    assert_rc(s_doc(id, NULL, "", NULL, &err), FC_EINVAL, &err);
    assert_string_equal(err.field, "name");
    assert_rc(s_decide("welfare.benefit_grant", id, 100000, NULL, NULL, &err), FC_ECONFLICT, &err);
    assert_string_equal(err.field, "step");
    assert_int_equal(s_cases("step = 'collect'"), 1);
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.benefit_doc"), 0);

    /* documents, then the next step with a named handler: the old step's task is done */
    assert_rc(s_doc(id, NULL, "工伤认定申请表", "GS-2026-001", &err), FC_OK, &err);
    assert_rc(s_doc(id, NULL, "新冠肺炎确诊诊断证明", "ZD-88", &err), FC_OK, &err);
    assert_rc(s_step(id, "submit", "E2", 0, &err), FC_OK, &err);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.task WHERE kind ="
                                      " 'benefit_step' AND period = '0:collect' AND state = 'done'",
                                      1, fc_h_ms(10000)),
                     1);
    assert_int_equal(s_wait_reminder("benefit_step_due", id, "1:submit", 0), 0);
    assert_int_equal(wt_q("SELECT count(*) FROM notify.reminder WHERE period = '1:submit' AND"
                          " kind = 'benefit_step_due' AND 'emp:E2' = ANY (recipients)"),
                     1);
    /* moved on before its reminder: what was scheduled for the step is cancelled */
    assert_rc(s_step(id, "accept", NULL, 0, &err), FC_OK, &err);
    assert_int_equal(s_wait_reminder("benefit_step_due", id, "1:submit", 2), 2);
    assert_int_equal(s_wait_reminder("benefit_step_overdue", id, "1:submit", 2), 2);
    assert_rc(s_doc(id, "submit", "申报回执", "HZ-1", &err), FC_OK, &err); /* late paper */
    assert_rc(s_step(id, "determine", NULL, g->now_us + 30 * WT_DAY, &err), FC_OK, &err);
    assert_int_equal(wt_q("SELECT step_deadline_us FROM welfare.benefit_case WHERE id = %lld", id),
                     g->now_us + 30 * WT_DAY);
    assert_rc(s_step(id, "conclude", NULL, 0, &err), FC_OK, &err);
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.benefit_step WHERE case_id = %lld"
                          " AND completed_at_us > 0",
                          id),
                     4);
    assert_int_equal(wt_welfare_events(g, "welfare.benefit_step_changed", 4), 4);

    /* grant: no amount, then an amount, retried with the same message id */
    assert_rc(s_decide("welfare.benefit_grant", id, 0, NULL, NULL, &err), FC_EINVAL, &err);
    assert_string_equal(err.field, "amount_fen");
    assert_rc(s_decide("welfare.benefit_grant", id, -5, NULL, NULL, &err), FC_EINVAL, &err);
    assert_string_equal(err.field, "amount_fen");
    assert_rc(s_decide("welfare.benefit_grant", id, 99999999999, NULL, NULL, &err), FC_EINVAL,
              &err);
    assert_string_equal(err.field, "amount_fen");
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.disbursement WHERE source = 'benefit'"), 0);
    Fc__V1__BenefitDecisionRequest gr = FC__V1__BENEFIT_DECISION_REQUEST__INIT;
    gr.case_id = id;
    gr.amount_fen = 500000;
    gr.note = "认定为工伤，兑现待遇";
    fc_rpc_client_opts_t o = {.actor_id = "H1",
                              .actor_role = "org_admin",
                              .org_scope = "S1",
                              .timeout_ms = fc_h_ms(3000),
                              .retries = 2};
    fc_rpc_client_t *cl = fc_rpc_client_new(NULL, fc_endpoint_of("welfare"), &o);
    assert_non_null(cl);
    char mid[FC_ID_LEN + 1];
    fc_id_new(mid);
    Fc__V1__BenefitReply *r1 = NULL, *r2 = NULL;
    assert_rc(fc_rpc_call(cl, "welfare.benefit_grant", &gr.base, &fc__v1__benefit_reply__descriptor,
                          (ProtobufCMessage **)&r1, mid, &err),
              FC_OK, &err);
    assert_rc(fc_rpc_call(cl, "welfare.benefit_grant", &gr.base, &fc__v1__benefit_reply__descriptor,
                          (ProtobufCMessage **)&r2, mid, &err),
              FC_OK, &err);
    fc_rpc_client_destroy(&cl);
    assert_non_null(r1->disbursement);
    assert_int_equal(r1->disbursement->id, r2->disbursement->id);
    assert_string_equal(r1->benefit->state, "granted");
    assert_string_equal(r1->disbursement->kind, "condolence");
    assert_string_equal(r1->disbursement->state, "pending"); /* over the auto-approval limit */
    int64_t disb = r1->disbursement->id;
    char key[64];
    snprintf(key, sizeof key, "auto:benefit:%lld", id);
    assert_string_equal(r1->disbursement->idempotency_key, key);
    wt_free(r1);
    wt_free(r2);
    /* granted twice: refused, still one payment */
    assert_rc(s_decide("welfare.benefit_grant", id, 500000, NULL, NULL, &err), FC_ECONFLICT, &err);
    assert_string_equal(err.field, "case_id");
    assert_rc(s_decide("welfare.benefit_refuse", id, 0, "反悔", NULL, &err), FC_ECONFLICT, &err);
    assert_rc(s_step(id, "conclude", NULL, 0, &err), FC_ECONFLICT, &err);
    assert_string_equal(err.field, "case_id");
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.disbursement WHERE source = 'benefit'"
                          " AND source_ref = 'benefit:%lld'",
                          id),
                     1);
    /* the granter cannot approve the payment themselves; another administrator does */
    assert_rc(wt_decide("welfare.pay_approve", "H1", "org_admin", "S1", disb, "同意", NULL, &err),
              FC_EDENIED, &err);
    long long paid_before = wt_balance("payout", "S1", "special_party_fee");
    assert_rc(wt_decide("welfare.pay_approve", "H2", "org_admin", "S1", disb, "同意", NULL, &err),
              FC_OK, &err);
    assert_int_equal(wt_balance("payout", "S1", "special_party_fee"), paid_before + 500000);
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.transfer WHERE disbursement_id = %lld"
                          " AND kind = 'post'",
                          (long long)disb),
                     1);
    /* the case closed: the last step's task is done, the person is told of the payment */
    assert_int_equal(
        fc_h_wait_scalar("SELECT count(*) FROM notify.task WHERE kind ="
                         " 'benefit_step' AND period = '4:conclude' AND state = 'done'",
                         1, fc_h_ms(10000)),
        1);
    assert_int_equal(wt_welfare_events(g, "welfare.benefit_case_closed", 1), 1);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.reminder WHERE kind ="
                                      " 'payment_paid' AND employee_no = 'E1'",
                                      1, fc_h_ms(10000)),
                     1);

    /* fcctl shows the case with its steps and documents */
    char *out = NULL;
    assert_int_equal(fc_h_fcctl(&out, "benefit show %lld", id), 0);
    assert_non_null(strstr(out, "工伤申报"));
    assert_non_null(strstr(out, "GS-2026-001"));
    assert_non_null(strstr(out, "已批准"));
    free(out);
    out = NULL;
    assert_int_equal(fc_h_fcctl(&out, "benefit list --state granted"), 0);
    assert_non_null(strstr(out, "共 1 件"));
    free(out);
}

/* ---- the weekly report's benefit section ---------------------------------------------------- */

/* The by-unit row of the benefits section for unit ("" = the total) of the week of WT_T0, as
 * built now by fc-report: opened, closed, granted, refused, granted_fen, open_at_end,
 * overdue_at_end into v[7]. */
static void s_report_row(const char *unit, long long v[7])
{
    fc_rpc_client_opts_t o = {.timeout_ms = fc_h_ms(30000), .retries = 0};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("report"), &o);
    assert_non_null(c);
    fc_err_t err;
    Fc__V1__ReportGenerateRequest req = FC__V1__REPORT_GENERATE_REQUEST__INIT;
    req.iso_week = "2026-W47";
    req.org_code = "G";
    Fc__V1__ReportGenerateReply *gen = NULL;
    assert_rc(fc_rpc_call(c, "report.weekly_generate", &req.base,
                          &fc__v1__report_generate_reply__descriptor, (ProtobufCMessage **)&gen,
                          NULL, &err),
              FC_OK, &err);
    Fc__V1__ReportGetRequest get = FC__V1__REPORT_GET_REQUEST__INIT;
    get.report_id = gen->meta->report_id;
    Fc__V1__ReportGetReply *rep = NULL;
    assert_rc(fc_rpc_call(c, "report.weekly_get", &get.base, &fc__v1__report_get_reply__descriptor,
                          (ProtobufCMessage **)&rep, NULL, &err),
              FC_OK, &err);
    fc_rpc_client_destroy(&c);
    int found = 0;
    for (size_t i = 0; i < rep->report->n_sections; i++) {
        const Fc__V1__ReportSection *s = rep->report->sections[i];
        if (strcmp(s->key, "benefits") != 0)
            continue;
        assert_string_equal(s->status, "complete");
        assert_int_equal(s->n_tables, 1);
        const Fc__V1__ReportTable *tb = s->tables[0];
        assert_int_equal(tb->n_columns, 9);
        assert_string_equal(tb->columns[8]->key, "overdue_at_end");
        for (size_t r = 0; r < tb->n_rows; r++) {
            const Fc__V1__ReportRow *row = tb->rows[r];
            if (*unit ? strcmp(row->key, unit) != 0 : !row->total)
                continue;
            for (int k = 0; k < 7; k++)
                v[k] = row->cells[k + 2]->num;
            found = 1;
        }
    }
    wt_free(gen);
    wt_free(rep);
    assert_true(found);
}

/* ---- deaths, aid-team claims, disability ----------------------------------------------------- */

static void test_kinds(void **state)
{
    (void)state;
    fc_err_t err;
    int64_t t0 = g->now_us;
    s_copy_policy("report");
    const char *rep_env[] = {g->clock_env, g->policy_env, "FC_REPORT_SCHEDULE_ENABLED=0",
                             "FC_CLAIM_IDLE_MS=500", NULL};
    pid_t report = fc_h_up("report", rep_env);
    /* an aid-team member injured (off duty too): the accident insurance claim only */
    wt_incident(g, 201, "A1", "B1", "injured", 0, t0);
    /* infected on duty: the work-injury filing and the critical-illness claim */
    wt_incident(g, 202, "A1", "B1", "infected", 1, t0);
    /* died on duty: death on duty and martyr evaluation; off duty: nothing */
    wt_incident(g, 203, "E4", "B3", "died", 1, t0);
    wt_incident(g, 204, "E3", "B2", "died", 0, t0);
    /* quarantined: nothing */
    wt_incident(g, 205, "E1", "B1", "quarantined", 1, t0);
    wt_wait_events(g);
    assert_int_equal(s_cases("employee_no = 'A1' AND kind = 'accident_insurance'"
                             " AND incident_id = 201"),
                     1);
    assert_int_equal(s_cases("employee_no = 'A1' AND incident_id = 202"), 2);
    assert_int_equal(s_cases("employee_no = 'A1' AND kind = 'illness_insurance'"), 1);
    assert_int_equal(s_cases("employee_no = 'E4' AND kind IN ('death_on_duty', 'martyr')"
                             " AND payer_org = 'S2' AND handler = 'desk:S2'"),
                     2);
    assert_int_equal(s_cases("true"), 5);
    assert_int_equal(wt_q("SELECT step_deadline_us FROM welfare.benefit_case WHERE employee_no ="
                          " 'E4' AND kind = 'death_on_duty'"),
                     t0 + 5 * WT_DAY);

    /* the insurance claim to its end: paid from the epidemic subsidy as an insurance claim */
    wt_topup("G", "epidemic_subsidy", 10000000);
    wt_allocate("G", "S1", "epidemic_subsidy", 5000000);
    long long id = s_case_id("A1", "accident_insurance");
    assert_rc(s_doc(id, NULL, "意外伤害保险单", "PA-778", &err), FC_OK, &err);
    static const char *steps[] = {"submit", "accept", "assess", "conclude"};
    for (int i = 0; i < 4; i++)
        assert_rc(s_step(id, steps[i], NULL, 0, &err), FC_OK, &err);
    Fc__V1__BenefitReply *r = NULL;
    assert_rc(s_decide("welfare.benefit_grant", id, 2000000, "保险公司核定赔付", &r, &err), FC_OK,
              &err);
    assert_string_equal(r->disbursement->kind, "insurance_claim");
    assert_string_equal(r->disbursement->fund, "epidemic_subsidy");
    assert_string_equal(r->disbursement->state, "pending");
    assert_string_equal(r->benefit->payout_kind, "insurance_claim");
    wt_free(r);
    assert_int_equal(wt_balance("hold", "S1", "epidemic_subsidy"), 2000000);

    /* refusing needs a reason, works at any step, and closes the case */
    long long martyr = s_case_id("E4", "martyr");
    Fc__V1__BenefitDecisionRequest rf = FC__V1__BENEFIT_DECISION_REQUEST__INIT;
    rf.case_id = martyr;
    assert_rc(wt_call("H3", "org_admin", "S2", "welfare.benefit_refuse", &rf.base,
                      &fc__v1__benefit_reply__descriptor, NULL, &err),
              FC_EINVAL, &err);
    assert_string_equal(err.field, "note");
    rf.note = "不符合烈士评定条件";
    /* S1's administrator cannot decide S2's case */
    assert_rc(wt_call("H1", "org_admin", "S1", "welfare.benefit_refuse", &rf.base,
                      &fc__v1__benefit_reply__descriptor, NULL, &err),
              FC_EDENIED, &err);
    assert_rc(wt_call("H3", "org_admin", "S2", "welfare.benefit_refuse", &rf.base,
                      &fc__v1__benefit_reply__descriptor, NULL, &err),
              FC_OK, &err);
    assert_int_equal(s_cases("kind = 'martyr' AND state = 'refused' AND closed_at_us > 0"), 1);
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.disbursement WHERE source = 'benefit'"), 1);

    /* disability: opened by command (it follows an assessment, not an incident) */
    Fc__V1__BenefitReply *o = NULL;
    assert_rc(s_open("H1", "org_admin", "S1", "disability", "E2", 0, "L1", 0, &o, &err), FC_OK,
              &err);
    assert_string_equal(o->benefit->kind, "disability");
    assert_string_equal(o->benefit->handler, "L1");
    assert_string_equal(o->benefit->step, "collect");
    assert_int_equal(o->benefit->step_count, 5);
    assert_string_equal(o->benefit->source, "manual");
    wt_free(o);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.reminder WHERE kind ="
                                      " 'benefit_step_due' AND employee_no = 'E2'"
                                      " AND 'emp:L1' = ANY (recipients)",
                                      1, fc_h_ms(10000)),
                     1);
    /* through fcctl as well */
    char *out = NULL;
    assert_int_equal(fc_h_fcctl(&out, "benefit open work_injury L1 --handler desk:S1"), 0);
    assert_non_null(strstr(out, "工伤申报"));
    free(out);
    out = NULL;
    assert_int_equal(fc_h_fcctl(&out, "benefit list --person A1"), 0);
    assert_non_null(strstr(out, "共 3 件"));
    free(out);
    assert_int_equal(fc_h_fcctl(NULL, "benefit step 99999 submit"), 1);

    /* the weekly report: cases opened, closed and overdue per subsidiary */
    fc_h_wait_scalar("SELECT count(*) FROM report.benefit_case", 7, fc_h_ms(15000));
    fc_h_wait_scalar("SELECT count(*) FROM report.benefit_case WHERE closed_us IS NOT NULL", 2,
                     fc_h_ms(15000));
    long long v[7];
    s_report_row("S1", v); /* A1: 3, E2 disability, L1 filing; A1's accident claim granted */
    long long s1[7] = {5, 1, 1, 0, 2000000, 4, 0};
    for (int k = 0; k < 7; k++)
        assert_int_equal(v[k], s1[k]);
    s_report_row("S2", v); /* E4: death on duty and martyr; the martyr case refused */
    long long s2[7] = {2, 1, 0, 1, 0, 1, 0};
    for (int k = 0; k < 7; k++)
        assert_int_equal(v[k], s2[k]);
    /* six days on: E4's death-on-duty case is past its 5-day first step */
    s_clock(t0 + 6 * WT_DAY);
    s_report_row("S2", v);
    assert_int_equal(v[6], 1);
    s_report_row("", v);
    assert_int_equal(v[0], 7);
    assert_int_equal(v[1], 2);
    assert_int_equal(v[6], 1);
    assert_int_equal(fc_h_stop(report, SIGTERM, fc_h_ms(10000)), 0);
}

/* ---- bad input ------------------------------------------------------------------------------ */

static void test_bad_input(void **state)
{
    (void)state;
    fc_err_t err;
    int64_t now = g->now_us;
    static const struct {
        const char *kind, *emp, *handler;
        int64_t incident, deadline;
        int code;
        const char *field;
    } bad[] = {
        {"pension", "E1", NULL, 0, 0, FC_EINVAL, "kind"},
        {"", "E1", NULL, 0, 0, FC_EINVAL, "kind"},
        {"work_injury", "NOBODY", NULL, 0, 0, FC_ENOTFOUND, "employee_no"},
        {"work_injury", "E 1", NULL, 0, 0, FC_EINVAL, "employee_no"},
        {"work_injury", "E1", "NOBODY", 0, 0, FC_ENOTFOUND, "handler"},
        {"work_injury", "E1", "desk:NOWHERE", 0, 0, FC_ENOTFOUND, "handler"},
        {"work_injury", "E1", NULL, 0, 1, FC_EINVAL, "deadline_us"},
        {"work_injury", "E1", NULL, -3, 0, FC_EINVAL, "incident_id"},
        {"accident_insurance", "E1", NULL, 0, 0, FC_EINVAL, "employee_no"}, /* not aid team */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t dl = bad[i].deadline ? now - WT_DAY : 0;
        int rc = s_open("H1", "org_admin", "S1", bad[i].kind, bad[i].emp, bad[i].incident,
                        bad[i].handler, dl, NULL, &err);
        if (rc != bad[i].code || strcmp(err.field, bad[i].field) != 0)
            print_error("open %zu: got %s field \"%s\" (%s)\n", i, fc_err_name(rc), err.field,
                        err.message);
        assert_int_equal(rc, bad[i].code);
        assert_string_equal(err.field, bad[i].field);
    }
    assert_int_equal(s_cases("true"), 0);
    /* scope and role */
    assert_rc(s_open("H3", "org_admin", "S2", "work_injury", "E1", 0, NULL, 0, NULL, &err),
              FC_EDENIED, &err);
    assert_rc(s_open("V1", "viewer", "S1", "work_injury", "E1", 0, NULL, 0, NULL, &err), FC_EDENIED,
              &err);
    assert_int_equal(s_cases("true"), 0);
    /* one open case of a kind per person, one case of a kind per incident */
    assert_rc(s_open("H1", "org_admin", "S1", "work_injury", "E1", 77, NULL, 0, NULL, &err), FC_OK,
              &err);
    assert_rc(s_open("H1", "org_admin", "S1", "work_injury", "E1", 0, NULL, 0, NULL, &err),
              FC_ECONFLICT, &err);
    assert_string_equal(err.field, "kind");
    assert_rc(s_open("H1", "org_admin", "S1", "work_injury", "E2", 77, NULL, 0, NULL, &err),
              FC_ECONFLICT, &err);
    assert_string_equal(err.field, "incident_id");
    /* the incident arriving later opens nothing more */
    wt_incident(g, 77, "E1", "B1", "infected", 1, now);
    wt_wait_events(g);
    assert_int_equal(s_cases("true"), 1);
    long long id = s_case_id("E1", "work_injury");
    /* unknown case, other scope, refusal with an amount, a document from the future */
    Fc__V1__BenefitShowRequest sh = FC__V1__BENEFIT_SHOW_REQUEST__INIT;
    sh.case_id = 424242;
    assert_rc(wt_call("H1", "org_admin", "S1", "welfare.benefit_show", &sh.base,
                      &fc__v1__benefit_reply__descriptor, NULL, &err),
              FC_ENOTFOUND, &err);
    assert_string_equal(err.field, "case_id");
    sh.case_id = 0;
    assert_rc(wt_call("H1", "org_admin", "S1", "welfare.benefit_show", &sh.base,
                      &fc__v1__benefit_reply__descriptor, NULL, &err),
              FC_EINVAL, &err);
    sh.case_id = id;
    assert_rc(wt_call("H3", "org_admin", "S2", "welfare.benefit_show", &sh.base,
                      &fc__v1__benefit_reply__descriptor, NULL, &err),
              FC_EDENIED, &err);
    assert_rc(s_decide("welfare.benefit_refuse", id, 100, "不符合", NULL, &err), FC_EINVAL, &err);
    assert_string_equal(err.field, "amount_fen");
    Fc__V1__BenefitDocRequest d = FC__V1__BENEFIT_DOC_REQUEST__INIT;
    d.case_id = id;
    d.name = "诊断证明";
    d.received_at_us = now + 2 * WT_DAY;
    assert_rc(wt_call("H1", "org_admin", "S1", "welfare.benefit_doc", &d.base,
                      &fc__v1__benefit_reply__descriptor, NULL, &err),
              FC_EINVAL, &err);
    assert_string_equal(err.field, "received_at_us");
    Fc__V1__BenefitListRequest l = FC__V1__BENEFIT_LIST_REQUEST__INIT;
    l.state = "closed";
    assert_rc(wt_call("H1", "org_admin", "S1", "welfare.benefit_list", &l.base,
                      &fc__v1__benefit_list_reply__descriptor, NULL, &err),
              FC_EINVAL, &err);
    assert_string_equal(err.field, "state");
    l.state = "";
    l.kind = "pension";
    assert_rc(wt_call("H1", "org_admin", "S1", "welfare.benefit_list", &l.base,
                      &fc__v1__benefit_list_reply__descriptor, NULL, &err),
              FC_EINVAL, &err);
    assert_string_equal(err.field, "kind");
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.benefit_doc"), 0);
    assert_int_equal(s_cases("state = 'open' AND step = 'collect'"), 1);
    /* overdue shows in the list once the deadline passes */
    Fc__V1__BenefitListReply *lr = NULL;
    l.kind = "";
    l.overdue_only = 1;
    assert_rc(wt_call("H1", "org_admin", "S1", "welfare.benefit_list", &l.base,
                      &fc__v1__benefit_list_reply__descriptor, (ProtobufCMessage **)&lr, &err),
              FC_OK, &err);
    assert_int_equal(lr->total, 0);
    wt_free(lr);
    lr = NULL;
    s_clock(now + 8 * WT_DAY);
    assert_rc(wt_call("H1", "org_admin", "S1", "welfare.benefit_list", &l.base,
                      &fc__v1__benefit_list_reply__descriptor, (ProtobufCMessage **)&lr, &err),
              FC_OK, &err);
    assert_int_equal(lr->total, 1);
    assert_true(lr->cases[0]->overdue);
    wt_free(lr);
}

/* ---- killed mid-way ----------------------------------------------------------------------- */

/* fc-welfare restarted with FC_FAULT armed at point ("" = clean). */
static void s_restart_welfare(const char *point)
{
    static char fault[128];
    assert_int_equal(fc_h_stop(g_welfare, SIGTERM, fc_h_ms(10000)), 0);
    snprintf(fault, sizeof fault, "FC_FAULT=%s", point);
    g_welfare = wt_start(g, *point ? (const char *[]){fault, NULL} : NULL);
}

static void s_expect_death(void)
{
    int status = fc_h_wait_exit(g_welfare, fc_h_ms(15000));
    assert_true(status != -1);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    g_welfare = wt_start(g, NULL);
}

static int s_grant_once(const char *id, int64_t case_id, Fc__V1__BenefitReply **out, fc_err_t *err)
{
    fc_rpc_client_opts_t o = {.actor_id = "H1",
                              .actor_role = "org_admin",
                              .org_scope = "S1",
                              .timeout_ms = fc_h_ms(1500),
                              .retries = 0};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("welfare"), &o);
    assert_non_null(c);
    Fc__V1__BenefitDecisionRequest r = FC__V1__BENEFIT_DECISION_REQUEST__INIT;
    r.case_id = case_id;
    r.amount_fen = 300000;
    int rc = fc_rpc_call(c, "welfare.benefit_grant", &r.base, &fc__v1__benefit_reply__descriptor,
                         (ProtobufCMessage **)out, id, err);
    fc_rpc_client_destroy(&c);
    return rc;
}

static void test_killed(void **state)
{
    (void)state;
    fc_err_t err;
    wt_topup("G", "special_party_fee", 10000000);
    wt_allocate("G", "S1", "special_party_fee", 5000000);
    /* killed after the incident's case committed, before the event was acknowledged: the
     * redelivery after the restart opens nothing more */
    s_restart_welfare("consumer.after_commit");
    wt_incident(g, 301, "E1", "B1", "infected", 1, g->now_us);
    s_expect_death();
    wt_wait_events(g);
    assert_int_equal(s_cases("incident_id = 301"), 1);
    assert_int_equal(wt_welfare_events(g, "welfare.benefit_case_opened", 1), 1);
    long long id = s_case_id("E1", "work_injury");
    static const char *steps[] = {"submit", "accept", "determine", "conclude"};
    for (int i = 0; i < 4; i++)
        assert_rc(s_step(id, steps[i], NULL, 0, &err), FC_OK, &err);
    /* killed after the grant committed, before its answer: the retry gets that answer */
    s_restart_welfare("outbox.after_commit");
    char mid[FC_ID_LEN + 1];
    fc_id_new(mid);
    Fc__V1__BenefitReply *r = NULL;
    assert_int_equal(s_grant_once(mid, id, &r, &err), FC_ETIMEOUT);
    s_expect_death();
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.disbursement WHERE source = 'benefit'"), 1);
    int rc = FC_ETIMEOUT;
    for (int i = 0; i < 40 && (rc == FC_ETIMEOUT || rc == FC_EUNAVAIL || rc == FC_EAGAIN); i++)
        rc = s_grant_once(mid, id, &r, &err);
    assert_rc(rc, FC_OK, &err);
    assert_string_equal(r->benefit->state, "granted");
    assert_int_equal(r->disbursement->amount_fen, 300000);
    wt_free(r);
    assert_rc(s_decide("welfare.benefit_grant", id, 300000, NULL, NULL, &err), FC_ECONFLICT, &err);
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.disbursement WHERE source = 'benefit'"), 1);
    assert_int_equal(wt_welfare_events(g, "welfare.benefit_case_closed", 1), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy),
        cmocka_unit_test_setup_teardown(test_work_injury_filing, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_kinds, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_killed, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

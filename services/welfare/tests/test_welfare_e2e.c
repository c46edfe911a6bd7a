/* test_welfare_e2e: the real fc-intake and fc-welfare together: organisation, people and posts
 * registered at intake reach welfare's projection through fc:events:intake; duty logged at
 * intake pays frontline subsidies (once a day, topped up for a class I post), an incident pays
 * its condolence, a death opens the family-care record and a hardship case asks for retained
 * Party fees — all through the events intake itself publishes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "welfare_test.h"
#include "fc/v1/intake.pb-c.h"
#include "fc_endpoints.h"
#include "fc_harness.h"
#include "fc_rpc.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static wt_t *g;
static pid_t g_intake, g_welfare;
static fc_rpc_client_t *g_intake_client;

static void s_intake(const char *type, const ProtobufCMessage *req,
                     const ProtobufCMessageDescriptor *reply_desc)
{
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    int rc = fc_rpc_call(g_intake_client, type, req, reply_desc, &reply, NULL, &err);
    if (rc != FC_OK)
        print_error("%s: %s: %s: %s\n", type, fc_err_name(rc), err.field, err.message);
    assert_int_equal(rc, FC_OK);
    wt_free(reply);
}

static void s_wait(long long want, const char *sql)
{
    long long got = fc_h_wait_scalar(sql, want, fc_h_ms(15000));
    if (got != want)
        print_error("%s: %lld, want %lld\n", sql, got, want);
    assert_int_equal(got, want);
}

static int s_setup(void **state)
{
    (void)state;
    g = wt_new("test_welfare_e2e");
    const char *env[] = {g->clock_env, NULL};
    g_intake = fc_h_up("intake", env);
    g_welfare = wt_start(g, NULL);
    fc_rpc_client_opts_t o = {.actor_id = "test",
                              .actor_role = "service",
                              .org_scope = "",
                              .timeout_ms = fc_h_ms(5000),
                              .retries = 2};
    g_intake_client = fc_rpc_client_new(NULL, fc_endpoint_of("intake"), &o);
    assert_non_null(g_intake_client);
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    fc_rpc_client_destroy(&g_intake_client);
    assert_int_equal(fc_h_stop(g_welfare, SIGTERM, fc_h_ms(10000)), 0);
    fc_h_stop(g_intake, SIGTERM, fc_h_ms(10000));
    wt_assert_invariants(g);
    wt_destroy(&g);
    return 0;
}

static void s_duty(const char *emp, const char *post, int64_t in_us, int64_t out_us)
{
    wt_clock(g, in_us);
    Fc__V1__DutyCheckin ci = FC__V1__DUTY_CHECKIN__INIT;
    ci.employee_no = (char *)emp;
    ci.post_code = (char *)post;
    Fc__V1__DutyCheckin *cis[] = {&ci};
    Fc__V1__DutyCheckinRequest in = FC__V1__DUTY_CHECKIN_REQUEST__INIT;
    in.checkins = cis;
    in.n_checkins = 1;
    s_intake("intake.duty_checkin", &in.base, &fc__v1__duty_checkin_reply__descriptor);
    wt_clock(g, out_us);
    Fc__V1__DutyCheckout co = FC__V1__DUTY_CHECKOUT__INIT;
    co.employee_no = (char *)emp;
    Fc__V1__DutyCheckout *cos[] = {&co};
    Fc__V1__DutyCheckoutRequest out = FC__V1__DUTY_CHECKOUT_REQUEST__INIT;
    out.checkouts = cos;
    out.n_checkouts = 1;
    s_intake("intake.duty_checkout", &out.base, &fc__v1__duty_checkout_reply__descriptor);
}

static void test_intake_to_welfare(void **state)
{
    (void)state;
    /* the organisation, people and posts, registered at intake */
    Fc__V1__OrgUnit u[3];
    const char *codes[][3] = {
        {"G", "", "group"}, {"S1", "G", "subsidiary"}, {"B1", "S1", "branch"}};
    Fc__V1__OrgUnit *up[3];
    for (int i = 0; i < 3; i++) {
        fc__v1__org_unit__init(&u[i]);
        u[i].org_code = (char *)codes[i][0];
        u[i].parent_code = (char *)codes[i][1];
        u[i].kind = (char *)codes[i][2];
        u[i].name = (char *)codes[i][0];
        up[i] = &u[i];
    }
    Fc__V1__OrgUpsertRequest ou = FC__V1__ORG_UPSERT_REQUEST__INIT;
    ou.units = up;
    ou.n_units = 3;
    s_intake("intake.org_upsert", &ou.base, &fc__v1__org_upsert_reply__descriptor);
    Fc__V1__Person p[3];
    Fc__V1__Person *pp[3];
    const char *emps[] = {"E3", "E1", "E2"};
    for (int i = 0; i < 3; i++) {
        fc__v1__person__init(&p[i]);
        p[i].employee_no = (char *)emps[i];
        p[i].name = (char *)emps[i];
        p[i].org_code = "B1";
        p[i].fit_for_frontline = 1;
        p[i].spouse_employee_no = (char *)(i == 2 ? "E3" : "");
        pp[i] = &p[i];
    }
    Fc__V1__PersonUpsertRequest pu = FC__V1__PERSON_UPSERT_REQUEST__INIT;
    pu.people = pp;
    pu.n_people = 3;
    s_intake("intake.person_upsert", &pu.base, &fc__v1__person_upsert_reply__descriptor);
    Fc__V1__Shift sh = FC__V1__SHIFT__INIT;
    sh.start_min = 8 * 60;
    sh.end_min = 20 * 60;
    sh.headcount = 2;
    Fc__V1__Shift *shs[] = {&sh};
    Fc__V1__Post posts[2];
    Fc__V1__Post *pps[2];
    for (int i = 0; i < 2; i++) {
        fc__v1__post__init(&posts[i]);
        posts[i].post_code = (char *)(i ? "P2" : "P1");
        posts[i].org_code = "B1";
        posts[i].name = (char *)(i ? "厂区卡口" : "发热门诊");
        posts[i].kind = (char *)(i ? "checkpoint" : "fever_clinic");
        posts[i].risk_class = i ? 2 : 1;
        posts[i].shifts = shs;
        posts[i].n_shifts = 1;
        pps[i] = &posts[i];
    }
    Fc__V1__PostUpsertRequest po = FC__V1__POST_UPSERT_REQUEST__INIT;
    po.posts = pps;
    po.n_posts = 2;
    s_intake("intake.post_upsert", &po.base, &fc__v1__post_upsert_reply__descriptor);
    s_wait(3, "SELECT count(*) FROM welfare.org_unit");
    s_wait(1, "SELECT count(*) FROM welfare.person WHERE employee_no = 'E2'"
              " AND spouse_employee_no = 'E3'");

    wt_topup("S1", "epidemic_subsidy", 100000);
    wt_topup("S1", "special_party_fee", 500000);

    /* day 1: a class II shift, then a class I shift: 200 CNY, topped up once to 300 */
    int64_t t = WT_T0 + WT_HOUR; /* 09:00 Shanghai */
    s_duty("E1", "P2", t, t + 3 * WT_HOUR);
    s_wait(1, "SELECT count(*) FROM welfare.disbursement WHERE kind = 'frontline_subsidy'"
              " AND state = 'paid' AND amount = 20000");
    s_duty("E1", "P1", t + 4 * WT_HOUR, t + 6 * WT_HOUR);
    s_duty("E1", "P1", t + 7 * WT_HOUR, t + 8 * WT_HOUR);
    s_wait(30000, "SELECT sum(amount) FROM welfare.disbursement WHERE employee_no = 'E1'"
                  " AND kind = 'frontline_subsidy' AND state = 'paid'");
    /* day 2: class I: 300 CNY */
    s_duty("E1", "P1", t + WT_DAY, t + WT_DAY + 5 * WT_HOUR);
    s_wait(60000, "SELECT sum(amount) FROM welfare.disbursement WHERE employee_no = 'E1'"
                  " AND kind = 'frontline_subsidy' AND state = 'paid'");
    s_wait(3, "SELECT count(*) FROM welfare.disbursement WHERE employee_no = 'E1'"
              " AND kind = 'frontline_subsidy'");

    /* an injury on duty: its condolence; a death: the family-care record, the payment waits */
    wt_clock(g, t + WT_DAY + 6 * WT_HOUR);
    Fc__V1__IncidentRequest ir = FC__V1__INCIDENT_REQUEST__INIT;
    ir.employee_no = "E1";
    ir.kind = "injured";
    ir.on_duty = 1;
    ir.description = "搬运物资时扭伤";
    s_intake("intake.incident", &ir.base, &fc__v1__incident_reply__descriptor);
    ir.employee_no = "E2";
    ir.kind = "died";
    ir.description = "因公殉职";
    s_intake("intake.incident", &ir.base, &fc__v1__incident_reply__descriptor);
    s_wait(1, "SELECT count(*) FROM welfare.disbursement WHERE kind = 'condolence'"
              " AND employee_no = 'E1' AND state = 'paid' AND amount = 100000");
    s_wait(1, "SELECT count(*) FROM welfare.disbursement WHERE kind = 'condolence'"
              " AND employee_no = 'E2' AND state = 'awaiting_funds' AND amount = 2000000");
    s_wait(1, "SELECT count(*) FROM welfare.family_care WHERE employee_no = 'E2'"
              " AND contact_relation = '配偶'");

    /* a hardship case asking for 500 CNY: from retained Party fees, which S1 does not have yet */
    Fc__V1__HardshipCase hc = FC__V1__HARDSHIP_CASE__INIT;
    hc.employee_no = "E3";
    hc.category = "illness";
    hc.description = "配偶去世后生活困难";
    hc.liaison_employee_no = "E1";
    hc.requested_fen = 50000;
    Fc__V1__HardshipOpenRequest ho = FC__V1__HARDSHIP_OPEN_REQUEST__INIT;
    ho.hardship = &hc;
    s_intake("intake.hardship_open", &ho.base, &fc__v1__hardship_open_reply__descriptor);
    s_wait(1, "SELECT count(*) FROM welfare.disbursement WHERE kind = 'hardship'"
              " AND employee_no = 'E3' AND state = 'awaiting_funds'"
              " AND fund = 'retained_party_fee'");
    wt_topup("S1", "retained_party_fee", 50000);
    s_wait(1, "SELECT count(*) FROM welfare.disbursement WHERE kind = 'hardship'"
              " AND state = 'pending'");
    /* nothing intake sent was refused */
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.inbox WHERE outcome = 'rejected'"), 0);
    wt_assert_invariants(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_intake_to_welfare, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_welfare_events: automatic requests from intake's events through a real fc-welfare: an
 * incident produces its condolence payment once (however often the event comes), a death
 * opens a family-care record whose visits fall due and are recorded, a month of duty produces
 * exactly the right frontline subsidies (one per person per local day, class I 300 / class II
 * 200 CNY, a class II day topped up once to class I), hardship cases ask for retained Party
 * fees, bad events are rejected without effect. The invariant checker runs after each. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "welfare_test.h"
#include "fc_clock.h"
#include "fc_harness.h"

#include <signal.h>
#include <stdio.h>
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
static pid_t g_pid;

static int s_setup(void **state)
{
    (void)state;
    g = wt_new("test_welfare_events");
    g_pid = wt_start(g, NULL);
    wt_tree(g);
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    assert_int_equal(fc_h_stop(g_pid, SIGTERM, fc_h_ms(10000)), 0);
    wt_assert_invariants(g);
    wt_destroy(&g);
    return 0;
}

/* Publishes every intake event again under its old id (as a relay after a Redis restart
 * would), then one new event; once that one is in, the repeats were handled before it. */
static void s_republish_all(void)
{
    fc_err_t err;
    assert_int_equal(
        fc_pg_cmd(g->src, "UPDATE outbox SET published_at = NULL", 0, NULL, NULL, &err), FC_OK);
    wt_org(g, "S9", "G", "subsidiary"); /* also runs the relay over the old rows */
    wt_wait_events(g);
}

static long long s_count(const char *where)
{
    return wt_q("SELECT count(*) FROM welfare.disbursement WHERE %s", where);
}

static void test_incidents_and_families(void **state)
{
    (void)state;
    fc_err_t err;
    int64_t t = g->now_us;
    wt_topup("G", "special_party_fee", 10000000);
    wt_allocate("G", "S1", "special_party_fee", 2100000);
    Fc__V1__FundsInflowRequest in = FC__V1__FUNDS_INFLOW_REQUEST__INIT;
    in.org_code = "S1";
    in.fund = "matching";
    in.amount_fen = 300000;
    in.kind = "match";
    assert_rc(wt_svc("welfare.funds_inflow", &in.base, &fc__v1__funds_transfer_reply__descriptor,
                     NULL, &err),
              FC_OK, &err);

    wt_incident(g, 1, "E1", "B1", "injured", 1, t);
    wt_incident(g, 1, "E1", "B1", "injured", 1, t);  /* intake sent it twice */
    wt_incident(g, 2, "E1", "B1", "fell_ill", 0, t); /* off duty: no automatic condolence */
    wt_incident(g, 3, "E2", "B1", "died", 1, t);
    wt_incident(g, 4, "E1", "ZZ", "injured", 1, t); /* a unit welfare never heard of */
    wt_incident(g, 5, "A1", "B1", "infected", 1, t);
    wt_incident(g, 6, "E4", "B3", "quarantined", 1, t);
    wt_wait_events(g);

    /* injured on duty: 1000 CNY, within the auto-approval limit: paid, once */
    assert_int_equal(s_count("idem_key = 'auto:incident:1:condolence' AND state = 'paid'"
                             " AND amount = 100000 AND payer_org = 'S1'"
                             " AND fund = 'special_party_fee' AND requested_by = 'intake'"
                             " AND approved_by = 'welfare:auto'"),
                     1);
    assert_int_equal(s_count("source_ref = 'incident:2'"), 0);
    /* died: 20000 CNY, over the limit: reserved, waiting for an approver */
    assert_int_equal(s_count("idem_key = 'auto:incident:3:condolence' AND state = 'pending'"
                             " AND amount = 2000000"),
                     1);
    assert_int_equal(s_count("source_ref = 'incident:4'"), 0);
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.inbox WHERE outcome = 'rejected'"), 1);
    /* the special fee is used up by then: the matching funds pay */
    assert_int_equal(s_count("source_ref = 'incident:5' AND fund = 'matching' AND state ="
                             " 'pending' AND amount = 200000"),
                     1);
    /* S2 has nothing: queued on its first fund */
    assert_int_equal(s_count("source_ref = 'incident:6' AND state = 'awaiting_funds'"
                             " AND payer_org = 'S2' AND fund = 'special_party_fee'"),
                     1);
    assert_int_equal(wt_balance("budget", "S1", "special_party_fee"), 0);

    /* every event published again with its old id, and incident 1 under a new one: no more */
    s_republish_all();
    wt_incident(g, 1, "E1", "B1", "injured", 1, t);
    wt_wait_events(g);
    assert_int_equal(s_count("kind = 'condolence'"), 4);
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.transfer WHERE kind = 'post'"), 1);

    /* the family of the deceased: the spouse as their contact, a visit due in 30 days */
    assert_int_equal(wt_welfare_events(g, "welfare.family_care_opened", 1), 1);
    Fc__V1__FamilyShowRequest fs = FC__V1__FAMILY_SHOW_REQUEST__INIT;
    fs.employee_no = "E2";
    ProtobufCMessage *m = NULL;
    assert_rc(wt_call("b1sec", "branch_secretary", "B1", "welfare.family_show", &fs.base,
                      &fc__v1__family_show_reply__descriptor, &m, &err),
              FC_OK, &err);
    const Fc__V1__FamilyCare *f = ((Fc__V1__FamilyShowReply *)m)->record;
    assert_string_equal(f->contact_relation, "配偶");
    assert_non_null(strstr(f->contact_name, "E3"));
    assert_string_equal(f->contact_phone, "13800000000");
    assert_string_equal(f->liaison_employee_no, "");
    assert_int_equal(f->visit_every_days, 30);
    assert_int_equal(f->next_due_us, t + 30 * WT_DAY);
    wt_free(m);

    /* the Party organisation's designated contact: a known person, by an administrator */
    Fc__V1__FamilyAssignRequest fa = FC__V1__FAMILY_ASSIGN_REQUEST__INIT;
    fa.employee_no = "E2";
    fa.liaison_employee_no = "NOBODY";
    assert_rc(wt_call("s1admin", "org_admin", "S1", "welfare.family_assign", &fa.base,
                      &fc__v1__family_show_reply__descriptor, NULL, &err),
              FC_ENOTFOUND, &err);
    assert_string_equal(err.field, "liaison_employee_no");
    fa.liaison_employee_no = "L1";
    assert_rc(wt_call("s2admin", "org_admin", "S2", "welfare.family_assign", &fa.base,
                      &fc__v1__family_show_reply__descriptor, NULL, &err),
              FC_EDENIED, &err);
    fa.visit_every_days = 400;
    assert_rc(wt_call("s1admin", "org_admin", "S1", "welfare.family_assign", &fa.base,
                      &fc__v1__family_show_reply__descriptor, NULL, &err),
              FC_EINVAL, &err);
    Fc__V1__FamilyAssignRequest empty = FC__V1__FAMILY_ASSIGN_REQUEST__INIT;
    empty.employee_no = "E2";
    assert_rc(wt_call("s1admin", "org_admin", "S1", "welfare.family_assign", &empty.base,
                      &fc__v1__family_show_reply__descriptor, NULL, &err),
              FC_EINVAL, &err);
    fa.visit_every_days = 0;
    assert_rc(wt_call("s1admin", "org_admin", "S1", "welfare.family_assign", &fa.base,
                      &fc__v1__family_show_reply__descriptor, NULL, &err),
              FC_OK, &err);
    assert_int_equal(wt_welfare_events(g, "welfare.family_care_updated", 1), 1);

    /* a month on, the visit is due: announced once */
    assert_int_equal(wt_welfare_events(g, "welfare.family_visit_due", -1), 0);
    wt_clock(g, t + 30 * WT_DAY + WT_HOUR);
    assert_int_equal(wt_welfare_events(g, "welfare.family_visit_due", 1), 1);
    fc_h_sleep_ms(fc_h_ms(500));
    assert_int_equal(wt_welfare_events(g, "welfare.family_visit_due", -1), 1);
    Fc__V1__FamilyListRequest fl = FC__V1__FAMILY_LIST_REQUEST__INIT;
    fl.due_only = 1;
    assert_rc(wt_call("s1admin", "org_admin", "S1", "welfare.family_list", &fl.base,
                      &fc__v1__family_list_reply__descriptor, &m, &err),
              FC_OK, &err);
    assert_int_equal(((Fc__V1__FamilyListReply *)m)->n_records, 1);
    wt_free(m);
    /* the branch secretary visits; a visit in the future is refused */
    Fc__V1__FamilyVisitRequest fv = FC__V1__FAMILY_VISIT_REQUEST__INIT;
    fv.employee_no = "E2";
    fv.at_us = g->now_us + WT_DAY;
    assert_rc(wt_call("b1sec", "branch_secretary", "B1", "welfare.family_visit", &fv.base,
                      &fc__v1__family_show_reply__descriptor, NULL, &err),
              FC_EINVAL, &err);
    assert_string_equal(err.field, "at_us");
    fv.at_us = t - 10 * WT_DAY; /* before the death */
    assert_rc(wt_call("b1sec", "branch_secretary", "B1", "welfare.family_visit", &fv.base,
                      &fc__v1__family_show_reply__descriptor, NULL, &err),
              FC_EINVAL, &err);
    /* a visitor from another subsidiary's branch may not record it */
    fv.at_us = 0;
    assert_rc(wt_call("b3sec", "branch_secretary", "B3", "welfare.family_visit", &fv.base,
                      &fc__v1__family_show_reply__descriptor, NULL, &err),
              FC_EDENIED, &err);
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.family_visit"), 0);
    fv.note = "送去慰问品，了解子女上学困难";
    assert_rc(wt_call("b1sec", "branch_secretary", "B1", "welfare.family_visit", &fv.base,
                      &fc__v1__family_show_reply__descriptor, &m, &err),
              FC_OK, &err);
    f = ((Fc__V1__FamilyShowReply *)m)->record;
    assert_int_equal(f->n_visits, 1);
    assert_string_equal(f->visits[0]->visitor, "b1sec");
    assert_string_equal(f->liaison_employee_no, "L1");
    assert_int_equal(f->next_due_us, g->now_us + 30 * WT_DAY);
    wt_free(m);
    assert_rc(wt_call("s1admin", "org_admin", "S1", "welfare.family_list", &fl.base,
                      &fc__v1__family_list_reply__descriptor, &m, &err),
              FC_OK, &err);
    assert_int_equal(((Fc__V1__FamilyListReply *)m)->n_records, 0);
    wt_free(m);
    /* and a month after the visit, due again */
    wt_clock(g, g->now_us + 31 * WT_DAY);
    assert_int_equal(wt_welfare_events(g, "welfare.family_visit_due", 2), 2);
    wt_assert_invariants(g);
}

/* One day of the month: the shifts worked, in the order intake reports them. */
typedef struct {
    int risk_class, start_min, minutes;
} s_shift_t;

static void test_month_of_duty(void **state)
{
    (void)state;
    fc_err_t err;
    wt_topup("G", "epidemic_subsidy", 100000000);
    wt_allocate("G", "S1", "epidemic_subsidy", 1000000);
    int64_t day0 = fc_time_local_day(WT_T0);
    int64_t duty_id = 100, expect_total = 0, expect_rows = 0;
    /* the second pass reports the same shifts again (as new events): nothing more is paid */
    for (int pass = 0; pass < 2; pass++)
        for (int d = 0; d < 30; d++) {
            s_shift_t shifts[4];
            int n = 0;
            int64_t pay = 0, rows = 0;
            if (d == 25 || d == 26) {
                /* rest days */
            } else if (d == 7) {
                /* class I first, then class II: one subsidy at the class I rate */
                shifts[n++] = (s_shift_t){1, 8 * 60, 120};
                shifts[n++] = (s_shift_t){2, 14 * 60, 240};
                pay = 30000, rows = 1;
            } else if (d == 12) {
                /* a night shift from 22:00 to 06:00 counts for the day it started */
                shifts[n++] = (s_shift_t){2, 22 * 60, 480};
                pay = 20000, rows = 1;
            } else if (d == 27) {
                shifts[n++] = (s_shift_t){3, 9 * 60, 240}; /* not a frontline class */
            } else if (d == 28) {
                shifts[n++] = (s_shift_t){1, 9 * 60, 0}; /* checked out at once */
            } else {
                shifts[n++] = (s_shift_t){2, 9 * 60, 240};
                shifts[n++] = (s_shift_t){2, 14 * 60, 240};
                pay = 20000, rows = 1;
                if (d % 5 == 0) {
                    /* later a class I post the same day: topped up to 300 CNY, once */
                    shifts[n++] = (s_shift_t){1, 19 * 60, 60};
                    shifts[n++] = (s_shift_t){1, 21 * 60, 30};
                    pay = 30000, rows = 2;
                }
            }
            for (int i = 0; i < n; i++)
                wt_duty(g, duty_id++, "E1", "B1", shifts[i].risk_class,
                        fc_time_local_day_start(day0 + d) +
                            shifts[i].start_min * 60 * INT64_C(1000000),
                        shifts[i].minutes);
            if (pass == 0) {
                expect_total += pay;
                expect_rows += rows;
            }
        }
    /* E4's subsidiary has no money yet: the subsidies wait for it */
    for (int d = 0; d < 3; d++)
        wt_duty(g, duty_id++, "E4", "B3", 2, fc_time_local_day_start(day0 + d) + 9 * WT_HOUR, 300);
    wt_wait_events(g);

    assert_int_equal(s_count("employee_no = 'E1' AND kind = 'frontline_subsidy'"), expect_rows);
    assert_int_equal(wt_q("SELECT sum(amount) FROM welfare.disbursement WHERE employee_no = 'E1'"
                          " AND state = 'paid'"),
                     expect_total);
    assert_int_equal(wt_q("SELECT count(DISTINCT duty_day) FROM welfare.disbursement"
                          " WHERE employee_no = 'E1'"),
                     26);
    /* per day: never more than the class I rate */
    assert_int_equal(wt_q("SELECT count(*) FROM (SELECT duty_day FROM welfare.disbursement"
                          " WHERE employee_no = 'E1' GROUP BY duty_day"
                          " HAVING sum(amount) > 30000) x"),
                     0);
    assert_int_equal(s_count("employee_no = 'E1' AND duty_day = '2026-11-28' AND amount = 20000"),
                     1); /* day 12, the night shift */
    assert_int_equal(s_count("employee_no = 'E1' AND duty_day = '2026-11-29'"), 1);
    assert_int_equal(s_count("employee_no = 'E1' AND duty_day IN ('2026-12-11', '2026-12-12',"
                             " '2026-12-13', '2026-12-14')"),
                     0); /* rest, rest, class 3, zero minutes */
    assert_int_equal(s_count("employee_no = 'E4' AND state = 'awaiting_funds'"), 3);

    /* every event published again under its old id: nothing more */
    s_republish_all();
    assert_int_equal(s_count("employee_no = 'E1' AND kind = 'frontline_subsidy'"), expect_rows);

    /* money for S2 arrives: the queue moves, oldest first, each paid at once */
    wt_allocate("G", "S2", "epidemic_subsidy", 45000);
    assert_int_equal(s_count("employee_no = 'E4' AND state = 'paid'"), 2);
    assert_int_equal(s_count("employee_no = 'E4' AND state = 'awaiting_funds'"
                             " AND duty_day = '2026-11-18'"),
                     1);
    assert_int_equal(wt_balance("budget", "S2", "epidemic_subsidy"), 5000);
    wt_allocate("G", "S2", "epidemic_subsidy", 15000);
    assert_int_equal(s_count("employee_no = 'E4' AND state = 'paid'"), 3);

    /* the list per person and kind for the month */
    Fc__V1__PayListRequest lq = FC__V1__PAY_LIST_REQUEST__INIT;
    lq.employee_no = "E1";
    lq.kind = "frontline_subsidy";
    lq.limit = 1000;
    ProtobufCMessage *m = NULL;
    assert_rc(wt_svc("welfare.pay_list", &lq.base, &fc__v1__pay_list_reply__descriptor, &m, &err),
              FC_OK, &err);
    Fc__V1__PayListReply *l = (Fc__V1__PayListReply *)m;
    assert_int_equal(l->total, expect_rows);
    assert_int_equal(l->n_by_kind, 1);
    assert_int_equal(l->by_kind[0]->paid_fen, expect_total);
    wt_free(m);
    wt_assert_invariants(g);
}

static void test_hardship_cases(void **state)
{
    (void)state;
    wt_topup("S1", "retained_party_fee", 300000);
    wt_hardship(g, 1, "E3", "B2", 100000, 0);
    wt_hardship(g, 2, "E3", "B2", 0, 0);       /* recorded without asking for money */
    wt_hardship(g, 3, "E3", "B2", -5, 0);      /* malformed */
    wt_hardship(g, 4, "E3", "B2", 5000001, 0); /* over the policy's largest payment */
    wt_wait_events(g);
    assert_int_equal(s_count("idem_key = 'auto:hardship:1' AND state = 'pending'"
                             " AND fund = 'retained_party_fee' AND amount = 100000"),
                     1);
    assert_int_equal(s_count("kind = 'hardship'"), 1);
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.inbox WHERE outcome = 'rejected'"), 2);
    assert_int_equal(wt_balance("budget", "S1", "retained_party_fee"), 200000);
    /* the case closes before anyone approved: the reservation is released */
    wt_hardship(g, 1, "E3", "B2", 100000, 1);
    wt_hardship(g, 1, "E3", "B2", 100000, 0); /* opened again: still one request */
    wt_wait_events(g);
    assert_int_equal(s_count("idem_key = 'auto:hardship:1' AND state = 'rejected'"), 1);
    assert_int_equal(s_count("kind = 'hardship'"), 1);
    assert_int_equal(wt_balance("budget", "S1", "retained_party_fee"), 300000);
    assert_int_equal(wt_welfare_events(g, "welfare.disbursement_rejected", 1), 1);
    wt_assert_invariants(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_incidents_and_families, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_month_of_duty, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_hardship_cases, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_welfare_pay: manual payments against a real fc-welfare, PostgreSQL and Redis: the two
 * phases (reserve, approve = post, reject/expiry = release, reversal = compensating transfer),
 * auto-approval under the policy limit, who may approve, idempotency keys, queueing when the
 * budget is short (first in, first out), every kind of bad input changing nothing, the audit
 * trail and queries. The invariant checker runs after every scenario. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "welfare_test.h"
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
    g = wt_new("test_welfare_pay");
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

/* Everything that must not change when a request is refused. */
static long long s_money_fingerprint(void)
{
    return wt_q("SELECT (SELECT count(*) FROM welfare.transfer) * 1000003"
                " + (SELECT COALESCE(sum(abs(balance)), 0) FROM welfare.account)"
                " + (SELECT count(*) FROM welfare.disbursement) * 7919");
}

static int64_t s_id(const Fc__V1__PayReply *r)
{
    return r && r->disbursement ? r->disbursement->id : 0;
}

static void test_two_phases(void **state)
{
    (void)state;
    fc_err_t err;
    Fc__V1__PayReply *r = NULL;
    wt_topup("G", "epidemic_subsidy", 10000000);
    wt_allocate("G", "S1", "epidemic_subsidy", 100000); /* 1000 yuan for S1 */

    /* 30 yuan: under the 50 yuan auto-approval limit: paid at once, from S1's budget */
    assert_rc(wt_pay("s1admin", "S1", "k-small", "E1", "epidemic_allowance", 3000, &r, &err), FC_OK,
              &err);
    assert_string_equal(r->disbursement->state, "paid");
    assert_string_equal(r->disbursement->payer_org, "S1");
    assert_string_equal(r->disbursement->approved_by, "welfare:auto");
    assert_false(r->replayed);
    wt_free(r);
    assert_int_equal(wt_balance("budget", "S1", "epidemic_subsidy"), 97000);
    assert_int_equal(wt_balance("payout", "S1", "epidemic_subsidy"), 3000);

    /* 500 yuan: reserved, waiting for an approver */
    assert_rc(wt_pay("s1admin", "S1", "k-big", "E1", "epidemic_allowance", 50000, &r, &err), FC_OK,
              &err);
    assert_string_equal(r->disbursement->state, "pending");
    assert_non_null(strstr(r->disbursement->reason, "超过自动审批上限"));
    int64_t big = s_id(r);
    wt_free(r);
    assert_int_equal(wt_balance("budget", "S1", "epidemic_subsidy"), 47000);
    assert_int_equal(wt_balance("hold", "S1", "epidemic_subsidy"), 50000);

    long long fp = s_money_fingerprint();
    /* the requester may not approve their own request */
    assert_rc(wt_decide("welfare.pay_approve", "s1admin", "org_admin", "S1", big, "", NULL, &err),
              FC_EDENIED, &err);
    /* an administrator of another subsidiary may not either */
    assert_rc(wt_decide("welfare.pay_approve", "s2admin", "org_admin", "S2", big, "", NULL, &err),
              FC_EDENIED, &err);
    /* nor one below the paying org (a branch's admin) */
    assert_rc(wt_decide("welfare.pay_approve", "b1admin", "org_admin", "B1", big, "", NULL, &err),
              FC_EDENIED, &err);
    /* nor a branch secretary of the paying org, nor a viewer */
    assert_rc(
        wt_decide("welfare.pay_approve", "s1sec", "branch_secretary", "S1", big, "", NULL, &err),
        FC_EDENIED, &err);
    assert_string_equal(err.field, "role");
    assert_rc(wt_decide("welfare.pay_approve", "s1view", "viewer", "S1", big, "", NULL, &err),
              FC_EDENIED, &err);
    /* reversing what is not paid is refused */
    assert_rc(
        wt_decide("welfare.pay_reverse", "gadmin", "group_admin", "G", big, "错付", NULL, &err),
        FC_ECONFLICT, &err);
    /* unknown disbursement */
    assert_rc(
        wt_decide("welfare.pay_approve", "gadmin", "group_admin", "G", 999999, "", NULL, &err),
        FC_ENOTFOUND, &err);
    assert_int_equal(s_money_fingerprint(), fp);

    /* the group (above the paying org) approves: posted */
    assert_rc(wt_decide("welfare.pay_approve", "gadmin", "group_admin", "G", big, "同意", &r, &err),
              FC_OK, &err);
    assert_string_equal(r->disbursement->state, "paid");
    assert_string_equal(r->disbursement->approved_by, "gadmin");
    wt_free(r);
    assert_int_equal(wt_balance("hold", "S1", "epidemic_subsidy"), 0);
    assert_int_equal(wt_balance("payout", "S1", "epidemic_subsidy"), 53000);
    /* approving twice is refused, nothing moves */
    fp = s_money_fingerprint();
    assert_rc(wt_decide("welfare.pay_approve", "gadmin", "group_admin", "G", big, "", NULL, &err),
              FC_ECONFLICT, &err);
    assert_int_equal(s_money_fingerprint(), fp);

    /* a paid one is reversed by a compensating transfer, with a reason */
    assert_rc(wt_decide("welfare.pay_reverse", "s1boss", "org_admin", "S1", big, "", NULL, &err),
              FC_EINVAL, &err);
    assert_string_equal(err.field, "note");
    assert_rc(
        wt_decide("welfare.pay_reverse", "s1boss", "org_admin", "S1", big, "重复发放", &r, &err),
        FC_OK, &err);
    assert_string_equal(r->disbursement->state, "reversed");
    assert_string_equal(r->disbursement->reason, "重复发放");
    wt_free(r);
    assert_int_equal(wt_balance("budget", "S1", "epidemic_subsidy"), 97000);
    assert_int_equal(wt_balance("payout", "S1", "epidemic_subsidy"), 3000);
    assert_rc(
        wt_decide("welfare.pay_reverse", "s1boss", "org_admin", "S1", big, "再冲一次", NULL, &err),
        FC_ECONFLICT, &err);
    /* the posted transfer is still there: reversal never deletes */
    assert_int_equal(
        wt_q("SELECT count(*) FROM welfare.transfer WHERE disbursement_id = %lld", (long long)big),
        3);

    /* reject: needs a reason; releases the reservation */
    assert_rc(wt_pay("s1admin", "S1", "k-rej", "E2", "epidemic_allowance", 20000, &r, &err), FC_OK,
              &err);
    int64_t rej = s_id(r);
    wt_free(r);
    assert_rc(wt_decide("welfare.pay_reject", "s1boss", "org_admin", "S1", rej, "", NULL, &err),
              FC_EINVAL, &err);
    assert_rc(
        wt_decide("welfare.pay_reject", "s1boss", "org_admin", "S1", rej, "材料不全", &r, &err),
        FC_OK, &err);
    assert_string_equal(r->disbursement->state, "rejected");
    wt_free(r);
    assert_int_equal(wt_balance("budget", "S1", "epidemic_subsidy"), 97000);
    assert_int_equal(wt_balance("hold", "S1", "epidemic_subsidy"), 0);
    assert_rc(wt_decide("welfare.pay_approve", "gadmin", "group_admin", "G", rej, "", NULL, &err),
              FC_ECONFLICT, &err);

    /* every step was an event on fc:events:welfare */
    assert_int_equal(wt_welfare_events(g, "welfare.disbursement_requested", 3), 3);
    assert_int_equal(wt_welfare_events(g, "welfare.disbursement_approved", 2), 2);
    assert_int_equal(wt_welfare_events(g, "welfare.disbursement_paid", 2), 2);
    assert_int_equal(wt_welfare_events(g, "welfare.disbursement_reversed", 1), 1);
    assert_int_equal(wt_welfare_events(g, "welfare.disbursement_rejected", 1), 1);

    /* the audit trail says who requested and who approved */
    Fc__V1__PayShowRequest sq = FC__V1__PAY_SHOW_REQUEST__INIT;
    sq.id = big;
    ProtobufCMessage *m = NULL;
    assert_rc(wt_call("s1view", "viewer", "S1", "welfare.pay_show", &sq.base,
                      &fc__v1__pay_reply__descriptor, &m, &err),
              FC_OK, &err);
    const Fc__V1__Disbursement *d = ((Fc__V1__PayReply *)m)->disbursement;
    assert_int_equal(d->n_audit, 4);
    assert_string_equal(d->audit[0]->action, "request");
    assert_string_equal(d->audit[0]->actor, "s1admin");
    assert_string_equal(d->audit[0]->org_scope, "S1");
    assert_string_equal(d->audit[1]->action, "reserve");
    assert_string_equal(d->audit[2]->action, "approve");
    assert_string_equal(d->audit[2]->actor, "gadmin");
    assert_string_equal(d->audit[2]->role, "group_admin");
    assert_string_equal(d->audit[3]->action, "reverse");
    assert_string_equal(d->audit[3]->actor, "s1boss");
    wt_free(m);
    /* a branch secretary sees payments of people in their branch, not elsewhere */
    assert_rc(wt_call("b1sec", "branch_secretary", "B1", "welfare.pay_show", &sq.base,
                      &fc__v1__pay_reply__descriptor, NULL, &err),
              FC_OK, &err);
    assert_rc(wt_call("b3sec", "branch_secretary", "B3", "welfare.pay_show", &sq.base,
                      &fc__v1__pay_reply__descriptor, NULL, &err),
              FC_EDENIED, &err);
    wt_assert_invariants(g);
}

static void test_idempotency(void **state)
{
    (void)state;
    fc_err_t err;
    Fc__V1__PayReply *r1 = NULL, *r2 = NULL;
    wt_topup("S1", "epidemic_subsidy", 100000);
    assert_rc(wt_pay("s1admin", "S1", "retry-1", "E1", "epidemic_allowance", 2000, &r1, &err),
              FC_OK, &err);
    long long fp = s_money_fingerprint();
    /* the same key again (a new message id): one payment, the first answer */
    assert_rc(wt_pay("s1admin", "S1", "retry-1", "E1", "epidemic_allowance", 2000, &r2, &err),
              FC_OK, &err);
    assert_true(r2->replayed);
    assert_int_equal(s_id(r1), s_id(r2));
    assert_string_equal(r1->disbursement->state, r2->disbursement->state);
    assert_int_equal(r1->disbursement->requested_at_us, r2->disbursement->requested_at_us);
    wt_free(r1);
    wt_free(r2);
    assert_int_equal(s_money_fingerprint(), fp);
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.disbursement WHERE idem_key = 'retry-1'"),
                     1);
    /* the same key for something else is refused, naming the key */
    assert_rc(wt_pay("s1admin", "S1", "retry-1", "E1", "epidemic_allowance", 2500, NULL, &err),
              FC_ECONFLICT, &err);
    assert_string_equal(err.field, "idempotency_key");
    assert_rc(wt_pay("s1admin", "S1", "retry-1", "E2", "epidemic_allowance", 2000, NULL, &err),
              FC_ECONFLICT, &err);
    /* keys of automatic requests are not the client's to use */
    assert_rc(wt_pay("s1admin", "S1", "auto:incident:1:condolence", "E1", "epidemic_allowance",
                     2000, NULL, &err),
              FC_EINVAL, &err);
    assert_rc(wt_pay("s1admin", "S1", "", "E1", "epidemic_allowance", 2000, NULL, &err), FC_EINVAL,
              &err);
    assert_rc(wt_pay("s1admin", "S1", "has space", "E1", "epidemic_allowance", 2000, NULL, &err),
              FC_EINVAL, &err);
    assert_int_equal(s_money_fingerprint(), fp);

    /* funds movements take keys too */
    Fc__V1__FundsInflowRequest in = FC__V1__FUNDS_INFLOW_REQUEST__INIT;
    in.org_code = "S1";
    in.fund = "matching";
    in.amount_fen = 12345;
    in.kind = "match";
    in.idempotency_key = "match-2026-11";
    ProtobufCMessage *m1 = NULL, *m2 = NULL;
    assert_rc(wt_svc("welfare.funds_inflow", &in.base, &fc__v1__funds_transfer_reply__descriptor,
                     &m1, &err),
              FC_OK, &err);
    assert_rc(wt_svc("welfare.funds_inflow", &in.base, &fc__v1__funds_transfer_reply__descriptor,
                     &m2, &err),
              FC_OK, &err);
    assert_true(((Fc__V1__FundsTransferReply *)m2)->replayed);
    assert_int_equal(((Fc__V1__FundsTransferReply *)m1)->transfer_id,
                     ((Fc__V1__FundsTransferReply *)m2)->transfer_id);
    wt_free(m1);
    wt_free(m2);
    assert_int_equal(wt_balance("budget", "S1", "matching"), 12345);
    in.amount_fen = 1;
    assert_rc(wt_svc("welfare.funds_inflow", &in.base, &fc__v1__funds_transfer_reply__descriptor,
                     NULL, &err),
              FC_ECONFLICT, &err);
    assert_int_equal(wt_balance("budget", "S1", "matching"), 12345);
    wt_assert_invariants(g);
}

static void test_bad_requests(void **state)
{
    (void)state;
    fc_err_t err;
    Fc__V1__PayReply *r = NULL;
    wt_topup("S1", "epidemic_subsidy", 100000);
    wt_topup("S1", "special_party_fee", 10000000);
    long long fp = s_money_fingerprint();
    struct {
        const char *actor, *scope, *emp, *kind;
        int64_t fen;
        int want;
        const char *field;
    } bad[] = {
        {"s1admin", "S1", "NOBODY", "epidemic_allowance", 1000, FC_ENOTFOUND, "employee_no"},
        {"s1admin", "S1", "E1", "epidemic_allowance", -100, FC_EINVAL, "amount_fen"},
        {"s1admin", "S1", "E1", "epidemic_allowance", 0, FC_EINVAL, "amount_fen"},
        {"s1admin", "S1", "E1", "epidemic_allowance", INT64_MAX, FC_EINVAL, "amount_fen"},
        {"s1admin", "S1", "E1", "epidemic_allowance", 200001, FC_EINVAL, "amount_fen"},
        {"s1admin", "S1", "E1", "lottery", 1000, FC_EINVAL, "kind"},
        {"s1admin", "S1", "E1", "frontline_subsidy", 30000, FC_EINVAL, "kind"},
        {"s1admin", "S1", "E1", "insurance_claim", 100000, FC_EINVAL, "employee_no"},
        {"s1admin", "S1", "E1 ", "hardship", 1000, FC_EINVAL, "employee_no"},
        {"s2admin", "S2", "E1", "epidemic_allowance", 1000, FC_EDENIED, "employee_no"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char key[32];
        snprintf(key, sizeof key, "bad-%zu", i);
        fc_err_clear(&err);
        int rc = wt_pay(bad[i].actor, bad[i].scope, key, bad[i].emp, bad[i].kind, bad[i].fen, NULL,
                        &err);
        if (rc != bad[i].want || strcmp(err.field, bad[i].field) != 0)
            print_error("case %zu: got %s %s (%s), want %s %s\n", i, fc_err_name(rc), err.field,
                        err.message, fc_err_name(bad[i].want), bad[i].field);
        assert_int_equal(rc, bad[i].want);
        assert_string_equal(err.field, bad[i].field);
        assert_true(err.message[0] != '\0');
    }
    /* a viewer may not request at all */
    assert_rc(wt_call("v", "viewer", "S1", "welfare.pay_request", NULL, NULL, NULL, &err),
              FC_EINVAL, &err); /* empty payload: the key is missing first */
    Fc__V1__PayRequest pr = FC__V1__PAY_REQUEST__INIT;
    pr.idempotency_key = "viewer-1";
    pr.employee_no = "E1";
    pr.kind = "epidemic_allowance";
    pr.amount_fen = 1000;
    assert_rc(wt_call("v", "viewer", "S1", "welfare.pay_request", &pr.base,
                      &fc__v1__pay_reply__descriptor, NULL, &err),
              FC_EDENIED, &err);
    /* an actor without a scope (not a service) is refused */
    assert_rc(wt_call("nobody", "org_admin", "", "welfare.pay_request", &pr.base,
                      &fc__v1__pay_reply__descriptor, NULL, &err),
              FC_EDENIED, &err);
    assert_int_equal(s_money_fingerprint(), fp);

    /* condolence by incident kind: the policy amount; an unknown incident kind is refused */
    Fc__V1__PayRequest cr = FC__V1__PAY_REQUEST__INIT;
    cr.idempotency_key = "cond-1";
    cr.employee_no = "E1";
    cr.kind = "condolence";
    cr.incident_kind = "flood";
    assert_rc(wt_call("s1admin", "org_admin", "S1", "welfare.pay_request", &cr.base,
                      &fc__v1__pay_reply__descriptor, NULL, &err),
              FC_EINVAL, &err);
    assert_string_equal(err.field, "incident_kind");
    /* an incident kind only sets the amount of a condolence payment */
    Fc__V1__PayRequest xr = cr;
    xr.idempotency_key = "cond-x";
    xr.kind = "hardship";
    xr.amount_fen = 1000;
    xr.incident_kind = "injured";
    assert_rc(wt_call("s1admin", "org_admin", "S1", "welfare.pay_request", &xr.base,
                      &fc__v1__pay_reply__descriptor, NULL, &err),
              FC_EINVAL, &err);
    assert_string_equal(err.field, "incident_kind");
    cr.incident_kind = "infected";
    ProtobufCMessage *m = NULL;
    assert_rc(wt_call("s1admin", "org_admin", "S1", "welfare.pay_request", &cr.base,
                      &fc__v1__pay_reply__descriptor, &m, &err),
              FC_OK, &err);
    r = (Fc__V1__PayReply *)m;
    assert_int_equal(r->disbursement->amount_fen, 200000);
    assert_string_equal(r->disbursement->fund, "special_party_fee");
    assert_string_equal(r->disbursement->state, "pending"); /* over the 1000 yuan limit */
    wt_free(m);
    /* an insurance claim is for aid-team members: A1 is one */
    assert_rc(wt_pay("s1admin", "S1", "ins-1", "A1", "insurance_claim", 100000, &r, &err), FC_OK,
              &err);
    assert_string_equal(r->disbursement->state, "pending");
    wt_free(r);
    wt_assert_invariants(g);
}

static void test_queue_when_short(void **state)
{
    (void)state;
    fc_err_t err;
    Fc__V1__PayReply *r = NULL;
    /* S1 has no retained Party fees yet: hardship requests wait, first in first out */
    assert_rc(wt_pay("s1admin", "S1", "h-1", "E1", "hardship", 100000, &r, &err), FC_OK, &err);
    assert_string_equal(r->disbursement->state, "awaiting_funds");
    assert_string_equal(r->disbursement->fund, "retained_party_fee");
    assert_non_null(strstr(r->disbursement->reason, "资金不足"));
    int64_t h1 = s_id(r);
    wt_free(r);
    assert_rc(wt_pay("s1admin", "S1", "h-2", "E2", "hardship", 1000, &r, &err), FC_OK, &err);
    assert_string_equal(r->disbursement->state, "awaiting_funds");
    int64_t h2 = s_id(r);
    wt_free(r);
    /* 500 yuan arrive: the head (1000 yuan) does not fit, so nobody jumps the queue */
    wt_topup("S1", "retained_party_fee", 50000);
    assert_int_equal(
        wt_q("SELECT count(*) FROM welfare.disbursement WHERE state = 'awaiting_funds'"), 2);
    /* a new small one queues behind them even though it would fit */
    assert_rc(wt_pay("s1admin", "S1", "h-3", "E3", "hardship", 500, &r, &err), FC_OK, &err);
    assert_string_equal(r->disbursement->state, "awaiting_funds");
    assert_non_null(strstr(r->disbursement->reason, "第 3 位"));
    int64_t h3 = s_id(r);
    wt_free(r);
    /* 600 more: all three are reserved in order (hardship always needs an approver) */
    Fc__V1__FundsInflowRequest in = FC__V1__FUNDS_INFLOW_REQUEST__INIT;
    in.org_code = "S1";
    in.fund = "retained_party_fee";
    in.amount_fen = 60000;
    in.kind = "topup";
    ProtobufCMessage *m = NULL;
    assert_rc(wt_svc("welfare.funds_inflow", &in.base, &fc__v1__funds_transfer_reply__descriptor,
                     &m, &err),
              FC_OK, &err);
    assert_int_equal(((Fc__V1__FundsTransferReply *)m)->funded, 3);
    wt_free(m);
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.disbursement WHERE state = 'pending'"
                          " AND id IN (%lld, %lld, %lld)",
                          (long long)h1, (long long)h2, (long long)h3),
                     3);
    assert_int_equal(wt_balance("budget", "S1", "retained_party_fee"), 110000 - 101500);
    assert_int_equal(wt_balance("hold", "S1", "retained_party_fee"), 101500);
    assert_int_equal(wt_welfare_events(g, "welfare.disbursement_funded", 3), 3);
    /* rejecting a queued one needs no money back; rejecting a reserved one releases it */
    assert_rc(
        wt_decide("welfare.pay_reject", "gadmin", "group_admin", "G", h1, "另行安排", NULL, &err),
        FC_OK, &err);
    assert_int_equal(wt_balance("budget", "S1", "retained_party_fee"), 108500);

    /* queries: per person, per kind, per state, with totals */
    Fc__V1__PayListRequest lq = FC__V1__PAY_LIST_REQUEST__INIT;
    lq.kind = "hardship";
    lq.state = "pending";
    assert_rc(wt_call("s1view", "viewer", "S1", "welfare.pay_list", &lq.base,
                      &fc__v1__pay_list_reply__descriptor, &m, &err),
              FC_OK, &err);
    Fc__V1__PayListReply *l = (Fc__V1__PayListReply *)m;
    assert_int_equal(l->total, 2);
    assert_int_equal(l->n_by_kind, 1);
    assert_int_equal(l->by_kind[0]->pending_fen, 1500);
    wt_free(m);
    lq.kind = "";
    lq.state = "";
    lq.employee_no = "E1";
    assert_rc(wt_call("s1view", "viewer", "S1", "welfare.pay_list", &lq.base,
                      &fc__v1__pay_list_reply__descriptor, &m, &err),
              FC_OK, &err);
    assert_int_equal(((Fc__V1__PayListReply *)m)->total, 1);
    wt_free(m);
    /* a subsidiary's viewer does not see another subsidiary's payments */
    lq.employee_no = "";
    assert_rc(wt_call("s2view", "viewer", "S2", "welfare.pay_list", &lq.base,
                      &fc__v1__pay_list_reply__descriptor, &m, &err),
              FC_OK, &err);
    assert_int_equal(((Fc__V1__PayListReply *)m)->total, 0);
    wt_free(m);
    lq.org_code = "S1";
    assert_rc(wt_call("s2view", "viewer", "S2", "welfare.pay_list", &lq.base,
                      &fc__v1__pay_list_reply__descriptor, NULL, &err),
              FC_EDENIED, &err);
    lq.org_code = "";
    lq.limit = 1001;
    assert_rc(wt_call("s1view", "viewer", "S1", "welfare.pay_list", &lq.base,
                      &fc__v1__pay_list_reply__descriptor, NULL, &err),
              FC_EINVAL, &err);
    assert_string_equal(err.field, "limit");
    lq.limit = 0;
    lq.state = "cancelled";
    assert_rc(wt_call("s1view", "viewer", "S1", "welfare.pay_list", &lq.base,
                      &fc__v1__pay_list_reply__descriptor, NULL, &err),
              FC_EINVAL, &err);
    wt_assert_invariants(g);
}

static void test_expiry(void **state)
{
    (void)state;
    fc_err_t err;
    Fc__V1__PayReply *r = NULL;
    wt_topup("S1", "epidemic_subsidy", 100000);
    assert_rc(wt_pay("s1admin", "S1", "old-1", "E1", "epidemic_allowance", 60000, &r, &err), FC_OK,
              &err);
    assert_string_equal(r->disbursement->state, "pending");
    int64_t p1 = s_id(r);
    wt_free(r);
    assert_rc(wt_pay("s1admin", "S1", "old-2", "E2", "epidemic_allowance", 60000, &r, &err), FC_OK,
              &err);
    assert_string_equal(r->disbursement->state, "awaiting_funds");
    int64_t p2 = s_id(r);
    wt_free(r);
    /* 29 days later nothing happens; after 30 both expire and the reservation comes back */
    wt_clock(g, WT_T0 + 29 * WT_DAY);
    fc_h_sleep_ms(fc_h_ms(500));
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.disbursement WHERE state = 'expired'"), 0);
    wt_clock(g, WT_T0 + 30 * WT_DAY + WT_HOUR);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM welfare.disbursement"
                                      " WHERE state = 'expired'",
                                      2, fc_h_ms(10000)),
                     2);
    assert_int_equal(wt_balance("budget", "S1", "epidemic_subsidy"), 100000);
    assert_int_equal(wt_balance("hold", "S1", "epidemic_subsidy"), 0);
    assert_int_equal(wt_welfare_events(g, "welfare.disbursement_expired", 2), 2);
    assert_rc(wt_decide("welfare.pay_approve", "gadmin", "group_admin", "G", p1, "", NULL, &err),
              FC_ECONFLICT, &err);
    assert_rc(wt_decide("welfare.pay_reject", "gadmin", "group_admin", "G", p2, "迟了", NULL, &err),
              FC_ECONFLICT, &err);
    wt_clock(g, WT_T0);
    wt_assert_invariants(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_phases, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_idempotency, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_bad_requests, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_queue_when_short, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_expiry, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

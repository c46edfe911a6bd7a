/* test_welfare_funds: funds through fcctl and RPC against a real fc-welfare: top-ups, matching
 * funds, allocation down the tree (only what a level holds, only downwards, only by its
 * administrators), balances, statements whose opening and closing balances reconcile, the
 * checker command, payments end to end from the command line, and bad input refused with a
 * clear message and no money moved. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "welfare_test.h"
#include "fc_harness.h"
#include "fc_mem.h"

#include <jansson.h>
#include <signal.h>
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
static pid_t g_pid;

static int s_setup(void **state)
{
    (void)state;
    g = wt_new("test_welfare_funds");
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

/* Runs fcctl; checks its exit code and that its output (stdout + stderr) holds want. */
static char *s_ctl(int want_exit, const char *want_text, const char *args)
{
    char *out = NULL;
    int rc = fc_h_fcctl(&out, "%s 2>&1", args);
    if (rc != want_exit || (want_text && !strstr(out, want_text)))
        print_error("fcctl %s: exit %d (want %d), output:\n%s\n(want \"%s\")\n", args, rc,
                    want_exit, out, want_text ? want_text : "");
    assert_int_equal(rc, want_exit);
    if (want_text)
        assert_non_null(strstr(out, want_text));
    return out;
}

#define CTL(exit_, text_, args_) free(s_ctl((exit_), (text_), (args_)))
#define GROUP "--actor gadmin --role group_admin --scope G "
#define S1ADM "--actor s1admin --role org_admin --scope S1 "
#define S2ADM "--actor s2admin --role org_admin --scope S2 "

static long long s_fingerprint(void)
{
    return wt_q("SELECT (SELECT count(*) FROM welfare.transfer) * 1000003"
                " + (SELECT COALESCE(sum(abs(balance)), 0) FROM welfare.account)");
}

static void test_allocation(void **state)
{
    (void)state;
    CTL(0, "已记账", GROUP "funds topup G special_party_fee 1000000 --memo 集团党委下拨");
    CTL(0, "已记账", GROUP "funds allocate G S1 special_party_fee 300000");
    CTL(0, "已记账", S1ADM "funds match S1 50000.50");
    CTL(0, "已记账", S1ADM "funds allocate S1 B1 special_party_fee 1000.05");
    assert_int_equal(wt_balance("budget", "G", "special_party_fee"), 70000000);
    assert_int_equal(wt_balance("budget", "S1", "special_party_fee"), 29899995);
    assert_int_equal(wt_balance("budget", "S1", "matching"), 5000050);
    assert_int_equal(wt_balance("budget", "B1", "special_party_fee"), 100005);

    long long fp = s_fingerprint();
    /* only what a level holds */
    CTL(1, "余额不足", S1ADM "funds allocate S1 B2 special_party_fee 300000");
    /* only downwards: not up, not sideways, not to itself */
    CTL(1, "只能向下级组织划拨", S1ADM "funds allocate S1 G special_party_fee 1");
    CTL(1, "只能向下级组织划拨", GROUP "funds allocate S1 S2 special_party_fee 1");
    CTL(1, "只能向下级组织划拨", GROUP "funds allocate S1 S1 special_party_fee 1");
    /* unknown units and funds */
    CTL(1, "组织“ZZ”不存在", GROUP "funds allocate G ZZ special_party_fee 1");
    CTL(1, "组织“ZZ”不存在", GROUP "funds allocate ZZ S1 special_party_fee 1");
    CTL(1, "fund", GROUP "funds allocate G S1 party_fee 1");
    CTL(1, "组织“ZZ”不存在", GROUP "funds topup ZZ matching 1");
    /* another subsidiary's administrator, a viewer, a branch below */
    CTL(1, "不在您的管辖范围", S2ADM "funds allocate S1 B1 special_party_fee 1");
    CTL(1, "无权", "--actor v --role viewer --scope S1 funds allocate S1 B1 special_party_fee 1");
    CTL(1, "不在您的管辖范围", "--actor b --role org_admin --scope B1 funds topup S1 matching 1");
    /* amounts: zero, negative, malformed, too precise, overflowing */
    CTL(2, "greater than zero", GROUP "funds topup G matching 0");
    CTL(2, "not an amount", GROUP "funds topup G matching -- -5");
    CTL(2, "not an amount", GROUP "funds topup G matching abc");
    CTL(2, "not an amount", GROUP "funds topup G matching 1.234");
    CTL(2, "too large", GROUP "funds topup G matching 99999999999999999999");
    assert_int_equal(s_fingerprint(), fp);

    /* the same refusals from the service itself, for clients other than fcctl */
    fc_err_t err;
    Fc__V1__FundsAllocateRequest a = FC__V1__FUNDS_ALLOCATE_REQUEST__INIT;
    a.from_org = "G";
    a.to_org = "S1";
    a.fund = "special_party_fee";
    int64_t amounts[] = {0, -1, INT64_MIN, INT64_MAX, INT64_C(100000000001)};
    for (size_t i = 0; i < sizeof amounts / sizeof amounts[0]; i++) {
        a.amount_fen = amounts[i];
        assert_rc(wt_svc("welfare.funds_allocate", &a.base,
                         &fc__v1__funds_transfer_reply__descriptor, NULL, &err),
                  FC_EINVAL, &err);
        assert_string_equal(err.field, "amount_fen");
    }
    Fc__V1__FundsInflowRequest in = FC__V1__FUNDS_INFLOW_REQUEST__INIT;
    in.org_code = "G";
    in.fund = "matching";
    in.kind = "donation";
    in.amount_fen = 5;
    assert_rc(wt_svc("welfare.funds_inflow", &in.base, &fc__v1__funds_transfer_reply__descriptor,
                     NULL, &err),
              FC_EINVAL, &err);
    assert_string_equal(err.field, "kind");
    /* matching funds go into the matching fund only */
    in.kind = "match";
    in.fund = "special_party_fee";
    assert_rc(wt_svc("welfare.funds_inflow", &in.base, &fc__v1__funds_transfer_reply__descriptor,
                     NULL, &err),
              FC_EINVAL, &err);
    assert_string_equal(err.field, "fund");
    assert_int_equal(s_fingerprint(), fp);

    /* balances: one unit, a subtree, the caller's own scope */
    char *out = s_ctl(0, "专项党费", S1ADM "funds balance S1 --subtree");
    assert_non_null(strstr(out, "B1"));
    assert_non_null(strstr(out, "298999.95"));
    free(out);
    CTL(1, "不在您的管辖范围", S2ADM "funds balance S1");
    out = s_ctl(0, NULL, "--json " S1ADM "funds balance --subtree");
    json_error_t jerr;
    json_t *j = json_loads(out, 0, &jerr);
    assert_non_null(j);
    assert_int_equal(json_array_size(json_object_get(j, "balances")), 3); /* S1 x2, B1 */
    json_decref(j);
    free(out);
    CTL(0, "账目核对通过", "funds check");
    CTL(1, "集团管理员", S1ADM "funds check");
    wt_assert_invariants(g);
}

static void test_statement_reconciles(void **state)
{
    (void)state;
    fc_err_t err;
    int64_t t0 = g->now_us;
    wt_topup("G", "epidemic_subsidy", 1000000);
    wt_clock(g, t0 + WT_DAY);
    wt_allocate("G", "S1", "epidemic_subsidy", 300000);
    wt_allocate("G", "S2", "epidemic_subsidy", 100000);
    wt_clock(g, t0 + 2 * WT_DAY);
    wt_topup("G", "epidemic_subsidy", 50000);
    wt_allocate("G", "S1", "epidemic_subsidy", 25000);
    wt_clock(g, t0 + 3 * WT_DAY);
    wt_allocate("G", "S2", "epidemic_subsidy", 1);

    /* the middle window [day 1, day 2 + 12h) */
    Fc__V1__FundsStatementRequest q = FC__V1__FUNDS_STATEMENT_REQUEST__INIT;
    q.org_code = "G";
    q.fund = "epidemic_subsidy";
    q.from_us = t0 + WT_DAY;
    q.to_us = t0 + 2 * WT_DAY + 12 * WT_HOUR;
    ProtobufCMessage *m = NULL;
    assert_rc(wt_call("gadmin", "group_admin", "G", "welfare.funds_statement", &q.base,
                      &fc__v1__funds_statement_reply__descriptor, &m, &err),
              FC_OK, &err);
    Fc__V1__FundsStatementReply *s = (Fc__V1__FundsStatementReply *)m;
    assert_int_equal(s->opening_fen, 1000000);
    assert_int_equal(s->n_lines, 4);
    int64_t sum = 0;
    for (size_t i = 0; i < s->n_lines; i++)
        sum += s->lines[i]->amount_fen;
    assert_int_equal(s->opening_fen + sum, s->closing_fen);
    assert_int_equal(s->lines[s->n_lines - 1]->balance_fen, s->closing_fen);
    assert_int_equal(s->closing_fen, 1000000 - 300000 - 100000 + 50000 - 25000);
    assert_int_equal(s->total_in_fen, 50000);
    assert_int_equal(s->total_out_fen, -425000);
    assert_string_equal(s->lines[0]->counterparty, "budget:S1/epidemic_subsidy");
    wt_free(m);
    /* up to now, the closing balance is the account's balance */
    q.from_us = 0;
    q.to_us = 0;
    q.limit = 2; /* fewer lines shown; totals and closing still cover every line */
    assert_rc(wt_call("gadmin", "group_admin", "G", "welfare.funds_statement", &q.base,
                      &fc__v1__funds_statement_reply__descriptor, &m, &err),
              FC_OK, &err);
    s = (Fc__V1__FundsStatementReply *)m;
    assert_true(s->truncated);
    assert_int_equal(s->n_lines, 2);
    assert_int_equal(s->opening_fen, 0);
    assert_int_equal(s->closing_fen, wt_balance("budget", "G", "epidemic_subsidy"));
    assert_int_equal(s->total_in_fen + s->total_out_fen, s->closing_fen);
    wt_free(m);
    /* the external account's statement shows where the money came from */
    q.account = "payout";
    assert_rc(wt_call("gadmin", "group_admin", "G", "welfare.funds_statement", &q.base,
                      &fc__v1__funds_statement_reply__descriptor, &m, &err),
              FC_OK, &err);
    assert_int_equal(((Fc__V1__FundsStatementReply *)m)->closing_fen, 0);
    wt_free(m);
    q.account = "savings";
    assert_rc(wt_call("gadmin", "group_admin", "G", "welfare.funds_statement", &q.base,
                      &fc__v1__funds_statement_reply__descriptor, NULL, &err),
              FC_EINVAL, &err);
    q.account = "";
    q.limit = 10001;
    assert_rc(wt_call("gadmin", "group_admin", "G", "welfare.funds_statement", &q.base,
                      &fc__v1__funds_statement_reply__descriptor, NULL, &err),
              FC_EINVAL, &err);
    assert_string_equal(err.field, "limit");
    q.limit = 0;
    q.from_us = t0 + 5 * WT_DAY;
    q.to_us = t0;
    assert_rc(wt_call("gadmin", "group_admin", "G", "welfare.funds_statement", &q.base,
                      &fc__v1__funds_statement_reply__descriptor, NULL, &err),
              FC_EINVAL, &err);

    char *out = s_ctl(0, "期初余额 10000.00 元",
                      GROUP "funds statement G epidemic_subsidy"
                            " --from 2026-11-17 --to 2026-11-18T20:00+08:00");
    assert_non_null(strstr(out, "期末余额 6250.00 元"));
    free(out);
    wt_assert_invariants(g);
}

static void test_payments_from_the_command_line(void **state)
{
    (void)state;
    wt_topup("G", "epidemic_subsidy", 10000000);
    wt_allocate("G", "S1", "epidemic_subsidy", 1000000);
    wt_topup("S1", "retained_party_fee", 500000);
    CTL(0, "已支付", S1ADM "pay request E1 epidemic_allowance 30 --key cli-1");
    CTL(0, "返回首次申请的结果", S1ADM "pay request E1 epidemic_allowance 30 --key cli-1");
    char *out = s_ctl(0, "待审批", S1ADM "pay request E3 hardship 2000 --key cli-2 --memo 住院");
    free(out);
    long long id = wt_q("SELECT id FROM welfare.disbursement WHERE idem_key = 'cli-2'");
    char args[256];
    snprintf(args, sizeof args, S1ADM "pay approve %lld", id);
    CTL(1, "不能审批自己提交的申请", args);
    snprintf(args, sizeof args, S2ADM "pay approve %lld", id);
    CTL(1, "不在您的管辖范围", args);
    snprintf(args, sizeof args, GROUP "pay approve %lld --note 同意", id);
    CTL(0, "已支付", args);
    snprintf(args, sizeof args, GROUP "pay reverse %lld", id);
    CTL(2, "--reason", args);
    snprintf(args, sizeof args, GROUP "pay reverse %lld --reason 重复", id);
    CTL(0, "已冲正", args);
    snprintf(args, sizeof args, "--actor s1view --role viewer --scope S1 pay show %lld", id);
    out = s_ctl(0, "gadmin", args);
    assert_non_null(strstr(out, "s1admin"));
    assert_non_null(strstr(out, "reverse"));
    free(out);
    CTL(0, "慰问金", S1ADM "pay request E1 condolence --incident injured --key cli-3");
    CTL(1, "工号“NOBODY”不存在", S1ADM "pay request NOBODY hardship 10 --key cli-4");
    CTL(1, "不能手工申请", S1ADM "pay request E1 frontline_subsidy 300 --key cli-5");
    CTL(2, "not an amount", S1ADM "pay request E1 hardship --key cli-6 -- -3");
    CTL(2, "id：“abc”不是正整数编号", GROUP "pay approve abc");
    CTL(1, "不存在", GROUP "pay approve 999999");
    out = s_ctl(0, "共 3 笔", "--actor s1view --role viewer --scope S1 pay list --org S1");
    assert_non_null(strstr(out, "困难帮扶"));
    free(out);
    CTL(0, "共 2 笔", S1ADM "pay list --person E1");
    CTL(0, "共 0 笔", S1ADM "pay list --kind hardship --state paid");
    CTL(1, "不是状态", S1ADM "pay list --state lost");
    out = s_ctl(0, NULL, "--json " S1ADM "pay show --key cli-1");
    json_error_t jerr;
    json_t *j = json_loads(out, 0, &jerr);
    assert_non_null(j);
    json_t *d = json_object_get(j, "disbursement");
    assert_string_equal(json_string_value(json_object_get(d, "state")), "paid");
    assert_int_equal(json_integer_value(json_object_get(d, "amount_fen")), 3000);
    json_decref(j);
    free(out);
    /* families from the command line */
    wt_incident(g, 9, "E2", "B1", "died", 1, g->now_us);
    wt_wait_events(g);
    CTL(0, "共 1 户", S1ADM "family list");
    CTL(0, "L1", S1ADM "family assign E2 --liaison L1 --every 14");
    CTL(0, "看望", "--actor b1sec --role branch_secretary --scope B1 family visit E2 --note 看望");
    CTL(0, "走访", S1ADM "family show E2");
    CTL(1, "没有家属关怀记录", S1ADM "family show E1");
    CTL(0, "账目核对通过", "funds check");
    wt_assert_invariants(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_allocation, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_statement_reconciles, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_payments_from_the_command_line, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

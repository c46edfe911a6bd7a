/* fcctl_welfare: funds (top-up, matching, allocation, balances, statements, the invariant
 * check), payments (request, approve, reject, reverse, show, list) and families of the
 * deceased (list, show, assign, visit). Amounts on the command line are yuan with at most two
 * decimals ("300", "1234.5"); the service works in integer fen. */
#include "fcctl.h"
#include "fcctl_opts.h"
#include "fc/v1/welfare.pb-c.h"
#include "fc_clock.h"
#include "fc_id.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_funds[][2] = {
    {"special_party_fee", "专项党费"},
    {"matching", "本级配套资金"},
    {"retained_party_fee", "留存党费"},
    {"epidemic_subsidy", "疫情防控补助经费"},
};
static const char *s_kinds[][2] = {
    {"condolence", "慰问金"},
    {"frontline_subsidy", "临时性工作补助"},
    {"epidemic_allowance", "卫生防疫津贴"},
    {"hardship", "困难帮扶"},
    {"insurance_claim", "保险赔付"},
};
static const char *s_states[][2] = {
    {"awaiting_funds", "资金不足待拨付"},
    {"pending", "待审批"},
    {"paid", "已支付"},
    {"rejected", "已驳回"},
    {"expired", "已过期"},
    {"reversed", "已冲正"},
};

static const char *s_label(const char *(*table)[2], size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i][0], code) == 0)
            return table[i][1];
    return code;
}

#define S_FUND(c) s_label(s_funds, sizeof s_funds / sizeof s_funds[0], (c))
#define S_KIND(c) s_label(s_kinds, sizeof s_kinds / sizeof s_kinds[0], (c))
#define S_STATE(c) s_label(s_states, sizeof s_states / sizeof s_states[0], (c))

/* "1234.56" (yuan) → 123456 fen, with no floating point. 0 and overflow are errors. */
static int s_parse_yuan(const char *s, int64_t *fen_out)
{
    const char *p = s;
    int64_t whole = 0;
    int digits = 0;
    if (*p == '+' || *p == '-')
        return -1;
    while (*p >= '0' && *p <= '9') {
        if (whole > (INT64_MAX / 100 - 9) / 10)
            return -2; /* overflow */
        whole = whole * 10 + (*p++ - '0');
        digits++;
    }
    int frac = 0, fd = 0;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9' && fd < 2) {
            frac = frac * 10 + (*p++ - '0');
            fd++;
        }
        if (fd == 0)
            return -1;
        if (fd == 1)
            frac *= 10;
    }
    if (*p || (!digits && !fd))
        return -1;
    *fen_out = whole * 100 + frac;
    return 0;
}

static int s_amount_arg(const char *s, int64_t *fen)
{
    int rc = s_parse_yuan(s, fen);
    if (rc == -2) {
        fprintf(stderr, "fcctl: amount: \"%s\" is too large\n", s);
        return FCCTL_EUSAGE;
    }
    if (rc < 0) {
        fprintf(stderr,
                "fcctl: amount: \"%s\" is not an amount in yuan like 300 or 1234.56 "
                "(positive, at most two decimals)\n",
                s);
        return FCCTL_EUSAGE;
    }
    if (*fen == 0) {
        fprintf(stderr, "fcctl: amount: must be greater than zero\n");
        return FCCTL_EUSAGE;
    }
    return FCCTL_OK;
}

static const char *s_yuan(int64_t fen, char *buf, size_t n)
{
    uint64_t a = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    snprintf(buf, n, "%s%" PRIu64 ".%02u", fen < 0 ? "-" : "", a / 100, (unsigned)(a % 100));
    return buf;
}

/* Text padded with spaces to a display width (Chinese characters take two columns). */
static const char *s_pad(const char *text, int width, char *buf, size_t n)
{
    int cols = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if ((*p & 0xC0) != 0x80)
            cols += *p >= 0xE0 ? 2 : 1; /* a lead byte of 3+ bytes: CJK, full width */
    snprintf(buf, n, "%s%*s", text, width > cols ? width - cols : 0, "");
    return buf;
}

static const char *s_time(int64_t us, char *buf, size_t n)
{
    if (!us)
        snprintf(buf, n, "—");
    else
        fc_time_format_local(us, buf, n);
    return buf;
}


/* Calls fc-welfare; prints JSON with --json or hands the reply to print(). */
static int s_run(fcctl_t *ctl, const char *type, const ProtobufCMessage *req,
                 const ProtobufCMessageDescriptor *desc, void (*print)(const ProtobufCMessage *))
{
    return fcctl_run(ctl, "welfare", type, req, desc, print);
}

/* ---- funds --------------------------------------------------------------------------------- */

static void s_print_balances(Fc__V1__FundBalance **b, size_t n)
{
    char a[32], r[32], p[32], w[32], c1[64], c2[96], h[6][64];
    if (n == 0) {
        printf("（无账户）\n");
        return;
    }
    printf("%s %s %16s %14s %14s %14s\n", s_pad("组织", 12, h[0], sizeof h[0]),
           s_pad("资金", 18, h[1], sizeof h[1]), "可用(元)", "预留(元)", "已支付(元)",
           "待拨付(元)");
    for (size_t i = 0; i < n; i++)
        printf("%s %s %14s %14s %14s %14s\n", s_pad(b[i]->org_code, 12, c1, sizeof c1),
               s_pad(S_FUND(b[i]->fund), 18, c2, sizeof c2),
               s_yuan(b[i]->available_fen, a, sizeof a), s_yuan(b[i]->reserved_fen, r, sizeof r),
               s_yuan(b[i]->paid_fen, p, sizeof p), s_yuan(b[i]->awaiting_fen, w, sizeof w));
}

static void print_transfer(const ProtobufCMessage *m)
{
    const Fc__V1__FundsTransferReply *r = (const Fc__V1__FundsTransferReply *)m;
    printf("%s转账 #%" PRId64 "\n", r->replayed ? "（重复请求，返回首次结果）" : "已记账：",
           r->transfer_id);
    if (r->funded)
        printf("资金到位，%d 笔排队中的发放申请已预留\n", (int)r->funded);
    s_print_balances(r->balances, r->n_balances);
}

/* Options every fund movement takes: --memo, --key; then n_args arguments. */
static int s_move_opts(int argc, char **argv, char **memo, char **key, int n_args)
{
    const fcctl_opt_t opts[] = {FCCTL_TEXT("memo", 'm', memo), FCCTL_TEXT("key", 'k', key),
                                FCCTL_OPTS_END};
    return fcctl_parse_opts(argc, argv, opts, n_args, n_args);
}

static int s_inflow(fcctl_t *ctl, int argc, char **argv, const char *kind)
{
    Fc__V1__FundsInflowRequest req = FC__V1__FUNDS_INFLOW_REQUEST__INIT;
    int match = strcmp(kind, "match") == 0;
    if (s_move_opts(argc, argv, &req.memo, &req.idempotency_key, match ? 2 : 3) != FCCTL_OK)
        return FCCTL_EUSAGE;
    req.org_code = argv[optind];
    req.fund = match ? "matching" : argv[optind + 1];
    int rc = s_amount_arg(argv[argc - 1], &req.amount_fen);
    if (rc != FCCTL_OK)
        return rc;
    req.kind = (char *)kind;
    return s_run(ctl, "welfare.funds_inflow", &req.base, &fc__v1__funds_transfer_reply__descriptor,
                 print_transfer);
}

static int cmd_funds_topup(fcctl_t *ctl, int argc, char **argv)
{
    return s_inflow(ctl, argc, argv, "topup");
}

static int cmd_funds_match(fcctl_t *ctl, int argc, char **argv)
{
    return s_inflow(ctl, argc, argv, "match");
}

static int cmd_funds_allocate(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__FundsAllocateRequest req = FC__V1__FUNDS_ALLOCATE_REQUEST__INIT;
    if (s_move_opts(argc, argv, &req.memo, &req.idempotency_key, 4) != FCCTL_OK)
        return FCCTL_EUSAGE;
    req.from_org = argv[optind];
    req.to_org = argv[optind + 1];
    req.fund = argv[optind + 2];
    int rc = s_amount_arg(argv[optind + 3], &req.amount_fen);
    if (rc != FCCTL_OK)
        return rc;
    return s_run(ctl, "welfare.funds_allocate", &req.base,
                 &fc__v1__funds_transfer_reply__descriptor, print_transfer);
}

static void print_balance(const ProtobufCMessage *m)
{
    const Fc__V1__FundsBalanceReply *r = (const Fc__V1__FundsBalanceReply *)m;
    s_print_balances(r->balances, r->n_balances);
}

static int cmd_funds_balance(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__FundsBalanceRequest req = FC__V1__FUNDS_BALANCE_REQUEST__INIT;
    const fcctl_opt_t opts[] = {FCCTL_FLAG("subtree", 's', &req.subtree), FCCTL_OPTS_END};
    if (fcctl_parse_opts(argc, argv, opts, 0, 1) != FCCTL_OK)
        return FCCTL_EUSAGE;
    req.org_code = optind == argc - 1 ? argv[optind] : "";
    return s_run(ctl, "welfare.funds_balance", &req.base, &fc__v1__funds_balance_reply__descriptor,
                 print_balance);
}

static void print_statement(const ProtobufCMessage *m)
{
    const Fc__V1__FundsStatementReply *r = (const Fc__V1__FundsStatementReply *)m;
    char a[32], b[32], t[40], f[40];
    static const char *acc[][2] = {{"budget", "可用"}, {"hold", "预留"}, {"payout", "已支付"}};
    printf("%s %s（%s账户）对账单  %s 至 %s\n", r->org_code, S_FUND(r->fund),
           s_label(acc, 3, r->account), r->from_us ? s_time(r->from_us, f, sizeof f) : "开始",
           s_time(r->to_us, t, sizeof t));
    printf("期初余额 %s 元\n", s_yuan(r->opening_fen, a, sizeof a));
    printf("%-19s %8s %-12s %14s %14s  %s\n", "时间", "转账", "类别", "金额(元)", "余额(元)",
           "对方账户 / 摘要");
    for (size_t i = 0; i < r->n_lines; i++) {
        const Fc__V1__FundsStatementLine *l = r->lines[i];
        printf("%-19s %8" PRId64 " %-12s %14s %14s  %s %s", s_time(l->at_us, t, sizeof t),
               l->transfer_id, l->kind, s_yuan(l->amount_fen, a, sizeof a),
               s_yuan(l->balance_fen, b, sizeof b), l->counterparty, l->memo);
        if (l->disbursement_id)
            printf("（发放申请 #%" PRId64 "）", l->disbursement_id);
        printf("\n");
    }
    if (r->truncated)
        printf("……（明细超过显示上限，合计与期末余额包含全部明细）\n");
    printf("本期收入 %s 元，本期支出 %s 元\n", s_yuan(r->total_in_fen, a, sizeof a),
           s_yuan(-r->total_out_fen, b, sizeof b));
    printf("期末余额 %s 元\n", s_yuan(r->closing_fen, a, sizeof a));
}

static int cmd_funds_statement(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__FundsStatementRequest req = FC__V1__FUNDS_STATEMENT_REQUEST__INIT;
    const fcctl_opt_t opts[] = {
        FCCTL_TEXT("account", 'a', &req.account), FCCTL_TIME("from", 'f', &req.from_us),
        FCCTL_TIME("to", 't', &req.to_us), FCCTL_NUM("limit", 'l', &req.limit), FCCTL_OPTS_END};
    if (fcctl_parse_opts(argc, argv, opts, 2, 2) != FCCTL_OK)
        return FCCTL_EUSAGE;
    req.org_code = argv[optind];
    req.fund = argv[optind + 1];
    return s_run(ctl, "welfare.funds_statement", &req.base,
                 &fc__v1__funds_statement_reply__descriptor, print_statement);
}

static void print_check(const ProtobufCMessage *m)
{
    const Fc__V1__WelfareCheckReply *r = (const Fc__V1__WelfareCheckReply *)m;
    char a[32], b[32];
    printf("%s：%" PRId64 " 笔转账，%" PRId64 " 个账户，%" PRId64 " 笔发放申请；外部入账 %s 元，"
           "账内余额合计 %s 元\n",
           r->ok ? "账目核对通过" : "账目核对发现问题", r->transfers, r->accounts, r->disbursements,
           s_yuan(r->external_inflow_fen, a, sizeof a),
           s_yuan(r->internal_balance_fen, b, sizeof b));
    for (size_t i = 0; i < r->n_violations; i++)
        printf("  ✗ %s\n", r->violations[i]);
}

static int cmd_funds_check(fcctl_t *ctl, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return FCCTL_EUSAGE;
    Fc__V1__WelfareCheckRequest req = FC__V1__WELFARE_CHECK_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "welfare", "welfare.check", &req.base,
                        &fc__v1__welfare_check_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    if (ctl->json)
        fcctl_print_json(reply);
    else
        print_check(reply);
    int ok = ((Fc__V1__WelfareCheckReply *)reply)->ok;
    protobuf_c_message_free_unpacked(reply, NULL);
    return ok ? FCCTL_OK : FCCTL_EFAIL;
}

/* ---- payments ------------------------------------------------------------------------------- */

static void s_print_disb(const Fc__V1__Disbursement *d)
{
    char a[32], t[40];
    printf("发放申请 #%" PRId64 "  %s  %s\n", d->id, S_KIND(d->kind), S_STATE(d->state));
    printf("  人员      %s（所在组织 %s，支付单位 %s）\n", d->employee_no, d->person_org,
           d->payer_org);
    printf("  金额      %s 元（%s）\n", s_yuan(d->amount_fen, a, sizeof a), S_FUND(d->fund));
    if (d->reason[0])
        printf("  说明      %s\n", d->reason);
    if (d->incident_kind[0])
        printf("  事件      %s\n", d->incident_kind);
    if (d->duty_day[0])
        printf("  值班日    %s（%d 类岗位）\n", d->duty_day, (int)d->risk_class);
    printf("  来源      %s%s%s\n", strcmp(d->source, "manual") == 0 ? "手工申请" : "自动（intake）",
           d->source_ref[0] ? " " : "", d->source_ref);
    printf("  申请      %s  %s\n", d->requested_by, s_time(d->requested_at_us, t, sizeof t));
    if (d->approved_by[0])
        printf("  审批      %s  %s\n", d->approved_by, s_time(d->decided_at_us, t, sizeof t));
    if (d->reversed_at_us)
        printf("  冲正      %s\n", s_time(d->reversed_at_us, t, sizeof t));
    if (d->memo[0])
        printf("  备注      %s\n", d->memo);
    printf("  幂等键    %s\n", d->idempotency_key);
    for (size_t i = 0; i < d->n_audit; i++) {
        const Fc__V1__DisbursementAudit *x = d->audit[i];
        printf("  %s  %-8s %-16s %s → %s%s%s", s_time(x->at_us, t, sizeof t), x->action, x->actor,
               x->from_state[0] ? S_STATE(x->from_state) : "（新建）", S_STATE(x->to_state),
               x->note[0] ? "  " : "", x->note);
        if (x->transfer_id)
            printf("（转账 #%" PRId64 "）", x->transfer_id);
        printf("\n");
    }
}

static void print_pay(const ProtobufCMessage *m)
{
    const Fc__V1__PayReply *r = (const Fc__V1__PayReply *)m;
    if (r->replayed)
        printf("（幂等键已使用过：返回首次申请的结果）\n");
    if (r->disbursement)
        s_print_disb(r->disbursement);
}

static int cmd_pay_request(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__PayRequest req = FC__V1__PAY_REQUEST__INIT;
    const fcctl_opt_t opts[] = {FCCTL_TEXT("incident", 'i', &req.incident_kind),
                                FCCTL_TEXT("key", 'k', &req.idempotency_key),
                                FCCTL_TEXT("memo", 'm', &req.memo), FCCTL_OPTS_END};
    int rc;
    if (fcctl_parse_opts(argc, argv, opts, 2, 3) != FCCTL_OK)
        return FCCTL_EUSAGE;
    req.employee_no = argv[optind];
    req.kind = argv[optind + 1];
    if (optind == argc - 3 && (rc = s_amount_arg(argv[optind + 2], &req.amount_fen)) != FCCTL_OK)
        return rc;
    char key[FC_ID_LEN + 16];
    if (!req.idempotency_key[0]) {
        /* no key given: a fresh one, printed so that a retry can reuse it */
        char id[FC_ID_LEN + 1];
        fc_id_new(id);
        snprintf(key, sizeof key, "fcctl-%s", id);
        if (!ctl->json)
            fprintf(stderr, "fcctl: idempotency key %s (repeat with --key %s to retry safely)\n",
                    key, key);
        req.idempotency_key = key;
    }
    return s_run(ctl, "welfare.pay_request", &req.base, &fc__v1__pay_reply__descriptor, print_pay);
}

static int s_decision(fcctl_t *ctl, int argc, char **argv, const char *type, int need_reason)
{
    Fc__V1__PayDecisionRequest req = FC__V1__PAY_DECISION_REQUEST__INIT;
    const fcctl_opt_t opts[] = {FCCTL_TEXT("reason", 'r', &req.note),
                                FCCTL_TEXT("note", 'n', &req.note), FCCTL_OPTS_END};
    int rc;
    if (fcctl_parse_opts(argc, argv, opts, 1, 1) != FCCTL_OK)
        return FCCTL_EUSAGE;
    if ((rc = fcctl_id_arg("id", argv[optind], &req.id)) != FCCTL_OK)
        return rc;
    if (need_reason && !req.note[0]) {
        fprintf(stderr, "fcctl: --reason: required\n");
        return FCCTL_EUSAGE;
    }
    return s_run(ctl, type, &req.base, &fc__v1__pay_reply__descriptor, print_pay);
}

static int cmd_pay_approve(fcctl_t *ctl, int argc, char **argv)
{
    return s_decision(ctl, argc, argv, "welfare.pay_approve", 0);
}

static int cmd_pay_reject(fcctl_t *ctl, int argc, char **argv)
{
    return s_decision(ctl, argc, argv, "welfare.pay_reject", 1);
}

static int cmd_pay_reverse(fcctl_t *ctl, int argc, char **argv)
{
    return s_decision(ctl, argc, argv, "welfare.pay_reverse", 1);
}

static int cmd_pay_show(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__PayShowRequest req = FC__V1__PAY_SHOW_REQUEST__INIT;
    const fcctl_opt_t opts[] = {FCCTL_TEXT("key", 'k', &req.idempotency_key), FCCTL_OPTS_END};
    int rc;
    if (fcctl_parse_opts(argc, argv, opts, 0, 1) != FCCTL_OK ||
        argc - optind != (req.idempotency_key[0] ? 0 : 1))
        return FCCTL_EUSAGE;
    if (!req.idempotency_key[0] && (rc = fcctl_id_arg("id", argv[optind], &req.id)) != FCCTL_OK)
        return rc;
    return s_run(ctl, "welfare.pay_show", &req.base, &fc__v1__pay_reply__descriptor, print_pay);
}

static void print_list(const ProtobufCMessage *m)
{
    const Fc__V1__PayListReply *r = (const Fc__V1__PayListReply *)m;
    char a[32], b[32], w[32], t[40], k[64], st[64], h[5][64];
    printf("%s %s %s %s %s %12s %s\n", s_pad("编号", 8, h[0], sizeof h[0]),
           s_pad("申请时间", 19, h[1], sizeof h[1]), s_pad("人员", 10, h[2], sizeof h[2]),
           s_pad("类别", 16, h[3], sizeof h[3]), s_pad("支付单位", 10, h[4], sizeof h[4]),
           "金额(元)", "状态");
    for (size_t i = 0; i < r->n_items; i++) {
        const Fc__V1__Disbursement *d = r->items[i];
        printf("%-8" PRId64 " %-19s %-10s %s %-10s %12s %s\n", d->id,
               s_time(d->requested_at_us, t, sizeof t), d->employee_no,
               s_pad(S_KIND(d->kind), 16, k, sizeof k), d->payer_org,
               s_yuan(d->amount_fen, a, sizeof a), s_pad(S_STATE(d->state), 14, st, sizeof st));
    }
    printf("共 %" PRId64 " 笔%s\n", r->total,
           (int64_t)r->n_items < r->total ? "（仅显示最近的部分，可用 --limit 调整）" : "");
    for (size_t i = 0; i < r->n_by_kind; i++) {
        const Fc__V1__PayKindTotal *x = r->by_kind[i];
        printf("  %s %4" PRId64 " 笔  已支付 %s 元  待审批 %s 元  待拨付 %s 元\n",
               s_pad(S_KIND(x->kind), 16, k, sizeof k), x->count, s_yuan(x->paid_fen, a, sizeof a),
               s_yuan(x->pending_fen, b, sizeof b), s_yuan(x->awaiting_fen, w, sizeof w));
    }
}

static int cmd_pay_list(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__PayListRequest req = FC__V1__PAY_LIST_REQUEST__INIT;
    const fcctl_opt_t opts[] = {
        FCCTL_TEXT("person", 'p', &req.employee_no), FCCTL_TEXT("kind", 'k', &req.kind),
        FCCTL_TEXT("state", 's', &req.state),        FCCTL_TEXT("org", 'o', &req.org_code),
        FCCTL_TIME("from", 'f', &req.from_us),       FCCTL_TIME("to", 't', &req.to_us),
        FCCTL_NUM("limit", 'l', &req.limit),         FCCTL_OPTS_END};
    if (fcctl_parse_opts(argc, argv, opts, 0, 0) != FCCTL_OK)
        return FCCTL_EUSAGE;
    return s_run(ctl, "welfare.pay_list", &req.base, &fc__v1__pay_list_reply__descriptor,
                 print_list);
}

/* ---- families ------------------------------------------------------------------------------- */

static void s_print_family(const Fc__V1__FamilyCare *f, int visits)
{
    char t[40], u[40];
    printf("%s %s（%s）  家属联系人 %s %s %s  专人联系 %s  每 %d 天走访，下次 %s，上次 %s\n",
           f->employee_no, f->person_name, f->org_code, f->contact_name[0] ? f->contact_name : "—",
           f->contact_relation, f->contact_phone,
           f->liaison_employee_no[0] ? f->liaison_employee_no : "（待指定）",
           (int)f->visit_every_days, s_time(f->next_due_us, t, sizeof t),
           s_time(f->last_visit_us, u, sizeof u));
    for (size_t i = 0; visits && i < f->n_visits; i++)
        printf("  走访 %s  %s  %s\n", s_time(f->visits[i]->at_us, t, sizeof t),
               f->visits[i]->visitor, f->visits[i]->note);
}

static void print_family_list(const ProtobufCMessage *m)
{
    const Fc__V1__FamilyListReply *r = (const Fc__V1__FamilyListReply *)m;
    for (size_t i = 0; i < r->n_records; i++)
        s_print_family(r->records[i], 0);
    printf("共 %zu 户\n", r->n_records);
}

static void print_family(const ProtobufCMessage *m)
{
    const Fc__V1__FamilyShowReply *r = (const Fc__V1__FamilyShowReply *)m;
    if (r->record)
        s_print_family(r->record, 1);
}

static int cmd_family_list(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__FamilyListRequest req = FC__V1__FAMILY_LIST_REQUEST__INIT;
    const fcctl_opt_t opts[] = {FCCTL_TEXT("org", 'o', &req.org_code),
                                FCCTL_FLAG("due", 'd', &req.due_only), FCCTL_OPTS_END};
    if (fcctl_parse_opts(argc, argv, opts, 0, 0) != FCCTL_OK)
        return FCCTL_EUSAGE;
    return s_run(ctl, "welfare.family_list", &req.base, &fc__v1__family_list_reply__descriptor,
                 print_family_list);
}

static int cmd_family_show(fcctl_t *ctl, int argc, char **argv)
{
    if (argc != 2)
        return FCCTL_EUSAGE;
    Fc__V1__FamilyShowRequest req = FC__V1__FAMILY_SHOW_REQUEST__INIT;
    req.employee_no = argv[1];
    return s_run(ctl, "welfare.family_show", &req.base, &fc__v1__family_show_reply__descriptor,
                 print_family);
}

static int cmd_family_assign(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__FamilyAssignRequest req = FC__V1__FAMILY_ASSIGN_REQUEST__INIT;
    const fcctl_opt_t opts[] = {FCCTL_TEXT("liaison", 'l', &req.liaison_employee_no),
                                FCCTL_TEXT("contact", 'c', &req.contact_name),
                                FCCTL_TEXT("phone", 'p', &req.contact_phone),
                                FCCTL_TEXT("relation", 'r', &req.contact_relation),
                                FCCTL_NUM("every", 'e', &req.visit_every_days), FCCTL_OPTS_END};
    if (fcctl_parse_opts(argc, argv, opts, 1, 1) != FCCTL_OK)
        return FCCTL_EUSAGE;
    req.employee_no = argv[optind];
    return s_run(ctl, "welfare.family_assign", &req.base, &fc__v1__family_show_reply__descriptor,
                 print_family);
}

static int cmd_family_visit(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__FamilyVisitRequest req = FC__V1__FAMILY_VISIT_REQUEST__INIT;
    const fcctl_opt_t opts[] = {FCCTL_TIME("at", 'a', &req.at_us),
                                FCCTL_TEXT("visitor", 'v', &req.visitor),
                                FCCTL_TEXT("note", 'n', &req.note), FCCTL_OPTS_END};
    if (fcctl_parse_opts(argc, argv, opts, 1, 1) != FCCTL_OK)
        return FCCTL_EUSAGE;
    req.employee_no = argv[optind];
    return s_run(ctl, "welfare.family_visit", &req.base, &fc__v1__family_show_reply__descriptor,
                 print_family);
}

/* ---- benefit application cases (000 §4) ----------------------------------------------------- */

static const char *s_bstates[][2] = {
    {"open", "办理中"},
    {"granted", "已批准"},
    {"refused", "未获批准"},
};
#define S_BSTATE(c) s_label(s_bstates, sizeof s_bstates / sizeof s_bstates[0], (c))

static void s_print_case(const Fc__V1__BenefitCase *x, int full)
{
    char a[32], t1[40], t2[40];
    printf("#%" PRId64 " %s %s（%s）%s 状态：%s%s\n", x->id, x->kind_label, x->person_name,
           x->employee_no, x->org_code, S_BSTATE(x->state), x->overdue ? " 【已逾期】" : "");
    printf("  当前步骤：%s（%d/%d）截止 %s  经办：%s\n", x->step_label, (int)x->step_index + 1,
           (int)x->step_count, s_time(x->step_deadline_us, t1, sizeof t1), x->handler);
    if (x->incident_id)
        printf("  由事件 #%" PRId64 " 自动立案于 %s\n", x->incident_id,
               s_time(x->opened_at_us, t2, sizeof t2));
    else
        printf("  %s 立案（%s）\n", s_time(x->opened_at_us, t2, sizeof t2), x->opened_by);
    if (strcmp(x->state, "open") != 0)
        printf("  结论：%s %s%s%s\n", S_BSTATE(x->state),
               x->amount_fen ? s_yuan(x->amount_fen, a, sizeof a) : "",
               x->amount_fen ? " 元 " : "", x->outcome_note);
    if (x->disbursement_id)
        printf("  发放申请 #%" PRId64 "（%s）\n", x->disbursement_id, S_KIND(x->payout_kind));
    if (!full)
        return;
    for (size_t i = 0; i < x->n_steps; i++) {
        const Fc__V1__BenefitStep *s = x->steps[i];
        printf("  步骤 %d %s：开始 %s，截止 %s，", (int)s->index + 1, s->label,
               s_time(s->started_at_us, t1, sizeof t1), s_time(s->deadline_us, t2, sizeof t2));
        if (s->completed_at_us)
            printf("%s 办结（%s）", s_time(s->completed_at_us, t1, sizeof t1), s->completed_by);
        else
            printf("办理中");
        printf("，经办 %s%s%s\n", s->handler, s->note[0] ? "，" : "", s->note);
    }
    for (size_t i = 0; i < x->n_docs; i++) {
        const Fc__V1__BenefitDoc *d = x->docs[i];
        printf("  材料 #%" PRId64 " [%s] %s %s 收件 %s（%s 登记）\n", d->id, d->step, d->name,
               d->reference, s_time(d->received_at_us, t1, sizeof t1), d->recorded_by);
    }
}

static void print_benefit(const ProtobufCMessage *m)
{
    const Fc__V1__BenefitReply *r = (const Fc__V1__BenefitReply *)m;
    if (r->benefit)
        s_print_case(r->benefit, 1);
    if (r->disbursement) {
        char a[32];
        printf("  发放：#%" PRId64 " %s %s 元（%s）\n", r->disbursement->id,
               S_KIND(r->disbursement->kind), s_yuan(r->disbursement->amount_fen, a, sizeof a),
               S_STATE(r->disbursement->state));
    }
}

static void print_benefit_list(const ProtobufCMessage *m)
{
    const Fc__V1__BenefitListReply *r = (const Fc__V1__BenefitListReply *)m;
    for (size_t i = 0; i < r->n_cases; i++)
        s_print_case(r->cases[i], 0);
    printf("共 %" PRId64 " 件\n", r->total);
}

static int s_case_arg(const char *s, int64_t *id)
{
    return fcctl_id_arg("case_id", s, id);
}

static int cmd_benefit_open(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__BenefitOpenRequest req = FC__V1__BENEFIT_OPEN_REQUEST__INIT;
    const fcctl_opt_t opts[] = {
        FCCTL_ID("incident", 'i', &req.incident_id), FCCTL_TEXT("handler", 'h', &req.handler),
        FCCTL_TIME("deadline", 'd', &req.deadline_us), FCCTL_TEXT("note", 'n', &req.note),
        FCCTL_OPTS_END};
    if (fcctl_parse_opts(argc, argv, opts, 2, 2) != FCCTL_OK)
        return FCCTL_EUSAGE;
    req.kind = argv[optind];
    req.employee_no = argv[optind + 1];
    return s_run(ctl, "welfare.benefit_open", &req.base, &fc__v1__benefit_reply__descriptor,
                 print_benefit);
}

static int cmd_benefit_step(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__BenefitStepRequest req = FC__V1__BENEFIT_STEP_REQUEST__INIT;
    const fcctl_opt_t opts[] = {FCCTL_TEXT("handler", 'h', &req.handler),
                                FCCTL_TIME("deadline", 'd', &req.deadline_us),
                                FCCTL_TEXT("note", 'n', &req.note), FCCTL_OPTS_END};
    int rc;
    if (fcctl_parse_opts(argc, argv, opts, 2, 2) != FCCTL_OK)
        return FCCTL_EUSAGE;
    if ((rc = s_case_arg(argv[optind], &req.case_id)) != FCCTL_OK)
        return rc;
    req.step = argv[optind + 1];
    return s_run(ctl, "welfare.benefit_step", &req.base, &fc__v1__benefit_reply__descriptor,
                 print_benefit);
}

static int cmd_benefit_doc(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__BenefitDocRequest req = FC__V1__BENEFIT_DOC_REQUEST__INIT;
    const fcctl_opt_t opts[] = {FCCTL_TEXT("ref", 'r', &req.reference),
                                FCCTL_TEXT("step", 's', &req.step),
                                FCCTL_TIME("received", 'a', &req.received_at_us), FCCTL_OPTS_END};
    int rc;
    if (fcctl_parse_opts(argc, argv, opts, 2, 2) != FCCTL_OK)
        return FCCTL_EUSAGE;
    if ((rc = s_case_arg(argv[optind], &req.case_id)) != FCCTL_OK)
        return rc;
    req.name = argv[optind + 1];
    return s_run(ctl, "welfare.benefit_doc", &req.base, &fc__v1__benefit_reply__descriptor,
                 print_benefit);
}

static int s_benefit_decision(fcctl_t *ctl, int argc, char **argv, int grant)
{
    Fc__V1__BenefitDecisionRequest req = FC__V1__BENEFIT_DECISION_REQUEST__INIT;
    const fcctl_opt_t opts[] = {FCCTL_TEXT("note", 'n', &req.note),
                                FCCTL_TEXT("reason", 'r', &req.note), FCCTL_OPTS_END};
    int rc, n_args = grant ? 2 : 1;
    if (fcctl_parse_opts(argc, argv, opts, n_args, n_args) != FCCTL_OK)
        return FCCTL_EUSAGE;
    if ((rc = s_case_arg(argv[optind], &req.case_id)) != FCCTL_OK ||
        (grant && (rc = s_amount_arg(argv[optind + 1], &req.amount_fen)) != FCCTL_OK))
        return rc;
    return s_run(ctl, grant ? "welfare.benefit_grant" : "welfare.benefit_refuse", &req.base,
                 &fc__v1__benefit_reply__descriptor, print_benefit);
}

static int cmd_benefit_grant(fcctl_t *ctl, int argc, char **argv)
{
    return s_benefit_decision(ctl, argc, argv, 1);
}

static int cmd_benefit_refuse(fcctl_t *ctl, int argc, char **argv)
{
    return s_benefit_decision(ctl, argc, argv, 0);
}

static int cmd_benefit_show(fcctl_t *ctl, int argc, char **argv)
{
    if (argc != 2)
        return FCCTL_EUSAGE;
    Fc__V1__BenefitShowRequest req = FC__V1__BENEFIT_SHOW_REQUEST__INIT;
    int rc = s_case_arg(argv[1], &req.case_id);
    if (rc != FCCTL_OK)
        return rc;
    return s_run(ctl, "welfare.benefit_show", &req.base, &fc__v1__benefit_reply__descriptor,
                 print_benefit);
}

static int cmd_benefit_list(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__BenefitListRequest req = FC__V1__BENEFIT_LIST_REQUEST__INIT;
    const fcctl_opt_t opts[] = {
        FCCTL_TEXT("org", 'o', &req.org_code),   FCCTL_TEXT("person", 'p', &req.employee_no),
        FCCTL_TEXT("kind", 'k', &req.kind),      FCCTL_TEXT("state", 's', &req.state),
        FCCTL_FLAG("overdue", 'd', &req.overdue_only), FCCTL_NUM("limit", 'l', &req.limit),
        FCCTL_OPTS_END};
    if (fcctl_parse_opts(argc, argv, opts, 0, 0) != FCCTL_OK)
        return FCCTL_EUSAGE;
    return s_run(ctl, "welfare.benefit_list", &req.base, &fc__v1__benefit_list_reply__descriptor,
                 print_benefit_list);
}

const fcctl_cmd_t fcctl_welfare_cmds[] = {
    {"funds topup", "funds topup ORG FUND AMOUNT [--memo TEXT] [--key KEY]",
     "adds money from outside to a fund of an org unit (追加); AMOUNT in yuan", cmd_funds_topup},
    {"funds match", "funds match ORG AMOUNT [--memo TEXT] [--key KEY]",
     "adds a level's own matching funds (本级配套)", cmd_funds_match},
    {"funds allocate", "funds allocate FROM_ORG TO_ORG FUND AMOUNT [--memo TEXT] [--key KEY]",
     "passes money down the tree (上级划拨); only what FROM_ORG holds", cmd_funds_allocate},
    {"funds balance", "funds balance [ORG] [--subtree]",
     "available, reserved, paid and queued amounts per org unit and fund", cmd_funds_balance},
    {"funds statement",
     "funds statement ORG FUND [--account budget|hold|payout] [--from TIME] [--to TIME] "
     "[--limit N]",
     "an account's lines with opening and closing balances", cmd_funds_statement},
    {"funds check", "funds check", "verifies the ledger's invariants (exit 4 if any fails)",
     cmd_funds_check},
    {"pay request", "pay request EMPNO KIND [AMOUNT] [--incident KIND] [--key KEY] [--memo TEXT]",
     "requests a payment (KIND: condolence|epidemic_allowance|hardship|insurance_claim)",
     cmd_pay_request},
    {"pay approve", "pay approve ID [--note TEXT]", "approves a pending payment: it is paid",
     cmd_pay_approve},
    {"pay reject", "pay reject ID --reason TEXT", "rejects a payment not yet paid", cmd_pay_reject},
    {"pay reverse", "pay reverse ID --reason TEXT",
     "reverses a paid payment by a compensating transfer", cmd_pay_reverse},
    {"pay show", "pay show ID | pay show --key KEY", "a payment with its audit trail",
     cmd_pay_show},
    {"pay list",
     "pay list [--person EMPNO] [--kind K] [--state S] [--org ORG] [--from T] [--to T] "
     "[--limit N]",
     "payments per person, kind, state, org and period, with totals", cmd_pay_list},
    {"family list", "family list [--org ORG] [--due]",
     "families of the deceased in care (--due: visit due now)", cmd_family_list},
    {"family show", "family show EMPNO", "a family-care record with its visits", cmd_family_show},
    {"family assign",
     "family assign EMPNO [--liaison EMPNO] [--contact NAME] [--phone P] [--relation R] "
     "[--every DAYS]",
     "sets the designated contact, the family's contact or the visit cadence", cmd_family_assign},
    {"family visit", "family visit EMPNO [--at TIME] [--visitor NAME] [--note TEXT]",
     "records a visit to a family", cmd_family_visit},
    {"benefit open",
     "benefit open KIND EMPNO [--incident ID] [--handler EMPNO|desk:ORG] [--deadline TIME] "
     "[--note TEXT]",
     "opens a benefit case: work_injury, disability, death_on_duty, martyr, accident_insurance, "
     "illness_insurance",
     cmd_benefit_open},
    {"benefit step",
     "benefit step CASE STEP [--handler EMPNO|desk:ORG] [--deadline TIME] [--note TEXT]",
     "completes the current step and starts the next one (in the kind's order)", cmd_benefit_step},
    {"benefit doc", "benefit doc CASE NAME [--ref REF] [--step STEP] [--received TIME]",
     "records a document received for a step", cmd_benefit_doc},
    {"benefit grant", "benefit grant CASE AMOUNT [--note TEXT]",
     "grants a case at its last step; AMOUNT in yuan is paid once through the payments",
     cmd_benefit_grant},
    {"benefit refuse", "benefit refuse CASE --reason TEXT", "closes a case as not granted",
     cmd_benefit_refuse},
    {"benefit show", "benefit show CASE", "a case with its steps, documents and payment",
     cmd_benefit_show},
    {"benefit list",
     "benefit list [--org ORG] [--person EMPNO] [--kind K] [--state open|granted|refused] "
     "[--overdue] [--limit N]",
     "benefit cases (newest first)", cmd_benefit_list},
    {NULL, NULL, NULL, NULL},
};

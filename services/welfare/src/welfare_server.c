/* welfare_server: handlers for funds, payments, families and the checker. Each write validates
 * its input, checks the actor's role and org scope, and runs in the one transaction the
 * service opened for it (its reply stored under the message id); client idempotency keys get
 * their first answer back on a retry. */
#include "welfare_server.h"
#include "welfare_benefit.h"
#include "welfare_check.h"
#include "welfare_events.h"
#include "welfare_family.h"
#include "welfare_flow.h"
#include "welfare_rules.h"
#include "welfare_store.h"
#include "welfare_supply.h"
#include "fc/v1/welfare.pb-c.h"
#include "fc_clock.h"
#include "fc_log.h"
#include "fc_pb.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    welfare_policy_t policy;
    welfare_benefit_policy_t benefit; /* benefit.kinds: steps, deadlines, payouts */
    fc_arena_t *arena; /* events and sweeps (requests use the call's) */
    int64_t next_sweep_ms;
    int64_t sweep_ms;
    int sweep_batch;
} welfare_app_t;

const fc_cfg_def_t welfare_config[] = {
    {"WELFARE_SWEEP_MS", FC_CFG_INT, "1000", 10, 3600000,
     "how often the sweepers run (expiry, funding queues, family visits due)"},
    {"WELFARE_SWEEP_BATCH", FC_CFG_INT, "100", 1, 256, "items each sweeper handles per turn"},
};
const size_t welfare_nconfig = sizeof welfare_config / sizeof welfare_config[0];

static int s_publish(void *arg, const char *type, const ProtobufCMessage *event, int64_t at_us,
                     fc_err_t *err)
{
    return fc_service_publish((fc_service_t *)arg, type, event, at_us, err);
}

static void s_ctx(fc_service_t *svc, fc_arena_t *arena, welfare_ctx_t *c)
{
    welfare_app_t *app = fc_service_app(svc);
    memset(c, 0, sizeof *c);
    c->pg = fc_service_pg(svc);
    c->policy = &app->policy;
    c->publish = s_publish;
    c->publish_arg = svc;
    c->arena = arena;
    c->now_us = fc_clock_now_us();
    c->actor = WELFARE_AUTO_ACTOR;
    c->role = "service";
    c->scope = "";
}

static void s_call_ctx(fc_service_t *svc, fc_call_t *call, welfare_ctx_t *c)
{
    s_ctx(svc, call->arena, c);
    c->actor = fc_call_actor(call);
    c->role = fc_call_role(call);
    c->scope = fc_call_scope(call);
}

/* The unit a query covers: the one asked for, else the caller's scope; "" = everything (only
 * for group-wide callers). */
static int s_query_root(const welfare_ctx_t *c, const char *asked, const char **root, fc_err_t *err)
{
    int rc;
    *root = asked && *asked ? asked : c->scope ? c->scope : "";
    if (!**root)
        return welfare_flow_group_wide(c)
                   ? FC_OK
                   : fc_err_set(err, FC_EDENIED, "org_scope", "请求未携带组织范围");
    if ((rc = welfare_rules_code("org_code", *root, err)) != FC_OK)
        return rc;
    return welfare_flow_authorize(c, *root, WELFARE_ACT_READ, "org_code", err);
}

/* ---- client idempotency keys -------------------------------------------------------------- */

/* A request's parameters as one unambiguous string (length-prefixed fields). */
static char *s_signature(fc_arena_t *arena, const char *const *fields, int n)
{
    fc_buf_t b;
    fc_buf_init(&b);
    for (int i = 0; i < n; i++)
        fc_buf_printf(&b, "%zu:%s|", strlen(fields[i]), fields[i]);
    char *s = fc_arena_strdup(arena, b.data ? b.data : "");
    fc_buf_fini(&b);
    return s;
}

/* If key was answered before, *out is that first answer (arena memory); a key reused for
 * other parameters is refused. Holds the key's lock until the transaction ends. */
static int s_idem_replay(welfare_ctx_t *c, const char *key, const char *sig,
                         const ProtobufCMessageDescriptor *desc, ProtobufCMessage **out,
                         fc_err_t *err)
{
    *out = NULL;
    int found = 0, rc;
    char *stored_sig = NULL;
    uint8_t *bytes = NULL;
    size_t len = 0;
    if ((rc = welfare_store_idem_lock(c->pg, key, err)) != FC_OK ||
        (rc = welfare_store_idem_get(c->pg, key, c->arena, &found, &stored_sig, &bytes, &len,
                                     err)) != FC_OK ||
        !found)
        return rc;
    if (strcmp(stored_sig, sig) != 0)
        return fc_err_set(err, FC_ECONFLICT, "idempotency_key",
                          "幂等键“%s”已用于另一笔参数不同的请求", key);
    ProtobufCAllocator alloc;
    fc_pb_arena_allocator(&alloc, c->arena);
    *out = fc_pb_unpack(desc, bytes, len, FC_PB_MAX_MESSAGE, &alloc, "idempotency_key", err);
    return *out ? FC_OK : FC_ERR;
}

static int s_idem_store(welfare_ctx_t *c, const char *key, const char *sig,
                        const ProtobufCMessage *reply, fc_err_t *err)
{
    size_t len = 0;
    uint8_t *bytes = fc_pb_pack(reply, &len);
    int rc = welfare_store_idem_put(c->pg, key, sig, bytes, len, c->now_us, err);
    free(bytes);
    return rc;
}

/* ---- funds --------------------------------------------------------------------------------- */

static int s_add_balances(welfare_ctx_t *c, Fc__V1__FundsTransferReply *r, const char *org,
                          int fund, fc_err_t *err)
{
    Fc__V1__FundBalance **b = NULL;
    size_t n = 0;
    int rc = welfare_store_balances(c->pg, org, 0, fund, c->arena, &b, &n, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__FundBalance **all = fc_arena_alloc(c->arena, (r->n_balances + n + 1) * sizeof *all);
    if (r->n_balances)
        memcpy(all, r->balances, r->n_balances * sizeof *all);
    memcpy(all + r->n_balances, b, n * sizeof *all);
    r->balances = all;
    r->n_balances += n;
    return FC_OK;
}

static int handle_funds_inflow(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__FundsInflowRequest *req = (const Fc__V1__FundsInflowRequest *)call->request;
    welfare_ctx_t c;
    s_call_ctx(svc, call, &c);
    int fund = -1, rc;
    if ((rc = welfare_rules_code("org_code", req->org_code, err)) != FC_OK ||
        (rc = welfare_rules_fund("fund", req->fund, &fund, err)) != FC_OK ||
        (rc = welfare_rules_key("idempotency_key", req->idempotency_key, 0, err)) != FC_OK)
        return rc;
    char amount[24];
    snprintf(amount, sizeof amount, "%" PRId64, req->amount_fen);
    const char *f[] = {"inflow", req->kind, req->org_code, req->fund, amount, req->memo};
    const char *sig = s_signature(call->arena, f, 6);
    ProtobufCMessage *first = NULL;
    if (req->idempotency_key[0] &&
        (rc = s_idem_replay(&c, req->idempotency_key, sig,
                            &fc__v1__funds_transfer_reply__descriptor, &first, err)) != FC_OK)
        return rc;
    if (first) {
        ((Fc__V1__FundsTransferReply *)first)->replayed = 1;
        call->reply = first;
        return FC_OK;
    }
    welfare_moved_t moved;
    if ((rc = welfare_flow_inflow(&c, req->org_code, fund, req->kind, req->amount_fen, req->memo,
                                  &moved, err)) != FC_OK)
        return rc;
    Fc__V1__FundsTransferReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__funds_transfer_reply__init(r);
    r->transfer_id = moved.transfer_id;
    r->funded = moved.funded;
    if ((rc = s_add_balances(&c, r, req->org_code, fund, err)) != FC_OK)
        return rc;
    if (req->idempotency_key[0] &&
        (rc = s_idem_store(&c, req->idempotency_key, sig, &r->base, err)) != FC_OK)
        return rc;
    call->reply = &r->base;
    return FC_OK;
}

static int handle_funds_allocate(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__FundsAllocateRequest *req = (const Fc__V1__FundsAllocateRequest *)call->request;
    welfare_ctx_t c;
    s_call_ctx(svc, call, &c);
    int fund = -1, rc;
    if ((rc = welfare_rules_fund("fund", req->fund, &fund, err)) != FC_OK ||
        (rc = welfare_rules_key("idempotency_key", req->idempotency_key, 0, err)) != FC_OK)
        return rc;
    char amount[24];
    snprintf(amount, sizeof amount, "%" PRId64, req->amount_fen);
    const char *f[] = {"allocate", req->from_org, req->to_org, req->fund, amount, req->memo};
    const char *sig = s_signature(call->arena, f, 6);
    ProtobufCMessage *first = NULL;
    if (req->idempotency_key[0] &&
        (rc = s_idem_replay(&c, req->idempotency_key, sig,
                            &fc__v1__funds_transfer_reply__descriptor, &first, err)) != FC_OK)
        return rc;
    if (first) {
        ((Fc__V1__FundsTransferReply *)first)->replayed = 1;
        call->reply = first;
        return FC_OK;
    }
    welfare_moved_t moved;
    if ((rc = welfare_flow_allocate(&c, req->from_org, req->to_org, fund, req->amount_fen,
                                    req->memo, &moved, err)) != FC_OK)
        return rc;
    Fc__V1__FundsTransferReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__funds_transfer_reply__init(r);
    r->transfer_id = moved.transfer_id;
    r->funded = moved.funded;
    if ((rc = s_add_balances(&c, r, req->from_org, fund, err)) != FC_OK ||
        (rc = s_add_balances(&c, r, req->to_org, fund, err)) != FC_OK)
        return rc;
    if (req->idempotency_key[0] &&
        (rc = s_idem_store(&c, req->idempotency_key, sig, &r->base, err)) != FC_OK)
        return rc;
    call->reply = &r->base;
    return FC_OK;
}

static int handle_funds_balance(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__FundsBalanceRequest *req = (const Fc__V1__FundsBalanceRequest *)call->request;
    welfare_ctx_t c;
    s_call_ctx(svc, call, &c);
    const char *root = NULL;
    int rc = s_query_root(&c, req->org_code, &root, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__FundsBalanceReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__funds_balance_reply__init(r);
    if ((rc = welfare_store_balances(c.pg, root, req->subtree, -1, call->arena, &r->balances,
                                     &r->n_balances, err)) != FC_OK)
        return rc;
    call->reply = &r->base;
    return FC_OK;
}

static int handle_funds_statement(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__FundsStatementRequest *req = (const Fc__V1__FundsStatementRequest *)call->request;
    welfare_ctx_t c;
    s_call_ctx(svc, call, &c);
    int fund = -1, rc;
    const char *root = NULL;
    const char *account = req->account[0] ? req->account : "budget";
    if (strcmp(account, "budget") && strcmp(account, "hold") && strcmp(account, "payout"))
        return fc_err_set(err, FC_EINVAL, "account",
                          "“%s”不是账户类别（budget 可用、hold 预留、payout 已支付）", account);
    if ((rc = welfare_rules_fund("fund", req->fund, &fund, err)) != FC_OK)
        return rc;
    if (!req->org_code[0])
        return fc_err_set(err, FC_EINVAL, "org_code", "须指定组织");
    if ((rc = s_query_root(&c, req->org_code, &root, err)) != FC_OK)
        return rc;
    int64_t to = req->to_us ? req->to_us : c.now_us + 1;
    if (req->from_us < 0 || req->from_us >= to)
        return fc_err_set(err, FC_EINVAL, "from_us", "起始时间须早于截止时间");
    if (req->limit < 0 || req->limit > 10000)
        return fc_err_set(err, FC_EINVAL, "limit", "行数须在 1 到 10000 之间（收到 %d）",
                          (int)req->limit);
    int64_t account_id = 0;
    if ((rc = welfare_store_account_find(c.pg, account, req->org_code, fund, &account_id, err)) !=
        FC_OK)
        return rc;
    Fc__V1__FundsStatementReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__funds_statement_reply__init(r);
    r->org_code = req->org_code;
    r->fund = req->fund;
    r->account = (char *)account;
    r->from_us = req->from_us;
    r->to_us = to;
    if ((rc = welfare_store_statement(c.pg, account_id, req->from_us, to,
                                      req->limit ? req->limit : 1000, call->arena, r, err)) !=
        FC_OK)
        return rc;
    call->reply = &r->base;
    return FC_OK;
}

/* ---- payments -------------------------------------------------------------------------------- */

static int handle_pay_request(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__PayRequest *req = (const Fc__V1__PayRequest *)call->request;
    welfare_ctx_t c;
    s_call_ctx(svc, call, &c);
    int kind = -1, rc;
    if ((rc = welfare_rules_key("idempotency_key", req->idempotency_key, 1, err)) != FC_OK ||
        (rc = welfare_rules_code("employee_no", req->employee_no, err)) != FC_OK ||
        (rc = welfare_rules_kind("kind", req->kind, &kind, err)) != FC_OK ||
        (rc = welfare_rules_text("memo", req->memo, WELFARE_TEXT_MAX, 0, err)) != FC_OK)
        return rc;
    if (kind == WELFARE_KIND_FRONTLINE_SUBSIDY)
        return fc_err_set(err, FC_EINVAL, "kind",
                          "临时性工作补助由值班记录自动生成（每人每天一次），不能手工申请");
    if (req->amount_fen < 0 || (req->amount_fen == 0 && kind != WELFARE_KIND_CONDOLENCE))
        return welfare_rules_amount("amount_fen", req->amount_fen, 1, err);
    if (req->incident_kind[0] && kind != WELFARE_KIND_CONDOLENCE)
        return fc_err_set(err, FC_EINVAL, "incident_kind", "只有慰问金按事件类别确定金额");
    char amount[24];
    snprintf(amount, sizeof amount, "%" PRId64, req->amount_fen);
    const char *f[] = {"pay", req->kind, req->employee_no, amount, req->incident_kind, req->memo};
    const char *sig = s_signature(call->arena, f, 6);
    ProtobufCMessage *first = NULL;
    if ((rc = s_idem_replay(&c, req->idempotency_key, sig, &fc__v1__pay_reply__descriptor, &first,
                            err)) != FC_OK)
        return rc;
    if (first) {
        ((Fc__V1__PayReply *)first)->replayed = 1;
        call->reply = first;
        return FC_OK;
    }
    welfare_new_t n = {kind, req->employee_no, NULL, req->amount_fen,      req->incident_kind, NULL,
                       0,    "manual",         "",   req->idempotency_key, req->memo};
    welfare_disb_t *d = NULL;
    int created = 0;
    if ((rc = welfare_flow_request(&c, &n, &d, &created, err)) != FC_OK)
        return rc;
    Fc__V1__PayReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__pay_reply__init(r);
    r->disbursement = &d->pb;
    r->replayed = !created;
    if ((rc = s_idem_store(&c, req->idempotency_key, sig, &r->base, err)) != FC_OK)
        return rc;
    call->reply = &r->base;
    return FC_OK;
}

static int s_decide(fc_service_t *svc, fc_call_t *call, welfare_event_t ev, fc_err_t *err)
{
    const Fc__V1__PayDecisionRequest *req = (const Fc__V1__PayDecisionRequest *)call->request;
    welfare_ctx_t c;
    s_call_ctx(svc, call, &c);
    if (req->id <= 0)
        return fc_err_set(err, FC_EINVAL, "id", "须指定发放申请编号");
    welfare_disb_t *d = NULL;
    int rc = welfare_flow_decide(&c, req->id, ev, req->note, &d, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__PayReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__pay_reply__init(r);
    r->disbursement = &d->pb;
    call->reply = &r->base;
    return FC_OK;
}

static int handle_pay_approve(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    return s_decide(svc, call, WELFARE_EV_APPROVE, err);
}

static int handle_pay_reject(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    return s_decide(svc, call, WELFARE_EV_REJECT, err);
}

static int handle_pay_reverse(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    return s_decide(svc, call, WELFARE_EV_REVERSE, err);
}

/* May the caller see d: its person's unit or its paying unit is in scope. */
static int s_may_see(const welfare_ctx_t *c, const welfare_disb_t *d, fc_err_t *err)
{
    int rc = welfare_flow_authorize(c, d->pb.person_org, WELFARE_ACT_READ, "id", err);
    if (rc == FC_EDENIED || rc == FC_ENOTFOUND) {
        fc_err_t e2;
        fc_err_clear(&e2);
        if (welfare_flow_authorize(c, d->pb.payer_org, WELFARE_ACT_READ, "id", &e2) == FC_OK) {
            fc_err_clear(err);
            return FC_OK;
        }
    }
    return rc;
}

static int handle_pay_show(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__PayShowRequest *req = (const Fc__V1__PayShowRequest *)call->request;
    welfare_ctx_t c;
    s_call_ctx(svc, call, &c);
    int rc;
    if (req->id <= 0 && !req->idempotency_key[0])
        return fc_err_set(err, FC_EINVAL, "id", "须指定发放申请编号或幂等键");
    welfare_disb_t *d = NULL;
    if ((rc = welfare_store_disb_get(c.pg, req->id,
                                     req->idempotency_key[0] ? req->idempotency_key : NULL, 0,
                                     call->arena, &d, err)) != FC_OK ||
        (rc = s_may_see(&c, d, err)) != FC_OK ||
        (rc = welfare_store_audit_list(c.pg, d->pb.id, call->arena, &d->pb.audit, &d->pb.n_audit,
                                       err)) != FC_OK)
        return rc;
    Fc__V1__PayReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__pay_reply__init(r);
    r->disbursement = &d->pb;
    call->reply = &r->base;
    return FC_OK;
}

static int handle_pay_list(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__PayListRequest *req = (const Fc__V1__PayListRequest *)call->request;
    welfare_ctx_t c;
    s_call_ctx(svc, call, &c);
    int kind = -1, rc;
    const char *root = NULL;
    if (req->employee_no[0] && (rc = welfare_rules_code("employee_no", req->employee_no, err)))
        return rc;
    if (req->kind[0] && (rc = welfare_rules_kind("kind", req->kind, &kind, err)) != FC_OK)
        return rc;
    if (req->state[0] && (rc = welfare_rules_state("state", req->state, err)) != FC_OK)
        return rc;
    if (req->limit < 0 || req->limit > 1000)
        return fc_err_set(err, FC_EINVAL, "limit", "条数须在 1 到 1000 之间（收到 %d）",
                          (int)req->limit);
    if (req->from_us < 0 || req->to_us < 0 || (req->to_us && req->from_us >= req->to_us))
        return fc_err_set(err, FC_EINVAL, "from_us", "起始时间须早于截止时间");
    if ((rc = s_query_root(&c, req->org_code, &root, err)) != FC_OK)
        return rc;
    Fc__V1__PayListReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__pay_list_reply__init(r);
    if ((rc = welfare_store_pay_list(c.pg, req, root, req->limit ? req->limit : 100, call->arena, r,
                                     err)) != FC_OK)
        return rc;
    call->reply = &r->base;
    return FC_OK;
}

/* ---- families ------------------------------------------------------------------------------ */

static int handle_family_list(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__FamilyListRequest *req = (const Fc__V1__FamilyListRequest *)call->request;
    welfare_ctx_t c;
    s_call_ctx(svc, call, &c);
    const char *root = NULL;
    int rc = s_query_root(&c, req->org_code, &root, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__FamilyListReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__family_list_reply__init(r);
    if ((rc = welfare_store_family_list(c.pg, root, req->due_only, c.now_us, call->arena,
                                        &r->records, &r->n_records, err)) != FC_OK)
        return rc;
    call->reply = &r->base;
    return FC_OK;
}

static int handle_family_show(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__FamilyShowRequest *req = (const Fc__V1__FamilyShowRequest *)call->request;
    welfare_ctx_t c;
    s_call_ctx(svc, call, &c);
    Fc__V1__FamilyCare *f = NULL;
    int rc;
    if ((rc = welfare_rules_code("employee_no", req->employee_no, err)) != FC_OK ||
        (rc = welfare_store_family_get(c.pg, req->employee_no, 0, call->arena, &f, err)) != FC_OK ||
        (rc = welfare_flow_authorize(&c, f->org_code, WELFARE_ACT_READ, "employee_no", err)) !=
            FC_OK)
        return rc;
    Fc__V1__FamilyShowReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__family_show_reply__init(r);
    r->record = f;
    call->reply = &r->base;
    return FC_OK;
}

static int handle_family_assign(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    welfare_ctx_t c;
    s_call_ctx(svc, call, &c);
    Fc__V1__FamilyShowReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__family_show_reply__init(r);
    int rc = welfare_family_assign(&c, (const Fc__V1__FamilyAssignRequest *)call->request,
                                   &r->record, err);
    if (rc == FC_OK)
        call->reply = &r->base;
    return rc;
}

static int handle_family_visit(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    welfare_ctx_t c;
    s_call_ctx(svc, call, &c);
    Fc__V1__FamilyShowReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__family_show_reply__init(r);
    int rc = welfare_family_visit(&c, (const Fc__V1__FamilyVisitRequest *)call->request, &r->record,
                                  err);
    if (rc == FC_OK)
        call->reply = &r->base;
    return rc;
}

/* ---- the checker --------------------------------------------------------------------------- */

static int handle_check(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    welfare_ctx_t c;
    s_call_ctx(svc, call, &c);
    const char *role = c.role ? c.role : "";
    if (!welfare_flow_group_wide(&c) && strcmp(role, "group_admin") != 0)
        return fc_err_set(err, FC_EDENIED, "role", "只有集团管理员可以核对全部账目");
    welfare_check_t *chk = welfare_check_new();
    int rc = welfare_check_run(chk, c.pg, err);
    if (rc == FC_OK) {
        Fc__V1__WelfareCheckReply *r = fc_arena_alloc(call->arena, sizeof *r);
        fc__v1__welfare_check_reply__init(r);
        r->ok = chk->ok;
        r->n_violations = chk->nkept;
        r->violations = fc_arena_alloc(call->arena, (chk->nkept + 1) * sizeof *r->violations);
        for (size_t i = 0; i < chk->nkept; i++)
            r->violations[i] = fc_arena_strdup(call->arena, chk->violations[i]);
        r->transfers = chk->stats.transfers;
        r->accounts = chk->stats.accounts;
        r->disbursements = chk->stats.disbursements;
        r->external_inflow_fen = chk->stats.external_inflow_fen;
        r->internal_balance_fen = chk->stats.internal_balance_fen;
        call->reply = &r->base;
    }
    welfare_check_destroy(&chk);
    return rc;
}

/* ---- benefit application cases ------------------------------------------------------------ */

static int s_benefit_reply(fc_call_t *call, Fc__V1__BenefitCase *x, welfare_disb_t *d)
{
    Fc__V1__BenefitReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__benefit_reply__init(r);
    r->benefit = x;
    r->disbursement = d ? &d->pb : NULL;
    call->reply = &r->base;
    return FC_OK;
}

static int handle_benefit_open(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    welfare_app_t *app = fc_service_app(svc);
    welfare_ctx_t c;
    s_call_ctx(svc, call, &c);
    Fc__V1__BenefitCase *x = NULL;
    int rc = welfare_benefit_open(&c, &app->benefit,
                                  (const Fc__V1__BenefitOpenRequest *)call->request, &x, err);
    return rc == FC_OK ? s_benefit_reply(call, x, NULL) : rc;
}

static int handle_benefit_step(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    welfare_app_t *app = fc_service_app(svc);
    welfare_ctx_t c;
    s_call_ctx(svc, call, &c);
    Fc__V1__BenefitCase *x = NULL;
    int rc = welfare_benefit_step(&c, &app->benefit,
                                  (const Fc__V1__BenefitStepRequest *)call->request, &x, err);
    return rc == FC_OK ? s_benefit_reply(call, x, NULL) : rc;
}

static int handle_benefit_doc(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    welfare_app_t *app = fc_service_app(svc);
    welfare_ctx_t c;
    s_call_ctx(svc, call, &c);
    Fc__V1__BenefitCase *x = NULL;
    int rc = welfare_benefit_doc(&c, &app->benefit,
                                 (const Fc__V1__BenefitDocRequest *)call->request, &x, err);
    return rc == FC_OK ? s_benefit_reply(call, x, NULL) : rc;
}

static int s_benefit_decide(fc_service_t *svc, fc_call_t *call, int grant, fc_err_t *err)
{
    welfare_app_t *app = fc_service_app(svc);
    welfare_ctx_t c;
    s_call_ctx(svc, call, &c);
    Fc__V1__BenefitCase *x = NULL;
    welfare_disb_t *d = NULL;
    int rc = welfare_benefit_decide(&c, &app->benefit,
                                    (const Fc__V1__BenefitDecisionRequest *)call->request, grant,
                                    &x, &d, err);
    return rc == FC_OK ? s_benefit_reply(call, x, d) : rc;
}

static int handle_benefit_grant(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    return s_benefit_decide(svc, call, 1, err);
}

static int handle_benefit_refuse(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    return s_benefit_decide(svc, call, 0, err);
}

static int handle_benefit_show(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    welfare_app_t *app = fc_service_app(svc);
    welfare_ctx_t c;
    s_call_ctx(svc, call, &c);
    Fc__V1__BenefitCase *x = NULL;
    int rc = welfare_benefit_show(
        &c, &app->benefit, ((const Fc__V1__BenefitShowRequest *)call->request)->case_id, &x, err);
    if (rc != FC_OK)
        return rc;
    welfare_disb_t *d = NULL;
    if (x->disbursement_id &&
        (rc = welfare_store_disb_get(c.pg, x->disbursement_id, NULL, 0, call->arena, &d, err)) !=
            FC_OK)
        return rc;
    return s_benefit_reply(call, x, d);
}

static int handle_benefit_list(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    welfare_app_t *app = fc_service_app(svc);
    welfare_ctx_t c;
    s_call_ctx(svc, call, &c);
    Fc__V1__BenefitListReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__benefit_list_reply__init(r);
    int rc = welfare_benefit_list(&c, &app->benefit,
                                  (const Fc__V1__BenefitListRequest *)call->request, r, err);
    if (rc == FC_OK)
        call->reply = &r->base;
    return rc;
}

const fc_route_t welfare_routes[] = {
    {"welfare.funds_inflow", &fc__v1__funds_inflow_request__descriptor, handle_funds_inflow,
     FC_ROUTE_WRITE},
    {"welfare.funds_allocate", &fc__v1__funds_allocate_request__descriptor, handle_funds_allocate,
     FC_ROUTE_WRITE},
    {"welfare.funds_balance", &fc__v1__funds_balance_request__descriptor, handle_funds_balance, 0},
    {"welfare.funds_statement", &fc__v1__funds_statement_request__descriptor,
     handle_funds_statement, 0},
    {"welfare.pay_request", &fc__v1__pay_request__descriptor, handle_pay_request, FC_ROUTE_WRITE},
    {"welfare.pay_approve", &fc__v1__pay_decision_request__descriptor, handle_pay_approve,
     FC_ROUTE_WRITE},
    {"welfare.pay_reject", &fc__v1__pay_decision_request__descriptor, handle_pay_reject,
     FC_ROUTE_WRITE},
    {"welfare.pay_reverse", &fc__v1__pay_decision_request__descriptor, handle_pay_reverse,
     FC_ROUTE_WRITE},
    {"welfare.pay_show", &fc__v1__pay_show_request__descriptor, handle_pay_show, 0},
    {"welfare.pay_list", &fc__v1__pay_list_request__descriptor, handle_pay_list, 0},
    {"welfare.family_list", &fc__v1__family_list_request__descriptor, handle_family_list, 0},
    {"welfare.family_show", &fc__v1__family_show_request__descriptor, handle_family_show, 0},
    {"welfare.family_assign", &fc__v1__family_assign_request__descriptor, handle_family_assign,
     FC_ROUTE_WRITE},
    {"welfare.family_visit", &fc__v1__family_visit_request__descriptor, handle_family_visit,
     FC_ROUTE_WRITE},
    {"welfare.check", &fc__v1__welfare_check_request__descriptor, handle_check, 0},
    {"welfare.benefit_open", &fc__v1__benefit_open_request__descriptor, handle_benefit_open,
     FC_ROUTE_WRITE},
    {"welfare.benefit_step", &fc__v1__benefit_step_request__descriptor, handle_benefit_step,
     FC_ROUTE_WRITE},
    {"welfare.benefit_doc", &fc__v1__benefit_doc_request__descriptor, handle_benefit_doc,
     FC_ROUTE_WRITE},
    {"welfare.benefit_grant", &fc__v1__benefit_decision_request__descriptor,
     handle_benefit_grant, FC_ROUTE_WRITE},
    {"welfare.benefit_refuse", &fc__v1__benefit_decision_request__descriptor,
     handle_benefit_refuse, FC_ROUTE_WRITE},
    {"welfare.benefit_show", &fc__v1__benefit_show_request__descriptor, handle_benefit_show, 0},
    {"welfare.benefit_list", &fc__v1__benefit_list_request__descriptor, handle_benefit_list, 0},
    /* supplies (welfare_supply.c) */
    {"welfare.supply_item_set", &fc__v1__supply_item_set_request__descriptor,
     welfare_supply_handle_item_set, FC_ROUTE_WRITE},
    {"welfare.supply_items", &fc__v1__supply_items_request__descriptor,
     welfare_supply_handle_items, 0},
    {"welfare.supply_receive", &fc__v1__supply_receive_request__descriptor,
     welfare_supply_handle_receive, FC_ROUTE_WRITE},
    {"welfare.supply_transfer", &fc__v1__supply_transfer_request__descriptor,
     welfare_supply_handle_transfer, FC_ROUTE_WRITE},
    {"welfare.supply_issue", &fc__v1__supply_issue_request__descriptor,
     welfare_supply_handle_issue, FC_ROUTE_WRITE},
    {"welfare.supply_request", &fc__v1__supply_request_new__descriptor,
     welfare_supply_handle_request, FC_ROUTE_WRITE},
    {"welfare.supply_serve", &fc__v1__supply_serve_request__descriptor,
     welfare_supply_handle_serve, FC_ROUTE_WRITE},
    {"welfare.supply_requests", &fc__v1__supply_requests_request__descriptor,
     welfare_supply_handle_requests, 0},
    {"welfare.supply_stock", &fc__v1__supply_stock_request__descriptor,
     welfare_supply_handle_stock, 0},
    {"welfare.supply_need_record", &fc__v1__supply_need_record_request__descriptor,
     welfare_supply_handle_need_record, FC_ROUTE_WRITE},
    {"welfare.supply_need_met", &fc__v1__supply_need_met_request__descriptor,
     welfare_supply_handle_need_met, FC_ROUTE_WRITE},
    {"welfare.supply_needs", &fc__v1__supply_needs_request__descriptor,
     welfare_supply_handle_needs, 0},
};
const size_t welfare_nroutes = sizeof welfare_routes / sizeof welfare_routes[0];

/* ---- events and hooks ------------------------------------------------------------------- */

int welfare_server_on_intake(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    fc_service_t *svc = app;
    welfare_app_t *wa = fc_service_app(svc);
    welfare_ctx_t c;
    s_ctx(svc, wa->arena, &c);
    c.pg = pg;
    c.actor = "intake"; /* automatic requests are requested by intake's record */
    int rc = welfare_events_apply(&c, ev, err);
    /* 第一时间 (000 §4): the benefit cases an incident calls for open with it */
    if (rc == FC_OK && strcmp(ev->type, "intake.incident_reported") == 0)
        rc = welfare_benefit_on_incident(&c, &wa->benefit, ev, err);
    fc_arena_reset(wa->arena);
    return rc;
}

int welfare_server_start(fc_service_t *svc, fc_err_t *err)
{
    const fc_config_t *cfg = fc_service_config(svc);
    welfare_app_t *app = fc_xcalloc(1, sizeof *app);
    int rc = welfare_policy_load(fc_config_str(cfg, "FC_POLICY_DIR"), &app->policy, err);
    if (rc == FC_OK)
        rc = welfare_benefit_policy_load(fc_config_str(cfg, "FC_POLICY_DIR"), &app->benefit, err);
    if (rc != FC_OK) {
        free(app);
        return rc;
    }
    if ((rc = welfare_supply_start(svc, fc_config_str(cfg, "FC_POLICY_DIR"), err)) != FC_OK) {
        free(app);
        return rc;
    }
    app->arena = fc_arena_new(64 * 1024);
    app->sweep_ms = fc_config_int(cfg, "WELFARE_SWEEP_MS");
    app->sweep_batch = (int)fc_config_int(cfg, "WELFARE_SWEEP_BATCH");
    app->next_sweep_ms = fc_clock_mono_ms() + app->sweep_ms;
    fc_service_set_app(svc, app);
    fc_log_info("welfare.policy_loaded", "pending_ttl_days", FC_LI(app->policy.pending_ttl_days),
                "subsidy_class1_fen",
                FC_LI(app->policy.kinds[WELFARE_KIND_FRONTLINE_SUBSIDY].by_risk_class[1]),
                "subsidy_class2_fen",
                FC_LI(app->policy.kinds[WELFARE_KIND_FRONTLINE_SUBSIDY].by_risk_class[2]), NULL);
    return FC_OK;
}

void welfare_server_tick(fc_service_t *svc)
{
    welfare_app_t *app = fc_service_app(svc);
    int64_t now = fc_clock_mono_ms();
    if (!app || now < app->next_sweep_ms)
        return;
    app->next_sweep_ms = now + app->sweep_ms;
    welfare_ctx_t c;
    s_ctx(svc, app->arena, &c);
    fc_err_t err;
    fc_err_clear(&err);
    int n = 0, m = 0;
    if (welfare_flow_sweep(&c, app->sweep_batch, &n, &err) != FC_OK)
        fc_log_warn("welfare.sweep_failed", "error", FC_LS(err.message), NULL);
    fc_err_clear(&err);
    if (welfare_family_sweep(&c, app->sweep_batch, &m, &err) != FC_OK)
        fc_log_warn("welfare.family_sweep_failed", "error", FC_LS(err.message), NULL);
    fc_err_clear(&err);
    int o = 0;
    if (welfare_supply_sweep(&c, app->sweep_batch, &o, &err) != FC_OK)
        fc_log_warn("welfare.supply_sweep_failed", "error", FC_LS(err.message), NULL);
    if (n || m)
        fc_log_info("welfare.swept", "disbursements", FC_LI(n), "family_visits_due", FC_LI(m),
                    NULL);
    fc_arena_reset(app->arena);
}

void welfare_server_stop(fc_service_t *svc)
{
    welfare_app_t *app = fc_service_app(svc);
    if (!app)
        return;
    fc_arena_destroy(&app->arena);
    free(app);
    fc_service_set_app(svc, NULL);
}

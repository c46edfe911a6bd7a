/* welfare_flow: fund movements and the disbursement state machine over the ledger. */
#include "welfare_flow.h"
#include "welfare_rules.h"
#include "fc/v1/welfare.pb-c.h"
#include "fc_log.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Queued disbursements let through per call (the sweeper continues where this stops). */
#define S_QUEUE_BATCH 64
#define S_QUEUE_MAX 1000

/* ---- authority -------------------------------------------------------------------------- */

int welfare_flow_group_wide(const welfare_ctx_t *c)
{
    return strcmp(c->role ? c->role : "", "service") == 0 && !(c->scope && *c->scope);
}

static int s_role_may(const char *role, welfare_act_t act)
{
    static const char *decide[] = {"group_admin", "org_admin", "service", NULL};
    static const char *request[] = {"group_admin", "org_admin", "branch_secretary", "service",
                                    NULL};
    static const char *read[] = {"group_admin", "org_admin", "branch_secretary",
                                 "viewer",      "service",   NULL};
    const char **set = act == WELFARE_ACT_DECIDE    ? decide
                       : act == WELFARE_ACT_REQUEST ? request
                                                    : read;
    for (; *set; set++)
        if (strcmp(*set, role) == 0)
            return 1;
    return 0;
}

int welfare_flow_authorize(const welfare_ctx_t *c, const char *org_code, welfare_act_t act,
                           const char *field, fc_err_t *err)
{
    static const char *what[] = {"查询", "申请发放", "审批或调拨资金"};
    const char *role = c->role ? c->role : "";
    if (!s_role_may(role, act))
        return fc_err_set(err, FC_EDENIED, "role", "角色“%s”无权%s", *role ? role : "（无）",
                          what[act]);
    int inside = 0;
    int rc =
        welfare_store_in_subtree(c->pg, c->scope ? c->scope : "", org_code, field, &inside, err);
    if (rc != FC_OK)
        return rc;
    if (welfare_flow_group_wide(c))
        return FC_OK;
    if (!c->scope || !*c->scope)
        return fc_err_set(err, FC_EDENIED, "org_scope", "请求未携带组织范围");
    if (!inside)
        return fc_err_set(err, FC_EDENIED, field, "组织“%s”不在您的管辖范围“%s”内", org_code,
                          c->scope);
    return FC_OK;
}

/* ---- events and audit ---------------------------------------------------------------------- */

static int s_publish_disb(welfare_ctx_t *c, const char *type, const welfare_disb_t *d,
                          int64_t transfer_id, fc_err_t *err)
{
    Fc__V1__DisbursementEvent ev = FC__V1__DISBURSEMENT_EVENT__INIT;
    ev.disbursement = (Fc__V1__Disbursement *)&d->pb;
    ev.actor = (char *)(c->actor ? c->actor : "");
    ev.at_us = c->now_us;
    ev.transfer_id = transfer_id;
    return c->publish(c->publish_arg, type, &ev.base, c->now_us, err);
}

static int s_audit(welfare_ctx_t *c, const welfare_disb_t *d, const char *action, const char *actor,
                   const char *from, const char *to, const char *note, int64_t transfer_id,
                   fc_err_t *err)
{
    Fc__V1__DisbursementAudit a = FC__V1__DISBURSEMENT_AUDIT__INIT;
    int automatic = strcmp(actor, WELFARE_AUTO_ACTOR) == 0;
    a.at_us = c->now_us;
    a.action = (char *)action;
    a.actor = (char *)actor;
    a.role = (char *)(automatic ? "service" : c->role ? c->role : "");
    a.org_scope = (char *)(automatic ? "" : c->scope ? c->scope : "");
    a.from_state = (char *)from;
    a.to_state = (char *)to;
    a.note = (char *)(note ? note : "");
    a.transfer_id = transfer_id;
    return welfare_store_audit_add(c->pg, d->pb.id, &a, err);
}

/* ---- the state machine ------------------------------------------------------------------- */

/* An action moves the money of one step; *transfer_id what it wrote (0: none). */
typedef int (*s_action_fn)(welfare_ctx_t *c, welfare_disb_t *d, int64_t *transfer_id,
                           fc_err_t *err);

static int s_move(welfare_ctx_t *c, welfare_disb_t *d, const char *kind, int64_t from, int64_t to,
                  const char *memo, int64_t *transfer_id, fc_err_t *err)
{
    int64_t left = 0;
    int rc = welfare_store_transfer(c->pg, kind, from, to, d->pb.amount_fen, d->pb.id, c->actor,
                                    memo, c->now_us, transfer_id, &left, err);
    if (rc == FC_OK && *transfer_id == 0) {
        char a[48], b[48];
        rc = fc_err_set(err, FC_ECONFLICT, "amount_fen", "余额不足：账户可用 %s，需 %s",
                        welfare_yuan(left, a, sizeof a),
                        welfare_yuan(d->pb.amount_fen, b, sizeof b));
    }
    return rc;
}

static int act_none(welfare_ctx_t *c, welfare_disb_t *d, int64_t *transfer_id, fc_err_t *err)
{
    (void)c, (void)d, (void)err;
    *transfer_id = 0;
    return FC_OK;
}

static int act_reserve(welfare_ctx_t *c, welfare_disb_t *d, int64_t *transfer_id, fc_err_t *err)
{
    return s_move(c, d, "reserve", d->budget_account, d->hold_account, "预留", transfer_id, err);
}

static int act_post(welfare_ctx_t *c, welfare_disb_t *d, int64_t *transfer_id, fc_err_t *err)
{
    return s_move(c, d, "post", d->hold_account, d->payout_account, "支付", transfer_id, err);
}

static int act_release(welfare_ctx_t *c, welfare_disb_t *d, int64_t *transfer_id, fc_err_t *err)
{
    return s_move(c, d, "release", d->hold_account, d->budget_account, "释放预留", transfer_id,
                  err);
}

static int act_reverse(welfare_ctx_t *c, welfare_disb_t *d, int64_t *transfer_id, fc_err_t *err)
{
    return s_move(c, d, "reverse", d->payout_account, d->budget_account, "冲正", transfer_id, err);
}

static const struct {
    const char *state;
    welfare_event_t event;
    s_action_fn action;
    const char *next;
    const char *audit; /* the audit action */
    const char *type;  /* the event published */
} s_transitions[] = {
    {"awaiting_funds", WELFARE_EV_FUND, act_reserve, "pending", "fund",
     "welfare.disbursement_funded"},
    {"awaiting_funds", WELFARE_EV_REJECT, act_none, "rejected", "reject",
     "welfare.disbursement_rejected"},
    {"awaiting_funds", WELFARE_EV_EXPIRE, act_none, "expired", "expire",
     "welfare.disbursement_expired"},
    {"pending", WELFARE_EV_APPROVE, act_post, "paid", "approve", "welfare.disbursement_approved"},
    {"pending", WELFARE_EV_REJECT, act_release, "rejected", "reject",
     "welfare.disbursement_rejected"},
    {"pending", WELFARE_EV_EXPIRE, act_release, "expired", "expire",
     "welfare.disbursement_expired"},
    {"paid", WELFARE_EV_REVERSE, act_reverse, "reversed", "reverse",
     "welfare.disbursement_reversed"},
};

static const char *s_event_label(welfare_event_t ev)
{
    switch (ev) {
    case WELFARE_EV_FUND:
        return "拨付预留";
    case WELFARE_EV_APPROVE:
        return "审批";
    case WELFARE_EV_REJECT:
        return "驳回";
    case WELFARE_EV_EXPIRE:
        return "过期处理";
    case WELFARE_EV_REVERSE:
        return "冲正";
    }
    return "";
}

static void s_pending_reason(welfare_ctx_t *c, welfare_disb_t *d);

/* Applies ev to d (locked by the caller) as actor: the action, the new state, the audit
 * trail and the event(s). */
static int s_step(welfare_ctx_t *c, welfare_disb_t *d, welfare_event_t ev, const char *actor,
                  const char *note, fc_err_t *err)
{
    int rc = FC_ERR;
    size_t i, n = sizeof s_transitions / sizeof s_transitions[0];
    for (i = 0; i < n; i++)
        if (s_transitions[i].event == ev && strcmp(s_transitions[i].state, d->pb.state) == 0)
            break;
    if (i == n)
        return fc_err_set(err, FC_ECONFLICT, "id", "发放申请 #%" PRId64 " 当前状态为“%s”，不能%s",
                          d->pb.id, welfare_state_label(d->pb.state), s_event_label(ev));
    const char *from = d->pb.state;
    const char *saved_actor = c->actor;
    c->actor = actor; /* transfers and events name who made this step */
    int64_t transfer_id = 0;
    if ((rc = s_transitions[i].action(c, d, &transfer_id, err)) != FC_OK)
        goto out;
    d->pb.state = (char *)s_transitions[i].next;
    switch (ev) {
    case WELFARE_EV_FUND:
        s_pending_reason(c, d);
        break;
    case WELFARE_EV_APPROVE:
        d->pb.approved_by = (char *)actor;
        d->pb.decided_at_us = c->now_us;
        d->pb.reason = "";
        break;
    case WELFARE_EV_REJECT:
    case WELFARE_EV_EXPIRE:
        d->pb.decided_at_us = c->now_us;
        d->pb.reason = fc_arena_strdup(c->arena, note ? note : "");
        break;
    case WELFARE_EV_REVERSE:
        d->pb.reversed_at_us = c->now_us;
        d->pb.reason = fc_arena_strdup(c->arena, note ? note : "");
        break;
    }
    if ((rc = welfare_store_disb_update(c->pg, d, err)) != FC_OK)
        goto out;
    if ((rc = s_audit(c, d, s_transitions[i].audit, actor, from, d->pb.state, note, transfer_id,
                      err)) != FC_OK)
        goto out;
    if ((rc = s_publish_disb(c, s_transitions[i].type, d, transfer_id, err)) != FC_OK)
        goto out;
    if (ev == WELFARE_EV_APPROVE) /* approval posts: it is paid in the same step */
        rc = s_publish_disb(c, "welfare.disbursement_paid", d, transfer_id, err);
out:
    c->actor = saved_actor;
    return rc;
}

/* 1 if the policy lets d's kind through without an approver. */
static int s_auto_ok(const welfare_ctx_t *c, const welfare_disb_t *d)
{
    int k = welfare_kind_code(d->pb.kind);
    return k >= 0 && d->pb.amount_fen <= c->policy->kinds[k].auto_approve_max_fen;
}

/* The reason a reserved disbursement waits: an approver must decide. */
static void s_pending_reason(welfare_ctx_t *c, welfare_disb_t *d)
{
    if (s_auto_ok(c, d)) {
        d->pb.reason = "";
        return;
    }
    char a[48], b[48];
    int k = welfare_kind_code(d->pb.kind);
    d->pb.reason = fc_arena_alloc(c->arena, 256);
    snprintf(d->pb.reason, 256, "金额 %s 超过自动审批上限 %s，待 %s 或上级审批",
             welfare_yuan(d->pb.amount_fen, a, sizeof a),
             welfare_yuan(c->policy->kinds[k].auto_approve_max_fen, b, sizeof b), d->pb.payer_org);
}

/* Approves a reserved d at once if the policy lets its kind through without an approver. */
static int s_auto_approve(welfare_ctx_t *c, welfare_disb_t *d, fc_err_t *err)
{
    if (strcmp(d->pb.state, "pending") != 0 || !s_auto_ok(c, d))
        return FC_OK;
    return s_step(c, d, WELFARE_EV_APPROVE, WELFARE_AUTO_ACTOR, "自动审批：金额在政策限额内", err);
}

int welfare_flow_fund_queue(welfare_ctx_t *c, int64_t budget_account, int *funded, fc_err_t *err)
{
    int rc = FC_OK, n = 0, total = 0, any = 0;
    int64_t ids[S_QUEUE_BATCH], amounts[S_QUEUE_BATCH], balance = 0;
    /* the usual case, nobody waiting, costs one unlocked look */
    if ((rc = welfare_store_queue_any(c->pg, budget_account, &any, err)) != FC_OK || !any)
        goto out;
    do {
        if ((rc = welfare_store_lock_accounts(c->pg, &budget_account, 1, &balance, err)) != FC_OK)
            goto out;
        if ((rc = welfare_store_queue_head(c->pg, budget_account, S_QUEUE_BATCH, ids, amounts, &n,
                                           err)) != FC_OK)
            goto out;
        for (int i = 0; i < n; i++) {
            if (amounts[i] > balance) /* first in, first out: the head waits, so do the rest */
                goto out;
            welfare_disb_t *d = NULL;
            if ((rc = welfare_store_disb_get(c->pg, ids[i], NULL, 1, c->arena, &d, err)) != FC_OK)
                goto out;
            if ((rc = s_step(c, d, WELFARE_EV_FUND, WELFARE_AUTO_ACTOR, "资金到位，已预留", err)) !=
                FC_OK)
                goto out;
            if ((rc = s_auto_approve(c, d, err)) != FC_OK)
                goto out;
            balance -= amounts[i];
            total++;
        }
    } while (n == S_QUEUE_BATCH && total < S_QUEUE_MAX);
out:
    if (funded)
        *funded += total;
    return rc;
}

/* ---- requests ------------------------------------------------------------------------------ */

/* The amount a request is for: given, or from policy for its incident kind / risk class. */
static int s_amount(const welfare_ctx_t *c, const welfare_new_t *n, int64_t *out, fc_err_t *err)
{
    const welfare_kind_policy_t *kp = &c->policy->kinds[n->kind];
    int64_t amount = n->amount_fen;
    if (n->kind == WELFARE_KIND_CONDOLENCE && n->incident_kind && *n->incident_kind) {
        int inc = welfare_incident_code(n->incident_kind);
        if (inc < 0)
            return fc_err_set(err, FC_EINVAL, "incident_kind",
                              "“%s”不是事件类别（injured、fell_ill、infected、quarantined、died）",
                              n->incident_kind);
        if (amount == 0 && (amount = kp->by_incident[inc]) == 0)
            return fc_err_set(err, FC_EINVAL, "incident_kind", "政策未规定“%s”的慰问金标准",
                              welfare_incident_label(inc));
    }
    if (n->kind == WELFARE_KIND_FRONTLINE_SUBSIDY && amount == 0) {
        if (n->risk_class < 1 || n->risk_class > 2)
            return fc_err_set(err, FC_EINVAL, "risk_class", "岗位风险等级 %d 不是 1 或 2",
                              n->risk_class);
        amount = kp->by_risk_class[n->risk_class];
    }
    if (amount == 0)
        return fc_err_set(err, FC_EINVAL, "amount_fen", "%s须填写金额",
                          welfare_kind_label(n->kind));
    int rc = welfare_rules_amount("amount_fen", amount, kp->max_fen, err);
    if (rc == FC_OK)
        *out = amount;
    return rc;
}

int welfare_flow_request(welfare_ctx_t *c, const welfare_new_t *n, welfare_disb_t **out,
                         int *created, fc_err_t *err)
{
    int rc;
    const welfare_kind_policy_t *kp = &c->policy->kinds[n->kind];
    *created = 0;
    rc = welfare_store_disb_get(c->pg, 0, n->idem_key, 0, c->arena, out, err);
    if (rc != FC_ENOTFOUND)
        return rc; /* FC_OK: this key was requested before: one payment per key */
    fc_err_clear(err);

    welfare_person_t person;
    memset(&person, 0, sizeof person);
    int known = welfare_store_person_get(c->pg, n->employee_no, "employee_no", &person, err);
    if (known != FC_OK && (known != FC_ENOTFOUND || !n->person_org))
        return known;
    fc_err_clear(err);
    const char *person_org = n->person_org ? n->person_org : person.org_code;
    if (kp->aid_team_only && (known != FC_OK || !person.aid_team))
        return fc_err_set(err, FC_EINVAL, "employee_no",
                          "%s仅适用于援助医疗队员，“%s”不是援助医疗队员",
                          welfare_kind_label(n->kind), n->employee_no);
    /* an automatic request names the unit from its event; a manual one the person */
    const char *field = n->person_org ? "org_code" : "employee_no";
    if ((rc = welfare_flow_authorize(c, person_org, WELFARE_ACT_REQUEST, field, err)) != FC_OK)
        return rc;
    int64_t amount = 0;
    if ((rc = s_amount(c, n, &amount, err)) != FC_OK)
        return rc;
    char payer[WELFARE_CODE_MAX];
    if ((rc = welfare_store_payer_of(c->pg, person_org, field, payer, err)) != FC_OK)
        return rc;

    /* the candidate funds' budgets, locked in id order; the first that can pay now and has
     * nobody waiting pays; otherwise the request queues on the first fund */
    int64_t budget[WELFARE_NFUNDS] = {0}, balance[WELFARE_NFUNDS] = {0},
            sorted[WELFARE_NFUNDS] = {0}, sbal[WELFARE_NFUNDS] = {0},
            accounts[WELFARE_NFUNDS][3] = {{0}};
    int nf = kp->nfunds;
    /* every account this may touch, found or made before any lock is taken */
    for (int i = 0; i < nf; i++) {
        if ((rc = welfare_store_account_set(c->pg, payer, kp->funds[i], accounts[i], err)) != FC_OK)
            return rc;
        budget[i] = accounts[i][0];
    }
    memcpy(sorted, budget, sizeof budget);
    for (int i = 1; i < nf; i++)
        for (int j = i; j > 0 && sorted[j - 1] > sorted[j]; j--) {
            int64_t t = sorted[j];
            sorted[j] = sorted[j - 1];
            sorted[j - 1] = t;
        }
    if ((rc = welfare_store_lock_accounts(c->pg, sorted, nf, sbal, err)) != FC_OK)
        return rc;
    for (int i = 0; i < nf; i++)
        for (int j = 0; j < nf; j++)
            if (sorted[j] == budget[i])
                balance[i] = sbal[j];
    int chosen = -1;
    long long queued = 0;
    for (int i = 0; i < nf && chosen < 0; i++) {
        long long q = 0;
        if ((rc = welfare_store_queue_len(c->pg, budget[i], &q, err)) != FC_OK)
            return rc;
        if (i == 0)
            queued = q;
        if (q == 0 && balance[i] >= amount)
            chosen = i;
    }
    int fi = chosen >= 0 ? chosen : 0;

    welfare_disb_t *d = fc_arena_alloc(c->arena, sizeof *d);
    memset(d, 0, sizeof *d);
    Fc__V1__Disbursement *x = &d->pb;
    fc__v1__disbursement__init(x);
    x->idempotency_key = fc_arena_strdup(c->arena, n->idem_key);
    x->kind = (char *)welfare_kind_name(n->kind);
    x->employee_no = fc_arena_strdup(c->arena, n->employee_no);
    x->person_org = fc_arena_strdup(c->arena, person_org);
    x->payer_org = fc_arena_strdup(c->arena, payer);
    x->fund = (char *)welfare_fund_name(kp->funds[fi]);
    x->amount_fen = amount;
    x->state = "awaiting_funds";
    x->reason = "";
    x->source = (char *)n->source;
    x->source_ref = fc_arena_strdup(c->arena, n->source_ref ? n->source_ref : "");
    x->incident_kind = fc_arena_strdup(c->arena, n->incident_kind ? n->incident_kind : "");
    x->duty_day = fc_arena_strdup(c->arena, n->duty_day ? n->duty_day : "");
    x->risk_class = n->kind == WELFARE_KIND_FRONTLINE_SUBSIDY ? n->risk_class : 0;
    x->requested_by = fc_arena_strdup(c->arena, c->actor ? c->actor : "");
    x->approved_by = "";
    x->requested_at_us = c->now_us;
    x->memo = fc_arena_strdup(c->arena, n->memo ? n->memo : "");
    d->budget_account = budget[fi];
    d->hold_account = accounts[fi][1];
    d->payout_account = accounts[fi][2];
    if (chosen < 0) {
        char a[48], b[48];
        x->reason = fc_arena_alloc(c->arena, 512);
        snprintf(x->reason, 512,
                 "资金不足：%s 的%s可用 %s，本笔需 %s；排队第 %lld 位，资金到位后自动预留", payer,
                 welfare_fund_label(kp->funds[fi]), welfare_yuan(balance[fi], a, sizeof a),
                 welfare_yuan(amount, b, sizeof b), queued + 1);
    }
    if ((rc = welfare_store_disb_insert(c->pg, d, err)) != FC_OK) {
        /* the same key inserted concurrently by another replica: its answer will do */
        if (rc == FC_EDUP && strcmp(err->field, "idempotency_key") == 0)
            rc = fc_err_set(err, FC_EAGAIN, "idempotency_key",
                            "同一幂等键的申请正在处理，请稍后重试");
        return rc;
    }
    if ((rc = s_audit(c, d, "request", c->actor ? c->actor : "", "", "awaiting_funds", x->memo, 0,
                      err)) != FC_OK)
        return rc;
    if (chosen >= 0) {
        int64_t transfer_id = 0;
        if ((rc = act_reserve(c, d, &transfer_id, err)) != FC_OK)
            return rc;
        x->state = "pending";
        s_pending_reason(c, d);
        if ((rc = welfare_store_disb_update(c->pg, d, err)) != FC_OK ||
            (rc = s_audit(c, d, "reserve", WELFARE_AUTO_ACTOR, "awaiting_funds", "pending", "预留",
                          transfer_id, err)) != FC_OK)
            return rc;
    } else if ((rc = s_audit(c, d, "queue", WELFARE_AUTO_ACTOR, "awaiting_funds", "awaiting_funds",
                             x->reason, 0, err)) != FC_OK) {
        return rc;
    }
    if ((rc = s_publish_disb(c, "welfare.disbursement_requested", d, 0, err)) != FC_OK ||
        (rc = s_auto_approve(c, d, err)) != FC_OK)
        return rc;
    *out = d;
    *created = 1;
    return FC_OK;
}

int welfare_flow_decide(welfare_ctx_t *c, int64_t id, welfare_event_t ev, const char *note,
                        welfare_disb_t **out, fc_err_t *err)
{
    welfare_disb_t *d = NULL;
    int rc = welfare_store_disb_get(c->pg, id, NULL, 0, c->arena, &d, err);
    if (rc != FC_OK)
        return rc;
    if (ev != WELFARE_EV_EXPIRE && ev != WELFARE_EV_FUND) {
        if ((rc = welfare_flow_authorize(c, d->pb.payer_org, WELFARE_ACT_DECIDE, "id", err)) !=
            FC_OK)
            return rc;
        if ((ev == WELFARE_EV_REJECT || ev == WELFARE_EV_REVERSE) &&
            (rc = welfare_rules_text("note", note, WELFARE_TEXT_MAX, 1, err)) != FC_OK)
            return fc_err_set(err, rc, "note", "%s须说明原因", s_event_label(ev));
        if ((rc = welfare_rules_text("note", note, WELFARE_TEXT_MAX, 0, err)) != FC_OK)
            return rc;
        if (ev == WELFARE_EV_APPROVE && strcmp(d->pb.source, "intake") != 0 && c->actor &&
            strcmp(c->actor, d->pb.requested_by) == 0)
            return fc_err_set(err, FC_EDENIED, "id",
                              "不能审批自己提交的申请 #%" PRId64 "（申请人 %s）", id,
                              d->pb.requested_by);
    }
    int64_t balance = 0;
    if ((rc = welfare_store_lock_accounts(c->pg, &d->budget_account, 1, &balance, err)) != FC_OK)
        return rc;
    if ((rc = welfare_store_disb_get(c->pg, id, NULL, 1, c->arena, &d, err)) != FC_OK)
        return rc;
    if ((rc = s_step(c, d, ev, ev == WELFARE_EV_EXPIRE ? WELFARE_AUTO_ACTOR : c->actor, note,
                     err)) != FC_OK)
        return rc;
    /* money went back to the budget, or a queued one left the queue: the queue may move */
    if (ev == WELFARE_EV_REVERSE || ev == WELFARE_EV_REJECT || ev == WELFARE_EV_EXPIRE) {
        if ((rc = welfare_flow_fund_queue(c, d->budget_account, NULL, err)) != FC_OK)
            return rc;
    }
    *out = d;
    return FC_OK;
}

/* ---- funds ----------------------------------------------------------------------------------- */

static int s_publish_moved(welfare_ctx_t *c, int64_t transfer_id, const char *kind,
                           const char *from, const char *to, int fund, int64_t amount,
                           fc_err_t *err)
{
    Fc__V1__FundsMoved ev = FC__V1__FUNDS_MOVED__INIT;
    ev.transfer_id = transfer_id;
    ev.kind = (char *)kind;
    ev.from_org = (char *)from;
    ev.to_org = (char *)to;
    ev.fund = (char *)welfare_fund_name(fund);
    ev.amount_fen = amount;
    ev.actor = (char *)(c->actor ? c->actor : "");
    ev.at_us = c->now_us;
    return c->publish(c->publish_arg, "welfare.funds_moved", &ev.base, c->now_us, err);
}

int welfare_flow_inflow(welfare_ctx_t *c, const char *org_code, int fund, const char *kind,
                        int64_t amount_fen, const char *memo, welfare_moved_t *out, fc_err_t *err)
{
    int rc;
    int match = strcmp(kind, "match") == 0;
    memset(out, 0, sizeof *out);
    if (!match && strcmp(kind, "topup") != 0)
        return fc_err_set(err, FC_EINVAL, "kind", "“%s”不是入账方式（topup 追加、match 本级配套）",
                          kind);
    if (match && fund != WELFARE_FUND_MATCHING)
        return fc_err_set(err, FC_EINVAL, "fund",
                          "本级配套资金只能记入 matching（本级配套资金），不能记入%s",
                          welfare_fund_label(fund));
    if ((rc = welfare_rules_code("org_code", org_code, err)) != FC_OK ||
        (rc = welfare_rules_amount("amount_fen", amount_fen, c->policy->max_transfer_fen, err)) !=
            FC_OK ||
        (rc = welfare_rules_text("memo", memo, WELFARE_TEXT_MAX, 0, err)) != FC_OK)
        return rc;
    if ((rc = welfare_flow_authorize(c, org_code, WELFARE_ACT_DECIDE, "org_code", err)) != FC_OK)
        return rc;
    int64_t ext = 0, budget = 0;
    if ((rc = welfare_store_account(c->pg, "external", org_code, fund, &ext, err)) != FC_OK ||
        (rc = welfare_store_account(c->pg, "budget", org_code, fund, &budget, err)) != FC_OK)
        return rc;
    /* ledger_transfer locks the external and the budget account in id order: the external
     * one is only ever locked by inflows into this budget, so no other order can meet it */
    const char *tkind = match ? "inflow_match" : "inflow_topup";
    if ((rc = welfare_store_transfer(c->pg, tkind, ext, budget, amount_fen, 0, c->actor,
                                     memo && *memo ? memo
                                     : match       ? "本级配套"
                                                   : "追加",
                                     c->now_us, &out->transfer_id, NULL, err)) != FC_OK)
        return rc;
    if ((rc = welfare_flow_fund_queue(c, budget, &out->funded, err)) != FC_OK)
        return rc;
    return s_publish_moved(c, out->transfer_id, tkind, "", org_code, fund, amount_fen, err);
}

int welfare_flow_allocate(welfare_ctx_t *c, const char *from_org, const char *to_org, int fund,
                          int64_t amount_fen, const char *memo, welfare_moved_t *out, fc_err_t *err)
{
    int rc, below = 0;
    memset(out, 0, sizeof *out);
    if ((rc = welfare_rules_code("from_org", from_org, err)) != FC_OK ||
        (rc = welfare_rules_code("to_org", to_org, err)) != FC_OK ||
        (rc = welfare_rules_amount("amount_fen", amount_fen, c->policy->max_transfer_fen, err)) !=
            FC_OK ||
        (rc = welfare_rules_text("memo", memo, WELFARE_TEXT_MAX, 0, err)) != FC_OK)
        return rc;
    if ((rc = welfare_store_org_get(c->pg, from_org, "from_org", NULL, 0, err)) != FC_OK ||
        (rc = welfare_store_in_subtree(c->pg, from_org, to_org, "to_org", &below, err)) != FC_OK)
        return rc;
    if (!below || strcmp(from_org, to_org) == 0)
        return fc_err_set(err, FC_EINVAL, "to_org", "只能向下级组织划拨：“%s”不在“%s”之下", to_org,
                          from_org);
    if ((rc = welfare_flow_authorize(c, from_org, WELFARE_ACT_DECIDE, "from_org", err)) != FC_OK)
        return rc;
    int64_t from_id = 0, to_id = 0, left = 0;
    if ((rc = welfare_store_account(c->pg, "budget", from_org, fund, &from_id, err)) != FC_OK ||
        (rc = welfare_store_account(c->pg, "budget", to_org, fund, &to_id, err)) != FC_OK)
        return rc;
    /* ledger_transfer locks both budgets in id order and checks the source under the lock */
    if ((rc = welfare_store_transfer(c->pg, "allocate", from_id, to_id, amount_fen, 0, c->actor,
                                     memo && *memo ? memo : "上级划拨", c->now_us,
                                     &out->transfer_id, &left, err)) != FC_OK)
        return rc;
    if (out->transfer_id == 0) {
        char a[48], b[48];
        return fc_err_set(err, FC_ECONFLICT, "amount_fen", "余额不足：%s 的%s可用 %s，划拨需 %s",
                          from_org, welfare_fund_label(fund), welfare_yuan(left, a, sizeof a),
                          welfare_yuan(amount_fen, b, sizeof b));
    }
    if ((rc = welfare_flow_fund_queue(c, to_id, &out->funded, err)) != FC_OK)
        return rc;
    return s_publish_moved(c, out->transfer_id, "allocate", from_org, to_org, fund, amount_fen,
                           err);
}

/* ---- the sweeper --------------------------------------------------------------------------- */

/* Runs one step in a transaction of its own; a failure is logged and left for the next turn. */
static int s_in_tx(welfare_ctx_t *c, int (*fn)(welfare_ctx_t *, int64_t, int *, fc_err_t *),
                   int64_t arg, int *changed, const char *what)
{
    fc_err_t err;
    fc_err_clear(&err);
    int rc = fc_pg_begin(c->pg, &err);
    if (rc == FC_OK)
        rc = fn(c, arg, changed, &err);
    if (rc == FC_OK)
        rc = fc_pg_commit(c->pg, &err);
    if (rc != FC_OK) {
        fc_pg_rollback(c->pg);
        fc_log_warn("welfare.sweep_failed", "step", FC_LS(what), "id", FC_LI(arg), "error",
                    FC_LS(err.message), NULL);
    }
    return rc;
}

static int s_expire_one(welfare_ctx_t *c, int64_t id, int *changed, fc_err_t *err)
{
    welfare_disb_t *d = NULL;
    char note[128];
    snprintf(note, sizeof note, "超过 %lld 天未处理，已自动过期",
             (long long)c->policy->pending_ttl_days);
    int rc = welfare_flow_decide(c, id, WELFARE_EV_EXPIRE, note, &d, err);
    if (rc == FC_ECONFLICT) /* decided meanwhile by someone else */
        return FC_OK;
    if (rc == FC_OK)
        (*changed)++;
    return rc;
}

static int s_fund_one(welfare_ctx_t *c, int64_t account, int *changed, fc_err_t *err)
{
    return welfare_flow_fund_queue(c, account, changed, err);
}

int welfare_flow_sweep(welfare_ctx_t *c, int max, int *n_out, fc_err_t *err)
{
    int64_t ids[256];
    int n = 0, changed = 0;
    if (max > 256)
        max = 256;
    int rc = welfare_store_open_before(
        c->pg, c->now_us - c->policy->pending_ttl_days * INT64_C(86400000000), max, ids, &n, err);
    for (int i = 0; rc == FC_OK && i < n; i++)
        s_in_tx(c, s_expire_one, ids[i], &changed, "expire");
    if (rc == FC_OK)
        rc = welfare_store_queued_accounts(c->pg, max, ids, &n, err);
    for (int i = 0; rc == FC_OK && i < n; i++)
        s_in_tx(c, s_fund_one, ids[i], &changed, "fund_queue");
    if (n_out)
        *n_out = changed;
    return rc;
}

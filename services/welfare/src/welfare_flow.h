/* welfare_flow: how money moves. Fund movements (inflows, allocation down the tree) and the
 * disbursement lifecycle as a transition table {state, event, action, next}: a request
 * reserves (budget → hold) or queues when the budget is short; approval posts (hold →
 * payout); rejection and expiry release (hold → budget); a paid one is reversed only by a
 * compensating transfer (payout → budget). Each function runs inside the caller's open
 * transaction (except welfare_flow_sweep), takes the locks it needs in one order (budget
 * accounts by id, then disbursements), writes the audit trail and publishes an event per step.
 *
 * Lock order, everywhere: the budget accounts involved (ascending id), then their hold,
 * payout and external accounts, then disbursement rows. Nothing locks a disbursement before
 * its budget account, so concurrent replicas serialise on the budget instead of deadlocking. */
#ifndef WELFARE_FLOW_H
#define WELFARE_FLOW_H

#include <stdint.h>
#include <protobuf-c/protobuf-c.h>
#include "fc_err.h"
#include "fc_mem.h"
#include "fc_pg.h"
#include "welfare_policy.h"
#include "welfare_store.h"

/* Writes an event to the outbox in the current transaction (fc_service_publish in the
 * service; fc_outbox_add in tests that drive the flow without the service). */
typedef int (*welfare_publish_fn)(void *arg, const char *type, const ProtobufCMessage *event,
                                  int64_t at_us, fc_err_t *err);

/* Who acts, when, and with what. Borrowed pointers; arena holds whatever the flow returns. */
typedef struct {
    fc_pg_t *pg;
    const welfare_policy_t *policy;
    welfare_publish_fn publish;
    void *publish_arg;
    fc_arena_t *arena;
    int64_t now_us;
    const char *actor;
    const char *role;  /* group_admin | org_admin | branch_secretary | viewer | service */
    const char *scope; /* org code of the actor's subtree; "" with role service = group-wide */
} welfare_ctx_t;

/* The actor automatic steps run as. */
#define WELFARE_AUTO_ACTOR "welfare:auto"

typedef enum {
    WELFARE_ACT_READ,    /* queries: every role */
    WELFARE_ACT_REQUEST, /* payment requests: not viewers */
    WELFARE_ACT_DECIDE,  /* approve, reject, reverse, move funds: administrators and services */
} welfare_act_t;

/* May the actor do act on org_code? FC_EDENIED (naming field) if not, FC_ENOTFOUND if the
 * unit is unknown. */
int welfare_flow_authorize(const welfare_ctx_t *c, const char *org_code, welfare_act_t act,
                           const char *field, fc_err_t *err);
/* 1 if the actor is group-wide (a service without a scope). */
int welfare_flow_group_wide(const welfare_ctx_t *c);

/* ---- funds ---- */
typedef struct {
    int64_t transfer_id;
    int funded; /* queued disbursements the new money let through */
} welfare_moved_t;

/* Money entering the books: kind "topup" (any fund) or "match" (fund must be matching). */
int welfare_flow_inflow(welfare_ctx_t *c, const char *org_code, int fund, const char *kind,
                        int64_t amount_fen, const char *memo, welfare_moved_t *out, fc_err_t *err);
/* Allocation from an org unit to a unit below it, same fund: FC_ECONFLICT if from_org holds
 * less than amount_fen. */
int welfare_flow_allocate(welfare_ctx_t *c, const char *from_org, const char *to_org, int fund,
                          int64_t amount_fen, const char *memo, welfare_moved_t *out,
                          fc_err_t *err);

/* ---- disbursements ---- */
typedef struct {
    int kind;
    const char *employee_no;
    const char *person_org;    /* NULL: the person's unit from the projection */
    int64_t amount_fen;        /* 0: from policy (condolence by incident, subsidy by class) */
    const char *incident_kind; /* condolence */
    const char *duty_day;      /* frontline subsidy: YYYY-MM-DD */
    int risk_class;            /* frontline subsidy */
    const char *source;        /* manual | intake */
    const char *source_ref;
    const char *idem_key;
    const char *memo;
} welfare_new_t;

/* Creates a disbursement: reserves its amount, or queues it behind earlier ones when the
 * budget is short; approves it at once up to the policy's auto-approval limit. If the key
 * was used before, *out is that disbursement as it is now and *created = 0. */
int welfare_flow_request(welfare_ctx_t *c, const welfare_new_t *n, welfare_disb_t **out,
                         int *created, fc_err_t *err);

typedef enum {
    WELFARE_EV_FUND, /* the budget now covers a queued one (internal) */
    WELFARE_EV_APPROVE,
    WELFARE_EV_REJECT,
    WELFARE_EV_EXPIRE, /* internal: the sweeper */
    WELFARE_EV_REVERSE,
} welfare_event_t;

/* Applies ev to disbursement id on behalf of the actor (approver of the paying org or
 * above; never the requester approving their own). note: the reason, required for reject
 * and reverse. FC_ECONFLICT if the state does not allow ev. *out is the result. */
int welfare_flow_decide(welfare_ctx_t *c, int64_t id, welfare_event_t ev, const char *note,
                        welfare_disb_t **out, fc_err_t *err);

/* Lets queued disbursements of a budget account through, oldest first, while the balance
 * covers the next one. */
int welfare_flow_fund_queue(welfare_ctx_t *c, int64_t budget_account, int *funded, fc_err_t *err);

/* Periodic work in transactions of its own (the connection must be idle): expires open
 * disbursements older than the policy's pending_ttl_days, and funds queues (at most max
 * items each). *n_out what changed. */
int welfare_flow_sweep(welfare_ctx_t *c, int max, int *n_out, fc_err_t *err);

#endif

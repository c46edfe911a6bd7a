/* welfare_store: every SQL statement of welfare, over its own schema: the projections of
 * intake's org tree and people, the ledger (accounts, transfers through ledger_transfer()),
 * disbursements and their audit trail, idempotent replies, family-care records and the
 * invariant queries. Parameterised only. Strings returned into an arena live as long as it. */
#ifndef WELFARE_STORE_H
#define WELFARE_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "fc/v1/intake.pb-c.h"
#include "fc/v1/welfare.pb-c.h"
#include "fc_err.h"
#include "fc_mem.h"
#include "fc_pg.h"

#define WELFARE_CODE_MAX 40

typedef struct {
    char employee_no[WELFARE_CODE_MAX];
    char org_code[WELFARE_CODE_MAX];
    char spouse_employee_no[WELFARE_CODE_MAX];
    char name[256];
    char phone[32];
    int aid_team, medical_staff;
} welfare_person_t;

/* A disbursement: the message plus the accounts it moves money between. */
typedef struct {
    Fc__V1__Disbursement pb;
    int64_t budget_account, hold_account, payout_account;
} welfare_disb_t;

/* ---- projections ---- */
int welfare_store_org_upsert(fc_pg_t *pg, const Fc__V1__OrgUnit *u, int64_t at_us, fc_err_t *err);
int welfare_store_person_upsert(fc_pg_t *pg, const Fc__V1__Person *p, int64_t at_us, fc_err_t *err);
/* FC_ENOTFOUND (naming field) if the person is unknown. */
int welfare_store_person_get(fc_pg_t *pg, const char *employee_no, const char *field,
                             welfare_person_t *out, fc_err_t *err);
/* FC_ENOTFOUND (naming field) if the unit is unknown; name_out may be NULL. */
int welfare_store_org_get(fc_pg_t *pg, const char *org_code, const char *field, char *name_out,
                          size_t n, fc_err_t *err);
/* *inside = 1 if org_code is root_code or below it. FC_ENOTFOUND naming field if org_code is
 * unknown; an unknown root_code is simply not an ancestor. */
int welfare_store_in_subtree(fc_pg_t *pg, const char *root_code, const char *org_code,
                             const char *field, int *inside, fc_err_t *err);
/* Whose budget pays for someone in org_code: the nearest subsidiary above (or at) it, else
 * the root of its tree. FC_ENOTFOUND naming field if org_code is unknown. */
int welfare_store_payer_of(fc_pg_t *pg, const char *org_code, const char *field,
                           char payer_out[WELFARE_CODE_MAX], fc_err_t *err);

/* ---- ledger ---- */
/* The id of account (kind, org, fund), created with balance 0 if missing. */
int welfare_store_account(fc_pg_t *pg, const char *kind, const char *org_code, int fund,
                          int64_t *id_out, fc_err_t *err);
/* The budget, hold and payout accounts of (org, fund), each created if missing: ids[0..2]. */
int welfare_store_account_set(fc_pg_t *pg, const char *org_code, int fund, int64_t ids[3],
                              fc_err_t *err);
/* Locks the accounts (FOR UPDATE, in id order, so two callers never deadlock) and returns
 * their balances in the order of ids. */
int welfare_store_lock_accounts(fc_pg_t *pg, const int64_t *ids, int n, int64_t *balances_out,
                                fc_err_t *err);
/* One balanced transfer by ledger_transfer(): *transfer_id_out 0 (nothing moved) if the
 * source holds less than amount; *from_balance_out what the source holds afterwards. */
int welfare_store_transfer(fc_pg_t *pg, const char *kind, int64_t from, int64_t to, int64_t amount,
                           int64_t disbursement_id, const char *actor, const char *memo,
                           int64_t at_us, int64_t *transfer_id_out, int64_t *from_balance_out,
                           fc_err_t *err);
/* Balances per org and fund: of org_code ("" = every unit), its subtree too if subtree; fund
 * -1 = every fund. */
int welfare_store_balances(fc_pg_t *pg, const char *org_code, int subtree, int fund,
                           fc_arena_t *arena, Fc__V1__FundBalance ***out, size_t *n_out,
                           fc_err_t *err);
/* Fills out (opening, closing, totals, lines) for account_id in [from_us, to_us). */
int welfare_store_statement(fc_pg_t *pg, int64_t account_id, int64_t from_us, int64_t to_us,
                            int limit, fc_arena_t *arena, Fc__V1__FundsStatementReply *out,
                            fc_err_t *err);
/* The account id if it exists, else 0. */
int welfare_store_account_find(fc_pg_t *pg, const char *kind, const char *org_code, int fund,
                               int64_t *id_out, fc_err_t *err);

/* ---- disbursements ---- */
/* Inserts d (state, amounts, accounts set by the caller); sets d->pb.id. A key already used
 * is FC_EDUP (field "idempotency_key"). */
int welfare_store_disb_insert(fc_pg_t *pg, welfare_disb_t *d, fc_err_t *err);
/* By id (key NULL) or by idempotency key; lock = FOR UPDATE. FC_ENOTFOUND if absent. */
int welfare_store_disb_get(fc_pg_t *pg, int64_t id, const char *key, int lock, fc_arena_t *arena,
                           welfare_disb_t **out, fc_err_t *err);
/* Writes state, reason, approved_by, decided_at_us, reversed_at_us of d. */
int welfare_store_disb_update(fc_pg_t *pg, const welfare_disb_t *d, fc_err_t *err);
int welfare_store_audit_add(fc_pg_t *pg, int64_t disbursement_id,
                            const Fc__V1__DisbursementAudit *a, fc_err_t *err);
int welfare_store_audit_list(fc_pg_t *pg, int64_t disbursement_id, fc_arena_t *arena,
                             Fc__V1__DisbursementAudit ***out, size_t *n_out, fc_err_t *err);
/* 1 if any disbursement waits for funds on this budget account (no lock taken). */
int welfare_store_queue_any(fc_pg_t *pg, int64_t budget_account, int *any_out, fc_err_t *err);
/* How many disbursements wait for funds on this budget account. */
int welfare_store_queue_len(fc_pg_t *pg, int64_t budget_account, long long *n_out, fc_err_t *err);
/* The first up to max waiting on this budget account, oldest first, locked. */
int welfare_store_queue_head(fc_pg_t *pg, int64_t budget_account, int max, int64_t *ids,
                             int64_t *amounts, int *n_out, fc_err_t *err);
/* The frontline subsidies of a person on a local day: how many (any state), how many are
 * live (awaiting funds, pending or paid), the best (lowest) risk class among them (0 if none)
 * and their total amount. */
int welfare_store_subsidies_of_day(fc_pg_t *pg, const char *employee_no, const char *day,
                                   int *count_out, int *live_out, int *best_class_out,
                                   int64_t *total_out, fc_err_t *err);
/* Serialises requests carrying the same client key (a transaction-scoped advisory lock). */
int welfare_store_idem_lock(fc_pg_t *pg, const char *key, fc_err_t *err);
/* Budget accounts that have disbursements waiting for funds, at most max. */
int welfare_store_queued_accounts(fc_pg_t *pg, int max, int64_t *ids, int *n_out, fc_err_t *err);
/* Ids of open (pending, awaiting_funds) disbursements requested before before_us, oldest
 * first, at most max. */
int welfare_store_open_before(fc_pg_t *pg, int64_t before_us, int max, int64_t *ids, int *n_out,
                              fc_err_t *err);
/* Payments matching q within the subtree of root_code ("" = everywhere). */
int welfare_store_pay_list(fc_pg_t *pg, const Fc__V1__PayListRequest *q, const char *root_code,
                           int limit, fc_arena_t *arena, Fc__V1__PayListReply *out, fc_err_t *err);

/* ---- idempotent replies ---- */
/* *found = 1 and the stored signature and reply (arena memory) if key was answered before. */
int welfare_store_idem_get(fc_pg_t *pg, const char *key, fc_arena_t *arena, int *found,
                           char **signature_out, uint8_t **reply_out, size_t *len_out,
                           fc_err_t *err);
int welfare_store_idem_put(fc_pg_t *pg, const char *key, const char *signature,
                           const uint8_t *reply, size_t len, int64_t at_us, fc_err_t *err);

/* ---- families of the deceased ---- */
/* Inserts f unless the person already has a record; *created says which. */
int welfare_store_family_open(fc_pg_t *pg, const Fc__V1__FamilyCare *f, int *created,
                              fc_err_t *err);
/* The record with its visits; lock = FOR UPDATE. FC_ENOTFOUND naming "employee_no". */
int welfare_store_family_get(fc_pg_t *pg, const char *employee_no, int lock, fc_arena_t *arena,
                             Fc__V1__FamilyCare **out, fc_err_t *err);
/* Writes liaison, contact, cadence, next_due_us and last_visit_us of f. */
int welfare_store_family_update(fc_pg_t *pg, const Fc__V1__FamilyCare *f, fc_err_t *err);
int welfare_store_family_visit_add(fc_pg_t *pg, const char *employee_no,
                                   const Fc__V1__FamilyVisit *v, fc_err_t *err);
/* Records in the subtree of root_code ("" = all); due_only: next visit due at now_us. */
int welfare_store_family_list(fc_pg_t *pg, const char *root_code, int due_only, int64_t now_us,
                              fc_arena_t *arena, Fc__V1__FamilyCare ***out, size_t *n_out,
                              fc_err_t *err);
/* Locks up to max records due at now_us whose due date was not announced yet (SKIP LOCKED:
 * replicas share the work); their employee numbers into emps. */
int welfare_store_family_due(fc_pg_t *pg, int64_t now_us, int max, char (*emps)[WELFARE_CODE_MAX],
                             int *n_out, fc_err_t *err);
int welfare_store_family_mark_announced(fc_pg_t *pg, const char *employee_no, int64_t due_us,
                                        fc_err_t *err);

/* ---- invariants ---- */
typedef void (*welfare_violation_fn)(void *arg, const char *check, const char *detail);
typedef struct {
    int64_t transfers, accounts, disbursements, external_inflow_fen, internal_balance_fen;
} welfare_check_stats_t;
/* Runs every invariant query in one consistent snapshot (its own read-only transaction;
 * the connection must not be in one); calls fn once per violation. */
int welfare_store_check(fc_pg_t *pg, welfare_violation_fn fn, void *arg,
                        welfare_check_stats_t *stats, fc_err_t *err);

#endif

/* ---- benefit application cases (welfare_benefit) ---- */
/* Inserts a case x (id set on success) with its first step row, unless the incident already
 * opened this kind or the person has an open case of it: then *created = 0. */
int welfare_store_benefit_insert(fc_pg_t *pg, Fc__V1__BenefitCase *x, int *created,
                                 fc_err_t *err);
/* The id of the case this incident opened of this kind, and of the person's open case of this
 * kind (0 when none). */
int welfare_store_benefit_find(fc_pg_t *pg, const char *employee_no, const char *kind,
                               int64_t incident_id, int64_t *incident_case_out,
                               int64_t *open_case_out, fc_err_t *err);
/* The case (with the person's name; without steps and docs); lock = FOR UPDATE. FC_ENOTFOUND
 * naming "case_id". */
int welfare_store_benefit_get(fc_pg_t *pg, int64_t id, int lock, int64_t now_us,
                              fc_arena_t *arena, Fc__V1__BenefitCase **out, fc_err_t *err);
/* Fills x->steps and x->docs. */
int welfare_store_benefit_history(fc_pg_t *pg, Fc__V1__BenefitCase *x, fc_arena_t *arena,
                                  fc_err_t *err);
/* Writes the mutable columns of x (state, step, deadline, handler, outcome, payout). */
int welfare_store_benefit_update(fc_pg_t *pg, const Fc__V1__BenefitCase *x, fc_err_t *err);
/* Completes step index of a case and inserts the next step row (x's current step). */
int welfare_store_benefit_step_next(fc_pg_t *pg, const Fc__V1__BenefitCase *x, int prev_index,
                                    int64_t at_us, const char *by, const char *note,
                                    fc_err_t *err);
/* Completes the current step of x at at_us (the case closing). */
int welfare_store_benefit_step_close(fc_pg_t *pg, const Fc__V1__BenefitCase *x, int64_t at_us,
                                     const char *by, const char *note, fc_err_t *err);
int welfare_store_benefit_doc_add(fc_pg_t *pg, int64_t case_id, Fc__V1__BenefitDoc *d,
                                  fc_err_t *err);
/* Cases matching q within the subtree of root_code ("" = everywhere); overdue at now_us. */
int welfare_store_benefit_list(fc_pg_t *pg, const Fc__V1__BenefitListRequest *q,
                               const char *root_code, int64_t now_us, int limit,
                               fc_arena_t *arena, Fc__V1__BenefitListReply *out, fc_err_t *err);

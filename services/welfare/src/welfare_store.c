/* welfare_store: welfare's SQL, parameterised, for schema welfare only. */
#include "welfare_store.h"
#include "welfare_policy.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define B(x) ((x) ? "true" : "false")
/* Recursive walks are bounded: the tree is a handful of levels deep, a cycle is a bug. */
#define S_MAX_DEPTH "64"

typedef char s_num_t[24];

static const char *s_num(s_num_t buf, int64_t v)
{
    snprintf(buf, sizeof(s_num_t), "%" PRId64, v);
    return buf;
}

static int s_fail(fc_err_t *err)
{
    return err && err->code ? err->code : FC_ERR;
}

static char *s_str(fc_arena_t *arena, const PGresult *r, int row, int col)
{
    return fc_arena_strdup(arena, fc_pg_str(r, row, col));
}

static int s_bool(const PGresult *r, int row, int col)
{
    return strcmp(fc_pg_str(r, row, col), "t") == 0;
}

/* ---- projections ------------------------------------------------------------------------ */

int welfare_store_org_upsert(fc_pg_t *pg, const Fc__V1__OrgUnit *u, int64_t at_us, fc_err_t *err)
{
    s_num_t at;
    const char *p[] = {u->org_code, u->parent_code[0] ? u->parent_code : NULL, u->name, u->kind,
                       s_num(at, at_us)};
    /* an older event never overwrites a newer one */
    return fc_pg_cmd(pg,
                     "INSERT INTO org_unit AS o (org_code, parent_code, name, kind, updated_at_us)"
                     " VALUES ($1, $2, $3, $4, $5)"
                     " ON CONFLICT (org_code) DO UPDATE SET parent_code = EXCLUDED.parent_code,"
                     " name = EXCLUDED.name, kind = EXCLUDED.kind,"
                     " updated_at_us = EXCLUDED.updated_at_us"
                     " WHERE o.updated_at_us <= EXCLUDED.updated_at_us",
                     5, p, NULL, err);
}

int welfare_store_person_upsert(fc_pg_t *pg, const Fc__V1__Person *x, int64_t at_us, fc_err_t *err)
{
    s_num_t at, hs;
    const char *p[] = {x->employee_no,
                       x->name,
                       x->phone,
                       x->org_code,
                       B(x->aid_team),
                       B(x->medical_staff),
                       x->spouse_employee_no[0] ? x->spouse_employee_no : NULL,
                       s_num(hs, x->health_status),
                       s_num(at, at_us)};
    return fc_pg_cmd(pg,
                     "INSERT INTO person AS t (employee_no, name, phone, org_code, aid_team,"
                     " medical_staff, spouse_employee_no, health_status, updated_at_us)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                     " ON CONFLICT (employee_no) DO UPDATE SET name = EXCLUDED.name,"
                     " phone = EXCLUDED.phone, org_code = EXCLUDED.org_code,"
                     " aid_team = EXCLUDED.aid_team, medical_staff = EXCLUDED.medical_staff,"
                     " spouse_employee_no = EXCLUDED.spouse_employee_no,"
                     " health_status = EXCLUDED.health_status,"
                     " updated_at_us = EXCLUDED.updated_at_us"
                     " WHERE t.updated_at_us <= EXCLUDED.updated_at_us",
                     9, p, NULL, err);
}

int welfare_store_person_get(fc_pg_t *pg, const char *employee_no, const char *field,
                             welfare_person_t *out, fc_err_t *err)
{
    const char *p[] = {employee_no};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT employee_no, org_code, COALESCE(spouse_employee_no, ''), name,"
                             " phone, aid_team, medical_staff FROM person WHERE employee_no = $1",
                             1, p, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0) {
        rc = fc_err_set(err, FC_ENOTFOUND, field, "工号“%s”不存在", employee_no);
    } else {
        memset(out, 0, sizeof *out);
        snprintf(out->employee_no, sizeof out->employee_no, "%s", fc_pg_str(r, 0, 0));
        snprintf(out->org_code, sizeof out->org_code, "%s", fc_pg_str(r, 0, 1));
        snprintf(out->spouse_employee_no, sizeof out->spouse_employee_no, "%s", fc_pg_str(r, 0, 2));
        snprintf(out->name, sizeof out->name, "%s", fc_pg_str(r, 0, 3));
        snprintf(out->phone, sizeof out->phone, "%s", fc_pg_str(r, 0, 4));
        out->aid_team = s_bool(r, 0, 5);
        out->medical_staff = s_bool(r, 0, 6);
    }
    PQclear(r);
    return rc;
}

int welfare_store_org_get(fc_pg_t *pg, const char *org_code, const char *field, char *name_out,
                          size_t n, fc_err_t *err)
{
    const char *p[] = {org_code};
    PGresult *r = fc_pg_exec(pg, "SELECT name FROM org_unit WHERE org_code = $1", 1, p, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0)
        rc = fc_err_set(err, FC_ENOTFOUND, field, "组织“%s”不存在", org_code);
    else if (name_out)
        snprintf(name_out, n, "%s", fc_pg_str(r, 0, 0));
    PQclear(r);
    return rc;
}

/* The ancestors of $1 with their depth (0 = $1 itself). */
#define S_UP_CTE                                                                                   \
    "WITH RECURSIVE up(code, parent, kind, depth) AS ("                                            \
    " SELECT org_code, parent_code, kind, 0 FROM org_unit WHERE org_code = $1"                     \
    " UNION ALL SELECT o.org_code, o.parent_code, o.kind, up.depth + 1"                            \
    " FROM org_unit o JOIN up ON o.org_code = up.parent WHERE up.depth < " S_MAX_DEPTH ")"

/* $1 and every unit below it (when $2 is true), with their depth. */
#define S_SUB_CTE                                                                                  \
    "WITH RECURSIVE sub(code, depth) AS ("                                                         \
    " SELECT org_code, 0 FROM org_unit WHERE org_code = $1"                                        \
    " UNION ALL SELECT o.org_code, sub.depth + 1 FROM org_unit o JOIN sub"                         \
    " ON o.parent_code = sub.code WHERE $2::boolean AND sub.depth < " S_MAX_DEPTH ")"

int welfare_store_in_subtree(fc_pg_t *pg, const char *root_code, const char *org_code,
                             const char *field, int *inside, fc_err_t *err)
{
    const char *p[] = {org_code, root_code};
    PGresult *r = fc_pg_exec(pg,
                             S_UP_CTE " SELECT EXISTS (SELECT 1 FROM up),"
                                      " EXISTS (SELECT 1 FROM up WHERE code = $2)",
                             2, p, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (!s_bool(r, 0, 0))
        rc = fc_err_set(err, FC_ENOTFOUND, field, "组织“%s”不存在", org_code);
    else
        *inside = s_bool(r, 0, 1);
    PQclear(r);
    return rc;
}

int welfare_store_payer_of(fc_pg_t *pg, const char *org_code, const char *field,
                           char payer_out[WELFARE_CODE_MAX], fc_err_t *err)
{
    const char *p[] = {org_code};
    PGresult *r = fc_pg_exec(pg,
                             S_UP_CTE " SELECT COALESCE("
                                      " (SELECT code FROM up WHERE kind = 'subsidiary'"
                                      "  ORDER BY depth LIMIT 1),"
                                      " (SELECT code FROM up ORDER BY depth DESC LIMIT 1))",
                             1, p, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (PQgetisnull(r, 0, 0))
        rc = fc_err_set(err, FC_ENOTFOUND, field, "组织“%s”不存在", org_code);
    else
        snprintf(payer_out, WELFARE_CODE_MAX, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return rc;
}

/* ---- ledger ----------------------------------------------------------------------------- */

int welfare_store_account_find(fc_pg_t *pg, const char *kind, const char *org_code, int fund,
                               int64_t *id_out, fc_err_t *err)
{
    const char *p[] = {kind, org_code, welfare_fund_name(fund)};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT id FROM account WHERE kind = $1 AND org_code = $2"
                             " AND fund = $3",
                             3, p, err);
    if (!r)
        return s_fail(err);
    *id_out = PQntuples(r) ? fc_pg_int(r, 0, 0) : 0;
    PQclear(r);
    return FC_OK;
}

int welfare_store_account(fc_pg_t *pg, const char *kind, const char *org_code, int fund,
                          int64_t *id_out, fc_err_t *err)
{
    int rc = welfare_store_account_find(pg, kind, org_code, fund, id_out, err);
    if (rc != FC_OK || *id_out)
        return rc;
    const char *p[] = {kind, org_code, welfare_fund_name(fund)};
    /* DO NOTHING, not DO UPDATE: an upsert that updates would lock the row another
     * transaction just created, out of the lock order (budget accounts by id) */
    PGresult *r = fc_pg_exec(pg,
                             "INSERT INTO account (kind, org_code, fund) VALUES ($1, $2, $3)"
                             " ON CONFLICT (kind, org_code, fund) DO NOTHING RETURNING id",
                             3, p, err);
    if (!r)
        return s_fail(err);
    *id_out = PQntuples(r) ? fc_pg_int(r, 0, 0) : 0;
    PQclear(r);
    if (*id_out)
        return FC_OK;
    /* someone else created it meanwhile (and committed: DO NOTHING waited for that) */
    return welfare_store_account_find(pg, kind, org_code, fund, id_out, err);
}

int welfare_store_account_set(fc_pg_t *pg, const char *org_code, int fund, int64_t ids[3],
                              fc_err_t *err)
{
    static const char *kinds[3] = {"budget", "hold", "payout"};
    const char *p[] = {org_code, welfare_fund_name(fund)};
    /* one round trip in the usual case: all three exist */
    PGresult *r = fc_pg_exec(pg,
                             "SELECT kind, id FROM account WHERE org_code = $1 AND fund = $2"
                             " AND kind IN ('budget', 'hold', 'payout')",
                             2, p, err);
    if (!r)
        return s_fail(err);
    ids[0] = ids[1] = ids[2] = 0;
    for (int i = 0; i < PQntuples(r); i++)
        for (int k = 0; k < 3; k++)
            if (strcmp(fc_pg_str(r, i, 0), kinds[k]) == 0)
                ids[k] = fc_pg_int(r, i, 1);
    PQclear(r);
    for (int k = 0; k < 3; k++) {
        int rc;
        if (!ids[k] &&
            (rc = welfare_store_account(pg, kinds[k], org_code, fund, &ids[k], err)) != FC_OK)
            return rc;
    }
    return FC_OK;
}

int welfare_store_lock_accounts(fc_pg_t *pg, const int64_t *ids, int n, int64_t *balances_out,
                                fc_err_t *err)
{
    fc_buf_t arr;
    fc_buf_init(&arr);
    fc_buf_puts(&arr, "{");
    for (int i = 0; i < n; i++)
        fc_buf_printf(&arr, "%s%" PRId64, i ? "," : "", ids[i]);
    fc_buf_puts(&arr, "}");
    const char *p[] = {arr.data};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT id, balance FROM account WHERE id = ANY($1::bigint[])"
                             " ORDER BY id FOR UPDATE",
                             1, p, err);
    fc_buf_fini(&arr);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    for (int i = 0; i < n; i++) {
        int found = 0;
        for (int k = 0; k < PQntuples(r) && !found; k++)
            if (fc_pg_int(r, k, 0) == ids[i]) {
                balances_out[i] = fc_pg_int(r, k, 1);
                found = 1;
            }
        if (!found)
            rc = fc_err_set(err, FC_ENOTFOUND, "account", "账户 %" PRId64 " 不存在", ids[i]);
    }
    PQclear(r);
    return rc;
}

int welfare_store_transfer(fc_pg_t *pg, const char *kind, int64_t from, int64_t to, int64_t amount,
                           int64_t disbursement_id, const char *actor, const char *memo,
                           int64_t at_us, int64_t *transfer_id_out, int64_t *from_balance_out,
                           fc_err_t *err)
{
    s_num_t f, t, a, d, at;
    const char *p[] = {kind,
                       s_num(f, from),
                       s_num(t, to),
                       s_num(a, amount),
                       disbursement_id ? s_num(d, disbursement_id) : NULL,
                       actor,
                       memo,
                       s_num(at, at_us)};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT transfer_id, from_balance FROM ledger_transfer($1, $2, $3, $4,"
                             " $5, $6, $7, $8)",
                             8, p, err);
    if (!r)
        return s_fail(err);
    *transfer_id_out = PQgetisnull(r, 0, 0) ? 0 : fc_pg_int(r, 0, 0);
    if (from_balance_out)
        *from_balance_out = fc_pg_int(r, 0, 1);
    PQclear(r);
    return FC_OK;
}

int welfare_store_balances(fc_pg_t *pg, const char *org_code, int subtree, int fund,
                           fc_arena_t *arena, Fc__V1__FundBalance ***out, size_t *n_out,
                           fc_err_t *err)
{
    const char *p[] = {org_code, B(subtree), fund >= 0 ? welfare_fund_name(fund) : ""};
    PGresult *r = fc_pg_exec(
        pg,
        S_SUB_CTE
        " SELECT a.org_code, a.fund,"
        "  COALESCE(sum(a.balance) FILTER (WHERE a.kind = 'budget'), 0),"
        "  COALESCE(sum(a.balance) FILTER (WHERE a.kind = 'hold'), 0),"
        "  COALESCE(sum(a.balance) FILTER (WHERE a.kind = 'payout'), 0),"
        "  COALESCE((SELECT sum(d.amount) FROM disbursement d WHERE d.payer_org = a.org_code"
        "   AND d.fund = a.fund AND d.state = 'awaiting_funds'), 0),"
        "  COALESCE(o.name, '')"
        " FROM account a LEFT JOIN org_unit o ON o.org_code = a.org_code"
        " WHERE a.kind IN ('budget', 'hold', 'payout')"
        "  AND ($1 = '' OR a.org_code IN (SELECT code FROM sub))"
        "  AND ($3 = '' OR a.fund = $3)"
        " GROUP BY a.org_code, a.fund, o.name ORDER BY a.org_code, a.fund",
        3, p, err);
    if (!r)
        return s_fail(err);
    size_t n = (size_t)PQntuples(r);
    Fc__V1__FundBalance **v = fc_arena_alloc(arena, (n + 1) * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        Fc__V1__FundBalance *b = fc_arena_alloc(arena, sizeof *b);
        fc__v1__fund_balance__init(b);
        b->org_code = s_str(arena, r, (int)i, 0);
        b->fund = s_str(arena, r, (int)i, 1);
        b->available_fen = fc_pg_int(r, (int)i, 2);
        b->reserved_fen = fc_pg_int(r, (int)i, 3);
        b->paid_fen = fc_pg_int(r, (int)i, 4);
        b->awaiting_fen = fc_pg_int(r, (int)i, 5);
        b->org_name = s_str(arena, r, (int)i, 6);
        v[i] = b;
    }
    PQclear(r);
    *out = v;
    *n_out = n;
    return FC_OK;
}

int welfare_store_statement(fc_pg_t *pg, int64_t account_id, int64_t from_us, int64_t to_us,
                            int limit, fc_arena_t *arena, Fc__V1__FundsStatementReply *out,
                            fc_err_t *err)
{
    s_num_t acc, from, to, lim;
    const char *p[] = {s_num(acc, account_id), s_num(from, from_us), s_num(to, to_us),
                       s_num(lim, limit)};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT COALESCE(sum(amount) FILTER (WHERE at_us < $2), 0),"
                             " COALESCE(sum(amount) FILTER (WHERE at_us >= $2 AND at_us < $3"
                             "  AND amount > 0), 0),"
                             " COALESCE(sum(amount) FILTER (WHERE at_us >= $2 AND at_us < $3"
                             "  AND amount < 0), 0),"
                             " count(*) FILTER (WHERE at_us >= $2 AND at_us < $3)"
                             " FROM entry WHERE account_id = $1",
                             3, p, err);
    if (!r)
        return s_fail(err);
    out->opening_fen = fc_pg_int(r, 0, 0);
    out->total_in_fen = fc_pg_int(r, 0, 1);
    out->total_out_fen = fc_pg_int(r, 0, 2);
    out->closing_fen = out->opening_fen + out->total_in_fen + out->total_out_fen;
    long long nlines = fc_pg_int(r, 0, 3);
    PQclear(r);
    out->truncated = nlines > limit;
    r = fc_pg_exec(pg,
                   "SELECT e.transfer_id, e.at_us, t.kind, e.amount,"
                   " COALESCE(t.disbursement_id, 0), t.memo, t.actor,"
                   " a.kind || ':' || a.org_code || '/' || a.fund"
                   " FROM entry e JOIN transfer t ON t.id = e.transfer_id"
                   " JOIN entry o ON o.transfer_id = e.transfer_id AND o.id <> e.id"
                   " JOIN account a ON a.id = o.account_id"
                   " WHERE e.account_id = $1 AND e.at_us >= $2 AND e.at_us < $3"
                   " ORDER BY e.at_us, e.transfer_id LIMIT $4",
                   4, p, err);
    if (!r)
        return s_fail(err);
    size_t n = (size_t)PQntuples(r);
    out->lines = fc_arena_alloc(arena, (n + 1) * sizeof *out->lines);
    int64_t bal = out->opening_fen;
    for (size_t i = 0; i < n; i++) {
        Fc__V1__FundsStatementLine *l = fc_arena_alloc(arena, sizeof *l);
        fc__v1__funds_statement_line__init(l);
        int row = (int)i;
        l->transfer_id = fc_pg_int(r, row, 0);
        l->at_us = fc_pg_int(r, row, 1);
        l->kind = s_str(arena, r, row, 2);
        l->amount_fen = fc_pg_int(r, row, 3);
        l->disbursement_id = fc_pg_int(r, row, 4);
        l->memo = s_str(arena, r, row, 5);
        l->actor = s_str(arena, r, row, 6);
        l->counterparty = s_str(arena, r, row, 7);
        bal += l->amount_fen;
        l->balance_fen = bal;
        out->lines[i] = l;
    }
    out->n_lines = n;
    PQclear(r);
    return FC_OK;
}

/* ---- disbursements -------------------------------------------------------------------- */

#define S_DISB_COLS                                                                                \
    "id, idem_key, kind, employee_no, person_org, payer_org, fund, amount, state, reason,"         \
    " source, source_ref, incident_kind, COALESCE(to_char(duty_day, 'YYYY-MM-DD'), ''),"           \
    " risk_class, requested_by, approved_by, requested_at_us, decided_at_us, reversed_at_us,"      \
    " memo, budget_account, hold_account, payout_account"

static welfare_disb_t *s_disb_row(fc_arena_t *arena, const PGresult *r, int row)
{
    welfare_disb_t *d = fc_arena_alloc(arena, sizeof *d);
    memset(d, 0, sizeof *d);
    Fc__V1__Disbursement *x = &d->pb;
    fc__v1__disbursement__init(x);
    x->id = fc_pg_int(r, row, 0);
    x->idempotency_key = s_str(arena, r, row, 1);
    x->kind = s_str(arena, r, row, 2);
    x->employee_no = s_str(arena, r, row, 3);
    x->person_org = s_str(arena, r, row, 4);
    x->payer_org = s_str(arena, r, row, 5);
    x->fund = s_str(arena, r, row, 6);
    x->amount_fen = fc_pg_int(r, row, 7);
    x->state = s_str(arena, r, row, 8);
    x->reason = s_str(arena, r, row, 9);
    x->source = s_str(arena, r, row, 10);
    x->source_ref = s_str(arena, r, row, 11);
    x->incident_kind = s_str(arena, r, row, 12);
    x->duty_day = s_str(arena, r, row, 13);
    x->risk_class = (int32_t)fc_pg_int(r, row, 14);
    x->requested_by = s_str(arena, r, row, 15);
    x->approved_by = s_str(arena, r, row, 16);
    x->requested_at_us = fc_pg_int(r, row, 17);
    x->decided_at_us = fc_pg_int(r, row, 18);
    x->reversed_at_us = fc_pg_int(r, row, 19);
    x->memo = s_str(arena, r, row, 20);
    d->budget_account = fc_pg_int(r, row, 21);
    d->hold_account = fc_pg_int(r, row, 22);
    d->payout_account = fc_pg_int(r, row, 23);
    return d;
}

int welfare_store_disb_insert(fc_pg_t *pg, welfare_disb_t *d, fc_err_t *err)
{
    const Fc__V1__Disbursement *x = &d->pb;
    s_num_t amount, risk, at, b, h, po;
    const char *p[] = {x->idempotency_key,
                       x->kind,
                       x->employee_no,
                       x->person_org,
                       x->payer_org,
                       x->fund,
                       s_num(amount, x->amount_fen),
                       x->state,
                       x->reason,
                       x->source,
                       x->source_ref,
                       x->incident_kind,
                       x->duty_day[0] ? x->duty_day : NULL,
                       s_num(risk, x->risk_class),
                       x->requested_by,
                       s_num(at, x->requested_at_us),
                       x->memo,
                       s_num(b, d->budget_account),
                       s_num(h, d->hold_account),
                       s_num(po, d->payout_account)};
    PGresult *r = fc_pg_exec(pg,
                             "INSERT INTO disbursement (idem_key, kind, employee_no, person_org,"
                             " payer_org, fund, amount, state, reason, source, source_ref,"
                             " incident_kind, duty_day, risk_class, requested_by, requested_at_us,"
                             " memo, budget_account, hold_account, payout_account)"
                             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
                             " $13::date, $14, $15, $16, $17, $18, $19, $20) RETURNING id",
                             20, p, err);
    if (!r) {
        if (err && err->code == FC_EDUP && strstr(err->field, "idem_key"))
            fc_err_set(err, FC_EDUP, "idempotency_key", "幂等键“%s”已被使用", x->idempotency_key);
        else if (err && err->code == FC_EDUP && strstr(err->field, "one_subsidy_per_day"))
            fc_err_set(err, FC_EDUP, "duty_day", "%s 在 %s 已有该类临时性工作补助", x->employee_no,
                       x->duty_day);
        return s_fail(err);
    }
    d->pb.id = fc_pg_int(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

int welfare_store_disb_get(fc_pg_t *pg, int64_t id, const char *key, int lock, fc_arena_t *arena,
                           welfare_disb_t **out, fc_err_t *err)
{
    s_num_t ids;
    const char *p[] = {key ? key : s_num(ids, id)};
    const char *sql;
    if (key)
        sql = lock ? "SELECT " S_DISB_COLS " FROM disbursement WHERE idem_key = $1 FOR UPDATE"
                   : "SELECT " S_DISB_COLS " FROM disbursement WHERE idem_key = $1";
    else
        sql = lock ? "SELECT " S_DISB_COLS " FROM disbursement WHERE id = $1 FOR UPDATE"
                   : "SELECT " S_DISB_COLS " FROM disbursement WHERE id = $1";
    PGresult *r = fc_pg_exec(pg, sql, 1, p, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0) {
        if (key)
            rc =
                fc_err_set(err, FC_ENOTFOUND, "idempotency_key", "没有幂等键为“%s”的发放申请", key);
        else
            rc = fc_err_set(err, FC_ENOTFOUND, "id", "发放申请 #%" PRId64 " 不存在", id);
    } else {
        *out = s_disb_row(arena, r, 0);
    }
    PQclear(r);
    return rc;
}

int welfare_store_disb_update(fc_pg_t *pg, const welfare_disb_t *d, fc_err_t *err)
{
    const Fc__V1__Disbursement *x = &d->pb;
    s_num_t id, dec, rev;
    const char *p[] = {s_num(id, x->id),
                       x->state,
                       x->reason,
                       x->approved_by,
                       s_num(dec, x->decided_at_us),
                       s_num(rev, x->reversed_at_us)};
    return fc_pg_cmd(pg,
                     "UPDATE disbursement SET state = $2, reason = $3, approved_by = $4,"
                     " decided_at_us = $5, reversed_at_us = $6 WHERE id = $1",
                     6, p, NULL, err);
}

int welfare_store_audit_add(fc_pg_t *pg, int64_t disbursement_id,
                            const Fc__V1__DisbursementAudit *a, fc_err_t *err)
{
    s_num_t id, at, t;
    const char *p[] = {s_num(id, disbursement_id),
                       s_num(at, a->at_us),
                       a->action,
                       a->actor,
                       a->role,
                       a->org_scope,
                       a->from_state,
                       a->to_state,
                       a->note,
                       a->transfer_id ? s_num(t, a->transfer_id) : NULL};
    return fc_pg_cmd(pg,
                     "INSERT INTO disbursement_audit (disbursement_id, at_us, action, actor, role,"
                     " org_scope, from_state, to_state, note, transfer_id)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                     10, p, NULL, err);
}

int welfare_store_audit_list(fc_pg_t *pg, int64_t disbursement_id, fc_arena_t *arena,
                             Fc__V1__DisbursementAudit ***out, size_t *n_out, fc_err_t *err)
{
    s_num_t id;
    const char *p[] = {s_num(id, disbursement_id)};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT at_us, action, actor, role, org_scope, from_state, to_state,"
                             " note, COALESCE(transfer_id, 0) FROM disbursement_audit"
                             " WHERE disbursement_id = $1 ORDER BY id",
                             1, p, err);
    if (!r)
        return s_fail(err);
    size_t n = (size_t)PQntuples(r);
    Fc__V1__DisbursementAudit **v = fc_arena_alloc(arena, (n + 1) * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        int row = (int)i;
        Fc__V1__DisbursementAudit *a = fc_arena_alloc(arena, sizeof *a);
        fc__v1__disbursement_audit__init(a);
        a->at_us = fc_pg_int(r, row, 0);
        a->action = s_str(arena, r, row, 1);
        a->actor = s_str(arena, r, row, 2);
        a->role = s_str(arena, r, row, 3);
        a->org_scope = s_str(arena, r, row, 4);
        a->from_state = s_str(arena, r, row, 5);
        a->to_state = s_str(arena, r, row, 6);
        a->note = s_str(arena, r, row, 7);
        a->transfer_id = fc_pg_int(r, row, 8);
        v[i] = a;
    }
    PQclear(r);
    *out = v;
    *n_out = n;
    return FC_OK;
}

int welfare_store_queue_any(fc_pg_t *pg, int64_t budget_account, int *any_out, fc_err_t *err)
{
    s_num_t b;
    const char *p[] = {s_num(b, budget_account)};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT EXISTS (SELECT 1 FROM disbursement WHERE budget_account = $1"
                             " AND state = 'awaiting_funds')",
                             1, p, err);
    if (!r)
        return s_fail(err);
    *any_out = s_bool(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

int welfare_store_queue_len(fc_pg_t *pg, int64_t budget_account, long long *n_out, fc_err_t *err)
{
    s_num_t b;
    const char *p[] = {s_num(b, budget_account)};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT count(*) FROM disbursement WHERE budget_account = $1"
                             " AND state = 'awaiting_funds'",
                             1, p, err);
    if (!r)
        return s_fail(err);
    *n_out = fc_pg_int(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

int welfare_store_queue_head(fc_pg_t *pg, int64_t budget_account, int max, int64_t *ids,
                             int64_t *amounts, int *n_out, fc_err_t *err)
{
    s_num_t b, lim;
    const char *p[] = {s_num(b, budget_account), s_num(lim, max)};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT id, amount FROM disbursement WHERE budget_account = $1"
                             " AND state = 'awaiting_funds' ORDER BY id LIMIT $2 FOR UPDATE",
                             2, p, err);
    if (!r)
        return s_fail(err);
    int n = PQntuples(r);
    for (int i = 0; i < n; i++) {
        ids[i] = fc_pg_int(r, i, 0);
        amounts[i] = fc_pg_int(r, i, 1);
    }
    *n_out = n;
    PQclear(r);
    return FC_OK;
}

int welfare_store_subsidies_of_day(fc_pg_t *pg, const char *employee_no, const char *day,
                                   int *count_out, int *live_out, int *best_class_out,
                                   int64_t *total_out, fc_err_t *err)
{
    const char *p[] = {employee_no, day};
    PGresult *r =
        fc_pg_exec(pg,
                   "SELECT count(*), COALESCE(min(risk_class), 0), COALESCE(sum(amount), 0),"
                   " count(*) FILTER (WHERE state IN ('awaiting_funds', 'pending', 'paid'))"
                   " FROM disbursement WHERE kind = 'frontline_subsidy'"
                   " AND employee_no = $1 AND duty_day = $2::date",
                   2, p, err);
    if (!r)
        return s_fail(err);
    *count_out = (int)fc_pg_int(r, 0, 0);
    *best_class_out = (int)fc_pg_int(r, 0, 1);
    *total_out = fc_pg_int(r, 0, 2);
    *live_out = (int)fc_pg_int(r, 0, 3);
    PQclear(r);
    return FC_OK;
}

int welfare_store_queued_accounts(fc_pg_t *pg, int max, int64_t *ids, int *n_out, fc_err_t *err)
{
    s_num_t lim;
    const char *p[] = {s_num(lim, max)};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT DISTINCT budget_account FROM disbursement"
                             " WHERE state = 'awaiting_funds' ORDER BY 1 LIMIT $1",
                             1, p, err);
    if (!r)
        return s_fail(err);
    int n = PQntuples(r);
    for (int i = 0; i < n; i++)
        ids[i] = fc_pg_int(r, i, 0);
    *n_out = n;
    PQclear(r);
    return FC_OK;
}

int welfare_store_open_before(fc_pg_t *pg, int64_t before_us, int max, int64_t *ids, int *n_out,
                              fc_err_t *err)
{
    s_num_t b, lim;
    const char *p[] = {s_num(b, before_us), s_num(lim, max)};
    PGresult *r =
        fc_pg_exec(pg,
                   "SELECT id FROM disbursement WHERE state IN ('pending', 'awaiting_funds')"
                   " AND requested_at_us < $1 ORDER BY requested_at_us, id LIMIT $2",
                   2, p, err);
    if (!r)
        return s_fail(err);
    int n = PQntuples(r);
    for (int i = 0; i < n; i++)
        ids[i] = fc_pg_int(r, i, 0);
    *n_out = n;
    PQclear(r);
    return FC_OK;
}

/* The filtered disbursements of pay_list: $1 employee, $2 kind, $3 state, $4 from, $5 to (0 =
 * open), $6 root of a subtree holding the paying org or the person's unit ("" = everywhere);
 * "" = no filter. */
#define S_PAY_FILTER_CTE                                                                           \
    "WITH RECURSIVE sub(code, depth) AS ("                                                         \
    " SELECT org_code, 0 FROM org_unit WHERE org_code = $6"                                        \
    " UNION ALL SELECT o.org_code, sub.depth + 1 FROM org_unit o JOIN sub"                         \
    " ON o.parent_code = sub.code WHERE sub.depth < " S_MAX_DEPTH "),"                             \
    " f AS (SELECT * FROM disbursement WHERE ($1 = '' OR employee_no = $1)"                        \
    " AND ($2 = '' OR kind = $2) AND ($3 = '' OR state = $3)"                                      \
    " AND requested_at_us >= $4::bigint AND ($5::bigint = 0 OR requested_at_us < $5::bigint)"      \
    " AND ($6 = '' OR payer_org IN (SELECT code FROM sub)"                                         \
    "  OR person_org IN (SELECT code FROM sub)))"

int welfare_store_pay_list(fc_pg_t *pg, const Fc__V1__PayListRequest *q, const char *root_code,
                           int limit, fc_arena_t *arena, Fc__V1__PayListReply *out, fc_err_t *err)
{
    s_num_t from, to, lim;
    const char *p[] = {q->employee_no,      q->kind,   q->state,         s_num(from, q->from_us),
                       s_num(to, q->to_us), root_code, s_num(lim, limit)};
    PGresult *r = fc_pg_exec(pg,
                             S_PAY_FILTER_CTE " SELECT " S_DISB_COLS
                                              " FROM f ORDER BY requested_at_us DESC, id DESC"
                                              " LIMIT $7",
                             7, p, err);
    if (!r)
        return s_fail(err);
    size_t n = (size_t)PQntuples(r);
    out->items = fc_arena_alloc(arena, (n + 1) * sizeof *out->items);
    /* the total of all matching rows comes from the per-kind counts below */
    for (size_t i = 0; i < n; i++)
        out->items[i] = &s_disb_row(arena, r, (int)i)->pb;
    out->n_items = n;
    PQclear(r);
    r = fc_pg_exec(pg,
                   S_PAY_FILTER_CTE
                   " SELECT kind, count(*),"
                   " COALESCE(sum(amount) FILTER (WHERE state = 'paid'), 0),"
                   " COALESCE(sum(amount) FILTER (WHERE state = 'pending'), 0),"
                   " COALESCE(sum(amount) FILTER (WHERE state = 'awaiting_funds'), 0)"
                   " FROM f GROUP BY kind ORDER BY kind",
                   6, p, err);
    if (!r)
        return s_fail(err);
    size_t nk = (size_t)PQntuples(r);
    out->by_kind = fc_arena_alloc(arena, (nk + 1) * sizeof *out->by_kind);
    int64_t total = 0;
    for (size_t i = 0; i < nk; i++) {
        int row = (int)i;
        Fc__V1__PayKindTotal *t = fc_arena_alloc(arena, sizeof *t);
        fc__v1__pay_kind_total__init(t);
        t->kind = s_str(arena, r, row, 0);
        t->count = fc_pg_int(r, row, 1);
        t->paid_fen = fc_pg_int(r, row, 2);
        t->pending_fen = fc_pg_int(r, row, 3);
        t->awaiting_fen = fc_pg_int(r, row, 4);
        total += t->count;
        out->by_kind[i] = t;
    }
    out->n_by_kind = nk;
    out->total = total;
    PQclear(r);
    return FC_OK;
}

/* ---- idempotent replies ------------------------------------------------------------------ */

int welfare_store_idem_get(fc_pg_t *pg, const char *key, fc_arena_t *arena, int *found,
                           char **signature_out, uint8_t **reply_out, size_t *len_out,
                           fc_err_t *err)
{
    const char *p[] = {key};
    PGresult *r =
        fc_pg_exec(pg, "SELECT signature, reply FROM idem_reply WHERE idem_key = $1", 1, p, err);
    if (!r)
        return s_fail(err);
    *found = PQntuples(r) == 1;
    if (*found) {
        *signature_out = s_str(arena, r, 0, 0);
        size_t len = 0;
        unsigned char *bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 1), &len);
        *reply_out = fc_arena_alloc(arena, len + 1);
        memcpy(*reply_out, bytes, len);
        *len_out = len;
        PQfreemem(bytes);
    }
    PQclear(r);
    return FC_OK;
}

int welfare_store_idem_lock(fc_pg_t *pg, const char *key, fc_err_t *err)
{
    const char *p[] = {key};
    return fc_pg_cmd(pg, "SELECT pg_advisory_xact_lock(hashtext('welfare.idem:' || $1))", 1, p,
                     NULL, err);
}

int welfare_store_idem_put(fc_pg_t *pg, const char *key, const char *signature,
                           const uint8_t *reply, size_t len, int64_t at_us, fc_err_t *err)
{
    s_num_t at;
    const char *p[] = {key, signature, (const char *)reply, s_num(at, at_us)};
    int lengths[] = {0, 0, (int)len, 0};
    int formats[] = {0, 0, 1, 0};
    PGresult *r = fc_pg_execb(pg,
                              "INSERT INTO idem_reply (idem_key, signature, reply, at_us)"
                              " VALUES ($1, $2, $3, $4)",
                              4, p, lengths, formats, err);
    if (!r)
        return s_fail(err);
    PQclear(r);
    return FC_OK;
}

/* ---- families of the deceased ------------------------------------------------------------- */

int welfare_store_family_open(fc_pg_t *pg, const Fc__V1__FamilyCare *f, int *created, fc_err_t *err)
{
    s_num_t inc, at, every, due;
    const char *p[] = {f->employee_no,
                       f->org_code,
                       s_num(inc, f->incident_id),
                       s_num(at, f->opened_at_us),
                       f->liaison_employee_no,
                       f->contact_name,
                       f->contact_phone,
                       f->contact_relation,
                       s_num(every, f->visit_every_days),
                       s_num(due, f->next_due_us)};
    long n = 0;
    int rc = fc_pg_cmd(pg,
                       "INSERT INTO family_care (employee_no, org_code, incident_id, opened_at_us,"
                       " liaison_employee_no, contact_name, contact_phone, contact_relation,"
                       " visit_every_days, next_due_us)"
                       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                       " ON CONFLICT (employee_no) DO NOTHING",
                       10, p, &n, err);
    *created = n == 1;
    return rc;
}

#define S_FAMILY_COLS                                                                              \
    "f.employee_no, f.org_code, f.incident_id, f.opened_at_us, f.liaison_employee_no,"             \
    " f.contact_name, f.contact_phone, f.contact_relation, f.visit_every_days, f.next_due_us,"     \
    " f.last_visit_us, COALESCE(p.name, '')"

static Fc__V1__FamilyCare *s_family_row(fc_arena_t *arena, const PGresult *r, int row)
{
    Fc__V1__FamilyCare *f = fc_arena_alloc(arena, sizeof *f);
    fc__v1__family_care__init(f);
    f->employee_no = s_str(arena, r, row, 0);
    f->org_code = s_str(arena, r, row, 1);
    f->incident_id = fc_pg_int(r, row, 2);
    f->opened_at_us = fc_pg_int(r, row, 3);
    f->liaison_employee_no = s_str(arena, r, row, 4);
    f->contact_name = s_str(arena, r, row, 5);
    f->contact_phone = s_str(arena, r, row, 6);
    f->contact_relation = s_str(arena, r, row, 7);
    f->visit_every_days = (int32_t)fc_pg_int(r, row, 8);
    f->next_due_us = fc_pg_int(r, row, 9);
    f->last_visit_us = fc_pg_int(r, row, 10);
    f->person_name = s_str(arena, r, row, 11);
    return f;
}

int welfare_store_family_get(fc_pg_t *pg, const char *employee_no, int lock, fc_arena_t *arena,
                             Fc__V1__FamilyCare **out, fc_err_t *err)
{
    const char *p[] = {employee_no};
    PGresult *r = fc_pg_exec(pg,
                             lock ? "SELECT " S_FAMILY_COLS " FROM family_care f LEFT JOIN person p"
                                    " ON p.employee_no = f.employee_no WHERE f.employee_no = $1"
                                    " FOR UPDATE OF f"
                                  : "SELECT " S_FAMILY_COLS " FROM family_care f LEFT JOIN person p"
                                    " ON p.employee_no = f.employee_no WHERE f.employee_no = $1",
                             1, p, err);
    if (!r)
        return s_fail(err);
    if (PQntuples(r) == 0) {
        PQclear(r);
        return fc_err_set(err, FC_ENOTFOUND, "employee_no", "“%s”没有家属关怀记录", employee_no);
    }
    Fc__V1__FamilyCare *f = s_family_row(arena, r, 0);
    PQclear(r);
    r = fc_pg_exec(pg,
                   "SELECT at_us, visitor, note, recorded_by FROM family_visit"
                   " WHERE employee_no = $1 ORDER BY at_us, id",
                   1, p, err);
    if (!r)
        return s_fail(err);
    size_t n = (size_t)PQntuples(r);
    f->visits = fc_arena_alloc(arena, (n + 1) * sizeof *f->visits);
    for (size_t i = 0; i < n; i++) {
        Fc__V1__FamilyVisit *v = fc_arena_alloc(arena, sizeof *v);
        fc__v1__family_visit__init(v);
        v->at_us = fc_pg_int(r, (int)i, 0);
        v->visitor = s_str(arena, r, (int)i, 1);
        v->note = s_str(arena, r, (int)i, 2);
        v->recorded_by = s_str(arena, r, (int)i, 3);
        f->visits[i] = v;
    }
    f->n_visits = n;
    PQclear(r);
    *out = f;
    return FC_OK;
}

int welfare_store_family_update(fc_pg_t *pg, const Fc__V1__FamilyCare *f, fc_err_t *err)
{
    s_num_t every, due, last;
    const char *p[] = {f->employee_no,
                       f->liaison_employee_no,
                       f->contact_name,
                       f->contact_phone,
                       f->contact_relation,
                       s_num(every, f->visit_every_days),
                       s_num(due, f->next_due_us),
                       s_num(last, f->last_visit_us)};
    return fc_pg_cmd(pg,
                     "UPDATE family_care SET liaison_employee_no = $2, contact_name = $3,"
                     " contact_phone = $4, contact_relation = $5, visit_every_days = $6,"
                     " next_due_us = $7, last_visit_us = $8 WHERE employee_no = $1",
                     8, p, NULL, err);
}

int welfare_store_family_visit_add(fc_pg_t *pg, const char *employee_no,
                                   const Fc__V1__FamilyVisit *v, fc_err_t *err)
{
    s_num_t at;
    const char *p[] = {employee_no, s_num(at, v->at_us), v->visitor, v->note, v->recorded_by};
    return fc_pg_cmd(pg,
                     "INSERT INTO family_visit (employee_no, at_us, visitor, note, recorded_by)"
                     " VALUES ($1, $2, $3, $4, $5)",
                     5, p, NULL, err);
}

int welfare_store_family_list(fc_pg_t *pg, const char *root_code, int due_only, int64_t now_us,
                              fc_arena_t *arena, Fc__V1__FamilyCare ***out, size_t *n_out,
                              fc_err_t *err)
{
    s_num_t now;
    const char *p[] = {root_code, "true", B(due_only), s_num(now, now_us)};
    PGresult *r = fc_pg_exec(pg,
                             S_SUB_CTE " SELECT " S_FAMILY_COLS " FROM family_care f"
                                       " LEFT JOIN person p ON p.employee_no = f.employee_no"
                                       " WHERE ($1 = '' OR f.org_code IN (SELECT code FROM sub))"
                                       " AND (NOT $3::boolean OR f.next_due_us <= $4::bigint)"
                                       " ORDER BY f.next_due_us, f.employee_no",
                             4, p, err);
    if (!r)
        return s_fail(err);
    size_t n = (size_t)PQntuples(r);
    Fc__V1__FamilyCare **v = fc_arena_alloc(arena, (n + 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = s_family_row(arena, r, (int)i);
    PQclear(r);
    *out = v;
    *n_out = n;
    return FC_OK;
}

int welfare_store_family_due(fc_pg_t *pg, int64_t now_us, int max, char (*emps)[WELFARE_CODE_MAX],
                             int *n_out, fc_err_t *err)
{
    s_num_t now, lim;
    const char *p[] = {s_num(now, now_us), s_num(lim, max)};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT employee_no FROM family_care WHERE next_due_us <= $1"
                             " AND due_notified_us < next_due_us ORDER BY next_due_us LIMIT $2"
                             " FOR UPDATE SKIP LOCKED",
                             2, p, err);
    if (!r)
        return s_fail(err);
    int n = PQntuples(r);
    for (int i = 0; i < n; i++)
        snprintf(emps[i], WELFARE_CODE_MAX, "%s", fc_pg_str(r, i, 0));
    *n_out = n;
    PQclear(r);
    return FC_OK;
}

int welfare_store_family_mark_announced(fc_pg_t *pg, const char *employee_no, int64_t due_us,
                                        fc_err_t *err)
{
    s_num_t due;
    const char *p[] = {employee_no, s_num(due, due_us)};
    return fc_pg_cmd(pg, "UPDATE family_care SET due_notified_us = $2 WHERE employee_no = $1", 2, p,
                     NULL, err);
}

/* ---- invariants ---------------------------------------------------------------------------- */

/* Each query returns one text row per violation. */
static const struct {
    const char *name;
    const char *sql;
} s_checks[] = {
    {"transfer_balances", "SELECT 'transfer ' || t.id || ' (' || t.kind || ' ' || t.amount || '): '"
                          " || count(e.id) || ' entries summing to ' || COALESCE(sum(e.amount), 0)"
                          " FROM transfer t LEFT JOIN entry e ON e.transfer_id = t.id GROUP BY t.id"
                          " HAVING COALESCE(sum(e.amount), 0) <> 0 OR count(e.id) <> 2"
                          "  OR max(e.amount) <> t.amount OR bool_or(e.at_us <> t.at_us)"},
    {"balance_matches_entries",
     "SELECT 'account ' || a.id || ' ' || a.kind || ':' || a.org_code || '/' || a.fund"
     " || ' holds ' || a.balance || ' but its entries sum to ' || COALESCE(s.total, 0)"
     " FROM account a LEFT JOIN (SELECT account_id, sum(amount) AS total FROM entry"
     " GROUP BY account_id) s ON s.account_id = a.id WHERE a.balance <> COALESCE(s.total, 0)"},
    {"no_negative_balance",
     "SELECT 'account ' || id || ' ' || kind || ':' || org_code || '/' || fund || ' is negative: '"
     " || balance FROM account WHERE kind <> 'external' AND balance < 0"},
    {"balances_equal_inflows",
     "SELECT 'balances of the books sum to ' || i.total || ', external inflows to ' || x.total"
     " || ', external accounts to ' || e.total"
     " FROM (SELECT COALESCE(sum(balance), 0) AS total FROM account WHERE kind <> 'external') i,"
     " (SELECT COALESCE(sum(amount), 0) AS total FROM transfer"
     "  WHERE kind IN ('inflow_topup', 'inflow_match')) x,"
     " (SELECT -COALESCE(sum(balance), 0) AS total FROM account WHERE kind = 'external') e"
     " WHERE i.total <> x.total OR e.total <> x.total"},
    {"external_only_for_inflows",
     "SELECT 'transfer ' || t.id || ' (' || t.kind || ') has '"
     " || count(*) FILTER (WHERE a.kind = 'external') || ' entries on external accounts'"
     " FROM transfer t JOIN entry e ON e.transfer_id = t.id JOIN account a ON a.id = e.account_id"
     " GROUP BY t.id, t.kind HAVING count(*) FILTER (WHERE a.kind = 'external')"
     "  <> CASE WHEN t.kind IN ('inflow_topup', 'inflow_match') THEN 1 ELSE 0 END"},
    {"key_paid_once",
     "SELECT 'idempotency key ' || d.idem_key || ' (disbursement ' || d.id || ') posted '"
     " || count(*) FILTER (WHERE t.kind = 'post') || ' times, reversed '"
     " || count(*) FILTER (WHERE t.kind = 'reverse') || ' times'"
     " FROM disbursement d JOIN transfer t ON t.disbursement_id = d.id GROUP BY d.id, d.idem_key"
     " HAVING count(*) FILTER (WHERE t.kind = 'post') > 1"
     "  OR count(*) FILTER (WHERE t.kind = 'reverse') > count(*) FILTER (WHERE t.kind = 'post')"},
    {"key_unique",
     "SELECT 'idempotency key ' || idem_key || ' names ' || count(*) || ' disbursements'"
     " FROM disbursement GROUP BY idem_key HAVING count(*) > 1"},
    {"subsidy_once_per_day",
     "SELECT 'person ' || employee_no || ' has ' || count(*) || ' frontline subsidies on '"
     " || duty_day FROM disbursement WHERE kind = 'frontline_subsidy'"
     " GROUP BY employee_no, duty_day HAVING count(*) > 2 OR count(DISTINCT risk_class) < "
     "count(*)"},
    {"state_matches_ledger",
     "SELECT 'disbursement ' || d.id || ' is ' || d.state || ' (' || d.amount || ') but holds '"
     " || COALESCE(m.held, 0) || ' reserved and ' || COALESCE(m.paid, 0) || ' paid'"
     " FROM disbursement d LEFT JOIN (SELECT t.disbursement_id,"
     "  sum(CASE t.kind WHEN 'reserve' THEN t.amount WHEN 'release' THEN -t.amount"
     "   WHEN 'post' THEN -t.amount ELSE 0 END) AS held,"
     "  sum(CASE t.kind WHEN 'post' THEN t.amount WHEN 'reverse' THEN -t.amount ELSE 0 END)"
     "   AS paid,"
     "  bool_and(t.amount = x.amount) AS amounts_ok,"
     "  count(*) FILTER (WHERE t.kind = 'post') AS posts"
     "  FROM transfer t JOIN disbursement x ON x.id = t.disbursement_id"
     "  GROUP BY t.disbursement_id) m"
     " ON m.disbursement_id = d.id"
     " WHERE NOT COALESCE(m.amounts_ok, true)"
     "  OR COALESCE(m.held, 0) <> CASE WHEN d.state = 'pending' THEN d.amount ELSE 0 END"
     "  OR COALESCE(m.paid, 0) <> CASE WHEN d.state = 'paid' THEN d.amount ELSE 0 END"
     "  OR (d.state = 'reversed' AND COALESCE(m.posts, 0) <> 1)"
     "  OR (d.state IN ('rejected', 'expired', 'awaiting_funds') AND COALESCE(m.posts, 0) <> 0)"},
    {"hold_matches_pending",
     "SELECT 'hold account ' || a.id || ' ' || a.org_code || '/' || a.fund || ' holds '"
     " || a.balance || ' for ' || COALESCE(s.total, 0) || ' pending'"
     " FROM account a LEFT JOIN (SELECT hold_account, sum(amount) AS total FROM disbursement"
     " WHERE state = 'pending' GROUP BY hold_account) s ON s.hold_account = a.id"
     " WHERE a.kind = 'hold' AND a.balance <> COALESCE(s.total, 0)"},
    {"payout_matches_paid",
     "SELECT 'payout account ' || a.id || ' ' || a.org_code || '/' || a.fund || ' holds '"
     " || a.balance || ' for ' || COALESCE(s.total, 0) || ' paid'"
     " FROM account a LEFT JOIN (SELECT payout_account, sum(amount) AS total FROM disbursement"
     " WHERE state = 'paid' GROUP BY payout_account) s ON s.payout_account = a.id"
     " WHERE a.kind = 'payout' AND a.balance <> COALESCE(s.total, 0)"},
};

int welfare_store_check(fc_pg_t *pg, welfare_violation_fn fn, void *arg,
                        welfare_check_stats_t *stats, fc_err_t *err)
{
    int rc;
    PGresult *r = NULL;
    if ((rc = fc_pg_begin(pg, err)) != FC_OK)
        return rc;
    if ((rc = fc_pg_cmd(pg, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL,
                        NULL, err)) != FC_OK)
        goto out;
    for (size_t i = 0; i < sizeof s_checks / sizeof s_checks[0]; i++) {
        if (!(r = fc_pg_exec(pg, s_checks[i].sql, 0, NULL, err))) {
            rc = s_fail(err);
            goto out;
        }
        for (int k = 0; k < PQntuples(r); k++)
            fn(arg, s_checks[i].name, fc_pg_str(r, k, 0));
        PQclear(r);
        r = NULL;
    }
    r = fc_pg_exec(pg,
                   "SELECT (SELECT count(*) FROM transfer), (SELECT count(*) FROM account),"
                   " (SELECT count(*) FROM disbursement),"
                   " (SELECT COALESCE(sum(amount), 0) FROM transfer"
                   "  WHERE kind IN ('inflow_topup', 'inflow_match')),"
                   " (SELECT COALESCE(sum(balance), 0) FROM account WHERE kind <> 'external')",
                   0, NULL, err);
    if (!r) {
        rc = s_fail(err);
        goto out;
    }
    stats->transfers = fc_pg_int(r, 0, 0);
    stats->accounts = fc_pg_int(r, 0, 1);
    stats->disbursements = fc_pg_int(r, 0, 2);
    stats->external_inflow_fen = fc_pg_int(r, 0, 3);
    stats->internal_balance_fen = fc_pg_int(r, 0, 4);
    rc = fc_pg_commit(pg, err);
out:
    PQclear(r);
    if (fc_pg_in_tx(pg))
        fc_pg_rollback(pg);
    return rc;
}

/* ---- benefit application cases ------------------------------------------------------------ */

#define S_BCASE_COLS                                                                               \
    "c.id, c.kind, c.employee_no, COALESCE(p.name, ''), c.org_code, c.payer_org, c.incident_id,"   \
    " c.source, c.state, c.step_index, c.step, c.step_deadline_us, c.handler, c.opened_at_us,"     \
    " c.opened_by, c.closed_at_us, c.outcome_note, c.amount_fen, c.payout_kind,"                   \
    " COALESCE(c.disbursement_id, 0)"

static Fc__V1__BenefitCase *s_bcase_row(fc_arena_t *arena, const PGresult *r, int i, int64_t now_us)
{
    Fc__V1__BenefitCase *x = fc_arena_alloc(arena, sizeof *x);
    fc__v1__benefit_case__init(x);
    x->id = fc_pg_int(r, i, 0);
    x->kind = s_str(arena, r, i, 1);
    x->employee_no = s_str(arena, r, i, 2);
    x->person_name = s_str(arena, r, i, 3);
    x->org_code = s_str(arena, r, i, 4);
    x->payer_org = s_str(arena, r, i, 5);
    x->incident_id = fc_pg_int(r, i, 6);
    x->source = s_str(arena, r, i, 7);
    x->state = s_str(arena, r, i, 8);
    x->step_index = (int32_t)fc_pg_int(r, i, 9);
    x->step = s_str(arena, r, i, 10);
    x->step_deadline_us = fc_pg_int(r, i, 11);
    x->handler = s_str(arena, r, i, 12);
    x->opened_at_us = fc_pg_int(r, i, 13);
    x->opened_by = s_str(arena, r, i, 14);
    x->closed_at_us = fc_pg_int(r, i, 15);
    x->outcome_note = s_str(arena, r, i, 16);
    x->amount_fen = fc_pg_int(r, i, 17);
    x->payout_kind = s_str(arena, r, i, 18);
    x->disbursement_id = fc_pg_int(r, i, 19);
    x->kind_label = "";
    x->step_label = "";
    x->overdue = strcmp(x->state, "open") == 0 && x->step_deadline_us < now_us;
    return x;
}

int welfare_store_benefit_insert(fc_pg_t *pg, Fc__V1__BenefitCase *x, int *created, fc_err_t *err)
{
    s_num_t inc, idx, dl, at;
    const char *p[] = {x->kind,
                       x->employee_no,
                       x->org_code,
                       x->payer_org,
                       s_num(inc, x->incident_id),
                       x->source,
                       s_num(idx, x->step_index),
                       x->step,
                       s_num(dl, x->step_deadline_us),
                       x->handler,
                       s_num(at, x->opened_at_us),
                       x->opened_by,
                       x->outcome_note};
    *created = 0;
    /* ON CONFLICT without a target: either unique index (incident and kind; the person's
     * open case of the kind) makes this a no-op */
    PGresult *r = fc_pg_exec(pg,
                             "WITH c AS (INSERT INTO benefit_case (kind, employee_no, org_code,"
                             " payer_org, incident_id, source, step_index, step, step_deadline_us,"
                             " handler, opened_at_us, opened_by, outcome_note)"
                             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
                             " ON CONFLICT DO NOTHING RETURNING id),"
                             " s AS (INSERT INTO benefit_step (case_id, step_index, step,"
                             " started_at_us, deadline_us, handler, note)"
                             " SELECT id, $7, $8, $11, $9, $10, $13 FROM c)"
                             " SELECT id FROM c",
                             13, p, err);
    if (!r)
        return s_fail(err);
    if (PQntuples(r) == 1) {
        x->id = fc_pg_int(r, 0, 0);
        *created = 1;
    }
    PQclear(r);
    return FC_OK;
}

int welfare_store_benefit_find(fc_pg_t *pg, const char *employee_no, const char *kind,
                               int64_t incident_id, int64_t *incident_case_out,
                               int64_t *open_case_out, fc_err_t *err)
{
    s_num_t inc;
    const char *p[] = {employee_no, kind, s_num(inc, incident_id)};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT COALESCE((SELECT id FROM benefit_case WHERE incident_id = $3"
                             " AND $3::bigint > 0 AND kind = $2), 0),"
                             " COALESCE((SELECT id FROM benefit_case WHERE employee_no = $1"
                             " AND kind = $2 AND state = 'open'), 0)",
                             3, p, err);
    if (!r)
        return s_fail(err);
    *incident_case_out = fc_pg_int(r, 0, 0);
    *open_case_out = fc_pg_int(r, 0, 1);
    PQclear(r);
    return FC_OK;
}

int welfare_store_benefit_get(fc_pg_t *pg, int64_t id, int lock, int64_t now_us, fc_arena_t *arena,
                              Fc__V1__BenefitCase **out, fc_err_t *err)
{
    s_num_t ids;
    const char *p[] = {s_num(ids, id)};
    PGresult *r =
        fc_pg_exec(pg,
                   lock ? "SELECT " S_BCASE_COLS " FROM benefit_case c LEFT JOIN person p"
                          " ON p.employee_no = c.employee_no WHERE c.id = $1 FOR UPDATE OF c"
                        : "SELECT " S_BCASE_COLS " FROM benefit_case c LEFT JOIN person p"
                          " ON p.employee_no = c.employee_no WHERE c.id = $1",
                   1, p, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0)
        rc = fc_err_set(err, FC_ENOTFOUND, "case_id", "待遇申请案件 #%" PRId64 " 不存在", id);
    else
        *out = s_bcase_row(arena, r, 0, now_us);
    PQclear(r);
    return rc;
}

int welfare_store_benefit_history(fc_pg_t *pg, Fc__V1__BenefitCase *x, fc_arena_t *arena,
                                  fc_err_t *err)
{
    s_num_t ids;
    const char *p[] = {s_num(ids, x->id)};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT step_index, step, started_at_us, deadline_us, completed_at_us,"
                             " handler, note, completed_by FROM benefit_step WHERE case_id = $1"
                             " ORDER BY step_index",
                             1, p, err);
    if (!r)
        return s_fail(err);
    size_t n = (size_t)PQntuples(r);
    x->steps = fc_arena_alloc(arena, (n + 1) * sizeof *x->steps);
    for (size_t i = 0; i < n; i++) {
        Fc__V1__BenefitStep *s = fc_arena_alloc(arena, sizeof *s);
        fc__v1__benefit_step__init(s);
        s->index = (int32_t)fc_pg_int(r, (int)i, 0);
        s->name = s_str(arena, r, (int)i, 1);
        s->label = "";
        s->started_at_us = fc_pg_int(r, (int)i, 2);
        s->deadline_us = fc_pg_int(r, (int)i, 3);
        s->completed_at_us = fc_pg_int(r, (int)i, 4);
        s->handler = s_str(arena, r, (int)i, 5);
        s->note = s_str(arena, r, (int)i, 6);
        s->completed_by = s_str(arena, r, (int)i, 7);
        x->steps[i] = s;
    }
    x->n_steps = n;
    PQclear(r);
    r = fc_pg_exec(pg,
                   "SELECT id, step, name, reference, received_at_us, recorded_by, recorded_at_us"
                   " FROM benefit_doc WHERE case_id = $1 ORDER BY id",
                   1, p, err);
    if (!r)
        return s_fail(err);
    n = (size_t)PQntuples(r);
    x->docs = fc_arena_alloc(arena, (n + 1) * sizeof *x->docs);
    for (size_t i = 0; i < n; i++) {
        Fc__V1__BenefitDoc *d = fc_arena_alloc(arena, sizeof *d);
        fc__v1__benefit_doc__init(d);
        d->id = fc_pg_int(r, (int)i, 0);
        d->step = s_str(arena, r, (int)i, 1);
        d->name = s_str(arena, r, (int)i, 2);
        d->reference = s_str(arena, r, (int)i, 3);
        d->received_at_us = fc_pg_int(r, (int)i, 4);
        d->recorded_by = s_str(arena, r, (int)i, 5);
        d->recorded_at_us = fc_pg_int(r, (int)i, 6);
        x->docs[i] = d;
    }
    x->n_docs = n;
    PQclear(r);
    return FC_OK;
}

int welfare_store_benefit_update(fc_pg_t *pg, const Fc__V1__BenefitCase *x, fc_err_t *err)
{
    s_num_t ids, idx, dl, closed, amt, disb;
    const char *p[] = {s_num(ids, x->id),
                       x->state,
                       s_num(idx, x->step_index),
                       x->step,
                       s_num(dl, x->step_deadline_us),
                       x->handler,
                       s_num(closed, x->closed_at_us),
                       x->outcome_note,
                       s_num(amt, x->amount_fen),
                       x->payout_kind,
                       x->disbursement_id ? s_num(disb, x->disbursement_id) : NULL};
    return fc_pg_cmd(pg,
                     "UPDATE benefit_case SET state = $2, step_index = $3, step = $4,"
                     " step_deadline_us = $5, handler = $6, closed_at_us = $7, outcome_note = $8,"
                     " amount_fen = $9, payout_kind = $10, disbursement_id = $11 WHERE id = $1",
                     11, p, NULL, err);
}

int welfare_store_benefit_step_next(fc_pg_t *pg, const Fc__V1__BenefitCase *x, int prev_index,
                                    int64_t at_us, const char *by, const char *note, fc_err_t *err)
{
    s_num_t ids, prev, idx, at, dl;
    const char *p[] = {s_num(ids, x->id),
                       s_num(prev, prev_index),
                       s_num(at, at_us),
                       by,
                       note,
                       s_num(idx, x->step_index),
                       x->step,
                       s_num(dl, x->step_deadline_us),
                       x->handler};
    return fc_pg_cmd(pg,
                     "WITH done AS (UPDATE benefit_step SET completed_at_us = $3,"
                     " completed_by = $4, note = CASE WHEN $5 = '' THEN note ELSE $5 END"
                     " WHERE case_id = $1 AND step_index = $2)"
                     " INSERT INTO benefit_step (case_id, step_index, step, started_at_us,"
                     " deadline_us, handler) VALUES ($1, $6, $7, $3, $8, $9)",
                     9, p, NULL, err);
}

int welfare_store_benefit_step_close(fc_pg_t *pg, const Fc__V1__BenefitCase *x, int64_t at_us,
                                     const char *by, const char *note, fc_err_t *err)
{
    s_num_t ids, idx, at;
    const char *p[] = {s_num(ids, x->id), s_num(idx, x->step_index), s_num(at, at_us), by, note};
    return fc_pg_cmd(pg,
                     "UPDATE benefit_step SET completed_at_us = $3, completed_by = $4,"
                     " note = CASE WHEN $5 = '' THEN note ELSE $5 END"
                     " WHERE case_id = $1 AND step_index = $2",
                     5, p, NULL, err);
}

int welfare_store_benefit_doc_add(fc_pg_t *pg, int64_t case_id, Fc__V1__BenefitDoc *d,
                                  fc_err_t *err)
{
    s_num_t ids, rec, at;
    const char *p[] = {s_num(ids, case_id),
                       d->step,
                       d->name,
                       d->reference,
                       s_num(rec, d->received_at_us),
                       d->recorded_by,
                       s_num(at, d->recorded_at_us)};
    PGresult *r = fc_pg_exec(pg,
                             "INSERT INTO benefit_doc (case_id, step, name, reference,"
                             " received_at_us, recorded_by, recorded_at_us)"
                             " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                             7, p, err);
    if (!r)
        return s_fail(err);
    d->id = fc_pg_int(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

int welfare_store_benefit_list(fc_pg_t *pg, const Fc__V1__BenefitListRequest *q,
                               const char *root_code, int64_t now_us, int limit, fc_arena_t *arena,
                               Fc__V1__BenefitListReply *out, fc_err_t *err)
{
    s_num_t now, lim;
    const char *p[] = {
        root_code,          "true",           q->employee_no, q->kind, q->state, B(q->overdue_only),
        s_num(now, now_us), s_num(lim, limit)};
    PGresult *r =
        fc_pg_exec(pg,
                   S_SUB_CTE ", m AS (SELECT c.* FROM benefit_case c"
                             " WHERE ($1 = '' OR c.org_code IN (SELECT code FROM sub))"
                             " AND ($3 = '' OR c.employee_no = $3) AND ($4 = '' OR c.kind = $4)"
                             " AND ($5 = '' OR c.state = $5) AND (NOT $6::boolean OR"
                             " (c.state = 'open' AND c.step_deadline_us < $7::bigint)))"
                             " SELECT " S_BCASE_COLS ", (SELECT count(*) FROM m) FROM m c"
                             " LEFT JOIN person p ON p.employee_no = c.employee_no"
                             " ORDER BY c.id DESC LIMIT $8",
                   8, p, err);
    if (!r)
        return s_fail(err);
    size_t n = (size_t)PQntuples(r);
    out->cases = fc_arena_alloc(arena, (n + 1) * sizeof *out->cases);
    for (size_t i = 0; i < n; i++)
        out->cases[i] = s_bcase_row(arena, r, (int)i, now_us);
    out->n_cases = n;
    out->total = n ? fc_pg_int(r, 0, 20) : 0;
    PQclear(r);
    return FC_OK;
}

/* welfare_supply_store: the SQL of the supplies — projections of posts and duties, the items
 * catalogue, the in-kind ledger, requests in serving order, daily needs and the invariants. */
#include "welfare_supply_store.h"
#include "fc_clock.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int s_fail(fc_err_t *err)
{
    return err && err->code ? err->code : FC_ERR;
}

static char *s_str(fc_arena_t *arena, const PGresult *r, int row, int col)
{
    return fc_arena_strdup(arena, fc_pg_str(r, row, col));
}

static void s_i64(char *buf, size_t n, int64_t v)
{
    snprintf(buf, n, "%" PRId64, v);
}

/* ---- projections ---------------------------------------------------------------------------- */

int wss_post_upsert(fc_pg_t *pg, const Fc__V1__Post *p, int64_t at_us, fc_err_t *err)
{
    char risk[16], at[24];
    snprintf(risk, sizeof risk, "%d", (int)p->risk_class);
    s_i64(at, sizeof at, at_us);
    const char *v[] = {p->post_code, p->org_code, p->name, p->kind, risk, at};
    return fc_pg_cmd(
        pg,
        "INSERT INTO supply_post AS s (post_code, org_code, name, kind, risk_class,"
        " updated_at_us) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (post_code) DO UPDATE SET org_code = EXCLUDED.org_code,"
        " name = EXCLUDED.name, kind = EXCLUDED.kind, risk_class = EXCLUDED.risk_class,"
        " updated_at_us = EXCLUDED.updated_at_us"
        " WHERE s.updated_at_us <= EXCLUDED.updated_at_us",
        6, v, NULL, err);
}

int wss_duty(fc_pg_t *pg, const Fc__V1__DutyEvent *d, int out, fc_err_t *err)
{
    char id[24], start[24], end[24];
    s_i64(id, sizeof id, d->duty_id);
    s_i64(start, sizeof start, d->start_us);
    s_i64(end, sizeof end, d->end_us);
    const char *v[] = {id, d->post_code, d->employee_no, start, end, out ? "f" : "t"};
    /* an out closes for good; an in only opens a duty not seen before */
    return fc_pg_cmd(pg,
                     "INSERT INTO supply_duty AS d (duty_id, post_code, employee_no, start_us,"
                     " end_us, open) VALUES ($1, $2, $3, $4, $5, $6)"
                     " ON CONFLICT (duty_id) DO UPDATE SET open = false, end_us = EXCLUDED.end_us"
                     " WHERE NOT EXCLUDED.open",
                     6, v, NULL, err);
}

int wss_post_get(fc_pg_t *pg, const char *post_code, const char *field, wss_post_t *out,
                 fc_err_t *err)
{
    const char *v[] = {post_code};
    PGresult *r =
        fc_pg_exec(pg,
                   "SELECT org_code, name, risk_class, (SELECT count(*) FROM supply_duty d"
                   " WHERE d.post_code = p.post_code AND d.open)"
                   " FROM supply_post p WHERE post_code = $1",
                   1, v, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0) {
        rc = fc_err_set(err, FC_ENOTFOUND, field, "岗位“%s”不存在（或尚未从人员信息同步）",
                        post_code);
    } else {
        snprintf(out->org_code, sizeof out->org_code, "%s", fc_pg_str(r, 0, 0));
        snprintf(out->name, sizeof out->name, "%s", fc_pg_str(r, 0, 1));
        out->risk_class = (int)fc_pg_int(r, 0, 2);
        out->on_duty = (int)fc_pg_int(r, 0, 3);
    }
    PQclear(r);
    return rc;
}

/* ---- catalogue ------------------------------------------------------------------------------ */

int wss_item_upsert(fc_pg_t *pg, const Fc__V1__SupplyItem *it, const char *source, int64_t at_us,
                    fc_err_t *err)
{
    char at[24];
    s_i64(at, sizeof at, at_us);
    const char *v[] = {it->code, it->name, it->unit, it->category, source, at};
    return fc_pg_cmd(pg,
                     "INSERT INTO supply_item (code, name, unit, category, source, updated_at_us)"
                     " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO UPDATE SET"
                     " name = EXCLUDED.name, unit = EXCLUDED.unit, category = EXCLUDED.category,"
                     " source = EXCLUDED.source, updated_at_us = EXCLUDED.updated_at_us"
                     " WHERE (supply_item.name, supply_item.unit, supply_item.category)"
                     " IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.unit, EXCLUDED.category)",
                     6, v, NULL, err);
}

static Fc__V1__SupplyItem *s_item_row(fc_arena_t *arena, const PGresult *r, int row)
{
    Fc__V1__SupplyItem *it = fc_arena_alloc(arena, sizeof *it);
    fc__v1__supply_item__init(it);
    it->code = s_str(arena, r, row, 0);
    it->name = s_str(arena, r, row, 1);
    it->unit = s_str(arena, r, row, 2);
    it->category = s_str(arena, r, row, 3);
    it->source = s_str(arena, r, row, 4);
    return it;
}

int wss_item_get(fc_pg_t *pg, const char *code, const char *field, fc_arena_t *arena,
                 Fc__V1__SupplyItem **out, fc_err_t *err)
{
    const char *v[] = {code};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT code, name, unit, category, source FROM supply_item"
                             " WHERE code = $1",
                             1, v, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0)
        rc = fc_err_set(err, FC_ENOTFOUND, field, "物资“%s”不在物资目录中", code);
    else if (out)
        *out = s_item_row(arena, r, 0);
    PQclear(r);
    return rc;
}

int wss_items(fc_pg_t *pg, fc_arena_t *arena, Fc__V1__SupplyItem ***out, size_t *n, fc_err_t *err)
{
    PGresult *r = fc_pg_exec(pg,
                             "SELECT code, name, unit, category, source FROM supply_item"
                             " ORDER BY category DESC, code",
                             0, NULL, err);
    if (!r)
        return s_fail(err);
    int rows = PQntuples(r);
    *out = fc_arena_alloc(arena, ((size_t)rows + 1) * sizeof **out);
    for (int i = 0; i < rows; i++)
        (*out)[i] = s_item_row(arena, r, i);
    *n = (size_t)rows;
    PQclear(r);
    return FC_OK;
}

/* ---- ledger --------------------------------------------------------------------------------- */

int wss_account(fc_pg_t *pg, const char *kind, const char *org_code, const char *post_code,
                const char *item, int64_t *id_out, fc_err_t *err)
{
    const char *v[] = {kind, org_code, post_code ? post_code : "", item};
    /* DO NOTHING, not an upsert: creating must not take the row lock out of order */
    PGresult *r = fc_pg_exec(pg,
                             "WITH ins AS (INSERT INTO supply_account (kind, org_code, post_code,"
                             " item) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id)"
                             " SELECT id FROM ins UNION ALL SELECT id FROM supply_account"
                             " WHERE kind = $1 AND org_code = $2 AND post_code = $3 AND item = $4",
                             4, v, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0)
        rc = fc_err_set(err, FC_EAGAIN, "item", "account (%s, %s, %s) appeared concurrently", kind,
                        org_code, item);
    else
        *id_out = fc_pg_int(r, 0, 0);
    PQclear(r);
    return rc;
}

int wss_move(fc_pg_t *pg, const char *kind, int64_t from, int64_t to, int64_t qty,
             int64_t request_id, const char *actor, const char *source, const char *memo,
             int64_t at_us, int64_t *transfer_id, int64_t *from_balance, fc_err_t *err)
{
    char f[24], t[24], q[24], req[24], at[24];
    s_i64(f, sizeof f, from);
    s_i64(t, sizeof t, to);
    s_i64(q, sizeof q, qty);
    s_i64(req, sizeof req, request_id);
    s_i64(at, sizeof at, at_us);
    const char *v[] = {kind, f, t, q, request_id ? req : NULL, actor, source, memo, at};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT transfer_id, from_balance FROM supply_move($1, $2, $3, $4,"
                             " $5, $6, $7, $8, $9)",
                             9, v, err);
    if (!r)
        return s_fail(err);
    *transfer_id = PQgetisnull(r, 0, 0) ? 0 : fc_pg_int(r, 0, 0);
    *from_balance = fc_pg_int(r, 0, 1);
    PQclear(r);
    return FC_OK;
}

int wss_stock(fc_pg_t *pg, const char *org_code, int subtree, const char *item, int64_t now_us,
              fc_arena_t *arena, Fc__V1__SupplyStock ***out, size_t *n, fc_err_t *err)
{
    char since[24];
    s_i64(since, sizeof since, now_us - 7 * FC_US_PER_DAY);
    const char *v[] = {org_code, subtree ? "t" : "f", item, since};
    PGresult *r = fc_pg_exec(
        pg,
        "SELECT a.org_code, COALESCE(o.name, ''), a.item, i.name, i.unit, a.balance,"
        " COALESCE((SELECT sum(e.quantity) FROM supply_entry e JOIN supply_transfer t"
        "  ON t.id = e.transfer_id WHERE e.account_id = a.id AND t.kind = 'receipt'), 0),"
        " COALESCE((SELECT -sum(e.quantity) FROM supply_entry e JOIN supply_transfer t"
        "  ON t.id = e.transfer_id WHERE e.account_id = a.id AND t.kind = 'issue'), 0),"
        " COALESCE((SELECT -sum(e.quantity) FROM supply_entry e JOIN supply_transfer t"
        "  ON t.id = e.transfer_id WHERE e.account_id = a.id AND t.kind = 'issue'"
        "  AND e.at_us >= $4::bigint), 0),"
        " COALESCE((SELECT sum(q.quantity - q.served) FROM supply_request q"
        "  JOIN supply_post p ON p.post_code = q.post_code WHERE q.item = a.item"
        "  AND q.served < q.quantity AND NOT q.cancelled AND supply_under(a.org_code, p.org_code)),"
        "  0)"
        " FROM supply_account a JOIN supply_item i ON i.code = a.item"
        " LEFT JOIN org_unit o ON o.org_code = a.org_code"
        " WHERE a.kind = 'stock' AND ($3 = '' OR a.item = $3)"
        " AND (a.org_code = $1 OR $1 = '' OR ($2::boolean AND supply_under($1, a.org_code)))"
        " ORDER BY a.org_code, i.category DESC, a.item",
        4, v, err);
    if (!r)
        return s_fail(err);
    int rows = PQntuples(r);
    *out = fc_arena_alloc(arena, ((size_t)rows + 1) * sizeof **out);
    for (int k = 0; k < rows; k++) {
        Fc__V1__SupplyStock *s = fc_arena_alloc(arena, sizeof *s);
        fc__v1__supply_stock__init(s);
        s->org_code = s_str(arena, r, k, 0);
        s->org_name = s_str(arena, r, k, 1);
        s->item = s_str(arena, r, k, 2);
        s->item_name = s_str(arena, r, k, 3);
        s->unit = s_str(arena, r, k, 4);
        s->stock = fc_pg_int(r, k, 5);
        s->received = fc_pg_int(r, k, 6);
        s->issued = fc_pg_int(r, k, 7);
        s->issued_7d = fc_pg_int(r, k, 8);
        s->waiting = fc_pg_int(r, k, 9);
        /* days of cover = stock / (issued in the last 7 days / 7), in tenths of a day */
        if (s->issued_7d <= 0) {
            s->cover_days_x10 = -1;
        } else {
            int64_t x10 = s->stock * 70 / s->issued_7d;
            s->cover_days_x10 = x10 > INT32_MAX ? INT32_MAX : (int32_t)x10;
        }
        (*out)[k] = s;
    }
    *n = (size_t)rows;
    PQclear(r);
    return FC_OK;
}

/* ---- requests ------------------------------------------------------------------------------- */

#define S_REQ_COLS                                                                                 \
    "q.id, q.post_code, p.name, p.org_code, q.item, q.quantity, q.served,"                         \
    " CASE WHEN q.cancelled THEN 'cancelled' WHEN q.served = 0 THEN 'waiting'"                     \
    " WHEN q.served < q.quantity THEN 'partial' ELSE 'served' END,"                                \
    " p.risk_class, (SELECT count(*) FROM supply_duty d WHERE d.post_code = q.post_code"           \
    " AND d.open), q.requested_at_us, q.requested_by, q.memo, i.name, i.unit"
#define S_REQ_FROM                                                                                 \
    " FROM supply_request q JOIN supply_post p ON p.post_code = q.post_code"                       \
    " JOIN supply_item i ON i.code = q.item"
/* the serving order (README: frontline first) */
#define S_REQ_ORDER                                                                                \
    "CASE WHEN p.risk_class IN (1, 2) THEN p.risk_class ELSE 9 END,"                               \
    " (SELECT count(*) FROM supply_duty d WHERE d.post_code = q.post_code AND d.open) DESC,"       \
    " q.requested_at_us, q.id"

static Fc__V1__SupplyRequestRow *s_req_row(fc_arena_t *arena, const PGresult *r, int k)
{
    Fc__V1__SupplyRequestRow *q = fc_arena_alloc(arena, sizeof *q);
    fc__v1__supply_request_row__init(q);
    q->id = fc_pg_int(r, k, 0);
    q->post_code = s_str(arena, r, k, 1);
    q->post_name = s_str(arena, r, k, 2);
    q->org_code = s_str(arena, r, k, 3);
    q->item = s_str(arena, r, k, 4);
    q->quantity = fc_pg_int(r, k, 5);
    q->served = fc_pg_int(r, k, 6);
    q->state = s_str(arena, r, k, 7);
    q->risk_class = (int32_t)fc_pg_int(r, k, 8);
    q->on_duty = (int32_t)fc_pg_int(r, k, 9);
    q->requested_at_us = fc_pg_int(r, k, 10);
    q->requested_by = s_str(arena, r, k, 11);
    q->memo = s_str(arena, r, k, 12);
    q->item_name = s_str(arena, r, k, 13);
    q->unit = s_str(arena, r, k, 14);
    return q;
}

int wss_request_insert(fc_pg_t *pg, const char *post_code, const char *org_code, const char *item,
                       int64_t qty, const char *by, int64_t at_us, const char *memo,
                       const char *idem_key, int64_t *id_out, fc_err_t *err)
{
    char q[24], at[24];
    s_i64(q, sizeof q, qty);
    s_i64(at, sizeof at, at_us);
    const char *v[] = {post_code, org_code, item, q,
                       by,        at,       memo, idem_key && *idem_key ? idem_key : NULL};
    PGresult *r = fc_pg_exec(pg,
                             "INSERT INTO supply_request (post_code, org_code, item, quantity,"
                             " requested_by, requested_at_us, memo, idem_key)"
                             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                             8, v, err);
    if (!r)
        return s_fail(err);
    *id_out = fc_pg_int(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

int wss_request_get(fc_pg_t *pg, int64_t id, const char *key, fc_arena_t *arena,
                    Fc__V1__SupplyRequestRow **out, fc_err_t *err)
{
    char ids[24];
    s_i64(ids, sizeof ids, id);
    const char *v[] = {id ? ids : NULL, key ? key : ""};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT " S_REQ_COLS S_REQ_FROM
                             " WHERE ($1::bigint IS NOT NULL AND q.id = $1::bigint)"
                             " OR ($1::bigint IS NULL AND q.idem_key = $2)",
                             2, v, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0)
        rc = fc_err_set(err, FC_ENOTFOUND, "id", "物资申请不存在");
    else
        *out = s_req_row(arena, r, 0);
    PQclear(r);
    return rc;
}

int wss_serve_lock(fc_pg_t *pg, const char *item, fc_err_t *err)
{
    const char *v[] = {item};
    return fc_pg_cmd(pg, "SELECT pg_advisory_xact_lock(hashtext('welfare.supply_serve:' || $1))", 1,
                     v, NULL, err);
}

int wss_waiting_items(fc_pg_t *pg, const char *root, fc_arena_t *arena, char ***out, size_t *n,
                      fc_err_t *err)
{
    const char *v[] = {root};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT DISTINCT q.item FROM supply_request q JOIN supply_post p"
                             " ON p.post_code = q.post_code WHERE q.served < q.quantity"
                             " AND NOT q.cancelled AND supply_under($1, p.org_code) ORDER BY 1",
                             1, v, err);
    if (!r)
        return s_fail(err);
    int rows = PQntuples(r);
    *out = fc_arena_alloc(arena, ((size_t)rows + 1) * sizeof **out);
    for (int k = 0; k < rows; k++)
        (*out)[k] = s_str(arena, r, k, 0);
    *n = (size_t)rows;
    PQclear(r);
    return FC_OK;
}

int wss_requests(fc_pg_t *pg, const char *root, const char *item, const char *state, int limit,
                 fc_arena_t *arena, Fc__V1__SupplyRequestRow ***out, size_t *n, fc_err_t *err)
{
    char lim[16];
    snprintf(lim, sizeof lim, "%d", limit > 0 ? limit : 1000000);
    const char *v[] = {root, item, state, lim};
    PGresult *r = fc_pg_exec(
        pg,
        "SELECT * FROM (SELECT " S_REQ_COLS
        ", row_number() OVER (PARTITION BY q.item ORDER BY " S_REQ_ORDER ") AS rank" S_REQ_FROM
        " WHERE ($2 = '' OR q.item = $2) AND supply_under($1, p.org_code)"
        " AND (($3 = '' AND NOT q.cancelled AND q.served < q.quantity) OR $3 = 'all'"
        "  OR ($3 = 'waiting' AND NOT q.cancelled AND q.served = 0)"
        "  OR ($3 = 'partial' AND NOT q.cancelled AND q.served > 0 AND q.served < q.quantity)"
        "  OR ($3 = 'served' AND q.served = q.quantity))) x"
        " ORDER BY item, rank LIMIT $4::int",
        4, v, err);
    if (!r)
        return s_fail(err);
    int rows = PQntuples(r);
    *out = fc_arena_alloc(arena, ((size_t)rows + 1) * sizeof **out);
    for (int k = 0; k < rows; k++) {
        (*out)[k] = s_req_row(arena, r, k);
        (*out)[k]->rank = (int32_t)fc_pg_int(r, k, 15);
    }
    *n = (size_t)rows;
    PQclear(r);
    return FC_OK;
}

int wss_request_served(fc_pg_t *pg, int64_t id, int64_t qty, int64_t at_us, fc_err_t *err)
{
    char i[24], q[24], at[24];
    s_i64(i, sizeof i, id);
    s_i64(q, sizeof q, qty);
    s_i64(at, sizeof at, at_us);
    const char *v[] = {i, q, at};
    return fc_pg_cmd(pg,
                     "UPDATE supply_request SET served = served + $2::bigint, last_served_us = $3"
                     " WHERE id = $1",
                     3, v, NULL, err);
}

int wss_requests_waiting(fc_pg_t *pg, int64_t cutoff_us, int64_t now_us, int max, fc_arena_t *arena,
                         Fc__V1__SupplyRequestRow ***out, size_t *n, fc_err_t *err)
{
    char cut[24], now[24], lim[16];
    s_i64(cut, sizeof cut, cutoff_us);
    s_i64(now, sizeof now, now_us);
    snprintf(lim, sizeof lim, "%d", max);
    const char *v[] = {cut, now, lim};
    /* SKIP LOCKED: a serve run holding a request is not waited for; the next sweep sees it */
    PGresult *r = fc_pg_exec(pg,
                             "WITH due AS (SELECT id FROM supply_request WHERE served < quantity"
                             " AND NOT cancelled AND wait_notified_us = 0"
                             " AND requested_at_us <= $1::bigint ORDER BY requested_at_us, id"
                             " LIMIT $3::int FOR UPDATE SKIP LOCKED)"
                             " UPDATE supply_request q SET wait_notified_us = $2::bigint FROM due"
                             " WHERE q.id = due.id RETURNING q.id",
                             3, v, err);
    if (!r)
        return s_fail(err);
    int rows = PQntuples(r), rc = FC_OK;
    *out = fc_arena_alloc(arena, ((size_t)rows + 1) * sizeof **out);
    *n = 0;
    for (int k = 0; k < rows && rc == FC_OK; k++)
        if ((rc = wss_request_get(pg, fc_pg_int(r, k, 0), NULL, arena, &(*out)[k], err)) == FC_OK)
            *n = (size_t)k + 1;
    PQclear(r);
    return rc;
}

int wss_open_count(fc_pg_t *pg, const char *root, int *requests, int64_t *units, fc_err_t *err)
{
    const char *v[] = {root};
    PGresult *r =
        fc_pg_exec(pg,
                   "SELECT count(*), COALESCE(sum(q.quantity - q.served), 0)"
                   " FROM supply_request q JOIN supply_post p ON p.post_code = q.post_code"
                   " WHERE q.served < q.quantity AND NOT q.cancelled"
                   " AND supply_under($1, p.org_code)",
                   1, v, err);
    if (!r)
        return s_fail(err);
    *requests = (int)fc_pg_int(r, 0, 0);
    *units = fc_pg_int(r, 0, 1);
    PQclear(r);
    return FC_OK;
}

/* ---- daily needs ---------------------------------------------------------------------------- */

#define S_NEED_COLS                                                                                \
    "n.id, n.post_code, COALESCE(p.name, ''), n.org_code, to_char(n.day, 'YYYY-MM-DD'), n.item,"   \
    " n.quantity, n.detail, n.due_us, n.recorded_by, n.met_at_us, n.met_by, n.overdue_at_us,"      \
    " i.name, i.unit, n.met_note"
#define S_NEED_FROM                                                                                \
    " FROM supply_need n LEFT JOIN supply_post p ON p.post_code = n.post_code"                     \
    " JOIN supply_item i ON i.code = n.item"

static Fc__V1__SupplyNeed *s_need_row(fc_arena_t *arena, const PGresult *r, int k)
{
    Fc__V1__SupplyNeed *n = fc_arena_alloc(arena, sizeof *n);
    fc__v1__supply_need__init(n);
    n->id = fc_pg_int(r, k, 0);
    n->post_code = s_str(arena, r, k, 1);
    n->post_name = s_str(arena, r, k, 2);
    n->org_code = s_str(arena, r, k, 3);
    n->day = s_str(arena, r, k, 4);
    n->item = s_str(arena, r, k, 5);
    n->quantity = fc_pg_int(r, k, 6);
    n->detail = s_str(arena, r, k, 7);
    n->due_us = fc_pg_int(r, k, 8);
    n->recorded_by = s_str(arena, r, k, 9);
    n->met_at_us = fc_pg_int(r, k, 10);
    n->met_by = s_str(arena, r, k, 11);
    n->overdue_at_us = fc_pg_int(r, k, 12);
    n->item_name = s_str(arena, r, k, 13);
    n->unit = s_str(arena, r, k, 14);
    n->met_note = s_str(arena, r, k, 15);
    return n;
}

int wss_need_upsert(fc_pg_t *pg, const char *post_code, const char *org_code, const char *day,
                    const char *item, int64_t qty, const char *detail, int64_t due_us,
                    const char *by, int64_t at_us, int64_t *id_out, fc_err_t *err)
{
    char q[24], due[24], at[24];
    s_i64(q, sizeof q, qty);
    s_i64(due, sizeof due, due_us);
    s_i64(at, sizeof at, at_us);
    const char *v[] = {post_code, org_code, day, item, q, detail, due, by, at};
    PGresult *r = fc_pg_exec(
        pg,
        "INSERT INTO supply_need AS n (post_code, org_code, day, item, quantity, detail, due_us,"
        " recorded_by, recorded_at_us) VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8, $9)"
        " ON CONFLICT (post_code, day, item) DO UPDATE SET quantity = EXCLUDED.quantity,"
        " detail = EXCLUDED.detail, due_us = EXCLUDED.due_us, recorded_by = EXCLUDED.recorded_by,"
        " recorded_at_us = EXCLUDED.recorded_at_us WHERE n.met_at_us = 0 RETURNING id",
        9, v, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0)
        rc = fc_err_set(err, FC_ECONFLICT, "item", "岗位“%s”%s 的该项需求已登记保障，不能再修改",
                        post_code, day);
    else
        *id_out = fc_pg_int(r, 0, 0);
    PQclear(r);
    return rc;
}

int wss_need_get(fc_pg_t *pg, int64_t id, int lock, fc_arena_t *arena, Fc__V1__SupplyNeed **out,
                 fc_err_t *err)
{
    char i[24];
    s_i64(i, sizeof i, id);
    const char *v[] = {i};
    PGresult *r =
        fc_pg_exec(pg,
                   lock ? "SELECT " S_NEED_COLS S_NEED_FROM " WHERE n.id = $1 FOR UPDATE OF n"
                        : "SELECT " S_NEED_COLS S_NEED_FROM " WHERE n.id = $1",
                   1, v, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0)
        rc = fc_err_set(err, FC_ENOTFOUND, "id", "日常保障需求 %" PRId64 " 不存在", id);
    else
        *out = s_need_row(arena, r, 0);
    PQclear(r);
    return rc;
}

int wss_need_met(fc_pg_t *pg, int64_t id, const char *by, const char *note, int64_t at_us,
                 fc_err_t *err)
{
    char i[24], at[24];
    s_i64(i, sizeof i, id);
    s_i64(at, sizeof at, at_us);
    const char *v[] = {i, by, note, at};
    return fc_pg_cmd(pg,
                     "UPDATE supply_need SET met_at_us = $4, met_by = $2, met_note = $3"
                     " WHERE id = $1 AND met_at_us = 0",
                     4, v, NULL, err);
}

int wss_need_cover(fc_pg_t *pg, const char *post_code, const char *item, const char *day,
                   int64_t day_start_us, int64_t day_end_us, const char *note, int64_t at_us,
                   int64_t *id_out, int64_t *issued_out, fc_err_t *err)
{
    char from[24], to[24], at[24];
    s_i64(from, sizeof from, day_start_us);
    s_i64(to, sizeof to, day_end_us);
    s_i64(at, sizeof at, at_us);
    const char *v[] = {post_code, item, day, from, to, note, at};
    /* everything issued of the item to the post that day (its issued accounts only ever
     * receive issues; any unit the post belonged to) against the need's quantity */
    PGresult *r = fc_pg_exec(
        pg,
        "WITH got AS (SELECT COALESCE(sum(e.quantity), 0)::bigint AS q FROM supply_entry e"
        " JOIN supply_account a ON a.id = e.account_id WHERE a.kind = 'issued'"
        " AND a.post_code = $1 AND a.item = $2 AND e.quantity > 0"
        " AND e.at_us >= $4::bigint AND e.at_us < $5::bigint)"
        " UPDATE supply_need n SET met_at_us = $7::bigint, met_by = 'welfare',"
        " met_note = replace($6, '{issued}', got.q::text) FROM got"
        " WHERE n.post_code = $1 AND n.item = $2 AND n.day = $3::date AND n.met_at_us = 0"
        " AND n.quantity <= got.q RETURNING n.id, got.q",
        7, v, err);
    if (!r)
        return s_fail(err);
    *id_out = PQntuples(r) ? fc_pg_int(r, 0, 0) : 0;
    *issued_out = PQntuples(r) ? fc_pg_int(r, 0, 1) : 0;
    PQclear(r);
    return FC_OK;
}

int wss_needs(fc_pg_t *pg, const char *root, const char *day, int open_only, fc_arena_t *arena,
              Fc__V1__SupplyNeed ***out, size_t *n, fc_err_t *err)
{
    const char *v[] = {root, day, open_only ? "t" : "f"};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT " S_NEED_COLS S_NEED_FROM " WHERE supply_under($1, n.org_code)"
                             " AND ($2 = '' OR n.day = NULLIF($2, '')::date)"
                             " AND (NOT $3::boolean OR n.met_at_us = 0)"
                             " ORDER BY n.day, n.due_us, n.id LIMIT 10000",
                             3, v, err);
    if (!r)
        return s_fail(err);
    int rows = PQntuples(r);
    *out = fc_arena_alloc(arena, ((size_t)rows + 1) * sizeof **out);
    for (int k = 0; k < rows; k++)
        (*out)[k] = s_need_row(arena, r, k);
    *n = (size_t)rows;
    PQclear(r);
    return FC_OK;
}

int wss_needs_overdue(fc_pg_t *pg, int64_t now_us, int max, fc_arena_t *arena,
                      Fc__V1__SupplyNeed ***out, size_t *n, fc_err_t *err)
{
    char now[24], lim[16];
    s_i64(now, sizeof now, now_us);
    snprintf(lim, sizeof lim, "%d", max);
    const char *v[] = {now, lim};
    /* SKIP LOCKED: replicas sweeping at once each take different needs */
    PGresult *r = fc_pg_exec(pg,
                             "WITH due AS (SELECT id FROM supply_need WHERE met_at_us = 0"
                             " AND overdue_at_us = 0 AND due_us <= $1::bigint ORDER BY due_us, id"
                             " LIMIT $2::int FOR UPDATE SKIP LOCKED),"
                             " upd AS (UPDATE supply_need s SET overdue_at_us = $1::bigint FROM due"
                             " WHERE s.id = due.id RETURNING s.id)"
                             " SELECT id FROM upd ORDER BY id",
                             2, v, err);
    if (!r)
        return s_fail(err);
    int rows = PQntuples(r), rc = FC_OK;
    *out = fc_arena_alloc(arena, ((size_t)rows + 1) * sizeof **out);
    *n = 0;
    for (int k = 0; k < rows && rc == FC_OK; k++)
        if ((rc = wss_need_get(pg, fc_pg_int(r, k, 0), 0, arena, &(*out)[k], err)) == FC_OK)
            *n = (size_t)k + 1;
    PQclear(r);
    return rc;
}

/* ---- invariants ----------------------------------------------------------------------------- */

static const struct {
    const char *name;
    const char *sql; /* one row per violation, one text column saying what */
} s_checks[] = {
    {"supply_transfer_balanced",
     "SELECT 'transfer ' || t.id || ': ' || count(e.id) || ' entries in '"
     " || count(DISTINCT a.item) || ' items summing to ' || COALESCE(sum(e.quantity), 0)"
     " FROM supply_transfer t LEFT JOIN supply_entry e ON e.transfer_id = t.id"
     " LEFT JOIN supply_account a ON a.id = e.account_id GROUP BY t.id"
     " HAVING count(e.id) <> 2 OR COALESCE(sum(e.quantity), 0) <> 0 OR count(DISTINCT a.item) <> 1"
     " OR max(e.quantity) <> max(t.quantity) OR bool_or(a.item <> t.item)"},
    {"supply_balance_is_sum_of_entries",
     "SELECT 'account ' || a.id || ' (' || a.kind || ' ' || a.org_code || ' ' || a.item"
     " || '): balance ' || a.balance || ', entries ' || COALESCE(s.total, 0)"
     " FROM supply_account a LEFT JOIN (SELECT account_id, sum(quantity) AS total"
     " FROM supply_entry GROUP BY account_id) s ON s.account_id = a.id"
     " WHERE a.balance <> COALESCE(s.total, 0)"},
    {"supply_nonnegative",
     "SELECT 'account ' || id || ' (' || kind || ' ' || org_code || ' ' || item || ') at '"
     " || balance FROM supply_account WHERE kind <> 'external' AND balance < 0"},
    {"supply_item_balances",
     "SELECT 'item ' || item || ': stock and issued ' || sum(balance) FILTER (WHERE kind <> "
     "'external')"
     " || ', external ' || sum(balance) FILTER (WHERE kind = 'external') FROM supply_account"
     " GROUP BY item HAVING sum(balance) <> 0"},
    {"supply_account_use",
     "SELECT 'transfer ' || t.id || ' (' || t.kind || ') moves ' || af.kind || ' -> ' || at.kind"
     " FROM supply_transfer t"
     " JOIN supply_entry ef ON ef.transfer_id = t.id AND ef.quantity < 0"
     " JOIN supply_account af ON af.id = ef.account_id"
     " JOIN supply_entry et ON et.transfer_id = t.id AND et.quantity > 0"
     " JOIN supply_account at ON at.id = et.account_id"
     " WHERE NOT ((t.kind = 'receipt' AND af.kind = 'external' AND at.kind = 'stock'"
     "   AND af.org_code = at.org_code)"
     "  OR (t.kind = 'transfer' AND af.kind = 'stock' AND at.kind = 'stock')"
     "  OR (t.kind = 'issue' AND af.kind = 'stock' AND at.kind = 'issued'))"},
    {"supply_request_served",
     "SELECT 'request ' || q.id || ': served ' || q.served || ', issued ' || COALESCE(s.total, 0)"
     " FROM supply_request q LEFT JOIN (SELECT request_id, sum(quantity) AS total"
     " FROM supply_transfer WHERE kind = 'issue' AND request_id IS NOT NULL GROUP BY request_id) s"
     " ON s.request_id = q.id WHERE q.served <> COALESCE(s.total, 0) OR q.served > q.quantity"},
};

int wss_check(fc_pg_t *pg, welfare_violation_fn fn, void *arg, wss_check_stats_t *stats,
              fc_err_t *err)
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
    r = fc_pg_exec(
        pg,
        "SELECT (SELECT count(*) FROM supply_transfer),"
        " (SELECT count(*) FROM supply_account), (SELECT count(*) FROM supply_request),"
        " (SELECT COALESCE(sum(quantity), 0) FROM supply_transfer WHERE kind = 'receipt'),"
        " (SELECT COALESCE(sum(balance), 0) FROM supply_account WHERE kind <> 'external')",
        0, NULL, err);
    if (!r) {
        rc = s_fail(err);
        goto out;
    }
    stats->transfers = fc_pg_int(r, 0, 0);
    stats->accounts = fc_pg_int(r, 0, 1);
    stats->requests = fc_pg_int(r, 0, 2);
    stats->received = fc_pg_int(r, 0, 3);
    stats->held = fc_pg_int(r, 0, 4);
    if (stats->received != stats->held) {
        char d[96];
        snprintf(d, sizeof d, "received %lld units, stock and issued hold %lld", stats->received,
                 stats->held);
        fn(arg, "supply_received_equals_held", d);
    }
    rc = fc_pg_commit(pg, err);
out:
    PQclear(r);
    if (fc_pg_in_tx(pg))
        fc_pg_rollback(pg);
    return rc;
}

/* rotation_store: rotation's SQL, parameterised, for schema rotation only. */
#include "rotation_store.h"
#include "fc_clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define B(x) ((x) ? "true" : "false")

/* The subtree of the unit in parameter $1, and its people. */
#define S_SUB                                                                                      \
    "WITH RECURSIVE sub(org_code) AS (SELECT org_code FROM org_unit WHERE org_code = $1"           \
    " UNION SELECT o.org_code FROM org_unit o JOIN sub ON o.parent_code = sub.org_code),"          \
    " ppl AS (SELECT employee_no FROM person WHERE org_code IN (SELECT org_code FROM sub)) "

static int s_fail(fc_err_t *err)
{
    return err && err->code ? err->code : FC_ERR;
}

static void s_i64(char *buf, int64_t v)
{
    snprintf(buf, 24, "%lld", (long long)v);
}

static int64_t s_ll(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : (int64_t)fc_pg_int(r, row, col);
}

static int s_bool(const PGresult *r, int row, int col)
{
    return strcmp(PQgetvalue(r, row, col), "t") == 0;
}

/* Runs a query and hands each row to make_row → fn. */
typedef void (*s_make_fn)(const PGresult *r, int row, void *out);

static int s_each(fc_pg_t *pg, const char *sql, int n, const char *const *p, s_make_fn make,
                  void *row, rotation_row_fn fn, void *ctx, fc_err_t *err)
{
    PGresult *r = fc_pg_exec(pg, sql, n, p, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    for (int i = 0; i < PQntuples(r) && rc == FC_OK; i++) {
        make(r, i, row);
        rc = fn(ctx, row);
    }
    PQclear(r);
    return rc;
}

/* ---- projections ---- */

int rotation_store_org_upsert(fc_pg_t *pg, const Fc__V1__OrgUnit *u, int64_t at_us, fc_err_t *err)
{
    char at[24];
    s_i64(at, at_us);
    const char *p[] = {u->org_code, u->parent_code[0] ? u->parent_code : NULL, u->name, u->kind,
                       at};
    return fc_pg_cmd(pg,
                     "INSERT INTO org_unit AS t (org_code, parent_code, name, kind, updated_us)"
                     " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_code) DO UPDATE SET"
                     " parent_code = EXCLUDED.parent_code, name = EXCLUDED.name,"
                     " kind = EXCLUDED.kind, updated_us = EXCLUDED.updated_us"
                     " WHERE t.updated_us <= EXCLUDED.updated_us",
                     5, p, NULL, err);
}

int rotation_store_person_upsert(fc_pg_t *pg, const Fc__V1__Person *x, int64_t at_us,
                                 int *old_fit_out, int *applied_out, fc_err_t *err)
{
    char at[24], status[8];
    s_i64(at, at_us);
    snprintf(status, sizeof status, "%d", x->health_status ? (int)x->health_status : 1);
    const char *p[] = {x->employee_no,
                       x->name,
                       x->org_code,
                       x->party_status[0] ? x->party_status : "none",
                       B(x->young_cadre),
                       B(x->medical_staff),
                       x->spouse_employee_no[0] ? x->spouse_employee_no : NULL,
                       B(x->fit_for_frontline),
                       status,
                       at};
    PGresult *r = fc_pg_exec(
        pg,
        "WITH old AS (SELECT fit FROM person WHERE employee_no = $1)"
        " INSERT INTO person AS t (employee_no, name, org_code, party_status, young_cadre,"
        " medical_staff, spouse_employee_no, fit, health_status, updated_us)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        " ON CONFLICT (employee_no) DO UPDATE SET name = EXCLUDED.name,"
        " org_code = EXCLUDED.org_code, party_status = EXCLUDED.party_status,"
        " young_cadre = EXCLUDED.young_cadre, medical_staff = EXCLUDED.medical_staff,"
        " spouse_employee_no = EXCLUDED.spouse_employee_no, fit = EXCLUDED.fit,"
        " health_status = EXCLUDED.health_status, updated_us = EXCLUDED.updated_us"
        " WHERE t.updated_us <= EXCLUDED.updated_us"
        " RETURNING (SELECT fit FROM old)",
        10, p, err);
    if (!r)
        return s_fail(err);
    *applied_out = PQntuples(r) == 1;
    *old_fit_out = *applied_out && !PQgetisnull(r, 0, 0) ? s_bool(r, 0, 0) : -1;
    PQclear(r);
    return FC_OK;
}

int rotation_store_post_upsert(fc_pg_t *pg, const Fc__V1__Post *x, int64_t at_us, fc_err_t *err)
{
    char at[24], risk[8];
    s_i64(at, at_us);
    snprintf(risk, sizeof risk, "%d", x->risk_class ? (int)x->risk_class : 2);
    const char *p[] = {x->post_code, x->org_code, x->name, x->kind, risk, at};
    long applied = 0;
    int rc = fc_pg_cmd(pg,
                       "INSERT INTO post AS t (post_code, org_code, name, kind, risk_class,"
                       " updated_us) VALUES ($1, $2, $3, $4, $5, $6)"
                       " ON CONFLICT (post_code) DO UPDATE SET org_code = EXCLUDED.org_code,"
                       " name = EXCLUDED.name, kind = EXCLUDED.kind,"
                       " risk_class = EXCLUDED.risk_class, updated_us = EXCLUDED.updated_us"
                       " WHERE t.updated_us <= EXCLUDED.updated_us",
                       6, p, &applied, err);
    if (rc != FC_OK || !applied)
        return rc;
    const char *dp[] = {x->post_code};
    rc = fc_pg_cmd(pg, "DELETE FROM post_shift WHERE post_code = $1", 1, dp, NULL, err);
    for (size_t i = 0; rc == FC_OK && i < x->n_shifts; i++) {
        char idx[8], st[8], en[8], hc[8];
        snprintf(idx, sizeof idx, "%zu", i);
        snprintf(st, sizeof st, "%d", (int)x->shifts[i]->start_min);
        snprintf(en, sizeof en, "%d", (int)x->shifts[i]->end_min);
        snprintf(hc, sizeof hc, "%d", (int)x->shifts[i]->headcount);
        const char *sp[] = {x->post_code, idx, st, en, hc};
        rc = fc_pg_cmd(pg,
                       "INSERT INTO post_shift (post_code, idx, start_min, end_min, headcount)"
                       " VALUES ($1, $2, $3, $4, $5)",
                       5, sp, NULL, err);
    }
    return rc;
}

int rotation_store_duty_upsert(fc_pg_t *pg, const Fc__V1__DutyEvent *d, fc_err_t *err)
{
    char id[24], risk[8], st[24], en[24], mins[16];
    s_i64(id, d->duty_id);
    snprintf(risk, sizeof risk, "%d", (int)d->risk_class);
    s_i64(st, d->start_us);
    s_i64(en, d->end_us);
    snprintf(mins, sizeof mins, "%d", (int)d->minutes);
    int out = d->end_us > 0;
    const char *p[] = {id, d->employee_no,  d->org_code,      d->post_code, d->post_org_code, risk,
                       st, out ? en : NULL, out ? mins : NULL};
    /* a check-out may arrive before its check-in: whichever comes, the end is kept */
    return fc_pg_cmd(pg,
                     "INSERT INTO duty AS t (duty_id, employee_no, org_code, post_code,"
                     " post_org_code, risk_class, start_us, end_us, minutes)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                     " ON CONFLICT (duty_id) DO UPDATE SET"
                     " end_us = COALESCE(EXCLUDED.end_us, t.end_us),"
                     " minutes = COALESCE(EXCLUDED.minutes, t.minutes)",
                     9, p, NULL, err);
}

int rotation_store_person_health(fc_pg_t *pg, const char *employee_no, int status, int64_t at_us,
                                 fc_err_t *err)
{
    char st[8], at[24];
    snprintf(st, sizeof st, "%d", status);
    s_i64(at, at_us);
    const char *p[] = {employee_no, st, at};
    return fc_pg_cmd(pg,
                     "UPDATE person SET health_status = $2, updated_us = GREATEST(updated_us, $3)"
                     " WHERE employee_no = $1 AND updated_us <= $3",
                     3, p, NULL, err);
}

int rotation_store_person(fc_pg_t *pg, const char *employee_no, char *org, size_t norg, char *name,
                          size_t nname, fc_err_t *err)
{
    const char *p[] = {employee_no};
    PGresult *r =
        fc_pg_exec(pg, "SELECT org_code, name FROM person WHERE employee_no = $1", 1, p, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0)
        rc = fc_err_set(err, FC_ENOTFOUND, "employee_no", "工号“%s”不存在（排班服务尚未收到此人）",
                        employee_no);
    else {
        if (org)
            snprintf(org, norg, "%s", PQgetvalue(r, 0, 0));
        if (name)
            snprintf(name, nname, "%s", PQgetvalue(r, 0, 1));
    }
    PQclear(r);
    return rc;
}

int rotation_store_org_chain(fc_pg_t *pg, const char *org, fc_arena_t *arena,
                             const char ***chain_out, int *n_out, fc_err_t *err)
{
    const char *p[] = {org};
    PGresult *r = fc_pg_exec(pg,
                             "WITH RECURSIVE up(org_code, parent_code, depth) AS ("
                             " SELECT org_code, parent_code, 0 FROM org_unit WHERE org_code = $1"
                             " UNION SELECT o.org_code, o.parent_code, up.depth + 1 FROM org_unit o"
                             " JOIN up ON o.org_code = up.parent_code WHERE up.depth < 64)"
                             " SELECT org_code FROM up ORDER BY depth",
                             1, p, err);
    if (!r)
        return s_fail(err);
    int n = PQntuples(r);
    const char **chain = fc_arena_alloc(arena, (size_t)(n + 1) * sizeof *chain);
    for (int i = 0; i < n; i++)
        chain[i] = fc_arena_strdup(arena, PQgetvalue(r, i, 0));
    if (n == 0)
        chain[n++] = fc_arena_strdup(arena, org);
    PQclear(r);
    *chain_out = chain;
    *n_out = n;
    return FC_OK;
}

int rotation_store_org_exists(fc_pg_t *pg, const char *org, fc_err_t *err)
{
    const char *p[] = {org};
    PGresult *r = fc_pg_exec(pg, "SELECT 1 FROM org_unit WHERE org_code = $1", 1, p, err);
    if (!r)
        return s_fail(err);
    int rc = PQntuples(r) ? FC_OK
                          : fc_err_set(err, FC_ENOTFOUND, "org_code",
                                       "组织“%s”不存在（排班服务尚未收到该组织）", org);
    PQclear(r);
    return rc;
}

int rotation_store_in_scope(fc_pg_t *pg, const char *scope, const char *org, const char *field,
                            fc_err_t *err)
{
    const char *p[] = {scope, org};
    PGresult *r = fc_pg_exec(pg,
                             "WITH RECURSIVE up(org_code, parent_code, depth) AS ("
                             " SELECT org_code, parent_code, 0 FROM org_unit WHERE org_code = $2"
                             " UNION SELECT o.org_code, o.parent_code, up.depth + 1 FROM org_unit o"
                             " JOIN up ON o.org_code = up.parent_code WHERE up.depth < 64)"
                             " SELECT (SELECT count(*) FROM up), EXISTS (SELECT 1 FROM up"
                             " WHERE org_code = $1)",
                             2, p, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (fc_pg_int(r, 0, 0) == 0)
        rc = fc_err_set(err, FC_ENOTFOUND, field, "组织“%s”不存在（排班服务尚未收到该组织）", org);
    else if (!s_bool(r, 0, 1))
        rc = fc_err_set(err, FC_EDENIED, field, "组织“%s”不在您的管辖范围“%s”内", org, scope);
    PQclear(r);
    return rc;
}

int rotation_store_duties(fc_pg_t *pg, const char *employee_no, int64_t since_us,
                          rotation_duty_t **out, size_t *n_out, fc_err_t *err)
{
    char since[24];
    s_i64(since, since_us);
    const char *p[] = {employee_no, since};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT start_us, COALESCE(end_us, 0) FROM duty WHERE employee_no = $1"
                             " AND (end_us IS NULL OR end_us > $2) ORDER BY start_us",
                             2, p, err);
    if (!r)
        return s_fail(err);
    size_t n = (size_t)PQntuples(r);
    rotation_duty_t *d = fc_xcalloc(n ? n : 1, sizeof *d);
    for (size_t i = 0; i < n; i++) {
        d[i].start_us = s_ll(r, (int)i, 0);
        d[i].end_us = s_ll(r, (int)i, 1);
    }
    PQclear(r);
    *out = d;
    *n_out = n;
    return FC_OK;
}

/* ---- availability ---- */

int rotation_store_unavail_add(fc_pg_t *pg, const char *employee_no, const char *kind,
                               int64_t from_us, int64_t to_us, const char *source,
                               const char *detail, int *inserted, fc_err_t *err)
{
    char from[24], to[24];
    s_i64(from, from_us);
    s_i64(to, to_us);
    const char *p[] = {employee_no, kind, from, to_us ? to : NULL, source, detail};
    long n = 0;
    int rc = fc_pg_cmd(pg,
                       "INSERT INTO unavailability (employee_no, kind, from_us, to_us, source,"
                       " detail) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (source) DO NOTHING",
                       6, p, &n, err);
    if (inserted)
        *inserted = n > 0;
    return rc;
}

int rotation_store_unavail_close(fc_pg_t *pg, const char *employee_no, const char *kinds,
                                 int64_t at_us, fc_err_t *err)
{
    char at[24];
    s_i64(at, at_us);
    const char *p[] = {employee_no, kinds, at};
    return fc_pg_cmd(pg,
                     "UPDATE unavailability SET to_us = $3 WHERE employee_no = $1"
                     " AND kind = ANY($2::text[]) AND to_us IS NULL AND from_us < $3",
                     3, p, NULL, err);
}

/* ---- overload ---- */

int rotation_store_warning_add(fc_pg_t *pg, const char *employee_no, const char *org,
                               const char *metric, const char *local_date, int64_t value,
                               int64_t limit, int64_t at_us, int64_t duty_id, int *inserted,
                               fc_err_t *err)
{
    char v[24], l[24], at[24], duty[24];
    s_i64(v, value);
    s_i64(l, limit);
    s_i64(at, at_us);
    s_i64(duty, duty_id);
    const char *p[] = {employee_no, org, metric, local_date, v, l, at, duty};
    long n = 0;
    int rc = fc_pg_cmd(pg,
                       "INSERT INTO overload_warning (employee_no, org_code, metric, local_day,"
                       " value, limit_value, at_us, duty_id) VALUES ($1, $2, $3, $4, $5, $6, $7,"
                       " $8) ON CONFLICT (employee_no, metric, local_day) DO NOTHING",
                       8, p, &n, err);
    *inserted = n > 0;
    return rc;
}

int rotation_store_forced_rest_active(fc_pg_t *pg, const char *employee_no, int64_t at_us,
                                      int64_t *until_out, fc_err_t *err)
{
    char at[24];
    s_i64(at, at_us);
    const char *p[] = {employee_no, at};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT max(until_us) FROM forced_rest WHERE employee_no = $1"
                             " AND from_us <= $2 AND until_us > $2",
                             2, p, err);
    if (!r)
        return s_fail(err);
    *until_out = s_ll(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

int rotation_store_forced_rest_add(fc_pg_t *pg, const char *employee_no, const char *org,
                                   const char *metric, int64_t value, int64_t limit,
                                   int64_t from_us, int64_t until_us, int64_t duty_id,
                                   int64_t *id_out, fc_err_t *err)
{
    char v[24], l[24], from[24], until[24], duty[24];
    s_i64(v, value);
    s_i64(l, limit);
    s_i64(from, from_us);
    s_i64(until, until_us);
    s_i64(duty, duty_id);
    const char *p[] = {employee_no, org, metric, v, l, from, until, duty};
    PGresult *r = fc_pg_exec(pg,
                             "INSERT INTO forced_rest (employee_no, org_code, metric, value,"
                             " limit_value, from_us, until_us, duty_id) VALUES ($1, $2, $3, $4,"
                             " $5, $6, $7, $8) RETURNING id",
                             8, p, err);
    if (!r)
        return s_fail(err);
    *id_out = s_ll(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

/* ---- spouse overrides ---- */

int rotation_store_override_add(fc_pg_t *pg, const char *a, const char *b, const char *from_date,
                                const char *to_date, const char *reason, const char *actor,
                                int64_t *id_out, fc_err_t *err)
{
    const char *lo = strcmp(a, b) < 0 ? a : b, *hi = strcmp(a, b) < 0 ? b : a;
    const char *p[] = {lo, hi, from_date, to_date, reason, actor};
    PGresult *r =
        fc_pg_exec(pg,
                   "INSERT INTO spouse_override (employee_a, employee_b, from_day, to_day,"
                   " reason, actor) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                   6, p, err);
    if (!r)
        return s_fail(err);
    *id_out = s_ll(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

int rotation_store_spouse_of(fc_pg_t *pg, const char *employee_no, char *out, size_t n,
                             fc_err_t *err)
{
    const char *p[] = {employee_no};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT COALESCE(spouse_employee_no, '') FROM person"
                             " WHERE employee_no = $1",
                             1, p, err);
    if (!r)
        return s_fail(err);
    snprintf(out, n, "%s", PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    return FC_OK;
}

/* ---- rows a plan is built from ---- */

static void s_org_row(const PGresult *r, int i, void *out)
{
    rotation_org_row_t *x = out;
    x->org_code = PQgetvalue(r, i, 0);
    x->parent_code = PQgetvalue(r, i, 1);
    x->kind = PQgetvalue(r, i, 2);
}

int rotation_store_subtree(fc_pg_t *pg, const char *org, rotation_row_fn fn, void *ctx,
                           fc_err_t *err)
{
    const char *p[] = {org};
    rotation_org_row_t row;
    return s_each(pg,
                  S_SUB "SELECT o.org_code, COALESCE(o.parent_code, ''), o.kind FROM org_unit o"
                        " WHERE o.org_code IN (SELECT org_code FROM sub) ORDER BY o.org_code",
                  1, p, s_org_row, &row, fn, ctx, err);
}

static void s_shift_row(const PGresult *r, int i, void *out)
{
    rotation_shift_row_t *x = out;
    x->post_code = PQgetvalue(r, i, 0);
    x->org_code = PQgetvalue(r, i, 1);
    x->name = PQgetvalue(r, i, 2);
    x->kind = PQgetvalue(r, i, 3);
    x->risk_class = (int)fc_pg_int(r, i, 4);
    x->idx = (int)fc_pg_int(r, i, 5);
    x->start_min = (int)fc_pg_int(r, i, 6);
    x->end_min = (int)fc_pg_int(r, i, 7);
    x->headcount = (int)fc_pg_int(r, i, 8);
}

int rotation_store_shifts(fc_pg_t *pg, const char *org, rotation_row_fn fn, void *ctx,
                          fc_err_t *err)
{
    const char *p[] = {org};
    rotation_shift_row_t row;
    return s_each(pg,
                  S_SUB "SELECT p.post_code, p.org_code, p.name, p.kind, p.risk_class, s.idx,"
                        " s.start_min, s.end_min, s.headcount FROM post p JOIN post_shift s"
                        " ON s.post_code = p.post_code WHERE p.org_code IN (SELECT org_code FROM"
                        " sub) ORDER BY p.post_code, s.idx",
                  1, p, s_shift_row, &row, fn, ctx, err);
}

static void s_person_row(const PGresult *r, int i, void *out)
{
    rotation_person_row_t *x = out;
    x->employee_no = PQgetvalue(r, i, 0);
    x->name = PQgetvalue(r, i, 1);
    x->org_code = PQgetvalue(r, i, 2);
    x->party_status = PQgetvalue(r, i, 3);
    x->spouse = PQgetvalue(r, i, 4);
    x->young_cadre = s_bool(r, i, 5);
    x->medical_staff = s_bool(r, i, 6);
    x->fit = s_bool(r, i, 7);
    x->health_status = (int)fc_pg_int(r, i, 8);
}

int rotation_store_people(fc_pg_t *pg, const char *org, rotation_row_fn fn, void *ctx,
                          fc_err_t *err)
{
    const char *p[] = {org};
    rotation_person_row_t row;
    return s_each(pg,
                  S_SUB "SELECT employee_no, name, org_code, party_status,"
                        " COALESCE(spouse_employee_no, ''), young_cadre, medical_staff, fit,"
                        " health_status FROM person WHERE org_code IN (SELECT org_code FROM sub)"
                        " AND health_status <> 7 ORDER BY employee_no",
                  1, p, s_person_row, &row, fn, ctx, err);
}

static void s_unavail_row(const PGresult *r, int i, void *out)
{
    rotation_unavail_row_t *x = out;
    x->employee_no = PQgetvalue(r, i, 0);
    x->kind = PQgetvalue(r, i, 1);
    x->detail = PQgetvalue(r, i, 2);
    x->from_us = s_ll(r, i, 3);
    x->to_us = s_ll(r, i, 4);
}

int rotation_store_unavail_between(fc_pg_t *pg, const char *org, int64_t from_us, int64_t to_us,
                                   rotation_row_fn fn, void *ctx, fc_err_t *err)
{
    char from[24], to[24];
    s_i64(from, from_us);
    s_i64(to, to_us);
    const char *p[] = {org, from, to};
    rotation_unavail_row_t row;
    return s_each(pg,
                  S_SUB "SELECT employee_no, kind, detail, from_us, COALESCE(to_us, 0)"
                        " FROM unavailability WHERE employee_no IN (SELECT employee_no FROM ppl)"
                        " AND from_us < $3 AND (to_us IS NULL OR to_us > $2) ORDER BY id",
                  3, p, s_unavail_row, &row, fn, ctx, err);
}

static void s_past_row(const PGresult *r, int i, void *out)
{
    rotation_past_row_t *x = out;
    x->employee_no = PQgetvalue(r, i, 0);
    x->post_kind = PQgetvalue(r, i, 1);
    x->start_us = s_ll(r, i, 2);
    x->end_us = s_ll(r, i, 3);
}

int rotation_store_past_duty(fc_pg_t *pg, const char *org, int64_t from_us, int64_t to_us,
                             int64_t now_us, rotation_row_fn fn, void *ctx, fc_err_t *err)
{
    char from[24], to[24], now[24];
    s_i64(from, from_us);
    s_i64(to, to_us);
    s_i64(now, now_us);
    const char *p[] = {org, from, to, now};
    rotation_past_row_t row;
    return s_each(pg,
                  S_SUB "SELECT d.employee_no, COALESCE(po.kind, ''), d.start_us,"
                        " COALESCE(d.end_us, GREATEST($4::bigint, d.start_us))"
                        " FROM duty d LEFT JOIN post po ON po.post_code = d.post_code"
                        " WHERE d.employee_no IN (SELECT employee_no FROM ppl)"
                        " AND d.start_us >= $2 AND d.start_us < $3"
                        " UNION ALL"
                        " SELECT a.employee_no, COALESCE(po.kind, ''), a.start_us, a.end_us"
                        " FROM roster_assignment a LEFT JOIN post po ON po.post_code = a.post_code"
                        " WHERE a.employee_no IN (SELECT employee_no FROM ppl)"
                        " AND a.removed_rev IS NULL AND a.superseded_by IS NULL"
                        " AND a.start_us >= $2 AND a.start_us < $3 AND a.start_us > $4",
                  4, p, s_past_row, &row, fn, ctx, err);
}

static void s_override_row(const PGresult *r, int i, void *out)
{
    rotation_override_row_t *x = out;
    x->a = PQgetvalue(r, i, 0);
    x->b = PQgetvalue(r, i, 1);
    x->from_day = PQgetvalue(r, i, 2);
    x->to_day = PQgetvalue(r, i, 3);
    x->reason = PQgetvalue(r, i, 4);
}

int rotation_store_overrides_between(fc_pg_t *pg, const char *org, const char *from_day,
                                     const char *to_day, rotation_row_fn fn, void *ctx,
                                     fc_err_t *err)
{
    const char *p[] = {org, from_day, to_day};
    rotation_override_row_t row;
    return s_each(pg,
                  S_SUB "SELECT employee_a, employee_b, from_day::text, to_day::text, reason"
                        " FROM spouse_override WHERE from_day <= $3::date AND to_day >= $2::date"
                        " AND (employee_a IN (SELECT employee_no FROM ppl)"
                        " OR employee_b IN (SELECT employee_no FROM ppl)) ORDER BY id",
                  3, p, s_override_row, &row, fn, ctx, err);
}

static void s_leave_row(const PGresult *r, int i, void *out)
{
    rotation_leave_row_t *x = out;
    x->employee_no = PQgetvalue(r, i, 0);
    x->day = PQgetvalue(r, i, 1);
}

int rotation_store_leave_between(fc_pg_t *pg, const char *org, const char *from_day,
                                 const char *to_day, rotation_row_fn fn, void *ctx, fc_err_t *err)
{
    const char *p[] = {org, from_day, to_day};
    rotation_leave_row_t row;
    return s_each(pg,
                  S_SUB "SELECT employee_no, day::text FROM comp_leave"
                        " WHERE employee_no IN (SELECT employee_no FROM ppl)"
                        " AND day BETWEEN $2::date AND $3::date",
                  3, p, s_leave_row, &row, fn, ctx, err);
}

#define S_NO_OVERRIDE                                                                              \
    " AND NOT EXISTS (SELECT 1 FROM spouse_override o WHERE ((o.employee_a = p.employee_no"        \
    " AND o.employee_b = p.spouse_employee_no) OR (o.employee_b = p.employee_no"                   \
    " AND o.employee_a = p.spouse_employee_no)) AND a.day BETWEEN o.from_day AND o.to_day)"

int rotation_store_spouse_busy(fc_pg_t *pg, const char *org, const char *from_day,
                               const char *to_day, rotation_row_fn fn, void *ctx, fc_err_t *err)
{
    const char *p[] = {org, from_day, to_day};
    rotation_leave_row_t row;
    return s_each(pg,
                  S_SUB "SELECT DISTINCT p.employee_no, a.day::text FROM person p"
                        " JOIN roster_assignment a ON a.employee_no = p.spouse_employee_no"
                        " WHERE p.employee_no IN (SELECT employee_no FROM ppl)"
                        " AND p.spouse_employee_no NOT IN (SELECT employee_no FROM ppl)"
                        " AND a.removed_rev IS NULL AND a.superseded_by IS NULL"
                        " AND a.day BETWEEN $2::date AND $3::date" S_NO_OVERRIDE,
                  3, p, s_leave_row, &row, fn, ctx, err);
}

int rotation_store_roster_spouse_busy(fc_pg_t *pg, int64_t roster_id, const char *from_day,
                                      const char *to_day, rotation_row_fn fn, void *ctx,
                                      fc_err_t *err)
{
    char id[24];
    s_i64(id, roster_id);
    const char *p[] = {id, from_day, to_day};
    rotation_leave_row_t row;
    return s_each(pg,
                  "SELECT DISTINCT p.employee_no, a.day::text FROM roster_member m"
                  " JOIN person p ON p.employee_no = m.employee_no"
                  " JOIN roster_assignment a ON a.employee_no = p.spouse_employee_no"
                  " WHERE m.roster_id = $1 AND a.roster_id <> $1"
                  " AND a.removed_rev IS NULL AND a.superseded_by IS NULL"
                  " AND a.day BETWEEN $2::date AND $3::date" S_NO_OVERRIDE,
                  3, p, s_leave_row, &row, fn, ctx, err);
}

static void s_leave_count_row(const PGresult *r, int i, void *out)
{
    rotation_leave_count_row_t *x = out;
    x->employee_no = PQgetvalue(r, i, 0);
    x->frontline_days = (int)fc_pg_int(r, i, 1);
    x->leave_days = (int)fc_pg_int(r, i, 2);
}

int rotation_store_leave_counts(fc_pg_t *pg, const char *org, const char *from_day,
                                rotation_row_fn fn, void *ctx, fc_err_t *err)
{
    const char *p[] = {org, from_day};
    rotation_leave_count_row_t row;
    return s_each(
        pg,
        S_SUB ", days AS (SELECT d.employee_no,"
              " count(DISTINCT (to_timestamp(d.start_us / 1e6) AT TIME ZONE 'Asia/Shanghai')::date)"
              " AS n FROM duty d WHERE d.employee_no IN (SELECT employee_no FROM ppl)"
              " AND (to_timestamp(d.start_us / 1e6) AT TIME ZONE 'Asia/Shanghai')::date < $2::date"
              " GROUP BY d.employee_no),"
              " lv AS (SELECT employee_no, count(*) AS n FROM comp_leave"
              " WHERE employee_no IN (SELECT employee_no FROM ppl) AND day < $2::date"
              " GROUP BY employee_no)"
              " SELECT ppl.employee_no, COALESCE(days.n, 0), COALESCE(lv.n, 0) FROM ppl"
              " LEFT JOIN days ON days.employee_no = ppl.employee_no"
              " LEFT JOIN lv ON lv.employee_no = ppl.employee_no"
              " WHERE days.n IS NOT NULL OR lv.n IS NOT NULL",
        2, p, s_leave_count_row, &row, fn, ctx, err);
}

/* ---- rosters ---- */

int rotation_store_roster_create(fc_pg_t *pg, const char *org, const char *from_day, int days,
                                 const char *problem, int64_t penalty, const char *actor,
                                 int64_t created_us, int64_t *id_out, int *version_out,
                                 fc_err_t *err)
{
    char d[16], pen[24], at[24];
    snprintf(d, sizeof d, "%d", days);
    s_i64(pen, penalty);
    s_i64(at, created_us);
    const char *lp[] = {org};
    /* plans of one org take their versions one after another */
    int rc = fc_pg_cmd(pg, "SELECT pg_advisory_xact_lock(hashtext('rotation.plan:' || $1))", 1, lp,
                       NULL, err);
    if (rc != FC_OK)
        return rc;
    const char *p[] = {org, from_day, d, problem, pen, actor, at};
    PGresult *r = fc_pg_exec(pg,
                             "INSERT INTO roster (org_code, version, from_day, days, problem,"
                             " penalty, actor, created_us) SELECT $1, COALESCE(max(version), 0)"
                             " + 1, $2, $3, $4, $5, $6, $7 FROM roster WHERE org_code = $1"
                             " RETURNING id, version",
                             7, p, err);
    if (!r)
        return s_fail(err);
    *id_out = s_ll(r, 0, 0);
    *version_out = (int)fc_pg_int(r, 0, 1);
    PQclear(r);
    return FC_OK;
}

/* Appends s to b escaped for COPY's text format. */
static void s_copy_str(fc_buf_t *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '\\':
            fc_buf_puts(b, "\\\\");
            break;
        case '\t':
            fc_buf_puts(b, "\\t");
            break;
        case '\n':
            fc_buf_puts(b, "\\n");
            break;
        case '\r':
            fc_buf_puts(b, "\\r");
            break;
        default:
            fc_buf_append(b, s, 1);
        }
    }
}

static int s_copy(fc_pg_t *pg, const char *sql, const fc_buf_t *data, fc_err_t *err)
{
    PGconn *c = fc_pg_conn(pg);
    PGresult *r = PQexec(c, sql);
    int rc = FC_OK;
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        rc = fc_err_set(err, FC_ERR, "copy", "could not start copy: %s", PQerrorMessage(c));
        PQclear(r);
        return rc;
    }
    PQclear(r);
    if (data->len && PQputCopyData(c, data->data, (int)data->len) != 1)
        rc =
            fc_err_set(err, FC_EUNAVAIL, "copy", "could not send copy data: %s", PQerrorMessage(c));
    if (PQputCopyEnd(c, rc == FC_OK ? NULL : "aborted") != 1 && rc == FC_OK)
        rc = fc_err_set(err, FC_EUNAVAIL, "copy", "could not end copy: %s", PQerrorMessage(c));
    while ((r = PQgetResult(c))) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == FC_OK)
            rc = fc_err_set(err, FC_ERR, "copy", "copy failed: %s", PQresultErrorMessage(r));
        PQclear(r);
    }
    return rc;
}

int rotation_store_roster_fill(fc_pg_t *pg, int64_t roster_id, const rotation_assign_row_t *rows,
                               size_t n, const char *const *members, size_t nmembers, fc_err_t *err)
{
    fc_buf_t b;
    fc_buf_init(&b);
    for (size_t i = 0; i < n; i++) {
        const rotation_assign_row_t *a = &rows[i];
        fc_buf_printf(&b, "%lld\t%s\t", (long long)roster_id, a->day);
        s_copy_str(&b, a->shift_id);
        fc_buf_puts(&b, "\t");
        s_copy_str(&b, a->post_code);
        fc_buf_puts(&b, "\t");
        s_copy_str(&b, a->employee_no);
        fc_buf_printf(&b, "\t%lld\t%lld\t", (long long)a->start_us, (long long)a->end_us);
        s_copy_str(&b, a->note ? a->note : "");
        fc_buf_puts(&b, "\n");
    }
    int rc = s_copy(pg,
                    "COPY roster_assignment (roster_id, day, shift_id, post_code, employee_no,"
                    " start_us, end_us, note) FROM STDIN",
                    &b, err);
    fc_buf_reset(&b);
    for (size_t i = 0; rc == FC_OK && i < nmembers; i++) {
        fc_buf_printf(&b, "%lld\t", (long long)roster_id);
        s_copy_str(&b, members[i]);
        fc_buf_puts(&b, "\n");
    }
    if (rc == FC_OK)
        rc = s_copy(pg, "COPY roster_member (roster_id, employee_no) FROM STDIN", &b, err);
    fc_buf_fini(&b);
    return rc;
}

int rotation_store_supersede(fc_pg_t *pg, int64_t roster_id, const char *org, const char *from_day,
                             const char *to_day, fc_err_t *err)
{
    char id[24];
    s_i64(id, roster_id);
    const char *p[] = {org, id, from_day, to_day};
    int rc = fc_pg_cmd(pg,
                       S_SUB "UPDATE roster_assignment SET superseded_by = $2"
                             " WHERE superseded_by IS NULL AND removed_rev IS NULL"
                             " AND roster_id <> $2 AND day BETWEEN $3::date AND $4::date"
                             " AND post_code IN (SELECT post_code FROM post WHERE org_code IN"
                             " (SELECT org_code FROM sub))",
                       4, p, NULL, err);
    if (rc == FC_OK)
        rc = fc_pg_cmd(pg,
                       S_SUB "UPDATE roster_uncovered SET superseded_by = $2"
                             " WHERE superseded_by IS NULL AND roster_id <> $2"
                             " AND day BETWEEN $3::date AND $4::date"
                             " AND post_code IN (SELECT post_code FROM post WHERE org_code IN"
                             " (SELECT org_code FROM sub))",
                       4, p, NULL, err);
    return rc;
}

int rotation_store_uncovered_add(fc_pg_t *pg, int64_t roster_id, int revision, const char *day,
                                 const char *shift_id, const char *post_code, int64_t start_us,
                                 int64_t end_us, int missing, const char *reason, const char *text,
                                 fc_err_t *err)
{
    char id[24], rev[16], st[24], en[24], m[16];
    s_i64(id, roster_id);
    snprintf(rev, sizeof rev, "%d", revision);
    s_i64(st, start_us);
    s_i64(en, end_us);
    snprintf(m, sizeof m, "%d", missing);
    const char *p[] = {id, day, shift_id, post_code, st, en, m, reason, text, rev};
    return fc_pg_cmd(pg,
                     "INSERT INTO roster_uncovered (roster_id, day, shift_id, post_code,"
                     " start_us, end_us, missing, reason, text, added_rev)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                     10, p, NULL, err);
}

int rotation_store_leave_add(fc_pg_t *pg, int64_t roster_id, const char *employee_no,
                             const char *day, fc_err_t *err)
{
    char id[24];
    s_i64(id, roster_id);
    const char *p[] = {employee_no, day, id};
    return fc_pg_cmd(pg,
                     "INSERT INTO comp_leave (employee_no, day, roster_id) VALUES ($1, $2, $3)"
                     " ON CONFLICT (employee_no, day) DO NOTHING",
                     3, p, NULL, err);
}

int rotation_store_roster_info(fc_pg_t *pg, int64_t roster_id, rotation_roster_info_t *info,
                               char **problem_out, fc_err_t *err)
{
    char id[24];
    s_i64(id, roster_id);
    const char *p[] = {id};
    PGresult *r = fc_pg_exec(pg,
                             problem_out ? "SELECT org_code, version, revision, from_day::text,"
                                           " days, problem FROM roster WHERE id = $1"
                                         : "SELECT org_code, version, revision, from_day::text,"
                                           " days FROM roster WHERE id = $1",
                             1, p, err);
    if (!r)
        return s_fail(err);
    if (PQntuples(r) == 0) {
        PQclear(r);
        return fc_err_set(err, FC_ENOTFOUND, "roster_id", "排班 %lld 不存在", (long long)roster_id);
    }
    info->id = roster_id;
    snprintf(info->org_code, sizeof info->org_code, "%s", PQgetvalue(r, 0, 0));
    info->version = (int)fc_pg_int(r, 0, 1);
    info->revision = (int)fc_pg_int(r, 0, 2);
    snprintf(info->from_day, sizeof info->from_day, "%s", PQgetvalue(r, 0, 3));
    info->days = (int)fc_pg_int(r, 0, 4);
    if (problem_out)
        *problem_out = fc_xstrdup(PQgetvalue(r, 0, 5));
    PQclear(r);
    return FC_OK;
}

static void s_assign_row(const PGresult *r, int i, void *out)
{
    rotation_assign_row_t *x = out;
    memset(x, 0, sizeof *x);
    x->employee_no = PQgetvalue(r, i, 0);
    x->day = PQgetvalue(r, i, 1);
    x->shift_id = PQgetvalue(r, i, 2);
}

int rotation_store_roster_current(fc_pg_t *pg, int64_t roster_id, rotation_row_fn fn, void *ctx,
                                  fc_err_t *err)
{
    char id[24];
    s_i64(id, roster_id);
    const char *p[] = {id};
    rotation_assign_row_t row;
    return s_each(pg,
                  "SELECT employee_no, day::text, shift_id FROM roster_assignment"
                  " WHERE roster_id = $1 AND removed_rev IS NULL AND superseded_by IS NULL",
                  1, p, s_assign_row, &row, fn, ctx, err);
}

int rotation_store_roster_unavail(fc_pg_t *pg, int64_t roster_id, int64_t from_us, int64_t to_us,
                                  rotation_row_fn fn, void *ctx, fc_err_t *err)
{
    char id[24], from[24], to[24];
    s_i64(id, roster_id);
    s_i64(from, from_us);
    s_i64(to, to_us);
    const char *p[] = {id, from, to};
    rotation_unavail_row_t row;
    return s_each(pg,
                  "SELECT u.employee_no, u.kind, u.detail, u.from_us, COALESCE(u.to_us, 0)"
                  " FROM unavailability u JOIN roster_member m ON m.employee_no = u.employee_no"
                  " AND m.roster_id = $1 WHERE u.from_us < $3"
                  " AND (u.to_us IS NULL OR u.to_us > $2) ORDER BY u.id",
                  3, p, s_unavail_row, &row, fn, ctx, err);
}

int rotation_store_roster_leave(fc_pg_t *pg, int64_t roster_id, const char *from_day,
                                const char *to_day, rotation_row_fn fn, void *ctx, fc_err_t *err)
{
    char id[24];
    s_i64(id, roster_id);
    const char *p[] = {id, from_day, to_day};
    rotation_leave_row_t row;
    return s_each(pg,
                  "SELECT l.employee_no, l.day::text FROM comp_leave l JOIN roster_member m"
                  " ON m.employee_no = l.employee_no AND m.roster_id = $1"
                  " WHERE l.day BETWEEN $2::date AND $3::date",
                  3, p, s_leave_row, &row, fn, ctx, err);
}

int rotation_store_rosters_of(fc_pg_t *pg, const char *employee_no, int64_t from_us, int64_t to_us,
                              int64_t **ids, size_t *n, fc_err_t *err)
{
    char from[24], to[24];
    s_i64(from, from_us);
    s_i64(to, to_us);
    const char *p[] = {employee_no, from, to};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT DISTINCT roster_id FROM roster_assignment"
                             " WHERE employee_no = $1 AND removed_rev IS NULL"
                             " AND superseded_by IS NULL AND end_us > $2"
                             " AND ($3::bigint = 0 OR start_us < $3) ORDER BY 1",
                             3, p, err);
    if (!r)
        return s_fail(err);
    *n = (size_t)PQntuples(r);
    *ids = fc_xcalloc(*n ? *n : 1, sizeof **ids);
    for (size_t i = 0; i < *n; i++)
        (*ids)[i] = s_ll(r, (int)i, 0);
    PQclear(r);
    return FC_OK;
}

int rotation_store_roster_for(fc_pg_t *pg, const char *employee_no, const char *day,
                              int64_t *id_out, fc_err_t *err)
{
    const char *p[] = {employee_no, day};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT COALESCE((SELECT roster_id FROM roster_assignment"
                             " WHERE employee_no = $1 AND day = $2::date AND removed_rev IS NULL"
                             " AND superseded_by IS NULL ORDER BY roster_id DESC LIMIT 1),"
                             " (SELECT r.id FROM roster r JOIN roster_member m"
                             " ON m.roster_id = r.id WHERE m.employee_no = $1"
                             " AND $2::date >= r.from_day AND $2::date < r.from_day + r.days"
                             " ORDER BY r.id DESC LIMIT 1))",
                             2, p, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (PQgetisnull(r, 0, 0))
        rc = fc_err_set(err, FC_ENOTFOUND, "date", "%s 没有涵盖“%s”的排班", day, employee_no);
    else
        *id_out = s_ll(r, 0, 0);
    PQclear(r);
    return rc;
}

int rotation_store_assignment_remove(fc_pg_t *pg, int64_t roster_id, const char *day,
                                     const char *shift_id, const char *employee_no, int revision,
                                     fc_err_t *err)
{
    char id[24], rev[16];
    s_i64(id, roster_id);
    snprintf(rev, sizeof rev, "%d", revision);
    const char *p[] = {id, day, shift_id, employee_no, rev};
    long n = 0;
    int rc = fc_pg_cmd(pg,
                       "UPDATE roster_assignment SET removed_rev = $5 WHERE roster_id = $1"
                       " AND day = $2::date AND shift_id = $3 AND employee_no = $4"
                       " AND removed_rev IS NULL AND superseded_by IS NULL",
                       5, p, &n, err);
    if (rc == FC_OK && n != 1)
        rc = fc_err_set(err, FC_ECONFLICT, "roster", "assignment of %s on %s (%s) is not current",
                        employee_no, day, shift_id);
    return rc;
}

int rotation_store_assignment_add(fc_pg_t *pg, int64_t roster_id, const rotation_assign_row_t *a,
                                  int revision, fc_err_t *err)
{
    char id[24], rev[16], st[24], en[24];
    s_i64(id, roster_id);
    snprintf(rev, sizeof rev, "%d", revision);
    s_i64(st, a->start_us);
    s_i64(en, a->end_us);
    const char *p[] = {id, a->day, a->shift_id, a->post_code,          a->employee_no,
                       st, en,     rev,         a->note ? a->note : ""};
    return fc_pg_cmd(pg,
                     "INSERT INTO roster_assignment (roster_id, day, shift_id, post_code,"
                     " employee_no, start_us, end_us, added_rev, note)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                     9, p, NULL, err);
}

int rotation_store_roster_revision(fc_pg_t *pg, int64_t roster_id, int revision, fc_err_t *err)
{
    char id[24], rev[16];
    s_i64(id, roster_id);
    snprintf(rev, sizeof rev, "%d", revision);
    const char *p[] = {id, rev};
    return fc_pg_cmd(pg, "UPDATE roster SET revision = $2 WHERE id = $1", 2, p, NULL, err);
}

int rotation_store_assignment_mark(fc_pg_t *pg, int64_t *mark_out, fc_err_t *err)
{
    PGresult *r = fc_pg_exec(pg, "SELECT coalesce(max(id), 0) FROM roster_assignment", 0, NULL, err);
    if (!r)
        return err && err->code ? err->code : FC_ERR;
    *mark_out = fc_pg_int(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

/* ---- queries ---- */

static void s_show_row(const PGresult *r, int i, void *out)
{
    rotation_show_row_t *x = out;
    x->day = PQgetvalue(r, i, 0);
    x->employee_no = PQgetvalue(r, i, 1);
    x->name = PQgetvalue(r, i, 2);
    x->post_code = PQgetvalue(r, i, 3);
    x->post_name = PQgetvalue(r, i, 4);
    x->shift_id = PQgetvalue(r, i, 5);
    x->start_us = s_ll(r, i, 6);
    x->end_us = s_ll(r, i, 7);
    x->risk_class = (int)fc_pg_int(r, i, 8);
    x->roster_id = s_ll(r, i, 9);
    x->version = (int)fc_pg_int(r, i, 10);
    x->revision = (int)fc_pg_int(r, i, 11);
    x->note = PQgetvalue(r, i, 12);
}

static void s_uncovered_row(const PGresult *r, int i, void *out)
{
    rotation_uncovered_row_t *x = out;
    x->day = PQgetvalue(r, i, 0);
    x->post_code = PQgetvalue(r, i, 1);
    x->shift_id = PQgetvalue(r, i, 2);
    x->start_us = s_ll(r, i, 3);
    x->end_us = s_ll(r, i, 4);
    x->missing = (int)fc_pg_int(r, i, 5);
    x->reason = PQgetvalue(r, i, 6);
    x->text = PQgetvalue(r, i, 7);
}

static void s_leave_show_row(const PGresult *r, int i, void *out)
{
    rotation_leave_show_row_t *x = out;
    x->employee_no = PQgetvalue(r, i, 0);
    x->name = PQgetvalue(r, i, 1);
    x->day = PQgetvalue(r, i, 2);
    x->roster_id = s_ll(r, i, 3);
}

#define S_SHOW_COLS                                                                                \
    "SELECT a.day::text, a.employee_no, COALESCE(p.name, ''), a.post_code,"                        \
    " COALESCE(po.name, ''), a.shift_id, a.start_us, a.end_us, COALESCE(po.risk_class, 0),"        \
    " a.roster_id, r.version, a.added_rev, a.note FROM roster_assignment a"                        \
    " JOIN roster r ON r.id = a.roster_id LEFT JOIN person p ON p.employee_no = a.employee_no"     \
    " LEFT JOIN post po ON po.post_code = a.post_code"                                             \
    " WHERE a.removed_rev IS NULL AND a.superseded_by IS NULL"                                     \
    " AND a.day BETWEEN $2::date AND $3::date "

int rotation_store_show(fc_pg_t *pg, const char *org, const char *employee_no, const char *from_day,
                        const char *to_day, int limit, rotation_row_fn on_entry,
                        rotation_row_fn on_uncovered, rotation_row_fn on_leave, void *ctx,
                        int *truncated, fc_err_t *err)
{
    char lim[16];
    snprintf(lim, sizeof lim, "%d", limit + 1);
    const char *p[] = {org ? org : employee_no, from_day, to_day, lim};
    PGresult *r = fc_pg_exec(
        pg,
        org ? S_SUB S_SHOW_COLS " AND a.post_code IN (SELECT post_code FROM post WHERE org_code"
                                " IN (SELECT org_code FROM sub))"
                                " ORDER BY a.day, a.start_us, a.post_code, a.employee_no LIMIT $4"
            : S_SHOW_COLS " AND a.employee_no = $1 ORDER BY a.day, a.start_us LIMIT $4",
        4, p, err);
    if (!r)
        return s_fail(err);
    int n = PQntuples(r), rc = FC_OK;
    *truncated = n > limit;
    rotation_show_row_t row;
    for (int i = 0; i < n && i < limit && rc == FC_OK; i++) {
        s_show_row(r, i, &row);
        rc = on_entry(ctx, &row);
    }
    PQclear(r);
    if (rc != FC_OK)
        return rc;
    if (org) {
        rotation_uncovered_row_t u;
        rc = s_each(pg,
                    S_SUB "SELECT day::text, post_code, shift_id, start_us, end_us, missing,"
                          " reason, text FROM roster_uncovered WHERE superseded_by IS NULL"
                          " AND day BETWEEN $2::date AND $3::date AND post_code IN"
                          " (SELECT post_code FROM post WHERE org_code IN (SELECT org_code FROM"
                          " sub)) ORDER BY day, start_us, post_code",
                    3, p, s_uncovered_row, &u, on_uncovered, ctx, err);
    }
    rotation_leave_show_row_t l;
    if (rc == FC_OK)
        rc = s_each(pg,
                    org ? S_SUB "SELECT l.employee_no, COALESCE(p.name, ''), l.day::text,"
                                " l.roster_id FROM comp_leave l JOIN person p"
                                " ON p.employee_no = l.employee_no WHERE l.employee_no IN"
                                " (SELECT employee_no FROM ppl) AND l.day BETWEEN $2::date AND"
                                " $3::date ORDER BY l.day, l.employee_no"
                        : "SELECT l.employee_no, COALESCE(p.name, ''), l.day::text, l.roster_id"
                          " FROM comp_leave l LEFT JOIN person p ON p.employee_no = l.employee_no"
                          " WHERE l.employee_no = $1 AND l.day BETWEEN $2::date AND $3::date"
                          " ORDER BY l.day",
                    3, p, s_leave_show_row, &l, on_leave, ctx, err);
    return rc;
}

#define S_REST_COLS                                                                                \
    "SELECT f.id, f.employee_no, COALESCE(p.name, ''), f.org_code, f.metric, f.value,"             \
    " f.limit_value, f.from_us, f.until_us, f.from_us <= $6 AND f.until_us > $6,"                  \
    " COALESCE((SELECT string_agg(DISTINCT a.post_code, ',') FROM roster_assignment a"             \
    " WHERE a.employee_no = f.employee_no AND a.superseded_by IS NULL"                             \
    " AND a.day BETWEEN $2::date AND $3::date), '')"                                               \
    " FROM forced_rest f LEFT JOIN person p ON p.employee_no = f.employee_no"                      \
    " WHERE f.from_us < $5 AND f.until_us > $4 "

int rotation_store_show_rests(fc_pg_t *pg, const char *org, const char *employee_no,
                              const char *from_day, const char *to_day, int64_t from_us,
                              int64_t to_us, int64_t now_us, int limit, rotation_row_fn fn,
                              void *ctx, int *truncated, fc_err_t *err)
{
    char h0[24], h1[24], now[24], lim[16];
    s_i64(h0, from_us);
    s_i64(h1, to_us);
    s_i64(now, now_us);
    snprintf(lim, sizeof lim, "%d", limit + 1);
    const char *p[] = {org ? org : employee_no, from_day, to_day, h0, h1, now, lim};
    PGresult *r = fc_pg_exec(
        pg,
        org ? S_SUB S_REST_COLS
            " AND (f.employee_no IN (SELECT employee_no FROM ppl) OR f.employee_no IN"
            " (SELECT a.employee_no FROM roster_assignment a WHERE a.removed_rev IS NULL"
            " AND a.superseded_by IS NULL AND a.day BETWEEN $2::date AND $3::date AND a.post_code"
            " IN (SELECT post_code FROM post WHERE org_code IN (SELECT org_code FROM sub))))"
            " ORDER BY f.from_us, f.employee_no, f.id LIMIT $7"
            : S_REST_COLS " AND f.employee_no = $1 ORDER BY f.from_us, f.id LIMIT $7",
        7, p, err);
    if (!r)
        return s_fail(err);
    int n = PQntuples(r), rc = FC_OK;
    *truncated = n > limit;
    for (int i = 0; i < n && i < limit && rc == FC_OK; i++) {
        rotation_rest_show_row_t x = {
            .order_id = s_ll(r, i, 0),
            .employee_no = PQgetvalue(r, i, 1),
            .name = PQgetvalue(r, i, 2),
            .org_code = PQgetvalue(r, i, 3),
            .metric = PQgetvalue(r, i, 4),
            .value = s_ll(r, i, 5),
            .limit = s_ll(r, i, 6),
            .from_us = s_ll(r, i, 7),
            .until_us = s_ll(r, i, 8),
            .in_force = s_bool(r, i, 9),
            .post_codes = PQgetvalue(r, i, 10),
        };
        rc = fn(ctx, &x);
    }
    PQclear(r);
    return rc;
}

static void s_leave_day_row(const PGresult *r, int i, void *out)
{
    rotation_leave_row_t *x = out;
    x->employee_no = s_bool(r, i, 1) ? "past" : "future";
    x->day = PQgetvalue(r, i, 0);
}

int rotation_store_leave_summary(fc_pg_t *pg, const char *employee_no, const char *today,
                                 int *frontline_days, int *planned_days, rotation_row_fn on_day,
                                 void *ctx, fc_err_t *err)
{
    const char *p[] = {employee_no, today};
    PGresult *r =
        fc_pg_exec(pg,
                   "SELECT (SELECT count(DISTINCT (to_timestamp(start_us / 1e6) AT TIME ZONE"
                   " 'Asia/Shanghai')::date) FROM duty WHERE employee_no = $1),"
                   " (SELECT count(DISTINCT day) FROM roster_assignment WHERE employee_no = $1"
                   " AND removed_rev IS NULL AND superseded_by IS NULL AND day > $2::date)",
                   2, p, err);
    if (!r)
        return s_fail(err);
    *frontline_days = (int)fc_pg_int(r, 0, 0);
    *planned_days = (int)fc_pg_int(r, 0, 1);
    PQclear(r);
    rotation_leave_row_t row;
    return s_each(pg,
                  "SELECT day::text, day <= $2::date FROM comp_leave WHERE employee_no = $1"
                  " ORDER BY day",
                  2, p, s_leave_day_row, &row, on_day, ctx, err);
}

int rotation_store_unavail_of(fc_pg_t *pg, const char *employee_no, int64_t now_us,
                              rotation_row_fn fn, void *ctx, fc_err_t *err)
{
    char now[24];
    s_i64(now, now_us);
    const char *p[] = {employee_no, now};
    rotation_unavail_row_t row;
    return s_each(pg,
                  "SELECT employee_no, kind, detail, from_us, COALESCE(to_us, 0)"
                  " FROM unavailability WHERE employee_no = $1"
                  " AND (to_us IS NULL OR to_us > $2) ORDER BY from_us",
                  2, p, s_unavail_row, &row, fn, ctx, err);
}

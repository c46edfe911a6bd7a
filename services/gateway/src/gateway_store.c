/* gateway_store: parameterised SQL for schema gateway only. */
#include "gateway_store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_TOKEN_COLS                                                                               \
    "token_id, name, role, org_scope, created_us, created_by, expires_us, revoked_us,"             \
    " last_used_us"

static int s_fail(fc_err_t *err)
{
    return err && err->code ? err->code : FC_ERR;
}

static void s_i64(char *buf, size_t n, long long v)
{
    snprintf(buf, n, "%lld", v);
}

/* A token row (columns S_TOKEN_COLS) into arena. */
static Fc__V1__Token *s_token_row(const PGresult *r, int row, fc_arena_t *arena)
{
    Fc__V1__Token *t = fc_arena_alloc(arena, sizeof *t);
    fc__v1__token__init(t);
    t->token_id = fc_arena_strdup(arena, fc_pg_str(r, row, 0));
    t->name = fc_arena_strdup(arena, fc_pg_str(r, row, 1));
    t->role = fc_arena_strdup(arena, fc_pg_str(r, row, 2));
    t->org_scope = fc_arena_strdup(arena, fc_pg_str(r, row, 3));
    t->created_us = fc_pg_int(r, row, 4);
    t->created_by = fc_arena_strdup(arena, fc_pg_str(r, row, 5));
    t->expires_us = fc_pg_int(r, row, 6);
    t->revoked_us = fc_pg_int(r, row, 7);
    t->last_used_us = fc_pg_int(r, row, 8);
    return t;
}

int gateway_store_token_insert(fc_pg_t *pg, const Fc__V1__Token *t, const uint8_t hash[32],
                               const char *message_id, fc_err_t *err)
{
    char created[24], expires[24];
    s_i64(created, sizeof created, t->created_us);
    s_i64(expires, sizeof expires, t->expires_us);
    const char *p[] = {t->token_id, t->name,       t->role, t->org_scope, (const char *)hash,
                       created,     t->created_by, expires, message_id};
    int lengths[] = {0, 0, 0, 0, 32, 0, 0, 0, 0};
    int formats[] = {0, 0, 0, 0, 1, 0, 0, 0, 0};
    PGresult *r = fc_pg_execb(pg,
                              "INSERT INTO token (token_id, name, role, org_scope, secret_sha256,"
                              " created_us, created_by, expires_us, create_message_id)"
                              " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                              " ON CONFLICT (create_message_id) DO NOTHING",
                              9, p, lengths, formats, err);
    if (!r)
        return s_fail(err);
    int inserted = atoi(PQcmdTuples(r)) == 1;
    PQclear(r);
    if (inserted)
        return FC_OK;
    const char *q[] = {message_id};
    r = fc_pg_exec(pg, "SELECT token_id FROM token WHERE create_message_id = $1", 1, q, err);
    if (!r)
        return s_fail(err);
    fc_err_set(err, FC_ECONFLICT, "message_id",
               "此请求已签发过令牌 %s，明文无法再次取得；如未保存，请吊销后重新签发",
               fc_pg_str(r, 0, 0));
    PQclear(r);
    return FC_ECONFLICT;
}

int gateway_store_token_revoke(fc_pg_t *pg, const char *token_id, const char *reason,
                               int64_t now_us, fc_arena_t *arena, Fc__V1__Token **out, int *changed,
                               fc_err_t *err)
{
    char now[24];
    s_i64(now, sizeof now, now_us);
    const char *p[] = {token_id, reason ? reason : "", now};
    /* the row as it was (FOR UPDATE), then the change if it is still in force */
    PGresult *r = fc_pg_exec(pg,
                             "WITH old AS (SELECT token_id, revoked_us FROM token"
                             "             WHERE token_id = $1 FOR UPDATE),"
                             " upd AS (UPDATE token t SET revoked_us = $3::bigint,"
                             "         revoke_reason = $2 FROM old"
                             "         WHERE t.token_id = old.token_id AND old.revoked_us = 0"
                             "         RETURNING t.token_id)"
                             " SELECT (SELECT count(*) FROM old), (SELECT count(*) FROM upd)",
                             3, p, err);
    if (!r)
        return s_fail(err);
    int found = fc_pg_int(r, 0, 0) > 0;
    *changed = fc_pg_int(r, 0, 1) > 0;
    PQclear(r);
    if (!found)
        return fc_err_set(err, FC_ENOTFOUND, "token_id", "令牌“%s”不存在", token_id);
    const char *q[] = {token_id};
    r = fc_pg_exec(pg, "SELECT " S_TOKEN_COLS " FROM token WHERE token_id = $1", 1, q, err);
    if (!r)
        return s_fail(err);
    *out = PQntuples(r) == 1 ? s_token_row(r, 0, arena) : NULL;
    PQclear(r);
    return *out ? FC_OK : fc_err_set(err, FC_ENOTFOUND, "token_id", "令牌“%s”不存在", token_id);
}

int gateway_store_token_list(fc_pg_t *pg, int include_revoked, fc_arena_t *arena,
                             Fc__V1__Token ***out, size_t *n_out, fc_err_t *err)
{
    const char *p[] = {include_revoked ? "true" : "false"};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT " S_TOKEN_COLS " FROM token"
                             " WHERE $1::boolean OR revoked_us = 0"
                             " ORDER BY created_us DESC, token_id DESC",
                             1, p, err);
    if (!r)
        return s_fail(err);
    size_t n = (size_t)PQntuples(r);
    *out = fc_arena_alloc(arena, (n ? n : 1) * sizeof **out);
    for (size_t i = 0; i < n; i++)
        (*out)[i] = s_token_row(r, (int)i, arena);
    *n_out = n;
    PQclear(r);
    return FC_OK;
}

int gateway_store_token_lookup(fc_pg_t *pg, const uint8_t hash[32], gateway_principal_t *out,
                               fc_err_t *err)
{
    const char *p[] = {(const char *)hash};
    int lengths[] = {32};
    int formats[] = {1};
    PGresult *r = fc_pg_execb(pg,
                              "SELECT token_id, name, role, org_scope, expires_us, revoked_us,"
                              " last_used_us FROM token WHERE secret_sha256 = $1",
                              1, p, lengths, formats, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) != 1) {
        rc = fc_err_set(err, FC_ENOTFOUND, "authorization", "令牌无效");
    } else {
        memset(out, 0, sizeof *out);
        snprintf(out->token_id, sizeof out->token_id, "%s", fc_pg_str(r, 0, 0));
        snprintf(out->name, sizeof out->name, "%s", fc_pg_str(r, 0, 1));
        snprintf(out->role, sizeof out->role, "%s", fc_pg_str(r, 0, 2));
        snprintf(out->org_scope, sizeof out->org_scope, "%s", fc_pg_str(r, 0, 3));
        out->expires_us = fc_pg_int(r, 0, 4);
        out->revoked_us = fc_pg_int(r, 0, 5);
        out->last_used_us = fc_pg_int(r, 0, 6);
    }
    PQclear(r);
    return rc;
}

int gateway_store_token_touch(fc_pg_t *pg, const char *token_id, int64_t now_us, fc_err_t *err)
{
    char now[24];
    s_i64(now, sizeof now, now_us);
    const char *p[] = {token_id, now};
    return fc_pg_cmd(pg,
                     "UPDATE token SET last_used_us = $2::bigint"
                     " WHERE token_id = $1 AND last_used_us < $2::bigint",
                     2, p, NULL, err);
}

int gateway_store_org_upsert(fc_pg_t *pg, const char *org_code, const char *name, int64_t at_us,
                             fc_err_t *err)
{
    char at[24];
    s_i64(at, sizeof at, at_us);
    const char *p[] = {org_code, name, at};
    return fc_pg_cmd(pg,
                     "INSERT INTO org_unit (org_code, name, updated_us) VALUES ($1, $2, $3::bigint)"
                     " ON CONFLICT (org_code) DO UPDATE SET name = EXCLUDED.name,"
                     " updated_us = EXCLUDED.updated_us"
                     " WHERE org_unit.updated_us <= EXCLUDED.updated_us",
                     3, p, NULL, err);
}

int gateway_store_org_name(fc_pg_t *pg, const char *org_code, fc_arena_t *arena, char **name_out,
                           fc_err_t *err)
{
    const char *p[] = {org_code};
    PGresult *r = fc_pg_exec(pg, "SELECT name FROM org_unit WHERE org_code = $1", 1, p, err);
    if (!r)
        return s_fail(err);
    *name_out = fc_arena_strdup(arena, PQntuples(r) == 1 ? fc_pg_str(r, 0, 0) : "");
    PQclear(r);
    return FC_OK;
}

int gateway_store_audit_insert(fc_pg_t *pg, const gateway_audit_row_t *row, fc_err_t *err)
{
    char at[24], status[16];
    s_i64(at, sizeof at, row->at_us);
    s_i64(status, sizeof status, row->status);
    const char *p[] = {at,
                       row->token_id,
                       row->actor,
                       row->role,
                       row->org_scope,
                       row->method,
                       row->operation,
                       row->message_id,
                       row->subjects_json ? row->subjects_json : "[]",
                       row->record_json ? row->record_json : "{}",
                       row->remote_addr ? row->remote_addr : "",
                       row->user_agent ? row->user_agent : "",
                       row->phase,
                       status,
                       row->error_code ? row->error_code : ""};
    return fc_pg_cmd(pg,
                     "INSERT INTO audit_log (at_us, token_id, actor, role, org_scope, method,"
                     " operation, message_id, subjects, record, remote_addr, user_agent, phase,"
                     " status, error_code)"
                     " VALUES ($1::bigint, $2, $3, $4, $5, $6, $7, $8,"
                     " ARRAY(SELECT jsonb_array_elements_text($9::jsonb)), $10::jsonb, $11,"
                     " $12, $13, $14::integer, $15)",
                     15, p, NULL, err);
}

int gateway_store_audit_query(fc_pg_t *pg, const Fc__V1__AuditQueryRequest *q, fc_arena_t *arena,
                              Fc__V1__AuditEntry ***out, size_t *n_out, fc_err_t *err)
{
    char since[24], limit[16];
    s_i64(since, sizeof since, q->since_us);
    s_i64(limit, sizeof limit, q->limit > 0 ? q->limit : 100);
    const char *p[] = {q->employee_no, q->token_id, since, limit};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT audit_id, at_us, token_id, actor, role, org_scope, method,"
                             " operation, message_id, array_to_json(subjects)::text,"
                             " record::text, remote_addr, user_agent, phase, status, error_code"
                             " FROM audit_log"
                             " WHERE ($1 = '' OR subjects @> ARRAY[$1]::text[])"
                             " AND ($2 = '' OR token_id = $2) AND at_us >= $3::bigint"
                             " ORDER BY audit_id DESC LIMIT $4::integer",
                             4, p, err);
    if (!r)
        return s_fail(err);
    size_t n = (size_t)PQntuples(r);
    *out = fc_arena_alloc(arena, (n ? n : 1) * sizeof **out);
    for (size_t i = 0; i < n; i++) {
        int row = (int)i;
        Fc__V1__AuditEntry *e = fc_arena_alloc(arena, sizeof *e);
        fc__v1__audit_entry__init(e);
        e->audit_id = fc_pg_int(r, row, 0);
        e->at_us = fc_pg_int(r, row, 1);
        e->token_id = fc_arena_strdup(arena, fc_pg_str(r, row, 2));
        e->actor = fc_arena_strdup(arena, fc_pg_str(r, row, 3));
        e->role = fc_arena_strdup(arena, fc_pg_str(r, row, 4));
        e->org_scope = fc_arena_strdup(arena, fc_pg_str(r, row, 5));
        e->method = fc_arena_strdup(arena, fc_pg_str(r, row, 6));
        e->operation = fc_arena_strdup(arena, fc_pg_str(r, row, 7));
        e->message_id = fc_arena_strdup(arena, fc_pg_str(r, row, 8));
        /* subjects: a JSON array of strings from PostgreSQL itself */
        json_error_t jerr;
        json_t *subs = json_loads(fc_pg_str(r, row, 9), 0, &jerr);
        size_t ns = json_array_size(subs);
        e->subjects = fc_arena_alloc(arena, (ns ? ns : 1) * sizeof *e->subjects);
        for (size_t k = 0; k < ns; k++)
            e->subjects[k] = fc_arena_strdup(arena, json_string_value(json_array_get(subs, k))
                                                        ? json_string_value(json_array_get(subs, k))
                                                        : "");
        e->n_subjects = ns;
        json_decref(subs);
        e->record = fc_arena_strdup(arena, fc_pg_str(r, row, 10));
        e->remote_addr = fc_arena_strdup(arena, fc_pg_str(r, row, 11));
        e->user_agent = fc_arena_strdup(arena, fc_pg_str(r, row, 12));
        e->phase = fc_arena_strdup(arena, fc_pg_str(r, row, 13));
        e->status = (int32_t)fc_pg_int(r, row, 14);
        e->error_code = fc_arena_strdup(arena, fc_pg_str(r, row, 15));
        (*out)[i] = e;
    }
    *n_out = n;
    PQclear(r);
    return FC_OK;
}

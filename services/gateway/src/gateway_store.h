/* gateway_store: the gateway's SQL (schema gateway): tokens, the audit log and the org units'
 * names. Used by the
 * service thread (token commands, audit queries) and by each HTTP worker thread on its own
 * connection (token lookup per request, audit rows). */
#ifndef GATEWAY_STORE_H
#define GATEWAY_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "fc/v1/gateway.pb-c.h"
#include "fc_err.h"
#include "fc_mem.h"
#include "fc_pg.h"

/* The caller of an HTTP request, from its token. */
typedef struct {
    char token_id[32];
    char name[808];
    char role[24];
    char org_scope[40];
    int64_t expires_us;
    int64_t revoked_us;
    int64_t last_used_us;
} gateway_principal_t;

/* One audit row; strings are borrowed. subjects_json is a JSON array of employee numbers,
 * record_json a JSON object of other record keys. */
typedef struct {
    int64_t at_us;
    const char *token_id, *actor, *role, *org_scope;
    const char *method, *operation, *message_id;
    const char *subjects_json, *record_json;
    const char *remote_addr, *user_agent;
    const char *phase; /* "attempt" | "result" */
    int status;
    const char *error_code;
} gateway_audit_row_t;

/* Inserts a token (t->token_id etc. set by the caller) with the secret's hash, made by the
 * command with message_id. If that command already made one: FC_ECONFLICT naming it. */
int gateway_store_token_insert(fc_pg_t *pg, const Fc__V1__Token *t, const uint8_t hash[32],
                               const char *message_id, fc_err_t *err);
/* Marks a token revoked at now (once). *out is the token after, in arena; *changed 0 if it was
 * already revoked. FC_ENOTFOUND naming token_id if there is no such token. */
int gateway_store_token_revoke(fc_pg_t *pg, const char *token_id, const char *reason,
                               int64_t now_us, fc_arena_t *arena, Fc__V1__Token **out, int *changed,
                               fc_err_t *err);
/* Every token, newest first, in arena. */
int gateway_store_token_list(fc_pg_t *pg, int include_revoked, fc_arena_t *arena,
                             Fc__V1__Token ***out, size_t *n_out, fc_err_t *err);
/* The token whose secret hashes to hash; FC_ENOTFOUND if none (revoked and expired tokens are
 * returned: the caller decides, so it can say why). */
int gateway_store_token_lookup(fc_pg_t *pg, const uint8_t hash[32], gateway_principal_t *out,
                               fc_err_t *err);
/* Records that the token was used at now (the caller rate-limits this to once a minute). */
int gateway_store_token_touch(fc_pg_t *pg, const char *token_id, int64_t now_us, fc_err_t *err);

/* Keeps an org unit's name (from intake's org_upserted event); an older event than the name
 * stored changes nothing. */
int gateway_store_org_upsert(fc_pg_t *pg, const char *org_code, const char *name, int64_t at_us,
                             fc_err_t *err);
/* The name of an org unit into arena; "" (FC_OK) when the gateway has not seen it. */
int gateway_store_org_name(fc_pg_t *pg, const char *org_code, fc_arena_t *arena, char **name_out,
                           fc_err_t *err);

/* Appends one audit row (its own statement: autocommit). */
int gateway_store_audit_insert(fc_pg_t *pg, const gateway_audit_row_t *row, fc_err_t *err);
/* Audit entries matching q, newest first, in arena. */
int gateway_store_audit_query(fc_pg_t *pg, const Fc__V1__AuditQueryRequest *q, fc_arena_t *arena,
                              Fc__V1__AuditEntry ***out, size_t *n_out, fc_err_t *err);

#endif

/* gateway_server: token commands and audit queries. Only the group administrator (through the
 * API) or a group-wide service caller (fcctl on the internal network) may use them. Also
 * gateway.whoami (anyone: the caller itself) and the org units' names from intake's events. */
#include "gateway_server.h"
#include "gateway_rules.h"
#include "gateway_store.h"
#include "gateway_token.h"
#include "fc/v1/gateway.pb-c.h"
#include "fc/v1/intake.pb-c.h"
#include "fc_clock.h"
#include "fc_id.h"
#include "fc_log.h"

#include <sodium.h>
#include <string.h>

static int s_check_admin(const fc_call_t *call, fc_err_t *err)
{
    const char *role = fc_call_role(call);
    if ((strcmp(role, "service") == 0 && !*fc_call_scope(call)) || strcmp(role, "group_admin") == 0)
        return FC_OK;
    return fc_err_set(err, FC_EDENIED, "role", "只有集团管理员可以管理令牌和查看审计日志");
}

static int handle_token_create(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__TokenCreateRequest *req = (const Fc__V1__TokenCreateRequest *)call->request;
    int64_t now = fc_clock_now_us();
    int rc = s_check_admin(call, err);
    if (rc == FC_OK)
        rc = gateway_rules_token_create(req, now, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__TokenCreateReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__token_create_reply__init(reply);
    Fc__V1__Token *t = fc_arena_alloc(call->arena, sizeof *t);
    fc__v1__token__init(t);
    char *id = fc_arena_alloc(call->arena, FC_ID_LEN + 1);
    fc_id_new(id);
    char *secret = fc_arena_alloc(call->arena, GATEWAY_TOKEN_SECRET_LEN);
    uint8_t hash[32];
    if (gateway_token_generate(secret, hash) != 0)
        return fc_err_set(err, FC_ERR, NULL, "could not initialise libsodium");
    t->token_id = id;
    t->name = req->name;
    t->role = req->role;
    t->org_scope = req->org_scope;
    t->created_us = now;
    t->created_by = (char *)(*fc_call_actor(call) ? fc_call_actor(call) : "unknown");
    t->expires_us = req->expires_us;
    rc = gateway_store_token_insert(fc_service_pg(svc), t, hash, call->env->message_id, err);
    sodium_memzero(hash, sizeof hash);
    if (rc != FC_OK)
        return rc;
    reply->token = t;
    reply->secret = secret;
    call->reply = &reply->base;
    fc_log_info("token.created", "token_id", FC_LS(id), "role", FC_LS(req->role), "org_scope",
                FC_LS(req->org_scope), "by", FC_LS(t->created_by), NULL);
    return FC_OK;
}

static int handle_token_revoke(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__TokenRevokeRequest *req = (const Fc__V1__TokenRevokeRequest *)call->request;
    int rc = s_check_admin(call, err);
    if (rc == FC_OK)
        rc = gateway_rules_token_revoke(req, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__TokenRevokeReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__token_revoke_reply__init(reply);
    int changed = 0;
    rc = gateway_store_token_revoke(fc_service_pg(svc), req->token_id, req->reason,
                                    fc_clock_now_us(), call->arena, &reply->token, &changed, err);
    if (rc != FC_OK)
        return rc;
    reply->changed = changed;
    call->reply = &reply->base;
    fc_log_info("token.revoked", "token_id", FC_LS(req->token_id), "changed", FC_LI(changed), "by",
                FC_LS(fc_call_actor(call)), NULL);
    return FC_OK;
}

static int handle_token_list(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__TokenListRequest *req = (const Fc__V1__TokenListRequest *)call->request;
    int rc = s_check_admin(call, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__TokenListReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__token_list_reply__init(reply);
    rc = gateway_store_token_list(fc_service_pg(svc), req->include_revoked, call->arena,
                                  &reply->tokens, &reply->n_tokens, err);
    if (rc != FC_OK)
        return rc;
    call->reply = &reply->base;
    return FC_OK;
}

static int handle_audit_query(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__AuditQueryRequest *req = (const Fc__V1__AuditQueryRequest *)call->request;
    int rc = s_check_admin(call, err);
    if (rc == FC_OK)
        rc = gateway_rules_audit_query(req, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__AuditQueryReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__audit_query_reply__init(reply);
    rc = gateway_store_audit_query(fc_service_pg(svc), req, call->arena, &reply->entries,
                                   &reply->n_entries, err);
    if (rc != FC_OK)
        return rc;
    call->reply = &reply->base;
    return FC_OK;
}

/* The caller as the envelope names it (the HTTP side put the token's name, role and scope
 * there), with the name of its unit. */
static int handle_whoami(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    Fc__V1__WhoamiReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__whoami_reply__init(reply);
    reply->name = fc_arena_strdup(call->arena, fc_call_actor(call));
    reply->role = fc_arena_strdup(call->arena, fc_call_role(call));
    reply->org_scope = fc_arena_strdup(call->arena, fc_call_scope(call));
    if (*reply->org_scope) {
        int rc = gateway_store_org_name(fc_service_pg(svc), reply->org_scope, call->arena,
                                        &reply->org_name, err);
        if (rc != FC_OK)
            return rc;
    }
    call->reply = &reply->base;
    return FC_OK;
}

int gateway_server_on_intake(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err)
{
    (void)app;
    if (strcmp(ev->type, "intake.org_upserted") != 0)
        return FC_OK; /* the gateway keeps only the units' names */
    Fc__V1__OrgUpserted *m =
        (Fc__V1__OrgUpserted *)fc_event_decode(ev, &fc__v1__org_upserted__descriptor, err);
    if (!m)
        return FC_EINVAL;
    int rc;
    if (!m->unit || !gateway_rules_code(m->unit->org_code))
        rc = fc_err_set(err, FC_EINVAL, "unit.org_code", "org_upserted without a valid org code");
    else
        rc = gateway_store_org_upsert(pg, m->unit->org_code, m->unit->name ? m->unit->name : "",
                                      m->at_us ? m->at_us : ev->at_us, err);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    return rc;
}

const fc_route_t gateway_server_routes[] = {
    /* not FC_ROUTE_WRITE: a stored reply would keep the secret. One INSERT, made once per
     * message id by the token table's own unique key. */
    {"gateway.token_create", &fc__v1__token_create_request__descriptor, handle_token_create, 0},
    {"gateway.token_revoke", &fc__v1__token_revoke_request__descriptor, handle_token_revoke,
     FC_ROUTE_WRITE},
    {"gateway.token_list", &fc__v1__token_list_request__descriptor, handle_token_list, 0},
    {"gateway.audit_query", &fc__v1__audit_query_request__descriptor, handle_audit_query, 0},
    {"gateway.whoami", &fc__v1__whoami_request__descriptor, handle_whoami, 0},
};
const size_t gateway_server_nroutes =
    sizeof gateway_server_routes / sizeof gateway_server_routes[0];

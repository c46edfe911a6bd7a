/* gateway_api: the steps of an API request, each refusing with a JSON error naming the field. */
#include "gateway_api.h"
#include "gateway_audit.h"
#include "gateway_query.h"
#include "gateway_store.h"
#include "gateway_token.h"
#include "fc_clock.h"
#include "fc_health.h"
#include "fc_id.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "fc_pb.h"
#include "fc_pbjson.h"
#include "fc_rpc.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S_TOUCH_EVERY_US (60 * FC_US_PER_S) /* last_used_us is refreshed at most this often */
#define S_AUDIT_MAX_SUBJECTS 20000
#define S_HEALTH_TIMEOUT_MS 1000

/* The caller, once the token is known. */
typedef struct {
    gateway_principal_t who;
    const char *remote;
    char agent[208];
} s_caller_t;

/* ---- replies ------------------------------------------------------------------------ */

void gateway_api_error(gateway_reply_t *out, unsigned status, const char *code, const char *field,
                       const char *fmt, ...)
{
    char msg[FC_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_decref(out->body);
    out->status = status;
    out->body = json_pack("{s:{s:s, s:s, s:s}}", "error", "code", code, "message", msg, "field",
                          field ? field : "");
    if (!out->body) /* a service's message that is not UTF-8: never lose the error itself */
        out->body = json_pack("{s:{s:s, s:s, s:s}}", "error", "code", code, "message", "请求失败",
                              "field", "");
}

void gateway_reply_fini(gateway_reply_t *out)
{
    json_decref(out->body);
    free(out->text);
    out->body = NULL;
    out->text = NULL;
}

static unsigned s_status_of(int code)
{
    switch (code) {
    case FC_EINVAL:
        return 400;
    case FC_ENOTFOUND:
        return 404;
    case FC_EDENIED:
        return 403;
    case FC_ECONFLICT:
    case FC_EDUP:
    case FC_ELEASE:
        return 409;
    case FC_ETOOBIG:
        return 413;
    case FC_ETIMEOUT:
        return 504;
    case FC_EAGAIN:
    case FC_EUNAVAIL:
        return 503;
    default:
        return 500;
    }
}

/* fc_pbjson speaks English to programmers; users read Simplified Chinese. */
static void s_zh_field_error(fc_err_t *err)
{
    static const struct {
        const char *en, *zh;
    } table[] = {
        {"unknown field", "未知字段"},
        {"expected an integer", "应为整数"},
        {"expected an array", "应为数组"},
        {"expected true or false", "应为 true 或 false"},
        {"expected a string", "应为字符串"},
        {"expected a number", "应为数字"},
        {"expected base64 text", "应为 base64 文本"},
        {"text is not valid UTF-8 without NUL", "文本须为不含 NUL 字符的有效 UTF-8"},
        {"expected a JSON object", "应为 JSON 对象"},
        {"not a value of", "不是允许的枚举值"},
        {"unsupported field type", "不支持的字段类型"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strncmp(err->message, table[i].en, strlen(table[i].en)) == 0) {
            snprintf(err->message, sizeof err->message, "%s", table[i].zh);
            return;
        }
    long long v;
    if (sscanf(err->message, "%lld is out of range", &v) == 1)
        snprintf(err->message, sizeof err->message, "%lld 超出取值范围", v);
}

/* ---- the caller ----------------------------------------------------------------------- */

/* Token → principal. 0 when the caller may go on; otherwise out holds the refusal. */
static int s_authenticate(gateway_worker_t *w, const gateway_request_t *req, s_caller_t *c,
                          gateway_reply_t *out)
{
    const char *secret = gateway_token_from_header(req->authorization);
    uint8_t hash[32];
    if (!secret) {
        gateway_api_error(out, 401, "EAUTH", "authorization",
                          "缺少访问令牌（Authorization: Bearer fct_...）");
        return -1;
    }
    if (gateway_token_hash(secret, hash) != 0) {
        gateway_api_error(out, 401, "EAUTH", "authorization", "访问令牌格式不对");
        return -1;
    }
    fc_err_t err;
    fc_err_clear(&err);
    fc_pg_t *pg = gateway_worker_pg(w, &err);
    int rc = pg ? gateway_store_token_lookup(pg, hash, &c->who, &err) : FC_EUNAVAIL;
    if (rc == FC_ENOTFOUND) {
        gateway_api_error(out, 401, "EAUTH", "authorization", "访问令牌无效");
        return -1;
    }
    if (rc != FC_OK) {
        fc_log_warn("http.token_lookup_failed", "error", FC_LS(err.message), NULL);
        gateway_api_error(out, 503, "EUNAVAIL", "", "认证暂不可用，请稍后重试");
        out->retry_after_s = 1;
        return -1;
    }
    int64_t now = fc_clock_now_us();
    if (c->who.revoked_us) {
        gateway_api_error(out, 401, "EAUTH", "authorization", "访问令牌已吊销");
        return -1;
    }
    if (c->who.expires_us && c->who.expires_us <= now) {
        gateway_api_error(out, 401, "EAUTH", "authorization", "访问令牌已过期");
        return -1;
    }
    if (now - c->who.last_used_us > S_TOUCH_EVERY_US &&
        gateway_store_token_touch(pg, c->who.token_id, now, &err) != FC_OK)
        fc_log_warn("http.token_touch_failed", "error", FC_LS(err.message), NULL);
    return 0;
}

/* ---- the request message ------------------------------------------------------------- */

/* The request as a message of route->request, from the JSON body (POST) or the query (GET).
 * NULL with out set to a 400 naming the field. */
static ProtobufCMessage *s_request_message(const gateway_request_t *req, int is_get,
                                           gateway_reply_t *out)
{
    const gateway_route_t *route = req->route;
    fc_err_t err;
    fc_err_clear(&err);
    json_t *json = NULL;
    ProtobufCMessage *msg = NULL;
    if (is_get) {
        json = gateway_query_to_json(route->request, req->nargs, req->keys, req->values, &err);
    } else if (req->body_len == 0) {
        json = json_object(); /* an empty body is the empty message */
    } else {
        json_error_t jerr;
        json = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
        if (!json) {
            gateway_api_error(out, 400, "EINVAL", "body",
                              "请求体不是有效的 JSON：第 %d 行第 %d 列：%s", jerr.line, jerr.column,
                              jerr.text);
            return NULL;
        }
        if (!json_is_object(json))
            fc_err_set(&err, FC_EINVAL, "body", "expected a JSON object");
    }
    if (json && !err.code)
        msg = fc_pbjson_to_message(route->request, json, &err);
    json_decref(json);
    if (!msg) {
        s_zh_field_error(&err);
        gateway_api_error(out, 400, "EINVAL", err.field, "%s", err.message);
    }
    return msg;
}

/* The envelope's message id: from Idempotency-Key (scoped to the token, so one caller can never
 * replay another's stored reply), else a new one. 0, or -1 with out set. */
static int s_message_id(const gateway_request_t *req, const s_caller_t *c, char *id, size_t n,
                        gateway_reply_t *out)
{
    const char *key = req->idempotency_key;
    if (!key || !(req->route->flags & GW_WRITE)) {
        char ulid[FC_ID_LEN + 1];
        fc_id_new(ulid);
        snprintf(id, n, "%s", ulid);
        return 0;
    }
    size_t len = strlen(key);
    int ok = len >= 1 && len <= 128;
    for (const char *p = key; ok && *p; p++)
        ok = *p > 0x20 && *p < 0x7f;
    if (!ok) {
        gateway_api_error(out, 400, "EINVAL", "Idempotency-Key",
                          "Idempotency-Key 须为 1 到 128 个可打印 ASCII 字符");
        return -1;
    }
    crypto_hash_sha256_state st;
    uint8_t h[32];
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)c->who.token_id, strlen(c->who.token_id));
    crypto_hash_sha256_update(&st, (const uint8_t *)"\n", 1);
    crypto_hash_sha256_update(&st, (const uint8_t *)key, len);
    crypto_hash_sha256_final(&st, h);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, h, 20);
    snprintf(id, n, "ik%s", hex);
    return 0;
}

/* ---- audit -------------------------------------------------------------------------- */

static int s_audit(const gateway_api_t *api, gateway_worker_t *w, const s_caller_t *c,
                   const gateway_request_t *req, const char *msg_id,
                   const gateway_audit_keys_t *keys, const char *phase, unsigned status,
                   const char *error_code)
{
    char *subjects = gateway_audit_keys_subjects_json(keys);
    char *record = gateway_audit_keys_record_json(keys);
    gateway_audit_row_t row = {
        fc_clock_now_us(), c->who.token_id,  c->who.name, c->who.role, c->who.org_scope,
        req->method,       req->route->type, msg_id,      subjects,    record,
        c->remote,         c->agent,         phase,       (int)status, error_code};
    fc_err_t err;
    fc_err_clear(&err);
    fc_pg_t *pg = gateway_worker_pg(w, &err);
    int rc = pg ? gateway_store_audit_insert(pg, &row, &err) : FC_EUNAVAIL;
    if (rc != FC_OK) {
        gateway_metrics_count_audit_failure(api->metrics);
        fc_log_error("audit.write_failed", "operation", FC_LS(req->route->type), "message_id",
                     FC_LS(msg_id), "error", FC_LS(err.message), NULL);
    }
    free(subjects);
    free(record);
    return rc;
}

/* ---- one API request ------------------------------------------------------------------ */

/* One round trip to the service: the reply message (type checked against the route), or an
 * FC_E* code with err (the service's error reply, or the transport's). */
static int s_call(fc_rpc_client_t *client, const gateway_route_t *route, const s_caller_t *c,
                  const ProtobufCMessage *req, const char *msg_id, ProtobufCMessage **reply_out,
                  fc_err_t *err)
{
    size_t plen = 0, elen = 0;
    uint8_t *payload = fc_pb_pack(req, &plen);
    uint8_t *env = fc_rpc_pack_request(route->type, msg_id, c->who.name, c->who.role,
                                       c->who.org_scope, fc_clock_now_us(), payload, plen, &elen);
    free(payload);
    Fc__V1__Envelope *reply = NULL;
    int rc = fc_rpc_call_envelope(client, env, elen, msg_id, &reply, err);
    free(env);
    if (rc != FC_OK)
        return rc;
    if (reply->error) {
        rc = fc_err_set(err, reply->error->code ? reply->error->code : FC_ERR, reply->error->field,
                        "%s", reply->error->message ? reply->error->message : "");
    } else if (reply->type && *reply->type && strcmp(reply->type, route->reply->name) != 0) {
        /* the route table and the service disagree: never show one message as another */
        fc_log_error("http.reply_type_mismatch", "operation", FC_LS(route->type), "expected",
                     FC_LS(route->reply->name), "got", FC_LS(reply->type), NULL);
        rc = fc_err_set(err, FC_ERR, "", "服务答复的消息类型与接口不符");
    } else {
        *reply_out = fc_pb_unpack(route->reply, reply->payload.data, reply->payload.len,
                                  FC_RPC_MAX_FRAME, NULL, "reply", err);
        rc = *reply_out ? FC_OK : FC_ERR;
    }
    fc__v1__envelope__free_unpacked(reply, NULL);
    return rc;
}

/* Calls the service; on success *reply_out is its reply message. Otherwise out is set. */
static void s_forward(gateway_worker_t *w, const gateway_route_t *route, const s_caller_t *c,
                      const ProtobufCMessage *req, const char *msg_id, ProtobufCMessage **reply_out,
                      gateway_reply_t *out)
{
    char service[32];
    gateway_route_service(route, service, sizeof service);
    fc_err_t err;
    fc_err_clear(&err);
    fc_rpc_client_t *client = gateway_worker_client(w, service, &err);
    int rc = client ? s_call(client, route, c, req, msg_id, reply_out, &err) : FC_EUNAVAIL;
    if (rc == FC_OK)
        return;
    if ((rc == FC_ETIMEOUT || rc == FC_EUNAVAIL) &&
        (!client || strcmp(err.field, "endpoint") == 0)) {
        /* the transport, not the service: say which service and what to do */
        fc_log_warn("http.upstream_failed", "service", FC_LS(service), "operation",
                    FC_LS(route->type), "error", FC_LS(err.message), NULL);
        if (rc == FC_ETIMEOUT) {
            gateway_api_error(
                out, 504, "ETIMEOUT", "", "服务 %s 未在时限内答复%s", service,
                route->flags & GW_WRITE ? "；可用同一 Idempotency-Key 重试，不会重复执行" : "");
        } else {
            gateway_api_error(out, 503, "EUNAVAIL", "", "服务 %s 暂不可用", service);
            out->retry_after_s = 1;
        }
        return;
    }
    gateway_api_error(out, s_status_of(rc), fc_err_name(rc), err.field, "%s", err.message);
    if (rc == FC_EAGAIN || rc == FC_EUNAVAIL)
        out->retry_after_s = 1;
}

void gateway_api_handle(const gateway_api_t *api, gateway_worker_t *w, const gateway_request_t *req,
                        gateway_reply_t *out)
{
    const gateway_route_t *route = req->route;
    int is_get = strcmp(req->method, "GET") == 0;
    int write = (route->flags & GW_WRITE) != 0;
    int audited = write || (route->flags & GW_SENSITIVE);
    s_caller_t c;
    memset(&c, 0, sizeof c);
    c.remote = req->remote ? req->remote : "";
    ProtobufCMessage *msg = NULL, *reply = NULL;
    gateway_audit_keys_t keys;
    gateway_audit_keys_init(&keys, S_AUDIT_MAX_SUBJECTS);
    char msg_id[72] = "";

    if (strcmp(req->method, "POST") != 0 && !(is_get && !write)) {
        gateway_api_error(out, 405, "EMETHOD", "method",
                          write ? "写操作只接受 POST" : "只接受 GET 或 POST");
        out->allow = write ? "POST" : "GET, POST";
        goto out;
    }
    if (req->too_big) {
        gateway_api_error(out, 413, "ETOOBIG", "body", "请求体超过 %zu 字节", api->max_body);
        goto out;
    }
    if (s_authenticate(w, req, &c, out) != 0)
        goto out;
    if (gateway_role_parse(c.who.role) < route->min_role) {
        gateway_api_error(out, 403, "EDENIED", "role", "角色 %s 不能调用 %s（至少需要 %s）",
                          c.who.role, route->type, gateway_role_name(route->min_role));
        goto out;
    }
    int retry_after = 0;
    if (!gateway_rate_take(api->rate, c.who.token_id, fc_clock_mono_ms(), &retry_after)) {
        gateway_api_error(out, 429, "ERATE", "", "请求过于频繁，请 %d 秒后重试", retry_after);
        out->retry_after_s = retry_after;
        goto out;
    }
    if (!(msg = s_request_message(req, is_get, out)))
        goto out;
    if (s_message_id(req, &c, msg_id, sizeof msg_id, out) != 0)
        goto out;
    snprintf(out->request_id, sizeof out->request_id, "%s", msg_id);
    if (req->user_agent && fc_utf8_valid(req->user_agent, strlen(req->user_agent)))
        snprintf(c.agent, sizeof c.agent, "%s", req->user_agent);
    if (audited)
        gateway_audit_keys_add(&keys, msg);
    /* a write is on record before it is attempted: no change without an audit row */
    if (write && s_audit(api, w, &c, req, msg_id, &keys, "attempt", 0, "") != FC_OK) {
        gateway_api_error(out, 503, "EUNAVAIL", "", "审计日志暂不可写，请求未执行");
        out->retry_after_s = 1;
        goto out;
    }
    s_forward(w, route, &c, msg, msg_id, &reply, out);
    if (reply) {
        out->status = 200;
        json_decref(out->body);
        out->body = fc_pbjson_from_message(reply);
        if (route->flags & GW_SENSITIVE)
            gateway_audit_keys_add(&keys, reply);
    }
    if (audited) {
        const char *code =
            json_string_value(json_object_get(json_object_get(out->body, "error"), "code"));
        int rc = s_audit(api, w, &c, req, msg_id, &keys, "result", out->status, code ? code : "");
        /* sensitive data leaves only once its reading is on record */
        if (rc != FC_OK && !write && reply)
            gateway_api_error(out, 503, "EUNAVAIL", "", "审计日志暂不可写，不能提供此数据");
    }
out:
    if (reply)
        protobuf_c_message_free_unpacked(reply, NULL);
    if (msg)
        protobuf_c_message_free_unpacked(msg, NULL);
    gateway_audit_keys_fini(&keys);
}

/* ---- operations ---------------------------------------------------------------------- */

void gateway_api_healthz(gateway_worker_t *w, gateway_reply_t *out)
{
    int ok = 0;
    json_t *all = fc_health_all(gateway_worker_zmq(w), NULL, S_HEALTH_TIMEOUT_MS, &ok);
    out->status = ok ? 200 : 503;
    json_decref(out->body);
    out->body = json_pack("{s:b, s:o}", "ok", ok, "services", all);
}

void gateway_api_metrics(const gateway_api_t *api, gateway_worker_t *w, gateway_reply_t *out)
{
    int ok = 0;
    json_t *all = fc_health_all(gateway_worker_zmq(w), NULL, S_HEALTH_TIMEOUT_MS, &ok);
    fc_buf_t b;
    fc_buf_init(&b);
    gateway_metrics_render(api->metrics, &b, all, gateway_rate_refused(api->rate),
                           api->queue_depth ? api->queue_depth(api->queue_cls) : 0);
    json_decref(all);
    fc_buf_append(&b, "", 1);
    out->status = 200;
    out->text = b.data;
    out->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

/* gateway_openapi: paths from gateway_routes, schemas from protobuf-c descriptors. */
#include "gateway_openapi.h"
#include "gateway_routes.h"
#include "fc_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Error statuses every API route can answer, with what each means. */
static const struct {
    const char *status, *text;
} s_errors[] = {
    {"400", "请求有误：JSON 无法解析、未知字段、类型错误或取值不合规则（field 指出字段）"},
    {"401", "未提供有效令牌（缺失、格式不对、未知、已吊销或已过期）"},
    {"403", "令牌角色不足，或记录不在令牌的组织范围内"},
    {"404", "记录不存在"},
    {"409", "状态冲突（如非法的状态转换、重复提交）"},
    {"413", "请求体过大"},
    {"429", "超出此令牌的请求频率；Retry-After 给出等待秒数"},
    {"503", "服务暂不可用（未连接或数据库不可用）；稍后重试"},
    {"504", "服务未在时限内答复；写操作可用同一 Idempotency-Key 重试"},
};

static const char *s_ref_name(const ProtobufCMessageDescriptor *d)
{
    return d->name; /* "fc.v1.PersonGetRequest" */
}

static json_t *s_ref(const ProtobufCMessageDescriptor *d)
{
    char *ref = fc_xasprintf("#/components/schemas/%s", s_ref_name(d));
    json_t *j = json_pack("{s:s}", "$ref", ref);
    free(ref);
    return j;
}

static json_t *s_field_schema(const ProtobufCFieldDescriptor *f, json_t *schemas);

/* Adds d (and every message it uses) to schemas once. */
static void s_add_message(const ProtobufCMessageDescriptor *d, json_t *schemas)
{
    if (json_object_get(schemas, s_ref_name(d)))
        return;
    json_t *props = json_object();
    json_t *schema = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props,
                               "additionalProperties", 0);
    json_object_set_new(schemas, s_ref_name(d), schema); /* before recursing: cycles */
    /* fields in field-number order */
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        json_t *fs = s_field_schema(f, schemas);
        if (f->label == PROTOBUF_C_LABEL_REPEATED)
            fs = json_pack("{s:s, s:o}", "type", "array", "items", fs);
        json_object_set_new(props, f->name, fs);
    }
}

static json_t *s_field_schema(const ProtobufCFieldDescriptor *f, json_t *schemas)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
        return json_pack("{s:s, s:s}", "type", "integer", "format", "int32");
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        return json_pack("{s:s, s:s, s:i}", "type", "integer", "format", "int64", "minimum", 0);
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        return json_pack("{s:s, s:s}", "type", "integer", "format", "int64");
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        return json_pack("{s:s, s:s, s:i}", "type", "integer", "format", "int64", "minimum", 0);
    case PROTOBUF_C_TYPE_FLOAT:
        return json_pack("{s:s, s:s}", "type", "number", "format", "float");
    case PROTOBUF_C_TYPE_DOUBLE:
        return json_pack("{s:s, s:s}", "type", "number", "format", "double");
    case PROTOBUF_C_TYPE_BOOL:
        return json_pack("{s:s}", "type", "boolean");
    case PROTOBUF_C_TYPE_STRING:
        return json_pack("{s:s}", "type", "string");
    case PROTOBUF_C_TYPE_BYTES:
        return json_pack("{s:s, s:s}", "type", "string", "format", "byte");
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumDescriptor *e = f->descriptor;
        json_t *values = json_array();
        for (unsigned k = 0; k < e->n_values; k++)
            json_array_append_new(values, json_string(e->values[k].name));
        return json_pack("{s:s, s:o}", "type", "string", "enum", values);
    }
    case PROTOBUF_C_TYPE_MESSAGE:
        s_add_message(f->descriptor, schemas);
        return s_ref(f->descriptor);
    }
    return json_object();
}

static json_t *s_error_schema(void)
{
    return json_pack(
        "{s:s, s:[s], s:b, s:{s:{s:s, s:[s,s,s], s:b, s:{s:{s:s, s:s}, s:{s:s}, s:{s:s}}}}}",
        "type", "object", "required", "error", "additionalProperties", 0, "properties", "error",
        "type", "object", "required", "code", "message", "field", "additionalProperties", 0,
        "properties", "code", "type", "string", "description",
        "EINVAL, ENOTFOUND, EDENIED, EAUTH, ECONFLICT, EDUP, ETOOBIG, ERATE, EMETHOD, "
        "ETIMEOUT, EUNAVAIL, EAGAIN, ERR",
        "message", "type", "string", "field", "type", "string");
}

static json_t *s_error_responses(json_t *responses)
{
    for (size_t i = 0; i < sizeof s_errors / sizeof s_errors[0]; i++)
        json_object_set_new(responses, s_errors[i].status,
                            json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", s_errors[i].text,
                                      "content", "application/json", "schema", "$ref",
                                      "#/components/schemas/Error"));
    json_object_set_new(json_object_get(responses, "429"), "headers",
                        json_pack("{s:{s:s, s:{s:s}}}", "Retry-After", "description", "等待秒数",
                                  "schema", "type", "integer"));
    return responses;
}

/* GET parameters: the request's scalar fields (repeated ones may be given several times). */
static json_t *s_query_parameters(const ProtobufCMessageDescriptor *d, json_t *schemas)
{
    json_t *params = json_array();
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type == PROTOBUF_C_TYPE_MESSAGE)
            continue;
        json_t *fs = s_field_schema(f, schemas);
        if (f->label == PROTOBUF_C_LABEL_REPEATED)
            fs = json_pack("{s:s, s:o}", "type", "array", "items", fs);
        json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:o}", "name", f->name, "in",
                                                "query", "required", 0, "schema", fs));
    }
    return params;
}

static json_t *s_operation(const gateway_route_t *r, int get, json_t *schemas)
{
    char service[32];
    gateway_route_service(r, service, sizeof service);
    json_t *responses = json_object();
    json_object_set_new(responses, "200",
                        json_pack("{s:s, s:{s:{s:o}}}", "description", "成功", "content",
                                  "application/json", "schema", s_ref(r->reply)));
    s_error_responses(responses);
    char *opid = fc_xasprintf("%s%s", r->type, get ? ".get" : "");
    json_t *op = json_pack("{s:s, s:s, s:[s], s:o, s:[{s:[]}], s:s, s:b, s:b}", "operationId", opid,
                           "summary", r->summary, "tags", service, "responses", responses,
                           "security", "bearerAuth", "x-min-role", gateway_role_name(r->min_role),
                           "x-write", (r->flags & GW_WRITE) != 0, "x-audited",
                           (r->flags & (GW_WRITE | GW_SENSITIVE)) != 0);
    free(opid);
    s_add_message(r->request, schemas);
    s_add_message(r->reply, schemas);
    if (get) {
        json_object_set_new(op, "parameters", s_query_parameters(r->request, schemas));
    } else {
        json_object_set_new(op, "requestBody",
                            json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content",
                                      "application/json", "schema", s_ref(r->request)));
        if (r->flags & GW_WRITE)
            json_object_set_new(op, "parameters",
                                json_pack("[{s:s, s:s, s:b, s:s, s:{s:s, s:i}}]", "name",
                                          "Idempotency-Key", "in", "header", "required", 0,
                                          "description",
                                          "同一令牌下相同的键只生效一次，重试时原样返回首次结果",
                                          "schema", "type", "string", "maxLength", 128));
    }
    return op;
}

static json_t *s_plain_get(const char *summary, const char *type, int with_security)
{
    json_t *op =
        json_pack("{s:s, s:[s], s:{s:{s:s, s:{s:{s:{s:s}}}}}}", "summary", summary, "tags",
                  "operations", "responses", "200", "description", "成功", "content", type,
                  "schema", "type", strcmp(type, "application/json") == 0 ? "object" : "string");
    if (!with_security)
        json_object_set_new(op, "security", json_array());
    return op;
}

json_t *gateway_openapi_build(void)
{
    json_t *schemas = json_object();
    json_object_set_new(schemas, "Error", s_error_schema());
    json_t *paths = json_object();
    for (size_t i = 0; i < gateway_nroutes; i++) {
        const gateway_route_t *r = &gateway_routes[i];
        char path[128];
        gateway_route_path(r, path, sizeof path);
        json_t *item = json_object();
        json_object_set_new(item, "post", s_operation(r, 0, schemas));
        if (!(r->flags & GW_WRITE))
            json_object_set_new(item, "get", s_operation(r, 1, schemas));
        json_object_set_new(paths, path, item);
    }
    json_t *healthz = s_plain_get("各服务健康状态（任一不健康时为 503）", "application/json", 0);
    json_object_set_new(json_object_get(healthz, "responses"), "503",
                        json_pack("{s:s}", "description", "有服务不健康"));
    json_object_set_new(paths, "/healthz", json_pack("{s:o}", "get", healthz));
    json_object_set_new(
        paths, "/metrics",
        json_pack("{s:o}", "get", s_plain_get("Prometheus 文本格式的指标", "text/plain", 0)));
    json_object_set_new(paths, "/openapi.json",
                        json_pack("{s:o}", "get", s_plain_get("本文档", "application/json", 0)));
    return json_pack(
        "{s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:o, s:{s:o, s:{s:{s:s, s:s, s:s}}}, s:[{s:[]}]}",
        "openapi", "3.0.3", "info", "title", "Frontline Care API", "version", FC_VERSION,
        "description",
        "一线关爱系统 HTTP/JSON 接口。每个服务操作一个路由：POST /api/v1/<服务>/<操作>，"
        "请求体为请求消息的 JSON，答复为答复消息的 JSON；只读操作也可用 GET 加查询参数。"
        "令牌携带角色与组织范围，网关据此填写信封中的操作者与组织范围，各服务再次校验。"
        "所有写操作及健康、事件、家庭数据的读取均记入审计日志。",
        "servers", "url", "/", "paths", paths, "components", "schemas", schemas, "securitySchemes",
        "bearerAuth", "type", "http", "scheme", "bearer", "bearerFormat", "fct_...", "security",
        "bearerAuth");
}

char *gateway_openapi_text(void)
{
    json_t *doc = gateway_openapi_build();
    char *s = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(doc);
    char *out = fc_xasprintf("%s\n", s);
    free(s);
    return out;
}

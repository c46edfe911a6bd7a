/* Unit tests of the gateway's pure parts: the route table and roles, GET parameters to
 * request JSON, the per-token rate limit, the audit's record keys, token secrets, the rules of
 * token commands, and the generated OpenAPI document (and that docs/openapi.json is it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fc/v1/gateway.pb-c.h"
#include "fc/v1/intake.pb-c.h"
#include "fc_pbjson.h"
#include "gateway_audit.h"
#include "gateway_openapi.h"
#include "gateway_query.h"
#include "gateway_rate.h"
#include "gateway_routes.h"
#include "gateway_rules.h"
#include "gateway_token.h"

static void test_routes(void **state)
{
    (void)state;
    const gateway_route_t *r = gateway_route_by_path("intake/person_get");
    assert_non_null(r);
    assert_string_equal(r->type, "intake.person_get");
    assert_ptr_equal(gateway_route_by_type("intake.person_get"), r);
    assert_null(gateway_route_by_path("intake.person_get"));
    assert_null(gateway_route_by_path("intake/person_get/x"));
    assert_null(gateway_route_by_path("intake/"));
    assert_null(gateway_route_by_path(""));
    assert_null(gateway_route_by_path("intake/person_ge"));
    char buf[128];
    assert_string_equal(gateway_route_path(r, buf, sizeof buf), "/api/v1/intake/person_get");
    assert_string_equal(gateway_route_service(r, buf, sizeof buf), "intake");
    /* every row: a unique type "service.operation", descriptors, a role, a summary; writes
     * are never "sensitive reads" */
    for (size_t i = 0; i < gateway_nroutes; i++) {
        const gateway_route_t *x = &gateway_routes[i];
        assert_non_null(strchr(x->type, '.'));
        assert_ptr_equal(gateway_route_by_type(x->type), x);
        assert_non_null(x->request);
        assert_non_null(x->reply);
        assert_true(x->min_role >= GW_ROLE_VIEWER && x->min_role <= GW_ROLE_GROUP_ADMIN);
        assert_true(strlen(x->summary) > 0);
        assert_false((x->flags & GW_WRITE) && (x->flags & GW_SENSITIVE));
        assert_int_equal(gateway_route_index(x), i);
    }
    assert_int_equal(gateway_role_parse("viewer"), GW_ROLE_VIEWER);
    assert_int_equal(gateway_role_parse("group_admin"), GW_ROLE_GROUP_ADMIN);
    assert_int_equal(gateway_role_parse("service"), GW_ROLE_NONE);
    assert_int_equal(gateway_role_parse(""), GW_ROLE_NONE);
    assert_int_equal(gateway_role_parse(NULL), GW_ROLE_NONE);
    assert_string_equal(gateway_role_name(GW_ROLE_ORG_ADMIN), "org_admin");
    assert_true(GW_ROLE_VIEWER < GW_ROLE_BRANCH_SECRETARY &&
                GW_ROLE_BRANCH_SECRETARY < GW_ROLE_ORG_ADMIN &&
                GW_ROLE_ORG_ADMIN < GW_ROLE_GROUP_ADMIN);
}

static json_t *s_query(const ProtobufCMessageDescriptor *d, size_t n, const char *const *k,
                       const char *const *v, fc_err_t *err)
{
    fc_err_clear(err);
    return gateway_query_to_json(d, n, k, v, err);
}

static void test_query(void **state)
{
    (void)state;
    fc_err_t err;
    const ProtobufCMessageDescriptor *d = &fc__v1__audit_query_request__descriptor;
    const char *k1[] = {"employee_no", "limit", "since_us"};
    const char *v1[] = {"E1", "20", "-0"};
    json_t *j = s_query(d, 3, k1, v1, &err);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "employee_no")), "E1");
    assert_int_equal(json_integer_value(json_object_get(j, "limit")), 20);
    ProtobufCMessage *m = fc_pbjson_to_message(d, j, &err);
    assert_non_null(m);
    assert_int_equal(((Fc__V1__AuditQueryRequest *)m)->limit, 20);
    protobuf_c_message_free_unpacked(m, NULL);
    json_decref(j);
    /* wrong type names the field */
    const char *k2[] = {"limit"};
    const char *v2[] = {"twenty"};
    assert_null(s_query(d, 1, k2, v2, &err));
    assert_int_equal(err.code, FC_EINVAL);
    assert_string_equal(err.field, "limit");
    const char *v2b[] = {""};
    assert_null(s_query(d, 1, k2, v2b, &err));
    assert_string_equal(err.field, "limit");
    const char *v2c[] = {"99999999999999999999999"};
    assert_null(s_query(d, 1, k2, v2c, &err));
    assert_string_equal(err.field, "limit");
    /* out of the int32 range: fc_pbjson refuses it */
    const char *v2d[] = {"3000000000"};
    j = s_query(d, 1, k2, v2d, &err);
    assert_non_null(j);
    assert_null(fc_pbjson_to_message(d, j, &err));
    assert_string_equal(err.field, "limit");
    json_decref(j);
    /* unknown field, repeated single field */
    const char *k3[] = {"nobody"};
    const char *v3[] = {"x"};
    assert_null(s_query(d, 1, k3, v3, &err));
    assert_string_equal(err.field, "nobody");
    const char *k4[] = {"limit", "limit"};
    const char *v4[] = {"1", "2"};
    assert_null(s_query(d, 2, k4, v4, &err));
    assert_string_equal(err.field, "limit");
    /* booleans */
    const ProtobufCMessageDescriptor *tl = &fc__v1__token_list_request__descriptor;
    const char *k5[] = {"include_revoked"};
    const char *v5[] = {"true"}, *v5b[] = {"0"}, *v5c[] = {"yes"};
    j = s_query(tl, 1, k5, v5, &err);
    assert_true(json_is_true(json_object_get(j, "include_revoked")));
    json_decref(j);
    j = s_query(tl, 1, k5, v5b, &err);
    assert_true(json_is_false(json_object_get(j, "include_revoked")));
    json_decref(j);
    assert_null(s_query(tl, 1, k5, v5c, &err));
    assert_string_equal(err.field, "include_revoked");
    /* a sub-message cannot be a parameter; bad UTF-8 is refused */
    const ProtobufCMessageDescriptor *cr = &fc__v1__health_checkin_request__descriptor;
    const char *k6[] = {"checkins"};
    const char *v6[] = {"x"};
    assert_null(s_query(cr, 1, k6, v6, &err));
    assert_string_equal(err.field, "checkins");
    const char *k7[] = {"employee_no"};
    const char *v7[] = {"E\xC3\x28"};
    assert_null(s_query(&fc__v1__person_get_request__descriptor, 1, k7, v7, &err));
    assert_string_equal(err.field, "employee_no");
    /* no parameters: the empty message */
    j = s_query(d, 0, NULL, NULL, &err);
    assert_int_equal(json_object_size(j), 0);
    json_decref(j);
}

static void test_rate(void **state)
{
    (void)state;
    gateway_rate_t *r = gateway_rate_new(2, 3); /* 2/s, burst 3 */
    int after = 0;
    for (int i = 0; i < 3; i++)
        assert_true(gateway_rate_take(r, "A", 1000, &after));
    assert_false(gateway_rate_take(r, "A", 1000, &after));
    assert_int_equal(after, 1);
    /* another token has its own bucket */
    assert_true(gateway_rate_take(r, "B", 1000, &after));
    /* half a second later: one more (2/s) */
    assert_true(gateway_rate_take(r, "A", 1500, &after));
    assert_false(gateway_rate_take(r, "A", 1500, &after));
    /* the bucket never holds more than the burst */
    for (int i = 0; i < 3; i++)
        assert_true(gateway_rate_take(r, "A", 100000, &after));
    assert_false(gateway_rate_take(r, "A", 100000, &after));
    assert_int_equal(gateway_rate_refused(r), 3);
    gateway_rate_destroy(&r);
    assert_null(r);
    gateway_rate_destroy(&r);
    /* slow rates ask for a longer wait; 0 = no limit */
    r = gateway_rate_new(1, 1);
    assert_true(gateway_rate_take(r, "A", 0, &after));
    assert_false(gateway_rate_take(r, "A", 1, &after));
    assert_int_equal(after, 1);
    gateway_rate_destroy(&r);
    r = gateway_rate_new(0, 0);
    for (int i = 0; i < 1000; i++)
        assert_true(gateway_rate_take(r, "A", 0, &after));
    gateway_rate_destroy(&r);
}

static void test_audit_keys(void **state)
{
    (void)state;
    Fc__V1__HealthCheckin a = FC__V1__HEALTH_CHECKIN__INIT, b = a, c = a;
    a.employee_no = "E1";
    b.employee_no = "E2";
    c.employee_no = "E1"; /* the same person twice: one subject */
    Fc__V1__HealthCheckin *items[] = {&a, &b, &c};
    Fc__V1__HealthCheckinRequest req = FC__V1__HEALTH_CHECKIN_REQUEST__INIT;
    req.checkins = items;
    req.n_checkins = 3;
    gateway_audit_keys_t k;
    gateway_audit_keys_init(&k, 100);
    gateway_audit_keys_add(&k, &req.base);
    char *s = gateway_audit_keys_subjects_json(&k), *r = gateway_audit_keys_record_json(&k);
    assert_string_equal(s, "[\"E1\",\"E2\"]");
    assert_string_equal(r, "{\"checkins[]\":3}");
    free(s);
    free(r);
    gateway_audit_keys_fini(&k);
    /* nested single messages: spouse as a subject, codes as record keys */
    Fc__V1__Person p = FC__V1__PERSON__INIT;
    p.employee_no = "E7";
    p.spouse_employee_no = "E8";
    p.org_code = "S1";
    Fc__V1__PersonGetReply reply = FC__V1__PERSON_GET_REPLY__INIT;
    reply.person = &p;
    gateway_audit_keys_init(&k, 1); /* capped */
    gateway_audit_keys_add(&k, &reply.base);
    s = gateway_audit_keys_subjects_json(&k);
    r = gateway_audit_keys_record_json(&k);
    assert_string_equal(s, "[\"E7\"]");
    assert_string_equal(r, "{\"person.org_code\":\"S1\"}");
    free(s);
    free(r);
    gateway_audit_keys_fini(&k);
    /* ids */
    Fc__V1__TokenRevokeRequest rv = FC__V1__TOKEN_REVOKE_REQUEST__INIT;
    rv.token_id = "01ABC";
    gateway_audit_keys_init(&k, 10);
    gateway_audit_keys_add(&k, &rv.base);
    r = gateway_audit_keys_record_json(&k);
    assert_string_equal(r, "{\"token_id\":\"01ABC\"}");
    free(r);
    gateway_audit_keys_fini(&k);
}

static void test_token(void **state)
{
    (void)state;
    char s1[GATEWAY_TOKEN_SECRET_LEN], s2[GATEWAY_TOKEN_SECRET_LEN];
    uint8_t h1[32], h2[32], h3[32];
    assert_int_equal(gateway_token_generate(s1, h1), 0);
    assert_int_equal(gateway_token_generate(s2, h2), 0);
    assert_int_equal(strlen(s1), GATEWAY_TOKEN_SECRET_LEN - 1);
    assert_memory_equal(s1, "fct_", 4);
    assert_string_not_equal(s1, s2);
    assert_int_equal(gateway_token_hash(s1, h3), 0);
    assert_memory_equal(h1, h3, 32);
    assert_memory_not_equal(h1, h2, 32);
    /* the form is checked before anything is looked up */
    char bad[GATEWAY_TOKEN_SECRET_LEN];
    memcpy(bad, s1, sizeof bad);
    bad[10] = '%';
    assert_int_equal(gateway_token_hash(bad, h3), -1);
    assert_int_equal(gateway_token_hash("fct_short", h3), -1);
    assert_int_equal(gateway_token_hash("", h3), -1);
    assert_int_equal(gateway_token_hash(NULL, h3), -1);
    memcpy(bad, s1, sizeof bad);
    bad[0] = 'x';
    assert_int_equal(gateway_token_hash(bad, h3), -1);
    assert_string_equal(gateway_token_from_header("Bearer abc"), "abc");
    assert_string_equal(gateway_token_from_header("bearer   abc"), "abc");
    assert_null(gateway_token_from_header("Basic abc"));
    assert_null(gateway_token_from_header("Bearer "));
    assert_null(gateway_token_from_header(NULL));
}

static void test_rules(void **state)
{
    (void)state;
    fc_err_t err;
    Fc__V1__TokenCreateRequest c = FC__V1__TOKEN_CREATE_REQUEST__INIT;
    c.name = "张三";
    c.role = "org_admin";
    c.org_scope = "S1";
    assert_int_equal(gateway_rules_token_create(&c, 1000, &err), FC_OK);
    c.role = "service"; /* not a token role */
    assert_int_equal(gateway_rules_token_create(&c, 1000, &err), FC_EINVAL);
    assert_string_equal(err.field, "role");
    c.role = "viewer";
    c.org_scope = "S 1";
    assert_int_equal(gateway_rules_token_create(&c, 1000, &err), FC_EINVAL);
    assert_string_equal(err.field, "org_scope");
    c.org_scope = "S1";
    c.name = "";
    assert_int_equal(gateway_rules_token_create(&c, 1000, &err), FC_EINVAL);
    assert_string_equal(err.field, "name");
    c.name = "x";
    c.expires_us = 999;
    assert_int_equal(gateway_rules_token_create(&c, 1000, &err), FC_EINVAL);
    assert_string_equal(err.field, "expires_us");
    Fc__V1__TokenRevokeRequest r = FC__V1__TOKEN_REVOKE_REQUEST__INIT;
    r.token_id = "nope";
    assert_int_equal(gateway_rules_token_revoke(&r, &err), FC_EINVAL);
    assert_string_equal(err.field, "token_id");
    Fc__V1__AuditQueryRequest q = FC__V1__AUDIT_QUERY_REQUEST__INIT;
    q.limit = 1001;
    assert_int_equal(gateway_rules_audit_query(&q, &err), FC_EINVAL);
    assert_string_equal(err.field, "limit");
    q.limit = 10;
    q.employee_no = "E'1";
    assert_int_equal(gateway_rules_audit_query(&q, &err), FC_EINVAL);
    assert_string_equal(err.field, "employee_no");
}

/* Reads a whole file; NULL if it cannot. */
static char *s_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = calloc(1, (size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    fclose(f);
    s[got] = '\0';
    return s;
}

static void test_openapi(void **state)
{
    (void)state;
    json_t *doc = gateway_openapi_build();
    json_t *paths = json_object_get(doc, "paths");
    assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.0.3");
    /* every route, with POST (and GET for reads), its schemas and every error status */
    static const char *errors[] = {"400", "401", "403", "404", "409", "413", "429", "503", "504"};
    for (size_t i = 0; i < gateway_nroutes; i++) {
        char path[128];
        const gateway_route_t *r = &gateway_routes[i];
        json_t *item = json_object_get(paths, gateway_route_path(r, path, sizeof path));
        assert_non_null(item);
        assert_non_null(json_object_get(item, "post"));
        assert_true(!json_object_get(item, "get") == !!(r->flags & GW_WRITE));
        json_t *resp = json_object_get(json_object_get(item, "post"), "responses");
        for (size_t e = 0; e < sizeof errors / sizeof errors[0]; e++)
            assert_non_null(json_object_get(resp, errors[e]));
        json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
        assert_non_null(json_object_get(schemas, r->request->name));
        assert_non_null(json_object_get(schemas, r->reply->name));
    }
    /* and nothing else under /api/v1 */
    const char *key;
    json_t *v;
    size_t api = 0;
    json_object_foreach(paths, key, v)
    {
        if (strncmp(key, "/api/v1/", 8) == 0) {
            assert_non_null(gateway_route_by_path(key + 8));
            api++;
        }
    }
    assert_int_equal(api, gateway_nroutes);
    json_decref(doc);
    /* the committed document is exactly the generated one */
    char *committed = s_read(FC_SOURCE_DIR "/docs/openapi.json");
    char *generated = gateway_openapi_text();
    if (!committed || strcmp(committed, generated) != 0)
        fail_msg("docs/openapi.json is not what fc-gateway --openapi prints (a route or a "
                 "message changed): regenerate it with cmake --build build --target openapi");
    free(committed);
    free(generated);
}

/* Every operation a service serves (a "svc.op" string in a `const fc_route_t ...[] = {...};`
 * table under services/<svc>/src) is a route of the gateway or on its internal list, and every
 * gateway route names one. */
static void test_covers_services(void **state)
{
    (void)state;
    static const char *services[] = {"intake", "rotation", "welfare",
                                     "notify", "report",   "gateway"};
    regex_t table, type;
    assert_int_equal(
        regcomp(&table, "const fc_route_t [a-z_]+\\[\\][[:space:]]*=[[:space:]]*\\{", REG_EXTENDED),
        0);
    assert_int_equal(regcomp(&type, "\"([a-z]+\\.[a-z0-9_]+)\"", REG_EXTENDED), 0);
    json_t *served = json_object();
    for (size_t s = 0; s < sizeof services / sizeof services[0]; s++) {
        char dir[512];
        snprintf(dir, sizeof dir, "%s/services/%s/src", FC_SOURCE_DIR, services[s]);
        DIR *d = opendir(dir);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            size_t n = strlen(e->d_name);
            if (n < 3 || strcmp(e->d_name + n - 2, ".c") != 0)
                continue;
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            char *text = s_read(path), *p = text;
            regmatch_t m[2];
            while (p && regexec(&table, p, 1, m, 0) == 0) {
                char *body = p + m[0].rm_eo, *end = strstr(body, "};");
                if (!end)
                    break;
                *end = '\0';
                char *q = body;
                while (regexec(&type, q, 2, m, 0) == 0) {
                    char t[128];
                    snprintf(t, sizeof t, "%.*s", (int)(m[1].rm_eo - m[1].rm_so), q + m[1].rm_so);
                    /* only a service's own operations ("intake." in intake) */
                    if (strncmp(t, services[s], strlen(services[s])) == 0 &&
                        t[strlen(services[s])] == '.')
                        json_object_set_new(served, t, json_true());
                    q += m[0].rm_eo;
                }
                p = end + 2;
            }
            free(text);
        }
        if (d)
            closedir(d);
    }
    regfree(&table);
    regfree(&type);
    assert_true(json_object_size(served) >= 8); /* the scan does find route tables */
    const char *t;
    json_t *v;
    json_object_foreach(served, t, v)
    {
        int internal = 0;
        for (size_t i = 0; i < gateway_ninternal; i++)
            internal |= strcmp(gateway_internal[i].type, t) == 0;
        if (!gateway_route_by_type(t) && !internal)
            fail_msg("%s is served by its service but has no row in gateway_routes.c", t);
        if (gateway_route_by_type(t) && internal)
            fail_msg("%s is both a route and internal", t);
    }
    for (size_t i = 0; i < gateway_nroutes; i++)
        if (!json_object_get(served, gateway_routes[i].type))
            fail_msg("gateway_routes.c has %s, which no service serves", gateway_routes[i].type);
    for (size_t i = 0; i < gateway_ninternal; i++)
        if (!json_object_get(served, gateway_internal[i].type))
            fail_msg("gateway_internal lists %s, which no service serves",
                     gateway_internal[i].type);
    json_decref(served);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routes),  cmocka_unit_test(test_query),
        cmocka_unit_test(test_rate),    cmocka_unit_test(test_audit_keys),
        cmocka_unit_test(test_token),   cmocka_unit_test(test_rules),
        cmocka_unit_test(test_openapi), cmocka_unit_test(test_covers_services),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

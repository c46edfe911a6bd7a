/* The gateway over real processes (fc-intake, fc-gateway, PostgreSQL, Redis) and real HTTP:
 * the authorisation matrix (every role x every route x inside/outside its subtree), tokens
 * (missing, malformed, unknown, revoked at once, expired), bad input at the door (bad JSON,
 * unknown fields, wrong types, huge bodies, bad parameters) changing nothing, the audit log
 * (rows for writes and sensitive reads, append-only), Idempotency-Key, fcctl giving the same
 * answer over HTTP as over ZeroMQ, slow clients not blocking others, the per-token rate limit
 * (429 + Retry-After), a service down (503) or silent (504) and a full queue (503) without
 * holding up the HTTP threads, and /healthz, /metrics and the served routes against the
 * OpenAPI document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "fc_harness.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "gateway_routes.h"
#include "gw_test.h"

static pid_t s_intake, s_gateway;
static const char *s_other_names[] = {"rotation", "welfare", "notify", "report"};
#define NOTHERS (sizeof s_other_names / sizeof s_other_names[0])
static pid_t s_others[NOTHERS];
static pid_t s_extra; /* a second gateway of one test: stopped in teardown if a test failed */

/* The tokens of the matrix: each role over the branch S1B1's line (G > S1 > S1B1). */
static struct {
    const char *role, *org;
    char *secret;
    char id[32];
} s_tok[] = {
    {"group_admin", "G", NULL, ""},
    {"org_admin", "S1", NULL, ""},
    {"branch_secretary", "S1B1", NULL, ""},
    {"viewer", "S1B1", NULL, ""},
};
#define NTOK (sizeof s_tok / sizeof s_tok[0])
static char s_spare_id[32]; /* a token the matrix revokes over and over */

static void s_fcctl_ok(const char *args)
{
    char *err = NULL;
    int rc = gw_fcctl(NULL, &err, "", "%s >/dev/null", args);
    if (rc != 0)
        fail_msg("fcctl %s: exit %d: %s", args, rc, err);
    free(err);
}

static int s_setup(void **state)
{
    (void)state;
    fc_h_init("test_gateway_http");
    fc_h_reset();
    static const char *env[] = {"FC_HTTP_IDLE_TIMEOUT_S=3", "FC_RATE_PER_S=0",
                                "FC_HTTP_MAX_BODY=4194304", NULL};
    /* all six, then wait: if one does not come up, stop the others before failing (no process
     * may outlive the test) */
    s_intake = fc_h_start("intake", NULL);
    for (size_t i = 0; i < NOTHERS; i++)
        s_others[i] = fc_h_start(s_other_names[i], NULL);
    s_gateway = fc_h_start("gateway", env);
    const char *down = fc_h_wait_healthy("intake", fc_h_ms(20000)) ? "intake" : NULL;
    for (size_t i = 0; i < NOTHERS && !down; i++)
        if (fc_h_wait_healthy(s_other_names[i], fc_h_ms(20000)) != 0)
            down = s_other_names[i];
    if (!down &&
        (fc_h_wait_healthy("gateway", fc_h_ms(20000)) != 0 || gw_wait_http(0, fc_h_ms(10000)) != 0))
        down = "gateway";
    if (down) {
        fc_h_stop(s_gateway, SIGKILL, fc_h_ms(10000));
        for (size_t i = 0; i < NOTHERS; i++)
            fc_h_stop(s_others[i], SIGKILL, fc_h_ms(10000));
        fc_h_stop(s_intake, SIGKILL, fc_h_ms(10000));
        fail_msg("fc-%s did not become healthy: see its log in %s", down,
                 getenv("FC_TEST_LOG_DIR"));
    }
    /* G > S1 > S1B1, G > S2, and H: a second root outside even the group administrator's
     * subtree */
    s_fcctl_ok("org add G --name 集团 --kind group");
    s_fcctl_ok("org add S1 --parent G --name 一公司 --kind subsidiary");
    s_fcctl_ok("org add S1B1 --parent S1 --name 一支部 --kind branch");
    s_fcctl_ok("org add S2 --parent G --name 二公司 --kind subsidiary");
    s_fcctl_ok("org add H --name 另一集团 --kind group");
    s_fcctl_ok("person add E1 --name 张三 --org S1B1");
    s_fcctl_ok("person add E2 --name 李四 --org S2");
    s_fcctl_ok("person add E9 --name 王五 --org H");
    for (size_t i = 0; i < NTOK; i++)
        s_tok[i].secret = gw_token(s_tok[i].role, s_tok[i].org, s_tok[i].id);
    free(gw_token("viewer", "S1", s_spare_id));
    /* the other services learn the organisation and the people from intake's events */
    static const char *projected[] = {
        "SELECT count(*) FROM rotation.org_unit WHERE org_code IN ('H', 'S1B1')",
        "SELECT count(*) FROM welfare.org_unit WHERE org_code IN ('H', 'S1B1')",
        "SELECT count(*) FROM notify.org_unit WHERE org_code IN ('H', 'S1B1')",
        "SELECT count(*) FROM report.org WHERE org_code IN ('H', 'S1B1')",
        "SELECT count(*) FROM rotation.person WHERE employee_no IN ('E1', 'E9')",
        "SELECT count(*) FROM welfare.person WHERE employee_no IN ('E1', 'E9')",
        "SELECT count(*) FROM notify.person WHERE employee_no IN ('E1', 'E9')",
        "SELECT count(*) FROM gateway.org_unit WHERE org_code IN ('H', 'S1B1')",
    };
    for (size_t i = 0; i < sizeof projected / sizeof projected[0]; i++)
        if (fc_h_wait_scalar(projected[i], 2, fc_h_ms(30000)) != 2)
            fail_msg("not projected in time: %s", projected[i]);
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < NTOK; i++)
        free(s_tok[i].secret);
    if (s_extra)
        fc_h_stop(s_extra, SIGKILL, fc_h_ms(10000));
    /* stop every process first, then judge: a failure must not leave any behind */
    int st_gateway = fc_h_stop(s_gateway, SIGTERM, fc_h_ms(10000));
    int st_others[NOTHERS];
    for (size_t i = 0; i < NOTHERS; i++)
        st_others[i] = fc_h_stop(s_others[i], SIGTERM, fc_h_ms(10000));
    int st_intake = fc_h_stop(s_intake, SIGTERM, fc_h_ms(10000));
    assert_true(WIFEXITED(st_gateway) && WEXITSTATUS(st_gateway) == 0);
    assert_true(WIFEXITED(st_intake) && WEXITSTATUS(st_intake) == 0);
    for (size_t i = 0; i < NOTHERS; i++)
        if (!WIFEXITED(st_others[i]) || WEXITSTATUS(st_others[i]) != 0)
            fail_msg("fc-%s did not stop cleanly (status %d): see its log", s_other_names[i],
                     st_others[i]);
    return 0;
}

static const char *s_admin(void)
{
    return s_tok[0].secret;
}

/* ---- the authorisation matrix ------------------------------------------------------------ */

/* One row per route. With a fixture: a body for a record inside every token's subtree (S1B1)
 * that must succeed, and where the route has a subtree, one for a record outside all of them
 * (H) that the service must refuse. Without one (fixture 0) the allowed roles' request must
 * reach the service and not be refused for the role or fail there (anything but 401, a 403
 * naming "role", 404 naming "path", 5xx): its own rules and tests cover the rest. */
typedef struct {
    const char *type;
    int fixture;
    const char *inside, *outside;
    const char *get_inside, *get_outside; /* query strings for reads */
    int filters; /* outside: the service answers only what is inside (an empty list), not 403 */
} s_cell_t;

#define ONLY_ROLE(type)                                                                            \
    {                                                                                              \
        type, 0, "{}", NULL, NULL, NULL, 0                                                         \
    }

static const s_cell_t s_matrix[] = {
    {"intake.org_upsert", 1,
     "{\"units\":[{\"org_code\":\"S1B1X\",\"parent_code\":\"S1B1\",\"name\":\"新支部\","
     "\"kind\":\"branch\"}]}",
     "{\"units\":[{\"org_code\":\"HX\",\"parent_code\":\"H\",\"name\":\"外部\","
     "\"kind\":\"branch\"}]}",
     NULL, NULL},
    {"intake.person_upsert", 1,
     "{\"people\":[{\"employee_no\":\"E1\",\"name\":\"张三\",\"org_code\":\"S1B1\","
     "\"fit_for_frontline\":true}]}",
     "{\"people\":[{\"employee_no\":\"E9\",\"name\":\"王五\",\"org_code\":\"H\","
     "\"fit_for_frontline\":true}]}",
     NULL, NULL},
    {"intake.person_get", 1, "{\"employee_no\":\"E1\"}", "{\"employee_no\":\"E9\"}",
     "employee_no=E1", "employee_no=E9"},
    {"intake.person_file", 1, "{\"employee_no\":\"E1\"}", "{\"employee_no\":\"E9\"}",
     "employee_no=E1&limit=5", "employee_no=E9"},
    {"intake.person_search", 1, "{\"query\":\"E\",\"org_code\":\"S1B1\"}",
     "{\"query\":\"E\",\"org_code\":\"H\"}", "query=E&org_code=S1B1&limit=5", "query=E&org_code=H"},
    ONLY_ROLE("intake.post_upsert"),
    ONLY_ROLE("intake.post_get"),
    {"intake.health_checkin", 1, "{\"checkins\":[{\"employee_no\":\"E1\",\"temperature_dc\":365}]}",
     "{\"checkins\":[{\"employee_no\":\"E9\",\"temperature_dc\":365}]}", NULL, NULL},
    ONLY_ROLE("intake.health_status"),
    ONLY_ROLE("intake.duty_checkin"),
    ONLY_ROLE("intake.duty_checkout"),
    ONLY_ROLE("intake.incident"),
    ONLY_ROLE("intake.key_group_open"),
    ONLY_ROLE("intake.key_group_close"),
    ONLY_ROLE("intake.service_contact"),
    ONLY_ROLE("intake.hardship_open"),
    ONLY_ROLE("intake.hardship_close"),
    ONLY_ROLE("intake.weekly_report"),
    ONLY_ROLE("intake.cadre_key_event"),
    ONLY_ROLE("intake.merit_record"),
    ONLY_ROLE("intake.party_candidate"),
    ONLY_ROLE("intake.import_begin"),
    ONLY_ROLE("intake.import_chunk"),
    ONLY_ROLE("intake.import_commit"),
    ONLY_ROLE("intake.import_problems"),
    ONLY_ROLE("intake.fault_tolerance"),
    ONLY_ROLE("intake.clarification"),
    ONLY_ROLE("intake.discrimination_report"),
    ONLY_ROLE("intake.discrimination_step"),
    ONLY_ROLE("intake.records_list"),
    ONLY_ROLE("intake.village_assign"),
    ONLY_ROLE("intake.village_update"),
    {"intake.village_list", 1, "{\"org_code\":\"S1B1\"}", "{\"org_code\":\"H\"}",
     "org_code=S1B1&state=all&limit=5", "org_code=H"},
    ONLY_ROLE("rotation.roster_plan"),
    {"rotation.roster_show", 1, "{\"org_code\":\"S1B1\",\"from_date\":\"2026-11-23\",\"days\":7}",
     "{\"org_code\":\"H\",\"from_date\":\"2026-11-23\",\"days\":7}",
     "org_code=S1B1&from_date=2026-11-23&days=7", "org_code=H&from_date=2026-11-23&days=7"},
    ONLY_ROLE("rotation.roster_explain"),
    {"rotation.leave_show", 1, "{\"employee_no\":\"E1\"}", "{\"employee_no\":\"E9\"}",
     "employee_no=E1", "employee_no=E9"},
    {"rotation.workload_show", 1, "{\"employee_no\":\"E1\"}", "{\"employee_no\":\"E9\"}",
     "employee_no=E1", "employee_no=E9"},
    ONLY_ROLE("rotation.spouse_override"),
    ONLY_ROLE("welfare.funds_inflow"),
    ONLY_ROLE("welfare.funds_allocate"),
    {"welfare.funds_balance", 1, "{\"org_code\":\"S1B1\"}", "{\"org_code\":\"H\"}",
     "org_code=S1B1&subtree=true", "org_code=H"},
    ONLY_ROLE("welfare.funds_statement"),
    ONLY_ROLE("welfare.pay_request"),
    ONLY_ROLE("welfare.pay_approve"),
    ONLY_ROLE("welfare.pay_reject"),
    ONLY_ROLE("welfare.pay_reverse"),
    ONLY_ROLE("welfare.pay_show"),
    {"welfare.pay_list", 1, "{\"org_code\":\"S1B1\"}", "{\"org_code\":\"H\"}", "org_code=S1B1",
     "org_code=H"},
    {"welfare.family_list", 1, "{\"org_code\":\"S1B1\"}", "{\"org_code\":\"H\"}", "org_code=S1B1",
     "org_code=H"},
    ONLY_ROLE("welfare.family_show"),
    ONLY_ROLE("welfare.family_assign"),
    ONLY_ROLE("welfare.family_visit"),
    {"welfare.check", 1, "{}", NULL, "", NULL},
    ONLY_ROLE("welfare.benefit_open"),
    ONLY_ROLE("welfare.benefit_step"),
    ONLY_ROLE("welfare.benefit_doc"),
    ONLY_ROLE("welfare.benefit_grant"),
    ONLY_ROLE("welfare.benefit_refuse"),
    ONLY_ROLE("welfare.benefit_show"),
    {"welfare.benefit_list", 1, "{\"org_code\":\"S1B1\"}", "{\"org_code\":\"H\"}", "org_code=S1B1",
     "org_code=H"},
    {"welfare.supply_items", 1, "{}", NULL, "", NULL},
    ONLY_ROLE("welfare.supply_item_set"),
    ONLY_ROLE("welfare.supply_receive"),
    ONLY_ROLE("welfare.supply_transfer"),
    ONLY_ROLE("welfare.supply_issue"),
    ONLY_ROLE("welfare.supply_request"),
    ONLY_ROLE("welfare.supply_serve"),
    {"welfare.supply_requests", 1, "{\"org_code\":\"S1B1\"}", "{\"org_code\":\"H\"}",
     "org_code=S1B1", "org_code=H"},
    {"welfare.supply_stock", 1, "{\"org_code\":\"S1B1\"}", "{\"org_code\":\"H\"}",
     "org_code=S1B1&subtree=true", "org_code=H"},
    ONLY_ROLE("welfare.supply_need_record"),
    ONLY_ROLE("welfare.supply_need_met"),
    {"welfare.supply_needs", 1, "{\"org_code\":\"S1B1\"}", "{\"org_code\":\"H\"}",
     "org_code=S1B1", "org_code=H"},
    ONLY_ROLE("notify.task_done"),
    {"notify.tasks", 1, "{\"org_code\":\"S1B1\"}", "{\"org_code\":\"H\"}", "org_code=S1B1&limit=5",
     "org_code=H", 1},
    ONLY_ROLE("notify.remind"),
    ONLY_ROLE("notify.desk_set"),
    ONLY_ROLE("notify.pref_set"),
    ONLY_ROLE("notify.secretary_set"),
    ONLY_ROLE("notify.campaign_start"),
    ONLY_ROLE("notify.status"),
    ONLY_ROLE("notify.inbox"),
    ONLY_ROLE("report.weekly_generate"),
    ONLY_ROLE("report.weekly_get"),
    {"report.weekly_list", 1, "{\"org_code\":\"S1B1\"}", "{\"org_code\":\"H\"}", "org_code=S1B1",
     "org_code=H"},
    ONLY_ROLE("report.weekly_render"),
    {"gateway.token_create", 1, "{\"name\":\"矩阵\",\"role\":\"viewer\",\"org_scope\":\"S1B1\"}",
     NULL, NULL, NULL},
    {"gateway.token_revoke", 1, "{\"token_id\":\"%SPARE%\"}", NULL, NULL, NULL},
    {"gateway.token_list", 1, "{}", NULL, "include_revoked=true", NULL},
    {"gateway.audit_query", 1, "{\"employee_no\":\"E1\",\"limit\":5}", NULL,
     "employee_no=E1&limit=5", NULL},
    {"gateway.whoami", 1, "{}", NULL, "", NULL},
};

static char *s_fill(const char *body)
{
    const char *at = body ? strstr(body, "%SPARE%") : NULL;
    if (!at)
        return body ? fc_xstrdup(body) : NULL;
    return fc_xasprintf("%.*s%s%s", (int)(at - body), body, s_spare_id, at + 7);
}

/* Sends one cell and checks its status. want: 200 inside, 403 outside, 0 "reached the service
 * and was not refused for the role", -200 outside of a filtering route: 200 with nothing of H
 * (no "H" org, no E9). Below the route's role: the gateway's 403 naming "role". */
static void s_check_cell(const gateway_route_t *route, size_t t, const char *method,
                         const char *body_or_query, long want)
{
    char path[256];
    gateway_route_path(route, path, sizeof path);
    char *full = NULL, *body = NULL;
    if (strcmp(method, "GET") == 0)
        full = fc_xasprintf("%s?%s", path, body_or_query);
    else
        body = s_fill(body_or_query);
    gw_resp_t r;
    gw_http(&r, 0, method, full ? full : path, s_tok[t].secret, body, NULL);
    int role_ok = gateway_role_parse(s_tok[t].role) >= route->min_role;
    const char *field = gw_err_field(&r);
    int ok;
    if (!role_ok)
        ok = r.status == 403 && strcmp(field, "role") == 0 &&
             strcmp(gw_err_code(&r), "EDENIED") == 0;
    else if (want == 200)
        ok = r.status == 200;
    else if (want == -200)
        ok = r.status == 200 && !strstr(r.body, "\"H\"") && !strstr(r.body, "E9");
    else if (want == 403)
        ok = r.status == 403 && strcmp(gw_err_code(&r), "EDENIED") == 0 &&
             strcmp(field, "role") != 0;
    else
        ok = r.status >= 200 && r.status < 500 && r.status != 401 &&
             !(r.status == 403 && strcmp(field, "role") == 0) &&
             !(r.status == 404 && strcmp(field, "path") == 0);
    if (!ok)
        fail_msg("%s %s as %s@%s: got %ld, want %s: %s", method, route->type, s_tok[t].role,
                 s_tok[t].org, r.status,
                 !role_ok       ? "403 (role)"
                 : want == 200  ? "200"
                 : want == 403  ? "403 (scope)"
                 : want == -200 ? "200 with nothing outside"
                                : "the service's answer",
                 r.body);
    gw_resp_fini(&r);
    free(full);
    free(body);
}

static void test_authorisation_matrix(void **state)
{
    (void)state;
    /* the matrix covers every route the gateway serves, once */
    assert_int_equal(sizeof s_matrix / sizeof s_matrix[0], gateway_nroutes);
    int cells = 0;
    for (size_t i = 0; i < gateway_nroutes; i++) {
        const s_cell_t *m = &s_matrix[i];
        const gateway_route_t *route = gateway_route_by_type(m->type);
        if (!route)
            fail_msg("the matrix names %s, which is not a route", m->type);
        for (size_t k = 0; k < i; k++)
            if (strcmp(s_matrix[k].type, m->type) == 0)
                fail_msg("the matrix names %s twice", m->type);
        for (size_t t = 0; t < NTOK; t++) {
            s_check_cell(route, t, "POST", m->inside, m->fixture ? 200 : 0);
            cells++;
            if (m->outside) {
                s_check_cell(route, t, "POST", m->outside, m->filters ? -200 : 403);
                cells++;
            }
            if (!(route->flags & GW_WRITE) && m->get_inside) {
                s_check_cell(route, t, "GET", m->get_inside, m->fixture ? 200 : 0);
                cells++;
            }
            if (!(route->flags & GW_WRITE) && m->get_outside) {
                s_check_cell(route, t, "GET", m->get_outside, m->filters ? -200 : 403);
                cells++;
            }
        }
    }
    assert_true(cells >= (int)(gateway_nroutes * NTOK));
    /* nothing outside the subtrees was touched */
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.health_checkin h"
                                 " JOIN intake.person p USING (employee_no)"
                                 " WHERE p.org_code = 'H'"),
                     0);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.org_unit WHERE org_code = 'HX'"), 0);
}

/* ---- tokens ------------------------------------------------------------------------ */

static void s_expect(const char *method, const char *path, const char *token, const char *body,
                     long status, const char *code, const char *field)
{
    gw_resp_t r;
    gw_http(&r, 0, method, path, token, body, NULL);
    if (r.status != status || (code && strcmp(gw_err_code(&r), code) != 0) ||
        (field && strcmp(gw_err_field(&r), field) != 0))
        fail_msg("%s %s: got %ld %s, want %ld %s/%s", method, path, r.status, r.body, status,
                 code ? code : "", field ? field : "");
    gw_resp_fini(&r);
}

/* A new token of role over org that expires in_s seconds from now; its secret (caller frees). */
static char *s_token_expiring(const char *role, const char *org, int in_s)
{
    time_t t = time(NULL) + in_s;
    struct tm tm;
    char when[64], *out = NULL;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    assert_int_equal(gw_fcctl(&out, NULL, "",
                              "--json token create --name 临时 --role %s --org %s --expires %s",
                              role, org, when),
                     0);
    json_error_t jerr;
    json_t *j = json_loads(out, 0, &jerr);
    free(out);
    char *secret = fc_xstrdup(json_string_value(json_object_get(j, "secret")));
    json_decref(j);
    return secret;
}

static void test_tokens(void **state)
{
    (void)state;
    const char *p = "/api/v1/intake/person_get?employee_no=E1";
    s_expect("GET", p, NULL, NULL, 401, "EAUTH", "authorization");
    s_expect("GET", p, "not-a-token", NULL, 401, "EAUTH", "authorization");
    s_expect("GET", p, "fct_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL, 401, "EAUTH",
             "authorization");
    /* the header must say Bearer */
    gw_resp_t r;
    gw_http(&r, 0, "GET", p, NULL, NULL, "Authorization: Basic dXNlcjpwYXNz");
    assert_int_equal(r.status, 401);
    gw_resp_fini(&r);
    /* revoked: the very next request is refused */
    char id[32];
    char *secret = gw_token("org_admin", "S1", id);
    s_expect("GET", p, secret, NULL, 200, NULL, NULL);
    char *out = NULL;
    assert_int_equal(gw_fcctl(&out, NULL, "", "token revoke %s --reason 测试", id), 0);
    assert_non_null(strstr(out, "已吊销"));
    free(out);
    s_expect("GET", p, secret, NULL, 401, "EAUTH", "authorization");
    /* revoking twice is harmless; an unknown id is 404-like (exit 1) */
    assert_int_equal(gw_fcctl(&out, NULL, "", "token revoke %s", id), 0);
    assert_non_null(strstr(out, "早已吊销"));
    free(out);
    assert_int_equal(gw_fcctl(NULL, NULL, "", "token revoke 01ARZ3NDEKTSV4RRFFQ69G5FAV"), 1);
    assert_int_equal(gw_fcctl(NULL, NULL, "", "token revoke nonsense"), 1);
    free(secret);
    /* expired */
    secret = s_token_expiring("viewer", "S1", 2);
    s_expect("GET", "/api/v1/gateway/token_list", secret, NULL, 403, "EDENIED", "role");
    fc_h_sleep_ms(3000);
    s_expect("GET", "/api/v1/gateway/token_list", secret, NULL, 401, "EAUTH", "authorization");
    free(secret);
    /* bad token commands name the field and exit 1; usage errors exit 2 */
    assert_int_equal(gw_fcctl(NULL, &out, "", "token create --name x --role king --org S1"), 1);
    assert_non_null(strstr(out, "role"));
    free(out);
    assert_int_equal(gw_fcctl(NULL, NULL, "", "token create --name x --role viewer --org 'S 1'"),
                     1);
    assert_int_equal(gw_fcctl(NULL, NULL, "", "token revoke"), 2);
    /* the secret is stored only as its hash: no column holds it */
    assert_int_equal(
        fc_h_scalar("SELECT count(*) FROM gateway.token WHERE length(secret_sha256) = 32"),
        fc_h_scalar("SELECT count(*) FROM gateway.token"));
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM gateway.rpc_replies r"
                                 " WHERE r.type = 'fc.v1.TokenCreateReply'"),
                     0);
    /* list shows them, without secrets */
    assert_int_equal(gw_fcctl(&out, NULL, "", "token list --all"), 0);
    assert_non_null(strstr(out, "已吊销"));
    assert_null(strstr(out, "fct_"));
    free(out);
}

/* ---- who am I ------------------------------------------------------------------------- */

/* gateway.whoami answers the token's own name, role and scope with the unit's name, for every
 * role, over GET and POST; nothing else, and nothing for a missing, bad, revoked or expired
 * token (401). */
static void test_whoami(void **state)
{
    (void)state;
    static const char *unit_names[] = {"集团", "一公司", "一支部", "一支部"};
    for (size_t i = 0; i < NTOK; i++) {
        for (int post = 0; post < 2; post++) {
            gw_resp_t r;
            gw_http(&r, 0, post ? "POST" : "GET", "/api/v1/gateway/whoami", s_tok[i].secret,
                    post ? "{}" : NULL, NULL);
            assert_int_equal(r.status, 200);
            char name[96];
            snprintf(name, sizeof name, "测试 %s@%s", s_tok[i].role, s_tok[i].org);
            assert_string_equal(json_string_value(json_object_get(r.json, "name")), name);
            assert_string_equal(json_string_value(json_object_get(r.json, "role")), s_tok[i].role);
            assert_string_equal(json_string_value(json_object_get(r.json, "org_scope")),
                                s_tok[i].org);
            assert_string_equal(json_string_value(json_object_get(r.json, "org_name")),
                                unit_names[i]);
            assert_int_equal(json_object_size(r.json), 4);
            assert_null(strstr(r.body, "fct_"));
            gw_resp_fini(&r);
        }
    }
    /* a renamed unit: the next answer has the new name */
    s_fcctl_ok("org add S1B1 --parent S1 --name 一支部（改） --kind branch");
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM gateway.org_unit"
                                      " WHERE org_code = 'S1B1' AND name = '一支部（改）'",
                                      1, fc_h_ms(30000)),
                     1);
    gw_resp_t r;
    gw_http(&r, 0, "GET", "/api/v1/gateway/whoami", s_tok[2].secret, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "org_name")), "一支部（改）");
    gw_resp_fini(&r);
    s_fcctl_ok("org add S1B1 --parent S1 --name 一支部 --kind branch");
    /* a field the request does not have */
    s_expect("GET", "/api/v1/gateway/whoami?role=group_admin", s_tok[3].secret, NULL, 400,
             "EINVAL", "role");
    /* no token, a malformed one, an unknown one */
    s_expect("GET", "/api/v1/gateway/whoami", NULL, NULL, 401, "EAUTH", "authorization");
    s_expect("GET", "/api/v1/gateway/whoami", "fct_short", NULL, 401, "EAUTH", "authorization");
    s_expect("POST", "/api/v1/gateway/whoami",
             "fct_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "{}", 401, "EAUTH",
             "authorization");
    /* revoked */
    char id[32], *out = NULL;
    char *secret = gw_token("viewer", "S2", id);
    gw_http(&r, 0, "GET", "/api/v1/gateway/whoami", secret, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "org_name")), "二公司");
    gw_resp_fini(&r);
    assert_int_equal(gw_fcctl(&out, NULL, "", "token revoke %s --reason 测试", id), 0);
    free(out);
    s_expect("GET", "/api/v1/gateway/whoami", secret, NULL, 401, "EAUTH", "authorization");
    free(secret);
    /* expired */
    secret = s_token_expiring("org_admin", "S1", 2);
    s_expect("GET", "/api/v1/gateway/whoami", secret, NULL, 200, NULL, NULL);
    fc_h_sleep_ms(3000);
    gw_http(&r, 0, "GET", "/api/v1/gateway/whoami", secret, NULL, NULL);
    assert_int_equal(r.status, 401);
    assert_string_equal(gw_err_code(&r), "EAUTH");
    assert_null(json_object_get(r.json, "role"));
    assert_non_null(strstr(r.body, "过期"));
    gw_resp_fini(&r);
    free(secret);
}

/* ---- bad input at the door ------------------------------------------------------------- */

static long long s_checkins(void)
{
    return fc_h_scalar("SELECT count(*) FROM intake.health_checkin");
}

static long long s_attempts(void)
{
    return fc_h_scalar("SELECT count(*) FROM gateway.audit_log WHERE phase = 'attempt'");
}

/* People search: a unit outside the token's subtree is a 403 naming org_code (and nothing of
 * it is answered); without a unit, the token's own subtree only. */
static void test_person_search_scope(void **state)
{
    (void)state;
    const char *tok = s_tok[1].secret; /* org_admin of S1 */
    s_expect("GET", "/api/v1/intake/person_search?query=E&org_code=S2", tok, NULL, 403, "EDENIED",
             "org_code");
    s_expect("POST", "/api/v1/intake/person_search", tok, "{\"query\":\"李\",\"org_code\":\"S2\"}",
             403, "EDENIED", "org_code");
    s_expect("GET", "/api/v1/intake/person_search?query=E&limit=-1", tok, NULL, 400, "EINVAL",
             "limit");
    gw_resp_t r;
    gw_http(&r, 0, "GET", "/api/v1/intake/person_search?query=E", tok, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"E1\""));
    assert_null(strstr(r.body, "E2"));
    assert_null(strstr(r.body, "E9"));
    gw_resp_fini(&r);
    /* a viewer may search (read), by name, with the unit's name in the answer */
    gw_http(&r, 0, "GET", "/api/v1/intake/person_search?query=%E5%BC%A0", s_tok[3].secret, NULL,
            NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"一支部\""));
    gw_resp_fini(&r);
}

static void test_bad_input(void **state)
{
    (void)state;
    const char *ci = "/api/v1/intake/health_checkin";
    const char *tok = s_tok[1].secret; /* org_admin of S1 */
    long long before = s_checkins(), attempts = s_attempts();
    s_expect("POST", ci, tok, "{\"checkins\":[{", 400, "EINVAL", "body");
    s_expect("POST", ci, tok, "[1,2]", 400, "EINVAL", "body");
    s_expect("POST", ci, tok, "\"text\"", 400, "EINVAL", "body");
    s_expect("POST", ci, tok,
             "{\"checkins\":[{\"employee_no\":\"E1\",\"temperature_dc\":\"365\"}]}", 400, "EINVAL",
             "checkins[0].temperature_dc");
    s_expect("POST", ci, tok, "{\"checkins\":[{\"employee_no\":\"E1\",\"temperature_dc\":36.5}]}",
             400, "EINVAL", "checkins[0].temperature_dc");
    s_expect("POST", ci, tok, "{\"checkins\":[{\"employee_no\":\"E1\",\"fever\":true}]}", 400,
             "EINVAL", "checkins[0].fever");
    s_expect("POST", ci, tok, "{\"checkins\":{}}", 400, "EINVAL", "checkins");
    s_expect("POST", ci, tok, "{\"checkins\":[],\"checkins\":[]}", 400, "EINVAL", "body");
    s_expect("POST", ci, tok,
             "{\"checkins\":[{\"employee_no\":\"E1\",\"temperature_dc\":9999999999}]}", 400,
             "EINVAL", "checkins[0].temperature_dc");
    /* GET parameters are typed by the request message */
    s_expect("GET", "/api/v1/gateway/audit_query?limit=many", s_admin(), NULL, 400, "EINVAL",
             "limit");
    s_expect("GET", "/api/v1/gateway/audit_query?colour=red", s_admin(), NULL, 400, "EINVAL",
             "colour");
    s_expect("GET", "/api/v1/gateway/audit_query?limit=1&limit=2", s_admin(), NULL, 400, "EINVAL",
             "limit");
    s_expect("GET", "/api/v1/intake/person_get?employee_no=%C3%28", tok, NULL, 400, "EINVAL",
             "employee_no");
    /* methods and routes */
    s_expect("GET", ci, tok, NULL, 405, "EMETHOD", "method");
    s_expect("PUT", "/api/v1/intake/person_get", tok, "{}", 405, "EMETHOD", "method");
    s_expect("DELETE", "/healthz", NULL, NULL, 405, "EMETHOD", "method");
    s_expect("POST", "/api/v1/intake/no_such_thing", tok, "{}", 404, "ENOTFOUND", "path");
    s_expect("POST", "/api/v2/intake/person_get", tok, "{}", 404, "ENOTFOUND", "path");
    /* "/" is the web console (gateway_static); an unknown API path is a JSON 404 */
    s_expect("GET", "/api/v1/nothing/here", NULL, NULL, 404, "ENOTFOUND", "path");
    /* huge bodies: declared (refused before it is read) and chunked (refused after 4 MiB) */
    size_t big = 5u * 1024 * 1024;
    char *huge = fc_xmalloc(big + 1);
    memset(huge, ' ', big);
    huge[big] = '\0';
    huge[0] = '{';
    huge[big - 1] = '}';
    /* declared: with "Expect: 100-continue" the client waits for the verdict instead of racing
     * the early 413 with its upload (which a reset connection could hide) */
    gw_resp_t r;
    gw_http(&r, 0, "POST", ci, tok, huge, "Expect: 100-continue");
    assert_int_equal(r.status, 413);
    assert_string_equal(gw_err_code(&r), "ETOOBIG");
    gw_resp_fini(&r);
    gw_http(&r, 0, "POST", ci, tok, huge, "Transfer-Encoding: chunked");
    assert_int_equal(r.status, 413);
    assert_string_equal(gw_err_code(&r), "ETOOBIG");
    gw_resp_fini(&r);
    free(huge);
    /* refused at the door: nothing changed, nothing was even attempted */
    assert_int_equal(s_checkins(), before);
    assert_int_equal(s_attempts(), attempts);
    /* the service's own rules come back with their field (these did reach it: on record) */
    s_expect("POST", ci, tok, "{\"checkins\":[{\"employee_no\":\"E1\",\"temperature_dc\":452}]}",
             400, "EINVAL", "checkins[0].temperature_dc");
    s_expect("POST", ci, tok, "{\"checkins\":[]}", 400, "EINVAL", "checkins");
    s_expect("POST", ci, tok,
             "{\"checkins\":[{\"employee_no\":\"NOBODY\",\"temperature_dc\":365}]}", 404,
             "ENOTFOUND", "checkins[0].employee_no");
    assert_int_equal(s_checkins(), before);
    assert_int_equal(s_attempts(), attempts + 3);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM gateway.audit_log WHERE phase = 'result'"
                                 " AND error_code IN ('EINVAL', 'ENOTFOUND')"
                                 " AND operation = 'intake.health_checkin'"),
                     3);
    s_expect("GET", "/api/v1/intake/person_get?employee_no=E1", tok, NULL, 200, NULL, NULL);
}

/* ---- audit -------------------------------------------------------------------------- */

static void test_audit(void **state)
{
    (void)state;
    const char *tok = s_tok[2].secret; /* branch secretary of S1B1 */
    const char *tid = s_tok[2].id;
    char *sql = fc_xasprintf("SELECT count(*) FROM gateway.audit_log WHERE token_id = '%s'", tid);
    long long before = fc_h_scalar(sql);
    /* a write: an attempt row before it, a result row after */
    gw_resp_t r;
    gw_http(&r, 0, "POST", "/api/v1/intake/health_checkin", tok,
            "{\"checkins\":[{\"employee_no\":\"E1\",\"temperature_dc\":371}]}",
            "User-Agent: audit-test/1");
    assert_int_equal(r.status, 200);
    char *q = fc_xasprintf("SELECT count(*) FROM gateway.audit_log WHERE message_id = '%s'"
                           " AND token_id = '%s' AND operation = 'intake.health_checkin'"
                           " AND subjects = ARRAY['E1'] AND remote_addr LIKE '127.0.0.1:%%'"
                           " AND user_agent = 'audit-test/1' AND method = 'POST'"
                           " AND role = 'branch_secretary' AND org_scope = 'S1B1'",
                           r.request_id, tid);
    assert_int_equal(fc_h_scalar(q), 2);
    free(q);
    q = fc_xasprintf("SELECT count(*) FROM gateway.audit_log WHERE message_id = '%s'"
                     " AND phase = 'result' AND status = 200",
                     r.request_id);
    assert_int_equal(fc_h_scalar(q), 1);
    free(q);
    gw_resp_fini(&r);
    /* a sensitive read: one result row naming the person read */
    gw_http(&r, 0, "GET", "/api/v1/intake/person_get?employee_no=E1", tok, NULL, NULL);
    assert_int_equal(r.status, 200);
    q = fc_xasprintf("SELECT count(*) FROM gateway.audit_log WHERE message_id = '%s'"
                     " AND phase = 'result' AND subjects @> ARRAY['E1'] AND method = 'GET'",
                     r.request_id);
    assert_int_equal(fc_h_scalar(q), 1);
    free(q);
    gw_resp_fini(&r);
    /* a refused sensitive read is on record too, with its code */
    gw_http(&r, 0, "GET", "/api/v1/intake/person_get?employee_no=E2", tok, NULL, NULL);
    assert_int_equal(r.status, 403);
    q = fc_xasprintf("SELECT count(*) FROM gateway.audit_log WHERE message_id = '%s'"
                     " AND status = 403 AND error_code = 'EDENIED' AND subjects = ARRAY['E2']",
                     r.request_id);
    assert_int_equal(fc_h_scalar(q), 1);
    free(q);
    gw_resp_fini(&r);
    assert_int_equal(fc_h_scalar(sql), before + 4);
    /* a read that is not sensitive leaves no row */
    long long all = fc_h_scalar("SELECT count(*) FROM gateway.audit_log");
    s_expect("GET", "/api/v1/gateway/token_list", s_admin(), NULL, 200, NULL, NULL);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM gateway.audit_log"), all);
    free(sql);
    /* fcctl audit --person shows them, newest first */
    char *out = NULL;
    assert_int_equal(gw_fcctl(&out, NULL, "", "audit --person E1 --limit 50"), 0);
    assert_non_null(strstr(out, "intake.person_get"));
    assert_non_null(strstr(out, "intake.health_checkin"));
    assert_non_null(strstr(out, "branch_secretary"));
    assert_null(strstr(out, "E2"));
    free(out);
    assert_int_equal(gw_fcctl(&out, NULL, "", "--json audit --person E2"), 0);
    json_error_t jerr;
    json_t *j = json_loads(out, 0, &jerr);
    assert_true(json_array_size(json_object_get(j, "entries")) >= 1);
    json_decref(j);
    free(out);
    assert_int_equal(gw_fcctl(NULL, NULL, "", "audit --person 'E 1'"), 1);
    assert_int_equal(gw_fcctl(NULL, NULL, "", "audit --limit 0"), 2);
    /* append-only: neither the owner nor a superuser changes or removes a row */
    PGresult *res = PQexec(fc_h_db(), "UPDATE gateway.audit_log SET status = 0");
    assert_int_not_equal(PQresultStatus(res), PGRES_COMMAND_OK);
    assert_non_null(strstr(PQresultErrorMessage(res), "append-only"));
    PQclear(res);
    res = PQexec(fc_h_db(), "DELETE FROM gateway.audit_log");
    assert_int_not_equal(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    res = PQexec(fc_h_db(), "TRUNCATE gateway.audit_log");
    assert_int_not_equal(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    res = PQexec(fc_h_db(), "SET ROLE fc_gateway; DELETE FROM gateway.audit_log; RESET ROLE");
    assert_int_not_equal(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    res = PQexec(fc_h_db(), "RESET ROLE");
    PQclear(res);
    assert_true(fc_h_scalar("SELECT count(*) FROM gateway.audit_log") >= all);
}

/* ---- idempotency ------------------------------------------------------------------------ */

static void test_idempotency_key(void **state)
{
    (void)state;
    const char *ci = "/api/v1/intake/health_checkin";
    const char *body = "{\"checkins\":[{\"employee_no\":\"E1\",\"temperature_dc\":366}]}";
    long long before = s_checkins();
    gw_resp_t a, b, c;
    gw_http(&a, 0, "POST", ci, s_tok[1].secret, body, "Idempotency-Key: retry-42");
    gw_http(&b, 0, "POST", ci, s_tok[1].secret, body, "Idempotency-Key: retry-42");
    assert_int_equal(a.status, 200);
    assert_int_equal(b.status, 200);
    assert_string_equal(a.body, b.body); /* the stored reply: the same check-in id */
    assert_string_equal(a.request_id, b.request_id);
    assert_int_equal(s_checkins(), before + 1);
    /* the same key from another token is another request */
    gw_http(&c, 0, "POST", ci, s_tok[0].secret, body, "Idempotency-Key: retry-42");
    assert_int_equal(c.status, 200);
    assert_string_not_equal(a.body, c.body);
    assert_int_equal(s_checkins(), before + 2);
    gw_resp_fini(&a);
    gw_resp_fini(&b);
    gw_resp_fini(&c);
    s_expect("POST", ci, s_tok[1].secret, body, 200, NULL, NULL);
    gw_http(&a, 0, "POST", ci, s_tok[1].secret, body, "Idempotency-Key: \x01");
    assert_int_equal(a.status, 400);
    assert_string_equal(gw_err_field(&a), "Idempotency-Key");
    gw_resp_fini(&a);
}

/* ---- fcctl over HTTP and over ZeroMQ ---------------------------------------------------- */

static void s_same(const char *args, int want_rc)
{
    char *env = fc_xasprintf("FC_GATEWAY_URL=%s FC_TOKEN=%s", gw_url(0), s_admin());
    char *zo = NULL, *ze = NULL, *ho = NULL, *he = NULL;
    int zrc = gw_fcctl(&zo, &ze, "", "%s", args);
    int hrc = gw_fcctl(&ho, &he, env, "%s", args);
    if (zrc != want_rc || hrc != want_rc || strcmp(zo, ho) != 0 || strcmp(ze, he) != 0)
        fail_msg("fcctl %s: over ZeroMQ exit %d\n%s%s\nover HTTP exit %d\n%s%s", args, zrc, zo, ze,
                 hrc, ho, he);
    free(zo);
    free(ze);
    free(ho);
    free(he);
    free(env);
}

/* The same for a JSON answer that carries the service's clock (now_us): equal but for it. */
static void s_same_json(const char *args)
{
    char *env = fc_xasprintf("FC_GATEWAY_URL=%s FC_TOKEN=%s", gw_url(0), s_admin());
    char *zo = NULL, *ho = NULL;
    assert_int_equal(gw_fcctl(&zo, NULL, "", "%s", args), 0);
    assert_int_equal(gw_fcctl(&ho, NULL, env, "%s", args), 0);
    json_error_t jerr;
    json_t *z = json_loads(zo, 0, &jerr), *h = json_loads(ho, 0, &jerr);
    assert_non_null(z);
    assert_non_null(h);
    json_object_del(z, "now_us");
    json_object_del(h, "now_us");
    if (!json_equal(z, h))
        fail_msg("fcctl %s: over ZeroMQ\n%s\nover HTTP\n%s", args, zo, ho);
    json_decref(z);
    json_decref(h);
    free(zo);
    free(ho);
    free(env);
}

static void test_fcctl_same_answer(void **state)
{
    (void)state;
    s_same_json("--json person show E1");
    s_same("person show NOBODY", 1);
    s_same("leave show E1", 0);
    s_same("--json funds balance S1B1 --subtree", 0);
    s_same("notify tasks --org S1B1", 0);
    s_same("report list --org S1B1", 0);
    s_same("org add S1 --parent G --name 一公司 --kind subsidiary", 0);
    s_same("checkin E1 45.2", 1);
    char *revoke = fc_xasprintf("token revoke %s", s_spare_id); /* revoked by the matrix */
    s_same(revoke, 0);
    free(revoke);
    /* a write over HTTP takes effect like one over ZeroMQ */
    long long before = s_checkins();
    char *env = fc_xasprintf("FC_GATEWAY_URL=%s FC_TOKEN=%s", gw_url(0), s_tok[1].secret);
    char *cerr = NULL;
    int crc = gw_fcctl(NULL, &cerr, env, "checkin E1 36.6");
    if (crc != 0)
        fail_msg("fcctl checkin over HTTP: exit %d: %s", crc, cerr);
    free(cerr);
    assert_int_equal(s_checkins(), before + 1);
    /* over HTTP the token decides: an org admin of S1 cannot reach S2, exit 1 */
    char *err = NULL;
    assert_int_equal(gw_fcctl(NULL, &err, env, "person show E2"), 1);
    assert_non_null(strstr(err, "EDENIED"));
    free(err);
    free(env);
    /* a wrong token exits 1, an unreachable gateway 3 */
    assert_int_equal(gw_fcctl(NULL, NULL, "FC_TOKEN=fct_x FC_GATEWAY_URL=http://127.0.0.1:1",
                              "--timeout 300 person show E1"),
                     3);
    char *bad = fc_xasprintf("FC_GATEWAY_URL=%s FC_TOKEN=fct_nope", gw_url(0));
    assert_int_equal(gw_fcctl(NULL, NULL, bad, "person show E1"), 1);
    free(bad);
}

/* ---- slow clients --------------------------------------------------------------------- */

static void test_slow_clients(void **state)
{
    (void)state;
    const char *port = getenv("FC_HTTP_PORT");
    int fds[24];
    /* clients that send part of the headers, or announce a body and stall */
    for (int i = 0; i < 24; i++) {
        fds[i] = gw_connect(atoi(port));
        assert_true(fds[i] >= 0);
        const char *partial = i % 2 ? "GET /api/v1/intake/person_get HTTP/1.1\r\nHost: x\r\n"
                                    : "POST /api/v1/intake/person_get HTTP/1.1\r\nHost: x\r\n"
                                      "Content-Length: 1000\r\n\r\n{";
        assert_true(send(fds[i], partial, strlen(partial), 0) > 0);
    }
    /* everyone else is served promptly meanwhile */
    for (int i = 0; i < 20; i++) {
        int64_t t0 = (int64_t)time(NULL);
        s_expect("GET", "/api/v1/intake/person_get?employee_no=E1", s_tok[1].secret, NULL, 200,
                 NULL, NULL);
        assert_true((int64_t)time(NULL) - t0 <= 2);
    }
    /* and the stalled ones are closed after the idle timeout (3 s here) */
    fc_h_sleep_ms(fc_h_ms(5000));
    for (int i = 0; i < 24; i++) {
        struct pollfd p = {fds[i], POLLIN, 0};
        assert_int_equal(poll(&p, 1, fc_h_ms(5000)), 1);
        char buf[512];
        ssize_t n;
        while ((n = recv(fds[i], buf, sizeof buf, 0)) > 0)
            ; /* an error reply may come first; then the close (FIN or RST) */
        assert_true(n <= 0);
        close(fds[i]);
    }
}

/* ---- limits ----------------------------------------------------------------------------- */

static int s_port(int k)
{
    return atoi(getenv("FC_TEST_PORT_BASE")) + k;
}

static void test_rate_limit(void **state)
{
    (void)state;
    /* a second gateway with a tight limit: 1 request a second, 2 at once */
    char port[48], listen[80];
    snprintf(port, sizeof port, "FC_HTTP_PORT=%d", s_port(1));
    snprintf(listen, sizeof listen, "FC_LISTEN=tcp://127.0.0.1:%d", s_port(2));
    const char *env[] = {port, listen, "FC_RATE_PER_S=1", "FC_RATE_BURST=2", NULL};
    pid_t gw = s_extra = fc_h_start("gateway", env);
    assert_int_equal(gw_wait_http(s_port(1), fc_h_ms(10000)), 0);
    const char *p = "/api/v1/gateway/token_list";
    gw_resp_t r;
    for (int i = 0; i < 2; i++) {
        gw_http(&r, s_port(1), "GET", p, s_tok[0].secret, NULL, NULL);
        assert_int_equal(r.status, 200);
        gw_resp_fini(&r);
    }
    gw_http(&r, s_port(1), "GET", p, s_tok[0].secret, NULL, NULL);
    assert_int_equal(r.status, 429);
    assert_string_equal(gw_err_code(&r), "ERATE");
    assert_true(atoi(r.retry_after) >= 1);
    gw_resp_fini(&r);
    /* another token is not held back */
    gw_http(&r, s_port(1), "GET", "/api/v1/intake/person_get?employee_no=E1", s_tok[1].secret, NULL,
            NULL);
    assert_int_equal(r.status, 200);
    gw_resp_fini(&r);
    /* and the first may go on after Retry-After */
    fc_h_sleep_ms(1100);
    gw_http(&r, s_port(1), "GET", p, s_tok[0].secret, NULL, NULL);
    assert_int_equal(r.status, 200);
    gw_resp_fini(&r);
    int st = fc_h_stop(gw, SIGTERM, fc_h_ms(10000));
    s_extra = 0;
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

typedef struct {
    int port;
    const char *token, *body;
    long status;
    char code[16];
    int64_t ms;
} s_busy_t;

static int64_t s_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *s_busy_run(void *arg)
{
    s_busy_t *b = arg;
    gw_resp_t r;
    int64_t t0 = s_ms();
    gw_http(&r, b->port, "POST", "/api/v1/intake/health_checkin", b->token, b->body, NULL);
    b->ms = s_ms() - t0;
    b->status = r.status;
    snprintf(b->code, sizeof b->code, "%s", gw_err_code(&r));
    gw_resp_fini(&r);
    return NULL;
}

static void test_upstream_down_and_silent(void **state)
{
    (void)state;
    const char *p = "/api/v1/intake/person_get?employee_no=E1";
    const char *w = "/api/v1/intake/health_checkin";
    const char *body = "{\"checkins\":[{\"employee_no\":\"E1\",\"temperature_dc\":365}]}";
    /* intake stopped: 503 with Retry-After, quickly */
    int st = fc_h_stop(s_intake, SIGTERM, fc_h_ms(10000));
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    gw_resp_t r;
    /* /healthz says who is down */
    gw_http(&r, 0, "GET", "/healthz", NULL, NULL, NULL);
    assert_int_equal(r.status, 503);
    assert_true(json_is_false(json_object_get(r.json, "ok")));
    assert_non_null(
        json_object_get(json_object_get(json_object_get(r.json, "services"), "intake"), "error"));
    gw_resp_fini(&r);
    time_t t0 = time(NULL);
    gw_http(&r, 0, "GET", p, s_tok[1].secret, NULL, NULL);
    assert_int_equal(r.status, 503);
    assert_string_equal(gw_err_code(&r), "EUNAVAIL");
    assert_true(atoi(r.retry_after) >= 1);
    assert_true(time(NULL) - t0 <= 4);
    gw_resp_fini(&r);
    gw_http(&r, 0, "POST", w, s_tok[1].secret, body, NULL);
    assert_int_equal(r.status, 503);
    gw_resp_fini(&r);
    /* back up: served again without restarting the gateway */
    s_intake = fc_h_up("intake", NULL);
    s_expect("GET", p, s_tok[1].secret, NULL, 200, NULL, NULL);
    /* a service that takes requests and never answers: 504 after the upstream timeout, via a
     * second gateway that takes this test's socket for intake */
    void *ctx = zmq_ctx_new();
    void *silent = zmq_socket(ctx, ZMQ_ROUTER);
    char ep[64], port[48], listen[80], intake[96];
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", s_port(3));
    assert_int_equal(zmq_bind(silent, ep), 0);
    snprintf(port, sizeof port, "FC_HTTP_PORT=%d", s_port(4));
    snprintf(listen, sizeof listen, "FC_LISTEN=tcp://127.0.0.1:%d", s_port(5));
    snprintf(intake, sizeof intake, "FC_INTAKE_ENDPOINT=%s", ep);
    /* one worker and room for one waiting request: the backpressure below */
    const char *env[] = {port,
                         listen,
                         intake,
                         "FC_UPSTREAM_TIMEOUT_MS=3000",
                         "FC_UPSTREAM_CONNECT_MS=3000",
                         "FC_GATEWAY_WORKERS=1",
                         "FC_HTTP_QUEUE_MAX=1",
                         NULL};
    pid_t gw = s_extra = fc_h_start("gateway", env);
    assert_int_equal(gw_wait_http(s_port(4), fc_h_ms(10000)), 0);
    gw_http(&r, s_port(4), "POST", w, s_tok[1].secret, body, NULL);
    assert_int_equal(r.status, 504);
    assert_string_equal(gw_err_code(&r), "ETIMEOUT");
    gw_resp_fini(&r);
    /* the silent service did receive it (twice: the retry keeps the message id) */
    int got = 0;
    zmq_pollitem_t it = {silent, 0, ZMQ_POLLIN, 0};
    while (zmq_poll(&it, 1, 100) > 0) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        zmq_msg_recv(&m, silent, 0);
        got += !zmq_msg_more(&m);
        zmq_msg_close(&m);
    }
    assert_int_equal(got, 2);
    /* a full queue: one request with the worker, one waiting, the third refused at once; the
     * HTTP threads are never held up by the service (the document is served meanwhile) */
    s_busy_t busy[3];
    pthread_t th[3];
    for (int i = 0; i < 3; i++) {
        busy[i].port = s_port(4);
        busy[i].token = s_tok[1].secret;
        busy[i].body = body;
        pthread_create(&th[i], NULL, s_busy_run, &busy[i]);
        fc_h_sleep_ms(200); /* in order, well inside the first one's 3 s with the worker */
    }
    int64_t t1 = s_ms();
    gw_http(&r, s_port(4), "GET", "/openapi.json", NULL, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_true(s_ms() - t1 < 500);
    gw_resp_fini(&r);
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(busy[0].status, 504);
    assert_int_equal(busy[1].status, 504);
    assert_int_equal(busy[2].status, 503);
    assert_string_equal(busy[2].code, "EUNAVAIL");
    assert_true(busy[2].ms < busy[0].ms);
    st = fc_h_stop(gw, SIGTERM, fc_h_ms(10000));
    s_extra = 0;
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    zmq_close(silent);
    zmq_ctx_term(ctx);
}

/* ---- operations and the document ----------------------------------------------------- */

static void test_operations(void **state)
{
    (void)state;
    gw_resp_t r;
    gw_http(&r, 0, "GET", "/healthz", NULL, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_true(json_is_true(json_object_get(r.json, "ok")));
    json_t *svcs = json_object_get(r.json, "services");
    assert_int_equal(json_object_size(svcs), 6);
    assert_true(json_is_true(json_object_get(json_object_get(svcs, "rotation"), "db_ok")));
    gw_resp_fini(&r);
    gw_http(&r, 0, "GET", "/metrics", NULL, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.content_type, "text/plain"));
    assert_non_null(strstr(r.body, "fc_gateway_requests_total{route=\"/api/v1/intake/person_get\","
                                   "status=\"200\"}"));
    assert_non_null(strstr(r.body, "fc_gateway_request_duration_seconds_bucket{route=\"/api/v1/"
                                   "intake/person_get\",status=\"200\",le=\"+Inf\"}"));
    assert_non_null(strstr(r.body, "fc_service_queue_depth{service=\"intake\",queue=\"outbox\"}"));
    assert_non_null(strstr(r.body, "fc_service_up{service=\"intake\"} 1"));
    assert_non_null(strstr(r.body, "fc_service_up{service=\"report\"} 1"));
    assert_non_null(strstr(r.body, "fc_gateway_queue_depth 0"));
    assert_non_null(strstr(r.body, "fc_gateway_audit_failures_total 0"));
    assert_non_null(strstr(r.body, "fc_service_events_published_total{service=\"intake\"}"));
    gw_resp_fini(&r);
    /* the served document is the committed one, and every path in it is served */
    gw_http(&r, 0, "GET", "/openapi.json", NULL, NULL, NULL);
    assert_int_equal(r.status, 200);
    json_error_t jerr;
    json_t *committed = json_load_file(FC_SOURCE_DIR "/docs/openapi.json", 0, &jerr);
    assert_non_null(committed);
    assert_true(json_equal(committed, r.json));
    const char *path;
    json_t *item;
    json_object_foreach(json_object_get(committed, "paths"), path, item)
    {
        const char *method;
        json_t *op;
        json_object_foreach(item, method, op)
        {
            gw_resp_t x;
            gw_http(&x, 0, strcmp(method, "get") == 0 ? "GET" : "POST", path, NULL,
                    strcmp(method, "post") == 0 ? "{}" : NULL, NULL);
            /* served: anything but "no such route" (API routes answer 401 without a token) */
            if (x.status == 404 || x.status == 405 || x.status == 0)
                fail_msg("%s %s is in the document but not served: %ld", method, path, x.status);
            if (strncmp(path, "/api/", 5) == 0)
                assert_int_equal(x.status, 401);
            gw_resp_fini(&x);
        }
    }
    json_decref(committed);
    gw_resp_fini(&r);
}

int main(void)
{
    fc_log_init("test_gateway_http", FC_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_authorisation_matrix),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_whoami),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_person_search_scope),
        cmocka_unit_test(test_audit),
        cmocka_unit_test(test_idempotency_key),
        cmocka_unit_test(test_fcctl_same_answer),
        cmocka_unit_test(test_slow_clients),
        cmocka_unit_test(test_rate_limit),
        cmocka_unit_test(test_upstream_down_and_silent),
        cmocka_unit_test(test_operations),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}

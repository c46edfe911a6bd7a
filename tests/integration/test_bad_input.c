/* Bad input at a service's door, over real ZeroMQ against a running fc-intake: a malformed
 * envelope, an unknown message type, a message over the size limit, an undecodable payload,
 * bad UTF-8 in a string field, a missing required field, a scope outside the actor's subtree,
 * and a wrong-typed value. Each gets an error reply with a code and the field at fault, is
 * logged, changes nothing, and the service keeps serving. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "fc/v1/intake.pb-c.h"
#include "fc_endpoints.h"
#include "fc_harness.h"
#include "fc_log.h"
#include "fc_pb.h"
#include "fc_rpc.h"

static pid_t s_intake;
static long long s_outbox_after_setup;

static int s_setup(void **state)
{
    (void)state;
    fc_h_init("test_bad_input");
    fc_h_reset();
    s_intake = fc_h_up("intake", NULL);
    assert_int_equal(fc_h_fcctl(NULL, "org add G --name 集团 --kind group >/dev/null"), 0);
    assert_int_equal(fc_h_fcctl(NULL, "org add S1 --parent G --name 一 --kind subsidiary >/dev/null"), 0);
    assert_int_equal(fc_h_fcctl(NULL, "org add S2 --parent G --name 二 --kind subsidiary >/dev/null"), 0);
    assert_int_equal(fc_h_fcctl(NULL, "person add E1 --name 张三 --org S1 >/dev/null"), 0);
    s_outbox_after_setup = fc_h_scalar("SELECT count(*) FROM intake.outbox");
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    int st = fc_h_stop(s_intake, SIGTERM, fc_h_ms(10000));
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    return 0;
}

/* Sends raw envelope bytes; returns the error reply's code and copies its field. */
static int s_send_raw(const uint8_t *env, size_t len, char *field, size_t n)
{
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("intake"), NULL);
    Fc__V1__Envelope *reply = NULL;
    fc_err_t err;
    assert_int_equal(fc_rpc_call_envelope(c, env, len, NULL, &reply, &err), FC_OK);
    int code = reply->error ? reply->error->code : 0;
    if (field)
        snprintf(field, n, "%s", reply->error ? reply->error->field : "");
    assert_true(!reply->error || strlen(reply->error->message) > 0);
    fc__v1__envelope__free_unpacked(reply, NULL);
    fc_rpc_client_destroy(&c);
    return code;
}

static int s_send(const char *type, const uint8_t *payload, size_t plen, const char *scope,
                  const char *role, char *field, size_t n)
{
    char id[FC_ID_LEN + 1];
    fc_id_new(id);
    size_t len;
    uint8_t *env = fc_rpc_pack_request(type, id, "tester", role, scope, 0, payload, plen, &len);
    int code = s_send_raw(env, len, field, n);
    free(env);
    return code;
}

static void s_assert_unchanged(void)
{
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.health_checkin"), 0);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.outbox"), s_outbox_after_setup);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.person"), 1);
    assert_int_equal(fc_h_wait_healthy("intake", 2000), 0); /* still serving */
}

static uint8_t *s_checkin(const char *emp, int temp, size_t *len)
{
    Fc__V1__HealthCheckin c = FC__V1__HEALTH_CHECKIN__INIT;
    c.employee_no = (char *)emp;
    c.temperature_dc = temp;
    Fc__V1__HealthCheckin *items[] = {&c};
    Fc__V1__HealthCheckinRequest req = FC__V1__HEALTH_CHECKIN_REQUEST__INIT;
    req.checkins = items;
    req.n_checkins = 1;
    return fc_pb_pack(&req.base, len);
}

static void test_malformed_envelopes(void **state)
{
    (void)state;
    char field[96];
    uint8_t junk[64];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)(i * 37 + 11);
    assert_int_equal(s_send_raw(junk, sizeof junk, field, sizeof field), FC_EINVAL);
    assert_string_equal(field, "envelope");
    assert_int_equal(s_send_raw((const uint8_t *)"", 0, field, sizeof field), FC_EINVAL);
    s_assert_unchanged();
}

static void test_unknown_type_and_oversize(void **state)
{
    (void)state;
    char field[96];
    assert_int_equal(s_send("intake.no_such_thing", NULL, 0, "", "service", field, sizeof field),
                     FC_EINVAL);
    assert_string_equal(field, "type");
    size_t big = FC_PB_MAX_MESSAGE + 1;
    uint8_t *payload = calloc(1, big);
    assert_int_equal(s_send("intake.health_checkin", payload, big, "", "service", field,
                            sizeof field),
                     FC_ETOOBIG);
    free(payload);
    s_assert_unchanged();
}

static void test_bad_payloads(void **state)
{
    (void)state;
    char field[96];
    /* not the declared message: a wire-type clash on field 1 */
    const uint8_t clash[] = {0x08, 0x96, 0x01};
    assert_int_equal(s_send("intake.health_checkin", clash, sizeof clash, "", "service", field,
                            sizeof field),
                     FC_EINVAL);
    assert_string_equal(field, "payload");
    size_t len;
    uint8_t *p = s_checkin("E\xC3\x28", 365, &len);
    assert_int_equal(s_send("intake.health_checkin", p, len, "", "service", field, sizeof field),
                     FC_EINVAL);
    assert_string_equal(field, "payload.checkins[0].employee_no");
    free(p);
    /* a value out of range and an unknown person */
    p = s_checkin("E1", 455, &len);
    assert_int_equal(s_send("intake.health_checkin", p, len, "", "service", field, sizeof field),
                     FC_EINVAL);
    assert_string_equal(field, "checkins[0].temperature_dc");
    free(p);
    p = s_checkin("NOBODY", 365, &len);
    assert_int_equal(s_send("intake.health_checkin", p, len, "", "service", field, sizeof field),
                     FC_ENOTFOUND);
    assert_string_equal(field, "checkins[0].employee_no");
    free(p);
    /* a missing required field */
    Fc__V1__PersonGetRequest g = FC__V1__PERSON_GET_REQUEST__INIT;
    p = fc_pb_pack(&g.base, &len);
    assert_int_equal(s_send("intake.person_get", p, len, "", "service", field, sizeof field),
                     FC_EINVAL);
    assert_string_equal(field, "employee_no");
    free(p);
    /* an empty batch */
    Fc__V1__HealthCheckinRequest empty = FC__V1__HEALTH_CHECKIN_REQUEST__INIT;
    p = fc_pb_pack(&empty.base, &len);
    assert_int_equal(s_send("intake.health_checkin", p, len, "", "service", field, sizeof field),
                     FC_EINVAL);
    assert_string_equal(field, "checkins");
    free(p);
    s_assert_unchanged();
}

static void test_scope(void **state)
{
    (void)state;
    char field[96];
    size_t len;
    uint8_t *p = s_checkin("E1", 365, &len);
    /* an administrator of S2 may not record for a person of S1; no scope at all is refused */
    assert_int_equal(s_send("intake.health_checkin", p, len, "S2", "org_admin", field,
                            sizeof field),
                     FC_EDENIED);
    assert_string_equal(field, "checkins[0].employee_no");
    assert_int_equal(s_send("intake.health_checkin", p, len, "", "org_admin", field, sizeof field),
                     FC_EDENIED);
    assert_int_equal(s_send("intake.health_checkin", p, len, "NOPE", "org_admin", field,
                            sizeof field),
                     FC_EDENIED);
    s_assert_unchanged();
    /* inside its subtree it works */
    assert_int_equal(s_send("intake.health_checkin", p, len, "S1", "org_admin", field,
                            sizeof field),
                     0);
    free(p);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.health_checkin"), 1);
}

int main(void)
{
    fc_log_init("test_bad_input", FC_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_malformed_envelopes),
        cmocka_unit_test(test_unknown_type_and_oversize),
        cmocka_unit_test(test_bad_payloads),
        cmocka_unit_test(test_scope),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}

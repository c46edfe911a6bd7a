/* Unit tests for fc_pb and fc_pbjson: UTF-8, size caps, required fields, JSON mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fc/v1/intake.pb-c.h"
#include "fc_pb.h"
#include "fc_pbjson.h"

static void test_utf8(void **state)
{
    (void)state;
    assert_true(fc_utf8_valid("", 0));
    assert_true(fc_utf8_valid("健康 ok", strlen("健康 ok")));
    assert_true(fc_utf8_valid("\xF0\x9F\x98\x80", 4)); /* emoji */
    assert_false(fc_utf8_valid("\xC0\xAF", 2));         /* overlong */
    assert_false(fc_utf8_valid("\xED\xA0\x80", 3));     /* surrogate */
    assert_false(fc_utf8_valid("\xF4\x90\x80\x80", 4)); /* > U+10FFFF */
    assert_false(fc_utf8_valid("\xE5\x81", 2));         /* truncated */
    assert_false(fc_utf8_valid("\xFF", 1));
}

static uint8_t *s_pack_checkins(const char *emp, size_t *len)
{
    Fc__V1__HealthCheckin c = FC__V1__HEALTH_CHECKIN__INIT;
    c.employee_no = (char *)emp;
    c.temperature_dc = 365;
    Fc__V1__HealthCheckin *items[] = {&c, &c};
    Fc__V1__HealthCheckinRequest req = FC__V1__HEALTH_CHECKIN_REQUEST__INIT;
    req.checkins = items;
    req.n_checkins = 2;
    return fc_pb_pack(&req.base, len);
}

static void test_unpack_checks(void **state)
{
    (void)state;
    size_t len;
    fc_err_t err;
    uint8_t *buf = s_pack_checkins("E001", &len);
    ProtobufCMessage *m = fc_pb_unpack(&fc__v1__health_checkin_request__descriptor, buf, len,
                                       FC_PB_MAX_MESSAGE, NULL, "payload", &err);
    assert_non_null(m);
    protobuf_c_message_free_unpacked(m, NULL);
    /* size cap */
    fc_err_clear(&err);
    m = fc_pb_unpack(&fc__v1__health_checkin_request__descriptor, buf, len, len - 1, NULL,
                     "payload", &err);
    assert_null(m);
    assert_int_equal(err.code, FC_ETOOBIG);
    free(buf);
    /* bad UTF-8 in a nested repeated message names the path */
    buf = s_pack_checkins("E\xFF", &len);
    fc_err_clear(&err);
    m = fc_pb_unpack(&fc__v1__health_checkin_request__descriptor, buf, len, FC_PB_MAX_MESSAGE,
                     NULL, "payload", &err);
    assert_null(m);
    assert_int_equal(err.code, FC_EINVAL);
    assert_string_equal(err.field, "payload.checkins[0].employee_no");
    free(buf);
    /* garbage */
    uint8_t junk[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01};
    fc_err_clear(&err);
    m = fc_pb_unpack(&fc__v1__health_checkin_request__descriptor, junk, sizeof junk,
                     FC_PB_MAX_MESSAGE, NULL, "payload", &err);
    assert_null(m);
    assert_int_equal(err.code, FC_EINVAL);
    assert_string_equal(err.field, "payload");
    /* field number 0 in an overlong tag (80 00): protobuf-c decodes it but packs "00", which
     * it cannot decode again; so a request stored packed (an import chunk) could not be read
     * back. Found by tests/fuzz/payload. */
    uint8_t tag0[] = {0x80, 0x00, 0x02};
    fc_err_clear(&err);
    m = fc_pb_unpack(&fc__v1__health_checkin_request__descriptor, tag0, sizeof tag0,
                     FC_PB_MAX_MESSAGE, NULL, "payload", &err);
    assert_null(m);
    assert_int_equal(err.code, FC_EINVAL);
    assert_string_equal(err.field, "payload");
}

static void test_arena_unpack(void **state)
{
    (void)state;
    size_t len;
    uint8_t *buf = s_pack_checkins("E002", &len);
    fc_arena_t *arena = fc_arena_new(1024);
    ProtobufCAllocator alloc;
    fc_pb_arena_allocator(&alloc, arena);
    Fc__V1__HealthCheckinRequest *m = (Fc__V1__HealthCheckinRequest *)fc_pb_unpack(
        &fc__v1__health_checkin_request__descriptor, buf, len, FC_PB_MAX_MESSAGE, &alloc, "p",
        NULL);
    assert_non_null(m);
    assert_string_equal(m->checkins[1]->employee_no, "E002");
    fc_arena_destroy(&arena); /* everything goes with the arena */
    free(buf);
}

static void test_require(void **state)
{
    (void)state;
    Fc__V1__Person p = FC__V1__PERSON__INIT;
    fc_err_t err;
    assert_int_equal(fc_pb_require(&p.base, "employee_no", &err), FC_EINVAL);
    assert_string_equal(err.field, "employee_no");
    p.employee_no = "E1";
    p.name = "张三";
    assert_int_equal(fc_pb_require(&p.base, "employee_no,name", &err), FC_OK);
    assert_int_equal(fc_pb_require(&p.base, "employee_no,fit_for_frontline", &err), FC_EINVAL);
    assert_string_equal(err.field, "fit_for_frontline");
}

static void test_json_roundtrip(void **state)
{
    (void)state;
    const char *text = "{\"checkins\": [{\"employee_no\": \"E1\", \"temperature_dc\": 372,"
                       " \"symptoms\": [\"咳嗽\"], \"at_us\": 1763800000000000}]}";
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    fc_err_t err;
    ProtobufCMessage *m =
        fc_pbjson_to_message(&fc__v1__health_checkin_request__descriptor, j, &err);
    assert_non_null(m);
    Fc__V1__HealthCheckinRequest *r = (Fc__V1__HealthCheckinRequest *)m;
    assert_int_equal(r->n_checkins, 1);
    assert_string_equal(r->checkins[0]->symptoms[0], "咳嗽");
    assert_true(r->checkins[0]->at_us == 1763800000000000LL);
    assert_string_equal(r->checkins[0]->note, ""); /* unset string stays the default */
    json_t *back = fc_pbjson_from_message(m);
    json_t *c0 = json_array_get(json_object_get(back, "checkins"), 0);
    assert_int_equal(json_integer_value(json_object_get(c0, "temperature_dc")), 372);
    json_decref(back);
    protobuf_c_message_free_unpacked(m, NULL);
    json_decref(j);

    Fc__V1__Person p = FC__V1__PERSON__INIT;
    p.health_status = FC__V1__HEALTH_STATUS__HEALTH_STATUS_QUARANTINED;
    json_t *pj = fc_pbjson_from_message(&p.base);
    assert_string_equal(json_string_value(json_object_get(pj, "health_status")),
                        "HEALTH_STATUS_QUARANTINED");
    json_decref(pj);
}

static void s_expect_json_error(const char *text, const char *field, const char *why)
{
    json_error_t jerr;
    json_t *j = json_loads(text, JSON_ALLOW_NUL, &jerr);
    assert_non_null(j);
    fc_err_t err;
    fc_err_clear(&err);
    ProtobufCMessage *m =
        fc_pbjson_to_message(&fc__v1__health_checkin_request__descriptor, j, &err);
    assert_null(m);
    assert_int_equal(err.code, FC_EINVAL);
    assert_string_equal(err.field, field);
    assert_non_null(strstr(err.message, why));
    json_decref(j);
}

static void test_json_errors(void **state)
{
    (void)state;
    s_expect_json_error("{\"checkins\": [{\"employee_no\": \"E1\", \"bogus\": 1}]}",
                        "checkins[0].bogus", "unknown field");
    s_expect_json_error("{\"checkins\": [{\"temperature_dc\": \"hot\"}]}",
                        "checkins[0].temperature_dc", "expected an integer");
    s_expect_json_error("{\"checkins\": [{\"temperature_dc\": 99999999999}]}",
                        "checkins[0].temperature_dc", "out of range");
    s_expect_json_error("{\"checkins\": {}}", "checkins", "expected an array");
    s_expect_json_error("{\"checkins\": [{\"employee_no\": 5}]}", "checkins[0].employee_no",
                        "expected a string");
    s_expect_json_error("{\"checkins\": [{\"employee_no\": \"a\\u0000b\"}]}",
                        "checkins[0].employee_no", "UTF-8");
    s_expect_json_error("[1]", "body", "expected a JSON object");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8),         cmocka_unit_test(test_unpack_checks),
        cmocka_unit_test(test_arena_unpack), cmocka_unit_test(test_require),
        cmocka_unit_test(test_json_roundtrip), cmocka_unit_test(test_json_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

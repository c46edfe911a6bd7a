/* test_welfare_supply_policy: the "supplies" key of welfare.json — the repository's file, the
 * defaults, and every bad value refused with its path. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "welfare_supply.h"
#include "fc_policy.h"

#include <jansson.h>
#include <string.h>

static int s_parse(const char *text, welfare_supply_policy_t *p, const json_t **items,
                   fc_err_t *err)
{
    json_error_t je;
    json_t *doc = json_loads(text, 0, &je);
    assert_non_null(doc);
    int rc = welfare_supply_policy_parse(doc, p, items, err);
    json_decref(doc);
    return rc;
}

static void test_repository_file(void **state)
{
    (void)state;
    fc_err_t err;
    json_t *doc = fc_policy_load(FC_SOURCE_DIR "/infra/policy", "welfare", &err);
    assert_non_null(doc);
    welfare_supply_policy_t p;
    const json_t *items = NULL;
    assert_int_equal(welfare_supply_policy_parse(doc, &p, &items, &err), FC_OK);
    assert_int_equal(json_object_size(items), 9);
    assert_string_equal(json_string_value(json_object_get(json_object_get(items, "mask"), "unit")),
                        "只");
    assert_int_equal(p.need_due_hour, 10);
    assert_int_equal(p.request_wait_hours, 24);
    json_decref(doc);
}

static void test_defaults(void **state)
{
    (void)state;
    fc_err_t err;
    welfare_supply_policy_t p;
    const json_t *items = (const json_t *)1;
    assert_int_equal(s_parse("{}", &p, &items, &err), FC_OK);
    assert_null(items);
    assert_int_equal(p.need_due_hour, 10);
    assert_int_equal(p.max_quantity, 100000000);
    assert_int_equal(p.request_wait_hours, 24);
}

static void test_bad_values(void **state)
{
    (void)state;
    static const struct {
        const char *json, *field;
    } bad[] = {
        {"{\"supplies\": 3}", "supplies"},
        {"{\"supplies\": {\"stock\": 1}}", "supplies"},
        {"{\"supplies\": {\"need_due_hour\": 24}}", "supplies.need_due_hour"},
        {"{\"supplies\": {\"need_due_hour\": \"10\"}}", "supplies.need_due_hour"},
        {"{\"supplies\": {\"max_quantity\": 0}}", "supplies.max_quantity"},
        {"{\"supplies\": {\"request_wait_hours\": -1}}", "supplies.request_wait_hours"},
        {"{\"supplies\": {\"items\": []}}", "supplies.items"},
        {"{\"supplies\": {\"items\": {\"mask\": 1}}}", "supplies.items.mask"},
        {"{\"supplies\": {\"items\": {\"Mask\": {\"name\": \"口罩\", \"unit\": \"只\","
         " \"category\": \"protective\"}}}}",
         "supplies.items.Mask.code"},
        {"{\"supplies\": {\"items\": {\"mask\": {\"unit\": \"只\", \"category\": "
         "\"protective\"}}}}",
         "supplies.items.mask.name"},
        {"{\"supplies\": {\"items\": {\"mask\": {\"name\": \"口罩\", \"category\": \"daily\"}}}}",
         "supplies.items.mask.unit"},
        {"{\"supplies\": {\"items\": {\"mask\": {\"name\": \"口罩\", \"unit\": \"只\","
         " \"category\": \"food\"}}}}",
         "supplies.items.mask.category"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fc_err_t err;
        memset(&err, 0, sizeof err);
        welfare_supply_policy_t p;
        int rc = s_parse(bad[i].json, &p, NULL, &err);
        if (rc != FC_EINVAL || strcmp(err.field, bad[i].field) != 0)
            fail_msg("%s: got %d field \"%s\" (%s), want EINVAL on %s", bad[i].json, rc, err.field,
                     err.message, bad[i].field);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repository_file),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_bad_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

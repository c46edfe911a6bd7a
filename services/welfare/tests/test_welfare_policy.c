/* test_welfare_policy: the pure parts of welfare: the policy file (the repo's own, defaults,
 * every kind of bad value refused with its path) and the input rules (codes, amounts, funds,
 * kinds, idempotency keys, texts), and amounts shown in yuan. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "welfare_policy.h"
#include "welfare_rules.h"

#include <jansson.h>
#include <string.h>

static int s_parse(const char *text, welfare_policy_t *p, fc_err_t *err)
{
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    assert_non_null(doc);
    fc_err_clear(err);
    int rc = welfare_policy_parse(doc, p, err);
    json_decref(doc);
    return rc;
}

static void test_repo_policy(void **state)
{
    (void)state;
    welfare_policy_t p;
    fc_err_t err;
    int rc = welfare_policy_load(FC_SOURCE_DIR "/infra/policy", &p, &err);
    if (rc != FC_OK)
        print_error("%s: %s\n", err.field, err.message);
    assert_int_equal(rc, FC_OK);
    /* the national 2020 rates: class I 300 CNY, class II 200 CNY per person per day */
    const welfare_kind_policy_t *sub = &p.kinds[WELFARE_KIND_FRONTLINE_SUBSIDY];
    assert_int_equal(sub->by_risk_class[1], 30000);
    assert_int_equal(sub->by_risk_class[2], 20000);
    assert_int_equal(sub->funds[0], WELFARE_FUND_EPIDEMIC_SUBSIDY);
    /* hardship from retained Party fees (000 §5) */
    assert_int_equal(p.kinds[WELFARE_KIND_HARDSHIP].nfunds, 1);
    assert_int_equal(p.kinds[WELFARE_KIND_HARDSHIP].funds[0], WELFARE_FUND_RETAINED_PARTY_FEE);
    assert_int_equal(p.kinds[WELFARE_KIND_HARDSHIP].auto_approve_max_fen, 0);
    /* condolence from the special fee, then the matching funds (000 §1) */
    const welfare_kind_policy_t *c = &p.kinds[WELFARE_KIND_CONDOLENCE];
    assert_int_equal(c->nfunds, 2);
    assert_int_equal(c->funds[1], WELFARE_FUND_MATCHING);
    assert_true(c->by_incident[WELFARE_INCIDENT_DIED] > c->by_incident[WELFARE_INCIDENT_INJURED]);
    assert_true(p.kinds[WELFARE_KIND_INSURANCE_CLAIM].aid_team_only);
    assert_int_equal(p.visit_every_days, 30);
}

static void test_defaults_and_overrides(void **state)
{
    (void)state;
    welfare_policy_t p;
    fc_err_t err;
    assert_int_equal(s_parse("{}", &p, &err), FC_OK);
    assert_int_equal(p.pending_ttl_days, 30);
    assert_int_equal(p.kinds[WELFARE_KIND_FRONTLINE_SUBSIDY].by_risk_class[1], 30000);
    assert_int_equal(s_parse("{\"kinds\": {\"frontline_subsidy\": {\"by_risk_class\":"
                             " {\"1\": 40000, \"2\": 25000}, \"max_fen\": 40000,"
                             " \"auto_approve_max_fen\": 40000}},"
                             " \"family_care\": {\"visit_every_days\": 14}}",
                             &p, &err),
                     FC_OK);
    assert_int_equal(p.kinds[WELFARE_KIND_FRONTLINE_SUBSIDY].by_risk_class[1], 40000);
    assert_int_equal(p.visit_every_days, 14);
}

static void test_bad_policies(void **state)
{
    (void)state;
    struct {
        const char *json, *path;
    } bad[] = {
        {"{\"pending_ttl_days\": 0}", "pending_ttl_days"},
        {"{\"pending_ttl_days\": \"30\"}", "pending_ttl_days"},
        {"{\"max_transfer_fen\": -1}", "max_transfer_fen"},
        {"{\"typo\": 1}", ""},
        {"{\"kinds\": {\"lottery\": {}}}", "kinds"},
        {"{\"kinds\": {\"hardship\": {\"funds\": [\"cash\"]}}}", "kinds.hardship.funds"},
        {"{\"kinds\": {\"hardship\": {\"funds\": []}}}", "kinds.hardship.funds"},
        {"{\"kinds\": {\"hardship\": {\"funds\": [\"matching\", \"matching\"]}}}",
         "kinds.hardship.funds"},
        {"{\"kinds\": {\"hardship\": {\"max_fen\": 0}}}", "kinds.hardship.max_fen"},
        {"{\"kinds\": {\"hardship\": {\"auto_approve_max_fen\": 99999999}}}",
         "kinds.hardship.auto_approve_max_fen"},
        {"{\"kinds\": {\"hardship\": {\"aid_team_only\": 1}}}", "kinds.hardship.aid_team_only"},
        {"{\"kinds\": {\"condolence\": {\"by_incident\": {\"flood\": 5}}}}",
         "kinds.condolence.by_incident"},
        {"{\"kinds\": {\"condolence\": {\"by_incident\": {\"died\": -5}}}}",
         "kinds.condolence.by_incident.died"},
        {"{\"kinds\": {\"frontline_subsidy\": {\"by_risk_class\": {\"1\": 10000}}}}",
         "kinds.frontline_subsidy.by_risk_class"},
        {"{\"kinds\": {\"frontline_subsidy\": {\"by_risk_class\": {\"3\": 10000}}}}",
         "kinds.frontline_subsidy.by_risk_class"},
        {"{\"family_care\": {\"visit_every_days\": 0}}", "family_care.visit_every_days"},
        {"{\"family_care\": []}", "family_care"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        welfare_policy_t p;
        fc_err_t err;
        int rc = s_parse(bad[i].json, &p, &err);
        if (rc != FC_EINVAL || strcmp(err.field, bad[i].path) != 0)
            print_error("%s: got %d at \"%s\" (%s), want the path \"%s\"\n", bad[i].json, rc,
                        err.field, err.message, bad[i].path);
        assert_int_equal(rc, FC_EINVAL);
        assert_string_equal(err.field, bad[i].path);
    }
}

static void test_rules(void **state)
{
    (void)state;
    fc_err_t err;
    int code = -1;
    assert_int_equal(welfare_rules_amount("amount_fen", 1, 10, &err), FC_OK);
    assert_int_equal(welfare_rules_amount("amount_fen", 10, 10, &err), FC_OK);
    assert_int_equal(welfare_rules_amount("amount_fen", 0, 10, &err), FC_EINVAL);
    assert_int_equal(welfare_rules_amount("amount_fen", -1, 10, &err), FC_EINVAL);
    assert_int_equal(welfare_rules_amount("amount_fen", INT64_MIN, 10, &err), FC_EINVAL);
    assert_int_equal(welfare_rules_amount("amount_fen", 11, 10, &err), FC_EINVAL);
    assert_string_equal(err.field, "amount_fen");
    assert_non_null(strstr(err.message, "0.11 元"));
    assert_int_equal(welfare_rules_code("org_code", "S-1.a_b", &err), FC_OK);
    assert_int_equal(welfare_rules_code("org_code", "", &err), FC_EINVAL);
    assert_int_equal(welfare_rules_code("org_code", "有", &err), FC_EINVAL);
    assert_int_equal(welfare_rules_code("org_code", "123456789012345678901234567890123", &err),
                     FC_EINVAL);
    assert_int_equal(welfare_rules_fund("fund", "retained_party_fee", &code, &err), FC_OK);
    assert_int_equal(code, WELFARE_FUND_RETAINED_PARTY_FEE);
    assert_int_equal(welfare_rules_fund("fund", "Matching", &code, &err), FC_EINVAL);
    assert_int_equal(welfare_rules_fund("fund", NULL, &code, &err), FC_EINVAL);
    assert_int_equal(welfare_rules_kind("kind", "insurance_claim", &code, &err), FC_OK);
    assert_int_equal(code, WELFARE_KIND_INSURANCE_CLAIM);
    assert_int_equal(welfare_rules_kind("kind", "bonus", &code, &err), FC_EINVAL);
    assert_int_equal(welfare_rules_key("k", "2026-11/E1:hardship", 1, &err), FC_OK);
    assert_int_equal(welfare_rules_key("k", "", 0, &err), FC_OK);
    assert_int_equal(welfare_rules_key("k", "", 1, &err), FC_EINVAL);
    assert_int_equal(welfare_rules_key("k", "a b", 1, &err), FC_EINVAL);
    assert_int_equal(welfare_rules_key("k", "键", 1, &err), FC_EINVAL);
    assert_int_equal(welfare_rules_key("k", "auto:x", 1, &err), FC_EINVAL);
    char longkey[WELFARE_KEY_MAX + 2];
    memset(longkey, 'k', sizeof longkey - 1);
    longkey[sizeof longkey - 1] = '\0';
    assert_int_equal(welfare_rules_key("k", longkey, 1, &err), FC_EINVAL);
    assert_int_equal(welfare_rules_text("note", "", 10, 1, &err), FC_EINVAL);
    assert_int_equal(welfare_rules_text("note", "", 10, 0, &err), FC_OK);
    assert_int_equal(welfare_rules_text("note", "12345678901", 10, 0, &err), FC_EINVAL);
    assert_int_equal(welfare_rules_state("state", "reversed", &err), FC_OK);
    assert_int_equal(welfare_rules_state("state", "approved", &err), FC_EINVAL);
}

static void test_yuan(void **state)
{
    (void)state;
    char b[48];
    assert_string_equal(welfare_yuan(0, b, sizeof b), "0.00 元");
    assert_string_equal(welfare_yuan(5, b, sizeof b), "0.05 元");
    assert_string_equal(welfare_yuan(30000, b, sizeof b), "300.00 元");
    assert_string_equal(welfare_yuan(-123456, b, sizeof b), "-1234.56 元");
    assert_string_equal(welfare_yuan(INT64_MIN, b, sizeof b), "-92233720368547758.08 元");
    assert_string_equal(welfare_fund_label(WELFARE_FUND_RETAINED_PARTY_FEE), "留存党费");
    assert_string_equal(welfare_state_label("awaiting_funds"), "资金不足待拨付");
    assert_int_equal(welfare_incident_code("died"), WELFARE_INCIDENT_DIED);
    assert_int_equal(welfare_incident_code("drowned"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repo_policy),  cmocka_unit_test(test_defaults_and_overrides),
        cmocka_unit_test(test_bad_policies), cmocka_unit_test(test_rules),
        cmocka_unit_test(test_yuan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

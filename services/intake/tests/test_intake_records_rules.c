/* Unit tests of intake_records' door rules: every rule of the fault-tolerance, clarification,
 * discrimination and village records broken once, naming its field, and the transition table
 * of a discrimination case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "fc_clock.h"
#include "intake_records.h"

#define NOW (1763800000LL * FC_US_PER_S)
#define DAY FC_US_PER_DAY

static void s_field(int rc, const fc_err_t *err, int want_rc, const char *field)
{
    assert_int_equal(rc, want_rc);
    if (want_rc != FC_OK)
        assert_string_equal(err->field, field);
}

static Fc__V1__FaultToleranceRecord s_fault(void)
{
    Fc__V1__FaultToleranceRecord r = FC__V1__FAULT_TOLERANCE_RECORD__INIT;
    r.employee_no = "L1";
    r.mistake = "卡口封闭过早";
    r.reasons = "形势严峻";
    r.decided_by = "集团党委";
    r.decided_us = NOW - DAY;
    return r;
}

static void test_fault(void **state)
{
    (void)state;
    fc_err_t err;
    Fc__V1__FaultToleranceRecord r = s_fault();
    s_field(intake_records_rules_fault(&r, NOW, &err), &err, FC_OK, NULL);
    r.employee_no = "bad no";
    s_field(intake_records_rules_fault(&r, NOW, &err), &err, FC_EINVAL, "employee_no");
    r = s_fault();
    r.mistake = "";
    s_field(intake_records_rules_fault(&r, NOW, &err), &err, FC_EINVAL, "mistake");
    r = s_fault();
    r.reasons = "";
    s_field(intake_records_rules_fault(&r, NOW, &err), &err, FC_EINVAL, "reasons");
    r = s_fault();
    r.decided_by = "";
    s_field(intake_records_rules_fault(&r, NOW, &err), &err, FC_EINVAL, "decided_by");
    r = s_fault();
    r.decided_us = NOW + DAY;
    s_field(intake_records_rules_fault(&r, NOW, &err), &err, FC_EINVAL, "decided_us");
    r = s_fault();
    r.decided_us = NOW - 4 * 366 * DAY;
    s_field(intake_records_rules_fault(&r, NOW, &err), &err, FC_EINVAL, "decided_us");
    /* what it clears: known kinds, ids, nothing twice */
    Fc__V1__ClearedRecord a = FC__V1__CLEARED_RECORD__INIT, b = FC__V1__CLEARED_RECORD__INIT;
    Fc__V1__ClearedRecord *list[] = {&a, &b};
    a.kind = "key_event";
    a.record_id = 3;
    b.kind = "merit";
    b.record_id = 3;
    r = s_fault();
    r.cleared = list;
    r.n_cleared = 2;
    s_field(intake_records_rules_fault(&r, NOW, &err), &err, FC_OK, NULL);
    b.kind = "key_event";
    s_field(intake_records_rules_fault(&r, NOW, &err), &err, FC_EINVAL, "cleared[1]");
    b.kind = "duty";
    s_field(intake_records_rules_fault(&r, NOW, &err), &err, FC_EINVAL, "cleared[1].kind");
    b.kind = "merit";
    b.record_id = 0;
    s_field(intake_records_rules_fault(&r, NOW, &err), &err, FC_EINVAL, "cleared[1].record_id");
}

static void test_clarification(void **state)
{
    (void)state;
    fc_err_t err;
    Fc__V1__ClarificationRecord r = FC__V1__CLARIFICATION_RECORD__INIT;
    r.employee_no = "L1";
    r.complaint = "举报";
    r.findings = "不实";
    r.decided_by = "纪委";
    r.complaint_us = NOW - 3 * DAY;
    r.clarified_us = NOW - DAY;
    s_field(intake_records_rules_clarification(&r, NOW, &err), &err, FC_OK, NULL);
    r.clarified_us = NOW - 4 * DAY;
    s_field(intake_records_rules_clarification(&r, NOW, &err), &err, FC_EINVAL, "clarified_us");
    r.clarified_us = NOW + DAY;
    s_field(intake_records_rules_clarification(&r, NOW, &err), &err, FC_EINVAL, "clarified_us");
    r.clarified_us = NOW;
    r.complaint_us = 0;
    s_field(intake_records_rules_clarification(&r, NOW, &err), &err, FC_EINVAL, "complaint_us");
    r.complaint_us = NOW + DAY;
    s_field(intake_records_rules_clarification(&r, NOW, &err), &err, FC_EINVAL, "complaint_us");
    r.complaint_us = NOW - DAY;
    r.findings = "";
    s_field(intake_records_rules_clarification(&r, NOW, &err), &err, FC_EINVAL, "findings");
    r.findings = "不实";
    r.accuser_action = "a\001b";
    s_field(intake_records_rules_clarification(&r, NOW, &err), &err, FC_EINVAL, "accuser_action");
}

static void test_discrimination(void **state)
{
    (void)state;
    fc_err_t err;
    Fc__V1__DiscriminationCase c = FC__V1__DISCRIMINATION_CASE__INIT;
    c.employee_no = "F1";
    c.victim = "family";
    c.family_member = "母亲";
    c.description = "被拒绝进入小区";
    c.reported_by = "支部书记";
    c.reported_us = NOW;
    s_field(intake_records_rules_discrimination(&c, NOW, &err), &err, FC_OK, NULL);
    c.family_member = "";
    s_field(intake_records_rules_discrimination(&c, NOW, &err), &err, FC_EINVAL, "family_member");
    c.victim = "staff";
    s_field(intake_records_rules_discrimination(&c, NOW, &err), &err, FC_OK, NULL);
    c.family_member = "母亲";
    s_field(intake_records_rules_discrimination(&c, NOW, &err), &err, FC_EINVAL, "family_member");
    c.family_member = "";
    c.victim = "neighbour";
    s_field(intake_records_rules_discrimination(&c, NOW, &err), &err, FC_EINVAL, "victim");
    c.victim = "staff";
    c.reported_by = "";
    s_field(intake_records_rules_discrimination(&c, NOW, &err), &err, FC_EINVAL, "reported_by");
    c.reported_by = "x";
    c.reported_us = NOW + DAY;
    s_field(intake_records_rules_discrimination(&c, NOW, &err), &err, FC_EINVAL, "reported_us");
}

static void test_transitions(void **state)
{
    (void)state;
    fc_err_t err;
    const char *next = NULL;
    assert_int_equal(intake_records_next_state("reported", "handling", &next, &err), FC_OK);
    assert_string_equal(next, "handling");
    assert_int_equal(intake_records_next_state("handling", "handling", &next, &err), FC_OK);
    assert_string_equal(next, "handling");
    assert_int_equal(intake_records_next_state("handling", "closed", &next, &err), FC_OK);
    assert_string_equal(next, "closed");
    s_field(intake_records_next_state("reported", "closed", &next, &err), &err, FC_ECONFLICT,
            "step");
    s_field(intake_records_next_state("closed", "handling", &next, &err), &err, FC_ECONFLICT,
            "step");
    s_field(intake_records_next_state("closed", "closed", &next, &err), &err, FC_ECONFLICT, "step");
    s_field(intake_records_next_state("reported", "reported", &next, &err), &err, FC_EINVAL,
            "step");
    s_field(intake_records_next_state("handling", "", &next, &err), &err, FC_EINVAL, "step");
}

static void test_village(void **state)
{
    (void)state;
    fc_err_t err;
    Fc__V1__VillageAssignment a = FC__V1__VILLAGE_ASSIGNMENT__INIT;
    a.employee_no = "V1";
    a.village = "李家村";
    a.start_us = NOW - 10 * DAY;
    a.planned_return_us = NOW + 10 * DAY;
    s_field(intake_records_rules_village(&a, NOW, &err), &err, FC_OK, NULL);
    a.village = "";
    s_field(intake_records_rules_village(&a, NOW, &err), &err, FC_EINVAL, "village");
    a.village = "李家村";
    a.start_us = NOW + DAY;
    s_field(intake_records_rules_village(&a, NOW, &err), &err, FC_EINVAL, "start_us");
    a.start_us = NOW - 10 * DAY;
    a.planned_return_us = NOW - 11 * DAY;
    s_field(intake_records_rules_village(&a, NOW, &err), &err, FC_EINVAL, "planned_return_us");
    a.planned_return_us = 0;
    a.returned_us = NOW;
    s_field(intake_records_rules_village(&a, NOW, &err), &err, FC_EINVAL, "returned_us");
}

/* intake.village_list: each state known, anything else named; limit, offset, org_code */
static void test_village_list(void **state)
{
    (void)state;
    fc_err_t err;
    Fc__V1__VillageListRequest r = FC__V1__VILLAGE_LIST_REQUEST__INIT;
    s_field(intake_records_rules_village_list(&r, &err), &err, FC_OK, NULL);
    const char *ok[] = {"on_assignment", "overdue", "returned", "all"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        r.state = (char *)ok[i];
        s_field(intake_records_rules_village_list(&r, &err), &err, FC_OK, NULL);
    }
    r.state = "Overdue";
    s_field(intake_records_rules_village_list(&r, &err), &err, FC_EINVAL, "state");
    r.state = "all";
    r.limit = -1;
    s_field(intake_records_rules_village_list(&r, &err), &err, FC_EINVAL, "limit");
    r.limit = 100000; /* capped by the handler, not refused */
    s_field(intake_records_rules_village_list(&r, &err), &err, FC_OK, NULL);
    r.offset = -1;
    s_field(intake_records_rules_village_list(&r, &err), &err, FC_EINVAL, "offset");
    r.offset = INTAKE_VILLAGE_LIST_MAX_OFFSET;
    s_field(intake_records_rules_village_list(&r, &err), &err, FC_OK, NULL);
    r.offset = INTAKE_VILLAGE_LIST_MAX_OFFSET + 1;
    s_field(intake_records_rules_village_list(&r, &err), &err, FC_EINVAL, "offset");
    r.offset = 0;
    r.org_code = "S 1";
    s_field(intake_records_rules_village_list(&r, &err), &err, FC_EINVAL, "org_code");
    r.org_code = "S1";
    s_field(intake_records_rules_village_list(&r, &err), &err, FC_OK, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fault),          cmocka_unit_test(test_clarification),
        cmocka_unit_test(test_discrimination), cmocka_unit_test(test_transitions),
        cmocka_unit_test(test_village),
        cmocka_unit_test(test_village_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_intake_rules: every door rule of intake, each broken once: the error code and the
 * field it names. Pure functions over messages; no database. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "intake_rules.h"
#include "fc_clock.h"

#include <stdio.h>
#include <string.h>

#define NOW INT64_C(1795334400000000) /* 2026-11-22T08:00:00Z, a Sunday of 2026-W47 */

/* expr must fail with code naming field (or succeed when code is FC_OK). */
#define EXPECT(expr, want_code, want_field)                                                        \
    do {                                                                                           \
        fc_err_t err_;                                                                             \
        fc_err_clear(&err_);                                                                       \
        fc_err_t *err = &err_;                                                                     \
        int rc_ = (expr);                                                                          \
        if (rc_ != (want_code))                                                                    \
            print_error("%s: got %s (%s: %s), want %s\n", #expr, fc_err_name(rc_), err_.field,     \
                        err_.message, fc_err_name(want_code));                                     \
        assert_int_equal(rc_, (want_code));                                                        \
        if ((want_code) != FC_OK)                                                                  \
            assert_string_equal(err_.field, (want_field));                                         \
    } while (0)

static void test_codes_and_text(void **state)
{
    (void)state;
    EXPECT(intake_rules_code("org_code", "S1-a.b_c", err), FC_OK, "");
    EXPECT(intake_rules_code("org_code", "", err), FC_EINVAL, "org_code");
    EXPECT(intake_rules_code("org_code", "a b", err), FC_EINVAL, "org_code");
    EXPECT(intake_rules_code("org_code", "一公司", err), FC_EINVAL, "org_code");
    EXPECT(intake_rules_code("org_code", "123456789012345678901234567890123", err), FC_EINVAL,
           "org_code");
    EXPECT(intake_rules_text("note", "第一行\n第二行", 100, 1, err), FC_OK, "");
    EXPECT(intake_rules_text("note", "", 100, 1, err), FC_EINVAL, "note");
    EXPECT(intake_rules_text("note", "", 100, 0, err), FC_OK, "");
    EXPECT(intake_rules_text("note", "bell\a", 100, 0, err), FC_EINVAL, "note");
    EXPECT(intake_rules_text("note", "12345", 4, 0, err), FC_EINVAL, "note");
}

static void test_org(void **state)
{
    (void)state;
    Fc__V1__OrgUnit u = FC__V1__ORG_UNIT__INIT;
    u.org_code = "S1";
    u.parent_code = "G";
    u.name = "一公司";
    u.kind = "subsidiary";
    EXPECT(intake_rules_org(&u, err), FC_OK, "");
    u.kind = "department";
    EXPECT(intake_rules_org(&u, err), FC_EINVAL, "kind");
    u.kind = "group";
    EXPECT(intake_rules_org(&u, err), FC_EINVAL, "parent_code");
    u.kind = "branch";
    u.parent_code = "";
    EXPECT(intake_rules_org(&u, err), FC_EINVAL, "parent_code");
    u.parent_code = "S1";
    EXPECT(intake_rules_org(&u, err), FC_EINVAL, "parent_code");
    u.parent_code = "G";
    u.name = "";
    EXPECT(intake_rules_org(&u, err), FC_EINVAL, "name");
}

static void test_person(void **state)
{
    (void)state;
    Fc__V1__Person p = FC__V1__PERSON__INIT;
    p.employee_no = "E1";
    p.name = "张三";
    p.org_code = "B1";
    p.phone = "+86-13800000000";
    EXPECT(intake_rules_person(&p, err), FC_OK, "");
    p.phone = "1380000abc";
    EXPECT(intake_rules_person(&p, err), FC_EINVAL, "phone");
    p.phone = "";
    p.party_status = "leader";
    EXPECT(intake_rules_person(&p, err), FC_EINVAL, "party_status");
    p.party_status = "member";
    p.cadre_level = "general";
    EXPECT(intake_rules_person(&p, err), FC_EINVAL, "cadre_level");
    p.cadre_level = "bureau";
    p.spouse_employee_no = "E1";
    EXPECT(intake_rules_person(&p, err), FC_EINVAL, "spouse_employee_no");
    p.spouse_employee_no = "E 2";
    EXPECT(intake_rules_person(&p, err), FC_EINVAL, "spouse_employee_no");
    p.spouse_employee_no = "";
    p.name = "";
    EXPECT(intake_rules_person(&p, err), FC_EINVAL, "name");
    p.name = "张三";
    p.org_code = "";
    EXPECT(intake_rules_person(&p, err), FC_EINVAL, "org_code");
}

static void test_checkin(void **state)
{
    (void)state;
    Fc__V1__HealthCheckin c = FC__V1__HEALTH_CHECKIN__INIT;
    c.employee_no = "E1";
    c.temperature_dc = 340;
    EXPECT(intake_rules_checkin(&c, NOW, err), FC_OK, "");
    c.temperature_dc = 430;
    EXPECT(intake_rules_checkin(&c, NOW, err), FC_OK, "");
    c.temperature_dc = 339;
    EXPECT(intake_rules_checkin(&c, NOW, err), FC_EINVAL, "temperature_dc");
    c.temperature_dc = 431;
    EXPECT(intake_rules_checkin(&c, NOW, err), FC_EINVAL, "temperature_dc");
    c.temperature_dc = 365;
    c.at_us = NOW + 6 * 60 * FC_US_PER_S;
    EXPECT(intake_rules_checkin(&c, NOW, err), FC_EINVAL, "at_us");
    c.at_us = NOW - 31 * FC_US_PER_DAY;
    EXPECT(intake_rules_checkin(&c, NOW, err), FC_EINVAL, "at_us");
    c.at_us = 0;
    char *sym[] = {"咳嗽", "发热\n乏力"};
    c.symptoms = sym;
    c.n_symptoms = 2;
    EXPECT(intake_rules_checkin(&c, NOW, err), FC_EINVAL, "symptoms");
    c.n_symptoms = 1;
    EXPECT(intake_rules_checkin(&c, NOW, err), FC_OK, "");
}

static void test_health_transitions(void **state)
{
    (void)state;
    enum { H = 1, OBS, Q, S, C, R, D };
    EXPECT(intake_rules_health_transition(H, OBS, err), FC_OK, "");
    EXPECT(intake_rules_health_transition(C, R, err), FC_OK, "");
    EXPECT(intake_rules_health_transition(S, R, err), FC_OK, "");
    EXPECT(intake_rules_health_transition(Q, R, err), FC_OK, "");
    EXPECT(intake_rules_health_transition(H, R, err), FC_ECONFLICT, "health_status");
    EXPECT(intake_rules_health_transition(OBS, R, err), FC_ECONFLICT, "health_status");
    EXPECT(intake_rules_health_transition(D, H, err), FC_ECONFLICT, "health_status");
    EXPECT(intake_rules_health_transition(D, D, err), FC_OK, "");
    EXPECT(intake_rules_health_transition(H, 0, err), FC_EINVAL, "health_status");
    EXPECT(intake_rules_health_transition(H, 8, err), FC_EINVAL, "health_status");
}

static void test_post(void **state)
{
    (void)state;
    Fc__V1__Shift s1 = FC__V1__SHIFT__INIT, s2 = FC__V1__SHIFT__INIT;
    s1.start_min = 480, s1.end_min = 1200, s1.headcount = 2;
    s2.start_min = 1200, s2.end_min = 480, s2.headcount = 2;
    Fc__V1__Shift *shifts[] = {&s1, &s2};
    Fc__V1__Post p = FC__V1__POST__INIT;
    p.post_code = "P1";
    p.org_code = "B1";
    p.name = "北门";
    p.kind = "checkpoint";
    p.risk_class = 1;
    p.shifts = shifts;
    p.n_shifts = 2;
    EXPECT(intake_rules_post(&p, err), FC_OK, "");
    p.kind = "office";
    EXPECT(intake_rules_post(&p, err), FC_EINVAL, "kind");
    p.kind = "commando_team";
    p.risk_class = 3;
    EXPECT(intake_rules_post(&p, err), FC_EINVAL, "risk_class");
    p.risk_class = 2;
    p.n_shifts = 0;
    EXPECT(intake_rules_post(&p, err), FC_EINVAL, "shifts");
    p.n_shifts = 2;
    s2.headcount = 0;
    EXPECT(intake_rules_post(&p, err), FC_EINVAL, "shifts");
    s2.headcount = 2;
    s2.end_min = 1440;
    EXPECT(intake_rules_post(&p, err), FC_EINVAL, "shifts");
    s2.start_min = 480, s2.end_min = 1200;
    EXPECT(intake_rules_post(&p, err), FC_EINVAL, "shifts"); /* the same shift twice */
    s2.start_min = 1200, s2.end_min = 480;
    p.name = "";
    EXPECT(intake_rules_post(&p, err), FC_EINVAL, "name");
}

static void test_duty_span_and_when(void **state)
{
    (void)state;
    int64_t h = 3600 * FC_US_PER_S;
    EXPECT(intake_rules_duty_span(NOW, NOW + 8 * h, err), FC_OK, "");
    EXPECT(intake_rules_duty_span(NOW, NOW + 24 * h, err), FC_OK, "");
    EXPECT(intake_rules_duty_span(NOW, NOW, err), FC_EINVAL, "at_us");
    EXPECT(intake_rules_duty_span(NOW, NOW - h, err), FC_EINVAL, "at_us");
    EXPECT(intake_rules_duty_span(NOW, NOW + 24 * h + 1, err), FC_EINVAL, "at_us");
    EXPECT(intake_rules_when("at_us", NOW + 4 * 60 * FC_US_PER_S, NOW, 30, err), FC_OK, "");
    EXPECT(intake_rules_when("at_us", NOW + 6 * 60 * FC_US_PER_S, NOW, 30, err), FC_EINVAL,
           "at_us");
    EXPECT(intake_rules_when("at_us", NOW - 31 * FC_US_PER_DAY, NOW, 30, err), FC_EINVAL, "at_us");
}

static void test_incident(void **state)
{
    (void)state;
    Fc__V1__IncidentRequest r = FC__V1__INCIDENT_REQUEST__INIT;
    r.employee_no = "E1";
    int status = -1, major = -1;
    r.kind = "died";
    EXPECT(intake_rules_incident(&r, &status, &major, err), FC_OK, "");
    assert_int_equal(status, FC__V1__HEALTH_STATUS__HEALTH_STATUS_DECEASED);
    assert_true(major);
    r.kind = "infected";
    EXPECT(intake_rules_incident(&r, &status, &major, err), FC_OK, "");
    assert_int_equal(status, FC__V1__HEALTH_STATUS__HEALTH_STATUS_CONFIRMED);
    assert_true(major);
    r.kind = "injured";
    EXPECT(intake_rules_incident(&r, &status, &major, err), FC_OK, "");
    assert_int_equal(status, 0);
    assert_false(major);
    r.kind = "lost";
    EXPECT(intake_rules_incident(&r, &status, &major, err), FC_EINVAL, "kind");
}

static void test_cases_and_files(void **state)
{
    (void)state;
    Fc__V1__KeyGroupFile f = FC__V1__KEY_GROUP_FILE__INIT;
    f.employee_no = "E1";
    f.category = "close_contact";
    f.volunteer_employee_no = "E2";
    EXPECT(intake_rules_key_group_file(&f, err), FC_OK, "");
    f.category = "contact";
    EXPECT(intake_rules_key_group_file(&f, err), FC_EINVAL, "category");
    f.category = "fever";
    f.volunteer_employee_no = "E1";
    EXPECT(intake_rules_key_group_file(&f, err), FC_EINVAL, "volunteer_employee_no");
    f.volunteer_employee_no = "";
    EXPECT(intake_rules_key_group_file(&f, err), FC_EINVAL, "volunteer_employee_no");
    f.volunteer_employee_no = "E2";
    f.card_phone = "12";
    EXPECT(intake_rules_key_group_file(&f, err), FC_EINVAL, "card_phone");

    Fc__V1__ServiceContact c = FC__V1__SERVICE_CONTACT__INIT;
    c.file_id = 1;
    c.kind = "groceries";
    c.by_employee_no = "E2";
    EXPECT(intake_rules_service_contact(&c, err), FC_OK, "");
    c.kind = "chat";
    EXPECT(intake_rules_service_contact(&c, err), FC_EINVAL, "kind");
    c.kind = "visit";
    c.file_id = 0;
    EXPECT(intake_rules_service_contact(&c, err), FC_EINVAL, "file_id");

    Fc__V1__HardshipCase h = FC__V1__HARDSHIP_CASE__INIT;
    h.employee_no = "E1";
    h.category = "child_care";
    h.description = "双职工，孩子无人照看";
    h.liaison_employee_no = "E3";
    EXPECT(intake_rules_hardship(&h, err), FC_OK, "");
    h.category = "money";
    EXPECT(intake_rules_hardship(&h, err), FC_EINVAL, "category");
    h.category = "income";
    h.liaison_employee_no = "";
    EXPECT(intake_rules_hardship(&h, err), FC_EINVAL, "liaison_employee_no");
    h.liaison_employee_no = "E1";
    EXPECT(intake_rules_hardship(&h, err), FC_EINVAL, "liaison_employee_no");
    h.liaison_employee_no = "E3";
    h.requested_fen = -1;
    EXPECT(intake_rules_hardship(&h, err), FC_EINVAL, "requested_fen");
    h.requested_fen = 0;
    h.description = "";
    EXPECT(intake_rules_hardship(&h, err), FC_EINVAL, "description");
}

static void test_weekly_report(void **state)
{
    (void)state;
    int64_t monday = 0;
    EXPECT(intake_rules_iso_week("iso_week", "2026-W47", &monday, err), FC_OK, "");
    int y, m, d;
    fc_civil_from_days(monday, &y, &m, &d);
    assert_int_equal(y * 10000 + m * 100 + d, 20261116);
    EXPECT(intake_rules_iso_week("iso_week", "2020-W53", &monday, err), FC_OK, "");
    EXPECT(intake_rules_iso_week("iso_week", "2021-W53", &monday, err), FC_EINVAL, "iso_week");
    EXPECT(intake_rules_iso_week("iso_week", "2026-47", &monday, err), FC_EINVAL, "iso_week");
    EXPECT(intake_rules_iso_week("iso_week", "2026-W4", &monday, err), FC_EINVAL, "iso_week");
    EXPECT(intake_rules_iso_week("iso_week", "2026-W00", &monday, err), FC_EINVAL, "iso_week");
    Fc__V1__WeeklyReport r = FC__V1__WEEKLY_REPORT__INIT;
    r.employee_no = "E1";
    r.org_code = "S1";
    r.iso_week = "2026-W47";
    r.epidemic_duty = "包保北门卡口";
    r.production = "生产稳定";
    EXPECT(intake_rules_weekly_report(&r, NOW, err), FC_OK, "");
    r.iso_week = "2026-W49";
    EXPECT(intake_rules_weekly_report(&r, NOW, err), FC_EINVAL, "iso_week");
    r.iso_week = "2026-W47";
    r.epidemic_duty = "";
    EXPECT(intake_rules_weekly_report(&r, NOW, err), FC_EINVAL, "epidemic_duty");
}

static void test_cadre_records(void **state)
{
    (void)state;
    Fc__V1__CadreKeyEvent e = FC__V1__CADRE_KEY_EVENT__INIT;
    e.employee_no = "E1";
    e.polarity = "good";
    e.description = "靠前指挥";
    EXPECT(intake_rules_cadre_event(&e, err), FC_OK, "");
    e.polarity = "neutral";
    EXPECT(intake_rules_cadre_event(&e, err), FC_EINVAL, "polarity");
    e.polarity = "bad";
    e.description = "";
    EXPECT(intake_rules_cadre_event(&e, err), FC_EINVAL, "description");

    Fc__V1__MeritRecord m = FC__V1__MERIT_RECORD__INIT;
    m.employee_no = "E1";
    m.reason = "表现突出";
    int acc = -1;
    m.kind = "merit";
    EXPECT(intake_rules_merit(&m, &acc, err), FC_OK, "");
    assert_int_equal(acc, 0);
    m.kind = "accountability";
    EXPECT(intake_rules_merit(&m, &acc, err), FC_OK, "");
    assert_int_equal(acc, 1);
    m.kind = "bonus";
    EXPECT(intake_rules_merit(&m, &acc, err), FC_EINVAL, "kind");
    m.kind = "commendation";
    m.reason = "";
    EXPECT(intake_rules_merit(&m, &acc, err), FC_EINVAL, "reason");

    EXPECT(intake_rules_party_candidate("activist", err), FC_OK, "");
    EXPECT(intake_rules_party_candidate("applicant", err), FC_OK, "");
    EXPECT(intake_rules_party_candidate("development_target", err), FC_OK, "");
    EXPECT(intake_rules_party_candidate("member", err), FC_ECONFLICT, "employee_no");
    EXPECT(intake_rules_party_candidate("none", err), FC_ECONFLICT, "employee_no");
}

/* People search: 1..64 characters (not bytes) without control characters; limit >= 0 (the
 * handler caps it); offset 0..10000; a syntactically valid org code when given. */
static void test_person_search(void **state)
{
    (void)state;
    Fc__V1__PersonSearchRequest r = FC__V1__PERSON_SEARCH_REQUEST__INIT;
    char q[300] = "";
    for (int i = 0; i < 64; i++)
        strcat(q, "王");
    r.query = q;
    EXPECT(intake_rules_person_search(&r, err), FC_OK, "");
    strcat(q, "王");
    EXPECT(intake_rules_person_search(&r, err), FC_EINVAL, "query");
    r.query = "";
    EXPECT(intake_rules_person_search(&r, err), FC_EINVAL, "query");
    r.query = "E1\n";
    EXPECT(intake_rules_person_search(&r, err), FC_EINVAL, "query");
    r.query = "E1%_";
    r.limit = 100000;
    r.offset = 10000;
    EXPECT(intake_rules_person_search(&r, err), FC_OK, "");
    r.limit = -1;
    EXPECT(intake_rules_person_search(&r, err), FC_EINVAL, "limit");
    r.limit = 0;
    r.offset = 10001;
    EXPECT(intake_rules_person_search(&r, err), FC_EINVAL, "offset");
    r.offset = -1;
    EXPECT(intake_rules_person_search(&r, err), FC_EINVAL, "offset");
    r.offset = 0;
    r.org_code = "一公司";
    EXPECT(intake_rules_person_search(&r, err), FC_EINVAL, "org_code");
    r.org_code = "S1";
    EXPECT(intake_rules_person_search(&r, err), FC_OK, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codes_and_text),
        cmocka_unit_test(test_org),
        cmocka_unit_test(test_person_search),
        cmocka_unit_test(test_person),
        cmocka_unit_test(test_checkin),
        cmocka_unit_test(test_health_transitions),
        cmocka_unit_test(test_post),
        cmocka_unit_test(test_duty_span_and_when),
        cmocka_unit_test(test_incident),
        cmocka_unit_test(test_cases_and_files),
        cmocka_unit_test(test_weekly_report),
        cmocka_unit_test(test_cadre_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

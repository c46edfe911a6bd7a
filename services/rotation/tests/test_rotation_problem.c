/* test_rotation_problem: the problem file's reader (every bad input a clear error naming the
 * field, never a crash), its writer (a round trip changes nothing), the policy reader, the
 * workload judgement and the offline tool end to end (fc-rotation plan/check/explain/lp). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "rotation_gen.h"
#include "rotation_policy.h"
#include "rotation_problem.h"
#include "rotation_workload.h"
#include "fc_clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A valid problem; each bad case edits it. */
static const char *s_good =
    "{\"format\": \"fc-rotation-problem/1\", \"name\": \"t\","
    " \"horizon\": {\"start\": \"2026-03-02\", \"days\": 7},"
    " \"rules\": {\"max_minutes_per_day\": 720, \"cycles\": [{\"id\": \"long\", \"on_days\": 3,"
    " \"off_days\": 2}]},"
    " \"weights\": {\"fairness_per_minute\": 1},"
    " \"shift_types\": [{\"id\": \"D\", \"start\": \"08:00\", \"minutes\": 480, \"post\": \"P1\","
    " \"risk_class\": 1, \"cycle\": \"long\", \"requires\": [\"u\"], \"cannot_follow\": [\"N\"]},"
    " {\"id\": \"N\", \"start\": \"20:00\", \"minutes\": 720}],"
    " \"people\": [{\"id\": \"A\", \"name\": \"甲\", \"skills\": [\"u\"], \"spouse\": \"B\","
    " \"party_member\": true, \"days_off\": [2], \"unavailable\": [{\"from\":"
    " \"2026-03-04T08:00+08:00\", \"to\": \"2026-03-05\"}], \"history\": [{\"day\": -1,"
    " \"start\": \"20:00\", \"minutes\": 720}]}, {\"id\": \"B\", \"skills\": [\"u\"]},"
    " {\"id\": \"C\", \"max_minutes\": 2000, \"max_shifts\": {\"D\": 2}}],"
    " \"cover\": [{\"shift\": \"D\", \"requirement\": 1}, {\"shift\": \"N\", \"day\": 3,"
    " \"requirement\": 1, \"under_weight\": 50}],"
    " \"requests\": [{\"person\": \"C\", \"day\": 1, \"type\": \"off\", \"weight\": 3}],"
    " \"spouse_overrides\": [{\"people\": [\"A\", \"B\"], \"day\": 4, \"reason\": \"人手不足\"}]}";

static rp_problem_t *s_parse(const char *text, fc_err_t *err)
{
    json_error_t jerr;
    json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        fc_err_set(err, FC_EINVAL, "json", "%s", jerr.text);
        return NULL;
    }
    rp_problem_t *pb = rp_problem_from_json(doc, err);
    json_decref(doc);
    return pb;
}

/* s_good with the first occurrence of from replaced by to. */
static char *s_edit(const char *from, const char *to)
{
    const char *at = strstr(s_good, from);
    assert_non_null(at);
    size_t n = strlen(s_good) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    snprintf(out, n, "%.*s%s%s", (int)(at - s_good), s_good, to, at + strlen(from));
    return out;
}

static void test_good(void **state)
{
    (void)state;
    fc_err_t err;
    rp_problem_t *pb = s_parse(s_good, &err);
    if (!pb)
        print_error("%s: %s\n", err.field, err.message);
    assert_non_null(pb);
    assert_int_equal(pb->npeople, 3);
    assert_int_equal(pb->nshifts, 2);
    assert_int_equal(pb->people[0].spouse, 1);
    assert_int_equal(pb->people[1].spouse, 0);
    assert_int_equal(pb->cover[3 * 2 + 1].requirement, 1);
    assert_int_equal(pb->cover[3 * 2 + 1].under_weight, 50);
    assert_int_equal(pb->cover[1 * 2 + 1].requirement, 0);
    /* 2026-03-04T08:00+08:00 is 2 days + 8 h after the horizon starts */
    assert_int_equal(pb->people[0].unavailable[0].from_min, 2 * 1440 + 480);
    assert_int_equal(pb->people[0].unavailable[0].to_min, 3 * 1440);
    assert_true(rp_problem_override(pb, 0, 1, 4));
    assert_false(rp_problem_override(pb, 0, 1, 5));
    assert_true(rp_problem_is_weekend(pb, 5));  /* Saturday 7 March */
    assert_false(rp_problem_is_weekend(pb, 4)); /* Friday */
    assert_int_equal(rp_problem_weekend_key(pb, 5), rp_problem_weekend_key(pb, 6));
    /* the round trip: written, read back, written again: the same document */
    json_t *a = rp_problem_to_json(pb);
    rp_problem_t *pb2 = rp_problem_from_json(a, &err);
    assert_non_null(pb2);
    json_t *b = rp_problem_to_json(pb2);
    assert_true(json_equal(a, b));
    json_decref(a);
    json_decref(b);
    rp_problem_destroy(&pb2);
    rp_problem_destroy(&pb);
}

static void test_bad_inputs(void **state)
{
    (void)state;
    struct {
        const char *from, *to, *field;
    } cases[] = {
        {"\"name\": \"t\"", "\"nmae\": \"t\"", "nmae"},
        {"\"party_member\": true", "\"party_membr\": true", "people[0].party_membr"},
        {"\"minutes\": 480", "\"minutes\": -480", "shift_types[0].minutes"},
        {"\"minutes\": 480", "\"minutes\": 1500", "shift_types[0].minutes"},
        {"\"minutes\": 480", "\"minutes\": \"8h\"", "shift_types[0].minutes"},
        {"\"spouse\": \"B\"", "\"spouse\": \"A\"", "people[0].spouse"},
        {"\"spouse\": \"B\"", "\"spouse\": \"Z\"", "people[0].spouse"},
        {"{\"id\": \"B\", \"skills\"", "{\"id\": \"B\", \"spouse\": \"C\", \"skills\"",
         "people[1].spouse"},
        {"\"max_minutes\": 2000", "\"max_minutes\": -60", "people[2].max_minutes"},
        {"\"max_minutes_per_day\": 720", "\"max_minutes_per_day\": -1",
         "rules.max_minutes_per_day"},
        {"\"start\": \"08:00\"", "\"start\": \"25:00\"", "shift_types[0].start"},
        {"\"start\": \"2026-03-02\"", "\"start\": \"2026-02-30\"", "horizon.start"},
        {"\"days\": 7", "\"days\": 0", "horizon.days"},
        {"\"cycle\": \"long\"", "\"cycle\": \"short\"", "shift_types[0].cycle"},
        {"\"cannot_follow\": [\"N\"]", "\"cannot_follow\": [\"X\"]",
         "shift_types[0].cannot_follow[0]"},
        {"{\"shift\": \"D\", \"requirement\": 1}", "{\"shift\": \"X\", \"requirement\": 1}",
         "cover[0].shift"},
        {"{\"shift\": \"D\", \"requirement\": 1}", "{\"shift\": \"D\", \"requirement\": -2}",
         "cover[0].requirement"},
        {"\"day\": 3,", "\"day\": 9,", "cover[1].day"},
        {"\"type\": \"off\"", "\"type\": \"maybe\"", "requests[0].type"},
        {"\"person\": \"C\"", "\"person\": \"Q\"", "requests[0].person"},
        {"\"reason\": \"人手不足\"", "\"reason\": \"\"", "spouse_overrides[0].reason"},
        {"\"people\": [\"A\", \"B\"]", "\"people\": [\"A\", \"C\"]", "spouse_overrides[0].people"},
        {"\"days_off\": [2]", "\"days_off\": [7]", "people[0].days_off[0]"},
        {"\"to\": \"2026-03-05\"", "\"to\": \"2026-03-04T07:00+08:00\"",
         "people[0].unavailable[0].to"},
        {"\"history\": [{\"day\": -1", "\"history\": [{\"day\": 1", "people[0].history[0].day"},
        {"{\"id\": \"C\"", "{\"id\": \"A\"", "people[2].id"},
        {"\"format\": \"fc-rotation-problem/1\"", "\"format\": \"nrp\"", "format"},
        {"\"max_shifts\": {\"D\": 2}", "\"max_shifts\": {\"Y\": 2}", "people[2].max_shifts.Y"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = s_edit(cases[i].from, cases[i].to);
        fc_err_t err;
        fc_err_clear(&err);
        rp_problem_t *pb = s_parse(text, &err);
        if (pb || strcmp(err.field, cases[i].field) != 0)
            print_error("case %zu (%s): got %s \"%s\" (%s)\n", i, cases[i].to,
                        pb ? "a problem" : "field", err.field, err.message);
        assert_null(pb);
        assert_int_equal(err.code, FC_EINVAL);
        assert_string_equal(err.field, cases[i].field);
        assert_true(strlen(err.message) > 0);
        free(text);
    }
    /* not JSON at all, and JSON of the wrong shape */
    fc_err_t err;
    const char *junk[] = {"[]", "{\"horizon\": 3}", "{}",
                          "{\"horizon\": {\"start\": "
                          "\"2026-03-02\", \"days\": 1}}"};
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        rp_problem_t *pb = s_parse(junk[i], &err);
        assert_null(pb);
        assert_int_equal(err.code, FC_EINVAL);
    }
    /* random bytes */
    char bytes[512];
    for (size_t i = 0; i < sizeof bytes - 1; i++)
        bytes[i] = (char)(1 + (i * 7919) % 255);
    bytes[sizeof bytes - 1] = '\0';
    assert_null(s_parse(bytes, &err));
}

static void test_policy(void **state)
{
    (void)state;
    fc_err_t err;
    json_error_t jerr;
    json_t *doc = json_loads("{\"thresholds\": {\"max_hours_day\": 12, \"warn_percent\": 80},"
                             " \"overrides\": {\"S2\": {\"max_hours_day\": 10},"
                             " \"B7\": {\"min_rest_hours\": 12}},"
                             " \"cycles\": {\"long\": {\"on_days\": 14, \"off_days\": 7,"
                             " \"post_kinds\": [\"fever_clinic\"]}},"
                             " \"post_kinds\": {\"fever_clinic\": {\"requires_medical\": true}},"
                             " \"comp_leave\": {\"frontline_days_per_rest_day\": 5}}",
                             0, &jerr);
    rotation_policy_t *pol = rotation_policy_new(doc, &err);
    json_decref(doc);
    assert_non_null(pol);
    rotation_limits_t l;
    const char *chain[] = {"B7", "S2", "G"};
    rotation_policy_limits(pol, chain, 3, &l);
    assert_int_equal(l.max_minutes_day, 600);  /* S2's */
    assert_int_equal(l.min_rest_minutes, 720); /* B7's */
    assert_int_equal(l.max_minutes_7d, 3600);  /* the group's default */
    const char *other[] = {"S1", "G"};
    rotation_policy_limits(pol, other, 2, &l);
    assert_int_equal(l.max_minutes_day, 720);
    assert_int_equal(rotation_policy_cycle_of(pol, "fever_clinic"), 0);
    assert_int_equal(rotation_policy_cycle_of(pol, "checkpoint"), -1);
    assert_true(rotation_policy_requires_medical(pol, "fever_clinic"));
    assert_int_equal(rotation_policy_leave_ratio(pol), 5);
    rotation_policy_destroy(&pol);
    /* bad policies name the value */
    const char *bad[][2] = {
        {"{\"thresholds\": {\"max_hours_day\": 30}}", "thresholds.max_hours_day"},
        {"{\"thresholds\": {\"max_hour_day\": 3}}", "thresholds.max_hour_day"},
        {"{\"overrides\": {\"S1\": {\"warn_percent\": 0}}}", "overrides.S1.warn_percent"},
        {"{\"cycles\": {\"x\": {\"on_days\": 0, \"off_days\": 1,"
         " \"post_kinds\": []}}}",
         "cycles.x"},
        {"{\"extra\": 1}", "extra"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        doc = json_loads(bad[i][0], 0, &jerr);
        fc_err_clear(&err);
        pol = rotation_policy_new(doc, &err);
        json_decref(doc);
        if (pol || strcmp(err.field, bad[i][1]) != 0)
            print_error("policy %zu: field \"%s\": %s\n", i, err.field, err.message);
        assert_null(pol);
        assert_string_equal(err.field, bad[i][1]);
    }
    /* the shipped policy reads */
    pol = rotation_policy_load(FC_SOURCE_DIR "/infra/policy", &err);
    if (!pol)
        print_error("%s: %s\n", err.field, err.message);
    assert_non_null(pol);
    rotation_policy_destroy(&pol);
}

#define H (3600 * FC_US_PER_S)

static void test_workload(void **state)
{
    (void)state;
    rotation_limits_t lim = {720, 3600, 7, 660, 2880, 80};
    int64_t day0;
    fc_err_t err;
    assert_int_equal(fc_time_parse("2026-03-10", &day0, &err), FC_OK); /* midnight Shanghai */
    rotation_alert_t al[ROTATION_NMETRICS];
    rotation_load_t load;
    /* 13 h today: exceeded */
    rotation_duty_t a[] = {{day0 + 6 * H, day0 + 19 * H}};
    rotation_workload_measure(a, 1, day0 + 19 * H, &load);
    assert_int_equal(load.minutes_day, 13 * 60);
    assert_int_equal(rotation_workload_judge(&load, &lim, al), ROTATION_EXCEEDED);
    assert_int_equal(al[0].level, ROTATION_EXCEEDED);
    /* 10 h: at 83 % of 12 h, a warning */
    rotation_duty_t b[] = {{day0 + 8 * H, day0 + 18 * H}};
    rotation_workload_measure(b, 1, day0 + 18 * H, &load);
    assert_int_equal(rotation_workload_judge(&load, &lim, al), ROTATION_WARN);
    assert_int_equal(al[0].level, ROTATION_WARN);
    assert_int_equal(al[0].percent, 83);
    /* 8 days in a row of 8 h: consecutive days exceeded; 56 h in 7 days: a warning */
    rotation_duty_t c[8];
    for (int i = 0; i < 8; i++)
        c[i] = (rotation_duty_t){day0 + (int64_t)i * 24 * H + 8 * H,
                                 day0 + (int64_t)i * 24 * H + 16 * H};
    rotation_workload_measure(c, 8, day0 + 7 * 24 * H + 16 * H, &load);
    assert_int_equal(load.consecutive_days, 8);
    assert_int_equal(load.minutes_7d, 7 * 8 * 60);
    rotation_workload_judge(&load, &lim, al);
    assert_int_equal(al[2].level, ROTATION_EXCEEDED);
    assert_int_equal(al[1].level, ROTATION_WARN);
    /* rest: 9 h before the latest shift: exceeded; 12 h: a warning; 14 h: fine */
    int64_t gaps[] = {9, 12, 14};
    rotation_level_t want[] = {ROTATION_EXCEEDED, ROTATION_WARN, ROTATION_OK};
    for (int i = 0; i < 3; i++) {
        rotation_duty_t d[] = {{day0, day0 + 4 * H},
                               {day0 + (4 + gaps[i]) * H, 0}}; /* still on duty */
        rotation_workload_measure(d, 2, day0 + (5 + gaps[i]) * H, &load);
        assert_int_equal(load.rest_minutes, gaps[i] * 60);
        rotation_workload_judge(&load, &lim, al);
        assert_int_equal(al[3].level, want[i]);
    }
    /* a night shift across midnight counts on both days */
    rotation_duty_t n[] = {{day0 - 2 * H, day0 + 6 * H}};
    rotation_workload_measure(n, 1, day0 + 6 * H, &load);
    assert_int_equal(load.minutes_day, 6 * 60);
    assert_int_equal(load.consecutive_days, 2);
}

/* ---- the offline tool as a user runs it ---- */

static int s_run(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_cli(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_rotation_cli_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char cmd[1024], path[256];
    const char *bin = FC_ROTATION_BIN;
    /* a generated problem: plan, then the checker agrees */
    snprintf(cmd, sizeof cmd, "%s gen --people 60 --posts 4 --days 14 --seed 3 --out %s/p.json",
             bin, dir);
    assert_int_equal(s_run(cmd), 0);
    snprintf(cmd, sizeof cmd,
             "%s plan --problem %s/p.json --time-limit 1 --out %s/r.json > %s/plan.out", bin, dir,
             dir, dir);
    assert_int_equal(s_run(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s check --problem %s/p.json --roster %s/r.json > /dev/null", bin,
             dir, dir);
    assert_int_equal(s_run(cmd), 0);
    snprintf(cmd, sizeof cmd,
             "%s explain --problem %s/p.json --roster %s/r.json --person E000001"
             " --date 2026-03-04 | grep -q 硬性规则",
             bin, dir, dir);
    assert_int_equal(s_run(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s lp --problem %s/p.json --out %s/m.lp && grep -q Minimize %s/m.lp",
             bin, dir, dir, dir);
    assert_int_equal(s_run(cmd), 0);
    /* a roster that breaks rules: the checker says so and exits 1 */
    snprintf(path, sizeof path, "%s/bad.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"assignments\": [{\"person\": \"E000001\", \"day\": 0, \"shift\": \"P00000-08\"},"
          " {\"person\": \"E000001\", \"day\": 0, \"shift\": \"P00000-16\"},"
          " {\"person\": \"NOBODY\", \"day\": 0, \"shift\": \"P00000-08\"}]}",
          f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s check --problem %s/p.json --roster %s > %s/check.out", bin, dir,
             path, dir);
    assert_int_equal(s_run(cmd), 1);
    snprintf(cmd, sizeof cmd,
             "grep -q 每天至多一个班次 %s/check.out && grep -q 缺员须如实报告 "
             "%s/check.out",
             dir, dir);
    assert_int_equal(s_run(cmd), 0);
    /* bad problem files: exit 2 with the field named, nothing written */
    const char *bad[][2] = {
        {"{\"horizon\": {\"start\": \"2026-03-02\", \"days\": 7}, \"shift_types\": [{\"id\":"
         " \"D\", \"start\": \"08:00\", \"minutes\": 1500}], \"people\": [], \"cover\": []}",
         "shift_types[0].minutes"},
        {"{\"horizon\": {\"start\": \"2026-03-02\", \"days\": 7}, \"shift_types\": [],"
         " \"people\": [{\"id\": \"A\", \"spouse\": \"A\"}], \"cover\": []}",
         "people[0].spouse"},
        {"{\"horizon\": {\"start\": \"2026-03-02\", \"days\": 7}, \"shift_types\": [],"
         " \"people\": [], \"cover\": [], \"colour\": 1}",
         "colour"},
        {"{\"horizon\": {\"start\": \"2026-03-02\", \"days\": 7}, \"shift_types\": [],"
         " \"people\": [{\"id\": \"A\", \"max_minutes\": -5}], \"cover\": []}",
         "people[0].max_minutes"},
        {"not json", "problem"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(path, sizeof path, "%s/bad%zu.json", dir, i);
        f = fopen(path, "w");
        fputs(bad[i][0], f);
        fclose(f);
        snprintf(cmd, sizeof cmd, "%s plan --problem %s --out %s/never.json 2> %s/err.txt", bin,
                 path, dir, dir);
        assert_int_equal(s_run(cmd), 2);
        snprintf(cmd, sizeof cmd, "grep -qF '%s' %s/err.txt && test ! -e %s/never.json", bad[i][1],
                 dir, dir);
        if (s_run(cmd) != 0) {
            snprintf(cmd, sizeof cmd, "cat %s/err.txt >&2", dir);
            (void)s_run(cmd);
        }
        snprintf(cmd, sizeof cmd, "grep -qF '%s' %s/err.txt && test ! -e %s/never.json", bad[i][1],
                 dir, dir);
        assert_int_equal(s_run(cmd), 0);
    }
    /* cover no one can meet: an honest report, exit 0, the checker agrees */
    snprintf(path, sizeof path, "%s/short.json", dir);
    f = fopen(path, "w");
    fputs("{\"horizon\": {\"start\": \"2026-03-02\", \"days\": 3}, \"shift_types\": [{\"id\":"
          " \"D\", \"start\": \"08:00\", \"minutes\": 480}], \"people\": [{\"id\": \"A\"},"
          " {\"id\": \"B\"}], \"cover\": [{\"shift\": \"D\", \"requirement\": 5}]}",
          f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "%s plan --problem %s --time-limit 0.2 --out %s/short-r.json > "
             "%s/short.out && grep -q '缺员班次 3 个' %s/short.out && %s check --problem %s "
             "--roster %s/short-r.json > /dev/null",
             bin, path, dir, dir, dir, bin, path, dir);
    assert_int_equal(s_run(cmd), 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(s_run(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),   cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_policy), cmocka_unit_test(test_workload),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

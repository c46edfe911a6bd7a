/* test_rotation_service: fc-rotation over real PostgreSQL, Redis and ZeroMQ. Intake's events
 * (the contract at the end of intake.proto) are published on fc:events:intake as intake's
 * relay would; then fcctl plans, shows and explains rosters; the independent checker verifies
 * every stored roster; an injury is covered within a second; overload orders forced rest and
 * its shifts are covered; a duplicate event changes nothing; bad input and foreign scopes are
 * refused with the field named. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fc/v1/intake.pb-c.h"
#include "fc_clock.h"
#include "fc_harness.h"
#include "fc_id.h"
#include "fc_mem.h"
#include "fc_pb.h"
#include "fc_redis.h"
#include "rotation_check.h"
#include "rotation_msg.h"
#include "rotation_problem.h"
#include "rotation_roster.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static fc_redis_t *g_redis;
static pid_t g_pid;

/* Publishes an event of intake the way its outbox relay does. id NULL: a new one. */
static void s_publish(const char *type, const ProtobufCMessage *m, int64_t at_us, const char *id)
{
    char eid[FC_ID_LEN + 1], at[24];
    if (id)
        snprintf(eid, sizeof eid, "%s", id);
    else
        fc_id_new(eid);
    snprintf(at, sizeof at, "%lld", (long long)at_us);
    size_t len = 0;
    uint8_t *payload = fc_pb_pack(m, &len);
    const char *argv[] = {
        "XADD",    "fc:events:intake",   "*", "id", eid, "type", type, "source", "intake", "at", at,
        "payload", (const char *)payload};
    size_t lens[13];
    for (int i = 0; i < 12; i++)
        lens[i] = strlen(argv[i]);
    lens[12] = len;
    fc_err_t err;
    redisReply *r = fc_redis_cmdargv(g_redis, &err, 13, argv, lens);
    if (!r)
        print_error("XADD failed: %s\n", err.message);
    assert_non_null(r);
    freeReplyObject(r);
    free(payload);
}

static int64_t s_time(const char *iso)
{
    int64_t us;
    fc_err_t err;
    assert_int_equal(fc_time_parse(iso, &us, &err), FC_OK);
    return us;
}

static void s_org(const char *code, const char *parent, const char *kind)
{
    Fc__V1__OrgUnit u = FC__V1__ORG_UNIT__INIT;
    u.org_code = (char *)code;
    u.parent_code = (char *)parent;
    u.name = (char *)code;
    u.kind = (char *)kind;
    Fc__V1__OrgUpserted ev = FC__V1__ORG_UPSERTED__INIT;
    ev.unit = &u;
    ev.at_us = s_time("2026-02-01");
    s_publish("intake.org_upserted", &ev.base, ev.at_us, NULL);
}

static void s_person(const char *no, const char *org, const char *spouse, int medical, int young,
                     int party, int fit)
{
    Fc__V1__Person p = FC__V1__PERSON__INIT;
    p.employee_no = (char *)no;
    p.name = (char *)no;
    p.org_code = (char *)org;
    p.party_status = party ? "member" : "none";
    p.cadre_level = "none";
    p.spouse_employee_no = (char *)spouse;
    p.medical_staff = medical;
    p.young_cadre = young;
    p.fit_for_frontline = fit;
    p.health_status = FC__V1__HEALTH_STATUS__HEALTH_STATUS_HEALTHY;
    Fc__V1__PersonUpserted ev = FC__V1__PERSON_UPSERTED__INIT;
    ev.person = &p;
    ev.at_us = s_time("2026-02-01");
    s_publish("intake.person_upserted", &ev.base, ev.at_us, NULL);
}

static void s_post(const char *code, const char *org, const char *kind, int risk, int n,
                   const int (*shifts)[3])
{
    Fc__V1__Shift sh[4], *sp[4];
    for (int i = 0; i < n; i++) {
        fc__v1__shift__init(&sh[i]);
        sh[i].start_min = shifts[i][0];
        sh[i].end_min = shifts[i][1];
        sh[i].headcount = shifts[i][2];
        sp[i] = &sh[i];
    }
    Fc__V1__Post p = FC__V1__POST__INIT;
    p.post_code = (char *)code;
    p.org_code = (char *)org;
    p.name = (char *)code;
    p.kind = (char *)kind;
    p.risk_class = risk;
    p.shifts = sp;
    p.n_shifts = (size_t)n;
    Fc__V1__PostUpserted ev = FC__V1__POST_UPSERTED__INIT;
    ev.post = &p;
    ev.at_us = s_time("2026-02-01");
    s_publish("intake.post_upserted", &ev.base, ev.at_us, NULL);
}

static void s_duty(int64_t id, const char *no, const char *start, const char *end)
{
    Fc__V1__DutyEvent d = FC__V1__DUTY_EVENT__INIT;
    d.duty_id = id;
    d.employee_no = (char *)no;
    d.org_code = "B1";
    d.post_code = "P1";
    d.post_org_code = "B1";
    d.risk_class = 2;
    d.start_us = s_time(start);
    s_publish("intake.duty_checked_in", &d.base, d.start_us, NULL);
    d.end_us = s_time(end);
    d.minutes = (int32_t)((d.end_us - d.start_us) / (60 * FC_US_PER_S));
    s_publish("intake.duty_checked_out", &d.base, d.end_us, NULL);
}

/* ---- checking a stored roster with the independent checker ---- */

static PGresult *s_query(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static PGresult *s_query(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = fc_xvasprintf(fmt, ap);
    va_end(ap);
    PGresult *r = PQexec(fc_h_db(), sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        print_error("%s: %s\n", sql, PQerrorMessage(fc_h_db()));
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    free(sql);
    return r;
}

/* The stored problem with the availability learnt since, and the current assignments: hard
 * violations by the checker. */
static size_t s_check_stored(long long roster_id)
{
    PGresult *r = s_query("SELECT problem FROM rotation.roster WHERE id = %lld", roster_id);
    assert_int_equal(PQntuples(r), 1);
    json_error_t jerr;
    json_t *doc = json_loads(PQgetvalue(r, 0, 0), 0, &jerr);
    PQclear(r);
    fc_err_t err;
    rp_problem_t *pb = rp_problem_from_json(doc, &err);
    json_decref(doc);
    assert_non_null(pb);
    int64_t t0 = fc_time_local_day_start(pb->start_day);
    r = s_query("SELECT u.employee_no, u.from_us, COALESCE(u.to_us, 0) FROM rotation.unavailability"
                " u JOIN rotation.roster_member m ON m.employee_no = u.employee_no"
                " AND m.roster_id = %lld",
                roster_id);
    for (int i = 0; i < PQntuples(r); i++) {
        int p = rp_problem_person_index(pb, PQgetvalue(r, i, 0));
        int64_t from = strtoll(PQgetvalue(r, i, 1), NULL, 10),
                to = strtoll(PQgetvalue(r, i, 2), NULL, 10);
        int64_t a = (from - t0) / (60 * FC_US_PER_S);
        int64_t b = to ? (to - t0 + 60 * FC_US_PER_S - 1) / (60 * FC_US_PER_S)
                       : (int64_t)(pb->days + 1) * 1440;
        if (p >= 0)
            rp_problem_add_unavailable(pb, p, a, b);
    }
    PQclear(r);
    rotation_roster_t *ro = rotation_roster_new();
    r = s_query("SELECT employee_no, day::text, shift_id FROM rotation.roster_assignment"
                " WHERE roster_id = %lld AND removed_rev IS NULL AND superseded_by IS NULL",
                roster_id);
    for (int i = 0; i < PQntuples(r); i++) {
        int day = -1;
        rp_problem_day_of(pb, PQgetvalue(r, i, 1), &day, &err);
        rotation_roster_add(ro, rp_problem_person_index(pb, PQgetvalue(r, i, 0)), day,
                            rp_problem_shift_index(pb, PQgetvalue(r, i, 2)));
    }
    PQclear(r);
    r = s_query("SELECT day::text, shift_id, missing FROM rotation.roster_uncovered"
                " WHERE roster_id = %lld AND superseded_by IS NULL",
                roster_id);
    for (int i = 0; i < PQntuples(r); i++) {
        rr_uncovered_t u;
        memset(&u, 0, sizeof u);
        rp_problem_day_of(pb, PQgetvalue(r, i, 0), &u.day, &err);
        u.shift = rp_problem_shift_index(pb, PQgetvalue(r, i, 1));
        u.missing = atoi(PQgetvalue(r, i, 2));
        rotation_roster_add_uncovered(ro, &u);
    }
    PQclear(r);
    /* days superseded by a later plan are not this roster's any more */
    r = s_query("SELECT DISTINCT day::text, shift_id FROM rotation.roster_assignment"
                " WHERE roster_id = %lld AND superseded_by IS NOT NULL",
                roster_id);
    for (int i = 0; i < PQntuples(r); i++) {
        int day = -1;
        rp_problem_day_of(pb, PQgetvalue(r, i, 0), &day, &err);
        int s = rp_problem_shift_index(pb, PQgetvalue(r, i, 1));
        if (day >= 0 && s >= 0)
            pb->cover[(size_t)day * pb->nshifts + s].requirement = 0;
    }
    PQclear(r);
    rotation_check_t *c = rotation_check_run(pb, ro);
    size_t n = c->nhard;
    fc_buf_t b;
    fc_buf_init(&b);
    for (size_t i = 0; i < c->n && n; i++)
        if (RP_IS_HARD(c->v[i].rule)) {
            fc_buf_reset(&b);
            rotation_msg_violation(&b, pb, &c->v[i]);
            print_message("  %s\n", b.data);
        }
    fc_buf_fini(&b);
    print_message("roster %lld: %zu assignments, %zu uncovered, %zu hard violations\n", roster_id,
                  ro->n, ro->nu, n);
    rotation_check_destroy(&c);
    rotation_roster_destroy(&ro);
    rp_problem_destroy(&pb);
    return n;
}

static long long s_scalar(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static long long s_scalar(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = fc_xvasprintf(fmt, ap);
    va_end(ap);
    long long v = fc_h_scalar(sql);
    free(sql);
    return v;
}

static long long s_wait(long long want, int ms, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static long long s_wait(long long want, int ms, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = fc_xvasprintf(fmt, ap);
    va_end(ap);
    long long v = fc_h_wait_scalar(sql, want, ms);
    free(sql);
    return v;
}

/* The forced_rests of `fcctl --json roster show <args>` (the caller json_decref's the reply,
 * *doc_out). */
static json_t *s_rests(json_t **doc_out, const char *args)
{
    char *out = NULL;
    int rc = fc_h_fcctl(&out, "--json roster show %s", args);
    if (rc != 0)
        print_error("fcctl roster show %s: %s\n", args, out ? out : "");
    assert_int_equal(rc, 0);
    json_error_t jerr;
    json_t *doc = json_loads(out, 0, &jerr);
    free(out);
    assert_non_null(doc);
    json_t *rests = json_object_get(doc, "forced_rests");
    assert_true(json_is_array(rests));
    *doc_out = doc;
    return rests;
}

/* ---- the scenario ---- */

static int s_setup(void **state)
{
    (void)state;
    fc_h_init("test_rotation_service");
    fc_h_reset();
    fc_err_t err;
    g_redis = fc_redis_new(getenv("FC_REDIS_URL"), &err);
    if (!g_redis)
        return -1;
    /* the service's "now": 20:00 on 1 March; plans start on 2 March */
    static const char *env[] = {"FC_CLOCK=fixed:2026-03-01T12:00:00Z", "FC_ROTATION_PLAN_TIME_S=2",
                                NULL};
    g_pid = fc_h_up("rotation", env);
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    int st = fc_h_stop(g_pid, SIGTERM, fc_h_ms(10000));
    fc_redis_destroy(&g_redis);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static void test_projection(void **state)
{
    (void)state;
    s_org("G", "", "group");
    s_org("S1", "G", "subsidiary");
    s_org("B1", "S1", "branch");
    s_org("S2", "G", "subsidiary");
    static const int p1[][3] = {{480, 960, 2}, {960, 0, 1}};
    static const int p2[][3] = {{480, 1200, 1}};
    static const int p3[][3] = {{480, 960, 1}};
    s_post("P1", "B1", "checkpoint", 2, 2, p1);
    s_post("P2", "B1", "fever_clinic", 1, 1, p2);
    s_post("P3", "S2", "checkpoint", 2, 1, p3);
    for (int i = 1; i <= 24; i++) {
        char no[16], spouse[16] = "";
        snprintf(no, sizeof no, "E%02d", i);
        if (i <= 2)
            snprintf(spouse, sizeof spouse, "E%02d", 3 - i);
        if (i == 7) /* married across subsidiaries: to F01 of S2 */
            snprintf(spouse, sizeof spouse, "F01");
        s_person(no, "B1", spouse, i >= 3 && i <= 8, i == 5 || i == 9, i % 3 == 0, i != 24);
    }
    for (int i = 1; i <= 3; i++) {
        char no[16];
        snprintf(no, sizeof no, "F%02d", i);
        s_person(no, "S2", i == 1 ? "E07" : "", 0, 0, 0, 1);
    }
    /* E05 worked six frontline days in February (every other day, 7 h): one rest day owed */
    for (int i = 0; i < 6; i++) {
        char a[40], b[40];
        snprintf(a, sizeof a, "2026-02-%02dT08:00+08:00", 14 + 2 * i);
        snprintf(b, sizeof b, "2026-02-%02dT15:00+08:00", 14 + 2 * i);
        s_duty(8000 + i, "E05", a, b);
    }
    assert_int_equal(s_wait(27, fc_h_ms(10000), "SELECT count(*) FROM rotation.person"), 27);
    assert_int_equal(s_wait(6, fc_h_ms(5000), "SELECT count(*) FROM rotation.duty"), 6);
    assert_int_equal(s_wait(3, fc_h_ms(5000), "SELECT count(*) FROM rotation.post"), 3);
    assert_int_equal(s_scalar("SELECT count(*) FROM rotation.post_shift"), 4);
    assert_int_equal(s_scalar("SELECT count(*) FROM rotation.person WHERE spouse_employee_no"
                              " IS NOT NULL"),
                     4);
}

static long long g_roster;

static void test_plan(void **state)
{
    (void)state;
    char *out = NULL;
    int rc = fc_h_fcctl(&out, "roster plan --org S1 --from 2026-03-02 --days 14");
    print_message("%s", out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "硬性规则违反 0 条"));
    free(out);
    g_roster = s_scalar("SELECT max(id) FROM rotation.roster WHERE org_code = 'S1'");
    assert_true(g_roster > 0);
    /* P1 needs 3 a day, P2 one fever-clinic doctor a day (medical staff only): 56 */
    long long n = s_scalar("SELECT count(*) FROM rotation.roster_assignment WHERE roster_id = %lld",
                           g_roster);
    long long un = s_scalar("SELECT COALESCE(sum(missing), 0) FROM rotation.roster_uncovered"
                            " WHERE roster_id = %lld",
                            g_roster);
    assert_int_equal(n + un, 14 * 4);
    assert_int_equal(s_check_stored(g_roster), 0);
    /* no one on P2 without medical training; E24 (unfit) nowhere; S2's people not used */
    assert_int_equal(s_scalar("SELECT count(*) FROM rotation.roster_assignment a JOIN"
                              " rotation.person p USING (employee_no) WHERE a.post_code = 'P2'"
                              " AND NOT p.medical_staff"),
                     0);
    assert_int_equal(s_scalar("SELECT count(*) FROM rotation.roster_assignment WHERE employee_no"
                              " IN ('E24', 'F01', 'F02', 'F03')"),
                     0);
    /* published: one roster event, one per person with shifts */
    assert_int_equal(s_scalar("SELECT count(*) FROM rotation.outbox WHERE type ="
                              " 'rotation.roster_published'"),
                     1);
    assert_true(s_scalar("SELECT count(*) FROM rotation.outbox WHERE type ="
                         " 'rotation.person_rostered'") >= 15);
    /* compensatory leave scheduled into off days: E05's day owed for February among them */
    assert_true(s_scalar("SELECT count(*) FROM rotation.comp_leave WHERE employee_no = 'E05'") >=
                1);
    assert_int_equal(s_scalar("SELECT count(*) FROM rotation.comp_leave l JOIN"
                              " rotation.roster_assignment a ON a.employee_no = l.employee_no"
                              " AND a.day = l.day AND a.removed_rev IS NULL"),
                     0);
}

static void test_show_explain_leave(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(fc_h_fcctl(&out, "roster show --org S1 --from 2026-03-02 --days 2"), 0);
    assert_non_null(strstr(out, "P1"));
    assert_non_null(strstr(out, "2026-03-03"));
    free(out);
    assert_int_equal(
        fc_h_fcctl(&out, "--json roster show --person E05 --from 2026-03-02 --days 14"), 0);
    assert_non_null(strstr(out, "\"entries\""));
    free(out);
    /* no one has been sent to rest yet: the lists are there, empty */
    json_t *doc = NULL;
    assert_int_equal(json_array_size(s_rests(&doc, "--org S1 --from 2026-03-02 --days 14")), 0);
    json_decref(doc);
    assert_int_equal(json_array_size(s_rests(&doc, "--person E10 --from 2026-03-02 --days 14")),
                     0);
    json_decref(doc);
    assert_int_equal(fc_h_fcctl(&out, "roster show --org S1 --from 2026-03-02 --days 2"), 0);
    assert_null(strstr(out, "强制休息"));
    free(out);
    PGresult *r = s_query("SELECT employee_no FROM rotation.roster_assignment WHERE day ="
                          " '2026-03-05' AND post_code = 'P2' LIMIT 1");
    assert_int_equal(PQntuples(r), 1);
    char who[32];
    snprintf(who, sizeof who, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    assert_int_equal(fc_h_fcctl(&out, "roster explain %s 2026-03-05", who), 0);
    print_message("%s", out);
    assert_non_null(strstr(out, "在岗"));
    assert_non_null(strstr(out, "硬性规则"));
    assert_non_null(strstr(out, "✓ 岗位资格"));
    free(out);
    /* someone unfit: every option says so */
    assert_int_equal(fc_h_fcctl(&out, "roster explain E24 2026-03-05"), 0);
    assert_non_null(strstr(out, "✗ 一线适岗"));
    free(out);
    assert_int_equal(fc_h_fcctl(&out, "leave show E05"), 0);
    print_message("%s", out);
    assert_non_null(strstr(out, "一线工作 6 天"));
    assert_non_null(strstr(out, "应得调休 1 天"));
    free(out);
}

static void test_incident_replacement(void **state)
{
    (void)state;
    /* someone with at least two shifts after noon on 5 March */
    int64_t at = s_time("2026-03-05T12:00+08:00");
    PGresult *r = s_query("SELECT employee_no FROM rotation.roster_assignment WHERE roster_id ="
                          " %lld AND removed_rev IS NULL AND start_us >= %lld GROUP BY employee_no"
                          " HAVING count(*) >= 2 ORDER BY count(*) DESC LIMIT 1",
                          g_roster, (long long)at);
    assert_int_equal(PQntuples(r), 1);
    char victim[32];
    snprintf(victim, sizeof victim, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    long long affected = s_scalar("SELECT count(*) FROM rotation.roster_assignment WHERE"
                                  " employee_no = '%s' AND removed_rev IS NULL AND end_us > %lld",
                                  victim, (long long)at);
    long long before = s_scalar("SELECT count(*) FROM rotation.roster_assignment WHERE"
                                " employee_no = '%s' AND removed_rev IS NULL AND end_us <= %lld",
                                victim, (long long)at);
    Fc__V1__IncidentReported ev = FC__V1__INCIDENT_REPORTED__INIT;
    ev.incident_id = 4711;
    ev.employee_no = victim;
    ev.org_code = "B1";
    ev.kind = "injured";
    ev.at_us = at;
    ev.description = "执勤时摔伤";
    ev.on_duty = 1;
    char id[FC_ID_LEN + 1];
    fc_id_new(id);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    s_publish("intake.incident_reported", &ev.base, at, id);
    long long left = s_wait(0, fc_h_ms(1000),
                            "SELECT count(*) FROM rotation.roster_assignment WHERE employee_no ="
                            " '%s' AND removed_rev IS NULL AND end_us > %lld",
                            victim, (long long)at);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    print_message("injured %s: %lld shifts re-planned in %ld ms\n", victim, affected, ms);
    assert_int_equal(left, 0);
    /* earlier shifts stay; each affected one has a stand-in or an honest uncovered report */
    assert_int_equal(s_scalar("SELECT count(*) FROM rotation.roster_assignment WHERE employee_no ="
                              " '%s' AND removed_rev IS NULL",
                              victim),
                     before);
    long long stand_ins = s_scalar("SELECT count(*) FROM rotation.roster_assignment WHERE"
                                   " roster_id = %lld AND added_rev > 0 AND note LIKE '替 %s%%'",
                                   g_roster, victim);
    long long uncovered = s_scalar("SELECT count(*) FROM rotation.roster_uncovered WHERE"
                                   " roster_id = %lld AND added_rev > 0",
                                   g_roster);
    assert_int_equal(stand_ins + uncovered, affected);
    assert_int_equal(s_wait(affected, fc_h_ms(2000),
                            "SELECT count(*) FROM rotation.outbox WHERE"
                            " type = 'rotation.assignment_changed'"),
                     affected);
    assert_int_equal(s_check_stored(g_roster), 0);
    /* delivered again (a relay retry): nothing more happens */
    s_publish("intake.incident_reported", &ev.base, at, id);
    fc_h_sleep_ms(fc_h_ms(500));
    assert_int_equal(s_scalar("SELECT count(*) FROM rotation.outbox WHERE type ="
                              " 'rotation.assignment_changed'"),
                     affected);
    assert_int_equal(s_scalar("SELECT count(*) FROM rotation.unavailability WHERE source ="
                              " 'incident:4711'"),
                     1);
    char *out = NULL;
    assert_int_equal(fc_h_fcctl(&out, "workload show %s", victim), 0);
    assert_non_null(strstr(out, "伤病或事故"));
    free(out);
}

/* E10's forced rest (from 1 March 19:00 to 3 March 19:00, Shanghai) in roster_show: in the
 * structured list of his unit's and his own roster on the days it touches, nowhere else. */
static void s_show_rests(int64_t from, int64_t until)
{
    json_t *doc = NULL;
    json_t *rests = s_rests(&doc, "--org S1 --from 2026-03-02 --days 14");
    assert_int_equal(json_array_size(rests), 1);
    json_t *f = json_array_get(rests, 0);
    assert_string_equal(json_string_value(json_object_get(f, "employee_no")), "E10");
    assert_string_equal(json_string_value(json_object_get(f, "name")), "E10");
    assert_string_equal(json_string_value(json_object_get(f, "org_code")), "B1");
    assert_string_equal(json_string_value(json_object_get(f, "metric")), "minutes_day");
    assert_int_equal(json_integer_value(json_object_get(f, "value")), 13 * 60);
    assert_int_equal(json_integer_value(json_object_get(f, "limit")), 12 * 60);
    assert_int_equal(json_integer_value(json_object_get(f, "from_us")), from);
    assert_int_equal(json_integer_value(json_object_get(f, "until_us")), until);
    assert_int_equal(json_integer_value(json_object_get(f, "order_id")),
                     s_scalar("SELECT id FROM rotation.forced_rest WHERE employee_no = 'E10'"));
    assert_true(json_is_true(json_object_get(f, "in_force"))); /* now: 1 March 20:00 */
    /* 1 March is before the shown days; the rest ends during 3 March */
    json_t *dates = json_object_get(f, "dates");
    assert_int_equal(json_array_size(dates), 2);
    assert_string_equal(json_string_value(json_array_get(dates, 0)), "2026-03-02");
    assert_string_equal(json_string_value(json_array_get(dates, 1)), "2026-03-03");
    /* the posts he is or was rostered on in those days */
    long long posts = s_scalar("SELECT count(DISTINCT post_code) FROM rotation.roster_assignment"
                               " WHERE employee_no = 'E10' AND superseded_by IS NULL"
                               " AND day BETWEEN '2026-03-02' AND '2026-03-15'");
    assert_int_equal(json_array_size(json_object_get(f, "post_codes")), posts);
    json_decref(doc);
    /* his own roster; one day only */
    rests = s_rests(&doc, "--person E10 --from 2026-03-03 --days 1");
    assert_int_equal(json_array_size(rests), 1);
    dates = json_object_get(json_array_get(rests, 0), "dates");
    assert_int_equal(json_array_size(dates), 1);
    assert_string_equal(json_string_value(json_array_get(dates, 0)), "2026-03-03");
    json_decref(doc);
    /* not E11's (a warning only), not S2's, not after it ended */
    assert_int_equal(json_array_size(s_rests(&doc, "--person E11 --from 2026-03-02 --days 14")),
                     0);
    json_decref(doc);
    assert_int_equal(json_array_size(s_rests(&doc, "--org S2 --from 2026-03-02 --days 14")), 0);
    json_decref(doc);
    assert_int_equal(json_array_size(s_rests(&doc, "--org S1 --from 2026-03-04 --days 7")), 0);
    json_decref(doc);
    /* the same a day earlier, through the parent: 1 March too */
    rests = s_rests(&doc, "--org G --from 2026-02-28 --days 3");
    assert_int_equal(json_array_size(rests), 1);
    assert_int_equal(json_array_size(json_object_get(json_array_get(rests, 0), "dates")), 2);
    json_decref(doc);
    /* fcctl's text: who, from and until in Shanghai time, why */
    char *out = NULL;
    assert_int_equal(fc_h_fcctl(&out, "roster show --org S1 --from 2026-03-02 --days 2"), 0);
    print_message("%s", out);
    assert_non_null(strstr(out, "强制休息：\n  E10"));
    assert_non_null(strstr(out, "2026-03-01 19:00 至 2026-03-03 19:00（生效中）：当日工时 13.0 "
                                "小时，超过上限 12.0 小时"));
    free(out);
    assert_int_equal(fc_h_fcctl(&out, "roster show --person E11 --from 2026-03-02 --days 2"), 0);
    assert_null(strstr(out, "强制休息"));
    free(out);
    /* a rest over before now: listed for its days, not in force */
    s_duty(9003, "E12", "2026-02-20T06:00+08:00", "2026-02-20T19:00+08:00");
    assert_int_equal(s_wait(1, fc_h_ms(5000),
                            "SELECT count(*) FROM rotation.forced_rest WHERE"
                            " employee_no = 'E12'"),
                     1);
    rests = s_rests(&doc, "--person E12 --from 2026-02-19 --days 10");
    assert_int_equal(json_array_size(rests), 1);
    f = json_array_get(rests, 0);
    assert_true(json_is_false(json_object_get(f, "in_force")));
    dates = json_object_get(f, "dates");
    assert_int_equal(json_array_size(dates), 3);
    assert_string_equal(json_string_value(json_array_get(dates, 0)), "2026-02-20");
    assert_string_equal(json_string_value(json_array_get(dates, 2)), "2026-02-22");
    assert_int_equal(json_array_size(json_object_get(f, "post_codes")), 0);
    json_decref(doc);
    assert_int_equal(fc_h_fcctl(&out, "roster show --person E12 --from 2026-02-22 --days 1"), 0);
    assert_non_null(strstr(out, "2026-02-20 19:00 至 2026-02-22 19:00（不在生效期）"));
    free(out);
}

static void test_overload(void **state)
{
    (void)state;
    /* E10 works 13 h on 1 March: past 12 h, forced rest for 48 h; E11 10 h: a warning */
    s_duty(9001, "E10", "2026-03-01T06:00+08:00", "2026-03-01T19:00+08:00");
    s_duty(9002, "E11", "2026-03-01T08:00+08:00", "2026-03-01T18:00+08:00");
    assert_int_equal(s_wait(1, fc_h_ms(5000),
                            "SELECT count(*) FROM rotation.forced_rest WHERE"
                            " employee_no = 'E10'"),
                     1);
    assert_int_equal(s_wait(1, fc_h_ms(5000),
                            "SELECT count(*) FROM rotation.overload_warning"
                            " WHERE employee_no = 'E11' AND metric = 'minutes_day'"),
                     1);
    assert_int_equal(s_scalar("SELECT count(*) FROM rotation.outbox WHERE type ="
                              " 'rotation.forced_rest_ordered'"),
                     1);
    assert_int_equal(s_scalar("SELECT count(*) FROM rotation.outbox WHERE type ="
                              " 'rotation.overload_warning'"),
                     1);
    assert_int_equal(s_scalar("SELECT count(*) FROM rotation.forced_rest WHERE employee_no ="
                              " 'E11'"),
                     0);
    /* no shift of E10's during the rest */
    int64_t from = s_time("2026-03-01T19:00+08:00"), until = from + 48LL * 3600 * FC_US_PER_S;
    assert_int_equal(s_scalar("SELECT count(*) FROM rotation.roster_assignment WHERE employee_no ="
                              " 'E10' AND removed_rev IS NULL AND superseded_by IS NULL"
                              " AND start_us < %lld AND end_us > %lld",
                              (long long)until, (long long)from),
                     0);
    assert_int_equal(s_check_stored(g_roster), 0);
    char *out = NULL;
    assert_int_equal(fc_h_fcctl(&out, "workload show E10"), 0);
    print_message("%s", out);
    assert_non_null(strstr(out, "不可上岗"));
    assert_non_null(strstr(out, "超限"));
    free(out);
    s_show_rests(from, until);
}

static void test_replan_version(void **state)
{
    (void)state;
    char *out = NULL;
    int rc = fc_h_fcctl(&out, "--json roster plan --org S1 --from 2026-03-09 --days 7 2>&1");
    if (rc != 0)
        print_error("fcctl: %s\n", out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "\"version\": 2"));
    free(out);
    long long second = s_scalar("SELECT max(id) FROM rotation.roster");
    assert_true(second > g_roster);
    /* the first roster's days from 9 March are superseded, its earlier days stay */
    assert_int_equal(s_scalar("SELECT count(*) FROM rotation.roster_assignment WHERE roster_id ="
                              " %lld AND day >= '2026-03-09' AND superseded_by IS NULL"
                              " AND removed_rev IS NULL",
                              g_roster),
                     0);
    assert_true(s_scalar("SELECT count(*) FROM rotation.roster_assignment WHERE roster_id = %lld"
                         " AND day < '2026-03-09' AND superseded_by IS NULL",
                         g_roster) > 0);
    assert_int_equal(s_check_stored(second), 0);
    assert_int_equal(s_check_stored(g_roster), 0);
}

/* Spouses in different subsidiaries, planned separately: never on duty the same day. */
static void test_spouse_across_rosters(void **state)
{
    (void)state;
    assert_true(s_scalar("SELECT count(*) FROM rotation.roster_assignment WHERE employee_no ="
                         " 'E07' AND removed_rev IS NULL AND superseded_by IS NULL") > 0);
    char *out = NULL;
    assert_int_equal(fc_h_fcctl(&out, "roster plan --org S2 --from 2026-03-02 --days 14"), 0);
    free(out);
    assert_true(s_scalar("SELECT count(*) FROM rotation.roster_assignment WHERE employee_no ="
                         " 'F01' AND removed_rev IS NULL") > 0);
    assert_int_equal(s_scalar("SELECT count(*) FROM rotation.roster_assignment a JOIN"
                              " rotation.roster_assignment b ON a.day = b.day WHERE"
                              " a.employee_no = 'E07' AND b.employee_no = 'F01'"
                              " AND a.removed_rev IS NULL AND a.superseded_by IS NULL"
                              " AND b.removed_rev IS NULL AND b.superseded_by IS NULL"),
                     0);
    long long s2 = s_scalar("SELECT max(id) FROM rotation.roster WHERE org_code = 'S2'");
    assert_int_equal(s_check_stored(s2), 0);
}

/* S1's roster was loaded (cached for replacements) before S2 rostered F01, E07's spouse. When
 * everybody else in S1 is quarantined from a day F01 works, their shifts may go to E07 only on
 * days F01 does not work: a replacement must see the other roster as it is now, not as it was
 * when S1's roster was loaded (000 §5). Runs last: it takes S1's people off duty. */
static void test_spouse_blocks_replacement(void **state)
{
    (void)state;
    PGresult *r = s_query(
        "SELECT a.day::text FROM rotation.roster_assignment a WHERE a.employee_no = 'F01'"
        " AND a.removed_rev IS NULL AND a.superseded_by IS NULL"
        " AND a.day BETWEEN '2026-03-10' AND '2026-03-15' AND NOT EXISTS (SELECT 1 FROM"
        " rotation.roster_assignment b WHERE b.employee_no = 'E07' AND b.day = a.day"
        " AND b.removed_rev IS NULL AND b.superseded_by IS NULL) ORDER BY a.day LIMIT 1");
    assert_int_equal(PQntuples(r), 1);
    char day[16], at_s[40];
    snprintf(day, sizeof day, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    snprintf(at_s, sizeof at_s, "%sT00:00+08:00", day);
    int64_t at = s_time(at_s);
    for (int i = 1; i <= 24; i++) {
        if (i == 7)
            continue;
        char no[16];
        snprintf(no, sizeof no, "E%02d", i);
        Fc__V1__IncidentReported ev = FC__V1__INCIDENT_REPORTED__INIT;
        ev.incident_id = 6000 + i;
        ev.employee_no = no;
        ev.org_code = "B1";
        ev.kind = "quarantined";
        ev.at_us = at;
        ev.description = "密切接触者集中隔离";
        s_publish("intake.incident_reported", &ev.base, at, NULL);
    }
    /* every shift of theirs from that day on was handed over or reported uncovered */
    assert_int_equal(s_wait(0, fc_h_ms(20000),
                            "SELECT count(*) FROM rotation.roster_assignment WHERE employee_no"
                            " <> 'E07' AND employee_no LIKE 'E%%' AND removed_rev IS NULL AND"
                            " superseded_by IS NULL AND start_us >= %lld",
                            (long long)at),
                     0);
    long long e07 = s_scalar("SELECT count(*) FROM rotation.roster_assignment WHERE employee_no"
                             " = 'E07' AND removed_rev IS NULL AND superseded_by IS NULL"
                             " AND start_us >= %lld",
                             (long long)at);
    print_message("from %s: E07 took %lld shifts, the rest uncovered\n", day, e07);
    assert_int_equal(s_scalar("SELECT count(*) FROM rotation.roster_assignment a JOIN"
                              " rotation.roster_assignment b ON a.day = b.day WHERE"
                              " a.employee_no = 'E07' AND b.employee_no = 'F01'"
                              " AND a.removed_rev IS NULL AND a.superseded_by IS NULL"
                              " AND b.removed_rev IS NULL AND b.superseded_by IS NULL"),
                     0);
}

static void test_overrides_and_refusals(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(fc_h_fcctl(&out, "roster spouse-override E01 --spouse E02 --from 2026-03-02"
                                      " --to 2026-03-04 --reason 人手不足，经组织部批准"),
                     0);
    free(out);
    assert_int_equal(s_scalar("SELECT count(*) FROM rotation.spouse_override"), 1);
    /* refusals name the field */
    struct {
        const char *args, *needle;
    } bad[] = {
        {"roster spouse-override E01 --spouse E02 --from 2026-03-02 --to 2026-03-04", "reason"},
        {"roster spouse-override E01 --spouse E03 --from 2026-03-02 --to 2026-03-04 --reason x",
         "spouse_employee_no"},
        {"roster spouse-override E01 --spouse E02 --from 2026-03-05 --to 2026-03-04 --reason x",
         "to_date"},
        {"roster plan --org NOPE --from 2026-03-02", "org_code"},
        {"roster plan --org S1 --from 2026-02-30", "from_date"},
        {"roster plan --org S1 --from 2026-03-02 --days 100", "days"},
        {"roster explain NOBODY 2026-03-05", "employee_no"},
        {"--scope S2 --role org_admin roster show --org S1 --from 2026-03-02", "org_code"},
        {"--scope S2 --role org_admin roster explain E05 2026-03-05", "employee_no"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = fc_h_fcctl(&out, "%s 2>&1", bad[i].args);
        if (rc != 1 || !strstr(out, bad[i].needle))
            print_error("fcctl %s: exit %d: %s\n", bad[i].args, rc, out);
        assert_int_equal(rc, 1);
        assert_non_null(strstr(out, bad[i].needle));
        free(out);
    }
    /* still serving */
    assert_int_equal(fc_h_fcctl(NULL, "--scope S1 --role org_admin roster show --org B1 --from"
                                      " 2026-03-02 --days 1"),
                     0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_projection),
        cmocka_unit_test(test_plan),
        cmocka_unit_test(test_show_explain_leave),
        cmocka_unit_test(test_incident_replacement),
        cmocka_unit_test(test_overload),
        cmocka_unit_test(test_replan_version),
        cmocka_unit_test(test_spouse_across_rosters),
        cmocka_unit_test(test_overrides_and_refusals),
        cmocka_unit_test(test_spouse_blocks_replacement),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}

/* rotation_bench: the rotation benchmarks, one JSON object per line on stdout:
 *   rotation.plan_20k_people_28d_s  `fc-rotation plan` on 20k people, 2k posts, 28 days, as a
 *                                   separate process (wall time, peak RSS); the roster must
 *                                   have zero hard violations by the checker. Baseline: the
 *                                   same tool with construction only (--time-limit 0).
 *   rotation.plan_20k_peak_rss_mib  its peak resident memory.
 *   rotation.replace_p99_ms         replacing everyone of a random person's affected shifts
 *                                   after they become unavailable, in a planned 20k roster.
 *                                   Baseline: re-planning that roster from scratch (ms).
 *   rotation.vs_cbc_small           small generated instances (up to 50 people x 14 days):
 *                                   the planner's penalty and CBC's best at the same time
 *                                   limit, summed; ratio = ours / CBC's. CBC's roster is
 *                                   checked too: its objective must equal the checker's
 *                                   penalty, or the LP model and the rules disagree.
 *   rotation.vs_cbc_small_lower_bound  the same penalties against CBC's proven lower bounds:
 *                                   how far from optimal the planner can be at most.
 *   rotation.service_plan_2k_28d_s  `fcctl roster plan` of a subsidiary (2000 people, 200
 *                                   posts, 28 days) through the running service: build from
 *                                   the projections, plan, check, store, publish (planning
 *                                   time limit 5 s). Baseline: the service's own time for the
 *                                   request (plan_ms), so the ratio is the RPC overhead. The
 *                                   stored roster must pass the checker.
 *   rotation.service_incident_cover_ms  from publishing an injury to its shifts being covered.
 * The service benchmark needs the harness's PostgreSQL and Redis (with-env.sh); it resets only
 * schema rotation and uses Redis database 9, so it leaves other services' data alone.
 * Usage: rotation-bench [plan|replace|cbc|service|all] (FC_BIN_DIR: where fc-rotation is). */
#include "fc/v1/intake.pb-c.h"
#include "fc_harness.h"
#include "fc_id.h"
#include "fc_pb.h"
#include "fc_redis.h"
#include "rotation_check.h"
#include "rotation_gen.h"
#include "rotation_lp.h"
#include "rotation_plan.h"
#include "rotation_problem.h"
#include "rotation_roster.h"
#include "fc_clock.h"
#include "fc_mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char s_dir[256];

static void s_emit(const char *name, double value, const char *unit, double baseline)
{
    printf("{\"name\": \"%s\", \"value\": %.4g, \"unit\": \"%s\", \"baseline\": %.4g, "
           "\"ratio\": %.4g}\n",
           name, value, unit, baseline, baseline != 0 ? value / baseline : 0.0);
    fflush(stdout);
}

static double s_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Runs argv as a child; *wall seconds, *rss_kib its peak. Returns its exit status. */
static int s_run(char *const argv[], double *wall, long *rss_kib, const char *out_file)
{
    double t0 = s_now();
    pid_t pid = fork();
    if (pid == 0) {
        if (out_file && !freopen(out_file, "w", stdout))
            _exit(127);
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    wait4(pid, &status, 0, &ru);
    *wall = s_now() - t0;
    if (rss_kib)
        *rss_kib = ru.ru_maxrss;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int s_write_problem(const rp_problem_t *pb, const char *path)
{
    json_t *doc = rp_problem_to_json(pb);
    int rc = json_dump_file(doc, path, JSON_COMPACT);
    json_decref(doc);
    return rc;
}

static int bench_plan(const char *bin)
{
    char problem[300], roster[300], base[300], tool[300], log[300];
    snprintf(problem, sizeof problem, "%s/p20k.json", s_dir);
    snprintf(roster, sizeof roster, "%s/r20k.json", s_dir);
    snprintf(base, sizeof base, "%s/r20k-construct.json", s_dir);
    snprintf(log, sizeof log, "%s/plan20k.log", s_dir);
    snprintf(tool, sizeof tool, "%s/fc-rotation", bin);
    rotation_gen_opts_t o = rotation_gen_defaults(20000, 2000, 28, 1);
    rp_problem_t *pb = rotation_gen(&o);
    if (!pb || s_write_problem(pb, problem) != 0) {
        fprintf(stderr, "rotation-bench: could not write \"%s\"\n", problem);
        rp_problem_destroy(&pb);
        return 1;
    }
    double wall = 0, wall0 = 0;
    long rss = 0;
    char *argv0[] = {tool, "plan",  "--problem", problem,   "--time-limit",
                     "0",  "--out", base,        "--quiet", NULL};
    char *argv[] = {tool, "plan", "--problem", problem, "--time-limit", "7", "--out", roster, NULL};
    int rc0 = s_run(argv0, &wall0, NULL, "/dev/null");
    int rc = s_run(argv, &wall, &rss, log);
    if (rc0 != 0 || rc != 0) {
        fprintf(stderr, "rotation-bench: fc-rotation plan failed (%d, %d); see %s\n", rc0, rc, log);
        rp_problem_destroy(&pb);
        return 1;
    }
    fc_err_t err;
    rotation_roster_t *r = rotation_roster_load(roster, pb, &err);
    rotation_check_t *c = r ? rotation_check_run(pb, r) : NULL;
    int bad = !c || c->nhard != 0 || c->penalty != r->penalty;
    if (bad)
        fprintf(stderr, "rotation-bench: the checker rejects the 20k roster: %zu hard violations\n",
                c ? c->nhard : (size_t)0);
    else {
        fprintf(stderr,
                "plan 20k: %.2f s (construction only %.2f s), %ld MiB, %zu assignments, "
                "%zu uncovered, penalty %lld, 0 hard violations\n",
                wall, wall0, rss / 1024, r->n, r->nu, (long long)r->penalty);
        s_emit("rotation.plan_20k_people_28d_s", wall, "s", wall0);
        s_emit("rotation.plan_20k_peak_rss_mib", rss / 1024.0, "MiB", 1024);
    }
    rotation_check_destroy(&c);
    rotation_roster_destroy(&r);
    rp_problem_destroy(&pb);
    return bad;
}

/* ---- through the service ---- */

static fc_redis_t *s_redis;

static void s_xadd(const char *type, const ProtobufCMessage *m, int64_t at_us)
{
    char id[FC_ID_LEN + 1], at[24];
    fc_id_new(id);
    snprintf(at, sizeof at, "%lld", (long long)at_us);
    size_t len = 0;
    uint8_t *payload = fc_pb_pack(m, &len);
    const char *argv[] = {
        "XADD",    "fc:events:intake",   "*", "id", id, "type", type, "source", "intake", "at", at,
        "payload", (const char *)payload};
    size_t lens[13];
    for (int i = 0; i < 12; i++)
        lens[i] = strlen(argv[i]);
    lens[12] = len;
    redisReply *r = fc_redis_cmdargv(s_redis, NULL, 13, argv, lens);
    if (r)
        freeReplyObject(r);
    free(payload);
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
    ev.at_us = 1;
    s_xadd("intake.org_upserted", &ev.base, 1);
}

/* The stored roster's hard violations by the checker (problem as stored, current rows). */
static size_t s_check_stored(long long roster_id)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT problem FROM rotation.roster WHERE id = %lld", roster_id);
    PGresult *r = PQexec(fc_h_db(), sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
        PQclear(r);
        return (size_t)-1;
    }
    json_error_t jerr;
    json_t *doc = json_loads(PQgetvalue(r, 0, 0), 0, &jerr);
    PQclear(r);
    fc_err_t err;
    rp_problem_t *pb = doc ? rp_problem_from_json(doc, &err) : NULL;
    json_decref(doc);
    if (!pb)
        return (size_t)-1;
    rotation_roster_t *ro = rotation_roster_new();
    snprintf(sql, sizeof sql,
             "SELECT employee_no, day::text, shift_id FROM rotation.roster_assignment WHERE"
             " roster_id = %lld AND removed_rev IS NULL AND superseded_by IS NULL",
             roster_id);
    r = PQexec(fc_h_db(), sql);
    for (int i = 0; i < PQntuples(r); i++) {
        int day = -1;
        rp_problem_day_of(pb, PQgetvalue(r, i, 1), &day, &err);
        rotation_roster_add(ro, rp_problem_person_index(pb, PQgetvalue(r, i, 0)), day,
                            rp_problem_shift_index(pb, PQgetvalue(r, i, 2)));
    }
    PQclear(r);
    snprintf(sql, sizeof sql,
             "SELECT day::text, shift_id, missing FROM rotation.roster_uncovered WHERE"
             " roster_id = %lld AND superseded_by IS NULL",
             roster_id);
    r = PQexec(fc_h_db(), sql);
    for (int i = 0; i < PQntuples(r); i++) {
        rr_uncovered_t u;
        memset(&u, 0, sizeof u);
        rp_problem_day_of(pb, PQgetvalue(r, i, 0), &u.day, &err);
        u.shift = rp_problem_shift_index(pb, PQgetvalue(r, i, 1));
        u.missing = atoi(PQgetvalue(r, i, 2));
        rotation_roster_add_uncovered(ro, &u);
    }
    PQclear(r);
    rotation_check_t *c = rotation_check_run(pb, ro);
    size_t n = c->nhard;
    rotation_check_destroy(&c);
    rotation_roster_destroy(&ro);
    rp_problem_destroy(&pb);
    return n;
}

static int bench_service(void)
{
    const char *url = getenv("FC_REDIS_URL");
    if (!url || !getenv("FC_PG_ADMIN_URL")) {
        fprintf(stderr, "rotation-bench: service: FC_REDIS_URL / FC_PG_ADMIN_URL not set (run "
                        "through tests/harness/with-env.sh after tests/harness/infra.sh start)\n");
        return 1;
    }
    fc_h_init("rotation_bench");
    PGresult *r = PQexec(fc_h_db(), "DROP SCHEMA IF EXISTS rotation CASCADE;"
                                    " CREATE SCHEMA rotation AUTHORIZATION fc_rotation");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    char *rurl = fc_xasprintf("%s/9", url), *renv = fc_xasprintf("FC_REDIS_URL=%s", rurl);
    fc_err_t err;
    s_redis = ok ? fc_redis_new(rurl, &err) : NULL;
    redisReply *fl = s_redis ? fc_redis_cmd(s_redis, &err, "FLUSHDB") : NULL;
    if (fl)
        freeReplyObject(fl);
    if (!s_redis) {
        fprintf(stderr, "rotation-bench: service: could not prepare the database or redis\n");
        free(rurl);
        free(renv);
        return 1;
    }
    const char *env[] = {renv, "FC_CLOCK=fixed:2026-03-01T12:00:00Z", "FC_ROTATION_PLAN_TIME_S=5",
                         NULL};
    pid_t pid = fc_h_up("rotation", env);
    /* a subsidiary: 20 branches, 200 posts of three 8-hour shifts, 2000 people */
    enum { NB = 20, NPOST = 200, NPEOPLE = 2000 };
    s_org("G", "", "group");
    s_org("S1", "G", "subsidiary");
    for (int b = 0; b < NB; b++) {
        char code[16];
        snprintf(code, sizeof code, "B%02d", b);
        s_org(code, "S1", "branch");
    }
    for (int k = 0; k < NPOST; k++) {
        char code[16], org[16];
        snprintf(code, sizeof code, "P%03d", k);
        snprintf(org, sizeof org, "B%02d", k % NB);
        Fc__V1__Shift sh[3], *sp[3];
        static const int st[3] = {0, 480, 960};
        for (int i = 0; i < 3; i++) {
            fc__v1__shift__init(&sh[i]);
            sh[i].start_min = st[i];
            sh[i].end_min = (st[i] + 480) % 1440;
            sh[i].headcount = 1 + (k + i) % 2;
            sp[i] = &sh[i];
        }
        Fc__V1__Post p = FC__V1__POST__INIT;
        p.post_code = code;
        p.org_code = org;
        p.name = code;
        p.kind = k % 10 == 0 ? "quarantine_service" : "checkpoint";
        p.risk_class = k % 4 == 0 ? 1 : 2;
        p.shifts = sp;
        p.n_shifts = 3;
        Fc__V1__PostUpserted ev = FC__V1__POST_UPSERTED__INIT;
        ev.post = &p;
        ev.at_us = 1;
        s_xadd("intake.post_upserted", &ev.base, 1);
    }
    for (int i = 0; i < NPEOPLE; i++) {
        char no[16], org[16], spouse[16] = "";
        snprintf(no, sizeof no, "E%05d", i);
        snprintf(org, sizeof org, "B%02d", i % NB);
        if (i % 50 < 2)
            snprintf(spouse, sizeof spouse, "E%05d", i % 50 == 0 ? i + 1 : i - 1);
        Fc__V1__Person p = FC__V1__PERSON__INIT;
        p.employee_no = no;
        p.name = no;
        p.org_code = org;
        p.party_status = i % 3 ? "none" : "member";
        p.cadre_level = "none";
        p.spouse_employee_no = spouse;
        p.young_cadre = i % 7 == 0;
        p.fit_for_frontline = i % 97 != 0;
        p.health_status = FC__V1__HEALTH_STATUS__HEALTH_STATUS_HEALTHY;
        Fc__V1__PersonUpserted ev = FC__V1__PERSON_UPSERTED__INIT;
        ev.person = &p;
        ev.at_us = 1;
        s_xadd("intake.person_upserted", &ev.base, 1);
    }
    int bad = fc_h_wait_scalar("SELECT count(*) FROM rotation.person", NPEOPLE, 120000) != NPEOPLE;
    double t0 = s_now();
    char *out = NULL;
    int rc = bad ? -1 : fc_h_fcctl(&out, "--json roster plan --org S1 --from 2026-03-02 --days 28");
    double wall = s_now() - t0;
    long long plan_ms = 0;
    const char *pm = out ? strstr(out, "\"plan_ms\":") : NULL;
    if (pm)
        plan_ms = strtoll(pm + 10, NULL, 10);
    long long roster = fc_h_scalar("SELECT max(id) FROM rotation.roster");
    size_t hard = rc == 0 ? s_check_stored(roster) : (size_t)-1;
    if (rc != 0 || hard != 0) {
        fprintf(stderr, "rotation-bench: service plan failed (exit %d, %zd hard violations): %s\n",
                rc, (ssize_t)hard, out ? out : "");
        bad = 1;
    }
    free(out);
    /* an injury: from publishing it to its shifts being covered */
    double cover_ms = -1;
    if (!bad) {
        PGresult *v = PQexec(fc_h_db(), "SELECT employee_no FROM rotation.roster_assignment"
                                        " GROUP BY employee_no ORDER BY count(*) DESC LIMIT 1");
        char who[32] = "";
        if (PQresultStatus(v) == PGRES_TUPLES_OK && PQntuples(v) == 1)
            snprintf(who, sizeof who, "%s", PQgetvalue(v, 0, 0));
        PQclear(v);
        int64_t at;
        fc_time_parse("2026-03-10T12:00+08:00", &at, &err);
        Fc__V1__IncidentReported ev = FC__V1__INCIDENT_REPORTED__INIT;
        ev.incident_id = 1;
        ev.employee_no = who;
        ev.org_code = "B00";
        ev.kind = "injured";
        ev.at_us = at;
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM rotation.roster_assignment WHERE employee_no = '%s' AND"
                 " removed_rev IS NULL AND end_us > %lld",
                 who, (long long)at);
        double t1 = s_now();
        s_xadd("intake.incident_reported", &ev.base, at);
        if (fc_h_wait_scalar(sql, 0, 5000) == 0)
            cover_ms = (s_now() - t1) * 1000;
        if (cover_ms < 0 || s_check_stored(roster) != 0)
            bad = 1;
    }
    int st = fc_h_stop(pid, SIGTERM, 10000);
    fprintf(stderr,
            "service: plan of 2000 people x 28 days %.2f s (planner %lld ms), stored "
            "roster checked: %s; injury covered in %.0f ms; service exit %d\n",
            wall, plan_ms, bad ? "FAILED" : "0 hard violations", cover_ms,
            WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    if (!bad) {
        s_emit("rotation.service_plan_2k_28d_s", wall, "s", plan_ms / 1000.0);
        s_emit("rotation.service_incident_cover_ms", cover_ms, "ms", 1000);
    }
    fc_redis_destroy(&s_redis);
    free(rurl);
    free(renv);
    return bad;
}

static int s_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int bench_replace(void)
{
    rotation_gen_opts_t o = rotation_gen_defaults(20000, 2000, 28, 2);
    rp_problem_t *pb = rotation_gen(&o);
    rotation_plan_t *plan = rotation_plan_new(pb);
    rotation_plan_opts_t po = {5, 1, 0};
    fc_err_t err;
    double t0 = s_now();
    rotation_plan_solve(plan, &po, &err);
    double full_ms = (s_now() - t0) * 1000;
    enum { N = 300 };
    double ms[N];
    int bad = 0;
    size_t changes = 0, uncovered = 0;
    uint64_t x = 12345;
    for (int i = 0; i < N; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        int p = (int)((x >> 33) % (uint64_t)pb->npeople);
        int day = (int)((x >> 13) % (uint64_t)pb->days);
        /* injured from 08:00 of that day to the end of the horizon */
        rp_problem_add_unavailable(pb, p, (int64_t)day * RP_DAY_MIN + 480,
                                   (int64_t)pb->days * RP_DAY_MIN);
        rotation_change_t *ch = NULL;
        size_t n = 0;
        double t = s_now();
        rotation_plan_replace(plan, p, &ch, &n);
        ms[i] = (s_now() - t) * 1000;
        changes += n;
        for (size_t k = 0; k < n; k++)
            uncovered += ch[k].to < 0;
        free(ch);
    }
    rotation_roster_t *r = rotation_plan_roster(plan);
    rotation_check_t *c = rotation_check_run(pb, r);
    if (c->nhard) {
        fprintf(stderr, "rotation-bench: %zu hard violations after replacements\n", c->nhard);
        bad = 1;
    }
    qsort(ms, N, sizeof ms[0], s_cmp_double);
    double p50 = ms[N / 2], p99 = ms[(int)(N * 0.99) - 1];
    fprintf(stderr,
            "replace: %d people, %zu shifts re-planned (%zu left uncovered), p50 %.2f ms, "
            "p99 %.2f ms, max %.2f ms; full plan %.0f ms; checker: %zu hard violations\n",
            N, changes, uncovered, p50, p99, ms[N - 1], full_ms, c->nhard);
    if (!bad)
        s_emit("rotation.replace_p99_ms", p99, "ms", full_ms);
    rotation_check_destroy(&c);
    rotation_roster_destroy(&r);
    rotation_plan_destroy(&plan);
    rp_problem_destroy(&pb);
    return bad;
}

/* CBC's proven lower bound from its log ("Lower bound:" or, when optimal, the objective). */
static double s_cbc_bound(const char *log, double objective)
{
    FILE *f = fopen(log, "r");
    char line[512];
    double bound = -1;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "Lower bound:", 12) == 0)
            bound = strtod(line + 12, NULL);
        if (strstr(line, "Result - Optimal solution found"))
            bound = objective;
    }
    if (f)
        fclose(f);
    return bound;
}

static int bench_cbc(double limit)
{
    static const int sizes[][2] = {{20, 1}, {30, 2}, {50, 2}, {50, 3}};
    double ours = 0, theirs = 0, ours_b = 0, bounds = 0;
    int bad = 0, n = 0, nb = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        rotation_gen_opts_t o = rotation_gen_defaults(sizes[i][0], sizes[i][1], 14, 100 + i);
        o.units = 1;
        o.shifts_per_post = 2;
        o.requests = 3;
        o.min_stints = 1;
        o.max_weekends = 2;
        o.soft_cover = 1;
        rp_problem_t *pb = rotation_gen(&o);
        char lp[300], sol[300], cmd[1024], slimit[32];
        snprintf(lp, sizeof lp, "%s/small%zu.lp", s_dir, i);
        snprintf(sol, sizeof sol, "%s/small%zu.sol", s_dir, i);
        snprintf(slimit, sizeof slimit, "%g", limit);
        fc_err_t err;
        rotation_lp_write(pb, lp, &err);
        unlink(sol);
        snprintf(cmd, sizeof cmd, "cbc %s sec %s threads 1 solve solu %s > %s.log 2>&1", lp, slimit,
                 sol, lp);
        double t0 = s_now();
        int crc = system(cmd);
        double cbc_s = s_now() - t0;
        rotation_plan_t *plan = rotation_plan_new(pb);
        rotation_plan_opts_t po = {limit, 1, 0};
        t0 = s_now();
        rotation_plan_solve(plan, &po, &err);
        double our_s = s_now() - t0;
        rotation_roster_t *mine = rotation_plan_roster(plan);
        rotation_check_t *cm = rotation_check_run(pb, mine);
        double obj = 0;
        char status[64] = "";
        rotation_roster_t *cr =
            crc == 0 ? rotation_lp_read_cbc(pb, sol, &obj, status, sizeof status, &err) : NULL;
        rotation_check_t *cc = cr ? rotation_check_run(pb, cr) : NULL;
        char log[320];
        snprintf(log, sizeof log, "%s.log", lp);
        double bound = s_cbc_bound(log, obj);
        if (bound > 0) {
            ours_b += (double)cm->penalty;
            bounds += bound;
            nb++;
        }
        if (!cc) {
            /* under load CBC may not reach an integer solution in the limit: not a failure of
             * ours, but nothing to compare with */
            fprintf(stderr,
                    "cbc small %zu: CBC found no integer solution in %.0f s (%s); ours "
                    "%lld\n",
                    i, limit, err.message, (long long)cm->penalty);
        } else if (cc->nhard || llround(obj) != cc->penalty || cm->nhard) {
            fprintf(stderr,
                    "rotation-bench: instance %zu: cbc objective %.0f, checker %lld "
                    "(%zu hard); ours %zu hard\n",
                    i, obj, (long long)cc->penalty, cc->nhard, cm->nhard);
            bad = 1;
        } else {
            fprintf(stderr,
                    "cbc small %zu (%d people x %d days, %d shift types): ours %lld in "
                    "%.1f s, CBC %lld in %.1f s (%s, lower bound %.0f), ratio %.3f\n",
                    i, pb->npeople, pb->days, pb->nshifts, (long long)cm->penalty, our_s,
                    (long long)cc->penalty, cbc_s, status, bound,
                    cc->penalty ? (double)cm->penalty / (double)cc->penalty : 0.0);
            ours += (double)cm->penalty;
            theirs += (double)cc->penalty;
            n++;
        }
        rotation_check_destroy(&cc);
        rotation_roster_destroy(&cr);
        rotation_check_destroy(&cm);
        rotation_roster_destroy(&mine);
        rotation_plan_destroy(&plan);
        rp_problem_destroy(&pb);
    }
    if (n && !bad)
        s_emit("rotation.vs_cbc_small", ours, "penalty", theirs);
    /* how far from proven optimality at worst: ours against CBC's lower bounds */
    if (nb && !bad)
        s_emit("rotation.vs_cbc_small_lower_bound", ours_b, "penalty", bounds);
    return bad;
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "all";
    const char *bin = getenv("FC_BIN_DIR");
    const char *tmp = getenv("TMPDIR");
    double cbc_limit = getenv("FC_BENCH_CBC_LIMIT_S") ? atof(getenv("FC_BENCH_CBC_LIMIT_S")) : 15;
    snprintf(s_dir, sizeof s_dir, "%s/fc-rotation-bench-%d", tmp && *tmp ? tmp : "/tmp",
             (int)getpid());
    mkdir(s_dir, 0755);
    int bad = 0;
    if (strcmp(what, "plan") == 0 || strcmp(what, "all") == 0) {
        if (!bin) {
            fprintf(stderr, "rotation-bench: FC_BIN_DIR is not set (run through "
                            "tests/harness/with-env.sh)\n");
            return 2;
        }
        bad |= bench_plan(bin);
    }
    if (strcmp(what, "replace") == 0 || strcmp(what, "all") == 0)
        bad |= bench_replace();
    if (strcmp(what, "cbc") == 0 || strcmp(what, "all") == 0)
        bad |= bench_cbc(cbc_limit);
    if (strcmp(what, "service") == 0 || strcmp(what, "all") == 0)
        bad |= bench_service();
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s_dir);
    if (!getenv("FC_BENCH_KEEP") && system(cmd) != 0)
        fprintf(stderr, "rotation-bench: could not remove %s\n", s_dir);
    return bad;
}

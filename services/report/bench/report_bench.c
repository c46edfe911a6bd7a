/* report_bench: the weekly report of a group of 200k people, 1.4M health check-ins and 1M duty
 * records in the week (loaded with COPY straight into report's projection tables), built by
 * fc-report over RPC (report.weekly_generate: every section, stored as a version), against
 * the time of the equivalent aggregate SQL run directly on the same tables in the same run.
 *   report.weekly_200k_s   seconds to build and store the group's report (best of BENCH_RUNS)
 * Prints one JSON object per line: {"name","value","unit","baseline","ratio"}. Environment from
 * tests/harness/with-env.sh; BENCH_PEOPLE, BENCH_CHECKINS, BENCH_DUTY shrink or grow the data. */
#include "fc/v1/report.pb-c.h"
#include "fc_clock.h"
#include "fc_endpoints.h"
#include "fc_harness.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "fc_rpc.h"

#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SUBS 50
#define BRANCHES_PER_SUB 100

static double s_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long s_env(const char *name, long def)
{
    const char *v = getenv(name);
    return v && *v ? atol(v) : def;
}

static pid_t s_pids[5];

/* Stops the services this run started (also on a failure). */
static void s_stop_all(void)
{
    for (int i = 4; i >= 0; i--)
        if (s_pids[i] > 0)
            fc_h_stop(s_pids[i], SIGTERM, 30000);
    memset(s_pids, 0, sizeof s_pids);
}

static void s_die(const char *what, PGconn *db)
{
    fprintf(stderr, "report_bench: %s: %s\n", what, db ? PQerrorMessage(db) : "");
    s_stop_all();
    exit(1);
}

static void s_sql(PGconn *db, const char *sql)
{
    PGresult *r = PQexec(db, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        s_die(sql, db);
    PQclear(r);
}

static uint64_t s_seed = 42;
static long s_rand(long n)
{
    s_seed = s_seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (long)((s_seed >> 33) % (uint64_t)n);
}

/* COPY rows produced by fill(i, buf) into table. */
static void s_copy(PGconn *db, const char *table, long n, int (*fill)(long, char *, size_t))
{
    char sql[256];
    snprintf(sql, sizeof sql, "COPY report.%s FROM STDIN", table);
    PGresult *r = PQexec(db, sql);
    if (PQresultStatus(r) != PGRES_COPY_IN)
        s_die(sql, db);
    PQclear(r);
    fc_buf_t b;
    fc_buf_init(&b);
    char line[512];
    for (long i = 0; i < n; i++) {
        int len = fill(i, line, sizeof line);
        fc_buf_append(&b, line, (size_t)len);
        if (b.len > (1 << 20)) {
            if (PQputCopyData(db, b.data, (int)b.len) != 1)
                s_die("copy data", db);
            fc_buf_reset(&b);
        }
    }
    if (b.len && PQputCopyData(db, b.data, (int)b.len) != 1)
        s_die("copy data", db);
    if (PQputCopyEnd(db, NULL) != 1)
        s_die("copy end", db);
    r = PQgetResult(db);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        s_die(table, db);
    PQclear(r);
    fc_buf_fini(&b);
}

static long s_people;
static int64_t s_ws; /* the week: 2026-W46 */
#define DAY (86400LL * 1000000)

static const char *s_branch(long p, char *buf, size_t n)
{
    long b = p % (SUBS * BRANCHES_PER_SUB);
    snprintf(buf, n, "S%02ldB%03ld", b / BRANCHES_PER_SUB, b % BRANCHES_PER_SUB);
    return buf;
}

static int f_org(long i, char *out, size_t n)
{
    if (i == 0)
        return snprintf(out, n, "G\t\t集团\tgroup\t1\n");
    i--;
    if (i < SUBS)
        return snprintf(out, n, "S%02ld\tG\t第%ld子公司\tsubsidiary\t1\n", i, i + 1);
    i -= SUBS;
    return snprintf(out, n, "S%02ldB%03ld\tS%02ld\t支部\tbranch\t1\n", i / BRANCHES_PER_SUB,
                    i % BRANCHES_PER_SUB, i / BRANCHES_PER_SUB);
}

static int f_person(long p, char *out, size_t n)
{
    static const char *party[] = {"member", "none", "activist", "applicant", "development_target"};
    static const char *cadre[] = {"none", "none", "none", "section", "division"};
    char b[16];
    return snprintf(out, n, "E%07ld\t人员%ld\t%s\t%s\t%s\t%s\t%s\tf\t%lld\t%lld\n", p, p,
                    s_branch(p, b, sizeof b), party[p % 5],
                    cadre[p % 5 == 4   ? 4
                          : p % 7 == 3 ? 3
                                       : 0],
                    p % 40 == 0 ? "t" : "f", p % 9 == 0 ? "t" : "f", (long long)(s_ws - 60 * DAY),
                    (long long)(s_ws - 60 * DAY));
}

static int f_status(long i, char *out, size_t n)
{
    /* every person healthy since registration, then 10% change during or around the week */
    if (i < s_people)
        return snprintf(out, n, "%ld\tE%07ld\t%lld\t1\n", i + 1, i, (long long)(s_ws - 60 * DAY));
    long p = s_rand(s_people);
    return snprintf(out, n, "%ld\tE%07ld\t%lld\t%ld\n", i + 1, p,
                    (long long)(s_ws - DAY + s_rand(8 * 86400) * 1000000LL), 2 + s_rand(6));
}

static int f_checkin(long i, char *out, size_t n)
{
    long p = i % s_people;
    char b[16];
    int64_t at = s_ws + (i / s_people) * (DAY / 2) + s_rand(6 * 3600) * 1000000LL;
    return snprintf(out, n, "%ld\tE%07ld\t%s\t%lld\t%s\n", i + 1, p, s_branch(p, b, sizeof b),
                    (long long)at, s_rand(50) == 0 ? "t" : "f");
}

static int f_duty(long i, char *out, size_t n)
{
    long p = s_rand(s_people);
    char b[16];
    int64_t start = s_ws + s_rand(7 * 86400 - 12 * 3600) * 1000000LL;
    int64_t end = start + (1800 + s_rand(11 * 3600)) * 1000000LL;
    long sd = (long)fc_time_local_day(start), ed = (long)fc_time_local_day(end - 1);
    return snprintf(out, n, "%ld\tE%07ld\t%s\tP%ld\t%s\t%ld\t%lld\t%lld\t%ld\t%ld\n", i + 1, p,
                    s_branch(p, b, sizeof b), p % 1000, s_branch(p, b, sizeof b), 1 + s_rand(2),
                    (long long)start, (long long)end, sd, ed);
}

static int f_incident(long i, char *out, size_t n)
{
    static const char *kinds[] = {"injured", "fell_ill", "infected", "quarantined", "died"};
    long p = s_rand(s_people);
    char b[16];
    return snprintf(out, n, "%ld\tE%07ld\t%s\t%s\t%lld\t事件\t%s\t%s\n", i + 1, p,
                    s_branch(p, b, sizeof b), kinds[i % 5],
                    (long long)(s_ws + s_rand(7 * 86400) * 1000000LL), i % 5 >= 2 ? "t" : "f",
                    i % 2 ? "t" : "f");
}

static int f_weekly(long i, char *out, size_t n)
{
    long p = i * 40; /* the leadership members */
    return snprintf(out, n, "E%07ld\t2026-W46\t%ld\tS%02ld\t%lld\t%s\t%s\n", p, i + 1,
                    (p % (SUBS * BRANCHES_PER_SUB)) / BRANCHES_PER_SUB,
                    (long long)(s_ws + 6 * DAY + s_rand(86400) * 1000000LL), s_rand(30) ? "t" : "f",
                    s_rand(30) ? "t" : "f");
}

static int f_merit(long i, char *out, size_t n)
{
    static const char *kinds[] = {"commendation", "merit", "public_praise", "accountability"};
    long p = s_rand(s_people);
    char b[16];
    return snprintf(out, n, "%ld\tE%07ld\t%s\t%s\t%s\t事由\t集团党委\t%lld\n", i + 1, p,
                    s_branch(p, b, sizeof b), kinds[i % 4], i % 4 == 3 ? "t" : "f",
                    (long long)(s_ws - 20 * DAY + s_rand(27 * 86400) * 1000000LL));
}

static int f_key(long i, char *out, size_t n)
{
    long p = s_rand(s_people);
    char b[16];
    return snprintf(out, n, "%ld\tE%07ld\t%s\t%s\t事例\t%lld\n", i + 1, p, s_branch(p, b, sizeof b),
                    s_rand(4) ? "good" : "bad",
                    (long long)(s_ws - 20 * DAY + s_rand(27 * 86400) * 1000000LL));
}

static int f_pay(long i, char *out, size_t n)
{
    static const char *kinds[] = {"condolence", "frontline_subsidy", "epidemic_allowance",
                                  "hardship", "insurance_claim"};
    long p = s_rand(s_people);
    char b[16];
    int64_t req = s_ws + s_rand(6 * 86400) * 1000000LL;
    return snprintf(
        out, n,
        "%ld\t%s\tE%07ld\t%s\tS%02ld\tspecial_party_fee\t%ld\tpaid\t%lld\t%lld\t\\N\t\\N\t%lld\n",
        i + 1, kinds[i % 5], p, s_branch(p, b, sizeof b),
        (p % (SUBS * BRANCHES_PER_SUB)) / BRANCHES_PER_SUB, 20000 + s_rand(80000), (long long)req,
        (long long)(req + 3600000000LL), (long long)req);
}

static int f_warning(long i, char *out, size_t n)
{
    long p = s_rand(s_people);
    char b[16];
    return snprintf(out, n, "%ld\tE%07ld\t%s\tminutes_7d\t2900\t3600\t80\t%lld\t0\n", i + 1, p,
                    s_branch(p, b, sizeof b), (long long)(s_ws + s_rand(7 * 86400) * 1000000LL));
}

static int f_rest(long i, char *out, size_t n)
{
    long p = s_rand(s_people);
    char b[16];
    int64_t from = s_ws + s_rand(7 * 86400) * 1000000LL;
    return snprintf(out, n, "%ld\tE%07ld\t%s\tminutes_day\t800\t720\t%lld\t%lld\t0\n", i + 1, p,
                    s_branch(p, b, sizeof b), (long long)from, (long long)(from + 2 * DAY));
}

static int f_funds(long i, char *out, size_t n)
{
    if (i == 0)
        return snprintf(out, n, "1\tinflow_topup\t\tG\tspecial_party_fee\t100000000000\t%lld\n",
                        (long long)(s_ws - 30 * DAY));
    return snprintf(out, n, "%ld\tallocate\tG\tS%02ld\tspecial_party_fee\t1000000000\t%lld\n",
                    i + 1, i - 1, (long long)(s_ws - 20 * DAY));
}

/* The same figures as plain aggregate SQL over the same tables, per subsidiary. */
static const char *s_baseline[] = {
    "CREATE TEMP TABLE b_map AS SELECT o.org_code, coalesce(CASE WHEN o.kind = 'subsidiary'"
    " THEN o.org_code END, p.org_code) sub FROM report.org o LEFT JOIN report.org p"
    " ON p.org_code = o.parent_code AND p.kind = 'subsidiary'",
    "SELECT m.sub, count(DISTINCT d.employee_no), count(DISTINCT d.employee_no) FILTER (WHERE"
    " risk_class = 1), sum((least(end_us, $2) - greatest(start_us, $1)) / 60000000)"
    " FROM report.duty d JOIN b_map m USING (org_code) WHERE start_us < $2 AND end_us > $1"
    " GROUP BY ROLLUP (m.sub)",
    "SELECT m.sub, count(DISTINCT (d.employee_no, g.day)) FROM report.duty d JOIN b_map m"
    " USING (org_code), generate_series(d.start_day, d.end_day) g(day) WHERE start_us < $2"
    " AND end_us > $1 GROUP BY ROLLUP (m.sub)",
    "SELECT m.sub, count(*), count(DISTINCT c.employee_no), count(*) FILTER (WHERE fever)"
    " FROM report.checkin c JOIN b_map m USING (org_code) WHERE at_us >= $1 AND at_us < $2"
    " GROUP BY ROLLUP (m.sub)",
    "SELECT m.sub, s.status, count(*) FROM (SELECT DISTINCT ON (employee_no) employee_no, status"
    " FROM report.person_status WHERE at_us < $2 ORDER BY employee_no, at_us DESC, id DESC) s"
    " JOIN report.person p USING (employee_no) JOIN b_map m ON m.org_code = p.org_code"
    " WHERE p.first_seen_us < $2 AND $1::bigint > 0 GROUP BY ROLLUP (m.sub, s.status)",
    "SELECT m.sub, i.kind, count(*) FROM report.incident i JOIN b_map m USING (org_code)"
    " WHERE at_us >= $1 AND at_us < $2 GROUP BY ROLLUP (m.sub, i.kind)",
    "SELECT m.sub, x.kind, sum(amount_fen) FROM report.disbursement x JOIN b_map m"
    " ON m.org_code = x.payer_org WHERE paid_us >= $1 AND paid_us < $2 GROUP BY ROLLUP (m.sub, "
    "x.kind)",
    "SELECT org_code, count(*) FILTER (WHERE submitted_us <= $2) FROM report.weekly_report"
    " WHERE iso_week = '2026-W46' AND $1::bigint > 0 GROUP BY ROLLUP (org_code)",
    "SELECT m.sub, x.kind, count(*) FROM report.merit x JOIN b_map m USING (org_code)"
    " WHERE at_us >= $1 AND at_us < $2 GROUP BY ROLLUP (m.sub, x.kind)",
    "SELECT m.sub, count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM report.duty d"
    " WHERE d.employee_no = f.employee_no AND d.start_us < f.until_us AND d.end_us > f.from_us))"
    " FROM report.forced_rest f JOIN b_map m USING (org_code) WHERE from_us >= $1"
    " AND from_us < $2 GROUP BY ROLLUP (m.sub)",
    NULL};

static double s_run_baseline(PGconn *db)
{
    char ws[24], we[24];
    snprintf(ws, sizeof ws, "%lld", (long long)s_ws);
    snprintf(we, sizeof we, "%lld", (long long)(s_ws + 7 * DAY));
    const char *p[] = {ws, we};
    s_sql(db, "BEGIN");
    double t0 = s_now();
    for (int i = 0; s_baseline[i]; i++) {
        PGresult *r = PQexecParams(db, s_baseline[i], i ? 2 : 0, NULL, i ? p : NULL, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
            s_die(s_baseline[i], db);
        PQclear(r);
    }
    double t = s_now() - t0;
    s_sql(db, "ROLLBACK");
    return t;
}

static double s_run_report(void)
{
    fc_rpc_client_opts_t o = {.timeout_ms = 600000, .retries = 0};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("report"), &o);
    Fc__V1__ReportGenerateRequest req = FC__V1__REPORT_GENERATE_REQUEST__INIT;
    req.iso_week = "2026-W46";
    req.org_code = "";
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    double t0 = s_now();
    int rc = fc_rpc_call(c, "report.weekly_generate", &req.base,
                         &fc__v1__report_generate_reply__descriptor, &reply, NULL, &err);
    double t = s_now() - t0;
    fc_rpc_client_destroy(&c);
    if (rc != FC_OK)
        s_die(err.message, NULL);
    Fc__V1__ReportMeta *m = ((Fc__V1__ReportGenerateReply *)reply)->meta;
    fprintf(stderr, "report_bench: version %d, %s, missing %zu sections\n", m->version,
            m->completeness, m->n_missing_sections);
    protobuf_c_message_free_unpacked(reply, NULL);
    return t;
}

int main(void)
{
    fc_log_init("report_bench", FC_LOG_ERROR);
    fc_h_init("report_bench");
    signal(SIGPIPE, SIG_IGN);
    s_people = s_env("BENCH_PEOPLE", 200000);
    long checkins = s_env("BENCH_CHECKINS", 1400000), duties = s_env("BENCH_DUTY", 1000000);
    int runs = (int)s_env("BENCH_RUNS", 2);
    fc_err_t err;
    fc_time_parse("2026-11-09T00:00:00+08:00", &s_ws, &err);
    fc_h_reset();
    char redis[256];
    snprintf(redis, sizeof redis, "FC_REDIS_URL=%s/5", getenv("FC_REDIS_URL"));
    const char *src_env[] = {redis, NULL};
    const char *rep_env[] = {"FC_REPORT_SCHEDULE_ENABLED=0", "FC_REPORT_CHASE_INTERVAL_S=3600",
                             "FC_CLOCK=fixed:2026-11-18T04:00:00Z", NULL};
    s_pids[0] = fc_h_up("intake", src_env);
    s_pids[1] = fc_h_up("welfare", src_env);
    s_pids[2] = fc_h_up("notify", src_env);
    s_pids[3] = fc_h_up("rotation", src_env);
    s_pids[4] = fc_h_up("report", rep_env);
    PGconn *db = fc_h_db();
    double t0 = s_now();
    s_copy(db, "org", 1 + SUBS + SUBS * BRANCHES_PER_SUB, f_org);
    s_copy(db, "person", s_people, f_person);
    s_copy(db, "person_status", s_people + s_people / 10, f_status);
    s_copy(db, "checkin", checkins, f_checkin);
    s_copy(db, "duty", duties, f_duty);
    s_copy(db, "incident", 2000, f_incident);
    s_copy(db, "weekly_report", s_people / 40, f_weekly);
    s_copy(db, "merit", 5000, f_merit);
    s_copy(db, "key_event", 10000, f_key);
    s_copy(db, "disbursement", 20000, f_pay);
    s_copy(db, "funds_moved", 1 + SUBS, f_funds);
    s_copy(db, "overload_warning", 10000, f_warning);
    s_copy(db, "forced_rest", 2000, f_rest);
    s_sql(db, "SELECT setval(pg_get_serial_sequence('report.person_status', 'id'),"
              " (SELECT max(id) FROM report.person_status))");
    s_sql(db, "ANALYZE report.org, report.person, report.person_status, report.checkin,"
              " report.duty, report.incident, report.weekly_report, report.merit,"
              " report.key_event, report.disbursement, report.funds_moved, report.overload_warning,"
              " report.forced_rest");
    fprintf(stderr, "report_bench: loaded %ld people, %ld check-ins, %ld duty records in %.1f s\n",
            s_people, checkins, duties, s_now() - t0);
    double best = 1e9, base = 1e9;
    for (int i = 0; i < runs; i++) {
        double b = s_run_baseline(db), t = s_run_report();
        fprintf(stderr, "report_bench: run %d: report %.2f s, baseline SQL %.2f s\n", i + 1, t, b);
        if (t < best)
            best = t;
        if (b < base)
            base = b;
    }
    printf(
        "{\"name\": \"report.weekly_200k_s\", \"value\": %.3f, \"unit\": \"s\", \"baseline\": %.3f,"
        " \"ratio\": %.2f}\n",
        best, base, best / base);
    s_stop_all();
    return 0;
}

/* search_bench: intake.person_search on 150k people (BENCH_SEARCH_PEOPLE), the real path
 * (client -> ZeroMQ -> intake -> PostgreSQL -> reply), against a plain SELECT of the same
 * matches without migration 0004's indexes (a sequential scan: what the search costs without
 * them), measured in the same run on the same PostgreSQL:
 *   intake.person_search_150k_p50_ms   search over the RPC path; baseline: plain SELECT p50
 *   intake.person_search_150k_p95_ms   the same at p95
 *   intake.person_search_sql_p50_ms    the store's indexed statement alone vs the plain SELECT
 * The queries mix what people type: a one-character surname, a two- and three-character name,
 * a given name, the start of an employee number, by a subsidiary's admin (scoped) and group-wide.
 * Prints one JSON object per line: {"name","value","unit","baseline","ratio"}. */
#include "fc_harness.h"
#include "fc_endpoints.h"
#include "fc_mem.h"
#include "fc_rpc.h"
#include "fc/v1/intake.pb-c.h"

#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUNDS 5 /* each query this many times */

static const char *s_queries[] = {"王",   "李",   "欧阳",  "张伟",   "王建国", "建国",
                                  "秀英", "司马", "E0012", "e00777", "E1",     "刘洋",
                                  "芳",   "陈静", "黄",    "E14999"};
#define NQ (sizeof s_queries / sizeof s_queries[0])

static double s_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void s_die(const char *what)
{
    fprintf(stderr, "search_bench: %s\n", what);
    exit(1);
}

static void s_sql(PGconn *db, const char *sql)
{
    PGresult *r = PQexec(db, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "search_bench: %s: %s", sql, PQerrorMessage(db));
        exit(1);
    }
    PQclear(r);
}

static int s_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double s_pct(double *v, size_t n, double p)
{
    qsort(v, n, sizeof *v, s_cmp);
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i];
}

static void s_result(const char *name, double value, const char *unit, double baseline)
{
    printf("{\"name\": \"%s\", \"value\": %.3f, \"unit\": \"%s\", \"baseline\": %.3f, "
           "\"ratio\": %.3f}\n",
           name, value, unit, baseline, baseline > 0 ? value / baseline : 0);
    fflush(stdout);
}

/* One statement per query as the given scope path; ms per run into out. */
static void s_sql_runs(PGconn *db, const char *sql, const char *scope, double *out)
{
    size_t k = 0;
    for (int round = 0; round < ROUNDS; round++)
        for (size_t q = 0; q < NQ; q++) {
            char like[80];
            snprintf(like, sizeof like, "%s%%", s_queries[q]);
            const char *p[] = {like, s_queries[q], q % 2 ? scope : "/"};
            double t0 = s_now();
            PGresult *r = PQexecParams(db, sql, 3, NULL, p, NULL, NULL, 0);
            if (PQresultStatus(r) != PGRES_TUPLES_OK) {
                fprintf(stderr, "search_bench: %s", PQerrorMessage(db));
                exit(1);
            }
            out[k++] = (s_now() - t0) * 1000;
            PQclear(r);
        }
}

int main(void)
{
    const char *env_n = getenv("BENCH_SEARCH_PEOPLE");
    long n = env_n && *env_n ? atol(env_n) : 150000;
    fc_h_init("search_bench");
    fc_h_reset();
    pid_t intake = fc_h_up("intake", NULL);
    PGconn *db = fc_h_db();

    /* 20 subsidiaries x 50 branches; Chinese names from common surnames (some two-character)
     * and given names, many shared, as in a real group */
    s_sql(db, "INSERT INTO intake.org_unit (org_code, parent_code, name, kind, path)"
              " VALUES ('G', NULL, '集团', 'group', '/G/')");
    s_sql(db, "INSERT INTO intake.org_unit (org_code, parent_code, name, kind, path)"
              " SELECT 'S' || s, 'G', '子公司' || s, 'subsidiary', '/G/S' || s || '/'"
              " FROM generate_series(1, 20) s");
    s_sql(db, "INSERT INTO intake.org_unit (org_code, parent_code, name, kind, path)"
              " SELECT 'S' || s || 'B' || b, 'S' || s, '支部' || b, 'branch',"
              "        '/G/S' || s || '/S' || s || 'B' || b || '/'"
              " FROM generate_series(1, 20) s, generate_series(1, 50) b");
    char *seed = fc_xasprintf(
        "WITH a AS (SELECT ARRAY['王','李','张','刘','陈','杨','黄','赵','吴','周','徐','孙','马',"
        "'朱','胡','郭','何','高','林','罗','欧阳','司马','诸葛'] s,"
        " ARRAY['伟','芳','娜','敏','静','丽','强','磊','军','洋','勇','艳','杰','娟','涛','明',"
        "'超','秀','霞','平','刚','桂','英','华','文','建','国','春','红','玉'] g)"
        " INSERT INTO intake.person (employee_no, name, org_code, party_status)"
        " SELECT 'E' || lpad(i::text, 6, '0'),"
        "  s[1 + (hashint4(i) & 2147483647) %% cardinality(s)]"
        "  || g[1 + (hashint4(i * 7) & 2147483647) %% cardinality(g)]"
        "  || CASE WHEN i %% 3 = 0 THEN '' ELSE g[1 + (hashint4(i * 13) & 2147483647) %% 30] END,"
        "  'S' || (1 + i %% 20) || 'B' || (1 + i / 20 %% 50),"
        "  CASE WHEN i %% 3 = 0 THEN 'member' ELSE 'none' END"
        " FROM generate_series(1, %ld) i, a",
        n);
    double t0 = s_now();
    s_sql(db, seed);
    free(seed);
    fprintf(stderr, "search_bench: %ld people seeded in %.1f s (generated grams and indexes)\n", n,
            s_now() - t0);
    s_sql(db, "VACUUM ANALYZE intake.person");
    s_sql(db, "VACUUM ANALYZE intake.org_unit");
    s_sql(db, "CHECKPOINT");

    /* the RPC path: half the queries by S3's admin, half group-wide */
    size_t total = ROUNDS * NQ;
    double *rpc = fc_xcalloc(total, sizeof *rpc);
    fc_rpc_client_opts_t opts = {"bench", "service", "", 60000, 2, NULL};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("intake"), &opts);
    if (!c)
        s_die("could not connect to intake");
    long hits = 0;
    for (size_t k = 0; k < total; k++) {
        size_t q = k % NQ;
        if (q % 2)
            fc_rpc_client_set_scope(c, "bench", "org_admin", "S3");
        else
            fc_rpc_client_set_scope(c, "bench", "service", "");
        Fc__V1__PersonSearchRequest req = FC__V1__PERSON_SEARCH_REQUEST__INIT;
        req.query = (char *)s_queries[q];
        req.limit = 20;
        ProtobufCMessage *reply = NULL;
        fc_err_t err;
        double t = s_now();
        if (fc_rpc_call(c, "intake.person_search", &req.base,
                        &fc__v1__person_search_reply__descriptor, &reply, NULL, &err) != FC_OK) {
            fprintf(stderr, "search_bench: %s: %s: %s\n", s_queries[q], err.field, err.message);
            exit(1);
        }
        rpc[k] = (s_now() - t) * 1000;
        hits += (long)((Fc__V1__PersonSearchReply *)reply)->n_people;
        protobuf_c_message_free_unpacked(reply, NULL);
    }
    fc_rpc_client_destroy(&c);
    if (hits == 0)
        s_die("no query found anybody");

    /* the same filter and order in SQL: with the indexes (the store's statement) and plainly,
     * with nothing for an index to use (a sequential scan of person) */
    const char *indexed =
        "SELECT p.employee_no, p.name, p.org_code, o.name FROM intake.person p"
        " JOIN intake.org_unit o ON o.org_code = p.org_code"
        " WHERE (lower(p.employee_no) LIKE lower($1) OR (p.name_grams @> "
        "intake.person_name_grams($2) AND strpos(lower(p.name), lower($2)) > 0))"
        " AND starts_with(o.path, $3)"
        " ORDER BY CASE WHEN lower(p.employee_no) = lower($2) THEN 0"
        " WHEN lower(p.employee_no) LIKE lower($1) THEN 1 WHEN p.name = $2 THEN 2"
        " WHEN starts_with(p.name, $2) THEN 3 ELSE 4 END, p.employee_no COLLATE \"C\" LIMIT 21";
    const char *plain =
        "SELECT p.employee_no, p.name, p.org_code, o.name FROM intake.person p"
        " JOIN intake.org_unit o ON o.org_code = p.org_code"
        " WHERE (lower(p.employee_no) LIKE lower($1) OR strpos(lower(p.name), lower($2)) > 0)"
        " AND starts_with(o.path, $3)"
        " ORDER BY CASE WHEN lower(p.employee_no) = lower($2) THEN 0"
        " WHEN lower(p.employee_no) LIKE lower($1) THEN 1 WHEN p.name = $2 THEN 2"
        " WHEN starts_with(p.name, $2) THEN 3 ELSE 4 END, p.employee_no COLLATE \"C\" LIMIT 21";
    double *sql_idx = fc_xcalloc(total, sizeof *sql_idx);
    double *sql_plain = fc_xcalloc(total, sizeof *sql_plain);
    s_sql(db, "SET max_parallel_workers_per_gather = 0"); /* as intake's own sessions on 2 cores */
    s_sql_runs(db, indexed, "/G/S3/", sql_idx);
    s_sql_runs(db, plain, "/G/S3/", sql_plain);
    /* per query (the first round), for the README's discussion */
    for (size_t q = 0; q < NQ; q++)
        fprintf(stderr, "search_bench: %-8s %s  rpc %7.2f ms  sql %7.2f ms  plain %7.2f ms\n",
                s_queries[q], q % 2 ? "S3" : "G ", rpc[q], sql_idx[q], sql_plain[q]);

    double *plain_copy = fc_xcalloc(total, sizeof *plain_copy);
    memcpy(plain_copy, sql_plain, total * sizeof *plain_copy);
    double plain_p50 = s_pct(sql_plain, total, 0.50);
    double plain_p95 = s_pct(plain_copy, total, 0.95);
    double *rpc_copy = fc_xcalloc(total, sizeof *rpc_copy);
    memcpy(rpc_copy, rpc, total * sizeof *rpc_copy);
    s_result("intake.person_search_150k_p50_ms", s_pct(rpc, total, 0.50), "ms", plain_p50);
    s_result("intake.person_search_150k_p95_ms", s_pct(rpc_copy, total, 0.95), "ms", plain_p95);
    s_result("intake.person_search_sql_p50_ms", s_pct(sql_idx, total, 0.50), "ms", plain_p50);

    free(rpc);
    free(rpc_copy);
    free(sql_idx);
    free(sql_plain);
    free(plain_copy);
    if (fc_h_stop(intake, SIGTERM, fc_h_ms(20000)) != 0)
        s_die("fc-intake did not stop cleanly");
    return 0;
}
